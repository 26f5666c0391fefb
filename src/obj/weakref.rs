//! `weakref.ref` objects: a weak reference to an object, with an optional callback
//! called (with the weakref) when the object dies (`gc::weak_watch`).

use crate::gc::heap::WeakRef;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::{Cell, RefCell};

pub struct WeakRefObj {
    pub target: WeakRef,
    /// None when there is none, or once it has been called.
    pub callback: RefCell<Value>,
    /// The referent's hash, once asked for (it stays valid after the referent died).
    pub hash: Cell<Option<i64>>,
}

impl Drop for WeakRefObj {
    fn drop(&mut self) {
        crate::gc::weak_watch::forget_dead(self.target.addr());
    }
}

impl WeakRefObj {
    /// The referent, unless it died.
    pub fn get(&self) -> Option<ObjRef> {
        self.target.upgrade()
    }
}

/// The referent of weakref `w` died: its callback runs, once; an exception it raises is
/// reported, as CPython reports it.
pub fn run_callback(vm: &mut Vm, w: &ObjRef) {
    let crate::obj::Obj::WeakRef(r) = &**w else {
        return;
    };
    let cb = r.callback.replace(Value::None);
    if cb.is_none() {
        return;
    }
    if let Err(e) = vm.call(&cb, &[Value::Obj(w.clone())]) {
        crate::modules::sys_unraisable::report(vm, &cb, &e.value());
    }
}
