// The training kernels' thread pool: persistent workers woken by a condition
// variable for each parallel region. Units are split into contiguous ranges,
// one per thread; every unit writes its own outputs, so the thread count never
// changes a result.
#include "lt_train.h"
#include "train_internal.h"
#include <pthread.h>
#include <stdbool.h>

#define MAX_THREADS 64

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake, done;
    pthread_mutex_t region;   // one parallel region at a time
    int threads, started;
    unsigned generation;
    int pending;
    lt_train_task fn;
    void *ctx;
    size_t n;
    int active;
    pthread_t workers[MAX_THREADS];
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
          PTHREAD_MUTEX_INITIALIZER, 1, 0, 0, 0, 0, 0, 0, 0, {0}};

static _Thread_local bool in_region;

static void run_share(int t) {
    size_t begin = pool.n * (size_t)t / (size_t)pool.active;
    size_t end = pool.n * (size_t)(t + 1) / (size_t)pool.active;
    if (begin < end) pool.fn(pool.ctx, begin, end, t);
}

static void *worker(void *arg) {
    int index = (int)(size_t)arg;
    in_region = true;
    unsigned seen = 0;
    pthread_mutex_lock(&pool.mu);
    for (;;) {
        while (pool.generation == seen) pthread_cond_wait(&pool.wake, &pool.mu);
        seen = pool.generation;
        bool part = index < pool.active;
        pthread_mutex_unlock(&pool.mu);
        if (part) run_share(index);
        pthread_mutex_lock(&pool.mu);
        if (part && --pool.pending == 0) pthread_cond_signal(&pool.done);
    }
    return NULL;
}

void lt_train_set_threads(int n) {
    if (n < 1) n = 1;
    if (n > MAX_THREADS) n = MAX_THREADS;
    pthread_mutex_lock(&pool.region);
    pthread_mutex_lock(&pool.mu);
    while (pool.started < n - 1) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 8u << 20);
        if (pthread_create(&pool.workers[pool.started], &attr, worker, (void *)(size_t)(pool.started + 1)) != 0) {
            pthread_attr_destroy(&attr);
            break;
        }
        pthread_attr_destroy(&attr);
        pthread_detach(pool.workers[pool.started]);
        pool.started++;
    }
    pool.threads = pool.started + 1 < n ? pool.started + 1 : n;
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
    pool.fn = fn;
    pool.ctx = ctx;
    pool.n = n;
    pool.active = (size_t)pool.threads < n ? pool.threads : (int)n;
    pool.pending = pool.active - 1;
    pool.generation++;
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.mu);
    run_share(0);
    pthread_mutex_lock(&pool.mu);
    while (pool.pending > 0) pthread_cond_wait(&pool.done, &pool.mu);
    pthread_mutex_unlock(&pool.mu);
    in_region = false;
    pthread_mutex_unlock(&pool.region);
}
