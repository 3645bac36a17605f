// Causal attention with grouped-query heads: for each (token, head) the
// scores against every visible cached key, a softmax, and the weighted sum
// of the cached values. Work splits over (token, head) pairs, each computed
// entirely by one thread.
#include "lt_attention.h"
#include "gemm.h"
#include "lt_internal.h"
#include "lt_threads.h"
#include "vmath.h"

#include <math.h>
#include <stdlib.h>

void lt_kv_store_f32(const float *kv, float *cache, size_t capacity, size_t T, size_t start,
                     size_t G, size_t D) {
    for (size_t t = 0; t < T; t++)
        for (size_t g = 0; g < G; g++)
            memcpy(cache + (g * capacity + start + t) * D, kv + (t * G + g) * D, D * sizeof(float));
}

typedef struct {
    const float *q, *k, *v;
    size_t capacity;
    float *out, *lse;
    size_t start, H, G, D;
    float scale;
    const int32_t *seg;
} attention_job;

/// The first key new token t may see: 0, or with segment ids the first
/// position of t's segment (packed documents; then start is 0).
static size_t first_visible(const attention_job *job, size_t t) {
    if (!job->seg) return 0;
    size_t j = t;
    while (j > 0 && job->seg[j - 1] == job->seg[t]) j--;
    return j;
}

#if LT_X86
/// Scores of one query against keys 0..n-1 (D a multiple of 16), scaled.
LT_AVX512 static void scores_avx512(const float *q, const float *k, size_t n, size_t D, float scale, float *s) {
    for (size_t j = 0; j < n; j++) {
        const float *kj = k + j * D;
        __m512 acc = _mm512_mul_ps(_mm512_loadu_ps(q), _mm512_loadu_ps(kj));
        for (size_t d = 16; d < D; d += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(q + d), _mm512_loadu_ps(kj + d), acc);
        s[j] = _mm512_reduce_add_ps(acc) * scale;
    }
}

/// s[j] = exp(s[j] - m); returns the sum in float64.
LT_AVX512 static double exp_avx512(float *s, size_t n, float m) {
    __m512 mv = _mm512_set1_ps(m);
    __m512d acc = _mm512_setzero_pd();
    size_t j = 0;
    for (; j + 16 <= n; j += 16) {
        __m512 e = lt_exp512(_mm512_sub_ps(_mm512_loadu_ps(s + j), mv));
        _mm512_storeu_ps(s + j, e);
        acc = _mm512_add_pd(acc, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        acc = _mm512_add_pd(acc, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1))));
    }
    double sum = _mm512_reduce_add_pd(acc);
    for (; j < n; j++) {
        s[j] = expf(s[j] - m);
        sum += s[j];
    }
    return sum;
}

/// out[D] = sum_j p[j] * v[j] (D a multiple of 16, at most 256).
LT_AVX512 static void weighted_sum_avx512(const float *p, const float *v, size_t n, size_t D, float *out) {
    __m512 acc[16];
    size_t vecs = D / 16;
    for (size_t i = 0; i < vecs; i++) acc[i] = _mm512_setzero_ps();
    for (size_t j = 0; j < n; j++) {
        __m512 pj = _mm512_set1_ps(p[j]);
        const float *vj = v + j * D;
        for (size_t i = 0; i < vecs; i++) acc[i] = _mm512_fmadd_ps(pj, _mm512_loadu_ps(vj + 16 * i), acc[i]);
    }
    for (size_t i = 0; i < vecs; i++) _mm512_storeu_ps(out + 16 * i, acc[i]);
}

/// The three steps above with 8 lanes (D a multiple of 8, at most 256).
LT_AVX2 static void scores_avx2(const float *q, const float *k, size_t n, size_t D, float scale, float *s) {
    for (size_t j = 0; j < n; j++) {
        const float *kj = k + j * D;
        __m256 acc = _mm256_mul_ps(_mm256_loadu_ps(q), _mm256_loadu_ps(kj));
        for (size_t d = 8; d < D; d += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), _mm256_loadu_ps(kj + d), acc);
        s[j] = lt_hsum_avx2(acc) * scale;
    }
}

LT_AVX2 static double exp_avx2(float *s, size_t n, float m) {
    __m256 mv = _mm256_set1_ps(m);
    __m256d acc = _mm256_setzero_pd();
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 e = lt_exp256(_mm256_sub_ps(_mm256_loadu_ps(s + j), mv));
        _mm256_storeu_ps(s + j, e);
        acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        acc = _mm256_add_pd(acc, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    __m128d h = _mm_add_pd(_mm256_castpd256_pd128(acc), _mm256_extractf128_pd(acc, 1));
    double sum = _mm_cvtsd_f64(_mm_add_sd(h, _mm_unpackhi_pd(h, h)));
    for (; j < n; j++) {
        s[j] = expf(s[j] - m);
        sum += s[j];
    }
    return sum;
}

/// out[D] = sum_j p[j] * v[j], 64 dimensions (8 registers) at a time.
LT_AVX2 static void weighted_sum_avx2(const float *p, const float *v, size_t n, size_t D, float *out) {
    for (size_t d0 = 0; d0 < D; d0 += 64) {
        size_t vecs = lt_min(64, D - d0) / 8;
        __m256 acc[8];
        for (size_t i = 0; i < vecs; i++) acc[i] = _mm256_setzero_ps();
        for (size_t j = 0; j < n; j++) {
            __m256 pj = _mm256_set1_ps(p[j]);
            const float *vj = v + j * D + d0;
            for (size_t i = 0; i < vecs; i++) acc[i] = _mm256_fmadd_ps(pj, _mm256_loadu_ps(vj + 8 * i), acc[i]);
        }
        for (size_t i = 0; i < vecs; i++) _mm256_storeu_ps(out + d0 + 8 * i, acc[i]);
    }
}

/// Which vector path fits: 2 for AVX-512, 1 for AVX2, 0 for none.
static int vector_level(size_t D) {
    lt_isa isa = lt_isa_active();
    if (D > 256) return 0;
    if (isa >= LT_ISA_AVX512 && D % 16 == 0) return 2;
    if (isa >= LT_ISA_AVX2_FMA && D % 8 == 0) return 1;
    return 0;
}
#endif

static void attention_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const attention_job *job = ctx;
    size_t H = job->H, D = job->D, group = H / job->G;
    size_t last = (end - 1) / H;  // the furthest token of this range sees the most keys
    float *s = malloc((job->start + last + 1) * sizeof(float));
    if (!s) return;  // cannot happen for sane sizes; the caller checks outputs
    int fast = 0;
#if LT_X86
    fast = vector_level(D);
#endif
    for (size_t idx = begin; idx < end; idx++) {
        size_t t = idx / H, h = idx % H, g = h / group, j0 = first_visible(job, t);
        size_t n = job->start + t + 1 - j0;  // visible positions, from j0
        const float *q = job->q + idx * D;
        const float *k = job->k + (g * job->capacity + j0) * D, *v = job->v + (g * job->capacity + j0) * D;
        float *out = job->out + idx * D;
        double sum;
        float m = -INFINITY;
#if LT_X86
        if (fast) {
            if (fast == 2) scores_avx512(q, k, n, D, job->scale, s);
            else scores_avx2(q, k, n, D, job->scale, s);
            for (size_t j = 0; j < n; j++) m = s[j] > m ? s[j] : m;
            sum = fast == 2 ? exp_avx512(s, n, m) : exp_avx2(s, n, m);
            float inv = (float)(1.0 / sum);
            for (size_t j = 0; j < n; j++) s[j] *= inv;
            if (fast == 2) weighted_sum_avx512(s, v, n, D, out);
            else weighted_sum_avx2(s, v, n, D, out);
            if (job->lse) job->lse[idx] = (float)((double)m + log(sum));
            continue;
        }
#endif
        for (size_t j = 0; j < n; j++) {
            float dot = 0.0f;
            for (size_t d = 0; d < D; d++) dot = fmaf(q[d], k[j * D + d], dot);
            s[j] = dot * job->scale;
            m = s[j] > m ? s[j] : m;
        }
        sum = 0.0;
        for (size_t j = 0; j < n; j++) {
            s[j] = expf(s[j] - m);
            sum += s[j];
        }
        float inv = (float)(1.0 / sum);
        for (size_t d = 0; d < D; d++) out[d] = 0.0f;
        for (size_t j = 0; j < n; j++) {
            float p = s[j] * inv;
            for (size_t d = 0; d < D; d++) out[d] = fmaf(p, v[j * D + d], out[d]);
        }
        if (job->lse) job->lse[idx] = (float)((double)m + log(sum));
    }
    free(s);
}

// Prompts and training batches: a block of queries of one head at a time.
// Their scores against a panel of 32 keys are a small matrix product, run by
// the GEMM micro-kernel on the transposed key panel (each key is transposed
// once per block instead of being reduced once per query).

#define QUERY_BLOCK 8

#if LT_X86
typedef struct {
    const attention_job *job;
    size_t T, blocks;
    int level;  // vector_level(D): 2 or 1
} blocked_job;

static _Thread_local float key_panel[256 * LT_GEMM_NR] __attribute__((aligned(64)));

static void attention_block_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const blocked_job *bj = ctx;
    const attention_job *job = bj->job;
    size_t H = job->H, D = job->D, group = H / job->G;
    size_t most = job->start + bj->T;  // keys visible to the last query
    float *s = malloc(QUERY_BLOCK * most * sizeof(float));
    if (!s) return;
    for (size_t task = begin; task < end; task++) {
        size_t h = task % H, t0 = (task / H) * QUERY_BLOCK, g = h / group;
        size_t nq = lt_min(QUERY_BLOCK, bj->T - t0);
        size_t nmax = job->start + t0 + nq;  // keys the block's last query sees
        const float *k = job->k + g * job->capacity * D, *v = job->v + g * job->capacity * D;
        const float *q = job->q + (t0 * H + h) * D;
        for (size_t p0 = 0; p0 < nmax; p0 += LT_GEMM_NR) {
            size_t nvalid = lt_min(LT_GEMM_NR, nmax - p0);
            lt_pack_transpose_f32(k + p0 * D, D, nvalid, D, key_panel);
            lt_gemm_f32_tile(nq, D, q, H * D, 1, key_panel, s + p0, nmax, nvalid, 0);
        }
        for (size_t i = 0; i < nq; i++) {
            size_t j0 = first_visible(job, t0 + i), idx = (t0 + i) * H + h;
            size_t n = job->start + t0 + i + 1 - j0;  // visible keys, from j0
            float *row = s + i * nmax + j0;
            float m = -INFINITY;
            for (size_t j = 0; j < n; j++) {
                row[j] *= job->scale;
                m = row[j] > m ? row[j] : m;
            }
            double sum = bj->level == 2 ? exp_avx512(row, n, m) : exp_avx2(row, n, m);
            float inv = (float)(1.0 / sum);
            for (size_t j = 0; j < n; j++) row[j] *= inv;
            if (bj->level == 2) weighted_sum_avx512(row, v + j0 * D, n, D, job->out + idx * D);
            else weighted_sum_avx2(row, v + j0 * D, n, D, job->out + idx * D);
            if (job->lse) job->lse[idx] = (float)((double)m + log(sum));
        }
    }
    free(s);
}
#endif

void lt_attention_f32(const float *q, const float *k_cache, const float *v_cache, size_t capacity,
                      float *out, float *lse, size_t T, size_t start, size_t H, size_t G, size_t D,
                      float scale, const int32_t *seg) {
    attention_job job = {q, k_cache, v_cache, capacity, out, lse, start, H, G, D, scale, seg};
#if LT_X86
    int level = vector_level(D);
    if (T >= QUERY_BLOCK && level > 0) {
        blocked_job bj = {&job, T, lt_ceil_div(T, QUERY_BLOCK), level};
        lt_parallel_for(bj.blocks * H, attention_block_task, &bj);
        return;
    }
#endif
    lt_parallel_for(T * H, attention_task, &job);
}
