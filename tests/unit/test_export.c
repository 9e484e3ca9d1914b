/* The export writer on its own: CSV (BOM, header, separators, decimal marks, formulas
 * neutralised, negative amounts as numbers, local times), JSON (names, cents, UTC times,
 * nulls), XLSX (a file appears, a valid zip deflated at the fastest level; refused without a
 * path) and sticky failures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "domain/export.h"

static const char *shout(const char *v)
{
    return strcmp(v, "a") == 0 ? "AAA" : v;
}

static const struct export_column columns[] = {
    {"naam", "name", EXPORT_TEXT, 20, NULL},
    {"aantal", "count", EXPORT_INT, 8, NULL},
    {"bedrag", "amount_cents", EXPORT_CENTS, 10, NULL},
    {"deelname", "permille", EXPORT_PERMILLE, 10, NULL},
    {"tijd", "at", EXPORT_TIME, 17, NULL},
    {"soort", "kind", EXPORT_TEXT, 8, shout},
};
enum { NCOLS = sizeof columns / sizeof columns[0] };

/* Writes rows of cells in a format into memory; returns the text (to free). */
static char *write_rows(enum export_format format, char sep,
                        const struct export_cell (*rows)[NCOLS], size_t nrows, bool *ok)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    char err[200];
    struct export_writer *w =
        export_writer_open(format, sep, columns, NCOLS, "Test", out, NULL, err, sizeof err);
    for (size_t i = 0; i < nrows; i++)
        export_writer_row(w, rows[i]);
    *ok = export_writer_close(w);
    if (!*ok)
        fprintf(stderr, "export failed: %s\n", err);
    assert_int_equal(fclose(out), 0);
    return text;
}

#define TEXT(s)                                                                                    \
    {                                                                                              \
        .text = (s)                                                                                \
    }
#define NUM(n)                                                                                     \
    {                                                                                              \
        .number = (n)                                                                              \
    }
#define NUL                                                                                        \
    {                                                                                              \
        .null = true                                                                               \
    }

static void csv_rows(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
    const struct export_cell rows[][NCOLS] = {
        {TEXT("Speeltuin"), NUM(3), NUM(125050), NUM(417), TEXT("2027-01-16 23:30:00"), TEXT("a")},
        {TEXT("=HYPERLINK(\"x\")"), NUM(-2), NUM(-750), NUM(0), TEXT("niet een tijd"), TEXT("b")},
        {TEXT("+31 6"), NUL, NUM(5), NUM(1000), NUL, TEXT("@SUM(A1)")},
        {TEXT("-1"), NUM(0), NUM(0), NUM(5), TEXT(""), TEXT("x;y")},
    };
    bool ok;
    char *csv = write_rows(EXPORT_CSV, ';', rows, 4, &ok);
    assert_true(ok);
    assert_string_equal(csv, "\xef\xbb\xbf"
                             "naam;aantal;bedrag;deelname;tijd;soort\r\n"
                             "Speeltuin;3;1250,50;41,7;2027-01-17 00:30;AAA\r\n"
                             "\"'=HYPERLINK(\"\"x\"\")\";-2;-7,50;0,0;niet een tijd;b\r\n"
                             "\"'+31 6\";;0,05;100,0;;\"'@SUM(A1)\"\r\n"
                             "\"'-1\";0;0,00;0,5;;\"x;y\"\r\n");
    free(csv);

    /* With ',' amounts take a decimal point; a ';' in text is then no reason to quote. */
    csv = write_rows(EXPORT_CSV, ',', rows + 3, 1, &ok);
    assert_true(ok);
    assert_string_equal(csv, "\xef\xbb\xbf"
                             "naam,aantal,bedrag,deelname,tijd,soort\r\n"
                             "\"'-1\",0,0.00,0.5,,x;y\r\n");
    free(csv);
}

static void json_rows(void **state)
{
    (void)state;
    const struct export_cell rows[][NCOLS] = {
        {TEXT("=1+1"), NUM(3), NUM(-750), NUM(417), TEXT("2027-01-16 23:30:00"), TEXT("a")},
        {NUL, NUL, NUL, NUL, NUL, NUL},
    };
    bool ok;
    char *text = write_rows(EXPORT_JSON, 0, rows, 2, &ok);
    assert_true(ok);
    /* Names, cents and UTC times as they are; labels and neutralising are for people. */
    assert_string_equal(text, "[\n"
                              "{\"name\":\"=1+1\",\"count\":3,\"amount_cents\":-750,"
                              "\"permille\":417,\"at\":\"2027-01-16T23:30:00Z\",\"kind\":\"a\"},\n"
                              "{\"name\":null,\"count\":null,\"amount_cents\":null,"
                              "\"permille\":null,\"at\":null,\"kind\":null}\n"
                              "]\n");
    free(text);

    json_error_t jerr;
    text = write_rows(EXPORT_JSON, 0, rows, 0, &ok);
    assert_true(ok);
    json_t *parsed = json_loads(text, 0, &jerr);
    assert_non_null(parsed);
    assert_int_equal(json_array_size(parsed), 0);
    json_decref(parsed);
    free(text);
}

/* The JSON text is jansson's own compact dump of the same object, byte for byte, for text
 * that needs escaping, text beyond ASCII and text that is not UTF-8 (written as ""). */
static void json_text_as_jansson_writes_it(void **state)
{
    (void)state;
    static const char *const texts[] = {"plain",
                                        "quote \" and backslash \\",
                                        "a/b",
                                        "\b\f\n\r\t",
                                        "\x01\x1f\x7f",
                                        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
                                        "",
                                        "\xc3(",        /* a lead byte without its continuation */
                                        "\xed\xa0\x80", /* a surrogate */
                                        "\xf4\x90\x80\x80", /* beyond U+10FFFF */
                                        "\xe0\x80\xaf",     /* overlong */
                                        "\xc0\xaf",
                                        "\xff",
                                        "2027-01-16 23:30:00",
                                        "2027-01-16 23:30",
                                        "x\xe2\x82"};
    enum { N = sizeof texts / sizeof texts[0] };
    struct export_cell rows[N][NCOLS];
    json_t *expected = json_array();
    for (size_t i = 0; i < N; i++) {
        for (int c = 0; c < NCOLS; c++)
            rows[i][c] = (struct export_cell){.number = (int64_t)i * -123456789012LL,
                                              .text = texts[(i + (size_t)c) % N]};
        json_t *obj = json_object();
        for (int c = 0; c < NCOLS; c++) {
            const char *t = rows[i][c].text;
            json_t *v;
            if (columns[c].type == EXPORT_INT || columns[c].type == EXPORT_CENTS ||
                columns[c].type == EXPORT_PERMILLE) {
                v = json_integer(rows[i][c].number);
            } else if (columns[c].type == EXPORT_TIME && strlen(t) == 19 && t[10] == ' ') {
                char iso[21];
                snprintf(iso, sizeof iso, "%.10sT%.8sZ", t, t + 11);
                v = json_string(iso);
            } else {
                v = json_string(t);
                if (!v)
                    v = json_string("");
            }
            json_object_set_new(obj, columns[c].name, v);
        }
        json_array_append_new(expected, obj);
    }
    char *want = NULL;
    size_t cap = 0;
    FILE *mem = open_memstream(&want, &cap);
    assert_non_null(mem);
    fputs("[", mem);
    for (size_t i = 0; i < N; i++) {
        char *row = json_dumps(json_array_get(expected, i), JSON_COMPACT | JSON_PRESERVE_ORDER);
        fprintf(mem, "%s\n%s", i ? "," : "", row);
        free(row); /* jansson uses malloc here: this binary never calls alloc_init */
    }
    fputs("\n]\n", mem);
    assert_int_equal(fclose(mem), 0);
    json_decref(expected);
    bool ok;
    char *text = write_rows(EXPORT_JSON, 0, (const struct export_cell(*)[NCOLS])rows, N, &ok);
    assert_true(ok);
    assert_string_equal(text, want);
    free(text);
    free(want);
}

static void object_rows(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    char err[200];
    struct export_writer *w =
        export_writer_open(EXPORT_CSV, ';', columns, 2, "Test", out, NULL, err, sizeof err);
    json_t *row = json_pack("{s:i, s:s, s:s}", "count", 7, "name", "-min", "other", "x");
    export_writer_row_object(w, row);
    json_decref(row);
    row = json_pack("{s:n}", "name"); /* null and missing: empty cells */
    export_writer_row_object(w, row);
    json_decref(row);
    assert_true(export_writer_close(w));
    fclose(out);
    assert_string_equal(text, "\xef\xbb\xbfnaam;aantal\r\n\"'-min\";7\r\n;\r\n");
    free(text);
}

static void xlsx_file(void **state)
{
    (void)state;
    char path[] = "/tmp/test-export-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[200];
    struct export_writer *w =
        export_writer_open(EXPORT_XLSX, 0, columns, NCOLS, "Blad", NULL, path, err, sizeof err);
    const struct export_cell row[NCOLS] = {
        TEXT("=1+1"), NUM(3), NUM(750), NUM(417), TEXT("2027-01-16 23:30:00"), TEXT("a")};
    for (int i = 0; i < 100; i++)
        export_writer_row(w, row);
    assert_true(export_writer_close(w));
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 1000);
    FILE *f = fopen(path, "rb");
    char magic[2];
    assert_int_equal(fread(magic, 1, 2, f), 2);
    fclose(f);
    assert_memory_equal(magic, "PK", 2); /* a zip, as every XLSX */
    unlink(path);
}

static uint32_t le16(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
    return le16(p) | le16(p + 2) << 16;
}

/* Every member of the XLSX file (a zip) is deflated at zlib's fastest level: minizip marks
 * that in the local header's general purpose flag, bits 1-2 set (6, "super fast"; 0 is the
 * default level, which costs the export of a large ledger a third more time). The members
 * are found through the central directory, and unzip checks every CRC and the sheet's rows. */
static void xlsx_members_deflated_fast(void **state)
{
    (void)state;
    char path[] = "/tmp/test-export-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[200];
    struct export_writer *w =
        export_writer_open(EXPORT_XLSX, 0, columns, NCOLS, "Blad", NULL, path, err, sizeof err);
    const struct export_cell row[NCOLS] = {
        TEXT("Speeltuin"), NUM(3), NUM(750), NUM(417), TEXT("2027-01-16 23:30:00"), TEXT("a")};
    for (int i = 0; i < 2000; i++)
        export_writer_row(w, row);
    assert_true(export_writer_close(w));

    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    assert_true(size > 22);
    unsigned char *zip = malloc((size_t)size);
    assert_non_null(zip);
    rewind(f);
    assert_int_equal(fread(zip, 1, (size_t)size, f), (size_t)size);
    fclose(f);

    long end = size - 22; /* the end of central directory record, after any comment */
    while (end >= 0 && le32(zip + end) != 0x06054b50)
        end--;
    assert_true(end >= 0);
    uint32_t members = le16(zip + end + 10), offset = le32(zip + end + 16);
    assert_true(members >= 5); /* content types, rels, workbook, styles, the sheet ... */
    for (uint32_t i = 0; i < members; i++) {
        assert_true(offset + 46 <= (uint32_t)end);
        const unsigned char *central = zip + offset;
        assert_int_equal(le32(central), 0x02014b50);
        uint32_t local = le32(central + 42);
        assert_true(local + 30 <= (uint32_t)size);
        assert_int_equal(le32(zip + local), 0x04034b50);
        assert_int_equal(le16(zip + local + 8), 8);     /* deflated */
        assert_int_equal(le16(zip + local + 6) & 6, 6); /* at level 1 */
        assert_int_equal(le16(central + 8) & 6, 6);
        offset += 46 + le16(central + 28) + le16(central + 30) + le16(central + 32);
    }
    free(zip);

    char cmd[200];
    snprintf(cmd, sizeof cmd, "unzip -tqq '%s'", path);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml | grep -o '<row ' | wc -l",
             path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    int rows = 0;
    assert_int_equal(fscanf(p, "%d", &rows), 1);
    assert_int_equal(pclose(p), 0);
    assert_int_equal(rows, 2001); /* the header and every row */
    unlink(path);
}

/* The sheet's XML of an XLSX file, through unzip (to free). */
static char *sheet_xml(const char *path)
{
    char cmd[200];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *xml = NULL;
    size_t len = 0, n;
    char chunk[65536];
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
        xml = realloc(xml, len + n + 1);
        assert_non_null(xml);
        memcpy(xml + len, chunk, n);
        len += n;
        xml[len] = '\0';
    }
    assert_int_equal(pclose(p), 0);
    assert_non_null(xml);
    return xml;
}

/* Rows are converted on one side and written on the other in batches: more rows than the
 * queue holds arrive all, in order, each with its own values, text and local time; and the
 * sheet, deflated in chunks on two threads, unzips to all of them. */
static void xlsx_rows_in_order(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Amsterdam", 1);
    tzset();
    char path[] = "/tmp/test-export-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[200];
    struct export_writer *w =
        export_writer_open(EXPORT_XLSX, 0, columns, NCOLS, "Blad", NULL, path, err, sizeof err);
    enum { ROWS = 20000 };
    for (int i = 0; i < ROWS; i++) {
        char name[32], at[32];
        snprintf(name, sizeof name, "rij %d", i);
        /* 2027-01-01 00:00:00 UTC plus i minutes: 01:00 local, the day's serial 46388 */
        snprintf(at, sizeof at, "2027-01-%02d %02d:%02d:00", 1 + i / 1440, i / 60 % 24, i % 60);
        const struct export_cell row[NCOLS] = {TEXT(name), NUM(i),   NUM(i),
                                               NUL,        TEXT(at), TEXT(i % 2 ? "a" : "")};
        export_writer_row(w, row);
    }
    assert_true(export_writer_close(w));
    char *xml = sheet_xml(path);
    /* More than the chunks the sheet is deflated in at a time (4 of 512 KiB): they come
     * back whole and in order too. */
    size_t len = strlen(xml);
    assert_true(len > 4 * 512 * 1024);
    const char *at = strstr(xml, "<row r=\"2\""), *end = xml + len;
    assert_non_null(at);
    for (int i = 0; i < ROWS; i++) {
        /* One row at a time: a search through the rest of the sheet for each would be slow. */
        const char *row_end = memmem(at, (size_t)(end - at), "</row>", 6);
        assert_non_null(row_end);
        size_t row_len = (size_t)(row_end - at);
        char want[128];
        snprintf(want, sizeof want,
                 "<c r=\"A%d\" t=\"inlineStr\"><is><t>rij %d</t></is></c>"
                 "<c r=\"B%d\"><v>%d</v></c>",
                 i + 2, i, i + 2, i);
        if (!memmem(at, row_len, want, strlen(want)))
            fail_msg("row %d is missing or out of order", i);
        /* The time: local (UTC+1), as a date-time serial of the day and its minutes. */
        int minutes = i + 60;
        double serial = 46388 + minutes / 1440 + (minutes % 1440) / 1440.0;
        char when[64];
        snprintf(when, sizeof when, "<c r=\"E%d\" s=\"3\"><v>%.16G</v></c>", i + 2, serial);
        if (!memmem(at, row_len, when, strlen(when)))
            fail_msg("row %d: no %s", i, when);
        bool label = memmem(at, row_len, "<t>AAA</t>", 10) != NULL;
        assert_true((i % 2 == 1) == label); /* "" is an empty cell */
        at = row_end + 6;
    }
    free(xml);
    unlink(path);
}

/* A cell libxlsxwriter refuses (text beyond 32 767 characters) fails the export with the
 * reason, and the file is removed. */
static void xlsx_refused_cell(void **state)
{
    (void)state;
    char path[] = "/tmp/test-export-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[200];
    struct export_writer *w =
        export_writer_open(EXPORT_XLSX, 0, columns, NCOLS, "Blad", NULL, path, err, sizeof err);
    char *long_text = malloc(40001);
    assert_non_null(long_text);
    memset(long_text, 'x', 40000);
    long_text[40000] = '\0';
    const struct export_cell fine[NCOLS] = {TEXT("kort"), NUM(1), NUM(2), NUM(3), NUL, NUL};
    const struct export_cell refused[NCOLS] = {TEXT(long_text), NUM(1), NUM(2), NUM(3), NUL, NUL};
    for (int i = 0; i < 3000; i++)
        export_writer_row(w, i == 1500 ? refused : fine);
    free(long_text);
    assert_false(export_writer_close(w));
    assert_non_null(strstr(err, "writing an XLSX cell"));
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0);
}

static void failures_are_sticky(void **state)
{
    (void)state;
    char err[200];
    /* XLSX needs a file; CSV and JSON need a stream; the separator is ';' or ','. */
    struct export_writer *w =
        export_writer_open(EXPORT_XLSX, 0, columns, NCOLS, "Blad", stdout, NULL, err, sizeof err);
    assert_true(export_writer_failed(w));
    assert_false(export_writer_close(w));
    assert_string_equal(err, "XLSX is written to a file");
    w = export_writer_open(EXPORT_CSV, 0, columns, NCOLS, "x", NULL, NULL, err, sizeof err);
    assert_false(export_writer_close(w));
    assert_string_equal(err, "no output");
    w = export_writer_open(EXPORT_CSV, '\t', columns, NCOLS, "x", stdout, NULL, err, sizeof err);
    assert_false(export_writer_close(w));
    assert_string_equal(err, "the CSV separator is ';' or ','");

    /* After a failure rows are ignored and the first reason is kept. */
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    w = export_writer_open(EXPORT_CSV, ';', columns, 2, "x", out, NULL, err, sizeof err);
    export_writer_fail(w, "reading failed", "disk I/O error");
    export_writer_fail(w, "second", NULL);
    const struct export_cell row[2] = {TEXT("nee"), NUM(1)};
    export_writer_row(w, row);
    assert_false(export_writer_close(w));
    fclose(out);
    assert_string_equal(err, "reading failed: disk I/O error");
    assert_null(strstr(text, "nee"));
    free(text);
}

static void formats_by_name(void **state)
{
    (void)state;
    enum export_format f;
    assert_true(export_format_parse("xlsx", &f));
    assert_int_equal(f, EXPORT_XLSX);
    assert_false(export_format_parse("XLSX", &f));
    assert_false(export_format_parse(NULL, &f));
    assert_string_equal(export_format_extension(EXPORT_CSV), "csv");
    assert_string_equal(export_format_content_type(EXPORT_CSV), "text/csv; charset=utf-8");
    assert_string_equal(export_format_content_type(EXPORT_JSON), "application/json");
    assert_non_null(strstr(export_format_content_type(EXPORT_XLSX), "spreadsheetml"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_rows),
        cmocka_unit_test(json_rows),
        cmocka_unit_test(json_text_as_jansson_writes_it),
        cmocka_unit_test(object_rows),
        cmocka_unit_test(xlsx_file),
        cmocka_unit_test(xlsx_members_deflated_fast),
        cmocka_unit_test(xlsx_rows_in_order),
        cmocka_unit_test(xlsx_refused_cell),
        cmocka_unit_test(failures_are_sticky),
        cmocka_unit_test(formats_by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
