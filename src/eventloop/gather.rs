//! `asyncio.gather(*aws)` and `asyncio.create_task(coro)` without running their aio code
//! (stdlib/asyncio/tasks.aio), for the calls whose every argument is a plain Future, Task
//! or coroutine: they are native shortcuts (`CodeObj::shortcut`) that decline anything
//! else, which the aio code then handles as CPython 3.11's tasks.py does.
//!
//! The per-child `_done_callback` closure of tasks.py becomes `Callback::Gather` on each
//! child, sharing one state list `[outer, children, nfuts, nfinished, return_exceptions]`
//! (`State`), so finishing a child runs no aio code either.

use super::futures::as_future;
use crate::obj::future::{Callback, FutState};
use crate::obj::generator::GenKind;
use crate::obj::Obj;
use crate::vm::errors::PyResult;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// What the shortcuts need from the stdlib, registered by tasks.aio.
pub struct GatherHook {
    /// `_GatheringFuture`, the class of gather's outer future.
    pub gathering_future: Value,
    /// How a child's repr names the callback: what the aio `_done_callback` would show.
    pub callback_repr: String,
}

/// Positions in the state list a gather's children share.
const OUTER: usize = 0;
const CHILDREN: usize = 1;
const NFUTS: usize = 2;
const NFINISHED: usize = 3;
const RETURN_EXCEPTIONS: usize = 4;

/// `_asyncio._register_gather(gather, _GatheringFuture)`: gives `gather` and
/// `create_task` (found in gather's module) their shortcuts.
pub fn register_gather(vm: &mut Vm, args: &crate::obj::function::Args) -> PyResult<Value> {
    args.check("_register_gather", 3, 3)?;
    let (Some(Value::Obj(g)), Some(Value::Obj(ct))) = (args.get(0), args.get(2)) else {
        return Err(crate::vm::errors::type_error(
            "_register_gather: expected functions",
        ));
    };
    let (Obj::Function(gather), Obj::Function(create_task)) = (&**g, &**ct) else {
        return Err(crate::vm::errors::type_error(
            "_register_gather: expected functions",
        ));
    };
    // The nested `_done_callback`'s code: where a child's repr says the callback is.
    let callback_repr = gather
        .code
        .consts
        .iter()
        .find_map(|c| match c {
            Value::Obj(o) => match &**o {
                Obj::Code(code) if &*code.code.name == "_done_callback" => Some(format!(
                    "gather.<locals>._done_callback() at {}:{}",
                    code.code.source.name,
                    code.code.first_line()
                )),
                _ => None,
            },
            _ => None,
        })
        .unwrap_or_else(|| "gather.<locals>._done_callback()".to_string());
    gather.code.shortcut.set(Some(gather_shortcut));
    create_task.code.shortcut.set(Some(create_task_shortcut));
    vm.aio.gather = Some(GatherHook {
        gathering_future: args.pos[1].clone(),
        callback_repr,
    });
    Ok(Value::None)
}

/// The running loop, when its `create_task` is the native one (no subclass override).
fn task_loop(vm: &mut Vm) -> Option<ObjRef> {
    let lp = vm.aio.running_loop()?;
    // A task factory makes tasks the aio code's way (through `loop.create_task`).
    if vm.aio.task_factory(&lp).is_some() {
        return None;
    }
    let classes = vm.aio_classes()?;
    let key = vm.intern("create_task");
    let cls = vm.type_of(&Value::Obj(lp.clone()));
    let native = crate::vm::class::lookup(&classes.event_loop, &key)?;
    let found = crate::vm::class::lookup(&cls, &key)?;
    found.is(&native).then_some(lp)
}

/// A coroutine object that a task can be created for.
fn is_coroutine(v: &Value) -> bool {
    matches!(v, Value::Obj(o) if matches!(&**o, Obj::Generator(g) if g.kind == GenKind::Coroutine))
}

/// `create_task(coro)` with a coroutine, in a running loop whose `create_task` is native.
fn create_task_shortcut(vm: &mut Vm, args: &[Value]) -> PyResult<Option<Value>> {
    let [coro] = args else { return Ok(None) };
    if !is_coroutine(coro) {
        return Ok(None);
    }
    let Some(lp) = task_loop(vm) else {
        return Ok(None);
    };
    Ok(Some(Value::Obj(vm.new_task(
        &lp,
        coro.clone(),
        Value::None,
        Value::None,
    )?)))
}

/// A child gather can take as it is: a Future or Task of the native classes (no subclass,
/// whose methods the callback would have to call), and its loop.
fn plain_future(vm: &Vm, v: &Value) -> Option<Value> {
    let Value::Obj(o) = v else { return None };
    let f = as_future(o)?;
    let c = vm.aio.classes.as_ref()?;
    (f.class.is(&c.future) || f.class.is(&c.task)).then(|| f.loop_value())
}

/// `gather(*aws)`: the outer `_GatheringFuture`, each child's callback added, when every
/// argument is a plain future or a coroutine and they share one loop; else None.
fn gather_shortcut(vm: &mut Vm, args: &[Value]) -> PyResult<Option<Value>> {
    let Some(cls) = vm.aio.gather.as_ref().map(|g| g.gathering_future.clone()) else {
        return Ok(None);
    };
    if args.is_empty() {
        return Ok(None);
    }
    // Check everything first: declining must leave nothing done.
    let mut lp: Option<Value> = None;
    for a in args {
        let this = match plain_future(vm, a) {
            Some(l) => l,
            None if is_coroutine(a) => match &lp {
                Some(l) => l.clone(),
                None => match task_loop(vm) {
                    Some(l) => Value::Obj(l),
                    None => return Ok(None),
                },
            },
            None => return Ok(None),
        };
        match &lp {
            None => lp = Some(this),
            Some(l) if l.is(&this) => {}
            Some(_) => return Ok(None),
        }
    }
    let Some(Value::Obj(lp)) = lp else {
        return Ok(None);
    };
    let state = Value::list(vec![
        Value::None,
        Value::None,
        Value::Int(0),
        Value::Int(0),
        Value::Bool(false),
    ]);
    let Value::Obj(state_obj) = &state else {
        return Ok(None);
    };
    // `arg_to_fut`: a repeated argument (compared by identity, as futures and coroutines
    // hash) is one child, listed each time.
    let mut seen: rustc_hash::FxHashMap<usize, usize> = Default::default();
    let mut children: Vec<Value> = Vec::with_capacity(args.len());
    for a in args {
        let Value::Obj(ao) = a else { return Ok(None) };
        if let Some(&i) = seen.get(&ao.addr()) {
            let fut = children[i].clone();
            children.push(fut);
            continue;
        }
        let fut = if is_coroutine(a) {
            let task = vm.new_task(&lp, a.clone(), Value::None, Value::None)?;
            if let Some(ts) = as_future(&task).and_then(|f| f.task.as_ref()) {
                ts.log_destroy_pending.set(false);
            }
            Value::Obj(task)
        } else {
            a.clone()
        };
        if let Value::Obj(fo) = &fut {
            vm.fut_add_callback(fo, Callback::Gather(state_obj.clone()));
        }
        seen.insert(ao.addr(), children.len());
        children.push(fut);
    }
    let nfuts = seen.len() as i64;
    let children = Value::list(children);
    let loop_kw = vm.intern("loop");
    let outer = vm.call_kw(&cls, &[children.clone(), Value::Obj(lp)], &[loop_kw])?;
    if let Obj::List(l) = &**state_obj {
        let mut st = l.borrow_mut();
        st[OUTER] = outer.clone();
        st[CHILDREN] = children;
        st[NFUTS] = Value::Int(nfuts);
    }
    Ok(Some(outer))
}

impl Vm {
    /// tasks.py's `_done_callback(fut)` of the gather whose state is `state`.
    pub fn gather_done(&mut self, state: &ObjRef, fut: &ObjRef) -> PyResult<()> {
        let Obj::List(l) = &**state else {
            return Ok(());
        };
        let (outer, children, nfuts, nfinished, return_exceptions) = {
            let mut st = l.borrow_mut();
            let n = match st[NFINISHED] {
                Value::Int(n) => n + 1,
                _ => 1,
            };
            st[NFINISHED] = Value::Int(n);
            (
                st[OUTER].clone(),
                st[CHILDREN].clone(),
                st[NFUTS].clone(),
                n,
                matches!(st[RETURN_EXCEPTIONS], Value::Bool(true)),
            )
        };
        let Value::Obj(outer) = outer else {
            // Not built yet (CPython's `outer is None`): only mark the exception seen.
            return self.retrieve(fut);
        };
        if as_future(&outer).is_none_or(|o| o.done()) {
            return self.retrieve(fut);
        }
        let f = as_future(fut);
        if !return_exceptions {
            if f.is_some_and(|f| f.state.get() == FutState::Cancelled) {
                let exc = self.fut_make_cancelled_error(fut);
                return self.fut_set_exception(&outer, exc.value());
            }
            let exc = self.fut_exception(fut)?;
            if !exc.is_none() {
                return self.fut_set_exception(&outer, exc);
            }
        }
        if !matches!(nfuts, Value::Int(n) if n == nfinished) {
            return Ok(());
        }
        let children: Vec<Value> = match &children {
            Value::Obj(c) => match &**c {
                Obj::List(c) => c.borrow().clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let mut results = Vec::with_capacity(children.len());
        for child in &children {
            let Value::Obj(c) = child else { continue };
            let res = match as_future(c).map(|f| f.state.get()) {
                Some(FutState::Cancelled) => {
                    let msg = as_future(c).map_or(Value::None, |f| f.cancel_msg());
                    let msg = if msg.is_none() { Value::str("") } else { msg };
                    self.cancelled_error(&msg).value()
                }
                _ => match self.fut_exception(c)? {
                    e if e.is_none() => self.fut_result(c)?,
                    e => e,
                },
            };
            results.push(res);
        }
        let cancel_requested =
            self.get_attr_str(&Value::Obj(outer.clone()), "_cancel_requested")?;
        if self.truthy(&cancel_requested)? {
            // tasks.py uses its loop variable: the last child.
            let last = match children.last() {
                Some(Value::Obj(c)) => c.clone(),
                _ => fut.clone(),
            };
            let exc = self.fut_make_cancelled_error(&last);
            self.fut_set_exception(&outer, exc.value())
        } else {
            self.fut_set_result(&outer, Value::list(results))
        }
    }

    /// `if not fut.cancelled(): fut.exception()`: a done child's exception counts as seen.
    fn retrieve(&mut self, fut: &ObjRef) -> PyResult<()> {
        if as_future(fut).is_some_and(|f| f.state.get() != FutState::Cancelled) {
            self.fut_exception(fut)?;
        }
        Ok(())
    }
}
