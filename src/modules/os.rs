//! `_os`: the few operating-system calls the `os` module (stdlib/os.aio) needs: the
//! environment, the working directory, the process id, and `stat` for `os.path`'s tests.
//! Failures are the OSError subclass of their errno, with the file name, as in CPython.

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::exception::os_error_from_io;
use crate::vm::errors::{not_implemented, overflow_error, type_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

/// The path argument of `func` as a name, and the value an OSError names: the str or
/// bytes it stands for (a bytes path asks for bytes results, as in CPython).
fn path_arg(vm: &mut Vm, args: &Args, func: &str) -> PyResult<(String, Value)> {
    let Some(v) = args.pos.first() else {
        return Err(type_error(format!(
            "{func}() missing required argument 'path'"
        )));
    };
    if let Some(b) = bytes_path(v) {
        let name = String::from_utf8(b).map_err(|_| {
            not_implemented("file names that are not UTF-8 bytes are not supported by aio yet")
        })?;
        return Ok((name, v.clone()));
    }
    match fspath_str(vm, v)? {
        Some(s) => {
            let named = Value::str(&s);
            Ok((s, named))
        }
        None => Err(type_error(format!(
            "{func}: path should be string, bytes or os.PathLike, not {}",
            vm.type_name(v)
        ))),
    }
}

/// The bytes of a bytes path argument.
fn bytes_path(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Obj(o) => match &**o {
            crate::obj::Obj::Bytes(b) => Some(b.to_vec()),
            _ => None,
        },
        _ => None,
    }
}

/// A name given back for a path argument: bytes when the argument was bytes.
fn name_like(named: &Value, name: &str) -> Value {
    match bytes_path(named) {
        Some(_) => Value::bytes(name.as_bytes().to_vec()),
        None => Value::str(name),
    }
}

/// A str path, or what an `os.PathLike` object's `__fspath__` gives as str (pathlib's
/// paths); None for anything else.
pub fn fspath_str(vm: &mut Vm, v: &Value) -> PyResult<Option<String>> {
    if let Some(s) = v.as_str() {
        return Ok(Some(s.to_string()));
    }
    if let Some(f) = vm.lookup_special(v, "__fspath__") {
        let r = vm.call(&f, std::slice::from_ref(v))?;
        return Ok(r.as_str().map(str::to_string));
    }
    Ok(None)
}

/// `_environ()`: the environment as a dict of str, read once by os.aio.
fn environ(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_environ", 0, 0)?;
    let mut d = crate::obj::DictData::new();
    for (k, v) in std::env::vars_os() {
        let (Some(k), Some(v)) = (k.to_str(), v.to_str()) else {
            continue;
        };
        crate::vm::dictops::set_str(&mut d, Value::str(k), Value::str(v));
    }
    Ok(Value::dict(d))
}

/// `_putenv(key, value)` / `_unsetenv(key)`: what assigning to `os.environ` does.
fn putenv(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_putenv", 2, 2)?;
    let (Some(k), Some(v)) = (args.pos[0].as_str(), args.pos[1].as_str()) else {
        return Err(type_error("str expected"));
    };
    if k.is_empty() || k.contains('=') || k.contains('\0') || v.contains('\0') {
        return Err(crate::vm::errors::value_error(
            "illegal environment variable name",
        ));
    }
    std::env::set_var(k, v);
    Ok(Value::None)
}

fn unsetenv(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_unsetenv", 1, 1)?;
    let Some(k) = args.pos[0].as_str() else {
        return Err(type_error("str expected"));
    };
    if k.is_empty() || k.contains('=') || k.contains('\0') {
        return Err(crate::vm::errors::value_error(
            "illegal environment variable name",
        ));
    }
    std::env::remove_var(k);
    Ok(Value::None)
}

fn getcwd(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("getcwd", 0, 0)?;
    match std::env::current_dir() {
        Ok(p) => Ok(Value::string(p.to_string_lossy().into_owned())),
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

/// `strerror(code)`: the C library's message for an errno value.
fn strerror(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("strerror", 1, 1)?;
    let code = match &args.pos[0] {
        Value::Int(n) => i32::try_from(*n).map_err(|_| {
            crate::vm::errors::overflow_error("signed integer is greater than maximum")
        })?,
        v => {
            return Err(type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(v)
            )))
        }
    };
    let text = std::io::Error::from_raw_os_error(code).to_string();
    let suffix = format!(" (os error {code})");
    Ok(Value::string(
        text.strip_suffix(&suffix).unwrap_or(&text).to_string(),
    ))
}

/// `system(command)`: runs the command with `/bin/sh -c`, sharing this process's standard
/// streams, and returns its wait status (the exit code shifted left by 8, or the signal).
/// As in CPython, Python-level output still buffered is not flushed first.
fn system(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("system", 1, 1)?;
    let Some(cmd) = args.pos[0].as_str().map(str::to_string) else {
        return Err(type_error(format!(
            "system() argument 'command' must be str, not {}",
            vm.type_name(&args.pos[0])
        )));
    };
    let status = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(&cmd)
        .status();
    match status {
        Ok(st) => {
            use std::os::unix::process::ExitStatusExt;
            Ok(Value::Int(i64::from(st.into_raw())))
        }
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

/// `_exit(status)`: ends the process at once, without cleanup: no atexit callbacks,
/// finalizers, or flushing of Python-level buffers (as CPython's os._exit).
fn exit_now(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_exit", 1, 1)?;
    match &args.pos[0] {
        Value::Int(n) => std::process::exit(*n as i32),
        Value::Bool(b) => std::process::exit(i32::from(*b)),
        v => Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))),
    }
}

/// `chdir(path)`: change the process's working directory.
fn chdir(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("chdir", 1, 1)?;
    let (path, named) = path_arg(vm, args, "chdir")?;
    match std::env::set_current_dir(&path) {
        Ok(()) => Ok(Value::None),
        Err(e) => Err(os_error_from_io(vm, &e, Some(named.clone()))),
    }
}

/// `kill(pid, sig)`: send a signal (0 only checks the process exists); CPython's
/// messages for arguments that are not integers or out of range.
fn kill(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("kill", 2, 2)?;
    let mut ints = [0i32; 2];
    for (i, slot) in ints.iter_mut().enumerate() {
        let n = vm.index_value(&args.pos[i])?;
        *slot = i32::try_from(n).map_err(|_| {
            crate::vm::errors::overflow_error("signed integer is greater than maximum")
        })?;
    }
    let pid = nix::unistd::Pid::from_raw(ints[0]);
    let sig = if ints[1] == 0 {
        None
    } else {
        match nix::sys::signal::Signal::try_from(ints[1]) {
            Ok(s) => Some(s),
            Err(_) => {
                let e = std::io::Error::from_raw_os_error(nix::libc::EINVAL);
                return Err(os_error_from_io(vm, &e, None));
            }
        }
    };
    if let Err(errno) = nix::sys::signal::kill(pid, sig) {
        let e = std::io::Error::from_raw_os_error(errno as i32);
        return Err(os_error_from_io(vm, &e, None));
    }
    // A signal this process sent itself is handled before the next instruction.
    if ints[0] == std::process::id() as i32 {
        vm.check_signals()?;
    }
    Ok(Value::None)
}

/// `cpu_count()`: the processors online, as CPython counts them.
fn cpu_count(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("cpu_count", 0, 0)?;
    let n = crate::eventloop::executor::cpu_count();
    Ok(Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn getppid(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("getppid", 0, 0)?;
    Ok(Value::Int(i64::from(std::os::unix::process::parent_id())))
}

fn getpid(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("getpid", 0, 0)?;
    Ok(Value::Int(i64::from(std::process::id())))
}

/// `_stat(path)`: `(kind, size)` with kind 1 for a directory, 2 for a regular file, 0
/// for anything else; the OSError of the failure otherwise.
fn stat(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_stat", 1, 1)?;
    let (path, named) = path_arg(vm, args, "stat")?;
    match std::fs::metadata(&path) {
        Ok(m) => {
            let kind = if m.is_dir() {
                1
            } else if m.is_file() {
                2
            } else {
                0
            };
            let size = i64::try_from(m.len()).unwrap_or(i64::MAX);
            Ok(Value::tuple(vec![Value::Int(kind), Value::Int(size)]))
        }
        Err(e) => Err(os_error_from_io(vm, &e, Some(named.clone()))),
    }
}

/// `_stat_full(path, follow_symlinks)`: the fields of `os.stat_result`, in its order:
/// mode, ino, dev, nlink, uid, gid, size, then atime, mtime, ctime in nanoseconds, then
/// blksize, blocks, rdev.
fn stat_full(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_stat_full", 2, 2)?;
    let (path, named) = path_arg(vm, args, "stat")?;
    let follow = vm.truthy(&args.pos[1])?;
    let meta = if follow {
        std::fs::metadata(&path)
    } else {
        std::fs::symlink_metadata(&path)
    };
    let m = meta.map_err(|e| os_error_from_io(vm, &e, Some(named.clone())))?;
    Ok(stat_fields(&m))
}

/// `_fstat_full(fd)`: `_stat_full`'s fields for an open file descriptor. Linux's
/// /proc/self/fd/N is a link to the descriptor's open file (even one deleted or renamed
/// since), so its metadata is fstat's without unsafe code; a descriptor not open is
/// EBADF, as fstat reports it.
fn fstat_full(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_fstat_full", 1, 1)?;
    let fd = vm.index_value(&args.pos[0])?;
    let bad_fd = |vm: &mut Vm| {
        let e = std::io::Error::from_raw_os_error(nix::libc::EBADF);
        os_error_from_io(vm, &e, None)
    };
    if i32::try_from(fd).is_err() {
        return Err(overflow_error("Python int too large to convert to C int"));
    }
    if fd < 0 {
        return Err(bad_fd(vm));
    }
    match std::fs::metadata(format!("/proc/self/fd/{fd}")) {
        Ok(m) => Ok(stat_fields(&m)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(bad_fd(vm)),
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

/// The fields of `os.stat_result` from a file's metadata, in its order: mode, ino, dev,
/// nlink, uid, gid, size, then atime, mtime, ctime in nanoseconds, then blksize, blocks,
/// rdev.
fn stat_fields(m: &std::fs::Metadata) -> Value {
    use std::os::unix::fs::MetadataExt;
    let int = |v: u64| Value::Int(i64::try_from(v).unwrap_or(i64::MAX));
    let ns = |secs: i64, nsec: i64| -> Value {
        match secs
            .checked_mul(1_000_000_000)
            .and_then(|s| s.checked_add(nsec))
        {
            Some(n) => Value::Int(n),
            None => Value::from_bigint(num_bigint::BigInt::from(secs) * 1_000_000_000 + nsec),
        }
    };
    Value::tuple(vec![
        int(m.mode() as u64),
        int(m.ino()),
        int(m.dev()),
        int(m.nlink()),
        int(m.uid() as u64),
        int(m.gid() as u64),
        int(m.size()),
        ns(m.atime(), m.atime_nsec()),
        ns(m.mtime(), m.mtime_nsec()),
        ns(m.ctime(), m.ctime_nsec()),
        int(m.blksize()),
        int(m.blocks()),
        int(m.rdev()),
    ])
}

/// `readlink(path)`: the target of a symbolic link.
fn readlink(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("readlink", 1, 1)?;
    let (path, named) = path_arg(vm, args, "readlink")?;
    match std::fs::read_link(&path) {
        Ok(t) => Ok(name_like(&named, &t.to_string_lossy())),
        Err(e) => Err(os_error_from_io(vm, &e, Some(named.clone()))),
    }
}

/// `symlink(src, dst)`: makes `dst` a symbolic link to `src`.
fn symlink(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("symlink", 2, 2)?;
    let (Some(src), Some(dst)) = (fspath_str(vm, &args.pos[0])?, fspath_str(vm, &args.pos[1])?)
    else {
        return Err(type_error("symlink: str paths expected"));
    };
    match std::os::unix::fs::symlink(&src, &dst) {
        Ok(()) => Ok(Value::None),
        Err(e) => Err(os_error_from_io(vm, &e, Some(Value::str(&src)))),
    }
}

/// `chmod(path, mode)`.
fn chmod(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    use std::os::unix::fs::PermissionsExt;
    args.check("chmod", 2, 2)?;
    let (path, named) = path_arg(vm, args, "chmod")?;
    let mode = vm.index_value(&args.pos[1])?;
    let perms = std::fs::Permissions::from_mode((mode & 0o7777) as u32);
    match std::fs::set_permissions(&path, perms) {
        Ok(()) => Ok(Value::None),
        Err(e) => Err(os_error_from_io(vm, &e, Some(named.clone()))),
    }
}

/// `_islink(path)`: whether `path` is a symbolic link (False when it does not exist).
fn islink(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_islink", 1, 1)?;
    let (path, _) = path_arg(vm, args, "islink")?;
    let link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    Ok(Value::Bool(link))
}

/// `listdir(path)`: the names in a directory, in the order the system gives them.
fn listdir(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("listdir", 0, 1)?;
    let (path, named) = if args.pos.is_empty() {
        (".".to_string(), Value::str("."))
    } else {
        path_arg(vm, args, "listdir")?
    };
    let entries = match std::fs::read_dir(&path) {
        Ok(e) => e,
        Err(e) => {
            let name = args.pos.first().cloned().unwrap_or(Value::str("."));
            return Err(os_error_from_io(vm, &e, Some(name)));
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => names.push(name_like(&named, &e.file_name().to_string_lossy())),
            Err(e) => return Err(os_error_from_io(vm, &e, None)),
        }
    }
    Ok(Value::list(names))
}

/// `urandom(size)`: bytes from the kernel's random source.
fn urandom(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    use std::io::Read;
    args.check("urandom", 1, 1)?;
    let n = match &args.pos[0] {
        Value::Int(n) if *n < 0 => {
            return Err(crate::vm::errors::value_error(
                "negative argument not allowed",
            ))
        }
        Value::Int(n) => *n as usize,
        v => {
            return Err(type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(v)
            )))
        }
    };
    let mut buf = vec![0u8; n];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf));
    read.map_err(|e| os_error_from_io(vm, &e, None))?;
    Ok(Value::bytes(buf))
}

/// `_uname()`: the kernel's (sysname, nodename, release, version, machine), the fields
/// of `os.uname_result` (stdlib/os/__init__.aio). The names are bytes in the kernel;
/// undecodable bytes are replaced.
fn uname(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_uname", 0, 0)?;
    let u = rustix::system::uname();
    let fields = [
        u.sysname(),
        u.nodename(),
        u.release(),
        u.version(),
        u.machine(),
    ];
    Ok(Value::tuple(
        fields
            .iter()
            .map(|f| Value::str(&f.to_string_lossy()))
            .collect(),
    ))
}

/// `_glibc_version()`: the version of the GNU C library this process runs with ("2.36"),
/// what `confstr(_CS_GNU_LIBC_VERSION)` reports after "glibc ", or None when the process
/// has no glibc. Read without calling into C (aio keeps `unsafe` to its collector): the
/// library mapped into this process states its version in its banner, "... release
/// version 2.36.", the same VERSION confstr reports.
fn glibc_version(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_glibc_version", 0, 0)?;
    Ok(loaded_glibc_version().map_or(Value::None, |v| Value::str(&v)))
}

fn loaded_glibc_version() -> Option<String> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    let path = maps.lines().find_map(|line| {
        let path = line.split_whitespace().nth(5)?;
        let name = path.rsplit('/').next()?;
        (name.starts_with("libc.so") || name.starts_with("libc-")).then_some(path)
    })?;
    let image = std::fs::read(path).ok()?;
    const MARK: &[u8] = b"release version ";
    let at = memchr::memmem::find(&image, MARK)? + MARK.len();
    let digits = image[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .count();
    let version = std::str::from_utf8(&image[at..at + digits]).ok()?;
    let version = version.trim_end_matches('.');
    (!version.is_empty()).then(|| version.to_string())
}

/// `sendfile(out_fd, in_fd, offset, count)`: bytes copied by the kernel from a file to a
/// socket or file (the VM's descriptors); `offset` None reads from the file position.
fn sendfile(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("sendfile", 4, 4)?;
    let fd = |i: usize| match args.pos.get(i).map(crate::vm::payload::builtin_view) {
        Some(Value::Int(n)) => i32::try_from(*n)
            .map_err(|_| crate::vm::errors::overflow_error("fd is greater than maximum")),
        _ => Err(type_error("an integer is required")),
    };
    let (out_fd, in_fd) = (fd(0)?, fd(1)?);
    let mut offset = match crate::vm::payload::builtin_view(&args.pos[2]) {
        Value::None => None,
        Value::Int(n) => Some(*n),
        _ => return Err(type_error("an integer is required")),
    };
    let count = match crate::vm::payload::builtin_view(&args.pos[3]) {
        Value::Int(n) => usize::try_from(*n).map_err(|_| {
            crate::vm::errors::overflow_error("can't convert negative int to unsigned")
        })?,
        _ => return Err(type_error("an integer is required")),
    };
    let sent = {
        let find = |fd: i32| vm.sockets.borrow_fd(fd).or_else(|| vm.files.borrow_fd(fd));
        match (find(out_fd), find(in_fd)) {
            (Some(out), Some(input)) => Some(
                nix::sys::sendfile::sendfile(out, input, offset.as_mut(), count)
                    .map_err(std::io::Error::from),
            ),
            _ => None,
        }
    };
    let Some(sent) = sent else {
        return Err(crate::obj::methods::exception::os_error(
            vm,
            9,
            "Bad file descriptor",
            None,
        ));
    };
    vm.io_after_write(out_fd, &sent, count);
    match sent {
        Ok(n) => Ok(Value::Int(n as i64)),
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("urandom", urandom),
        ("_environ", environ),
        ("_putenv", putenv),
        ("_unsetenv", unsetenv),
        ("getcwd", getcwd),
        ("chdir", chdir),
        ("strerror", strerror),
        ("_exit", exit_now),
        ("system", system),
        ("getpid", getpid),
        ("getppid", getppid),
        ("cpu_count", cpu_count),
        ("kill", kill),
        ("_stat", stat),
        ("_islink", islink),
        ("_stat_full", stat_full),
        ("_fstat_full", fstat_full),
        ("readlink", readlink),
        ("symlink", symlink),
        ("chmod", chmod),
        ("listdir", listdir),
        ("_uname", uname),
        ("_glibc_version", glibc_version),
        ("sendfile", sendfile),
        ("access", super::os_perms::access),
        ("umask", super::os_perms::umask),
        ("utime", super::os_perms::utime),
    ];
    super::sys::new_module(vm, "_os", funcs);
}
