//! Module objects: a name and a namespace dict (shared with functions as their globals).

use crate::vm::value::ObjRef;

pub struct ModuleObj {
    pub name: std::rc::Rc<str>,
    /// A `dict` object: `Obj::Dict`.
    pub dict: ObjRef,
}
