//! The `builtins` namespace: builtin types, exception classes, constants and functions.
//!
//! Functions are split by theme: `builtins/num.rs` (numbers: abs, round, pow, divmod, hex,
//! ...), `builtins/seq.rs` (iteration: sorted, min/max, sum, zip, map, ...), and this file
//! (objects, attributes, printing, introspection).

mod num;
mod seq;

pub use seq::sort_values;

use crate::obj::function::Args;
use crate::obj::methods::stream::{flush_value, sys_stream, write_to};
use crate::obj::{DictData, Obj};
use crate::vm::class::{as_class, is_subclass};
use crate::vm::dictops::set_str;
use crate::vm::errors::{exc, not_implemented, type_error, PyResult};
use crate::vm::native::native;
use crate::vm::types::{ExcKind, EXCEPTIONS};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// The attribute name argument of getattr/setattr/hasattr/delattr.
fn attr_name(vm: &Vm, v: &Value) -> PyResult<Value> {
    if v.as_str().is_some() {
        Ok(v.clone())
    } else {
        Err(type_error(format!(
            "attribute name must be string, not '{}'",
            vm.type_name(v)
        )))
    }
}

fn b_print(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.only_kwargs("print", &["sep", "end", "file", "flush"])?;
    let opt_str = |vm: &Vm, name: &str, default: &str| -> PyResult<String> {
        match args.kw(name) {
            None | Some(Value::None) => Ok(default.to_string()),
            Some(v) => match v.as_str() {
                Some(s) => Ok(s.to_string()),
                None => Err(type_error(format!(
                    "{name} must be None or a string, not {}",
                    vm.type_name(v)
                ))),
            },
        }
    };
    let sep = opt_str(vm, "sep", " ")?;
    let end = opt_str(vm, "end", "\n")?;
    let file = match args.kw("file") {
        None | Some(Value::None) => sys_stream(vm, "stdout")?,
        Some(f) => f.clone(),
    };
    if file.is_none() {
        return Ok(Value::None);
    }
    let native_stream = matches!(&file, Value::Obj(o) if matches!(&**o, Obj::Stream(_)));
    if native_stream {
        // One write for the pieces that need no aio code to make: the stream is ours, so
        // only a `__str__` could observe them. Before one runs (it may print, or raise),
        // what came before it is written, as CPython writes piece by piece.
        let mut out = String::new();
        for (i, a) in args.pos.iter().enumerate() {
            if i > 0 {
                out.push_str(&sep);
            }
            if !str_is_native(a) && !out.is_empty() {
                write_to(vm, &file, &std::mem::take(&mut out))?;
            }
            out.push_str(&vm.to_str(a)?);
        }
        out.push_str(&end);
        write_to(vm, &file, &out)?;
    } else {
        for (i, a) in args.pos.iter().enumerate() {
            if i > 0 {
                write_to(vm, &file, &sep)?;
            }
            let s = vm.to_str(a)?;
            write_to(vm, &file, &s)?;
        }
        write_to(vm, &file, &end)?;
    }
    if let Some(f) = args.kw("flush") {
        if vm.truthy(f)? {
            flush_value(vm, &file)?;
        }
    }
    Ok(Value::None)
}

/// `str(v)` is made without running aio code (no `__str__` of a class can be involved).
fn str_is_native(v: &Value) -> bool {
    match v {
        Value::Obj(o) => matches!(&**o, Obj::Str(_)),
        _ => true,
    }
}

fn b_len(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("len", 1, 1)?;
    Ok(Value::Int(vm.len(&args.pos[0])? as i64))
}

fn b_repr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("repr", 1, 1)?;
    Ok(Value::string(vm.repr(&args.pos[0])?))
}

/// `ascii(x)`: repr with non-ASCII characters escaped.
pub fn ascii_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n <= 0xff {
            out.push_str(&format!("\\x{n:02x}"));
        } else if n <= 0xffff {
            out.push_str(&format!("\\u{n:04x}"));
        } else {
            out.push_str(&format!("\\U{n:08x}"));
        }
    }
    out
}

fn b_ascii(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("ascii", 1, 1)?;
    let r = vm.repr(&args.pos[0])?;
    Ok(Value::string(ascii_escape(&r)))
}

fn b_hash(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("hash", 1, 1)?;
    Ok(Value::Int(vm.hash(&args.pos[0])?))
}

fn b_id(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("id", 1, 1)?;
    Ok(Value::Int(args.pos[0].id()))
}

/// `isinstance(v, spec)` where spec is a class or (nested) tuple of classes.
/// The second half of CPython's `isinstance(v, cls)` for a class: an object whose class
/// defines `__class__` (a property, as `unittest.mock`'s spec'd mocks do) is an instance
/// of `cls` when the class it reports is a subclass of `cls`. An AttributeError from the
/// property counts as no answer.
fn instance_class_is_subclass(vm: &mut Vm, v: &Value, t: &ObjRef, cls: &ObjRef) -> PyResult<bool> {
    if !matches!(v, Value::Obj(o) if matches!(&**o, Obj::Instance(_))) {
        return Ok(false);
    }
    let key = vm.intern("__class__");
    if crate::vm::class::lookup(t, &key).is_none() {
        return Ok(false);
    }
    let icls = match vm.get_attr(v, &key) {
        Ok(c) => c,
        Err(e) if e.is(ExcKind::AttributeError) => return Ok(false),
        Err(e) => return Err(e),
    };
    match &icls {
        Value::Obj(c) if matches!(&**c, Obj::Class(_)) && !c.is(t) => Ok(is_subclass(c, cls)),
        _ => Ok(false),
    }
}

pub fn isinstance_spec(vm: &mut Vm, v: &Value, spec: &Value, depth: usize) -> PyResult<bool> {
    if depth > 200 {
        return Err(exc(
            ExcKind::RecursionError,
            "maximum recursion depth exceeded in __instancecheck__",
        ));
    }
    if let Value::Obj(o) = spec {
        match &**o {
            Obj::Class(_) => {
                let t = vm.type_of(v);
                if t.is(o) {
                    return Ok(true);
                }
                // A user metaclass's __instancecheck__ decides (an ABC's registry).
                let meta = vm.type_of(spec);
                if !meta.is(&vm.t.type_) {
                    if let Some(f) = vm.lookup_special(spec, "__instancecheck__") {
                        let r = vm.call(&f, &[spec.clone(), v.clone()])?;
                        return vm.truthy(&r);
                    }
                }
                if is_subclass(&t, o) {
                    return Ok(true);
                }
                return instance_class_is_subclass(vm, v, &t, o);
            }
            Obj::Tuple(items) => {
                for it in items.iter() {
                    if isinstance_spec(vm, v, it, depth + 1)? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            // Any other object may answer for itself (`int | None`, a generic alias).
            _ => {
                if let Some(f) = vm.lookup_special(spec, "__instancecheck__") {
                    let r = vm.call(&f, &[spec.clone(), v.clone()])?;
                    return vm.truthy(&r);
                }
            }
        }
    }
    Err(type_error(
        "isinstance() arg 2 must be a type, a tuple of types, or a union",
    ))
}

fn b_isinstance(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("isinstance", 2, 2)?;
    Ok(Value::Bool(isinstance_spec(
        vm,
        &args.pos[0],
        &args.pos[1],
        0,
    )?))
}

/// `issubclass(c, spec)`: `c` must be a class only where no `__subclasscheck__` of
/// `spec`'s own decides.
pub fn issubclass_spec(vm: &mut Vm, c: &Value, spec: &Value, depth: usize) -> PyResult<bool> {
    if depth > 200 {
        return Err(exc(
            ExcKind::RecursionError,
            "maximum recursion depth exceeded in __subclasscheck__",
        ));
    }
    if let Value::Obj(o) = spec {
        match &**o {
            Obj::Class(_) => {
                let meta = vm.type_of(spec);
                if !meta.is(&vm.t.type_) {
                    if let Some(f) = vm.lookup_special(spec, "__subclasscheck__") {
                        let r = vm.call(&f, &[spec.clone(), c.clone()])?;
                        return vm.truthy(&r);
                    }
                }
                return match c {
                    Value::Obj(co) if as_class(co).is_some() => Ok(is_subclass(co, o)),
                    _ => Err(type_error("issubclass() arg 1 must be a class")),
                };
            }
            Obj::Tuple(items) => {
                for it in items.iter() {
                    if issubclass_spec(vm, c, it, depth + 1)? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            _ => {
                if let Some(f) = vm.lookup_special(spec, "__subclasscheck__") {
                    let r = vm.call(&f, &[spec.clone(), c.clone()])?;
                    return vm.truthy(&r);
                }
            }
        }
    }
    Err(type_error(
        "issubclass() arg 2 must be a class, a tuple of classes, or a union",
    ))
}

fn b_issubclass(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("issubclass", 2, 2)?;
    Ok(Value::Bool(issubclass_spec(
        vm,
        &args.pos[0],
        &args.pos[1],
        0,
    )?))
}

/// `__import__(name, globals=None, locals=None, fromlist=(), level=0)`: what an `import`
/// statement runs (a relative import resolves against the calling frame's package).
fn b_import(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.only_kwargs(
        "__import__",
        &["name", "globals", "locals", "fromlist", "level"],
    )?;
    if args.pos.len() > 5 {
        return Err(type_error(format!(
            "__import__() takes at most 5 arguments ({} given)",
            args.pos.len()
        )));
    }
    let Some(name) = args.arg(0, "name") else {
        return Err(type_error(
            "__import__() missing required argument 'name' (pos 1)",
        ));
    };
    if name.as_str().is_none() {
        return Err(type_error("module name must be a string"));
    }
    let fromlist = match args.arg(3, "fromlist") {
        None | Some(Value::None) => Value::None,
        Some(v) => Value::tuple(vm.collect(v)?),
    };
    let level = match args.arg(4, "level") {
        None => 0,
        Some(v) => vm.index_value(v)?,
    };
    if level < 0 {
        return Err(crate::vm::errors::value_error("level must be >= 0"));
    }
    if level == 0 && name.as_str() == Some("") {
        return Err(crate::vm::errors::value_error("Empty module name"));
    }
    vm.import_name(name, &fromlist, &Value::Int(level))
}

fn b_getattr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("getattr", 2, 3)?;
    let name = attr_name(vm, &args.pos[1])?;
    match args.pos.get(2) {
        None => vm.get_attr(&args.pos[0], &name),
        // The quiet lookup, as `hasattr`: no AttributeError made only to be dropped.
        Some(default) => match vm.get_attr_opt(&args.pos[0], &name) {
            Ok(v) => Ok(v.unwrap_or_else(|| default.clone())),
            Err(e) if e.is(ExcKind::AttributeError) => Ok(default.clone()),
            Err(e) => Err(e),
        },
    }
}

fn b_setattr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("setattr", 3, 3)?;
    let name = attr_name(vm, &args.pos[1])?;
    vm.set_attr(&args.pos[0], &name, args.pos[2].clone())?;
    Ok(Value::None)
}

fn b_hasattr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("hasattr", 2, 2)?;
    let name = attr_name(vm, &args.pos[1])?;
    // The quiet lookup: a missing attribute makes no AttributeError to throw away (what
    // CPython's `_PyObject_LookupAttr` saves; `ensure_future` asks this of every coroutine).
    match vm.get_attr_opt(&args.pos[0], &name) {
        Ok(found) => Ok(Value::Bool(found.is_some())),
        Err(e) if e.is(ExcKind::AttributeError) => Ok(Value::Bool(false)),
        Err(e) => Err(e),
    }
}

fn b_delattr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("delattr", 2, 2)?;
    let name = attr_name(vm, &args.pos[1])?;
    vm.del_attr(&args.pos[0], &name)?;
    Ok(Value::None)
}

/// `callable(v)`
pub fn is_callable(vm: &mut Vm, v: &Value) -> bool {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Function(_) | Obj::BoundMethod(_) | Obj::Native(_) | Obj::Class(_) => true,
            _ => vm.lookup_special(v, "__call__").is_some(),
        },
        _ => false,
    }
}

fn b_callable(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("callable", 1, 1)?;
    Ok(Value::Bool(is_callable(vm, &args.pos[0])))
}

fn b_format(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("format", 1, 2)?;
    let spec = match args.pos.get(1) {
        None => Value::str(""),
        Some(s) if s.as_str().is_some() => s.clone(),
        Some(s) => {
            return Err(type_error(format!(
                "format() argument 2 must be str, not {}",
                vm.type_name(s)
            )))
        }
    };
    format_value(vm, &args.pos[0], &spec)
}

/// `format(v, spec)`: calls `type(v).__format__`.
pub fn format_value(vm: &mut Vm, v: &Value, spec: &Value) -> PyResult<Value> {
    if let (Some(_), Some("")) = (v.as_str(), spec.as_str()) {
        return Ok(v.clone());
    }
    let Some(f) = vm.lookup_special(v, "__format__") else {
        return Err(type_error(format!(
            "Type {} doesn't define __format__",
            vm.type_name(v)
        )));
    };
    let r = vm.call(&f, &[v.clone(), spec.clone()])?;
    if r.as_str().is_none() {
        return Err(type_error(format!(
            "__format__ must return a str, not {}",
            vm.type_name(&r)
        )));
    }
    Ok(r)
}

/// The names visible in the running frame: its locals mapping, or a dict built from its
/// fast locals and cells.
pub fn frame_locals(vm: &mut Vm) -> Value {
    let Some(frame) = vm.frames.last() else {
        return Value::Obj(vm.builtins.clone());
    };
    if let Some(m) = frame.locals_map() {
        return Value::Obj(m.clone());
    }
    let pairs = crate::vm::frames::fast_locals(&frame.code.code, &frame.locals, frame.cells());
    let mut d = DictData::new();
    for (name, v) in pairs {
        let key = vm.intern(&name);
        set_str(&mut d, key, v);
    }
    Value::dict(d)
}

fn b_locals(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("locals", 0, 0)?;
    Ok(frame_locals(vm))
}

fn b_globals(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("globals", 0, 0)?;
    Ok(match vm.frames.last() {
        Some(f) => Value::Obj(f.globals.clone()),
        None => Value::dict(DictData::new()),
    })
}

fn b_vars(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_pos("vars", 0, 1)?;
    args.no_kwargs("vars")?;
    match args.pos.first() {
        None => Ok(frame_locals(vm)),
        Some(v) => match vm.get_attr_str(v, "__dict__") {
            Ok(d) => Ok(d),
            Err(e) if e.is(ExcKind::AttributeError) => {
                Err(type_error("vars() argument must have __dict__ attribute"))
            }
            Err(e) => Err(e),
        },
    }
}

fn b_dir(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_pos("dir", 0, 1)?;
    args.no_kwargs("dir")?;
    let mut names = match args.pos.first() {
        None => {
            let l = frame_locals(vm);
            vm.collect(&l)?
        }
        Some(v) => match vm.lookup_special(v, "__dir__") {
            Some(f) => {
                let r = vm.call(&f, std::slice::from_ref(v))?;
                vm.collect(&r)?
            }
            None => crate::obj::methods::object::default_dir(vm, v)?,
        },
    };
    sort_values(vm, &mut names, None, false)?;
    Ok(Value::list(names))
}

fn b_input(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_pos("input", 0, 1)?;
    args.no_kwargs("input")?;
    let stdout = sys_stream(vm, "stdout")?;
    if let Some(p) = args.pos.first() {
        let s = vm.to_str(p)?;
        write_to(vm, &stdout, &s)?;
    }
    flush_value(vm, &stdout)?;
    let stdin = sys_stream(vm, "stdin")?;
    let line = vm.call_method(&stdin, "readline", &[])?;
    let Some(s) = line.as_str() else {
        return Err(type_error("object.readline() returned non-string"));
    };
    if s.is_empty() {
        return Err(exc(ExcKind::EOFError, "EOF when reading a line"));
    }
    Ok(Value::str(s.strip_suffix('\n').unwrap_or(s)))
}

fn unsupported(name: &'static str) -> crate::vm::ExcRef {
    not_implemented(format!("{name}() is not supported by aio yet"))
}

/// `open(...)`: stdlib/_fileio.aio's, compiled on first use, once its arguments are
/// checked as CPython's C function checks them.
fn b_open(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    const PARAMS: [&str; 8] = [
        "file",
        "mode",
        "buffering",
        "encoding",
        "errors",
        "newline",
        "closefd",
        "opener",
    ];
    args.clinic_params("open", &PARAMS, 1)?;
    let module = vm.import_module("_fileio")?;
    let key = vm.intern("open");
    let open = vm.get_attr(&module, &key)?;
    let mut all = args.pos.to_vec();
    all.extend_from_slice(args.kwvalues);
    vm.call_kw(&open, &all, args.kwnames)
}
fn b_exec(_vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Err(unsupported("exec"))
}
fn b_eval(_vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Err(unsupported("eval"))
}
fn b_compile(_vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Err(unsupported("compile"))
}
fn b_breakpoint(_vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Err(unsupported("breakpoint"))
}
fn b_help(_vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Err(unsupported("help"))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.clone();
    let types: &[(&str, &ObjRef)] = &[
        ("int", &t.int),
        ("float", &t.float),
        ("complex", &t.complex),
        ("str", &t.str_),
        ("bytes", &t.bytes),
        ("bytearray", &t.bytearray),
        ("bool", &t.bool_),
        ("list", &t.list),
        ("tuple", &t.tuple),
        ("dict", &t.dict),
        ("set", &t.set),
        ("frozenset", &t.frozenset),
        ("range", &t.range),
        ("memoryview", &t.memoryview),
        ("slice", &t.slice),
        ("object", &t.object),
        ("type", &t.type_),
        ("property", &t.property),
        ("staticmethod", &t.staticmethod),
        ("classmethod", &t.classmethod),
        ("super", &t.super_),
        ("enumerate", &t.enumerate),
        ("zip", &t.zip),
        ("map", &t.map),
        ("filter", &t.filter),
        ("reversed", &t.reversed),
    ];
    for (name, cls) in types {
        vm.set_builtin(name, Value::Obj((*cls).clone()));
    }
    for (i, (name, _)) in EXCEPTIONS.iter().enumerate() {
        vm.set_builtin(name, Value::Obj(t.exc[i].clone()));
    }
    let os_error = Value::Obj(t.exc[ExcKind::OSError as usize].clone());
    vm.set_builtin("EnvironmentError", os_error.clone());
    vm.set_builtin("IOError", os_error);
    // Keywords to the parser, but entries of CPython's builtins module all the same
    // (`getattr(builtins, "True")`, and candidates for NameError suggestions).
    vm.set_builtin("None", Value::None);
    vm.set_builtin("False", Value::Bool(false));
    vm.set_builtin("True", Value::Bool(true));
    vm.set_builtin("Ellipsis", t.ellipsis_value.clone());
    vm.set_builtin("NotImplemented", t.not_implemented_value.clone());
    vm.set_builtin("__debug__", Value::Bool(true));
    vm.set_builtin("__name__", Value::str("builtins"));
    let funcs: &[(&'static str, crate::obj::function::NativeFn)] = &[
        ("print", b_print),
        ("len", b_len),
        ("repr", b_repr),
        ("ascii", b_ascii),
        ("hash", b_hash),
        ("id", b_id),
        ("isinstance", b_isinstance),
        ("__import__", b_import),
        ("issubclass", b_issubclass),
        ("getattr", b_getattr),
        ("setattr", b_setattr),
        ("hasattr", b_hasattr),
        ("delattr", b_delattr),
        ("callable", b_callable),
        ("format", b_format),
        ("locals", b_locals),
        ("globals", b_globals),
        ("vars", b_vars),
        ("dir", b_dir),
        ("input", b_input),
        ("open", b_open),
        ("exec", b_exec),
        ("eval", b_eval),
        ("compile", b_compile),
        ("breakpoint", b_breakpoint),
        ("help", b_help),
    ];
    for &(name, f) in funcs {
        vm.set_builtin(name, native("", name, f));
    }
    num::register(vm);
    seq::register(vm);
    // `import builtins` finds the namespace as a module object.
    let module = Value::obj(Obj::Module(crate::obj::ModuleObj {
        name: std::rc::Rc::from("builtins"),
        dict: vm.builtins.clone(),
        initializing: std::cell::Cell::new(false),
        native: true,
    }));
    let key = vm.intern("builtins");
    if let Obj::Dict(m) = &*vm.modules {
        set_str(&mut m.borrow_mut(), key, module);
    }
}

#[cfg(test)]
mod tests;
