//! `int(str, base)`, `float(str)`, `str(int)` and `bin/oct/hex` with CPython 3.11's
//! exact syntax rules, error messages and the 4300-digit conversion limit.

use super::{decimal_value, is_space, str_repr, truncate_chars, FormatError};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};

/// CPython 3.11's default `sys.get_int_max_str_digits()`.
pub const INT_MAX_STR_DIGITS: usize = 4300;

/// Result of [`parse_int`]: an `i64` when it fits, else a `BigInt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntValue {
    /// Fits in an `i64`.
    Small(i64),
    /// Does not fit in an `i64`.
    Big(BigInt),
}

impl IntValue {
    /// The value as a `BigInt`, whichever variant holds it.
    pub fn to_bigint(&self) -> BigInt {
        match self {
            IntValue::Small(v) => BigInt::from(*v),
            IntValue::Big(b) => b.clone(),
        }
    }
}

/// `_PyUnicode_TransformDecimalAndSpaceToASCII`: Unicode digits become ASCII
/// digits, Unicode spaces become ' ', and the first other non-ASCII character
/// becomes '?' and ends the string.
fn to_ascii(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else if is_space(c) {
            out.push(b' ');
        } else if let Some(d) = decimal_value(c) {
            out.push(b'0' + d as u8);
        } else {
            out.push(b'?');
            break;
        }
    }
    out
}

/// C's `isspace` in the "C" locale, as CPython's `Py_ISSPACE`.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn digit_value(b: u8) -> u32 {
    match b {
        b'0'..=b'9' => (b - b'0') as u32,
        b'a'..=b'z' => (b - b'a') as u32 + 10,
        b'A'..=b'Z' => (b - b'A') as u32 + 10,
        _ => 37,
    }
}

/// `int(s, base)` for a `str` argument: whitespace, sign, `_` between digits,
/// prefixes (`0x`, `0o`, `0b`) for base 0 or the matching base, and the 4300-digit limit.
pub fn parse_int(s: &str, base: u32) -> Result<IntValue, FormatError> {
    if base != 0 && !(2..=36).contains(&base) {
        return Err(FormatError::value(
            "int() base must be >= 2 and <= 36, or 0",
        ));
    }
    let invalid = || {
        let r = str_repr(s);
        FormatError::value(format!(
            "invalid literal for int() with base {}: {}",
            base,
            truncate_chars(&r, 200)
        ))
    };
    let buf = to_ascii(s);
    let at = |i: usize| buf.get(i).copied().unwrap_or(0);
    let mut p = 0;
    while is_c_space(at(p)) {
        p += 1;
    }
    let mut negative = false;
    if at(p) == b'+' {
        p += 1;
    } else if at(p) == b'-' {
        negative = true;
        p += 1;
    }
    let mut b = base;
    let mut error_if_nonzero = false;
    if b == 0 {
        b = if at(p) != b'0' {
            10
        } else {
            match at(p + 1) {
                b'x' | b'X' => 16,
                b'o' | b'O' => 8,
                b'b' | b'B' => 2,
                _ => {
                    error_if_nonzero = true;
                    10
                }
            }
        };
    }
    if at(p) == b'0'
        && matches!(
            (b, at(p + 1)),
            (16, b'x' | b'X') | (8, b'o' | b'O') | (2, b'b' | b'B')
        )
    {
        p += 2;
        if at(p) == b'_' {
            p += 1;
        }
    }
    if at(p) == b'_' {
        return Err(invalid());
    }
    let start = p;
    let mut digits = String::new();
    let mut prev = 0u8;
    while p < buf.len() && (digit_value(at(p)) < b || at(p) == b'_') {
        let c = at(p);
        if c == b'_' {
            if prev == b'_' {
                return Err(invalid());
            }
        } else {
            digits.push(c as char);
        }
        prev = c;
        p += 1;
    }
    if prev == b'_' {
        return Err(invalid());
    }
    let limit = crate::modules::sys::int_max_str_digits();
    if !b.is_power_of_two() && limit > 0 && digits.len() > limit {
        return Err(FormatError::value(format!(
            "Exceeds the limit ({} digits) for integer string conversion: value has {} digits; \
             use sys.set_int_max_str_digits() to increase the limit",
            limit,
            digits.len()
        )));
    }
    if p == start {
        return Err(invalid());
    }
    while is_c_space(at(p)) && p < buf.len() {
        p += 1;
    }
    if p != buf.len() {
        return Err(invalid());
    }
    let magnitude = if digits.len() <= 12 {
        match i64::from_str_radix(&digits, b) {
            Ok(v) => BigInt::from(v),
            Err(_) => return Err(invalid()),
        }
    } else {
        BigInt::parse_bytes(digits.as_bytes(), b).ok_or_else(invalid)?
    };
    if error_if_nonzero && !magnitude.is_zero() {
        return Err(invalid());
    }
    let v = if negative { -magnitude } else { magnitude };
    Ok(match v.to_i64() {
        Some(small) => IntValue::Small(small),
        None => IntValue::Big(v),
    })
}

/// `float(s)` for a `str` argument: whitespace, `_` between digits,
/// `inf`/`infinity`/`nan` in any case with a sign, correctly rounded.
/// A quiet NaN with a payload of its own. aio's floats are unboxed, so `is` compares bits;
/// each `float("nan")` is a new object in CPython, and containers compare identity before
/// equality (`nan in [nan]` is True only for the same object), so NaNs must differ in bits.
pub fn fresh_nan() -> f64 {
    thread_local!(static NEXT: std::cell::Cell<u64> = const { std::cell::Cell::new(1) });
    let n = NEXT.with(|c| {
        let v = c.get();
        c.set(v.wrapping_add(1));
        v
    });
    f64::from_bits(0x7ff8_0000_0000_0000 | (n & 0x0007_ffff_ffff_ffff))
}

pub fn parse_float(s: &str) -> Result<f64, FormatError> {
    let invalid = || {
        FormatError::value(format!(
            "could not convert string to float: {}",
            str_repr(s)
        ))
    };
    let ascii = to_ascii(s);
    // _Py_string_to_number_with_underscores
    let mut buf = Vec::with_capacity(ascii.len());
    if ascii.contains(&b'_') {
        let mut prev = 0u8;
        for &c in &ascii {
            if c == b'_' {
                if !prev.is_ascii_digit() {
                    return Err(invalid());
                }
            } else {
                buf.push(c);
                if prev == b'_' && !c.is_ascii_digit() {
                    return Err(invalid());
                }
            }
            prev = c;
        }
        if prev == b'_' {
            return Err(invalid());
        }
    } else {
        buf = ascii;
    }
    let mut lo = 0;
    let mut hi = buf.len();
    while lo < hi && is_c_space(buf[lo]) {
        lo += 1;
    }
    while hi > lo + 1 && is_c_space(buf[hi - 1]) {
        hi -= 1;
    }
    let t = &buf[lo..hi];
    let (negative, body) = match t.first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = body.to_ascii_lowercase();
    let special = match lower.as_slice() {
        b"inf" | b"infinity" => Some(f64::INFINITY),
        b"nan" => Some(fresh_nan()),
        _ => None,
    };
    if let Some(v) = special {
        return Ok(if negative { -v } else { v });
    }
    // [digits][.digits][(e|E)[sign]digits] with at least one mantissa digit.
    let mut i = 0;
    let count_digits = |i: &mut usize| {
        let s0 = *i;
        while body.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - s0
    };
    let mut mant_digits = count_digits(&mut i);
    if body.get(i) == Some(&b'.') {
        i += 1;
        mant_digits += count_digits(&mut i);
    }
    if mant_digits == 0 {
        return Err(invalid());
    }
    if matches!(body.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(body.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if count_digits(&mut i) == 0 {
            return Err(invalid());
        }
    }
    if i != body.len() {
        return Err(invalid());
    }
    let text = std::str::from_utf8(t).map_err(|_| invalid())?;
    text.parse::<f64>().map_err(|_| invalid())
}

/// Bit length above which a non-negative int certainly has more than 4300 decimal digits.
const LIMIT_BITS: u64 = 14286;

/// `str(int)` / `repr(int)`, including the 4300-digit limit ValueError.
pub fn int_to_str(v: &BigInt) -> Result<String, FormatError> {
    // `sys.set_int_max_str_digits()` changes the limit; 0 means unlimited.
    let limit = crate::modules::sys::int_max_str_digits();
    let too_big = || {
        FormatError::value(format!(
            "Exceeds the limit ({} digits) for integer string conversion; \
             use sys.set_int_max_str_digits() to increase the limit",
            limit
        ))
    };
    let limit_bits = if limit == INT_MAX_STR_DIGITS {
        LIMIT_BITS
    } else {
        // bits > (limit + 1) * log2(10) + 1 certainly means more than `limit` digits.
        ((limit as f64 + 1.0) * std::f64::consts::LOG2_10) as u64 + 2
    };
    if limit > 0 && v.bits() >= limit_bits {
        return Err(too_big());
    }
    let s = v.to_string();
    let ndigits = s.len() - usize::from(v.is_negative());
    if limit > 0 && ndigits > limit {
        return Err(too_big());
    }
    Ok(s)
}

/// `bin()`/`oct()`/`hex()` (`-0x1f`) when `with_prefix`, else just the signed digits;
/// `base` must be 2, 8 or 16 (other bases give a ValueError).
pub fn int_to_base(v: &BigInt, base: u32, with_prefix: bool) -> Result<String, FormatError> {
    let prefix = match base {
        2 => "0b",
        8 => "0o",
        16 => "0x",
        _ => return Err(FormatError::value("int_to_base: base must be 2, 8 or 16")),
    };
    let digits = v.abs().to_str_radix(base);
    let mut out = String::with_capacity(digits.len() + 3);
    if v.is_negative() {
        out.push('-');
    }
    if with_prefix {
        out.push_str(prefix);
    }
    out.push_str(&digits);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::format_spec::tests::{render, unescape};

    /// Generated by `testdata/gen_number_parse.py` with python3 3.11.
    const TABLE: &str = include_str!("testdata/number_parse.tsv");

    fn hex_int(s: &str) -> BigInt {
        let (neg, h) = match s.strip_prefix('-') {
            Some(h) => (true, h),
            None => (false, s),
        };
        let mag = BigInt::parse_bytes(h.trim_start_matches("0x").as_bytes(), 16).expect("hex");
        if neg {
            -mag
        } else {
            mag
        }
    }

    fn hex_of(v: &BigInt) -> String {
        int_to_base(v, 16, true).expect("base 16")
    }

    #[test]
    fn parse_table() {
        let mut failures = Vec::new();
        assert!(TABLE.lines().count() > 1300);
        for line in TABLE.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 4, "bad line {:?}", line);
            let input = unescape(cols[1]);
            let base: i64 = cols[2].parse().expect("base");
            let want = unescape(cols[3]);
            let got = match cols[0] {
                "int" => {
                    let b = u32::try_from(base).unwrap_or(1000);
                    render(parse_int(&input, b).map(|v| {
                        if let IntValue::Big(b) = &v {
                            assert!(b.to_i64().is_none(), "Big holds a small value");
                        }
                        hex_of(&v.to_bigint())
                    }))
                }
                // Each NaN gets its own payload (`fresh_nan`): compare sign and kind only.
                "float" => render(parse_float(&input).map(|f| {
                    let bits = if f.is_nan() {
                        f.to_bits() & 0xfff8_0000_0000_0000
                    } else {
                        f.to_bits()
                    };
                    format!("{bits:016x}")
                })),
                "str" => render(int_to_str(&hex_int(cols[1]))),
                _ => render(int_to_base(&hex_int(cols[1]), base as u32, true)),
            };
            if got != want {
                failures.push(format!(
                    "{} {:?} {}: got {:?} want {:?}",
                    cols[0], input, base, got, want
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures[..failures.len().min(40)].join("\n")
        );
    }

    #[test]
    fn named_examples() {
        assert_eq!(parse_int("0x1f", 16), Ok(IntValue::Small(31)));
        assert_eq!(parse_int(" -1_000 ", 10), Ok(IntValue::Small(-1000)));
        assert_eq!(
            parse_int("abc", 10).map_err(|e| e.msg),
            Err("invalid literal for int() with base 10: 'abc'".to_string())
        );
        assert_eq!(
            parse_int("1", 37).map_err(|e| e.msg),
            Err("int() base must be >= 2 and <= 36, or 0".to_string())
        );
        assert_eq!(
            parse_float("-iNF").map(|f| f == f64::NEG_INFINITY),
            Ok(true)
        );
        assert_eq!(parse_float(" 1_0.5 "), Ok(10.5));
        assert_eq!(
            parse_float("x").map_err(|e| e.msg),
            Err("could not convert string to float: 'x'".to_string())
        );
        assert_eq!(
            int_to_base(&BigInt::from(-31), 16, true).as_deref(),
            Ok("-0x1f")
        );
    }
}
