#ifndef TALLY_KERNELS_H
#define TALLY_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The few pieces of tally's hot path that Swift cannot express, in C.
 *
 * Byte classifying for the text index (Sources/TallyParser/TextIndex.swift): Swift cannot
 * compile one function for AVX2 and the rest of the program for plain x86-64, so the AVX2
 * version is here, chosen at run time on CPUs that have it.
 *
 * For each whole 64-byte block b of the `blocks * 64` bytes at `text`, bit i of breaks[b] is
 * set exactly when byte 64b + i is a backslash or a control byte (below 0x20), and bit i of
 * stops[b] exactly when it is one of those or a quote ("). Nothing else is written.
 */
void tally_index_json_blocks(const uint8_t *text, size_t blocks, uint64_t *stops, uint64_t *breaks);

/* The same with 16-byte SSE2 steps, or byte by byte off x86-64: for tests. */
void tally_index_json_blocks_baseline(const uint8_t *text, size_t blocks, uint64_t *stops, uint64_t *breaks);

/*
 * For CSV and TSV: bit i of delimiters[b] is set exactly when byte 64b + i is `delimiter`, of
 * quotes[b] when it is a quote, and of breaks[b] when it is a control byte (below 0x20) other
 * than the delimiter.
 */
void tally_index_delimited_blocks(const uint8_t *text, size_t blocks, uint8_t delimiter,
                                  uint64_t *delimiters, uint64_t *quotes, uint64_t *breaks);
void tally_index_delimited_blocks_baseline(const uint8_t *text, size_t blocks, uint8_t delimiter,
                                           uint64_t *delimiters, uint64_t *quotes, uint64_t *breaks);

/* Whether the kernels above use AVX2 on this CPU. */
int tally_uses_avx2(void);

/*
 * Asks the CPU to start reading the cache line at `address` for a read soon. Unlike a load, a
 * prefetch never makes later instructions wait for it, and it cannot fault. Swift has no
 * spelling for it; inlined where it is called.
 */
static inline void tally_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
