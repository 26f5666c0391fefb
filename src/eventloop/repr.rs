//! Reprs exactly as CPython prints them: futures, tasks (with their coroutine's position),
//! handles, callbacks with their source location, and `reprlib.repr` for results.

use super::futures::as_future;
use crate::obj::future::{Callback, FutState};
use crate::obj::generator::GenState;
use crate::obj::Obj;
use crate::vm::errors::PyResult;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// Limits of `reprlib.repr` (CPython's `reprlib.Repr` defaults).
const MAX_LEVEL: usize = 6;
const MAX_LIST: usize = 6;
const MAX_DICT: usize = 4;
const MAX_STRING: usize = 30;
const MAX_LONG: usize = 40;
const MAX_OTHER: usize = 30;

/// Shortens `s` to `max` characters with `...` in the middle.
fn shorten(s: String, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s;
    }
    let i = (max - 3) / 2;
    let j = max - 3 - i;
    let head: String = s.chars().take(i).collect();
    let tail: String = s.chars().skip(n - j).collect();
    format!("{head}...{tail}")
}

/// `reprlib.repr(v)`
pub fn reprlib(vm: &mut Vm, v: &Value) -> PyResult<String> {
    reprlib_level(vm, v, MAX_LEVEL)
}

fn reprlib_level(vm: &mut Vm, v: &Value, level: usize) -> PyResult<String> {
    if let Some(s) = v.as_str() {
        let head: String = s.chars().take(MAX_STRING).collect();
        let r = vm.repr(&Value::string(head))?;
        return Ok(shorten(r, MAX_STRING));
    }
    if v.is_int() && !matches!(v, Value::Bool(_)) {
        let r = vm.repr(v)?;
        return Ok(shorten(r, MAX_LONG));
    }
    if let Value::Obj(o) = v {
        let exact_list = vm.type_of(v).is(&vm.t.list);
        let exact_tuple = vm.type_of(v).is(&vm.t.tuple);
        if exact_list || exact_tuple {
            let items: Vec<Value> = match &**o {
                Obj::List(l) => l.borrow().clone(),
                Obj::Tuple(t) => t.to_vec(),
                _ => Vec::new(),
            };
            let (open, close) = if exact_list { ("[", "]") } else { ("(", ")") };
            if items.is_empty() {
                return Ok(format!("{open}{close}"));
            }
            if level == 0 {
                return Ok(format!("{open}...{close}"));
            }
            let mut parts = Vec::new();
            for it in items.iter().take(MAX_LIST) {
                parts.push(reprlib_level(vm, it, level - 1)?);
            }
            if items.len() > MAX_LIST {
                parts.push("...".into());
            }
            let mut s = parts.join(", ");
            if exact_tuple && items.len() == 1 {
                s.push(',');
            }
            return Ok(format!("{open}{s}{close}"));
        }
        if vm.type_of(v).is(&vm.t.dict) {
            let entries: Vec<(Value, Value)> = match &**o {
                Obj::Dict(d) => crate::obj::methods::dict::dict_items(d),
                _ => Vec::new(),
            };
            if entries.is_empty() {
                return Ok("{}".into());
            }
            if level == 0 {
                return Ok("{...}".into());
            }
            let mut parts = Vec::new();
            for (k, val) in entries.iter().take(MAX_DICT) {
                let ks = reprlib_level(vm, k, level - 1)?;
                let vs = reprlib_level(vm, val, level - 1)?;
                parts.push(format!("{ks}: {vs}"));
            }
            if entries.len() > MAX_DICT {
                parts.push("...".into());
            }
            return Ok(format!("{{{}}}", parts.join(", ")));
        }
    }
    let r = vm.repr(v)?;
    Ok(shorten(r, MAX_OTHER))
}

/// `format_helpers._get_function_source(func)`: `(filename, first line)` of the Python
/// function behind a callback once `__wrapped__` chains are followed, looking into
/// `functools.partial` objects; None for anything else (a bound method included, as
/// `inspect.isfunction` is false for it).
fn function_source(vm: &mut Vm, v: &Value) -> Option<(String, u32)> {
    let mut f = v.clone();
    // inspect.unwrap gives up on a cycle; so does this, after as many steps.
    for _ in 0..100 {
        match vm.get_attr_str(&f, "__wrapped__") {
            Ok(inner) => f = inner,
            Err(_) => break,
        }
    }
    if let Value::Obj(o) = &f {
        if let Obj::Function(func) = &**o {
            return Some((
                func.code.code.source.name.to_string(),
                func.code.code.first_line(),
            ));
        }
    }
    let (inner, _, _) = as_partial(vm, &f)?;
    function_source(vm, &inner)
}

/// `(func, args, keywords)` of a `functools.partial` (only once functools is imported,
/// since nothing else can have made one).
pub(crate) fn as_partial(vm: &mut Vm, v: &Value) -> Option<(Value, Vec<Value>, Value)> {
    if !matches!(v, Value::Obj(o) if matches!(&**o, Obj::Instance(_))) {
        return None;
    }
    let modules = vm.modules.clone();
    let key = vm.intern("functools");
    let functools = crate::vm::dictops::plain_getitem(&modules, &key)?;
    let Ok(Value::Obj(cls)) = vm.get_attr_str(&functools, "partial") else {
        return None;
    };
    if !vm.isinstance(v, &cls) {
        return None;
    }
    let func = vm.get_attr_str(v, "func").ok()?;
    let args = vm.get_attr_str(v, "args").ok()?;
    let keywords = vm.get_attr_str(v, "keywords").ok()?;
    let args = args.as_tuple().map(|t| t.to_vec()).unwrap_or_default();
    Some((func, args, keywords))
}

/// `format_helpers._format_args_and_kwargs(args, kwargs)`
fn format_args_and_kwargs(vm: &mut Vm, args: &[Value], kwargs: &Value) -> PyResult<String> {
    let mut parts = Vec::new();
    for a in args {
        parts.push(reprlib(vm, a)?);
    }
    if let Value::Obj(o) = kwargs {
        if let Obj::Dict(d) = &**o {
            for (k, v) in crate::obj::methods::dict::dict_items(d) {
                let ks = vm.to_str(&k)?;
                parts.push(format!("{ks}={}", reprlib(vm, &v)?));
            }
        }
    }
    Ok(format!("({})", parts.join(", ")))
}

/// `format_helpers._format_callback(func, args, kwargs, suffix)`: a partial shows its
/// own function and arguments, then the call's.
fn format_callback(
    vm: &mut Vm,
    func: &Value,
    args: &[Value],
    kwargs: &Value,
    suffix: String,
) -> PyResult<String> {
    if let Some((inner, pargs, pkw)) = as_partial(vm, func) {
        let suffix = format_args_and_kwargs(vm, args, kwargs)? + &suffix;
        return format_callback(vm, &inner, &pargs, &pkw, suffix);
    }
    let mut s = callback_name(vm, func)?;
    s.push_str(&format_args_and_kwargs(vm, args, kwargs)?);
    s.push_str(&suffix);
    Ok(s)
}

/// `func.__qualname__` (or `__name__`, or its repr).
fn callback_name(vm: &mut Vm, v: &Value) -> PyResult<String> {
    if let Value::Obj(o) = v {
        match &**o {
            Obj::Function(f) => return Ok(f.qualname.borrow().to_string()),
            Obj::BoundMethod(m) => return callback_name(vm, &m.func.clone()),
            // A type's method taken from the type (the `Task.task_wakeup` a Future
            // subclass is given) names its type, as its `__qualname__` does.
            Obj::Native(n) if n.self_.is_none() => {}
            Obj::Native(n) => {
                let bound_to_object = n
                    .self_
                    .as_deref()
                    .is_some_and(|s| !matches!(s, Value::Obj(x) if matches!(&**x, Obj::Module(_))));
                return Ok(if bound_to_object {
                    let owner = match n.self_.as_deref() {
                        Some(s) => vm.type_name(s).to_string(),
                        None => n.owner.to_string(),
                    };
                    format!("{owner}.{}", n.name)
                } else {
                    n.name.to_string()
                });
            }
            _ => {}
        }
    }
    match vm.get_attr_str(v, "__qualname__") {
        Ok(q) if q.as_str().is_some() => Ok(q.as_str().unwrap_or_default().to_string()),
        _ => vm.repr(v),
    }
}

/// `format_helpers._format_callback_source(func, args)`
pub fn format_callback_source(vm: &mut Vm, func: &Value, args: &[Value]) -> PyResult<String> {
    let mut s = format_callback(vm, func, args, &Value::None, String::new())?;
    if let Some((file, line)) = function_source(vm, func) {
        s.push_str(&format!(" at {file}:{line}"));
    }
    Ok(s)
}

/// The callback part of a handle's repr ("" when cancelled).
pub fn handle_callback_source(vm: &mut Vm, h: &ObjRef) -> PyResult<String> {
    let Obj::Handle(hh) = &**h else {
        return Ok(String::new());
    };
    let cb = hh.callback.borrow().clone();
    let args = hh.args.borrow().clone();
    format_callback_source(vm, &cb, &args)
}

/// `repr(handle)`
pub fn handle_repr(vm: &mut Vm, h: &ObjRef) -> PyResult<String> {
    let Obj::Handle(hh) = &**h else {
        return Ok(String::new());
    };
    let mut info = vec![crate::vm::class::class_name(&hh.class).to_string()];
    if hh.cancelled.get() {
        info.push("cancelled".into());
    }
    if let Some(w) = hh.when {
        info.push(format!("when={}", crate::obj::number::float_repr(w)));
    }
    if !hh.callback.borrow().is_none() {
        info.push(handle_callback_source(vm, h)?);
    }
    let source = hh.source_tb.borrow().clone();
    if let Some(at) = created_at(vm, &source)? {
        info.push(at);
    }
    Ok(format!("<{}>", info.join(" ")))
}

/// `created at FILE:LINE` for an object made in debug mode: the innermost frame of its
/// source traceback (None when it has none).
fn created_at(vm: &mut Vm, source: &Value) -> PyResult<Option<String>> {
    if !vm.truthy(source)? {
        return Ok(None);
    }
    let last = vm.getitem(source, &Value::Int(-1))?;
    let file = vm.getitem(&last, &Value::Int(0))?;
    let line = vm.getitem(&last, &Value::Int(1))?;
    Ok(Some(format!(
        "created at {}:{}",
        vm.to_str(&file)?,
        vm.to_str(&line)?
    )))
}

/// `coroutines._format_coroutine(coro)`
pub fn coro_repr(vm: &mut Vm, coro: &Value) -> PyResult<String> {
    let Value::Obj(o) = coro else {
        return vm.repr(coro);
    };
    let Obj::Generator(g) = &**o else {
        let name = match vm.get_attr_str(coro, "__qualname__") {
            Ok(q) if q.as_str().is_some() => q.as_str().unwrap_or_default().to_string(),
            _ => format!("<{} without __name__>", vm.type_name(coro)),
        };
        return Ok(format!("{name}()"));
    };
    let name = format!("{}()", g.qualname());
    let file = g.code.code.source.name.to_string();
    let line = match g.state.get() {
        GenState::Finished => None,
        GenState::Created => Some(g.code.code.first_line()),
        GenState::Suspended => g
            .frame
            .borrow()
            .as_ref()
            .map(|f| f.code.code.line_of(f.lasti())),
        GenState::Running => vm
            .frames
            .iter()
            .rev()
            .find(|f| f.generator.as_ref().is_some_and(|x| x.is(o)))
            .map(|f| f.code.code.line_of(f.lasti())),
    };
    Ok(match line {
        Some(l) => format!("{name} running at {file}:{l}"),
        None => format!(
            "{name} done, defined at {file}:{}",
            g.code.code.first_line()
        ),
    })
}

fn format_callbacks(vm: &mut Vm, cbs: &[Callback]) -> PyResult<String> {
    let fmt = |vm: &mut Vm, cb: &Callback| -> PyResult<String> {
        match cb {
            Callback::Wakeup(_) => Ok("Task.task_wakeup()".to_string()),
            Callback::Func(f, _) => format_callback_source(vm, f, &[]),
            Callback::Gather(_) => Ok(vm
                .aio
                .gather
                .as_ref()
                .map_or_else(String::new, |g| g.callback_repr.clone())),
            Callback::CancelTimer(..) => Ok(String::new()),
        }
    };
    let s = match cbs.len() {
        0 => String::new(),
        1 => fmt(vm, &cbs[0])?,
        2 => format!("{}, {}", fmt(vm, &cbs[0])?, fmt(vm, &cbs[1])?),
        n => format!(
            "{}, <{} more>, {}",
            fmt(vm, &cbs[0])?,
            n - 2,
            fmt(vm, &cbs[n - 1])?
        ),
    };
    Ok(format!("cb=[{s}]"))
}

/// `repr(future)` / `repr(task)`
pub fn future_repr(vm: &mut Vm, o: &ObjRef) -> PyResult<String> {
    let Some(f) = as_future(o) else {
        return Ok(String::new());
    };
    let state = f.state.get();
    let mut info: Vec<String> = vec![match state {
        FutState::Pending => "pending",
        FutState::Cancelled => "cancelled",
        FutState::Finished => "finished",
    }
    .to_string()];
    if let Some(t) = &f.task {
        if state == FutState::Pending && t.num_cancels_requested.get() > 0 {
            info[0] = "cancelling".into();
        }
        let name = t.name();
        info.push(format!("name={}", vm.repr(&name)?));
        let coro = t.coro.borrow().clone();
        info.push(format!("coro=<{}>", coro_repr(vm, &coro)?));
        let w = t.fut_waiter();
        if !w.is_none() {
            info.push(format!("wait_for={}", vm.repr(&w)?));
        }
    }
    if state == FutState::Finished {
        let e = f.exception();
        if !e.is_none() {
            info.push(format!("exception={}", vm.repr(&e)?));
        } else {
            let r = f.result.borrow().clone();
            info.push(format!("result={}", reprlib(vm, &r)?));
        }
    }
    let cbs = f.all_callbacks();
    if !cbs.is_empty() {
        info.push(format_callbacks(vm, &cbs)?);
    }
    if let Some(at) = created_at(vm, &f.source_tb())? {
        info.push(at);
    }
    let cls = crate::vm::class::class_name(&f.class);
    Ok(format!("<{} {}>", cls, info.join(" ")))
}
