//! The timer heap: `TimerHandle`s ordered by (deadline, scheduling sequence), with
//! CPython's rules for dropping cancelled timers.

use crate::obj::Obj;
use crate::vm::value::ObjRef;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Rebuild the heap when more than this many timers are scheduled ...
pub const MIN_SCHEDULED_TIMER_HANDLES: usize = 100;
/// ... and more than this fraction of them are cancelled.
pub const MIN_CANCELLED_TIMER_HANDLES_FRACTION: f64 = 0.5;

pub struct Timer {
    pub when: f64,
    pub seq: u64,
    pub handle: ObjRef,
}

impl PartialEq for Timer {
    fn eq(&self, other: &Timer) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Timer {}
impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Timer) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Timer {
    /// Reversed, so the std max-heap pops the earliest deadline first.
    fn cmp(&self, other: &Timer) -> Ordering {
        other
            .when
            .total_cmp(&self.when)
            .then(other.seq.cmp(&self.seq))
    }
}

fn is_cancelled(h: &ObjRef) -> bool {
    match &**h {
        Obj::Handle(h) => h.cancelled.get(),
        _ => true,
    }
}

fn set_unscheduled(h: &ObjRef) {
    if let Obj::Handle(h) = &**h {
        h.scheduled.set(false);
    }
}

#[derive(Default)]
pub struct Timers {
    heap: BinaryHeap<Timer>,
    seq: u64,
    /// Cancelled timers still in the heap.
    pub cancelled: usize,
}

impl Timers {
    pub fn push(&mut self, when: f64, handle: ObjRef) {
        self.seq += 1;
        self.heap.push(Timer {
            when,
            seq: self.seq,
            handle,
        });
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Step 1 of `_run_once`: rebuild without cancelled timers when they are many, else
    /// pop cancelled heads.
    pub fn purge_cancelled(&mut self) {
        let n = self.heap.len();
        if n > MIN_SCHEDULED_TIMER_HANDLES
            && self.cancelled as f64 / n as f64 > MIN_CANCELLED_TIMER_HANDLES_FRACTION
        {
            let old = std::mem::take(&mut self.heap).into_vec();
            let mut keep = Vec::with_capacity(n - self.cancelled);
            for t in old {
                if is_cancelled(&t.handle) {
                    set_unscheduled(&t.handle);
                } else {
                    keep.push(t);
                }
            }
            self.heap = BinaryHeap::from(keep);
            self.cancelled = 0;
        } else {
            while let Some(t) = self.heap.peek() {
                if !is_cancelled(&t.handle) {
                    break;
                }
                if let Some(t) = self.heap.pop() {
                    self.cancelled = self.cancelled.saturating_sub(1);
                    set_unscheduled(&t.handle);
                }
            }
        }
    }

    /// The earliest deadline.
    pub fn next_deadline(&self) -> Option<f64> {
        self.heap.peek().map(|t| t.when)
    }

    /// Pops the earliest timer if it is due before `end`.
    pub fn pop_due(&mut self, end: f64) -> Option<ObjRef> {
        if self.heap.peek()?.when >= end {
            return None;
        }
        let t = self.heap.pop()?;
        set_unscheduled(&t.handle);
        Some(t.handle)
    }

    /// Drops every timer (closing the loop).
    pub fn clear(&mut self) -> Vec<ObjRef> {
        self.cancelled = 0;
        std::mem::take(&mut self.heap)
            .into_vec()
            .into_iter()
            .map(|t| t.handle)
            .collect()
    }

    /// Whether any timer is not cancelled.
    pub fn any_live(&self) -> bool {
        self.heap.iter().any(|t| !is_cancelled(&t.handle))
    }
}
