/*
 * version.c: the version line of all three programs. SEALED_VERSION comes
 * from the VERSION file through the Makefile; SEALED_WOLFSSL_TUNED is 1 when
 * the build links tools/wolfssl.sh's static wolfSSL, 0 for Debian's shared
 * one. The wolfSSL version is the one of the headers the program was built
 * with; a shared library loaded at run time may be newer, and then both show.
 */
#include "version.h"

#include <string.h>
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/version.h>

#ifndef SEALED_VERSION
#define SEALED_VERSION "unknown"
#endif
#ifndef SEALED_WOLFSSL_TUNED
#define SEALED_WOLFSSL_TUNED 0
#endif

const char *
version_string(void)
{
	return SEALED_VERSION;
}

void
version_print(FILE *out, const char *program)
{
	const char *built = LIBWOLFSSL_VERSION_STRING, *loaded = wolfSSL_lib_version();

	fprintf(out, "%s %s (wolfSSL %s%s%s, %s)\n", program, SEALED_VERSION, built,
	        strcmp(built, loaded) != 0 ? ", running " : "",
	        strcmp(built, loaded) != 0 ? loaded : "",
	        SEALED_WOLFSSL_TUNED ? "tuned" : "system");
}
