//! Calling: argument binding into frames, instance creation, and the native call API.
//!
//! `prepare_call` turns a call into either a finished value (native functions) or a frame
//! to run. The dispatch loop pushes that frame and keeps going (no Rust recursion); native
//! code calling back into aio (`vm.call`) runs it in a nested dispatch loop.

use super::class::{as_class, lookup};
use super::errors::{type_error, ExcRef, PyResult};
use super::frame::Frame;
use super::types::ExcKind;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::class::Layout;
use crate::obj::function::Args;
use crate::obj::{DictData, ExceptionObj, FunctionObj, GeneratorObj, InstanceObj, Obj};
use std::cell::RefCell;

/// What a call turned into.
pub enum Prepared {
    Done(Value),
    /// A frame to run; its return value is the call's result.
    Frame(Box<Frame>),
}

impl Vm {
    /// `f(*args)`
    pub fn call(&mut self, f: &Value, args: &[Value]) -> PyResult<Value> {
        self.call_kw(f, args, &[])
    }

    /// `f(*pos, **dict(zip(kwnames, kwvalues)))` where `args` = positional values followed
    /// by one value per keyword name.
    pub fn call_kw(&mut self, f: &Value, args: &[Value], kwnames: &[Value]) -> PyResult<Value> {
        match self.prepare_call(f, None, args, kwnames)? {
            Prepared::Done(v) => Ok(v),
            Prepared::Frame(frame) => self.run_frame(frame),
        }
    }

    /// `obj.name(*args)`
    pub fn call_method(&mut self, obj: &Value, name: &str, args: &[Value]) -> PyResult<Value> {
        let key = self.intern(name);
        match self.load_method(obj, &key)? {
            (f, Some(self_)) => match self.prepare_call(&f, Some(&self_), args, &[])? {
                Prepared::Done(v) => Ok(v),
                Prepared::Frame(frame) => self.run_frame(frame),
            },
            (f, None) => self.call(&f, args),
        }
    }

    /// Runs `frame` to completion in a nested dispatch loop and returns its result.
    pub fn run_frame(&mut self, mut frame: Box<Frame>) -> PyResult<Value> {
        if self.native_depth >= super::MAX_NATIVE_DEPTH {
            self.recycle_frame(frame);
            return Err(super::errors::exc(
                ExcKind::RecursionError,
                "maximum recursion depth exceeded",
            ));
        }
        frame.entry = true;
        self.push_frame(frame)?;
        self.native_depth += 1;
        let r = self.run();
        self.native_depth -= 1;
        r
    }

    /// `f(arg)` for a plain aio function `f` (`is_plain_function`), as a frame above the
    /// current one whose return value lands on the current frame's stack (a value at once
    /// when the call needs no frame). `for_iter_next`: the frame is a `ForIter`'s
    /// `__next__` (`Frame::for_iter_next`).
    pub(crate) fn push_call_frame(
        &mut self,
        f: &Value,
        arg: &Value,
        for_iter_next: bool,
    ) -> PyResult<()> {
        match self.prepare_call(f, None, std::slice::from_ref(arg), &[])? {
            Prepared::Frame(mut frame) => {
                frame.entry = false;
                frame.for_iter_next = for_iter_next;
                self.push_frame(frame)
            }
            Prepared::Done(v) => {
                self.top().stack.push(v);
                Ok(())
            }
        }
    }

    /// Pushes a frame, enforcing the recursion limit.
    pub fn push_frame(&mut self, frame: Box<Frame>) -> PyResult<()> {
        if self.recursion_depth() >= self.recursion_limit {
            self.recycle_frame(frame);
            return Err(super::errors::exc(
                ExcKind::RecursionError,
                "maximum recursion depth exceeded",
            ));
        }
        self.frames.push(frame);
        Ok(())
    }

    /// Returns a finished frame's allocations to the pool.
    pub fn recycle_frame(&mut self, mut frame: Box<Frame>) {
        if frame.frame_obj().is_some() {
            self.detach_frame_object(&mut frame);
        }
        frame.reset();
        if self.frame_pool.len() < super::frame::FRAME_POOL_SIZE {
            self.frame_pool.push(frame);
        }
    }

    /// A frame for `func` with every local unbound.
    fn new_frame(&mut self, func: &FunctionObj) -> Box<Frame> {
        let mut f = self.new_frame_no_locals(func);
        super::frame::fill_unbound(&mut f.locals, func.code.nlocals as usize);
        f
    }

    fn new_frame_no_locals(&mut self, func: &FunctionObj) -> Box<Frame> {
        Frame::for_call(&mut self.frame_pool, func)
    }

    /// Turns a call of `f` into a result or a frame. `self_` is an extra first positional
    /// argument (from `LoadMethod`); `args` ends with one value per name in `kwnames`.
    /// A plain function's native shortcut (`CodeObj::shortcut`) for a call with positional
    /// arguments only: Some(result) when it did the call.
    fn try_shortcut(
        &mut self,
        func: &crate::obj::FunctionObj,
        self_: Option<&Value>,
        args: &[Value],
        kwnames: &[Value],
    ) -> PyResult<Option<Value>> {
        let Some(sc) = func.code.shortcut.get() else {
            return Ok(None);
        };
        if !kwnames.is_empty() || func.code.code.is_generator_like() {
            return Ok(None);
        }
        match self_ {
            None => sc(self, args),
            Some(s) => {
                let mut all = Vec::with_capacity(args.len() + 1);
                all.push(s.clone());
                all.extend_from_slice(args);
                sc(self, &all)
            }
        }
    }

    pub fn prepare_call(
        &mut self,
        f: &Value,
        self_: Option<&Value>,
        args: &[Value],
        kwnames: &[Value],
    ) -> PyResult<Prepared> {
        let Value::Obj(o) = f else {
            return Err(self.not_callable(f));
        };
        match &**o {
            Obj::Function(func) => {
                if let Some(v) = self.try_shortcut(func, self_, args, kwnames)? {
                    return Ok(Prepared::Done(v));
                }
                let frame = self.bind_args(func, self_, args, kwnames)?;
                if func.code.code.is_generator_like() {
                    let origin = self.coroutine_origin(&func.code);
                    return Ok(Prepared::Done(Value::Obj(GeneratorObj::for_call(
                        func, frame, origin,
                    ))));
                }
                Ok(Prepared::Frame(frame))
            }
            Obj::BoundMethod(m) => {
                let (func, inner_self) = (m.func.clone(), m.self_.clone());
                match self_ {
                    None => self.prepare_call(&func, Some(&inner_self), args, kwnames),
                    Some(s) => {
                        let mut v = Vec::with_capacity(args.len() + 1);
                        v.push(s.clone());
                        v.extend_from_slice(args);
                        self.prepare_call(&func, Some(&inner_self), &v, kwnames)
                    }
                }
            }
            Obj::Native(n) => {
                let npos = args.len() - kwnames.len();
                let bound = n.self_.as_deref().cloned();
                let func = n.func;
                let extra: Vec<Value>;
                let pos: &[Value] = match (bound.as_ref(), self_) {
                    (None, None) => &args[..npos],
                    (Some(a), None) | (None, Some(a)) => {
                        extra = std::iter::once(a.clone())
                            .chain(args[..npos].iter().cloned())
                            .collect();
                        &extra
                    }
                    (Some(a), Some(b)) => {
                        extra = [a.clone(), b.clone()]
                            .into_iter()
                            .chain(args[..npos].iter().cloned())
                            .collect();
                        &extra
                    }
                };
                let a = Args {
                    pos,
                    kwnames,
                    kwvalues: &args[npos..],
                };
                if let Some(r) = super::payload::call_native(self, n.owner, n.name, func, &a) {
                    return Ok(Prepared::Done(r?));
                }
                Ok(Prepared::Done(func(self, &a)?))
            }
            Obj::Class(_) => self.prepare_instantiate(o, self_, args, kwnames),
            Obj::StaticMethod(w) => {
                let inner = w.func.borrow().clone();
                self.prepare_call(&inner, self_, args, kwnames)
            }
            // A `functools.partial` is called as the call it stands for, without a frame
            // of its own, as CPython's C partial is.
            Obj::Instance(_) => match crate::modules::partial::unwrap(self, o) {
                Some((func, mut all)) => {
                    all.extend(self_.cloned());
                    all.extend_from_slice(args);
                    self.prepare_call(&func, None, &all, kwnames)
                }
                None => self.call_instance(f, self_, args, kwnames),
            },
            _ => self.call_instance(f, self_, args, kwnames),
        }
    }

    /// `f(...)` of an object that is not a function, method, builtin or class: its type's
    /// `__call__`.
    fn call_instance(
        &mut self,
        f: &Value,
        self_: Option<&Value>,
        args: &[Value],
        kwnames: &[Value],
    ) -> PyResult<Prepared> {
        let call = self.lookup_special(f, "__call__");
        match call {
            Some(c) => {
                let mut v = Vec::with_capacity(args.len() + 2);
                if let Some(s) = self_ {
                    v.push(s.clone());
                }
                v.extend_from_slice(args);
                self.prepare_call(&c, Some(f), &v, kwnames)
            }
            None => Err(self.not_callable(f)),
        }
    }

    fn not_callable(&self, f: &Value) -> ExcRef {
        type_error(format!("'{}' object is not callable", self.type_name(f)))
    }

    /// Calling a class: `type(x)`, builtin constructors (`__new__` natives), or a user
    /// class (`__new__` then `__init__`).
    fn prepare_instantiate(
        &mut self,
        cls: &ObjRef,
        self_: Option<&Value>,
        args: &[Value],
        kwnames: &[Value],
    ) -> PyResult<Prepared> {
        let all: Vec<Value>;
        let args = match self_ {
            Some(s) => {
                all = std::iter::once(s.clone())
                    .chain(args.iter().cloned())
                    .collect();
                &all[..]
            }
            None => args,
        };
        let Some(c) = as_class(cls) else {
            return Err(self.not_callable(&Value::Obj(cls.clone())));
        };
        // A metaclass's own `__call__` decides what calling the class does (singletons,
        // registries); `type.__call__` comes back here through `instantiate_plain`.
        let meta = c.metaclass.borrow().clone();
        if let Some(meta) = meta {
            let key = self.intern("__call__");
            if let Some(call) = lookup(&meta, &key) {
                let type_call = lookup(&self.t.type_, &key);
                if !type_call.is_some_and(|t| t.is(&call)) {
                    // Bound as a method would be: a class or a staticmethod stored as
                    // `__call__` (typing's `_TypedDictMeta.__call__ = dict`) is not.
                    let (call, receiver) = match &call {
                        Value::Obj(o) => match &**o {
                            Obj::Class(_) => (call.clone(), None),
                            Obj::StaticMethod(w) => (w.func.borrow().clone(), None),
                            Obj::ClassMethod(w) => {
                                (w.func.borrow().clone(), Some(Value::Obj(meta.clone())))
                            }
                            _ => (call.clone(), Some(Value::Obj(cls.clone()))),
                        },
                        _ => (call.clone(), Some(Value::Obj(cls.clone()))),
                    };
                    return self.prepare_call(&call, receiver.as_ref(), args, kwnames);
                }
            }
        }
        self.prepare_instantiate_plain(cls, c, args, kwnames)
    }

    /// `type.__call__(cls, *args, **kwargs)`: `__new__` then `__init__`, whatever the
    /// metaclass's `__call__` says.
    pub fn instantiate_plain(
        &mut self,
        cls: &ObjRef,
        args: &[Value],
        kwnames: &[Value],
    ) -> PyResult<Value> {
        let Some(c) = as_class(cls) else {
            return Err(self.not_callable(&Value::Obj(cls.clone())));
        };
        match self.prepare_instantiate_plain(cls, c, args, kwnames)? {
            Prepared::Done(v) => Ok(v),
            Prepared::Frame(f) => self.run_frame(f),
        }
    }

    fn prepare_instantiate_plain(
        &mut self,
        cls: &ObjRef,
        c: &crate::obj::class::ClassObj,
        args: &[Value],
        kwnames: &[Value],
    ) -> PyResult<Prepared> {
        if let ([arg], []) = (args, kwnames) {
            if let Some(v) = super::conversions::quick_conversion(&self.t, cls, arg) {
                return Ok(Prepared::Done(v));
            }
        }
        let new = lookup(cls, &self.dunder_new);
        // An exception class that keeps BaseException's `__new__` and `__init__`: what the
        // two calls would make (both set `args`), made at once.
        if c.layout == Layout::Exception
            && kwnames.is_empty()
            && new.as_ref().is_some_and(|n| n.is(&self.exception_new))
            && lookup(cls, &self.dunder_init).is_some_and(|i| i.is(&self.exception_init))
        {
            return Ok(Prepared::Done(Value::obj(Obj::Exception(Box::new(
                ExceptionObj::new(cls.clone(), Value::tuple(args.to_vec())),
            )))));
        }
        // `__init__`, once looked up (the plain object layout looks first).
        let mut init = None;
        // A builtin `__new__` (int, str, list, type, object, exceptions ...) creates the
        // object; a user `__new__` is called like CPython does.
        let instance = match (&new, c.layout) {
            (Some(n), _) if !n.is(&self.object_new) => {
                let mut v = Vec::with_capacity(args.len() + 1);
                v.push(Value::Obj(cls.clone()));
                v.extend_from_slice(args);
                let inst = match self.prepare_call(n, None, &v, kwnames)? {
                    Prepared::Done(v) => v,
                    Prepared::Frame(f) => self.run_frame(f)?,
                };
                if c.builtin && c.layout == Layout::Builtin {
                    return Ok(Prepared::Done(inst));
                }
                if !self.isinstance(&inst, cls) {
                    return Ok(Prepared::Done(inst));
                }
                inst
            }
            (_, Layout::Exception) => {
                let npos = args.len() - kwnames.len();
                Value::obj(Obj::Exception(Box::new(ExceptionObj::new(
                    cls.clone(),
                    Value::tuple(args[..npos].to_vec()),
                ))))
            }
            (_, Layout::Object) => {
                let found = lookup(cls, &self.dunder_init);
                let has_init = found.as_ref().is_some_and(|i| !i.is(&self.object_init));
                init = Some(found);
                if !has_init && !args.is_empty() {
                    return Err(type_error(format!("{}() takes no arguments", c.name())));
                }
                crate::obj::methods::object::refuse_abstract(self, c)?;
                let attrs = crate::obj::dict::DictData::with_capacity(c.attrs_hint.get().into());
                Value::obj(Obj::Instance(InstanceObj::with_attrs(
                    cls.clone(),
                    attrs,
                    Value::Undef,
                )))
            }
            (_, Layout::Builtin | Layout::Future | Layout::Payload) => {
                return Err(type_error(format!(
                    "cannot create '{}' instances",
                    c.name()
                )));
            }
        };
        let init = match init {
            Some(found) => found,
            None => lookup(cls, &self.dunder_init),
        };
        match init {
            Some(init) if !init.is(&self.object_init) => {
                let r = match self.prepare_call(&init, Some(&instance), args, kwnames)? {
                    Prepared::Done(r) => r,
                    Prepared::Frame(mut f) => match &instance {
                        Value::Obj(o) => {
                            f.init_self = Some(o.clone());
                            return Ok(Prepared::Frame(f));
                        }
                        // Only objects ride in `Frame::init_self`; a plain value (accepted
                        // by a metaclass's `__instancecheck__`) has its `__init__` run here.
                        _ => self.run_frame(f)?,
                    },
                };
                if !r.is_none() {
                    return Err(type_error(format!(
                        "__init__() should return None, not '{}'",
                        self.type_name(&r)
                    )));
                }
                Ok(Prepared::Done(instance))
            }
            _ => Ok(Prepared::Done(instance)),
        }
    }

    /// Binds call arguments to a new frame for `func` (CPython's argument rules and
    /// error messages).
    pub fn bind_args(
        &mut self,
        func: &FunctionObj,
        self_: Option<&Value>,
        args: &[Value],
        kwnames: &[Value],
    ) -> PyResult<Box<Frame>> {
        let code = func.code.clone();
        let c = &code.code;
        let mut frame = self.new_frame(func);
        let nparams = c.argcount as usize;
        let nkwonly = c.kwonlyargcount as usize;
        let npos_given = args.len() - kwnames.len() + self_.is_some() as usize;
        let simple = kwnames.is_empty()
            && !c.flags.varargs
            && !c.flags.varkeywords
            && nkwonly == 0
            && npos_given == nparams;
        // Fast path: exact positional call.
        {
            let locals = &mut frame.locals;
            let mut i = 0;
            if let Some(s) = self_ {
                if nparams > 0 {
                    locals[0] = s.clone();
                    i = 1;
                }
            }
            if simple {
                for a in args {
                    locals[i] = a.clone();
                    i += 1;
                }
                self.finish_frame(&mut frame, func);
                return Ok(frame);
            }
        }
        // General path. The positional arguments are `self_` then `args` up to the
        // keyword values, read in place (no vector is built for them).
        let given = &args[..args.len() - kwnames.len()];
        let pos = || self_.into_iter().chain(given.iter());
        let kwvalues = &args[given.len()..];
        // The function's name, for messages only.
        let qual = || func.qualname.borrow().clone();
        let nvar = nparams + nkwonly;
        for (slot, v) in frame.locals.iter_mut().zip(pos().take(nparams)) {
            *slot = v.clone();
        }
        // Too many positional arguments is reported after the keyword arguments are
        // bound, as CPython does: an unexpected or repeated keyword is the error then.
        let mut too_many = false;
        if npos_given > nparams {
            if c.flags.varargs {
                // Built at its exact size: collecting the chained iterator grew a vector
                // and shrank it into the tuple.
                let mut rest = Vec::with_capacity(npos_given - nparams);
                rest.extend(pos().skip(nparams).cloned());
                frame.locals[nvar] = Value::tuple(rest);
            } else {
                too_many = true;
            }
        } else if c.flags.varargs {
            frame.locals[nvar] = Value::tuple(vec![]);
        }
        let kwargs_slot = nvar + c.flags.varargs as usize;
        let mut kwargs: Option<DictData> = if c.flags.varkeywords {
            Some(DictData::new())
        } else {
            None
        };
        for (k, v) in kwnames.iter().zip(kwvalues.iter()) {
            let Some(name) = k.as_str() else {
                self.recycle_frame(frame);
                return Err(type_error("keywords must be strings"));
            };
            let slot = code.varnames[..nvar]
                .iter()
                .position(|n| n.is(k))
                .or_else(|| c.varnames[..nvar].iter().position(|n| &**n == name))
                .filter(|&i| i >= c.posonlyargcount as usize);
            match slot {
                Some(i) => {
                    if !frame.locals[i].is_undef() {
                        self.recycle_frame(frame);
                        return Err(type_error(format!(
                            "{}() got multiple values for argument '{name}'",
                            qual()
                        )));
                    }
                    frame.locals[i] = v.clone();
                }
                None => match kwargs.as_mut() {
                    Some(d) => {
                        if super::dictops::get_str(d, k).is_some() {
                            self.recycle_frame(frame);
                            return Err(type_error(format!(
                                "{}() got multiple values for keyword argument '{name}'",
                                qual()
                            )));
                        }
                        super::dictops::set_str(d, k.clone(), v.clone());
                    }
                    None => {
                        self.recycle_frame(frame);
                        let posonly = &c.varnames[..c.posonlyargcount as usize];
                        if posonly.iter().any(|n| &**n == name) {
                            // Every positional-only name passed by keyword, as given.
                            let names: Vec<&str> = kwnames
                                .iter()
                                .filter_map(|k| k.as_str())
                                .filter(|k| posonly.iter().any(|n| &**n == *k))
                                .collect();
                            return Err(type_error(format!(
                                "{}() got some positional-only arguments passed as keyword arguments: '{}'",
                                qual(),
                                names.join(", ")
                            )));
                        }
                        return Err(type_error(format!(
                            "{}() got an unexpected keyword argument '{name}'",
                            qual()
                        )));
                    }
                },
            }
        }
        if let Some(d) = kwargs {
            frame.locals[kwargs_slot] = Value::dict(d);
        }
        if too_many {
            let e = too_many_positional(func, &frame.locals, npos_given);
            self.recycle_frame(frame);
            return Err(e);
        }
        // Defaults, then what is still unbound is missing (its message built apart: the
        // hot path keeps no vector of names).
        let defaults = func.defaults.borrow();
        let first_default = nparams - defaults.len().min(nparams);
        let mut missing = false;
        for i in 0..nparams {
            if frame.locals[i].is_undef() {
                match defaults.get(i.wrapping_sub(first_default)) {
                    Some(d) if i >= first_default => frame.locals[i] = d.clone(),
                    _ => missing = true,
                }
            }
        }
        drop(defaults);
        if missing {
            let e = missing_arguments(func, &frame.locals, 0..nparams, "positional");
            self.recycle_frame(frame);
            return Err(e);
        }
        if nkwonly > 0 {
            let kwdefaults = func.kwdefaults.borrow().clone();
            for i in nparams..nvar {
                if frame.locals[i].is_undef() {
                    let d = match &kwdefaults {
                        Value::Obj(o) => match &**o {
                            Obj::Dict(d) => super::dictops::get_str(&d.borrow(), &code.varnames[i]),
                            _ => None,
                        },
                        _ => None,
                    };
                    match d {
                        Some(v) => frame.locals[i] = v,
                        None => missing = true,
                    }
                }
            }
            if missing {
                let e = missing_arguments(func, &frame.locals, nparams..nvar, "keyword-only");
                self.recycle_frame(frame);
                return Err(e);
            }
        }
        self.finish_frame(&mut frame, func);
        Ok(frame)
    }

    /// The fast path of `Call` (see `Code::takes_exactly_positional`): moves the arguments
    /// from the caller's value stack, above `base + 2`, straight into the new frame's locals.
    pub(crate) fn push_positional_frame(
        &mut self,
        func: &FunctionObj,
        self_: Option<Value>,
        base: usize,
    ) -> PyResult<()> {
        let mut frame = self.new_frame_no_locals(func);
        let nlocals = func.code.code.varnames.len();
        frame.locals.reserve(nlocals);
        if let Some(s) = self_ {
            frame.locals.push(s);
        }
        // The arguments move from the caller's stack; `base` and `base + 1` held the
        // callable and the self slot, already taken out (Undef) by the caller.
        let caller = self.top();
        frame.locals.extend(caller.stack.drain(base + 2..));
        caller.stack.truncate(base);
        super::frame::fill_unbound(&mut frame.locals, nlocals);
        self.finish_frame(&mut frame, func);
        self.push_frame(frame)
    }

    /// Creates the frame's cells and moves captured parameters into them (most functions
    /// have none: that test is inlined, the work is not).
    #[inline(always)]
    fn finish_frame(&mut self, frame: &mut Frame, func: &FunctionObj) {
        let c = &func.code.code;
        if !(c.cellvars.is_empty() && c.freevars.is_empty()) {
            make_cells(frame, func);
        }
    }
}

#[inline(never)]
fn make_cells(frame: &mut Frame, func: &FunctionObj) {
    let c = &func.code.code;
    let Frame { extra, locals, .. } = frame;
    let cells = &mut extra.get_or_insert_with(Box::default).cells;
    cells.clear();
    for _ in 0..c.cellvars.len() {
        cells.push(ObjRef::new(Obj::Cell(RefCell::new(Value::Undef))));
    }
    for &(cell, slot) in &c.cell_params {
        let v = std::mem::replace(&mut locals[slot as usize], Value::Undef);
        if let Some(Obj::Cell(cv)) = cells.get(cell as usize).map(|c| &**c) {
            *cv.borrow_mut() = v;
        }
    }
    cells.extend(func.closure.iter().cloned());
}

/// `'a', 'b' and 'c'` as CPython lists missing arguments.
/// CPython's TypeError for more positional arguments than `func` takes (`locals`: its
/// frame's, with the keyword arguments bound).
#[cold]
fn too_many_positional(func: &FunctionObj, locals: &[Value], npos: usize) -> ExcRef {
    let c = &func.code.code;
    let (nparams, nvar) = (
        c.argcount as usize,
        (c.argcount + c.kwonlyargcount) as usize,
    );
    let ndefaults = func.defaults.borrow().len();
    // The keyword-only arguments given (CPython counts the bound ones).
    let kw_given = (nparams..nvar)
        .filter(|&i| locals.get(i).is_some_and(|v| !v.is_undef()))
        .count();
    let takes = if ndefaults > 0 {
        format!("from {} to {}", nparams - ndefaults, nparams)
    } else {
        nparams.to_string()
    };
    let plural = if nparams == 1 && ndefaults == 0 {
        ""
    } else {
        "s"
    };
    let given = if kw_given > 0 {
        format!(
            "{} positional argument{} (and {} keyword-only argument{}) were given",
            npos,
            if npos == 1 { "" } else { "s" },
            kw_given,
            if kw_given == 1 { "" } else { "s" }
        )
    } else {
        format!("{} {} given", npos, if npos == 1 { "was" } else { "were" })
    };
    type_error(format!(
        "{}() takes {takes} positional argument{plural} but {given}",
        func.qualname.borrow()
    ))
}

/// CPython's TypeError naming the parameters in `range` still unbound in `locals` once
/// the defaults are in (`kind`: "positional" or "keyword-only").
#[cold]
fn missing_arguments(
    func: &FunctionObj,
    locals: &[Value],
    range: std::ops::Range<usize>,
    kind: &str,
) -> ExcRef {
    let varnames = &func.code.code.varnames;
    let missing: Vec<String> = range
        .filter(|&i| locals.get(i).is_none_or(|v| v.is_undef()))
        .filter_map(|i| varnames.get(i).map(|n| format!("'{n}'")))
        .collect();
    type_error(format!(
        "{}() missing {} required {kind} argument{}: {}",
        func.qualname.borrow(),
        missing.len(),
        if missing.len() == 1 { "" } else { "s" },
        join_names(&missing)
    ))
}

fn join_names(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        2 => format!("{} and {}", names[0], names[1]),
        n => format!("{}, and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

/// An aio function that is not a generator, coroutine or async generator function: a call
/// of it runs a frame and returns what the frame returns.
pub(crate) fn is_plain_function(f: &Value) -> bool {
    matches!(f, Value::Obj(o) if matches!(&**o,
        Obj::Function(func) if !func.code.code.is_generator_like()))
}
