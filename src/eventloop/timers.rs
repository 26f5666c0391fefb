//! The timer heap: `TimerHandle`s in a binary heap ordered by deadline alone, kept
//! with exactly the steps of CPython's `heapq` (push, pop, heapify), with CPython's rules
//! for dropping cancelled timers. Timers with equal deadlines then come out in the order
//! CPython's `_scheduled` heap gives them, which is not the order they were scheduled in
//! (ten `call_at(t, ...)` run as 0, 2, 6, 5, 9, 8, 7, 1, 3, 4).

use crate::obj::Obj;
use crate::vm::value::ObjRef;

/// Rebuild the heap when more than this many timers are scheduled ...
pub const MIN_SCHEDULED_TIMER_HANDLES: usize = 100;
/// ... and more than this fraction of them are cancelled.
pub const MIN_CANCELLED_TIMER_HANDLES_FRACTION: f64 = 0.5;

pub struct Timer {
    pub when: f64,
    pub handle: ObjRef,
}

impl Timer {
    /// `TimerHandle.__lt__`: deadlines only.
    fn lt(&self, other: &Timer) -> bool {
        self.when < other.when
    }
}

/// heapq's `_siftdown`: moves the item at `pos` up towards `start` while it is smaller
/// than its parent.
fn sift_down(heap: &mut [Timer], start: usize, mut pos: usize) {
    while pos > start {
        let parent = (pos - 1) >> 1;
        if heap[pos].lt(&heap[parent]) {
            heap.swap(pos, parent);
            pos = parent;
        } else {
            break;
        }
    }
}

/// heapq's `_siftup`: moves the smaller child up until a leaf is reached, puts the item
/// there, then sifts it down (the bottom-up variant, whose tie order matters here).
fn sift_up(heap: &mut [Timer], mut pos: usize) {
    let end = heap.len();
    let start = pos;
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        if right < end && !heap[child].lt(&heap[right]) {
            child = right;
        }
        heap.swap(pos, child);
        pos = child;
        child = 2 * pos + 1;
    }
    sift_down(heap, start, pos);
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
    heap: Vec<Timer>,
    /// Cancelled timers still in the heap.
    pub cancelled: usize,
}

impl Timers {
    /// `heapq.heappush`.
    pub fn push(&mut self, when: f64, handle: ObjRef) {
        self.heap.push(Timer { when, handle });
        let last = self.heap.len() - 1;
        sift_down(&mut self.heap, 0, last);
    }

    /// `heapq.heappop`.
    fn pop(&mut self) -> Option<Timer> {
        let last = self.heap.pop()?;
        if self.heap.is_empty() {
            return Some(last);
        }
        let top = std::mem::replace(&mut self.heap[0], last);
        sift_up(&mut self.heap, 0);
        Some(top)
    }

    fn peek(&self) -> Option<&Timer> {
        self.heap.first()
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
            let old = std::mem::take(&mut self.heap);
            let mut keep = Vec::with_capacity(n - self.cancelled);
            for t in old {
                if is_cancelled(&t.handle) {
                    set_unscheduled(&t.handle);
                } else {
                    keep.push(t);
                }
            }
            // heapq.heapify
            for i in (0..keep.len() / 2).rev() {
                sift_up(&mut keep, i);
            }
            self.heap = keep;
            self.cancelled = 0;
        } else {
            while let Some(t) = self.peek() {
                if !is_cancelled(&t.handle) {
                    break;
                }
                if let Some(t) = self.pop() {
                    self.cancelled = self.cancelled.saturating_sub(1);
                    set_unscheduled(&t.handle);
                }
            }
        }
    }

    /// The earliest deadline.
    pub fn next_deadline(&self) -> Option<f64> {
        self.peek().map(|t| t.when)
    }

    /// Pops the earliest timer if it is due before `end`.
    pub fn pop_due(&mut self, end: f64) -> Option<ObjRef> {
        if self.peek()?.when >= end {
            return None;
        }
        let t = self.pop()?;
        set_unscheduled(&t.handle);
        Some(t.handle)
    }

    /// Drops every timer (closing the loop).
    pub fn clear(&mut self) -> Vec<ObjRef> {
        self.cancelled = 0;
        std::mem::take(&mut self.heap)
            .into_iter()
            .map(|t| t.handle)
            .collect()
    }

    /// Whether any timer is not cancelled.
    pub fn any_live(&self) -> bool {
        self.heap.iter().any(|t| !is_cancelled(&t.handle))
    }
}
