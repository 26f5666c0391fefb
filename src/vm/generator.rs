//! Resuming generators and coroutines from native code.
use super::errors::PyResult;
use super::value::{ObjRef, Value};
use super::Vm;

impl Vm {
    /// `next(gen)`: Ok(None) when the generator is exhausted.
    pub fn generator_next(&mut self, _gen: &ObjRef) -> PyResult<Option<Value>> {
        Err(super::errors::not_implemented("generators"))
    }
}
