//! `TextIOWrapper.reconfigure()` for `sys.stdin`, `sys.stdout` and `sys.stderr`: scripts
//! call `sys.stdout.reconfigure(encoding="utf-8")` to be sure of their output's encoding,
//! or `line_buffering=True` to see their output line by line. aio's std streams are UTF-8
//! only, so another encoding is a NotImplementedError.

use super::stream::{flush_stream, self_stream};
use crate::obj::function::Args;
use crate::vm::errors::{exc, type_error, value_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::rc::Rc;

/// A `str or None` keyword argument of reconfigure().
fn str_or_none<'a>(vm: &Vm, v: &'a Value, name: &str) -> PyResult<Option<&'a str>> {
    match v {
        Value::None => Ok(None),
        _ => match v.as_str() {
            Some(s) => Ok(Some(s)),
            None => Err(type_error(format!(
                "reconfigure() argument '{name}' must be str or None, not {}",
                vm.type_name(v)
            ))),
        },
    }
}

fn reconfigure(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    self_stream(vm, args, "reconfigure")?;
    if args.pos.len() > 1 {
        return Err(type_error("reconfigure() takes no positional arguments"));
    }
    args.only_kwargs(
        "reconfigure",
        &[
            "encoding",
            "errors",
            "newline",
            "line_buffering",
            "write_through",
        ],
    )?;
    let encoding = match args.kw("encoding") {
        Some(v) => str_or_none(vm, v, "encoding")?.map(str::to_string),
        None => None,
    };
    let errors = match args.kw("errors") {
        Some(v) => str_or_none(vm, v, "errors")?.map(str::to_string),
        None => None,
    };
    if let Some(v) = args.kw("newline") {
        match str_or_none(vm, v, "newline")? {
            None | Some("") | Some("\n") => {}
            Some("\r") | Some("\r\n") => return Err(exc(
                ExcKind::NotImplementedError,
                "reconfigure(newline=...) translating '\\n' is not supported by aio's std streams",
            )),
            Some(other) => return Err(value_error(format!("illegal newline value: {other}"))),
        }
    }
    let line_buffering = match args.kw("line_buffering") {
        None | Some(Value::None) => None,
        Some(v) => Some(vm.truthy(v)?),
    };
    if let Some(v) = args.kw("write_through") {
        if !v.is_none() {
            return Err(exc(
                ExcKind::NotImplementedError,
                "reconfigure(write_through=...) is not supported by aio's std streams",
            ));
        }
    }
    if let Some(name) = &encoding {
        let info = crate::modules::codecs::lookup_codec(vm, name)?;
        let codec = vm.get_attr_str(&info, "name")?;
        if codec.as_str() != Some("utf-8") {
            return Err(exc(
                ExcKind::NotImplementedError,
                format!("reconfigure(encoding={name:?}): aio's std streams are UTF-8 only"),
            ));
        }
    }
    // As CPython, pending output is written before the stream changes.
    let s = self_stream(vm, args, "reconfigure")?;
    flush_stream(vm, s)?;
    let s = self_stream(vm, args, "reconfigure")?;
    if let Some(name) = encoding {
        *s.encoding.borrow_mut() = Some(Rc::from(name.as_str()));
        // A new encoding without errors resets them to strict, as CPython's.
        if errors.is_none() {
            *s.errors.borrow_mut() = Some(Rc::from("strict"));
        }
    }
    if let Some(name) = errors {
        *s.errors.borrow_mut() = Some(Rc::from(name.as_str()));
    }
    if let Some(on) = line_buffering {
        s.line_buffering.set(Some(on));
    }
    Ok(Value::None)
}

pub(super) fn register(vm: &mut Vm, cls: &ObjRef) {
    vm.add_methods(cls, "TextIOWrapper", &[("reconfigure", reconfigure)]);
}
