// The training kernels run their parallel regions on the shared kernel
// thread pool (threads.c), so training and inference never oversubscribe
// the cores. Units are split into contiguous ranges, one per thread, and each
// unit writes its own outputs: the thread count never changes a result.
#include "lt_train.h"
#include "lt_threads.h"
#include "train_internal.h"

void lt_train_set_threads(int n) { lt_set_threads(n); }

int lt_train_get_threads(void) { return lt_get_threads(); }

void lt_train_parallel(size_t n, lt_train_task fn, void *ctx) { lt_parallel_for(n, fn, ctx); }
