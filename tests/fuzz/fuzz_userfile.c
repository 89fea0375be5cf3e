/*
 * fuzz_userfile.c: the users file parser (server/userfile.c
 * userfile_read) on a file holding the input. Checks what userdb builds
 * on: every user kept has a valid name and a hash without ':', names are
 * unique, and the name index finds each of them.
 */
#include "fuzzlib.h"
#include "server_defaults.h"
#include "log.h"
#include "userfile.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_open(NULL, 0);                  /* warnings about bad lines: not shown */
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[PATH_MAX];
	struct user_list l = { 0 };
	struct userfile_id id;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "%s/%s", fuzz_tmpdir(), USERS_FILE_NAME);
	fuzz_write_file(path, data, size);
	FUZZ_CHECK(userfile_read(path, &l, &id) == 0, "reading a users file failed");
	FUZZ_CHECK(id.present && (size_t)id.size == size, "file identity wrong");
	for (size_t i = 0; i < l.n; i++) {
		const struct user *u = &l.v[i];
		FUZZ_CHECK(userfile_valid_name(u->name), "invalid user name kept");
		FUZZ_CHECK(u->hash[0] != '\0' && strchr(u->hash, ':') == NULL, "bad hash kept");
		FUZZ_CHECK(userfile_list_find(&l, u->name) == u, "index does not find a user");
	}
	userfile_list_free(&l);
	return 0;
}
