// e^x over an array, for the training kernels (softmax recomputation,
// cross-entropy, SiLU): the engine's vectorised exp (vmath.h) where AVX-512
// runs, libm's expf elsewhere, exactly as the inference softmax, attention
// and SwiGLU compute it.
#include "train_internal.h"
#include "vmath.h"

#if LT_X86
LT_AVX512 static void exp_avx512(float *x, size_t n) {
    size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, lt_exp512(_mm512_loadu_ps(x + i)));
    for (; i < n; i++) x[i] = expf(x[i]);
}
#endif

void lt_train_exp(float *x, size_t n) {
#if LT_X86
    if (lt_isa_active() >= LT_ISA_AVX512) {
        exp_avx512(x, n);
        return;
    }
#endif
    for (size_t i = 0; i < n; i++) x[i] = expf(x[i]);
}
