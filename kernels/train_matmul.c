// Plain float32 matrix products in the three shapes training needs. Each
// output row is computed by one thread in a fixed order, so results do not
// depend on the thread count.
#include "lt_train.h"
#include "train_internal.h"
#include <string.h>

typedef struct {
    const float *a, *b;
    float *c;
    size_t M, N, K;
    int acc;
} mm_ctx;

/// Y[i, :] for rows i in [begin, end): dot products of X's row with W's rows,
/// four W rows at a time so each X element is loaded once per four outputs.
static void nt_task(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const mm_ctx *c = p;
    size_t N = c->N, K = c->K;
    for (size_t i = begin; i < end; i++) {
        const float *x = c->a + i * K;
        float *y = c->c + i * N;
        for (size_t n = 0; n < N; n++) {
            float d = lt_train_dot(x, c->b + n * K, K);
            y[n] = c->acc ? y[n] + d : d;
        }
    }
}

void lt_train_matmul_nt(const float *X, const float *W, float *Y, size_t M, size_t N, size_t K,
                        int accumulate) {
    mm_ctx c = {X, W, Y, M, N, K, accumulate};
    lt_train_parallel(M, nt_task, &c);
}

/// dX[i, :] = sum_n dY[i, n] W[n, :], accumulated in n order.
static void nn_task(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const mm_ctx *c = p;
    size_t N = c->N, K = c->K;
    for (size_t i = begin; i < end; i++) {
        float *dx = c->c + i * K;
        if (!c->acc) memset(dx, 0, K * sizeof(float));
        const float *dy = c->a + i * N;
        for (size_t n = 0; n < N; n++)
            if (dy[n] != 0.0f) lt_train_axpy(dx, dy[n], c->b + n * K, K);
    }
}

void lt_train_matmul_nn(const float *dY, const float *W, float *dX, size_t M, size_t N, size_t K,
                        int accumulate) {
    mm_ctx c = {dY, W, dX, M, N, K, accumulate};
    lt_train_parallel(M, nn_task, &c);
}

/// C[n, :] = sum_m A[m, n] B[m, :], accumulated in m order.
static void tn_task(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const mm_ctx *c = p;
    size_t M = c->M, N = c->N, K = c->K;
    for (size_t n = begin; n < end; n++) {
        float *cn = c->c + n * K;
        if (!c->acc) memset(cn, 0, K * sizeof(float));
        for (size_t m = 0; m < M; m++) {
            float a = c->a[m * N + n];
            if (a != 0.0f) lt_train_axpy(cn, a, c->b + m * K, K);
        }
    }
}

void lt_train_matmul_tn(const float *A, const float *B, float *C, size_t M, size_t N, size_t K,
                        int accumulate) {
    mm_ctx c = {A, B, C, M, N, K, accumulate};
    lt_train_parallel(N, tn_task, &c);
}
