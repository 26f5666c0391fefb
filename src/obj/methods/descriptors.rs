//! `property`, `staticmethod`, `classmethod` and `super`.
//!
//! Attribute lookup applies these natively (`crate::vm::attr`); the methods here are the
//! constructors and the explicit descriptor protocol (`__get__`, `__set__`, `__delete__`).

use crate::obj::function::Args;
use crate::obj::{BoundMethod, DictData, Obj, PropertyObj, SuperObj, WrappedCallable};
use crate::vm::class::{as_class, is_subclass};
use crate::vm::dictops::set_str;
use crate::vm::errors::{attribute_error, runtime_error, type_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

fn prop_of<'a>(vm: &Vm, v: Option<&'a Value>, method: &str) -> PyResult<&'a PropertyObj> {
    match v {
        Some(Value::Obj(o)) => match &**o {
            Obj::Property(p) => Ok(p),
            _ => Err(type_error(format!(
                "descriptor '{method}' for 'property' objects doesn't apply to a '{}' object",
                vm.type_name(&Value::Obj(o.clone()))
            ))),
        },
        Some(v) => Err(type_error(format!(
            "descriptor '{method}' for 'property' objects doesn't apply to a '{}' object",
            vm.type_name(v)
        ))),
        None => Err(type_error(format!(
            "descriptor '{method}' of 'property' object needs an argument"
        ))),
    }
}

/// The docstring of a new property: `doc` unless it is None, else `fget.__doc__` (any
/// callable's, as CPython's `property.__init__`). The flag says it came from the getter.
fn doc_from(vm: &mut Vm, doc: Value, fget: &Value) -> PyResult<(Value, bool)> {
    if !doc.is_none() || fget.is_none() {
        return Ok((doc, false));
    }
    let key = vm.intern("__doc__");
    match vm.get_attr_opt(fget, &key)? {
        Some(d) if !d.is_none() => Ok((d, true)),
        _ => Ok((Value::None, false)),
    }
}

/// A property for `property(fget, fset, fdel, doc)`.
pub(crate) fn make_property(
    vm: &mut Vm,
    fget: Value,
    fset: Value,
    fdel: Value,
    doc: Value,
) -> PyResult<Value> {
    let (doc, from_getter) = doc_from(vm, doc, &fget)?;
    let p = PropertyObj::new(fget, fset, fdel, doc);
    p.getter_doc.set(from_getter);
    Ok(Value::obj(Obj::Property(Box::new(p))))
}

/// The accessors and docstring `property(fget=None, fset=None, fdel=None, doc=None)`
/// was given (after its first argument, the class or the property).
fn property_args(args: &Args) -> PyResult<[Value; 4]> {
    let names = ["fget", "fset", "fdel", "doc"];
    for k in args.kwnames {
        let k = k.as_str().unwrap_or("?");
        if !names.contains(&k) {
            return Err(type_error(format!(
                "'{k}' is an invalid keyword argument for property()"
            )));
        }
    }
    let pos = &args.pos[1.min(args.pos.len())..];
    if pos.len() > 4 {
        return Err(type_error(format!(
            "property() takes at most 4 arguments ({} given)",
            pos.len()
        )));
    }
    let get = |i: usize| -> Value {
        pos.get(i)
            .or_else(|| args.kw(names[i]))
            .cloned()
            .unwrap_or(Value::None)
    };
    Ok([get(0), get(1), get(2), get(3)])
}

/// `property.__new__(cls, fget=None, fset=None, fdel=None, doc=None)`
fn property_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let [fget, fset, fdel, doc] = property_args(args)?;
    make_property(vm, fget, fset, fdel, doc)
}

/// `property.__init__(self, fget=None, fset=None, fdel=None, doc=None)`: (re)sets the
/// accessors, as a subclass's `super().__init__(...)` does.
fn property_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let p = prop_of(vm, args.pos.first(), "__init__")?;
    let [fget, fset, fdel, doc] = property_args(args)?;
    let (doc, from_getter) = doc_from(vm, doc, &fget)?;
    let old = [
        p.fget.replace(fget),
        p.fset.replace(fset),
        p.fdel.replace(fdel),
        p.doc.replace(doc),
    ];
    p.getter_doc.set(from_getter);
    drop(old);
    Ok(Value::None)
}

/// A copy of a property with one accessor replaced (`getter`/`setter`/`deleter`): as
/// CPython's `property_copy`, a docstring taken from the old getter is taken again from
/// the new one.
fn property_copy(vm: &mut Vm, args: &Args, which: usize, method: &str) -> PyResult<Value> {
    let p = prop_of(vm, args.pos.first(), method)?;
    args.check(method, 2, 2)?;
    let f = args.pos[1].clone();
    let (mut fget, mut fset, mut fdel) = (
        p.fget.borrow().clone(),
        p.fset.borrow().clone(),
        p.fdel.borrow().clone(),
    );
    match which {
        0 => fget = f,
        1 => fset = f,
        _ => fdel = f,
    }
    let doc = if p.getter_doc.get() && !fget.is_none() {
        Value::None
    } else {
        p.doc.borrow().clone()
    };
    let copy = make_property(vm, fget, fset, fdel, doc)?;
    if let Value::Obj(o) = &copy {
        if let Obj::Property(c) = &**o {
            *c.name.borrow_mut() = p.name.borrow().clone();
        }
    }
    Ok(copy)
}

/// `property.__set_name__(owner, name)`: the name its error messages give.
fn property_set_name(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let p = prop_of(vm, args.pos.first(), "__set_name__")?;
    args.check("__set_name__", 3, 3)?;
    let old = p.name.replace(args.pos[2].clone());
    drop(old);
    Ok(Value::None)
}

/// "property 'x' of 'T' object has no setter", or without the name when it has none.
fn missing_accessor(vm: &mut Vm, p: &PropertyObj, obj: &Value, what: &str) -> PyResult<Value> {
    let owner = vm.type_name(obj);
    let name = p.name.borrow().clone();
    let msg = if name.is_none() {
        format!("property of '{owner}' object has no {what}")
    } else {
        format!(
            "property {} of '{owner}' object has no {what}",
            vm.repr(&name)?
        )
    };
    Err(attribute_error(msg))
}

fn property_getter(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    property_copy(vm, args, 0, "getter")
}
fn property_setter(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    property_copy(vm, args, 1, "setter")
}
fn property_deleter(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    property_copy(vm, args, 2, "deleter")
}

fn property_get(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let p = prop_of(vm, args.pos.first(), "__get__")?;
    args.check("__get__", 2, 3)?;
    let obj = &args.pos[1];
    if obj.is_none() {
        return Ok(args.pos[0].clone());
    }
    if p.fget.borrow().is_none() {
        return missing_accessor(vm, p, obj, "getter");
    }
    let f = p.fget.borrow().clone();
    vm.call(&f, std::slice::from_ref(obj))
}

fn property_set(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let p = prop_of(vm, args.pos.first(), "__set__")?;
    args.check("__set__", 3, 3)?;
    if p.fset.borrow().is_none() {
        return missing_accessor(vm, p, &args.pos[1], "setter");
    }
    let f = p.fset.borrow().clone();
    vm.call(&f, &[args.pos[1].clone(), args.pos[2].clone()])?;
    Ok(Value::None)
}

fn property_delete(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let p = prop_of(vm, args.pos.first(), "__delete__")?;
    args.check("__delete__", 2, 2)?;
    if p.fdel.borrow().is_none() {
        return missing_accessor(vm, p, &args.pos[1], "deleter");
    }
    let f = p.fdel.borrow().clone();
    vm.call(&f, &[args.pos[1].clone()])?;
    Ok(Value::None)
}

fn one_callable(args: &Args, name: &str) -> PyResult<Value> {
    if !args.kwnames.is_empty() {
        return Err(type_error(format!("{name}() takes no keyword arguments")));
    }
    let n = args.pos.len().saturating_sub(1);
    if n != 1 {
        return Err(type_error(format!("{name} expected 1 argument, got {n}")));
    }
    Ok(args.pos[1].clone())
}

/// The attributes CPython's `staticmethod`/`classmethod` copy from the callable
/// (`functools_wraps` in funcobject.c).
const WRAPS_ATTRS: [&str; 5] = [
    "__module__",
    "__name__",
    "__qualname__",
    "__doc__",
    "__annotations__",
];

/// The `__dict__` of a staticmethod or classmethod, made (and the callable's attributes
/// copied into it) on first use.
pub(crate) fn wrapper_dict(vm: &mut Vm, w: &WrappedCallable) -> PyResult<ObjRef> {
    if let Some(d) = &*w.dict.borrow() {
        return Ok(d.clone());
    }
    let mut data = DictData::new();
    for name in WRAPS_ATTRS {
        let key = vm.intern(name);
        let func = w.func.borrow().clone();
        if let Some(v) = vm.get_attr_opt(&func, &key)? {
            set_str(&mut data, key, v);
        }
    }
    let d = ObjRef::new(Obj::Dict(std::cell::RefCell::new(data)));
    *w.dict.borrow_mut() = Some(d.clone());
    Ok(d)
}

/// A staticmethod or classmethod made by aio code: it copies the callable's attributes
/// now, as CPython's `sm_init`/`cm_init` do.
fn wrapper_new(vm: &mut Vm, obj: Obj) -> PyResult<Value> {
    if let Obj::StaticMethod(w) | Obj::ClassMethod(w) = &obj {
        wrapper_dict(vm, w)?;
    }
    Ok(Value::obj(obj))
}

fn staticmethod_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let f = one_callable(args, "staticmethod")?;
    wrapper_new(vm, Obj::static_method(f))
}

fn classmethod_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let f = one_callable(args, "classmethod")?;
    wrapper_new(vm, Obj::class_method(f))
}

/// `staticmethod.__init__(self, f)` / `classmethod.__init__(self, f)`: (re)sets the
/// callable, as a subclass's `super().__init__(f)` does, and its copied attributes.
fn wrapper_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (name, w) = match args.pos.first() {
        Some(Value::Obj(o)) => match &**o {
            Obj::StaticMethod(w) => ("staticmethod", w),
            Obj::ClassMethod(w) => ("classmethod", w),
            _ => {
                return Err(type_error(
                    "__init__ requires a staticmethod or classmethod",
                ))
            }
        },
        _ => {
            return Err(type_error(
                "__init__ requires a staticmethod or classmethod",
            ))
        }
    };
    let f = one_callable(args, name)?;
    let old = (w.func.replace(f), w.dict.replace(None));
    drop(old);
    wrapper_dict(vm, w)?;
    Ok(Value::None)
}

fn wrapped(v: Option<&Value>) -> Option<(bool, Value)> {
    match v {
        Some(Value::Obj(o)) => match &**o {
            Obj::StaticMethod(w) => Some((true, w.func.borrow().clone())),
            Obj::ClassMethod(w) => Some((false, w.func.borrow().clone())),
            _ => None,
        },
        _ => None,
    }
}

fn sc_get(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let Some((is_static, f)) = wrapped(args.pos.first()) else {
        return Err(type_error(
            "descriptor '__get__' requires a staticmethod or classmethod",
        ));
    };
    args.check("__get__", 2, 3)?;
    if is_static {
        return Ok(f);
    }
    let obj = &args.pos[1];
    let owner = match args.pos.get(2) {
        Some(t) if !t.is_none() => t.clone(),
        _ => {
            if obj.is_none() {
                return Err(type_error("__get__(None, None) is invalid"));
            }
            Value::Obj(vm.type_of(obj))
        }
    };
    Ok(Value::obj(Obj::BoundMethod(BoundMethod {
        func: f,
        self_: owner,
    })))
}

fn sc_func(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    match wrapped(args.pos.first()) {
        Some((_, f)) => Ok(f),
        None => Err(type_error(
            "__func__ requires a staticmethod or classmethod",
        )),
    }
}

fn sc_repr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let Some((is_static, f)) = wrapped(args.pos.first()) else {
        return Err(type_error(
            "__repr__ requires a staticmethod or classmethod",
        ));
    };
    let inner = vm.repr(&f)?;
    let kind = if is_static {
        "staticmethod"
    } else {
        "classmethod"
    };
    Ok(Value::string(format!("<{kind}({inner})>")))
}

/// Checks `obj` for `super(cls, obj)`: an instance of cls or a subclass of it.
fn super_check(vm: &Vm, cls: &ObjRef, obj: &Value) -> PyResult<()> {
    if let Value::Obj(o) = obj {
        if as_class(o).is_some() && is_subclass(o, cls) {
            return Ok(());
        }
    }
    if vm.isinstance(obj, cls) {
        return Ok(());
    }
    Err(type_error(
        "super(type, obj): obj must be an instance or subtype of type",
    ))
}

/// `super()` without arguments: the class from the calling function's `__class__` cell,
/// the object from its first argument.
fn super_from_frame(vm: &Vm) -> PyResult<(ObjRef, Value)> {
    let Some(frame) = vm.frames.last() else {
        return Err(runtime_error("super(): no arguments"));
    };
    let code = &frame.code.code;
    if code.argcount == 0 {
        return Err(runtime_error("super(): no arguments"));
    }
    let mut first = frame.locals.first().cloned().unwrap_or(Value::Undef);
    if let Some(&(cell, _)) = code.cell_params.iter().find(|&&(_, slot)| slot == 0) {
        if let Some(Obj::Cell(c)) = frame.cells().get(cell as usize).map(|c| &**c) {
            first = c.borrow().clone();
        }
    }
    if first.is_undef() {
        return Err(runtime_error("super(): arg[0] deleted"));
    }
    let Some(i) = code.freevars.iter().position(|n| &**n == "__class__") else {
        return Err(runtime_error("super(): __class__ cell not found"));
    };
    let cell = frame.cells().get(code.cellvars.len() + i);
    let class = match cell.map(|c| &**c) {
        Some(Obj::Cell(c)) => c.borrow().clone(),
        _ => Value::Undef,
    };
    match class {
        Value::Undef => Err(runtime_error("super(): empty __class__ cell")),
        Value::Obj(o) if as_class(&o).is_some() => Ok((o, first)),
        other => Err(runtime_error(format!(
            "super(): __class__ is not a type ({})",
            vm.type_name(&other)
        ))),
    }
}

fn super_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if !args.kwnames.is_empty() {
        return Err(type_error("super() takes no keyword arguments"));
    }
    let pos = &args.pos[1.min(args.pos.len())..];
    let (cls, obj) = match pos {
        [] => super_from_frame(vm)?,
        [c, rest @ ..] => {
            let cls = match c {
                Value::Obj(o) if as_class(o).is_some() => o.clone(),
                _ => {
                    return Err(type_error(format!(
                        "super() argument 1 must be a type, not {}",
                        vm.type_name(c)
                    )))
                }
            };
            match rest {
                [] => return Err(crate::vm::errors::not_implemented(
                    "unbound super objects (super() with one argument) are not supported by aio",
                )),
                [o] => (cls, o.clone()),
                _ => {
                    return Err(type_error(format!(
                        "super() takes at most 2 arguments ({} given)",
                        pos.len()
                    )))
                }
            }
        }
    };
    super_check(vm, &cls, &obj)?;
    Ok(Value::obj(Obj::Super(SuperObj { class: cls, obj })))
}

fn super_repr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let Some(Value::Obj(o)) = args.pos.first() else {
        return Err(type_error("super.__repr__ needs a super object"));
    };
    let Obj::Super(s) = &**o else {
        return Err(type_error("super.__repr__ needs a super object"));
    };
    let (cls, obj) = (Value::Obj(s.class.clone()), s.obj.clone());
    let c = vm.repr(&cls)?;
    let t = vm.type_of(&obj);
    Ok(Value::string(format!(
        "<super: {c}, <{} object>>",
        crate::vm::class::class_name(&t)
    )))
}

/// CPython's `_PyObject_IsAbstract`: a true `__isabstractmethod__`, when there is one.
fn is_abstract(vm: &mut Vm, v: &Value) -> PyResult<bool> {
    if v.is_none() {
        return Ok(false);
    }
    match vm.get_attr_opt(v, &Value::str("__isabstractmethod__"))? {
        Some(flag) => vm.truthy(&flag),
        None => Ok(false),
    }
}

/// `property.__isabstractmethod__`: whether its getter, setter or deleter is abstract.
fn property_isabstract(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let p = prop_of(vm, args.pos.first(), "__isabstractmethod__")?;
    let funcs = [
        p.fget.borrow().clone(),
        p.fset.borrow().clone(),
        p.fdel.borrow().clone(),
    ];
    for f in &funcs {
        if is_abstract(vm, f)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn property_fget(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    Ok(prop_of(vm, args.pos.first(), "fget")?.fget.borrow().clone())
}
fn property_fset(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    Ok(prop_of(vm, args.pos.first(), "fset")?.fset.borrow().clone())
}
fn property_fdel(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    Ok(prop_of(vm, args.pos.first(), "fdel")?.fdel.borrow().clone())
}

/// `staticmethod/classmethod.__isabstractmethod__`: whether the wrapped function is.
fn sc_isabstract(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let f = sc_func(vm, args)?;
    Ok(Value::Bool(is_abstract(vm, &f)?))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.clone();
    vm.add_methods(
        &t.property,
        "property",
        &[
            ("__new__", property_new),
            ("__init__", property_init),
            ("__set_name__", property_set_name),
            ("getter", property_getter),
            ("setter", property_setter),
            ("deleter", property_deleter),
            ("__get__", property_get),
            ("__set__", property_set),
            ("__delete__", property_delete),
        ],
    );
    let p = vm.native_property("property", "__isabstractmethod__", property_isabstract);
    vm.add_class_attr(&t.property, "__isabstractmethod__", p);
    // The accessors as members of the type, so a subclass's instances have them too.
    for (name, getter) in [
        ("fget", property_fget as crate::obj::function::NativeFn),
        ("fset", property_fset),
        ("fdel", property_fdel),
    ] {
        let p = vm.native_property("property", name, getter);
        vm.add_class_attr(&t.property, name, p);
    }
    for (cls, name, newf) in [
        (
            &t.staticmethod,
            "staticmethod",
            staticmethod_new as crate::obj::function::NativeFn,
        ),
        (&t.classmethod, "classmethod", classmethod_new),
    ] {
        vm.add_methods(
            cls,
            name,
            &[
                ("__new__", newf),
                ("__init__", wrapper_init),
                ("__get__", sc_get),
                ("__repr__", sc_repr),
            ],
        );
        let p = vm.native_property(name, "__wrapped__", sc_func);
        vm.add_class_attr(cls, "__wrapped__", p);
        let p = vm.native_property(name, "__func__", sc_func);
        vm.add_class_attr(cls, "__func__", p);
        let p = vm.native_property(name, "__isabstractmethod__", sc_isabstract);
        vm.add_class_attr(cls, "__isabstractmethod__", p);
    }
    vm.add_methods(
        &t.super_,
        "super",
        &[("__new__", super_new), ("__repr__", super_repr)],
    );
}
