//! Calls of a few builtins that the fast tier answers in place, without the native call
//! machinery (argument checks, recursion accounting, the stack taken out and put back), as
//! CPython 3.11 specializes `CALL` for `len(x)`, `isinstance(x, T)` and `list.append(x)`.
//!
//! Each answer is given only for arguments whose result cannot involve aio code: a builtin
//! container's `len`, an `isinstance` that the classes' MROs decide, an `append` to a
//! plain list. Anything else (an aio `__len__`, an ABC's `__instancecheck__`, a list
//! subclass, a wrong argument count) takes the general call, which gives CPython's result
//! and errors.

use super::class::{is_subclass, type_of_value};
use super::types::Types;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::Obj;

/// The builtins answered here, found once the builtins are registered: `len`,
/// `isinstance` and `list.append`, at positions `LEN`, `ISINSTANCE`, `LIST_APPEND`.
#[derive(Default)]
pub struct QuickCalls {
    /// Kept alive so that their addresses stay theirs.
    _keep_alive: Vec<ObjRef>,
    /// Their addresses (0 for one not found): every native call compares against these,
    /// so the test must cost next to nothing for the others.
    addrs: [usize; 3],
}

const LEN: usize = 0;
const ISINSTANCE: usize = 1;
const LIST_APPEND: usize = 2;

impl QuickCalls {
    pub fn find(vm: &mut Vm) -> QuickCalls {
        let builtin = |vm: &mut Vm, name: &str| {
            let key = vm.intern(name);
            match &*vm.builtins {
                Obj::Dict(d) => super::dictops::get_str(&d.borrow(), &key)?.as_objref(),
                _ => None,
            }
        };
        let append = vm.intern("append");
        let found = [
            builtin(vm, "len"),
            builtin(vm, "isinstance"),
            super::class::lookup(&vm.t.list, &append).and_then(|v| v.as_objref()),
        ];
        QuickCalls {
            addrs: found.each_ref().map(|f| f.as_ref().map_or(0, |f| f.addr())),
            _keep_alive: found.into_iter().flatten().collect(),
        }
    }
}

/// For the call of a native whose slots start at `stack[base]` (`[Undef, native, args..]`
/// or `[native, receiver, args..]`): its result when it is one of the calls answered here.
#[inline(always)]
pub fn call(q: &QuickCalls, t: &Types, stack: &[Value], base: usize) -> Option<Value> {
    let callable = match stack.get(base..base + 2)? {
        [Value::Undef, Value::Obj(o)] | [Value::Obj(o), _] => o.addr(),
        _ => return None,
    };
    let which = q.addrs.iter().position(|&a| a == callable)?;
    answer(which, t, stack, base)
}

#[inline(never)]
fn answer(which: usize, t: &Types, stack: &[Value], base: usize) -> Option<Value> {
    let args = match stack.get(base..)? {
        [Value::Undef, _, args @ ..] => args,
        [_, args @ ..] => args,
        _ => return None,
    };
    match (which, args) {
        (LEN, [Value::Obj(o)]) => builtin_len(o).map(|n| Value::Int(n as i64)),
        (ISINSTANCE, [v, Value::Obj(spec)]) => isinstance(t, v, spec).map(Value::Bool),
        (LIST_APPEND, [Value::Obj(list), item]) => match &**list {
            Obj::List(l) => {
                l.try_borrow_mut().ok()?.push(item.clone());
                Some(Value::None)
            }
            _ => None,
        },
        _ => None,
    }
}

/// `len(o)` of a builtin container or str.
pub fn builtin_len(o: &ObjRef) -> Option<usize> {
    Some(match &**o {
        Obj::Str(s) => s.char_len(),
        Obj::List(l) => l.try_borrow().ok()?.len(),
        Obj::Deque(d) => d.len(),
        Obj::Tuple(t) => t.len(),
        Obj::Dict(d) => d.try_borrow().ok()?.len(),
        Obj::Set(s) => s.try_borrow().ok()?.len(),
        Obj::FrozenSet(s) => s.len(),
        Obj::Bytes(b) => b.len(),
        Obj::ByteArray(b) => b.try_borrow().ok()?.len(),
        _ => return None,
    })
}

/// `isinstance(v, spec)` for a class (or a tuple of classes) whose metaclass is `type`, so
/// that no `__instancecheck__` decides; None when the MROs say no and `v` is an instance,
/// whose `__class__` may still say yes.
fn isinstance(t: &Types, v: &Value, spec: &ObjRef) -> Option<bool> {
    let vt = type_of_value(t, v);
    let plain_class = |c: &ObjRef| match &**c {
        Obj::Class(_) => type_of_value(t, &Value::Obj(c.clone())).is(&t.type_),
        _ => false,
    };
    let found = match &**spec {
        Obj::Class(_) => vt.is(spec) || (plain_class(spec) && is_subclass(&vt, spec)),
        Obj::Tuple(items) => {
            let mut found = false;
            for item in items.iter() {
                let Value::Obj(c) = item else { return None };
                if !plain_class(c) {
                    return None;
                }
                if is_subclass(&vt, c) {
                    found = true;
                    break;
                }
            }
            found
        }
        _ => return None,
    };
    if found {
        return Some(true);
    }
    let instance = matches!(v, Value::Obj(o) if matches!(&**o, Obj::Instance(_)));
    (!instance && (matches!(&**spec, Obj::Tuple(_)) || plain_class(spec))).then_some(false)
}
