//! Methods of `int` and `bool`.

use crate::obj::function::Args;
use crate::obj::number::{self, as_int, fmt_err, IntRef};
use crate::obj::Obj;
use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};
use crate::text;
use crate::vm::errors::{overflow_error, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

pub(crate) fn not_impl(vm: &Vm) -> Value {
    vm.t.not_implemented_value.clone()
}

/// The receiver of an int method (bools count), or a TypeError naming the method.
fn this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<IntRef<'a>> {
    let receiver = match a.pos.first() {
        Some(v) => as_int(v).ok_or_else(|| super::wrong_receiver(name, "int", &vm.type_name(v))),
        None => Err(super::receiver_missing(name, "int")),
    }?;
    super::unary_slot_arity(a, name)?;
    Ok(receiver)
}

/// The single argument of a binary special method.
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

/// `int(v)`: the value as a plain int (bool becomes int).
pub fn to_plain_int(v: IntRef) -> Value {
    match v {
        IntRef::Small(i) => Value::Int(i),
        IntRef::Big(b) => Value::from_bigint(b.clone()),
    }
}

fn int_arith(vm: &mut Vm, a: &Args, op: BinOp, reflected: bool, name: &str) -> PyResult<Value> {
    this(vm, a, name)?;
    let o = other(a, name)?;
    if as_int(o).is_none() {
        return Ok(not_impl(vm));
    }
    let (x, y) = if reflected {
        (o, &a.pos[0])
    } else {
        (&a.pos[0], o)
    };
    match number::binop(x, y, op) {
        Some(r) => r,
        None => Ok(not_impl(vm)),
    }
}

macro_rules! arith {
    ($($fname:ident, $op:expr, $refl:expr, $py:literal;)*) => {
        $(fn $fname(vm: &mut Vm, a: &Args) -> PyResult<Value> {
            int_arith(vm, a, $op, $refl, $py)
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
    lshift, BinOp::LShift, false, "__lshift__";
    rlshift, BinOp::LShift, true, "__rlshift__";
    rshift, BinOp::RShift, false, "__rshift__";
    rrshift, BinOp::RShift, true, "__rrshift__";
    and, BinOp::BitAnd, false, "__and__";
    rand, BinOp::BitAnd, true, "__rand__";
    or, BinOp::BitOr, false, "__or__";
    ror, BinOp::BitOr, true, "__ror__";
    xor, BinOp::BitXor, false, "__xor__";
    rxor, BinOp::BitXor, true, "__rxor__";
    rpow, BinOp::Pow, true, "__rpow__";
}

fn int_cmp(vm: &mut Vm, a: &Args, op: CmpOp, name: &str) -> PyResult<Value> {
    this(vm, a, name)?;
    let o = other(a, name)?;
    if as_int(o).is_none() {
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
            int_cmp(vm, a, $op, $py)
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

fn pow(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__pow__")?;
    a.check_slot_unpacked("__pow__", 1, 2)?;
    let (x, y) = (&a.pos[0], crate::vm::payload::builtin_view(&a.pos[1]));
    let m = a.pos.get(2).filter(|m| !m.is_none());
    if as_int(y).is_none() {
        return Ok(not_impl(vm));
    }
    match m {
        None => number::binop(x, y, BinOp::Pow).unwrap_or_else(|| Ok(not_impl(vm))),
        Some(m) => match as_int(m) {
            Some(m) => {
                let (xb, yb, mb) = (
                    this(vm, a, "__pow__")?.big().into_owned(),
                    as_int(y).map(|v| v.big().into_owned()).unwrap_or_default(),
                    m.big().into_owned(),
                );
                pow_mod(&xb, &yb, &mb)
            }
            None => Ok(not_impl(vm)),
        },
    }
}

/// `pow(x, y, m)` for ints.
pub fn pow_mod(x: &BigInt, y: &BigInt, m: &BigInt) -> PyResult<Value> {
    if m.is_zero() {
        return Err(value_error("pow() 3rd argument cannot be 0"));
    }
    let am = m.abs();
    let mut base = x.mod_floor(&am);
    let mut e = y.clone();
    if e.is_negative() {
        let g = base.extended_gcd(&am);
        if !g.gcd.is_one_value() {
            return Err(value_error("base is not invertible for the given modulus"));
        }
        base = g.x.mod_floor(&am);
        e = -e;
    }
    let mut r = base.modpow(&e, &am);
    if m.is_negative() && !r.is_zero() {
        r += m;
    }
    Ok(Value::from_bigint(r))
}

trait IsOne {
    fn is_one_value(&self) -> bool;
}
impl IsOne for BigInt {
    fn is_one_value(&self) -> bool {
        self.to_i64() == Some(1)
    }
}

fn divmod(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__divmod__")?;
    let o = other(a, "__divmod__")?;
    if as_int(o).is_none() {
        return Ok(not_impl(vm));
    }
    number::divmod(&a.pos[0], o).unwrap_or_else(|| Ok(not_impl(vm)))
}

fn rdivmod(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__rdivmod__")?;
    let o = other(a, "__rdivmod__")?;
    if as_int(o).is_none() {
        return Ok(not_impl(vm));
    }
    number::divmod(o, &a.pos[0]).unwrap_or_else(|| Ok(not_impl(vm)))
}

fn unary(vm: &mut Vm, a: &Args, op: UnaryOp, name: &str) -> PyResult<Value> {
    this(vm, a, name)?;
    a.check(name, 1, 1)?;
    number::unary(&a.pos[0], op).unwrap_or_else(|| Ok(not_impl(vm)))
}
fn neg(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    unary(vm, a, UnaryOp::USub, "__neg__")
}
fn pos(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    unary(vm, a, UnaryOp::UAdd, "__pos__")
}
fn invert(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    unary(vm, a, UnaryOp::Invert, "__invert__")
}
fn abs(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__abs__")?;
    Ok(number::abs(&a.pos[0]).unwrap_or(Value::None))
}
fn bool_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "__bool__")?;
    Ok(Value::Bool(match v {
        IntRef::Small(i) => i != 0,
        IntRef::Big(b) => !b.is_zero(),
    }))
}
fn int_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "__int__")?;
    Ok(to_plain_int(v))
}
fn float_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "__float__")?;
    Ok(Value::Float(v.to_f64()?))
}
fn hash(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "__hash__")?;
    Ok(Value::Int(match v {
        IntRef::Small(i) => number::hash_int(i),
        IntRef::Big(b) => number::hash_bigint(b),
    }))
}
fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__repr__")?;
    if let Value::Bool(b) = a.pos[0] {
        return Ok(Value::str(if b { "True" } else { "False" }));
    }
    Ok(Value::string(number::int_repr(&a.pos[0])?))
}

fn format(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "__format__")?;
    a.check_method("int", "__format__", 2, 2)?;
    let Some(spec) = a.pos[1].as_str() else {
        return Err(type_error(format!(
            "__format__() argument must be str, not {}",
            vm.type_name(&a.pos[1])
        )));
    };
    if spec.is_empty() {
        let r = vm.to_str(&a.pos[0])?;
        return Ok(Value::string(r));
    }
    let name = if matches!(a.pos[0], Value::Bool(_)) {
        "bool"
    } else {
        "int"
    };
    text::format_spec::format_int_typed(&v.big(), spec, name)
        .map(Value::string)
        .map_err(fmt_err)
}

fn round(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "__round__")?;
    a.check_method("int", "__round__", 1, 2)?;
    let nd = match a.pos.get(1) {
        None | Some(Value::None) => return Ok(to_plain_int(v)),
        Some(n) => match as_int(n) {
            Some(n) => n.big().into_owned(),
            None => {
                return Err(type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    vm.type_name(n)
                )))
            }
        },
    };
    if !nd.is_negative() {
        return Ok(to_plain_int(v));
    }
    let x = v.big().into_owned();
    // Beyond the number's digit count everything rounds to 0.
    let ndigits = (x.bits() as f64 * std::f64::consts::LOG10_2) as u64 + 2;
    let Some(k) = (-nd).to_u64().filter(|k| *k <= ndigits) else {
        return Ok(Value::Int(0));
    };
    let p = num_traits::Pow::pow(&BigInt::from(10), k);
    let (q, r) = x.div_mod_floor(&p);
    let twice: BigInt = &r * 2;
    let q = match twice.cmp(&p) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal if q.is_odd() => q + 1,
        _ => q,
    };
    Ok(Value::from_bigint(q * p))
}

fn bit_length(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "bit_length")?;
    a.check_method("int", "bit_length", 1, 1)?;
    Ok(Value::Int(match v {
        IntRef::Small(i) => 64 - i.unsigned_abs().leading_zeros() as i64,
        IntRef::Big(b) => b.bits() as i64,
    }))
}

fn bit_count(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "bit_count")?;
    a.check_method("int", "bit_count", 1, 1)?;
    Ok(Value::Int(match v {
        IntRef::Small(i) => i.unsigned_abs().count_ones() as i64,
        IntRef::Big(b) => b
            .magnitude()
            .iter_u64_digits()
            .map(|d| d.count_ones() as i64)
            .sum(),
    }))
}

fn conjugate(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "conjugate")?;
    a.check_method("int", "conjugate", 1, 1)?;
    Ok(to_plain_int(v))
}

fn as_integer_ratio(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "as_integer_ratio")?;
    a.check_method("int", "as_integer_ratio", 1, 1)?;
    Ok(Value::tuple(vec![to_plain_int(v), Value::Int(1)]))
}

fn get_self(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "real")?;
    Ok(to_plain_int(v))
}
fn get_zero(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "imag")?;
    Ok(Value::Int(0))
}
fn get_one(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "denominator")?;
    Ok(Value::Int(1))
}

fn byteorder_little(vm: &Vm, v: Option<&Value>) -> PyResult<bool> {
    match v {
        None => Ok(false),
        Some(v) => match v.as_str() {
            Some("little") => Ok(true),
            Some("big") => Ok(false),
            Some(_) => Err(value_error("byteorder must be either 'little' or 'big'")),
            None => Err(type_error(format!(
                "to_bytes() argument 'byteorder' must be str, not {}",
                vm.type_name(v)
            ))),
        },
    }
}

fn to_bytes(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = this(vm, a, "to_bytes")?.big().into_owned();
    a.only_kwargs("to_bytes", &["length", "byteorder", "signed"])?;
    if a.pos.len() > 3 {
        return Err(type_error(format!(
            "to_bytes() takes at most 2 positional arguments ({} given)",
            a.pos.len() - 1
        )));
    }
    let length = match a.arg(1, "length") {
        Some(l) => vm.index_value(l)?,
        None => 1,
    };
    if length < 0 {
        return Err(value_error("length argument must be non-negative"));
    }
    let little = byteorder_little(vm, a.arg(2, "byteorder"))?;
    let signed = match a.kw("signed") {
        Some(s) => vm.truthy(s)?,
        None => false,
    };
    if !signed && v.is_negative() {
        return Err(overflow_error("can't convert negative int to unsigned"));
    }
    let mut bytes = if signed {
        v.to_signed_bytes_le()
    } else {
        v.to_bytes_le().1
    };
    if v.is_zero() {
        bytes.clear();
    }
    // Trim redundant sign bytes so the length check matches CPython.
    let length = length as usize;
    if bytes.len() > length {
        return Err(overflow_error("int too big to convert"));
    }
    let fill = if signed && v.is_negative() { 0xff } else { 0 };
    bytes.resize(length, fill);
    if !little {
        bytes.reverse();
    }
    Ok(Value::bytes(bytes))
}

fn from_bytes(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.only_kwargs("from_bytes", &["bytes", "byteorder", "signed"])?;
    // pos[0] is the class (classmethod).
    let Some(src) = a.arg(1, "bytes") else {
        return Err(type_error(
            "from_bytes() missing required argument 'bytes' (pos 1)",
        ));
    };
    // `bytes(src)` in CPython, so strided views are welcome.
    let data = match super::bytes::buffer_copy(src) {
        Some(d) => d,
        None => {
            if src.as_str().is_some() {
                return Err(type_error("cannot convert 'str' object to bytes"));
            }
            let items = vm.collect(src)?;
            let mut out = Vec::with_capacity(items.len());
            for it in &items {
                out.push(super::bytes::byte_value(vm, it)?);
            }
            out
        }
    };
    let little = byteorder_little(vm, a.arg(2, "byteorder"))?;
    let signed = match a.kw("signed") {
        Some(s) => vm.truthy(s)?,
        None => false,
    };
    let v = if signed {
        if little {
            BigInt::from_signed_bytes_le(&data)
        } else {
            BigInt::from_signed_bytes_be(&data)
        }
    } else if little {
        BigInt::from_bytes_le(Sign::Plus, &data)
    } else {
        BigInt::from_bytes_be(Sign::Plus, &data)
    };
    Ok(Value::from_bigint(v))
}

/// `int(x)` conversion of an arbitrary object (no base).
pub fn int_from(vm: &mut Vm, x: &Value) -> PyResult<Value> {
    if let Some(i) = as_int(x) {
        return Ok(to_plain_int(i));
    }
    match x {
        Value::Float(f) => return number::float_to_int(*f),
        Value::Obj(o) => match &**o {
            Obj::Str(s) => return parse_str_int(s.as_str(), 10),
            Obj::Bytes(_) | Obj::ByteArray(_) => return parse_bytes_int(x, 10),
            // A released view is refused by the type error below, as in CPython.
            Obj::MemoryView(m) if !m.released() && m.contiguous() => return parse_bytes_int(x, 10),
            _ => {}
        },
        _ => {}
    }
    for name in ["__int__", "__index__", "__trunc__"] {
        if let Some(f) = vm.lookup_special(x, name) {
            if f.is_none() {
                continue;
            }
            let r = vm.call(&f, std::slice::from_ref(x))?;
            if let Some(i) = as_int(&r) {
                return Ok(to_plain_int(i));
            }
            if name == "__trunc__" {
                return vm.call_method(&r, "__index__", &[]).map_err(|_| {
                    type_error(format!(
                        "__trunc__ returned non-Integral (type {})",
                        vm.type_name(&r)
                    ))
                });
            }
            return Err(type_error(format!(
                "{name} returned non-int (type {})",
                vm.type_name(&r)
            )));
        }
    }
    Err(type_error(format!(
        "int() argument must be a string, a bytes-like object or a real number, not '{}'",
        vm.type_name(x)
    )))
}

fn parse_str_int(s: &str, base: u32) -> PyResult<Value> {
    match text::parse_int(s, base).map_err(fmt_err)? {
        text::IntValue::Small(i) => Ok(Value::Int(i)),
        text::IntValue::Big(b) => Ok(Value::from_bigint(b)),
    }
}

fn parse_bytes_int(x: &Value, base: u32) -> PyResult<Value> {
    let data = super::bytes::bytes_data(x).unwrap_or_default();
    let text: String = data
        .iter()
        .map(|&b| if b < 128 { b as char } else { '\u{fffd}' })
        .collect();
    match text::parse_int(&text, base) {
        Ok(text::IntValue::Small(i)) => Ok(Value::Int(i)),
        Ok(text::IntValue::Big(b)) => Ok(Value::from_bigint(b)),
        Err(e) if e.msg.starts_with("invalid literal") => {
            // CPython shows the buffer's bytes, whatever object exported them.
            let r = super::bytes::bytes_repr(&data);
            Err(value_error(format!(
                "invalid literal for int() with base {base}: {r}"
            )))
        }
        Err(e) => Err(fmt_err(e)),
    }
}

fn int_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "int")?;
    a.only_kwargs("int", &["base"])?;
    let args = a.pos.get(1..).unwrap_or(&[]);
    if args.len() > 2 {
        return Err(type_error(format!(
            "int() takes at most 2 arguments ({} given)",
            args.len() + a.kwnames.len()
        )));
    }
    let base = args.get(1).or_else(|| a.kw("base"));
    let Some(x) = args.first() else {
        if base.is_some() {
            return Err(type_error("int() missing string argument"));
        }
        return Ok(Value::Int(0));
    };
    match base {
        None => int_from(vm, x),
        Some(b) => {
            let b = vm.index_value(b)?;
            if b != 0 && !(2..=36).contains(&b) {
                return Err(value_error("int() base must be >= 2 and <= 36, or 0"));
            }
            match x {
                Value::Obj(o) if matches!(&**o, Obj::Str(_)) => {
                    parse_str_int(x.as_str().unwrap_or(""), b as u32)
                }
                Value::Obj(o) if matches!(&**o, Obj::Bytes(_) | Obj::ByteArray(_)) => {
                    parse_bytes_int(x, b as u32)
                }
                _ => Err(type_error(
                    "int() can't convert non-string with explicit base",
                )),
            }
        }
    }
}

fn bool_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "bool")?;
    a.no_kwargs("bool")?;
    match a.pos.len() {
        1 => Ok(Value::Bool(false)),
        2 => Ok(Value::Bool(vm.truthy(&a.pos[1])?)),
        n => Err(type_error(format!(
            "bool expected at most 1 argument, got {}",
            n - 1
        ))),
    }
}

fn bool_bitop(vm: &mut Vm, a: &Args, op: BinOp, name: &str) -> PyResult<Value> {
    let o = other(a, name)?;
    match (&a.pos[0], o) {
        (Value::Bool(_), Value::Bool(_)) => {
            number::binop(&a.pos[0], o, op).unwrap_or_else(|| Ok(not_impl(vm)))
        }
        _ => int_arith(vm, a, op, false, name),
    }
}
fn bool_and(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    bool_bitop(vm, a, BinOp::BitAnd, "__and__")
}
fn bool_or(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    bool_bitop(vm, a, BinOp::BitOr, "__or__")
}
fn bool_xor(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    bool_bitop(vm, a, BinOp::BitXor, "__xor__")
}

fn getnewargs(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let i = this(vm, a, "__getnewargs__")?;
    Ok(Value::tuple(vec![to_plain_int(i)]))
}

pub fn register(vm: &mut Vm) {
    let int = vm.t.int.clone();
    vm.add_methods(
        &int,
        "int",
        &[
            ("__new__", int_new),
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
            ("__lshift__", lshift),
            ("__rlshift__", rlshift),
            ("__rshift__", rshift),
            ("__rrshift__", rrshift),
            ("__and__", and),
            ("__rand__", rand),
            ("__or__", or),
            ("__ror__", ror),
            ("__xor__", xor),
            ("__rxor__", rxor),
            ("__eq__", eq),
            ("__ne__", ne),
            ("__lt__", lt),
            ("__le__", le),
            ("__gt__", gt),
            ("__ge__", ge),
            ("__neg__", neg),
            ("__pos__", pos),
            ("__invert__", invert),
            ("__abs__", abs),
            ("__bool__", bool_),
            ("__int__", int_),
            ("__index__", int_),
            ("__trunc__", int_),
            ("__floor__", int_),
            ("__ceil__", int_),
            ("__float__", float_),
            ("__hash__", hash),
            ("__repr__", repr),
            ("__format__", format),
            ("__round__", round),
            ("bit_length", bit_length),
            ("bit_count", bit_count),
            ("conjugate", conjugate),
            ("as_integer_ratio", as_integer_ratio),
            ("to_bytes", to_bytes),
        ],
    );
    for (name, f) in [
        ("real", get_self as crate::obj::function::NativeFn),
        ("numerator", get_self),
        ("imag", get_zero),
        ("denominator", get_one),
    ] {
        let p = vm.native_property("int", name, f);
        vm.add_class_attr(&int, name, p);
    }
    let fb = Value::obj(Obj::class_method(crate::vm::native::native(
        "int",
        "from_bytes",
        from_bytes,
    )));
    vm.add_class_attr(&int, "from_bytes", fb);

    let b = vm.t.bool_.clone();
    vm.add_methods(
        &b,
        "bool",
        &[
            ("__new__", bool_new),
            ("__repr__", repr),
            ("__and__", bool_and),
            ("__rand__", bool_and),
            ("__or__", bool_or),
            ("__ror__", bool_or),
            ("__xor__", bool_xor),
            ("__rxor__", bool_xor),
        ],
    );
}

#[cfg(test)]
mod tests {
    use crate::obj::number::testutil::{cm, cmk, i, s};
    use crate::vm::value::Value;
    use crate::vm::Vm;

    fn call_type(vm: &mut Vm, t: &Value, args: &[Value]) -> String {
        let r = vm.call(t, args);
        crate::obj::number::testutil::show(vm, r)
    }

    #[test]
    fn int_methods() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let big = |x: &str| Value::from_bigint(x.parse().expect("int"));
        assert_eq!(
            cm(vm, &big("18446744073709551616"), "bit_length", &[]),
            "65"
        );
        assert_eq!(cm(vm, &i(-5), "bit_count", &[]), "2");
        assert_eq!(
            cm(vm, &i(1024), "to_bytes", &[i(2), s("big")]),
            "b'\\x04\\x00'"
        );
        assert_eq!(
            cmk(
                vm,
                &i(-1),
                "to_bytes",
                &[i(2), s("big")],
                &[("signed", Value::Bool(true))]
            ),
            "b'\\xff\\xff'"
        );
        assert_eq!(
            cm(vm, &i(256), "to_bytes", &[i(1), s("big")]),
            "!OverflowError: int too big to convert"
        );
        assert_eq!(cm(vm, &i(7), "as_integer_ratio", &[]), "(7, 1)");
        assert_eq!(cm(vm, &i(125), "__round__", &[i(-1)]), "120");
        assert_eq!(cm(vm, &i(135), "__round__", &[i(-1)]), "140");
        assert_eq!(
            cm(vm, &i(1), "__add__", &[Value::Float(1.0)]),
            "NotImplemented"
        );
        assert_eq!(cm(vm, &i(5), "__rsub__", &[i(3)]), "-2");
        assert_eq!(cm(vm, &i(1234567), "__format__", &[s(",")]), "'1,234,567'");
        assert_eq!(cm(vm, &Value::Bool(true), "__format__", &[s("")]), "'True'");
        assert_eq!(
            cm(vm, &Value::Bool(true), "__format__", &[s(">6")]),
            "'     1'"
        );
        assert_eq!(cm(vm, &i(2), "__pow__", &[i(-1), i(7)]), "4");
        assert_eq!(
            cm(vm, &i(2), "__pow__", &[i(-1), i(4)]),
            "!ValueError: base is not invertible for the given modulus"
        );
        assert_eq!(cm(vm, &i(3), "__pow__", &[i(2), i(-5)]), "-1");
        assert_eq!(
            cm(vm, &i(2), "__pow__", &[i(3), i(0)]),
            "!ValueError: pow() 3rd argument cannot be 0"
        );
        let int = Value::Obj(vm.t.int.clone());
        assert_eq!(
            cm(
                vm,
                &int,
                "from_bytes",
                &[Value::bytes(vec![0, 16]), s("little")]
            ),
            "4096"
        );
        assert_eq!(
            cm(vm, &i(5), "real", &[]),
            "!TypeError: 'int' object is not callable"
        );
        let r = vm.get_attr_str(&i(5), "denominator");
        assert_eq!(crate::obj::number::testutil::show(vm, r), "1");
    }

    #[test]
    fn int_constructor() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let int = Value::Obj(vm.t.int.clone());
        assert_eq!(call_type(vm, &int, &[]), "0");
        assert_eq!(call_type(vm, &int, &[s("  12_3 ")]), "123");
        assert_eq!(call_type(vm, &int, &[s("0x1f"), i(16)]), "31");
        assert_eq!(call_type(vm, &int, &[s("z"), i(36)]), "35");
        assert_eq!(
            call_type(vm, &int, &[s("1.5")]),
            "!ValueError: invalid literal for int() with base 10: '1.5'"
        );
        assert_eq!(call_type(vm, &int, &[Value::bytes(b"42".to_vec())]), "42");
        assert_eq!(
            call_type(vm, &int, &[Value::bytes(b"x".to_vec())]),
            "!ValueError: invalid literal for int() with base 10: b'x'"
        );
        assert_eq!(call_type(vm, &int, &[Value::Float(-3.9)]), "-3");
        assert_eq!(
            call_type(vm, &int, &[Value::Float(f64::INFINITY)]),
            "!OverflowError: cannot convert float infinity to integer"
        );
        assert_eq!(
            call_type(vm, &int, &[Value::Float(f64::NAN)]),
            "!ValueError: cannot convert float NaN to integer"
        );
        assert_eq!(
            call_type(vm, &int, &[Value::None]),
            "!TypeError: int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"
        );
        assert_eq!(
            call_type(vm, &int, &[s("1"), i(1)]),
            "!ValueError: int() base must be >= 2 and <= 36, or 0"
        );
        assert_eq!(
            call_type(vm, &int, &[i(1), i(10)]),
            "!TypeError: int() can't convert non-string with explicit base"
        );
        assert_eq!(call_type(vm, &int, &[Value::Float(1e100)]), "10000000000000000159028911097599180468360808563945281389781327557747838772170381060813469985856815104");
        let b = Value::Obj(vm.t.bool_.clone());
        assert_eq!(call_type(vm, &b, &[s("")]), "False");
        assert_eq!(call_type(vm, &b, &[i(3)]), "True");
        assert_eq!(call_type(vm, &b, &[]), "False");
    }
}
