//! `_traceback`: the VM's own exception formatting (the text of an uncaught exception),
//! for the `traceback` module written in aio (stdlib/traceback.aio).

use crate::obj::function::{Args, NativeFn};
use crate::obj::{ClassObj, Obj};
use crate::vm::errors::{type_error, PyResult};
use crate::vm::traceback::{PseudoFileLines, SyntaxTextStyle};
use crate::vm::value::{ObjRef, Value};
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
    let pseudo_lines = linecache_pseudo_files(vm, &e, tb.as_ref());
    let chunks = vm.format_exception_chunks(
        &e,
        chain,
        limit,
        tb.as_ref(),
        pseudo_lines,
        SyntaxTextStyle::TracebackModule,
    );
    Ok(Value::list(chunks.into_iter().map(Value::string).collect()))
}

/// The lines of the pseudo-files (`<timeit-src>`, which `timeit.Timer.print_exc` puts in
/// `linecache.cache`; doctest's `<doctest ...>`, which it serves by patching
/// `linecache.getlines`) that `e`'s frames ran in, as CPython's traceback module reads
/// them: through `linecache.getlines`.
fn linecache_pseudo_files(vm: &mut Vm, e: &Value, tb: Option<&Value>) -> PseudoFileLines {
    let mut found = PseudoFileLines::new();
    let names = vm.pseudo_file_names(e, tb);
    if names.is_empty() {
        return found;
    }
    let Some(linecache) = vm.sys_module("linecache") else {
        return found;
    };
    for name in names {
        let Ok(lines) = vm.call_method(&linecache, "getlines", &[Value::str(&name)]) else {
            continue;
        };
        let Some(lines) = sequence_items(&lines) else {
            continue;
        };
        let text = lines
            .iter()
            .map(|l| l.as_str().unwrap_or_default().to_string())
            .collect();
        found.insert(name, text);
    }
    found
}

/// The items of a list or tuple.
fn sequence_items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::List(l) => Some(l.borrow().clone()),
            Obj::Tuple(t) => Some(t.to_vec()),
            _ => None,
        },
        _ => None,
    }
}

/// `_format_only(exc)`: the last part, `ValueError: message` (a SyntaxError's source
/// lines first), as a list of lines.
fn format_only(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_format_only", 1, 1)?;
    let e = exception_arg(vm, &args.pos[0], "_format_only")?;
    let chunks = vm.format_exception_only_chunks(&e, SyntaxTextStyle::TracebackModule);
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

/// `_hide_frames(obj)`: marks stdlib code that stands in for CPython's C code, so
/// tracebacks leave its frames out as CPython's leave out C functions (an `open()` of a
/// missing file ends at the caller's line). `obj` is a function; a class, whose own
/// functions, static and class methods and property accessors are all marked; or a
/// module's globals (a module that is all C in CPython), for every function and class
/// method defined in that module. Returns `obj`, so it serves as a decorator.
fn hide_frames(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_hide_frames", 1, 1)?;
    let obj = &args.pos[0];
    let Value::Obj(o) = obj else {
        return Err(hide_frames_error(vm, obj));
    };
    match &**o {
        Obj::Function(_) => hide_function(obj, None),
        Obj::Class(c) => hide_class(c, None),
        Obj::Dict(d) => {
            for v in d.borrow().values() {
                if let Value::Obj(member) = &v {
                    match &**member {
                        Obj::Class(c) => hide_class(c, Some(o)),
                        _ => hide_member(&v, Some(o)),
                    }
                }
            }
        }
        _ => return Err(hide_frames_error(vm, obj)),
    }
    Ok(obj.clone())
}

fn hide_frames_error(vm: &Vm, obj: &Value) -> crate::vm::errors::ExcRef {
    type_error(format!(
        "_hide_frames() argument must be a function, a class or a dict, not {}",
        vm.type_name(obj)
    ))
}

/// Marks `v` if it is a function (of the module whose globals are `globals`, if given).
fn hide_function(v: &Value, globals: Option<&ObjRef>) {
    if let Value::Obj(o) = v {
        if let Obj::Function(f) = &**o {
            if globals.is_none_or(|g| f.globals.is(g)) {
                f.code.hidden_from_tracebacks.set(true);
            }
        }
    }
}

fn hide_class(c: &ClassObj, globals: Option<&ObjRef>) {
    for v in c.dict.borrow().values() {
        hide_member(&v, globals);
    }
}

/// A function, or the functions a static method, class method or property wraps.
fn hide_member(v: &Value, globals: Option<&ObjRef>) {
    let Value::Obj(o) = v else { return };
    match &**o {
        Obj::Function(_) => hide_function(v, globals),
        Obj::StaticMethod(w) | Obj::ClassMethod(w) => hide_function(&w.func.borrow(), globals),
        Obj::Property(p) => {
            hide_function(&p.fget.borrow(), globals);
            hide_function(&p.fset.borrow(), globals);
            hide_function(&p.fdel.borrow(), globals);
        }
        _ => {}
    }
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("_format", format),
        ("_format_only", format_only),
        ("_anchors", anchors),
        ("_hide_frames", hide_frames),
    ];
    super::sys::new_module(vm, "_traceback", funcs);
}
