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
    }
}

/// A worker thread of a loop's default executor, busy with one job; or a thread that
/// `threading.Thread.start()` started (`plain`).
pub struct VThread {
    /// The loop whose default executor the worker belongs to (a plain thread's is no
    /// loop: it sleeps on the monotonic clock).
    pub pool: ObjRef,
    /// Its number, as in the thread name `asyncio_N`.
    pub worker: usize,
    /// `run_in_executor`'s future, which gets the job's outcome.
    pub dest: ObjRef,
    pub state: ThreadState,
    pub plain: Option<PlainThread>,
}

/// What a `threading.Thread`'s VM thread is known by.
pub struct PlainThread {
    pub ident: i64,
    pub name: String,
    /// Exit does not wait for it (CPython stops running daemon threads at exit).
    pub daemon: bool,
}

/// `threading.get_ident()` of the main thread and of the executors' workers (plus their
/// number); plain threads count from `PLAIN_IDENT_BASE`.
pub const MAIN_IDENT: i64 = 139_900_000_000_000;
const WORKER_IDENT_BASE: i64 = MAIN_IDENT + 1_000_000;
pub const PLAIN_IDENT_BASE: i64 = MAIN_IDENT + 2_000_000;

impl VThread {
    pub fn new(pool: ObjRef, worker: usize, dest: ObjRef) -> VThread {
        VThread {
            pool,
            worker,
            dest,
            state: ThreadState::default(),
            plain: None,
        }
    }

    /// A `threading.Thread`'s VM thread; `nowhere` stands for its missing loop and future.
    pub fn plain(nowhere: ObjRef, thread: PlainThread) -> VThread {
        VThread {
            pool: nowhere.clone(),
            worker: 0,
            dest: nowhere,
            state: ThreadState::default(),
            plain: Some(thread),
        }
    }

    fn is_daemon(&self) -> bool {
        self.plain.as_ref().is_some_and(|p| p.daemon)
    }

    /// (`threading.get_ident()`, thread name)
    fn identity(&self) -> (i64, String) {
        match &self.plain {
            Some(p) => (p.ident, p.name.clone()),
            None => (
                WORKER_IDENT_BASE + self.worker as i64,
                format!("asyncio_{}", self.worker),
            ),
        }
    }
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
    /// (ident, name) of the VM threads on the native stack, innermost last.
    running: Vec<(i64, String)>,
    /// The last plain thread's number (`PLAIN_IDENT_BASE` + it is its ident).
    pub plain_count: i64,
    /// The loops' default executors.
    pub pools: super::executor::Pools,
}

impl VThreads {
    /// The thread name of the running VM thread (`asyncio_N` for a worker), if one runs.
    pub fn current_name(&self) -> Option<String> {
        self.running.last().map(|(_, name)| name.clone())
    }

    /// `threading.get_ident()` of the code running now.
    pub fn current_ident(&self) -> i64 {
        self.running.last().map_or(MAIN_IDENT, |(ident, _)| *ident)
    }

    /// Whether any VM thread is parked (sleeping or preempted).
    pub fn any_parked(&self) -> bool {
        !self.parked.is_empty()
    }
}

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
        let identity = thread.identity();
        self.aio.vthreads.running.push(identity);
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
    /// once that loop is closed.
    fn vthread_now(&mut self, pool: &ObjRef) -> f64 {
        match self.aio.state(pool) {
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
        let now = self.vthread_now(&thread.pool);
        let (wake, preempted) = match sw {
            Switch::Sleep(secs) => (now + secs, None),
            Switch::Preempt => (now, Some(Instant::now())),
        };
        let vt = &mut self.aio.vthreads;
        vt.seq += 1;
        vt.parked.push(Parked {
            thread,
            work,
            wake,
            preempted,
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
        let (wake, pool) = (p.wake, p.thread.pool.clone());
        wake <= self.vthread_now(&pool)
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
                let (wake, pool) = (p.wake, p.thread.pool.clone());
                // At least a microsecond: rounding must not make a wait that ends before
                // the wake-up (the caller would spin, a virtual clock never getting there).
                (wake - self.vthread_now(&pool)).max(MIN_WAIT)
            };
            best = Some(best.map_or(left, |b| b.min(left)));
        }
        best.map(Duration::from_secs_f64)
    }

    /// The first parked thread's wake-up on `lp`'s clock, for the loop's wait.
    pub fn vthread_next_wake(&mut self, lp: &ObjRef) -> Option<f64> {
        let left = self.vthread_next_wake_in()?;
        Some(self.vthread_now(lp) + left.as_secs_f64())
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
        let now = self.vthread_now(lp);
        let mono = super::clock::monotonic();
        for p in &mut self.aio.vthreads.parked {
            if p.thread.pool.is(lp) {
                p.wake = mono + (p.wake - now);
            }
        }
    }

    /// At exit, as CPython joins the executors' and the non-daemon threads: runs them to
    /// their end (sleeping for real, or moving a virtual clock on), daemon threads running
    /// meanwhile; what daemon threads remain never run again. Ctrl-C stops waiting.
    pub fn vthreads_join_at_exit(&mut self) {
        while self
            .aio
            .vthreads
            .parked
            .iter()
            .any(|p| !p.thread.is_daemon())
        {
            let Some(left) = self.vthread_next_wake_in() else {
                break;
            };
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
            .filter(|p| p.preempted.is_none())
            .min_by(|a, b| a.wake.total_cmp(&b.wake))
            .map(|p| (p.wake, p.thread.pool.clone()));
        let Some((wake, pool)) = next else {
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
}
