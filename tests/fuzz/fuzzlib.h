/*
 * fuzzlib.h: small helpers the harnesses share: a NUL-terminated copy of
 * the input (parsers of text take C strings), a check that aborts with a
 * message (so that libFuzzer keeps the input as a crash), and the input
 * written to a temporary file for the parsers that read files. One thread.
 */
#ifndef SEALED_FUZZLIB_H
#define SEALED_FUZZLIB_H

#include <stddef.h>
#include <stdint.h>

/* A malloc'd copy of DATA with a NUL after SIZE bytes (free it). */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* Aborts with WHAT on stderr when COND is false: a broken invariant is a
 * bug just as a crash is. */
#define FUZZ_CHECK(cond, what)                                                 \
	do { if (!(cond)) fuzz_fail(__FILE__, __LINE__, (what)); } while (0)
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* 1 when SHOWN, the log form of a line whose secret starts at offset AT,
 * ends with MASK and keeps at most the AT bytes before the secret: so no
 * byte of the secret is in it. */
int fuzz_masked(const char *shown, size_t at, const char *mask);

/* The path of a scratch directory for this process (made on first use,
 * removed at exit), under /dev/shm when it exists. */
const char *fuzz_tmpdir(void);

/* Writes DATA to PATH (replacing it). Aborts when it cannot. */
void fuzz_write_file(const char *path, const void *data, size_t size);

/* Removes PATH, a file or a whole tree, if it exists. Aborts when it cannot. */
void fuzz_rm_tree(const char *path);

#endif
