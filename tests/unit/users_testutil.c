/*
 * users_testutil.c: see users_testutil.h.
 */
#include "users_testutil.h"
#include "server_defaults.h"
#include "userfile.h"

#include <stdio.h>
#include <stdlib.h>

/* The whole of PATH in a malloc'd string, or NULL. */
char *
users_testutil_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (f == NULL)
		return NULL;
	FILE *mem = open_memstream(&buf, &len);
	int c;
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(mem);
	fclose(f);
	return buf;
}

void
users_testutil_path(char *out, size_t len, const char *dir)
{
	snprintf(out, len, "%s/%s", dir, USERS_FILE_NAME);
}

/* Replaces PATH with TEXT the way an outside editor might: new file, rename. */
int
users_testutil_replace(const char *path, const char *text)
{
	char tmp[512];
	FILE *f;

	snprintf(tmp, sizeof tmp, "%s.edit", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fputs(text, f);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* What userfile_list prints, in a malloc'd string. */
char *
users_testutil_list(const char *dir)
{
	char *buf = NULL, err[256];
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	if (userfile_list(dir, mem, err, sizeof err) == -1) {
		fclose(mem);
		free(buf);
		return NULL;
	}
	fclose(mem);
	return buf;
}
