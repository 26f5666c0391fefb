//! `_socket.setsockopt` and `_socket.getsockopt`: the socket options aio knows, read and
//! written through socket2's typed calls (aio keeps `unsafe` to its collector, so there is
//! no raw setsockopt(2) here).

use super::socket::{
    fd_arg, int_arg, plain_os_error, with, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP, IPV6_V6ONLY,
    IP_TOS, IP_TTL, SOL_SOCKET, SO_BROADCAST, SO_ERROR, SO_KEEPALIVE, SO_LINGER, SO_RCVBUF,
    SO_REUSEADDR, SO_REUSEPORT, SO_SNDBUF, SO_TYPE, TCP_NODELAY,
};
use crate::obj::function::Args;
use crate::obj::methods::bytes::bytes_data;
use crate::obj::methods::exception::{os_error, os_error_from_io};
use crate::vm::errors::{not_implemented, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use socket2::Socket;
use std::time::Duration;

/// The largest buffer `getsockopt(level, option, buflen)` accepts, as CPython.
const MAX_GETSOCKOPT_BUFLEN: i64 = 1024;

/// `setsockopt(fd, level, option, value)` for the options aio knows.
pub(super) fn setsockopt(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("setsockopt", 4, 4)?;
    let fd = fd_arg(args)?;
    let (level, opt) = (int_arg(args, 1, "level")?, int_arg(args, 2, "option")?);
    if (level, opt) == (SOL_SOCKET, SO_LINGER) {
        return set_linger(vm, fd, &args.pos[3]);
    }
    let value = int_arg(args, 3, "value")?;
    let on = value != 0;
    let size = usize::try_from(value).unwrap_or(0);
    let small = u32::try_from(value).unwrap_or(0);
    let r = with(vm, fd, |s| match (level, opt) {
        (SOL_SOCKET, SO_REUSEADDR) => Some(s.set_reuse_address(on)),
        (SOL_SOCKET, SO_REUSEPORT) => Some(s.set_reuse_port(on)),
        (SOL_SOCKET, SO_KEEPALIVE) => Some(s.set_keepalive(on)),
        (SOL_SOCKET, SO_BROADCAST) => Some(s.set_broadcast(on)),
        (SOL_SOCKET, SO_SNDBUF) => Some(s.set_send_buffer_size(size)),
        (SOL_SOCKET, SO_RCVBUF) => Some(s.set_recv_buffer_size(size)),
        (IPPROTO_TCP, TCP_NODELAY) => Some(s.set_tcp_nodelay(on)),
        (IPPROTO_IPV6, IPV6_V6ONLY) => Some(s.set_only_v6(on)),
        (IPPROTO_IP, IP_TTL) => Some(s.set_ttl_v4(small)),
        (IPPROTO_IP, IP_TOS) => Some(s.set_tos_v4(small)),
        _ => None,
    })?;
    match r {
        Some(Ok(())) => Ok(Value::None),
        Some(Err(e)) => Err(os_error_from_io(vm, &e, None)),
        None => Err(unsupported("setsockopt", level, opt)),
    }
}

/// An option aio does not read or write (rather than the kernel's answer for an unknown
/// one, which would pass for CPython's).
fn unsupported(what: &str, level: i64, opt: i64) -> crate::vm::errors::ExcRef {
    not_implemented(format!(
        "socket.{what}() of option {opt} at level {level} is not supported by aio yet"
    ))
}

/// SO_LINGER's value is a `struct linger` packed by the caller (`struct.pack('ii', on,
/// seconds)`): two native-endian C ints.
fn set_linger(vm: &mut Vm, fd: i32, value: &Value) -> PyResult<Value> {
    let packed = bytes_data(value).filter(|b| b.len() == 8);
    let Some(packed) = packed else {
        return Err(os_error(vm, 22, "Invalid argument", None));
    };
    let int_at = |i: usize| {
        let mut raw = [0u8; 4];
        raw.copy_from_slice(&packed[i..i + 4]);
        i32::from_ne_bytes(raw)
    };
    let linger =
        (int_at(0) != 0).then(|| Duration::from_secs(u64::try_from(int_at(4)).unwrap_or(0)));
    with(vm, fd, |s| s.set_linger(linger))?.map_err(|e| os_error_from_io(vm, &e, None))?;
    Ok(Value::None)
}

/// An option's value in the C layout the kernel hands back.
enum OptionValue {
    Int(i64),
    /// `struct linger`: `None` when lingering is off.
    Linger(Option<Duration>),
}

impl OptionValue {
    /// The C ints of the value's layout.
    fn c_ints(&self) -> Vec<i32> {
        let c_int = |n: i64| i32::try_from(n).unwrap_or(i32::MAX);
        match self {
            OptionValue::Int(n) => vec![c_int(*n)],
            OptionValue::Linger(None) => vec![0, 0],
            OptionValue::Linger(Some(d)) => vec![1, c_int(d.as_secs() as i64)],
        }
    }

    /// The whole value as native-endian bytes.
    fn bytes(&self) -> Vec<u8> {
        self.c_ints().iter().flat_map(|n| n.to_ne_bytes()).collect()
    }
}

fn read_option(s: &Socket, level: i64, opt: i64) -> Option<std::io::Result<OptionValue>> {
    use OptionValue::Int;
    Some(match (level, opt) {
        (SOL_SOCKET, SO_ERROR) => s
            .take_error()
            .map(|e| Int(i64::from(e.and_then(|e| e.raw_os_error()).unwrap_or(0)))),
        (SOL_SOCKET, SO_REUSEADDR) => s.reuse_address().map(|b| Int(b.into())),
        (SOL_SOCKET, SO_REUSEPORT) => s.reuse_port().map(|b| Int(b.into())),
        (SOL_SOCKET, SO_KEEPALIVE) => s.keepalive().map(|b| Int(b.into())),
        (SOL_SOCKET, SO_BROADCAST) => s.broadcast().map(|b| Int(b.into())),
        (SOL_SOCKET, SO_SNDBUF) => s.send_buffer_size().map(|n| Int(n as i64)),
        (SOL_SOCKET, SO_RCVBUF) => s.recv_buffer_size().map(|n| Int(n as i64)),
        (SOL_SOCKET, SO_LINGER) => s.linger().map(OptionValue::Linger),
        (IPPROTO_TCP, TCP_NODELAY) => s.tcp_nodelay().map(|b| Int(b.into())),
        (IPPROTO_IPV6, IPV6_V6ONLY) => s.only_v6().map(|b| Int(b.into())),
        (SOL_SOCKET, SO_TYPE) => s.r#type().map(|t| Int(i64::from(i32::from(t)))),
        (IPPROTO_IP, IP_TTL) => s.ttl_v4().map(|n| Int(i64::from(n))),
        (IPPROTO_IP, IP_TOS) => s.tos_v4().map(|n| Int(i64::from(n))),
        _ => return None,
    })
}

/// `getsockopt(fd, level, option, buflen)` for the options aio knows. `buflen` 0 reads
/// the option as an int (the first C int of its value, as getsockopt(2) into an int
/// does); otherwise the value's bytes, as many as fit in `buflen` (the kernel truncates).
pub(super) fn getsockopt(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("getsockopt", 4, 4)?;
    let fd = fd_arg(args)?;
    let (level, opt) = (int_arg(args, 1, "level")?, int_arg(args, 2, "option")?);
    let buflen = vm.index_value(&args.pos[3])?;
    if buflen != 0 && !(1..=MAX_GETSOCKOPT_BUFLEN).contains(&buflen) {
        return Err(plain_os_error(vm, "getsockopt buflen out of range"));
    }
    let value = match with(vm, fd, |s| read_option(s, level, opt))? {
        Some(Ok(v)) => v,
        Some(Err(e)) => return Err(os_error_from_io(vm, &e, None)),
        None => return Err(unsupported("getsockopt", level, opt)),
    };
    if buflen == 0 {
        let first = value.c_ints().first().copied().unwrap_or(0);
        return Ok(Value::Int(i64::from(first)));
    }
    let mut bytes = value.bytes();
    bytes.truncate(usize::try_from(buflen).unwrap_or(0));
    Ok(Value::bytes(bytes))
}
