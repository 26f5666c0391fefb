//! The process's global allocator: mimalloc, called through its plain entry points.
//!
//! The `mimalloc` crate's `MiMalloc` passes every request to `mi_malloc_aligned`, whose fast
//! path needs a block at the head of the page's free list that happens to be aligned, and
//! otherwise takes a generic over-allocating route (~139 instructions instead of ~20): that
//! happened on most string allocations. Every block `mi_malloc` returns is already aligned
//! to `MIN_ALIGN` (16, mimalloc's `MI_MAX_ALIGN_SIZE`) when it is at least that large, and to
//! 8 otherwise, so requests with such an alignment go to `mi_malloc`/`mi_realloc`; only the
//! rare larger alignments take the aligned calls. `mi_free` frees both kinds.
//!
//! The rule is the one Rust's own `System` allocator uses for `malloc`:
//! `align <= MIN_ALIGN && align <= size`.

use libmimalloc_sys as ffi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment of every block of at least this size that `mi_malloc` returns.
const MIN_ALIGN: usize = 16;

/// mimalloc as the global allocator, unaligned entry points where they suffice.
pub struct Mimalloc;

#[inline]
fn natural(align: usize, size: usize) -> bool {
    align <= MIN_ALIGN && align <= size
}

// SAFETY: every method forwards to mimalloc, which returns blocks of at least the requested
// size (or null on failure) aligned as requested: `mi_malloc`/`mi_zalloc`/`mi_realloc` only
// when `natural` holds, which mimalloc's size classes guarantee (blocks over 8 bytes are
// multiples of 16 from 16-aligned page starts; an 8-byte block is 8-aligned and only serves
// `align <= 8`), the `_aligned` calls otherwise. `mi_free` accepts blocks from either.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if natural(layout.align(), layout.size()) {
            // SAFETY: plain allocation; see the impl's comment for the alignment.
            unsafe { ffi::mi_malloc(layout.size()) as *mut u8 }
        } else {
            // SAFETY: the alignment is a power of two (a `Layout` invariant).
            unsafe { ffi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if natural(layout.align(), layout.size()) {
            // SAFETY: as `alloc`, zeroed.
            unsafe { ffi::mi_zalloc(layout.size()) as *mut u8 }
        } else {
            // SAFETY: as `alloc`, zeroed.
            unsafe { ffi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: the caller passes a block this allocator returned and does not use it again.
        unsafe { ffi::mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if natural(layout.align(), new_size) {
            // SAFETY: `ptr` came from this allocator with `layout`; the new block's
            // alignment follows from its size as for `alloc`, and mimalloc copies the contents.
            unsafe { ffi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8 }
        } else {
            // SAFETY: as above, through the aligned call that keeps `layout.align()`.
            unsafe {
                ffi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
            }
        }
    }
}

/// Turns transparent huge pages off for this process, as `MIMALLOC_ALLOW_THP=0` would.
///
/// mimalloc asks for huge pages on its arenas (`madvise(MADV_HUGEPAGE)`); with the common
/// `defrag=madvise` kernel setting every first touch of such a region then compacts and
/// zeroes 2 MiB, and each purge of a freed range splits the huge page again. On
/// strings.py that cost 0.6-2.2 s of system time against 0.02-0.26 s without, and user
/// time fell too (measured with `/usr/bin/time`, see the commit). The kernel checks this
/// flag at every fault, so setting it after mimalloc's first arena exists still works.
pub fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    {
        // Failure only means the old behaviour: nothing to report.
        let _ = nix::sys::prctl::set_thp_disable(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_aligned_as_asked() {
        let a = Mimalloc;
        for size in [1usize, 3, 8, 9, 16, 24, 40, 72, 100, 1000, 5000, 70_000] {
            for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    continue;
                };
                // SAFETY: a non-zero size; the block is checked, written and freed once.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    p.write_bytes(7, size);
                    let q = a.realloc(p, layout, size * 3);
                    assert!(!q.is_null());
                    assert_eq!(q as usize % align, 0, "realloc size {size} align {align}");
                    assert_eq!(*q.add(size - 1), 7);
                    a.dealloc(q, Layout::from_size_align_unchecked(size * 3, align));
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0);
                    assert_eq!(*z.add(size - 1), 0);
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
