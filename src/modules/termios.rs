//! `_termios`: the terminal calls of CPython 3.11's Modules/termios.c on rustix, for
//! descriptors 0-2 and the files aio opened. stdlib/termios.aio turns objects into
//! descriptors, builds tcgetattr()'s list and turns the OSErrors raised here into
//! `termios.error`.
//!
//! glibc's `struct termios` keeps the speeds in the CBAUD bits of `c_cflag`
//! (cfgetospeed returns those bits); rustix uses the kernel's termios2, which also holds
//! the speeds as numbers, so `tcsetattr` sets those numbers from the B constants.

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::obj::methods::exception::os_error_from_io;
use crate::vm::errors::{overflow_error, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use rustix::termios::{
    self, Action, ControlModes, InputModes, LocalModes, OptionalActions, OutputModes,
    QueueSelector, SpecialCodeIndex, Termios, Winsize,
};
use std::os::fd::{AsFd, BorrowedFd};

/// glibc's NCCS: the length of tcgetattr()'s cc list.
const NCCS: usize = 32;
const CBAUD: u32 = 0o10017;
const CBAUDEX: u32 = 0o10000;
/// The input speed's bits: CBAUD shifted by IBSHIFT.
const CIBAUD: u32 = CBAUD << 16;
const EBADF: i32 = 9;
const EINVAL: i32 = 22;

/// The special characters rustix can address, by their index in `c_cc`.
const SPECIAL_CODES: [SpecialCodeIndex; 17] = [
    SpecialCodeIndex::VINTR,
    SpecialCodeIndex::VQUIT,
    SpecialCodeIndex::VERASE,
    SpecialCodeIndex::VKILL,
    SpecialCodeIndex::VEOF,
    SpecialCodeIndex::VTIME,
    SpecialCodeIndex::VMIN,
    SpecialCodeIndex::VSWTC,
    SpecialCodeIndex::VSTART,
    SpecialCodeIndex::VSTOP,
    SpecialCodeIndex::VSUSP,
    SpecialCodeIndex::VEOL,
    SpecialCodeIndex::VREPRINT,
    SpecialCodeIndex::VDISCARD,
    SpecialCodeIndex::VWERASE,
    SpecialCodeIndex::VLNEXT,
    SpecialCodeIndex::VEOL2,
];

/// Bits per second of the B constants B0..B38400, then B57600..B4000000 (CBAUDEX | 1..15).
const BAUDS: [u32; 16] = [
    0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400,
];
const BAUDS_EX: [u32; 15] = [
    57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000,
    2500000, 3000000, 3500000, 4000000,
];

fn errno(vm: &mut Vm, code: i32) -> crate::vm::errors::ExcRef {
    os_error_from_io(vm, &std::io::Error::from_raw_os_error(code), None)
}

fn int_arg(args: &Args, i: usize) -> PyResult<i64> {
    match args.pos.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Bool(b)) => Ok(i64::from(*b)),
        _ => Err(type_error("an integer is required")),
    }
}

/// Runs `f` on descriptor `fd`: a standard stream or a file aio opened; else EBADF.
fn on_fd<R>(
    vm: &mut Vm,
    fd: i64,
    f: impl FnOnce(BorrowedFd<'_>) -> rustix::io::Result<R>,
) -> PyResult<R> {
    let result = match fd {
        0 => f(std::io::stdin().as_fd()),
        1 => f(std::io::stdout().as_fd()),
        2 => f(std::io::stderr().as_fd()),
        _ => match i32::try_from(fd).ok().and_then(|fd| vm.files.borrow_fd(fd)) {
            Some(borrowed) => f(borrowed),
            None => return Err(errno(vm, EBADF)),
        },
    };
    result.map_err(|e| os_error_from_io(vm, &std::io::Error::from(e), None))
}

/// The bits per second of B constant `speed`, or None for a value glibc's cfset*speed
/// rejects.
fn baud(speed: u32) -> Option<u32> {
    if speed & !CBAUD != 0 {
        return None;
    }
    if speed & CBAUDEX == 0 {
        BAUDS.get(speed as usize).copied()
    } else {
        BAUDS_EX.get((speed & !CBAUDEX) as usize - 1).copied()
    }
}

/// `tcgetattr(fd)`: (iflag, oflag, cflag, lflag, cc) with cc the NCCS bytes of c_cc.
fn tcgetattr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("tcgetattr", 1, 1)?;
    let fd = int_arg(args, 0)?;
    let t = on_fd(vm, fd, |fd| termios::tcgetattr(fd))?;
    let mut cc = vec![0u8; NCCS];
    for (slot, index) in cc.iter_mut().zip(SPECIAL_CODES) {
        *slot = t.special_codes[index];
    }
    Ok(Value::tuple(vec![
        Value::Int(i64::from(t.input_modes.bits())),
        Value::Int(i64::from(t.output_modes.bits())),
        Value::Int(i64::from(t.control_modes.bits())),
        Value::Int(i64::from(t.local_modes.bits())),
        Value::bytes(cc),
    ]))
}

/// `tcsetattr(fd, when, iflag, oflag, cflag, lflag, ispeed, ospeed, cc)` with cc NCCS
/// bytes; on top of the terminal's current attributes, as CPython does.
fn tcsetattr(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("tcsetattr", 9, 9)?;
    let fd = int_arg(args, 0)?;
    let when = match int_arg(args, 1)? {
        0 => OptionalActions::Now,
        1 => OptionalActions::Drain,
        2 => OptionalActions::Flush,
        _ => return Err(errno(vm, EINVAL)),
    };
    // tcflag_t and speed_t are C unsigned ints: CPython truncates what it is given.
    let flag = |i: usize| int_arg(args, i).map(|n| n as u32);
    let (iflag, oflag, cflag, lflag) = (flag(2)?, flag(3)?, flag(4)?, flag(5)?);
    let (ispeed, ospeed) = (flag(6)?, flag(7)?);
    let Some(cc) = bytes_data(&args.pos[8]).filter(|cc| cc.len() == NCCS) else {
        return Err(value_error("cc must be NCCS bytes"));
    };
    let mut t: Termios = on_fd(vm, fd, |fd| termios::tcgetattr(fd))?;
    t.input_modes = InputModes::from_bits_retain(iflag);
    t.output_modes = OutputModes::from_bits_retain(oflag);
    t.local_modes = LocalModes::from_bits_retain(lflag);
    for (value, index) in cc.iter().zip(SPECIAL_CODES) {
        t.special_codes[index] = *value;
    }
    let (Some(_), Some(out_baud)) = (baud(ispeed), baud(ospeed)) else {
        return Err(errno(vm, EINVAL));
    };
    // cfsetispeed then cfsetospeed: the output speed ends in the CBAUD bits; glibc
    // passes the CIBAUD bits as given (clear: the input speed is the output speed).
    let speed_bits = if ospeed != 0 || ispeed == 0 {
        ospeed
    } else {
        ispeed
    };
    let old_bits = t.control_modes.bits() & CBAUD;
    t.control_modes = ControlModes::from_bits_retain((cflag & !CBAUD) | speed_bits);
    if speed_bits != old_bits {
        let out_baud = if speed_bits == ospeed {
            out_baud
        } else {
            baud(ispeed).unwrap_or(0)
        };
        if let Err(e) = t.set_output_speed(out_baud) {
            return Err(os_error_from_io(vm, &std::io::Error::from(e), None));
        }
    }
    let bits = (t.control_modes.bits() & !CIBAUD) | (cflag & CIBAUD);
    t.control_modes = ControlModes::from_bits_retain(bits);
    on_fd(vm, fd, |fd| termios::tcsetattr(fd, when, &t))?;
    Ok(Value::None)
}

/// `tcsendbreak(fd, duration)`: glibc sends a break of the default length for any duration.
fn tcsendbreak(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("tcsendbreak", 2, 2)?;
    let fd = int_arg(args, 0)?;
    int_arg(args, 1)?;
    on_fd(vm, fd, |fd| termios::tcsendbreak(fd))?;
    Ok(Value::None)
}

fn tcdrain(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("tcdrain", 1, 1)?;
    let fd = int_arg(args, 0)?;
    on_fd(vm, fd, |fd| termios::tcdrain(fd))?;
    Ok(Value::None)
}

fn tcflush(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("tcflush", 2, 2)?;
    let fd = int_arg(args, 0)?;
    let queue = match int_arg(args, 1)? {
        0 => QueueSelector::IFlush,
        1 => QueueSelector::OFlush,
        2 => QueueSelector::IOFlush,
        _ => return Err(errno(vm, EINVAL)),
    };
    on_fd(vm, fd, |fd| termios::tcflush(fd, queue))?;
    Ok(Value::None)
}

fn tcflow(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("tcflow", 2, 2)?;
    let fd = int_arg(args, 0)?;
    let action = match int_arg(args, 1)? {
        0 => Action::OOff,
        1 => Action::OOn,
        2 => Action::IOff,
        3 => Action::IOn,
        _ => return Err(errno(vm, EINVAL)),
    };
    on_fd(vm, fd, |fd| termios::tcflow(fd, action))?;
    Ok(Value::None)
}

/// `tcgetwinsize(fd)`: (rows, columns).
fn tcgetwinsize(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("tcgetwinsize", 1, 1)?;
    let fd = int_arg(args, 0)?;
    let ws = on_fd(vm, fd, |fd| termios::tcgetwinsize(fd))?;
    Ok(Value::tuple(vec![
        Value::Int(i64::from(ws.ws_row)),
        Value::Int(i64::from(ws.ws_col)),
    ]))
}

/// `tcsetwinsize(fd, rows, columns)`: the pixel sizes are kept, as CPython keeps them.
fn tcsetwinsize(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("tcsetwinsize", 3, 3)?;
    let fd = int_arg(args, 0)?;
    let (rows, columns) = (int_arg(args, 1)?, int_arg(args, 2)?);
    let (Ok(rows), Ok(columns)) = (u16::try_from(rows), u16::try_from(columns)) else {
        return Err(overflow_error("winsize value(s) out of range."));
    };
    let old = on_fd(vm, fd, |fd| termios::tcgetwinsize(fd))?;
    let ws = Winsize {
        ws_row: rows,
        ws_col: columns,
        ws_xpixel: old.ws_xpixel,
        ws_ypixel: old.ws_ypixel,
    };
    on_fd(vm, fd, |fd| termios::tcsetwinsize(fd, ws))?;
    Ok(Value::None)
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("tcgetattr", tcgetattr),
        ("tcsetattr", tcsetattr),
        ("tcsendbreak", tcsendbreak),
        ("tcdrain", tcdrain),
        ("tcflush", tcflush),
        ("tcflow", tcflow),
        ("tcgetwinsize", tcgetwinsize),
        ("tcsetwinsize", tcsetwinsize),
    ];
    super::sys::new_module(vm, "_termios", funcs);
}
