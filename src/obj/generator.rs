//! Generators, coroutines and async generators: a heap-owned frame plus its run state.

use super::async_gen::AsyncGenState;
use super::function::CodeObj;
use crate::vm::frame::Frame;
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
    pub name: RefCell<Rc<str>>,
    pub qualname: RefCell<Rc<str>>,
    /// Async generators only: hooks, `ag_running`, closed flag.
    pub agen: Option<Box<AsyncGenState>>,
}

impl GeneratorObj {
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
