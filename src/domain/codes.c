/* Voucher codes and the secret key that hashes them. */
#include "domain/codes.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int char_value(char c)
{
    const char *p = strchr(CODE_ALPHABET, c);
    return c && p ? (int)(p - CODE_ALPHABET) : -1;
}

char code_check_char(const char *code)
{
    unsigned sum = 0;
    for (int i = 0; i < CODE_RANDOM_CHARS; i++)
        sum += (unsigned)(i + 1) * (unsigned)char_value(code[i]);
    return CODE_ALPHABET[sum % 31];
}

void code_generate(char out[CODE_CHARS + 1])
{
    for (int i = 0; i < CODE_RANDOM_CHARS; i++)
        out[i] = CODE_ALPHABET[randombytes_uniform(31)];
    out[CODE_RANDOM_CHARS] = code_check_char(out);
    out[CODE_CHARS] = '\0';
}

enum code_status code_normalize(const char *input, char out[CODE_CHARS + 1])
{
    size_t n = 0;
    bool bad_char = false;
    for (const char *p = input; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '-' || c == '\t' || c == '.' || c == '\r' || c == '\n')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (char_value(c) < 0)
            bad_char = true;
        if (n < CODE_CHARS)
            out[n] = c;
        n++;
    }
    out[n < CODE_CHARS ? n : CODE_CHARS] = '\0';
    if (n == 0)
        return CODE_EMPTY;
    if (bad_char)
        return CODE_BAD_CHAR;
    if (n != CODE_CHARS)
        return CODE_BAD_LENGTH;
    return code_check_char(out) == out[CODE_RANDOM_CHARS] ? CODE_OK : CODE_BAD_CHECK;
}

void code_format(const char *code, char out[CODE_DISPLAY])
{
    size_t n = 0;
    for (int i = 0; i < CODE_CHARS && code[i]; i++) {
        if (i && i % 4 == 0)
            out[n++] = '-';
        out[n++] = code[i];
    }
    out[n] = '\0';
}

void code_hash(const unsigned char secret[SECRET_BYTES], const char *code,
               unsigned char out[CODE_HASH_BYTES])
{
    crypto_generichash(out, CODE_HASH_BYTES, (const unsigned char *)code, strlen(code), secret,
                       SECRET_BYTES);
}

void secret_sign_id(const unsigned char secret[SECRET_BYTES], const char *context, long long id,
                    char out[21])
{
    char msg[96];
    int len = snprintf(msg, sizeof msg, "%s:%lld", context, id);
    unsigned char mac[10];
    crypto_generichash(mac, sizeof mac, (const unsigned char *)msg, (size_t)len, secret,
                       SECRET_BYTES);
    sodium_bin2hex(out, 21, mac, sizeof mac);
}

bool secret_load(const char *path, bool may_create, unsigned char secret[SECRET_BYTES], char *err,
                 size_t err_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && may_create) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            snprintf(err, err_size, "cannot create key file %s: %s", path, strerror(errno));
            return false;
        }
        randombytes_buf(secret, SECRET_BYTES);
        bool ok = write(fd, secret, SECRET_BYTES) == SECRET_BYTES && fsync(fd) == 0;
        close(fd);
        if (!ok) {
            unlink(path);
            snprintf(err, err_size, "cannot write key file %s", path);
        }
        return ok;
    }
    if (fd < 0) {
        snprintf(err, err_size, "cannot read key file %s: %s", path, strerror(errno));
        return false;
    }
    ssize_t got = read(fd, secret, SECRET_BYTES);
    close(fd);
    if (got != SECRET_BYTES) {
        snprintf(err, err_size, "key file %s is damaged (expected %d bytes)", path, SECRET_BYTES);
        return false;
    }
    return true;
}
