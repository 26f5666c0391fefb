//! Tracebacks: the `__traceback__` value and CPython's printed format.
use super::errors::PyResult;
use super::value::{ObjRef, Value};

/// `exc.__traceback__`
pub fn traceback_value(_exc: &ObjRef) -> Value {
    Value::None
}

/// `exc.__traceback__ = tb`
pub fn set_traceback(_exc: &ObjRef, _tb: &Value) -> PyResult<()> {
    Ok(())
}
