//! `str`: immutable text with a cached hash and an ASCII flag (O(1) indexing when ASCII).

use crate::obj::Obj;
use crate::vm::value::Value;
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
        StrObj::with_ascii(s, ascii)
    }

    /// A str whose ASCII-ness the caller already knows (skips the scan).
    fn with_ascii(s: Box<str>, ascii: bool) -> StrObj {
        debug_assert_eq!(ascii, s.is_ascii());
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
        // As CPython's _Py_HashBytes: the empty string hashes to 0 in every process, so
        // where '' sits in a set or dict of ints is the same as there.
        if self.s.is_empty() {
            return 0;
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

/// `a + b` for two strs (`w += "ka"` in a loop is the common case): one exact-size
/// allocation, and the operand itself when the other is empty (CPython does the same, so
/// `s + "" is s`).
pub fn concat2(a: &Value, x: &StrObj, b: &Value, y: &StrObj) -> Value {
    if y.s.is_empty() {
        return a.clone();
    }
    if x.s.is_empty() {
        return b.clone();
    }
    let mut out = String::with_capacity(x.s.len() + y.s.len());
    out.push_str(&x.s);
    out.push_str(&y.s);
    from_string(out, x.ascii && y.ascii)
}

/// An f-string's str pieces joined (the compiler only emits str items here).
pub fn concat_values(items: &[Value]) -> Value {
    let mut len = 0;
    let mut ascii = true;
    for p in items.iter().filter_map(Value::as_strobj) {
        len += p.s.len();
        ascii &= p.ascii;
    }
    let mut out = String::with_capacity(len);
    for p in items.iter().filter_map(Value::as_strobj) {
        out.push_str(&p.s);
    }
    from_string(out, ascii)
}

/// A str value from a `String` whose ASCII-ness the caller knows; no copy when the
/// string's capacity is exactly its length.
#[inline]
pub fn from_string(s: String, ascii: bool) -> Value {
    Value::obj(Obj::Str(StrObj::with_ascii(s.into_boxed_str(), ascii)))
}

/// A str value copied from `s`, known to be ASCII when `ascii` (a piece of an ASCII str):
/// skips the scan `Value::str` does.
#[inline]
pub fn from_piece(s: &str, ascii: bool) -> Value {
    if ascii {
        Value::obj(Obj::Str(StrObj::with_ascii(s.into(), true)))
    } else {
        Value::str(s)
    }
}

/// `str(i)` for a small int, allocated at its exact length.
pub fn int_str(i: i64) -> Value {
    let mut digits = [0u8; 20];
    let mut n = i.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut out = String::with_capacity(digits.len() - at + usize::from(i < 0));
    if i < 0 {
        out.push('-');
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
    Value::obj(Obj::Str(StrObj::with_ascii(out.into_boxed_str(), true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_str_matches_display() {
        for i in [
            0,
            1,
            -1,
            9,
            10,
            -10,
            12345,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ] {
            assert_eq!(int_str(i).as_str(), Some(i.to_string().as_str()));
        }
    }

    #[test]
    fn concat_tracks_ascii() {
        let parts = [Value::str("ab"), Value::str("é"), Value::str("")];
        let v = concat_values(&parts);
        let s = v.as_strobj().map(|s| (s.as_str().to_string(), s.ascii));
        assert_eq!(s, Some(("abé".to_string(), false)));
        let v = concat_values(&parts[..1]);
        assert_eq!(v.as_strobj().map(|s| s.ascii), Some(true));
    }
}
