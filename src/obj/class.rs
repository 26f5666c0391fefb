//! Classes (`type` objects, builtin and user-defined) and plain instances of user classes.

use super::dict::DictData;
use super::Obj;
use crate::vm::value::{ObjRef, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Which native payload instances of a class carry (CPython's "instance layout"). A user
/// class inherits the layout of its builtin base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `InstanceObj`: a class deriving from `object` only.
    Object,
    /// `ExceptionObj`: BaseException and subclasses.
    Exception,
    /// `FutureObj`: asyncio.Future, asyncio.Task and subclasses.
    Future,
    /// A builtin type whose instances are some other `Obj` kind (int, str, list, ...).
    Builtin,
    /// A user subclass of a builtin type such as `list` or `int`: `InstanceObj`s whose
    /// `payload` holds the builtin value (see `crate::vm::payload`).
    Payload,
}

/// Cached facts about a class, recomputed when its namespace (or a base's) changes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClassFlags {
    pub has_del: bool,
    pub has_getattr: bool,
    pub has_getattribute: bool,
    pub has_setattr: bool,
    /// Every user class in the MRO declares `__slots__` without `__dict__`: instances
    /// accept only the slot names as attributes.
    pub slotted: bool,
    /// `cls.__abstractmethods__` was last set to a true value (CPython's
    /// Py_TPFLAGS_IS_ABSTRACT): `object.__new__` refuses to instantiate the class. Set only
    /// by assignment to that attribute, so not recomputed from the namespace.
    pub abstract_: bool,
    /// The six rich comparisons all come from builtin classes: an int subclass that
    /// overrides none of them (IntEnum, IntFlag) compares as its int.
    pub builtin_compare: bool,
}

pub struct ClassObj {
    pub name: RefCell<Rc<str>>,
    pub qualname: RefCell<Rc<str>>,
    pub module: RefCell<Rc<str>>,
    pub bases: RefCell<Vec<ObjRef>>,
    /// Method resolution order without the class itself (which always comes first).
    pub mro: RefCell<Vec<ObjRef>>,
    pub dict: RefCell<DictData>,
    pub layout: Layout,
    /// Builtin types reject attribute assignment ("cannot set 'x' attribute of immutable type 'int'").
    pub builtin: bool,
    pub flags: Cell<ClassFlags>,
    /// The metaclass when it is not `type`.
    pub metaclass: RefCell<Option<ObjRef>>,
    /// How many attributes `__init__` has given an instance (the most seen by the
    /// attribute cache's stores): a new instance's namespace starts with room for them,
    /// instead of growing (and moving its entries) as they arrive. CPython shares one
    /// keys table per class to the same end.
    pub attrs_hint: Cell<u8>,
    /// How many entries the namespace had when the class was made (the class body's,
    /// and the `__doc__` added then): where `cls.__dict__` lists the descriptors
    /// CPython's type_new adds (see vm/class_layout.rs), before later additions.
    pub created_len: u32,
    /// The descriptors vm/class_layout.rs made for `cls.__dict__` and `cls.slot`, by
    /// name, so each is one object as CPython's are.
    pub made_descriptors: RefCell<DictData>,
    /// The names its instances' namespaces ever held (see `obj::instance_names`).
    pub instance_names: super::instance_names::InstanceNames,
}

impl ClassObj {
    pub fn name(&self) -> Rc<str> {
        self.name.borrow().clone()
    }

    /// The name CPython's messages give the class (its `tp_name`): `__name__`, except for
    /// a C type of a module other than builtins (`_asyncio.Task`, `collections.deque`),
    /// including those aio's stdlib writes in aio (`datetime.date`).
    pub fn tp_name(&self) -> Rc<str> {
        if !self.builtin {
            // `__module__` as the class now has it: the stdlib reassigns some (`'_io'`).
            let module =
                crate::vm::dictops::get_str(&self.dict.borrow(), &Value::str("__module__"))
                    .and_then(|m| m.as_str().map(Rc::<str>::from))
                    .unwrap_or_else(|| self.module.borrow().clone());
            let dotted = format!("{module}.{}", self.qualname.borrow());
            return if crate::obj::c_type_names::is_c_type_name(&dotted) {
                Rc::from(dotted)
            } else {
                self.name()
            };
        }
        let module = self.module.borrow().clone();
        match &*module {
            "" | "builtins" => self.name(),
            m => Rc::from(format!("{m}.{}", self.name())),
        }
    }
}

impl crate::obj::Obj {
    /// For an `Obj::Class`: whether instances have a `__del__` finalizer.
    pub fn class_has_del(&self) -> bool {
        match self {
            crate::obj::Obj::Class(c) => c.flags.get().has_del,
            _ => false,
        }
    }
}

/// An instance of a user class (layout `Object`, or `Payload` for subclasses of builtin
/// types such as `list`).
pub struct InstanceObj {
    /// Mutable: `obj.__class__ = Other` between compatible classes.
    pub class: ClassSlot,
    pub attrs: AttrSlot,
    /// For a subclass of a builtin type, the builtin value this instance extends (a list,
    /// an int, ...); None otherwise. Set once when the instance is created. Boxed: few
    /// instances have one, and every object pays for the largest inline kind.
    pub payload: Option<Box<Value>>,
}

/// An instance's attributes: stored inline until `__dict__` is asked for, then in a dict
/// object shared with whoever holds `__dict__`, so that dict stays live.
pub enum Attrs {
    Inline(DictData),
    /// An `Obj::Dict`.
    Shared(ObjRef),
}

impl Default for Attrs {
    fn default() -> Attrs {
        Attrs::Inline(DictData::new())
    }
}

/// An instance's attributes: a `Cell` rather than a `RefCell`, 40 bytes instead of 48,
/// because the size of every object follows the size of an instance (as `ClassSlot`).
/// They are moved out while in use, by methods that call nothing that could look at them
/// (table operations with str keys; the cycle collector's visits), and an empty namespace
/// (no allocation) stands in meanwhile.
pub struct AttrSlot(Cell<Attrs>);

impl AttrSlot {
    /// Runs `f` on the attributes.
    #[inline]
    pub fn with<R>(&self, f: impl FnOnce(&mut Attrs) -> R) -> R {
        let mut a = self.0.take();
        let r = f(&mut a);
        let stand_in = self.0.replace(a);
        // The empty namespace `take` left owns no allocation: forgetting it is dropping
        // it, without the drop code (which made attribute access slower than a RefCell).
        // It could only own something if `f` re-entered and stored attributes, which no
        // caller does; that would leak them, never be unsound.
        debug_assert!(matches!(&stand_in, Attrs::Inline(d) if d.owns_nothing()));
        std::mem::forget(stand_in);
        r
    }

    /// Sets the attributes, returning the old ones.
    pub fn replace(&self, a: Attrs) -> Attrs {
        self.0.replace(a)
    }

    pub fn get_mut(&mut self) -> &mut Attrs {
        self.0.get_mut()
    }
}

/// An instance's class: a `Cell` rather than a `RefCell`, 8 bytes instead of 16, because
/// the size of every object follows the size of an instance. The slot is empty only
/// inside its own methods, which call nothing that could look at it.
pub struct ClassSlot(Cell<Option<ObjRef>>);

impl ClassSlot {
    /// Runs `f` on the class.
    pub fn with<R>(&self, f: impl FnOnce(&ObjRef) -> R) -> R {
        let class = self.0.take().expect("an instance always has a class");
        let r = f(&class);
        self.0.set(Some(class));
        r
    }

    /// `obj.__class__ = new`.
    pub fn set(&self, new: ObjRef) {
        drop(self.0.replace(Some(new)));
    }
}

impl InstanceObj {
    pub fn new(class: ObjRef, payload: Value) -> InstanceObj {
        InstanceObj::with_attrs(class, DictData::new(), payload)
    }

    pub fn with_attrs(class: ObjRef, attrs: DictData, payload: Value) -> InstanceObj {
        if let Obj::Class(c) = &*class {
            attrs.iter().for_each(|e| c.instance_names.note(&e.key));
        }
        InstanceObj {
            class: ClassSlot(Cell::new(Some(class))),
            attrs: AttrSlot(Cell::new(Attrs::Inline(attrs))),
            payload: (!payload.is_undef()).then(|| Box::new(payload)),
        }
    }

    /// The builtin value a subclass instance extends, `Value::Undef` for none.
    pub fn payload(&self) -> &Value {
        const NONE: &Value = &Value::Undef;
        self.payload.as_deref().unwrap_or(NONE)
    }

    pub fn class(&self) -> ObjRef {
        self.class.with(ObjRef::clone)
    }

    /// `self.class().addr()` without taking a reference.
    pub fn class_addr(&self) -> usize {
        self.class.with(ObjRef::addr)
    }

    /// Runs `f` on the attribute namespace.
    pub fn read_attrs<R>(&self, f: impl FnOnce(&DictData) -> R) -> R {
        self.attrs.with(|a| match a {
            Attrs::Inline(d) => f(d),
            Attrs::Shared(o) => match &**o {
                Obj::Dict(d) => f(&d.borrow()),
                _ => f(&DictData::new()),
            },
        })
    }

    /// `obj.name = v` in the namespace (no descriptor or hook involved).
    pub fn set_attr(&self, name: Value, v: Value) {
        let added = self.write_attrs(|d| {
            let before = d.len();
            crate::vm::dictops::set_str(d, name.clone(), v);
            d.len() > before
        });
        if added {
            self.note_name(&name);
        }
    }

    /// Records that the namespace gained `name` (see `obj::instance_names`).
    pub fn note_name(&self, name: &Value) {
        self.class.with(|c| {
            if let Obj::Class(c) = &**c {
                c.instance_names.note(name);
            }
        });
    }

    /// Runs `f` on the attribute namespace, mutably.
    pub fn write_attrs<R>(&self, f: impl FnOnce(&mut DictData) -> R) -> R {
        self.attrs.with(|a| match a {
            Attrs::Inline(d) => f(d),
            Attrs::Shared(o) => match &**o {
                Obj::Dict(d) => f(&mut d.borrow_mut()),
                _ => f(&mut DictData::new()),
            },
        })
    }

    /// The namespace's layout (`DictData::layout`), and whether it is inline (no dict
    /// object stands for it, so every change to it went through this instance).
    pub fn attrs_layout(&self) -> (u32, bool) {
        self.attrs.with(|a| match a {
            Attrs::Inline(d) => (d.layout(), true),
            Attrs::Shared(o) => match &**o {
                Obj::Dict(d) => (d.borrow().layout(), false),
                _ => (0, false),
            },
        })
    }

    /// `obj.__dict__`: moves inline attributes into a dict object on first use.
    pub fn dict_object(&self) -> ObjRef {
        self.attrs.with(|attrs| match attrs {
            Attrs::Shared(o) => o.clone(),
            Attrs::Inline(d) => {
                let o = ObjRef::new(Obj::Dict(RefCell::new(std::mem::take(d))));
                *attrs = Attrs::Shared(o.clone());
                o
            }
        })
    }

    /// `obj.__dict__ = d` (`d` an `Obj::Dict`).
    pub fn set_dict_object(&self, d: ObjRef) {
        drop(self.attrs.replace(Attrs::Shared(d)));
    }
}
