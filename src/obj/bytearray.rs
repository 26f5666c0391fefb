//! `bytearray` storage, with CPython's count of live buffer exports (memoryviews).
//!
//! A memoryview records byte offsets into the array, so while one is alive the array
//! must not change length: CPython raises BufferError, and so does aio.

use crate::vm::errors::{exc, PyResult};
use crate::vm::types::ExcKind;
use std::cell::{Cell, RefCell};
use std::ops::Deref;

pub struct ByteArrayObj {
    data: RefCell<Vec<u8>>,
    /// Live, unreleased memoryviews over this array.
    exports: Cell<usize>,
}

impl ByteArrayObj {
    pub fn new(data: Vec<u8>) -> Self {
        ByteArrayObj {
            data: RefCell::new(data),
            exports: Cell::new(0),
        }
    }

    pub fn export(&self) {
        self.exports.set(self.exports.get() + 1);
    }

    pub fn unexport(&self) {
        self.exports.set(self.exports.get().saturating_sub(1));
    }

    /// Refuses a change of length to `new_len` while exported; keeping the length is
    /// allowed, as in CPython (`ba += b''`).
    pub fn check_resize(&self, new_len: usize) -> PyResult<()> {
        if self.exports.get() > 0 && new_len != self.data.borrow().len() {
            return Err(exc(
                ExcKind::BufferError,
                "Existing exports of data: object cannot be re-sized",
            ));
        }
        Ok(())
    }
}

/// The data cell, so that `b.borrow()` reads as it did when this was a bare RefCell.
impl Deref for ByteArrayObj {
    type Target = RefCell<Vec<u8>>;
    fn deref(&self) -> &RefCell<Vec<u8>> {
        &self.data
    }
}
