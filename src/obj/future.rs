//! asyncio's Future and Task: one native object kind (DESIGN.md section 5). A Task is a
//! Future that also drives a coroutine (`task` holds that state). The object stores its
//! class, so user subclasses of Future and Task are instances of this kind too.

use super::dict::DictData;
use crate::vm::value::{ObjRef, Value};
use std::cell::{Cell, RefCell, RefMut};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FutState {
    Pending,
    Cancelled,
    Finished,
}

impl FutState {
    /// `fut._state`
    pub fn name(self) -> &'static str {
        match self {
            FutState::Pending => "PENDING",
            FutState::Cancelled => "CANCELLED",
            FutState::Finished => "FINISHED",
        }
    }
}

/// A done callback. Waking a task needs no callable object.
#[derive(Clone)]
pub enum Callback {
    /// `Task.__wakeup` of this task.
    Wakeup(ObjRef),
    /// `fn(fut)`, run in `context` (kept for `remove_done_callback` and reprs).
    Func(Value, Value),
    /// The `_done_callback` of the `asyncio.gather` whose shared state this is
    /// (`eventloop::gather`).
    Gather(ObjRef),
    /// `asyncio.sleep`'s `finally: handle.cancel()` for a sleep the fast tier runs without
    /// its coroutine (`vm::fast`, `CallAwait`): cancels this timer handle as soon as the
    /// future is done. It runs no user code, so it runs at once and is never shown. Keeps
    /// the delay, for the coroutine `Vm::make_delegate_real` makes if one is looked for.
    CancelTimer(ObjRef, Value),
}

impl Callback {
    pub fn values(&self) -> [Value; 2] {
        match self {
            Callback::Wakeup(t) | Callback::Gather(t) => [Value::Obj(t.clone()), Value::None],
            Callback::CancelTimer(h, d) => [Value::Obj(h.clone()), d.clone()],
            Callback::Func(f, c) => [f.clone(), c.clone()],
        }
    }
}

/// The part of a Task beyond its Future.
pub struct TaskState {
    pub coro: RefCell<Value>,
    /// A str; or the task's number while its default name `Task-N` was never asked for,
    /// so idle tasks do not each hold a string (`TaskState::name`).
    pub name: RefCell<Value>,
    /// The future this task waits on (None when not waiting): read and written through
    /// `TaskState::fut_waiter` and `set_fut_waiter`, as a `Cell` is smaller than a `RefCell`.
    fut_waiter: Cell<Option<ObjRef>>,
    pub must_cancel: Cell<bool>,
    pub num_cancels_requested: Cell<u32>,
    /// Report "Task was destroyed but it is pending!" if it dies unfinished.
    pub log_destroy_pending: Cell<bool>,
    /// Position in its loop's list of live tasks (`u32::MAX`: not in it), through
    /// `TaskState::listed_at` and `set_listed_at`.
    index: Cell<u32>,
    pub context: RefCell<Value>,
}

/// The parts of a future most futures never use, allocated on first use so that the
/// futures parked tasks wait on stay small.
pub struct FutureExtra {
    /// User attributes.
    pub dict: DictData,
    pub cancel_msg: Value,
    pub cancelled_exc: Value,
    /// The exception set by `set_exception` (None if none): most futures end with a result.
    pub exception: Value,
    /// The exception's traceback when it was set (restored on the first retrieval).
    pub exception_tb: Option<super::exception::Traceback>,
    /// Where the future was made (a `traceback.StackSummary`), in a loop in debug mode.
    pub source_tb: Value,
    /// The timer and delay of a fast-tier sleep (`Callback::CancelTimer`) whose future was
    /// cancelled: the task it wakes still throws into the `sleep` coroutine it stands
    /// for, so `Vm::make_delegate_real` makes that coroutine then.
    pub cancelled_sleep: Option<(ObjRef, Value)>,
}

pub struct FutureObj {
    pub class: ObjRef,
    /// None until an attribute, a cancel message or an exception is stored.
    pub extra: RefCell<Option<Box<FutureExtra>>>,
    /// The event loop object (None until `__init__`, which makes sure it is an object:
    /// `get_debug` is called on it): read and written through `FutureObj::loop_value` and
    /// `set_loop`, as a `Cell` is smaller than a `RefCell`.
    loop_: Cell<Option<ObjRef>>,
    pub state: Cell<FutState>,
    pub result: RefCell<Value>,
    /// A `ThinVec` (one pointer, its length in the allocation): most futures have none,
    /// and parked tasks hold two futures each.
    pub callbacks: RefCell<thin_vec::ThinVec<Callback>>,
    /// The first done callback when it is a task's wake-up (what nearly every awaited
    /// future gets), kept here without allocating; it comes before `callbacks`.
    pub waker: Cell<Option<ObjRef>>,
    /// The exception was never retrieved (report it when the future dies).
    pub log_tb: Cell<bool>,
    /// `_asyncio_future_blocking`
    pub blocking: Cell<bool>,
    /// A one-shot awaitable that yields None once (`sleep(0)`), never visible to code.
    pub bare_yield: Cell<bool>,
    pub finalized: Cell<bool>,
    pub task: Option<Box<TaskState>>,
}

/// A copy of the reference a `Cell<Option<ObjRef>>` holds.
fn peek(cell: &Cell<Option<ObjRef>>) -> Option<ObjRef> {
    let o = cell.take();
    let copy = o.clone();
    cell.set(o);
    copy
}

/// `peek` as a value (None if empty).
fn cell_value(cell: &Cell<Option<ObjRef>>) -> Value {
    peek(cell).map_or(Value::None, Value::Obj)
}

/// Stores an object (or empties the cell for anything else, which is None).
fn set_cell(cell: &Cell<Option<ObjRef>>, v: Value) {
    cell.set(match v {
        Value::Obj(o) => Some(o),
        _ => None,
    });
}

impl TaskState {
    /// Where the task is in its loop's list of live tasks (None: not in it).
    pub fn listed_at(&self) -> Option<usize> {
        let i = self.index.get();
        (i != u32::MAX).then_some(i as usize)
    }

    /// Records the task's position in its loop's list (None: not in it). A position past
    /// `u32::MAX` (4G live tasks would not fit in memory) leaves it unrecorded, which only
    /// keeps the task listed.
    pub fn set_listed_at(&self, i: Option<usize>) {
        self.index
            .set(i.and_then(|i| u32::try_from(i).ok()).unwrap_or(u32::MAX));
    }

    /// The future this task waits on (None when not waiting).
    pub fn fut_waiter(&self) -> Value {
        cell_value(&self.fut_waiter)
    }

    pub fn set_fut_waiter(&self, fut: Value) {
        set_cell(&self.fut_waiter, fut);
    }

    /// The task's name, formatting (and keeping) the default `Task-N` on first use.
    pub fn name(&self) -> Value {
        let mut name = self.name.borrow_mut();
        if let Value::Int(n) = *name {
            *name = Value::string(format!("Task-{n}"));
        }
        name.clone()
    }
}

impl FutureObj {
    pub fn new(class: ObjRef, is_task: bool) -> FutureObj {
        crate::gc::module_teardown::note_finalizable();
        FutureObj {
            class,
            extra: RefCell::new(None),
            loop_: Cell::new(None),
            state: Cell::new(FutState::Pending),
            result: RefCell::new(Value::None),
            callbacks: RefCell::new(thin_vec::ThinVec::new()),
            waker: Cell::new(None),
            log_tb: Cell::new(false),
            blocking: Cell::new(false),
            bare_yield: Cell::new(false),
            finalized: Cell::new(false),
            task: if is_task {
                Some(Box::new(TaskState {
                    coro: RefCell::new(Value::None),
                    name: RefCell::new(Value::None),
                    fut_waiter: Cell::new(None),
                    must_cancel: Cell::new(false),
                    num_cancels_requested: Cell::new(0),
                    log_destroy_pending: Cell::new(false),
                    index: Cell::new(u32::MAX),
                    context: RefCell::new(Value::None),
                }))
            } else {
                None
            },
        }
    }

    /// The event loop (None before `__init__`).
    pub fn loop_value(&self) -> Value {
        cell_value(&self.loop_)
    }

    /// Sets the event loop: an object (anything else leaves none).
    pub fn set_loop(&self, lp: Value) {
        set_cell(&self.loop_, lp);
    }

    /// Where the future was made, when its loop was in debug mode (else None).
    pub fn source_tb(&self) -> Value {
        match self.extra.try_borrow() {
            Ok(e) => e.as_ref().map_or(Value::None, |x| x.source_tb.clone()),
            Err(_) => Value::None,
        }
    }

    /// The rarely used parts, allocated now if they were not yet.
    pub fn extra(&self) -> RefMut<'_, FutureExtra> {
        RefMut::map(self.extra.borrow_mut(), |e| {
            &mut **e.get_or_insert_with(|| {
                Box::new(FutureExtra {
                    dict: DictData::new(),
                    cancel_msg: Value::None,
                    cancelled_exc: Value::None,
                    exception: Value::None,
                    exception_tb: None,
                    source_tb: Value::None,
                    cancelled_sleep: None,
                })
            })
        })
    }

    /// A user attribute.
    pub fn attr(&self, name: &Value) -> Option<Value> {
        let extra = self.extra.borrow();
        crate::vm::dictops::get_str(&extra.as_ref()?.dict, name)
    }

    /// Removes a user attribute; None if it was not set.
    pub fn del_attr(&self, name: &Value) -> Option<Value> {
        let mut extra = self.extra.borrow_mut();
        crate::vm::dictops::del_str(&mut extra.as_mut()?.dict, name)
    }

    pub fn cancel_msg(&self) -> Value {
        match &*self.extra.borrow() {
            Some(e) => e.cancel_msg.clone(),
            None => Value::None,
        }
    }

    pub fn set_cancel_msg(&self, msg: Value) {
        if !msg.is_none() || self.extra.borrow().is_some() {
            self.extra().cancel_msg = msg;
        }
    }

    /// The CancelledError that cancelled the task, taken (it is raised once).
    pub fn take_cancelled_exc(&self) -> Value {
        match &mut *self.extra.borrow_mut() {
            Some(e) => std::mem::replace(&mut e.cancelled_exc, Value::None),
            None => Value::None,
        }
    }

    /// The exception set on this future (None if none).
    pub fn exception(&self) -> Value {
        match &*self.extra.borrow() {
            Some(e) => e.exception.clone(),
            None => Value::None,
        }
    }

    /// An exception is set (or cannot be ruled out: the extra part is being changed).
    #[inline]
    pub fn has_exception(&self) -> bool {
        match self.extra.try_borrow() {
            Ok(e) => e.as_ref().is_some_and(|x| !x.exception.is_none()),
            Err(_) => true,
        }
    }

    /// The saved traceback of the exception, taken (restored on the first retrieval only).
    pub fn take_exception_tb(&self) -> Option<super::exception::Traceback> {
        self.extra.borrow_mut().as_mut()?.exception_tb.take()
    }

    /// No done callback that code can see is registered, so a task's wake-up may take the
    /// waker slot, which runs first. A fast-tier sleep's timer cancellation does not count:
    /// it runs at once when the future is done and is never shown, so its place in the
    /// order is not observable (and the sleep's awaiting task needs no allocation).
    pub fn waker_slot_free(&self) -> bool {
        let w = self.waker.take();
        let none = w.is_none();
        self.waker.set(w);
        none && self
            .callbacks
            .try_borrow()
            .is_ok_and(|c| c.iter().all(|cb| matches!(cb, Callback::CancelTimer(..))))
    }

    /// The timer and delay of a sleep the fast tier runs without its coroutine.
    pub fn sleep_timer(&self) -> Option<(ObjRef, Value)> {
        self.callbacks
            .try_borrow()
            .ok()?
            .iter()
            .find_map(|c| match c {
                Callback::CancelTimer(h, d) => Some((h.clone(), d.clone())),
                _ => None,
            })
    }

    /// `sleep_timer` of a cancelled sleep future (see `FutureExtra::cancelled_sleep`),
    /// taken: its coroutine is being made.
    pub fn take_cancelled_sleep(&self) -> Option<(ObjRef, Value)> {
        self.extra
            .try_borrow_mut()
            .ok()?
            .as_mut()?
            .cancelled_sleep
            .take()
    }

    /// The done callbacks in the order they run (the waker first), as code sees them.
    pub fn all_callbacks(&self) -> Vec<Callback> {
        let mut out: Vec<Callback> = peek(&self.waker)
            .map(Callback::Wakeup)
            .into_iter()
            .collect();
        let cbs = self.callbacks.borrow();
        out.extend(
            cbs.iter()
                .filter(|c| !matches!(c, Callback::CancelTimer(..)))
                .cloned(),
        );
        out
    }

    #[inline]
    pub fn done(&self) -> bool {
        self.state.get() != FutState::Pending
    }

    /// Dying must report something: an exception nobody retrieved, or a pending task.
    pub fn needs_finalizer(&self) -> bool {
        if self.finalized.get() {
            return false;
        }
        if self.log_tb.get() {
            return true;
        }
        match &self.task {
            Some(t) => t.log_destroy_pending.get() && self.state.get() == FutState::Pending,
            None => false,
        }
    }

    /// Every value this object references (for traversal and clearing).
    pub fn for_each_ref(&self, f: &mut dyn FnMut(&ObjRef)) {
        fn value(v: &Value, f: &mut dyn FnMut(&ObjRef)) {
            if let Value::Obj(o) = v {
                f(o)
            }
        }
        let FutureObj {
            class: _,
            extra,
            loop_,
            state: _,
            result,
            callbacks,
            waker,
            log_tb: _,
            blocking: _,
            bare_yield: _,
            finalized: _,
            task,
        } = self;
        if let Ok(extra) = extra.try_borrow() {
            if let Some(x) = &*extra {
                let FutureExtra {
                    dict,
                    cancel_msg,
                    cancelled_exc,
                    exception,
                    exception_tb: _,
                    source_tb,
                    cancelled_sleep,
                } = &**x;
                if let Some((h, d)) = cancelled_sleep {
                    f(h);
                    value(d, f);
                }
                dict.iter().for_each(|e| {
                    value(&e.key, f);
                    value(&e.value, f);
                });
                value(cancel_msg, f);
                value(cancelled_exc, f);
                value(exception, f);
                value(source_tb, f);
            }
        }
        if let Ok(v) = result.try_borrow() {
            value(&v, f);
        }
        for cell in [loop_, waker] {
            let o = cell.take();
            if let Some(t) = &o {
                f(t);
            }
            cell.set(o);
        }
        if let Ok(cbs) = callbacks.try_borrow() {
            for cb in cbs.iter() {
                match cb {
                    Callback::Wakeup(t) | Callback::Gather(t) => f(t),
                    Callback::CancelTimer(h, d) => {
                        f(h);
                        value(d, f);
                    }
                    Callback::Func(func, context) => {
                        value(func, f);
                        value(context, f);
                    }
                }
            }
        }
        if let Some(t) = task {
            let TaskState {
                coro,
                name,
                fut_waiter,
                must_cancel: _,
                num_cancels_requested: _,
                log_destroy_pending: _,
                index: _,
                context,
            } = &**t;
            for cell in [coro, name, context] {
                if let Ok(v) = cell.try_borrow() {
                    value(&v, f);
                }
            }
            let w = fut_waiter.take();
            if let Some(t) = &w {
                f(t);
            }
            fut_waiter.set(w);
        }
    }

    /// Moves every reference out (cycle clearing and deallocation).
    pub fn take_values(&self, out: &mut Vec<Value>) {
        if let Ok(mut extra) = self.extra.try_borrow_mut() {
            if let Some(mut x) = extra.take() {
                out.extend(x.dict.drain_values());
                out.push(std::mem::replace(&mut x.cancel_msg, Value::None));
                out.push(std::mem::replace(&mut x.cancelled_exc, Value::None));
                out.push(std::mem::replace(&mut x.exception, Value::None));
                out.push(std::mem::replace(&mut x.source_tb, Value::None));
                if let Some(mut tb) = x.exception_tb.take() {
                    tb.take_values(out);
                }
            }
        }
        if let Ok(mut v) = self.result.try_borrow_mut() {
            out.push(std::mem::replace(&mut *v, Value::None));
        }
        for cell in [&self.loop_, &self.waker] {
            if let Some(t) = cell.take() {
                out.push(Value::Obj(t));
            }
        }
        if let Ok(mut cbs) = self.callbacks.try_borrow_mut() {
            for cb in cbs.drain(..) {
                out.extend(cb.values());
            }
        }
        if let Some(t) = &self.task {
            for cell in [&t.coro, &t.name, &t.context] {
                if let Ok(mut v) = cell.try_borrow_mut() {
                    out.push(std::mem::replace(&mut *v, Value::None));
                }
            }
            if let Some(w) = t.fut_waiter.take() {
                out.push(Value::Obj(w));
            }
        }
    }
}

/// `asyncio.Handle` / `asyncio.TimerHandle`: a scheduled callback.
pub struct HandleObj {
    /// Handle or TimerHandle.
    pub class: ObjRef,
    pub callback: RefCell<Value>,
    pub args: RefCell<Vec<Value>>,
    pub cancelled: Cell<bool>,
    /// The deadline of a TimerHandle.
    pub when: Option<f64>,
    /// The loop (for timer-cancellation bookkeeping).
    pub loop_: RefCell<Value>,
    /// A TimerHandle still in its loop's heap.
    pub scheduled: Cell<bool>,
    pub context: RefCell<Value>,
    /// Where it was made (a `traceback.StackSummary`), in a loop in debug mode.
    pub source_tb: RefCell<Value>,
}

impl HandleObj {
    pub fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        let HandleObj {
            class: _,
            callback,
            args,
            cancelled: _,
            when: _,
            loop_,
            scheduled: _,
            context,
            source_tb,
        } = self;
        for cell in [callback, loop_, context, source_tb] {
            if let Ok(v) = cell.try_borrow() {
                f(&v);
            }
        }
        if let Ok(a) = args.try_borrow() {
            a.iter().for_each(f);
        }
    }

    pub fn take_values(&self, out: &mut Vec<Value>) {
        for cell in [&self.callback, &self.loop_, &self.context, &self.source_tb] {
            if let Ok(mut v) = cell.try_borrow_mut() {
                out.push(std::mem::replace(&mut *v, Value::None));
            }
        }
        if let Ok(mut a) = self.args.try_borrow_mut() {
            out.append(&mut a);
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every parked task holds two futures' worth of these (its own and the one it waits
    /// on), and its task state: keep them within the allocator's 96-byte size class.
    #[test]
    fn future_size() {
        assert!(std::mem::size_of::<super::FutureObj>() <= 96);
        assert!(std::mem::size_of::<super::TaskState>() <= 96);
    }
}
