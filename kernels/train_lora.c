// LoRA adapters: y += scale * B (A dropout(x)), with the dropout mask
// regenerated from a seed in the backward pass instead of stored.
//
// Backward, with t = dropout(x) A^T and dy the output gradient:
//   dB += scale * dy^T t        dt = scale * dy B
//   dA += dt^T dropout(x)       dx += dropout'(dt A)
#include "lt_train.h"
#include "lt_matmul.h"
#include "train_internal.h"
#include "lt_threads.h"
#include <stdlib.h>
#include <string.h>

static inline uint64_t splitmix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// 16 random bits for element i: one hash serves four consecutive elements.
static inline uint32_t dropout_bits(uint64_t seed, uint64_t i) {
    return (uint32_t)(splitmix64(seed ^ splitmix64(i >> 2)) >> (16 * (i & 3))) & 0xffffu;
}

/// Elements whose 16 random bits fall below this are dropped (p in 1/65536 steps).
static inline uint32_t dropout_threshold(float p) { return (uint32_t)((double)p * 65536.0 + 0.5); }

float lt_train_dropout_factor(uint64_t seed, uint64_t i, float p) {
    if (p <= 0.0f) return 1.0f;
    return dropout_bits(seed, i) < dropout_threshold(p) ? 0.0f : 1.0f / (1.0f - p);
}

typedef struct {
    const float *x;
    float *out;
    size_t count;
    uint64_t seed;
    float p;
    int accumulate;
} mask_ctx;

#define MASK_CHUNK 8192  // elements per task (a multiple of 4)

/// out = x * mask (or out += x * mask), four elements per hash.
static void mask_task(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const mask_ctx *c = p;
    uint32_t threshold = dropout_threshold(c->p);
    float keep = 1.0f / (1.0f - c->p);
    size_t stop = end * MASK_CHUNK < c->count ? end * MASK_CHUNK : c->count;
    for (size_t g = begin * MASK_CHUNK; g < stop; g += 4) {
        uint64_t h = splitmix64(c->seed ^ splitmix64(g >> 2));
        for (size_t k = 0; k < 4 && g + k < stop; k++) {
            float f = ((uint32_t)(h >> (16 * k)) & 0xffffu) < threshold ? 0.0f : keep;
            if (c->accumulate) c->out[g + k] += c->x[g + k] * f;
            else c->out[g + k] = c->x[g + k] * f;
        }
    }
}

static void apply_mask(const float *x, float *out, size_t count, float p, uint64_t seed, int accumulate) {
    mask_ctx c = {x, out, count, seed, p, accumulate};
    lt_parallel_for((count + MASK_CHUNK - 1) / MASK_CHUNK, mask_task, &c);
}

/// x with the dropout mask applied, or x itself when there is no dropout.
static const float *dropped(const float *x, size_t count, float p, uint64_t seed, float **owned) {
    *owned = NULL;
    if (p <= 0.0f) return x;
    float *xd = malloc(count * sizeof(float));
    apply_mask(x, xd, count, p, seed, 0);
    *owned = xd;
    return xd;
}

void lt_train_lora_forward(const float *x, const float *A, const float *B, float *t, float *y,
                           size_t n, size_t in, size_t out, size_t r, float scale,
                           float dropout, uint64_t seed) {
    float *owned;
    const float *xd = dropped(x, n * in, dropout, seed, &owned);
    lt_matmul_f32(xd, A, t, n, r, in, 0);
    float *ts = malloc(n * r * sizeof(float));
    for (size_t i = 0; i < n * r; i++) ts[i] = t[i] * scale;
    lt_matmul_f32(ts, B, y, n, out, r, 1);
    free(ts);
    free(owned);
}

void lt_train_lora_backward(const float *x, const float *A, const float *B, const float *t,
                            const float *dy, float *dA, float *dB, float *dx,
                            size_t n, size_t in, size_t out, size_t r, float scale,
                            float dropout, uint64_t seed, int accumulate) {
    float *buf = malloc(n * r * sizeof(float));
    // dB = dy^T (scale t)
    for (size_t i = 0; i < n * r; i++) buf[i] = t[i] * scale;
    lt_matmul_tn_f32(dy, buf, dB, n, out, r, accumulate);
    // dt = scale * dy B
    lt_matmul_nn_f32(dy, B, buf, n, out, r, 0);
    for (size_t i = 0; i < n * r; i++) buf[i] *= scale;
    float *owned;
    const float *xd = dropped(x, n * in, dropout, seed, &owned);
    lt_matmul_tn_f32(buf, xd, dA, n, r, in, accumulate);
    free(owned);
    if (dx) {
        if (dropout <= 0.0f) {
            lt_matmul_nn_f32(buf, A, dx, n, r, in, 1);
        } else {
            float *g = malloc(n * in * sizeof(float));
            lt_matmul_nn_f32(buf, A, g, n, r, in, 0);
            apply_mask(g, dx, n * in, dropout, seed, 1);
            free(g);
        }
    }
    free(buf);
}
