//! `_resource`: the system calls behind the `resource` module (stdlib/resource.aio), as
//! CPython 3.11's Modules/resource.c makes them: getrusage, getrlimit, setrlimit, prlimit
//! and getpagesize, with its argument checks and error messages.

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::exception::{os_error, os_error_from_io};
use crate::obj::Obj;
use crate::vm::errors::{overflow_error, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use nix::sys::resource::{getrusage as sys_getrusage, UsageWho};
use nix::sys::time::TimeVal;
use rustix::process::{Resource, Rlimit};

/// The `RLIMIT_*` numbers (Linux's), which index this table; `RLIM_NLIMITS` is its length.
const RESOURCES: [Resource; 16] = [
    Resource::Cpu,
    Resource::Fsize,
    Resource::Data,
    Resource::Stack,
    Resource::Core,
    Resource::Rss,
    Resource::Nproc,
    Resource::Nofile,
    Resource::Memlock,
    Resource::As,
    Resource::Locks,
    Resource::Sigpending,
    Resource::Msgqueue,
    Resource::Nice,
    Resource::Rtprio,
    Resource::Rttime,
];

/// An `int` argument (a C int, as CPython's argument clinic converts it).
fn c_int(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    if matches!(v, Value::Obj(o) if matches!(&**o, Obj::BigInt(_))) {
        return Err(overflow_error("Python int too large to convert to C int"));
    }
    let n = vm.index_value(v)?;
    if i32::try_from(n).is_err() {
        return Err(overflow_error("Python int too large to convert to C int"));
    }
    Ok(n)
}

/// A limit value (a C long, then `rlim_t`: a negative value wraps, so -1 is
/// `RLIM_INFINITY`).
fn rlim(vm: &mut Vm, v: &Value) -> PyResult<Option<u64>> {
    if matches!(v, Value::Obj(o) if matches!(&**o, Obj::BigInt(_))) {
        return Err(overflow_error("Python int too large to convert to C long"));
    }
    let n = vm.index_value(v)? as u64;
    Ok((n != u64::MAX).then_some(n))
}

/// A resource argument: its `RLIMIT_*` number and rustix's name for it.
fn resource_arg(vm: &mut Vm, v: &Value) -> PyResult<(usize, Resource)> {
    let n = c_int(vm, v)?;
    usize::try_from(n)
        .ok()
        .and_then(|i| Some((i, *RESOURCES.get(i)?)))
        .ok_or_else(|| value_error("invalid resource specified"))
}

fn unsigned(n: u64) -> Value {
    Value::from_bigint(num_bigint::BigInt::from(n))
}

/// A limit as Python sees it: RLIM_INFINITY is -1.
fn limit_value(l: Option<u64>) -> Value {
    match l {
        Some(n) => unsigned(n),
        None => Value::Int(-1),
    }
}

fn limits_tuple(r: Rlimit) -> Value {
    Value::tuple(vec![limit_value(r.current), limit_value(r.maximum)])
}

/// `getrusage(who)`: the 16 fields of `struct_rusage`, the two times as float seconds.
fn getrusage(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("resource.getrusage", 1, 1)?;
    let who = match c_int(vm, &args.pos[0])? {
        0 => UsageWho::RUSAGE_SELF,
        -1 => UsageWho::RUSAGE_CHILDREN,
        1 => UsageWho::RUSAGE_THREAD,
        _ => return Err(value_error("invalid who parameter")),
    };
    let u = sys_getrusage(who).map_err(|e| os_error(vm, e as i32, e.desc(), None))?;
    let seconds = |t: TimeVal| Value::Float(t.tv_sec() as f64 + t.tv_usec() as f64 * 0.000001);
    let counts = [
        u.max_rss(),
        u.shared_integral(),
        u.unshared_data_integral(),
        u.unshared_stack_integral(),
        u.minor_page_faults(),
        u.major_page_faults(),
        u.full_swaps(),
        u.block_reads(),
        u.block_writes(),
        u.ipc_sends(),
        u.ipc_receives(),
        u.signals(),
        u.voluntary_context_switches(),
        u.involuntary_context_switches(),
    ];
    let mut fields = vec![seconds(u.user_time()), seconds(u.system_time())];
    fields.extend(counts.iter().map(|&n| Value::Int(n)));
    Ok(Value::tuple(fields))
}

/// `getrlimit(resource)`: (soft, hard).
fn getrlimit(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("resource.getrlimit", 1, 1)?;
    let (_, r) = resource_arg(vm, &args.pos[0])?;
    Ok(limits_tuple(rustix::process::getrlimit(r)))
}

/// `(soft, hard)` from `setrlimit`'s or `prlimit`'s limits argument.
fn limits_arg(vm: &mut Vm, v: &Value) -> PyResult<Rlimit> {
    let items = vm.collect(v)?;
    let [soft, hard] = &items[..] else {
        return Err(value_error("expected a tuple of 2 integers"));
    };
    Ok(Rlimit {
        current: rlim(vm, soft)?,
        maximum: rlim(vm, hard)?,
    })
}

/// The errors setrlimit and prlimit report as ValueError, as CPython does.
fn set_error(vm: &mut Vm, e: rustix::io::Errno) -> crate::vm::errors::ExcRef {
    match e {
        rustix::io::Errno::INVAL => value_error("current limit exceeds maximum limit"),
        rustix::io::Errno::PERM => value_error("not allowed to raise maximum limit"),
        _ => os_error_from_io(vm, &e.into(), None),
    }
}

/// `setrlimit(resource, limits)`.
fn setrlimit(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("setrlimit", 2, 2)?;
    let (_, r) = resource_arg(vm, &args.pos[0])?;
    let limits = limits_arg(vm, &args.pos[1])?;
    rustix::process::setrlimit(r, limits).map_err(|e| set_error(vm, e))?;
    Ok(Value::None)
}

/// `prlimit(pid, resource[, limits])`: the process's limits before any change. Reading
/// another process's limits without changing them has no system call that rustix offers,
/// so they are read from `/proc/PID/limits`, which the kernel writes from the same values.
fn prlimit(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("prlimit")?;
    if !(2..=3).contains(&args.pos.len()) {
        return Err(type_error("resource.prlimit requires 2 to 3 arguments"));
    }
    let pid = c_int(vm, &args.pos[0])?;
    let (index, r) = resource_arg(vm, &args.pos[1])?;
    let own = pid == 0 || pid == i64::from(rustix::process::getpid().as_raw_nonzero().get());
    let Some(limits) = args.pos.get(2) else {
        if own {
            return Ok(limits_tuple(rustix::process::getrlimit(r)));
        }
        return proc_limits(vm, pid, index);
    };
    let limits = limits_arg(vm, limits)?;
    let target = if own {
        None
    } else {
        let raw = i32::try_from(pid).ok().filter(|&p| p > 0);
        match raw.and_then(rustix::process::Pid::from_raw) {
            Some(p) => Some(p),
            None => return Err(os_error(vm, 3, "No such process", None)),
        }
    };
    let old = rustix::process::prlimit(target, r, limits).map_err(|e| set_error(vm, e))?;
    Ok(limits_tuple(old))
}

/// The limits of process `pid` for resource number `index`, from `/proc/PID/limits`
/// (one line per resource in `RLIMIT_*` order after a header: name, soft, hard, units).
fn proc_limits(vm: &mut Vm, pid: i64, index: usize) -> PyResult<Value> {
    let text = match std::fs::read_to_string(format!("/proc/{pid}/limits")) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound || pid < 0 => {
            return Err(os_error(vm, 3, "No such process", None))
        }
        Err(e) => return Err(os_error_from_io(vm, &e, None)),
    };
    let parse = |field: &str| match field {
        "unlimited" => Some(Value::Int(-1)),
        n => n.parse::<u64>().ok().map(unsigned),
    };
    // Names contain spaces ("Max cpu time") and take the first 26 columns; the soft and
    // hard limits are the next two words.
    let line = text.lines().nth(index + 1).unwrap_or("");
    let fields: Vec<&str> = line.get(26..).unwrap_or("").split_whitespace().collect();
    match (
        fields.first().and_then(|s| parse(s)),
        fields.get(1).and_then(|s| parse(s)),
    ) {
        (Some(soft), Some(hard)) => Ok(Value::tuple(vec![soft, hard])),
        _ => Err(os_error(vm, 5, "Input/output error", None)),
    }
}

/// `getpagesize()`.
fn getpagesize(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("resource.getpagesize", 0, 0)?;
    Ok(Value::Int(rustix::param::page_size() as i64))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("getrusage", getrusage),
        ("getrlimit", getrlimit),
        ("setrlimit", setrlimit),
        ("prlimit", prlimit),
        ("getpagesize", getpagesize),
    ];
    super::sys::new_module(vm, "_resource", funcs);
}
