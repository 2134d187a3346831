#include "tally_isal.h"

#if !defined(TALLY_WITHOUT_ISAL) && defined(__has_include)
#if __has_include(<isa-l/igzip_lib.h>)
#define TALLY_ISAL_COMPILED 1
#endif
#endif

#if TALLY_ISAL_COMPILED
#include <dlfcn.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdlib.h>

/* Opened, not linked: a binary built here must still run where libisal is not installed. */
static void (*isal_init)(struct inflate_state *);
static void (*isal_reset)(struct inflate_state *);
static int (*isal_run)(struct inflate_state *);
static uint32_t (*isal_crc)(uint32_t, const unsigned char *, uint64_t);
static int loaded;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    /* By soname: the header this was compiled with describes struct inflate_state of ABI 2. */
    void *library = dlopen("libisal.so.2", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return;
    isal_init = (void (*)(struct inflate_state *))dlsym(library, "isal_inflate_init");
    isal_reset = (void (*)(struct inflate_state *))dlsym(library, "isal_inflate_reset");
    isal_run = (int (*)(struct inflate_state *))dlsym(library, "isal_inflate");
    isal_crc = (uint32_t (*)(uint32_t, const unsigned char *, uint64_t))dlsym(library, "crc32_gzip_refl");
    loaded = isal_init != NULL && isal_reset != NULL && isal_run != NULL && isal_crc != NULL;
}

struct tally_isal_stream {
    struct inflate_state state;
};

int tally_isal_built_in(void) { return 1; }

int tally_isal_available(void) {
    pthread_once(&load_once, load);
    return loaded;
}

tally_isal_stream *tally_isal_create(void) {
    if (!tally_isal_available()) return NULL;
    tally_isal_stream *stream = malloc(sizeof *stream);
    if (stream == NULL) return NULL;
    isal_init(&stream->state);
    stream->state.crc_flag = ISAL_DEFLATE;
    return stream;
}

void tally_isal_destroy(tally_isal_stream *stream) { free(stream); }

uint32_t tally_isal_crc32(uint32_t crc, const uint8_t *data, size_t length) {
    return length == 0 ? crc : isal_crc(crc, data, length);
}

void tally_isal_reset(tally_isal_stream *stream) {
    isal_reset(&stream->state);
    stream->state.crc_flag = ISAL_DEFLATE;
}

int tally_isal_inflate(tally_isal_stream *stream, const uint8_t *input, uint32_t input_length,
                       uint8_t *output, uint32_t output_length, int64_t *consumed, uint32_t *produced) {
    struct inflate_state *state = &stream->state;
    /* ISA-L never writes through next_in; its field is not const. */
    state->next_in = (uint8_t *)input;
    state->avail_in = input_length;
    state->next_out = output;
    state->avail_out = output_length;
    int status = isal_run(state);
    if (status < 0 || status == ISAL_NEED_DICT) {
        /* After an error ISA-L's counts are not to be trusted (avail_in can wrap): report none. */
        *consumed = 0;
        *produced = 0;
        return TALLY_ISAL_DATA_ERROR;
    }
    *consumed = (int64_t)input_length - state->avail_in;
    *produced = output_length - state->avail_out;
    if (state->block_state != ISAL_BLOCK_FINISH) return TALLY_ISAL_PROGRESS;
    /* The whole bytes still in the bit buffer lie past the deflate data: give them back. The
     * bits of a partial byte are the last block's padding. */
    if (state->read_in_length > 0) *consumed -= state->read_in_length / 8;
    state->read_in = 0;
    state->read_in_length = 0;
    return TALLY_ISAL_STREAM_END;
}

#else

int tally_isal_built_in(void) { return 0; }
int tally_isal_available(void) { return 0; }
tally_isal_stream *tally_isal_create(void) { return NULL; }
uint32_t tally_isal_crc32(uint32_t crc, const uint8_t *data, size_t length) {
    (void)data, (void)length;
    return crc;
}
void tally_isal_destroy(tally_isal_stream *stream) { (void)stream; }
void tally_isal_reset(tally_isal_stream *stream) { (void)stream; }
int tally_isal_inflate(tally_isal_stream *stream, const uint8_t *input, uint32_t input_length,
                       uint8_t *output, uint32_t output_length, int64_t *consumed, uint32_t *produced) {
    (void)stream, (void)input, (void)input_length, (void)output, (void)output_length;
    *consumed = 0;
    *produced = 0;
    return TALLY_ISAL_DATA_ERROR;
}

#endif
