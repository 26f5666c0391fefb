//! Types at run time: `type(v)`, subclass tests, MRO computation and lookup, and the
//! creation of user classes (`class` statements call `__build_class__`).

use super::errors::{type_error, PyResult};
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::async_gen::AwaitOp;
use crate::obj::class::{ClassFlags, Layout};
use crate::obj::generator::GenKind;
use crate::obj::iter::{DictIterKind, IterState};
use crate::obj::{ClassObj, DictData, Obj};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// The `ClassObj` inside a class object (callers check `Obj::Class` first or accept panics
/// never: this returns None for non-classes).
pub fn as_class(o: &ObjRef) -> Option<&ClassObj> {
    match &**o {
        Obj::Class(c) => Some(c),
        _ => None,
    }
}

/// `issubclass(a, b)` for class objects.
pub fn is_subclass(a: &ObjRef, b: &ObjRef) -> bool {
    if a.is(b) {
        return true;
    }
    match &**a {
        Obj::Class(c) => c.mro.borrow().iter().any(|m| m.is(b)),
        _ => false,
    }
}

/// Looks `name` up along the MRO of class `cls` (the class itself first).
/// Answers come from `lookup_cache` when it remembers where the name is.
pub fn lookup(cls: &ObjRef, name: &Value) -> Option<Value> {
    use super::lookup_cache::{self, Found, Hit};
    let c = as_class(cls)?;
    let Value::Obj(name_ref) = name else {
        return lookup_walk(c, name).map(|(v, _)| v);
    };
    match lookup_cache::get(cls.addr(), name_ref) {
        Some(Hit::Missing) => return None,
        Some(Hit::Value(v)) => return Some(v),
        Some(Hit::At(i)) => {
            let owner = match i {
                0 => Some(cls.clone()),
                i => c.mro.borrow().get(i as usize - 1).cloned(),
            };
            let hit = owner
                .as_ref()
                .and_then(as_class)
                .and_then(|oc| super::dictops::get_str(&oc.dict.borrow(), name));
            if hit.is_some() {
                return hit;
            }
        }
        None => {}
    }
    let r = lookup_walk(c, name);
    let found = match &r {
        Some((_, i)) => Found::At(*i),
        None => Found::Missing,
    };
    lookup_cache::put(cls.addr(), name_ref, found, r.as_ref().map(|(v, _)| v));
    r.map(|(v, _)| v)
}

/// The uncached MRO walk: the value and its position (0: the class itself, i: `mro[i - 1]`).
fn lookup_walk(c: &ClassObj, name: &Value) -> Option<(Value, u32)> {
    if let Some(v) = super::dictops::get_str(&c.dict.borrow(), name) {
        return Some((v, 0));
    }
    for (i, base) in c.mro.borrow().iter().enumerate() {
        if let Some(bc) = as_class(base) {
            if let Some(v) = super::dictops::get_str(&bc.dict.borrow(), name) {
                return Some((v, i as u32 + 1));
            }
        }
    }
    None
}

/// Like `lookup`, also returning the class where the name was found.
pub fn lookup_with_owner(cls: &ObjRef, name: &Value) -> Option<(Value, ObjRef)> {
    let c = as_class(cls)?;
    if let Some(v) = super::dictops::get_str(&c.dict.borrow(), name) {
        return Some((v, cls.clone()));
    }
    for base in c.mro.borrow().iter() {
        if let Some(bc) = as_class(base) {
            if let Some(v) = super::dictops::get_str(&bc.dict.borrow(), name) {
                return Some((v, base.clone()));
            }
        }
    }
    None
}

/// C3 linearization of `bases` (the MRO of a new class, without the class itself).
pub fn c3_mro(name: &str, bases: &[ObjRef]) -> PyResult<Vec<ObjRef>> {
    let mut seqs: Vec<Vec<ObjRef>> = Vec::new();
    for b in bases {
        let mut s = vec![b.clone()];
        if let Some(c) = as_class(b) {
            s.extend(c.mro.borrow().iter().cloned());
        }
        seqs.push(s);
    }
    seqs.push(bases.to_vec());
    let mut out: Vec<ObjRef> = Vec::new();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Ok(out);
        }
        let mut found = None;
        for s in &seqs {
            let cand = &s[0];
            if !seqs.iter().any(|t| t[1..].iter().any(|x| x.is(cand))) {
                found = Some(cand.clone());
                break;
            }
        }
        let Some(next) = found else {
            // CPython's set_mro_error names the heads left unmerged, each once.
            let mut heads: Vec<ObjRef> = Vec::new();
            for s in &seqs {
                if !heads.iter().any(|h| h.is(&s[0])) {
                    heads.push(s[0].clone());
                }
            }
            let names: Vec<String> = heads.iter().map(|b| class_name(b).to_string()).collect();
            return Err(type_error(format!(
                "Cannot create a consistent method resolution\norder (MRO) for bases {}",
                if names.is_empty() {
                    name.to_string()
                } else {
                    names.join(", ")
                }
            )));
        };
        for s in seqs.iter_mut() {
            if s[0].is(&next) {
                s.remove(0);
            }
        }
        out.push(next);
    }
}

/// `cls.__name__`
pub fn class_name(cls: &ObjRef) -> Rc<str> {
    match as_class(cls) {
        Some(c) => c.name(),
        None => Rc::from("?"),
    }
}

/// Recomputes cached facts of a class and of every class below it (after creation, or a
/// `setattr`/`delattr` on it: subclasses inherit `__getattribute__` and the others).
pub fn refresh_flags(cls: &ObjRef, vm: &mut Vm) {
    let mut todo = vec![cls.clone()];
    let mut seen = std::collections::HashSet::new();
    while let Some(c) = todo.pop() {
        if seen.insert(c.addr()) {
            refresh_own_flags(&c, vm);
            todo.extend(crate::obj::methods::type_::direct_subclasses(&c));
        }
    }
}

fn refresh_own_flags(cls: &ObjRef, vm: &mut Vm) {
    // Which of these some user class in the MRO defines (a builtin's does not count).
    let names = [
        "__del__",
        "__getattr__",
        "__getattribute__",
        "__setattr__",
        "__eq__",
        "__ne__",
        "__lt__",
        "__le__",
        "__gt__",
        "__ge__",
    ];
    let mut user = [false; 10];
    for (i, n) in names.iter().enumerate() {
        let key = vm.intern(n);
        if let Some((_, owner)) = lookup_with_owner(cls, &key) {
            user[i] = !as_class(&owner).is_some_and(|c| c.builtin);
        }
    }
    let slotted = slot_names(cls, vm).is_some();
    if user[0] {
        crate::gc::module_teardown::note_class_with_del();
    }
    if let Some(c) = as_class(cls) {
        c.flags.set(ClassFlags {
            has_del: user[0],
            has_getattr: user[1],
            has_getattribute: user[2],
            has_setattr: user[3],
            slotted,
            abstract_: c.flags.get().abstract_,
            builtin_compare: !user[4..].contains(&true),
        });
    }
}

/// Whether some user class in `cls`'s MRO declares `__slots__` that hold values (any
/// name but `__dict__` and `__weakref__`). Empty slots, as the `collections.abc` classes
/// declare, store nothing.
pub fn declares_slots(cls: &ObjRef, vm: &mut Vm) -> bool {
    let key = vm.intern("__slots__");
    let Some(c) = as_class(cls) else { return false };
    let mut chain = vec![cls.clone()];
    chain.extend(c.mro.borrow().iter().cloned());
    chain
        .iter()
        .filter_map(|k| as_class(k))
        .filter(|kc| !kc.builtin)
        .filter_map(|kc| super::dictops::get_str(&kc.dict.borrow(), &key))
        .any(|slots| holds_values(&slots))
}

/// Whether a `__slots__` value names a slot that stores a value. Any value other than a
/// str, tuple or list (see `slot_items`) counts as holding values.
fn holds_values(slots: &Value) -> bool {
    let storing = |name: &Value| !matches!(name.as_str(), Some("__dict__" | "__weakref__"));
    slot_items(slots).is_none_or(|items| items.iter().any(storing))
}

/// The names a `__slots__` value lists when it is a str (one name), a tuple or a list;
/// None for anything else.
fn slot_items(slots: &Value) -> Option<Vec<Value>> {
    match slots {
        Value::Obj(o) => match &**o {
            Obj::Str(_) => Some(vec![slots.clone()]),
            Obj::Tuple(t) => Some(t.to_vec()),
            Obj::List(l) => Some(l.borrow().clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The attribute names instances of `cls` may have when every user class in its MRO
/// declares `__slots__` (without `"__dict__"`); None when instances have a `__dict__`.
pub fn slot_names(cls: &ObjRef, vm: &mut Vm) -> Option<Vec<Value>> {
    let key = vm.intern("__slots__");
    let c = as_class(cls)?;
    let mut chain = vec![cls.clone()];
    chain.extend(c.mro.borrow().iter().cloned());
    let mut names = Vec::new();
    for k in &chain {
        let kc = as_class(k)?;
        if kc.builtin {
            continue;
        }
        let slots = super::dictops::get_str(&kc.dict.borrow(), &key)?;
        let items = slot_items(&slots)?;
        if items.iter().any(|n| n.as_str() == Some("__dict__")) {
            return None;
        }
        // Private slot names are mangled with the declaring class's name, as CPython's
        // `type_new` does (`__slots__ = ("__y",)` in `S` makes the slot `_S__y`).
        let owner = kc.name();
        names.extend(items.into_iter().map(|n| match n.as_str() {
            Some(raw) => {
                let mangled = crate::compile::symtable::mangle(Some(&owner), raw);
                if mangled == raw {
                    n
                } else {
                    Value::string(mangled)
                }
            }
            None => n,
        }));
    }
    Some(names)
}

/// Whether instances of `cls` (an instance or exception layout) can be referred to weakly,
/// as CPython decides it at class creation: a user class in the MRO that declares no
/// `__slots__`, or lists `"__weakref__"` in them, gives instances a weakref slot; so does a
/// builtin base whose own instances have one (set, frozenset, deque).
pub fn instances_weakrefable(cls: &ObjRef, vm: &mut Vm) -> bool {
    let key = vm.intern("__slots__");
    let Some(c) = as_class(cls) else { return false };
    let mut chain = vec![cls.clone()];
    chain.extend(c.mro.borrow().iter().cloned());
    // Variable-size builtins (int, bytes, tuple) leave no room for a weakref slot in
    // their subclasses' instances.
    let t = &vm.t;
    if chain
        .iter()
        .any(|k| k.is(&t.int) || k.is(&t.bool_) || k.is(&t.bytes) || k.is(&t.tuple))
    {
        return false;
    }
    chain.iter().any(|k| {
        let Some(kc) = as_class(k) else { return false };
        if kc.builtin {
            let t = &vm.t;
            return k.is(&t.set) || k.is(&t.frozenset) || k.is(&t.deque);
        }
        let slots = super::dictops::get_str(&kc.dict.borrow(), &key);
        match slots {
            None => true,
            Some(slots) => slot_items(&slots)
                .is_none_or(|items| items.iter().any(|n| n.as_str() == Some("__weakref__"))),
        }
    })
}

impl Vm {
    /// `type(v)`
    pub fn type_of(&self, v: &Value) -> ObjRef {
        type_of_value(&self.t, v)
    }
}

/// `type(v).addr()` without taking a reference for the common kinds (method caches compare
/// it on every `LoadMethod`).
#[inline]
pub fn type_addr_of_value(t: &super::types::Types, v: &Value) -> usize {
    let Value::Obj(o) = v else {
        return type_of_value(t, v).addr();
    };
    match &**o {
        Obj::Str(_) => t.str_.addr(),
        Obj::List(_) => t.list.addr(),
        Obj::Dict(_) => t.dict.addr(),
        Obj::Tuple(_) => t.tuple.addr(),
        Obj::Deque(_) => t.deque.addr(),
        Obj::Set(_) => t.set.addr(),
        Obj::Bytes(_) => t.bytes.addr(),
        Obj::Instance(i) => i.class_addr(),
        _ => type_of_value(t, v).addr(),
    }
}

/// `type(v)`, given the builtin types.
pub fn type_of_value(t: &super::types::Types, v: &Value) -> ObjRef {
    match v {
        Value::Undef | Value::None => t.none.clone(),
        Value::Bool(_) => t.bool_.clone(),
        Value::Int(_) => t.int.clone(),
        Value::Float(_) => t.float.clone(),
        Value::Obj(o) => match &**o {
            Obj::Str(_) => t.str_.clone(),
            Obj::Bytes(_) => t.bytes.clone(),
            Obj::ByteArray(_) => t.bytearray.clone(),
            Obj::BigInt(_) => t.int.clone(),
            Obj::Complex(_) => t.complex.clone(),
            Obj::List(_) => t.list.clone(),
            Obj::Deque(_) => t.deque.clone(),
            Obj::Tuple(_) => t.tuple.clone(),
            Obj::Dict(_) => t.dict.clone(),
            Obj::Set(_) => t.set.clone(),
            Obj::FrozenSet(_) => t.frozenset.clone(),
            Obj::Range(_) => t.range.clone(),
            Obj::MemoryView(_) => t.memoryview.clone(),
            Obj::Slice(_) => t.slice.clone(),
            Obj::Iter(st) => iter_class(t, &st.borrow()),
            Obj::Function(_) => t.function.clone(),
            Obj::BoundMethod(_) => t.method.clone(),
            Obj::Native(_) => t.builtin_function.clone(),
            Obj::Cell(_) => t.cell.clone(),
            Obj::Class(c) => match &*c.metaclass.borrow() {
                Some(m) => m.clone(),
                None => t.type_.clone(),
            },
            Obj::Instance(i) => i.class(),
            Obj::Exception(e) => e.class.clone(),
            Obj::Future(f) => f.class.clone(),
            Obj::Handle(h) => h.class.clone(),
            Obj::Module(_) => t.module.clone(),
            Obj::Code(_) => t.code.clone(),
            Obj::Frame(_) => t.frame.clone(),
            Obj::Traceback(_) => t.traceback.clone(),
            Obj::Generator(g) => match g.kind {
                GenKind::Generator => t.generator.clone(),
                GenKind::Coroutine => t.coroutine.clone(),
                GenKind::AsyncGenerator => t.async_generator.clone(),
            },
            Obj::AsyncAwaitable(a) => match a.op {
                AwaitOp::ASend { .. } => t.async_generator_asend.clone(),
                AwaitOp::AThrow { .. } => t.async_generator_athrow.clone(),
                AwaitOp::ANext { .. } => t.anext_awaitable.clone(),
                AwaitOp::FutureIter { .. } => t.future_iter.clone(),
                AwaitOp::CoroWrapper { .. } => t.coroutine_wrapper.clone(),
            },
            Obj::Property(_) => t.property.clone(),
            Obj::StaticMethod(_) => t.staticmethod.clone(),
            Obj::ClassMethod(_) => t.classmethod.clone(),
            Obj::Super(_) => t.super_.clone(),
            Obj::Stream(_) => t.text_io.clone(),
            Obj::Ellipsis => t.ellipsis.clone(),
            Obj::NotImplemented => t.not_implemented.clone(),
            Obj::WeakRef(_) => t.weakref.clone(),
            Obj::DictView(view) => match view.kind {
                DictIterKind::Keys => t.dict_keys.clone(),
                DictIterKind::Values => t.dict_values.clone(),
                DictIterKind::Items => t.dict_items.clone(),
            },
        },
    }
}

impl Vm {
    /// The name messages give `type(v)`: CPython's `tp_name`, which is `__name__` except
    /// for a C type of a module other than builtins (`'_asyncio.Future'`,
    /// `'collections.deque'`).
    pub fn type_name(&self, v: &Value) -> Rc<str> {
        let cls = self.type_of(v);
        match as_class(&cls) {
            Some(c) => c.tp_name(),
            None => class_name(&cls),
        }
    }

    /// `isinstance(v, cls)` for a single class.
    pub fn isinstance(&self, v: &Value, cls: &ObjRef) -> bool {
        is_subclass(&self.type_of(v), cls)
    }

    /// Looks up `name` on `type(v)` (special-method lookup, which skips the instance).
    /// The result is called as `f(v, *args)`. A function or a method of a builtin type is
    /// returned as found; any other attribute (a descriptor such as a staticmethod,
    /// classmethod, property or an object with `__get__`, or a plain callable such as a
    /// class or a bound method) is returned wrapped, so that the call binds it as CPython's
    /// slot lookup does (`type(v).__dict__[name].__get__(v, type(v))(*args)`, or
    /// `attr(*args)` without `v` when it is no descriptor).
    pub fn lookup_special(&mut self, v: &Value, name: &str) -> Option<Value> {
        let key = self.intern(name);
        let found = lookup(&self.type_of(v), &key)?;
        let plain = match &found {
            Value::Obj(o) => match &**o {
                Obj::Function(_) => true,
                Obj::Native(n) => n.binds(),
                Obj::Instance(_)
                | Obj::StaticMethod(_)
                | Obj::ClassMethod(_)
                | Obj::Property(_)
                | Obj::BoundMethod(_)
                | Obj::Class(_) => false,
                _ => true,
            },
            _ => true,
        };
        if plain {
            return Some(found);
        }
        Some(Value::obj(Obj::Native(
            crate::obj::function::NativeFunction {
                name: "__call__",
                owner: "special method",
                func: call_bound_special,
                self_: Some(Box::new(found)),
            },
        )))
    }

    /// The class that fixes the instance layout of `cls`'s instances: the builtin type a
    /// payload class extends, `BaseException` for exceptions (they share one layout), the
    /// root of the other native classes (futures), `object` for plain classes.
    pub(crate) fn solid_base(&self, cls: &ObjRef) -> ObjRef {
        let Some(c) = as_class(cls) else {
            return self.t.object.clone();
        };
        match c.layout {
            Layout::Object => self.t.object.clone(),
            Layout::Exception => super::types::exc_class(super::types::ExcKind::BaseException),
            Layout::Payload => self.payload_base(cls).unwrap_or_else(|| cls.clone()),
            Layout::Builtin | Layout::Future => {
                let mro = c.mro.borrow();
                let mut root = cls.clone();
                for b in mro.iter() {
                    if as_class(b).is_some_and(|bc| bc.layout == c.layout) {
                        root = b.clone();
                    }
                }
                root
            }
        }
    }

    /// Creates a user class: `name`, `bases`, and the namespace filled by the class body.
    pub fn new_user_class(
        &mut self,
        name: &str,
        bases: Vec<ObjRef>,
        ns: DictData,
        metaclass: Option<ObjRef>,
    ) -> PyResult<ObjRef> {
        let bases = if bases.is_empty() {
            vec![self.t.object.clone()]
        } else {
            bases
        };
        let mut ns = ns;
        // As `type_new` does: these two are class methods even when written as plain
        // functions (so `super().__init_subclass__()` binds the class).
        for name in ["__init_subclass__", "__class_getitem__"] {
            let key = self.intern(name);
            if let Some(f) = super::dictops::get_str(&ns, &key) {
                if matches!(&f, Value::Obj(o) if matches!(&**o, Obj::Function(_))) {
                    super::dictops::set_str(&mut ns, key, Value::obj(Obj::class_method(f)));
                }
            }
        }
        let mut layout = Layout::Object;
        // The builtin class whose instance layout the new class extends (CPython's
        // "solid base"): all bases must agree on it.
        let mut solid: Option<ObjRef> = None;
        for b in &bases {
            let Some(bc) = as_class(b) else {
                return Err(type_error("bases must be types"));
            };
            let base_layout = match bc.layout {
                Layout::Builtin if b.is(&self.t.type_) => continue, // a metaclass
                Layout::Builtin => match self.bad_builtin_base(b) {
                    Some(e) => return Err(e),
                    None => Layout::Payload,
                },
                other => other,
            };
            if base_layout == Layout::Object {
                continue;
            }
            let base_solid = self.solid_base(b);
            match &solid {
                Some(s) if !super::class::is_subclass(&base_solid, s) => {
                    if !super::class::is_subclass(s, &base_solid) {
                        return Err(type_error("multiple bases have instance lay-out conflict"));
                    }
                }
                _ => {
                    solid = Some(base_solid);
                    layout = base_layout;
                }
            }
        }
        let mro = c3_mro(name, &bases)?;
        // As `type_new`: `__qualname__` is the class's own, not a namespace entry, and
        // `__doc__` always is one (so an instance never finds a base class's docstring).
        let qualname = match super::dictops::del_str(&mut ns, &self.intern("__qualname__")) {
            None => Rc::from(name),
            Some(v) => match v.as_str() {
                Some(s) => Rc::from(s),
                None => {
                    return Err(type_error(format!(
                        "type __qualname__ must be a str, not {}",
                        self.type_name(&v)
                    )))
                }
            },
        };
        let doc = self.intern("__doc__");
        if super::dictops::get_str(&ns, &doc).is_none() {
            super::dictops::set_str(&mut ns, doc, Value::None);
        }
        let module = super::dictops::get_str(&ns, &self.intern("__module__"))
            .and_then(|v| v.as_str().map(Rc::from))
            .unwrap_or_else(|| Rc::from("__main__"));
        let created_len = u32::try_from(ns.len()).unwrap_or(u32::MAX);
        let cls = ObjRef::new(Obj::Class(Box::new(ClassObj {
            name: RefCell::new(Rc::from(name)),
            qualname: RefCell::new(qualname),
            module: RefCell::new(module),
            bases: RefCell::new(bases),
            mro: RefCell::new(mro),
            dict: RefCell::new(ns),
            layout,
            builtin: false,
            flags: Cell::new(ClassFlags::default()),
            metaclass: RefCell::new(metaclass),
            attrs_hint: Cell::new(0),
            created_len,
            made_descriptors: RefCell::new(DictData::new()),
            instance_names: Default::default(),
        })));
        refresh_flags(&cls, self);
        Ok(cls)
    }
}

/// The type of a native iterator, named as CPython names it.
pub fn iter_class(t: &super::types::Types, st: &IterState) -> ObjRef {
    fn source(seq: &Value) -> Option<&Obj> {
        seq.as_obj().map(|o| &**o)
    }
    match st {
        IterState::Seq { seq, .. } => match source(seq) {
            Some(Obj::List(_)) => t.list_iterator.clone(),
            Some(Obj::Tuple(_)) => t.tuple_iterator.clone(),
            Some(Obj::Bytes(_)) => t.bytes_iterator.clone(),
            Some(Obj::ByteArray(_)) => t.bytearray_iterator.clone(),
            Some(Obj::MemoryView(_)) => t.memory_iterator.clone(),
            _ => t.iterator.clone(),
        },
        IterState::Reversed { seq, .. } => match source(seq) {
            Some(Obj::List(_)) => t.list_reverseiterator.clone(),
            _ => t.reversed.clone(),
        },
        IterState::Deque { reverse: false, .. } => t.deque_iterator.clone(),
        IterState::Deque { reverse: true, .. } => t.deque_reverse_iterator.clone(),
        IterState::Range { .. } => t.range_iterator.clone(),
        IterState::LongRange { .. } => t.longrange_iterator.clone(),
        IterState::Str { s, .. } => match &**s {
            Obj::Str(so) if !so.ascii => t.str_iterator.clone(),
            _ => t.str_ascii_iterator.clone(),
        },
        IterState::Dict { kind, .. } => match kind {
            DictIterKind::Keys => t.dict_keyiterator.clone(),
            DictIterKind::Values => t.dict_valueiterator.clone(),
            DictIterKind::Items => t.dict_itemiterator.clone(),
        },
        IterState::DictReversed { kind, .. } => match kind {
            DictIterKind::Keys => t.dict_reversekeyiterator.clone(),
            DictIterKind::Values => t.dict_reversevalueiterator.clone(),
            DictIterKind::Items => t.dict_reverseitemiterator.clone(),
        },
        IterState::Set { .. } => t.set_iterator.clone(),
        IterState::Enumerate { .. } => t.enumerate.clone(),
        IterState::Zip { .. } => t.zip.clone(),
        IterState::Map { .. } => t.map.clone(),
        IterState::Filter { .. } => t.filter.clone(),
        IterState::Callable { .. } => t.callable_iterator.clone(),
        IterState::Exhausted { class } => class.clone().unwrap_or_else(|| t.iterator.clone()),
    }
}

/// The wrapper `lookup_special` gives a special method that is not a plain function:
/// `pos` is `[attribute, v, *args]`; the attribute is bound to `v` as attribute lookup
/// binds it, and called with `args`.
fn call_bound_special(vm: &mut Vm, args: &crate::obj::function::Args) -> PyResult<Value> {
    let (Some(attr), Some(obj)) = (args.pos.first(), args.pos.get(1)) else {
        return Err(super::errors::type_error(
            "special method called without its object",
        ));
    };
    let cls = vm.type_of(obj);
    let bound = vm.bind_descr(attr.clone(), obj, &cls)?;
    let mut call_args: Vec<Value> = args.pos[2..].to_vec();
    call_args.extend_from_slice(args.kwvalues);
    vm.call_kw(&bound, &call_args, args.kwnames)
}
