// Causal grouped-query attention for training: a forward pass that keeps
// only the log-sum-exp of each score row, and a backward pass that rebuilds
// the probabilities from it (so no [T, T] matrix is ever stored per head).
//
// For one query row i with scores s_j = q_i . k_j / sqrt(D) over visible keys:
//   p_j = exp(s_j - lse_i),  o_i = sum_j p_j v_j
//   dp_j = do_i . v_j,  D_i = do_i . o_i,  ds_j = p_j (dp_j - D_i)
//   dq_i = sum_j ds_j k_j / sqrt(D),  dk_j += ds_j q_i / sqrt(D),  dv_j += p_j do_i
#include "lt_train.h"
#include "train_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const float *q, *k, *v, *out, *dout, *lse;
    float *o, *l, *dq, *dk, *dv;
    const int32_t *seg;
    size_t B, T, Hq, Hkv, D;
    float scale;
} attn_ctx;

/// The first key row query i (within its sequence) may see.
static size_t first_visible(const int32_t *seg, size_t i) {
    if (!seg) return 0;
    size_t j = i;
    while (j > 0 && seg[j - 1] == seg[i]) j--;
    return j;
}

static void forward_task(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const attn_ctx *c = p;
    size_t T = c->T, D = c->D, qs = c->Hq * D, ks = c->Hkv * D, group = c->Hq / c->Hkv;
    float *s = malloc(T * sizeof(float));
    for (size_t unit = begin; unit < end; unit++) {
        size_t b = unit / c->Hq, h = unit % c->Hq, kh = h / group;
        const int32_t *seg = c->seg ? c->seg + b * T : NULL;
        for (size_t i = 0; i < T; i++) {
            const float *qi = c->q + (b * T + i) * qs + h * D;
            size_t j0 = first_visible(seg, i);
            float mx = -INFINITY;
            for (size_t j = j0; j <= i; j++) {
                s[j] = lt_train_dot(qi, c->k + (b * T + j) * ks + kh * D, D) * c->scale;
                if (s[j] > mx) mx = s[j];
            }
            double sum = 0;
            for (size_t j = j0; j <= i; j++) {
                s[j] = expf(s[j] - mx);
                sum += s[j];
            }
            float inv = (float)(1.0 / sum);
            float *oi = c->o + (b * T + i) * qs + h * D;
            memset(oi, 0, D * sizeof(float));
            for (size_t j = j0; j <= i; j++)
                lt_train_axpy(oi, s[j] * inv, c->v + (b * T + j) * ks + kh * D, D);
            c->l[(b * c->Hq + h) * T + i] = mx + (float)log(sum);
        }
    }
    free(s);
}

void lt_train_attention_forward(const float *q, const float *k, const float *v, float *out,
                                float *lse, const int32_t *seg,
                                size_t B, size_t T, size_t Hq, size_t Hkv, size_t D) {
    attn_ctx c = {.q = q, .k = k, .v = v, .o = out, .l = lse, .seg = seg,
                  .B = B, .T = T, .Hq = Hq, .Hkv = Hkv, .D = D, .scale = 1.0f / sqrtf((float)D)};
    lt_train_parallel(B * Hq, forward_task, &c);
}

/// One unit = one (sequence, kv head): it owns dk and dv of that head and dq
/// of the query heads that read it, so units never write the same value.
static void backward_task(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const attn_ctx *c = p;
    size_t T = c->T, D = c->D, qs = c->Hq * D, ks = c->Hkv * D, group = c->Hq / c->Hkv;
    float *prob = malloc(T * sizeof(float));
    for (size_t unit = begin; unit < end; unit++) {
        size_t b = unit / c->Hkv, kh = unit % c->Hkv;
        const int32_t *seg = c->seg ? c->seg + b * T : NULL;
        for (size_t j = 0; j < T; j++) {
            memset(c->dk + (b * T + j) * ks + kh * D, 0, D * sizeof(float));
            memset(c->dv + (b * T + j) * ks + kh * D, 0, D * sizeof(float));
        }
        for (size_t h = kh * group; h < (kh + 1) * group; h++) {
            for (size_t i = 0; i < T; i++) {
                size_t row = (b * T + i);
                const float *qi = c->q + row * qs + h * D, *doi = c->dout + row * qs + h * D;
                const float *oi = c->out + row * qs + h * D;
                float *dqi = c->dq + row * qs + h * D;
                float lse = c->lse[(b * c->Hq + h) * T + i];
                float Di = lt_train_dot(doi, oi, D);
                size_t j0 = first_visible(seg, i);
                memset(dqi, 0, D * sizeof(float));
                for (size_t j = j0; j <= i; j++) {
                    const float *kj = c->k + (b * T + j) * ks + kh * D;
                    const float *vj = c->v + (b * T + j) * ks + kh * D;
                    float pj = expf(lt_train_dot(qi, kj, D) * c->scale - lse);
                    float ds = pj * (lt_train_dot(doi, vj, D) - Di) * c->scale;
                    prob[j] = pj;
                    lt_train_axpy(dqi, ds, kj, D);
                    lt_train_axpy(c->dk + (b * T + j) * ks + kh * D, ds, qi, D);
                }
                for (size_t j = j0; j <= i; j++)
                    lt_train_axpy(c->dv + (b * T + j) * ks + kh * D, prob[j], doi, D);
            }
        }
    }
    free(prob);
}

void lt_train_attention_backward(const float *q, const float *k, const float *v,
                                 const float *out, const float *dout, const float *lse,
                                 const int32_t *seg, float *dq, float *dk, float *dv,
                                 size_t B, size_t T, size_t Hq, size_t Hkv, size_t D) {
    attn_ctx c = {.q = q, .k = k, .v = v, .out = out, .dout = dout, .lse = lse, .seg = seg,
                  .dq = dq, .dk = dk, .dv = dv,
                  .B = B, .T = T, .Hq = Hq, .Hkv = Hkv, .D = D, .scale = 1.0f / sqrtf((float)D)};
    lt_train_parallel(B * Hkv, backward_task, &c);
}
