// RMSNorm forward (saving 1/rms) and its input gradient for a frozen weight.
//
// Forward:  r = 1/sqrt(mean(x^2) + eps),  y = x * r * w.
// Backward: with g = dy * w,  dx = r * g - x * r^3 * (g . x) / d.
#include "lt_train.h"
#include "train_internal.h"
#include "lt_threads.h"
#include <math.h>

typedef struct {
    const float *x, *w, *dy, *rstd_in;
    float *y, *rstd, *dx;
    size_t d;
    float eps;
    int accumulate;
} norm_ctx;

static void forward_rows(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const norm_ctx *c = p;
    size_t d = c->d;
    for (size_t i = begin; i < end; i++) {
        const float *xi = c->x + i * d;
        float *yi = c->y + i * d;
        double ss = 0;
        for (size_t j = 0; j < d; j++) ss += (double)xi[j] * xi[j];
        float r = (float)(1.0 / sqrt(ss / (double)d + (double)c->eps));
        c->rstd[i] = r;
        for (size_t j = 0; j < d; j++) yi[j] = (xi[j] * r) * c->w[j];
    }
}

void lt_train_rmsnorm_forward(const float *x, const float *w, float *y, float *rstd,
                              size_t n, size_t d, float eps) {
    norm_ctx c = {.x = x, .w = w, .y = y, .rstd = rstd, .d = d, .eps = eps};
    lt_parallel_for(n, forward_rows, &c);
}

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
