//! The cycle collector (DESIGN.md section 3): generational trial deletion over containers,
//! as CPython's gcmodule does.
//!
//! Containers are registered when created (`heap::Registry`: the object's header holds its
//! generation and index, so registering and forgetting a dead object are O(1)). A
//! collection moves the objects of the chosen generations into one vector, where each
//! header's slot is its index; it computes for each how many references come from outside
//! the set (`refcount - internal references`: an edge is internal when the header of its
//! target says it is being collected), marks everything reachable from objects with
//! outside references, runs finalizers of the unreachable ones, and clears the unreachable
//! objects' mutable parts, which breaks their cycles so reference counting frees them.
//! Collections run only at safe points (`Vm::periodic`, `gc.collect()`, exit).

use super::heap::{Dying, Registry};
use super::traverse::{clear, traverse};
use crate::vm::value::ObjRef;
use crate::vm::Vm;
use std::cell::RefCell;

/// CPython 3.11's default thresholds.
pub const DEFAULT_THRESHOLDS: [i64; 3] = [700, 10, 10];

struct GcState {
    registry: Registry,
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
    /// Per generation, as `gc.get_stats()` reports them.
    stats: [GenerationStats; 3],
}

/// What CPython counts per generation for `gc.get_stats()`: the collections of the
/// generation, and the unreachable objects they found. Uncollectable objects stay zero:
/// finalizers run (PEP 442), so nothing ends in `gc.garbage`.
#[derive(Clone, Copy, Default)]
pub struct GenerationStats {
    pub collections: usize,
    pub collected: usize,
    pub uncollectable: usize,
}

thread_local! {
    static GC: RefCell<GcState> = const { RefCell::new(GcState {
        registry: Registry::new(),
        counts: [0; 3],
        thresholds: DEFAULT_THRESHOLDS,
        enabled: true,
        collecting: false,
        long_lived_total: 0,
        long_lived_pending: 0,
        stats: [GenerationStats { collections: 0, collected: 0, uncollectable: 0 }; 3],
    }) };
}

/// A tracked object is dying: it leaves the registry before its memory is freed. As in
/// CPython's `gc_dealloc`, a container that dies before a collection no longer counts
/// toward the next one, so code that allocates and frees coroutines and futures at a high
/// rate (every `await asyncio.sleep(0)`) does not trigger collections that CPython would
/// not run.
#[inline]
pub(super) fn note_death(d: Dying) {
    // Once the thread's collector state is destroyed (thread exit) there is nothing to
    // leave.
    let _ = GC.try_with(|g| match g.try_borrow_mut() {
        Ok(mut g) => {
            g.registry.remove(d);
            g.counts[0] = g.counts[0].saturating_sub(1);
        }
        // The state is borrowed only by the collector's own short sections, which drop
        // no objects; a dangling registry entry must never be left behind.
        Err(_) => registry_busy(),
    });
}

#[cold]
#[inline(never)]
fn registry_busy() -> ! {
    eprintln!("aio: fatal error: an object died while the collector's registry was in use");
    std::process::abort()
}

/// Registers a new container with the collector.
#[inline]
pub fn track(obj: &ObjRef) {
    let _ = GC.try_with(|g| {
        if let Ok(mut g) = g.try_borrow_mut() {
            if g.registry.track(obj) {
                g.counts[0] += 1;
            }
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
/// The tracked objects of generation `g` (every generation when None).
pub fn objects(g: Option<usize>) -> Vec<ObjRef> {
    GC.with(|gc| gc.borrow().registry.objects(g))
}

pub fn get_count() -> [usize; 3] {
    GC.with(|g| g.borrow().counts)
}
pub fn get_stats() -> [GenerationStats; 3] {
    GC.with(|g| g.borrow().stats)
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
    collect_with(vm, generation, true)
}

/// The last collection at exit, once the modules are torn down: as CPython's
/// `_PyGC_CollectNoFail`, it calls no `gc.callbacks`.
pub fn collect_no_fail(vm: &mut Vm) -> usize {
    collect_with(vm, 2, false)
}

fn collect_with(vm: &mut Vm, generation: usize, with_callbacks: bool) -> usize {
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
    let callbacks = with_callbacks
        .then(|| crate::modules::gc_module::installed_callbacks(vm))
        .flatten();
    if let Some(list) = &callbacks {
        crate::modules::gc_module::invoke_callbacks(vm, list, "start", generation, 0);
    }
    // Oldest first, so finalizers run in allocation order as in CPython.
    let mut objs = GC.with(|g| g.borrow_mut().registry.take(generation));
    let unreachable = find_unreachable(&objs);
    // As CPython: objects a finalizer resurrected are not counted.
    let mut found = 0;
    if !unreachable.is_empty() {
        // Finalizers first (they may resurrect objects), then re-check reachability.
        let finalizable: Vec<ObjRef> = unreachable
            .iter()
            .filter(|&&i| objs[i].needs_finalizer())
            .map(|&i| objs[i].clone())
            .collect();
        let had_finalizers = !finalizable.is_empty();
        run_finalizers(vm, finalizable);
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
        let survivors = g.registry.promote(&mut objs, next);
        if generation == 2 {
            g.long_lived_total = survivors;
            g.long_lived_pending = 0;
        } else if generation == 1 {
            g.long_lived_pending += survivors;
        }
        g.stats[generation].collections += 1;
        g.stats[generation].collected += found;
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
    if let Some(list) = &callbacks {
        // As CPython, no collection starts from inside a callback.
        GC.with(|g| g.borrow_mut().collecting = true);
        crate::modules::gc_module::invoke_callbacks(vm, list, "stop", generation, found);
        GC.with(|g| g.borrow_mut().collecting = false);
    }
    found
}

/// Runs the finalizers of the unreachable objects, in the collection's order. What a
/// finalizer leaves unreferenced (the locals of a coroutine it closed), CPython
/// deallocates at once: its finalizer runs right then, and what it held is let go in
/// turn, before the next object of the list. Here the collection still holds such an
/// object, so it is recognised by its count: only the collection's own references left.
fn run_finalizers(vm: &mut Vm, finalizable: Vec<ObjRef>) {
    // `objs` (the running collection) and `finalizable` each hold one reference.
    const COLLECTION_REFS: usize = 2;
    let index_of: rustc_hash::FxHashMap<usize, usize> = finalizable
        .iter()
        .enumerate()
        .filter_map(|(i, o)| o.collecting_slot().map(|slot| (slot, i)))
        .collect();
    let mut done = vec![false; finalizable.len()];
    for first in 0..finalizable.len() {
        let mut work = vec![first];
        while let Some(i) = work.pop() {
            if std::mem::replace(&mut done[i], true) {
                continue;
            }
            let o = &finalizable[i];
            let mut held = Vec::new();
            traverse(o, &mut |child| {
                if let Some(&j) = child.collecting_slot().and_then(|s| index_of.get(&s)) {
                    held.push(j);
                }
            });
            super::finalize::mark_finalizing(o);
            super::finalize::finalize(vm, o);
            // An orphan that was not resurrected is deallocated: what it held goes.
            if i != first && o.refcount() == COLLECTION_REFS {
                drop(clear(o));
            }
            let orphans = held
                .into_iter()
                .rev()
                .filter(|&j| !done[j] && finalizable[j].refcount() == COLLECTION_REFS);
            work.extend(orphans);
        }
    }
}

/// Indexes (into `objs`, the running collection) of the objects reachable only from each
/// other.
fn find_unreachable(objs: &[ObjRef]) -> Vec<usize> {
    // References from outside the set: the count minus our own `objs` reference.
    let mut gc_refs: Vec<isize> = objs.iter().map(|o| o.refcount() as isize - 1).collect();
    for o in objs {
        traverse(o, &mut |child| {
            if let Some(r) = child.collecting_slot().and_then(|j| gc_refs.get_mut(j)) {
                *r -= 1;
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
            if let Some(j) = child.collecting_slot() {
                if let Some(r) = reachable.get_mut(j).filter(|r| !**r) {
                    *r = true;
                    stack.push(j);
                }
            }
        });
    }
    (0..objs.len()).filter(|&i| !reachable[i]).collect()
}
