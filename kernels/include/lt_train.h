// Training kernels: the backward passes of a Llama decoder, LoRA adapters,
// chunked cross-entropy and the optimizer (QLoRA fine-tuning). The forward
// pass uses the inference kernels (lt_ops.h, lt_matmul.h): RMSNorm, RoPE
// (backward: lt_rope_f32 with inverse = 1), SwiGLU and the GEMMs.
//
// Conventions: every tensor is float32, row-major and contiguous. A batch of
// B sequences of T tokens is laid out as n = B*T rows. `accumulate` != 0 adds
// into the output gradient instead of overwriting it (several paths feed the
// same activation, and gradient accumulation sums over micro-batches).
//
// Parallel kernels run on the kernels' one thread pool (lt_threads.h) and
// split work into fixed units (rows, heads…) that never share an output, so
// results are bit-identical whatever the thread count.
#ifndef LT_TRAIN_H
#define LT_TRAIN_H

#include <stddef.h>
#include <stdint.h>

// ---------------------------------------------------------------- RMSNorm

/// Input gradient of RMSNorm (lt_rmsnorm_f32, which saved 1/rms per row in
/// rstd) with a frozen weight w: dx (+)= dL/dx.
void lt_train_rmsnorm_backward(const float *dy, const float *x, const float *w,
                               const float *rstd, float *dx, size_t n, size_t d, int accumulate);

// ---------------------------------------------------------------- Attention

/// Causal grouped-query attention, softmax(q k^T / sqrt(D)) v, for B
/// sequences of T tokens. q, out: [B*T, Hq*D]; k, v: [B*T, Hkv*D]; query
/// head h reads kv head h / (Hq/Hkv). When `seg` (B*T ids) is non-null, a
/// query sees only earlier keys with the same id (packed documents).
/// Saves the log-sum-exp of each score row in lse[B*T, Hq] so the backward
/// pass can rebuild the probabilities without storing them. This is the
/// inference kernel lt_attention_f32, run one sequence at a time.
void lt_train_attention_forward(const float *q, const float *k, const float *v, float *out,
                                float *lse, const int32_t *seg,
                                size_t B, size_t T, size_t Hq, size_t Hkv, size_t D);

/// Gradients of the attention above: dq, dk, dv (overwritten) from dout.
void lt_train_attention_backward(const float *q, const float *k, const float *v,
                                 const float *out, const float *dout, const float *lse,
                                 const int32_t *seg, float *dq, float *dk, float *dv,
                                 size_t B, size_t T, size_t Hq, size_t Hkv, size_t D);

// ---------------------------------------------------------------- SwiGLU

/// Gradients of lt_swiglu_f32 (h = silu(g) * u): dg, du (overwritten) from dh.
void lt_train_swiglu_backward(const float *dh, const float *g, const float *u,
                              float *dg, float *du, size_t n);

// ---------------------------------------------------------------- GEMM on frozen weights

/// Writes W[row, col : col+count] as float32 into out; `ld` is W's row length.
/// Lets one matmul driver read float32, bf16 or quantized weights.
typedef void (*lt_train_row_loader)(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out);

/// Row loaders for float32 and bf16 (uint16) row-major weights.
void lt_train_load_f32(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out);
void lt_train_load_bf16(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out);
/// Row loader for an NF4 weight: `w` is a const lt_nf4_tensor * (`ld` unused);
/// dequantizes just the requested elements.
void lt_train_load_nf4(const void *w, size_t ld, size_t row, size_t col, size_t count, float *out);

/// C[M,N] (+)= A[M,K] B[K,N] with B = W^T (`transposed`, W: [N,K], a Linear
/// forward) or B = W (W: [K,N], the input gradient dY W), on the engine's
/// GEMM (lt_matmul.h). With `bf16` != 0, A and W are rounded to bfloat16 and
/// products accumulate in float32 (AVX512-BF16 where available); otherwise
/// float32 throughout. Plain float32 products are lt_matmul_f32,
/// lt_matmul_nn_f32 and lt_matmul_tn_f32.
void lt_train_gemm(const float *A, size_t M, size_t K, size_t N, const void *w, size_t ldw,
                   lt_train_row_loader load, int transposed, float *C, int accumulate, int bf16);

// ---------------------------------------------------------------- LoRA

/// The dropout mask LoRA uses: element i of a stream keeps its value with
/// probability 1-p (scaled by 1/(1-p)), decided by a hash of (seed, i), so the
/// backward pass regenerates the mask instead of storing it. Returns the
/// multiplier for element i: 0 or 1/(1-p) (1 when p == 0).
float lt_train_dropout_factor(uint64_t seed, uint64_t i, float p);

/// LoRA forward for x [n, in]: t = dropout(x) A^T  (t: [n, r], saved for the
/// backward pass), then y [n, out] += scale * t B^T. A: [r, in], B: [out, r].
void lt_train_lora_forward(const float *x, const float *A, const float *B, float *t, float *y,
                           size_t n, size_t in, size_t out, size_t r, float scale,
                           float dropout, uint64_t seed);

/// LoRA backward from dy [n, out]: dA [r, in] and dB [out, r] (+)= their
/// gradients (`accumulate` for micro-batches), dx [n, in] += the input
/// gradient through the adapter (always accumulated: the base layer's
/// gradient flows into the same dx). dx may be NULL when not needed.
void lt_train_lora_backward(const float *x, const float *A, const float *B, const float *t,
                            const float *dy, float *dA, float *dB, float *dx,
                            size_t n, size_t in, size_t out, size_t r, float scale,
                            float dropout, uint64_t seed, int accumulate);

// ---------------------------------------------------------------- Cross-entropy

/// Cross-entropy over one chunk of c rows of logits [c, V] (training's loss
/// and perplexity's). Row i's target is targets[i]; a negative or
/// out-of-vocabulary target (ignore index) or a zero weight contributes
/// nothing; `weights` NULL weighs every row 1. Returns sum_i weight[i] * (logsumexp(row) - row[target]) in
/// double; when `grad` != 0 overwrites the logits with their gradient
/// weight[i] * (softmax(row) - onehot(target)).
double lt_train_cross_entropy(float *logits, const int32_t *targets, const float *weights,
                              size_t c, size_t V, int grad);

// ---------------------------------------------------------------- Optimizer

/// Sum of squares of n values, accumulated in double (for a global norm).
double lt_train_sum_squares(const float *x, size_t n);

/// Multiplies n values by s in place (gradient clipping, accumulation averaging).
void lt_train_scale(float *x, size_t n, float s);

/// One AdamW step exactly as torch.optim.AdamW (decoupled weight decay,
/// bias correction): p *= 1 - lr*wd; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
/// p -= lr/(1-b1^step) * m / (sqrt(v)/sqrt(1-b2^step) + eps). `step` starts at 1.
void lt_train_adamw(float *p, const float *g, float *m, float *v, size_t n, float lr,
                    float beta1, float beta2, float eps, float weight_decay, int64_t step);

#endif
