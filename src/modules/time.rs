//! The `time` module: clocks and `sleep`; the calendar functions live in
//! `time_calendar`, the POSIX clocks in `time_clocks`; strptime is `_strptime`'s.

use crate::obj::function::{Args, NativeFn};
use crate::vm::errors::{overflow_error, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

thread_local! {
    /// Origin of the monotonic clocks (CPython's are also relative to an arbitrary point).
    static ORIGIN: Instant = Instant::now();
}

fn no_args(args: &Args, name: &str) -> PyResult<()> {
    args.no_kwargs(name)?;
    if !args.pos.is_empty() {
        return Err(type_error(format!(
            "time.{name}() takes no arguments ({} given)",
            args.pos.len()
        )));
    }
    Ok(())
}

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
}

/// The monotonic clock behind `time.monotonic()` (also `loop.time()`): CLOCK_MONOTONIC,
/// as CPython reads it, so that every thread (and `time.clock_gettime`) sees one clock.
pub fn monotonic_duration() -> Duration {
    match nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC) {
        Ok(t) => Duration::from(t),
        // Offset by one second so the clock never reads zero, like a boot-relative clock.
        Err(_) => ORIGIN.with(|o| o.elapsed()) + Duration::from_secs(1),
    }
}

fn ns(d: Duration) -> Value {
    Value::from_i128(d.as_nanos() as i128)
}

fn t_time(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    no_args(args, "time")?;
    Ok(Value::Float(since_epoch().as_secs_f64()))
}

fn t_time_ns(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    no_args(args, "time_ns")?;
    Ok(ns(since_epoch()))
}

fn t_monotonic(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    no_args(args, "monotonic")?;
    Ok(Value::Float(monotonic_duration().as_secs_f64()))
}

fn t_monotonic_ns(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    no_args(args, "monotonic_ns")?;
    Ok(ns(monotonic_duration()))
}

fn t_perf_counter(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    no_args(args, "perf_counter")?;
    Ok(Value::Float(monotonic_duration().as_secs_f64()))
}

fn t_perf_counter_ns(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    no_args(args, "perf_counter_ns")?;
    Ok(ns(monotonic_duration()))
}

fn t_process_time(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    no_args(args, "process_time")?;
    Ok(Value::Float(super::time_clocks::process_ns() as f64 * 1e-9))
}

fn t_process_time_ns(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    no_args(args, "process_time_ns")?;
    Ok(Value::from_i128(super::time_clocks::process_ns()))
}

/// `time.sleep(secs)`. In an executor job's own frames it suspends the job instead (the
/// dispatch loop intercepts the call, see `eventloop::vthreads`); anywhere else it blocks
/// this VM thread, while the others whose sleep ends meanwhile run, as threads would.
fn t_sleep(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let secs = sleep_seconds(vm, args)?;
    blocking_sleep(vm, secs)?;
    Ok(Value::None)
}

/// `time.sleep`'s argument checks, with CPython's messages: the seconds to sleep.
pub fn sleep_seconds(vm: &mut Vm, args: &Args) -> PyResult<f64> {
    args.no_kwargs("sleep")?;
    if args.pos.len() != 1 {
        return Err(type_error(format!(
            "time.sleep() takes exactly one argument ({} given)",
            args.pos.len()
        )));
    }
    let v = &args.pos[0];
    let secs = match v {
        Value::Float(x) => *x,
        _ if v.is_int() => {
            let b = v.to_bigint().unwrap_or_default();
            use num_traits::ToPrimitive;
            match b.to_i64() {
                Some(i) if i.unsigned_abs() < (1u64 << 33) => i as f64,
                _ => {
                    return Err(overflow_error(
                        "timestamp too large to convert to C _PyTime_t",
                    ))
                }
            }
        }
        _ => {
            if let Some(f) = vm.lookup_special(v, "__float__") {
                match vm.call(&f, std::slice::from_ref(v))? {
                    Value::Float(x) => x,
                    _ => return Err(type_error("__float__ returned non-float")),
                }
            } else {
                vm.index_value(v)? as f64
            }
        }
    };
    if secs.is_nan() {
        return Err(value_error("Invalid value NaN (not a number)"));
    }
    if secs < 0.0 {
        return Err(value_error("sleep length must be non-negative"));
    }
    if secs > 9.2e9 {
        return Err(overflow_error(
            "timestamp too large to convert to C _PyTime_t",
        ));
    }
    Ok(secs)
}

/// Blocks for `secs` seconds. Meanwhile executor jobs whose own sleep ends run (they are
/// other threads in CPython, which run while this one sleeps).
pub fn blocking_sleep(vm: &mut Vm, secs: f64) -> PyResult<()> {
    crate::obj::methods::stream::flush_std_streams(vm).ok();
    let deadline = std::time::Instant::now() + Duration::from_secs_f64(secs);
    vm.wait_blocking(Some(deadline), |_| Ok(false))?;
    Ok(())
}

/// `strptime(string[, format])`: `_strptime._strptime_time`, written in aio.
fn t_strptime(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("strptime")?;
    let m = vm.import_module("_strptime")?;
    let f = vm.get_attr_str(&m, "_strptime_time")?;
    vm.call(&f, args.pos)
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("time", t_time),
        ("time_ns", t_time_ns),
        ("monotonic", t_monotonic),
        ("monotonic_ns", t_monotonic_ns),
        ("perf_counter", t_perf_counter),
        ("perf_counter_ns", t_perf_counter_ns),
        ("process_time", t_process_time),
        ("process_time_ns", t_process_time_ns),
        ("sleep", t_sleep),
        ("strptime", t_strptime),
    ];
    let funcs: Vec<_> = funcs
        .iter()
        .chain(super::time_calendar::FUNCS)
        .chain(super::time_clocks::FUNCS)
        .copied()
        .collect();
    let (_, dict) = super::sys::new_module(vm, "time", &funcs);
    super::time_calendar::register(vm, &dict);
    super::time_clocks::register(vm, &dict);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::obj::Obj;

    #[test]
    fn clocks_and_sleep_errors() {
        let mut vm = Vm::new();
        let m = match &*vm.modules {
            Obj::Dict(d) => crate::vm::dictops::get_str(&d.borrow(), &Value::str("time")).unwrap(),
            _ => panic!(),
        };
        let mono = vm.get_attr_str(&m, "monotonic").unwrap();
        let a = vm.call(&mono, &[]).unwrap();
        let b = vm.call(&mono, &[]).unwrap();
        match (a, b) {
            (Value::Float(a), Value::Float(b)) => assert!(b >= a && a > 0.0),
            _ => panic!("monotonic() must return floats"),
        }
        let sleep = vm.get_attr_str(&m, "sleep").unwrap();
        let e = vm.call(&sleep, &[Value::Int(-1)]).unwrap_err();
        assert_eq!(
            vm.to_str(&e.value()).unwrap(),
            "sleep length must be non-negative"
        );
        let e = vm.call(&sleep, &[Value::Float(f64::NAN)]).unwrap_err();
        assert_eq!(
            vm.to_str(&e.value()).unwrap(),
            "Invalid value NaN (not a number)"
        );
        vm.call(&sleep, &[Value::Float(0.001)]).unwrap();
    }
}
