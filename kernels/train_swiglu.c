// SwiGLU's gradients (the forward pass, h = silu(g) * u with
// silu(g) = g * sigmoid(g), is lt_swiglu_f32 in elementwise.c):
// du = dh * silu(g);  dg = dh * u * sigmoid(g) * (1 + g * (1 - sigmoid(g))).
#include "lt_train.h"
#include "train_internal.h"
#include "lt_threads.h"
#include <math.h>

#define CHUNK 4096

typedef struct {
    const float *g, *u, *dh;
    float *dg, *du;
    size_t n;
} swiglu_ctx;

/// e[k] = exp(-g[i0 + k]) for one chunk.
static void neg_exp(const float *g, size_t i0, size_t count, float *e) {
    for (size_t k = 0; k < count; k++) e[k] = -g[i0 + k];
    lt_train_exp(e, count);
}

static void backward_chunks(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const swiglu_ctx *c = p;
    float e[CHUNK];
    for (size_t chunk = begin; chunk < end; chunk++) {
        size_t i0 = chunk * CHUNK, count = c->n - i0 < CHUNK ? c->n - i0 : CHUNK;
        neg_exp(c->g, i0, count, e);
        for (size_t k = 0; k < count; k++) {
            size_t i = i0 + k;
            float g = c->g[i], sg = 1.0f / (1.0f + e[k]);
            c->du[i] = c->dh[i] * g * sg;
            c->dg[i] = c->dh[i] * c->u[i] * sg * (1.0f + g * (1.0f - sg));
        }
    }
}

void lt_train_swiglu_backward(const float *dh, const float *g, const float *u,
                              float *dg, float *du, size_t n) {
    swiglu_ctx c = {.g = g, .u = u, .dh = dh, .dg = dg, .du = du, .n = n};
    lt_parallel_for((n + CHUNK - 1) / CHUNK, backward_chunks, &c);
}
