//! The fast tier of the dispatch loop: the instructions that need nothing but their own
//! frame (locals, constants, small-int and float arithmetic, comparisons, jumps, list and
//! tuple indexing, range and list iteration) run here, in a tight loop that holds the
//! frame in a register instead of finding it on the VM's frame stack for every instruction.
//!
//! Anything else — and any case of these instructions that could raise, call aio code or
//! allocate an object — is handed back untouched to the general loop in `dispatch.rs`,
//! which runs it exactly as before. So this tier changes speed only, never behaviour: each
//! case below either completes the instruction with CPython's result or leaves the frame
//! as it found it.

use super::errors::{ExcRef, PyResult};
use super::frame::{Frame, FrameExtra, Frames};
use super::quicken::Inst;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::generator::{GenKind, GenState};
use crate::obj::{GeneratorObj, IterState, Obj};
use crate::syntax::ast::{BinOp, CmpOp};
use std::rc::Rc;

/// Why the fast tier stopped.
pub(super) enum Exit {
    /// The innermost entry frame returned or yielded this value.
    Return(Value),
    /// An object was released: finalizers (`__del__`, generator close) may be due.
    Released,
    /// The instruction raised (the frame that raised is on top, `pc` past the instruction).
    Raise(ExcRef),
    /// A native call asked the running executor job to leave the CPU
    /// (`eventloop::vthreads`): the dispatch loop returns to the job's driver.
    Switch,
}

/// Runs the innermost frames until an instruction needs the general loop. Calls of plain
/// functions with exactly their positional arguments, and returns to such callers, switch
/// frames here without leaving the tier.
///
/// Runs `code.quick` (see `quicken`); whatever it cannot finish goes back as the original
/// instruction at `pc - 1`, with the parts of a fused instruction before it done. A
/// backward jump or call that reaches the `breaker` interval is left to the general loop,
/// which polls signals and the collector there.
///
/// The frame is found again after each instruction that hands the VM to native code
/// (`call_native`), which may run other frames above it meanwhile.
pub(super) fn run(vm: &mut Vm) -> Exit {
    // The frame taken up next had a generator or coroutine frame that its ForIter or Send
    // resumed inline return a value, now on its stack: that instruction finishes first.
    let mut resume_awaited = false;
    'frames: loop {
        let depth = vm.frames.len();
        let Some(f) = vm.frames.last_mut() else {
            unreachable!("dispatch with an empty frame stack")
        };
        let code = f.code.clone();
        let mut f: &mut Frame = f;
        let ops = &code.code.ops[..];
        let quick = &code.quick[..];
        let consts = &code.consts[..];
        let mut pc = f.pc;
        // After the VM ran code of its own: the frame is found again, and this run goes on
        // if it is still the one it started with (same depth and code; the pc is reread), or
        // starts over on whatever frame is innermost now.
        macro_rules! resync {
            () => {{
                if vm.frames.len() != depth {
                    continue 'frames;
                }
                f = top(&mut vm.frames);
                if !Rc::ptr_eq(&code, &f.code) {
                    continue 'frames;
                }
                pc = f.pc;
                continue;
            }};
        }
        // `slow!(k)`: `ops[k]` runs the general way (everything before it is done).
        macro_rules! slow {
            ($k:expr) => {{
                let k: usize = $k;
                f.pc = k + 1;
                match vm.exec_op(ops[k]) {
                    Ok(None) => {}
                    Ok(Some(v)) => return Exit::Return(v),
                    Err(e) => return Exit::Raise(e),
                }
                resync!();
            }};
        }
        // `released!()`: an object was released; its finalizer (`__del__`, a generator's
        // close) runs now, where CPython's would.
        macro_rules! released {
            () => {{
                f.pc = pc;
                crate::gc::finalize::run_pending(vm);
                resync!();
            }};
        }
        // `can_push!()`: this frame may call without the general loop (a frame may be
        // pushed and no keyword names are pending).
        macro_rules! can_push {
            () => {
                depth < vm.recursion_limit.saturating_sub(vm.native_recursion)
                    && vm.kwnames.is_none()
            };
        }
        // `push!(frame)`: the frame of a call runs now, above this one.
        macro_rules! push {
            ($callee:expr) => {{
                vm.frames.push($callee);
                continue 'frames;
            }};
        }
        // `shortcut_outcome!(r, next)`, after `call_shortcut` answered `r`: a done call goes
        // on at `next`, a raise leaves, a declined call falls through to the caller's path.
        macro_rules! shortcut_outcome {
            ($r:expr, $next:expr) => {{
                match $r {
                    Some(Ok(())) => {
                        pc = $next;
                        if crate::gc::finalize::pending() {
                            released!();
                        }
                        continue;
                    }
                    Some(Err(e)) => return Exit::Raise(e),
                    None => {}
                }
            }};
        }
        // `return_value!(v, at)`: the `Return` at `ops[at]` of `v`, to the frame below when
        // nothing needs handing over; else the general way, with `v` pushed back.
        macro_rules! return_value {
            ($v:expr, $at:expr) => {{
                let v: Value = $v;
                let at: usize = $at;
                // Frames with anything to hand over on return go the general way.
                let awaited = if depth < 2
                    || f.entry
                    || f.init_self.is_some()
                    || FrameExtra::frame_obj_of(&f.extra).is_some()
                {
                    None
                } else {
                    match f.generator.as_deref() {
                        None => Some(f.lazy_coro.is_some()),
                        Some(Obj::Generator(g)) if g.agen.is_none() => Some(true),
                        Some(_) => None,
                    }
                };
                let Some(awaited) = awaited else {
                    f.stack.push(v);
                    slow!(at);
                };
                f.pc = at + 1;
                let released = return_to_caller(vm, v, awaited);
                if released {
                    if awaited {
                        let caller = top(&mut vm.frames);
                        let v = caller.stack.pop().unwrap_or(Value::None);
                        super::dispatch::finish_inline_resume(caller, v);
                    }
                    return Exit::Released;
                }
                resume_awaited = awaited;
                continue 'frames;
            }};
        }
        // `call_native!(base, at)`: the call at `ops[at]` whose native callable sits at
        // `base` (`native_call_base`), called here as the general loop would; for None, the
        // general loop.
        macro_rules! call_native {
            ($base:expr, $at:expr) => {{
                match $base {
                    Some(base) => {
                        f.pc = pc;
                        let r = vm.call_native_in_place(base);
                        f = top(&mut vm.frames);
                        match r {
                            Some(Ok(v)) => f.stack.push(v),
                            Some(Err(e)) => return Exit::Raise(e),
                            None => slow!($at),
                        }
                        if vm.aio.vthreads.switch.is_some() {
                            return Exit::Switch;
                        }
                        if crate::gc::finalize::pending() {
                            released!();
                        }
                    }
                    None => slow!($at),
                }
            }};
        }
        if resume_awaited {
            // As `dispatch::finish_inline_resume`, with the value already pushed.
            resume_awaited = false;
            let stack = &mut f.stack;
            let Some(v) = stack.pop() else {
                unreachable!("the returned value is on the stack")
            };
            let gone = match ops.get(pc.wrapping_sub(1)) {
                // `[.., iterator, v]`: the loop is over.
                Some(crate::bytecode::Op::ForIter(t)) => {
                    pc = *t as usize;
                    stack.pop().is_some_and(released) | released(v)
                }
                // `[.., awaitable, v]` -> `[.., v]`: the await is over.
                Some(crate::bytecode::Op::Send(t)) => {
                    pc = *t as usize;
                    released(std::mem::replace(last(stack), v))
                }
                _ => released(v),
            };
            if gone {
                f.pc = pc;
                crate::gc::finalize::run_pending(vm);
                continue 'frames;
            }
        }
        loop {
            let at = pc;
            let Some(&inst) = quick.get(at) else {
                unreachable!("the compiler ends every code object with Return")
            };
            pc += 1;
            let stack = &mut f.stack;
            let locals = &mut f.locals;
            match inst {
                Inst::Slow => slow!(at),
                Inst::Nop => {}
                Inst::LoadFast(i) => match local(locals, i as usize) {
                    Some(v) => stack.push(v),
                    None => slow!(at),
                },
                Inst::LoadConst(i) => match consts.get(i as usize) {
                    Some(v) => stack.push(v.clone()),
                    None => slow!(at),
                },
                Inst::LoadGlobal(i) => {
                    match super::dispatch::cached_global(
                        &code,
                        i as usize,
                        &f.globals,
                        &vm.builtins,
                    ) {
                        Some(v) => stack.push(v),
                        None => slow!(at),
                    }
                }
                Inst::LoadName(i) => {
                    let module_level = FrameExtra::names_are_globals(&f.extra, &f.globals);
                    let v = module_level
                        .then(|| {
                            super::dispatch::cached_global(
                                &code,
                                i as usize,
                                &f.globals,
                                &vm.builtins,
                            )
                        })
                        .flatten();
                    match v {
                        Some(v) => stack.push(v),
                        None => slow!(at),
                    }
                }
                Inst::StoreName(i) => {
                    let module_level = FrameExtra::names_are_globals(&f.extra, &f.globals);
                    let (true, Some(name), Obj::Dict(d)) =
                        (module_level, code.names.get(i as usize), &*f.globals)
                    else {
                        slow!(at);
                    };
                    let (Ok(mut d), Some(v)) = (d.try_borrow_mut(), stack.pop()) else {
                        slow!(at);
                    };
                    let old = super::dictops::replace_str(&mut d, name.clone(), v);
                    drop(d);
                    if old.is_some_and(released) {
                        released!();
                    }
                }
                Inst::LoadMethod(i) => {
                    match stack.last().and_then(|o| cached_method(&code, i, o, &vm.t)) {
                        Some(m) => {
                            let Some(obj) = stack.pop() else {
                                slow!(at);
                            };
                            stack.push(m);
                            stack.push(obj);
                        }
                        None => {
                            // `module.function(...)`: the attribute, with no receiver.
                            let attr = match (stack.last(), code.names.get(i as usize)) {
                                (Some(Value::Obj(o)), Some(name)) => match &**o {
                                    Obj::Module(m) => {
                                        super::attr_cache::module_load(&code, i as usize, m, name)
                                    }
                                    _ => None,
                                },
                                _ => None,
                            };
                            let Some(v) = attr else {
                                slow!(at);
                            };
                            let module = std::mem::replace(last(stack), Value::Undef);
                            stack.push(v);
                            if released(module) {
                                released!();
                            }
                        }
                    }
                }
                Inst::LoadAttr(i) => {
                    let attr = code
                        .names
                        .get(i as usize)
                        .and_then(|name| match stack.last()? {
                            Value::Obj(o) => match &**o {
                                Obj::Instance(inst) => {
                                    super::attr_cache::load(&code, i as usize, inst, name)
                                }
                                Obj::Module(m) => {
                                    super::attr_cache::module_load(&code, i as usize, m, name)
                                }
                                _ => None,
                            },
                            _ => None,
                        });
                    let Some(v) = attr else {
                        slow!(at);
                    };
                    if released(std::mem::replace(last(stack), v)) {
                        released!();
                    }
                }
                Inst::StoreAttr(i) => {
                    // `[.., value, obj]`
                    let (Some(name), [.., _, Value::Obj(o)]) =
                        (code.names.get(i as usize), &stack[..])
                    else {
                        slow!(at);
                    };
                    if !matches!(&**o, Obj::Instance(_)) {
                        slow!(at);
                    }
                    let (Some(Value::Obj(obj)), Some(v)) = (stack.pop(), stack.pop()) else {
                        unreachable!("StoreAttr has a value and an object")
                    };
                    let Obj::Instance(inst) = &*obj else {
                        unreachable!("checked above")
                    };
                    if let Err(v) = super::attr_cache::store(&code, i as usize, inst, name, v) {
                        // Not a plain store: back as it was, for the general loop.
                        stack.push(v);
                        stack.push(Value::Obj(obj));
                        slow!(at);
                    }
                    if released(Value::Obj(obj)) || crate::gc::finalize::pending() {
                        released!();
                    }
                }
                Inst::UnpackSequence(n) => {
                    // `[.., seq]` -> `[.., item n-1, .., item 0]`
                    let Some(Value::Obj(seq)) = stack.last() else {
                        slow!(at);
                    };
                    let seq = seq.clone();
                    let done = match &*seq {
                        Obj::Tuple(items) if items.len() == n as usize => {
                            stack.pop();
                            stack.extend(items.iter().rev().cloned());
                            true
                        }
                        Obj::List(items) => match items.try_borrow() {
                            Ok(items) if items.len() == n as usize => {
                                stack.pop();
                                stack.extend(items.iter().rev().cloned());
                                true
                            }
                            _ => false,
                        },
                        _ => false,
                    };
                    if !done {
                        slow!(at);
                    }
                    // The stack's reference went with the pop; this one may be the last.
                    if released(Value::Obj(seq)) {
                        released!();
                    }
                }
                Inst::StoreSubscr => {
                    // `[.., value, list, index]`
                    let Some(j) = list_store_index(stack) else {
                        // `[.., value, dict, key]` with a str or int key.
                        if !matches!(&stack[..], [.., _, Value::Obj(d), _] if matches!(&**d, Obj::Dict(_)))
                        {
                            slow!(at);
                        }
                        let (Some(key), Some(Value::Obj(dict)), Some(v)) =
                            (stack.pop(), stack.pop(), stack.pop())
                        else {
                            unreachable!("StoreSubscr has a value, a dict and a key")
                        };
                        match super::dictops::plain_setitem(&dict, &key, v) {
                            Ok(old) => {
                                let r = old.is_some_and(released) | released(key);
                                if r | released(Value::Obj(dict)) {
                                    released!();
                                }
                            }
                            Err(v) => {
                                // Back as it was, for the general path.
                                stack.push(v);
                                stack.push(Value::Obj(dict));
                                stack.push(key);
                                slow!(at);
                            }
                        }
                        continue;
                    };
                    forget_immediate(stack.pop());
                    let (Some(Value::Obj(list)), Some(v)) = (stack.pop(), stack.pop()) else {
                        unreachable!("StoreSubscr has a value and a list")
                    };
                    let old = match &*list {
                        Obj::List(l) => l
                            .borrow_mut()
                            .get_mut(j)
                            .map(|slot| std::mem::replace(slot, v)),
                        _ => None,
                    };
                    if old.is_some_and(released) || released(Value::Obj(list)) {
                        released!();
                    }
                }
                Inst::LoadDeref(i) => {
                    match cell_value(FrameExtra::cells_of(&f.extra), i as usize) {
                        Some(v) => stack.push(v),
                        None => slow!(at),
                    }
                }
                Inst::StoreDeref(i) => {
                    let (Some(cell), Some(v)) =
                        (FrameExtra::cells_of(&f.extra).get(i as usize), stack.pop())
                    else {
                        slow!(at);
                    };
                    let Obj::Cell(c) = &**cell else {
                        unreachable!("a frame's cells are cell objects")
                    };
                    let old = c.replace(v);
                    if released(old) {
                        released!();
                    }
                }
                Inst::StoreFast(i) => {
                    let (Some(slot), Some(v)) = (locals.get_mut(i as usize), stack.pop()) else {
                        slow!(at);
                    };
                    if released(std::mem::replace(slot, v)) {
                        released!();
                    }
                }
                Inst::PopTop => match stack.pop() {
                    Some(v) => {
                        if released(v) {
                            released!();
                        }
                    }
                    None => slow!(at),
                },
                Inst::PushNull => stack.push(Value::Undef),
                Inst::Copy(n) => match stack.len().checked_sub(n as usize) {
                    Some(i) => {
                        let v = stack[i].clone();
                        stack.push(v);
                    }
                    None => slow!(at),
                },
                Inst::Swap(n) => {
                    let len = stack.len();
                    match len.checked_sub(n as usize) {
                        Some(i) => stack.swap(i, len - 1),
                        None => slow!(at),
                    }
                }
                Inst::Binary(op) => match top_two(stack).and_then(|(a, b)| binary(a, b, op)) {
                    Some(r) => {
                        if replace_top_two(stack, r) {
                            released!();
                        }
                    }
                    None => slow!(at),
                },
                Inst::Compare(op @ (CmpOp::Is | CmpOp::IsNot)) => match identity(stack, op) {
                    Some((r, release)) => {
                        stack.push(Value::Bool(r));
                        if release {
                            released!();
                        }
                    }
                    None => slow!(at),
                },
                Inst::Compare(op) => match top_two(stack).and_then(|(a, b)| compare(a, b, op)) {
                    Some(r) => {
                        // Numbers only: no operand to release.
                        forget_immediate(stack.pop());
                        forget_immediate(std::mem::replace(last(stack), Value::Bool(r)));
                    }
                    None => match top_two(stack).and_then(|(a, b)| equality(a, b, op)) {
                        Some(r) => {
                            let b = stack.pop();
                            let a = std::mem::replace(last(stack), Value::Bool(r));
                            if released(a) | b.is_some_and(released) {
                                released!();
                            }
                        }
                        None => slow!(at),
                    },
                },
                Inst::Jump(t) => {
                    let t = t as usize;
                    if t < pc && !count_breaker(&mut vm.breaker_count) {
                        slow!(at);
                    }
                    pc = t;
                }
                Inst::PopJumpIfFalse(t) | Inst::PopJumpIfTrue(t) => {
                    let Some(truth) = stack.last().and_then(truth) else {
                        slow!(at);
                    };
                    let tested = stack.pop();
                    if truth == matches!(inst, Inst::PopJumpIfTrue(_)) {
                        pc = t as usize;
                    }
                    // A str, list, ... tested is a reference to release; others are not.
                    match tested {
                        Some(v @ Value::Obj(_)) => {
                            if released(v) {
                                released!();
                            }
                        }
                        v => forget_immediate(v),
                    }
                }
                Inst::BinarySubscr => match top_two(stack).and_then(|(c, i)| subscript(c, i)) {
                    Some(v) => {
                        // The key may be a str (a dict's).
                        if replace_top_two(stack, v) {
                            released!();
                        }
                    }
                    None => slow!(at),
                },
                Inst::ForIter(t) => match stack.last().and_then(native_next) {
                    Some(Ok(Some(v))) => stack.push(v),
                    Some(Err(e)) => {
                        f.pc = pc;
                        return Exit::Raise(e);
                    }
                    Some(Ok(None)) => {
                        // Exhausted: pop the iterator and leave the loop.
                        let it = stack.pop();
                        pc = t as usize;
                        if it.is_some_and(released) {
                            released!();
                        }
                    }
                    None => slow!(at),
                },
                Inst::Call(n) => {
                    if !can_push!() || crate::gc::finalize::pending() {
                        slow!(at);
                    }
                    // The callable's kind, looked at once: a native function goes straight
                    // to its call, an aio function first tries the exact-arguments path.
                    match callable_kind(stack, n as usize) {
                        Some((CallableKind::Native, base)) => {
                            if let Some(v) = super::quick_calls::call(&vm.quick, &vm.t, stack, base)
                            {
                                if replace_slots(stack, base, v) {
                                    released!();
                                }
                                continue;
                            }
                            call_native!(Some(base), at);
                            continue;
                        }
                        Some((CallableKind::Function, _)) => {
                            f.pc = pc;
                            if exact_call::<false>(vm, n as usize) {
                                continue 'frames;
                            }
                            f = top(&mut vm.frames);
                        }
                        None => {
                            if n == 1 && vm.kwnames.is_none() {
                                if let Some(v) = builtin_conversion(stack, &vm.t) {
                                    if replace_slots(stack, stack.len() - 3, v) {
                                        released!();
                                    }
                                    continue;
                                }
                            }
                        }
                    }
                    let stack = &mut f.stack;
                    if let Some((sc, base, args)) = shortcut(stack, n as usize, false) {
                        f.pc = pc;
                        let r = call_shortcut(vm, sc, base, args);
                        f = top(&mut vm.frames);
                        shortcut_outcome!(r, pc);
                    }
                    // The shortcut, if any, declined: the call runs.
                    let stack = &mut f.stack;
                    match bind_plain_call(
                        stack,
                        n as usize,
                        &mut vm.frame_pool,
                        &mut vm.breaker_count,
                        false,
                        vm.coro_origin_depth != 0,
                    ) {
                        Some(Bound::Frame(callee)) => {
                            f.pc = pc;
                            push!(callee);
                        }
                        Some(Bound::Generator(g)) => stack.push(Value::Obj(g)),
                        None => call_native!(native_call_base(&f.stack, n as usize), at),
                    }
                }
                Inst::CallAwait(n, send_exit) => {
                    if !can_push!() || crate::gc::finalize::pending() {
                        slow!(at);
                    }
                    // `mgr.__aexit__(None, None, None)` of `async with` is a bound method.
                    if let Some(base) = stack.len().checked_sub(n as usize + 2) {
                        unbind_method(stack, base);
                    }
                    // A coroutine function given exactly its parameters runs in place.
                    if exact_await_candidate(stack, n as usize) {
                        f.pc = at + 4;
                        if exact_call::<true>(vm, n as usize) {
                            continue 'frames;
                        }
                        f = top(&mut vm.frames);
                    }
                    let stack = &mut f.stack;
                    if let Some((sc, base, args)) = shortcut(stack, n as usize, true) {
                        f.pc = pc;
                        let r = call_shortcut(vm, sc, base, args);
                        f = top(&mut vm.frames);
                        // Done: the await is over, its value where `Send` leaves it.
                        shortcut_outcome!(r, send_exit as usize);
                    }
                    // The shortcut, if any, declined: the call runs.
                    let stack = &mut f.stack;
                    if let Some(done) = zero_sleep(stack, n, vm.aio.zero_sleep.as_ref()) {
                        // `await asyncio.sleep(0)` is one bare yield to the loop, then None:
                        // the awaiting frame yields at once, with what a finished await
                        // leaves where the sleep coroutine would be.
                        // `[.., Undef, sleep, delay]` -> `[.., done, None]`
                        forget_immediate(stack.pop());
                        let sleep = stack.pop();
                        forget_immediate(std::mem::replace(last(stack), Value::Obj(done)));
                        stack.push(Value::None);
                        pc = at + 4;
                        if sleep.is_some_and(released) {
                            released!();
                        }
                        continue;
                    }
                    if let Some(seconds) = timed_sleep(stack, n, vm.aio.zero_sleep.as_ref()) {
                        f.pc = pc;
                        let delay = stack.last().cloned().unwrap_or(Value::None);
                        let fut = crate::modules::asyncio_core::sleep_future(vm, &delay, seconds);
                        if let Some(fut) = fut {
                            // `await asyncio.sleep(delay)` is an await of the future the
                            // sleep coroutine would await, which `Send` now starts:
                            // `[.., Undef, sleep, delay]` -> `[.., future, None]`.
                            f = top(&mut vm.frames);
                            let stack = &mut f.stack;
                            forget_immediate(stack.pop());
                            let sleep = stack.pop();
                            forget_immediate(std::mem::replace(last(stack), Value::Obj(fut)));
                            stack.push(Value::None);
                            pc = at + 3;
                            if sleep.is_some_and(released) {
                                released!();
                            }
                            continue;
                        }
                        f = top(&mut vm.frames);
                    }
                    let stack = &mut f.stack;
                    // A plain coroutine function runs in place, as if Send had resumed its
                    // new coroutine; anything else is the plain `Call` that starts the await.
                    let (pool, breaker) = (&mut vm.frame_pool, &mut vm.breaker_count);
                    let track = vm.coro_origin_depth != 0;
                    let bound = bind_plain_call(stack, n as usize, pool, breaker, true, track)
                        .or_else(|| {
                            bind_plain_call(stack, n as usize, pool, breaker, false, track)
                        });
                    match bound {
                        Some(Bound::Frame(callee)) => {
                            // Past `Send`, as when it resumed a coroutine inline.
                            f.pc = if callee.lazy_coro.is_some() {
                                at + 4
                            } else {
                                pc
                            };
                            push!(callee);
                        }
                        Some(Bound::Generator(g)) => stack.push(Value::Obj(g)),
                        None => call_native!(native_call_base(&f.stack, n as usize), at),
                    }
                }
                Inst::AsyncWithEnter(t) => {
                    if !can_push!() || crate::gc::finalize::pending() {
                        slow!(at);
                    }
                    let mgr = stack.last().cloned();
                    let methods = mgr.as_ref().and_then(|m| async_with_methods(vm, m));
                    f = top(&mut vm.frames);
                    let Some((enter, exit)) = methods else {
                        slow!(at);
                    };
                    // `[.., mgr]` -> `[.., mgr.__aexit__, __aenter__, mgr]`: the exit method
                    // where BeforeAsyncWith leaves it, then `__aenter__(mgr)` awaited in place.
                    let stack = &mut f.stack;
                    let mgr = last(stack).clone();
                    *last(stack) = Value::obj(Obj::BoundMethod(crate::obj::BoundMethod {
                        func: Value::Obj(exit),
                        self_: mgr.clone(),
                    }));
                    let sc = match &*enter {
                        Obj::Function(func) => func.code.shortcut.get(),
                        _ => None,
                    };
                    stack.push(Value::Obj(enter));
                    stack.push(mgr);
                    if let Some(sc) = sc {
                        // `__aenter__` has a native shortcut: the await may be over at once,
                        // its value where `Send` leaves it.
                        let base = stack.len() - 2;
                        f.pc = pc;
                        let r = call_shortcut(vm, sc, base, base + 1);
                        f = top(&mut vm.frames);
                        shortcut_outcome!(r, t as usize);
                    }
                    let stack = &mut f.stack;
                    let (pool, breaker) = (&mut vm.frame_pool, &mut vm.breaker_count);
                    match bind_plain_call(stack, 0, pool, breaker, true, false) {
                        Some(Bound::Frame(callee)) => {
                            f.pc = at + 4;
                            push!(callee);
                        }
                        _ => {
                            // Not bound after all (a breaker tick): back to `[.., mgr]`.
                            let mgr = stack.pop();
                            stack.pop();
                            if let Some(mgr) = mgr {
                                *last(stack) = mgr;
                            }
                            slow!(at);
                        }
                    }
                }
                Inst::GetAwaitable => {
                    // A coroutine that can still run, or a future, is its own awaitable
                    // (not a Future subclass: it may define its own `__await__`).
                    let own = match stack.last() {
                        Some(Value::Obj(o)) => match &**o {
                            Obj::Future(fu) => vm.aio.is_plain_future(fu),
                            Obj::Generator(g) => {
                                g.kind == GenKind::Coroutine && g.state.get() != GenState::Finished
                            }
                            _ => false,
                        },
                        _ => false,
                    };
                    if !own {
                        slow!(at);
                    }
                }
                Inst::Send => {
                    if let Some(result) = finished_future_result(&vm.aio, stack) {
                        // `[.., future, sent]` -> `[.., result]`, past the await.
                        let Some(crate::bytecode::Op::Send(t)) = ops.get(at).copied() else {
                            slow!(at);
                        };
                        let sent = stack.pop();
                        let future = std::mem::replace(last(stack), result);
                        pc = t as usize;
                        if sent.is_some_and(released) | released(future) {
                            released!();
                        }
                        continue;
                    }
                    if !can_push!() {
                        slow!(at);
                    }
                    match resume_generator(stack) {
                        Some(frame) => {
                            f.pc = pc;
                            push!(frame);
                        }
                        None => slow!(at),
                    }
                }
                Inst::YieldValue => {
                    let Some(v) = stack.pop() else {
                        slow!(at);
                    };
                    f.pc = pc;
                    match vm.yield_from_frame(v) {
                        Ok(Some(v)) => return Exit::Return(v),
                        Ok(None) => continue 'frames,
                        Err(e) => return Exit::Raise(e),
                    }
                }
                Inst::Return => {
                    let Some(v) = stack.pop() else {
                        slow!(at);
                    };
                    return_value!(v, at);
                }
                Inst::ReturnFast(a) => {
                    let Some(v) = local(locals, a as usize) else {
                        slow!(at);
                    };
                    return_value!(v, at + 1);
                }
                Inst::BinaryReturn(op) => {
                    let Some(r) = top_two(stack).and_then(|(x, y)| binary(x, y, op)) else {
                        slow!(at);
                    };
                    let (y, x) = (stack.pop(), stack.pop());
                    if x.is_some_and(released) | y.is_some_and(released) {
                        // A finalizer is due: it runs before the return, with the result
                        // where `Binary` leaves it.
                        stack.push(r);
                        f.pc = at + 1;
                        crate::gc::finalize::run_pending(vm);
                        resync!();
                    }
                    return_value!(r, at + 1);
                }
                Inst::LoadFast2(a, b) => {
                    let Some(va) = local(locals, a as usize) else {
                        slow!(at);
                    };
                    stack.push(va);
                    let Some(vb) = local(locals, b as usize) else {
                        slow!(at + 1);
                    };
                    stack.push(vb);
                    pc = at + 2;
                }
                Inst::LoadFastConst(a, c) => {
                    let (Some(va), Some(vc)) = (local(locals, a as usize), consts.get(c as usize))
                    else {
                        slow!(at);
                    };
                    stack.push(va);
                    stack.push(vc.clone());
                    pc = at + 2;
                }
                Inst::FastConstBinary(a, c, op) => {
                    let (Some(va), Some(vc)) = (locals.get(a as usize), consts.get(c as usize))
                    else {
                        slow!(at);
                    };
                    if va.is_undef() {
                        slow!(at);
                    }
                    match binary(va, vc, op) {
                        Some(r) => stack.push(r),
                        None => {
                            // Not a small-number case: the general loop runs the operator.
                            stack.push(va.clone());
                            stack.push(vc.clone());
                            slow!(at + 2);
                        }
                    }
                    pc = at + 3;
                }
                Inst::FastFastSubscr(a, b) => {
                    let (Some(va), Some(vb)) = (locals.get(a as usize), locals.get(b as usize))
                    else {
                        slow!(at);
                    };
                    if va.is_undef() || vb.is_undef() {
                        slow!(at);
                    }
                    match subscript(va, vb) {
                        Some(item) => stack.push(item),
                        None => {
                            stack.push(va.clone());
                            stack.push(vb.clone());
                            slow!(at + 2);
                        }
                    }
                    pc = at + 3;
                }
                Inst::CompareJump(op @ (CmpOp::Is | CmpOp::IsNot), if_true, t) => {
                    let Some((r, release)) = identity(stack, op) else {
                        slow!(at);
                    };
                    pc = if r == if_true { t as usize } else { at + 2 };
                    if release {
                        released!();
                    }
                }
                Inst::CompareJump(op, if_true, t) => {
                    if let Some(r) = top_two(stack).and_then(|(a, b)| compare(a, b, op)) {
                        forget_immediate(stack.pop());
                        forget_immediate(stack.pop());
                        pc = if r == if_true { t as usize } else { at + 2 };
                        continue;
                    }
                    let Some(r) = top_two(stack).and_then(|(a, b)| equality(a, b, op)) else {
                        slow!(at);
                    };
                    let (b, a) = (stack.pop(), stack.pop());
                    pc = if r == if_true { t as usize } else { at + 2 };
                    if a.is_some_and(released) | b.is_some_and(released) {
                        released!();
                    }
                }
                Inst::FastConstCompareJump(a, c, op, jump) => {
                    let (Some(va), Some(vc)) = (locals.get(a as usize), consts.get(c as usize))
                    else {
                        slow!(at);
                    };
                    match compare(va, vc, op).or_else(|| equality(va, vc, op)) {
                        Some(r) => {
                            pc = if r == jump.if_true() {
                                jump.target()
                            } else {
                                at + 4
                            };
                        }
                        None => {
                            // Not two numbers (or `a` unbound): the general loop compares.
                            if va.is_undef() {
                                slow!(at);
                            }
                            stack.push(va.clone());
                            stack.push(vc.clone());
                            slow!(at + 2);
                        }
                    }
                }
                Inst::NullLoadGlobal(i) => {
                    stack.push(Value::Undef);
                    match super::dispatch::cached_global(
                        &code,
                        i as usize,
                        &f.globals,
                        &vm.builtins,
                    ) {
                        Some(v) => stack.push(v),
                        None => slow!(at + 1),
                    }
                    pc = at + 2;
                }
                Inst::StoreFastLoadFast(a, b) => {
                    let (Some(slot), Some(v)) = (locals.get_mut(a as usize), stack.pop()) else {
                        slow!(at);
                    };
                    if released(std::mem::replace(slot, v)) {
                        released!();
                    }
                    let Some(vb) = local(locals, b as usize) else {
                        slow!(at + 1);
                    };
                    stack.push(vb);
                    pc = at + 2;
                }
                Inst::FormatPlain => match stack.last().and_then(plain_format) {
                    Some(v) => {
                        let old = std::mem::replace(last(stack), v);
                        if released(old) {
                            released!();
                        }
                    }
                    None => slow!(at),
                },
                Inst::BuildString(n) => match stack.len().checked_sub(n as usize) {
                    // The compiler gives `BuildString` only strs.
                    Some(from) => {
                        let s = crate::obj::str::concat_values(&stack[from..]);
                        stack.truncate(from);
                        stack.push(s);
                        if crate::gc::finalize::pending() {
                            released!();
                        }
                    }
                    None => slow!(at),
                },
                Inst::BinaryStoreFast(op, a) => {
                    let Some(r) = top_two(stack).and_then(|(x, y)| binary(x, y, op)) else {
                        slow!(at);
                    };
                    let Some(slot) = locals.get_mut(a as usize) else {
                        slow!(at);
                    };
                    let old = std::mem::replace(slot, r);
                    let (y, x) = (stack.pop(), stack.pop());
                    pc = at + 2;
                    let operands = x.is_some_and(release_operand) | y.is_some_and(release_operand);
                    if released(old) | operands {
                        released!();
                    }
                }
            }
        }
    }
}

/// `LoadMethod(i)` of `obj` from the code object's method cache (see `MethodCache`):
/// the method, when `obj`'s class and every class namespace are as when it was found and
/// `obj` has no instance attribute shadowing it.
#[inline(always)]
fn cached_method(
    code: &crate::obj::CodeObj,
    i: u32,
    obj: &Value,
    types: &super::types::Types,
) -> Option<Value> {
    if let Value::Obj(o) = obj {
        if matches!(&**o, Obj::Class(_) | Obj::Module(_) | Obj::Super(_)) {
            return None;
        }
    }
    let slot = code.method_cache.get(i as usize)?;
    let mut entry = slot.try_borrow_mut().ok()?;
    let entry = entry.as_mut()?;
    if entry.class_addr != super::class::type_addr_of_value(types, obj)
        || entry.epoch != super::lookup_cache::epoch()
    {
        return None;
    }
    // A plain instance seen before with the same namespace layout still does not shadow
    // the method, nor does one with an inline namespace when no instance of its class
    // ever held the name; anything else is probed.
    let instance = match obj {
        Value::Obj(o) => match &**o {
            Obj::Instance(inst) => Some((o, inst, inst.attrs_layout())),
            _ => None,
        },
        _ => None,
    };
    let known = instance.is_some_and(|(o, _, (layout, _))| {
        entry
            .receiver
            .as_ref()
            .is_some_and(|(r, l)| *l == layout && r.is(o))
    });
    if !known {
        let unshadowed = instance
            .is_some_and(|(_, inst, (_, inline))| inline && class_unshadowed(inst, entry, code, i));
        if !unshadowed {
            let name = code.names.get(i as usize)?;
            if super::attr::instance_attr(obj, name).is_some() {
                return None;
            }
        }
        // Remembered after a probe, or the first time: a call site that sees one receiver
        // then needs only the check above.
        if let Some((o, _, (layout, _))) = instance {
            if !unshadowed || entry.receiver.is_none() {
                entry.receiver = Some((o.downgrade(), layout));
            }
        }
    }
    entry.method.upgrade().map(Value::Obj)
}

/// No instance of `inst`'s class (the class `entry` is for) ever held the name `names[i]`
/// in its own namespace: read from the class's record once per version of it.
#[inline]
fn class_unshadowed(
    inst: &crate::obj::InstanceObj,
    entry: &mut crate::obj::function::MethodCache,
    code: &crate::obj::CodeObj,
    i: u32,
) -> bool {
    inst.class.with(|c| match &**c {
        Obj::Class(c) => {
            let version = c.instance_names.version();
            if entry.names_version != version {
                entry.names_version = version;
                entry.unshadowed = code
                    .names
                    .get(i as usize)
                    .is_some_and(|name| c.instance_names.never_held(name));
            }
            entry.unshadowed
        }
        _ => false,
    })
}

/// The innermost frame, found again after native code ran.
#[inline(always)]
fn top(frames: &mut Frames) -> &mut Frame {
    match frames.last_mut() {
        Some(f) => f,
        None => unreachable!("native code left the frame stack empty"),
    }
}

/// The kinds of callable `Call` has a path of its own for.
enum CallableKind {
    /// A native function not bound to a receiver (`Vm::call_native_in_place`).
    Native,
    /// An aio function (`exact_call`, the shortcuts, `bind_plain_call`).
    Function,
}

/// What `Call(nargs)` calls, from the slot below its arguments, and where the call's
/// slots start: None for anything else (bound methods, classes, instances), which the
/// general paths sort out.
#[inline(always)]
fn callable_kind(stack: &[Value], nargs: usize) -> Option<(CallableKind, usize)> {
    let base = stack.len().checked_sub(nargs + 2)?;
    let callable = match stack.get(base..base + 2)? {
        [Value::Undef, Value::Obj(o)] | [Value::Obj(o), _] => o,
        _ => return None,
    };
    match &**callable {
        Obj::Native(n) if n.self_.is_none() => Some((CallableKind::Native, base)),
        Obj::Function(_) => Some((CallableKind::Function, base)),
        _ => None,
    }
}

/// For `Call(1)` on `[.., Undef, cls, arg]` with `cls` a builtin type that converts `arg`
/// without running aio code (`conversions`): the result.
#[inline(never)]
fn builtin_conversion(stack: &[Value], t: &super::types::Types) -> Option<Value> {
    let [.., Value::Undef, Value::Obj(cls), arg] = stack else {
        return None;
    };
    if !matches!(&**cls, Obj::Class(_)) {
        return None;
    }
    super::conversions::quick_conversion(t, cls, arg)
}

/// Replaces the slots of a call from `base` up by its result; whether a dropped value
/// released an object with a finalizer to run.
#[inline(always)]
fn replace_slots(stack: &mut Vec<Value>, base: usize, result: Value) -> bool {
    let mut gone = false;
    while stack.len() > base {
        if let Some(v) = stack.pop() {
            gone |= released(v);
        }
    }
    stack.push(result);
    gone
}

/// Where the callable of `Call(nargs)` sits when it is a native function (not bound to a
/// receiver), which `Vm::call_native_in_place` calls with the arguments in place.
#[inline(always)]
fn native_call_base(stack: &[Value], nargs: usize) -> Option<usize> {
    match callable_kind(stack, nargs)? {
        (CallableKind::Native, base) => Some(base),
        _ => None,
    }
}

/// For `StoreSubscr` (`[.., value, list, index]`) into a list at an in-range small-int
/// index: the position to store at.
#[inline(always)]
fn list_store_index(stack: &[Value]) -> Option<usize> {
    let [.., _, Value::Obj(o), Value::Int(i)] = stack else {
        return None;
    };
    let Obj::List(l) = &**o else { return None };
    let n = l.try_borrow_mut().ok()?.len() as i64;
    let j = if *i < 0 { i + n } else { *i };
    (0..n).contains(&j).then_some(j as usize)
}

/// For `CallAwait(1)` on `[.., Undef, asyncio.sleep, 0]`: the finished future to leave
/// in place of the sleep coroutine (`Vm::make_delegate_real` turns it into that coroutine
/// if anything looks for it).
#[inline(always)]
fn zero_sleep(
    stack: &[Value],
    nargs: u16,
    hook: Option<&crate::eventloop::ZeroSleep>,
) -> Option<ObjRef> {
    let hook = hook?;
    let [.., Value::Undef, Value::Obj(func), Value::Int(0)] = stack else {
        return None;
    };
    (nargs == 1 && func.is(&hook.func)).then(|| hook.done.clone())
}

/// For `CallAwait(1)` on `[.., Undef, asyncio.sleep, delay]` with a positive int or float
/// delay (not a bool, not NaN): the delay. The frame then awaits the sleep's future
/// itself; what differs from running the coroutine is only that no `sleep` frame shows
/// in a traceback through it.
#[inline(always)]
fn timed_sleep(
    stack: &[Value],
    nargs: u16,
    hook: Option<&crate::eventloop::ZeroSleep>,
) -> Option<f64> {
    let hook = hook?;
    let [.., Value::Undef, Value::Obj(func), delay] = stack else {
        return None;
    };
    let d = match delay {
        Value::Int(i) if *i > 0 => *i as f64,
        Value::Float(x) if *x > 0.0 => *x,
        _ => return None,
    };
    (nargs == 1 && func.is(&hook.func)).then_some(d)
}

/// For `Send` on `[.., future, sent]` where the future finished with a result (not an
/// exception, not cancelled, not a bare yield): that result, as `result()` gives it.
/// Only for a plain Future or Task: a subclass's own `__await__` must run.
#[inline(always)]
fn finished_future_result(aio: &crate::eventloop::EventLoops, stack: &[Value]) -> Option<Value> {
    let [.., Value::Obj(o), _] = stack else {
        return None;
    };
    let Obj::Future(f) = &**o else { return None };
    if f.state.get() != crate::obj::future::FutState::Finished
        || !aio.is_plain_future(f)
        || f.bare_yield.get()
        || f.has_exception()
    {
        return None;
    }
    f.log_tb.set(false);
    f.result.try_borrow().ok().map(|r| r.clone())
}

/// The methods `async with` found last on a class, while no class namespace changed
/// (the lookup-cache epoch): one manager class used over and over (a lock) is looked up
/// once. Weak: a cache keeps nothing alive.
pub(crate) struct AsyncWithCache {
    class: crate::gc::heap::WeakRef,
    epoch: u64,
    enter: crate::gc::heap::WeakRef,
    exit: crate::gc::heap::WeakRef,
}

/// `__aenter__` and `__aexit__` of `mgr`'s class when both are aio functions and
/// `__aenter__` a coroutine function (what `BeforeAsyncWith` would bind and call).
fn async_with_methods(vm: &mut Vm, mgr: &Value) -> Option<(ObjRef, ObjRef)> {
    let Value::Obj(o) = mgr else { return None };
    if !matches!(&**o, Obj::Instance(_)) {
        return None;
    }
    let cls = super::class::type_of_value(&vm.t, mgr);
    let epoch = super::lookup_cache::epoch();
    if let Some(c) = &vm.async_with_cache {
        if c.epoch == epoch && c.class.is(&cls) {
            if let (Some(enter), Some(exit)) = (c.enter.upgrade(), c.exit.upgrade()) {
                return Some((enter, exit));
            }
        }
    }
    let (aenter, aexit) = (vm.intern("__aenter__"), vm.intern("__aexit__"));
    let function = |v: Value| match v {
        Value::Obj(f) if matches!(&*f, Obj::Function(_)) => Some(f),
        _ => None,
    };
    let enter = function(super::class::lookup(&cls, &aenter)?)?;
    let exit = function(super::class::lookup(&cls, &aexit)?)?;
    vm.async_with_cache = Some(AsyncWithCache {
        class: cls.downgrade(),
        epoch,
        enter: enter.downgrade(),
        exit: exit.downgrade(),
    });
    Some((enter, exit))
}

/// The value in cell `i`; None for an empty one (the general loop raises).
#[inline(always)]
fn cell_value(cells: &[ObjRef], i: usize) -> Option<Value> {
    let Obj::Cell(c) = &**cells.get(i)? else {
        return None;
    };
    let v = c.try_borrow().ok()?;
    (!v.is_undef()).then(|| v.clone())
}

/// A bound local's value; None for an unbound one (UnboundLocalError is the general
/// loop's to raise).
#[inline(always)]
fn local(locals: &[Value], i: usize) -> Option<Value> {
    match locals.get(i) {
        Some(v) if !v.is_undef() => Some(v.clone()),
        _ => None,
    }
}

/// The two values on top of the stack, the top one last.
#[inline(always)]
fn top_two(stack: &[Value]) -> Option<(&Value, &Value)> {
    match stack {
        [.., a, b] => Some((a, b)),
        _ => None,
    }
}

/// `a op b` for two small ints or two floats (see `int_binary`, `float_binary`).
#[inline(always)]
fn binary(a: &Value, b: &Value, op: BinOp) -> Option<Value> {
    match (a, b) {
        (Value::Int(a), Value::Int(b)) => int_binary(*a, *b, op),
        (Value::Float(a), Value::Float(b)) => float_binary(*a, *b, op),
        (Value::Obj(_), Value::Obj(_)) if op == BinOp::Add => concat(a, b),
        _ => None,
    }
}

/// `a + b` for two strs (`w += piece` in a loop) or two bytes (a stream's buffer), as
/// `Vm::binary_op` computes it.
#[inline(never)]
fn concat(a: &Value, b: &Value) -> Option<Value> {
    if let (Some(x), Some(y)) = (a.as_strobj(), b.as_strobj()) {
        return Some(crate::obj::str::concat2(a, x, b, y));
    }
    let (Value::Obj(x), Value::Obj(y)) = (a, b) else {
        return None;
    };
    match (&**x, &**y) {
        // An empty operand gives the other one, as CPython's bytes concatenation does.
        (Obj::Bytes(p), Obj::Bytes(_)) if p.is_empty() => Some(b.clone()),
        (Obj::Bytes(_), Obj::Bytes(q)) if q.is_empty() => Some(a.clone()),
        (Obj::Bytes(p), Obj::Bytes(q)) => Some(Value::bytes([&p[..], &q[..]].concat())),
        _ => None,
    }
}

/// `FormatValue` without conversion or spec of an int or a str: what `format(v)` gives.
#[inline(always)]
fn plain_format(v: &Value) -> Option<Value> {
    match v {
        Value::Int(i) => Some(crate::obj::str::int_str(*i)),
        Value::Obj(o) if matches!(&**o, Obj::Str(_)) => Some(v.clone()),
        _ => None,
    }
}

/// `a == b` or `a != b` between builtin values whose equality runs no aio code (see
/// `protocols::builtin_eq`): `x == None`, `s == 1`, `b == b''`.
#[inline(never)]
fn equality(a: &Value, b: &Value, op: CmpOp) -> Option<bool> {
    let eq = super::protocols::builtin_eq(a, b)?;
    match op {
        CmpOp::Eq => Some(eq),
        CmpOp::NotEq => Some(!eq),
        _ => None,
    }
}

/// `a op b` for the ordering and equality operators on two small ints or two floats.
#[inline(always)]
fn compare(a: &Value, b: &Value, op: CmpOp) -> Option<bool> {
    match (a, b) {
        (Value::Int(a), Value::Int(b)) => op.ordered(a, b),
        (Value::Float(a), Value::Float(b)) => op.ordered(a, b),
        // An int of at most 53 bits converts to a float exactly, so comparing the floats
        // is comparing the numbers (larger ints compare exactly in the general loop).
        (Value::Int(a), Value::Float(b)) if a.unsigned_abs() <= EXACT_IN_FLOAT => {
            op.ordered(&(*a as f64), b)
        }
        (Value::Float(a), Value::Int(b)) if b.unsigned_abs() <= EXACT_IN_FLOAT => {
            op.ordered(a, &(*b as f64))
        }
        _ => None,
    }
}

/// The largest magnitude below which every int is exactly a float.
const EXACT_IN_FLOAT: u64 = 1 << 53;

/// `a is b` / `a is not b` on the two values on top of the stack, which it pops: the
/// result, and whether dropping them released an object whose finalizer is now due.
#[inline(always)]
fn identity(stack: &mut Vec<Value>, op: CmpOp) -> Option<(bool, bool)> {
    let b = stack.pop()?;
    let Some(a) = stack.pop() else {
        stack.push(b);
        return None;
    };
    let r = a.is(&b) == (op == CmpOp::Is);
    Some((r, released(a) | released(b)))
}

/// The truth of an immediate or a builtin container; None for other objects
/// (`__bool__`/`__len__` are the general loop's).
#[inline(always)]
pub(super) fn truth(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Int(i) => Some(*i != 0),
        Value::None => Some(false),
        Value::Float(x) => Some(*x != 0.0),
        Value::Obj(o) => object_truth(o),
        _ => None,
    }
}

#[inline(never)]
fn object_truth(o: &ObjRef) -> Option<bool> {
    match &**o {
        Obj::Str(s) => Some(!s.s.is_empty()),
        Obj::Bytes(b) => Some(!b.is_empty()),
        Obj::Tuple(t) => Some(!t.is_empty()),
        Obj::List(l) => Some(!l.try_borrow().ok()?.is_empty()),
        Obj::Dict(d) => Some(!d.try_borrow().ok()?.is_empty()),
        Obj::ByteArray(b) => Some(!b.try_borrow().ok()?.is_empty()),
        Obj::Set(s) => Some(!s.try_borrow().ok()?.is_empty()),
        Obj::FrozenSet(s) => Some(!s.is_empty()),
        Obj::Deque(d) => Some(!d.items.try_borrow().ok()?.is_empty()),
        _ => None,
    }
}

/// `container[i]` for a list or tuple and an in-range small int.
#[inline(always)]
fn subscript(container: &Value, i: &Value) -> Option<Value> {
    match (container, i) {
        (Value::Obj(o), Value::Int(i)) => match &**o {
            Obj::List(l) => index(&l.borrow(), *i),
            Obj::Tuple(t) => index(t, *i),
            Obj::Dict(_) => super::dictops::plain_getitem(o, &Value::Int(*i)),
            _ => None,
        },
        (Value::Obj(o), key @ Value::Obj(_)) => super::dictops::plain_getitem(o, key),
        _ => None,
    }
}

/// Counts one back-edge or call as `Vm::breaker` does; false (and nothing counted) when
/// this one is due for the periodic work only the general loop can do.
#[inline(always)]
fn count_breaker(breaker: &mut u32) -> bool {
    let next = breaker.wrapping_add(1);
    if next.is_multiple_of(super::dispatch::BREAKER_INTERVAL) {
        return false;
    }
    *breaker = next;
    true
}

/// Pops the innermost frame, which returned `v` to the frame below (`awaited`: its
/// ForIter or Send resumed it inline), pools it and pushes `v` on the caller's stack. True
/// when that released an object whose finalizer is now due.
// Out of line: small enough that its vector operations are inlined.
#[inline(never)]
fn return_to_caller(vm: &mut Vm, v: Value, awaited: bool) -> bool {
    let Some(mut done) = vm.frames.pop() else {
        unreachable!("a frame returned")
    };
    let generator = if awaited { done.generator.take() } else { None };
    if let Some(Obj::Generator(gen)) = generator.as_deref() {
        gen.state.set(GenState::Finished);
    }
    done.reset();
    if vm.frame_pool.len() < super::frame::FRAME_POOL_SIZE {
        vm.frame_pool.push(done);
    }
    // An awaited return is finished by the caller's ForIter or Send (`finish_awaited`),
    // which `run` does when it takes up the caller, with its instructions at hand.
    top(&mut vm.frames).stack.push(v);
    drop(generator);
    // The callee's locals (and perhaps its generator) are gone: their finalizers may be due.
    crate::gc::finalize::pending()
}

/// `Call(nargs)` of a plain function with exactly its positional parameters
/// (`CodeObj::exact_args`) and no shortcut, either `[.., Undef, function, args..]` or
/// `[.., function, self, args..]`: the callee's frame pushed, the arguments moved into its
/// locals and the call's slots gone from the caller's stack. False (and the stack
/// untouched) for anything else, and for a call due for the periodic work
/// (`count_breaker`).
///
/// `AWAITED`: the call of `await f(...)` (`Inst::CallAwait`) of a coroutine function
/// (`CodeObj::exact_await_args`), whose frame runs in place of the coroutine object: the
/// frame keeps the function (`Frame::lazy_coro`) and the caller's stack keeps `Undef`
/// where `Send` would keep the object, as `bind_plain_call` leaves an awaited call.
// Out of line: small enough that its vector operations are inlined.
#[inline(never)]
fn exact_call<const AWAITED: bool>(vm: &mut Vm, nargs: usize) -> bool {
    let Some(callee) = exact_callee::<AWAITED>(
        &mut top(&mut vm.frames).stack,
        nargs,
        &mut vm.frame_pool,
        &mut vm.breaker_count,
    ) else {
        return false;
    };
    vm.frames.push(callee);
    true
}

/// Whether `exact_call::<true>` may take the `await f(...)` of `Call(nargs)`: `f` is a
/// coroutine function given exactly its parameters, without a shortcut. Tested inline, so
/// that `await asyncio.sleep(0)` and the shortcuts do not pay for the call.
#[inline(always)]
fn exact_await_candidate(stack: &[Value], nargs: usize) -> bool {
    let Some(base) = stack.len().checked_sub(nargs + 2) else {
        return false;
    };
    let (func, given) = match &stack[base..] {
        [Value::Undef, Value::Obj(o), ..] => (o, nargs),
        [Value::Obj(o), ..] => (o, nargs + 1),
        _ => return false,
    };
    matches!(&**func, Obj::Function(func)
        if func.code.exact_await_args as usize == given && func.code.shortcut.get().is_none())
}

#[inline(always)]
fn exact_callee<const AWAITED: bool>(
    stack: &mut Vec<Value>,
    nargs: usize,
    pool: &mut Frames,
    breaker: &mut u32,
) -> Option<Box<Frame>> {
    let base = stack.len().checked_sub(nargs + 2)?;
    let (func, args) = match &stack[base..] {
        [Value::Undef, Value::Obj(o), ..] => (o, base + 2),
        [Value::Obj(o), ..] => (o, base + 1),
        _ => return None,
    };
    let Obj::Function(func) = &**func else {
        return None;
    };
    let code = &func.code;
    let exact = if AWAITED {
        code.exact_await_args
    } else {
        code.exact_args
    };
    if exact as usize != stack.len() - args
        || code.shortcut.get().is_some()
        || !count_breaker(breaker)
    {
        return None;
    }
    let mut callee = match pool.pop() {
        Some(f) => f,
        None => {
            let mut f = Frame::new(code.clone(), func.globals.clone());
            f.locals.clear();
            f
        }
    };
    if !Rc::ptr_eq(&callee.code, code) {
        callee.code = code.clone();
    }
    if !callee.globals.is(&func.globals) {
        callee.globals = func.globals.clone();
    }
    let room = code.stack_room as usize;
    if callee.stack.capacity() < room {
        // Exactly: growth by doubling would leave a coroutine's parked frame with room
        // it never uses.
        callee.stack.reserve_exact(room);
    }
    // Every local unbound, then the arguments popped into the first ones, last first (a
    // drain costs more than this for a few arguments).
    let nlocals = code.nlocals as usize;
    let locals = &mut callee.locals;
    if locals.capacity() < nlocals {
        locals.reserve(nlocals);
    }
    for _ in 0..nlocals {
        locals.push(Value::Undef);
    }
    let given = stack.len() - args;
    for slot in locals[..given].iter_mut().rev() {
        let Some(v) = stack.pop() else {
            unreachable!("the arguments are on the stack")
        };
        forget_immediate(std::mem::replace(slot, v));
    }
    // `[.., Undef, function]` or `[.., function]` left: the frame holds the function's
    // code and globals, not the function (unless awaited, where it keeps it for the
    // coroutine object it may need later).
    let func = stack.pop();
    if AWAITED {
        callee.lazy_coro = match func {
            Some(Value::Obj(o)) => Some(o),
            _ => None,
        };
        if args != base + 2 {
            stack.push(Value::Undef);
        }
    } else {
        if args == base + 2 {
            forget_immediate(stack.pop());
        }
        drop(func);
    }
    Some(callee)
}

/// What a fast call bound.
enum Bound {
    /// The frame of a plain function, to run now.
    Frame(Box<Frame>),
    /// The generator or coroutine object a generator function returned. An `ObjRef`, not a
    /// `Value`: two pointer-sized variants come back in registers, where a 24-byte
    /// `Option<Bound>` went through memory and stalled the caller's load of it.
    Generator(ObjRef),
}

/// `Call(n)` of an aio function that takes only positional parameters, given at least as
/// many arguments as it has parameters without defaults and no more than it has parameters,
/// and no cells; not an async generator function (its hooks are the general path's). Moves
/// the arguments from `stack` into a new frame's locals, fills the rest from the defaults,
/// as `Vm::bind_args` does. None (and `stack` untouched) for any other call.
///
/// `awaited`: the call of `await f(...)`, bound only when `f` is a coroutine function. Its
/// frame runs in place of the coroutine object (`Frame::lazy_coro` keeps the function),
/// and `stack` keeps `Undef` where `Send` would keep the object.
///
/// `track_origin`: coroutine origin tracking is on; a coroutine object (whose `cr_origin`
/// needs the VM's frames) is then left to the general path.
// Out of line: keeps the instruction loop's registers for the simple instructions.
#[inline(never)]
fn bind_plain_call(
    stack: &mut Vec<Value>,
    nargs: usize,
    pool: &mut Frames,
    breaker: &mut u32,
    awaited: bool,
    track_origin: bool,
) -> Option<Bound> {
    let base = stack.len().checked_sub(nargs + 2)?;
    unbind_method(stack, base);
    // `[.., Undef, callable, args..]` or `[.., callable, self, args..]`, split so that the
    // callable stays borrowed in place while the arguments move out.
    let (lo, args) = stack.split_at_mut(base + 2);
    let (lo, second) = lo.split_at_mut(base + 1);
    let (first, second) = (&lo[base], &mut second[0]);
    let (callable, self_slot) = if first.is_undef() {
        (&*second, None)
    } else {
        (first, Some(second))
    };
    let Value::Obj(callable) = callable else {
        return None;
    };
    let Obj::Function(func) = &**callable else {
        return None;
    };
    let c = &func.code.code;
    let self_is_arg = self_slot.is_some();
    let given = nargs + self_is_arg as usize;
    let params = c.argcount as usize;
    if !func.code.plain_call || given > params {
        return None;
    }
    let coroutine = c.flags.coroutine && !c.flags.generator;
    if awaited && !coroutine {
        return None;
    }
    let missing = params - given;
    let defaults = if missing > 0 {
        let d = func.defaults.try_borrow().ok()?;
        let from = d.len().checked_sub(missing)?;
        Some((d, from))
    } else {
        None
    };
    // Generator functions return at once, so only calls that run a frame count.
    let generator = c.is_generator_like() && !awaited;
    if track_origin && generator && coroutine {
        return None;
    }
    if !generator && !count_breaker(breaker) {
        return None;
    }
    let nlocals = c.varnames.len();
    let mut callee = Frame::for_call(pool, func);
    let locals = &mut callee.locals;
    locals.reserve(nlocals);
    if let Some(s) = self_slot {
        locals.push(std::mem::replace(s, Value::Undef));
    }
    for a in args.iter_mut() {
        locals.push(std::mem::replace(a, Value::Undef));
    }
    if let Some((d, from)) = &defaults {
        callee.locals.extend(d[*from..].iter().cloned());
    }
    drop(defaults);
    super::frame::fill_unbound(&mut callee.locals, nlocals);
    if awaited {
        // The frame keeps the function (for the coroutine object it may need later); the
        // awaiting frame keeps a placeholder for that object.
        let func_slot = if self_is_arg {
            &mut stack[base]
        } else {
            &mut stack[base + 1]
        };
        callee.lazy_coro = match std::mem::replace(func_slot, Value::Undef) {
            Value::Obj(o) => Some(o),
            _ => None,
        };
        stack.truncate(base + 1);
        stack[base] = Value::Undef;
        return Some(Bound::Frame(callee));
    }
    let bound = if generator {
        Bound::Generator(GeneratorObj::for_call(func, callee, None))
    } else {
        Bound::Frame(callee)
    };
    // The callable and the emptied slots: the new frame holds the function's code and
    // globals, not the function itself.
    stack.truncate(base);
    Some(bound)
}

/// For `Call(nargs)` (`awaited`: of `await f(...)`) of an aio function with a native
/// shortcut (`CodeObj::shortcut`) that applies (a coroutine function awaited, or a plain
/// function called): the shortcut, where the call's slots start, and where its positional
/// arguments (receiver first) start.
#[inline(always)]
fn shortcut(
    stack: &[Value],
    nargs: usize,
    awaited: bool,
) -> Option<(crate::obj::function::Shortcut, usize, usize)> {
    let base = stack.len().checked_sub(nargs + 2)?;
    let (callable, args) = match &stack[base] {
        Value::Undef => (&stack[base + 1], base + 2),
        callable => (callable, base + 1),
    };
    let Value::Obj(o) = callable else { return None };
    let Obj::Function(func) = &**o else {
        return None;
    };
    let sc = func.code.shortcut.get()?;
    let flags = &func.code.code.flags;
    let applies = match awaited {
        true => flags.coroutine && !flags.generator,
        false => !func.code.code.is_generator_like(),
    };
    applies.then_some((sc, base, args))
}

/// Runs shortcut `sc` for the call of the innermost frame whose slots start at `base`
/// (its arguments at `args`): Some(Ok) when it did the call (the result replaces the call's
/// slots), None when it declined (the slots are as they were), Some(Err) when it raised.
#[inline(never)]
fn call_shortcut(
    vm: &mut Vm,
    sc: crate::obj::function::Shortcut,
    base: usize,
    args: usize,
) -> Option<PyResult<()>> {
    // Nothing reads a frame's value stack while it calls native code (as in
    // `Vm::call_native_in_place`): out for the call, back after it.
    let mut st = std::mem::take(&mut top(&mut vm.frames).stack);
    let r = sc(vm, &st[args..]);
    let out = match r {
        Ok(Some(v)) => {
            st.truncate(base);
            st.push(v);
            Some(Ok(()))
        }
        Ok(None) => None,
        Err(e) => Some(Err(e)),
    };
    top(&mut vm.frames).stack = st;
    out
}

/// `[.., Undef, method, args..]` for a bound method of an aio function becomes
/// `[.., function, self, args..]`, the layout `LoadMethod` gives the same call.
#[inline(always)]
fn unbind_method(stack: &mut [Value], base: usize) {
    let [Value::Undef, Value::Obj(m), ..] = &stack[base..] else {
        return;
    };
    let Obj::BoundMethod(bm) = &**m else { return };
    let Value::Obj(func) = &bm.func else { return };
    if !matches!(&**func, Obj::Function(_)) {
        return;
    }
    let (func, self_) = (bm.func.clone(), bm.self_.clone());
    stack[base] = func;
    // The method object itself is released last, once nothing borrows from it.
    let method = std::mem::replace(&mut stack[base + 1], self_);
    drop(method);
}

/// `Send` to a generator or coroutine that can take the value (`[.., receiver, value]`):
/// its frame, ready to run on top, as `Vm::take_gen_frame` prepares it. None (and `stack`
/// untouched) for any other receiver or state, whose errors are the general path's.
#[inline(never)]
fn resume_generator(stack: &mut Vec<Value>) -> Option<Box<Frame>> {
    let [.., Value::Obj(g), sent] = stack.as_slice() else {
        return None;
    };
    let Obj::Generator(gen) = &**g else {
        return None;
    };
    let state = gen.state.get();
    match state {
        GenState::Suspended => {}
        GenState::Created if sent.is_none() => {}
        _ => return None,
    }
    let mut frame = gen.frame.try_borrow_mut().ok()?.take()?;
    let g = g.clone();
    let sent = stack.pop()?;
    if state == GenState::Suspended {
        frame.stack.push(sent);
    }
    if let Obj::Generator(gen) = &*g {
        gen.state.set(GenState::Running);
    }
    frame.generator = Some(g);
    frame.entry = false;
    Some(frame)
}

/// Drops `v`; true when that released an object whose finalizer may now be due.
#[inline(always)]
fn released(v: Value) -> bool {
    match v {
        Value::Obj(o) => {
            drop(o);
            crate::gc::finalize::pending()
        }
        _ => false,
    }
}

/// Discards a value the caller has matched as an immediate (None, bool, int, float):
/// there is nothing to release, and skipping the drop glue keeps the fast tier fast.
#[inline(always)]
fn forget_immediate<T>(v: T) {
    std::mem::forget(v);
}

#[inline(always)]
fn last(stack: &mut [Value]) -> &mut Value {
    match stack.last_mut() {
        Some(v) => v,
        None => unreachable!("the caller matched at least two values"),
    }
}

/// `[.., a, b] -> [.., r]`: whether releasing an operand that is an object (the strs or
/// bytes of `+`) made a finalizer due.
#[inline(always)]
fn replace_top_two(stack: &mut Vec<Value>, r: Value) -> bool {
    let b = stack.pop();
    let a = std::mem::replace(last(stack), r);
    release_operand(a) | b.is_some_and(release_operand)
}

/// Drops an operand the fast tier consumed: an object is released, an immediate has
/// nothing to release.
#[inline(always)]
fn release_operand(v: Value) -> bool {
    match v {
        Value::Obj(_) => released(v),
        v => {
            forget_immediate(v);
            false
        }
    }
}

/// `items[i]` with Python's negative indices; None when out of range (IndexError is the
/// general loop's to raise).
#[inline(always)]
fn index(items: &[Value], i: i64) -> Option<Value> {
    let n = items.len() as i64;
    let j = if i < 0 { i + n } else { i };
    if (0..n).contains(&j) {
        items.get(j as usize).cloned()
    } else {
        None
    }
}

/// `a op b` on two small ints, when the result is a small int (or, for `/`, an exactly
/// computed float) and no exception is due; None sends the case to `binary_op`.
#[inline(always)]
fn int_binary(a: i64, b: i64, op: BinOp) -> Option<Value> {
    match op {
        // Exact below 2**53, so one correctly rounded division, as CPython computes it.
        BinOp::Div if b != 0 && a.unsigned_abs() < 1 << 53 && b.unsigned_abs() < 1 << 53 => {
            Some(Value::Float(a as f64 / b as f64))
        }
        _ => crate::obj::number::small_int_op(a, b, op).map(Value::Int),
    }
}

/// `a op b` on two floats. A NaN result goes to `binary_op`, which gives each new NaN its
/// own payload (aio's stand-in for NaN object identity).
#[inline(always)]
fn float_binary(a: f64, b: f64, op: BinOp) -> Option<Value> {
    let r = match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mult => a * b,
        BinOp::Div if b != 0.0 => a / b,
        _ => return None,
    };
    (!r.is_nan()).then_some(Value::Float(r))
}

/// One step of a builtin iterator that runs no aio code: a range, a list or tuple, a dict
/// or one of its views, or `enumerate` over one of those. The item, None when exhausted, or
/// the error the step raised ("dictionary changed size during iteration"); None for any
/// other iterator (and for the steps `Vm::next` does more on, such as a list's last).
fn native_next(it: &Value) -> Option<PyResult<Option<Value>>> {
    let Value::Obj(o) = it else { return None };
    let Obj::Iter(cell) = &**o else { return None };
    let mut st = cell.try_borrow_mut().ok()?;
    if let IterState::Enumerate { iter, count } = &mut *st {
        // One level only: an adapter over an adapter is the general path's.
        let Value::Int(n) = *count else { return None };
        let after = n.checked_add(1)?;
        let Value::Obj(inner) = iter else { return None };
        let Obj::Iter(inner) = &**inner else {
            return None;
        };
        let step = leaf_next(&mut *inner.try_borrow_mut().ok()?)?;
        *count = Value::Int(after);
        return Some(step.map(|v| v.map(|v| Value::tuple(vec![Value::Int(n), v]))));
    }
    leaf_next(&mut st)
}

/// `native_next` of an iterator that is not an adapter.
#[inline(always)]
fn leaf_next(st: &mut IterState) -> Option<PyResult<Option<Value>>> {
    match st {
        IterState::Range { next, stop, step } => Some(Ok(crate::obj::iter::range_step(
            next, stop, *step,
        )
        .map(Value::Int))),
        IterState::Seq {
            seq: Value::Obj(so),
            index,
        } => {
            let item = match &**so {
                Obj::List(l) => l.try_borrow().ok()?.get(*index).cloned()?,
                Obj::Tuple(t) => t.get(*index).cloned()?,
                _ => return None,
            };
            *index += 1;
            Some(Ok(Some(item)))
        }
        IterState::Dict {
            dict,
            pos,
            kind,
            len,
        } => Some(super::iter::dict_iter_step(dict, pos, *kind, len, false)),
        _ => None,
    }
}
