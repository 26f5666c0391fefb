//! `_select`: the system calls under stdlib/select.aio — select(2), poll(2) and epoll(7)
//! on descriptors, which the aio side has already converted from objects (`fileno()`) and
//! checked with CPython's messages.
//!
//! A descriptor is polled through the object that owns it in the VM (a file, a socket, a
//! child's pipe, an epoll object, the standard streams), so it cannot be closed under the
//! call. One that no longer exists is reported as the kernel would (EBADF for select,
//! POLLNVAL for poll); an open descriptor aio did not make raises NotImplementedError.
//!
//! Waiting is a plain blocking call in the calling code, as in CPython: interrupted by a
//! signal it runs the signal handlers (Ctrl-C raises KeyboardInterrupt there) and goes on
//! with the time that is left (PEP 475). While VM threads are parked it waits in slices
//! and lets the ones that are due run, as `time.sleep` does.

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::exception::{os_error, os_error_from_io};
use crate::obj::Obj;
use crate::vm::errors::{not_implemented, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags};
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags};
use nix::sys::select::FdSet;
use nix::sys::time::TimeVal;
use std::collections::HashMap;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::time::{Duration, Instant};

/// The epoll instances of `select.epoll` objects, by descriptor, and handles on the
/// standard streams (descriptors 0-2) to poll them by.
pub struct SelectState {
    epolls: HashMap<i32, Epoll>,
    stdin: std::io::Stdin,
    stdout: std::io::Stdout,
    stderr: std::io::Stderr,
}

impl SelectState {
    /// Whether descriptor `fd` is one of the epoll objects.
    pub fn owns(&self, fd: i32) -> bool {
        self.epolls.contains_key(&fd)
    }

    /// Closes descriptor `fd` if it is one of the epoll objects (`os.close`).
    pub fn close(&mut self, fd: i32) {
        drop(self.epolls.remove(&fd));
    }
}

impl Default for SelectState {
    fn default() -> SelectState {
        SelectState {
            epolls: HashMap::new(),
            stdin: std::io::stdin(),
            stdout: std::io::stdout(),
            stderr: std::io::stderr(),
        }
    }
}

/// select(2) handles descriptors below this only (glibc's FD_SETSIZE).
const FD_SETSIZE: i32 = 1024;
/// The longest single wait while VM threads are parked (as `time.sleep`'s).
const WAIT_SLICE: Duration = Duration::from_millis(20);
const EBADF: i32 = 9;
const POLLNVAL: i64 = 0x20;
/// Linux refuses more events than this in one epoll_wait (EINVAL).
const EPOLL_MAX_EVENTS: usize = i32::MAX as usize / 12;
/// The most events one `epoll.poll()` call collects.
const EVENTS_BUFFER: usize = 1 << 16;

/// What a descriptor number refers to, for polling.
enum Lookup<'a> {
    Owned(BorrowedFd<'a>),
    /// Closed (or never opened): the kernel's EBADF / POLLNVAL.
    Closed,
    /// Open, but not by aio (inherited, or internal to the VM).
    Foreign,
}

impl Vm {
    /// The VM's own handle on descriptor `fd`, if it has one.
    pub(crate) fn borrow_fd(&self, fd: i32) -> Option<BorrowedFd<'_>> {
        if let Some(b) = self.files.borrow_fd(fd) {
            return Some(b);
        }
        if let Some(b) = self.sockets.borrow_fd(fd) {
            return Some(b);
        }
        if let Some(b) = self.processes.borrow_fd(fd) {
            return Some(b);
        }
        if let Some(e) = self.select.epolls.get(&fd) {
            return Some(e.0.as_fd());
        }
        match fd {
            0 => Some(self.select.stdin.as_fd()),
            1 => Some(self.select.stdout.as_fd()),
            2 => Some(self.select.stderr.as_fd()),
            _ => None,
        }
    }

    fn lookup_fd(&self, fd: i32) -> Lookup<'_> {
        match self.borrow_fd(fd) {
            Some(b) => Lookup::Owned(b),
            None if std::fs::symlink_metadata(format!("/proc/self/fd/{fd}")).is_ok() => {
                Lookup::Foreign
            }
            None => Lookup::Closed,
        }
    }
}

fn foreign(fd: i32) -> crate::vm::errors::ExcRef {
    not_implemented(format!(
        "select: descriptor {fd} was not opened by aio (aio polls only its own files, sockets and pipes)"
    ))
}

fn errno_error(vm: &mut Vm, e: Errno) -> crate::vm::errors::ExcRef {
    os_error_from_io(vm, &std::io::Error::from_raw_os_error(e as i32), None)
}

fn bad_fd(vm: &mut Vm) -> crate::vm::errors::ExcRef {
    os_error(vm, EBADF, "Bad file descriptor", None)
}

/// The items of a list or tuple argument.
fn items(v: &Value) -> PyResult<Vec<Value>> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::List(l) => Ok(l.borrow().clone()),
            Obj::Tuple(t) => Ok(t.to_vec()),
            _ => Err(type_error("a list of descriptors is required")),
        },
        _ => Err(type_error("a list of descriptors is required")),
    }
}

fn int(v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(n) => Ok(*n),
        Value::Bool(b) => Ok(i64::from(*b)),
        _ => Err(type_error("an integer is required")),
    }
}

fn fd_of(v: &Value) -> PyResult<i32> {
    i32::try_from(int(v)?).map_err(|_| value_error("bad descriptor"))
}

fn fd_list(v: &Value) -> PyResult<Vec<i32>> {
    items(v)?.iter().map(fd_of).collect()
}

/// A timeout in nanoseconds (None: for ever) as the moment it ends.
fn deadline_of(v: &Value) -> PyResult<Option<Instant>> {
    if matches!(v, Value::None) {
        return Ok(None);
    }
    let ns = u64::try_from(int(v)?).map_err(|_| value_error("timeout must be non-negative"))?;
    // Past what the clock can hold: for ever, in practice.
    Ok(Instant::now().checked_add(Duration::from_nanos(ns)))
}

/// Runs `attempt` — one system call waiting at most the given time (None: for ever) that
/// returns what it found, or None when nothing was ready or a signal interrupted it — until
/// it finds something or the deadline passes (then None). Between attempts the signal
/// handlers run and due VM threads get the CPU.
fn wait_for<T>(
    vm: &mut Vm,
    deadline: Option<Instant>,
    mut attempt: impl FnMut(&mut Vm, Option<Duration>) -> PyResult<Option<T>>,
) -> PyResult<Option<T>> {
    if deadline.is_none_or(|d| d > Instant::now()) {
        // What was printed shows before the program blocks, as time.sleep does.
        crate::obj::methods::stream::flush_std_streams(vm).ok();
    }
    loop {
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        let slice = match (vm.vthread_next_wake_in(), left) {
            (Some(job), _) if job.is_zero() => {
                vm.vthreads_run_due(true);
                continue;
            }
            (Some(job), Some(left)) => Some(job.min(left).min(WAIT_SLICE)),
            (Some(job), None) => Some(job.min(WAIT_SLICE)),
            (None, left) => left,
        };
        let start = Instant::now();
        if let Some(found) = attempt(vm, slice)? {
            return Ok(Some(found));
        }
        if vm.aio.vthreads.any_parked() {
            vm.vthreads_time_passed(start.elapsed());
        }
        if vm.interrupt_pending() {
            vm.check_signals()?;
        }
        if left.is_some_and(|l| l.is_zero()) {
            return Ok(None);
        }
        if deadline.is_some_and(|d| d <= Instant::now()) {
            // The last slice ran to the deadline.
            return Ok(None);
        }
    }
}

/// A wait as poll(2)'s and epoll_wait(2)'s milliseconds, rounded up (None: for ever).
fn poll_timeout(wait: Option<Duration>) -> nix::poll::PollTimeout {
    match wait {
        None => nix::poll::PollTimeout::NONE,
        Some(d) => {
            let ms = d.as_nanos().div_ceil(1_000_000);
            nix::poll::PollTimeout::try_from(ms).unwrap_or(nix::poll::PollTimeout::MAX)
        }
    }
}

/// `select(rfds, wfds, xfds, timeout_ns)`: the ready descriptors of each list.
fn select(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("select", 4, 4)?;
    let lists = [
        fd_list(&args.pos[0])?,
        fd_list(&args.pos[1])?,
        fd_list(&args.pos[2])?,
    ];
    let deadline = deadline_of(&args.pos[3])?;
    for &fd in lists.iter().flatten() {
        if !(0..FD_SETSIZE).contains(&fd) {
            return Err(value_error("filedescriptor out of range in select()"));
        }
    }
    let found = wait_for(vm, deadline, |vm, wait| {
        let mut sets = [FdSet::new(), FdSet::new(), FdSet::new()];
        for (set, fds) in sets.iter_mut().zip(&lists) {
            for &fd in fds {
                match vm.lookup_fd(fd) {
                    Lookup::Owned(b) => set.insert(b),
                    Lookup::Closed => return Ok(Some(Err(Errno::EBADF))),
                    Lookup::Foreign => return Ok(Some(Err(Errno::ENOTSUP))),
                }
            }
        }
        let mut tv = wait.map(|d| {
            let us = d.as_nanos().div_ceil(1000);
            let secs = i64::try_from(us / 1_000_000).unwrap_or(i64::MAX);
            TimeVal::new(secs, (us % 1_000_000) as _)
        });
        let [r, w, x] = &mut sets;
        match nix::sys::select::select(None, r, w, x, tv.as_mut()) {
            Ok(0) | Err(Errno::EINTR) => Ok(None),
            Ok(_) => Ok(Some(Ok(sets
                .iter()
                .zip(&lists)
                .map(|(set, fds)| {
                    fds.iter()
                        .filter(|&&fd| vm.borrow_fd(fd).is_some_and(|b| set.contains(b)))
                        .map(|&fd| Value::Int(i64::from(fd)))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()))),
            Err(e) => Ok(Some(Err(e))),
        }
    })?;
    let ready = match found {
        None => vec![Vec::new(), Vec::new(), Vec::new()],
        Some(Ok(v)) => v,
        Some(Err(Errno::ENOTSUP)) => {
            let fd = lists
                .iter()
                .flatten()
                .copied()
                .find(|&fd| matches!(vm.lookup_fd(fd), Lookup::Foreign))
                .unwrap_or(-1);
            return Err(foreign(fd));
        }
        Some(Err(Errno::EBADF)) => return Err(bad_fd(vm)),
        Some(Err(e)) => return Err(errno_error(vm, e)),
    };
    Ok(Value::tuple(ready.into_iter().map(Value::list).collect()))
}

/// `poll(pairs, timeout_ms)`: poll(2) on `[(fd, events)]` for at most `timeout_ms`
/// milliseconds (None: for ever); the `(fd, revents)` pairs with events.
fn poll(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("poll", 2, 2)?;
    let mut pairs = Vec::new();
    for p in items(&args.pos[0])? {
        let pair = items(&p)?;
        let (Some(fd), Some(events)) = (pair.first(), pair.get(1)) else {
            return Err(type_error("an (fd, events) pair is required"));
        };
        // An unsigned short mask (select.aio checked its range).
        let events = int(events)? as u16 as i16;
        pairs.push((fd_of(fd)?, events));
    }
    let deadline = match &args.pos[1] {
        Value::None => None,
        ms => {
            let ms = int(ms)?;
            let d = Duration::from_millis(u64::try_from(ms).unwrap_or(0));
            Some(Instant::now() + d)
        }
    };
    let found = wait_for(vm, deadline, |vm, wait| {
        // Descriptors aio does not hold: closed ones get POLLNVAL as from the kernel.
        let mut revents: Vec<i64> = vec![0; pairs.len()];
        let mut polled = Vec::new();
        let mut fds = Vec::new();
        for (i, &(fd, events)) in pairs.iter().enumerate() {
            match vm.lookup_fd(fd) {
                Lookup::Owned(b) => {
                    polled.push(i);
                    fds.push(PollFd::new(b, PollFlags::from_bits_retain(events)));
                }
                Lookup::Closed => revents[i] = POLLNVAL,
                Lookup::Foreign => return Ok(Some(Err(fd))),
            }
        }
        let invalid = revents.iter().any(|&r| r != 0);
        let wait = if invalid { Some(Duration::ZERO) } else { wait };
        let n = match nix::poll::poll(&mut fds, poll_timeout(wait)) {
            Ok(n) => n,
            Err(Errno::EINTR) => 0,
            Err(e) => return Ok(Some(Ok(Err(e)))),
        };
        if n == 0 && !invalid {
            return Ok(None);
        }
        for (&i, pfd) in polled.iter().zip(&fds) {
            revents[i] = pfd.revents().map_or(0, |r| i64::from(r.bits() as u16));
        }
        let out: Vec<Value> = pairs
            .iter()
            .zip(&revents)
            .filter(|(_, &r)| r != 0)
            .map(|(&(fd, _), &r)| Value::tuple(vec![Value::Int(i64::from(fd)), Value::Int(r)]))
            .collect();
        Ok(Some(Ok(Ok(out))))
    })?;
    match found {
        None => Ok(Value::list(Vec::new())),
        Some(Ok(Ok(out))) => Ok(Value::list(out)),
        Some(Ok(Err(e))) => Err(errno_error(vm, e)),
        Some(Err(fd)) => Err(foreign(fd)),
    }
}

/// `epoll_create(cloexec)`: a new epoll descriptor.
fn epoll_create(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("epoll_create", 0, 0)?;
    match Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC) {
        Ok(ep) => {
            let fd = ep.0.as_raw_fd();
            vm.select.epolls.insert(fd, ep);
            Ok(Value::Int(i64::from(fd)))
        }
        Err(e) => Err(errno_error(vm, e)),
    }
}

/// `epoll_adopt(fd)`: whether `fd` may back an epoll object (`epoll.fromfd`): one of
/// aio's epoll descriptors, or a closed one (its operations then fail with EBADF).
fn epoll_adopt(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("epoll_adopt", 1, 1)?;
    let fd = fd_of(&args.pos[0])?;
    if vm.select.epolls.contains_key(&fd) {
        return Ok(Value::None);
    }
    match vm.lookup_fd(fd) {
        Lookup::Closed => Ok(Value::None),
        _ => Err(not_implemented(format!(
            "select.epoll.fromfd: descriptor {fd} is not an epoll object aio made"
        ))),
    }
}

/// `epoll_close(fd)`.
fn epoll_close(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("epoll_close", 1, 1)?;
    let fd = fd_of(&args.pos[0])?;
    drop(vm.select.epolls.remove(&fd));
    Ok(Value::None)
}

/// `epoll_ctl(epfd, op, fd, events)` with op 1 (add), 2 (delete) or 3 (modify).
fn epoll_ctl(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("epoll_ctl", 4, 4)?;
    let epfd = fd_of(&args.pos[0])?;
    let op = int(&args.pos[1])?;
    let fd = fd_of(&args.pos[2])?;
    // A mask: CPython keeps its low 32 bits.
    let events = int(&args.pos[3])? as u32 as i32;
    let result = {
        let Some(ep) = vm.select.epolls.get(&epfd) else {
            return Err(bad_fd(vm));
        };
        let target = match vm.lookup_fd(fd) {
            Lookup::Owned(b) => b,
            Lookup::Closed => return Err(bad_fd(vm)),
            Lookup::Foreign => return Err(foreign(fd)),
        };
        let event = EpollEvent::new(EpollFlags::from_bits_retain(events), fd as u32 as u64);
        match op {
            1 => ep.add(target, event),
            2 => ep.delete(target),
            _ => {
                let mut event = event;
                ep.modify(target, &mut event)
            }
        }
    };
    result.map_err(|e| errno_error(vm, e))?;
    Ok(Value::None)
}

/// `epoll_wait(epfd, timeout_ms, maxevents)`: the `(fd, events)` pairs (timeout -1: for
/// ever).
fn epoll_wait(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("epoll_wait", 3, 3)?;
    let epfd = fd_of(&args.pos[0])?;
    let ms = int(&args.pos[1])?;
    let max = usize::try_from(int(&args.pos[2])?).unwrap_or(1).max(1);
    if !vm.select.epolls.contains_key(&epfd) {
        return Err(bad_fd(vm));
    }
    if max > EPOLL_MAX_EVENTS {
        return Err(errno_error(vm, Errno::EINVAL));
    }
    // More events than this cannot be ready at once in practice (each is an open file).
    let max = max.min(EVENTS_BUFFER);
    let deadline = (ms >= 0).then(|| Instant::now() + Duration::from_millis(ms.unsigned_abs()));
    let found = wait_for(vm, deadline, |vm, wait| {
        let Some(ep) = vm.select.epolls.get(&epfd) else {
            return Ok(Some(Err(Errno::EBADF)));
        };
        let mut events = vec![EpollEvent::empty(); max];
        match ep.wait(&mut events, poll_timeout(wait)) {
            Ok(0) | Err(Errno::EINTR) => Ok(None),
            Ok(n) => Ok(Some(Ok(events
                .iter()
                .take(n)
                .map(|e| {
                    Value::tuple(vec![
                        Value::Int(i64::from(e.data() as u32 as i32)),
                        Value::Int(i64::from(e.events().bits() as u32)),
                    ])
                })
                .collect::<Vec<_>>()))),
            Err(e) => Ok(Some(Err(e))),
        }
    })?;
    match found {
        None => Ok(Value::list(Vec::new())),
        Some(Ok(out)) => Ok(Value::list(out)),
        Some(Err(e)) => Err(errno_error(vm, e)),
    }
}

/// `in_thread()`: whether aio code runs in a thread other than the main one (a VM thread,
/// which must not block the others in the kernel).
fn in_thread(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("in_thread", 0, 0)?;
    Ok(Value::Bool(vm.aio.vthreads.depth > 0))
}

/// `others_may_run()`: whether a thread other than the running one could need the CPU
/// while this one waits (it runs in a VM thread, or VM threads are parked): a blocking
/// call must then wait through a poll that lets them run, not in the kernel.
fn others_may_run(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("others_may_run", 0, 0)?;
    let threads = &vm.aio.vthreads;
    Ok(Value::Bool(threads.depth > 0 || threads.any_parked()))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("in_thread", in_thread),
        ("others_may_run", others_may_run),
        ("select", select),
        ("poll", poll),
        ("epoll_create", epoll_create),
        ("epoll_adopt", epoll_adopt),
        ("epoll_close", epoll_close),
        ("epoll_ctl", epoll_ctl),
        ("epoll_wait", epoll_wait),
    ];
    super::sys::new_module(vm, "_select", funcs);
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn module_fn(vm: &mut Vm, name: &str) -> Value {
        let m = match &*vm.modules {
            Obj::Dict(d) => {
                crate::vm::dictops::get_str(&d.borrow(), &Value::str("_select")).unwrap()
            }
            _ => panic!("sys.modules is a dict"),
        };
        vm.get_attr_str(&m, name).unwrap()
    }

    #[test]
    fn limits_raise_instead_of_overflowing() {
        let mut vm = Vm::new();
        let select = module_fn(&mut vm, "select");
        let list = |fd: i64| Value::list(vec![Value::Int(fd)]);
        let empty = || Value::list(Vec::new());
        // FD_SETSIZE: an fd_set cannot hold the descriptor.
        let e = vm
            .call(
                &select,
                &[list(i64::from(FD_SETSIZE)), empty(), empty(), Value::Int(0)],
            )
            .unwrap_err();
        assert_eq!(
            vm.to_str(&e.value()).unwrap(),
            "filedescriptor out of range in select()"
        );
        // EPOLL_MAX_EVENTS: the kernel's EINVAL, without a buffer that large.
        let create = module_fn(&mut vm, "epoll_create");
        let epfd = vm.call(&create, &[]).unwrap();
        let wait = module_fn(&mut vm, "epoll_wait");
        let too_many = Value::Int(EPOLL_MAX_EVENTS as i64 + 1);
        let e = vm
            .call(&wait, &[epfd.clone(), Value::Int(0), too_many])
            .unwrap_err();
        assert_eq!(
            vm.to_str(&e.value()).unwrap(),
            "[Errno 22] Invalid argument"
        );
        // EVENTS_BUFFER: more events than it holds may be asked for.
        let many = Value::Int(EVENTS_BUFFER as i64 + 1);
        let r = vm.call(&wait, &[epfd, Value::Int(0), many]).unwrap();
        assert_eq!(vm.repr(&r).unwrap(), "[]");
    }
}
