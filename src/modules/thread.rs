//! `_aio_thread`: the VM threads behind stdlib/threading.aio's `Thread` (see
//! `eventloop::vthreads`: threads are emulated on the one interpreter thread, switching
//! when one sleeps, blocks or has run for the switch interval).

use crate::eventloop::executor::Work;
use crate::eventloop::vthreads::{PlainThread, VThread, PLAIN_IDENT_BASE};
use crate::obj::function::{Args, NativeFn};
use crate::vm::errors::{type_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

/// `start(func, args, kwargs, name, daemon)`: a new thread running `func(*args,
/// **kwargs)`, at once until it first sleeps or blocks; returns its ident.
fn start(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("start", 5, 5)?;
    let func = args.pos[0].clone();
    let mut call_args = match args.pos[1].as_tuple() {
        Some(t) => t.to_vec(),
        None => return Err(type_error("start: args must be a tuple")),
    };
    let mut kwnames = Vec::new();
    if let Value::Obj(d) = &args.pos[2] {
        if let crate::obj::Obj::Dict(d) = &**d {
            for (k, v) in crate::obj::methods::dict::dict_items(d) {
                kwnames.push(k);
                call_args.push(v);
            }
        }
    }
    let name = vm.to_str(&args.pos[3])?;
    let daemon = vm.truthy(&args.pos[4])?;
    vm.aio.vthreads.plain_count += 1;
    let ident = PLAIN_IDENT_BASE + vm.aio.vthreads.plain_count;
    // The thread has no loop and no future: an empty tuple stands for both.
    let Value::Obj(nowhere) = Value::tuple(Vec::new()) else {
        return Err(type_error("start: no placeholder"));
    };
    let thread = VThread::plain(
        nowhere,
        PlainThread {
            ident,
            name,
            daemon,
        },
    );
    let work = Work {
        func,
        args: call_args,
        kwnames,
    };
    vm.vthread_run(thread, Some(work));
    Ok(Value::Int(ident))
}

/// `get_ident()`: the running thread's identifier.
fn get_ident(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("get_ident", 0, 0)?;
    Ok(Value::Int(vm.aio.vthreads.current_ident()))
}

/// `name()`: the running VM thread's name (None on the main thread).
fn name(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("name", 0, 0)?;
    Ok(match vm.aio.vthreads.current_name() {
        Some(n) => Value::string(n),
        None => Value::None,
    })
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] =
        &[("start", start), ("get_ident", get_ident), ("name", name)];
    super::sys::new_module(vm, "_aio_thread", funcs);
}
