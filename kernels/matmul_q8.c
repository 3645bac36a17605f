// 8-bit block-scaled weights (for output heads): quantization, the fused
// matrix-vector kernel for decode, and the panel-dequantizing GEMM.
#include "gemm.h"
#include "lt_matmul.h"
#include "lt_threads.h"

#include <math.h>
#include <stdlib.h>

static inline size_t blocks_per_row(size_t cols) { return lt_ceil_div(cols, LT_Q8_BLOCK); }

void lt_q8_quantize(const float *W, size_t rows, size_t cols, int8_t *q, float *scales) {
    size_t nb = blocks_per_row(cols);
    for (size_t r = 0; r < rows; r++)
        for (size_t b = 0; b < nb; b++) {
            size_t start = b * LT_Q8_BLOCK, count = lt_min(LT_Q8_BLOCK, cols - start);
            const float *x = W + r * cols + start;
            float amax = 0.0f;
            for (size_t i = 0; i < count; i++) amax = fmaxf(amax, fabsf(x[i]));
            float scale = amax / 127.0f, inv = amax > 0.0f ? 127.0f / amax : 0.0f;
            scales[r * nb + b] = scale;
            for (size_t i = 0; i < count; i++) {
                float v = nearbyintf(x[i] * inv);
                q[r * cols + start + i] = (int8_t)(v > 127.0f ? 127.0f : (v < -127.0f ? -127.0f : v));
            }
        }
}

/// Values [start, start+count) of row r, dequantized.
static void dequant_row_span(const lt_q8_tensor *t, size_t r, size_t start, size_t count, float *out) {
    size_t cols = (size_t)t->cols, nb = blocks_per_row(cols);
    const int8_t *q = t->q + r * cols;
    for (size_t i = start; i < start + count; i++) out[i - start] = (float)q[i] * t->scales[r * nb + i / LT_Q8_BLOCK];
}

void lt_q8_dequantize(const lt_q8_tensor *W, float *out) {
    for (size_t r = 0; r < (size_t)W->rows; r++) dequant_row_span(W, r, 0, (size_t)W->cols, out + r * (size_t)W->cols);
}

/// Row loader for the shared GEMM packers (`lt_pack_nt_loaded`).
static void load_q8(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out) {
    (void)ld;
    dequant_row_span(w, row, col, count, out);
}

typedef struct {
    const float *x;
    const lt_q8_tensor *w;
    float *y;
    size_t M, N, K;
    int accumulate;
} mv_q8_job;

#define MV_ROWS 4

/// Finishes y[m, row] from `s`, the sum over the row's whole blocks: adds the
/// partial last block (scalar) and stores or accumulates.
static inline void store_row(const mv_q8_job *job, size_t m, size_t row, float s) {
    size_t K = job->K, nb = blocks_per_row(K), full = K / LT_Q8_BLOCK;
    if (full < nb) {
        float part = 0.0f;
        const int8_t *q = job->w->q + row * K;
        for (size_t k = full * LT_Q8_BLOCK; k < K; k++) part = fmaf(job->x[m * K + k], (float)q[k], part);
        s += part * job->w->scales[row * nb + full];
    }
    float *out = job->y + m * job->N + row;
    *out = job->accumulate ? *out + s : s;
}

#if LT_X86
/// R weight rows at once (independent accumulator chains); per 64-block the
/// 16-lane partial sums are scaled once.
LT_AVX512 static inline __attribute__((always_inline)) void
mv_q8_avx512_body(const int M, const int R, const mv_q8_job *job, size_t n) {
    size_t K = job->K, nb = blocks_per_row(K), full = K / LT_Q8_BLOCK;
    __m512 acc[LT_MATVEC_MAX_ROWS][MV_ROWS];
    for (int m = 0; m < M; m++)
        for (int r = 0; r < R; r++) acc[m][r] = _mm512_setzero_ps();
    for (size_t b = 0; b < full; b++) {
        size_t k = b * LT_Q8_BLOCK;
        for (int r = 0; r < R; r++) {
            const int8_t *q = job->w->q + (n + (size_t)r) * K + k;
            __m512 w0 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)q)));
            __m512 w1 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(q + 16))));
            __m512 w2 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(q + 32))));
            __m512 w3 = _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(q + 48))));
            __m512 scale = _mm512_set1_ps(job->w->scales[(n + (size_t)r) * nb + b]);
            for (int m = 0; m < M; m++) {
                const float *x = job->x + (size_t)m * K + k;
                __m512 s0 = _mm512_mul_ps(w0, _mm512_loadu_ps(x));
                __m512 s1 = _mm512_mul_ps(w1, _mm512_loadu_ps(x + 16));
                s0 = _mm512_fmadd_ps(w2, _mm512_loadu_ps(x + 32), s0);
                s1 = _mm512_fmadd_ps(w3, _mm512_loadu_ps(x + 48), s1);
                acc[m][r] = _mm512_fmadd_ps(_mm512_add_ps(s0, s1), scale, acc[m][r]);
            }
        }
    }
    for (int m = 0; m < M; m++)
        for (int r = 0; r < R; r++) store_row(job, (size_t)m, n + (size_t)r, _mm512_reduce_add_ps(acc[m][r]));
}

LT_AVX512 static void mv_q8_avx512(const mv_q8_job *job, size_t n, size_t rows) {
    if (rows == MV_ROWS) {
        switch (job->M) {
        case 4: mv_q8_avx512_body(4, MV_ROWS, job, n); return;
        case 3: mv_q8_avx512_body(3, MV_ROWS, job, n); return;
        case 2: mv_q8_avx512_body(2, MV_ROWS, job, n); return;
        default: mv_q8_avx512_body(1, MV_ROWS, job, n); return;
        }
    }
    for (size_t r = 0; r < rows; r++) {
        switch (job->M) {
        case 4: mv_q8_avx512_body(4, 1, job, n + r); break;
        case 3: mv_q8_avx512_body(3, 1, job, n + r); break;
        case 2: mv_q8_avx512_body(2, 1, job, n + r); break;
        default: mv_q8_avx512_body(1, 1, job, n + r); break;
        }
    }
}

/// 8 int8 weights widened to float.
LT_AVX2 static inline __m256 q8_load8_avx2(const int8_t *q) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)q)));
}

/// The AVX-512 kernel's structure with 8 lanes: R weight rows at once, the
/// block's partial sums scaled once per 64 weights, a partial last block in
/// scalar code.
LT_AVX2 static inline __attribute__((always_inline)) void
mv_q8_avx2_body(const int M, const int R, const mv_q8_job *job, size_t n) {
    size_t K = job->K, nb = blocks_per_row(K), full = K / LT_Q8_BLOCK;
    __m256 acc[LT_MATVEC_MAX_ROWS][MV_ROWS];
    for (int m = 0; m < M; m++)
        for (int r = 0; r < R; r++) acc[m][r] = _mm256_setzero_ps();
    for (size_t b = 0; b < full; b++) {
        size_t k = b * LT_Q8_BLOCK;
        for (int r = 0; r < R; r++) {
            const int8_t *q = job->w->q + (n + (size_t)r) * K + k;
            __m256 w[8];
            for (int i = 0; i < 8; i++) w[i] = q8_load8_avx2(q + 8 * i);
            __m256 scale = _mm256_set1_ps(job->w->scales[(n + (size_t)r) * nb + b]);
            for (int m = 0; m < M; m++) {
                const float *x = job->x + (size_t)m * K + k;
                __m256 s0 = _mm256_mul_ps(w[0], _mm256_loadu_ps(x));
                __m256 s1 = _mm256_mul_ps(w[1], _mm256_loadu_ps(x + 8));
                s0 = _mm256_fmadd_ps(w[2], _mm256_loadu_ps(x + 16), s0);
                s1 = _mm256_fmadd_ps(w[3], _mm256_loadu_ps(x + 24), s1);
                s0 = _mm256_fmadd_ps(w[4], _mm256_loadu_ps(x + 32), s0);
                s1 = _mm256_fmadd_ps(w[5], _mm256_loadu_ps(x + 40), s1);
                s0 = _mm256_fmadd_ps(w[6], _mm256_loadu_ps(x + 48), s0);
                s1 = _mm256_fmadd_ps(w[7], _mm256_loadu_ps(x + 56), s1);
                acc[m][r] = _mm256_fmadd_ps(_mm256_add_ps(s0, s1), scale, acc[m][r]);
            }
        }
    }
    for (int m = 0; m < M; m++)
        for (int r = 0; r < R; r++) store_row(job, (size_t)m, n + (size_t)r, lt_hsum_avx2(acc[m][r]));
}

LT_AVX2 static void mv_q8_avx2(const mv_q8_job *job, size_t n, size_t rows) {
    // Two weight rows per pass: 16 ymm registers hold the widened weights of
    // one row, so more rows would spill.
    size_t r = 0;
    if (job->M == 1)
        for (; r + 2 <= rows; r += 2) mv_q8_avx2_body(1, 2, job, n + r);
    for (; r < rows; r++) {
        switch (job->M) {
        case 4: mv_q8_avx2_body(4, 1, job, n + r); break;
        case 3: mv_q8_avx2_body(3, 1, job, n + r); break;
        case 2: mv_q8_avx2_body(2, 1, job, n + r); break;
        default: mv_q8_avx2_body(1, 1, job, n + r); break;
        }
    }
}
#endif

static void mv_q8_scalar(const mv_q8_job *job, size_t n, size_t rows) {
    size_t K = job->K, nb = blocks_per_row(K);
    for (size_t r = 0; r < rows; r++) {
        const int8_t *q = job->w->q + (n + r) * K;
        for (size_t m = 0; m < job->M; m++) {
            float s = 0.0f;
            for (size_t b = 0; b < nb; b++) {
                float part = 0.0f;
                for (size_t k = b * LT_Q8_BLOCK; k < lt_min(K, (b + 1) * LT_Q8_BLOCK); k++)
                    part = fmaf(job->x[m * K + k], (float)q[k], part);
                s = fmaf(part, job->w->scales[(n + r) * nb + b], s);
            }
            float *out = job->y + m * job->N + n + r;
            *out = job->accumulate ? *out + s : s;
        }
    }
}

static void matvec_q8_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const mv_q8_job *job = ctx;
    lt_isa isa = lt_isa_active();
    for (size_t g = begin; g < end; g++) {
        size_t n = g * MV_ROWS, rows = lt_min(MV_ROWS, job->N - n);
#if LT_X86
        if (isa >= LT_ISA_AVX512) { mv_q8_avx512(job, n, rows); continue; }
        if (isa >= LT_ISA_AVX2_FMA) { mv_q8_avx2(job, n, rows); continue; }
#else
        (void)isa;
#endif
        mv_q8_scalar(job, n, rows);
    }
}

void lt_matmul_q8(const float *A, const lt_q8_tensor *W, float *C, size_t M, int bf16, int accumulate) {
    size_t N = (size_t)W->rows, K = (size_t)W->cols;
    if (M == 0 || N == 0) return;
    if (M <= LT_MATVEC_MAX_ROWS) {
        mv_q8_job job = {A, W, C, M, N, K, accumulate};
        lt_parallel_for(lt_ceil_div(N, MV_ROWS), matvec_q8_task, &job);
        return;
    }
    lt_loaded_src src = {W, K, load_q8};
    if (bf16 && lt_gemm_bf16(A, M, N, K, C, accumulate, lt_pack_nt_loaded, &src) == 0) return;
    lt_gemm_job job = {.M = M, .N = N, .K = K, .a = A, .rsa = K, .csa = 1, .c = C, .ldc = N,
                       .accumulate = accumulate, .pack = lt_pack_nt_loaded, .src = &src};
    lt_gemm_f32_run(&job);
}
