/* Voucher letters: the printer's CSV and the printable HTML with QR codes. */
#include "view/letters.h"
#include "util/csv_write.h"
#include "view/format.h"
#include "view/qr.h"
#include "view/tmpl.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void letters_begin(struct letters *l, const char *base_url, bool html)
{
    memset(l, 0, sizeof *l);
    snprintf(l->base_url, sizeof l->base_url, "%s", base_url);
    l->letters = html ? json_array() : NULL;
    static const char *const header[] = {"postcode", "huisnummer", "straat", "woonplaats",
                                         "wijk",     "code",       "link"};
    buf_puts(&l->csv, "\xef\xbb\xbf"); /* BOM: Dutch Excel then reads UTF-8 */
    csv_write_row(&l->csv, header, 7, ';');
}

void letters_link(char *out, size_t size, const char *base_url, const char *code)
{
    snprintf(out, size, "%s/doneren?code=%s", base_url, code);
}

bool letters_add(void *ctx, const struct letter *l)
{
    struct letters *o = ctx;
    char link[400];
    letters_link(link, sizeof link, o->base_url, l->code);
    const char *fields[] = {l->postcode, l->house_number, l->street, l->city,
                            l->area,     l->code,         link};
    csv_write_row(&o->csv, fields, 7, ';');
    if (o->letters) {
        struct buf svg = {0};
        qr_svg(&svg, link, 32); /* without it the letter still has the code and the address */
        /* Where the voucher may go, as the donation rules say it: a buurt's household gives
         * in its wijk, so the letter names the wijk and says the buurt belongs to it. */
        const char *wijk = l->wijk ? l->wijk : l->area;
        const char *buurt = strcmp(wijk, l->area) ? l->area : "";
        json_array_append_new(
            o->letters,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "postcode",
                      l->postcode, "house_number", l->house_number, "street", l->street, "city",
                      l->city, "area", l->area, "wijk", wijk, "buurt", buurt, "code", l->code,
                      "link", link, "qr", svg.data ? svg.data : ""));
        buf_free(&svg);
    }
    return true;
}

bool letters_render(const struct letters *l, const struct tmpl_set *templates,
                    const struct letters_info *info, struct buf *out)
{
    char value[32], until[64], donate[300], rules[300], lost[300];
    format_money(value, sizeof value, info->value_cents);
    format_date(until, sizeof until, info->valid_until);
    snprintf(donate, sizeof donate, "%s/doneren", info->base_url);
    snprintf(rules, sizeof rules, "%s/spelregels", info->base_url);
    snprintf(lost, sizeof lost, "%s/brief-kwijt", info->base_url);
    json_t *list = l->letters ? json_incref(l->letters) : json_array();
    json_t *data = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "letters",
                             list, "round_name", info->round_name, "value", value, "valid_until",
                             until, "site_name", info->site_name, "gemeente", info->gemeente,
                             "contact_email", info->contact_email, "donate_url", donate,
                             "rules_url", rules, "lost_url", lost);
    bool ok = data && tmpl_render(templates, "letters", NULL, data, out);
    json_decref(data);
    return ok;
}

/* Plain codes sit in the CSV and in the letters' objects; neither outlives the issuance. */
static void wipe_string(json_t *s)
{
    const char *v = json_string_value(s);
    if (v)
        sodium_memzero((void *)v, strlen(v));
}

void letters_end(struct letters *l)
{
    if (l->csv.data)
        sodium_memzero(l->csv.data, l->csv.len);
    buf_free(&l->csv);
    size_t i;
    json_t *letter;
    json_array_foreach(l->letters, i, letter)
    {
        wipe_string(json_object_get(letter, "code"));
        wipe_string(json_object_get(letter, "link"));
    }
    json_decref(l->letters);
    l->letters = NULL;
}
