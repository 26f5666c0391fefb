//! Native shortcuts for `functools.partial` (stdlib/functools.aio), which is C code in
//! CPython. Making one and calling one are a few steps there but a chain of aio frames
//! here (`__new__`'s checks and three attribute stores; `__call__`'s dict merge and
//! star-call), and asyncio makes one for every `wait_for` and socket operation.
//!
//! A shortcut stands in for the class itself only (a subclass may read its attributes its
//! own way) and for the common shapes: a partial of a function, method, builtin or class
//! made with positional arguments only, and a call with positional arguments only of one
//! that holds no keywords. Anything else answers "not handled", and the aio code runs.

use crate::obj::class::InstanceObj;
use crate::obj::dict::DictData;
use crate::obj::function::Args;
use crate::obj::Obj;
use crate::vm::dictops::{get_str, set_str};
use crate::vm::errors::{type_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// `functools.partial` once functools registered it, with the interned names of its
/// attributes: `func`, `args`, `keywords`.
#[derive(Default)]
pub struct PartialState {
    class: Option<(ObjRef, [Value; 3])>,
}

/// `_partial_register(partial)`: the class the shortcuts stand in for.
pub fn register(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_partial_register", 1, 1)?;
    let Some(Value::Obj(cls)) = args.pos.first() else {
        return Err(type_error("_partial_register: expected a class"));
    };
    if !matches!(&**cls, Obj::Class(_)) {
        return Err(type_error("_partial_register: expected a class"));
    }
    let names = [vm.intern("func"), vm.intern("args"), vm.intern("keywords")];
    vm.partial.class = Some((cls.clone(), names));
    Ok(Value::None)
}

/// `partial.__new__(partial, func, *args)`: the new partial, when `func` is callable
/// without being a partial to flatten (a function, bound method, builtin or class).
pub fn new_shortcut(vm: &mut Vm, args: &[Value]) -> PyResult<Option<Value>> {
    let (Some((cls, names)), [Value::Obj(c), Value::Obj(func), rest @ ..]) =
        (vm.partial.class.as_ref(), args)
    else {
        return Ok(None);
    };
    let plain_callable = matches!(
        &**func,
        Obj::Function(_) | Obj::BoundMethod(_) | Obj::Native(_) | Obj::Class(_)
    );
    if !c.is(cls) || !plain_callable {
        return Ok(None);
    }
    // In the order `__new__` stores them.
    let [f, a, k] = names.clone();
    let mut attrs = DictData::with_capacity(3);
    set_str(&mut attrs, f, Value::Obj(func.clone()));
    set_str(&mut attrs, a, Value::tuple(rest.to_vec()));
    set_str(&mut attrs, k, Value::dict(DictData::new()));
    let instance = InstanceObj::with_attrs(cls.clone(), attrs, Value::Undef);
    Ok(Some(Value::obj(Obj::Instance(instance))))
}

/// `partial.__call__(p, *args)` of a partial without keywords: `p.func(*p.args, *args)`.
pub fn call_shortcut(vm: &mut Vm, args: &[Value]) -> PyResult<Option<Value>> {
    let [Value::Obj(p), rest @ ..] = args else {
        return Ok(None);
    };
    let Some((func, bound)) = unwrap(vm, p) else {
        return Ok(None);
    };
    let mut all = bound;
    all.extend_from_slice(rest);
    vm.call(&func, &all).map(Some)
}

/// What calling `p` calls, when it is a partial without keywords: its `func` and its
/// `args` (to which the call's arguments are added). None for anything else.
pub fn unwrap(vm: &Vm, p: &ObjRef) -> Option<(Value, Vec<Value>)> {
    let (cls, [f, a, k]) = vm.partial.class.as_ref()?;
    let Obj::Instance(i) = &**p else {
        return None;
    };
    if !i.class.with(|c| c.is(cls)) {
        return None;
    }
    let (Some(func), Some(Value::Obj(bound)), Some(Value::Obj(keywords))) =
        i.read_attrs(|d| (get_str(d, f), get_str(d, a), get_str(d, k)))
    else {
        return None;
    };
    let (Obj::Tuple(bound), Obj::Dict(keywords)) = (&*bound, &*keywords) else {
        return None;
    };
    if keywords.try_borrow().map_or(true, |d| !d.is_empty()) {
        return None;
    }
    Some((func, bound.to_vec()))
}
