/*
 * load_report.h: what seal-load shows: the live line on a terminal (once a
 * second, on stderr) and the final summary on stdout, as text or as one JSON
 * object. Formatting only, from snapshots; main thread.
 */
#ifndef SEAL_LOAD_REPORT_H
#define SEAL_LOAD_REPORT_H

#include <stdio.h>

#include "load.h"
#include "load_aead.h"

struct load_result {
	struct load_snapshot snap;
	double elapsed_s;     /* start of the run to the end of the last session */
	double open_s;        /* idle: until every client was open or had failed */
	double hold_s;        /* idle: how long the sessions were held */
	const char *addr;     /* the address connected to */
	struct load_aead_result aead;   /* mode aead */
};

/* One live line ("\r" + text + clear to end of line): elapsed seconds, ok and
 * failed, the rate over the last INTERVAL_S, p50/p99, and a bar filled to
 * PROGRESS (0..1). PREV is the snapshot of the previous line. */
void load_report_live(FILE *out, const struct load_opts *o, const struct load_snapshot *cur,
                      const struct load_snapshot *prev, double elapsed_s,
                      double interval_s, double progress);

/* The final summary as text. */
void load_report_text(FILE *out, const struct load_opts *o, const struct load_result *r);

/* The final summary as one JSON object and a newline. */
void load_report_json(FILE *out, const struct load_opts *o, const struct load_result *r);

#endif
