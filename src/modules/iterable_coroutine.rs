//! `_iterable_coroutine`: what `types.coroutine` needs to turn a generator function into a
//! generator-based coroutine. CPython replaces the function's code object by a copy with
//! `CO_ITERABLE_COROUTINE` set; aio's functions keep their code object, so the flag is set
//! on it in place (every function made from the same `def` shares it).

use crate::obj::function::{Args, NativeFn};
use crate::obj::Obj;
use crate::vm::errors::{type_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

/// `mark(func)`: sets `CO_ITERABLE_COROUTINE` on the code of `func`, a generator function,
/// so its generators may be awaited and may `yield from` coroutines. Returns `func`.
fn mark(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("mark", 1, 1)?;
    let func = &args.pos[0];
    match func {
        Value::Obj(o) => match &**o {
            Obj::Function(f) if f.code.code.flags.generator => {
                f.code.iterable_coroutine.set(true);
                Ok(func.clone())
            }
            _ => Err(not_generator_function(vm, func)),
        },
        _ => Err(not_generator_function(vm, func)),
    }
}

fn not_generator_function(vm: &Vm, v: &Value) -> crate::vm::errors::ExcRef {
    type_error(format!(
        "mark() argument must be a generator function, not {}",
        vm.type_name(v)
    ))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[("mark", mark)];
    super::sys::new_module(vm, "_iterable_coroutine", funcs);
}
