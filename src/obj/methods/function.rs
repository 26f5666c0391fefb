//! Methods of functions: the descriptor protocol (`f.__get__(obj)` binds).
//! Reprs of functions, methods and builtins live in `crate::vm::protocols::default_repr`.

use crate::obj::function::Args;
use crate::obj::{BoundMethod, Obj};
use crate::vm::errors::{type_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

/// `function.__get__(self, obj, type=None)`
fn function_get(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("__get__")?;
    let n = args.pos.len().saturating_sub(1);
    if n == 0 {
        return Err(type_error("expected at least 1 argument, got 0"));
    }
    if n > 2 {
        return Err(type_error(format!("expected at most 2 arguments, got {n}")));
    }
    let f = &args.pos[0];
    if !matches!(f, Value::Obj(o) if matches!(&**o, Obj::Function(_))) {
        return Err(type_error(
            "descriptor '__get__' requires a 'function' object",
        ));
    }
    let obj = &args.pos[1];
    if obj.is_none() {
        if args.pos.get(2).is_none_or(|t| t.is_none()) {
            return Err(type_error("__get__(None, None) is invalid"));
        }
        return Ok(f.clone());
    }
    Ok(Value::obj(Obj::BoundMethod(BoundMethod {
        func: f.clone(),
        self_: obj.clone(),
    })))
}

/// `types.MethodType(func, obj)`: `func` bound to `obj`.
fn method_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("method")?;
    let n = args.pos.len().saturating_sub(1);
    if n != 2 {
        return Err(type_error(format!("method expected 2 arguments, got {n}")));
    }
    let (func, obj) = (&args.pos[1], &args.pos[2]);
    if !crate::modules::builtins::is_callable(vm, func) {
        return Err(type_error("first argument must be callable"));
    }
    if obj.is_none() {
        return Err(type_error("instance must not be None"));
    }
    Ok(Value::obj(Obj::BoundMethod(BoundMethod {
        func: func.clone(),
        self_: obj.clone(),
    })))
}

/// `__call__` of functions, methods and builtins: `f.__call__(*args, **kwargs)` is
/// `f(*args, **kwargs)` (`getattr(f, '__call__')` is how `callable()`-like code asks).
fn call_self(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let Some((f, rest)) = args.pos.split_first() else {
        return Err(type_error("descriptor '__call__' needs an argument"));
    };
    let mut call_args: Vec<Value> = rest.to_vec();
    call_args.extend_from_slice(args.kwvalues);
    vm.call_kw(f, &call_args, args.kwnames)
}

pub fn register(vm: &mut Vm) {
    let f = vm.t.function.clone();
    vm.add_methods(
        &f,
        "function",
        &[("__get__", function_get), ("__call__", call_self)],
    );
    let m = vm.t.method.clone();
    vm.add_methods(
        &m,
        "method",
        &[("__new__", method_new), ("__call__", call_self)],
    );
    let b = vm.t.builtin_function.clone();
    vm.add_methods(&b, "builtin_function_or_method", &[("__call__", call_self)]);
}
