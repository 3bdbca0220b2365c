// Rust-compatible number formatting and parsing; see rustfmt.h.
#include "rustfmt.h"

#include <math.h>
#include <string.h>

#include "decimal.h"

// --- f64 Display -------------------------------------------------------------

void sb_f64(strbuf *b, double v) {
    if (isnan(v)) {
        sb_str(b, "NaN");
        return;
    }
    if (signbit(v)) sb_char(b, '-');
    v = fabs(v);
    if (isinf(v)) {
        sb_str(b, "inf");
        return;
    }
    if (v == 0) {
        sb_char(b, '0');
        return;
    }
    char digits[17];
    int point;
    size_t n = f64_shortest(v, digits, &point);
    if (point <= 0) {
        sb_str(b, "0.");
        for (int i = point; i < 0; i++) sb_char(b, '0');
        sb_bytes(b, digits, n);
    } else if ((size_t)point >= n) {
        sb_bytes(b, digits, n);
        for (size_t i = n; i < (size_t)point; i++) sb_char(b, '0');
    } else {
        sb_bytes(b, digits, (size_t)point);
        sb_char(b, '.');
        sb_bytes(b, digits + point, n - (size_t)point);
    }
}

// --- f64 parse -----------------------------------------------------------------

static bool ascii_eq_ignore_case(str_view s, const char *word) {
    size_t n = strlen(word);
    if (s.len != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s.ptr[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != word[i]) return false;
    }
    return true;
}

bool rust_parse_f64(str_view s, double *out) {
    size_t i = 0;
    bool negative = false;
    if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-')) negative = s.ptr[i++] == '-';
    str_view rest = {s.ptr + i, s.len - i};
    if (ascii_eq_ignore_case(rest, "inf") || ascii_eq_ignore_case(rest, "infinity")) {
        *out = negative ? -INFINITY : INFINITY;
        return true;
    }
    if (ascii_eq_ignore_case(rest, "nan")) {
        *out = NAN;
        return true;
    }
    // Digits [. digits] [e [+-] digits], at least one digit before the exponent.
    decimal d = {.len = 0, .point = 0, .sticky = false};
    int64_t point = 0;
    size_t mantissa_digits = 0;
    bool in_fraction = false;
    for (; i < s.len; i++) {
        char c = s.ptr[i];
        if (c == '.' && !in_fraction) {
            in_fraction = true;
            continue;
        }
        if (c < '0' || c > '9') break;
        mantissa_digits++;
        if (d.len == 0 && c == '0') {
            if (in_fraction) point--; // a leading zero after the point
            continue;
        }
        if (!in_fraction) point++;
        if (d.len < DECIMAL_DIGITS) {
            d.digits[d.len++] = c;
        } else if (c != '0') {
            d.sticky = true;
        }
    }
    if (mantissa_digits == 0) return false;
    if (i < s.len && (s.ptr[i] == 'e' || s.ptr[i] == 'E')) {
        i++;
        bool exponent_negative = false;
        if (i < s.len && (s.ptr[i] == '+' || s.ptr[i] == '-')) exponent_negative = s.ptr[i++] == '-';
        size_t exponent_digits = 0;
        int64_t exponent = 0;
        for (; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++, exponent_digits++) {
            if (exponent < 1000000) exponent = exponent * 10 + (s.ptr[i] - '0'); // saturates far past any double
        }
        if (exponent_digits == 0) return false;
        point += exponent_negative ? -exponent : exponent;
    }
    if (i != s.len) return false;
    while (d.len > 0 && d.digits[d.len - 1] == '0') d.len--;
    if (d.len == 0) {
        *out = negative ? -0.0 : 0.0;
        return true;
    }
    // Anything this far out is 0 or infinity; keep `point` in int range.
    d.point = point > 100000 ? 100000 : point < -100000 ? -100000 : (int)point;
    double value = f64_from_decimal(&d);
    *out = negative ? -value : value;
    return true;
}

// --- str Debug -----------------------------------------------------------------

// Code points Rust's Debug escapes as \u{..} beyond ASCII: controls, format
// characters, separators other than ' ', private use, non-characters and the
// common combining marks (grapheme extenders). Rust uses full Unicode tables;
// this covers the ranges met in practice.
static bool needs_unicode_escape(uint32_t c) {
    static const uint32_t ranges[][2] = {
        {0x80, 0xA0},       {0xAD, 0xAD},       {0x300, 0x36F},     {0x483, 0x489},
        {0x591, 0x5BD},     {0x600, 0x605},     {0x610, 0x61A},     {0x61C, 0x61C},
        {0x64B, 0x65F},     {0x670, 0x670},     {0x6D6, 0x6DD},     {0x70F, 0x70F},
        {0x1680, 0x1680},   {0x180E, 0x180E},   {0x1AB0, 0x1AFF},   {0x1DC0, 0x1DFF},
        {0x2000, 0x200F},   {0x2028, 0x202F},   {0x205F, 0x206F},   {0x20D0, 0x20F0},
        {0x3000, 0x3000},   {0x3099, 0x309A},   {0xE000, 0xF8FF},   {0xFE00, 0xFE0F},
        {0xFE20, 0xFE2F},   {0xFEFF, 0xFEFF},   {0xFF9E, 0xFF9F},   {0xFFF0, 0xFFFB},
        {0xFFFE, 0xFFFF},   {0xE0000, 0xE0FFF}, {0xF0000, 0x10FFFF},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        if (c >= ranges[i][0] && c <= ranges[i][1]) return true;
    }
    return false;
}

static void sb_unicode_escape(strbuf *b, uint32_t c) {
    static const char hex[] = "0123456789abcdef";
    char digits[8];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n++] = hex[c & 0xF];
        c >>= 4;
    } while (c);
    sb_str(b, "\\u{");
    sb_bytes(b, digits + sizeof digits - n, n);
    sb_char(b, '}');
}

void sb_debug_str(strbuf *b, str_view s) {
    sb_char(b, '"');
    size_t i = 0;
    while (i < s.len) {
        unsigned char c = (unsigned char)s.ptr[i];
        const char *escape = c == '"'    ? "\\\""
                             : c == '\\' ? "\\\\"
                             : c == '\n' ? "\\n"
                             : c == '\r' ? "\\r"
                             : c == '\t' ? "\\t"
                             : c == '\0' ? "\\0"
                                         : NULL;
        if (escape) {
            sb_str(b, escape);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            sb_unicode_escape(b, c);
            i++;
        } else if (c < 0x80) {
            sb_char(b, (char)c);
            i++;
        } else {
            // Decode one multi-byte code point (input strings are valid UTF-8).
            size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
            if (n > s.len - i) n = s.len - i;
            uint32_t cp = n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
            for (size_t k = 1; k < n; k++) cp = (cp << 6) | ((unsigned char)s.ptr[i + k] & 0x3Fu);
            if (needs_unicode_escape(cp)) {
                sb_unicode_escape(b, cp);
            } else {
                sb_bytes(b, s.ptr + i, n);
            }
            i += n;
        }
    }
    sb_char(b, '"');
}
