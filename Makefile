# Buurt Samen — build, run and test. See README.md.
CC      ?= gcc
PKGS    := libmicrohttpd sqlite3 libsodium jansson inih libqrencode gdlib xlsxwriter
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral \
           -Wvla -Wno-missing-field-initializers
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Isrc $(WARN) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lfcgi -lcsv -lpthread
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

SRC      := $(filter-out src/tools/%,$(wildcard src/*.c src/*/*.c))
ASSETS   := $(sort $(wildcard templates/*.html templates/*.xml templates/*/*.html static/* static/*/* sql/*.sql))
OBJ      := $(SRC:src/%.c=build/obj/%.o) build/obj/assets.o
ASAN_OBJ := $(filter-out build/asan/main.o,$(SRC:src/%.c=build/asan/%.o)) build/asan/assets.o
UNIT     := $(patsubst tests/unit/%.c,build/tests/%,$(wildcard tests/unit/test_*.c))
DB       ?= buurtsamen.db
LISTEN   ?= 127.0.0.1:8080
Q        ?= @

.PHONY: all deps test-deps run check unit http fcgi e2e bench fuzz format clean node
# Keep every object: none of them is a throwaway intermediate.
.SECONDARY:
all: build/buurtsamen

deps:
	@deploy/install-deps build
test-deps:
	@deploy/install-deps test

build/buurtsamen: $(OBJ)
	@echo "LINK $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $(OBJ) $(LDLIBS)

build/obj/%.o: src/%.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	@echo "CC $<"
	$(Q)$(CC) $(CFLAGS) -MMD -c -o $@ $<

build/asan/%.o: src/%.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	@echo "CC (sanitized) $<"
	$(Q)$(CC) $(CFLAGS) $(SANITIZE) -O1 -c -o $@ $<

build/embed: src/tools/embed.c
	@mkdir -p build
	$(CC) -O2 -std=c11 -Wall -Werror -o $@ $<

# The list of embedded files, rewritten only when it changes, so that adding or removing a
# file regenerates assets.c even when no file is newer.
build/gen/assets.list: FORCE
	@mkdir -p build/gen
	@echo $(ASSETS) | cmp -s - $@ || echo $(ASSETS) > $@
.PHONY: FORCE

build/gen/assets.c: build/embed $(ASSETS) build/gen/assets.list
	@mkdir -p build/gen
	@echo "EMBED $(words $(ASSETS)) files"
	$(Q)build/embed $@ $(ASSETS)

build/obj/assets.o: build/gen/assets.c
	@mkdir -p build/obj
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

build/asan/assets.o: build/gen/assets.c
	@mkdir -p build/asan
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

build/tests/%: tests/unit/%.c $(ASAN_OBJ)
	@mkdir -p build/tests
	@echo "LINK $@"
	$(Q)$(CC) $(CFLAGS) $(SANITIZE) -O1 -o $@ $< $(ASAN_OBJ) $(LDLIBS) -lcmocka

# make run: install what is missing, build, create the demo database once, serve.
run:
	@deploy/install-deps build
	@$(MAKE) --no-print-directory all
	@test -f $(DB) || build/buurtsamen --db $(DB) init --demo
	build/buurtsamen --db $(DB) serve --listen $(LISTEN)

# make check: every test layer, from clean dependencies to browser.
check:
	@deploy/install-deps test
	@$(MAKE) --no-print-directory all $(UNIT)
	@tests/lint/layers.sh
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory node
	cd tests && node --test --test-concurrency=1 http/ fcgi/ e2e/

unit: $(UNIT)
	@set -e; for t in $(UNIT); do echo "== $$t"; $$t; done

node: tests/node_modules/.installed
tests/node_modules/.installed: tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund
	@touch $@

http: all node
	cd tests && node --test http/
fcgi: all node
	cd tests && node --test fcgi/
e2e: all node
	cd tests && node --test e2e/

bench:
	@deploy/install-deps bench
	@$(MAKE) --no-print-directory all
	tests/bench/run
	tests/bench/export

# make fuzz: each libFuzzer target for FUZZ_SECONDS (clang, built with ASan/UBSan).
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(filter-out src/main.c,$(SRC))
FUZZ := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
build/fuzz/%: tests/fuzz/%.c $(FUZZ_SRC) build/gen/assets.c
	@mkdir -p build/fuzz
	@echo "FUZZ $@"
	$(Q)clang -g -O1 -std=c11 -D_GNU_SOURCE -Isrc $(shell pkg-config --cflags $(PKGS)) \
	    -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_SRC) build/gen/assets.c $(LDLIBS)
fuzz: $(FUZZ)
	@command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang)"; exit 1; }
	@set -e; for f in $(FUZZ); do mkdir -p build/fuzz/corpus-$$(basename $$f); \
	    $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/corpus-$$(basename $$f); done

format:
	clang-format -i $(SRC) src/*.h src/*/*.h src/tools/*.c tests/unit/*.c

clean:
	rm -rf build

-include $(wildcard build/obj/*.d build/obj/*/*.d)
