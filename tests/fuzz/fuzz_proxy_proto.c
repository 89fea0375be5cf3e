/*
 * fuzz_proxy_proto.c: the PROXY protocol header parser (server/proxy_proto.c)
 * on the first bytes of a connection from a trusted proxy, and the
 * --proxy-from CIDR list parser (server/cidr.c) on the same bytes as text.
 * Checks what conn_proxy.c relies on to read exactly the header: a header
 * found is within the bytes given and within its version's bound; any
 * shorter prefix of it asks for more (so the bytes taken while waiting are
 * all header); the header alone, without what follows, parses the same; a
 * refusal has a reason; PROXY_MORE never comes at PROXY_PEEK_MAX bytes.
 */
#include "fuzzlib.h"
#include "cidr.h"
#include "proxy_proto.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_header(const uint8_t *data, size_t size)
{
	struct proxy_header h, again;
	const char *why;
	enum proxy_rc rc = proxy_parse(data, size, &h, &why);

	if (rc == PROXY_BAD) {
		FUZZ_CHECK(why != NULL && why[0] != '\0', "refused without a reason");
		return;
	}
	if (rc == PROXY_MORE) {
		FUZZ_CHECK(size < PROXY_PEEK_MAX, "more wanted past PROXY_PEEK_MAX");
		return;
	}
	FUZZ_CHECK(h.len > 0 && h.len <= size, "header longer than the bytes given");
	FUZZ_CHECK(h.version == 1 ? h.len <= PROXY_V1_MAX : h.len <= PROXY_PEEK_MAX,
	           "header past its version's bound");
	FUZZ_CHECK(h.local || h.src.ss_family == AF_INET || h.src.ss_family == AF_INET6,
	           "no client address and not local");
	FUZZ_CHECK(proxy_parse(data, h.len, &again, &why) == PROXY_DONE && again.len == h.len &&
	           again.local == h.local && memcmp(&again.src, &h.src, sizeof h.src) == 0,
	           "the header alone parses otherwise");
	size_t cuts[] = { 0, h.len / 2, h.len - 1 };
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
		FUZZ_CHECK(proxy_parse(data, cuts[i], &again, &why) == PROXY_MORE,
		           "a prefix of a header does not ask for more");
}

static void
check_cidr(const uint8_t *data, size_t size)
{
	struct cidr_list l;
	char err[256];
	char *text = fuzz_strndup(data, size);

	err[0] = '\0';
	if (cidr_list_parse(text, &l, err, sizeof err) == 0) {
		FUZZ_CHECK(l.n >= 1 && l.n <= PROXY_FROM_MAX, "list size out of bounds");
		for (size_t i = 0; i < l.n; i++)
			FUZZ_CHECK(l.nets[i].prefix <= (l.nets[i].family == AF_INET ? 32u : 128u),
			           "prefix past the address");
	} else {
		FUZZ_CHECK(err[0] != '\0', "list refused without a reason");
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_header(data, size);
	check_cidr(data, size);
	return 0;
}
