//! The dispatch loop: executes instructions of the innermost frame.
//!
//! Calls to aio functions push a frame and continue here (no Rust recursion); generator
//! frames resumed by `ForIter`/`Send` are linked the same way. `run` returns when the
//! innermost *entry* frame (one started from native code) returns or yields.

use super::call::Prepared;
use super::errors::{exc, runtime_error, type_error, value_error, ExcRef, PyResult};
use super::frame::Frame;
use super::types::ExcKind;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::bytecode::Op;
use crate::obj::generator::GenState;
use crate::obj::{DictData, Obj, SetData, SliceObj};
use crate::syntax::ast::CmpOp;
use std::cell::RefCell;

/// How often (in back-edges and calls) the loop checks for signals and pending GC.
pub(super) const BREAKER_INTERVAL: u32 = 1024;

/// Runs pending finalizers (`__del__`, generator close) at the instructions that can drop
/// the last reference to an object, so their output comes where CPython's does.
macro_rules! finalizers {
    ($vm:expr) => {
        if crate::gc::finalize::pending() {
            crate::gc::finalize::run_pending($vm);
        }
    };
}

impl Vm {
    #[inline(always)]
    pub(crate) fn top(&mut self) -> &mut Frame {
        match self.frames.last_mut() {
            Some(f) => f,
            None => unreachable!("dispatch with an empty frame stack"),
        }
    }

    #[inline(always)]
    fn pop(&mut self) -> Value {
        match self.top().stack.pop() {
            Some(v) => v,
            None => unreachable!("value stack underflow"),
        }
    }

    #[inline(always)]
    fn push(&mut self, v: Value) {
        self.top().stack.push(v);
    }

    #[inline(always)]
    fn peek(&mut self, n: usize) -> Value {
        let s = &self.top().stack;
        s[s.len() - n].clone()
    }

    /// Runs the frame stack until the innermost entry frame returns or yields.
    /// `self.yielded` tells which happened.
    pub fn run(&mut self) -> PyResult<Value> {
        loop {
            match self.exec() {
                Ok(v) => return Ok(v),
                Err(e) => {
                    if let Err(e) = self.unwind(e) {
                        self.propagating = Some(e.0.downgrade());
                        return Err(e);
                    }
                }
            }
        }
    }

    /// Executes instructions until an entry frame exits (Ok) or an exception is raised (Err,
    /// with the frame that raised it still on the stack).
    fn exec(&mut self) -> PyResult<Value> {
        loop {
            // The fast tier runs everything (what it cannot run itself through `exec_op`);
            // it stops only for what needs the caller.
            match super::fast::run(self) {
                super::fast::Exit::Released => finalizers!(self),
                super::fast::Exit::Raise(e) => return Err(e),
                super::fast::Exit::Switch => return Ok(Value::None),
                super::fast::Exit::Return(v) => return Ok(v),
            }
        }
    }

    /// Runs one instruction of the innermost frame the general way (`pc` is already past
    /// it). Some(v) when the innermost entry frame exited with `v` (a return, a yield, or
    /// an executor job leaving the CPU).
    pub(super) fn exec_op(&mut self, op: Op) -> PyResult<Option<Value>> {
        let code = self.top().code.clone();
        match op {
            Op::Nop => {}
            Op::PopTop => {
                drop(self.pop());
                finalizers!(self);
            }
            Op::Copy(n) => {
                let v = self.peek(n as usize);
                self.push(v);
            }
            Op::Swap(n) => {
                let s = &mut self.top().stack;
                let len = s.len();
                s.swap(len - 1, len - n as usize);
            }
            Op::PushNull => self.push(Value::Undef),
            Op::LoadConst(i) => {
                let v = code.consts[i as usize].clone();
                self.top().stack.push(v);
            }
            Op::LoadFast(i) => {
                let f = self.top();
                let v = f.locals[i as usize].clone();
                if v.is_undef() {
                    let name = code.code.varnames[i as usize].clone();
                    return Err(exc(
                        ExcKind::UnboundLocalError,
                        format!("cannot access local variable '{name}' where it is not associated with a value"),
                    ));
                }
                f.stack.push(v);
            }
            Op::StoreFast(i) => {
                let f = self.top();
                let v = f.stack.pop().unwrap_or(Value::None);
                let old = std::mem::replace(&mut f.locals[i as usize], v);
                drop(old);
                finalizers!(self);
            }
            Op::DeleteFast(i) => {
                let old = std::mem::replace(&mut self.top().locals[i as usize], Value::Undef);
                if old.is_undef() {
                    let name = code.code.varnames[i as usize].clone();
                    return Err(exc(
                        ExcKind::UnboundLocalError,
                        format!("cannot access local variable '{name}' where it is not associated with a value"),
                    ));
                }
                // What `del x` freed finalizes now, on this line (a never-awaited
                // coroutine's warning names it).
                drop(old);
                finalizers!(self);
            }
            Op::LoadDeref(i) | Op::LoadClosure(i) => {
                let cell = self.top().cells()[i as usize].clone();
                if let Op::LoadClosure(_) = op {
                    self.push(Value::Obj(cell));
                    return Ok(None);
                }
                let v = match &*cell {
                    Obj::Cell(c) => c.borrow().clone(),
                    _ => Value::Undef,
                };
                if v.is_undef() {
                    return Err(self.unbound_cell(&code, i as usize));
                }
                self.push(v);
            }
            Op::StoreDeref(i) => {
                let v = self.pop();
                let cell = self.top().cells()[i as usize].clone();
                if let Obj::Cell(c) = &*cell {
                    let old = c.replace(v);
                    drop(old);
                }
                finalizers!(self);
            }
            Op::DeleteDeref(i) => {
                let cell = self.top().cells()[i as usize].clone();
                if let Obj::Cell(c) = &*cell {
                    if c.replace(Value::Undef).is_undef() {
                        return Err(self.unbound_cell(&code, i as usize));
                    }
                }
                finalizers!(self);
            }
            Op::LoadClassDeref(i) => {
                let ncell = code.code.cellvars.len();
                let name = Value::str(&code.code.freevars[i as usize - ncell.min(i as usize)]);
                let map = self.top().locals_map().cloned();
                let found = match map.as_deref() {
                    Some(Obj::Dict(d)) => super::dictops::get_str(&d.borrow(), &name),
                    _ => None,
                };
                let v = match found {
                    Some(v) => v,
                    None => {
                        let cell = self.top().cells()[i as usize].clone();
                        let v = match &*cell {
                            Obj::Cell(c) => c.borrow().clone(),
                            _ => Value::Undef,
                        };
                        if v.is_undef() {
                            return Err(self.unbound_cell(&code, i as usize));
                        }
                        v
                    }
                };
                self.push(v);
            }
            Op::LoadGlobal(i) => {
                let v = self.load_global_cached(&code, i as usize)?;
                self.push(v);
            }
            Op::StoreGlobal(i) => {
                let v = self.pop();
                let g = self.top().globals.clone();
                if let Obj::Dict(d) = &*g {
                    super::dictops::set_str(&mut d.borrow_mut(), code.names[i as usize].clone(), v);
                }
                finalizers!(self);
            }
            Op::DeleteGlobal(i) => {
                let g = self.top().globals.clone();
                let name = &code.names[i as usize];
                let removed = match &*g {
                    Obj::Dict(d) => super::dictops::del_str(&mut d.borrow_mut(), name),
                    _ => None,
                };
                if removed.is_none() {
                    return Err(super::errors::name_error(name.as_str().unwrap_or("?")));
                }
                drop(removed);
                finalizers!(self);
            }
            Op::LoadName(i) => {
                let name = &code.names[i as usize];
                let map = self.top().locals_map().cloned();
                let v = match &map {
                    // A class body or exec() with its own locals: those first.
                    Some(m) if !self.top().names_are_globals() => {
                        match self.mapping_get(m, name)? {
                            Some(v) => v,
                            None => self.load_global(name)?,
                        }
                    }
                    // Module code: a global lookup, through `LoadGlobal`'s cache (which the
                    // fast tier's `LoadName` reads).
                    _ => self.load_global_cached(&code, i as usize)?,
                };
                self.push(v);
            }
            Op::StoreName(i) => {
                let v = self.pop();
                let name = code.names[i as usize].clone();
                let map = self.top().locals_map().cloned();
                match map {
                    Some(m) => self.mapping_set(&m, name, v)?,
                    None => {
                        let g = self.top().globals.clone();
                        if let Obj::Dict(d) = &*g {
                            super::dictops::set_str(&mut d.borrow_mut(), name, v);
                        }
                    }
                }
                finalizers!(self);
            }
            Op::DeleteName(i) => {
                let name = code.names[i as usize].clone();
                let map = self
                    .top()
                    .locals_map()
                    .cloned()
                    .unwrap_or_else(|| self.top().globals.clone());
                let removed = match &*map {
                    Obj::Dict(d) => super::dictops::del_str(&mut d.borrow_mut(), &name),
                    _ => None,
                };
                if removed.is_none() {
                    return Err(super::errors::name_error(name.as_str().unwrap_or("?")));
                }
                drop(removed);
                finalizers!(self);
            }
            Op::LoadAttr(i) => {
                let obj = self.pop();
                let name = &code.names[i as usize];
                if self.property_get_frame(&obj, name)? {
                    return Ok(None);
                }
                let v = self.get_attr(&obj, name)?;
                self.push(v);
            }
            Op::StoreAttr(i) => {
                let obj = self.pop();
                let v = self.pop();
                self.set_attr(&obj, &code.names[i as usize], v)?;
                drop(obj);
                finalizers!(self);
            }
            Op::DeleteAttr(i) => {
                let obj = self.pop();
                self.del_attr(&obj, &code.names[i as usize])?;
                drop(obj);
                finalizers!(self);
            }
            Op::LoadMethod(i) => {
                let obj = self.pop();
                match self.load_method(&obj, &code.names[i as usize])? {
                    (f, Some(s)) => {
                        // A method found on the class: the fast tier's cache.
                        if let (Value::Obj(m), Some(slot)) = (&f, code.method_cache.get(i as usize))
                        {
                            *slot.borrow_mut() = Some(crate::obj::function::MethodCache {
                                class_addr: self.type_of(&s).addr(),
                                epoch: super::lookup_cache::epoch(),
                                method: m.downgrade(),
                                receiver: None,
                                names_version: u32::MAX,
                                unshadowed: false,
                            });
                        }
                        self.push(f);
                        self.push(s);
                    }
                    (a, None) => {
                        self.push(Value::Undef);
                        self.push(a);
                    }
                }
            }
            Op::BinarySubscr => {
                let key = self.pop();
                let obj = self.pop();
                let v = self.getitem(&obj, &key)?;
                self.push(v);
            }
            Op::StoreSubscr => {
                let key = self.pop();
                let obj = self.pop();
                let v = self.pop();
                self.setitem(&obj, &key, v)?;
                drop((obj, key));
                finalizers!(self);
            }
            Op::DeleteSubscr => {
                let key = self.pop();
                let obj = self.pop();
                self.delitem(&obj, &key)?;
                drop((obj, key));
                finalizers!(self);
            }
            Op::Binary(bop) | Op::InplaceBinary(bop) => {
                let b = self.pop();
                let a = self.pop();
                let r = self.binary_op(&a, &b, bop, matches!(op, Op::InplaceBinary(_)))?;
                self.push(r);
            }
            Op::Unary(uop) => {
                let a = self.pop();
                let r = self.unary_op(&a, uop)?;
                self.push(r);
            }
            Op::Compare(cop) => {
                let b = self.pop();
                let a = self.pop();
                let r = match (&a, &b) {
                    (Value::Int(x), Value::Int(y)) => Value::Bool(match cop {
                        CmpOp::Lt => x < y,
                        CmpOp::LtE => x <= y,
                        CmpOp::Gt => x > y,
                        CmpOp::GtE => x >= y,
                        CmpOp::Eq | CmpOp::Is => x == y,
                        CmpOp::NotEq | CmpOp::IsNot => x != y,
                        _ => {
                            let r = self.compare(&a, &b, cop)?;
                            self.push(r);
                            return Ok(None);
                        }
                    }),
                    _ => self.compare(&a, &b, cop)?,
                };
                self.push(r);
            }
            Op::Jump(t) => {
                // Check for Ctrl-C before jumping back, so an interrupt is raised at the
                // jump (inside the loop and its try blocks), not at the loop's entry.
                let back = (t as usize) < self.top().pc;
                if back {
                    self.breaker()?;
                }
                self.top().pc = t as usize;
                // An executor job's switch interval ended (eventloop::vthreads).
                if back && self.aio.vthreads.switch.is_some() {
                    return Ok(Some(Value::None));
                }
            }
            Op::PopJumpIfFalse(t) | Op::PopJumpIfTrue(t) => {
                let f = self.top();
                let v = f.stack.pop().unwrap_or(Value::None);
                let b = match v {
                    Value::Bool(b) => b,
                    _ => self.truthy(&v)?,
                };
                if b == matches!(op, Op::PopJumpIfTrue(_)) {
                    self.top().pc = t as usize;
                }
            }
            Op::PopJumpIfNone(t) => {
                if self.pop().is_none() {
                    self.top().pc = t as usize;
                }
            }
            Op::PopJumpIfNotNone(t) => {
                if !self.pop().is_none() {
                    self.top().pc = t as usize;
                }
            }
            Op::JumpIfFalseOrPop(t) => {
                let v = self.peek(1);
                if !self.truthy(&v)? {
                    self.top().pc = t as usize;
                } else {
                    self.pop();
                }
            }
            Op::JumpIfTrueOrPop(t) => {
                let v = self.peek(1);
                if self.truthy(&v)? {
                    self.top().pc = t as usize;
                } else {
                    self.pop();
                }
            }
            Op::GetIter => {
                let v = self.pop();
                let it = self.iter(&v)?;
                self.push(it);
            }
            Op::ForIter(t) => {
                let it = self.peek(1);
                if let Value::Obj(o) = &it {
                    if let Obj::Generator(_) = &**o {
                        self.resume_inline(o, Value::None)?;
                        return Ok(None);
                    }
                }
                if self.for_iter_frame(&it)? {
                    return Ok(None);
                }
                match self.next(&it)? {
                    Some(v) => self.push(v),
                    None => {
                        let f = self.top();
                        f.stack.pop();
                        f.pc = t as usize;
                    }
                }
            }
            Op::Return => {
                let v = self.pop();
                if let Some(v) = self.return_from_frame(v)? {
                    return Ok(Some(v));
                }
                finalizers!(self);
            }
            Op::KwNames(i) => {
                self.kwnames = Some(code.consts[i as usize].clone());
            }
            Op::Call(n) => {
                finalizers!(self);
                if self.do_call(n as usize)? {
                    self.breaker()?;
                }
                // An executor job called `time.sleep` or its switch interval ended: it
                // leaves the CPU, back to its driver (eventloop::vthreads).
                if self.aio.vthreads.switch.is_some() {
                    return Ok(Some(Value::None));
                }
            }
            Op::CallEx(flags) => {
                let kwargs = if flags & 1 != 0 {
                    Some(self.pop())
                } else {
                    None
                };
                let args = self.pop();
                let func = self.pop();
                let _null = self.pop();
                let mut all = match self.collect(&args) {
                    Ok(v) => v,
                    Err(e)
                        if e.is(ExcKind::TypeError)
                            && self.lookup_special(&args, "__iter__").is_none() =>
                    {
                        return Err(type_error(format!(
                            "{} argument after * must be an iterable, not {}",
                            self.function_str(&func)?,
                            self.type_name(&args)
                        )))
                    }
                    Err(e) => return Err(e),
                };
                let mut names = Vec::new();
                if let Some(kw) = kwargs {
                    self.kwargs_into(&kw, &func, &mut all, &mut names)?;
                }
                // `time.sleep(*args)` in a VM thread parks it, as `Call` does (an
                // executor's job is often `fn(*args, **kwargs)` of `time.sleep` itself).
                if self.aio.vthreads.depth > 0
                    && names.is_empty()
                    && crate::eventloop::vthreads::is_time_sleep(&func)
                {
                    let a = crate::obj::function::Args {
                        pos: &all,
                        kwnames: &[],
                        kwvalues: &[],
                    };
                    let r = self.vthread_sleep_call(&a)?;
                    self.push(r);
                    if self.aio.vthreads.switch.is_some() {
                        return Ok(Some(Value::None));
                    }
                    return Ok(None);
                }
                match self.prepare_call(&func, None, &all, &names)? {
                    Prepared::Done(v) => self.push(v),
                    Prepared::Frame(f) => {
                        self.push_frame(f)?;
                    }
                }
            }
            Op::MakeFunction(flags) => {
                let v = self.make_function(flags)?;
                self.push(v);
            }
            Op::LoadBuildClass => {
                let v = self.load_global(&Value::str("__build_class__"))?;
                self.push(v);
            }
            Op::BuildTuple(n) => {
                let items = self.pop_n(n as usize);
                self.push(Value::tuple(items));
            }
            Op::BuildList(n) => {
                let items = self.pop_n(n as usize);
                self.push(Value::list(items));
            }
            Op::BuildSet(n) => {
                let items = self.pop_n(n as usize);
                let mut s = SetData::new();
                for it in items {
                    self.setdata_add(&mut s, it)?;
                }
                self.push(Value::set(s));
            }
            Op::BuildMap(n) => {
                let items = self.pop_n(2 * n as usize);
                let d = ObjRef::new(Obj::Dict(RefCell::new(DictData::with_capacity(n as usize))));
                let mut it = items.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    self.dict_set(&d, k, v)?;
                }
                self.push(Value::Obj(d));
            }
            Op::BuildString(n) => {
                let items = self.pop_n(n as usize);
                self.push(crate::obj::str::concat_values(&items));
            }
            Op::BuildSlice(n) => {
                let step = if n == 3 { self.pop() } else { Value::None };
                let stop = self.pop();
                let start = self.pop();
                self.push(Value::obj(Obj::Slice(SliceObj { start, stop, step })));
            }
            Op::ListAppend(i) => {
                let v = self.pop();
                let target = self.peek(i as usize);
                if let Value::Obj(o) = &target {
                    if let Obj::List(l) = &**o {
                        l.borrow_mut().push(v);
                    }
                }
            }
            Op::SetAdd(i) => {
                let v = self.pop();
                let target = self.peek(i as usize);
                if let Value::Obj(o) = &target {
                    self.set_add(o, v)?;
                }
            }
            Op::MapAdd(i) => {
                let v = self.pop();
                let k = self.pop();
                let target = self.peek(i as usize);
                if let Value::Obj(o) = &target {
                    self.dict_set(o, k, v)?;
                }
            }
            Op::ListExtend(i) => {
                let it = self.pop();
                let target = self.peek(i as usize);
                let items = match self.collect(&it) {
                    Ok(items) => items,
                    Err(e)
                        if e.is(ExcKind::TypeError)
                            && self.lookup_special(&it, "__iter__").is_none() =>
                    {
                        return Err(type_error(format!(
                            "Value after * must be an iterable, not {}",
                            self.type_name(&it)
                        )))
                    }
                    Err(e) => return Err(e),
                };
                if let Value::Obj(o) = &target {
                    if let Obj::List(l) = &**o {
                        l.borrow_mut().extend(items);
                    }
                }
            }
            Op::SetUpdate(i) => {
                let it = self.pop();
                let target = self.peek(i as usize);
                if let Value::Obj(o) = &target {
                    crate::obj::methods::set::update_internal(self, o, &it)?;
                }
            }
            Op::DictUpdate(i) => {
                let m = self.pop();
                let target = self.peek(i as usize);
                self.dict_update_from(&target, &m, None)?;
            }
            Op::DictMerge(i) => {
                // Only calls merge: the callee sits under the args tuple, below the dict.
                let m = self.pop();
                let target = self.peek(i as usize);
                let callee = self.peek(i as usize + 2);
                self.dict_update_from(&target, &m, Some(&callee))?;
            }
            Op::GetLen => {
                let v = self.peek(1);
                let n = self.len(&v)?;
                self.push(Value::Int(n as i64));
            }
            Op::MatchMapping => {
                let v = self.peek(1);
                let b = self.match_mapping(&v);
                self.push(Value::Bool(b));
            }
            Op::MatchSequence => {
                let v = self.peek(1);
                let b = self.match_sequence(&v);
                self.push(Value::Bool(b));
            }
            Op::MatchKeys => {
                let keys = self.peek(1);
                let subject = self.peek(2);
                let r = self.match_keys(&subject, &keys)?;
                self.push(r);
            }
            Op::MatchClass(npos) => {
                let names = self.pop();
                let cls = self.pop();
                let subject = self.pop();
                let r = self.match_class(&subject, &cls, &names, npos as usize)?;
                self.push(r);
            }
            Op::StoreUnder(i) => {
                let v = self.pop();
                let s = &mut self.top().stack;
                let at = s.len() - i as usize;
                let old = std::mem::replace(&mut s[at], v);
                drop(old);
            }
            Op::ListToTuple => {
                let l = self.pop();
                let items = self.collect(&l)?;
                self.push(Value::tuple(items));
            }
            Op::FormatValue(flags) => {
                let spec = if flags & 4 != 0 {
                    Some(self.pop())
                } else {
                    None
                };
                let v = self.pop();
                let v = match flags & 3 {
                    1 => self.to_str_value(&v)?,
                    2 => Value::string(self.repr(&v)?),
                    3 => Value::string(self.ascii(&v)?),
                    _ => v,
                };
                let s = self.format(&v, spec.as_ref())?;
                self.push(s);
            }
            Op::UnpackSequence(n) => {
                let seq = self.pop();
                let items = self.unpack(&seq, n as usize)?;
                let f = self.top();
                f.stack.extend(items.into_iter().rev());
            }
            Op::UnpackEx(arg) => {
                let before = (arg & 0xff) as usize;
                let after = (arg >> 8) as usize;
                let seq = self.pop();
                let items = self.unpack_all(&seq)?;
                if items.len() < before + after {
                    return Err(value_error(format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        before + after,
                        items.len()
                    )));
                }
                let mid_end = items.len() - after;
                let mut out: Vec<Value> = Vec::with_capacity(before + after + 1);
                out.extend(items[..before].iter().cloned());
                out.push(Value::list(items[before..mid_end].to_vec()));
                out.extend(items[mid_end..].iter().cloned());
                self.top().stack.extend(out.into_iter().rev());
            }
            Op::RaiseVarargs(n) => {
                return Err(self.do_raise(n)?);
            }
            Op::PushExcInfo => {
                let e = self.pop();
                let f = self.top();
                let prev = std::mem::replace(&mut f.handled, e.clone());
                f.stack.push(prev);
                f.stack.push(e);
            }
            Op::PopExcept => {
                let prev = self.pop();
                self.top().handled = prev;
            }
            Op::Reraise => {
                let e = self.pop();
                self.skip_tb = true;
                return Err(self.as_exception(e)?);
            }
            Op::CheckExcMatch => {
                let t = self.pop();
                let e = self.peek(1);
                let m = self.exception_matches(&e, &t)?;
                self.push(Value::Bool(m));
            }
            Op::CheckEgMatch => {
                let t = self.pop();
                let e = self.pop();
                let (rest, matched) = self.eg_match(&e, &t)?;
                if !matched.is_none() {
                    // As CPython: the handler runs with the matched part as the
                    // exception being handled (the `__context__` of what it raises).
                    self.top().handled = matched.clone();
                }
                self.push(rest);
                self.push(matched);
            }
            Op::PrepReraiseStar => {
                let raised = self.pop();
                let orig = self.pop();
                let r = self.prep_reraise_star(&orig, &raised)?;
                self.push(r);
            }
            Op::LoadAssertionError => {
                self.push(Value::Obj(super::types::exc_class(ExcKind::AssertionError)));
            }
            Op::BeforeWith => {
                let mgr = self.pop();
                let enter = self.special_method(&mgr, "__enter__", "context manager", false)?;
                let exit = self.special_method(&mgr, "__exit__", "context manager", true)?;
                self.push(exit);
                // Called as `Call(0)` calls: an aio `__enter__` runs in this loop, where a
                // VM thread's lock wait inside it can park the thread (`modules::thread`).
                self.push(Value::Undef);
                self.push(enter);
                if self.do_call(0)? {
                    self.breaker()?;
                }
                if self.aio.vthreads.switch.is_some() {
                    return Ok(Some(Value::None));
                }
            }
            Op::WithExceptStart => {
                let e = self.peek(1);
                let exit = self.peek(3);
                let t = Value::Obj(self.type_of(&e));
                let tb = match &e {
                    Value::Obj(o) => super::traceback::traceback_value(o),
                    _ => Value::None,
                };
                let r = self.call(&exit, &[t, e, tb])?;
                self.push(r);
            }
            Op::YieldValue => {
                let v = self.pop();
                if let Some(v) = self.yield_from_frame(v)? {
                    return Ok(Some(v));
                }
            }
            Op::GetYieldFromIter => {
                let v = self.pop();
                let it = self.yield_from_iter(v)?;
                self.push(it);
            }
            Op::GetAwaitable(kind) => {
                let v = self.pop();
                let a = match self.get_awaitable(&v) {
                    Err(e) if kind != 0 && e.is(ExcKind::TypeError) => {
                        return Err(self.async_with_awaitable_error(&v, kind, e));
                    }
                    r => r?,
                };
                self.push(a);
            }
            Op::Send(t) => {
                let v = self.pop();
                let recv = self.peek(1);
                if let Value::Obj(o) = &recv {
                    match &**o {
                        Obj::Generator(_) => {
                            self.resume_inline(o, v)?;
                            return Ok(None);
                        }
                        Obj::Future(_) => {
                            self.send_to_future(o, t)?;
                            return Ok(None);
                        }
                        Obj::AsyncAwaitable(_) => {
                            let Some(v) = self.asend_inline(o, v)? else {
                                return Ok(None);
                            };
                            match self.awaitable_send(o, v)? {
                                super::generator::GenOutcome::Yielded(y) => self.push(y),
                                super::generator::GenOutcome::Returned(r) => {
                                    let f = self.top();
                                    f.stack.pop();
                                    f.stack.push(r);
                                    f.pc = t as usize;
                                }
                            }
                            return Ok(None);
                        }
                        _ => {}
                    }
                }
                let r = if v.is_none() {
                    self.next(&recv)
                } else {
                    self.call_method(&recv, "send", &[v]).map(Some)
                };
                match r {
                    Ok(Some(y)) => self.push(y),
                    Ok(None) => {
                        let f = self.top();
                        f.stack.pop();
                        f.stack.push(Value::None);
                        f.pc = t as usize;
                    }
                    Err(e) if e.is(ExcKind::StopIteration) => {
                        let val = super::generator::stop_iteration_value(&e);
                        let f = self.top();
                        f.stack.pop();
                        f.stack.push(val);
                        f.pc = t as usize;
                    }
                    Err(e) => return Err(e),
                }
            }
            Op::GetAIter => {
                let v = self.pop();
                let r = match self.lookup_special(&v, "__aiter__") {
                    Some(f) => self.call(&f, &[v])?,
                    None => {
                        return Err(type_error(format!(
                            "'async for' requires an object with __aiter__ method, got {}",
                            self.type_name(&v)
                        )))
                    }
                };
                // As CPython's GET_AITER: what `__aiter__` gave must have `__anext__`, or
                // it is released (finalized on this line) and the loop does not start.
                let agen = matches!(&r, Value::Obj(o) if matches!(&**o, Obj::Generator(g) if g.agen.is_some()));
                if !agen && self.lookup_special(&r, "__anext__").is_none() {
                    let e = type_error(format!(
                        "'async for' received an object from __aiter__ that does not implement __anext__: {}",
                        self.type_name(&r)
                    ));
                    drop(r);
                    finalizers!(self);
                    return Err(e);
                }
                self.push(r);
            }
            Op::GetANext => {
                let it = self.peek(1);
                if let Value::Obj(o) = &it {
                    if matches!(&**o, Obj::Generator(g) if g.agen.is_some()) {
                        let a = self.agen_asend(o, Value::None)?;
                        self.push(a);
                        return Ok(None);
                    }
                }
                let r = match self.lookup_special(&it, "__anext__") {
                    Some(f) => self.call(&f, std::slice::from_ref(&it))?,
                    None => {
                        return Err(type_error(format!(
                            "'async for' received an object from __aiter__ that does not implement __anext__: {}",
                            self.type_name(&it)
                        )))
                    }
                };
                let a = self.async_for_awaitable(&r)?;
                self.push(a);
            }
            Op::EndAsyncFor => {
                let e = self.pop();
                let ex = self.as_exception(e)?;
                if ex.is(ExcKind::StopAsyncIteration) {
                    self.pop();
                } else {
                    self.skip_tb = true;
                    return Err(ex);
                }
            }
            Op::BeforeAsyncWith => {
                let mgr = self.pop();
                let enter =
                    self.special_method(&mgr, "__aenter__", "asynchronous context manager", false)?;
                let exit =
                    self.special_method(&mgr, "__aexit__", "asynchronous context manager", true)?;
                self.push(exit);
                let r = self.call(&enter, &[])?;
                let a = match self.get_awaitable(&r) {
                    Err(e) if e.is(ExcKind::TypeError) => {
                        return Err(self.async_with_awaitable_error(&r, 1, e));
                    }
                    r => r?,
                };
                self.push(a);
            }
            Op::ImportName(i) => {
                let fromlist = self.pop();
                let level = self.pop();
                let m = self.import_name(&code.names[i as usize], &fromlist, &level)?;
                self.push(m);
            }
            Op::ImportFrom(i) => {
                let m = self.peek(1);
                let v = self.import_from(&m, &code.names[i as usize])?;
                self.push(v);
            }
            Op::ImportStar => {
                let m = self.pop();
                self.import_star(&m)?;
            }
            Op::SetupAnnotations => {
                let map = self.top().locals_map().cloned();
                if let Some(m) = map {
                    let key = self.intern("__annotations__");
                    if self.mapping_get(&m, &key)?.is_none() {
                        self.mapping_set(&m, key, Value::dict(DictData::new()))?;
                    }
                }
            }
            Op::AsyncGenWrap => self.async_gen_yield = true,
            Op::PrintExpr => {
                let v = self.pop();
                self.print_expr(v)?;
            }
        }
        Ok(None)
    }

    fn pop_n(&mut self, n: usize) -> Vec<Value> {
        let s = &mut self.top().stack;
        let at = s.len() - n;
        s.split_off(at)
    }

    fn unbound_cell(&self, code: &crate::obj::CodeObj, i: usize) -> ExcRef {
        let c = &code.code;
        if i < c.cellvars.len() {
            exc(
                ExcKind::UnboundLocalError,
                format!(
                    "cannot access local variable '{}' where it is not associated with a value",
                    c.cellvars[i]
                ),
            )
        } else {
            let name = c
                .freevars
                .get(i - c.cellvars.len())
                .cloned()
                .unwrap_or_else(|| "?".into());
            exc(
                ExcKind::NameError,
                format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"),
            )
        }
    }

    /// `LoadGlobal` through the code object's per-name cache.
    #[inline]
    fn load_global_cached(&mut self, code: &crate::obj::CodeObj, i: usize) -> PyResult<Value> {
        let frames_top = match self.frames.last() {
            Some(f) => f,
            None => unreachable!("dispatch with an empty frame stack"),
        };
        let g = &frames_top.globals;
        if let Some(v) = cached_global(code, i, g, &self.builtins) {
            return Ok(v);
        }
        let cache = &code.global_cache[i];
        if let (Obj::Dict(gd), Obj::Dict(bd)) = (&**g, &*self.builtins) {
            let gd = gd.borrow();
            let name = &code.names[i];
            if let Some(idx) = super::dictops::index_str(&gd, name) {
                cache.set(crate::obj::function::GlobalCache {
                    globals_addr: g.addr(),
                    globals_layout: gd.layout(),
                    builtins_layout: 0,
                    in_builtins: false,
                    index: idx as u32,
                });
                return Ok(gd
                    .entry(idx)
                    .map(|e| e.value.clone())
                    .unwrap_or(Value::None));
            }
            let bd = bd.borrow();
            if let Some(idx) = super::dictops::index_str(&bd, name) {
                cache.set(crate::obj::function::GlobalCache {
                    globals_addr: g.addr(),
                    globals_layout: gd.layout(),
                    builtins_layout: bd.layout(),
                    in_builtins: true,
                    index: idx as u32,
                });
                return Ok(bd
                    .entry(idx)
                    .map(|e| e.value.clone())
                    .unwrap_or(Value::None));
            }
        }
        let name = code.names[i].clone();
        self.load_global(&name)
    }

    /// A global name: the frame's globals, then builtins.
    pub(crate) fn load_global(&mut self, name: &Value) -> PyResult<Value> {
        let g = self.top().globals.clone();
        if let Obj::Dict(d) = &*g {
            if let Some(v) = super::dictops::get_str(&d.borrow(), name) {
                return Ok(v);
            }
        }
        if let Obj::Dict(d) = &*self.builtins {
            if let Some(v) = super::dictops::get_str(&d.borrow(), name) {
                return Ok(v);
            }
        }
        if let Some(v) = self.site_builtin(name)? {
            return Ok(v);
        }
        Err(super::errors::name_error(name.as_str().unwrap_or("?")))
    }

    /// `exit`, `quit` and `help`, which CPython's `site` adds to the builtins: bound by
    /// importing `_sitebuiltins` the first time a program looks one up (unless it deleted
    /// it since), so start-up does not pay for them.
    pub(crate) fn site_builtin(&mut self, name: &Value) -> PyResult<Option<Value>> {
        if !name
            .as_str()
            .is_some_and(|n| crate::stdlib::SITE_BUILTINS.contains(&n))
        {
            return Ok(None);
        }
        if self.sys_module("_sitebuiltins").is_some() {
            return Ok(None);
        }
        self.import_module("_sitebuiltins")?;
        Ok(match &*self.builtins {
            Obj::Dict(d) => super::dictops::get_str(&d.borrow(), name),
            _ => None,
        })
    }

    fn mapping_get(&mut self, m: &ObjRef, key: &Value) -> PyResult<Option<Value>> {
        match &**m {
            Obj::Dict(d) => Ok(super::dictops::get_str(&d.borrow(), key)),
            _ => match self.getitem(&Value::Obj(m.clone()), key) {
                Ok(v) => Ok(Some(v)),
                Err(e) if e.is(ExcKind::KeyError) => Ok(None),
                Err(e) => Err(e),
            },
        }
    }

    fn mapping_set(&mut self, m: &ObjRef, key: Value, v: Value) -> PyResult<()> {
        match &**m {
            Obj::Dict(d) => {
                super::dictops::set_str(&mut d.borrow_mut(), key, v);
                Ok(())
            }
            _ => self.setitem(&Value::Obj(m.clone()), &key, v),
        }
    }

    /// Periodic work at back-edges and calls: signals, pending finalizers, cycle GC.
    #[inline]
    fn breaker(&mut self) -> PyResult<()> {
        self.breaker_count = self.breaker_count.wrapping_add(1);
        if self.breaker_count.is_multiple_of(BREAKER_INTERVAL) {
            self.periodic()?;
            if self.aio.vthreads.depth > 0 {
                self.vthread_check_switch();
            }
        }
        Ok(())
    }

    /// Executes `Call(n)`. Returns true when a new frame was pushed.
    fn do_call(&mut self, n: usize) -> PyResult<bool> {
        let len = self.top().stack.len();
        let base = len - n - 2;
        if self.kwnames.is_none() {
            if let Some(r) = self.call_native_in_place(base) {
                self.push(r?);
                return Ok(false);
            }
        }
        let kwnames = self.kwnames.take();
        let (first, second) = {
            let s = &mut self.top().stack;
            (
                std::mem::replace(&mut s[base], Value::Undef),
                std::mem::replace(&mut s[base + 1], Value::Undef),
            )
        };
        let (func, self_) = if first.is_undef() {
            (second, None)
        } else {
            (first, Some(second))
        };
        if kwnames.is_none() {
            if let Value::Obj(o) = &func {
                if let Obj::Function(f) = &**o {
                    if f.code
                        .code
                        .takes_exactly_positional(n + self_.is_some() as usize)
                    {
                        self.push_positional_frame(f, self_, base)?;
                        return Ok(true);
                    }
                }
            }
        }
        let names: &[Value] = match &kwnames {
            Some(t) => t.as_tuple().unwrap_or(&[]),
            None => &[],
        };
        // Bind straight from the caller's stack: take it out of the frame for the call
        // (nothing reads a frame's value stack while it is calling), then put it back.
        let mut stack = std::mem::take(&mut self.top().stack);
        let r = if counts_as_recursion(&func) {
            self.recursive(super::recursion::IN_BUILTIN_CALL, |vm| {
                vm.prepare_call(&func, self_.as_ref(), &stack[base + 2..], names)
            })
        } else {
            self.prepare_call(&func, self_.as_ref(), &stack[base + 2..], names)
        };
        stack.truncate(base);
        self.top().stack = stack;
        match r? {
            Prepared::Done(v) => {
                self.push(v);
                Ok(false)
            }
            Prepared::Frame(f) => {
                self.push_frame(f)?;
                Ok(true)
            }
        }
    }

    /// `Call` of a native function or method (not one bound to its receiver) with
    /// positional arguments only: they are passed straight from the caller's stack, where
    /// `LoadMethod` already put the receiver in front of them (`prepare_call` would copy
    /// them into a new vector). None when the callable is anything else.
    pub(super) fn call_native_in_place(&mut self, base: usize) -> Option<PyResult<Value>> {
        let stack = &self.top().stack;
        let (callable, start) = match &stack[base..base + 2] {
            [Value::Undef, Value::Obj(o)] => (o, base + 2),
            [Value::Obj(o), _] => (o, base + 1),
            _ => return None,
        };
        let Obj::Native(native) = &**callable else {
            return None;
        };
        if native.self_.is_some() {
            return None;
        }
        let (func, owner, name) = (native.func, native.owner, native.name);
        // `time.sleep` called by an executor job's frame parks the job (eventloop::vthreads).
        let job_sleep =
            self.aio.vthreads.depth > 0 && crate::eventloop::vthreads::is_sleep_native(owner, name);
        let counted = counts_as_recursion_native(owner, name);
        // Nothing reads a frame's value stack while it is calling: take it out for the call
        // (the callable stays alive in it), then put it back without the call's values.
        let mut stack = std::mem::take(&mut self.top().stack);
        let a = crate::obj::function::Args {
            pos: &stack[start..],
            kwnames: &[],
            kwvalues: &[],
        };
        let call = |vm: &mut Vm| match super::payload::call_native(vm, owner, name, func, &a) {
            Some(r) => r,
            None => func(vm, &a),
        };
        let r = if job_sleep {
            self.vthread_sleep_call(&a)
        } else if self.aio.vthreads.depth > 0 && crate::modules::thread::is_wait_native(owner, name)
        {
            // A lock wait of a VM thread's own frame parks the thread.
            crate::modules::thread::wait_call(self, &a, true)
        } else if counted {
            self.recursive(super::recursion::IN_BUILTIN_CALL, call)
        } else {
            call(self)
        };
        stack.truncate(base);
        self.top().stack = stack;
        Some(r)
    }

    /// Adds the entries of a `**kwargs` mapping to a call's arguments.
    fn kwargs_into(
        &mut self,
        kw: &Value,
        func: &Value,
        all: &mut Vec<Value>,
        names: &mut Vec<Value>,
    ) -> PyResult<()> {
        let items: Vec<(Value, Value)> = match kw {
            Value::Obj(o) => match &**o {
                Obj::Dict(d) => crate::obj::methods::dict::dict_items(d),
                _ => {
                    let keys = self.call_method(kw, "keys", &[])?;
                    let keys = self.collect(&keys)?;
                    let mut out = Vec::new();
                    for k in keys {
                        let v = self.getitem(kw, &k)?;
                        out.push((k, v));
                    }
                    out
                }
            },
            _ => {
                return Err(type_error(format!(
                    "{} argument after ** must be a mapping, not {}",
                    self.function_str(func)?,
                    self.type_name(kw)
                )))
            }
        };
        for (k, v) in items {
            if k.as_str().is_none() {
                return Err(type_error("keywords must be strings"));
            }
            if names.iter().any(|n| n.as_str() == k.as_str()) {
                return Err(type_error(format!(
                    "{} got multiple values for keyword argument '{}'",
                    self.function_str(func)?,
                    k.as_str().unwrap_or("?")
                )));
            }
            names.push(k);
            all.push(v);
        }
        Ok(())
    }

    /// A callable's qualified name for error messages.
    pub fn callable_name(&self, f: &Value) -> String {
        match f {
            Value::Obj(o) => match &**o {
                Obj::Function(func) => func.qualname.borrow().to_string(),
                Obj::Native(n) => n.name.to_string(),
                Obj::Class(c) => c.name().to_string(),
                Obj::BoundMethod(m) => self.callable_name(&m.func),
                _ => self.type_name(f).to_string(),
            },
            _ => self.type_name(f).to_string(),
        }
    }

    /// CPython's `_PyObject_FunctionStr`: how call errors name the callee ("__main__.f()",
    /// "len()", "list.append()"); other callables (instances) show as `str(x)`.
    pub fn function_str(&mut self, f: &Value) -> PyResult<String> {
        let named = matches!(f, Value::Obj(o)
            if matches!(&**o, Obj::Function(_) | Obj::BoundMethod(_) | Obj::Native(_) | Obj::Class(_)));
        let qualname = if named {
            self.get_attr_opt(f, &Value::str("__qualname__"))?
        } else {
            None
        };
        let Some(qualname) = qualname else {
            return self.to_str(f);
        };
        let qualname = self.to_str(&qualname)?;
        match self.get_attr_opt(f, &Value::str("__module__"))? {
            Some(m) if !m.is_none() && m.as_str() != Some("builtins") => {
                Ok(format!("{}.{qualname}()", self.to_str(&m)?))
            }
            _ => Ok(format!("{qualname}()")),
        }
    }

    /// `{**m}` (`merge_into` None) or a call's `**m` (`merge_into` the callee, for CPython's
    /// error messages naming it; duplicate keys are an error there).
    fn dict_update_from(
        &mut self,
        target: &Value,
        m: &Value,
        merge_into: Option<&Value>,
    ) -> PyResult<()> {
        let Some(t) = target.as_objref() else {
            return Ok(());
        };
        let items: Vec<(Value, Value)> = match m {
            Value::Obj(o) if matches!(&**o, Obj::Dict(_)) => match &**o {
                Obj::Dict(d) => crate::obj::methods::dict::dict_items(d),
                _ => Vec::new(),
            },
            _ => {
                let keys = match self.get_attr_opt(m, &Value::str("keys"))? {
                    Some(k) => self.call(&k, &[])?,
                    None => {
                        return Err(type_error(match merge_into {
                            Some(f) => format!(
                                "{} argument after ** must be a mapping, not {}",
                                self.function_str(f)?,
                                self.type_name(m)
                            ),
                            None => format!("'{}' object is not a mapping", self.type_name(m)),
                        }))
                    }
                };
                let keys = self.collect(&keys)?;
                let mut out = Vec::new();
                for k in keys {
                    let v = self.getitem(m, &k)?;
                    out.push((k, v));
                }
                out
            }
        };
        for (k, v) in items {
            if let Some(f) = merge_into {
                if self.dict_get(&t, &k)?.is_some() {
                    return Err(type_error(format!(
                        "{} got multiple values for keyword argument '{}'",
                        self.function_str(f)?,
                        self.to_str(&k)?
                    )));
                }
            }
            self.dict_set(&t, k, v)?;
        }
        Ok(())
    }

    /// `format(v, spec)` for f-strings.
    pub fn format(&mut self, v: &Value, spec: Option<&Value>) -> PyResult<Value> {
        let empty = spec.is_none_or(|s| s.as_str() == Some(""));
        if empty {
            if v.as_str().is_some() {
                return Ok(v.clone());
            }
            if let Value::Int(i) = v {
                return Ok(crate::obj::str::int_str(*i));
            }
        }
        let spec_v = spec.cloned().unwrap_or_else(|| Value::str(""));
        match self.lookup_special(v, "__format__") {
            Some(f) => {
                let r = self.call(&f, &[v.clone(), spec_v])?;
                if r.as_str().is_none() {
                    return Err(type_error(format!(
                        "__format__ must return a str, not {}",
                        self.type_name(&r)
                    )));
                }
                Ok(r)
            }
            None => {
                if empty {
                    return self.to_str_value(v);
                }
                Err(type_error(format!(
                    "unsupported format string passed to {}.__format__",
                    self.type_name(v)
                )))
            }
        }
    }

    /// `ascii(v)`: repr with non-ASCII characters escaped.
    pub fn ascii(&mut self, v: &Value) -> PyResult<String> {
        let r = self.repr(v)?;
        let mut out = String::with_capacity(r.len());
        for c in r.chars() {
            let n = c as u32;
            if n < 0x80 {
                out.push(c);
            } else if n <= 0xff {
                out.push_str(&format!("\\x{n:02x}"));
            } else if n <= 0xffff {
                out.push_str(&format!("\\u{n:04x}"));
            } else {
                out.push_str(&format!("\\U{n:08x}"));
            }
        }
        Ok(out)
    }

    /// An iterator over `seq` for unpacking: a TypeError says what could not be unpacked.
    fn unpack_iter(&mut self, seq: &Value) -> PyResult<Value> {
        match self.iter(seq) {
            Err(e) if e.is(ExcKind::TypeError) => Err(type_error(format!(
                "cannot unpack non-iterable {} object",
                self.type_name(seq)
            ))),
            r => r,
        }
    }

    /// All items of `seq` for a starred assignment (`a, *b = seq`), with unpacking's
    /// message for a value that is not iterable.
    fn unpack_all(&mut self, seq: &Value) -> PyResult<Vec<Value>> {
        if let Value::Obj(o) = seq {
            match &**o {
                Obj::Tuple(t) => return Ok(t.to_vec()),
                Obj::List(l) => return Ok(l.borrow().clone()),
                _ => {}
            }
        }
        let it = self.unpack_iter(seq)?;
        self.collect(&it)
    }

    fn unpack(&mut self, seq: &Value, n: usize) -> PyResult<Vec<Value>> {
        if let Value::Obj(o) = seq {
            let items = match &**o {
                Obj::Tuple(t) => Some(t.to_vec()),
                Obj::List(l) => Some(l.borrow().clone()),
                _ => None,
            };
            if let Some(items) = items {
                return check_unpack(items, n);
            }
        }
        let it = self.unpack_iter(seq)?;
        let mut out = Vec::with_capacity(n);
        while let Some(v) = self.next(&it)? {
            out.push(v);
            if out.len() > n {
                return Err(value_error(format!(
                    "too many values to unpack (expected {n})"
                )));
            }
        }
        check_unpack(out, n)
    }

    /// Looks up a special method for `with`/`async with`, with CPython 3.11's message.
    /// A special method of `obj`'s type, bound to `obj` (CPython's `_PyObject_LookupSpecial`:
    /// the instance's own attributes do not count). `exit`: the second method of a context
    /// manager, whose absence CPython 3.11 reports with "(missed ... method)".
    fn special_method(
        &mut self,
        obj: &Value,
        name: &str,
        what: &str,
        exit: bool,
    ) -> PyResult<Value> {
        let key = self.intern(name);
        let cls = self.type_of(obj);
        match super::class::lookup(&cls, &key) {
            Some(d) => self.bind_descr(d, obj, &cls),
            None => Err(type_error(format!(
                "'{}' object does not support the {what} protocol{}",
                self.type_name(obj),
                if exit {
                    format!(" (missed {name} method)")
                } else {
                    String::new()
                }
            ))),
        }
    }

    /// Builds an `Obj::Function` from `MakeFunction`'s operands.
    fn make_function(&mut self, flags: u32) -> PyResult<Value> {
        let code_v = self.pop();
        let closure = if flags & 8 != 0 {
            Some(self.pop())
        } else {
            None
        };
        let annotations = if flags & 4 != 0 {
            self.pop()
        } else {
            Value::None
        };
        let kwdefaults = if flags & 2 != 0 {
            self.pop()
        } else {
            Value::None
        };
        let defaults = if flags & 1 != 0 {
            let d = self.pop();
            self.collect(&d)?
        } else {
            Vec::new()
        };
        let code = match &code_v {
            Value::Obj(o) => match &**o {
                Obj::Code(c) => c.clone(),
                _ => return Err(runtime_error("MakeFunction without a code object")),
            },
            _ => return Err(runtime_error("MakeFunction without a code object")),
        };
        let cells: Vec<ObjRef> = match &closure {
            Some(t) => t
                .as_tuple()
                .unwrap_or(&[])
                .iter()
                .filter_map(|v| v.as_objref())
                .collect(),
            None => Vec::new(),
        };
        let globals = self.top().globals.clone();
        let module = match &*globals {
            Obj::Dict(d) => {
                super::dictops::get_str(&d.borrow(), &self.dunder_name).unwrap_or(Value::None)
            }
            _ => Value::None,
        };
        let doc = match code.consts.first() {
            // Function code keeps its docstring (or None) in consts[0], as CPython 3.11.
            Some(v) if v.as_str().is_some() && !code.code.name.starts_with('<') => v.clone(),
            _ => Value::None,
        };
        Ok(Value::obj(Obj::Function(Box::new(
            crate::obj::FunctionObj {
                name: RefCell::new(code.code.name.clone()),
                qualname: RefCell::new(code.code.qualname.clone()),
                code,
                globals,
                defaults: RefCell::new(defaults),
                kwdefaults: RefCell::new(kwdefaults),
                closure: cells.into_boxed_slice(),
                annotations: RefCell::new(annotations),
                dict: RefCell::new(None),
                module,
                doc: RefCell::new(doc),
                iterable_coroutine_code: RefCell::new(None),
            },
        ))))
    }

    /// REPL: print repr(v) unless None, and remember it as `_`.
    /// An expression statement of interactive code: `sys.displayhook(value)`, so a program
    /// (doctest) may replace the hook.
    fn print_expr(&mut self, v: Value) -> PyResult<()> {
        let hook = crate::obj::methods::stream::sys_stream(self, "displayhook")?;
        self.call(&hook, &[v])?;
        Ok(())
    }

    /// `sys.displayhook`'s default: the value's repr and a newline on `sys.stdout`, and
    /// the value bound to `builtins._` (None first, so the repr cannot see an old `_`).
    pub fn display_value(&mut self, v: Value) -> PyResult<()> {
        if v.is_none() {
            return Ok(());
        }
        self.set_builtin("_", Value::None);
        let r = self.repr(&v)?;
        let out = crate::obj::methods::stream::sys_stream(self, "stdout")?;
        if out.is_none() {
            return Err(crate::vm::errors::runtime_error("lost sys.stdout"));
        }
        self.call_method(&out, "write", &[Value::string(format!("{r}\n"))])?;
        self.set_builtin("_", v);
        Ok(())
    }

    /// Pops the finished frame and hands its return value to whoever is waiting: the frame
    /// below (Some(None) -> continue) or the native caller (returns Some(value)).
    fn return_from_frame(&mut self, v: Value) -> PyResult<Option<Value>> {
        let Some(mut frame) = self.frames.pop() else {
            return Ok(Some(v));
        };
        let entry = frame.entry;
        let mut v = v;
        if let Some(inst) = frame.init_self.take() {
            if !v.is_none() {
                self.recycle_frame(frame);
                return Err(type_error(format!(
                    "__init__() should return None, not '{}'",
                    self.type_name(&v)
                )));
            }
            v = Value::Obj(inst);
        }
        if let Some(g) = frame.generator.take() {
            if let Obj::Generator(gen) = &*g {
                gen.state.set(GenState::Finished);
            }
            self.recycle_frame(frame);
            if entry {
                self.yielded = false;
                return Ok(Some(v));
            }
            if let Obj::Generator(crate::obj::GeneratorObj { agen: Some(ag), .. }) = &*g {
                return Err(self.agen_inline_return(ag));
            }
            // Resumed inline by ForIter or Send in the frame below.
            finish_inline_resume(self.top(), v);
            return Ok(None);
        }
        if frame.lazy_coro.is_some() {
            // Awaited in place: the Send below gets the result.
            self.recycle_frame(frame);
            finish_inline_resume(self.top(), v);
            return Ok(None);
        }
        self.recycle_frame(frame);
        if entry {
            self.yielded = false;
            return Ok(Some(v));
        }
        self.push(v);
        Ok(None)
    }
}

/// `code.names[i]` from `LoadGlobal`'s cache, when the cache is valid: no key was added to
/// or removed from the globals dict (and, for a builtin, the builtins dict) since the
/// name was found there.
#[inline(always)]
pub(super) fn cached_global(
    code: &crate::obj::CodeObj,
    i: usize,
    globals: &ObjRef,
    builtins: &ObjRef,
) -> Option<Value> {
    let c = code.global_cache.get(i)?.get();
    let (Obj::Dict(gd), Obj::Dict(bd)) = (&**globals, &**builtins) else {
        return None;
    };
    let gd = gd.borrow();
    if c.globals_addr != globals.addr() || c.globals_layout != gd.layout() {
        return None;
    }
    if !c.in_builtins {
        return gd.entry(c.index as usize).map(|e| e.value.clone());
    }
    let bd = bd.borrow();
    if c.builtins_layout != bd.layout() {
        return None;
    }
    bd.entry(c.index as usize).map(|e| e.value.clone())
}

/// The generator that `f`'s ForIter or Send resumed inline has returned `v`: ForIter pops
/// the iterator and leaves the loop, Send replaces the receiver with `v` and goes on past
/// the delegation.
pub(crate) fn finish_inline_resume(f: &mut Frame, v: Value) {
    match code_at(f) {
        Op::ForIter(t) => {
            f.stack.pop();
            f.pc = t as usize;
        }
        Op::Send(t) => {
            f.stack.pop();
            f.stack.push(v);
            f.pc = t as usize;
        }
        _ => {}
    }
}

/// The instruction a frame is executing (the one before `pc`).
pub(crate) fn code_at(f: &Frame) -> Op {
    f.code.code.ops.get(f.lasti()).copied().unwrap_or(Op::Nop)
}

fn check_unpack(items: Vec<Value>, n: usize) -> PyResult<Vec<Value>> {
    if items.len() == n {
        Ok(items)
    } else if items.len() < n {
        Err(value_error(format!(
            "not enough values to unpack (expected {n}, got {})",
            items.len()
        )))
    } else {
        Err(value_error(format!(
            "too many values to unpack (expected {n})"
        )))
    }
}

/// Whether calling `f` from aio code counts a recursion level, as CPython's CALL does for
/// builtin functions, except those its specialised instructions run inline (`len`,
/// `isinstance`).
fn counts_as_recursion(f: &Value) -> bool {
    match f {
        Value::Obj(o) => match &**o {
            Obj::Native(n) => counts_as_recursion_native(n.owner, n.name),
            _ => false,
        },
        _ => false,
    }
}

fn counts_as_recursion_native(owner: &str, name: &str) -> bool {
    !(owner.is_empty() && matches!(name, "len" | "isinstance"))
}
