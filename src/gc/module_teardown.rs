//! What CPython's shutdown does to the program's module globals, so that objects still
//! bound to globals when the program ends have their `__del__` run, in CPython's order.
//!
//! CPython drops its modules, and a full collection finds their namespaces garbage: it runs
//! the finalizers of everything they reach (with the globals still bound), then clears
//! them. `finalization_order` describes the order that collection's list is in. Modules
//! imported later go first. This is done for the program's own modules (aio's embedded
//! standard library is left alone).

use crate::obj::generator::GenKind;
use crate::obj::{ModuleObj, Obj};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::Cell;
use std::collections::HashSet;

thread_local! {
    static CLASS_WITH_DEL: Cell<bool> = const { Cell::new(false) };
    static FINALIZING: Cell<bool> = const { Cell::new(false) };
}

/// `sys.is_finalizing()`: the program has ended and its modules are being torn down (set
/// after the atexit callbacks, as CPython's runtime flag).
pub fn is_finalizing() -> bool {
    FINALIZING.with(Cell::get)
}

/// Records that some class defines `__del__` (until then, nothing at exit can print).
pub fn note_class_with_del() {
    CLASS_WITH_DEL.with(|c| c.set(true));
}

/// Records that a generator whose code has handlers (a `finally` or `with` that runs when
/// it is closed) or a coroutine (warned about when never awaited) was made: one still
/// bound to a global at exit has something to show.
pub fn note_generator_with_cleanup() {
    CLASS_WITH_DEL.with(|c| c.set(true));
}

/// Finalizes and clears the globals of the program's modules, later imports first. A
/// program without any `__del__` has nothing to show for it, and skips the walk.
pub fn finalize_program_modules(vm: &mut Vm) {
    FINALIZING.with(|f| f.set(true));
    if !CLASS_WITH_DEL.with(Cell::get) {
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
            .collect(),
        _ => Vec::new(),
    };
    for m in modules.iter().rev() {
        finalize_reachable_instances(vm, m);
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

/// Runs `__del__` of everything the module's globals reach, in the order CPython's final
/// collection finds them, while the globals are all still bound.
fn finalize_reachable_instances(vm: &mut Vm, m: &ObjRef) {
    let globals: Vec<Value> = match namespace(m).map(|d| &**d) {
        Some(Obj::Dict(d)) => d.borrow().values(),
        _ => return,
    };
    for o in finalization_order(&globals) {
        if o.needs_finalizer() {
            super::finalize::mark_finalizing(&o);
            super::finalize::finalize(vm, &o);
            super::finalize::run_pending(vm);
        }
    }
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
    while next < walk.containers.len() {
        let c = walk.containers[next].clone();
        next += 1;
        if matches!(&*c, Obj::Generator(_)) {
            walk.order.push(c);
            continue;
        }
        let items = container_items(&c);
        for v in &items {
            walk.visit(v);
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
    seen: HashSet<usize>,
    order: Vec<ObjRef>,
    containers: Vec<ObjRef>,
}

impl Walk {
    /// An instance joins the order, then what its attributes hold (depth first); a
    /// container waits in `containers`.
    fn visit(&mut self, v: &Value) {
        // (value, reached through an instance's attributes)
        let mut stack = vec![(v.clone(), false)];
        while let Some((v, in_attrs)) = stack.pop() {
            let Value::Obj(o) = &v else { continue };
            let is_container = matches!(
                &**o,
                Obj::List(_) | Obj::Tuple(_) | Obj::Dict(_) | Obj::Set(_) | Obj::FrozenSet(_)
            );
            let is_generator = matches!(&**o, Obj::Generator(g) if g.kind == GenKind::Generator);
            if !(is_container || is_generator || matches!(&**o, Obj::Instance(_)))
                || !self.seen.insert(o.addr())
            {
                continue;
            }
            match &**o {
                // Closed (its `finally` run) in its place, its frame not walked; one held by
                // an instance's attribute moves behind, as containers' items do.
                Obj::Generator(_) if !in_attrs => self.order.push(o.clone()),
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
