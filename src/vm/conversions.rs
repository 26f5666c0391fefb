//! `type(x)`, `str(i)`, `int(x)`, `float(x)`, `bool(x)`, `tuple(x)`, `list(x)`, `bytes(b)`:
//! a builtin type called with one value of a builtin type it converts without running any
//! aio code. CPython gives these calls vectorcall entry points; here they skip looking up
//! `__new__` and `__init__` and building their argument list (a `type(x)` went through a
//! thousand instructions of the general class call).
//!
//! The classes are the exact builtin types, whose namespaces cannot change, and the
//! arguments exact builtin values, so the result is what the general path computes.

use super::class::type_of_value;
use super::types::Types;
use super::value::{ObjRef, Value};
use crate::obj::Obj;

/// `cls(arg)` when it needs no aio code; None for anything else (the general path).
pub fn quick_conversion(t: &Types, cls: &ObjRef, arg: &Value) -> Option<Value> {
    if cls.is(&t.type_) {
        return Some(Value::Obj(type_of_value(t, arg)));
    }
    if cls.is(&t.bool_) {
        return super::fast::truth(arg).map(Value::Bool);
    }
    match arg {
        Value::Int(i) => {
            if cls.is(&t.int) {
                Some(arg.clone())
            } else if cls.is(&t.str_) {
                Some(crate::obj::str::int_str(*i))
            } else if cls.is(&t.float) {
                // Rounds to nearest, ties to even, as CPython's `(double)` of a C long.
                Some(Value::Float(*i as f64))
            } else {
                None
            }
        }
        Value::Bool(b) if cls.is(&t.int) => Some(Value::Int(*b as i64)),
        Value::Float(x) => {
            if cls.is(&t.float) {
                Some(arg.clone())
            } else if cls.is(&t.int) && x.is_finite() && x.abs() < 9.0e18 {
                Some(Value::Int(x.trunc() as i64))
            } else {
                None
            }
        }
        Value::Obj(o) => match &**o {
            Obj::Str(_) if cls.is(&t.str_) => Some(arg.clone()),
            Obj::Bytes(_) if cls.is(&t.bytes) => Some(arg.clone()),
            Obj::Tuple(items) => {
                if cls.is(&t.tuple) {
                    Some(arg.clone())
                } else if cls.is(&t.list) {
                    Some(Value::list(items.to_vec()))
                } else {
                    None
                }
            }
            Obj::List(l) => {
                let items = l.try_borrow().ok()?;
                if cls.is(&t.list) {
                    Some(Value::list(items.clone()))
                } else if cls.is(&t.tuple) {
                    Some(Value::tuple(items.clone()))
                } else {
                    None
                }
            }
            _ => None,
        },
        _ => None,
    }
}
