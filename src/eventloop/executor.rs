//! The loops' default executors (`loop.run_in_executor(None, ...)`, `asyncio.to_thread`),
//! modelled on CPython 3.11's `ThreadPoolExecutor` with VM threads (`vthreads`) as its
//! workers:
//! - `submit` queues the job; a worker waiting on the queue takes it, else a new worker is
//!   started while fewer than `max_workers` exist (min(32, cpu_count + 4)); CPython's
//!   `_idle_semaphore` (which over-counts idle workers) decides as there. A new worker
//!   runs its job at once, until the job first sleeps; an idle one that wakes up with it
//!   runs it once the loop blocks (or has kept the CPU for a switch interval). CPython's
//!   order of those first lines against the loop's is racy; these are its usual orders.
//! - A finished job delivers its outcome as `wrap_future`'s `_call_set_state` does: with
//!   `call_soon_threadsafe(_set_state, dest, ...)` on dest's loop, unless that loop is
//!   closed; the worker then takes the next queued job.
//! - Cancelling dest cancels a job still queued (`_call_check_cancel`); a running job runs
//!   on. `shutdown_default_executor()` waits for every job of the loop; `loop.close()`
//!   shuts the executor down without waiting (its jobs run on; exit joins them).

use super::futures::as_future;
use super::vthreads::{Role, VThread};
use super::Ready;
use crate::obj::function::Args;
use crate::obj::future::Callback;
use crate::obj::{FutureObj, Obj};
use crate::vm::errors::{exc, runtime_error, type_error, PyResult};
use crate::vm::native::native;
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::collections::VecDeque;

const MODULE: &str = "_asyncio";

/// CPython's `ThreadPoolExecutor` default: `min(32, (os.cpu_count() or 1) + 4)`.
pub fn default_max_workers() -> usize {
    (cpu_count() + 4).min(32)
}

/// `os.cpu_count()`: the CPUs online (glibc's `sysconf(_SC_NPROCESSORS_ONLN)` reads the
/// same file), not the ones this process may use.
pub fn cpu_count() -> usize {
    let online = std::fs::read_to_string("/sys/devices/system/cpu/online").ok();
    let counted = online.and_then(|s| {
        let mut n = 0;
        for part in s.trim().split(',') {
            let (lo, hi) = match part.split_once('-') {
                Some((a, b)) => (a.parse::<usize>().ok()?, b.parse::<usize>().ok()?),
                None => {
                    let a = part.parse::<usize>().ok()?;
                    (a, a)
                }
            };
            n += hi.checked_sub(lo)? + 1;
        }
        (n > 0).then_some(n)
    });
    counted.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A submitted call: `func(*args, **dict(zip(kwnames, kwvalues)))`, `args` holding the
/// positional values followed by the keyword values.
pub struct Work {
    pub func: Value,
    pub args: Vec<Value>,
    pub kwnames: Vec<Value>,
}

struct Queued {
    dest: ObjRef,
    work: Work,
    /// dest was cancelled before a worker took it: the worker skips it.
    cancelled: bool,
}

/// One loop's default executor.
struct Pool {
    lp: ObjRef,
    max_workers: usize,
    /// Workers started (`len(self._threads)`).
    threads: usize,
    /// `_idle_semaphore`'s value.
    idle_sem: usize,
    /// Workers blocked on the queue, longest waiting first.
    waiting: VecDeque<usize>,
    queue: VecDeque<Queued>,
    /// Workers busy with a job.
    busy: usize,
    /// `shutdown()` was called (by `shutdown_default_executor` or `close`).
    shutdown: bool,
    /// `shutdown_default_executor()` futures, set when every job has ended.
    waiters: Vec<ObjRef>,
}

impl Pool {
    fn idle(&self) -> bool {
        self.busy == 0 && self.queue.is_empty()
    }
}

#[derive(Default)]
pub struct Pools {
    pools: Vec<Pool>,
    /// Loops whose `shutdown_default_executor()` was called (`_executor_shutdown_called`).
    shutdown_called: Vec<ObjRef>,
}

impl Pools {
    fn get(&mut self, lp: &ObjRef) -> Option<&mut Pool> {
        self.pools.iter_mut().find(|p| p.lp.is(lp))
    }
}

impl Vm {
    /// A worker of `lp`'s pool takes the first job not cancelled from the queue, or waits.
    fn pool_take(&mut self, lp: &ObjRef, worker: usize) -> Option<(VThread, Work)> {
        let pool = self.aio.vthreads.pools.get(lp)?;
        while let Some(q) = pool.queue.pop_front() {
            if q.cancelled {
                // `_WorkItem.run` returns at once; the worker releases the semaphore.
                pool.idle_sem += 1;
                continue;
            }
            pool.busy += 1;
            return Some((VThread::worker(lp.clone(), worker, q.dest), q.work));
        }
        if !pool.shutdown {
            pool.waiting.push_back(worker);
        }
        None
    }

    /// `executor.submit(...)`: queues the job and hands it to a worker (running it now),
    /// as `ThreadPoolExecutor.submit` and `_adjust_thread_count` do.
    fn pool_submit(&mut self, lp: &ObjRef, dest: ObjRef, work: Work) {
        if self.aio.vthreads.pools.get(lp).is_none() {
            self.aio.vthreads.pools.pools.push(Pool {
                lp: lp.clone(),
                max_workers: default_max_workers(),
                threads: 0,
                idle_sem: 0,
                waiting: VecDeque::new(),
                queue: VecDeque::new(),
                busy: 0,
                shutdown: false,
                waiters: Vec::new(),
            });
        }
        let Some(pool) = self.aio.vthreads.pools.get(lp) else {
            return;
        };
        pool.queue.push_back(Queued {
            dest,
            work,
            cancelled: false,
        });
        // A worker blocked on the queue wakes up with the job; it runs once it gets the
        // CPU (when the loop blocks) ...
        let idle = pool.waiting.pop_front();
        // ... and `_adjust_thread_count` starts a new one unless the semaphore says one
        // is idle. A new thread runs its job at once, until the job first sleeps.
        let mut new = None;
        if pool.idle_sem > 0 {
            pool.idle_sem -= 1;
        } else if pool.threads < pool.max_workers {
            new = Some(pool.threads);
            pool.threads += 1;
        }
        match (idle, new) {
            (Some(w), new) => {
                if let Some(n) = new {
                    pool.waiting.push_back(n);
                }
                if let Some((thread, work)) = self.pool_take(lp, w) {
                    self.vthread_wake_idle(thread, work);
                }
            }
            (None, Some(n)) => {
                if let Some((thread, work)) = self.pool_take(lp, n) {
                    self.vthread_run(thread, Some(work));
                }
            }
            // Every worker is busy: the job waits in the queue.
            (None, None) => {}
        }
    }

    /// A job ended: its outcome goes to dest's loop, and the worker takes the next job
    /// (returned, for the caller to run without recursing).
    pub(crate) fn executor_job_done(
        &mut self,
        thread: VThread,
        outcome: PyResult<Value>,
    ) -> Option<(VThread, Work)> {
        let Role::Worker { pool, worker, dest } = &thread.role else {
            return None;
        };
        let (exc_v, result) = match outcome {
            Ok(v) => (Value::None, v),
            Err(e) => (e.value(), Value::None),
        };
        let dest_loop = super::future_loop(dest);
        if let Value::Obj(dl) = &dest_loop {
            if self.aio.state(dl).is_some() {
                let cb = native(MODULE, "_set_state", set_state);
                let args = vec![Value::Obj(dest.clone()), exc_v, result];
                let h = super::handler::new_handle(self, dl, cb, args, None);
                self.loop_push_ready(&dest_loop, Ready::Handle(h));
            }
        }
        let (lp, worker) = (pool.clone(), *worker);
        let pool = self.aio.vthreads.pools.get(&lp)?;
        pool.busy = pool.busy.saturating_sub(1);
        pool.idle_sem += 1;
        let next = self.pool_take(&lp, worker);
        if next.is_none() {
            self.pool_check_shutdown(&lp);
        }
        next
    }

    /// When a shut-down pool has no job left: its `shutdown_default_executor()` futures
    /// get their result, and a closed loop's pool goes.
    fn pool_check_shutdown(&mut self, lp: &ObjRef) {
        let Some(pool) = self.aio.vthreads.pools.get(lp) else {
            return;
        };
        if !pool.shutdown || !pool.idle() {
            return;
        }
        let waiters = std::mem::take(&mut pool.waiters);
        for fut in waiters {
            // `_do_shutdown`: `call_soon_threadsafe(future.set_result, None)`
            let set_result = self.get_attr_str(&Value::Obj(fut.clone()), "set_result");
            if let Ok(f) = set_result {
                let flp = super::future_loop(&fut);
                self.loop_push_ready(&flp, Ready::Call(f, Value::None));
            }
        }
        if self.aio.state(lp).is_none() {
            self.aio.vthreads.pools.pools.retain(|p| !p.lp.is(lp));
        }
    }

    /// `loop.close()`: `executor.shutdown(wait=False)`; its jobs run on.
    pub(crate) fn executor_loop_closed(&mut self, lp: &ObjRef) {
        self.vthreads_loop_closed(lp);
        self.aio
            .vthreads
            .pools
            .shutdown_called
            .retain(|l| !l.is(lp));
        if let Some(pool) = self.aio.vthreads.pools.get(lp) {
            pool.shutdown = true;
            pool.waiters.clear();
            pool.waiting.clear();
            if pool.idle() {
                self.aio.vthreads.pools.pools.retain(|p| !p.lp.is(lp));
            }
        }
    }
}

/// `(loop, func, args, kwargs, check)`: the loop object, checked open.
fn open_loop(vm: &mut Vm, v: &Value) -> PyResult<ObjRef> {
    match v {
        Value::Obj(l) if vm.aio.state(l).is_some_and(|s| !s.closed) => Ok(l.clone()),
        _ => Err(runtime_error("Event loop is closed")),
    }
}

/// `BaseEventLoop._check_callback`, which CPython runs in debug mode only (call_soon,
/// call_later, call_at, call_soon_threadsafe, run_in_executor): out of debug mode a
/// callback that is not callable fails when it runs, in the exception handler.
pub(crate) fn check_callback(vm: &mut Vm, lp: &ObjRef, func: &Value, method: &str) -> PyResult<()> {
    if !vm.aio.state(lp).is_some_and(|s| s.debug) {
        return Ok(());
    }
    let is_coro = match func {
        Value::Obj(o) => match &**o {
            Obj::Generator(g) => g.kind == crate::obj::generator::GenKind::Coroutine,
            Obj::Function(f) => f.code.code.flags.coroutine,
            _ => false,
        },
        _ => false,
    };
    if is_coro {
        return Err(type_error(format!(
            "coroutines cannot be used with {method}()"
        )));
    }
    crate::modules::asyncio_core::check_callable(vm, func, method)
}

/// `_executor_submit(loop, func, args, kwargs, check)`: `loop.run_in_executor(None, func,
/// *args)` (with `**kwargs` for `to_thread`); `check` runs the debug-mode callback check.
/// Returns the asyncio future that gets the outcome.
pub fn executor_submit(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_executor_submit", 5, 5)?;
    let lp = open_loop(vm, &args.pos[0])?;
    let func = args.pos[1].clone();
    if vm.truthy(&args.pos[4])? {
        check_callback(vm, &lp, &func, "run_in_executor")?;
    }
    if vm
        .aio
        .vthreads
        .pools
        .shutdown_called
        .iter()
        .any(|l| l.is(&lp))
    {
        return Err(runtime_error("Executor shutdown has been called"));
    }
    let mut call_args = args.pos[2]
        .as_tuple()
        .map(|t| t.to_vec())
        .unwrap_or_default();
    let mut kwnames = Vec::new();
    if let Value::Obj(d) = &args.pos[3] {
        if let Obj::Dict(d) = &**d {
            for (k, v) in crate::obj::methods::dict::dict_items(d) {
                kwnames.push(k);
                call_args.push(v);
            }
        }
    }
    let Some(c) = vm.aio_classes() else {
        return Err(runtime_error("asyncio is not initialised"));
    };
    let f = FutureObj::new(c.future.clone(), false);
    f.set_loop(Value::Obj(lp.clone()));
    let dest = ObjRef::new(Obj::Future(Box::new(f)));
    // `_chain_future`: cancelling dest cancels the job if no worker took it yet.
    let check = native(MODULE, "_call_check_cancel", call_check_cancel);
    vm.fut_add_callback(&dest, Callback::Func(check, Value::None));
    let work = Work {
        func,
        args: call_args,
        kwnames,
    };
    vm.pool_submit(&lp, dest.clone(), work);
    Ok(Value::Obj(dest))
}

/// `_chain_future`'s `_call_check_cancel(dest)`: `source.cancel()`, which succeeds only
/// for a job still in the queue.
fn call_check_cancel(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let Some(Value::Obj(dest)) = args.get(0) else {
        return Ok(Value::None);
    };
    if !as_future(dest).is_some_and(|f| f.state.get() == crate::obj::future::FutState::Cancelled) {
        return Ok(Value::None);
    }
    for pool in &mut vm.aio.vthreads.pools.pools {
        for q in &mut pool.queue {
            if q.dest.is(dest) {
                q.cancelled = true;
            }
        }
    }
    Ok(Value::None)
}

/// `_chain_future`'s `_set_state(dest, ...)` (`_copy_future_state`): the job's exception
/// or result, unless dest was cancelled meanwhile.
fn set_state(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_set_state", 3, 3)?;
    let Value::Obj(dest) = &args.pos[0] else {
        return Ok(Value::None);
    };
    let Some(f) = as_future(dest) else {
        return Ok(Value::None);
    };
    if f.state.get() == crate::obj::future::FutState::Cancelled {
        return Ok(Value::None);
    }
    if f.done() {
        // CPython's `assert not dest.done()`.
        return Err(exc(ExcKind::AssertionError, ""));
    }
    let dest = dest.clone();
    if !args.pos[1].is_none() {
        if let Ok(e) = vm.as_exception(args.pos[1].clone()) {
            super::stand_in_frames::add_work_item_run_frame(vm, &e);
        }
        vm.fut_set_exception(&dest, args.pos[1].clone())?;
    } else {
        vm.fut_set_result(&dest, args.pos[2].clone())?;
    }
    Ok(Value::None)
}

/// `_executor_shutdown(loop, future)`: `shutdown_default_executor()`'s start. False when
/// the loop has no default executor (nothing to wait for); else `future` gets its result
/// once every job has ended.
pub fn executor_shutdown(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_executor_shutdown", 2, 2)?;
    let (Value::Obj(lp), Value::Obj(fut)) = (&args.pos[0], &args.pos[1]) else {
        return Err(type_error("_executor_shutdown(loop, future)"));
    };
    let pools = &mut vm.aio.vthreads.pools;
    if !pools.shutdown_called.iter().any(|l| l.is(lp)) {
        pools.shutdown_called.push(lp.clone());
    }
    let Some(pool) = pools.get(lp) else {
        return Ok(Value::Bool(false));
    };
    pool.shutdown = true;
    pool.waiting.clear();
    pool.waiters.push(fut.clone());
    let lp = lp.clone();
    vm.pool_check_shutdown(&lp);
    Ok(Value::Bool(true))
}

/// The `_asyncio` functions of this module.
pub const FUNCS: &[(&str, crate::obj::function::NativeFn)] = &[
    ("_executor_submit", executor_submit),
    ("_executor_shutdown", executor_shutdown),
];
