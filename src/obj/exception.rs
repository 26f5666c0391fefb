//! Exception instances: BaseException and every subclass, builtin or user-defined.

use super::dict::DictData;
use super::Obj;
use crate::vm::value::{ObjRef, Value};
use std::cell::{Cell, RefCell};

/// One traceback entry: a frame's code, the instruction that was executing, and the
/// frame object (`tb_frame`).
#[derive(Clone)]
pub struct TbEntry {
    pub code: std::rc::Rc<crate::obj::CodeObj>,
    pub pc: u32,
    pub frame: ObjRef,
}

/// An exception's traceback. Raising only pushes native entries; the `traceback` objects
/// Python code sees are built from them when `__traceback__` is read (see
/// `vm::traceback::traceback_value`), so an exception nobody inspects costs no objects.
#[derive(Clone)]
pub struct Traceback {
    /// Head of the chain of traceback objects already built or assigned (or None).
    pub head: Value,
    /// Entries added since, innermost first; all are outer to the frames of `head`.
    pub pending: Vec<TbEntry>,
}

impl Default for Traceback {
    fn default() -> Traceback {
        Traceback {
            head: Value::None,
            pending: Vec::new(),
        }
    }
}

impl Traceback {
    pub fn push(&mut self, entry: TbEntry) {
        self.pending.push(entry);
    }
    pub fn clear(&mut self) {
        *self = Traceback::default();
    }
    pub fn is_empty(&self) -> bool {
        self.head.is_none() && self.pending.is_empty()
    }
    /// Every entry, innermost first (the order tracebacks are printed in reverse).
    pub fn entries(&self) -> Vec<TbEntry> {
        let mut outer_first = Vec::new();
        let mut cur = self.head.clone();
        while let Value::Obj(o) = &cur {
            let crate::obj::Obj::Traceback(tb) = &**o else {
                break;
            };
            if let crate::obj::Obj::Frame(fo) = &*tb.frame {
                outer_first.push(TbEntry {
                    code: fo.code.clone(),
                    pc: tb.lasti,
                    frame: tb.frame.clone(),
                });
            }
            let next = tb.next.borrow().clone();
            cur = next;
        }
        outer_first.reverse();
        outer_first.extend(self.pending.iter().cloned());
        outer_first
    }
    /// Calls `f` on every object referenced.
    pub fn for_each_ref(&self, f: &mut dyn FnMut(&ObjRef)) {
        if let Value::Obj(o) = &self.head {
            f(o);
        }
        self.pending.iter().for_each(|e| f(&e.frame));
    }
    /// Moves every reference out (cycle clearing, deallocation).
    pub fn take_values(&mut self, out: &mut Vec<Value>) {
        if let Value::Obj(_) = self.head {
            out.push(std::mem::replace(&mut self.head, Value::None));
        }
        out.extend(self.pending.drain(..).map(|e| Value::Obj(e.frame)));
    }
}

pub struct ExceptionObj {
    pub class: ObjRef,
    /// `args` (a tuple value).
    pub args: RefCell<Value>,
    /// Other attributes (`errno`, `value`, user-set fields): an `Obj::Dict` made on
    /// first use, which `__dict__` shares (so writes through it are attributes).
    pub dict_obj: std::cell::OnceCell<ObjRef>,
    pub traceback: RefCell<Traceback>,
    pub cause: RefCell<Value>,
    pub context: RefCell<Value>,
    pub suppress_context: Cell<bool>,
}

impl ExceptionObj {
    /// The attribute dict, made on first use.
    pub fn dict(&self) -> &RefCell<DictData> {
        match &**self.dict_object() {
            Obj::Dict(d) => d,
            _ => unreachable!("an exception's dict object is a dict"),
        }
    }

    /// The attribute dict object (`e.__dict__`), made on first use.
    pub fn dict_object(&self) -> &ObjRef {
        self.dict_obj
            .get_or_init(|| ObjRef::new(Obj::Dict(RefCell::new(DictData::new()))))
    }

    /// Runs `f` on the attributes without making a dict when there is none.
    pub fn read_dict<R>(&self, f: impl FnOnce(&DictData) -> R) -> R {
        match self.dict_obj.get().map(|o| &**o) {
            Some(Obj::Dict(d)) => f(&d.borrow()),
            _ => f(&DictData::new()),
        }
    }

    pub fn new(class: ObjRef, args: Value) -> ExceptionObj {
        ExceptionObj {
            class,
            args: RefCell::new(args),
            dict_obj: std::cell::OnceCell::new(),
            traceback: RefCell::new(Traceback::default()),
            cause: RefCell::new(Value::None),
            context: RefCell::new(Value::None),
            suppress_context: Cell::new(false),
        }
    }
}
