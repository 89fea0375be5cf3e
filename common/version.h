/*
 * version.h: the one version line of sealed, seal and seal-load: the
 * program, the version from the VERSION file (the Makefile passes it as
 * SEALED_VERSION), the wolfSSL it was built with and whether that is the
 * tuned static build (SEALED_WOLFSSL_TUNED) or Debian's library. Pure; any
 * thread.
 */
#ifndef SEALED_VERSION_H
#define SEALED_VERSION_H

#include <stdio.h>

/* "1.0.0" (or "unknown" in a build that did not pass SEALED_VERSION). */
const char *version_string(void);

/* Writes "PROGRAM 1.0.0 (wolfSSL 5.5.4, tuned)" and a newline to OUT. */
void version_print(FILE *out, const char *program);

#endif
