/*
 * privdrop.c: gives up root for an ordinary account, checking afterwards that
 * root cannot be regained.
 */
#include "privdrop.h"
#include "defaults.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Gives DATA_DIR and the files sealed writes in it to UID:GID. */
static int
privdrop_chown_data(const char *data_dir, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	static const char *const names[] = { "", "/" USERS_FILE_NAME, "/" MAIL_DIR_NAME,
	                                     "/" LOG_FILE_NAME, "/" USERS_LOCK_NAME,
	                                     "/" CONTROL_SOCKET_NAME };
	char path[4096];

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s%s", data_dir, names[i]);
		if (chown(path, uid, gid) == -1 && errno != ENOENT) {
			snprintf(err, errlen, "chown %s: %s", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
privdrop(const char *user, const char *data_dir, char *err, size_t errlen)
{
	if (geteuid() != 0) {
		snprintf(err, errlen, "--user %s needs sealed to be started as root", user);
		return -1;
	}
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (pw == NULL) {
		snprintf(err, errlen, "--user %s: no such user", user);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "--user %s: that is root", user);
		return -1;
	}
	if (privdrop_chown_data(data_dir, pw->pw_uid, pw->pw_gid, err, errlen) == -1)
		return -1;
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		snprintf(err, errlen, "cannot become %s: %s", user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		snprintf(err, errlen, "root could be regained after dropping to %s", user);
		return -1;
	}
	return 0;
}
