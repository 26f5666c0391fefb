//! `_userids`: the process's user and group ids, for `os.getuid()` and its siblings.

use crate::obj::function::{Args, NativeFn};
use crate::vm::errors::PyResult;
use crate::vm::value::Value;
use crate::vm::Vm;
use rustix::process;

fn getuid(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("getuid", 0, 0)?;
    Ok(Value::Int(i64::from(process::getuid().as_raw())))
}

fn geteuid(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("geteuid", 0, 0)?;
    Ok(Value::Int(i64::from(process::geteuid().as_raw())))
}

fn getgid(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("getgid", 0, 0)?;
    Ok(Value::Int(i64::from(process::getgid().as_raw())))
}

fn getegid(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("getegid", 0, 0)?;
    Ok(Value::Int(i64::from(process::getegid().as_raw())))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("getuid", getuid),
        ("geteuid", geteuid),
        ("getgid", getgid),
        ("getegid", getegid),
    ];
    super::sys::new_module(vm, "_userids", funcs);
}
