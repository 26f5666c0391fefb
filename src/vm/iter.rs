//! The iteration protocol: `iter(v)`, `next(it)`, and collecting an iterable.

use super::errors::{runtime_error, type_error, value_error, PyResult};
use super::types::ExcKind;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::iter::{DictIterKind, IterState};
use crate::obj::Obj;
use num_traits::Zero;
use std::cell::RefCell;

fn new_iter(st: IterState) -> Value {
    Value::obj(Obj::Iter(RefCell::new(st)))
}

impl Vm {
    /// `iter(v)`
    pub fn iter(&mut self, v: &Value) -> PyResult<Value> {
        if let Value::Obj(o) = v {
            let st = match &**o {
                Obj::Deque(d) => Some(IterState::Deque {
                    deque: o.clone(),
                    index: 0,
                    state: d.state.get(),
                    reverse: false,
                }),
                Obj::List(_) | Obj::Tuple(_) | Obj::Bytes(_) | Obj::ByteArray(_) => {
                    Some(IterState::Seq {
                        seq: v.clone(),
                        index: 0,
                    })
                }
                Obj::Str(_) => Some(IterState::Str {
                    s: o.clone(),
                    pos: 0,
                }),
                Obj::Range(r) => Some(r.iter_state()),
                Obj::Dict(d) => Some(IterState::Dict {
                    dict: o.clone(),
                    pos: 0,
                    kind: DictIterKind::Keys,
                    len: d.borrow().len(),
                }),
                Obj::DictView(view) => {
                    let len = match &*view.dict {
                        Obj::Dict(d) => d.borrow().len(),
                        _ => 0,
                    };
                    Some(IterState::Dict {
                        dict: view.dict.clone(),
                        pos: 0,
                        kind: view.kind,
                        len,
                    })
                }
                Obj::Set(s) => Some(IterState::Set {
                    set: o.clone(),
                    pos: 0,
                    len: s.borrow().len(),
                }),
                Obj::FrozenSet(s) => Some(IterState::Set {
                    set: o.clone(),
                    pos: 0,
                    len: s.len(),
                }),
                Obj::Iter(_) => return Ok(v.clone()),
                Obj::Generator(g) if g.kind == crate::obj::generator::GenKind::Generator => {
                    return Ok(v.clone())
                }
                _ => None,
            };
            if let Some(st) = st {
                return Ok(new_iter(st));
            }
        }
        if let Some(f) = self.lookup_special(v, "__iter__") {
            if f.is_none() {
                return Err(self.not_iterable(v));
            }
            let it = self.call(&f, std::slice::from_ref(v))?;
            if self.lookup_special(&it, "__next__").is_none() && !is_native_iter(&it) {
                return Err(type_error(format!(
                    "iter() returned non-iterator of type '{}'",
                    self.type_name(&it)
                )));
            }
            return Ok(it);
        }
        if self.lookup_special(v, "__getitem__").is_some() {
            return Ok(new_iter(IterState::Seq {
                seq: v.clone(),
                index: 0,
            }));
        }
        Err(self.not_iterable(v))
    }

    fn not_iterable(&self, v: &Value) -> super::errors::ExcRef {
        type_error(format!("'{}' object is not iterable", self.type_name(v)))
    }

    /// `next(it)`: `Ok(None)` when exhausted (StopIteration is not materialized).
    pub fn next(&mut self, it: &Value) -> PyResult<Option<Value>> {
        if let Value::Obj(o) = it {
            match &**o {
                Obj::Iter(cell) => return self.next_native(cell),
                Obj::Generator(_) => return self.generator_next(o),
                _ => {}
            }
        }
        let Some(f) = self.lookup_special(it, "__next__") else {
            return Err(type_error(format!(
                "'{}' object is not an iterator",
                self.type_name(it)
            )));
        };
        match self.call(&f, std::slice::from_ref(it)) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is(ExcKind::StopIteration) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `ForIter` on an instance whose class's `__next__` is an aio function: that call
    /// runs as a frame above the loop's (`Frame::for_iter_next`) rather than nested in
    /// native code, as CPython runs it, so that the method can block, switch threads and
    /// recurse as any call does. False (nothing done) for any other iterator.
    pub(crate) fn for_iter_frame(&mut self, it: &Value) -> PyResult<bool> {
        let Value::Obj(o) = it else { return Ok(false) };
        if !matches!(&**o, Obj::Instance(_)) {
            return Ok(false);
        }
        let Some(f) = self.lookup_special(it, "__next__") else {
            return Ok(false);
        };
        if !super::call::is_plain_function(&f) {
            return Ok(false);
        }
        self.push_call_frame(&f, it, true)?;
        Ok(true)
    }

    fn next_native(&mut self, cell: &RefCell<IterState>) -> PyResult<Option<Value>> {
        // Fast cases complete under one borrow; the rest drop it before calling out.
        let mut st = cell.borrow_mut();
        match &mut *st {
            IterState::Range { next, stop, step } => {
                return Ok(crate::obj::iter::range_step(next, stop, *step).map(Value::Int));
            }
            IterState::LongRange { next, step, left } => {
                if left.is_zero() {
                    return Ok(None);
                }
                let v = Value::from_bigint((**next).clone());
                **next += &**step;
                **left -= 1;
                return Ok(Some(v));
            }
            IterState::Seq { seq, index } => {
                if let Value::Obj(so) = seq {
                    let item = match &**so {
                        Obj::List(l) => Some(l.borrow().get(*index).cloned()),
                        Obj::Tuple(t) => Some(t.get(*index).cloned()),
                        Obj::Bytes(b) => Some(b.get(*index).map(|x| Value::Int(*x as i64))),
                        Obj::ByteArray(b) => {
                            Some(b.borrow().get(*index).map(|x| Value::Int(*x as i64)))
                        }
                        _ => None,
                    };
                    if let Some(item) = item {
                        *index += 1;
                        if item.is_none() {
                            let class = super::class::iter_class(&self.t, &st);
                            *st = IterState::Exhausted { class: Some(class) };
                        }
                        return Ok(item);
                    }
                }
                let (seq, i) = (seq.clone(), *index);
                *index += 1;
                drop(st);
                return match self.getitem(&seq, &Value::Int(i as i64)) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if e.is(ExcKind::IndexError) || e.is(ExcKind::StopIteration) => {
                        self.exhaust(cell);
                        Ok(None)
                    }
                    Err(e) => Err(e),
                };
            }
            IterState::Deque {
                deque,
                index,
                state,
                reverse,
            } => {
                let Obj::Deque(d) = &**deque else {
                    return Ok(None);
                };
                // As CPython, a mutated deque keeps raising (even once exhausted).
                if d.state.get() != *state {
                    return Err(runtime_error("deque mutated during iteration"));
                }
                let items = d.items.borrow();
                if *reverse {
                    let Some(i) = index.checked_sub(1) else {
                        return Ok(None);
                    };
                    *index = i;
                    return Ok(items.get(i).cloned());
                }
                let item = items.get(*index).cloned();
                if item.is_some() {
                    *index += 1;
                }
                return Ok(item);
            }
            IterState::Str { s, pos } => {
                let Obj::Str(so) = &**s else { return Ok(None) };
                let text = so.as_str();
                let c = if so.ascii {
                    text.as_bytes().get(*pos).map(|&b| char::from(b))
                } else {
                    text[*pos..].chars().next()
                };
                match c {
                    Some(c) => {
                        *pos += c.len_utf8();
                        return Ok(Some(self.char_str(c)));
                    }
                    None => return Ok(None),
                }
            }
            IterState::Dict {
                dict,
                pos,
                kind,
                len,
            } => return dict_iter_step(dict, pos, *kind, len, false),
            IterState::DictReversed {
                dict,
                pos,
                kind,
                len,
            } => return dict_iter_step(dict, pos, *kind, len, true),
            IterState::Set { set, pos, len } => {
                let set = set.clone();
                return super::dictops::with_set(&set, |d| {
                    if d.len() != *len {
                        *len = usize::MAX;
                        return Err(runtime_error("Set changed size during iteration"));
                    }
                    Ok(match d.next_from(*pos) {
                        Some((k, next)) => {
                            *pos = next;
                            Some(k.clone())
                        }
                        None => None,
                    })
                });
            }
            IterState::Reversed { seq, index } => {
                let Some(i) = *index else { return Ok(None) };
                *index = i.checked_sub(1);
                let seq = seq.clone();
                drop(st);
                return match self.getitem(&seq, &Value::Int(i as i64)) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if e.is(ExcKind::IndexError) => {
                        self.exhaust(cell);
                        Ok(None)
                    }
                    Err(e) => Err(e),
                };
            }
            IterState::Exhausted { .. } => return Ok(None),
            _ => {}
        }
        // Adapters that call back into aio code.
        match &mut *st {
            IterState::Enumerate { iter, count } => {
                let inner = iter.clone();
                let next = match &*count {
                    Value::Int(i) if *i < i64::MAX => Value::Int(i + 1),
                    c => Value::from_bigint(c.to_bigint().unwrap_or_default() + 1),
                };
                let n = std::mem::replace(count, next);
                drop(st);
                Ok(self.next(&inner)?.map(|v| Value::tuple(vec![n, v])))
            }
            IterState::Zip { iters, strict } => {
                let (iters, strict) = (iters.clone(), *strict);
                drop(st);
                let mut out = Vec::with_capacity(iters.len());
                for (i, it) in iters.iter().enumerate() {
                    match self.next(it)? {
                        Some(v) => out.push(v),
                        None => {
                            if strict {
                                if i > 0 {
                                    return Err(value_error(format!(
                                        "zip() argument {} is shorter than argument{} 1{}",
                                        i + 1,
                                        if i > 1 { "s" } else { "" },
                                        if i > 1 {
                                            format!("-{i}")
                                        } else {
                                            String::new()
                                        }
                                    )));
                                }
                                for (j, rest) in iters.iter().enumerate().skip(1) {
                                    if self.next(rest)?.is_some() {
                                        return Err(value_error(format!(
                                            "zip() argument {} is longer than argument{} 1{}",
                                            j + 1,
                                            if j > 1 { "s" } else { "" },
                                            if j > 1 {
                                                format!("-{j}")
                                            } else {
                                                String::new()
                                            }
                                        )));
                                    }
                                }
                            }
                            return Ok(None);
                        }
                    }
                }
                if iters.is_empty() {
                    return Ok(None);
                }
                Ok(Some(Value::tuple(out)))
            }
            IterState::Map { func, iters } => {
                let (func, iters) = (func.clone(), iters.clone());
                drop(st);
                let mut args = Vec::with_capacity(iters.len());
                for it in &iters {
                    match self.next(it)? {
                        Some(v) => args.push(v),
                        None => return Ok(None),
                    }
                }
                self.call(&func, &args).map(Some)
            }
            IterState::Filter { func, iter } => {
                let (func, iter) = (func.clone(), iter.clone());
                drop(st);
                loop {
                    let Some(v) = self.next(&iter)? else {
                        return Ok(None);
                    };
                    let keep = if func.is_none() {
                        self.truthy(&v)?
                    } else {
                        let r = self.call(&func, std::slice::from_ref(&v))?;
                        self.truthy(&r)?
                    };
                    if keep {
                        return Ok(Some(v));
                    }
                }
            }
            IterState::Callable { func, sentinel } => {
                let (func, sentinel) = (func.clone(), sentinel.clone());
                drop(st);
                let v = self.call(&func, &[])?;
                if self.eq(&v, &sentinel)? {
                    self.exhaust(cell);
                    return Ok(None);
                }
                Ok(Some(v))
            }
            _ => Ok(None),
        }
    }

    /// Ends an iterator: lets go of its source (as CPython does) but keeps its type.
    fn exhaust(&self, cell: &RefCell<IterState>) {
        let class = super::class::iter_class(&self.t, &cell.borrow());
        *cell.borrow_mut() = IterState::Exhausted { class: Some(class) };
    }

    /// All items of an iterable.
    pub fn collect(&mut self, v: &Value) -> PyResult<Vec<Value>> {
        if let Value::Obj(o) = v {
            match &**o {
                Obj::List(l) => return Ok(l.borrow().clone()),
                Obj::Tuple(t) => return Ok(t.to_vec()),
                _ => {}
            }
        }
        let it = self.iter(v)?;
        let mut out = Vec::new();
        while let Some(x) = self.next(&it)? {
            out.push(x);
        }
        Ok(out)
    }
}

fn is_native_iter(v: &Value) -> bool {
    matches!(v, Value::Obj(o) if matches!(&**o, Obj::Iter(_) | Obj::Generator(_)))
}

/// One step of a dict iterator (keys, values or items), forwards or reversed: the dict
/// must keep the size it had when iteration started (`len` is poisoned once it did not).
pub(super) fn dict_iter_step(
    dict: &ObjRef,
    pos: &mut usize,
    kind: DictIterKind,
    len: &mut usize,
    reversed: bool,
) -> PyResult<Option<Value>> {
    let Obj::Dict(d) = &**dict else {
        return Ok(None);
    };
    let d = d.borrow();
    if d.len() != *len {
        *len = usize::MAX;
        return Err(runtime_error("dictionary changed size during iteration"));
    }
    let step = if reversed {
        d.prev_from(*pos)
    } else {
        d.next_from(*pos)
    };
    let Some((e, next)) = step else {
        return Ok(None);
    };
    *pos = next;
    Ok(Some(match kind {
        DictIterKind::Keys => e.key.clone(),
        DictIterKind::Values => e.value.clone(),
        DictIterKind::Items => Value::tuple(vec![e.key.clone(), e.value.clone()]),
    }))
}
