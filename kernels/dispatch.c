// The active instruction-set level (the CPU's, optionally capped).
#include "lt_dispatch.h"
#include "lt_internal.h"

#include <stdlib.h>

static int isa_cap = LT_ISA_AVX512_BF16;

void lt_limit_isa(lt_isa max) { isa_cap = (int)max; }

lt_isa lt_kernel_isa(void) {
    lt_isa cpu = lt_cpu_isa();
    return (int)cpu < isa_cap ? cpu : (lt_isa)isa_cap;
}

lt_isa lt_isa_active(void) { return lt_kernel_isa(); }

void *lt_alloc(size_t bytes) {
    void *p = NULL;
    if (bytes == 0) bytes = 64;
    if (posix_memalign(&p, 64, (bytes + 63) & ~(size_t)63) != 0) return NULL;
    return p;
}

void lt_free(void *p) { free(p); }
