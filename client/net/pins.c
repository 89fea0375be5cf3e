/*
 * pins.c: the known_servers file of seal (see pins.h): parsing its lines,
 * finding the file, checking a server's fingerprint and rewriting the file
 * atomically with a new pin. Errors are reported in the caller's buffer,
 * never printed. One thread.
 */
#include "pins.h"
#include "fsutil.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define PINS_PREFIX     "SHA256:"
#define PINS_SPACE      " \t\r\n"
#define PINS_CONFIG_DIR "/.config"

/* The fingerprint without its optional "SHA256:" prefix. */
static const char *
pins_fp_body(const char *fp)
{
	size_t n = strlen(PINS_PREFIX);

	return strncasecmp(fp, PINS_PREFIX, n) == 0 ? fp + n : fp;
}

/* 1 when FP is hex digits and colons, with at least one digit. */
static int
pins_fp_ok(const char *fp)
{
	int digits = 0;

	for (fp = pins_fp_body(fp); *fp; fp++) {
		if (isxdigit((unsigned char)*fp))
			digits++;
		else if (*fp != ':')
			return 0;
	}
	return digits > 0;
}

int
pins_parse_line(const char *line, struct pin_line *pl)
{
	const char *p = line + strspn(line, PINS_SPACE);
	size_t sl, fl;

	if (*p == '\0' || *p == '#')
		return 0;
	sl = strcspn(p, PINS_SPACE);
	const char *fp = p + sl + strspn(p + sl, PINS_SPACE);
	fl = strcspn(fp, PINS_SPACE);
	if (sl >= sizeof pl->server || fl == 0 || fl >= sizeof pl->fingerprint ||
	    fp[fl + strspn(fp + fl, PINS_SPACE)] != '\0')
		return -1;
	memcpy(pl->server, p, sl);
	pl->server[sl] = '\0';
	memcpy(pl->fingerprint, fp, fl);
	pl->fingerprint[fl] = '\0';
	if (strchr(pl->server, ':') == NULL || !pins_fp_ok(pl->fingerprint))
		return -1;
	return 1;
}

int
pins_same_fingerprint(const char *a, const char *b)
{
	a = pins_fp_body(a);
	b = pins_fp_body(b);
	for (;;) {
		while (*a == ':')
			a++;
		while (*b == ':')
			b++;
		if (*a == '\0' || *b == '\0')
			return *a == *b;
		if (toupper((unsigned char)*a) != toupper((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

int
pins_default_path(char *buf, size_t len, char *err, size_t errlen)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg != NULL && xdg[0] == '/') {
		n = snprintf(buf, len, "%s/%s/%s", xdg, PINS_DIR_NAME, PINS_FILE_NAME);
	} else {
		if (home == NULL || home[0] == '\0') {
			const struct passwd *pw = getpwuid(getuid());
			home = pw != NULL ? pw->pw_dir : NULL;
		}
		if (home == NULL || home[0] == '\0') {
			snprintf(err, errlen, "no home directory for the pin file (set HOME)");
			return -1;
		}
		n = snprintf(buf, len, "%s%s/%s/%s", home, PINS_CONFIG_DIR, PINS_DIR_NAME,
		             PINS_FILE_NAME);
	}
	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "the pin file's path is too long");
		return -1;
	}
	return 0;
}

/* What the lines of F say about SERVER and FP. */
static enum pin_result
pins_scan(FILE *f, const char *server, const char *fp, char *old, size_t oldlen)
{
	struct pin_line pl;
	char *line = NULL;
	size_t cap = 0;
	int found = 0, match = 0;

	while (!match && getline(&line, &cap, f) != -1) {
		if (pins_parse_line(line, &pl) != 1 || strcmp(pl.server, server) != 0)
			continue;
		if (pins_same_fingerprint(pl.fingerprint, fp))
			match = 1;
		else if (!found)
			snprintf(old, oldlen, "%s", pl.fingerprint);
		found = 1;
	}
	free(line);
	if (match)
		return PIN_MATCH;
	return found ? PIN_MISMATCH : PIN_NEW;
}

enum pin_result
pins_check(const char *path, const char *server, const char *fingerprint,
           char *old, size_t oldlen, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	enum pin_result r;

	if (oldlen > 0)
		old[0] = '\0';
	if (f == NULL) {
		if (errno == ENOENT)
			return PIN_NEW;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		return PIN_ERROR;
	}
	r = pins_scan(f, server, fingerprint, old, oldlen);
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		r = PIN_ERROR;
	}
	fclose(f);
	return r;
}

/* Creates every missing directory above the file PATH (mode 0700). */
static int
pins_mkdirs(const char *path, char *err, size_t errlen)
{
	char dir[PINS_PATH_MAX];

	if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) {
		snprintf(err, errlen, "the pin file's path is too long");
		return -1;
	}
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, PINS_DIR_MODE) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* Copies the lines of IN (may be NULL) to OUT with SERVER's pin replaced
 * by LINE (or LINE added at the end). 0, or -1 on a write error. */
static int
pins_copy(FILE *in, FILE *out, const char *server, const char *line)
{
	struct pin_line pl;
	char *l = NULL;
	size_t cap = 0;
	ssize_t n;
	int written = 0;

	while (in != NULL && (n = getline(&l, &cap, in)) != -1) {
		if (pins_parse_line(l, &pl) == 1 && strcmp(pl.server, server) == 0) {
			if (!written)
				fputs(line, out);
			written = 1;
			continue;
		}
		fwrite(l, 1, (size_t)n, out);
		if (n > 0 && l[n - 1] != '\n')
			fputc('\n', out);
	}
	free(l);
	if (!written)
		fputs(line, out);
	return ferror(out) || (in != NULL && ferror(in)) ? -1 : 0;
}

/* Writes the new file into TMP (created 0600), synced. 0 or -1 (ERR). */
static int
pins_write_tmp(const char *path, const char *tmp, const char *server, const char *line,
               char *err, size_t errlen)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, PINS_FILE_MODE);
	FILE *in = NULL, *out = NULL;
	int rc = -1;

	if (fd == -1 || (out = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	fd = -1;
	in = fopen(path, "r");
	if (in == NULL && errno != ENOENT) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		goto done;
	}
	if (pins_copy(in, out, server, line) == -1 || fflush(out) != 0 ||
	    fsync(fileno(out)) == -1) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (in != NULL)
		fclose(in);
	if (out != NULL && fclose(out) != 0 && rc == 0) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		rc = -1;
	}
	if (fd != -1)
		close(fd);
	return rc;
}

/* Makes the directory entry of a rename durable (best effort). */
static void
pins_sync_dir(const char *path)
{
	char dir[PINS_PATH_MAX];
	char *slash;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		return;
	*(slash == dir ? slash + 1 : slash) = '\0';
	(void)fsutil_sync_dir(dir);
}

int
pins_store(const char *path, const char *server, const char *fingerprint,
           char *err, size_t errlen)
{
	char tmp[PINS_PATH_MAX], line[PINS_LINE_MAX + CERTINFO_TEXT];

	if (strpbrk(server, PINS_SPACE) != NULL || !pins_fp_ok(fingerprint)) {
		snprintf(err, errlen, "cannot pin '%s' for '%s'", fingerprint, server);
		return -1;
	}
	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
		snprintf(err, errlen, "the pin file's path is too long");
		return -1;
	}
	snprintf(line, sizeof line, "%s %s\n", server, fingerprint);
	if (pins_mkdirs(path, err, errlen) == -1)
		return -1;
	if (pins_write_tmp(path, tmp, server, line, err, errlen) == -1) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "cannot replace %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	pins_sync_dir(path);
	return 0;
}
