//! `Task.get_stack()` and `Task.print_stack()`: CPython 3.11's `base_tasks._task_get_stack`
//! and `_task_print_stack`, read through the same attributes (`cr_frame`, `f_back`,
//! `__traceback__`, `tb_frame`, `tb_next`) so any coroutine-like object works.

use super::futures::as_future;
use crate::obj::methods::stream::{sys_stream, write_to};
use crate::obj::Obj;
use crate::syntax::ast::{BinOp, CmpOp};
use crate::vm::errors::PyResult;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

impl Vm {
    /// The frames of `task`: from its coroutine's frame outwards (`f_back`) while it has
    /// one, else those of its exception's traceback; at most `limit` of them.
    pub fn task_get_stack(&mut self, task: &ObjRef, limit: Value) -> PyResult<Vec<Value>> {
        let mut left = limit;
        // `limit` counts down as CPython's loop does (with its operators, so a limit of
        // the wrong type fails only once it is compared); None is unlimited.
        let take = |vm: &mut Vm, left: &mut Value| -> PyResult<bool> {
            if left.is_none() {
                return Ok(true);
            }
            let spent = vm.compare(left, &Value::Int(0), CmpOp::LtE)?;
            if vm.truthy(&spent)? {
                return Ok(false);
            }
            *left = vm.binary_op(left, &Value::Int(1), BinOp::Sub, true)?;
            Ok(true)
        };
        let mut frames = Vec::new();
        let coro = task_coro(task);
        let mut frame = Value::None;
        for attr in ["cr_frame", "gi_frame", "ag_frame"] {
            let key = self.intern(attr);
            if let Some(f) = self.get_attr_opt(&coro, &key)? {
                frame = f;
                break;
            }
        }
        if !frame.is_none() {
            while !frame.is_none() && take(self, &mut left)? {
                frames.push(frame.clone());
                frame = self.get_attr_str(&frame, "f_back")?;
            }
            frames.reverse();
            return Ok(frames);
        }
        let exc = task_exception(task);
        if exc.is_none() {
            return Ok(frames);
        }
        let mut tb = self.get_attr_str(&exc, "__traceback__")?;
        while !tb.is_none() && take(self, &mut left)? {
            frames.push(self.get_attr_str(&tb, "tb_frame")?);
            tb = self.get_attr_str(&tb, "tb_next")?;
        }
        Ok(frames)
    }

    /// `task.print_stack(limit=, file=)`: the stack as `traceback.print_list` shows it,
    /// under a heading that names the task, then the exception if the task has one.
    pub fn task_print_stack(
        &mut self,
        task: &ObjRef,
        limit: Value,
        file: Option<Value>,
    ) -> PyResult<()> {
        let frames = self.task_get_stack(task, limit)?;
        let mut entries = String::new();
        for f in &frames {
            let lineno = self.get_attr_str(f, "f_lineno")?;
            let code = self.get_attr_str(f, "f_code")?;
            let filename = self.get_attr_str(&code, "co_filename")?;
            let name = self.get_attr_str(&code, "co_name")?;
            let (filename, name) = (self.to_str(&filename)?, self.to_str(&name)?);
            let lineno = match lineno {
                Value::Int(n) => n,
                _ => 0,
            };
            entries.push_str(&format!(
                "  File \"{filename}\", line {lineno}, in {name}\n"
            ));
            if let Some(line) = source_line(f, lineno) {
                entries.push_str(&format!("    {line}\n"));
            }
        }
        let task_v = Value::Obj(task.clone());
        let exc = task_exception(task);
        let r = self.repr(&task_v)?;
        let heading = if frames.is_empty() {
            format!("No stack for {r}\n")
        } else if !exc.is_none() {
            format!("Traceback for {r} (most recent call last):\n")
        } else {
            format!("Stack for {r} (most recent call last):\n")
        };
        let exc_text = match exc.is_none() {
            true => String::new(),
            false => self.format_exception_only(&exc),
        };
        // As in CPython, `file=None` means what `print` and `traceback.print_list` make of
        // it: the heading and the exception go to stdout, the entries to stderr.
        let (out, err) = match file {
            None | Some(Value::None) => (sys_stream(self, "stdout")?, sys_stream(self, "stderr")?),
            Some(f) => (f.clone(), f),
        };
        write_to(self, &out, &heading)?;
        write_to(self, &err, &entries)?;
        write_to(self, &out, &exc_text)
    }
}

/// `task._coro`
fn task_coro(task: &ObjRef) -> Value {
    as_future(task)
        .and_then(|f| f.task.as_ref())
        .map_or(Value::None, |ts| ts.coro.borrow().clone())
}

/// `task._exception`: the exception a finished task stored, else None.
fn task_exception(task: &ObjRef) -> Value {
    as_future(task).map_or(Value::None, |f| f.exception())
}

/// Line `lineno` of the frame's source, stripped, as `linecache.getline` finds it: none
/// for code compiled from a string (`<string>`, `<stdin>`, frozen modules).
fn source_line(frame: &Value, lineno: i64) -> Option<String> {
    let Value::Obj(o) = frame else { return None };
    let Obj::Frame(fo) = &**o else { return None };
    let src = &fo.code.code.source;
    if src.name.starts_with('<') && src.name.ends_with('>') {
        return None;
    }
    let line = src.line_text(u32::try_from(lineno).ok()?);
    let stripped = line.trim();
    (!stripped.is_empty()).then(|| stripped.to_string())
}
