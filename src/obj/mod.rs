//! Heap object kinds: a closed enum, one file per kind (DESIGN.md section 3).
//!
//! A closed enum keeps `traverse`, deallocation and `type()` exhaustive matches, so a new
//! kind cannot silently miss a GC edge.

pub mod class;
pub mod dict;
pub mod exception;
pub mod function;
pub mod future;
pub mod generator;
pub mod iter;
pub mod methods;
pub mod misc;
pub mod module;
pub mod number;
pub mod range;
pub mod set;
pub mod str;
pub mod stream;

use crate::vm::value::Value;
use num_bigint::BigInt;
use std::cell::RefCell;

pub use class::{ClassObj, InstanceObj};
pub use dict::DictData;
pub use exception::ExceptionObj;
pub use function::{BoundMethod, CodeObj, FunctionObj, NativeFunction};
pub use future::{FutureObj, HandleObj};
pub use generator::GeneratorObj;
pub use iter::IterState;
pub use misc::{DictViewObj, PropertyObj, SliceObj, SuperObj};
pub use module::ModuleObj;
pub use range::RangeObj;
pub use set::SetData;
pub use str::StrObj;

pub enum Obj {
    Str(StrObj),
    Bytes(Box<[u8]>),
    ByteArray(RefCell<Vec<u8>>),
    BigInt(BigInt),
    List(RefCell<Vec<Value>>),
    Tuple(Box<[Value]>),
    Dict(RefCell<DictData>),
    Set(RefCell<SetData>),
    FrozenSet(SetData),
    Range(RangeObj),
    Slice(SliceObj),
    Iter(RefCell<IterState>),
    Function(FunctionObj),
    BoundMethod(BoundMethod),
    Native(NativeFunction),
    Cell(RefCell<Value>),
    Class(ClassObj),
    Instance(InstanceObj),
    Exception(ExceptionObj),
    Module(ModuleObj),
    Code(std::rc::Rc<CodeObj>),
    DictView(DictViewObj),
    Generator(GeneratorObj),
    Property(PropertyObj),
    StaticMethod(Value),
    ClassMethod(Value),
    Super(SuperObj),
    Stream(stream::StreamObj),
    Future(FutureObj),
    Handle(HandleObj),
    Ellipsis,
    NotImplemented,
}

impl Obj {
    /// Containers can take part in reference cycles and are tracked by the cycle collector.
    pub fn is_container(&self) -> bool {
        matches!(
            self,
            Obj::List(_)
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
                | Obj::Iter(_)
                | Obj::Property(_)
                | Obj::Super(_)
                | Obj::DictView(_)
                | Obj::StaticMethod(_)
                | Obj::ClassMethod(_)
                | Obj::Future(_)
                | Obj::Handle(_)
        ) || matches!(self, Obj::Tuple(items) if items.iter().any(|v| matches!(v, Value::Obj(_))))
    }

    /// Whether dropping the last reference must run code first (`__del__`, closing a
    /// suspended generator, reporting an unretrieved task exception).
    #[inline]
    pub fn needs_finalizer(&self) -> bool {
        match self {
            Obj::Instance(i) => !i.finalized.get() && i.class.class_has_del(),
            Obj::Exception(e) => !e.finalized.get() && e.class.class_has_del(),
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
            Obj::List(_) => "list",
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
            Obj::Property(_) => "property",
            Obj::StaticMethod(_) => "staticmethod",
            Obj::ClassMethod(_) => "classmethod",
            Obj::Super(_) => "super",
            Obj::DictView(_) => "dict_view",
            Obj::Stream(_) => "TextIOWrapper",
            Obj::Future(_) => "Future",
            Obj::Handle(_) => "Handle",
            Obj::Ellipsis => "ellipsis",
            Obj::NotImplemented => "NotImplementedType",
        }
    }
}
