// The training kernels' entry to the thread pool.
#include "train_internal.h"

void lt_train_parallel(size_t n, lt_train_task fn, void *ctx) {
    if (n > 0) fn(ctx, 0, n, 0);
}
