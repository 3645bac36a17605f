// NF4-weight matrix multiplication, dequantizing on the fly: the weight is
// never materialised in f32, only one panel (or row) of it at a time.
//
// Decode (a few rows of A) runs a fused matrix-vector kernel: 16 codes are
// looked up at once with a vector permute (the 16-entry code table fits one
// AVX-512 register; AVX2 looks up 8 at once in each 8-entry half and blends),
// multiplied with the matching activations, and the block's absmax is
// applied once per 64 weights. Prompts and training batches dequantize a
// panel of the weight and run the blocked GEMM.
#include "gemm.h"
#include "lt_matmul.h"
#include "lt_train.h"
#include "lt_threads.h"

#include <math.h>
#include <stdlib.h>

// ---------------------------------------------------------------------------
// Fused matrix-vector kernel.
//
// The activations are reordered once per call so that the codes of 16 bytes
// (32 weights) need no interleaving: within each group of 32 inputs the 16
// even-indexed values come first, then the 16 odd-indexed ones.

typedef struct {
    const float *x;     // M rows of K (original order)
    const float *xr;    // reordered activations (fast path) or NULL
    const lt_nf4_tensor *w;
    float *y;
    size_t M, N, K;
    int accumulate;
    lt_isa isa;         // the layout of xr: AVX-512 or AVX2 order
} mv_nf4_job;

static void reorder_activations(const float *x, size_t K, float *xr) {
    for (size_t g = 0; g < K; g += 32)
        for (size_t i = 0; i < 16; i++) {
            xr[g + i] = x[g + 2 * i];
            xr[g + 16 + i] = x[g + 2 * i + 1];
        }
}

/// The AVX2 kernel reads a block's 32 bytes as 8 dwords and takes nibble u
/// (bits 4u..4u+3) of every dword at once: lane i then holds element
/// 8i + (u ^ 1) of the block (byte 4i + u/2, low nibble first). So within
/// each block of 64 inputs, xr[8u + i] = x[8i + (u ^ 1)].
static void reorder_activations_avx2(const float *x, size_t K, float *xr) {
    for (size_t g = 0; g < K; g += LT_NF4_BLOCK)
        for (size_t u = 0; u < 8; u++)
            for (size_t i = 0; i < 8; i++) xr[g + 8 * u + i] = x[g + 8 * i + (u ^ 1)];
}

#if LT_X86
LT_AVX512 static inline __attribute__((always_inline)) void
mv_nf4_avx512_body(const int M, const mv_nf4_job *job, size_t n) {
    const __m512 table = _mm512_loadu_ps(lt_nf4_code);
    const lt_nf4_tensor *t = job->w;
    size_t K = job->K, first = n * K / LT_NF4_BLOCK;  // rows start on block boundaries (K % 64 == 0)
    __m512 acc[LT_MATVEC_MAX_ROWS];
    for (int m = 0; m < M; m++) acc[m] = _mm512_setzero_ps();
    for (size_t b = 0; b < K / LT_NF4_BLOCK; b++) {
        const uint8_t *bytes = t->packed + (first + b) * (LT_NF4_BLOCK / 2);
        __m512i d0 = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)bytes));
        __m512i d1 = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(bytes + 16)));
        __m512 e0 = _mm512_permutexvar_ps(_mm512_srli_epi32(d0, 4), table);
        __m512 o0 = _mm512_permutexvar_ps(d0, table);
        __m512 e1 = _mm512_permutexvar_ps(_mm512_srli_epi32(d1, 4), table);
        __m512 o1 = _mm512_permutexvar_ps(d1, table);
        __m512 scale = _mm512_set1_ps(lt_nf4_absmax_at(t, first + b));
        for (int m = 0; m < M; m++) {
            const float *x = job->xr + (size_t)m * K + b * LT_NF4_BLOCK;
            __m512 s0 = _mm512_mul_ps(e0, _mm512_loadu_ps(x));
            __m512 s1 = _mm512_mul_ps(e1, _mm512_loadu_ps(x + 32));
            s0 = _mm512_fmadd_ps(o0, _mm512_loadu_ps(x + 16), s0);
            s1 = _mm512_fmadd_ps(o1, _mm512_loadu_ps(x + 48), s1);
            acc[m] = _mm512_fmadd_ps(_mm512_add_ps(s0, s1), scale, acc[m]);
        }
    }
    for (int m = 0; m < M; m++) {
        float *out = job->y + (size_t)m * job->N + n;
        float s = _mm512_reduce_add_ps(acc[m]);
        *out = job->accumulate ? *out + s : s;
    }
}

/// Two weight rows at once (M = 1): twice the independent work per block and
/// shared activation loads; each row is computed exactly as by the body above.
LT_AVX512 static void mv_nf4_avx512_two(const mv_nf4_job *job, size_t n) {
    const __m512 table = _mm512_loadu_ps(lt_nf4_code);
    const lt_nf4_tensor *t = job->w;
    size_t K = job->K, nbr = K / LT_NF4_BLOCK, first0 = n * nbr, first1 = first0 + nbr;
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    for (size_t b = 0; b < nbr; b++) {
        const float *x = job->xr + b * LT_NF4_BLOCK;
        __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16), x2 = _mm512_loadu_ps(x + 32), x3 = _mm512_loadu_ps(x + 48);
        const uint8_t *p0 = t->packed + (first0 + b) * 32, *p1 = t->packed + (first1 + b) * 32;
        __m512i a0 = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p0));
        __m512i a1 = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(p0 + 16)));
        __m512i c0 = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p1));
        __m512i c1 = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(p1 + 16)));
        __m512 s0 = _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_srli_epi32(a0, 4), table), x0);
        __m512 s1 = _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_srli_epi32(a1, 4), table), x2);
        __m512 r0 = _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_srli_epi32(c0, 4), table), x0);
        __m512 r1 = _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_srli_epi32(c1, 4), table), x2);
        s0 = _mm512_fmadd_ps(_mm512_permutexvar_ps(a0, table), x1, s0);
        s1 = _mm512_fmadd_ps(_mm512_permutexvar_ps(a1, table), x3, s1);
        r0 = _mm512_fmadd_ps(_mm512_permutexvar_ps(c0, table), x1, r0);
        r1 = _mm512_fmadd_ps(_mm512_permutexvar_ps(c1, table), x3, r1);
        acc0 = _mm512_fmadd_ps(_mm512_add_ps(s0, s1), _mm512_set1_ps(lt_nf4_absmax_at(t, first0 + b)), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_add_ps(r0, r1), _mm512_set1_ps(lt_nf4_absmax_at(t, first1 + b)), acc1);
    }
    float *out = job->y + n;
    float s = _mm512_reduce_add_ps(acc0), u = _mm512_reduce_add_ps(acc1);
    out[0] = job->accumulate ? out[0] + s : s;
    out[1] = job->accumulate ? out[1] + u : u;
}

LT_AVX512 static void mv_nf4_avx512(const mv_nf4_job *job, size_t n) {
    switch (job->M) {
    case 4: mv_nf4_avx512_body(4, job, n); break;
    case 3: mv_nf4_avx512_body(3, job, n); break;
    case 2: mv_nf4_avx512_body(2, job, n); break;
    default: mv_nf4_avx512_body(1, job, n); break;
    }
}
#endif

#if LT_X86
/// M activation rows times R weight rows (activations in the AVX2 order
/// above). Per block: 8 code vectors (16 vpermps + 8 blends for 64 weights),
/// a dot product with the activations, and the absmax applied once.
LT_AVX2 static inline __attribute__((always_inline)) void
mv_nf4_avx2_body(const int M, const int R, const mv_nf4_job *job, size_t n) {
    const __m256 lo = _mm256_loadu_ps(lt_nf4_code), hi = _mm256_loadu_ps(lt_nf4_code + 8);
    const lt_nf4_tensor *t = job->w;
    size_t K = job->K, nbr = K / LT_NF4_BLOCK;
    __m256 acc[LT_MATVEC_MAX_ROWS][2];
    for (int m = 0; m < M; m++)
        for (int r = 0; r < R; r++) acc[m][r] = _mm256_setzero_ps();
    for (size_t b = 0; b < nbr; b++) {
        for (int r = 0; r < R; r++) {
            size_t block = (n + (size_t)r) * nbr + b;
            __m256i v = _mm256_loadu_si256((const __m256i *)(t->packed + block * (LT_NF4_BLOCK / 2)));
            __m256 c[8];
            c[0] = lt_nf4_lookup_avx2(lo, hi, v, _mm256_slli_epi32(v, 28));
            c[1] = lt_nf4_lookup_avx2(lo, hi, _mm256_srli_epi32(v, 4), _mm256_slli_epi32(v, 24));
            c[2] = lt_nf4_lookup_avx2(lo, hi, _mm256_srli_epi32(v, 8), _mm256_slli_epi32(v, 20));
            c[3] = lt_nf4_lookup_avx2(lo, hi, _mm256_srli_epi32(v, 12), _mm256_slli_epi32(v, 16));
            c[4] = lt_nf4_lookup_avx2(lo, hi, _mm256_srli_epi32(v, 16), _mm256_slli_epi32(v, 12));
            c[5] = lt_nf4_lookup_avx2(lo, hi, _mm256_srli_epi32(v, 20), _mm256_slli_epi32(v, 8));
            c[6] = lt_nf4_lookup_avx2(lo, hi, _mm256_srli_epi32(v, 24), _mm256_slli_epi32(v, 4));
            c[7] = lt_nf4_lookup_avx2(lo, hi, _mm256_srli_epi32(v, 28), v);
            __m256 scale = _mm256_set1_ps(lt_nf4_absmax_at(t, block));
            for (int m = 0; m < M; m++) {
                const float *x = job->xr + (size_t)m * K + b * LT_NF4_BLOCK;
                __m256 s0 = _mm256_mul_ps(c[0], _mm256_loadu_ps(x));
                __m256 s1 = _mm256_mul_ps(c[1], _mm256_loadu_ps(x + 8));
                s0 = _mm256_fmadd_ps(c[2], _mm256_loadu_ps(x + 16), s0);
                s1 = _mm256_fmadd_ps(c[3], _mm256_loadu_ps(x + 24), s1);
                s0 = _mm256_fmadd_ps(c[4], _mm256_loadu_ps(x + 32), s0);
                s1 = _mm256_fmadd_ps(c[5], _mm256_loadu_ps(x + 40), s1);
                s0 = _mm256_fmadd_ps(c[6], _mm256_loadu_ps(x + 48), s0);
                s1 = _mm256_fmadd_ps(c[7], _mm256_loadu_ps(x + 56), s1);
                acc[m][r] = _mm256_fmadd_ps(_mm256_add_ps(s0, s1), scale, acc[m][r]);
            }
        }
    }
    for (int m = 0; m < M; m++)
        for (int r = 0; r < R; r++) {
            float *out = job->y + (size_t)m * job->N + n + (size_t)r;
            float s = lt_hsum_avx2(acc[m][r]);
            *out = job->accumulate ? *out + s : s;
        }
}

LT_AVX2 static void mv_nf4_avx2_two(const mv_nf4_job *job, size_t n) { mv_nf4_avx2_body(1, 2, job, n); }

LT_AVX2 static void mv_nf4_avx2(const mv_nf4_job *job, size_t n) {
    switch (job->M) {
    case 4: mv_nf4_avx2_body(4, 1, job, n); break;
    case 3: mv_nf4_avx2_body(3, 1, job, n); break;
    case 2: mv_nf4_avx2_body(2, 1, job, n); break;
    default: mv_nf4_avx2_body(1, 1, job, n); break;
    }
}
#endif

/// Any shape: dequantize the row into scratch, then dot it with each row of A.
static void mv_nf4_generic(const mv_nf4_job *job, size_t n, float *row) {
    lt_nf4_dequantize_range(job->w, n * job->K, job->K, row);
    for (size_t m = 0; m < job->M; m++) {
        const float *x = job->x + m * job->K;
        float s = 0.0f;
        for (size_t k = 0; k < job->K; k++) s = fmaf(x[k], row[k], s);
        float *out = job->y + m * job->N + n;
        *out = job->accumulate ? *out + s : s;
    }
}

static void matvec_nf4_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const mv_nf4_job *job = ctx;
#if LT_X86
    if (job->xr && job->isa >= LT_ISA_AVX512) {
        size_t n = begin;
        if (job->M == 1) for (; n + 2 <= end; n += 2) mv_nf4_avx512_two(job, n);
        for (; n < end; n++) mv_nf4_avx512(job, n);
        return;
    }
    if (job->xr) {
        size_t n = begin;
        if (job->M == 1) for (; n + 2 <= end; n += 2) mv_nf4_avx2_two(job, n);
        for (; n < end; n++) mv_nf4_avx2(job, n);
        return;
    }
#endif
    float *row = lt_alloc(job->K * sizeof(float));
    if (!row) {  // no scratch: element by element (slow but correct)
        for (size_t n = begin; n < end; n++)
            for (size_t m = 0; m < job->M; m++) {
                float s = 0.0f;
                for (size_t k = 0; k < job->K; k++) {
                    float w;
                    lt_nf4_dequantize_range(job->w, n * job->K + k, 1, &w);
                    s = fmaf(job->x[m * job->K + k], w, s);
                }
                float *out = job->y + m * job->N + n;
                *out = job->accumulate ? *out + s : s;
            }
        return;
    }
    for (size_t n = begin; n < end; n++) mv_nf4_generic(job, n, row);
    lt_free(row);
}

static void matvec_nf4(const float *A, const lt_nf4_tensor *W, float *C, size_t M, int accumulate) {
    size_t N = (size_t)W->rows, K = (size_t)W->cols;
    lt_isa isa = lt_isa_active();
    mv_nf4_job job = {A, NULL, W, C, M, N, K, accumulate, isa};
    float *xr = NULL;
#if LT_X86
    if (K % LT_NF4_BLOCK == 0 && isa >= LT_ISA_AVX2_FMA && (xr = lt_alloc(M * K * sizeof(float)))) {
        for (size_t m = 0; m < M; m++) {
            if (isa >= LT_ISA_AVX512) reorder_activations(A + m * K, K, xr + m * K);
            else reorder_activations_avx2(A + m * K, K, xr + m * K);
        }
        job.xr = xr;
    }
#endif
    lt_parallel_for(N, matvec_nf4_task, &job);
    lt_free(xr);
}

// ---------------------------------------------------------------------------
// Public entry points.

void lt_matmul_nf4(const float *A, const lt_nf4_tensor *W, float *C, size_t M, int bf16, int accumulate) {
    size_t N = (size_t)W->rows, K = (size_t)W->cols;
    if (M == 0 || N == 0) return;
    if (M <= LT_MATVEC_MAX_ROWS) { matvec_nf4(A, W, C, M, accumulate); return; }
    lt_loaded_src src = {W, K, lt_train_load_nf4};
    if (bf16 && lt_gemm_bf16(A, M, N, K, C, accumulate, lt_pack_nt_loaded, &src) == 0) return;
    lt_gemm_job job = {.M = M, .N = N, .K = K, .a = A, .rsa = K, .csa = 1, .c = C, .ldc = N,
                       .accumulate = accumulate, .pack = lt_pack_nt_loaded, .src = &src};
    lt_gemm_f32_run(&job);
}

void lt_matmul_nn_nf4(const float *A, const lt_nf4_tensor *W, float *C, size_t M, int accumulate) {
    size_t N = (size_t)W->rows, K = (size_t)W->cols;
    lt_loaded_src src = {W, K, lt_train_load_nf4};
    lt_gemm_job job = {.M = M, .N = K, .K = N, .a = A, .rsa = N, .csa = 1, .c = C, .ldc = K,
                       .accumulate = accumulate, .pack = lt_pack_rows_loaded, .src = &src};
    lt_gemm_f32_run(&job);
}
