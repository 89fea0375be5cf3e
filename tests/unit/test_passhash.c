/* test_passhash.c: password hashing: salted yescrypt hashes, checking a
 * password against a hash, and the password length rules. */
#include "unit.h"
#include "server_defaults.h"
#include "passhash.h"

UNIT_TEST(passhash_make_is_salted_yescrypt)
{
	char a[HASH_MAX], b[HASH_MAX];

	CHECK_INT(passhash_make("pw", a, sizeof a), 0);
	CHECK_INT(passhash_make("pw", b, sizeof b), 0);
	CHECK(strncmp(a, CRYPT_PREFIX, strlen(CRYPT_PREFIX)) == 0);
	CHECK(strcmp(a, b) != 0);
	CHECK_INT(passhash_make("pw", a, 8), -1);
}

UNIT_TEST(passhash_check_matches_only_the_password)
{
	char hash[HASH_MAX];

	CHECK_INT(passhash_make("right", hash, sizeof hash), 0);
	CHECK_INT(passhash_check("right", hash), 1);
	CHECK_INT(passhash_check("wrong", hash), 0);
	CHECK_INT(passhash_check("righ", hash), 0);
	CHECK_INT(passhash_check("right", "*"), 0);
	passhash_dummy("right");
}

UNIT_TEST(passhash_valid_pass_rules)
{
	char big[PASSWORD_MAX + 2];

	CHECK(passhash_valid_pass("x"));
	CHECK(!passhash_valid_pass(""));
	CHECK(!passhash_valid_pass(NULL));
	memset(big, 'p', sizeof big - 1);
	big[PASSWORD_MAX] = '\0';
	CHECK(passhash_valid_pass(big));
	big[PASSWORD_MAX] = 'p';
	big[PASSWORD_MAX + 1] = '\0';
	CHECK(!passhash_valid_pass(big));
}
