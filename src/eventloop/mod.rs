//! The event loop inside the VM (DESIGN.md section 5), shaped like CPython's
//! `BaseEventLoop._run_once`: a ready queue, a timer heap, a poller, and the task step
//! machinery. Loop objects seen by aio code are instances of `_UnixSelectorEventLoop`;
//! their state lives here, owned by the `Vm`.

pub mod asyncgens;
pub mod clock;
pub mod context;
pub mod deadlock;
pub mod executor;
pub mod foreign_future;
pub mod futures;
pub mod gather;
pub mod handler;
pub mod io;
pub mod log_site;
pub mod origin_tracking;
pub mod poller;
pub mod repr;
pub mod run;
pub mod signal_handlers;
pub mod stacks;
pub mod stand_in_frames;
pub mod task;
pub mod timers;
pub mod vthreads;

use crate::obj::Obj;
use crate::vm::errors::ExcRef;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::collections::VecDeque;

/// One entry of the ready queue. Task steps and wake-ups carry their task directly, so
/// waking a task allocates nothing.
pub enum Ready {
    /// `task.__step(exc)`
    Step(ObjRef, Option<ExcRef>),
    /// `task.__wakeup(fut)`
    Wakeup(ObjRef, ObjRef),
    /// A done callback: `func(fut)`.
    Call(Value, Value),
    /// A `Handle` from `call_soon` or a due timer.
    Handle(ObjRef),
    /// A gather's `_done_callback(fut)` (`gather`): its shared state, and the child.
    Gather(ObjRef, ObjRef),
}

/// The classes of the `_asyncio` module, needed by native code.
pub struct Classes {
    pub future: ObjRef,
    pub task: ObjRef,
    pub handle: ObjRef,
    pub timer_handle: ObjRef,
    pub event_loop: ObjRef,
    pub cancelled_error: ObjRef,
    pub invalid_state_error: ObjRef,
    /// `_run_until_complete_cb`
    pub ruc_cb: Value,
    /// `_set_result_unless_cancelled`, the callback of every sleep's timer.
    pub set_result_cb: Value,
}

/// The state of one event loop object.
pub struct LoopState {
    pub obj: ObjRef,
    pub ready: VecDeque<Ready>,
    pub timers: timers::Timers,
    pub stopping: bool,
    pub running: bool,
    pub closed: bool,
    pub debug: bool,
    /// `_coroutine_origin_tracking_enabled` and the depth to restore when it ends
    /// (`origin_tracking`).
    pub origin_tracking: bool,
    pub origin_saved_depth: u32,
    /// Live (not done) tasks of this loop: the loop keeps them alive (DESIGN.md section 1).
    pub tasks: Vec<ObjRef>,
    pub current_task: Option<ObjRef>,
    pub clock: clock::Clock,
    pub poller: Option<poller::Poller>,
    /// The descriptors `add_reader` / `add_writer` watch.
    pub watches: io::Watches,
    /// `set_task_factory`'s factory (None: tasks are `Task`s).
    pub task_factory: Value,
    /// `add_signal_handler`'s handles, by signal.
    pub signal_handlers: std::collections::BTreeMap<i32, ObjRef>,
    /// Async generators first iterated while this loop ran (a weak set).
    pub asyncgens: asyncgens::AsyncGenSet,
}

/// Every loop's state, plus the module-level asyncio state.
#[derive(Default)]
pub struct EventLoops {
    pub loops: Vec<LoopState>,
    /// The running loop (`get_running_loop`), innermost last.
    pub running: Vec<ObjRef>,
    /// The policy's current loop (`set_event_loop` / `get_event_loop`).
    pub current: Option<ObjRef>,
    /// `set_event_loop` was called (even with None): `get_event_loop` makes no loop then.
    pub set_called: bool,
    /// The `Task-N` counter.
    pub task_counter: u64,
    pub classes: Option<std::rc::Rc<Classes>>,
    /// The main task of `asyncio.run` (cancelled by the first Ctrl-C).
    pub main_task: Option<ObjRef>,
    pub interrupt_count: u32,
    /// The loop class `new_event_loop` instantiates (set by the aio package).
    pub loop_factory: Option<Value>,
    /// What the native Queue/Lock shortcuts check against (`modules::asyncio_sync`).
    pub sync: Option<crate::modules::asyncio_sync::SyncHooks>,
    /// The default executors' worker threads (`run_in_executor`, `to_thread`).
    pub vthreads: vthreads::VThreads,
    /// `asyncio.sleep` as the package defined it, for the fast tier's `await sleep(0)`.
    pub zero_sleep: Option<ZeroSleep>,
    /// What `_sleep_timer` returns next instead of a new pair: the future and timer of a
    /// sleep the fast tier started, while `Vm::make_delegate_real` makes its coroutine.
    pub adopt_sleep: Option<(ObjRef, ObjRef)>,
    /// The wake-up socket and flags of signals handled by a loop (`signal_handlers`).
    pub signal_wake: Option<signal_handlers::SignalWake>,
    /// contextvars' running context (`context`).
    pub contexts: context::Contexts,
    /// What the native `gather` and `create_task` need (`gather`).
    pub gather: Option<gather::GatherHook>,
}

/// What `await asyncio.sleep(0)` needs to run without a coroutine (`vm::fast`): the
/// function to recognise, and the finished future (result None) that stands where the
/// awaiting frame keeps what it awaits, once the one bare yield happened.
pub struct ZeroSleep {
    pub func: ObjRef,
    pub done: ObjRef,
}

impl EventLoops {
    /// `f` is exactly a Future or a Task (not a subclass, which may define its own
    /// `__await__`): two pointer compares, for the fast tier's await paths.
    #[inline(always)]
    pub fn is_plain_future(&self, f: &crate::obj::FutureObj) -> bool {
        self.classes
            .as_ref()
            .is_some_and(|c| f.class.is(&c.future) || f.class.is(&c.task))
    }

    /// The index of `lp`'s state.
    pub fn index(&self, lp: &ObjRef) -> Option<usize> {
        self.loops.iter().position(|s| s.obj.is(lp))
    }

    pub fn state(&mut self, lp: &ObjRef) -> Option<&mut LoopState> {
        self.loops.iter_mut().find(|s| s.obj.is(lp))
    }

    /// The state of the loop future `f` belongs to.
    pub fn state_of_future(&mut self, f: &ObjRef) -> Option<&mut LoopState> {
        let lp = future_loop(f).as_objref()?;
        self.state(&lp)
    }

    pub fn running_loop(&self) -> Option<ObjRef> {
        self.running.last().cloned()
    }

    /// `lp`'s task factory, if one is set.
    pub fn task_factory(&self, lp: &ObjRef) -> Option<Value> {
        let st = self.loops.iter().find(|s| s.obj.is(lp))?;
        (!st.task_factory.is_none()).then(|| st.task_factory.clone())
    }
}

impl LoopState {
    pub fn new(obj: ObjRef) -> LoopState {
        LoopState {
            obj,
            ready: VecDeque::new(),
            timers: timers::Timers::default(),
            stopping: false,
            running: false,
            closed: false,
            // `PYTHONASYNCIODEBUG` or dev mode (`coroutines._is_debug_mode()`).
            debug: crate::options::get().asyncio_debug,
            origin_tracking: false,
            origin_saved_depth: 0,
            tasks: Vec::new(),
            current_task: None,
            clock: clock::Clock::new(),
            // Made now, as CPython's loop makes its selector and self-pipe (poller.rs).
            poller: poller::Poller::new().ok(),
            watches: Default::default(),
            task_factory: Value::None,
            signal_handlers: Default::default(),
            asyncgens: Default::default(),
        }
    }

    pub fn time(&self) -> f64 {
        self.clock.now()
    }
}

impl Vm {
    /// The `_asyncio` classes (registered at start-up).
    pub fn aio_classes(&self) -> Option<std::rc::Rc<Classes>> {
        self.aio.classes.clone()
    }

    /// Appends an entry to `lp`'s ready queue (`call_soon`).
    pub fn loop_push_ready(&mut self, lp: &Value, entry: Ready) {
        if let Value::Obj(lp) = lp {
            if let Some(st) = self.aio.state(lp) {
                st.ready.push_back(entry);
                return;
            }
        }
        // A future whose loop is gone: nothing will ever run the entry.
        drop(entry);
    }
}

/// The loop object a future belongs to.
pub fn future_loop(o: &ObjRef) -> Value {
    match &**o {
        Obj::Future(f) => f.loop_value(),
        _ => Value::None,
    }
}

/// A report's context with the future's `source_traceback` when it has one (debug mode).
fn with_source(
    f: &crate::obj::FutureObj,
    mut ctx: Vec<(&'static str, Value)>,
) -> Vec<(&'static str, Value)> {
    let source = f.source_tb();
    if !source.is_none() {
        ctx.push(("source_traceback", source));
    }
    ctx
}

/// Finalizer of a Future/Task whose last reference died: "exception was never retrieved",
/// "Task was destroyed but it is pending!".
pub fn finalize_future(vm: &mut Vm, o: &ObjRef) {
    let Obj::Future(f) = &**o else { return };
    let lp = f.loop_value();
    if let Some(t) = &f.task {
        if t.log_destroy_pending.get() && !f.done() {
            t.log_destroy_pending.set(false);
            let ctx = vec![
                (
                    "message",
                    Value::str("Task was destroyed but it is pending!"),
                ),
                ("task", Value::Obj(o.clone())),
            ];
            handler::call_exception_handler_pairs(vm, &lp, with_source(f, ctx));
        }
    }
    if f.log_tb.get() {
        f.log_tb.set(false);
        let exc = f.exception();
        let cls = crate::vm::class::class_name(&f.class);
        let ctx = vec![
            (
                "message",
                Value::string(format!("{cls} exception was never retrieved")),
            ),
            ("exception", exc),
            ("future", Value::Obj(o.clone())),
        ];
        handler::call_exception_handler_pairs(vm, &lp, with_source(f, ctx));
    }
}
