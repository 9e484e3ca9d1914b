/* A cheap look at whether the database can take a write: for /healthz and for telling a
 * resident that donations cannot be taken rather than that it is busy. */
#include "db/db.h"

#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

const char *db_write_problem(struct db *db)
{
    if (sqlite3_db_readonly(db_handle(db), "main") == 1)
        return "the database is open read-only";
    const char *file = sqlite3_db_filename(db_handle(db), "main");
    if (!file || !*file)
        return NULL; /* in memory */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", file);
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    struct statvfs fs;
    if (statvfs(dir, &fs) == 0) {
        if (fs.f_flag & ST_RDONLY)
            return "the file system of the database is read-only";
        /* Less room than a few transactions need: a write would fail halfway. */
        int64_t page = 4096;
        db_get_int(db, "PRAGMA page_size", &page);
        if ((uint64_t)fs.f_bavail * fs.f_frsize < (uint64_t)page * 64)
            return "the disk of the database is full";
    }
    /* The directory too: SQLite creates the -wal and -shm files beside the database. */
    if (access(file, W_OK) != 0 || access(dir, W_OK) != 0)
        return "the database file or its directory cannot be written";
    return NULL;
}
