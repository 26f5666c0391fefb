//! Inline caches for `obj.name` and `obj.name = v` on plain instances (the fast tier's
//! `LoadAttr` and `StoreAttr`), CPython's LOAD_ATTR_INSTANCE_VALUE and
//! STORE_ATTR_INSTANCE_VALUE in spirit.
//!
//! Deciding that an attribute access only touches the instance namespace takes a class
//! lookup (no descriptor or class attribute of that name, no `__getattribute__` or
//! `__setattr__`); finding the name there takes a hash probe. Both answers are kept per
//! instruction name (`CodeObj::attr_hints`): the class, valid while the lookup-cache epoch
//! stays (any class namespace change or class death moves it), and the entry index the
//! name had, checked by identity before use (instances of one class built by one
//! `__init__` put their attributes at the same positions).

use super::class::{as_class, lookup};
use super::dictops::{index_str, store_str};
use super::lookup_cache;
use super::value::Value;
use crate::obj::class::InstanceObj;
use crate::obj::function::{AttrHint, CodeObj};
use crate::obj::{ModuleObj, Obj};
use std::cell::Cell;

/// The class of `inst` (its address) and the current epoch.
#[inline(always)]
fn class_and_epoch(inst: &InstanceObj) -> (usize, u64) {
    (inst.class.with(|c| c.addr()), lookup_cache::epoch())
}

/// The hint with `class` recorded for loads or stores in `epoch` (the other kind's class is
/// forgotten when the epoch moved).
fn record(cell: &Cell<AttrHint>, epoch: u64, load: Option<(usize, bool)>, store: Option<usize>) {
    let mut h = cell.get();
    if h.epoch != epoch {
        h = AttrHint {
            epoch,
            ..AttrHint::default()
        };
    }
    if let Some((c, class_value)) = load {
        h.load_class = c;
        h.class_value = class_value;
    }
    if let Some(c) = store {
        h.store_class = c;
    }
    cell.set(h);
}

/// `inst.<names[i]>` when the general lookup would find it in the instance namespace, or
/// else as a plain class attribute (`max_size = 1024`, `_sock = None`: a value whose type
/// has no `__get__`); None for anything else (the general loop decides, and raises).
#[inline(always)]
pub(super) fn load(code: &CodeObj, i: usize, inst: &InstanceObj, name: &Value) -> Option<Value> {
    let cell = code.attr_hints.get(i)?;
    let (class, epoch) = class_and_epoch(inst);
    let mut h = cell.get();
    if h.load_class != class || h.epoch != epoch {
        let class_value = inst.class.with(|cls| {
            if as_class(cls).is_none_or(|c| c.flags.get().has_getattribute) {
                return None;
            }
            match lookup(cls, name) {
                None => Some(false),
                Some(v) if is_plain_value(&v) => Some(true),
                Some(_) => None,
            }
        })?;
        record(cell, epoch, Some((class, class_value)), None);
        h = cell.get();
    }
    let found = in_namespace(cell, h, inst, name);
    if found.is_some() || !h.class_value {
        return found;
    }
    // The epoch is unchanged since the class attribute was found plain, so it still is.
    inst.class.with(|cls| lookup(cls, name))
}

/// A class attribute that an instance attribute of the same name shadows and that a load
/// returns as it is: its type has no `__get__` (and cannot be given one).
fn is_plain_value(v: &Value) -> bool {
    match v {
        Value::Obj(o) => matches!(
            &**o,
            Obj::Str(_)
                | Obj::Bytes(_)
                | Obj::BigInt(_)
                | Obj::Complex(_)
                | Obj::Tuple(_)
                | Obj::FrozenSet(_)
                | Obj::List(_)
                | Obj::Dict(_)
                | Obj::Set(_)
        ),
        _ => true,
    }
}

/// `inst.<name>` from the instance namespace, at the entry `h` remembers when it still
/// holds the name (else found by a probe, and remembered).
#[inline(always)]
fn in_namespace(
    cell: &Cell<AttrHint>,
    h: AttrHint,
    inst: &InstanceObj,
    name: &Value,
) -> Option<Value> {
    let at = h.index as usize;
    let hit = inst.read_attrs(|d| match d.entry(at) {
        Some(e) if e.key.is(name) => Some(e.value.clone()),
        _ => None,
    });
    if hit.is_some() {
        return hit;
    }
    probe_namespace(cell, inst, name)
}

/// `in_namespace` when the remembered entry no longer holds the name: a probe, whose
/// entry is remembered. Out of line: the hit above is the common case.
#[inline(never)]
fn probe_namespace(cell: &Cell<AttrHint>, inst: &InstanceObj, name: &Value) -> Option<Value> {
    inst.read_attrs(|d| {
        let ix = index_str(d, name)?;
        cell.set(AttrHint {
            index: ix as u32,
            ..cell.get()
        });
        d.entry(ix).map(|e| e.value.clone())
    })
}

/// `inst.<names[i]> = v` when it only stores into the instance namespace: a user class
/// without `__setattr__` or `__slots__`, no class attribute (so no descriptor) of that
/// name, and not a dunder name (`generic_setattr` treats those specially). Gives `v`
/// back when it cannot.
#[inline(always)]
pub(super) fn store(
    code: &CodeObj,
    i: usize,
    inst: &InstanceObj,
    name: &Value,
    v: Value,
) -> Result<(), Value> {
    let Some(cell) = code.attr_hints.get(i) else {
        return Err(v);
    };
    let (class, epoch) = class_and_epoch(inst);
    let h = cell.get();
    if h.store_class != class || h.epoch != epoch {
        if name.as_str().is_none_or(|n| n.starts_with("__")) {
            return Err(v);
        }
        let plain = inst.class.with(|cls| {
            as_class(cls).is_some_and(|c| {
                let flags = c.flags.get();
                !c.builtin && !flags.has_setattr && !flags.slotted
            }) && lookup(cls, name).is_none()
        });
        if !plain {
            return Err(v);
        }
        record(cell, epoch, None, Some(class));
    }
    inst.write_attrs(|d| {
        let hinted = d.entry(h.index as usize).is_some_and(|e| e.key.is(name));
        if hinted {
            if let Some(e) = d.entry_mut(h.index as usize) {
                e.value = v;
            }
            return;
        }
        if let Some((ix, old)) = store_str(d, name.clone(), v) {
            cell.set(AttrHint {
                index: ix as u32,
                ..cell.get()
            });
            if old.is_none() {
                inst.note_name(name);
            }
        }
        note_attrs(inst, d.len());
    });
    Ok(())
}

/// The most attributes a new instance's namespace is made room for (CPython caps its
/// shared keys at 30): one odd instance must not make every later one large.
const MAX_ATTRS_HINT: usize = 30;

/// Raises the class's `attrs_hint` to `n` attributes (at most `MAX_ATTRS_HINT`).
fn note_attrs(inst: &InstanceObj, n: usize) {
    inst.class.with(|cls| {
        if let Some(c) = as_class(cls) {
            let n = n.min(MAX_ATTRS_HINT) as u8;
            if n > c.attrs_hint.get() {
                c.attrs_hint.set(n);
            }
        }
    });
}

/// `module.<names[i]>` when it is in the module's namespace (else the general loop's
/// `__getattr__` and error handling run). The entry index hint needs no validity check
/// beyond the key's identity: the entry holding the name holds its current value.
#[inline(always)]
pub(super) fn module_load(code: &CodeObj, i: usize, m: &ModuleObj, name: &Value) -> Option<Value> {
    let Obj::Dict(d) = &*m.dict else { return None };
    let d = d.try_borrow().ok()?;
    let cell = code.attr_hints.get(i)?;
    let h = cell.get();
    if let Some(e) = d.entry(h.index as usize) {
        if e.key.is(name) {
            return Some(e.value.clone());
        }
    }
    let ix = index_str(&d, name)?;
    cell.set(AttrHint {
        index: ix as u32,
        ..h
    });
    d.entry(ix).map(|e| e.value.clone())
}
