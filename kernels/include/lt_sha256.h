// SHA-256 (FIPS 180-4), for verifying fetched model files.
#ifndef LT_SHA256_H
#define LT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Streaming SHA-256 state. Initialise with lt_sha256_init, feed bytes with
/// lt_sha256_update (any number of calls, any lengths), finish with
/// lt_sha256_final.
typedef struct {
    uint32_t state[8];
    uint64_t length;     // bytes hashed so far
    uint8_t buffer[64];  // a partial block
    uint32_t used;       // bytes in buffer
} lt_sha256_ctx;

void lt_sha256_init(lt_sha256_ctx *ctx);
void lt_sha256_update(lt_sha256_ctx *ctx, const void *data, size_t size);
/// Writes the 32-byte digest; the context must be re-initialised to reuse it.
void lt_sha256_final(lt_sha256_ctx *ctx, uint8_t digest[32]);

/// The digest of `size` bytes at `data`, in one call.
void lt_sha256(const void *data, size_t size, uint8_t digest[32]);

#ifdef __cplusplus
}
#endif
#endif
