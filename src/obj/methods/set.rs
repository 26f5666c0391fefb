//! Methods of `set` and `frozenset`.

use super::int::not_impl;
use super::list::ReprGuard;
use crate::obj::function::Args;
use crate::obj::{Obj, SetData};
use crate::syntax::ast::CmpOp;
use crate::vm::dictops::with_set;
use crate::vm::errors::{exc, key_error, type_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

fn is_set(v: &Value) -> Option<&ObjRef> {
    match crate::vm::payload::builtin_view(v) {
        Value::Obj(o) if matches!(&**o, Obj::Set(_) | Obj::FrozenSet(_)) => Some(o),
        _ => None,
    }
}

fn is_frozen(o: &ObjRef) -> bool {
    matches!(&**o, Obj::FrozenSet(_))
}

fn this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a ObjRef> {
    let receiver = match a.pos.first() {
        Some(v) => is_set(v).ok_or_else(|| super::wrong_receiver(name, "set", &vm.type_name(v))),
        None => Err(super::receiver_missing(name, "set")),
    }?;
    super::unary_slot_arity(a, name)?;
    Ok(receiver)
}

fn this_mut<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a ObjRef> {
    let o = this(vm, a, name)?;
    if is_frozen(o) {
        return Err(type_error(format!(
            "descriptor '{name}' for 'set' objects doesn't apply to a 'frozenset' object"
        )));
    }
    Ok(o)
}

fn keys(o: &ObjRef) -> Vec<Value> {
    with_set(o, |d| d.keys())
}

fn set_len(o: &ObjRef) -> usize {
    with_set(o, |d| d.len())
}

/// A new set (or frozenset) value with the given elements.
fn build(vm: &mut Vm, items: Vec<Value>, frozen: bool) -> PyResult<Value> {
    let mut d = SetData::new();
    for k in items {
        vm.setdata_add(&mut d, k)?;
    }
    Ok(if frozen {
        Value::frozenset(d)
    } else {
        Value::set(d)
    })
}

/// The elements of an iterable (sets without calling `__iter__`).
fn elements(vm: &mut Vm, v: &Value) -> PyResult<Vec<Value>> {
    match is_set(v) {
        Some(o) => Ok(keys(o)),
        None => vm.collect(v),
    }
}

fn new_impl(vm: &mut Vm, a: &Args, frozen: bool) -> PyResult<Value> {
    let name = if frozen { "frozenset" } else { "set" };
    a.no_kwargs(name)?;
    match a.pos.len() {
        1 => build(vm, vec![], frozen),
        2 => {
            if frozen {
                if let Some(o) = is_set(&a.pos[1]) {
                    if is_frozen(o) {
                        return Ok(a.pos[1].clone());
                    }
                }
            }
            let r = new_from(vm, &a.pos[1])?;
            Ok(finish(r, frozen))
        }
        n => Err(type_error(format!(
            "{name} expected at most 1 argument, got {}",
            n - 1
        ))),
    }
}
/// `set.__init__(self, iterable=())`: replaces the contents.
fn set_init(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this_mut(vm, a, "__init__")?.clone();
    a.no_kwargs("set")?;
    if a.pos.len() > 2 {
        return Err(type_error(format!(
            "set expected at most 1 argument, got {}",
            a.pos.len() - 1
        )));
    }
    // As CPython's set_init: empty the set, then update it.
    with_set_mut(&o, |d| drop(d.clear()));
    if let Some(it) = a.pos.get(1) {
        update_internal(vm, &o, it)?;
    }
    Ok(Value::None)
}

fn set_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "set")?;
    new_impl(vm, a, false)
}
fn frozenset_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "frozenset")?;
    new_impl(vm, a, true)
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this(vm, a, "__repr__")?;
    let frozen = is_frozen(o);
    let items = keys(o);
    let name = if frozen { "frozenset" } else { "set" };
    if items.is_empty() {
        return Ok(Value::string(format!("{name}()")));
    }
    let Some(_g) = ReprGuard::enter(o) else {
        return Ok(Value::string(format!("{name}(...)")));
    };
    let inner = super::list::repr_items(vm, &items)?;
    Ok(Value::string(if frozen {
        format!("frozenset({{{inner}}})")
    } else {
        format!("{{{inner}}}")
    }))
}

fn len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(set_len(this(vm, a, "__len__")?) as i64))
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this(vm, a, "__contains__")?;
    a.check_method("set", "__contains__", 2, 2)?;
    let x = &a.pos[1];
    match vm.set_contains(o, x) {
        Ok(b) => Ok(Value::Bool(b)),
        Err(e)
            if e.is(ExcKind::TypeError)
                && matches!(x, Value::Obj(xo) if matches!(&**xo, Obj::Set(_))) =>
        {
            let items = elements(vm, x)?;
            let f = build(vm, items, true)?;
            Ok(Value::Bool(vm.set_contains(o, &f)?))
        }
        Err(e) => Err(e),
    }
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__iter__")?;
    vm.iter(&a.pos[0])
}

/// CPython's frozenset hash.
fn frozenset_hash(hashes: impl Iterator<Item = i64>, n: usize) -> i64 {
    fn shuffle(h: u64) -> u64 {
        ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167)
    }
    let mut h: u64 = 0;
    for x in hashes {
        h ^= shuffle(x as u64);
    }
    h ^= (n as u64).wrapping_add(1).wrapping_mul(1927868237);
    h ^= (h >> 11) ^ (h >> 25);
    h = h.wrapping_mul(69069).wrapping_add(907133923);
    if h == u64::MAX {
        h = 590923713;
    }
    h as i64
}

fn hash(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this(vm, a, "__hash__")?;
    if !is_frozen(o) {
        return Err(type_error("unhashable type: 'set'"));
    }
    let (hs, n): (Vec<i64>, usize) = with_set(o, |d| (d.iter().map(|(h, _)| h).collect(), d.len()));
    Ok(Value::Int(frozenset_hash(hs.into_iter(), n)))
}

// ---- algebra (results take the type of the left operand) ----
//
// Each operation follows the algorithm of CPython's setobject.c (which set is iterated,
// which is copied, when tables are pre-sized), because that decides the order in which
// the result's elements are laid out, and so the order in which they print.

/// The table of a mutable set object, for changes no aio code can observe midway.
fn with_set_mut<R>(o: &ObjRef, f: impl FnOnce(&mut SetData) -> R) -> Option<R> {
    match &**o {
        Obj::Set(c) => Some(f(&mut c.borrow_mut())),
        _ => None,
    }
}

/// A new, empty mutable set object (results are built as sets, then frozen if needed).
fn fresh_set() -> (Value, ObjRef) {
    let v = Value::set(SetData::new());
    let o = match &v {
        Value::Obj(o) => o.clone(),
        _ => unreachable!("Value::set is an object"),
    };
    (v, o)
}

/// `result` as the type of the left operand: a frozenset keeps the same table layout.
fn finish(result: (Value, ObjRef), frozen: bool) -> Value {
    if frozen {
        with_set(&result.1, |d| Value::frozenset(d.clone()))
    } else {
        result.0
    }
}

/// An exact `dict` (CPython's PyDict_CheckExact): its keys, in order.
fn exact_dict_keys(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Dict(d) => Some(d.borrow().keys()),
            _ => None,
        },
        _ => None,
    }
}

/// CPython's set_merge: `other`'s elements into the set `so`.
fn merge(vm: &mut Vm, so: &ObjRef, other: &ObjRef) -> PyResult<()> {
    if so.is(other) {
        return Ok(());
    }
    let done = match &**so {
        Obj::Set(c) => with_set(other, |d| c.borrow_mut().merge_prepare(d)),
        _ => true,
    };
    if !done {
        for k in keys(other) {
            vm.set_add(so, k)?;
        }
    }
    Ok(())
}

/// CPython's set_update_internal: sets merge, exact dicts pre-size, anything else is
/// iterated.
pub(crate) fn update_internal(vm: &mut Vm, so: &ObjRef, other: &Value) -> PyResult<()> {
    if let Some(p) = is_set(other) {
        return merge(vm, so, p);
    }
    if let Some(ks) = exact_dict_keys(other) {
        with_set_mut(so, |d| d.reserve_for(ks.len()));
        for k in ks {
            vm.set_add(so, k)?;
        }
        return Ok(());
    }
    for k in vm.collect(other)? {
        vm.set_add(so, k)?;
    }
    Ok(())
}

/// A new set holding `other`'s elements (CPython's make_new_set).
fn new_from(vm: &mut Vm, other: &Value) -> PyResult<(Value, ObjRef)> {
    let r = fresh_set();
    update_internal(vm, &r.1, other)?;
    Ok(r)
}

/// CPython's set_copy: a merge into an empty set.
fn copy_of(vm: &mut Vm, o: &ObjRef) -> PyResult<(Value, ObjRef)> {
    let r = fresh_set();
    merge(vm, &r.1, o)?;
    Ok(r)
}

fn union_of(vm: &mut Vm, o: &ObjRef, others: &[Value]) -> PyResult<Value> {
    let r = copy_of(vm, o)?;
    for other in others {
        if is_set(other).is_some_and(|p| p.is(o)) {
            continue;
        }
        update_internal(vm, &r.1, other)?;
    }
    Ok(finish(r, is_frozen(o)))
}

/// CPython's set_intersection: iterates the smaller set (or the iterable), adding the
/// elements the other holds.
fn intersection_raw(vm: &mut Vm, o: &ObjRef, other: &Value) -> PyResult<(Value, ObjRef)> {
    if let Some(p) = is_set(other) {
        if p.is(o) {
            return copy_of(vm, o);
        }
    }
    let r = fresh_set();
    if let Some(p) = is_set(other) {
        let (big, small) = if set_len(p) > set_len(o) {
            (p, o)
        } else {
            (o, p)
        };
        for k in keys(small) {
            if vm.set_contains(big, &k)? {
                vm.set_add(&r.1, k)?;
            }
        }
    } else {
        for k in vm.collect(other)? {
            if vm.set_contains(o, &k)? {
                vm.set_add(&r.1, k)?;
            }
        }
    }
    Ok(r)
}

fn intersection_of(vm: &mut Vm, o: &ObjRef, other: &Value) -> PyResult<Value> {
    let r = intersection_raw(vm, o, other)?;
    Ok(finish(r, is_frozen(o)))
}

/// CPython's set_intersection_multi; with no others, a copy.
fn intersection_multi(vm: &mut Vm, o: &ObjRef, others: &[Value]) -> PyResult<(Value, ObjRef)> {
    let mut cur = match others.first() {
        None => return copy_of(vm, o),
        Some(first) => intersection_raw(vm, o, first)?,
    };
    for other in &others[1..] {
        let c = cur.1.clone();
        cur = intersection_raw(vm, &c, other)?;
    }
    Ok(cur)
}

/// CPython's set_difference_update_internal: discards `other`'s elements from `so`, then
/// rebuilds the table if it is more than a quarter dummies.
fn difference_update_internal(vm: &mut Vm, so: &ObjRef, other: &Value) -> PyResult<()> {
    if let Some(p) = is_set(other) {
        if p.is(so) {
            with_set_mut(so, |d| drop(d.clear()));
            return Ok(());
        }
        // When the other set is more than 8 times larger, discard only the common part.
        let src = if (set_len(p) >> 3) > set_len(so) {
            let common = intersection_raw(vm, so, other)?;
            keys(&common.1)
        } else {
            keys(p)
        };
        for k in src {
            vm.set_discard(so, &k)?;
        }
    } else {
        for k in vm.collect(other)? {
            vm.set_discard(so, &k)?;
        }
    }
    with_set_mut(so, |d| d.purge_dummies_if_many());
    Ok(())
}

/// CPython's set_difference: a fresh set of `o`'s elements not in `other` when `other` is
/// a set or dict not much smaller than `o`, else a copy of `o` with `other` discarded.
fn difference_raw(vm: &mut Vm, o: &ObjRef, other: &Value) -> PyResult<(Value, ObjRef)> {
    let other_size = match is_set(other) {
        Some(p) => Some(set_len(p)),
        None => exact_dict_keys(other).map(|k| k.len()),
    };
    match other_size {
        Some(n) if (set_len(o) >> 2) <= n => {
            let r = fresh_set();
            for k in keys(o) {
                let found = match (is_set(other), other) {
                    (Some(p), _) => vm.set_contains(p, &k)?,
                    (None, Value::Obj(d)) => vm.dict_get(d, &k)?.is_some(),
                    _ => false,
                };
                if !found {
                    vm.set_add(&r.1, k)?;
                }
            }
            Ok(r)
        }
        _ => {
            let r = copy_of(vm, o)?;
            difference_update_internal(vm, &r.1, other)?;
            Ok(r)
        }
    }
}

fn difference_of(vm: &mut Vm, o: &ObjRef, others: &[Value]) -> PyResult<Value> {
    let r = match others.first() {
        None => copy_of(vm, o)?,
        Some(first) => difference_raw(vm, o, first)?,
    };
    for other in others.iter().skip(1) {
        difference_update_internal(vm, &r.1, other)?;
    }
    Ok(finish(r, is_frozen(o)))
}

/// CPython's set_symmetric_difference_update: toggles each of `other`'s elements (an
/// iterable that is not a set or dict is made a set first).
fn symdiff_update(vm: &mut Vm, so: &ObjRef, other: &Value) -> PyResult<()> {
    let src = match is_set(other) {
        Some(p) if p.is(so) => {
            with_set_mut(so, |d| drop(d.clear()));
            return Ok(());
        }
        Some(p) => keys(p),
        None => match exact_dict_keys(other) {
            Some(ks) => ks,
            None => keys(&new_from(vm, other)?.1),
        },
    };
    for k in src {
        if !vm.set_discard(so, &k)? {
            vm.set_add(so, k)?;
        }
    }
    Ok(())
}

/// CPython's set_symmetric_difference: a copy of `other`, toggled by `o`'s elements.
fn symdiff_of(vm: &mut Vm, o: &ObjRef, other: &Value) -> PyResult<Value> {
    let r = new_from(vm, other)?;
    symdiff_update(vm, &r.1, &Value::Obj(o.clone()))?;
    Ok(finish(r, is_frozen(o)))
}

fn op_impl(vm: &mut Vm, a: &Args, name: &str, which: u8, reflected: bool) -> PyResult<Value> {
    let o = this(vm, a, name)?;
    a.check_slot(name, 1)?;
    let Some(p) = is_set(&a.pos[1]) else {
        return Ok(not_impl(vm));
    };
    let (x, yv) = if reflected {
        (p, &a.pos[0])
    } else {
        (o, &a.pos[1])
    };
    match which {
        b'|' => union_of(vm, x, std::slice::from_ref(yv)),
        b'&' => intersection_of(vm, x, yv),
        b'-' => difference_of(vm, x, std::slice::from_ref(yv)),
        _ => symdiff_of(vm, x, yv),
    }
}

macro_rules! ops {
    ($($f:ident, $name:literal, $which:literal, $refl:expr;)*) => {
        $(fn $f(vm: &mut Vm, a: &Args) -> PyResult<Value> {
            op_impl(vm, a, $name, $which, $refl)
        })*
    };
}
ops! {
    or, "__or__", b'|', false;
    ror, "__ror__", b'|', true;
    and, "__and__", b'&', false;
    rand, "__rand__", b'&', true;
    sub, "__sub__", b'-', false;
    rsub, "__rsub__", b'-', true;
    xor, "__xor__", b'^', false;
    rxor, "__rxor__", b'^', true;
}

fn iop_impl(vm: &mut Vm, a: &Args, name: &str, which: u8) -> PyResult<Value> {
    let o = this(vm, a, name)?;
    a.check(name, 2, 2)?;
    if is_set(&a.pos[1]).is_none() || is_frozen(o) {
        return Ok(not_impl(vm));
    }
    inplace(vm, o, std::slice::from_ref(&a.pos[1]), which)?;
    Ok(a.pos[0].clone())
}

fn inplace(vm: &mut Vm, o: &ObjRef, others: &[Value], which: u8) -> PyResult<()> {
    match which {
        b'|' => {
            for other in others {
                update_internal(vm, o, other)?;
            }
        }
        b'-' => {
            for other in others {
                difference_update_internal(vm, o, other)?;
            }
        }
        b'&' => {
            // CPython computes the intersection, then swaps the tables.
            let r = intersection_multi(vm, o, others)?;
            let body = with_set(&r.1, |d| d.clone());
            with_set_mut(o, |d| d.replace_body(body));
        }
        _ => {
            for other in others {
                symdiff_update(vm, o, other)?;
            }
        }
    }
    Ok(())
}

fn ior(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    iop_impl(vm, a, "__ior__", b'|')
}
fn iand(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    iop_impl(vm, a, "__iand__", b'&')
}
fn isub(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    iop_impl(vm, a, "__isub__", b'-')
}
fn ixor(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    iop_impl(vm, a, "__ixor__", b'^')
}

fn issubset_of(vm: &mut Vm, o: &ObjRef, p: &ObjRef) -> PyResult<bool> {
    if set_len(o) > set_len(p) {
        return Ok(false);
    }
    for k in keys(o) {
        if !vm.set_contains(p, &k)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn cmp(vm: &mut Vm, a: &Args, op: CmpOp, name: &str) -> PyResult<Value> {
    let o = this(vm, a, name)?;
    a.check_slot(name, 1)?;
    let Some(p) = is_set(&a.pos[1]) else {
        return Ok(not_impl(vm));
    };
    let (n, m) = (set_len(o), set_len(p));
    Ok(Value::Bool(match op {
        CmpOp::Eq => n == m && issubset_of(vm, o, p)?,
        CmpOp::NotEq => !(n == m && issubset_of(vm, o, p)?),
        CmpOp::LtE => issubset_of(vm, o, p)?,
        CmpOp::Lt => n < m && issubset_of(vm, o, p)?,
        CmpOp::GtE => issubset_of(vm, p, o)?,
        _ => n > m && issubset_of(vm, p, o)?,
    }))
}
rich_comparisons!(cmp);

// ---- named methods ----

fn add(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this_mut(vm, a, "add")?;
    a.check_method("set", "add", 2, 2)?;
    vm.set_add(o, a.pos[1].clone())?;
    Ok(Value::None)
}

fn clear(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this_mut(vm, a, "clear")?;
    a.check_method("set", "clear", 1, 1)?;
    if let Obj::Set(c) = &**o {
        let old = c.borrow_mut().clear();
        drop(old);
    }
    Ok(Value::None)
}

fn copy(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this(vm, a, "copy")?;
    let owner = if is_frozen(o) { "frozenset" } else { "set" };
    a.check_method(owner, "copy", 1, 1)?;
    if is_frozen(o) {
        return Ok(a.pos[0].clone());
    }
    Ok(copy_of(vm, o)?.0)
}

fn discard(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this_mut(vm, a, "discard")?;
    a.check_method("set", "discard", 2, 2)?;
    vm.set_discard(o, &a.pos[1])?;
    Ok(Value::None)
}

fn remove(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this_mut(vm, a, "remove")?;
    a.check_method("set", "remove", 2, 2)?;
    if !vm.set_discard(o, &a.pos[1])? {
        return Err(key_error(a.pos[1].clone()));
    }
    Ok(Value::None)
}

fn pop(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this_mut(vm, a, "pop")?;
    a.check_method("set", "pop", 1, 1)?;
    let r = match &**o {
        Obj::Set(c) => c.borrow_mut().pop_any(),
        _ => None,
    };
    r.ok_or_else(|| exc(ExcKind::KeyError, "pop from an empty set"))
}

fn union(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this(vm, a, "union")?;
    a.no_kwargs("union")?;
    union_of(vm, o, &a.pos[1..])
}

fn intersection(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this(vm, a, "intersection")?;
    a.no_kwargs("intersection")?;
    let r = intersection_multi(vm, o, &a.pos[1..])?;
    Ok(finish(r, is_frozen(o)))
}

fn difference(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this(vm, a, "difference")?;
    a.no_kwargs("difference")?;
    difference_of(vm, o, &a.pos[1..])
}

fn symmetric_difference(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this(vm, a, "symmetric_difference")?;
    a.check("symmetric_difference", 2, 2)?;
    symdiff_of(vm, o, &a.pos[1])
}

fn update(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this_mut(vm, a, "update")?;
    a.no_kwargs("update")?;
    inplace(vm, o, &a.pos[1..], b'|')?;
    Ok(Value::None)
}
fn intersection_update(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this_mut(vm, a, "intersection_update")?;
    a.no_kwargs("intersection_update")?;
    inplace(vm, o, &a.pos[1..], b'&')?;
    Ok(Value::None)
}
fn difference_update(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this_mut(vm, a, "difference_update")?;
    a.no_kwargs("difference_update")?;
    inplace(vm, o, &a.pos[1..], b'-')?;
    Ok(Value::None)
}
fn symmetric_difference_update(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this_mut(vm, a, "symmetric_difference_update")?;
    a.check("symmetric_difference_update", 2, 2)?;
    inplace(vm, o, &a.pos[1..], b'^')?;
    Ok(Value::None)
}

fn as_set_value(vm: &mut Vm, v: &Value) -> PyResult<Value> {
    if is_set(v).is_some() {
        return Ok(v.clone());
    }
    let items = vm.collect(v)?;
    build(vm, items, false)
}

fn issubset(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this(vm, a, "issubset")?;
    a.check("issubset", 2, 2)?;
    let p = as_set_value(vm, &a.pos[1])?;
    match p.as_obj() {
        Some(p) => Ok(Value::Bool(issubset_of(vm, o, p)?)),
        None => Ok(Value::Bool(false)),
    }
}
fn issuperset(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this(vm, a, "issuperset")?;
    a.check("issuperset", 2, 2)?;
    let p = as_set_value(vm, &a.pos[1])?;
    match p.as_obj() {
        Some(p) => Ok(Value::Bool(issubset_of(vm, p, o)?)),
        None => Ok(Value::Bool(false)),
    }
}
fn isdisjoint(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let o = this(vm, a, "isdisjoint")?;
    a.check("isdisjoint", 2, 2)?;
    for k in elements(vm, &a.pos[1])? {
        if vm.set_contains(o, &k)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

pub fn register(vm: &mut Vm) {
    let common: &[(&'static str, crate::obj::function::NativeFn)] = &[
        ("__repr__", repr),
        ("__len__", len),
        ("__contains__", contains),
        ("__iter__", iter),
        ("__or__", or),
        ("__ror__", ror),
        ("__and__", and),
        ("__rand__", rand),
        ("__sub__", sub),
        ("__rsub__", rsub),
        ("__xor__", xor),
        ("__rxor__", rxor),
        ("__eq__", eq),
        ("__ne__", ne),
        ("__lt__", lt),
        ("__le__", le),
        ("__gt__", gt),
        ("__ge__", ge),
        ("copy", copy),
        ("union", union),
        ("intersection", intersection),
        ("difference", difference),
        ("symmetric_difference", symmetric_difference),
        ("issubset", issubset),
        ("issuperset", issuperset),
        ("isdisjoint", isdisjoint),
    ];
    let set_t = vm.t.set.clone();
    vm.add_methods(&set_t, "set", common);
    vm.add_methods(
        &set_t,
        "set",
        &[
            ("__new__", set_new),
            ("__init__", set_init),
            ("__ior__", ior),
            ("__iand__", iand),
            ("__isub__", isub),
            ("__ixor__", ixor),
            ("add", add),
            ("clear", clear),
            ("discard", discard),
            ("remove", remove),
            ("pop", pop),
            ("update", update),
            ("intersection_update", intersection_update),
            ("difference_update", difference_update),
            ("symmetric_difference_update", symmetric_difference_update),
        ],
    );
    vm.add_class_attr(&set_t, "__hash__", Value::None);
    let fs = vm.t.frozenset.clone();
    vm.add_methods(&fs, "frozenset", common);
    vm.add_methods(
        &fs,
        "frozenset",
        &[("__new__", frozenset_new), ("__hash__", hash)],
    );
}

#[cfg(test)]
mod tests {
    use crate::obj::number::testutil::{cm, i, s, show};
    use crate::vm::value::Value;
    use crate::vm::Vm;

    fn mk(vm: &mut Vm, items: &[i64], frozen: bool) -> Value {
        let t = Value::Obj(if frozen {
            vm.t.frozenset.clone()
        } else {
            vm.t.set.clone()
        });
        let l = Value::list(items.iter().map(|x| Value::Int(*x)).collect());
        vm.call(&t, &[l]).expect("set")
    }

    #[test]
    fn sets() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let a = mk(vm, &[3, 1, 2], false);
        let b = mk(vm, &[2, 3, 4], false);
        assert_eq!(show(vm, Ok(a.clone())), "{1, 2, 3}");
        assert_eq!(
            cm(vm, &a, "__or__", std::slice::from_ref(&b)),
            "{1, 2, 3, 4}"
        );
        assert_eq!(cm(vm, &a, "__and__", std::slice::from_ref(&b)), "{2, 3}");
        assert_eq!(cm(vm, &a, "__sub__", std::slice::from_ref(&b)), "{1}");
        assert_eq!(cm(vm, &a, "__xor__", std::slice::from_ref(&b)), "{1, 4}");
        assert_eq!(
            cm(vm, &a, "__or__", &[Value::list(vec![])]),
            "NotImplemented"
        );
        let u = cm(vm, &a, "union", &[Value::list(vec![i(9)])]);
        assert_eq!(u, "{1, 2, 3, 9}");
        assert_eq!(cm(vm, &a, "__le__", std::slice::from_ref(&b)), "False");
        let c = mk(vm, &[1, 2], true);
        assert_eq!(show(vm, Ok(c.clone())), "frozenset({1, 2})");
        assert_eq!(cm(vm, &c, "__lt__", std::slice::from_ref(&a)), "True");
        assert_eq!(
            cm(vm, &c, "__or__", std::slice::from_ref(&a)),
            "frozenset({1, 2, 3})"
        );
        let f = mk(vm, &[1, 2, 3], true);
        assert_eq!(cm(vm, &a, "__eq__", &[f]), "True");
        assert_eq!(cm(vm, &c, "__hash__", &[]), "-1826646154956904602");
        let e = mk(vm, &[], true);
        assert_eq!(cm(vm, &e, "__hash__", &[]), "133146708735736");
        assert_eq!(show(vm, Ok(e)), "frozenset()");
        let e = mk(vm, &[], false);
        assert_eq!(show(vm, Ok(e.clone())), "set()");
        assert_eq!(cm(vm, &e, "pop", &[]), "!KeyError: 'pop from an empty set'");
        assert_eq!(cm(vm, &e, "remove", &[i(5)]), "!KeyError: 5");
        cm(vm, &e, "update", &[s("ab"), Value::list(vec![i(1)])]);
        assert_eq!(cm(vm, &e, "__len__", &[]), "3");
        cm(vm, &e, "intersection_update", &[s("b")]);
        assert_eq!(show(vm, Ok(e.clone())), "{'b'}");
        cm(vm, &a, "difference_update", &[Value::list(vec![i(1)])]);
        assert_eq!(show(vm, Ok(a.clone())), "{2, 3}");
        cm(
            vm,
            &a,
            "symmetric_difference_update",
            &[Value::list(vec![i(3), i(5)])],
        );
        assert_eq!(show(vm, Ok(a.clone())), "{2, 5}");
        assert_eq!(cm(vm, &a, "isdisjoint", &[Value::list(vec![i(7)])]), "True");
        assert_eq!(
            cm(vm, &a, "issubset", &[Value::list(vec![i(2), i(5), i(7)])]),
            "True"
        );
        assert_eq!(
            cm(vm, &a, "add", &[Value::list(vec![])]),
            "!TypeError: unhashable type: 'list'"
        );
        let r = vm.hash(&a);
        assert_eq!(
            show(vm, r.map(Value::Int)),
            "!TypeError: unhashable type: 'set'"
        );
    }
}
