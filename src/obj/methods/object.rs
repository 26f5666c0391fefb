//! Methods of `object`, the root of every class: creation and initialization checks,
//! the default repr/str/eq/hash/format, generic attribute access, and `__dir__`.

use crate::obj::class::Layout;
use crate::obj::function::Args;
use crate::obj::{ClassObj, DictData, ExceptionObj, InstanceObj, Obj};
use crate::vm::class::{as_class, class_name, lookup};
use crate::vm::errors::{type_error, PyResult};
use crate::vm::native::native;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// Whether `v` is the native function `object.<name>`.
fn is_object_native(v: &Option<Value>, name: &str) -> bool {
    matches!(v, Some(Value::Obj(o)) if matches!(&**o, Obj::Native(n) if n.owner == "object" && n.name == name))
}

/// Whether class `cls` inherits `object.__new__` / `object.__init__` unchanged.
fn inherits_object(vm: &mut Vm, cls: &ObjRef, name: &str) -> bool {
    let key = vm.intern(name);
    is_object_native(&lookup(cls, &key), name)
}

fn self_arg<'a>(args: &'a Args, method: &str) -> PyResult<&'a Value> {
    let receiver = args
        .pos
        .first()
        .ok_or_else(|| super::receiver_missing(method, "object"))?;
    super::unary_slot_arity(args, method)?;
    Ok(receiver)
}

/// `object.__new__(cls, *args)`: a bare instance of `cls` with the layout it needs.
fn object_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let Some(cls) = args.pos.first() else {
        return Err(type_error("object.__new__(): not enough arguments"));
    };
    let Value::Obj(c) = cls else {
        return Err(type_error(format!(
            "object.__new__(X): X is not a type object ({})",
            vm.type_name(cls)
        )));
    };
    let Some(co) = as_class(c) else {
        return Err(type_error(format!(
            "object.__new__(X): X is not a type object ({})",
            vm.type_name(cls)
        )));
    };
    let excess = args.pos.len() > 1 || !args.kwnames.is_empty();
    if excess {
        if !inherits_object(vm, c, "__new__") {
            return Err(type_error(
                "object.__new__() takes exactly one argument (the type to instantiate)",
            ));
        }
        if inherits_object(vm, c, "__init__") {
            return Err(type_error(format!("{}() takes no arguments", co.name())));
        }
    }
    refuse_abstract(vm, co)?;
    new_instance(c, co)
}

/// object_new's refusal of a class whose `__abstractmethods__` was set to a true value:
/// "Can't instantiate abstract class C with abstract methods a, b" (sorted names).
pub(crate) fn refuse_abstract(vm: &mut Vm, co: &ClassObj) -> PyResult<()> {
    if !co.flags.get().abstract_ {
        return Ok(());
    }
    let key = vm.intern("__abstractmethods__");
    let names = crate::vm::dictops::get_str(&co.dict.borrow(), &key)
        .ok_or_else(|| crate::vm::errors::attribute_error("__abstractmethods__"))?;
    let sorted = Value::list(vm.collect(&names)?);
    vm.call_method(&sorted, "sort", &[])?;
    let count = vm.collect(&sorted)?.len();
    let joined = vm.call_method(&Value::str(", "), "join", &[sorted])?;
    Err(type_error(format!(
        "Can't instantiate abstract class {} with abstract method{} {}",
        co.name(),
        if count > 1 { "s" } else { "" },
        joined.as_str().unwrap_or_default()
    )))
}

fn new_instance(c: &ObjRef, co: &ClassObj) -> PyResult<Value> {
    match co.layout {
        Layout::Object => Ok(Value::obj(Obj::Instance(InstanceObj::new(
            c.clone(),
            Value::Undef,
        )))),
        Layout::Exception => Ok(Value::obj(Obj::Exception(Box::new(ExceptionObj::new(
            c.clone(),
            Value::tuple(vec![]),
        ))))),
        _ => {
            let n = co.name();
            Err(type_error(format!(
                "object.__new__({n}) is not safe, use {n}.__new__()"
            )))
        }
    }
}

/// `object.__init__(self, *args)`: rejects arguments unless `__new__` was overridden.
fn object_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let this = self_arg(args, "__init__")?;
    let excess = args.pos.len() > 1 || !args.kwnames.is_empty();
    if excess {
        let cls = vm.type_of(this);
        if !inherits_object(vm, &cls, "__init__") {
            return Err(type_error(
                "object.__init__() takes exactly one argument (the instance to initialize)",
            ));
        }
        if inherits_object(vm, &cls, "__new__") {
            return Err(type_error(format!(
                "{}.__init__() takes exactly one argument (the instance to initialize)",
                class_name(&cls)
            )));
        }
    }
    Ok(Value::None)
}

fn object_repr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let this = self_arg(args, "__repr__")?;
    Ok(Value::string(vm.default_repr(this)))
}

fn object_str(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let this = self_arg(args, "__str__")?;
    Ok(Value::string(vm.repr_slot(this)?))
}

fn object_eq(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_slot("__eq__", 1)?;
    if args.pos[0].is(&args.pos[1]) {
        Ok(Value::Bool(true))
    } else {
        Ok(vm.t.not_implemented_value.clone())
    }
}

/// `object.__ne__`: the inverse of `type(self).__eq__`, unless that is NotImplemented.
fn object_ne(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_slot("__ne__", 1)?;
    let (a, b) = (&args.pos[0], &args.pos[1]);
    let Some(eq) = vm.lookup_special(a, "__eq__") else {
        return Ok(vm.t.not_implemented_value.clone());
    };
    let r = vm.call(&eq, &[a.clone(), b.clone()])?;
    if matches!(&r, Value::Obj(o) if matches!(&**o, Obj::NotImplemented)) {
        return Ok(r);
    }
    Ok(Value::Bool(!vm.truthy(&r)?))
}

fn not_implemented(vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Ok(vm.t.not_implemented_value.clone())
}

/// `object.__lt__` and the other orderings: NotImplemented, after the slot wrapper's
/// checks of its receiver and its one argument.
fn ordering(vm: &mut Vm, args: &Args, method: &str) -> PyResult<Value> {
    self_arg(args, method)?;
    args.check_slot(method, 1)?;
    Ok(vm.t.not_implemented_value.clone())
}

fn object_lt(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    ordering(vm, args, "__lt__")
}

fn object_le(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    ordering(vm, args, "__le__")
}

fn object_gt(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    ordering(vm, args, "__gt__")
}

fn object_ge(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    ordering(vm, args, "__ge__")
}

fn object_hash(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let this = self_arg(args, "__hash__")?;
    Ok(Value::Int(match this {
        Value::Obj(o) => crate::vm::protocols::default_hash(o),
        v => vm.hash(v)?,
    }))
}

fn object_format(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_method("object", "__format__", 2, 2)?;
    let spec = &args.pos[1];
    let Some(s) = spec.as_str() else {
        return Err(type_error(format!(
            "__format__() argument must be str, not {}",
            vm.type_name(spec)
        )));
    };
    if !s.is_empty() {
        return Err(type_error(format!(
            "unsupported format string passed to {}.__format__",
            vm.type_name(&args.pos[0])
        )));
    }
    vm.to_str_value(&args.pos[0])
}

fn name_arg(vm: &Vm, v: &Value) -> PyResult<Value> {
    if v.as_str().is_some() {
        Ok(v.clone())
    } else {
        Err(type_error(format!(
            "attribute name must be string, not '{}'",
            vm.type_name(v)
        )))
    }
}

fn object_getattribute(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_slot("__getattribute__", 1)?;
    let (obj, name) = (&args.pos[0], name_arg(vm, &args.pos[1])?);
    if matches!(obj, Value::Obj(o) if matches!(&**o, Obj::Class(_) | Obj::Module(_) | Obj::Super(_)))
    {
        return vm.get_attr(obj, &name);
    }
    let cls = vm.type_of(obj);
    match vm.generic_getattr(obj, &cls, &name)? {
        Some(v) => Ok(v),
        None => Err(vm.no_attribute(obj, &name)),
    }
}

fn object_setattr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_slot_unpacked("__setattr__", 2, 2)?;
    let (obj, name) = (&args.pos[0], name_arg(vm, &args.pos[1])?);
    if let Value::Obj(o) = obj {
        match &**o {
            // `super().__setattr__` in a metaclass: no hook again.
            Obj::Class(_) => {
                vm.set_class_attr(o, &name, args.pos[2].clone())?;
                return Ok(Value::None);
            }
            Obj::Module(_) => {
                vm.set_attr(obj, &name, args.pos[2].clone())?;
                return Ok(Value::None);
            }
            _ => {}
        }
    }
    let cls = vm.type_of(obj);
    vm.generic_setattr(obj, &cls, &name, args.pos[2].clone())?;
    Ok(Value::None)
}

fn object_delattr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_slot("__delattr__", 1)?;
    let (obj, name) = (&args.pos[0], name_arg(vm, &args.pos[1])?);
    let cls = vm.type_of(obj);
    vm.generic_delattr(obj, &cls, &name)?;
    Ok(Value::None)
}

/// Adds the keys of a namespace to `out` (skipping ones already present).
fn add_keys(out: &mut Vec<Value>, seen: &mut std::collections::HashSet<String>, d: &DictData) {
    for k in d.keys() {
        if let Some(s) = k.as_str() {
            if s == "__qualname__" {
                continue;
            }
            if seen.insert(s.to_string()) {
                out.push(k.clone());
            }
        }
    }
}

fn add_name(out: &mut Vec<Value>, seen: &mut std::collections::HashSet<String>, name: &str) {
    if seen.insert(name.to_string()) {
        out.push(Value::str(name));
    }
}

/// Attribute names of a class and its bases (CPython's `type.__dir__`).
/// The data attributes a builtin type answers in `crate::vm::attr` rather than from its
/// dict, which CPython's `dir()` lists from the type's getset descriptors (a spec taken
/// from the type, as `unittest.mock`'s is, reads them).
fn builtin_data_attrs(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "code" => &[
            "co_argcount",
            "co_cellvars",
            "co_filename",
            "co_firstlineno",
            "co_flags",
            "co_freevars",
            "co_kwonlyargcount",
            "co_name",
            "co_names",
            "co_nlocals",
            "co_posonlyargcount",
            "co_qualname",
            "co_stacksize",
            "co_varnames",
        ],
        "function" => &[
            "__annotations__",
            "__builtins__",
            "__closure__",
            "__code__",
            "__defaults__",
            "__dict__",
            "__doc__",
            "__globals__",
            "__kwdefaults__",
            "__module__",
            "__name__",
            "__qualname__",
        ],
        _ => &[],
    }
}

pub fn class_dir(cls: &ObjRef, out: &mut Vec<Value>, seen: &mut std::collections::HashSet<String>) {
    let mut chain = vec![cls.clone()];
    if let Some(c) = as_class(cls) {
        chain.extend(c.mro.borrow().iter().cloned());
    }
    for k in &chain {
        if let Some(c) = as_class(k) {
            add_keys(out, seen, &c.dict.borrow());
            if c.builtin {
                let name = crate::vm::class::class_name(k);
                for attr in builtin_data_attrs(&name) {
                    add_name(out, seen, attr);
                }
                // Every CPython type's __dict__ has __doc__; object's also has __class__.
                add_name(out, seen, "__doc__");
                if &*name == "object" {
                    add_name(out, seen, "__class__");
                }
            }
            if !c.builtin {
                add_name(out, seen, "__module__");
                add_name(out, seen, "__doc__");
                if matches!(c.layout, Layout::Object | Layout::Payload) {
                    add_name(out, seen, "__dict__");
                    add_name(out, seen, "__weakref__");
                }
            }
        }
    }
}

/// `object.__dir__(obj)` (unsorted): instance attributes, then the class's.
pub fn default_dir(vm: &mut Vm, obj: &Value) -> PyResult<Vec<Value>> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    if let Value::Obj(o) = obj {
        match &**o {
            Obj::Module(m) => {
                if let Obj::Dict(d) = &*m.dict {
                    add_keys(&mut out, &mut seen, &d.borrow());
                }
                if &*m.name == "builtins" {
                    for name in crate::stdlib::SITE_BUILTINS {
                        add_name(&mut out, &mut seen, name);
                    }
                }
                if crate::vm::import::is_embedded(m) {
                    for name in crate::stdlib::lazy_attr_names(&m.name) {
                        add_name(&mut out, &mut seen, name);
                    }
                }
                return Ok(out);
            }
            Obj::Class(_) => {
                class_dir(o, &mut out, &mut seen);
                return Ok(out);
            }
            Obj::Instance(i) => i.read_attrs(|d| add_keys(&mut out, &mut seen, d)),
            Obj::Exception(e) => e.read_dict(|d| add_keys(&mut out, &mut seen, d)),
            Obj::Function(f) => f.with_dict(|d| add_keys(&mut out, &mut seen, d)),
            _ => {}
        }
    }
    let cls = vm.type_of(obj);
    class_dir(&cls, &mut out, &mut seen);
    add_name(&mut out, &mut seen, "__class__");
    Ok(out)
}

fn object_dir(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let this = self_arg(args, "__dir__")?.clone();
    Ok(Value::list(default_dir(vm, &this)?))
}

fn object_init_subclass(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if !args.kwnames.is_empty() {
        let name = match args.pos.first() {
            Some(Value::Obj(o)) if as_class(o).is_some() => class_name(o).to_string(),
            _ => "object".to_string(),
        };
        return Err(type_error(format!(
            "{name}.__init_subclass__() takes no keyword arguments"
        )));
    }
    if args.pos.len() > 1 {
        // A classmethod taking nothing but its class (METH_NOARGS).
        let name = match args.pos.first() {
            Some(Value::Obj(o)) if as_class(o).is_some() => class_name(o).to_string(),
            _ => "object".to_string(),
        };
        return Err(type_error(format!(
            "{name}.__init_subclass__() takes no arguments ({} given)",
            args.pos.len() - 1
        )));
    }
    let _ = vm;
    Ok(Value::None)
}

fn object_sizeof(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let _ = (vm, self_arg(args, "__sizeof__")?);
    args.check_method("object", "__sizeof__", 1, 1)?;
    Ok(Value::Int(std::mem::size_of::<Obj>() as i64))
}

/// `module.name(*args)` for the aio modules that hold what CPython's C code does here.
fn call_module(vm: &mut Vm, module: &str, name: &str, args: &[Value]) -> PyResult<Value> {
    let m = vm.import_module(module)?;
    let f = vm.get_attr_str(&m, name)?;
    vm.call(&f, args)
}

/// typeobject.c's `_common_reduce`, ported in stdlib/_objreduce.aio with the native
/// types' own `__reduce__` methods.
fn common_reduce(vm: &mut Vm, this: &Value, protocol: i64) -> PyResult<Value> {
    call_module(
        vm,
        "_objreduce",
        "common_reduce",
        &[this.clone(), Value::Int(protocol)],
    )
}

/// `object.__reduce_ex__(protocol)`: a class's own `__reduce__` wins, as in CPython.
fn object_reduce_ex(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("__reduce_ex__")?;
    if args.pos.len() != 2 {
        return Err(type_error(format!(
            "object.__reduce_ex__() takes exactly one argument ({} given)",
            args.pos.len().saturating_sub(1)
        )));
    }
    let this = args.pos[0].clone();
    let protocol = vm.index_value(&args.pos[1])?;
    let key = vm.intern("__reduce__");
    if let Some(reduce) = vm.get_attr_opt(&this, &key)? {
        let cls = Value::Obj(vm.type_of(&this));
        let cls_reduce = vm.get_attr_opt(&cls, &key)?;
        if !is_object_native(&cls_reduce, "__reduce__") {
            return vm.call(&reduce, &[]);
        }
    }
    common_reduce(vm, &this, protocol)
}

fn object_reduce(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_method("object", "__reduce__", 1, 1)?;
    common_reduce(vm, &args.pos[0], 0)
}

/// `object.__getstate__()`: the instance dict and slots (stdlib/_objreduce.aio).
fn object_getstate(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_method("object", "__getstate__", 1, 1)?;
    call_module(
        vm,
        "_objreduce",
        "object_getstate",
        &[args.pos[0].clone(), Value::Bool(false)],
    )
}

pub fn register(vm: &mut Vm) {
    let object = vm.t.object.clone();
    vm.add_methods(
        &object,
        "object",
        &[
            ("__new__", object_new),
            ("__init__", object_init),
            ("__repr__", object_repr),
            ("__str__", object_str),
            ("__eq__", object_eq),
            ("__ne__", object_ne),
            ("__lt__", object_lt),
            ("__le__", object_le),
            ("__gt__", object_gt),
            ("__ge__", object_ge),
            ("__hash__", object_hash),
            ("__format__", object_format),
            ("__getattribute__", object_getattribute),
            ("__setattr__", object_setattr),
            ("__delattr__", object_delattr),
            ("__dir__", object_dir),
            ("__sizeof__", object_sizeof),
            ("__reduce_ex__", object_reduce_ex),
            ("__reduce__", object_reduce),
            ("__getstate__", object_getstate),
        ],
    );
    let init_subclass = Value::obj(Obj::class_method(native(
        "object",
        "__init_subclass__",
        object_init_subclass,
    )));
    vm.add_class_attr(&object, "__init_subclass__", init_subclass);
    let hook = Value::obj(Obj::class_method(native(
        "object",
        "__subclasshook__",
        not_implemented,
    )));
    vm.add_class_attr(&object, "__subclasshook__", hook);
}
