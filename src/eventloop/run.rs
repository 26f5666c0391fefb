//! Running a loop: `_run_once` (DESIGN.md section 5), `run_forever`, `run_until_complete`,
//! `stop`, `close`.

use super::futures::{as_future, value_future};
use super::poller::{Poller, Woke};
use super::Ready;
use crate::obj::future::Callback;
use crate::obj::Obj;
use crate::vm::errors::{runtime_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::time::Duration;

/// CPython's `MAXIMUM_SELECT_TIMEOUT`: never wait longer than a day at once.
pub const MAXIMUM_SELECT_TIMEOUT: f64 = 24.0 * 3600.0;
/// `time.get_clock_info('monotonic').resolution`
pub const CLOCK_RESOLUTION: f64 = 1e-9;

/// What step 2 of `_run_once` decided.
enum Wait {
    /// Something is ready (or the loop is stopping): poll without blocking.
    Poll,
    /// Wait until this deadline at most.
    Deadline(f64),
    /// Nothing can ever wake the loop.
    Forever,
}

impl Vm {
    /// One iteration of the loop: timers, waiting, then exactly the entries that were
    /// ready when the iteration began (the `ntodo` snapshot).
    pub fn run_once(&mut self, lp: &ObjRef) -> PyResult<()> {
        self.run_once_with(lp, true).map(|_| ())
    }

    /// One iteration; unless `may_block`, it does not wait (nor report a deadlock), and
    /// says how long it would have waited: None for ever, else seconds (0: busy). A loop
    /// run by a VM thread goes so, the thread sleeping (parked) in between.
    pub fn run_once_with(&mut self, lp: &ObjRef, may_block: bool) -> PyResult<Option<f64>> {
        let (wait, watching) = {
            let Some(st) = self.aio.state(lp) else {
                return Ok(None);
            };
            st.timers.purge_cancelled();
            let wait = if !st.ready.is_empty() || st.stopping || st.watches.any_due() {
                Wait::Poll
            } else if let Some(d) = st.timers.next_deadline() {
                Wait::Deadline(d)
            } else {
                Wait::Forever
            };
            (wait, !st.watches.is_empty())
        };
        // Executor jobs are threads: the loop waits for their sleeps too.
        let wait = match (wait, self.vthread_next_wake(lp)) {
            (Wait::Deadline(d), Some(w)) => Wait::Deadline(d.min(w)),
            (Wait::Forever, Some(w)) => Wait::Deadline(w),
            (wait, _) => wait,
        };
        let busy = matches!(wait, Wait::Poll);
        let wanted = match wait {
            Wait::Poll => Some(0.0),
            Wait::Deadline(d) => Some(
                self.aio
                    .state(lp)
                    .map_or(0.0, |st| (d - st.time()).max(0.0)),
            ),
            Wait::Forever => None,
        };
        let wait = if may_block { wait } else { Wait::Poll };
        match wait {
            // Watched descriptors are polled on every iteration, as CPython's select(0).
            Wait::Poll if watching => self.wait_for(lp, Some(Duration::ZERO))?,
            Wait::Poll => {}
            Wait::Forever if watching => self.wait_for(lp, None)?,
            Wait::Forever => {
                if self.interrupt_pending() {
                    self.check_signals()?;
                } else {
                    super::deadlock::report_and_exit(self, lp);
                }
            }
            Wait::Deadline(deadline) => self.wait_until(lp, deadline, watching)?,
        }
        // While the loop waited (or, if it did not, once their turn came), jobs whose sleep
        // ended ran; what they completed is queued before the due timers.
        if self.aio.vthreads.any_parked() {
            self.vthreads_run_due(!busy);
        }
        self.drain_inbox(lp);
        if watching {
            if let Some(st) = self.aio.state(lp) {
                st.io_dispatch();
            }
        }
        // Due timers, in (deadline, sequence) order.
        if let Some(st) = self.aio.state(lp) {
            let end = st.time() + CLOCK_RESOLUTION;
            while let Some(h) = st.timers.pop_due(end) {
                st.ready.push_back(Ready::Handle(h));
            }
        }
        let ntodo = self.aio.state(lp).map(|s| s.ready.len()).unwrap_or(0);
        for _ in 0..ntodo {
            let entry = match self.aio.state(lp).and_then(|s| s.ready.pop_front()) {
                Some(e) => e,
                None => break,
            };
            if self.aio.state(lp).is_some_and(|s| s.debug) {
                self.run_ready_entry_timed(lp, entry)?;
            } else {
                self.run_ready_entry(lp, entry)?;
            }
            self.periodic()?;
        }
        Ok(wanted)
    }

    /// A ready entry in debug mode: one that runs longer than `slow_callback_duration`
    /// is reported (CPython's `_run_once`).
    fn run_ready_entry_timed(&mut self, lp: &ObjRef, entry: Ready) -> PyResult<()> {
        let subject = super::handler::slow_callback_subject(self, lp, &entry);
        let t0 = self.aio.state(lp).map_or(0.0, |s| s.time());
        self.run_ready_entry(lp, entry)?;
        let dt = self.aio.state(lp).map_or(0.0, |s| s.time()) - t0;
        // The loop's attribute, which programs set (0.1 unless they did).
        let limit = self.get_attr_str(&Value::Obj(lp.clone()), "slow_callback_duration")?;
        let slow = self.compare(&Value::Float(dt), &limit, crate::syntax::ast::CmpOp::GtE)?;
        if self.truthy(&slow)? {
            super::handler::warn_slow_callback(self, &subject, dt)?;
        }
        Ok(())
    }

    /// Waits for the timer due at `deadline` (virtual time jumps there at once), or for
    /// a watched descriptor.
    fn wait_until(&mut self, lp: &ObjRef, deadline: f64, watching: bool) -> PyResult<()> {
        let Some(st) = self.aio.state(lp) else {
            return Ok(());
        };
        if st.clock.is_virtual() {
            st.clock.advance_to(deadline);
            return match watching {
                true => self.wait_for(lp, Some(Duration::ZERO)),
                false => Ok(()),
            };
        }
        let timeout = (deadline - st.time()).clamp(0.0, MAXIMUM_SELECT_TIMEOUT);
        // A NaN deadline (`sleep(nan)`) is due at once, as CPython's max(0, nan) makes it.
        let timeout = if timeout.is_nan() { 0.0 } else { timeout };
        if timeout <= 0.0 && !watching {
            return Ok(());
        }
        self.wait_for(lp, Some(Duration::from_secs_f64(timeout)))
    }

    /// Waits on the poller up to `timeout` (forever when None) and handles a signal that
    /// interrupted it.
    fn wait_for(&mut self, lp: &ObjRef, timeout: Option<Duration>) -> PyResult<()> {
        let Some(st) = self.aio.state(lp) else {
            return Ok(());
        };
        if st.poller.is_none() {
            st.poller = Poller::new().ok();
        }
        let woke = match (&mut st.poller, timeout) {
            (Some(p), _) => p.wait(timeout),
            (None, Some(dur)) => {
                std::thread::sleep(dur);
                Ok(Woke::Events)
            }
            (None, None) => Err(std::io::Error::other("no poller to wait on")),
        };
        if let Ok(Woke::Signal) = woke {
            self.check_signals()?;
        }
        if self.interrupt_pending() {
            self.check_signals()?;
        }
        Ok(())
    }

    /// Runs work other threads queued with `call_soon_threadsafe`.
    fn drain_inbox(&mut self, lp: &ObjRef) {
        let items = match self.aio.state(lp).and_then(|s| s.poller.as_ref()) {
            Some(p) => p.drain_inbox(),
            None => return,
        };
        for item in items {
            item(self);
        }
    }

    /// `loop.run_forever()`
    pub fn loop_run_forever(&mut self, lp: &ObjRef) -> PyResult<()> {
        let old_hooks = self.loop_enter(lp)?;
        let r = loop {
            if let Err(e) = self.run_once(lp) {
                break Err(e);
            }
            if self.aio.state(lp).is_none_or(|s| s.stopping) {
                break Ok(());
            }
        };
        self.loop_leave(lp, old_hooks);
        r
    }

    /// What `run_forever` does before its iterations: the loop runs from now on. Returns
    /// the async generator hooks to restore when it stops.
    pub fn loop_enter(&mut self, lp: &ObjRef) -> PyResult<(Option<Value>, Option<Value>)> {
        self.check_can_run(lp)?;
        let debug = self.aio.state(lp).is_some_and(|s| s.debug);
        self.set_coroutine_origin_tracking(lp, debug);
        if let Some(st) = self.aio.state(lp) {
            st.running = true;
        }
        self.aio.running.push(lp.clone());
        Ok(self.install_asyncgen_hooks(lp))
    }

    /// What `run_forever` does once it stopped.
    pub fn loop_leave(&mut self, lp: &ObjRef, old_hooks: (Option<Value>, Option<Value>)) {
        if let Some(st) = self.aio.state(lp) {
            st.stopping = false;
            st.running = false;
        }
        if self.aio.running.last().is_some_and(|l| l.is(lp)) {
            self.aio.running.pop();
        }
        self.set_coroutine_origin_tracking(lp, false);
        self.restore_asyncgen_hooks(old_hooks);
    }

    fn check_can_run(&mut self, lp: &ObjRef) -> PyResult<()> {
        let Some(st) = self.aio.state(lp) else {
            return Err(runtime_error("Event loop is closed"));
        };
        if st.closed {
            return Err(runtime_error("Event loop is closed"));
        }
        if st.running {
            return Err(runtime_error("This event loop is already running"));
        }
        if !self.aio.running.is_empty() {
            return Err(runtime_error(
                "Cannot run the event loop while another loop is running",
            ));
        }
        Ok(())
    }

    /// `loop.run_until_complete(future)`
    pub fn loop_run_until_complete(&mut self, lp: &ObjRef, future: Value) -> PyResult<Value> {
        self.check_can_run(lp)?;
        let new_task = value_future(&future).is_none();
        let fut = self.ensure_future(&future, lp)?;
        if new_task {
            if let Some(t) = as_future(&fut).and_then(|f| f.task.as_ref()) {
                t.log_destroy_pending.set(false);
            }
        }
        let cb = self
            .aio_classes()
            .map(|c| c.ruc_cb.clone())
            .unwrap_or(Value::None);
        self.fut_add_callback(&fut, Callback::Func(cb.clone(), Value::None));
        let r = self.loop_run_forever(lp);
        if let Some(f) = as_future(&fut) {
            f.callbacks
                .borrow_mut()
                .retain(|c| !matches!(c, Callback::Func(x, _) if x.is(&cb)));
        }
        if let Err(e) = r {
            if new_task {
                if let Some(f) = as_future(&fut) {
                    if f.state.get() == crate::obj::future::FutState::Finished {
                        f.log_tb.set(false);
                    }
                }
            }
            return Err(e);
        }
        if !as_future(&fut).is_some_and(|f| f.done()) {
            return Err(runtime_error("Event loop stopped before Future completed."));
        }
        self.fut_result(&fut)
    }

    /// `ensure_future(obj, loop=lp)`: futures as they are, coroutines wrapped in a task.
    pub fn ensure_future(&mut self, v: &Value, lp: &ObjRef) -> PyResult<ObjRef> {
        if let Some((o, _)) = value_future(v) {
            return Ok(o.clone());
        }
        let is_coro = matches!(v, Value::Obj(o) if matches!(&**o, Obj::Generator(g) if g.kind == crate::obj::generator::GenKind::Coroutine));
        if !is_coro {
            return Err(crate::vm::errors::type_error(
                "An asyncio.Future, a coroutine or an awaitable is required",
            ));
        }
        if let Some(factory) = self.aio.task_factory(lp) {
            let task = self.call(&factory, &[Value::Obj(lp.clone()), v.clone()])?;
            return match value_future(&task) {
                Some((o, _)) => Ok(o.clone()),
                None => Err(crate::vm::errors::type_error(
                    "the task factory must return an asyncio.Future",
                )),
            };
        }
        self.new_task(lp, v.clone(), Value::None, Value::None)
    }

    /// `loop.create_task(coro, name=name)`
    pub fn new_task(
        &mut self,
        lp: &ObjRef,
        coro: Value,
        name: Value,
        context: Value,
    ) -> PyResult<ObjRef> {
        let Some(c) = self.aio_classes() else {
            return Err(runtime_error("asyncio is not initialised"));
        };
        let t = ObjRef::new(Obj::Future(Box::new(crate::obj::FutureObj::new(
            c.task.clone(),
            true,
        ))));
        self.task_init(&t, coro, Value::Obj(lp.clone()), name, context)?;
        Ok(t)
    }

    /// `Task.__init__`; a task given no context runs in a copy of the current one.
    pub fn task_init(
        &mut self,
        t: &ObjRef,
        coro: Value,
        lp: Value,
        name: Value,
        context: Value,
    ) -> PyResult<()> {
        let Some(f) = as_future(t) else { return Ok(()) };
        let Some(ts) = &f.task else { return Ok(()) };
        if !crate::modules::asyncio_core::is_coroutine_value(self, &coro) {
            ts.log_destroy_pending.set(false);
            let r = self.repr(&coro)?;
            return Err(crate::vm::errors::type_error(format!(
                "a coroutine was expected, got {r}"
            )));
        }
        let lp = if lp.is_none() {
            match self.aio.running_loop() {
                Some(l) => Value::Obj(l),
                None => return Err(runtime_error("no running event loop")),
            }
        } else {
            lp
        };
        let name = if name.is_none() {
            self.aio.task_counter += 1;
            Value::Int(self.aio.task_counter as i64)
        } else if name.as_str().is_some() {
            name
        } else {
            self.to_str_value(&name)?
        };
        self.note_source_traceback(t, &lp)?;
        f.set_loop(lp);
        *ts.coro.borrow_mut() = coro;
        *ts.name.borrow_mut() = name;
        *ts.context.borrow_mut() = if context.is_none() {
            self.context_capture()?
        } else {
            context
        };
        ts.log_destroy_pending.set(true);
        self.task_register(t);
        Ok(())
    }

    /// `loop.stop()`
    pub fn loop_stop(&mut self, lp: &ObjRef) {
        if let Some(st) = self.aio.state(lp) {
            st.stopping = true;
        }
    }

    /// `loop.close()`
    pub fn loop_close(&mut self, lp: &ObjRef) -> PyResult<()> {
        let Some(st) = self.aio.state(lp) else {
            return Ok(());
        };
        if st.running {
            return Err(runtime_error("Cannot close a running event loop"));
        }
        if st.closed {
            return Ok(());
        }
        st.closed = true;
        // As CPython's close(): every signal handler goes (default actions come back).
        let sigs: Vec<i32> = st.signal_handlers.keys().copied().collect();
        for sig in sigs {
            self.loop_remove_signal_handler(lp, sig);
        }
        self.executor_loop_closed(lp);
        // A closed loop has no state: everything it held is released here.
        if let Some(i) = self.aio.index(lp) {
            let st = self.aio.loops.remove(i);
            drop(st);
        }
        Ok(())
    }

    /// At exit: what the loops the program never closed still hold (ready callbacks,
    /// timers, live tasks) is let go. In CPython such a loop and what only it reaches are
    /// garbage at the teardown, whose collection reports each pending task ("Task was
    /// destroyed but it is pending!") and closes its coroutine, so its `finally` runs;
    /// aio's registry of live tasks would otherwise keep them to the very end.
    ///
    /// The policy's current loop (`get_event_loop`, `set_event_loop`) is the exception:
    /// CPython's `_asyncio` module holds it from C, so it and what it reaches outlive the
    /// teardown, never finalized and never reported. So do the globals of the modules
    /// whose code its live tasks run (their frames hold them): the namespaces returned.
    pub fn release_unclosed_loops(&mut self) -> Vec<ObjRef> {
        let mut kept_namespaces: Vec<ObjRef> = Vec::new();
        if self.aio.loops.is_empty() {
            return kept_namespaces;
        }
        // CPython's loop holds its tasks weakly: a task nothing else reaches was garbage
        // already, and goes in allocation order (its coroutine closes, then it is reported).
        let mut registered = Vec::new();
        for st in &mut self.aio.loops {
            for task in std::mem::take(&mut st.tasks) {
                if let Some(ts) = as_future(&task).and_then(|f| f.task.as_ref()) {
                    ts.set_listed_at(None);
                }
                registered.push((st.obj.clone(), task.downgrade()));
            }
        }
        crate::gc::finalize::run_pending(self);
        crate::gc::collector::collect_no_fail(self);
        let current = self.aio.current.clone();
        let is_current = |lp: &ObjRef| current.as_ref().is_some_and(|c| c.is(lp));
        let mut to_report = Vec::new();
        for (lp, task) in &registered {
            let Some(task) = task.upgrade() else { continue };
            if is_current(lp) {
                // Still reachable in CPython: it stays, silently.
                if let Some(ts) = as_future(&task).and_then(|f| f.task.as_ref()) {
                    ts.log_destroy_pending.set(false);
                    let globals = coroutine_globals(&ts.coro.borrow());
                    if let Some(g) = globals.filter(|g| !kept_namespaces.iter().any(|k| k.is(g))) {
                        kept_namespaces.push(g);
                    }
                }
                self.task_reregister(&task);
            } else {
                to_report.push(task);
            }
        }
        // The queues and timers go first (what their callbacks' arguments held dies).
        let states = std::mem::take(&mut self.aio.loops);
        for st in states {
            if is_current(&st.obj) {
                self.aio.loops.push(st);
            } else {
                drop(st);
                crate::gc::finalize::run_pending(self);
            }
        }
        // The tasks stayed reachable until the teardown, so CPython's earlier collections
        // moved each one's coroutine behind it: it is reported before its coroutine closes.
        for task in &to_report {
            super::finalize_future(self, task);
        }
        drop(to_report);
        crate::gc::finalize::run_pending(self);
        // What the queues and timers held in cycles (a task and the future it waits on)
        // is part of that same teardown collection, while the globals are still bound.
        crate::gc::collector::collect_no_fail(self);
        crate::gc::finalize::run_pending(self);
        kept_namespaces
    }

    /// A loop's state entry for a new loop object.
    pub fn loop_register(&mut self, lp: &ObjRef) {
        if self.aio.index(lp).is_none() {
            self.aio.loops.push(super::LoopState::new(lp.clone()));
        }
    }
}

/// The globals of a suspended coroutine's frame.
fn coroutine_globals(coro: &Value) -> Option<ObjRef> {
    match &**coro.as_objref().as_ref()? {
        Obj::Generator(g) => g.frame.borrow().as_ref().map(|f| f.globals.clone()),
        _ => None,
    }
}
