#ifndef TALLY_CLIBDEFLATE_SHIM_H
#define TALLY_CLIBDEFLATE_SHIM_H

// Only libdeflate's CRC-32 is used: it folds with PCLMULQDQ (or ARMv8 CRC instructions) where the
// CPU has them, about four times as fast as zlib 1.2's tables. Inflating stays with zlib.
#include <libdeflate.h>

#endif
