//! The context code runs in (PEP 567, `contextvars`), kept by the VM so that each task
//! step and each callback runs in its own context, as CPython's `context.run(...)` does.
//!
//! `contextvars.Context` is written in aio (stdlib/contextvars.aio): an object whose
//! `_data` is a dict that is never changed in place (`ContextVar.set` replaces it). So a
//! copy of a context is just its `_data` at that moment: what a task, a handle or a done
//! callback captures when it is given no context, turned into a fresh `Context` only
//! when it runs. Until the module registers its class, no context exists, nothing is
//! captured and entering costs one test.

use crate::obj::function::Args;
use crate::obj::function::NativeFn;
use crate::obj::Obj;
use crate::vm::errors::{type_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

pub struct Contexts {
    /// `contextvars.Context`, once the module is imported.
    class: Option<ObjRef>,
    /// The context running now (a `Context`), or None before the first one is needed.
    /// Each VM thread has its own (`vthreads::ThreadState` swaps it in).
    pub(crate) current: Value,
}

impl Default for Contexts {
    fn default() -> Contexts {
        Contexts {
            class: None,
            current: Value::None,
        }
    }
}

impl Contexts {
    /// Whether contextvars was imported (before that, no context exists to enter).
    #[inline]
    pub fn in_use(&self) -> bool {
        self.class.is_some()
    }
}

impl Vm {
    /// What runs later captures of the current context when given none (CPython's
    /// `copy_context()`): its mapping, or None while contextvars is unused.
    pub fn context_capture(&mut self) -> PyResult<Value> {
        if self.aio.contexts.class.is_none() {
            return Ok(Value::None);
        }
        let ctx = current(self)?;
        data_of(self, &ctx)
    }

    /// Makes `ctx` the running context for a task step or a callback: a `Context` runs as
    /// itself, a captured mapping as a new `Context` holding it (None: as an empty one).
    /// Returns the context to restore afterwards and the one entered.
    pub fn context_enter(&mut self, ctx: &Value) -> PyResult<Option<(Value, Value)>> {
        let Some(class) = self.aio.contexts.class.clone() else {
            return Ok(None);
        };
        let captured = match ctx {
            Value::None => true,
            Value::Obj(o) => matches!(&**o, Obj::Dict(_)),
            _ => false,
        };
        let entered = if captured {
            new_context(self, &class, ctx)?
        } else {
            ctx.clone()
        };
        let prev = std::mem::replace(&mut self.aio.contexts.current, entered.clone());
        Ok(Some((prev, entered)))
    }

    /// Restores the context `context_enter` replaced.
    #[inline]
    pub fn context_leave(&mut self, entered: Option<(Value, Value)>) {
        if let Some((prev, _)) = entered {
            self.aio.contexts.current = prev;
        }
    }
}

/// A new `Context` whose mapping is `data` (a dict, or None for an empty one).
fn new_context(vm: &mut Vm, class: &ObjRef, data: &Value) -> PyResult<Value> {
    let ctx = vm.call(&Value::Obj(class.clone()), &[])?;
    if !data.is_none() {
        let key = vm.intern("_data");
        vm.set_attr(&ctx, &key, data.clone())?;
    }
    Ok(ctx)
}

fn data_of(vm: &mut Vm, ctx: &Value) -> PyResult<Value> {
    let key = vm.intern("_data");
    vm.get_attr(ctx, &key)
}

/// The running context, creating the first (empty) one when there is none yet.
fn current(vm: &mut Vm) -> PyResult<Value> {
    if !vm.aio.contexts.current.is_none() {
        return Ok(vm.aio.contexts.current.clone());
    }
    let Some(class) = vm.aio.contexts.class.clone() else {
        return Err(type_error("contextvars is not initialised"));
    };
    let ctx = new_context(vm, &class, &Value::None)?;
    vm.aio.contexts.current = ctx.clone();
    Ok(ctx)
}

/// `_register(Context)`: the class contexts are made of.
fn register(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_register", 1, 1)?;
    match &args.pos[0] {
        Value::Obj(o) if matches!(&**o, Obj::Class(_)) => {
            vm.aio.contexts.class = Some(o.clone());
            Ok(Value::None)
        }
        _ => Err(type_error("_register: expected a class")),
    }
}

/// `_current()`: the running context.
fn current_context(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_current", 0, 0)?;
    current(vm)
}

/// `_swap(ctx)`: makes `ctx` the running context and returns the previous one
/// (`Context.run`).
fn swap(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_swap", 1, 1)?;
    let prev = current(vm)?;
    vm.aio.contexts.current = args.pos[0].clone();
    Ok(prev)
}

/// `_copy()`: `copy_context()` when contextvars is in use, else None (asyncio.Runner,
/// which must not import the module for programs that never use it).
fn copy(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_copy", 0, 0)?;
    let Some(class) = vm.aio.contexts.class.clone() else {
        return Ok(Value::None);
    };
    let data = vm.context_capture()?;
    new_context(vm, &class, &data)
}

/// The `_contextvars` module, under stdlib/contextvars.aio.
pub fn register_module(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("_register", register),
        ("_current", current_context),
        ("_swap", swap),
        ("_copy", copy),
    ];
    crate::modules::sys::new_module(vm, "_contextvars", funcs);
}
