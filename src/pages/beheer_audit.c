/* /beheer/auditlog: who changed what, when, in words a person reads, filtered and paged. */
#include "app.h"
#include "domain/audit.h"
#include "http/csrf.h"
#include "pages/beheer_common.h"
#include "pages/page.h"
#include "pages/pages.h"
#include "pages/staff.h"
#include "util/alloc.h"
#include "util/text.h"
#include "view/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { AUDIT_PAGE_ROWS = 50 };
#define AUDIT_MAX_ID 100000000000LL

/* The actions the log knows, in Dutch, for the filter and for the rows. */
static const struct {
    const char *action, *label;
} actions[] = {
    {"state", "status gewijzigd"},
    {"edit", "initiatief bewerkt door de initiatiefnemer"},
    {"update", "update geplaatst"},
    {"geweigerd", "actie geweigerd"},
    {"contribution", "bijdrage geboekt"},
    {"payout", "uitbetaling geboekt"},
    {"privacy-erase", "contactgegevens gewist"},
    {"round-add", "ronde aangemaakt"},
    {"round-edit", "ronde gewijzigd"},
    {"vouchers-issue", "vouchers uitgegeven"},
    {"vouchers-replace", "voucher vervangen"},
    {"file-download", "drukbestand gedownload"},
    {"file-delete", "drukbestand verwijderd"},
    {"households-import", "huishoudens geïmporteerd"},
    {"news-save", "bericht opgeslagen"},
    {"news-publish", "bericht gepubliceerd"},
    {"news-unpublish", "bericht offline gehaald"},
    {"area-save", "gebied opgeslagen"},
    {"setting", "instelling gewijzigd"},
    {"logo", "logo op de brieven"},
    {"user-add", "medewerker toegevoegd"},
    {"user-disable", "medewerker geblokkeerd"},
    {"user-enable", "medewerker weer toegelaten"},
    {"user-passwd", "wachtwoord gewijzigd"},
    {"user-areas", "gebieden van medewerker gewijzigd"},
    {"login", "inloggen"},
    {"logout", "uitgelogd"},
    {"throttle", "pogingen vertraagd"},
    {"key-fingerprint", "sleutel gecontroleerd"},
};

static const char *action_label(const char *action)
{
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (!strcmp(actions[i].action, action))
            return actions[i].label;
    return NULL;
}

/* A state as a word: "wijziging_gevraagd" reads "wijziging gevraagd". */
static void state_words(char *out, size_t size, const char *state)
{
    snprintf(out, size, "%s", state);
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = ' ';
}

static void money_text(char *out, size_t size, const char *cents_text)
{
    int64_t cents;
    if (parse_int64(cents_text, -100000000000LL, 100000000000LL, &cents))
        format_money(out, size, cents);
    else
        snprintf(out, size, "%s", cents_text);
}

/* What happened, in one Dutch sentence. */
static void describe(char *out, size_t size, const char *action, const char *from, const char *to)
{
    const char *label = action_label(action);
    char a[64], b[64], money[48];
    if (!strcmp(action, "state")) {
        state_words(b, sizeof b, to);
        if (*from) {
            state_words(a, sizeof a, from);
            snprintf(out, size, "status gewijzigd van %s naar %s", a, b);
        } else {
            snprintf(out, size, "status: %s", b);
        }
    } else if (!strcmp(action, "contribution") || !strcmp(action, "payout")) {
        money_text(money, sizeof money, to);
        snprintf(out, size, "%s: %s", label, money);
    } else if (!strcmp(action, "vouchers-issue")) {
        snprintf(out, size, "%s voucher%s uitgegeven", to, strcmp(to, "1") ? "s" : "");
    } else if (!strcmp(action, "login")) {
        snprintf(out, size, "inloggen %s", *to ? to : "");
    } else if (!strcmp(action, "setting") || !strcmp(action, "geweigerd")) {
        if (*from)
            snprintf(out, size, "%s van „%s” naar „%s”", label, from, to);
        else if (*to)
            snprintf(out, size, "%s: %s", label, to);
        else
            snprintf(out, size, "%s", label);
    } else if (label && *to && strcmp(action, "round-add") && strcmp(action, "round-edit") &&
               strcmp(action, "area-save")) {
        snprintf(out, size, "%s: %s", label, to);
    } else {
        snprintf(out, size, "%s", label ? label : action);
    }
}

/* The subject as a title with a link to its screen ("" link: plain text), set on out. */
static void name_subject(const json_t *row, json_t *out)
{
    const char *kind = json_string_value(json_object_get(row, "subject_kind"));
    const char *subject = json_string_value(json_object_get(row, "subject"));
    const char *title = json_string_value(json_object_get(row, "subject_title"));
    json_int_t id = json_integer_value(json_object_get(row, "subject_id"));
    char link[160] = "", label[240];
    const char *what = NULL;
    if (!strcmp(kind, "initiative")) {
        snprintf(link, sizeof link, "/beheer/initiatieven/%lld", (long long)id);
        what = "initiatief";
    } else if (!strcmp(kind, "round")) {
        snprintf(link, sizeof link, "/beheer/rondes");
        what = "ronde";
    } else if (!strcmp(kind, "news")) {
        snprintf(link, sizeof link, "/beheer/berichten/%lld", (long long)id);
        what = "bericht";
    } else if (!strcmp(kind, "area")) {
        snprintf(link, sizeof link, "/beheer/gebieden/%lld", (long long)id);
        what = "gebied";
    } else if (!strcmp(kind, "file")) {
        json_int_t round = json_integer_value(json_object_get(row, "file_round_id"));
        if (round)
            snprintf(link, sizeof link, "/beheer/rondes");
        what = "drukbestand";
    } else if (!strcmp(kind, "user")) {
        snprintf(label, sizeof label, "medewerker %s", subject + 5);
        json_object_set_new(out, "subject_label", json_string(label));
        return;
    }
    if (!what) {
        json_object_set_new(out, "subject_label", json_string(subject));
        return;
    }
    if (title)
        snprintf(label, sizeof label, "%s", title);
    else
        snprintf(label, sizeof label, "%s %lld (bestaat niet meer)", what, (long long)id);
    if (!title)
        link[0] = '\0';
    json_object_set_new(out, "subject_label", json_string(label));
    if (link[0])
        json_object_set_new(out, "subject_link", json_string(link));
}

/* A row ready for people: local time, the action in words, the subject named, and the client
 * address of a login or throttle in its own column (those keep it as their reason). Only what
 * the template shows, in a new object: the page's rows hold no more than they render. */
static json_t *decorate(const json_t *row)
{
    json_t *out = json_object();
    const char *at = json_string_value(json_object_get(row, "at"));
    time_t t = parse_utc(at);
    char when[64];
    format_datetime(when, sizeof when, t);
    json_object_set_new(out, "when", json_string(when));
    char iso[32];
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_set_new(out, "when_datetime", json_string(iso));
    json_object_set(out, "actor", json_object_get(row, "actor"));
    const char *action = json_string_value(json_object_get(row, "action"));
    char what[400];
    describe(what, sizeof what, action, json_string_value(json_object_get(row, "from_value")),
             json_string_value(json_object_get(row, "to_value")));
    json_object_set_new(out, "what", json_string(what));
    json_t *reason = json_object_get(row, "reason");
    if (!strcmp(action, "login") || !strcmp(action, "throttle")) {
        json_object_set(out, "ip", reason);
        json_object_set_new(out, "reason", json_string(""));
    } else if (!strcmp(action, "contribution") || !strcmp(action, "payout")) {
        char text[200];
        snprintf(text, sizeof text, "%s: %s", action[0] == 'c' ? "partner" : "kenmerk",
                 json_string_value(reason));
        json_object_set_new(out, "reason", json_string(text));
    } else {
        json_object_set(out, "reason", reason);
    }
    name_subject(row, out);
    return out;
}

/* The options of a <select>, the chosen one marked. */
static json_t *options(json_t *items, const char *label_key, int64_t chosen)
{
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        json_int_t id = json_integer_value(json_object_get(item, "id"));
        char label[240];
        snprintf(label, sizeof label, "%s (%lld)",
                 json_string_value(json_object_get(item, label_key)), (long long)id);
        json_array_append_new(out, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id, "label",
                                             label, "selected", id == chosen));
    }
    return out;
}

/* A query field that is absent, empty or a whole number in [1, max]; false when it is other. */
static bool query_id(struct request *req, const char *name, int64_t max, int64_t *out)
{
    const char *v = request_query(req, name);
    *out = 0;
    return !v || !*v || parse_int64(v, 1, max, out);
}

/* The UTC moment at which the local day after yyyy_mm_dd starts; false if no date. */
static bool local_day_end(const char *yyyy_mm_dd, char out[20])
{
    time_t start = local_midnight(yyyy_mm_dd);
    if (start == (time_t)-1)
        return false;
    time_t later = start + 36 * 3600; /* inside the next local day, whatever the DST */
    struct tm tm;
    localtime_r(&later, &tm);
    char next[16];
    strftime(next, sizeof next, "%Y-%m-%d", &tm);
    time_t end = local_midnight(next);
    if (end == (time_t)-1)
        return false;
    utc_text(end, out);
    return true;
}

/* The audit log, filtered by who, what, an initiative, a round and a range of local days, a
 * page of rows at a time: ?voor=ID the rows older than that row, ?na=ID those newer. */
void admin_audit_page(struct request *req)
{
    const struct user *user = staff_user(req);
    const char *who = request_query(req, "wie"), *what = request_query(req, "wat");
    const char *from = request_query(req, "van"), *to = request_query(req, "tot");
    int64_t initiative = 0, round = 0, before_id = 0, after_id = 0;
    char from_at[20] = "", before[20] = "";
    bool ok = query_id(req, "initiatief", 100000000000LL, &initiative) &&
              query_id(req, "ronde", 100000000000LL, &round) &&
              query_id(req, "voor", AUDIT_MAX_ID, &before_id) &&
              query_id(req, "na", AUDIT_MAX_ID, &after_id);
    if (ok && who && (strlen(who) > 40 || text_check(who, strlen(who), false) != TEXT_OK))
        ok = false;
    if (ok && what && *what && !action_label(what))
        ok = false;
    if (ok && from && *from) {
        time_t t = parse_utc(from) == (time_t)-1 ? (time_t)-1 : local_midnight(from);
        if (t == (time_t)-1)
            ok = false;
        else
            utc_text(t, from_at);
    }
    if (ok && to && *to && (parse_utc(to) == (time_t)-1 || !local_day_end(to, before)))
        ok = false;
    if (!ok) {
        page_error(req, 400,
                   "Controleer de filters: data als jjjj-mm-dd, een initiatief en ronde uit de "
                   "lijst.");
        return;
    }
    struct audit_filter filter = {.actor = who,
                                  .action = what,
                                  .from = from_at,
                                  .before = before,
                                  .initiative_id = initiative,
                                  .round_id = round,
                                  .before_id = before_id,
                                  .after_id = after_id};
    json_t *rows = audit_search(req->db, &filter, AUDIT_PAGE_ROWS + 1);
    if (rows && after_id && json_array_size(rows) <= AUDIT_PAGE_ROWS) {
        /* Back at the newest rows: the first page, full. */
        json_decref(rows);
        filter.after_id = after_id = 0;
        rows = audit_search(req->db, &filter, AUDIT_PAGE_ROWS + 1);
    }
    json_t *choices = audit_filter_choices_for(req->db, initiative);
    if (!rows || !choices) {
        json_decref(rows);
        json_decref(choices);
        page_error(req, 503, "Het auditlog is even niet te lezen. Probeer het zo opnieuw.");
        return;
    }
    /* One row more than the page tells whether there are more on the side read towards. */
    bool full = json_array_size(rows) > AUDIT_PAGE_ROWS;
    if (full)
        json_array_remove(rows, after_id ? 0 : AUDIT_PAGE_ROWS);
    bool older = after_id ? true : full, newer = after_id ? full : before_id > 0;
    size_t n = json_array_size(rows);
    int64_t newest =
        n ? json_integer_value(json_object_get(json_array_get(rows, 0), "id")) : before_id - 1;
    int64_t oldest = n ? json_integer_value(json_object_get(json_array_get(rows, n - 1), "id")) : 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
        json_array_set_new(rows, i, decorate(row));
    json_t *action_options = json_array();
    for (size_t k = 0; k < sizeof actions / sizeof actions[0]; k++)
        json_array_append_new(action_options,
                              json_pack("{s:s, s:s, s:b}", "value", actions[k].action, "label",
                                        actions[k].label, "selected",
                                        what && !strcmp(what, actions[k].action)));
    json_t *data = beheer_base(req, user);
    json_object_set_new(data, "rows", rows);
    json_object_set_new(data, "wie", json_string(who ? who : ""));
    json_object_set_new(data, "wat", json_string(what ? what : ""));
    json_object_set_new(data, "van", json_string(from ? from : ""));
    json_object_set_new(data, "tot", json_string(to ? to : ""));
    char number[24] = "";
    if (initiative)
        snprintf(number, sizeof number, "%lld", (long long)initiative);
    json_object_set_new(data, "initiatief", json_string(number));
    number[0] = '\0';
    if (round)
        snprintf(number, sizeof number, "%lld", (long long)round);
    json_object_set_new(data, "ronde", json_string(number));
    json_object_set_new(data, "actions", action_options);
    json_object_set_new(data, "initiatives",
                        options(json_object_get(choices, "initiatives"), "title", initiative));
    json_object_set_new(data, "rounds", options(json_object_get(choices, "rounds"), "name", round));
    json_decref(choices);
    if (newer && newest > 0)
        json_object_set_new(data, "newer_than", json_integer(newest));
    if (older && oldest > 0)
        json_object_set_new(data, "older_than", json_integer(oldest));
    json_object_set_new(data, "paging",
                        json_boolean((newer && newest > 0) || (older && oldest > 0)));
    page_render(req, "admin_audit", "Auditlog", data);
}
