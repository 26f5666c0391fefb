//! `complex` numbers: arithmetic, comparison, hashing, repr and parsing, following
//! CPython 3.11's Objects/complexobject.c (the same division and power algorithms, so results
//! match bit for bit). Ints and floats mix in by becoming `complex(x, 0.0)` first, as there.

use super::number::{as_int, hash_float};
use crate::obj::Obj;
use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};
use crate::text::float_repr::{double_to_string, DtoaFlags};
use crate::vm::errors::{overflow_error, zero_division, PyResult};
use crate::vm::value::Value;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Complex {
    pub re: f64,
    pub im: f64,
}

impl Complex {
    pub fn new(re: f64, im: f64) -> Complex {
        Complex { re, im }
    }
}

/// The complex inside `v`, if it is one.
pub fn as_complex(v: &Value) -> Option<Complex> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Complex(c) => Some(*c),
            _ => None,
        },
        _ => None,
    }
}

pub fn value(c: Complex) -> Value {
    Value::obj(Obj::Complex(c))
}

/// `v` as a complex operand: a complex, or an int/float/bool as `complex(x, 0.0)`.
/// `None` for other types; an error for ints too large for a float.
fn operand(v: &Value) -> Option<PyResult<Complex>> {
    if let Some(c) = as_complex(v) {
        return Some(Ok(c));
    }
    let re = match v {
        Value::Float(x) => Ok(*x),
        _ => as_int(v)?.to_f64(),
    };
    Some(re.map(|re| Complex::new(re, 0.0)))
}

/// Both operands, when at least one is complex and the other a number.
fn operands(a: &Value, b: &Value) -> Option<PyResult<(Complex, Complex)>> {
    if as_complex(a).is_none() && as_complex(b).is_none() {
        return None;
    }
    let (x, y) = (operand(a)?, operand(b)?);
    Some(x.and_then(|x| y.map(|y| (x, y))))
}

fn sum(a: Complex, b: Complex) -> Complex {
    Complex::new(a.re + b.re, a.im + b.im)
}

fn diff(a: Complex, b: Complex) -> Complex {
    Complex::new(a.re - b.re, a.im - b.im)
}

fn prod(a: Complex, b: Complex) -> Complex {
    Complex::new(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re)
}

/// Smith's algorithm (CPython's `_Py_c_quot`); `None` for a zero divisor.
pub(crate) fn quot(a: Complex, b: Complex) -> Option<Complex> {
    let (abs_re, abs_im) = (b.re.abs(), b.im.abs());
    if abs_re >= abs_im {
        if abs_re == 0.0 {
            return None;
        }
        let ratio = b.im / b.re;
        let denom = b.re + b.im * ratio;
        Some(Complex::new(
            (a.re + a.im * ratio) / denom,
            (a.im - a.re * ratio) / denom,
        ))
    } else if abs_im >= abs_re {
        let ratio = b.re / b.im;
        let denom = b.re * ratio + b.im;
        Some(Complex::new(
            (a.re * ratio + a.im) / denom,
            (a.im * ratio - a.re) / denom,
        ))
    } else {
        // A NaN in the divisor.
        Some(Complex::new(f64::NAN, f64::NAN))
    }
}

const ONE: Complex = Complex { re: 1.0, im: 0.0 };

/// `x ** n` for a small non-negative integer n, by repeated squaring.
fn powu(x: Complex, n: i64) -> Complex {
    let (mut r, mut p, mut mask) = (ONE, x, 1i64);
    while mask > 0 && n >= mask {
        if n & mask != 0 {
            r = prod(r, p);
        }
        mask <<= 1;
        p = prod(p, p);
    }
    r
}

/// `a ** b`: exact-ish repeated multiplication for small integral exponents, else the polar
/// form (CPython's `complex_pow`).
pub fn pow(a: Complex, b: Complex) -> PyResult<Complex> {
    let zero_power = || zero_division("0.0 to a negative or complex power");
    let p = if b.im == 0.0 && b.re == b.re.floor() && b.re.abs() <= 100.0 {
        let n = b.re as i64;
        if n > 0 {
            powu(a, n)
        } else {
            quot(ONE, powu(a, -n)).ok_or_else(zero_power)?
        }
    } else if b.re == 0.0 && b.im == 0.0 {
        ONE
    } else if a.re == 0.0 && a.im == 0.0 {
        if b.im != 0.0 || b.re < 0.0 {
            return Err(zero_power());
        }
        Complex::new(0.0, 0.0)
    } else {
        let vabs = a.re.hypot(a.im);
        let mut len = vabs.powf(b.re);
        let at = a.im.atan2(a.re);
        let mut phase = at * b.re;
        if b.im != 0.0 {
            len /= (at * b.im).exp();
            phase += b.im * vabs.ln();
        }
        Complex::new(len * phase.cos(), len * phase.sin())
    };
    if p.re.is_infinite() || p.im.is_infinite() {
        return Err(overflow_error("complex exponentiation"));
    }
    Ok(p)
}

/// `a op b` when either operand is complex; `None` when the other is not a number or the
/// operator is not defined for complex numbers (`//`, `%`, bitwise: NotImplemented).
pub fn binop(a: &Value, b: &Value, op: BinOp) -> Option<PyResult<Value>> {
    if !matches!(
        op,
        BinOp::Add | BinOp::Sub | BinOp::Mult | BinOp::Div | BinOp::Pow
    ) {
        return None;
    }
    let (x, y) = match operands(a, b)? {
        Ok(xy) => xy,
        Err(e) => return Some(Err(e)),
    };
    let r = match op {
        BinOp::Add => Ok(sum(x, y)),
        BinOp::Sub => Ok(diff(x, y)),
        BinOp::Mult => Ok(prod(x, y)),
        BinOp::Div => quot(x, y).ok_or_else(|| zero_division("complex division by zero")),
        _ => pow(x, y),
    };
    Some(r.map(value))
}

/// `==` / `!=` when either operand is complex (ordering is not defined: `None`, so the VM
/// raises its TypeError). Against an int the comparison is exact, as CPython's.
pub fn compare(a: &Value, b: &Value, op: CmpOp) -> Option<bool> {
    let (c, other) = match (as_complex(a), as_complex(b)) {
        (Some(c), _) => (c, b),
        (None, Some(c)) => (c, a),
        (None, None) => return None,
    };
    if !matches!(op, CmpOp::Eq | CmpOp::NotEq) {
        return None;
    }
    let equal = if let Some(o) = as_complex(other) {
        c == o
    } else if c.im != 0.0 {
        // Non-numbers are NotImplemented, not unequal (an int too large for a float is
        // still a number, and unequal).
        let _number = operand(other)?;
        false
    } else {
        super::number::compare(&Value::Float(c.re), other, CmpOp::Eq)?
    };
    Some(equal == (op == CmpOp::Eq))
}

pub fn unary(c: Complex, op: UnaryOp) -> Option<Value> {
    match op {
        UnaryOp::USub => Some(value(Complex::new(-c.re, -c.im))),
        UnaryOp::UAdd => Some(value(c)),
        _ => None,
    }
}

/// `abs(c)`: infinite if either part is, NaN if either is NaN, else `hypot`.
pub fn abs(c: Complex) -> PyResult<f64> {
    if c.re.is_infinite() || c.im.is_infinite() {
        return Ok(f64::INFINITY);
    }
    if c.re.is_nan() || c.im.is_nan() {
        return Ok(f64::NAN);
    }
    let r = c.re.hypot(c.im);
    if r.is_infinite() {
        return Err(overflow_error("absolute value too large"));
    }
    Ok(r)
}

pub fn hash(c: Complex) -> i64 {
    let combined =
        (hash_float(c.re) as u64).wrapping_add(1_000_003u64.wrapping_mul(hash_float(c.im) as u64));
    match combined as i64 {
        -1 => -2,
        h => h,
    }
}

/// `repr(c)`: `1j`, `(1+2j)`, `-0j`, `(-0-0j)`, `(nan+infj)`; parts print like floats
/// without a trailing `.0`.
pub fn repr(c: Complex) -> String {
    let part = |x: f64| double_to_string(x, 'r', 0, DtoaFlags::default());
    if c.re == 0.0 && c.re.is_sign_positive() {
        return format!("{}j", part(c.im));
    }
    let im = part(c.im);
    let sign = if im.starts_with('-') { "" } else { "+" };
    format!("({}{sign}{im}j)", part(c.re))
}

/// `complex(s)` for a string: `1`, `2j`, `1+2j`, `-j`, `(1-2.5e3j)`, with surrounding
/// whitespace and parentheses. `None` when malformed.
pub fn parse(s: &str) -> Option<Complex> {
    let mut t = s.trim();
    if let Some(inner) = t.strip_prefix('(') {
        t = inner.strip_suffix(')')?.trim();
    }
    if t.is_empty() || t.contains(char::is_whitespace) {
        return None;
    }
    let float = |p: &str| -> Option<f64> {
        // A sign must be followed by a number; parse_float also trims whitespace, which is
        // excluded above.
        crate::text::parse_float(p).ok()
    };
    let Some(body) = t.strip_suffix(['j', 'J']) else {
        return float(t).map(|re| Complex::new(re, 0.0));
    };
    // The imaginary part starts at the last sign that is not the first character and does
    // not follow an exponent marker.
    let bytes = body.as_bytes();
    let split = (1..bytes.len())
        .rev()
        .find(|&i| matches!(bytes[i], b'+' | b'-') && !matches!(bytes[i - 1], b'e' | b'E'));
    let (re, im) = match split {
        Some(i) => (float(&body[..i])?, &body[i..]),
        None => (0.0, body),
    };
    let im = match im {
        "" | "+" => 1.0,
        "-" => -1.0,
        _ => float(im)?,
    };
    Some(Complex::new(re, im))
}

pub fn parse_error() -> crate::vm::ExcRef {
    crate::vm::errors::value_error("complex() arg is a malformed string")
}
