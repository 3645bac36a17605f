// Cross-entropy over a chunk of logit rows, with per-row weights (the loss
// mask divided by the number of counted tokens) and an ignore index.
// The caller feeds the vocabulary projection a chunk of tokens at a time, so
// the full [tokens, vocab] logits never exist at once.
#include "lt_train.h"
#include "train_internal.h"
#include "lt_threads.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    float *logits;
    const int32_t *targets;
    const float *weights;
    double *row_loss;
    size_t V;
    int grad;
} xent_ctx;

static void xent_rows(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const xent_ctx *c = p;
    size_t V = c->V;
    // Without gradients the logits stay untouched: work on a copy.
    float *scratch = c->grad ? NULL : malloc(V * sizeof(float));
    for (size_t i = begin; i < end; i++) {
        float *row = c->logits + i * V;
        int32_t tgt = c->targets[i];
        float w = c->weights ? c->weights[i] : 1.0f;
        c->row_loss[i] = 0;
        if (tgt < 0 || (size_t)tgt >= V || w == 0.0f) {
            if (c->grad) memset(row, 0, V * sizeof(float));
            continue;
        }
        float mx = row[0];
        for (size_t j = 1; j < V; j++) mx = row[j] > mx ? row[j] : mx;
        float target_logit = row[tgt];
        if (scratch) {
            memcpy(scratch, row, V * sizeof(float));
            row = scratch;
        }
        for (size_t j = 0; j < V; j++) row[j] -= mx;
        lt_train_exp(row, V);  // row now holds exp(logit - max)
        double sum = 0;
        for (size_t j = 0; j < V; j++) sum += row[j];
        double lse = (double)mx + log(sum);
        c->row_loss[i] = (double)w * (lse - (double)target_logit);
        if (c->grad) {
            float scale = (float)((double)w / sum);
            for (size_t j = 0; j < V; j++) row[j] *= scale;
            row[tgt] -= w;
        }
    }
    free(scratch);
}

double lt_train_cross_entropy(float *logits, const int32_t *targets, const float *weights,
                              size_t c, size_t V, int grad) {
    double *row_loss = malloc((c ? c : 1) * sizeof(double));
    xent_ctx ctx = {logits, targets, weights, row_loss, V, grad};
    lt_parallel_for(c, xent_rows, &ctx);
    double total = 0;  // summed in row order: the same whatever the thread count
    for (size_t i = 0; i < c; i++) total += row_loss[i];
    free(row_loss);
    return total;
}
