#include "tally_kernels.h"

/* The baselines: the 16-byte primitives of tally_kernels.h, four a block, on every CPU. */
void tally_index_json_blocks_baseline(const uint8_t *text, size_t blocks, uint64_t *stops, uint64_t *breaks) {
    for (size_t b = 0; b < blocks; b++, text += 64) {
        uint64_t quotes = 0, others = 0;
        for (int k = 0; k < 4; k++) {
            tally_json_classes c = tally_classify_json16(text + 16 * k);
            quotes |= (uint64_t)c.quotes << (16 * k);
            others |= (uint64_t)c.others << (16 * k);
        }
        breaks[b] = others;
        stops[b] = others | quotes;
    }
}

void tally_index_delimited_blocks_baseline(const uint8_t *text, size_t blocks, uint8_t delimiter,
                                           uint64_t *delimiters, uint64_t *quotes, uint64_t *breaks) {
    for (size_t b = 0; b < blocks; b++, text += 64) {
        uint64_t d = 0, q = 0, k = 0;
        for (int i = 0; i < 4; i++) {
            tally_delimited_classes c = tally_classify_delimited16(text + 16 * i, delimiter);
            d |= (uint64_t)c.delimiters << (16 * i);
            q |= (uint64_t)c.quotes << (16 * i);
            k |= (uint64_t)c.breaks << (16 * i);
        }
        delimiters[b] = d;
        quotes[b] = q;
        breaks[b] = k;
    }
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

__attribute__((target("avx2")))
static void index_json_avx2(const uint8_t *text, size_t blocks, uint64_t *stops, uint64_t *breaks) {
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    const __m256i control = _mm256_set1_epi8(0x1f);
    for (size_t b = 0; b < blocks; b++, text += 64) {
        __m256i lo = _mm256_loadu_si256((const __m256i *)text);
        __m256i hi = _mm256_loadu_si256((const __m256i *)(text + 32));
        /* v <= 0x1f (unsigned) exactly when min(v, 0x1f) == v. */
        __m256i otherLo = _mm256_or_si256(_mm256_cmpeq_epi8(lo, backslash),
                                          _mm256_cmpeq_epi8(_mm256_min_epu8(lo, control), lo));
        __m256i otherHi = _mm256_or_si256(_mm256_cmpeq_epi8(hi, backslash),
                                          _mm256_cmpeq_epi8(_mm256_min_epu8(hi, control), hi));
        uint64_t quotes = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, quote))
                        | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, quote)) << 32;
        uint64_t others = (uint32_t)_mm256_movemask_epi8(otherLo)
                        | (uint64_t)(uint32_t)_mm256_movemask_epi8(otherHi) << 32;
        breaks[b] = others;
        stops[b] = others | quotes;
    }
}

__attribute__((target("avx2")))
static void index_delimited_avx2(const uint8_t *text, size_t blocks, uint8_t delimiter,
                                 uint64_t *delimiters, uint64_t *quotes, uint64_t *breaks) {
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i delimit = _mm256_set1_epi8((char)delimiter);
    const __m256i control = _mm256_set1_epi8(0x1f);
    for (size_t b = 0; b < blocks; b++, text += 64) {
        __m256i lo = _mm256_loadu_si256((const __m256i *)text);
        __m256i hi = _mm256_loadu_si256((const __m256i *)(text + 32));
        __m256i delimLo = _mm256_cmpeq_epi8(lo, delimit), delimHi = _mm256_cmpeq_epi8(hi, delimit);
        /* A control byte that is not the delimiter (a tab, in TSV). */
        __m256i breakLo = _mm256_andnot_si256(delimLo, _mm256_cmpeq_epi8(_mm256_min_epu8(lo, control), lo));
        __m256i breakHi = _mm256_andnot_si256(delimHi, _mm256_cmpeq_epi8(_mm256_min_epu8(hi, control), hi));
        delimiters[b] = (uint32_t)_mm256_movemask_epi8(delimLo) | (uint64_t)(uint32_t)_mm256_movemask_epi8(delimHi) << 32;
        quotes[b] = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, quote))
                  | (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, quote)) << 32;
        breaks[b] = (uint32_t)_mm256_movemask_epi8(breakLo) | (uint64_t)(uint32_t)_mm256_movemask_epi8(breakHi) << 32;
    }
}

/* AVX2 needs the CPU to have it (CPUID leaf 7) and the OS to save the YMM registers (XCR0). */
static int detect_avx2(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & bit_OSXSAVE) || !(c & bit_AVX)) return 0;
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & bit_AVX2) != 0;
}

/* -1 until first asked; a race only makes two threads detect the same answer. */
static int avx2 = -1;

int tally_uses_avx2(void) {
    int known = __atomic_load_n(&avx2, __ATOMIC_RELAXED);
    if (known < 0) {
        known = detect_avx2();
        __atomic_store_n(&avx2, known, __ATOMIC_RELAXED);
    }
    return known;
}

void tally_index_json_blocks(const uint8_t *text, size_t blocks, uint64_t *stops, uint64_t *breaks) {
    if (tally_uses_avx2()) {
        index_json_avx2(text, blocks, stops, breaks);
    } else {
        tally_index_json_blocks_baseline(text, blocks, stops, breaks);
    }
}

void tally_index_delimited_blocks(const uint8_t *text, size_t blocks, uint8_t delimiter,
                                  uint64_t *delimiters, uint64_t *quotes, uint64_t *breaks) {
    if (tally_uses_avx2()) {
        index_delimited_avx2(text, blocks, delimiter, delimiters, quotes, breaks);
    } else {
        tally_index_delimited_blocks_baseline(text, blocks, delimiter, delimiters, quotes, breaks);
    }
}

#else

int tally_uses_avx2(void) { return 0; }

void tally_index_json_blocks(const uint8_t *text, size_t blocks, uint64_t *stops, uint64_t *breaks) {
    tally_index_json_blocks_baseline(text, blocks, stops, breaks);
}

void tally_index_delimited_blocks(const uint8_t *text, size_t blocks, uint8_t delimiter,
                                  uint64_t *delimiters, uint64_t *quotes, uint64_t *breaks) {
    tally_index_delimited_blocks_baseline(text, blocks, delimiter, delimiters, quotes, breaks);
}

#endif
