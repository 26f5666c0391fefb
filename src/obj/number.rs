//! Numeric semantics used by the VM's protocols and by the int/float methods: arithmetic
//! with transparent i64 → BigInt promotion, exact int/float comparison, hashing and reprs.
//!
//! `binop`, `compare` and `unary` return `None` when their operands are not numbers they
//! handle, so the VM falls back to special methods.

use crate::obj::Obj;
use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};
use crate::text::{self, ErrorKind, FormatError};
use crate::vm::errors::{
    exc, exc_args, memory_error, not_implemented, overflow_error, value_error, zero_division,
    ExcRef, PyResult,
};
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};
use std::borrow::Cow;
use std::cmp::Ordering;

/// CPython's modulus for numeric hashes (2**61 - 1).
pub(crate) const HASH_MODULUS: i64 = (1 << 61) - 1;

/// Results of `**` and `<<` above this many bits raise MemoryError instead of trying to
/// allocate (CPython would try, and fail or take minutes).
pub const MAX_INT_BITS: u64 = 1 << 32;

/// Converts a `text` error into the Python exception it stands for.
pub fn fmt_err(e: FormatError) -> ExcRef {
    match e.kind {
        ErrorKind::ValueError => value_error(e.msg),
        ErrorKind::TypeError => crate::vm::errors::type_error(e.msg),
        ErrorKind::OverflowError => {
            if e.msg == "(34, 'Numerical result out of range')" {
                exc_args(
                    ExcKind::OverflowError,
                    vec![Value::Int(34), Value::str("Numerical result out of range")],
                )
            } else {
                overflow_error(e.msg)
            }
        }
        ErrorKind::ZeroDivisionError => zero_division(e.msg),
        ErrorKind::MemoryError => memory_error(),
        ErrorKind::Unsupported => not_implemented(e.msg),
    }
}

pub fn hash_int(i: i64) -> i64 {
    let h = if i >= 0 {
        i % HASH_MODULUS
    } else {
        -((-(i as i128) % HASH_MODULUS as i128) as i64)
    };
    if h == -1 {
        -2
    } else {
        h
    }
}

pub fn hash_bigint(b: &BigInt) -> i64 {
    let m = BigInt::from(HASH_MODULUS);
    let r = (b.magnitude() % m.magnitude()).to_i64().unwrap_or(0);
    let h = if b.sign() == num_bigint::Sign::Minus {
        -r
    } else {
        r
    };
    if h == -1 {
        -2
    } else {
        h
    }
}

pub fn hash_float(x: f64) -> i64 {
    if x.is_nan() {
        // CPython hashes a NaN by identity; a NaN's identity here is its payload.
        return hash_int((x.to_bits() & 0x000f_ffff_ffff_ffff) as i64);
    }
    if x.is_infinite() {
        return if x > 0.0 { 314159 } else { -314159 };
    }
    if x.fract() == 0.0 && x.abs() < 9.2e18 {
        return hash_int(x as i64);
    }
    // CPython's _Py_HashDouble.
    let (mut m, mut e) = frexp(x.abs());
    let sign: i64 = if x < 0.0 { -1 } else { 1 };
    let mut h: u64 = 0;
    while m != 0.0 {
        h = ((h << 28) & HASH_MODULUS as u64) | (h >> (61 - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        h += y;
        if h >= HASH_MODULUS as u64 {
            h -= HASH_MODULUS as u64;
        }
    }
    let e = if e >= 0 {
        e % 61
    } else {
        61 - 1 - ((-1 - e) % 61)
    };
    h = ((h << e) & HASH_MODULUS as u64) | (h >> (61 - e));
    let r = (h as i64) * sign;
    if r == -1 {
        -2
    } else {
        r
    }
}

fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 {
        return (0.0, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(x * (1u64 << 54) as f64);
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, exp - 1022)
}

/// CPython 3.11's tuple hash (xxHash-based).
pub fn hash_tuple(hashes: &[i64]) -> i64 {
    const P1: u64 = 11400714785074694791;
    const P2: u64 = 14029467366897019727;
    const P5: u64 = 2870177450012600261;
    let mut acc: u64 = P5;
    for &h in hashes {
        acc = acc.wrapping_add((h as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add((hashes.len() as u64) ^ (P5 ^ 3527539));
    if acc == u64::MAX {
        return 1546275796;
    }
    acc as i64
}

/// `repr(float)`.
pub fn float_repr(x: f64) -> String {
    text::float_repr(x)
}

/// `repr(str)`: CPython's quoting and escaping rules.
pub fn str_repr(s: &str) -> String {
    text::str_repr(s)
}

/// An int operand: small or big. Bools count as ints.
#[derive(Clone, Copy)]
pub enum IntRef<'a> {
    Small(i64),
    Big(&'a BigInt),
}

impl IntRef<'_> {
    pub fn big(&self) -> Cow<'_, BigInt> {
        match self {
            IntRef::Small(i) => Cow::Owned(BigInt::from(*i)),
            IntRef::Big(b) => Cow::Borrowed(b),
        }
    }
    pub fn to_f64(&self) -> PyResult<f64> {
        match self {
            IntRef::Small(i) => Ok(*i as f64),
            IntRef::Big(b) => text::bigint_to_f64(b).map_err(fmt_err),
        }
    }
    pub fn is_negative(&self) -> bool {
        match self {
            IntRef::Small(i) => *i < 0,
            IntRef::Big(b) => b.is_negative(),
        }
    }
}

/// The int inside `v` (int, bool or big int).
#[inline]
pub fn as_int(v: &Value) -> Option<IntRef<'_>> {
    match v {
        Value::Int(i) => Some(IntRef::Small(*i)),
        Value::Bool(b) => Some(IntRef::Small(*b as i64)),
        Value::Obj(o) => match &**o {
            Obj::BigInt(b) => Some(IntRef::Big(b)),
            _ => None,
        },
        _ => None,
    }
}

enum Num<'a> {
    I(IntRef<'a>),
    F(f64),
}

fn as_num(v: &Value) -> Option<Num<'_>> {
    match v {
        Value::Float(x) => Some(Num::F(*x)),
        _ => as_int(v).map(Num::I),
    }
}

/// `float(v)` for an int or float (OverflowError for huge ints).
pub fn num_to_f64(v: &Value) -> Option<PyResult<f64>> {
    match as_num(v)? {
        Num::F(x) => Some(Ok(x)),
        Num::I(i) => Some(i.to_f64()),
    }
}

/// Exact comparison of an int with a float.
fn cmp_int_f64(a: IntRef, b: f64) -> Option<Ordering> {
    match a {
        IntRef::Small(i) if i.unsigned_abs() <= 1 << 53 => (i as f64).partial_cmp(&b),
        _ => text::cmp_int_float(&a.big(), b),
    }
}

fn cmp_ints(a: IntRef, b: IntRef) -> Ordering {
    match (a, b) {
        (IntRef::Small(x), IntRef::Small(y)) => x.cmp(&y),
        _ => a.big().as_ref().cmp(b.big().as_ref()),
    }
}

fn apply_ord(ord: Option<Ordering>, op: CmpOp) -> Option<bool> {
    Some(match ord {
        None => matches!(op, CmpOp::NotEq),
        Some(o) => match op {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::NotEq => o != Ordering::Equal,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::LtE => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::GtE => o != Ordering::Less,
            _ => return None,
        },
    })
}

/// Comparison of two numbers (exact between ints and floats, as CPython).
pub fn compare(a: &Value, b: &Value, op: CmpOp) -> Option<bool> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return apply_ord(Some(x.cmp(y)), op);
    }
    if let (Value::Float(x), Value::Float(y)) = (a, b) {
        return apply_ord(x.partial_cmp(y), op);
    }
    if let Some(r) = super::complex::compare(a, b, op) {
        return Some(r);
    }
    let ord = match (as_num(a)?, as_num(b)?) {
        (Num::I(x), Num::I(y)) => Some(cmp_ints(x, y)),
        (Num::F(x), Num::F(y)) => x.partial_cmp(&y),
        (Num::I(x), Num::F(y)) => cmp_int_f64(x, y),
        (Num::F(x), Num::I(y)) => cmp_int_f64(y, x).map(Ordering::reverse),
    };
    apply_ord(ord, op)
}

/// Arithmetic on two numbers.
pub fn binop(a: &Value, b: &Value, op: BinOp) -> Option<PyResult<Value>> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        if let Some(r) = small_binop(*x, *y, op) {
            return Some(r);
        }
    }
    if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
        match op {
            BinOp::BitAnd => return Some(Ok(Value::Bool(*x & *y))),
            BinOp::BitOr => return Some(Ok(Value::Bool(*x | *y))),
            BinOp::BitXor => return Some(Ok(Value::Bool(*x ^ *y))),
            _ => {}
        }
    }
    if op == BinOp::MatMult {
        return None;
    }
    if let Some(r) = super::complex::binop(a, b, op) {
        return Some(r);
    }
    match (as_num(a)?, as_num(b)?) {
        (Num::I(x), Num::I(y)) => {
            if let (IntRef::Small(x), IntRef::Small(y)) = (x, y) {
                if let Some(r) = small_binop(x, y, op) {
                    return Some(r);
                }
            }
            Some(big_binop(&x.big(), &y.big(), op))
        }
        // Floats lack the bitwise operators: NotImplemented, so the TypeError names the
        // operands' own types.
        _ if !float_supports(op) => None,
        (Num::F(x), Num::F(y)) => Some(float_binop(x, y, op)),
        (Num::I(x), Num::F(y)) => Some(x.to_f64().and_then(|x| float_binop(x, y, op))),
        (Num::F(x), Num::I(y)) => Some(y.to_f64().and_then(|y| float_binop(x, y, op))),
    }
}

/// The dispatch loop's inline int fast path: the i64 result when both operands are small
/// ints and the op cannot fail or overflow; `None` sends it to `binop` (zero divisors,
/// negative or huge left shifts, negative right shifts, overflow, `/` and `**`). Python
/// rounds the quotient down and gives the remainder the divisor's sign.
#[inline(always)]
pub fn small_int_op(x: i64, y: i64, op: BinOp) -> Option<i64> {
    match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mult => x.checked_mul(y),
        BinOp::Mod if y > 0 => Some(x.rem_euclid(y)),
        BinOp::Mod if y < 0 => {
            let r = x.wrapping_rem(y);
            Some(if r > 0 { r + y } else { r })
        }
        BinOp::FloorDiv if y > 0 => Some(x.div_euclid(y)),
        BinOp::FloorDiv if y < 0 => {
            let q = x.checked_div(y)?;
            Some(if x % y != 0 && (x < 0) != (y < 0) {
                q - 1
            } else {
                q
            })
        }
        BinOp::BitAnd => Some(x & y),
        BinOp::BitOr => Some(x | y),
        BinOp::BitXor => Some(x ^ y),
        BinOp::RShift if y >= 0 => Some(x >> y.min(63)),
        BinOp::LShift if (0..63).contains(&y) => {
            let r = x << y;
            (r >> y == x).then_some(r)
        }
        _ => None,
    }
}

/// i64 arithmetic; `None` when the result needs a big int.
fn small_binop(x: i64, y: i64, op: BinOp) -> Option<PyResult<Value>> {
    let r = match op {
        BinOp::Add => x.checked_add(y)?,
        BinOp::Sub => x.checked_sub(y)?,
        BinOp::Mult => x.checked_mul(y)?,
        BinOp::FloorDiv => {
            if y == 0 {
                return Some(Err(zero_division("integer division or modulo by zero")));
            }
            x.checked_div(y)?;
            Integer::div_floor(&x, &y)
        }
        BinOp::Mod => {
            if y == 0 {
                return Some(Err(zero_division("integer modulo by zero")));
            }
            x.checked_rem(y)?;
            x.mod_floor(&y)
        }
        BinOp::BitAnd => x & y,
        BinOp::BitOr => x | y,
        BinOp::BitXor => x ^ y,
        BinOp::Div => {
            if y == 0 {
                return Some(Err(zero_division("division by zero")));
            }
            if x.unsigned_abs() <= 1 << 53 && y.unsigned_abs() <= 1 << 53 {
                return Some(Ok(Value::Float(x as f64 / y as f64)));
            }
            return None;
        }
        BinOp::LShift => {
            if y < 0 {
                return Some(Err(value_error("negative shift count")));
            }
            if x == 0 {
                return Some(Ok(Value::Int(0)));
            }
            if y >= 63 {
                return None;
            }
            let r = x << y;
            if r >> y != x {
                return None;
            }
            r
        }
        BinOp::RShift => {
            if y < 0 {
                return Some(Err(value_error("negative shift count")));
            }
            x >> y.min(63)
        }
        BinOp::Pow => {
            if y < 0 {
                return Some(float_pow_value(x as f64, y as f64));
            }
            let mut acc: i64 = 1;
            let mut base = x;
            let mut e = y as u64;
            while e > 0 {
                if e & 1 == 1 {
                    acc = acc.checked_mul(base)?;
                }
                e >>= 1;
                if e > 0 {
                    base = base.checked_mul(base)?;
                }
            }
            acc
        }
        BinOp::MatMult => return None,
    };
    Some(Ok(Value::Int(r)))
}

fn float_pow_value(x: f64, y: f64) -> PyResult<Value> {
    use super::complex::{pow, value, Complex};
    match text::float_pow(x, y) {
        Ok(r) => Ok(new_float(r)),
        // A negative base with a fractional exponent: the complex power, as CPython.
        Err(e) if e.kind == ErrorKind::Unsupported => {
            pow(Complex::new(x, 0.0), Complex::new(y, 0.0)).map(value)
        }
        Err(e) => Err(fmt_err(e)),
    }
}

/// Arithmetic on two ints that may be big.
fn big_binop(x: &BigInt, y: &BigInt, op: BinOp) -> PyResult<Value> {
    let r = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mult => x * y,
        BinOp::FloorDiv => {
            if y.is_zero() {
                return Err(zero_division("integer division or modulo by zero"));
            }
            x.div_floor(y)
        }
        BinOp::Mod => {
            if y.is_zero() {
                return Err(zero_division("integer modulo by zero"));
            }
            x.mod_floor(y)
        }
        BinOp::BitAnd => x & y,
        BinOp::BitOr => x | y,
        BinOp::BitXor => x ^ y,
        BinOp::Div => return text::int_true_div(x, y).map(Value::Float).map_err(fmt_err),
        BinOp::LShift => {
            if y.is_negative() {
                return Err(value_error("negative shift count"));
            }
            if x.is_zero() {
                return Ok(Value::Int(0));
            }
            // CPython counts the result in 30-bit digits: more than a PyLongObject can hold
            // (MAX_LONG_DIGITS) is an OverflowError, any other impossible size a
            // MemoryError.
            const MAX_LONG_DIGITS: u64 = (i64::MAX as u64 - 24) / 4;
            let digits = (y / BigInt::from(30))
                .to_u64()
                .map(|w| w.saturating_add(x.bits().div_ceil(30)));
            if digits.is_none_or(|d| d > MAX_LONG_DIGITS) {
                return Err(overflow_error("too many digits in integer"));
            }
            let Some(n) = y
                .to_u64()
                .filter(|n| x.bits().saturating_add(*n) <= MAX_INT_BITS)
            else {
                return Err(memory_error());
            };
            x << n
        }
        BinOp::RShift => {
            if y.is_negative() {
                return Err(value_error("negative shift count"));
            }
            match y.to_u64().filter(|n| *n <= x.bits()) {
                Some(n) => x >> n,
                None => BigInt::from(if x.is_negative() { -1 } else { 0 }),
            }
        }
        BinOp::Pow => return big_pow(x, y),
        BinOp::MatMult => {
            return Err(crate::vm::errors::type_error(
                "unsupported operand type(s) for @: 'int' and 'int'",
            ))
        }
    };
    Ok(Value::from_bigint(r))
}

fn big_pow(x: &BigInt, y: &BigInt) -> PyResult<Value> {
    if y.is_negative() {
        let fx = text::bigint_to_f64(x).map_err(fmt_err)?;
        let fy = text::bigint_to_f64(y).map_err(fmt_err)?;
        return float_pow_value(fx, fy);
    }
    if x.is_zero() {
        return Ok(Value::Int(if y.is_zero() { 1 } else { 0 }));
    }
    if x.magnitude().bits() == 1 && x.magnitude().trailing_zeros() == Some(0) {
        // 1 or -1
        let odd = y.is_odd();
        return Ok(Value::Int(if x.is_negative() && odd { -1 } else { 1 }));
    }
    let Some(e) = y.to_u64() else {
        return Err(memory_error());
    };
    if (x.bits() - 1).saturating_mul(e) > MAX_INT_BITS {
        return Err(memory_error());
    }
    Ok(Value::from_bigint(num_traits::Pow::pow(x, e)))
}

fn float_binop(x: f64, y: f64, op: BinOp) -> PyResult<Value> {
    let r = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mult => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(zero_division("float division by zero"));
            }
            x / y
        }
        BinOp::FloorDiv => text::float_floordiv(x, y).map_err(fmt_err)?,
        BinOp::Mod => text::float_mod(x, y).map_err(fmt_err)?,
        BinOp::Pow => return float_pow_value(x, y),
        _ => {
            return Err(crate::vm::errors::type_error(format!(
                "unsupported operand type(s) for {}: 'float' and 'float'",
                op.symbol()
            )))
        }
    };
    Ok(new_float(r))
}

/// A float result as a new value. CPython tells NaN objects apart by identity
/// (`nan in [nan]` is True, `[float("nan")] == [float("nan")]` False), but aio's floats
/// are unboxed; so each NaN an operation creates gets its own payload, and bit equality
/// (`Value::is`) stands in for object identity.
pub fn new_float(x: f64) -> Value {
    if !x.is_nan() {
        return Value::Float(x);
    }
    let sign = x.to_bits() & (1 << 63);
    Value::Float(f64::from_bits(
        sign | crate::text::number_parse::fresh_nan().to_bits(),
    ))
}

/// Whether `op` is defined between floats (so `1.0 << 2` falls back to a TypeError).
pub fn float_supports(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Add
            | BinOp::Sub
            | BinOp::Mult
            | BinOp::Div
            | BinOp::FloorDiv
            | BinOp::Mod
            | BinOp::Pow
    )
}

/// Like `binop`, but `None` (NotImplemented) for operators floats lack when a float is
/// involved: what `float.__lshift__` would say.
pub fn binop_checked(a: &Value, b: &Value, op: BinOp) -> Option<PyResult<Value>> {
    let has_float = matches!(a, Value::Float(_)) || matches!(b, Value::Float(_));
    if has_float && !float_supports(op) {
        return None;
    }
    if op == BinOp::MatMult {
        return None;
    }
    binop(a, b, op)
}

/// `divmod(a, b)` for numbers.
pub fn divmod(a: &Value, b: &Value) -> Option<PyResult<Value>> {
    match (as_num(a)?, as_num(b)?) {
        (Num::I(x), Num::I(y)) => {
            let (x, y) = (x.big(), y.big());
            if y.is_zero() {
                return Some(Err(zero_division("integer division or modulo by zero")));
            }
            let (q, r) = x.div_mod_floor(&y);
            Some(Ok(Value::tuple(vec![
                Value::from_bigint(q),
                Value::from_bigint(r),
            ])))
        }
        (x, y) => {
            let f = |n: Num| match n {
                Num::F(v) => Ok(v),
                Num::I(i) => i.to_f64(),
            };
            let r = (|| {
                let (x, y) = (f(x)?, f(y)?);
                let (q, r) = text::float_divmod(x, y).map_err(fmt_err)?;
                Ok(Value::tuple(vec![Value::Float(q), Value::Float(r)]))
            })();
            Some(r)
        }
    }
}

/// Unary minus, plus and invert on numbers.
pub fn unary(a: &Value, op: UnaryOp) -> Option<PyResult<Value>> {
    match (a, op) {
        (Value::Float(x), UnaryOp::USub) => return Some(Ok(new_float(-x))),
        (Value::Float(x), UnaryOp::UAdd) => return Some(Ok(Value::Float(*x))),
        (Value::Float(_), _) => return None,
        _ => {}
    }
    if let Some(c) = super::complex::as_complex(a) {
        return super::complex::unary(c, op).map(Ok);
    }
    let i = as_int(a)?;
    Some(Ok(match (i, op) {
        (IntRef::Small(i), UnaryOp::USub) => match i.checked_neg() {
            Some(v) => Value::Int(v),
            None => Value::from_bigint(-BigInt::from(i)),
        },
        (IntRef::Small(i), UnaryOp::UAdd) => Value::Int(i),
        (IntRef::Small(i), UnaryOp::Invert) => Value::Int(!i),
        (IntRef::Big(b), UnaryOp::USub) => Value::from_bigint(-b),
        (IntRef::Big(b), UnaryOp::UAdd) => Value::from_bigint(b.clone()),
        (IntRef::Big(b), UnaryOp::Invert) => Value::from_bigint(-b - 1),
        (_, UnaryOp::Not) => return None,
    }))
}

/// `abs(v)` for numbers.
pub fn abs(a: &Value) -> Option<Value> {
    Some(match a {
        Value::Float(x) => Value::Float(x.abs()),
        _ => match as_int(a)? {
            IntRef::Small(i) => match i.checked_abs() {
                Some(v) => Value::Int(v),
                None => Value::from_bigint(BigInt::from(i).abs()),
            },
            IntRef::Big(b) => Value::from_bigint(b.abs()),
        },
    })
}

/// `int(x)` for a float: truncation with CPython's NaN/infinity errors.
pub fn float_to_int(x: f64) -> PyResult<Value> {
    if x.is_finite() && x.abs() < 9.2e18 {
        return Ok(Value::Int(x as i64));
    }
    text::float_to_bigint(x)
        .map(Value::from_bigint)
        .map_err(fmt_err)
}

/// `str(int)` / `repr(int)` with the 4300-digit limit.
pub fn int_repr(v: &Value) -> PyResult<String> {
    match as_int(v) {
        Some(IntRef::Small(i)) => Ok(i.to_string()),
        Some(IntRef::Big(b)) => text::int_to_str(b).map_err(fmt_err),
        None => Err(exc(ExcKind::TypeError, "expected an int")),
    }
}

/// Helpers for the types' unit tests: results rendered as `repr(value)` or
/// `!ExcType: message`, as a Python test would print them.
#[cfg(test)]
pub(crate) mod testutil {
    use crate::vm::errors::{ExcRef, PyResult};
    use crate::vm::value::Value;
    use crate::vm::Vm;

    pub fn err_text(vm: &mut Vm, e: &ExcRef) -> String {
        let cls = crate::vm::class::class_name(e.class());
        let args = e.exc().args.borrow().clone();
        let msg = match args.as_tuple().map(|t| t.to_vec()) {
            Some(t) if t.len() == 1 => {
                if e.is(crate::vm::types::ExcKind::KeyError) {
                    vm.repr(&t[0]).unwrap_or_default()
                } else {
                    vm.to_str(&t[0]).unwrap_or_default()
                }
            }
            Some(t) if t.is_empty() => String::new(),
            _ => vm.repr(&args).unwrap_or_default(),
        };
        format!("!{cls}: {msg}")
    }

    pub fn show(vm: &mut Vm, r: PyResult<Value>) -> String {
        match r {
            Ok(v) => match vm.repr(&v) {
                Ok(s) => s,
                Err(e) => err_text(vm, &e),
            },
            Err(e) => err_text(vm, &e),
        }
    }

    /// `repr(obj.name(*args))`
    pub fn cm(vm: &mut Vm, obj: &Value, name: &str, args: &[Value]) -> String {
        let r = vm.call_method(obj, name, args);
        show(vm, r)
    }

    /// `repr(obj.name(*args, **kw))`
    pub fn cmk(
        vm: &mut Vm,
        obj: &Value,
        name: &str,
        args: &[Value],
        kw: &[(&str, Value)],
    ) -> String {
        let r = (|| {
            let f = vm.get_attr_str(obj, name)?;
            let mut all = args.to_vec();
            let mut names = Vec::new();
            for (k, v) in kw {
                all.push(v.clone());
                names.push(Value::str(k));
            }
            vm.call_kw(&f, &all, &names)
        })();
        show(vm, r)
    }

    pub fn s(x: &str) -> Value {
        Value::str(x)
    }
    pub fn i(x: i64) -> Value {
        Value::Int(x)
    }
}

#[cfg(test)]
mod tests {
    use crate::vm::errors::PyResult;
    use crate::vm::Vm;

    use super::testutil::show;

    fn ev(
        vm: &mut Vm,
        a: crate::vm::value::Value,
        op: crate::syntax::ast::BinOp,
        b: crate::vm::value::Value,
    ) -> String {
        let r = vm.binary_op(&a, &b, op, false);
        show(vm, r)
    }

    #[test]
    fn int_arithmetic() -> PyResult<()> {
        use crate::syntax::ast::BinOp::*;
        use crate::vm::value::Value as V;
        let mut vm = Vm::new();
        let big = |s: &str| V::from_bigint(s.parse().expect("int"));
        assert_eq!(ev(&mut vm, V::Int(7), FloorDiv, V::Int(-2)), "-4");
        assert_eq!(ev(&mut vm, V::Int(-7), Mod, V::Int(3)), "2");
        assert_eq!(
            ev(&mut vm, V::Int(1), Mod, V::Int(0)),
            "!ZeroDivisionError: integer modulo by zero"
        );
        assert_eq!(
            ev(&mut vm, V::Int(1), FloorDiv, V::Int(0)),
            "!ZeroDivisionError: integer division or modulo by zero"
        );
        assert_eq!(
            ev(&mut vm, V::Int(1), Div, V::Int(0)),
            "!ZeroDivisionError: division by zero"
        );
        assert_eq!(
            ev(&mut vm, V::Int(0), Pow, V::Int(-1)),
            "!ZeroDivisionError: 0.0 cannot be raised to a negative power"
        );
        assert_eq!(ev(&mut vm, V::Int(2), Pow, V::Int(-2)), "0.25");
        assert_eq!(
            ev(&mut vm, V::Int(2), Pow, V::Int(100)),
            "1267650600228229401496703205376"
        );
        assert_eq!(
            ev(&mut vm, V::Int(1), LShift, V::Int(-1)),
            "!ValueError: negative shift count"
        );
        assert_eq!(
            ev(&mut vm, V::Int(1), RShift, V::Int(-1)),
            "!ValueError: negative shift count"
        );
        assert_eq!(
            ev(&mut vm, V::Int(1), LShift, V::Int(64)),
            "18446744073709551616"
        );
        assert_eq!(ev(&mut vm, V::Int(-5), RShift, V::Int(100)), "-1");
        assert_eq!(
            ev(&mut vm, big("-1180591620717411303424"), RShift, V::Int(3)),
            "-147573952589676412928"
        );
        assert_eq!(
            ev(&mut vm, big("-1180591620717411303425"), RShift, V::Int(3)),
            "-147573952589676412929"
        );
        assert_eq!(
            ev(&mut vm, V::Int(i64::MAX), Add, V::Int(1)),
            "9223372036854775808"
        );
        assert_eq!(
            ev(&mut vm, V::Int(i64::MIN), FloorDiv, V::Int(-1)),
            "9223372036854775808"
        );
        assert_eq!(
            ev(&mut vm, big("9223372036854775808"), FloorDiv, V::Int(-1)),
            "-9223372036854775808"
        );
        assert_eq!(
            ev(&mut vm, big("-1180591620717411303424"), BitOr, V::Int(5)),
            "-1180591620717411303419"
        );
        assert_eq!(
            ev(
                &mut vm,
                big("-1180591620717411303424"),
                BitXor,
                big("36893488147419103232")
            ),
            "-1143698132569992200192"
        );
        assert_eq!(ev(&mut vm, V::Bool(true), BitAnd, V::Bool(false)), "False");
        assert_eq!(ev(&mut vm, V::Bool(true), BitOr, V::Int(0)), "1");
        assert_eq!(ev(&mut vm, V::Bool(true), Add, V::Bool(true)), "2");
        assert_eq!(
            ev(&mut vm, V::Int(2), Pow, V::Int(10_000_000_000)),
            "!MemoryError: "
        );
        assert_eq!(
            ev(&mut vm, V::Int(1), LShift, big("100000000000000000000")),
            "!OverflowError: too many digits in integer"
        );
        assert_eq!(
            ev(&mut vm, V::Int(1), MatMult, V::Int(2)),
            "!TypeError: unsupported operand type(s) for @: 'int' and 'int'"
        );
        Ok(())
    }

    #[test]
    fn float_arithmetic() -> PyResult<()> {
        use crate::syntax::ast::BinOp::*;
        use crate::vm::value::Value as V;
        let mut vm = Vm::new();
        let big = |s: &str| V::from_bigint(s.parse().expect("int"));
        assert_eq!(
            ev(&mut vm, V::Float(0.1), Add, V::Float(0.2)),
            "0.30000000000000004"
        );
        assert_eq!(ev(&mut vm, V::Float(7.5), FloorDiv, V::Int(-2)), "-4.0");
        assert_eq!(ev(&mut vm, V::Float(-7.5), Mod, V::Int(2)), "0.5");
        assert_eq!(
            ev(&mut vm, V::Float(1.0), Mod, V::Int(0)),
            "!ZeroDivisionError: float modulo"
        );
        assert_eq!(
            ev(&mut vm, V::Float(1.0), FloorDiv, V::Int(0)),
            "!ZeroDivisionError: float floor division by zero"
        );
        assert_eq!(
            ev(&mut vm, V::Float(1.0), Div, V::Int(0)),
            "!ZeroDivisionError: float division by zero"
        );
        assert_eq!(
            ev(&mut vm, V::Float(2.0), Pow, V::Int(10000)),
            "!OverflowError: (34, 'Numerical result out of range')"
        );
        let p400 = "1".to_string() + &"0".repeat(400);
        assert_eq!(
            ev(&mut vm, big(&p400), Mult, V::Float(1.0)),
            "!OverflowError: int too large to convert to float"
        );
        assert_eq!(
            ev(&mut vm, big(&p400), Div, V::Int(3)),
            "!OverflowError: integer division result too large for a float"
        );
        assert_eq!(ev(&mut vm, V::Float(1e308), Mult, V::Int(10)), "inf");
        assert_eq!(
            ev(&mut vm, V::Int(2), Pow, V::Float(0.5)),
            "1.4142135623730951"
        );
        assert_eq!(
            ev(
                &mut vm,
                big("1267650600228229401496703205376"),
                Div,
                big("633825300114114700748351602688")
            ),
            "2.0"
        );
        Ok(())
    }

    #[test]
    fn exact_comparisons() -> PyResult<()> {
        use crate::syntax::ast::CmpOp;
        use crate::vm::value::Value as V;
        let mut vm = Vm::new();
        let big = |s: &str| V::from_bigint(s.parse().expect("int"));
        let p100 = big("1267650600228229401496703205376");
        let r = vm.compare(&p100, &V::Float(2f64.powi(100)), CmpOp::Eq)?;
        assert!(matches!(r, V::Bool(true)));
        let x = V::Int((1 << 53) + 1);
        let r = vm.compare(&x, &V::Float(((1u64 << 53) + 1) as f64), CmpOp::Eq)?;
        assert!(matches!(r, V::Bool(false)));
        let r = vm.compare(&x, &V::Float((1u64 << 53) as f64), CmpOp::Gt)?;
        assert!(matches!(r, V::Bool(true)));
        let r = vm.compare(&V::Float(f64::NAN), &V::Float(f64::NAN), CmpOp::NotEq)?;
        assert!(matches!(r, V::Bool(true)));
        let r = vm.compare(&p100, &V::Float(f64::INFINITY), CmpOp::Lt)?;
        assert!(matches!(r, V::Bool(true)));
        assert!(vm.eq(&V::Bool(true), &V::Float(1.0))?);
        Ok(())
    }

    #[test]
    fn hashes() -> PyResult<()> {
        use crate::vm::value::Value as V;
        let mut vm = Vm::new();
        let big = |s: &str| V::from_bigint(s.parse().expect("int"));
        assert_eq!(
            vm.hash(&big("1267650600228229401496703205376"))?,
            549755813888
        );
        assert_eq!(
            vm.hash(&big("-1267650600228229401496703205376"))?,
            -549755813888
        );
        assert_eq!(vm.hash(&V::Float(1.5))?, 1152921504606846977);
        assert_eq!(
            vm.hash(&V::tuple(vec![V::Int(1), V::Int(2)]))?,
            -3550055125485641917
        );
        assert_eq!(vm.hash(&V::Int(-1))?, -2);
        Ok(())
    }

    #[test]
    fn unary_ops() -> PyResult<()> {
        use crate::syntax::ast::UnaryOp;
        use crate::vm::value::Value as V;
        let mut vm = Vm::new();
        let r = vm.unary_op(&V::Int(i64::MIN), UnaryOp::USub)?;
        assert_eq!(vm.repr(&r)?, "9223372036854775808");
        let r = vm.unary_op(&V::Bool(true), UnaryOp::Invert)?;
        assert_eq!(vm.repr(&r)?, "-2");
        let b = V::from_bigint("1180591620717411303424".parse().expect("int"));
        let r = vm.unary_op(&b, UnaryOp::Invert)?;
        assert_eq!(vm.repr(&r)?, "-1180591620717411303425");
        Ok(())
    }
}
