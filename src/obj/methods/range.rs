//! Methods of `range`.

use super::int::not_impl;
use super::slice::{in_range, seq_index, Index};
use crate::obj::function::Args;
use crate::obj::number::{as_int, IntRef};
use crate::obj::{IterState, Obj, RangeObj};
use crate::vm::errors::{exc, index_error, type_error, value_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use crate::vm::Vm;
use std::cell::RefCell;

fn this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a RangeObj> {
    match a.pos.first() {
        Some(Value::Obj(o)) if matches!(&**o, Obj::Range(_)) => match &**o {
            Obj::Range(r) => Ok(r),
            _ => Err(type_error("expected range")),
        },
        Some(v) => Err(type_error(format!(
            "descriptor '{name}' for 'range' objects doesn't apply to a '{}' object",
            vm.type_name(v)
        ))),
        None => Err(type_error(format!("descriptor '{name}' needs an argument"))),
    }
}

/// Exact length (may exceed i64 for extreme bounds).
fn len128(r: &RangeObj) -> i128 {
    let (a, b, s) = (r.start as i128, r.stop as i128, r.step as i128);
    if s > 0 && a < b {
        (b - a - 1) / s + 1
    } else if s < 0 && a > b {
        (a - b - 1) / (-s) + 1
    } else {
        0
    }
}

fn range_len(r: &RangeObj) -> PyResult<usize> {
    usize::try_from(len128(r))
        .ok()
        .filter(|n| *n <= i64::MAX as usize)
        .ok_or_else(|| {
            exc(
                ExcKind::OverflowError,
                "Python int too large to convert to C ssize_t",
            )
        })
}

fn arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    match as_int(v) {
        Some(IntRef::Small(i)) => Ok(i),
        Some(IntRef::Big(_)) => Err(exc(
            ExcKind::OverflowError,
            "Python int too large to convert to C ssize_t",
        )),
        None => vm.index_value(v),
    }
}

fn range_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.no_kwargs("range")?;
    let args = a.pos.get(1..).unwrap_or(&[]);
    let (start, stop, step) = match args.len() {
        0 => return Err(type_error("range expected at least 1 argument, got 0")),
        1 => (0, arg(vm, &args[0])?, 1),
        2 => (arg(vm, &args[0])?, arg(vm, &args[1])?, 1),
        3 => (arg(vm, &args[0])?, arg(vm, &args[1])?, arg(vm, &args[2])?),
        n => {
            return Err(type_error(format!(
                "range expected at most 3 arguments, got {n}"
            )))
        }
    };
    if step == 0 {
        return Err(value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::obj(Obj::Range(RangeObj { start, stop, step })))
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__repr__")?;
    Ok(Value::string(if r.step == 1 {
        format!("range({}, {})", r.start, r.stop)
    } else {
        format!("range({}, {}, {})", r.start, r.stop, r.step)
    }))
}

fn len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__len__")?;
    Ok(Value::Int(range_len(r)? as i64))
}

fn bool_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__bool__")?;
    Ok(Value::Bool(len128(r) > 0))
}

fn item(r: &RangeObj, i: usize) -> Value {
    Value::from_i128(r.start as i128 + i as i128 * r.step as i128)
}

fn getitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__getitem__")?;
    a.check("__getitem__", 2, 2)?;
    let n = range_len(r)?;
    match seq_index(vm, &a.pos[1], n, "range")? {
        Index::At(i) => match in_range(i, n) {
            Some(i) => Ok(item(r, i)),
            None => Err(index_error("range object index out of range")),
        },
        Index::Slice(sl) => {
            let start = r.start as i128 + sl.start as i128 * r.step as i128;
            let step = r.step as i128 * sl.step as i128;
            let stop = start + sl.len as i128 * step;
            let clamp = |x: i128| x.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
            Ok(Value::obj(Obj::Range(RangeObj {
                start: clamp(start),
                stop: clamp(stop),
                step: clamp(step),
            })))
        }
    }
}

/// Position of int `x` in the range, if present.
fn position(r: &RangeObj, x: i128) -> Option<usize> {
    let (s, st) = (r.start as i128, r.step as i128);
    let n = len128(r);
    let off = x - s;
    if off % st != 0 {
        return None;
    }
    let k = off / st;
    if k >= 0 && k < n {
        Some(k as usize)
    } else {
        None
    }
}

fn int_of(v: &Value) -> Option<i128> {
    match as_int(v)? {
        IntRef::Small(i) => Some(i as i128),
        IntRef::Big(b) => num_traits::ToPrimitive::to_i128(b),
    }
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__contains__")?;
    a.check("__contains__", 2, 2)?;
    let x = &a.pos[1];
    if let Some(i) = int_of(x) {
        return Ok(Value::Bool(position(r, i).is_some()));
    }
    if as_int(x).is_some() {
        return Ok(Value::Bool(false));
    }
    let n = range_len(r)?;
    for k in 0..n {
        if vm.eq(&item(r, k), x)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn index(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "index")?;
    a.check("index", 2, 2)?;
    let x = &a.pos[1];
    if let Some(i) = int_of(x) {
        if let Some(p) = position(r, i) {
            return Ok(Value::Int(p as i64));
        }
    } else if as_int(x).is_none() {
        let n = range_len(r)?;
        for k in 0..n {
            if vm.eq(&item(r, k), x)? {
                return Ok(Value::Int(k as i64));
            }
        }
    }
    let s = vm.repr(x)?;
    Err(value_error(format!("{s} is not in range")))
}

fn count(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "count")?;
    a.check("count", 2, 2)?;
    let x = &a.pos[1];
    if let Some(i) = int_of(x) {
        return Ok(Value::Int(position(r, i).is_some() as i64));
    }
    let n = range_len(r)?;
    let mut c = 0;
    for k in 0..n {
        if vm.eq(&item(r, k), x)? {
            c += 1;
        }
    }
    Ok(Value::Int(c))
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__iter__")?;
    vm.iter(&a.pos[0])
}

fn reversed(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__reversed__")?;
    let n = len128(r);
    let (next, stop, step) = if n == 0 {
        (0, 0, 1)
    } else {
        let last = r.start as i128 + (n - 1) * r.step as i128;
        let stop = r.start as i128 - r.step as i128;
        let clamp = |x: i128| x.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
        (clamp(last), clamp(stop), clamp(-(r.step as i128)))
    };
    Ok(Value::obj(Obj::Iter(RefCell::new(IterState::Range {
        next,
        stop,
        step,
    }))))
}

/// The `(len, start, step)` key that defines range equality and hashing.
fn key(r: &RangeObj) -> (i128, Option<i64>, Option<i64>) {
    match len128(r) {
        0 => (0, None, None),
        1 => (1, Some(r.start), None),
        n => (n, Some(r.start), Some(r.step)),
    }
}

fn cmp_eq(vm: &mut Vm, a: &Args, neg: bool) -> PyResult<Value> {
    let r = this(vm, a, "__eq__")?;
    a.check("__eq__", 2, 2)?;
    let Value::Obj(o) = &a.pos[1] else {
        return Ok(not_impl(vm));
    };
    let Obj::Range(q) = &**o else {
        return Ok(not_impl(vm));
    };
    Ok(Value::Bool((key(r) == key(q)) != neg))
}
fn eq(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp_eq(vm, a, false)
}
fn ne(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp_eq(vm, a, true)
}

fn hash(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__hash__")?;
    let (n, s, st) = key(r);
    let t = Value::tuple(vec![
        Value::from_i128(n),
        s.map(Value::Int).unwrap_or(Value::None),
        st.map(Value::Int).unwrap_or(Value::None),
    ]);
    Ok(Value::Int(vm.hash(&t)?))
}

fn get_start(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "start")?.start))
}
fn get_stop(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "stop")?.stop))
}
fn get_step(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "step")?.step))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.range.clone();
    vm.add_methods(
        &t,
        "range",
        &[
            ("__new__", range_new),
            ("__repr__", repr),
            ("__len__", len),
            ("__bool__", bool_),
            ("__getitem__", getitem),
            ("__contains__", contains),
            ("__iter__", iter),
            ("__reversed__", reversed),
            ("__eq__", eq),
            ("__ne__", ne),
            ("__hash__", hash),
            ("index", index),
            ("count", count),
        ],
    );
    for (name, f) in [
        ("start", get_start as crate::obj::function::NativeFn),
        ("stop", get_stop),
        ("step", get_step),
    ] {
        let p = vm.native_property("range", name, f);
        vm.add_class_attr(&t, name, p);
    }
}

#[cfg(test)]
mod tests {
    use crate::obj::number::testutil::{cm, i, show};
    use crate::vm::value::Value;
    use crate::vm::Vm;

    #[test]
    fn ranges() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let rt = Value::Obj(vm.t.range.clone());
        let r = vm.call(&rt, &[i(0), i(10), i(3)]).expect("range");
        assert_eq!(show(vm, Ok(r.clone())), "range(0, 10, 3)");
        assert_eq!(cm(vm, &r, "__len__", &[]), "4");
        assert_eq!(cm(vm, &r, "__getitem__", &[i(-1)]), "9");
        assert_eq!(
            cm(vm, &r, "__getitem__", &[i(4)]),
            "!IndexError: range object index out of range"
        );
        let st = Value::Obj(vm.t.slice.clone());
        let sl = vm
            .call(&st, &[Value::None, Value::None, i(-1)])
            .expect("slice");
        assert_eq!(cm(vm, &r, "__getitem__", &[sl]), "range(9, -3, -3)");
        assert_eq!(cm(vm, &r, "__contains__", &[i(6)]), "True");
        assert_eq!(cm(vm, &r, "__contains__", &[i(7)]), "False");
        assert_eq!(cm(vm, &r, "__contains__", &[Value::Float(6.0)]), "True");
        assert_eq!(
            cm(vm, &r, "index", &[i(7)]),
            "!ValueError: 7 is not in range"
        );
        assert_eq!(cm(vm, &r, "index", &[i(9)]), "3");
        assert_eq!(cm(vm, &r, "count", &[i(9)]), "1");
        let r2 = vm.call(&rt, &[i(0), i(12), i(3)]).expect("range");
        assert_eq!(cm(vm, &r, "__eq__", &[r2]), "True");
        let e1 = vm.call(&rt, &[i(0)]).expect("range");
        let e2 = vm.call(&rt, &[i(5), i(1)]).expect("range");
        assert_eq!(cm(vm, &e1, "__eq__", &[e2]), "True");
        assert_eq!(show(vm, Ok(e1)), "range(0, 0)");
        let h = vm.hash(&r).expect("hash");
        let t = Value::tuple(vec![i(4), i(0), i(3)]);
        assert_eq!(h, vm.hash(&t).expect("hash"));
        let r = vm.call(&rt, &[i(0), i(1), i(0)]);
        assert_eq!(show(vm, r), "!ValueError: range() arg 3 must not be zero");
        let r = vm.call(&rt, &[Value::Float(1.0)]);
        assert_eq!(
            show(vm, r),
            "!TypeError: 'float' object cannot be interpreted as an integer"
        );
        let r = vm.call(&rt, &[i(3)]).expect("range");
        let it = vm.call_method(&r, "__reversed__", &[]).expect("it");
        let items = vm.collect(&it).expect("items");
        assert_eq!(show(vm, Ok(Value::list(items))), "[2, 1, 0]");
        let r = vm.get_attr_str(&r, "stop");
        assert_eq!(show(vm, r), "3");
    }
}
