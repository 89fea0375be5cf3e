/*
 * fuzzlib.c: the helpers of fuzzlib.h. The scratch directory is made
 * once per process and removed, with what is in it, at exit. One thread.
 */
#include "fuzzlib.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_SHM       "/dev/shm"
#define FUZZ_TEMPLATE  "sealed-fuzz-tmp.XXXXXX"
#define FUZZ_NFTW_FDS  16

static char fuzz_dir[PATH_MAX];

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

int
fuzz_masked(const char *shown, size_t at, const char *mask)
{
	size_t n = strlen(shown), m = strlen(mask);

	return n >= m && strcmp(shown + n - m, mask) == 0 && n - m <= at;
}

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

static int
fuzz_rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path) == -1 && errno != ENOENT ? -1 : 0;
}

void
fuzz_rm_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return;
	if (nftw(path, fuzz_rm_one, FUZZ_NFTW_FDS, FTW_DEPTH | FTW_PHYS) == -1) {
		perror(path);
		abort();
	}
}

static void
fuzz_tmpdir_remove(void)
{
	fuzz_rm_tree(fuzz_dir);
}

const char *
fuzz_tmpdir(void)
{
	struct stat st;
	const char *base = getenv("TMPDIR");

	if (fuzz_dir[0] != '\0')
		return fuzz_dir;
	if (stat(FUZZ_SHM, &st) == 0 && S_ISDIR(st.st_mode) && access(FUZZ_SHM, W_OK) == 0)
		base = FUZZ_SHM;
	else if (base == NULL || base[0] == '\0')
		base = "/tmp";
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/%s", base, FUZZ_TEMPLATE);
	if (mkdtemp(fuzz_dir) == NULL) {
		perror(fuzz_dir);
		exit(1);
	}
	atexit(fuzz_tmpdir_remove);
	return fuzz_dir;
}

void
fuzz_write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror(path);
		abort();
	}
}
