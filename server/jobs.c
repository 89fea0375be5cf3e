/*
 * jobs.c: the job pool. A FIFO of jobs behind one mutex and condition
 * variable; each thread takes a job, runs its work, and returns it to the
 * worker that owns the job's connection. Any thread may submit.
 */
#include "jobs.h"
#include "conn.h"
#include "server_defaults.h"
#include "log.h"
#include "worker.h"

#include <pthread.h>
#include <stdlib.h>

struct jobs {
	pthread_mutex_t lock;     /* guards head, tail, count, stopping */
	pthread_cond_t  cond;
	struct job     *head, *tail;
	int             count;
	int             stopping;
	int             nthreads;
	pthread_t      *threads;
};

static struct job *
jobs_take(struct jobs *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->head == NULL && !p->stopping)
		pthread_cond_wait(&p->cond, &p->lock);
	struct job *j = p->head;
	if (j != NULL) {
		p->head = j->next;
		if (p->head == NULL)
			p->tail = NULL;
		p->count--;
	}
	pthread_mutex_unlock(&p->lock);
	return j;
}

static void *
jobs_thread(void *arg)
{
	struct jobs *p = arg;
	struct job *j;

	while ((j = jobs_take(p)) != NULL) {
		j->work(j->arg);
		j->next = NULL;
		worker_job_finished(j->conn->w, j);
	}
	return NULL;
}

struct jobs *
jobs_start(int n)
{
	struct jobs *p = calloc(1, sizeof *p);
	if (p == NULL)
		return NULL;
	p->threads = calloc((size_t)n, sizeof *p->threads);
	if (p->threads == NULL) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	for (; p->nthreads < n; p->nthreads++) {
		if (pthread_create(&p->threads[p->nthreads], NULL, jobs_thread, p) != 0) {
			log_warnx("cannot start job thread");
			jobs_stop(p);
			return NULL;
		}
	}
	return p;
}

int
jobs_submit(struct jobs *p, struct job *j)
{
	int rc = -1;
	pthread_mutex_lock(&p->lock);
	if (!p->stopping && p->count < JOB_QUEUE_MAX) {
		j->next = NULL;
		if (p->tail != NULL)
			p->tail->next = j;
		else
			p->head = j;
		p->tail = j;
		p->count++;
		rc = 0;
		pthread_cond_signal(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

void
jobs_stop(struct jobs *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p->threads);
	free(p);
}
