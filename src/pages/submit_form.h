/* The initiative form, shared by the submission page (submit.c) and the initiator's edit page
 * (manage.c): its view data, the posted values and the optional photo field. */
#ifndef BS_SUBMIT_FORM_H
#define BS_SUBMIT_FORM_H
#include <jansson.h>

#include "domain/photo.h"
#include "http/request.h"

struct photo;

enum { SUBMIT_DEFAULT_ROWS = 5, SUBMIT_MORE_ROWS = 3 };

/* Everything the form template needs: rules, areas, rows with their values and errors
 * (values and errors consumed). */
json_t *submit_form_data(struct request *req, json_t *values, json_t *errors, int rows,
                         int co_rows);
/* The submitted values as an object, for showing them back. */
json_t *submit_posted_values(struct request *req);
/* How many co-organiser rows an empty form shows. */
int submit_co_rows_default(struct request *req);
/* A form field as a number within [min, max], else fallback. */
int submit_int_field(struct request *req, const char *name, int fallback, int min, int max);
/* request_form as a field_getter for submission_validate. */
const char *submit_form_getter(void *ctx, const char *name);
/* The optional photo of a form field: 0 when none, 1 with *out to photo_free, -1 when it is
 * refused (the Dutch message then in errors[field]). */
int submit_photo_field(struct request *req, const char *field, struct photo *out, json_t *errors);
/* The refusal of submit_photo_field and submit_photo_stored when every decoding slot is taken:
 * the page answers 503 with Retry-After (submit_photo_busy) and the message in errors. */
enum { SUBMIT_PHOTO_BUSY = -2 };

/* Rate limits on what creates rows and sends mail: a new initiative (per address and per
 * e-mail address) and the changes through a management link (per address and per initiative). */
enum submit_rate { SUBMIT_RATE_NEW, SUBMIT_RATE_CHANGE };
/* Counts one action against the address and key (the e-mail address, or the initiative id as
 * text); when a limit is reached, answers 429 with Retry-After and a Dutch message and returns
 * false. ids receive the recorded rows, for submit_rate_forgive. */
bool submit_rate_take(struct request *req, enum submit_rate kind, const char *key, int64_t ids[2]);
/* Forgets the action counted by submit_rate_take (it was refused after all). */
void submit_rate_forgive(struct request *req, const int64_t ids[2]);
void submit_photo_busy(struct request *req);
/* The photo of a form: a new upload, else the one held for it before (hidden field foto_ref),
 * unless "Foto weghalen" (foto_weg) was ticked. */
struct submit_photo {
    int64_t id;                      /* the photo's id, 0 for none */
    char ref[PHOTO_REF_CHARS + 1];   /* its reference while it is held, else "" */
    bool removed;                    /* foto_weg was ticked and no new photo came */
    int status;                      /* 0, or -1 / SUBMIT_PHOTO_BUSY (message in errors) */
};
/* comes_back: the form is shown again (a new upload is held); else a new upload is stored
 * for the initiative. */
void submit_form_photo(struct request *req, bool comes_back, struct submit_photo *out,
                       json_t *errors);
/* Puts a held photo in the form's view data (photo.src, photo.ref). */
void submit_show_photo(struct request *req, json_t *data, const struct submit_photo *photo);
/* As submit_photo_field, and stored: its id, 0 when none, -1 when refused or not stored,
 * SUBMIT_PHOTO_BUSY when no decoding slot was free. */
int64_t submit_photo_stored(struct request *req, const char *field, json_t *errors);

#endif
