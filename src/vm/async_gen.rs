//! Async generators (PEP 525), as CPython 3.11's `genobject.c` runs them.
//!
//! An async generator is a generator frame whose real yields are marked by `AsyncGenWrap`
//! (the VM sets `async_gen_yield` just before the `YieldValue`); every other value that
//! leaves the frame is a future travelling up from an `await`, to the task. The awaitables
//! returned by `__anext__`/`asend`/`athrow`/`aclose` drive the frame from native code and
//! turn a marked yield into the end of the `await` (StopIteration carrying the value), the
//! end of the frame into StopAsyncIteration.
//!
//! `sys.set_asyncgen_hooks` registers the firstiter/finalizer hooks the event loop uses to
//! close generators that die (or are still open at shutdown) with `aclose()` on the loop.

use super::errors::{exc_empty, runtime_error, type_error, ExcRef, PyResult};
use super::generator::{stop_iteration_value, throw_exception, GenOutcome};
use super::types::ExcKind;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::async_gen::{AsyncAwaitableObj, AsyncGenState, AwaitOp, AwaitState};
use crate::obj::function::Args;
use crate::obj::generator::GenState;
use crate::obj::{GeneratorObj, Obj};
use std::cell::RefCell;

/// `sys.get_asyncgen_hooks()`: the per-thread firstiter and finalizer hooks.
#[derive(Default)]
pub struct AsyncGenHooks {
    pub firstiter: Option<Value>,
    pub finalizer: Option<Value>,
    /// The `asyncgen_hooks` struct-sequence class, made on first use.
    pub class: Option<ObjRef>,
}

fn agen_of(o: &ObjRef) -> Option<(&GeneratorObj, &AsyncGenState)> {
    match &**o {
        Obj::Generator(g) => g.agen.as_deref().map(|a| (g, a)),
        _ => None,
    }
}

fn awaitable_of(o: &ObjRef) -> Option<&AsyncAwaitableObj> {
    match &**o {
        Obj::AsyncAwaitable(a) => Some(a),
        _ => None,
    }
}

const ASEND_REUSED: &str = "cannot reuse already awaited __anext__()/asend()";
const ATHROW_REUSED: &str = "cannot reuse already awaited aclose()/athrow()";
const IGNORED_EXIT: &str = "async generator ignored GeneratorExit";

/// A step of an `asend` awaitable, before the generator runs: a closed awaitable cannot be
/// reused; the first step checks that the generator is not already running and sends the
/// value the awaitable was created with in place of None.
fn asend_begin(
    a: &AsyncAwaitableObj,
    ag: &AsyncGenState,
    value: &RefCell<Value>,
    arg: Value,
) -> PyResult<Value> {
    match a.state.get() {
        AwaitState::Closed => Err(runtime_error(ASEND_REUSED)),
        AwaitState::Init => {
            if ag.running_async.get() {
                return Err(runtime_error(
                    "anext(): asynchronous generator is already running",
                ));
            }
            a.state.set(AwaitState::Iter);
            Ok(if arg.is_none() {
                value.borrow().clone()
            } else {
                arg
            })
        }
        AwaitState::Iter => Ok(arg),
    }
}

impl Vm {
    /// Looks up the hooks once per generator: keeps the finalizer, calls firstiter.
    fn agen_init_hooks(&mut self, g: &ObjRef) -> PyResult<()> {
        let Some((_, ag)) = agen_of(g) else {
            return Ok(());
        };
        if ag.hooks_inited.replace(true) {
            return Ok(());
        }
        if let Some(fin) = self.asyncgen_hooks.finalizer.clone() {
            *ag.finalizer.borrow_mut() = fin;
        }
        if let Some(first) = self.asyncgen_hooks.firstiter.clone() {
            self.call(&first, &[Value::Obj(g.clone())])?;
        }
        Ok(())
    }

    /// `agen.asend(value)` (and `agen.__anext__()` with None).
    pub fn agen_asend(&mut self, g: &ObjRef, value: Value) -> PyResult<Value> {
        self.agen_init_hooks(g)?;
        Ok(Value::obj(Obj::AsyncAwaitable(AsyncAwaitableObj::new(
            AwaitOp::ASend {
                gen: g.clone(),
                value: RefCell::new(value),
            },
        ))))
    }

    /// `agen.athrow(typ, val, tb)` (`args` are those three), or `agen.aclose()` (None).
    pub fn agen_athrow(&mut self, g: &ObjRef, args: Option<Value>) -> PyResult<Value> {
        self.agen_init_hooks(g)?;
        Ok(Value::obj(Obj::AsyncAwaitable(AsyncAwaitableObj::new(
            AwaitOp::AThrow {
                gen: g.clone(),
                exc: RefCell::new(args),
            },
        ))))
    }

    /// Whether the yield that just left an async generator frame was a real `yield`.
    fn take_async_gen_yield(&mut self) -> bool {
        std::mem::take(&mut self.async_gen_yield)
    }

    /// CPython's `async_gen_unwrap_value`: a real yield ends the `await` with its value
    /// (Returned), other yields go on up to the task; the end of the generator is
    /// StopAsyncIteration.
    fn agen_unwrap(&mut self, g: &ObjRef, r: PyResult<GenOutcome>) -> PyResult<GenOutcome> {
        let wrapped = self.take_async_gen_yield();
        let Some((_, ag)) = agen_of(g) else { return r };
        let r = match r {
            Ok(GenOutcome::Returned(_)) => Err(exc_empty(ExcKind::StopAsyncIteration)),
            other => other,
        };
        match r {
            Err(e) => {
                if e.is(ExcKind::StopAsyncIteration) || e.is(ExcKind::GeneratorExit) {
                    ag.closed.set(true);
                }
                ag.running_async.set(false);
                Err(e)
            }
            Ok(GenOutcome::Yielded(v)) if wrapped => {
                ag.running_async.set(false);
                Ok(GenOutcome::Returned(v))
            }
            ok => ok,
        }
    }

    /// `send(arg)` on an awaitable (also `__next__` and each step of an `await`).
    pub fn awaitable_send(&mut self, o: &ObjRef, arg: Value) -> PyResult<GenOutcome> {
        let Some(a) = awaitable_of(o) else {
            return Err(type_error("not an async generator awaitable"));
        };
        match &a.op {
            AwaitOp::ASend { gen, value } => {
                let Some((_, ag)) = agen_of(gen) else {
                    return Err(type_error("not an async generator"));
                };
                let arg = asend_begin(a, ag, value, arg)?;
                ag.running_async.set(true);
                let r = self.gen_send(gen, arg);
                let r = self.agen_unwrap(gen, r);
                if !matches!(r, Ok(GenOutcome::Yielded(_))) {
                    a.state.set(AwaitState::Closed);
                }
                r
            }
            AwaitOp::AThrow { gen, exc } => self.athrow_send(a, gen, exc, arg),
            AwaitOp::ANext { .. } => {
                let it = self.anext_iter(a)?;
                let r = self.drive(&it, Err(arg));
                self.anext_result(a, r)
            }
            AwaitOp::FutureIter { fut } => self.future_iter_next(a, fut),
            AwaitOp::CoroWrapper { coro } => self.gen_send(coro, arg),
        }
    }

    /// CPython's `FutureIter_iternext` (the value sent is ignored): a pending future is
    /// yielded once, marked blocking, for the task to wait on; once done, its result ends
    /// the iteration and the iterator lets go of it.
    fn future_iter_next(
        &mut self,
        a: &AsyncAwaitableObj,
        fut: &RefCell<Value>,
    ) -> PyResult<GenOutcome> {
        let Value::Obj(f) = fut.borrow().clone() else {
            return Ok(GenOutcome::Returned(Value::None));
        };
        let Some(fo) = crate::eventloop::futures::as_future(&f) else {
            return Ok(GenOutcome::Returned(Value::None));
        };
        if !fo.done() {
            if fo.blocking.get() {
                return Err(runtime_error("await wasn't used with future"));
            }
            fo.blocking.set(true);
            a.state.set(AwaitState::Iter);
            return Ok(GenOutcome::Yielded(Value::Obj(f)));
        }
        *fut.borrow_mut() = Value::None;
        a.state.set(AwaitState::Closed);
        self.fut_result(&f).map(GenOutcome::Returned)
    }

    /// A fresh `FutureIter`'s future: `await` drives the future itself, the fast path.
    pub(crate) fn fresh_future_iter(o: &ObjRef) -> Option<Value> {
        let a = awaitable_of(o)?;
        match &a.op {
            AwaitOp::FutureIter { fut } if a.state.get() == AwaitState::Init => {
                let f = fut.borrow().clone();
                (!f.is_none()).then_some(f)
            }
            _ => None,
        }
    }

    /// CPython's `async_gen_athrow_send`.
    fn athrow_send(
        &mut self,
        a: &AsyncAwaitableObj,
        gen: &ObjRef,
        exc: &RefCell<Option<Value>>,
        arg: Value,
    ) -> PyResult<GenOutcome> {
        let Some((g, ag)) = agen_of(gen) else {
            return Err(type_error("not an async generator"));
        };
        let aclose = exc.borrow().is_none();
        if a.state.get() == AwaitState::Closed {
            return Err(runtime_error(ATHROW_REUSED));
        }
        if g.state.get() == GenState::Finished {
            a.state.set(AwaitState::Closed);
            return Ok(GenOutcome::Returned(Value::None));
        }
        if a.state.get() == AwaitState::Init {
            if ag.running_async.get() {
                a.state.set(AwaitState::Closed);
                let what = if aclose { "aclose" } else { "athrow" };
                return Err(runtime_error(format!(
                    "{what}(): asynchronous generator is already running"
                )));
            }
            if ag.closed.get() {
                a.state.set(AwaitState::Closed);
                return Err(exc_empty(ExcKind::StopAsyncIteration));
            }
            if !arg.is_none() {
                return Err(runtime_error(
                    "can't send non-None value to a just-started coroutine",
                ));
            }
            a.state.set(AwaitState::Iter);
            ag.running_async.set(true);
            let r = if aclose {
                ag.closed.set(true);
                let r = self.gen_throw(gen, exc_empty(ExcKind::GeneratorExit));
                return self.aclose_outcome(a, ag, r);
            } else {
                let e = self.athrow_exception(exc)?;
                let r = self.gen_throw(gen, e);
                self.agen_unwrap(gen, r)
            };
            if !matches!(r, Ok(GenOutcome::Yielded(_))) {
                ag.running_async.set(false);
                a.state.set(AwaitState::Closed);
            }
            return r;
        }
        let r = self.gen_send(gen, arg);
        if aclose {
            self.aclose_outcome(a, ag, r)
        } else {
            self.agen_unwrap(gen, r)
        }
    }

    /// The exception `athrow(typ, val, tb)` throws in.
    fn athrow_exception(&mut self, exc: &RefCell<Option<Value>>) -> PyResult<ExcRef> {
        let args = exc.borrow().clone().unwrap_or(Value::None);
        let args = args.as_tuple().map(|t| t.to_vec()).unwrap_or_default();
        match (args.first(), args.len()) {
            (Some(typ), 1..=3) => throw_exception(self, typ, args.get(1)),
            (_, 0) => Err(type_error("athrow expected at least 1 argument, got 0")),
            (_, n) => Err(type_error(format!(
                "athrow expected at most 3 arguments, got {n}"
            ))),
        }
    }

    /// What one step of `aclose()` did: a real yield means the generator ignored
    /// GeneratorExit; its end (by GeneratorExit or StopAsyncIteration) ends the `await`.
    fn aclose_outcome(
        &mut self,
        a: &AsyncAwaitableObj,
        ag: &AsyncGenState,
        r: PyResult<GenOutcome>,
    ) -> PyResult<GenOutcome> {
        let wrapped = self.take_async_gen_yield();
        let r = match r {
            Ok(GenOutcome::Yielded(v)) if !wrapped => return Ok(GenOutcome::Yielded(v)),
            Ok(GenOutcome::Yielded(_)) => Err(runtime_error(IGNORED_EXIT)),
            Ok(GenOutcome::Returned(_)) => Err(exc_empty(ExcKind::StopAsyncIteration)),
            Err(e) => Err(e),
        };
        ag.running_async.set(false);
        a.state.set(AwaitState::Closed);
        match r {
            Err(e) if e.is(ExcKind::StopAsyncIteration) || e.is(ExcKind::GeneratorExit) => {
                Ok(GenOutcome::Returned(Value::None))
            }
            other => other,
        }
    }

    /// `await agen.asend(v)` / `async for` in aio code: pushes the generator's frame above
    /// the awaiting one, as `await` on a coroutine does, so nested async generators cost
    /// no native stack. Returns the argument back when the native path must handle the
    /// step (running or finished generators, other awaitables).
    pub(crate) fn asend_inline(&mut self, aw: &ObjRef, arg: Value) -> PyResult<Option<Value>> {
        let Some(a) = awaitable_of(aw) else {
            return Ok(Some(arg));
        };
        let AwaitOp::ASend { gen, value } = &a.op else {
            return Ok(Some(arg));
        };
        let Some((g, ag)) = agen_of(gen) else {
            return Ok(Some(arg));
        };
        if !matches!(g.state.get(), GenState::Created | GenState::Suspended) {
            return Ok(Some(arg));
        }
        let arg = asend_begin(a, ag, value, arg)?;
        let frame = if self.frames.len() >= self.recursion_limit {
            Err(super::errors::exc(
                ExcKind::RecursionError,
                "maximum recursion depth exceeded",
            ))
        } else {
            self.take_gen_frame(gen, &arg)
        };
        match frame {
            Ok(Some(mut frame)) => {
                ag.running_async.set(true);
                frame.entry = false;
                self.frames.push(frame);
                Ok(None)
            }
            Ok(None) => Ok(Some(arg)),
            Err(e) => {
                a.state.set(AwaitState::Closed);
                Err(e)
            }
        }
    }

    /// A real `yield` of an inline-resumed async generator: the `await` in the frame
    /// below (at its `Send`) ends with the value.
    pub(crate) fn agen_inline_yield(&mut self, ag: &AsyncGenState, v: Value) {
        ag.running_async.set(false);
        let f = self.top();
        if let crate::bytecode::Op::Send(t) = super::dispatch::code_at(f) {
            let aw = f.stack.pop();
            f.stack.push(v);
            f.pc = t as usize;
            close_awaitable(aw);
        }
    }

    /// The frame of an inline-resumed async generator returned: StopAsyncIteration is
    /// raised at the `await` in the frame below.
    pub(crate) fn agen_inline_return(&mut self, ag: &AsyncGenState) -> ExcRef {
        ag.closed.set(true);
        ag.running_async.set(false);
        let aw = self.top().stack.last().cloned();
        close_awaitable(aw);
        exc_empty(ExcKind::StopAsyncIteration)
    }

    /// An exception left an async generator frame (CPython's `async_gen_unwrap_value` on
    /// an error); `inline` when it goes on into the awaiting frame below.
    pub(crate) fn agen_raised(&mut self, ag: &AsyncGenState, e: &ExcRef, inline: bool) {
        if e.is(ExcKind::StopAsyncIteration) || e.is(ExcKind::GeneratorExit) {
            ag.closed.set(true);
        }
        ag.running_async.set(false);
        if inline {
            let aw = self.frames.last().and_then(|f| f.stack.last().cloned());
            close_awaitable(aw);
        }
    }

    /// `throw(exc)` on an awaitable (also how a task's cancellation reaches the generator).
    pub fn awaitable_throw(&mut self, o: &ObjRef, e: ExcRef) -> PyResult<GenOutcome> {
        let Some(a) = awaitable_of(o) else {
            return Err(e);
        };
        match &a.op {
            AwaitOp::ASend { gen, .. } => {
                if a.state.get() == AwaitState::Closed {
                    return Err(runtime_error(ASEND_REUSED));
                }
                let r = self.gen_throw(gen, e);
                let r = self.agen_unwrap(gen, r);
                if !matches!(r, Ok(GenOutcome::Yielded(_))) {
                    a.state.set(AwaitState::Closed);
                }
                r
            }
            AwaitOp::AThrow { gen, exc } => {
                if a.state.get() == AwaitState::Closed {
                    return Err(runtime_error(ATHROW_REUSED));
                }
                let aclose = exc.borrow().is_none();
                let r = self.gen_throw(gen, e);
                if !aclose {
                    return self.agen_unwrap(gen, r);
                }
                let Some((_, ag)) = agen_of(gen) else {
                    return r;
                };
                self.aclose_outcome(a, ag, r)
            }
            AwaitOp::ANext { .. } => {
                let it = self.anext_iter(a)?;
                let r = self.drive(&it, Ok(e));
                self.anext_result(a, r)
            }
            // CPython's `FutureIter_throw` raises the exception where the iterator is.
            AwaitOp::FutureIter { .. } => Err(e),
            AwaitOp::CoroWrapper { coro } => self.gen_throw(coro, e),
        }
    }

    /// `close()` on an awaitable.
    pub fn awaitable_close(&mut self, o: &ObjRef) -> PyResult<()> {
        let Some(a) = awaitable_of(o) else {
            return Ok(());
        };
        if let AwaitOp::ANext { iter, .. } = &a.op {
            let it = iter.borrow().clone();
            if !it.is_none() {
                self.close_delegate(&it)?;
            }
        }
        if let AwaitOp::FutureIter { fut } = &a.op {
            *fut.borrow_mut() = Value::None;
        }
        if let AwaitOp::CoroWrapper { coro } = &a.op {
            return self.gen_close(coro);
        }
        a.state.set(AwaitState::Closed);
        Ok(())
    }

    /// The iterator an `anext(it, default)` awaitable drives: `await`'s view of the
    /// result of `it.__anext__()`, found on the first step.
    fn anext_iter(&mut self, a: &AsyncAwaitableObj) -> PyResult<Value> {
        let AwaitOp::ANext { wrapped, iter, .. } = &a.op else {
            return Ok(Value::None);
        };
        let it = iter.borrow().clone();
        if !it.is_none() {
            return Ok(it);
        }
        let w = wrapped.borrow().clone();
        let it = self.get_awaitable(&w)?;
        *iter.borrow_mut() = it.clone();
        Ok(it)
    }

    /// StopAsyncIteration from the driven iterator becomes the default value.
    fn anext_result(
        &mut self,
        a: &AsyncAwaitableObj,
        r: PyResult<GenOutcome>,
    ) -> PyResult<GenOutcome> {
        let AwaitOp::ANext { default, .. } = &a.op else {
            return r;
        };
        match r {
            Err(e) if e.is(ExcKind::StopAsyncIteration) => {
                Ok(GenOutcome::Returned(default.borrow().clone()))
            }
            other => other,
        }
    }

    /// One step of an `await` on any iterator: send (Err(value)) or throw (Ok(exc)).
    fn drive(&mut self, it: &Value, step: Result<ExcRef, Value>) -> PyResult<GenOutcome> {
        if let Value::Obj(o) = it {
            match (&**o, step) {
                (Obj::Generator(_), Err(v)) => return self.gen_send(o, v),
                (Obj::Generator(_), Ok(e)) => return self.gen_throw(o, e),
                (Obj::AsyncAwaitable(_), Err(v)) => return self.awaitable_send(o, v),
                (Obj::AsyncAwaitable(_), Ok(e)) => return self.awaitable_throw(o, e),
                (_, step) => return self.drive_by_methods(it, step),
            }
        }
        self.drive_by_methods(it, step)
    }

    fn drive_by_methods(
        &mut self,
        it: &Value,
        step: Result<ExcRef, Value>,
    ) -> PyResult<GenOutcome> {
        let r = match step {
            Err(v) if v.is_none() => match self.lookup_special(it, "__next__") {
                Some(f) => self.call(&f, std::slice::from_ref(it)),
                None => self.call_method(it, "send", &[v]),
            },
            Err(v) => self.call_method(it, "send", &[v]),
            Ok(e) => {
                let key = self.intern("throw");
                match self.get_attr_opt(it, &key)? {
                    Some(f) => self.call(&f, &[e.value()]),
                    None => Err(e),
                }
            }
        };
        match r {
            Ok(v) => Ok(GenOutcome::Yielded(v)),
            Err(e) if e.is(ExcKind::StopIteration) => {
                Ok(GenOutcome::Returned(stop_iteration_value(&e)))
            }
            Err(e) => Err(e),
        }
    }

    /// `anext(it, default)`'s awaitable.
    pub fn anext_awaitable(&mut self, wrapped: Value, default: Value) -> Value {
        Value::obj(Obj::AsyncAwaitable(AsyncAwaitableObj::new(
            AwaitOp::ANext {
                wrapped: RefCell::new(wrapped),
                default: RefCell::new(default),
                iter: RefCell::new(Value::None),
            },
        )))
    }

    /// The finalizer of an async generator that dies unfinished, when a finalizer hook was
    /// installed at its first iteration: the hook gets the generator (asyncio schedules
    /// `aclose()` on the loop). Returns false when the generator has no hook.
    pub fn agen_finalize(&mut self, o: &ObjRef) -> bool {
        let Some((g, ag)) = agen_of(o) else {
            return false;
        };
        if ag.finalized.replace(true) {
            return true;
        }
        let fin = ag.finalizer.borrow().clone();
        if fin.is_none() || ag.closed.get() || g.state.get() == GenState::Finished {
            return false;
        }
        if let Err(e) = self.call(&fin, &[Value::Obj(o.clone())]) {
            crate::modules::sys_unraisable::report(self, &Value::Obj(o.clone()), &e.value());
        }
        true
    }

    /// `ag_await` / `cr_await` / `gi_yieldfrom`: what a suspended frame is delegating to.
    pub fn gen_delegate(&self, g: &GeneratorObj) -> Value {
        if g.state.get() != GenState::Suspended {
            return Value::None;
        }
        let fr = g.frame.borrow();
        let Some(f) = fr.as_ref() else {
            return Value::None;
        };
        let ops = &f.code.code.ops;
        let i = f.lasti();
        match (ops.get(i), i.checked_sub(1).and_then(|j| ops.get(j))) {
            (Some(crate::bytecode::Op::YieldValue), Some(crate::bytecode::Op::Send(_))) => {
                f.stack.last().cloned().unwrap_or(Value::None)
            }
            _ => Value::None,
        }
    }
}

/// The async generator an `asend`/`athrow` awaitable drives.
pub fn awaited_generator(o: &ObjRef) -> Option<ObjRef> {
    match &awaitable_of(o)?.op {
        AwaitOp::ASend { gen, .. } | AwaitOp::AThrow { gen, .. } => Some(gen.clone()),
        AwaitOp::ANext { iter, .. } => match &*iter.borrow() {
            Value::Obj(it) => Some(it.clone()),
            _ => None,
        },
        AwaitOp::FutureIter { .. } => None,
        AwaitOp::CoroWrapper { coro } => Some(coro.clone()),
    }
}

/// Marks an `asend` awaitable as used up (its `await` ended).
fn close_awaitable(aw: Option<Value>) {
    if let Some(Value::Obj(o)) = aw {
        if let Some(a) = awaitable_of(&o) {
            a.state.set(AwaitState::Closed);
        }
    }
}

// ---- methods of async_generator ----

fn this_agen(args: &Args) -> PyResult<ObjRef> {
    match args.pos.first() {
        Some(Value::Obj(o)) if agen_of(o).is_some() => Ok(o.clone()),
        _ => Err(type_error(
            "descriptor requires an 'async_generator' object",
        )),
    }
}

fn agen_aiter(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    this_agen(args).map(Value::Obj)
}

fn agen_anext(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let g = this_agen(args)?;
    vm.agen_asend(&g, Value::None)
}

fn agen_asend_native(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("asend", 2, 2)?;
    let g = this_agen(args)?;
    vm.agen_asend(&g, args.pos[1].clone())
}

fn agen_athrow_native(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let g = this_agen(args)?;
    // CPython checks the arguments when the awaitable first runs, not here.
    let rest = args.pos.get(1..).unwrap_or_default();
    vm.agen_athrow(&g, Some(Value::tuple(rest.to_vec())))
}

fn agen_aclose(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let g = this_agen(args)?;
    vm.agen_athrow(&g, None)
}

// ---- methods of the awaitables ----

fn this_awaitable(args: &Args) -> PyResult<ObjRef> {
    match args.pos.first() {
        Some(Value::Obj(o)) if awaitable_of(o).is_some() => Ok(o.clone()),
        _ => Err(type_error(
            "descriptor requires an async generator awaitable",
        )),
    }
}

fn finish(r: PyResult<GenOutcome>) -> PyResult<Value> {
    match r? {
        GenOutcome::Yielded(v) => Ok(v),
        GenOutcome::Returned(v) if v.is_none() => Err(exc_empty(ExcKind::StopIteration)),
        GenOutcome::Returned(v) => Err(super::errors::exc_args(ExcKind::StopIteration, vec![v])),
    }
}

/// The C type a method of an awaitable belongs to, as its messages name it.
fn owner(vm: &Vm, o: &ObjRef) -> std::rc::Rc<str> {
    super::class::class_name(&vm.type_of(&Value::Obj(o.clone())))
}

fn awaitable_send_native(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let o = this_awaitable(args)?;
    let v = crate::modules::asyncio_arity::c_onearg(args, &owner(vm, &o), "send")?;
    finish(vm.awaitable_send(&o, v))
}

fn awaitable_next_native(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let o = this_awaitable(args)?;
    finish(vm.awaitable_send(&o, Value::None))
}

fn awaitable_throw_native(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let o = this_awaitable(args)?;
    args.no_kwargs_for(&owner(vm, &o), "throw")?;
    // CPython's `_PyArg_CheckPositional("throw", nargs, 1, 3)`.
    match args.pos.len().saturating_sub(1) {
        0 => return Err(type_error("throw expected at least 1 argument, got 0")),
        n if n > 3 => {
            return Err(type_error(format!(
                "throw expected at most 3 arguments, got {n}"
            )))
        }
        _ => {}
    }
    if is_future_iter(&o) {
        future_iter_throw_check(vm, args)?;
    }
    let e = throw_exception(vm, &args.pos[1], args.pos.get(2))?;
    finish(vm.awaitable_throw(&o, e))
}

fn is_future_iter(o: &ObjRef) -> bool {
    awaitable_of(o).is_some_and(|a| matches!(a.op, AwaitOp::FutureIter { .. }))
}

/// The argument checks of CPython's `FutureIter_throw`, whose words differ from a
/// generator's.
fn future_iter_throw_check(vm: &mut Vm, args: &Args) -> PyResult<()> {
    if let Some(tb) = args.pos.get(3) {
        let is_tb = matches!(tb, Value::Obj(t) if matches!(&**t, Obj::Traceback(_)));
        if !tb.is_none() && !is_tb {
            return Err(type_error("throw() third argument must be a traceback"));
        }
    }
    let typ = &args.pos[1];
    let exc_class = vm.t.exc[ExcKind::BaseException as usize].clone();
    let is_class = matches!(typ, Value::Obj(c) if matches!(&**c, Obj::Class(_)))
        && matches!(typ, Value::Obj(c) if super::class::is_subclass(c, &exc_class));
    if !is_class && !vm.isinstance(typ, &exc_class) {
        return Err(type_error(
            "exceptions must be classes deriving BaseException or instances of such a class",
        ));
    }
    Ok(())
}

fn awaitable_close_native(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let o = this_awaitable(args)?;
    crate::modules::asyncio_arity::c_noargs(args, &owner(vm, &o), "close")?;
    vm.awaitable_close(&o)?;
    Ok(Value::None)
}

fn awaitable_self(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    this_awaitable(args).map(Value::Obj)
}

/// Registers the methods of `async_generator` and its awaitables.
pub fn register(vm: &mut Vm) {
    let agen = vm.t.async_generator.clone();
    vm.add_methods(
        &agen,
        "async_generator",
        &[
            ("__aiter__", agen_aiter),
            ("__anext__", agen_anext),
            ("asend", agen_asend_native),
            ("athrow", agen_athrow_native),
            ("aclose", agen_aclose),
        ],
    );
    let t = vm.t.clone();
    // The awaitables' iterator methods; CPython's FutureIter and coroutine_wrapper are
    // iterators, not awaitables: no `__await__`.
    for (cls, owner, awaitable) in [
        (&t.async_generator_asend, "async_generator_asend", true),
        (&t.async_generator_athrow, "async_generator_athrow", true),
        (&t.anext_awaitable, "anext_awaitable", true),
        (&t.future_iter, "FutureIter", false),
        (&t.coroutine_wrapper, "coroutine_wrapper", false),
    ] {
        vm.add_methods(
            cls,
            owner,
            &[
                ("send", awaitable_send_native),
                ("throw", awaitable_throw_native),
                ("close", awaitable_close_native),
                ("__next__", awaitable_next_native),
                ("__iter__", awaitable_self),
            ],
        );
        if awaitable {
            vm.add_methods(cls, owner, &[("__await__", awaitable_self)]);
        }
    }
}
