//! The virtual machine: frames, the dispatch loop, calls, attribute lookup and the object
//! protocols (DESIGN.md section 4).
//!
//! The `Vm` methods in the files below are the API native code uses to do what aio code
//! does: `vm.call`, `vm.get_attr`, `vm.repr`, `vm.eq`, `vm.hash`, `vm.iter`/`vm.next`, ...

pub mod async_gen;
pub mod attr;
pub mod attr_cache;
pub mod build_class;
pub mod call;
pub mod class;
pub mod class_layout;
pub mod conversions;
pub mod coro_origin;
pub mod dictops;
pub mod dispatch;
pub mod errors;
pub mod fast;
pub mod frame;
pub mod frames;
pub mod generator;
pub mod import;
pub mod introspect;
pub mod iter;
pub mod lookup_cache;
pub mod make;
pub mod native;
pub mod output;
pub mod pattern;
pub mod payload;
pub mod protocols;
pub mod quick_calls;
pub mod quicken;
pub mod recursion;
pub mod set_bases;
pub mod signals;
pub mod suggestions;
pub mod syntax_exc;
pub mod traceback;
pub mod types;
pub mod unwind;
pub mod value;
pub mod warnings;

use crate::obj::DictData;
use frame::Frame;
use std::rc::Rc;
use types::Types;
use value::{ObjRef, Value};

pub use errors::{ExcRef, PyResult};

/// CPython's default `sys.getrecursionlimit()`.
pub const DEFAULT_RECURSION_LIMIT: usize = 1000;
/// Nesting of native-to-aio calls (`sorted(key=...)`, `__eq__` from a dict, ...): each level
/// uses native stack (tens of KB in debug builds), so it is bounded separately (DESIGN.md
/// section 4); high enough that the recursion limit, counted as CPython counts it, is what
/// stops ordinary programs (`__repr__` calling `repr(self)` nests ~333 levels at 1000).
pub const MAX_NATIVE_DEPTH: usize = 5_000;

pub struct Vm {
    pub t: Rc<Types>,
    /// Frames of running code, innermost last.
    pub frames: Vec<Box<Frame>>,
    /// Recycled frames (their vectors keep their capacity). Boxed: a frame moves between
    /// this pool and `frames` without being copied.
    #[allow(clippy::vec_box)]
    pub(crate) frame_pool: Vec<Box<Frame>>,
    /// The `builtins` module's namespace (`Obj::Dict`).
    pub builtins: ObjRef,
    /// `sys.modules` (`Obj::Dict`).
    pub modules: ObjRef,
    pub recursion_limit: usize,
    /// `sys.get_coroutine_origin_tracking_depth()`: how many frames a new coroutine's
    /// `cr_origin` records (0: none, and no `cr_origin`).
    pub coro_origin_depth: u32,
    /// Current depth of nested dispatch loops (native code calling back into aio code).
    pub native_depth: usize,
    /// Counted native operations in progress (see `recursion`).
    pub native_recursion: usize,
    /// Interned identifier strings. FxHash: identifiers are short and interned on hot
    /// paths (special method lookups), where SipHash cost ~100 instructions a lookup.
    pub(crate) interned: rustc_hash::FxHashMap<Box<str>, Value>,
    /// `__new__` and `__init__`, interned once: every instantiation looks them up.
    pub(crate) dunder_new: Value,
    pub(crate) dunder_init: Value,
    /// `object.__new__` and `object.__init__`: instantiation skips calling them.
    pub(crate) object_new: Value,
    pub(crate) object_init: Value,
    /// `BaseException.__new__` and `BaseException.__init__`, likewise.
    pub(crate) exception_new: Value,
    pub(crate) exception_init: Value,
    /// `__name__`, interned once: every function made looks up its module's name.
    pub(crate) dunder_name: Value,
    /// The builtins the fast tier calls in place (`quick_calls`).
    pub(crate) quick: quick_calls::QuickCalls,
    /// Keyword names set by `KwNames` for the next `Call`.
    pub(crate) kwnames: Option<Value>,
    /// Whether the last exit from the dispatch loop was a yield (vs. a return).
    pub(crate) yielded: bool,
    /// The exception leaving a nested dispatch loop, so the outer loop's unwinding knows it
    /// is propagating (not newly raised) and leaves its `__context__` alone. Weak: a marker
    /// must not keep the exception, its traceback and their frames alive.
    pub(crate) propagating: Option<crate::gc::heap::WeakRef>,
    /// The next unwind must not add a traceback entry (re-raise).
    pub(crate) skip_tb: bool,
    /// Counts back-edges and calls for periodic work.
    pub(crate) breaker_count: u32,
    /// Set by the handled signals (shared with their handlers), consumed by
    /// `check_signals`.
    pub interrupt: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// What `signal.signal()` set, and SIGINT's own flag.
    pub py_signals: signals::PyHandlers,
    /// `sys.argv`
    pub argv: Vec<String>,
    /// Module search path: the script's folder, then `AIOPATH`/`PYTHONPATH` entries.
    pub path: Vec<std::path::PathBuf>,
    /// Event loops and asyncio's module state (`crate::eventloop`).
    pub aio: crate::eventloop::EventLoops,
    /// The open sockets (`crate::modules::socket`).
    pub sockets: crate::modules::socket::Sockets,
    /// What socket and pipe reads go into (`crate::eventloop::io::ReadScratch`).
    pub read_scratch: crate::eventloop::io::ReadScratch,
    /// Children's pipes and pidfds (`crate::modules::process`).
    pub processes: crate::modules::process::Processes,
    /// The open files (`crate::modules::file`).
    pub files: crate::modules::file::Files,
    /// `struct.error` (`crate::modules::struct_`).
    pub struct_state: crate::modules::struct_::StructState,
    /// Message digests in progress (`crate::modules::hashlib`).
    pub hashes: crate::modules::hashlib::Hashes,
    pub zlib: crate::modules::zlib::ZlibState,
    /// `functools.partial`, for its native shortcuts.
    pub partial: crate::modules::partial::PartialState,
    /// Epoll instances (`crate::modules::select`).
    pub select: crate::modules::select::SelectState,
    /// The codec registry (`crate::modules::codecs`).
    pub codecs: crate::modules::codecs::CodecsState,
    /// `sys.set_asyncgen_hooks`
    pub asyncgen_hooks: async_gen::AsyncGenHooks,
    /// Set by `AsyncGenWrap`: the yield leaving an async generator frame is a real `yield`
    /// (not a future on its way to the task).
    pub(crate) async_gen_yield: bool,
    /// The `__aenter__`/`__aexit__` pair `async with` last found (see `fast::AsyncWithCache`).
    pub(crate) async_with_cache: Option<fast::AsyncWithCache>,
    /// One-character strs below U+0100, made on first use and shared afterwards (CPython
    /// keeps the same singletons): iterating over or indexing a str mostly yields these.
    chars: Vec<Value>,
}

impl Vm {
    pub fn new() -> Vm {
        let t = types::types();
        let builtins = ObjRef::new(crate::obj::Obj::Dict(std::cell::RefCell::new(
            DictData::new(),
        )));
        let modules = ObjRef::new(crate::obj::Obj::Dict(std::cell::RefCell::new(
            DictData::new(),
        )));
        let mut vm = Vm {
            t,
            frames: Vec::new(),
            frame_pool: Vec::new(),
            builtins,
            modules,
            recursion_limit: DEFAULT_RECURSION_LIMIT,
            coro_origin_depth: 0,
            native_depth: 0,
            native_recursion: 0,
            interned: Default::default(),
            dunder_new: Value::None,
            dunder_init: Value::None,
            dunder_name: Value::None,
            object_new: Value::None,
            object_init: Value::None,
            exception_new: Value::None,
            exception_init: Value::None,
            quick: Default::default(),
            kwnames: None,
            yielded: false,
            propagating: None,
            skip_tb: false,
            breaker_count: 0,
            interrupt: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
            py_signals: signals::PyHandlers::default(),
            argv: Vec::new(),
            path: Vec::new(),
            aio: Default::default(),
            sockets: Default::default(),
            read_scratch: Default::default(),
            processes: Default::default(),
            files: Default::default(),
            struct_state: Default::default(),
            hashes: Default::default(),
            zlib: Default::default(),
            partial: Default::default(),
            select: Default::default(),
            codecs: Default::default(),
            asyncgen_hooks: Default::default(),
            async_gen_yield: false,
            async_with_cache: None,
            chars: Vec::new(),
        };
        vm.dunder_new = vm.intern("__new__");
        vm.dunder_init = vm.intern("__init__");
        vm.dunder_name = vm.intern("__name__");
        crate::modules::init(&mut vm);
        vm.quick = quick_calls::QuickCalls::find(&mut vm);
        let object = vm.t.object.clone();
        vm.object_new = class::lookup(&object, &vm.dunder_new).unwrap_or(Value::None);
        vm.object_init = class::lookup(&object, &vm.dunder_init).unwrap_or(Value::None);
        let base_exception = vm.t.exc[types::ExcKind::BaseException as usize].clone();
        vm.exception_new = class::lookup(&base_exception, &vm.dunder_new).unwrap_or(Value::None);
        vm.exception_init = class::lookup(&base_exception, &vm.dunder_init).unwrap_or(Value::None);
        generator::register(&mut vm);
        frames::register(&mut vm);
        async_gen::register(&mut vm);
        build_class::register(&mut vm);
        vm
    }

    /// The str of one character: shared for characters below U+0100.
    #[inline]
    pub fn char_str(&mut self, c: char) -> Value {
        let i = c as usize;
        if i >= 256 {
            let mut buf = [0u8; 4];
            return Value::str(c.encode_utf8(&mut buf));
        }
        if self.chars.is_empty() {
            self.chars = vec![Value::None; 256];
        }
        let slot = &mut self.chars[i];
        if let Value::None = slot {
            let mut buf = [0u8; 4];
            *slot = Value::str(c.encode_utf8(&mut buf));
        }
        slot.clone()
    }

    /// An interned str value for an identifier.
    pub fn intern(&mut self, s: &str) -> Value {
        if let Some(v) = self.interned.get(s) {
            return v.clone();
        }
        let v = Value::str(s);
        self.interned.insert(s.into(), v.clone());
        v
    }
}

impl Default for Vm {
    fn default() -> Vm {
        Vm::new()
    }
}
