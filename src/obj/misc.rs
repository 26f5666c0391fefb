//! Small object kinds: range, slice, property, super.

use crate::vm::value::{ObjRef, Value};

/// `range(start, stop, step)` with i64 bounds.
pub struct RangeObj {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl RangeObj {
    pub fn len(&self) -> i64 {
        if self.step > 0 && self.start < self.stop {
            ((self.stop as i128 - self.start as i128 - 1) / self.step as i128 + 1) as i64
        } else if self.step < 0 && self.start > self.stop {
            ((self.start as i128 - self.stop as i128 - 1) / (-(self.step as i128)) + 1) as i64
        } else {
            0
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

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
