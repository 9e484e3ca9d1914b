/* Unit tests for the hand-over to the mail command: run directly without a shell, the message
 * on its standard input, and every way it can fail named in the error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/mail_command.h"

static char dir[64];

/* A script in the test directory; its path goes to path. */
static void script(const char *name, const char *text, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, 0755), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/bs-mail-command-%d", (int)getpid());
    mkdir(dir, 0700);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char command[160];
    snprintf(command, sizeof command, "rm -rf %s", dir);
    return system(command) == 0 ? 0 : -1;
}

static void the_message_arrives_with_the_arguments(void **state)
{
    (void)state;
    char path[128], out[160], command[400], error[200] = "";
    snprintf(out, sizeof out, "%s/received", dir);
    char text[400];
    /* Arguments exactly as split on spaces, no shell in between: "$*" stays literal. */
    snprintf(text, sizeof text,
             "#!/bin/sh\n[ $# -eq 3 ] && [ \"$1\" = -t ] && [ \"$2\" = -i ] && "
             "[ \"$3\" = '$HOME' ] || exit 64\ncat > %s\n",
             out);
    script("ok.sh", text, path, sizeof path);
    snprintf(command, sizeof command, "%s -t  -i $HOME", path);
    static const char message[] = "To: piet@example.nl\nSubject: Hoi\n\nHallo\n";
    assert_true(mail_command_run(command, message, strlen(message), error, sizeof error));
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char got[200] = "";
    size_t n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    got[n] = '\0';
    assert_string_equal(got, message);
}

static void failures_are_named(void **state)
{
    (void)state;
    char path[128], error[200] = "";
    assert_false(mail_command_run(NULL, "x", 1, error, sizeof error));
    assert_string_equal(error, "no mail command configured");
    assert_false(mail_command_run("", "x", 1, error, sizeof error));
    assert_string_equal(error, "no mail command configured");

    script("exit3.sh", "#!/bin/sh\ncat > /dev/null\nexit 3\n", path, sizeof path);
    assert_false(mail_command_run(path, "x", 1, error, sizeof error));
    assert_non_null(strstr(error, "failed with exit status 3"));

    script("killed.sh", "#!/bin/sh\nkill -KILL $$\n", path, sizeof path);
    assert_false(mail_command_run(path, "x", 1, error, sizeof error));
    assert_non_null(strstr(error, "killed by signal 9"));

    snprintf(path, sizeof path, "%s/no-such-sendmail", dir);
    assert_false(mail_command_run(path, "x", 1, error, sizeof error));
    assert_non_null(strstr(error, "cannot start"));
    assert_non_null(strstr(error, "No such file"));

    /* Exit 0 without reading a message too large for the pipe: not delivered. */
    script("quit.sh", "#!/bin/sh\nexit 0\n", path, sizeof path);
    size_t big = 4 * 1024 * 1024;
    char *message = malloc(big);
    memset(message, 'a', big);
    assert_false(mail_command_run(path, message, big, error, sizeof error));
    assert_non_null(strstr(error, "did not read the whole message"));
    free(message);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_message_arrives_with_the_arguments),
        cmocka_unit_test(failures_are_named),
    };
    return cmocka_run_group_tests_name("mail command", tests, setup, teardown);
}
