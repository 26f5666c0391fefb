//! `_traceback`: the VM's own exception formatting (the text of an uncaught exception),
//! for the `traceback` module written in aio (stdlib/traceback.aio).

use crate::obj::function::{Args, NativeFn};
use crate::obj::Obj;
use crate::vm::errors::{type_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

fn exception_arg(vm: &Vm, v: &Value, func: &str) -> PyResult<Value> {
    match v {
        Value::Obj(o) if matches!(&**o, Obj::Exception(_)) => Ok(v.clone()),
        _ => Err(type_error(format!(
            "{func}() argument 1 must be an exception, not {}",
            vm.type_name(v)
        ))),
    }
}

/// `_format(exc, chain, limit, tb)`: the text printed for an uncaught exception, as the
/// list of pieces `traceback.format_exception` returns; `tb` True stands for the
/// exception's own `__traceback__`, otherwise it is the traceback (or None) to show.
fn format(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_format", 4, 4)?;
    let e = exception_arg(vm, &args.pos[0], "_format")?;
    let chain = vm.truthy(&args.pos[1])?;
    let limit = match &args.pos[2] {
        Value::None => None,
        v => Some(vm.index_value(v)?),
    };
    let tb = match &args.pos[3] {
        Value::Bool(true) => None,
        Value::None => Some(Value::None),
        Value::Obj(o) if matches!(&**o, Obj::Traceback(_)) => Some(args.pos[3].clone()),
        v => {
            return Err(type_error(format!(
                "_format() argument 4 must be a traceback, None or True, not {}",
                vm.type_name(v)
            )))
        }
    };
    let chunks = vm.format_exception_chunks(&e, chain, limit, tb.as_ref());
    Ok(Value::list(chunks.into_iter().map(Value::string).collect()))
}

/// `_format_only(exc)`: the last part, `ValueError: message` (a SyntaxError's source
/// lines first), as a list of lines.
fn format_only(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_format_only", 1, 1)?;
    let e = exception_arg(vm, &args.pos[0], "_format_only")?;
    let chunks = vm.format_exception_only_chunks(&e);
    Ok(Value::list(chunks.into_iter().map(Value::string).collect()))
}

/// `_anchors(segment)`: where the carets of a frame's source segment change from `~` to
/// `^` and back — the operator of a binary operation, the `[...]` of a subscript — as
/// `(left_end, right_start)` character offsets; None for other segments (CPython's
/// `_extract_caret_anchors_from_line_segment`, which uses `ast`).
fn anchors(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_anchors", 1, 1)?;
    let Some(segment) = args.pos[0].as_str() else {
        return Err(type_error("_anchors() argument must be str"));
    };
    Ok(match crate::vm::traceback::caret_anchors(segment) {
        Some((left, right)) => {
            Value::tuple(vec![Value::Int(left as i64), Value::Int(right as i64)])
        }
        None => Value::None,
    })
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("_format", format),
        ("_format_only", format_only),
        ("_anchors", anchors),
    ];
    super::sys::new_module(vm, "_traceback", funcs);
}
