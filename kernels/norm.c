// RMSNorm (Llama): out = weight * (x / sqrt(mean(x^2) + eps)). Inference and
// training share it; the backward pass is in train_norm.c.
#include "lt_ops.h"
#include "lt_internal.h"
#include "lt_threads.h"

#include <math.h>

typedef struct {
    const float *x, *weight;
    float *out, *inv_rms;
    size_t dim;
    float eps;
} rmsnorm_job;

static void rmsnorm_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const rmsnorm_job *job = ctx;
    size_t dim = job->dim;
    for (size_t r = begin; r < end; r++) {
        const float *x = job->x + r * dim;
        float *out = job->out + r * dim;
        // The mean square in float64 (four partial sums for speed), so the
        // scale is exact to float precision whatever the row length.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        size_t i = 0;
        for (; i + 4 <= dim; i += 4) {
            s0 += (double)x[i] * x[i];
            s1 += (double)x[i + 1] * x[i + 1];
            s2 += (double)x[i + 2] * x[i + 2];
            s3 += (double)x[i + 3] * x[i + 3];
        }
        for (; i < dim; i++) s0 += (double)x[i] * x[i];
        float mean = (float)((s0 + s1 + s2 + s3) / (double)dim);
        float inv = (float)(1.0 / sqrt((double)mean + (double)job->eps));
        if (job->inv_rms) job->inv_rms[r] = inv;
        for (i = 0; i < dim; i++) out[i] = job->weight[i] * (x[i] * inv);
    }
}

void lt_rmsnorm_f32(const float *x, const float *weight, float *out, float *inv_rms,
                    size_t rows, size_t dim, float eps) {
    rmsnorm_job job = {x, weight, out, inv_rms, dim, eps};
    lt_parallel_for(rows, rmsnorm_task, &job);
}
