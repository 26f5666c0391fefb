//! The native `_asyncio` module: Future, Task, Handle/TimerHandle, the event loop's base
//! class and the module functions the aio-language `asyncio` package builds on
//! (`stdlib/asyncio/`). The machinery itself lives in `crate::eventloop`.

use super::asyncio_arity as arity;
use crate::eventloop::futures::{as_future, value_future};
use crate::eventloop::handler::{self, new_handle};
use crate::eventloop::log_site;
use crate::eventloop::{repr, Classes, Ready};
use crate::obj::class::Layout;
use crate::obj::function::Args;
use crate::obj::future::{Callback, FutState};
use crate::obj::{DictData, FutureObj, Obj};
use crate::vm::class::is_subclass;
use crate::vm::errors::{runtime_error, type_error, PyResult};
use crate::vm::native::native;
use crate::vm::types::{exc_class, new_class, ExcKind};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::rc::Rc;

const MODULE: &str = "_asyncio";

fn this_future(args: &Args) -> PyResult<ObjRef> {
    match args.pos.first() {
        Some(Value::Obj(o)) if matches!(&**o, Obj::Future(_)) => Ok(o.clone()),
        _ => Err(type_error("descriptor requires a '_asyncio.Future' object")),
    }
}

/// The C type CPython's message names for a Future method: Task's methods are its own.
fn fut_owner(fut: &ObjRef) -> &'static str {
    match as_future(fut) {
        Some(f) if f.task.is_some() => "Task",
        _ => "Future",
    }
}

fn this_task(args: &Args) -> PyResult<ObjRef> {
    match args.pos.first() {
        Some(Value::Obj(o)) if as_future(o).is_some_and(|f| f.task.is_some()) => Ok(o.clone()),
        _ => Err(type_error("descriptor requires a '_asyncio.Task' object")),
    }
}

fn this_obj(args: &Args) -> PyResult<ObjRef> {
    match args.pos.first() {
        Some(Value::Obj(o)) => Ok(o.clone()),
        _ => Err(type_error("descriptor requires an object")),
    }
}

fn arg_or_none(args: &Args, i: usize, name: &str) -> Value {
    args.arg(i, name).cloned().unwrap_or(Value::None)
}

/// The loop object of `self` (a loop instance).
fn this_loop(vm: &mut Vm, args: &Args) -> PyResult<ObjRef> {
    let lp = this_obj(args)?;
    if vm.aio.index(&lp).is_none() {
        // A closed loop has no state left.
        return Err(runtime_error("Event loop is closed"));
    }
    Ok(lp)
}

// ---- Future ---------------------------------------------------------------------------

fn future_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let Some(Value::Obj(cls)) = args.pos.first() else {
        return Err(type_error("Future.__new__(X): X is not a type object"));
    };
    let is_task = match vm.aio_classes() {
        Some(c) => crate::vm::class::is_subclass(cls, &c.task),
        None => false,
    };
    Ok(Value::obj(Obj::Future(Box::new(FutureObj::new(
        cls.clone(),
        is_task,
    )))))
}

/// The `loop=` argument of `Future()` or `Task()`, or when None the policy's event loop
/// (`get_event_loop()`), as CPython's C Future and Task take it.
fn given_or_policy_loop(vm: &mut Vm, lp: Value) -> PyResult<Value> {
    if !lp.is_none() {
        return Ok(lp);
    }
    get_event_loop(
        vm,
        &Args {
            pos: &[],
            kwnames: &[],
            kwvalues: &[],
        },
    )
}

fn future_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    if args.pos.len() > 1 {
        return Err(type_error("Future() takes no positional arguments"));
    }
    args.only_kwargs("Future", &["loop"])?;
    let lp = arg_or_none(args, usize::MAX, "loop");
    let lp = given_or_policy_loop(vm, lp)?;
    vm.note_source_traceback(&fut, &lp)?;
    if let Some(f) = as_future(&fut) {
        f.set_loop(lp);
    }
    Ok(Value::None)
}

fn future_result(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    arity::c_noargs(args, fut_owner(&fut), "result")?;
    vm.fut_result(&fut)
}

fn future_exception(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    arity::c_noargs(args, fut_owner(&fut), "exception")?;
    vm.fut_exception(&fut)
}

fn future_set_result(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    let value = arity::c_onearg(args, fut_owner(&fut), "set_result")?;
    if as_future(&fut).is_some_and(|f| f.task.is_some()) {
        return Err(runtime_error("Task does not support set_result operation"));
    }
    vm.fut_set_result(&fut, value)?;
    Ok(Value::None)
}

fn future_set_exception(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    let exc = arity::c_onearg(args, fut_owner(&fut), "set_exception")?;
    if as_future(&fut).is_some_and(|f| f.task.is_some()) {
        return Err(runtime_error(
            "Task does not support set_exception operation",
        ));
    }
    vm.fut_set_exception(&fut, exc)?;
    Ok(Value::None)
}

fn future_cancel(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    let n = args.pos.len() - 1 + args.kwnames.len();
    if n > 1 {
        return Err(type_error(format!(
            "cancel() takes at most 1 argument ({n} given)"
        )));
    }
    args.only_kwargs("cancel", &["msg"])?;
    let msg = arg_or_none(args, 1, "msg");
    if as_future(&fut).is_some_and(|f| f.task.is_some()) {
        return Ok(Value::Bool(vm.task_cancel(&fut, msg)?));
    }
    Ok(Value::Bool(vm.fut_cancel(&fut, msg)))
}

fn future_cancelled(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    arity::c_noargs(args, fut_owner(&fut), "cancelled")?;
    Ok(Value::Bool(
        as_future(&fut).is_some_and(|f| f.state.get() == FutState::Cancelled),
    ))
}

fn future_done(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    arity::c_noargs(args, fut_owner(&fut), "done")?;
    Ok(Value::Bool(as_future(&fut).is_some_and(|f| f.done())))
}

fn future_add_done_callback(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    let n = args.pos.len() - 1 + args.kwnames.len();
    if n > 2 {
        return Err(type_error(format!(
            "add_done_callback() takes at most 2 arguments ({n} given)"
        )));
    }
    let Some(cb) = args.get(1).cloned() else {
        return Err(type_error(
            "add_done_callback() takes exactly 1 positional argument (0 given)",
        ));
    };
    args.only_kwargs("add_done_callback", &["context"])?;
    let ctx = match args.kw("context") {
        Some(c) if !c.is_none() => c.clone(),
        _ => vm.context_capture()?,
    };
    vm.fut_add_callback(&fut, Callback::Func(cb, ctx));
    Ok(Value::None)
}

fn future_remove_done_callback(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    let target = arity::c_onearg(args, fut_owner(&fut), "remove_done_callback")?;
    let Some(f) = as_future(&fut) else {
        return Ok(Value::Int(0));
    };
    let cbs = f.callbacks.borrow().clone();
    let mut keep = thin_vec::ThinVec::with_capacity(cbs.len());
    let mut removed = 0;
    for cb in cbs {
        let matches = match &cb {
            Callback::Func(func, _) => vm.eq(func, &target)?,
            Callback::Wakeup(_) | Callback::Gather(_) | Callback::CancelTimer(..) => false,
        };
        if matches {
            removed += 1;
        } else {
            keep.push(cb);
        }
    }
    *f.callbacks.borrow_mut() = keep;
    Ok(Value::Int(removed))
}

fn future_get_loop(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    arity::c_noargs(args, fut_owner(&fut), "get_loop")?;
    Ok(crate::eventloop::future_loop(&fut))
}

fn future_repr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    Ok(Value::string(repr::future_repr(vm, &fut)?))
}

fn future_state(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    Ok(Value::str(
        as_future(&fut)
            .map(|f| f.state.get().name())
            .unwrap_or("PENDING"),
    ))
}

fn future_blocking(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    Ok(Value::Bool(
        as_future(&fut).is_some_and(|f| f.blocking.get()),
    ))
}

fn future_set_blocking(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    let Some(v) = args.get(1) else {
        return Err(crate::vm::errors::attribute_error(
            "cannot delete attribute",
        ));
    };
    let on = vm.truthy(v)?;
    if let Some(f) = as_future(&fut) {
        f.blocking.set(on);
    }
    Ok(Value::None)
}

fn future_loop_prop(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    Ok(crate::eventloop::future_loop(&fut))
}

/// `Future.__await__()` / `__iter__()`: a new `FutureIter` over the future.
fn future_await(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    let n = args.pos.len().saturating_sub(1) + args.kwnames.len();
    if n > 0 {
        return Err(type_error(format!("expected 0 arguments, got {n}")));
    }
    Ok(Value::obj(Obj::AsyncAwaitable(
        crate::obj::AsyncAwaitableObj::new(crate::obj::async_gen::AwaitOp::FutureIter {
            fut: std::cell::RefCell::new(Value::Obj(fut)),
        }),
    )))
}

// ---- Task -----------------------------------------------------------------------------

fn task_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = this_task(args)?;
    let Some(coro) = args.arg(1, "coro").cloned() else {
        return Err(type_error(
            "Task() missing required argument 'coro' (pos 1)",
        ));
    };
    let lp = arg_or_none(args, usize::MAX, "loop");
    let name = arg_or_none(args, usize::MAX, "name");
    let context = arg_or_none(args, usize::MAX, "context");
    // As Future(): with no loop given and none running, the policy's loop (the old
    // `Task(coro)` then `loop.run_until_complete(task)` pattern), asked for before the
    // coroutine is checked, as CPython's C Task does.
    let lp = given_or_policy_loop(vm, lp)?;
    vm.task_init(&t, coro, lp, name, context)?;
    Ok(Value::None)
}

fn task_get_name(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = this_task(args)?;
    arity::c_noargs(args, "Task", "get_name")?;
    Ok(as_future(&t)
        .and_then(|f| f.task.as_ref())
        .map(|ts| ts.name())
        .unwrap_or(Value::None))
}

fn task_set_name(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = this_task(args)?;
    let name = arity::c_onearg(args, "Task", "set_name")?;
    let v = vm.to_str_value(&name)?;
    if let Some(ts) = as_future(&t).and_then(|f| f.task.as_ref()) {
        *ts.name.borrow_mut() = v;
    }
    Ok(Value::None)
}

fn task_get_coro(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = this_task(args)?;
    arity::c_noargs(args, "Task", "get_coro")?;
    Ok(as_future(&t)
        .and_then(|f| f.task.as_ref())
        .map(|ts| ts.coro.borrow().clone())
        .unwrap_or(Value::None))
}

/// Methods whose parameters are all keyword-only: "f() takes no positional arguments".
fn no_positional(args: &Args, name: &str) -> PyResult<()> {
    if args.pos.len() > 1 {
        return Err(type_error(format!(
            "{name}() takes no positional arguments"
        )));
    }
    Ok(())
}

/// `task.get_stack(*, limit=None)`
fn task_get_stack(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    no_positional(args, "get_stack")?;
    args.only_kwargs("get_stack", &["limit"])?;
    let t = this_task(args)?;
    let limit = args.kw("limit").cloned().unwrap_or(Value::None);
    let frames = vm.task_get_stack(&t, limit)?;
    Ok(Value::list(frames))
}

/// `task.print_stack(*, limit=None, file=None)`
fn task_print_stack(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    no_positional(args, "print_stack")?;
    args.only_kwargs("print_stack", &["limit", "file"])?;
    let t = this_task(args)?;
    let limit = args.kw("limit").cloned().unwrap_or(Value::None);
    vm.task_print_stack(&t, limit, args.kw("file").cloned())?;
    Ok(Value::None)
}

fn task_cancelling(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = this_task(args)?;
    arity::c_noargs(args, "Task", "cancelling")?;
    Ok(Value::Int(
        as_future(&t)
            .and_then(|f| f.task.as_ref())
            .map(|ts| ts.num_cancels_requested.get() as i64)
            .unwrap_or(0),
    ))
}

fn task_uncancel(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = this_task(args)?;
    arity::c_noargs(args, "Task", "uncancel")?;
    Ok(Value::Int(vm.task_uncancel(&t) as i64))
}

fn task_must_cancel(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = this_task(args)?;
    Ok(Value::Bool(
        as_future(&t)
            .and_then(|f| f.task.as_ref())
            .is_some_and(|ts| ts.must_cancel.get()),
    ))
}

fn task_fut_waiter(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = this_task(args)?;
    Ok(as_future(&t)
        .and_then(|f| f.task.as_ref())
        .map(|ts| ts.fut_waiter())
        .unwrap_or(Value::None))
}

// ---- Handle ---------------------------------------------------------------------------

fn this_handle(args: &Args) -> PyResult<ObjRef> {
    match args.pos.first() {
        Some(Value::Obj(o)) if matches!(&**o, Obj::Handle(_)) => Ok(o.clone()),
        _ => Err(type_error("descriptor requires an 'asyncio.Handle' object")),
    }
}

fn handle_cancel(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let h = this_handle(args)?;
    let timer = matches!(&*h, Obj::Handle(hh) if hh.when.is_some());
    let qualname = if timer {
        "TimerHandle.cancel"
    } else {
        "Handle.cancel"
    };
    arity::py_noargs(args, qualname)?;
    cancel_handle(vm, &h);
    Ok(Value::None)
}

/// `Handle.cancel()`: a timer still in the heap is counted for the heap's clean-up.
pub fn cancel_handle(vm: &mut Vm, h: &ObjRef) {
    let Obj::Handle(hh) = &**h else {
        return;
    };
    if !hh.cancelled.get() {
        hh.cancelled.set(true);
        if hh.when.is_some() && hh.scheduled.get() {
            let lp = hh.loop_.borrow().clone();
            if let Value::Obj(l) = &lp {
                if let Some(st) = vm.aio.state(l) {
                    st.timers.cancelled += 1;
                }
            }
        }
        let old_cb = std::mem::replace(&mut *hh.callback.borrow_mut(), Value::None);
        let old_args = std::mem::take(&mut *hh.args.borrow_mut());
        drop((old_cb, old_args));
    }
}

fn handle_cancelled(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let h = this_handle(args)?;
    arity::py_noargs(args, "Handle.cancelled")?;
    Ok(Value::Bool(
        matches!(&*h, Obj::Handle(hh) if hh.cancelled.get()),
    ))
}

/// The private attributes of CPython's Handle (its `__slots__`), read-only here, and
/// whether they belong to TimerHandle only. Not `_context`: aio keeps a captured context
/// as a mapping, made a `Context` only to run.
const HANDLE_PRIVATE: &[(&str, bool, crate::obj::function::NativeFn)] = &[
    ("_callback", false, |_, a| {
        handle_field(a, |h| h.callback.borrow().clone())
    }),
    // None once cancelled, as CPython's `cancel()` drops them.
    ("_args", false, |_, a| {
        handle_field(a, |h| match h.cancelled.get() {
            true => Value::None,
            false => Value::tuple(h.args.borrow().clone()),
        })
    }),
    ("_cancelled", false, handle_cancelled),
    ("_loop", false, |_, a| {
        handle_field(a, |h| h.loop_.borrow().clone())
    }),
    ("_source_traceback", false, |_, a| {
        handle_field(a, |h| h.source_tb.borrow().clone())
    }),
    ("_when", true, handle_when),
    ("_scheduled", true, |_, a| {
        handle_field(a, |h| Value::Bool(h.scheduled.get()))
    }),
];

fn handle_field(
    args: &Args,
    get: impl FnOnce(&crate::obj::future::HandleObj) -> Value,
) -> PyResult<Value> {
    let h = this_handle(args)?;
    match &*h {
        Obj::Handle(hh) => Ok(get(hh)),
        _ => Ok(Value::None),
    }
}

fn handle_when(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let h = this_handle(args)?;
    arity::py_noargs(args, "TimerHandle.when")?;
    match &*h {
        Obj::Handle(hh) => Ok(hh.when.map(Value::Float).unwrap_or(Value::None)),
        _ => Ok(Value::None),
    }
}

fn handle_repr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let h = this_handle(args)?;
    Ok(Value::string(repr::handle_repr(vm, &h)?))
}

// ---- the event loop -------------------------------------------------------------------

fn loop_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    vm.loop_register(&lp);
    let key = vm.intern("slow_callback_duration");
    vm.set_attr(&Value::Obj(lp.clone()), &key, Value::Float(0.1))?;
    let key = vm.intern("_exception_handler");
    vm.set_attr(&Value::Obj(lp.clone()), &key, Value::None)?;
    // CPython's selector loop says which selector it chose, at DEBUG level (what Linux's
    // DefaultSelector is).
    log_site::log(
        vm,
        log_site::DEBUG,
        &log_site::USING_SELECTOR,
        Value::str("Using selector: %s"),
        vec![Value::str("EpollSelector")],
        log_site::ExcInfo::Absent,
    )?;
    Ok(Value::None)
}

/// Rejects keywords other than `allowed` with the wording of CPython's loop methods,
/// which are Python functions there: "BaseEventLoop.f() got an unexpected keyword argument".
fn loop_method_kwargs(args: &Args, name: &str, allowed: &[&str]) -> PyResult<()> {
    for k in args.kwnames {
        let k = k.as_str().unwrap_or("?");
        if !allowed.contains(&k) {
            return Err(type_error(format!(
                "BaseEventLoop.{name}() got an unexpected keyword argument '{k}'"
            )));
        }
    }
    Ok(())
}

/// `(callback, *args)` of `call_soon`-style methods, starting at positional `i`.
fn callback_args(args: &Args, i: usize, name: &str) -> PyResult<(Value, Vec<Value>)> {
    loop_method_kwargs(args, name, &["context"])?;
    let Some(cb) = args.get(i).cloned() else {
        return Err(type_error(format!(
            "BaseEventLoop.{name}() missing 1 required positional argument: 'callback'"
        )));
    };
    Ok((cb, args.pos[i + 1..].to_vec()))
}

/// TypeError unless `cb` can be called (`call_soon`, `call_at`, `run_in_executor`, ...).
pub(crate) fn check_callable(vm: &mut Vm, cb: &Value, method: &str) -> PyResult<()> {
    let callable = match cb {
        Value::Obj(o) => match &**o {
            Obj::Function(_) | Obj::BoundMethod(_) | Obj::Native(_) | Obj::Class(_) => true,
            _ => vm.lookup_special(cb, "__call__").is_some(),
        },
        _ => false,
    };
    if callable {
        return Ok(());
    }
    let r = vm.repr(cb)?;
    Err(type_error(format!(
        "a callable object was expected by {method}(), got {r}"
    )))
}

/// In a loop in debug mode, remembers where a handle the program asked for was made.
fn note_handle_source(vm: &mut Vm, h: &ObjRef, lp: &ObjRef) -> PyResult<()> {
    if let Some(stack) = vm.debug_creation_stack(&Value::Obj(lp.clone()))? {
        if let Obj::Handle(hh) = &**h {
            *hh.source_tb.borrow_mut() = stack;
        }
    }
    Ok(())
}

fn loop_call_soon(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_loop(vm, args)?;
    let (cb, cargs) = callback_args(args, 1, "call_soon")?;
    crate::eventloop::executor::check_callback(vm, &lp, &cb, "call_soon")?;
    let h = new_handle(vm, &lp, cb, cargs, None);
    set_handle_context(vm, &h, args)?;
    note_handle_source(vm, &h, &lp)?;
    if let Some(st) = vm.aio.state(&lp) {
        st.ready.push_back(Ready::Handle(h.clone()));
    }
    Ok(Value::Obj(h))
}

fn loop_call_soon_threadsafe(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_loop(vm, args)?;
    let (cb, cargs) = callback_args(args, 1, "call_soon_threadsafe")?;
    crate::eventloop::executor::check_callback(vm, &lp, &cb, "call_soon_threadsafe")?;
    let h = new_handle(vm, &lp, cb, cargs, None);
    set_handle_context(vm, &h, args)?;
    note_handle_source(vm, &h, &lp)?;
    if let Some(st) = vm.aio.state(&lp) {
        st.ready.push_back(Ready::Handle(h.clone()));
        // Wake a wait in progress on another thread's behalf (this thread is the loop's,
        // so the next iteration sees the entry anyway).
        if let Some(p) = &st.poller {
            let _ = p.remote.waker.wake();
        }
    }
    Ok(Value::Obj(h))
}

/// A handle runs in the context it was given (`context=`), else in a copy of the
/// current one.
fn set_handle_context(vm: &mut Vm, h: &ObjRef, args: &Args) -> PyResult<()> {
    let ctx = match args.kw("context") {
        Some(c) if !c.is_none() => c.clone(),
        _ => vm.context_capture()?,
    };
    if let Obj::Handle(hh) = &**h {
        *hh.context.borrow_mut() = ctx;
    }
    Ok(())
}

fn number(vm: &mut Vm, v: &Value, what: &str) -> PyResult<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Obj(o) if matches!(&**o, Obj::BigInt(_)) => {
            use num_traits::ToPrimitive;
            match v.to_bigint().and_then(|b| b.to_f64()) {
                Some(x) if x.is_finite() => Ok(x),
                _ => Err(crate::vm::errors::overflow_error(
                    "int too large to convert to float",
                )),
            }
        }
        _ => {
            let t = vm.type_name(v);
            Err(type_error(
                format!("'<' not supported between instances of '{t}' and 'float'{what}")
                    .replace(what, ""),
            ))
        }
    }
}

/// A delay in seconds as CPython's `call_later` takes it, by adding it to a float
/// (`self.time() + delay`): any number, an int too large for a float is OverflowError,
/// a non-number is TypeError "unsupported operand type(s) for +: 'float' and ...".
fn delay_seconds(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    match v {
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => number(vm, v, ""),
        Value::Obj(o) if matches!(&**o, Obj::BigInt(_)) => number(vm, v, ""),
        _ => {
            let sum = vm.binary_op(&Value::Float(0.0), v, crate::syntax::ast::BinOp::Add, false)?;
            number(vm, &sum, "")
        }
    }
}

fn schedule_timer(vm: &mut Vm, lp: &ObjRef, when: f64, cb: Value, cargs: Vec<Value>) -> ObjRef {
    let h = new_handle(vm, lp, cb, cargs, Some(when));
    if let Obj::Handle(hh) = &*h {
        hh.scheduled.set(true);
    }
    if let Some(st) = vm.aio.state(lp) {
        st.timers.push(when, h.clone());
    }
    h
}

fn loop_call_later(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_loop(vm, args)?;
    let Some(delay) = args.get(1).cloned() else {
        return Err(type_error(
            "call_later() missing 2 required positional arguments: 'delay' and 'callback'",
        ));
    };
    if delay.is_none() {
        return Err(type_error("delay must not be None"));
    }
    let (cb, cargs) = callback_args(args, 2, "call_later")?;
    crate::eventloop::executor::check_callback(vm, &lp, &cb, "call_at")?;
    let d = delay_seconds(vm, &delay)?;
    let now = vm.aio.state(&lp).map(|s| s.time()).unwrap_or(0.0);
    let h = schedule_timer(vm, &lp, now + d, cb, cargs);
    set_handle_context(vm, &h, args)?;
    note_handle_source(vm, &h, &lp)?;
    Ok(Value::Obj(h))
}

fn loop_call_at(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_loop(vm, args)?;
    let Some(when) = args.get(1).cloned() else {
        return Err(type_error(
            "BaseEventLoop.call_at() missing 2 required positional arguments: 'when' and 'callback'",
        ));
    };
    if when.is_none() {
        return Err(type_error("when cannot be None"));
    }
    let (cb, cargs) = callback_args(args, 2, "call_at")?;
    crate::eventloop::executor::check_callback(vm, &lp, &cb, "call_at")?;
    let w = number(vm, &when, "")?;
    let h = schedule_timer(vm, &lp, w, cb, cargs);
    set_handle_context(vm, &h, args)?;
    note_handle_source(vm, &h, &lp)?;
    Ok(Value::Obj(h))
}

fn loop_time(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    arity::py_noargs(args, "BaseEventLoop.time")?;
    Ok(Value::Float(match vm.aio.state(&lp) {
        Some(st) => st.time(),
        None => crate::eventloop::clock::monotonic(),
    }))
}

fn loop_create_future(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    arity::py_noargs(args, "BaseEventLoop.create_future")?;
    let Some(c) = vm.aio_classes() else {
        return Err(runtime_error("asyncio is not initialised"));
    };
    let f = FutureObj::new(c.future.clone(), false);
    f.set_loop(Value::Obj(lp.clone()));
    let fut = ObjRef::new(Obj::Future(Box::new(f)));
    vm.note_source_traceback(&fut, &Value::Obj(lp))?;
    Ok(Value::Obj(fut))
}

fn loop_create_task(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    if vm.aio.index(&lp).is_none() {
        // A generator-based awaitable it could not schedule is closed; a coroutine is
        // left to die unawaited, so that it warns "was never awaited" as in CPython.
        if let Some(Value::Obj(co)) = args.get(1) {
            if matches!(&**co, Obj::Generator(g) if g.kind != crate::obj::generator::GenKind::Coroutine)
            {
                let _ = vm.gen_close(co);
            }
        }
        return Err(runtime_error("Event loop is closed"));
    }
    loop_method_kwargs(args, "create_task", &["name", "context", "coro"])?;
    let Some(coro) = args.arg(1, "coro").cloned() else {
        return Err(type_error(
            "BaseEventLoop.create_task() missing 1 required positional argument: 'coro'",
        ));
    };
    let name = arg_or_none(args, usize::MAX, "name");
    let context = arg_or_none(args, usize::MAX, "context");
    if let Some(factory) = vm.aio.task_factory(&lp) {
        // As CPython: `factory(loop, coro)`, with `context=` only when one is given, then
        // the name set on whatever it made.
        let task = if context.is_none() {
            vm.call(&factory, &[Value::Obj(lp.clone()), coro])?
        } else {
            let key = vm.intern("context");
            vm.call_kw(&factory, &[Value::Obj(lp.clone()), coro, context], &[key])?
        };
        if !name.is_none() {
            vm.call_method(&task, "set_name", &[name])?;
        }
        return Ok(task);
    }
    Ok(Value::Obj(vm.new_task(&lp, coro, name, context)?))
}

/// `loop.set_task_factory(factory)`
fn loop_set_task_factory(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let factory = arity::py_onearg(args, "BaseEventLoop.set_task_factory", "factory")?;
    let lp = this_loop(vm, args)?;
    if !factory.is_none() && !super::builtins::is_callable(vm, &factory) {
        return Err(type_error("task factory must be a callable or None"));
    }
    if let Some(st) = vm.aio.state(&lp) {
        st.task_factory = factory;
    }
    Ok(Value::None)
}

/// `loop.get_task_factory()`
fn loop_get_task_factory(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    arity::py_noargs(args, "BaseEventLoop.get_task_factory")?;
    let lp = this_obj(args)?;
    if vm.aio.state(&lp).is_none() {
        return Ok(closed_setting(vm, &lp, CLOSED_TASK_FACTORY));
    }
    Ok(vm.aio.task_factory(&lp).unwrap_or(Value::None))
}

fn loop_run_until_complete(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let future = arity::py_onearg(args, "BaseEventLoop.run_until_complete", "future")?;
    let lp = this_loop(vm, args)?;
    vm.loop_run_until_complete(&lp, future)
}

fn loop_run_forever(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    arity::py_noargs(args, "BaseEventLoop.run_forever")?;
    let lp = this_loop(vm, args)?;
    vm.loop_run_forever(&lp)?;
    Ok(Value::None)
}

// A loop run by a VM thread (threading.aio) is driven from aio code
// (`_UnixSelectorEventLoop.run_forever` in events.aio), one iteration at a time, so the
// thread can sleep, parked, while its loop has nothing to do.

/// `_in_vthread()`: whether the code running is a VM thread's (not the main thread's).
fn in_vthread(vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Ok(Value::Bool(vm.aio.vthreads.depth > 0))
}

/// `_loop_enter(loop)`: the loop is running from now on; returns the hooks to restore.
fn loop_enter(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_loop_enter", 1, 1)?;
    let lp = loop_arg(vm, &args.pos[0])?;
    let (first, fin) = vm.loop_enter(&lp)?;
    Ok(Value::tuple(vec![
        first.unwrap_or(Value::None),
        fin.unwrap_or(Value::None),
    ]))
}

/// `_loop_iterate(loop)`: one iteration that does not wait: the seconds the loop would
/// have waited (0.0 busy), None if nothing but another thread can wake it; -1.0 once it
/// is stopping.
fn loop_iterate(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_loop_iterate", 1, 1)?;
    let lp = loop_arg(vm, &args.pos[0])?;
    let wanted = vm.run_once_with(&lp, false)?;
    if vm.aio.state(&lp).is_none_or(|s| s.stopping) {
        return Ok(Value::Float(-1.0));
    }
    Ok(wanted.map_or(Value::None, Value::Float))
}

/// `_loop_leave(loop, hooks)`: the loop stopped running.
fn loop_leave(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_loop_leave", 2, 2)?;
    let lp = loop_arg(vm, &args.pos[0])?;
    let hooks = args.pos[1]
        .as_tuple()
        .map(|t| t.to_vec())
        .unwrap_or_default();
    let get = |i: usize| hooks.get(i).filter(|v| !v.is_none()).cloned();
    vm.loop_leave(&lp, (get(0), get(1)));
    Ok(Value::None)
}

fn loop_arg(vm: &mut Vm, v: &Value) -> PyResult<ObjRef> {
    match v {
        Value::Obj(o) if vm.aio.state(o).is_some() => Ok(o.clone()),
        Value::Obj(_) => Err(runtime_error("Event loop is closed")),
        _ => Err(type_error("an event loop is required")),
    }
}

fn loop_stop(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    arity::py_noargs(args, "BaseEventLoop.stop")?;
    vm.loop_stop(&lp);
    Ok(Value::None)
}

fn loop_close(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    arity::py_noargs(args, "_UnixSelectorEventLoop.close")?;
    // CPython's close() logs "Close <loop>" at DEBUG level in debug mode, once, before
    // anything is closed.
    let debug_open = vm
        .aio
        .state(&lp)
        .is_some_and(|s| s.debug && !s.running && !s.closed);
    if debug_open {
        log_site::log(
            vm,
            log_site::DEBUG,
            &log_site::LOOP_CLOSE,
            Value::str("Close %r"),
            vec![Value::Obj(lp.clone())],
            log_site::ExcInfo::Absent,
        )?;
    }
    let kept = vm.aio.state(&lp).map(|s| (s.debug, s.task_factory.clone()));
    vm.loop_close(&lp)?;
    // The state goes with close(); what CPython's closed loop still answers for
    // (get_debug, its repr, get_task_factory) stays on the loop object.
    if let Some((debug, factory)) = kept {
        let obj = Value::Obj(lp);
        let key = vm.intern(CLOSED_DEBUG);
        vm.set_attr(&obj, &key, Value::Bool(debug))?;
        let key = vm.intern(CLOSED_TASK_FACTORY);
        vm.set_attr(&obj, &key, factory)?;
    }
    Ok(Value::None)
}

/// Where a closed loop keeps its debug flag and task factory.
const CLOSED_DEBUG: &str = "_debug";
const CLOSED_TASK_FACTORY: &str = "_task_factory";

/// A closed loop's kept setting (`loop_close`), None if it has none.
fn closed_setting(vm: &mut Vm, lp: &ObjRef, name: &str) -> Value {
    vm.get_attr_str(&Value::Obj(lp.clone()), name)
        .unwrap_or(Value::None)
}

fn loop_is_running(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    arity::py_noargs(args, "BaseEventLoop.is_running")?;
    Ok(Value::Bool(vm.aio.state(&lp).is_some_and(|s| s.running)))
}

fn loop_is_closed(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    arity::py_noargs(args, "BaseEventLoop.is_closed")?;
    Ok(Value::Bool(vm.aio.state(&lp).is_none_or(|s| s.closed)))
}

fn loop_set_exception_handler(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    let h = arity::py_onearg(args, "BaseEventLoop.set_exception_handler", "handler")?;
    if !h.is_none() {
        let callable = match &h {
            Value::Obj(o) => match &**o {
                Obj::Function(_) | Obj::BoundMethod(_) | Obj::Native(_) | Obj::Class(_) => true,
                _ => vm.lookup_special(&h, "__call__").is_some(),
            },
            _ => false,
        };
        if !callable {
            let r = vm.repr(&h)?;
            return Err(type_error(format!(
                "A callable object or None is expected, got {r}"
            )));
        }
    }
    let key = vm.intern("_exception_handler");
    vm.set_attr(&Value::Obj(lp), &key, h)?;
    Ok(Value::None)
}

fn loop_get_exception_handler(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    arity::py_noargs(args, "BaseEventLoop.get_exception_handler")?;
    vm.get_attr_str(&Value::Obj(lp), "_exception_handler")
}

fn loop_call_exception_handler(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    let context = arity::py_onearg(args, "BaseEventLoop.call_exception_handler", "context")?;
    handler::call_exception_handler(vm, &Value::Obj(lp), &context)?;
    Ok(Value::None)
}

fn loop_default_exception_handler(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let context = arity::py_onearg(args, "BaseEventLoop.default_exception_handler", "context")?;
    handler::default_exception_handler(vm, &context)?;
    Ok(Value::None)
}

fn loop_set_debug(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    let enabled = arity::py_onearg(args, "BaseEventLoop.set_debug", "enabled")?;
    let d = vm.truthy(&enabled)?;
    match vm.aio.state(&lp) {
        Some(st) => {
            st.debug = d;
            if st.running {
                // CPython: `call_soon_threadsafe(self._set_coroutine_origin_tracking, ...)`.
                let key = vm.intern("_set_coroutine_origin_tracking");
                let f = vm.get_attr(&Value::Obj(lp.clone()), &key)?;
                vm.loop_push_ready(&Value::Obj(lp), Ready::Call(f, Value::Bool(d)));
            }
        }
        None => {
            let key = vm.intern(CLOSED_DEBUG);
            vm.set_attr(&Value::Obj(lp), &key, Value::Bool(d))?;
        }
    }
    Ok(Value::None)
}

/// `BaseEventLoop._set_coroutine_origin_tracking(enabled)`
fn loop_set_origin_tracking(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    let enabled = arity::py_onearg(
        args,
        "BaseEventLoop._set_coroutine_origin_tracking",
        "enabled",
    )?;
    let enabled = vm.truthy(&enabled)?;
    vm.set_coroutine_origin_tracking(&lp, enabled);
    Ok(Value::None)
}

fn loop_debug(vm: &mut Vm, lp: &ObjRef) -> bool {
    match vm.aio.state(lp) {
        Some(s) => s.debug,
        None => matches!(closed_setting(vm, lp, CLOSED_DEBUG), Value::Bool(true)),
    }
}

fn loop_get_debug(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    arity::py_noargs(args, "BaseEventLoop.get_debug")?;
    Ok(Value::Bool(loop_debug(vm, &lp)))
}

fn loop_repr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let lp = this_obj(args)?;
    let cls = vm.type_name(&Value::Obj(lp.clone()));
    let (running, closed) = match vm.aio.state(&lp) {
        Some(s) => (s.running, s.closed),
        None => (false, true),
    };
    let debug = loop_debug(vm, &lp);
    let b = |x: bool| if x { "True" } else { "False" };
    Ok(Value::string(format!(
        "<{cls} running={} closed={} debug={}>",
        b(running),
        b(closed),
        b(debug)
    )))
}

// ---- module functions -----------------------------------------------------------------

fn get_running_loop(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_asyncio.get_running_loop", 0, 0)?;
    match vm.aio.running_loop() {
        Some(l) => Ok(Value::Obj(l)),
        None => Err(runtime_error("no running event loop")),
    }
}

fn get_running_loop_or_none(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_asyncio._get_running_loop", 0, 0)?;
    Ok(vm.aio.running_loop().map(Value::Obj).unwrap_or(Value::None))
}

fn get_event_loop(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if let Some(l) = vm.aio.running_loop() {
        return Ok(Value::Obj(l));
    }
    policy_get_event_loop(vm, args)
}

/// The default policy's `get_event_loop()`: the loop set for this thread; on the main
/// thread, a new one if `set_event_loop` was never called (afterwards, even with None,
/// there is none: `asyncio.run` ends with `set_event_loop(None)`).
fn policy_get_event_loop(vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    if let Some(l) = vm.aio.current.clone() {
        return Ok(Value::Obj(l));
    }
    // An executor job is another thread: the policy makes loops for the main thread only.
    let thread = vm.aio.vthreads.current_name();
    if thread.is_some() || vm.aio.set_called {
        let name = thread.unwrap_or_else(|| "MainThread".to_string());
        return Err(runtime_error(format!(
            "There is no current event loop in thread '{name}'."
        )));
    }
    let l = new_event_loop(
        vm,
        &Args {
            pos: &[],
            kwnames: &[],
            kwvalues: &[],
        },
    )?;
    if let Value::Obj(o) = &l {
        vm.aio.current = Some(o.clone());
    }
    Ok(l)
}

fn new_event_loop(vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    // The loop class the aio package registered (it adds coroutine methods).
    let cls = vm
        .aio
        .loop_factory
        .clone()
        .or_else(|| vm.aio_classes().map(|c| Value::Obj(c.event_loop.clone())));
    match cls {
        Some(c) => vm.call(&c, &[]),
        None => Err(runtime_error("asyncio is not initialised")),
    }
}

fn set_event_loop(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("set_event_loop", 1, 1)?;
    vm.aio.set_called = true;
    vm.aio.current = args.pos[0].as_objref();
    Ok(Value::None)
}

fn set_loop_factory(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_set_loop_factory", 1, 1)?;
    vm.aio.loop_factory = Some(args.pos[0].clone());
    Ok(Value::None)
}

fn current_task(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    arity::py_optional_arg(args, "current_task", "loop")?;
    let lp = match args.arg(0, "loop") {
        Some(Value::Obj(l)) => l.clone(),
        _ => match vm.aio.running_loop() {
            Some(l) => l,
            None => return Err(runtime_error("no running event loop")),
        },
    };
    Ok(vm
        .aio
        .state(&lp)
        .and_then(|s| s.current_task.clone())
        .map(Value::Obj)
        .unwrap_or(Value::None))
}

fn all_tasks(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    arity::py_optional_arg(args, "all_tasks", "loop")?;
    let lp = match args.arg(0, "loop") {
        Some(Value::Obj(l)) => l.clone(),
        _ => match vm.aio.running_loop() {
            Some(l) => l,
            None => return Err(runtime_error("no running event loop")),
        },
    };
    let tasks = vm
        .aio
        .state(&lp)
        .map(|s| s.tasks.clone())
        .unwrap_or_default();
    let mut set = crate::obj::SetData::default();
    for t in tasks {
        if as_future(&t).is_some_and(|f| !f.done()) {
            vm.setdata_add(&mut set, Value::Obj(t))?;
        }
    }
    Ok(Value::set(set))
}

/// `_sleep0()`: an awaitable that yields to the loop exactly once (`sleep(0)`).
fn sleep0(vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    let Some(c) = vm.aio_classes() else {
        return Err(runtime_error("asyncio is not initialised"));
    };
    let f = FutureObj::new(c.future.clone(), false);
    f.bare_yield.set(true);
    f.state.set(FutState::Finished);
    Ok(Value::obj(Obj::Future(Box::new(f))))
}

/// `_register_sleep(sleep)`: `asyncio.sleep`, so that `await sleep(0)` (with a delay
/// that is an int or float at most 0, and no result) yields once without running it:
/// what it would do (`vm::fast`, `CallAwait`).
fn register_sleep(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_register_sleep", 1, 1)?;
    let Some(Value::Obj(func)) = args.get(0) else {
        return Err(type_error("_register_sleep: expected a function"));
    };
    let Some(c) = vm.aio_classes() else {
        return Err(runtime_error("asyncio is not initialised"));
    };
    let done = FutureObj::new(c.future.clone(), false);
    done.state.set(FutState::Finished);
    vm.aio.zero_sleep = Some(crate::eventloop::ZeroSleep {
        func: func.clone(),
        done: ObjRef::new(Obj::Future(Box::new(done))),
    });
    Ok(Value::None)
}

/// `fut.set_result(result)` unless the future was cancelled meanwhile.
fn set_result_unless_cancelled(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_set_result_unless_cancelled", 2, 2)?;
    if let Some((o, f)) = value_future(&args.pos[0]) {
        if !f.done() {
            let o = o.clone();
            vm.fut_set_result(&o, args.pos[1].clone())?;
        }
    }
    Ok(Value::None)
}

/// `_sleep_timer(delay, result)`: `(future, timer handle)` for `asyncio.sleep(delay)`.
fn sleep_timer(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_sleep_timer", 2, 2)?;
    // The pair of a sleep the fast tier started, now being turned into its coroutine
    // (perhaps to be closed with no loop running, when the coroutine is garbage).
    if let Some((fut, h)) = vm.aio.adopt_sleep.take() {
        return Ok(Value::tuple(vec![Value::Obj(fut), Value::Obj(h)]));
    }
    let Some(lp) = vm.aio.running_loop() else {
        return Err(runtime_error("no running event loop"));
    };
    let d = delay_seconds(vm, &args.pos[0])?;
    let Some((fut, h)) = sleep_future_and_timer(vm, &lp, d, args.pos[1].clone()) else {
        return Err(runtime_error("asyncio is not initialised"));
    };
    Ok(Value::tuple(vec![Value::Obj(fut), Value::Obj(h)]))
}

/// A future of the running loop that gets `result` in `delay` seconds, and its timer.
fn sleep_future_and_timer(
    vm: &mut Vm,
    lp: &ObjRef,
    delay: f64,
    result: Value,
) -> Option<(ObjRef, ObjRef)> {
    let c = vm.aio_classes()?;
    let f = FutureObj::new(c.future.clone(), false);
    f.set_loop(Value::Obj(lp.clone()));
    let fut = ObjRef::new(Obj::Future(Box::new(f)));
    let now = vm.aio.state(lp).map(|s| s.time()).unwrap_or(0.0);
    let cb = c.set_result_cb.clone();
    let h = schedule_timer(
        vm,
        lp,
        now + delay,
        cb,
        vec![Value::Obj(fut.clone()), result],
    );
    Some((fut, h))
}

/// `await asyncio.sleep(delay)` without its coroutine (`vm::fast`, `CallAwait`): the
/// future to await, whose timer is cancelled as soon as it is done, as the coroutine's
/// `finally: handle.cancel()` would. None outside a running loop.
pub fn sleep_future(vm: &mut Vm, delay: &Value, seconds: f64) -> Option<ObjRef> {
    let lp = vm.aio.running_loop()?;
    let (fut, h) = sleep_future_and_timer(vm, &lp, seconds, Value::None)?;
    vm.fut_add_callback(&fut, Callback::CancelTimer(h, delay.clone()));
    Some(fut)
}

/// The done callback `run_until_complete` adds: stops the future's loop.
fn run_until_complete_cb(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if let Some((o, f)) = args.get(0).and_then(value_future) {
        // A task that raised SystemExit or KeyboardInterrupt raised it out of run_forever
        // too; stopping now would stop the loop's next run instead.
        if let Value::Obj(e) = f.exception() {
            if matches!(&*e, Obj::Exception(x) if {
                let c = &x.class;
                is_subclass(c, &exc_class(ExcKind::SystemExit))
                    || is_subclass(c, &exc_class(ExcKind::KeyboardInterrupt))
            }) {
                return Ok(Value::None);
            }
        }
        let o = o.clone();
        if let Value::Obj(l) = crate::eventloop::future_loop(&o) {
            vm.loop_stop(&l);
        }
    }
    Ok(Value::None)
}

/// `_set_main_task(task)`: the task Ctrl-C cancels (runners.py); None when done.
fn set_main_task(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_set_main_task", 1, 1)?;
    vm.aio.main_task = args.pos[0].as_objref();
    vm.aio.interrupt_count = 0;
    Ok(Value::None)
}

fn interrupt_count(vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Ok(Value::Int(vm.aio.interrupt_count as i64))
}

fn is_coroutine(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("iscoroutine", 1, 1)?;
    Ok(Value::Bool(is_coroutine_value(vm, &args.pos[0])))
}

/// `asyncio.iscoroutine(v)`: CPython accepts coroutines, generators (the old
/// generator-based coroutines) and anything `collections.abc.Coroutine` does: async
/// generator awaitables, and objects with `__await__`, `send`, `throw` and `close`.
pub fn is_coroutine_value(vm: &mut Vm, v: &Value) -> bool {
    use crate::obj::generator::GenKind;
    let Value::Obj(o) = v else {
        return false;
    };
    match &**o {
        Obj::Generator(g) => matches!(g.kind, GenKind::Coroutine | GenKind::Generator),
        // A FutureIter or coroutine_wrapper has no `__await__`.
        Obj::AsyncAwaitable(a) => a.op.is_awaitable(),
        Obj::Instance(_) => ["__await__", "send", "throw", "close"]
            .iter()
            .all(|m| vm.lookup_special(v, m).is_some()),
        _ => false,
    }
}

fn is_coroutine_function(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("iscoroutinefunction", 1, 1)?;
    fn check(vm: &mut Vm, v: &Value) -> bool {
        match v {
            Value::Obj(o) => match &**o {
                Obj::Function(f) => f.code.code.flags.coroutine,
                Obj::BoundMethod(m) => check(vm, &m.func),
                // inspect looks through functools.partial objects.
                Obj::Instance(_) => match crate::eventloop::repr::as_partial(vm, v) {
                    Some((inner, _, _)) => check(vm, &inner),
                    None => false,
                },
                _ => false,
            },
            _ => false,
        }
    }
    Ok(Value::Bool(check(vm, &args.pos[0])))
}

fn future_make_cancelled_error(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    Ok(vm.fut_make_cancelled_error(&fut).value())
}

/// `Future._callbacks` (CPython's C Future): the done callbacks as `(callback, context)`
/// pairs, None when there are none. A task's wake-up and gather's bookkeeping appear as
/// bound native callables that do what the loop does with them.
fn future_callbacks(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    let cbs = as_future(&fut)
        .map(|f| f.all_callbacks())
        .unwrap_or_default();
    if cbs.is_empty() {
        return Ok(Value::None);
    }
    let bound = |func: Value, self_: ObjRef| {
        Value::obj(Obj::BoundMethod(crate::obj::BoundMethod {
            func,
            self_: Value::Obj(self_),
        }))
    };
    let mut out = Vec::with_capacity(cbs.len());
    for cb in cbs {
        let (func, ctx) = match cb {
            Callback::Func(func, ctx) => (func, ctx),
            Callback::Wakeup(t) => {
                let ctx = as_future(&t)
                    .and_then(|f| f.task.as_ref())
                    .map_or(Value::None, |ts| ts.context.borrow().clone());
                (
                    bound(native("Task", "task_wakeup", task_wakeup_callback), t),
                    ctx,
                )
            }
            Callback::Gather(state) => {
                let func = native("gather.<locals>", "_done_callback", gather_done_callback);
                (bound(func, state), vm.context_capture()?)
            }
            Callback::CancelTimer(..) => continue,
        };
        out.push(Value::tuple(vec![func, ctx]));
    }
    Ok(Value::list(out))
}

/// `task.__wakeup` as a callable: what a Future subclass's `add_done_callback` gets.
pub fn task_wakeup_method(task: &ObjRef) -> Value {
    Value::obj(Obj::BoundMethod(crate::obj::BoundMethod {
        func: native("Task", "task_wakeup", task_wakeup_callback),
        self_: Value::Obj(task.clone()),
    }))
}

/// A task's wake-up as `_callbacks` shows it: `task_wakeup(future)`.
fn task_wakeup_callback(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("task_wakeup", 2, 2)?;
    let task = this_task(args)?;
    let Value::Obj(fut) = &args.pos[1] else {
        return Err(type_error("task_wakeup() argument must be a future"));
    };
    vm.task_wakeup(&task, fut)?;
    Ok(Value::None)
}

/// gather's done callback as `_callbacks` shows it: `_done_callback(future)`.
fn gather_done_callback(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_done_callback", 2, 2)?;
    let (Value::Obj(state), Value::Obj(fut)) = (&args.pos[0], &args.pos[1]) else {
        return Err(type_error("_done_callback() argument must be a future"));
    };
    vm.gather_done(state, fut)?;
    Ok(Value::None)
}

/// `Future._result`: the result once finished without an exception, else None.
fn future_result_attr(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    Ok(match as_future(&fut) {
        Some(f) if f.state.get() == FutState::Finished && !f.has_exception() => {
            f.result.borrow().clone()
        }
        _ => Value::None,
    })
}

/// `Future._exception`: the exception set, else None (reading it does not count as
/// retrieving it).
fn future_exception_attr(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    Ok(as_future(&fut).map_or(Value::None, |f| f.exception()))
}

/// `Future._source_traceback`: where it was made, in a loop in debug mode (else None).
fn future_source_traceback(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    Ok(as_future(&fut).map_or(Value::None, |f| f.source_tb()))
}

/// `Future._log_traceback`: whether an unretrieved exception will be reported.
fn future_log_traceback(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    Ok(Value::Bool(as_future(&fut).is_some_and(|f| f.log_tb.get())))
}

/// Setting `Future._log_traceback`: only to False, as CPython.
fn future_set_log_traceback(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    let v = match args.get(1) {
        Some(v) => vm.truthy(v)?,
        None => {
            return Err(crate::vm::errors::attribute_error(
                "cannot delete attribute",
            ))
        }
    };
    if v {
        return Err(crate::vm::errors::value_error(
            "_log_traceback can only be set to False",
        ));
    }
    if let Some(f) = as_future(&fut) {
        f.log_tb.set(false);
    }
    Ok(Value::None)
}

fn future_cancel_message(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let fut = this_future(args)?;
    Ok(as_future(&fut)
        .map(|f| f.cancel_msg())
        .unwrap_or(Value::None))
}

fn task_log_destroy_pending(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = this_task(args)?;
    Ok(Value::Bool(
        as_future(&t)
            .and_then(|f| f.task.as_ref())
            .is_some_and(|ts| ts.log_destroy_pending.get()),
    ))
}

fn task_set_log_destroy_pending(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = this_task(args)?;
    let v = match args.get(1) {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    if let Some(ts) = as_future(&t).and_then(|f| f.task.as_ref()) {
        ts.log_destroy_pending.set(v);
    }
    Ok(Value::None)
}

fn is_future_obj(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    Ok(Value::Bool(args.get(0).and_then(value_future).is_some()))
}

fn exception_class(vm: &mut Vm, name: &str, base: ObjRef) -> ObjRef {
    let cls = new_class(name, vec![base], Layout::Exception, false);
    if let Obj::Class(c) = &*cls {
        *c.module.borrow_mut() = Rc::from("asyncio.exceptions");
    }
    vm.add_class_attr(&cls, "__module__", Value::str("asyncio.exceptions"));
    cls
}

/// A class of `_asyncio`. `immutable`: a C type in CPython (`Future`, `Task`), whose
/// attributes cannot be set or deleted; the others are Python classes there.
fn native_class(
    vm: &mut Vm,
    name: &str,
    base: ObjRef,
    layout: Layout,
    module: &str,
    immutable: bool,
) -> ObjRef {
    let cls = new_class(name, vec![base], layout, immutable);
    if let Obj::Class(c) = &*cls {
        *c.module.borrow_mut() = Rc::from(module);
    }
    // A C type's module comes from its name (`ClassObj::module`), not its namespace.
    if !immutable {
        vm.add_class_attr(&cls, "__module__", Value::str(module));
    }
    cls
}

/// Creates the `_asyncio` module and registers it in `sys.modules`.
pub fn register(vm: &mut Vm) {
    let object = vm.t.object.clone();
    let future = native_class(vm, "Future", object.clone(), Layout::Future, MODULE, true);
    vm.add_methods(
        &future,
        "Future",
        &[
            ("__new__", future_new),
            ("__init__", future_init),
            ("result", future_result),
            ("exception", future_exception),
            ("set_result", future_set_result),
            ("set_exception", future_set_exception),
            ("cancel", future_cancel),
            ("cancelled", future_cancelled),
            ("done", future_done),
            ("add_done_callback", future_add_done_callback),
            ("remove_done_callback", future_remove_done_callback),
            ("get_loop", future_get_loop),
            ("__repr__", future_repr),
            ("__await__", future_await),
            ("__iter__", future_await),
            ("_make_cancelled_error", future_make_cancelled_error),
        ],
    );
    for (name, getter) in [
        ("_state", future_state as crate::obj::function::NativeFn),
        ("_loop", future_loop_prop),
        ("_cancel_message", future_cancel_message),
        ("_callbacks", future_callbacks),
        ("_result", future_result_attr),
        ("_exception", future_exception_attr),
        ("_source_traceback", future_source_traceback),
    ] {
        let p = vm.native_property("Future", name, getter);
        vm.add_class_attr(&future, name, p);
    }
    let task = native_class(vm, "Task", future.clone(), Layout::Future, MODULE, true);
    vm.add_methods(
        &task,
        "Task",
        &[
            ("__init__", task_init),
            ("get_name", task_get_name),
            ("set_name", task_set_name),
            ("get_coro", task_get_coro),
            ("get_stack", task_get_stack),
            ("print_stack", task_print_stack),
            ("cancelling", task_cancelling),
            ("uncancel", task_uncancel),
        ],
    );
    for (name, getter) in [
        (
            "_must_cancel",
            task_must_cancel as crate::obj::function::NativeFn,
        ),
        ("_fut_waiter", task_fut_waiter),
        ("_coro", task_get_coro),
    ] {
        let p = vm.native_property("Task", name, getter);
        vm.add_class_attr(&task, name, p);
    }
    // Writable attributes. `_asyncio_future_blocking` as CPython's: a task clears it when
    // it takes a yielded future, and code driving `fut.__await__()` by hand does the same.
    use crate::obj::function::NativeFn;
    type Rw<'a> = (&'a ObjRef, &'static str, &'static str, NativeFn, NativeFn);
    let rw: [Rw; 3] = [
        (
            &task,
            "Task",
            "_log_destroy_pending",
            task_log_destroy_pending,
            task_set_log_destroy_pending,
        ),
        (
            &future,
            "Future",
            "_asyncio_future_blocking",
            future_blocking,
            future_set_blocking,
        ),
        (
            &future,
            "Future",
            "_log_traceback",
            future_log_traceback,
            future_set_log_traceback,
        ),
    ];
    for (cls, owner, name, get, set) in rw {
        let p = Vm::native_rw_property(owner, name, get, set);
        vm.add_class_attr(cls, name, p);
    }
    let handle = native_class(
        vm,
        "Handle",
        object.clone(),
        Layout::Builtin,
        "asyncio.events",
        false,
    );
    vm.add_methods(
        &handle,
        "Handle",
        &[
            ("cancel", handle_cancel),
            ("cancelled", handle_cancelled),
            ("__repr__", handle_repr),
        ],
    );
    let timer_handle = native_class(
        vm,
        "TimerHandle",
        handle.clone(),
        Layout::Builtin,
        "asyncio.events",
        false,
    );
    vm.add_methods(&timer_handle, "TimerHandle", &[("when", handle_when)]);
    vm.add_methods(
        &timer_handle,
        "TimerHandle",
        super::asyncio_timer_order::METHODS,
    );
    for &(name, timer_only, getter) in HANDLE_PRIVATE {
        let p = vm.native_property("Handle", name, getter);
        let class = if timer_only { &timer_handle } else { &handle };
        vm.add_class_attr(class, name, p);
    }
    let event_loop = native_class(
        vm,
        "BaseEventLoop",
        object.clone(),
        Layout::Object,
        "asyncio.base_events",
        false,
    );
    vm.add_methods(
        &event_loop,
        "BaseEventLoop",
        &[
            ("__init__", loop_init),
            ("call_soon", loop_call_soon),
            ("call_soon_threadsafe", loop_call_soon_threadsafe),
            ("call_later", loop_call_later),
            ("call_at", loop_call_at),
            ("time", loop_time),
            ("create_future", loop_create_future),
            ("create_task", loop_create_task),
            ("set_task_factory", loop_set_task_factory),
            ("get_task_factory", loop_get_task_factory),
            ("run_until_complete", loop_run_until_complete),
            ("run_forever", loop_run_forever),
            ("stop", loop_stop),
            ("close", loop_close),
            ("is_running", loop_is_running),
            ("is_closed", loop_is_closed),
            ("set_exception_handler", loop_set_exception_handler),
            ("get_exception_handler", loop_get_exception_handler),
            ("call_exception_handler", loop_call_exception_handler),
            ("default_exception_handler", loop_default_exception_handler),
            ("set_debug", loop_set_debug),
            ("get_debug", loop_get_debug),
            ("_set_coroutine_origin_tracking", loop_set_origin_tracking),
            ("__repr__", loop_repr),
        ],
    );
    vm.add_methods(
        &event_loop,
        "BaseEventLoop",
        super::asyncio_io::LOOP_METHODS,
    );
    let base = exc_class(ExcKind::BaseException);
    let cancelled_error = exception_class(vm, "CancelledError", base);
    let invalid_state_error =
        exception_class(vm, "InvalidStateError", exc_class(ExcKind::Exception));
    let ruc_cb = native(MODULE, "_run_until_complete_cb", run_until_complete_cb);
    let set_result_cb = native(
        MODULE,
        "_set_result_unless_cancelled",
        set_result_unless_cancelled,
    );
    vm.aio.classes = Some(Rc::new(Classes {
        future: future.clone(),
        task: task.clone(),
        handle: handle.clone(),
        timer_handle: timer_handle.clone(),
        event_loop: event_loop.clone(),
        cancelled_error: cancelled_error.clone(),
        invalid_state_error: invalid_state_error.clone(),
        ruc_cb,
        set_result_cb,
    }));
    let class_getitem = crate::obj::methods::generic_alias::class_getitem_method;
    vm.add_class_attr(&future, "__class_getitem__", class_getitem());
    vm.add_class_attr(&task, "__class_getitem__", class_getitem());
    let module = vm.new_module(MODULE, None);
    let mut items: Vec<(&str, Value)> = vec![
        ("Future", Value::Obj(future)),
        ("Task", Value::Obj(task)),
        ("Handle", Value::Obj(handle)),
        ("TimerHandle", Value::Obj(timer_handle)),
        ("BaseEventLoop", Value::Obj(event_loop)),
        ("CancelledError", Value::Obj(cancelled_error)),
        ("InvalidStateError", Value::Obj(invalid_state_error)),
        // O(1) waiter and item queues for locks.aio and queues.aio.
        ("deque", Value::Obj(vm.t.deque.clone())),
        // `Queue[int]`, `defaultdict[str, int]`: types.GenericAlias, imported when used.
        ("_class_getitem", class_getitem()),
    ];
    let funcs: &[(&'static str, crate::obj::function::NativeFn)] = &[
        ("get_running_loop", get_running_loop),
        ("_get_running_loop", get_running_loop_or_none),
        ("get_event_loop", get_event_loop),
        ("_policy_get_event_loop", policy_get_event_loop),
        ("new_event_loop", new_event_loop),
        ("set_event_loop", set_event_loop),
        ("_set_loop_factory", set_loop_factory),
        ("current_task", current_task),
        ("all_tasks", all_tasks),
        ("_sleep0", sleep0),
        ("_register_sleep", register_sleep),
        ("_in_vthread", in_vthread),
        ("_run_until_complete_cb", run_until_complete_cb),
        ("_loop_enter", loop_enter),
        ("_loop_iterate", loop_iterate),
        ("_loop_leave", loop_leave),
        (
            "_register_gather",
            crate::eventloop::gather::register_gather,
        ),
        ("_sleep_timer", sleep_timer),
        ("_set_result_unless_cancelled", set_result_unless_cancelled),
        ("_set_main_task", set_main_task),
        ("_interrupt_count", interrupt_count),
        ("isfuture", is_future_obj),
        ("iscoroutine", is_coroutine),
        ("iscoroutinefunction", is_coroutine_function),
        ("_asyncgens_add", crate::eventloop::asyncgens::asyncgens_add),
        (
            "_asyncgens_discard",
            crate::eventloop::asyncgens::asyncgens_discard,
        ),
        (
            "_asyncgens_take",
            crate::eventloop::asyncgens::asyncgens_take,
        ),
    ];
    let extra = super::asyncio_sync::FUNCS
        .iter()
        .chain(super::asyncio_io::FUNCS)
        .chain(crate::eventloop::executor::FUNCS);
    for &(name, f) in funcs.iter().chain(extra) {
        items.push((name, native(MODULE, name, f)));
    }
    if let Obj::Module(m) = &*module {
        if let Obj::Dict(d) = &*m.dict {
            let mut d = d.borrow_mut();
            for (k, v) in items {
                let key = vm.intern(k);
                crate::vm::dictops::set_str(&mut d, key, v);
            }
        }
    }
    let _ = DictData::new();
    vm.register_module(MODULE, Value::Obj(module));
}
