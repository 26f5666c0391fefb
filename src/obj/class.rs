//! Classes (`type` objects, builtin and user-defined) and plain instances of user classes.

use super::dict::DictData;
use crate::vm::value::ObjRef;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Which native payload instances of a class carry (CPython's "instance layout"). A user
/// class inherits the layout of its builtin base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `InstanceObj`: a class deriving from `object` only.
    Object,
    /// `ExceptionObj`: BaseException and subclasses.
    Exception,
    /// `FutureObj`: asyncio.Future, asyncio.Task and subclasses.
    Future,
    /// A builtin type whose instances are some other `Obj` kind (int, str, list, ...);
    /// user subclasses of these are not supported yet.
    Builtin,
}

/// Cached facts about a class, recomputed when its namespace (or a base's) changes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClassFlags {
    pub has_del: bool,
    pub has_getattr: bool,
    pub has_getattribute: bool,
    pub has_setattr: bool,
}

pub struct ClassObj {
    pub name: RefCell<Rc<str>>,
    pub qualname: RefCell<Rc<str>>,
    pub module: RefCell<Rc<str>>,
    pub bases: RefCell<Vec<ObjRef>>,
    /// Method resolution order without the class itself (which always comes first).
    pub mro: RefCell<Vec<ObjRef>>,
    pub dict: RefCell<DictData>,
    pub layout: Layout,
    /// Builtin types reject attribute assignment ("cannot set 'x' attribute of immutable type 'int'").
    pub builtin: bool,
    pub flags: Cell<ClassFlags>,
    /// The metaclass when it is not `type`.
    pub metaclass: RefCell<Option<ObjRef>>,
}

impl ClassObj {
    pub fn name(&self) -> Rc<str> {
        self.name.borrow().clone()
    }
}

impl crate::obj::Obj {
    /// For an `Obj::Class`: whether instances have a `__del__` finalizer.
    pub fn class_has_del(&self) -> bool {
        match self {
            crate::obj::Obj::Class(c) => c.flags.get().has_del,
            _ => false,
        }
    }
}

/// An instance of a user class whose layout is `Layout::Object`.
pub struct InstanceObj {
    pub class: ObjRef,
    pub dict: RefCell<DictData>,
    /// Set once `__del__` has run, so a resurrected object is not finalized twice.
    pub finalized: Cell<bool>,
}
