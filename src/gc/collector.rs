//! The cycle collector (DESIGN.md section 3): generational trial deletion over containers,
//! as CPython's gcmodule does.
//!
//! Containers register a weak reference when created. A collection upgrades the registered
//! objects of the chosen generations, computes for each how many references come from
//! outside the set (`refcount - internal references`), marks everything reachable from
//! objects with outside references, runs finalizers of the unreachable ones, and clears
//! the unreachable objects' mutable parts, which breaks their cycles so reference counting
//! frees them. Collections run only at safe points (`Vm::periodic`, `gc.collect()`, exit).

use super::heap::WeakRef;
use super::traverse::{clear, traverse};
use crate::vm::value::ObjRef;
use crate::vm::Vm;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// CPython 3.11's default thresholds.
pub const DEFAULT_THRESHOLDS: [i64; 3] = [700, 10, 10];

struct GcState {
    generations: [Vec<WeakRef>; 3],
    /// Allocations since the last generation-0 collection; collections of each younger
    /// generation since the last collection of the next one.
    counts: [usize; 3],
    /// As set by `gc.set_threshold` (any int; 0 for generation 0 disables collection).
    thresholds: [i64; 3],
    enabled: bool,
    collecting: bool,
    /// Objects in the oldest generation after its last collection, and objects moved
    /// there since: CPython collects the oldest generation only when the second exceeds a
    /// quarter of the first, so a program with many long-lived objects (parked tasks) does
    /// not rescan them all every few collections.
    long_lived_total: usize,
    long_lived_pending: usize,
}

thread_local! {
    static GC: RefCell<GcState> = const { RefCell::new(GcState {
        generations: [Vec::new(), Vec::new(), Vec::new()],
        counts: [0; 3],
        thresholds: DEFAULT_THRESHOLDS,
        enabled: true,
        collecting: false,
        long_lived_total: 0,
        long_lived_pending: 0,
    }) };
}

thread_local! {
    /// Tracked objects that died since the registry was last pruned. Their registry entries
    /// keep the dead objects' memory allocated (a `WeakRef` holds the box).
    static DEATHS: Cell<usize> = const { Cell::new(0) };
}

/// A tracked object died. As in CPython's `gc_dealloc`, a container that dies before a
/// collection no longer counts toward the next one, so code that allocates and frees
/// coroutines and futures at a high rate (every `await asyncio.sleep(0)`) does not trigger
/// collections that CPython would not run.
#[inline]
pub fn note_death() {
    let _ = DEATHS.try_with(|d| d.set(d.get() + 1));
    let _ = GC.try_with(|g| {
        if let Ok(mut g) = g.try_borrow_mut() {
            g.counts[0] = g.counts[0].saturating_sub(1);
        }
    });
}

/// Drops the registry entries of dead objects once they are at least half of it, so the
/// memory of objects that died in an old generation is returned without waiting for that
/// generation's (rare) collection.
pub fn prune_dead() {
    let deaths = DEATHS.with(|d| d.get());
    if deaths < 4096 {
        return;
    }
    GC.with(|g| {
        let Ok(mut g) = g.try_borrow_mut() else {
            return;
        };
        let total: usize = g.generations.iter().map(Vec::len).sum();
        if g.collecting || deaths * 2 < total {
            return;
        }
        for gen in g.generations.iter_mut() {
            gen.retain(|w| w.strong_count() > 0);
        }
        DEATHS.with(|d| d.set(0));
    });
}

/// Registers a new container with the collector.
#[inline]
pub fn track(obj: &ObjRef) {
    let w = obj.downgrade();
    let _ = GC.try_with(|g| {
        if let Ok(mut g) = g.try_borrow_mut() {
            g.generations[0].push(w);
            g.counts[0] += 1;
        }
    });
}

/// Whether an allocation threshold was passed since the last collection.
#[inline]
pub fn should_collect() -> bool {
    GC.with(|g| {
        let g = g.borrow();
        g.enabled && !g.collecting && g.thresholds[0] != 0 && g.counts[0] as i64 > g.thresholds[0]
    })
}

/// The oldest generation whose threshold is exceeded (CPython's rule).
fn generation_to_collect() -> usize {
    GC.with(|g| {
        let g = g.borrow();
        let mut gen = 0;
        for i in (1..3).rev() {
            if g.counts[i] as i64 > g.thresholds[i] {
                if i == 2 && g.long_lived_pending < g.long_lived_total / 4 {
                    continue;
                }
                gen = i;
                break;
            }
        }
        gen
    })
}

pub fn enable(on: bool) {
    GC.with(|g| g.borrow_mut().enabled = on);
}
pub fn is_enabled() -> bool {
    GC.with(|g| g.borrow().enabled)
}
pub fn get_count() -> [usize; 3] {
    GC.with(|g| g.borrow().counts)
}
pub fn get_threshold() -> [i64; 3] {
    GC.with(|g| g.borrow().thresholds)
}
pub fn set_threshold(t: [i64; 3]) {
    GC.with(|g| g.borrow_mut().thresholds = t);
}

/// Automatic collection: the generation chosen by the thresholds.
pub fn collect_auto(vm: &mut Vm) -> usize {
    let gen = generation_to_collect();
    collect(vm, gen)
}

/// Collects generations `0..=generation`; returns the number of unreachable objects found.
pub fn collect(vm: &mut Vm, generation: usize) -> usize {
    let generation = generation.min(2);
    let started = GC.with(|g| {
        let mut g = g.borrow_mut();
        if g.collecting {
            return false;
        }
        g.collecting = true;
        true
    });
    if !started {
        return 0;
    }
    let objs: Vec<ObjRef> = GC.with(|g| {
        let mut g = g.borrow_mut();
        let mut out = Vec::new();
        // Oldest first, so finalizers run in allocation order as in CPython.
        for gen in (0..=generation).rev() {
            for w in std::mem::take(&mut g.generations[gen]) {
                if let Some(o) = w.upgrade() {
                    out.push(o);
                }
            }
        }
        out
    });
    let unreachable = find_unreachable(&objs);
    // As CPython: objects a finalizer resurrected are not counted.
    let mut found = 0;
    if !unreachable.is_empty() {
        // Finalizers first (they may resurrect objects), then re-check reachability.
        let mut finalizable: Vec<ObjRef> = unreachable
            .iter()
            .filter(|&&i| objs[i].needs_finalizer())
            .map(|&i| objs[i].clone())
            .collect();
        let had_finalizers = !finalizable.is_empty();
        for o in finalizable.drain(..) {
            super::finalize::mark_finalizing(&o);
            super::finalize::finalize(vm, &o);
        }
        let garbage: Vec<usize> = if had_finalizers {
            find_unreachable(&objs)
        } else {
            unreachable
        };
        found = garbage.len();
        let mut freed = Vec::new();
        for &i in &garbage {
            freed.extend(clear(&objs[i]));
        }
        drop(freed);
    }
    // Survivors move to the next generation.
    let next = (generation + 1).min(2);
    GC.with(|g| {
        let mut g = g.borrow_mut();
        let mut survivors = 0;
        for o in &objs {
            if o.refcount() > 1 {
                g.generations[next].push(o.downgrade());
                survivors += 1;
            }
        }
        if generation == 2 {
            g.long_lived_total = survivors;
            g.long_lived_pending = 0;
        } else if generation == 1 {
            g.long_lived_pending += survivors;
        }
        g.counts[0] = 0;
        for i in 1..=generation {
            g.counts[i] = 0;
        }
        if generation < 2 {
            g.counts[generation + 1] += 1;
        }
    });
    drop(objs);
    GC.with(|g| g.borrow_mut().collecting = false);
    super::finalize::run_pending(vm);
    found
}

/// Indexes (into `objs`) of the objects reachable only from each other.
fn find_unreachable(objs: &[ObjRef]) -> Vec<usize> {
    let index: HashMap<usize, usize, BuildHasherDefault<AddrHasher>> = objs
        .iter()
        .enumerate()
        .map(|(i, o)| (o.addr(), i))
        .collect();
    // References from outside the set: the count minus our own `objs` reference.
    let mut gc_refs: Vec<isize> = objs.iter().map(|o| o.refcount() as isize - 1).collect();
    for o in objs {
        traverse(o, &mut |child| {
            if let Some(&j) = index.get(&child.addr()) {
                gc_refs[j] -= 1;
            }
        });
    }
    let mut reachable = vec![false; objs.len()];
    let mut stack: Vec<usize> = (0..objs.len()).filter(|&i| gc_refs[i] > 0).collect();
    for &i in &stack {
        reachable[i] = true;
    }
    while let Some(i) = stack.pop() {
        traverse(&objs[i], &mut |child| {
            if let Some(&j) = index.get(&child.addr()) {
                if !reachable[j] {
                    reachable[j] = true;
                    stack.push(j);
                }
            }
        });
    }
    (0..objs.len()).filter(|&i| !reachable[i]).collect()
}

/// Hashes object addresses, which are already unique: one multiply spreads them over the
/// table (SipHash showed up in collection profiles of programs with many live tasks).
#[derive(Default)]
struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(26);
    }
}
