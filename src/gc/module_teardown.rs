//! What CPython's shutdown does to the program's module globals, so that objects still
//! bound to globals when the program ends have their finalizers run, in CPython's order:
//! `__del__`, a suspended generator's `finally`, "coroutine ... was never awaited", a
//! Task's "exception was never retrieved" / "destroyed but it is pending".
//!
//! CPython drops its modules, and a full collection finds their namespaces garbage: it runs
//! the finalizers of everything they reach (with the globals still bound), then clears
//! them. `finalization_order` describes the order that collection's list is in. Modules
//! imported later go first. This is done for the program's own modules (aio's embedded
//! standard library is left alone).

use crate::obj::{ModuleObj, Obj};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use rustc_hash::FxHashSet;
use std::cell::Cell;

thread_local! {
    static FINALIZERS_POSSIBLE: Cell<bool> = const { Cell::new(false) };
    static CLASS_WITH_DEL: Cell<bool> = const { Cell::new(false) };
    static FINALIZING: Cell<bool> = const { Cell::new(false) };
}

/// `sys.is_finalizing()`: the program has ended and its modules are being torn down (set
/// after the atexit callbacks, as CPython's runtime flag).
pub fn is_finalizing() -> bool {
    FINALIZING.with(Cell::get)
}

/// Sets what `sys.is_finalizing()` reports: the modules are being torn down.
pub fn mark_finalizing() {
    FINALIZING.with(|f| f.set(true));
}

/// Records that something with a finalizer exists: a generator or coroutine, a Future
/// (until then, nothing at exit can print).
pub fn note_finalizable() {
    FINALIZERS_POSSIBLE.with(|c| c.set(true));
}

/// Records that some class defines `__del__`.
pub fn note_class_with_del() {
    note_finalizable();
    CLASS_WITH_DEL.with(|c| c.set(true));
}

/// Finalizes and clears the globals of the program's modules, later imports first. A
/// program that never made anything with a finalizer has nothing to show for it, and
/// skips the walk. Without a class defining `__del__` (whose instances may hide where the
/// walk does not look), the globals are cleared only when the walk finalized something:
/// freeing a large heap is otherwise time spent for nothing to see.
///
/// `exception_released`: the uncaught exception was just let go. What only it held (its
/// traceback's frames, a failed `asyncio.run`'s tasks) is cyclic garbage that CPython's
/// teardown collection finalizes too, after the older objects the globals hold and while
/// the globals are still bound, so a `__del__` there can still use them.
///
/// `kept`: namespaces that stay reachable (from the tasks of the loop asyncio keeps as
/// the current one): CPython's teardown finds nothing in them garbage.
pub fn finalize_program_modules(vm: &mut Vm, exception_released: bool, kept: &[ObjRef]) {
    mark_finalizing();
    if !FINALIZERS_POSSIBLE.with(Cell::get) {
        return;
    }
    let modules: Vec<ObjRef> = match &*vm.modules {
        Obj::Dict(d) => d
            .borrow()
            .values()
            .into_iter()
            .filter_map(|v| match v {
                Value::Obj(o) if is_program_module(&o) => Some(o),
                _ => None,
            })
            .filter(|m| !namespace(m).is_some_and(|ns| kept.iter().any(|k| k.is(ns))))
            .collect(),
        _ => Vec::new(),
    };
    let mut finalized = 0;
    for m in modules.iter().rev() {
        finalized += finalize_reachable_instances(vm, m);
    }
    if exception_released {
        finalized += crate::gc::collector::collect_no_fail(vm);
        super::finalize::run_pending(vm);
    }
    if finalized == 0 && !CLASS_WITH_DEL.with(Cell::get) {
        return;
    }
    for m in modules.iter().rev() {
        clear_globals(vm, m);
    }
}

fn is_program_module(o: &ObjRef) -> bool {
    match &**o {
        Obj::Module(m) => !m.native && !crate::vm::import::is_embedded(m),
        _ => false,
    }
}

fn namespace(m: &ObjRef) -> Option<&ObjRef> {
    match &**m {
        Obj::Module(ModuleObj { dict, .. }) => Some(dict),
        _ => None,
    }
}

/// Runs the finalizers of everything the module's globals reach, in the order CPython's
/// final collection finds them, while the globals are all still bound; how many ran.
fn finalize_reachable_instances(vm: &mut Vm, m: &ObjRef) -> usize {
    let globals: Vec<Value> = match namespace(m).map(|d| &**d) {
        Some(Obj::Dict(d)) => d.borrow().values(),
        _ => return 0,
    };
    let mut count = 0;
    for o in finalization_order(&globals) {
        if o.needs_finalizer() {
            super::finalize::mark_finalizing(&o);
            super::finalize::finalize(vm, &o);
            super::finalize::run_pending(vm);
            count += 1;
        }
    }
    count
}

/// The order of CPython's shutdown collection, which a young-generation pass with the
/// module namespace as a root has rearranged: instances bound to globals (and the instances
/// their attributes hold) keep their places; the items of lists, tuples, dicts and sets
/// move behind them in the order those containers turn up (lists and tuples are walked
/// last item first, as their traversal goes); class attributes come last.
fn finalization_order(globals: &[Value]) -> Vec<ObjRef> {
    let mut walk = Walk::default();
    for v in globals {
        walk.visit(v);
    }
    let mut next = 0;
    while let Some(c) = walk.containers.get(next).cloned() {
        next += 1;
        // Items are visited in place: the walk runs no aio code, nothing mutates them.
        match &*c {
            // A generator or Future an instance's attribute held: its turn, not walked.
            Obj::Generator(_) | Obj::Future(_) => walk.order.push(c),
            Obj::List(l) => l.borrow().iter().rev().for_each(|v| walk.visit(v)),
            Obj::Tuple(t) => t.iter().rev().for_each(|v| walk.visit(v)),
            _ => container_items(&c).iter().for_each(|v| walk.visit(v)),
        }
    }
    for v in globals {
        if let Value::Obj(o) = v {
            if let Some(c) = crate::vm::class::as_class(o).filter(|c| !c.builtin) {
                let attrs = c.dict.borrow().values();
                for a in &attrs {
                    walk.visit(a);
                }
            }
        }
    }
    walk.order
}

#[derive(Default)]
struct Walk {
    seen: FxHashSet<usize>,
    order: Vec<ObjRef>,
    containers: Vec<ObjRef>,
}

impl Walk {
    /// An instance joins the order, then what its attributes hold (depth first); a
    /// generator or Future joins it alone; a container waits in `containers`.
    fn visit(&mut self, v: &Value) {
        let Value::Obj(o) = v else { return };
        match &**o {
            Obj::Instance(_) | Obj::Generator(_) | Obj::Future(_) => {}
            Obj::List(_) | Obj::Tuple(_) | Obj::Dict(_) | Obj::Set(_) | Obj::FrozenSet(_) => {
                // Held by this one reference only: it cannot turn up again, so it skips
                // the `seen` set (most items of a large structure are such).
                if o.refcount() == 1 || self.seen.insert(o.addr()) {
                    self.containers.push(o.clone());
                }
                return;
            }
            _ => return,
        }
        // (value, reached through an instance's attributes)
        let mut stack = vec![(v.clone(), false)];
        while let Some((v, in_attrs)) = stack.pop() {
            let Value::Obj(o) = &v else { continue };
            let is_container = matches!(
                &**o,
                Obj::List(_) | Obj::Tuple(_) | Obj::Dict(_) | Obj::Set(_) | Obj::FrozenSet(_)
            );
            let is_leaf = matches!(&**o, Obj::Generator(_) | Obj::Future(_));
            if !(is_container || is_leaf || matches!(&**o, Obj::Instance(_)))
                || !self.seen.insert(o.addr())
            {
                continue;
            }
            match &**o {
                // One held by an instance's attribute moves behind, as containers' items do.
                _ if is_leaf && !in_attrs => self.order.push(o.clone()),
                Obj::Instance(inst) => {
                    self.order.push(o.clone());
                    let attrs = inst.read_attrs(|d| d.values());
                    stack.extend(attrs.into_iter().rev().map(|a| (a, true)));
                }
                _ => self.containers.push(o.clone()),
            }
        }
    }
}

/// A container's items in the order its traversal visits them.
fn container_items(o: &ObjRef) -> Vec<Value> {
    match &**o {
        Obj::List(l) => l.borrow().iter().rev().cloned().collect(),
        Obj::Tuple(t) => t.iter().rev().cloned().collect(),
        Obj::Dict(d) => d.borrow().values(),
        Obj::Set(s) => s.borrow().keys(),
        Obj::FrozenSet(s) => s.keys(),
        _ => Vec::new(),
    }
}

/// Empties the module's namespace, releasing its values in order (what is freed then has
/// its finalizer run before the next value is released).
fn clear_globals(vm: &mut Vm, m: &ObjRef) {
    let entries = match namespace(m).map(|d| &**d) {
        Some(Obj::Dict(d)) => d.borrow_mut().clear(),
        _ => return,
    };
    for entry in entries {
        drop(entry);
        super::finalize::run_pending(vm);
    }
}
