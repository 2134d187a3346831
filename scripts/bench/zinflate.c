/*
 * zinflate: the speed floor for `tally` (see scripts/bench/bench.sh).
 *
 * Inflates every gzip member of each FILE given, using the system zlib, and
 * throws the output away. This is the least work any gzip log reader must do,
 * so `tally` is measured against it.
 *
 *   cc -O2 -o zinflate scripts/bench/zinflate.c -lz
 *   ./zinflate FILE...
 *
 * Prints nothing on success; on an error prints one line to stderr and exits 1.
 * Multi-member files (cat a.gz b.gz, pigz --independent) are read to the end:
 * on Z_STREAM_END with input left, the stream is reset and inflation goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static unsigned char in[1 << 17];  /* 128 KiB reads */
static unsigned char out[1 << 18]; /* 256 KiB of inflated output, discarded */

static int fail(const char *path, const char *why) {
    fprintf(stderr, "zinflate: %s: %s\n", path, why);
    return 1;
}

static int inflate_file(const char *path, z_stream *zs) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) return fail(path, strerror(errno));
    if (inflateReset2(zs, 15 + 32) != Z_OK) return close(fd), fail(path, "inflateReset2 failed");

    int ended = 0; /* the last member seen ended cleanly and no byte followed yet */
    for (;;) {
        if (zs->avail_in == 0) {
            ssize_t n = read(fd, in, sizeof in);
            if (n < 0) return close(fd), fail(path, strerror(errno));
            if (n == 0) break;
            zs->next_in = in;
            zs->avail_in = (uInt)n;
            if (ended) { inflateReset(zs); ended = 0; } /* another member follows */
        }
        zs->next_out = out;
        zs->avail_out = sizeof out;
        int rc = inflate(zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            ended = 1;
            if (zs->avail_in > 0) { inflateReset(zs); ended = 0; }
        } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && zs->avail_in == 0)) {
            close(fd);
            return fail(path, zs->msg ? zs->msg : "inflate failed");
        }
    }
    close(fd);
    return ended ? 0 : fail(path, "unexpected end of file");
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: zinflate FILE...\n");
        return 2;
    }
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 15 + 32) != Z_OK) return fail("zlib", "inflateInit2 failed");
    int status = 0;
    for (int i = 1; i < argc && status == 0; i++) status = inflate_file(argv[i], &zs);
    inflateEnd(&zs);
    return status;
}
