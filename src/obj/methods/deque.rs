//! Methods of `collections.deque` (the subset asyncio's locks and queues use; exposed as
//! `_asyncio.deque` until a `collections` module exists). O(1) at both ends, which the
//! waiter queues of Lock/Event/Condition/Semaphore and `Queue._queue` rely on.

use super::list::{repr_items, ReprGuard};
use super::slice::in_range;
use crate::obj::function::Args;
use crate::obj::Obj;
use crate::vm::errors::{index_error, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

type Items = RefCell<VecDeque<Value>>;

fn this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a Items> {
    match a.pos.first() {
        Some(Value::Obj(o)) if matches!(&**o, Obj::Deque(_)) => match &**o {
            Obj::Deque(d) => Ok(d),
            _ => unreachable!("checked above"),
        },
        Some(v) => Err(type_error(format!(
            "descriptor '{name}' for 'collections.deque' objects doesn't apply to a '{}' object",
            vm.type_name(v)
        ))),
        None => Err(type_error(format!(
            "unbound method deque.{name}() needs an argument"
        ))),
    }
}

fn snapshot(d: &Items) -> Vec<Value> {
    d.borrow().iter().cloned().collect()
}

fn deque_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    // `maxlen=None` (unbounded) is what aio's deques are; a bound is not supported yet.
    let mut maxlen = a.pos.get(2).cloned();
    let mut iterable = a.pos.get(1).cloned();
    for (k, v) in a.kwnames.iter().zip(a.kwvalues) {
        match k.as_str() {
            Some("maxlen") if maxlen.is_none() => maxlen = Some(v.clone()),
            Some("iterable") if iterable.is_none() => iterable = Some(v.clone()),
            _ => {
                return Err(type_error(format!(
                    "deque() got an unexpected keyword argument '{}'",
                    k.as_str().unwrap_or("?")
                )))
            }
        }
    }
    if maxlen.as_ref().is_some_and(|m| !m.is_none()) {
        return Err(crate::vm::errors::not_implemented(
            "aio: deque(maxlen=...) is not supported yet",
        ));
    }
    if a.pos.len() > 3 {
        return Err(type_error(format!(
            "deque expected at most 2 arguments, got {}",
            a.pos.len() - 1
        )));
    }
    let items = match iterable {
        None => VecDeque::new(),
        Some(it) => VecDeque::from(vm.collect(&it)?),
    };
    Ok(Value::obj(Obj::Deque(RefCell::new(items))))
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__repr__")?;
    let Some(o) = a.pos[0].as_obj() else {
        return Ok(Value::str("deque([])"));
    };
    let Some(_g) = ReprGuard::enter(o) else {
        return Ok(Value::str("[...]"));
    };
    let inner = repr_items(vm, &snapshot(d))?;
    Ok(Value::string(format!("deque([{inner}])")))
}

fn len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "__len__")?.borrow().len() as i64))
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__iter__")?;
    vm.iter(&a.pos[0])
}

fn getitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__getitem__")?;
    a.check("__getitem__", 2, 2)?;
    let i = match &a.pos[1] {
        Value::Int(i) => *i,
        Value::Bool(b) => *b as i64,
        other => {
            return Err(type_error(format!(
                "sequence index must be integer, not '{}'",
                vm.type_name(other)
            )))
        }
    };
    let d = d.borrow();
    let n = d.len() as i64;
    let j = if i < 0 { i + n } else { i };
    match in_range(j, d.len()) {
        Some(j) => Ok(d[j].clone()),
        None => Err(index_error("deque index out of range")),
    }
}

/// Index of the first item identical or equal to `x` (identity first, as CPython compares).
fn position(vm: &mut Vm, d: &Items, x: &Value) -> PyResult<Option<usize>> {
    if let Some(i) = d.borrow().iter().position(|v| v.is(x)) {
        return Ok(Some(i));
    }
    for (i, v) in snapshot(d).iter().enumerate() {
        if vm.eq(v, x)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__contains__")?;
    a.check("__contains__", 2, 2)?;
    Ok(Value::Bool(position(vm, d, &a.pos[1])?.is_some()))
}

fn append(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "append")?;
    a.check("append", 2, 2)?;
    d.borrow_mut().push_back(a.pos[1].clone());
    Ok(Value::None)
}

fn appendleft(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "appendleft")?;
    a.check("appendleft", 2, 2)?;
    d.borrow_mut().push_front(a.pos[1].clone());
    Ok(Value::None)
}

fn pop(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "pop")?;
    a.check("pop", 1, 1)?;
    let v = d.borrow_mut().pop_back();
    v.ok_or_else(|| index_error("pop from an empty deque"))
}

fn popleft(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "popleft")?;
    a.check("popleft", 1, 1)?;
    let v = d.borrow_mut().pop_front();
    v.ok_or_else(|| index_error("pop from an empty deque"))
}

fn remove(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "remove")?;
    a.check("remove", 2, 2)?;
    match position(vm, d, &a.pos[1])? {
        Some(i) => {
            let old = d.borrow_mut().remove(i);
            drop(old);
            Ok(Value::None)
        }
        None => Err(value_error("deque.remove(x): x not in deque")),
    }
}

fn clear(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "clear")?;
    a.check("clear", 1, 1)?;
    let old = std::mem::take(&mut *d.borrow_mut());
    drop(old);
    Ok(Value::None)
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.deque.clone();
    if let Obj::Class(c) = &*t {
        *c.module.borrow_mut() = Rc::from("collections");
    }
    vm.add_methods(
        &t,
        "deque",
        &[
            ("__new__", deque_new),
            ("__repr__", repr),
            ("__len__", len),
            ("__iter__", iter),
            ("__getitem__", getitem),
            ("__contains__", contains),
            ("append", append),
            ("appendleft", appendleft),
            ("pop", pop),
            ("popleft", popleft),
            ("remove", remove),
            ("clear", clear),
        ],
    );
    vm.add_class_attr(&t, "__hash__", Value::None);
}
