/*
 * jobs.h: a small pool of threads for work that must not run on an event
 * loop (password hashing, fsync). A job's result goes back to the worker that
 * owns the connection, through that worker's completion queue.
 */
#ifndef SEALED_JOBS_H
#define SEALED_JOBS_H

struct jobs;
struct conn;

struct job {
	void        (*work)(void *);
	void        (*done)(struct conn *, void *);
	void        (*release)(void *);
	void         *arg;
	struct conn  *conn;
	struct job   *next;
};

/* Starts N threads. NULL on failure. */
struct jobs *jobs_start(int n);

/* Queues J (owned by the pool until it is handed to the worker). 0, or -1
 * when the queue is full or stopping. Any thread. */
int jobs_submit(struct jobs *, struct job *j);

/* Finishes queued jobs, then joins the threads and frees the pool. */
void jobs_stop(struct jobs *);

#endif
