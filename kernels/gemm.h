// The blocked matrix-multiply driver shared by the f32, bf16 and NF4 matmuls
// (private to the kernels).
//
// C[M,N] (+)= A[M,K] * B[K,N], where B is never read directly: a `pack`
// function writes one panel of B (NR consecutive output columns by up to KC
// contraction steps) into a contiguous scratch buffer, dequantizing or
// transposing as the source format needs. A micro-kernel then multiplies
// MR rows of A by the panel with every accumulator in a register.
//
// Each element of C is computed the same way whichever ISA, tile or thread
// computes it: for each chunk of KC contraction steps in order, one
// sequential multiply-add chain from zero (fma at each step), added to the
// running value (or to C when accumulating). So results never depend on the
// thread count, the f32 path gives the same bits on AVX-512, AVX2 and the
// scalar fallback, and long contractions (a vocabulary projection's input
// gradient sums 50k products) round like a two-level sum, not one long chain.
#ifndef LT_GEMM_H
#define LT_GEMM_H

#include "lt_internal.h"

#define LT_GEMM_NR 32    // output columns per panel
#define LT_GEMM_KC 256   // contraction steps per panel chunk (the panel stays in L1)

/// Writes panel columns [n0, n0+nvalid) for contraction steps [k0, k0+kc):
/// f32 panels are float[kc][NR]; bf16 panels are uint32[kc/2][NR] (a pair of
/// bf16 values, even k in the low half). Columns >= nvalid are zero.
typedef void (*lt_pack_fn)(const void *src, size_t n0, size_t nvalid, size_t k0, size_t kc, void *panel);

typedef struct {
    size_t M, N, K;
    const float *a;        // f32 A: element (m, k) at a[m*rsa + k*csa]
    size_t rsa, csa;
    float *c;              // C row-major with row stride ldc
    size_t ldc;
    int accumulate;        // add to C instead of overwriting it
    lt_pack_fn pack;
    const void *src;
} lt_gemm_job;

/// Runs an f32 GEMM (f32 panels) over the thread pool.
void lt_gemm_f32_run(const lt_gemm_job *job);

/// A row-major float matrix as a pack source.
typedef struct { const float *w; size_t ld; } lt_matrix_src;

/// Panel of W^T for W row-major [N, K] (src: lt_matrix_src): panel[k][j] = W[n0+j, k0+k].
void lt_pack_nt_f32(const void *src, size_t n0, size_t nvalid, size_t k0, size_t kc, void *panel);
/// Panel of B row-major [K, N] (src: lt_matrix_src): panel[k][j] = B[k0+k, n0+j].
void lt_pack_rows_f32(const void *src, size_t n0, size_t nvalid, size_t k0, size_t kc, void *panel);

/// Writes W[row, col : col+count] as float32 into out (`ld`: W's row length,
/// for formats that need it): any weight storage as a pack source. The same
/// type as the public lt_train_row_loader (lt_train.h).
typedef void (*lt_row_loader)(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out);

/// A weight read through a row loader as a pack source.
typedef struct { const void *w; size_t ld; lt_row_loader load; } lt_loaded_src;

/// Panel of W^T for W [N, K] (src: lt_loaded_src): rows n0.. loaded, then transposed.
void lt_pack_nt_loaded(const void *src, size_t n0, size_t nvalid, size_t k0, size_t kc, void *panel);
/// Panel of W [K, N] (src: lt_loaded_src): row k0+k of W, columns n0...
void lt_pack_rows_loaded(const void *src, size_t n0, size_t nvalid, size_t k0, size_t kc, void *panel);

/// C[M,N] (+)= A[M,K] * B in bf16 precision, where `pack_f32` writes f32
/// panels of B: A and B are rounded to bf16 and products accumulate in f32
/// (vdpbf16ps on AVX512-BF16; elsewhere the same roundings on the f32 path).
/// Returns -1 if scratch memory cannot be allocated.
int lt_gemm_bf16(const float *A, size_t M, size_t N, size_t K, float *C, int accumulate,
                 lt_pack_fn pack_f32, const void *src);

/// One micro-kernel call on the active ISA: C[mr, nvalid] (+)= A[mr, kc] * panel,
/// A element (r, k) at a[r*rsa + k*csa], any mr.
void lt_gemm_f32_tile(size_t mr, size_t kc, const float *a, size_t rsa, size_t csa, const float *panel,
                      float *c, size_t ldc, size_t nvalid, int load_c);

/// Transposes rows [r0, r0+nvalid) x columns [k0, k0+kc) of a row-major
/// float matrix (row stride ld) into an f32 panel.
void lt_pack_transpose_f32(const float *src, size_t ld, size_t nvalid, size_t kc, float *panel);

#endif
