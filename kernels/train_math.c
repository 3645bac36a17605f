// Vectorised exp for the training kernels (softmax, cross-entropy, SiLU):
// the usual range reduction x = n ln2 + r, |r| <= ln2/2, and a degree-6
// polynomial for e^r; relative error about 2e-7 (libm's expf: 1 ulp), with
// inputs clamped to [-87.3, 88.7] so the result is always finite.
#include "train_internal.h"
#include "lt_cpu.h"
#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx512f"))) static void exp_avx512(float *x, size_t n) {
    const __m512 lo = _mm512_set1_ps(-87.3f), hi = _mm512_set1_ps(88.7f);
    const __m512 log2e = _mm512_set1_ps(1.44269504088896341f);
    const __m512 ln2hi = _mm512_set1_ps(0.693359375f), ln2lo = _mm512_set1_ps(-2.12194440e-4f);
    const __m512 c6 = _mm512_set1_ps(1.0f / 720), c5 = _mm512_set1_ps(1.0f / 120), c4 = _mm512_set1_ps(1.0f / 24);
    const __m512 c3 = _mm512_set1_ps(1.0f / 6), c2 = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f);
    size_t i = 0;
    for (; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? 0xffff : (__mmask16)((1u << (n - i)) - 1);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
        __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(v, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        __m512 r = _mm512_fnmadd_ps(k, ln2hi, v);
        r = _mm512_fnmadd_ps(k, ln2lo, r);
        __m512 p = _mm512_fmadd_ps(c6, r, c5);
        p = _mm512_fmadd_ps(p, r, c4);
        p = _mm512_fmadd_ps(p, r, c3);
        p = _mm512_fmadd_ps(p, r, c2);
        p = _mm512_fmadd_ps(p, r, one);
        p = _mm512_fmadd_ps(p, r, one);
        _mm512_mask_storeu_ps(x + i, m, _mm512_scalef_ps(p, k));
    }
}
#endif

/// The same computation in portable C (the fallback path; same formula).
static void exp_scalar(float *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = x[i] < -87.3f ? -87.3f : x[i] > 88.7f ? 88.7f : x[i];
        float k = nearbyintf(v * 1.44269504088896341f);
        float r = v - k * 0.693359375f;
        r = r - k * -2.12194440e-4f;
        float p = 1.0f / 720;
        p = p * r + 1.0f / 120;
        p = p * r + 1.0f / 24;
        p = p * r + 1.0f / 6;
        p = p * r + 0.5f;
        p = p * r + 1.0f;
        p = p * r + 1.0f;
        x[i] = ldexpf(p, (int)k);
    }
}

void lt_train_exp(float *x, size_t n) {
#if defined(__x86_64__)
    if (lt_cpu_isa() >= LT_ISA_AVX512) {
        exp_avx512(x, n);
        return;
    }
#endif
    exp_scalar(x, n);
}
