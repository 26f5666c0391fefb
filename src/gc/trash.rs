//! Iterative deallocation (CPython's "trashcan"): when a container dies, its children are
//! moved to a queue that the outermost deallocation drains in a loop, so freeing a chain
//! like `x = [x]` a million times deep never recurses on the native stack.

use crate::obj::class::Attrs;
use crate::obj::Obj;
use crate::vm::value::Value;
use std::cell::{Cell, RefCell};

thread_local! {
    static TRASH: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
    static DRAINING: Cell<bool> = const { Cell::new(false) };
    /// The vector a dying object's children are first collected in, kept between deaths so
    /// that each one does not allocate and grow a new one (a future has about ten).
    static SCRATCH: Cell<Vec<Value>> = const { Cell::new(Vec::new()) };
}

/// The most room `SCRATCH` keeps: a vector that held a big container's items is let go.
const SCRATCH_ROOM: usize = 64;

/// Moves the children of a dying object out of it (leaving it empty). The queue is drained
/// from its end, so children are pushed in the reverse of the order CPython releases them
/// in (that order decides the order their finalizers run in): lists and tuples release
/// their last item first, dicts, sets and instance attributes their first.
fn take_children(obj: &mut Obj, out: &mut Vec<Value>) {
    match obj {
        Obj::List(l) => out.append(l.get_mut()),
        Obj::Deque(d) => out.extend(d.items.get_mut().drain(..)),
        Obj::Tuple(t) => out.extend(std::mem::take(t).into_vec()),
        Obj::Dict(d) => out.extend(d.get_mut().drain_values().into_iter().rev()),
        Obj::Set(s) => out.extend(s.get_mut().clear().into_iter().rev()),
        Obj::FrozenSet(s) => out.extend(s.clear().into_iter().rev()),
        Obj::Instance(i) => {
            match std::mem::take(i.attrs.get_mut()) {
                Attrs::Inline(mut d) => out.extend(d.drain_values().into_iter().rev()),
                Attrs::Shared(o) => out.push(Value::Obj(o)),
            }
            out.extend(i.payload.take().map(|p| *p));
        }
        Obj::Exception(e) => {
            // Only objects: fewer pushes keep this hot path (every caught exception) cheap.
            for v in [e.args.get_mut(), e.cause.get_mut(), e.context.get_mut()] {
                if let Value::Obj(_) = v {
                    out.push(std::mem::replace(v, Value::None));
                }
            }
            out.extend(e.dict_obj.take().map(Value::Obj));
            e.traceback.get_mut().take_values(out);
        }
        Obj::Cell(c) => out.push(std::mem::replace(c.get_mut(), Value::None)),
        Obj::Generator(g) => {
            if let Some(ag) = &mut g.agen {
                out.push(std::mem::replace(ag.finalizer.get_mut(), Value::None));
            }
            if let Some(mut f) = g.frame.get_mut().take() {
                out.extend(f.drain_values().into_iter().rev());
            }
        }
        Obj::AsyncAwaitable(a) => a.take_values(out),
        Obj::Function(f) => {
            out.extend(std::mem::take(f.defaults.get_mut()));
            out.extend(f.dict.get_mut().take().map(Value::Obj));
            out.extend(
                std::mem::take(&mut f.closure)
                    .into_vec()
                    .into_iter()
                    .map(Value::Obj),
            );
        }
        Obj::BoundMethod(m) => {
            out.push(std::mem::replace(&mut m.func, Value::None));
            out.push(std::mem::replace(&mut m.self_, Value::None));
        }
        Obj::Future(fu) => fu.take_values(out),
        Obj::Handle(h) => h.take_values(out),
        Obj::Frame(fo) => {
            let start = out.len();
            fo.drain_values(out);
            out[start..].reverse();
        }
        Obj::Traceback(tb) => out.push(std::mem::replace(tb.next.get_mut(), Value::None)),
        Obj::Iter(st) => {
            let st = std::mem::replace(
                st.get_mut(),
                crate::obj::IterState::Exhausted { class: None },
            );
            drop_iter_state(st, out);
        }
        _ => {}
    }
}

/// The kinds that never hold a reference (`take_children` takes nothing from them): their
/// deaths, the commonest (strings, numbers), skip the queue's bookkeeping altogether.
fn holds_no_objects(obj: &Obj) -> bool {
    matches!(
        obj,
        Obj::Str(_)
            | Obj::Bytes(_)
            | Obj::ByteArray(_)
            | Obj::BigInt(_)
            | Obj::Complex(_)
            | Obj::Range(_)
            | Obj::Ellipsis
            | Obj::NotImplemented
    )
}

fn drop_iter_state(st: crate::obj::IterState, out: &mut Vec<Value>) {
    use crate::obj::IterState as I;
    match st {
        I::Seq { seq, .. } | I::Reversed { seq, .. } => out.push(seq),
        I::Enumerate { iter, .. } | I::EnumerateLong { iter, .. } => out.push(iter),
        I::Zip { iters, .. } => out.extend(iters),
        I::Map { func, iters } => {
            out.push(func);
            out.extend(iters);
        }
        I::Filter { func, iter } => {
            out.push(func);
            out.push(iter);
        }
        I::Callable { func, sentinel } => {
            out.push(func);
            out.push(sentinel);
        }
        I::Dict { dict, .. } | I::DictReversed { dict, .. } => out.push(Value::Obj(dict)),
        I::Exhausted { class } => out.extend(class.map(Value::Obj)),
        I::Set { set, .. } => out.push(Value::Obj(set)),
        I::Deque { deque, .. } => out.push(Value::Obj(deque)),
        I::Str { s, .. } => out.push(Value::Obj(s)),
        I::Range { .. } | I::LongRange { .. } => {}
    }
}

impl Drop for Obj {
    fn drop(&mut self) {
        if let Obj::Class(_) = self {
            // Its address may be reused by a new class.
            crate::vm::lookup_cache::invalidate();
        }
        if holds_no_objects(self) {
            return;
        }
        // Taken, not borrowed: a death while it is in use (none is expected) gets a new one,
        // as does one after the thread's locals are gone.
        let mut children = SCRATCH.try_with(Cell::take).unwrap_or_default();
        take_children(self, &mut children);
        // Children referenced elsewhere only lose a count, which frees nothing: released
        // here, in order, they skip the queue, which is for the ones this death frees (and
        // keeps their deallocation iterative).
        children.retain(|v| matches!(v, Value::Obj(o) if o.refcount() == 1));
        let any_object = !children.is_empty();
        if any_object {
            TRASH.with(|t| t.borrow_mut().append(&mut children));
        } else {
            children.clear();
        }
        if children.capacity() <= SCRATCH_ROOM {
            // After the thread's locals are gone the vector is simply freed.
            let _ = SCRATCH.try_with(|s| s.set(children));
        }
        if !any_object {
            return;
        }
        if DRAINING.with(|d| d.replace(true)) {
            return;
        }
        loop {
            let next = TRASH.with(|t| t.borrow_mut().pop());
            match next {
                Some(v) => drop(v),
                None => break,
            }
        }
        DRAINING.with(|d| d.set(false));
    }
}
