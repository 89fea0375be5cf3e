/*
 * timeconst.h: the units of time, defined once for every file that
 * converts between them. Plain integer constants (the large ones long
 * long, so that an int count of seconds times NS_PER_S cannot overflow);
 * write a floating-point division as x / (double)US_PER_S. Constants only.
 */
#ifndef SEALED_TIMECONST_H
#define SEALED_TIMECONST_H

#define S_PER_MIN   60
#define MS_PER_S    1000
#define US_PER_MS   1000
#define NS_PER_US   1000
#define US_PER_S    1000000LL
#define NS_PER_MS   1000000LL
#define NS_PER_S    1000000000LL

#endif
