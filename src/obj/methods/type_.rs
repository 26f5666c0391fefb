//! Methods of `type`: `type(x)`, `type(name, bases, dict)` (class creation, including the
//! steps CPython's `type_new` performs after building the class), `mro`,
//! `__instancecheck__`, `__subclasscheck__`, `__prepare__`.

use crate::obj::function::Args;
use crate::obj::Obj;
use crate::vm::class::{as_class, is_subclass};
use crate::vm::dictops::{del_str, get_str, set_str};
use crate::vm::errors::{type_error, PyResult};
use crate::vm::native::native;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::RefCell;
use std::collections::HashMap;

fn class_arg(vm: &Vm, v: Option<&Value>, method: &str) -> PyResult<ObjRef> {
    match v {
        Some(Value::Obj(o)) if as_class(o).is_some() => Ok(o.clone()),
        Some(v) => Err(type_error(format!(
            "descriptor '{method}' requires a 'type' object but received a '{}'",
            vm.type_name(v)
        ))),
        None => Err(type_error(format!(
            "descriptor '{method}' of 'type' object needs an argument"
        ))),
    }
}

/// The most derived metaclass of `meta` and the metaclasses of `bases`.
pub fn calculate_metaclass(vm: &Vm, meta: &ObjRef, bases: &[Value]) -> PyResult<ObjRef> {
    let mut winner = meta.clone();
    for b in bases {
        let mt = vm.type_of(b);
        if is_subclass(&winner, &mt) {
            continue;
        }
        if is_subclass(&mt, &winner) {
            winner = mt;
            continue;
        }
        return Err(type_error(
            "metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases",
        ));
    }
    Ok(winner)
}

/// `type.__new__(cls, *args, **kwargs)`.
fn type_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let cls = class_arg(vm, args.pos.first(), "__new__")?;
    let pos = &args.pos[1..];
    if cls.is(&vm.t.type_) && pos.len() == 1 && args.kwnames.is_empty() {
        return Ok(Value::Obj(vm.type_of(&pos[0])));
    }
    if pos.len() != 3 {
        return Err(type_error(if cls.is(&vm.t.type_) {
            "type() takes 1 or 3 arguments".to_string()
        } else {
            format!(
                "type.__new__() takes exactly 3 arguments ({} given)",
                pos.len()
            )
        }));
    }
    let Some(name) = pos[0].as_str() else {
        return Err(type_error(format!(
            "type.__new__() argument 1 must be str, not {}",
            vm.type_name(&pos[0])
        )));
    };
    let Some(bases) = pos[1].as_tuple() else {
        return Err(type_error(format!(
            "type.__new__() argument 2 must be tuple, not {}",
            vm.type_name(&pos[1])
        )));
    };
    // A dict or an instance of a dict subclass (OrderedDict from a metaclass's __prepare__).
    let ns = match crate::vm::payload::builtin_view(&pos[2]) {
        Value::Obj(o) if matches!(&**o, Obj::Dict(_)) => match &**o {
            Obj::Dict(d) => d.borrow().clone(),
            _ => crate::obj::DictData::new(),
        },
        _ => {
            return Err(type_error(format!(
                "type.__new__() argument 3 must be dict, not {}",
                vm.type_name(&pos[2])
            )))
        }
    };
    let meta = calculate_metaclass(vm, &cls, bases)?;
    let mut base_classes = Vec::with_capacity(bases.len());
    for b in bases {
        match b {
            Value::Obj(o) if as_class(o).is_some() => base_classes.push(o.clone()),
            _ => return Err(type_error("bases must be types")),
        }
    }
    let qualname_key = vm.intern("__qualname__");
    let qual = get_str(&ns, &qualname_key);
    if let Some(q) = &qual {
        if q.as_str().is_none() {
            return Err(type_error(format!(
                "type __qualname__ must be a str, not {}",
                vm.type_name(q)
            )));
        }
    }
    let metaclass = if meta.is(&vm.t.type_) {
        None
    } else {
        Some(meta)
    };
    let mut ns = ns;
    // `__classcell__` is the cell zero-argument `super()` reads: it receives the class.
    let cell_key = vm.intern("__classcell__");
    let classcell = del_str(&mut ns, &cell_key);
    del_str(&mut ns, &qualname_key);
    let module_key = vm.intern("__module__");
    if get_str(&ns, &module_key).is_none() {
        let name_key = vm.intern("__name__");
        let module = vm
            .frames
            .last()
            .and_then(|f| match &*f.globals {
                Obj::Dict(d) => get_str(&d.borrow(), &name_key),
                _ => None,
            })
            .unwrap_or_else(|| Value::str("builtins"));
        set_str(&mut ns, module_key, module);
    }
    let cls_new = vm.new_user_class(name, base_classes, ns, metaclass)?;
    if let (Some(q), Some(c)) = (qual.as_ref().and_then(|q| q.as_str()), as_class(&cls_new)) {
        *c.qualname.borrow_mut() = q.into();
    }
    if let Some(Value::Obj(cell)) = &classcell {
        if let Obj::Cell(c) = &**cell {
            *c.borrow_mut() = Value::Obj(cls_new.clone());
        }
    }
    finish_class(vm, &cls_new, args.kwnames, args.kwvalues)?;
    Ok(Value::Obj(cls_new))
}

/// The steps CPython's `type_new` runs once the class object exists: `__hash__ = None`
/// when the body defines `__eq__` without `__hash__`, `__set_name__` on each attribute,
/// then `super(cls, cls).__init_subclass__(**kwargs)`.
pub fn finish_class(
    vm: &mut Vm,
    cls: &ObjRef,
    kwnames: &[Value],
    kwvalues: &[Value],
) -> PyResult<()> {
    let Some(c) = as_class(cls) else {
        return Ok(());
    };
    for b in c.bases.borrow().iter() {
        register_subclass(b, cls);
    }
    let eq = vm.intern("__eq__");
    let hash = vm.intern("__hash__");
    let (has_eq, has_hash) = {
        let d = c.dict.borrow();
        (get_str(&d, &eq).is_some(), get_str(&d, &hash).is_some())
    };
    if has_eq && !has_hash {
        set_str(&mut c.dict.borrow_mut(), hash, Value::None);
        crate::vm::lookup_cache::invalidate();
    }
    let items: Vec<(Value, Value)> = crate::obj::methods::dict::dict_items(&c.dict);
    for (k, v) in items {
        if let Some(f) = vm.lookup_special(&v, "__set_name__") {
            vm.call(&f, &[v.clone(), Value::Obj(cls.clone()), k])?;
        }
    }
    // super(cls, cls).__init_subclass__(**kwargs): look after cls in its MRO.
    let key = vm.intern("__init_subclass__");
    let mro: Vec<ObjRef> = c.mro.borrow().clone();
    for base in &mro {
        let Some(bc) = as_class(base) else { continue };
        let found = get_str(&bc.dict.borrow(), &key);
        if let Some(f) = found {
            let func = match &f {
                Value::Obj(o) => match &**o {
                    Obj::ClassMethod(w) => w.func.borrow().clone(),
                    Obj::StaticMethod(w) => {
                        let inner = w.func.borrow().clone();
                        let mut a = Vec::with_capacity(kwvalues.len());
                        a.extend_from_slice(kwvalues);
                        vm.call_kw(&inner, &a, kwnames)?;
                        return Ok(());
                    }
                    _ => f.clone(),
                },
                _ => f.clone(),
            };
            let mut a = Vec::with_capacity(kwvalues.len() + 1);
            a.push(Value::Obj(cls.clone()));
            a.extend_from_slice(kwvalues);
            vm.call_kw(&func, &a, kwnames)?;
            return Ok(());
        }
    }
    Ok(())
}

fn type_init(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let n = args.pos.len().saturating_sub(1);
    if n != 1 && n != 3 {
        return Err(type_error("type.__init__() takes 1 or 3 arguments"));
    }
    Ok(Value::None)
}

fn type_call(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let cls = class_arg(vm, args.pos.first(), "__call__")?;
    let mut all: Vec<Value> = args.pos[1..].to_vec();
    all.extend_from_slice(args.kwvalues);
    vm.instantiate_plain(&cls, &all, args.kwnames)
}

/// CPython's METH_NOARGS check for a method bound to a class: the message names the
/// class by its `__qualname__` ("C.mro() takes no arguments (1 given)").
fn class_takes_no_args(cls: &ObjRef, name: &str, args: &Args) -> PyResult<()> {
    let qual = || as_class(cls).map_or_else(|| "type".into(), |c| c.qualname.borrow().clone());
    if !args.kwnames.is_empty() {
        return Err(type_error(format!(
            "{}.{name}() takes no keyword arguments",
            qual()
        )));
    }
    match args.pos.len() {
        0 | 1 => Ok(()),
        n => Err(type_error(format!(
            "{}.{name}() takes no arguments ({} given)",
            qual(),
            n - 1
        ))),
    }
}

fn type_mro(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let cls = class_arg(vm, args.pos.first(), "mro")?;
    class_takes_no_args(&cls, "mro", args)?;
    let mut out = vec![Value::Obj(cls.clone())];
    if let Some(c) = as_class(&cls) {
        out.extend(c.mro.borrow().iter().map(|m| Value::Obj(m.clone())));
    }
    Ok(Value::list(out))
}

thread_local! {
    /// Direct subclasses of each class (by address), in creation order. Weak: a subclass
    /// keeps its bases alive, so a dead base has only dead subclasses.
    static SUBCLASSES: RefCell<HashMap<usize, Vec<crate::gc::heap::WeakRef>>> = RefCell::new(HashMap::new());
}

pub(crate) fn register_subclass(base: &ObjRef, sub: &ObjRef) {
    SUBCLASSES.with(|m| {
        let mut m = m.borrow_mut();
        let list = m.entry(base.addr()).or_default();
        list.retain(|w| w.strong_count() > 0);
        list.push(sub.downgrade());
    });
}

/// The live direct subclasses of `cls` (those that still list it among their bases).
pub fn direct_subclasses(cls: &ObjRef) -> Vec<ObjRef> {
    SUBCLASSES.with(|m| {
        m.borrow()
            .get(&cls.addr())
            .map(|l| {
                l.iter()
                    .filter_map(|w| w.upgrade())
                    .filter(|o| {
                        as_class(o).is_some_and(|c| c.bases.borrow().iter().any(|b| b.is(cls)))
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// `cls.__subclasses__()`: the live direct subclasses created by class statements or
/// `type(name, bases, ns)` (builtin types list only user subclasses).
fn type_subclasses(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let cls = class_arg(vm, args.pos.first(), "__subclasses__")?;
    class_takes_no_args(&cls, "__subclasses__", args)?;
    let subs = direct_subclasses(&cls)
        .into_iter()
        .map(Value::Obj)
        .collect();
    Ok(Value::list(subs))
}

fn type_instancecheck(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let cls = class_arg(vm, args.pos.first(), "__instancecheck__")?;
    args.check("__instancecheck__", 2, 2)?;
    Ok(Value::Bool(vm.isinstance(&args.pos[1], &cls)))
}

fn type_subclasscheck(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let cls = class_arg(vm, args.pos.first(), "__subclasscheck__")?;
    args.check("__subclasscheck__", 2, 2)?;
    match &args.pos[1] {
        Value::Obj(o) if as_class(o).is_some() => Ok(Value::Bool(is_subclass(o, &cls))),
        _ => Err(type_error("issubclass() arg 1 must be a class")),
    }
}

fn type_repr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let cls = class_arg(vm, args.pos.first(), "__repr__")?;
    Ok(Value::string(vm.default_repr(&Value::Obj(cls))))
}

fn type_prepare(_vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Ok(Value::dict(crate::obj::DictData::new()))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.type_.clone();
    vm.add_methods(
        &t,
        "type",
        &[
            ("__new__", type_new),
            ("__init__", type_init),
            ("__call__", type_call),
            ("mro", type_mro),
            ("__subclasses__", type_subclasses),
            ("__instancecheck__", type_instancecheck),
            ("__subclasscheck__", type_subclasscheck),
            ("__repr__", type_repr),
        ],
    );
    let prepare = Value::obj(Obj::class_method(native(
        "type",
        "__prepare__",
        type_prepare,
    )));
    vm.add_class_attr(&t, "__prepare__", prepare);
}
