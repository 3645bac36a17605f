// CPU feature detection: kernels pick their SIMD path at run time.
#ifndef LT_CPU_H
#define LT_CPU_H

/// Instruction-set levels, best last.
typedef enum {
    LT_ISA_SCALAR = 0,
    LT_ISA_AVX2_FMA = 1,
    LT_ISA_AVX512 = 2,       // AVX-512 F/BW/VL
    LT_ISA_AVX512_BF16 = 3,  // plus AVX512_BF16 dot products
} lt_isa;

/// The best instruction set this CPU supports (detected once, cached).
lt_isa lt_cpu_isa(void);

/// Human-readable name of an ISA level, e.g. "avx512-bf16".
const char *lt_isa_name(lt_isa isa);

#endif
