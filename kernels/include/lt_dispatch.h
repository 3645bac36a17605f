// Which instruction set the kernels use. Normally the best the CPU has;
// tests and benchmarks can lower it to exercise the AVX2 and scalar paths.
#ifndef LT_DISPATCH_H
#define LT_DISPATCH_H

#include "lt_cpu.h"

/// Caps the instruction set kernels use (never above what the CPU has).
/// Pass LT_ISA_AVX512_BF16 to restore the default. Not thread-safe with
/// running kernels: call it between computations.
void lt_limit_isa(lt_isa max);

/// The instruction set the kernels currently use.
lt_isa lt_kernel_isa(void);

#endif
