//! `_vthread`: what `stdlib/_thread.aio` (and through it `threading`) needs from the VM.
//! Threads are VM threads (`eventloop::vthreads`): they take turns on the interpreter
//! thread, leaving the CPU when they sleep, wait for a lock, or use up a switch interval.
//!
//! A lock is an aio object whose `_locked` attribute says whether it is held; taking and
//! releasing it are aio code (no call in between, so no thread switch can split them).
//! What needs the VM is waiting: `wait(lock, timeout)` returns once the lock is free or the
//! timeout has passed, and the waiter then tries again; `wake(lock)` after a release lets
//! the longest-waiting thread run.

use crate::eventloop::executor::Work;
use crate::eventloop::vthreads::WaitEnd;
use crate::obj::function::{Args, NativeFn};
use crate::obj::Obj;
use crate::vm::errors::{runtime_error, type_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::time::{Duration, Instant};

/// `start(func, args, kwargs)`: runs `func(*args, **kwargs)` on a new thread; its ident.
fn start(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("start", 3, 3)?;
    let func = args.pos[0].clone();
    if !crate::modules::builtins::is_callable(vm, &func) {
        return Err(type_error("first arg must be callable"));
    }
    let Some(pos) = args.pos[1].as_tuple() else {
        return Err(type_error("2nd arg must be a tuple"));
    };
    let mut call_args = pos.to_vec();
    let mut kwnames = Vec::new();
    match &args.pos[2] {
        Value::None => {}
        Value::Obj(d) if matches!(&**d, Obj::Dict(_)) => {
            if let Obj::Dict(d) = &**d {
                for (k, v) in crate::obj::methods::dict::dict_items(d) {
                    kwnames.push(k);
                    call_args.push(v);
                }
            }
        }
        _ => return Err(type_error("optional 3rd arg must be a dictionary")),
    }
    let work = Work {
        func,
        args: call_args,
        kwnames,
    };
    Ok(Value::Int(vm.thread_start(work)))
}

/// `get_ident()`.
fn get_ident(vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Ok(Value::Int(vm.aio.vthreads.current_ident()))
}

/// `get_native_id()`: the process id for the main thread, as Linux numbers it; others
/// are numbered after it.
fn get_native_id(vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    let ident = vm.aio.vthreads.current_ident();
    let main = crate::eventloop::vthreads::main_ident();
    Ok(Value::Int(
        std::process::id() as i64 + (ident - main) / 0x100,
    ))
}

/// `set_name(ident, name)`: the name `threading` gave a thread (error messages use it).
fn set_name(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("set_name", 2, 2)?;
    let (Value::Int(ident), Some(name)) = (&args.pos[0], args.pos[1].as_str()) else {
        return Err(type_error("set_name(ident, name)"));
    };
    let name = name.to_string();
    vm.aio.vthreads.set_name(*ident, name);
    Ok(Value::None)
}

/// `worker_name()`: `asyncio_N` in a worker of a loop's default executor, else None.
fn worker_name(vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Ok(match vm.aio.vthreads.current_worker() {
        Some(w) => Value::str(&format!("asyncio_{w}")),
        None => Value::None,
    })
}

/// `set_sentinel(lock)`: the held `lock` is released when the running thread ends
/// (`threading.Thread.join` waits for it).
fn set_sentinel(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("set_sentinel", 1, 1)?;
    let Value::Obj(lock) = &args.pos[0] else {
        return Err(type_error("set_sentinel(lock)"));
    };
    let ident = vm.aio.vthreads.current_ident();
    vm.aio.vthreads.sentinels.push((ident, lock.clone()));
    Ok(Value::None)
}

/// A thread ended: its sentinel lock is released, and a thread waiting for it wakes.
pub fn release_sentinel(vm: &mut Vm, lock: &ObjRef) {
    let key = vm.intern("_locked");
    if vm
        .set_attr(&Value::Obj(lock.clone()), &key, Value::Bool(false))
        .is_ok()
    {
        vm.vthread_wake_lock(lock);
    }
}

/// `wake(lock)`: after `lock`'s release, the thread waiting for it longest may run.
fn wake(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("wake", 1, 1)?;
    if let Value::Obj(lock) = &args.pos[0] {
        vm.vthread_wake_lock(lock);
    }
    Ok(Value::None)
}

/// `wait(lock, timeout)` called from native code (or outside a VM thread's own frames).
fn wait(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    wait_call(vm, args, false)
}

/// `wait(lock, timeout)`: returns once `lock` is free, or `timeout` seconds have passed
/// (negative: no limit). A VM thread whose own frame called it (`parkable`, as the
/// dispatch loop tells) parks; any other caller waits here, letting the other threads run.
pub fn wait_call(vm: &mut Vm, args: &Args, parkable: bool) -> PyResult<Value> {
    args.check("wait", 2, 2)?;
    let Value::Obj(lock) = &args.pos[0] else {
        return Err(type_error("wait(lock, timeout)"));
    };
    let timeout = match &args.pos[1] {
        Value::Float(t) => *t,
        Value::Int(t) => *t as f64,
        _ => return Err(type_error("wait(lock, timeout)")),
    };
    let timeout = (timeout >= 0.0).then_some(timeout);
    if !is_locked(vm, lock)? {
        return Ok(Value::None);
    }
    if parkable && vm.vthread_block(lock, timeout) {
        return Ok(Value::None);
    }
    wait_here(vm, lock, timeout)?;
    Ok(Value::None)
}

fn is_locked(vm: &mut Vm, lock: &ObjRef) -> PyResult<bool> {
    let v = vm.get_attr_str(&Value::Obj(lock.clone()), "_locked")?;
    vm.truthy(&v)
}

/// Waits on this native stack for `lock` to be free or the timeout to pass, running the
/// VM threads that are due meanwhile. A wait that nothing can ever end (no other thread
/// can run, and no timeout) is a deadlock: RuntimeError instead of hanging for ever.
fn wait_here(vm: &mut Vm, lock: &ObjRef, timeout: Option<f64>) -> PyResult<()> {
    let deadline = timeout
        .and_then(|t| Duration::try_from_secs_f64(t).ok())
        .and_then(|d| Instant::now().checked_add(d));
    match vm.wait_blocking(deadline, |vm| Ok(!is_locked(vm, lock)?))? {
        WaitEnd::Done | WaitEnd::TimedOut => Ok(()),
        WaitEnd::Stuck => Err(runtime_error(
            "deadlock: this thread waits for a lock that no other thread can release",
        )),
    }
}

/// `count()`: threads started and not ended.
fn count(vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Ok(Value::Int(vm.vthreads_alive()))
}

/// Whether `owner.name` is `wait`, which the dispatch loop calls with `parkable` set.
#[inline]
pub fn is_wait_native(owner: &str, name: &str) -> bool {
    owner == MODULE && name == "wait"
}

const MODULE: &str = "_vthread";

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("start", start),
        ("get_ident", get_ident),
        ("get_native_id", get_native_id),
        ("set_name", set_name),
        ("worker_name", worker_name),
        ("set_sentinel", set_sentinel),
        ("wait", wait),
        ("wake", wake),
        ("count", count),
    ];
    super::sys::new_module(vm, MODULE, funcs);
}
