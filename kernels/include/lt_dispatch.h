// Which instruction set the kernels use. Normally the best the CPU has;
// tests and benchmarks can lower it to exercise the AVX2 and scalar paths:
// at run time with lt_limit_isa, or for a whole process with the environment
// variable LONTAR_ISA=scalar|avx2|avx512|avx512-bf16 (read on first use).
// The level used is the lowest of the CPU's, LONTAR_ISA and lt_limit_isa.
#ifndef LT_DISPATCH_H
#define LT_DISPATCH_H

#include "lt_cpu.h"

/// Caps the instruction set kernels use (never above what the CPU has, nor
/// above LONTAR_ISA). Pass LT_ISA_AVX512_BF16 to restore the default. Not
/// thread-safe with running kernels: call it between computations.
void lt_limit_isa(lt_isa max);

/// The instruction set the kernels currently use.
lt_isa lt_kernel_isa(void);

/// The level named by "scalar", "avx2" (or "avx2-fma"), "avx512",
/// "avx512-bf16" (or "native"), as LONTAR_ISA accepts; -1 for anything else.
int lt_isa_parse(const char *name);

#endif
