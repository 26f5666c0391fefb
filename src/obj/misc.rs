//! Small object kinds: slice, property, super.

use crate::vm::value::{ObjRef, Value};

/// `slice(start, stop, step)`; each field may be None.
pub struct SliceObj {
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

/// A property. Its accessors are cells because `property.__init__` (re)sets them, as
/// `super().__init__(fget)` in a subclass's `__init__` does.
pub struct PropertyObj {
    pub fget: std::cell::RefCell<Value>,
    pub fset: std::cell::RefCell<Value>,
    pub fdel: std::cell::RefCell<Value>,
    /// `__doc__`: writable, as CPython's `property.__doc__` member.
    pub doc: std::cell::RefCell<Value>,
    /// Whether `doc` was copied from the getter, so `.getter()`/`.setter()` copies take the
    /// new getter's docstring (CPython's `getter_doc` flag).
    pub getter_doc: std::cell::Cell<bool>,
    /// The attribute name `__set_name__` gave it (None until then), for error messages.
    pub name: std::cell::RefCell<Value>,
}

impl PropertyObj {
    /// A property with an explicit (or no) docstring.
    pub fn new(fget: Value, fset: Value, fdel: Value, doc: Value) -> Self {
        PropertyObj {
            fget: std::cell::RefCell::new(fget),
            fset: std::cell::RefCell::new(fset),
            fdel: std::cell::RefCell::new(fdel),
            doc: std::cell::RefCell::new(doc),
            getter_doc: std::cell::Cell::new(false),
            name: std::cell::RefCell::new(Value::None),
        }
    }
}

/// The object inside a `staticmethod` or `classmethod`, with the `__dict__` CPython 3.10+
/// gives them: `__module__`, `__name__`, `__qualname__`, `__doc__` and `__annotations__`
/// copied from the callable. None until first needed for the ones aio makes natively.
pub struct WrappedCallable {
    /// A cell: `staticmethod.__init__`/`classmethod.__init__` (re)set it, as a subclass's
    /// `super().__init__(f)` does.
    pub func: std::cell::RefCell<Value>,
    pub dict: std::cell::RefCell<Option<ObjRef>>,
}

/// `super(cls, obj)`: attribute lookup starts after `cls` in `type(obj).__mro__`.
pub struct SuperObj {
    pub class: ObjRef,
    pub obj: Value,
}

/// `dict.keys()`, `dict.values()`, `dict.items()`: live views of a dict.
pub struct DictViewObj {
    pub dict: ObjRef,
    pub kind: crate::obj::iter::DictIterKind,
}
