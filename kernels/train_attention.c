// Causal grouped-query attention for training: the forward pass is the
// inference kernel (lt_attention_f32, which keeps only the log-sum-exp of
// each score row), and the backward pass rebuilds the probabilities from it
// (no [T, T] matrix is stored between the passes).
//
// For one query row i with scores s_j = q_i . k_j / sqrt(D) over visible keys:
//   p_j = exp(s_j - lse_i),  o_i = sum_j p_j v_j
//   dp_j = do_i . v_j,  D_i = do_i . o_i,  ds_j = p_j (dp_j - D_i)
//   dq_i = sum_j ds_j k_j / sqrt(D),  dk_j += ds_j q_i / sqrt(D),  dv_j += p_j do_i
//
// In the backward pass each (sequence, kv head) is one task; inside it the
// products are whole [T, D] x [D, T] and [T, T] x [T, D] matrix
// multiplications on the packed GEMM (run serially within the task), with
// the invisible (future or other-document) scores set to zero probability.
#include "lt_train.h"
#include "lt_attention.h"
#include "train_internal.h"
#include "lt_threads.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const float *q, *k, *v, *out, *dout, *lse;
    float *dq, *dk, *dv;
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

/// Copies head h of T rows with row stride `stride` into dst [T, D].
static void gather(float *dst, const float *src, size_t T, size_t stride, size_t h, size_t D) {
    for (size_t t = 0; t < T; t++) memcpy(dst + t * D, src + t * stride + h * D, D * sizeof(float));
}

static void scatter(float *dst, const float *src, size_t T, size_t stride, size_t h, size_t D) {
    for (size_t t = 0; t < T; t++) memcpy(dst + t * stride + h * D, src + t * D, D * sizeof(float));
}

/// out[j, i] = in[i, j] for a T x T matrix.
static void transpose(float *out, const float *in, size_t T) {
    for (size_t i = 0; i < T; i++)
        for (size_t j = 0; j < T; j++) out[j * T + i] = in[i * T + j];
}

/// S = Q K^T * scale turned into probabilities p = exp(s - lse) with the
/// forward pass's log-sum-exp; invisible entries are zero.
static void probabilities(float *S, const float *Q, const float *K, const int32_t *seg, size_t T, size_t D,
                          float scale, const float *lse) {
    lt_train_gemm(Q, T, D, T, K, D, lt_train_load_f32, 1, S, 0, 0);
    for (size_t i = 0; i < T; i++) {
        float *row = S + i * T;
        size_t j0 = first_visible(seg, i), n = i + 1 - j0;
        float shift = lse[i];
        for (size_t j = j0; j <= i; j++) row[j] = row[j] * scale - shift;
        lt_train_exp(row + j0, n);
        memset(row, 0, j0 * sizeof(float));
        memset(row + i + 1, 0, (T - i - 1) * sizeof(float));
    }
}

void lt_train_attention_forward(const float *q, const float *k, const float *v, float *out,
                                float *lse, const int32_t *seg,
                                size_t B, size_t T, size_t Hq, size_t Hkv, size_t D) {
    // The keys and values of one sequence in the kernel's cache layout [Hkv, T, D].
    float *kc = malloc(T * Hkv * D * sizeof(float)), *vc = malloc(T * Hkv * D * sizeof(float));
    for (size_t b = 0; b < B; b++) {
        lt_kv_store_f32(k + b * T * Hkv * D, kc, T, T, 0, Hkv, D);
        lt_kv_store_f32(v + b * T * Hkv * D, vc, T, T, 0, Hkv, D);
        lt_attention_f32(q + b * T * Hq * D, kc, vc, T, out + b * T * Hq * D, lse + b * T * Hq, T, 0, Hq, Hkv, D,
                         1.0f / sqrtf((float)D), seg ? seg + b * T : NULL);
    }
    free(kc), free(vc);
}

/// One unit = one (sequence, kv head): it owns dk and dv of that head and dq
/// of the query heads that read it, so units never write the same value.
static void backward_task(void *p, size_t begin, size_t end, int thread) {
    (void)thread;
    const attn_ctx *c = p;
    size_t T = c->T, D = c->D, qs = c->Hq * D, ks = c->Hkv * D, group = c->Hq / c->Hkv;
    size_t td = T * D * sizeof(float), tt = T * T * sizeof(float);
    float *Q = malloc(td), *K = malloc(td), *V = malloc(td), *O = malloc(td), *dO = malloc(td);
    float *dQ = malloc(td), *dK = malloc(td), *dV = malloc(td);
    float *P = malloc(tt), *dS = malloc(tt), *Tr = malloc(tt);
    float *Di = malloc(T * sizeof(float)), *Li = malloc(T * sizeof(float));
    for (size_t unit = begin; unit < end; unit++) {
        size_t b = unit / c->Hkv, kh = unit % c->Hkv;
        const int32_t *seg = c->seg ? c->seg + b * T : NULL;
        gather(K, c->k + b * T * ks, T, ks, kh, D);
        gather(V, c->v + b * T * ks, T, ks, kh, D);
        memset(dK, 0, td);
        memset(dV, 0, td);
        for (size_t h = kh * group; h < (kh + 1) * group; h++) {
            gather(Q, c->q + b * T * qs, T, qs, h, D);
            gather(O, c->out + b * T * qs, T, qs, h, D);
            gather(dO, c->dout + b * T * qs, T, qs, h, D);
            for (size_t i = 0; i < T; i++) Li[i] = c->lse[(b * T + i) * c->Hq + h];
            probabilities(P, Q, K, seg, T, D, c->scale, Li);
            lt_train_gemm(dO, T, D, T, V, D, lt_train_load_f32, 1, dS, 0, 0);  // dP = dO V^T
            for (size_t i = 0; i < T; i++) Di[i] = lt_train_dot(dO + i * D, O + i * D, D);
            for (size_t i = 0; i < T; i++) {
                float *ds = dS + i * T;
                const float *pr = P + i * T;
                for (size_t j = 0; j < T; j++) ds[j] = pr[j] * (ds[j] - Di[i]) * c->scale;
            }
            lt_train_gemm(dS, T, T, D, K, D, lt_train_load_f32, 0, dQ, 0, 0);   // dQ = dS K
            scatter(c->dq + b * T * qs, dQ, T, qs, h, D);
            transpose(Tr, dS, T);
            lt_train_gemm(Tr, T, T, D, Q, D, lt_train_load_f32, 0, dK, 1, 0);   // dK += dS^T Q
            transpose(Tr, P, T);
            lt_train_gemm(Tr, T, T, D, dO, D, lt_train_load_f32, 0, dV, 1, 0);  // dV += P^T dO
        }
        scatter(c->dk + b * T * ks, dK, T, ks, kh, D);
        scatter(c->dv + b * T * ks, dV, T, ks, kh, D);
    }
    free(Q), free(K), free(V), free(O), free(dO), free(dQ), free(dK), free(dV);
    free(P), free(dS), free(Tr), free(Di), free(Li);
}

void lt_train_attention_backward(const float *q, const float *k, const float *v,
                                 const float *out, const float *dout, const float *lse,
                                 const int32_t *seg, float *dq, float *dk, float *dv,
                                 size_t B, size_t T, size_t Hq, size_t Hkv, size_t D) {
    attn_ctx c = {.q = q, .k = k, .v = v, .out = out, .dout = dout, .lse = lse, .seg = seg,
                  .dq = dq, .dk = dk, .dv = dv,
                  .B = B, .T = T, .Hq = Hq, .Hkv = Hkv, .D = D, .scale = 1.0f / sqrtf((float)D)};
    lt_parallel_for(B * Hkv, backward_task, &c);
}
