/*
 * attrs.h: compiler attributes the three programs share. Macros only.
 */
#ifndef SEALED_ATTRS_H
#define SEALED_ATTRS_H

/* A function whose argument F is a printf format for the arguments from A on. */
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

#endif
