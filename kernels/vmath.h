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

/// lt_exp512 on 8 lanes, giving the same bits: the same reduction and
/// polynomial, and the scaling by 2^n as two exact multiplications by
/// 2^(n/2) and 2^(n - n/2) (each a normal float for n in [-126, 128]), so
/// the only rounding is that of the final product, as in vscalefps.
LT_AVX2 static inline __m256 lt_exp256(__m256 x) {
    const __m256 log2e = _mm256_set1_ps(1.44269504088896341f);
    const __m256 ln2_hi = _mm256_set1_ps(0.693145751953125f);
    const __m256 ln2_lo = _mm256_set1_ps(1.428606765330187e-06f);
    __m256 under = _mm256_cmp_ps(x, _mm256_set1_ps(LT_EXP_MIN), _CMP_LT_OQ);
    x = _mm256_min_ps(x, _mm256_set1_ps(LT_EXP_MAX));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, ln2_hi, x);
    r = _mm256_fnmadd_ps(n, ln2_lo, r);
    __m256 p = _mm256_set1_ps(1.0f / 5040);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    __m256i ni = _mm256_cvtps_epi32(n);
    __m256i n1 = _mm256_srai_epi32(ni, 1), n2 = _mm256_sub_epi32(ni, n1);
    __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, _mm256_set1_epi32(127)), 23));
    __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, _mm256_set1_epi32(127)), 23));
    return _mm256_andnot_ps(under, _mm256_mul_ps(_mm256_mul_ps(p, s1), s2));
}
#endif

#endif
