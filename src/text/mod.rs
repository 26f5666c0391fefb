//! Text and number formatting that reproduces CPython 3.11 byte for byte.
//!
//! Nothing here depends on the interpreter's object model: inputs are primitive
//! Rust types and `num_bigint::BigInt`, errors are [`FormatError`] values that
//! carry the Python exception class and CPython's exact message.

mod case_tables;
pub mod float_ops;
pub mod float_repr;
pub mod format_spec;
pub mod number_parse;
pub mod printf;
pub mod search;
pub mod unclosed_field;
mod unicode_tables;

pub use float_ops::{
    bigint_to_f64, cmp_int_float, float_divmod, float_floordiv, float_mod, float_pow,
    float_to_bigint, int_true_div, round_float, RoundResult,
};
pub use float_repr::float_repr;
pub use format_spec::{format_float, format_int, format_str, FormatSpec};
pub use number_parse::{int_to_base, int_to_str, parse_float, parse_int, IntValue};
pub use printf::{printf_format, PrintfArg};

use std::fmt;

/// The Python exception class a [`FormatError`] stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// `ValueError`
    ValueError,
    /// `TypeError`
    TypeError,
    /// `OverflowError`
    OverflowError,
    /// `ZeroDivisionError`
    ZeroDivisionError,
    /// `MemoryError` (aio refuses results longer than [`MAX_OUTPUT_CHARS`]).
    MemoryError,
    /// CPython would return a complex number here (a negative float to a fractional
    /// power); the caller computes it.
    Unsupported,
}

/// An error with CPython's exception class and exact message text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    /// Which Python exception to raise.
    pub kind: ErrorKind,
    /// The message, exactly as CPython 3.11 words it.
    pub msg: String,
}

impl FormatError {
    /// A `ValueError` with the given message.
    pub fn value(msg: impl Into<String>) -> Self {
        FormatError {
            kind: ErrorKind::ValueError,
            msg: msg.into(),
        }
    }
    /// A `TypeError` with the given message.
    pub fn type_error(msg: impl Into<String>) -> Self {
        FormatError {
            kind: ErrorKind::TypeError,
            msg: msg.into(),
        }
    }
    /// An `OverflowError` with the given message.
    pub fn overflow(msg: impl Into<String>) -> Self {
        FormatError {
            kind: ErrorKind::OverflowError,
            msg: msg.into(),
        }
    }
    /// A `ZeroDivisionError` with the given message.
    pub fn zero_div(msg: impl Into<String>) -> Self {
        FormatError {
            kind: ErrorKind::ZeroDivisionError,
            msg: msg.into(),
        }
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.kind {
            ErrorKind::ValueError => "ValueError",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::OverflowError => "OverflowError",
            ErrorKind::ZeroDivisionError => "ZeroDivisionError",
            ErrorKind::MemoryError => "MemoryError",
            ErrorKind::Unsupported => "NotImplementedError",
        };
        write!(f, "{}: {}", name, self.msg)
    }
}

impl std::error::Error for FormatError {}

/// Widths beyond this many characters give `MemoryError` instead of aborting
/// the process on a failed allocation (CPython also raises `MemoryError` there).
pub const MAX_OUTPUT_CHARS: usize = 1 << 32;

/// `Err(MemoryError)` when a requested field width exceeds [`MAX_OUTPUT_CHARS`].
pub(crate) fn check_width(width: usize) -> Result<(), FormatError> {
    if width > MAX_OUTPUT_CHARS {
        return Err(FormatError {
            kind: ErrorKind::MemoryError,
            msg: String::new(),
        });
    }
    Ok(())
}

/// `str.isspace()` for one character (CPython's `Py_UNICODE_ISSPACE`).
pub fn is_space(c: char) -> bool {
    unicode_tables::WHITESPACE
        .binary_search(&(c as u32))
        .is_ok()
}

/// The decimal value of a Unicode decimal digit (CPython's `Py_UNICODE_TODECIMAL`).
pub fn decimal_value(c: char) -> Option<u32> {
    let cp = c as u32;
    if c.is_ascii_digit() {
        return Some(cp - '0' as u32);
    }
    let zeros = unicode_tables::DECIMAL_ZEROS;
    let idx = match zeros.binary_search(&cp) {
        Ok(i) => i,
        Err(0) => return None,
        Err(i) => i - 1,
    };
    let zero = zeros.get(idx)?;
    let off = cp - zero;
    (off < 10).then_some(off)
}

/// `str.casefold()`: full case folding, so `"ß"` and `"ẞ"` both fold to `"ss"`.
pub fn casefold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match exception(case_tables::CASEFOLD_EXCEPTIONS, c) {
            Some(folded) => out.push_str(folded),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Appends the title case of `c` (`"ß"` → `"Ss"`, `"ǆ"` → `"ǅ"`), as `str.title()` does.
pub fn push_titlecase(out: &mut String, c: char) {
    match exception(case_tables::TITLECASE_EXCEPTIONS, c) {
        Some(title) => out.push_str(title),
        None => out.extend(c.to_uppercase()),
    }
}

/// Appends the lower case of `c`, found at byte `i` of `s`: a capital sigma that ends a word
/// becomes 'ς' (Unicode's Final_Sigma context, which CPython and `str::to_lowercase` apply).
pub fn push_lowercase_in(out: &mut String, s: &str, i: usize, c: char) {
    if c != 'Σ' {
        out.extend(c.to_lowercase());
        return;
    }
    // Let `str::to_lowercase` judge the context, on a few neighbouring characters: the rule
    // looks past case-ignorable ones (marks, apostrophes...) to the nearest letter.
    const REACH: usize = 64;
    let stop = |c: char| c.is_alphanumeric() || c.is_whitespace();
    let after = i + 'Σ'.len_utf8();
    let mut start = i;
    for (j, p) in s[..i].char_indices().rev().take(REACH) {
        start = j;
        if stop(p) {
            break;
        }
    }
    let mut end = after;
    for (j, n) in s[after..].char_indices().take(REACH) {
        end = after + j + n.len_utf8();
        if stop(n) {
            break;
        }
    }
    let preceded = s[start..after].to_lowercase().ends_with('ς');
    let not_followed = format!("aΣ{}", &s[after..end])
        .to_lowercase()
        .starts_with("aς");
    out.push(if preceded && not_followed { 'ς' } else { 'σ' });
}

fn exception(table: &'static [(char, &'static str)], c: char) -> Option<&'static str> {
    table
        .binary_search_by_key(&c, |&(k, _)| k)
        .ok()
        .map(|i| table[i].1)
}

/// `str.isprintable()` for one character (CPython's `Py_UNICODE_ISPRINTABLE`).
pub fn is_printable(c: char) -> bool {
    let cp = c as u32;
    let table = unicode_tables::NON_PRINTABLE;
    let idx = table.partition_point(|&(lo, _)| lo <= cp);
    match idx.checked_sub(1).and_then(|i| table.get(i)) {
        Some(&(lo, hi)) => !(lo <= cp && cp <= hi),
        None => true,
    }
}

fn push_escape(out: &mut String, cp: u32) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = if cp <= 0xff {
        write!(out, "\\x{:02x}", cp)
    } else if cp <= 0xffff {
        write!(out, "\\u{:04x}", cp)
    } else {
        write!(out, "\\U{:08x}", cp)
    };
}

/// `repr(s)` for a Python `str` (quote choice and escapes exactly as CPython).
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => push_escape(&mut out, c as u32),
            c if c.is_ascii() || is_printable(c) => out.push(c),
            c => push_escape(&mut out, c as u32),
        }
    }
    out.push(quote);
    out
}

/// `ascii(obj)` given `repr(obj)`: escapes every non-ASCII character as CPython does.
pub fn ascii_escape(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            push_escape(&mut out, c as u32);
        }
    }
    out
}

/// `"%.200R"`-style truncation: the first `n` characters of `s`.
pub(crate) fn truncate_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_of_strings() {
        let cases: &[(&str, &str)] = &[
            ("abc", "'abc'"),
            ("a'b", "\"a'b\""),
            ("a'b\"", "'a\\'b\"'"),
            ("a\"b", "'a\"b'"),
            ("\n\t\r\\", "'\\n\\t\\r\\\\'"),
            ("\x00\x1f\x7f\u{80}\u{a0}é", "'\\x00\\x1f\\x7f\\x80\\xa0é'"),
            (
                "\u{200b}\u{2028}ア\u{e000}\u{10ffff}😀",
                "'\\u200b\\u2028ア\\ue000\\U0010ffff😀'",
            ),
            ("", "''"),
        ];
        for (s, r) in cases {
            assert_eq!(&str_repr(s), r, "repr of {:?}", s);
        }
        assert_eq!(ascii_escape("'é😀\u{100}'"), "'\\xe9\\U0001f600\\u0100'");
    }

    #[test]
    fn unicode_predicates() {
        assert!(is_space(' ') && is_space('\u{1c}') && is_space('\u{3000}') && is_space('\u{85}'));
        assert!(!is_space('a') && !is_space('\u{200b}'));
        assert_eq!(decimal_value('٣'), Some(3));
        assert_eq!(decimal_value('7'), Some(7));
        assert_eq!(decimal_value('𝟡'), Some(9));
        assert_eq!(decimal_value('a'), None);
        assert_eq!(decimal_value('²'), None);
        assert!(is_printable('a') && !is_printable('\u{ad}') && is_printable(' '));
    }
}

#[cfg(test)]
mod no_panic_tests {
    //! Random inputs must never panic, whatever they return.
    use super::*;
    use num_bigint::BigInt;

    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
        fn string(&mut self, alphabet: &[char], max_len: u64) -> String {
            let len = self.next() % (max_len + 1);
            (0..len)
                .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize])
                .collect()
        }
    }

    struct Arg(i64);
    impl PrintfArg for Arg {
        fn as_str(&self) -> Result<String, FormatError> {
            Ok(self.0.to_string())
        }
        fn as_repr(&self) -> Result<String, FormatError> {
            Ok(self.0.to_string())
        }
        fn as_int(&self) -> Result<BigInt, FormatError> {
            Ok(BigInt::from(self.0))
        }
        fn as_float(&self) -> Result<f64, FormatError> {
            Ok(self.0 as f64)
        }
        fn type_name(&self) -> String {
            "int".to_string()
        }
    }

    #[test]
    fn random_inputs_do_not_panic() {
        let spec_chars: Vec<char> = "<>=^+- z#0123456789,_.bcdeEfFgGnosxX%é\u{0}*("
            .chars()
            .collect();
        let num_chars: Vec<char> = " \t-+_0123456789.eExXoObBjJinfatyINFAT\u{663}\u{3000}é"
            .chars()
            .collect();
        let fmt_chars: Vec<char> = "%()-+ #0123456789.*hlLsrdiuoxXeEfFgGcay%é"
            .chars()
            .collect();
        let mut rng = Lcg(12345);
        let ints = [
            BigInt::from(0),
            BigInt::from(-7),
            BigInt::from(1u64 << 63) * 3,
        ];
        let floats = [
            0.0,
            -0.0,
            1.5,
            -2.5e-300,
            1e300,
            f64::NAN,
            f64::INFINITY,
            5e-324,
        ];
        let args = [Arg(1), Arg(-5), Arg(0x41)];
        let refs: Vec<&dyn PrintfArg> = args.iter().map(|a| a as &dyn PrintfArg).collect();
        for _ in 0..20000 {
            let spec = rng.string(&spec_chars, 8);
            for v in &ints {
                let _ = format_int(v, &spec);
            }
            for &x in &floats {
                let _ = format_float(x, &spec);
            }
            let _ = format_str("héllo", &spec);
            let text = rng.string(&num_chars, 12);
            let _ = parse_float(&text);
            for base in [0, 2, 8, 10, 16, 36, 1, 40] {
                let _ = parse_int(&text, base);
            }
            let fmt = rng.string(&fmt_chars, 10);
            let n = (rng.next() % 4) as usize;
            let _ = printf_format(&fmt, &refs[..n.min(refs.len())], None);
        }
        for &x in &floats {
            for &y in &floats {
                let _ = float_pow(x, y);
                let _ = float_divmod(x, y);
                let _ = float_floordiv(x, y);
                let _ = float_mod(x, y);
            }
            for nd in [-400, -308, -1, 0, 1, 17, 323, 400, i64::MIN, i64::MAX] {
                let _ = round_float(x, Some(nd));
            }
            let _ = round_float(x, None);
        }
    }
}
