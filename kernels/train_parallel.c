// The training kernels' thread pool. Training regions are long (a GEMM over
// a thousand tokens, a layer's attention), so workers sleep on a condition
// variable between regions rather than spinning, and every region is split
// into more chunks than threads, claimed through an atomic counter by the
// workers and the caller alike: a worker the OS deschedules on a busy machine
// only means the others take its chunks. Each unit writes its own outputs, so
// which thread runs it never changes a result.
#include "lt_train.h"
#include "train_internal.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#define MAX_THREADS 64
#define CHUNKS_PER_THREAD 8

static struct {
    pthread_mutex_t region;   // one parallel region at a time
    pthread_mutex_t mu;
    pthread_cond_t wake, done_cv;
    int threads, started;
    unsigned generation;
    int busy;                 // workers still inside the current job
    lt_train_task fn;
    void *ctx;
    size_t n, chunks;
    atomic_size_t next;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
          PTHREAD_COND_INITIALIZER, 2, 0, 0, 0, 0, 0, 0, 0, 0};

static _Thread_local bool in_region;

static void run_chunks(int thread) {
    size_t c;
    while ((c = atomic_fetch_add(&pool.next, 1)) < pool.chunks) {
        size_t begin = pool.n * c / pool.chunks, end = pool.n * (c + 1) / pool.chunks;
        if (begin < end) pool.fn(pool.ctx, begin, end, thread);
    }
}

static void *worker(void *arg) {
    int index = (int)(size_t)arg;
    in_region = true;
    unsigned seen = 0;
    pthread_mutex_lock(&pool.mu);
    for (;;) {
        while (pool.generation == seen) pthread_cond_wait(&pool.wake, &pool.mu);
        seen = pool.generation;
        bool part = index < pool.threads;
        pthread_mutex_unlock(&pool.mu);
        if (part) run_chunks(index);
        pthread_mutex_lock(&pool.mu);
        if (part && --pool.busy == 0) pthread_cond_signal(&pool.done_cv);
    }
    return NULL;
}

/// Starts workers up to `threads - 1` (called with pool.mu held).
static void start_workers(int threads) {
    while (pool.started < threads - 1 && pool.started < MAX_THREADS - 1) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 8u << 20);
        int failed = pthread_create(&t, &attr, worker, (void *)(size_t)(pool.started + 1));
        pthread_attr_destroy(&attr);
        if (failed) break;
        pthread_detach(t);
        pool.started++;
    }
}

void lt_train_set_threads(int n) {
    if (n < 1) n = 1;
    if (n > MAX_THREADS) n = MAX_THREADS;
    pthread_mutex_lock(&pool.region);
    pthread_mutex_lock(&pool.mu);
    pool.threads = n;
    pthread_mutex_unlock(&pool.mu);
    pthread_mutex_unlock(&pool.region);
}

int lt_train_get_threads(void) { return pool.threads; }

void lt_train_parallel(size_t n, lt_train_task fn, void *ctx) {
    if (n == 0) return;
    if (in_region || pool.threads <= 1 || n == 1 || pthread_mutex_trylock(&pool.region) != 0) {
        fn(ctx, 0, n, 0);
        return;
    }
    in_region = true;
    pthread_mutex_lock(&pool.mu);
    start_workers(pool.threads);
    int helpers = pool.started < pool.threads - 1 ? pool.started : pool.threads - 1;
    size_t chunks = (size_t)(helpers + 1) * CHUNKS_PER_THREAD;
    pool.fn = fn;
    pool.ctx = ctx;
    pool.n = n;
    pool.chunks = chunks < n ? chunks : n;
    atomic_store(&pool.next, 0);
    pool.busy = helpers;
    pool.generation++;
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.mu);
    run_chunks(0);
    pthread_mutex_lock(&pool.mu);
    while (pool.busy > 0) pthread_cond_wait(&pool.done_cv, &pool.mu);
    pthread_mutex_unlock(&pool.mu);
    in_region = false;
    pthread_mutex_unlock(&pool.region);
}
