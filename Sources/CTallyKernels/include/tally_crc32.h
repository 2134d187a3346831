#ifndef TALLY_CRC32_H
#define TALLY_CRC32_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* As zlib's crc32(): the CRC-32 of `length` bytes at `data` continued from `crc` (0 to start).
 * A `length` of 0 returns `crc` unchanged, and `data` may then be NULL. */
uint32_t tally_crc32(uint32_t crc, const uint8_t *data, size_t length);
/* The table-driven path alone (slice-by-8), for tests that hold the fast path to it. */
uint32_t tally_crc32_portable(uint32_t crc, const uint8_t *data, size_t length);
/* Whether tally_crc32 uses carry-less multiply on this CPU. */
int tally_crc32_uses_clmul(void);

#ifdef __cplusplus
}
#endif

#endif
