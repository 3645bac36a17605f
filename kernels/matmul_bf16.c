// bf16 matrix multiplication: bf16 conversions, the AVX512-BF16 GEMM
// (vdpbf16ps: products of bf16 pairs accumulated in f32), and the bf16-weight
// matrix-vector kernel for decode.
#include "gemm.h"
#include "lt_matmul.h"
#include "lt_train.h"
#include "lt_threads.h"

#include <math.h>
#include <stdlib.h>

// ---------------------------------------------------------------------------
// Conversions.

void lt_f32_to_bf16(const float *x, uint16_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = lt_bf16_round(x[i]);
}

void lt_bf16_to_f32(const uint16_t *x, float *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = lt_bf16_widen(x[i]);
}

/// x rounded to the nearest bf16 value, kept as a float.
static inline float bf16_precision(float x) { return lt_bf16_widen(lt_bf16_round(x)); }

#if LT_X86
/// bf16_precision on 8 lanes: the same rounding (nearest, ties to even; a
/// NaN stays a quiet NaN).
LT_AVX2 static inline __m256 bf16_precision_avx2(__m256 x) {
    __m256i u = _mm256_castps_si256(x);
    __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
    __m256i r = _mm256_add_epi32(u, _mm256_add_epi32(_mm256_set1_epi32(0x7fff), lsb));
    __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(u, _mm256_set1_epi32(0x7fffffff)), _mm256_set1_epi32(0x7f800000));
    r = _mm256_blendv_epi8(r, _mm256_or_si256(u, _mm256_set1_epi32(0x400000)), nan);
    return _mm256_castsi256_ps(_mm256_and_si256(r, _mm256_set1_epi32((int)0xffff0000u)));
}

LT_AVX2 static void round_to_bf16_avx2(float *x, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(x + i, bf16_precision_avx2(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) x[i] = bf16_precision(x[i]);
}
#endif

/// Rounds x[0..n) to bf16 precision in place.
static void round_to_bf16(float *x, size_t n) {
#if LT_X86
    if (lt_isa_active() >= LT_ISA_AVX2_FMA) { round_to_bf16_avx2(x, n); return; }
#endif
    for (size_t i = 0; i < n; i++) x[i] = bf16_precision(x[i]);
}

// ---------------------------------------------------------------------------
// The AVX512-BF16 GEMM. A is converted once into bf16 pairs (uint32: even k
// in the low half); each f32 panel is converted into pair panels
// uint32[kc/2][NR] so one vdpbf16ps multiplies two k steps of 16 columns.

#define MR_BF16 8
static _Thread_local float panel_src[LT_GEMM_KC * LT_GEMM_NR] __attribute__((aligned(64)));
static _Thread_local uint32_t panel_pairs[LT_GEMM_KC / 2 * LT_GEMM_NR] __attribute__((aligned(64)));

/// Pairs rows 2p and 2p+1 of an f32 panel into bf16 pairs (an odd last row
/// pairs with zero). Rounding is to nearest even; weights are finite.
static void pair_panel(const float *f, size_t kc, uint32_t *out) {
    for (size_t p = 0; p < (kc + 1) / 2; p++) {
        const float *lo = f + 2 * p * LT_GEMM_NR;
        for (size_t j = 0; j < LT_GEMM_NR; j++) {
            uint32_t hi = 2 * p + 1 < kc ? lt_bf16_round(lo[LT_GEMM_NR + j]) : 0;
            out[p * LT_GEMM_NR + j] = (uint32_t)lt_bf16_round(lo[j]) | hi << 16;
        }
    }
}

#if LT_X86
LT_AVX512BF16 static void pair_panel_avx512(const float *f, size_t kc, uint32_t *out) {
    if (kc & 1) { pair_panel(f, kc, out); return; }
    for (size_t p = 0; p < kc / 2; p++) {
        for (size_t j = 0; j < LT_GEMM_NR; j += 16) {
            __m512 lo = _mm512_load_ps(f + 2 * p * LT_GEMM_NR + j);
            __m512 hi = _mm512_load_ps(f + (2 * p + 1) * LT_GEMM_NR + j);
            // cvtne2ps_pbh(hi, lo) gives lo's 16 bf16 then hi's; interleave them into pairs.
            __m512i both = (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
            const __m512i order = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                                   23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
            _mm512_store_si512(out + p * LT_GEMM_NR + j, _mm512_permutexvar_epi16(order, both));
        }
    }
}

LT_AVX512BF16 static inline __attribute__((always_inline)) void
uk_bf16_body(const int mr, size_t kp, const uint32_t *a, size_t lda, const uint32_t *panel,
             float *c, size_t ldc, size_t nvalid, int load_c) {
    __mmask16 m0 = nvalid >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << nvalid) - 1);
    __mmask16 m1 = nvalid >= 32 ? (__mmask16)0xffff
                 : nvalid > 16 ? (__mmask16)((1u << (nvalid - 16)) - 1) : (__mmask16)0;
    __m512 acc0[MR_BF16], acc1[MR_BF16];
    for (int r = 0; r < mr; r++) {
        if (load_c) {
            acc0[r] = _mm512_maskz_loadu_ps(m0, c + (size_t)r * ldc);
            acc1[r] = _mm512_maskz_loadu_ps(m1, c + (size_t)r * ldc + 16);
        } else {
            acc0[r] = _mm512_setzero_ps();
            acc1[r] = _mm512_setzero_ps();
        }
    }
    for (size_t p = 0; p < kp; p++) {
        __m512bh b0 = (__m512bh)_mm512_load_si512(panel + p * LT_GEMM_NR);
        __m512bh b1 = (__m512bh)_mm512_load_si512(panel + p * LT_GEMM_NR + 16);
        for (int r = 0; r < mr; r++) {
            __m512bh av = (__m512bh)_mm512_set1_epi32((int)a[(size_t)r * lda + p]);
            acc0[r] = _mm512_dpbf16_ps(acc0[r], av, b0);
            acc1[r] = _mm512_dpbf16_ps(acc1[r], av, b1);
        }
    }
    for (int r = 0; r < mr; r++) {
        _mm512_mask_storeu_ps(c + (size_t)r * ldc, m0, acc0[r]);
        _mm512_mask_storeu_ps(c + (size_t)r * ldc + 16, m1, acc1[r]);
    }
}

LT_AVX512BF16 static void uk_bf16(size_t mr, size_t kp, const uint32_t *a, size_t lda, const uint32_t *panel,
                                  float *c, size_t ldc, size_t nvalid, int load_c) {
    switch (mr) {
    case 8: uk_bf16_body(8, kp, a, lda, panel, c, ldc, nvalid, load_c); break;
    case 7: uk_bf16_body(7, kp, a, lda, panel, c, ldc, nvalid, load_c); break;
    case 6: uk_bf16_body(6, kp, a, lda, panel, c, ldc, nvalid, load_c); break;
    case 5: uk_bf16_body(5, kp, a, lda, panel, c, ldc, nvalid, load_c); break;
    case 4: uk_bf16_body(4, kp, a, lda, panel, c, ldc, nvalid, load_c); break;
    case 3: uk_bf16_body(3, kp, a, lda, panel, c, ldc, nvalid, load_c); break;
    case 2: uk_bf16_body(2, kp, a, lda, panel, c, ldc, nvalid, load_c); break;
    default: uk_bf16_body(1, kp, a, lda, panel, c, ldc, nvalid, load_c); break;
    }
}

typedef struct {
    size_t M, N, K;
    const uint32_t *a;   // bf16 pairs, row stride lda
    size_t lda;
    float *c;
    int accumulate;
    lt_pack_fn pack;
    const void *src;
} bf16_job;

#define GEMM_MC 256

static void gemm_bf16_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const bf16_job *job = ctx;
    for (size_t m0 = 0; m0 < job->M; m0 += GEMM_MC) {
        size_t mc = lt_min(GEMM_MC, job->M - m0);
        for (size_t p = begin; p < end; p++) {
            size_t n0 = p * LT_GEMM_NR, nvalid = lt_min(LT_GEMM_NR, job->N - n0);
            for (size_t k0 = 0; k0 < job->K; k0 += LT_GEMM_KC) {
                size_t kc = lt_min(LT_GEMM_KC, job->K - k0);
                int load_c = job->accumulate || k0 > 0;
                job->pack(job->src, n0, nvalid, k0, kc, panel_src);
                pair_panel_avx512(panel_src, kc, panel_pairs);
                for (size_t m = m0; m < m0 + mc; m += MR_BF16) {
                    size_t mr = lt_min(MR_BF16, m0 + mc - m);
                    uk_bf16(mr, (kc + 1) / 2, job->a + m * job->lda + k0 / 2, job->lda, panel_pairs,
                            job->c + m * job->N + n0, job->N, nvalid, load_c);
                }
            }
        }
    }
}
#endif

// Portable path (and AVX2): the same bf16 roundings of A and B, then the f32
// micro-kernels. Products of bf16 values are exact in f32, so this is the
// fma chain vdpbf16ps computes, up to the order of additions.
typedef struct {
    lt_pack_fn pack;
    const void *src;
} rounding_src;

static void pack_rounded(const void *src, size_t n0, size_t nvalid, size_t k0, size_t kc, void *panel) {
    const rounding_src *s = src;
    s->pack(s->src, n0, nvalid, k0, kc, panel);
    round_to_bf16(panel, kc * LT_GEMM_NR);
}

int lt_gemm_bf16(const float *A, size_t M, size_t N, size_t K, float *C, int accumulate,
                 lt_pack_fn pack_f32, const void *src) {
    if (M == 0 || N == 0) return 0;
#if LT_X86
    if (lt_isa_active() >= LT_ISA_AVX512_BF16 && K > 0) {
        size_t lda = (K + 1) / 2;
        uint32_t *a = lt_alloc(M * lda * sizeof(uint32_t));
        if (!a) return -1;
        for (size_t m = 0; m < M; m++) {
            const float *row = A + m * K;
            for (size_t p = 0; p < lda; p++) {
                uint32_t hi = 2 * p + 1 < K ? lt_bf16_round(row[2 * p + 1]) : 0;
                a[m * lda + p] = (uint32_t)lt_bf16_round(row[2 * p]) | hi << 16;
            }
        }
        bf16_job job = {M, N, K, a, lda, C, accumulate, pack_f32, src};
        lt_parallel_for(lt_ceil_div(N, LT_GEMM_NR), gemm_bf16_task, &job);
        lt_free(a);
        return 0;
    }
#endif
    float *a = lt_alloc(M * K * sizeof(float));
    if (!a) return -1;
    memcpy(a, A, M * K * sizeof(float));
    round_to_bf16(a, M * K);
    rounding_src rs = {pack_f32, src};
    lt_gemm_job job = {.M = M, .N = N, .K = K, .a = a, .rsa = K, .csa = 1, .c = C, .ldc = N,
                       .accumulate = accumulate, .pack = pack_rounded, .src = &rs};
    lt_gemm_f32_run(&job);
    lt_free(a);
    return 0;
}

// ---------------------------------------------------------------------------
// Matrix-vector with bf16 weights: each weight is widened exactly and
// multiplied with the f32 activations (decode keeps full activation precision).

typedef struct {
    const float *x;
    const uint16_t *w;
    float *y;
    size_t M, N, K;
    int accumulate;
} mv_bf16_job;

#define MV_ROWS 4

#if LT_X86
/// M activation rows times R weight rows: R independent accumulator chains
/// per activation row keep the FMA latency hidden.
LT_AVX512 static inline __attribute__((always_inline)) void
mv_bf16_avx512_body(const int M, const int R, const mv_bf16_job *job, size_t n) {
    size_t K = job->K;
    __m512 acc[LT_MATVEC_MAX_ROWS][MV_ROWS];
    for (int m = 0; m < M; m++)
        for (int r = 0; r < R; r++) acc[m][r] = _mm512_setzero_ps();
    // Full vectors use plain loads (masked loads are slow on some CPUs).
    for (size_t k = 0; k < K; k += 16) {
        int full = K - k >= 16;
        __mmask16 mask = full ? (__mmask16)0xffff : (__mmask16)((1u << (K - k)) - 1);
        __m512 xv[LT_MATVEC_MAX_ROWS];
        for (int m = 0; m < M; m++) {
            const float *xp = job->x + (size_t)m * K + k;
            xv[m] = full ? _mm512_loadu_ps(xp) : _mm512_maskz_loadu_ps(mask, xp);
        }
        for (int r = 0; r < R; r++) {
            const uint16_t *wp = job->w + (n + (size_t)r) * K + k;
            __m256i h = full ? _mm256_loadu_si256((const __m256i *)wp) : _mm256_maskz_loadu_epi16(mask, wp);
            __m512 wv = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
            for (int m = 0; m < M; m++) acc[m][r] = _mm512_fmadd_ps(xv[m], wv, acc[m][r]);
        }
    }
    for (int m = 0; m < M; m++)
        for (int r = 0; r < R; r++) {
            float *out = job->y + (size_t)m * job->N + n + (size_t)r;
            float s = _mm512_reduce_add_ps(acc[m][r]);
            *out = job->accumulate ? *out + s : s;
        }
}

LT_AVX512 static void mv_bf16_avx512(const mv_bf16_job *job, size_t n, size_t rows) {
    if (rows == MV_ROWS) {
        switch (job->M) {
        case 4: mv_bf16_avx512_body(4, MV_ROWS, job, n); return;
        case 3: mv_bf16_avx512_body(3, MV_ROWS, job, n); return;
        case 2: mv_bf16_avx512_body(2, MV_ROWS, job, n); return;
        default: mv_bf16_avx512_body(1, MV_ROWS, job, n); return;
        }
    }
    for (size_t r = 0; r < rows; r++) {
        switch (job->M) {
        case 4: mv_bf16_avx512_body(4, 1, job, n + r); break;
        case 3: mv_bf16_avx512_body(3, 1, job, n + r); break;
        case 2: mv_bf16_avx512_body(2, 1, job, n + r); break;
        default: mv_bf16_avx512_body(1, 1, job, n + r); break;
        }
    }
}

/// The AVX-512 kernel's structure with 8 lanes (bf16 widened by a 16-bit
/// shift); the K % 8 tail is added in scalar code after the reduction.
LT_AVX2 static inline __attribute__((always_inline)) void
mv_bf16_avx2_body(const int M, const int R, const mv_bf16_job *job, size_t n) {
    size_t K = job->K, K8 = K & ~(size_t)7;
    __m256 acc[LT_MATVEC_MAX_ROWS][MV_ROWS];
    for (int m = 0; m < M; m++)
        for (int r = 0; r < R; r++) acc[m][r] = _mm256_setzero_ps();
    for (size_t k = 0; k < K8; k += 8) {
        __m256 xv[LT_MATVEC_MAX_ROWS];
        for (int m = 0; m < M; m++) xv[m] = _mm256_loadu_ps(job->x + (size_t)m * K + k);
        for (int r = 0; r < R; r++) {
            __m128i h = _mm_loadu_si128((const __m128i *)(job->w + (n + (size_t)r) * K + k));
            __m256 wv = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
            for (int m = 0; m < M; m++) acc[m][r] = _mm256_fmadd_ps(xv[m], wv, acc[m][r]);
        }
    }
    for (int m = 0; m < M; m++)
        for (int r = 0; r < R; r++) {
            const float *x = job->x + (size_t)m * K;
            const uint16_t *w = job->w + (n + (size_t)r) * K;
            float s = lt_hsum_avx2(acc[m][r]);
            for (size_t k = K8; k < K; k++) s = fmaf(x[k], lt_bf16_widen(w[k]), s);
            float *out = job->y + (size_t)m * job->N + n + (size_t)r;
            *out = job->accumulate ? *out + s : s;
        }
}

LT_AVX2 static void mv_bf16_avx2(const mv_bf16_job *job, size_t n, size_t rows) {
    if (rows == MV_ROWS) {
        switch (job->M) {
        case 4: mv_bf16_avx2_body(4, 2, job, n); mv_bf16_avx2_body(4, 2, job, n + 2); return;
        case 3: mv_bf16_avx2_body(3, 2, job, n); mv_bf16_avx2_body(3, 2, job, n + 2); return;
        case 2: mv_bf16_avx2_body(2, MV_ROWS, job, n); return;
        default: mv_bf16_avx2_body(1, MV_ROWS, job, n); return;
        }
    }
    for (size_t r = 0; r < rows; r++) {
        switch (job->M) {
        case 4: mv_bf16_avx2_body(4, 1, job, n + r); break;
        case 3: mv_bf16_avx2_body(3, 1, job, n + r); break;
        case 2: mv_bf16_avx2_body(2, 1, job, n + r); break;
        default: mv_bf16_avx2_body(1, 1, job, n + r); break;
        }
    }
}
#endif

static void mv_bf16_scalar(const mv_bf16_job *job, size_t n, size_t rows) {
    for (size_t r = 0; r < rows; r++) {
        const uint16_t *w = job->w + (n + r) * job->K;
        for (size_t m = 0; m < job->M; m++) {
            const float *x = job->x + m * job->K;
            float s = 0.0f;
            for (size_t k = 0; k < job->K; k++) s = fmaf(x[k], lt_bf16_widen(w[k]), s);
            float *out = job->y + m * job->N + n + r;
            *out = job->accumulate ? *out + s : s;
        }
    }
}

static void matvec_bf16_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const mv_bf16_job *job = ctx;
    lt_isa isa = lt_isa_active();
    for (size_t g = begin; g < end; g++) {
        size_t n = g * MV_ROWS, rows = lt_min(MV_ROWS, job->N - n);
#if LT_X86
        if (isa >= LT_ISA_AVX512) { mv_bf16_avx512(job, n, rows); continue; }
        if (isa >= LT_ISA_AVX2_FMA) { mv_bf16_avx2(job, n, rows); continue; }
#else
        (void)isa;
#endif
        mv_bf16_scalar(job, n, rows);
    }
}

void lt_matmul_bf16(const float *A, const uint16_t *W, float *C, size_t M, size_t N, size_t K, int accumulate) {
    if (M == 0 || N == 0) return;
    if (M <= LT_MATVEC_MAX_ROWS) {
        mv_bf16_job job = {A, W, C, M, N, K, accumulate};
        lt_parallel_for(lt_ceil_div(N, MV_ROWS), matvec_bf16_task, &job);
        return;
    }
    lt_loaded_src src = {W, K, lt_train_load_bf16};
    if (lt_gemm_bf16(A, M, N, K, C, accumulate, lt_pack_nt_loaded, &src) != 0) {
        // Out of memory for the converted A: fall back to row-by-row matrix-vector products.
        for (size_t m = 0; m < M; m++) {
            mv_bf16_job job = {A + m * K, W, C + m * N, 1, N, K, accumulate};
            lt_parallel_for(lt_ceil_div(N, MV_ROWS), matvec_bf16_task, &job);
        }
    }
}
