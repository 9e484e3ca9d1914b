/* Photos from residents: checked by content, decoded, scaled and re-encoded as JPEG with libgd,
 * so that metadata such as EXIF GPS positions never reaches the site. */
#ifndef BS_PHOTO_H
#define BS_PHOTO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct db;
struct buf;

enum photo_error {
    PHOTO_OK,
    PHOTO_EMPTY,           /* no data */
    PHOTO_TOO_BIG,         /* file larger than PHOTO_MAX_BYTES */
    PHOTO_NOT_IMAGE,       /* not a JPEG or PNG by its content (whatever the file name says) */
    PHOTO_TOO_MANY_PIXELS, /* declared dimensions above PHOTO_MAX_PIXELS or a side above 12000 */
    PHOTO_DAMAGED,         /* truncated or undecodable */
    PHOTO_FAILED,          /* encoding failed */
    PHOTO_BUSY,            /* every decoding slot is taken: try again in a few seconds */
};

enum { PHOTO_MAX_BYTES = 8 * 1024 * 1024, PHOTO_MAX_PIXELS = 24 * 1000 * 1000,
       PHOTO_RETRY_SECONDS = 5 };

/* A re-encoded photo: a baseline JFIF JPEG of width × height pixels, owned by the struct. */
struct photo {
    unsigned char *jpeg;
    size_t len;
    int width, height;
};

/* Checks, decodes and re-encodes; the longest side is scaled down to max_side (never up; a
 * max_side below 1 keeps the size). On any error *out is zeroed and needs no photo_free. */
enum photo_error photo_process(const unsigned char *data, size_t len, int max_side,
                               struct photo *out);
/* How many photos may be decoded at once in this process (decoding a large photo takes a
 * core for a second): n >= 0 exactly n (0 refuses every decode, for tests), n < 0 the number
 * of cores (the default). */
void photo_set_decoders(int n);
/* Frees the JPEG and zeroes the struct; safe on a zeroed struct and twice. */
void photo_free(struct photo *photo);
/* A short Dutch message for a resident ("Dit bestand is geen JPEG- of PNG-foto."). */
const char *photo_error_message(enum photo_error err);

/* Stores a re-encoded photo; its id, 0 on failure. Works inside the caller's transaction. */
int64_t photo_store(struct db *db, const struct photo *photo);

/* Who may see a stored photo. */
enum photo_visibility {
    PHOTO_PUBLIC,      /* of a published initiative or of an update */
    PHOTO_UNPUBLISHED, /* only of initiatives under review: for staff */
    PHOTO_MISSING,     /* no such photo */
    PHOTO_UNREADABLE,  /* the database failed */
};
/* The area (0: city-wide) of the unpublished initiative that holds photo `id`, for the
 * check that only staff who may review it see it; false when no initiative holds it. */
bool photo_unpublished_area(struct db *db, int64_t id, int64_t *area_id);
/* Appends photo `id`'s JPEG to out (for PHOTO_PUBLIC and PHOTO_UNPUBLISHED only). */
enum photo_visibility photo_read(struct db *db, int64_t id, struct buf *out);

/* ---- Photos held for a form that comes back ----
 * A photo uploaded with a form that is shown again (a validation error, more budget rows) is
 * held under a random reference that the form carries in a hidden field. Only a keyed hash of
 * the reference together with the browser's CSRF token (binding) is stored, so a reference is
 * worth nothing in another browser. Held photos expire; housekeeping removes them. */
enum { PHOTO_REF_CHARS = 43, PHOTO_HOLD_SECONDS = 24 * 3600 };
/* Stores the photo and holds it until now + PHOTO_HOLD_SECONDS; ref_out gets the reference.
 * The photo's id, 0 on failure (then nothing is stored). secret: SECRET_BYTES. */
int64_t photo_hold(struct db *db, const unsigned char *secret, const char *binding,
                   const struct photo *photo, time_t now, char ref_out[PHOTO_REF_CHARS + 1]);
/* The photo held under ref for this binding and not expired at now; 0 when none. */
int64_t photo_held(struct db *db, const unsigned char *secret, const char *binding,
                   const char *ref, time_t now);
/* Appends the JPEG of the photo photo_held finds; false when there is none. */
bool photo_read_held(struct db *db, const unsigned char *secret, const char *binding,
                     const char *ref, time_t now, struct buf *out);
/* Deletes a held photo that nothing else uses (it was replaced or removed on the form). */
bool photo_release(struct db *db, int64_t photo_id);
/* The photo is an initiative's now, no longer held. Inside the caller's transaction. */
bool photo_claim(struct db *db, int64_t photo_id);
/* Deletes the held photos expired at now that no initiative or update uses; how many, -1 on
 * an error. Inside the caller's transaction. */
int photo_expire(struct db *db, time_t now);

#endif
