# Buurt Samen — build, run, test, install and package. See README.md.
#
# CFLAGS, CPPFLAGS and LDFLAGS are the user's (make CFLAGS='-O0 -g' works); everything the
# build itself needs lives in the BS_* variables, which come first so the user's flags win.
CC         ?= gcc
PKG_CONFIG ?= pkg-config
PKGS       := libmicrohttpd sqlite3 libsodium jansson inih libqrencode gdlib xlsxwriter zlib cairo \
              librsvg-2.0 libutf8proc
CFLAGS     ?= -O2 -g
CPPFLAGS   ?=
LDFLAGS    ?=
WARN       := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 \
              -Wno-format-nonliteral -Wvla -Wno-missing-field-initializers

# pkg-config runs once, when a recipe first needs its answer (so `make clean` and `make run`
# on a machine without the -dev packages get that far); a failure stops the build with
# pkg-config's own message instead of compiling on with empty flags.
pkg = $(shell $(PKG_CONFIG) --print-errors $(1) $(PKGS) 2>&1 || echo '<failed>')
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(call pkg,--cflags))$(call pkg_check,$(PKG_CFLAGS))
PKG_LIBS = $(eval PKG_LIBS := $$(call pkg,--libs))$(call pkg_check,$(PKG_LIBS))
pkg_check = $(if $(findstring <failed>,$(1)),$(error $(PKG_CONFIG) $(PKGS): \
            $(subst <failed>,,$(1)) (deploy/install-deps build installs them)),$(1))

# Hardening. _FORTIFY_SOURCE needs an optimising build (glibc warns otherwise, and warnings
# are errors), and is left to the user's CPPFLAGS when they set it (dpkg-buildflags does).
OPTIMISED  := $(filter-out -O0,$(lastword $(filter -O%,$(CFLAGS))))
FORTIFY    := $(if $(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),,$(if $(OPTIMISED),\
              -D_FORTIFY_SOURCE=2))
# The same sources in another directory give the same bytes: no absolute paths in the
# debug information or in __FILE__.
BS_CPPFLAGS = -D_GNU_SOURCE $(FORTIFY) -Isrc $(PKG_CFLAGS)
BS_CFLAGS  := -std=c11 $(WARN) -fstack-protector-strong -ffile-prefix-map=$(CURDIR)=.
BS_LDFLAGS := -Wl,-z,relro,-z,now
COMPILE     = $(CC) $(BS_CPPFLAGS) $(CPPFLAGS) $(BS_CFLAGS) $(CFLAGS)
LDLIBS      = $(PKG_LIBS) -lfcgi -lcsv -lpthread
SANITIZE   := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# Sanitized builds: -O1 after the user's flags, and no _FORTIFY_SOURCE (it hides accesses
# from ASan).
COMPILE_SAN = $(COMPILE) $(SANITIZE) -O1 -U_FORTIFY_SOURCE

SRC      := $(sort $(filter-out src/tools/%,$(wildcard src/*.c src/*/*.c)))
HDR      := $(sort $(wildcard src/*.h src/*/*.h))
ASSETS   := $(sort $(wildcard templates/*.html templates/*.xml templates/*/*.html static/* static/*/* sql/*.sql))
OBJ      := $(SRC:src/%.c=build/obj/%.o) build/obj/assets.o
ASAN_OBJ := $(filter-out build/asan/main.o,$(SRC:src/%.c=build/asan/%.o)) build/asan/assets.o
UNIT     := $(patsubst tests/unit/%.c,build/tests/%,$(sort $(wildcard tests/unit/test_*.c)))
UNIT_HDR := $(wildcard tests/unit/*.h)
DB       ?= buurtsamen.db
LISTEN   ?= 127.0.0.1:8080
Q        ?= @

# Installation (FHS). The configuration always goes to /etc/buurtsamen, which is where the
# units look for it; the units go where systemd finds them for this prefix.
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     := $(PREFIX)/bin
DATADIR    := $(PREFIX)/share/buurtsamen
MANDIR     := $(PREFIX)/share/man/man1
DOCDIR     := $(PREFIX)/share/doc/buurtsamen
CONFDIR    := /etc/buurtsamen
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
UNITS      := buurtsamen.service buurtsamen-fcgi.service buurtsamen-fcgi.socket \
              buurtsamen-backup.service buurtsamen-backup.timer
INSTALL    ?= install
# The shipped files name the packaged paths (/usr/bin, /usr/share); another prefix gets its
# own paths in the installed copies.
RELOCATE   := sed -e 's|/usr/bin/buurtsamen|$(BINDIR)/buurtsamen|g' \
                  -e 's|/usr/share/buurtsamen/|$(DATADIR)/|g'

# BUURTSAMEN_BIN (make http BUURTSAMEN_BIN=build/asan/buurtsamen) runs the node suites against
# another build; the suites run in tests/, so the path is made absolute here.
ifneq ($(BUURTSAMEN_BIN),)
override export BUURTSAMEN_BIN := $(abspath $(BUURTSAMEN_BIN))
endif

.PHONY: all asan deps test-deps run check unit http fcgi e2e deploy bench bench-scale fuzz fuzz-smoke \
        format clean \
        node install deb
# Keep every object: none of them is a throwaway intermediate.
.SECONDARY:
all: build/buurtsamen

deps:
	@deploy/install-deps build
test-deps:
	@deploy/install-deps test

build/buurtsamen: $(OBJ) build/gen/flags
	@echo "LINK $@"
	$(Q)$(CC) $(BS_CFLAGS) $(CFLAGS) $(BS_LDFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LDLIBS)

build/obj/%.o: src/%.c $(HDR) build/gen/flags
	@mkdir -p $(dir $@)
	@echo "CC $<"
	$(Q)$(COMPILE) -MMD -c -o $@ $<

# make asan: the server with AddressSanitizer and UBSan, for the node suites (see README).
asan: build/asan/buurtsamen
build/asan/buurtsamen: $(ASAN_OBJ) build/asan/main.o build/gen/flags
	@echo "LINK $@ (sanitized)"
	$(Q)$(CC) $(BS_CFLAGS) $(CFLAGS) $(SANITIZE) $(BS_LDFLAGS) $(LDFLAGS) -o $@ $(ASAN_OBJ) build/asan/main.o $(LDLIBS)

build/asan/%.o: src/%.c $(HDR) build/gen/flags
	@mkdir -p $(dir $@)
	@echo "CC (sanitized) $<"
	$(Q)$(COMPILE_SAN) -c -o $@ $<

build/embed: src/tools/embed.c
	@mkdir -p build
	$(Q)$(CC) -O2 -std=c11 -Wall -Werror -o $@ $<

# The list of embedded files, rewritten only when it changes, so that adding or removing a
# file regenerates assets.c even when no file is newer.
build/gen/assets.list: FORCE
	@mkdir -p build/gen
	@echo $(ASSETS) | cmp -s - $@ || echo $(ASSETS) > $@
.PHONY: FORCE

# The flags every object is built with, rewritten only when they change: objects built
# with other flags (make CFLAGS=...) are rebuilt, never mixed.
FLAGS_LINE = $(COMPILE) | $(COMPILE_SAN) | $(BS_LDFLAGS) $(LDFLAGS) $(LDLIBS)
build/gen/flags: FORCE
	@mkdir -p build/gen
	@echo '$(FLAGS_LINE)' | cmp -s - $@ || echo '$(FLAGS_LINE)' > $@

build/gen/assets.c: build/embed $(ASSETS) build/gen/assets.list
	@mkdir -p build/gen
	@echo "EMBED $(words $(ASSETS)) files"
	$(Q)build/embed $@ $(ASSETS)

build/obj/assets.o: build/gen/assets.c build/gen/flags
	@mkdir -p build/obj
	$(Q)$(COMPILE) -c -o $@ $<

build/asan/assets.o: build/gen/assets.c build/gen/flags
	@mkdir -p build/asan
	$(Q)$(COMPILE) -c -o $@ $<

build/tests/%: tests/unit/%.c $(UNIT_HDR) $(ASAN_OBJ) build/gen/flags
	@mkdir -p build/tests
	@echo "LINK $@"
	$(Q)$(COMPILE_SAN) $(BS_LDFLAGS) $(LDFLAGS) -o $@ $< $(ASAN_OBJ) $(LDLIBS) -lcmocka

# make run: install what is missing, build, create the demo database once, serve.
run:
	@deploy/install-deps build
	@$(MAKE) --no-print-directory all
	@test -f $(DB) || build/buurtsamen --db $(DB) init --demo
	build/buurtsamen --db $(DB) serve --listen $(LISTEN)

# make check: every test layer, from clean dependencies to browser. The steps run in this order;
# inside a step make uses every core (JOBS): the two builds (normal and sanitized objects)
# compile side by side, and the unit tests run side by side with each other and with the
# fuzz targets' build and smoke runs (--output-sync keeps each test's output in one piece).
JOBS ?= $(shell nproc)
check:
	@deploy/install-deps test
	@$(MAKE) --no-print-directory -j$(JOBS) all $(UNIT)
	@tests/lint/layers.sh
	@$(MAKE) --no-print-directory -j$(JOBS) --output-sync=target unit fuzz-smoke
	@$(MAKE) --no-print-directory node
	cd tests && node --test --test-concurrency=1 repo/ http/ fcgi/ deploy/ e2e/

# make unit: every unit test (make -j2 unit runs two at a time); the longest first.
UNIT_RUN := $(patsubst build/tests/%,unit-%,$(filter %/test_ledger_property,$(UNIT)) \
              $(filter-out %/test_ledger_property,$(UNIT)))
.PHONY: $(UNIT_RUN)
unit: $(UNIT_RUN)
$(UNIT_RUN): unit-%: build/tests/%
	@echo "== $<"
	$(Q)$<

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
# The shipped deploy files, make install, two-directory build and the .deb.
deploy: all node
	cd tests && node --test deploy/

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, the static files that nginx serves
# from disk, the man page, the units, the example config (kept when one is there) and the
# nginx and cron examples.
install: build/buurtsamen
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/static $(DESTDIR)$(MANDIR) \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(CONFDIR) $(DESTDIR)$(DOCDIR)/examples
	$(INSTALL) -m 0755 build/buurtsamen $(DESTDIR)$(BINDIR)/buurtsamen
	$(INSTALL) -m 0644 $(sort $(wildcard static/*)) $(DESTDIR)$(DATADIR)/static/
	$(INSTALL) -m 0644 doc/buurtsamen.1 $(DESTDIR)$(MANDIR)/buurtsamen.1
	@set -e; for u in $(UNITS); do \
	    echo "install deploy/$$u → $(DESTDIR)$(UNITDIR)/$$u"; \
	    $(RELOCATE) deploy/$$u > $(DESTDIR)$(UNITDIR)/$$u; chmod 0644 $(DESTDIR)$(UNITDIR)/$$u; \
	done
	@set -e; for f in nginx.conf buurtsamen-backup.cron; do \
	    $(RELOCATE) deploy/$$f > $(DESTDIR)$(DOCDIR)/examples/$$f; \
	    chmod 0644 $(DESTDIR)$(DOCDIR)/examples/$$f; \
	done
	@if [ -e $(DESTDIR)$(CONFDIR)/buurtsamen.ini ]; then \
	    echo "keeping $(DESTDIR)$(CONFDIR)/buurtsamen.ini"; \
	else \
	    $(INSTALL) -m 0644 deploy/buurtsamen.ini $(DESTDIR)$(CONFDIR)/buurtsamen.ini; \
	fi

# make deb: a Debian package, built with debhelper in a copy of the tree under build/deb
# (dpkg-buildpackage writes next to the source directory), results in build/deb. Installs
# what is missing first, as make run does.
DEB_SRC := Makefile LICENSE README.md debian deploy doc sql src static templates
deb:
	@deploy/install-deps deb
	rm -rf build/deb
	mkdir -p build/deb/src/buurtsamen
	cp -R $(DEB_SRC) build/deb/src/buurtsamen/
	cd build/deb/src/buurtsamen && dpkg-buildpackage -b -us -uc -J$(shell nproc)
	mv build/deb/src/*.deb build/deb/src/*.changes build/deb/src/*.buildinfo build/deb/
	rm -rf build/deb/src
	@ls build/deb/*.deb

bench:
	@deploy/install-deps bench
	@$(MAKE) --no-print-directory all
	tests/bench/run
	tests/bench/export
	tests/bench/letters

# make bench-scale: page cost and verify on the demo, "10 years of Almelo" and (BENCH_STRESS=1)
# the stress database, single client; never part of make check.
bench-scale: build/buurtsamen
	tests/bench/scale

# make fuzz: each libFuzzer target for FUZZ_SECONDS (clang, built with ASan/UBSan).
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(filter-out src/main.c,$(SRC))
FUZZ := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
# The sources are compiled once for every target (instrumented, without libFuzzer's main).
FUZZ_CC  = clang -g -O1 -std=c11 -D_GNU_SOURCE -Isrc $(PKG_CFLAGS)
FUZZ_OBJ := $(FUZZ_SRC:src/%.c=build/fuzz/obj/%.o) build/fuzz/obj/assets.o
build/fuzz/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer-no-link,address,undefined -MMD -c -o $@ $<
build/fuzz/obj/assets.o: build/gen/assets.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ)
	@echo "FUZZ $@"
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_OBJ) $(LDLIBS)
# make check: every target for a second, from an empty corpus (a smoke run, not a campaign).
fuzz-smoke: $(FUZZ)
	@set -e; for f in $(FUZZ); do \
	    $$f -max_total_time=1 -max_len=4096 -artifact_prefix=build/fuzz/ \
	        >build/fuzz/$$(basename $$f).log 2>&1 || \
	    { tail -40 build/fuzz/$$(basename $$f).log; exit 1; }; done; echo "fuzz-smoke: ok"
fuzz: $(FUZZ)
	@command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang)"; exit 1; }
	@set -e; for f in $(FUZZ); do mkdir -p build/fuzz/corpus-$$(basename $$f); \
	    $$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build/fuzz/corpus-$$(basename $$f); done

format:
	clang-format -i $(SRC) src/*.h src/*/*.h src/tools/*.c tests/unit/*.c

clean:
	rm -rf build

-include $(wildcard build/obj/*.d build/obj/*/*.d build/fuzz/obj/*/*.d)
