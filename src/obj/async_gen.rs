//! Async generator state and the awaitables its methods return (`async_generator_asend`,
//! `async_generator_athrow`) plus `anext(it, default)`'s `anext_awaitable`. The behaviour
//! lives in `crate::vm::async_gen`.

use crate::vm::value::{ObjRef, Value};
use std::cell::{Cell, RefCell};

/// What an async generator adds to a generator (CPython's `ag_*` fields).
pub struct AsyncGenState {
    /// The firstiter/finalizer hooks were looked up (first `__anext__`/`asend`/`athrow`/`aclose`).
    pub hooks_inited: Cell<bool>,
    /// `aclose()` started, or the generator finished: the finalizer hook is not needed.
    pub closed: Cell<bool>,
    /// An `asend`/`athrow` awaitable is driving the generator (`ag_running`).
    pub running_async: Cell<bool>,
    /// `sys.get_asyncgen_hooks().finalizer` when the hooks were inited.
    pub finalizer: RefCell<Value>,
    /// The finalizer ran once already (CPython finalizes an object at most once).
    pub finalized: Cell<bool>,
}

impl Default for AsyncGenState {
    fn default() -> AsyncGenState {
        AsyncGenState {
            hooks_inited: Cell::new(false),
            closed: Cell::new(false),
            running_async: Cell::new(false),
            finalizer: RefCell::new(Value::None),
            finalized: Cell::new(false),
        }
    }
}

/// Where an awaitable is in its life (CPython's `AWAITABLE_STATE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwaitState {
    Init,
    Iter,
    Closed,
}

/// The operation an awaitable performs when driven.
pub enum AwaitOp {
    /// `agen.asend(value)` / `agen.__anext__()` (value None).
    ASend { gen: ObjRef, value: RefCell<Value> },
    /// `agen.athrow(exc)`, or `agen.aclose()` when `exc` is None.
    AThrow {
        gen: ObjRef,
        exc: RefCell<Option<Value>>,
    },
    /// `anext(it, default)`: drives `wrapped` (the result of `it.__anext__()`) and turns
    /// StopAsyncIteration into the default value.
    ANext {
        wrapped: RefCell<Value>,
        default: RefCell<Value>,
        iter: RefCell<Value>,
    },
    /// `Future.__await__()` / `__iter__()`: CPython's `_asyncio.FutureIter`, which yields
    /// the pending future once and then returns its result. `fut` is None once used up.
    FutureIter { fut: RefCell<Value> },
    /// `coroutine.__await__()`: CPython's `coroutine_wrapper`, an iterator driving the
    /// coroutine (what `def __await__(self): return self.run().__await__()` returns).
    CoroWrapper { coro: ObjRef },
}

pub struct AsyncAwaitableObj {
    pub op: AwaitOp,
    pub state: Cell<AwaitState>,
}

impl AwaitOp {
    /// Whether the object has `__await__` (the async generator awaitables and `anext`'s);
    /// a FutureIter or coroutine_wrapper is only an iterator.
    pub fn is_awaitable(&self) -> bool {
        !matches!(
            self,
            AwaitOp::FutureIter { .. } | AwaitOp::CoroWrapper { .. }
        )
    }
}

impl AsyncAwaitableObj {
    /// Boxed: `Obj::AsyncAwaitable` holds it out of line (rare, and large).
    pub fn new(op: AwaitOp) -> Box<AsyncAwaitableObj> {
        Box::new(AsyncAwaitableObj {
            op,
            state: Cell::new(AwaitState::Init),
        })
    }

    /// Visits every reference (GC traversal).
    pub fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        match &self.op {
            AwaitOp::ASend { gen, value } => {
                f(&Value::Obj(gen.clone()));
                if let Ok(v) = value.try_borrow() {
                    f(&v);
                }
            }
            AwaitOp::AThrow { gen, exc } => {
                f(&Value::Obj(gen.clone()));
                if let Ok(e) = exc.try_borrow() {
                    if let Some(v) = &*e {
                        f(v);
                    }
                }
            }
            AwaitOp::ANext {
                wrapped,
                default,
                iter,
            } => {
                for cell in [wrapped, default, iter] {
                    if let Ok(v) = cell.try_borrow() {
                        f(&v);
                    }
                }
            }
            AwaitOp::FutureIter { fut } => {
                if let Ok(v) = fut.try_borrow() {
                    f(&v);
                }
            }
            AwaitOp::CoroWrapper { coro } => f(&Value::Obj(coro.clone())),
        }
    }

    /// Moves out every reference it can (cycle clearing); the generator reference stays.
    pub fn take_values(&self, out: &mut Vec<Value>) {
        let cells: Vec<&RefCell<Value>> = match &self.op {
            AwaitOp::ASend { value, .. } => vec![value],
            AwaitOp::AThrow { exc, .. } => {
                if let Ok(mut e) = exc.try_borrow_mut() {
                    out.extend(e.take());
                }
                vec![]
            }
            AwaitOp::ANext {
                wrapped,
                default,
                iter,
            } => vec![wrapped, default, iter],
            AwaitOp::FutureIter { fut } => vec![fut],
            AwaitOp::CoroWrapper { .. } => vec![],
        };
        for c in cells {
            if let Ok(mut v) = c.try_borrow_mut() {
                out.push(std::mem::replace(&mut *v, Value::None));
            }
        }
    }
}
