// Lontar's native kernels: the public C interface used from Swift.
// Each concern has its own header; this umbrella includes them all.
#ifndef LONTAR_KERNELS_H
#define LONTAR_KERNELS_H
#include "lt_cpu.h"
#include "lt_dispatch.h"
#include "lt_threads.h"
#include "lt_nf4.h"
#include "lt_matmul.h"
#include "lt_ops.h"
#include "lt_attention.h"
#include "lt_util.h"
#include "lt_ggml.h"
#include "lt_sha256.h"
#include "lt_train.h"
#endif
