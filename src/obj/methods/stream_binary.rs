//! The binary layer of `sys.stdin`, `sys.stdout` and `sys.stderr` (`sys.stdout.buffer`),
//! which programs use to write bytes or read stdin fast (`sys.stdin.buffer.readline`).
//! The object itself is `stdlib/_stdio_buffer.aio`'s; these private methods of the text
//! stream do its I/O, so bytes and text written to stdout share one pending buffer and
//! come out in the order they were written.

use super::stream::{io_error, self_stream, write_fd, STDOUT_BUFFER, STDOUT_UNBUFFERED};

use crate::obj::function::Args;
use crate::obj::stream::StreamObj;
use crate::obj::Obj;
use crate::vm::errors::{exc, type_error, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::io::{BufRead, Read};

/// `stream._write_bytes(data)`: appends `data` (bytes) to the stream's output.
fn write_bytes(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "_write_bytes")?;
    args.check("_write_bytes", 2, 2)?;
    let data = match &args.pos[1] {
        Value::Obj(o) => match &**o {
            Obj::Bytes(b) => b.to_vec(),
            _ => return Err(type_error("_write_bytes() argument must be bytes")),
        },
        _ => return Err(type_error("_write_bytes() argument must be bytes")),
    };
    match s.fd {
        0 => return Err(exc(ExcKind::OSError, "not writable")),
        // Unbuffered, the text layer writes through, so nothing is pending in it.
        1 if STDOUT_UNBUFFERED.with(|u| *u) => {
            write_fd(s.fd, &data).map_err(|e| io_error(vm, &e))?
        }
        // The BufferedWriter under stdout: its own pending bytes, written out when full
        // or flushed; the text layer's pending text stays where it is.
        1 => {
            let full = {
                let mut b = s.binary.borrow_mut();
                b.extend_from_slice(&data);
                b.len() >= STDOUT_BUFFER
            };
            if full {
                let pending = std::mem::take(&mut *s.binary.borrow_mut());
                write_fd(s.fd, &pending).map_err(|e| io_error(vm, &e))?;
            }
        }
        _ => write_fd(s.fd, &data).map_err(|e| io_error(vm, &e))?,
    }
    Ok(Value::None)
}

fn readable(s: &StreamObj) -> PyResult<()> {
    if s.fd != 0 {
        return Err(exc(ExcKind::OSError, "not readable"));
    }
    Ok(())
}

/// A size argument: None or negative for "all".
fn limit(vm: &mut Vm, v: Option<&Value>) -> PyResult<Option<usize>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => Ok(usize::try_from(vm.index_value(v)?).ok()),
    }
}

/// `stream._read_bytes(size)`: up to `size` bytes of stdin (all of it for None or a
/// negative size), fewer only at end of file.
fn read_bytes(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "_read_bytes")?;
    readable(s)?;
    args.check("_read_bytes", 2, 2)?;
    let n = limit(vm, args.pos.get(1))?;
    let mut buf = Vec::new();
    let mut input = std::io::stdin().lock();
    let r = match n {
        None => input.read_to_end(&mut buf).map(|_| ()),
        Some(n) => (&mut input)
            .take(n as u64)
            .read_to_end(&mut buf)
            .map(|_| ()),
    };
    drop(input);
    r.map_err(|e| io_error(vm, &e))?;
    Ok(Value::bytes(buf))
}

/// `stream._readline_bytes(size)`: one line of stdin with its newline, at most `size`
/// bytes; b"" at end of file.
fn readline_bytes(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "_readline_bytes")?;
    readable(s)?;
    args.check("_readline_bytes", 2, 2)?;
    let n = limit(vm, args.pos.get(1))?;
    let mut buf = Vec::new();
    let mut input = std::io::stdin().lock();
    let r = match n {
        None => input.read_until(b'\n', &mut buf).map(|_| ()),
        Some(n) => (&mut input)
            .take(n as u64)
            .read_until(b'\n', &mut buf)
            .map(|_| ()),
    };
    drop(input);
    r.map_err(|e| io_error(vm, &e))?;
    Ok(Value::bytes(buf))
}

/// `stream._flush_bytes()`: writes out the binary layer's pending bytes (not the text
/// layer's pending text, as CPython's `sys.stdout.buffer.flush()`).
fn flush_bytes(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let s = self_stream(vm, args, "_flush_bytes")?;
    let pending = std::mem::take(&mut *s.binary.borrow_mut());
    if !pending.is_empty() && s.fd != 0 {
        write_fd(s.fd, &pending).map_err(|e| io_error(vm, &e))?;
    }
    Ok(Value::None)
}

/// `stream.buffer`: the stream's binary layer, made once per stream by `_stdio_buffer`.
fn buffer(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    self_stream(vm, args, "buffer")?;
    let module = vm.import_module("_stdio_buffer")?;
    let make = vm.get_attr_str(&module, "buffer_of")?;
    vm.call(&make, &[args.pos[0].clone()])
}

/// `stream.write_through`: True when Python runs unbuffered (-u, PYTHONUNBUFFERED), whose
/// std streams write straight to their raw FileIO.
fn write_through(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    self_stream(vm, args, "write_through")?;
    Ok(Value::Bool(STDOUT_UNBUFFERED.with(|u| *u)))
}

pub(super) fn register(vm: &mut Vm, cls: &ObjRef) {
    vm.add_methods(
        cls,
        "TextIOWrapper",
        &[
            ("_write_bytes", write_bytes),
            ("_read_bytes", read_bytes),
            ("_readline_bytes", readline_bytes),
            ("_flush_bytes", flush_bytes),
        ],
    );
    let p = vm.native_property("TextIOWrapper", "buffer", buffer);
    vm.add_class_attr(cls, "buffer", p);
    let p = vm.native_property("TextIOWrapper", "write_through", write_through);
    vm.add_class_attr(cls, "write_through", p);
}
