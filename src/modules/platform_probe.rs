//! `_platform`: the commands `platform` (stdlib/platform.aio) runs. CPython's platform
//! runs `uname -p` and `file -b EXECUTABLE` through `subprocess.check_output`, which aio
//! does not have yet; this runs them the same way: synchronously, standard input
//! inherited, standard error discarded.

use crate::obj::function::{Args, NativeFn};
use crate::vm::errors::{value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use std::process::{Command, Stdio};

/// `check_output(args, env)`: the standard output (bytes) of the command `args` (a list
/// of str) run with environment `env` (a list of (name, value) pairs, or None to
/// inherit), or None where platform's `except (OSError, CalledProcessError)` gives up:
/// the command cannot run, or exits with a non-zero status.
fn check_output(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("check_output", 2, 2)?;
    let argv = super::process::str_list(vm, &args.pos[0], "args")?;
    let Some(program) = argv.first() else {
        return Err(value_error("args must not be empty"));
    };
    let mut cmd = Command::new(program);
    cmd.args(&argv[1..])
        .stdin(Stdio::inherit())
        .stderr(Stdio::null());
    if !args.pos[1].is_none() {
        cmd.env_clear();
        cmd.envs(super::process::str_list_pairs(vm, &args.pos[1])?);
    }
    Ok(match cmd.output() {
        Ok(out) if out.status.success() => Value::bytes(out.stdout),
        _ => Value::None,
    })
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[("check_output", check_output)];
    super::sys::new_module(vm, "_platform", funcs);
}
