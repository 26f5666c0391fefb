//! Methods of the builtin type(s) named by this file, registered into their namespaces.
use crate::vm::Vm;

pub fn register(_vm: &mut Vm) {}
