/* Photos from residents: type by content, size from the header before decoding, re-encoded. */
#include "domain/photo.h"
#include "db/db.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <gd.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    MAX_SIDE = 12000,  /* no camera makes a longer side; a bigger one is an attack or a mistake */
    JPEG_QUALITY = 82, /* visually clean for photos at about a tenth of the original size */
    EOI_SEARCH = 16,   /* how far before the end (after zero padding) EOI may sit */
};

enum image_type { TYPE_NONE, TYPE_JPEG, TYPE_PNG };

static const unsigned char png_signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

static enum image_type image_type(const unsigned char *data, size_t len)
{
    if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return TYPE_JPEG;
    if (len >= sizeof png_signature && memcmp(data, png_signature, sizeof png_signature) == 0)
        return TYPE_PNG;
    return TYPE_NONE;
}

static uint32_t read_be16(const unsigned char *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t read_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The first chunk of a PNG must be IHDR: length 13, then width and height. */
static bool png_dimensions(const unsigned char *data, size_t len, uint32_t *width, uint32_t *height)
{
    const unsigned char *chunk = data + sizeof png_signature;
    if (len < sizeof png_signature + 8 + 13 + 4)
        return false;
    if (read_be32(chunk) != 13 || memcmp(chunk + 4, "IHDR", 4) != 0)
        return false;
    *width = read_be32(chunk + 8);
    *height = read_be32(chunk + 12);
    return true;
}

/* A start-of-frame marker: C0..CF except DHT (C4), JPG (C8) and DAC (CC). */
static bool is_start_of_frame(unsigned marker)
{
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

/* Walks the segments after SOI to the first start of frame, as libjpeg does, and reads its
 * dimensions. Anything unexpected before the frame header makes the file unreadable to us. */
static bool jpeg_dimensions(const unsigned char *data, size_t len, uint32_t *width,
                            uint32_t *height)
{
    size_t pos = 2; /* after SOI */
    for (;;) {
        if (pos >= len || data[pos] != 0xFF)
            return false;
        while (pos < len && data[pos] == 0xFF) /* fill bytes may precede any marker */
            pos++;
        if (pos >= len)
            return false;
        unsigned marker = data[pos++];
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
            continue; /* TEM and RSTn stand alone, without a length */
        if (marker == 0x00 || marker == 0xD8 || marker == 0xD9 || marker == 0xDA)
            return false; /* stuffing, a second SOI, or EOI/SOS before any frame header */
        if (len - pos < 2)
            return false;
        size_t segment = read_be16(data + pos); /* counts its own two length bytes */
        if (segment < 2 || segment > len - pos)
            return false;
        if (is_start_of_frame(marker)) {
            if (segment < 8) /* length, precision, height, width, component count */
                return false;
            *height = read_be16(data + pos + 3);
            *width = read_be16(data + pos + 5);
            return true;
        }
        pos += segment;
    }
}

/* libjpeg fills a cut-off file with grey and reports only a warning, so a truncated upload
 * would otherwise be published half grey. Cameras and editors may pad after EOI with zeros. */
static bool jpeg_has_end(const unsigned char *data, size_t len)
{
    size_t end = len;
    while (end > 2 && data[end - 1] == 0)
        end--;
    size_t stop = end > EOI_SEARCH + 2 ? end - EOI_SEARCH : 2;
    for (size_t i = end - 1; i > stop; i--) {
        if (data[i - 1] == 0xFF && data[i] == 0xD9)
            return true;
    }
    return false;
}

/* Checks the declared size before libgd allocates anything for it. */
static enum photo_error check_header(enum image_type type, const unsigned char *data, size_t len,
                                     int *width, int *height)
{
    uint32_t declared_width = 0, declared_height = 0;
    bool parsed = type == TYPE_PNG ? png_dimensions(data, len, &declared_width, &declared_height)
                                   : jpeg_dimensions(data, len, &declared_width, &declared_height);
    if (!parsed || declared_width == 0 || declared_height == 0)
        return PHOTO_DAMAGED;
    if (declared_width > MAX_SIDE || declared_height > MAX_SIDE ||
        (uint64_t)declared_width * declared_height > PHOTO_MAX_PIXELS)
        return PHOTO_TOO_MANY_PIXELS;
    *width = (int)declared_width;
    *height = (int)declared_height;
    return PHOTO_OK;
}

/* Composes every pixel onto white in place, so transparent parts do not turn black in the
 * JPEG. color_key is the one fully transparent colour of a PNG with tRNS, or -1. */
static void flatten_on_white(gdImagePtr image, int color_key)
{
    for (int y = 0; y < gdImageSY(image); y++) {
        int *row = image->tpixels[y];
        for (int x = 0; x < gdImageSX(image); x++) {
            int color = row[x];
            int alpha = color == color_key ? gdAlphaTransparent : gdTrueColorGetAlpha(color);
            if (alpha == gdAlphaOpaque)
                continue;
            int opacity = gdAlphaMax - alpha, white = 255 * alpha;
            int red = (gdTrueColorGetRed(color) * opacity + white + gdAlphaMax / 2) / gdAlphaMax;
            int green =
                (gdTrueColorGetGreen(color) * opacity + white + gdAlphaMax / 2) / gdAlphaMax;
            int blue = (gdTrueColorGetBlue(color) * opacity + white + gdAlphaMax / 2) / gdAlphaMax;
            row[x] = gdTrueColor(red, green, blue);
        }
    }
    gdImageColorTransparent(image, -1);
    gdImageSaveAlpha(image, 0);
}

/* The size that fits within max_side × max_side with the same aspect ratio, never larger. */
static void fit_within(int width, int height, int max_side, int *out_width, int *out_height)
{
    *out_width = width;
    *out_height = height;
    if (max_side < 1 || (width <= max_side && height <= max_side))
        return;
    if (width >= height) {
        *out_width = max_side;
        *out_height = (int)(((int64_t)height * max_side + width / 2) / width);
    } else {
        *out_height = max_side;
        *out_width = (int)(((int64_t)width * max_side + height / 2) / height);
    }
    if (*out_width < 1)
        *out_width = 1;
    if (*out_height < 1)
        *out_height = 1;
}

static gdImagePtr decode(enum image_type type, const unsigned char *data, size_t len)
{
    /* libgd takes a non-const pointer but only reads: the dynamic context is not growable. */
    void *bytes = (void *)(uintptr_t)data;
    if (type == TYPE_JPEG)
        return gdImageCreateFromJpegPtrEx((int)len, bytes, 0);
    return gdImageCreateFromPngPtr((int)len, bytes);
}

/* From a decoded image to a scaled JPEG in *out; the image stays the caller's. */
static enum photo_error encode(gdImagePtr image, int max_side, struct photo *out)
{
    int color_key = gdImageTrueColor(image) ? gdImageGetTransparent(image) : -1;
    if (!gdImageTrueColor(image) && !gdImagePaletteToTrueColor(image))
        return PHOTO_FAILED;
    flatten_on_white(image, color_key);

    int width, height;
    fit_within(gdImageSX(image), gdImageSY(image), max_side, &width, &height);
    gdImagePtr scaled = NULL;
    if (width != gdImageSX(image) || height != gdImageSY(image)) {
        /* Bicubic through libgd's two-pass filter widens its support when shrinking, so fine
         * detail averages out instead of aliasing. */
        if (!gdImageSetInterpolationMethod(image, GD_BICUBIC))
            return PHOTO_FAILED;
        scaled = gdImageScale(image, (unsigned)width, (unsigned)height);
        if (!scaled)
            return PHOTO_FAILED;
    }
    gdImagePtr final = scaled ? scaled : image;

    int size = 0;
    void *jpeg = gdImageJpegPtr(final, &size, JPEG_QUALITY);
    enum photo_error err = PHOTO_FAILED;
    if (jpeg && size > 0) {
        out->jpeg = xmalloc((size_t)size);
        memcpy(out->jpeg, jpeg, (size_t)size);
        out->len = (size_t)size;
        out->width = gdImageSX(final);
        out->height = gdImageSY(final);
        err = PHOTO_OK;
    }
    if (jpeg)
        gdFree(jpeg);
    if (scaled)
        gdImageDestroy(scaled);
    return err;
}

/* The decoding slots of this process: a counting semaphore without blocking. */
static atomic_int decoders_busy;
static atomic_int decoders_max = -1; /* -1: the number of cores, looked up on first use */

void photo_set_decoders(int n)
{
    atomic_store(&decoders_max, n < 0 ? -1 : n);
}

static bool decoder_take(void)
{
    int max = atomic_load(&decoders_max);
    if (max < 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        max = cores > 0 && cores < 1024 ? (int)cores : 1;
    }
    if (atomic_fetch_add(&decoders_busy, 1) >= max) {
        atomic_fetch_sub(&decoders_busy, 1);
        return false;
    }
    return true;
}

static void decoder_give(void)
{
    atomic_fetch_sub(&decoders_busy, 1);
}

enum photo_error photo_process(const unsigned char *data, size_t len, int max_side,
                               struct photo *out)
{
    memset(out, 0, sizeof *out);
    if (!data || len == 0)
        return PHOTO_EMPTY;
    if (len > PHOTO_MAX_BYTES)
        return PHOTO_TOO_BIG;
    enum image_type type = image_type(data, len);
    if (type == TYPE_NONE)
        return PHOTO_NOT_IMAGE;
    int width, height;
    enum photo_error err = check_header(type, data, len, &width, &height);
    if (err != PHOTO_OK)
        return err;
    if (type == TYPE_JPEG && !jpeg_has_end(data, len))
        return PHOTO_DAMAGED;

    /* Decoding holds a core; past the slots the upload is refused at once rather than queued,
     * so that uploads can never take every request thread and core from the rest of the site. */
    if (!decoder_take())
        return PHOTO_BUSY;
    /* libpng and libjpeg errors longjmp back into libgd, which returns NULL. */
    gdImagePtr image = decode(type, data, len);
    decoder_give();
    if (!image)
        return PHOTO_DAMAGED;
    /* The decoder read another header than we checked: the file is not what it claims. */
    if (gdImageSX(image) != width || gdImageSY(image) != height)
        err = PHOTO_DAMAGED;
    else
        err = encode(image, max_side, out);
    gdImageDestroy(image);
    return err;
}

void photo_free(struct photo *photo)
{
    free(photo->jpeg);
    memset(photo, 0, sizeof *photo);
}

const char *photo_error_message(enum photo_error err)
{
    switch (err) {
    case PHOTO_OK:
        return "De foto is in orde.";
    case PHOTO_EMPTY:
        return "Het bestand is leeg.";
    case PHOTO_TOO_BIG:
        return "De foto is te groot; het maximum is 8 MB.";
    case PHOTO_NOT_IMAGE:
        return "Dit bestand is geen JPEG- of PNG-foto.";
    case PHOTO_TOO_MANY_PIXELS:
        return "De foto heeft te veel pixels; verklein hem tot hoogstens 24 megapixel.";
    case PHOTO_DAMAGED:
        return "De foto is beschadigd of onvolledig; probeer hem opnieuw te uploaden.";
    case PHOTO_FAILED:
        return "De foto kon niet worden verwerkt; probeer het later opnieuw.";
    case PHOTO_BUSY:
        return "Er worden nu veel foto's verwerkt. Probeer het over een paar seconden opnieuw; "
               "uw gegevens zijn nog niet opgeslagen.";
    }
    return "De foto kon niet worden verwerkt.";
}

/* ---- Storing and serving ---- */

int64_t photo_store(struct db *db, const struct photo *photo)
{
    if (!photo || !photo->jpeg || photo->len == 0 || photo->len > INT32_MAX)
        return 0;
    sqlite3_stmt *s = db_prepare(db, "INSERT INTO photos(jpeg, width, height) VALUES (?, ?, ?)");
    if (!s)
        return 0;
    sqlite3_bind_blob(s, 1, photo->jpeg, (int)photo->len, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, photo->width);
    sqlite3_bind_int(s, 3, photo->height);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok ? sqlite3_last_insert_rowid(db_handle(db)) : 0;
}

enum photo_visibility photo_read(struct db *db, int64_t id, struct buf *out)
{
    sqlite3_stmt *s = db_prepare(
        db, "SELECT p.jpeg, EXISTS (SELECT 1 FROM initiatives i WHERE i.photo_id = p.id "
            "AND i.published_at IS NOT NULL) OR EXISTS (SELECT 1 FROM initiative_updates u "
            "WHERE u.photo_id = p.id) FROM photos p WHERE p.id = ?");
    if (!s)
        return PHOTO_UNREADABLE;
    sqlite3_bind_int64(s, 1, id);
    int rc = sqlite3_step(s);
    enum photo_visibility v = rc == SQLITE_DONE ? PHOTO_MISSING : PHOTO_UNREADABLE;
    if (rc == SQLITE_ROW) {
        v = sqlite3_column_int(s, 1) ? PHOTO_PUBLIC : PHOTO_UNPUBLISHED;
        buf_append(out, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
    }
    sqlite3_reset(s);
    return v;
}

bool photo_unpublished_area(struct db *db, int64_t id, int64_t *area_id)
{
    *area_id = 0;
    sqlite3_stmt *s = db_prepare(db, "SELECT coalesce(area_id, 0) FROM initiatives "
                                     "WHERE photo_id = ? ORDER BY id LIMIT 1");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found)
        *area_id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return found;
}

/* ---- Photos held for a form that comes back ---- */

static void held_key(const unsigned char *secret, const char *binding, const char *ref,
                     unsigned char out[32])
{
    static const char purpose[] = "photo held for a form";
    crypto_generichash_state st;
    crypto_generichash_init(&st, secret, 32, 32);
    crypto_generichash_update(&st, (const unsigned char *)purpose, sizeof purpose);
    crypto_generichash_update(&st, (const unsigned char *)binding, strlen(binding) + 1);
    crypto_generichash_update(&st, (const unsigned char *)ref, strlen(ref));
    crypto_generichash_final(&st, out, 32);
}

static bool ref_well_formed(const char *ref)
{
    if (!ref || strlen(ref) != PHOTO_REF_CHARS)
        return false;
    for (const char *p = ref; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

int64_t photo_hold(struct db *db, const unsigned char *secret, const char *binding,
                   const struct photo *photo, time_t now, char ref_out[PHOTO_REF_CHARS + 1])
{
    unsigned char raw[32], key[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(ref_out, PHOTO_REF_CHARS + 1, raw, sizeof raw,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    held_key(secret, binding ? binding : "", ref_out, key);
    if (!db_begin(db))
        return 0;
    int64_t id = photo_store(db, photo);
    sqlite3_stmt *s = id ? db_prepare(db, "INSERT INTO provisional_photos(key_hash, photo_id, "
                                          "expires_at) VALUES (?, ?, ?)")
                         : NULL;
    bool ok = s != NULL;
    if (ok) {
        sqlite3_bind_blob(s, 1, key, sizeof key, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 2, id);
        sqlite3_bind_int64(s, 3, (int64_t)now + PHOTO_HOLD_SECONDS);
        ok = sqlite3_step(s) == SQLITE_DONE;
        sqlite3_reset(s);
    }
    if (!ok || !db_commit(db)) {
        db_rollback(db);
        ref_out[0] = '\0';
        return 0;
    }
    return id;
}

int64_t photo_held(struct db *db, const unsigned char *secret, const char *binding, const char *ref,
                   time_t now)
{
    if (!ref_well_formed(ref) || !binding)
        return 0;
    unsigned char key[32];
    held_key(secret, binding, ref, key);
    sqlite3_stmt *s = db_prepare(db, "SELECT photo_id FROM provisional_photos "
                                     "WHERE key_hash = ? AND expires_at > ?");
    if (!s)
        return 0;
    sqlite3_bind_blob(s, 1, key, sizeof key, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, (int64_t)now);
    int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return id;
}

bool photo_read_held(struct db *db, const unsigned char *secret, const char *binding,
                     const char *ref, time_t now, struct buf *out)
{
    int64_t id = photo_held(db, secret, binding, ref, now);
    if (!id)
        return false;
    sqlite3_stmt *s = db_prepare(db, "SELECT jpeg FROM photos WHERE id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, id);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found)
        buf_append(out, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0));
    sqlite3_reset(s);
    return found;
}

/* Photos that nothing but a hold uses. */
#define UNUSED_PHOTO                                                                               \
    "NOT EXISTS (SELECT 1 FROM initiatives i WHERE i.photo_id = photos.id) AND NOT EXISTS "        \
    "(SELECT 1 FROM initiative_updates u WHERE u.photo_id = photos.id)"

bool photo_release(struct db *db, int64_t photo_id)
{
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM photos WHERE id = ? AND id IN (SELECT photo_id "
                                     "FROM provisional_photos) AND " UNUSED_PHOTO);
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, photo_id);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

bool photo_claim(struct db *db, int64_t photo_id)
{
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM provisional_photos WHERE photo_id = ?");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, photo_id);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    sqlite3_reset(s);
    return ok;
}

int photo_expire(struct db *db, time_t now)
{
    sqlite3_stmt *s = db_prepare(db, "DELETE FROM photos WHERE id IN (SELECT photo_id FROM "
                                     "provisional_photos WHERE expires_at <= ?) AND " UNUSED_PHOTO);
    sqlite3_stmt *rest = db_prepare(db, "DELETE FROM provisional_photos WHERE expires_at <= ?");
    if (!s || !rest)
        return -1;
    sqlite3_bind_int64(s, 1, (int64_t)now);
    bool ok = sqlite3_step(s) == SQLITE_DONE;
    int n = sqlite3_changes(db_handle(db));
    sqlite3_reset(s);
    sqlite3_bind_int64(rest, 1, (int64_t)now);
    ok = ok && sqlite3_step(rest) == SQLITE_DONE;
    sqlite3_reset(rest);
    return ok ? n : -1;
}
