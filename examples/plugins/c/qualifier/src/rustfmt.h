// The few Rust formatting and parsing rules the qualifier's messages depend
// on, so the C plug-in writes the same words as the Rust one.
#ifndef C_QUALIFIER_RUSTFMT_H
#define C_QUALIFIER_RUSTFMT_H

#include "text.h"

/// Rust's `{}` for f64: the shortest digits that read back to the same value,
/// never in exponent form (`60000`, `0.1`, `1e21` as `1000000000000000000000`),
/// `NaN`, `inf`, `-inf`, `-0`.
void sb_f64(strbuf *b, double v);

/// Rust's `str::parse::<f64>()`: `[+-]` then digits with an optional point and
/// exponent, or `inf`/`infinity`/`nan` (any case). No surrounding spaces, no hex.
bool rust_parse_f64(str_view s, double *out);

/// Rust's `{:?}` for a str: quoted, with `\"`, `\\`, `\n`, `\r`, `\t`, `\0`
/// and `\u{..}` for other control, format and separator characters.
void sb_debug_str(strbuf *b, str_view s);

#endif
