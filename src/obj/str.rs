//! `str`: immutable text with a cached hash and an ASCII flag (O(1) indexing when ASCII).

use std::cell::Cell;

pub struct StrObj {
    pub s: Box<str>,
    /// Cached `hash(s)`; `HASH_UNSET` until first computed.
    hash: Cell<i64>,
    pub ascii: bool,
}

const HASH_UNSET: i64 = -1;

impl StrObj {
    pub fn new(s: impl Into<Box<str>>) -> StrObj {
        let s: Box<str> = s.into();
        let ascii = s.is_ascii();
        StrObj {
            s,
            hash: Cell::new(HASH_UNSET),
            ascii,
        }
    }

    #[inline]
    pub fn as_str(&self) -> &str {
        &self.s
    }

    /// Number of characters (code points), Python's `len(s)`.
    pub fn char_len(&self) -> usize {
        if self.ascii {
            self.s.len()
        } else {
            self.s.chars().count()
        }
    }

    /// `hash(s)`: FNV-1a-style over the bytes, never -1 (CPython reserves -1 for errors; str
    /// hashes are randomized per process in CPython, so no program can depend on them).
    #[inline]
    pub fn hash(&self) -> i64 {
        let h = self.hash.get();
        if h != HASH_UNSET {
            return h;
        }
        let mut x: u64 = 0xcbf2_9ce4_8422_2325;
        for &b in self.s.as_bytes() {
            x ^= b as u64;
            x = x.wrapping_mul(0x0100_0000_01b3);
        }
        x ^= x >> 29;
        let mut h = x as i64;
        if h == HASH_UNSET {
            h = -2;
        }
        self.hash.set(h);
        h
    }
}
