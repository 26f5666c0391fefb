//! `memoryview` over a bytes or bytearray: a strided 1-D window of fixed-size items.
//!
//! The view keeps its exporter alive and addresses it by byte offset. A bytearray counts
//! the view as an export until it is released or dropped, which forbids resizing the
//! array underneath it (see `bytearray.rs`).

use crate::obj::Obj;
use crate::vm::payload::builtin_view;
use crate::vm::value::Value;
use std::cell::Cell;

/// A struct-module item format aio's memoryview understands (native sizes).
#[derive(Clone, Copy)]
pub struct Format {
    pub code: char,
    pub size: usize,
    /// Spelled with CPython's optional '@' (native) prefix, which `format` shows.
    pub at: bool,
}

impl Format {
    pub const BYTE: Format = Format {
        code: 'B',
        size: 1,
        at: false,
    };

    /// The native format for a `cast` code, None when aio does not know it.
    pub fn from_code(code: char) -> Option<Format> {
        let size = match code {
            'B' | 'b' | 'c' => 1,
            'H' | 'h' => 2,
            'I' | 'i' | 'f' => 4,
            'L' | 'l' | 'Q' | 'q' | 'd' => 8,
            _ => return None,
        };
        Some(Format {
            code,
            size,
            at: false,
        })
    }
}

pub struct MemoryViewObj {
    /// The exporting object (`mv.obj`): a bytes or bytearray, or a subclass instance.
    pub source: Value,
    /// Byte offset of item 0 in the source.
    pub start: usize,
    /// Number of items.
    pub len: usize,
    /// Bytes from one item to the next (negative for reversed slices).
    pub stride: isize,
    pub format: Format,
    pub readonly: bool,
    released: Cell<bool>,
}

impl MemoryViewObj {
    /// A view of `source`, counted as an export when it is a bytearray.
    pub fn new(
        source: Value,
        start: usize,
        len: usize,
        stride: isize,
        format: Format,
        readonly: bool,
    ) -> Self {
        if let Some(Obj::ByteArray(b)) = builtin_view(&source).as_obj().map(|o| &**o) {
            b.export();
        }
        MemoryViewObj {
            source,
            start,
            len,
            stride,
            format,
            readonly,
            released: Cell::new(false),
        }
    }

    pub fn released(&self) -> bool {
        self.released.get()
    }

    /// Drops the export; later operations raise ValueError. Idempotent.
    pub fn release(&self) {
        if self.released.replace(true) {
            return;
        }
        if let Some(Obj::ByteArray(b)) = builtin_view(&self.source).as_obj().map(|o| &**o) {
            b.unexport();
        }
    }

    pub fn nbytes(&self) -> usize {
        self.len * self.format.size
    }

    /// Byte offset of item `i` (0 <= i < len) in the source.
    pub fn offset(&self, i: usize) -> usize {
        (self.start as isize + i as isize * self.stride).max(0) as usize
    }

    /// Whether items are adjacent and in order (CPython's C-contiguity for 1-D).
    pub fn contiguous(&self) -> bool {
        self.len <= 1 || self.stride == self.format.size as isize
    }

    /// Calls `f` with the source's whole data.
    pub fn with_data<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        match builtin_view(&self.source).as_obj().map(|o| &**o) {
            Some(Obj::Bytes(b)) => f(b),
            Some(Obj::ByteArray(b)) => f(&b.borrow()),
            _ => f(&[]),
        }
    }

    /// The raw bytes of item `i`; empty when out of range.
    pub fn item_bytes(&self, i: usize) -> Vec<u8> {
        let off = self.offset(i);
        self.with_data(|d| {
            d.get(off..off + self.format.size)
                .map(|s| s.to_vec())
                .unwrap_or_default()
        })
    }

    /// All the items' bytes in order (`tobytes()`).
    pub fn to_bytes(&self) -> Vec<u8> {
        let size = self.format.size;
        self.with_data(|d| {
            let mut out = Vec::with_capacity(self.nbytes());
            for i in 0..self.len {
                let off = self.offset(i);
                if let Some(s) = d.get(off..off + size) {
                    out.extend_from_slice(s);
                }
            }
            out
        })
    }

    /// Overwrites item `i`'s bytes in a bytearray source. The caller checked `readonly`.
    pub fn write_item(&self, i: usize, bytes: &[u8]) {
        let off = self.offset(i);
        if let Some(Obj::ByteArray(b)) = builtin_view(&self.source).as_obj().map(|o| &**o) {
            if let Some(dst) = b.borrow_mut().get_mut(off..off + bytes.len()) {
                dst.copy_from_slice(bytes);
            }
        }
    }
}

impl Drop for MemoryViewObj {
    fn drop(&mut self) {
        self.release();
    }
}
