//! `_signal`: what stdlib/signal.aio needs from the system. Installing handlers is the
//! event loop's (`crate::eventloop::signal_handlers`).

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::exception::os_error_from_io;
use crate::vm::errors::{type_error, PyResult};
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

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[("raise_signal", raise_signal)];
    super::sys::new_module(vm, "_signal", funcs);
}
