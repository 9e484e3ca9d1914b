/* Unit tests for resident photos: type by content, scaling, truncated and corrupt files, pixel
 * bombs refused from the header, metadata stripped; stored photos served only once public.
 * Fixtures are made in memory with libgd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <gd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "domain/photo.h"
#include "util/buf.h"

/* Encoded image bytes from libgd, freed with gdFree, or our own copies, freed with free. */
struct bytes {
    unsigned char *data;
    size_t len;
};

static void bytes_free(struct bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

static struct bytes take_gd(void *data, int size)
{
    assert_non_null(data);
    assert_true(size > 0);
    struct bytes b = {malloc((size_t)size), (size_t)size};
    assert_non_null(b.data);
    memcpy(b.data, data, (size_t)size);
    gdFree(data);
    return b;
}

/* A photo-like true colour image: a gradient with some noise, so it compresses like a photo. */
static gdImagePtr make_image(int width, int height)
{
    gdImagePtr im = gdImageCreateTrueColor(width, height);
    assert_non_null(im);
    unsigned seed = 12345;
    for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
            seed = seed * 1103515245u + 12345u;
            int noise = (int)(seed >> 16) % 32;
            gdImageSetPixel(im, x, y,
                            gdTrueColor((x * 200 / width + noise) % 256,
                                        (y * 200 / height + noise) % 256, (x + y + noise) % 256));
        }
    }
    return im;
}

static struct bytes make_png(int width, int height)
{
    gdImagePtr im = make_image(width, height);
    int size = 0;
    void *png = gdImagePngPtr(im, &size);
    gdImageDestroy(im);
    return take_gd(png, size);
}

static struct bytes make_jpeg(int width, int height)
{
    gdImagePtr im = make_image(width, height);
    int size = 0;
    void *jpeg = gdImageJpegPtr(im, &size, 90);
    gdImageDestroy(im);
    return take_gd(jpeg, size);
}

static bool contains(const unsigned char *hay, size_t len, const void *needle, size_t needle_len)
{
    return memmem(hay, len, needle, needle_len) != NULL;
}

/* CRC-32 as PNG chunks use it (ISO 3309, reflected 0xEDB88320). */
static uint32_t crc32_png(const unsigned char *data, size_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return crc ^ 0xFFFFFFFFu;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Writes one PNG chunk (length, type, data, CRC) at out; returns the bytes written. */
static size_t put_png_chunk(unsigned char *out, const char type[4], const void *data, size_t len)
{
    put_be32(out, (uint32_t)len);
    memcpy(out + 4, type, 4);
    if (len)
        memcpy(out + 8, data, len);
    put_be32(out + 8 + len, crc32_png(out + 4, 4 + len));
    return 12 + len;
}

/* Just the signature and an IHDR chunk: 33 bytes, no image data at all. */
static size_t png_header_only(unsigned char out[33], uint32_t width, uint32_t height)
{
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    unsigned char ihdr[13] = {0};
    put_be32(ihdr, width);
    put_be32(ihdr + 4, height);
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = 2; /* true colour */
    memcpy(out, signature, 8);
    return 8 + put_png_chunk(out + 8, "IHDR", ihdr, sizeof ihdr);
}

/* Where the first start-of-frame segment of a (well-formed) JPEG begins: its marker byte. */
static size_t find_sof(const struct bytes *jpeg)
{
    size_t pos = 2;
    while (pos + 4 < jpeg->len) {
        assert_int_equal(jpeg->data[pos], 0xFF);
        unsigned marker = jpeg->data[pos + 1];
        if (marker == 0xC0 || marker == 0xC2)
            return pos + 1;
        pos += 2 + ((size_t)jpeg->data[pos + 2] << 8 | jpeg->data[pos + 3]);
    }
    fail_msg("no SOF in fixture");
    return 0;
}

/* Every marker of the output's header, up to the scan: only JFIF (APP0) may be an APPn. */
static void assert_no_metadata_segments(const struct photo *photo)
{
    size_t pos = 2;
    for (;;) {
        assert_true(pos + 4 <= photo->len);
        assert_int_equal(photo->jpeg[pos], 0xFF);
        unsigned marker = photo->jpeg[pos + 1];
        if (marker == 0xDA)
            break;
        assert_false(marker >= 0xE1 && marker <= 0xEF);
        pos += 2 + ((size_t)photo->jpeg[pos + 2] << 8 | photo->jpeg[pos + 3]);
    }
    assert_false(contains(photo->jpeg, photo->len, "Exif", 4));
}

/* A good result: a JPEG of the expected size that libgd itself reads back. */
static void assert_jpeg(const struct photo *photo, int width, int height)
{
    assert_non_null(photo->jpeg);
    assert_true(photo->len > 4);
    assert_int_equal(photo->jpeg[0], 0xFF);
    assert_int_equal(photo->jpeg[1], 0xD8);
    assert_int_equal(photo->jpeg[2], 0xFF);
    assert_int_equal(photo->jpeg[photo->len - 2], 0xFF);
    assert_int_equal(photo->jpeg[photo->len - 1], 0xD9);
    assert_int_equal(photo->width, width);
    assert_int_equal(photo->height, height);
    assert_no_metadata_segments(photo);
    gdImagePtr im = gdImageCreateFromJpegPtrEx((int)photo->len, photo->jpeg, 0);
    assert_non_null(im);
    assert_int_equal(gdImageSX(im), width);
    assert_int_equal(gdImageSY(im), height);
    gdImageDestroy(im);
}

static void process_expect(const struct bytes *in, int max_side, enum photo_error want)
{
    struct photo photo;
    assert_int_equal(photo_process(in->data, in->len, max_side, &photo), want);
    assert_null(photo.jpeg);
    assert_int_equal(photo.len, 0);
    photo_free(&photo);
}

/* Past the decoding slots a photo is refused at once as busy, not queued; a refusal by the
 * header needs no slot. */
static void decoding_is_bounded_by_slots(void **state)
{
    (void)state;
    struct bytes png = make_png(40, 30);
    photo_set_decoders(0);
    process_expect(&png, 1600, PHOTO_BUSY);
    assert_non_null(strstr(photo_error_message(PHOTO_BUSY), "veel foto's"));
    unsigned char header[33];
    struct bytes bomb = {header, png_header_only(header, 8000, 5000)};
    process_expect(&bomb, 1600, PHOTO_TOO_MANY_PIXELS);
    photo_set_decoders(1);
    struct photo photo;
    assert_int_equal(photo_process(png.data, png.len, 1600, &photo), PHOTO_OK);
    photo_free(&photo);
    /* The slot was given back. */
    assert_int_equal(photo_process(png.data, png.len, 1600, &photo), PHOTO_OK);
    photo_free(&photo);
    photo_set_decoders(-1);
    bytes_free(&png);
}

static void valid_photos_are_scaled(void **state)
{
    (void)state;
    struct {
        bool png;
        int width, height, max_side, want_width, want_height;
    } cases[] = {
        {true, 3000, 1500, 1600, 1600, 800}, {false, 3000, 1500, 1600, 1600, 800},
        {true, 200, 100, 1600, 200, 100},    {false, 200, 100, 1600, 200, 100},
        {false, 900, 1800, 600, 300, 600},   {true, 1000, 3, 100, 100, 1},
        {true, 333, 333, 100, 100, 100},     {false, 640, 480, 0, 640, 480},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct bytes in = cases[i].png ? make_png(cases[i].width, cases[i].height)
                                       : make_jpeg(cases[i].width, cases[i].height);
        struct photo photo;
        assert_int_equal(photo_process(in.data, in.len, cases[i].max_side, &photo), PHOTO_OK);
        assert_jpeg(&photo, cases[i].want_width, cases[i].want_height);
        photo_free(&photo);
        bytes_free(&in);
    }
}

static void scaling_keeps_the_picture(void **state)
{
    (void)state;
    /* Left half red, right half blue: after scaling the halves keep their colours. */
    gdImagePtr im = gdImageCreateTrueColor(2000, 1000);
    gdImageFilledRectangle(im, 0, 0, 999, 999, gdTrueColor(220, 20, 20));
    gdImageFilledRectangle(im, 1000, 0, 1999, 999, gdTrueColor(20, 20, 220));
    int size = 0;
    void *encoded = gdImagePngPtr(im, &size);
    struct bytes in = take_gd(encoded, size);
    gdImageDestroy(im);
    struct photo photo;
    assert_int_equal(photo_process(in.data, in.len, 500, &photo), PHOTO_OK);
    assert_jpeg(&photo, 500, 250);
    gdImagePtr out = gdImageCreateFromJpegPtr((int)photo.len, photo.jpeg);
    assert_non_null(out);
    int corners[][2] = {{0, 0}, {0, 249}, {100, 125}, {249 - 10, 10}};
    for (size_t i = 0; i < sizeof corners / sizeof corners[0]; i++) {
        int c = gdImageGetTrueColorPixel(out, corners[i][0], corners[i][1]);
        assert_true(gdTrueColorGetRed(c) > 180 && gdTrueColorGetBlue(c) < 60);
        c = gdImageGetTrueColorPixel(out, 499 - corners[i][0], corners[i][1]);
        assert_true(gdTrueColorGetBlue(c) > 180 && gdTrueColorGetRed(c) < 60);
    }
    gdImageDestroy(out);
    photo_free(&photo);
    bytes_free(&in);
}

static void type_by_content_only(void **state)
{
    (void)state;
    /* A PNG uploaded as "foto.jpg" is still a PNG: the name is never consulted. */
    struct bytes png = make_png(120, 80);
    struct photo photo;
    assert_int_equal(photo_process(png.data, png.len, 1600, &photo), PHOTO_OK);
    assert_jpeg(&photo, 120, 80);
    photo_free(&photo);
    bytes_free(&png);

    unsigned char random_bytes[4096];
    unsigned seed = 7;
    for (size_t i = 0; i < sizeof random_bytes; i++) {
        seed = seed * 1103515245u + 12345u;
        random_bytes[i] = (unsigned char)(seed >> 16);
    }
    random_bytes[0] = 0x17; /* by chance never a signature */
    struct bytes noise = {random_bytes, sizeof random_bytes};
    process_expect(&noise, 1600, PHOTO_NOT_IMAGE);

    const char *not_images[] = {
        "Dit is een tekstbestand, geen foto.\n",
        "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        "\xff\xd8",                 /* too short for a JPEG signature */
        "\x89PNG\r\n\x1a",          /* one byte short of the PNG signature */
        "\xff\xd9\xff\xd8\xff\xe0", /* EOI first */
        "%PDF-1.7\n",
        "BM\x36\x00\x00\x00",
    };
    for (size_t i = 0; i < sizeof not_images / sizeof not_images[0]; i++) {
        struct bytes in = {(unsigned char *)not_images[i], strlen(not_images[i])};
        process_expect(&in, 1600, PHOTO_NOT_IMAGE);
    }
}

static void truncated_files_are_damaged(void **state)
{
    (void)state;
    struct bytes jpeg = make_jpeg(64, 48);
    struct bytes png = make_png(64, 48);
    struct bytes half = {jpeg.data, jpeg.len / 2};
    process_expect(&half, 1600, PHOTO_DAMAGED);
    half = (struct bytes){png.data, png.len / 2};
    process_expect(&half, 1600, PHOTO_DAMAGED);

    /* Every cut, from inside the signature to one byte short of the end. */
    for (size_t cut = 1; cut < jpeg.len; cut++) {
        struct bytes in = {jpeg.data, cut};
        process_expect(&in, 1600, cut < 3 ? PHOTO_NOT_IMAGE : PHOTO_DAMAGED);
    }
    for (size_t cut = 1; cut < png.len; cut++) {
        struct bytes in = {png.data, cut};
        process_expect(&in, 1600, cut < 8 ? PHOTO_NOT_IMAGE : PHOTO_DAMAGED);
    }
    bytes_free(&jpeg);
    bytes_free(&png);
}

static void corrupt_files_do_not_crash(void **state)
{
    (void)state;
    struct bytes png = make_png(64, 48);
    /* A flipped byte in the image data: libpng's CRC check fails and longjmps into libgd. */
    unsigned char *idat = memmem(png.data, png.len, "IDAT", 4);
    assert_non_null(idat);
    size_t data_at = (size_t)(idat - png.data) + 4;
    size_t data_len =
        (size_t)idat[-4] << 24 | (size_t)idat[-3] << 16 | (size_t)idat[-2] << 8 | (size_t)idat[-1];
    png.data[data_at + data_len / 2] ^= 0x5A;
    process_expect(&png, 1600, PHOTO_DAMAGED);
    /* The same with a correct CRC, so that zlib meets the garbage. */
    put_be32(png.data + data_at + data_len, crc32_png(idat, 4 + data_len));
    for (size_t i = 0; i < data_len; i += 7)
        png.data[data_at + i] ^= 0xA5;
    put_be32(png.data + data_at + data_len, crc32_png(idat, 4 + data_len));
    process_expect(&png, 1600, PHOTO_DAMAGED);
    bytes_free(&png);

    /* Garbage after a valid IHDR. */
    unsigned char garbage[33 + 64];
    png_header_only(garbage, 64, 48);
    for (size_t i = 33; i < sizeof garbage; i++)
        garbage[i] = (unsigned char)(i * 37);
    struct bytes in = {garbage, sizeof garbage};
    process_expect(&in, 1600, PHOTO_DAMAGED);

    /* A JPEG with its scan data scrambled but its end intact: libjpeg may still make a
     * picture of it; either way nothing crashes or leaks. */
    struct bytes jpeg = make_jpeg(64, 48);
    for (size_t i = jpeg.len / 2; i + 2 < jpeg.len; i += 3)
        jpeg.data[i] = (unsigned char)(jpeg.data[i] * 31 + 7);
    struct photo photo;
    enum photo_error err = photo_process(jpeg.data, jpeg.len, 1600, &photo);
    assert_true(err == PHOTO_OK || err == PHOTO_DAMAGED);
    if (err == PHOTO_OK)
        assert_jpeg(&photo, 64, 48);
    photo_free(&photo);
    bytes_free(&jpeg);

    /* Broken segment structure before the frame header. */
    static const unsigned char broken[][12] = {
        {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x40, 'J', 'F', 'I', 'F', 0, 0},  /* runs past the end */
        {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, 0, 0, 0, 0, 0xFF, 0xD9},    /* length below 2 */
        {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0, 0, 0, 0, 0xFF, 0xD9},    /* scan before frame */
        {0xFF, 0xD8, 0xFF, 0xD9, 0, 0, 0, 0, 0, 0, 0, 0},                /* EOI before frame */
        {0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x02, 0x12, 0, 0, 0, 0xFF, 0xD9}, /* no marker after COM */
        {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x06, 8, 0, 1, 0, 0xFF, 0xD9},    /* SOF too short */
        {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x08, 8, 0, 0, 0, 1, 1},          /* zero height */
        {0xFF, 0xD8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, /* all fill */
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        struct bytes b = {(unsigned char *)broken[i], sizeof broken[i]};
        process_expect(&b, 1600, PHOTO_DAMAGED);
    }
}

static void pixel_bombs_are_refused_from_the_header(void **state)
{
    (void)state;
    /* Only signature and IHDR: were these decoded, they would be damaged, not too big. */
    unsigned char header[33];
    struct bytes in = {header, png_header_only(header, 20000, 20000)};
    assert_int_equal(in.len, 33);
    process_expect(&in, 1600, PHOTO_TOO_MANY_PIXELS);
    png_header_only(header, 12001, 10);
    process_expect(&in, 1600, PHOTO_TOO_MANY_PIXELS);
    png_header_only(header, 10, 12001);
    process_expect(&in, 1600, PHOTO_TOO_MANY_PIXELS);
    png_header_only(header, 8000, 5000); /* 40 megapixels */
    process_expect(&in, 1600, PHOTO_TOO_MANY_PIXELS);
    png_header_only(header, 6000, 4001);
    process_expect(&in, 1600, PHOTO_TOO_MANY_PIXELS);
    png_header_only(header, 0xFFFFFFFFu, 0xFFFFFFFFu);
    process_expect(&in, 1600, PHOTO_TOO_MANY_PIXELS);
    png_header_only(header, 6000, 4000); /* exactly the limit: allowed, then no data */
    process_expect(&in, 1600, PHOTO_DAMAGED);
    png_header_only(header, 0, 100);
    process_expect(&in, 1600, PHOTO_DAMAGED);
    png_header_only(header, 100, 100);
    header[11] = 14; /* IHDR length must be 13 */
    process_expect(&in, 1600, PHOTO_DAMAGED);

    /* A real JPEG whose frame header claims 20000 × 20000. */
    struct bytes jpeg = make_jpeg(32, 32);
    size_t sof = find_sof(&jpeg);
    unsigned char *dims = jpeg.data + sof + 4; /* after marker, length, precision */
    dims[0] = 20000 >> 8;
    dims[1] = 20000 & 0xFF;
    dims[2] = 20000 >> 8;
    dims[3] = 20000 & 0xFF;
    process_expect(&jpeg, 1600, PHOTO_TOO_MANY_PIXELS);
    /* Cut right after the frame header: refused for its size, not for its missing end. */
    struct bytes cut = {jpeg.data,
                        sof + 1 + ((size_t)jpeg.data[sof + 1] << 8 | jpeg.data[sof + 2])};
    process_expect(&cut, 1600, PHOTO_TOO_MANY_PIXELS);
    bytes_free(&jpeg);

    /* A minimal hand-made one: SOI, fill bytes, a COM segment, then SOF2 (progressive). */
    static const unsigned char progressive[] = {
        0xFF, 0xD8, 0xFF, 0xFF, 0xFE, 0x00, 0x04, 'h', 'i', 0xFF, 0xC2,
        0x00, 0x0B, 8,    0x4E, 0x20, 0x00, 0x0A, 1,   1,   0x11, 0x00,
    };
    in = (struct bytes){(unsigned char *)progressive, sizeof progressive};
    process_expect(&in, 1600, PHOTO_TOO_MANY_PIXELS); /* 10 wide, 20000 high */
    /* DHT (C4) is no frame header: its bytes are not dimensions. */
    static const unsigned char dht_first[] = {
        0xFF, 0xD8, 0xFF, 0xC4, 0x00, 0x08, 0, 0x4E, 0x20, 0x4E, 0x20, 0, 0xFF, 0xD9,
    };
    in = (struct bytes){(unsigned char *)dht_first, sizeof dht_first};
    process_expect(&in, 1600, PHOTO_DAMAGED);
}

static void exif_is_stripped(void **state)
{
    (void)state;
    static const char marker[] = "GPSLatitude=52.0907N;GPSLongitude=5.1214E;BUURT-MARKER-7391";
    struct bytes plain = make_jpeg(160, 120);
    /* APP1: FF E1, length, "Exif\0\0", then our payload in place of a TIFF structure. */
    size_t payload = 6 + sizeof marker;
    size_t segment = 2 + 2 + payload;
    struct bytes tagged = {malloc(plain.len + segment), plain.len + segment};
    assert_non_null(tagged.data);
    unsigned char *p = tagged.data;
    memcpy(p, plain.data, 2); /* SOI */
    p += 2;
    *p++ = 0xFF;
    *p++ = 0xE1;
    *p++ = (unsigned char)((payload + 2) >> 8);
    *p++ = (unsigned char)(payload + 2);
    memcpy(p, "Exif\0\0", 6);
    memcpy(p + 6, marker, sizeof marker);
    p += payload;
    memcpy(p, plain.data + 2, plain.len - 2);
    assert_true(contains(tagged.data, tagged.len, marker, strlen(marker)));
    assert_true(contains(tagged.data, tagged.len, "Exif", 4));

    struct photo photo;
    assert_int_equal(photo_process(tagged.data, tagged.len, 1600, &photo), PHOTO_OK);
    assert_jpeg(&photo, 160, 120);
    assert_false(contains(photo.jpeg, photo.len, marker, strlen(marker)));
    assert_false(contains(photo.jpeg, photo.len, "BUURT-MARKER", 12));
    assert_false(contains(photo.jpeg, photo.len, "Exif", 4));
    photo_free(&photo);
    bytes_free(&tagged);
    bytes_free(&plain);

    /* PNG metadata chunks (eXIf, tEXt) do not survive either. */
    struct bytes png = make_png(40, 30);
    size_t ihdr_end = 8 + 12 + 13;
    unsigned char exif[4 + sizeof marker] = {'M', 'M', 0, 42}; /* big-endian TIFF header */
    memcpy(exif + 4, marker, sizeof marker);
    unsigned char chunks[2 * (12 + sizeof exif)];
    size_t n = put_png_chunk(chunks, "eXIf", exif, sizeof exif);
    n += put_png_chunk(chunks + n, "tEXt", marker, sizeof marker - 1);
    struct bytes with_text = {malloc(png.len + n), png.len + n};
    assert_non_null(with_text.data);
    memcpy(with_text.data, png.data, ihdr_end);
    memcpy(with_text.data + ihdr_end, chunks, n);
    memcpy(with_text.data + ihdr_end + n, png.data + ihdr_end, png.len - ihdr_end);
    assert_int_equal(photo_process(with_text.data, with_text.len, 1600, &photo), PHOTO_OK);
    assert_jpeg(&photo, 40, 30);
    assert_false(contains(photo.jpeg, photo.len, "BUURT-MARKER", 12));
    photo_free(&photo);
    bytes_free(&with_text);
    bytes_free(&png);
}

static void jpeg_end_may_be_padded(void **state)
{
    (void)state;
    struct bytes jpeg = make_jpeg(50, 40);
    struct bytes padded = {calloc(1, jpeg.len + 4096), jpeg.len + 4096};
    assert_non_null(padded.data);
    memcpy(padded.data, jpeg.data, jpeg.len);
    struct photo photo;
    assert_int_equal(photo_process(padded.data, padded.len, 1600, &photo), PHOTO_OK);
    assert_jpeg(&photo, 50, 40);
    photo_free(&photo);
    /* A few bytes of trailer after EOI, as some phones write. */
    memset(padded.data + jpeg.len, 0x55, 8);
    padded.len = jpeg.len + 8;
    assert_int_equal(photo_process(padded.data, padded.len, 1600, &photo), PHOTO_OK);
    photo_free(&photo);
    /* Without EOI, however much padding follows, the file is cut off. */
    memset(padded.data + jpeg.len - 2, 0, 4096);
    padded.len = jpeg.len + 4096;
    process_expect(&padded, 1600, PHOTO_DAMAGED);
    bytes_free(&padded);
    bytes_free(&jpeg);
}

static int pixel_at(const struct photo *photo, int x, int y)
{
    gdImagePtr im = gdImageCreateFromJpegPtr((int)photo->len, photo->jpeg);
    assert_non_null(im);
    int c = gdImageGetTrueColorPixel(im, x, y);
    gdImageDestroy(im);
    return c;
}

static void assert_near(int color, int red, int green, int blue)
{
    /* JPEG is lossy: a little off is still the same colour. */
    assert_true(abs(gdTrueColorGetRed(color) - red) <= 12);
    assert_true(abs(gdTrueColorGetGreen(color) - green) <= 12);
    assert_true(abs(gdTrueColorGetBlue(color) - blue) <= 12);
}

static void transparency_becomes_white(void **state)
{
    (void)state;
    /* True colour with alpha: left half transparent, right half opaque green. */
    gdImagePtr im = gdImageCreateTrueColor(64, 32);
    gdImageAlphaBlending(im, 0);
    gdImageSaveAlpha(im, 1);
    gdImageFilledRectangle(im, 0, 0, 31, 31, gdTrueColorAlpha(0, 0, 0, gdAlphaTransparent));
    gdImageFilledRectangle(im, 32, 0, 63, 31, gdTrueColor(0, 160, 0));
    int size = 0;
    void *encoded = gdImagePngPtr(im, &size);
    struct bytes png = take_gd(encoded, size);
    gdImageDestroy(im);
    struct photo photo;
    assert_int_equal(photo_process(png.data, png.len, 1600, &photo), PHOTO_OK);
    assert_jpeg(&photo, 64, 32);
    assert_near(pixel_at(&photo, 8, 16), 255, 255, 255);
    assert_near(pixel_at(&photo, 56, 16), 0, 160, 0);
    photo_free(&photo);
    bytes_free(&png);

    /* Palette with a transparent index, scaled down on the way. */
    im = gdImageCreate(200, 100);
    int clear = gdImageColorAllocate(im, 0, 0, 0);
    int red = gdImageColorAllocate(im, 200, 0, 0);
    gdImageColorTransparent(im, clear);
    gdImageFilledRectangle(im, 0, 0, 199, 99, clear);
    gdImageFilledRectangle(im, 100, 0, 199, 99, red);
    encoded = gdImagePngPtr(im, &size);
    png = take_gd(encoded, size);
    gdImageDestroy(im);
    assert_int_equal(photo_process(png.data, png.len, 100, &photo), PHOTO_OK);
    assert_jpeg(&photo, 100, 50);
    assert_near(pixel_at(&photo, 10, 25), 255, 255, 255);
    assert_near(pixel_at(&photo, 90, 25), 200, 0, 0);
    photo_free(&photo);
    bytes_free(&png);

    /* Palette without transparency: black stays black. */
    im = gdImageCreate(20, 20);
    gdImageColorAllocate(im, 0, 0, 0);
    encoded = gdImagePngPtr(im, &size);
    png = take_gd(encoded, size);
    gdImageDestroy(im);
    assert_int_equal(photo_process(png.data, png.len, 1600, &photo), PHOTO_OK);
    assert_near(pixel_at(&photo, 10, 10), 0, 0, 0);
    photo_free(&photo);
    bytes_free(&png);
}

static void size_limits(void **state)
{
    (void)state;
    struct photo photo;
    assert_int_equal(photo_process(NULL, 0, 1600, &photo), PHOTO_EMPTY);
    assert_null(photo.jpeg);
    unsigned char one = 0xFF;
    assert_int_equal(photo_process(&one, 0, 1600, &photo), PHOTO_EMPTY);

    struct bytes big = {calloc(1, (size_t)PHOTO_MAX_BYTES + 1), (size_t)PHOTO_MAX_BYTES + 1};
    assert_non_null(big.data);
    memcpy(big.data, "\xff\xd8\xff\xe0", 4);
    process_expect(&big, 1600, PHOTO_TOO_BIG);
    big.len = PHOTO_MAX_BYTES; /* at the limit the size is fine; this content is not */
    process_expect(&big, 1600, PHOTO_DAMAGED);
    bytes_free(&big);
}

static void free_and_messages(void **state)
{
    (void)state;
    struct photo photo = {0};
    photo_free(&photo);
    photo_free(&photo);
    struct bytes png = make_png(10, 10);
    assert_int_equal(photo_process(png.data, png.len, 1600, &photo), PHOTO_OK);
    photo_free(&photo);
    assert_null(photo.jpeg);
    photo_free(&photo);
    bytes_free(&png);

    assert_string_equal(photo_error_message(PHOTO_NOT_IMAGE),
                        "Dit bestand is geen JPEG- of PNG-foto.");
    for (int e = PHOTO_OK; e <= PHOTO_FAILED; e++) {
        const char *message = photo_error_message((enum photo_error)e);
        assert_non_null(message);
        assert_true(strlen(message) > 10);
        for (int other = PHOTO_OK; other < e; other++)
            assert_string_not_equal(message, photo_error_message((enum photo_error)other));
    }
}

/* A stored photo is served once an initiative is published with it or an update has it; before
 * that only as "unpublished" (the page shows it to staff only). */
static void stored_photos_and_who_sees_them(void **state)
{
    (void)state;
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    struct bytes png = make_png(40, 30);
    struct photo photo;
    assert_int_equal(photo_process(png.data, png.len, 0, &photo), PHOTO_OK);
    int64_t first = photo_store(db, &photo);
    int64_t second = photo_store(db, &photo);
    assert_true(first > 0 && second > first);
    struct photo empty = {0};
    assert_int_equal(photo_store(db, &empty), 0);
    assert_int_equal(photo_store(db, NULL), 0);
    struct buf out = {0};
    /* Only on an initiative under review. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO initiatives(id, title, summary, description, target_cents, "
             "initiator_name, initiator_email, state, photo_id) VALUES (1, 'T', '', '', 100, "
             "'X', 'x@example.org', 'ingediend', %lld)",
             (long long)first);
    assert_true(db_exec(db, sql));
    assert_int_equal(photo_read(db, first, &out), PHOTO_UNPUBLISHED);
    assert_int_equal(out.len, photo.len);
    assert_memory_equal(out.data, photo.jpeg, photo.len);
    buf_reset(&out);
    /* Published. */
    assert_true(db_exec(db, "UPDATE initiatives SET state = 'open', published_at = "
                            "'2027-01-01 00:00:00' WHERE id = 1"));
    assert_int_equal(photo_read(db, first, &out), PHOTO_PUBLIC);
    assert_int_equal(out.len, photo.len);
    buf_reset(&out);
    /* With an update, whatever the initiative. */
    assert_int_equal(photo_read(db, second, &out), PHOTO_UNPUBLISHED);
    buf_reset(&out);
    snprintf(sql, sizeof sql,
             "INSERT INTO initiative_updates(initiative_id, author_role, author_name, body, "
             "photo_id) VALUES (1, 'initiatiefnemer', 'X', 'Nieuws', %lld)",
             (long long)second);
    assert_true(db_exec(db, sql));
    assert_int_equal(photo_read(db, second, &out), PHOTO_PUBLIC);
    buf_reset(&out);
    /* None: nothing appended. */
    assert_int_equal(photo_read(db, second + 1, &out), PHOTO_MISSING);
    assert_int_equal(out.len, 0);
    buf_free(&out);
    photo_free(&photo);
    bytes_free(&png);
    db_close(db);
}


/* A photo held for a form that comes back: only for its browser, until it expires; claimed by
 * an initiative it stays, expired and unused it goes. */
static void held_photos(void **state)
{
    (void)state;
    char err[256];
    struct db *db = db_open(":memory:", true, err, sizeof err);
    assert_non_null(db);
    assert_true(db_migrate(db, err, sizeof err));
    unsigned char secret[32];
    for (int i = 0; i < 32; i++)
        secret[i] = (unsigned char)(i * 5 + 3);
    struct bytes png = make_png(40, 30);
    struct photo photo;
    assert_int_equal(photo_process(png.data, png.len, 0, &photo), PHOTO_OK);
    const time_t now = 1800000000;
    char ref[PHOTO_REF_CHARS + 1], other[PHOTO_REF_CHARS + 1];
    int64_t id = photo_hold(db, secret, "browser-a", &photo, now, ref);
    assert_true(id > 0);
    assert_int_equal(strlen(ref), PHOTO_REF_CHARS);
    int64_t second = photo_hold(db, secret, "browser-a", &photo, now, other);
    assert_true(second > id);
    assert_string_not_equal(ref, other);
    /* Its browser, before the expiry; not another browser, a wrong or a malformed reference. */
    assert_int_equal(photo_held(db, secret, "browser-a", ref, now + 60), id);
    assert_int_equal(photo_held(db, secret, "browser-b", ref, now + 60), 0);
    assert_int_equal(photo_held(db, secret, "browser-a", ref, now + PHOTO_HOLD_SECONDS), 0);
    char wrong[PHOTO_REF_CHARS + 1];
    memcpy(wrong, ref, sizeof wrong);
    wrong[5] = wrong[5] == 'A' ? 'B' : 'A';
    assert_int_equal(photo_held(db, secret, "browser-a", wrong, now), 0);
    assert_int_equal(photo_held(db, secret, "browser-a", "../../etc", now), 0);
    assert_int_equal(photo_held(db, secret, "browser-a", NULL, now), 0);
    struct buf out = {0};
    assert_true(photo_read_held(db, secret, "browser-a", ref, now, &out));
    assert_int_equal(out.len, photo.len);
    buf_reset(&out);
    assert_false(photo_read_held(db, secret, "browser-b", ref, now, &out));
    assert_int_equal(out.len, 0);
    /* Nothing about the reference is stored as it is. */
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM provisional_photos "
                                        "WHERE instr(CAST(key_hash AS TEXT), ?) > 0",
                                        -1, &q, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(q, 1, ref, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
    /* The first is claimed by an initiative; the second expires. */
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT INTO initiatives(id, title, summary, description, target_cents, "
             "initiator_name, initiator_email, state, photo_id) VALUES (1, 'T', '', '', 100, "
             "'X', 'x@example.org', 'ingediend', %lld)",
             (long long)id);
    assert_true(db_exec(db, sql));
    assert_true(photo_claim(db, id));
    assert_int_equal(photo_held(db, secret, "browser-a", ref, now), 0);
    assert_int_equal(photo_expire(db, now + 60), 0);
    assert_int_equal(photo_expire(db, now + PHOTO_HOLD_SECONDS), 1);
    assert_int_equal(photo_read(db, second, &out), PHOTO_MISSING);
    assert_int_equal(photo_read(db, id, &out), PHOTO_UNPUBLISHED);
    buf_reset(&out);
    /* A released held photo goes at once; an initiative's photo is never released. */
    int64_t third = photo_hold(db, secret, "browser-a", &photo, now, other);
    assert_true(photo_release(db, third));
    assert_int_equal(photo_read(db, third, &out), PHOTO_MISSING);
    assert_true(photo_release(db, id));
    assert_int_equal(photo_read(db, id, &out), PHOTO_UNPUBLISHED);
    buf_free(&out);
    photo_free(&photo);
    bytes_free(&png);
    db_close(db);
}

/* libgd reports every rejected file on stderr; the tests make many on purpose. */
static int gd_messages;
static void count_gd_message(int priority, const char *format, va_list args)
{
    (void)priority;
    (void)format;
    (void)args;
    gd_messages++;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_photos_are_scaled),
        cmocka_unit_test(decoding_is_bounded_by_slots),
        cmocka_unit_test(scaling_keeps_the_picture),
        cmocka_unit_test(type_by_content_only),
        cmocka_unit_test(truncated_files_are_damaged),
        cmocka_unit_test(corrupt_files_do_not_crash),
        cmocka_unit_test(pixel_bombs_are_refused_from_the_header),
        cmocka_unit_test(exif_is_stripped),
        cmocka_unit_test(jpeg_end_may_be_padded),
        cmocka_unit_test(transparency_becomes_white),
        cmocka_unit_test(size_limits),
        cmocka_unit_test(free_and_messages),
        cmocka_unit_test(stored_photos_and_who_sees_them),
        cmocka_unit_test(held_photos),
    };
    gdSetErrorMethod(count_gd_message);
    return cmocka_run_group_tests_name("resident photos", tests, NULL, NULL);
}
