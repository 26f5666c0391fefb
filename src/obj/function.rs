//! Callables: aio functions, bound methods, native (Rust) functions, and code objects.

use super::dict::DictData;
use crate::bytecode::Code;
use crate::vm::errors::PyResult;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::RefCell;
use std::rc::Rc;

/// A code object plus its constants and names converted to runtime values once.
pub struct CodeObj {
    pub code: Rc<Code>,
    pub consts: Box<[Value]>,
    /// `code.names` as interned str values.
    pub names: Box<[Value]>,
    /// `code.varnames` interned: a keyword argument (an interned str from the caller's
    /// constants) finds its parameter by identity before any string comparison.
    pub varnames: Box<[Value]>,
    /// One cache per name for `LoadGlobal` (CPython's inline cache for LOAD_GLOBAL).
    pub global_cache: Box<[std::cell::Cell<GlobalCache>]>,
    /// The fast tier's instructions (`vm::quicken`), one per instruction of `code.ops`.
    pub quick: Box<[crate::vm::quicken::Inst]>,
    /// One per name, for `LoadMethod` (CPython's inline cache for LOAD_METHOD).
    pub method_cache: Box<[RefCell<Option<MethodCache>>]>,
    /// One per name, for `LoadAttr`/`StoreAttr` on plain instances.
    pub attr_hints: Box<[std::cell::Cell<AttrHint>]>,
    /// Calls may bind positional arguments straight into the frame (the fast tier's
    /// calls): only positional parameters, no cells, not an async generator.
    pub plain_call: bool,
    /// `code.argcount` when a call with exactly that many positional arguments runs the
    /// function's frame at once (`plain_call`, and not a generator or coroutine function);
    /// u32::MAX otherwise. The fast tier's call tests this one field.
    pub exact_args: u32,
    /// The same for `await f(...)` of a coroutine function (`plain_call`, a coroutine and
    /// not a generator), whose frame the fast tier runs in place of the coroutine object.
    pub exact_await_args: u32,
    /// `code.varnames.len()`.
    pub nlocals: u32,
    /// Room a frame's value stack needs: `code.max_stack` (the compiler's depth analysis
    /// is exact, and checked by `compile::tests`), no more, as parked coroutines keep it.
    pub stack_room: u32,
    /// Native code that does what calling this function does (awaiting it, for a
    /// coroutine function) when it can tell that it may: the fast tier tries it first
    /// (`vm::fast`), and runs the function when it answers None. Set by the stdlib for
    /// a few hot asyncio methods (`modules::asyncio_sync::SHORTCUTS`).
    pub shortcut: std::cell::Cell<Option<Shortcut>>,
    /// Set by the stdlib (`_traceback._hide_frames`) on functions that stand in for
    /// CPython's C code (`open`, `heapq.heappop`...): an exception passing through such a
    /// frame gets no traceback entry for it, as C functions have none in CPython.
    pub hidden_from_tracebacks: std::cell::Cell<bool>,
    /// CPython's `CO_ITERABLE_COROUTINE`: set on the copy of a generator function's code
    /// that `types.coroutine` gives it; its generators may be awaited and may `yield from`
    /// coroutines.
    pub iterable_coroutine: bool,
}

/// See `CodeObj::shortcut`: the call's positional arguments (the receiver first) in, the
/// call's (or await's) result out, or None to run the function.
pub type Shortcut = fn(&mut crate::vm::Vm, &[Value]) -> crate::vm::errors::PyResult<Option<Value>>;

/// Where a global name was last found: valid while no key was added to or removed from the
/// globals dict (and, for a builtin, the builtins dict) since.
#[derive(Clone, Copy, Default)]
pub struct GlobalCache {
    pub globals_addr: usize,
    /// `DictData::layout` of the globals and (for a builtin) the builtins dict: while they
    /// stay, the name is at `index` and (for a builtin) still absent from the globals.
    /// Value updates leave them, so a module-level loop's stores keep the cache valid.
    pub globals_layout: u32,
    pub builtins_layout: u32,
    pub in_builtins: bool,
    pub index: u32,
}

/// Where `LoadMethod` of a name last found a plain method: valid while the receiver's class
/// is the same and no class namespace has changed since (the lookup cache's epoch), and
/// the receiver has no instance attribute of that name. The method is held weakly, so the
/// cache never keeps a function alive.
/// Where `LoadAttr`/`StoreAttr` of one name last found the attribute of a plain instance
/// (CPython's LOAD_ATTR_INSTANCE_VALUE): for which class reading (`load_class`) and
/// writing (`store_class`) it goes straight to the instance namespace, in which lookup-
/// cache epoch (a class namespace change or a class's death moves it), and the entry
/// index where the name was. `vm::attr_cache` keeps it.
#[derive(Clone, Copy, Default)]
pub struct AttrHint {
    pub load_class: usize,
    pub store_class: usize,
    pub epoch: u64,
    pub index: u32,
    /// For `load_class`: the class has a plain value (no descriptor) under the name, which
    /// a load returns when the instance namespace lacks the name.
    pub class_value: bool,
}

pub struct MethodCache {
    pub class_addr: usize,
    pub epoch: u64,
    pub method: crate::gc::heap::WeakRef,
    /// The last instance found not to shadow the method, and the layout of its namespace
    /// then (`DictData::layout`): while both are the same, it still does not, without a
    /// probe of its namespace. Weak, so its address cannot be reused meanwhile.
    pub receiver: Option<(crate::gc::heap::WeakRef, u32)>,
    /// The version of the class's record of instance names (`obj::instance_names`) that
    /// `unshadowed` was read at (`u32::MAX`: not read yet).
    pub names_version: u32,
    /// No instance of the class ever held the method's name in its own namespace: a
    /// receiver whose namespace is inline needs no probe.
    pub unshadowed: bool,
}

pub struct FunctionObj {
    pub code: Rc<CodeObj>,
    /// The module namespace (`Obj::Dict`).
    pub globals: ObjRef,
    pub name: RefCell<Rc<str>>,
    pub qualname: RefCell<Rc<str>>,
    /// Defaults of the last positional parameters.
    pub defaults: RefCell<Vec<Value>>,
    /// Keyword-only defaults (`Obj::Dict`), or None.
    pub kwdefaults: RefCell<Value>,
    /// Cells for the code's free variables.
    pub closure: Box<[ObjRef]>,
    pub annotations: RefCell<Value>,
    /// `__dict__` (an `Obj::Dict`): attributes set on the function (decorators do this).
    /// Created on first use, since most functions never get one.
    pub dict: RefCell<Option<ObjRef>>,
    pub module: Value,
    pub doc: RefCell<Value>,
    /// The code `types.coroutine` gave this generator function: a copy of `code` marked
    /// `CO_ITERABLE_COROUTINE`. CPython assigns such a copy to `__code__`; aio's functions
    /// keep `code` (calls read it directly), so the copy runs the generators made from
    /// now on, and generators made earlier, or by other functions of the same `def`, stay
    /// plain.
    pub iterable_coroutine_code: RefCell<Option<Rc<CodeObj>>>,
}

impl FunctionObj {
    /// `__code__`: the code calls run, or the copy `types.coroutine` gave the function.
    pub fn visible_code(&self) -> Rc<CodeObj> {
        match &*self.iterable_coroutine_code.borrow() {
            Some(code) => code.clone(),
            None => self.code.clone(),
        }
    }

    /// `__dict__`, created if the function has none yet.
    pub fn dict_obj(&self) -> ObjRef {
        self.dict
            .borrow_mut()
            .get_or_insert_with(|| ObjRef::new(super::Obj::Dict(RefCell::new(DictData::new()))))
            .clone()
    }

    /// Runs `f` on the attribute dict (an empty one when the function has none).
    pub fn with_dict<R>(&self, f: impl FnOnce(&DictData) -> R) -> R {
        match self.dict.borrow().as_deref() {
            Some(super::Obj::Dict(d)) => f(&d.borrow()),
            _ => f(&DictData::new()),
        }
    }

    /// Runs `f` on the attribute dict, creating it if needed.
    pub fn with_dict_mut<R>(&self, f: impl FnOnce(&mut DictData) -> R) -> R {
        let d = self.dict_obj();
        match &*d {
            super::Obj::Dict(d) => f(&mut d.borrow_mut()),
            _ => f(&mut DictData::new()),
        }
    }
}

pub struct BoundMethod {
    pub func: Value,
    pub self_: Value,
}

/// Arguments to a native function: positional values, then keyword values named by
/// `kwnames` (str values), both borrowed from the caller's stack.
pub struct Args<'a> {
    pub pos: &'a [Value],
    pub kwnames: &'a [Value],
    pub kwvalues: &'a [Value],
}

pub type NativeFn = fn(&mut Vm, &Args) -> PyResult<Value>;

/// The owners of native module functions: the builtins (`""`) and the native modules. A
/// native with one of these owners is a builtin function, which CPython does not bind
/// when it is found on a class (`converter = time.localtime`); any other native is a
/// method of a type and binds like a function (`str.upper`). `sys::new_module` checks
/// that every native module is listed.
pub const MODULE_OWNERS: &[&str] = &[
    "",
    "sys",
    "time",
    "math",
    "cmath",
    "gc",
    "_os",
    "_socket",
    "_process",
    "_signal",
    "_file",
    "_struct",
    "_sre_engine",
    "_hashlib",
    "_zlib",
    "_resource",
    "_termios",
    "_fcntl",
    "_userids",
    "_faulthandler",
    "_iterable_coroutine",
    "unicodedata",
    "_select",
    "_importer",
    "_codecs",
    "_contextvars",
    "_linecache",
    "_locale_startup",
    "_platform",
    "_traceback",
    "_asyncio",
    "_vthread",
    "_weakref",
];

pub struct NativeFunction {
    pub name: &'static str,
    /// `str.upper` style prefix for reprs and errors: the owning type or module name.
    pub owner: &'static str,
    pub func: NativeFn,
    /// For a method bound to an object (`"abc".upper`), the receiver passed as `pos[0]`.
    /// Boxed: bound natives are made only when such a method is taken as a value, and
    /// every object pays for the largest inline kind.
    pub self_: Option<Box<Value>>,
}

impl NativeFunction {
    /// Whether finding this native on a class binds it to the instance: an unbound method
    /// of a type, not a module's function.
    #[inline]
    pub fn binds(&self) -> bool {
        self.self_.is_none() && !MODULE_OWNERS.contains(&self.owner)
    }
}
