#ifndef TALLY_CZLIB_SHIM_H
#define TALLY_CZLIB_SHIM_H

#include <zlib.h>

// inflateInit2 is a macro (it passes ZLIB_VERSION and sizeof(z_stream)), which Swift cannot
// import; this wrapper is the only reason this header exists.
static inline int tally_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

#endif
