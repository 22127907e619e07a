# vigil build.
#
# Sources are discovered, not listed: every src/<stage>/*.c goes into
# build/libvigil.a, src/main.c links it into build/vigil, and every
# tests/unit/test_*.c becomes its own cmocka binary.  Adding a decoder, a
# keyword or a parser therefore never touches this file.
#
#   make                 optimised build        -> build/vigil
#   make test            unit + integration tests, warnings are errors
#   make asan            the same tests under ASan+UBSan (build-asan/)
#   make conformance     suricata-verify pass counts, gated on tests/conformance/floor.txt
#   make sweep           every capture under ../shared through vigil
#   make bench           throughput and peak RSS (bench/run.sh)
#   make fuzz            libFuzzer targets, short runs (clang)
#   make install         PREFIX=/usr/local DESTDIR=: bin/vigil, share/vigil, man1/vigil.1

PKGS      := libpcap libhs libpcre2-8 zlib liblzma libcrypto yaml-0.1 sqlite3 jansson libcap-ng icu-i18n icu-uc lua5.4 libnetfilter_queue libnghttp2 hiredis rdkafka libpq
BUILD     ?= build
CC        ?= cc
OPT       ?= -O2 -g
WERROR    ?=
SAN       ?=
VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GIT_REV   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lcsv -lmagic -lpthread -lm

CFLAGS   := -std=c11 -D_GNU_SOURCE $(OPT) -Wall -Wextra -Wshadow -Wno-unused-parameter \
            -Wstrict-prototypes -Wmissing-prototypes $(WERROR) $(SAN) \
            -Isrc $(PKG_CFLAGS) -DVIGIL_VERSION='"$(VERSION)"' -DVIGIL_GIT_REV='"$(GIT_REV)"' \
            -MMD -MP
LDFLAGS  := $(SAN)

LIB_SRC  := $(sort $(wildcard src/*/*.c src/*/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/main.o
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_SUPPORT_SRC := $(sort $(wildcard tests/unit/support/*.c))
TEST_SUPPORT_OBJ := $(TEST_SUPPORT_SRC:%.c=$(BUILD)/%.o)

.PHONY: all test unit integration asan conformance sweep bench fuzz clean format install uninstall deb

all: $(BUILD)/vigil

$(BUILD)/vigil: $(MAIN_OBJ) $(BUILD)/libvigil.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/libvigil.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(BUILD)/libvigil.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	@$(CC) $(CFLAGS) -Itests/unit $(shell pkg-config --cflags cmocka) -c -o $@ $<

unit: $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do \
	  VIGIL_BIN=$(BUILD)/vigil $$t || fail=1; \
	done; exit $$fail

integration: $(BUILD)/vigil
	@VIGIL_BIN=$(BUILD)/vigil tests/integration/run.sh

test:
	$(MAKE) WERROR=-Werror all unit
	$(MAKE) WERROR=-Werror integration

asan:
	$(MAKE) BUILD=build-asan OPT='-O1 -g -fno-omit-frame-pointer' WERROR=-Werror \
	  SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' all unit integration

conformance: $(BUILD)/vigil
	tests/conformance/run.sh $(BUILD)/vigil

sweep: $(BUILD)/vigil
	tests/integration/sweep.sh $(BUILD)/vigil

# Without BENCH_ARGS: ET Open (when ../shared has it) and no rules, one and
# two workers (bench/run.sh); with them, that one configuration.
BENCH_ARGS ?=
bench: $(BUILD)/vigil
	bench/run.sh $(BUILD)/vigil $(if $(BENCH_ARGS),-- $(BENCH_ARGS))

# Install like any package: PREFIX (default /usr/local), DESTDIR for a
# staging root.  The binary finds its data files in ../share/vigil beside
# its own directory, so the installed tree works wherever it is put.
# The systemd unit (dist/vigil.service.in) and the configuration
# (dist/vigil.yaml, never overwritten) go to SYSTEMDDIR and SYSCONFDIR
# (/etc for PREFIX=/usr, else PREFIX/etc).
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/vigil
MANDIR  ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
install: $(BUILD)/vigil
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(SYSCONFDIR)/vigil
	install -m 755 $(BUILD)/vigil $(DESTDIR)$(BINDIR)/vigil
	cp -R data/. $(DESTDIR)$(DATADIR)/
	install -m 644 doc/vigil.1 $(DESTDIR)$(MANDIR)/man1/vigil.1
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' dist/vigil.service.in \
		>$(DESTDIR)$(SYSTEMDDIR)/vigil.service
	chmod 644 $(DESTDIR)$(SYSTEMDDIR)/vigil.service
	[ -e $(DESTDIR)$(SYSCONFDIR)/vigil/vigil.yaml ] || \
		install -m 644 dist/vigil.yaml $(DESTDIR)$(SYSCONFDIR)/vigil/vigil.yaml

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vigil $(DESTDIR)$(MANDIR)/man1/vigil.1
	rm -f $(DESTDIR)$(SYSTEMDDIR)/vigil.service
	rm -rf $(DESTDIR)$(DATADIR)
	# the configuration only if the operator never changed it
	! cmp -s dist/vigil.yaml $(DESTDIR)$(SYSCONFDIR)/vigil/vigil.yaml || \
		rm -f $(DESTDIR)$(SYSCONFDIR)/vigil/vigil.yaml

# A Debian package of the /usr install, built with dpkg-deb (dependencies
# from dpkg-shlibdeps): DEBDIR/vigil_VERSION_ARCH.deb (DEBDIR: BUILD).
DEBDIR ?= $(BUILD)
deb: $(BUILD)/vigil
	scripts/make-deb.sh $(BUILD) $(VERSION) $(DEBDIR)

fuzz:
	@if [ -x tests/fuzz/run.sh ]; then tests/fuzz/run.sh; else echo "fuzz: no targets"; fi

format:
	clang-format -i $(LIB_SRC) src/main.c $(TEST_SRC)

clean:
	rm -rf build build-asan build-fuzz

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.d)
