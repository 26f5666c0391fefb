//! `sys.set_coroutine_origin_tracking_depth` / `sys.get_coroutine_origin_tracking_depth`:
//! how many frames a new coroutine's `cr_origin` records (`vm::coro_origin`).

use crate::obj::function::Args;
use crate::vm::errors::{overflow_error, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

const SET: &str = "set_coroutine_origin_tracking_depth";

/// `sys.set_coroutine_origin_tracking_depth(depth)`, with CPython's argument errors.
pub fn set_depth(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let given = args.pos.len() + args.kwnames.len();
    if given > 1 {
        let what = if args.kwnames.is_empty() {
            "argument"
        } else {
            "keyword argument"
        };
        return Err(type_error(format!(
            "{SET}() takes at most 1 {what} ({given} given)"
        )));
    }
    let depth = match (args.pos.first(), args.kwnames.first()) {
        (Some(v), _) => v.clone(),
        (None, Some(k)) if k.as_str() == Some("depth") => {
            args.kwvalues.first().cloned().unwrap_or(Value::None)
        }
        _ => {
            return Err(type_error(format!(
                "{SET}() missing required argument 'depth' (pos 1)"
            )))
        }
    };
    if matches!(depth, Value::Float(_)) {
        return Err(type_error(
            "'float' object cannot be interpreted as an integer",
        ));
    }
    let n = vm.index_value(&depth)?;
    let n =
        i32::try_from(n).map_err(|_| overflow_error("Python int too large to convert to C int"))?;
    let n = u32::try_from(n).map_err(|_| value_error("depth must be >= 0"))?;
    vm.coro_origin_depth = n;
    Ok(Value::None)
}

/// `sys.get_coroutine_origin_tracking_depth()`
pub fn get_depth(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if !args.kwnames.is_empty() {
        return Err(type_error(
            "sys.get_coroutine_origin_tracking_depth() takes no keyword arguments",
        ));
    }
    if !args.pos.is_empty() {
        return Err(type_error(format!(
            "sys.get_coroutine_origin_tracking_depth() takes no arguments ({} given)",
            args.pos.len()
        )));
    }
    Ok(Value::Int(vm.coro_origin_depth as i64))
}
