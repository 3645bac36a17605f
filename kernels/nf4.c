// NF4 quantization and dequantization, bit-exact with bitsandbytes 0.50.2
// (the rules are written down in shared/reference/nf4/NF4.md).
#include "lt_nf4.h"
#include "lt_internal.h"
#include "lt_threads.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

// Bit-exactness needs every multiply and add rounded on its own, as
// PyTorch does them: never fuse a*b+c into one FMA here.
#pragma STDC FP_CONTRACT OFF

size_t lt_nf4_blocks(size_t n) { return lt_ceil_div(n, LT_NF4_BLOCK); }
size_t lt_nf4_packed_bytes(size_t n) { return (n + 1) / 2; }
size_t lt_nf4_dq_blocks(size_t n) { return lt_ceil_div(lt_nf4_blocks(n), LT_NF4_DQ_BLOCK); }

double lt_nf4_bits_per_element(size_t n) {
    if (n == 0) return 0;
    double bits = 8.0 * (double)lt_nf4_packed_bytes(n)   // codes
                + 8.0 * (double)lt_nf4_blocks(n)        // one byte per absmax
                + 32.0 * (double)lt_nf4_dq_blocks(n)    // nested absmax
                + 32.0;                                  // the mean offset
    return bits / (double)n;
}

/// The 4-bit code of a value already scaled into [-1, 1]: the number of
/// code midpoints strictly below it (nearest code, ties to the lower one).
static inline uint8_t nf4_code_of(float scaled, const float *mid) {
    uint8_t q = 0;
    for (int i = 0; i < 15; i++) q += (uint8_t)(mid[i] < scaled);
    return q;
}

typedef struct {
    const float *x;
    size_t n;
    uint8_t *packed;
    float *absmax;
    float mid[15];
} quantize_job;

static void quantize_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const quantize_job *job = ctx;
    for (size_t b = begin; b < end; b++) {
        size_t start = b * LT_NF4_BLOCK, count = lt_min(LT_NF4_BLOCK, job->n - start);
        const float *x = job->x + start;
        float amax = 0.0f;
        for (size_t i = 0; i < count; i++) amax = fmaxf(amax, fabsf(x[i]));
        job->absmax[b] = amax;
        // bitsandbytes multiplies by a float32 reciprocal rather than dividing.
        float inv = 1.0f / fmaxf(amax, 1e-38f);
        uint8_t codes[LT_NF4_BLOCK + 1];
        for (size_t i = 0; i < count; i++) {
            float s = x[i] * inv;
            s = s < -1.0f ? -1.0f : (s > 1.0f ? 1.0f : s);
            codes[i] = nf4_code_of(s, job->mid);
        }
        codes[count] = 0;  // an odd tail pads a zero low nibble
        uint8_t *out = job->packed + start / 2;
        for (size_t i = 0; i < count; i += 2) out[i / 2] = (uint8_t)((codes[i] << 4) | codes[i + 1]);
    }
}

void lt_nf4_quantize_blocks(const float *x, size_t n, uint8_t *packed, float *absmax) {
    quantize_job job = {.x = x, .n = n, .packed = packed, .absmax = absmax};
    for (int i = 0; i < 15; i++) job.mid[i] = (lt_nf4_code[i] + lt_nf4_code[i + 1]) / 2.0f;
    lt_parallel_for(lt_nf4_blocks(n), quantize_task, &job);
}

// bitsandbytes' CPU 8-bit quantizer does not search the code: it maps the
// scaled value to one of 65536 evenly spaced points and looks the code up in
// a table built from the code midpoints. Reproducing the table reproduces its
// bytes exactly (an exact nearest-code search differs on a few values).
static uint8_t dq_lut[65536];
static pthread_once_t dq_lut_once = PTHREAD_ONCE_INIT;

static void build_dq_lut(void) {
    float mid[255];
    for (int i = 0; i < 255; i++) mid[i] = (lt_nf4_dq_code[i] + lt_nf4_dq_code[i + 1]) / 2.0f;
    int q = 0;
    for (int i = 0; i < 65536; i++) {
        float t = -1.0f + 2.0f * (float)i / 65535.0f;  // increasing in i
        while (q < 255 && mid[q] < t) q++;
        dq_lut[i] = (uint8_t)q;
    }
}

void lt_nf4_double_quantize(const float *absmax, size_t nblocks,
                            uint8_t *qabsmax, float *absmax2, float *offset) {
    pthread_once(&dq_lut_once, build_dq_lut);
    double sum = 0.0;
    for (size_t i = 0; i < nblocks; i++) sum += absmax[i];
    float mean = nblocks ? (float)(sum / (double)nblocks) : 0.0f;
    *offset = mean;
    for (size_t start = 0; start < nblocks; start += LT_NF4_DQ_BLOCK) {
        size_t count = lt_min(LT_NF4_DQ_BLOCK, nblocks - start);
        float amax = 0.0f;
        for (size_t i = 0; i < count; i++) amax = fmaxf(amax, fabsf(absmax[start + i] - mean));
        absmax2[start / LT_NF4_DQ_BLOCK] = amax;
        float inv = amax > 0.0f ? 1.0f / amax : 0.0f;
        for (size_t i = 0; i < count; i++) {
            float v = (absmax[start + i] - mean) * inv;
            v = v < -1.0f ? -1.0f : (v > 1.0f ? 1.0f : v);
            float position = (v + 1.0f) * 0.5f * 65535.0f + 0.5f;
            qabsmax[start + i] = dq_lut[(uint16_t)position];
        }
    }
}

void lt_nf4_restore_absmax(const uint8_t *qabsmax, const float *absmax2, float offset,
                           size_t nblocks, float *absmax) {
    for (size_t i = 0; i < nblocks; i++) {
        float scaled = lt_nf4_dq_code[qabsmax[i]] * absmax2[i / LT_NF4_DQ_BLOCK];
        absmax[i] = scaled + offset;
    }
}

void lt_nf4_dequantize_blocks(const uint8_t *packed, const float *absmax, size_t n, float *out) {
    for (size_t i = 0; i < n; i++) {
        uint8_t byte = packed[i / 2];
        uint8_t q = (i & 1) ? (byte & 15) : (byte >> 4);
        out[i] = lt_nf4_code[q] * absmax[i / LT_NF4_BLOCK];
    }
}

int lt_nf4_quantize(const float *x, lt_nf4_tensor *t, uint8_t *packed, uint8_t *qabsmax, float *absmax2) {
    size_t n = (size_t)t->rows * (size_t)t->cols, nblocks = lt_nf4_blocks(n);
    float *absmax = malloc((nblocks ? nblocks : 1) * sizeof(float));
    if (!absmax) return -1;
    lt_nf4_quantize_blocks(x, n, packed, absmax);
    float offset = 0.0f;
    lt_nf4_double_quantize(absmax, nblocks, qabsmax, absmax2, &offset);
    free(absmax);
    t->packed = packed;
    t->qabsmax = qabsmax;
    t->absmax2 = absmax2;
    t->offset = offset;
    return 0;
}

/// Elements [i, end) of t into out[i - start ...], one block scale at a time.
static void dequantize_scalar(const lt_nf4_tensor *t, size_t start, size_t i, size_t end, float *out) {
    while (i < end) {
        size_t block = i / LT_NF4_BLOCK;
        size_t stop = lt_min(end, (block + 1) * LT_NF4_BLOCK);
        float scale = lt_nf4_absmax_at(t, block);
        for (; i < stop; i++) {
            uint8_t byte = t->packed[i / 2];
            uint8_t q = (i & 1) ? (byte & 15) : (byte >> 4);
            out[i - start] = lt_nf4_code[q] * scale;
        }
    }
}

#if LT_X86
/// 32 elements from i, a multiple of 32 (so within one block): nibbles to
/// indices with byte shuffles, codes by a 16-entry permute, times the block's
/// absmax (the same float products as the scalar path).
LT_AVX512 static void dequantize32_avx512(const lt_nf4_tensor *t, size_t i, float *out) {
    const __m512 lut = _mm512_loadu_ps(lt_nf4_code);
    const __m128i low4 = _mm_set1_epi8(0x0f);
    __m512 scale = _mm512_set1_ps(lt_nf4_absmax_at(t, i / LT_NF4_BLOCK));
    __m128i b = _mm_loadu_si128((const __m128i *)(t->packed + i / 2));
    __m128i hi = _mm_and_si128(_mm_srli_epi16(b, 4), low4), lo = _mm_and_si128(b, low4);
    __m128i first = _mm_unpacklo_epi8(hi, lo), second = _mm_unpackhi_epi8(hi, lo);
    _mm512_storeu_ps(out, _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_cvtepu8_epi32(first), lut), scale));
    _mm512_storeu_ps(out + 16, _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_cvtepu8_epi32(second), lut), scale));
}

/// 16 elements from the 8 bytes at `bytes` in natural order, times scale.
LT_AVX2 static inline void dequantize16_avx2(__m256 lo, __m256 hi, const uint8_t *bytes, __m256 scale, float *out) {
    __m256i d = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)bytes));
    __m256 even = lt_nf4_lookup_avx2(lo, hi, _mm256_srli_epi32(d, 4), _mm256_slli_epi32(d, 24));
    __m256 odd = lt_nf4_lookup_avx2(lo, hi, d, _mm256_slli_epi32(d, 28));
    __m256 a = _mm256_unpacklo_ps(even, odd), b = _mm256_unpackhi_ps(even, odd);  // e0 o0 e1 o1 | e4 o4 e5 o5
    _mm256_storeu_ps(out, _mm256_mul_ps(_mm256_permute2f128_ps(a, b, 0x20), scale));
    _mm256_storeu_ps(out + 8, _mm256_mul_ps(_mm256_permute2f128_ps(a, b, 0x31), scale));
}

/// Elements [i, end) from i, a multiple of 32, in whole groups of 32 (each
/// within one block); returns where it stopped.
LT_AVX2 static size_t dequantize_avx2(const lt_nf4_tensor *t, size_t start, size_t i, size_t end, float *out) {
    const __m256 lo = _mm256_loadu_ps(lt_nf4_code), hi = _mm256_loadu_ps(lt_nf4_code + 8);
    for (; i + 32 <= end; i += 32) {
        __m256 scale = _mm256_set1_ps(lt_nf4_absmax_at(t, i / LT_NF4_BLOCK));
        const uint8_t *bytes = t->packed + i / 2;
        dequantize16_avx2(lo, hi, bytes, scale, out + (i - start));
        dequantize16_avx2(lo, hi, bytes + 8, scale, out + (i - start) + 16);
    }
    return i;
}
#endif

/// Vectorised on AVX-512 and AVX2 (any start and count: a scalar head up to
/// the next multiple of 32 and a scalar tail); every path computes the same
/// float products code[q] * absmax.
void lt_nf4_dequantize_range(const lt_nf4_tensor *t, size_t start, size_t count, float *out) {
    size_t i = start, end = start + count;
#if LT_X86
    lt_isa isa = lt_isa_active();
    if (count >= 32 && isa >= LT_ISA_AVX2_FMA) {
        size_t head = lt_min(end, lt_ceil_div(i, 32) * 32);
        dequantize_scalar(t, start, i, head, out);
        if (isa >= LT_ISA_AVX512) {
            for (i = head; i + 32 <= end; i += 32) dequantize32_avx512(t, i, out + (i - start));
        } else {
            i = dequantize_avx2(t, start, head, end, out);
        }
    }
#endif
    dequantize_scalar(t, start, i, end, out);
}

typedef struct {
    const lt_nf4_tensor *t;
    float *out;
    size_t n;
} dequantize_job;

static void dequantize_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const dequantize_job *job = ctx;
    size_t start = begin * LT_NF4_BLOCK, stop = lt_min(job->n, end * LT_NF4_BLOCK);
    lt_nf4_dequantize_range(job->t, start, stop - start, job->out + start);
}

void lt_nf4_dequantize(const lt_nf4_tensor *t, float *out) {
    dequantize_job job = {t, out, (size_t)t->rows * (size_t)t->cols};
    lt_parallel_for(lt_nf4_blocks(job.n), dequantize_task, &job);
}
