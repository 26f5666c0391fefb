//! Native iterator states (list/tuple/str/range/dict/set iterators and the builtin
//! iterator adapters). `crate::vm::iter` advances them.

use crate::vm::value::{ObjRef, Value};
use num_bigint::BigInt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictIterKind {
    Keys,
    Values,
    Items,
}

pub enum IterState {
    /// list, tuple, bytes, bytearray, or any object with `__getitem__` (by index).
    Seq {
        seq: Value,
        index: usize,
    },
    /// `reversed()` over a sequence: `index` counts down; `None` when done.
    Reversed {
        seq: Value,
        index: Option<usize>,
    },
    /// A deque's iterator: `index` is the next position (forward) or the count left
    /// (`reverse`); `state` is the deque's mutation counter when it started.
    Deque {
        deque: ObjRef,
        index: usize,
        state: u64,
        reverse: bool,
    },
    Range {
        next: i64,
        stop: i64,
        step: i64,
    },
    /// A range iterator whose items may not fit i64 (CPython's `longrange_iterator`).
    /// Boxed: every object pays for the largest inline kind.
    LongRange {
        next: Box<BigInt>,
        step: Box<BigInt>,
        left: Box<BigInt>,
    },
    /// Iterating a str by byte position.
    Str {
        s: ObjRef,
        pos: usize,
    },
    Dict {
        dict: ObjRef,
        pos: usize,
        kind: DictIterKind,
        len: usize,
    },
    /// `reversed(dict)` and its views: `pos` is the dense position just after the next entry.
    DictReversed {
        dict: ObjRef,
        pos: usize,
        kind: DictIterKind,
        len: usize,
    },
    Set {
        set: ObjRef,
        pos: usize,
        len: usize,
    },
    /// `count`: the next index, an int (`Value::Int`, a big int once past i64 as
    /// CPython's enumerate goes on in longs).
    Enumerate {
        iter: Value,
        count: Value,
    },
    Zip {
        iters: Vec<Value>,
        strict: bool,
    },
    Map {
        func: Value,
        iters: Vec<Value>,
    },
    Filter {
        func: Value,
        iter: Value,
    },
    /// `iter(callable, sentinel)`
    Callable {
        func: Value,
        sentinel: Value,
    },
    /// A finished iterator that has let go of its source; `class` keeps its type name
    /// (None once the cycle collector has cleared it).
    Exhausted {
        class: Option<ObjRef>,
    },
}

/// One step of a range iterator (`IterState::Range`): the next int, None when done.
/// Saturating at the i64 edge, where the range then ends.
#[inline(always)]
pub fn range_step(next: &mut i64, stop: &mut i64, step: i64) -> Option<i64> {
    let v = *next;
    if !((step > 0 && v < *stop) || (step < 0 && v > *stop)) {
        return None;
    }
    *next = v.saturating_add(step);
    if *next == v {
        *stop = v;
    }
    Some(v)
}
