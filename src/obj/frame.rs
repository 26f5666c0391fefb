//! Python-visible frame and traceback objects (`types.FrameType`, `types.TracebackType`).
//!
//! The VM runs on native `Frame`s (`crate::vm::frame`). A frame object is created only when
//! something asks for one (a traceback entry, `gi_frame`, `sys._getframe`) and is cached on
//! the native frame. While that frame runs or is suspended, the object is a view of it; when
//! the frame finishes, the object takes over its final locals, as CPython's frame objects do.

use super::function::CodeObj;
use crate::gc::heap::WeakRef;
use crate::vm::value::{ObjRef, Value};
use std::cell::RefCell;
use std::rc::Rc;

pub struct FrameObj {
    pub code: Rc<CodeObj>,
    /// The module namespace (`Obj::Dict`).
    pub globals: ObjRef,
    /// The generator or coroutine owning the frame, to find it while it is suspended. Weak:
    /// a frame object must not keep its generator alive (CPython's does not either). Set
    /// late for a frame that ran without its coroutine object (`Frame::lazy_coro`).
    pub owner: RefCell<Option<WeakRef>>,
    /// None while the native frame is alive; its final state once it finished.
    pub finished: RefCell<Option<FinishedFrame>>,
    /// `f_back`, fixed when the frame finishes (while alive it is the frame below).
    pub back: RefCell<Value>,
    /// The dict `f_locals` returns, refreshed on each read (CPython 3.11 keeps one too).
    pub locals_dict: RefCell<Option<ObjRef>>,
}

/// What a finished frame leaves behind for its frame object.
pub struct FinishedFrame {
    pub locals: Vec<Value>,
    pub cells: Vec<ObjRef>,
    pub locals_map: Option<ObjRef>,
    pub lasti: u32,
}

impl FrameObj {
    pub fn new(code: Rc<CodeObj>, globals: ObjRef, owner: Option<WeakRef>) -> FrameObj {
        FrameObj {
            code,
            globals,
            owner: RefCell::new(owner),
            finished: RefCell::new(None),
            back: RefCell::new(Value::None),
            locals_dict: RefCell::new(None),
        }
    }

    /// Moves out every value this object holds (cycle clearing, iterative deallocation),
    /// in the order CPython's `frame_dealloc` releases them: `f_locals`, the locals from
    /// the first, then `f_back`.
    pub fn drain_values(&self, out: &mut Vec<Value>) {
        if let Ok(mut d) = self.locals_dict.try_borrow_mut() {
            if let Some(d) = d.take() {
                out.push(Value::Obj(d));
            }
        }
        if let Ok(mut f) = self.finished.try_borrow_mut() {
            if let Some(f) = f.as_mut() {
                if let Some(m) = f.locals_map.take() {
                    out.push(Value::Obj(m));
                }
                out.append(&mut f.locals);
                out.extend(f.cells.drain(..).map(Value::Obj));
            }
        }
        if let Ok(mut b) = self.back.try_borrow_mut() {
            out.push(std::mem::replace(&mut *b, Value::None));
        }
    }

    /// Calls `f` on every object referenced.
    pub fn for_each_ref(&self, f: &mut dyn FnMut(&ObjRef)) {
        f(&self.globals);
        if let Ok(fin) = self.finished.try_borrow() {
            if let Some(fin) = fin.as_ref() {
                for v in &fin.locals {
                    if let Value::Obj(o) = v {
                        f(o);
                    }
                }
                fin.cells.iter().for_each(&mut *f);
                if let Some(m) = &fin.locals_map {
                    f(m);
                }
            }
        }
        if let Ok(b) = self.back.try_borrow() {
            if let Value::Obj(o) = &*b {
                f(o);
            }
        }
        if let Ok(d) = self.locals_dict.try_borrow() {
            if let Some(d) = d.as_ref() {
                f(d);
            }
        }
    }
}

/// One link of a traceback chain: outermost frame first, `tb_next` towards the raise.
pub struct TracebackObj {
    /// An `Obj::Frame`.
    pub frame: ObjRef,
    /// Index of the instruction that was executing.
    pub lasti: u32,
    pub next: RefCell<Value>,
}
