//! The object box (DESIGN.md section 3): `ObjRef`, a counted reference to an `Obj` in a
//! hand-written box, and `WeakRef`, a reference that does not keep the object alive.
//!
//! One allocation per object: an 8-byte header (`strong`, `weak`) followed by the `Obj`.
//! `weak` counts the `WeakRef`s plus one held by all strong references together (as `Rc`
//! does): the `Obj` is dropped when `strong` reaches 0, the memory freed when `weak` does.
//! Overflowing either count aborts.
//!
//! This file is where aio's memory management is `unsafe`: every dereference of a box
//! pointer is here. An `ObjRef` holds one `strong` count, a `WeakRef` one `weak` count;
//! the box is allocated while `weak > 0` and its `Obj` is initialised while `strong > 0`.
//!
//! Boxes are not `Send`: objects never leave the thread (VM threads are not OS threads).

use crate::obj::Obj;
use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr::{addr_of, addr_of_mut, NonNull};

#[repr(C)]
struct Header {
    strong: Cell<u32>,
    weak: Cell<u32>,
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
        let b = Box::new(GcBox {
            header: Header {
                strong: Cell::new(1),
                weak: Cell::new(1),
            },
            obj: ManuallyDrop::new(obj),
        });
        let r = ObjRef {
            ptr: NonNull::from(Box::leak(b)),
            _owns: PhantomData,
        };
        if tracked {
            super::collector::track(&r);
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

    /// The last strong reference is going away (`drop` already took the count to 0): queue
    /// the finalizer, else drop the object and free the box unless weak references remain.
    ///
    /// `cold` keeps it out of the callers' loops; `inline` lets each codegen unit have its
    /// own copy, called directly rather than through the GOT (a register for the address
    /// in every loop that drops values).
    #[cold]
    #[inline]
    fn drop_last(&mut self) {
        let ptr = self.ptr;
        let h = self.header();
        if self.needs_finalizer() {
            // This reference counts again while the finalizer is queued, so the clones
            // `defer` makes do not come back here when they are dropped.
            h.strong.set(1);
            // Queues a new reference (resurrecting the object) unless the queue is gone.
            super::finalize::defer(self);
            let s = h.strong.get() - 1;
            h.strong.set(s);
            if s != 0 {
                return;
            }
        }
        // SAFETY: strong is 0 and this was the last strong reference, so nothing else
        // can reach the `Obj` (`upgrade` fails): it is dropped exactly once. `ManuallyDrop<Obj>` has `Obj`'s layout.
        unsafe { std::ptr::drop_in_place(addr_of_mut!((*ptr.as_ptr()).obj).cast::<Obj>()) };
        // SAFETY: the strong references' weak count is released; the box was allocated by
        // `Box::new` in `ObjRef::new` and nothing refers to it when the weak count is 0.
        unsafe { release_weak(ptr) };
    }
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
        // weak ones remain; the box came from `Box::leak` and its `Obj` was already dropped
        // (`ManuallyDrop`: freeing the box does not drop it again).
        drop(unsafe { Box::from_raw(ptr.as_ptr()) });
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
            self.drop_last();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_header_is_8_bytes() {
        assert_eq!(std::mem::size_of::<Header>(), 8);
        assert_eq!(std::mem::size_of::<GcBox>(), 8 + std::mem::size_of::<Obj>());
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
}
