//! Heap object kinds: a closed enum, one file per kind (DESIGN.md section 3).
//!
//! A closed enum keeps `traverse`, deallocation and `type()` exhaustive matches, so a new
//! kind cannot silently miss a GC edge.

pub mod async_gen;
pub mod builtin_docs;
pub mod bytearray;
pub mod c_type_names;
pub mod class;
pub mod complex;
pub mod deque;
pub mod dict;
pub mod exception;
pub mod frame;
pub mod function;
pub mod future;
pub mod generator;
pub mod instance_names;
pub mod iter;
pub mod memoryview;
pub mod methods;
pub mod misc;
pub mod module;
pub mod number;
pub mod range;
pub mod set;
pub mod str;
pub mod stream;
pub mod weakref;

use crate::vm::value::Value;
use num_bigint::BigInt;
use std::cell::RefCell;

pub use async_gen::AsyncAwaitableObj;
pub use class::{ClassObj, InstanceObj};
pub use dict::DictData;
pub use exception::ExceptionObj;
pub use frame::{FrameObj, TracebackObj};
pub use function::{BoundMethod, CodeObj, FunctionObj, NativeFunction};
pub use future::{FutureObj, HandleObj};
pub use generator::GeneratorObj;
pub use iter::IterState;
pub use misc::{DictViewObj, PropertyObj, SliceObj, SuperObj, WrappedCallable};
pub use module::ModuleObj;
pub use range::RangeObj;
pub use set::SetData;
pub use str::StrObj;

/// Large kinds are boxed so that every object stays small: an `Obj` is as big as its
/// largest inline variant, and strings, tuples and generators vastly outnumber classes.
pub enum Obj {
    Str(StrObj),
    Bytes(Box<[u8]>),
    ByteArray(bytearray::ByteArrayObj),
    BigInt(BigInt),
    Complex(complex::Complex),
    List(RefCell<Vec<Value>>),
    /// `collections.deque` (also asyncio's waiter and item queues).
    Deque(Box<deque::DequeObj>),
    Tuple(Box<[Value]>),
    Dict(RefCell<DictData>),
    Set(RefCell<SetData>),
    FrozenSet(SetData),
    Range(RangeObj),
    Slice(SliceObj),
    Iter(RefCell<IterState>),
    Function(Box<FunctionObj>),
    BoundMethod(BoundMethod),
    Native(NativeFunction),
    Cell(RefCell<Value>),
    Class(Box<ClassObj>),
    Instance(InstanceObj),
    Exception(Box<ExceptionObj>),
    Module(ModuleObj),
    Code(std::rc::Rc<CodeObj>),
    DictView(DictViewObj),
    Generator(GeneratorObj),
    AsyncAwaitable(Box<AsyncAwaitableObj>),
    /// Boxed, as the kinds below: rare, and every object pays for the largest inline kind.
    Property(Box<PropertyObj>),
    StaticMethod(Box<WrappedCallable>),
    ClassMethod(Box<WrappedCallable>),
    Super(SuperObj),
    Stream(Box<stream::StreamObj>),
    Future(Box<FutureObj>),
    Handle(Box<HandleObj>),
    /// Boxed: frame objects are rare, and every object pays for the largest inline kind.
    Frame(Box<FrameObj>),
    Traceback(TracebackObj),
    /// `weakref.ref`.
    WeakRef(Box<weakref::WeakRefObj>),
    /// `memoryview`: boxed, rare.
    MemoryView(Box<memoryview::MemoryViewObj>),
    Ellipsis,
    NotImplemented,
}

impl Obj {
    /// `staticmethod(func)` made natively; its `__dict__` is filled when first used.
    pub fn static_method(func: Value) -> Obj {
        Obj::StaticMethod(Box::new(WrappedCallable {
            func: std::cell::RefCell::new(func),
            dict: Default::default(),
        }))
    }

    /// `classmethod(func)` made natively; its `__dict__` is filled when first used.
    pub fn class_method(func: Value) -> Obj {
        Obj::ClassMethod(Box::new(WrappedCallable {
            func: std::cell::RefCell::new(func),
            dict: Default::default(),
        }))
    }

    /// Containers can take part in reference cycles and are tracked by the cycle collector.
    pub fn is_container(&self) -> bool {
        matches!(
            self,
            Obj::List(_)
                | Obj::Deque(_)
                | Obj::Dict(_)
                | Obj::Set(_)
                | Obj::Function(_)
                | Obj::BoundMethod(_)
                | Obj::Cell(_)
                | Obj::Class(_)
                | Obj::Instance(_)
                | Obj::Exception(_)
                | Obj::Module(_)
                | Obj::Generator(_)
                | Obj::AsyncAwaitable(_)
                | Obj::Iter(_)
                | Obj::Property(_)
                | Obj::Super(_)
                | Obj::DictView(_)
                | Obj::StaticMethod(_)
                | Obj::ClassMethod(_)
                | Obj::Future(_)
                | Obj::Handle(_)
                | Obj::Frame(_)
                | Obj::Traceback(_)
                | Obj::WeakRef(_)
        ) || matches!(self, Obj::Tuple(items) if items.iter().any(|v| matches!(v, Value::Obj(_))))
    }

    /// Whether dropping the last reference must run code first (`__del__`, closing a
    /// suspended generator, reporting an unretrieved task exception). `finalized`: the
    /// box's flag that `__del__` already ran (`ObjRef::set_finalized`).
    #[inline]
    pub fn needs_finalizer(&self, finalized: bool) -> bool {
        match self {
            Obj::Instance(i) => !finalized && i.class.with(|c| c.class_has_del()),
            Obj::Exception(e) => !finalized && e.class.class_has_del(),
            Obj::Generator(g) => g.needs_close(),
            Obj::Future(f) => f.needs_finalizer(),
            _ => false,
        }
    }

    /// Short internal name of the kind, for debugging output.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Obj::Str(_) => "str",
            Obj::Bytes(_) => "bytes",
            Obj::ByteArray(_) => "bytearray",
            Obj::BigInt(_) => "int",
            Obj::Complex(_) => "complex",
            Obj::List(_) => "list",
            Obj::Deque(_) => "deque",
            Obj::Tuple(_) => "tuple",
            Obj::Dict(_) => "dict",
            Obj::Set(_) => "set",
            Obj::FrozenSet(_) => "frozenset",
            Obj::Range(_) => "range",
            Obj::Slice(_) => "slice",
            Obj::Iter(_) => "iterator",
            Obj::Function(_) => "function",
            Obj::BoundMethod(_) => "method",
            Obj::Native(_) => "builtin_function_or_method",
            Obj::Cell(_) => "cell",
            Obj::Class(_) => "type",
            Obj::Instance(_) => "instance",
            Obj::Exception(_) => "exception",
            Obj::Module(_) => "module",
            Obj::Code(_) => "code",
            Obj::Generator(_) => "generator",
            Obj::AsyncAwaitable(_) => "async_generator_awaitable",
            Obj::Property(_) => "property",
            Obj::StaticMethod(_) => "staticmethod",
            Obj::ClassMethod(_) => "classmethod",
            Obj::Super(_) => "super",
            Obj::DictView(_) => "dict_view",
            Obj::Stream(_) => "TextIOWrapper",
            Obj::Future(_) => "Future",
            Obj::Handle(_) => "Handle",
            Obj::Frame(_) => "frame",
            Obj::Traceback(_) => "traceback",
            Obj::Ellipsis => "ellipsis",
            Obj::NotImplemented => "NotImplementedType",
            Obj::WeakRef(_) => "weakref",
            Obj::MemoryView(_) => "memoryview",
        }
    }
}
