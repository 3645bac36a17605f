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

void lt_train_matmul_tn(const float *A, const float *B, float *C, size_t M, size_t N, size_t K,
                        int accumulate) {
    // C = A^T B: transpose A once ([N, M]) and multiply it by B as stored.
    float *At = malloc((N * M > 0 ? N * M : 1) * sizeof(float));
    for (size_t m = 0; m < M; m++)
        for (size_t n = 0; n < N; n++) At[n * M + m] = A[m * N + n];
    lt_train_gemm(At, N, M, K, B, K, lt_train_load_f32, 0, C, accumulate, 0);
    free(At);
}
