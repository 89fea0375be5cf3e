# tests/fuzz/fuzz.mk: the libFuzzer harnesses (tests/fuzz/fuzz_NAME.c), built
# with clang, -fsanitize=fuzzer,address,undefined, into their own directory
# (FUZZ_BUILD, default build/fuzz) so that gcc builds are never disturbed.
# Linked against Debian's libwolfssl (the tuned static one is gcc-built and
# not needed here). Run from the top of the tree:
#   make -f tests/fuzz/fuzz.mk            every build/fuzz/bin/fuzz_NAME
# `make fuzz` and `make test` call it; tests/fuzz/run.sh runs the binaries.

FUZZ_CC    ?= clang
FUZZ_BUILD ?= build/fuzz
FUZZ_SAN   ?= address,undefined
Q          := $(if $(V),,@)

FUZZ_OBJ   := $(FUZZ_BUILD)/obj
FUZZ_BIN   := $(FUZZ_BUILD)/bin
FUZZ_LIB   := $(FUZZ_BUILD)/libsealed-fuzz.a

FUZZ_CPPFLAGS := -Icommon -Iserver -Iclient/proto -Iclient/net -Iclient -Itests/fuzz -D_GNU_SOURCE \
                 -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
FUZZ_CFLAGS   := -std=c11 -g -O1 -fno-omit-frame-pointer -pthread \
                 -fsanitize=$(FUZZ_SAN) -fno-sanitize-recover=all -Wall -Wextra
FUZZ_LDFLAGS  := -fsanitize=fuzzer,$(FUZZ_SAN) -pthread
FUZZ_LIBS     := -lwolfssl -lcrypt -lm
DEPFLAGS      := -MMD -MP

# The code under test: every parser of bytes someone else sends, and what
# the session harnesses run. The server's files are listed (not wildcards)
# so that work in progress elsewhere in server/ never breaks this build; of
# the client, what libsealclient.a holds (client/proto, client/net: see the
# Makefile) and the batch dialogue.
FUZZ_SERVER := auth conn_serve conn_state conn_text log redact smtp smtp_auth smtp_data smtp_parse pop3 \
               pop3_auth pop3_cmd pop3_stream pop3_parse pop3_text pop3_maildrop maildrop_lock maildir \
               rtsp rtsp_auth rtsp_methods rtsp_parse rtsp_reply rtsp_stream media_wav \
               sdp throttle iplimit userfile passhash proxy_proto cidr
FUZZ_CLIENT := $(wildcard client/proto/*.c client/net/*.c) client/batch.c
FUZZ_SRCS   := $(wildcard common/*.c) $(FUZZ_SERVER:%=server/%.c) $(FUZZ_CLIENT)
FUZZ_OBJS   := $(FUZZ_SRCS:%.c=$(FUZZ_OBJ)/%.o)

# Helpers of every harness (fuzzlib.h); the fake connection and server of
# the session harnesses (fake_conn.h).
HELP_OBJS   := $(FUZZ_OBJ)/tests/fuzz/fuzzlib.o
FAKE_OBJS   := $(FUZZ_OBJ)/tests/fuzz/fake_conn.o $(FUZZ_OBJ)/tests/fuzz/fake_server.o
# seal's batch dialogue against a fuzzed server (client_dialogue.h).
DIAL_OBJS   := $(FUZZ_OBJ)/tests/fuzz/client_dialogue.o

FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_TARGETS := $(FUZZ_NAMES:%=$(FUZZ_BIN)/fuzz_%)
FUZZ_SESSION := $(filter %_session,$(FUZZ_NAMES))
FUZZ_REPLY   := $(filter %_reply,$(FUZZ_NAMES))

.PHONY: all
.SECONDARY:
all: $(FUZZ_TARGETS)

# Objects of the code under test: instrumented for coverage, no main().
# The logger is not (still under ASan+UBSan): every session line passes
# through it, and tracing its per-byte loops only slowed the fuzzers. The
# POP3 text conversion keeps its edge coverage but not the tracing of each
# byte compared: the POP3 session scans 70 KB of mail per login.
FUZZ_NOCOV := $(FUZZ_OBJ)/server/log.o
FUZZ_NOCMP := $(FUZZ_OBJ)/server/pop3_text.o
$(FUZZ_OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) \
	    $(if $(filter $@,$(FUZZ_NOCOV)),,-fsanitize=fuzzer-no-link) \
	    $(if $(filter $@,$(FUZZ_NOCMP)),-fno-sanitize-coverage=trace-cmp) $(DEPFLAGS) -c -o $@ $<

# The harnesses and fakes are ours: warnings are errors there.
$(FUZZ_OBJ)/tests/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(FUZZ_CFLAGS) -Werror -fsanitize=fuzzer-no-link \
	    $(DEPFLAGS) -c -o $@ $<

# A change of flags here rebuilds everything.
$(FUZZ_OBJS) $(HELP_OBJS) $(FAKE_OBJS) $(DIAL_OBJS): tests/fuzz/fuzz.mk

$(FUZZ_LIB): $(FUZZ_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_SESSION:%=$(FUZZ_BIN)/fuzz_%): $(FAKE_OBJS)
$(FUZZ_REPLY:%=$(FUZZ_BIN)/fuzz_%): $(DIAL_OBJS)

$(FUZZ_BIN)/fuzz_%: $(FUZZ_OBJ)/tests/fuzz/fuzz_%.o $(HELP_OBJS) $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $(filter %.o,$^) $(FUZZ_LIB) $(FUZZ_LIBS)

-include $(FUZZ_OBJS:.o=.d) $(HELP_OBJS:.o=.d) $(FAKE_OBJS:.o=.d) $(DIAL_OBJS:.o=.d) \
         $(FUZZ_NAMES:%=$(FUZZ_OBJ)/tests/fuzz/fuzz_%.d)
