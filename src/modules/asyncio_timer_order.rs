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

/// A TimerHandle and its deadline.
type Timer<'a> = (&'a HandleObj, f64);

/// A TimerHandle argument and its deadline (None for anything else, which a comparison
/// leaves to the other operand: NotImplemented).
fn timer(v: Option<&Value>) -> Option<Timer<'_>> {
    match v? {
        Value::Obj(o) => match &**o {
            Obj::Handle(h) => h.when.map(|w| (&**h, w)),
            _ => None,
        },
        _ => None,
    }
}

/// The two operands of a comparison, when both are TimerHandles.
fn timers<'a>(args: &'a Args) -> Option<(Timer<'a>, Timer<'a>)> {
    Some((timer(args.pos.first())?, timer(args.pos.get(1))?))
}

/// `a == b` as CPython's TimerHandle.__eq__.
fn equal(vm: &mut Vm, (a, wa): Timer, (b, wb): Timer) -> PyResult<bool> {
    if wa != wb || a.cancelled.get() != b.cancelled.get() {
        return Ok(false);
    }
    let (ca, cb) = (a.callback.borrow().clone(), b.callback.borrow().clone());
    if !vm.eq(&ca, &cb)? {
        return Ok(false);
    }
    let (xa, xb) = (
        Value::tuple(a.args.borrow().clone()),
        Value::tuple(b.args.borrow().clone()),
    );
    vm.eq(&xa, &xb)
}

/// A comparison by deadline: `strict` for `<`/`>`, else `<=`/`>=` (which also hold for
/// equal handles); `flip` for `>`/`>=`.
fn order(vm: &mut Vm, args: &Args, strict: bool, flip: bool) -> PyResult<Value> {
    args.check("TimerHandle comparison", 2, 2)?;
    let Some((mut a, mut b)) = timers(args) else {
        return Ok(vm.t.not_implemented_value.clone());
    };
    if flip {
        std::mem::swap(&mut a, &mut b);
    }
    if a.1 < b.1 {
        return Ok(Value::Bool(true));
    }
    if strict {
        return Ok(Value::Bool(false));
    }
    equal(vm, a, b).map(Value::Bool)
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

/// `__eq__`, or `__ne__` when `negate`.
fn equality(vm: &mut Vm, args: &Args, negate: bool) -> PyResult<Value> {
    args.check("TimerHandle equality", 2, 2)?;
    Ok(match timers(args) {
        Some((a, b)) => Value::Bool(equal(vm, a, b)? != negate),
        None => vm.t.not_implemented_value.clone(),
    })
}

fn eq(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    equality(vm, args, false)
}

fn ne(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    equality(vm, args, true)
}

/// `hash(handle._when)`.
fn hash(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("TimerHandle.__hash__", 1, 1)?;
    let w = timer(args.pos.first()).map_or(Value::None, |(_, w)| Value::Float(w));
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
