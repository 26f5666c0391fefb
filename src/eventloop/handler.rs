//! The loop's exception handler: `call_exception_handler`, CPython's default handler text
//! (what `logger.error(..., exc_info=...)` prints with logging unconfigured), and reports
//! of callbacks that raised.

use super::Ready;
use crate::obj::{DictData, HandleObj, Obj};
use crate::vm::errors::ExcRef;
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::{Cell, RefCell};

/// A context dict from `(key, value)` pairs.
pub fn context_dict(vm: &mut Vm, pairs: Vec<(&str, Value)>) -> Value {
    let mut d = DictData::new();
    for (k, v) in pairs {
        let key = vm.intern(k);
        crate::vm::dictops::set_str(&mut d, key, v);
    }
    Value::dict(d)
}

/// `loop.call_exception_handler(dict(pairs))`
pub fn call_exception_handler_pairs(vm: &mut Vm, lp: &Value, pairs: Vec<(&str, Value)>) {
    let ctx = context_dict(vm, pairs);
    if let Err(e) = call_exception_handler(vm, lp, &ctx) {
        // Only KeyboardInterrupt/SystemExit get here; a finalizer cannot raise them on.
        let text = vm.format_exception(&e.value());
        vm.write_stderr(&text);
    }
}

/// `loop.call_exception_handler(context)`
pub fn call_exception_handler(vm: &mut Vm, lp: &Value, ctx: &Value) -> Result<(), ExcRef> {
    // The loop's attribute, as in CPython: it outlives close(), so that a task that dies
    // after its loop closed is still reported to the program's handler.
    let handler = match lp {
        Value::Obj(_) => vm
            .get_attr_str(lp, "_exception_handler")
            .unwrap_or(Value::None),
        _ => Value::None,
    };
    let fatal = |e: &ExcRef| e.is(ExcKind::KeyboardInterrupt) || e.is(ExcKind::SystemExit);
    if handler.is_none() {
        if let Err(e) = default_exception_handler(vm, ctx) {
            if fatal(&e) {
                return Err(e);
            }
            let text = vm.format_exception(&e.value());
            vm.write_stderr(&format!("Exception in default exception handler\n{text}"));
        }
        return Ok(());
    }
    if let Err(e) = vm.call(&handler, &[lp.clone(), ctx.clone()]) {
        if fatal(&e) {
            return Err(e);
        }
        let ctx2 = context_dict(
            vm,
            vec![
                (
                    "message",
                    Value::str("Unhandled error in exception handler"),
                ),
                ("exception", e.value()),
                ("context", ctx.clone()),
            ],
        );
        if let Err(e2) = default_exception_handler(vm, &ctx2) {
            if fatal(&e2) {
                return Err(e2);
            }
            let text = vm.format_exception(&e2.value());
            vm.write_stderr(&format!(
                "Exception in default exception handler while handling an unexpected error in custom exception handler\n{text}"
            ));
        }
    }
    Ok(())
}

/// `loop.default_exception_handler(context)`: the message, then `key: repr(value)` for the
/// other keys in sorted order, then the exception's traceback, on stderr.
pub fn default_exception_handler(vm: &mut Vm, ctx: &Value) -> Result<(), ExcRef> {
    let entries: Vec<(Value, Value)> = match ctx {
        Value::Obj(o) => match &**o {
            Obj::Dict(d) => crate::obj::methods::dict::dict_items(d),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let get = |k: &str| {
        entries
            .iter()
            .find(|(key, _)| key.as_str() == Some(k))
            .map(|(_, v)| v.clone())
    };
    let message = match get("message") {
        Some(m) if vm.truthy(&m)? => vm.to_str(&m)?,
        _ => "Unhandled exception in event loop".to_string(),
    };
    let exception = get("exception").unwrap_or(Value::None);
    let mut keys: Vec<(String, Value)> = Vec::new();
    for (k, v) in &entries {
        let ks = match k.as_str() {
            Some(s) => s.to_string(),
            None => vm.to_str(k)?,
        };
        if ks == "message" || ks == "exception" {
            continue;
        }
        keys.push((ks, v.clone()));
    }
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    let mut text = message;
    for (k, v) in keys {
        // Stacks recorded in debug mode are shown as a traceback's frames.
        let r = match k.as_str() {
            "source_traceback" => created_at(vm, "Object", &v)?,
            "handle_traceback" => created_at(vm, "Handle", &v)?,
            _ => vm.repr(&v)?,
        };
        text.push_str(&format!("\n{k}: {r}"));
    }
    // CPython's handler is `logger.error(text, exc_info=...)` on the "asyncio" logger:
    // a program that configured logging sees the report in its own format and stream.
    let exc_info = if exception.is_none() {
        super::log_site::ExcInfo::False
    } else {
        super::log_site::ExcInfo::Exception(exception.clone())
    };
    if super::log_site::log(
        vm,
        super::log_site::ERROR,
        &super::log_site::DEFAULT_EXCEPTION_HANDLER,
        Value::string(text.clone()),
        Vec::new(),
        exc_info,
    )? {
        return Ok(());
    }
    // Logging never imported: what its last-resort handler would print.
    text.push('\n');
    if !exception.is_none() {
        text.push_str(&vm.format_exception(&exception));
    }
    vm.flush_std_streams();
    vm.write_stderr(&text);
    Ok(())
}

/// `"<what> created at (most recent call last):"` and the frames of `stack` (a list of
/// frame summaries), as the default handler shows a source traceback.
fn created_at(vm: &mut Vm, what: &str, stack: &Value) -> Result<String, ExcRef> {
    let traceback = vm.import_module("traceback")?;
    let format_list = vm.get_attr_str(&traceback, "format_list")?;
    let lines = vm.call(&format_list, std::slice::from_ref(stack))?;
    let mut frames = String::new();
    for line in vm.collect(&lines)? {
        frames.push_str(&vm.to_str(&line)?);
    }
    Ok(format!(
        "{what} created at (most recent call last):\n{}",
        frames.trim_end()
    ))
}

/// `logging.getLogger("asyncio")` when the program has imported `logging` (aio's asyncio
/// does not import it itself, to start fast; unimported, nothing can have configured it).
pub(crate) fn asyncio_logger(vm: &mut Vm) -> Result<Option<Value>, ExcRef> {
    let modules = vm.modules.clone();
    let key = vm.intern("logging");
    let Some(logging) = crate::vm::dictops::plain_getitem(&modules, &key) else {
        return Ok(None);
    };
    if !matches!(&logging, Value::Obj(o) if matches!(&**o, Obj::Module(_))) {
        return Ok(None);
    }
    let get_logger = match vm.get_attr_str(&logging, "getLogger") {
        Ok(f) => f,
        // A partly initialised module (an import cycle) has no getLogger yet.
        Err(_) => return Ok(None),
    };
    Ok(Some(vm.call(&get_logger, &[Value::str("asyncio")])?))
}

/// A ready entry raised: "Exception in callback ..." to the exception handler.
pub fn callback_failed(vm: &mut Vm, lp: &ObjRef, what: Ready, e: ExcRef) {
    super::stand_in_frames::add_handle_run_frame(vm, &e);
    let handle = ready_handle(vm, lp, &what);
    let src = super::repr::handle_callback_source(vm, &handle).unwrap_or_default();
    let lpv = Value::Obj(lp.clone());
    // In debug mode the handle remembers where it was scheduled; CPython's `Handle._run`
    // passes that on when the stack is not empty.
    let source_tb = match &*handle {
        Obj::Handle(h) => h.source_tb.borrow().clone(),
        _ => Value::None,
    };
    let mut pairs = vec![
        (
            "message",
            Value::string(format!("Exception in callback {src}")),
        ),
        ("exception", e.value()),
        ("handle", Value::Obj(handle)),
    ];
    if vm.truthy(&source_tb).unwrap_or(false) {
        pairs.push(("source_traceback", source_tb));
    }
    call_exception_handler_pairs(vm, &lpv, pairs);
}

/// The Handle CPython's loop would hold for ready entry `what` (aio queues task steps,
/// wake-ups and done callbacks without one): for reports about the entry.
fn ready_handle(vm: &mut Vm, lp: &ObjRef, what: &Ready) -> ObjRef {
    match what {
        Ready::Handle(h) => h.clone(),
        Ready::Call(func, arg) => new_handle(vm, lp, func.clone(), vec![arg.clone()], None),
        Ready::Gather(_, fut) => {
            let f = crate::vm::native::native("gather.<locals>", "_done_callback", |_, _| {
                Ok(Value::None)
            });
            new_handle(vm, lp, f, vec![Value::Obj(fut.clone())], None)
        }
        Ready::Step(task, _) => {
            let step = vm.get_attr_str(&Value::Obj(task.clone()), "_Task__step");
            let f = step.unwrap_or(Value::None);
            new_handle(vm, lp, f, vec![], None)
        }
        Ready::Wakeup(task, fut) => {
            let w = vm.get_attr_str(&Value::Obj(task.clone()), "_Task__wakeup");
            let f = w.unwrap_or(Value::None);
            new_handle(vm, lp, f, vec![Value::Obj(fut.clone())], None)
        }
    }
}

/// What a slow-callback warning names for ready entry `what` (CPython's
/// `_format_handle`): a task's step or wake-up is the task, anything else its handle.
pub fn slow_callback_subject(vm: &mut Vm, lp: &ObjRef, what: &Ready) -> Value {
    match what {
        Ready::Step(task, _) | Ready::Wakeup(task, _) => Value::Obj(task.clone()),
        _ => Value::Obj(ready_handle(vm, lp, what)),
    }
}

/// "Executing <subject> took 0.151 seconds": a callback ran longer than the loop's
/// `slow_callback_duration` in debug mode, a warning on the "asyncio" logger.
pub fn warn_slow_callback(vm: &mut Vm, subject: &Value, seconds: f64) -> Result<(), ExcRef> {
    let text = format!(
        "Executing {} took {seconds:.3} seconds",
        vm.to_str(subject)?
    );
    if super::log_site::log(
        vm,
        super::log_site::WARNING,
        &super::log_site::SLOW_CALLBACK,
        Value::str("Executing %s took %.3f seconds"),
        vec![subject.clone(), Value::Float(seconds)],
        super::log_site::ExcInfo::Absent,
    )? {
        return Ok(());
    }
    // Logging never imported: what its last-resort handler would print.
    vm.flush_std_streams();
    vm.write_stderr(&format!("{text}\n"));
    Ok(())
}

/// A new Handle (or TimerHandle when `when` is given).
pub fn new_handle(
    vm: &mut Vm,
    lp: &ObjRef,
    callback: Value,
    args: Vec<Value>,
    when: Option<f64>,
) -> ObjRef {
    let class = match vm.aio_classes() {
        Some(c) => {
            if when.is_some() {
                c.timer_handle.clone()
            } else {
                c.handle.clone()
            }
        }
        None => vm.t.object.clone(),
    };
    ObjRef::new(Obj::Handle(Box::new(HandleObj {
        class,
        callback: RefCell::new(callback),
        args: RefCell::new(args),
        cancelled: Cell::new(false),
        when,
        loop_: RefCell::new(Value::Obj(lp.clone())),
        scheduled: Cell::new(false),
        context: RefCell::new(Value::None),
        source_tb: RefCell::new(Value::None),
    })))
}
