//! The event loop's descriptor methods: `add_reader`, `remove_reader`, `add_writer`,
//! `remove_writer` (CPython's selector event loop), over `crate::eventloop::io`.

use crate::eventloop::handler::new_handle;
use crate::eventloop::io::Side;
use crate::eventloop::signal_handlers::AddError;
use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::exception::os_error_from_io;
use crate::vm::errors::{runtime_error, type_error, value_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// The loop of a method call, while it is open.
fn open_loop(vm: &Vm, args: &Args) -> PyResult<ObjRef> {
    match args.pos.first() {
        Some(Value::Obj(lp)) if vm.aio.index(lp).is_some() => Ok(lp.clone()),
        Some(Value::Obj(_)) => Err(runtime_error("Event loop is closed")),
        _ => Err(type_error("descriptor requires an event loop")),
    }
}

/// A descriptor, or an object whose `fileno()` gives one (CPython's `_fileobj_to_fd`).
pub fn fileobj_to_fd(vm: &mut Vm, obj: &Value) -> PyResult<i32> {
    let fd = match obj {
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        _ => {
            let no = vm
                .call_method(obj, "fileno", &[])
                .ok()
                .and_then(|v| match v {
                    Value::Int(i) => Some(i),
                    _ => None,
                });
            match no {
                Some(i) => i,
                None => {
                    let r = vm.repr(obj)?;
                    return Err(value_error(format!("Invalid file object: {r}")));
                }
            }
        }
    };
    match i32::try_from(fd) {
        Ok(fd) if fd >= 0 => Ok(fd),
        _ => Err(value_error(format!("Invalid file descriptor: {fd}"))),
    }
}

/// `add_reader` and friends; the handle when `give_handle` (the private `_add_reader`,
/// which CPython's transports keep), else None.
fn add(vm: &mut Vm, args: &Args, side: Side, name: &str, give_handle: bool) -> PyResult<Value> {
    let lp = open_loop(vm, args)?;
    let (Some(fileobj), Some(cb)) = (args.pos.get(1), args.pos.get(2)) else {
        return Err(type_error(format!(
            "{name}() missing required arguments: 'fd' and 'callback'"
        )));
    };
    let fd = fileobj_to_fd(vm, fileobj)?;
    super::asyncio_core::check_callable(vm, cb, name)?;
    let handle = new_handle(vm, &lp, cb.clone(), args.pos[3..].to_vec(), None);
    let ctx = vm.context_capture()?;
    if let crate::obj::Obj::Handle(h) = &*handle {
        *h.context.borrow_mut() = ctx;
    }
    let added = match vm.aio.state(&lp) {
        Some(st) => st.io_add(fd, side, handle.clone()),
        None => return Err(runtime_error("Event loop is closed")),
    };
    added.map_err(|e| os_error_from_io(vm, &e, None))?;
    Ok(match give_handle {
        true => Value::Obj(handle),
        false => Value::None,
    })
}

fn remove(vm: &mut Vm, args: &Args, side: Side, name: &str) -> PyResult<Value> {
    args.check(name, 2, 2)?;
    let lp = open_loop(vm, args)?;
    let fd = fileobj_to_fd(vm, &args.pos[1])?;
    let removed = vm.aio.state(&lp).is_some_and(|st| st.io_remove(fd, side));
    Ok(Value::Bool(removed))
}

fn add_reader(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    add(vm, args, Side::Read, "add_reader", false)
}

fn add_writer(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    add(vm, args, Side::Write, "add_writer", false)
}

fn add_reader_handle(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    add(vm, args, Side::Read, "add_reader", true)
}

fn add_writer_handle(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    add(vm, args, Side::Write, "add_writer", true)
}

/// `_io_watching(fd)`: whether a reader and a writer are registered (transport reprs).
fn io_watching(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_io_watching", 2, 2)?;
    let lp = open_loop(vm, args)?;
    let fd = fileobj_to_fd(vm, &args.pos[1])?;
    let (r, w) = vm
        .aio
        .state(&lp)
        .map_or((false, false), |st| st.watches.watching(fd));
    Ok(Value::tuple(vec![Value::Bool(r), Value::Bool(w)]))
}

fn remove_reader(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    remove(vm, args, Side::Read, "remove_reader")
}

fn remove_writer(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    remove(vm, args, Side::Write, "remove_writer")
}

/// `_add_signal_handler(loop, sig, callback, args)`: `loop.add_signal_handler` once
/// unix_events.aio checked its arguments.
fn add_signal_handler(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_add_signal_handler", 4, 4)?;
    let lp = match args.pos.first() {
        Some(Value::Obj(lp)) if vm.aio.index(lp).is_some() => lp.clone(),
        _ => return Err(runtime_error("Event loop is closed")),
    };
    let Value::Int(sig) = args.pos[1] else {
        return Err(type_error("sig must be an int"));
    };
    let sig =
        i32::try_from(sig).map_err(|_| value_error(format!("invalid signal number {sig}")))?;
    let cb_args = match &args.pos[3] {
        Value::Obj(o) => match &**o {
            crate::obj::Obj::Tuple(t) => t.to_vec(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let handle = new_handle(vm, &lp, args.pos[2].clone(), cb_args, None);
    let ctx = vm.context_capture()?;
    if let crate::obj::Obj::Handle(h) = &*handle {
        *h.context.borrow_mut() = ctx;
    }
    let wake_cb = crate::vm::native::native("_asyncio", "_signal_wakeup", signal_wakeup);
    let wakeup = new_handle(vm, &lp, wake_cb, vec![Value::Obj(lp.clone())], None);
    match vm.loop_add_signal_handler(&lp, sig, handle, wakeup) {
        Ok(()) => Ok(Value::None),
        Err(AddError::Uncatchable) => Err(runtime_error(format!("sig {sig} cannot be caught"))),
        Err(AddError::Io(e)) => Err(os_error_from_io(vm, &e, None)),
    }
}

/// `_remove_signal_handler(loop, sig)`: whether a handler was removed.
fn remove_signal_handler(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_remove_signal_handler", 2, 2)?;
    let (Some(Value::Obj(lp)), Value::Int(sig)) = (args.pos.first(), &args.pos[1]) else {
        return Ok(Value::Bool(false));
    };
    let removed = i32::try_from(*sig).is_ok_and(|sig| vm.loop_remove_signal_handler(lp, sig));
    Ok(Value::Bool(removed))
}

/// The callback of the signal wake-up socket (`eventloop::signal_handlers`).
fn signal_wakeup(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if let Some(lp) = crate::eventloop::signal_handlers::wakeup_loop(args.pos) {
        vm.loop_signal_wakeup(&lp);
    }
    Ok(Value::None)
}

/// The module functions, for `_asyncio`.
pub const FUNCS: &[(&str, NativeFn)] = &[
    ("_add_signal_handler", add_signal_handler),
    ("_remove_signal_handler", remove_signal_handler),
];

/// Methods of `BaseEventLoop`.
pub const LOOP_METHODS: &[(&str, NativeFn)] = &[
    ("add_reader", add_reader),
    ("add_writer", add_writer),
    ("remove_reader", remove_reader),
    ("remove_writer", remove_writer),
    ("_add_reader", add_reader_handle),
    ("_add_writer", add_writer_handle),
    ("_remove_reader", remove_reader),
    ("_remove_writer", remove_writer),
    ("_io_watching", io_watching),
];
