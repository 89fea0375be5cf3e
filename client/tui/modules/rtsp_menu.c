/*
 * rtsp_menu.c: the RTSP module of the TUI (see rtsp_menu.h): its menu and
 * login form, the state the menu greys by and its words for the status
 * line, what each item queues (a method name: rtsp_menu_io.c builds the
 * request when it is sent), and the wire table the TUI's connection
 * needs (RTSP goes through the bytes side, so it only names TEARDOWN as
 * the goodbye). The server stays the judge: an out-of-order request is
 * sent anyway and its 455 shown. Pure; main thread.
 */
#include "rtsp_menu.h"
#include "tui_form.h"
#include "timeconst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIT(s)        (1u << RM_##s)
#define RM_SESSION    (BIT(READY) | BIT(PLAYING) | BIT(ENDED))
#define RM_NO_SESSION (BIT(INIT) | BIT(DESCRIBED))
#define RM_ANY        (RM_SESSION | RM_NO_SESSION)

#define RM_AS_NAME(s) #s,
static const char *const rm_state_ids[] = { RTSP_MENU_STATES(RM_AS_NAME) };

static const struct field_spec rm_login_fields[] = {
	{ "User", FIELD_TEXT, USER_NAME_MAX, "every request carries them from now on; the "
	  "transcript shows Authorization: Basic " CLIENT_MASK },
	{ "Password", FIELD_SECRET, PASSWORD_MAX, "masked: never shown, never kept in the "
	  "transcript" },
};

static const struct form_spec rm_login_form = {
	"Log in: user and password (Basic, inside TLS)", rm_login_fields,
	(int)(sizeof rm_login_fields / sizeof rm_login_fields[0])
};

static const struct menu_item rm_items[RMI_COUNT] = {
	[RMI_OPTIONS] = { 'o', "OPTIONS", "the methods the server offers (no login needed)",
	                 NULL, RM_ANY },
	[RMI_DESCRIBE] = { 'd', "DESCRIBE", "the stream's SDP: rate, channels, length (a=range)",
	                  NULL, RM_NO_SESSION },
	[RMI_SETUP] = { 's', "SETUP", "a session, with RTP and RTCP interleaved in the TLS "
	               "connection", NULL, BIT(DESCRIBED) },
	[RMI_PLAY] = { 'p', "PLAY", "stream the audio; after PAUSE it goes on, after the end "
	              "it starts again", NULL, BIT(READY) | BIT(ENDED) },
	[RMI_PAUSE] = { 'a', "PAUSE", "stop the stream where it is (PLAY goes on from there)",
	               NULL, BIT(PLAYING) },
	[RMI_TEARDOWN] = { 't', "TEARDOWN", "end the session (and close the --output file)",
	                  NULL, RM_SESSION },
	[RMI_KEEPALIVE] = { 'g', "GET_PARAMETER", "a keep-alive (seal sends one by itself every "
	                   "half session timeout)", NULL, RM_SESSION },
	[RMI_LOGIN] = { 'l', "Log in", "user and password for Basic authentication (the form "
	               "opens by itself on a 401)", &rm_login_form, RM_NO_SESSION },
};

const char *
rtsp_menu_state_id(enum rtsp_menu_state s)
{
	return s < RM_STATE_COUNT ? rm_state_ids[s] : "?";
}

enum rtsp_menu_state
rtsp_menu_state_of(const struct rtsp_menu *m)
{
	switch (m->cl.state) {
	case RTSP_CLIENT_READY:
		return RM_READY;
	case RTSP_CLIENT_PLAYING:
		return m->cl.rtp.bye ? RM_ENDED : RM_PLAYING;
	case RTSP_CLIENT_INIT:
	default:
		return m->cl.have_sdp ? RM_DESCRIBED : RM_INIT;
	}
}

uint64_t
rtsp_menu_position_ms(const struct rtsp_menu *m)
{
	uint64_t frames = m->cl.rtp.frames - m->pos_frames0;

	if (m->cl.rate == 0 || m->cl.rtp.frames < m->pos_frames0)
		return m->pos_base_ms;
	return m->pos_base_ms + frames * MS_PER_S / m->cl.rate;
}

const char *
rtsp_menu_stream_name(const struct rtsp_menu *m)
{
	const char *slash = strrchr(m->cl.url, '/');

	return slash != NULL && slash[1] != '\0' ? slash + 1 : m->cl.url;
}

void
rtsp_menu_name_update(struct rtsp_menu *m)
{
	enum rtsp_menu_state st = rtsp_menu_state_of(m);
	char at[RTSP_MENU_TEXT_MAX];
	uint64_t ms;

	if (!rtsp_menu_audio_heard_ms(m, &ms))       /* as heard, if there is sound */
		ms = rtsp_menu_position_ms(m);
	rtsp_menu_meter_clock(ms, at, sizeof at);
	if (st == RM_READY && m->cl.rtp.packets > 0)
		snprintf(m->name, sizeof m->name, "READY, paused at %s", at);
	else if (st == RM_ENDED)
		snprintf(m->name, sizeof m->name, "PLAYING, stream ended (RTCP BYE)");
	else if (st == RM_DESCRIBED)
		snprintf(m->name, sizeof m->name, "INIT, stream described");
	else if (st == RM_INIT && m->need_login)
		snprintf(m->name, sizeof m->name, "INIT, login required (401)");
	else
		snprintf(m->name, sizeof m->name, "%s", rtsp_client_state_name(m->cl.state));
	snprintf(m->question, sizeof m->question, "A session is open (%s): quitting sends "
	         "TEARDOWN and ends it.", rtsp_client_state_name(m->cl.state));
}

static void
rm_init(void *st)
{
	struct rtsp_menu *m = st;

	memset(m, 0, sizeof *m);
	rtsp_client_init(&m->cl, "");
	rtsp_rx_init(&m->rx);
	for (int k = 0; k < RTSP_CLIENT_CHANNELS; k++)
		m->shown.level_db10[k] = rtsp_menu_meter_db10(0);
	rtsp_menu_audio_configure(m, NULL, 0);
	rtsp_menu_name_update(m);
}

static void
rm_configure(void *st, const struct tui_facts *facts)
{
	struct rtsp_menu *m = st;

	rtsp_client_init(&m->cl, facts->url != NULL ? facts->url : "");
	snprintf(m->output, sizeof m->output, "%s", facts->output != NULL ? facts->output : "");
	rtsp_menu_audio_configure(m, facts->audio_device, facts->buffer_ms);
}

static void
rm_fini(void *st)
{
	struct rtsp_menu *m = st;
	char err[RTSP_MENU_TEXT_MAX];

	wav_writer_close(&m->wav, err, sizeof err);
	rtsp_menu_audio_close(m);
	rtsp_rx_free(&m->rx);
	free(m->out.buf);
	m->out = (struct rtsp_menu_out){ .buf = NULL };
	rtsp_client_clear(&m->cl);
}

static void
rm_on_command(void *st, const char *shown)
{
	(void)st;
	(void)shown;                  /* rtsp_client keeps the pending method */
}

static void
rm_on_reply(void *st, const char *last)
{
	(void)st;
	(void)last;                   /* applied as each response came (rtsp_menu_io.c) */
}

static void
rm_set_user(void *st, const char *user)
{
	struct rtsp_menu *m = st;

	snprintf(m->pending, sizeof m->pending, "%s", user);
}

static unsigned
rm_state(const void *st)
{
	return 1u << rtsp_menu_state_of(st);
}

static const char *
rm_state_name(const void *st)
{
	return ((const struct rtsp_menu *)st)->name;
}

static const char *
rm_user(const void *st)
{
	const struct rtsp_menu *m = st;

	return m->user[0] ? m->user : NULL;
}

static int
rm_in_transaction(const void *st)
{
	return ((const struct rtsp_menu *)st)->cl.session[0] != '\0';
}

static const char *
rm_quit_question(const void *st)
{
	return ((const struct rtsp_menu *)st)->question;
}

static const char *
rm_blocked(const void *st, int item)
{
	(void)st;
	(void)item;
	return NULL;                 /* every request may go: the server's answer teaches */
}

static const struct form_spec *
rm_form_for(const void *st, int item)
{
	(void)st;
	return item >= 0 && item < RMI_COUNT ? rm_items[item].form : NULL;
}

static void
rm_prefill(const void *st, int item, const struct tui_facts *facts, struct form *f)
{
	const struct rtsp_menu *m = st;
	const char *user = m->pending[0] ? m->pending : facts->user;

	if (item == RMI_LOGIN && user != NULL && user[0] != '\0') {
		tui_form_set(f, 0, user);
		f->focus = 1;
	}
}

/* The login form: credentials for every request from now on, and the
 * request the 401 refused sent again (DESCRIBE when there is none). */
static int
rm_build_login(struct rtsp_menu *m, const struct form *f, struct tui_queue *q, char *err,
               size_t errlen)
{
	const char *user = tui_form_value(f, 0);
	int rc;

	if (user[0] == '\0' || strpbrk(user, ": ") != NULL) {
		snprintf(err, errlen, "User: give a user name (no ':' or spaces)");
		return -1;
	}
	if (rtsp_client_set_login(&m->cl, user, tui_form_value(f, 1)) == -1) {
		snprintf(err, errlen, "user name or password too long");
		return -1;
	}
	snprintf(m->pending, sizeof m->pending, "%s", user);
	rc = tui_queue_push(q, m->retry[0] ? m->retry : rm_items[RMI_DESCRIBE].label, 0);
	m->retry[0] = '\0';
	return rc;
}

static int
rm_build(void *st, int item, const struct form *f, struct tui_queue *q, char *err,
         size_t errlen)
{
	struct rtsp_menu *m = st;

	if (item == RMI_LOGIN)
		return rm_build_login(m, f, q, err, errlen);
	if (item < 0 || item >= RMI_COUNT)
		return -1;
	return tui_queue_push(q, rm_items[item].label, 0);
}

static int
rm_prompt(void *st)
{
	struct rtsp_menu *m = st;

	if (!m->login_prompt)
		return MENU_NONE;
	m->login_prompt = 0;
	return RMI_LOGIN;
}

/* The wire table: RTSP runs on the bytes side, so these only answer the
 * connection's questions (no greeting, no body, no line login). */
struct rm_wire {
	int unused;
};

static void
rmw_init(void *st)
{
	memset(st, 0, sizeof(struct rm_wire));
}

static int
rmw_command(void *st, const char *line, const char **shown)
{
	(void)st;
	*shown = line;
	return 1;
}

static int
rmw_reply_line(void *st, const char *line)
{
	(void)st;
	(void)line;
	return 1;
}

static int
rmw_login_next(void *st, const char *user, const char *pass, char *out, size_t len)
{
	(void)st;
	(void)user;
	(void)pass;
	(void)out;
	(void)len;
	return 0;                    /* credentials go with each request instead */
}

static int
rmw_no(const void *st)
{
	(void)st;
	return 0;
}

static const char *
rmw_auth_failure(const void *st)
{
	(void)st;
	return NULL;
}

static const struct client_proto rm_wire = {
	.name         = "rtsp",
	.state_size   = sizeof(struct rm_wire),
	.quit         = "TEARDOWN",
	.init         = rmw_init,
	.command      = rmw_command,
	.reply_line   = rmw_reply_line,
	.login_next   = rmw_login_next,
	.in_body      = rmw_no,
	.quit_sent    = rmw_no,
	.auth_failure = rmw_auth_failure,
};

const struct tui_module rtsp_menu_module = {
	.title          = "RTSP",
	.wire           = &rm_wire,
	.items          = rm_items,
	.nitems         = RMI_COUNT,
	.state_size     = sizeof(struct rtsp_menu),
	.init           = rm_init,
	.on_command     = rm_on_command,
	.on_reply       = rm_on_reply,
	.set_user       = rm_set_user,
	.state          = rm_state,
	.state_name     = rm_state_name,
	.user           = rm_user,
	.in_transaction = rm_in_transaction,
	.blocked        = rm_blocked,
	.form_for       = rm_form_for,
	.prefill        = rm_prefill,
	.build          = rm_build,
	.prompt         = rm_prompt,
	.fini           = rm_fini,
	.quit_question  = rm_quit_question,
	.view           = &rtsp_menu_view,
	.configure      = rm_configure,
	.bytes          = &rtsp_menu_io_bytes,
};
