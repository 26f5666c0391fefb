//! `_iterable_coroutine`: what `types.coroutine` needs to turn a generator function into a
//! generator-based coroutine. CPython replaces the function's code object by a copy with
//! `CO_ITERABLE_COROUTINE` set; aio gives the function such a copy beside its code
//! (`FunctionObj::iterable_coroutine_code`), which its generators made from then on run.

use crate::obj::function::{Args, NativeFn};
use crate::obj::Obj;
use crate::vm::errors::{type_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

/// `mark(func)`: gives `func`, a generator function, a copy of its code marked
/// `CO_ITERABLE_COROUTINE`, so its generators may be awaited and may `yield from`
/// coroutines. Returns `func`.
fn mark(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("mark", 1, 1)?;
    let func = &args.pos[0];
    match func {
        Value::Obj(o) => match &**o {
            Obj::Function(f) if f.code.code.flags.generator => {
                let marked = Vm::iterable_coroutine_copy(&f.code);
                *f.iterable_coroutine_code.borrow_mut() = Some(marked);
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
