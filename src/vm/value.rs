//! `Value`: the 16-byte runtime value (DESIGN.md section 3) and `ObjRef`, the counted
//! reference to a heap object.
//!
//! Immediates (None, bool, small int, float) need no reference counting. Everything else is
//! an `ObjRef` to an `Obj`, a closed enum of object kinds (`crate::obj::Obj`). The
//! representation is hidden behind constructors and accessors so it can change later.

use crate::obj::Obj;

/// A counted reference to a heap object (defined with its box in `crate::gc::heap`).
pub use crate::gc::heap::ObjRef;

/// `repr(C, u64)`: the tag is a whole word and every payload sits at offset 8, so moving a
/// value is two aligned words. With Rust's layout (`Bool`'s payload at offset 1), and even
/// with a `u8` tag, moves copy the 15 bytes after the tag as overlapping partial words,
/// which stalls store-to-load forwarding on every push and pop of the value stack.
#[repr(C, u64)]
pub enum Value {
    /// The VM's internal "no value" (CPython's NULL): unbound locals, absent `self` in calls.
    /// Never visible to aio code.
    Undef,
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Obj(ObjRef),
}

impl Clone for Value {
    /// Always inlined: values are cloned on every load of a local or constant.
    #[inline(always)]
    fn clone(&self) -> Value {
        match self {
            Value::Obj(o) => Value::Obj(o.clone()),
            Value::Int(i) => Value::Int(*i),
            Value::Float(x) => Value::Float(*x),
            Value::Bool(b) => Value::Bool(*b),
            Value::None => Value::None,
            Value::Undef => Value::Undef,
        }
    }
}

impl std::fmt::Debug for ObjRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<obj {} at {:#x}>", self.kind_name(), self.addr())
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Undef => write!(f, "<undef>"),
            Value::None => write!(f, "None"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Obj(o) => write!(f, "{o:?}"),
        }
    }
}

impl Value {
    #[inline]
    pub fn obj(o: Obj) -> Value {
        Value::Obj(ObjRef::new(o))
    }
    #[inline]
    pub fn as_obj(&self) -> Option<&ObjRef> {
        match self {
            Value::Obj(o) => Some(o),
            _ => None,
        }
    }
    #[inline]
    pub fn is_undef(&self) -> bool {
        matches!(self, Value::Undef)
    }
    #[inline]
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }
    /// `a is b`
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Undef, Value::Undef) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::Obj(a), Value::Obj(b)) => a.is(b),
            _ => false,
        }
    }
    /// `id(v)`: the object's address; immediates get a stable pseudo-address.
    pub fn id(&self) -> i64 {
        match self {
            Value::Obj(o) => o.addr() as i64,
            Value::None => 0x1000,
            Value::Undef => 0x1008,
            Value::Bool(b) => 0x1010 + *b as i64 * 8,
            Value::Int(i) => i.wrapping_mul(16).wrapping_add(0x7000_0000_0000),
            Value::Float(x) => (x.to_bits() as i64).wrapping_mul(16) | 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 16);
        assert_eq!(std::mem::size_of::<ObjRef>(), 8);
        assert_eq!(std::mem::size_of::<Option<Value>>(), 16);
    }

    /// Every object pays for the largest inline kind: box big kinds instead of growing this
    /// (memory per parked task, DESIGN.md section 9). The largest are 48 bytes plus the
    /// tag: instances, generators, sets, iterators, slices and builtin functions.
    #[test]
    fn obj_stays_small() {
        assert!(std::mem::size_of::<crate::obj::Obj>() <= 56);
    }
}
