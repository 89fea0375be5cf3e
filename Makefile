# sealed: one entry point for build, deps, certs, run, test and bench.
#   make            build bin/sealed and bin/seal
#   make deps       install missing Debian packages (idempotent)
#   make certs      demo certificates (CN=, KEY=ec|rsa4096, DAYS=)
#   make run        deps, build, certs, demo user and media, start the server
#   make test       deps, build, unit + integration tests, again with Debian's wolfSSL,
#                   and again under ASan+UBSan; the fuzz harnesses over their corpora
#   make fuzz       the libFuzzer harnesses, FUZZ_SECONDS each (default 60; FUZZ=names)
#   make lint       cppcheck and clang-tidy (clang-analyzer-*) over the C sources
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

# The version of all three programs: the VERSION file (common/version.c).
VERSION  := $(shell cat VERSION 2>/dev/null || echo unknown)

COMMON_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard common/*.c))
SERVER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard server/*.c))
CLIENT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out client/load%.c,$(wildcard client/*.c)))
UNIT_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/*.c))
LOAD_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(wildcard client/load*.c))
SERVER_LIB  := $(filter-out $(BUILD)/server/main.o,$(SERVER_OBJS))
CLIENT_LIB  := $(filter-out $(BUILD)/client/main.o,$(CLIENT_OBJS))

.PHONY: all deps certs run test unit integration tsan bench clean distclean walkthrough fuzz lint
all: $(BINDIR)/sealed $(BINDIR)/seal $(BINDIR)/seal-load

$(UNIT_OBJS): CPPFLAGS += -Iserver -Iclient
$(BUILD)/common/version.o: CPPFLAGS += -DSEALED_VERSION='"$(VERSION)"' \
	-DSEALED_WOLFSSL_TUNED=$(if $(filter tuned,$(WOLFSSL)),1,0)
$(BUILD)/common/version.o: VERSION

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BINDIR)/sealed: $(COMMON_OBJS) $(SERVER_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) -lcrypt

$(BINDIR)/seal: $(COMMON_OBJS) $(CLIENT_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) -lncursesw

$(BINDIR)/unit-tests: $(UNIT_OBJS) $(COMMON_OBJS) $(SERVER_LIB) $(CLIENT_LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) -lcrypt -lncursesw

deps:
	$(Q)sh tools/deps.sh
ifeq ($(WOLFSSL),tuned)
	$(Q)sh tools/wolfssl.sh
endif

# Every object depends on a stamp naming the wolfSSL flavour (and the tuned
# build's version and configure line): it changes only when they do.
WOLFSSL_STAMP := $(BUILD)/.wolfssl-flavour
$(COMMON_OBJS) $(SERVER_OBJS) $(CLIENT_OBJS) $(UNIT_OBJS): $(WOLFSSL_STAMP)
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
# "use memcpy_s" advice) over common/ server/ client/, one test per tool;
# the last line is 'lint: N passed, N failed'. Findings in $(BUILD)/lint/.
LINT_SRCS := $(wildcard common/*.c server/*.c client/*.c)
LINT_TIDY := -*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling
lint: deps $(if $(filter tuned,$(WOLFSSL)),$(WOLFSSL_DIR)/lib/libwolfssl.a)
	$(Q)mkdir -p $(BUILD)/lint; pass=0; fail=0; \
	if cppcheck --quiet --enable=warning,performance,portability --std=c11 --inline-suppr \
	    --error-exitcode=1 -j2 -D_GNU_SOURCE -Icommon -Iserver -Iclient $(LINT_SRCS) \
	    >$(BUILD)/lint/cppcheck.txt 2>&1; \
	then pass=$$((pass + 1)); echo "ok - cppcheck"; \
	else fail=$$((fail + 1)); cat $(BUILD)/lint/cppcheck.txt; echo "FAIL - cppcheck"; fi; \
	printf '%s\n' $(LINT_SRCS) | xargs -P "$$(nproc)" -I{} clang-tidy --quiet \
	    -checks='$(LINT_TIDY)' {} -- -std=c11 $(CPPFLAGS) -Iserver -Iclient \
	    >$(BUILD)/lint/clang-tidy.txt 2>/dev/null; \
	if grep -q 'warning:\|error:' $(BUILD)/lint/clang-tidy.txt; \
	then fail=$$((fail + 1)); grep 'warning:\|error:' $(BUILD)/lint/clang-tidy.txt; \
	    echo "FAIL - clang-tidy (clang-analyzer-*)"; \
	else pass=$$((pass + 1)); echo "ok - clang-tidy (clang-analyzer-*)"; fi; \
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

# seal-load, the load generator: client/load*.c with seal's URL parser and
# its RTSP client logic (no I/O in those: seal-load drives them itself).
$(BINDIR)/seal-load: $(COMMON_OBJS) $(LOAD_OBJS) $(BUILD)/client/options.o \
                     $(BUILD)/client/rtsp_client.o $(BUILD)/client/rtsp_rx.o \
                     $(BUILD)/client/rtsp_sdp.o $(BUILD)/client/text.o
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS)
$(LOAD_OBJS): $(WOLFSSL_STAMP)
-include $(LOAD_OBJS:.o=.d)

-include $(COMMON_OBJS:.o=.d) $(SERVER_OBJS:.o=.d) $(CLIENT_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
