//! Instances of classes mixing `__slots__` with a `__dict__` (`ClassFlags::mixed_slots`).
//!
//! Their slot values stay in the instance namespace, as for slotted classes; every other
//! attribute lives in a dict object stored in that namespace under `"__dict__"`, so that
//! `obj.__dict__` holds only those, as CPython's (where slots are member descriptors).

use super::class::{as_class, declared_slot_names};
use super::dictops::{get_str, set_str};
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::{InstanceObj, Obj};

/// Whether instances of `cls` keep their `__dict__` apart from their slots.
pub fn is_mixed(cls: &ObjRef) -> bool {
    as_class(cls).is_some_and(|c| c.flags.get().mixed_slots)
}

fn dict_key() -> Value {
    Value::str("__dict__")
}

/// The instance's `__dict__` when it has been made.
pub fn nested_dict(i: &InstanceObj) -> Option<ObjRef> {
    let key = dict_key();
    match i.read_attrs(|d| get_str(d, &key)) {
        Some(Value::Obj(d)) if matches!(&*d, Obj::Dict(_)) => Some(d),
        _ => None,
    }
}

/// The instance's `__dict__`, made empty on first use.
pub fn nested_dict_or_new(i: &InstanceObj) -> ObjRef {
    if let Some(d) = nested_dict(i) {
        return d;
    }
    let d = ObjRef::new(Obj::Dict(Default::default()));
    set_nested_dict(i, d.clone());
    d
}

/// `obj.__dict__ = d` (`d` an `Obj::Dict`).
pub fn set_nested_dict(i: &InstanceObj, d: ObjRef) {
    let old = i.write_attrs(|ns| {
        let old = get_str(ns, &dict_key());
        set_str(ns, dict_key(), Value::Obj(d));
        old
    });
    drop(old);
}

/// `name` in the instance's `__dict__`.
pub fn nested_get(i: &InstanceObj, name: &Value) -> Option<Value> {
    match &*nested_dict(i)? {
        Obj::Dict(d) => get_str(&d.borrow(), name),
        _ => None,
    }
}

impl Vm {
    /// Whether `name` is one of the slots of mixed class `cls` (stored in the namespace).
    pub fn is_declared_slot(&mut self, cls: &ObjRef, name: &Value) -> bool {
        name.as_str() == Some("__dict__")
            || declared_slot_names(cls, self)
                .iter()
                .any(|n| n.as_str() == name.as_str())
    }
}
