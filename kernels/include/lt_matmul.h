// Matrix multiplication in the shapes a Llama forward and backward pass need.
//
// Weights are row-major [out_features, in_features] like torch.nn.Linear, so
// the forward product is C = A * W^T. All matrices are dense and contiguous.
// `accumulate` != 0 adds the product to C instead of overwriting it.
//
// A handful of rows (decode) runs matrix-vector kernels that stream each
// weight row once; more rows run a blocked matrix-matrix kernel. Results are
// bit-identical whatever the thread count.
#ifndef LT_MATMUL_H
#define LT_MATMUL_H

#include <stddef.h>
#include <stdint.h>
#include "lt_nf4.h"

/// Up to this many rows of A use the matrix-vector kernels.
#define LT_MATVEC_MAX_ROWS 4

/// C[M,N] (+)= A[M,K] * W[N,K]^T  (a Linear layer's forward).
void lt_matmul_f32(const float *A, const float *W, float *C, size_t M, size_t N, size_t K, int accumulate);

/// C[M,K] (+)= A[M,N] * W[N,K]  (the input gradient dX = dY * W).
void lt_matmul_nn_f32(const float *A, const float *W, float *C, size_t M, size_t N, size_t K, int accumulate);

/// C[N,K] (+)= A[M,N]^T * B[M,K]  (a weight gradient dW = dY^T * X).
void lt_matmul_tn_f32(const float *A, const float *B, float *C, size_t M, size_t N, size_t K, int accumulate);

/// C[M,N] (+)= A[M,K] * W^T for a bf16 weight W[N,K]. Many rows: A is rounded
/// to bf16 and products accumulate in f32 (AVX512-BF16 vdpbf16ps where the
/// CPU has it); few rows: W is widened and multiplied with f32 A exactly.
void lt_matmul_bf16(const float *A, const uint16_t *W, float *C, size_t M, size_t N, size_t K, int accumulate);

/// C[M,N] (+)= A[M,K] * W^T for an NF4 weight W (rows = N, cols = K),
/// dequantizing on the fly (never the whole weight). With `bf16` != 0 the
/// matrix-matrix path rounds A and the dequantized weight to bf16 (QLoRA's
/// bf16 compute dtype; faster), otherwise it multiplies in f32.
void lt_matmul_nf4(const float *A, const lt_nf4_tensor *W, float *C, size_t M, int bf16, int accumulate);

/// C[M,K] (+)= A[M,N] * W for an NF4 weight W (rows = N, cols = K): the input
/// gradient through a frozen quantized layer.
void lt_matmul_nn_nf4(const float *A, const lt_nf4_tensor *W, float *C, size_t M, int accumulate);

/// 8-bit weights: each row in blocks of LT_Q8_BLOCK values sharing one float
/// scale (the block's absmax / 127), values rounded to the nearest integer.
/// About 8.5 bits per weight, like llama.cpp's Q8_0; used for output heads.
#define LT_Q8_BLOCK 64
typedef struct {
    const int8_t *q;         // rows * cols values, row-major
    const float *scales;     // rows * ceil(cols / LT_Q8_BLOCK)
    int64_t rows, cols;
} lt_q8_tensor;

/// Quantizes W[rows, cols] (finite) into q and scales.
void lt_q8_quantize(const float *W, size_t rows, size_t cols, int8_t *q, float *scales);
/// Dequantizes into out[rows * cols].
void lt_q8_dequantize(const lt_q8_tensor *W, float *out);
/// C[M, rows] (+)= A[M, cols] * W^T; `bf16` as for lt_matmul_nf4.
void lt_matmul_q8(const float *A, const lt_q8_tensor *W, float *C, size_t M, int bf16, int accumulate);

/// Rounds n floats to bf16 (nearest, ties to even).
void lt_f32_to_bf16(const float *x, uint16_t *out, size_t n);
/// Widens n bf16 values to f32 (exact).
void lt_bf16_to_f32(const uint16_t *x, float *out, size_t n);

#endif
