# iotrc — build, install, test.  See README.md.
#
# Layout: lib/*.c is one static library; every DIR/iotrc-NAME.c in bin/,
# filters/, snap/, upload/ is a tool whose own extra modules are
# DIR/NAME_*.c.  Files named *_darwin.c / *_linux.c are built only for
# that OS (OS=darwin|linux, default: the host).

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
ifeq ($(OS),darwin)
LDLIBS  ?= -lzstd -lcurl -lyaml -lm
else
LDLIBS  ?= -lzstd -lcurl -lyaml -lcrypto -lm -lpthread
endif

TOOLDIRS  = bin filters snap upload
TOOLINC   = $(addprefix -I,$(TOOLDIRS))
TOOLSRC   = $(wildcard $(addsuffix /iotrc*.c,$(TOOLDIRS)))
TOOLS     = $(notdir $(TOOLSRC:.c=))
OSFILTER  = $(filter-out %_darwin.c %_linux.c,$(1)) $(filter %_$(OS).c,$(1))
LIBSRC    = $(call OSFILTER,$(wildcard lib/*.c))
LIBOBJ    = $(LIBSRC:%.c=$(BUILD)/obj/%.o)
LIBA      = $(BUILD)/libiotrc.a
BINS      = $(TOOLS:%=$(BUILD)/bin/%)
MANS      = $(wildcard man/*.[1-9])
SCRIPTS   = $(wildcard dtrace/*.d dtrace/*.bt)

# the extra modules of tool iotrc-NAME in DIR: DIR/NAME_*.c
toolmods  = $(call OSFILTER,$(wildcard $(dir $(1))$(subst iotrc-,,$(notdir $(basename $(1))))_*.c))

all: $(BINS)

$(BUILD)/obj/%.o: %.c $(wildcard lib/*.h) $(wildcard $(addsuffix /*.h,$(TOOLDIRS)))
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(TOOLINC) $(CFLAGS) $(XCFLAGS) -c -o $@ $<

$(LIBA): $(LIBOBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

define TOOL_template
$(BUILD)/bin/$(notdir $(basename $(1))): $(patsubst %.c,$(BUILD)/obj/%.o,$(1) $(call toolmods,$(1))) $(LIBA)
	@mkdir -p $(BUILD)/bin
	$$(CC) $$(CFLAGS) $$(XCFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach t,$(TOOLSRC),$(eval $(call TOOL_template,$(t))))

# Everything the tests need: tools, unit tests, fuzz targets, test helpers.
UNITSRC = $(wildcard tests/unit/*.c)
UNITS   = $(UNITSRC:tests/unit/%.c=$(BUILD)/tests/%)
HELPSRC = $(wildcard tests/helpers/*.c)
HELPERS = $(HELPSRC:tests/helpers/%.c=$(BUILD)/tests/%)
# tests/unit/test_NAME.c is linked with the library and the tool modules
# */NAME_*.c (e.g. test_kdebug.c with bin/kdebug_*.c).
unitmods = $(call OSFILTER,$(wildcard $(addsuffix /$(patsubst test_%,%,$(1))_*.c,$(TOOLDIRS))))
.SECONDEXPANSION:
$(BUILD)/tests/%: tests/unit/%.c $$(call unitmods,$$*) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(TOOLINC) $(CFLAGS) $(XCFLAGS) $(LDFLAGS) -o $@ $< $(call unitmods,$*) $(LIBA) $(LDLIBS)
$(BUILD)/tests/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(XCFLAGS) $(LDFLAGS) -o $@ $< $(LIBA) $(LDLIBS)
$(HELPERS): $(LIBA)

# Fuzz targets: tests/fuzz/fuzz_NAME.c is linked (clang -fsanitize=fuzzer)
# with the library and every tool module */NAME_*.c; build them with
# "make fuzz" (tests/fuzz.t does, and runs each for a bounded time).
FUZZSRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZCC ?= clang
FUZZDIR = $(BUILD)-fuzz
fuzzmods = $(call OSFILTER,$(wildcard $(addsuffix /$(1)_*.c,$(TOOLDIRS))))
fuzz:
	@mkdir -p $(FUZZDIR)
	@set -e; for f in $(FUZZSRC); do n=$${f##*/fuzz_}; n=$${n%.c}; \
	  mods=$$(for d in $(TOOLDIRS); do ls $$d/$${n}_*.c 2>/dev/null; done | grep -v '_darwin\.c$$' || true); \
	  echo "fuzz_$$n: $$mods"; \
	  $(FUZZCC) -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS) $(TOOLINC) -std=c11 -o $(FUZZDIR)/fuzz_$$n $$f $$mods $(LIBSRC) $(LDLIBS); \
	done

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

# The main job (until the supervisor exists): trace file system calls into
# ./trace/fs until Ctrl-C, or for DURATION seconds.
run: all
	scripts/trace-fs

# Compile and link every tool for macOS with zig cc (see scripts/get-zig),
# against .tbd stubs of zstd, curl and yaml (scripts/macos-stubs).
macos-check:
	@zig=$$(scripts/get-zig) || exit $$?; \
	scripts/macos-stubs $(BUILD)-macos-stubs || exit 1; \
	for arch in aarch64 x86_64; do \
	  $(MAKE) --no-print-directory OS=darwin BUILD=$(BUILD)-macos-$$arch \
	    CC="$$zig cc -target $$arch-macos" AR="$$zig ar" \
	    CFLAGS="-O1" WARN="-Wall -Wextra -Werror" \
	    CPPFLAGS="-D_DARWIN_C_SOURCE -Ilib -idirafter /usr/include -idirafter /usr/include/x86_64-linux-gnu" \
	    LDFLAGS="-L$(BUILD)-macos-stubs -Wl,-undefined,dynamic_lookup" all || exit 1; \
	done; echo "macos-check: $(words $(TOOLS)) tools built for aarch64-macos and x86_64-macos"

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/iotrc/dtrace
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin
	$(if $(SCRIPTS),install -m 644 $(SCRIPTS) $(DESTDIR)$(PREFIX)/share/iotrc/dtrace)
	for m in $(MANS); do s=$${m##*.}; install -d $(DESTDIR)$(PREFIX)/share/man/man$$s; \
	  install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$$s; done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(TOOLS))
	rm -rf $(DESTDIR)$(PREFIX)/share/iotrc
	for m in $(MANS); do s=$${m##*.}; rm -f $(DESTDIR)$(PREFIX)/share/man/man$$s/$${m##*/}; done

clean:
	rm -rf build build-*

.PHONY: run bench fuzz all tests check macos-check install uninstall clean
