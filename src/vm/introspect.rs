//! Introspection attributes of code objects and generators (`co_*`, `gi_*`, `cr_*`, `ag_*`).

use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::generator::{GenKind, GenState};
use crate::obj::{CodeObj, GeneratorObj};
use std::rc::Rc;

/// CPython's `co_flags` bits (`inspect.CO_*`).
const CO_OPTIMIZED: i64 = 0x1;
const CO_NEWLOCALS: i64 = 0x2;
const CO_VARARGS: i64 = 0x4;
const CO_VARKEYWORDS: i64 = 0x8;
const CO_NESTED: i64 = 0x10;
const CO_GENERATOR: i64 = 0x20;
const CO_COROUTINE: i64 = 0x80;
const CO_ITERABLE_COROUTINE: i64 = 0x100;
const CO_ASYNC_GENERATOR: i64 = 0x200;

/// `code.co_flags` as CPython computes it.
pub fn code_flags(obj: &CodeObj) -> i64 {
    let code = &obj.code;
    let f = code.flags;
    let mut bits = 0;
    if !f.uses_locals_mapping {
        bits |= CO_OPTIMIZED | CO_NEWLOCALS;
    }
    // CPython marks code nested in a function scope; exactly those have `<locals>` in
    // their qualified name.
    if code.qualname.contains("<locals>") {
        bits |= CO_NESTED;
    }
    for (on, bit) in [
        (f.varargs, CO_VARARGS),
        (f.varkeywords, CO_VARKEYWORDS),
        (f.generator, CO_GENERATOR),
        (f.coroutine, CO_COROUTINE),
        (f.async_generator, CO_ASYNC_GENERATOR),
        (obj.iterable_coroutine, CO_ITERABLE_COROUTINE),
    ] {
        if on {
            bits |= bit;
        }
    }
    bits
}

fn name_tuple(names: &[Rc<str>]) -> Value {
    Value::tuple(names.iter().map(|n| Value::str(n)).collect())
}

/// Attributes of code objects.
pub fn code_attr(obj: &CodeObj, name: &str) -> Option<Value> {
    let code = &obj.code;
    let int = |n: usize| Value::Int(n as i64);
    Some(match name {
        "co_name" => Value::str(&code.name),
        "co_qualname" => Value::str(&code.qualname),
        "co_filename" => Value::str(&code.source.name),
        "co_firstlineno" => Value::Int(code.first_line() as i64),
        "co_argcount" => int(code.argcount as usize),
        "co_posonlyargcount" => int(code.posonlyargcount as usize),
        "co_kwonlyargcount" => int(code.kwonlyargcount as usize),
        "co_nlocals" => int(code.varnames.len()),
        "co_varnames" => name_tuple(&code.varnames),
        "co_cellvars" => name_tuple(&code.cellvars),
        "co_freevars" => name_tuple(&code.freevars),
        "co_names" => name_tuple(&code.names),
        "co_flags" => Value::Int(code_flags(obj)),
        "co_stacksize" => int(code.max_stack as usize),
        _ => return None,
    })
}

impl Vm {
    /// The `gi_*` / `cr_*` / `ag_*` attributes, each only on its own kind.
    pub(crate) fn generator_attr(
        &mut self,
        g: &ObjRef,
        gen: &GeneratorObj,
        name: &str,
    ) -> Option<Value> {
        let prefix = match gen.kind {
            GenKind::Generator => "gi_",
            GenKind::Coroutine => "cr_",
            GenKind::AsyncGenerator => "ag_",
        };
        let attr = name.strip_prefix(prefix)?;
        let state = gen.state.get();
        Some(match (gen.kind, attr) {
            // An async generator runs between awaits too: `ag_running` is set while an
            // `asend`/`athrow` awaitable is in progress.
            (GenKind::AsyncGenerator, "running") => {
                Value::Bool(gen.agen.as_ref().is_some_and(|a| a.running_async.get()))
            }
            (_, "running") => Value::Bool(state == GenState::Running),
            (GenKind::Generator | GenKind::Coroutine, "suspended") => {
                Value::Bool(state == GenState::Suspended)
            }
            (_, "code") => Value::obj(crate::obj::Obj::Code(gen.code.clone())),
            (GenKind::Coroutine, "origin") => {
                gen.origin().map_or(Value::None, |o| Value::Obj(o.clone()))
            }
            (_, "frame") => self.generator_frame(g),
            (GenKind::Generator, "yieldfrom")
            | (GenKind::Coroutine | GenKind::AsyncGenerator, "await") => self.generator_delegate(g),
            _ => return None,
        })
    }
}
