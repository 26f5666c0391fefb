//! `_signal`: what stdlib/signal.aio needs from the system. Installing handlers is the
//! event loop's (`crate::eventloop::signal_handlers`).

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::exception::os_error_from_io;
use crate::vm::errors::{overflow_error, type_error, value_error, PyResult};
use crate::vm::signals::Disposition;
use crate::vm::value::Value;
use crate::vm::Vm;

/// `raise_signal(signum)`: sends the signal to this process.
fn raise_signal(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("raise_signal", 1, 1)?;
    let Some(sig) = (match args.pos[0] {
        Value::Int(n) => i32::try_from(n).ok(),
        _ => None,
    }) else {
        return Err(type_error("signal number must be an int"));
    };
    signal_hook::low_level::raise(sig).map_err(|e| os_error_from_io(vm, &e, None))?;
    // A handled signal (SIGINT's KeyboardInterrupt) is due before the next instruction.
    vm.check_signals()?;
    Ok(Value::None)
}

/// `set_handler(signum, kind, handler)`: what `signal.signal()` installs: kind 0 for
/// SIG_DFL, 1 for SIG_IGN, 2 for the callable `handler`, 3 for `default_int_handler`.
fn set_handler(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("set_handler", 3, 3)?;
    if vm.aio.vthreads.depth > 0 {
        return Err(value_error(
            "signal only works in main thread of the main interpreter",
        ));
    }
    let (sig, kind) = (vm.index_value(&args.pos[0])?, vm.index_value(&args.pos[1])?);
    let sig = i32::try_from(sig).map_err(|_| value_error("signal number out of range"))?;
    let disposition = match kind {
        0 => Disposition::Default,
        1 => Disposition::Ignore,
        3 if sig == libc_sigint() => {
            vm.reset_sigint();
            return Ok(Value::None);
        }
        _ => Disposition::Handler(args.pos[2].clone()),
    };
    if !vm.set_signal_disposition(sig, disposition) {
        let e = std::io::Error::from_raw_os_error(22);
        return Err(os_error_from_io(vm, &e, None));
    }
    Ok(Value::None)
}

/// `sigint_ignored_at_start()`: whether SIGINT was ignored when aio started (then
/// `getsignal(SIGINT)` starts as SIG_IGN, as in CPython).
fn sigint_ignored_at_start(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("sigint_ignored_at_start", 0, 0)?;
    Ok(Value::Bool(vm.py_signals.sigint_ignored_at_start))
}

fn libc_sigint() -> i32 {
    signal_hook::consts::SIGINT
}

/// `alarm(seconds)`: SIGALRM after `seconds` (0 cancels); the seconds the previous alarm
/// had left.
fn alarm(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("alarm", 1, 1)?;
    let secs = vm.index_value(&args.pos[0])?;
    let secs = u32::try_from(secs)
        .map_err(|_| overflow_error("Python int too large to convert to C unsigned long"))?;
    let left = if secs == 0 {
        nix::unistd::alarm::cancel()
    } else {
        nix::unistd::alarm::set(secs)
    };
    Ok(Value::Int(left.unwrap_or(0) as i64))
}

/// `pause()`: waits until a signal arrives, and runs its handler.
fn pause(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("pause", 0, 0)?;
    crate::obj::methods::stream::flush_std_streams(vm).ok();
    while !vm.interrupt_pending() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    vm.check_signals()?;
    Ok(Value::None)
}

/// `default_int_handler(signalnum, frame, /)`: raises KeyboardInterrupt. Native, as
/// CPython's is, so that it stays a plain function when stored on a class.
fn default_int_handler(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if !args.kwnames.is_empty() {
        return Err(type_error(
            "default_int_handler() takes no keyword arguments",
        ));
    }
    if args.pos.len() != 2 {
        return Err(type_error(format!(
            "default_int_handler expected 2 arguments, got {}",
            args.pos.len()
        )));
    }
    vm.index_value(&args.pos[0])?;
    Err(crate::vm::errors::exc_empty(
        crate::vm::types::ExcKind::KeyboardInterrupt,
    ))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("default_int_handler", default_int_handler),
        ("raise_signal", raise_signal),
        ("sigint_ignored_at_start", sigint_ignored_at_start),
        ("set_handler", set_handler),
        ("alarm", alarm),
        ("pause", pause),
    ];
    super::sys::new_module(vm, "_signal", funcs);
}
