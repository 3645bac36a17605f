// Run-time CPU feature detection (x86-64 via cpuid; other targets: scalar).
#include "lt_cpu.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>

static unsigned long long lt_xgetbv(unsigned int index) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(index));
    return ((unsigned long long)edx << 32) | eax;
}

static lt_isa detect(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return LT_ISA_SCALAR;
    int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!osxsave || !avx) return LT_ISA_SCALAR;
    unsigned long long xcr0 = lt_xgetbv(0);
    if ((xcr0 & 0x6) != 0x6) return LT_ISA_SCALAR;           // XMM and YMM state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return LT_ISA_SCALAR;
    int avx2 = (b >> 5) & 1;
    int avx512f = (b >> 16) & 1, avx512bw = (b >> 30) & 1, avx512vl = (b >> 31) & 1;
    lt_isa isa = (avx2 && fma) ? LT_ISA_AVX2_FMA : LT_ISA_SCALAR;
    if (isa && avx512f && avx512bw && avx512vl && (xcr0 & 0xe0) == 0xe0) {  // opmask, ZMM state
        isa = LT_ISA_AVX512;
        unsigned int a1, b1, c1, d1;
        if (__get_cpuid_count(7, 1, &a1, &b1, &c1, &d1) && ((a1 >> 5) & 1)) isa = LT_ISA_AVX512_BF16;
    }
    return isa;
}
#else
static lt_isa detect(void) { return LT_ISA_SCALAR; }
#endif

lt_isa lt_cpu_isa(void) {
    static int cached = -1;
    if (cached < 0) cached = (int)detect();
    return (lt_isa)cached;
}

const char *lt_isa_name(lt_isa isa) {
    switch (isa) {
    case LT_ISA_AVX512_BF16: return "avx512-bf16";
    case LT_ISA_AVX512: return "avx512";
    case LT_ISA_AVX2_FMA: return "avx2-fma";
    default: return "scalar";
    }
}
