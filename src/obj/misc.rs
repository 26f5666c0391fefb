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
    pub doc: Value,
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
