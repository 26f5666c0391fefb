//! Behaviour of the builtin exception classes, as CPython 3.11 defines it: constructors,
//! `str`/`repr`, and the per-class attributes (`errno`, `value`, `code`, `name`, `msg`...).
//!
//! Exception objects are `Obj::Exception`; their `args` live in a native field, every other
//! attribute in the exception's `dict`. Class-specific attributes are properties whose
//! getters read the dict and fall back to what CPython derives from `args`, so exceptions
//! created natively by the VM (`errors::exc_args`) show the same attributes as ones created
//! by calling the class.

use crate::obj::function::{Args, NativeFn};
use crate::obj::{ExceptionObj, Obj};
use crate::vm::class::{as_class, class_name, is_subclass};
use crate::vm::dictops::{get_str, set_str};
use crate::vm::errors::{new_exception, type_error, value_error, ExcRef, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// The exception object inside `v`, or the TypeError CPython raises for a method called on
/// something else ("descriptor '__str__' requires a 'BaseException' object ...").
fn exc_self<'a>(vm: &Vm, args: &'a Args, method: &str, owner: &str) -> PyResult<&'a ExceptionObj> {
    match args.pos.first() {
        Some(Value::Obj(o)) => match &**o {
            Obj::Exception(e) => Ok(e),
            _ => Err(descr_error(vm, &args.pos[0], method, owner)),
        },
        Some(v) => Err(descr_error(vm, v, method, owner)),
        None => Err(type_error(format!(
            "descriptor '{method}' of '{owner}' object needs an argument"
        ))),
    }
}

fn descr_error(vm: &Vm, v: &Value, method: &str, owner: &str) -> ExcRef {
    type_error(format!(
        "descriptor '{method}' requires a '{owner}' object but received a '{}'",
        vm.type_name(v)
    ))
}

fn exc_obj(v: &Value) -> Option<&ExceptionObj> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Exception(e) => Some(e),
            _ => None,
        },
        _ => None,
    }
}

/// The args tuple of an exception as a vector.
fn args_of(e: &ExceptionObj) -> Vec<Value> {
    e.args
        .borrow()
        .as_tuple()
        .map(|t| t.to_vec())
        .unwrap_or_default()
}

/// An attribute stored in the exception's dict.
fn dict_get(vm: &mut Vm, e: &ExceptionObj, name: &str) -> Option<Value> {
    let key = vm.intern(name);
    e.read_dict(|d| get_str(d, &key))
}

fn dict_set(vm: &mut Vm, e: &ExceptionObj, name: &str, v: Value) {
    let key = vm.intern(name);
    set_str(&mut e.dict().borrow_mut(), key, v);
}

/// Getter/setter pairs for dict-backed attributes; `$derive` computes the value from the
/// exception (its args) when the dict has none.
macro_rules! members {
    ($( $get:ident, $set:ident, $name:literal, $derive:expr; )*) => {
        $(
            fn $get(vm: &mut Vm, args: &Args) -> PyResult<Value> {
                let e = exc_self(vm, args, $name, "BaseException")?;
                if let Some(v) = dict_get(vm, e, $name) {
                    return Ok(v);
                }
                let derive: fn(&ExceptionObj) -> Value = $derive;
                Ok(derive(e))
            }
            fn $set(vm: &mut Vm, args: &Args) -> PyResult<Value> {
                let e = exc_self(vm, args, $name, "BaseException")?;
                let v = args.pos.get(1).cloned().unwrap_or(Value::None);
                dict_set(vm, e, $name, v);
                Ok(Value::None)
            }
        )*
    };
}

fn none(_: &ExceptionObj) -> Value {
    Value::None
}

fn arg_at(e: &ExceptionObj, i: usize) -> Value {
    args_of(e).get(i).cloned().unwrap_or(Value::None)
}

/// OSError derives its fields from args only when there are 2 to 5 of them.
fn os_arg(e: &ExceptionObj, i: usize) -> Value {
    let a = args_of(e);
    if (2..=5).contains(&a.len()) {
        a.get(i).cloned().unwrap_or(Value::None)
    } else {
        Value::None
    }
}

/// SyntaxError: `(msg, (filename, lineno, offset, text, end_lineno, end_offset))`.
fn syntax_info(e: &ExceptionObj, i: usize) -> Value {
    let a = args_of(e);
    if a.len() == 2 {
        if let Some(info) = a[1].as_tuple() {
            return info.get(i).cloned().unwrap_or(Value::None);
        }
    }
    Value::None
}

/// UnicodeError subclasses: `(encoding, object, start, end, reason)`; UnicodeTranslateError
/// has no encoding: `(object, start, end, reason)`, its `encoding` None.
fn unicode_arg(e: &ExceptionObj, i: usize) -> Value {
    let a = args_of(e);
    if a.len() == 5 {
        a[i].clone()
    } else if a.len() == 4 && i > 0 && is_translate_error(e) {
        a[i - 1].clone()
    } else {
        Value::None
    }
}

fn is_translate_error(e: &ExceptionObj) -> bool {
    is_subclass(
        &e.class,
        &crate::vm::types::exc_class(ExcKind::UnicodeTranslateError),
    )
}

members! {
    get_errno, set_errno, "errno", |e| os_arg(e, 0);
    get_strerror, set_strerror, "strerror", |e| os_arg(e, 1);
    get_filename, set_filename, "filename", |e| os_arg(e, 2);
    get_filename2, set_filename2, "filename2", |e| os_arg(e, 4);
    get_characters_written, set_characters_written, "characters_written", none;
    get_value, set_value, "value", |e| arg_at(e, 0);
    get_code, set_code, "code", |e| {
        let a = args_of(e);
        match a.len() {
            0 => Value::None,
            1 => a[0].clone(),
            _ => Value::tuple(a),
        }
    };
    get_name, set_name, "name", none;
    get_obj, set_obj, "obj", none;
    get_path, set_path, "path", none;
    get_msg_import, set_msg_import, "msg", |e| {
        let a = args_of(e);
        if a.len() == 1 { a[0].clone() } else { Value::None }
    };
    get_msg_syntax, set_msg_syntax, "msg", |e| arg_at(e, 0);
    get_sfilename, set_sfilename, "filename", |e| syntax_info(e, 0);
    get_lineno, set_lineno, "lineno", |e| syntax_info(e, 1);
    get_offset, set_offset, "offset", |e| syntax_info(e, 2);
    get_text, set_text, "text", |e| syntax_info(e, 3);
    get_end_lineno, set_end_lineno, "end_lineno", |e| syntax_info(e, 4);
    get_end_offset, set_end_offset, "end_offset", |e| syntax_info(e, 5);
    get_print_file_and_line, set_print_file_and_line, "print_file_and_line", none;
    get_encoding, set_encoding, "encoding", |e| unicode_arg(e, 0);
    get_uobject, set_uobject, "object", |e| unicode_arg(e, 1);
    get_start, set_start, "start", |e| unicode_arg(e, 2);
    get_end, set_end, "end", |e| unicode_arg(e, 3);
    get_reason, set_reason, "reason", |e| unicode_arg(e, 4);
}

fn get_message(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "message", "BaseExceptionGroup")?;
    Ok(dict_get(vm, e, "message").unwrap_or_else(|| arg_at(e, 0)))
}

fn get_exceptions(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "exceptions", "BaseExceptionGroup")?;
    if let Some(v) = dict_get(vm, e, "exceptions") {
        return Ok(v);
    }
    let items = arg_at(e, 1);
    Ok(Value::tuple(match &items {
        Value::Obj(o) => match &**o {
            Obj::List(l) => l.borrow().clone(),
            Obj::Tuple(t) => t.to_vec(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }))
}

// ---------------------------------------------------------------- BaseException

/// `BaseException.__new__(cls, *args, **kwargs)`: keywords are left to `__init__`.
fn base_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let cls = check_exc_class(vm, args.pos.first(), "BaseException")?;
    Ok(Value::obj(Obj::Exception(Box::new(ExceptionObj::new(
        cls,
        Value::tuple(args.pos[1..].to_vec()),
    )))))
}

/// Checks `cls` of an exception `__new__` is a subclass of `base`.
fn check_exc_class(vm: &Vm, cls: Option<&Value>, base: &str) -> PyResult<ObjRef> {
    let Some(cls) = cls else {
        return Err(type_error(format!(
            "{base}.__new__(): not enough arguments"
        )));
    };
    let Value::Obj(c) = cls else {
        return Err(type_error(format!(
            "{base}.__new__(X): X is not a type object ({})",
            vm.type_name(cls)
        )));
    };
    if as_class(c).is_none() {
        return Err(type_error(format!(
            "{base}.__new__(X): X is not a type object ({})",
            vm.type_name(cls)
        )));
    }
    let base_cls = vm.t.exc[ExcKind::BaseException as usize].clone();
    if !is_subclass(c, &base_cls) {
        let n = class_name(c);
        return Err(type_error(format!(
            "{base}.__new__({n}): {n} is not a subtype of {base}"
        )));
    }
    Ok(c.clone())
}

fn no_kwargs(vm: &Vm, args: &Args) -> PyResult<()> {
    if args.kwnames.is_empty() {
        return Ok(());
    }
    let name = args
        .pos
        .first()
        .map(|v| vm.type_name(v))
        .unwrap_or_else(|| "BaseException".into());
    Err(type_error(format!("{name}() takes no keyword arguments")))
}

fn base_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__init__", "BaseException")?;
    no_kwargs(vm, args)?;
    *e.args.borrow_mut() = Value::tuple(args.pos[1..].to_vec());
    Ok(Value::None)
}

/// `str(e)`: '' for no args, `str(arg)` for one, else `str(args)`.
fn base_str(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__str__", "BaseException")?;
    let a = e.args.borrow().clone();
    str_of_args(vm, &a)
}

fn str_of_args(vm: &mut Vm, a: &Value) -> PyResult<Value> {
    match a.as_tuple() {
        Some([]) => Ok(Value::str("")),
        Some([one]) => {
            let one = one.clone();
            vm.to_str_value(&one)
        }
        Some(items) => {
            let items = items.to_vec();
            Ok(Value::string(tuple_repr(vm, &items)?))
        }
        None => vm.to_str_value(a),
    }
}

/// `repr(tuple)` for 2 or more items (as CPython formats `args`).
fn tuple_repr(vm: &mut Vm, items: &[Value]) -> PyResult<String> {
    let mut out = String::from("(");
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&vm.repr(it)?);
    }
    if items.len() == 1 {
        out.push(',');
    }
    out.push(')');
    Ok(out)
}

/// `repr(e)`: `Name('x')`, `Name()`, `Name(1, 2)`.
fn base_repr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__repr__", "BaseException")?;
    let name = class_name(&e.class);
    let a = e.args.borrow().clone();
    let inner = match a.as_tuple() {
        Some([one]) => format!("({})", vm.repr(one)?),
        Some(items) => {
            let items = items.to_vec();
            tuple_repr(vm, &items)?
        }
        None => vm.repr(&a)?,
    };
    Ok(Value::string(format!("{name}{inner}")))
}

fn with_traceback(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    exc_self(vm, args, "with_traceback", "BaseException")?;
    args.check_pos("with_traceback", 2, 2)?;
    let tb = args.pos[1].clone();
    if let Value::Obj(o) = &args.pos[0] {
        crate::vm::traceback::set_traceback(o, &tb)?;
    }
    Ok(args.pos[0].clone())
}

fn add_note(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "add_note", "BaseException")?;
    if args.pos.len() != 2 {
        return Err(type_error(format!(
            "BaseException.add_note() takes exactly one argument ({} given)",
            args.pos.len() - 1
        )));
    }
    let note = &args.pos[1];
    if note.as_str().is_none() {
        return Err(type_error(format!(
            "note must be a str, not '{}'",
            vm.type_name(note)
        )));
    }
    let notes = match dict_get(vm, e, "__notes__") {
        Some(n) => n,
        None => {
            let l = Value::list(Vec::new());
            dict_set(vm, e, "__notes__", l.clone());
            l
        }
    };
    match &notes {
        Value::Obj(o) => match &**o {
            Obj::List(l) => {
                l.borrow_mut().push(note.clone());
                Ok(Value::None)
            }
            _ => Err(type_error("Cannot add note: __notes__ is not a list")),
        },
        _ => Err(type_error("Cannot add note: __notes__ is not a list")),
    }
}

// ---------------------------------------------------------------- specific classes

fn key_error_str(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__str__", "KeyError")?;
    let a = e.args.borrow().clone();
    match a.as_tuple() {
        Some([one]) => {
            let one = one.clone();
            Ok(Value::string(vm.repr(&one)?))
        }
        _ => str_of_args(vm, &a),
    }
}

/// Keyword arguments accepted by ImportError, NameError and AttributeError.
fn kw_init(vm: &mut Vm, args: &Args, cls: &str, allowed: &[&str]) -> PyResult<Value> {
    let e = exc_self(vm, args, "__init__", cls)?;
    for (k, v) in args.kwnames.iter().zip(args.kwvalues.iter()) {
        let k = k.as_str().unwrap_or("?");
        if !allowed.contains(&k) {
            return Err(type_error(format!(
                "'{k}' is an invalid keyword argument for {cls}()"
            )));
        }
        dict_set(vm, e, k, v.clone());
    }
    *e.args.borrow_mut() = Value::tuple(args.pos[1..].to_vec());
    Ok(Value::None)
}

fn import_error_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    kw_init(vm, args, "ImportError", &["name", "path"])
}

fn name_error_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    kw_init(vm, args, "NameError", &["name"])
}

fn attribute_error_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    kw_init(vm, args, "AttributeError", &["name", "obj"])
}

fn import_error_str(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__str__", "ImportError")?;
    let msg = match dict_get(vm, e, "msg") {
        Some(m) => m,
        None => get_msg_import(vm, args)?,
    };
    if !msg.is_none() {
        return vm.to_str_value(&msg);
    }
    let a = e.args.borrow().clone();
    str_of_args(vm, &a)
}

/// Index in `EXCEPTIONS` of the OSError subclass CPython picks for `errno` (Linux values).
fn errno_class_index(errno: i64) -> Option<usize> {
    const CHILD_PROCESS_ERROR: usize = 25;
    const CONNECTION_ABORTED_ERROR: usize = 28;
    let k = match errno {
        11 | 114 | 115 => ExcKind::BlockingIOError, // EAGAIN, EALREADY, EINPROGRESS
        10 => return Some(CHILD_PROCESS_ERROR),     // ECHILD
        32 | 108 => ExcKind::BrokenPipeError,       // EPIPE, ESHUTDOWN
        103 => return Some(CONNECTION_ABORTED_ERROR),
        111 => ExcKind::ConnectionRefusedError,
        104 => ExcKind::ConnectionResetError,
        17 => ExcKind::FileExistsError,
        2 => ExcKind::FileNotFoundError,
        4 => ExcKind::InterruptedError,
        21 => ExcKind::IsADirectoryError,
        20 => ExcKind::NotADirectoryError,
        1 | 13 => ExcKind::PermissionError, // EPERM, EACCES
        3 => ExcKind::ProcessLookupError,
        110 => ExcKind::TimeoutError,
        _ => return None,
    };
    Some(k as usize)
}

/// Splits OSError args: with 2 to 5 args, `args` keeps (errno, strerror) and filename /
/// filename2 go to the dict.
fn os_parse(vm: &mut Vm, e: &ExceptionObj, pos: &[Value]) {
    let n = pos.len();
    if (3..=5).contains(&n) {
        dict_set(vm, e, "filename", pos[2].clone());
        if n >= 5 {
            dict_set(vm, e, "filename2", pos[4].clone());
        }
        *e.args.borrow_mut() = Value::tuple(pos[..2].to_vec());
    } else {
        *e.args.borrow_mut() = Value::tuple(pos.to_vec());
    }
}

fn os_error_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let mut cls = check_exc_class(vm, args.pos.first(), "OSError")?;
    let pos = &args.pos[1..];
    let os_error = vm.t.exc[ExcKind::OSError as usize].clone();
    if cls.is(&os_error) && (2..=5).contains(&pos.len()) {
        if let Value::Int(errno) = pos[0] {
            if let Some(i) = errno_class_index(errno) {
                cls = vm.t.exc[i].clone();
            }
        }
    }
    let v = Value::obj(Obj::Exception(Box::new(ExceptionObj::new(
        cls,
        Value::tuple(vec![]),
    ))));
    if let Some(e) = exc_obj(&v) {
        os_parse(vm, e, pos);
    }
    Ok(v)
}

fn os_error_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__init__", "OSError")?;
    no_kwargs(vm, args)?;
    os_parse(vm, e, &args.pos[1..]);
    Ok(Value::None)
}

fn os_error_str(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__str__", "OSError")?;
    let errno = get_errno(vm, args)?;
    let strerror = get_strerror(vm, args)?;
    let filename = get_filename(vm, args)?;
    let filename2 = get_filename2(vm, args)?;
    // CPython tests whether the fields were set; "set" here means parsed from 2-5 args or
    // assigned.
    let n = args_of(e).len();
    let has_fields = (2..=5).contains(&n)
        || (dict_get(vm, e, "errno").is_some() && dict_get(vm, e, "strerror").is_some());
    if !filename.is_none() {
        let es = vm.to_str(&errno)?;
        let ss = vm.to_str(&strerror)?;
        let f = vm.repr(&filename)?;
        if !filename2.is_none() {
            let f2 = vm.repr(&filename2)?;
            return Ok(Value::string(format!("[Errno {es}] {ss}: {f} -> {f2}")));
        }
        return Ok(Value::string(format!("[Errno {es}] {ss}: {f}")));
    }
    if has_fields {
        let es = vm.to_str(&errno)?;
        let ss = vm.to_str(&strerror)?;
        return Ok(Value::string(format!("[Errno {es}] {ss}")));
    }
    let a = e.args.borrow().clone();
    str_of_args(vm, &a)
}

/// An OSError (or the subclass CPython picks for `errno`) with CPython's fields.
pub fn os_error(vm: &mut Vm, errno: i32, strerror: &str, filename: Option<Value>) -> ExcRef {
    let idx = errno_class_index(errno as i64).unwrap_or(ExcKind::OSError as usize);
    let e = new_exception(
        vm.t.exc[idx].clone(),
        Value::tuple(vec![Value::Int(errno as i64), Value::str(strerror)]),
    );
    if let Some(f) = filename {
        dict_set(vm, e.exc(), "filename", f);
    }
    e
}

/// An OSError from a Rust I/O error (strerror without Rust's " (os error N)" suffix).
pub fn os_error_from_io(vm: &mut Vm, err: &std::io::Error, filename: Option<Value>) -> ExcRef {
    match err.raw_os_error() {
        Some(code) => {
            let text = err.to_string();
            let suffix = format!(" (os error {code})");
            let msg = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
            os_error(vm, code, &msg, filename)
        }
        None => {
            let kind = if err.kind() == std::io::ErrorKind::BrokenPipe {
                ExcKind::BrokenPipeError
            } else {
                ExcKind::OSError
            };
            crate::vm::errors::exc(kind, err.to_string())
        }
    }
}

fn syntax_error_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__init__", "SyntaxError")?;
    no_kwargs(vm, args)?;
    let pos = &args.pos[1..];
    if pos.len() == 2 {
        let info = vm.collect(&pos[1])?;
        if info.len() < 4 {
            return Err(type_error(format!(
                "function takes at least 4 arguments ({} given)",
                info.len()
            )));
        }
        if info.len() > 6 {
            return Err(type_error(format!(
                "function takes at most 6 arguments ({} given)",
                info.len()
            )));
        }
        let names = [
            "filename",
            "lineno",
            "offset",
            "text",
            "end_lineno",
            "end_offset",
        ];
        for (i, n) in names.iter().enumerate() {
            dict_set(vm, e, n, info.get(i).cloned().unwrap_or(Value::None));
        }
    }
    *e.args.borrow_mut() = Value::tuple(pos.to_vec());
    Ok(Value::None)
}

fn syntax_error_str(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    exc_self(vm, args, "__str__", "SyntaxError")?;
    let msg = get_msg_syntax(vm, args)?;
    let filename = get_sfilename(vm, args)?;
    let lineno = get_lineno(vm, args)?;
    let m = vm.to_str(&msg)?;
    let base = filename
        .as_str()
        .map(|f| f.rsplit('/').next().unwrap_or(f).to_string());
    let line = match &lineno {
        Value::Int(n) => Some(*n),
        Value::Bool(b) => Some(*b as i64),
        _ => None,
    };
    Ok(Value::string(match (base, line) {
        (Some(f), Some(l)) => format!("{m} ({f}, line {l})"),
        (Some(f), None) => format!("{m} ({f})"),
        (None, Some(l)) => format!("{m} (line {l})"),
        (None, None) => m,
    }))
}

/// Validates `(encoding, object, start, end, reason)` for the Unicode errors.
fn unicode_init(vm: &mut Vm, args: &Args, object_is_str: bool, cls: &str) -> PyResult<Value> {
    let e = exc_self(vm, args, "__init__", cls)?;
    no_kwargs(vm, args)?;
    let pos = &args.pos[1..];
    if pos.len() != 5 {
        return Err(type_error(format!(
            "function takes exactly 5 arguments ({} given)",
            pos.len()
        )));
    }
    if pos[0].as_str().is_none() {
        return Err(type_error(format!(
            "argument 1 must be str, not {}",
            vm.type_name(&pos[0])
        )));
    }
    let obj_ok = if object_is_str {
        pos[1].as_str().is_some()
    } else {
        matches!(&pos[1], Value::Obj(o) if matches!(&**o, Obj::Bytes(_) | Obj::ByteArray(_)))
    };
    if !obj_ok {
        return Err(type_error(if object_is_str {
            format!("argument 2 must be str, not {}", vm.type_name(&pos[1]))
        } else {
            format!(
                "a bytes-like object is required, not '{}'",
                vm.type_name(&pos[1])
            )
        }));
    }
    vm.index_value(&pos[2])?;
    vm.index_value(&pos[3])?;
    if pos[4].as_str().is_none() {
        return Err(type_error(format!(
            "argument 5 must be str, not {}",
            vm.type_name(&pos[4])
        )));
    }
    *e.args.borrow_mut() = Value::tuple(pos.to_vec());
    Ok(Value::None)
}

/// `UnicodeTranslateError(object, start, end, reason)`.
fn unicode_translate_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__init__", "UnicodeTranslateError")?;
    no_kwargs(vm, args)?;
    let pos = &args.pos[1..];
    if pos.len() != 4 {
        return Err(type_error(format!(
            "function takes exactly 4 arguments ({} given)",
            pos.len()
        )));
    }
    for (i, v) in [(1, &pos[0]), (4, &pos[3])] {
        if v.as_str().is_none() {
            return Err(type_error(format!(
                "argument {i} must be str, not {}",
                vm.type_name(v)
            )));
        }
    }
    vm.index_value(&pos[1])?;
    vm.index_value(&pos[2])?;
    *e.args.borrow_mut() = Value::tuple(pos.to_vec());
    Ok(Value::None)
}

/// CPython's `UnicodeTranslateError.__str__`: one character escaped as `\xNN`, `\uNNNN`
/// or `\UNNNNNNNN`, else the range.
fn unicode_translate_str(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__str__", "UnicodeTranslateError")?;
    if args_of(e).len() != 4 {
        let a = e.args.borrow().clone();
        return str_of_args(vm, &a);
    }
    let obj = get_uobject(vm, args)?;
    let start = get_start(vm, args)?;
    let end = get_end(vm, args)?;
    let reason = get_reason(vm, args)?;
    let (start, end) = (
        vm.index_value(&start).unwrap_or(0),
        vm.index_value(&end).unwrap_or(0),
    );
    let reason = vm.to_str(&reason)?;
    Ok(Value::string(characters_message(
        "can't translate",
        &obj,
        start,
        end,
        &reason,
    )))
}

/// How UnicodeEncodeError and UnicodeTranslateError end their message after `failed`
/// ("can't translate"): the one character at `start`, escaped as `\xNN`, `\uNNNN` or
/// `\UNNNNNNNN`, or the range of positions, then the reason.
fn characters_message(failed: &str, obj: &Value, start: i64, end: i64, reason: &str) -> String {
    let ch = obj
        .as_str()
        .and_then(|s| usize::try_from(start).ok().and_then(|i| s.chars().nth(i)));
    match ch {
        Some(c) if end == start + 1 => {
            let n = c as u32;
            let esc = if n <= 0xff {
                format!("\\x{n:02x}")
            } else if n <= 0xffff {
                format!("\\u{n:04x}")
            } else {
                format!("\\U{n:08x}")
            };
            format!("{failed} character '{esc}' in position {start}: {reason}")
        }
        _ => format!(
            "{failed} characters in position {start}-{}: {reason}",
            end - 1
        ),
    }
}

fn unicode_decode_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    unicode_init(vm, args, false, "UnicodeDecodeError")
}

fn unicode_encode_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    unicode_init(vm, args, true, "UnicodeEncodeError")
}

fn unicode_fields(vm: &mut Vm, args: &Args) -> PyResult<(String, Value, i64, i64, String)> {
    let enc = get_encoding(vm, args)?;
    let obj = get_uobject(vm, args)?;
    let start = get_start(vm, args)?;
    let end = get_end(vm, args)?;
    let reason = get_reason(vm, args)?;
    Ok((
        vm.to_str(&enc)?,
        obj,
        vm.index_value(&start).unwrap_or(0),
        vm.index_value(&end).unwrap_or(0),
        vm.to_str(&reason)?,
    ))
}

fn unicode_decode_str(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__str__", "UnicodeDecodeError")?;
    if args_of(e).len() != 5 {
        let a = e.args.borrow().clone();
        return str_of_args(vm, &a);
    }
    let (enc, obj, start, end, reason) = unicode_fields(vm, args)?;
    let byte = match &obj {
        Value::Obj(o) => match &**o {
            Obj::Bytes(b) => usize::try_from(start).ok().and_then(|i| b.get(i).copied()),
            Obj::ByteArray(b) => usize::try_from(start)
                .ok()
                .and_then(|i| b.borrow().get(i).copied()),
            _ => None,
        },
        _ => None,
    };
    Ok(Value::string(match byte {
        Some(b) if end == start + 1 => {
            format!("'{enc}' codec can't decode byte 0x{b:02x} in position {start}: {reason}")
        }
        _ => format!(
            "'{enc}' codec can't decode bytes in position {start}-{}: {reason}",
            end - 1
        ),
    }))
}

fn unicode_encode_str(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let e = exc_self(vm, args, "__str__", "UnicodeEncodeError")?;
    if args_of(e).len() != 5 {
        let a = e.args.borrow().clone();
        return str_of_args(vm, &a);
    }
    let (enc, obj, start, end, reason) = unicode_fields(vm, args)?;
    let failed = format!("'{enc}' codec can't encode");
    Ok(Value::string(characters_message(
        &failed, &obj, start, end, &reason,
    )))
}

// ---------------------------------------------------------------- exception groups

/// `BaseExceptionGroup.__new__(cls, message, exceptions)`.
fn eg_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let cls = check_exc_class(vm, args.pos.first(), "BaseExceptionGroup")?;
    no_kwargs(vm, args)?;
    let pos = &args.pos[1..];
    if pos.len() != 2 {
        return Err(type_error(format!(
            "BaseExceptionGroup.__new__() takes exactly 2 arguments ({} given)",
            pos.len()
        )));
    }
    let (message, excs) = (&pos[0], &pos[1]);
    if message.as_str().is_none() {
        return Err(type_error(format!(
            "BaseExceptionGroup.__new__() argument 1 must be str, not {}",
            vm.type_name(message)
        )));
    }
    let is_seq = match excs {
        Value::Obj(o) => match &**o {
            Obj::List(_)
            | Obj::Tuple(_)
            | Obj::Str(_)
            | Obj::Bytes(_)
            | Obj::ByteArray(_)
            | Obj::Range(_) => true,
            Obj::Dict(_) | Obj::Set(_) | Obj::FrozenSet(_) | Obj::DictView(_) => false,
            _ => vm.lookup_special(excs, "__getitem__").is_some(),
        },
        _ => false,
    };
    if !is_seq {
        return Err(type_error(
            "second argument (exceptions) must be a sequence",
        ));
    }
    let items = vm.collect(excs)?;
    if items.is_empty() {
        return Err(value_error(
            "second argument (exceptions) must be a non-empty sequence",
        ));
    }
    let exception = vm.t.exc[ExcKind::Exception as usize].clone();
    let mut nested_base = false;
    for (i, it) in items.iter().enumerate() {
        if exc_obj(it).is_none() {
            return Err(value_error(format!(
                "Item {i} of second argument (exceptions) is not an exception"
            )));
        }
        if !vm.isinstance(it, &exception) {
            nested_base = true;
        }
    }
    let eg = vm.t.exc[ExcKind::ExceptionGroup as usize].clone();
    let beg = vm.t.exc[ExcKind::BaseExceptionGroup as usize].clone();
    let mut cls = cls;
    if cls.is(&eg) {
        if nested_base {
            return Err(type_error(
                "Cannot nest BaseExceptions in an ExceptionGroup",
            ));
        }
    } else if cls.is(&beg) {
        if !nested_base {
            cls = eg;
        }
    } else if nested_base && is_subclass(&cls, &exception) {
        return Err(type_error(format!(
            "Cannot nest BaseExceptions in '{}'",
            class_name(&cls)
        )));
    }
    let v = Value::obj(Obj::Exception(Box::new(ExceptionObj::new(
        cls,
        Value::tuple(vec![message.clone(), excs.clone()]),
    ))));
    if let Some(e) = exc_obj(&v) {
        dict_set(vm, e, "message", message.clone());
        dict_set(vm, e, "exceptions", Value::tuple(items));
    }
    Ok(v)
}

fn eg_init(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    base_init(vm, args)
}

fn eg_str(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    exc_self(vm, args, "__str__", "BaseExceptionGroup")?;
    let msg = get_message(vm, args)?;
    let excs = get_exceptions(vm, args)?;
    let n = excs.as_tuple().map_or(0, |t| t.len());
    let m = vm.to_str(&msg)?;
    Ok(Value::string(format!(
        "{m} ({n} sub-exception{})",
        if n == 1 { "" } else { "s" }
    )))
}

fn eg_derive(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    exc_self(vm, args, "derive", "BaseExceptionGroup")?;
    args.check("derive", 2, 2)?;
    let msg = get_message(vm, args)?;
    let beg = Value::Obj(vm.t.exc[ExcKind::BaseExceptionGroup as usize].clone());
    vm.call(&beg, &[msg, args.pos[1].clone()])
}

enum Matcher {
    Types(Vec<ObjRef>),
    Predicate(Value),
    /// These exceptions, by identity (the re-raise of `except*`, `prep_reraise_star`).
    Instances(Vec<Value>),
}

fn matcher(vm: &mut Vm, cond: &Value) -> PyResult<Matcher> {
    let base = vm.t.exc[ExcKind::BaseException as usize].clone();
    let err = || type_error("expected a function, exception type or tuple of exception types");
    let is_exc_class =
        |v: &Value| matches!(v, Value::Obj(o) if as_class(o).is_some() && is_subclass(o, &base));
    if let Value::Obj(o) = cond {
        if as_class(o).is_some() {
            return if is_exc_class(cond) {
                Ok(Matcher::Types(vec![o.clone()]))
            } else {
                Err(err())
            };
        }
        if let Obj::Tuple(t) = &**o {
            let mut out = Vec::new();
            for it in t.iter() {
                match it {
                    Value::Obj(c) if is_exc_class(it) => out.push(c.clone()),
                    _ => return Err(err()),
                }
            }
            return Ok(Matcher::Types(out));
        }
        if matches!(
            &**o,
            Obj::Function(_) | Obj::BoundMethod(_) | Obj::Native(_)
        ) || vm.lookup_special(cond, "__call__").is_some()
        {
            return Ok(Matcher::Predicate(cond.clone()));
        }
    }
    Err(err())
}

fn matches(vm: &mut Vm, m: &Matcher, exc: &Value) -> PyResult<bool> {
    match m {
        Matcher::Types(ts) => Ok(ts.iter().any(|t| vm.isinstance(exc, t))),
        Matcher::Predicate(f) => {
            let r = vm.call(f, std::slice::from_ref(exc))?;
            vm.truthy(&r)
        }
        Matcher::Instances(es) => Ok(es.iter().any(|e| e.is(exc))),
    }
}

/// The part of exception group `eg` made of the given leaf exceptions (identity), in
/// `eg`'s structure and with its metadata, as `split` builds it; None when none is in it.
/// CPython's `exception_group_projection`.
pub fn project_leaves(vm: &mut Vm, eg: &Value, leaves: Vec<Value>) -> PyResult<Value> {
    Ok(split_rec(vm, eg, &Matcher::Instances(leaves), false)?.0)
}

/// Whether `a` carries `b`'s traceback, cause and context (the same objects): what `split`
/// copies to a part, so `except*` tells a re-raised part from a new exception. CPython
/// 3.11's `is_same_exception_metadata`, which does not compare notes.
pub fn same_metadata(a: &Value, b: &Value) -> bool {
    let (Some(x), Some(y)) = (exc_obj(a), exc_obj(b)) else {
        return false;
    };
    let (s, t) = (x.traceback.borrow(), y.traceback.borrow());
    let same_tb = s.head.is(&t.head)
        && s.pending.len() == t.pending.len()
        && s.pending.iter().zip(&t.pending).all(|(p, q)| {
            std::rc::Rc::ptr_eq(&p.code, &q.code) && p.pc == q.pc && p.frame.is(&q.frame)
        });
    same_tb && x.cause.borrow().is(&y.cause.borrow()) && x.context.borrow().is(&y.context.borrow())
}

/// Copies traceback, cause, context and notes from `from` to the derived group `to`.
fn copy_metadata(vm: &mut Vm, from: &Value, to: &Value) -> PyResult<()> {
    let (Some(f), Some(t)) = (exc_obj(from), exc_obj(to)) else {
        return Ok(());
    };
    *t.traceback.borrow_mut() = f.traceback.borrow().clone();
    *t.cause.borrow_mut() = f.cause.borrow().clone();
    *t.context.borrow_mut() = f.context.borrow().clone();
    t.suppress_context.set(f.suppress_context.get());
    if let Some(notes) = dict_get(vm, f, "__notes__") {
        let copy = match &notes {
            Value::Obj(o) => match &**o {
                Obj::List(l) => Value::list(l.borrow().clone()),
                _ => notes.clone(),
            },
            _ => notes.clone(),
        };
        dict_set(vm, t, "__notes__", copy);
    }
    Ok(())
}

/// Whether `v` is a BaseExceptionGroup (or a subclass's instance).
pub fn is_group(vm: &Vm, v: &Value) -> bool {
    vm.isinstance(v, &vm.t.exc[ExcKind::BaseExceptionGroup as usize])
}

/// Splits `exc` by `m`: (matching part, rest), each None when empty.
fn split_rec(vm: &mut Vm, exc: &Value, m: &Matcher, want_rest: bool) -> PyResult<(Value, Value)> {
    if matches(vm, m, exc)? {
        return Ok((exc.clone(), Value::None));
    }
    if !is_group(vm, exc) {
        return Ok((
            Value::None,
            if want_rest { exc.clone() } else { Value::None },
        ));
    }
    let excs = vm.get_attr_str(exc, "exceptions")?;
    let items = vm.collect(&excs)?;
    let mut matched = Vec::new();
    let mut rest = Vec::new();
    for it in &items {
        let (a, b) = split_rec(vm, it, m, want_rest)?;
        if !a.is_none() {
            matched.push(a);
        }
        if !b.is_none() {
            rest.push(b);
        }
    }
    let build = |vm: &mut Vm, parts: Vec<Value>| -> PyResult<Value> {
        if parts.is_empty() {
            return Ok(Value::None);
        }
        let g = vm.call_method(exc, "derive", &[Value::list(parts)])?;
        copy_metadata(vm, exc, &g)?;
        Ok(g)
    };
    let a = build(vm, matched)?;
    let b = if want_rest {
        build(vm, rest)?
    } else {
        Value::None
    };
    Ok((a, b))
}

fn eg_split(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    exc_self(vm, args, "split", "BaseExceptionGroup")?;
    args.check("split", 2, 2)?;
    let m = matcher(vm, &args.pos[1])?;
    let (a, b) = split_rec(vm, &args.pos[0], &m, true)?;
    Ok(Value::tuple(vec![a, b]))
}

fn eg_subgroup(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    exc_self(vm, args, "subgroup", "BaseExceptionGroup")?;
    args.check("subgroup", 2, 2)?;
    let m = matcher(vm, &args.pos[1])?;
    Ok(split_rec(vm, &args.pos[0], &m, false)?.0)
}

// ---------------------------------------------------------------- registration

pub fn register(vm: &mut Vm) {
    let t = vm.t.clone();
    let cls = |k: ExcKind| t.exc[k as usize].clone();
    vm.add_methods(
        &cls(ExcKind::BaseException),
        "BaseException",
        &[
            ("__new__", base_new),
            ("__init__", base_init),
            ("__str__", base_str),
            ("__repr__", base_repr),
            ("with_traceback", with_traceback),
            ("add_note", add_note),
        ],
    );
    vm.add_methods(
        &cls(ExcKind::KeyError),
        "KeyError",
        &[("__str__", key_error_str)],
    );
    let members: &[(ExcKind, &'static str, &'static str, NativeFn, NativeFn)] = &[
        (ExcKind::OSError, "OSError", "errno", get_errno, set_errno),
        (
            ExcKind::OSError,
            "OSError",
            "strerror",
            get_strerror,
            set_strerror,
        ),
        (
            ExcKind::OSError,
            "OSError",
            "filename",
            get_filename,
            set_filename,
        ),
        (
            ExcKind::OSError,
            "OSError",
            "filename2",
            get_filename2,
            set_filename2,
        ),
        (
            ExcKind::StopIteration,
            "StopIteration",
            "value",
            get_value,
            set_value,
        ),
        (
            ExcKind::SystemExit,
            "SystemExit",
            "code",
            get_code,
            set_code,
        ),
        (
            ExcKind::ImportError,
            "ImportError",
            "name",
            get_name,
            set_name,
        ),
        (
            ExcKind::ImportError,
            "ImportError",
            "path",
            get_path,
            set_path,
        ),
        (
            ExcKind::ImportError,
            "ImportError",
            "msg",
            get_msg_import,
            set_msg_import,
        ),
        (ExcKind::NameError, "NameError", "name", get_name, set_name),
        (
            ExcKind::AttributeError,
            "AttributeError",
            "name",
            get_name,
            set_name,
        ),
        (
            ExcKind::AttributeError,
            "AttributeError",
            "obj",
            get_obj,
            set_obj,
        ),
        (
            ExcKind::SyntaxError,
            "SyntaxError",
            "msg",
            get_msg_syntax,
            set_msg_syntax,
        ),
        (
            ExcKind::SyntaxError,
            "SyntaxError",
            "filename",
            get_sfilename,
            set_sfilename,
        ),
        (
            ExcKind::SyntaxError,
            "SyntaxError",
            "lineno",
            get_lineno,
            set_lineno,
        ),
        (
            ExcKind::SyntaxError,
            "SyntaxError",
            "offset",
            get_offset,
            set_offset,
        ),
        (
            ExcKind::SyntaxError,
            "SyntaxError",
            "text",
            get_text,
            set_text,
        ),
        (
            ExcKind::SyntaxError,
            "SyntaxError",
            "end_lineno",
            get_end_lineno,
            set_end_lineno,
        ),
        (
            ExcKind::SyntaxError,
            "SyntaxError",
            "end_offset",
            get_end_offset,
            set_end_offset,
        ),
        (
            ExcKind::SyntaxError,
            "SyntaxError",
            "print_file_and_line",
            get_print_file_and_line,
            set_print_file_and_line,
        ),
        (
            ExcKind::UnicodeError,
            "UnicodeError",
            "encoding",
            get_encoding,
            set_encoding,
        ),
        (
            ExcKind::UnicodeError,
            "UnicodeError",
            "object",
            get_uobject,
            set_uobject,
        ),
        (
            ExcKind::UnicodeError,
            "UnicodeError",
            "start",
            get_start,
            set_start,
        ),
        (
            ExcKind::UnicodeError,
            "UnicodeError",
            "end",
            get_end,
            set_end,
        ),
        (
            ExcKind::UnicodeError,
            "UnicodeError",
            "reason",
            get_reason,
            set_reason,
        ),
        (
            ExcKind::BlockingIOError,
            "BlockingIOError",
            "characters_written",
            get_characters_written,
            set_characters_written,
        ),
    ];
    for &(k, owner, name, g, s) in members {
        vm.add_class_attr(&cls(k), name, Vm::native_rw_property(owner, name, g, s));
    }
    vm.add_methods(
        &cls(ExcKind::OSError),
        "OSError",
        &[
            ("__new__", os_error_new),
            ("__init__", os_error_init),
            ("__str__", os_error_str),
        ],
    );
    vm.add_methods(
        &cls(ExcKind::ImportError),
        "ImportError",
        &[
            ("__init__", import_error_init),
            ("__str__", import_error_str),
        ],
    );
    vm.add_methods(
        &cls(ExcKind::NameError),
        "NameError",
        &[("__init__", name_error_init)],
    );
    vm.add_methods(
        &cls(ExcKind::AttributeError),
        "AttributeError",
        &[("__init__", attribute_error_init)],
    );
    vm.add_methods(
        &cls(ExcKind::SyntaxError),
        "SyntaxError",
        &[
            ("__init__", syntax_error_init),
            ("__str__", syntax_error_str),
        ],
    );
    vm.add_methods(
        &cls(ExcKind::UnicodeDecodeError),
        "UnicodeDecodeError",
        &[
            ("__init__", unicode_decode_init),
            ("__str__", unicode_decode_str),
        ],
    );
    vm.add_methods(
        &cls(ExcKind::UnicodeEncodeError),
        "UnicodeEncodeError",
        &[
            ("__init__", unicode_encode_init),
            ("__str__", unicode_encode_str),
        ],
    );
    vm.add_methods(
        &cls(ExcKind::UnicodeTranslateError),
        "UnicodeTranslateError",
        &[
            ("__init__", unicode_translate_init),
            ("__str__", unicode_translate_str),
        ],
    );
    let beg = cls(ExcKind::BaseExceptionGroup);
    vm.add_methods(
        &beg,
        "BaseExceptionGroup",
        &[
            ("__new__", eg_new),
            ("__init__", eg_init),
            ("__str__", eg_str),
            ("derive", eg_derive),
            ("split", eg_split),
            ("subgroup", eg_subgroup),
        ],
    );
    let p = vm.native_property("BaseExceptionGroup", "message", get_message);
    vm.add_class_attr(&beg, "message", p);
    let p = vm.native_property("BaseExceptionGroup", "exceptions", get_exceptions);
    vm.add_class_attr(&beg, "exceptions", p);
}
