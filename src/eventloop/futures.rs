//! Future operations with CPython 3.11's semantics (its C `_asyncio.Future`): results,
//! exceptions, cancellation, done callbacks (always scheduled with `call_soon`, never run
//! inline), and what `await fut` does.

use super::Ready;
use crate::obj::future::{Callback, FutState};
use crate::obj::{FutureObj, Obj};
use crate::vm::errors::{new_exception, type_error, ExcRef, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// The FutureObj inside `o`, if it is one.
#[inline]
pub fn as_future(o: &ObjRef) -> Option<&FutureObj> {
    match &**o {
        Obj::Future(f) => Some(f),
        _ => None,
    }
}

/// The FutureObj inside a value, if it is one.
pub fn value_future(v: &Value) -> Option<(&ObjRef, &FutureObj)> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Future(f) => Some((o, f)),
            _ => None,
        },
        _ => None,
    }
}

impl Vm {
    /// `asyncio.InvalidStateError(msg)`
    pub fn invalid_state(&mut self, msg: &str) -> ExcRef {
        match self.aio_classes() {
            Some(c) => new_exception(
                c.invalid_state_error.clone(),
                Value::tuple(vec![Value::str(msg)]),
            ),
            None => crate::vm::errors::runtime_error(msg),
        }
    }

    /// `asyncio.CancelledError(*args)`
    pub fn cancelled_error(&mut self, msg: &Value) -> ExcRef {
        let args = if msg.is_none() {
            Value::tuple(vec![])
        } else {
            Value::tuple(vec![msg.clone()])
        };
        match self.aio_classes() {
            Some(c) => new_exception(c.cancelled_error.clone(), args),
            None => crate::vm::errors::runtime_error("cancelled"),
        }
    }

    /// Whether `e` is a CancelledError.
    pub fn is_cancelled_error(&self, e: &ExcRef) -> bool {
        match &self.aio.classes {
            Some(c) => crate::vm::class::is_subclass(e.class(), &c.cancelled_error),
            None => false,
        }
    }

    /// Moves the done callbacks to the loop's ready queue.
    pub fn fut_schedule_callbacks(&mut self, o: &ObjRef) {
        let Some(f) = as_future(o) else { return };
        let waker = f.waker.take();
        let cbs = std::mem::take(&mut *f.callbacks.borrow_mut());
        if waker.is_none() && cbs.is_empty() {
            return;
        }
        let lp = f.loop_value();
        if let Some(t) = waker {
            self.loop_push_ready(&lp, Ready::Wakeup(t, o.clone()));
        }
        for cb in cbs {
            if let Some(entry) = self.callback_entry(&lp, cb, o) {
                self.loop_push_ready(&lp, entry);
            }
        }
    }

    /// The ready entry that runs done callback `cb` of `fut`; a timer cancellation is
    /// done here instead.
    fn callback_entry(&mut self, lp: &Value, cb: Callback, fut: &ObjRef) -> Option<Ready> {
        Some(match cb {
            Callback::Wakeup(t) => Ready::Wakeup(t, fut.clone()),
            Callback::Func(func, ctx) => self.done_callback_entry(lp, func, ctx, fut),
            Callback::Gather(state) => Ready::Gather(state, fut.clone()),
            Callback::CancelTimer(h, delay) => {
                crate::modules::asyncio_core::cancel_handle(self, &h);
                if let Some(f) = as_future(fut).filter(|f| f.state.get() == FutState::Cancelled) {
                    f.extra().cancelled_sleep = Some((h, delay));
                }
                return None;
            }
        })
    }

    /// The ready entry that runs done callback `func(fut)`: a plain call, or a handle
    /// that carries the context the callback was given or captured.
    fn done_callback_entry(&mut self, lp: &Value, func: Value, ctx: Value, fut: &ObjRef) -> Ready {
        match lp {
            Value::Obj(l) if !ctx.is_none() => {
                let h =
                    super::handler::new_handle(self, l, func, vec![Value::Obj(fut.clone())], None);
                if let Obj::Handle(hh) = &*h {
                    *hh.context.borrow_mut() = ctx;
                }
                Ready::Handle(h)
            }
            _ => Ready::Call(func, Value::Obj(fut.clone())),
        }
    }

    /// `fut.add_done_callback(fn)`: scheduled at once when already done.
    pub fn fut_add_callback(&mut self, o: &ObjRef, cb: Callback) {
        let Some(f) = as_future(o) else { return };
        if f.done() {
            let lp = f.loop_value();
            if let Some(entry) = self.callback_entry(&lp, cb, o) {
                self.loop_push_ready(&lp, entry);
            }
        } else {
            let cb = match cb {
                // The common case: one task waits on this future.
                Callback::Wakeup(t) if f.waker_slot_free() => {
                    f.waker.set(Some(t));
                    return;
                }
                cb => cb,
            };
            let mut callbacks = f.callbacks.borrow_mut();
            if callbacks.capacity() == 0 {
                // Most futures get exactly one callback (their awaiting task): room for one,
                // not the four a first push reserves, keeps parked tasks small.
                callbacks.reserve_exact(1);
            }
            callbacks.push(cb);
        }
    }

    /// In a loop in debug mode, remembers where future `o` is being made: the stack of the
    /// aio code that asked (`traceback.extract_stack()`), as CPython's Future does.
    pub fn note_source_traceback(&mut self, o: &ObjRef, lp: &Value) -> PyResult<()> {
        if let Some(stack) = self.debug_creation_stack(lp)? {
            if let Some(f) = as_future(o) {
                f.extra().source_tb = stack;
            }
        }
        Ok(())
    }

    /// The stack of the aio code running now (`traceback.extract_stack()`) when loop `lp`
    /// is in debug mode: where a future or handle being made comes from. None otherwise.
    pub fn debug_creation_stack(&mut self, lp: &Value) -> PyResult<Option<Value>> {
        // aio's own loops answer natively; any other object is asked, as CPython's
        // Future, Task and Handle ask `loop.get_debug()` (which also refuses a loop that is
        // not an object with that method).
        let native = match lp {
            Value::Obj(l) => self.aio.state(l).map(|s| s.debug),
            _ => None,
        };
        let debug = match native {
            Some(debug) => debug,
            None => {
                let get_debug = self.get_attr_str(lp, "get_debug")?;
                let answer = self.call(&get_debug, &[])?;
                self.truthy(&answer)?
            }
        };
        if !debug {
            return Ok(None);
        }
        let traceback = self.import_module("traceback")?;
        let extract = self.get_attr_str(&traceback, "extract_stack")?;
        self.call(&extract, &[]).map(Some)
    }

    /// `Future.set_result`
    pub fn fut_set_result(&mut self, o: &ObjRef, v: Value) -> PyResult<()> {
        let Some(f) = as_future(o) else { return Ok(()) };
        if f.done() {
            return Err(self.invalid_state("invalid state"));
        }
        *f.result.borrow_mut() = v;
        f.state.set(FutState::Finished);
        self.fut_schedule_callbacks(o);
        Ok(())
    }

    /// `Future.set_exception`
    pub fn fut_set_exception(&mut self, o: &ObjRef, exc: Value) -> PyResult<()> {
        let Some(f) = as_future(o) else { return Ok(()) };
        if f.done() {
            return Err(self.invalid_state("invalid state"));
        }
        let mut exc = exc;
        if let Value::Obj(c) = &exc {
            if matches!(&**c, Obj::Class(_)) {
                exc = self.call(&exc.clone(), &[])?;
            }
        }
        let Value::Obj(eo) = &exc else {
            return Err(type_error("invalid exception object"));
        };
        let Obj::Exception(e) = &**eo else {
            return Err(type_error("invalid exception object"));
        };
        if e.class
            .is(&crate::vm::types::exc_class(ExcKind::StopIteration))
        {
            return Err(type_error(
                "StopIteration interacts badly with generators and cannot be raised into a Future",
            ));
        }
        let tb = e.traceback.borrow().clone();
        {
            let mut x = f.extra();
            x.exception_tb = Some(tb);
            x.exception = exc.clone();
        }
        f.state.set(FutState::Finished);
        f.log_tb.set(true);
        self.fut_schedule_callbacks(o);
        Ok(())
    }

    /// `Future.cancel(msg)` (the Future part, also used by Task).
    pub fn fut_cancel(&mut self, o: &ObjRef, msg: Value) -> bool {
        let Some(f) = as_future(o) else { return false };
        f.log_tb.set(false);
        if f.done() {
            return false;
        }
        f.state.set(FutState::Cancelled);
        f.set_cancel_msg(msg);
        self.fut_schedule_callbacks(o);
        true
    }

    /// The CancelledError a cancelled future raises: the one that cancelled a task (once),
    /// else a new one carrying the cancel message.
    pub fn fut_make_cancelled_error(&mut self, o: &ObjRef) -> ExcRef {
        let Some(f) = as_future(o) else {
            return self.cancelled_error(&Value::None);
        };
        let saved = f.take_cancelled_exc();
        if let Value::Obj(e) = saved {
            if matches!(&*e, Obj::Exception(_)) {
                return ExcRef(e);
            }
        }
        let msg = f.cancel_msg();
        self.cancelled_error(&msg)
    }

    /// `Future.result()`
    pub fn fut_result(&mut self, o: &ObjRef) -> PyResult<Value> {
        let Some(f) = as_future(o) else {
            return Ok(Value::None);
        };
        match f.state.get() {
            FutState::Cancelled => Err(self.fut_make_cancelled_error(o)),
            FutState::Pending => Err(self.invalid_state("Result is not set.")),
            FutState::Finished => {
                f.log_tb.set(false);
                let exc = f.exception();
                if let Value::Obj(e) = exc {
                    if let Obj::Exception(x) = &*e {
                        let tb = f.take_exception_tb().unwrap_or_default();
                        *x.traceback.borrow_mut() = tb;
                    }
                    f.extra().exception_tb = Some(Default::default());
                    return Err(ExcRef(e));
                }
                Ok(f.result.borrow().clone())
            }
        }
    }

    /// `Future.exception()`
    pub fn fut_exception(&mut self, o: &ObjRef) -> PyResult<Value> {
        let Some(f) = as_future(o) else {
            return Ok(Value::None);
        };
        match f.state.get() {
            FutState::Cancelled => Err(self.fut_make_cancelled_error(o)),
            FutState::Pending => Err(self.invalid_state("Exception is not set.")),
            FutState::Finished => {
                f.log_tb.set(false);
                Ok(f.exception())
            }
        }
    }

    /// Whether `o` is an instance of a Future or Task subclass that defines its own
    /// `__await__`, which `await` must call instead of driving the future itself.
    pub(crate) fn future_overrides_await(&mut self, o: &ObjRef) -> bool {
        let Some(f) = as_future(o) else { return false };
        if let Some(c) = self.aio_classes() {
            if f.class.is(&c.future) || f.class.is(&c.task) {
                return false;
            }
        }
        let key = self.intern("__await__");
        match crate::vm::class::lookup(&f.class, &key) {
            Some(Value::Obj(m)) => !matches!(&*m, Obj::Native(n) if n.owner == "Future"),
            _ => false,
        }
    }

    /// `Send` on a Future receiver (from `await fut`): when pending, marks it blocking and
    /// returns it as the value to yield up to the task; when done, its result (Ok(None)
    /// tells the caller to finish the `await` with `result`).
    pub(crate) fn future_send(&mut self, o: &ObjRef) -> PyResult<FutureSend> {
        let Some(f) = as_future(o) else {
            return Ok(FutureSend::Done(Value::None));
        };
        if f.bare_yield.get() {
            f.bare_yield.set(false);
            return Ok(FutureSend::Yield(Value::None));
        }
        if !f.done() {
            f.blocking.set(true);
            return Ok(FutureSend::Yield(Value::Obj(o.clone())));
        }
        self.fut_result(o).map(FutureSend::Done)
    }
}

/// What `Send` on a future does.
pub enum FutureSend {
    Yield(Value),
    Done(Value),
}

impl Vm {
    /// `Send(target)` with a Future receiver: yields the pending future up the await chain
    /// (the next instruction is `YieldValue`), or finishes the `await` with its result.
    pub(crate) fn send_to_future(&mut self, o: &ObjRef, target: u32) -> PyResult<()> {
        if self.future_overrides_await(o) {
            // A Future subclass with its own `__await__`: this `Send` runs again with what
            // that returns as the receiver (the first step of an await sends None).
            let it = self.get_awaitable(&Value::Obj(o.clone()))?;
            let f = self.top();
            if let Some(recv) = f.stack.last_mut() {
                *recv = it;
                f.stack.push(Value::None);
                f.pc = f.pc.saturating_sub(1);
            }
            return Ok(());
        }
        match self.future_send(o)? {
            FutureSend::Yield(v) => self.top().stack.push(v),
            FutureSend::Done(v) => {
                let f = self.top();
                f.stack.pop();
                f.stack.push(v);
                f.pc = target as usize;
            }
        }
        Ok(())
    }
}
