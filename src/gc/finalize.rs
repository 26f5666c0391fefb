//! Finalizers that run when the last reference to an object dies: `__del__`, closing a
//! suspended generator (its `finally` blocks run), and the "coroutine ... was never
//! awaited" warning. The dying reference is queued (resurrecting the object) and the VM
//! runs the queue at its next instruction boundary, so output order matches CPython's.

use crate::obj::generator::{GenKind, GenState};
use crate::obj::Obj;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::{Cell, RefCell};

thread_local! {
    static PENDING: RefCell<std::collections::VecDeque<ObjRef>> =
        const { RefCell::new(std::collections::VecDeque::new()) };
    static HAS_PENDING: Cell<bool> = const { Cell::new(false) };
}

/// Queues `obj` (whose last reference is being dropped) for finalization.
pub fn defer(obj: &ObjRef) {
    let keep = obj.clone();
    let queued = PENDING.try_with(|p| {
        if let Ok(mut p) = p.try_borrow_mut() {
            p.push_back(keep.clone());
            true
        } else {
            false
        }
    });
    if queued == Ok(true) {
        let _ = HAS_PENDING.try_with(|h| h.set(true));
        // Mark as being finalized so this reference's drop does not queue it again.
        mark_finalizing(&keep);
    }
}

/// Marks `o` so its finalizer runs only once (PEP 442), even if it is resurrected.
pub(super) fn mark_finalizing(o: &ObjRef) {
    match &**o {
        Obj::Instance(_) | Obj::Exception(_) => o.set_finalized(),
        Obj::Future(f) => f.finalized.set(true),
        _ => {}
    }
}

/// Something for `run_pending` to do was queued elsewhere (`weak_watch`).
pub(super) fn note_pending() {
    let _ = HAS_PENDING.try_with(|h| h.set(true));
}

/// Whether finalizers are waiting to run.
#[inline]
pub fn pending() -> bool {
    HAS_PENDING.with(|h| h.get())
}

/// Runs queued finalizers (and any they queue in turn), in the order the objects died.
pub fn run_pending(vm: &mut Vm) {
    loop {
        let next = PENDING.with(|p| p.borrow_mut().pop_front());
        if let Some(o) = next {
            // The objects that died with this one wait until its finalizer is done:
            // CPython's deallocation reaches them only after it returns, so a safepoint
            // inside it must not run them (what dies during it still finalizes there, as
            // in CPython, and what is left of that goes first).
            let siblings = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
            finalize(vm, &o);
            PENDING.with(|p| {
                let mut p = p.borrow_mut();
                p.extend(siblings);
            });
            continue;
        }
        // Then the callbacks of weakrefs whose referent died.
        let Some(w) = super::weak_watch::next_died() else {
            break;
        };
        crate::obj::weakref::run_callback(vm, &w);
    }
    HAS_PENDING.with(|h| h.set(false));
}

/// Runs the finalizer of one object.
pub fn finalize(vm: &mut Vm, o: &ObjRef) {
    let v = Value::Obj(o.clone());
    match &**o {
        Obj::Instance(_) | Obj::Exception(_) => {
            if let Some(del) = vm.lookup_special(&v, "__del__") {
                if let Err(e) = vm.call(&del, std::slice::from_ref(&v)) {
                    crate::modules::sys_unraisable::report(vm, &del, &e.value());
                }
            }
        }
        Obj::Generator(_) if vm.agen_finalize(o) => {}
        Obj::Generator(g) => match g.state.get() {
            GenState::Suspended => {
                if let Err(e) = vm.gen_close(o) {
                    crate::modules::sys_unraisable::report(vm, &v, &e.value());
                }
            }
            GenState::Created if g.kind == GenKind::Coroutine => {
                g.state.set(GenState::Finished);
                if !warn_unawaited_through_module(vm, &v) {
                    let name = g.qualname().clone();
                    crate::vm::warnings::never_awaited(vm, &name, &g.code);
                }
            }
            _ => {}
        },
        Obj::Future(_) => crate::eventloop::finalize_future(vm, o),
        _ => {}
    }
}

/// CPython's `_PyErr_WarnUnawaitedCoroutine`: the "never awaited" RuntimeWarning goes
/// through `warnings._warn_unawaited_coroutine` (so filters, `catch_warnings`,
/// `showwarning` and the once-per-line registry apply). CPython always has `warnings`
/// loaded; aio imports it on the first such warning. Returns whether it was warned there
/// (a RuntimeWarning raised by an "error" filter counts, and is reported as ignored);
/// if the module cannot be imported, aio prints the warning itself.
fn warn_unawaited_through_module(vm: &mut Vm, coro: &Value) -> bool {
    let m = match vm.sys_module("warnings") {
        Some(m) => m,
        None => match vm.import_module("warnings") {
            Ok(m) => m,
            Err(_) => return false,
        },
    };
    let key = vm.intern("_warn_unawaited_coroutine");
    let Ok(f) = vm.get_attr(&m, &key) else {
        return false;
    };
    match vm.call(&f, std::slice::from_ref(coro)) {
        Ok(_) => true,
        Err(e) => {
            let what = vm.repr(coro).unwrap_or_default();
            report_ignored(vm, &what, &e.value());
            e.is(crate::vm::types::ExcKind::RuntimeWarning)
        }
    }
}

/// CPython's "Exception ignored in: ..." report for errors in finalizers.
pub fn report_ignored(vm: &mut Vm, what: &str, e: &Value) {
    let text = vm.format_exception(e);
    vm.write_stderr(&format!("Exception ignored in: {what}\n{text}"));
}
