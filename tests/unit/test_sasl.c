/* test_sasl.c: the SASL messages of common/sasl.h: PLAIN decoded with the
 * checks of RFC 4616 (moved here from test_smtp_parse.c with
 * smtp_decode_plain), PLAIN encoded as the clients send it and read back,
 * and a LOGIN step decoded. */
#include "unit.h"
#include "defaults.h"
#include "sasl.h"
#include "b64.h"

#include <string.h>

UNIT_TEST(sasl_plain_decode_forms)
{
	char u[65], pw[257];
	/* "\0alice\0secret" */
	CHECK(sasl_plain_decode("AGFsaWNlAHNlY3JldA==", u, sizeof u, pw, sizeof pw) == 0);
	CHECK_STR(u, "alice");
	CHECK_STR(pw, "secret");
	/* "alice\0alice\0secret": authzid equal to authcid is fine */
	CHECK(sasl_plain_decode("YWxpY2UAYWxpY2UAc2VjcmV0", u, sizeof u, pw, sizeof pw) == 0);
	/* "bob\0alice\0secret": acting for someone else is refused */
	CHECK(sasl_plain_decode("Ym9iAGFsaWNlAHNlY3JldA==", u, sizeof u, pw, sizeof pw) == -1);
	/* "alice" alone, no NULs */
	CHECK(sasl_plain_decode("YWxpY2U=", u, sizeof u, pw, sizeof pw) == -1);
	/* "\0alice\0" empty password */
	CHECK(sasl_plain_decode("AGFsaWNlAA==", u, sizeof u, pw, sizeof pw) == -1);
	CHECK(sasl_plain_decode("!!!notbase64", u, sizeof u, pw, sizeof pw) == -1);
	CHECK(sasl_plain_decode("", u, sizeof u, pw, sizeof pw) == -1);
}

/* Encodes RAW (LEN bytes, NULs inside) and decodes it with the sizes of the
 * servers' buffers. */
static int
decode_raw(const char *raw, size_t len, char *u, size_t ulen, char *pw, size_t pwlen)
{
	char b64[SASL_PLAIN_B64_MAX + 8];

	if (b64_encode(raw, len, b64, sizeof b64) == -1)
		return -2;
	return sasl_plain_decode(b64, u, ulen, pw, pwlen);
}

UNIT_TEST(sasl_plain_decode_refuses_what_rfc_4616_forbids)
{
	char u[USER_NAME_MAX + 1] = "untouched", pw[PASSWORD_MAX + 1] = "untouched";
	char big[SASL_PLAIN_MAX + 2];

	CHECK_INT(decode_raw("\0\0pw", 4, u, sizeof u, pw, sizeof pw), -1);        /* no authcid */
	CHECK_INT(decode_raw("\0al\0p\0w", 7, u, sizeof u, pw, sizeof pw), -1);    /* NUL in passwd */
	CHECK_INT(decode_raw("\0alice", 6, u, sizeof u, pw, sizeof pw), -1);       /* one NUL */
	CHECK_STR(u, "untouched");                                                 /* not written */
	CHECK_STR(pw, "untouched");
	/* authcid and password that just fit, then one octet too long */
	memset(big, 'a', sizeof big);
	big[0] = '\0';
	big[1 + USER_NAME_MAX] = '\0';
	CHECK_INT(decode_raw(big, 2 + USER_NAME_MAX + PASSWORD_MAX, u, sizeof u, pw, sizeof pw), 0);
	CHECK_INT(strlen(u), USER_NAME_MAX);
	CHECK_INT(strlen(pw), PASSWORD_MAX);
	CHECK_INT(decode_raw(big, 2 + USER_NAME_MAX + PASSWORD_MAX + 1, u, sizeof u, pw, sizeof pw), -1);
	big[1 + USER_NAME_MAX] = 'a';
	big[2 + USER_NAME_MAX] = '\0';
	CHECK_INT(decode_raw(big, 3 + USER_NAME_MAX + 1, u, sizeof u, pw, sizeof pw), -1);
	/* a message longer than SASL_PLAIN_MAX, whatever its buffers */
	char bigu[SASL_PLAIN_MAX], bigp[SASL_PLAIN_MAX];
	memset(big, 'b', sizeof big);
	big[0] = '\0';
	big[2] = '\0';
	CHECK_INT(decode_raw(big, SASL_PLAIN_MAX, bigu, sizeof bigu, bigp, sizeof bigp), 0);
	CHECK_INT(decode_raw(big, SASL_PLAIN_MAX + 1, bigu, sizeof bigu, bigp, sizeof bigp), -1);
}

UNIT_TEST(sasl_plain_encode_is_what_clients_send_and_reads_back)
{
	char out[SASL_PLAIN_B64_MAX], u[USER_NAME_MAX + 1], pw[PASSWORD_MAX + 1];

	CHECK_INT(sasl_plain_encode("", "alice", "secret", out, sizeof out), 0);
	CHECK_STR(out, "AGFsaWNlAHNlY3JldA==");
	CHECK_INT(sasl_plain_decode(out, u, sizeof u, pw, sizeof pw), 0);
	CHECK_STR(u, "alice");
	CHECK_STR(pw, "secret");
	CHECK_INT(sasl_plain_encode("alice", "alice", "secret", out, sizeof out), 0);
	CHECK_STR(out, "YWxpY2UAYWxpY2UAc2VjcmV0");
	CHECK_INT(sasl_plain_encode("bob", "alice", "secret", out, sizeof out), 0);
	CHECK_INT(sasl_plain_decode(out, u, sizeof u, pw, sizeof pw), -1);   /* made, refused */
	CHECK_INT(sasl_plain_encode("", "alice", "", out, sizeof out), 0);   /* judged by the server */
	CHECK_STR(out, "AGFsaWNlAA==");
}

UNIT_TEST(sasl_plain_encode_refuses_long_messages_and_small_buffers)
{
	char out[SASL_PLAIN_B64_MAX], pass[SASL_PLAIN_MAX];
	char small[8];

	memset(pass, 'p', sizeof pass);
	pass[SASL_PLAIN_MAX - 3] = '\0';               /* "\0a\0" + 1021: exactly the max */
	CHECK_INT(sasl_plain_encode("", "a", pass, out, sizeof out), 0);
	pass[SASL_PLAIN_MAX - 3] = 'p';
	pass[SASL_PLAIN_MAX - 2] = '\0';               /* one more */
	memset(out, 'x', sizeof out);
	CHECK_INT(sasl_plain_encode("", "a", pass, out, sizeof out), -1);
	CHECK(out[0] == '\0' && out[sizeof out - 1] == '\0');   /* wiped */
	memset(small, 'x', sizeof small);
	CHECK_INT(sasl_plain_encode("", "alice", "secret", small, sizeof small), -1);
	for (size_t i = 0; i < sizeof small; i++)
		CHECK(small[i] == '\0');
}

UNIT_TEST(sasl_login_decode_text)
{
	char out[65];
	CHECK(sasl_login_decode("YWxpY2U=", out, sizeof out) == 0);
	CHECK_STR(out, "alice");
	CHECK(sasl_login_decode("AGE=", out, sizeof out) == -1); /* "\0a" */
	CHECK(out[0] == '\0' && out[1] == '\0');                  /* wiped */
	CHECK(sasl_login_decode("", out, sizeof out) == -1);
	CHECK(sasl_login_decode("YWxpY2U=", out, 5) == -1);       /* "alice" needs 6 */
}
