// Rotary position embedding, forward and backward (the inverse rotation).
#include "lt_train.h"
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

void lt_train_rope(float *x, size_t n, size_t heads, size_t head_dim, const int32_t *pos,
                   const float *cos_t, const float *sin_t, int neox, int inverse) {
    size_t half = head_dim / 2;
    // Pair (a, b) at distance `step` rotates to (a c - b s, a s + b c).
    size_t step = neox ? half : 1, stride = neox ? 1 : 2;
    for (size_t t = 0; t < n; t++) {
        const float *c = cos_t + (size_t)pos[t] * half, *s = sin_t + (size_t)pos[t] * half;
        for (size_t h = 0; h < heads; h++) {
            float *xh = x + (t * heads + h) * head_dim;
            for (size_t i = 0; i < half; i++) {
                float *pa = xh + i * stride, *pb = pa + step;
                float a = *pa, b = *pb, si = inverse ? -s[i] : s[i];
                *pa = a * c[i] - b * si;
                *pb = a * si + b * c[i];
            }
        }
    }
}
