// Causal multi-head attention with grouped-query heads over a KV cache.
#ifndef LT_ATTENTION_H
#define LT_ATTENTION_H

#include <stddef.h>
#include <stdint.h>

/// Writes the keys or values of T new tokens, kv [T, G, D], into one
/// sequence's cache [G, capacity, D] at positions start..start+T-1.
void lt_kv_store_f32(const float *kv, float *cache, size_t capacity, size_t T, size_t start,
                     size_t G, size_t D);

/// Attention of T new tokens of one sequence, at positions start..start+T-1,
/// over that sequence's cache (positions 0..start+T-1 already stored).
///   q:   [T, H, D] queries (rotary embedding applied)
///   k_cache, v_cache: [G, capacity, D]
///   out: [T, H, D]; lse: [T, H] log-sum-exp of each query's scaled scores,
///        or NULL (the backward pass recomputes the probabilities from it)
///   seg: NULL, or a segment id for each of the T tokens (packed documents,
///        with start 0): a token then attends only its own segment
/// Query head h reads kv head h / (H / G); token t attends positions
/// 0..start+t (causal); scores are scaled by `scale` (usually 1/sqrt(D)).
/// Training's forward (lt_train_attention_forward) is this kernel.
void lt_attention_f32(const float *q, const float *k_cache, const float *v_cache, size_t capacity,
                      float *out, float *lse, size_t T, size_t start, size_t H, size_t G, size_t D,
                      float scale, const int32_t *seg);

#endif
