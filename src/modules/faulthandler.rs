//! `_faulthandler`: the raw write stdlib/faulthandler.aio dumps tracebacks with. CPython
//! writes straight to the descriptor (bypassing `sys.stdout`'s buffer) and ignores
//! errors; this does the same for the standard descriptors and the files aio opened.

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::vm::errors::{type_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use std::os::fd::{AsFd, BorrowedFd};

fn write_all(fd: BorrowedFd<'_>, mut data: &[u8]) {
    while !data.is_empty() {
        match rustix::io::write(fd, data) {
            Ok(0) | Err(_) => return,
            Ok(n) => data = data.get(n..).unwrap_or_default(),
        }
    }
}

/// `write(fd, data)`: writes all of `data` to `fd`; failures (a closed or unknown
/// descriptor, a full disk) are ignored, as CPython's _Py_write_noraise ignores them.
fn write(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("write", 2, 2)?;
    let Value::Int(fd) = args.pos[0] else {
        return Err(type_error("an integer descriptor is required"));
    };
    let Some(data) = bytes_data(&args.pos[1]) else {
        return Err(type_error("bytes expected"));
    };
    match fd {
        0 => write_all(std::io::stdin().as_fd(), &data),
        1 => write_all(std::io::stdout().as_fd(), &data),
        2 => write_all(std::io::stderr().as_fd(), &data),
        _ => {
            if let Some(fd) = i32::try_from(fd).ok().and_then(|fd| vm.files.borrow_fd(fd)) {
                write_all(fd, &data);
            }
        }
    }
    Ok(Value::None)
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[("write", write)];
    super::sys::new_module(vm, "_faulthandler", funcs);
}
