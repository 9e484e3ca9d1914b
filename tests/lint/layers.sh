#!/bin/sh
# The layer guard of `make check`: pages hold no SQL, the domain knows nothing of HTTP, pages
# or HTML, the fronts know no pages. Usage: tests/lint/layers.sh [ROOT] (default: the repo).
set -eu
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"

# Pages: a db/ header, a sqlite3_ name or a call of a db_ function.
PAGE_PATTERN='#include[[:space:]]*"db/|\<sqlite3_|\<db_[a-z0-9_]+[[:space:]]*\('

# The named exceptions: the file and the db_ calls it may make (and with them db/db.h only).
exception_calls() {
    case "$1" in
    src/pages/routes.c) echo 'db_read_begin|db_read_end|db_take_busy' ;; # the GET's read snapshot; the writer lane's give-up
    src/pages/info.c) echo 'db_get_int|db_write_problem' ;;        # /healthz
    *) echo '' ;;
    esac
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
status=0
fail() {
    echo "layers: $1" >&2
    status=1
}

for file in src/pages/*.c src/pages/*.h; do
    [ -f "$file" ] || continue
    calls=$(exception_calls "$file")
    grep -nE "$PAGE_PATTERN" "$file" | while IFS= read -r line; do
        rest=$line
        if [ -n "$calls" ]; then
            rest=$(printf '%s\n' "$line" |
                sed -E 's@#include[[:space:]]*"db/db\.h"@@; s/\<('"$calls"')[[:space:]]*\(//g')
        fi
        if printf '%s\n' "$rest" | grep -qE "$PAGE_PATTERN"; then
            echo "$file:$line"
        fi
    done >"$tmp" || true
    if [ -s "$tmp" ]; then
        fail "$file: a page holds no SQL and includes no db/ header (move it into src/domain/):"
        sed 's/^/  /' "$tmp" >&2
    fi
done

hits=$(grep -nE '#include[[:space:]]*"(http|pages|view)/' src/domain/*.c src/domain/*.h || true)
[ -z "$hits" ] || { fail "the domain includes nothing from http/, pages/ or view/:"; echo "$hits" | sed 's/^/  /' >&2; }

hits=$(grep -nE '#include[[:space:]]*"pages/' src/front/*.c src/front/*.h || true)
[ -z "$hits" ] || { fail "the fronts include nothing from pages/:"; echo "$hits" | sed 's/^/  /' >&2; }

[ "$status" -eq 0 ] && echo "layers: ok"
exit "$status"
