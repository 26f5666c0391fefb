//! Methods of `complex`. The operators themselves run in `obj::complex` (reached from the
//! VM's number fast paths); these are the same operations as explicit dunder methods, plus
//! the constructor and attributes.

use super::int::not_impl;
use crate::obj::complex::{self as cx, Complex};
use crate::obj::function::Args;
use crate::obj::number::as_int;
use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};
use crate::vm::errors::{not_implemented, type_error, value_error, PyResult};
use crate::vm::payload::builtin_view;
use crate::vm::value::Value;
use crate::vm::Vm;

fn this(vm: &Vm, a: &Args, name: &str) -> PyResult<Complex> {
    match a.pos.first() {
        Some(v) => cx::as_complex(v)
            .ok_or_else(|| super::wrong_receiver(name, "complex", &vm.type_name(v))),
        None => Err(type_error(format!(
            "descriptor '{name}' of 'complex' object needs an argument"
        ))),
    }
}

fn other<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a Value> {
    this(vm, a, name)?;
    a.no_kwargs(name)?;
    match a.pos.len() {
        // PyComplex_Check: an instance of a subclass takes part with its value.
        2 => Ok(builtin_view(&a.pos[1])),
        n => Err(type_error(format!(
            "expected 1 argument, got {}",
            n.saturating_sub(1)
        ))),
    }
}

fn arith(vm: &mut Vm, a: &Args, op: BinOp, reflected: bool, name: &str) -> PyResult<Value> {
    let o = other(vm, a, name)?;
    let (x, y) = if reflected {
        (o, &a.pos[0])
    } else {
        (&a.pos[0], o)
    };
    cx::binop(x, y, op).unwrap_or_else(|| Ok(not_impl(vm)))
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
    rpow, BinOp::Pow, true, "__rpow__";
}

fn pow(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__pow__")?;
    a.no_kwargs("__pow__")?;
    a.check_pos("__pow__", 2, 3)?;
    if a.pos.get(2).is_some_and(|m| !m.is_none()) {
        return Err(value_error("complex modulo"));
    }
    cx::binop(&a.pos[0], builtin_view(&a.pos[1]), BinOp::Pow).unwrap_or_else(|| Ok(not_impl(vm)))
}

fn cmp(vm: &mut Vm, a: &Args, op: CmpOp, name: &str) -> PyResult<Value> {
    let o = other(vm, a, name)?;
    Ok(match cx::compare(&a.pos[0], o, op) {
        Some(b) => Value::Bool(b),
        None => not_impl(vm),
    })
}

fn eq(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, CmpOp::Eq, "__eq__")
}

fn ne(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, CmpOp::NotEq, "__ne__")
}

fn neg(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = this(vm, a, "__neg__")?;
    Ok(cx::unary(c, UnaryOp::USub).unwrap_or(Value::None))
}

fn pos(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = this(vm, a, "__pos__")?;
    Ok(cx::value(c))
}

fn abs(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = this(vm, a, "__abs__")?;
    cx::abs(c).map(Value::Float)
}

fn bool_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = this(vm, a, "__bool__")?;
    Ok(Value::Bool(c.re != 0.0 || c.im != 0.0))
}

fn hash(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = this(vm, a, "__hash__")?;
    Ok(Value::Int(cx::hash(c)))
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = this(vm, a, "__repr__")?;
    Ok(Value::string(cx::repr(c)))
}

fn format(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = this(vm, a, "__format__")?;
    a.check("__format__", 2, 2)?;
    match a.pos[1].as_str() {
        Some("") => Ok(Value::string(cx::repr(c))),
        Some(spec) => crate::text::format_spec::format_complex(c.re, c.im, spec)
            .map(Value::string)
            .map_err(crate::obj::number::fmt_err),
        None => Err(type_error(format!(
            "__format__() argument must be str, not {}",
            vm.type_name(&a.pos[1])
        ))),
    }
}

fn conjugate(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = this(vm, a, "conjugate")?;
    a.check("conjugate", 1, 1)?;
    Ok(cx::value(Complex::new(c.re, -c.im)))
}

fn complex_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = this(vm, a, "__complex__")?;
    Ok(cx::value(c))
}

fn getnewargs(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = this(vm, a, "__getnewargs__")?;
    Ok(Value::tuple(vec![Value::Float(c.re), Value::Float(c.im)]))
}

fn real(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Float(this(vm, a, "real")?.re))
}

fn imag(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Float(this(vm, a, "imag")?.im))
}

/// A real number argument (`__float__` / `__index__`), or `None`.
fn to_real(vm: &mut Vm, v: &Value) -> PyResult<Option<f64>> {
    if let Value::Float(x) = v {
        return Ok(Some(*x));
    }
    if let Some(i) = as_int(v) {
        return i.to_f64().map(Some);
    }
    if vm.lookup_special(v, "__float__").is_some() || vm.lookup_special(v, "__index__").is_some() {
        return crate::modules::math::to_f64(vm, v).map(Some);
    }
    Ok(None)
}

/// The first argument: a complex, `__complex__`, or a real number.
fn first(vm: &mut Vm, r: &Value) -> PyResult<Option<Part>> {
    if let Some(c) = cx::as_complex(r) {
        return Ok(Some(Part::Complex(c)));
    }
    if let Some(f) = vm.lookup_special(r, "__complex__") {
        let v = vm.call(&f, std::slice::from_ref(r))?;
        if cx::as_complex(&v).is_none() && cx::as_complex(builtin_view(&v)).is_some() {
            return Err(not_implemented(
                "__complex__ returning a complex subclass (CPython warns DeprecationWarning)",
            ));
        }
        return match cx::as_complex(&v) {
            Some(c) => Ok(Some(Part::Complex(c))),
            None => Err(type_error(format!(
                "__complex__ returned non-complex (type {})",
                vm.type_name(&v)
            ))),
        };
    }
    Ok(to_real(vm, r)?.map(Part::Real))
}

/// The second argument: a complex or a real number (not `__complex__`).
fn second(vm: &mut Vm, i: &Value) -> PyResult<Part> {
    if i.as_str().is_some() {
        return Err(type_error("complex() second arg can't be a string"));
    }
    // PyComplex_Check: a subclass's value is taken as it is.
    if let Some(c) = cx::as_complex(builtin_view(i)) {
        return Ok(Part::Complex(c));
    }
    match to_real(vm, i)? {
        Some(x) => Ok(Part::Real(x)),
        None => Err(type_error(format!(
            "complex() second argument must be a number, not '{}'",
            vm.type_name(i)
        ))),
    }
}

/// A constructor argument: complex parts take part in `real + imag*1j`, real ones only
/// where they stand (so `complex(-0.0, -0.0)` keeps both signs).
enum Part {
    Real(f64),
    Complex(Complex),
}

/// `complex(real=0, imag=0)` and `complex(string)`.
fn complex_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "complex")?;
    // Subclasses come here through `payload::new_instance` with `complex` itself.
    let cls = a.pos.first().cloned().unwrap_or(Value::None);
    if !matches!(&cls, Value::Obj(o) if o.is(&vm.t.complex)) {
        return Err(match &cls {
            Value::Obj(o) if crate::vm::class::as_class(o).is_some() => {
                let n = crate::vm::class::class_name(o);
                type_error(format!(
                    "complex.__new__({n}): {n} is not a subtype of complex"
                ))
            }
            _ => type_error(format!(
                "complex.__new__(X): X is not a type object ({})",
                vm.type_name(&cls)
            )),
        });
    }
    if let Some(k) = a
        .kwnames
        .iter()
        .find(|k| !matches!(k.as_str(), Some("real" | "imag")))
    {
        return Err(type_error(format!(
            "'{}' is an invalid keyword argument for complex()",
            k.as_str().unwrap_or("?")
        )));
    }
    let given = a.pos.len() - 1 + a.kwnames.len();
    if given > 2 {
        return Err(type_error(format!(
            "complex() takes at most 2 arguments ({given} given)"
        )));
    }
    let r = a.arg(1, "real").cloned();
    let i = a.arg(2, "imag").cloned();
    if let Some(s) = r.as_ref().and_then(|r| r.as_str()) {
        if i.is_some() {
            return Err(type_error(
                "complex() can't take second arg if first is a string",
            ));
        }
        return cx::parse(s).map(cx::value).ok_or_else(cx::parse_error);
    }
    let cr = match &r {
        None => Part::Real(0.0),
        Some(r) => first(vm, r)?.ok_or_else(|| {
            type_error(format!(
                "complex() first argument must be a string or a number, not '{}'",
                vm.type_name(r)
            ))
        })?,
    };
    let ci = match &i {
        None => None,
        Some(i) => Some(second(vm, i)?),
    };
    let (mut re, cr_im) = match cr {
        Part::Real(x) => (x, None),
        Part::Complex(c) => (c.re, Some(c.im)),
    };
    let mut im = match ci {
        None => 0.0,
        Some(Part::Real(x)) => x,
        Some(Part::Complex(c)) => {
            re -= c.im;
            c.re
        }
    };
    match (cr_im, &i) {
        (Some(cim), Some(_)) => im += cim,
        (Some(cim), None) => im = cim,
        _ => {}
    }
    Ok(cx::value(Complex::new(re, im)))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.complex.clone();
    vm.add_methods(
        &t,
        "complex",
        &[
            ("__new__", complex_new),
            ("__add__", add),
            ("__radd__", radd),
            ("__sub__", sub),
            ("__rsub__", rsub),
            ("__mul__", mul),
            ("__rmul__", rmul),
            ("__truediv__", truediv),
            ("__rtruediv__", rtruediv),
            ("__pow__", pow),
            ("__rpow__", rpow),
            ("__eq__", eq),
            ("__ne__", ne),
            ("__neg__", neg),
            ("__pos__", pos),
            ("__abs__", abs),
            ("__bool__", bool_),
            ("__hash__", hash),
            ("__repr__", repr),
            ("__format__", format),
            ("__complex__", complex_),
            ("__getnewargs__", getnewargs),
            ("conjugate", conjugate),
        ],
    );
    let p = vm.native_property("complex", "real", real);
    vm.add_class_attr(&t, "real", p);
    let p = vm.native_property("complex", "imag", imag);
    vm.add_class_attr(&t, "imag", p);
}
