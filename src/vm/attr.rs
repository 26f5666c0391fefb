//! Attribute access: `getattr`, `setattr`, `delattr` and the method-call shortcut, with
//! CPython's descriptor rules (data descriptors, instance dict, non-data descriptors,
//! `__getattr__`).

use super::class::{as_class, class_name, is_subclass, lookup, refresh_flags};
use super::dictops::{del_str, get_str, set_str};
use super::errors::{attribute_error, type_error, ExcRef, PyResult};
use super::types::ExcKind;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::class::ClassFlags;
use crate::obj::methods::descriptors::wrapper_dict;
use crate::obj::{BoundMethod, NativeFunction, Obj};

/// What a class attribute is, for the descriptor protocol.
enum Descr {
    /// A plain function: binds to the instance.
    Method,
    /// `property`, or a user object whose type defines `__set__`/`__delete__`.
    Data,
    Other,
}

impl Vm {
    fn classify(&mut self, d: &Value) -> Descr {
        match d {
            Value::Obj(o) => match &**o {
                Obj::Function(_) => Descr::Method,
                Obj::Native(n) if n.binds() => Descr::Method,
                Obj::Property(_) => Descr::Data,
                Obj::Instance(_) => {
                    if self.lookup_special(d, "__set__").is_some()
                        || self.lookup_special(d, "__delete__").is_some()
                    {
                        Descr::Data
                    } else {
                        Descr::Other
                    }
                }
                _ => Descr::Other,
            },
            _ => Descr::Other,
        }
    }

    /// Applies a class attribute's `__get__` for `obj` (None for class access).
    pub(crate) fn bind_descr(&mut self, d: Value, obj: &Value, cls: &ObjRef) -> PyResult<Value> {
        let Value::Obj(o) = &d else { return Ok(d) };
        match &**o {
            Obj::Function(_) => Ok(Value::obj(Obj::BoundMethod(BoundMethod {
                func: d.clone(),
                self_: obj.clone(),
            }))),
            // A builtin `__new__` is a static method: `super().__new__(cls, v)`.
            Obj::Native(n) if n.binds() && n.name != "__new__" => {
                Ok(Value::obj(Obj::Native(NativeFunction {
                    name: n.name,
                    owner: n.owner,
                    func: n.func,
                    self_: Some(Box::new(obj.clone())),
                })))
            }
            Obj::ClassMethod(w) => {
                self.bind_classmethod(&w.func.borrow().clone(), Value::Obj(cls.clone()))
            }
            Obj::StaticMethod(w) => Ok(w.func.borrow().clone()),
            Obj::Property(p) => {
                if p.fget.borrow().is_none() {
                    return Err(attribute_error("unreadable attribute"));
                }
                let fget = p.fget.borrow().clone();
                self.call(&fget, std::slice::from_ref(obj))
            }
            Obj::Instance(_) => match self.lookup_special(&d, "__get__") {
                Some(get) => self.call(&get, &[d.clone(), obj.clone(), Value::Obj(cls.clone())]),
                None => Ok(d),
            },
            _ => Ok(d),
        }
    }

    /// A classmethod's `__get__` for class `cls`: what it wraps is bound to `cls`, through
    /// the wrapped object's own `__get__(cls, cls)` when it is a descriptor (a property,
    /// another classmethod, a user descriptor), as CPython 3.11's cm_descr_get does.
    fn bind_classmethod(&mut self, f: &Value, cls: Value) -> PyResult<Value> {
        if let (Value::Obj(o), Value::Obj(c)) = (f, &cls) {
            let descriptor = match &**o {
                Obj::Property(_) | Obj::ClassMethod(_) | Obj::StaticMethod(_) => true,
                Obj::Instance(_) => self.lookup_special(f, "__get__").is_some(),
                _ => false,
            };
            if descriptor && as_class(c).is_some() {
                let c = c.clone();
                return self.bind_descr(f.clone(), &cls, &c);
            }
        }
        Ok(bind_classmethod(f, cls))
    }

    /// `getattr(obj, name)` where `name` is a str value.
    pub fn get_attr(&mut self, obj: &Value, name: &Value) -> PyResult<Value> {
        // The AttributeError a `__getattr__` raises propagates, with the name and object
        // filled in when it has neither.
        match self.find_attr(obj, name, false) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(self.no_attribute(obj, name)),
            Err(e) => Err(with_attribute_context(e, obj, name)),
        }
    }

    /// `obj.name` where the class of instance `obj` has an exact `property` under `name`
    /// whose getter is an aio function, and neither `__getattribute__` nor `__getattr__`
    /// can step in: the getter runs as a frame above the loading one (its return value is
    /// the attribute) instead of nested in native code. False (nothing done) otherwise.
    pub(crate) fn property_get_frame(&mut self, obj: &Value, name: &Value) -> PyResult<bool> {
        let Value::Obj(o) = obj else { return Ok(false) };
        let Obj::Instance(inst) = &**o else {
            return Ok(false);
        };
        let fget = inst.class.with(|cls| {
            let flags = as_class(cls)?.flags.get();
            if flags.has_getattribute || flags.has_getattr {
                return None;
            }
            match lookup(cls, name)? {
                Value::Obj(p) => match &*p {
                    Obj::Property(prop) => Some(prop.fget.borrow().clone()),
                    _ => None,
                },
                _ => None,
            }
        });
        let Some(fget) = fget else { return Ok(false) };
        if !super::call::is_plain_function(&fget) {
            return Ok(false);
        }
        self.push_call_frame(&fget, obj, false)?;
        Ok(true)
    }

    /// `getattr(obj, "name")` with a Rust string.
    pub fn get_attr_str(&mut self, obj: &Value, name: &str) -> PyResult<Value> {
        let key = self.intern(name);
        self.get_attr(obj, &key)
    }

    /// The AttributeError CPython raises for a missing attribute.
    pub fn no_attribute(&self, obj: &Value, name: &Value) -> ExcRef {
        let n = name.as_str().unwrap_or("?");
        let msg = match obj {
            Value::Obj(o) => match &**o {
                Obj::Module(m) => format!("module '{}' has no attribute '{n}'", m.name),
                Obj::Class(c) => format!("type object '{}' has no attribute '{n}'", c.tp_name()),
                _ => format!("'{}' object has no attribute '{n}'", self.type_name(obj)),
            },
            _ => format!("'{}' object has no attribute '{n}'", self.type_name(obj)),
        };
        let e = attribute_error(msg);
        let mut d = e.exc().dict().borrow_mut();
        set_str(&mut d, Value::str("name"), name.clone());
        set_str(&mut d, Value::str("obj"), obj.clone());
        drop(d);
        e
    }

    /// `getattr(obj, name, <missing>)`: Ok(None) when the attribute does not exist.
    pub fn get_attr_opt(&mut self, obj: &Value, name: &Value) -> PyResult<Option<Value>> {
        self.find_attr(obj, name, true)
    }

    /// The attribute lookup behind `get_attr` and `get_attr_opt`: `quiet` turns an
    /// AttributeError raised by `__getattr__` into Ok(None).
    fn find_attr(&mut self, obj: &Value, name: &Value, quiet: bool) -> PyResult<Option<Value>> {
        if let Value::Obj(o) = obj {
            match &**o {
                Obj::Class(c) => {
                    if let Some(v) = self.class_getattr(o, name)? {
                        return Ok(Some(v));
                    }
                    // A metaclass's `__getattr__` answers for what the class lacks.
                    let Some(hook) = self.metaclass_hook(c, "__getattr__") else {
                        return Ok(None);
                    };
                    return match self.call(&hook, &[obj.clone(), name.clone()]) {
                        Ok(v) => Ok(Some(v)),
                        Err(e) if quiet && e.is(ExcKind::AttributeError) => Ok(None),
                        Err(e) => Err(e),
                    };
                }
                Obj::Module(m) => {
                    let key = self.intern("__getattr__");
                    let mut hook = None;
                    if let Obj::Dict(d) = &*m.dict {
                        let d = d.borrow();
                        if let Some(v) = get_str(&d, name) {
                            return Ok(Some(v));
                        }
                        hook = get_str(&d, &key);
                    }
                    if let Some(v) = self.special_attr(obj, name)? {
                        return Ok(Some(v));
                    }
                    if let Some(v) = self.lazy_module_attr(m, name)? {
                        return Ok(Some(v));
                    }
                    // Methods of the module type (`__reduce_ex__`, `__eq__`, ...).
                    let cls = self.type_of(obj);
                    if let Some(d) = lookup(&cls, name) {
                        return self.bind_descr(d, obj, &cls).map(Some);
                    }
                    // PEP 562: a module-level `__getattr__(name)` for names it lacks.
                    let Some(hook) = hook else { return Ok(None) };
                    return match self.call(&hook, std::slice::from_ref(name)) {
                        Ok(v) => Ok(Some(v)),
                        Err(e) if quiet && e.is(ExcKind::AttributeError) => Ok(None),
                        Err(e) => Err(e),
                    };
                }
                Obj::Super(sup) => {
                    let (class, target) = (sup.class.clone(), sup.obj.clone());
                    if let Some(v) = self.super_getattr(&class, &target, name)? {
                        return Ok(Some(v));
                    }
                }
                _ => {}
            }
        }
        let cls = self.type_of(obj);
        let flags = as_class(&cls).map(|c| c.flags.get()).unwrap_or_default();
        if flags.has_getattribute {
            let ga = lookup(&cls, &self.intern("__getattribute__"));
            if let Some(ga) = ga {
                return match self.call(&ga, &[obj.clone(), name.clone()]) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if e.is(ExcKind::AttributeError) && flags.has_getattr => {
                        self.call_getattr(obj, &cls, name).map(Some)
                    }
                    Err(e) => Err(e),
                };
            }
        }
        // As CPython's slot_tp_getattr_hook: an AttributeError from the lookup itself (a
        // property's getter, say) hands over to `__getattr__` too.
        match self.generic_getattr(obj, &cls, name) {
            Ok(Some(v)) => return Ok(Some(v)),
            Ok(None) => {}
            Err(e) if flags.has_getattr && e.is(ExcKind::AttributeError) => {
                return match self.call_getattr(obj, &cls, name) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if quiet && e.is(ExcKind::AttributeError) => Ok(None),
                    Err(e) => Err(e),
                };
            }
            Err(e) => return Err(e),
        }
        if flags.has_getattr {
            return match self.call_getattr(obj, &cls, name) {
                Ok(v) => Ok(Some(v)),
                Err(e) if quiet && e.is(ExcKind::AttributeError) => Ok(None),
                Err(e) => Err(e),
            };
        }
        Ok(None)
    }

    /// `object.__getattribute__`: data descriptors of `cls`, the instance dict, other class
    /// attributes, native fields; no `__getattribute__`/`__getattr__` hooks. Ok(None) when
    /// missing.
    pub fn generic_getattr(
        &mut self,
        obj: &Value,
        cls: &ObjRef,
        name: &Value,
    ) -> PyResult<Option<Value>> {
        let descr = lookup(cls, name);
        if let Some(d) = &descr {
            if let Value::Obj(dobj) = d {
                if let Obj::Property(p) = &**dobj {
                    if p.fget.borrow().is_none() {
                        return Err(attribute_error(format!(
                            "property '{}' of '{}' object has no getter",
                            name.as_str().unwrap_or("?"),
                            class_name(cls)
                        )));
                    }
                }
            }
            if let Descr::Data = self.classify(d) {
                return self.bind_descr(d.clone(), obj, cls).map(Some);
            }
        }
        if let Some(v) = self.instance_dict_get(obj, name) {
            return Ok(Some(v));
        }
        if let Some(v) = self.wrapper_attr(obj, name)? {
            return Ok(Some(v));
        }
        if let Some(d) = descr {
            return self.bind_descr(d, obj, cls).map(Some);
        }
        match self.special_attr(obj, name)? {
            None if name.as_str() == Some("__doc__") => {
                Ok(Some(builtin_type_doc(&Value::Obj(cls.clone()))))
            }
            v => Ok(v),
        }
    }

    fn call_getattr(&mut self, obj: &Value, cls: &ObjRef, name: &Value) -> PyResult<Value> {
        let key = self.intern("__getattr__");
        match lookup(cls, &key) {
            Some(f) => self.call(&f, &[obj.clone(), name.clone()]),
            None => Err(self.no_attribute(obj, name)),
        }
    }

    fn instance_dict_get(&self, obj: &Value, name: &Value) -> Option<Value> {
        instance_attr(obj, name)
    }

    fn class_getattr(&mut self, cls: &ObjRef, name: &Value) -> PyResult<Option<Value>> {
        // Attributes of the metaclass that are data descriptors win (e.g. __name__).
        if let Some(v) = self.special_attr(&Value::Obj(cls.clone()), name)? {
            return Ok(Some(v));
        }
        if let Some(d) = lookup(cls, name) {
            let bound = match &d {
                Value::Obj(o) => match &**o {
                    Obj::ClassMethod(w) => {
                        self.bind_classmethod(&w.func.borrow().clone(), Value::Obj(cls.clone()))?
                    }
                    Obj::StaticMethod(w) => w.func.borrow().clone(),
                    Obj::Instance(_) => match self.lookup_special(&d, "__get__") {
                        Some(get) => {
                            self.call(&get, &[d.clone(), Value::None, Value::Obj(cls.clone())])?
                        }
                        None => d.clone(),
                    },
                    _ => d.clone(),
                },
                _ => d.clone(),
            };
            return Ok(Some(bound));
        }
        // Methods of the metaclass (`type`), e.g. `Foo.mro()`.
        let meta = self.type_of(&Value::Obj(cls.clone()));
        if let Some(d) = lookup(&meta, name) {
            return self
                .bind_descr(d, &Value::Obj(cls.clone()), &meta)
                .map(Some);
        }
        super::class_layout::slot_descriptor(self, cls, name)
    }

    /// Attributes that live in the object's native fields rather than a namespace.
    fn special_attr(&mut self, obj: &Value, name: &Value) -> PyResult<Option<Value>> {
        let Some(n) = name.as_str() else {
            return Ok(None);
        };
        if n == "__class__" {
            return Ok(Some(Value::Obj(self.type_of(obj))));
        }
        let Value::Obj(o) = obj else { return Ok(None) };
        Ok(match &**o {
            Obj::Class(c) => match n {
                "__name__" => Some(Value::str(&c.name())),
                "__qualname__" => Some(Value::str(&c.qualname.borrow())),
                "__module__" => match get_str(&c.dict.borrow(), name) {
                    Some(v) => Some(v),
                    None => Some(Value::str(&c.module.borrow())),
                },
                "__bases__" => Some(Value::tuple(
                    c.bases
                        .borrow()
                        .iter()
                        .map(|b| Value::Obj(b.clone()))
                        .collect(),
                )),
                "__base__" => Some(
                    c.bases
                        .borrow()
                        .first()
                        .map(|b| Value::Obj(b.clone()))
                        .unwrap_or(Value::None),
                ),
                "__mro__" => {
                    let mut v = vec![obj.clone()];
                    v.extend(c.mro.borrow().iter().map(|b| Value::Obj(b.clone())));
                    Some(Value::tuple(v))
                }
                // A read-only `mappingproxy`, as CPython's, over a copy of the namespace
                // (aio's class namespace is not a dict object a proxy could share).
                "__dict__" => {
                    let copy = Value::dict(super::class_layout::namespace_view(self, o)?);
                    let types = self.import_module("types")?;
                    let proxy = self.get_attr_str(&types, "mappingproxy")?;
                    Some(self.call(&proxy, &[copy])?)
                }
                "__doc__" => Some(match get_str(&c.dict.borrow(), name) {
                    Some(doc) => doc,
                    None => builtin_type_doc(obj),
                }),
                // type's __abstractmethods__ descriptor reads the class's own namespace.
                "__abstractmethods__" => match get_str(&c.dict.borrow(), name) {
                    Some(v) if !c.builtin => Some(v),
                    _ => return Err(attribute_error("__abstractmethods__")),
                },
                _ => None,
            },
            Obj::Module(m) => match n {
                "__dict__" => Some(Value::Obj(m.dict.clone())),
                "__name__" => Some(Value::str(&m.name)),
                _ => None,
            },
            // Plain `object()` instances and those of slotted classes have no `__dict__`.
            Obj::Instance(i) => match n {
                "__dict__"
                    if !as_class(&i.class())
                        .is_some_and(|c| c.builtin || c.flags.get().slotted) =>
                {
                    if super::class::declares_slots(&i.class(), self) {
                        // Slot values share the instance namespace in aio; CPython keeps
                        // them out of `__dict__`.
                        return Err(super::errors::not_implemented(
                            "aio does not support __dict__ on instances of classes mixing __slots__ and __dict__ yet",
                        ));
                    }
                    Some(Value::Obj(i.dict_object()))
                }
                "__weakref__" => self.weakref_attr(o, &i.class()),
                _ => None,
            },
            Obj::Exception(e) => match n {
                "__weakref__" => self.weakref_attr(o, &e.class),
                "args" => Some(e.args.borrow().clone()),
                "__cause__" => Some(e.cause.borrow().clone()),
                "__context__" => Some(e.context.borrow().clone()),
                "__suppress_context__" => Some(Value::Bool(e.suppress_context.get())),
                "__traceback__" => Some(super::traceback::traceback_value(o)),
                "__dict__" => Some(Value::Obj(e.dict_object().clone())),
                _ => None,
            },
            Obj::Function(f) => match n {
                "__name__" => Some(Value::str(&f.name.borrow())),
                "__qualname__" => Some(Value::str(&f.qualname.borrow())),
                "__module__" => Some(f.module.clone()),
                "__doc__" => Some(f.doc.borrow().clone()),
                "__defaults__" => {
                    let d = f.defaults.borrow();
                    Some(if d.is_empty() {
                        Value::None
                    } else {
                        Value::tuple(d.clone())
                    })
                }
                "__kwdefaults__" => Some(f.kwdefaults.borrow().clone()),
                "__annotations__" => {
                    // CPython makes the dict on first access when the function has no
                    // annotations, and keeps it.
                    if f.annotations.borrow().is_none() {
                        *f.annotations.borrow_mut() = Value::dict(crate::obj::DictData::new());
                    }
                    Some(f.annotations.borrow().clone())
                }
                "__dict__" => Some(Value::Obj(f.dict_obj())),
                "__globals__" => Some(Value::Obj(f.globals.clone())),
                "__code__" => Some(Value::obj(Obj::Code(f.visible_code()))),
                "__closure__" => Some(if f.closure.is_empty() {
                    Value::None
                } else {
                    Value::tuple(f.closure.iter().map(|c| Value::Obj(c.clone())).collect())
                }),
                "__builtins__" => Some(Value::Obj(self.builtins.clone())),
                _ => None,
            },
            Obj::BoundMethod(m) => match n {
                "__self__" => Some(m.self_.clone()),
                "__func__" => Some(m.func.clone()),
                _ => return self.get_attr_opt(&m.func.clone(), name),
            },
            Obj::Native(f) => match n {
                "__name__" => Some(Value::str(f.name)),
                // A module's function (`len`, `_codecs.encode`) names its module, as
                // pickle's lookup by reference needs; a type's method does not.
                "__qualname__" if is_module_function(f) => Some(Value::str(f.name)),
                "__qualname__" => Some(Value::string(format!("{}.{}", f.owner, f.name))),
                "__self__" if f.self_.is_none() && is_module_function(f) => {
                    Some(self.sys_module(native_module(f)).unwrap_or(Value::None))
                }
                "__self__" => Some(f.self_.as_deref().cloned().unwrap_or(Value::None)),
                // Interned, so pickle's memo sees one module name (as CPython's).
                "__module__" if is_module_function(f) => Some(self.intern(native_module(f))),
                "__module__" => Some(Value::None),
                "__doc__" => {
                    let owner = if is_module_function(f) {
                        native_module(f)
                    } else {
                        f.owner
                    };
                    Some(
                        crate::obj::builtin_docs::doc(owner, f.name)
                            .map_or(Value::None, Value::str),
                    )
                }
                _ => None,
            },
            Obj::Generator(g) => match n {
                "__name__" => Some(Value::str(g.name())),
                "__qualname__" => Some(Value::str(g.qualname())),
                _ => self.generator_attr(o, g, n),
            },
            Obj::Code(c) => super::introspect::code_attr(c, n),
            Obj::Cell(c) => match n {
                "cell_contents" => {
                    let v = c.borrow().clone();
                    if v.is_undef() {
                        return Err(super::errors::exc(
                            super::types::ExcKind::ValueError,
                            "Cell is empty",
                        ));
                    }
                    Some(v)
                }
                _ => None,
            },
            Obj::Frame(_) => self.frame_attr(o, n),
            Obj::Traceback(tb) => super::traceback::traceback_attr(tb, n),
            Obj::Property(p) => match n {
                "fget" => Some(p.fget.borrow().clone()),
                "fset" => Some(p.fset.borrow().clone()),
                "fdel" => Some(p.fdel.borrow().clone()),
                "__doc__" => Some(p.doc.borrow().clone()),
                "__isabstractmethod__" => Some(Value::Bool(self.property_is_abstract(p)?)),
                _ => None,
            },
            Obj::StaticMethod(w) | Obj::ClassMethod(w) => match n {
                "__func__" | "__wrapped__" => Some(w.func.borrow().clone()),
                "__dict__" => Some(Value::Obj(wrapper_dict(self, w)?)),
                // As CPython 3.10+, the wrapped function's docstring.
                "__doc__" => {
                    let f = w.func.borrow().clone();
                    let key = self.intern(n);
                    Some(self.get_attr_opt(&f, &key)?.unwrap_or(Value::None))
                }
                "__isabstractmethod__" => {
                    let key = self.intern(n);
                    let f = w.func.borrow().clone();
                    let abs = match self.get_attr_opt(&f, &key)? {
                        Some(v) => self.truthy(&v)?,
                        None => false,
                    };
                    Some(Value::Bool(abs))
                }
                _ => None,
            },
            _ => None,
        })
    }

    /// `obj.__weakref__` where the class's layout has a weakref slot: the head of the
    /// object's weakref list (the shared callback-less ref first, as CPython keeps it), or
    /// None.
    fn weakref_attr(&mut self, o: &ObjRef, cls: &ObjRef) -> Option<Value> {
        if !super::class::instances_weakrefable(cls, self) {
            return None;
        }
        let refs = crate::gc::weak_watch::watchers(o.addr());
        let plain = refs
            .iter()
            .find(|w| matches!(&***w, Obj::WeakRef(r) if r.callback.borrow().is_none()));
        Some(
            plain
                .or(refs.first())
                .map_or(Value::None, |w| Value::Obj(w.clone())),
        )
    }

    /// An attribute in the `__dict__` of a staticmethod or classmethod (made on first use).
    fn wrapper_attr(&mut self, obj: &Value, name: &Value) -> PyResult<Option<Value>> {
        let Value::Obj(o) = obj else { return Ok(None) };
        let (Obj::StaticMethod(w) | Obj::ClassMethod(w)) = &**o else {
            return Ok(None);
        };
        match &*wrapper_dict(self, w)? {
            Obj::Dict(d) => Ok(get_str(&d.borrow(), name)),
            _ => Ok(None),
        }
    }

    /// `sm.name = value` on a staticmethod or classmethod: its `__dict__`, except for the
    /// read-only members.
    fn set_wrapper_attr(
        &mut self,
        obj: &Value,
        w: &crate::obj::WrappedCallable,
        name: &Value,
        value: Value,
    ) -> PyResult<()> {
        match name.as_str() {
            Some("__func__" | "__wrapped__") => Err(attribute_error("readonly attribute")),
            Some("__isabstractmethod__") => Err(attribute_error(format!(
                "attribute '__isabstractmethod__' of '{}' objects is not writable",
                self.type_name(obj)
            ))),
            Some("__dict__") => match &value {
                Value::Obj(d) if matches!(&**d, Obj::Dict(_)) => {
                    let old = w.dict.borrow_mut().replace(d.clone());
                    drop(old);
                    Ok(())
                }
                _ => Err(type_error(format!(
                    "__dict__ must be set to a dictionary, not a '{}'",
                    self.type_name(&value)
                ))),
            },
            _ => {
                if let Obj::Dict(d) = &*wrapper_dict(self, w)? {
                    set_str(&mut d.borrow_mut(), name.clone(), value);
                }
                Ok(())
            }
        }
    }

    /// `property.__isabstractmethod__`: whether any accessor is abstract.
    fn property_is_abstract(&mut self, p: &crate::obj::PropertyObj) -> PyResult<bool> {
        let key = self.intern("__isabstractmethod__");
        for f in [
            p.fget.borrow().clone(),
            p.fset.borrow().clone(),
            p.fdel.borrow().clone(),
        ] {
            if let Some(v) = self.get_attr_opt(&f, &key)? {
                if self.truthy(&v)? {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// `super(cls, obj).name`: look after `cls` in `type(obj).__mro__`, or in `obj.__mro__`
    /// when `obj` is a subclass of `cls` (a classmethod's `super()`; a metaclass method's
    /// `super()` has a class for `obj` that is an instance of `cls`).
    fn super_getattr(
        &mut self,
        cls: &ObjRef,
        obj: &Value,
        name: &Value,
    ) -> PyResult<Option<Value>> {
        let class_level =
            matches!(obj, Value::Obj(o) if as_class(o).is_some() && is_subclass(o, cls));
        let start_type = match obj {
            Value::Obj(o) if class_level => o.clone(),
            _ => self.type_of(obj),
        };
        // Along `start_type`'s MRO (itself first), after `cls`; the value is taken under
        // the MRO's borrow and bound after it (binding may run code).
        let found = {
            let rest = as_class(&start_type).map(|c| c.mro.borrow());
            let mro = std::iter::once(&start_type).chain(rest.iter().flat_map(|m| m.iter()));
            let mut after_cls = false;
            let mut found = None;
            for k in mro {
                if !after_cls {
                    after_cls = k.is(cls);
                    continue;
                }
                if let Some(d) = as_class(k).and_then(|c| get_str(&c.dict.borrow(), name)) {
                    found = Some(d);
                    break;
                }
            }
            found
        };
        if let Some(d) = found {
            if class_level {
                if let Value::Obj(dobj) = &d {
                    if let Obj::ClassMethod(w) = &**dobj {
                        return self
                            .bind_classmethod(&w.func.borrow().clone(), obj.clone())
                            .map(Some);
                    }
                    if let Obj::Function(_) = &**dobj {
                        return Ok(Some(d.clone()));
                    }
                }
            }
            return self.bind_descr(d, obj, &start_type).map(Some);
        }
        Ok(None)
    }

    /// `obj.name = value`
    pub fn set_attr(&mut self, obj: &Value, name: &Value, value: Value) -> PyResult<()> {
        let Value::Obj(o) = obj else {
            return Err(self.readonly_attr(obj, name));
        };
        match &**o {
            Obj::Class(c) => {
                // A metaclass's own `__setattr__` (an Enum refusing to rebind a member).
                if let Some(hook) = self.metaclass_hook(c, "__setattr__") {
                    self.call(&hook, &[obj.clone(), name.clone(), value])?;
                    return Ok(());
                }
                return self.set_class_attr(o, name, value);
            }
            Obj::Module(m) => {
                if let Obj::Dict(d) = &*m.dict {
                    set_str(&mut d.borrow_mut(), name.clone(), value);
                }
                return Ok(());
            }
            Obj::StaticMethod(w) | Obj::ClassMethod(w) => {
                return self.set_wrapper_attr(obj, w, name, value)
            }
            _ => {}
        }
        let cls = self.type_of(obj);
        let flags = as_class(&cls).map(|c| c.flags.get()).unwrap_or_default();
        if flags.has_setattr {
            if let Some(f) = lookup(&cls, &self.intern("__setattr__")) {
                self.call(&f, &[obj.clone(), name.clone(), value])?;
                return Ok(());
            }
        }
        self.generic_setattr(obj, &cls, name, value)
    }

    /// The hook `name` of class `c`'s metaclass when it is aio code (not `type`'s or
    /// `object`'s own).
    fn metaclass_hook(&mut self, c: &crate::obj::class::ClassObj, name: &str) -> Option<Value> {
        let meta = c.metaclass.borrow().clone()?;
        let hook = lookup(&meta, &self.intern(name))?;
        match &hook {
            Value::Obj(h) if matches!(&**h, Obj::Native(_)) => None,
            _ => Some(hook),
        }
    }

    /// `type.__setattr__(cls, name, value)`: the class namespace itself.
    pub fn set_class_attr(&mut self, o: &ObjRef, name: &Value, value: Value) -> PyResult<()> {
        match &**o {
            Obj::Class(c) => {
                if c.builtin {
                    return Err(immutable_type_error(c, name));
                }
                match name.as_str() {
                    Some("__name__") => {
                        if let Some(s) = value.as_str() {
                            *c.name.borrow_mut() = s.into();
                        }
                    }
                    Some("__qualname__") => {
                        if let Some(s) = value.as_str() {
                            *c.qualname.borrow_mut() = s.into();
                        }
                    }
                    Some("__bases__") => return self.set_class_bases(o, &value),
                    // CPython's type_set_abstractmethods: the value's truth marks the
                    // class abstract (or not) for object.__new__.
                    Some("__abstractmethods__") => {
                        let abstract_ = self.truthy(&value)?;
                        set_str(&mut c.dict.borrow_mut(), name.clone(), value);
                        c.flags.set(ClassFlags {
                            abstract_,
                            ..c.flags.get()
                        });
                    }
                    _ => set_str(&mut c.dict.borrow_mut(), name.clone(), value),
                }
                super::lookup_cache::invalidate();
                if name.as_str().is_some_and(|n| n.starts_with("__")) {
                    refresh_flags(o, self);
                }
                Ok(())
            }
            _ => Err(self.readonly_attr(&Value::Obj(o.clone()), name)),
        }
    }

    /// `object.__setattr__`: data descriptors, then the instance dict.
    pub fn generic_setattr(
        &mut self,
        obj: &Value,
        cls: &ObjRef,
        name: &Value,
        value: Value,
    ) -> PyResult<()> {
        if is_property_member(obj, name) {
            return Err(attribute_error("readonly attribute"));
        }
        if let Some(d) = lookup(cls, name) {
            if let Value::Obj(dobj) = &d {
                match &**dobj {
                    Obj::Property(p) => {
                        if p.fset.borrow().is_none() {
                            return Err(attribute_error(format!(
                                "property '{}' of '{}' object has no setter",
                                name.as_str().unwrap_or("?"),
                                class_name(cls)
                            )));
                        }
                        let fset = p.fset.borrow().clone();
                        self.call(&fset, &[obj.clone(), value])?;
                        return Ok(());
                    }
                    Obj::Instance(_) => {
                        if let Some(set) = self.lookup_special(&d, "__set__") {
                            self.call(&set, &[d.clone(), obj.clone(), value])?;
                            return Ok(());
                        }
                    }
                    _ => {}
                }
            }
        }
        let Value::Obj(o) = obj else {
            return Err(self.readonly_attr(obj, name));
        };
        match &**o {
            // Plain `object()` instances have no `__dict__`.
            Obj::Instance(i) if as_class(&i.class()).is_some_and(|c| c.builtin) => {
                return Err(self.readonly_attr(obj, name))
            }
            Obj::Instance(_)
                if as_class(cls).is_some_and(|c| c.flags.get().slotted)
                    && !self.is_slot(cls, name) =>
            {
                // No __dict__: a name the class has (a plain class attribute) is
                // "read-only" for the instance, as CPython's generic setattr says.
                if lookup(cls, name).is_some() {
                    return Err(attribute_error(format!(
                        "'{}' object attribute '{}' is read-only",
                        class_name(cls),
                        name.as_str().unwrap_or("?")
                    )));
                }
                return Err(self.no_attribute(obj, name));
            }
            Obj::Instance(i) => match name.as_str() {
                Some("__class__") => super::payload::set_class(self, i, &value)?,
                Some("__dict__") => match &value {
                    Value::Obj(d) if matches!(&**d, Obj::Dict(_)) => i.set_dict_object(d.clone()),
                    _ => {
                        return Err(type_error(format!(
                            "__dict__ must be set to a dictionary, not a '{}'",
                            self.type_name(&value)
                        )))
                    }
                },
                _ => i.set_attr(name.clone(), value),
            },
            Obj::Future(f) => set_str(&mut f.extra().dict, name.clone(), value),
            Obj::Exception(e) => match name.as_str() {
                Some("args") => {
                    let items = self.collect(&value)?;
                    *e.args.borrow_mut() = Value::tuple(items);
                }
                Some("__cause__") => {
                    *e.cause.borrow_mut() = value;
                    e.suppress_context.set(true);
                }
                Some("__context__") => *e.context.borrow_mut() = value,
                Some("__suppress_context__") => e.suppress_context.set(self.truthy(&value)?),
                Some("__traceback__") => super::traceback::set_traceback(o, &value)?,
                // No new dict object: CPython's BaseException_set_dict stores the given
                // one, which aio approximates by copying its items into the shared dict.
                Some("__dict__") => {
                    let Some(Obj::Dict(new)) = value.as_obj().map(|d| &**d) else {
                        return Err(type_error(format!(
                            "__dict__ must be set to a dictionary, not a '{}'",
                            self.type_name(&value)
                        )));
                    };
                    let items = new.borrow().clone();
                    let old = std::mem::replace(&mut *e.dict().borrow_mut(), items);
                    drop(old);
                }
                _ => set_str(&mut e.dict().borrow_mut(), name.clone(), value),
            },
            Obj::Cell(c) if name.as_str() == Some("cell_contents") => {
                let old = std::mem::replace(&mut *c.borrow_mut(), value);
                drop(old);
            }
            Obj::Traceback(_) if name.as_str() == Some("tb_next") => {
                super::traceback::set_tb_next(self, o, &value)?
            }
            // CPython's `property.__doc__` is a writable member.
            Obj::Property(p) if name.as_str() == Some("__doc__") => {
                let old = p.doc.replace(value);
                drop(old);
            }
            Obj::Property(_) if matches!(name.as_str(), Some("fget" | "fset" | "fdel")) => {
                return Err(attribute_error("readonly attribute"))
            }
            Obj::Function(f) => match name.as_str() {
                Some("__name__") => {
                    if let Some(s) = value.as_str() {
                        *f.name.borrow_mut() = s.into();
                    }
                }
                Some("__qualname__") => {
                    if let Some(s) = value.as_str() {
                        *f.qualname.borrow_mut() = s.into();
                    }
                }
                Some("__doc__") => *f.doc.borrow_mut() = value,
                Some("__defaults__") => {
                    let new = match value.as_tuple() {
                        Some(items) => items.to_vec(),
                        None if value.is_none() => Vec::new(),
                        None => {
                            return Err(type_error("__defaults__ must be set to a tuple object"))
                        }
                    };
                    let old = std::mem::replace(&mut *f.defaults.borrow_mut(), new);
                    drop(old);
                }
                Some(member @ ("__kwdefaults__" | "__annotations__")) => {
                    if !value.is_none()
                        && !matches!(&value, Value::Obj(d) if matches!(&**d, Obj::Dict(_)))
                    {
                        return Err(type_error(format!("{member} must be set to a dict object")));
                    }
                    let slot = match member {
                        "__kwdefaults__" => &f.kwdefaults,
                        _ => &f.annotations,
                    };
                    let old = std::mem::replace(&mut *slot.borrow_mut(), value);
                    drop(old);
                }
                Some("__dict__") => {
                    let Some(d) = value.as_obj().filter(|d| matches!(&***d, Obj::Dict(_))) else {
                        return Err(type_error(format!(
                            "__dict__ must be set to a dictionary, not a '{}'",
                            self.type_name(&value)
                        )));
                    };
                    let old = f.dict.borrow_mut().replace(d.clone());
                    drop(old);
                }
                _ => f.with_dict_mut(|d| set_str(d, name.clone(), value)),
            },
            _ => return Err(self.readonly_attr(obj, name)),
        }
        Ok(())
    }

    /// Whether `name` is one of the `__slots__` of slotted class `cls`.
    fn is_slot(&mut self, cls: &ObjRef, name: &Value) -> bool {
        name.as_str() == Some("__class__")
            || super::class::slot_names(cls, self)
                .is_some_and(|names| names.iter().any(|n| n.as_str() == name.as_str()))
    }

    fn readonly_attr(&self, obj: &Value, name: &Value) -> ExcRef {
        attribute_error(format!(
            "'{}' object has no attribute '{}'",
            self.type_name(obj),
            name.as_str().unwrap_or("?")
        ))
    }

    /// `del obj.name`
    pub fn del_attr(&mut self, obj: &Value, name: &Value) -> PyResult<()> {
        if let Value::Obj(o) = obj {
            if let Obj::Class(c) = &**o {
                if c.builtin {
                    return Err(immutable_type_error(c, name));
                }
            }
        }
        let cls = self.type_of(obj);
        if let Some(f) = as_class(&cls)
            .filter(|c| !c.builtin)
            .and_then(|_| lookup(&cls, &Value::str("__delattr__")))
        {
            if !matches!(&f, Value::Obj(o) if matches!(&**o, Obj::Native(_))) {
                self.call(&f, &[obj.clone(), name.clone()])?;
                return Ok(());
            }
        }
        self.generic_delattr(obj, &cls, name)
    }

    /// `object.__delattr__`: a property's deleter (or a user descriptor's `__delete__`),
    /// else removal from the instance dict.
    pub fn generic_delattr(&mut self, obj: &Value, cls: &ObjRef, name: &Value) -> PyResult<()> {
        if is_property_member(obj, name) {
            return Err(attribute_error("readonly attribute"));
        }
        // Their read-only members, before the class's `__wrapped__` property says "no deleter".
        if let Value::Obj(o) = obj {
            if matches!(&**o, Obj::StaticMethod(_) | Obj::ClassMethod(_))
                && matches!(name.as_str(), Some("__func__" | "__wrapped__"))
            {
                return Err(attribute_error("readonly attribute"));
            }
        }
        if let Some(d) = lookup(cls, name) {
            if let Value::Obj(dobj) = &d {
                if let Obj::Property(p) = &**dobj {
                    if p.fdel.borrow().is_none() {
                        return Err(attribute_error(format!(
                            "property '{}' of '{}' object has no deleter",
                            name.as_str().unwrap_or("?"),
                            class_name(cls)
                        )));
                    }
                    let fdel = p.fdel.borrow().clone();
                    self.call(&fdel, std::slice::from_ref(obj))?;
                    return Ok(());
                }
                if let Obj::Instance(_) = &**dobj {
                    if let Some(del) = self.lookup_special(&d, "__delete__") {
                        self.call(&del, &[d.clone(), obj.clone()])?;
                        return Ok(());
                    }
                }
            }
        }
        let removed = match obj {
            Value::Obj(o) => match &**o {
                Obj::Instance(i) => match name.as_str() {
                    Some("__class__") => {
                        return Err(type_error("can't delete __class__ attribute"))
                    }
                    Some("__dict__") => {
                        i.set_dict_object(ObjRef::new(Obj::Dict(Default::default())));
                        Some(Value::None)
                    }
                    _ => i.write_attrs(|d| del_str(d, name)),
                },
                Obj::Exception(e) => match name.as_str() {
                    Some("__dict__") => return Err(type_error("cannot delete __dict__")),
                    _ => del_str(&mut e.dict().borrow_mut(), name),
                },
                Obj::Future(f) => f.del_attr(name),
                Obj::StaticMethod(w) | Obj::ClassMethod(w) => match name.as_str() {
                    Some("__dict__") => return Err(type_error("cannot delete __dict__")),
                    _ => {
                        let d = wrapper_dict(self, w)?;
                        match &*d {
                            Obj::Dict(d) => del_str(&mut d.borrow_mut(), name),
                            _ => None,
                        }
                    }
                },
                // Deleting the `__doc__` member leaves None, as CPython's.
                Obj::Property(p) if name.as_str() == Some("__doc__") => {
                    Some(p.doc.replace(Value::None))
                }
                Obj::Property(_) if matches!(name.as_str(), Some("fget" | "fset" | "fdel")) => {
                    return Err(attribute_error("readonly attribute"))
                }
                // CPython's function members: deleting one leaves None (an empty dict
                // for __annotations__, made again when next read).
                Obj::Function(f) => match name.as_str() {
                    Some("__defaults__") => {
                        let old = std::mem::take(&mut *f.defaults.borrow_mut());
                        drop(old);
                        Some(Value::None)
                    }
                    Some(n @ ("__kwdefaults__" | "__annotations__" | "__doc__")) => {
                        let slot = match n {
                            "__kwdefaults__" => &f.kwdefaults,
                            "__annotations__" => &f.annotations,
                            _ => &f.doc,
                        };
                        let old = std::mem::replace(&mut *slot.borrow_mut(), Value::None);
                        drop(old);
                        Some(Value::None)
                    }
                    Some(n @ ("__name__" | "__qualname__")) => {
                        return Err(type_error(format!("{n} must be set to a string object")))
                    }
                    _ => f.with_dict_mut(|d| del_str(d, name)),
                },
                Obj::Class(c) if !c.builtin && name.as_str() == Some("__abstractmethods__") => {
                    c.flags.set(ClassFlags {
                        abstract_: false,
                        ..c.flags.get()
                    });
                    match del_str(&mut c.dict.borrow_mut(), name) {
                        Some(v) => Some(v),
                        None => return Err(attribute_error("__abstractmethods__")),
                    }
                }
                Obj::Class(c) if !c.builtin => del_str(&mut c.dict.borrow_mut(), name),
                Obj::Module(m) => match &*m.dict {
                    Obj::Dict(d) => del_str(&mut d.borrow_mut(), name),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        };
        if let (Some(_), Value::Obj(o)) = (&removed, obj) {
            if let Obj::Class(_) = &**o {
                super::lookup_cache::invalidate();
                if name.as_str().is_some_and(|n| n.starts_with("__")) {
                    refresh_flags(o, self);
                }
            }
        }
        match removed {
            Some(_) => Ok(()),
            // An empty slot: CPython's member descriptor names only the attribute.
            None if as_class(cls).is_some_and(|c| c.flags.get().slotted)
                && self.is_slot(cls, name) =>
            {
                Err(attribute_error(name.as_str().unwrap_or("?")))
            }
            None => Err(self.no_attribute(obj, name)),
        }
    }

    /// For `LoadMethod`: `(function, Some(self))` when `name` is a plain method of
    /// `type(obj)` not shadowed by the instance, else `(getattr(obj, name), None)`.
    pub fn load_method(&mut self, obj: &Value, name: &Value) -> PyResult<(Value, Option<Value>)> {
        let plain = match obj {
            Value::Obj(o) => !matches!(&**o, Obj::Class(_) | Obj::Module(_) | Obj::Super(_)),
            _ => true,
        };
        if plain {
            let cls = self.type_of(obj);
            let flags = as_class(&cls).map(|c| c.flags.get()).unwrap_or_default();
            if !flags.has_getattribute {
                if let Some(d) = lookup(&cls, name) {
                    let is_method = matches!(&d, Value::Obj(o) if matches!(&**o, Obj::Function(_))
                        || matches!(&**o, Obj::Native(n) if n.binds()));
                    if is_method && self.instance_dict_get(obj, name).is_none() {
                        return Ok((d, Some(obj.clone())));
                    }
                }
            }
        }
        Ok((self.get_attr(obj, name)?, None))
    }
}

/// CPython's `PyObject_GetAttr` gives an AttributeError that says neither which name nor
/// which object its own: tracebacks then suggest names ("Did you mean") from them.
fn with_attribute_context(e: ExcRef, obj: &Value, name: &Value) -> ExcRef {
    if e.is(ExcKind::AttributeError) {
        let mut d = e.exc().dict().borrow_mut();
        let unset = |d: &crate::obj::dict::DictData, k: &str| {
            get_str(d, &Value::str(k)).is_none_or(|v| v.is_none())
        };
        if unset(&d, "name") && unset(&d, "obj") {
            set_str(&mut d, Value::str("name"), name.clone());
            set_str(&mut d, Value::str("obj"), obj.clone());
        }
    }
    e
}

/// Setting or deleting an attribute of a builtin type, with CPython's words and the type's
/// C name (`'int'`, `'collections.deque'`, `'_asyncio.Future'`).
fn immutable_type_error(c: &crate::obj::class::ClassObj, name: &Value) -> ExcRef {
    let type_name = c.tp_name();
    type_error(format!(
        "cannot set '{}' attribute of immutable type '{type_name}'",
        name.as_str().unwrap_or("?")
    ))
}

/// Whether `name` is one of a property's read-only members (fget, fset, fdel), on a
/// property or an instance of a property subclass.
fn is_property_member(obj: &Value, name: &Value) -> bool {
    let target = super::payload::builtin_view(obj);
    matches!(target, Value::Obj(o) if matches!(&**o, Obj::Property(_)))
        && matches!(name.as_str(), Some("fget" | "fset" | "fdel"))
}

/// `obj.__dict__[name]` for the kinds of object that have an attribute dict.
#[inline]
pub(crate) fn instance_attr(obj: &Value, name: &Value) -> Option<Value> {
    let Value::Obj(o) = obj else { return None };
    match &**o {
        Obj::Instance(i) => i.read_attrs(|d| get_str(d, name)),
        Obj::Exception(e) => e.read_dict(|d| get_str(d, name)),
        Obj::Function(f) => f.with_dict(|d| get_str(d, name)),
        Obj::Future(f) => f.attr(name),
        Obj::StaticMethod(w) | Obj::ClassMethod(w) => match &*w.dict.borrow() {
            Some(d) => match &**d {
                Obj::Dict(d) => get_str(&d.borrow(), name),
                _ => None,
            },
            None => None,
        },
        _ => None,
    }
}

/// A class method bound to `cls`: a method object, or for a builtin one
/// (`object.__init_subclass__`) a builtin method, as CPython makes them.
fn bind_classmethod(f: &Value, cls: Value) -> Value {
    if let Value::Obj(o) = f {
        if let Obj::Native(n) = &**o {
            if n.self_.is_none() {
                return Value::obj(Obj::Native(NativeFunction {
                    name: n.name,
                    owner: n.owner,
                    func: n.func,
                    self_: Some(Box::new(cls)),
                }));
            }
        }
    }
    Value::obj(Obj::BoundMethod(BoundMethod {
        func: f.clone(),
        self_: cls,
    }))
}

/// Whether a native function belongs to a module (`builtins` or a native module) rather
/// than to a type.
/// `cls.__doc__` for a class without `__doc__` in its namespace: the docstring of the
/// nearest builtin class in its MRO (CPython's tp_doc, kept out of aio's namespaces so it
/// does not shadow the `__doc__` of functions and other native objects). User classes
/// always have `__doc__` (None when they give none), so this reaches builtin ones only.
fn builtin_type_doc(cls: &Value) -> Value {
    let Value::Obj(o) = cls else {
        return Value::None;
    };
    let Some(c) = as_class(o) else {
        return Value::None;
    };
    let mut chain = vec![o.clone()];
    chain.extend(c.mro.borrow().iter().cloned());
    for k in &chain {
        let Some(kc) = as_class(k) else { continue };
        if let Some(doc) = get_str(&kc.dict.borrow(), &Value::str("__doc__")) {
            return doc;
        }
        if kc.builtin {
            return crate::obj::builtin_docs::doc(&kc.name(), "").map_or(Value::None, Value::str);
        }
    }
    Value::None
}

fn is_module_function(f: &crate::obj::function::NativeFunction) -> bool {
    crate::obj::function::MODULE_OWNERS.contains(&f.owner)
}

fn native_module(f: &crate::obj::function::NativeFunction) -> &'static str {
    if f.owner.is_empty() {
        "builtins"
    } else {
        f.owner
    }
}
