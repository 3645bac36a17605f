// Dequantization of ggml's tensor formats to float32.
//
// Each format is a sequence of fixed-size blocks; a block stores a few
// scales (IEEE halves) and packed small integers. The arithmetic below is
// written to round exactly as ggml's reference C code and the `gguf` Python
// package do (same operations, same order, float32 throughout), so results
// are bit-identical; FP contraction is switched off so the compiler cannot
// fuse `d * q - m` into an FMA, which would round differently.
//
// Blocks are read byte by byte (memcpy for halves), so tensor data needs no
// alignment: GGUF only aligns tensors, not blocks.
#include "lt_ggml.h"

#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

#define QK 32    // elements per block of the classic formats
#define QK_K 256 // elements per super-block of the k-quants

static inline uint32_t f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline uint16_t load_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline float load_half(const uint8_t *p) { return lt_fp16_to_fp32(load_u16(p)); }

// ---- half precision -------------------------------------------------------

float lt_fp16_to_fp32(uint16_t h) {
    // Branch-free (selects only) so loops over it vectorise. A normal half's
    // exponent and mantissa, shifted into float position, need the exponent
    // rebiased by 127 - 15 = 112; infinities and NaNs (exponent 31) need
    // 112 more to reach float's 255. Subnormals (and zero) are mant * 2^-24,
    // which the float multiply computes exactly.
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t em = h & 0x7fff;
    uint32_t normal = (em << 13) + (112u << 23);
    normal = em >= 0x7c00 ? normal + (112u << 23) : normal;
    uint32_t sub = f32_bits((float)em * 0x1p-24f);
    return bits_f32(sign | (em < 0x400 ? sub : normal));
}

uint16_t lt_fp32_to_fp16(float value) {
    uint32_t x = f32_bits(value);
    uint16_t sign = (uint16_t)((x >> 16) & 0x8000);
    uint32_t a = x & 0x7fffffff;
    if (a > 0x7f800000) return sign | 0x7e00 | (uint16_t)((a & 0x7fffff) >> 13); // NaN, made quiet
    if (a >= 0x477ff000) return sign | 0x7c00; // >= 65520 rounds past 65504: infinity
    uint32_t e = a >> 23;
    if (e >= 113) {
        // Normal half: rebias the exponent, keep 10 mantissa bits, round the 13 dropped.
        uint32_t h = ((e - 112) << 10) | ((a & 0x7fffff) >> 13);
        uint32_t rest = a & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1))) h++; // a carry correctly bumps the exponent
        return sign | (uint16_t)h;
    }
    if (e < 102) return sign; // below half the smallest subnormal (2^-25): zero
    // Subnormal half: the value in units of 2^-24 is mant * 2^(e - 126).
    uint32_t mant = (a & 0x7fffff) | 0x800000;
    uint32_t shift = 126 - e; // 14..24
    uint32_t q = mant >> shift;
    uint32_t rest = mant & ((1u << shift) - 1), half = 1u << (shift - 1);
    if (rest > half || (rest == half && (q & 1))) q++;
    return sign | (uint16_t)q;
}

float lt_bf16_to_fp32(uint16_t h) { return bits_f32((uint32_t)h << 16); }

uint16_t lt_fp32_to_bf16(float value) {
    uint32_t u = f32_bits(value);
    if ((u & 0x7fffffff) > 0x7f800000) return (uint16_t)((u >> 16) | 64); // quiet NaN
    return (uint16_t)((u + (0x7fff + ((u >> 16) & 1))) >> 16);
}

void lt_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n) {
    for (int64_t i = 0; i < n; i++) dst[i] = lt_fp32_to_fp16(src[i]);
}

void lt_fp32_to_bf16_row(const float *src, uint16_t *dst, int64_t n) {
    for (int64_t i = 0; i < n; i++) dst[i] = lt_fp32_to_bf16(src[i]);
}

// ---- plain element types --------------------------------------------------

static void dequant_f32(const uint8_t *x, float *y, int64_t n) { memcpy(y, x, (size_t)n * 4); }

static void dequant_f16(const uint8_t *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = load_half(x + 2 * i);
}

static void dequant_bf16(const uint8_t *x, float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] = lt_bf16_to_fp32(load_u16(x + 2 * i));
}

// ---- 32-element blocks ----------------------------------------------------
// The low nibbles of the 16 packed bytes are elements 0..15, the high
// nibbles elements 16..31.

// Q4_0: half d, 16 bytes of 4-bit q; x = (q - 8) * d.
static void dequant_q4_0(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t b = 0; b < nb; b++, x += 18, y += QK) {
        float d = load_half(x);
        const uint8_t *qs = x + 2;
        for (int j = 0; j < 16; j++) {
            y[j] = (float)((qs[j] & 0x0f) - 8) * d;
            y[j + 16] = (float)((qs[j] >> 4) - 8) * d;
        }
    }
}

// Q4_1: half d, half m, 16 bytes of 4-bit q; x = q * d + m.
static void dequant_q4_1(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t b = 0; b < nb; b++, x += 20, y += QK) {
        float d = load_half(x), m = load_half(x + 2);
        const uint8_t *qs = x + 4;
        for (int j = 0; j < 16; j++) {
            y[j] = (float)(qs[j] & 0x0f) * d + m;
            y[j + 16] = (float)(qs[j] >> 4) * d + m;
        }
    }
}

// Q5_0: half d, u32 of fifth bits (bit j belongs to element j), 16 bytes of
// low nibbles; x = (q - 16) * d.
static void dequant_q5_0(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t b = 0; b < nb; b++, x += 22, y += QK) {
        float d = load_half(x);
        uint32_t qh = (uint32_t)x[2] | (uint32_t)x[3] << 8 | (uint32_t)x[4] << 16 | (uint32_t)x[5] << 24;
        const uint8_t *qs = x + 6;
        for (int j = 0; j < 16; j++) {
            int lo = (qs[j] & 0x0f) | (int)(((qh >> j) & 1) << 4);
            int hi = (qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            y[j] = (float)(lo - 16) * d;
            y[j + 16] = (float)(hi - 16) * d;
        }
    }
}

// Q5_1: half d, half m, u32 of fifth bits, 16 bytes of low nibbles; x = q * d + m.
static void dequant_q5_1(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t b = 0; b < nb; b++, x += 24, y += QK) {
        float d = load_half(x), m = load_half(x + 2);
        uint32_t qh = (uint32_t)x[4] | (uint32_t)x[5] << 8 | (uint32_t)x[6] << 16 | (uint32_t)x[7] << 24;
        const uint8_t *qs = x + 8;
        for (int j = 0; j < 16; j++) {
            int lo = (qs[j] & 0x0f) | (int)(((qh >> j) & 1) << 4);
            int hi = (qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            y[j] = (float)lo * d + m;
            y[j + 16] = (float)hi * d + m;
        }
    }
}

// Q8_0: half d, 32 signed bytes; x = q * d.
static void dequant_q8_0(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t b = 0; b < nb; b++, x += 34, y += QK) {
        float d = load_half(x);
        const int8_t *qs = (const int8_t *)(x + 2);
        for (int j = 0; j < QK; j++) y[j] = (float)qs[j] * d;
    }
}

// ---- 256-element k-quant super-blocks -------------------------------------

// Q2_K: 16 scale bytes (low nibble scale, high nibble min, one per 16
// elements), 64 bytes of 2-bit q, half d, half dmin; x = d*sc * q - dmin*m.
// Element i sits in byte (i/128)*32 + i%32 at bit 2*((i%128)/32).
static void dequant_q2_K(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t b = 0; b < nb; b++, x += 84, y += QK_K) {
        const uint8_t *sc = x, *qs = x + 16;
        float d = load_half(x + 80), dmin = load_half(x + 82);
        for (int half = 0; half < 2; half++, qs += 32) {
            for (int g = 0; g < 4; g++) {          // 32 elements from bits 2g..2g+1 of the 32 bytes
                float *out = y + 128 * half + 32 * g;
                for (int part = 0; part < 2; part++) { // two scales per 32 elements
                    int s = sc[8 * half + 2 * g + part];
                    float dl = d * (float)(s & 0x0f), ml = dmin * (float)(s >> 4);
                    for (int l = 16 * part; l < 16 * part + 16; l++)
                        out[l] = dl * (float)((qs[l] >> (2 * g)) & 3) - ml;
                }
            }
        }
    }
}

// Q3_K: 32 bytes of high-bit mask, 64 bytes of low 2 bits (laid out as
// Q2_K), 12 bytes of 6-bit signed scales, half d. The third bit is stored
// inverted: a clear mask bit subtracts 4. x = d*(sc - 32) * q.
static void dequant_q3_K(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t b = 0; b < nb; b++, x += 110, y += QK_K) {
        const uint8_t *hmask = x, *qs = x + 32, *sc = x + 96;
        float d = load_half(x + 108);
        float dl[16];
        for (int j = 0; j < 16; j++) {
            int lo = (sc[j % 8] >> (4 * (j / 8))) & 0x0f;   // scales 0..7 low nibbles, 8..15 high nibbles
            int hi = (sc[8 + j % 4] >> (2 * (j / 4))) & 3;  // top two bits, packed four per byte
            dl[j] = d * (float)((lo | (hi << 4)) - 32);
        }
        for (int half = 0; half < 2; half++, qs += 32) {
            for (int g = 0; g < 4; g++) {
                int group = 4 * half + g;                   // which mask bit
                float *out = y + 32 * group;
                for (int l = 0; l < 32; l++) {
                    int q = (qs[l] >> (2 * g)) & 3;
                    int v = q - (((hmask[l] >> group) & 1) ? 0 : 4);
                    out[l] = dl[2 * group + l / 16] * (float)v;
                }
            }
        }
    }
}

// The 6-bit scale and min of sub-block j (0..7) of Q4_K/Q5_K, packed in 12
// bytes: sub-blocks 0..3 in the low 6 bits of bytes 0..3 (scales) and 4..7
// (mins); sub-blocks 4..7 in the nibbles of bytes 8..11 plus the top two
// bits of bytes 0..7.
static inline void scale_min_k4(int j, const uint8_t *q, int *sc, int *m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0x0f) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// Q4_K: half d, half dmin, 12 scale bytes, 128 bytes of 4-bit q. Each 64
// elements share 32 bytes: low nibbles first (sub-block 2k), then high
// nibbles (sub-block 2k+1). x = (d*sc) * q - dmin*m.
static void dequant_q4_K(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t b = 0; b < nb; b++, x += 144, y += QK_K) {
        float d = load_half(x), dmin = load_half(x + 2);
        const uint8_t *scales = x + 4, *q = x + 16;
        for (int k = 0; k < 4; k++, q += 32) {
            int sc, m;
            scale_min_k4(2 * k, scales, &sc, &m);
            float d1 = d * (float)sc, m1 = dmin * (float)m;
            scale_min_k4(2 * k + 1, scales, &sc, &m);
            float d2 = d * (float)sc, m2 = dmin * (float)m;
            float *out = y + 64 * k;
            for (int l = 0; l < 32; l++) out[l] = d1 * (float)(q[l] & 0x0f) - m1;
            for (int l = 0; l < 32; l++) out[l + 32] = d2 * (float)(q[l] >> 4) - m2;
        }
    }
}

// Q5_K: as Q4_K plus 32 bytes of fifth bits: bit j of byte l belongs to
// element 32*j + l.
static void dequant_q5_K(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t b = 0; b < nb; b++, x += 176, y += QK_K) {
        float d = load_half(x), dmin = load_half(x + 2);
        const uint8_t *scales = x + 4, *qh = x + 16, *q = x + 48;
        for (int k = 0; k < 4; k++, q += 32) {
            int sc, m;
            scale_min_k4(2 * k, scales, &sc, &m);
            float d1 = d * (float)sc, m1 = dmin * (float)m;
            scale_min_k4(2 * k + 1, scales, &sc, &m);
            float d2 = d * (float)sc, m2 = dmin * (float)m;
            float *out = y + 64 * k;
            for (int l = 0; l < 32; l++) {
                int v = (q[l] & 0x0f) | (((qh[l] >> (2 * k)) & 1) << 4);
                out[l] = d1 * (float)v - m1;
            }
            for (int l = 0; l < 32; l++) {
                int v = (q[l] >> 4) | (((qh[l] >> (2 * k + 1)) & 1) << 4);
                out[l + 32] = d2 * (float)v - m2;
            }
        }
    }
}

// Q6_K: 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 signed
// scale bytes (one per 16 elements), half d. Each 128 elements use 64 low
// bytes and 32 high bytes: element 32*g + l (g = 0..3) takes nibble g/2 of
// byte l + 32*(g%2) and bits 2g..2g+1 of high byte l. x = (d*sc) * (q - 32).
static void dequant_q6_K(const uint8_t *x, float *y, int64_t nb) {
    for (int64_t b = 0; b < nb; b++, x += 210, y += QK_K) {
        const uint8_t *ql = x, *qh = x + 128;
        const int8_t *sc = (const int8_t *)(x + 192);
        float d = load_half(x + 208);
        for (int half = 0; half < 2; half++, ql += 64, qh += 32, sc += 8) {
            float *out = y + 128 * half;
            for (int l = 0; l < 32; l++) {
                int s = l / 16;
                int q0 = ((ql[l] & 0x0f) | (((qh[l] >> 0) & 3) << 4)) - 32;
                int q1 = ((ql[l + 32] & 0x0f) | (((qh[l] >> 2) & 3) << 4)) - 32;
                int q2 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                int q3 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                out[l] = (d * (float)sc[s]) * (float)q0;
                out[l + 32] = (d * (float)sc[s + 2]) * (float)q1;
                out[l + 64] = (d * (float)sc[s + 4]) * (float)q2;
                out[l + 96] = (d * (float)sc[s + 6]) * (float)q3;
            }
        }
    }
}

// ---- dispatch -------------------------------------------------------------

typedef void (*dequant_fn)(const uint8_t *src, float *dst, int64_t count);

// The function for `type` and its block size (count is in blocks for
// block formats and in elements for plain ones).
static dequant_fn lookup(uint32_t type, int64_t *block) {
    *block = 1;
    switch (type) {
    case LT_GGML_F32: return dequant_f32;
    case LT_GGML_F16: return dequant_f16;
    case LT_GGML_BF16: return dequant_bf16;
    }
    *block = QK;
    switch (type) {
    case LT_GGML_Q4_0: return dequant_q4_0;
    case LT_GGML_Q4_1: return dequant_q4_1;
    case LT_GGML_Q5_0: return dequant_q5_0;
    case LT_GGML_Q5_1: return dequant_q5_1;
    case LT_GGML_Q8_0: return dequant_q8_0;
    }
    *block = QK_K;
    switch (type) {
    case LT_GGML_Q2_K: return dequant_q2_K;
    case LT_GGML_Q3_K: return dequant_q3_K;
    case LT_GGML_Q4_K: return dequant_q4_K;
    case LT_GGML_Q5_K: return dequant_q5_K;
    case LT_GGML_Q6_K: return dequant_q6_K;
    }
    return 0;
}

int lt_ggml_can_dequantize(uint32_t type) {
    int64_t block;
    return lookup(type, &block) != 0;
}

int lt_ggml_dequantize(uint32_t type, const void *src, float *dst, int64_t n) {
    int64_t block;
    dequant_fn fn = lookup(type, &block);
    if (!fn) return -1;
    if (n < 0 || n % block != 0) return -2;
    fn((const uint8_t *)src, dst, n / block);
    return 0;
}

// ---- quantization (for writing GGUF files) ---------------------------------

int lt_ggml_quantize_q8_0(const float *src, void *dst, int64_t n) {
    if (n < 0 || n % QK != 0) return -2;
    uint8_t *out = (uint8_t *)dst;
    for (int64_t b = 0; b < n / QK; b++, src += QK, out += 34) {
        float amax = 0.0f;
        for (int j = 0; j < QK; j++) {
            float v = fabsf(src[j]);
            amax = v > amax ? v : amax;
        }
        float d = amax / 127.0f;
        float id = d != 0.0f ? 1.0f / d : 0.0f;
        uint16_t h = lt_fp32_to_fp16(d);
        out[0] = (uint8_t)(h & 0xff);
        out[1] = (uint8_t)(h >> 8);
        for (int j = 0; j < QK; j++) out[2 + j] = (uint8_t)(int8_t)roundf(src[j] * id);
    }
    return 0;
}
