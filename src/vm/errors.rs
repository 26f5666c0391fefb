//! The Rust side of aio exceptions: `PyResult`, and constructors for builtin exceptions
//! with CPython's messages.

use super::types::{exc_class, ExcKind};
use super::value::{ObjRef, Value};
use crate::obj::{ExceptionObj, Obj};

/// A raised exception: always an `Obj::Exception`.
#[derive(Clone, Debug)]
pub struct ExcRef(pub ObjRef);

pub type PyResult<T = Value> = Result<T, ExcRef>;

impl ExcRef {
    pub fn exc(&self) -> &ExceptionObj {
        match &*self.0 {
            Obj::Exception(e) => e,
            _ => unreachable!("ExcRef always holds an exception object"),
        }
    }
    pub fn value(&self) -> Value {
        Value::Obj(self.0.clone())
    }
    pub fn class(&self) -> &ObjRef {
        &self.exc().class
    }
    /// Whether this exception is an instance of the builtin class `kind`.
    pub fn is(&self, kind: ExcKind) -> bool {
        super::class::is_subclass(self.class(), &exc_class(kind))
    }
}

/// A new exception of class `cls` with the given args (a tuple value).
pub fn new_exception(cls: ObjRef, args: Value) -> ExcRef {
    ExcRef(ObjRef::new(Obj::Exception(Box::new(ExceptionObj::new(
        cls, args,
    )))))
}

/// `kind(msg)`
pub fn exc(kind: ExcKind, msg: impl AsRef<str>) -> ExcRef {
    let args = Value::tuple(vec![Value::str(msg.as_ref())]);
    new_exception(exc_class(kind), args)
}

/// `kind()` with no arguments.
pub fn exc_empty(kind: ExcKind) -> ExcRef {
    new_exception(exc_class(kind), Value::tuple(vec![]))
}

/// `kind(*args)`
pub fn exc_args(kind: ExcKind, args: Vec<Value>) -> ExcRef {
    new_exception(exc_class(kind), Value::tuple(args))
}

pub fn type_error(msg: impl AsRef<str>) -> ExcRef {
    exc(ExcKind::TypeError, msg)
}
pub fn value_error(msg: impl AsRef<str>) -> ExcRef {
    exc(ExcKind::ValueError, msg)
}
pub fn index_error(msg: impl AsRef<str>) -> ExcRef {
    exc(ExcKind::IndexError, msg)
}
pub fn key_error(key: Value) -> ExcRef {
    exc_args(ExcKind::KeyError, vec![key])
}
pub fn attribute_error(msg: impl AsRef<str>) -> ExcRef {
    exc(ExcKind::AttributeError, msg)
}
pub fn runtime_error(msg: impl AsRef<str>) -> ExcRef {
    exc(ExcKind::RuntimeError, msg)
}
pub fn overflow_error(msg: impl AsRef<str>) -> ExcRef {
    exc(ExcKind::OverflowError, msg)
}
pub fn zero_division(msg: impl AsRef<str>) -> ExcRef {
    exc(ExcKind::ZeroDivisionError, msg)
}
pub fn name_error(name: &str) -> ExcRef {
    let e = exc(ExcKind::NameError, format!("name '{name}' is not defined"));
    e.exc().dict().borrow_mut().push_new(
        crate::obj::StrObj::new("name").hash(),
        Value::str("name"),
        Value::str(name),
    );
    e
}
pub fn not_implemented(what: impl AsRef<str>) -> ExcRef {
    exc(ExcKind::NotImplementedError, what)
}
pub fn memory_error() -> ExcRef {
    exc_empty(ExcKind::MemoryError)
}
