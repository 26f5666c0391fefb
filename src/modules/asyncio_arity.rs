//! Argument-count checks for the native Future, Task, Handle and event-loop methods, with
//! the messages CPython gives: its Future and Task are C methods ("Future.done() takes no
//! arguments (1 given)"), its Handle and loop methods are Python functions
//! ("BaseEventLoop.stop() takes 1 positional argument but 2 were given"). `args.pos[0]` is
//! the receiver everywhere.

use crate::obj::function::Args;
use crate::vm::errors::{type_error, ExcRef, PyResult};
use crate::vm::value::Value;

fn given(args: &Args) -> usize {
    args.pos.len().saturating_sub(1)
}

/// A C method without parameters (`METH_NOARGS`).
pub fn c_noargs(args: &Args, owner: &str, name: &str) -> PyResult<()> {
    if !args.kwnames.is_empty() {
        return Err(type_error(format!(
            "{owner}.{name}() takes no keyword arguments"
        )));
    }
    match given(args) {
        0 => Ok(()),
        n => Err(type_error(format!(
            "{owner}.{name}() takes no arguments ({n} given)"
        ))),
    }
}

/// A C method of one positional parameter (`METH_O`): returns it.
pub fn c_onearg(args: &Args, owner: &str, name: &str) -> PyResult<Value> {
    if !args.kwnames.is_empty() {
        return Err(type_error(format!(
            "{owner}.{name}() takes no keyword arguments"
        )));
    }
    match (given(args), args.pos.get(1)) {
        (1, Some(v)) => Ok(v.clone()),
        (n, _) => Err(type_error(format!(
            "{owner}.{name}() takes exactly one argument ({n} given)"
        ))),
    }
}

fn unexpected_keyword(qualname: &str, k: &Value) -> ExcRef {
    type_error(format!(
        "{qualname}() got an unexpected keyword argument '{}'",
        k.as_str().unwrap_or("?")
    ))
}

/// A Python method `def name(self)`.
pub fn py_noargs(args: &Args, qualname: &str) -> PyResult<()> {
    let n = args.pos.len();
    if n > 1 {
        return Err(type_error(format!(
            "{qualname}() takes 1 positional argument but {n} were given"
        )));
    }
    match args.kwnames.first() {
        Some(k) => Err(unexpected_keyword(qualname, k)),
        None => Ok(()),
    }
}

/// A Python method `def name(self, param)`: returns the argument, given by position or
/// by keyword.
pub fn py_onearg(args: &Args, qualname: &str, param: &str) -> PyResult<Value> {
    let n = args.pos.len();
    if n > 2 {
        return Err(type_error(format!(
            "{qualname}() takes 2 positional arguments but {n} were given"
        )));
    }
    let mut value = args.pos.get(1).cloned();
    for (k, v) in args.kwnames.iter().zip(args.kwvalues) {
        if k.as_str() != Some(param) {
            return Err(unexpected_keyword(qualname, k));
        }
        if value.is_some() {
            return Err(type_error(format!(
                "{qualname}() got multiple values for argument '{param}'"
            )));
        }
        value = Some(v.clone());
    }
    value.ok_or_else(|| {
        type_error(format!(
            "{qualname}() missing 1 required positional argument: '{param}'"
        ))
    })
}

/// A Python function `def name(param=None)` (not a method).
pub fn py_optional_arg(args: &Args, name: &str, param: &str) -> PyResult<()> {
    let n = args.pos.len();
    if n > 1 {
        return Err(type_error(format!(
            "{name}() takes from 0 to 1 positional arguments but {n} were given"
        )));
    }
    for k in args.kwnames {
        if k.as_str() != Some(param) {
            return Err(unexpected_keyword(name, k));
        }
        if n == 1 {
            return Err(type_error(format!(
                "{name}() got multiple values for argument '{param}'"
            )));
        }
    }
    Ok(())
}
