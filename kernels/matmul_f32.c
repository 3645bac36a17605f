// f32 matrix multiplication: the GEMM driver and micro-kernels, the f32
// panel packers, and the matrix-vector kernel for decode.
#include "gemm.h"
#include "lt_matmul.h"
#include "lt_threads.h"

#include <math.h>

// Panels live in thread-local scratch: no allocation per call, and each
// thread's panel stays in its own L1.
static _Thread_local float panel_f32[LT_GEMM_KC * LT_GEMM_NR] __attribute__((aligned(64)));

/// Rows of A per M chunk (bounds the C tile a panel keeps hot).
#define GEMM_MC 256

// ---------------------------------------------------------------------------
// Micro-kernels: C[mr, nvalid] (+)= A[mr, kc] * panel[kc, NR]. Each element's
// kc products are one fma chain from zero, then added to C when load_c.

#if LT_X86
#define MR_AVX512 8
LT_AVX512 static inline __attribute__((always_inline)) void
uk_f32_avx512_body(const int mr, size_t kc, const float *a, size_t rsa, size_t csa, const float *panel,
                   float *c, size_t ldc, size_t nvalid, int load_c) {
    __mmask16 m0 = nvalid >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << nvalid) - 1);
    __mmask16 m1 = nvalid >= 32 ? (__mmask16)0xffff
                 : nvalid > 16 ? (__mmask16)((1u << (nvalid - 16)) - 1) : (__mmask16)0;
    __m512 acc0[MR_AVX512], acc1[MR_AVX512];
    const float *row[MR_AVX512];
    for (int r = 0; r < mr; r++) {
        row[r] = a + (size_t)r * rsa;
        acc0[r] = _mm512_setzero_ps();
        acc1[r] = _mm512_setzero_ps();
    }
    size_t kk = 0;
    for (size_t k = 0; k < kc; k++, kk += csa) {
        __m512 b0 = _mm512_load_ps(panel + k * LT_GEMM_NR);
        __m512 b1 = _mm512_load_ps(panel + k * LT_GEMM_NR + 16);
        for (int r = 0; r < mr; r++) {
            __m512 av = _mm512_set1_ps(row[r][kk]);
            acc0[r] = _mm512_fmadd_ps(av, b0, acc0[r]);
            acc1[r] = _mm512_fmadd_ps(av, b1, acc1[r]);
        }
    }
    for (int r = 0; r < mr; r++) {
        if (load_c) {
            acc0[r] = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, c + (size_t)r * ldc), acc0[r]);
            acc1[r] = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, c + (size_t)r * ldc + 16), acc1[r]);
        }
        _mm512_mask_storeu_ps(c + (size_t)r * ldc, m0, acc0[r]);
        _mm512_mask_storeu_ps(c + (size_t)r * ldc + 16, m1, acc1[r]);
    }
}

LT_AVX512 static void uk_f32_avx512(size_t mr, size_t kc, const float *a, size_t rsa, size_t csa,
                                    const float *panel, float *c, size_t ldc, size_t nvalid, int load_c) {
    switch (mr) {  // constant row counts let the compiler keep every accumulator in a register
    case 8: uk_f32_avx512_body(8, kc, a, rsa, csa, panel, c, ldc, nvalid, load_c); break;
    case 7: uk_f32_avx512_body(7, kc, a, rsa, csa, panel, c, ldc, nvalid, load_c); break;
    case 6: uk_f32_avx512_body(6, kc, a, rsa, csa, panel, c, ldc, nvalid, load_c); break;
    case 5: uk_f32_avx512_body(5, kc, a, rsa, csa, panel, c, ldc, nvalid, load_c); break;
    case 4: uk_f32_avx512_body(4, kc, a, rsa, csa, panel, c, ldc, nvalid, load_c); break;
    case 3: uk_f32_avx512_body(3, kc, a, rsa, csa, panel, c, ldc, nvalid, load_c); break;
    case 2: uk_f32_avx512_body(2, kc, a, rsa, csa, panel, c, ldc, nvalid, load_c); break;
    default: uk_f32_avx512_body(1, kc, a, rsa, csa, panel, c, ldc, nvalid, load_c); break;
    }
}

#define MR_AVX2 6
/// AVX2 has 16 vector registers: 6 rows x 16 columns (12 accumulators), run
/// once per half of the 32-column panel.
LT_AVX2 static inline __attribute__((always_inline)) void
uk_f32_avx2_body(const int mr, size_t kc, const float *a, size_t rsa, size_t csa, const float *panel,
                 float *c, size_t ldc, size_t ncols, int load_c) {
    float tmp[MR_AVX2][16];
    __m256 acc0[MR_AVX2], acc1[MR_AVX2];
    const float *row[MR_AVX2];
    for (int r = 0; r < mr; r++) {
        row[r] = a + (size_t)r * rsa;
        acc0[r] = _mm256_setzero_ps();
        acc1[r] = _mm256_setzero_ps();
    }
    size_t kk = 0;
    for (size_t k = 0; k < kc; k++, kk += csa) {
        __m256 b0 = _mm256_load_ps(panel + k * LT_GEMM_NR);
        __m256 b1 = _mm256_load_ps(panel + k * LT_GEMM_NR + 8);
        for (int r = 0; r < mr; r++) {
            __m256 av = _mm256_broadcast_ss(row[r] + kk);
            acc0[r] = _mm256_fmadd_ps(av, b0, acc0[r]);
            acc1[r] = _mm256_fmadd_ps(av, b1, acc1[r]);
        }
    }
    for (int r = 0; r < mr; r++) {
        if (ncols == 16) {
            if (load_c) {
                acc0[r] = _mm256_add_ps(_mm256_loadu_ps(c + (size_t)r * ldc), acc0[r]);
                acc1[r] = _mm256_add_ps(_mm256_loadu_ps(c + (size_t)r * ldc + 8), acc1[r]);
            }
            _mm256_storeu_ps(c + (size_t)r * ldc, acc0[r]);
            _mm256_storeu_ps(c + (size_t)r * ldc + 8, acc1[r]);
        } else {
            _mm256_storeu_ps(tmp[r], acc0[r]);
            _mm256_storeu_ps(tmp[r] + 8, acc1[r]);
            for (size_t j = 0; j < ncols; j++)
                c[(size_t)r * ldc + j] = load_c ? c[(size_t)r * ldc + j] + tmp[r][j] : tmp[r][j];
        }
    }
}

LT_AVX2 static void uk_f32_avx2(size_t mr, size_t kc, const float *a, size_t rsa, size_t csa,
                                const float *panel, float *c, size_t ldc, size_t nvalid, int load_c) {
    for (size_t half = 0; half < 2 && half * 16 < nvalid; half++) {
        size_t ncols = lt_min(16, nvalid - half * 16);
        const float *p = panel + half * 16;
        float *ch = c + half * 16;
        switch (mr) {
        case 6: uk_f32_avx2_body(6, kc, a, rsa, csa, p, ch, ldc, ncols, load_c); break;
        case 5: uk_f32_avx2_body(5, kc, a, rsa, csa, p, ch, ldc, ncols, load_c); break;
        case 4: uk_f32_avx2_body(4, kc, a, rsa, csa, p, ch, ldc, ncols, load_c); break;
        case 3: uk_f32_avx2_body(3, kc, a, rsa, csa, p, ch, ldc, ncols, load_c); break;
        case 2: uk_f32_avx2_body(2, kc, a, rsa, csa, p, ch, ldc, ncols, load_c); break;
        default: uk_f32_avx2_body(1, kc, a, rsa, csa, p, ch, ldc, ncols, load_c); break;
        }
    }
}
#endif

/// Portable fallback: the same fma chain per element, in plain C.
static void uk_f32_scalar(size_t mr, size_t kc, const float *a, size_t rsa, size_t csa,
                          const float *panel, float *c, size_t ldc, size_t nvalid, int load_c) {
    for (size_t r = 0; r < mr; r++) {
        float acc[LT_GEMM_NR];
        for (size_t j = 0; j < nvalid; j++) acc[j] = 0.0f;
        for (size_t k = 0; k < kc; k++) {
            float av = a[r * rsa + k * csa];
            const float *b = panel + k * LT_GEMM_NR;
            for (size_t j = 0; j < nvalid; j++) acc[j] = fmaf(av, b[j], acc[j]);
        }
        for (size_t j = 0; j < nvalid; j++) c[r * ldc + j] = load_c ? c[r * ldc + j] + acc[j] : acc[j];
    }
}

// ---------------------------------------------------------------------------
// The driver: threads split the output column panels. Each thread walks its
// panels for one chunk of rows at a time; per panel it packs and multiplies
// K chunk after K chunk, so the C tile stays in L1/L2 and A streams from L2
// or L3 (its reuse across panels is what the M chunk bounds).

/// A GEMM split into tasks: task t covers column panel t % panels and the
/// rows of row block t / panels. Narrow products (a LoRA rank of columns)
/// have too few panels to keep every thread busy, so their rows are split
/// too; each element of C is still one task's one fma chain.
typedef struct {
    const lt_gemm_job *job;
    size_t panels, row_block;
} gemm_split;

static void gemm_f32_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const gemm_split *split = ctx;
    const lt_gemm_job *job = split->job;
    lt_isa isa = lt_isa_active();
    size_t mr_max = 1;
    void (*uk)(size_t, size_t, const float *, size_t, size_t, const float *, float *, size_t, size_t, int) =
        uk_f32_scalar;
#if LT_X86
    if (isa >= LT_ISA_AVX512) { uk = uk_f32_avx512; mr_max = MR_AVX512; }
    else if (isa >= LT_ISA_AVX2_FMA) { uk = uk_f32_avx2; mr_max = MR_AVX2; }
#else
    (void)isa;
#endif
    size_t row0 = begin / split->panels * split->row_block;
    size_t row1 = lt_min(job->M, row0 + split->row_block);
    size_t p0 = begin % split->panels, p1 = p0 + (end - begin);  // a range never spans two row blocks
    for (size_t m0 = row0; m0 < row1; m0 += GEMM_MC) {
        size_t mc = lt_min(GEMM_MC, row1 - m0);
        for (size_t p = p0; p < p1; p++) {
            size_t n0 = p * LT_GEMM_NR, nvalid = lt_min(LT_GEMM_NR, job->N - n0);
            for (size_t k0 = 0; k0 < job->K; k0 += LT_GEMM_KC) {
                size_t kc = lt_min(LT_GEMM_KC, job->K - k0);
                int load_c = job->accumulate || k0 > 0;
                job->pack(job->src, n0, nvalid, k0, kc, panel_f32);
                for (size_t m = m0; m < m0 + mc; m += mr_max) {
                    size_t mr = lt_min(mr_max, m0 + mc - m);
                    uk(mr, kc, job->a + m * job->rsa + k0 * job->csa, job->rsa, job->csa, panel_f32,
                       job->c + m * job->ldc + n0, job->ldc, nvalid, load_c);
                }
            }
        }
    }
}

void lt_gemm_f32_tile(size_t mr, size_t kc, const float *a, size_t rsa, size_t csa, const float *panel,
                      float *c, size_t ldc, size_t nvalid, int load_c) {
    lt_isa isa = lt_isa_active();
    size_t step = 1;
    void (*uk)(size_t, size_t, const float *, size_t, size_t, const float *, float *, size_t, size_t, int) =
        uk_f32_scalar;
#if LT_X86
    if (isa >= LT_ISA_AVX512) { uk = uk_f32_avx512; step = MR_AVX512; }
    else if (isa >= LT_ISA_AVX2_FMA) { uk = uk_f32_avx2; step = MR_AVX2; }
#else
    (void)isa;
#endif
    for (size_t r = 0; r < mr; r += step)
        uk(lt_min(step, mr - r), kc, a + r * rsa, rsa, csa, panel, c + r * ldc, ldc, nvalid, load_c);
}

static void zero_or_keep(const lt_gemm_job *job) {
    if (job->accumulate) return;
    for (size_t m = 0; m < job->M; m++) memset(job->c + m * job->ldc, 0, job->N * sizeof(float));
}

/// Runs tasks [begin, end) one row block at a time (a chunk of the pool may
/// span several).
static void gemm_f32_tasks(void *ctx, size_t begin, size_t end, int thread) {
    const gemm_split *split = ctx;
    while (begin < end) {
        size_t stop = lt_min(end, (begin / split->panels + 1) * split->panels);
        gemm_f32_task(ctx, begin, stop, thread);
        begin = stop;
    }
}

void lt_gemm_f32_run(const lt_gemm_job *job) {
    if (job->M == 0 || job->N == 0) return;
    if (job->K == 0) { zero_or_keep(job); return; }
    gemm_split split = {job, lt_ceil_div(job->N, LT_GEMM_NR), job->M};
    size_t want = 2 * (size_t)lt_get_threads();
    if (split.panels < want) {
        // Row blocks of at least 64 rows, a multiple of 8 (the micro-kernel height).
        size_t blocks = lt_min(lt_ceil_div(want, split.panels), lt_ceil_div(job->M, 64));
        split.row_block = lt_ceil_div(lt_ceil_div(job->M, blocks ? blocks : 1), 8) * 8;
    }
    lt_parallel_for(split.panels * lt_ceil_div(job->M, split.row_block), gemm_f32_tasks, &split);
}

// ---------------------------------------------------------------------------
// Packers.

#if LT_X86
/// Transposes a 16x16 float tile (rows of `src` with stride ld) into 16 rows
/// of the panel (stride NR).
LT_AVX512 static void transpose16_avx512(const float *src, size_t ld, float *dst) {
    __m512 r[16], t[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(src + (size_t)i * ld);
    // Stage 1: interleave pairs of rows.
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
    }
    // Stage 2: 64-bit interleave of row pairs two apart.
    for (int i = 0; i < 16; i += 4) {
        r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
        r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    }
    // Stages 3 and 4: exchange 128-bit lanes between groups of four rows.
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);        // lanes 0,2 of each
        t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xdd);    // lanes 1,3
        t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xdd);
    }
    for (int i = 0; i < 4; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);
        r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd);
        r[i + 4] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0x88);
        r[i + 12] = _mm512_shuffle_f32x4(t[i + 4], t[i + 12], 0xdd);
    }
    // Row i of r now holds column i of the tile.
    for (int i = 0; i < 16; i++) _mm512_storeu_ps(dst + (size_t)i * LT_GEMM_NR, r[i]);
}

/// Transposes an 8x8 float tile (rows of `src` with stride ld) into 8 rows
/// of the panel (stride NR).
LT_AVX2 static inline void transpose8_avx2(const float *src, size_t ld, float *dst) {
    __m256 r[8], t[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + (size_t)i * ld);
    for (int i = 0; i < 8; i += 2) {
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
        r[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
        r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xee);
        r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
        r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xee);
    }
    for (int i = 0; i < 4; i++) {
        t[i] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x20);
        t[i + 4] = _mm256_permute2f128_ps(r[i], r[i + 4], 0x31);
    }
    for (int i = 0; i < 8; i++) _mm256_storeu_ps(dst + (size_t)i * LT_GEMM_NR, t[i]);
}

LT_AVX2 static size_t transpose_full_avx2(const float *src, size_t ld, size_t kc, float *panel) {
    size_t k = 0;
    for (; k + 8 <= kc; k += 8)
        for (size_t j = 0; j < LT_GEMM_NR; j += 8) transpose8_avx2(src + j * ld + k, ld, panel + k * LT_GEMM_NR + j);
    return k;
}
#endif

void lt_pack_transpose_f32(const float *src, size_t ld, size_t nvalid, size_t kc, float *panel) {
    size_t k = 0;
#if LT_X86
    if (nvalid == LT_GEMM_NR && lt_isa_active() >= LT_ISA_AVX512) {
        for (; k + 16 <= kc; k += 16) {
            transpose16_avx512(src + k, ld, panel + k * LT_GEMM_NR);
            transpose16_avx512(src + 16 * ld + k, ld, panel + k * LT_GEMM_NR + 16);
        }
    } else if (nvalid == LT_GEMM_NR && lt_isa_active() >= LT_ISA_AVX2_FMA) {
        k = transpose_full_avx2(src, ld, kc, panel);
    }
#endif
    for (size_t j = 0; j < nvalid; j++) {
        const float *row = src + j * ld;
        for (size_t kk = k; kk < kc; kk++) panel[kk * LT_GEMM_NR + j] = row[kk];
    }
    for (size_t j = nvalid; j < LT_GEMM_NR; j++)
        for (size_t kk = k; kk < kc; kk++) panel[kk * LT_GEMM_NR + j] = 0.0f;
}

/// Panel of W^T for W row-major [N, K]: panel[k][j] = W[n0+j, k0+k].
void lt_pack_nt_f32(const void *src, size_t n0, size_t nvalid, size_t k0, size_t kc, void *panel) {
    const lt_matrix_src *s = src;
    lt_pack_transpose_f32(s->w + n0 * s->ld + k0, s->ld, nvalid, kc, panel);
}

/// Panel of B row-major [K, N]: panel[k][j] = B[k0+k, n0+j].
void lt_pack_rows_f32(const void *src, size_t n0, size_t nvalid, size_t k0, size_t kc, void *panel) {
    const lt_matrix_src *s = src;
    float *p = panel;
    for (size_t k = 0; k < kc; k++) {
        const float *row = s->w + (k0 + k) * s->ld + n0;
        memcpy(p + k * LT_GEMM_NR, row, nvalid * sizeof(float));
        for (size_t j = nvalid; j < LT_GEMM_NR; j++) p[k * LT_GEMM_NR + j] = 0.0f;
    }
}

static _Thread_local float rows_tmp[LT_GEMM_NR * LT_GEMM_KC] __attribute__((aligned(64)));

void lt_pack_nt_loaded(const void *src, size_t n0, size_t nvalid, size_t k0, size_t kc, void *panel) {
    const lt_loaded_src *s = src;
    for (size_t j = 0; j < nvalid; j++) s->load(s->w, s->ld, n0 + j, k0, kc, rows_tmp + j * LT_GEMM_KC);
    lt_pack_transpose_f32(rows_tmp, LT_GEMM_KC, nvalid, kc, panel);
}

void lt_pack_rows_loaded(const void *src, size_t n0, size_t nvalid, size_t k0, size_t kc, void *panel) {
    const lt_loaded_src *s = src;
    float *p = panel;
    for (size_t k = 0; k < kc; k++) {
        s->load(s->w, s->ld, k0 + k, n0, nvalid, p + k * LT_GEMM_NR);
        for (size_t j = nvalid; j < LT_GEMM_NR; j++) p[k * LT_GEMM_NR + j] = 0.0f;
    }
}

// ---------------------------------------------------------------------------
// Matrix-vector kernel (M <= LT_MATVEC_MAX_ROWS): each weight row is read
// once and dotted with every row of A, 16 lanes at a time.

typedef struct {
    const float *x;
    const float *w;
    float *y;
    size_t M, N, K;
    int accumulate;
} matvec_job;

#define MV_ROWS 4  // weight rows per task

#if LT_X86
LT_AVX512 static inline __attribute__((always_inline)) void
mv_f32_avx512_body(const int M, const int R, const matvec_job *job, size_t n) {
    __m512 acc[LT_MATVEC_MAX_ROWS][MV_ROWS];
    for (int m = 0; m < M; m++)
        for (int r = 0; r < R; r++) acc[m][r] = _mm512_setzero_ps();
    size_t K = job->K;
    // Full vectors use plain loads (masked loads are slow on some CPUs);
    // only the tail is masked.
    size_t K16 = K & ~(size_t)15;
    for (size_t k = 0; k < K16; k += 16) {
        __m512 xv[LT_MATVEC_MAX_ROWS];
        for (int m = 0; m < M; m++) xv[m] = _mm512_loadu_ps(job->x + (size_t)m * K + k);
        for (int r = 0; r < R; r++) {
            __m512 wv = _mm512_loadu_ps(job->w + (n + (size_t)r) * K + k);
            for (int m = 0; m < M; m++) acc[m][r] = _mm512_fmadd_ps(xv[m], wv, acc[m][r]);
        }
    }
    if (K16 < K) {
        __mmask16 mask = (__mmask16)((1u << (K - K16)) - 1);
        __m512 xv[LT_MATVEC_MAX_ROWS];
        for (int m = 0; m < M; m++) xv[m] = _mm512_maskz_loadu_ps(mask, job->x + (size_t)m * K + K16);
        for (int r = 0; r < R; r++) {
            __m512 wv = _mm512_maskz_loadu_ps(mask, job->w + (n + (size_t)r) * K + K16);
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

LT_AVX512 static void mv_f32_avx512(const matvec_job *job, size_t n, size_t rows) {
    int M = (int)job->M;
    if (rows == MV_ROWS) {
        switch (M) {
        case 4: mv_f32_avx512_body(4, MV_ROWS, job, n); return;
        case 3: mv_f32_avx512_body(3, MV_ROWS, job, n); return;
        case 2: mv_f32_avx512_body(2, MV_ROWS, job, n); return;
        default: mv_f32_avx512_body(1, MV_ROWS, job, n); return;
        }
    }
    for (size_t r = 0; r < rows; r++) {
        switch (M) {
        case 4: mv_f32_avx512_body(4, 1, job, n + r); break;
        case 3: mv_f32_avx512_body(3, 1, job, n + r); break;
        case 2: mv_f32_avx512_body(2, 1, job, n + r); break;
        default: mv_f32_avx512_body(1, 1, job, n + r); break;
        }
    }
}

LT_AVX2 static void mv_f32_avx2(const matvec_job *job, size_t n, size_t rows) {
    size_t K = job->K, K8 = K & ~(size_t)7;
    for (size_t r = 0; r < rows; r++) {
        const float *w = job->w + (n + r) * K;
        for (size_t m = 0; m < job->M; m++) {
            const float *x = job->x + m * K;
            __m256 acc = _mm256_setzero_ps();
            for (size_t k = 0; k < K8; k += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(x + k), _mm256_loadu_ps(w + k), acc);
            float s = lt_hsum_avx2(acc);
            for (size_t k = K8; k < K; k++) s = fmaf(x[k], w[k], s);
            float *out = job->y + m * job->N + n + r;
            *out = job->accumulate ? *out + s : s;
        }
    }
}
#endif

static void mv_f32_scalar(const matvec_job *job, size_t n, size_t rows) {
    for (size_t r = 0; r < rows; r++) {
        const float *w = job->w + (n + r) * job->K;
        for (size_t m = 0; m < job->M; m++) {
            const float *x = job->x + m * job->K;
            float s = 0.0f;
            for (size_t k = 0; k < job->K; k++) s = fmaf(x[k], w[k], s);
            float *out = job->y + m * job->N + n + r;
            *out = job->accumulate ? *out + s : s;
        }
    }
}

static void matvec_f32_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const matvec_job *job = ctx;
    lt_isa isa = lt_isa_active();
    for (size_t g = begin; g < end; g++) {
        size_t n = g * MV_ROWS, rows = lt_min(MV_ROWS, job->N - n);
#if LT_X86
        if (isa >= LT_ISA_AVX512) { mv_f32_avx512(job, n, rows); continue; }
        if (isa >= LT_ISA_AVX2_FMA) { mv_f32_avx2(job, n, rows); continue; }
#else
        (void)isa;
#endif
        mv_f32_scalar(job, n, rows);
    }
}

// ---------------------------------------------------------------------------
// Public entry points.

void lt_matmul_f32(const float *A, const float *W, float *C, size_t M, size_t N, size_t K, int accumulate) {
    if (M == 0 || N == 0) return;
    if (M <= LT_MATVEC_MAX_ROWS) {
        matvec_job job = {A, W, C, M, N, K, accumulate};
        lt_parallel_for(lt_ceil_div(N, MV_ROWS), matvec_f32_task, &job);
        return;
    }
    lt_matrix_src src = {W, K};
    lt_gemm_job job = {.M = M, .N = N, .K = K, .a = A, .rsa = K, .csa = 1, .c = C, .ldc = N,
                       .accumulate = accumulate, .pack = lt_pack_nt_f32, .src = &src};
    lt_gemm_f32_run(&job);
}

void lt_matmul_nn_f32(const float *A, const float *W, float *C, size_t M, size_t N, size_t K, int accumulate) {
    lt_matrix_src src = {W, K};
    lt_gemm_job job = {.M = M, .N = K, .K = N, .a = A, .rsa = N, .csa = 1, .c = C, .ldc = K,
                       .accumulate = accumulate, .pack = lt_pack_rows_f32, .src = &src};
    lt_gemm_f32_run(&job);
}

void lt_matmul_tn_f32(const float *A, const float *B, float *C, size_t M, size_t N, size_t K, int accumulate) {
    lt_matrix_src src = {B, K};
    lt_gemm_job job = {.M = N, .N = K, .K = M, .a = A, .rsa = 1, .csa = N, .c = C, .ldc = K,
                       .accumulate = accumulate, .pack = lt_pack_rows_f32, .src = &src};
    lt_gemm_f32_run(&job);
}
