# sealed: one entry point for build, deps, certs, run, test and bench.
#   make            build bin/sealed and bin/seal
#   make deps       install missing Debian packages (idempotent)
#   make certs      demo certificates (CN=, KEY=ec|rsa4096, DAYS=)
#   make run        deps, build, certs, demo user and media, start the server
#   make test       deps, build, unit + integration tests, then again under ASan+UBSan
#   make bench      benchmarks (never part of make test)
# BUILD=dir and SAN=address,undefined build an instrumented copy elsewhere.

CC       ?= cc
BUILD    ?= build
SAN      ?=
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
TLS_LIBS := -lwolfssl

COMMON_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard common/*.c))
SERVER_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(wildcard server/*.c))
CLIENT_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter-out client/load%.c,$(wildcard client/*.c)))
UNIT_OBJS   := $(patsubst %.c,$(BUILD)/%.o,$(wildcard tests/unit/*.c))
SERVER_LIB  := $(filter-out $(BUILD)/server/main.o,$(SERVER_OBJS))
CLIENT_LIB  := $(filter-out $(BUILD)/client/main.o,$(CLIENT_OBJS))

.PHONY: all deps certs run test unit integration sanitize bench clean
all: $(BINDIR)/sealed $(BINDIR)/seal

$(UNIT_OBJS): CPPFLAGS += -Iserver -Iclient

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BINDIR)/sealed: $(COMMON_OBJS) $(SERVER_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) -lcrypt

$(BINDIR)/seal: $(COMMON_OBJS) $(CLIENT_OBJS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS)

$(BINDIR)/unit-tests: $(UNIT_OBJS) $(COMMON_OBJS) $(SERVER_LIB) $(CLIENT_LIB)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(TLS_LIBS) -lcrypt

deps:
	$(Q)sh tools/deps.sh

CN   ?= localhost
KEY  ?= ec
DAYS ?= 365
certs:
	$(Q)sh certs/mkcerts.sh "$(CN)" "$(KEY)" "$(DAYS)"

run: deps all certs
	$(Q)sh tools/run.sh

# The test suite: unit tests and integration tests, then both again with an
# ASan+UBSan build; the last line sums them as 'N passed, N failed'.
test: deps
	$(Q)$(MAKE) --no-print-directory all $(BINDIR)/unit-tests
	$(Q)$(MAKE) --no-print-directory BUILD=build/san SAN=address,undefined all build/san/bin/unit-tests
	$(Q)sh tests/run.sh bin build/san/bin

unit: $(BINDIR)/unit-tests
	$(Q)$(BINDIR)/unit-tests

integration: all
	$(Q)python3 tests/integration/run.py --bin $(BINDIR)

bench: deps all
	$(Q)python3 tests/bench/bench.py --bin $(BINDIR)

clean:
	rm -rf build bin

-include $(COMMON_OBJS:.o=.d) $(SERVER_OBJS:.o=.d) $(CLIENT_OBJS:.o=.d) $(UNIT_OBJS:.o=.d)
