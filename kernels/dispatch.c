// The active instruction-set level: the CPU's, capped by the LONTAR_ISA
// environment variable (read once) and by lt_limit_isa.
#include "lt_dispatch.h"
#include "lt_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int isa_cap = LT_ISA_AVX512_BF16;
static int env_cap = -1;  // -1: not read yet

void lt_limit_isa(lt_isa max) { __atomic_store_n(&isa_cap, (int)max, __ATOMIC_RELAXED); }

int lt_isa_parse(const char *name) {
    if (!name) return -1;
    static const struct { const char *name; lt_isa isa; } names[] = {
        {"scalar", LT_ISA_SCALAR}, {"avx2", LT_ISA_AVX2_FMA}, {"avx2-fma", LT_ISA_AVX2_FMA},
        {"avx512", LT_ISA_AVX512}, {"avx512-bf16", LT_ISA_AVX512_BF16}, {"native", LT_ISA_AVX512_BF16},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) return (int)names[i].isa;
    return -1;
}

/// The LONTAR_ISA ceiling (the best level when unset or unknown).
static int env_ceiling(void) {
    int cap = __atomic_load_n(&env_cap, __ATOMIC_RELAXED);
    if (cap >= 0) return cap;
    const char *value = getenv("LONTAR_ISA");
    cap = LT_ISA_AVX512_BF16;
    if (value && *value) {
        int parsed = lt_isa_parse(value);
        if (parsed >= 0) cap = parsed;
        else fprintf(stderr, "lontar: ignoring LONTAR_ISA=%s (expected scalar, avx2, avx512 or avx512-bf16)\n", value);
    }
    __atomic_store_n(&env_cap, cap, __ATOMIC_RELAXED);
    return cap;
}

lt_isa lt_kernel_isa(void) {
    int isa = (int)lt_cpu_isa(), cap = __atomic_load_n(&isa_cap, __ATOMIC_RELAXED), env = env_ceiling();
    if (isa > cap) isa = cap;
    if (isa > env) isa = env;
    return (lt_isa)isa;
}

lt_isa lt_isa_active(void) { return lt_kernel_isa(); }

void *lt_alloc(size_t bytes) {
    void *p = NULL;
    if (bytes == 0) bytes = 64;
    if (posix_memalign(&p, 64, (bytes + 63) & ~(size_t)63) != 0) return NULL;
    return p;
}

void lt_free(void *p) { free(p); }
