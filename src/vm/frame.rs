//! Frames: one activation of a code object (DESIGN.md section 4).
//!
//! All frames of running code live on `Vm::frames`; a Python-to-Python call pushes a frame
//! and the same dispatch loop continues, so aio recursion never recurses in Rust.
//! Generator frames move between their generator object and the frame stack.

use crate::obj::CodeObj;
use crate::vm::value::{ObjRef, Value};
use std::rc::Rc;

pub struct Frame {
    pub code: Rc<CodeObj>,
    /// Index of the next instruction; the executing one is `pc - 1`.
    pub pc: usize,
    pub stack: Vec<Value>,
    pub locals: Vec<Value>,
    /// Cell objects: the code's cellvars, then its freevars.
    pub cells: Vec<ObjRef>,
    /// The module namespace (`Obj::Dict`).
    pub globals: ObjRef,
    /// Module and class bodies keep names in a mapping (`Obj::Dict`).
    pub locals_map: Option<ObjRef>,
    /// The exception being handled by an `except`/`finally` in this frame (None if none).
    pub handled: Value,
    /// Returning (or yielding) from this frame leaves the dispatch loop: it was entered from
    /// native code rather than from a `Call`/`ForIter`/`Send` in the frame below.
    pub entry: bool,
    /// While running: the generator or coroutine that owns this frame.
    pub generator: Option<ObjRef>,
    /// Set for `__init__` frames started by instance creation: the return value must be
    /// None, and the caller receives this instance instead.
    pub init_self: Option<Value>,
    /// The Python-visible frame object, once something asked for it (see `obj::frame`).
    pub frame_obj: Option<ObjRef>,
}

impl Frame {
    pub fn new(code: Rc<CodeObj>, globals: ObjRef) -> Box<Frame> {
        let c = &code.code;
        let n_locals = c.varnames.len();
        let mut locals = Vec::with_capacity(n_locals);
        locals.resize(n_locals, Value::Undef);
        Box::new(Frame {
            stack: Vec::with_capacity(c.max_stack as usize + 2),
            locals,
            cells: Vec::new(),
            pc: 0,
            globals,
            locals_map: None,
            handled: Value::None,
            entry: false,
            generator: None,
            init_self: None,
            frame_obj: None,
            code,
        })
    }

    /// Index of the executing instruction.
    #[inline]
    pub fn lasti(&self) -> usize {
        self.pc.saturating_sub(1)
    }

    /// Moves every value out (cycle clearing and iterative deallocation).
    pub fn drain_values(&mut self) -> Vec<Value> {
        let mut out: Vec<Value> = std::mem::take(&mut self.stack);
        out.append(&mut self.locals);
        out.extend(self.cells.drain(..).map(Value::Obj));
        out.push(std::mem::replace(&mut self.handled, Value::None));
        if let Some(l) = self.locals_map.take() {
            out.push(Value::Obj(l));
        }
        if let Some(g) = self.generator.take() {
            out.push(Value::Obj(g));
        }
        if let Some(s) = self.init_self.take() {
            out.push(s);
        }
        if let Some(fo) = self.frame_obj.take() {
            out.push(Value::Obj(fo));
        }
        out
    }
}
