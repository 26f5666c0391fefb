//! Instances of user subclasses of builtin types (`class Stack(list)`, `class Temp(float)`).
//!
//! Such an instance is an `InstanceObj` (so it has a class, a `__dict__` and finalizers like
//! any user object) whose `payload` holds the builtin value it extends. The builtin's native
//! methods are called with the payload as `self`, so they run unchanged and return plain
//! builtin results, as CPython does (`Stack([1]) + [2]` is a `list`). User overrides win
//! because attribute and special-method lookups find them first in the MRO. Plain builtin
//! values never reach this module, so their fast paths are untouched.

use super::class::as_class;
use super::errors::{not_implemented, type_error, PyResult};
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::class::Layout;
use crate::obj::function::{Args, NativeFn};
use crate::obj::{InstanceObj, Obj};

/// How a builtin type may serve as a base class.
pub enum BaseKind {
    /// Instances of subclasses carry a payload of this type.
    Payload,
    /// CPython allows subclassing it, aio does not yet.
    Unsupported,
    /// CPython refuses it: "type 'bool' is not an acceptable base type".
    Final,
}

/// Builtin types CPython lets classes derive from, which aio does not support yet.
const UNSUPPORTED_BASES: &[&str] = &[
    "super",
    "enumerate",
    "zip",
    "map",
    "filter",
    "reversed",
    "module",
    "TextIOWrapper",
];

/// The builtin types user classes can extend with a payload (their `owner` names).
fn payload_type_names() -> &'static [&'static str] {
    &[
        "int",
        "float",
        "complex",
        "str",
        "bytes",
        "bytearray",
        "list",
        "tuple",
        "dict",
        "set",
        "frozenset",
        "deque",
        "property",
        "staticmethod",
        "classmethod",
    ]
}

/// Native methods that return their receiver (in-place operators): called on a payload,
/// they must return the instance itself, as `x += [1]` keeps `x` a `Stack`.
const RETURNS_SELF: &[&str] = &[
    "__iadd__", "__imul__", "__ior__", "__iand__", "__isub__", "__ixor__",
    // A descriptor read from its class (`property.__get__(None, cls)`).
    "__get__",
];

/// The builtin value inside an instance of a builtin subclass.
#[inline]
pub fn payload_of(v: &Value) -> Option<&Value> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Instance(i) if !i.payload().is_undef() => Some(i.payload()),
            _ => None,
        },
        _ => None,
    }
}

/// `v`, or the builtin value inside it when it is an instance of a builtin subclass: for
/// arguments where CPython accepts subclasses (`PyList_Check` rather than `..._CheckExact`).
#[inline]
pub fn builtin_view(v: &Value) -> &Value {
    payload_of(v).unwrap_or(v)
}

/// The builtin type name of a payload, which is the `owner` of that type's native methods.
fn payload_owner(p: &Value) -> &'static str {
    match p {
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Obj(o) => match &**o {
            Obj::BigInt(_) => "int",
            Obj::Complex(_) => "complex",
            Obj::Str(_) => "str",
            Obj::Bytes(_) => "bytes",
            Obj::ByteArray(_) => "bytearray",
            Obj::List(_) => "list",
            Obj::Tuple(_) => "tuple",
            Obj::Dict(_) => "dict",
            Obj::Set(_) => "set",
            Obj::FrozenSet(_) => "frozenset",
            Obj::Deque(_) => "deque",
            Obj::Property(_) => "property",
            Obj::StaticMethod(_) => "staticmethod",
            Obj::ClassMethod(_) => "classmethod",
            _ => "",
        },
        _ => "",
    }
}

impl Vm {
    /// The builtin types user classes can extend with a payload.
    fn payload_types(&self) -> [&ObjRef; 15] {
        let t = &self.t;
        [
            &t.int,
            &t.float,
            &t.complex,
            &t.str_,
            &t.bytes,
            &t.bytearray,
            &t.list,
            &t.tuple,
            &t.dict,
            &t.set,
            &t.frozenset,
            &t.deque,
            &t.property,
            &t.staticmethod,
            &t.classmethod,
        ]
    }

    /// Whether `cls` is one of the builtin types user classes can extend with a payload.
    fn is_payload_type(&self, cls: &ObjRef) -> bool {
        self.payload_types().iter().any(|b| b.is(cls))
    }

    /// The payload type whose native methods have `owner` as their owner name.
    fn payload_type_named(&self, owner: &str) -> Option<ObjRef> {
        self.payload_types()
            .into_iter()
            .find(|ty| &*super::class::class_name(ty) == owner)
            .cloned()
    }

    /// How the builtin type `cls` (layout `Builtin`) may be used as a base class.
    pub fn builtin_base_kind(&self, cls: &ObjRef) -> BaseKind {
        let name = super::class::class_name(cls);
        if self.is_payload_type(cls) {
            BaseKind::Payload
        } else if UNSUPPORTED_BASES.contains(&&*name) {
            BaseKind::Unsupported
        } else {
            BaseKind::Final
        }
    }

    /// The builtin type whose values instances of `cls` carry (`list` for `class S(list)`).
    pub fn payload_base(&self, cls: &ObjRef) -> Option<ObjRef> {
        let c = as_class(cls)?;
        if c.layout != Layout::Payload {
            return None;
        }
        let mro = c.mro.borrow();
        mro.iter().find(|b| self.is_payload_type(b)).cloned()
    }

    /// The error for a class statement naming a builtin base that cannot be extended.
    pub fn bad_builtin_base(&self, base: &ObjRef) -> Option<super::errors::ExcRef> {
        let name = super::class::class_name(base);
        match self.builtin_base_kind(base) {
            BaseKind::Payload => None,
            BaseKind::Unsupported => Some(not_implemented(format!(
                "aio does not support subclassing the builtin type '{name}' yet"
            ))),
            BaseKind::Final => Some(type_error(format!(
                "type '{name}' is not an acceptable base type"
            ))),
        }
    }
}

/// Calls a builtin type's native method whose receiver (`pos[0]`) is an instance of a
/// subclass of that type, or whose `cls` argument (`__new__`, classmethods) is such a
/// subclass. None when neither applies, so the caller runs the native as usual.
///
/// Every native call asks this, and almost always of a receiver that is neither an
/// instance nor a class: that test is inlined into the caller, the rest is not.
#[inline]
pub fn call_native(
    vm: &mut Vm,
    owner: &'static str,
    name: &'static str,
    func: NativeFn,
    a: &Args,
) -> Option<PyResult<Value>> {
    match a.pos.first() {
        Some(Value::Obj(first)) if matches!(&**first, Obj::Instance(_) | Obj::Class(_)) => {
            call_native_subclass(vm, owner, name, func, a, first)
        }
        _ => None,
    }
}

#[inline(never)]
fn call_native_subclass(
    vm: &mut Vm,
    owner: &'static str,
    name: &'static str,
    func: NativeFn,
    a: &Args,
    first: &ObjRef,
) -> Option<PyResult<Value>> {
    match &**first {
        Obj::Instance(i) if !i.payload().is_undef() && payload_owner(i.payload()) == owner => {
            Some(call_on_payload(vm, name, func, a, i.payload()))
        }
        Obj::Class(c) if c.layout == Layout::Payload => match name {
            "__new__" if payload_type_names().contains(&owner) => {
                Some(new_instance(vm, owner, func, first, a))
            }
            "fromkeys" => Some(dict_fromkeys(vm, func, first, a)),
            _ => None,
        },
        // `int.__new__(C)` for a class C that does not derive from int: CPython's
        // tp_new_wrapper refuses it.
        Obj::Class(_) if name == "__new__" && payload_type_names().contains(&owner) => {
            let owner_type = vm.payload_type_named(owner)?;
            if super::class::is_subclass(first, &owner_type) {
                return None;
            }
            let cname = super::class::class_name(first);
            Some(Err(type_error(format!(
                "{owner}.__new__({cname}): {cname} is not a subtype of {owner}"
            ))))
        }
        _ => None,
    }
}

/// Runs `func` with the payload as `self`.
fn call_on_payload(
    vm: &mut Vm,
    name: &'static str,
    func: NativeFn,
    a: &Args,
    payload: &Value,
) -> PyResult<Value> {
    let this = &a.pos[0];
    if name == "__getitem__" {
        if let Some(r) = dict_getitem_missing(vm, this, payload, a) {
            return r;
        }
    }
    // `format(x, "")` is `str(x)`, which a subclass may override.
    if name == "__format__" && a.pos.get(1).and_then(|s| s.as_str()) == Some("") {
        return vm.to_str_value(this);
    }
    if let (Value::Obj(p), "getter" | "setter" | "deleter") = (payload, name) {
        if let Obj::Property(p) = &**p {
            return property_subclass_copy(vm, name, this, p, a);
        }
    }
    let mut pos = a.pos.to_vec();
    pos[0] = payload.clone();
    let args = Args {
        pos: &pos,
        kwnames: a.kwnames,
        kwvalues: a.kwvalues,
    };
    let r = func(vm, &args)?;
    if let (Value::Obj(p), "__init__") = (payload, name) {
        if let Obj::Property(p) = &**p {
            // CPython's property_init keeps a subclass instance's docstring in its
            // __dict__, where the class's own __doc__ would not shadow it.
            let doc = p.doc.borrow().clone();
            let key = vm.intern("__doc__");
            vm.set_attr(this, &key, doc)?;
        }
    }
    if matches!(r, Value::Obj(ref o) if matches!(&**o, Obj::Deque(_)))
        && DEQUE_COPIES.contains(&name)
    {
        return deque_subclass_copy(vm, name, this, &r);
    }
    if RETURNS_SELF.contains(&name) && r.is(payload) {
        return Ok(this.clone());
    }
    if name == "__repr__" {
        return Ok(subclass_repr(vm, this, payload, r));
    }
    Ok(r)
}

/// `dict.__getitem__` on a dict subclass defining `__missing__`: a missing key calls it.
fn dict_getitem_missing(
    vm: &mut Vm,
    this: &Value,
    payload: &Value,
    a: &Args,
) -> Option<PyResult<Value>> {
    let (Value::Obj(d), Some(key)) = (payload, a.pos.get(1)) else {
        return None;
    };
    if !matches!(&**d, Obj::Dict(_)) {
        return None;
    }
    let missing = vm.lookup_special(this, "__missing__")?;
    Some(match vm.dict_get(d, key) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => vm.call(&missing, &[this.clone(), key.clone()]),
        Err(e) => Err(e),
    })
}

/// Deque methods whose result CPython builds with `deque_copy`, which for a subclass calls
/// `type(d)(d)` (or `type(d)(d, maxlen)`): the result is an instance of the subclass.
const DEQUE_COPIES: &[&str] = &["copy", "__copy__", "__add__", "__mul__", "__rmul__"];

/// The result of `name` on a deque subclass instance `this`, as CPython's deque_copy makes
/// it: `type(this)(this[, maxlen])`, then for `+`/`*` given the items the native method
/// computed on the payload (`plain`), which already honour the bound.
fn deque_subclass_copy(vm: &mut Vm, name: &str, this: &Value, plain: &Value) -> PyResult<Value> {
    let cls = Value::Obj(vm.type_of(this));
    let maxlen = match payload_of(this) {
        Some(Value::Obj(o)) => match &**o {
            Obj::Deque(d) => d.maxlen.get(),
            _ => None,
        },
        _ => None,
    };
    let copy = match maxlen {
        None => vm.call(&cls, std::slice::from_ref(this))?,
        Some(m) => vm.call(&cls, &[this.clone(), Value::Int(m as i64)])?,
    };
    if matches!(name, "copy" | "__copy__") {
        return Ok(copy);
    }
    let (Some(Value::Obj(dst)), Value::Obj(src)) = (payload_of(&copy), plain) else {
        return Ok(copy);
    };
    if let (Obj::Deque(dst), Obj::Deque(src)) = (&**dst, &**src) {
        let old = dst.take();
        drop(old);
        for v in src.items.borrow().iter() {
            let dropped = dst.push_back(v.clone());
            drop(dropped);
        }
    }
    Ok(copy)
}

/// `getter`/`setter`/`deleter` of a property subclass instance: CPython's property_copy
/// calls `type(self)(fget, fset, fdel, doc)`, doc None when it came from the old getter
/// (so the new getter's is taken).
fn property_subclass_copy(
    vm: &mut Vm,
    name: &str,
    this: &Value,
    p: &crate::obj::PropertyObj,
    a: &Args,
) -> PyResult<Value> {
    a.check(name, 2, 2)?;
    let f = a.pos[1].clone();
    let mut parts = [
        p.fget.borrow().clone(),
        p.fset.borrow().clone(),
        p.fdel.borrow().clone(),
    ];
    let which = match name {
        "getter" => 0,
        "setter" => 1,
        _ => 2,
    };
    parts[which] = f;
    let doc = if p.getter_doc.get() && !parts[0].is_none() {
        Value::None
    } else {
        p.doc.borrow().clone()
    };
    let [fget, fset, fdel] = parts;
    let cls = Value::Obj(vm.type_of(this));
    let copy = vm.call(&cls, &[fget, fset, fdel, doc])?;
    if let Some(Value::Obj(o)) = payload_of(&copy) {
        if let Obj::Property(c) = &**o {
            *c.name.borrow_mut() = p.name.borrow().clone();
        }
    }
    Ok(copy)
}

/// Sets, frozensets, bytearrays and deques show their type's name: `Bag({1, 2})`,
/// `Buf(b'ab')`, `History([1], maxlen=3)`.
fn subclass_repr(vm: &Vm, this: &Value, payload: &Value, r: Value) -> Value {
    let owner = payload_owner(payload);
    if !matches!(owner, "set" | "frozenset" | "bytearray" | "deque") {
        return r;
    }
    let Some(text) = r.as_str() else { return r };
    // A deque met again while it is being shown is '[...]', whatever its type.
    if owner == "deque" && text == "[...]" {
        return r;
    }
    let name = vm.type_name(this);
    let inner = match text.strip_prefix(owner).and_then(|t| t.strip_prefix('(')) {
        Some(rest) => rest.strip_suffix(')').unwrap_or(rest).to_string(),
        None => text.to_string(),
    };
    Value::string(format!("{name}({inner})"))
}

/// `T.__new__(cls, ...)` for a subclass `cls` of builtin type `T`: an instance of `cls`
/// carrying a `T` value. Immutable types build the value from the arguments; mutable ones
/// start empty and are filled by `T.__init__`, so their `__new__` ignores arguments.
fn new_instance(
    vm: &mut Vm,
    owner: &str,
    func: NativeFn,
    cls: &ObjRef,
    a: &Args,
) -> PyResult<Value> {
    let Some(base) = vm.payload_base(cls) else {
        return Err(type_error("cannot create instance"));
    };
    if &*super::class::class_name(&base) != owner {
        let cname = super::class::class_name(cls);
        return Err(type_error(format!(
            "{owner}.__new__({cname}): {cname} is not a subtype of {owner}"
        )));
    }
    let mutable = matches!(
        owner,
        "list" | "dict" | "set" | "bytearray" | "deque" | "property"
    );
    // Their `__new__` wants the callable `__init__` takes: start from an empty wrapper.
    match owner {
        "staticmethod" | "classmethod" => {
            let empty = if owner == "staticmethod" {
                Obj::static_method(Value::None)
            } else {
                Obj::class_method(Value::None)
            };
            return Ok(Value::obj(Obj::Instance(InstanceObj::new(
                cls.clone(),
                Value::obj(empty),
            ))));
        }
        _ => {}
    }
    let base_v = Value::Obj(base);
    let mut pos = vec![base_v];
    if !mutable {
        pos.extend_from_slice(&a.pos[1..]);
    }
    let args = Args {
        pos: &pos,
        kwnames: if mutable { &[] } else { a.kwnames },
        kwvalues: if mutable { &[] } else { a.kwvalues },
    };
    let payload = func(vm, &args)?;
    // A `__new__` like `int.__new__` may return a value of a subclass when handed one
    // (`int(True)` is not a concern here: bool cannot be a payload type's value).
    let payload = builtin_view(&payload).clone();
    Ok(Value::obj(Obj::Instance(InstanceObj::new(
        cls.clone(),
        payload,
    ))))
}

/// `Sub.fromkeys(keys, value)`: CPython builds `Sub()` and stores each key with `d[k] = v`.
fn dict_fromkeys(vm: &mut Vm, func: NativeFn, cls: &ObjRef, a: &Args) -> PyResult<Value> {
    let mut pos = a.pos.to_vec();
    pos[0] = Value::Obj(vm.t.dict.clone());
    let plain = func(
        vm,
        &Args {
            pos: &pos,
            kwnames: a.kwnames,
            kwvalues: a.kwvalues,
        },
    )?;
    let out = vm.call(&Value::Obj(cls.clone()), &[])?;
    let items: Vec<(Value, Value)> = match &plain {
        Value::Obj(o) => match &**o {
            Obj::Dict(d) => crate::obj::methods::dict::dict_items(d),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    for (k, v) in items {
        vm.setitem(&out, &k, v)?;
    }
    Ok(out)
}

/// `obj.__class__ = new`: allowed between classes whose instances have the same layout
/// (both plain user classes, or both extending the same builtin type).
pub fn set_class(vm: &mut Vm, inst: &InstanceObj, new: &Value) -> PyResult<()> {
    let Value::Obj(n) = new else {
        return Err(class_must_be_class(vm, new));
    };
    let Some(nc) = as_class(n) else {
        return Err(class_must_be_class(vm, new));
    };
    if nc.builtin {
        return Err(type_error(
            "__class__ assignment only supported for mutable types or ModuleType subclasses",
        ));
    }
    let old = inst.class();
    let same_layout = as_class(&old).is_some_and(|oc| oc.layout == nc.layout)
        && vm.payload_base(&old).map(|b| b.addr()) == vm.payload_base(n).map(|b| b.addr());
    if !same_layout {
        return Err(type_error(format!(
            "__class__ assignment: '{}' object layout differs from '{}'",
            nc.name(),
            super::class::class_name(&old)
        )));
    }
    inst.class.set(n.clone());
    // The namespace joins its new class's record of instance names.
    let names: Vec<Value> = inst.read_attrs(|d| d.iter().map(|e| e.key.clone()).collect());
    names.iter().for_each(|name| nc.instance_names.note(name));
    Ok(())
}

fn class_must_be_class(vm: &Vm, v: &Value) -> super::errors::ExcRef {
    type_error(format!(
        "__class__ must be set to a class, not '{}' object",
        vm.type_name(v)
    ))
}
