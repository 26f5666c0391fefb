//! Tasks: CPython 3.11's `Task.__step` and `Task.__wakeup` as native code, task
//! cancellation (`cancel`, `uncancel`, `cancelling`, `_must_cancel`) and the loop's list of
//! live tasks.

use super::futures::{as_future, value_future};
use super::Ready;
use crate::obj::future::{Callback, FutState};
use crate::obj::Obj;
use crate::vm::errors::{exc_empty, runtime_error, ExcRef, PyResult};
use crate::vm::generator::GenOutcome;
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// Recursion levels below a callback the loop runs: CPython's `run_forever`, `_run_once`
/// and `Handle._run` frames.
const LOOP_LEVELS_UNDER_A_CALLBACK: usize = 3;
/// Below a task's step: those, and the coroutine's `send` by `Task.__step`.
const LOOP_LEVELS_UNDER_A_TASK: usize = 4;

impl Vm {
    /// Sends None into a task's coroutine (or anything with `send`).
    fn coro_send(&mut self, coro: &Value) -> PyResult<GenOutcome> {
        if let Value::Obj(o) = coro {
            if matches!(&**o, Obj::Generator(_)) {
                return self.gen_send(o, Value::None);
            }
        }
        match self.call_method(coro, "send", &[Value::None]) {
            Ok(v) => Ok(GenOutcome::Yielded(v)),
            Err(e) if e.is(ExcKind::StopIteration) => Ok(GenOutcome::Returned(
                crate::vm::generator::stop_iteration_value(&e),
            )),
            Err(e) => Err(e),
        }
    }

    /// Throws `e` into a task's coroutine at its innermost await.
    fn coro_throw(&mut self, coro: &Value, e: ExcRef) -> PyResult<GenOutcome> {
        if let Value::Obj(o) = coro {
            if matches!(&**o, Obj::Generator(_)) {
                return self.gen_throw(o, e);
            }
        }
        match self.call_method(coro, "throw", &[e.value()]) {
            Ok(v) => Ok(GenOutcome::Yielded(v)),
            Err(e) if e.is(ExcKind::StopIteration) => Ok(GenOutcome::Returned(
                crate::vm::generator::stop_iteration_value(&e),
            )),
            Err(e) => Err(e),
        }
    }

    /// Adds a new task to its loop's live tasks and schedules its first step.
    pub fn task_register(&mut self, task: &ObjRef) {
        let Some(f) = as_future(task) else { return };
        let Some(ts) = &f.task else { return };
        let lp = f.loop_value();
        if let Value::Obj(l) = &lp {
            if let Some(st) = self.aio.state(l) {
                ts.set_listed_at(Some(st.tasks.len()));
                st.tasks.push(task.clone());
                st.ready.push_back(Ready::Step(task.clone(), None));
            }
        }
    }

    /// Puts a task (already started) back among its loop's live tasks.
    pub fn task_reregister(&mut self, task: &ObjRef) {
        let Some(ts) = as_future(task).and_then(|f| f.task.as_ref()) else {
            return;
        };
        if let Some(st) = self.aio.state_of_future(task) {
            ts.set_listed_at(Some(st.tasks.len()));
            st.tasks.push(task.clone());
        }
    }

    /// Drops a finished task from its loop's live tasks.
    fn task_unregister(&mut self, task: &ObjRef) {
        let Some(f) = as_future(task) else { return };
        let Some(ts) = &f.task else { return };
        let Some(i) = ts.listed_at() else { return };
        ts.set_listed_at(None);
        let lp = f.loop_value();
        let Value::Obj(l) = &lp else { return };
        let Some(st) = self.aio.state(l) else { return };
        if i < st.tasks.len() && st.tasks[i].is(task) {
            let removed = st.tasks.swap_remove(i);
            if let Some(moved) = st.tasks.get(i) {
                if let Some(mf) = as_future(moved) {
                    if let Some(mt) = &mf.task {
                        mt.set_listed_at(Some(i));
                    }
                }
            }
            // The last reference may be this one: drop it outside the borrow of the state.
            drop(removed);
        }
    }

    /// `Task.__step(exc)`
    pub fn task_step(&mut self, task: &ObjRef, exc: Option<ExcRef>) -> PyResult<()> {
        let Some(f) = as_future(task) else {
            return Ok(());
        };
        let Some(ts) = &f.task else { return Ok(()) };
        if f.done() {
            let r = self.repr(&Value::Obj(task.clone()))?;
            let e = match &exc {
                Some(e) => self.repr(&e.value())?,
                None => "None".into(),
            };
            return Err(self.invalid_state(&format!("_step(): already done: {r}, {e}")));
        }
        let mut exc = exc;
        if ts.must_cancel.get() {
            if !exc.as_ref().is_some_and(|e| self.is_cancelled_error(e)) {
                exc = Some(self.fut_make_cancelled_error(task));
            }
            ts.must_cancel.set(false);
        }
        ts.set_fut_waiter(Value::None);
        let lp = f.loop_value();
        let Value::Obj(l) = &lp else { return Ok(()) };
        // The step runs in the task's context (`self._context.run(self.__step)`); a
        // captured copy becomes the task's own context on its first step.
        let entered = if self.aio.contexts.in_use() {
            let context = ts.context.borrow().clone();
            let entered = self.context_enter(&context)?;
            if let Some((_, ctx)) = &entered {
                *ts.context.borrow_mut() = ctx.clone();
            }
            entered
        } else {
            None
        };
        // _enter_task
        let prev = match self.aio.state(l) {
            Some(st) => st.current_task.replace(task.clone()),
            None => None,
        };
        if let Some(p) = prev {
            if let Some(st) = self.aio.state(l) {
                st.current_task = Some(p.clone());
            }
            self.context_leave(entered);
            let tr = self.repr(&Value::Obj(task.clone()))?;
            let pr = self.repr(&Value::Obj(p))?;
            return Err(runtime_error(format!(
                "Cannot enter into task {tr} while another task {pr} is being executed."
            )));
        }
        let coro = ts.coro.borrow().clone();
        let outcome = match exc {
            None => self.coro_send(&coro),
            Some(e) => self.coro_throw(&coro, e),
        };
        let r = self.task_step_outcome(task, outcome);
        self.context_leave(entered);
        // _leave_task
        if let Some(st) = self.aio.state(l) {
            st.current_task = None;
        }
        if as_future(task).is_some_and(|f| f.done()) {
            self.task_unregister(task);
        }
        r
    }

    fn task_step_outcome(&mut self, task: &ObjRef, outcome: PyResult<GenOutcome>) -> PyResult<()> {
        let Some(f) = as_future(task) else {
            return Ok(());
        };
        let Some(ts) = &f.task else { return Ok(()) };
        match outcome {
            Ok(GenOutcome::Returned(v)) => {
                if ts.must_cancel.get() {
                    ts.must_cancel.set(false);
                    let msg = f.cancel_msg();
                    self.fut_cancel(task, msg);
                } else {
                    self.fut_set_result(task, v)?;
                }
                Ok(())
            }
            Err(e) if self.is_cancelled_error(&e) => {
                f.extra().cancelled_exc = e.value();
                self.fut_cancel(task, Value::None);
                Ok(())
            }
            Err(e) if e.is(ExcKind::KeyboardInterrupt) || e.is(ExcKind::SystemExit) => {
                // The task run_until_complete waits on stays alive in CPython (exception
                // -> traceback -> run_until_complete's frame -> task) until exit, so it is
                // never reported; any other task is, as "Task exception was never
                // retrieved" when it dies.
                let awaited = self.awaited_by_run_until_complete(f);
                self.fut_set_exception(task, e.value())?;
                if awaited {
                    f.log_tb.set(false);
                }
                Err(e)
            }
            Err(e) => {
                self.fut_set_exception(task, e.value())?;
                Ok(())
            }
            Ok(GenOutcome::Yielded(v)) => self.task_handle_yield(task, v),
        }
    }

    /// Whether `run_until_complete`'s done callback is among the future's.
    fn awaited_by_run_until_complete(&self, f: &crate::obj::FutureObj) -> bool {
        let Some(ruc) = self.aio_classes().map(|c| c.ruc_cb.clone()) else {
            return false;
        };
        f.all_callbacks()
            .iter()
            .any(|cb| matches!(cb, Callback::Func(func, _) if func.is(&ruc)))
    }

    fn task_handle_yield(&mut self, task: &ObjRef, v: Value) -> PyResult<()> {
        let Some(f) = as_future(task) else {
            return Ok(());
        };
        let Some(ts) = &f.task else { return Ok(()) };
        let lp = f.loop_value();
        if let Some((fo, fut)) = value_future(&v) {
            let fo = fo.clone();
            let new_exc = if !fut.loop_value().is(&lp) {
                let tr = self.repr(&Value::Obj(task.clone()))?;
                let fr = self.repr(&v)?;
                Some(runtime_error(format!(
                    "Task {tr} got Future {fr} attached to a different loop"
                )))
            } else if fut.blocking.get() {
                if fo.is(task) {
                    let tr = self.repr(&Value::Obj(task.clone()))?;
                    Some(runtime_error(format!("Task cannot await on itself: {tr}")))
                } else {
                    fut.blocking.set(false);
                    if self.aio.is_plain_future(fut) {
                        self.fut_add_callback(&fo, Callback::Wakeup(task.clone()));
                    } else {
                        // A Future subclass: through its own `add_done_callback`, as
                        // CPython's Task calls it.
                        let wakeup = crate::modules::asyncio_core::task_wakeup_method(task);
                        let ctx = ts.context.borrow().clone();
                        let add = self.get_attr_str(&v, "add_done_callback")?;
                        let key = self.intern("context");
                        self.call_kw(&add, &[wakeup, ctx], &[key])?;
                    }
                    ts.set_fut_waiter(v.clone());
                    if ts.must_cancel.get() {
                        let msg = f.cancel_msg();
                        if self.future_cancel_any(&v, msg)? {
                            ts.must_cancel.set(false);
                        }
                    }
                    None
                }
            } else {
                let tr = self.repr(&Value::Obj(task.clone()))?;
                let fr = self.repr(&v)?;
                Some(runtime_error(format!(
                    "yield was used instead of yield from in task {tr} with {fr}"
                )))
            };
            if let Some(e) = new_exc {
                self.loop_push_ready(&lp, Ready::Step(task.clone(), Some(e)));
            }
            return Ok(());
        }
        if v.is_none() {
            self.loop_push_ready(&lp, Ready::Step(task.clone(), None));
            return Ok(());
        }
        if self.task_wait_foreign_future(task, &v, &lp)? {
            return Ok(());
        }
        let tr = self.repr(&Value::Obj(task.clone()))?;
        let vr = self.repr(&v)?;
        let is_gen = matches!(&v, Value::Obj(o) if matches!(&**o, Obj::Generator(g) if g.kind == crate::obj::generator::GenKind::Generator));
        let e = if is_gen {
            runtime_error(format!(
                "yield was used instead of yield from for generator in task {tr} with {vr}"
            ))
        } else {
            runtime_error(format!("Task got bad yield: {vr}"))
        };
        self.loop_push_ready(&lp, Ready::Step(task.clone(), Some(e)));
        Ok(())
    }

    /// `Task.__wakeup(fut)`: step with the future's exception thrown in, or with nothing.
    pub fn task_wakeup(&mut self, task: &ObjRef, fut: &ObjRef) -> PyResult<()> {
        // A Future subclass's (or a Future-compatible object's) own `result()` runs, as
        // in CPython.
        let plain = as_future(fut).is_some_and(|f| self.aio.is_plain_future(f));
        let r = if !plain {
            self.call_method(&Value::Obj(fut.clone()), "result", &[])
        } else {
            self.fut_result(fut)
        };
        match r {
            Ok(_) => self.task_step(task, None),
            Err(e) => self.task_step(task, Some(e)),
        }
    }

    /// `Task.cancel(msg)`
    pub fn task_cancel(&mut self, task: &ObjRef, msg: Value) -> PyResult<bool> {
        let Some(f) = as_future(task) else {
            return Ok(false);
        };
        let Some(ts) = &f.task else {
            return Ok(self.fut_cancel(task, msg));
        };
        f.log_tb.set(false);
        if f.done() {
            return Ok(false);
        }
        ts.num_cancels_requested
            .set(ts.num_cancels_requested.get().saturating_add(1));
        let waiter = ts.fut_waiter();
        if !waiter.is_none() && self.future_cancel_any(&waiter, msg.clone())? {
            return Ok(true);
        }
        ts.must_cancel.set(true);
        f.set_cancel_msg(msg);
        Ok(true)
    }

    /// `fut.cancel(msg=msg)` on any future: native for Future and Task, the method for
    /// subclasses overriding it.
    pub fn future_cancel_any(&mut self, v: &Value, msg: Value) -> PyResult<bool> {
        let Some((o, f)) = value_future(v) else {
            // `fut.cancel(msg)`, positionally, as CPython's Task calls it.
            let m = self.get_attr_str(v, "cancel")?;
            let r = self.call(&m, &[msg])?;
            return self.truthy(&r);
        };
        let o = o.clone();
        let key = self.intern("cancel");
        let overridden = crate::vm::class::lookup(&f.class, &key)
            .is_some_and(|m| !matches!(&m, Value::Obj(x) if matches!(&**x, Obj::Native(_))));
        if overridden {
            let m = self.get_attr(v, &key)?;
            let r = self.call(&m, &[msg])?;
            return self.truthy(&r);
        }
        if f.task.is_some() {
            self.task_cancel(&o, msg)
        } else {
            Ok(self.fut_cancel(&o, msg))
        }
    }

    /// `Task.uncancel()`
    pub fn task_uncancel(&mut self, task: &ObjRef) -> u32 {
        let Some(ts) = as_future(task).and_then(|f| f.task.as_ref()) else {
            return 0;
        };
        let n = ts.num_cancels_requested.get().saturating_sub(1);
        ts.num_cancels_requested.set(n);
        n
    }

    /// Runs one ready-queue entry. Errors are KeyboardInterrupt/SystemExit (which end the
    /// loop's run); everything else goes to the exception handler.
    ///
    /// Meanwhile the recursion limit counts the levels CPython has on its stack there and
    /// aio has not: the frames of `run_forever`, `_run_once` and `Handle._run`, and for a
    /// task's step also the coroutine's `send` from `Task.__step`. So the depth a program
    /// reaches before RecursionError, in a task or a callback, is CPython's.
    pub fn run_ready_entry(&mut self, lp: &ObjRef, entry: Ready) -> PyResult<()> {
        let levels = match entry {
            Ready::Step(..) | Ready::Wakeup(..) => LOOP_LEVELS_UNDER_A_TASK,
            _ => LOOP_LEVELS_UNDER_A_CALLBACK,
        };
        self.native_recursion += levels;
        let r = self.run_ready_entry_counted(lp, entry);
        self.native_recursion -= levels;
        r
    }

    fn run_ready_entry_counted(&mut self, lp: &ObjRef, entry: Ready) -> PyResult<()> {
        let (r, what) = match entry {
            Ready::Step(task, exc) => (self.task_step(&task, exc), Ready::Step(task, None)),
            Ready::Wakeup(task, fut) => {
                let r = self.task_wakeup(&task, &fut);
                (r, Ready::Wakeup(task, fut))
            }
            Ready::Call(func, arg) => {
                let r = self.call(&func, std::slice::from_ref(&arg)).map(|_| ());
                (r, Ready::Call(func, arg))
            }
            Ready::Gather(state, fut) => {
                let r = self.gather_done(&state, &fut);
                (r, Ready::Gather(state, fut))
            }
            Ready::Handle(h) => {
                if let Some(r) = self.run_sleep_timer(&h) {
                    return r;
                }
                let (cb, args, context) = match &*h {
                    Obj::Handle(hh) => {
                        if hh.cancelled.get() {
                            return Ok(());
                        }
                        (
                            hh.callback.borrow().clone(),
                            hh.args.borrow().clone(),
                            hh.context.borrow().clone(),
                        )
                    }
                    _ => return Ok(()),
                };
                // `self._context.run(self._callback, *self._args)`
                let r = match self.context_enter(&context) {
                    Ok(entered) => {
                        let r = self.call(&cb, &args).map(|_| ());
                        self.context_leave(entered);
                        r
                    }
                    Err(e) => Err(e),
                };
                (r, Ready::Handle(h))
            }
        };
        match r {
            Ok(()) => Ok(()),
            Err(e) if e.is(ExcKind::KeyboardInterrupt) || e.is(ExcKind::SystemExit) => Err(e),
            Err(e) => {
                super::handler::callback_failed(self, lp, what, e);
                Ok(())
            }
        }
    }

    /// A due timer of `asyncio.sleep` (`_set_result_unless_cancelled(future, result)`),
    /// run without copying its arguments or a general call; None for any other handle.
    /// The context is not entered: that native callback reads no context variable, and
    /// the future's done callbacks carry their own.
    fn run_sleep_timer(&mut self, h: &ObjRef) -> Option<PyResult<()>> {
        let Obj::Handle(hh) = &**h else { return None };
        let is_sleep = self.aio.classes.as_ref().is_some_and(|c| {
            hh.callback
                .try_borrow()
                .is_ok_and(|cb| cb.is(&c.set_result_cb))
        });
        if !is_sleep || hh.cancelled.get() {
            return None;
        }
        let (fut, result) = match &hh.args.try_borrow().ok()?[..] {
            [Value::Obj(fut), result] => (fut.clone(), result.clone()),
            _ => return None,
        };
        if as_future(&fut).is_none_or(|f| f.done()) {
            return Some(Ok(()));
        }
        // As a failed callback: reported through the loop's handler, the loop goes on.
        Some(match self.fut_set_result(&fut, result) {
            Err(e) if !(e.is(ExcKind::KeyboardInterrupt) || e.is(ExcKind::SystemExit)) => {
                let lp = crate::eventloop::future_loop(&fut);
                if let Value::Obj(lp) = lp {
                    super::handler::callback_failed(self, &lp, Ready::Handle(h.clone()), e);
                }
                Ok(())
            }
            r => r,
        })
    }

    /// Ctrl-C while `asyncio.run` runs (runners.py's `_on_sigint`): the first cancels the
    /// main task, a second one raises KeyboardInterrupt.
    pub fn on_sigint(&mut self) -> PyResult<()> {
        if let Some(main) = self.aio.main_task.clone() {
            self.aio.interrupt_count += 1;
            let pending = as_future(&main).is_some_and(|f| f.state.get() == FutState::Pending);
            if self.aio.interrupt_count == 1 && pending {
                self.task_cancel(&main, Value::None)?;
                return Ok(());
            }
        }
        Err(exc_empty(ExcKind::KeyboardInterrupt))
    }
}
