//! `sys`'s tracing, profiling and audit hooks. aio runs no trace or profile functions and
//! raises no audit events, so the getters answer None, clearing a hook (None) is accepted,
//! and installing one is a NotImplementedError naming the feature rather than a hook that
//! silently never runs.

use crate::obj::function::{Args, NativeFn};
use crate::vm::errors::{not_implemented, type_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

fn get_none(args: &Args, name: &str) -> PyResult<Value> {
    args.no_kwargs(name)?;
    if !args.pos.is_empty() {
        return Err(type_error(format!(
            "sys.{name}() takes no arguments ({} given)",
            args.pos.len()
        )));
    }
    Ok(Value::None)
}

/// `settrace(f)`/`setprofile(f)`: None is accepted (there is nothing to remove).
fn set_hook(args: &Args, name: &str) -> PyResult<Value> {
    args.no_kwargs(name)?;
    match args.pos {
        [Value::None] => Ok(Value::None),
        [_] => Err(not_implemented(format!(
            "sys.{name}() with a function is not supported by aio yet"
        ))),
        _ => Err(type_error(format!(
            "sys.{name}() takes exactly one argument ({} given)",
            args.pos.len()
        ))),
    }
}

fn gettrace(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    get_none(args, "gettrace")
}

fn getprofile(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    get_none(args, "getprofile")
}

fn settrace(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    set_hook(args, "settrace")
}

fn setprofile(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    set_hook(args, "setprofile")
}

/// `audit(event, *args)`: no audit hook can be installed, so there is nobody to tell (and,
/// as in CPython without hooks, the event is not even checked).
fn audit(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("audit")?;
    match args.pos.first() {
        None => Err(type_error(
            "audit() missing 1 required positional argument: 'event'",
        )),
        Some(_) => Ok(Value::None),
    }
}

fn addaudithook(_vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Err(not_implemented(
        "sys.addaudithook() is not supported by aio yet (aio raises no audit events)",
    ))
}

pub const FUNCS: &[(&str, NativeFn)] = &[
    ("gettrace", gettrace),
    ("getprofile", getprofile),
    ("settrace", settrace),
    ("setprofile", setprofile),
    ("audit", audit),
    ("addaudithook", addaudithook),
];
