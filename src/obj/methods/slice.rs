//! Methods of `slice`, and the index/slice arithmetic every sequence type shares
//! (CPython's `PySlice_Unpack` + `PySlice_AdjustIndices`).

use crate::obj::function::Args;
use crate::obj::number::{as_int, IntRef};
use crate::obj::{Obj, SliceObj};
use crate::vm::errors::{exc, type_error, value_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use crate::vm::Vm;
use num_traits::Signed;

/// A slice resolved against a sequence length.
#[derive(Clone, Copy, Debug)]
pub struct SliceIdx {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
    /// Number of selected items.
    pub len: usize,
}

impl SliceIdx {
    /// The selected positions, in order.
    pub fn positions(&self) -> impl Iterator<Item = usize> {
        let (start, step) = (self.start, self.step);
        (0..self.len).map(move |k| (start + k as i64 * step) as usize)
    }
    /// Whether this is a contiguous forward range `start..stop`.
    pub fn is_simple(&self) -> bool {
        self.step == 1
    }
}

/// A subscript resolved against a sequence length.
pub enum Index {
    /// An integer index, negative ones already adjusted (may still be out of range).
    At(i64),
    Slice(SliceIdx),
}

/// An int-like value clamped to i64 (for slice bounds), via `__index__` when needed.
fn clamp_index(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    match as_int(v) {
        Some(IntRef::Small(i)) => Ok(i),
        Some(IntRef::Big(b)) => Ok(if b.is_negative() { i64::MIN } else { i64::MAX }),
        None => {
            if vm.lookup_special(v, "__index__").is_some() {
                let r = vm.call_method(v, "__index__", &[])?;
                if as_int(&r).is_some() {
                    return clamp_index(vm, &r);
                }
            }
            Err(type_error(
                "slice indices must be integers or None or have an __index__ method",
            ))
        }
    }
}

/// An optional slice bound: None or absent → None.
pub fn opt_bound(vm: &mut Vm, v: Option<&Value>) -> PyResult<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => clamp_index(vm, v).map(Some),
    }
}

/// `slice.indices(len)` semantics.
pub fn adjust(vm: &mut Vm, s: &SliceObj, len: usize) -> PyResult<SliceIdx> {
    let step = match opt_bound(vm, Some(&s.step))? {
        None => 1,
        Some(0) => return Err(value_error("slice step cannot be zero")),
        Some(st) => st.max(-i64::MAX),
    };
    let start = opt_bound(vm, Some(&s.start))?;
    let stop = opt_bound(vm, Some(&s.stop))?;
    Ok(adjust_values(start, stop, step, len))
}

/// Resolves optional bounds against `len` for a given non-zero step.
pub fn adjust_values(start: Option<i64>, stop: Option<i64>, step: i64, len: usize) -> SliceIdx {
    let len = len as i64;
    let fix = |v: Option<i64>, default: i64| -> i64 {
        match v {
            None => default,
            Some(v) => {
                if v < 0 {
                    let v = v.saturating_add(len);
                    if v < 0 {
                        if step < 0 {
                            -1
                        } else {
                            0
                        }
                    } else {
                        v
                    }
                } else if v >= len {
                    if step < 0 {
                        len - 1
                    } else {
                        len
                    }
                } else {
                    v
                }
            }
        }
    };
    let (start, stop) = if step < 0 {
        (fix(start, len - 1), fix(stop, -1))
    } else {
        (fix(start, 0), fix(stop, len))
    };
    let n = if step < 0 {
        if stop < start {
            (start - stop - 1) / (-step) + 1
        } else {
            0
        }
    } else if start < stop {
        (stop - start - 1) / step + 1
    } else {
        0
    };
    SliceIdx {
        start,
        stop,
        step,
        len: n as usize,
    }
}

/// Resolves `seq[key]` for a sequence of length `len`. `what` names the sequence in the
/// TypeError ("list indices must be integers or slices, not str").
pub fn seq_index(vm: &mut Vm, key: &Value, len: usize, what: &str) -> PyResult<Index> {
    let i = match key {
        Value::Int(i) => *i,
        Value::Bool(b) => *b as i64,
        Value::Obj(o) => match &**o {
            Obj::Slice(s) => return adjust(vm, s, len).map(Index::Slice),
            Obj::BigInt(_) => {
                return Err(exc(
                    ExcKind::IndexError,
                    "cannot fit 'int' into an index-sized integer",
                ))
            }
            _ => {
                if vm.lookup_special(key, "__index__").is_some() {
                    vm.index_value(key)?
                } else {
                    return Err(type_error(format!(
                        "{what} indices must be integers or slices, not {}",
                        vm.type_name(key)
                    )));
                }
            }
        },
        _ => {
            return Err(type_error(format!(
                "{what} indices must be integers or slices, not {}",
                vm.type_name(key)
            )))
        }
    };
    Ok(Index::At(if i < 0 {
        i.saturating_add(len as i64)
    } else {
        i
    }))
}

/// An in-range position for an adjusted index.
#[inline]
pub fn in_range(i: i64, len: usize) -> Option<usize> {
    if i >= 0 && (i as u64) < len as u64 {
        Some(i as usize)
    } else {
        None
    }
}

fn this<'a>(a: &'a Args) -> PyResult<&'a SliceObj> {
    match a.pos.first() {
        Some(Value::Obj(o)) => match &**o {
            Obj::Slice(s) => Ok(s),
            _ => Err(type_error("descriptor requires a 'slice' object")),
        },
        _ => Err(type_error("descriptor requires a 'slice' object")),
    }
}

fn slice_new(_vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.no_kwargs("slice")?;
    let args = a.pos.get(1..).unwrap_or(&[]);
    let (start, stop, step) = match args.len() {
        1 => (Value::None, args[0].clone(), Value::None),
        2 => (args[0].clone(), args[1].clone(), Value::None),
        3 => (args[0].clone(), args[1].clone(), args[2].clone()),
        0 => return Err(type_error("slice expected at least 1 argument, got 0")),
        n => {
            return Err(type_error(format!(
                "slice expected at most 3 arguments, got {n}"
            )))
        }
    };
    Ok(Value::obj(Obj::Slice(SliceObj { start, stop, step })))
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(a)?;
    let (x, y, z) = (s.start.clone(), s.stop.clone(), s.step.clone());
    let out = format!(
        "slice({}, {}, {})",
        vm.repr(&x)?,
        vm.repr(&y)?,
        vm.repr(&z)?
    );
    Ok(Value::string(out))
}

fn as_tuple(s: &SliceObj) -> Value {
    Value::tuple(vec![s.start.clone(), s.stop.clone(), s.step.clone()])
}

fn cmp(vm: &mut Vm, a: &Args, op: crate::syntax::ast::CmpOp) -> PyResult<Value> {
    let s = this(a)?;
    let o = match a.pos.get(1) {
        Some(Value::Obj(o)) => match &**o {
            Obj::Slice(t) => t,
            _ => return Ok(vm.t.not_implemented_value.clone()),
        },
        _ => return Ok(vm.t.not_implemented_value.clone()),
    };
    let (x, y) = (as_tuple(s), as_tuple(o));
    vm.compare(&x, &y, op)
}

fn eq(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, crate::syntax::ast::CmpOp::Eq)
}
fn ne(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, crate::syntax::ast::CmpOp::NotEq)
}
fn lt(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, crate::syntax::ast::CmpOp::Lt)
}
fn le(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, crate::syntax::ast::CmpOp::LtE)
}
fn gt(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, crate::syntax::ast::CmpOp::Gt)
}
fn ge(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, crate::syntax::ast::CmpOp::GtE)
}

fn indices(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(a)?;
    a.check("indices", 2, 2)?;
    let n = match as_int(&a.pos[1]) {
        Some(IntRef::Small(n)) => n,
        Some(IntRef::Big(_)) => {
            return Err(exc(
                ExcKind::OverflowError,
                "Python int too large to convert to C ssize_t",
            ))
        }
        None => vm.index_value(&a.pos[1])?,
    };
    if n < 0 {
        return Err(value_error("length should not be negative"));
    }
    let r = adjust(vm, s, n as usize)?;
    Ok(Value::tuple(vec![
        Value::Int(r.start),
        Value::Int(r.stop),
        Value::Int(r.step),
    ]))
}

fn get_start(_vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(this(a)?.start.clone())
}
fn get_stop(_vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(this(a)?.stop.clone())
}
fn get_step(_vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(this(a)?.step.clone())
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.slice.clone();
    vm.add_methods(
        &t,
        "slice",
        &[
            ("__new__", slice_new),
            ("__repr__", repr),
            ("__eq__", eq),
            ("__ne__", ne),
            ("__lt__", lt),
            ("__le__", le),
            ("__gt__", gt),
            ("__ge__", ge),
            ("indices", indices),
        ],
    );
    vm.add_class_attr(&t, "__hash__", Value::None);
    for (name, f) in [
        ("start", get_start as crate::obj::function::NativeFn),
        ("stop", get_stop),
        ("step", get_step),
    ] {
        let p = vm.native_property("slice", name, f);
        vm.add_class_attr(&t, name, p);
    }
}

#[cfg(test)]
mod tests {
    use crate::obj::number::testutil::{cm, i, show};
    use crate::vm::value::Value;
    use crate::vm::Vm;

    #[test]
    fn slices() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let st = Value::Obj(vm.t.slice.clone());
        let r = vm.call(&st, &[i(1), i(10), i(2)]);
        let sl = r.expect("slice");
        assert_eq!(show(vm, Ok(sl.clone())), "slice(1, 10, 2)");
        assert_eq!(cm(vm, &sl, "indices", &[i(5)]), "(1, 5, 2)");
        let r = vm
            .call(&st, &[Value::None, Value::None, i(-1)])
            .expect("slice");
        assert_eq!(cm(vm, &r, "indices", &[i(5)]), "(4, -1, -1)");
        let r = vm
            .call(&st, &[Value::None, Value::None, i(0)])
            .expect("slice");
        assert_eq!(
            cm(vm, &r, "indices", &[i(5)]),
            "!ValueError: slice step cannot be zero"
        );
        let r = vm.get_attr_str(&sl, "step");
        assert_eq!(show(vm, r), "2");
        let r = vm.call(&st, &[i(3)]).expect("slice");
        assert_eq!(show(vm, Ok(r)), "slice(None, 3, None)");
        let r = vm.hash(&sl).map(Value::Int);
        assert_eq!(show(vm, r), "!TypeError: unhashable type: 'slice'");
    }
}
