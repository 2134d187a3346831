#ifndef TALLY_KERNELS_H
#define TALLY_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

/*
 * The few pieces of tally's hot path that Swift cannot express, in C.
 */

/*
 * tally's byte classes, defined once. For the 16 bytes at `p`:
 * - JSON: bit i of `quotes` is set exactly when byte i is a quote ("), and of `others` when it
 *   is a backslash or a control byte (below 0x20);
 * - CSV and TSV: bit i of `delimiters` when byte i is `delimiter`, of `quotes` when it is a
 *   quote, of `breaks` when it is a control byte other than the delimiter.
 * SSE2 (every x86-64 CPU has it), byte by byte elsewhere. Inline, so that Swift's per-line
 * scanners use them without a call. The block kernels below are built of them, but for the
 * AVX2 ones, which make the same tests 32 bytes a step.
 */
typedef struct {
    uint32_t quotes;
    uint32_t others;
} tally_json_classes;

typedef struct {
    uint32_t delimiters;
    uint32_t quotes;
    uint32_t breaks;
} tally_delimited_classes;

static inline tally_json_classes tally_classify_json16(const uint8_t *p) {
    tally_json_classes c;
#if defined(__x86_64__)
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    /* v <= 0x1f (unsigned) exactly when min(v, 0x1f) == v. */
    __m128i other = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')),
                                 _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v));
    c.quotes = (uint32_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
    c.others = (uint32_t)(uint16_t)_mm_movemask_epi8(other);
#else
    c.quotes = 0;
    c.others = 0;
    for (int i = 0; i < 16; i++) {
        c.quotes |= (uint32_t)(p[i] == '"') << i;
        c.others |= (uint32_t)(p[i] == '\\' || p[i] < 0x20) << i;
    }
#endif
    return c;
}

static inline tally_delimited_classes tally_classify_delimited16(const uint8_t *p, uint8_t delimiter) {
    tally_delimited_classes c;
#if defined(__x86_64__)
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i delimiters = _mm_cmpeq_epi8(v, _mm_set1_epi8((char)delimiter));
    __m128i controls = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
    c.delimiters = (uint32_t)(uint16_t)_mm_movemask_epi8(delimiters);
    c.quotes = (uint32_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')));
    c.breaks = (uint32_t)(uint16_t)_mm_movemask_epi8(_mm_andnot_si128(delimiters, controls));
#else
    c.delimiters = 0;
    c.quotes = 0;
    c.breaks = 0;
    for (int i = 0; i < 16; i++) {
        c.delimiters |= (uint32_t)(p[i] == delimiter) << i;
        c.quotes |= (uint32_t)(p[i] == '"') << i;
        c.breaks |= (uint32_t)(p[i] < 0x20 && p[i] != delimiter) << i;
    }
#endif
    return c;
}

/*
 * The text index's classifying of whole windows (Sources/TallyParser/TextIndex.swift): Swift
 * cannot compile one function for AVX2 and the rest of the program for plain x86-64, so the
 * AVX2 version is here, chosen at run time on CPUs that have it.
 *
 * For each whole 64-byte block b of the `blocks * 64` bytes at `text`, bit i of breaks[b] is
 * set exactly when byte 64b + i is a backslash or a control byte (below 0x20), and bit i of
 * stops[b] exactly when it is one of those or a quote ("). Nothing else is written.
 */
void tally_index_json_blocks(const uint8_t *text, size_t blocks, uint64_t *stops, uint64_t *breaks);

/* The same, four 16-byte primitives a block: where the CPU has no AVX2, and for the tests to
 * hold the AVX2 kernels to. */
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

/*
 * Asks Linux to back the 2 MiB-aligned part of [start, start + bytes) with huge pages, before
 * it is first touched. A table read at random over tens of megabytes otherwise misses the TLB
 * at nearly every lookup, and in a virtual machine each miss is a two-level page walk; and its
 * first touch costs a page fault for every 4 KiB. Only a hint: where the kernel has no
 * transparent huge pages, or has them turned off, nothing changes.
 */
static inline void tally_advise_huge_pages(void *start, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)1 << 21;
    uintptr_t from = ((uintptr_t)start + huge - 1) & ~(huge - 1);
    uintptr_t to = ((uintptr_t)start + bytes) & ~(huge - 1);
    if (to > from) (void)madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)start;
    (void)bytes;
#endif
}

#endif
