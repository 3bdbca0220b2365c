// Strings for the qualifier: borrowed views, a growable buffer that checks
// every length it adds, and the few Unicode rules the Rust plug-in applies
// (trim, lower-case). Allocation failure traps (like Rust's `handle_alloc_error`).
#ifndef C_QUALIFIER_TEXT_H
#define C_QUALIFIER_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lead_definition.h"

/// A borrowed run of UTF-8 bytes (not NUL-terminated).
typedef struct str_view {
    const char *ptr;
    size_t len;
} str_view;

/// A view of a component-model string (still owned by the input).
str_view sv_of(const lead_definition_string_t *s);
/// A view of a NUL-terminated literal.
str_view sv_lit(const char *s);
bool sv_eq(str_view a, str_view b);
bool sv_ends_with(str_view s, str_view suffix);
/// Rust's `str::trim`: strips Unicode White_Space from both ends.
str_view sv_trim(str_view s);

/// A growable, heap-allocated byte buffer. Zero-initialise it (`STRBUF_INIT`).
typedef struct strbuf {
    char *ptr;
    size_t len;
    size_t cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

void sb_bytes(strbuf *b, const char *bytes, size_t n);
void sb_view(strbuf *b, str_view s);
void sb_str(strbuf *b, const char *s);
void sb_char(strbuf *b, char c);
void sb_i64(strbuf *b, int64_t v);
void sb_u64(strbuf *b, uint64_t v);
/// Appends `s` lower-cased as Rust's `str::to_lowercase` does for Latin,
/// Greek and Cyrillic letters (other code points are copied unchanged).
void sb_lower(strbuf *b, str_view s);
str_view sb_as_view(const strbuf *b);
/// Hands the bytes over as a component-model string the caller now owns
/// (empty: no allocation) and leaves `b` empty.
lead_definition_string_t sb_take(strbuf *b);
void sb_free(strbuf *b);

/// A heap copy of `s` as a component-model string (empty: no allocation).
lead_definition_string_t cm_dup(str_view s);

/// malloc/realloc that trap instead of returning NULL; `xmul` traps on overflow.
void *xrealloc(void *ptr, size_t size);
size_t xmul(size_t a, size_t b);

#endif
