/* Generator: prints the slice-by-8 tables pasted into tally_crc32.c
 * and derives/verifies the PCLMULQDQ folding constants.
 * Build: cc -O2 -o gen_crc32_tables scripts/gen_crc32_tables.c && ./gen_crc32_tables > tables.inc */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define POLY_REFLECTED 0xEDB88320u  /* bit-reversed 0x04C11DB7 */
#define POLY_NORMAL    0x04C11DB7u  /* P(x) without the x^32 term */

/* x^n mod P(x) in the normal domain (bit i = coefficient of x^i). */
static uint32_t xpow_mod_normal(unsigned n)
{
    uint32_t r = 1;  /* x^0 */
    while (n--)
        r = (r & 0x80000000u) ? (r << 1) ^ POLY_NORMAL : r << 1;
    return r;
}

/* The same computed directly in the reflected domain (bit 31-i = coeff of x^i):
 * multiplying by x is a right shift, reducing by P is an xor with 0xEDB88320. */
static uint32_t xpow_mod_reflected(unsigned n)
{
    uint32_t r = 0x80000000u;  /* x^0 */
    while (n--)
        r = (r & 1) ? (r >> 1) ^ POLY_REFLECTED : r >> 1;
    return r;
}

static uint32_t reflect32(uint32_t v)
{
    uint32_t r = 0;
    for (int i = 0; i < 32; i++)
        if (v & (1u << i))
            r |= 1u << (31 - i);
    return r;
}

/* The folding constant for distance n: x^n mod P, bit-reflected to 32 bits and
 * shifted left by one.  The shift compensates for the carry-less product of two
 * reflected 64-bit operands landing one bit low (bit 127 of the product is always 0
 * in the reflected view), so the constants are 33-bit values. */
static uint64_t fold_constant(unsigned n)
{
    uint32_t a = reflect32(xpow_mod_normal(n));
    uint32_t b = xpow_mod_reflected(n);
    if (a != b) {
        fprintf(stderr, "domain mismatch for n=%u: %08x %08x\n", n, a, b);
        exit(1);
    }
    return (uint64_t)b << 1;
}

int main(void)
{
    static uint32_t t[8][256];
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ POLY_REFLECTED : c >> 1;
        t[0][i] = c;
    }
    /* t[k][i] is the CRC contribution of byte i followed by k zero bytes. */
    for (int k = 1; k < 8; k++)
        for (int i = 0; i < 256; i++)
            t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];

    struct { const char *name; unsigned n; uint64_t expect; } c[] = {
        { "fold4 lo  x^(4*128+32)", 4 * 128 + 32, 0x154442bd4ull },
        { "fold4 hi  x^(4*128-32)", 4 * 128 - 32, 0x1c6e41596ull },
        { "fold1 lo  x^(128+32)  ", 128 + 32,     0x1751997d0ull },
        { "fold1 hi  x^(128-32)  ", 128 - 32,     0x0ccaa009eull },
        { "k5        x^64        ", 64,           0x163cd6124ull },
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        uint64_t v = fold_constant(c[i].n);
        fprintf(stderr, "%s mod P, reflected<<1 = 0x%09llx  expected 0x%09llx  %s\n",
                c[i].name, (unsigned long long)v, (unsigned long long)c[i].expect,
                v == c[i].expect ? "OK" : "MISMATCH");
        bad |= v != c[i].expect;
    }
    if (bad)
        return 1;

    printf("static const uint32_t crc_table[8][256] = {\n");
    for (int k = 0; k < 8; k++) {
        printf("  {\n");
        for (int i = 0; i < 256; i++)
            printf("%s0x%08xu%s", i % 6 == 0 ? "    " : "", t[k][i],
                   i == 255 ? "\n" : (i % 6 == 5 ? ",\n" : ", "));
        printf("  }%s\n", k == 7 ? "" : ",");
    }
    printf("};\n");
    return 0;
}
