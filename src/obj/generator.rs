//! Generators, coroutines and async generators: a heap-owned frame plus its run state.

use super::async_gen::AsyncGenState;
use super::function::{CodeObj, FunctionObj};
use crate::vm::frame::Frame;
use crate::vm::value::ObjRef;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenKind {
    Generator,
    Coroutine,
    AsyncGenerator,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenState {
    /// Created, never resumed.
    Created,
    /// Suspended at a yield.
    Suspended,
    Running,
    Finished,
}

pub struct GeneratorObj {
    pub kind: GenKind,
    /// The frame while not running (it moves onto the VM's frame stack while running).
    pub frame: RefCell<Option<Box<Frame>>>,
    pub state: Cell<GenState>,
    pub code: Rc<CodeObj>,
    /// What few generators have (other names, `cr_origin`): boxed, as every object pays
    /// for the largest inline kind.
    extra: Option<Box<GenExtra>>,
    /// Async generators only: hooks, `ag_running`, closed flag.
    pub agen: Option<Box<AsyncGenState>>,
}

/// The rare parts of a generator.
pub struct GenExtra {
    /// `__name__` and `__qualname__` when they differ from the code's (the function was
    /// renamed, e.g. by `functools.wraps`).
    names: Option<(Rc<str>, Rc<str>)>,
    /// A coroutine's `cr_origin` (a tuple of `(filename, lineno, name)` tuples, innermost
    /// first) when it was made while `sys.set_coroutine_origin_tracking_depth` was on. It
    /// holds only strings and ints: no cycle can pass through it.
    origin: Option<ObjRef>,
}

impl GenExtra {
    fn boxed(names: Option<(Rc<str>, Rc<str>)>, origin: Option<ObjRef>) -> Option<Box<GenExtra>> {
        (names.is_some() || origin.is_some()).then(|| Box::new(GenExtra { names, origin }))
    }
}

impl GeneratorObj {
    /// The generator, coroutine or async generator that calling `func` returns, owning the
    /// frame its arguments were bound into; `origin` its `cr_origin`.
    pub fn for_call(func: &FunctionObj, mut frame: Box<Frame>, origin: Option<ObjRef>) -> ObjRef {
        let c = &func.code.code;
        // The frame may outlive many calls (a parked task's coroutine): give back the spare
        // room a pooled frame kept from earlier, bigger functions.
        frame.stack.shrink_to(func.code.stack_room as usize);
        frame.locals.shrink_to_fit();
        let kind = if c.flags.async_generator {
            GenKind::AsyncGenerator
        } else if c.flags.coroutine {
            GenKind::Coroutine
        } else {
            GenKind::Generator
        };
        // A generator function that `types.coroutine` marked runs its marked copy of the
        // code, the same instructions, so the generator is an iterable coroutine.
        let code = match &*func.iterable_coroutine_code.borrow() {
            Some(marked) => {
                frame.code = marked.clone();
                marked.clone()
            }
            None => func.code.clone(),
        };
        crate::gc::module_teardown::note_finalizable();
        ObjRef::new(super::Obj::Generator(GeneratorObj {
            kind,
            frame: RefCell::new(Some(frame)),
            state: Cell::new(GenState::Created),
            code,
            extra: GenExtra::boxed(GeneratorObj::names_of(func), origin),
            agen: (kind == GenKind::AsyncGenerator).then(Box::default),
        }))
    }

    /// The coroutine of a REPL input that awaits at its top level: `frame` runs that
    /// module-level code (`<module>`) in the `__main__` namespace.
    pub fn for_module_frame(code: Rc<CodeObj>, frame: Box<Frame>) -> ObjRef {
        ObjRef::new(super::Obj::Generator(GeneratorObj {
            kind: GenKind::Coroutine,
            frame: RefCell::new(Some(frame)),
            state: Cell::new(GenState::Created),
            code,
            extra: None,
            agen: None,
        }))
    }

    /// The coroutine object of a frame that `await f(...)` started without one
    /// (`Frame::lazy_coro`), now that the frame is about to suspend: running, frameless
    /// until the frame moves in. `origin`: its `cr_origin`.
    pub fn for_running_frame(func: &FunctionObj, origin: Option<ObjRef>) -> GeneratorObj {
        GeneratorObj {
            kind: GenKind::Coroutine,
            frame: RefCell::new(None),
            state: Cell::new(GenState::Running),
            code: func.code.clone(),
            extra: GenExtra::boxed(GeneratorObj::names_of(func), origin),
            agen: None,
        }
    }

    /// The names a generator of `func` keeps: none when they are the code's.
    fn names_of(func: &FunctionObj) -> Option<(Rc<str>, Rc<str>)> {
        let (name, qualname) = (func.name.borrow(), func.qualname.borrow());
        let c = &func.code.code;
        if *name == c.name && *qualname == c.qualname {
            None
        } else {
            Some((name.clone(), qualname.clone()))
        }
    }

    /// `__name__` (the function's when the generator was made).
    pub fn name(&self) -> &Rc<str> {
        match self.extra.as_ref().and_then(|e| e.names.as_ref()) {
            Some(n) => &n.0,
            None => &self.code.code.name,
        }
    }

    /// `__qualname__` (the function's when the generator was made).
    pub fn qualname(&self) -> &Rc<str> {
        match self.extra.as_ref().and_then(|e| e.names.as_ref()) {
            Some(n) => &n.1,
            None => &self.code.code.qualname,
        }
    }

    /// `cr_origin`: None unless origin tracking was on when the coroutine was made.
    pub fn origin(&self) -> Option<&ObjRef> {
        self.extra.as_ref().and_then(|e| e.origin.as_ref())
    }

    /// A suspended generator must be closed (running its `finally` blocks) when it dies;
    /// a coroutine that never ran reports "coroutine ... was never awaited"; an async
    /// generator with a finalizer hook hands itself to the hook.
    pub fn needs_close(&self) -> bool {
        if let Some(ag) = &self.agen {
            if ag.finalized.get() {
                return false;
            }
            if !ag.closed.get()
                && !ag.finalizer.borrow().is_none()
                && self.state.get() != GenState::Finished
            {
                return true;
            }
        }
        match self.state.get() {
            GenState::Suspended => true,
            GenState::Created => self.kind == GenKind::Coroutine,
            _ => false,
        }
    }
}
