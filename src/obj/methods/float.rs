//! Methods of `float`.

use super::int::not_impl;
use crate::obj::function::Args;
use crate::obj::number::{self, as_int, fmt_err};
use crate::obj::Obj;
use crate::syntax::ast::{BinOp, CmpOp};
use crate::text;
use crate::vm::errors::{overflow_error, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};

fn this(vm: &Vm, a: &Args, name: &str) -> PyResult<f64> {
    let receiver = match a.pos.first() {
        Some(Value::Float(x)) => Ok(*x),
        Some(v) => Err(super::wrong_receiver(name, "float", &vm.type_name(v))),
        None => Err(super::receiver_missing(name, "float")),
    }?;
    super::unary_slot_arity(a, name)?;
    Ok(receiver)
}

fn other<'a>(a: &'a Args, name: &str) -> PyResult<&'a Value> {
    a.no_kwargs(name)?;
    match a.pos.len() {
        // Instances of int/float subclasses take part as their value.
        2 => Ok(crate::vm::payload::builtin_view(&a.pos[1])),
        n => Err(type_error(format!(
            "expected 1 argument, got {}",
            n.saturating_sub(1)
        ))),
    }
}

fn is_num(v: &Value) -> bool {
    matches!(v, Value::Float(_)) || as_int(v).is_some()
}

fn arith(vm: &mut Vm, a: &Args, op: BinOp, reflected: bool, name: &str) -> PyResult<Value> {
    this(vm, a, name)?;
    let o = other(a, name)?;
    if !is_num(o) {
        return Ok(not_impl(vm));
    }
    let (x, y) = if reflected {
        (o, &a.pos[0])
    } else {
        (&a.pos[0], o)
    };
    number::binop_checked(x, y, op).unwrap_or_else(|| Ok(not_impl(vm)))
}

macro_rules! arith {
    ($($fname:ident, $op:expr, $refl:expr, $py:literal;)*) => {
        $(fn $fname(vm: &mut Vm, a: &Args) -> PyResult<Value> {
            arith(vm, a, $op, $refl, $py)
        })*
    };
}

arith! {
    add, BinOp::Add, false, "__add__";
    radd, BinOp::Add, true, "__radd__";
    sub, BinOp::Sub, false, "__sub__";
    rsub, BinOp::Sub, true, "__rsub__";
    mul, BinOp::Mult, false, "__mul__";
    rmul, BinOp::Mult, true, "__rmul__";
    truediv, BinOp::Div, false, "__truediv__";
    rtruediv, BinOp::Div, true, "__rtruediv__";
    floordiv, BinOp::FloorDiv, false, "__floordiv__";
    rfloordiv, BinOp::FloorDiv, true, "__rfloordiv__";
    mod_, BinOp::Mod, false, "__mod__";
    rmod, BinOp::Mod, true, "__rmod__";
    rpow, BinOp::Pow, true, "__rpow__";
}

fn pow(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__pow__")?;
    a.check_slot_unpacked("__pow__", 1, 2)?;
    if a.pos.get(2).is_some_and(|m| !m.is_none()) {
        return Err(type_error(
            "pow() 3rd argument not allowed unless all arguments are integers",
        ));
    }
    let o = crate::vm::payload::builtin_view(&a.pos[1]);
    if !is_num(o) {
        return Ok(not_impl(vm));
    }
    number::binop(&a.pos[0], o, BinOp::Pow).unwrap_or_else(|| Ok(not_impl(vm)))
}

fn cmp(vm: &mut Vm, a: &Args, op: CmpOp, name: &str) -> PyResult<Value> {
    this(vm, a, name)?;
    let o = other(a, name)?;
    if !is_num(o) {
        return Ok(not_impl(vm));
    }
    Ok(match number::compare(&a.pos[0], o, op) {
        Some(b) => Value::Bool(b),
        None => not_impl(vm),
    })
}

macro_rules! cmp {
    ($($fname:ident, $op:expr, $py:literal;)*) => {
        $(fn $fname(vm: &mut Vm, a: &Args) -> PyResult<Value> {
            cmp(vm, a, $op, $py)
        })*
    };
}

cmp! {
    eq, CmpOp::Eq, "__eq__";
    ne, CmpOp::NotEq, "__ne__";
    lt, CmpOp::Lt, "__lt__";
    le, CmpOp::LtE, "__le__";
    gt, CmpOp::Gt, "__gt__";
    ge, CmpOp::GtE, "__ge__";
}

fn divmod(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__divmod__")?;
    let o = other(a, "__divmod__")?;
    if !is_num(o) {
        return Ok(not_impl(vm));
    }
    number::divmod(&a.pos[0], o).unwrap_or_else(|| Ok(not_impl(vm)))
}

fn rdivmod(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__rdivmod__")?;
    let o = other(a, "__rdivmod__")?;
    if !is_num(o) {
        return Ok(not_impl(vm));
    }
    number::divmod(o, &a.pos[0]).unwrap_or_else(|| Ok(not_impl(vm)))
}

fn neg(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Float(-this(vm, a, "__neg__")?))
}
fn pos(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Float(this(vm, a, "__pos__")?))
}
fn abs(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Float(this(vm, a, "__abs__")?.abs()))
}
fn bool_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Bool(this(vm, a, "__bool__")? != 0.0))
}
fn int_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    number::float_to_int(this(vm, a, "__int__")?)
}
fn floor(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    number::float_to_int(this(vm, a, "__floor__")?.floor())
}
fn ceil(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    number::float_to_int(this(vm, a, "__ceil__")?.ceil())
}
fn float_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Float(this(vm, a, "__float__")?))
}
fn hash(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(number::hash_float(this(vm, a, "__hash__")?)))
}
fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::string(number::float_repr(this(vm, a, "__repr__")?)))
}

fn format(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let x = this(vm, a, "__format__")?;
    a.check_method("float", "__format__", 2, 2)?;
    let Some(spec) = a.pos[1].as_str() else {
        return Err(type_error(format!(
            "__format__() argument must be str, not {}",
            vm.type_name(&a.pos[1])
        )));
    };
    if spec.is_empty() {
        return Ok(Value::string(number::float_repr(x)));
    }
    text::format_float(x, spec)
        .map(Value::string)
        .map_err(fmt_err)
}

fn round(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let x = this(vm, a, "__round__")?;
    a.check_method("float", "__round__", 1, 2)?;
    let nd = match a.pos.get(1) {
        None | Some(Value::None) => None,
        Some(n) => Some(match as_int(n) {
            Some(crate::obj::number::IntRef::Small(i)) => i,
            Some(crate::obj::number::IntRef::Big(b)) => {
                if b.is_negative() {
                    i64::MIN
                } else {
                    i64::MAX
                }
            }
            None => {
                return Err(type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    vm.type_name(n)
                )))
            }
        }),
    };
    match text::round_float(x, nd).map_err(fmt_err)? {
        text::RoundResult::Int(b) => Ok(Value::from_bigint(b)),
        text::RoundResult::Float(f) => Ok(Value::Float(f)),
    }
}

fn is_integer(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let x = this(vm, a, "is_integer")?;
    a.check_method("float", "is_integer", 1, 1)?;
    Ok(Value::Bool(x.is_finite() && x.fract() == 0.0))
}

fn conjugate(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let x = this(vm, a, "conjugate")?;
    a.check_method("float", "conjugate", 1, 1)?;
    Ok(Value::Float(x))
}
fn get_imag(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "imag")?;
    Ok(Value::Float(0.0))
}

/// `float.as_integer_ratio()`: the exact fraction in lowest terms.
pub fn integer_ratio(x: f64) -> PyResult<(BigInt, BigInt)> {
    if x.is_infinite() {
        return Err(overflow_error("cannot convert Infinity to integer ratio"));
    }
    if x.is_nan() {
        return Err(value_error("cannot convert NaN to integer ratio"));
    }
    if x == 0.0 {
        return Ok((BigInt::zero(), BigInt::from(1)));
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = (bits & ((1u64 << 52) - 1)) as i64;
    let mut e = if exp == 0 {
        -1074
    } else {
        mant |= 1 << 52;
        exp - 1075
    };
    let tz = mant.trailing_zeros() as i64;
    mant >>= tz;
    e += tz;
    let mut n = BigInt::from(mant);
    if x < 0.0 {
        n = -n;
    }
    if e >= 0 {
        Ok((n << e as u64, BigInt::from(1)))
    } else {
        Ok((n, BigInt::from(1) << (-e) as u64))
    }
}

fn as_integer_ratio(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let x = this(vm, a, "as_integer_ratio")?;
    a.check_method("float", "as_integer_ratio", 1, 1)?;
    let (n, d) = integer_ratio(x)?;
    Ok(Value::tuple(vec![
        Value::from_bigint(n),
        Value::from_bigint(d),
    ]))
}

/// `float.hex()`
pub fn float_hex(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    if x == 0.0 {
        return format!("{sign}0x0.0p+0");
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1u64 << 52) - 1);
    let (lead, e) = if exp == 0 {
        (0, -1022)
    } else {
        (1, exp - 1023)
    };
    let esign = if e < 0 { "-" } else { "+" };
    format!("{sign}0x{lead}.{mant:013x}p{esign}{}", e.abs())
}

fn hex(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let x = this(vm, a, "hex")?;
    a.check_method("float", "hex", 1, 1)?;
    Ok(Value::string(float_hex(x)))
}

/// `float.fromhex(s)`
pub fn float_fromhex(s: &str) -> PyResult<f64> {
    let invalid = || value_error("invalid hexadecimal floating-point string");
    let t = s.trim_matches(|c: char| c.is_ascii_whitespace());
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = t.to_ascii_lowercase();
    let sign = if neg { -1.0 } else { 1.0 };
    if lower == "inf" || lower == "infinity" {
        return Ok(sign * f64::INFINITY);
    }
    if lower == "nan" {
        return Ok(crate::text::number_parse::fresh_nan());
    }
    let body = lower.strip_prefix("0x").unwrap_or(&lower);
    let (mant_s, exp_s) = match body.find('p') {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_s, frac_s) = match mant_s.find('.') {
        Some(i) => (&mant_s[..i], &mant_s[i + 1..]),
        None => (mant_s, ""),
    };
    if int_s.is_empty() && frac_s.is_empty() {
        return Err(invalid());
    }
    let mut m = BigInt::zero();
    for c in int_s.chars().chain(frac_s.chars()) {
        let d = c.to_digit(16).ok_or_else(invalid)?;
        m = m * 16 + d;
    }
    let mut e: i64 = match exp_s {
        Some(x) => {
            let digits = x.strip_prefix(['+', '-']).unwrap_or(x);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            // Saturate absurd exponents: the result is 0 or an overflow either way.
            x.parse::<i64>().unwrap_or(if x.starts_with('-') {
                -1 << 40
            } else {
                1 << 40
            })
        }
        None => 0,
    };
    e -= 4 * frac_s.len() as i64;
    if m.is_zero() {
        return Ok(sign * 0.0);
    }
    let too_large = || overflow_error("hexadecimal value too large to represent as a float");
    let r = if e >= 0 {
        if e + m.bits() as i64 > 1100 {
            return Err(too_large());
        }
        text::bigint_to_f64(&(m << e as u64)).map_err(|_| too_large())?
    } else {
        let k = (-e) as u64;
        if k > m.bits() + 1200 {
            0.0
        } else {
            text::int_true_div(&m, &(BigInt::from(1) << k)).map_err(|_| too_large())?
        }
    };
    Ok(sign * r)
}

fn fromhex(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check_method("float", "fromhex", 2, 2)?;
    match a.pos[1].as_str() {
        Some(s) => Ok(Value::Float(float_fromhex(s)?)),
        None => Err(type_error(format!(
            "fromhex() argument must be str, not {}",
            vm.type_name(&a.pos[1])
        ))),
    }
}

/// `float.__getformat__(typestr)`: how C doubles and floats are stored here.
fn getformat(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check("__getformat__", 2, 2)?;
    match a.pos[1].as_str() {
        Some("double" | "float") => Ok(Value::str(if cfg!(target_endian = "little") {
            "IEEE, little-endian"
        } else {
            "IEEE, big-endian"
        })),
        Some(_) => Err(crate::vm::errors::value_error(
            "__getformat__() argument 1 must be 'double' or 'float'",
        )),
        None => Err(type_error(format!(
            "__getformat__() argument must be str, not {}",
            vm.type_name(&a.pos[1])
        ))),
    }
}

/// `float(x)`
pub fn float_from(vm: &mut Vm, x: &Value) -> PyResult<f64> {
    match x {
        Value::Float(f) => return Ok(*f),
        Value::Obj(o) => match &**o {
            Obj::Str(s) => return text::parse_float(s.as_str()).map_err(fmt_err),
            Obj::Bytes(_) | Obj::ByteArray(_) | Obj::MemoryView(_) if bytes_like_ok(o) => {
                let data = super::bytes::bytes_data(x).unwrap_or_default();
                let s: String = data.iter().map(|&b| b as char).collect();
                return match text::parse_float(&s) {
                    Ok(f) => Ok(f),
                    Err(_) => {
                        let r = vm.repr(x)?;
                        Err(value_error(format!(
                            "could not convert string to float: {r}"
                        )))
                    }
                };
            }
            _ => {}
        },
        _ => {}
    }
    if let Some(i) = as_int(x) {
        return i.to_f64();
    }
    if let Some(f) = vm.lookup_special(x, "__float__") {
        let r = vm.call(&f, std::slice::from_ref(x))?;
        return match r {
            Value::Float(f) => Ok(f),
            _ => Err(type_error(format!(
                "{}.__float__ returned non-float (type {})",
                vm.type_name(x),
                vm.type_name(&r)
            ))),
        };
    }
    if vm.lookup_special(x, "__index__").is_some() {
        let r = vm.call_method(x, "__index__", &[])?;
        if let Some(i) = as_int(&r) {
            return i.to_f64();
        }
    }
    Err(type_error(format!(
        "float() argument must be a string or a real number, not '{}'",
        vm.type_name(x)
    )))
}

fn float_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "float")?;
    a.no_kwargs("float")?;
    match a.pos.len() {
        1 => Ok(Value::Float(0.0)),
        // float(x) of a float is x itself (the same NaN); anything else makes a new float.
        2 if matches!(a.pos[1], Value::Float(_)) => Ok(a.pos[1].clone()),
        2 => Ok(crate::obj::number::new_float(float_from(vm, &a.pos[1])?)),
        n => Err(type_error(format!(
            "float expected at most 1 argument, got {}",
            n - 1
        ))),
    }
}

fn getnewargs(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::tuple(vec![Value::Float(this(
        vm,
        a,
        "__getnewargs__",
    )?)]))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.float.clone();
    vm.add_methods(
        &t,
        "float",
        &[
            ("__new__", float_new),
            ("__getnewargs__", getnewargs),
            ("__add__", add),
            ("__radd__", radd),
            ("__sub__", sub),
            ("__rsub__", rsub),
            ("__mul__", mul),
            ("__rmul__", rmul),
            ("__truediv__", truediv),
            ("__rtruediv__", rtruediv),
            ("__floordiv__", floordiv),
            ("__rfloordiv__", rfloordiv),
            ("__mod__", mod_),
            ("__rmod__", rmod),
            ("__divmod__", divmod),
            ("__rdivmod__", rdivmod),
            ("__pow__", pow),
            ("__rpow__", rpow),
            ("__eq__", eq),
            ("__ne__", ne),
            ("__lt__", lt),
            ("__le__", le),
            ("__gt__", gt),
            ("__ge__", ge),
            ("__neg__", neg),
            ("__pos__", pos),
            ("__abs__", abs),
            ("__bool__", bool_),
            ("__int__", int_),
            ("__trunc__", int_),
            ("__floor__", floor),
            ("__ceil__", ceil),
            ("__float__", float_),
            ("__hash__", hash),
            ("__repr__", repr),
            ("__format__", format),
            ("__round__", round),
            ("is_integer", is_integer),
            ("as_integer_ratio", as_integer_ratio),
            ("hex", hex),
            ("conjugate", conjugate),
        ],
    );
    let p = vm.native_property("float", "real", float_);
    vm.add_class_attr(&t, "real", p);
    let p = vm.native_property("float", "imag", get_imag);
    vm.add_class_attr(&t, "imag", p);
    let fh = Value::obj(Obj::class_method(crate::vm::native::native(
        "float", "fromhex", fromhex,
    )));
    vm.add_class_attr(&t, "fromhex", fh);
    let gf = Value::obj(Obj::class_method(crate::vm::native::native(
        "float",
        "__getformat__",
        getformat,
    )));
    vm.add_class_attr(&t, "__getformat__", gf);
}

/// A bytes-like object `float()` parses: a released or strided view is refused by type.
fn bytes_like_ok(o: &crate::obj::Obj) -> bool {
    !matches!(o, crate::obj::Obj::MemoryView(m) if m.released() || !m.contiguous())
}

#[cfg(test)]
mod tests {
    use crate::obj::number::testutil::{cm, i, s, show};
    use crate::vm::value::Value;
    use crate::vm::Vm;

    #[test]
    fn float_methods() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let f = Value::Float;
        assert_eq!(cm(vm, &f(1.5), "as_integer_ratio", &[]), "(3, 2)");
        assert_eq!(cm(vm, &f(0.1), "hex", &[]), "'0x1.999999999999ap-4'");
        assert_eq!(cm(vm, &f(1.0), "hex", &[]), "'0x1.0000000000000p+0'");
        assert_eq!(cm(vm, &f(5e-324), "hex", &[]), "'0x0.0000000000001p-1022'");
        assert_eq!(cm(vm, &f(-0.0), "hex", &[]), "'-0x0.0p+0'");
        let ft = Value::Obj(vm.t.float.clone());
        assert_eq!(cm(vm, &ft, "fromhex", &[s("0x1.8p1")]), "3.0");
        assert_eq!(cm(vm, &ft, "fromhex", &[s("0x1.999999999999ap-4")]), "0.1");
        assert_eq!(cm(vm, &ft, "fromhex", &[s("-0x1p-1074")]), "-5e-324");
        assert_eq!(
            cm(vm, &ft, "fromhex", &[s("0x1p2000")]),
            "!OverflowError: hexadecimal value too large to represent as a float"
        );
        assert_eq!(cm(vm, &f(3.0), "is_integer", &[]), "True");
        assert_eq!(cm(vm, &f(2.5), "__round__", &[]), "2");
        assert_eq!(cm(vm, &f(2.675), "__round__", &[i(2)]), "2.67");
        assert_eq!(
            cm(vm, &f(f64::INFINITY), "__round__", &[]),
            "!OverflowError: cannot convert float infinity to integer"
        );
        assert_eq!(
            cm(vm, &f(f64::INFINITY), "as_integer_ratio", &[]),
            "!OverflowError: cannot convert Infinity to integer ratio"
        );
        assert_eq!(cm(vm, &f(1.23456), "__format__", &[s(".2f")]), "'1.23'");
        assert_eq!(cm(vm, &f(1.0), "__radd__", &[i(1)]), "2.0");
        assert_eq!(
            cm(vm, &f(1.0), "__lshift__", &[i(1)]),
            "!AttributeError: 'float' object has no attribute '__lshift__'"
        );
        assert_eq!(cm(vm, &f(1e22), "__repr__", &[]), "'1e+22'");
        assert_eq!(cm(vm, &f(-3.5), "__floor__", &[]), "-4");
        assert_eq!(
            cm(vm, &f(-1.0), "__divmod__", &[f(0.0)]),
            "!ZeroDivisionError: float divmod()"
        );
        assert_eq!(
            cm(vm, &f(2.0), "__pow__", &[i(3), i(5)]),
            "!TypeError: pow() 3rd argument not allowed unless all arguments are integers"
        );
    }

    #[test]
    fn float_constructor() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let ft = Value::Obj(vm.t.float.clone());
        let call = |vm: &mut Vm, args: &[Value]| {
            let r = vm.call(&ft, args);
            show(vm, r)
        };
        assert_eq!(call(vm, &[]), "0.0");
        assert_eq!(call(vm, &[s(" 1e3 ")]), "1000.0");
        assert_eq!(
            call(vm, &[s("x")]),
            "!ValueError: could not convert string to float: 'x'"
        );
        assert_eq!(
            call(vm, &[Value::None]),
            "!TypeError: float() argument must be a string or a real number, not 'NoneType'"
        );
        assert_eq!(call(vm, &[i(3)]), "3.0");
        assert_eq!(call(vm, &[s("-inf")]), "-inf");
        assert_eq!(call(vm, &[s("nan")]), "nan");
    }
}
