// Exact decimal arithmetic for doubles: every finite double is m x 2^e, a
// number with a finite decimal expansion, so conversions in both directions
// can be decided exactly by comparing digit strings. This replaces libc's
// snprintf/strtod, whose wasi-libc versions pull in stdio and, with it,
// WASI imports the host does not grant.
#ifndef C_QUALIFIER_DECIMAL_H
#define C_QUALIFIER_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// Significant digits kept; more than any double or rounding boundary needs (~770).
#define DECIMAL_DIGITS 800

/// A non-negative number 0.DIGITS x 10^point: no leading or trailing zero
/// digits; zero has no digits. `sticky` marks nonzero digits dropped past
/// DECIMAL_DIGITS (only parsed input can have them).
typedef struct decimal {
    char digits[DECIMAL_DIGITS];
    size_t len;
    int point;
    bool sticky;
} decimal;

/// The shortest digits that read back as `v` (finite, > 0) and, of those,
/// the nearest to `v` (ties upward), as Rust's `{}` chooses them:
/// v ~ 0.DIGITS x 10^point. Returns the digit count (at most 17).
size_t f64_shortest(double v, char digits[17], int *point);

/// The double nearest to `d` (ties to even), as Rust's `str::parse` and
/// strtod round; +inf past the largest double.
double f64_from_decimal(const decimal *d);

#endif
