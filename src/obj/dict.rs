//! The insertion-ordered hash table behind `dict`, `set`, `frozenset`, instance and class
//! namespaces (CPython's compact dict: an index table over a dense entry array).
//!
//! Key comparison can run aio code (`__eq__`), which may mutate the very table being
//! searched. So the table itself never calls out: `probe` yields candidate entries and the
//! caller (`crate::vm::dictops`) compares them with no borrow held, then re-validates.

use crate::vm::value::Value;

const EMPTY: u32 = u32::MAX;
const DUMMY: u32 = u32::MAX - 1;
const MIN_SIZE: usize = 8;

#[derive(Clone)]
pub struct Entry {
    pub hash: i64,
    pub key: Value,
    pub value: Value,
}

#[derive(Clone, Default)]
pub struct DictData {
    /// Open-addressing table of indices into `entries` (EMPTY / DUMMY sentinels).
    indices: Vec<u32>,
    /// Dense entries in insertion order; `None` marks a deleted entry until the next rebuild.
    entries: Vec<Option<Entry>>,
    len: usize,
    /// Bumped on every structural change, so iterators and re-entrant lookups detect mutation.
    pub version: u64,
}

/// Result of searching for a key's slot.
pub enum Probe {
    /// The key is at this entry index.
    Found(usize),
    /// Candidate with the same hash that needs a full (possibly aio-level) equality test.
    Candidate { entry: usize, key: Value },
    /// Not present.
    Missing,
}

impl DictData {
    pub fn new() -> DictData {
        DictData::default()
    }

    pub fn with_capacity(n: usize) -> DictData {
        let mut d = DictData::default();
        if n > 0 {
            d.rebuild_indices((n * 3 / 2).next_power_of_two().max(MIN_SIZE));
            d.entries.reserve(n);
        }
        d
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Finds `key` by hash, using `fast_eq` for keys that compare without running aio code
    /// (`Some(result)`), and reporting other same-hash keys as candidates (`None`).
    /// `skip` lets a caller continue past candidates it already rejected.
    pub fn probe(
        &self,
        key: &Value,
        hash: i64,
        skip: usize,
        fast_eq: impl Fn(&Value, &Value) -> Option<bool>,
    ) -> Probe {
        if self.indices.is_empty() {
            return Probe::Missing;
        }
        let mask = self.indices.len() - 1;
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        let mut seen = 0usize;
        loop {
            let ix = self.indices[i];
            if ix == EMPTY {
                return Probe::Missing;
            }
            if ix != DUMMY {
                if let Some(e) = &self.entries[ix as usize] {
                    if e.hash == hash {
                        if e.key.is(key) {
                            return Probe::Found(ix as usize);
                        }
                        match fast_eq(&e.key, key) {
                            Some(true) => return Probe::Found(ix as usize),
                            Some(false) => {}
                            None => {
                                if seen >= skip {
                                    return Probe::Candidate {
                                        entry: ix as usize,
                                        key: e.key.clone(),
                                    };
                                }
                                seen += 1;
                            }
                        }
                    }
                }
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    pub fn entry(&self, idx: usize) -> Option<&Entry> {
        self.entries.get(idx).and_then(|e| e.as_ref())
    }

    /// Mutable access to an entry; counts as a change (`version` moves), so caches keyed
    /// on the version (global-name lookups) see value updates too.
    pub fn entry_mut(&mut self, idx: usize) -> Option<&mut Entry> {
        self.version = self.version.wrapping_add(1);
        self.entries.get_mut(idx).and_then(|e| e.as_mut())
    }

    /// Appends a new key (the caller checked it is absent). Returns its entry index.
    pub fn push_new(&mut self, hash: i64, key: Value, value: Value) -> usize {
        if (self.entries.len() + 1) * 3 >= self.indices.len() * 2 {
            let want = ((self.len + 1) * 3).next_power_of_two().max(MIN_SIZE);
            self.compact_and_rebuild(want);
        }
        let idx = self.entries.len();
        self.entries.push(Some(Entry { hash, key, value }));
        self.insert_index(hash, idx as u32);
        self.len += 1;
        self.version = self.version.wrapping_add(1);
        idx
    }

    /// Removes the entry at `idx`, returning it.
    pub fn remove_at(&mut self, idx: usize) -> Option<Entry> {
        let e = self.entries.get_mut(idx)?.take()?;
        let mask = self.indices.len() - 1;
        let mut perturb = e.hash as u64;
        let mut i = (e.hash as u64 as usize) & mask;
        loop {
            let ix = self.indices[i];
            if ix == idx as u32 {
                self.indices[i] = DUMMY;
                break;
            }
            if ix == EMPTY {
                break;
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
        self.len -= 1;
        self.version = self.version.wrapping_add(1);
        if self.len == 0 {
            self.entries.clear();
            self.indices.iter_mut().for_each(|s| *s = EMPTY);
        }
        Some(e)
    }

    /// Removes and returns the last entry (`dict.popitem()`).
    pub fn pop_last(&mut self) -> Option<Entry> {
        let idx = self.entries.iter().rposition(|e| e.is_some())?;
        self.remove_at(idx)
    }

    pub fn clear(&mut self) -> Vec<Option<Entry>> {
        self.indices.clear();
        self.len = 0;
        self.version = self.version.wrapping_add(1);
        std::mem::take(&mut self.entries)
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter_map(|e| e.as_ref())
    }

    /// The entry at or after dense position `pos`, for iterators: `(entry, next_pos)`.
    pub fn next_from(&self, mut pos: usize) -> Option<(&Entry, usize)> {
        while pos < self.entries.len() {
            if let Some(e) = &self.entries[pos] {
                return Some((e, pos + 1));
            }
            pos += 1;
        }
        None
    }

    /// One past the last dense position: where a reversed iterator starts.
    pub fn dense_end(&self) -> usize {
        self.entries.len()
    }

    /// The entry before dense position `pos`, for reversed iterators: `(entry, its_pos)`.
    pub fn prev_from(&self, mut pos: usize) -> Option<(&Entry, usize)> {
        while pos > 0 {
            pos -= 1;
            if let Some(Some(e)) = self.entries.get(pos) {
                return Some((e, pos));
            }
        }
        None
    }

    pub fn keys(&self) -> Vec<Value> {
        self.iter().map(|e| e.key.clone()).collect()
    }
    pub fn values(&self) -> Vec<Value> {
        self.iter().map(|e| e.value.clone()).collect()
    }

    fn insert_index(&mut self, hash: i64, idx: u32) {
        let mask = self.indices.len() - 1;
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        while self.indices[i] != EMPTY && self.indices[i] != DUMMY {
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
        self.indices[i] = idx;
    }

    fn compact_and_rebuild(&mut self, size: usize) {
        if self.entries.len() != self.len {
            self.entries.retain(|e| e.is_some());
        }
        self.rebuild_indices(size);
    }

    fn rebuild_indices(&mut self, size: usize) {
        self.indices.clear();
        self.indices.resize(size, EMPTY);
        for i in 0..self.entries.len() {
            if let Some(e) = &self.entries[i] {
                let h = e.hash;
                self.insert_index(h, i as u32);
            }
        }
    }

    /// Moves every key and value out (for iterative deallocation and cycle clearing).
    pub fn drain_values(&mut self) -> Vec<Value> {
        let mut out = Vec::with_capacity(self.len * 2);
        for e in self.clear().into_iter().flatten() {
            out.push(e.key);
            out.push(e.value);
        }
        out
    }
}
