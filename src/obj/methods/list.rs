//! Methods of `list`, plus helpers shared by the sequence types (lexicographic
//! comparison, the repr recursion guard, sorting).

use super::int::not_impl;
use super::slice::{in_range, seq_index, Index};
use super::str::{check_repeat, repeat_count};
use crate::obj::function::Args;
use crate::obj::Obj;
use crate::syntax::ast::CmpOp;
use crate::vm::errors::{index_error, type_error, value_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::RefCell;

thread_local! {
    static REPR_STACK: RefCell<Vec<usize>> = const { RefCell::new(Vec::new()) };
}

/// Marks an object as being repr'd; dropping it unmarks. `None` when the object is
/// already being repr'd further up (print `[...]`).
pub struct ReprGuard(usize);

impl ReprGuard {
    pub fn enter(o: &ObjRef) -> Option<ReprGuard> {
        let addr = o.addr();
        REPR_STACK.with(|s| {
            let mut s = s.borrow_mut();
            if s.contains(&addr) {
                None
            } else {
                s.push(addr);
                Some(ReprGuard(addr))
            }
        })
    }
}

impl Drop for ReprGuard {
    fn drop(&mut self) {
        REPR_STACK.with(|s| {
            let mut s = s.borrow_mut();
            if let Some(p) = s.iter().rposition(|a| *a == self.0) {
                s.remove(p);
            }
        });
    }
}

/// `repr` of each item joined with ", ".
pub fn repr_items(vm: &mut Vm, items: &[Value]) -> PyResult<String> {
    let mut out = String::new();
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&vm.repr(v)?);
    }
    Ok(out)
}

/// Lexicographic comparison of two sequences, as CPython's list/tuple richcompare.
pub fn seq_cmp(vm: &mut Vm, a: &[Value], b: &[Value], op: CmpOp) -> PyResult<bool> {
    if matches!(op, CmpOp::Eq | CmpOp::NotEq) && a.len() != b.len() {
        return Ok(op == CmpOp::NotEq);
    }
    let n = a.len().min(b.len());
    for i in 0..n {
        if !vm.eq(&a[i], &b[i])? {
            return match op {
                CmpOp::Eq => Ok(false),
                CmpOp::NotEq => Ok(true),
                _ => {
                    let r = vm.compare(&a[i], &b[i], op)?;
                    vm.truthy(&r)
                }
            };
        }
    }
    Ok(op.ordered(&a.len(), &b.len()).unwrap_or(false))
}

fn list_cell(v: &Value) -> Option<&RefCell<Vec<Value>>> {
    match crate::vm::payload::builtin_view(v) {
        Value::Obj(o) => match &**o {
            Obj::List(l) => Some(l),
            _ => None,
        },
        _ => None,
    }
}

fn this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a RefCell<Vec<Value>>> {
    let receiver = match a.pos.first() {
        Some(v) => {
            list_cell(v).ok_or_else(|| super::wrong_receiver(name, "list", &vm.type_name(v)))
        }
        None => Err(super::receiver_missing(name, "list")),
    }?;
    super::unary_slot_arity(a, name)?;
    Ok(receiver)
}

fn snapshot(l: &RefCell<Vec<Value>>) -> Vec<Value> {
    l.borrow().clone()
}

fn list_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "list")?;
    a.no_kwargs("list")?;
    match a.pos.len() {
        1 => Ok(Value::list(vec![])),
        2 => Ok(Value::list(vm.collect(&a.pos[1])?)),
        n => Err(type_error(format!(
            "list expected at most 1 argument, got {}",
            n - 1
        ))),
    }
}

/// `list.__init__(self, iterable=())`: replaces the contents (subclass instances are
/// created empty by `list.__new__`).
fn list_init(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "__init__")?;
    let fresh = list_new(vm, a)?;
    if let Some(items) = list_cell(&fresh) {
        let new_items = std::mem::take(&mut *items.borrow_mut());
        let old = std::mem::replace(&mut *l.borrow_mut(), new_items);
        drop(old);
    }
    Ok(Value::None)
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "__repr__")?;
    let Some(o) = a.pos[0].as_obj() else {
        return Ok(Value::str("[]"));
    };
    let Some(_g) = ReprGuard::enter(o) else {
        return Ok(Value::str("[...]"));
    };
    let items = snapshot(l);
    let inner = repr_items(vm, &items)?;
    Ok(Value::string(format!("[{inner}]")))
}

fn len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "__len__")?.borrow().len() as i64))
}

/// `items[slice]` for any slice.
pub fn slice_items(items: &[Value], sl: &super::slice::SliceIdx) -> Vec<Value> {
    if sl.step == 1 {
        let s = sl.start as usize;
        return items[s..s + sl.len].to_vec();
    }
    sl.positions().map(|p| items[p].clone()).collect()
}

pub(crate) fn getitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "__getitem__")?;
    a.check_method("list", "__getitem__", 2, 2)?;
    let n = l.borrow().len();
    match seq_index(vm, &a.pos[1], n, "list")? {
        Index::At(i) => {
            let l = l.borrow();
            match in_range(i, l.len()) {
                Some(i) => Ok(l[i].clone()),
                None => Err(index_error("list index out of range")),
            }
        }
        Index::Slice(sl) => {
            let l = l.borrow();
            if sl.len > 0 && (sl.start as usize >= l.len()) {
                return Ok(Value::list(vec![]));
            }
            Ok(Value::list(slice_items(&l, &sl)))
        }
    }
}

fn setitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "__setitem__")?;
    a.check_slot_unpacked("__setitem__", 2, 2)?;
    let n = l.borrow().len();
    match seq_index(vm, &a.pos[1], n, "list")? {
        Index::At(i) => {
            let mut l = l.borrow_mut();
            match in_range(i, l.len()) {
                Some(i) => {
                    l[i] = a.pos[2].clone();
                    Ok(Value::None)
                }
                None => Err(index_error("list assignment index out of range")),
            }
        }
        Index::Slice(sl) => {
            let items = match vm.collect(&a.pos[2]) {
                Ok(v) => v,
                Err(e) if e.is(ExcKind::TypeError) && vm.iter(&a.pos[2]).is_err() => {
                    return Err(type_error(if sl.step == 1 {
                        "can only assign an iterable"
                    } else {
                        "must assign iterable to extended slice"
                    }))
                }
                Err(e) => return Err(e),
            };
            let mut l = l.borrow_mut();
            if sl.step == 1 {
                let start = (sl.start.max(0) as usize).min(l.len());
                let end = (start + sl.len).min(l.len());
                let removed: Vec<Value> = l.splice(start..end, items).collect();
                drop(l);
                release_last_first(removed);
                return Ok(Value::None);
            }
            if items.len() != sl.len {
                return Err(value_error(format!(
                    "attempt to assign sequence of size {} to extended slice of size {}",
                    items.len(),
                    sl.len
                )));
            }
            for (p, v) in sl.positions().zip(items) {
                if p < l.len() {
                    l[p] = v;
                }
            }
            Ok(Value::None)
        }
    }
}

/// Deletes the positions of a resolved slice from a vector.
pub fn delete_slice<T>(v: &mut Vec<T>, sl: &super::slice::SliceIdx) {
    if sl.len == 0 {
        return;
    }
    if sl.step == 1 {
        let s = (sl.start as usize).min(v.len());
        let e = (s + sl.len).min(v.len());
        v.drain(s..e);
        return;
    }
    let mut kill = vec![false; v.len()];
    for p in sl.positions() {
        if p < kill.len() {
            kill[p] = true;
        }
    }
    let mut k = 0;
    v.retain(|_| {
        let keep = !kill[k];
        k += 1;
        keep
    });
}

fn delitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "__delitem__")?;
    a.check_slot("__delitem__", 1)?;
    let n = l.borrow().len();
    let removed: Vec<Value>;
    match seq_index(vm, &a.pos[1], n, "list")? {
        Index::At(i) => {
            let mut l = l.borrow_mut();
            match in_range(i, l.len()) {
                Some(i) => {
                    removed = vec![l.remove(i)];
                }
                None => return Err(index_error("list assignment index out of range")),
            }
        }
        Index::Slice(sl) => {
            let mut l = l.borrow_mut();
            let mut tmp = std::mem::take(&mut *l);
            let before = tmp.clone();
            delete_slice(&mut tmp, &sl);
            *l = tmp;
            drop(l);
            // CPython frees a plain slice's items last first, an extended slice's first
            // first (only the removed ones are released by dropping `before`).
            if sl.step == 1 {
                release_last_first(before);
            } else {
                drop(before);
            }
            return Ok(Value::None);
        }
    }
    drop(removed);
    Ok(Value::None)
}

/// Drops the items a slice assignment or deletion took out, last first, as CPython's
/// list_ass_slice releases them: the order their finalizers run in.
fn release_last_first(items: Vec<Value>) {
    items.into_iter().rev().for_each(drop);
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "__contains__")?;
    a.check_slot("__contains__", 1)?;
    let items = snapshot(l);
    for x in &items {
        if vm.eq(x, &a.pos[1])? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__iter__")?;
    vm.iter(&a.pos[0])
}

fn reversed(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "__reversed__")?;
    let n = l.borrow().len();
    Ok(Value::obj(Obj::Iter(RefCell::new(
        crate::obj::IterState::Reversed {
            seq: a.pos[0].clone(),
            index: n.checked_sub(1),
        },
    ))))
}

fn add(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "__add__")?;
    a.check_slot("__add__", 1)?;
    let Some(r) = list_cell(&a.pos[1]) else {
        return Err(type_error(format!(
            "can only concatenate list (not \"{}\") to list",
            vm.type_name(&a.pos[1])
        )));
    };
    let mut out = l.borrow().clone();
    out.extend(r.borrow().iter().cloned());
    Ok(Value::list(out))
}

fn iadd(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "__iadd__")?;
    a.check_slot("__iadd__", 1)?;
    let items = vm.collect(&a.pos[1])?;
    l.borrow_mut().extend(items);
    Ok(a.pos[0].clone())
}

fn mul(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "__mul__")?;
    a.check_slot_unpacked("__mul__", 1, 1)?;
    let Some(n) = repeat_count(vm, &a.pos[1])? else {
        return Ok(not_impl(vm));
    };
    let items = l.borrow();
    if items.is_empty() || n == 0 {
        return Ok(Value::list(vec![]));
    }
    check_repeat(items.len() * 16, n)?;
    let mut out = Vec::with_capacity(items.len() * n);
    for _ in 0..n {
        out.extend(items.iter().cloned());
    }
    Ok(Value::list(out))
}

fn imul(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "__imul__")?;
    a.check_slot_unpacked("__imul__", 1, 1)?;
    let Some(n) = repeat_count(vm, &a.pos[1])? else {
        return Ok(not_impl(vm));
    };
    let mut items = l.borrow_mut();
    if n == 0 || items.is_empty() {
        let old = std::mem::take(&mut *items);
        drop(items);
        drop(old);
        return Ok(a.pos[0].clone());
    }
    check_repeat(items.len() * 16, n)?;
    let once = items.clone();
    for _ in 1..n {
        items.extend(once.iter().cloned());
    }
    Ok(a.pos[0].clone())
}

fn cmp(vm: &mut Vm, a: &Args, op: CmpOp, name: &str) -> PyResult<Value> {
    let l = this(vm, a, name)?;
    a.check(name, 2, 2)?;
    let Some(r) = list_cell(&a.pos[1]) else {
        return Ok(not_impl(vm));
    };
    let (x, y) = (snapshot(l), snapshot(r));
    Ok(Value::Bool(seq_cmp(vm, &x, &y, op)?))
}
rich_comparisons!(cmp);

fn append(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "append")?;
    a.check_method("list", "append", 2, 2)?;
    l.borrow_mut().push(a.pos[1].clone());
    Ok(Value::None)
}

fn clear(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "clear")?;
    a.check_method("list", "clear", 1, 1)?;
    let old = std::mem::take(&mut *l.borrow_mut());
    // Last item first, as CPython's list_clear (the order finalizers run in).
    for v in old.into_iter().rev() {
        drop(v);
    }
    Ok(Value::None)
}

fn copy(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "copy")?;
    a.check_method("list", "copy", 1, 1)?;
    Ok(Value::list(snapshot(l)))
}

fn count(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "count")?;
    a.check_method("list", "count", 2, 2)?;
    let items = snapshot(l);
    let mut n = 0;
    for x in &items {
        if vm.eq(x, &a.pos[1])? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn extend(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "extend")?;
    a.check_method("list", "extend", 2, 2)?;
    let items = vm.collect(&a.pos[1])?;
    l.borrow_mut().extend(items);
    Ok(Value::None)
}

/// `seq.index(x, start, stop)` over a snapshot of items.
pub fn index_in(vm: &mut Vm, items: &[Value], a: &Args, what: &str) -> PyResult<Value> {
    let n = items.len() as i64;
    let fix = |v: i64| if v < 0 { (v + n).max(0) } else { v.min(n) };
    let start = super::slice::opt_bound(vm, a.pos.get(2))?
        .map(fix)
        .unwrap_or(0);
    let stop = super::slice::opt_bound(vm, a.pos.get(3))?
        .map(fix)
        .unwrap_or(n);
    let mut i = start;
    while i < stop && (i as usize) < items.len() {
        if vm.eq(&items[i as usize], &a.pos[1])? {
            return Ok(Value::Int(i));
        }
        i += 1;
    }
    if what == "list" {
        let r = vm.repr(&a.pos[1])?;
        Err(value_error(format!("{r} is not in list")))
    } else {
        Err(value_error(format!("{what}.index(x): x not in {what}")))
    }
}

fn index(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "index")?;
    a.check_method("list", "index", 2, 4)?;
    let items = snapshot(l);
    index_in(vm, &items, a, "list")
}

fn insert(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "insert")?;
    a.check_method("list", "insert", 3, 3)?;
    let i = vm.ssize_value(&a.pos[1])?;
    let mut l = l.borrow_mut();
    let n = l.len() as i64;
    let p = if i < 0 {
        (i.saturating_add(n)).max(0)
    } else {
        i.min(n)
    };
    l.insert(p as usize, a.pos[2].clone());
    Ok(Value::None)
}

fn pop(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "pop")?;
    a.check_method("list", "pop", 1, 2)?;
    let i = match a.pos.get(1) {
        Some(v) => vm.ssize_value(v)?,
        None => -1,
    };
    let mut l = l.borrow_mut();
    if l.is_empty() {
        return Err(index_error("pop from empty list"));
    }
    let n = l.len() as i64;
    let j = if i < 0 { i + n } else { i };
    match in_range(j, l.len()) {
        Some(j) => {
            if j + 1 == l.len() {
                Ok(l.pop().unwrap_or(Value::None))
            } else {
                Ok(l.remove(j))
            }
        }
        None => Err(index_error("pop index out of range")),
    }
}

fn remove(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "remove")?;
    a.check_method("list", "remove", 2, 2)?;
    let items = snapshot(l);
    for (i, x) in items.iter().enumerate() {
        if vm.eq(x, &a.pos[1])? {
            let mut l = l.borrow_mut();
            if i < l.len() {
                let old = l.remove(i);
                drop(l);
                drop(old);
            }
            return Ok(Value::None);
        }
    }
    Err(value_error("list.remove(x): x not in list"))
}

fn reverse(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "reverse")?;
    a.check_method("list", "reverse", 1, 1)?;
    l.borrow_mut().reverse();
    Ok(Value::None)
}

/// `a < b` with fast paths for common kinds.
fn less(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x < y),
        (Value::Float(x), Value::Float(y)) => Ok(x < y),
        _ => {
            if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
                return Ok(x < y);
            }
            vm.lt(a, b)
        }
    }
}

/// Stable merge sort of `(key, value)` pairs by key using `<` only (safe with
/// inconsistent user comparisons; errors propagate).
fn merge_sort(vm: &mut Vm, v: &mut [(Value, Value)]) -> PyResult<()> {
    let n = v.len();
    if n < 2 {
        return Ok(());
    }
    // Insertion sort for short runs.
    const RUN: usize = 16;
    let mut start = 0;
    while start < n {
        let end = (start + RUN).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && less(vm, &v[j].0, &v[j - 1].0)? {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        start = end;
    }
    let mut width = RUN;
    let mut buf: Vec<(Value, Value)> = Vec::with_capacity(n);
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            if mid < hi && less(vm, &v[mid].0, &v[mid - 1].0)? {
                buf.clear();
                let (mut i, mut j) = (lo, mid);
                while i < mid && j < hi {
                    if less(vm, &v[j].0, &v[i].0)? {
                        buf.push(v[j].clone());
                        j += 1;
                    } else {
                        buf.push(v[i].clone());
                        i += 1;
                    }
                }
                buf.extend(v[i..mid].iter().cloned());
                buf.extend(v[j..hi].iter().cloned());
                for (k, item) in buf.drain(..).enumerate() {
                    v[lo + k] = item;
                }
            }
            lo = hi;
        }
        width *= 2;
    }
    Ok(())
}

/// Sorts values in place like `list.sort(key=, reverse=)`.
/// The first eight bytes of `s` as a big-endian number, zero-padded.
fn str_prefix(s: &str) -> u64 {
    let mut b = [0u8; 8];
    let n = s.len().min(8);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(b)
}

pub fn sort_values(
    vm: &mut Vm,
    items: &mut Vec<Value>,
    key: &Value,
    reverse: bool,
) -> PyResult<()> {
    if reverse {
        items.reverse();
    }
    if key.is_none() {
        if items.iter().all(|v| matches!(v, Value::Int(_))) {
            items.sort_by_key(|v| match v {
                Value::Int(i) => *i,
                _ => 0,
            });
        } else if let Some(strs) = items.iter().map(Value::as_str).collect::<Option<Vec<_>>>() {
            // Sorting indices over the gathered `&str`s spares each comparison the two
            // pointer hops from a value to its text, and each index carries the first
            // eight bytes as a big-endian number, which orders most pairs without a
            // `memcmp` (UTF-8 byte order is code point order; equal prefixes fall back to
            // comparing the whole strs, so zero padding cannot misorder).
            let mut keyed: Vec<(u64, usize)> = strs
                .iter()
                .enumerate()
                .map(|(i, s)| (str_prefix(s), i))
                .collect();
            keyed.sort_by(|&(pa, a), &(pb, b)| pa.cmp(&pb).then_with(|| strs[a].cmp(strs[b])));
            let sorted = keyed.iter().map(|&(_, i)| items[i].clone()).collect();
            *items = sorted;
        } else {
            let mut pairs: Vec<(Value, Value)> = items.drain(..).map(|v| (v.clone(), v)).collect();
            let r = merge_sort(vm, &mut pairs);
            items.extend(pairs.into_iter().map(|(_, v)| v));
            r?;
        }
    } else {
        let mut pairs = Vec::with_capacity(items.len());
        for v in items.iter() {
            let k = vm.call(key, std::slice::from_ref(v))?;
            pairs.push((k, v.clone()));
        }
        merge_sort(vm, &mut pairs)?;
        items.clear();
        items.extend(pairs.into_iter().map(|(_, v)| v));
    }
    if reverse {
        items.reverse();
    }
    Ok(())
}

fn sort(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let l = this(vm, a, "sort")?;
    if a.pos.len() > 1 {
        return Err(type_error("sort() takes no positional arguments"));
    }
    a.clinic_max_kwargs("sort", 2)?;
    a.only_kwargs("sort", &["key", "reverse"])?;
    let key = a.kw("key").cloned().unwrap_or(Value::None);
    let reverse = match a.kw("reverse") {
        // An int, as CPython's Argument Clinic `int` takes it (None is a TypeError).
        Some(r) => vm.c_int_value(r)? != 0,
        None => false,
    };
    let mut items = std::mem::take(&mut *l.borrow_mut());
    let r = sort_values(vm, &mut items, &key, reverse);
    let modified = !l.borrow().is_empty();
    let old = std::mem::replace(&mut *l.borrow_mut(), items);
    drop(old);
    r?;
    if modified {
        return Err(value_error("list modified during sort"));
    }
    Ok(Value::None)
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.list.clone();
    vm.add_methods(
        &t,
        "list",
        &[
            ("__new__", list_new),
            ("__init__", list_init),
            ("__repr__", repr),
            ("__len__", len),
            ("__getitem__", getitem),
            ("__setitem__", setitem),
            ("__delitem__", delitem),
            ("__contains__", contains),
            ("__iter__", iter),
            ("__reversed__", reversed),
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
            ("append", append),
            ("clear", clear),
            ("copy", copy),
            ("count", count),
            ("extend", extend),
            ("index", index),
            ("insert", insert),
            ("pop", pop),
            ("remove", remove),
            ("reverse", reverse),
            ("sort", sort),
        ],
    );
    vm.add_class_attr(&t, "__hash__", Value::None);
}

#[cfg(test)]
mod tests {
    use crate::obj::number::testutil::{cm, cmk, i, s, show};
    use crate::vm::value::Value;
    use crate::vm::Vm;

    fn li(v: &[i64]) -> Value {
        Value::list(v.iter().map(|x| Value::Int(*x)).collect())
    }

    fn sl(vm: &mut Vm, a: Value, b: Value, c: Value) -> Value {
        let st = Value::Obj(vm.t.slice.clone());
        vm.call(&st, &[a, b, c]).expect("slice")
    }

    #[test]
    fn list_basics() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let l = li(&[1, 2, 3]);
        assert_eq!(show(vm, Ok(l.clone())), "[1, 2, 3]");
        assert_eq!(
            cm(vm, &l, "__getitem__", &[s("a")]),
            "!TypeError: list indices must be integers or slices, not str"
        );
        let x = sl(vm, Value::None, Value::None, i(-1));
        assert_eq!(cm(vm, &l, "__getitem__", &[x]), "[3, 2, 1]");
        let x = sl(vm, i(-100), i(100), Value::None);
        assert_eq!(cm(vm, &l, "__getitem__", &[x]), "[1, 2, 3]");
        let x = sl(vm, i(5), i(1), i(-2));
        assert_eq!(cm(vm, &l, "__getitem__", &[x]), "[3]");
        let x = sl(vm, Value::None, Value::None, i(2));
        assert_eq!(
            cm(vm, &l, "__setitem__", &[x.clone(), li(&[7, 8, 9])]),
            "!ValueError: attempt to assign sequence of size 3 to extended slice of size 2"
        );
        assert_eq!(cm(vm, &l, "__setitem__", &[x, li(&[7, 9])]), "None");
        assert_eq!(show(vm, Ok(l.clone())), "[7, 2, 9]");
        let x = sl(vm, i(1), i(2), Value::None);
        cm(vm, &l, "__setitem__", &[x, li(&[4, 5, 6])]);
        assert_eq!(show(vm, Ok(l.clone())), "[7, 4, 5, 6, 9]");
        let x = sl(vm, Value::None, Value::None, i(2));
        cm(vm, &l, "__delitem__", &[x]);
        assert_eq!(show(vm, Ok(l.clone())), "[4, 6]");
        assert_eq!(
            cm(vm, &l, "__delitem__", &[i(5)]),
            "!IndexError: list assignment index out of range"
        );
        assert_eq!(
            cm(vm, &l, "pop", &[i(7)]),
            "!IndexError: pop index out of range"
        );
        assert_eq!(
            cm(vm, &li(&[]), "pop", &[]),
            "!IndexError: pop from empty list"
        );
        assert_eq!(
            cm(vm, &l, "index", &[i(9)]),
            "!ValueError: 9 is not in list"
        );
        assert_eq!(
            cm(vm, &l, "remove", &[i(9)]),
            "!ValueError: list.remove(x): x not in list"
        );
        cm(vm, &l, "insert", &[i(-100), i(1)]);
        cm(vm, &l, "insert", &[i(100), i(9)]);
        cm(vm, &l, "append", &[i(9)]);
        assert_eq!(show(vm, Ok(l.clone())), "[1, 4, 6, 9, 9]");
        assert_eq!(cm(vm, &l, "count", &[i(9)]), "2");
        assert_eq!(cm(vm, &l, "index", &[i(9), i(4)]), "4");
        cm(vm, &l, "extend", std::slice::from_ref(&l));
        assert_eq!(cm(vm, &l, "__len__", &[]), "10");
        cm(vm, &l, "clear", &[]);
        assert_eq!(show(vm, Ok(l.clone())), "[]");
        cm(vm, &l, "append", std::slice::from_ref(&l));
        assert_eq!(show(vm, Ok(l.clone())), "[[...]]");
        assert_eq!(
            cm(vm, &li(&[1]), "__add__", &[Value::tuple(vec![])]),
            "!TypeError: can only concatenate list (not \"tuple\") to list"
        );
        assert_eq!(cm(vm, &li(&[1, 2]), "__mul__", &[i(2)]), "[1, 2, 1, 2]");
        assert_eq!(cm(vm, &li(&[1, 2]), "__lt__", &[li(&[1, 3])]), "True");
        assert_eq!(cm(vm, &li(&[1, 2]), "__lt__", &[li(&[1, 2, 0])]), "True");
        assert_eq!(cm(vm, &li(&[1, 2]), "__eq__", &[li(&[1, 2])]), "True");
        assert_eq!(cm(vm, &li(&[1, 2]), "__eq__", &[i(1)]), "NotImplemented");
        let r = vm.hash(&li(&[]));
        assert_eq!(
            show(vm, r.map(Value::Int)),
            "!TypeError: unhashable type: 'list'"
        );
    }

    #[test]
    fn sorting() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let l = li(&[3, 1, 2]);
        cm(vm, &l, "sort", &[]);
        assert_eq!(show(vm, Ok(l.clone())), "[1, 2, 3]");
        cmk(vm, &l, "sort", &[], &[("reverse", Value::Bool(true))]);
        assert_eq!(show(vm, Ok(l.clone())), "[3, 2, 1]");
        assert_eq!(
            cm(vm, &l, "sort", &[i(1)]),
            "!TypeError: sort() takes no positional arguments"
        );
        let m = Value::list(vec![s("b"), i(1)]);
        assert_eq!(
            cm(vm, &m, "sort", &[]),
            "!TypeError: '<' not supported between instances of 'int' and 'str'"
        );
        let pairs = Value::list(vec![
            Value::tuple(vec![i(2), s("a")]),
            Value::tuple(vec![i(1), s("b")]),
            Value::tuple(vec![i(2), s("c")]),
            Value::tuple(vec![i(1), s("d")]),
        ]);
        let len = Value::Obj(vm.t.tuple.clone());
        let _ = len;
        cm(vm, &pairs, "sort", &[]);
        assert_eq!(
            show(vm, Ok(pairs.clone())),
            "[(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]"
        );
        let many: Vec<Value> = (0..100)
            .map(|k| Value::Float(((k * 37) % 100) as f64))
            .collect();
        let many = Value::list(many);
        cm(vm, &many, "sort", &[]);
        let r = cm(vm, &many, "__getitem__", &[i(99)]);
        assert_eq!(r, "99.0");
    }
}
