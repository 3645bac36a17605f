// Private helpers shared by the training kernels (not part of the public API).
#ifndef LT_TRAIN_INTERNAL_H
#define LT_TRAIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/// x[i] = e^x[i] for n values: the same exp as the inference kernels (vmath.h).
void lt_train_exp(float *x, size_t n);

/// Dot product with eight fixed partial sums (vectorisable without
/// reassociating, and the same order on every run).
static inline float lt_train_dot(const float *a, const float *b, size_t n) {
    float acc[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int l = 0; l < 8; l++) acc[l] += a[i + l] * b[i + l];
    float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

/// y[0..n) += a * x[0..n).
static inline void lt_train_axpy(float *y, float a, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] += a * x[i];
}

#endif
