//! `_socket`: the system calls of stdlib/socket.aio's `socket` class, on descriptors the
//! VM owns (`Sockets`, built on socket2). Failures are the OSError subclass of their
//! errno, as in CPython; an operation that would block on a non-blocking socket raises
//! BlockingIOError and tells the event loop the descriptor is no longer ready
//! (`Vm::io_not_ready`; `Vm::io_drained` after a short read), which is what keeps
//! `crate::eventloop::io` level-triggered.

use crate::eventloop::io::Side;
use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::obj::methods::exception::{os_error, os_error_from_io};
use crate::obj::Obj;
use crate::vm::errors::{overflow_error, type_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use rustc_hash::FxHashMap;
use socket2::{Domain, Protocol, SockAddr, Socket, Type};
use std::io::ErrorKind;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};

/// The sockets of the VM, by descriptor: a socket is closed when it leaves the table.
#[derive(Default)]
pub struct Sockets {
    open: FxHashMap<i32, Open>,
    /// `socket.gaierror`, once socket.aio registered it.
    gaierror: Option<crate::vm::value::ObjRef>,
}

impl Sockets {
    /// Descriptor `fd` while it is open here, for a system call of another module
    /// (`select`, `os.sendfile`).
    pub fn borrow_fd(&self, fd: i32) -> Option<std::os::fd::BorrowedFd<'_>> {
        use std::os::fd::AsFd;
        self.open.get(&fd).map(|o| o.socket.as_fd())
    }

    /// Closes descriptor `fd` if it is one of the sockets (`os.close`); whether it was.
    pub fn close(&mut self, fd: i32) -> bool {
        self.open.remove(&fd).is_some()
    }
}

struct Open {
    socket: Socket,
    /// SOCK_STREAM: a short read means the kernel's buffer is empty.
    stream: bool,
}

// Linux's values, which are CPython's constants there.
const AF_UNIX: i64 = 1;
const AF_INET: i64 = 2;
const AF_INET6: i64 = 10;
const SOCK_STREAM: i64 = 1;
const SOCK_DGRAM: i64 = 2;
pub(super) const SOL_SOCKET: i64 = 1;
pub(super) const SO_REUSEADDR: i64 = 2;
pub(super) const SO_ERROR: i64 = 4;
pub(super) const SO_SNDBUF: i64 = 7;
pub(super) const SO_RCVBUF: i64 = 8;
pub(super) const SO_KEEPALIVE: i64 = 9;
pub(super) const SO_REUSEPORT: i64 = 15;
pub(super) const SO_BROADCAST: i64 = 6;
pub(super) const SO_LINGER: i64 = 13;
pub(super) const SO_TYPE: i64 = 3;
pub(super) const IPPROTO_IP: i64 = 0;
pub(super) const IP_TOS: i64 = 1;
pub(super) const IP_TTL: i64 = 2;
pub(super) const IPPROTO_TCP: i64 = 6;
pub(super) const TCP_NODELAY: i64 = 1;
pub(super) const IPPROTO_IPV6: i64 = 41;
pub(super) const IPV6_V6ONLY: i64 = 26;
const EBADF: i32 = 9;
const EISCONN: i32 = 106;
const EAFNOSUPPORT: i32 = 97;

/// The module's constants, for socket.aio.
const CONSTANTS: &[(&str, i64)] = &[
    ("AF_UNIX", AF_UNIX),
    ("AF_INET", AF_INET),
    ("AF_INET6", AF_INET6),
    ("AF_UNSPEC", 0),
    ("SOCK_STREAM", SOCK_STREAM),
    ("SOCK_DGRAM", SOCK_DGRAM),
    ("SOL_SOCKET", SOL_SOCKET),
    ("SO_REUSEADDR", SO_REUSEADDR),
    ("SO_ERROR", SO_ERROR),
    ("SO_SNDBUF", SO_SNDBUF),
    ("SO_RCVBUF", SO_RCVBUF),
    ("SO_KEEPALIVE", SO_KEEPALIVE),
    ("SO_REUSEPORT", SO_REUSEPORT),
    ("SO_BROADCAST", SO_BROADCAST),
    ("SO_LINGER", SO_LINGER),
    ("SO_TYPE", SO_TYPE),
    ("IPPROTO_IP", IPPROTO_IP),
    ("IP_TOS", IP_TOS),
    ("IP_TTL", IP_TTL),
    ("IPPROTO_TCP", IPPROTO_TCP),
    ("IPPROTO_UDP", 17),
    ("TCP_NODELAY", TCP_NODELAY),
    ("IPPROTO_IPV6", IPPROTO_IPV6),
    ("IPV6_V6ONLY", IPV6_V6ONLY),
    ("SHUT_RD", 0),
    ("SHUT_WR", 1),
    ("SHUT_RDWR", 2),
    ("AI_PASSIVE", 1),
    ("AI_CANONNAME", 2),
    ("AI_NUMERICHOST", 4),
    ("AI_V4MAPPED", 8),
    ("AI_ALL", 16),
    ("AI_ADDRCONFIG", 32),
    ("AI_NUMERICSERV", 1024),
    ("NI_NUMERICHOST", 1),
    ("NI_NUMERICSERV", 2),
    ("NI_NOFQDN", 4),
    ("NI_NAMEREQD", 8),
    ("NI_DGRAM", 16),
    ("NI_MAXHOST", 1025),
    ("NI_MAXSERV", 32),
    ("SOMAXCONN", 4096),
];

/// Positional `i` as an int (an int subclass such as `AddressFamily` too).
pub(super) fn int_arg(args: &Args, i: usize, what: &str) -> PyResult<i64> {
    let v = args.pos.get(i).map(crate::vm::payload::builtin_view);
    match v.and_then(crate::obj::number::as_int) {
        Some(crate::obj::number::IntRef::Small(n)) => Ok(n),
        Some(_) => Err(overflow_error(format!(
            "{what}: Python int too large to convert"
        ))),
        None => Err(type_error(format!("{what}: an integer is required"))),
    }
}

pub(super) fn fd_arg(args: &Args) -> PyResult<i32> {
    let fd = int_arg(args, 0, "descriptor")?;
    i32::try_from(fd).map_err(|_| overflow_error("descriptor out of range"))
}

/// The error of an operation on descriptor `fd`; one that would block is the loop's news.
fn failed(vm: &mut Vm, fd: i32, side: Side, e: &std::io::Error) -> crate::vm::errors::ExcRef {
    if e.kind() == ErrorKind::WouldBlock || e.raw_os_error() == Some(115) {
        vm.io_not_ready(fd, side);
    }
    os_error_from_io(vm, e, None)
}

fn bad_fd(vm: &mut Vm) -> crate::vm::errors::ExcRef {
    os_error(vm, EBADF, "Bad file descriptor", None)
}

/// Runs `f` on the socket of descriptor `fd`.
pub(super) fn with<R>(vm: &mut Vm, fd: i32, f: impl FnOnce(&Socket) -> R) -> PyResult<R> {
    match vm.sockets.open.get(&fd) {
        Some(s) => Ok(f(&s.socket)),
        None => Err(bad_fd(vm)),
    }
}

fn domain(vm: &mut Vm, family: i64) -> PyResult<Domain> {
    match family {
        AF_INET => Ok(Domain::IPV4),
        AF_INET6 => Ok(Domain::IPV6),
        AF_UNIX => Ok(Domain::UNIX),
        _ => Err(os_error(
            vm,
            EAFNOSUPPORT,
            "Address family not supported by protocol",
            None,
        )),
    }
}

/// Takes ownership of a new socket.
fn adopt(vm: &mut Vm, socket: Socket, stream: bool) -> i32 {
    use std::os::fd::AsRawFd;
    let fd = socket.as_raw_fd();
    vm.sockets.open.insert(fd, Open { socket, stream });
    fd
}

/// `socket(family, type, proto)`: a new descriptor.
fn socket(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("socket", 3, 3)?;
    let family = int_arg(args, 0, "family")?;
    let kind = int_arg(args, 1, "type")?;
    let proto = int_arg(args, 2, "proto")?;
    let d = domain(vm, family)?;
    let t = Type::from(i32::try_from(kind).map_err(|_| overflow_error("type out of range"))?);
    let p = (proto != 0)
        .then(|| i32::try_from(proto).ok().map(Protocol::from))
        .flatten();
    match Socket::new(d, t, p) {
        Ok(s) => Ok(Value::Int(i64::from(adopt(vm, s, kind == SOCK_STREAM)))),
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

/// `socketpair(family, type, proto)`: two connected descriptors.
fn socketpair(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("socketpair", 3, 3)?;
    let family = int_arg(args, 0, "family")?;
    let kind = int_arg(args, 1, "type")?;
    let d = domain(vm, family)?;
    let t = Type::from(i32::try_from(kind).map_err(|_| overflow_error("type out of range"))?);
    match Socket::pair(d, t, None) {
        Ok((a, b)) => {
            let stream = kind == SOCK_STREAM;
            let (a, b) = (adopt(vm, a, stream), adopt(vm, b, stream));
            Ok(Value::tuple(vec![
                Value::Int(i64::from(a)),
                Value::Int(i64::from(b)),
            ]))
        }
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

/// `close(fd)`: the loops stop watching it, then it is closed. Closing twice is fine.
fn close(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("close", 1, 1)?;
    let fd = fd_arg(args)?;
    vm.io_forget(fd);
    drop(vm.sockets.open.remove(&fd));
    Ok(Value::None)
}

fn setblocking(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("setblocking", 2, 2)?;
    let fd = fd_arg(args)?;
    let blocking = vm.truthy(&args.pos[1])?;
    with(vm, fd, |s| s.set_nonblocking(!blocking))?.map_err(|e| os_error_from_io(vm, &e, None))?;
    Ok(Value::None)
}

/// A socket address from Python's form: `(host, port)` for AF_INET, `(host, port[,
/// flowinfo, scope_id])` for AF_INET6, a path for AF_UNIX.
fn sockaddr(vm: &mut Vm, family: i64, addr: &Value, func: &str) -> PyResult<SockAddr> {
    if family == AF_UNIX {
        let Some(path) = addr.as_str() else {
            return Err(type_error(format!(
                "a bytes-like object is required, not '{}'",
                vm.type_name(addr)
            )));
        };
        return SockAddr::unix(path).map_err(|e| os_error_from_io(vm, &e, None));
    }
    let fam = if family == AF_INET6 {
        "AF_INET6"
    } else {
        "AF_INET"
    };
    let items = match addr {
        Value::Obj(o) => match &**o {
            Obj::Tuple(t) => Some(t.to_vec()),
            _ => None,
        },
        _ => None,
    };
    let Some(items) = items else {
        return Err(type_error(format!(
            "{func}(): {fam} address must be tuple, not {}",
            vm.type_name(addr)
        )));
    };
    let fits = match family {
        AF_INET6 => (2..=4).contains(&items.len()),
        _ => items.len() == 2,
    };
    let (Some(host), Some(port), true) = (items.first(), items.get(1), fits) else {
        return Err(type_error(match family {
            AF_INET6 => "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])",
            _ => "AF_INET address must be a pair (host, port)",
        }));
    };
    let Some(host) = host.as_str() else {
        return Err(type_error(format!(
            "str, bytes or bytearray expected, not {}",
            vm.type_name(host)
        )));
    };
    let port = match port {
        Value::Int(p) if (0..=65535).contains(p) => *p as u16,
        Value::Int(_) => return Err(overflow_error(format!("{func}(): port must be 0-65535."))),
        other => {
            return Err(type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(other)
            )))
        }
    };
    let ip = resolve(vm, host, port, family)?;
    Ok(SockAddr::from(SocketAddr::new(ip, port)))
}

/// The address `host` names in `family` (`''` is any address, as in CPython).
fn resolve(vm: &mut Vm, host: &str, port: u16, family: i64) -> PyResult<IpAddr> {
    let v6 = family == AF_INET6;
    match host {
        "" if v6 => return Ok(IpAddr::V6(Ipv6Addr::UNSPECIFIED)),
        "" => return Ok(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
        "<broadcast>" if !v6 => return Ok(IpAddr::V4(Ipv4Addr::BROADCAST)),
        _ => {}
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(ip);
    }
    let found = (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addrs| addrs.find(|a| a.is_ipv6() == v6));
    match found {
        Some(a) => Ok(a.ip()),
        None => Err(gaierror(vm, -2, "Name or service not known")),
    }
}

/// socket.gaierror (defined by socket.aio, which registers it), else OSError.
fn gaierror(vm: &mut Vm, code: i64, msg: &str) -> crate::vm::errors::ExcRef {
    let class = vm.sockets.gaierror.clone();
    match class {
        Some(cls) => crate::vm::errors::new_exception(
            cls,
            Value::tuple(vec![Value::Int(code), Value::str(msg)]),
        ),
        None => os_error(vm, code as i32, msg, None),
    }
}

/// Python's form of a socket address.
fn address_value(addr: &SockAddr) -> Value {
    match addr.as_socket() {
        Some(SocketAddr::V4(a)) => Value::tuple(vec![
            Value::string(a.ip().to_string()),
            Value::Int(i64::from(a.port())),
        ]),
        Some(SocketAddr::V6(a)) => Value::tuple(vec![
            Value::string(a.ip().to_string()),
            Value::Int(i64::from(a.port())),
            Value::Int(i64::from(a.flowinfo())),
            Value::Int(i64::from(a.scope_id())),
        ]),
        None => match (addr.as_pathname(), addr.as_abstract_namespace()) {
            (Some(p), _) => Value::string(p.to_string_lossy().into_owned()),
            // An abstract name is bytes with its leading NUL, as CPython gives it.
            (None, Some(name)) => Value::bytes([&[0u8][..], name].concat()),
            (None, None) => Value::str(""),
        },
    }
}

/// `bind(fd, family, address)`
fn bind(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("bind", 3, 3)?;
    let (fd, family) = (fd_arg(args)?, int_arg(args, 1, "family")?);
    let addr = sockaddr(vm, family, &args.pos[2], "bind")?;
    with(vm, fd, |s| s.bind(&addr))?.map_err(|e| os_error_from_io(vm, &e, None))?;
    Ok(Value::None)
}

fn listen(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("listen", 2, 2)?;
    let fd = fd_arg(args)?;
    let backlog = int_arg(args, 1, "backlog")?.clamp(0, i64::from(i32::MAX)) as i32;
    with(vm, fd, |s| s.listen(backlog))?.map_err(|e| os_error_from_io(vm, &e, None))?;
    Ok(Value::None)
}

/// `connect(fd, family, address)`; on a non-blocking socket, BlockingIOError (EINPROGRESS)
/// while the connection is under way.
fn connect(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("connect", 3, 3)?;
    let (fd, family) = (fd_arg(args)?, int_arg(args, 1, "family")?);
    let addr = sockaddr(vm, family, &args.pos[2], "connect")?;
    match with(vm, fd, |s| s.connect(&addr))? {
        Ok(()) => Ok(Value::None),
        Err(e) => Err(failed(vm, fd, Side::Write, &e)),
    }
}

/// `connect_result(fd)`: after a connection under way became writable, its outcome
/// (SO_ERROR) as the OSError of that errno, as CPython's sock_connect_impl.
fn connect_result(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("connect_result", 1, 1)?;
    let fd = fd_arg(args)?;
    match with(vm, fd, |s| s.take_error())? {
        Ok(None) => Ok(Value::None),
        Ok(Some(e)) if e.raw_os_error() == Some(EISCONN) => Ok(Value::None),
        Ok(Some(e)) | Err(e) => Err(failed(vm, fd, Side::Write, &e)),
    }
}

/// `accept(fd)`: `(new_fd, address)`.
fn accept(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("accept", 1, 1)?;
    let fd = fd_arg(args)?;
    match with(vm, fd, |s| s.accept())? {
        Ok((s, addr)) => {
            let new = adopt(vm, s, true);
            Ok(Value::tuple(vec![
                Value::Int(i64::from(new)),
                address_value(&addr),
            ]))
        }
        Err(e) => Err(failed(vm, fd, Side::Read, &e)),
    }
}

/// `recv(fd, bufsize)`: the bytes read (empty at end of stream).
fn recv(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("recv", 2, 2)?;
    let fd = fd_arg(args)?;
    let n = int_arg(args, 1, "bufsize")?;
    if n < 0 {
        return Err(crate::vm::errors::value_error(
            "negative buffersize in recv",
        ));
    }
    let want = n.min(1 << 26) as usize;
    let mut scratch = std::mem::take(&mut vm.read_scratch);
    let got = with(vm, fd, |mut s| scratch.read(want, |buf| s.read(buf)));
    vm.read_scratch = scratch;
    let (got, data) = got?;
    let stream = vm.sockets.open.get(&fd).is_some_and(|s| s.stream);
    vm.io_after_read(fd, &got, want, stream);
    match got {
        Ok(_) => Ok(Value::bytes(data)),
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

/// `send(fd, data)`: how many bytes went.
fn send(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("send", 2, 2)?;
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
    let sent = with(vm, fd, |s| s.send(&data))?;
    vm.io_after_write(fd, &sent, data.len());
    match sent {
        Ok(n) => Ok(Value::Int(n as i64)),
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

/// The largest datagram a UDP socket can receive (what a `recvfrom` buffer needs at most).
const MAX_DATAGRAM: usize = 65536;

/// `recvfrom(fd, bufsize)`: `(bytes, address)` of one datagram.
fn recvfrom(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("recvfrom", 2, 2)?;
    let fd = fd_arg(args)?;
    let n = int_arg(args, 1, "bufsize")?;
    if n < 0 {
        return Err(crate::vm::errors::value_error(
            "negative buffersize in recvfrom",
        ));
    }
    let want = (n as u64).min(MAX_DATAGRAM as u64) as usize;
    // std's UdpSocket reads into an initialised buffer (socket2's recv_from wants an
    // uninitialised one); the clone shares the descriptor's open file.
    let got = with(vm, fd, |s| {
        let udp = std::net::UdpSocket::from(s.try_clone()?);
        let mut buf = vec![0u8; want];
        let (k, addr) = udp.recv_from(&mut buf)?;
        buf.truncate(k);
        Ok::<_, std::io::Error>((buf, addr))
    })?;
    let as_len = got
        .as_ref()
        .map(|(b, _)| b.len())
        .map_err(|e| std::io::Error::from(e.kind()));
    vm.io_after_read(fd, &as_len, want, false);
    match got {
        Ok((data, addr)) => Ok(Value::tuple(vec![
            Value::bytes(data),
            address_value(&SockAddr::from(addr)),
        ])),
        Err(e) => Err(failed(vm, fd, Side::Read, &e)),
    }
}

/// `sendto(fd, data, family, address)`: how many bytes went.
fn sendto(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("sendto", 4, 4)?;
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
    let family = int_arg(args, 2, "family")?;
    let addr = sockaddr(vm, family, &args.pos[3], "sendto")?;
    let sent = with(vm, fd, |s| s.send_to(&data, &addr))?;
    vm.io_after_write(fd, &sent, data.len());
    match sent {
        Ok(n) => Ok(Value::Int(n as i64)),
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

/// One of a socket's addresses (`getsockname`, `getpeername`) in Python's form.
fn address_of(
    vm: &mut Vm,
    args: &Args,
    name: &str,
    which: fn(&Socket) -> std::io::Result<SockAddr>,
) -> PyResult<Value> {
    args.check(name, 1, 1)?;
    let fd = fd_arg(args)?;
    match with(vm, fd, which)? {
        Ok(a) => Ok(address_value(&a)),
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

fn getsockname(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    address_of(vm, args, "getsockname", Socket::local_addr)
}

fn getpeername(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    address_of(vm, args, "getpeername", Socket::peer_addr)
}

fn shutdown(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("shutdown", 2, 2)?;
    let fd = fd_arg(args)?;
    let how = match int_arg(args, 1, "how")? {
        0 => std::net::Shutdown::Read,
        1 => std::net::Shutdown::Write,
        2 => std::net::Shutdown::Both,
        _ => return Err(os_error(vm, 22, "Invalid argument", None)),
    };
    with(vm, fd, |s| s.shutdown(how))?.map_err(|e| os_error_from_io(vm, &e, None))?;
    Ok(Value::None)
}

/// A resolver failure as CPython reports it: EAI_SYSTEM is the OSError of errno, another
/// code is `socket.gaierror(code, gai_strerror(code))`.
fn lookup_error(vm: &mut Vm, e: dns_lookup::LookupError) -> crate::vm::errors::ExcRef {
    match e.error_num() {
        // 0: the wrapper's own failure (e.g. a NUL in a name) — an io::Error already.
        0 | EAI_SYSTEM => os_error_from_io(vm, &std::io::Error::from(e), None),
        code => {
            // dns-lookup's message is gai_strerror's text behind a prefix of its own.
            let msg = e.to_string();
            let msg = msg
                .strip_prefix("failed to lookup address information: ")
                .unwrap_or(&msg);
            gaierror(vm, i64::from(code), msg)
        }
    }
}

const EAI_SYSTEM: i32 = -11;

/// `OSError(msg)`: CPython's errors with a message and no errno.
pub(super) fn plain_os_error(vm: &mut Vm, msg: &str) -> crate::vm::errors::ExcRef {
    crate::vm::errors::new_exception(
        vm.t.exc[crate::vm::types::ExcKind::OSError as usize].clone(),
        Value::tuple(vec![Value::str(msg)]),
    )
}
const AI_NUMERICHOST: i32 = 4;

/// A host or service argument of getaddrinfo: None, str or bytes — as C sees it, up to a
/// NUL (CPython passes the C string, so `'a\0b'` is looked up as `'a'`).
fn host_arg(v: &Value) -> Option<Option<String>> {
    let text = match v {
        Value::None => return Some(None),
        v => match v.as_str() {
            Some(s) => s.to_string(),
            None => String::from_utf8_lossy(&bytes_data(v)?).into_owned(),
        },
    };
    Some(Some(match text.split_once('\0') {
        Some((before, _)) => before.to_string(),
        None => text,
    }))
}

/// `getaddrinfo(host, port, family, type, proto, flags)`: the system resolver's
/// `[(family, type, proto, canonname, address)]`, in its order.
fn getaddrinfo(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("getaddrinfo", 6, 6)?;
    let Some(host) = host_arg(&args.pos[0]) else {
        return Err(type_error(
            "getaddrinfo() argument 1 must be string or None",
        ));
    };
    let service = match crate::vm::payload::builtin_view(&args.pos[1]) {
        Value::None => None,
        Value::Int(p) => Some(p.to_string()),
        v => match host_arg(v) {
            Some(s) => s,
            None => return Err(plain_os_error(vm, "Int or String expected")),
        },
    };
    let hints = dns_lookup::AddrInfoHints {
        address: small_int(args, 2, "family")?,
        socktype: small_int(args, 3, "type")?,
        protocol: small_int(args, 4, "proto")?,
        flags: small_int(args, 5, "flags")?,
    };
    if host.is_none() && service.is_none() {
        // glibc's answer when both are NULL (dns-lookup refuses to ask).
        return Err(gaierror(vm, -2, "Name or service not known"));
    }
    let found = dns_lookup::getaddrinfo(host.as_deref(), service.as_deref(), Some(hints))
        .map(|it| it.collect::<std::io::Result<Vec<_>>>());
    let infos = match found {
        Ok(Ok(infos)) => infos,
        Ok(Err(e)) => return Err(os_error_from_io(vm, &e, None)),
        Err(e) => return Err(lookup_error(vm, e)),
    };
    let out = infos
        .into_iter()
        .map(|a| {
            Value::tuple(vec![
                Value::Int(i64::from(a.address)),
                Value::Int(i64::from(a.socktype)),
                Value::Int(i64::from(a.protocol)),
                Value::string(a.canonname.unwrap_or_default()),
                address_value(&SockAddr::from(a.sockaddr)),
            ])
        })
        .collect();
    Ok(Value::list(out))
}

/// Positional `i` as a C int.
fn small_int(args: &Args, i: usize, what: &str) -> PyResult<i32> {
    let n = int_arg(args, i, what)?;
    i32::try_from(n).map_err(|_| overflow_error("signed integer is greater than maximum"))
}

/// `getnameinfo(sockaddr, flags)`: `(host, port)` names of a numeric socket address, as
/// CPython: the host is parsed numerically only, then the system's getnameinfo names it.
fn getnameinfo(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("getnameinfo", 2, 2)?;
    let items = match crate::vm::payload::builtin_view(&args.pos[0]) {
        Value::Obj(o) => match &**o {
            Obj::Tuple(t) => Some(t.to_vec()),
            _ => None,
        },
        _ => None,
    };
    let Some(items) = items else {
        return Err(type_error("getnameinfo() argument 1 must be a tuple"));
    };
    let flags = small_int(args, 1, "flags")?;
    let illegal = || type_error("getnameinfo(): illegal sockaddr argument");
    let (Some(host), Some(Value::Int(port)), true) = (
        items.first().and_then(|h| h.as_str().map(str::to_string)),
        items.get(1).map(crate::vm::payload::builtin_view),
        (2..=4).contains(&items.len()),
    ) else {
        return Err(illegal());
    };
    // The port is a C int; flowinfo and scope_id are unsigned ints, masked as CPython's "I".
    let port = match i32::try_from(*port) {
        Ok(p) => p,
        Err(_) if *port > 0 => {
            return Err(overflow_error("signed integer is greater than maximum"))
        }
        Err(_) => return Err(overflow_error("signed integer is less than minimum")),
    };
    let mut extra = [0u32; 2];
    for (slot, v) in extra.iter_mut().zip(items.iter().skip(2)) {
        match crate::vm::payload::builtin_view(v) {
            Value::Int(n) => *slot = (*n as u64 & 0xffff_ffff) as u32,
            _ => return Err(illegal()),
        }
    }
    let [flowinfo, scope_id] = extra;
    if flowinfo > 0xfffff {
        return Err(overflow_error("getnameinfo(): flowinfo must be 0-1048575."));
    }
    let hints = dns_lookup::AddrInfoHints {
        address: 0,
        socktype: SOCK_DGRAM as i32,
        protocol: 0,
        flags: AI_NUMERICHOST,
    };
    let found = dns_lookup::getaddrinfo(Some(&host), Some(&port.to_string()), Some(hints))
        .map(|it| it.collect::<std::io::Result<Vec<_>>>());
    let infos = match found {
        Ok(Ok(infos)) => infos,
        Ok(Err(e)) => return Err(os_error_from_io(vm, &e, None)),
        Err(e) => return Err(lookup_error(vm, e)),
    };
    let addr = match infos.as_slice() {
        [one] => one.sockaddr,
        [] => return Err(gaierror(vm, -2, "Name or service not known")),
        _ => {
            return Err(plain_os_error(
                vm,
                "sockaddr resolved to multiple addresses",
            ))
        }
    };
    let addr = match addr {
        SocketAddr::V4(_) if items.len() != 2 => {
            return Err(plain_os_error(vm, "IPv4 sockaddr must be 2 tuple"))
        }
        SocketAddr::V4(a) => SocketAddr::V4(a),
        SocketAddr::V6(mut a) => {
            a.set_flowinfo(flowinfo);
            a.set_scope_id(scope_id);
            SocketAddr::V6(a)
        }
    };
    match dns_lookup::getnameinfo(&addr, flags) {
        Ok((h, s)) => Ok(Value::tuple(vec![Value::string(h), Value::string(s)])),
        Err(e) => Err(lookup_error(vm, e)),
    }
}

/// `gethostname()`
fn gethostname(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("gethostname", 0, 0)?;
    match dns_lookup::get_hostname() {
        Ok(h) => Ok(Value::string(h)),
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

/// `inet_pton(family, text)`: the packed address.
fn inet_pton(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("inet_pton", 2, 2)?;
    let family = int_arg(args, 0, "family")?;
    let Some(text) = args.pos[1].as_str() else {
        return Err(type_error(format!(
            "inet_pton() argument 2 must be str, not {}",
            vm.type_name(&args.pos[1])
        )));
    };
    let packed = match family {
        AF_INET => text.parse::<Ipv4Addr>().map(|a| a.octets().to_vec()).ok(),
        AF_INET6 => text.parse::<Ipv6Addr>().map(|a| a.octets().to_vec()).ok(),
        _ => {
            return Err(os_error(
                vm,
                EAFNOSUPPORT,
                "Address family not supported by protocol",
                None,
            ))
        }
    };
    match packed {
        Some(p) => Ok(Value::bytes(p)),
        None => Err(plain_os_error(
            vm,
            "illegal IP address string passed to inet_pton",
        )),
    }
}

/// `inet_ntop(family, packed)`: the address as glibc writes it (an IPv4-compatible IPv6
/// address, `::a.b.c.d`, keeps its dotted tail).
fn inet_ntop(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("inet_ntop", 2, 2)?;
    let family = int_arg(args, 0, "family")?;
    let Some(packed) = bytes_data(&args.pos[1]) else {
        return Err(type_error(format!(
            "a bytes-like object is required, not '{}'",
            vm.type_name(&args.pos[1])
        )));
    };
    let wrong = || crate::vm::errors::value_error("invalid length of packed IP address string");
    let text = match family {
        AF_INET => {
            let octets: [u8; 4] = packed.as_slice().try_into().map_err(|_| wrong())?;
            Ipv4Addr::from(octets).to_string()
        }
        AF_INET6 => {
            let octets: [u8; 16] = packed.as_slice().try_into().map_err(|_| wrong())?;
            let a = Ipv6Addr::from(octets);
            let w = a.segments();
            if w[..6] == [0; 6] && w[6] != 0 {
                format!(
                    "::{}.{}.{}.{}",
                    octets[12], octets[13], octets[14], octets[15]
                )
            } else {
                a.to_string()
            }
        }
        _ => {
            return Err(crate::vm::errors::value_error(format!(
                "unknown address family {family}"
            )))
        }
    };
    Ok(Value::string(text))
}

/// `dup(fd)`: a new descriptor of the same socket.
fn dup(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("dup", 1, 1)?;
    let fd = fd_arg(args)?;
    let (copy, stream) = match vm.sockets.open.get(&fd) {
        Some(s) => (s.socket.try_clone(), s.stream),
        None => return Err(bad_fd(vm)),
    };
    match copy {
        Ok(s) => Ok(Value::Int(i64::from(adopt(vm, s, stream)))),
        Err(e) => Err(os_error_from_io(vm, &e, None)),
    }
}

/// `close_fd(fd)`: socket.close(fd) — closes a socket or file descriptor of the VM;
/// EBADF for one it does not have open, as the close system call says.
fn close_fd(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("close", 1, 1)?;
    let fd = fd_arg(args)?;
    if vm.sockets.open.contains_key(&fd) {
        vm.io_forget(fd);
        drop(vm.sockets.open.remove(&fd));
    } else if !vm.files.close(fd) {
        return Err(bad_fd(vm));
    }
    Ok(Value::None)
}

/// `is_address(family, host)`: whether `host` is a numeric address of `family` (what
/// `inet_pton` accepts).
fn is_address(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("is_address", 2, 2)?;
    let family = int_arg(args, 0, "family")?;
    let Some(host) = args.pos[1].as_str() else {
        return Ok(Value::Bool(false));
    };
    let ok = match family {
        AF_INET => host.parse::<Ipv4Addr>().is_ok(),
        AF_INET6 => host.parse::<Ipv6Addr>().is_ok(),
        _ => false,
    };
    Ok(Value::Bool(ok))
}

/// `_register_gaierror(cls)`: the class `socket.gaierror`, for resolver failures.
fn register_gaierror(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_register_gaierror", 1, 1)?;
    if let Value::Obj(o) = &args.pos[0] {
        vm.sockets.gaierror = Some(o.clone());
    }
    Ok(Value::None)
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("socket", socket),
        ("socketpair", socketpair),
        ("close", close),
        ("setblocking", setblocking),
        ("bind", bind),
        ("listen", listen),
        ("connect", connect),
        ("connect_result", connect_result),
        ("accept", accept),
        ("recv", recv),
        ("send", send),
        ("recvfrom", recvfrom),
        ("sendto", sendto),
        ("getsockname", getsockname),
        ("getpeername", getpeername),
        ("setsockopt", super::socket_options::setsockopt),
        ("getsockopt", super::socket_options::getsockopt),
        ("shutdown", shutdown),
        ("getaddrinfo", getaddrinfo),
        ("getnameinfo", getnameinfo),
        ("gethostname", gethostname),
        ("inet_pton", inet_pton),
        ("inet_ntop", inet_ntop),
        ("dup", dup),
        ("close_fd", close_fd),
        ("is_address", is_address),
        ("_register_gaierror", register_gaierror),
    ];
    let (_, dict) = super::sys::new_module(vm, "_socket", funcs);
    for (name, v) in CONSTANTS {
        super::sys::set_attr(vm, &dict, name, Value::Int(*v));
    }
}
