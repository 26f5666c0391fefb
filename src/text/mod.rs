//! Text and number formatting that reproduces CPython 3.11 byte for byte.
//!
//! Nothing here depends on the interpreter's object model: inputs are primitive
//! Rust types and `num_bigint::BigInt`, errors are [`FormatError`] values that
//! carry the Python exception class and CPython's exact message.

pub mod float_ops;
pub mod float_repr;
pub mod format_spec;
pub mod number_parse;
pub mod printf;
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
    /// CPython would return a complex number here; the caller raises
    /// `NotImplementedError("complex numbers are not supported")`.
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
            ErrorKind::Unsupported => "NotImplementedError",
        };
        write!(f, "{}: {}", name, self.msg)
    }
}

impl std::error::Error for FormatError {}

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
