//! `os.access`, `os.umask` and `os.utime`: a file's permissions for this process, the
//! process's file-creation mask, and a file's access and modification times.

use crate::obj::function::Args;
use crate::obj::methods::exception::os_error_from_io;
use crate::obj::Obj;
use crate::vm::errors::{not_implemented, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use nix::sys::stat::{utimensat, Mode, UtimensatFlags};
use nix::sys::time::TimeSpec;
use nix::unistd::AccessFlags;

/// Rejects the keyword-only options aio does not implement when given non-default values.
fn only_default_options(vm: &mut Vm, args: &Args, func: &str, allowed: &[&str]) -> PyResult<()> {
    for (k, v) in args.kwnames.iter().zip(args.kwvalues) {
        let k = k.as_str().unwrap_or("?");
        if !allowed.contains(&k) {
            return Err(type_error(format!(
                "'{k}' is an invalid keyword argument for {func}()"
            )));
        }
        let default = match k {
            "dir_fd" | "ns" => v.is_none(),
            "effective_ids" => !vm.truthy(v)?,
            "follow_symlinks" => vm.truthy(v)?,
            _ => true,
        };
        if !default {
            return Err(not_implemented(format!(
                "os.{func}(..., {k}=...) is not supported by aio yet"
            )));
        }
    }
    Ok(())
}

/// The path argument as a str: str, UTF-8 bytes, or an os.PathLike giving one.
fn path_of(vm: &mut Vm, v: &Value, func: &str, takes_fd: bool) -> PyResult<(String, Value)> {
    match super::file::fspath_text(vm, v)? {
        Some((s, _)) if s.contains('\0') => Err(value_error(format!(
            "{func}: embedded null character in path"
        ))),
        Some(named) => Ok(named),
        None => Err(type_error(format!(
            "{func}: path should be string, bytes{} not {}",
            if takes_fd {
                ", os.PathLike or integer,"
            } else {
                " or os.PathLike,"
            },
            vm.type_name(v)
        ))),
    }
}

/// `access(path, mode, *, dir_fd=None, effective_ids=False, follow_symlinks=True)`:
/// whether this process may access `path` as `mode` (F_OK, R_OK, W_OK, X_OK) asks; any
/// failure is False, as CPython's.
pub fn access(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    only_default_options(
        vm,
        args,
        "access",
        &["path", "mode", "dir_fd", "effective_ids", "follow_symlinks"],
    )?;
    let (Some(path), Some(mode)) = (args.arg(0, "path"), args.arg(1, "mode")) else {
        return Err(type_error(format!(
            "access() missing required argument '{}' (pos {})",
            if args.arg(0, "path").is_none() {
                "path"
            } else {
                "mode"
            },
            if args.arg(0, "path").is_none() { 1 } else { 2 }
        )));
    };
    let (path, _) = path_of(vm, path, "access", false)?;
    let mode = vm.index_value(mode)?;
    let flags = AccessFlags::from_bits_truncate(mode as i32);
    Ok(Value::Bool(
        nix::unistd::access(path.as_str(), flags).is_ok(),
    ))
}

/// `umask(mask)`: sets the file-creation mask, giving the previous one.
pub fn umask(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("umask", 1, 1)?;
    let mask = vm.index_value(&args.pos[0])?;
    let old = nix::sys::stat::umask(Mode::from_bits_truncate((mask & 0o777) as _));
    Ok(Value::Int(i64::from(old.bits())))
}

/// Seconds (an int or float) as a timespec, as CPython's `_PyTime_ObjectToTimespec`.
fn timespec_of(vm: &mut Vm, v: &Value) -> PyResult<TimeSpec> {
    match v {
        Value::Float(f) => {
            if !f.is_finite() {
                return Err(value_error("Invalid value NaN (not a number)"));
            }
            let secs = f.floor();
            let nanos = ((f - secs) * 1e9).round();
            let (secs, nanos) = if nanos >= 1e9 {
                (secs + 1.0, 0.0)
            } else {
                (secs, nanos)
            };
            Ok(TimeSpec::new(secs as _, nanos as _))
        }
        _ => Ok(TimeSpec::new(vm.index_value(v)? as _, 0)),
    }
}

/// `utime(path, times=None, *, ns=None, dir_fd=None, follow_symlinks=True)`: sets the
/// access and modification times (now, when neither `times` nor `ns` is given).
pub fn utime(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    only_default_options(
        vm,
        args,
        "utime",
        &["path", "times", "dir_fd", "follow_symlinks"],
    )?;
    let Some(path) = args.arg(0, "path") else {
        return Err(type_error(
            "utime() missing required argument 'path' (pos 1)",
        ));
    };
    let (name, _) = path_of(vm, path, "utime", true)?;
    let times = args.arg(1, "times").cloned().unwrap_or(Value::None);
    let (atime, mtime) = if times.is_none() {
        (TimeSpec::UTIME_NOW, TimeSpec::UTIME_NOW)
    } else {
        let pair = match &times {
            Value::Obj(o) => match &**o {
                Obj::Tuple(t) if t.len() == 2 => Some((t[0].clone(), t[1].clone())),
                _ => None,
            },
            _ => None,
        };
        let Some((a, m)) = pair else {
            return Err(type_error(
                "utime: 'times' must be either a tuple of two ints or None",
            ));
        };
        (timespec_of(vm, &a)?, timespec_of(vm, &m)?)
    };
    utimensat(
        nix::fcntl::AT_FDCWD,
        name.as_str(),
        &atime,
        &mtime,
        UtimensatFlags::FollowSymlink,
    )
    // CPython's utime reports the errno without the file name.
    .map_err(|e| os_error_from_io(vm, &std::io::Error::from(e), None))?;
    Ok(Value::None)
}
