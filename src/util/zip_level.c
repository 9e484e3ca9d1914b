/* The XLSX files libxlsxwriter writes are deflated at zlib's fastest level instead of its
 * default.
 *
 * Why: libxlsxwriter (Debian's 1.1.4) zips every member of a workbook through the shared
 * libminizip with zipOpenNewFileInZip4_64(..., Z_DEFLATED, Z_DEFAULT_COMPRESSION, ...), and
 * has no option for the level. For a ledger of a million rows (about 360 MB of sheet XML)
 * level 6 is some 40 % of the export's CPU; level 1 takes a third off the export's time for
 * a file about a quarter larger (30 → 37 MiB), which every spreadsheet reads the same.
 *
 * How: this executable defines the function itself. libxlsxwriter's call goes through the
 * dynamic linker, which searches the executable first (ELF interposition; the linker exports
 * the definition because a shared library linked in refers to it: `nm -D build/buurtsamen`
 * lists it), so the call lands here, and this forwards it to minizip's own definition, the
 * next one in the search order (dlsym RTLD_NEXT), with Z_BEST_SPEED. minizip records the
 * level in each member's header (general purpose flag bits 1-2), which
 * tests/unit/test_export.c checks. Nothing else in the program zips. */
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <xlsxwriter/third_party/zip.h> /* the prototype libxlsxwriter calls, minizip 1.1's */
#include <zlib.h>

typedef int open_member_fn(zipFile file, const char *filename, const zip_fileinfo *zipfi,
                           const void *extrafield_local, uInt size_extrafield_local,
                           const void *extrafield_global, uInt size_extrafield_global,
                           const char *comment, int method, int level, int raw, int windowBits,
                           int memLevel, int strategy, const char *password, uLong crcForCrypting,
                           uLong versionMadeBy, uLong flagBase, int zip64);

static open_member_fn *minizip_open_member; /* minizip's definition, found once */
static pthread_once_t minizip_found = PTHREAD_ONCE_INIT;

static void minizip_find(void)
{
    /* A data pointer to a function pointer, as POSIX allows for dlsym. */
    *(void **)&minizip_open_member = dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
}

int zipOpenNewFileInZip4_64(zipFile file, const char *filename, const zip_fileinfo *zipfi,
                            const void *extrafield_local, uInt size_extrafield_local,
                            const void *extrafield_global, uInt size_extrafield_global,
                            const char *comment, int method, int level, int raw, int windowBits,
                            int memLevel, int strategy, const char *password, uLong crcForCrypting,
                            uLong versionMadeBy, uLong flagBase, int zip64)
{
    pthread_once(&minizip_found, minizip_find);
    if (!minizip_open_member) /* never with a shared libminizip: the workbook then fails */
        return ZIP_INTERNALERROR;
    if (method == Z_DEFLATED)
        level = Z_BEST_SPEED;
    return minizip_open_member(file, filename, zipfi, extrafield_local, size_extrafield_local,
                               extrafield_global, size_extrafield_global, comment, method, level,
                               raw, windowBits, memLevel, strategy, password, crcForCrypting,
                               versionMadeBy, flagBase, zip64);
}
