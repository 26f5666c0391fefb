//! Methods of `range`. The arithmetic lives in `crate::obj::range`, generic over i128
//! (for i64 bounds) and BigInt; each method picks the width once.

use super::int::not_impl;
use crate::obj::function::Args;
use crate::obj::number::as_int;
use crate::obj::range::{int_as, RangeInt, Span};
use crate::obj::{Obj, RangeObj, SliceObj};
use crate::vm::errors::{exc, index_error, type_error, value_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use crate::vm::Vm;
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use std::cell::RefCell;

fn this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a RangeObj> {
    match a.pos.first() {
        Some(Value::Obj(o)) if matches!(&**o, Obj::Range(_)) => match &**o {
            Obj::Range(r) => Ok(r),
            _ => Err(type_error("expected range")),
        },
        Some(v) => Err(super::wrong_receiver(name, "range", &vm.type_name(v))),
        None => Err(super::receiver_missing(name, "range")),
    }
}

fn ssize_overflow() -> crate::vm::errors::ExcRef {
    exc(
        ExcKind::OverflowError,
        "Python int too large to convert to C ssize_t",
    )
}

fn arg(vm: &mut Vm, v: &Value) -> PyResult<BigInt> {
    match v {
        Value::Int(i) => Ok(BigInt::from(*i)),
        _ => vm.index_bigint(v),
    }
}

fn range_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "range")?;
    a.no_kwargs("range")?;
    let args = a.pos.get(1..).unwrap_or(&[]);
    let (start, stop, step) = match args.len() {
        0 => return Err(type_error("range expected at least 1 argument, got 0")),
        1 => (BigInt::zero(), arg(vm, &args[0])?, BigInt::from(1)),
        2 => (arg(vm, &args[0])?, arg(vm, &args[1])?, BigInt::from(1)),
        3 => (arg(vm, &args[0])?, arg(vm, &args[1])?, arg(vm, &args[2])?),
        n => {
            return Err(type_error(format!(
                "range expected at most 3 arguments, got {n}"
            )))
        }
    };
    if step.is_zero() {
        return Err(value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::obj(Obj::Range(RangeObj::new(start, stop, step))))
}

fn show<T: RangeInt>(s: &Span<T>) -> String {
    if s.step.is_one() {
        format!("range({}, {})", s.start, s.stop)
    } else {
        format!("range({}, {}, {})", s.start, s.stop, s.step)
    }
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__repr__")?;
    Ok(Value::string(match r.wide() {
        Some(w) => show(&w),
        None => show(&r.big()),
    }))
}

fn len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__len__")?;
    let n = match r.wide() {
        Some(w) => i64::try_from(w.len()).ok(),
        None => r.big().len().to_i64(),
    };
    n.map(Value::Int).ok_or_else(ssize_overflow)
}

fn bool_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__bool__")?;
    Ok(Value::Bool(!r.is_empty()))
}

/// `r[i]` for an int `i`.
fn item_at<T: RangeInt>(s: &Span<T>, i: &Value) -> PyResult<Value> {
    int_as::<T>(i)
        .flatten()
        .and_then(|i| s.index(i))
        .map(|k| s.at(&k).to_value())
        .ok_or_else(|| index_error("range object index out of range"))
}

/// A slice bound as a BigInt (`_PySlice_GetLongIndices`).
fn bound(vm: &mut Vm, v: &Value) -> PyResult<Option<BigInt>> {
    if v.is_none() {
        return Ok(None);
    }
    if as_int(v).is_none() && vm.lookup_special(v, "__index__").is_none() {
        return Err(type_error(
            "slice indices must be integers or None or have an __index__ method",
        ));
    }
    vm.index_bigint(v).map(Some)
}

/// `r[a:b:c]`: CPython resolves the slice against the length and maps the resulting
/// start/stop positions through the range, so `range(10)[::3]` is `range(0, 10, 3)`.
fn slice(vm: &mut Vm, r: &RangeObj, sl: &SliceObj) -> PyResult<Value> {
    let step = bound(vm, &sl.step)?.unwrap_or_else(|| BigInt::from(1));
    if step.is_zero() {
        return Err(value_error("slice step cannot be zero"));
    }
    let span = r.big();
    let len = span.len();
    let (lower, upper) = if step.is_negative() {
        (BigInt::from(-1), len.clone() - 1)
    } else {
        (BigInt::zero(), len.clone())
    };
    let fix = |v: Option<BigInt>, default: &BigInt| match v {
        None => default.clone(),
        Some(v) => {
            let v = if v.is_negative() { v + &len } else { v };
            v.clamp(lower.clone(), upper.clone())
        }
    };
    let (start_default, stop_default) = if step.is_negative() {
        (&upper, &lower)
    } else {
        (&lower, &upper)
    };
    let start = fix(bound(vm, &sl.start)?, start_default);
    let stop = fix(bound(vm, &sl.stop)?, stop_default);
    Ok(Value::obj(Obj::Range(RangeObj::new(
        span.at(&start),
        span.at(&stop),
        span.step * step,
    ))))
}

fn getitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__getitem__")?;
    a.check("__getitem__", 2, 2)?;
    let key = &a.pos[1];
    if let Value::Obj(o) = key {
        if let Obj::Slice(sl) = &**o {
            return slice(vm, r, sl);
        }
    }
    let key = if as_int(key).is_some() {
        key.clone()
    } else if vm.lookup_special(key, "__index__").is_some() {
        Value::from_bigint(vm.index_bigint(key)?)
    } else {
        return Err(type_error(format!(
            "range indices must be integers or slices, not {}",
            vm.type_name(key)
        )));
    };
    match r.wide() {
        Some(w) => item_at(&w, &key),
        None => item_at(&r.big(), &key),
    }
}

/// Position of the int `x` in the range (None when absent); None overall when `x` is
/// not an int, and the caller must search by `==`.
fn int_position(r: &RangeObj, x: &Value) -> Option<Option<Value>> {
    fn find<T: RangeInt>(s: &Span<T>, x: &Value) -> Option<Option<Value>> {
        int_as::<T>(x).map(|x| x.and_then(|x| s.position(&x)).map(|k| k.to_value()))
    }
    match r.wide() {
        Some(w) => find(&w, x),
        None => find(&r.big(), x),
    }
}

/// CPython's `_PySequence_IterSearch` for non-int needles: walks the items with `==`.
/// Returns the number of matches (or the first match's position when `first`).
fn search(vm: &mut Vm, range: &Value, x: &Value, first: bool) -> PyResult<Option<i64>> {
    let it = vm.iter(range)?;
    let (mut k, mut found) = (0i64, 0i64);
    while let Some(v) = vm.next(&it)? {
        if vm.eq(&v, x)? {
            if first {
                return Ok(Some(k));
            }
            found += 1;
        }
        k += 1;
    }
    Ok((!first).then_some(found))
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__contains__")?;
    a.check("__contains__", 2, 2)?;
    match int_position(r, &a.pos[1]) {
        Some(p) => Ok(Value::Bool(p.is_some())),
        None => Ok(Value::Bool(
            search(vm, &a.pos[0], &a.pos[1], true)?.is_some(),
        )),
    }
}

fn index(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "index")?;
    a.check("index", 2, 2)?;
    let x = &a.pos[1];
    let found = match int_position(r, x) {
        Some(p) => p,
        None => search(vm, &a.pos[0], x, true)?.map(Value::Int),
    };
    match found {
        Some(k) => Ok(k),
        None => {
            let s = vm.repr(x)?;
            Err(value_error(format!("{s} is not in range")))
        }
    }
}

fn count(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "count")?;
    a.check("count", 2, 2)?;
    match int_position(r, &a.pos[1]) {
        Some(p) => Ok(Value::Int(p.is_some() as i64)),
        None => Ok(Value::Int(
            search(vm, &a.pos[0], &a.pos[1], false)?.unwrap_or(0),
        )),
    }
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__iter__")?;
    vm.iter(&a.pos[0])
}

fn reversed(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let r = this(vm, a, "__reversed__")?;
    Ok(Value::obj(Obj::Iter(RefCell::new(r.reversed_state()))))
}

/// The equality/hash key with values, wide enough for either form.
fn key(r: &RangeObj) -> (BigInt, Option<BigInt>, Option<BigInt>) {
    match r.wide() {
        Some(w) => {
            let (n, s, st) = w.key();
            (n.into(), s.map(Into::into), st.map(Into::into))
        }
        None => r.big().key(),
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
    let same = match (r.wide(), q.wide()) {
        (Some(x), Some(y)) => x.key() == y.key(),
        _ => key(r) == key(q),
    };
    Ok(Value::Bool(same != neg))
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
        Value::from_bigint(n),
        s.map(Value::from_bigint).unwrap_or(Value::None),
        st.map(Value::from_bigint).unwrap_or(Value::None),
    ]);
    Ok(Value::Int(vm.hash(&t)?))
}

fn get_start(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(this(vm, a, "start")?.start())
}
fn get_stop(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(this(vm, a, "stop")?.stop())
}
fn get_step(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(this(vm, a, "step")?.step())
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
