//! Python-level weak references (`weakref.ref`, `obj::weakref`): which weakref objects
//! refer to each object, so that its death reaches them. The dying object's box is flagged
//! (`ObjRef::set_watched`), so only those deaths look here. The weakrefs of a dead object
//! are queued, most recent first, and their callbacks run at the next finalizer point
//! (`finalize::run_pending`), as CPython calls them when the object goes.

use super::heap::WeakRef;
use crate::vm::value::ObjRef;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};

thread_local! {
    /// Object address -> the weakref objects referring to it, oldest first.
    static WATCHERS: RefCell<HashMap<usize, Vec<WeakRef>>> = RefCell::new(HashMap::new());
    /// Weakref objects whose referent died, in the order their callbacks run.
    static DIED: RefCell<VecDeque<WeakRef>> = const { RefCell::new(VecDeque::new()) };
}

/// `weakref` (a weakref object) refers to `target` from now on.
pub fn watch(target: &ObjRef, weakref: &ObjRef) {
    target.set_watched();
    WATCHERS.with(|w| {
        w.borrow_mut()
            .entry(target.addr())
            .or_default()
            .push(weakref.downgrade())
    });
}

/// The live weakref objects referring to the object at `addr`, oldest first.
pub fn watchers(addr: usize) -> Vec<ObjRef> {
    WATCHERS.with(|w| {
        w.borrow()
            .get(&addr)
            .map(|list| list.iter().filter_map(WeakRef::upgrade).collect())
            .unwrap_or_default()
    })
}

/// A weakref object referring to the object at `addr` died: forget it (and any other
/// that did).
pub fn forget_dead(addr: usize) {
    let _ = WATCHERS.try_with(|w| {
        if let Ok(mut w) = w.try_borrow_mut() {
            if let Some(list) = w.get_mut(&addr) {
                list.retain(|r| r.strong_count() > 0);
                if list.is_empty() {
                    w.remove(&addr);
                }
            }
        }
    });
}

/// The watched object at `addr` is dying: its weakrefs are queued for their callbacks.
pub(super) fn died(addr: usize) {
    let list = WATCHERS
        .try_with(|w| w.try_borrow_mut().ok().and_then(|mut w| w.remove(&addr)))
        .ok()
        .flatten();
    let Some(list) = list else { return };
    let _ = DIED.try_with(|d| {
        if let Ok(mut d) = d.try_borrow_mut() {
            d.extend(list.into_iter().rev());
        }
    });
    super::finalize::note_pending();
}

/// The next weakref whose referent died, if any (still alive itself).
pub(super) fn next_died() -> Option<ObjRef> {
    loop {
        let w = DIED.with(|d| d.borrow_mut().pop_front())?;
        if let Some(o) = w.upgrade() {
            return Some(o);
        }
    }
}
