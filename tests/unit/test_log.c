/* test_log.c: the log file reopened after logrotate renamed it: lines before
 * the rename stay in the old file, lines after go to a new file at the same
 * path, through the same descriptor number. */
#include "unit.h"
#include "log.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define TEST_LOG_MAX 4096

static void
slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd == -1 ? 0 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd != -1)
		close(fd);
}

UNIT_TEST(log_reopen_after_rename)
{
	char path[512], old[520], a[TEST_LOG_MAX], b[TEST_LOG_MAX];
	const char *dir = unit_tmpdir();

	snprintf(path, sizeof path, "%s/sealed.log", dir);
	snprintf(old, sizeof old, "%s.1", path);
	CHECK_INT(log_open(path, LOG_STDERR_NONE), 0);
	log_info("before the rotation");
	CHECK_INT(rename(path, old), 0);
	log_info("after the rename, before the reopen");
	CHECK_INT(log_reopen(), 0);
	log_info("after the reopen");
	log_close();
	log_open(NULL, LOG_STDERR_ALL);           /* as the other tests expect */
	slurp(old, a, sizeof a);
	slurp(path, b, sizeof b);
	CHECK(strstr(a, "before the rotation") != NULL);
	CHECK(strstr(a, "before the reopen") != NULL);
	CHECK(strstr(a, "after the reopen") == NULL);
	CHECK(strstr(b, "after the reopen") != NULL);
	CHECK(strstr(b, "before") == NULL);
}

UNIT_TEST(log_reopen_without_a_file_is_nothing)
{
	log_open(NULL, LOG_STDERR_ALL);
	CHECK_INT(log_reopen(), 0);
}
