//! `sys.unraisablehook`: where errors that cannot be raised (in `__del__`, a weakref
//! callback, a generator closed by the collector...) are reported. The default hook, also
//! `sys.__unraisablehook__`, prints CPython's "Exception ignored in: ..." text; a program's
//! own hook gets a `sys.UnraisableHookArgs` struct sequence.

use super::sys::{instance_of, struct_seq_class};
use crate::obj::function::Args;
use crate::obj::Obj;
use crate::vm::errors::PyResult;
use crate::vm::value::Value;
use crate::vm::Vm;

const FIELDS: [&str; 5] = [
    "exc_type",
    "exc_value",
    "exc_traceback",
    "err_msg",
    "object",
];

/// The default hook's text for one report: "{err_msg or 'Exception ignored in'}: {object!r}"
/// and the exception's traceback.
fn write_default(vm: &mut Vm, err_msg: &Value, object: &Value, exc: &Value) {
    let head = err_msg
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| "Exception ignored in".to_string());
    let mut text = if object.is_none() {
        format!("{head}:\n")
    } else {
        let what = vm.repr(object).unwrap_or_default();
        format!("{head}: {what}\n")
    };
    text.push_str(&vm.format_exception(exc));
    vm.write_stderr(&text);
}

/// `sys.unraisablehook(unraisable)` / `sys.__unraisablehook__`: the default report.
pub fn default_hook(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("unraisablehook", 1, 1)?;
    let u = &args.pos[0];
    let field = |vm: &mut Vm, name: &str| vm.get_attr_str(u, name);
    let exc = field(vm, "exc_value")?;
    let err_msg = field(vm, "err_msg")?;
    let object = field(vm, "object")?;
    write_default(vm, &err_msg, &object, &exc);
    Ok(Value::None)
}

/// Whether `hook` is the default hook (or nothing a program put there).
fn is_default(hook: &Option<Value>) -> bool {
    match hook {
        None => true,
        Some(Value::Obj(o)) => {
            matches!(&**o, Obj::Native(n) if n.owner == "sys" && n.name == "unraisablehook")
        }
        Some(_) => false,
    }
}

/// Reports `exc`, raised where it cannot propagate, about `object` (None when there is
/// none): through `sys.unraisablehook` when a program set one, else CPython's default text.
pub fn report(vm: &mut Vm, object: &Value, exc: &Value) {
    let hook = vm.sys_module("sys").and_then(|sys| {
        vm.get_attr_opt(&sys, &Value::str("unraisablehook"))
            .ok()
            .flatten()
    });
    if is_default(&hook) {
        write_default(vm, &Value::None, object, exc);
        return;
    }
    let Some(hook) = hook else { return };
    let Some(cls) = struct_seq_class(vm, "UnraisableHookArgs", "sys", &FIELDS) else {
        return;
    };
    let exc_type = Value::Obj(vm.type_of(exc));
    let tb = vm.get_attr_str(exc, "__traceback__").unwrap_or(Value::None);
    let values = [exc_type, exc.clone(), tb, Value::None, object.clone()];
    let fields: Vec<(&str, Value)> = FIELDS.iter().copied().zip(values).collect();
    let u = instance_of(cls, &fields);
    if let Err(e) = vm.call(&hook, &[u]) {
        // CPython reports a failing hook with the default hook, naming the hook.
        let msg = Value::str("Exception ignored in sys.unraisablehook");
        write_default(vm, &msg, &hook, &e.value());
    }
}
