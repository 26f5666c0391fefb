//! The `sys` module.
//!
//! `sys.version_info` and `sys.flags` are struct sequences: objects with named fields that
//! index, iterate, compare and hash like tuples (but are not `tuple` instances).

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::stream::{new_stream, sys_stream, write_to};
use crate::obj::{DictData, ModuleObj, Obj};
use crate::vm::dictops::{get_str, set_str};
use crate::vm::errors::{exc, not_implemented, type_error, value_error, ExcRef, PyResult};
use crate::vm::native::native;
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// CPython's default `sys.get_int_max_str_digits()`.
pub const DEFAULT_INT_MAX_STR_DIGITS: usize = 4300;
/// The smallest non-zero limit `sys.set_int_max_str_digits` accepts.
pub const INT_MAX_STR_DIGITS_THRESHOLD: usize = 640;

thread_local! {
    static INT_MAX_STR_DIGITS: Cell<usize> = const { Cell::new(DEFAULT_INT_MAX_STR_DIGITS) };
}

/// The current `sys.get_int_max_str_digits()` (0 = unlimited), for int <-> str conversions.
pub fn int_max_str_digits() -> usize {
    INT_MAX_STR_DIGITS.with(|c| c.get())
}

/// Creates a module object named `name` with the given native functions, registers it in
/// `sys.modules`, and returns it with its namespace dict.
pub fn new_module(
    vm: &mut Vm,
    name: &'static str,
    funcs: &[(&'static str, NativeFn)],
) -> (Value, ObjRef) {
    debug_assert!(
        crate::obj::function::MODULE_OWNERS.contains(&name),
        "native module {name} missing from MODULE_OWNERS"
    );
    let dict = ObjRef::new(Obj::Dict(RefCell::new(DictData::new())));
    let module = Value::obj(Obj::Module(ModuleObj {
        name: Rc::from(name),
        dict: dict.clone(),
        initializing: std::cell::Cell::new(false),
        native: true,
    }));
    if let Obj::Dict(d) = &*dict {
        let mut d = d.borrow_mut();
        set_str(&mut d, Value::str("__name__"), Value::str(name));
        set_str(&mut d, Value::str("__doc__"), Value::None);
        set_str(&mut d, Value::str("__package__"), Value::str(""));
        set_str(&mut d, Value::str("__loader__"), Value::None);
        set_str(&mut d, Value::str("__spec__"), Value::None);
        for &(fname, f) in funcs {
            set_str(&mut d, Value::str(fname), native(name, fname, f));
        }
    }
    let key = vm.intern(name);
    if let Obj::Dict(m) = &*vm.modules {
        set_str(&mut m.borrow_mut(), key, module.clone());
    }
    (module, dict)
}

/// Sets `name` in a module namespace dict.
pub fn set_attr(vm: &mut Vm, dict: &ObjRef, name: &str, v: Value) {
    let key = vm.intern(name);
    if let Obj::Dict(d) = &**dict {
        set_str(&mut d.borrow_mut(), key, v);
    }
}

/// `sys.<name>` (None when the program deleted it).
pub fn get(vm: &mut Vm, name: &str) -> Option<Value> {
    let d = sys_dict(vm)?;
    let key = vm.intern(name);
    match &*d {
        Obj::Dict(d) => get_str(&d.borrow(), &key),
        _ => None,
    }
}

/// `sys.<name> = v`.
pub fn set(vm: &mut Vm, name: &str, v: Value) {
    if let Some(d) = sys_dict(vm) {
        set_attr(vm, &d, name, v);
    }
}

fn sys_dict(vm: &mut Vm) -> Option<ObjRef> {
    let key = vm.intern("sys");
    let m = match &*vm.modules {
        Obj::Dict(d) => get_str(&d.borrow(), &key)?,
        _ => return None,
    };
    match &m {
        Value::Obj(o) => match &**o {
            Obj::Module(m) => Some(m.dict.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// The folders imports search: `sys.path` as the program left it (entries that are not
/// str are skipped and "" is the current folder, as importlib's path finder does), or
/// None when `sys.path` is not a list.
pub fn sys_path(vm: &mut Vm) -> Option<Vec<std::path::PathBuf>> {
    let d = sys_dict(vm)?;
    let key = vm.intern("path");
    let path = match &*d {
        Obj::Dict(d) => get_str(&d.borrow(), &key)?,
        _ => return None,
    };
    let Value::Obj(o) = &path else { return None };
    let Obj::List(items) = &**o else { return None };
    let items = items.borrow();
    Some(
        items
            .iter()
            .filter_map(|v| v.as_str())
            .map(|s| std::path::PathBuf::from(if s.is_empty() { "." } else { s }))
            .collect(),
    )
}

/// Rebuilds `sys.argv` and `sys.path` from `vm.argv` and `vm.path` (call after setting them).
pub fn sync_from_vm(vm: &mut Vm) {
    let Some(d) = sys_dict(vm) else { return };
    let argv = Value::list(vm.argv.iter().map(|a| Value::str(a)).collect());
    let path = Value::list(
        vm.path
            .iter()
            .map(|p| Value::string(p.to_string_lossy().into_owned()))
            .collect(),
    );
    set_attr(vm, &d, "argv", argv);
    set_attr(vm, &d, "path", path);
    // The command line as the process received it (its own first word, options included).
    let orig_argv = Value::list(
        std::env::args_os()
            .map(|a| Value::string(a.to_string_lossy().into_owned()))
            .collect(),
    );
    set_attr(vm, &d, "orig_argv", orig_argv);
}

/// `sys.exit(status=None)`: SystemExit, with CPython's quirk that a tuple becomes the args.
fn sys_exit(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "exit", 0, 1)?;
    let exc_args = match args.pos.first() {
        None | Some(Value::None) => Vec::new(),
        Some(v) => match v.as_tuple() {
            Some(t) => t.to_vec(),
            None => vec![v.clone()],
        },
    };
    Err(crate::vm::errors::exc_args(ExcKind::SystemExit, exc_args))
}

fn getrecursionlimit(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "getrecursionlimit", 0, 0)?;
    Ok(Value::Int(vm.recursion_limit as i64))
}

fn setrecursionlimit(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "setrecursionlimit", 1, 1)?;
    if matches!(args.pos[0], Value::Float(_)) {
        return Err(type_error(
            "'float' object cannot be interpreted as an integer",
        ));
    }
    let n = vm.index_value(&args.pos[0])?;
    if n < 1 {
        return Err(value_error(
            "recursion limit must be greater or equal than 1",
        ));
    }
    let n = i32::try_from(n).map_err(|_| {
        crate::vm::errors::overflow_error("Python int too large to convert to C int")
    })? as usize;
    // CPython counts the native call of setrecursionlimit itself (called from aio code, it
    // is among the counted levels already).
    let depth = vm.recursion_depth().max(vm.frames.len() + 1);
    if depth >= n {
        return Err(exc(
            ExcKind::RecursionError,
            format!(
                "cannot set the recursion limit to {n} at the recursion depth {depth}: the limit is too low"
            ),
        ));
    }
    vm.recursion_limit = n;
    Ok(Value::None)
}

/// The exception being handled: the innermost frame with an active handler.
fn handled(vm: &Vm) -> Value {
    for f in vm.frames.iter().rev() {
        if !f.handled.is_none() && !f.handled.is_undef() {
            return f.handled.clone();
        }
    }
    Value::None
}

fn exc_info(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "exc_info", 0, 0)?;
    let e = handled(vm);
    if e.is_none() {
        return Ok(Value::tuple(vec![Value::None, Value::None, Value::None]));
    }
    let tb = match &e {
        Value::Obj(o) => crate::vm::traceback::traceback_value(o),
        _ => Value::None,
    };
    Ok(Value::tuple(vec![Value::Obj(vm.type_of(&e)), e, tb]))
}

/// `sys._getframe([depth])`: the frame object `depth` calls below the caller.
fn getframe(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "_getframe", 0, 1)?;
    let depth = match args.pos.first() {
        Some(v) => vm.index_value(v)?,
        None => 0,
    };
    vm.getframe(depth)
}

fn exception(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "exception", 0, 0)?;
    Ok(handled(vm))
}

fn getsizeof(_vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Err(not_implemented("sys.getsizeof() is not supported by aio"))
}

fn intern(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "intern", 1, 1)?;
    match args.pos[0].as_str() {
        Some(s) => {
            let s = s.to_string();
            Ok(vm.intern(&s))
        }
        None => Err(type_error(format!(
            "intern() argument must be str, not {}",
            vm.type_name(&args.pos[0])
        ))),
    }
}

fn get_int_max_str_digits(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "get_int_max_str_digits", 0, 0)?;
    Ok(Value::Int(int_max_str_digits() as i64))
}

fn set_int_max_str_digits(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    // Argument Clinic's order: the count, a missing argument, then an unknown keyword.
    args.clinic_max_args("set_int_max_str_digits", 1)?;
    let Some(v) = args.arg(0, "maxdigits") else {
        return Err(type_error(
            "set_int_max_str_digits() missing required argument 'maxdigits' (pos 1)",
        ));
    };
    args.only_kwargs("set_int_max_str_digits", &["maxdigits"])?;
    let n = vm.index_value(v)?;
    if n != 0 && n < INT_MAX_STR_DIGITS_THRESHOLD as i64 {
        return Err(value_error(format!(
            "maxdigits must be 0 or larger than {INT_MAX_STR_DIGITS_THRESHOLD}"
        )));
    }
    INT_MAX_STR_DIGITS.with(|c| c.set(n as usize));
    Ok(Value::None)
}

fn getdefaultencoding(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "getdefaultencoding", 0, 0)?;
    Ok(Value::str("utf-8"))
}

fn getfilesystemencoding(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "getfilesystemencoding", 0, 0)?;
    Ok(Value::str("utf-8"))
}

fn getrefcount(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "getrefcount", 1, 1)?;
    Ok(Value::Int(match &args.pos[0] {
        Value::Obj(o) => o.refcount() as i64,
        _ => 1 << 30,
    }))
}

/// The text `sys.print_exception` prints: CPython's traceback format.
fn format_exception_text(vm: &mut Vm, e: &ExcRef) -> PyResult<String> {
    Ok(vm.format_exception(&e.value()))
}

/// `sys.print_exception(exc, file=sys.stdout)` (MicroPython's API, CPython's format).
fn print_exception(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.only_kwargs("print_exception", &["exc", "file"])?;
    let Some(v) = args.arg(0, "exc") else {
        return Err(type_error(
            "print_exception() missing required argument 'exc' (pos 1)",
        ));
    };
    let e = match v {
        Value::Obj(o) if matches!(&**o, Obj::Exception(_)) => ExcRef(o.clone()),
        _ => {
            return Err(type_error(format!(
                "print_exception() argument 1 must be an exception, not {}",
                vm.type_name(v)
            )))
        }
    };
    let file = match args.arg(1, "file") {
        None | Some(Value::None) => sys_stream(vm, "stdout")?,
        Some(f) => f.clone(),
    };
    let text = format_exception_text(vm, &e)?;
    write_to(vm, &file, &text)?;
    Ok(Value::None)
}

/// `sys.is_finalizing()`: True once the program's modules are being torn down at exit.
fn is_finalizing(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "is_finalizing", 0, 0)?;
    Ok(Value::Bool(crate::gc::module_teardown::is_finalizing()))
}

/// `sys.displayhook(value)`, also `sys.__displayhook__`: what an expression statement of
/// interactive code (the prompt, `compile(..., 'single')`) does with its value.
fn displayhook(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if !args.kwnames.is_empty() {
        return Err(type_error("sys.displayhook() takes no keyword arguments"));
    }
    let [value] = args.pos else {
        return Err(type_error(format!(
            "sys.displayhook() takes exactly one argument ({} given)",
            args.pos.len()
        )));
    };
    vm.display_value(value.clone())?;
    Ok(Value::None)
}

/// `sys.excepthook(type, value, traceback)`, also `sys.__excepthook__`: prints the
/// exception with that traceback to stderr, as an uncaught exception is printed.
fn excepthook(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if !args.kwnames.is_empty() {
        return Err(type_error("excepthook() takes no keyword arguments"));
    }
    let [_, value, tb] = args.pos else {
        return Err(type_error(format!(
            "excepthook expected 3 arguments, got {}",
            args.pos.len()
        )));
    };
    let o = match value {
        Value::Obj(o) if matches!(&**o, Obj::Exception(_)) => o,
        _ => {
            let text = format!(
                "TypeError: print_exception(): Exception expected for value, {} found\n",
                vm.type_name(value)
            );
            vm.write_stderr(&text);
            return Ok(Value::None);
        }
    };
    // The exception's own traceback prints as it would uncaught; another one in its place.
    let own = crate::vm::traceback::traceback_value(o);
    let shown = (!own.is(tb)).then_some(tb);
    let text = vm
        .format_exception_chunks(
            value,
            true,
            None,
            shown,
            Default::default(),
            crate::vm::traceback::SyntaxTextStyle::Interpreter,
        )
        .concat();
    vm.flush_std_streams();
    vm.write_stderr(&text);
    Ok(Value::None)
}

/// A plain object of a fresh class `name` with the given attributes (sys.implementation).
fn simple_object(vm: &mut Vm, name: &str, attrs: &[(&str, Value)]) -> Value {
    let mut ns = DictData::new();
    set_str(&mut ns, Value::str("__module__"), Value::str("sys"));
    let cls = match vm.new_user_class(name, vec![], ns, None) {
        Ok(c) => c,
        Err(_) => return Value::None,
    };
    instance_of(cls, attrs)
}

pub(crate) fn instance_of(cls: ObjRef, attrs: &[(&str, Value)]) -> Value {
    let mut d = DictData::new();
    for (k, v) in attrs {
        set_str(&mut d, Value::str(k), v.clone());
    }
    Value::obj(Obj::Instance(crate::obj::InstanceObj::with_attrs(
        cls,
        d,
        Value::Undef,
    )))
}

// ---- struct sequences (sys.version_info, sys.flags): named fields that also behave as a
// tuple for indexing, iteration, comparison and hashing.

/// The field values of a struct sequence, as a tuple value (other values pass through).
fn seq_tuple(vm: &mut Vm, v: &Value) -> PyResult<Value> {
    let Value::Obj(o) = v else {
        return Ok(v.clone());
    };
    let Obj::Instance(_) = &**o else {
        return Ok(v.clone());
    };
    let cls = vm.type_of(v);
    let key = vm.intern("n_fields_names");
    let Some(names) = crate::vm::class::lookup(&cls, &key) else {
        return Ok(v.clone());
    };
    let names = vm.collect(&names)?;
    let mut out = Vec::with_capacity(names.len());
    for n in &names {
        out.push(vm.get_attr(v, n)?);
    }
    Ok(Value::tuple(out))
}

fn seq_self(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    match args.pos.first() {
        Some(v) => seq_tuple(vm, v),
        None => Err(type_error("struct sequence method needs an argument")),
    }
}

fn seq_getitem(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("__getitem__", 2, 2)?;
    let t = seq_self(vm, args)?;
    vm.getitem(&t, &args.pos[1])
}

fn seq_len(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = seq_self(vm, args)?;
    Ok(Value::Int(vm.len(&t)? as i64))
}

fn seq_iter(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = seq_self(vm, args)?;
    vm.iter(&t)
}

fn seq_hash(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let t = seq_self(vm, args)?;
    Ok(Value::Int(vm.hash(&t)?))
}

fn seq_cmp(vm: &mut Vm, args: &Args, op: crate::syntax::ast::CmpOp) -> PyResult<Value> {
    args.check("comparison", 2, 2)?;
    let a = seq_self(vm, args)?;
    let b = seq_tuple(vm, &args.pos[1])?;
    if b.as_tuple().is_none() {
        return Ok(vm.t.not_implemented_value.clone());
    }
    vm.compare(&a, &b, op)
}

macro_rules! seq_cmps {
    ($($name:ident => $op:ident),*) => {
        $(fn $name(vm: &mut Vm, args: &Args) -> PyResult<Value> {
            seq_cmp(vm, args, crate::syntax::ast::CmpOp::$op)
        })*
    };
}
seq_cmps!(seq_eq => Eq, seq_ne => NotEq, seq_lt => Lt, seq_le => LtE, seq_gt => Gt, seq_ge => GtE);

fn seq_repr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let Some(this) = args.pos.first() else {
        return Err(type_error("__repr__ needs an argument"));
    };
    let cls = vm.type_of(this);
    let key = vm.intern("n_fields_names");
    let names = match crate::vm::class::lookup(&cls, &key) {
        Some(n) => vm.collect(&n)?,
        None => Vec::new(),
    };
    let mut parts = Vec::with_capacity(names.len());
    for n in &names {
        let v = vm.get_attr(this, n)?;
        parts.push(format!("{}={}", n.as_str().unwrap_or("?"), vm.repr(&v)?));
    }
    let (qual, module) = crate::vm::class::as_class(&cls)
        .map(|c| {
            (
                c.qualname.borrow().to_string(),
                c.module.borrow().to_string(),
            )
        })
        .unwrap_or_default();
    let prefix = if module == "builtins" {
        String::new()
    } else {
        format!("{module}.")
    };
    Ok(Value::string(format!(
        "{prefix}{qual}({})",
        parts.join(", ")
    )))
}

/// A struct-sequence instance of a new class `sys.<name>`.
fn struct_seq(vm: &mut Vm, name: &str, fields: &[(&str, Value)]) -> Value {
    let names: Vec<&str> = fields.iter().map(|(k, _)| *k).collect();
    match struct_seq_class(vm, name, "sys", &names) {
        Some(cls) => instance_of(cls, fields),
        None => Value::None,
    }
}

/// A struct-sequence class named `name` in `module` with the given fields.
pub(crate) fn struct_seq_class(
    vm: &mut Vm,
    name: &str,
    module: &str,
    fields: &[&str],
) -> Option<ObjRef> {
    let mut ns = DictData::new();
    set_str(&mut ns, Value::str("__module__"), Value::str(module));
    let names = Value::tuple(fields.iter().map(|k| Value::str(k)).collect());
    set_str(&mut ns, Value::str("n_fields_names"), names);
    set_str(
        &mut ns,
        Value::str("n_fields"),
        Value::Int(fields.len() as i64),
    );
    let methods: &[(&'static str, NativeFn)] = &[
        ("__getitem__", seq_getitem),
        ("__len__", seq_len),
        ("__iter__", seq_iter),
        ("__hash__", seq_hash),
        ("__eq__", seq_eq),
        ("__ne__", seq_ne),
        ("__lt__", seq_lt),
        ("__le__", seq_le),
        ("__gt__", seq_gt),
        ("__ge__", seq_ge),
        ("__repr__", seq_repr),
    ];
    for &(m, f) in methods {
        set_str(&mut ns, Value::str(m), native("structseq", m, f));
    }
    let cls = vm.new_user_class(name, vec![], ns, None).ok()?;
    if let Obj::Class(c) = &*cls {
        *c.module.borrow_mut() = Rc::from(module);
    }
    Some(cls)
}

// ---- asyncgen hooks ----

/// `sys.set_asyncgen_hooks(firstiter=<unchanged>, finalizer=<unchanged>)`; None unsets.
fn set_asyncgen_hooks(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_pos("set_asyncgen_hooks", 0, 2)?;
    // CPython parses these with PyArg_ParseTupleAndKeywords and no function name.
    for k in args.kwnames {
        let k = k.as_str().unwrap_or("?");
        if !["firstiter", "finalizer"].contains(&k) {
            return Err(type_error(format!(
                "'{k}' is an invalid keyword argument for this function"
            )));
        }
    }
    // CPython installs the finalizer before it checks firstiter.
    for (i, name) in [(1, "finalizer"), (0, "firstiter")] {
        let Some(v) = args.arg(i, name) else { continue };
        let hook = if v.is_none() {
            None
        } else if crate::modules::builtins::is_callable(vm, v) {
            Some(v.clone())
        } else {
            return Err(type_error(format!(
                "callable {name} expected, got {}",
                vm.type_name(v)
            )));
        };
        if i == 1 {
            vm.asyncgen_hooks.finalizer = hook;
        } else {
            vm.asyncgen_hooks.firstiter = hook;
        }
    }
    Ok(Value::None)
}

/// `sys.get_asyncgen_hooks()`: `asyncgen_hooks(firstiter=..., finalizer=...)`.
fn get_asyncgen_hooks(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check_function("sys", "get_asyncgen_hooks", 0, 0)?;
    let cls = match vm.asyncgen_hooks.class.clone() {
        Some(c) => c,
        None => {
            let c = struct_seq_class(
                vm,
                "asyncgen_hooks",
                "builtins",
                &["firstiter", "finalizer"],
            )
            .ok_or_else(|| type_error("cannot create asyncgen_hooks"))?;
            vm.asyncgen_hooks.class = Some(c.clone());
            c
        }
    };
    let hooks = &vm.asyncgen_hooks;
    let first = hooks.firstiter.clone().unwrap_or(Value::None);
    let fin = hooks.finalizer.clone().unwrap_or(Value::None);
    Ok(instance_of(
        cls,
        &[("firstiter", first), ("finalizer", fin)],
    ))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("exit", sys_exit),
        ("getrecursionlimit", getrecursionlimit),
        ("setrecursionlimit", setrecursionlimit),
        ("exc_info", exc_info),
        ("exception", exception),
        ("_getframe", getframe),
        ("getsizeof", getsizeof),
        ("intern", intern),
        ("get_int_max_str_digits", get_int_max_str_digits),
        ("set_int_max_str_digits", set_int_max_str_digits),
        ("getdefaultencoding", getdefaultencoding),
        ("getfilesystemencoding", getfilesystemencoding),
        ("getrefcount", getrefcount),
        ("print_exception", print_exception),
        ("excepthook", excepthook),
        ("displayhook", displayhook),
        ("is_finalizing", is_finalizing),
        ("unraisablehook", super::sys_unraisable::default_hook),
        ("set_asyncgen_hooks", set_asyncgen_hooks),
        ("get_asyncgen_hooks", get_asyncgen_hooks),
        (
            "set_coroutine_origin_tracking_depth",
            super::sys_origin::set_depth,
        ),
        (
            "get_coroutine_origin_tracking_depth",
            super::sys_origin::get_depth,
        ),
    ];
    let funcs: Vec<_> = funcs
        .iter()
        .chain(super::sys_tracing::FUNCS)
        .chain(super::sys_interval::FUNCS)
        .copied()
        .collect();
    let (_, d) = new_module(vm, "sys", &funcs);
    // The original hook stays reachable when a program replaces `sys.excepthook`.
    if let Obj::Dict(dd) = &*d {
        let hook = get_str(&dd.borrow(), &Value::str("excepthook"));
        if let Some(hook) = hook {
            set_attr(vm, &d, "__excepthook__", hook);
        }
        let hook = get_str(&dd.borrow(), &Value::str("displayhook"));
        if let Some(hook) = hook {
            set_attr(vm, &d, "__displayhook__", hook);
        }
        let hook = get_str(&dd.borrow(), &Value::str("unraisablehook"));
        if let Some(hook) = hook {
            set_attr(vm, &d, "__unraisablehook__", hook);
        }
    }
    let version_info = struct_seq(
        vm,
        "version_info",
        &[
            ("major", Value::Int(3)),
            ("minor", Value::Int(11)),
            ("micro", Value::Int(7)),
            ("releaselevel", Value::str("final")),
            ("serial", Value::Int(0)),
        ],
    );
    let stdout = new_stream(1);
    let stderr = new_stream(2);
    let stdin = new_stream(0);
    let opts = crate::options::get();
    let flag = |on: bool| Value::Int(on as i64);
    let flags = struct_seq(
        vm,
        "flags",
        &[
            ("debug", flag(opts.debug)),
            ("inspect", flag(opts.inspect)),
            ("interactive", flag(opts.inspect)),
            ("optimize", Value::Int(opts.optimize as i64)),
            ("dont_write_bytecode", flag(opts.dont_write_bytecode)),
            ("no_user_site", flag(opts.no_user_site)),
            ("no_site", flag(opts.no_site)),
            ("ignore_environment", flag(opts.ignore_environment)),
            ("verbose", Value::Int(0)),
            ("bytes_warning", Value::Int(0)),
            ("quiet", flag(opts.quiet)),
            ("hash_randomization", Value::Int(1)),
            ("isolated", flag(opts.isolated)),
            ("dev_mode", Value::Bool(opts.dev_mode)),
            ("utf8_mode", Value::Int(0)),
            ("warn_default_encoding", Value::Int(0)),
            ("safe_path", Value::Bool(opts.safe_path)),
            (
                "int_max_str_digits",
                Value::Int(opts.int_max_str_digits.map_or(-1, |n| n as i64)),
            ),
        ],
    );
    if let Some(n) = opts.int_max_str_digits {
        INT_MAX_STR_DIGITS.with(|c| c.set(n));
    }
    let warnoptions = Value::list(opts.warnoptions.iter().map(|w| Value::str(w)).collect());
    let mut xoptions = crate::obj::DictData::default();
    for (name, value) in &opts.xoptions {
        let value = match value {
            Some(v) => Value::str(v),
            None => Value::Bool(true),
        };
        crate::vm::dictops::set_str(&mut xoptions, Value::str(name), value);
    }
    let xoptions = Value::obj(Obj::Dict(std::cell::RefCell::new(xoptions)));
    // CPython's numeric hash parameters; aio's int/float hashes follow the same scheme
    // (src/obj/number.rs), and modules such as decimal and fractions compute hashes from them.
    let hash_info = struct_seq(
        vm,
        "hash_info",
        &[
            ("width", Value::Int(64)),
            ("modulus", Value::Int(crate::obj::number::HASH_MODULUS)),
            ("inf", Value::Int(314159)),
            ("nan", Value::Int(0)),
            ("imag", Value::Int(1000003)),
            ("algorithm", Value::str("siphash13")),
            ("hash_bits", Value::Int(64)),
            ("seed_bits", Value::Int(128)),
            ("cutoff", Value::Int(0)),
        ],
    );
    // The C double's parameters (float.h), as CPython reports them.
    let float_info = struct_seq(
        vm,
        "float_info",
        &[
            ("max", Value::Float(f64::MAX)),
            ("max_exp", Value::Int(i64::from(f64::MAX_EXP))),
            ("max_10_exp", Value::Int(i64::from(f64::MAX_10_EXP))),
            ("min", Value::Float(f64::MIN_POSITIVE)),
            ("min_exp", Value::Int(i64::from(f64::MIN_EXP))),
            ("min_10_exp", Value::Int(i64::from(f64::MIN_10_EXP))),
            ("dig", Value::Int(i64::from(f64::DIGITS))),
            ("mant_dig", Value::Int(i64::from(f64::MANTISSA_DIGITS))),
            ("epsilon", Value::Float(f64::EPSILON)),
            ("radix", Value::Int(i64::from(f64::RADIX))),
            ("rounds", Value::Int(1)),
        ],
    );
    // CPython's int layout (30-bit digits) and its int/str conversion limits.
    let int_info = struct_seq(
        vm,
        "int_info",
        &[
            ("bits_per_digit", Value::Int(30)),
            ("sizeof_digit", Value::Int(4)),
            ("default_max_str_digits", Value::Int(4300)),
            ("str_digits_check_threshold", Value::Int(640)),
        ],
    );
    let implementation = simple_object(
        vm,
        "implementation",
        &[
            ("name", Value::str("aio")),
            ("cache_tag", Value::None),
            ("version", version_info.clone()),
            ("hexversion", Value::Int(0x030B07F0)),
        ],
    );
    let exe = std::env::current_exe().ok();
    let executable = exe
        .as_ref()
        .map(|p| Value::string(p.to_string_lossy().into_owned()))
        .unwrap_or_else(|| Value::str(""));
    // The installation's root, as CPython's: the folder above the executable's (aio has
    // no virtual environments, so the base prefixes are the same).
    let prefix = exe
        .as_ref()
        .and_then(|p| {
            p.parent()?
                .parent()
                .map(|r| r.to_string_lossy().into_owned())
        })
        .map(Value::string)
        .unwrap_or_else(|| Value::str(""));
    let attrs: Vec<(&str, Value)> = vec![
        (
            "version",
            Value::string(format!("3.11.7 (aio {})", env!("CARGO_PKG_VERSION"))),
        ),
        ("version_info", version_info),
        ("copyright", Value::str(CPYTHON_COPYRIGHT)),
        ("hexversion", Value::Int(0x030B07F0)),
        ("api_version", Value::Int(1013)),
        ("platform", Value::str("linux")),
        (
            "byteorder",
            Value::str(if cfg!(target_endian = "little") {
                "little"
            } else {
                "big"
            }),
        ),
        ("maxsize", Value::Int(i64::MAX)),
        ("maxunicode", Value::Int(0x10FFFF)),
        ("executable", executable),
        ("prefix", prefix.clone()),
        ("base_prefix", prefix.clone()),
        ("exec_prefix", prefix.clone()),
        ("base_exec_prefix", prefix),
        ("platlibdir", Value::str("lib")),
        ("modules", Value::Obj(vm.modules.clone())),
        ("stdout", stdout.clone()),
        ("stderr", stderr.clone()),
        ("stdin", stdin.clone()),
        ("__stdout__", stdout),
        ("__stderr__", stderr),
        ("__stdin__", stdin),
        ("flags", flags),
        ("hash_info", hash_info),
        ("float_info", float_info),
        ("float_repr_style", Value::str("short")),
        ("dont_write_bytecode", Value::Bool(false)),
        ("abiflags", Value::str("")),
        ("pycache_prefix", Value::None),
        ("int_info", int_info),
        ("implementation", implementation),
        ("warnoptions", warnoptions),
        ("_xoptions", xoptions),
        (
            "builtin_module_names",
            Value::tuple(
                ["builtins", "gc", "math", "sys", "time"]
                    .iter()
                    .map(|s| Value::str(s))
                    .collect(),
            ),
        ),
    ];
    for (k, v) in attrs {
        set_attr(vm, &d, k, v);
    }
    sync_from_vm(vm);
}

/// `sys.copyright`: CPython 3.11's notice, which the `copyright` builtin prints.
const CPYTHON_COPYRIGHT: &str = "Copyright (c) 2001-2023 Python Software Foundation.\n\
All Rights Reserved.\n\
\n\
Copyright (c) 2000 BeOpen.com.\n\
All Rights Reserved.\n\
\n\
Copyright (c) 1995-2001 Corporation for National Research Initiatives.\n\
All Rights Reserved.\n\
\n\
Copyright (c) 1991-1995 Stichting Mathematisch Centrum, Amsterdam.\n\
All Rights Reserved.";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sys(vm: &mut Vm) -> Value {
        match &*vm.modules {
            Obj::Dict(d) => get_str(&d.borrow(), &Value::str("sys")).unwrap(),
            _ => panic!(),
        }
    }

    fn msg(vm: &mut Vm, r: PyResult<Value>) -> String {
        match r {
            Ok(v) => vm.repr(&v).unwrap(),
            Err(e) => {
                let n = crate::vm::class::class_name(e.class());
                let s = vm.to_str(&e.value()).unwrap();
                format!("{n}: {s}")
            }
        }
    }

    #[test]
    fn sys_module() {
        let mut vm = Vm::new();
        let s = sys(&mut vm);
        let exit = vm.get_attr_str(&s, "exit").unwrap();
        let e = vm.call(&exit, &[Value::Int(3)]).unwrap_err();
        assert!(e.is(ExcKind::SystemExit));
        let code = vm.get_attr_str(&e.value(), "code").unwrap();
        assert_eq!(msg(&mut vm, Ok(code)), "3");
        let set = vm.get_attr_str(&s, "setrecursionlimit").unwrap();
        let r = vm.call(&set, &[Value::Int(0)]);
        assert_eq!(
            msg(&mut vm, r),
            "ValueError: recursion limit must be greater or equal than 1"
        );
        vm.call(&set, &[Value::Int(50)]).unwrap();
        assert_eq!(vm.recursion_limit, 50);
        let digits = vm.get_attr_str(&s, "set_int_max_str_digits").unwrap();
        let r = vm.call(&digits, &[Value::Int(5)]);
        assert_eq!(
            msg(&mut vm, r),
            "ValueError: maxdigits must be 0 or larger than 640"
        );
        let info = vm.get_attr_str(&s, "exc_info").unwrap();
        let r = vm.call(&info, &[]).unwrap();
        assert_eq!(vm.collect(&r).unwrap().len(), 3);
        let name = vm.get_attr_str(&s, "implementation").unwrap();
        let name = vm.get_attr_str(&name, "name").unwrap();
        assert_eq!(msg(&mut vm, Ok(name)), "'aio'");
        let out = vm.get_attr_str(&s, "stdout").unwrap();
        let r = vm.call_method(&out, "write", &[Value::Int(1)]);
        assert_eq!(
            msg(&mut vm, r),
            "TypeError: write() argument must be str, not int"
        );
        let r = vm.call_method(&out, "write", &[Value::str("")]);
        assert_eq!(msg(&mut vm, r), "0");
        let enc = vm.get_attr_str(&out, "encoding").unwrap();
        assert_eq!(msg(&mut vm, Ok(enc)), "'utf-8'");
    }
}
