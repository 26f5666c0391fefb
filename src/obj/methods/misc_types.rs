//! Small builtin types: NoneType, ellipsis, NotImplementedType, and the iterator types'
//! `__iter__` / `__next__` / `__length_hint__`.

use crate::obj::function::Args;
use crate::obj::{IterState, Obj};
use crate::vm::errors::{exc_empty, type_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use crate::vm::Vm;

fn none_repr(_vm: &mut Vm, _a: &Args) -> PyResult<Value> {
    Ok(Value::str("None"))
}
fn none_bool(_vm: &mut Vm, _a: &Args) -> PyResult<Value> {
    Ok(Value::Bool(false))
}
fn none_new(_vm: &mut Vm, a: &Args) -> PyResult<Value> {
    if a.pos.len() > 1 || !a.kwnames.is_empty() {
        return Err(type_error("NoneType takes no arguments"));
    }
    Ok(Value::None)
}
/// `types.ModuleType(name, doc=None)`: an empty module, as `module.__init__` leaves it.
fn module_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let mut params: [Option<Value>; 2] = [a.pos.get(1).cloned(), a.pos.get(2).cloned()];
    let given = a.pos.len() - 1 + a.kwnames.len();
    if given > 2 {
        let how = if a.kwnames.is_empty() { "" } else { " keyword" };
        return Err(type_error(format!(
            "module() takes at most 2{how} arguments ({given} given)"
        )));
    }
    let mut unknown = None;
    for (k, v) in a.kwnames.iter().zip(a.kwvalues) {
        let slot = match k.as_str() {
            Some("name") => 0,
            Some("doc") => 1,
            other => {
                unknown.get_or_insert_with(|| other.unwrap_or("?").to_owned());
                continue;
            }
        };
        if params[slot].is_some() {
            let k = ["name", "doc"][slot];
            return Err(type_error(format!(
                "argument for module() given by name ('{k}') and position ({})",
                slot + 1
            )));
        }
        params[slot] = Some(v.clone());
    }
    // CPython reports a missing name before an unknown keyword.
    if params[0].is_some() {
        if let Some(k) = unknown {
            return Err(type_error(format!(
                "'{k}' is an invalid keyword argument for module()"
            )));
        }
    }
    let [name, doc] = params;
    let Some(name) = name else {
        return Err(type_error(
            "module() missing required argument 'name' (pos 1)",
        ));
    };
    let Some(text) = name.as_str().map(str::to_owned) else {
        let t = vm.type_name(&name);
        return Err(type_error(format!(
            "module() argument 'name' must be str, not {t}"
        )));
    };
    // The namespace `module.__init__` leaves (no `__builtins__`, unlike an imported one);
    // `__name__` keeps the str given (a subclass instance too), as CPython does.
    let mut d = crate::obj::dict::DictData::new();
    for (key, v) in [
        ("__name__", name),
        ("__doc__", doc.unwrap_or(Value::None)),
        ("__package__", Value::None),
        ("__loader__", Value::None),
        ("__spec__", Value::None),
    ] {
        crate::vm::dictops::set_str(&mut d, vm.intern(key), v);
    }
    let m = crate::vm::value::ObjRef::new(Obj::Module(crate::obj::ModuleObj {
        name: std::rc::Rc::from(text.as_str()),
        dict: crate::vm::value::ObjRef::new(Obj::Dict(std::cell::RefCell::new(d))),
        initializing: std::cell::Cell::new(false),
        native: false,
    }));
    Ok(Value::Obj(m))
}

fn none_hash(_vm: &mut Vm, _a: &Args) -> PyResult<Value> {
    Ok(Value::Int(0x0fcb_12d0))
}
/// `types.CellType(contents)`: a cell holding `contents`, or an empty one.
fn cell_new(_vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.no_kwargs("cell")?;
    // The class comes first.
    let n = a.pos.len().saturating_sub(1);
    if n > 1 {
        return Err(type_error(format!(
            "cell expected at most 1 argument, got {n}"
        )));
    }
    let contents = a.pos.get(1).cloned().unwrap_or(Value::Undef);
    Ok(Value::obj(Obj::Cell(std::cell::RefCell::new(contents))))
}
fn ellipsis_repr(_vm: &mut Vm, _a: &Args) -> PyResult<Value> {
    Ok(Value::str("Ellipsis"))
}
fn ellipsis_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    if a.pos.len() > 1 || !a.kwnames.is_empty() {
        return Err(type_error("ellipsis takes no arguments"));
    }
    Ok(vm.t.ellipsis_value.clone())
}
fn notimpl_repr(_vm: &mut Vm, _a: &Args) -> PyResult<Value> {
    Ok(Value::str("NotImplemented"))
}
fn notimpl_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    if a.pos.len() > 1 || !a.kwnames.is_empty() {
        return Err(type_error("NotImplementedType takes no arguments"));
    }
    Ok(vm.t.not_implemented_value.clone())
}

fn iter_self(_vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.pos
        .first()
        .cloned()
        .ok_or_else(|| type_error("__iter__ needs an argument"))
}

fn iter_next(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let it = a
        .pos
        .first()
        .ok_or_else(|| type_error("__next__ needs an argument"))?;
    match vm.next(it)? {
        Some(v) => Ok(v),
        None => Err(exc_empty(ExcKind::StopIteration)),
    }
}

fn length_hint(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let Some(Value::Obj(o)) = a.pos.first() else {
        return Ok(Value::Int(0));
    };
    let Obj::Iter(cell) = &**o else {
        return Ok(Value::Int(0));
    };
    let st = cell.borrow();
    let n: i64 = match &*st {
        IterState::Seq { seq, index } => {
            let seq = seq.clone();
            let index = *index;
            drop(st);
            let len = match &seq {
                Value::Obj(so) => match &**so {
                    Obj::List(l) => l.borrow().len(),
                    Obj::Tuple(t) => t.len(),
                    Obj::Bytes(b) => b.len(),
                    Obj::ByteArray(b) => b.borrow().len(),
                    _ => vm.len(&seq).unwrap_or(0),
                },
                _ => 0,
            };
            return Ok(Value::Int(len.saturating_sub(index) as i64));
        }
        IterState::Reversed { index, .. } => index.map(|i| i as i64 + 1).unwrap_or(0),
        IterState::Deque {
            deque,
            index,
            reverse,
            ..
        } => match &**deque {
            Obj::Deque(_) if *reverse => *index as i64,
            Obj::Deque(d) => d.len().saturating_sub(*index) as i64,
            _ => 0,
        },
        IterState::Range { next, stop, step } => {
            let (a, b, s) = (*next as i128, *stop as i128, *step as i128);
            let n = if s > 0 && a < b {
                (b - a - 1) / s + 1
            } else if s < 0 && a > b {
                (a - b - 1) / (-s) + 1
            } else {
                0
            };
            n.min(i64::MAX as i128) as i64
        }
        IterState::LongRange { left, .. } => return Ok(Value::from_bigint((**left).clone())),
        IterState::Str { s, pos } => match &**s {
            Obj::Str(so) => so.as_str()[*pos..].chars().count() as i64,
            _ => 0,
        },
        IterState::Dict { dict, len, .. } => match &**dict {
            Obj::Dict(d) => {
                let cur = d.borrow().len();
                if cur != *len {
                    0
                } else {
                    // Remaining = live entries at or after the position.
                    let mut k = 0;
                    let mut p = match &*st {
                        IterState::Dict { pos, .. } => *pos,
                        _ => 0,
                    };
                    let data = d.borrow();
                    while let Some((_, next)) = data.next_from(p) {
                        k += 1;
                        p = next;
                    }
                    k
                }
            }
            _ => 0,
        },
        IterState::DictReversed { dict, pos, len, .. } => match &**dict {
            Obj::Dict(d) if d.borrow().len() == *len => {
                let data = d.borrow();
                let (mut k, mut p) = (0, *pos);
                while let Some((_, prev)) = data.prev_from(p) {
                    k += 1;
                    p = prev;
                }
                k
            }
            _ => 0,
        },
        IterState::Set { set, pos, .. } => {
            let mut k = 0;
            let mut p = *pos;
            crate::vm::dictops::with_set(set, |d| {
                while let Some((_, next)) = d.next_from(p) {
                    k += 1;
                    p = next;
                }
            });
            k
        }
        _ => 0,
    };
    Ok(Value::Int(n))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.clone();
    vm.add_methods(
        &t.none,
        "NoneType",
        &[
            ("__new__", none_new),
            ("__repr__", none_repr),
            ("__bool__", none_bool),
            ("__hash__", none_hash),
        ],
    );
    vm.add_methods(&t.module, "module", &[("__new__", module_new)]);
    vm.add_methods(&t.cell, "cell", &[("__new__", cell_new)]);
    vm.add_methods(
        &t.ellipsis,
        "ellipsis",
        &[("__new__", ellipsis_new), ("__repr__", ellipsis_repr)],
    );
    vm.add_methods(
        &t.not_implemented,
        "NotImplementedType",
        &[("__new__", notimpl_new), ("__repr__", notimpl_repr)],
    );
    for it in [
        &t.list_iterator,
        &t.tuple_iterator,
        &t.str_ascii_iterator,
        &t.str_iterator,
        &t.range_iterator,
        &t.longrange_iterator,
        &t.dict_keyiterator,
        &t.dict_valueiterator,
        &t.dict_itemiterator,
        &t.set_iterator,
        &t.iterator,
        &t.enumerate,
        &t.zip,
        &t.map,
        &t.filter,
        &t.reversed,
        &t.callable_iterator,
        &t.bytes_iterator,
        &t.bytearray_iterator,
        &t.list_reverseiterator,
        &t.dict_reversekeyiterator,
        &t.dict_reversevalueiterator,
        &t.dict_reverseitemiterator,
        &t.deque_iterator,
        &t.deque_reverse_iterator,
    ] {
        vm.add_methods(
            it,
            "iterator",
            &[("__iter__", iter_self), ("__next__", iter_next)],
        );
    }
    for it in [
        &t.list_iterator,
        &t.tuple_iterator,
        &t.str_ascii_iterator,
        &t.str_iterator,
        &t.range_iterator,
        &t.longrange_iterator,
        &t.dict_keyiterator,
        &t.dict_valueiterator,
        &t.dict_itemiterator,
        &t.set_iterator,
        &t.iterator,
        &t.reversed,
        &t.bytes_iterator,
        &t.bytearray_iterator,
        &t.list_reverseiterator,
        &t.dict_reversekeyiterator,
        &t.dict_reversevalueiterator,
        &t.dict_reverseitemiterator,
        &t.deque_iterator,
        &t.deque_reverse_iterator,
    ] {
        vm.add_methods(it, "iterator", &[("__length_hint__", length_hint)]);
    }
}

#[cfg(test)]
mod tests {
    use crate::obj::number::testutil::{cm, i, s, show};
    use crate::vm::value::Value;
    use crate::vm::Vm;

    #[test]
    fn iterators_and_singletons() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let l = Value::list(vec![i(1), i(2)]);
        let it = vm.iter(&l).expect("iter");
        assert_eq!(cm(vm, &it, "__length_hint__", &[]), "2");
        assert_eq!(cm(vm, &it, "__next__", &[]), "1");
        assert_eq!(cm(vm, &it, "__length_hint__", &[]), "1");
        assert_eq!(cm(vm, &it, "__next__", &[]), "2");
        assert_eq!(cm(vm, &it, "__next__", &[]), "!StopIteration: ");
        let it2 = vm.iter(&s("héllo")).expect("iter");
        assert_eq!(cm(vm, &it2, "__next__", &[]), "'h'");
        assert_eq!(cm(vm, &it2, "__length_hint__", &[]), "4");
        let r = cm(vm, &it2, "__iter__", &[]);
        // A non-ASCII str iterates with CPython's `str_iterator`.
        assert!(r.starts_with("<str_iterator object at 0x"), "{r}");
        assert_eq!(show(vm, Ok(Value::None)), "None");
        let e = vm.t.ellipsis_value.clone();
        assert_eq!(show(vm, Ok(e)), "Ellipsis");
        let n = vm.t.not_implemented_value.clone();
        assert_eq!(show(vm, Ok(n)), "NotImplemented");
        let nt = Value::Obj(vm.t.none.clone());
        let r = vm.call(&nt, &[]);
        assert_eq!(show(vm, r), "None");
    }
}
