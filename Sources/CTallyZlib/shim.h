#ifndef TALLY_CZLIB_SHIM_H
#define TALLY_CZLIB_SHIM_H

#include <zlib.h>

// inflateInit2 is a macro (it passes ZLIB_VERSION and sizeof(z_stream)), which Swift cannot
// import; these wrappers are the only reason this header exists.
static inline int tally_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

// deflateInit2 is a macro for the same reason.
static inline int tally_deflateInit2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}

#endif
