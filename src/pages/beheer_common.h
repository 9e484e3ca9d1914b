/* What the admin screens (money, settings, staff, audit log, outbox, areas, rounds,
 * households, issuance, staff areas) share. */
#ifndef BS_BEHEER_COMMON_H
#define BS_BEHEER_COMMON_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/users.h"
#include "http/request.h"
#include "util/text.h"

/* A page's data with the CSRF token, the staff member and, after ?gedaan=WHAT, the notice
 * that says what was done. */
json_t *beheer_base(struct request *req, const struct user *user);
/* 303 to `to` after a change. */
void beheer_go(struct request *req, const char *to);
/* A one-line form field of at most max characters ("" when absent); NULL when invalid. */
const char *beheer_form_text(struct request *req, const char *name, size_t max, bool required);

/* ---- Staff forms that say what to fix, where ----
 * A form is declared as its fields; a refused post shows the same screen again with each
 * message at its field (aria-invalid, aria-describedby), a summary at the top that links to
 * the fields, and every value as it was typed. templates/partials/field.html draws a declared
 * text field, templates/partials/form_errors.html the summary. */
struct beheer_field {
    const char *name;      /* the form's field name */
    const char *label;     /* Dutch, on the label and in the summary */
    const char *type;      /* "text", "date", "email", "tel"; "textarea"; "select" and
                              "choices" are drawn by the template itself */
    int maxlength;         /* 0: none */
    const char *hint;      /* NULL: none */
    const char *inputmode; /* NULL: none ("decimal" for amounts) */
};

struct beheer_form {
    const struct beheer_field *fields;
    size_t count;
    const char *prefix; /* an input's id is prefix + name */
    json_t *values;     /* name → the value shown: as typed, or as stored */
    json_t *errors;     /* name → the Dutch message */
};

void beheer_form_init(struct beheer_form *f, const struct beheer_field *fields, size_t count,
                      const char *prefix);
/* The posted value of a field ("" when absent), kept to be shown again. Any field of the post
 * whose text the one text check refused is refused on f (PAGE_BAD_TEXT_MESSAGE), so a handler
 * that acts only when nothing was refused never stores such text. */
const char *beheer_form_take(struct beheer_form *f, struct request *req, const char *name);
/* A value to show (a stored one, on a fresh form). */
void beheer_form_keep(struct beheer_form *f, const char *name, const char *value);
/* Refuses a field with a message (the first message of a field stays). */
void beheer_form_refuse(struct beheer_form *f, const char *name, const char *message);
bool beheer_form_refused(const struct beheer_form *f);
/* The form's view (consumes f): name → {id, name, label, type, value, error, describedby, …}
 * under `key` in data; when refused, the summary as data.form_errors and data.refused. */
void beheer_form_show(struct beheer_form *f, json_t *data, const char *key);
/* The fields of an empty form as beheer_form_show made them (model, nothing kept, nothing
 * refused), for another form of the same fields with the given prefix: a list that shows one
 * form per row builds the first and copies it for the others. Every key set as show sets it;
 * the ids (and the hints' ids) are the prefix's. */
json_t *beheer_form_copy(const json_t *model, const struct beheer_field *fields, size_t count,
                         const char *prefix);

/* Why an amount is refused, in Dutch, naming the limits ("Dat is te hoog: hoogstens
 * € 1.000.000."). */
const char *beheer_euros_message(struct request *req, enum euros_result r, int64_t min_cents,
                                 int64_t max_cents);
/* Cents as an amount to type: "7,50", "1.250", "1.250,50". */
void beheer_euros_input(char *out, size_t size, int64_t cents);

/* ---- The rounds page, shared with issuing ----
 * The address of a lost letter (postcode, huisnummer, toevoeging) and the rounds page again
 * with its refusals at that round's replacement form (consumed). */
extern const struct beheer_field beheer_replace_fields[3];
void beheer_rounds_refuse_replace(struct request *req, int64_t round_id,
                                  struct beheer_form *replace, int status);

/* ---- A confirmation step without JavaScript ----
 * A destructive action posts first without "bevestigd": the handler calls beheer_confirm,
 * which shows "Weet u het zeker?" with the posted fields carried along, a button that posts
 * them again with bevestigd=1 and a way back; only that second post acts. */
struct beheer_confirm {
    const char *title;    /* the page's heading: "Initiatief afwijzen?" */
    const char *question; /* what will happen, in a sentence */
    const char *button;   /* "Ja, afwijzen" */
    const char *back;     /* where "Terug" goes */
    bool danger;          /* the button in the destructive style */
};
/* True when the post carries bevestigd=1 and `edit` (may be NULL) refused nothing; else
 * renders the confirmation and returns false. The fields of `edit` stand on the confirmation
 * as fields to fill in, with their messages (status 400 when refused); every other posted
 * field is carried along unchanged. Consumes edit. */
bool beheer_confirmed(struct request *req, const struct user *user,
                      const struct beheer_confirm *c, struct beheer_form *edit);

#endif
