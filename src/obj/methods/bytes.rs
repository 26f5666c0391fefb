//! Methods of `bytes` and `bytearray`.

use crate::obj::Obj;
use crate::vm::errors::{type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

/// The bytes of a bytes or bytearray value (a copy).
pub fn bytes_data(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Bytes(b) => Some(b.to_vec()),
            Obj::ByteArray(b) => Some(b.borrow().clone()),
            _ => None,
        },
        _ => None,
    }
}

/// An int in range(256), for building bytes.
pub fn byte_value(vm: &mut Vm, v: &Value) -> PyResult<u8> {
    match crate::obj::number::as_int(v) {
        Some(crate::obj::number::IntRef::Small(i)) if (0..256).contains(&i) => Ok(i as u8),
        Some(_) => Err(value_error("byte must be in range(0, 256)")),
        None => Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))),
    }
}

pub fn register(_vm: &mut Vm) {}
