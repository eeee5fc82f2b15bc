# iotrc — build, install, test.  See README.md.
#
# Layout: one folder per program (DESIGN.md "The tools"): its main file
# iotrc-NAME.c, its modules and a local header.  PROG.dir names the folder,
# PROG.libs the libraries that program links (and nothing else: tests/
# link-libs.t checks the binaries against this list).  lib/*.c is one static
# library that every program links; a program pulls only the objects it
# uses.  Files named *_darwin.c / *_linux.c are built only for that OS
# (OS=darwin|linux, default: the host).

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
OS      ?= $(shell uname -s | tr A-Z a-z)
CC      ?= cc
AR      ?= ar
CFLAGS  ?= -O2 -g
WARN    ?= -Wall -Wextra
SAN     ?=
CPPFLAGS += -D_GNU_SOURCE -Ilib
XCFLAGS = -std=c11 $(WARN) $(SAN)

# Libraries by name; on macOS CommonCrypto and pthreads are in libSystem.
ifeq ($(OS),darwin)
LIB_CRYPTO =
else
LIB_CRYPTO = -lcrypto
endif
LIB_ZSTD = -lzstd
LIB_CURL = -lcurl
LIB_YAML = -lyaml
# curses: the system's on macOS; on Linux ncursesw (UTF-8 names), whose
# Debian link script also names libtinfo
ifeq ($(OS),darwin)
LIB_CURSES = -lncurses
else
LIB_CURSES = -lncursesw -ltinfo
endif
LIB_MHD = -lmicrohttpd

# One block per program: its folder and the libraries it links.
PROGS =
PROGS += iotrc-launch
iotrc-launch.dir  = bin/launch
iotrc-launch.libs =
PROGS += iotrc-kdebug
iotrc-kdebug.dir  = bin/kdebug
iotrc-kdebug.libs =
PROGS += iotrc-parse
iotrc-parse.dir   = filters/parse
iotrc-parse.libs  = $(LIB_CRYPTO)
PROGS += iotrc-write
iotrc-write.dir   = filters/write
iotrc-write.libs  = $(LIB_ZSTD)
PROGS += iotrc-upload
iotrc-upload.dir  = upload
iotrc-upload.libs = $(LIB_CURL) $(LIB_CRYPTO)
PROGS += iotrc
iotrc.dir         = bin/iotrc
iotrc.libs        = $(LIB_YAML) $(LIB_CRYPTO)
PROGS += iotrc-top
iotrc-top.dir     = filters/top
iotrc-top.libs    = $(LIB_ZSTD) $(LIB_CURSES) $(LIB_MHD)
PROGS += iotrc-snap-proc
iotrc-snap-proc.dir  = snap/proc
iotrc-snap-proc.libs = $(LIB_CRYPTO)
PROGS += iotrc-snap-fs
iotrc-snap-fs.dir    = snap/fs
iotrc-snap-fs.libs   = $(LIB_CRYPTO)
PROGS += iotrc-snap-sys
iotrc-snap-sys.dir   = snap/sys
iotrc-snap-sys.libs  = $(LIB_CRYPTO)

# Tests, fuzz targets and helpers link everything the library may need.
ALL_LIBS = $(LIB_ZSTD) $(LIB_CURL) $(LIB_CRYPTO) $(LIB_YAML) $(LIB_CURSES) $(LIB_MHD)

OSFILTER  = $(filter-out %_darwin.c %_linux.c,$(1)) $(filter %_$(OS).c,$(1))
progsrcs  = $(call OSFILTER,$(wildcard $($(1).dir)/*.c))
progmods  = $(filter-out $($(1).dir)/$(1).c,$(call progsrcs,$(1)))
progobjs  = $(patsubst %.c,$(BUILD)/obj/%.o,$(call progsrcs,$(1)))
LIBSRC    = $(call OSFILTER,$(wildcard lib/*.c))
LIBOBJ    = $(LIBSRC:%.c=$(BUILD)/obj/%.o)
LIBA      = $(BUILD)/libiotrc.a
BINS      = $(PROGS:%=$(BUILD)/bin/%)
MANS      = $(wildcard man/*.[1-9])
SCRIPTS   = $(wildcard dtrace/*.d dtrace/*.bt)

all: $(BINS)

# Each object sees lib/ and its own folder; -MMD records what it includes.
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -I$(dir $<) $(CFLAGS) $(XCFLAGS) -MMD -MP -c -o $@ $<
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

$(LIBA): $(LIBOBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

define PROG_template
$(BUILD)/bin/$(1): $(call progobjs,$(1)) $(LIBA)
	@mkdir -p $(BUILD)/bin
	$$(CC) $$(CFLAGS) $$(XCFLAGS) $$(LDFLAGS) -o $$@ $(call progobjs,$(1)) $(LIBA) $$($(1).libs)
endef
$(foreach p,$(PROGS),$(eval $(call PROG_template,$(p))))

# "PROG: libraries" for every program (tests/link-libs.t reads it).
print-libs:
	@$(foreach p,$(PROGS),echo "$(p): $(strip $($(p).libs))";)

# Everything the tests need: tools, unit tests, fuzz targets, test helpers.
UNITSRC = $(wildcard tests/unit/*.c)
UNITS   = $(UNITSRC:tests/unit/%.c=$(BUILD)/tests/%)
HELPSRC = $(wildcard tests/helpers/*.c)
HELPERS = $(HELPSRC:tests/helpers/%.c=$(BUILD)/tests/%)
# tests/unit/test_NAME.c is linked with the library and, when iotrc-NAME is
# a program, that program's modules (its main file left out), e.g.
# test_kdebug.c with bin/kdebug/kdebug_*.c (test_iotrc.c: the supervisor's).
unitprog = $(filter iotrc-$(patsubst test_%,%,$(1)) $(if $(filter test_iotrc,$(1)),iotrc),$(PROGS))
unitmods = $(foreach p,$(call unitprog,$(1)),$(call progmods,$(p)))
unitinc  = $(foreach p,$(call unitprog,$(1)),-I$($(p).dir))
.SECONDEXPANSION:
$(BUILD)/tests/%: tests/unit/%.c $$(call unitmods,$$*) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(call unitinc,$*) $(CFLAGS) $(XCFLAGS) $(LDFLAGS) -o $@ $< $(call unitmods,$*) $(LIBA) $(ALL_LIBS)
$(BUILD)/tests/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(XCFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(ALL_LIBS)
$(HELPERS): $(LIBA)

# Fuzz targets: tests/fuzz/fuzz_NAME.c is linked (clang -fsanitize=fuzzer)
# with the library and the modules of iotrc-NAME; build them with
# "make fuzz" (tests/fuzz.t does, and runs each for a bounded time).
FUZZSRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZCC ?= clang
FUZZDIR = $(BUILD)-fuzz
FUZZES  = $(FUZZSRC:tests/fuzz/%.c=$(FUZZDIR)/%)
fuzz: $(FUZZES)
$(FUZZDIR)/fuzz_%: tests/fuzz/fuzz_%.c $$(call unitmods,test_$$*) $(LIBSRC)
	@mkdir -p $(FUZZDIR)
	$(FUZZCC) -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS) $(call unitinc,test_$*) -std=c11 -o $@ $< $(call unitmods,test_$*) $(LIBSRC) $(ALL_LIBS)

# Benchmark programs: bench/*.c -> $(BUILD)/bench/NAME (see bench/README.md)
BENCHSRC = $(wildcard bench/*.c)
BENCHES  = $(BENCHSRC:bench/%.c=$(BUILD)/bench/%)
$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(XCFLAGS) $(LDFLAGS) -o $@ $<
bench: all $(BENCHES)

tests: all $(UNITS) $(HELPERS) $(BENCHES)

check:
	tests/run

# The main job: iotrc with the embedded default configuration (local only
# until an upload endpoint is configured), until Ctrl-C; ARGS="-d 60 -v".
run: all
	$(BUILD)/bin/iotrc $(ARGS)

# Compile and link every tool for macOS with zig cc (see scripts/get-zig),
# against .tbd stubs of zstd, curl, yaml, microhttpd and curses
# (scripts/macos-stubs).
macos-check:
	@zig=$$(scripts/get-zig) || exit $$?; \
	scripts/macos-stubs $(BUILD)-macos-stubs || exit 1; \
	for arch in aarch64 x86_64; do \
	  $(MAKE) --no-print-directory OS=darwin BUILD=$(BUILD)-macos-$$arch \
	    CC="$$zig cc -target $$arch-macos" AR="$$zig ar" \
	    CFLAGS="-O1" WARN="-Wall -Wextra -Werror" \
	    CPPFLAGS="-D_DARWIN_C_SOURCE -Ilib -idirafter /usr/include -idirafter /usr/include/x86_64-linux-gnu" \
	    LDFLAGS="-L$(BUILD)-macos-stubs -Wl,-undefined,dynamic_lookup" all || exit 1; \
	done; echo "macos-check: $(words $(PROGS)) tools built for aarch64-macos and x86_64-macos"

install: all install-service
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/iotrc/dtrace
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin
	$(if $(SCRIPTS),install -m 644 $(SCRIPTS) $(DESTDIR)$(PREFIX)/share/iotrc/dtrace)
	for m in $(MANS); do s=$${m##*.}; install -d $(DESTDIR)$(PREFIX)/share/man/man$$s; \
	  install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s; done

# Daemon mode (service/, iotrc-service(8)): iotrc-service, the daemon's
# configuration (etc/iotrc.yml with output.root set to STATEDIR; an
# existing one is kept) and, by OS, the systemd unit or the launchd plist,
# with the install paths filled in. Nothing here enables or starts the
# daemon: "iotrc-service install" does. Needs no build (OS=darwin works on
# Linux too).
SYSCONFDIR ?= $(PREFIX)/etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
LAUNCHDDIR ?= $(PREFIX)/share/iotrc/launchd
ifeq ($(OS),darwin)
STATEDIR = /var/db/iotrc
SERVICE_FILE = dev.cachemon.iotrc.plist
SERVICE_DIR = $(LAUNCHDDIR)
else
STATEDIR = /var/lib/iotrc
SERVICE_FILE = iotrc.service
SERVICE_DIR = $(UNITDIR)
endif
SERVICE_SUBST = sed -e 's|@BINDIR@|$(PREFIX)/bin|g' -e 's|@CONFDIR@|$(SYSCONFDIR)/iotrc|g' \
	-e 's|@UNITDIR@|$(UNITDIR)|g' -e 's|@LAUNCHDDIR@|$(LAUNCHDDIR)|g' -e 's|@STATEDIR@|$(STATEDIR)|g'
SERVICE_CONF = sed -e 's|^  root: ""$$|  root: "$(STATEDIR)"|' etc/iotrc.yml
install-service:
	@mkdir -p $(BUILD)/service
	$(SERVICE_SUBST) service/iotrc-service.sh >$(BUILD)/service/iotrc-service
	$(SERVICE_SUBST) service/$(SERVICE_FILE) >$(BUILD)/service/$(SERVICE_FILE)
	$(SERVICE_CONF) >$(BUILD)/service/iotrc.yml
	@grep -q '^  root: "$(STATEDIR)"$$' $(BUILD)/service/iotrc.yml || \
	  { echo "etc/iotrc.yml has no output root to set" >&2; exit 1; }
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(SYSCONFDIR)/iotrc $(DESTDIR)$(SERVICE_DIR)
	install -m 755 $(BUILD)/service/iotrc-service $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(BUILD)/service/$(SERVICE_FILE) $(DESTDIR)$(SERVICE_DIR)
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/iotrc/iotrc.yml ]; then \
	  echo "kept $(DESTDIR)$(SYSCONFDIR)/iotrc/iotrc.yml"; \
	else install -m 644 $(BUILD)/service/iotrc.yml $(DESTDIR)$(SYSCONFDIR)/iotrc; fi

uninstall: uninstall-service
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(PROGS))
	rm -rf $(DESTDIR)$(PREFIX)/share/iotrc
	for m in $(MANS); do s=$${m##*.}; rm -f $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/}; done

# The configuration goes only if it is still the one installed. A daemon
# still enabled is named (iotrc-service uninstall disables it).
SERVICE_ENABLED = $(DESTDIR)/etc/systemd/system/multi-user.target.wants/iotrc.service \
	$(DESTDIR)/Library/LaunchDaemons/dev.cachemon.iotrc.plist
uninstall-service:
	@for f in $(SERVICE_ENABLED); do if [ -e $$f ] || [ -L $$f ]; then \
	  echo "warning: the daemon is still enabled ($$f): iotrc-service uninstall" >&2; fi; done
	rm -f $(DESTDIR)$(PREFIX)/bin/iotrc-service $(DESTDIR)$(SERVICE_DIR)/$(SERVICE_FILE)
	@c=$(DESTDIR)$(SYSCONFDIR)/iotrc/iotrc.yml; \
	if [ -e $$c ] && ! $(SERVICE_CONF) | cmp -s - $$c; then echo "kept $$c (changed)"; \
	else rm -f $$c; rmdir $(DESTDIR)$(SYSCONFDIR)/iotrc 2>/dev/null || true; fi

clean:
	rm -rf build build-*

.PHONY: print-libs run bench fuzz all tests check macos-check install uninstall install-service uninstall-service clean
