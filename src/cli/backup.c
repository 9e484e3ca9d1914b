/* backup: a consistent copy of the live database, taken from one read snapshot. */
#include "app.h"
#include "cli/cli.h"
#include "db/db.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Copies the whole database in one backup step. That step holds a single read transaction
 * on the source, which in WAL mode holds up no writer; a copy in several steps starts again
 * whenever another connection writes between two of them, and so never ends on a busy site. */
static bool copy_snapshot(struct db *db, const char *tmp, char *err, size_t err_size)
{
    sqlite3 *out = NULL;
    int rc = sqlite3_open_v2(tmp, &out, SQLITE_OPEN_READWRITE, NULL);
    sqlite3_backup *b =
        rc == SQLITE_OK ? sqlite3_backup_init(out, "main", db_handle(db), "main") : NULL;
    if (b) {
        /* Busy only while a checkpoint resets the WAL, a moment: try again for 10 s. */
        for (int tries = 0; tries < 500; tries++) {
            rc = sqlite3_backup_step(b, -1);
            if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
                break;
            sqlite3_sleep(20);
        }
        sqlite3_backup_finish(b);
    }
    bool ok = b && rc == SQLITE_DONE && sqlite3_errcode(out) == SQLITE_OK;
    if (ok) {
        /* The pages say WAL like the source's; a copy in rollback mode is one self-contained
         * file, readable even where no -wal and -shm can be made. db_open turns WAL on again
         * once it is restored. Then the check: a bad copy must never replace a good backup. */
        sqlite3_stmt *s = NULL;
        ok = sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) == SQLITE_OK &&
             sqlite3_prepare_v2(out, "PRAGMA quick_check", -1, &s, NULL) == SQLITE_OK &&
             sqlite3_step(s) == SQLITE_ROW &&
             strcmp((const char *)sqlite3_column_text(s, 0), "ok") == 0;
        sqlite3_finalize(s);
        if (!ok)
            snprintf(err, err_size, "the copy in %s fails its check", tmp);
    } else {
        snprintf(err, err_size, "copy to %s failed: %s", tmp,
                 out ? sqlite3_errmsg(out) : sqlite3_errstr(rc));
    }
    if (sqlite3_close(out) != SQLITE_OK && ok) {
        snprintf(err, err_size, "cannot close %s", tmp);
        ok = false;
    }
    return ok;
}

static bool sync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

bool cli_backup_write(struct db *db, const char *target, char *err, size_t err_size)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", target, (long)getpid());
    unlink(tmp);
    /* Created here, 0600: the copy holds every address and voucher hash, whatever the umask. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, err_size, "cannot create %s: %s", tmp, strerror(errno));
        return false;
    }
    close(fd);
    bool ok = copy_snapshot(db, tmp, err, err_size);
    if (ok && !sync_path(tmp, O_RDONLY)) {
        snprintf(err, err_size, "cannot sync %s: %s", tmp, strerror(errno));
        ok = false;
    }
    if (ok && rename(tmp, target) != 0) {
        snprintf(err, err_size, "cannot rename %s to %s: %s", tmp, target, strerror(errno));
        ok = false;
    }
    if (ok) {
        /* The rename itself survives a power cut only once the directory is synced. */
        char dir[1100];
        snprintf(dir, sizeof dir, "%s", target);
        sync_path(dirname(dir), O_RDONLY | O_DIRECTORY);
    } else {
        unlink(tmp);
    }
    /* What SQLite may leave of the temporary file (a copy of a WAL database is one too). */
    static const char *const leftovers[] = {"-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof leftovers / sizeof leftovers[0]; i++) {
        char side[1200];
        snprintf(side, sizeof side, "%s%s", tmp, leftovers[i]);
        unlink(side);
    }
    return ok;
}

int cli_backup(struct app *app, int argc, char **argv)
{
    if (cli_wants_help(argc, argv) || argc != 2) {
        printf("usage: buurtsamen backup FILE\n"
               "Writes a consistent copy of the database to FILE while the site keeps running;\n"
               "an existing FILE is replaced only once the copy is complete. The key file is\n"
               "not in the copy: keep a copy of it apart (see README, Backup and restore).\n");
        return argc == 2 || cli_wants_help(argc, argv) ? EXIT_OK : EXIT_USAGE;
    }
    const char *target = argv[1];
    struct db *db = cli_open_db_as_is(app);
    if (!db)
        return EXIT_FAIL;
    char err[1500];
    bool ok = cli_backup_write(db, target, err, sizeof err);
    db_close(db);
    if (!ok) {
        fprintf(stderr, "buurtsamen backup: %s\n", err);
        return EXIT_FAIL;
    }
    printf("buurtsamen: backup written to %s\n", target);
    return EXIT_OK;
}
