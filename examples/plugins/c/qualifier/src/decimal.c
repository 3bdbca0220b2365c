// Exact decimal arithmetic for doubles; see decimal.h.
#include "decimal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

// --- exact expansions ----------------------------------------------------------

// A non-negative big integer in base 10^9, least significant limb first;
// large enough for (4m - 1) x 5^1076, the longest expansion needed.
#define LIMB_BASE 1000000000u
#define MAX_LIMBS 92

typedef struct bignum {
    uint32_t limb[MAX_LIMBS];
    size_t len;
} bignum;

static void big_mul_small(bignum *n, uint32_t factor) {
    uint64_t carry = 0;
    for (size_t i = 0; i < n->len; i++) {
        uint64_t product = (uint64_t)n->limb[i] * factor + carry;
        n->limb[i] = (uint32_t)(product % LIMB_BASE);
        carry = product / LIMB_BASE;
    }
    while (carry) {
        if (n->len == MAX_LIMBS) abort(); // cannot happen for the values used here
        n->limb[n->len++] = (uint32_t)(carry % LIMB_BASE);
        carry /= LIMB_BASE;
    }
}

// The exact value of m x 2^e (m > 0) as a decimal.
static void decimal_of_dyadic(uint64_t m, int e, decimal *out) {
    while ((m & 1) == 0) {
        m >>= 1;
        e++;
    }
    bignum n; // only the first `len` limbs are ever read: no need to clear the rest
    n.limb[0] = (uint32_t)(m % LIMB_BASE);
    n.limb[1] = (uint32_t)(m / LIMB_BASE % LIMB_BASE);
    n.limb[2] = (uint32_t)(m / LIMB_BASE / LIMB_BASE);
    n.len = 3;
    while (n.len > 1 && n.limb[n.len - 1] == 0) n.len--;
    int scale = 0; // the value is n x 10^-scale
    while (e > 0) {
        int k = e < 29 ? e : 29;
        big_mul_small(&n, UINT32_C(1) << k);
        e -= k;
    }
    while (e < 0) {
        // m x 2^-k = m x 5^k x 10^-k: multiply by fives, count the tens.
        int k = -e < 13 ? -e : 13;
        uint32_t power = 1;
        for (int i = 0; i < k; i++) power *= 5;
        big_mul_small(&n, power);
        e += k;
        scale += k;
    }
    size_t len = 0;
    for (size_t i = n.len; i-- > 0;) {
        char chunk[9];
        uint32_t limb = n.limb[i];
        for (int d = 8; d >= 0; d--, limb /= 10) chunk[d] = (char)('0' + limb % 10);
        size_t skip = 0;
        if (i == n.len - 1) {
            while (skip < 8 && chunk[skip] == '0') skip++;
        }
        if (9 - skip > DECIMAL_DIGITS - len) abort(); // cannot happen: at most ~770 digits
        memcpy(out->digits + len, chunk + skip, 9 - skip);
        len += 9 - skip;
    }
    out->point = (int)len - scale;
    while (len > 0 && out->digits[len - 1] == '0') len--;
    out->len = len;
    out->sticky = false;
}

// Compares two decimals' values.
static int decimal_cmp(const decimal *a, const decimal *b) {
    if (a->len == 0 || b->len == 0) return (a->len != 0) - (b->len != 0);
    if (a->point != b->point) return a->point < b->point ? -1 : 1;
    int c = memcmp(a->digits, b->digits, a->len < b->len ? a->len : b->len);
    if (c != 0) return c < 0 ? -1 : 1;
    // A shorter expansion is a prefix followed by zeros; digits dropped past
    // DECIMAL_DIGITS (sticky) only matter when the kept ones are equal.
    if (a->len != b->len) return a->len < b->len ? -1 : 1;
    return (int)a->sticky - (int)b->sticky;
}

// --- rounding intervals ---------------------------------------------------------

static uint64_t bits_of(double v) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return bits;
}

static double double_of(uint64_t bits) {
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

// Finite v > 0 as m x 2^e, with the numbers that round to it: those strictly
// between `low` and `high`, and the bounds themselves when m is even (ties
// go to the even significand).
static void rounding_interval(double v, decimal *exact, decimal *low, decimal *high, bool *inclusive) {
    uint64_t bits = bits_of(v);
    int biased = (int)((bits >> 52) & 0x7FF);
    uint64_t fraction = bits & ((UINT64_C(1) << 52) - 1);
    uint64_t m = biased == 0 ? fraction : fraction | (UINT64_C(1) << 52);
    int e = biased == 0 ? -1074 : biased - 1075;
    if (exact) decimal_of_dyadic(m, e, exact);
    decimal_of_dyadic(2 * m + 1, e - 1, high);
    if (fraction == 0 && biased > 1) {
        decimal_of_dyadic(4 * m - 1, e - 2, low); // just above a power of two: a closer neighbour below
    } else {
        decimal_of_dyadic(2 * m - 1, e - 1, low);
    }
    *inclusive = (m & 1) == 0;
}

// --- double to shortest digits ----------------------------------------------------

static void set_digits(decimal *d, const char *digits, size_t len, int point) {
    memcpy(d->digits, digits, len);
    while (len > 0 && d->digits[len - 1] == '0') len--;
    d->len = len;
    d->point = point;
    d->sticky = false;
}

size_t f64_shortest(double v, char digits[17], int *point) {
    if (v < 9007199254740992.0 && v == trunc(v)) {
        // A whole number below 2^53: its own digits are exact, and any other
        // digit string is at least 1 away, outside the rounding interval.
        char text[20];
        size_t n = 0;
        for (uint64_t whole = (uint64_t)v; whole; whole /= 10) text[sizeof text - 1 - n++] = (char)('0' + whole % 10);
        const char *first = text + sizeof text - n;
        *point = (int)n;
        while (first[n - 1] == '0') n--; // 0.DIGITS x 10^point keeps no trailing zero
        memcpy(digits, first, n);
        return n;
    }
    decimal exact, low, high, down, up;
    bool inclusive;
    rounding_interval(v, &exact, &low, &high, &inclusive);
    for (size_t p = 1; p <= 17; p++) {
        if (exact.len <= p) break; // the exact digits are short enough
        // The two p-digit candidates around v: truncated, and one unit up.
        set_digits(&down, exact.digits, p, exact.point);
        char bumped[17];
        int bumped_point = exact.point;
        memcpy(bumped, exact.digits, p);
        size_t k = p;
        while (k > 0 && bumped[k - 1] == '9') bumped[--k] = '0';
        if (k == 0) {
            bumped[0] = '1';
            bumped_point++;
        } else {
            bumped[k - 1]++;
        }
        set_digits(&up, bumped, p, bumped_point);
        int at_low = decimal_cmp(&down, &low), at_high = decimal_cmp(&up, &high);
        bool down_ok = at_low > 0 || (inclusive && at_low == 0);
        bool up_ok = at_high < 0 || (inclusive && at_high == 0);
        if (down_ok && up_ok) {
            // Both read back: the nearer; on an exact tie the upper one, as
            // Rust's Grisu path does (1727087560479346.25 prints ...346.3).
            up_ok = exact.digits[p] >= '5';
            down_ok = !up_ok;
        }
        if (down_ok || up_ok) {
            const decimal *chosen = down_ok ? &down : &up;
            memcpy(digits, chosen->digits, chosen->len);
            *point = chosen->point;
            return chosen->len;
        }
    }
    if (exact.len > 17) abort(); // 17 significant digits always read back
    memcpy(digits, exact.digits, exact.len);
    *point = exact.point;
    return exact.len;
}

// --- decimal to double ----------------------------------------------------------

// Powers of ten up to 10^22: all exact doubles.
static const double tens[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                              1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

double f64_from_decimal(const decimal *d) {
    if (d->len == 0 || d->point < -324) return 0.0; // below 10^-324: nearer to 0 than to 2^-1074
    if (d->point > 310) return INFINITY;
    // The first (up to) 17 digits as an integer: d ~ leading x 10^scale.
    uint64_t leading = 0;
    size_t used = d->len < 17 ? d->len : 17;
    for (size_t i = 0; i < used; i++) leading = leading * 10 + (uint64_t)(d->digits[i] - '0');
    int scale = d->point - (int)used;
    if (d->len <= 15 && scale >= -22 && scale <= 22) {
        // Clinger's fast path: both factors are exact doubles, and one IEEE
        // multiplication or division rounds correctly.
        return scale >= 0 ? (double)leading * tens[scale] : (double)leading / tens[-scale];
    }
    // Otherwise a guess, a few units in the last place off at most.
    double guess = (double)leading;
    while (scale > 0) {
        int step = scale < 22 ? scale : 22;
        guess *= tens[step];
        scale -= step;
    }
    while (scale < 0 && guess > 0.0) {
        int step = -scale < 22 ? -scale : 22;
        guess /= tens[step];
        scale += step;
    }
    if (isinf(guess)) guess = DBL_MAX;
    if (guess == 0.0) guess = double_of(1); // the smallest subnormal
    // Then step one unit at a time until `d` lies in the guess's rounding interval.
    decimal low, high;
    for (int steps = 0; steps < 4096; steps++) {
        bool inclusive;
        rounding_interval(guess, NULL, &low, &high, &inclusive);
        int at_low = decimal_cmp(d, &low), at_high = decimal_cmp(d, &high);
        if (at_low < 0 || (at_low == 0 && !inclusive)) {
            if (bits_of(guess) == 1) return 0.0; // rounds down to zero
            guess = double_of(bits_of(guess) - 1);
        } else if (at_high > 0 || (at_high == 0 && !inclusive)) {
            if (guess == DBL_MAX) return INFINITY;
            guess = double_of(bits_of(guess) + 1);
        } else {
            return guess;
        }
    }
    abort(); // unreachable: the guess is never that far off
}
