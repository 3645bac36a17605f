// Whole-array helpers: finiteness scan, seeded normal fill.
#include "lt_util.h"
#include "lt_internal.h"
#include "lt_threads.h"

#include <math.h>

#define CHUNK 65536

typedef struct {
    const float *x;
    size_t n;
    int64_t *first;  // per task
} scan_job;

static void scan_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const scan_job *job = ctx;
    for (size_t t = begin; t < end; t++) {
        job->first[t] = -1;
        size_t stop = lt_min(job->n, (t + 1) * CHUNK);
        for (size_t i = t * CHUNK; i < stop; i++) {
            // isfinite() may be folded away under fast-math flags; test the exponent bits.
            uint32_t u;
            memcpy(&u, job->x + i, 4);
            if ((u & 0x7f800000u) == 0x7f800000u) { job->first[t] = (int64_t)i; break; }
        }
    }
}

int64_t lt_first_nonfinite_f32(const float *x, size_t n) {
    size_t tasks = lt_ceil_div(n, CHUNK);
    if (tasks == 0) return -1;
    int64_t stack[64], *first = tasks <= 64 ? stack : lt_alloc(tasks * sizeof(int64_t));
    if (!first) {  // no scratch: scan serially
        for (size_t i = 0; i < n; i++) {
            uint32_t u;
            memcpy(&u, x + i, 4);
            if ((u & 0x7f800000u) == 0x7f800000u) return (int64_t)i;
        }
        return -1;
    }
    scan_job job = {x, n, first};
    lt_parallel_for(tasks, scan_task, &job);
    int64_t found = -1;
    for (size_t t = 0; t < tasks && found < 0; t++) found = first[t];
    if (first != stack) lt_free(first);
    return found;
}

/// SplitMix64 finaliser: a good 64-bit hash of a counter.
static inline uint64_t mix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

typedef struct {
    float *x;
    size_t n;
    uint64_t seed;
    float std;
} fill_job;

static void fill_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const fill_job *job = ctx;
    uint64_t key = mix64(job->seed);
    size_t start = begin * CHUNK, stop = lt_min(job->n, end * CHUNK);
    // Box-Muller on pairs: elements 2j and 2j+1 share the uniforms of counter j.
    for (size_t i = start & ~(size_t)1; i < stop; i += 2) {
        uint64_t a = mix64(key ^ (uint64_t)i), b = mix64(a ^ 0x5851f42d4c957f2dull);
        double u1 = ((double)(a >> 11) + 1.0) / 9007199254740993.0;  // (0, 1]
        double u2 = (double)(b >> 11) / 9007199254740992.0;         // [0, 1)
        double r = sqrt(-2.0 * log(u1)), angle = 6.283185307179586 * u2;
        if (i >= start) job->x[i] = (float)(r * cos(angle)) * job->std;
        if (i + 1 < stop) job->x[i + 1] = (float)(r * sin(angle)) * job->std;
    }
}

void lt_fill_normal_f32(float *x, size_t n, uint64_t seed, float std) {
    fill_job job = {x, n, seed, std};
    lt_parallel_for(lt_ceil_div(n, CHUNK), fill_task, &job);
}
