#ifndef TALLY_ISAL_H
#define TALLY_ISAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * ISA-L's raw-deflate inflater (igzip), optional twice over.
 *
 * At build time: it is compiled in only where ISA-L's header is installed (Debian libisal-dev)
 * and TALLY_WITHOUT_ISAL is not defined, so a machine with the toolchain and zlib alone builds
 * tally unchanged. At run time: the library is opened with dlopen, never linked, so a binary
 * built with it still starts, and falls back to zlib, where libisal is missing.
 *
 * Only raw deflate: tally reads every gzip header and trailer, and computes the CRC-32, itself.
 */

typedef struct tally_isal_stream tally_isal_stream;

/* 1 if the inflater was compiled in, 0 otherwise. */
int tally_isal_built_in(void);

/* 1 if it was compiled in and its library could be loaded; thread-safe, loads once. */
int tally_isal_available(void);

/* A new stream ready for a member's deflate data, or NULL if ISA-L is not available or memory ran out. */
tally_isal_stream *tally_isal_create(void);
void tally_isal_destroy(tally_isal_stream *stream);

/* ISA-L's gzip CRC-32 (zlib's crc32), only once tally_isal_available() has said 1. */
uint32_t tally_isal_crc32(uint32_t crc, const uint8_t *data, size_t length);

/* Makes the stream ready for the next member's deflate data. */
void tally_isal_reset(tally_isal_stream *stream);

#define TALLY_ISAL_PROGRESS 0    /* call again with more input or more output space */
#define TALLY_ISAL_STREAM_END 1  /* the last block was read and all its output written */
#define TALLY_ISAL_DATA_ERROR -1 /* the deflate data is damaged */

/*
 * Inflates from `input` into `output`, and says how many input bytes were used and output
 * bytes written. At TALLY_ISAL_STREAM_END, `consumed` can be smaller than zero: ISA-L reads
 * ahead up to 8 bytes, maybe given in an earlier call, and those after the deflate data's end
 * are handed back (they are the gzip trailer), so the caller must still hold the 8 bytes before
 * `input`.
 */
int tally_isal_inflate(tally_isal_stream *stream, const uint8_t *input, uint32_t input_length,
                       uint8_t *output, uint32_t output_length, int64_t *consumed, uint32_t *produced);

#endif
