//! Exception instances: BaseException and every subclass, builtin or user-defined.

use super::dict::DictData;
use crate::vm::value::{ObjRef, Value};
use std::cell::{Cell, RefCell};

/// One traceback entry: a frame's code and the instruction that was executing.
#[derive(Clone)]
pub struct TbEntry {
    pub code: std::rc::Rc<crate::obj::CodeObj>,
    pub pc: u32,
}

pub struct ExceptionObj {
    pub class: ObjRef,
    /// `args` (a tuple value).
    pub args: RefCell<Value>,
    /// Other attributes (`errno`, `value`, user-set fields).
    pub dict: RefCell<DictData>,
    /// Traceback entries, innermost first (printed in reverse: most recent call last).
    pub traceback: RefCell<Vec<TbEntry>>,
    pub cause: RefCell<Value>,
    pub context: RefCell<Value>,
    pub suppress_context: Cell<bool>,
    pub finalized: Cell<bool>,
}

impl ExceptionObj {
    pub fn new(class: ObjRef, args: Value) -> ExceptionObj {
        ExceptionObj {
            class,
            args: RefCell::new(args),
            dict: RefCell::new(DictData::new()),
            traceback: RefCell::new(Vec::new()),
            cause: RefCell::new(Value::None),
            context: RefCell::new(Value::None),
            suppress_context: Cell::new(false),
            finalized: Cell::new(false),
        }
    }
}
