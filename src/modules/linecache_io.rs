//! `_linecache`: the file access `linecache` (stdlib/linecache.aio) needs while aio has no
//! `open()` or `os.stat()`: a file's size and modification time, and its bytes.
//! OS errors come back as None: linecache treats every one alike (no lines, or a dropped
//! cache entry), as CPython's linecache does with the OSError it catches.

use crate::obj::function::{Args, NativeFn};
use crate::vm::errors::PyResult;
use crate::vm::value::Value;
use crate::vm::Vm;

/// `(st_size, st_mtime)` of the file at `path` (a str), or None.
fn stat_of(path: &Value) -> Option<(i64, f64)> {
    let meta = std::fs::metadata(path.as_str()?).ok()?;
    let mtime = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs() as f64 + d.subsec_nanos() as f64 * 1e-9);
    Some((meta.len() as i64, mtime))
}

/// `_stat(path)`: `(size, mtime)`, or None when the file cannot be stat'ed.
fn stat(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_stat", 1, 1)?;
    Ok(match stat_of(&args.pos[0]) {
        Some((size, mtime)) => Value::tuple(vec![Value::Int(size), Value::Float(mtime)]),
        None => Value::None,
    })
}

/// `_read(path)`: the file's bytes, or None when it cannot be read.
fn read(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_read", 1, 1)?;
    let data = args.pos[0].as_str().and_then(|p| std::fs::read(p).ok());
    Ok(data.map_or(Value::None, Value::bytes))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[("_stat", stat), ("_read", read)];
    super::sys::new_module(vm, "_linecache", funcs);
}
