// The kernels' thread pool: persistent workers that spin briefly between
// parallel regions (a decode step runs hundreds of short regions, and a
// condition-variable wake-up per region would cost more than the work), then
// sleep on a condition variable so an idle process uses no CPU.
#include "lt_threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ volatile("yield")
#else
#define cpu_relax() ((void)0)
#endif

/// How many relax iterations a worker spins before sleeping (~0.5 ms).
#define SPIN_LIMIT 20000

static struct {
    pthread_mutex_t region;        // held by the caller of a parallel region
    pthread_mutex_t mu;            // guards sleeping workers
    pthread_cond_t wake;
    int threads;                   // configured thread count
    int started;                   // workers running (threads - 1 once started)
    pthread_t workers[LT_MAX_THREADS];
    unsigned start_generation[LT_MAX_THREADS];  // the last job a new worker must not run
    // The current job, published by bumping `generation`.
    lt_task_fn fn;
    void *ctx;
    size_t n;
    int active;                    // threads taking part in the job
    atomic_uint generation;
    atomic_int pending;            // workers that have not yet finished the job
    atomic_int sleepers;
    atomic_bool stop;
} pool = {
    .region = PTHREAD_MUTEX_INITIALIZER,
    .mu = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
    .threads = 2,
};

/// Set while a thread runs inside a parallel region: nested regions run serially.
static _Thread_local bool in_region;

static void run_share(int t, int active) {
    size_t begin = pool.n * (size_t)t / (size_t)active;
    size_t end = pool.n * (size_t)(t + 1) / (size_t)active;
    if (begin < end) pool.fn(pool.ctx, begin, end, t);
}

static void *worker_main(void *arg) {
    int index = (int)(size_t)arg;  // 1...threads-1
    in_region = true;
    // Not the current generation: a job may already be posted by the time
    // this thread first runs, and it must take part in it.
    unsigned seen = pool.start_generation[index];
    for (;;) {
        unsigned gen;
        int spins = 0;
        while ((gen = atomic_load(&pool.generation)) == seen && !atomic_load(&pool.stop)) {
            if (++spins < SPIN_LIMIT) { cpu_relax(); continue; }
            pthread_mutex_lock(&pool.mu);
            atomic_fetch_add(&pool.sleepers, 1);
            while (atomic_load(&pool.generation) == seen && !atomic_load(&pool.stop))
                pthread_cond_wait(&pool.wake, &pool.mu);
            atomic_fetch_sub(&pool.sleepers, 1);
            pthread_mutex_unlock(&pool.mu);
            spins = 0;
        }
        if (atomic_load(&pool.stop)) return NULL;
        seen = gen;
        // Every worker acknowledges every job, taking part or not, so no
        // worker can still be looking at an old job when the next is posted.
        if (index < pool.active) run_share(index, pool.active);
        atomic_fetch_sub(&pool.pending, 1);
    }
}

static void stop_workers(void) {
    if (pool.started == 0) return;
    pthread_mutex_lock(&pool.mu);
    atomic_store(&pool.stop, true);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.mu);
    for (int i = 1; i <= pool.started; i++) pthread_join(pool.workers[i], NULL);
    pool.started = 0;
    atomic_store(&pool.stop, false);
}

/// Starts the workers for the configured count; false if threads cannot be made.
static bool start_workers(void) {
    while (pool.started < pool.threads - 1) {
        int i = pool.started + 1;
        pool.start_generation[i] = atomic_load(&pool.generation);
        if (pthread_create(&pool.workers[i], NULL, worker_main, (void *)(size_t)i) != 0) return false;
        pool.started = i;
    }
    return true;
}

void lt_set_threads(int n) {
    if (n < 1) n = 1;
    if (n > LT_MAX_THREADS) n = LT_MAX_THREADS;
    pthread_mutex_lock(&pool.region);
    if (n != pool.threads) {
        stop_workers();
        pool.threads = n;
    }
    pthread_mutex_unlock(&pool.region);
}

int lt_get_threads(void) { return pool.threads; }

static void run_serially(size_t n, lt_task_fn fn, void *ctx) {
    bool was = in_region;
    in_region = true;
    fn(ctx, 0, n, 0);
    in_region = was;
}

void lt_parallel_for(size_t n, lt_task_fn fn, void *ctx) {
    if (n == 0) return;
    if (n == 1 || in_region || pool.threads == 1 || pthread_mutex_trylock(&pool.region) != 0) {
        run_serially(n, fn, ctx);
        return;
    }
    if (!start_workers() || pool.started == 0) {
        pthread_mutex_unlock(&pool.region);
        run_serially(n, fn, ctx);
        return;
    }
    int active = pool.started + 1;
    if ((size_t)active > n) active = (int)n;
    pool.fn = fn;
    pool.ctx = ctx;
    pool.n = n;
    pool.active = active;
    atomic_store(&pool.pending, pool.started);
    atomic_fetch_add(&pool.generation, 1);  // publishes the job (seq_cst)
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.mu);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.mu);
    }
    in_region = true;
    run_share(0, active);
    in_region = false;
    int spins = 0;
    while (atomic_load(&pool.pending) > 0) {
        if (++spins < SPIN_LIMIT) cpu_relax();
        else sched_yield();
    }
    pthread_mutex_unlock(&pool.region);
}
