// Strings for the qualifier; see text.h.
#include "text.h"

#include <stdlib.h>
#include <string.h>

void *xrealloc(void *ptr, size_t size) {
    void *grown = realloc(ptr, size ? size : 1);
    if (!grown) abort();
    return grown;
}

size_t xmul(size_t a, size_t b) {
    if (b != 0 && a > SIZE_MAX / b) abort();
    return a * b;
}

str_view sv_of(const lead_definition_string_t *s) {
    return (str_view){(const char *)s->ptr, s->len};
}

str_view sv_lit(const char *s) { return (str_view){s, strlen(s)}; }

bool sv_eq(str_view a, str_view b) {
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool sv_ends_with(str_view s, str_view suffix) {
    return suffix.len <= s.len &&
           (suffix.len == 0 || memcmp(s.ptr + s.len - suffix.len, suffix.ptr, suffix.len) == 0);
}

// --- UTF-8 -------------------------------------------------------------------

// Decodes the code point at s[*i], advancing *i. An invalid or truncated
// sequence yields its first byte as-is (0xFFFFFFFF marks it), one byte long.
static uint32_t utf8_next(str_view s, size_t *i) {
    const unsigned char *p = (const unsigned char *)s.ptr + *i;
    size_t left = s.len - *i;
    unsigned char c = p[0];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || n > left) {
        *i += 1;
        return n == 1 ? c : 0xFFFFFFFFu;
    }
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1Fu) : n == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            *i += 1;
            return 0xFFFFFFFFu;
        }
        cp = (cp << 6) | (p[k] & 0x3Fu);
    }
    *i += n;
    return cp;
}

// The code point that ends just before s[end] (end > 0).
static uint32_t utf8_prev(str_view s, size_t *end) {
    size_t first = *end - 1;
    while (first > 0 && ((unsigned char)s.ptr[first] & 0xC0) == 0x80 && *end - first < 4) first--;
    size_t next = first;
    uint32_t c = utf8_next(s, &next);
    *end = first;
    return c;
}

static void sb_utf8(strbuf *b, uint32_t cp) {
    char out[4];
    size_t n;
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    sb_bytes(b, out, n);
}

// Unicode White_Space, the set Rust's `char::is_whitespace` uses.
static bool is_white_space(uint32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

str_view sv_trim(str_view s) {
    size_t start = 0;
    while (start < s.len) {
        size_t next = start;
        if (!is_white_space(utf8_next(s, &next))) break;
        start = next;
    }
    size_t end = s.len;
    while (end > start) {
        size_t before = end;
        if (!is_white_space(utf8_prev(s, &before))) break;
        end = before;
    }
    return (str_view){s.ptr + start, end - start};
}

// Simple lower-case mappings (one code point to one) for Latin-1, Latin
// Extended-A, Greek, Cyrillic, Armenian, Roman numerals, circled and
// fullwidth letters; U+0130 and final sigma are handled by sb_lower.
static uint32_t lower_cp(uint32_t c) {
    if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
    if (c >= 0x100 && c <= 0x137) return c | 1;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c & 1) ? c + 1 : c;
    if (c >= 0x14A && c <= 0x177) return c | 1;
    if (c == 0x178) return 0xFF;
    if (c == 0x386) return 0x3AC;
    if (c >= 0x388 && c <= 0x38A) return c + 37;
    if (c == 0x38C) return 0x3CC;
    if (c == 0x38E || c == 0x38F) return c + 63;
    if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    if (c >= 0x531 && c <= 0x556) return c + 48;
    if (c >= 0x2160 && c <= 0x216F) return c + 16;
    if (c >= 0x24B6 && c <= 0x24CF) return c + 26;
    if (c >= 0xFF21 && c <= 0xFF3A) return c + 32;
    return c;
}

// Unicode `Cased`, for the letters lower_cp knows (and their lower cases).
static bool is_cased(uint32_t c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == 0xAA || c == 0xB5 || c == 0xBA ||
           (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x370 && c <= 0x3FF && c != 0x375 &&
           c != 0x37E && c != 0x384 && c != 0x385 && c != 0x387) || (c >= 0x400 && c <= 0x481) ||
           (c >= 0x48A && c <= 0x52F) || (c >= 0x531 && c <= 0x556) || (c >= 0x561 && c <= 0x587) ||
           (c >= 0x2160 && c <= 0x217F) || (c >= 0x24B6 && c <= 0x24E9) || (c >= 0xFF21 && c <= 0xFF3A) ||
           (c >= 0xFF41 && c <= 0xFF5A);
}

// Unicode `Case_Ignorable`, for the common marks and punctuation.
static bool is_case_ignorable(uint32_t c) {
    return c == '\'' || c == '.' || c == ':' || c == '^' || c == '`' || c == 0xA8 || c == 0xAD || c == 0xAF ||
           c == 0xB4 || c == 0xB7 || c == 0xB8 || (c >= 0x2B0 && c <= 0x36F) || c == 0x387 ||
           (c >= 0x200B && c <= 0x200F) || c == 0x2018 || c == 0x2019 || c == 0x2024 || c == 0x2027 ||
           (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFF07 || c == 0xFF0E || c == 0xFF1A;
}

// Rust's Final_Sigma rule: 'Σ' at [at, at + 2) lower-cases to 'ς' when a
// cased letter precedes it and none follows (case-ignorables skipped).
static bool is_final_sigma(str_view s, size_t at) {
    bool cased_before = false;
    for (size_t i = at; i > 0;) {
        uint32_t c = utf8_prev(s, &i);
        if (!is_case_ignorable(c)) {
            cased_before = is_cased(c);
            break;
        }
    }
    if (!cased_before) return false;
    for (size_t i = at + 2; i < s.len;) {
        uint32_t c = utf8_next(s, &i);
        if (!is_case_ignorable(c)) return !is_cased(c);
    }
    return true;
}

void sb_lower(strbuf *b, str_view s) {
    size_t i = 0;
    while (i < s.len) {
        size_t start = i;
        uint32_t c = utf8_next(s, &i);
        if (c == 0xFFFFFFFFu) {
            sb_bytes(b, s.ptr + start, i - start);
        } else if (c == 0x130) { // 'İ' lower-cases to "i̇" (i + combining dot above)
            sb_utf8(b, 'i');
            sb_utf8(b, 0x307);
        } else if (c == 0x3A3) {
            sb_utf8(b, is_final_sigma(s, start) ? 0x3C2 : 0x3C3);
        } else {
            sb_utf8(b, lower_cp(c));
        }
    }
}

// --- the buffer ----------------------------------------------------------------

void sb_bytes(strbuf *b, const char *bytes, size_t n) {
    if (n == 0) return;
    if (n > SIZE_MAX - b->len) abort();
    size_t need = b->len + n;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        b->ptr = xrealloc(b->ptr, cap);
        b->cap = cap;
    }
    memcpy(b->ptr + b->len, bytes, n);
    b->len = need;
}

void sb_view(strbuf *b, str_view s) { sb_bytes(b, s.ptr, s.len); }
void sb_str(strbuf *b, const char *s) { sb_bytes(b, s, strlen(s)); }
void sb_char(strbuf *b, char c) { sb_bytes(b, &c, 1); }

void sb_u64(strbuf *b, uint64_t v) {
    char digits[20];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sb_bytes(b, digits + sizeof digits - n, n);
}

void sb_i64(strbuf *b, int64_t v) {
    if (v < 0) {
        sb_char(b, '-');
        sb_u64(b, 0 - (uint64_t)v); // well-defined for INT64_MIN too
    } else {
        sb_u64(b, (uint64_t)v);
    }
}

str_view sb_as_view(const strbuf *b) { return (str_view){b->ptr, b->len}; }

lead_definition_string_t sb_take(strbuf *b) {
    lead_definition_string_t s = {NULL, 0};
    if (b->len > 0) {
        // Shrink to fit: the host frees it through `cabi_post_qualify`.
        s.ptr = xrealloc(b->ptr, b->len);
        s.len = b->len;
    } else {
        free(b->ptr);
    }
    *b = (strbuf)STRBUF_INIT;
    return s;
}

void sb_free(strbuf *b) {
    free(b->ptr);
    *b = (strbuf)STRBUF_INIT;
}

lead_definition_string_t cm_dup(str_view s) {
    strbuf b = STRBUF_INIT;
    sb_view(&b, s);
    return sb_take(&b);
}
