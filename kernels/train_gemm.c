// Matrix products on frozen weights for training: C[M,N] (+)= A[M,K] B[K,N]
// where B comes from a weight W through a row loader (float32, bf16 or NF4
// storage all look the same here), either as B = W^T (a Linear layer's
// forward, W: [N, K]) or B = W (its input gradient, W: [K, N]).
//
// This is only the weight-access layer: the loader fills the engine GEMM's
// panels (gemm.h), and the engine's f32 or bf16 driver and micro-kernels do
// the arithmetic, so training and inference multiply with the same code.
#include "lt_train.h"
#include "gemm.h"
#include "lt_matmul.h"
#include "lt_nf4.h"

// ------------------------------------------------------------ row loaders

void lt_train_load_f32(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out) {
    memcpy(out, (const float *)w + row * ld + col, count * sizeof(float));
}

void lt_train_load_bf16(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out) {
    lt_bf16_to_f32((const uint16_t *)w + row * ld + col, out, count);
}

void lt_train_load_nf4(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out) {
    (void)ld;
    const lt_nf4_tensor *t = w;
    lt_nf4_dequantize_range(t, row * (size_t)t->cols + col, count, out);
}

void lt_train_gemm(const float *A, size_t M, size_t K, size_t N, const void *w, size_t ldw,
                   lt_train_row_loader load, int transposed, float *C, int accumulate, int bf16) {
    lt_matrix_src dense = {w, ldw};
    lt_loaded_src loaded = {w, ldw, load};
    lt_pack_fn pack;
    const void *src;
    if (load == lt_train_load_f32) {
        pack = transposed ? lt_pack_nt_f32 : lt_pack_rows_f32;
        src = &dense;
    } else {
        pack = transposed ? lt_pack_nt_loaded : lt_pack_rows_loaded;
        src = &loaded;
    }
    if (bf16 && K > 0 && lt_gemm_bf16(A, M, N, K, C, accumulate, pack, src) == 0) return;
    lt_gemm_job job = {.M = M, .N = N, .K = K, .a = A, .rsa = K, .csa = 1, .c = C, .ldc = N,
                       .accumulate = accumulate, .pack = pack, .src = src};
    lt_gemm_f32_run(&job);
}
