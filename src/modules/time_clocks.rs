//! The `time` module's POSIX clocks: `clock_gettime`, `clock_gettime_ns`,
//! `clock_getres`, the `CLOCK_*` constants, `thread_time` and `get_clock_info`, as
//! CPython builds them on Linux. `process_time` reads CLOCK_PROCESS_CPUTIME_ID here too.
//!
//! aio's threads share one OS thread, so `thread_time()` counts the CPU time of every aio
//! thread, where CPython's counts the calling thread's only.

use crate::obj::function::{Args, NativeFn};
use crate::vm::errors::{overflow_error, type_error, value_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use nix::sys::time::TimeSpec;
use nix::time::{clock_getres, clock_gettime, ClockId};

/// The clock ids CPython's time module exports on Linux, with their names.
const CLOCKS: &[(&str, i64)] = &[
    ("CLOCK_REALTIME", 0),
    ("CLOCK_MONOTONIC", 1),
    ("CLOCK_PROCESS_CPUTIME_ID", 2),
    ("CLOCK_THREAD_CPUTIME_ID", 3),
    ("CLOCK_MONOTONIC_RAW", 4),
    ("CLOCK_BOOTTIME", 7),
    ("CLOCK_TAI", 11),
];

/// `clk_id` as a clock (CPython's int conversion: an int, or an object with __index__).
fn clock_arg(vm: &mut Vm, args: &Args, func: &str) -> PyResult<ClockId> {
    args.no_kwargs(func)?;
    let [v] = args.pos else {
        return Err(type_error(format!(
            "{func}() takes exactly one argument ({} given)",
            args.pos.len()
        )));
    };
    let id = vm.index_value(v)?;
    // CPython's conversion to a C int.
    let id = i32::try_from(id).map_err(|_| {
        overflow_error(if id > 0 {
            "signed integer is greater than maximum"
        } else {
            "signed integer is less than minimum"
        })
    })?;
    Ok(ClockId::from_raw(id))
}

fn nanoseconds(t: TimeSpec) -> i128 {
    i128::from(t.tv_sec()) * 1_000_000_000 + i128::from(t.tv_nsec())
}

/// Nanoseconds of `clock`; the errno of a failure (an unknown clock: EINVAL).
fn read_ns(clock: ClockId) -> Result<i128, nix::Error> {
    clock_gettime(clock).map(nanoseconds)
}

/// The OSError CPython raises for a failed clock call.
fn clock_error(vm: &mut Vm, e: nix::Error) -> crate::vm::errors::ExcRef {
    crate::obj::methods::exception::os_error(vm, e as i32, e.desc(), None)
}

fn seconds(ns: i128) -> Value {
    Value::Float(ns as f64 * 1e-9)
}

fn t_clock_gettime(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let clock = clock_arg(vm, args, "clock_gettime")?;
    read_ns(clock).map(seconds).map_err(|e| clock_error(vm, e))
}

fn t_clock_gettime_ns(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let clock = clock_arg(vm, args, "clock_gettime_ns")?;
    read_ns(clock)
        .map(Value::from_i128)
        .map_err(|e| clock_error(vm, e))
}

fn t_clock_getres(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let clock = clock_arg(vm, args, "clock_getres")?;
    let r = clock_getres(clock).map_err(|e| clock_error(vm, e))?;
    Ok(seconds(nanoseconds(r)))
}

/// Nanoseconds of CPU time the process has used (`process_time`).
pub fn process_ns() -> i128 {
    read_ns(ClockId::CLOCK_PROCESS_CPUTIME_ID).unwrap_or(0)
}

fn thread_ns(vm: &mut Vm, args: &Args, func: &str) -> PyResult<i128> {
    args.no_kwargs(func)?;
    if !args.pos.is_empty() {
        return Err(type_error(format!(
            "time.{func}() takes no arguments ({} given)",
            args.pos.len()
        )));
    }
    read_ns(ClockId::CLOCK_THREAD_CPUTIME_ID).map_err(|e| clock_error(vm, e))
}

fn t_thread_time(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    thread_ns(vm, args, "thread_time").map(seconds)
}

fn t_thread_time_ns(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    thread_ns(vm, args, "thread_time_ns").map(Value::from_i128)
}

/// `get_clock_info(name)`: how each of the module's clocks is read, as a
/// `types.SimpleNamespace(implementation, monotonic, adjustable, resolution)`.
fn t_get_clock_info(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("get_clock_info")?;
    let [name] = args.pos else {
        return Err(type_error(format!(
            "get_clock_info() takes exactly one argument ({} given)",
            args.pos.len()
        )));
    };
    let Some(name) = name.as_str() else {
        return Err(type_error(format!(
            "get_clock_info() argument 1 must be str, not {}",
            vm.type_name(name)
        )));
    };
    let (clock, clock_name, monotonic) = match name {
        "time" => (ClockId::CLOCK_REALTIME, "CLOCK_REALTIME", false),
        "monotonic" | "perf_counter" => (ClockId::CLOCK_MONOTONIC, "CLOCK_MONOTONIC", true),
        "process_time" => (
            ClockId::CLOCK_PROCESS_CPUTIME_ID,
            "CLOCK_PROCESS_CPUTIME_ID",
            true,
        ),
        "thread_time" => (
            ClockId::CLOCK_THREAD_CPUTIME_ID,
            "CLOCK_THREAD_CPUTIME_ID",
            true,
        ),
        _ => return Err(value_error("unknown clock")),
    };
    let resolution = clock_getres(clock).map_or(Value::Float(1e-9), |r| seconds(nanoseconds(r)));
    let types = vm.import_module("types")?;
    let namespace = vm.get_attr_str(&types, "SimpleNamespace")?;
    let kwnames: Vec<Value> = ["implementation", "monotonic", "adjustable", "resolution"]
        .iter()
        .map(|k| vm.intern(k))
        .collect();
    let values = [
        Value::string(format!("clock_gettime({clock_name})")),
        Value::Bool(monotonic),
        Value::Bool(!monotonic),
        resolution,
    ];
    vm.call_kw(&namespace, &values, &kwnames)
}

pub const FUNCS: &[(&str, NativeFn)] = &[
    ("clock_gettime", t_clock_gettime),
    ("clock_gettime_ns", t_clock_gettime_ns),
    ("clock_getres", t_clock_getres),
    ("thread_time", t_thread_time),
    ("thread_time_ns", t_thread_time_ns),
    ("get_clock_info", t_get_clock_info),
];

/// Adds the `CLOCK_*` constants to the `time` module's namespace.
pub fn register(vm: &mut Vm, dict: &ObjRef) {
    for &(name, id) in CLOCKS {
        super::sys::set_attr(vm, dict, name, Value::Int(id));
    }
}
