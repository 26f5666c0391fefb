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
    let bases_v: Vec<Value> = args.pos[2..].to_vec();
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
    let ns = ObjRef::new(Obj::Dict(RefCell::new(DictData::new())));
    let Value::Obj(fo) = &func else {
        return Err(type_error("__build_class__: func must be a function"));
    };
    let Obj::Function(f) = &**fo else {
        return Err(type_error("__build_class__: func must be a function"));
    };
    let mut frame = vm.bind_args(f, None, &[], &[])?;
    frame.locals_map = Some(ns.clone());
    let cell = vm.run_frame(frame)?;
    let ns_data = match &*ns {
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
            let r = match vm.prepare_call(m, None, &call_args, &kw_names)? {
                Prepared::Done(v) => v,
                Prepared::Frame(fr) => vm.run_frame(fr)?,
            };
            if let (Value::Obj(c), Value::Obj(mo)) = (&r, m) {
                if let Some(cc) = as_class(c) {
                    if cc.metaclass.borrow().is_none() && !mo.is(&vm.t.type_) {
                        *cc.metaclass.borrow_mut() = Some(mo.clone());
                    }
                }
            }
            r
        }
        _ => {
            let cls = vm.new_user_class(&name, bases, ns_data.clone(), None)?;
            Value::Obj(cls)
        }
    };
    if let Value::Obj(c) = &cell {
        if let Obj::Cell(cv) = &**c {
            *cv.borrow_mut() = cls_v.clone();
        }
    }
    if let Value::Obj(cls) = &cls_v {
        if as_class(cls).is_some() {
            // __set_name__ on descriptors defined in the body.
            for e in ns_data.iter() {
                if let Some(set_name) = user_special(vm, &e.value, "__set_name__") {
                    vm.call(&set_name, &[e.value.clone(), cls_v.clone(), e.key.clone()])?;
                }
            }
            init_subclass(vm, cls, &kw_names, &kw_values)?;
        }
    }
    Ok(cls_v)
}

/// A special method defined by aio code (not a builtin type's native default).
fn user_special(vm: &mut Vm, v: &Value, name: &str) -> Option<Value> {
    let f = vm.lookup_special(v, name)?;
    match &f {
        Value::Obj(o) if matches!(&**o, Obj::Native(_)) => None,
        _ => Some(f),
    }
}

/// Calls the nearest base's `__init_subclass__` (an implicit classmethod) with the class
/// keywords; the default accepts none.
fn init_subclass(vm: &mut Vm, cls: &ObjRef, names: &[Value], values: &[Value]) -> PyResult<()> {
    let key = vm.intern("__init_subclass__");
    let parent_mro: Vec<ObjRef> = as_class(cls).map(|c| c.mro.borrow().clone()).unwrap_or_default();
    for base in parent_mro {
        let Some(bc) = as_class(&base) else { continue };
        let found = super::dictops::get_str(&bc.dict.borrow(), &key);
        if let Some(f) = found {
            let f = match &f {
                Value::Obj(o) => match &**o {
                    Obj::ClassMethod(inner) => inner.clone(),
                    Obj::Native(_) => break,
                    _ => f.clone(),
                },
                _ => f.clone(),
            };
            let mut args = vec![Value::Obj(cls.clone())];
            args.extend(values.iter().cloned());
            vm.call_kw(&f, &args, names)?;
            return Ok(());
        }
    }
    if !names.is_empty() {
        return Err(type_error(format!(
            "{}.__init_subclass__() takes no keyword arguments",
            as_class(cls).map(|c| c.name().to_string()).unwrap_or_default()
        )));
    }
    Ok(())
}

/// Registers `__build_class__` in builtins.
pub fn register(vm: &mut Vm) {
    let f = super::native::native("", "__build_class__", build_class);
    vm.set_builtin("__build_class__", f);
}
