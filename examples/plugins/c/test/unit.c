// Native unit tests of the qualifier's C code (no Wasm): the Rust look-alike
// helpers against values Rust prints, and whole `qualify` calls through the
// generated export, so a sanitizer build (test.sh uses -fsanitize=address,
// undefined where the compiler has it) also checks every allocation is freed.
//
// Usage: unit               the fixed cases and whole calls
//        unit REFERENCE     only the lines of REFERENCE (made by reference.rs)
// Closes with `N passed, M failed`.
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lead_definition.h"
#include "rustfmt.h"

static size_t passed, failed;

static void check_view(const char *what, str_view want, strbuf *got) {
    if (sv_eq(sb_as_view(got), want)) {
        passed++;
    } else if (failed++ < 20) {
        printf("FAIL %s: want %.*s, got %.*s\n", what, (int)want.len, want.ptr, (int)got->len, got->ptr);
    }
    sb_free(got);
}

static void check_text(const char *what, const char *want, strbuf *got) { check_view(what, sv_lit(want), got); }

static void format_case(double v, const char *want) {
    strbuf b = STRBUF_INIT;
    sb_f64(&b, v);
    check_text("format", want, &b);
}

// want: "ERR", "NaN" or the value's Display.
static void parse_case(const char *text, const char *want) {
    double v;
    strbuf b = STRBUF_INIT;
    if (!rust_parse_f64(sv_trim(sv_lit(text)), &v)) {
        sb_str(&b, "ERR");
    } else {
        sb_f64(&b, v);
    }
    check_text(text, want, &b);
}

static void lower_case(const char *text, const char *want) {
    strbuf lowered = STRBUF_INIT, b = STRBUF_INIT;
    sb_lower(&lowered, sv_lit(text));
    sb_view(&b, sv_trim(sb_as_view(&lowered)));
    sb_free(&lowered);
    check_text(text, want, &b);
}

static void debug_case(const char *text, const char *want) {
    strbuf b = STRBUF_INIT;
    sb_debug_str(&b, sv_lit(text));
    check_text(text, want, &b);
}

static void fixed_cases(void) {
    // What Rust's `{}` prints for these f64s.
    format_case(0.0, "0");
    format_case(-0.0, "-0");
    format_case(60000.0, "60000");
    format_case(12345.5, "12345.5");
    format_case(0.1, "0.1");
    format_case(0.1 + 0.2, "0.30000000000000004");
    format_case(1e21, "1000000000000000000000");
    format_case(1e-7, "0.0000001");
    char smallest[400] = "0."; // 5e-324: 323 zeros after the point, then 5
    memset(smallest + 2, '0', 323);
    strcpy(smallest + 325, "5");
    format_case(5e-324, smallest);
    format_case(1727087560479346.25, "1727087560479346.3"); // a tie: Rust rounds up
    format_case(9007199254740993.0, "9007199254740992");
    format_case(NAN, "NaN");
    format_case(-INFINITY, "-inf");
    // Rust's `str::parse::<f64>` after `trim`.
    parse_case(" 25000 ", "25000");
    parse_case("\xc2\xa0" "42" "\xe3\x80\x80", "42"); // NBSP and ideographic space trim too
    parse_case("1e2", "100");
    parse_case(".5", "0.5");
    parse_case("5.", "5");
    parse_case("+7", "7");
    parse_case("-0", "-0");
    parse_case("INF", "inf");
    parse_case("-Infinity", "-inf");
    parse_case("nan", "NaN");
    parse_case("1e400", "inf");
    parse_case("1e-400", "0");
    parse_case("2.4703282292062328e-324", smallest); // just above half the smallest subnormal
    parse_case("", "ERR");
    parse_case(".", "ERR");
    parse_case("1e", "ERR");
    parse_case("0x10", "ERR");
    parse_case("1_000", "ERR");
    parse_case("lots", "ERR");
    parse_case("nan(1)", "ERR");
    // Rust's `to_lowercase` then `trim`.
    lower_case("  Sales.Rival.EXAMPLE\t", "sales.rival.example");
    lower_case("\xc3\x89" "COLE.fr", "\xc3\xa9" "cole.fr");                         // ÉCOLE
    lower_case("\xce\xa3\xce\x9f\xce\xa6\xce\x9f\xce\xa3", "\xcf\x83\xce\xbf\xcf\x86\xce\xbf\xcf\x82"); // ΣΟΦΟΣ: final sigma
    lower_case("\xc4\xb0", "i\xcc\x87");                                            // İ -> i + combining dot
    // Rust's `{:?}` of a str.
    debug_case("lots", "\"lots\"");
    debug_case("tab\t\"q\" back\\slash", "\"tab\\t\\\"q\\\" back\\\\slash\"");
    debug_case("\x1b[0m\x7f", "\"\\u{1b}[0m\\u{7f}\"");
    debug_case("nbsp\xc2\xa0\xc3\xa9", "\"nbsp\\u{a0}\xc3\xa9\"");
}

// --- whole calls -------------------------------------------------------------------

static lead_definition_string_t owned(const char *s) {
    lead_definition_string_t r;
    lead_definition_string_dup(&r, s);
    return r;
}

// Builds an input the way the canonical ABI hands it over (all heap, owned
// by the callee), calls the export and frees the answer as post-return does.
static void call_case(const char *domain, double budget, const char *config_key, const char *config_text,
                      const char *want_first_reason) {
    lead_definition_qualify_input_t input;
    memset(&input, 0, sizeof input);
    input.lead.id = owned("lead-1");
    input.lead.email = owned("dana@northwind.example");
    if (domain) input.lead.domain = (lead_definition_option_string_t){true, owned(domain)};
    input.lead.budget = (lead_definition_option_f64_t){true, budget};
    input.lead.authority = (leadhost_plugin_types_option_authority_t){true, LEADHOST_PLUGIN_TYPES_AUTHORITY_DECISION_MAKER};
    input.lead.need = (leadhost_plugin_types_option_need_t){true, LEADHOST_PLUGIN_TYPES_NEED_HIGH};
    input.lead.timeline_days = (lead_definition_option_u32_t){true, 45};
    input.lead.created_at = 1000LL * 86400000;
    input.now = 1010LL * 86400000;
    input.activities.len = 2;
    input.activities.ptr = malloc(2 * sizeof *input.activities.ptr);
    for (size_t i = 0; i < 2; i++) {
        input.activities.ptr[i].kind = LEADHOST_PLUGIN_TYPES_ACTIVITY_KIND_WEBINAR;
        input.activities.ptr[i].at = input.now - (int64_t)i * 86400000;
        input.activities.ptr[i].detail = owned("webinar");
    }
    if (config_key) {
        input.config.len = 1;
        input.config.ptr = malloc(sizeof *input.config.ptr);
        input.config.ptr[0].name = owned(config_key);
        input.config.ptr[0].value.tag = LEADHOST_PLUGIN_TYPES_SCALAR_TEXT;
        input.config.ptr[0].value.val.text = owned(config_text);
    }
    lead_definition_qualification_t answer;
    lead_definition_string_t error;
    if (exports_lead_definition_qualify(&input, &answer, &error)) {
        strbuf got = STRBUF_INIT;
        if (answer.reasons.len > 0) sb_view(&got, sv_of(&answer.reasons.ptr[0]));
        check_text("first reason", want_first_reason, &got);
        lead_definition_qualification_free(&answer);
    } else {
        strbuf got = STRBUF_INIT;
        sb_view(&got, sv_of(&error));
        check_text("refusal", want_first_reason, &got);
        lead_definition_string_free(&error);
    }
}

static void call_cases(void) {
    call_case("northwind.example", 60000, NULL, NULL, "sales-ready: score 100 of 70 needed, 4 of 4 BANT criteria met");
    call_case("Sales.Rival.Example ", 60000, "competitor-domains", "other.example, RIVAL.example",
              "discard: sales.rival.example belongs to competitor rival.example");
    call_case(NULL, 500.25, "min-budget", " 1e3 ", "sales-ready: score 81 of 70 needed, 3 of 4 BANT criteria met");
    call_case(NULL, 60000, "min-budget", "lots", "config `min-budget` = Scalar::Text(\"lots\"): expected a number");
    call_case(NULL, 60000, "required-criteria", "2.5", "config `required-criteria` = 2.5: expected a whole number from 0 to 4");
}

// The generated bindings call this import only if the plug-in logs; it does not.
void __wasm_import_leadhost_plugin_log_log(int32_t level, uint8_t *message, size_t len);
void __wasm_import_leadhost_plugin_log_log(int32_t level, uint8_t *message, size_t len) {
    (void)level, (void)message, (void)len;
}

// --- reference lines from reference.rs --------------------------------------------

static size_t unhex(const char *hex, char *out, size_t cap) {
    size_t n = 0;
    for (; hex[0] && hex[0] != ' ' && hex[0] != '\n' && hex[1] && n < cap; hex += 2) {
        unsigned byte;
        if (sscanf(hex, "%2x", &byte) != 1) break;
        out[n++] = (char)byte;
    }
    return n;
}

static void reference_cases(const char *path) {
    FILE *file = fopen(path, "r");
    if (!file) {
        printf("FAIL cannot read %s\n", path);
        failed++;
        return;
    }
    static char line[8192], text[4096], want[4096];
    while (fgets(line, sizeof line, file)) {
        const char *arg = line + 2, *second = strchr(arg, ' ');
        if (!second) continue;
        second++;
        size_t n = unhex(arg, text, sizeof text), wn = unhex(second, want, sizeof want - 1);
        want[wn] = '\0';
        str_view s = {text, n};
        strbuf got = STRBUF_INIT;
        if (line[0] == 'F') { // F <f64 bits hex> <Display hex>
            uint64_t bits = strtoull(arg, NULL, 16);
            double v;
            memcpy(&v, &bits, sizeof v);
            sb_f64(&got, v);
        } else if (line[0] == 'P') { // P <text hex> <hex of: bits as hex, ERR or NAN>
            double v;
            if (!rust_parse_f64(sv_trim(s), &v)) {
                sb_str(&got, "ERR");
            } else if (isnan(v)) {
                sb_str(&got, "NAN");
            } else {
                uint64_t bits;
                memcpy(&bits, &v, sizeof bits);
                char hex[17];
                snprintf(hex, sizeof hex, "%016" PRIx64, bits);
                sb_str(&got, hex);
            }
        } else if (line[0] == 'L') { // L <text hex> <lower-cased and trimmed hex>
            strbuf lowered = STRBUF_INIT;
            sb_lower(&lowered, s);
            sb_view(&got, sv_trim(sb_as_view(&lowered)));
            sb_free(&lowered);
        } else if (line[0] == 'D') { // D <text hex> <Debug hex>
            sb_debug_str(&got, s);
        } else {
            continue;
        }
        char what[64];
        snprintf(what, sizeof what, "reference %c %.40s", line[0], arg);
        check_view(what, (str_view){want, wn}, &got);
    }
    fclose(file);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        reference_cases(argv[1]);
    } else {
        fixed_cases();
        call_cases();
    }
    printf("%zu passed, %zu failed\n", passed, failed);
    return failed ? 1 : 0;
}
