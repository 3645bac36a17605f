// SwiGLU, h = silu(g) * u with silu(g) = g * sigmoid(g), and its gradients:
// du = dh * silu(g);  dg = dh * u * sigmoid(g) * (1 + g * (1 - sigmoid(g))).
#include "lt_train.h"
#include "train_internal.h"
#include <math.h>

#define CHUNK 4096

typedef struct {
    const float *g, *u, *dh;
    float *h, *dg, *du;
    size_t n;
} swiglu_ctx;

static void forward_chunks(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const swiglu_ctx *c = p;
    size_t stop = end * CHUNK < c->n ? end * CHUNK : c->n;
    for (size_t i = begin * CHUNK; i < stop; i++) {
        float sg = 1.0f / (1.0f + expf(-c->g[i]));
        c->h[i] = c->g[i] * sg * c->u[i];
    }
}

void lt_train_swiglu_forward(const float *g, const float *u, float *h, size_t n) {
    swiglu_ctx c = {.g = g, .u = u, .h = h, .n = n};
    lt_train_parallel((n + CHUNK - 1) / CHUNK, forward_chunks, &c);
}

static void backward_chunks(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const swiglu_ctx *c = p;
    size_t stop = end * CHUNK < c->n ? end * CHUNK : c->n;
    for (size_t i = begin * CHUNK; i < stop; i++) {
        float g = c->g[i], sg = 1.0f / (1.0f + expf(-g));
        c->du[i] = c->dh[i] * g * sg;
        c->dg[i] = c->dh[i] * c->u[i] * sg * (1.0f + g * (1.0f - sg));
    }
}

void lt_train_swiglu_backward(const float *dh, const float *g, const float *u,
                              float *dg, float *du, size_t n) {
    swiglu_ctx c = {.g = g, .u = u, .dh = dh, .dg = dg, .du = du, .n = n};
    lt_train_parallel((n + CHUNK - 1) / CHUNK, backward_chunks, &c);
}
