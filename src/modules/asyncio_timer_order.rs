//! `TimerHandle`'s ordering, equality and hash (CPython's asyncio.events.TimerHandle):
//! timers order by their deadline, which is how a loop keeps them in a heap, and two are
//! equal when deadline, callback, arguments and cancelled state all are. Plain Handles
//! keep object identity.

use crate::obj::function::{Args, NativeFn};
use crate::obj::future::HandleObj;
use crate::obj::Obj;
use crate::vm::errors::PyResult;
use crate::vm::value::Value;
use crate::vm::Vm;

/// The deadline of a TimerHandle argument (None for anything else, which the comparison
/// leaves to the other operand: NotImplemented).
fn when(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Obj(o) => match &**o {
            Obj::Handle(h) => h.when,
            _ => None,
        },
        _ => None,
    }
}

fn timer(v: Option<&Value>) -> Option<&HandleObj> {
    match v? {
        Value::Obj(o) => match &**o {
            Obj::Handle(h) if h.when.is_some() => Some(h),
            _ => None,
        },
        _ => None,
    }
}

/// `self == other` as CPython's TimerHandle.__eq__ (None: not two timer handles).
fn equal(vm: &mut Vm, args: &Args) -> PyResult<Option<bool>> {
    let (Some(a), Some(b)) = (timer(args.pos.first()), timer(args.pos.get(1))) else {
        return Ok(None);
    };
    if a.when != b.when || a.cancelled.get() != b.cancelled.get() {
        return Ok(Some(false));
    }
    let (ca, cb) = (a.callback.borrow().clone(), b.callback.borrow().clone());
    if !vm.eq(&ca, &cb)? {
        return Ok(Some(false));
    }
    let (xa, xb) = (
        Value::tuple(a.args.borrow().clone()),
        Value::tuple(b.args.borrow().clone()),
    );
    vm.eq(&xa, &xb).map(Some)
}

/// A comparison by deadline: `strict` for `<`/`>`, else `<=`/`>=` (which also hold for
/// equal handles); `flip` for `>`/`>=`.
fn order(vm: &mut Vm, args: &Args, strict: bool, flip: bool) -> PyResult<Value> {
    args.check("TimerHandle comparison", 2, 2)?;
    let (Some(mut a), Some(mut b)) = (when(args.pos.first()), when(args.pos.get(1))) else {
        return Ok(vm.t.not_implemented_value.clone());
    };
    if timer(args.pos.first()).is_none() || timer(args.pos.get(1)).is_none() {
        return Ok(vm.t.not_implemented_value.clone());
    }
    if flip {
        std::mem::swap(&mut a, &mut b);
    }
    if a < b {
        return Ok(Value::Bool(true));
    }
    if strict {
        return Ok(Value::Bool(false));
    }
    Ok(Value::Bool(equal(vm, args)?.unwrap_or(false)))
}

fn lt(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    order(vm, args, true, false)
}

fn le(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    order(vm, args, false, false)
}

fn gt(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    order(vm, args, true, true)
}

fn ge(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    order(vm, args, false, true)
}

fn eq(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("TimerHandle.__eq__", 2, 2)?;
    Ok(match equal(vm, args)? {
        Some(e) => Value::Bool(e),
        None => vm.t.not_implemented_value.clone(),
    })
}

fn ne(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("TimerHandle.__ne__", 2, 2)?;
    Ok(match equal(vm, args)? {
        Some(e) => Value::Bool(!e),
        None => vm.t.not_implemented_value.clone(),
    })
}

/// `hash(handle._when)`.
fn hash(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("TimerHandle.__hash__", 1, 1)?;
    let w = when(args.pos.first()).map_or(Value::None, Value::Float);
    vm.hash(&w).map(Value::Int)
}

pub const METHODS: &[(&str, NativeFn)] = &[
    ("__lt__", lt),
    ("__le__", le),
    ("__gt__", gt),
    ("__ge__", ge),
    ("__eq__", eq),
    ("__ne__", ne),
    ("__hash__", hash),
];
