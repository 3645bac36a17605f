// Vectorized exp for the kernels (private). Range reduction to
// r in [-ln2/2, ln2/2], a degree-7 Taylor polynomial (truncation error below
// 1e-8 relative), and an exact scaling by 2^n; overall within a few float
// ulps of the true value. Inputs below about -87.3 give exactly 0, so a -inf
// score (a masked position) contributes nothing.
#ifndef LT_VMATH_H
#define LT_VMATH_H

#include "lt_internal.h"
#include <math.h>

#define LT_EXP_MIN -87.33654f   // ln(FLT_MIN): below this exp underflows
#define LT_EXP_MAX 88.72283f    // ln(FLT_MAX)

#if LT_X86
LT_AVX512 static inline __m512 lt_exp512(__m512 x) {
    const __m512 log2e = _mm512_set1_ps(1.44269504088896341f);
    const __m512 ln2_hi = _mm512_set1_ps(0.693145751953125f);
    const __m512 ln2_lo = _mm512_set1_ps(1.428606765330187e-06f);
    __mmask16 under = _mm512_cmp_ps_mask(x, _mm512_set1_ps(LT_EXP_MIN), _CMP_LT_OQ);
    x = _mm512_min_ps(x, _mm512_set1_ps(LT_EXP_MAX));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, ln2_hi, x);
    r = _mm512_fnmadd_ps(n, ln2_lo, r);
    __m512 p = _mm512_set1_ps(1.0f / 5040);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_maskz_scalef_ps((__mmask16)~under, p, n);
}
#endif

#endif
