//! The dispatch loop.
use super::errors::PyResult;
use super::value::Value;
use super::Vm;

impl Vm {
    /// Runs the frame stack until the innermost entry frame returns or yields.
    pub fn run(&mut self) -> PyResult<Value> {
        Err(super::errors::not_implemented("dispatch"))
    }
}
