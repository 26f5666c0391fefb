//! Methods of `collections.deque` (exposed as `_asyncio.deque` and by the `collections`
//! module). O(1) at both ends, which asyncio's waiter queues and `Queue._queue` rely on.
//! Messages, bounds and mutation checks follow CPython's `_collectionsmodule.c`.

use super::int::not_impl;
use super::list::{repr_items, ReprGuard};
use super::slice::in_range;
use super::str::{check_repeat, repeat_count};
use crate::obj::deque::DequeObj;
use crate::obj::function::Args;
use crate::obj::Obj;
use crate::syntax::ast::CmpOp;
use crate::vm::errors::{exc, index_error, runtime_error, type_error, value_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use crate::vm::Vm;
use std::collections::VecDeque;
use std::rc::Rc;

fn deque_of(v: &Value) -> Option<&DequeObj> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Deque(d) => Some(d),
            _ => None,
        },
        _ => None,
    }
}

fn this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a DequeObj> {
    match a.pos.first() {
        Some(v) => deque_of(v).ok_or_else(|| {
            type_error(format!(
                "descriptor '{name}' for 'collections.deque' objects doesn't apply to a '{}' object",
                vm.type_name(v)
            ))
        }),
        None => Err(type_error(format!(
            "unbound method deque.{name}() needs an argument"
        ))),
    }
}

pub fn new_deque(items: VecDeque<Value>, maxlen: Option<usize>) -> Value {
    Value::obj(Obj::Deque(Box::new(DequeObj::new(items, maxlen))))
}

fn snapshot(d: &DequeObj) -> Vec<Value> {
    d.items.borrow().iter().cloned().collect()
}

fn mutated() -> crate::vm::errors::ExcRef {
    runtime_error("deque mutated during iteration")
}

/// A `Py_ssize_t` argument as CPython's "n" format converts it.
fn ssize(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    match crate::obj::number::as_int(v) {
        Some(crate::obj::number::IntRef::Small(i)) => Ok(i),
        Some(crate::obj::number::IntRef::Big(_)) => Err(exc(
            ExcKind::OverflowError,
            "Python int too large to convert to C ssize_t",
        )),
        None => {
            let b = vm.index_bigint(v)?;
            i64::try_from(b).map_err(|_| {
                exc(
                    ExcKind::OverflowError,
                    "Python int too large to convert to C ssize_t",
                )
            })
        }
    }
}

/// `deque(...)`: builtin types are made by `__new__` alone, so it runs `__init__`'s work
/// (a subclass's `__new__` goes through the payload path, which passes no arguments).
fn deque_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = new_deque(VecDeque::new(), None);
    let mut pos = a.pos.to_vec();
    if pos.is_empty() {
        return Err(type_error("deque.__new__(): not enough arguments"));
    }
    pos[0] = d.clone();
    let init = Args {
        pos: &pos,
        kwnames: a.kwnames,
        kwvalues: a.kwvalues,
    };
    deque_init(vm, &init)?;
    Ok(d)
}

/// `deque.__init__(self, iterable=(), maxlen=None)`: (re)sets the bound, clears, extends.
fn deque_init(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__init__")?;
    let mut iterable = a.pos.get(1).cloned();
    let mut maxlen = a.pos.get(2).cloned();
    if a.pos.len() > 3 {
        return Err(type_error(format!(
            "deque() takes at most 2 arguments ({} given)",
            a.pos.len() - 1 + a.kwnames.len()
        )));
    }
    for (k, v) in a.kwnames.iter().zip(a.kwvalues) {
        let slot = match k.as_str() {
            Some("iterable") => &mut iterable,
            Some("maxlen") => &mut maxlen,
            _ => {
                return Err(type_error(format!(
                    "'{}' is an invalid keyword argument for deque()",
                    k.as_str().unwrap_or("?")
                )))
            }
        };
        if slot.is_some() {
            return Err(type_error(format!(
                "argument for deque() given by name ('{}') and position ({})",
                k.as_str().unwrap_or("?"),
                if k.as_str() == Some("iterable") { 1 } else { 2 }
            )));
        }
        *slot = Some(v.clone());
    }
    let bound = match maxlen {
        None | Some(Value::None) => None,
        Some(m) => {
            let n = match crate::obj::number::as_int(&m) {
                Some(crate::obj::number::IntRef::Small(i)) => i,
                Some(crate::obj::number::IntRef::Big(_)) => {
                    return Err(exc(
                        ExcKind::OverflowError,
                        "Python int too large to convert to C ssize_t",
                    ))
                }
                None => return Err(type_error("an integer is required")),
            };
            if n < 0 {
                return Err(value_error("maxlen must be non-negative"));
            }
            Some(n as usize)
        }
    };
    d.maxlen.set(bound);
    let old = d.take();
    drop(old);
    if let Some(it) = iterable {
        extend_with(vm, &a.pos[0], d, &it, false)?;
    }
    Ok(Value::None)
}

/// `extend`/`extendleft`: item by item (a bound drops from the other end as it goes); a
/// deque extended by itself reads a copy; with `maxlen=0` the iterable is still consumed.
fn extend_with(
    vm: &mut Vm,
    me: &Value,
    d: &DequeObj,
    iterable: &Value,
    left: bool,
) -> PyResult<()> {
    if iterable.is(me) {
        let items = snapshot(d);
        for v in items {
            let dropped = if left {
                d.push_front(v)
            } else {
                d.push_back(v)
            };
            drop(dropped);
        }
        return Ok(());
    }
    let it = vm.iter(iterable)?;
    while let Some(v) = vm.next(&it)? {
        let dropped = if left {
            d.push_front(v)
        } else {
            d.push_back(v)
        };
        drop(dropped);
    }
    Ok(())
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
    Ok(Value::string(match d.maxlen.get() {
        Some(m) => format!("deque([{inner}], maxlen={m})"),
        None => format!("deque([{inner}])"),
    }))
}

fn len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "__len__")?.len() as i64))
}

fn bool_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Bool(!this(vm, a, "__bool__")?.is_empty()))
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__iter__")?;
    vm.iter(&a.pos[0])
}

fn reversed(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__reversed__")?;
    let Value::Obj(o) = &a.pos[0] else {
        return Err(type_error("deque expected"));
    };
    Ok(Value::obj(Obj::Iter(std::cell::RefCell::new(
        crate::obj::IterState::Deque {
            deque: o.clone(),
            index: d.len(),
            state: d.state.get(),
            reverse: true,
        },
    ))))
}

fn maxlen(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "maxlen")?;
    Ok(match d.maxlen.get() {
        Some(m) => Value::Int(m as i64),
        None => Value::None,
    })
}

/// A sequence index (`__index__` accepted; too big is an IndexError) made non-negative
/// and checked against the length.
fn item_index(vm: &mut Vm, d: &DequeObj, key: &Value) -> PyResult<usize> {
    let i = match key {
        Value::Int(i) => *i,
        Value::Bool(b) => *b as i64,
        other
            if crate::obj::number::as_int(other).is_some()
                || vm.lookup_special(other, "__index__").is_some() =>
        {
            vm.index_value(other)?
        }
        other => {
            return Err(type_error(format!(
                "sequence index must be integer, not '{}'",
                vm.type_name(other)
            )))
        }
    };
    let n = d.len() as i64;
    let j = if i < 0 { i + n } else { i };
    in_range(j, d.len()).ok_or_else(|| index_error("deque index out of range"))
}

fn getitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__getitem__")?;
    a.check("__getitem__", 2, 2)?;
    let i = item_index(vm, d, &a.pos[1])?;
    let v = d.items.borrow().get(i).cloned();
    v.ok_or_else(|| index_error("deque index out of range"))
}

fn setitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__setitem__")?;
    a.check("__setitem__", 3, 3)?;
    let i = item_index(vm, d, &a.pos[1])?;
    let old = d
        .items
        .borrow_mut()
        .get_mut(i)
        .map(|slot| std::mem::replace(slot, a.pos[2].clone()));
    drop(old);
    Ok(Value::None)
}

fn delitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__delitem__")?;
    a.check("__delitem__", 2, 2)?;
    let i = item_index(vm, d, &a.pos[1])?;
    let old = d.items.borrow_mut().remove(i);
    d.bump();
    drop(old);
    Ok(Value::None)
}

/// Calls `f` with each item equal to `x` in turn (CPython's loop: identity first, then
/// `==`), failing if the deque changes meanwhile. Stops when `f` returns false.
fn scan(
    vm: &mut Vm,
    d: &DequeObj,
    x: &Value,
    range: (usize, usize),
    mutated_err: fn() -> crate::vm::errors::ExcRef,
    mut f: impl FnMut(usize) -> bool,
) -> PyResult<()> {
    let start_state = d.state.get();
    for i in range.0..range.1 {
        let Some(item) = d.items.borrow().get(i).cloned() else {
            break;
        };
        let eq = vm.eq(&item, x)?;
        if d.state.get() != start_state {
            return Err(mutated_err());
        }
        if eq && !f(i) {
            break;
        }
    }
    Ok(())
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__contains__")?;
    a.check("__contains__", 2, 2)?;
    let mut found = false;
    scan(vm, d, &a.pos[1], (0, d.len()), mutated, |_| {
        found = true;
        false
    })?;
    Ok(Value::Bool(found))
}

fn count(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "count")?;
    a.check("count", 2, 2)?;
    let mut n = 0;
    scan(vm, d, &a.pos[1], (0, d.len()), mutated, |_| {
        n += 1;
        true
    })?;
    Ok(Value::Int(n))
}

fn index(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "index")?;
    a.check("index", 2, 4)?;
    let n = d.len() as i64;
    let bound = |vm: &mut Vm, v: Option<&Value>, dflt: i64| -> PyResult<i64> {
        match v {
            None => Ok(dflt),
            Some(v) => {
                if crate::obj::number::as_int(v).is_none()
                    && vm.lookup_special(v, "__index__").is_none()
                {
                    return Err(type_error(
                        "slice indices must be integers or have an __index__ method",
                    ));
                }
                super::slice::opt_bound(vm, Some(v)).map(|b| b.unwrap_or(dflt))
            }
        }
    };
    let mut start = bound(vm, a.pos.get(2), 0)?;
    let mut stop = bound(vm, a.pos.get(3), i64::MAX)?;
    if start < 0 {
        start = (start + n).max(0);
    }
    if stop < 0 {
        stop = (stop + n).max(0);
    }
    stop = stop.min(n);
    start = start.min(stop);
    let mut at = None;
    scan(
        vm,
        d,
        &a.pos[1],
        (start as usize, stop as usize),
        mutated,
        |i| {
            at = Some(i);
            false
        },
    )?;
    match at {
        Some(i) => Ok(Value::Int(i as i64)),
        None => {
            let r = vm.repr(&a.pos[1])?;
            Err(value_error(format!("{r} is not in deque")))
        }
    }
}

fn remove(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "remove")?;
    a.check("remove", 2, 2)?;
    let mut at = None;
    scan(
        vm,
        d,
        &a.pos[1],
        (0, d.len()),
        || index_error("deque mutated during iteration"),
        |i| {
            at = Some(i);
            false
        },
    )?;
    match at {
        Some(i) => {
            let old = d.items.borrow_mut().remove(i);
            d.bump();
            drop(old);
            Ok(Value::None)
        }
        None => {
            let r = vm.repr(&a.pos[1])?;
            Err(value_error(format!("{r} is not in deque")))
        }
    }
}

fn append(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "append")?;
    a.check("append", 2, 2)?;
    let dropped = d.push_back(a.pos[1].clone());
    drop(dropped);
    Ok(Value::None)
}

fn appendleft(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "appendleft")?;
    a.check("appendleft", 2, 2)?;
    let dropped = d.push_front(a.pos[1].clone());
    drop(dropped);
    Ok(Value::None)
}

fn extend(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "extend")?;
    a.check("extend", 2, 2)?;
    extend_with(vm, &a.pos[0], d, &a.pos[1], false)?;
    Ok(Value::None)
}

fn extendleft(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "extendleft")?;
    a.check("extendleft", 2, 2)?;
    extend_with(vm, &a.pos[0], d, &a.pos[1], true)?;
    Ok(Value::None)
}

fn insert(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "insert")?;
    a.check("insert", 3, 3)?;
    let i = ssize(vm, &a.pos[1])?;
    if d.maxlen.get() == Some(d.len()) {
        return Err(index_error("deque already at its maximum size"));
    }
    let n = d.len() as i64;
    let p = if i < 0 { (i + n).max(0) } else { i.min(n) };
    d.items.borrow_mut().insert(p as usize, a.pos[2].clone());
    d.bump();
    Ok(Value::None)
}

fn pop(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "pop")?;
    a.check_method("deque", "pop", 1, 1)?;
    d.pop_back()
        .ok_or_else(|| index_error("pop from an empty deque"))
}

fn popleft(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "popleft")?;
    a.check_method("deque", "popleft", 1, 1)?;
    d.pop_front()
        .ok_or_else(|| index_error("pop from an empty deque"))
}

fn clear(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "clear")?;
    a.check_method("deque", "clear", 1, 1)?;
    let old = d.take();
    drop(old);
    Ok(Value::None)
}

fn rotate(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "rotate")?;
    a.check("rotate", 1, 2)?;
    let n = match a.pos.get(1) {
        Some(v) => ssize(vm, v)?,
        None => 1,
    };
    let len = d.len();
    if len <= 1 {
        return Ok(Value::None);
    }
    d.bump();
    let k = n.rem_euclid(len as i64) as usize;
    d.items.borrow_mut().rotate_right(k);
    Ok(Value::None)
}

fn reverse(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "reverse")?;
    a.check_method("deque", "reverse", 1, 1)?;
    d.items.borrow_mut().make_contiguous().reverse();
    Ok(Value::None)
}

fn copy(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    copy_named(vm, a, "copy")
}

/// `__copy__` is `copy` under its own name (in messages too).
fn dunder_copy(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    copy_named(vm, a, "__copy__")
}

fn copy_named(vm: &mut Vm, a: &Args, name: &str) -> PyResult<Value> {
    let d = this(vm, a, name)?;
    a.check_method("deque", name, 1, 1)?;
    Ok(new_deque(d.items.borrow().clone(), d.maxlen.get()))
}

fn add(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__add__")?;
    a.check("__add__", 2, 2)?;
    let Some(other) = deque_of(crate::vm::payload::builtin_view(&a.pos[1])) else {
        return Err(type_error(format!(
            "can only concatenate deque (not \"{}\") to deque",
            vm.type_name(&a.pos[1])
        )));
    };
    let out = new_deque(d.items.borrow().clone(), d.maxlen.get());
    if let Some(o) = deque_of(&out) {
        for v in snapshot(other) {
            let dropped = o.push_back(v);
            drop(dropped);
        }
    }
    Ok(out)
}

fn iadd(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__iadd__")?;
    a.check("__iadd__", 2, 2)?;
    extend_with(vm, &a.pos[0], d, &a.pos[1], false)?;
    Ok(a.pos[0].clone())
}

/// The items of `d` repeated `n` times, of which a bounded deque keeps the last `maxlen`.
fn repeated(d: &DequeObj, n: usize) -> PyResult<Option<VecDeque<Value>>> {
    let items = d.items.borrow();
    let size = items.len();
    if n == 0 || size == 0 {
        return Ok(None);
    }
    let total = size
        .checked_mul(n)
        .ok_or_else(crate::vm::errors::memory_error)?;
    let keep = d.maxlen.get().map_or(total, |m| m.min(total));
    check_repeat(keep.max(1) * 16, 1)?;
    let first = total - keep;
    Ok(Some(
        (first..total).map(|j| items[j % size].clone()).collect(),
    ))
}

fn mul(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__mul__")?;
    a.check("__mul__", 2, 2)?;
    let Some(n) = repeat_count(vm, &a.pos[1])? else {
        return Ok(not_impl(vm));
    };
    let items = repeated(d, n)?.unwrap_or_default();
    Ok(new_deque(items, d.maxlen.get()))
}

fn imul(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let d = this(vm, a, "__imul__")?;
    a.check("__imul__", 2, 2)?;
    let Some(n) = repeat_count(vm, &a.pos[1])? else {
        return Ok(not_impl(vm));
    };
    let items = repeated(d, n)?.unwrap_or_default();
    let old = d.take();
    let grew = !items.is_empty();
    *d.items.borrow_mut() = items;
    if grew {
        d.bump();
    }
    drop(old);
    Ok(a.pos[0].clone())
}

/// Rich comparison, only between deques: the first differing pair decides (its own
/// comparison's result is returned as is), else the lengths.
fn cmp(vm: &mut Vm, a: &Args, op: CmpOp, name: &str) -> PyResult<Value> {
    let d = this(vm, a, name)?;
    a.check(name, 2, 2)?;
    let Some(o) = deque_of(crate::vm::payload::builtin_view(&a.pos[1])) else {
        return Ok(not_impl(vm));
    };
    let same = a.pos[0].is(crate::vm::payload::builtin_view(&a.pos[1]));
    match op {
        CmpOp::Eq if same => return Ok(Value::Bool(true)),
        CmpOp::NotEq if same => return Ok(Value::Bool(false)),
        CmpOp::Eq | CmpOp::NotEq if d.len() != o.len() => {
            return Ok(Value::Bool(op == CmpOp::NotEq))
        }
        _ => {}
    }
    let (ds, os) = (d.state.get(), o.state.get());
    let mut i = 0;
    loop {
        if d.state.get() != ds || o.state.get() != os {
            return Err(mutated());
        }
        let x = d.items.borrow().get(i).cloned();
        let y = o.items.borrow().get(i).cloned();
        let (Some(x), Some(y)) = (x, y) else { break };
        if !vm.eq(&x, &y)? {
            return vm.compare(&x, &y, op);
        }
        i += 1;
    }
    Ok(Value::Bool(op.ordered(&d.len(), &o.len()).unwrap_or(false)))
}
rich_comparisons!(cmp);

pub fn register(vm: &mut Vm) {
    let t = vm.t.deque.clone();
    if let Obj::Class(c) = &*t {
        *c.module.borrow_mut() = Rc::from("collections");
    }
    for it in [&vm.t.deque_iterator, &vm.t.deque_reverse_iterator] {
        if let Obj::Class(c) = &**it {
            *c.module.borrow_mut() = Rc::from("_collections");
        }
    }
    vm.add_methods(
        &t,
        "deque",
        &[
            ("__new__", deque_new),
            ("__init__", deque_init),
            ("__repr__", repr),
            ("__len__", len),
            ("__bool__", bool_),
            ("__iter__", iter),
            ("__reversed__", reversed),
            ("__getitem__", getitem),
            ("__setitem__", setitem),
            ("__delitem__", delitem),
            ("__contains__", contains),
            ("__add__", add),
            ("__iadd__", iadd),
            ("__mul__", mul),
            ("__rmul__", mul),
            ("__imul__", imul),
            ("__eq__", eq),
            ("__ne__", ne),
            ("__lt__", lt),
            ("__le__", le),
            ("__gt__", gt),
            ("__ge__", ge),
            ("__copy__", dunder_copy),
            ("copy", copy),
            ("append", append),
            ("appendleft", appendleft),
            ("extend", extend),
            ("extendleft", extendleft),
            ("insert", insert),
            ("pop", pop),
            ("popleft", popleft),
            ("remove", remove),
            ("clear", clear),
            ("count", count),
            ("index", index),
            ("rotate", rotate),
            ("reverse", reverse),
        ],
    );
    vm.add_class_attr(&t, "__hash__", Value::None);
    let prop = vm.native_property("deque", "maxlen", maxlen);
    vm.add_class_attr(&t, "maxlen", prop);
}
