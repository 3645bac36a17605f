// Small whole-array helpers for model loading and initialisation.
#ifndef LT_UTIL_H
#define LT_UTIL_H

#include <stddef.h>
#include <stdint.h>

/// Index of the first NaN or infinity in x[0..<n], or -1 when all are finite.
int64_t lt_first_nonfinite_f32(const float *x, size_t n);

/// Fills x with normal(0, std) values. Element i depends only on (seed, i)
/// (a counter-based generator), so the fill is parallel and reproducible
/// whatever the thread count.
void lt_fill_normal_f32(float *x, size_t n, uint64_t seed, float std);

#endif
