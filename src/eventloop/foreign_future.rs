//! Future-compatible objects that are not `asyncio.Future`s: any object with an
//! `_asyncio_future_blocking` attribute that a task's coroutine yields (a library's own
//! future class, as CPython's Task accepts them). The task waits on it through its
//! `get_loop`, `add_done_callback`, `cancel` and `result` methods.

use super::futures::as_future;
use super::Ready;
use crate::vm::errors::{runtime_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

impl Vm {
    /// CPython's Task step for a yielded Future-compatible object `v` (not None, not a
    /// native future): registers the task's wake-up on it, or schedules the error to throw
    /// into the task. False when `v` is no such object.
    pub(crate) fn task_wait_foreign_future(
        &mut self,
        task: &ObjRef,
        v: &Value,
        lp: &Value,
    ) -> PyResult<bool> {
        let blocking = match self.get_attr_str(v, "_asyncio_future_blocking") {
            Ok(b) if !b.is_none() => b,
            Ok(_) => return Ok(false),
            Err(e) if e.is(crate::vm::types::ExcKind::AttributeError) => return Ok(false),
            Err(e) => return Err(e),
        };
        let blocking = self.truthy(&blocking)?;
        let floop = self.foreign_future_loop(v)?;
        let different_loop = !floop.is(lp);
        if different_loop || !blocking {
            let tr = self.repr(&Value::Obj(task.clone()))?;
            let fr = self.repr(v)?;
            let msg = if different_loop {
                format!("Task {tr} got Future {fr} attached to a different loop")
            } else {
                format!("yield was used instead of yield from in task {tr} with {fr}")
            };
            self.loop_push_ready(lp, Ready::Step(task.clone(), Some(runtime_error(msg))));
            return Ok(true);
        }
        let key = self.intern("_asyncio_future_blocking");
        self.set_attr(v, &key, Value::Bool(false))?;
        let Some(ts) = as_future(task).and_then(|f| f.task.as_ref()) else {
            return Ok(true);
        };
        let wakeup = crate::modules::asyncio_core::task_wakeup_method(task);
        let ctx = ts.context.borrow().clone();
        let add = self.get_attr_str(v, "add_done_callback")?;
        let key = self.intern("context");
        self.call_kw(&add, &[wakeup, ctx], &[key])?;
        ts.set_fut_waiter(v.clone());
        if ts.must_cancel.get() {
            let msg = as_future(task).map_or(Value::None, |f| f.cancel_msg());
            if self.future_cancel_any(v, msg)? {
                ts.must_cancel.set(false);
            }
        }
        Ok(true)
    }

    /// CPython's `get_future_loop`: `fut.get_loop()` when it has one, else `fut._loop`.
    fn foreign_future_loop(&mut self, v: &Value) -> PyResult<Value> {
        match self.get_attr_str(v, "get_loop") {
            Ok(m) => self.call(&m, &[]),
            Err(e) if e.is(crate::vm::types::ExcKind::AttributeError) => {
                self.get_attr_str(v, "_loop")
            }
            Err(e) => Err(e),
        }
    }
}
