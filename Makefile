# sealed: one entry point for build, deps, certs, run, test and bench.
#   make            build bin/sealed and bin/seal
#   make deps       install missing Debian packages (idempotent)
#   make certs      demo certificates (CN=, KEY=ec|rsa4096, DAYS=)
#   make run        deps, build, certs, demo user and media, start the server
#   make test       deps, build, unit + integration tests, again with Debian's wolfSSL,
#                   and again under ASan+UBSan; the fuzz harnesses over their corpora
#   make fuzz       the libFuzzer harnesses, FUZZ_SECONDS each (default 60; FUZZ=names)
#   make lint       cppcheck and clang-tidy (clang-analyzer-*) over the C sources,
#                   and tools/check-layout.sh (names and includes of client/, load/)
#   make bench      benchmarks (never part of make test)
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

.PHONY: all deps certs run test unit integration tsan bench clean distclean walkthrough fuzz lint
all: $(BINDIR)/sealed $(BINDIR)/seal $(BINDIR)/seal-load

$(PROTO_OBJS):   CPPFLAGS += $(INC_PROTO)
$(NET_OBJS):     CPPFLAGS += $(INC_NET)
$(AUDIO_OBJS):   CPPFLAGS += $(INC_AUDIO)
$(TUI_OBJS):     CPPFLAGS += $(INC_TUI)
$(MODULES_OBJS): CPPFLAGS += $(INC_MODULES)
$(SEAL_OBJS):    CPPFLAGS += $(INC_SEAL)
$(LOAD_OBJS):    CPPFLAGS += $(INC_LOAD)
$(UNIT_OBJS):    CPPFLAGS += -Iserver $(INC_SEAL)

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

# The test suite: unit tests and integration tests, then both again with an
# ASan+UBSan build, then the fuzz harnesses over their corpora (a few seconds
# each; a fuzz build that fails leaves no binaries, which counts as a failed
# stage); the last line sums them as 'N passed, N failed'.
test: deps
	$(Q)$(MAKE) --no-print-directory all $(BINDIR)/unit-tests
	$(Q)$(MAKE) --no-print-directory BUILD=build/san SAN=address,undefined all build/san/bin/unit-tests
	$(Q)$(MAKE) --no-print-directory BUILD=build/system WOLFSSL=system all build/system/bin/unit-tests
	$(Q)$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk || rm -rf build/fuzz/bin
	$(Q)sh tests/run.sh bin build/san/bin build/system/bin build/fuzz/bin

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
# the objects; the last line is 'lint: N passed, N failed'. Findings in
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
	echo "lint: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

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

# clean keeps the tuned wolfSSL (build/wolfssl*, build/apt: a minute to
# remake); distclean removes it too.
clean:
	rm -rf bin $(filter-out build/wolfssl build/wolfssl-src build/apt,$(wildcard build/*))

distclean:
	rm -rf build bin

# seal-load, the load generator: load/*.c with seal's URL parser and its
# RTSP client logic from libsealclient.a (no I/O in those: seal-load drives
# them itself).
$(BINDIR)/seal-load: $(LOAD_OBJS) $(CLIENT_A) $(COMMON_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS)

-include $(COMMON_OBJS:.o=.d) $(SERVER_OBJS:.o=.d) $(CLIENT_OBJS:.o=.d) $(LOAD_OBJS:.o=.d) \
         $(UNIT_OBJS:.o=.d)
