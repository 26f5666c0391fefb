//! The descriptors CPython's `type_new` adds to a class's namespace besides what the class
//! body defined: a member descriptor per `__slots__` name, and the `__dict__` and
//! `__weakref__` getset descriptors where the class is the first in its MRO to give its
//! instances one. aio keeps slot values, `__dict__` and `__weakref__` in the instance
//! itself, so these descriptors are made when a program looks for them (`cls.__dict__`,
//! `cls.slot`): objects of stdlib/types.aio's `member_descriptor` and `getset_descriptor`.

use super::class::as_class;
use super::dictops::{get_str, set_str};
use super::errors::PyResult;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::{ClassObj, DictData};

/// A user class's own `__slots__` names, mangled as CPython's type_new mangles them; None
/// when it declares none (or is builtin).
fn own_slots(c: &ClassObj) -> Option<Vec<String>> {
    if c.builtin {
        return None;
    }
    let slots = get_str(&c.dict.borrow(), &Value::str("__slots__"))?;
    let items: Vec<Value> = match &slots {
        Value::Obj(o) => match &**o {
            crate::obj::Obj::Str(_) => vec![slots.clone()],
            crate::obj::Obj::Tuple(t) => t.to_vec(),
            crate::obj::Obj::List(l) => l.borrow().clone(),
            _ => return None,
        },
        _ => return None,
    };
    let owner = c.name();
    Some(
        items
            .iter()
            .filter_map(|n| n.as_str())
            .map(|n| crate::compile::symtable::mangle(Some(&owner), n))
            .collect(),
    )
}

/// Whether instances of `k` have a `__dict__` (`weak` false) or a weakref slot (true).
fn provides(vm: &Vm, k: &ObjRef, weak: bool) -> bool {
    let Some(c) = as_class(k) else { return false };
    if c.builtin {
        let t = &vm.t;
        return if weak {
            [&t.set, &t.frozenset, &t.deque, &t.type_]
                .iter()
                .any(|b| k.is(b))
        } else {
            c.layout == crate::obj::class::Layout::Exception || k.is(&t.type_)
        };
    }
    adds(vm, k, weak) || c.bases.borrow().iter().any(|b| provides(vm, b, weak))
}

/// Whether the user class `k` is the one that gives its instances a `__dict__` (`weak`
/// false) or a weakref slot (true): no base has one, and its `__slots__` (if any) ask for
/// it. A weakref slot cannot follow variable-size builtins (int, bytes, tuple).
fn adds(vm: &Vm, k: &ObjRef, weak: bool) -> bool {
    let Some(c) = as_class(k) else { return false };
    if c.builtin || c.bases.borrow().iter().any(|b| provides(vm, b, weak)) {
        return false;
    }
    if weak {
        let t = &vm.t;
        let variable = [&t.int, &t.bool_, &t.bytes, &t.tuple];
        if c.mro
            .borrow()
            .iter()
            .any(|m| variable.iter().any(|v| m.is(v)))
        {
            return false;
        }
    }
    let wanted = if weak { "__weakref__" } else { "__dict__" };
    own_slots(c).is_none_or(|names| names.iter().any(|n| n == wanted))
}

/// `types.<kind>(name, cls)`: the descriptor for the listing or a lookup, made once per
/// class and name.
fn descriptor(vm: &mut Vm, kind: &str, name: &str, cls: &ObjRef) -> PyResult<Value> {
    let key = Value::str(name);
    if let Some(c) = as_class(cls) {
        if let Some(d) = get_str(&c.made_descriptors.borrow(), &key) {
            return Ok(d);
        }
    }
    let types = vm.import_module("types")?;
    let make = vm.get_attr_str(&types, kind)?;
    let d = vm.call(&make, &[key.clone(), Value::Obj(cls.clone())])?;
    if let Some(c) = as_class(cls) {
        set_str(&mut c.made_descriptors.borrow_mut(), key, d.clone());
    }
    Ok(d)
}

/// `cls.__dict__`'s contents: the namespace with the descriptors CPython's type_new adds,
/// in its order (the slots sorted, then `__dict__`, `__weakref__`, and the `__doc__` a
/// class without a docstring gets last).
pub fn namespace_view(vm: &mut Vm, cls: &ObjRef) -> PyResult<DictData> {
    let Some(c) = as_class(cls) else {
        return Ok(DictData::new());
    };
    let mut ns = c.dict.borrow().clone();
    if c.builtin {
        return Ok(ns);
    }
    let mut extra: Vec<(String, &str)> = Vec::new();
    if let Some(mut names) = own_slots(c) {
        names.sort();
        names.dedup();
        extra.extend(
            names
                .into_iter()
                .filter(|n| n != "__dict__" && n != "__weakref__")
                .map(|n| (n, "member_descriptor")),
        );
    }
    if adds(vm, cls, false) {
        extra.push(("__dict__".into(), "getset_descriptor"));
    }
    if adds(vm, cls, true) {
        extra.push(("__weakref__".into(), "getset_descriptor"));
    }
    if extra.is_empty() {
        return Ok(ns);
    }
    // They follow the class body's entries, before the `__doc__` None that class
    // creation adds and before anything set on the class since, as in CPython.
    let mut at = c.created_len as usize;
    let before_doc = at
        .checked_sub(1)
        .and_then(|i| ns.iter().nth(i))
        .is_some_and(|e| e.key.as_str() == Some("__doc__") && e.value.is_none());
    if before_doc {
        at -= 1;
    }
    let mut descriptors = Vec::new();
    for (name, kind) in extra {
        if get_str(&ns, &Value::str(&name)).is_none() {
            descriptors.push((
                Value::string(name.clone()),
                descriptor(vm, kind, &name, cls)?,
            ));
        }
    }
    let entries: Vec<(Value, Value)> = ns
        .iter()
        .map(|e| (e.key.clone(), e.value.clone()))
        .collect();
    ns = DictData::new();
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i == at {
            for (dk, dv) in descriptors.drain(..) {
                set_str(&mut ns, dk, dv);
            }
        }
        set_str(&mut ns, k, v);
    }
    for (dk, dv) in descriptors {
        set_str(&mut ns, dk, dv);
    }
    Ok(ns)
}

/// `cls.name` for a `__slots__` name of `cls` or a class in its MRO: the member
/// descriptor of the class that declared it. None for any other name.
pub fn slot_descriptor(vm: &mut Vm, cls: &ObjRef, name: &Value) -> PyResult<Option<Value>> {
    let (Some(n), Some(c)) = (name.as_str(), as_class(cls)) else {
        return Ok(None);
    };
    if n == "__dict__" || n == "__weakref__" {
        return Ok(None);
    }
    let mut chain = vec![cls.clone()];
    chain.extend(c.mro.borrow().iter().cloned());
    for k in &chain {
        let declares = as_class(k)
            .and_then(own_slots)
            .is_some_and(|names| names.iter().any(|s| s == n));
        if declares {
            return descriptor(vm, "member_descriptor", n, k).map(Some);
        }
    }
    Ok(None)
}
