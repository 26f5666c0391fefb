//! The attribute names a class's instances ever held in their own namespaces. With it a
//! method cache can tell that no instance of the class shadows a method without probing
//! the namespace of each new receiver (CPython reaches the same end through the keys that
//! the instance dicts of a class share).
//!
//! A name is noted wherever an instance's inline namespace gains a key: an attribute
//! store (`InstanceObj::set_attr`, the attribute cache's store), an instance made with
//! its namespace filled (`InstanceObj::with_attrs`) and a `__class__` assignment (the
//! namespace joins its new class). A namespace that became a dict object (`__dict__`)
//! changes behind this record, so such receivers are always probed.

use crate::vm::value::Value;
use std::cell::{Cell, RefCell};

/// How many names are recorded before the record gives up (and every receiver is probed):
/// a class whose instances take arbitrary names gains nothing from it.
const MOST_NAMES: usize = 64;

#[derive(Default)]
pub struct InstanceNames {
    names: RefCell<Vec<Value>>,
    /// Moves whenever a name is added or the record gives up: a cache that read the
    /// record at one version may keep its answer while the version stays.
    version: Cell<u32>,
    gave_up: Cell<bool>,
}

impl InstanceNames {
    /// Records that an instance's namespace now holds `name` (a str).
    pub fn note(&self, name: &Value) {
        if self.gave_up.get() {
            return;
        }
        let Ok(mut names) = self.names.try_borrow_mut() else {
            self.give_up();
            return;
        };
        if names.iter().any(|n| same_name(n, name)) {
            return;
        }
        if names.len() < MOST_NAMES {
            names.push(name.clone());
            self.version.set(self.version.get().wrapping_add(1));
        } else {
            *names = Vec::new();
            drop(names);
            self.give_up();
        }
    }

    fn give_up(&self) {
        self.gave_up.set(true);
        self.version.set(self.version.get().wrapping_add(1));
    }

    #[inline]
    pub fn version(&self) -> u32 {
        self.version.get()
    }

    /// No instance's namespace ever held `name` (false once the record gave up).
    pub fn never_held(&self, name: &Value) -> bool {
        !self.gave_up.get()
            && self
                .names
                .try_borrow()
                .is_ok_and(|names| !names.iter().any(|n| same_name(n, name)))
    }
}

fn same_name(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Obj(x), Value::Obj(y)) if x.is(y) => true,
        _ => a.as_str().is_some_and(|s| b.as_str() == Some(s)),
    }
}
