// RMSNorm (Llama): out = weight * (x / sqrt(mean(x^2) + eps)).
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

typedef struct {
    const float *x, *weight, *inv_rms, *dy;
    float *dx, *dweight;
    size_t rows, dim;
} rmsnorm_back_job;

/// dx of rows [begin, end): with r = 1/rms and g = weight * dy,
/// dx = r * g - x * r^3 * mean(g * x).
static void rmsnorm_dx_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const rmsnorm_back_job *job = ctx;
    size_t dim = job->dim;
    for (size_t r = begin; r < end; r++) {
        const float *x = job->x + r * dim, *dy = job->dy + r * dim;
        float *dx = job->dx + r * dim;
        double dot = 0.0;
        for (size_t i = 0; i < dim; i++) dot += (double)job->weight[i] * dy[i] * x[i];
        double inv = job->inv_rms[r];
        float coef = (float)(inv * inv * inv * dot / (double)dim);
        float rf = (float)inv;
        for (size_t i = 0; i < dim; i++) dx[i] = rf * (job->weight[i] * dy[i]) - x[i] * coef;
    }
}

/// dweight of columns [begin, end) (in chunks of 64), summed over rows in order.
static void rmsnorm_dw_task(void *ctx, size_t begin, size_t end, int thread) {
    (void)thread;
    const rmsnorm_back_job *job = ctx;
    size_t c0 = begin * 64, c1 = lt_min(job->dim, end * 64);
    for (size_t r = 0; r < job->rows; r++) {
        const float *x = job->x + r * job->dim, *dy = job->dy + r * job->dim;
        float inv = job->inv_rms[r];
        for (size_t i = c0; i < c1; i++) job->dweight[i] += dy[i] * (x[i] * inv);
    }
}

void lt_rmsnorm_backward_f32(const float *x, const float *weight, const float *inv_rms, const float *dy,
                             float *dx, float *dweight, size_t rows, size_t dim) {
    rmsnorm_back_job job = {x, weight, inv_rms, dy, dx, dweight, rows, dim};
    lt_parallel_for(rows, rmsnorm_dx_task, &job);
    if (dweight) lt_parallel_for(lt_ceil_div(dim, 64), rmsnorm_dw_task, &job);
}
