// Element-wise kernels: SwiGLU, residual add, embedding lookup.
#include "lt_ops.h"
#include "lt_internal.h"
#include "lt_threads.h"
#include "vmath.h"

#include <math.h>

/// Elements per task of the element-wise kernels.
#define CHUNK 4096

typedef struct {
    const float *gate, *up;
    float *out;
    size_t n;
} swiglu_job;

#if LT_X86
LT_AVX512 static void swiglu_avx512(const float *g, const float *u, float *out, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 gv = _mm512_loadu_ps(g + i);
        __m512 e = lt_exp512(_mm512_sub_ps(_mm512_setzero_ps(), gv));
        __m512 silu = _mm512_div_ps(gv, _mm512_add_ps(_mm512_set1_ps(1.0f), e));
        _mm512_storeu_ps(out + i, _mm512_mul_ps(silu, _mm512_loadu_ps(u + i)));
    }
    for (; i < n; i++) out[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

LT_AVX2 static void swiglu_avx2(const float *g, const float *u, float *out, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 gv = _mm256_loadu_ps(g + i);
        __m256 e = lt_exp256(_mm256_sub_ps(_mm256_setzero_ps(), gv));
        __m256 silu = _mm256_div_ps(gv, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(silu, _mm256_loadu_ps(u + i)));
    }
    for (; i < n; i++) out[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}
#endif

static void swiglu_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const swiglu_job *job = ctx;
    size_t start = begin * CHUNK, stop = lt_min(job->n, end * CHUNK);
#if LT_X86
    if (lt_isa_active() >= LT_ISA_AVX512) {
        swiglu_avx512(job->gate + start, job->up + start, job->out + start, stop - start);
        return;
    }
    if (lt_isa_active() >= LT_ISA_AVX2_FMA) {
        swiglu_avx2(job->gate + start, job->up + start, job->out + start, stop - start);
        return;
    }
#endif
    for (size_t i = start; i < stop; i++) job->out[i] = job->gate[i] / (1.0f + expf(-job->gate[i])) * job->up[i];
}

void lt_swiglu_f32(const float *gate, const float *up, float *out, size_t n) {
    swiglu_job job = {gate, up, out, n};
    lt_parallel_for(lt_ceil_div(n, CHUNK), swiglu_task, &job);
}

void lt_add_f32(float *y, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

void lt_embedding_f32(const float *table, size_t dim, const int32_t *ids, size_t n, float *out) {
    for (size_t i = 0; i < n; i++) memcpy(out + i * dim, table + (size_t)ids[i] * dim, dim * sizeof(float));
}
