//! Finalizers that must run when the last reference dies.
use crate::vm::value::ObjRef;
use crate::vm::Vm;

/// Queues `obj` (whose last reference is being dropped) for finalization.
pub fn defer(_obj: &ObjRef) {}

/// Runs queued finalizers.
pub fn run_pending(_vm: &mut Vm) {}
