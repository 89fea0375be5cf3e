/*
 * fnv.h: FNV-1a, the hash of the tables keyed by text (connections per
 * address, failure counters, user names) and of the load client's session
 * ticket fingerprints. Fast and simple; not for secrets. Pure; any thread.
 */
#ifndef SEALED_FNV_H
#define SEALED_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV32_OFFSET 2166136261u
#define FNV32_PRIME  16777619u
#define FNV64_OFFSET 0xcbf29ce484222325ULL
#define FNV64_PRIME  0x100000001b3ULL

/* The 32-bit FNV-1a hash of the LEN bytes at DATA. */
uint32_t fnv_hash32(const void *data, size_t len);

/* The 64-bit FNV-1a hash of the LEN bytes at DATA. */
uint64_t fnv_hash64(const void *data, size_t len);

#endif
