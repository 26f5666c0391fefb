//! Constructors and accessors for common values (`Value::str`, `Value::tuple`, ...).

use super::value::{ObjRef, Value};
use crate::obj::{DictData, Obj, SetData, StrObj};
use num_bigint::BigInt;
use num_traits::ToPrimitive;
use std::cell::RefCell;

impl Value {
    pub fn str(s: &str) -> Value {
        Value::obj(Obj::Str(StrObj::new(s)))
    }
    pub fn string(s: String) -> Value {
        Value::obj(Obj::Str(StrObj::new(s)))
    }
    pub fn bytes(b: Vec<u8>) -> Value {
        Value::obj(Obj::Bytes(b.into_boxed_slice()))
    }
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::obj(Obj::Tuple(items.into_boxed_slice()))
    }
    pub fn list(items: Vec<Value>) -> Value {
        Value::obj(Obj::List(RefCell::new(items)))
    }
    pub fn dict(d: DictData) -> Value {
        Value::obj(Obj::Dict(RefCell::new(d)))
    }
    pub fn set(s: SetData) -> Value {
        Value::obj(Obj::Set(RefCell::new(s)))
    }
    pub fn frozenset(s: SetData) -> Value {
        Value::obj(Obj::FrozenSet(s))
    }
    /// An int from a big integer, normalized to `Value::Int` when it fits in i64.
    pub fn from_bigint(b: BigInt) -> Value {
        match b.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::obj(Obj::BigInt(b)),
        }
    }
    pub fn from_i128(i: i128) -> Value {
        match i64::try_from(i) {
            Ok(v) => Value::Int(v),
            Err(_) => Value::obj(Obj::BigInt(BigInt::from(i))),
        }
    }

    /// The `&str` inside a str value.
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Obj(o) => match &**o {
                Obj::Str(s) => Some(s.as_str()),
                _ => None,
            },
            _ => None,
        }
    }
    #[inline]
    pub fn as_strobj(&self) -> Option<&StrObj> {
        match self {
            Value::Obj(o) => match &**o {
                Obj::Str(s) => Some(s),
                _ => None,
            },
            _ => None,
        }
    }
    /// The items of a tuple value.
    pub fn as_tuple(&self) -> Option<&[Value]> {
        match self {
            Value::Obj(o) => match &**o {
                Obj::Tuple(t) => Some(t),
                _ => None,
            },
            _ => None,
        }
    }
    /// An int (small or big) as a BigInt; bools count as ints.
    pub fn to_bigint(&self) -> Option<BigInt> {
        match self {
            Value::Int(i) => Some(BigInt::from(*i)),
            Value::Bool(b) => Some(BigInt::from(*b as i64)),
            Value::Obj(o) => match &**o {
                Obj::BigInt(b) => Some(b.clone()),
                _ => None,
            },
            _ => None,
        }
    }
    /// Whether this is an int (including bool and big ints).
    pub fn is_int(&self) -> bool {
        match self {
            Value::Int(_) | Value::Bool(_) => true,
            Value::Obj(o) => matches!(&**o, Obj::BigInt(_)),
            _ => false,
        }
    }
    pub fn as_objref(&self) -> Option<ObjRef> {
        match self {
            Value::Obj(o) => Some(o.clone()),
            _ => None,
        }
    }
}
