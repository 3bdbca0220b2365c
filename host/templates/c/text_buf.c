#include "text_buf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void text_bytes(text *t, const void *bytes, size_t n) {
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        while (cap < t->len + n) cap *= 2;
        char *grown = realloc(t->ptr, cap);
        if (!grown) __builtin_trap(); // out of memory: the host records a trap
        t->ptr = grown;
        t->cap = cap;
    }
    if (n) memcpy(t->ptr + t->len, bytes, n);
    t->len += n;
}

void text_str(text *t, const char *s) { text_bytes(t, s, strlen(s)); }

void text_wit(text *t, const {{world_snake}}_string_t *s) { text_bytes(t, s->ptr, s->len); }

void text_uint(text *t, uint64_t n) {
    char digits[20];
    size_t i = sizeof digits;
    do {
        digits[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    text_bytes(t, digits + i, sizeof digits - i);
}

void text_whole(text *t, double x) {
    double whole = nearbyint(x); // the default rounding mode: halves to even
    if (whole < 0) {
        text_bytes(t, "-", 1);
        whole = -whole;
    }
    text_uint(t, whole < 18446744073709551616.0 ? (uint64_t)whole : UINT64_MAX);
}

{{world_snake}}_string_t text_take(text *t) {
    // An empty WIT string is never freed by the host: release ours now.
    if (t->len == 0) free(t->ptr);
    {{world_snake}}_string_t s = {(uint8_t *)(t->len ? t->ptr : NULL), t->len};
    *t = TEXT_INIT;
    return s;
}
