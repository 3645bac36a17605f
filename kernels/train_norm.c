// RMSNorm's input gradient for a frozen weight (the forward pass, which
// saves r = 1/rms per row, is lt_rmsnorm_f32 in norm.c):
// with y = x * r * w and g = dy * w,  dx = r * g - x * r^3 * (g . x) / d.
#include "lt_train.h"
#include "train_internal.h"
#include "lt_threads.h"
#include <math.h>

typedef struct {
    const float *x, *w, *dy, *rstd_in;
    float *dx;
    size_t d;
    int accumulate;
} norm_ctx;

static void backward_rows(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const norm_ctx *c = p;
    size_t d = c->d;
    for (size_t i = begin; i < end; i++) {
        const float *xi = c->x + i * d, *dyi = c->dy + i * d;
        float *dxi = c->dx + i * d;
        double dot = 0;
        for (size_t j = 0; j < d; j++) dot += (double)dyi[j] * c->w[j] * xi[j];
        float r = c->rstd_in[i];
        float k = (float)(dot / (double)d) * r * r * r;
        if (c->accumulate)
            for (size_t j = 0; j < d; j++) dxi[j] += r * dyi[j] * c->w[j] - k * xi[j];
        else
            for (size_t j = 0; j < d; j++) dxi[j] = r * dyi[j] * c->w[j] - k * xi[j];
    }
}

void lt_train_rmsnorm_backward(const float *dy, const float *x, const float *w,
                               const float *rstd, float *dx, size_t n, size_t d, int accumulate) {
    norm_ctx c = {.x = x, .w = w, .dy = dy, .rstd_in = rstd, .dx = dx, .d = d, .accumulate = accumulate};
    lt_parallel_for(n, backward_rows, &c);
}
