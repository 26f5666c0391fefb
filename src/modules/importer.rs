//! `_importer`: the hooks stdlib/importlib needs into aio's own import system
//! (src/vm/import.rs), so that `importlib.import_module(n)` and `import n` load, find and
//! register modules the same way instead of through a parallel imitation.

use crate::obj::function::{Args, NativeFn, MODULE_OWNERS};
use crate::obj::Obj;
use crate::vm::errors::{type_error, PyResult};
use crate::vm::import::ModuleLocation;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::path::PathBuf;

fn str_arg<'a>(v: &'a Value, what: &str) -> PyResult<&'a str> {
    v.as_str()
        .ok_or_else(|| type_error(format!("{what} must be str")))
}

fn module_arg(v: &Value) -> PyResult<ObjRef> {
    match v {
        Value::Obj(o) if matches!(&**o, Obj::Module(_)) => Ok(o.clone()),
        _ => Err(type_error("expected a module")),
    }
}

/// `import_module(name)`: imports the absolute dotted `name` as `import name` does
/// (parents first, sys.modules first) and returns the leaf module.
fn import_module(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("import_module", 1, 1)?;
    let name = str_arg(&args.pos[0], "name")?.to_string();
    vm.import_module(&name)
}

/// `find(name, path)`: where `import name` would find it, without running it: None, or
/// `(kind, origin, is_package, package_folder)` with kind "file" (origin is its path),
/// "frozen" (embedded in aio) or "built-in" (a native module). `path` is the parent
/// package's `__path__` or None for sys.path.
fn find(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("find", 2, 2)?;
    let name = str_arg(&args.pos[0], "name")?.to_string();
    let search = match &args.pos[1] {
        Value::None => None,
        v => Some(
            vm.collect(v)?
                .iter()
                .filter_map(|s| s.as_str().map(PathBuf::from))
                .collect(),
        ),
    };
    if name == "builtins" || !name.is_empty() && MODULE_OWNERS.contains(&name.as_str()) {
        return Ok(Value::tuple(vec![
            Value::str("built-in"),
            Value::str("built-in"),
            Value::Bool(false),
            Value::None,
        ]));
    }
    let text = |p: &std::path::Path| Value::str(&p.to_string_lossy());
    Ok(match vm.locate_module(&name, search) {
        None => Value::None,
        Some(ModuleLocation::File { path, package_dir }) => Value::tuple(vec![
            Value::str("file"),
            text(&path),
            Value::Bool(package_dir.is_some()),
            package_dir.as_deref().map_or(Value::None, text),
        ]),
        Some(ModuleLocation::Embedded { is_package }) => Value::tuple(vec![
            Value::str("frozen"),
            Value::str("frozen"),
            Value::Bool(is_package),
            match is_package {
                true => Value::string(format!("<frozen {name}>")),
                false => Value::None,
            },
        ]),
    })
}

/// `exec_file(module, path)`: runs the file as the module's body, compiled as `import`
/// compiles it.
fn exec_file(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("exec_file", 2, 2)?;
    let module = module_arg(&args.pos[0])?;
    let path = PathBuf::from(str_arg(&args.pos[1], "path")?);
    vm.exec_file_in(&path, &module)?;
    Ok(Value::None)
}

/// `exec_frozen(module, name)`: runs embedded module `name`'s source as the module's
/// body; False when aio embeds no such module.
fn exec_frozen(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("exec_frozen", 2, 2)?;
    let module = module_arg(&args.pos[0])?;
    let name = str_arg(&args.pos[1], "name")?.to_string();
    Ok(Value::Bool(vm.exec_embedded_in(&name, &module)?))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("import_module", import_module),
        ("find", find),
        ("exec_file", exec_file),
        ("exec_frozen", exec_frozen),
    ];
    super::sys::new_module(vm, "_importer", funcs);
}
