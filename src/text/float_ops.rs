//! CPython float semantics that need care: `round()`, `//`, `%`, `divmod()`, `**`,
//! exact int<->float conversion, correctly rounded int true division and exact
//! int/float comparison (ported from `Objects/floatobject.c` / `longobject.c`).

use super::{ErrorKind, FormatError};
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_traits::{One, Signed, Zero};
use std::cmp::Ordering;

/// `x` as `(negative, mantissa, exponent)` with `|x| == mantissa * 2**exponent`; `x` must be finite.
fn decompose(x: f64) -> (bool, u64, i32) {
    let bits = x.to_bits();
    let negative = bits >> 63 == 1;
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    if biased == 0 {
        (negative, frac, -1074)
    } else {
        (negative, frac | (1u64 << 52), biased - 1075)
    }
}

/// `2.0**e` built from bits, exact for `-1074 <= e <= 1023`.
fn pow2(e: i64) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

/// `num / den` correctly rounded (half-even) to an f64, `inf` on overflow; `den > 0`.
fn ratio_to_f64(num: &BigUint, den: &BigUint) -> f64 {
    if num.is_zero() || den.is_zero() {
        return 0.0;
    }
    let e = num.bits() as i64 - den.bits() as i64;
    // Scale so that the quotient has 55 or 56 bits.
    let k = e - 55;
    let (q, r) = if k >= 0 {
        num.div_rem(&(den << (k as u64)))
    } else {
        (num << ((-k) as u64)).div_rem(den)
    };
    let qbits = q.bits() as i64;
    let top = qbits - 1 + k;
    if top > 1023 {
        return f64::INFINITY;
    }
    let lsb = (top - 52).max(-1074);
    let shift = lsb - k;
    if shift <= 0 {
        // Cannot happen (q has at least 55 bits), but stay total.
        return f64::INFINITY;
    }
    let shift = shift as u64;
    if shift > qbits as u64 + 1 {
        return 0.0;
    }
    let mant = &q >> shift;
    let rem = &q - (&mant << shift);
    let half = BigUint::one() << (shift - 1);
    let mut m: u64 = mant.iter_u64_digits().next().unwrap_or(0);
    let round_up = match rem.cmp(&half) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => !r.is_zero() || m & 1 == 1,
    };
    if round_up {
        m += 1;
    }
    if m == 0 {
        return 0.0;
    }
    let top_after = lsb + 63 - m.leading_zeros() as i64;
    if top_after > 1023 {
        return f64::INFINITY;
    }
    (m as f64) * pow2(lsb)
}

/// Exact value of a finite `x` as `(numerator, denominator)` magnitudes.
fn exact_ratio(x: f64) -> (BigUint, BigUint) {
    let (_, m, e) = decompose(x);
    if e >= 0 {
        (BigUint::from(m) << (e as u64), BigUint::one())
    } else {
        (BigUint::from(m), BigUint::one() << ((-e) as u64))
    }
}

/// `int(x)` for a float (`int(1e20)`), with CPython's NaN/infinity errors.
pub fn float_to_bigint(x: f64) -> Result<BigInt, FormatError> {
    if x.is_nan() {
        return Err(FormatError::value("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(FormatError::overflow(
            "cannot convert float infinity to integer",
        ));
    }
    let t = x.trunc();
    let (num, den) = exact_ratio(t);
    let mag = num / den;
    Ok(if t < 0.0 {
        -BigInt::from(mag)
    } else {
        BigInt::from(mag)
    })
}

/// `float(n)` for an int (`PyLong_AsDouble`): half-even rounding, OverflowError when too large.
pub fn bigint_to_f64(v: &BigInt) -> Result<f64, FormatError> {
    let r = ratio_to_f64(v.magnitude(), &BigUint::one());
    if r.is_infinite() {
        return Err(FormatError::overflow("int too large to convert to float"));
    }
    Ok(if v.is_negative() { -r } else { r })
}

/// `a / b` for two ints, correctly rounded like CPython's `long_true_divide`.
pub fn int_true_div(a: &BigInt, b: &BigInt) -> Result<f64, FormatError> {
    if b.is_zero() {
        return Err(FormatError::zero_div("division by zero"));
    }
    let negate = a.is_negative() != b.is_negative();
    let r = ratio_to_f64(a.magnitude(), b.magnitude());
    if r.is_infinite() {
        return Err(FormatError::overflow(
            "integer division result too large for a float",
        ));
    }
    Ok(if negate { -r } else { r })
}

/// `a == b`, `a < b`... for int `a` and float `b`, exactly (`None` when `b` is NaN).
pub fn cmp_int_float(a: &BigInt, b: f64) -> Option<Ordering> {
    if b.is_nan() {
        return None;
    }
    if b.is_infinite() {
        return Some(if b > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    let fl = b.floor();
    let fl_int = float_to_bigint(fl).ok()?;
    if fl == b {
        return Some(a.cmp(&fl_int));
    }
    // floor(b) < b < floor(b) + 1
    Some(if *a <= fl_int {
        Ordering::Less
    } else {
        Ordering::Greater
    })
}

/// What `round(x)` / `round(x, n)` returns.
#[derive(Debug, Clone, PartialEq)]
pub enum RoundResult {
    /// `round(x)` without ndigits: an int.
    Int(BigInt),
    /// `round(x, n)`: a float.
    Float(f64),
}

/// Python's `round(x)` / `round(x, ndigits)` for a float (half-even on the exact value).
pub fn round_float(x: f64, ndigits: Option<i64>) -> Result<RoundResult, FormatError> {
    match ndigits {
        None => round_float_to_int(x).map(RoundResult::Int),
        Some(n) => round_float_ndigits(x, n).map(RoundResult::Float),
    }
}

/// `round(x)`: nearest int, ties to even; errors for NaN and infinities.
pub fn round_float_to_int(x: f64) -> Result<BigInt, FormatError> {
    float_to_bigint(x.round_ties_even())
}

/// `round(x, ndigits)`: the float nearest to `x` correctly rounded to `ndigits` decimals.
pub fn round_float_ndigits(x: f64, ndigits: i64) -> Result<f64, FormatError> {
    const NDIGITS_MAX: i64 = 323;
    const NDIGITS_MIN: i64 = -308;
    if !x.is_finite() || ndigits > NDIGITS_MAX {
        return Ok(x);
    }
    if ndigits < NDIGITS_MIN {
        return Ok(0.0 * x);
    }
    let (num, den) = exact_ratio(x);
    let ten = BigUint::from(10u32);
    let p = ten.pow(ndigits.unsigned_abs() as u32);
    let (num, den) = if ndigits >= 0 {
        (num * &p, den)
    } else {
        (num, den * &p)
    };
    let (mut q, r) = num.div_rem(&den);
    let twice = r << 1u32;
    match twice.cmp(&den) {
        Ordering::Greater => q += 1u32,
        Ordering::Equal if q.is_odd() => q += 1u32,
        _ => {}
    }
    let mag = if ndigits >= 0 {
        ratio_to_f64(&q, &p)
    } else {
        ratio_to_f64(&(q * &p), &BigUint::one())
    };
    if mag.is_infinite() {
        return Err(FormatError::overflow(
            "rounded value too large to represent",
        ));
    }
    Ok(if x.is_sign_negative() { -mag } else { mag })
}

/// CPython's `_float_div_mod` core; `wx` must be non-zero.
fn div_mod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(vx / wx)
    };
    (floordiv, m)
}

/// `x // y` for floats (ZeroDivisionError "float floor division by zero").
pub fn float_floordiv(x: f64, y: f64) -> Result<f64, FormatError> {
    if y == 0.0 {
        return Err(FormatError::zero_div("float floor division by zero"));
    }
    Ok(div_mod(x, y).0)
}

/// `x % y` for floats, result has the sign of `y` (ZeroDivisionError "float modulo").
pub fn float_mod(x: f64, y: f64) -> Result<f64, FormatError> {
    if y == 0.0 {
        return Err(FormatError::zero_div("float modulo"));
    }
    let mut m = x % y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
        }
    } else {
        m = 0.0f64.copysign(y);
    }
    Ok(m)
}

/// `divmod(x, y)` for floats (ZeroDivisionError "float divmod()").
pub fn float_divmod(x: f64, y: f64) -> Result<(f64, f64), FormatError> {
    if y == 0.0 {
        return Err(FormatError::zero_div("float divmod()"));
    }
    Ok(div_mod(x, y))
}

fn is_odd_integer(x: f64) -> bool {
    x.abs() % 2.0 == 1.0
}

/// `x ** y` for floats with CPython's special cases and errors; a negative base with a
/// fractional exponent gives `ErrorKind::Unsupported` (the caller computes the complex power).
pub fn float_pow(x: f64, y: f64) -> Result<f64, FormatError> {
    let (iv, iw) = (x, y);
    if iw == 0.0 {
        return Ok(1.0);
    }
    if iv.is_nan() {
        return Ok(iv);
    }
    if iw.is_nan() {
        return Ok(if iv == 1.0 { 1.0 } else { iw });
    }
    if iw.is_infinite() {
        let a = iv.abs();
        return Ok(if a == 1.0 {
            1.0
        } else if (iw > 0.0) == (a > 1.0) {
            iw.abs()
        } else {
            0.0
        });
    }
    if iv.is_infinite() {
        let odd = is_odd_integer(iw);
        return Ok(if iw > 0.0 {
            if odd {
                iv
            } else {
                iv.abs()
            }
        } else if odd {
            0.0f64.copysign(iv)
        } else {
            0.0
        });
    }
    if iv == 0.0 {
        if iw < 0.0 {
            return Err(FormatError::zero_div(
                "0.0 cannot be raised to a negative power",
            ));
        }
        return Ok(if is_odd_integer(iw) { iv } else { 0.0 });
    }
    let mut base = iv;
    let mut negate = false;
    if iv < 0.0 {
        if iw != iw.floor() {
            return Err(FormatError {
                kind: ErrorKind::Unsupported,
                msg: "negative base with a fractional exponent".to_string(),
            });
        }
        base = -iv;
        negate = is_odd_integer(iw);
    }
    if base == 1.0 {
        return Ok(if negate { -1.0 } else { 1.0 });
    }
    let r = base.powf(iw);
    if r.is_infinite() {
        return Err(FormatError::overflow(
            "(34, 'Numerical result out of range')",
        ));
    }
    Ok(if negate { -r } else { r })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::format_spec::tests::render;
    use crate::text::number_parse::int_to_base;

    /// Generated by `testdata/gen_float_ops.py` with python3 3.11.
    const TABLE: &str = include_str!("testdata/float_ops.tsv");

    fn f(s: &str) -> f64 {
        f64::from_bits(u64::from_str_radix(s, 16).expect("bits"))
    }
    fn fb(x: f64) -> String {
        format!("{:016x}", x.to_bits())
    }
    fn i(s: &str) -> BigInt {
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
    fn ih(v: &BigInt) -> String {
        int_to_base(v, 16, true).expect("hex")
    }

    #[test]
    fn ops_table() {
        let mut failures = Vec::new();
        let mut n = 0;
        for line in TABLE.lines() {
            let c: Vec<&str> = line.split('\t').collect();
            assert_eq!(c.len(), 4, "bad line {:?}", line);
            let got = match c[0] {
                "round" if c[2] == "none" => render(round_float(f(c[1]), None).map(|r| match r {
                    RoundResult::Int(v) => ih(&v),
                    RoundResult::Float(x) => fb(x),
                })),
                "round" => {
                    let nd: i64 = c[2].parse().expect("ndigits");
                    render(round_float(f(c[1]), Some(nd)).map(|r| match r {
                        RoundResult::Int(v) => ih(&v),
                        RoundResult::Float(x) => fb(x),
                    }))
                }
                "int" => render(float_to_bigint(f(c[1])).map(|v| ih(&v))),
                "floordiv" => render(float_floordiv(f(c[1]), f(c[2])).map(fb)),
                "mod" => render(float_mod(f(c[1]), f(c[2])).map(fb)),
                "divmod" => render(
                    float_divmod(f(c[1]), f(c[2])).map(|(a, b)| format!("{},{}", fb(a), fb(b))),
                ),
                "pow" => render(float_pow(f(c[1]), f(c[2])).map(fb)),
                "tofloat" => render(bigint_to_f64(&i(c[1])).map(fb)),
                "truediv" => render(int_true_div(&i(c[1]), &i(c[2])).map(fb)),
                _ => match cmp_int_float(&i(c[1]), f(c[2])) {
                    None => "None".to_string(),
                    Some(o) => format!("{:?}", o),
                },
            };
            n += 1;
            // NaN results: CPython and Rust may differ in NaN payload/sign bits.
            let is_nan = |s: &str| {
                s.len() == 16
                    && u64::from_str_radix(s, 16).is_ok_and(|b| f64::from_bits(b).is_nan())
            };
            let both_nan = is_nan(&got) && is_nan(c[3]);
            if got != c[3] && !both_nan {
                failures.push(format!(
                    "{} {} {}: got {} want {}",
                    c[0], c[1], c[2], got, c[3]
                ));
            }
        }
        assert!(n > 4500);
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures[..failures.len().min(40)].join("\n")
        );
    }

    #[test]
    fn named_examples() {
        assert_eq!(round_float(2.675, Some(2)), Ok(RoundResult::Float(2.67)));
        assert_eq!(
            round_float(0.5, None),
            Ok(RoundResult::Int(BigInt::from(0)))
        );
        assert_eq!(
            round_float(-0.5, None),
            Ok(RoundResult::Int(BigInt::from(0)))
        );
        assert_eq!(
            round_float(1234.5678, Some(-2)),
            Ok(RoundResult::Float(1200.0))
        );
        assert_eq!(
            round_float(f64::INFINITY, None).map_err(|e| e.msg),
            Err("cannot convert float infinity to integer".to_string())
        );
        let big = BigInt::from(10u32).pow(20);
        assert_eq!(int_true_div(&big, &BigInt::from(4)), Ok(2.5e19));
        let two100 = BigInt::from(1) << 100u32;
        assert_eq!(
            cmp_int_float(&two100, 2f64.powi(100)),
            Some(Ordering::Equal)
        );
        let p = (BigInt::from(1) << 53u32) + 1;
        assert_eq!(
            cmp_int_float(&p, 9007199254740992.0),
            Some(Ordering::Greater)
        );
        assert_eq!(
            float_pow(10.0, 400.0).map_err(|e| (e.kind, e.msg)),
            Err((
                ErrorKind::OverflowError,
                "(34, 'Numerical result out of range')".to_string()
            ))
        );
        assert_eq!(
            float_pow(-8.0, 0.5).map_err(|e| e.kind),
            Err(ErrorKind::Unsupported)
        );
    }
}
