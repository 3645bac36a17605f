// Float32 matrix products in the three shapes training needs, on the packed
// GEMM (train_gemm.c). Results do not depend on the thread count.
#include "lt_train.h"
#include <stdlib.h>

void lt_train_matmul_nt(const float *X, const float *W, float *Y, size_t M, size_t N, size_t K,
                        int accumulate) {
    lt_train_gemm(X, M, K, N, W, K, lt_train_load_f32, 1, Y, accumulate, 0);
}

void lt_train_matmul_nn(const float *dY, const float *W, float *dX, size_t M, size_t N, size_t K,
                        int accumulate) {
    lt_train_gemm(dY, M, N, K, W, K, lt_train_load_f32, 0, dX, accumulate, 0);
}

/// out[c, r] = in[r, c] for a rows x cols matrix, in cache-sized tiles.
static void transpose(const float *in, float *out, size_t rows, size_t cols) {
    const size_t tile = 32;
    for (size_t r0 = 0; r0 < rows; r0 += tile)
        for (size_t c0 = 0; c0 < cols; c0 += tile) {
            size_t r1 = r0 + tile < rows ? r0 + tile : rows, c1 = c0 + tile < cols ? c0 + tile : cols;
            for (size_t r = r0; r < r1; r++)
                for (size_t c = c0; c < c1; c++) out[c * rows + r] = in[r * cols + c];
        }
}

void lt_train_matmul_tn(const float *A, const float *B, float *C, size_t M, size_t N, size_t K,
                        int accumulate) {
    if (N <= K) {
        // C = A^T B: transpose the narrower operand A once ([N, M]), multiply B as stored.
        float *At = malloc((N * M > 0 ? N * M : 1) * sizeof(float));
        transpose(A, At, M, N);
        lt_train_gemm(At, N, M, K, B, K, lt_train_load_f32, 0, C, accumulate, 0);
        free(At);
        return;
    }
    // C^T = B^T A, transposing the narrower B ([K, M]) and then the small result.
    float *Bt = malloc((K * M > 0 ? K * M : 1) * sizeof(float));
    float *Ct = malloc((K * N > 0 ? K * N : 1) * sizeof(float));
    transpose(B, Bt, M, K);
    lt_train_gemm(Bt, K, M, N, A, N, lt_train_load_f32, 0, Ct, 0, 0);
    if (accumulate) {
        for (size_t k = 0; k < K; k++)
            for (size_t n = 0; n < N; n++) C[n * K + k] += Ct[k * N + n];
    } else {
        transpose(Ct, C, K, N);
    }
    free(Bt);
    free(Ct);
}
