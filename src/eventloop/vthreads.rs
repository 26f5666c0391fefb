//! VM threads: the worker threads of asyncio's default executor (`run_in_executor`,
//! `to_thread`), emulated on the one interpreter thread, since aio's values (std `Rc`)
//! cannot cross OS threads.
//!
//! A VM thread runs a job's frames on the VM with CPython's per-thread interpreter state
//! swapped in (`ThreadState`: its own frame stack, so tracebacks, `sys.exc_info()` and the
//! recursion depth are its own; no running loop; its own `set_event_loop`). It runs until
//! the job returns or raises, or until it leaves the CPU as a thread would:
//! - `time.sleep(d)` called from the job's own frames (no native frame such as a
//!   `sorted(key=...)` callback in between) parks it until `d` has passed on its loop's
//!   clock; deeper sleeps block for real, like any `time.sleep` outside a job, and let the
//!   other VM threads that are due run meanwhile (`Vm::blocking_sleep` in `modules::time`);
//! - after the GIL's switch interval (`sys.getswitchinterval()`, 5 ms) of running aio code
//!   it is preempted at a back-edge or call, and resumes once the loop would block, or when
//!   the loop has kept the CPU for another switch interval.
//!
//! Parked threads resume in the event loop's poll step (`run_once`), in a blocking
//! `time.sleep` of another thread, and at exit (CPython joins the executor's threads).
//!
//! Threads of their own (`_thread.start_new_thread`, under `threading.Thread`) are VM
//! threads too. They also leave the CPU waiting for a lock (`modules::thread`): parked until
//! the lock's release wakes them (they then run as a preempted thread would) or their
//! timeout ends.

use super::executor::Work;
use crate::obj::function::Args;
use crate::obj::Obj;
use crate::vm::call::Prepared;
use crate::vm::errors::PyResult;
use crate::vm::frame::Frames;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::time::{Duration, Instant};

/// CPython's default `sys.getswitchinterval()`.
pub const SWITCH_INTERVAL: Duration = Duration::from_millis(5);
/// The shortest wait for a parked thread's wake-up, in seconds.
const MIN_WAIT: f64 = 1e-6;

/// Why the running VM thread leaves the CPU (set by the dispatch loop's hooks).
pub enum Switch {
    /// `time.sleep(secs)`: the call's result (None) is already on the frame's stack.
    Sleep(f64),
    /// Its switch interval is over.
    Preempt,
    /// It waits for `lock` to be released, for at most `timeout` seconds (None: for ever);
    /// the call's result (None) is already on the frame's stack.
    Block { lock: ObjRef, timeout: Option<f64> },
}

/// The interpreter state CPython keeps per thread, swapped into the `Vm` while a VM thread
/// runs (and out again when it stops).
#[derive(Default)]
pub struct ThreadState {
    frames: Frames,
    native_recursion: usize,
    /// The running loops (`get_running_loop()` raises in a worker thread).
    running: Vec<ObjRef>,
    /// The policy's loop for this thread (`set_event_loop`).
    current: Option<ObjRef>,
    main_task: Option<ObjRef>,
    interrupt_count: u32,
    asyncgen_hooks: crate::vm::async_gen::AsyncGenHooks,
    yielded: bool,
    skip_tb: bool,
    async_gen_yield: bool,
    kwnames: Option<Value>,
    propagating: Option<crate::gc::heap::WeakRef>,
    /// The thread's running `contextvars` context: a new thread starts in an empty one
    /// (None until needed), as in CPython 3.11, and what it sets stays its own.
    context: ThreadContext,
}

/// A thread's context slot; None (no context yet) to begin with.
struct ThreadContext(Value);

impl Default for ThreadContext {
    fn default() -> ThreadContext {
        ThreadContext(Value::None)
    }
}

impl ThreadState {
    /// Exchanges this state with the VM's: the same call enters and leaves a thread.
    fn swap(&mut self, vm: &mut Vm) {
        std::mem::swap(&mut self.frames, &mut vm.frames);
        std::mem::swap(&mut self.native_recursion, &mut vm.native_recursion);
        std::mem::swap(&mut self.running, &mut vm.aio.running);
        std::mem::swap(&mut self.current, &mut vm.aio.current);
        std::mem::swap(&mut self.main_task, &mut vm.aio.main_task);
        std::mem::swap(&mut self.interrupt_count, &mut vm.aio.interrupt_count);
        std::mem::swap(&mut self.asyncgen_hooks, &mut vm.asyncgen_hooks);
        std::mem::swap(&mut self.yielded, &mut vm.yielded);
        std::mem::swap(&mut self.skip_tb, &mut vm.skip_tb);
        std::mem::swap(&mut self.async_gen_yield, &mut vm.async_gen_yield);
        std::mem::swap(&mut self.kwnames, &mut vm.kwnames);
        std::mem::swap(&mut self.propagating, &mut vm.propagating);
        std::mem::swap(&mut self.context.0, &mut vm.aio.contexts.current);
    }
}

/// What a VM thread is for.
pub enum Role {
    /// A worker thread of a loop's default executor, busy with one job.
    Worker {
        /// The loop whose default executor the worker belongs to.
        pool: ObjRef,
        /// Its number, as in the thread name `asyncio_N`.
        worker: usize,
        /// `run_in_executor`'s future, which gets the job's outcome.
        dest: ObjRef,
    },
    /// A thread of its own, started by `_thread.start_new_thread`.
    Thread {
        ident: i64,
        /// What it runs, for the report of an exception that ends it.
        func: Value,
    },
}

pub struct VThread {
    pub role: Role,
    pub state: ThreadState,
}

impl VThread {
    pub fn worker(pool: ObjRef, worker: usize, dest: ObjRef) -> VThread {
        VThread {
            role: Role::Worker { pool, worker, dest },
            state: ThreadState::default(),
        }
    }

    pub fn thread(ident: i64, func: Value) -> VThread {
        VThread {
            role: Role::Thread { ident, func },
            state: ThreadState::default(),
        }
    }

    /// The loop whose clock the thread's sleeps are measured on; None for the monotonic
    /// clock.
    fn clock(&self) -> Option<&ObjRef> {
        match &self.role {
            Role::Worker { pool, .. } => Some(pool),
            Role::Thread { .. } => None,
        }
    }

    fn running(&self) -> Running {
        match &self.role {
            Role::Worker { worker, .. } => Running {
                ident: worker_ident(*worker),
                worker: Some(*worker),
            },
            Role::Thread { ident, .. } => Running {
                ident: *ident,
                worker: None,
            },
        }
    }
}

/// `_thread.get_ident()` of the main thread: any number, shaped like CPython's (a pthread
/// address); the other threads' are offsets from it.
pub fn main_ident() -> i64 {
    0x7f00_0000_0000 + ((std::process::id() as i64 & 0x3f_ffff) << 20)
}

fn worker_ident(worker: usize) -> i64 {
    main_ident() + ((worker as i64 + 1) << 8)
}

/// The ident of the `n`th thread started (from 1).
pub fn thread_ident(n: i64) -> i64 {
    main_ident() + 0x10_0000 * n.clamp(1, 0xff_ffff)
}

/// A VM thread on the native stack.
#[derive(Clone, Copy)]
struct Running {
    ident: i64,
    /// The executor worker's number, for a worker.
    worker: Option<usize>,
}

/// A VM thread off the CPU.
struct Parked {
    thread: VThread,
    /// A job an idle worker took, not started yet.
    work: Option<Work>,
    /// When its sleep ends, on its loop's clock (the monotonic clock once that loop closed).
    wake: f64,
    /// Set when preempted: runnable since then.
    preempted: Option<Instant>,
    /// The lock it waits for, until a release wakes it (`wake` is then its timeout's end,
    /// infinite for none).
    blocked: Option<ObjRef>,
    seq: u64,
}

/// Every VM thread's scheduling state.
#[derive(Default)]
pub struct VThreads {
    parked: Vec<Parked>,
    seq: u64,
    /// VM threads on the native stack now (a thread's blocking sleep can run others); the
    /// code running is a job's when this is not zero.
    pub depth: u32,
    /// Set by `time.sleep` in a job or the switch interval; the dispatch loop returns to the
    /// thread's driver when it sees it.
    pub switch: Option<Switch>,
    /// When the running VM thread got the CPU.
    slice_start: Option<Instant>,
    /// The VM threads on the native stack, innermost last.
    running: Vec<Running>,
    /// Names `threading` gave its threads (`_thread._set_name`), by ident.
    names: Vec<(i64, String)>,
    /// Threads started so far (`thread_ident`), and those of them not ended.
    pub started: i64,
    alive: i64,
    /// Locks a thread releases when it ends (`_thread._set_sentinel`), by ident.
    pub sentinels: Vec<(i64, ObjRef)>,
    /// The loops' default executors.
    pub pools: super::executor::Pools,
}

impl VThreads {
    /// The thread name of the running VM thread (`asyncio_N` for an executor's worker),
    /// if one runs.
    pub fn current_name(&self) -> Option<String> {
        let r = self.running.last()?;
        Some(match r.worker {
            Some(w) => format!("asyncio_{w}"),
            None => self
                .names
                .iter()
                .find(|(i, _)| *i == r.ident)
                .map_or_else(|| format!("Dummy-{}", r.ident), |(_, n)| n.clone()),
        })
    }

    /// `_thread.get_ident()`.
    pub fn current_ident(&self) -> i64 {
        self.running.last().map_or_else(main_ident, |r| r.ident)
    }

    /// The running VM thread's worker number, when it is an executor's worker.
    pub fn current_worker(&self) -> Option<usize> {
        self.running.last().and_then(|r| r.worker)
    }

    /// `threading` named thread `ident`.
    pub fn set_name(&mut self, ident: i64, name: String) {
        match self.names.iter_mut().find(|(i, _)| *i == ident) {
            Some(entry) => entry.1 = name,
            None => self.names.push((ident, name)),
        }
    }

    /// Whether any VM thread is parked (sleeping or preempted).
    pub fn any_parked(&self) -> bool {
        !self.parked.is_empty()
    }
}

/// How `Vm::wait_blocking` ended.
pub enum WaitEnd {
    /// The condition waited for holds.
    Done,
    /// The deadline passed first.
    TimedOut,
    /// No deadline, and no VM thread can ever run to end the wait.
    Stuck,
}

/// Naps of a blocking wait at most, so that Ctrl-C interrupts it at once, as in CPython
/// (std's sleep resumes by itself after the signal handler ran).
const WAIT_SLICE: Duration = Duration::from_millis(20);

/// Whether `f` is the `time.sleep` native.
pub fn is_time_sleep(f: &Value) -> bool {
    matches!(f, Value::Obj(o) if matches!(&**o, Obj::Native(n)
        if n.self_.is_none() && is_sleep_native(n.owner, n.name)))
}

/// Whether a native's (owner, name) is `time.sleep`'s.
#[inline]
pub fn is_sleep_native(owner: &str, name: &str) -> bool {
    owner == "time" && name == "sleep"
}

impl Vm {
    /// Whether the running VM thread can leave the CPU here: the dispatch loop running is
    /// its driver's, i.e. no native code that called back into aio code sits between the
    /// thread's entry frame and the top of the stack.
    fn vthread_at_own_level(&self) -> bool {
        self.aio.vthreads.depth > 0
            && self.frames.first().is_some_and(|f| f.entry)
            && self.frames.iter().skip(1).all(|f| !f.entry)
    }

    /// `time.sleep(...)` called by a job's frame (the dispatch loop intercepts it): parks
    /// the VM thread, or blocks for real when native code sits in between.
    pub(crate) fn vthread_sleep_call(&mut self, args: &Args) -> PyResult<Value> {
        let secs = crate::modules::time::sleep_seconds(self, args)?;
        if self.vthread_at_own_level() {
            self.aio.vthreads.switch = Some(Switch::Sleep(secs));
        } else {
            crate::modules::time::blocking_sleep(self, secs)?;
        }
        Ok(Value::None)
    }

    /// Periodic check (every `BREAKER_INTERVAL` back-edges and calls) in a VM thread:
    /// preempts it once it has run for the switch interval.
    pub(crate) fn vthread_check_switch(&mut self) {
        let vt = &self.aio.vthreads;
        if vt.switch.is_some() || vt.slice_start.is_none_or(|s| s.elapsed() < SWITCH_INTERVAL) {
            return;
        }
        if self.vthread_at_own_level() {
            self.aio.vthreads.switch = Some(Switch::Preempt);
        }
    }

    /// Runs `thread` (starting `work`, or resuming its parked frames) until it parks or
    /// its job ends; a worker that finishes goes on with the next queued job.
    pub(crate) fn vthread_run(&mut self, thread: VThread, work: Option<Work>) {
        let (mut thread, mut work) = (thread, work);
        loop {
            let (outcome, switch) = self.vthread_slice(&mut thread, work.take());
            if let Some(sw) = switch {
                self.vthread_park(thread, sw);
                return;
            }
            if matches!(thread.role, Role::Thread { .. }) {
                self.thread_done(thread, outcome);
                return;
            }
            match self.executor_job_done(thread, outcome) {
                Some((next, w)) => {
                    thread = next;
                    work = Some(w);
                }
                None => return,
            }
        }
    }

    /// One time slice of `thread`: its outcome, and why it stopped early if it did.
    fn vthread_slice(
        &mut self,
        thread: &mut VThread,
        work: Option<Work>,
    ) -> (PyResult<Value>, Option<Switch>) {
        thread.state.swap(self);
        let outer_slice = self.aio.vthreads.slice_start.replace(Instant::now());
        let outer_switch = self.aio.vthreads.switch.take();
        self.aio.vthreads.depth += 1;
        self.aio.vthreads.running.push(thread.running());
        self.native_depth += 1;
        let r = match work {
            Some(w) => self.vthread_start(w),
            // A parked `run_in_executor(None, time.sleep, d)` has no frames.
            None if self.frames.is_empty() => Ok(Value::None),
            None => self.run(),
        };
        self.native_depth -= 1;
        self.aio.vthreads.running.pop();
        self.aio.vthreads.depth -= 1;
        let switch = std::mem::replace(&mut self.aio.vthreads.switch, outer_switch);
        self.aio.vthreads.slice_start = outer_slice;
        thread.state.swap(self);
        match r {
            Ok(v) => (Ok(v), switch),
            // The exception ends the job; the thread's frames are gone.
            Err(e) => (Err(e), None),
        }
    }

    /// Starts a job: `func(*args, **kwargs)` on the thread's empty frame stack.
    fn vthread_start(&mut self, w: Work) -> PyResult<Value> {
        if is_time_sleep(&w.func) && w.kwnames.is_empty() {
            let a = Args {
                pos: &w.args,
                kwnames: &[],
                kwvalues: &[],
            };
            let secs = crate::modules::time::sleep_seconds(self, &a)?;
            self.aio.vthreads.switch = Some(Switch::Sleep(secs));
            return Ok(Value::None);
        }
        match self.prepare_call(&w.func, None, &w.args, &w.kwnames)? {
            Prepared::Done(v) => Ok(v),
            Prepared::Frame(mut f) => {
                f.entry = true;
                self.push_frame(f)?;
                self.run()
            }
        }
    }

    /// The clock a VM thread's sleep is measured on: its loop's, or the monotonic clock
    /// for a thread of its own, and once that loop is closed.
    fn vthread_now(&mut self, clock: Option<&ObjRef>) -> f64 {
        match clock.and_then(|lp| self.aio.state(lp)) {
            Some(st) => st.time(),
            None => super::clock::monotonic(),
        }
    }

    fn vthread_park(&mut self, thread: VThread, sw: Switch) {
        self.vthread_park_with(thread, None, sw);
    }

    /// An idle worker woke up with `work`: it starts once it gets the CPU, as a preempted
    /// thread resumes (CPython: when the loop blocks, or after a switch interval).
    pub(crate) fn vthread_wake_idle(&mut self, thread: VThread, work: Work) {
        self.vthread_park_with(thread, Some(work), Switch::Preempt);
    }

    fn vthread_park_with(&mut self, thread: VThread, work: Option<Work>, sw: Switch) {
        let now = self.vthread_now(thread.clock());
        let (wake, preempted, blocked) = match sw {
            Switch::Sleep(secs) => (now + secs, None, None),
            Switch::Preempt => (now, Some(Instant::now()), None),
            Switch::Block { lock, timeout } => {
                (timeout.map_or(f64::INFINITY, |t| now + t), None, Some(lock))
            }
        };
        let vt = &mut self.aio.vthreads;
        vt.seq += 1;
        vt.parked.push(Parked {
            thread,
            work,
            wake,
            preempted,
            blocked,
            seq: vt.seq,
        });
    }

    /// Whether parked thread `i` may run now; `gil_free` when the thread holding the CPU
    /// is about to block (the loop's wait, a blocking sleep), which lets preempted ones in.
    fn vthread_due(&mut self, i: usize, gil_free: bool) -> bool {
        let p = &self.aio.vthreads.parked[i];
        if let Some(since) = p.preempted {
            return gil_free || since.elapsed() >= SWITCH_INTERVAL;
        }
        if p.wake.is_infinite() {
            return false;
        }
        let (wake, clock) = (p.wake, p.thread.clock().cloned());
        wake <= self.vthread_now(clock.as_ref())
    }

    /// Runs the parked threads that are due, earliest wake-up first, each at most once.
    pub fn vthreads_run_due(&mut self, gil_free: bool) {
        let limit = self.aio.vthreads.seq;
        let start = Instant::now();
        let mut ran = false;
        loop {
            let mut best: Option<usize> = None;
            for i in 0..self.aio.vthreads.parked.len() {
                let p = &self.aio.vthreads.parked[i];
                if p.seq > limit {
                    continue;
                }
                let better = best.is_none_or(|b| {
                    let q = &self.aio.vthreads.parked[b];
                    (p.wake, p.seq) < (q.wake, q.seq)
                });
                if better && self.vthread_due(i, gil_free) {
                    best = Some(i);
                }
            }
            let Some(i) = best else { break };
            let p = self.aio.vthreads.parked.swap_remove(i);
            self.vthread_run(p.thread, p.work);
            ran = true;
        }
        if ran {
            self.vthreads_time_passed(start.elapsed());
        }
    }

    /// How long until the first parked thread can run while the caller blocks (zero for a
    /// preempted one); None when none is parked.
    pub fn vthread_next_wake_in(&mut self) -> Option<Duration> {
        let mut best: Option<f64> = None;
        for i in 0..self.aio.vthreads.parked.len() {
            let left = if self.vthread_due(i, true) {
                0.0
            } else {
                let p = &self.aio.vthreads.parked[i];
                if p.wake.is_infinite() {
                    // Blocked until a release wakes it.
                    continue;
                }
                let (wake, clock) = (p.wake, p.thread.clock().cloned());
                // At least a microsecond: rounding must not make a wait that ends before
                // the wake-up (the caller would spin, a virtual clock never getting there).
                (wake - self.vthread_now(clock.as_ref())).max(MIN_WAIT)
            };
            best = Some(best.map_or(left, |b| b.min(left)));
        }
        best.map(Duration::from_secs_f64)
    }

    /// The first parked thread's wake-up on `lp`'s clock, for the loop's wait.
    pub fn vthread_next_wake(&mut self, lp: &ObjRef) -> Option<f64> {
        let left = self.vthread_next_wake_in()?;
        Some(self.vthread_now(Some(lp)) + left.as_secs_f64())
    }

    /// The loop's thread spent `d` blocked in `time.sleep` or letting VM threads run:
    /// virtual clocks move on by as much, so that jobs' sleeps and the loop's timers keep
    /// their order as on real time. Counted by the outermost thread only (the time a job
    /// spends includes its own blocking sleeps).
    pub fn vthreads_time_passed(&mut self, d: Duration) {
        if self.aio.vthreads.depth > 0 {
            return;
        }
        for st in &mut self.aio.loops {
            if st.clock.is_virtual() {
                let t = st.time() + d.as_secs_f64();
                st.clock.advance_to(t);
            }
        }
    }

    /// `lp` closed: its parked threads' sleeps go on on the monotonic clock.
    pub(crate) fn vthreads_loop_closed(&mut self, lp: &ObjRef) {
        let now = self.vthread_now(Some(lp));
        let mono = super::clock::monotonic();
        for p in &mut self.aio.vthreads.parked {
            if let Role::Worker { pool, .. } = &p.thread.role {
                if pool.is(lp) {
                    p.wake = mono + (p.wake - now);
                }
            }
        }
    }

    /// At exit, as CPython joins the executors' threads: runs every VM thread to its end
    /// (sleeping for real, or moving a virtual clock on). Ctrl-C stops waiting.
    pub fn vthreads_join_at_exit(&mut self) {
        // Threads of their own still here are daemons (`threading._shutdown` joined the
        // others): they stop where they are, as CPython's do, their frames never unwound.
        let parked = std::mem::take(&mut self.aio.vthreads.parked);
        let (threads, workers): (Vec<Parked>, Vec<Parked>) = parked
            .into_iter()
            .partition(|p| matches!(p.thread.role, Role::Thread { .. }));
        std::mem::forget(threads);
        self.aio.vthreads.parked = workers;
        while let Some(left) = self.vthread_next_wake_in() {
            if !left.is_zero() && !self.vthread_advance_virtual() {
                let until = Instant::now() + left;
                while Instant::now() < until {
                    let nap = until.saturating_duration_since(Instant::now());
                    std::thread::sleep(nap.min(Duration::from_millis(20)));
                    if self.interrupt_pending() {
                        return;
                    }
                }
            }
            self.vthreads_run_due(true);
        }
    }

    /// When the next sleeper's loop runs on virtual time: jumps that clock to its wake-up.
    fn vthread_advance_virtual(&mut self) -> bool {
        let next = self
            .aio
            .vthreads
            .parked
            .iter()
            .filter(|p| p.preempted.is_none() && p.wake.is_finite())
            .min_by(|a, b| a.wake.total_cmp(&b.wake))
            .map(|p| (p.wake, p.thread.clock().cloned()));
        let Some((wake, Some(pool))) = next else {
            return false;
        };
        match self.aio.state(&pool) {
            Some(st) if st.clock.is_virtual() => {
                st.clock.advance_to(wake);
                true
            }
            _ => false,
        }
    }

    /// Blocks this native stack (a `time.sleep` or a lock wait that cannot park) until
    /// `done` holds or `deadline` passes, in short naps, running the VM threads that are
    /// due meanwhile: they are other threads in CPython, which run while this one blocks.
    pub(crate) fn wait_blocking(
        &mut self,
        deadline: Option<Instant>,
        mut done: impl FnMut(&mut Vm) -> PyResult<bool>,
    ) -> PyResult<WaitEnd> {
        loop {
            if done(self)? {
                return Ok(WaitEnd::Done);
            }
            let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            if left.is_some_and(|l| l.is_zero()) {
                return Ok(WaitEnd::TimedOut);
            }
            let nap = match (self.vthread_next_wake_in(), left) {
                (Some(job), _) if job.is_zero() => {
                    self.vthreads_run_due(true);
                    continue;
                }
                (Some(job), Some(left)) => job.min(left),
                (Some(job), None) => job,
                (None, Some(left)) => left,
                (None, None) => return Ok(WaitEnd::Stuck),
            };
            let nap = nap.min(WAIT_SLICE);
            std::thread::sleep(nap);
            if self.aio.vthreads.any_parked() {
                self.vthreads_time_passed(nap);
            }
            if self.interrupt_pending() {
                self.check_signals()?;
            }
        }
    }

    /// `_thread.start_new_thread(func, args, kwargs)`: a new VM thread runs the call at
    /// once, until it first leaves the CPU (as a new OS thread would hold the GIL until it
    /// blocks or its switch interval ends). Returns its ident.
    pub(crate) fn thread_start(&mut self, work: Work) -> i64 {
        self.aio.vthreads.started += 1;
        self.aio.vthreads.alive += 1;
        let ident = thread_ident(self.aio.vthreads.started);
        let thread = VThread::thread(ident, work.func.clone());
        self.vthread_run(thread, Some(work));
        ident
    }

    /// A thread of its own ended: an exception that ended it is reported as `_thread`
    /// does (SystemExit silently), and the locks it held for `threading` are released.
    fn thread_done(&mut self, thread: VThread, outcome: PyResult<Value>) {
        let Role::Thread { ident, func } = &thread.role else {
            return;
        };
        if let Err(e) = outcome {
            if !e.is(crate::vm::types::ExcKind::SystemExit) {
                let what = self.repr(func).unwrap_or_default();
                let text = self.format_exception(&e.value());
                self.write_stderr(&format!(
                    "Exception ignored in thread started by: {what}\n{text}"
                ));
            }
        }
        let ident = *ident;
        let vt = &mut self.aio.vthreads;
        vt.alive -= 1;
        vt.names.retain(|(i, _)| *i != ident);
        let mut held = Vec::new();
        vt.sentinels.retain(|(i, lock)| {
            if *i == ident {
                held.push(lock.clone());
            }
            *i != ident
        });
        for lock in held {
            crate::modules::thread::release_sentinel(self, &lock);
        }
    }

    /// `_thread`'s wait for `lock` (its release or the timeout) called by a VM thread's
    /// own frame: the thread parks. Elsewhere (the main thread, or native code in between)
    /// the caller waits for real (`modules::thread`). True when it parked.
    pub(crate) fn vthread_block(&mut self, lock: &ObjRef, timeout: Option<f64>) -> bool {
        if !self.vthread_at_own_level() || self.aio.vthreads.switch.is_some() {
            return false;
        }
        self.aio.vthreads.switch = Some(Switch::Block {
            lock: lock.clone(),
            timeout,
        });
        true
    }

    /// `lock` was released: the thread parked on it longest ago becomes runnable, as a
    /// preempted one (it gets the CPU when the releasing thread blocks, or after a switch
    /// interval). True when one was waiting.
    pub(crate) fn vthread_wake_lock(&mut self, lock: &ObjRef) -> bool {
        let first = self
            .aio
            .vthreads
            .parked
            .iter_mut()
            .filter(|p| p.blocked.as_ref().is_some_and(|l| l.is(lock)))
            .min_by_key(|p| p.seq);
        match first {
            Some(p) => {
                p.blocked = None;
                p.preempted = Some(Instant::now());
                true
            }
            None => false,
        }
    }

    /// `_thread._count()`: threads of their own started and not ended.
    pub(crate) fn vthreads_alive(&self) -> i64 {
        self.aio.vthreads.alive
    }
}
