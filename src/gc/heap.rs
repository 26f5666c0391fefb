//! The object box (DESIGN.md section 3): `ObjRef`, a counted reference to an `Obj` in a
//! hand-written box whose header carries the cycle collector's bookkeeping, and `WeakRef`.
//!
//! One allocation per object: a 16-byte header followed by the `Obj`.
//!
//! | field    | meaning                                                                     |
//! |----------|-----------------------------------------------------------------------------|
//! | `strong` | `u32`: `ObjRef`s; the `Obj` is dropped when it reaches 0                    |
//! | `weak`   | `u32`: `WeakRef`s + 1 for all `ObjRef`s together (as `Rc`); freed at 0      |
//! | `slot`   | `u32`: index in its generation's vector, or in the running collection's     |
//! | `gen`    | `u8`: generation 0–2, `COLLECTING`, `DETACHED` or `UNTRACKED`               |
//! | `flags`  | `u8`: `FINALIZED`: `__del__` ran (at most once, PEP 442); `WATCHED`: a  |
//! |          | `weakref.ref` refers to it (`weak_watch` is told of its death)              |
//!
//! Overflowing a count aborts.
//!
//! Tracking a container is a push onto generation 0's vector; the death of a tracked object
//! empties its slot (O(1), see `Registry::remove`) before its memory is freed, so nothing
//! dead stays allocated for the collector's sake. The vectors keep allocation order, which
//! is the order finalizers of cyclic garbage run in.
//!
//! This file is where aio's memory management is `unsafe`: every dereference of a box
//! pointer is here. The invariants are:
//! - an `ObjRef` holds one `strong` count, a `WeakRef` one `weak` count; the box is
//!   allocated while `weak > 0` and its `Obj` is initialised while `strong > 0`;
//! - a box in a `Registry` vector is alive (`strong > 0`) and its header names that vector
//!   and the index there; a dying object leaves the registry before its `Obj` is dropped;
//! - a `COLLECTING` object is in the running collection's vector at index `slot`, which
//!   holds a strong reference to it (`Collection`);
//! - a block on the pool's free list is referred to by nothing else.
//!
//! Boxes are not `Send`: objects never leave the thread (VM threads are not OS threads).
//!
//! Every box has the same size, so boxes come from a per-thread free list of box-sized
//! blocks (`pool`) carved from 64 KiB chunks: allocating pops a block, freeing pushes it,
//! a few instructions instead of a general `malloc`. Freed blocks are reused for new
//! objects but not returned to the OS while the thread runs (as CPython's pymalloc keeps
//! its pools; unlike pymalloc, no chunk is given back when it empties). A thread's chunks
//! are freed when it exits with no box allocated, otherwise they are leaked.

use super::collector;
use crate::obj::Obj;
use std::alloc::Layout;
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr::{addr_of, addr_of_mut, NonNull};

/// `gen` of an object that is in the running collection's vector.
const COLLECTING: u8 = 3;
/// `gen` of a container that a collection left out of every generation (it had no other
/// reference when the collection ended; it dies, or a finalizer resurrected it).
const DETACHED: u8 = 4;
/// `gen` of an object the collector does not know (not a container).
const UNTRACKED: u8 = u8::MAX;

/// At most this many entries per generation vector, so `slot` fits in a `u32` even for a
/// collection of all three generations at once.
const MAX_SLOTS: usize = (u32::MAX / 4) as usize;

/// `flags` bit: the object's `__del__` ran (or is queued), so a resurrected object is not
/// finalized twice. Kept in the header (bytes that were padding) rather than in every
/// instance, since the size of every object follows the size of an instance.
const FINALIZED: u8 = 1;
/// `flags` bit: Python-level weak references to the object exist (`weak_watch`).
const WATCHED: u8 = 2;

#[repr(C)]
struct Header {
    strong: Cell<u32>,
    weak: Cell<u32>,
    slot: Cell<u32>,
    gen: Cell<u8>,
    flags: Cell<u8>,
}

#[repr(C)]
struct GcBox {
    header: Header,
    obj: ManuallyDrop<Obj>,
}

/// A counted reference to a heap object. Cloning increments the count; dropping the last
/// reference deallocates the object (iteratively, see `crate::gc::trash`), after running its
/// finalizer if it has one (see `crate::gc::finalize`).
pub struct ObjRef {
    ptr: NonNull<GcBox>,
    /// Owns a `GcBox` (drop check); `NonNull` already makes this neither `Send` nor `Sync`.
    _owns: PhantomData<GcBox>,
}

/// A reference that does not keep its object alive (`upgrade` fails once it died), only the
/// box's memory, so the address is not reused while a `WeakRef` to it exists.
pub struct WeakRef {
    ptr: NonNull<GcBox>,
}

/// The header of a box that is still allocated.
///
/// # Safety
/// `ptr` must point to an allocated box (an `ObjRef` or `WeakRef` to it exists, or it is
/// in a registry vector). Only the header is borrowed, never the `Obj` next to it, so this
/// does not alias a `&mut Obj` taken while the object is dropped.
#[inline(always)]
unsafe fn header<'a>(ptr: NonNull<GcBox>) -> &'a Header {
    // SAFETY: the caller guarantees the allocation is live; `addr_of!` takes the field's
    // address without creating a reference to the whole box.
    unsafe { &*addr_of!((*ptr.as_ptr()).header) }
}

/// `extern "C"`: it cannot unwind, so callers need no cleanup for it.
#[cold]
#[inline(never)]
extern "C" fn count_overflow() -> ! {
    eprintln!("aio: fatal error: reference count overflow");
    std::process::abort()
}

impl ObjRef {
    /// Allocates `obj`; a container is tracked by the cycle collector.
    #[inline]
    pub fn new(obj: Obj) -> ObjRef {
        let tracked = obj.is_container();
        let ptr = pool::alloc();
        // SAFETY: `pool::alloc` returns a block that nothing else uses, with `GcBox`'s size
        // and alignment; writing initialises it without reading the old contents.
        unsafe {
            ptr.as_ptr().write(GcBox {
                header: Header {
                    strong: Cell::new(1),
                    weak: Cell::new(1),
                    slot: Cell::new(0),
                    gen: Cell::new(UNTRACKED),
                    flags: Cell::new(0),
                },
                obj: ManuallyDrop::new(obj),
            })
        };
        let r = ObjRef {
            ptr,
            _owns: PhantomData,
        };
        if tracked {
            collector::track(&r);
        }
        r
    }

    #[inline(always)]
    fn header(&self) -> &Header {
        // SAFETY: this reference holds a strong count, so the box is allocated.
        unsafe { header(self.ptr) }
    }

    /// A new strong reference to a box that is known to be alive.
    ///
    /// # Safety
    /// `ptr` must point to a box whose `strong` count is not 0.
    #[inline]
    unsafe fn from_live(ptr: NonNull<GcBox>) -> ObjRef {
        // SAFETY: the caller guarantees the box is alive.
        let h = unsafe { header(ptr) };
        // Store first, then test (as `Rc` does): one read-modify-write instruction.
        let s = h.strong.get().wrapping_add(1);
        h.strong.set(s);
        if s == 0 {
            count_overflow();
        }
        ObjRef {
            ptr,
            _owns: PhantomData,
        }
    }

    #[inline]
    pub fn is(&self, other: &ObjRef) -> bool {
        self.ptr == other.ptr
    }

    /// The object's address, used for `id()` and default hashing.
    #[inline]
    pub fn addr(&self) -> usize {
        self.ptr.as_ptr() as usize
    }

    #[inline]
    pub fn refcount(&self) -> usize {
        self.header().strong.get() as usize
    }

    pub fn downgrade(&self) -> WeakRef {
        let h = self.header();
        let w = h.weak.get().wrapping_add(1);
        h.weak.set(w);
        if w == 0 {
            count_overflow();
        }
        WeakRef { ptr: self.ptr }
    }

    /// Whether dropping the last reference must run code first (`Obj::needs_finalizer`,
    /// with this object's `FINALIZED` flag).
    #[inline]
    pub fn needs_finalizer(&self) -> bool {
        (**self).needs_finalizer(self.header().flags.get() & FINALIZED != 0)
    }

    /// Asks for `weak_watch::died` to be told when the object dies.
    pub fn set_watched(&self) {
        let h = self.header();
        h.flags.set(h.flags.get() | WATCHED);
    }

    /// Marks the object's `__del__` as run (PEP 442: at most once, even if resurrected).
    pub fn set_finalized(&self) {
        let h = self.header();
        h.flags.set(h.flags.get() | FINALIZED);
    }

    /// The object's index in the running collection, if it is part of it.
    #[inline]
    pub(super) fn collecting_slot(&self) -> Option<usize> {
        let h = self.header();
        (h.gen.get() == COLLECTING).then_some(h.slot.get() as usize)
    }
}

/// The last strong reference to the box at `ptr` is going away (`ObjRef::drop` already
/// took the count to 0): queue the finalizer, else drop the object (leaving the
/// collector's registry first) and free the box unless weak references remain.
///
/// `cold` keeps it out of the callers' loops; `inline` lets each codegen unit have its own
/// copy, called directly rather than through the GOT. The pointer is passed by value so
/// the caller's reference need not live in memory.
///
/// # Safety
/// `ptr` is a box whose strong count just dropped to 0 from the caller's reference.
#[cold]
#[inline]
unsafe fn drop_last(ptr: NonNull<GcBox>) {
    // SAFETY: the caller's reference was the last strong one; the box is still allocated.
    let h = unsafe { header(ptr) };
    // SAFETY: as above: the `Obj` is still initialised.
    let obj = unsafe { &*addr_of!((*ptr.as_ptr()).obj) };
    if obj.needs_finalizer(h.flags.get() & FINALIZED != 0) {
        // The caller's reference counts again while the finalizer is queued, so the
        // clones `defer` makes do not come back here when they are dropped.
        h.strong.set(1);
        let this = ManuallyDrop::new(ObjRef {
            ptr,
            _owns: PhantomData,
        });
        // Queues a new reference (resurrecting the object) unless the queue is gone.
        super::finalize::defer(&this);
        let s = h.strong.get() - 1;
        h.strong.set(s);
        if s != 0 {
            return;
        }
    }
    if h.gen.get() != UNTRACKED {
        collector::note_death(Dying(ptr));
    }
    if h.flags.get() & WATCHED != 0 {
        super::weak_watch::died(ptr.as_ptr() as usize);
    }
    // SAFETY: strong is 0 and the caller's was the last strong reference, so nothing else
    // can reach the `Obj` (`upgrade` fails, the registry no longer lists it): it is
    // dropped exactly once. `ManuallyDrop<Obj>` has `Obj`'s layout.
    unsafe { std::ptr::drop_in_place(addr_of_mut!((*ptr.as_ptr()).obj).cast::<Obj>()) };
    // SAFETY: the strong references' weak count is released; the box was allocated by
    // `pool::alloc` in `ObjRef::new` and nothing refers to it when the weak count is 0.
    unsafe { release_weak(ptr) };
}

/// Drops one weak count and frees the box when it was the last.
///
/// # Safety
/// `ptr` must be an allocated box whose weak count the caller owns (and gives up).
#[inline]
unsafe fn release_weak(ptr: NonNull<GcBox>) {
    // SAFETY: the caller's weak count keeps the box allocated until here.
    let h = unsafe { header(ptr) };
    let w = h.weak.get() - 1;
    if w == 0 {
        // SAFETY: no strong references (the strong ones hold a weak count together) and no
        // weak ones remain, so nothing refers to the box; it came from `pool::alloc` on
        // this thread (boxes are not `Send`) and its `Obj` was already dropped (the header
        // and `ManuallyDrop<Obj>` have nothing else to drop).
        unsafe { pool::free(ptr) };
    } else {
        h.weak.set(w);
    }
}

impl Clone for ObjRef {
    #[inline]
    fn clone(&self) -> ObjRef {
        // SAFETY: `self` keeps the box alive.
        unsafe { ObjRef::from_live(self.ptr) }
    }
}

impl Drop for ObjRef {
    #[inline]
    fn drop(&mut self) {
        let h = self.header();
        // Store first, then test (as `Rc` does): one read-modify-write instruction.
        let s = h.strong.get() - 1;
        h.strong.set(s);
        if s == 0 {
            // SAFETY: that was the last strong reference.
            unsafe { drop_last(self.ptr) };
        }
    }
}

impl std::ops::Deref for ObjRef {
    type Target = Obj;
    #[inline]
    fn deref(&self) -> &Obj {
        // SAFETY: the strong count this reference holds keeps the `Obj` initialised; it
        // is only mutated through its own cells.
        unsafe { &*addr_of!((*self.ptr.as_ptr()).obj) }
    }
}

impl WeakRef {
    /// A strong reference, unless the object died.
    #[inline]
    pub fn upgrade(&self) -> Option<ObjRef> {
        // SAFETY: the weak count keeps the box allocated; `from_live` only on a live box.
        unsafe { (header(self.ptr).strong.get() != 0).then(|| ObjRef::from_live(self.ptr)) }
    }

    pub fn strong_count(&self) -> usize {
        // SAFETY: the weak count keeps the box allocated.
        unsafe { header(self.ptr).strong.get() as usize }
    }

    /// Whether both refer to the same box.
    #[inline]
    pub fn ptr_eq(&self, other: &WeakRef) -> bool {
        self.ptr == other.ptr
    }

    /// Whether this refers to `o`.
    #[inline]
    pub fn is(&self, o: &ObjRef) -> bool {
        self.ptr == o.ptr
    }

    /// The box's address (`ObjRef::addr` of the object, while it lives).
    #[inline]
    pub fn addr(&self) -> usize {
        self.ptr.as_ptr() as usize
    }
}

impl Clone for WeakRef {
    fn clone(&self) -> WeakRef {
        // SAFETY: the weak count of `self` keeps the box allocated.
        let h = unsafe { header(self.ptr) };
        let w = h.weak.get().wrapping_add(1);
        h.weak.set(w);
        if w == 0 {
            count_overflow();
        }
        WeakRef { ptr: self.ptr }
    }
}

impl Drop for WeakRef {
    fn drop(&mut self) {
        // SAFETY: this reference owns one weak count.
        unsafe { release_weak(self.ptr) }
    }
}

/// The per-thread free list of box-sized blocks (see the header comment).
mod pool {
    use super::*;

    /// A chunk's size; each holds `BLOCKS` boxes.
    const CHUNK_BYTES: usize = 64 * 1024;
    const BLOCK: Layout = Layout::new::<GcBox>();
    const BLOCKS: usize = CHUNK_BYTES / BLOCK.size();
    /// Chunks are aligned for `GcBox`; a block's size is a multiple of its alignment, so
    /// every block in a chunk is aligned too.
    const CHUNK: Layout = match Layout::from_size_align(BLOCKS * BLOCK.size(), BLOCK.align()) {
        Ok(l) => l,
        Err(_) => panic!("chunk layout"),
    };
    // A free block holds the pointer to the next one in its first word.
    const _: () = assert!(BLOCK.size() >= size_of::<*mut u8>());
    const _: () = assert!(BLOCK.align() >= align_of::<*mut u8>());
    const _: () = assert!(BLOCKS > 0);

    /// The hot state: no destructor, so it stays usable while other thread-locals (which
    /// may hold objects) are destroyed at thread exit.
    struct Pool {
        /// The first free block; each free block's first word points to the next (null
        /// ends the list).
        free: Cell<*mut u8>,
        /// The part of the newest chunk not yet handed out: `bump..end`.
        bump: Cell<*mut u8>,
        end: Cell<*mut u8>,
        /// Blocks handed out and not freed (live boxes, or dead ones that weak
        /// references keep).
        live: Cell<usize>,
    }

    thread_local! {
        static POOL: Pool = const {
            Pool {
                free: Cell::new(std::ptr::null_mut()),
                bump: Cell::new(std::ptr::null_mut()),
                end: Cell::new(std::ptr::null_mut()),
                live: Cell::new(0),
            }
        };
        static CHUNKS: Chunks = const { Chunks(RefCell::new(Vec::new())) };
    }

    /// The thread's chunks, freed at thread exit if no block is in use then.
    struct Chunks(RefCell<Vec<NonNull<u8>>>);

    impl Drop for Chunks {
        fn drop(&mut self) {
            let chunks = std::mem::take(self.0.get_mut());
            let _ = POOL.try_with(|p| {
                if p.live.get() != 0 {
                    return; // Objects outlive the thread's other state: leak the chunks.
                }
                p.free.set(std::ptr::null_mut());
                p.bump.set(std::ptr::null_mut());
                p.end.set(std::ptr::null_mut());
                for c in chunks {
                    // SAFETY: `c` came from `std::alloc::alloc(CHUNK)` in `refill`; no
                    // block in it is in use (`live` is 0) and the lists no longer point
                    // into it. A chunk allocated after this (by a later destructor) is
                    // not recorded here and is leaked.
                    unsafe { std::alloc::dealloc(c.as_ptr(), CHUNK) };
                }
            });
        }
    }

    /// A block for a new box: uninitialised, sized and aligned for `GcBox`.
    #[inline]
    pub(super) fn alloc() -> NonNull<GcBox> {
        POOL.with(|p| {
            p.live.set(p.live.get() + 1);
            let head = p.free.get();
            if let Some(b) = NonNull::new(head) {
                // SAFETY: `head` is a free block, whose first word (aligned, see the
                // asserts above) is the next free block, written by `free`.
                p.free.set(unsafe { head.cast::<*mut u8>().read() });
                return b.cast();
            }
            let b = p.bump.get();
            if b != p.end.get() {
                // SAFETY: `bump..end` lies inside the newest chunk and is a multiple of
                // the block size long, so one block fits: the result stays within (or
                // one past the end of) the chunk.
                p.bump.set(unsafe { b.add(BLOCK.size()) });
                // SAFETY: `b` is inside a chunk, not null.
                return unsafe { NonNull::new_unchecked(b) }.cast();
            }
            refill(p)
        })
    }

    /// Allocates a new chunk and hands out its first block.
    #[cold]
    #[inline(never)]
    fn refill(p: &Pool) -> NonNull<GcBox> {
        // SAFETY: `CHUNK` has a non-zero size.
        let c = unsafe { std::alloc::alloc(CHUNK) };
        let Some(c) = NonNull::new(c) else {
            std::alloc::handle_alloc_error(CHUNK)
        };
        // Recorded to be freed at thread exit; if the thread is already past that point
        // the chunk is leaked.
        let _ = CHUNKS.try_with(|cs| {
            if let Ok(mut cs) = cs.0.try_borrow_mut() {
                cs.push(c);
            }
        });
        // SAFETY: the chunk is `BLOCKS * BLOCK.size()` bytes long; both pointers stay
        // within it or one past its end.
        unsafe {
            p.bump.set(c.as_ptr().add(BLOCK.size()));
            p.end.set(c.as_ptr().add(CHUNK.size()));
        }
        c.cast()
    }

    /// Returns a block to the free list.
    ///
    /// # Safety
    /// `b` came from `alloc` on this thread and nothing refers to it any more (its
    /// contents need no drop).
    #[inline]
    pub(super) unsafe fn free(b: NonNull<GcBox>) {
        POOL.with(|p| {
            p.live.set(p.live.get() - 1);
            let b = b.cast::<u8>().as_ptr();
            // SAFETY: the block is unused (caller) and aligned for a pointer; its first
            // word now links it into the list.
            unsafe { b.cast::<*mut u8>().write(p.free.get()) };
            p.free.set(b);
        })
    }
}

/// A tracked object whose `Obj` is about to be dropped (`ObjRef::drop_last`), for
/// `Registry::remove`. Only this module makes one.
pub(super) struct Dying(NonNull<GcBox>);

/// The containers the cycle collector knows, by generation, in allocation order (objects
/// promoted by a collection follow in the order of that collection). A dead object leaves
/// an empty entry; trailing ones are popped, and a vector that is more than half empty is
/// compacted (rewriting the moved objects' slots), so removal is amortised O(1).
pub(super) struct Registry {
    gens: [Vec<Option<NonNull<GcBox>>>; 3],
    holes: [usize; 3],
}

impl Registry {
    pub(super) const fn new() -> Registry {
        Registry {
            gens: [Vec::new(), Vec::new(), Vec::new()],
            holes: [0; 3],
        }
    }

    /// Puts `o` (untracked, or in the running collection) at the end of generation `g`.
    /// Returns false when that vector is full; `o` is then left out of every generation.
    fn push(&mut self, o: &ObjRef, g: usize) -> bool {
        let v = &mut self.gens[g];
        let h = o.header();
        if v.len() >= MAX_SLOTS {
            if h.gen.get() == COLLECTING {
                h.gen.set(DETACHED);
            }
            return false;
        }
        h.slot.set(v.len() as u32);
        h.gen.set(g as u8);
        v.push(Some(o.ptr));
        true
    }

    /// Registers a new container in generation 0.
    #[inline]
    pub(super) fn track(&mut self, o: &ObjRef) -> bool {
        debug_assert_eq!(o.header().gen.get(), UNTRACKED);
        self.push(o, 0)
    }

    /// Forgets a dying object.
    #[inline]
    pub(super) fn remove(&mut self, d: Dying) {
        // SAFETY: `Dying` is made only for a box whose `Obj` has not been dropped yet.
        let h = unsafe { header(d.0) };
        let g = h.gen.get() as usize;
        h.gen.set(UNTRACKED);
        let Some(v) = self.gens.get_mut(g) else {
            return; // COLLECTING or DETACHED: in no generation vector.
        };
        let i = h.slot.get() as usize;
        debug_assert_eq!(v.get(i), Some(&Some(d.0)));
        if i + 1 == v.len() {
            v.pop();
            while let Some(None) = v.last() {
                v.pop();
                self.holes[g] -= 1;
            }
        } else if let Some(e) = v.get_mut(i) {
            *e = None;
            self.holes[g] += 1;
            if self.holes[g] >= 64 && self.holes[g] * 2 > v.len() {
                self.compact(g);
            }
        }
    }

    /// Removes the empty entries of generation `g`, keeping the order.
    fn compact(&mut self, g: usize) {
        let v = &mut self.gens[g];
        let mut n = 0;
        for i in 0..v.len() {
            if let Some(p) = v[i] {
                // SAFETY: registry entries are alive boxes.
                unsafe { header(p) }.slot.set(n as u32);
                v[n] = Some(p);
                n += 1;
            }
        }
        v.truncate(n);
        if v.capacity() > 4 * n.max(1024) {
            v.shrink_to(2 * n);
        }
        self.holes[g] = 0;
    }

    /// New references to the objects of generation `g` (all generations, youngest first,
    /// when None), in allocation order: `gc.get_objects()`.
    pub(super) fn objects(&self, g: Option<usize>) -> Vec<ObjRef> {
        let gens = match g {
            Some(g) => g..g + 1,
            None => 0..3,
        };
        let mut out = Vec::new();
        for g in gens {
            for p in self.gens.get(g).into_iter().flatten().flatten() {
                // SAFETY: registry entries are alive boxes.
                out.push(unsafe { ObjRef::from_live(*p) });
            }
        }
        out
    }

    /// The objects of generations `0..=upto`, oldest generation first, each in
    /// allocation order, moved into a new collection whose indexes their slots now hold.
    pub(super) fn take(&mut self, upto: usize) -> Collection {
        let upto = upto.min(2);
        let live: usize = (0..=upto).map(|g| self.gens[g].len() - self.holes[g]).sum();
        let mut objs = Vec::with_capacity(live);
        for g in (0..=upto).rev() {
            for p in std::mem::take(&mut self.gens[g]).into_iter().flatten() {
                // SAFETY: registry entries are alive boxes.
                let o = unsafe { ObjRef::from_live(p) };
                let h = o.header();
                h.gen.set(COLLECTING);
                // Below 3 * MAX_SLOTS < u32::MAX.
                h.slot.set(objs.len() as u32);
                objs.push(o);
            }
            self.holes[g] = 0;
        }
        Collection { objs, ended: false }
    }

    /// Ends a collection: the objects with references besides the collection's move to
    /// generation `g`; the others leave the collector (they die when `c` is dropped,
    /// unless a finalizer resurrects them). Returns the number moved.
    pub(super) fn promote(&mut self, c: &mut Collection, g: usize) -> usize {
        let mut moved = 0;
        for o in &c.objs {
            if o.refcount() > 1 {
                moved += usize::from(self.push(o, g));
            } else {
                o.header().gen.set(DETACHED);
            }
        }
        c.ended = true;
        moved
    }
}

/// The objects of one collection; an object's `slot` is its index here.
pub(super) struct Collection {
    objs: Vec<ObjRef>,
    /// `promote` ran: no object is `COLLECTING` any more.
    ended: bool,
}

impl std::ops::Deref for Collection {
    type Target = [ObjRef];
    fn deref(&self) -> &[ObjRef] {
        &self.objs
    }
}

impl Drop for Collection {
    /// Objects not promoted (a collection that ended early) leave the collector, so that a
    /// stale `COLLECTING` never indexes a later collection.
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        for o in &self.objs {
            let h = o.header();
            if h.gen.get() == COLLECTING {
                h.gen.set(DETACHED);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_header_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Header>(), 16);
        assert_eq!(
            std::mem::size_of::<GcBox>(),
            16 + std::mem::size_of::<Obj>()
        );
    }

    #[test]
    fn weak_outlives_object() {
        let o = ObjRef::new(Obj::List(Default::default()));
        let w = o.downgrade();
        assert_eq!(w.strong_count(), 1);
        assert!(w.upgrade().is_some_and(|u| u.is(&o)));
        assert!(w.is(&o));
        let w2 = w.clone();
        drop(o);
        assert_eq!(w.strong_count(), 0);
        assert!(w.upgrade().is_none());
        drop(w);
        assert!(w2.upgrade().is_none());
    }

    /// A freed box is the next one handed out, but not while a weak reference keeps it.
    #[test]
    fn pool_reuses_blocks_after_the_last_weak() {
        let o = ObjRef::new(Obj::Ellipsis);
        let addr = o.addr();
        let w = o.downgrade();
        drop(o);
        let other = ObjRef::new(Obj::Ellipsis);
        assert_ne!(other.addr(), addr);
        assert!(w.upgrade().is_none());
        drop(w);
        let again = ObjRef::new(Obj::Ellipsis);
        assert_eq!(again.addr(), addr);
        // Many more than a chunk holds, all distinct and aligned.
        let many: Vec<ObjRef> = (0..5000)
            .map(|_| ObjRef::new(Obj::NotImplemented))
            .collect();
        let mut addrs: Vec<usize> = many.iter().map(ObjRef::addr).collect();
        assert!(addrs.iter().all(|a| a % std::mem::align_of::<GcBox>() == 0));
        addrs.sort_unstable();
        addrs.dedup();
        assert_eq!(addrs.len(), many.len());
        assert!(addrs
            .windows(2)
            .all(|p| p[1] - p[0] >= std::mem::size_of::<GcBox>()));
        drop(other);
    }
}
