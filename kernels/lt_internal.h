// Private helpers shared by the kernel files (not part of the public API).
#ifndef LT_INTERNAL_H
#define LT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "lt_cpu.h"

#if defined(__x86_64__) || defined(_M_X64)
#define LT_X86 1
#include <immintrin.h>
/// Function attributes selecting an instruction set for one function; the
/// dispatchers below call such a function only when lt_isa() allows it.
#define LT_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma")))
#define LT_AVX512BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16,avx2,fma")))
#define LT_AVX2 __attribute__((target("avx2,fma")))

/// The sum of the 8 lanes of v.
LT_AVX2 static inline float lt_hsum_avx2(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// NF4 code[q] for the 4-bit code in bits 0-3 of each 32-bit lane (higher
/// bits ignored), given the halves lo = code[0..7], hi = code[8..15] and `sel`
/// with the code's bit 3 in each lane's sign bit: vpermps reads bits 0-2 of
/// the index, the blend picks the table half.
LT_AVX2 static inline __m256 lt_nf4_lookup_avx2(__m256 lo, __m256 hi, __m256i idx, __m256i sel) {
    return _mm256_blendv_ps(_mm256_permutevar8x32_ps(lo, idx), _mm256_permutevar8x32_ps(hi, idx),
                            _mm256_castsi256_ps(sel));
}
#else
#define LT_X86 0
#endif

/// The instruction set kernels may use: the CPU's, unless lowered for tests.
lt_isa lt_isa_active(void);

static inline size_t lt_min(size_t a, size_t b) { return a < b ? a : b; }
static inline size_t lt_ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

/// bf16 <-> f32: bf16 is the top half of a float32; rounding is to nearest, ties to even.
static inline uint16_t lt_bf16_round(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);  // quiet NaN
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}
static inline float lt_bf16_widen(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/// Aligned scratch allocation (64-byte aligned, for vector loads).
void *lt_alloc(size_t bytes);
void lt_free(void *p);

#endif
