/* test_tui_form.c: the TUI's form editing without a terminal: typing
 * (UTF-8 too), cursor moves, Backspace and Delete by character, Enter
 * moving on then submitting, Tab and Shift-Tab, Esc, the body editor's
 * lines and columns, the maximum length, and the masked view of a password;
 * and the status line fitted to a width. */
#include "unit.h"
#include "tui_form.h"
#include "tui_status.h"

static const struct field_spec spec_fields[] = {
	{ "User", FIELD_TEXT, 8, NULL },
	{ "Password", FIELD_SECRET, 64, NULL },
	{ "Text", FIELD_BODY, 200, NULL },
};
static const struct form_spec spec = { "test", spec_fields, 3 };
static const struct form_spec spec2 = { "two", spec_fields, 2 };

static enum form_rc
type(struct form *f, const char *s)
{
	enum form_rc rc = FORM_NONE;

	for (; *s && rc == FORM_NONE; s++)
		rc = tui_form_key(f, (unsigned char)*s, 0);
	return rc;
}

UNIT_TEST(tui_form_typing_and_moving)
{
	struct form f;

	CHECK_INT(tui_form_open(&f, &spec, 4), 0);
	CHECK(tui_form_is_open(&f));
	CHECK_INT(f.item, 4);
	type(&f, "alxce");
	tui_form_key(&f, KEY_LEFT, 1);
	tui_form_key(&f, KEY_LEFT, 1);
	tui_form_key(&f, KEY_BACKSPACE, 1);                 /* the x */
	tui_form_key(&f, 'i', 0);
	CHECK_STR(tui_form_value(&f, 0), "alice");
	tui_form_key(&f, KEY_HOME, 1);
	tui_form_key(&f, KEY_DC, 1);
	CHECK_STR(tui_form_value(&f, 0), "lice");
	tui_form_key(&f, KEY_END, 1);
	type(&f, "12345");                              /* max 8 bytes */
	CHECK_STR(tui_form_value(&f, 0), "lice1234");
	CHECK(f.err[0] != '\0');
	tui_form_key(&f, 0x15, 0);                          /* Ctrl-U */
	CHECK_STR(tui_form_value(&f, 0), "");
	tui_form_key(&f, 0xe9, 0);                          /* é as one character */
	CHECK_STR(tui_form_value(&f, 0), "\xc3\xa9");
	tui_form_key(&f, 127, 0);
	CHECK_STR(tui_form_value(&f, 0), "");
	tui_form_close(&f);
	CHECK(!tui_form_is_open(&f));
	tui_form_close(&f);                                 /* twice is fine */
}

UNIT_TEST(tui_form_fields_enter_tab_esc)
{
	struct form f;

	CHECK_INT(tui_form_open(&f, &spec2, 0), 0);
	CHECK_INT(type(&f, "bob\n"), FORM_NONE);
	CHECK_INT(f.focus, 1);
	CHECK_INT(type(&f, "s3cret\n"), FORM_SUBMIT);   /* Enter on the last field */
	CHECK_STR(tui_form_value(&f, 1), "s3cret");
	tui_form_key(&f, '\t', 0);
	CHECK_INT(f.focus, 0);
	tui_form_key(&f, KEY_BTAB, 1);
	CHECK_INT(f.focus, 1);
	CHECK_INT(tui_form_key(&f, 4, 0), FORM_SUBMIT);     /* Ctrl-D */
	CHECK_INT(tui_form_key(&f, KEY_F(10), 1), FORM_SUBMIT);
	CHECK_INT(tui_form_key(&f, 27, 0), FORM_CANCEL);
	tui_form_close(&f);
}

UNIT_TEST(tui_form_body_lines_and_columns)
{
	struct form f;

	CHECK_INT(tui_form_open(&f, &spec, 0), 0);
	f.focus = 2;
	CHECK_INT(type(&f, "first line\nsecond\n"), FORM_NONE);
	tui_form_key(&f, 0x2713, 0);                        /* ✓, a character of 3 bytes */
	type(&f, " third");
	CHECK_STR(tui_form_value(&f, 2), "first line\nsecond\n\xe2\x9c\x93 third");
	tui_form_key(&f, KEY_UP, 1);                        /* column 7 of "second": its end */
	tui_form_key(&f, 'X', 0);
	CHECK_STR(tui_form_value(&f, 2), "first line\nsecondX\n\xe2\x9c\x93 third");
	tui_form_key(&f, KEY_UP, 1);
	tui_form_key(&f, KEY_HOME, 1);
	tui_form_key(&f, '>', 0);
	CHECK_STR(tui_form_value(&f, 2), ">first line\nsecondX\n\xe2\x9c\x93 third");
	tui_form_key(&f, KEY_DOWN, 1);
	tui_form_key(&f, KEY_DOWN, 1);                      /* column 1: after the ✓ */
	tui_form_key(&f, KEY_BACKSPACE, 1);
	CHECK_STR(tui_form_value(&f, 2), ">first line\nsecondX\n third");
	tui_form_key(&f, KEY_END, 1);
	CHECK_INT(type(&f, "\n"), FORM_NONE);           /* Enter is a new line here */
	CHECK_STR(tui_form_value(&f, 2), ">first line\nsecondX\n third\n");
	tui_form_close(&f);
}

UNIT_TEST(tui_form_mask_and_set)
{
	struct form f;
	char mask[32];

	tui_form_mask("p\xc3\xa4ss", 5, mask, sizeof mask);
	CHECK_STR(mask, "****");                        /* one star a character */
	tui_form_mask("secret", 6, mask, 4);
	CHECK_STR(mask, "***");
	CHECK_INT(tui_form_open(&f, &spec, 0), 0);
	tui_form_set(&f, 0, "much-too-long-name");
	CHECK_STR(tui_form_value(&f, 0), "much-too");
	CHECK_INT(f.f[0].cur, 8);
	CHECK_STR(tui_form_value(&f, 9), "");
	tui_form_close(&f);
}

UNIT_TEST(tui_status_fits_width)
{
	struct status_info si = {
		.peer = "localhost:8465", .user = "alice", .state = "authenticated, in transaction",
		.keys = { "F1/? help", "q quit", "Enter run", "v certificate", "r reconnect", NULL },
	};
	char left[STATUS_TEXT_MAX], right[STATUS_TEXT_MAX];

	tui_status_compose(&si, 160, " | ", left, sizeof left, right, sizeof right);
	CHECK_STR(left, " localhost:8465 | alice | authenticated, in transaction");
	CHECK_STR(right, "F1/? help  q quit  Enter run  v certificate  r reconnect  ");
	tui_status_compose(&si, 80, " | ", left, sizeof left, right, sizeof right);
	CHECK_STR(right, "F1/? help  q quit  ");
	CHECK((int)(strlen(left) + strlen(right)) <= 80);
	si.user = NULL;
	si.waiting_s = 7;
	tui_status_compose(&si, 30, " | ", left, sizeof left, right, sizeof right);
	CHECK_STR(right, "");
	CHECK_STR(left, " localhost:8465 | not logged i");
	si.notice = "cancelled: nothing was sent";
	tui_status_compose(&si, 80, " | ", left, sizeof left, right, sizeof right);
	CHECK_STR(left, " cancelled: nothing was sent");
}
