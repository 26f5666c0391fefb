//! Numeric fast paths used by the VM's protocols: int/float arithmetic, comparison,
//! hashing and reprs that need no method lookup.
//!
//! Each function returns `None` when its operands are not numbers it handles, so the VM
//! falls back to special methods.

use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};
use crate::vm::errors::{zero_division, PyResult};
use crate::vm::value::Value;

/// CPython's modulus for numeric hashes (2**61 - 1).
const HASH_MODULUS: i64 = (1 << 61) - 1;

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

pub fn hash_bigint(b: &num_bigint::BigInt) -> i64 {
    use num_traits::ToPrimitive;
    let m = num_bigint::BigInt::from(HASH_MODULUS);
    let r = (b.magnitude() % m.magnitude()).to_i64().unwrap_or(0);
    let h = if b.sign() == num_bigint::Sign::Minus { -r } else { r };
    if h == -1 {
        -2
    } else {
        h
    }
}

pub fn hash_float(x: f64) -> i64 {
    if x.is_nan() {
        return 0;
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
    let e = if e >= 0 { e % 61 } else { 61 - 1 - ((-1 - e) % 61) };
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
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format!("{x:?}");
    s
}

/// `repr(str)`: CPython's quoting and escaping rules.
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
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_unprintable(c) => {
                let n = c as u32;
                if n <= 0xff {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n <= 0xffff {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Characters CPython's `str.isprintable()` rejects (approximation for common ranges).
fn is_unprintable(c: char) -> bool {
    let n = c as u32;
    (0x80..0xa0).contains(&n) || n == 0xad || (0xd800..0xe000).contains(&n) || n == 0x2028 || n == 0x2029
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::Float(x) => Some(*x),
        _ => None,
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    }
}

/// Comparison of two numbers.
pub fn compare(a: &Value, b: &Value, op: CmpOp) -> Option<bool> {
    if let (Some(x), Some(y)) = (as_i64(a), as_i64(b)) {
        return Some(match op {
            CmpOp::Eq => x == y,
            CmpOp::NotEq => x != y,
            CmpOp::Lt => x < y,
            CmpOp::LtE => x <= y,
            CmpOp::Gt => x > y,
            CmpOp::GtE => x >= y,
            _ => return None,
        });
    }
    let (x, y) = (as_f64(a)?, as_f64(b)?);
    Some(match op {
        CmpOp::Eq => x == y,
        CmpOp::NotEq => x != y,
        CmpOp::Lt => x < y,
        CmpOp::LtE => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::GtE => x >= y,
        _ => return None,
    })
}

/// Arithmetic on two numbers.
pub fn binop(a: &Value, b: &Value, op: BinOp) -> Option<PyResult<Value>> {
    if let (Some(x), Some(y)) = (as_i64(a), as_i64(b)) {
        let r = match op {
            BinOp::Add => x.checked_add(y),
            BinOp::Sub => x.checked_sub(y),
            BinOp::Mult => x.checked_mul(y),
            BinOp::FloorDiv => {
                if y == 0 {
                    return Some(Err(zero_division("integer division or modulo by zero")));
                }
                Some(x.div_euclid(y) - if y < 0 && x.rem_euclid(y) != 0 { 1 } else { 0 })
            }
            BinOp::Mod => {
                if y == 0 {
                    return Some(Err(zero_division("integer modulo by zero")));
                }
                let r = x % y;
                Some(if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r })
            }
            BinOp::BitAnd => Some(x & y),
            BinOp::BitOr => Some(x | y),
            BinOp::BitXor => Some(x ^ y),
            BinOp::Div => {
                if y == 0 {
                    return Some(Err(zero_division("division by zero")));
                }
                return Some(Ok(Value::Float(x as f64 / y as f64)));
            }
            _ => None,
        };
        return r.map(|v| Ok(Value::Int(v)));
    }
    let (x, y) = (as_f64(a)?, as_f64(b)?);
    Some(Ok(Value::Float(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mult => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Some(Err(zero_division("float division by zero")));
            }
            x / y
        }
        _ => return None,
    })))
}

/// Unary minus, plus and invert on numbers.
pub fn unary(a: &Value, op: UnaryOp) -> Option<PyResult<Value>> {
    match (a, op) {
        (Value::Int(i), UnaryOp::USub) => i.checked_neg().map(|v| Ok(Value::Int(v))),
        (Value::Int(i), UnaryOp::UAdd) => Some(Ok(Value::Int(*i))),
        (Value::Int(i), UnaryOp::Invert) => Some(Ok(Value::Int(!i))),
        (Value::Bool(b), UnaryOp::USub) => Some(Ok(Value::Int(-(*b as i64)))),
        (Value::Bool(b), UnaryOp::UAdd) => Some(Ok(Value::Int(*b as i64))),
        (Value::Bool(b), UnaryOp::Invert) => Some(Ok(Value::Int(!(*b as i64)))),
        (Value::Float(x), UnaryOp::USub) => Some(Ok(Value::Float(-x))),
        (Value::Float(x), UnaryOp::UAdd) => Some(Ok(Value::Float(*x))),
        _ => None,
    }
}
