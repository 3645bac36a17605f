// Cross-entropy over a chunk of logit rows, with per-row weights (the loss
// mask divided by the number of counted tokens) and an ignore index.
// The caller feeds the vocabulary projection a chunk of tokens at a time, so
// the full [tokens, vocab] logits never exist at once.
#include "lt_train.h"
#include <math.h>
#include <string.h>

double lt_train_cross_entropy(float *logits, const int32_t *targets, const float *weights,
                              size_t c, size_t V, int grad) {
    double total = 0;
    for (size_t i = 0; i < c; i++) {
        float *row = logits + i * V;
        int32_t tgt = targets[i];
        float w = weights ? weights[i] : 1.0f;
        if (tgt < 0 || (size_t)tgt >= V || w == 0.0f) {
            if (grad) memset(row, 0, V * sizeof(float));
            continue;
        }
        float mx = row[0];
        for (size_t j = 1; j < V; j++) mx = row[j] > mx ? row[j] : mx;
        double sum = 0;
        for (size_t j = 0; j < V; j++) sum += expf(row[j] - mx);
        double lse = (double)mx + log(sum);
        total += (double)w * (lse - (double)row[tgt]);
        if (grad) {
            float inv = (float)(1.0 / sum);
            for (size_t j = 0; j < V; j++) row[j] = w * (expf(row[j] - mx) * inv);
            row[tgt] -= w;
        }
    }
    return total;
}
