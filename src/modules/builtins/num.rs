//! Numeric builtins: abs, round, divmod, pow, chr, ord, hex, oct, bin.

use crate::obj::function::Args;
use crate::obj::Obj;
use crate::syntax::ast::BinOp;
use crate::vm::errors::{overflow_error, type_error, value_error, zero_division, PyResult};
use crate::vm::native::native;
use crate::vm::value::Value;
use crate::vm::Vm;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};

fn b_abs(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("abs", 1, 1)?;
    let v = &args.pos[0];
    match v {
        Value::Int(i) => Ok(match i.checked_abs() {
            Some(a) => Value::Int(a),
            None => Value::from_i128(-(*i as i128)),
        }),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(x) => Ok(Value::Float(x.abs())),
        Value::Obj(o) if matches!(&**o, Obj::Complex(_)) => {
            match crate::obj::complex::as_complex(v) {
                Some(c) => crate::obj::complex::abs(c).map(Value::Float),
                None => Ok(v.clone()),
            }
        }
        Value::Obj(o) if matches!(&**o, Obj::BigInt(_)) => match v.to_bigint() {
            Some(b) => Ok(Value::from_bigint(b.abs())),
            None => Ok(v.clone()),
        },
        _ => match vm.lookup_special(v, "__abs__") {
            Some(f) => vm.call(&f, std::slice::from_ref(v)),
            None => Err(type_error(format!(
                "bad operand type for abs(): '{}'",
                vm.type_name(v)
            ))),
        },
    }
}

/// An int value from an f64 that is integral (any magnitude).
fn int_from_f64(x: f64) -> Value {
    if x.abs() < 9.0e18 {
        Value::Int(x as i64)
    } else {
        Value::from_bigint(BigInt::from_f64(x).unwrap_or_default())
    }
}

/// Rounds `n` to a multiple of `10**k` (k > 0), ties to even.
fn round_int_neg(n: &BigInt, k: u32) -> BigInt {
    let p = BigInt::from(10u32).pow(k);
    let (q, r) = n.div_mod_floor(&p);
    let twice = &r * 2u32;
    let up = match twice.cmp(&p) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => q.is_odd(),
    };
    let q = if up { q + 1u32 } else { q };
    q * p
}

/// `round(x, ndigits)` for a float, correctly rounded like CPython's `double_round`.
fn round_float(x: f64, ndigits: i64) -> PyResult<Value> {
    const NDIGITS_MAX: i64 = 323;
    const NDIGITS_MIN: i64 = -308;
    if !x.is_finite() || x == 0.0 || ndigits > NDIGITS_MAX {
        return Ok(Value::Float(x));
    }
    if ndigits < NDIGITS_MIN {
        return Ok(Value::Float(0.0 * x));
    }
    let text = if ndigits >= 0 {
        format!("{:.*}", ndigits as usize, x)
    } else {
        // The exact value of x is m * 2**e; round it to a multiple of 10**-ndigits.
        let bits = x.abs().to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (m, e) = if exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), exp - 1075)
        };
        let k = (-ndigits) as u32;
        let p = BigInt::from(10u32).pow(k);
        let (num, den) = if e >= 0 {
            (BigInt::from(m) << (e as usize), BigInt::one())
        } else {
            (BigInt::from(m), BigInt::one() << ((-e) as usize))
        };
        let scaled_den = &den * &p;
        let (q, r) = num.div_mod_floor(&scaled_den);
        let twice = &r * 2u32;
        let up = match twice.cmp(&scaled_den) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => q.is_odd(),
        };
        let q = if up { q + 1u32 } else { q };
        let sign = if x < 0.0 { "-" } else { "" };
        format!("{sign}{q}e{k}")
    };
    let y: f64 = text
        .parse()
        .map_err(|_| value_error("could not round float"))?;
    if y.is_infinite() {
        return Err(overflow_error("rounded value too large to represent"));
    }
    Ok(Value::Float(y))
}

fn b_round(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.only_kwargs("round", &["number", "ndigits"])?;
    let Some(v) = args.arg(0, "number") else {
        return Err(type_error(
            "round() missing required argument 'number' (pos 1)",
        ));
    };
    if args.pos.len() > 2 {
        return Err(type_error(format!(
            "round() takes at most 2 arguments ({} given)",
            args.pos.len()
        )));
    }
    let nd = args.arg(1, "ndigits").filter(|n| !n.is_none()).cloned();
    match v {
        Value::Float(x) => match nd {
            None => {
                if x.is_nan() {
                    return Err(value_error("cannot convert float NaN to integer"));
                }
                if x.is_infinite() {
                    return Err(overflow_error("cannot convert float infinity to integer"));
                }
                Ok(int_from_f64(x.round_ties_even()))
            }
            Some(n) => {
                let n = match n.to_bigint() {
                    Some(b) => {
                        b.to_i64()
                            .unwrap_or(if b.is_negative() { i64::MIN } else { i64::MAX })
                    }
                    None => vm.index_value(&n)?,
                };
                round_float(*x, n)
            }
        },
        _ if v.is_int() => {
            let Some(n) = nd else {
                return Ok(match v {
                    Value::Bool(b) => Value::Int(*b as i64),
                    _ => v.clone(),
                });
            };
            let n = match n.to_bigint() {
                Some(b) => b
                    .to_i64()
                    .unwrap_or(if b.is_negative() { i64::MIN } else { i64::MAX }),
                None => vm.index_value(&n)?,
            };
            let b = v.to_bigint().unwrap_or_default();
            if n >= 0 {
                return Ok(Value::from_bigint(b));
            }
            // Beyond the number of digits everything rounds to 0.
            let digits = b.abs().to_string().len() as i64;
            if -n > digits + 1 {
                return Ok(Value::Int(0));
            }
            Ok(Value::from_bigint(round_int_neg(&b, (-n) as u32)))
        }
        _ => {
            let Some(f) = vm.lookup_special(v, "__round__") else {
                return Err(type_error(format!(
                    "type {} doesn't define __round__ method",
                    vm.type_name(v)
                )));
            };
            match nd {
                None => vm.call(&f, std::slice::from_ref(v)),
                Some(n) => vm.call(&f, &[v.clone(), n]),
            }
        }
    }
}

fn is_number(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::Float(_))
        || matches!(v, Value::Obj(o) if matches!(&**o, Obj::BigInt(_)))
}

fn b_divmod(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("divmod", 2, 2)?;
    let (a, b) = (&args.pos[0], &args.pos[1]);
    if is_number(a) && is_number(b) {
        let float = matches!(a, Value::Float(_)) || matches!(b, Value::Float(_));
        if float {
            let zero = match b {
                Value::Float(y) => *y == 0.0,
                _ => b.to_bigint().is_some_and(|x| x.is_zero()),
            };
            if zero {
                return Err(zero_division("float divmod()"));
            }
        }
        let q = vm.binary_op(a, b, BinOp::FloorDiv, false)?;
        let r = vm.binary_op(a, b, BinOp::Mod, false)?;
        return Ok(Value::tuple(vec![q, r]));
    }
    let not_impl = |v: &Value| matches!(v, Value::Obj(o) if matches!(&**o, Obj::NotImplemented));
    let ta = vm.type_of(a);
    let tb = vm.type_of(b);
    if let Some(f) = vm.lookup_special(a, "__divmod__") {
        let r = vm.call(&f, &[a.clone(), b.clone()])?;
        if !not_impl(&r) {
            return Ok(r);
        }
    }
    if !ta.is(&tb) {
        if let Some(f) = vm.lookup_special(b, "__rdivmod__") {
            let r = vm.call(&f, &[b.clone(), a.clone()])?;
            if !not_impl(&r) {
                return Ok(r);
            }
        }
    }
    Err(type_error(format!(
        "unsupported operand type(s) for divmod(): '{}' and '{}'",
        vm.type_name(a),
        vm.type_name(b)
    )))
}

/// `pow(base, exp, mod)` for ints, including negative exponents (modular inverse).
pub fn int_pow_mod(base: &BigInt, exp: &BigInt, m: &BigInt) -> PyResult<BigInt> {
    if m.is_zero() {
        return Err(value_error("pow() 3rd argument cannot be 0"));
    }
    let am = m.abs();
    if am.is_one() {
        return Ok(BigInt::zero());
    }
    let (base, exp) = if exp.is_negative() {
        let inv = mod_inverse(&base.mod_floor(&am), &am)
            .ok_or_else(|| value_error("base is not invertible for the given modulus"))?;
        (inv, -exp)
    } else {
        (base.mod_floor(&am), exp.clone())
    };
    let r = base.modpow(&exp, &am);
    // Python's result has the sign of the modulus.
    Ok(if m.is_negative() && !r.is_zero() {
        r - am
    } else {
        r
    })
}

fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let g = a.extended_gcd(m);
    if !g.gcd.is_one() {
        return None;
    }
    Some(g.x.mod_floor(m))
}

fn b_pow(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.only_kwargs("pow", &["base", "exp", "mod"])?;
    if args.pos.len() > 3 {
        return Err(type_error(format!(
            "pow() takes at most 3 arguments ({} given)",
            args.pos.len()
        )));
    }
    let Some(base) = args.arg(0, "base") else {
        return Err(type_error("pow() missing required argument 'base' (pos 1)"));
    };
    let Some(exp) = args.arg(1, "exp") else {
        return Err(type_error("pow() missing required argument 'exp' (pos 2)"));
    };
    match args.arg(2, "mod") {
        None | Some(Value::None) => vm.binary_op(base, exp, BinOp::Pow, false),
        Some(m) => {
            if let (Some(b), Some(e), Some(mm)) = (base.to_bigint(), exp.to_bigint(), m.to_bigint())
            {
                return Ok(Value::from_bigint(int_pow_mod(&b, &e, &mm)?));
            }
            if is_number(base) && is_number(exp) && is_number(m) {
                return Err(type_error(
                    "pow() 3rd argument not allowed unless all arguments are integers",
                ));
            }
            match vm.lookup_special(base, "__pow__") {
                Some(f) => vm.call(&f, &[base.clone(), exp.clone(), m.clone()]),
                None => Err(type_error(format!(
                    "unsupported operand type(s) for ** or pow(): '{}', '{}', '{}'",
                    vm.type_name(base),
                    vm.type_name(exp),
                    vm.type_name(m)
                ))),
            }
        }
    }
}

fn b_chr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("chr", 1, 1)?;
    let v = &args.pos[0];
    let n = match v.to_bigint() {
        Some(b) => b.to_i64().unwrap_or(-1),
        None => {
            if matches!(v, Value::Float(_)) {
                return Err(type_error(
                    "'float' object cannot be interpreted as an integer",
                ));
            }
            vm.index_value(v)?
        }
    };
    if !(0..0x110000).contains(&n) {
        return Err(value_error("chr() arg not in range(0x110000)"));
    }
    match char::from_u32(n as u32) {
        Some(c) => Ok(Value::string(c.to_string())),
        None => Err(crate::vm::errors::not_implemented(
            "aio strings cannot hold lone surrogates (chr() of U+D800..U+DFFF)",
        )),
    }
}

fn b_ord(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("ord", 1, 1)?;
    let v = &args.pos[0];
    if let Some(s) = v.as_str() {
        let mut it = s.chars();
        return match (it.next(), it.next()) {
            (Some(c), None) => Ok(Value::Int(c as i64)),
            _ => Err(type_error(format!(
                "ord() expected a character, but string of length {} found",
                s.chars().count()
            ))),
        };
    }
    if let Value::Obj(o) = v {
        let bytes: Option<Vec<u8>> = match &**o {
            Obj::Bytes(b) => Some(b.to_vec()),
            Obj::ByteArray(b) => Some(b.borrow().clone()),
            _ => None,
        };
        if let Some(b) = bytes {
            if b.len() == 1 {
                return Ok(Value::Int(b[0] as i64));
            }
            return Err(type_error(format!(
                "ord() expected a character, but string of length {} found",
                b.len()
            )));
        }
    }
    Err(type_error(format!(
        "ord() expected string of length 1, but {} found",
        vm.type_name(v)
    )))
}

fn radix(vm: &mut Vm, args: &Args, name: &str, prefix: &str, base: u32) -> PyResult<Value> {
    args.check(name, 1, 1)?;
    let b = vm.index_bigint(&args.pos[0])?;
    let digits = b.magnitude().to_str_radix(base);
    let sign = if b.is_negative() { "-" } else { "" };
    Ok(Value::string(format!("{sign}{prefix}{digits}")))
}

fn b_hex(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    radix(vm, args, "hex", "0x", 16)
}
fn b_oct(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    radix(vm, args, "oct", "0o", 8)
}
fn b_bin(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    radix(vm, args, "bin", "0b", 2)
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, crate::obj::function::NativeFn)] = &[
        ("abs", b_abs),
        ("round", b_round),
        ("divmod", b_divmod),
        ("pow", b_pow),
        ("chr", b_chr),
        ("ord", b_ord),
        ("hex", b_hex),
        ("oct", b_oct),
        ("bin", b_bin),
    ];
    for &(name, f) in funcs {
        vm.set_builtin(name, native("", name, f));
    }
}
