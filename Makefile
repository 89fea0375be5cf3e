# sealed: one entry point for build, deps, certs, run, test and bench.
#   make            build bin/sealed and bin/seal
#   make deps       install missing Debian packages (idempotent)
#   make certs      demo certificates (CN=, KEY=ec|rsa4096, DAYS=)
#   make run        deps, build, certs, demo user and media, start the server
#   make cluster    the same as NODES (3) nodes sharing data/ behind HAProxy
#   make test       deps, builds, unit + integration tests, again under ASan+UBSan and
#                   (those that can differ with the library) with Debian's wolfSSL;
#                   the fuzz harnesses over their corpora; make lint (tests/run.sh)
#   make fuzz       the libFuzzer harnesses, FUZZ_SECONDS each (default 60; FUZZ=names)
#   make lint       cppcheck and clang-tidy (clang-analyzer-*) over the C sources,
#                   and tools/check-layout.sh (names and includes of client/, load/)
#   make bench      benchmarks (never part of make test)
#   make install    PREFIX=/usr/local DESTDIR=: programs, man pages, config, unit
#   make deb        the Debian package in build/deb/ (make test-package tries it here)
# BUILD=dir and SAN=address,undefined build an instrumented copy elsewhere.

CC       ?= cc
BUILD    ?= build
SAN      ?=
# wolfSSL: tuned = Debian's wolfssl source built by tools/wolfssl.sh with
# AES-NI, x86-64 assembly and SP math (static, build/wolfssl); system =
# Debian's libwolfssl. Objects record the flavour: switching rebuilds them.
WOLFSSL  ?= tuned
Q        := $(if $(V),,@)

CPPFLAGS += -Icommon -D_GNU_SOURCE
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-truncation -pthread
DEPFLAGS  = -MMD -MP
ifneq ($(SAN),)
CFLAGS   += -fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SAN)
endif

BINDIR   := $(if $(filter build,$(BUILD)),bin,$(BUILD)/bin)
WOLFSSL_DIR := build/wolfssl
ifeq ($(WOLFSSL),tuned)
CPPFLAGS := -I$(WOLFSSL_DIR)/include $(CPPFLAGS)
TLS_LIBS := $(WOLFSSL_DIR)/lib/libwolfssl.a -lm -pthread
else ifeq ($(WOLFSSL),system)
TLS_LIBS := -lwolfssl
else
$(error WOLFSSL must be tuned or system, not '$(WOLFSSL)')
endif

# One folder, one set of objects, each from its folder's wildcard. The
# client's folders depend one way only; each folder's objects are compiled
# with the include paths of the folders it may use and no others, so an
# include against the grain does not compile:
#   client/proto         protocol logic, no sockets, no curses: common/
#   client/net           sockets, TLS, certificates: proto/
#   client/audio         the sound card (ALSA) and the player thread: proto/
#   client/tui           the screen: net/, audio/, proto/
#   client/tui/modules   the SMTP, POP3 and RTSP screens: tui/, net/, audio/, proto/
#   client/              seal's main and batch mode: all of the above
#   load/                seal-load: client/net, client/proto
# client/proto and client/net make libsealclient.a, which seal, seal-load,
# the unit tests (and, built by clang, the fuzz harnesses) link. Only seal
# and the unit tests link client/audio and ALSA (-lasound); seal-load never.
# The version of all three programs: the VERSION file (common/version.c).
VERSION      := $(shell cat VERSION 2>/dev/null || echo unknown)

COMMON_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(wildcard common/*.c))
SERVER_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(wildcard server/*.c))
PROTO_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(wildcard client/proto/*.c))
NET_OBJS     := $(patsubst %.c,$(BUILD)/%.o,$(wildcard client/net/*.c))
AUDIO_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(wildcard client/audio/*.c))
TUI_OBJS     := $(patsubst %.c,$(BUILD)/%.o,$(wildcard client/tui/*.c))
MODULES_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard client/tui/modules/*.c))
SEAL_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(wildcard client/*.c))
LOAD_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(wildcard load/*.c))
UNIT_OBJS    := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/*.c))
CLIENT_OBJS  := $(PROTO_OBJS) $(NET_OBJS) $(AUDIO_OBJS) $(TUI_OBJS) $(MODULES_OBJS) $(SEAL_OBJS)
SERVER_LIB   := $(filter-out $(BUILD)/server/main.o,$(SERVER_OBJS))
CLIENT_A     := $(BUILD)/lib/libsealclient.a

INC_PROTO    := -Iclient/proto
INC_NET      := $(INC_PROTO) -Iclient/net
INC_AUDIO    := $(INC_PROTO) -Iclient/audio
INC_TUI      := $(INC_NET) -Iclient/audio -Iclient/tui
INC_MODULES  := $(INC_TUI) -Iclient/tui/modules
INC_SEAL     := $(INC_MODULES) -Iclient
INC_LOAD     := $(INC_NET) -Iload
INC_ALL      := -Iserver $(INC_SEAL) -Iload

.PHONY: all deps certs run cluster test unit integration tsan bench clean distclean walkthrough fuzz lint
all: $(BINDIR)/sealed $(BINDIR)/seal $(BINDIR)/seal-load

$(PROTO_OBJS):   CPPFLAGS += $(INC_PROTO)
$(NET_OBJS):     CPPFLAGS += $(INC_NET)
$(AUDIO_OBJS):   CPPFLAGS += $(INC_AUDIO)
$(TUI_OBJS):     CPPFLAGS += $(INC_TUI)
$(MODULES_OBJS): CPPFLAGS += $(INC_MODULES)
$(SEAL_OBJS):    CPPFLAGS += $(INC_SEAL)
$(LOAD_OBJS):    CPPFLAGS += $(INC_LOAD)
$(UNIT_OBJS):    CPPFLAGS += -Iserver $(INC_SEAL)
$(BUILD)/common/version.o: CPPFLAGS += -DSEALED_VERSION='"$(VERSION)"' \
	-DSEALED_WOLFSSL_TUNED=$(if $(filter tuned,$(WOLFSSL)),1,0)
$(BUILD)/common/version.o: VERSION

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(CLIENT_A): $(PROTO_OBJS) $(NET_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BINDIR)/sealed: $(COMMON_OBJS) $(SERVER_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) -lcrypt

$(BINDIR)/seal: $(SEAL_OBJS) $(TUI_OBJS) $(MODULES_OBJS) $(AUDIO_OBJS) $(CLIENT_A) $(COMMON_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) -lncursesw -lasound

$(BINDIR)/unit-tests: $(UNIT_OBJS) $(SERVER_LIB) $(filter-out $(BUILD)/client/main.o,$(SEAL_OBJS)) \
                      $(TUI_OBJS) $(MODULES_OBJS) $(AUDIO_OBJS) $(CLIENT_A) $(COMMON_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) -lcrypt -lncursesw -lasound

deps:
	$(Q)sh tools/deps.sh
ifeq ($(WOLFSSL),tuned)
	$(Q)sh tools/wolfssl.sh
endif

# Every object depends on a stamp naming the wolfSSL flavour (and the tuned
# build's version and configure line): it changes only when they do.
WOLFSSL_STAMP := $(BUILD)/.wolfssl-flavour
$(COMMON_OBJS) $(SERVER_OBJS) $(CLIENT_OBJS) $(LOAD_OBJS) $(UNIT_OBJS): $(WOLFSSL_STAMP)
$(WOLFSSL_STAMP): $(if $(filter tuned,$(WOLFSSL)),$(WOLFSSL_DIR)/lib/libwolfssl.a) FORCE
	@mkdir -p $(@D)
	@{ echo "WOLFSSL=$(WOLFSSL)"; $(if $(filter tuned,$(WOLFSSL)),cat $(WOLFSSL_DIR)/.stamp;) } >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
$(WOLFSSL_DIR)/lib/libwolfssl.a:
	$(Q)sh tools/wolfssl.sh
FORCE:

CN   ?= localhost
KEY  ?= ec
DAYS ?= 365
certs:
	$(Q)sh certs/mkcerts.sh "$(CN)" "$(KEY)" "$(DAYS)"

run: deps all certs
	$(Q)sh tools/run.sh

# NODES sealed nodes on 127.0.0.11.. sharing data/, behind HAProxy on the
# usual ports (deploy/haproxy/haproxy.cfg); see tools/cluster.sh.
NODES ?= 3
cluster: deps all certs
	$(Q)NODES=$(NODES) sh tools/cluster.sh

# The test suite, all of it in tests/run.sh: make deps and the builds (both
# cores), then three lanes at once: the unit and integration tests against
# bin/, then those that can differ with the library against Debian's wolfSSL;
# both suites against an ASan+UBSan build; at the lowest priority the other
# builds, the fuzz harnesses over their corpora and make lint. One global
# deadline (SEALED_TEST_DEADLINE seconds, default 80 minutes, counted from
# here); the summary always ends with 'N passed, N failed, N skipped'.
test:
	$(Q)sh tests/run.sh

unit: $(BINDIR)/unit-tests
	$(Q)$(BINDIR)/unit-tests

integration: all
	$(Q)python3 tests/integration/run.py --bin $(BINDIR)

# libFuzzer harnesses (tests/fuzz/: clang, ASan+UBSan, built in build/fuzz by
# tests/fuzz/fuzz.mk): each fuzzes FUZZ_SECONDS from its seed corpus; what
# they find goes to build/fuzz/found, crashes to build/fuzz/crashes.
FUZZ_SECONDS ?= 60
fuzz: deps
	$(Q)$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk
	$(Q)sh tests/fuzz/run.sh fuzz build/fuzz/bin $(FUZZ_SECONDS) $(FUZZ)

# ThreadSanitizer: the server under the concurrency tests (not part of make test:
# it is slow; run it after changing anything that threads share).
tsan: deps
	$(Q)$(MAKE) --no-print-directory BUILD=build/tsan SAN=thread all
	$(Q)TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	    python3 tests/integration/run.py --bin build/tsan/bin -k "$(or $(K),concurrent)"

# Static analysis, a stage of make test: cppcheck (warning, performance,
# portability) and clang-tidy's clang-analyzer-* checks (less the Annex K
# "use memcpy_s" advice) over common/ server/ client/ load/, one test per tool,
# and tools/check-layout.sh (file prefixes of client/ and load/ symbols, the
# include direction of the client's folders, every header in one unit) on
# the objects; the last line is 'lint: N passed, N failed, 0 skipped'. Findings in
# $(BUILD)/lint/.
LINT_SRCS := $(wildcard common/*.c server/*.c client/*.c client/*/*.c client/*/*/*.c load/*.c)
LINT_TIDY := -*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling
lint: deps $(if $(filter tuned,$(WOLFSSL)),$(WOLFSSL_DIR)/lib/libwolfssl.a) $(CLIENT_OBJS) $(LOAD_OBJS)
	$(Q)mkdir -p $(BUILD)/lint; pass=0; fail=0; \
	if cppcheck --quiet --enable=warning,performance,portability --std=c11 --inline-suppr \
	    --error-exitcode=1 -j2 -D_GNU_SOURCE -Icommon $(INC_ALL) $(LINT_SRCS) \
	    >$(BUILD)/lint/cppcheck.txt 2>&1; \
	then pass=$$((pass + 1)); echo "ok - cppcheck"; \
	else fail=$$((fail + 1)); cat $(BUILD)/lint/cppcheck.txt; echo "FAIL - cppcheck"; fi; \
	printf '%s\n' $(LINT_SRCS) | xargs -P "$$(nproc)" -I{} clang-tidy --quiet \
	    -checks='$(LINT_TIDY)' {} -- -std=c11 $(CPPFLAGS) $(INC_ALL) \
	    >$(BUILD)/lint/clang-tidy.txt 2>/dev/null; \
	if grep -q 'warning:\|error:' $(BUILD)/lint/clang-tidy.txt; \
	then fail=$$((fail + 1)); grep 'warning:\|error:' $(BUILD)/lint/clang-tidy.txt; \
	    echo "FAIL - clang-tidy (clang-analyzer-*)"; \
	else pass=$$((pass + 1)); echo "ok - clang-tidy (clang-analyzer-*)"; fi; \
	if CC="$(CC)" CPPFLAGS="$(CPPFLAGS)" sh tools/check-layout.sh $(BUILD) \
	    >$(BUILD)/lint/layout.txt 2>&1; \
	then pass=$$((pass + 1)); echo "ok - layout (tools/check-layout.sh)"; \
	else fail=$$((fail + 1)); cat $(BUILD)/lint/layout.txt; echo "FAIL - layout (tools/check-layout.sh)"; fi; \
	echo "lint: $$pass passed, $$fail failed, 0 skipped"; [ $$fail -eq 0 ]

bench: deps all
	$(Q)sh tools/deps.sh --bench && python3 tests/bench/bench.py --bin $(BINDIR)

# The grading walkthrough (tools/walkthrough/): every requirement of the lab,
# live, on its own servers; writes walkthrough-report.md and exits 0 only if
# every step passed. STEP=N runs one step, PAUSE=1 waits for Enter between
# steps, CERT=FILE KEY=FILE show that server certificate instead of make certs'.
walkthrough: deps all $(if $(CERT),,certs)
	$(Q)python3 tools/walkthrough/walkthrough.py --bin $(BINDIR) \
	    $(if $(STEP),--step $(STEP)) $(if $(filter-out 0 no,$(PAUSE)),--pause) \
	    $(if $(CERT),--cert $(CERT) --key $(if $(filter ec rsa4096,$(KEY)),$(error CERT= needs KEY=FILE, the certificate's key),$(KEY)))

# The grader (tools/grade/): a student's server against the handout, or a
# whole class. TARGET=URL [CAFILE=F] [USER=NAME PASSWORD_FILE=F]
# [CLIENT_CERT=F CLIENT_KEY=F] [SEND='LINE' EXPECT='REGEX'] [CHECKS=1,3]
# [CLIENTS=N] [MIN_RSA=BITS], or ROSTER=FILE [JOBS=N] [OUT=DIR] with the same
# options for everyone. USER counts only when given on make's command line
# (the environment has its own).
.PHONY: grade
grade: deps all
	$(Q)python3 tools/grade/grade.py --bin $(BINDIR) \
	    $(if $(ROSTER),--roster $(ROSTER) $(if $(JOBS),--jobs $(JOBS)) $(if $(OUT),--out $(OUT)),$(TARGET)) \
	    $(if $(CAFILE),--cafile $(CAFILE)) \
	    $(if $(filter command line,$(origin USER)),--user $(USER)) \
	    $(if $(PASSWORD_FILE),--password-file $(PASSWORD_FILE)) \
	    $(if $(CLIENT_CERT),--client-cert $(CLIENT_CERT) --client-key $(CLIENT_KEY)) \
	    $(if $(SEND),--send '$(SEND)' --expect '$(EXPECT)') \
	    $(if $(CHECKS),--checks $(CHECKS)) $(if $(CLIENTS),--clients $(CLIENTS)) \
	    $(if $(MIN_RSA),--min-rsa $(MIN_RSA))

# clean keeps the tuned wolfSSL (build/wolfssl*, build/apt: a minute to
# remake); distclean removes it too.
clean:
	rm -rf bin $(filter-out build/wolfssl build/wolfssl-src build/apt,$(wildcard build/*))

distclean:
	rm -rf build bin

# make install [PREFIX=/usr/local] [DESTDIR=]: sbin/sealed, bin/seal,
# bin/seal-load, the man pages, $(SYSCONFDIR)/sealed/sealed.conf (never
# over an existing one), the systemd unit, the logrotate snippet
# (tools/install.sh). The installed sealed reads that config file when
# --config is not given: it is linked with its own config_default.o;
# $(BINDIR)/sealed reads no file unless told (CONTRACT.md's defaults).
PREFIX        ?= /usr/local
SYSCONFDIR    ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
LOCALSTATEDIR ?= /var
UNITDIR       ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)
INSTALL_BUILD := $(BUILD)/install
INSTALL_PATHS := $(INSTALL_BUILD)/.paths

.PHONY: install deb test-package
install: all $(INSTALL_BUILD)/sealed
	$(Q)DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" SYSCONFDIR="$(SYSCONFDIR)" \
	    LOCALSTATEDIR="$(LOCALSTATEDIR)" UNITDIR="$(UNITDIR)" \
	    sh tools/install.sh $(INSTALL_BUILD)/sealed $(BINDIR)

$(INSTALL_BUILD)/sealed: $(COMMON_OBJS) $(filter-out $(BUILD)/server/config_default.o,$(SERVER_OBJS)) \
                         $(INSTALL_BUILD)/config_default.o
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) -lcrypt
$(INSTALL_BUILD)/config_default.o: server/config_default.c $(INSTALL_PATHS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -DSEALED_CONFIG_FILE='"$(SYSCONFDIR)/sealed/sealed.conf"' \
	    $(CFLAGS) $(DEPFLAGS) -c -o $@ $<
$(INSTALL_PATHS): FORCE
	@mkdir -p $(@D)
	@echo "SYSCONFDIR=$(SYSCONFDIR)" >$@.tmp; \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
-include $(INSTALL_BUILD)/config_default.d

# make deb: the Debian package (debian/) in build/deb/, by dpkg-buildpackage
# -b -us -uc in a copy of the tree (tools/mkdeb.sh), then lintian. Like the
# default build it links the tuned wolfSSL statically: that is built first,
# here, because tools/wolfssl.sh fetches Debian's source with apt-get, which
# dpkg-buildpackage must not need. make test-package installs the package on
# this machine, serves a message through it and purges it (not in make test).
deb:
	$(Q)sh tools/deps.sh --package
	$(Q)sh tools/wolfssl.sh
	$(Q)sh tools/mkdeb.sh

test-package: deb
	$(Q)python3 tests/package/test_package.py --deb-dir build/deb

# seal-load, the load generator: load/*.c with seal's URL parser and its
# RTSP client logic from libsealclient.a (no I/O in those: seal-load drives
# them itself).
$(BINDIR)/seal-load: $(LOAD_OBJS) $(CLIENT_A) $(COMMON_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS)

-include $(COMMON_OBJS:.o=.d) $(SERVER_OBJS:.o=.d) $(CLIENT_OBJS:.o=.d) $(LOAD_OBJS:.o=.d) \
         $(UNIT_OBJS:.o=.d)
