/* The XLSX files libxlsxwriter writes are deflated at zlib's fastest level instead of its
 * default, on two threads.
 *
 * Why: libxlsxwriter (Debian's 1.1.4) zips every member of a workbook through the shared
 * libminizip with zipOpenNewFileInZip4_64(..., Z_DEFLATED, Z_DEFAULT_COMPRESSION, ...), and
 * has no option for the level. For a ledger of a million rows (about 360 MB of sheet XML)
 * level 6 is some 40 % of the export's CPU; level 1 takes a third off the export's time for
 * a file about a quarter larger (30 → 37 MiB), which every spreadsheet reads the same. And
 * it deflates the sheet only when the workbook is closed, after every row, on one core.
 *
 * How: this executable defines minizip's functions for a member (open, write, close)
 * itself. libxlsxwriter's calls go through the dynamic linker, which searches the executable
 * first (ELF interposition; the linker exports these definitions because a shared library
 * linked in refers to them: `nm -D build/buurtsamen` lists them), so the calls land here.
 * The member is opened in minizip's own definition (the next one in the search order, dlsym
 * RTLD_NEXT) with Z_BEST_SPEED and raw: minizip writes the headers, with the level in the
 * general purpose flag (bits 1-2), and takes the deflated bytes from here. Those are made as
 * pigz makes them: the data in chunks, each deflated on its own with the 32 KiB before it as
 * the dictionary and ended by a sync flush (the last by the final block), by this thread and
 * one helper; the chunks joined in order are one deflate stream. tests/unit/test_export.c
 * checks the flag and unzip checks the members. Nothing else in the program zips. */
#include "util/alloc.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter/third_party/zip.h> /* the prototypes libxlsxwriter calls, minizip 1.1's */
#include <zlib.h>

typedef int open_member_fn(zipFile file, const char *filename, const zip_fileinfo *zipfi,
                           const void *extrafield_local, uInt size_extrafield_local,
                           const void *extrafield_global, uInt size_extrafield_global,
                           const char *comment, int method, int level, int raw, int windowBits,
                           int memLevel, int strategy, const char *password, uLong crcForCrypting,
                           uLong versionMadeBy, uLong flagBase, int zip64);
typedef int write_member_fn(zipFile file, const void *buf, unsigned len);
typedef int close_member_fn(zipFile file);
typedef int close_raw_member_fn(zipFile file, ZPOS64_T uncompressed_size, uLong crc32);

/* minizip's own definitions, found once */
static struct {
    open_member_fn *open;
    write_member_fn *write;
    close_member_fn *close;
    close_raw_member_fn *close_raw;
} minizip;
static pthread_once_t minizip_found = PTHREAD_ONCE_INIT;

static void minizip_find(void)
{
    /* Data pointers to function pointers, as POSIX allows for dlsym. */
    *(void **)&minizip.open = dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
    *(void **)&minizip.write = dlsym(RTLD_NEXT, "zipWriteInFileInZip");
    *(void **)&minizip.close = dlsym(RTLD_NEXT, "zipCloseFileInZip");
    *(void **)&minizip.close_raw = dlsym(RTLD_NEXT, "zipCloseFileInZipRaw64");
}

enum {
    CHUNK = 512 * 1024, /* input bytes deflated at a time */
    DICTIONARY = 32768, /* deflate's window */
    SLOTS = 4           /* chunks in flight: being filled, deflated (two), written */
};

struct chunk {
    unsigned char *in, *out; /* CHUNK and OUT_SIZE bytes, allocated when first used */
    size_t in_len, out_len;
    unsigned char dictionary[DICTIONARY]; /* the end of the chunk before it */
    size_t dictionary_len;
    bool last, done, failed;
};

/* More than deflate ever makes of CHUNK bytes (deflateBound: CHUNK + CHUNK / 4096 + ... + 7),
 * the sync flush's 5 bytes included; a chunk that fills it is taken as failed. */
#define OUT_SIZE ((size_t)CHUNK + CHUNK / 1000 + 64)

/* The member being written. Chunk n lives in slot n % SLOTS; the counters only grow. */
struct member {
    zipFile file;
    int window_bits, mem_level, strategy;
    uLong crc;
    ZPOS64_T total;
    struct chunk chunks[SLOTS];
    unsigned char tail[DICTIONARY]; /* the end of the last chunk handed over */
    size_t tail_len;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    long filled;  /* chunks handed over for deflating, under lock */
    long taken;   /* of those, taken by a thread to deflate, under lock */
    long written; /* of those, written to minizip, in order (by the member's thread) */
    bool stopping, helper_running, failed;
    pthread_t helper;
};

/* The member this thread is writing: libxlsxwriter opens, writes and closes each member in
 * the thread that closes the workbook, one at a time. */
static _Thread_local struct member *current;

static void chunk_deflate(const struct member *m, struct chunk *c)
{
    z_stream z = {0};
    c->failed = true;
    if (deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, m->window_bits, m->mem_level, m->strategy) !=
        Z_OK)
        return;
    if (c->dictionary_len &&
        deflateSetDictionary(&z, c->dictionary, (uInt)c->dictionary_len) != Z_OK) {
        deflateEnd(&z);
        return;
    }
    z.next_in = c->in;
    z.avail_in = (uInt)c->in_len;
    z.next_out = c->out;
    z.avail_out = (uInt)OUT_SIZE;
    int rc = deflate(&z, c->last ? Z_FINISH : Z_SYNC_FLUSH);
    c->failed = z.avail_in != 0 || z.avail_out == 0 || (c->last ? rc != Z_STREAM_END : rc != Z_OK);
    c->out_len = OUT_SIZE - z.avail_out;
    deflateEnd(&z);
}

static void *helper_run(void *arg)
{
    struct member *m = arg;
    pthread_mutex_lock(&m->lock);
    for (;;) {
        while (m->taken == m->filled && !m->stopping)
            pthread_cond_wait(&m->changed, &m->lock);
        if (m->taken == m->filled)
            break;
        struct chunk *c = &m->chunks[m->taken++ % SLOTS];
        pthread_mutex_unlock(&m->lock);
        chunk_deflate(m, c);
        pthread_mutex_lock(&m->lock);
        c->done = true;
        pthread_cond_broadcast(&m->changed);
    }
    pthread_mutex_unlock(&m->lock);
    return NULL;
}

/* Writes the deflated chunks in order, deflating in this thread too, until a slot is free
 * (or, with all, until every chunk handed over is written). */
static void member_drain(struct member *m, bool all)
{
    pthread_mutex_lock(&m->lock);
    for (;;) {
        struct chunk *c = &m->chunks[m->written % SLOTS];
        if (m->written < m->filled && c->done) {
            pthread_mutex_unlock(&m->lock);
            if (c->failed || minizip.write(m->file, c->out, (unsigned)c->out_len) != ZIP_OK)
                m->failed = true;
            c->in_len = 0;
            c->done = false;
            pthread_mutex_lock(&m->lock);
            m->written++;
            continue;
        }
        if (all ? m->written == m->filled : m->filled - m->written < SLOTS)
            break;
        if (m->taken < m->filled) {
            struct chunk *mine = &m->chunks[m->taken++ % SLOTS];
            pthread_mutex_unlock(&m->lock);
            chunk_deflate(m, mine);
            pthread_mutex_lock(&m->lock);
            mine->done = true;
            continue;
        }
        pthread_cond_wait(&m->changed, &m->lock);
    }
    pthread_mutex_unlock(&m->lock);
}

/* Hands the chunk being filled over for deflating. */
static void member_hand_over(struct member *m, bool last)
{
    struct chunk *c = &m->chunks[m->filled % SLOTS];
    memcpy(c->dictionary, m->tail, m->tail_len);
    c->dictionary_len = m->tail_len;
    m->tail_len = c->in_len < DICTIONARY ? c->in_len : DICTIONARY;
    memcpy(m->tail, c->in + c->in_len - m->tail_len, m->tail_len);
    c->last = last;
    pthread_mutex_lock(&m->lock);
    m->filled++;
    pthread_cond_broadcast(&m->changed);
    pthread_mutex_unlock(&m->lock);
    /* A member of more than one chunk (the sheet) gets a helper; without one (none to be had)
     * this thread deflates every chunk. */
    if (!last && !m->helper_running)
        m->helper_running = pthread_create(&m->helper, NULL, helper_run, m) == 0;
    member_drain(m, last);
}

static void member_free(struct member *m)
{
    if (m->helper_running) {
        pthread_mutex_lock(&m->lock);
        m->stopping = true;
        pthread_cond_broadcast(&m->changed);
        pthread_mutex_unlock(&m->lock);
        pthread_join(m->helper, NULL);
    }
    pthread_cond_destroy(&m->changed);
    pthread_mutex_destroy(&m->lock);
    for (int i = 0; i < SLOTS; i++) {
        free(m->chunks[i].in);
        free(m->chunks[i].out);
    }
    free(m);
}

int zipCloseFileInZip(zipFile file)
{
    pthread_once(&minizip_found, minizip_find);
    struct member *m = current;
    if (!m || m->file != file)
        return minizip.close ? minizip.close(file) : ZIP_INTERNALERROR;
    current = NULL;
    struct chunk *c = &m->chunks[m->filled % SLOTS];
    if (!c->in)
        c->in = xmalloc(CHUNK);
    if (!c->out)
        c->out = xmalloc(OUT_SIZE);
    member_hand_over(m, true);
    bool failed = m->failed;
    ZPOS64_T total = m->total;
    uLong crc = m->crc;
    member_free(m);
    int rc = minizip.close_raw(file, total, crc);
    return failed ? ZIP_INTERNALERROR : rc;
}

int zipWriteInFileInZip(zipFile file, const void *buf, unsigned len)
{
    pthread_once(&minizip_found, minizip_find);
    struct member *m = current;
    if (!m || m->file != file)
        return minizip.write ? minizip.write(file, buf, len) : ZIP_INTERNALERROR;
    const unsigned char *data = buf;
    m->crc = crc32(m->crc, data, len);
    m->total += len;
    while (len && !m->failed) {
        struct chunk *c = &m->chunks[m->filled % SLOTS];
        if (!c->in)
            c->in = xmalloc(CHUNK);
        if (!c->out)
            c->out = xmalloc(OUT_SIZE);
        size_t n = CHUNK - c->in_len < len ? CHUNK - c->in_len : len;
        memcpy(c->in + c->in_len, data, n);
        c->in_len += n;
        data += n;
        len -= (unsigned)n;
        if (c->in_len == CHUNK)
            member_hand_over(m, false);
    }
    return m->failed ? ZIP_INTERNALERROR : ZIP_OK;
}

int zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
                            const void *extrafield_local, uInt size_extrafield_local,
                            const void *extrafield_global, uInt size_extrafield_global,
                            const char *comment, int method, int level, int raw, int windowBits,
                            int memLevel, int strategy, const char *password, uLong crcForCrypting,
                            uLong versionMadeBy, uLong flagBase, int zip64)
{
    pthread_once(&minizip_found, minizip_find);
    if (!minizip.open) /* never with a shared libminizip: the workbook then fails */
        return ZIP_INTERNALERROR;
    if (current && current->file == file) { /* a member left open is closed first, as minizip */
        zipCloseFileInZip(file);
    } else if (current) { /* of a zip file closed without it: nothing to write it to */
        member_free(current);
        current = NULL;
    }
    /* Deflated here: what minizip itself would deflate, when every function is at hand. */
    bool here = method == Z_DEFLATED && !raw && !password && windowBits < 0 && minizip.write &&
                minizip.close && minizip.close_raw;
    if (method == Z_DEFLATED)
        level = Z_BEST_SPEED;
    int rc = minizip.open(file, filename, zipfi, extrafield_local, size_extrafield_local,
                          extrafield_global, size_extrafield_global, comment, method, level,
                          here ? 1 : raw, windowBits, memLevel, strategy, password, crcForCrypting,
                          versionMadeBy, flagBase, zip64);
    if (rc != ZIP_OK || !here)
        return rc;
    struct member *m = xcalloc(1, sizeof *m);
    m->file = file;
    m->window_bits = windowBits;
    m->mem_level = memLevel;
    m->strategy = strategy;
    m->crc = crc32(0, NULL, 0);
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->changed, NULL);
    current = m;
    return ZIP_OK;
}
