//! `_fcntl`: the calls of CPython 3.11's Modules/fcntlmodule.c (fcntl, flock, lockf) on
//! nix, for the descriptors aio owns (its files, sockets, pipes and the standard streams).
//! stdlib/fcntl.aio turns objects into descriptors and checks the arguments' types.
//!
//! nix types each fcntl command's argument, so only the commands it names are run; the
//! others, and those that would create a descriptor aio does not own (F_DUPFD), raise
//! NotImplementedError rather than guess.

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::obj::methods::exception::os_error_from_io;
use crate::vm::errors::{not_implemented, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use nix::errno::Errno;
use nix::fcntl::{FcntlArg, FdFlag, OFlag, SealFlag};
use nix::libc;
use std::os::fd::{AsRawFd, BorrowedFd};

/// CPython's buffer for a bytes argument of fcntl (FCNTL_BUFSZ): longer is a ValueError.
const BUFFER_SIZE: usize = 1024;
/// The bytes of glibc's `struct flock` on Linux x86-64, and its fields' offsets.
const FLOCK_SIZE: usize = 32;

fn errno_error(vm: &mut Vm, e: Errno) -> crate::vm::errors::ExcRef {
    os_error_from_io(vm, &std::io::Error::from_raw_os_error(e as i32), None)
}

fn int_arg(args: &Args, i: usize) -> PyResult<i64> {
    match args.pos.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Bool(b)) => Ok(i64::from(*b)),
        _ => Err(type_error("an integer is required")),
    }
}

fn c_int(args: &Args, i: usize) -> PyResult<i32> {
    i32::try_from(int_arg(args, i)?)
        .map_err(|_| crate::vm::errors::overflow_error("signed integer is greater than maximum"))
}

/// Runs `call` on descriptor `fd` if aio owns it, then turns its errno into an OSError.
/// A descriptor aio did not open is NotImplementedError (it has no safe handle on it).
fn on_fd<R>(
    vm: &mut Vm,
    fd: i32,
    what: &str,
    call: impl Fn(BorrowedFd<'_>) -> nix::Result<R>,
) -> PyResult<R> {
    let result = loop {
        let result = match vm.borrow_fd(fd) {
            Some(b) => call(b),
            None if std::fs::symlink_metadata(format!("/proc/self/fd/{fd}")).is_ok() => {
                return Err(not_implemented(format!(
                    "fcntl.{what}: descriptor {fd} was not opened by aio"
                )))
            }
            None => Err(Errno::EBADF),
        };
        match result {
            // As CPython: retried after a signal, unless its handler raised.
            Err(Errno::EINTR) => vm.check_signals()?,
            other => break other,
        }
    };
    result.map_err(|e| errno_error(vm, e))
}

/// A `struct flock` read from the start of `buf` (zeros past its end, as CPython's
/// buffer is), and written back.
fn flock_from(buf: &[u8]) -> libc::flock {
    let mut raw = [0u8; FLOCK_SIZE];
    let n = buf.len().min(FLOCK_SIZE);
    raw[..n].copy_from_slice(&buf[..n]);
    let i16_at = |o: usize| i16::from_ne_bytes([raw[o], raw[o + 1]]);
    let i64_at = |o: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&raw[o..o + 8]);
        i64::from_ne_bytes(b)
    };
    let mut b4 = [0u8; 4];
    b4.copy_from_slice(&raw[24..28]);
    libc::flock {
        l_type: i16_at(0),
        l_whence: i16_at(2),
        l_start: i64_at(8),
        l_len: i64_at(16),
        l_pid: i32::from_ne_bytes(b4),
    }
}

fn flock_into(l: &libc::flock, buf: &mut [u8]) {
    let mut raw = [0u8; FLOCK_SIZE];
    raw[0..2].copy_from_slice(&l.l_type.to_ne_bytes());
    raw[2..4].copy_from_slice(&l.l_whence.to_ne_bytes());
    raw[8..16].copy_from_slice(&l.l_start.to_ne_bytes());
    raw[16..24].copy_from_slice(&l.l_len.to_ne_bytes());
    raw[24..28].copy_from_slice(&l.l_pid.to_ne_bytes());
    let n = buf.len().min(FLOCK_SIZE);
    buf[..n].copy_from_slice(&raw[..n]);
}

fn unsupported(cmd: i32) -> crate::vm::errors::ExcRef {
    not_implemented(format!(
        "fcntl.fcntl: command {cmd} is not supported by aio"
    ))
}

/// `fcntl(fd, cmd, arg)` with an int argument: the call's result.
fn fcntl_int(vm: &mut Vm, fd: i32, cmd: i32, arg: i32) -> PyResult<Value> {
    let run = move |fd: BorrowedFd<'_>| {
        let arg = match cmd {
            libc::F_GETFD => FcntlArg::F_GETFD,
            libc::F_SETFD => FcntlArg::F_SETFD(FdFlag::from_bits_retain(arg)),
            libc::F_GETFL => FcntlArg::F_GETFL,
            libc::F_SETFL => FcntlArg::F_SETFL(OFlag::from_bits_retain(arg)),
            libc::F_GETPIPE_SZ => FcntlArg::F_GETPIPE_SZ,
            libc::F_SETPIPE_SZ => FcntlArg::F_SETPIPE_SZ(arg),
            libc::F_GET_SEALS => FcntlArg::F_GET_SEALS,
            libc::F_ADD_SEALS => FcntlArg::F_ADD_SEALS(SealFlag::from_bits_retain(arg)),
            _ => return Ok(None),
        };
        nix::fcntl::fcntl(fd, arg).map(Some)
    };
    match on_fd(vm, fd, "fcntl", run)? {
        Some(r) => Ok(Value::Int(i64::from(r))),
        None => Err(unsupported(cmd)),
    }
}

/// `fcntl(fd, cmd, buf)` with a bytes argument: the lock commands, which read (and for
/// F_GETLK write) a `struct flock`; the buffer as the call left it.
fn fcntl_buffer(vm: &mut Vm, fd: i32, cmd: i32, data: &[u8]) -> PyResult<Value> {
    if data.len() > BUFFER_SIZE {
        return Err(value_error("fcntl string arg too long"));
    }
    if matches!(
        cmd,
        libc::F_GETFD | libc::F_GETFL | libc::F_GETPIPE_SZ | libc::F_GET_SEALS
    ) {
        // Commands that read no argument: the call is made, the buffer comes back as is.
        fcntl_int(vm, fd, cmd, 0)?;
        return Ok(Value::bytes(data.to_vec()));
    }
    let lock = flock_from(data);
    let known = matches!(
        cmd,
        libc::F_GETLK
            | libc::F_SETLK
            | libc::F_SETLKW
            | libc::F_OFD_GETLK
            | libc::F_OFD_SETLK
            | libc::F_OFD_SETLKW
    );
    if !known {
        return Err(unsupported(cmd));
    }
    let got = on_fd(vm, fd, "fcntl", |fd| {
        let mut l = lock;
        let arg = match cmd {
            libc::F_GETLK => FcntlArg::F_GETLK(&mut l),
            libc::F_SETLK => FcntlArg::F_SETLK(&lock),
            libc::F_SETLKW => FcntlArg::F_SETLKW(&lock),
            libc::F_OFD_GETLK => FcntlArg::F_OFD_GETLK(&mut l),
            libc::F_OFD_SETLK => FcntlArg::F_OFD_SETLK(&lock),
            _ => FcntlArg::F_OFD_SETLKW(&lock),
        };
        nix::fcntl::fcntl(fd, arg).map(|_| l)
    })?;
    let mut out = data.to_vec();
    flock_into(&got, &mut out);
    Ok(Value::bytes(out))
}

/// `_fcntl.fcntl(fd, cmd, arg)`: arg an int or bytes (the wrapper has converted the rest).
fn fcntl(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("fcntl", 3, 3)?;
    let fd = c_int(args, 0)?;
    let cmd = c_int(args, 1)?;
    if matches!(cmd, libc::F_DUPFD | libc::F_DUPFD_CLOEXEC) {
        return Err(not_implemented(
            "fcntl.fcntl: F_DUPFD is not supported by aio (the new descriptor would be one aio does not own)",
        ));
    }
    if let Some(data) = args.pos.get(2).and_then(bytes_data) {
        let data = data.to_vec();
        return fcntl_buffer(vm, fd, cmd, &data);
    }
    let arg = c_int(args, 2)?;
    fcntl_int(vm, fd, cmd, arg)
}

/// `_fcntl.flock(fd, operation)`.
fn flock(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    use nix::fcntl::FlockArg;
    args.check("flock", 2, 2)?;
    let fd = c_int(args, 0)?;
    let op = c_int(args, 1)?;
    #[allow(deprecated)]
    let arg = match op {
        libc::LOCK_SH => FlockArg::LockShared,
        libc::LOCK_EX => FlockArg::LockExclusive,
        libc::LOCK_UN => FlockArg::Unlock,
        o if o == libc::LOCK_SH | libc::LOCK_NB => FlockArg::LockSharedNonblock,
        o if o == libc::LOCK_EX | libc::LOCK_NB => FlockArg::LockExclusiveNonblock,
        o if o == libc::LOCK_UN | libc::LOCK_NB => FlockArg::UnlockNonblock,
        // What the kernel says of any other operation.
        _ => return Err(errno_error(vm, Errno::EINVAL)),
    };
    // nix's replacement, `Flock`, takes the descriptor's ownership, which aio's tables
    // keep; the raw call on a descriptor borrowed from them is the same system call.
    #[allow(deprecated)]
    on_fd(vm, fd, "flock", |b| nix::fcntl::flock(b.as_raw_fd(), arg))?;
    Ok(Value::None)
}

/// `_fcntl.lockf(fd, cmd, len, start, whence)`: a POSIX record lock through F_SETLK(W),
/// as CPython builds it.
fn lockf(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("lockf", 5, 5)?;
    let fd = c_int(args, 0)?;
    let code = c_int(args, 1)?;
    let l_type = if code == libc::LOCK_UN {
        libc::F_UNLCK
    } else if code & libc::LOCK_SH != 0 {
        libc::F_RDLCK
    } else if code & libc::LOCK_EX != 0 {
        libc::F_WRLCK
    } else {
        return Err(value_error("unrecognized lockf argument"));
    };
    let lock = libc::flock {
        l_type: l_type as i16,
        l_whence: c_int(args, 4)? as i16,
        l_start: int_arg(args, 3)?,
        l_len: int_arg(args, 2)?,
        l_pid: 0,
    };
    let wait = code & libc::LOCK_NB == 0;
    on_fd(vm, fd, "lockf", |fd| {
        let arg = if wait {
            FcntlArg::F_SETLKW(&lock)
        } else {
            FcntlArg::F_SETLK(&lock)
        };
        nix::fcntl::fcntl(fd, arg)
    })?;
    Ok(Value::None)
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] =
        &[("fcntl", fcntl), ("flock", flock), ("lockf", lockf)];
    super::sys::new_module(vm, "_fcntl", funcs);
}
