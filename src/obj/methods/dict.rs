//! Methods of `dict` and of its views (`dict_keys`, `dict_values`, `dict_items`).

use super::int::not_impl;
use super::list::ReprGuard;
use crate::obj::function::Args;
use crate::obj::iter::DictIterKind;
use crate::obj::{DictData, DictViewObj, IterState, Obj};
use crate::syntax::ast::CmpOp;
use crate::vm::errors::{exc, key_error, type_error, value_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::RefCell;

fn as_dict(v: &Value) -> Option<(&ObjRef, &RefCell<DictData>)> {
    match crate::vm::payload::builtin_view(v) {
        Value::Obj(o) => match &**o {
            Obj::Dict(d) => Some((o, d)),
            _ => None,
        },
        _ => None,
    }
}

fn this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<(&'a ObjRef, &'a RefCell<DictData>)> {
    let receiver = match a.pos.first() {
        Some(v) => as_dict(v).ok_or_else(|| super::wrong_receiver(name, "dict", &vm.type_name(v))),
        None => Err(super::receiver_missing(name, "dict")),
    }?;
    super::unary_slot_arity(a, name)?;
    Ok(receiver)
}

/// `(key, value)` pairs of a dict, snapshotted.
pub fn dict_items(d: &RefCell<DictData>) -> Vec<(Value, Value)> {
    d.borrow()
        .iter()
        .map(|e| (e.key.clone(), e.value.clone()))
        .collect()
}

/// `d.update(src)` for a dict object: a mapping (dict or anything with `keys`) or an
/// iterable of pairs.
pub fn update_from(vm: &mut Vm, d: &ObjRef, src: &Value) -> PyResult<()> {
    if let Some((_, sd)) = as_dict(src) {
        for (k, v) in dict_items(sd) {
            vm.dict_set(d, k, v)?;
        }
        return Ok(());
    }
    let keys_name = vm.intern("keys");
    if vm.get_attr_opt(src, &keys_name)?.is_some()
        && !matches!(src, Value::Obj(o) if matches!(&**o, Obj::List(_) | Obj::Tuple(_)))
    {
        let keys = vm.call_method(src, "keys", &[])?;
        let keys = vm.collect(&keys)?;
        for k in keys {
            let v = vm.getitem(src, &k)?;
            vm.dict_set(d, k, v)?;
        }
        return Ok(());
    }
    let it = vm.iter(src)?;
    let mut n = 0;
    while let Some(item) = vm.next(&it)? {
        let pair = match vm.collect(&item) {
            Ok(p) => p,
            Err(e) if e.is(ExcKind::TypeError) => {
                return Err(type_error(format!(
                    "cannot convert dictionary update sequence element #{n} to a sequence"
                )))
            }
            Err(e) => return Err(e),
        };
        if pair.len() != 2 {
            return Err(value_error(format!(
                "dictionary update sequence element #{n} has length {}; 2 is required",
                pair.len()
            )));
        }
        let mut p = pair.into_iter();
        if let (Some(k), Some(v)) = (p.next(), p.next()) {
            vm.dict_set(d, k, v)?;
        }
        n += 1;
    }
    Ok(())
}

fn kw_update(vm: &mut Vm, d: &ObjRef, a: &Args) -> PyResult<()> {
    for (k, v) in a.kwnames.iter().zip(a.kwvalues.iter()) {
        vm.dict_set(d, k.clone(), v.clone())?;
    }
    Ok(())
}

fn dict_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "dict")?;
    let args = a.pos.get(1..).unwrap_or(&[]);
    if args.len() > 1 {
        return Err(type_error(format!(
            "dict expected at most 1 argument, got {}",
            args.len()
        )));
    }
    let out = Value::dict(DictData::new());
    if let Some((o, _)) = as_dict(&out) {
        if let Some(src) = args.first() {
            update_from(vm, o, src)?;
        }
        kw_update(vm, o, a)?;
    }
    Ok(out)
}

/// `dict.__init__(self, *args, **kwargs)`: updates `self` like `dict(...)` would fill it.
fn dict_init(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, _) = this(vm, a, "__init__")?;
    let d = d.clone();
    let args = a.pos.get(1..).unwrap_or(&[]);
    if args.len() > 1 {
        return Err(type_error(format!(
            "dict expected at most 1 argument, got {}",
            args.len()
        )));
    }
    if let Some(src) = args.first() {
        update_from(vm, &d, src)?;
    }
    kw_update(vm, &d, a)?;
    Ok(Value::None)
}

/// `repr(dict)`
pub fn dict_repr(vm: &mut Vm, v: &Value) -> PyResult<String> {
    let Some((o, d)) = as_dict(v) else {
        return Ok("{}".into());
    };
    let Some(_g) = ReprGuard::enter(o) else {
        return Ok("{...}".into());
    };
    let items = dict_items(d);
    let mut out = String::from("{");
    for (i, (k, v)) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&vm.repr(k)?);
        out.push_str(": ");
        out.push_str(&vm.repr(v)?);
    }
    out.push('}');
    Ok(out)
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__repr__")?;
    dict_repr(vm, &a.pos[0]).map(Value::string)
}

fn len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "__len__")?.1.borrow().len() as i64))
}

fn getitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "__getitem__")?;
    a.check_method("dict", "__getitem__", 2, 2)?;
    match vm.dict_get(o, &a.pos[1])? {
        Some(v) => Ok(v),
        None => Err(key_error(a.pos[1].clone())),
    }
}

fn setitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "__setitem__")?;
    a.check_slot_unpacked("__setitem__", 2, 2)?;
    vm.dict_set(o, a.pos[1].clone(), a.pos[2].clone())?;
    Ok(Value::None)
}

fn delitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "__delitem__")?;
    a.check_slot("__delitem__", 1)?;
    vm.dict_del(o, &a.pos[1])?;
    Ok(Value::None)
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "__contains__")?;
    a.check_method("dict", "__contains__", 2, 2)?;
    Ok(Value::Bool(vm.dict_get(o, &a.pos[1])?.is_some()))
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__iter__")?;
    vm.iter(&a.pos[0])
}

/// `reversed(d)` or of a view: walks the entries from the end, failing like forward
/// iteration if the dict changes size.
fn reversed_iter(dict: &ObjRef, d: &RefCell<DictData>, kind: DictIterKind) -> Value {
    let d = d.borrow();
    Value::obj(Obj::Iter(RefCell::new(IterState::DictReversed {
        dict: dict.clone(),
        pos: d.dense_end(),
        kind,
        len: d.len(),
    })))
}

fn reversed(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (dict, d) = this(vm, a, "__reversed__")?;
    Ok(reversed_iter(dict, d, DictIterKind::Keys))
}

/// `a == b` for two dicts.
pub fn dict_eq(vm: &mut Vm, a: &ObjRef, b: &ObjRef) -> PyResult<bool> {
    let (Obj::Dict(da), Obj::Dict(db)) = (&**a, &**b) else {
        return Ok(false);
    };
    if da.borrow().len() != db.borrow().len() {
        return Ok(false);
    }
    for (k, v) in dict_items(da) {
        match vm.dict_get(b, &k)? {
            Some(w) => {
                if !vm.eq(&v, &w)? {
                    return Ok(false);
                }
            }
            None => return Ok(false),
        }
    }
    Ok(true)
}

fn eq_impl(vm: &mut Vm, a: &Args, neg: bool) -> PyResult<Value> {
    let (o, _) = this(vm, a, "__eq__")?;
    a.check_slot("__eq__", 1)?;
    let Some((p, _)) = as_dict(&a.pos[1]) else {
        return Ok(not_impl(vm));
    };
    Ok(Value::Bool(dict_eq(vm, o, p)? != neg))
}
fn eq(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    eq_impl(vm, a, false)
}
fn ne(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    eq_impl(vm, a, true)
}

fn copy_of(d: &RefCell<DictData>) -> Value {
    Value::dict(d.borrow().clone())
}

fn or(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (_, d) = this(vm, a, "__or__")?;
    a.check_slot("__or__", 1)?;
    if as_dict(&a.pos[1]).is_none() {
        return Ok(not_impl(vm));
    }
    let out = copy_of(d);
    if let Some((o, _)) = as_dict(&out) {
        update_from(vm, o, &a.pos[1])?;
    }
    Ok(out)
}
fn ror(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__ror__")?;
    a.check_slot("__ror__", 1)?;
    let Some((_, other)) = as_dict(&a.pos[1]) else {
        return Ok(not_impl(vm));
    };
    let out = copy_of(other);
    if let Some((o, _)) = as_dict(&out) {
        update_from(vm, o, &a.pos[0])?;
    }
    Ok(out)
}
fn ior(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "__ior__")?;
    a.check_slot("__ior__", 1)?;
    update_from(vm, o, &a.pos[1])?;
    Ok(a.pos[0].clone())
}

fn clear(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (_, d) = this(vm, a, "clear")?;
    a.check_method("dict", "clear", 1, 1)?;
    let old = d.borrow_mut().clear();
    drop(old);
    Ok(Value::None)
}

fn copy(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (_, d) = this(vm, a, "copy")?;
    a.check_method("dict", "copy", 1, 1)?;
    Ok(copy_of(d))
}

fn fromkeys(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check_method("dict", "fromkeys", 2, 3)?;
    let value = a.pos.get(2).cloned().unwrap_or(Value::None);
    let keys = vm.collect(&a.pos[1])?;
    let out = match &a.pos[0] {
        Value::Obj(c) if c.is(&vm.t.dict) => Value::dict(DictData::new()),
        cls => vm.call(cls, &[])?,
    };
    if let Some((o, _)) = as_dict(&out) {
        for k in keys {
            vm.dict_set(o, k, value.clone())?;
        }
    } else {
        for k in keys {
            vm.setitem(&out, &k, value.clone())?;
        }
    }
    Ok(out)
}

fn get(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "get")?;
    a.check_method("dict", "get", 2, 3)?;
    let found = match crate::vm::dictops::plain_lookup(o, &a.pos[1]) {
        Some(found) => found,
        None => vm.dict_get(o, &a.pos[1])?,
    };
    Ok(found.unwrap_or_else(|| a.pos.get(2).cloned().unwrap_or(Value::None)))
}

fn view(o: &ObjRef, kind: DictIterKind) -> Value {
    Value::obj(Obj::DictView(DictViewObj {
        dict: o.clone(),
        kind,
    }))
}

fn keys(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "keys")?;
    a.check_method("dict", "keys", 1, 1)?;
    Ok(view(o, DictIterKind::Keys))
}
fn values(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "values")?;
    a.check_method("dict", "values", 1, 1)?;
    Ok(view(o, DictIterKind::Values))
}
fn items(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "items")?;
    a.check_method("dict", "items", 1, 1)?;
    Ok(view(o, DictIterKind::Items))
}

fn pop(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "pop")?;
    a.check_method("dict", "pop", 2, 3)?;
    match vm.dict_remove(o, &a.pos[1])? {
        Some(v) => Ok(v),
        None => match a.pos.get(2) {
            Some(d) => Ok(d.clone()),
            None => Err(key_error(a.pos[1].clone())),
        },
    }
}

fn popitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (_, d) = this(vm, a, "popitem")?;
    a.check_method("dict", "popitem", 1, 1)?;
    let e = d.borrow_mut().pop_last();
    match e {
        Some(e) => Ok(Value::tuple(vec![e.key, e.value])),
        None => Err(exc(ExcKind::KeyError, "popitem(): dictionary is empty")),
    }
}

fn setdefault(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "setdefault")?;
    a.check_method("dict", "setdefault", 2, 3)?;
    if let Some(v) = vm.dict_get(o, &a.pos[1])? {
        return Ok(v);
    }
    let d = a.pos.get(2).cloned().unwrap_or(Value::None);
    vm.dict_set(o, a.pos[1].clone(), d.clone())?;
    Ok(d)
}

fn update(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (o, _) = this(vm, a, "update")?;
    if a.pos.len() > 2 {
        return Err(type_error(format!(
            "update expected at most 1 argument, got {}",
            a.pos.len() - 1
        )));
    }
    if let Some(src) = a.pos.get(1) {
        update_from(vm, o, src)?;
    }
    kw_update(vm, o, a)?;
    Ok(Value::None)
}

// ---- views ----

fn view_this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a DictViewObj> {
    match a.pos.first() {
        Some(Value::Obj(o)) => match &**o {
            Obj::DictView(v) => Ok(v),
            _ => Err(type_error(format!(
                "descriptor '{name}' requires a dict view"
            ))),
        },
        Some(v) => Err(type_error(format!(
            "descriptor '{name}' requires a dict view, not '{}'",
            vm.type_name(v)
        ))),
        None => Err(type_error(format!("descriptor '{name}' needs an argument"))),
    }
}

fn view_cell(v: &DictViewObj) -> Option<&RefCell<DictData>> {
    match &*v.dict {
        Obj::Dict(d) => Some(d),
        _ => None,
    }
}

fn view_items(v: &DictViewObj) -> Vec<Value> {
    let Some(d) = view_cell(v) else { return vec![] };
    d.borrow()
        .iter()
        .map(|e| match v.kind {
            DictIterKind::Keys => e.key.clone(),
            DictIterKind::Values => e.value.clone(),
            DictIterKind::Items => Value::tuple(vec![e.key.clone(), e.value.clone()]),
        })
        .collect()
}

fn view_repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = view_this(vm, a, "__repr__")?;
    let name = match v.kind {
        DictIterKind::Keys => "dict_keys",
        DictIterKind::Values => "dict_values",
        DictIterKind::Items => "dict_items",
    };
    let Some(_g) = ReprGuard::enter(&v.dict) else {
        return Ok(Value::str("..."));
    };
    let items = view_items(v);
    let inner = super::list::repr_items(vm, &items)?;
    Ok(Value::string(format!("{name}([{inner}])")))
}

fn view_len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = view_this(vm, a, "__len__")?;
    Ok(Value::Int(
        view_cell(v).map(|d| d.borrow().len()).unwrap_or(0) as i64,
    ))
}

fn view_iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    view_this(vm, a, "__iter__")?;
    vm.iter(&a.pos[0])
}

fn view_reversed(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = view_this(vm, a, "__reversed__")?;
    match view_cell(v) {
        Some(d) => Ok(reversed_iter(&v.dict, d, v.kind)),
        None => Ok(Value::tuple(vec![])),
    }
}

/// Whether a dict view contains `x`.
fn view_has(vm: &mut Vm, v: &DictViewObj, x: &Value) -> PyResult<bool> {
    match v.kind {
        DictIterKind::Keys => Ok(vm.dict_get(&v.dict, x)?.is_some()),
        DictIterKind::Items => {
            let Some(t) = x.as_tuple() else {
                return Ok(false);
            };
            if t.len() != 2 {
                return Ok(false);
            }
            match vm.dict_get(&v.dict, &t[0])? {
                Some(val) => vm.eq(&val, &t[1]),
                None => Ok(false),
            }
        }
        DictIterKind::Values => {
            for item in view_items(v) {
                if vm.eq(&item, x)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

fn view_contains(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = view_this(vm, a, "__contains__")?;
    a.check_slot("__contains__", 1)?;
    Ok(Value::Bool(view_has(vm, v, &a.pos[1])?))
}

/// A set built from a view or other iterable (for the set-like operators).
fn to_set(vm: &mut Vm, v: &Value) -> PyResult<Value> {
    let st = Value::Obj(vm.t.set.clone());
    vm.call(&st, std::slice::from_ref(v))
}

fn is_setlike(v: &Value) -> bool {
    matches!(v, Value::Obj(o) if matches!(&**o, Obj::Set(_) | Obj::FrozenSet(_) | Obj::DictView(_)))
}

fn view_setop(vm: &mut Vm, a: &Args, name: &str, method: &str, reflected: bool) -> PyResult<Value> {
    let v = view_this(vm, a, name)?;
    a.check(name, 2, 2)?;
    if v.kind == DictIterKind::Values {
        return Ok(not_impl(vm));
    }
    let other = &a.pos[1];
    if vm.iter(other).is_err() {
        return Ok(not_impl(vm));
    }
    let (x, y) = if reflected {
        (other, &a.pos[0])
    } else {
        (&a.pos[0], other)
    };
    let s = to_set(vm, x)?;
    vm.call_method(&s, method, std::slice::from_ref(y))
}

macro_rules! setops {
    ($($f:ident, $name:literal, $method:literal, $refl:expr;)*) => {
        $(fn $f(vm: &mut Vm, a: &Args) -> PyResult<Value> {
            view_setop(vm, a, $name, $method, $refl)
        })*
    };
}
setops! {
    view_and, "__and__", "intersection", false;
    view_rand, "__rand__", "intersection", true;
    view_or, "__or__", "union", false;
    view_ror, "__ror__", "union", true;
    view_sub, "__sub__", "difference", false;
    view_rsub, "__rsub__", "difference", true;
    view_xor, "__xor__", "symmetric_difference", false;
    view_rxor, "__rxor__", "symmetric_difference", true;
}

fn view_cmp(vm: &mut Vm, a: &Args, op: CmpOp) -> PyResult<Value> {
    let v = view_this(vm, a, "__eq__")?;
    a.check_slot("__eq__", 1)?;
    let other = &a.pos[1];
    if v.kind == DictIterKind::Values || !is_setlike(other) {
        return Ok(not_impl(vm));
    }
    let x = to_set(vm, &a.pos[0])?;
    let y = if matches!(other, Value::Obj(o) if matches!(&**o, Obj::DictView(_))) {
        to_set(vm, other)?
    } else {
        other.clone()
    };
    vm.compare(&x, &y, op)
}
fn view_eq(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    view_cmp(vm, a, CmpOp::Eq)
}
fn view_ne(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    view_cmp(vm, a, CmpOp::NotEq)
}
fn view_lt(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    view_cmp(vm, a, CmpOp::Lt)
}
fn view_le(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    view_cmp(vm, a, CmpOp::LtE)
}
fn view_gt(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    view_cmp(vm, a, CmpOp::Gt)
}
fn view_ge(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    view_cmp(vm, a, CmpOp::GtE)
}

fn view_isdisjoint(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = view_this(vm, a, "isdisjoint")?;
    a.check("isdisjoint", 2, 2)?;
    let items = vm.collect(&a.pos[1])?;
    for x in &items {
        if view_has(vm, v, x)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

fn view_mapping(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let v = view_this(vm, a, "mapping")?;
    Ok(Value::Obj(v.dict.clone()))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.dict.clone();
    vm.add_methods(
        &t,
        "dict",
        &[
            ("__new__", dict_new),
            ("__init__", dict_init),
            ("__repr__", repr),
            ("__len__", len),
            ("__getitem__", getitem),
            ("__setitem__", setitem),
            ("__delitem__", delitem),
            ("__contains__", contains),
            ("__iter__", iter),
            ("__reversed__", reversed),
            ("__eq__", eq),
            ("__ne__", ne),
            ("__or__", or),
            ("__ror__", ror),
            ("__ior__", ior),
            ("clear", clear),
            ("copy", copy),
            ("get", get),
            ("items", items),
            ("keys", keys),
            ("values", values),
            ("pop", pop),
            ("popitem", popitem),
            ("setdefault", setdefault),
            ("update", update),
        ],
    );
    vm.add_class_attr(&t, "__hash__", Value::None);
    let fk = Value::obj(Obj::class_method(crate::vm::native::native(
        "dict", "fromkeys", fromkeys,
    )));
    vm.add_class_attr(&t, "fromkeys", fk);

    for (ty, name) in [
        (vm.t.dict_keys.clone(), "dict_keys"),
        (vm.t.dict_items.clone(), "dict_items"),
        (vm.t.dict_values.clone(), "dict_values"),
    ] {
        vm.add_methods(
            &ty,
            "dict_view",
            &[
                ("__repr__", view_repr),
                ("__len__", view_len),
                ("__iter__", view_iter),
                ("__reversed__", view_reversed),
                ("__contains__", view_contains),
            ],
        );
        if name != "dict_values" {
            vm.add_methods(
                &ty,
                "dict_view",
                &[
                    ("__and__", view_and),
                    ("__rand__", view_rand),
                    ("__or__", view_or),
                    ("__ror__", view_ror),
                    ("__sub__", view_sub),
                    ("__rsub__", view_rsub),
                    ("__xor__", view_xor),
                    ("__rxor__", view_rxor),
                    ("__eq__", view_eq),
                    ("__ne__", view_ne),
                    ("__lt__", view_lt),
                    ("__le__", view_le),
                    ("__gt__", view_gt),
                    ("__ge__", view_ge),
                    ("isdisjoint", view_isdisjoint),
                ],
            );
            // Set-like views compare by contents, so they cannot hash; a values view
            // hashes by identity, as in CPython.
            vm.add_class_attr(&ty, "__hash__", Value::None);
        }
        let p = vm.native_property("dict_view", "mapping", view_mapping);
        vm.add_class_attr(&ty, "mapping", p);
    }
}

#[cfg(test)]
mod tests {
    use crate::obj::number::testutil::{cm, cmk, i, s, show};
    use crate::vm::value::Value;
    use crate::vm::Vm;

    fn d(vm: &mut Vm, pairs: &[(Value, Value)]) -> Value {
        let dt = Value::Obj(vm.t.dict.clone());
        let l = Value::list(
            pairs
                .iter()
                .map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()]))
                .collect(),
        );
        vm.call(&dt, &[l]).expect("dict")
    }

    #[test]
    fn dicts() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let x = d(vm, &[(s("a"), i(1)), (s("b"), i(2))]);
        assert_eq!(show(vm, Ok(x.clone())), "{'a': 1, 'b': 2}");
        assert_eq!(cm(vm, &x, "keys", &[]), "dict_keys(['a', 'b'])");
        assert_eq!(cm(vm, &x, "items", &[]), "dict_items([('a', 1), ('b', 2)])");
        assert_eq!(cm(vm, &x, "values", &[]), "dict_values([1, 2])");
        assert_eq!(cm(vm, &x, "get", &[s("z"), i(0)]), "0");
        assert_eq!(cm(vm, &x, "pop", &[s("z")]), "!KeyError: 'z'");
        assert_eq!(cm(vm, &x, "pop", &[s("z"), i(5)]), "5");
        assert_eq!(cm(vm, &x, "setdefault", &[s("c"), i(3)]), "3");
        assert_eq!(cm(vm, &x, "popitem", &[]), "('c', 3)");
        let e = d(vm, &[]);
        assert_eq!(
            cm(vm, &e, "popitem", &[]),
            "!KeyError: 'popitem(): dictionary is empty'"
        );
        assert_eq!(
            cmk(vm, &e, "update", std::slice::from_ref(&x), &[("z", i(26))]),
            "None"
        );
        assert_eq!(show(vm, Ok(e.clone())), "{'a': 1, 'b': 2, 'z': 26}");
        assert_eq!(
            cm(vm, &x, "__or__", std::slice::from_ref(&e)),
            "{'a': 1, 'b': 2, 'z': 26}"
        );
        assert_eq!(cm(vm, &x, "__eq__", std::slice::from_ref(&e)), "False");
        assert_eq!(cm(vm, &x, "__or__", &[i(1)]), "NotImplemented");
        let k = vm.call_method(&x, "keys", &[]).expect("keys");
        let st = Value::Obj(vm.t.set.clone());
        let other = vm
            .call(&st, &[Value::list(vec![s("a"), s("q")])])
            .expect("set");
        assert_eq!(cm(vm, &k, "__and__", std::slice::from_ref(&other)), "{'a'}");
        assert_eq!(cm(vm, &k, "__contains__", &[s("a")]), "True");
        let it = vm.call_method(&x, "items", &[]).expect("items");
        assert_eq!(
            cm(vm, &it, "__contains__", &[Value::tuple(vec![s("a"), i(1)])]),
            "True"
        );
        let dt = Value::Obj(vm.t.dict.clone());
        assert_eq!(
            cm(vm, &dt, "fromkeys", &[s("ab")]),
            "{'a': None, 'b': None}"
        );
        let r = vm.call(&dt, &[Value::list(vec![i(1)])]);
        assert_eq!(
            show(vm, r),
            "!TypeError: cannot convert dictionary update sequence element #0 to a sequence"
        );
        let r = vm.call(&dt, &[Value::list(vec![s("abc")])]);
        assert_eq!(
            show(vm, r),
            "!ValueError: dictionary update sequence element #0 has length 3; 2 is required"
        );
        let r = vm.call_kw(&dt, &[i(1)], &[s("a")]);
        assert_eq!(show(vm, r), "{'a': 1}");
        cm(vm, &x, "__setitem__", &[s("self"), x.clone()]);
        assert_eq!(show(vm, Ok(x.clone())), "{'a': 1, 'b': 2, 'self': {...}}");
        let r = vm.call(&Value::Obj(vm.t.dict.clone()), &[]).expect("dict");
        cm(vm, &r, "__setitem__", &[Value::Float(1.0), s("f")]);
        assert_eq!(cm(vm, &r, "__getitem__", &[Value::Bool(true)]), "'f'");
        assert_eq!(
            cm(vm, &r, "__getitem__", &[Value::list(vec![])]),
            "!TypeError: unhashable type: 'list'"
        );
    }
}
