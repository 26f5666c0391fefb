//! `repr(float)` and CPython's `PyOS_double_to_string` layout engine.
//!
//! Digit generation uses Rust's `core::fmt`, which is exact: `{:e}` yields the
//! shortest round-tripping digits, `{:.Ne}` / `{:.N}` round the exact binary value
//! half-to-even, just like David Gay's `dtoa` modes 0, 2 and 3 that CPython uses.
//! The layout (exponent switch, zero padding, `#`, `.0`) follows
//! `format_float_short` in CPython's `Python/pystrtod.c` line by line.

/// `repr(x)` / `str(x)` for a Python float (`1e+16`, `1e-05`, `0.0001`, `-0.0`, `inf`, `nan`).
pub fn float_repr(x: f64) -> String {
    double_to_string(
        x,
        'r',
        0,
        DtoaFlags {
            add_dot_0: true,
            ..DtoaFlags::default()
        },
    )
}

/// Options of `PyOS_double_to_string` (`Py_DTSF_ALT`, `Py_DTSF_ADD_DOT_0`, `Py_DTSF_NO_NEG_0`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DtoaFlags {
    /// `#`: always keep the decimal point; `g` keeps trailing zeros.
    pub alt: bool,
    /// Add `.0` to integral values written without exponent.
    pub add_dot_0: bool,
    /// `z`: drop the minus sign of a result that rounds to zero.
    pub no_neg_0: bool,
}

/// Decimal digits of `|x|` without trailing zeros plus the decimal point
/// position, as `_Py_dg_dtoa` returns them (zero is `("0", 1)`).
fn digits_from_sci(s: &str) -> (String, i64) {
    // `s` looks like "1.2345e-7" or "5e300".
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    normalize(digits, exp + 1)
}

/// Strip leading and trailing zeros, keeping `decpt` consistent.
fn normalize(digits: String, decpt: i64) -> (String, i64) {
    let lead = digits.bytes().take_while(|&b| b == b'0').count();
    let trimmed = digits[lead..].trim_end_matches('0');
    if trimmed.is_empty() {
        ("0".to_string(), 1)
    } else {
        (trimmed.to_string(), decpt - lead as i64)
    }
}

/// Correctly rounded digits of the finite, non-negative `a` for the dtoa mode
/// implied by `code` (`r` shortest, `e`/`g` significant digits, `f` decimals).
fn gen_digits(a: f64, code: char, precision: usize) -> (String, i64) {
    match code {
        'r' => {
            let (digits, decpt) = digits_from_sci(&format!("{:e}", a));
            // Two shortest candidates can be equally close (a float that is exactly a
            // midpoint, like 155180617922925.125); Rust then picks the upper one, dtoa the
            // correctly rounded (half-to-even) one when it reads back as `a` (at a power of
            // two it may not). Results under 16 digits cannot tie.
            if digits.len() >= 16 {
                let rounded = format!("{:.*e}", digits.len() - 1, a);
                if rounded.parse::<f64>() == Ok(a) {
                    return digits_from_sci(&rounded);
                }
            }
            (digits, decpt)
        }
        'e' | 'g' => digits_from_sci(&format!("{:.*e}", precision.saturating_sub(1), a)),
        _ => {
            let s = format!("{:.*}", precision, a);
            let (int_part, frac) = s.split_once('.').unwrap_or((&s, ""));
            let decpt = int_part.len() as i64;
            normalize(format!("{}{}", int_part, frac), decpt)
        }
    }
}

/// CPython's `PyOS_double_to_string(x, code, precision, flags)`; `code` is one of
/// `r e E f F g G` (callers map `n`, `%` and the empty type beforehand).
pub(crate) fn double_to_string(x: f64, code: char, precision: usize, flags: DtoaFlags) -> String {
    let upper = code.is_ascii_uppercase();
    let code = code.to_ascii_lowercase();
    if x.is_nan() {
        return if upper { "NAN" } else { "nan" }.to_string();
    }
    let neg = x.is_sign_negative();
    if x.is_infinite() {
        let s = if upper { "INF" } else { "inf" };
        return if neg {
            format!("-{}", s)
        } else {
            s.to_string()
        };
    }
    let a = x.abs();
    // Mode-specific precision adjustments, as in format_float_short's caller.
    let mut precision = precision as i64;
    let (digits, decpt) = match code {
        'e' => {
            precision += 1;
            gen_digits(a, 'e', precision as usize)
        }
        'g' => {
            if precision == 0 {
                precision = 1;
            }
            gen_digits(a, 'g', precision as usize)
        }
        'f' => gen_digits(a, 'f', precision as usize),
        _ => {
            precision = 17;
            gen_digits(a, 'r', 0)
        }
    };
    let digits_len = digits.len() as i64;
    let is_zero = digits == "0";
    let mut decpt = decpt;
    let mut vdigits_end = digits_len;
    let mut use_exp = false;
    let add_dot_0 = flags.add_dot_0;
    match code {
        'e' => {
            use_exp = true;
            vdigits_end = precision;
        }
        'f' => vdigits_end = decpt + precision,
        'g' => {
            let limit = if add_dot_0 { precision - 1 } else { precision };
            if decpt <= -4 || decpt > limit {
                use_exp = true;
            }
            if flags.alt {
                vdigits_end = precision;
            }
        }
        _ => {
            if decpt <= -4 || decpt > 16 {
                use_exp = true;
            }
        }
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    vdigits_end = if !use_exp && add_dot_0 {
        vdigits_end.max(decpt + 1)
    } else {
        vdigits_end.max(decpt)
    };

    let zeros = |n: i64| "0".repeat(n.max(0) as usize);
    let mut out = String::new();
    if neg && !(flags.no_neg_0 && is_zero) {
        out.push('-');
    }
    if decpt <= 0 {
        out.push_str(&zeros(decpt - vdigits_start));
        out.push('.');
        out.push_str(&zeros(-decpt));
    } else {
        out.push_str(&zeros(-vdigits_start));
    }
    if 0 < decpt && decpt <= digits_len {
        let (head, tail) = digits.split_at(decpt as usize);
        out.push_str(head);
        out.push('.');
        out.push_str(tail);
    } else {
        out.push_str(&digits);
    }
    if digits_len < decpt {
        out.push_str(&zeros(decpt - digits_len));
        out.push('.');
        out.push_str(&zeros(vdigits_end - decpt));
    } else {
        out.push_str(&zeros(vdigits_end - digits_len));
    }
    if out.ends_with('.') && !flags.alt {
        out.pop();
    }
    if use_exp {
        out.push(if upper { 'E' } else { 'e' });
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines `bits-in-hex repr` generated with python3 3.11 (`repr(struct.unpack('<d', ...))`).
    const TABLE: &str = include_str!("testdata/float_repr.txt");

    #[test]
    fn repr_table() {
        let mut n = 0;
        for line in TABLE.lines() {
            let (bits, want) = line.split_once(' ').expect("table line");
            let bits = u64::from_str_radix(bits, 16).expect("hex bits");
            let x = f64::from_bits(bits);
            assert_eq!(float_repr(x), want, "repr of bits {:016x}", bits);
            n += 1;
        }
        assert!(n > 1500);
    }

    #[test]
    fn repr_named_values() {
        assert_eq!(float_repr(1e16), "1e+16");
        assert_eq!(float_repr(1e15), "1000000000000000.0");
        assert_eq!(float_repr(1e-5), "1e-05");
        assert_eq!(float_repr(0.0001), "0.0001");
        assert_eq!(float_repr(-0.0), "-0.0");
        assert_eq!(float_repr(f64::INFINITY), "inf");
        assert_eq!(float_repr(f64::NEG_INFINITY), "-inf");
        assert_eq!(float_repr(f64::NAN), "nan");
        assert_eq!(float_repr(-f64::NAN), "nan");
        assert_eq!(float_repr(123456789012345678.0), "1.2345678901234568e+17");
        assert_eq!(float_repr(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(float_repr(5e-324), "5e-324");
    }
}
