/*
 * unit.h: the unit test harness. A test is
 *     UNIT_TEST(linebuf_splits_crlf) { CHECK(x == 1); CHECK_STR(a, "b"); }
 * in any C file of tests/unit; it registers itself at start-up, and the runner
 * (main.c) runs every test, prints TAP and ends with
 * 'unit: N passed, N failed, N skipped'. A test that cannot run here calls
 * unit_skip("why") and returns: TAP's 'ok N - name # SKIP why', counted
 * skipped.
 */
#ifndef SEALED_UNIT_H
#define SEALED_UNIT_H

#include <stdio.h>
#include <string.h>

#define UNIT_WHY_MAX 200       /* the longest reason a skip keeps */

typedef void (*unit_fn)(void);
void unit_register(const char *name, const char *file, unit_fn fn);
void unit_fail(const char *file, int line, const char *what);
void unit_skip(const char *why);

#define UNIT_TEST(name)                                                        \
	static void unit_##name(void);                                         \
	__attribute__((constructor)) static void unit_reg_##name(void)         \
	{ unit_register(#name, __FILE__, unit_##name); }                       \
	static void unit_##name(void)

#define CHECK(cond)                                                            \
	do { if (!(cond)) unit_fail(__FILE__, __LINE__, #cond); } while (0)

#define CHECK_STR(got, want)                                                   \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		if (g_ == NULL || strcmp(g_, w_) != 0) {                       \
			char m_[512];                                          \
			snprintf(m_, sizeof m_, "%s: got \"%.200s\", want \"%.200s\"", \
			         #got, g_ ? g_ : "(null)", w_);                \
			unit_fail(__FILE__, __LINE__, m_);                     \
		}                                                              \
	} while (0)

#define CHECK_INT(got, want)                                                   \
	do {                                                                   \
		long long g_ = (long long)(got), w_ = (long long)(want);       \
		if (g_ != w_) {                                                \
			char m_[256];                                          \
			snprintf(m_, sizeof m_, "%s: got %lld, want %lld",     \
			         #got, g_, w_);                                \
			unit_fail(__FILE__, __LINE__, m_);                     \
		}                                                              \
	} while (0)

/* A fresh empty directory for a test (removed by the runner at exit). */
const char *unit_tmpdir(void);

#endif
