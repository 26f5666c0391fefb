//! Small object kinds: slice, property, super.

use crate::vm::value::{ObjRef, Value};

/// `slice(start, stop, step)`; each field may be None.
pub struct SliceObj {
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

pub struct PropertyObj {
    pub fget: Value,
    pub fset: Value,
    pub fdel: Value,
    /// `__doc__`: writable, as CPython's `property.__doc__` member.
    pub doc: std::cell::RefCell<Value>,
    /// Whether `doc` was copied from the getter, so `.getter()`/`.setter()` copies take the
    /// new getter's docstring (CPython's `getter_doc` flag).
    pub getter_doc: std::cell::Cell<bool>,
}

impl PropertyObj {
    /// A property with an explicit (or no) docstring.
    pub fn new(fget: Value, fset: Value, fdel: Value, doc: Value) -> Self {
        PropertyObj {
            fget,
            fset,
            fdel,
            doc: std::cell::RefCell::new(doc),
            getter_doc: std::cell::Cell::new(false),
        }
    }
}

/// The object inside a `staticmethod` or `classmethod`, with the `__dict__` CPython 3.10+
/// gives them: `__module__`, `__name__`, `__qualname__`, `__doc__` and `__annotations__`
/// copied from the callable. None until first needed for the ones aio makes natively.
pub struct WrappedCallable {
    pub func: Value,
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
