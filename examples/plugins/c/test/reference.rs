//! Reference lines for unit.c: what Rust prints and parses, on random and
//! tricky values. Built and run by test.sh when rustc is on PATH.
//!
//! Lines (every field after the kind is hex-encoded UTF-8 or f64 bits):
//!   F <f64 bits> <`{}`>          P <text> <`trim().parse::<f64>()`: bits, ERR or NAN>
//!   L <text> <`to_lowercase().trim()`>   D <text> <`{:?}`>
use std::io::Write;

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The exact decimal digits of a positive f64 (D, k): value = D x 10^k.
fn exact(v: f64) -> (Vec<u8>, i64) {
    let s = format!("{v:.1200e}");
    let (mantissa, exponent) = s.split_once('e').unwrap();
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
    let k = exponent.parse::<i64>().unwrap() - (digits.len() as i64 - 1);
    (digits, k)
}

/// The exact sum of two positive f64s, as decimal text.
fn exact_sum(a: f64, b: f64) -> String {
    let (a, b) = (exact(a), exact(b));
    let k = a.1.min(b.1);
    let widen = |(mut d, e): (Vec<u8>, i64)| {
        d.extend(std::iter::repeat_n(0, (e - k) as usize));
        d
    };
    let (mut x, mut y) = (widen(a), widen(b));
    let n = x.len().max(y.len()) + 1;
    x.splice(0..0, std::iter::repeat_n(0, n - x.len()));
    y.splice(0..0, std::iter::repeat_n(0, n - y.len()));
    let (mut carry, mut sum) = (0, vec![0u8; n]);
    for i in (0..n).rev() {
        let s = x[i] + y[i] + carry;
        sum[i] = s % 10;
        carry = s / 10;
    }
    let text: String = sum.iter().map(|d| char::from(b'0' + d)).collect();
    format!("{}e{k}", text.trim_start_matches('0'))
}

fn main() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let out = std::io::stdout();
    let mut out = out.lock();
    // Formatting: random bit patterns, money-like values, ties near 2^50.
    for i in 0..30_000 {
        let v = match i % 4 {
            0 => f64::from_bits(next()),
            1 => (next() % 10_000_000) as f64 / 100.0,
            2 => (next() % (1 << 53)) as f64 * 2f64.powi((next() % 70) as i32 - 62),
            _ => f64::from_bits((next() & 0x000F_FFFF_FFFF_FFFF) | ((next() % 2047) << 52)),
        };
        if v.is_finite() {
            writeln!(out, "F {:016x} {}", v.to_bits(), hex(&v.to_string())).unwrap();
        }
    }
    // Parsing: grammar pieces, long and near-tie digit strings, exact midpoints.
    let pieces = ["0", "1", "5", "9", ".", "e", "E", "+", "-", " ", "\t", "\u{a0}", "inf", "nan", "x", "_", "1e400", "123456789012345678901234"];
    let mut texts: Vec<String> = Vec::new();
    for _ in 0..20_000 {
        let n = next() % 6 + 1;
        texts.push((0..n).map(|_| pieces[(next() % pieces.len() as u64) as usize]).collect());
        let v = f64::from_bits(next() & 0x7FEF_FFFF_FFFF_FFFF);
        texts.push(format!("{:.*e}", (next() % 25 + 10) as usize, v));
    }
    for _ in 0..2_000 {
        let bits = next() & 0x7FEF_FFFF_FFFF_FFFF;
        let (v, w) = (f64::from_bits(bits), f64::from_bits(bits + 1));
        let half = (w - v) / 2.0;
        if v > 0.0 && half > 0.0 && half * 2.0 == w - v {
            texts.push(exact_sum(v, half));
        }
    }
    for text in &texts {
        let parsed = match text.trim().parse::<f64>() {
            Ok(v) if v.is_nan() => "NAN".to_string(),
            Ok(v) => format!("{:016x}", v.to_bits()),
            Err(_) => "ERR".to_string(),
        };
        writeln!(out, "P {} {}", hex(text), hex(&parsed)).unwrap();
    }
    // Lower-casing (+ trim) and Debug on Latin, Greek, Cyrillic, controls, marks.
    let chars = [
        "A", "z", "É", "é", "Ä", "İ", "ı", "Ÿ", "Ĺ", "Ω", "Σ", "Ж", "Ё", "\u{301}", "\u{a0}", " ", "\t", "\0", "\u{1b}",
        "\u{7f}", "\u{85}", "\u{ad}", "\u{200b}", "\u{fe0f}", "\"", "\\", "'", "\n", "ß", "Ⅻ", "Ａ", "😀", "\u{e000}", ".",
    ];
    for _ in 0..10_000 {
        let n = next() % 6 + 1;
        let text: String = (0..n).map(|_| chars[(next() % chars.len() as u64) as usize]).collect();
        writeln!(out, "L {} {}", hex(&text), hex(text.to_lowercase().trim())).unwrap();
        writeln!(out, "D {} {}", hex(&text), hex(&format!("{text:?}"))).unwrap();
    }
}
