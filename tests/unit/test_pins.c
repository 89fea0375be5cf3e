/* test_pins.c: the known_servers pin file: line parsing, fingerprint
 * comparison, where the file lives, first use, match, mismatch, replacing
 * a pin atomically with the file's other lines kept, and the modes. */
#include "unit.h"
#include "pins.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define FP_A "E0:29:28:E1:74:89:30:AE:D0:1E:C5:64:F5:45:33:E8:CC:96:DC:BD:FB:9B:0E:BB:B2:17:A6:2D:45:54:11:E2"
#define FP_B "AA:29:28:E1:74:89:30:AE:D0:1E:C5:64:F5:45:33:E8:CC:96:DC:BD:FB:9B:0E:BB:B2:17:A6:2D:45:54:11:E2"

/* The whole of PATH into BUF. */
static const char *
slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		unit_fail(__FILE__, __LINE__, path);
		return;
	}
	fputs(text, f);
	fclose(f);
}

UNIT_TEST(pins_parse_lines)
{
	struct pin_line pl;

	CHECK_INT(pins_parse_line("localhost:8465 " FP_A "\n", &pl), 1);
	CHECK_STR(pl.server, "localhost:8465");
	CHECK_STR(pl.fingerprint, FP_A);
	CHECK_INT(pins_parse_line("  [::1]:8465\tSHA256:" FP_B "  \n", &pl), 1);
	CHECK_STR(pl.server, "[::1]:8465");
	CHECK_INT(pins_parse_line("", &pl), 0);
	CHECK_INT(pins_parse_line("   \n", &pl), 0);
	CHECK_INT(pins_parse_line("# a comment", &pl), 0);
	CHECK_INT(pins_parse_line("localhost:8465", &pl), -1);           /* no fingerprint */
	CHECK_INT(pins_parse_line("localhost " FP_A, &pl), -1);          /* no port */
	CHECK_INT(pins_parse_line("localhost:1 ZZ:YY", &pl), -1);        /* not hex */
	CHECK_INT(pins_parse_line("localhost:1 " FP_A " extra", &pl), -1);
}

UNIT_TEST(pins_fingerprints_compare_loosely)
{
	CHECK(pins_same_fingerprint(FP_A, FP_A));
	CHECK(pins_same_fingerprint("sha256:e0:29", "E029"));
	CHECK(!pins_same_fingerprint(FP_A, FP_B));
	CHECK(!pins_same_fingerprint("E0:29", "E0:29:00"));
}

UNIT_TEST(pins_default_path_honours_xdg_then_home)
{
	char buf[PINS_PATH_MAX], err[PINS_ERR_MAX];
	const char *old_xdg = getenv("XDG_CONFIG_HOME"), *old_home = getenv("HOME");
	char *sx = old_xdg ? strdup(old_xdg) : NULL, *sh = old_home ? strdup(old_home) : NULL;

	setenv("XDG_CONFIG_HOME", "/x/conf", 1);
	CHECK_INT(pins_default_path(buf, sizeof buf, err, sizeof err), 0);
	CHECK_STR(buf, "/x/conf/seal/known_servers");
	setenv("XDG_CONFIG_HOME", "relative", 1);            /* ignored: not absolute */
	setenv("HOME", "/home/u", 1);
	CHECK_INT(pins_default_path(buf, sizeof buf, err, sizeof err), 0);
	CHECK_STR(buf, "/home/u/.config/seal/known_servers");
	if (sx) setenv("XDG_CONFIG_HOME", sx, 1); else unsetenv("XDG_CONFIG_HOME");
	if (sh) setenv("HOME", sh, 1); else unsetenv("HOME");
	free(sx);
	free(sh);
}

UNIT_TEST(pins_first_use_stores_with_private_modes)
{
	char path[PINS_PATH_MAX], dir[PINS_PATH_MAX], old[CERTINFO_TEXT], err[PINS_ERR_MAX];
	char text[1024];
	struct stat st;

	snprintf(dir, sizeof dir, "%s/conf/seal", unit_tmpdir());
	snprintf(path, sizeof path, "%s/known_servers", dir);
	CHECK_INT(pins_check(path, "localhost:8465", FP_A, old, sizeof old, err, sizeof err), PIN_NEW);
	CHECK_INT(pins_store(path, "localhost:8465", FP_A, err, sizeof err), 0);
	CHECK_STR(slurp(path, text, sizeof text), "localhost:8465 " FP_A "\n");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
	CHECK_INT(pins_check(path, "localhost:8465", FP_A, old, sizeof old, err, sizeof err),
	          PIN_MATCH);
	CHECK_INT(pins_check(path, "localhost:9999", FP_A, old, sizeof old, err, sizeof err), PIN_NEW);
}

UNIT_TEST(pins_mismatch_reports_the_pinned_fingerprint)
{
	char path[PINS_PATH_MAX], old[CERTINFO_TEXT], err[PINS_ERR_MAX];

	snprintf(path, sizeof path, "%s/known_servers", unit_tmpdir());
	write_file(path, "# mine\nlocalhost:8465 " FP_B "\n");
	CHECK_INT(pins_check(path, "localhost:8465", FP_A, old, sizeof old, err, sizeof err),
	          PIN_MISMATCH);
	CHECK_STR(old, FP_B);
}

UNIT_TEST(pins_replace_keeps_other_lines_and_leaves_no_temp)
{
	char path[PINS_PATH_MAX], tmp[PINS_PATH_MAX + 32], err[PINS_ERR_MAX], text[2048];
	struct stat st;

	snprintf(path, sizeof path, "%s/known_servers", unit_tmpdir());
	write_file(path, "# comment\nother:1 " FP_A "\nlocalhost:8465 " FP_B "\nbroken line\n"
	           "localhost:8465 " FP_B "\nlast:2 " FP_B);
	CHECK_INT(pins_store(path, "localhost:8465", FP_A, err, sizeof err), 0);
	CHECK_STR(slurp(path, text, sizeof text), "# comment\nother:1 " FP_A "\nlocalhost:8465 "
	          FP_A "\nbroken line\nlast:2 " FP_B "\n");
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	CHECK(stat(tmp, &st) == -1);
	CHECK_INT(pins_store(path, "bad host", FP_A, err, sizeof err), -1);
	CHECK_INT(pins_store(path, "h:1", "not-hex", err, sizeof err), -1);
}

UNIT_TEST(pins_unreadable_file_is_an_error)
{
	char path[PINS_PATH_MAX], old[CERTINFO_TEXT], err[PINS_ERR_MAX];

	snprintf(path, sizeof path, "%s", unit_tmpdir());        /* a directory */
	CHECK_INT(pins_check(path, "h:1", FP_A, old, sizeof old, err, sizeof err), PIN_ERROR);
	CHECK(strstr(err, "cannot read") != NULL);
}
