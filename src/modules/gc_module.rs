//! The `gc` module.
//!
//! `collect()` returns 0 until the cycle collector (`crate::gc::collector`, the lead's) offers
//! `collect(vm) -> usize`; the enabled flag and thresholds are kept here until the collector
//! exposes its own state (see the functions below, which are the only places to change).

use crate::obj::function::{Args, NativeFn};
use crate::vm::errors::{not_implemented, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use std::cell::Cell;

/// CPython 3.11's default thresholds.
pub const DEFAULT_THRESHOLDS: (i64, i64, i64) = (700, 10, 10);

thread_local! {
    static ENABLED: Cell<bool> = const { Cell::new(true) };
    static THRESHOLDS: Cell<(i64, i64, i64)> = const { Cell::new(DEFAULT_THRESHOLDS) };
}

/// Runs a full collection; the number of unreachable objects found.
fn run_collection(_vm: &mut Vm, _generation: i64) -> usize {
    0
}

fn g_collect(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.only_kwargs("collect", &["generation"])?;
    if args.pos.len() > 1 {
        return Err(type_error(format!(
            "collect() takes at most 1 argument ({} given)",
            args.pos.len()
        )));
    }
    let generation = match args.arg(0, "generation") {
        Some(v) => vm.index_value(v)?,
        None => 2,
    };
    if !(0..=2).contains(&generation) {
        return Err(value_error("invalid generation"));
    }
    Ok(Value::Int(run_collection(vm, generation) as i64))
}

fn g_enable(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("enable", 0, 0)?;
    ENABLED.with(|e| e.set(true));
    Ok(Value::None)
}

fn g_disable(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("disable", 0, 0)?;
    ENABLED.with(|e| e.set(false));
    Ok(Value::None)
}

/// Whether automatic collection is enabled (`gc.isenabled()`).
pub fn is_enabled() -> bool {
    ENABLED.with(|e| e.get())
}

/// The generation thresholds (`gc.get_threshold()`).
pub fn thresholds() -> (i64, i64, i64) {
    THRESHOLDS.with(|t| t.get())
}

fn g_isenabled(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("isenabled", 0, 0)?;
    Ok(Value::Bool(is_enabled()))
}

fn g_get_count(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("get_count", 0, 0)?;
    Ok(Value::tuple(vec![
        Value::Int(0),
        Value::Int(0),
        Value::Int(0),
    ]))
}

fn g_get_threshold(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("get_threshold", 0, 0)?;
    let (a, b, c) = thresholds();
    Ok(Value::tuple(vec![
        Value::Int(a),
        Value::Int(b),
        Value::Int(c),
    ]))
}

fn g_set_threshold(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("set_threshold")?;
    let n = args.pos.len();
    if n == 0 {
        return Err(type_error(
            "set_threshold() takes at least 1 argument (0 given)",
        ));
    }
    if n > 3 {
        return Err(type_error(format!(
            "set_threshold() takes at most 3 arguments ({n} given)"
        )));
    }
    let mut t = thresholds();
    t.0 = vm.index_value(&args.pos[0])?;
    if let Some(v) = args.pos.get(1) {
        t.1 = vm.index_value(v)?;
    }
    if let Some(v) = args.pos.get(2) {
        t.2 = vm.index_value(v)?;
    }
    THRESHOLDS.with(|c| c.set(t));
    Ok(Value::None)
}

fn g_get_objects(_vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Err(not_implemented("gc.get_objects() is not supported by aio"))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("collect", g_collect),
        ("enable", g_enable),
        ("disable", g_disable),
        ("isenabled", g_isenabled),
        ("get_count", g_get_count),
        ("get_threshold", g_get_threshold),
        ("set_threshold", g_set_threshold),
        ("get_objects", g_get_objects),
    ];
    super::sys::new_module(vm, "gc", funcs);
}
