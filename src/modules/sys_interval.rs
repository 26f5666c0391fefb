//! `sys.getswitchinterval`/`setswitchinterval`, and `sys.call_tracing`. aio switches
//! between threads at its own points, so the interval is only kept and reported back, as
//! programs that tune it expect; `call_tracing` runs no tracer, so it is a plain call.

use crate::obj::function::{Args, NativeFn};
use crate::vm::errors::{type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use std::cell::Cell;

/// CPython's default switch interval, in seconds.
const DEFAULT_SWITCH_INTERVAL: f64 = 0.005;

thread_local! {
    static SWITCH_INTERVAL: Cell<f64> = const { Cell::new(DEFAULT_SWITCH_INTERVAL) };
}

fn getswitchinterval(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "getswitchinterval", 0, 0)?;
    Ok(Value::Float(SWITCH_INTERVAL.with(Cell::get)))
}

fn setswitchinterval(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "setswitchinterval", 1, 1)?;
    let interval = super::math::to_f64(vm, &args.pos[0])?;
    if interval.is_nan() || interval <= 0.0 {
        return Err(value_error("switch interval must be strictly positive"));
    }
    SWITCH_INTERVAL.with(|c| c.set(interval));
    Ok(Value::None)
}

/// `call_tracing(func, args)`: `func(*args)`.
fn call_tracing(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs_for("sys", "call_tracing")?;
    args.check_pos("call_tracing", 2, 2)?;
    let Some(items) = args.pos[1].as_tuple() else {
        return Err(type_error(format!(
            "call_tracing() argument 2 must be tuple, not {}",
            vm.type_name(&args.pos[1])
        )));
    };
    let items = items.to_vec();
    vm.call(&args.pos[0], &items)
}

pub const FUNCS: &[(&str, NativeFn)] = &[
    ("getswitchinterval", getswitchinterval),
    ("setswitchinterval", setswitchinterval),
    ("call_tracing", call_tracing),
];
