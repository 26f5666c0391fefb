//! Module objects: a name and a namespace dict (shared with functions as their globals).

use crate::vm::value::ObjRef;

pub struct ModuleObj {
    pub name: std::rc::Rc<str>,
    /// A `dict` object: `Obj::Dict`.
    pub dict: ObjRef,
    /// True while an import runs the module's body (CPython's `__spec__._initializing`),
    /// so a failed `from m import x` can blame a circular import.
    pub initializing: std::cell::Cell<bool>,
    /// A module implemented in Rust (CPython's built-in modules): its repr says so.
    pub native: bool,
}
