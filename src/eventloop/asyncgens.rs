//! The loop's side of async generator finalization (CPython's `BaseEventLoop._asyncgens`):
//! while a loop runs, `sys.set_asyncgen_hooks` points at its `_asyncgen_firstiter_hook` and
//! `_asyncgen_finalizer_hook` (written in aio, `stdlib/asyncio/events.aio`), which keep a
//! weak set of the generators started on the loop; `shutdown_asyncgens()` closes those
//! still alive.

use crate::gc::heap::WeakRef;
use crate::obj::function::Args;
use crate::vm::errors::{type_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// A weak set of async generators, in the order they were first iterated.
#[derive(Default)]
pub struct AsyncGenSet {
    items: Vec<WeakRef>,
    /// Length after the last sweep of dead entries (sweeps are amortised O(1)).
    swept_len: usize,
}

impl AsyncGenSet {
    fn add(&mut self, g: &ObjRef) {
        if self.items.iter().any(|x| x.is(g)) {
            return;
        }
        if self.items.len() >= 2 * self.swept_len.max(16) {
            self.items.retain(|x| x.strong_count() > 0);
            self.swept_len = self.items.len();
        }
        self.items.push(g.downgrade());
    }

    fn discard(&mut self, g: &ObjRef) {
        self.items.retain(|x| !x.is(g));
    }

    /// The generators still alive; the set is left empty.
    fn take(&mut self) -> Vec<ObjRef> {
        self.swept_len = 0;
        std::mem::take(&mut self.items)
            .into_iter()
            .filter_map(|w| w.upgrade())
            .collect()
    }
}

impl Vm {
    /// Points the asyncgen hooks at `lp`'s methods (CPython's `run_forever` does this);
    /// returns the hooks to restore when the loop stops.
    pub(crate) fn install_asyncgen_hooks(&mut self, lp: &ObjRef) -> (Option<Value>, Option<Value>) {
        let lpv = Value::Obj(lp.clone());
        let first_key = self.intern("_asyncgen_firstiter_hook");
        let fin_key = self.intern("_asyncgen_finalizer_hook");
        let first = self.get_attr_opt(&lpv, &first_key).ok().flatten();
        let fin = self.get_attr_opt(&lpv, &fin_key).ok().flatten();
        let hooks = &mut self.asyncgen_hooks;
        let old = (hooks.firstiter.take(), hooks.finalizer.take());
        hooks.firstiter = first;
        hooks.finalizer = fin;
        old
    }

    pub(crate) fn restore_asyncgen_hooks(&mut self, old: (Option<Value>, Option<Value>)) {
        self.asyncgen_hooks.firstiter = old.0;
        self.asyncgen_hooks.finalizer = old.1;
    }
}

/// The (loop, generator) arguments; a closed loop has no state and ignores the call.
fn loop_and_agen(args: &Args, name: &str) -> PyResult<(ObjRef, ObjRef)> {
    args.check(name, 2, 2)?;
    match (&args.pos[0], &args.pos[1]) {
        (Value::Obj(l), Value::Obj(g)) => Ok((l.clone(), g.clone())),
        _ => Err(type_error(format!("{name}() needs a loop and an object"))),
    }
}

/// `_asyncio._asyncgens_add(loop, agen)`
pub fn asyncgens_add(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (lp, g) = loop_and_agen(args, "_asyncgens_add")?;
    if let Some(st) = vm.aio.state(&lp) {
        st.asyncgens.add(&g);
    }
    Ok(Value::None)
}

/// `_asyncio._asyncgens_discard(loop, agen)`
pub fn asyncgens_discard(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (lp, g) = loop_and_agen(args, "_asyncgens_discard")?;
    if let Some(st) = vm.aio.state(&lp) {
        st.asyncgens.discard(&g);
    }
    Ok(Value::None)
}

/// `_asyncio._asyncgens_take(loop)`: the live generators, as a list; the set is emptied.
pub fn asyncgens_take(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_asyncgens_take", 1, 1)?;
    let gens = match &args.pos[0] {
        Value::Obj(l) => vm
            .aio
            .state(l)
            .map(|st| st.asyncgens.take())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    Ok(Value::list(gens.into_iter().map(Value::Obj).collect()))
}
