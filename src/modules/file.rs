//! `_file`: the system calls of stdlib/_fileio.aio's `FileIO` (the raw layer under
//! `open()`), on files the VM owns by descriptor, and the file operations of `os`
//! (`remove`, `rename`, `mkdir`, `rmdir`). Failures are the OSError subclass of their
//! errno with the file name, as in CPython.

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::obj::methods::exception::{os_error, os_error_from_io};
use crate::obj::Obj;
use crate::vm::errors::{not_implemented, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;

/// The open files, by descriptor: a file is closed when it leaves the table.
#[derive(Default)]
pub struct Files {
    open: HashMap<i32, File>,
}

impl Files {
    /// Descriptor `fd` while it is open here, for a system call of another module
    /// (`select`, `os.sendfile`).
    pub fn borrow_fd(&self, fd: i32) -> Option<std::os::fd::BorrowedFd<'_>> {
        use std::os::fd::AsFd;
        self.open.get(&fd).map(|f| f.as_fd())
    }

    /// The file of descriptor `fd`, for another module's reads and writes (asyncio's
    /// pipe transports over `os.pipe()` descriptors, `_process`).
    pub fn get_mut(&mut self, fd: i32) -> Option<&mut File> {
        self.open.get_mut(&fd)
    }

    /// Closes descriptor `fd` if it is one of the files; whether it was.
    pub fn close(&mut self, fd: i32) -> bool {
        self.open.remove(&fd).is_some()
    }
}

const EBADF: i32 = 9;
const EISDIR: i32 = 21;

/// A path argument (str, bytes, or an os.PathLike giving one): the name to use, and the
/// value an OSError names (CPython's: the str or bytes the argument stands for).
fn path_arg(vm: &mut Vm, v: &Value) -> PyResult<(String, Value)> {
    match fspath_text(vm, v)? {
        Some((s, _)) if s.contains('\0') => Err(value_error("embedded null byte")),
        Some(named) => Ok(named),
        None => Err(type_error(format!(
            "expected str, bytes or os.PathLike object, not {}",
            vm.type_name(v)
        ))),
    }
}

/// The text of a path argument and the str or bytes it stands for (`os.fspath(v)`); None
/// when `v` is neither str, bytes nor an os.PathLike giving one (each caller words that
/// TypeError as its CPython counterpart does). Bytes must be UTF-8.
pub(crate) fn fspath_text(vm: &mut Vm, v: &Value) -> PyResult<Option<(String, Value)>> {
    let named = if is_str_or_bytes(v) {
        v.clone()
    } else if let Some(f) = vm.lookup_special(v, "__fspath__") {
        vm.call(&f, std::slice::from_ref(v))?
    } else {
        return Ok(None);
    };
    let text = match &named {
        Value::Obj(o) => match &**o {
            Obj::Str(_) => named.as_str().map(str::to_string),
            Obj::Bytes(b) => Some(String::from_utf8(b.to_vec()).map_err(|_| {
                not_implemented("file names that are not UTF-8 bytes are not supported by aio yet")
            })?),
            _ => None,
        },
        _ => None,
    };
    Ok(text.map(|t| (t, named)))
}

fn is_str_or_bytes(v: &Value) -> bool {
    matches!(v, Value::Obj(o) if matches!(&**o, Obj::Str(_) | Obj::Bytes(_)))
}

fn fd_arg(args: &Args) -> PyResult<i32> {
    match args.pos.first() {
        Some(Value::Int(n)) => i32::try_from(*n).map_err(|_| value_error("bad descriptor")),
        _ => Err(type_error("an integer descriptor is required")),
    }
}

fn int_arg(args: &Args, i: usize) -> PyResult<i64> {
    match args.pos.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Bool(b)) => Ok(i64::from(*b)),
        _ => Err(type_error("an integer is required")),
    }
}

/// Runs `f` on the file of descriptor `fd`.
fn with<R>(vm: &mut Vm, fd: i32, f: impl FnOnce(&mut File) -> std::io::Result<R>) -> PyResult<R> {
    match vm.files.open.get_mut(&fd) {
        Some(file) => f(file).map_err(|e| os_error_from_io(vm, &e, None)),
        None => Err(os_error(vm, EBADF, "Bad file descriptor", None)),
    }
}

/// `open(path, mode)` with `mode` one of r, w, a, x, optionally followed by `+`: the
/// descriptor. A directory is an IsADirectoryError, as CPython's FileIO makes it.
fn open(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("open", 2, 2)?;
    let (path, named) = path_arg(vm, &args.pos[0])?;
    let Some(mode) = args.pos[1].as_str() else {
        return Err(type_error("mode must be a str"));
    };
    let plus = mode.contains('+');
    let mut opts = OpenOptions::new();
    match mode.chars().next() {
        Some('r') => opts.read(true).write(plus),
        Some('w') => opts.write(true).create(true).truncate(true).read(plus),
        Some('a') => opts.append(true).create(true).read(plus),
        Some('x') => opts.write(true).create_new(true).read(plus),
        _ => return Err(value_error(format!("invalid mode: '{mode}'"))),
    };
    let file = match opts.open(&path) {
        Ok(f) => f,
        Err(e) => return Err(os_error_from_io(vm, &e, Some(named.clone()))),
    };
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(os_error(vm, EISDIR, "Is a directory", Some(named.clone())));
    }
    let fd = file.as_raw_fd();
    vm.files.open.insert(fd, file);
    Ok(Value::Int(i64::from(fd)))
}

/// `open_flags(path, flags, mode)`: `os.open`: the descriptor of `path` opened with the
/// system's `O_*` flags, created with permission bits `mode`.
fn open_flags(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    use std::os::unix::fs::OpenOptionsExt;
    const O_ACCMODE: i64 = 0o3;
    const O_CREAT: i64 = 0o100;
    const O_EXCL: i64 = 0o200;
    const O_TRUNC: i64 = 0o1000;
    const O_APPEND: i64 = 0o2000;
    args.check("open_flags", 3, 3)?;
    let (path, named) = path_arg(vm, &args.pos[0])?;
    let (flags, mode) = (int_arg(args, 1)?, int_arg(args, 2)?);
    let access = flags & O_ACCMODE;
    let mut opts = OpenOptions::new();
    opts.read(access == 0 || access == 2)
        .write(access == 1 || access == 2)
        .append(flags & O_APPEND != 0)
        .truncate(flags & O_TRUNC != 0)
        .mode((mode & 0o7777) as u32);
    if flags & O_CREAT != 0 {
        if flags & O_EXCL != 0 {
            opts.create_new(true);
        } else {
            opts.create(true);
        }
    }
    let rest = flags & !(O_ACCMODE | O_CREAT | O_EXCL | O_TRUNC | O_APPEND);
    opts.custom_flags(i32::try_from(rest).unwrap_or(0));
    let file = opts
        .open(&path)
        .map_err(|e| os_error_from_io(vm, &e, Some(named.clone())))?;
    let fd = file.as_raw_fd();
    vm.files.open.insert(fd, file);
    Ok(Value::Int(i64::from(fd)))
}

/// `known(fd)`: whether `fd` is a descriptor aio opened (and may read, write and close).
fn known(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("known", 1, 1)?;
    let fd = fd_arg(args)?;
    Ok(Value::Bool(vm.files.open.contains_key(&fd)))
}

/// `os.read(0, n)` and `os.write(1 or 2, data)`: the standard descriptors, which the
/// table does not hold, through std's handles (their buffers are empty between calls;
/// `sys.stdout`'s own buffer is bypassed, as CPython's os.write bypasses it). None for
/// any other descriptor.
fn std_read(fd: i32, n: i64) -> Option<std::io::Result<Vec<u8>>> {
    if fd != 0 {
        return None;
    }
    let mut buf = Vec::new();
    let mut stdin = std::io::stdin().lock();
    let r = if n < 0 {
        stdin.read_to_end(&mut buf).map(|_| buf)
    } else {
        buf.resize(n.min(1 << 30) as usize, 0);
        stdin.read(&mut buf).map(|got| {
            buf.truncate(got);
            buf
        })
    };
    Some(r)
}

fn std_write(fd: i32, data: &[u8]) -> Option<std::io::Result<usize>> {
    let r = match fd {
        1 => {
            let mut out = std::io::stdout().lock();
            out.write(data).and_then(|n| out.flush().map(|()| n))
        }
        2 => std::io::stderr().lock().write(data),
        _ => return None,
    };
    Some(r)
}

/// `read(fd, n)`: up to `n` bytes (all that is left for a negative `n`).
fn read(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("read", 2, 2)?;
    let fd = fd_arg(args)?;
    let n = int_arg(args, 1)?;
    if !vm.files.open.contains_key(&fd) {
        if let Some(r) = std_read(fd, n) {
            return r
                .map(Value::bytes)
                .map_err(|e| os_error_from_io(vm, &e, None));
        }
    }
    let data = with(vm, fd, |f| {
        let mut buf = Vec::new();
        if n < 0 {
            f.read_to_end(&mut buf)?;
        } else {
            buf.resize(n.min(1 << 30) as usize, 0);
            let got = f.read(&mut buf)?;
            buf.truncate(got);
        }
        Ok(buf)
    })?;
    Ok(Value::bytes(data))
}

/// `write(fd, data)`: all of `data`, its length.
fn write(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("write", 2, 2)?;
    let fd = fd_arg(args)?;
    if let Some(e) = crate::obj::methods::bytes::buffer_error(&args.pos[1]) {
        return Err(e);
    }
    let Some(data) = bytes_data(&args.pos[1]) else {
        return Err(type_error(format!(
            "a bytes-like object is required, not '{}'",
            vm.type_name(&args.pos[1])
        )));
    };
    if !vm.files.open.contains_key(&fd) {
        if let Some(r) = std_write(fd, &data) {
            return r
                .map(|n| Value::Int(n as i64))
                .map_err(|e| os_error_from_io(vm, &e, None));
        }
    }
    with(vm, fd, |f| f.write_all(&data))?;
    Ok(Value::Int(data.len() as i64))
}

/// `seek(fd, offset, whence)`: the new position.
fn seek(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("seek", 3, 3)?;
    let fd = fd_arg(args)?;
    let offset = int_arg(args, 1)?;
    let to = match int_arg(args, 2)? {
        0 if offset < 0 => {
            return Err(value_error(format!("negative seek position {offset}")));
        }
        0 => SeekFrom::Start(offset as u64),
        1 => SeekFrom::Current(offset),
        2 => SeekFrom::End(offset),
        w => {
            return Err(value_error(format!(
                "invalid whence ({w}, should be 0, 1 or 2)"
            )))
        }
    };
    let pos = with(vm, fd, |f| f.seek(to))?;
    Ok(Value::Int(i64::try_from(pos).unwrap_or(i64::MAX)))
}

/// `truncate(fd, size)`
fn truncate(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("truncate", 2, 2)?;
    let fd = fd_arg(args)?;
    let size = int_arg(args, 1)?;
    if size < 0 {
        return Err(os_error(vm, 22, "Invalid argument", None));
    }
    with(vm, fd, |f| f.set_len(size as u64))?;
    Ok(Value::Int(size))
}

/// `sync(fd, data_only)`: `os.fsync(fd)` (data and metadata to disk) or, data only,
/// `os.fdatasync(fd)`.
fn sync(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("sync", 2, 2)?;
    let fd = fd_arg(args)?;
    let data_only = vm.truthy(&args.pos[1])?;
    with(vm, fd, |f| {
        if data_only {
            f.sync_data()
        } else {
            f.sync_all()
        }
    })?;
    Ok(Value::None)
}

/// `truncate_path(path, length)`: `os.truncate` of a path.
fn truncate_path(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("truncate_path", 2, 2)?;
    let (name, named) = path_arg(vm, &args.pos[0])?;
    let size = int_arg(args, 1)?;
    if size < 0 {
        return Err(os_error(vm, 22, "Invalid argument", Some(named)));
    }
    std::fs::OpenOptions::new()
        .write(true)
        .open(&name)
        .and_then(|f| f.set_len(size as u64))
        .map_err(|e| os_error_from_io(vm, &e, Some(named)))?;
    Ok(Value::None)
}

fn isatty(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("isatty", 1, 1)?;
    let fd = fd_arg(args)?;
    let tty = with(vm, fd, |f| Ok(f.is_terminal()))?;
    Ok(Value::Bool(tty))
}

/// `terminal_size(fd)`: `os.get_terminal_size`'s (columns, lines) of the terminal on `fd`
/// (the standard streams or a file aio opened), from the TIOCGWINSZ ioctl; a descriptor
/// that is not a terminal is CPython's OSError (ENOTTY).
fn terminal_size(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    use std::os::fd::AsFd;
    args.check("terminal_size", 1, 1)?;
    let fd = fd_arg(args)?;
    let size = match fd {
        0 => rustix::termios::tcgetwinsize(std::io::stdin().as_fd()),
        1 => rustix::termios::tcgetwinsize(std::io::stdout().as_fd()),
        2 => rustix::termios::tcgetwinsize(std::io::stderr().as_fd()),
        _ => match vm.files.open.get(&fd) {
            Some(file) => rustix::termios::tcgetwinsize(file.as_fd()),
            None => return Err(os_error(vm, EBADF, "Bad file descriptor", None)),
        },
    };
    match size {
        Ok(ws) => Ok(Value::tuple(vec![
            Value::Int(i64::from(ws.ws_col)),
            Value::Int(i64::from(ws.ws_row)),
        ])),
        Err(e) => Err(os_error_from_io(vm, &std::io::Error::from(e), None)),
    }
}

/// `pipe()`: `os.pipe()`'s (read end, write end), both close-on-exec.
fn pipe(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("pipe", 0, 0)?;
    let (r, w) = std::io::pipe().map_err(|e| os_error_from_io(vm, &e, None))?;
    let (r, w) = (
        File::from(std::os::fd::OwnedFd::from(r)),
        File::from(std::os::fd::OwnedFd::from(w)),
    );
    let (rfd, wfd) = (r.as_raw_fd(), w.as_raw_fd());
    vm.files.open.insert(rfd, r);
    vm.files.open.insert(wfd, w);
    Ok(Value::tuple(vec![
        Value::Int(i64::from(rfd)),
        Value::Int(i64::from(wfd)),
    ]))
}

/// `close(fd)`: closing twice is fine.
fn close(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("close", 1, 1)?;
    let fd = fd_arg(args)?;
    drop(vm.files.open.remove(&fd));
    Ok(Value::None)
}

/// `close_any(fd)`: os.close — closes the file, socket, child's pipe or epoll object of
/// descriptor `fd` (no event loop watches it any more); EBADF when no descriptor `fd` is
/// open, as close(2) says.
fn close_any(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("close", 1, 1)?;
    let fd = fd_arg(args)?;
    let owned = vm.files.borrow_fd(fd).is_some()
        || vm.sockets.borrow_fd(fd).is_some()
        || vm.processes.borrow_fd(fd).is_some()
        || vm.select.owns(fd);
    if owned {
        vm.io_forget(fd);
        vm.files.close(fd);
        vm.sockets.close(fd);
        vm.processes.close(fd);
        vm.select.close(fd);
        return Ok(Value::None);
    }
    if std::fs::symlink_metadata(format!("/proc/self/fd/{fd}")).is_ok() {
        // Open, but not by aio (a standard stream, an inherited descriptor): the VM may
        // hold it, so it is not closed behind the VM's back.
        return Err(crate::vm::errors::not_implemented(format!(
            "os.close() of descriptor {fd}, which aio did not open, is not supported by aio yet"
        )));
    }
    Err(os_error(vm, EBADF, "Bad file descriptor", None))
}

/// An `os` function of one path: the OSError of a failure names the path.
fn on_path(
    vm: &mut Vm,
    args: &Args,
    name: &str,
    op: fn(&str) -> std::io::Result<()>,
) -> PyResult<Value> {
    args.check(name, 1, 1)?;
    let (path, named) = path_arg(vm, &args.pos[0])?;
    op(&path).map_err(|e| os_error_from_io(vm, &e, Some(named.clone())))?;
    Ok(Value::None)
}

/// `os.remove(path)` / `os.unlink(path)`
fn remove(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    on_path(vm, args, "remove", |p| std::fs::remove_file(p))
}

/// `os.rename(src, dst)`
fn rename(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("rename", 2, 2)?;
    let ((src, src_named), (dst, dst_named)) =
        (path_arg(vm, &args.pos[0])?, path_arg(vm, &args.pos[1])?);
    if let Err(e) = std::fs::rename(&src, &dst) {
        let err = os_error_from_io(vm, &e, Some(src_named));
        let key = vm.intern("filename2");
        vm.set_attr(&err.value(), &key, dst_named)?;
        return Err(err);
    }
    Ok(Value::None)
}

/// `os.mkdir(path, mode=0o777)` (the umask applies, as to every mkdir).
fn mkdir(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    use std::os::unix::fs::DirBuilderExt;
    args.check("mkdir", 1, 2)?;
    let (path, named) = path_arg(vm, &args.pos[0])?;
    let mode = match args.pos.get(1) {
        None => 0o777,
        Some(_) => {
            u32::try_from(int_arg(args, 1)?).map_err(|_| value_error("mode out of range"))?
        }
    };
    std::fs::DirBuilder::new()
        .mode(mode)
        .create(&path)
        .map_err(|e| os_error_from_io(vm, &e, Some(named.clone())))?;
    Ok(Value::None)
}

/// `os.rmdir(path)`
fn rmdir(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    on_path(vm, args, "rmdir", |p| std::fs::remove_dir(p))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("open", open),
        ("open_flags", open_flags),
        ("known", known),
        ("read", read),
        ("write", write),
        ("seek", seek),
        ("truncate", truncate),
        ("truncate_path", truncate_path),
        ("sync", sync),
        ("isatty", isatty),
        ("terminal_size", terminal_size),
        ("close", close),
        ("close_any", close_any),
        ("pipe", pipe),
        ("remove", remove),
        ("rename", rename),
        ("mkdir", mkdir),
        ("rmdir", rmdir),
    ];
    super::sys::new_module(vm, "_file", funcs);
}
