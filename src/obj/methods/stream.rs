//! `sys.stdin`, `sys.stdout`, `sys.stderr`: text streams over file descriptors 0, 1, 2.
//!
//! Buffering follows CPython: stdout is line-buffered on a terminal and block-buffered
//! otherwise (flushed past 8 KiB, by `flush()`, and at exit through `flush_std_streams`);
//! stderr writes through at each write.

use crate::obj::function::Args;
use crate::obj::stream::StreamObj;
use crate::obj::Obj;
use crate::vm::dictops::get_str;
use crate::vm::errors::{exc, runtime_error, type_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use crate::vm::Vm;
use std::cell::RefCell;
use std::io::{BufRead, IsTerminal, Read, Write};

/// Block size of stdout when it is not a terminal.
pub const STDOUT_BUFFER: usize = 8192;

thread_local! {
    static STDOUT_TTY: bool = std::io::stdout().is_terminal();
    /// `-u` or `PYTHONUNBUFFERED`: every write goes out at once, as CPython's.
    pub(super) static STDOUT_UNBUFFERED: bool = crate::options::get().unbuffered;
}

/// A new stream object for `fd` (0, 1 or 2).
pub fn new_stream(fd: i32) -> Value {
    let name = match fd {
        0 => "<stdin>",
        1 => "<stdout>",
        _ => "<stderr>",
    };
    Value::obj(Obj::Stream(Box::new(StreamObj {
        fd,
        name,
        buffer: RefCell::new(Vec::new()),
        closed: std::cell::Cell::new(false),
        binary: RefCell::new(Vec::new()),
        encoding: RefCell::new(None),
        errors: RefCell::new(None),
        line_buffering: std::cell::Cell::new(None),
    })))
}

fn stream_of<'a>(vm: &Vm, v: &'a Value, method: &str) -> PyResult<&'a StreamObj> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Stream(s) => Ok(s),
            _ => Err(type_error(format!(
                "descriptor '{method}' for '_io.TextIOWrapper' objects doesn't apply to a '{}' object",
                vm.type_name(v)
            ))),
        },
        _ => Err(type_error(format!(
            "descriptor '{method}' for '_io.TextIOWrapper' objects doesn't apply to a '{}' object",
            vm.type_name(v)
        ))),
    }
}

pub(super) fn self_stream<'a>(vm: &Vm, args: &'a Args, method: &str) -> PyResult<&'a StreamObj> {
    match args.pos.first() {
        Some(v) => stream_of(vm, v, method),
        None => Err(type_error(format!("{method}() needs an argument"))),
    }
}

/// ValueError once closed. CPython's text layer ends the message with a period, the
/// buffered and raw layers below it (fileno, isatty, readable, seekable) do not.
fn check_open(s: &StreamObj, period: &str) -> PyResult<()> {
    if s.closed.get() {
        return Err(crate::vm::errors::value_error(format!(
            "I/O operation on closed file{period}"
        )));
    }
    Ok(())
}

/// The stream of an I/O method of the text layer.
fn open_stream<'a>(vm: &Vm, args: &'a Args, method: &str) -> PyResult<&'a StreamObj> {
    let s = self_stream(vm, args, method)?;
    check_open(s, ".")?;
    Ok(s)
}

/// The stream of a method CPython answers from the layers below the text one.
fn open_raw_stream<'a>(vm: &Vm, args: &'a Args, method: &str) -> PyResult<&'a StreamObj> {
    let s = self_stream(vm, args, method)?;
    check_open(s, "")?;
    Ok(s)
}

pub(super) fn io_error(vm: &mut Vm, e: &std::io::Error) -> crate::vm::ExcRef {
    super::exception::os_error_from_io(vm, e, None)
}

pub(super) fn write_fd(fd: i32, bytes: &[u8]) -> std::io::Result<()> {
    if fd == 2 {
        let mut err = std::io::stderr().lock();
        err.write_all(bytes)?;
        err.flush()
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    }
}

/// Writes a stream's pending output.
pub(super) fn flush_stream(vm: &mut Vm, s: &StreamObj) -> PyResult<()> {
    check_open(s, ".")?;
    // The text layer's pending text goes into the binary layer, behind what was written
    // there directly, and the binary layer goes out.
    let text = std::mem::take(&mut *s.buffer.borrow_mut());
    let mut pending = std::mem::take(&mut *s.binary.borrow_mut());
    pending.extend_from_slice(&text);
    if pending.is_empty() || s.fd == 0 {
        return Ok(());
    }
    write_fd(s.fd, &pending).map_err(|e| io_error(vm, &e))
}

/// Appends text to a stream, applying its buffering policy.
fn stream_write(vm: &mut Vm, s: &StreamObj, text: &str) -> PyResult<()> {
    check_open(s, ".")?;
    match s.fd {
        0 => Err(exc(ExcKind::OSError, "not writable")),
        1 => {
            let flush = {
                let mut b = s.buffer.borrow_mut();
                b.extend_from_slice(text.as_bytes());
                b.len() >= STDOUT_BUFFER
                    || STDOUT_UNBUFFERED.with(|u| *u)
                    || (s.line_buffering.get().unwrap_or(STDOUT_TTY.with(|t| *t))
                        && text.contains('\n'))
            };
            if flush {
                flush_stream(vm, s)?;
            }
            Ok(())
        }
        _ => write_fd(s.fd, text.as_bytes()).map_err(|e| io_error(vm, &e)),
    }
}

/// `file.write(text)`: natively for the std streams, else through the object's `write`.
pub fn write_to(vm: &mut Vm, file: &Value, text: &str) -> PyResult<()> {
    if let Value::Obj(o) = file {
        if let Obj::Stream(s) = &**o {
            return stream_write(vm, s, text);
        }
    }
    vm.call_method(file, "write", &[Value::str(text)])?;
    Ok(())
}

/// `file.flush()`.
pub fn flush_value(vm: &mut Vm, file: &Value) -> PyResult<()> {
    if let Value::Obj(o) = file {
        if let Obj::Stream(s) = &**o {
            return flush_stream(vm, s);
        }
    }
    if file.is_none() {
        return Ok(());
    }
    vm.call_method(file, "flush", &[])?;
    Ok(())
}

/// `sys.<name>` (stdout, stderr, stdin): RuntimeError "lost sys.stdout" when missing.
pub fn sys_stream(vm: &mut Vm, name: &str) -> PyResult<Value> {
    if let Some(v) = sys_attr(vm, name) {
        return Ok(v);
    }
    Err(runtime_error(format!("lost sys.{name}")))
}

fn sys_attr(vm: &mut Vm, name: &str) -> Option<Value> {
    let sys_key = vm.intern("sys");
    let key = vm.intern(name);
    let sys = match &*vm.modules {
        Obj::Dict(d) => get_str(&d.borrow(), &sys_key)?,
        _ => return None,
    };
    let Value::Obj(m) = &sys else { return None };
    let Obj::Module(m) = &**m else { return None };
    match &*m.dict {
        Obj::Dict(d) => get_str(&d.borrow(), &key),
        _ => None,
    }
}

/// Flushes `sys.stdout` and `sys.stderr` (and the original streams if they were
/// replaced). For the lead: call at exit and before printing a traceback.
pub fn flush_std_streams(vm: &mut Vm) -> PyResult<()> {
    let mut first_err = None;
    for name in ["stdout", "stderr", "__stdout__", "__stderr__"] {
        if let Some(v) = sys_attr(vm, name) {
            if let Err(e) = flush_value(vm, &v) {
                first_err.get_or_insert(e);
            }
        }
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn text_arg(vm: &Vm, v: &Value, what: &str) -> PyResult<String> {
    match v.as_str() {
        Some(s) => Ok(s.to_string()),
        None => Err(type_error(format!(
            "{what} argument must be str, not {}",
            vm.type_name(v)
        ))),
    }
}

fn m_write(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = open_stream(vm, args, "write")?;
    if args.pos.len() != 2 {
        return Err(type_error(format!(
            "TextIOWrapper.write() takes exactly one argument ({} given)",
            args.pos.len() - 1
        )));
    }
    let text = text_arg(vm, &args.pos[1], "write()")?;
    stream_write(vm, s, &text)?;
    Ok(Value::Int(text.chars().count() as i64))
}

fn m_writelines(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    open_stream(vm, args, "writelines")?;
    args.check("writelines", 2, 2)?;
    let it = vm.iter(&args.pos[1])?;
    while let Some(line) = vm.next(&it)? {
        let text = text_arg(vm, &line, "write()")?;
        let s = open_stream(vm, args, "writelines")?;
        stream_write(vm, s, &text)?;
    }
    Ok(Value::None)
}

fn m_flush(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = open_stream(vm, args, "flush")?;
    flush_stream(vm, s)?;
    Ok(Value::None)
}

fn not_readable(s: &StreamObj) -> PyResult<()> {
    if s.fd != 0 {
        return Err(exc(ExcKind::OSError, "not readable"));
    }
    Ok(())
}

fn decode(vm: &mut Vm, bytes: Vec<u8>) -> PyResult<String> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let start = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let args = vec![
                Value::str("utf-8"),
                Value::bytes(bytes),
                Value::Int(start as i64),
                Value::Int(start as i64 + 1),
                Value::str("invalid start byte"),
            ];
            let cls = Value::Obj(vm.t.exc[ExcKind::UnicodeDecodeError as usize].clone());
            let e = vm.call(&cls, &args)?;
            match e.as_objref() {
                Some(o) => Err(crate::vm::ExcRef(o)),
                None => Err(runtime_error("bad exception")),
            }
        }
    }
}

/// Reads one line (with its newline) from stdin; "" at end of file.
fn read_line(vm: &mut Vm, limit: Option<usize>) -> PyResult<String> {
    let mut buf = Vec::new();
    let mut input = std::io::stdin().lock();
    let r = match limit {
        None => input.read_until(b'\n', &mut buf).map(|_| ()),
        Some(n) => {
            let mut count = 0;
            loop {
                if count >= n {
                    break Ok(());
                }
                let mut byte = [0u8; 1];
                match input.read(&mut byte) {
                    Ok(0) => break Ok(()),
                    Ok(_) => {
                        buf.push(byte[0]);
                        if byte[0] & 0xC0 != 0x80 {
                            count += 1;
                        }
                        if byte[0] == b'\n' {
                            break Ok(());
                        }
                    }
                    Err(e) => break Err(e),
                }
            }
        }
    };
    drop(input);
    r.map_err(|e| io_error(vm, &e))?;
    decode(vm, buf)
}

fn size_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<Option<usize>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => {
            let n = vm.index_value(v)?;
            Ok(usize::try_from(n).ok())
        }
    }
}

fn m_readline(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = open_stream(vm, args, "readline")?;
    not_readable(s)?;
    args.check("readline", 1, 2)?;
    let limit = size_arg(vm, args.pos.get(1))?;
    Ok(Value::string(read_line(vm, limit)?))
}

fn m_readlines(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = open_stream(vm, args, "readlines")?;
    not_readable(s)?;
    let mut out = Vec::new();
    loop {
        let line = read_line(vm, None)?;
        if line.is_empty() {
            return Ok(Value::list(out));
        }
        out.push(Value::string(line));
    }
}

fn m_read(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = open_stream(vm, args, "read")?;
    not_readable(s)?;
    args.check("read", 1, 2)?;
    let limit = size_arg(vm, args.pos.get(1))?;
    let mut buf = Vec::new();
    let r = match limit {
        None => std::io::stdin().lock().read_to_end(&mut buf).map(|_| ()),
        Some(n) => {
            let mut text = String::new();
            while text.chars().count() < n {
                let line = read_line(vm, Some(n - text.chars().count()))?;
                if line.is_empty() {
                    break;
                }
                text.push_str(&line);
            }
            return Ok(Value::string(text));
        }
    };
    r.map_err(|e| io_error(vm, &e))?;
    Ok(Value::string(decode(vm, buf)?))
}

fn m_iter(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    open_stream(vm, args, "__iter__")?;
    Ok(args.pos[0].clone())
}

fn m_next(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = open_stream(vm, args, "__next__")?;
    not_readable(s)?;
    let line = read_line(vm, None)?;
    if line.is_empty() {
        return Err(crate::vm::errors::exc_empty(ExcKind::StopIteration));
    }
    Ok(Value::string(line))
}

fn m_isatty(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = open_raw_stream(vm, args, "isatty")?;
    Ok(Value::Bool(match s.fd {
        0 => std::io::stdin().is_terminal(),
        1 => STDOUT_TTY.with(|t| *t),
        _ => std::io::stderr().is_terminal(),
    }))
}

fn m_fileno(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = open_raw_stream(vm, args, "fileno")?;
    Ok(Value::Int(s.fd as i64))
}

fn m_readable(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = open_raw_stream(vm, args, "readable")?;
    Ok(Value::Bool(s.fd == 0))
}

fn m_writable(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "writable")?;
    Ok(Value::Bool(s.fd != 0))
}

fn m_false(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    open_raw_stream(vm, args, "seekable")?;
    Ok(Value::Bool(false))
}

fn m_repr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "__repr__")?;
    let mode = if s.fd == 0 { "r" } else { "w" };
    let encoding = s.encoding.borrow().clone();
    Ok(Value::string(format!(
        "<_io.TextIOWrapper name='{}' mode='{mode}' encoding='{}'>",
        s.name,
        encoding.as_deref().unwrap_or("utf-8")
    )))
}

fn p_name(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "name")?;
    Ok(Value::str(s.name))
}

fn p_encoding(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "encoding")?;
    Ok(match &*s.encoding.borrow() {
        Some(name) => Value::str(name),
        None => Value::str("utf-8"),
    })
}

fn p_errors(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "errors")?;
    if let Some(name) = &*s.errors.borrow() {
        return Ok(Value::str(name));
    }
    Ok(Value::str(if s.fd == 2 {
        "backslashreplace"
    } else {
        "surrogateescape"
    }))
}

fn p_mode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "mode")?;
    Ok(Value::str(if s.fd == 0 { "r" } else { "w" }))
}

fn p_line_buffering(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "line_buffering")?;
    if let Some(on) = s.line_buffering.get() {
        return Ok(Value::Bool(on));
    }
    Ok(Value::Bool(match s.fd {
        1 => STDOUT_TTY.with(|t| *t),
        2 => true,
        _ => false,
    }))
}

fn p_closed(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "closed")?;
    Ok(Value::Bool(s.closed.get()))
}

/// `close()`: flushes, then refuses further I/O (closing twice is fine).
fn m_close(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "close")?;
    if !s.closed.get() {
        m_flush(vm, args)?;
        s.closed.set(true);
    }
    Ok(Value::None)
}

/// `with sys.stdin as f:` (IOBase.__enter__): the stream itself, while it is open.
fn m_enter(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "__enter__")?;
    check_open(s, ".")?;
    Ok(args.pos[0].clone())
}

/// IOBase.__exit__: closes the stream, whatever ended the block.
fn m_exit(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    self_stream(vm, args, "__exit__")?;
    vm.call_method(&args.pos[0], "close", &[])?;
    Ok(Value::None)
}

pub fn register(vm: &mut Vm) {
    let cls = vm.t.text_io.clone();
    vm.add_methods(
        &cls,
        "TextIOWrapper",
        &[
            ("write", m_write),
            ("writelines", m_writelines),
            ("flush", m_flush),
            ("close", m_close),
            ("readline", m_readline),
            ("readlines", m_readlines),
            ("read", m_read),
            ("__iter__", m_iter),
            ("__next__", m_next),
            ("isatty", m_isatty),
            ("fileno", m_fileno),
            ("readable", m_readable),
            ("writable", m_writable),
            ("seekable", m_false),
            ("__repr__", m_repr),
            ("__enter__", m_enter),
            ("__exit__", m_exit),
        ],
    );
    let props: &[(&'static str, crate::obj::function::NativeFn)] = &[
        ("name", p_name),
        ("encoding", p_encoding),
        ("errors", p_errors),
        ("mode", p_mode),
        ("line_buffering", p_line_buffering),
        ("closed", p_closed),
    ];
    for &(name, f) in props {
        let p = vm.native_property("TextIOWrapper", name, f);
        vm.add_class_attr(&cls, name, p);
    }
    if let Obj::Class(c) = &*cls {
        *c.module.borrow_mut() = std::rc::Rc::from("_io");
    }
    super::stream_binary::register(vm, &cls);
    super::stream_config::register(vm, &cls);
}
