//! Frame objects (`tb_frame`, `gi_frame`, `sys._getframe()`): creating them on demand,
//! reading a live or finished frame through them, and their attributes.
//!
//! Known differences from CPython: `f_back` is the frame below on aio's frame stack, so a
//! task's coroutine frame sees aio's own asyncio code (or the caller of `asyncio.run`)
//! where CPython shows `Handle._run`, and imported modules see the importer rather than
//! importlib's frames; `f_lasti`/`tb_lasti` count aio instructions, not CPython bytes.

use super::dictops::set_str;
use super::errors::{exc, PyResult};
use super::frame::Frame;
use super::types::ExcKind;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::frame::{FinishedFrame, FrameObj};
use crate::obj::generator::GenState;
use crate::obj::{DictData, Obj};
use std::rc::Rc;

/// The frame object of `frame`, created and cached on first use. `owner` is the generator
/// holding the frame when it is suspended (a running frame knows its generator).
pub fn frame_object(frame: &mut Frame, owner: Option<&ObjRef>) -> ObjRef {
    if let Some(fo) = frame.frame_obj() {
        return fo.clone();
    }
    let owner = owner.or(frame.generator.as_ref()).map(|g| g.downgrade());
    let fo = ObjRef::new(Obj::Frame(Box::new(FrameObj::new(
        frame.code.clone(),
        frame.globals.clone(),
        owner,
    ))));
    frame.extra_mut().frame_obj = Some(fo.clone());
    fo
}

fn as_frame_obj(fo: &ObjRef) -> Option<&FrameObj> {
    match &**fo {
        Obj::Frame(f) => Some(f),
        _ => None,
    }
}

/// The names and values `f_locals` / `locals()` shows for a frame with fast locals, in
/// CPython's order: parameters and locals, then cells, then free variables.
pub fn fast_locals(
    code: &crate::bytecode::Code,
    locals: &[Value],
    cells: &[ObjRef],
) -> Vec<(Rc<str>, Value)> {
    let cell_value = |i: usize| match cells.get(i).map(|c| &**c) {
        Some(Obj::Cell(cv)) => cv.borrow().clone(),
        _ => Value::Undef,
    };
    let mut pairs = Vec::new();
    for (slot, name) in code.varnames.iter().enumerate() {
        // A parameter captured by an inner function lives in its cell.
        let v = match code.cell_params.iter().find(|(_, p)| *p as usize == slot) {
            Some((cell, _)) => cell_value(*cell as usize),
            None => locals.get(slot).cloned().unwrap_or(Value::Undef),
        };
        if !v.is_undef() {
            pairs.push((name.clone(), v));
        }
    }
    for (i, name) in code.cellvars.iter().chain(code.freevars.iter()).enumerate() {
        let is_param =
            i < code.cellvars.len() && code.cell_params.iter().any(|(c, _)| *c as usize == i);
        if is_param {
            continue;
        }
        let v = cell_value(i);
        if !v.is_undef() {
            pairs.push((name.clone(), v));
        }
    }
    pairs
}

/// What a frame object needs to read from its frame, live or finished.
struct FrameView {
    locals_map: Option<ObjRef>,
    pairs: Vec<(Rc<str>, Value)>,
    lasti: usize,
    /// The frame ran at least one instruction (a new generator's has not).
    started: bool,
}

impl Vm {
    /// The frame object of `self.frames[i]`.
    pub fn frame_object_at(&mut self, i: usize) -> Option<ObjRef> {
        self.frames.get_mut(i).map(|f| frame_object(f, None))
    }

    /// A finishing frame hands its final state to its frame object, whose `f_back` becomes
    /// the caller's frame object (CPython's `take_ownership`).
    pub(crate) fn detach_frame_object(&mut self, frame: &mut Frame) {
        let Some(fo) = frame.take_frame_obj() else {
            return;
        };
        let back = match self.frames.last_mut() {
            Some(caller) => Value::Obj(frame_object(caller, None)),
            None => Value::None,
        };
        if let Some(f) = as_frame_obj(&fo) {
            *f.finished.borrow_mut() = Some(FinishedFrame {
                locals: std::mem::take(&mut frame.locals),
                cells: (frame.extra.as_mut())
                    .map_or_else(Vec::new, |x| std::mem::take(&mut x.cells)),
                locals_map: frame.take_locals_map(),
                lasti: frame.lasti() as u32,
            });
            *f.back.borrow_mut() = back;
        }
    }

    /// Index in `self.frames` of the running frame behind `fo`.
    fn running_index(&self, fo: &ObjRef) -> Option<usize> {
        self.frames
            .iter()
            .rposition(|f| f.frame_obj().is_some_and(|o| o.is(fo)))
    }

    /// Reads the frame behind `fo`: running, suspended in its generator, or finished.
    fn frame_view(&self, fo: &ObjRef) -> FrameView {
        let view = |f: &Frame| FrameView {
            locals_map: f.locals_map().cloned(),
            pairs: fast_locals(&f.code.code, &f.locals, f.cells()),
            lasti: f.lasti(),
            started: f.pc > 0,
        };
        let empty = FrameView {
            locals_map: None,
            pairs: Vec::new(),
            lasti: 0,
            started: true,
        };
        let Some(fobj) = as_frame_obj(fo) else {
            return empty;
        };
        if let Some(fin) = fobj.finished.borrow().as_ref() {
            return FrameView {
                locals_map: fin.locals_map.clone(),
                pairs: fast_locals(&fobj.code.code, &fin.locals, &fin.cells),
                lasti: fin.lasti as usize,
                started: true,
            };
        }
        if let Some(i) = self.running_index(fo) {
            return view(&self.frames[i]);
        }
        let owner = fobj.owner.borrow().as_ref().and_then(|w| w.upgrade());
        if let Some(g) = owner {
            if let Obj::Generator(gen) = &*g {
                if let Some(f) = gen.frame.borrow().as_ref() {
                    if f.frame_obj().is_some_and(|o| o.is(fo)) {
                        return view(f);
                    }
                }
            }
        }
        empty
    }

    /// `frame.f_locals`: the locals mapping of a module or class body, else a dict
    /// refreshed from the fast locals (the same dict each time, as in CPython 3.11).
    fn frame_locals(&mut self, fo: &ObjRef) -> Value {
        let view = self.frame_view(fo);
        if let Some(m) = view.locals_map {
            return Value::Obj(m);
        }
        let Some(fobj) = as_frame_obj(fo) else {
            return Value::None;
        };
        let mut d = DictData::new();
        for (name, v) in view.pairs {
            let key = self.intern(&name);
            set_str(&mut d, key, v);
        }
        let cached = fobj.locals_dict.borrow().clone();
        match cached {
            Some(dict) => {
                if let Obj::Dict(existing) = &*dict {
                    // Dropping the old entries may run finalizers: do it after the borrow.
                    let old = std::mem::replace(&mut *existing.borrow_mut(), d);
                    drop(old);
                }
                Value::Obj(dict)
            }
            None => {
                let dict = ObjRef::new(Obj::Dict(std::cell::RefCell::new(d)));
                *fobj.locals_dict.borrow_mut() = Some(dict.clone());
                Value::Obj(dict)
            }
        }
    }

    /// `frame.f_back`: the caller's frame while running; fixed when the frame finished;
    /// None for a suspended generator.
    fn frame_back(&mut self, fo: &ObjRef) -> Value {
        let Some(fobj) = as_frame_obj(fo) else {
            return Value::None;
        };
        if fobj.finished.borrow().is_some() {
            return fobj.back.borrow().clone();
        }
        match self.running_index(fo) {
            Some(i) if i > 0 => self.frame_object_at(i - 1).map_or(Value::None, Value::Obj),
            _ => Value::None,
        }
    }

    /// Attributes of frame objects.
    pub(crate) fn frame_attr(&mut self, fo: &ObjRef, name: &str) -> Option<Value> {
        let fobj = as_frame_obj(fo)?;
        Some(match name {
            "f_code" => Value::obj(Obj::Code(fobj.code.clone())),
            "f_globals" => Value::Obj(fobj.globals.clone()),
            "f_builtins" => Value::Obj(self.builtins.clone()),
            "f_locals" => self.frame_locals(fo),
            "f_back" => self.frame_back(fo),
            // A frame that has not started is at its `def` line, as in CPython.
            "f_lineno" => {
                let view = self.frame_view(fo);
                let code = &fobj.code.code;
                let line = match view.started {
                    true => code.line_of(view.lasti),
                    false => code.first_line(),
                };
                Value::Int(line as i64)
            }
            // Instruction indices, not CPython's byte offsets: aio's bytecode differs.
            "f_lasti" => {
                let view = self.frame_view(fo);
                Value::Int(match view.started {
                    true => view.lasti as i64 * 2,
                    false => -1,
                })
            }
            "f_trace" => Value::None,
            _ => return None,
        })
    }

    /// `gen.gi_frame` / `coro.cr_frame`: None once finished.
    pub(crate) fn generator_frame(&mut self, g: &ObjRef) -> Value {
        let Obj::Generator(gen) = &**g else {
            return Value::None;
        };
        match gen.state.get() {
            GenState::Finished => Value::None,
            GenState::Running => {
                let i = self
                    .frames
                    .iter()
                    .rposition(|f| f.generator.as_ref().is_some_and(|o| o.is(g)));
                i.and_then(|i| self.frame_object_at(i))
                    .map_or(Value::None, Value::Obj)
            }
            GenState::Created | GenState::Suspended => match gen.frame.borrow_mut().as_mut() {
                Some(f) => Value::Obj(frame_object(f, Some(g))),
                None => Value::None,
            },
        }
    }

    /// `gen.gi_yieldfrom` / `coro.cr_await`: the iterator a suspended frame delegates to.
    pub(crate) fn generator_delegate(&mut self, g: &ObjRef) -> Value {
        // What the fast tier's `await sleep(0)` left there becomes the real coroutine.
        if let Err(e) = self.make_delegate_real(g) {
            drop(e);
        }
        let Obj::Generator(gen) = &**g else {
            return Value::None;
        };
        if gen.state.get() != GenState::Suspended {
            return Value::None;
        }
        let fr = gen.frame.borrow();
        let Some(f) = fr.as_ref() else {
            return Value::None;
        };
        let ops = &f.code.code.ops;
        let i = f.lasti();
        let at_send = matches!(
            (ops.get(i), i.checked_sub(1).and_then(|j| ops.get(j))),
            (
                Some(crate::bytecode::Op::YieldValue),
                Some(crate::bytecode::Op::Send(_))
            )
        );
        if at_send {
            f.stack.last().cloned().unwrap_or(Value::None)
        } else {
            Value::None
        }
    }

    /// `sys._getframe(depth)`.
    pub fn getframe(&mut self, depth: i64) -> PyResult<Value> {
        let n = self.frames.len() as i64;
        let depth = depth.max(0);
        if depth >= n {
            return Err(exc(ExcKind::ValueError, "call stack is not deep enough"));
        }
        Ok(self
            .frame_object_at((n - 1 - depth) as usize)
            .map_or(Value::None, Value::Obj))
    }
}

/// `frame.clear()`: drops the locals of a finished frame; a suspended generator's frame
/// closes its generator first; a frame still executing (on this or another VM thread's
/// stack) is CPython's RuntimeError.
fn frame_clear(vm: &mut Vm, args: &crate::obj::function::Args) -> PyResult<Value> {
    args.check("clear", 1, 1)?;
    let fo = match args.pos.first() {
        Some(Value::Obj(o)) if as_frame_obj(o).is_some() => o.clone(),
        _ => {
            return Err(super::errors::type_error(
                "descriptor 'clear' requires a 'frame' object",
            ))
        }
    };
    let Some(fobj) = as_frame_obj(&fo) else {
        return Ok(Value::None);
    };
    let mut closed = false;
    if fobj.finished.borrow().is_none() && vm.running_index(&fo).is_none() {
        let owner = fobj.owner.borrow().as_ref().and_then(|w| w.upgrade());
        if let Some(g) = owner {
            let suspended = matches!(&*g, Obj::Generator(gen)
                if matches!(gen.state.get(), GenState::Suspended | GenState::Created));
            if suspended {
                vm.gen_close(&g)?;
                closed = true;
            }
        }
    }
    let taken = match fobj.finished.borrow_mut().as_mut() {
        Some(fin) => (
            std::mem::take(&mut fin.locals),
            std::mem::take(&mut fin.cells),
            fin.locals_map.take(),
        ),
        None if closed => (Vec::new(), Vec::new(), None),
        None => {
            return Err(exc(
                ExcKind::RuntimeError,
                "cannot clear an executing frame",
            ))
        }
    };
    let cached = fobj.locals_dict.borrow_mut().take();
    // Dropping the values may run finalizers: after the borrows end.
    drop(taken);
    drop(cached);
    Ok(Value::None)
}

/// Registers the frame type's methods.
pub fn register(vm: &mut Vm) {
    let frame = vm.t.frame.clone();
    vm.add_methods(&frame, "frame", &[("clear", frame_clear)]);
}
