//! Raising and unwinding: `raise` semantics, implicit chaining (`__context__`), the
//! exception table lookup, traceback entries, and `except`/`except*` matching.

use super::class::{as_class, is_subclass};
use super::errors::{exc, new_exception, type_error, ExcRef, PyResult};
use super::types::{exc_class, ExcKind};
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::class::Layout;
use crate::obj::exception::TbEntry;
use crate::obj::generator::{GenKind, GenState};
use crate::obj::methods::exception::{is_group, project_leaves, same_metadata};
use crate::obj::Obj;

impl Vm {
    /// The exception currently being handled (`sys.exc_info()[1]`), or None.
    pub fn current_handled(&self) -> Value {
        for f in self.frames.iter().rev() {
            if !f.handled.is_none() {
                return f.handled.clone();
            }
        }
        Value::None
    }

    /// Finds a handler for `e`, unwinding frames. Ok(()) when a handler now runs; Err when
    /// the exception leaves the innermost entry frame.
    pub(crate) fn unwind(&mut self, e: ExcRef) -> Result<(), ExcRef> {
        let mut e = e;
        let fresh = !self.propagating.take().is_some_and(|p| p.is(&e.0));
        let mut add_tb = !std::mem::take(&mut self.skip_tb);
        if fresh && add_tb {
            self.chain_context(&e);
        }
        loop {
            let Some(frame) = self.frames.last_mut() else {
                return Err(e);
            };
            let lasti = frame.lasti();
            if add_tb && !frame.code.hidden_from_tracebacks.get() {
                let fo = super::frames::frame_object(frame, None);
                e.exc().traceback.borrow_mut().push(TbEntry {
                    code: frame.code.clone(),
                    pc: lasti as u32,
                    frame: fo,
                });
            }
            add_tb = true;
            let handler = frame
                .code
                .code
                .exc_table
                .iter()
                .find(|h| (h.start as usize) <= lasti && lasti < h.end as usize)
                .copied();
            if let Some(h) = handler {
                frame.stack.truncate(h.depth as usize);
                frame.stack.push(e.value());
                frame.pc = h.target as usize;
                return Ok(());
            }
            let Some(mut frame) = self.frames.pop() else {
                return Err(e);
            };
            let entry = frame.entry;
            if frame.for_iter_next && e.is(ExcKind::StopIteration) {
                // The loop below is over (`Vm::for_iter_frame`).
                self.recycle_frame(frame);
                let Some(caller) = self.frames.last_mut() else {
                    return Err(e);
                };
                if let crate::bytecode::Op::ForIter(t) = super::dispatch::code_at(caller) {
                    caller.stack.pop();
                    caller.pc = t as usize;
                    return Ok(());
                }
                continue;
            }
            let gen = frame.generator.take();
            if let Some(g) = &gen {
                if let Obj::Generator(gen) = &**g {
                    gen.state.set(GenState::Finished);
                    e = pep479(e, gen.kind);
                }
            }
            if frame.lazy_coro.is_some() {
                e = pep479(e, GenKind::Coroutine);
            }
            self.recycle_frame(frame);
            if let Some(g) = &gen {
                if let Obj::Generator(crate::obj::GeneratorObj { agen: Some(ag), .. }) = &**g {
                    self.agen_raised(ag, &e, !entry);
                }
            }
            if entry {
                return Err(e);
            }
        }
    }

    /// Sets `e.__context__` to the exception being handled (CPython's implicit chaining),
    /// breaking any cycle that would create.
    fn chain_context(&self, e: &ExcRef) {
        let handled = self.current_handled();
        let Value::Obj(h) = &handled else { return };
        if h.is(&e.0) {
            return;
        }
        // Avoid cycles: if e appears in handled's context chain, cut the chain there.
        let mut cur = handled.clone();
        loop {
            let next = match &cur {
                Value::Obj(o) => match &**o {
                    Obj::Exception(x) => x.context.borrow().clone(),
                    _ => Value::None,
                },
                _ => Value::None,
            };
            if let Value::Obj(n) = &next {
                if n.is(&e.0) {
                    if let Value::Obj(c) = &cur {
                        if let Obj::Exception(x) = &**c {
                            *x.context.borrow_mut() = Value::None;
                        }
                    }
                    break;
                }
                cur = next;
            } else {
                break;
            }
        }
        *e.exc().context.borrow_mut() = handled;
    }

    /// Turns a raised value into an exception instance (instantiating a class).
    pub fn as_exception(&mut self, v: Value) -> PyResult<ExcRef> {
        if let Value::Obj(o) = &v {
            match &**o {
                Obj::Exception(_) => return Ok(ExcRef(o.clone())),
                Obj::Class(c) if c.layout == Layout::Exception => {
                    let inst = self.call(&v, &[])?;
                    return match inst {
                        Value::Obj(i) if matches!(&*i, Obj::Exception(_)) => Ok(ExcRef(i)),
                        other => Err(type_error(format!(
                            "calling {} should have returned an instance of BaseException, not {}",
                            self.repr(&v)?,
                            self.type_name(&other)
                        ))),
                    };
                }
                _ => {}
            }
        }
        Err(type_error("exceptions must derive from BaseException"))
    }

    /// `raise`, `raise exc`, `raise exc from cause`: the exception to raise.
    pub(crate) fn do_raise(&mut self, n: u32) -> PyResult<ExcRef> {
        match n {
            0 => {
                let h = self.current_handled();
                if h.is_none() {
                    return Err(exc(ExcKind::RuntimeError, "No active exception to reraise"));
                }
                self.skip_tb = true;
                self.as_exception(h)
            }
            1 => {
                let v = self.pop_value();
                self.as_exception(v)
            }
            _ => {
                let cause = self.pop_value();
                let v = self.pop_value();
                let e = self.as_exception(v)?;
                let cause = if cause.is_none() {
                    Value::None
                } else {
                    match self.as_exception(cause) {
                        Ok(c) => c.value(),
                        Err(_) => {
                            return Err(type_error(
                                "exception causes must derive from BaseException",
                            ))
                        }
                    }
                };
                *e.exc().cause.borrow_mut() = cause;
                e.exc().suppress_context.set(true);
                Ok(e)
            }
        }
    }

    fn pop_value(&mut self) -> Value {
        self.top().stack.pop().unwrap_or(Value::None)
    }

    /// `except T:` matching (T a class or a tuple of classes).
    pub(crate) fn exception_matches(&mut self, e: &Value, t: &Value) -> PyResult<bool> {
        let cls = self.type_of(e);
        self.class_matches(&cls, t)
    }

    fn class_matches(&mut self, cls: &ObjRef, t: &Value) -> PyResult<bool> {
        match t {
            Value::Obj(o) => match &**o {
                Obj::Tuple(items) => {
                    for it in items.iter() {
                        if self.class_matches(cls, it)? {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                }
                Obj::Class(c) if c.layout == Layout::Exception => Ok(is_subclass(cls, o)),
                _ => Err(type_error(
                    "catching classes that do not inherit from BaseException is not allowed",
                )),
            },
            _ => Err(type_error(
                "catching classes that do not inherit from BaseException is not allowed",
            )),
        }
    }

    /// `except* T`: splits `e` into (rest, match) as CPython's CHECK_EG_MATCH does.
    pub(crate) fn eg_match(&mut self, e: &Value, t: &Value) -> PyResult<(Value, Value)> {
        if let Value::Obj(o) = t {
            if let Obj::Class(c) = &**o {
                if is_subclass(o, &exc_class(ExcKind::BaseExceptionGroup))
                    || c.layout != Layout::Exception
                {
                    return Err(type_error(
                        "catching ExceptionGroup with except* is not allowed. Use except instead.",
                    ));
                }
            }
        }
        let is_group = is_subclass(&self.type_of(e), &exc_class(ExcKind::BaseExceptionGroup));
        if !is_group {
            if self.exception_matches(e, t)? {
                // A naked exception is wrapped as CPython does: BaseExceptionGroup("", (e,)),
                // which picks ExceptionGroup when e is an Exception.
                let eg = self.call(
                    &Value::Obj(exc_class(ExcKind::BaseExceptionGroup)),
                    &[Value::str(""), Value::tuple(vec![e.clone()])],
                );
                let eg = match eg {
                    Ok(v) => v,
                    Err(_) => new_exception(
                        exc_class(ExcKind::BaseExceptionGroup),
                        Value::tuple(vec![Value::str(""), Value::tuple(vec![e.clone()])]),
                    )
                    .value(),
                };
                return Ok((Value::None, eg));
            }
            return Ok((e.clone(), Value::None));
        }
        if self.exception_matches(e, t)? {
            return Ok((Value::None, e.clone()));
        }
        let parts = self.call_method(e, "split", std::slice::from_ref(t))?;
        let pair = parts.as_tuple().map(|p| p.to_vec()).unwrap_or_default();
        let matched = pair.first().cloned().unwrap_or(Value::None);
        let rest = pair.get(1).cloned().unwrap_or(Value::None);
        Ok((rest, matched))
    }

    /// After the `except*` clauses: what to raise, from `orig` (the exception caught) and
    /// `raised` (what each clause raised, then the unmatched rest), or None. As CPython's
    /// `_PyExc_PrepReraiseStar`: parts that carry `orig`'s metadata are re-raises, kept in
    /// `orig`'s structure; new exceptions come first, grouped with them in a new group.
    pub(crate) fn prep_reraise_star(&mut self, orig: &Value, raised: &Value) -> PyResult<Value> {
        let excs = self.collect(raised)?;
        let mut excs = excs.into_iter().filter(|v| !v.is_none());
        let Some(first) = excs.next() else {
            return Ok(Value::None);
        };
        // A naked exception was caught (and wrapped): one clause ran, one thing to raise.
        if !is_group(self, orig) {
            return Ok(first);
        }
        let mut new = Vec::new();
        let mut leaves = Vec::new();
        for e in std::iter::once(first).chain(excs) {
            if same_metadata(&e, orig) {
                self.collect_leaves(&e, &mut leaves)?;
            } else {
                new.push(e);
            }
        }
        let reraised = project_leaves(self, orig, leaves)?;
        if new.is_empty() {
            return Ok(reraised);
        }
        if !reraised.is_none() {
            new.push(reraised);
        }
        if new.len() == 1 {
            return Ok(new.remove(0));
        }
        self.call(
            &Value::Obj(exc_class(ExcKind::BaseExceptionGroup)),
            &[Value::str(""), Value::list(new)],
        )
    }

    /// The leaf exceptions of `e` (itself unless it is a group), depth first.
    fn collect_leaves(&mut self, e: &Value, out: &mut Vec<Value>) -> PyResult<()> {
        if !is_group(self, e) {
            out.push(e.clone());
            return Ok(());
        }
        let excs = self.get_attr_str(e, "exceptions")?;
        for x in self.collect(&excs)? {
            self.collect_leaves(&x, out)?;
        }
        Ok(())
    }
}

/// PEP 479: StopIteration escaping a generator (or StopAsyncIteration an async generator)
/// becomes RuntimeError.
fn pep479(e: ExcRef, kind: GenKind) -> ExcRef {
    let (bad, what) = match kind {
        GenKind::Generator => (ExcKind::StopIteration, "generator raised StopIteration"),
        GenKind::Coroutine => (ExcKind::StopIteration, "coroutine raised StopIteration"),
        GenKind::AsyncGenerator => {
            if e.is(ExcKind::StopAsyncIteration) {
                (
                    ExcKind::StopAsyncIteration,
                    "async generator raised StopAsyncIteration",
                )
            } else {
                (
                    ExcKind::StopIteration,
                    "async generator raised StopIteration",
                )
            }
        }
    };
    if !e.is(bad) {
        return e;
    }
    let r = exc(ExcKind::RuntimeError, what);
    *r.exc().cause.borrow_mut() = e.value();
    *r.exc().context.borrow_mut() = e.value();
    r.exc().suppress_context.set(true);
    let _ = as_class;
    r
}
