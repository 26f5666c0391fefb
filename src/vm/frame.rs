//! Frames: one activation of a code object (DESIGN.md section 4).
//!
//! All frames of running code live on `Vm::frames`; a Python-to-Python call pushes a frame
//! and the same dispatch loop continues, so aio recursion never recurses in Rust.
//! Generator frames move between their generator object and the frame stack.

use crate::obj::{CodeObj, FunctionObj};
use crate::vm::value::{ObjRef, Value};
use std::rc::Rc;

/// A stack or pool of frames. Boxed: a frame moves between the pool, the frame stack and
/// its generator without being copied.
#[allow(clippy::vec_box)]
pub type Frames = Vec<Box<Frame>>;

/// Frames a finished call returns to the pool, at most.
pub const FRAME_POOL_SIZE: usize = 64;

pub struct Frame {
    pub code: Rc<CodeObj>,
    /// Index of the next instruction; the executing one is `pc - 1`.
    pub pc: usize,
    pub stack: Vec<Value>,
    pub locals: Vec<Value>,
    /// Cells, the locals mapping and the frame object: what most frames (and every parked
    /// coroutine's) lack, boxed to keep frames small. Kept (emptied) by `reset`.
    pub extra: Option<Box<FrameExtra>>,
    /// The module namespace (`Obj::Dict`).
    pub globals: ObjRef,
    /// The exception being handled by an `except`/`finally` in this frame (None if none).
    pub handled: Value,
    /// Returning (or yielding) from this frame leaves the dispatch loop: it was entered from
    /// native code rather than from a `Call`/`ForIter`/`Send` in the frame below.
    pub entry: bool,
    /// While running: the generator or coroutine that owns this frame.
    pub generator: Option<ObjRef>,
    /// Set for `__init__` frames started by instance creation: the return value must be
    /// None, and the caller receives this instance instead.
    pub init_self: Option<ObjRef>,
    /// A coroutine frame that `await f(...)` runs in place without its coroutine object
    /// (see `fast::CallAwait`): the coroutine function, whose names the coroutine object
    /// takes if the frame ever suspends (`Vm::materialize_coroutine`). The awaiting frame
    /// below holds `Undef` where the object would be.
    pub lazy_coro: Option<ObjRef>,
    /// A `__next__` method written in aio that a `ForIter` below runs as a frame of its own
    /// (`Vm::for_iter_frame`): its return value is the loop's next item, and StopIteration
    /// leaving it ends the loop instead of propagating.
    pub for_iter_next: bool,
}

/// The rarely used parts of a frame (`Frame::extra`).
#[derive(Default)]
pub struct FrameExtra {
    /// Cell objects: the code's cellvars, then its freevars.
    pub cells: Vec<ObjRef>,
    /// Module and class bodies keep names in a mapping (`Obj::Dict`).
    pub locals_map: Option<ObjRef>,
    /// The Python-visible frame object, once something asked for it (see `obj::frame`).
    pub frame_obj: Option<ObjRef>,
}

impl FrameExtra {
    /// `Frame::cells` of a frame's `extra` (for code that holds another field mutably).
    #[inline]
    pub fn cells_of(extra: &Option<Box<FrameExtra>>) -> &[ObjRef] {
        match extra {
            Some(x) => &x.cells,
            None => &[],
        }
    }

    /// `Frame::names_are_globals` of a frame's `extra` and globals.
    #[inline]
    pub fn names_are_globals(extra: &Option<Box<FrameExtra>>, globals: &ObjRef) -> bool {
        extra
            .as_ref()
            .and_then(|x| x.locals_map.as_ref())
            .is_none_or(|m| m.is(globals))
    }

    /// `Frame::frame_obj` of a frame's `extra`.
    #[inline]
    pub fn frame_obj_of(extra: &Option<Box<FrameExtra>>) -> Option<&ObjRef> {
        extra.as_ref()?.frame_obj.as_ref()
    }
}

/// Pushes unbound locals onto `locals` until it holds `n`. One by one: `Vec::resize` is an
/// out-of-line call that costs more than this for the few locals most functions have.
#[inline(always)]
pub fn fill_unbound(locals: &mut Vec<Value>, n: usize) {
    let more = n.saturating_sub(locals.len());
    locals.reserve(more);
    for _ in 0..more {
        locals.push(Value::Undef);
    }
}

impl Frame {
    /// The rarely used parts, allocated now if they were not yet.
    pub fn extra_mut(&mut self) -> &mut FrameExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Cell objects: the code's cellvars, then its freevars.
    #[inline]
    pub fn cells(&self) -> &[ObjRef] {
        FrameExtra::cells_of(&self.extra)
    }

    /// The locals mapping of a module or class body.
    #[inline]
    pub fn locals_map(&self) -> Option<&ObjRef> {
        self.extra.as_ref()?.locals_map.as_ref()
    }

    /// Whether `LoadName`/`StoreName` are global lookups and stores: module code, whose
    /// locals mapping is its globals (or that has none).
    #[inline]
    pub fn names_are_globals(&self) -> bool {
        FrameExtra::names_are_globals(&self.extra, &self.globals)
    }

    pub fn take_locals_map(&mut self) -> Option<ObjRef> {
        self.extra.as_mut()?.locals_map.take()
    }

    /// The Python-visible frame object, if something asked for it.
    #[inline]
    pub fn frame_obj(&self) -> Option<&ObjRef> {
        FrameExtra::frame_obj_of(&self.extra)
    }

    pub fn take_frame_obj(&mut self) -> Option<ObjRef> {
        self.extra.as_mut()?.frame_obj.take()
    }

    pub fn new(code: Rc<CodeObj>, globals: ObjRef) -> Box<Frame> {
        let c = &code.code;
        let n_locals = c.varnames.len();
        let mut locals = Vec::with_capacity(n_locals);
        fill_unbound(&mut locals, n_locals);
        Box::new(Frame {
            stack: Vec::with_capacity(code.stack_room as usize),
            locals,
            extra: None,
            pc: 0,
            globals,
            handled: Value::None,
            entry: false,
            generator: None,
            init_self: None,
            lazy_coro: None,
            for_iter_next: false,
            code,
        })
    }

    /// A frame for `func` whose locals are still to be pushed, from `pool` when it has one
    /// (pooled frames come back from `reset` with every vector empty, every optional field
    /// unset, `pc` 0 and `entry` false).
    pub fn for_call(pool: &mut Frames, func: &FunctionObj) -> Box<Frame> {
        let code = &func.code;
        match pool.pop() {
            Some(mut f) => {
                let want = code.stack_room as usize;
                if f.stack.capacity() < want {
                    // Exactly: growth by doubling would leave a coroutine's parked frame
                    // with room it never uses.
                    f.stack.reserve_exact(want);
                }
                if !Rc::ptr_eq(&f.code, code) {
                    f.code = code.clone();
                }
                if !f.globals.is(&func.globals) {
                    f.globals = func.globals.clone();
                }
                f
            }
            None => {
                let mut f = Frame::new(code.clone(), func.globals.clone());
                f.locals.clear();
                f
            }
        }
    }

    /// Empties a finished frame for reuse (its frame object, if any, is detached first).
    /// Keeps `code` and `globals`: the next call often runs the same function.
    #[inline(always)]
    pub fn reset(&mut self) {
        self.pc = 0;
        self.entry = false;
        self.for_iter_next = false;
        if !self.stack.is_empty() {
            self.stack.clear();
        }
        self.locals.clear();
        // Most frames have none of these: test before paying for the drop glue.
        if let Some(x) = &mut self.extra {
            x.cells.clear();
            x.locals_map = None;
        }
        if self.generator.is_some() {
            self.generator = None;
        }
        if self.init_self.is_some() {
            self.init_self = None;
        }
        if self.lazy_coro.is_some() {
            self.lazy_coro = None;
        }
        if !self.handled.is_none() {
            self.handled = Value::None;
        }
    }

    /// Index of the executing instruction.
    #[inline]
    pub fn lasti(&self) -> usize {
        self.pc.saturating_sub(1)
    }

    /// Moves every value out (cycle clearing and iterative deallocation), in the order
    /// CPython's `_PyFrame_Clear` releases them: the frame object, the locals from the
    /// first, the cells, the value stack, then the rest. That order decides the order
    /// finalizers run in (two async generators left in a finished coroutine's locals
    /// are closed in the order they were bound).
    pub fn drain_values(&mut self) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        if let Some(fo) = self.extra.as_mut().and_then(|x| x.frame_obj.take()) {
            out.push(Value::Obj(fo));
        }
        out.append(&mut self.locals);
        if let Some(x) = &mut self.extra {
            out.extend(x.cells.drain(..).map(Value::Obj));
        }
        out.append(&mut self.stack);
        if let Some(l) = self.extra.as_mut().and_then(|x| x.locals_map.take()) {
            out.push(Value::Obj(l));
        }
        out.push(std::mem::replace(&mut self.handled, Value::None));
        if let Some(g) = self.generator.take() {
            out.push(Value::Obj(g));
        }
        if let Some(s) = self.init_self.take() {
            out.push(Value::Obj(s));
        }
        if let Some(f) = self.lazy_coro.take() {
            out.push(Value::Obj(f));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    /// A parked task holds two frames (its coroutine's and the one it awaits in): keep a
    /// frame within the allocator's 128-byte size class.
    #[test]
    fn frame_size() {
        assert!(std::mem::size_of::<super::Frame>() <= 128);
    }
}
