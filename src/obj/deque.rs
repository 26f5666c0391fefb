//! The `collections.deque` object: a ring buffer with an optional bound and a mutation
//! counter. Boxed inside `Obj` (the three fields together exceed the largest inline kind).

use crate::vm::value::Value;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

pub struct DequeObj {
    pub items: RefCell<VecDeque<Value>>,
    /// `None` when unbounded. `__init__` may change it, hence the Cell.
    pub maxlen: Cell<Option<usize>>,
    /// Bumped by every change of length or order that CPython counts, so iterators can
    /// raise "deque mutated during iteration" exactly when CPython's do.
    pub state: Cell<u64>,
}

impl DequeObj {
    pub fn new(items: VecDeque<Value>, maxlen: Option<usize>) -> DequeObj {
        let d = DequeObj {
            items: RefCell::new(items),
            maxlen: Cell::new(maxlen),
            state: Cell::new(0),
        };
        let dropped = d.trim_front();
        drop(dropped);
        d
    }

    pub fn bump(&self) {
        self.state.set(self.state.get().wrapping_add(1));
    }

    pub fn len(&self) -> usize {
        self.items.borrow().len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.borrow().is_empty()
    }

    /// Drops items from the left until the bound holds; returns them so the caller frees
    /// them after every borrow ends (a finalizer may touch this deque).
    fn trim_front(&self) -> Vec<Value> {
        let mut out = Vec::new();
        if let Some(m) = self.maxlen.get() {
            let mut items = self.items.borrow_mut();
            while items.len() > m {
                out.extend(items.pop_front());
            }
        }
        out
    }

    fn trim_back(&self) -> Vec<Value> {
        let mut out = Vec::new();
        if let Some(m) = self.maxlen.get() {
            let mut items = self.items.borrow_mut();
            while items.len() > m {
                out.extend(items.pop_back());
            }
        }
        out
    }

    /// `append`: a full deque drops its leftmost item. Returns what fell out.
    pub fn push_back(&self, v: Value) -> Vec<Value> {
        let over = {
            let mut items = self.items.borrow_mut();
            items.push_back(v);
            self.over_maxlen(items.len())
        };
        self.bump();
        if over {
            self.trim_front()
        } else {
            Vec::new()
        }
    }

    /// `appendleft`: a full deque drops its rightmost item. Returns what fell out.
    pub fn push_front(&self, v: Value) -> Vec<Value> {
        let over = {
            let mut items = self.items.borrow_mut();
            items.push_front(v);
            self.over_maxlen(items.len())
        };
        self.bump();
        if over {
            self.trim_back()
        } else {
            Vec::new()
        }
    }

    /// Whether `len` items are more than a bounded deque keeps (tested inline, so that an
    /// append to an unbounded deque, the common case, makes no call).
    #[inline(always)]
    fn over_maxlen(&self, len: usize) -> bool {
        self.maxlen.get().is_some_and(|m| len > m)
    }

    pub fn pop_back(&self) -> Option<Value> {
        let v = self.items.borrow_mut().pop_back();
        if v.is_some() {
            self.bump();
        }
        v
    }

    pub fn pop_front(&self) -> Option<Value> {
        let v = self.items.borrow_mut().pop_front();
        if v.is_some() {
            self.bump();
        }
        v
    }

    /// Empties the deque, returning the old items to free outside the borrow.
    pub fn take(&self) -> VecDeque<Value> {
        let old = std::mem::take(&mut *self.items.borrow_mut());
        if !old.is_empty() {
            self.bump();
        }
        old
    }
}
