// NF4 (4-bit NormalFloat) with double quantization, byte-identical to
// bitsandbytes (QLoRA): blocks of 64 consecutive elements of the row-major
// flattened tensor, one absmax per block, nearest code with ties to the
// lower code, element 2i in the high nibble of byte i, element 2i+1 in the
// low nibble. Double quantization stores each absmax as one byte: the
// absmax vector minus its mean, 8-bit dynamic code, blocks of 256.
#ifndef LT_NF4_H
#define LT_NF4_H

#include <stddef.h>
#include <stdint.h>

#define LT_NF4_BLOCK 64       // weights per absmax
#define LT_NF4_DQ_BLOCK 256   // absmax values per nested (second-level) absmax

/// The 16 NF4 code values (index = 4-bit code).
extern const float lt_nf4_code[16];
/// The signed 8-bit dynamic code indexed by a double-quantized absmax byte.
extern const float lt_nf4_dq_code[256];

/// A tensor stored as NF4 with double-quantized absmax, logically
/// [rows, cols] row-major (blocks run over the flattened elements, so a block
/// may straddle two rows when cols is not a multiple of 64).
typedef struct {
    const uint8_t *packed;    // lt_nf4_packed_bytes(rows*cols) bytes
    const uint8_t *qabsmax;   // lt_nf4_blocks(rows*cols) bytes
    const float *absmax2;     // lt_nf4_dq_blocks(rows*cols) floats
    float offset;             // mean of the first-level absmax values
    int64_t rows, cols;
} lt_nf4_tensor;

/// Number of 64-element blocks for n elements.
size_t lt_nf4_blocks(size_t n);
/// Bytes of packed codes for n elements (two per byte; an odd tail pads a zero nibble).
size_t lt_nf4_packed_bytes(size_t n);
/// Number of nested absmax values (one per 256 blocks).
size_t lt_nf4_dq_blocks(size_t n);
/// Storage cost in bits per element, all metadata included (about 4.127).
double lt_nf4_bits_per_element(size_t n);

/// First-level quantization: codes into `packed` and one float absmax per
/// block into `absmax`. The input must be finite.
void lt_nf4_quantize_blocks(const float *x, size_t n, uint8_t *packed, float *absmax);

/// Double quantization of a block-absmax vector: writes `qabsmax` (one byte
/// per block), `absmax2` (one float per 256 blocks) and the mean `offset`.
void lt_nf4_double_quantize(const float *absmax, size_t nblocks,
                            uint8_t *qabsmax, float *absmax2, float *offset);

/// Rebuilds float absmax values from their double-quantized form
/// (code8[q] * absmax2[i/256] + offset, in float32 like bitsandbytes).
void lt_nf4_restore_absmax(const uint8_t *qabsmax, const float *absmax2, float offset,
                           size_t nblocks, float *absmax);

/// One block's absmax from its double-quantized form.
static inline float lt_nf4_absmax_at(const lt_nf4_tensor *t, size_t block) {
    float scaled = lt_nf4_dq_code[t->qabsmax[block]] * t->absmax2[block / LT_NF4_DQ_BLOCK];
    return scaled + t->offset;
}

/// Dequantizes n elements given float absmax values.
void lt_nf4_dequantize_blocks(const uint8_t *packed, const float *absmax, size_t n, float *out);

/// Quantizes x (rows*cols finite floats) into t's buffers (which the caller
/// allocated with the sizes above; t->rows and t->cols must be set).
/// Returns 0, or -1 when scratch memory cannot be allocated.
int lt_nf4_quantize(const float *x, lt_nf4_tensor *t, uint8_t *packed, uint8_t *qabsmax, float *absmax2);

/// Dequantizes the whole tensor into out[rows*cols].
void lt_nf4_dequantize(const lt_nf4_tensor *t, float *out);

/// Dequantizes elements [start, start+count) of the flattened tensor.
void lt_nf4_dequantize_range(const lt_nf4_tensor *t, size_t start, size_t count, float *out);

#endif
