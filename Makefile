# kizuna — build, deps, demo, check, bench, fuzz.
#
#   make            build/kizuna and build/plugins/<name>.so
#   make demo       install deps, make the demo media, play the demo playlists
#   make check      install deps, build with ASan+UBSan, run every test
#   make bench      benchmarks (ratios against ffplay / mpv / ffmpeg), not part of check
#   make fuzz       run the libFuzzer targets for a while (FUZZ_SECONDS, default 300)
#   make soak       long runs (tools/soak-*.sh), not part of check
#   make keys       regenerate docs/keys.md from the plugins' key tables
#   make install    PREFIX=/usr/local DESTDIR=: binary, plugins, fonts, man page, unit, config
#
# Everything is discovered: player/<room>/*.c is the executable (the rooms are described in
# player/README.md), lib/*.c the helper library the player and plugins link,
# plugins/<name>/*.c is one plugin, tests/unit/test_*.c is one cmocka executable each,
# tests/plugins/<name>.c a test plugin.

BUILD   ?= build
SAN     ?= 0
# make check builds with this many jobs (the tests themselves run one at a time)
NPROC   ?= $(shell nproc 2>/dev/null || echo 2)
CC      ?= cc
# libsystemd: sd_notify / watchdog for the systemd unit (player/ops/ops.c, docs/operations.md)
# libmosquitto: the fleet client over MQTT (player/ops/fleet.c, docs/fleet.md)
# libmicrohttpd, jansson, libsodium: the operator console's HTTP server, its JSON, its password
# hashes and tokens (player/console/, docs/console-api.md); libsodium also verifies the Ed25519
# signatures on fleet commands (player/ops/fleetsig.c, docs/fleet.md)
# libcurl, libxml2: the background fetcher and the RSS/Atom reader for fetched content
# (player/fetch/, lib/feedparse.c, docs/architecture.md "Fetched content")
PKGS    := sdl2 SDL2_ttf libavformat libavcodec libswscale libavutil inih libsystemd libmosquitto \
           libmicrohttpd jansson libsodium libcurl libxml-2.0
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

CFLAGS_WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wno-format-truncation
CFLAGS_BASE := $(CFLAGS_WARN) -D_GNU_SOURCE -Iinclude -Iplayer -Ilib -I$(BUILD) -g -fPIC
ifeq ($(SAN),1)
CFLAGS_OPT  := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS_SAN := -fsanitize=address,undefined
else
CFLAGS_OPT  := -O2
LDFLAGS_SAN :=
endif

DEPS_STAMP := build/.deps-stamp
NPM_STAMP  := tests/browser/node_modules/.package-lock.json
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  += $(CFLAGS_BASE) $(CFLAGS_OPT) $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -ldl -lm -lpthread
LDFLAGS += $(LDFLAGS_SAN)

PLAYER_SRC  := $(wildcard player/*/*.c)
PLAYER_OBJ  := $(PLAYER_SRC:%.c=$(BUILD)/obj/%.o)
CORE_OBJ    := $(filter-out $(BUILD)/obj/player/cmd/main.o,$(PLAYER_OBJ))
LIB_SRC     := $(wildcard lib/*.c)
LIB_A       := $(BUILD)/lib/libkizuna-helpers.a
PLUGIN_DIRS := $(sort $(dir $(wildcard plugins/*/*.c)))
PLUGIN_NAMES:= $(notdir $(patsubst %/,%,$(PLUGIN_DIRS)))
PLUGINS     := $(PLUGIN_NAMES:%=$(BUILD)/plugins/%.so)
TEST_SRC    := $(wildcard tests/unit/test_*.c)
TESTS       := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_PLUGINS:= $(patsubst tests/plugins/%.c,$(BUILD)/test-plugins/%.so,$(wildcard tests/plugins/*.c))
TOOLS       := $(BUILD)/tools/imgcmp

.PHONY: rooms integration all deps demo demo-media keys check unit golden fuzz fuzz-build bench soak clean format install
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BUILD)/kizuna $(PLUGINS)

# --- dependencies ------------------------------------------------------------------------
deps: $(DEPS_STAMP) $(NPM_STAMP)
$(DEPS_STAMP): tools/deps.list tools/deps.sh
	@sh tools/deps.sh
	@mkdir -p $(dir $@) && touch $@
# playwright-core for the console's browser test, exactly as tests/browser/package-lock.json
# pins it (npm writes the stamp itself; --prefer-offline takes it from the npm cache when there)
$(NPM_STAMP): tests/browser/package.json tests/browser/package-lock.json | $(DEPS_STAMP)
	cd tests/browser && npm ci --prefer-offline --no-audit --no-fund

# --- the executable and plugins ----------------------------------------------------------
$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# The version is written to a header only when it changes, so only main.o rebuilds.
$(BUILD)/obj/player/cmd/main.o: $(BUILD)/kz_version.h
$(BUILD)/kz_version.h: FORCE
	@mkdir -p $(dir $@)
	@v='#define KZ_VERSION "$(VERSION)"'; [ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" >$@
.PHONY: FORCE
FORCE:

# lib/: helpers that several plugins and the player share (reading time, wall-clock
# formatting, the text box). A static archive, so each binary takes only what it calls;
# docs/plugin-api.md says when code goes here and when it becomes a host service instead.
$(LIB_A): $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/kizuna: $(PLAYER_OBJ) $(LIB_A)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A plugin is every .c in its folder; plugins may add libraries in plugins/<name>/libs.mk
# (a line "LIBS_<name> := ..."), kept beside the plugin rather than in this file.
-include $(wildcard plugins/*/libs.mk)
.SECONDEXPANSION:
$(BUILD)/plugins/%.so: $$(addprefix $(BUILD)/obj/,$$(subst .c,.o,$$(wildcard plugins/$$*/*.c))) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -shared -o $@ $^ $(PKG_LIBS) $(LIBS_$*) -lm -lpthread

$(BUILD)/test-plugins/%.so: tests/plugins/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -o $@ $< $(PKG_LIBS)

# --- tests -------------------------------------------------------------------------------
include tests/unit/objs.mk
$(BUILD)/tests/%: tests/unit/%.c $(CORE_OBJ) $$(addprefix $(BUILD)/obj/,$$(subst .c,.o,$$(OBJS_$$*))) $(LIB_A) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags cmocka) $(LDFLAGS) -o $@ $< $(CORE_OBJ) \
	    $(addprefix $(BUILD)/obj/,$(subst .c,.o,$(OBJS_$*))) $(LIB_A) $(LDLIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/tools/imgcmp: tests/golden/imgcmp.c $(CORE_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LIB_A) $(LDLIBS)

# The fleet benchmark's simulated screens (tools/bench-fleet.sh): the real player/ops/fleet.c.
$(BUILD)/tools/fleet-sim: tools/fleet-sim.c $(CORE_OBJ) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(CORE_OBJ) $(LIB_A) $(LDLIBS)

ASAN := build/asan
SANENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
          LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
          SDL_VIDEODRIVER=dummy SDL_RENDER_DRIVER=software SDL_AUDIODRIVER=dummy

# make check: everything below runs on the sanitizer build in build/asan.
# Each suite adds "passed failed" to $(KZ_RESULTS); the last line sums them up.
KZ_RESULTS := $(CURDIR)/build/check-results
export KZ_RESULTS
check: deps
	@rm -f $(KZ_RESULTS)
	@$(MAKE) --no-print-directory -j$(NPROC) BUILD=$(ASAN) SAN=1 test-binaries
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@$(MAKE) --no-print-directory -j$(NPROC) fuzz-build
	@$(MAKE) --no-print-directory -k BUILD=$(ASAN) SAN=1 rooms unit golden integration; \
	 rc=$$?; $(MAKE) --no-print-directory fuzz-smoke || rc=1; \
	 awk '{p += $$1; f += $$2} END {printf "check: %d passed, %d failed\n", p, f}' $(KZ_RESULTS); \
	 exit $$rc

.PHONY: test-binaries
test-binaries: all $(TESTS) $(TEST_PLUGINS) $(TOOLS)

unit: test-binaries
	@$(SANENV) KZ_BUILD=$(BUILD) sh tests/run-unit.sh $(TESTS)

golden: test-binaries
	@$(SANENV) KZ_BUILD=$(BUILD) GEN=$(GEN) sh tests/golden/run.sh

integration: test-binaries
	@$(SANENV) KZ_BUILD=$(BUILD) sh tests/integration/run.sh

# The tree's layout (player/README.md): includes go only the allowed way, no weak symbols,
# no source file included by another.
rooms:
	@if python3 tools/check-rooms.py; then echo "1 0" >>$(KZ_RESULTS); \
	 else echo "0 1" >>$(KZ_RESULTS); exit 1; fi

# --- fuzzing (clang + libFuzzer) ---------------------------------------------------------
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS    := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_PLAYER  := $(filter-out player/cmd/main.c,$(PLAYER_SRC)) $(LIB_SRC)
FUZZ_SECONDS ?= 300
# make check runs each target this long from the kept corpus: a smoke test that the seeds and
# what earlier runs found still pass; real fuzzing is `make fuzz` (FUZZ_SECONDS per target).
FUZZ_SMOKE_SECONDS ?= 10
# The player's sources are compiled for fuzzing once (instrumented, fuzzer-no-link) and every
# target links those objects: compiling them again per target cost a full build each.
FUZZ_CFLAGS  = $(CFLAGS_BASE) -Wno-unknown-warning-option -O1 $(PKG_CFLAGS)
FUZZ_OBJ     := $(FUZZ_PLAYER:%.c=build/fuzz/obj/%.o)
build/fuzz/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@
-include $(FUZZ_OBJ:.o=.d)
build/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ) $$(FUZZ_EXTRA_$$*) $(wildcard player/*/*.h lib/*.h) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined \
	    -o $@ $< $(FUZZ_OBJ) $(FUZZ_EXTRA_$*) $(PKG_LIBS) -ldl -lm -lpthread
fuzz-build: $(FUZZ_BINS)
fuzz-smoke: fuzz-build
	@for f in $(FUZZ_BINS); do n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
	  echo "fuzz: $$n for $(FUZZ_SMOKE_SECONDS) s"; \
	  if $$f -max_total_time=$(FUZZ_SMOKE_SECONDS) -print_final_stats=0 -close_fd_mask=3 -artifact_prefix=build/fuzz/ \
	       build/fuzz/corpus-$$n tests/fuzz/corpus >build/fuzz/$$n.log 2>&1; then \
	    echo "1 0" >>$(KZ_RESULTS); \
	  else tail -n 40 build/fuzz/$$n.log; echo "0 1" >>$(KZ_RESULTS); exit 1; fi; done
fuzz: fuzz-build
	@for f in $(FUZZ_BINS); do n=$$(basename $$f); mkdir -p build/fuzz/corpus-$$n; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build/fuzz/ build/fuzz/corpus-$$n tests/fuzz/corpus || exit 1; done
.PHONY: fuzz-smoke

# --- demo --------------------------------------------------------------------------------
demo-media: all
	@sh tools/make-demo-media.sh build/content
demo: deps demo-media
	@sh tools/demo.sh

# docs/keys.md, the keys reference, is generated from the plugins' own key tables (kz_plugin.keys)
# by kizuna itself; tests/integration/test_keys.sh (make check) fails when the committed file
# differs from what the built plugins say.
keys: all
	KIZUNA_PLUGINS=$(BUILD)/plugins $(BUILD)/kizuna help keys --format md --config /dev/null \
	    >docs/keys.md

bench: deps all
	@sh tools/bench.sh

soak: deps all
	@sh tools/soak.sh

# --- install -----------------------------------------------------------------------------
# make install PREFIX=/usr/local DESTDIR=/tmp/stage: binary, plugins, fonts config, kizuna(1),
# the sandboxed systemd system unit, the sysusers.d entry of its account `kizuna` (created
# here when installing for real, DESTDIR empty) and an example /etc/kizuna/player.ini (an
# existing one is kept; the example always lands beside it as player.ini.example).
PREFIX     ?= /usr/local
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(if $(filter /usr/local,$(PREFIX)),/etc,$(PREFIX)/etc))
BINDIR     := $(PREFIX)/bin
LIBDIR     := $(PREFIX)/lib/kizuna
DATADIR    := $(PREFIX)/share/kizuna
MANDIR     := $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
            -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/plugins $(DESTDIR)$(DATADIR)/fonts \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/kizuna \
	    $(DESTDIR)$(SYSUSERSDIR)
	install -m 755 $(BUILD)/kizuna $(DESTDIR)$(BINDIR)/kizuna
	install -m 644 $(PLUGINS) $(DESTDIR)$(LIBDIR)/plugins/
	install -m 644 fonts/fonts.ini $(DESTDIR)$(DATADIR)/fonts/fonts.ini
	install -m 644 man/kizuna.1 $(DESTDIR)$(MANDIR)/man1/kizuna.1
	$(SUBST) dist/kizuna.service >$(DESTDIR)$(UNITDIR)/kizuna.service
	install -m 644 dist/kizuna.sysusers $(DESTDIR)$(SYSUSERSDIR)/kizuna.conf
	@# The service's account: systemd-sysusers reads the file above; useradd where it is absent.
	if [ -z "$(DESTDIR)" ]; then \
	    if command -v systemd-sysusers >/dev/null; then \
	        systemd-sysusers $(SYSUSERSDIR)/kizuna.conf; \
	    elif ! id kizuna >/dev/null 2>&1; then \
	        useradd --system --home-dir /var/lib/kizuna --no-create-home \
	            --shell /usr/sbin/nologin --groups video,render,audio,input kizuna; \
	    fi; \
	fi
	$(SUBST) dist/player.ini >$(DESTDIR)$(SYSCONFDIR)/kizuna/player.ini.example
	[ -e $(DESTDIR)$(SYSCONFDIR)/kizuna/player.ini ] || \
	    cp $(DESTDIR)$(SYSCONFDIR)/kizuna/player.ini.example $(DESTDIR)$(SYSCONFDIR)/kizuna/player.ini
	@echo "installed under $(DESTDIR)$(PREFIX); configuration in $(DESTDIR)$(SYSCONFDIR)/kizuna"

format:
	clang-format -i $(PLAYER_SRC) $(LIB_SRC) $(wildcard player/*/*.h lib/*.h plugins/*/*.c include/kizuna/*.h tests/*/*.c)

clean:
	rm -rf build/obj build/asan build/lib build/plugins build/tests build/tools build/fuzz build/kizuna

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
