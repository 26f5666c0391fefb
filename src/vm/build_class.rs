//! `class` statements: `__build_class__` runs the class body in a fresh namespace, then
//! creates the class (through a metaclass if one is given), fills the `__class__` cell for
//! zero-argument `super()`, and calls `__set_name__` and `__init_subclass__` hooks.

use super::call::Prepared;
use super::class::as_class;
use super::errors::{type_error, PyResult};
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::function::Args;
use crate::obj::{DictData, Obj};
use std::cell::RefCell;

fn build_class(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if args.pos.len() < 2 {
        return Err(type_error("__build_class__: not enough arguments"));
    }
    let func = args.pos[0].clone();
    let name = match args.pos[1].as_str() {
        Some(s) => s.to_string(),
        None => return Err(type_error("__build_class__: name is not a string")),
    };
    let orig_bases = &args.pos[2..];
    let bases_v = resolve_bases(vm, orig_bases)?;
    let mut bases: Vec<ObjRef> = Vec::new();
    for b in &bases_v {
        match b {
            Value::Obj(o) if as_class(o).is_some() => bases.push(o.clone()),
            _ => {
                return Err(type_error(format!(
                    "bases must be types, not {}",
                    vm.type_name(b)
                )))
            }
        }
    }
    let mut metaclass: Option<Value> = None;
    let mut kw_names = Vec::new();
    let mut kw_values = Vec::new();
    for (k, v) in args.kwnames.iter().zip(args.kwvalues.iter()) {
        if k.as_str() == Some("metaclass") {
            metaclass = Some(v.clone());
        } else {
            kw_names.push(k.clone());
            kw_values.push(v.clone());
        }
    }
    if metaclass.is_none() {
        // The most derived metaclass among the bases.
        for b in &bases {
            let m = vm.type_of(&Value::Obj(b.clone()));
            if !m.is(&vm.t.type_) {
                metaclass = Some(Value::Obj(m));
                break;
            }
        }
    }
    let ns = prepare_namespace(
        vm,
        metaclass.as_ref(),
        &name,
        &bases_v,
        &kw_names,
        &kw_values,
    )?;
    let Value::Obj(fo) = &func else {
        return Err(type_error("__build_class__: func must be a function"));
    };
    let Obj::Function(f) = &**fo else {
        return Err(type_error("__build_class__: func must be a function"));
    };
    let mut frame = vm.bind_args(f, None, &[], &[])?;
    frame.extra_mut().locals_map = Some(ns.clone());
    let cell = vm.run_frame(frame)?;
    if bases_v.len() != orig_bases.len() || bases_v.iter().zip(orig_bases).any(|(a, b)| !a.is(b)) {
        let key = vm.intern("__orig_bases__");
        vm.setitem(
            &Value::Obj(ns.clone()),
            &key,
            Value::tuple(orig_bases.to_vec()),
        )?;
    }
    let mut ns_data = match &*ns {
        Obj::Dict(d) => d.borrow().clone(),
        _ => DictData::new(),
    };
    let cls_v = match &metaclass {
        Some(m) if !matches!(m, Value::Obj(o) if o.is(&vm.t.type_)) => {
            let mut call_args = vec![
                Value::str(&name),
                Value::tuple(bases_v.clone()),
                Value::Obj(ns.clone()),
            ];
            call_args.extend(kw_values.iter().cloned());
            // Whatever the metaclass returns is the class, with the type it was made with
            // (`type.__new__` records the metaclass it was called for).
            match vm.prepare_call(m, None, &call_args, &kw_names)? {
                Prepared::Done(v) => v,
                Prepared::Frame(fr) => vm.run_frame(fr)?,
            }
        }
        _ => {
            // As type.__new__: the `__class__` cell is filled below, not kept as an attribute.
            let cell_key = vm.intern("__classcell__");
            super::dictops::del_str(&mut ns_data, &cell_key);
            let cls = vm.new_user_class(&name, bases, ns_data.clone(), None)?;
            if let Obj::Cell(cv) = cell.as_obj().map(|c| &**c).unwrap_or(&Obj::Ellipsis) {
                *cv.borrow_mut() = Value::Obj(cls.clone());
            }
            // What `type.__new__` does after creating a class (a metaclass call above went
            // through `type.__new__`, which already did it): `__hash__ = None` next to a
            // lone `__eq__`, `__set_name__`, `__init_subclass__`.
            crate::obj::methods::type_::finish_class(vm, &cls, &kw_names, &kw_values)?;
            Value::Obj(cls)
        }
    };
    if let Value::Obj(c) = &cell {
        if let Obj::Cell(cv) = &**c {
            *cv.borrow_mut() = cls_v.clone();
        }
    }
    Ok(cls_v)
}

/// The namespace the class body runs in: what `metaclass.__prepare__(name, bases, **kwds)`
/// returns when the metaclass has one (PEP 3115), else a new dict.
fn prepare_namespace(
    vm: &mut Vm,
    metaclass: Option<&Value>,
    name: &str,
    bases: &[Value],
    kw_names: &[Value],
    kw_values: &[Value],
) -> PyResult<ObjRef> {
    let fresh = || ObjRef::new(Obj::Dict(RefCell::new(DictData::new())));
    let Some(meta) = metaclass.filter(|m| !matches!(m, Value::Obj(o) if o.is(&vm.t.type_))) else {
        return Ok(fresh());
    };
    let key = vm.intern("__prepare__");
    let prepare = match vm.get_attr(meta, &key) {
        Ok(p) => p,
        Err(e) if e.is(crate::vm::types::ExcKind::AttributeError) => return Ok(fresh()),
        Err(e) => return Err(e),
    };
    let mut args = vec![Value::str(name), Value::tuple(bases.to_vec())];
    args.extend(kw_values.iter().cloned());
    let ns = match vm.prepare_call(&prepare, None, &args, kw_names)? {
        Prepared::Done(v) => v,
        Prepared::Frame(fr) => vm.run_frame(fr)?,
    };
    match ns {
        Value::Obj(o)
            if vm
                .lookup_special(&Value::Obj(o.clone()), "__getitem__")
                .is_some() =>
        {
            Ok(o)
        }
        other => {
            let meta_name = match meta {
                Value::Obj(m) => super::class::class_name(m).to_string(),
                _ => "?".to_string(),
            };
            Err(type_error(format!(
                "{meta_name}.__prepare__() must return a mapping, not {}",
                vm.type_name(&other)
            )))
        }
    }
}

/// The bases a class is created with (PEP 560): a base that is not a class but has
/// `__mro_entries__` (`list[int]`, `typing.Generic[T]`) is replaced by what that returns
/// for the whole tuple of bases as written.
fn resolve_bases(vm: &mut Vm, orig: &[Value]) -> PyResult<Vec<Value>> {
    let mut out = Vec::with_capacity(orig.len());
    let key = vm.intern("__mro_entries__");
    for b in orig {
        if matches!(b, Value::Obj(o) if as_class(o).is_some()) {
            out.push(b.clone());
            continue;
        }
        let Some(f) = vm.get_attr_opt(b, &key)? else {
            out.push(b.clone());
            continue;
        };
        let entries = vm.call(&f, &[Value::tuple(orig.to_vec())])?;
        match entries.as_obj().map(|o| &**o) {
            Some(Obj::Tuple(t)) => out.extend(t.iter().cloned()),
            _ => return Err(type_error("__mro_entries__ must return a tuple")),
        }
    }
    Ok(out)
}

/// Registers `__build_class__` in builtins.
pub fn register(vm: &mut Vm) {
    let f = super::native::native("", "__build_class__", build_class);
    vm.set_builtin("__build_class__", f);
}
