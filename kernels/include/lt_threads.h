// A small fixed-size thread pool for the kernels.
//
// Every parallel kernel splits its work into independent tasks (output rows,
// column panels, heads…) whose results do not depend on which thread runs
// them, so results are bit-identical whatever the thread count. No kernel
// ever reduces partial results across threads.
#ifndef LT_THREADS_H
#define LT_THREADS_H

#include <stddef.h>

/// The most threads the pool will run.
#define LT_MAX_THREADS 64

/// Sets the number of threads used by parallel kernels (clamped to
/// 1...LT_MAX_THREADS; default 2). Waits for a running parallel region.
void lt_set_threads(int n);

/// The number of threads parallel kernels use.
int lt_get_threads(void);

/// A task range: run tasks [begin, end) of a parallel region. `thread` is the
/// index of the thread running it (0 = the caller), for per-thread scratch.
typedef void (*lt_task_fn)(void *ctx, size_t begin, size_t end, int thread);

/// Runs tasks 0..<n and returns when all are done. The tasks are cut into a
/// few contiguous chunks per thread; threads (the caller included) claim
/// chunks until none are left, so a worker the OS has not scheduled never
/// holds the caller up. Which thread runs a task never changes its result.
/// Runs serially on the caller when called from inside a parallel region,
/// when another caller holds the pool, or when n is 1.
void lt_parallel_for(size_t n, lt_task_fn fn, void *ctx);

#endif
