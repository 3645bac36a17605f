// Rotary position embedding, forward and backward (the inverse rotation),
// in both layouts of a head's pairs: transformers' (i, i + head_dim/2) and
// GGUF/Meta's interleaved (2i, 2i + 1). The inference model undoes GGUF's
// permutation at load and rotates half-split pairs; the trainer keeps GGUF's
// order (its adapters export to llama.cpp unpermuted) and rotates adjacent ones.
#include "lt_ops.h"
#include "lt_internal.h"
#include "lt_threads.h"

#include <math.h>

void lt_rope_tables_f32(const int32_t *positions, size_t rows, const float *inv_freq, size_t half,
                        float *cos_out, float *sin_out) {
    for (size_t r = 0; r < rows; r++) {
        float pos = (float)positions[r];
        for (size_t i = 0; i < half; i++) {
            float angle = pos * inv_freq[i];
            cos_out[r * half + i] = (float)cos((double)angle);
            sin_out[r * half + i] = (float)sin((double)angle);
        }
    }
}

typedef struct {
    float *x;
    size_t heads, head_dim;
    const float *cos, *sin;
    int interleaved, inverse;
} rope_job;

static void rope_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const rope_job *job = ctx;
    size_t half = job->head_dim / 2;
    // Pair i is (x[i * stride], x[i * stride + step]).
    size_t stride = job->interleaved ? 2 : 1, step = job->interleaved ? 1 : half;
    for (size_t r = begin; r < end; r++) {
        const float *c = job->cos + r * half, *s = job->sin + r * half;
        for (size_t h = 0; h < job->heads; h++) {
            float *x = job->x + (r * job->heads + h) * job->head_dim;
            for (size_t i = 0; i < half; i++) {
                float *p1 = x + i * stride, *p2 = p1 + step;
                float x1 = *p1, x2 = *p2;
                float si = job->inverse ? -s[i] : s[i];
                // q*cos + rotate_half(q)*sin, rotate_half(q) = (-q2, q1)
                *p1 = x1 * c[i] - x2 * si;
                *p2 = x2 * c[i] + x1 * si;
            }
        }
    }
}

void lt_rope_f32(float *x, size_t rows, size_t heads, size_t head_dim,
                 const float *cos_table, const float *sin_table, int interleaved, int inverse) {
    rope_job job = {x, heads, head_dim, cos_table, sin_table, interleaved, inverse};
    lt_parallel_for(rows, rope_task, &job);
}
