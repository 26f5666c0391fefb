//! Native methods of the builtin types, one file per type (or small family of types).
//! Each file's `register` fills the namespaces of its types at interpreter start.

/// The six rich-comparison methods (`eq`, `ne`, `lt`, `le`, `gt`, `ge`) of a type whose
/// comparisons all go through one `cmp(vm, args, op, dunder_name)`.
macro_rules! rich_comparisons {
    ($cmp:ident) => {
        rich_comparisons!($cmp: eq Eq "__eq__", ne NotEq "__ne__", lt Lt "__lt__",
            le LtE "__le__", gt Gt "__gt__", ge GtE "__ge__");
    };
    ($cmp:ident: $($name:ident $op:ident $dunder:literal),*) => {
        $(
            fn $name(
                vm: &mut crate::vm::Vm,
                a: &crate::obj::function::Args,
            ) -> crate::vm::errors::PyResult<crate::vm::value::Value> {
                $cmp(vm, a, crate::syntax::ast::CmpOp::$op, $dunder)
            }
        )*
    };
}

pub mod bytes;
pub mod bytes_arity;
pub mod code;
pub mod complex;
pub mod descriptors;
pub mod dict;
pub mod escape_codec;
pub mod exception;
pub mod float;
pub mod function;
pub mod generic_alias;
pub mod int;
pub mod list;
pub mod memoryview;
pub mod misc_types;
pub mod object;
pub mod range;
pub mod set;
pub mod slice;
pub mod str;
pub mod stream;
mod stream_binary;
mod stream_config;
pub mod text_codec;
pub mod text_common;
pub mod tuple;
pub mod type_;
pub mod weakref;
pub mod wide_codec;

// collections.deque (exposed through _asyncio until a collections module exists).
pub mod deque;

/// CPython's TypeError for a builtin type's method called on a receiver of another type.
/// Slot wrappers (`int.__add__`, `str.__len__`) say "requires a 'int' object but received a
/// 'str'"; methods (`int.bit_length`, and the dunders CPython defines as methods, such as
/// `int.__round__` or `dict.__getitem__`) say "for 'int' objects doesn't apply to a 'str' object".
pub(crate) fn wrong_receiver(method: &str, owner: &str, got: &str) -> crate::vm::errors::ExcRef {
    crate::vm::errors::type_error(if is_slot_wrapper(method, owner) {
        format!("descriptor '{method}' requires a '{owner}' object but received a '{got}'")
    } else {
        format!("descriptor '{method}' for '{owner}' objects doesn't apply to a '{got}' object")
    })
}

/// CPython's TypeError for `owner.method()` called through the class with no receiver:
/// "descriptor '__len__' of 'list' object needs an argument" for a slot wrapper,
/// "unbound method list.append() needs an argument" for a method.
pub(crate) fn receiver_missing(method: &str, owner: &str) -> crate::vm::errors::ExcRef {
    crate::vm::errors::type_error(if is_slot_wrapper(method, owner) {
        format!("descriptor '{method}' of '{owner}' object needs an argument")
    } else {
        format!("unbound method {owner}.{method}() needs an argument")
    })
}

/// The slot wrappers that take nothing but their receiver (`list.__len__`, `int.__hash__`):
/// called with more, CPython says "expected 0 arguments, got 1". A type's receiver check
/// calls this, so each such method need not.
pub(crate) fn unary_slot_arity(
    a: &crate::obj::function::Args,
    method: &str,
) -> crate::vm::errors::PyResult<()> {
    const UNARY_SLOTS: &[&str] = &[
        "__len__",
        "__iter__",
        "__next__",
        "__repr__",
        "__str__",
        "__hash__",
        "__bool__",
        "__neg__",
        "__pos__",
        "__abs__",
        "__invert__",
        "__int__",
        "__float__",
        "__index__",
    ];
    // Every unary slot is a dunder: the common named methods skip the table.
    let only_receiver = a.pos.len() == 1 && a.kwnames.is_empty();
    if only_receiver || !method.starts_with("__") || !UNARY_SLOTS.contains(&method) {
        return Ok(());
    }
    a.check_slot(method, 0)
}

/// `owner.__new__()` called with no class at all: CPython's TypeError, checked before a
/// builtin type's `__new__` looks at its arguments past the class.
pub(crate) fn new_needs_class(
    a: &crate::obj::function::Args,
    owner: &str,
) -> crate::vm::errors::PyResult<()> {
    if a.pos.is_empty() {
        return Err(crate::vm::errors::type_error(format!(
            "{owner}.__new__(): not enough arguments"
        )));
    }
    Ok(())
}

/// Whether CPython implements `owner.method` as a slot wrapper (`int.__add__`, whose repr
/// is `<slot wrapper ...>`) rather than a method descriptor (`int.bit_length`, and the
/// dunders CPython defines as methods, such as `int.__round__` or `dict.__getitem__`).
pub(crate) fn is_slot_wrapper(method: &str, owner: &str) -> bool {
    const METHOD_DUNDERS: &[&str] = &[
        "__alloc__",
        "__bytes__",
        "__class_getitem__",
        "__ceil__",
        "__complex__",
        "__dir__",
        "__floor__",
        "__format__",
        "__getnewargs__",
        "__getstate__",
        "__init_subclass__",
        "__reduce__",
        "__reduce_ex__",
        "__round__",
        "__sizeof__",
        "__subclasshook__",
        "__trunc__",
    ];
    let method_dunder = METHOD_DUNDERS.contains(&method)
        || matches!(
            (method, owner),
            ("__contains__", "dict" | "set" | "frozenset")
                | ("__getitem__", "dict" | "list")
                | ("__reversed__", "dict" | "list" | "range")
        );
    method.len() > 4 && method.starts_with("__") && method.ends_with("__") && !method_dunder
}

use crate::vm::Vm;

/// Registers every builtin type's methods. `object` and `type` come first because other
/// types' lookups fall back to them.
pub fn register_all(vm: &mut Vm) {
    object::register(vm);
    type_::register(vm);
    exception::register(vm);
    descriptors::register(vm);
    function::register(vm);
    code::register(vm);
    int::register(vm);
    float::register(vm);
    complex::register(vm);
    str::register(vm);
    bytes::register(vm);
    list::register(vm);
    deque::register(vm);
    tuple::register(vm);
    dict::register(vm);
    set::register(vm);
    range::register(vm);
    memoryview::register(vm);
    slice::register(vm);
    weakref::register(vm);
    misc_types::register(vm);
    stream::register(vm);
    generic_alias::register(vm);
}
