//! Records the event loop logs on the "asyncio" logger, made as CPython's `logger.debug(...)`
//! calls inside its asyncio package make them: the record names that call's place (file,
//! line, function), not the aio code that happened to be running, so a format with
//! `%(filename)s:%(lineno)d` or `%(funcName)s` prints what CPython prints.

use super::handler::asyncio_logger;
use crate::vm::errors::ExcRef;
use crate::vm::value::Value;
use crate::vm::Vm;

/// Where CPython 3.11's asyncio package logs a message from.
pub struct LogSite {
    file: &'static str,
    line: i64,
    func: &'static str,
}

/// `BaseSelectorEventLoop.__init__`: "Using selector: %s".
pub const USING_SELECTOR: LogSite = LogSite {
    file: "selector_events.py",
    line: 54,
    func: "__init__",
};
/// `BaseEventLoop.close`: "Close %r" in debug mode.
pub const LOOP_CLOSE: LogSite = LogSite {
    file: "base_events.py",
    line: 676,
    func: "close",
};
/// `BaseEventLoop.default_exception_handler`: the report of an unhandled error.
pub const DEFAULT_EXCEPTION_HANDLER: LogSite = LogSite {
    file: "base_events.py",
    line: 1771,
    func: "default_exception_handler",
};
/// `BaseEventLoop._run_once`: "Executing %s took %.3f seconds" in debug mode.
pub const SLOW_CALLBACK: LogSite = LogSite {
    file: "base_events.py",
    line: 1917,
    func: "_run_once",
};

pub const DEBUG: i64 = 10;
pub const WARNING: i64 = 30;
pub const ERROR: i64 = 40;

/// What `exc_info` a record gets.
pub enum ExcInfo {
    /// Not passed (`record.exc_info` is None).
    Absent,
    /// `exc_info=False`.
    False,
    /// `exc_info=exception`: the record holds `(type, exception, traceback)`.
    Exception(Value),
}

/// Logs `msg % args` at `level` on the "asyncio" logger as from `site`. Returns false when
/// the logging module was never imported (the caller then prints what logging's
/// last-resort handler would).
pub fn log(
    vm: &mut Vm,
    level: i64,
    site: &LogSite,
    msg: Value,
    args: Vec<Value>,
    exc_info: ExcInfo,
) -> Result<bool, ExcRef> {
    let Some(logger) = asyncio_logger(vm)? else {
        return Ok(false);
    };
    let enabled = vm.call_method(&logger, "isEnabledFor", &[Value::Int(level)])?;
    if !vm.truthy(&enabled)? {
        return Ok(true);
    }
    let name = vm.get_attr_str(&logger, "name")?;
    let exc_info = match exc_info {
        ExcInfo::Absent => Value::None,
        ExcInfo::False => Value::Bool(false),
        ExcInfo::Exception(e) => {
            let tb = vm.get_attr_str(&e, "__traceback__")?;
            Value::tuple(vec![Value::Obj(vm.type_of(&e)), e, tb])
        }
    };
    // CPython's pathname is the absolute path of its asyncio source file.
    let pathname = Value::string(format!("asyncio/{}", site.file));
    let record = vm.call_method(
        &logger,
        "makeRecord",
        &[
            name,
            Value::Int(level),
            pathname,
            Value::Int(site.line),
            msg,
            Value::tuple(args),
            exc_info,
            Value::str(site.func),
        ],
    )?;
    vm.call_method(&logger, "handle", &[record])?;
    Ok(true)
}
