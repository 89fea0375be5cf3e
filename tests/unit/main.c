/*
 * main.c: the unit test runner. Runs every UNIT_TEST (or those whose name
 * contains argv[1]), prints one TAP line each with the failed checks as
 * comments (a skipped test: '# SKIP why'), and ends with
 * 'unit: N passed, N failed, N skipped'. Exit 0 only if none failed.
 */
#include "unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define UNIT_MAX_TESTS 1024

struct unit_entry { const char *name, *file; unit_fn fn; };

static struct unit_entry unit_tests[UNIT_MAX_TESTS];
static int unit_count;
static int unit_current_failed;
static char unit_current_skip[UNIT_WHY_MAX];    /* why, when it skipped */
static char unit_dir[256];

void
unit_register(const char *name, const char *file, unit_fn fn)
{
	if (unit_count < UNIT_MAX_TESTS)
		unit_tests[unit_count++] = (struct unit_entry){ name, file, fn };
}

void
unit_fail(const char *file, int line, const char *what)
{
	printf("#   %s:%d: %s\n", file, line, what);
	unit_current_failed = 1;
}

void
unit_skip(const char *why)
{
	snprintf(unit_current_skip, sizeof unit_current_skip, "%s", why[0] ? why : "no reason");
}

const char *
unit_tmpdir(void)
{
	static int serial;
	char path[300];

	if (unit_dir[0] == '\0') {
		snprintf(unit_dir, sizeof unit_dir, "/tmp/sealed-unit.XXXXXX");
		if (mkdtemp(unit_dir) == NULL) {
			perror("mkdtemp");
			exit(1);
		}
	}
	static char out[300];
	snprintf(path, sizeof path, "%s/t%d", unit_dir, ++serial);
	if (mkdir(path, 0700) == -1) {
		perror("mkdir");
		exit(1);
	}
	snprintf(out, sizeof out, "%s", path);
	return out;
}

static void
unit_cleanup(void)
{
	char cmd[320];

	if (unit_dir[0] == '\0')
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", unit_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", unit_dir);
}

int
main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0, n = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < unit_count; i++)
		if (argc < 2 || strstr(unit_tests[i].name, argv[1]) != NULL)
			n++;
	printf("1..%d\n", n);
	n = 0;
	for (int i = 0; i < unit_count; i++) {
		if (argc >= 2 && strstr(unit_tests[i].name, argv[1]) == NULL)
			continue;
		unit_current_failed = 0;
		unit_current_skip[0] = '\0';
		unit_tests[i].fn();
		if (unit_current_failed) {
			printf("not ok %d - %s\n", ++n, unit_tests[i].name);
			failed++;
		} else if (unit_current_skip[0] != '\0') {
			printf("ok %d - %s # SKIP %s\n", ++n, unit_tests[i].name,
			       unit_current_skip);
			skipped++;
		} else {
			printf("ok %d - %s\n", ++n, unit_tests[i].name);
			passed++;
		}
	}
	unit_cleanup();
	printf("unit: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
