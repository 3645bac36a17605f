// Rotary position embedding, forward and backward (the inverse rotation).
#include "lt_train.h"
#include "train_internal.h"
#include "lt_threads.h"
#include <math.h>

void lt_train_rope_table(float *cos_t, float *sin_t, size_t positions, size_t head_dim, double theta) {
    size_t half = head_dim / 2;
    for (size_t i = 0; i < half; i++) {
        double freq = pow(theta, -(double)(2 * i) / (double)head_dim);
        for (size_t p = 0; p < positions; p++) {
            double a = (double)p * freq;
            cos_t[p * half + i] = (float)cos(a);
            sin_t[p * half + i] = (float)sin(a);
        }
    }
}

typedef struct {
    float *x;
    size_t heads, head_dim;
    const int32_t *pos;
    const float *cos_t, *sin_t;
    int neox, inverse;
} rope_ctx;

static void rope_tokens(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const rope_ctx *c = p;
    size_t half = c->head_dim / 2;
    // Pair (a, b) at distance `step` rotates to (a c - b s, a s + b c).
    size_t step = c->neox ? half : 1, stride = c->neox ? 1 : 2;
    for (size_t t = begin; t < end; t++) {
        const float *cs = c->cos_t + (size_t)c->pos[t] * half, *sn = c->sin_t + (size_t)c->pos[t] * half;
        for (size_t h = 0; h < c->heads; h++) {
            float *xh = c->x + (t * c->heads + h) * c->head_dim;
            for (size_t i = 0; i < half; i++) {
                float *pa = xh + i * stride, *pb = pa + step;
                float a = *pa, b = *pb, si = c->inverse ? -sn[i] : sn[i];
                *pa = a * cs[i] - b * si;
                *pb = a * si + b * cs[i];
            }
        }
    }
}

void lt_train_rope(float *x, size_t n, size_t heads, size_t head_dim, const int32_t *pos,
                   const float *cos_t, const float *sin_t, int neox, int inverse) {
    rope_ctx c = {x, heads, head_dim, pos, cos_t, sin_t, neox, inverse};
    lt_parallel_for(n, rope_tokens, &c);
}
