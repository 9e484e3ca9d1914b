/* Voucher letters as PDF: cairo's PDF surface, one page per letter, streamed to a callback. */
#include "view/letters_pdf.h"
#include "util/alloc.h"
#include "view/format.h"
#include "view/letters.h"
#include "view/logo.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Everything below is in millimetres on an A4 page (210 × 297 mm).
 *
 * The address block is placed for the Dutch window envelope EA5/6 (110 × 220 mm, also sold as
 * C5/6) with the window on the left ("vensterenvelop, venster links": window 40 × 100 mm,
 * 20 mm from the left and 15 mm from the bottom edge), the A4 folded twice in three (a
 * "Z-vouw" or a letter fold, the top third facing the window). The window then shows the
 * area 20–120 mm from the left and 55–95 mm from the top of the page; the address is set at
 * ADDRESS_X, with its first line at ADDRESS_Y, so 5 mm of the letter sliding in the envelope
 * still shows the whole address. NEN 1026's address field (20 mm left, 50 mm down, 90 × 40 mm)
 * fits the same window. */
enum { PAGE_W = 210, PAGE_H = 297 };
static const double MM_PER_PT = 25.4 / 72.0;
static const double MARGIN_LEFT = 25, MARGIN_RIGHT = 20;
static const double ADDRESS_X = 25, ADDRESS_Y = 62; /* the first baseline */
static const double SENDER_Y = 52;                  /* the return line above the window text */
static const double BODY_Y = 110;                   /* below the top fold (99 mm) */
static const double QR_SIZE = 34;

struct letters_pdf {
    cairo_surface_t *surface;
    cairo_t *cr;
    struct logo *logo; /* NULL without one */
    cairo_font_face_t *regular, *bold, *mono; /* made once: a face per call is looked up anew */
    letters_pdf_write_fn write;
    void *ctx;
    bool failed;
    char round_name[96], value[32], until[64], donate_url[300], base_url[256];
    char site_name[128], gemeente[128], contact_email[128];
};

static cairo_status_t on_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct letters_pdf *p = closure;
    if (!p->write(p->ctx, data, length)) {
        p->failed = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

bool letters_pdf_write_file(void *ctx, const unsigned char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len;
}

struct letters_pdf *letters_pdf_begin(const struct letters_info *info, const unsigned char *logo_png,
                                      size_t logo_len, letters_pdf_write_fn write, void *ctx)
{
    struct letters_pdf *p = xcalloc(1, sizeof *p);
    p->write = write;
    p->ctx = ctx;
    snprintf(p->round_name, sizeof p->round_name, "%s", info->round_name);
    format_money(p->value, sizeof p->value, info->value_cents);
    format_date(p->until, sizeof p->until, info->valid_until);
    snprintf(p->donate_url, sizeof p->donate_url, "%s/doneren", info->base_url);
    snprintf(p->base_url, sizeof p->base_url, "%s", info->base_url);
    snprintf(p->site_name, sizeof p->site_name, "%s", info->site_name);
    snprintf(p->gemeente, sizeof p->gemeente, "%s", info->gemeente);
    snprintf(p->contact_email, sizeof p->contact_email, "%s", info->contact_email);
    p->surface = cairo_pdf_surface_create_for_stream(on_write, p, PAGE_W / MM_PER_PT,
                                                     PAGE_H / MM_PER_PT);
    if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(p->surface);
        free(p);
        return NULL;
    }
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, "Voucherbrieven");
    cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "Buurt Samen");
    p->cr = cairo_create(p->surface);
    cairo_scale(p->cr, 1 / MM_PER_PT, 1 / MM_PER_PT);
    p->regular = cairo_toy_font_face_create("DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                                            CAIRO_FONT_WEIGHT_NORMAL);
    p->bold = cairo_toy_font_face_create("DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                                         CAIRO_FONT_WEIGHT_BOLD);
    p->mono = cairo_toy_font_face_create("DejaVu Sans Mono", CAIRO_FONT_SLANT_NORMAL,
                                         CAIRO_FONT_WEIGHT_BOLD);
    if (logo_png && logo_len)
        p->logo = logo_load(logo_png, logo_len);
    return p;
}

static void font_of(struct letters_pdf *p, double size_pt, bool bold, bool mono)
{
    cairo_set_font_face(p->cr, mono ? p->mono : bold ? p->bold : p->regular);
    cairo_set_font_size(p->cr, size_pt * MM_PER_PT);
}

static void text_at(cairo_t *cr, double x, double y, const char *text)
{
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, text);
}

/* Sets text in lines of at most width mm from baseline y, breaking at spaces; returns the
 * baseline after the last line. */
static double paragraph(cairo_t *cr, double x, double y, double width, double leading,
                        const char *text)
{
    char line[512], candidate[512];
    size_t len = 0;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, ' ');
        size_t wlen = end ? (size_t)(end - p) : strlen(p);
        if (wlen > sizeof candidate - 2 - len)
            wlen = sizeof candidate - 2 - len; /* never for our texts; stays in bounds */
        size_t clen = len;
        memcpy(candidate, line, len);
        if (len)
            candidate[clen++] = ' ';
        memcpy(candidate + clen, p, wlen);
        candidate[clen + wlen] = '\0';
        cairo_text_extents_t ext;
        cairo_text_extents(cr, candidate, &ext);
        if (len && ext.x_advance > width) {
            line[len] = '\0';
            text_at(cr, x, y, line);
            y += leading;
            memcpy(line, p, wlen);
            len = wlen;
        } else {
            memcpy(line, candidate, clen + wlen);
            len = clen + wlen;
        }
        p += end ? (size_t)(end - p) : strlen(p);
        while (*p == ' ')
            p++;
    }
    if (len) {
        line[len] = '\0';
        text_at(cr, x, y, line);
        y += leading;
    }
    return y;
}

/* The QR code as filled squares: one rectangle per dark module, with the quiet zone. */
static void qr_draw(cairo_t *cr, const char *text, double x, double y, double size)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr)
        return;
    int w = qr->width;
    double module = size / (w + 8);
    for (int row = 0; row < w; row++)
        for (int col = 0; col < w; col++)
            if (qr->data[row * w + col] & 1)
                cairo_rectangle(cr, x + (col + 4) * module, y + (row + 4) * module, module,
                                module);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_fill(cr);
    QRcode_free(qr);
}

static void letter_logo(struct letters_pdf *p)
{
    /* At most 50 × 25 mm, top right, above the window. */
    logo_draw(p->logo, p->cr, PAGE_W - MARGIN_RIGHT - 50, 15, 50, 25);
}

bool letters_pdf_add(void *ctx, const struct letter *l)
{
    struct letters_pdf *p = ctx;
    if (p->failed)
        return false;
    cairo_t *cr = p->cr;
    double width = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;
    char text[1200], link[400];
    letters_link(link, sizeof link, p->base_url, l->code);
    letter_logo(p);
    cairo_set_source_rgb(cr, 0, 0, 0);
    font_of(p, 8, false, false);
    snprintf(text, sizeof text, "%s \xc2\xb7 Gemeente %s", p->site_name, p->gemeente);
    text_at(cr, ADDRESS_X, SENDER_Y, text);

    font_of(p, 11, false, false);
    double lead = 5.2, y = ADDRESS_Y;
    text_at(cr, ADDRESS_X, y, "Aan de bewoners van");
    snprintf(text, sizeof text, "%s %s", l->street, l->house_number);
    text_at(cr, ADDRESS_X, y += lead, text);
    snprintf(text, sizeof text, "%s  %s", l->postcode, l->city);
    text_at(cr, ADDRESS_X, y += lead, text);

    y = BODY_Y;
    font_of(p, 15, true, false);
    snprintf(text, sizeof text, "Uw voucher van %s voor een initiatief in uw buurt", p->value);
    y = paragraph(cr, MARGIN_LEFT, y, width, 7, text) + 3;
    font_of(p, 10.5, false, false);
    y = paragraph(cr, MARGIN_LEFT, y, width, lead, "Beste bewoners,") + 2;
    /* Where the voucher may go, as the donation rules say it (see view/letters.c). */
    const char *wijk = l->wijk ? l->wijk : l->area;
    char where[300];
    if (strcmp(wijk, l->area))
        snprintf(where, sizeof where, "%s (daar hoort uw buurt %s bij)", wijk, l->area);
    else
        snprintf(where, sizeof where, "%s", wijk);
    snprintf(text, sizeof text,
             "In %s zetten bewoners zich in voor hun buurt. Met %s bepaalt u mee welke ideeën "
             "werkelijkheid worden. Uw huishouden krijgt in de ronde %s een voucher van %s. "
             "U geeft die aan een initiatief in %s, of aan een initiatief voor de hele gemeente. "
             "Haalt het initiatief zijn streefbedrag, dan voeren de bewoners het uit.",
             p->gemeente, p->site_name, p->round_name, p->value, where);
    y = paragraph(cr, MARGIN_LEFT, y, width, lead, text) + 4;

    /* The code box: the QR code on the left, the code and how to use it on the right. */
    double box_top = y, box_h = QR_SIZE + 6;
    cairo_set_line_width(cr, 0.6);
    cairo_rectangle(cr, MARGIN_LEFT, box_top, width, box_h);
    cairo_stroke(cr);
    qr_draw(cr, link, MARGIN_LEFT + 3, box_top + 3, QR_SIZE);
    double tx = MARGIN_LEFT + QR_SIZE + 8, tw = width - QR_SIZE - 11;
    font_of(p, 10.5, false, false);
    text_at(cr, tx, box_top + 9, "Uw vouchercode:");
    font_of(p, 17, true, true);
    text_at(cr, tx, box_top + 18, l->code);
    font_of(p, 9.5, false, false);
    snprintf(text, sizeof text,
             "Scan de QR-code met uw telefoon, of ga naar %s en vul de code in.", p->donate_url);
    paragraph(cr, tx, box_top + 26, tw, 4.6, text);
    y = box_top + box_h + 8;

    font_of(p, 10.5, false, false);
    snprintf(text, sizeof text,
             "U kunt de voucher gebruiken tot en met %s. De code is één keer te gebruiken. Wie "
             "aan welk initiatief geeft, is nergens openbaar te zien.",
             p->until);
    y = paragraph(cr, MARGIN_LEFT, y, width, lead, text) + 2;
    y = paragraph(cr, MARGIN_LEFT, y, width, lead,
                  "Geen internet? Neem deze brief mee naar uw wijkaccommodatie, of geef hem aan "
                  "een initiatiefnemer die langskomt: die kan de code voor u invoeren.") +
        2;
    y = paragraph(cr, MARGIN_LEFT, y, width, lead, "Met vriendelijke groet,");
    snprintf(text, sizeof text, "Gemeente %s", p->gemeente);
    y = paragraph(cr, MARGIN_LEFT, y, width, lead, text) + 4;
    font_of(p, 8.5, false, false);
    snprintf(text, sizeof text,
             "Spelregels en vragen: %s/spelregels. Andere vragen? Mail naar %s. Is deze brief "
             "kwijt of beschadigd, vraag dan een nieuwe aan op %s/brief-kwijt; de oude code "
             "vervalt dan.",
             p->base_url, p->contact_email, p->base_url);
    paragraph(cr, MARGIN_LEFT, y, width, 4.2, text);

    /* Emits the page: cairo writes its content to the stream and keeps only the fonts. */
    cairo_show_page(cr);
    return !p->failed && cairo_status(cr) == CAIRO_STATUS_SUCCESS;
}

bool letters_pdf_end(struct letters_pdf *p)
{
    if (!p)
        return false;
    bool ok = cairo_status(p->cr) == CAIRO_STATUS_SUCCESS;
    cairo_destroy(p->cr);
    cairo_font_face_destroy(p->regular);
    cairo_font_face_destroy(p->bold);
    cairo_font_face_destroy(p->mono);
    cairo_surface_finish(p->surface);
    ok = ok && cairo_surface_status(p->surface) == CAIRO_STATUS_SUCCESS && !p->failed;
    cairo_surface_destroy(p->surface);
    logo_free(p->logo);
    free(p);
    return ok;
}
