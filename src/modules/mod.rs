//! Native modules and the builtin namespace.

pub mod builtins;
pub mod gc_module;
pub mod math;
pub mod sys;
pub mod time;

use crate::vm::Vm;

/// Fills the builtin types' namespaces, the `builtins` namespace and the native modules.
pub fn init(vm: &mut Vm) {
    crate::obj::methods::register_all(vm);
    builtins::register(vm);
    sys::register(vm);
    math::register(vm);
    time::register(vm);
    gc_module::register(vm);
}
