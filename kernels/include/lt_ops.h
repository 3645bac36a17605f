// Element-wise and row-wise kernels of a Llama block: RMSNorm, rotary
// position embedding, softmax, SwiGLU, embedding lookup and residual add,
// shared by inference and training (whose backward kernels are in
// lt_train.h). Matrices are row-major and contiguous.
#ifndef LT_OPS_H
#define LT_OPS_H

#include <stddef.h>
#include <stdint.h>

/// RMSNorm as in Llama/transformers: out = weight * (x * 1/sqrt(mean(x^2) + eps))
/// per row of `dim`. Writes each row's 1/rms into inv_rms when not NULL
/// (the backward pass needs it). out may alias x.
void lt_rmsnorm_f32(const float *x, const float *weight, float *out, float *inv_rms,
                    size_t rows, size_t dim, float eps);


/// Rotary position embedding tables: for each row r and pair i < half,
/// angle = (float)positions[r] * inv_freq[i] (a float32 product, as
/// transformers computes it), cos/sin rounded to float. cos and sin are [rows, half].
void lt_rope_tables_f32(const int32_t *positions, size_t rows, const float *inv_freq, size_t half,
                        float *cos_out, float *sin_out);

/// Rotates x [rows, heads, head_dim] in place: pair i of each head is rotated
/// by row r's angle i (tables from lt_rope_tables_f32). The pairs are
/// (i, i + head_dim/2) in transformers' layout, or (2i, 2i + 1) with
/// `interleaved` != 0 (GGUF/Meta's order of q/k rows). inverse != 0 rotates
/// by the negative angle (the backward of the rotation).
void lt_rope_f32(float *x, size_t rows, size_t heads, size_t head_dim,
                 const float *cos_table, const float *sin_table, int interleaved, int inverse);

/// Numerically stable softmax of each row of n, in place.
void lt_softmax_f32(float *x, size_t rows, size_t n);

/// SwiGLU: out = silu(gate) * up, silu(g) = g / (1 + exp(-g)). out may alias gate or up.
void lt_swiglu_f32(const float *gate, const float *up, float *out, size_t n);


/// y += x over n elements.
void lt_add_f32(float *y, const float *x, size_t n);

/// Copies rows ids[i] of table[vocab, dim] into out[i]. Ids must be in range
/// (the caller validates them).
void lt_embedding_f32(const float *table, size_t dim, const int32_t *ids, size_t n, float *out);

#endif
