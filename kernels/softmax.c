// Softmax over rows. (Cross-entropy, for training and perplexity alike, is
// lt_train_cross_entropy in train_xent.c.)
#include "lt_ops.h"
#include "lt_internal.h"
#include "lt_threads.h"
#include "vmath.h"

#include <math.h>

static float row_max(const float *x, size_t n) {
    float m = -INFINITY;
    for (size_t i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}

#if LT_X86
LT_AVX512 static double exp_shifted_avx512(const float *x, float *out, size_t n, float shift) {
    __m512d acc0 = _mm512_setzero_pd(), acc1 = _mm512_setzero_pd();
    __m512 s = _mm512_set1_ps(shift);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 e = lt_exp512(_mm512_sub_ps(_mm512_loadu_ps(x + i), s));
        if (out) _mm512_storeu_ps(out + i, e);
        acc0 = _mm512_add_pd(acc0, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        acc1 = _mm512_add_pd(acc1, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
    }
    double sum = _mm512_reduce_add_pd(_mm512_add_pd(acc0, acc1));
    for (; i < n; i++) {
        float e = expf(x[i] - shift);
        if (out) out[i] = e;
        sum += e;
    }
    return sum;
}
#endif

/// out[i] = exp(x[i] - shift); returns the sum in float64.
static double exp_shifted(const float *x, float *out, size_t n, float shift) {
    double sum = 0.0;
    size_t i = 0;
#if LT_X86
    if (lt_isa_active() >= LT_ISA_AVX512) {
        return exp_shifted_avx512(x, out, n, shift);
    }
#endif
    for (; i < n; i++) {
        float e = expf(x[i] - shift);
        if (out) out[i] = e;
        sum += e;
    }
    return sum;
}

typedef struct {
    float *x;
    size_t n;
} softmax_job;

static void softmax_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const softmax_job *job = ctx;
    for (size_t r = begin; r < end; r++) {
        float *x = job->x + r * job->n;
        float m = row_max(x, job->n);
        double sum = exp_shifted(x, x, job->n, m);
        float inv = (float)(1.0 / sum);
        for (size_t i = 0; i < job->n; i++) x[i] *= inv;
    }
}

void lt_softmax_f32(float *x, size_t rows, size_t n) {
    softmax_job job = {x, n};
    lt_parallel_for(rows, softmax_task, &job);
}
