//! `weakref.ref` (`ReferenceType`) and the `_weakref` module functions.

use crate::obj::function::{Args, NativeFn};
use crate::obj::weakref::WeakRefObj;
use crate::obj::Obj;
use crate::vm::errors::{type_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Whether `o` can be referred to weakly: the kinds CPython gives a weakref list, and
/// instances of classes whose layout has one.
fn weakrefable(vm: &mut Vm, o: &ObjRef) -> bool {
    match &**o {
        Obj::Instance(i) => return crate::vm::class::instances_weakrefable(&i.class(), vm),
        Obj::Exception(e) => return crate::vm::class::instances_weakrefable(&e.class, vm),
        _ => {}
    }
    matches!(
        &**o,
        Obj::Function(_)
            | Obj::BoundMethod(_)
            | Obj::Class(_)
            | Obj::Set(_)
            | Obj::FrozenSet(_)
            | Obj::Generator(_)
            | Obj::Code(_)
            | Obj::Module(_)
            | Obj::Future(_)
            | Obj::Deque(_)
            | Obj::Property(_)
            | Obj::WeakRef(_)
    )
}

fn this<'a>(a: &'a Args, method: &str) -> PyResult<(&'a ObjRef, &'a WeakRefObj)> {
    match a.pos.first() {
        Some(Value::Obj(o)) => match &**o {
            Obj::WeakRef(w) => Ok((o, w)),
            _ => Err(type_error(format!(
                "descriptor '{method}' requires a 'weakref.ReferenceType' object"
            ))),
        },
        _ => Err(type_error(format!(
            "descriptor '{method}' requires a 'weakref.ReferenceType' object"
        ))),
    }
}

/// `ref(object[, callback])`: a weakref; without a callback, the one `object` already has
/// (as CPython shares it).
fn ref_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.no_kwargs("ref")?;
    let n = a.pos.len().saturating_sub(1);
    if !(1..=2).contains(&n) {
        return Err(type_error(format!(
            "__new__ expected at most 2 arguments, got {n}"
        )));
    }
    let target = &a.pos[1];
    let callback = a.pos.get(2).cloned().unwrap_or(Value::None);
    let Value::Obj(o) = target else {
        return Err(type_error(format!(
            "cannot create weak reference to '{}' object",
            vm.type_name(target)
        )));
    };
    if !weakrefable(vm, o) {
        return Err(type_error(format!(
            "cannot create weak reference to '{}' object",
            vm.type_name(target)
        )));
    }
    if callback.is_none() {
        let shared = crate::gc::weak_watch::watchers(o.addr())
            .into_iter()
            .find(|w| matches!(&**w, Obj::WeakRef(r) if r.callback.borrow().is_none()));
        if let Some(w) = shared {
            return Ok(Value::Obj(w));
        }
    }
    let w = ObjRef::new(Obj::WeakRef(Box::new(WeakRefObj {
        target: o.downgrade(),
        callback: RefCell::new(callback),
        hash: Cell::new(None),
    })));
    crate::gc::weak_watch::watch(o, &w);
    Ok(Value::Obj(w))
}

/// `r()`: the referent, or None once it died.
fn call(_vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (_, w) = this(a, "__call__")?;
    if a.pos.len() > 1 || !a.kwnames.is_empty() {
        return Err(type_error(format!(
            "weakref() takes no arguments ({} given)",
            a.pos.len() - 1 + a.kwnames.len()
        )));
    }
    Ok(w.get().map_or(Value::None, Value::Obj))
}

/// The referent's hash, remembered; TypeError once it died unasked.
fn hash(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (_, w) = this(a, "__hash__")?;
    if let Some(h) = w.hash.get() {
        return Ok(Value::Int(h));
    }
    let Some(o) = w.get() else {
        return Err(type_error("weak object has gone away"));
    };
    let h = vm.hash(&Value::Obj(o))?;
    w.hash.set(Some(h));
    Ok(Value::Int(h))
}

/// Two live weakrefs are equal when their referents are; otherwise when they are the same.
fn eq_impl(vm: &mut Vm, a: &Args, negate: bool) -> PyResult<Value> {
    let (me, w) = this(a, "__eq__")?;
    let Some(Value::Obj(other)) = a.pos.get(1) else {
        return Ok(vm.t.not_implemented_value.clone());
    };
    let Obj::WeakRef(ow) = &**other else {
        return Ok(vm.t.not_implemented_value.clone());
    };
    let equal = match (w.get(), ow.get()) {
        (Some(x), Some(y)) => vm.eq(&Value::Obj(x), &Value::Obj(y))?,
        _ => me.is(other),
    };
    Ok(Value::Bool(equal != negate))
}

fn eq(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    eq_impl(vm, a, false)
}

fn ne(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    eq_impl(vm, a, true)
}

/// `<weakref at 0x..; to 'A' at 0x..>` (with the referent's `__name__` when it has one),
/// `<weakref at 0x..; dead>`.
fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (me, w) = this(a, "__repr__")?;
    let s = match w.get() {
        None => format!("<weakref at {:#x}; dead>", me.addr()),
        Some(o) => {
            let v = Value::Obj(o.clone());
            let tname = vm.type_name(&v);
            let name = match vm.get_attr_str(&v, "__name__") {
                Ok(n) => n.as_str().map(|s| format!(" ({s})")),
                Err(_) => None,
            };
            format!(
                "<weakref at {:#x}; to '{}' at {:#x}{}>",
                me.addr(),
                tname,
                o.addr(),
                name.unwrap_or_default()
            )
        }
    };
    Ok(Value::str(&s))
}

/// `r.__callback__`.
fn callback(_vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (_, w) = this(a, "__callback__")?;
    Ok(w.callback.borrow().clone())
}

/// `getweakrefcount(object)`.
fn getweakrefcount(_vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check("getweakrefcount", 1, 1)?;
    Ok(Value::Int(match &a.pos[0] {
        Value::Obj(o) => crate::gc::weak_watch::watchers(o.addr()).len() as i64,
        _ => 0,
    }))
}

/// `getweakrefs(object)`: its weakrefs, oldest first.
fn getweakrefs(_vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check("getweakrefs", 1, 1)?;
    let refs = match &a.pos[0] {
        Value::Obj(o) => crate::gc::weak_watch::watchers(o.addr()),
        _ => Vec::new(),
    };
    Ok(Value::list(refs.into_iter().map(Value::Obj).collect()))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.weakref.clone();
    if let Obj::Class(c) = &*t {
        *c.module.borrow_mut() = Rc::from("weakref");
    }
    vm.add_methods(
        &t,
        "ReferenceType",
        &[
            ("__new__", ref_new),
            ("__call__", call),
            ("__hash__", hash),
            ("__eq__", eq),
            ("__ne__", ne),
            ("__repr__", repr),
        ],
    );
    let prop = vm.native_property("ReferenceType", "__callback__", callback);
    vm.add_class_attr(&t, "__callback__", prop);
    let funcs: &[(&'static str, NativeFn)] = &[
        ("getweakrefcount", getweakrefcount),
        ("getweakrefs", getweakrefs),
    ];
    let (_, dict) = crate::modules::sys::new_module(vm, "_weakref", funcs);
    if let Obj::Dict(d) = &*dict {
        let mut d = d.borrow_mut();
        crate::vm::dictops::set_str(&mut d, Value::str("ref"), Value::Obj(t.clone()));
        crate::vm::dictops::set_str(&mut d, Value::str("ReferenceType"), Value::Obj(t));
    }
}
