// SwiGLU, h = silu(g) * u with silu(g) = g * sigmoid(g), and its gradients:
// du = dh * silu(g);  dg = dh * u * sigmoid(g) * (1 + g * (1 - sigmoid(g))).
#include "lt_train.h"
#include <math.h>

void lt_train_swiglu_forward(const float *g, const float *u, float *h, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float sg = 1.0f / (1.0f + expf(-g[i]));
        h[i] = g[i] * sg * u[i];
    }
}

void lt_train_swiglu_backward(const float *dh, const float *g, const float *u,
                              float *dg, float *du, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float sg = 1.0f / (1.0f + expf(-g[i]));
        float silu = g[i] * sg;
        du[i] = dh[i] * silu;
        dg[i] = dh[i] * u[i] * sg * (1.0f + g[i] * (1.0f - sg));
    }
}
