//! Visiting and clearing the references an object holds, for the cycle collector.
//!
//! `traverse` is an exhaustive match with destructured fields (no `..`), so adding a kind
//! or a field is a compile error until its edges are listed here.

use crate::obj::class::Attrs;
use crate::obj::iter::IterState;
use crate::obj::Obj;
use crate::vm::frame::Frame;
use crate::vm::value::{ObjRef, Value};

fn visit_value(v: &Value, f: &mut dyn FnMut(&ObjRef)) {
    if let Value::Obj(o) = v {
        f(o);
    }
}

fn visit_frame(fr: &Frame, f: &mut dyn FnMut(&ObjRef)) {
    let Frame {
        code: _,
        pc: _,
        stack,
        locals,
        extra,
        globals,
        handled,
        entry: _,
        for_iter_next: _,
        generator,
        init_self,
        lazy_coro,
    } = fr;
    stack
        .iter()
        .chain(locals.iter())
        .for_each(|v| visit_value(v, f));
    if let Some(x) = extra {
        let crate::vm::frame::FrameExtra {
            cells,
            locals_map,
            frame_obj,
        } = &**x;
        cells.iter().for_each(&mut *f);
        if let Some(m) = locals_map {
            f(m);
        }
        if let Some(o) = frame_obj {
            f(o);
        }
    }
    f(globals);
    visit_value(handled, f);
    if let Some(g) = generator {
        f(g);
    }
    if let Some(s) = init_self {
        f(s);
    }
    if let Some(o) = lazy_coro {
        f(o);
    }
}

/// Calls `f` on every object `obj` references.
pub fn traverse(obj: &Obj, f: &mut dyn FnMut(&ObjRef)) {
    match obj {
        Obj::Str(_)
        | Obj::Bytes(_)
        | Obj::ByteArray(_)
        // A view references only a bytes or bytearray, which hold no references.
        | Obj::MemoryView(_)
        | Obj::BigInt(_)
        | Obj::Complex(_)
        | Obj::Range(_) => {}
        Obj::Ellipsis | Obj::NotImplemented | Obj::Stream(_) | Obj::Native(_) => {
            if let Obj::Native(n) = obj {
                if let Some(s) = n.self_.as_deref() {
                    visit_value(s, f);
                }
            }
        }
        Obj::Code(c) => c.consts.iter().for_each(|v| visit_value(v, f)),
        Obj::List(l) => {
            if let Ok(l) = l.try_borrow() {
                l.iter().for_each(|v| visit_value(v, f));
            }
        }
        Obj::Deque(d) => {
            if let Ok(d) = d.items.try_borrow() {
                d.iter().for_each(|v| visit_value(v, f));
            }
        }
        // The referent is weak: only the callback is an edge.
        Obj::WeakRef(w) => {
            if let Ok(cb) = w.callback.try_borrow() {
                visit_value(&cb, f);
            }
        }
        Obj::Tuple(t) => t.iter().for_each(|v| visit_value(v, f)),
        Obj::Dict(d) => {
            if let Ok(d) = d.try_borrow() {
                d.iter().for_each(|e| {
                    visit_value(&e.key, f);
                    visit_value(&e.value, f);
                });
            }
        }
        Obj::Set(s) => {
            if let Ok(s) = s.try_borrow() {
                s.iter().for_each(|(_, k)| visit_value(k, f));
            }
        }
        Obj::FrozenSet(s) => s.iter().for_each(|(_, k)| visit_value(k, f)),
        Obj::Slice(s) => {
            let crate::obj::SliceObj { start, stop, step } = s;
            [start, stop, step]
                .into_iter()
                .for_each(|v| visit_value(v, f));
        }
        Obj::Iter(st) => {
            if let Ok(st) = st.try_borrow() {
                match &*st {
                    IterState::Seq { seq, index: _ } | IterState::Reversed { seq, index: _ } => {
                        visit_value(seq, f)
                    }
                    IterState::Deque { deque, .. } => f(deque),
                    IterState::Range { .. } | IterState::LongRange { .. } => {}
                    IterState::Exhausted { class: Some(c) } => f(c),
                    IterState::Exhausted { class: None } => {}
                    IterState::Str { s, pos: _ } => f(s),
                    IterState::Dict { dict, .. } | IterState::DictReversed { dict, .. } => f(dict),
                    IterState::Set { set, .. } => f(set),
                    IterState::Enumerate { iter, count: _ } => visit_value(iter, f),
                    IterState::Zip { iters, strict: _ } => {
                        iters.iter().for_each(|v| visit_value(v, f))
                    }
                    IterState::Map { func, iters } => {
                        visit_value(func, f);
                        iters.iter().for_each(|v| visit_value(v, f));
                    }
                    IterState::Filter { func, iter } => {
                        visit_value(func, f);
                        visit_value(iter, f);
                    }
                    IterState::Callable { func, sentinel } => {
                        visit_value(func, f);
                        visit_value(sentinel, f);
                    }
                }
            }
        }
        Obj::Function(func) => {
            let crate::obj::FunctionObj {
                code: _,
                globals,
                name: _,
                qualname: _,
                defaults,
                kwdefaults,
                closure,
                annotations,
                dict,
                module,
                doc,
                // A copy of `code`: constants hold no containers.
                iterable_coroutine_code: _,
            } = &**func;
            f(globals);
            if let Ok(d) = defaults.try_borrow() {
                d.iter().for_each(|v| visit_value(v, f));
            }
            if let Ok(k) = kwdefaults.try_borrow() {
                visit_value(&k, f);
            }
            closure.iter().for_each(&mut *f);
            if let Ok(a) = annotations.try_borrow() {
                visit_value(&a, f);
            }
            if let Ok(d) = dict.try_borrow() {
                if let Some(d) = d.as_ref() {
                    f(d);
                }
            }
            visit_value(module, f);
            if let Ok(d) = doc.try_borrow() {
                visit_value(&d, f);
            }
        }
        Obj::BoundMethod(m) => {
            visit_value(&m.func, f);
            visit_value(&m.self_, f);
        }
        Obj::Cell(c) => {
            if let Ok(c) = c.try_borrow() {
                visit_value(&c, f);
            }
        }
        Obj::Class(c) => {
            if let Ok(b) = c.bases.try_borrow() {
                b.iter().for_each(&mut *f);
            }
            if let Ok(m) = c.mro.try_borrow() {
                m.iter().for_each(&mut *f);
            }
            if let Ok(d) = c.dict.try_borrow() {
                d.iter().for_each(|e| {
                    visit_value(&e.key, f);
                    visit_value(&e.value, f);
                });
            }
            if let Ok(m) = c.metaclass.try_borrow() {
                if let Some(m) = &*m {
                    f(m);
                }
            }
            if let Ok(d) = c.made_descriptors.try_borrow() {
                d.iter().for_each(|e| visit_value(&e.value, f));
            }
        }
        Obj::Instance(i) => {
            i.class.with(|c| f(c));
            i.attrs.with(|a| match a {
                Attrs::Inline(d) => d.iter().for_each(|e| {
                    visit_value(&e.key, f);
                    visit_value(&e.value, f);
                }),
                Attrs::Shared(o) => f(o),
            });
            visit_value(i.payload(), f);
        }
        Obj::Exception(e) => {
            f(&e.class);
            for cell in [&e.args, &e.cause, &e.context] {
                if let Ok(v) = cell.try_borrow() {
                    visit_value(&v, f);
                }
            }
            if let Some(d) = e.dict_obj.get() {
                f(d);
            }
            if let Ok(tb) = e.traceback.try_borrow() {
                tb.for_each_ref(f);
            }
        }
        Obj::Module(m) => f(&m.dict),
        Obj::Generator(g) => {
            if let Ok(fr) = g.frame.try_borrow() {
                if let Some(fr) = &*fr {
                    visit_frame(fr, f);
                }
            }
            if let Some(ag) = &g.agen {
                if let Ok(v) = ag.finalizer.try_borrow() {
                    visit_value(&v, f);
                }
            }
        }
        Obj::Property(p) => {
            let crate::obj::PropertyObj {
                fget,
                fset,
                fdel,
                doc,
                getter_doc: _,
                name,
            } = &**p;
            if let Ok(v) = name.try_borrow() {
                visit_value(&v, f);
            }
            for cell in [fget, fset, fdel] {
                if let Ok(v) = cell.try_borrow() {
                    visit_value(&v, f);
                }
            }
            if let Ok(v) = doc.try_borrow() {
                visit_value(&v, f);
            }
        }
        Obj::StaticMethod(w) | Obj::ClassMethod(w) => {
            let crate::obj::WrappedCallable { func, dict } = &**w;
            if let Ok(v) = func.try_borrow() {
                visit_value(&v, f);
            }
            if let Ok(d) = dict.try_borrow() {
                if let Some(d) = &*d {
                    f(d);
                }
            }
        }
        Obj::Super(s) => {
            f(&s.class);
            visit_value(&s.obj, f);
        }
        Obj::DictView(v) => f(&v.dict),
        Obj::Future(fu) => {
            f(&fu.class);
            fu.for_each_ref(f);
            if let Ok(extra) = fu.extra.try_borrow() {
                if let Some(tb) = extra.as_ref().and_then(|x| x.exception_tb.as_ref()) {
                    tb.for_each_ref(f);
                }
            }
        }
        Obj::Frame(fo) => fo.for_each_ref(f),
        Obj::Traceback(tb) => {
            let crate::obj::TracebackObj {
                frame,
                lasti: _,
                next,
            } = tb;
            f(frame);
            if let Ok(n) = next.try_borrow() {
                visit_value(&n, f);
            }
        }
        Obj::AsyncAwaitable(a) => a.for_each_value(&mut |v| visit_value(v, f)),
        Obj::Handle(h) => {
            f(&h.class);
            h.for_each_value(&mut |v| visit_value(v, f));
        }
    }
}

/// Drops the references held in an unreachable object's mutable parts, which breaks every
/// cycle through it (immutable objects cannot form a cycle on their own).
pub fn clear(obj: &Obj) -> Vec<Value> {
    let mut out = Vec::new();
    match obj {
        Obj::List(l) => {
            if let Ok(mut l) = l.try_borrow_mut() {
                out.append(&mut l);
            }
        }
        Obj::Deque(d) => {
            if let Ok(mut d) = d.items.try_borrow_mut() {
                out.extend(d.drain(..));
            }
        }
        Obj::WeakRef(w) => {
            if let Ok(mut cb) = w.callback.try_borrow_mut() {
                out.push(std::mem::replace(&mut *cb, Value::None));
            }
        }
        Obj::Dict(d) => {
            if let Ok(mut d) = d.try_borrow_mut() {
                out.extend(d.drain_values());
            }
        }
        Obj::Set(s) => {
            if let Ok(mut s) = s.try_borrow_mut() {
                out.extend(s.clear());
            }
        }
        Obj::Cell(c) => {
            if let Ok(mut c) = c.try_borrow_mut() {
                out.push(std::mem::replace(&mut *c, Value::Undef));
            }
        }
        Obj::Instance(i) => match i.attrs.replace(Attrs::default()) {
            Attrs::Inline(mut d) => out.extend(d.drain_values()),
            Attrs::Shared(o) => out.push(Value::Obj(o)),
        },
        Obj::Exception(e) => {
            for cell in [&e.args, &e.cause, &e.context] {
                if let Ok(mut v) = cell.try_borrow_mut() {
                    out.push(std::mem::replace(&mut *v, Value::None));
                }
            }
            // The dict object is a container the collector clears on its own.
            if let Ok(mut tb) = e.traceback.try_borrow_mut() {
                tb.take_values(&mut out);
            }
        }
        Obj::Function(func) => {
            if let Ok(mut d) = func.defaults.try_borrow_mut() {
                out.append(&mut d);
            }
            if let Ok(mut d) = func.dict.try_borrow_mut() {
                out.extend(d.take().map(Value::Obj));
            }
            for cell in [&func.kwdefaults, &func.annotations, &func.doc] {
                if let Ok(mut v) = cell.try_borrow_mut() {
                    out.push(std::mem::replace(&mut *v, Value::None));
                }
            }
        }
        Obj::Class(c) => {
            if let Ok(mut d) = c.dict.try_borrow_mut() {
                out.extend(d.drain_values());
            }
            if let Ok(mut d) = c.made_descriptors.try_borrow_mut() {
                out.extend(d.drain_values());
            }
        }
        Obj::Generator(g) => {
            if let Ok(mut fr) = g.frame.try_borrow_mut() {
                if let Some(mut fr) = fr.take() {
                    out.extend(fr.drain_values());
                }
            }
            if let Some(ag) = &g.agen {
                if let Ok(mut v) = ag.finalizer.try_borrow_mut() {
                    out.push(std::mem::replace(&mut *v, Value::None));
                }
            }
            g.state.set(crate::obj::generator::GenState::Finished);
        }
        Obj::AsyncAwaitable(a) => a.take_values(&mut out),
        Obj::Iter(st) => {
            let old = st
                .try_borrow_mut()
                .ok()
                .map(|mut s| std::mem::replace(&mut *s, IterState::Exhausted { class: None }));
            drop(old);
        }
        Obj::Future(fu) => fu.take_values(&mut out),
        Obj::Handle(h) => h.take_values(&mut out),
        Obj::Frame(fo) => fo.drain_values(&mut out),
        Obj::Traceback(tb) => {
            if let Ok(mut n) = tb.next.try_borrow_mut() {
                out.push(std::mem::replace(&mut *n, Value::None));
            }
        }
        _ => {}
    }
    out
}
