//! Guarded native shortcuts for the paths of `asyncio.Queue` and `asyncio.Lock` that never
//! suspend (stdlib/asyncio/queues.aio, locks.aio). In aio code those paths are a chain of
//! small method calls (`put` -> `full` -> `qsize`, `put_nowait` -> `_put`, `Event.clear`,
//! `_wakeup_next`, ...), each a frame.
//!
//! A shortcut does exactly what that chain does, but only when everything the chain would
//! reach is the standard thing: the methods resolve to the package's own functions (no
//! subclass override, no monkeypatch, no instance attribute shadowing them), the state
//! attributes are plain instance attributes of the expected kinds (no class attribute or
//! descriptor with that name, no `__getattribute__`/`__setattr__`), and the waiter futures
//! are plain `asyncio.Future`s. Otherwise it answers "not handled" before changing anything
//! and the aio code runs its own, CPython-shaped, path.

use crate::eventloop::futures::as_future;
use crate::obj::class::InstanceObj;
use crate::obj::deque::DequeObj;
use crate::obj::dict::DictData;
use crate::obj::function::Args;
use crate::obj::future::FutState;
use crate::obj::{FutureObj, Obj};
use crate::vm::class::lookup;
use crate::vm::dictops::{get_str, set_str};
use crate::vm::errors::{runtime_error, type_error, PyResult};
use crate::vm::lookup_cache;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

/// The classes a shortcut may stand in for.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum Kind {
    #[default]
    Queue,
    Event,
    Lock,
    Future,
    Loop,
}

const QUEUE_METHODS: &[&str] = &[
    "full",
    "qsize",
    "put_nowait",
    "_put",
    "empty",
    "get_nowait",
    "_get",
    "_wakeup_next",
];
/// In the order `__init__` sets them, which `standard_instance` tries first.
const QUEUE_DATA: &[&str] = &[
    "_maxsize",
    "_getters",
    "_putters",
    "_unfinished_tasks",
    "_finished",
    "_queue",
];
const EVENT_METHODS: &[&str] = &["set", "clear"];
const EVENT_DATA: &[&str] = &["_waiters", "_value"];
const LOCK_METHODS: &[&str] = &["_get_loop", "_wake_up_first", "acquire", "release"];
/// `_loop` is a class attribute (None) of `_LoopBoundMixin`, shadowed per instance.
const LOCK_DATA: &[&str] = &["_waiters", "_locked"];
const FUTURE_METHODS: &[&str] = &["done", "cancelled", "set_result"];
const LOOP_METHODS: &[&str] = &["create_future"];
/// Hooks that would intercept the plain instance-dict reads and writes.
const ATTR_HOOKS: &[&str] = &["__getattribute__", "__setattr__"];

/// What a class must look like for one kind's shortcuts: class attribute `name` must be
/// `value` (compared by identity), each `data` name must be absent from the MRO. The
/// first `methods` entries of `expect` are the methods an instance must not shadow.
struct Standard {
    kind: Kind,
    expect: Vec<(Value, Value)>,
    methods: usize,
    data: Vec<Value>,
    /// `data` and `_loop`: the instance attributes `standard_instance` reads.
    state: Vec<Value>,
}

#[derive(Default)]
pub struct SyncHooks {
    standards: Vec<Standard>,
    /// `events` module namespace and its `_get_running_loop` (read by `_get_loop`).
    events: Option<(ObjRef, Value)>,
    /// The lookup-cache epoch, and the classes that passed their `Standard` in it.
    verified: RefCell<(u64, Vec<(usize, Kind)>)>,
    /// The last class found in `verified` (one comparison for the common case of one
    /// queue or lock class used over and over).
    last_verified: std::cell::Cell<(u64, (usize, Kind))>,
    names: Option<Rc<Names>>,
    /// Per kind, the instance `standard_instance` last found standard, and what made it
    /// so: while its class, the class namespaces (epoch) and the layout of its own
    /// namespace (keys and their positions; values may change) are unchanged, it still is.
    recent: [RefCell<Option<Recent>>; KINDS],
}

const KINDS: usize = 5;

struct Recent {
    /// Keeps the box allocated, so no other object can take the address meanwhile.
    obj: crate::gc::heap::WeakRef,
    class: usize,
    epoch: u64,
    layout: u32,
}

/// Interned attribute names used on every call.
struct Names {
    unfinished: Value,
    value: Value,
    waiters: Value,
    locked: Value,
    loop_: Value,
    get_running_loop: Value,
}

impl Names {
    fn new(vm: &mut Vm) -> Names {
        Names {
            unfinished: vm.intern("_unfinished_tasks"),
            value: vm.intern("_value"),
            waiters: vm.intern("_waiters"),
            locked: vm.intern("_locked"),
            loop_: vm.intern("_loop"),
            get_running_loop: vm.intern("_get_running_loop"),
        }
    }
}

/// Builds the `Standard` of `kind` from the class it is modelled on, as it is now (the
/// package registers right after defining its classes).
fn standard(vm: &mut Vm, kind: Kind, cls: &ObjRef, methods: &[&str], data: &[&str]) -> Standard {
    let object = vm.t.object.clone();
    let mut expect = Vec::new();
    let count = methods.len();
    for &m in methods {
        let key = vm.intern(m);
        let v = lookup(cls, &key).unwrap_or(Value::Undef);
        expect.push((key, v));
    }
    for &h in ATTR_HOOKS {
        let key = vm.intern(h);
        let v = lookup(&object, &key).unwrap_or(Value::Undef);
        expect.push((key, v));
    }
    if kind == Kind::Lock {
        expect.push((vm.intern("_loop"), Value::None));
    }
    let data: Vec<Value> = data.iter().map(|d| vm.intern(d)).collect();
    let mut state = data.clone();
    state.push(vm.intern("_loop"));
    Standard {
        kind,
        expect,
        methods: count,
        data,
        state,
    }
}

fn class_arg(args: &Args, i: usize) -> PyResult<ObjRef> {
    match args.pos.get(i) {
        Some(Value::Obj(o)) if matches!(&**o, Obj::Class(_)) => Ok(o.clone()),
        _ => Err(type_error("_sync_register: expected a class")),
    }
}

fn hooks_mut(vm: &mut Vm) -> &mut SyncHooks {
    if vm.aio.sync.as_ref().is_none_or(|h| h.names.is_none()) {
        let names = Rc::new(Names::new(vm));
        vm.aio.sync.get_or_insert_with(Default::default).names = Some(names);
    }
    vm.aio.sync.get_or_insert_with(Default::default)
}

impl SyncHooks {
    fn standard(&self, kind: Kind) -> Option<&Standard> {
        self.standards.iter().find(|s| s.kind == kind)
    }
}

/// The interned names, once a class was registered.
fn names(vm: &Vm) -> Option<Rc<Names>> {
    vm.aio.sync.as_ref()?.names.clone()
}

/// `_sync_register_queue(Queue, Event)`: the classes queues.aio defines.
pub fn register_queue(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_sync_register_queue", 2, 2)?;
    let (queue, event) = (class_arg(args, 0)?, class_arg(args, 1)?);
    let q = standard(vm, Kind::Queue, &queue, QUEUE_METHODS, QUEUE_DATA);
    let e = standard(vm, Kind::Event, &event, EVENT_METHODS, EVENT_DATA);
    register_common(vm)?;
    let h = hooks_mut(vm);
    h.standards
        .retain(|s| s.kind != Kind::Queue && s.kind != Kind::Event);
    h.standards.extend([q, e]);
    Ok(Value::None)
}

/// `_sync_register_lock(Lock, events)`: the Lock class and the module `_get_loop` reads.
pub fn register_lock(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_sync_register_lock", 2, 2)?;
    let lock = class_arg(args, 0)?;
    let Some(Value::Obj(events)) = args.pos.get(1) else {
        return Err(type_error("_sync_register_lock: expected a module"));
    };
    let Obj::Module(m) = &**events else {
        return Err(type_error("_sync_register_lock: expected a module"));
    };
    let ns = m.dict.clone();
    let key = vm.intern("_get_running_loop");
    let grl = match &*ns {
        Obj::Dict(d) => get_str(&d.borrow(), &key).unwrap_or(Value::Undef),
        _ => Value::Undef,
    };
    let l = standard(vm, Kind::Lock, &lock, LOCK_METHODS, LOCK_DATA);
    register_common(vm)?;
    let h = hooks_mut(vm);
    h.standards.retain(|s| s.kind != Kind::Lock);
    h.standards.push(l);
    h.events = Some((ns, grl));
    Ok(Value::None)
}

/// The Future and loop classes, from `_asyncio` itself.
fn register_common(vm: &mut Vm) -> PyResult<()> {
    if vm.aio.sync.as_ref().is_some_and(|h| {
        h.standards
            .iter()
            .any(|s| s.kind == Kind::Future || s.kind == Kind::Loop)
    }) {
        return Ok(());
    }
    let Some(c) = vm.aio_classes() else {
        return Err(runtime_error("asyncio is not initialised"));
    };
    let f = standard(vm, Kind::Future, &c.future, FUTURE_METHODS, &[]);
    let l = standard(vm, Kind::Loop, &c.event_loop, LOOP_METHODS, &[]);
    hooks_mut(vm).standards.extend([f, l]);
    Ok(())
}

/// Whether class `cls` passes the standard of `kind` (cached per lookup-cache epoch).
fn class_ok(vm: &Vm, kind: Kind, cls: &ObjRef) -> bool {
    let Some(h) = vm.aio.sync.as_ref() else {
        return false;
    };
    let epoch = lookup_cache::epoch();
    let key = (cls.addr(), kind);
    if h.last_verified.get() == (epoch, key) {
        return true;
    }
    {
        let mut verified = h.verified.borrow_mut();
        if verified.0 != epoch {
            *verified = (epoch, Vec::new());
        } else if verified.1.contains(&key) {
            h.last_verified.set((epoch, key));
            return true;
        }
    }
    let Some(std) = h.standards.iter().find(|s| s.kind == kind) else {
        return false;
    };
    let ok = std
        .expect
        .iter()
        .all(|(name, v)| lookup(cls, name).is_some_and(|found| found.is(v)))
        && std.data.iter().all(|name| lookup(cls, name).is_none());
    if ok {
        h.verified.borrow_mut().1.push(key);
    }
    ok
}

/// `obj` as an instance whose class passes `kind` and whose namespace is what `__init__`
/// leaves: the kind's state attributes in order (`_loop` last, once bound) and nothing
/// else, so that nothing shadows a method and state attribute `pos` is namespace entry
/// `pos` (`at`, `set`). Anything else is left to the aio code.
#[inline(always)]
fn standard_instance<'a>(vm: &Vm, kind: Kind, obj: &'a Value) -> Option<&'a InstanceObj> {
    let Value::Obj(o) = obj else { return None };
    let Obj::Instance(i) = &**o else { return None };
    let h = vm.aio.sync.as_ref()?;
    let recent = h.recent[kind as usize].try_borrow().ok().is_some_and(|r| {
        r.as_ref().is_some_and(|r| {
            r.obj.is(o)
                && r.epoch == lookup_cache::epoch()
                && r.class == i.class.with(|c| c.addr())
                && r.layout == i.read_attrs(|d| d.layout())
        })
    });
    if recent {
        return Some(i);
    }
    verify_instance(vm, h, kind, o, i)
}

/// `standard_instance` of an instance other than the kind's most recent one (or one
/// changed since): its class and namespace are checked, and it becomes the recent one.
#[inline(never)]
fn verify_instance<'a>(
    vm: &Vm,
    h: &SyncHooks,
    kind: Kind,
    o: &ObjRef,
    i: &'a InstanceObj,
) -> Option<&'a InstanceObj> {
    let epoch = lookup_cache::epoch();
    let class = i.class.with(|c| c.addr());
    let layout = i.read_attrs(|d| d.layout());
    if !i.class.with(|cls| class_ok(vm, kind, cls)) {
        return None;
    }
    let std = h.standard(kind)?;
    let exact = i.read_attrs(|d| {
        let n = d.len();
        n == d.dense_end()
            && n <= std.state.len()
            && std.state[..n]
                .iter()
                .enumerate()
                .all(|(pos, k)| d.entry(pos).is_some_and(|e| e.key.is(k)))
    });
    if !exact {
        return None;
    }
    if let Ok(mut r) = h.recent[kind as usize].try_borrow_mut() {
        *r = Some(Recent {
            obj: o.downgrade(),
            class,
            epoch,
            layout,
        });
    }
    Some(i)
}

/// Runs `f` on the namespace of `obj` when it is a standard instance of `kind` (see
/// `standard_instance`), where state attribute `pos` is entry `pos`. `f` must not drop
/// anything that could run code: the namespace is out of the instance meanwhile.
fn with_state<R>(
    vm: &Vm,
    kind: Kind,
    obj: &Value,
    f: impl FnOnce(&mut DictData) -> Option<R>,
) -> Option<R> {
    standard_instance(vm, kind, obj)?.write_attrs(f)
}

/// State attribute `pos` of a standard instance's namespace.
fn value_at(d: &DictData, pos: usize) -> Option<&Value> {
    d.entry(pos).map(|e| &e.value)
}

/// Stores state attribute `pos` in a standard instance's namespace, giving back the old
/// value for the caller to drop once the namespace is back in place.
fn store_at(d: &mut DictData, pos: usize, v: Value) -> Value {
    match d.entry_mut(pos) {
        Some(e) => std::mem::replace(&mut e.value, v),
        None => v,
    }
}

/// State attribute `pos` of a standard instance (`Undef` while unset: `_loop`).
fn at(i: &InstanceObj, pos: usize) -> Value {
    let [v] = state(i, [pos]);
    v
}

/// State attributes `pos` of a standard instance, read in one pass.
fn state<const N: usize>(i: &InstanceObj, pos: [usize; N]) -> [Value; N] {
    i.read_attrs(|d| pos.map(|p| d.entry(p).map_or(Value::Undef, |e| e.value.clone())))
}

/// The running loop's object when its class passes `Kind::Loop` and no instance
/// attribute shadows `create_future`.
fn standard_loop(vm: &Vm, lp: &ObjRef) -> bool {
    let Obj::Instance(i) = &**lp else {
        return false;
    };
    let Some(std) = vm.aio.sync.as_ref().and_then(|h| h.standard(Kind::Loop)) else {
        return false;
    };
    i.class.with(|cls| class_ok(vm, Kind::Loop, cls))
        && i.read_attrs(|d| {
            std.expect[..std.methods]
                .iter()
                .all(|(m, _)| get_str(d, m).is_none())
        })
}

/// `v` as a plain `asyncio.Future` (not a Task or subclass) with nothing shadowed.
fn standard_future<'a>(vm: &Vm, v: &'a Value) -> Option<(&'a ObjRef, &'a FutureObj)> {
    let Value::Obj(o) = v else { return None };
    let f = as_future(o)?;
    let classes = vm.aio.classes.as_ref()?;
    if !f.class.is(&classes.future) || !class_ok(vm, Kind::Future, &f.class) {
        return None;
    }
    if f.extra.borrow().is_some() {
        let std = vm.aio.sync.as_ref()?.standard(Kind::Future)?;
        if std.expect[..std.methods]
            .iter()
            .any(|(m, _)| f.attr(m).is_some())
        {
            return None;
        }
    }
    Some((o, f))
}

/// `i.<name> = v` for a standard instance: in place when the attribute sits at `pos` of
/// the namespace (where `__init__` put it), else by name (which changes the layout, so
/// the instance is checked again next time).
fn set(i: &InstanceObj, pos: usize, name: &Value, v: Value) {
    i.write_attrs(|d| match d.entry_mut(pos) {
        Some(e) if e.key.is(name) => e.value = v,
        _ => set_str(d, name.clone(), v),
    });
}

fn deque(v: &Value) -> Option<&DequeObj> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Deque(d) => Some(d),
            _ => None,
        },
        _ => None,
    }
}

/// Whether `Queue._wakeup_next(waiters)` can be done natively: every waiter it would look
/// at (up to the first pending one) is a standard future.
#[inline(always)]
fn can_wake_next(vm: &Vm, waiters: &DequeObj) -> bool {
    let Ok(items) = waiters.items.try_borrow() else {
        return false;
    };
    items.is_empty() || all_standard_until_pending(vm, &items)
}

/// `can_wake_next` of waiters there are.
#[inline(never)]
fn all_standard_until_pending(vm: &Vm, waiters: &VecDeque<Value>) -> bool {
    for w in waiters.iter() {
        match standard_future(vm, w) {
            Some((_, f)) if !f.done() => return true,
            Some(_) => {}
            None => return false,
        }
    }
    true
}

/// `Queue._wakeup_next(waiters)`, after `can_wake_next`.
fn wake_next(vm: &mut Vm, waiters: &DequeObj, result: Value) -> PyResult<()> {
    loop {
        let Some(w) = waiters.pop_front() else {
            return Ok(());
        };
        if let Value::Obj(o) = &w {
            if as_future(o).is_some_and(|f| !f.done()) {
                return vm.fut_set_result(o, result);
            }
        }
    }
}

// Positions of the state attributes (the order of QUEUE_DATA, EVENT_DATA, LOCK_DATA,
// then `_loop`), which are their namespace positions in a standard instance.
const Q_MAXSIZE: usize = 0;
const Q_GETTERS: usize = 1;
const Q_PUTTERS: usize = 2;
const Q_UNFINISHED: usize = 3;
const Q_FINISHED: usize = 4;
const Q_ITEMS: usize = 5;
const E_WAITERS: usize = 0;
const E_VALUE: usize = 1;
const L_WAITERS: usize = 0;
const L_LOCKED: usize = 1;
const L_LOOP: usize = 2;

/// `_queue_put(q, item)`: `Queue.put`'s path when the queue is not full (`full()` false,
/// then `put_nowait(item)`). True when done; False when the aio code must run.
pub fn queue_put(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_queue_put", 2, 2)?;
    let (obj, item) = (&args.pos[0], &args.pos[1]);
    Ok(Value::Bool(put(vm, obj, item)?))
}

fn put(vm: &mut Vm, obj: &Value, item: &Value) -> PyResult<bool> {
    let vm_: &Vm = vm;
    let done = with_state(vm_, Kind::Queue, obj, |q| {
        let (Value::Int(maxsize), Value::Int(unfinished)) =
            (value_at(q, Q_MAXSIZE)?, value_at(q, Q_UNFINISHED)?)
        else {
            return None;
        };
        let (items, getters) = (
            deque(value_at(q, Q_ITEMS)?)?,
            deque(value_at(q, Q_GETTERS)?)?,
        );
        if *maxsize > 0 && items.len() as i64 >= *maxsize || !can_wake_next(vm_, getters) {
            return None;
        }
        let count = unfinished.checked_add(1)?;
        // `self._finished.clear()`, checked before anything changes.
        let ev = standard_instance(vm_, Kind::Event, value_at(q, Q_FINISHED)?)?;
        let Value::Bool(set) = ev.read_attrs(|e| value_at(e, E_VALUE).cloned())? else {
            return None;
        };
        if set {
            ev.write_attrs(|e| store_at(e, E_VALUE, Value::Bool(false)));
        }
        let evicted = items.push_back(item.clone());
        let wake = (!getters.is_empty())
            .then(|| value_at(q, Q_GETTERS).cloned())
            .flatten();
        store_at(q, Q_UNFINISHED, Value::Int(count));
        Some((evicted, wake))
    });
    let Some((evicted, wake)) = done else {
        return Ok(false);
    };
    drop(evicted);
    if let Some(getters) = wake.as_ref().and_then(deque) {
        wake_next(vm, getters, Value::None)?;
    }
    Ok(true)
}

/// `_queue_get(q, missing)`: `Queue.get`'s path when the queue is not empty (`empty()`
/// false, then `get_nowait()`): the item, or `missing` when the aio code must run.
pub fn queue_get(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_queue_get", 2, 2)?;
    Ok(get(vm, &args.pos[0])?.unwrap_or_else(|| args.pos[1].clone()))
}

fn get(vm: &mut Vm, obj: &Value) -> PyResult<Option<Value>> {
    let vm_: &Vm = vm;
    let done = with_state(vm_, Kind::Queue, obj, |q| {
        let (items, putters) = (
            deque(value_at(q, Q_ITEMS)?)?,
            deque(value_at(q, Q_PUTTERS)?)?,
        );
        if !can_wake_next(vm_, putters) {
            return None;
        }
        let item = items.pop_front()?;
        let wake = (!putters.is_empty())
            .then(|| value_at(q, Q_PUTTERS).cloned())
            .flatten();
        Some((item, wake))
    });
    let Some((item, wake)) = done else {
        return Ok(None);
    };
    if let Some(putters) = wake.as_ref().and_then(deque) {
        wake_next(vm, putters, Value::None)?;
    }
    Ok(Some(item))
}

/// Whether `Event.set()` can be done natively on standard event `ev`.
fn event_set_ready(vm: &Vm, ev: &InstanceObj) -> bool {
    let waiters = at(ev, E_WAITERS);
    let Some(w) = deque(&waiters) else {
        return false;
    };
    let is_bool = matches!(at(ev, E_VALUE), Value::Bool(_));
    is_bool
        && w.items
            .borrow()
            .iter()
            .all(|f| standard_future(vm, f).is_some())
}

/// `Event.set()`, after `event_set_ready`.
fn event_set(vm: &mut Vm, ev: &InstanceObj, n: &Names) -> PyResult<()> {
    if matches!(at(ev, E_VALUE), Value::Bool(true)) {
        return Ok(());
    }
    set(ev, E_VALUE, &n.value, Value::Bool(true));
    let waiters = at(ev, E_WAITERS);
    let Some(w) = deque(&waiters) else {
        return Ok(());
    };
    // A copy, so no borrow is held across set_result (which only schedules callbacks).
    let futs: Vec<Value> = w.items.borrow().iter().cloned().collect();
    for f in &futs {
        if let Value::Obj(o) = f {
            if as_future(o).is_some_and(|f| !f.done()) {
                vm.fut_set_result(o, Value::Bool(true))?;
            }
        }
    }
    Ok(())
}

/// `_queue_task_done(q)`: `Queue.task_done()` when it does not raise. True when done.
pub fn queue_task_done(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_queue_task_done", 1, 1)?;
    Ok(Value::Bool(task_done(vm, &args.pos[0])?))
}

fn task_done(vm: &mut Vm, obj: &Value) -> PyResult<bool> {
    let step = with_state(vm, Kind::Queue, obj, |q| {
        let Value::Int(unfinished) = *value_at(q, Q_UNFINISHED)? else {
            return None;
        };
        if unfinished > 1 {
            store_at(q, Q_UNFINISHED, Value::Int(unfinished - 1));
            return Some(None);
        }
        // The last one sets `_finished`; not below zero ("called too many times").
        (unfinished == 1).then(|| value_at(q, Q_FINISHED).cloned().map(Some))?
    });
    match step {
        None => Ok(false),
        Some(None) => Ok(true),
        Some(Some(finished)) => finish_tasks(vm, obj, &finished),
    }
}

/// `task_done()` of the last unfinished item: the count drops to zero and `_finished` is
/// set, when that event is standard too.
fn finish_tasks(vm: &mut Vm, obj: &Value, finished: &Value) -> PyResult<bool> {
    let (Some(n), Some(q), Some(ev)) = (
        names(vm),
        standard_instance(vm, Kind::Queue, obj),
        standard_instance(vm, Kind::Event, finished),
    ) else {
        return Ok(false);
    };
    if !event_set_ready(vm, ev) {
        return Ok(false);
    }
    set(q, Q_UNFINISHED, &n.unfinished, Value::Int(0));
    event_set(vm, ev, &n)?;
    Ok(true)
}

/// The loop `Lock._get_loop()` would return, if it returns without raising and the loop's
/// `create_future` is the native one; plus whether `_loop` must be bound to it.
fn lock_loop(vm: &Vm, lock: &InstanceObj, n: &Names) -> Option<(ObjRef, bool)> {
    let h = vm.aio.sync.as_ref()?;
    let (ns, grl) = h.events.as_ref()?;
    let current = match &**ns {
        Obj::Dict(d) => get_str(&d.borrow(), &n.get_running_loop)?,
        _ => return None,
    };
    if !current.is(grl) {
        return None;
    }
    let lp = vm.aio.running_loop()?;
    let bind = match at(lock, L_LOOP) {
        Value::Undef | Value::None => true,
        Value::Obj(o) if o.is(&lp) => false,
        _ => return None,
    };
    standard_loop(vm, &lp).then_some((lp, bind))
}

/// `_all_cancelled(waiters)` of locks.aio, which stops at the first waiter not cancelled;
/// None when a waiter it looks at is not a standard future.
fn all_cancelled(vm: &Vm, waiters: &DequeObj) -> Option<bool> {
    for w in waiters.items.borrow().iter() {
        let (_, f) = standard_future(vm, w)?;
        if f.state.get() != FutState::Cancelled {
            return Some(false);
        }
    }
    Some(true)
}

/// `_lock_try_acquire(lock)`: the start of `Lock.acquire()`. True: acquired at once. A
/// future: the waiter, already appended to `_waiters`, that acquire must await. None: the
/// aio code must run.
pub fn lock_try_acquire(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_lock_try_acquire", 1, 1)?;
    let (Some(n), Some(lock)) = (names(vm), standard_instance(vm, Kind::Lock, &args.pos[0])) else {
        return Ok(Value::None);
    };
    let [locked, waiters] = state(lock, [L_LOCKED, L_WAITERS]);
    let Value::Bool(locked) = locked else {
        return Ok(Value::None);
    };
    let dq = match &waiters {
        Value::None => None,
        v => match deque(v) {
            Some(d) => Some(d),
            None => return Ok(Value::None),
        },
    };
    if !locked {
        // `if not waiters or _all_cancelled(waiters)`
        let free = match dq {
            Some(d) if !d.is_empty() => all_cancelled(vm, d),
            _ => Some(true),
        };
        match free {
            Some(true) => {
                set(lock, L_LOCKED, &n.locked, Value::Bool(true));
                return Ok(Value::Bool(true));
            }
            Some(false) => {}
            None => return Ok(Value::None),
        }
    }
    let (Some((lp, bind)), Some(c)) = (lock_loop(vm, lock, &n), vm.aio_classes()) else {
        return Ok(Value::None);
    };
    let waiters = match dq {
        Some(_) => waiters.clone(),
        None => {
            let d = Value::obj(Obj::Deque(Box::new(DequeObj::new(VecDeque::new(), None))));
            set(lock, L_WAITERS, &n.waiters, d.clone());
            d
        }
    };
    if bind {
        set(lock, L_LOOP, &n.loop_, Value::Obj(lp.clone()));
    }
    let f = FutureObj::new(c.future.clone(), false);
    f.set_loop(Value::Obj(lp));
    let fut = Value::obj(Obj::Future(Box::new(f)));
    if let Some(d) = deque(&waiters) {
        let dropped = d.push_back(fut.clone());
        drop(dropped);
    }
    Ok(fut)
}

/// `_lock_release(lock)`: `Lock.release()` of a held lock. True when done.
pub fn lock_release(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_lock_release", 1, 1)?;
    Ok(Value::Bool(release(vm, &args.pos[0])?))
}

fn release(vm: &mut Vm, obj: &Value) -> PyResult<bool> {
    let (Some(n), Some(lock)) = (names(vm), standard_instance(vm, Kind::Lock, obj)) else {
        return Ok(false);
    };
    let [Value::Bool(true), waiters] = state(lock, [L_LOCKED, L_WAITERS]) else {
        return Ok(false);
    };
    // `_wake_up_first`: the first waiter, if any, gets True unless done.
    let first = match &waiters {
        Value::None => None,
        v => match deque(v) {
            Some(d) => d.items.borrow().front().cloned(),
            None => return Ok(false),
        },
    };
    let first = match &first {
        Some(w) => match standard_future(vm, w) {
            Some((o, f)) => (!f.done()).then(|| o.clone()),
            None => return Ok(false),
        },
        None => None,
    };
    set(lock, L_LOCKED, &n.locked, Value::Bool(false));
    if let Some(o) = first {
        vm.fut_set_result(&o, Value::Bool(true))?;
    }
    Ok(true)
}

/// `Queue.put(q, item)` awaited: None when not full (`put_nowait` done), else the
/// coroutine must run.
fn put_shortcut(vm: &mut Vm, args: &[Value]) -> PyResult<Option<Value>> {
    let [q, item] = args else { return Ok(None) };
    Ok(put(vm, q, item)?.then_some(Value::None))
}

/// `Queue.get(q)` awaited: the item when there is one.
fn get_shortcut(vm: &mut Vm, args: &[Value]) -> PyResult<Option<Value>> {
    let [q] = args else { return Ok(None) };
    get(vm, q)
}

/// `Queue.task_done(q)` when it does not raise.
fn task_done_shortcut(vm: &mut Vm, args: &[Value]) -> PyResult<Option<Value>> {
    let [q] = args else { return Ok(None) };
    Ok(task_done(vm, q)?.then_some(Value::None))
}

/// `Lock.acquire(lock)` awaited, when the lock is free and nobody waits: True.
fn acquire_shortcut(vm: &mut Vm, args: &[Value]) -> PyResult<Option<Value>> {
    let [lock] = args else { return Ok(None) };
    let (Some(n), Some(l)) = (names(vm), standard_instance(vm, Kind::Lock, lock)) else {
        return Ok(None);
    };
    let [locked, waiters] = state(l, [L_LOCKED, L_WAITERS]);
    let free = matches!(locked, Value::Bool(false))
        && match &waiters {
            Value::None => true,
            w => deque(w).is_some_and(|d| d.is_empty()),
        };
    if !free {
        return Ok(None);
    }
    set(l, L_LOCKED, &n.locked, Value::Bool(true));
    Ok(Some(Value::Bool(true)))
}

/// `Lock.__aenter__(lock)` awaited, for a standard Lock that is free and has nobody
/// waiting: `acquire()` done, None.
fn aenter_shortcut(vm: &mut Vm, args: &[Value]) -> PyResult<Option<Value>> {
    Ok(acquire_shortcut(vm, args)?.map(|_| Value::None))
}

/// `_ContextManagerMixin.__aexit__(lock, *exc_info)` awaited, for a standard Lock that
/// is held: `release()` done, None.
fn aexit_shortcut(vm: &mut Vm, args: &[Value]) -> PyResult<Option<Value>> {
    let [lock, _, _, _] = args else {
        return Ok(None);
    };
    Ok(release(vm, lock)?.then_some(Value::None))
}

/// `Lock.release(lock)` of a held lock.
fn release_shortcut(vm: &mut Vm, args: &[Value]) -> PyResult<Option<Value>> {
    let [lock] = args else { return Ok(None) };
    Ok(release(vm, lock)?.then_some(Value::None))
}

/// The functions whose calls have a native shortcut, by the name the stdlib registers
/// them under (`_shortcut(func, name)`).
const SHORTCUTS: &[(&str, crate::obj::function::Shortcut)] = &[
    ("Queue.put", put_shortcut),
    ("Queue.get", get_shortcut),
    ("Queue.task_done", task_done_shortcut),
    ("Lock.acquire", acquire_shortcut),
    ("Lock.release", release_shortcut),
    ("Lock.__aenter__", aenter_shortcut),
    ("Lock.__aexit__", aexit_shortcut),
    ("partial.__new__", super::partial::new_shortcut),
    ("partial.__call__", super::partial::call_shortcut),
];

/// `_shortcut(func, name)`: gives `func` the native shortcut `name` (see
/// `CodeObj::shortcut`).
pub fn register_shortcut(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_shortcut", 2, 2)?;
    let (Some(Value::Obj(f)), Some(name)) = (args.get(0), args.get(1).and_then(|n| n.as_str()))
    else {
        return Err(type_error("_shortcut: expected a function and a name"));
    };
    let Obj::Function(func) = &**f else {
        return Err(type_error("_shortcut: expected a function"));
    };
    let Some((_, sc)) = SHORTCUTS.iter().find(|(n, _)| *n == name) else {
        return Err(type_error(format!("_shortcut: no shortcut named {name:?}")));
    };
    func.code.shortcut.set(Some(*sc));
    Ok(Value::None)
}

/// The module functions, for `_asyncio`.
pub const FUNCS: &[(&str, crate::obj::function::NativeFn)] = &[
    ("_sync_register_queue", register_queue),
    ("_sync_register_lock", register_lock),
    ("_queue_put", queue_put),
    ("_queue_get", queue_get),
    ("_queue_task_done", queue_task_done),
    ("_lock_try_acquire", lock_try_acquire),
    ("_lock_release", lock_release),
    ("_shortcut", register_shortcut),
    ("_partial_register", super::partial::register),
];
