/*
 * fnv.c: FNV-1a (see fnv.h).
 */
#include "fnv.h"

uint32_t
fnv_hash32(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t h = FNV32_OFFSET;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * FNV32_PRIME;
	return h;
}

uint64_t
fnv_hash64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = FNV64_OFFSET;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * FNV64_PRIME;
	return h;
}
