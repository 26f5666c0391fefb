//! Resuming generators and coroutines.
//!
//! A generator's frame lives in the generator object while suspended. `ForIter` and `Send`
//! resume it inline (the frame is pushed above the current one and the dispatch loop goes
//! on); `next()`, `send()`, `throw()` and `close()` from native code run it in a nested
//! loop. `throw()` goes to the innermost delegate of a `yield from`/`await` chain first.

use super::errors::{
    exc, exc_args, exc_empty, runtime_error, type_error, value_error, ExcRef, PyResult,
};
use super::types::ExcKind;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::bytecode::Op;
use crate::obj::function::Args;
use crate::obj::future::FutState;
use crate::obj::generator::{GenKind, GenState};
use crate::obj::{GeneratorObj, Obj};

/// What a resumed generator did.
pub enum GenOutcome {
    Yielded(Value),
    Returned(Value),
}

fn gen_of(o: &ObjRef) -> &GeneratorObj {
    match &**o {
        Obj::Generator(g) => g,
        _ => unreachable!("generator operation on a non-generator"),
    }
}

/// The value carried by a StopIteration (`e.value`, i.e. its first arg).
pub fn stop_iteration_value(e: &ExcRef) -> Value {
    let args = e.exc().args.borrow().clone();
    args.as_tuple()
        .and_then(|t| t.first().cloned())
        .unwrap_or(Value::None)
}

fn kind_word(g: &GeneratorObj) -> &'static str {
    match g.kind {
        GenKind::Generator => "generator",
        GenKind::Coroutine => "coroutine",
        GenKind::AsyncGenerator => "async generator",
    }
}

/// The future, timer and delay of the `await asyncio.sleep(delay)` generator `g` is
/// suspended in when the fast tier runs it without its coroutine (`vm::fast`), while the
/// future is pending or was cancelled (its task not yet woken).
fn fast_timed_sleep(g: &ObjRef) -> Option<(ObjRef, ObjRef, Value)> {
    let Obj::Generator(gen) = &**g else {
        return None;
    };
    if gen.state.get() != GenState::Suspended {
        return None;
    }
    let top = gen.frame.borrow().as_ref()?.stack.last()?.clone();
    let Value::Obj(fut) = top else { return None };
    let f = crate::eventloop::futures::as_future(&fut)?;
    let (timer, delay) = match f.done() {
        true => f.take_cancelled_sleep()?,
        false => f.sleep_timer()?,
    };
    Some((fut, timer, delay))
}

impl Vm {
    /// Checks a generator can be resumed; returns its frame.
    pub(crate) fn take_gen_frame(
        &mut self,
        g: &ObjRef,
        sending: &Value,
    ) -> PyResult<Option<Box<super::frame::Frame>>> {
        let gen = gen_of(g);
        match gen.state.get() {
            GenState::Running => Err(value_error(format!("{} already executing", kind_word(gen)))),
            GenState::Finished => {
                if gen.kind == GenKind::Coroutine {
                    return Err(runtime_error("cannot reuse already awaited coroutine"));
                }
                Ok(None)
            }
            GenState::Created if !sending.is_none() => Err(type_error(format!(
                "can't send non-None value to a just-started {}",
                kind_word(gen)
            ))),
            state => {
                let Some(mut frame) = gen.frame.borrow_mut().take() else {
                    return Ok(None);
                };
                if state == GenState::Suspended {
                    frame.stack.push(sending.clone());
                }
                gen.state.set(GenState::Running);
                frame.generator = Some(g.clone());
                Ok(Some(frame))
            }
        }
    }

    /// `ForIter`/`Send` on a generator: pushes its frame (returns true), or completes the
    /// instruction at once when the generator is already finished (returns false).
    pub(crate) fn resume_inline(&mut self, g: &ObjRef, value: Value) -> PyResult<bool> {
        match self.take_gen_frame(g, &value)? {
            Some(mut frame) => {
                frame.entry = false;
                self.push_frame(frame)?;
                Ok(true)
            }
            None => {
                super::dispatch::finish_inline_resume(self.top(), Value::None);
                Ok(false)
            }
        }
    }

    /// `YieldValue`: suspends the generator frame on top and hands `v` to whoever resumed
    /// it. Returns Some(v) when that was native code.
    pub(crate) fn yield_from_frame(&mut self, v: Value) -> PyResult<Option<Value>> {
        let Some(mut frame) = self.frames.pop() else {
            return Ok(Some(v));
        };
        if frame.lazy_coro.is_some() {
            self.materialize_coroutine(&mut frame);
        }
        let entry = frame.entry;
        let Some(g) = frame.generator.take() else {
            self.frames.push(frame);
            return Err(runtime_error("yield outside a generator frame"));
        };
        let gen = gen_of(&g);
        gen.state.set(GenState::Suspended);
        *gen.frame.borrow_mut() = Some(frame);
        if entry {
            self.yielded = true;
            return Ok(Some(v));
        }
        if let Some(ag) = &gen.agen {
            if std::mem::take(&mut self.async_gen_yield) {
                self.agen_inline_yield(ag, v);
                return Ok(None);
            }
        }
        // Resumed by ForIter or Send in the frame below: both just push the value.
        self.push_value(v);
        Ok(None)
    }

    /// Gives a frame that `await f(...)` ran without its coroutine object
    /// (`Frame::lazy_coro`) that object, because it suspends: the object takes the place
    /// the awaiting frame kept for it (below `Send`), and owns the frame from now on, as if
    /// it had existed all along. `frame` has just left the top of the frame stack.
    fn materialize_coroutine(&mut self, frame: &mut super::frame::Frame) {
        let Some(func) = frame.lazy_coro.take() else {
            return;
        };
        let Obj::Function(f) = &*func else { return };
        // The frame came from the pool, sized for whatever ran in it before, and may now
        // stay parked for long (a task waiting on an event): keep only the room it needs.
        frame.stack.shrink_to(f.code.stack_room as usize);
        frame.locals.shrink_to_fit();
        // Made now, but called when the frames below were as they are: `cr_origin` as of
        // that call.
        let origin = self.coroutine_origin(&f.code);
        let g = ObjRef::new(Obj::Generator(GeneratorObj::for_running_frame(f, origin)));
        if let Some(slot) = self.frames.last_mut().and_then(|c| c.stack.last_mut()) {
            if slot.is_undef() {
                *slot = Value::Obj(g.clone());
            }
        }
        if let Some(Obj::Frame(fo)) = frame.frame_obj().map(|o| &**o) {
            *fo.owner.borrow_mut() = Some(g.downgrade());
        }
        frame.generator = Some(g);
    }

    /// A suspended generator's await delegate, when it is the placeholder the fast tier's
    /// `await asyncio.sleep(0)` left (`vm::fast::zero_sleep`), is replaced by what it
    /// stands for: a `sleep(0)` coroutine advanced to its one bare yield, created now that
    /// something looks at it (`cr_await`) or throws into it, so both see what they would
    /// have seen. Likewise the future of a pending `await asyncio.sleep(delay)` becomes
    /// the `sleep` coroutine awaiting that same future and timer.
    pub(crate) fn make_delegate_real(&mut self, g: &ObjRef) -> PyResult<()> {
        let Some(z) = &self.aio.zero_sleep else {
            return Ok(());
        };
        let (func, done) = (z.func.clone(), z.done.clone());
        if let Some((fut, timer, delay)) = fast_timed_sleep(g) {
            return self.make_timed_sleep_real(g, &func, fut, timer, delay);
        }
        let is_placeholder = |gen: &GeneratorObj| {
            let fr = gen.frame.borrow();
            fr.as_ref()
                .and_then(|f| f.stack.last())
                .is_some_and(|v| matches!(v, Value::Obj(o) if o.is(&done)))
        };
        let Obj::Generator(gen) = &**g else {
            return Ok(());
        };
        if gen.state.get() != GenState::Suspended || !is_placeholder(gen) {
            return Ok(());
        }
        let coro = self.call(&Value::Obj(func), &[Value::Int(0)])?;
        if let Value::Obj(c) = &coro {
            if let Obj::Generator(_) = &**c {
                self.gen_send(c, Value::None)?;
            }
        }
        if is_placeholder(gen) {
            if let Some(slot) = gen
                .frame
                .borrow_mut()
                .as_mut()
                .and_then(|f| f.stack.last_mut())
            {
                *slot = coro;
            }
        }
        Ok(())
    }

    /// The coroutine `sleep(delay)` suspended on `fut`, in place of `fut` as `g`'s delegate:
    /// `_sleep_timer` hands it `fut` and `timer`, and its `finally` now cancels the timer.
    fn make_timed_sleep_real(
        &mut self,
        g: &ObjRef,
        sleep: &ObjRef,
        fut: ObjRef,
        timer: ObjRef,
        delay: Value,
    ) -> PyResult<()> {
        if let Some(f) = crate::eventloop::futures::as_future(&fut) {
            f.callbacks
                .borrow_mut()
                .retain(|c| !matches!(c, crate::obj::future::Callback::CancelTimer(..)));
        }
        self.aio.adopt_sleep = Some((fut.clone(), timer));
        // A cancelled future looks pending while the coroutine runs to its `await`, so it
        // suspends there as it did in CPython before the cancellation.
        let was = crate::eventloop::futures::as_future(&fut)
            .map(|f| (f.state.replace(FutState::Pending), f.blocking.get()));
        let coro = self.call(&Value::Obj(sleep.clone()), &[delay]);
        let started = match &coro {
            Ok(Value::Obj(c)) if matches!(&**c, Obj::Generator(_)) => {
                self.gen_send(c, Value::None).map(|_| ())
            }
            Ok(_) => Ok(()),
            Err(e) => Err(e.clone()),
        };
        if let (Some(f), Some((state, blocking))) =
            (crate::eventloop::futures::as_future(&fut), was)
        {
            f.state.set(state);
            f.blocking.set(blocking);
        }
        self.aio.adopt_sleep = None;
        started?;
        let coro = coro?;
        let Obj::Generator(gen) = &**g else {
            return Ok(());
        };
        if let Some(slot) = gen
            .frame
            .borrow_mut()
            .as_mut()
            .and_then(|f| f.stack.last_mut())
        {
            if matches!(slot, Value::Obj(o) if o.is(&fut)) {
                *slot = coro;
            }
        }
        Ok(())
    }

    fn push_value(&mut self, v: Value) {
        if let Some(f) = self.frames.last_mut() {
            f.stack.push(v);
        }
    }

    /// Runs a generator frame from native code until it yields or returns.
    fn run_gen_frame(&mut self, mut frame: Box<super::frame::Frame>) -> PyResult<GenOutcome> {
        frame.entry = true;
        self.push_frame(frame)?;
        self.native_depth += 1;
        let r = self.run();
        self.native_depth -= 1;
        let v = r?;
        Ok(if std::mem::take(&mut self.yielded) {
            GenOutcome::Yielded(v)
        } else {
            GenOutcome::Returned(v)
        })
    }

    /// `gen.send(value)` from native code.
    pub fn gen_send(&mut self, g: &ObjRef, value: Value) -> PyResult<GenOutcome> {
        match self.take_gen_frame(g, &value)? {
            Some(frame) => self.run_gen_frame(frame),
            None => Ok(GenOutcome::Returned(Value::None)),
        }
    }

    /// `next(gen)`: Ok(None) when exhausted.
    pub fn generator_next(&mut self, g: &ObjRef) -> PyResult<Option<Value>> {
        if gen_of(g).kind != GenKind::Generator {
            return Err(type_error(format!(
                "'{}' object is not an iterator",
                self.type_name(&Value::Obj(g.clone()))
            )));
        }
        match self.gen_send(g, Value::None)? {
            GenOutcome::Yielded(v) => Ok(Some(v)),
            GenOutcome::Returned(_) => Ok(None),
        }
    }

    /// `gen.throw(exc)`: raises `exc` at the generator's suspension point (in its innermost
    /// `yield from`/`await` delegate first).
    pub fn gen_throw(&mut self, g: &ObjRef, e: ExcRef) -> PyResult<GenOutcome> {
        let gen = gen_of(g);
        match gen.state.get() {
            GenState::Running => {
                return Err(value_error(format!("{} already executing", kind_word(gen))))
            }
            GenState::Finished => return Err(e),
            GenState::Created => {
                gen.state.set(GenState::Finished);
                let frame = gen.frame.borrow_mut().take();
                if let Some(mut f) = frame {
                    f.generator = None;
                    // The exception comes from before the first instruction: CPython names
                    // the `def` line (its first decorator's), which aio's code gives for an
                    // index past the instructions.
                    let fo = super::frames::frame_object(&mut f, Some(g));
                    let before_first = u32::try_from(f.code.code.ops.len()).unwrap_or(u32::MAX);
                    e.exc()
                        .traceback
                        .borrow_mut()
                        .push(crate::obj::exception::TbEntry {
                            code: f.code.clone(),
                            pc: before_first,
                            frame: fo,
                        });
                    self.recycle_frame(f);
                }
                return Err(e);
            }
            GenState::Suspended => {}
        }
        // Delegation: a frame suspended at the YieldValue of a Send loop has its receiver
        // on top of its stack.
        self.make_delegate_real(g)?;
        let delegate = {
            let fr = gen.frame.borrow();
            fr.as_ref().and_then(|f| {
                let ops = &f.code.code.ops;
                let i = f.lasti();
                match (ops.get(i), i.checked_sub(1).and_then(|j| ops.get(j))) {
                    (Some(Op::YieldValue), Some(Op::Send(t))) => {
                        f.stack.last().cloned().map(|r| (r, *t))
                    }
                    _ => None,
                }
            })
        };
        let mut to_raise = e;
        if let Some((recv, send_target)) = delegate {
            let sub = if to_raise.is(ExcKind::GeneratorExit) {
                self.close_delegate(&recv).map(|_| None)
            } else {
                self.throw_into(&recv, to_raise.clone()).map(Some)
            };
            match sub {
                Ok(Some(GenOutcome::Yielded(v))) => return Ok(GenOutcome::Yielded(v)),
                Ok(Some(GenOutcome::Returned(v))) => {
                    // The delegate finished: resume after the Send loop with its value.
                    let Some(mut frame) = gen.frame.borrow_mut().take() else {
                        return Ok(GenOutcome::Returned(Value::None));
                    };
                    frame.stack.pop();
                    frame.stack.push(v);
                    frame.pc = send_target as usize;
                    gen.state.set(GenState::Running);
                    frame.generator = Some(g.clone());
                    return self.run_gen_frame(frame);
                }
                Ok(None) => {}
                Err(err) => to_raise = err,
            }
        }
        let Some(mut frame) = gen.frame.borrow_mut().take() else {
            return Err(to_raise);
        };
        gen.state.set(GenState::Running);
        frame.generator = Some(g.clone());
        frame.entry = true;
        self.push_frame(frame)?;
        self.native_depth += 1;
        let r = match self.unwind(to_raise) {
            Ok(()) => self.run(),
            Err(e) => Err(e),
        };
        self.native_depth -= 1;
        let v = r?;
        Ok(if std::mem::take(&mut self.yielded) {
            GenOutcome::Yielded(v)
        } else {
            GenOutcome::Returned(v)
        })
    }

    /// Throws into a `yield from`/`await` delegate (a generator, or anything with `throw`).
    fn throw_into(&mut self, recv: &Value, e: ExcRef) -> PyResult<GenOutcome> {
        if let Value::Obj(o) = recv {
            match &**o {
                Obj::Generator(_) => return self.gen_throw(o, e),
                Obj::AsyncAwaitable(_) => return self.awaitable_throw(o, e),
                _ => {}
            }
        }
        let key = self.intern("throw");
        match self.get_attr_opt(recv, &key)? {
            Some(f) => match self.call(&f, &[e.value()]) {
                Ok(v) => Ok(GenOutcome::Yielded(v)),
                Err(err) if err.is(ExcKind::StopIteration) => {
                    Ok(GenOutcome::Returned(stop_iteration_value(&err)))
                }
                Err(err) => Err(err),
            },
            None => Err(e),
        }
    }

    pub(crate) fn close_delegate(&mut self, recv: &Value) -> PyResult<()> {
        if let Value::Obj(o) = recv {
            match &**o {
                Obj::Generator(_) => return self.gen_close(o),
                Obj::AsyncAwaitable(_) => return self.awaitable_close(o),
                _ => {}
            }
        }
        let key = self.intern("close");
        if let Some(f) = self.get_attr_opt(recv, &key)? {
            self.call(&f, &[])?;
        }
        Ok(())
    }

    /// `gen.close()`: raises GeneratorExit inside; a yield in response is a RuntimeError.
    pub fn gen_close(&mut self, g: &ObjRef) -> PyResult<()> {
        let gen = gen_of(g);
        match gen.state.get() {
            GenState::Created => {
                gen.state.set(GenState::Finished);
                if let Some(mut f) = gen.frame.borrow_mut().take() {
                    f.generator = None;
                    self.recycle_frame(f);
                }
                return Ok(());
            }
            GenState::Finished => return Ok(()),
            _ => {}
        }
        match self.gen_throw(g, exc_empty(ExcKind::GeneratorExit)) {
            Ok(GenOutcome::Yielded(_)) => {
                self.async_gen_yield = false;
                Err(runtime_error(format!(
                    "{} ignored GeneratorExit",
                    kind_word(gen)
                )))
            }
            Ok(GenOutcome::Returned(_)) => Ok(()),
            Err(e) if e.is(ExcKind::GeneratorExit) || e.is(ExcKind::StopIteration) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// CPython's `format_awaitable_error`: what `__aenter__` (`kind` 1) or `__aexit__` (2)
    /// returned to `async with` has no `__await__` at all.
    pub(crate) fn async_with_awaitable_error(&mut self, v: &Value, kind: u32, e: ExcRef) -> ExcRef {
        if self.lookup_special(v, "__await__").is_some() {
            return e;
        }
        let method = if kind == 1 { "__aenter__" } else { "__aexit__" };
        type_error(format!(
            "'async with' received an object from {method} that does not implement __await__: {}",
            self.type_name(v)
        ))
    }

    /// What `async for` awaits from `__anext__`'s result `r`. As CPython's GET_ANEXT: a
    /// coroutine is taken as it is (awaiting a finished one fails later, at `Send`), and
    /// any failure to get an awaitable becomes a TypeError caused by it.
    pub(crate) fn async_for_awaitable(&mut self, r: &Value) -> PyResult<Value> {
        if let Value::Obj(o) = r {
            if matches!(&**o, Obj::Generator(g) if g.kind == GenKind::Coroutine) {
                return Ok(r.clone());
            }
        }
        self.get_awaitable(r).map_err(|cause| {
            let e = type_error(format!(
                "'async for' received an invalid object from __anext__: {}",
                self.type_name(r)
            ));
            *e.exc().cause.borrow_mut() = cause.value();
            *e.exc().context.borrow_mut() = cause.value();
            e.exc().suppress_context.set(true);
            e
        })
    }

    /// `yield from v`: the iterator to delegate to. Generators and Futures drive
    /// themselves; a coroutine only inside a coroutine or a generator-based coroutine.
    pub(crate) fn yield_from_iter(&mut self, v: Value) -> PyResult<Value> {
        let Value::Obj(o) = &v else {
            return self.iter(&v);
        };
        match &**o {
            Obj::Generator(g) if g.kind == GenKind::Coroutine => {
                let code = &self.top().code;
                if code.code.flags.coroutine || code.iterable_coroutine {
                    return Ok(v);
                }
                // Released first, as CPython does: its "never awaited" warning names the
                // `yield from` line.
                drop(v);
                if crate::gc::finalize::pending() {
                    crate::gc::finalize::run_pending(self);
                }
                Err(type_error(
                    "cannot 'yield from' a coroutine object in a non-coroutine generator",
                ))
            }
            Obj::Generator(g) if g.agen.is_none() => Ok(v),
            // `yield from fut` / `yield from fut.__await__()`: `Send` drives a Future as
            // CPython's FutureIter would.
            Obj::Future(_) => Ok(v),
            _ => self.iter(&v),
        }
    }

    /// `await v`: the iterator to drive (a coroutine itself, or `v.__await__()`).
    pub(crate) fn get_awaitable(&mut self, v: &Value) -> PyResult<Value> {
        if let Value::Obj(o) = v {
            // A Future (or Task) is its own awaitable: `Send` drives it. Not so a subclass
            // with its own `__await__`.
            if let Obj::Future(_) = &**o {
                if !self.future_overrides_await(o) {
                    return Ok(v.clone());
                }
            }
            if let Obj::AsyncAwaitable(a) = &**o {
                if a.op.is_awaitable() {
                    return Ok(v.clone());
                }
            }
            if let Obj::Generator(g) = &**o {
                if g.kind == GenKind::Coroutine {
                    if g.state.get() == GenState::Finished {
                        return Err(runtime_error("cannot reuse already awaited coroutine"));
                    }
                    return Ok(v.clone());
                }
                // A generator-based coroutine (`types.coroutine`) is awaited as it is.
                if g.kind == GenKind::Generator && g.code.iterable_coroutine {
                    return Ok(v.clone());
                }
            }
        }
        match self.lookup_special(v, "__await__") {
            Some(f) => {
                let it = self.call(&f, std::slice::from_ref(v))?;
                if let Value::Obj(o) = &it {
                    if let Obj::Generator(g) = &**o {
                        if g.kind == GenKind::Coroutine {
                            // Released here, as CPython does: its "never awaited" warning
                            // names the `await` line.
                            drop(it);
                            if crate::gc::finalize::pending() {
                                crate::gc::finalize::run_pending(self);
                            }
                            return Err(type_error("__await__() returned a coroutine"));
                        }
                        return Ok(it);
                    }
                    // `return self.run().__await__()`: the coroutine is driven itself (its
                    // wrapper only passes each step on).
                    if let Obj::AsyncAwaitable(a) = &**o {
                        if let crate::obj::async_gen::AwaitOp::CoroWrapper { coro } = &a.op {
                            return Ok(Value::Obj(coro.clone()));
                        }
                    }
                }
                // `return self._fut.__await__()`: a fresh FutureIter is driven as its
                // Future (the VM's fast path for futures), unless that future's own class
                // overrides `__await__` (it would be called again).
                if let Value::Obj(o) = &it {
                    if let Some(Value::Obj(f)) = Vm::fresh_future_iter(o) {
                        if !self.future_overrides_await(&f) {
                            return Ok(Value::Obj(f));
                        }
                    }
                }
                let is_future = matches!(&it, Value::Obj(o) if matches!(&**o, Obj::Future(_)));
                if !is_future && self.lookup_special(&it, "__next__").is_none() {
                    return Err(type_error(format!(
                        "__await__() returned non-iterator of type '{}'",
                        self.type_name(&it)
                    )));
                }
                Ok(it)
            }
            None => Err(type_error(format!(
                "object {} can't be used in 'await' expression",
                self.type_name(v)
            ))),
        }
    }
}

fn self_gen(args: &Args) -> PyResult<ObjRef> {
    match args.pos.first() {
        Some(Value::Obj(o)) if matches!(&**o, Obj::Generator(_)) => Ok(o.clone()),
        _ => Err(type_error("descriptor requires a generator object")),
    }
}

fn gen_next_native(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let g = self_gen(args)?;
    match vm.gen_send(&g, Value::None)? {
        GenOutcome::Yielded(v) => Ok(v),
        GenOutcome::Returned(v) => Err(stop_with(v)),
    }
}

fn stop_with(v: Value) -> ExcRef {
    if v.is_none() {
        exc_empty(ExcKind::StopIteration)
    } else {
        exc_args(ExcKind::StopIteration, vec![v])
    }
}

fn gen_send_native(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("send", 2, 2)?;
    let g = self_gen(args)?;
    match vm.gen_send(&g, args.pos[1].clone())? {
        GenOutcome::Yielded(v) => Ok(v),
        GenOutcome::Returned(v) => Err(stop_with(v)),
    }
}

/// The exception `throw(typ[, val])` raises: an instance as it is, a class called with `val`.
pub fn throw_exception(vm: &mut Vm, typ: &Value, val: Option<&Value>) -> PyResult<ExcRef> {
    let mut e = match vm.as_exception(typ.clone()) {
        Ok(e) => e,
        Err(_) => {
            return Err(type_error(
                "exceptions must be classes or instances deriving from BaseException, not "
                    .to_string()
                    + &vm.type_name(typ),
            ))
        }
    };
    let Some(v) = val.filter(|v| !v.is_none()) else {
        return Ok(e);
    };
    let Value::Obj(cls) = typ else { return Ok(e) };
    if !matches!(&**cls, Obj::Class(_)) {
        return Err(type_error(
            "instance exception may not have a separate value",
        ));
    }
    // As CPython normalizes it: an instance of the class is the exception itself, a
    // tuple is the constructor's arguments, anything else its one argument.
    if vm.isinstance(v, cls) {
        return vm.as_exception(v.clone());
    }
    let args = match v.as_tuple() {
        Some(t) => t.to_vec(),
        None => vec![v.clone()],
    };
    let inst = vm.call(typ, &args)?;
    e = vm.as_exception(inst)?;
    Ok(e)
}

fn gen_throw_native(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("throw", 2, 4)?;
    let g = self_gen(args)?;
    let e = throw_exception(vm, &args.pos[1], args.pos.get(2))?;
    match vm.gen_throw(&g, e)? {
        GenOutcome::Yielded(v) => Ok(v),
        GenOutcome::Returned(v) => Err(stop_with(v)),
    }
}

fn gen_close_native(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let g = self_gen(args)?;
    vm.gen_close(&g)?;
    Ok(Value::None)
}

fn gen_iter_native(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    Ok(args.pos.first().cloned().unwrap_or(Value::None))
}

/// `coroutine.__await__()`: a `coroutine_wrapper` iterator over the coroutine.
fn coro_await_native(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let coro = self_gen(args)?;
    Ok(Value::obj(Obj::AsyncAwaitable(
        crate::obj::AsyncAwaitableObj::new(crate::obj::async_gen::AwaitOp::CoroWrapper { coro }),
    )))
}

/// Registers generator and coroutine methods.
pub fn register(vm: &mut Vm) {
    let gen = vm.t.generator.clone();
    vm.add_methods(
        &gen,
        "generator",
        &[
            ("__next__", gen_next_native),
            ("__iter__", gen_iter_native),
            ("send", gen_send_native),
            ("throw", gen_throw_native),
            ("close", gen_close_native),
        ],
    );
    let coro = vm.t.coroutine.clone();
    vm.add_methods(
        &coro,
        "coroutine",
        &[
            ("send", gen_send_native),
            ("throw", gen_throw_native),
            ("close", gen_close_native),
            ("__await__", coro_await_native),
        ],
    );
    let _ = exc(ExcKind::StopIteration, "");
}
