// Packed-panel matrix multiplication for training: C[M,N] (+)= A[M,K] B[K,N]
// where B comes from a frozen weight W through a row loader (float32, bf16
// or NF4 storage all look the same here), either as B = W^T (a Linear
// layer's forward, W: [N, K]) or B = W (its input gradient, W: [K, N]).
//
// Work is split into column blocks of C, one task each: a task packs a
// KC x NC panel of B once and sweeps every row of A over it, so a weight is
// read (and dequantized) once per call however many tokens there are. Each C
// element is summed over k in the same order whatever the thread count.
//
// Two arithmetic paths:
//   f32:  panels of float32, FMA micro-kernel (exact float32 products).
//   bf16: A and the panel rounded to bfloat16, pairs of k multiplied and
//         accumulated in float32 by AVX512-BF16 vdpbf16ps (QLoRA's bf16
//         compute dtype; about twice the throughput).
#include "lt_train.h"
#include "train_internal.h"
#include "lt_threads.h"
#include "lt_cpu.h"
#include "lt_nf4.h"
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define LT_TARGET_512 __attribute__((target("avx512f,avx512bw,avx512vl,fma")))
#define LT_TARGET_BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,fma")))
#endif

#define MR 8      // rows of A per micro-kernel (16 accumulators hide the FMA latency)
#define NR 32     // columns of C per micro-kernel (two 16-float vectors)
#define NC 64     // columns per task
#define KC 256    // depth of one packed panel (even)

static inline uint16_t bf16_round(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

static inline float bf16_widen(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

void lt_train_f32_to_bf16(const float *x, uint16_t *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = bf16_round(x[i]);
}

void lt_train_bf16_to_f32(const uint16_t *x, float *out, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = bf16_widen(x[i]);
}

// ------------------------------------------------------------ row loaders

void lt_train_load_f32(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out) {
    memcpy(out, (const float *)w + row * ld + col, count * sizeof(float));
}

void lt_train_load_bf16(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out) {
    const uint16_t *src = (const uint16_t *)w + row * ld + col;
    for (size_t i = 0; i < count; i++) out[i] = bf16_widen(src[i]);
}

#if defined(__x86_64__)
/// Dequantizes whole NF4 blocks [start, start + count) (both multiples of 64):
/// nibbles to indices with byte shuffles, codes by a 16-entry permute, one
/// scale per block.
LT_TARGET_512 static void nf4_blocks_avx512(const lt_nf4_tensor *t, size_t start, size_t count, float *out) {
    const __m512 lut = _mm512_loadu_ps(lt_nf4_code);
    const __m128i low4 = _mm_set1_epi8(0x0f);
    for (size_t e = 0; e < count; e += LT_NF4_BLOCK) {
        size_t i = start + e;
        __m512 scale = _mm512_set1_ps(lt_nf4_absmax_at(t, i / LT_NF4_BLOCK));
        for (size_t half = 0; half < 2; half++) {  // 32 elements = 16 bytes at a time
            __m128i b = _mm_loadu_si128((const __m128i *)(t->packed + (i + 32 * half) / 2));
            __m128i hi = _mm_and_si128(_mm_srli_epi16(b, 4), low4), lo = _mm_and_si128(b, low4);
            __m128i first = _mm_unpacklo_epi8(hi, lo), second = _mm_unpackhi_epi8(hi, lo);
            float *dst = out + e + 32 * half;
            _mm512_storeu_ps(dst, _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_cvtepu8_epi32(first), lut), scale));
            _mm512_storeu_ps(dst + 16,
                             _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_cvtepu8_epi32(second), lut), scale));
        }
    }
}
#endif

void lt_train_load_nf4(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out) {
    (void)ld;
    const lt_nf4_tensor *t = w;
    size_t start = row * (size_t)t->cols + col;
#if defined(__x86_64__)
    if (start % LT_NF4_BLOCK == 0 && count % LT_NF4_BLOCK == 0 && lt_cpu_isa() >= LT_ISA_AVX512) {
        nf4_blocks_avx512(t, start, count, out);
        return;
    }
#endif
    lt_nf4_dequantize_range(t, start, count, out);
}

// ------------------------------------------------------------ packing

typedef struct {
    const float *A;
    const uint16_t *Ab;     // A in bf16, [M, Kp] (bf16 path)
    size_t lda, ldab;
    float *C;
    size_t ldc;
    size_t M, N, K;
    const void *w;
    size_t ldw;
    lt_train_row_loader load;
    int transposed, accumulate, bf16;
    lt_isa isa;
    size_t col_blocks, row_block;  // task t covers columns (t % col_blocks) and rows (t / col_blocks)
} gemm_ctx;

/// Packs B[k0:k0+kc, n0:n0+nc] as float32 [kc][NC], zero-padded.
static void pack_f32(const gemm_ctx *c, size_t k0, size_t kc, size_t n0, size_t nc, float *panel, float *tmp) {
    memset(panel, 0, kc * NC * sizeof(float));
    if (c->transposed) {  // B[k, n] = W[n, k]: read row n of W, scatter into column j
        for (size_t j = 0; j < nc; j++) {
            c->load(c->w, c->ldw, n0 + j, k0, kc, tmp);
            for (size_t kk = 0; kk < kc; kk++) panel[kk * NC + j] = tmp[kk];
        }
    } else {              // B[k, n] = W[k, n]: row k of W is row kk of the panel
        for (size_t kk = 0; kk < kc; kk++) c->load(c->w, c->ldw, k0 + kk, n0, nc, panel + kk * NC);
    }
}

/// Packs B[k0:k0+kc, n0:n0+nc] as bf16 pairs [kc/2][NC][2], zero-padded.
static void pack_bf16(const gemm_ctx *c, size_t k0, size_t kc, size_t n0, size_t nc, uint16_t *panel, float *tmp) {
    size_t kp = (kc + 1) / 2;
    memset(panel, 0, kp * NC * 2 * sizeof(uint16_t));
    if (c->load == lt_train_load_bf16) {
        // Weights already in bf16: copy them, no widening and rounding.
        const uint16_t *w = c->w;
        if (c->transposed) {
            for (size_t j = 0; j < nc; j++) {
                const uint16_t *src = w + (n0 + j) * c->ldw + k0;
                for (size_t kk = 0; kk < kc; kk++) panel[((kk / 2) * NC + j) * 2 + (kk & 1)] = src[kk];
            }
        } else {
            for (size_t kk = 0; kk < kc; kk++) {
                const uint16_t *src = w + (k0 + kk) * c->ldw + n0;
                uint16_t *dst = panel + (kk / 2) * NC * 2 + (kk & 1);
                for (size_t j = 0; j < nc; j++) dst[2 * j] = src[j];
            }
        }
        return;
    }
    if (c->transposed) {
        for (size_t j = 0; j < nc; j++) {
            c->load(c->w, c->ldw, n0 + j, k0, kc, tmp);
            for (size_t kk = 0; kk < kc; kk++) panel[((kk / 2) * NC + j) * 2 + (kk & 1)] = bf16_round(tmp[kk]);
        }
    } else {
        for (size_t kk = 0; kk < kc; kk++) {
            c->load(c->w, c->ldw, k0 + kk, n0, nc, tmp);
            uint16_t *dst = panel + (kk / 2) * NC * 2 + (kk & 1);
            for (size_t j = 0; j < nc; j++) dst[2 * j] = bf16_round(tmp[j]);
        }
    }
}

// ------------------------------------------------------------ micro-kernels

/// Portable f32 micro-kernel: C[rows, cols] (+)= A[rows, kc] panel[kc, cols].
static void micro_f32_generic(const float *A, size_t lda, const float *panel, size_t kc, float *C, size_t ldc,
                              size_t rows, size_t cols, int add) {
    for (size_t r = 0; r < rows; r++) {
        float acc[NR] = {0};
        for (size_t kk = 0; kk < kc; kk++) {
            float a = A[r * lda + kk];
            const float *b = panel + kk * NC;
            for (size_t j = 0; j < NR; j++) acc[j] += a * b[j];
        }
        for (size_t j = 0; j < cols; j++) C[r * ldc + j] = add ? C[r * ldc + j] + acc[j] : acc[j];
    }
}

static void micro_bf16_generic(const uint16_t *A, size_t lda, const uint16_t *panel, size_t kp, float *C,
                               size_t ldc, size_t rows, size_t cols, int add) {
    for (size_t r = 0; r < rows; r++) {
        float acc[NR] = {0};
        for (size_t p = 0; p < kp; p++) {
            float a0 = bf16_widen(A[r * lda + 2 * p]), a1 = bf16_widen(A[r * lda + 2 * p + 1]);
            const uint16_t *b = panel + p * NC * 2;
            for (size_t j = 0; j < NR; j++) acc[j] += a0 * bf16_widen(b[2 * j]) + a1 * bf16_widen(b[2 * j + 1]);
        }
        for (size_t j = 0; j < cols; j++) C[r * ldc + j] = add ? C[r * ldc + j] + acc[j] : acc[j];
    }
}

#if defined(__x86_64__)
LT_TARGET_512 static void micro_f32_avx512(const float *A, size_t lda, const float *panel, size_t kc, float *C,
                                           size_t ldc, size_t rows, size_t cols, int add) {
    __m512 acc[MR][2];
    for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    if (rows == MR) {
        for (size_t kk = 0; kk < kc; kk++) {
            __m512 b0 = _mm512_loadu_ps(panel + kk * NC), b1 = _mm512_loadu_ps(panel + kk * NC + 16);
            for (int r = 0; r < MR; r++) {
                __m512 a = _mm512_set1_ps(A[r * lda + kk]);
                acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
                acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
            }
        }
    } else {
        for (size_t kk = 0; kk < kc; kk++) {
            __m512 b0 = _mm512_loadu_ps(panel + kk * NC), b1 = _mm512_loadu_ps(panel + kk * NC + 16);
            for (size_t r = 0; r < rows; r++) {
                __m512 a = _mm512_set1_ps(A[r * lda + kk]);
                acc[r][0] = _mm512_fmadd_ps(a, b0, acc[r][0]);
                acc[r][1] = _mm512_fmadd_ps(a, b1, acc[r][1]);
            }
        }
    }
    __mmask16 m0 = cols >= 16 ? 0xffff : (__mmask16)((1u << cols) - 1);
    __mmask16 m1 = cols >= 32 ? 0xffff : cols <= 16 ? 0 : (__mmask16)((1u << (cols - 16)) - 1);
    for (size_t r = 0; r < rows; r++) {
        float *c = C + r * ldc;
        __m512 v0 = acc[r][0], v1 = acc[r][1];
        if (add) {
            v0 = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, c), v0);
            v1 = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, c + 16), v1);
        }
        _mm512_mask_storeu_ps(c, m0, v0);
        _mm512_mask_storeu_ps(c + 16, m1, v1);
    }
}

LT_TARGET_BF16 static void micro_bf16_avx512(const uint16_t *A, size_t lda, const uint16_t *panel, size_t kp,
                                             float *C, size_t ldc, size_t rows, size_t cols, int add) {
    __m512 acc[MR][2];
    for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    // A full tile gets a loop with a constant trip count, so the compiler keeps
    // all sixteen accumulators in registers.
    if (rows == MR) {
        for (size_t p = 0; p < kp; p++) {
            __m512bh b0 = (__m512bh)_mm512_loadu_si512(panel + p * NC * 2);
            __m512bh b1 = (__m512bh)_mm512_loadu_si512(panel + p * NC * 2 + 32);
            for (int r = 0; r < MR; r++) {
                uint32_t pair;
                memcpy(&pair, A + r * lda + 2 * p, 4);
                __m512bh a = (__m512bh)_mm512_set1_epi32((int)pair);
                acc[r][0] = _mm512_dpbf16_ps(acc[r][0], a, b0);
                acc[r][1] = _mm512_dpbf16_ps(acc[r][1], a, b1);
            }
        }
    } else {
        for (size_t p = 0; p < kp; p++) {
            __m512bh b0 = (__m512bh)_mm512_loadu_si512(panel + p * NC * 2);
            __m512bh b1 = (__m512bh)_mm512_loadu_si512(panel + p * NC * 2 + 32);
            for (size_t r = 0; r < rows; r++) {
                uint32_t pair;
                memcpy(&pair, A + r * lda + 2 * p, 4);
                __m512bh a = (__m512bh)_mm512_set1_epi32((int)pair);
                acc[r][0] = _mm512_dpbf16_ps(acc[r][0], a, b0);
                acc[r][1] = _mm512_dpbf16_ps(acc[r][1], a, b1);
            }
        }
    }
    __mmask16 m0 = cols >= 16 ? 0xffff : (__mmask16)((1u << cols) - 1);
    __mmask16 m1 = cols >= 32 ? 0xffff : cols <= 16 ? 0 : (__mmask16)((1u << (cols - 16)) - 1);
    for (size_t r = 0; r < rows; r++) {
        float *c = C + r * ldc;
        __m512 v0 = acc[r][0], v1 = acc[r][1];
        if (add) {
            v0 = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, c), v0);
            v1 = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, c + 16), v1);
        }
        _mm512_mask_storeu_ps(c, m0, v0);
        _mm512_mask_storeu_ps(c + 16, m1, v1);
    }
}
#endif

// ------------------------------------------------------------ driver

static void gemm_task(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const gemm_ctx *c = p;
    size_t kmax = c->K < KC ? c->K : KC;
    float *tmp = malloc((kmax > NC ? kmax : NC) * sizeof(float));
    void *panel = malloc(KC * NC * sizeof(float));
    for (size_t task = begin; task < end; task++) {
        size_t blk = task % c->col_blocks, rblk = task / c->col_blocks;
        size_t n0 = blk * NC, nc = c->N - n0 < NC ? c->N - n0 : NC;
        size_t m0 = rblk * c->row_block, m1 = m0 + c->row_block < c->M ? m0 + c->row_block : c->M;
        for (size_t k0 = 0; k0 < c->K; k0 += KC) {
            size_t kc = c->K - k0 < KC ? c->K - k0 : KC;
            int add = c->accumulate || k0 > 0;
            if (c->bf16) pack_bf16(c, k0, kc, n0, nc, panel, tmp);
            else pack_f32(c, k0, kc, n0, nc, panel, tmp);
            for (size_t j0 = 0; j0 < nc; j0 += NR) {
                size_t cols = nc - j0 < NR ? nc - j0 : NR;
                for (size_t i0 = m0; i0 < m1; i0 += MR) {
                    size_t rows = m1 - i0 < MR ? m1 - i0 : MR;
                    float *C = c->C + i0 * c->ldc + n0 + j0;
                    if (c->bf16) {
                        const uint16_t *A = c->Ab + i0 * c->ldab + k0;
                        const uint16_t *P = (const uint16_t *)panel + j0 * 2;
#if defined(__x86_64__)
                        if (c->isa >= LT_ISA_AVX512_BF16) {
                            micro_bf16_avx512(A, c->ldab, P, (kc + 1) / 2, C, c->ldc, rows, cols, add);
                            continue;
                        }
#endif
                        micro_bf16_generic(A, c->ldab, P, (kc + 1) / 2, C, c->ldc, rows, cols, add);
                    } else {
                        const float *A = c->A + i0 * c->lda + k0;
                        const float *P = (const float *)panel + j0;
#if defined(__x86_64__)
                        if (c->isa >= LT_ISA_AVX512) {
                            micro_f32_avx512(A, c->lda, P, kc, C, c->ldc, rows, cols, add);
                            continue;
                        }
#endif
                        micro_f32_generic(A, c->lda, P, kc, C, c->ldc, rows, cols, add);
                    }
                }
            }
        }
    }
    free(panel);
    free(tmp);
}

typedef struct {
    const float *A;
    uint16_t *Ab;
    size_t K, Kp;
} convert_ctx;

/// Rows of A to bf16 with an even row length (a zero pads an odd K).
static void convert_rows(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const convert_ctx *c = p;
    for (size_t i = begin; i < end; i++) {
        lt_train_f32_to_bf16(c->A + i * c->K, c->Ab + i * c->Kp, c->K);
        if (c->Kp != c->K) c->Ab[i * c->Kp + c->K] = 0;
    }
}

static lt_isa gemm_isa_cap = LT_ISA_AVX512_BF16;

void lt_train_gemm_limit_isa(int max_isa) { gemm_isa_cap = (lt_isa)max_isa; }

void lt_train_gemm(const float *A, size_t M, size_t K, size_t N, const void *w, size_t ldw,
                   lt_train_row_loader load, int transposed, float *C, int accumulate, int bf16) {
    if (M == 0 || N == 0) return;
    if (K == 0) {
        if (!accumulate) for (size_t i = 0; i < M; i++) memset(C + i * N, 0, N * sizeof(float));
        return;
    }
    lt_isa isa = lt_cpu_isa();
    if (isa > gemm_isa_cap) isa = gemm_isa_cap;
    gemm_ctx c = {.A = A, .lda = K, .C = C, .ldc = N, .M = M, .N = N, .K = K, .w = w, .ldw = ldw, .load = load,
                  .transposed = transposed, .accumulate = accumulate, .bf16 = bf16, .isa = isa};
    uint16_t *Ab = NULL;
    if (bf16) {
        size_t Kp = (K + 1) & ~(size_t)1;
        Ab = malloc(M * Kp * sizeof(uint16_t));
        convert_ctx cc = {A, Ab, K, Kp};
        lt_parallel_for(M, convert_rows, &cc);
        c.Ab = Ab;
        c.ldab = Kp;
    }
    // Column blocks, and when there are too few of them to keep every thread
    // busy (a LoRA product with r columns), row blocks too. Each C element is
    // still summed by one task in one order.
    c.col_blocks = (N + NC - 1) / NC;
    size_t threads = (size_t)lt_get_threads(), row_blocks = 1;
    if (c.col_blocks < 2 * threads) {
        row_blocks = (2 * threads + c.col_blocks - 1) / c.col_blocks;
        size_t most = (M + 63) / 64;  // at least 64 rows per task
        if (row_blocks > most) row_blocks = most ? most : 1;
    }
    c.row_block = (M + row_blocks - 1) / row_blocks;
    c.row_block = (c.row_block + MR - 1) / MR * MR;
    lt_parallel_for(c.col_blocks * ((M + c.row_block - 1) / c.row_block), gemm_task, &c);
    free(Ab);
}
