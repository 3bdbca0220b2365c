// Building the strings an answer returns, without stdio: printf and friends
// pull in wasi-libc's I/O, which imports WASI, which the host refuses.
#ifndef TEXT_BUF_H
#define TEXT_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "{{world_snake}}.h"

// A growing string on the heap; `TEXT_INIT` is the empty one.
typedef struct {
    char *ptr;
    size_t len, cap;
} text;
#define TEXT_INIT ((text){NULL, 0, 0})

// Appends a NUL-terminated string.
void text_str(text *t, const char *s);
// Appends a WIT string (not NUL-terminated).
void text_wit(text *t, const {{world_snake}}_string_t *s);
// Appends an unsigned integer in decimal.
void text_uint(text *t, uint64_t n);
// Appends `x` rounded to a whole number (halves to even), as Rust's `{:.0}`.
void text_whole(text *t, double x);
// Moves the text into a WIT string, which the host frees after the call.
{{world_snake}}_string_t text_take(text *t);

#endif
