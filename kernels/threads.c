// The kernels' thread pool.
//
// Workers are persistent. A parallel region is a job of chunks that every
// thread, the caller included, claims with an atomic counter; the caller
// returns once all chunks are finished. On a busy machine an unscheduled
// worker therefore costs nothing: the caller simply takes its chunks.
//
// Workers spin briefly between jobs (a decode step runs hundreds of short
// regions, and a sleep/wake per region would cost more than the work), then
// sleep on a condition variable, so an idle process uses no CPU.
//
// On an oversubscribed machine a worker can be descheduled while it holds a
// chunk, and the caller then waits a whole scheduler time slice for it. When
// such a stall happens, regions run on the caller alone for the next 10 ms
// (results do not depend on it), then parallelism is tried again. A stall is
// a wait both longer than STALL_NS and several times longer than one of the
// caller's own chunks took: a worker that is merely finishing a long chunk
// (a training GEMM runs milliseconds per chunk) is not stalled, and keeping
// such regions parallel is what long regions need. Short regions (decode)
// still fall back to serial after a genuine descheduling.
//
// Posting a job follows a sequence lock: the generation is odd while the job
// is being written, and the caller first waits until no worker is still
// inside the previous job, so a late worker never reads a half-written one.
#include "lt_threads.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#elif defined(__aarch64__)
#define cpu_relax() __asm__ volatile("yield")
#else
#define cpu_relax() ((void)0)
#endif

/// Relax iterations a worker spins before sleeping (tens of microseconds).
#define SPIN_LIMIT 8000
/// Relax iterations the caller spins before yielding while chunks finish.
#define WAIT_SPINS 2000
/// Chunks per thread: enough to balance uneven progress, few enough to keep
/// each chunk's work contiguous.
#define CHUNKS_PER_THREAD 4
/// A wait for workers longer than this (nanoseconds), and longer than
/// STALL_CHUNKS of the caller's own chunks took, counts as a stall...
#define STALL_NS 200000
#define STALL_CHUNKS 4
/// ...after which regions run on the caller alone for this long (ns): about
/// two decode steps. A time, not a count of regions, so that a false alarm in
/// a long-region workload (training) costs at most this much parallelism.
#define SERIAL_AFTER_STALL_NS 10000000
/// Worker stack size: kernels keep tiles of a few kilobytes on the stack.
#define WORKER_STACK (8u << 20)

static struct {
    pthread_mutex_t region;        // held by the caller of a parallel region
    pthread_mutex_t mu;            // guards sleeping workers
    pthread_cond_t wake;
    int threads;                   // configured thread count
    int started;                   // workers running
    pthread_t workers[LT_MAX_THREADS];
    unsigned start_generation[LT_MAX_THREADS];
    // The current job: valid while `generation` is even and unchanged.
    lt_task_fn fn;
    void *ctx;
    size_t n, chunks;
    atomic_size_t next;            // next chunk to claim
    atomic_size_t done;            // chunks finished
    atomic_uint generation;
    atomic_int inside;             // workers currently looking at a job
    atomic_int sleepers;
    atomic_bool stop;
    long long serial_until;        // now_ns() before which regions run serially (after a stall)
} pool = {
    .region = PTHREAD_MUTEX_INITIALIZER,
    .mu = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
    .threads = 2,
};

/// Set while a thread runs inside a parallel region: nested regions run serially.
static _Thread_local bool in_region;

/// Claims and runs chunks until none are left; returns how many it ran.
static size_t run_chunks(int thread) {
    size_t c, ran = 0;
    while ((c = atomic_fetch_add(&pool.next, 1)) < pool.chunks) {
        size_t begin = pool.n * c / pool.chunks, end = pool.n * (c + 1) / pool.chunks;
        if (begin < end) pool.fn(pool.ctx, begin, end, thread);
        atomic_fetch_add(&pool.done, 1);
        ran++;
    }
    return ran;
}

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/// A job this worker has not seen is posted (or the pool stops).
static bool has_news(unsigned seen) {
    unsigned g = atomic_load(&pool.generation);
    return (g != seen && (g & 1) == 0) || atomic_load(&pool.stop);
}

static void *worker_main(void *arg) {
    int index = (int)(size_t)arg;  // 1...threads-1
    in_region = true;
    unsigned seen = pool.start_generation[index];
    for (;;) {
        int spins = 0;
        while (!has_news(seen)) {
            if (++spins < SPIN_LIMIT) { cpu_relax(); continue; }
            pthread_mutex_lock(&pool.mu);
            atomic_fetch_add(&pool.sleepers, 1);
            while (!has_news(seen)) pthread_cond_wait(&pool.wake, &pool.mu);
            atomic_fetch_sub(&pool.sleepers, 1);
            pthread_mutex_unlock(&pool.mu);
        }
        if (atomic_load(&pool.stop)) return NULL;
        unsigned g = atomic_load(&pool.generation);
        if (g & 1) continue;  // a new job is being written: wait for it
        atomic_fetch_add(&pool.inside, 1);
        if (atomic_load(&pool.generation) == g) run_chunks(index);
        atomic_fetch_sub(&pool.inside, 1);
        seen = g;
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

/// Starts the workers for the configured count (as many as can be made).
static void start_workers(void) {
    while (pool.started < pool.threads - 1) {
        int i = pool.started + 1;
        pool.start_generation[i] = atomic_load(&pool.generation);
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, WORKER_STACK);
        int failed = pthread_create(&pool.workers[i], &attr, worker_main, (void *)(size_t)i);
        pthread_attr_destroy(&attr);
        if (failed) return;
        pool.started = i;
    }
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
    if (pool.serial_until != 0 && now_ns() < pool.serial_until) {
        pthread_mutex_unlock(&pool.region);
        run_serially(n, fn, ctx);
        return;
    }
    start_workers();
    if (pool.started == 0) {
        pthread_mutex_unlock(&pool.region);
        run_serially(n, fn, ctx);
        return;
    }
    // Close the previous job and wait for late workers to leave it.
    unsigned g = atomic_load(&pool.generation);
    atomic_store(&pool.generation, g + 1);
    while (atomic_load(&pool.inside) > 0) cpu_relax();
    size_t threads = (size_t)pool.started + 1;
    pool.fn = fn;
    pool.ctx = ctx;
    pool.n = n;
    pool.chunks = n < threads * CHUNKS_PER_THREAD ? n : threads * CHUNKS_PER_THREAD;
    atomic_store(&pool.next, 0);
    atomic_store(&pool.done, 0);
    atomic_store(&pool.generation, g + 2);  // publish
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.mu);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.mu);
    }
    in_region = true;
    long long started = now_ns();
    size_t ran = run_chunks(0);
    long long finished = now_ns();
    in_region = false;
    int spins = 0;
    while (atomic_load(&pool.done) < pool.chunks) {
        if (++spins < WAIT_SPINS) { cpu_relax(); continue; }
        sched_yield();
    }
    if (spins >= WAIT_SPINS) {
        long long waited = now_ns() - finished;
        // One of the caller's chunks took about (finished - started) / ran; a
        // worker busy with a chunk of its own finishes within about that.
        long long chunk = ran > 0 ? (finished - started) / (long long)ran : 0;
        if (waited > STALL_NS && waited > STALL_CHUNKS * chunk) pool.serial_until = now_ns() + SERIAL_AFTER_STALL_NS;
    }
    pthread_mutex_unlock(&pool.region);
}
