// ggml tensor formats: half-precision conversions, and dequantization of
// ggml's block formats to float32, bit-identical to ggml's reference code
// (and to the `gguf` Python package's numpy implementation).
#ifndef LT_GGML_H
#define LT_GGML_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// ggml type ids (`enum ggml_type`) of the formats implemented here.
enum {
    LT_GGML_F32 = 0,
    LT_GGML_F16 = 1,
    LT_GGML_Q4_0 = 2,
    LT_GGML_Q4_1 = 3,
    LT_GGML_Q5_0 = 6,
    LT_GGML_Q5_1 = 7,
    LT_GGML_Q8_0 = 8,
    LT_GGML_Q2_K = 10,
    LT_GGML_Q3_K = 11,
    LT_GGML_Q4_K = 12,
    LT_GGML_Q5_K = 13,
    LT_GGML_Q6_K = 14,
    LT_GGML_BF16 = 30,
};

/// IEEE half → float (exact).
float lt_fp16_to_fp32(uint16_t h);
/// float → IEEE half, rounding to nearest even; overflow gives ±inf.
uint16_t lt_fp32_to_fp16(float f);
/// bfloat16 → float (exact).
float lt_bf16_to_fp32(uint16_t h);
/// float → bfloat16 as ggml rounds it: nearest even, NaN made quiet.
uint16_t lt_fp32_to_bf16(float f);

/// Converts `n` floats to halves / bfloat16s.
void lt_fp32_to_fp16_row(const float *src, uint16_t *dst, int64_t n);
void lt_fp32_to_bf16_row(const float *src, uint16_t *dst, int64_t n);

/// Whether `lt_ggml_dequantize` supports ggml type `type`.
int lt_ggml_can_dequantize(uint32_t type);

/// Dequantizes `n` values of ggml type `type` from `src` into `dst`.
/// `n` must be a multiple of the type's block size; `src` holds n / block
/// blocks, with no alignment required. Returns 0, or -1 for an unsupported
/// type, -2 for an `n` that is not a whole number of blocks.
int lt_ggml_dequantize(uint32_t type, const void *src, float *dst, int64_t n);

/// Quantizes `n` floats (a multiple of 32) to Q8_0 blocks exactly as ggml's
/// reference `quantize_row_q8_0_ref` does. Returns 0, or -2 for a bad `n`.
int lt_ggml_quantize_q8_0(const float *src, void *dst, int64_t n);

#ifdef __cplusplus
}
#endif
#endif
