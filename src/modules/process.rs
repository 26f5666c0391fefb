//! `_process`: child processes for asyncio's subprocess support (stdlib/subprocess.aio,
//! stdlib/asyncio/base_subprocess.aio). A child is started with its pipes (the parent's
//! ends non-blocking, owned here by descriptor) and a pidfd, which turns readable when
//! the child exits: the event loop watches it like any descriptor, so no thread waits.
//! Reads and writes tell the loop when a pipe is no longer ready, as the socket
//! functions do (`crate::eventloop::io`).

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::obj::methods::exception::{os_error, os_error_from_io};
use crate::obj::Obj;
use crate::vm::errors::{type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use std::collections::HashMap;
use std::io::{ErrorKind, PipeReader, PipeWriter, Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::process::{Command, Stdio};

/// The parent's ends of children's pipes, and the children's pidfds, by descriptor.
#[derive(Default)]
pub struct Processes {
    open: HashMap<i32, Owned>,
}

impl Processes {
    /// Descriptor `fd` while it is open here (for `select`).
    pub fn borrow_fd(&self, fd: i32) -> Option<std::os::fd::BorrowedFd<'_>> {
        self.open.get(&fd).map(|o| match o {
            Owned::Reader(r) => r.as_fd(),
            Owned::Writer(w) => w.as_fd(),
            Owned::Pidfd(p) => p.as_fd(),
            Owned::Adopted(f) => f.as_fd(),
        })
    }

    /// Closes descriptor `fd` if it is one of the pipes (`os.close`); whether it was.
    pub fn close(&mut self, fd: i32) -> bool {
        self.open.remove(&fd).is_some()
    }
}

enum Owned {
    Reader(PipeReader),
    Writer(PipeWriter),
    Pidfd(OwnedFd),
    /// A copy of a descriptor aio did not open (sys.stdin's, sys.stdout's), kept under
    /// that descriptor's number for a pipe transport's reads and writes.
    Adopted(std::fs::File),
}

// subprocess.PIPE, STDOUT and DEVNULL.
const PIPE: i64 = -1;
const STDOUT: i64 = -2;
const DEVNULL: i64 = -3;
const EBADF: i32 = 9;

fn io_err(vm: &mut Vm, e: &std::io::Error) -> crate::vm::errors::ExcRef {
    os_error_from_io(vm, e, None)
}

fn fd_arg(args: &Args, i: usize) -> PyResult<i32> {
    match args.pos.get(i) {
        Some(Value::Int(n)) => i32::try_from(*n).map_err(|_| value_error("bad descriptor")),
        _ => Err(type_error("an integer descriptor is required")),
    }
}

/// What a child's standard stream is connected to.
enum Stream {
    Inherit,
    Null,
    Pipe,
    /// stderr only: wherever stdout goes.
    Stdout,
    /// A descriptor of the parent's (an `os.pipe()` end, an open file's `fileno()`).
    Fd(i32),
}

fn stream_arg(v: &Value, name: &str) -> PyResult<Stream> {
    match v {
        Value::None => Ok(Stream::Inherit),
        Value::Int(PIPE) => Ok(Stream::Pipe),
        Value::Int(DEVNULL) => Ok(Stream::Null),
        Value::Int(STDOUT) if name == "stderr" => Ok(Stream::Stdout),
        Value::Int(STDOUT) => Err(value_error("STDOUT can only be used for stderr")),
        Value::Int(fd) if *fd >= 0 => Ok(Stream::Fd(
            i32::try_from(*fd).map_err(|_| value_error("bad descriptor"))?,
        )),
        _ => Err(crate::vm::errors::not_implemented(format!(
            "{name}: only None, PIPE, DEVNULL (and STDOUT for stderr) are supported by aio yet"
        ))),
    }
}

pub(crate) fn str_list(vm: &mut Vm, v: &Value, what: &str) -> PyResult<Vec<String>> {
    let items = match v {
        Value::Obj(o) => match &**o {
            Obj::List(l) => l.borrow().clone(),
            Obj::Tuple(t) => t.to_vec(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    items
        .iter()
        .map(|a| match a.as_str() {
            Some(s) => Ok(s.to_string()),
            None => Err(type_error(format!(
                "{what} must be str, not {}",
                vm.type_name(a)
            ))),
        })
        .collect()
}

impl Processes {
    fn adopt(&mut self, owned: Owned) -> PyResult<i32> {
        let fd = match &owned {
            Owned::Reader(r) => r.as_raw_fd(),
            Owned::Writer(w) => w.as_raw_fd(),
            Owned::Pidfd(p) => p.as_raw_fd(),
            Owned::Adopted(f) => f.as_raw_fd(),
        };
        self.open.insert(fd, owned);
        Ok(fd)
    }
}

fn nonblocking(fd: impl AsFd) -> std::io::Result<()> {
    rustix::io::ioctl_fionbio(fd, true).map_err(std::io::Error::from)
}

/// `spawn(args, stdin, stdout, stderr, cwd, env)`: `(pid, pidfd, stdin, stdout, stderr)`,
/// the last three the parent's pipe ends (None where there is no pipe). `env` is a list
/// of (name, value) pairs, or None to inherit.
fn spawn(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("spawn", 6, 6)?;
    let argv = str_list(vm, &args.pos[0], "args")?;
    let Some(program) = argv.first() else {
        return Err(value_error("args must not be empty"));
    };
    let (stdin, stdout, stderr) = (
        stream_arg(&args.pos[1], "stdin")?,
        stream_arg(&args.pos[2], "stdout")?,
        stream_arg(&args.pos[3], "stderr")?,
    );
    let mut cmd = Command::new(program);
    cmd.args(&argv[1..]);
    if let Some(cwd) = args.pos[4].as_str() {
        cmd.current_dir(cwd);
    }
    if !args.pos[5].is_none() {
        cmd.env_clear();
        for pair in str_list_pairs(vm, &args.pos[5])? {
            cmd.env(pair.0, pair.1);
        }
    }
    let fail = |vm: &mut Vm, e: std::io::Error| io_err(vm, &e);
    // The child gets its own copy of a descriptor of ours (as CPython's dup2 in the child).
    let copy_fd = |vm: &mut Vm, fd: i32| -> PyResult<OwnedFd> {
        let copy = match vm.borrow_fd(fd) {
            Some(b) => b.try_clone_to_owned(),
            None => Err(std::io::Error::from_raw_os_error(EBADF)),
        };
        copy.map_err(|e| fail(vm, e))
    };
    let mut parent_in = None;
    let mut parent_out = None;
    let mut parent_err = None;
    match stdin {
        Stream::Pipe => {
            let (r, w) = std::io::pipe().map_err(|e| fail(vm, e))?;
            cmd.stdin(Stdio::from(r));
            parent_in = Some(w);
        }
        Stream::Null => {
            cmd.stdin(Stdio::null());
        }
        Stream::Fd(fd) => {
            cmd.stdin(Stdio::from(copy_fd(vm, fd)?));
        }
        _ => {}
    }
    let mut out_writer = None;
    match stdout {
        Stream::Pipe => {
            let (r, w) = std::io::pipe().map_err(|e| fail(vm, e))?;
            out_writer = Some(w.try_clone().map_err(|e| fail(vm, e))?);
            cmd.stdout(Stdio::from(w));
            parent_out = Some(r);
        }
        Stream::Null => {
            cmd.stdout(Stdio::null());
        }
        Stream::Fd(fd) => {
            cmd.stdout(Stdio::from(copy_fd(vm, fd)?));
            out_writer = Some(PipeWriter::from(copy_fd(vm, fd)?));
        }
        _ => {}
    }
    match stderr {
        Stream::Pipe => {
            let (r, w) = std::io::pipe().map_err(|e| fail(vm, e))?;
            cmd.stderr(Stdio::from(w));
            parent_err = Some(r);
        }
        Stream::Null => {
            cmd.stderr(Stdio::null());
        }
        Stream::Fd(fd) => {
            cmd.stderr(Stdio::from(copy_fd(vm, fd)?));
        }
        Stream::Stdout => match out_writer.take() {
            Some(w) => {
                cmd.stderr(Stdio::from(w));
            }
            // stdout not a pipe: stderr goes where stdout goes (the parent's stdout).
            None => {
                let dup = std::io::stdout()
                    .as_fd()
                    .try_clone_to_owned()
                    .map_err(|e| fail(vm, e))?;
                cmd.stderr(Stdio::from(dup));
            }
        },
        Stream::Inherit => {}
    }
    let child = cmd.spawn();
    // The child's ends live in `cmd`: closed here, so that the parent sees end of file
    // once the child is done with them.
    drop(cmd);
    drop(out_writer);
    let child = match child {
        Ok(c) => c,
        Err(e) => {
            return Err(os_error_from_io(vm, &e, Some(Value::str(program))));
        }
    };
    let pid = child.id();
    // std's Child only waits when asked; the pidfd and `reap` take over.
    drop(child);
    let raw = rustix::process::Pid::from_raw(pid as i32);
    let pidfd = raw
        .ok_or_else(|| std::io::Error::from(ErrorKind::InvalidInput))
        .and_then(|p| {
            rustix::process::pidfd_open(p, rustix::process::PidfdFlags::empty())
                .map_err(std::io::Error::from)
        })
        .map_err(|e| fail(vm, e))?;
    let mut ends = Vec::new();
    let table = &mut vm.processes;
    let pidfd = table.adopt(Owned::Pidfd(pidfd))?;
    for end in [
        parent_in.map(Owned::Writer),
        parent_out.map(Owned::Reader),
        parent_err.map(Owned::Reader),
    ] {
        match end {
            Some(owned) => {
                let r = match &owned {
                    Owned::Reader(r) => nonblocking(r),
                    Owned::Writer(w) => nonblocking(w),
                    Owned::Pidfd(p) => nonblocking(p),
                    Owned::Adopted(f) => nonblocking(f),
                };
                if let Err(e) = r {
                    return Err(io_err(vm, &e));
                }
                let fd = vm.processes.adopt(owned)?;
                ends.push(Value::Int(i64::from(fd)));
            }
            None => ends.push(Value::None),
        }
    }
    let mut out = vec![Value::Int(i64::from(pid)), Value::Int(i64::from(pidfd))];
    out.extend(ends);
    Ok(Value::tuple(out))
}

pub(crate) fn str_list_pairs(vm: &mut Vm, v: &Value) -> PyResult<Vec<(String, String)>> {
    let items = match v {
        Value::Obj(o) => match &**o {
            Obj::List(l) => l.borrow().clone(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let mut pairs = Vec::new();
    for item in &items {
        let kv = str_list(vm, item, "environment entries")?;
        if let [k, v] = &kv[..] {
            pairs.push((k.clone(), v.clone()));
        }
    }
    Ok(pairs)
}

/// `read(fd, n)`: up to `n` bytes from a pipe (empty at end of file).
fn read(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("read", 2, 2)?;
    let fd = fd_arg(args, 0)?;
    let n = match &args.pos[1] {
        Value::Int(n) if *n >= 0 => (*n).min(1 << 26) as usize,
        _ => return Err(value_error("read length must be a non-negative int")),
    };
    let mut scratch = std::mem::take(&mut vm.read_scratch);
    let got = match vm.processes.open.get_mut(&fd) {
        Some(Owned::Reader(r)) => Some(scratch.read(n, |buf| r.read(buf))),
        Some(Owned::Adopted(f)) => Some(scratch.read(n, |buf| f.read(buf))),
        _ => vm
            .files
            .get_mut(fd)
            .map(|f| scratch.read(n, |buf| f.read(buf))),
    };
    vm.read_scratch = scratch;
    let Some((got, data)) = got else {
        return Err(os_error(vm, EBADF, "Bad file descriptor", None));
    };
    vm.io_after_read(fd, &got, n, true);
    got.map_err(|e| io_err(vm, &e))?;
    Ok(Value::bytes(data))
}

/// `write(fd, data)`: how many bytes went into the pipe.
fn write(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("write", 2, 2)?;
    let fd = fd_arg(args, 0)?;
    if let Some(e) = crate::obj::methods::bytes::buffer_error(&args.pos[1]) {
        return Err(e);
    }
    let Some(data) = bytes_data(&args.pos[1]) else {
        return Err(type_error(format!(
            "a bytes-like object is required, not '{}'",
            vm.type_name(&args.pos[1])
        )));
    };
    let wrote = match (vm.processes.open.get_mut(&fd), vm.files.get_mut(fd)) {
        (Some(Owned::Writer(w)), _) => w.write(&data),
        (Some(Owned::Adopted(f)), _) => f.write(&data),
        (None, Some(f)) => f.write(&data),
        _ => return Err(os_error(vm, EBADF, "Bad file descriptor", None)),
    };
    vm.io_after_write(fd, &wrote, data.len());
    let k = wrote.map_err(|e| io_err(vm, &e))?;
    Ok(Value::Int(k as i64))
}

/// `set_nonblocking(fd)`: what asyncio's pipe transports do to the descriptor they are
/// given (CPython's `os.set_blocking(fd, False)`). Children's pipes already are; a pipe
/// from `os.pipe()` (or a file aio opened) is switched. A descriptor aio has but did not
/// open (sys.stdin's, sys.stdout's) is copied, the copy kept here under its number for
/// the transport's reads and writes, and switched: the two share their open file, so the
/// descriptor itself turns non-blocking too, as in CPython. One aio has no handle on (an
/// inherited descriptor) is refused with NotImplementedError.
fn set_nonblocking(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("set_nonblocking", 1, 1)?;
    let fd = fd_arg(args, 0)?;
    if vm.processes.open.contains_key(&fd) {
        return Ok(Value::None);
    }
    if let Some(f) = vm.files.get_mut(fd) {
        nonblocking(&*f).map_err(|e| io_err(vm, &e))?;
        return Ok(Value::None);
    }
    let Some(copy) = vm.borrow_fd(fd).map(|b| b.try_clone_to_owned()) else {
        return Err(crate::vm::errors::not_implemented(format!(
            "asyncio pipe transports over descriptor {fd} (one aio did not open, and \
             not sys.stdin's, sys.stdout's or sys.stderr's) are not supported by aio yet"
        )));
    };
    let copy = std::fs::File::from(copy.map_err(|e| io_err(vm, &e))?);
    nonblocking(&copy).map_err(|e| io_err(vm, &e))?;
    vm.processes.open.insert(fd, Owned::Adopted(copy));
    Ok(Value::None)
}

/// `close(fd)`: no loop watches it any more; closing twice is fine.
fn close(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("close", 1, 1)?;
    let fd = fd_arg(args, 0)?;
    vm.io_forget(fd);
    drop(vm.processes.open.remove(&fd));
    Ok(Value::None)
}

/// `reap(pid)`: the child's return code once it exited (minus the signal that killed
/// it, as subprocess reports it), else None. Reaped once: later calls give None.
fn reap(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("reap", 1, 1)?;
    let Some(pid) = rustix::process::Pid::from_raw(fd_arg(args, 0)?) else {
        return Err(value_error("bad pid"));
    };
    let status = rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::NOHANG);
    Ok(match status {
        Ok(Some((_, st))) => match (st.exit_status(), st.terminating_signal()) {
            (Some(code), _) => Value::Int(i64::from(code)),
            (None, Some(sig)) => Value::Int(-i64::from(sig)),
            _ => Value::None,
        },
        _ => Value::None,
    })
}

/// `kill(pid, signal)`
fn kill(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("kill", 2, 2)?;
    let pid = rustix::process::Pid::from_raw(fd_arg(args, 0)?);
    let sig = fd_arg(args, 1)?;
    let (Some(pid), Some(signal)) = (pid, rustix::process::Signal::from_named_raw(sig)) else {
        return Err(os_error(vm, 22, "Invalid argument", None));
    };
    rustix::process::kill_process(pid, signal).map_err(|e| io_err(vm, &std::io::Error::from(e)))?;
    Ok(Value::None)
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("spawn", spawn),
        ("read", read),
        ("write", write),
        ("close", close),
        ("set_nonblocking", set_nonblocking),
        ("reap", reap),
        ("kill", kill),
    ];
    super::sys::new_module(vm, "_process", funcs);
}
