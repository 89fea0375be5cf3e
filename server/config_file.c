/*
 * config_file.c: reads sealed's config file (sealed.conf(5)): `key = value`
 * lines, a key being a long option's name without its "--" (the option
 * table of config.c), blank lines, and comments from a '#' that starts a
 * line or follows a blank. Unknown keys, bad values, a key given twice, a
 * line without '=' and command-line-only options are problems that name
 * the file and line; every line is read, so that --check-config lists them
 * all. The file's text is kept (c->file_text): string values point into it.
 * Main thread only.
 */
#include "config_opt.h"
#include "defaults.h"
#include "fsutil.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_FILE_MAX  (64 * 1024)   /* bytes: a config file is a page or two */
#define CONFIG_MAX_KEYS  128           /* distinct keys remembered (the table has fewer) */

/* Where each key was set, for duplicates. */
struct config_seen {
	const struct opt *opt[CONFIG_MAX_KEYS];
	int               line[CONFIG_MAX_KEYS];
	int               n;
};

/* S without leading and trailing blanks (cut in place). */
static char *
config_file_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Cuts a comment off LINE: a '#' at its start or after a blank. */
static void
config_file_uncomment(char *line)
{
	for (char *h = strchr(line, '#'); h != NULL; h = strchr(h + 1, '#'))
		if (h == line || h[-1] == ' ' || h[-1] == '\t') {
			*h = '\0';
			return;
		}
}

/* The line on which O was set before, or 0; records it for LINE. */
static int
config_file_seen(struct config_seen *seen, const struct opt *o, int line)
{
	for (int i = 0; i < seen->n; i++)
		if (seen->opt[i] == o)
			return seen->line[i];
	if (seen->n < CONFIG_MAX_KEYS) {
		seen->opt[seen->n] = o;
		seen->line[seen->n++] = line;
	}
	return 0;
}

/* One line of PATH (NO is its number), comments cut. */
static void
config_file_line(struct config *c, const char *path, int no, char *text,
                 struct config_seen *seen, struct config_problems *p)
{
	char err[CONFIG_PROBLEM_LEN];

	config_file_uncomment(text);
	char *s = config_file_trim(text), *eq = strchr(s, '=');
	if (*s == '\0')
		return;
	if (eq == NULL) {
		config_problem(p, "%s:%d: expected 'key = value', not '%s'", path, no, s);
		return;
	}
	*eq = '\0';
	char *key = config_file_trim(s), *value = config_file_trim(eq + 1);
	const struct opt *o = config_opt_find(key);
	if (o == NULL || config_opt_cmdline_only(o)) {
		config_problem(p, "%s:%d: %s '%s'", path, no,
		               o == NULL ? "unknown key" : "only the command line takes", key);
		return;
	}
	int before = config_file_seen(seen, o, no);
	if (before != 0) {
		config_problem(p, "%s:%d: %s is already set on line %d", path, no, key, before);
		return;
	}
	if (config_opt_set(c, o, key, value, err, sizeof err) == -1)
		config_problem(p, "%s:%d: %s", path, no, err);
}

/* Reads LEN bytes of FD into BUF (fewer at its end). The count, or -1. */
static ssize_t
config_file_read_all(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? (ssize_t)got : -1;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* The text of PATH, NUL-ended; NULL with P told, or NULL and nothing told
 * when the file does not exist. */
static char *
config_file_slurp(const char *path, struct config_problems *p)
{
	struct stat st;
	char *text = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd == -1 || fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode) || st.st_size > CONFIG_FILE_MAX) {
		config_problem(p, "%s: %s", path, S_ISREG(st.st_mode) ? "longer than 64 KiB"
		                                                     : "not a regular file");
		goto out;
	}
	if ((st.st_mode & S_IWOTH) != 0) {
		config_problem(p, "%s: anyone may write it (mode %04o): chmod o-w it", path,
		               (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL)
		goto fail;
	ssize_t n = config_file_read_all(fd, text, (size_t)st.st_size);
	if (n < 0)
		goto fail;
	text[n] = '\0';
	if (memchr(text, '\0', (size_t)n) != NULL) {
		config_problem(p, "%s: a NUL byte: not a text file", path);
		goto out_free;
	}
	close(fd);
	return text;
fail:
	if (errno != ENOENT)
		config_problem(p, "cannot read %s: %s", path, fsutil_strerror(errno));
out_free:
	free(text);
	text = NULL;
out:
	if (fd != -1) {
		int saved = errno;
		close(fd);
		errno = saved;
	}
	return NULL;
}

int
config_file_read(struct config *c, const char *path, int must_exist, struct config_problems *p)
{
	struct config_seen *seen = calloc(1, sizeof *seen);
	int before = p->n + p->dropped, no = 0;

	char *text = seen != NULL ? config_file_slurp(path, p) : NULL;
	if (text == NULL) {
		if (seen == NULL)
			config_problem(p, "out of memory");
		else if (p->n + p->dropped == before && must_exist)
			config_problem(p, "cannot read %s: %s", path, strerror(ENOENT));
		free(seen);
		return p->n + p->dropped > before ? -1 : 0;
	}
	c->file_text = text;
	for (char *line = text, *next; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		config_file_line(c, path, ++no, line, seen, p);
	}
	free(seen);
	return p->n + p->dropped > before ? -1 : 0;
}
