/*
 * isalinflate: the ISA-L speed floor for `tally` (see scripts/bench/bench.sh), as zinflate is zlib's.
 *
 * Inflates every gzip member of each FILE given with ISA-L's igzip (its gzip mode, so it
 * checks each header, CRC-32 and length itself), and throws the output away.
 *
 *   cc -O2 -o isalinflate scripts/bench/isalinflate.c -lisal     (Debian: libisal-dev)
 *   ./isalinflate FILE...
 *
 * Prints nothing on success; on an error prints one line to stderr and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static unsigned char in[1 << 17];  /* 128 KiB reads, as zinflate */
static unsigned char out[1 << 18]; /* 256 KiB of inflated output, discarded */
static struct inflate_state state;

static int fail(const char *path, const char *why) {
    fprintf(stderr, "isalinflate: %s: %s\n", path, why);
    return 1;
}

static int inflate_file(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return fail(path, strerror(errno));
    isal_inflate_init(&state);
    state.crc_flag = ISAL_GZIP;
    state.avail_in = 0;
    int ended = 0; /* the last member seen ended and no byte followed yet */
    for (;;) {
        if (state.avail_in == 0) {
            ssize_t n = read(fd, in, sizeof in);
            if (n < 0) return close(fd), fail(path, strerror(errno));
            if (n == 0) break;
            state.next_in = in;
            state.avail_in = (uint32_t)n;
        }
        if (ended) { /* another member follows */
            isal_inflate_reset(&state);
            state.crc_flag = ISAL_GZIP;
            ended = 0;
        }
        state.next_out = out;
        state.avail_out = sizeof out;
        if (isal_inflate(&state) != ISAL_DECOMP_OK) return close(fd), fail(path, "damaged gzip data");
        if (state.block_state == ISAL_BLOCK_FINISH) ended = 1;
    }
    close(fd);
    return ended ? 0 : fail(path, "unexpected end of file");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: isalinflate FILE...\n");
        return 2;
    }
    int status = 0;
    for (int i = 1; i < argc && status == 0; i++) status = inflate_file(argv[i]);
    return status;
}
