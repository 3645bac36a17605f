// RMSNorm forward (saving 1/rms) and its input gradient for a frozen weight.
//
// Forward:  r = 1/sqrt(mean(x^2) + eps),  y = x * r * w.
// Backward: with g = dy * w,  dx = r * g - x * r^3 * (g . x) / d.
#include "lt_train.h"
#include <math.h>

void lt_train_rmsnorm_forward(const float *x, const float *w, float *y, float *rstd,
                              size_t n, size_t d, float eps) {
    for (size_t i = 0; i < n; i++) {
        const float *xi = x + i * d;
        float *yi = y + i * d;
        double ss = 0;
        for (size_t j = 0; j < d; j++) ss += (double)xi[j] * xi[j];
        float r = (float)(1.0 / sqrt(ss / (double)d + (double)eps));
        rstd[i] = r;
        for (size_t j = 0; j < d; j++) yi[j] = (xi[j] * r) * w[j];
    }
}

void lt_train_rmsnorm_backward(const float *dy, const float *x, const float *w,
                               const float *rstd, float *dx, size_t n, size_t d, int accumulate) {
    for (size_t i = 0; i < n; i++) {
        const float *xi = x + i * d, *dyi = dy + i * d;
        float *dxi = dx + i * d;
        double dot = 0;
        for (size_t j = 0; j < d; j++) dot += (double)dyi[j] * w[j] * xi[j];
        float r = rstd[i];
        float c = (float)(dot / (double)d) * r * r * r;
        if (accumulate)
            for (size_t j = 0; j < d; j++) dxi[j] += r * dyi[j] * w[j] - c * xi[j];
        else
            for (size_t j = 0; j < d; j++) dxi[j] = r * dyi[j] * w[j] - c * xi[j];
    }
}
