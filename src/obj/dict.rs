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
/// Entries a dict's dense array starts with.
const MIN_ENTRIES: usize = 4;

/// Positions in `DictData::meta`: the live count, the dense count, the version (low and
/// high halves), the layout count, then the index table.
const LEN: usize = 0;
const DENSE: usize = 1;
const VERSION_LO: usize = 2;
const VERSION_HI: usize = 3;
const LAYOUT: usize = 4;
const HEADER: usize = 5;

#[derive(Clone)]
pub struct Entry {
    pub hash: i64,
    pub key: Value,
    pub value: Value,
}

/// Two boxed slices (32 bytes) so that an instance, whose attributes are a `DictData`,
/// stays small: every object pays for the largest inline kind. The counts and the version
/// live in front of the index table, in the same allocation, as CPython keeps its
/// counts in the keys object.
#[derive(Clone, Default)]
pub struct DictData {
    /// Dense entries in insertion order: the first `dense` are in use (`None` marks a
    /// deleted entry until the next rebuild), the rest is room to append. Its length stays
    /// below two thirds of the index table's, so the table always has empty slots.
    entries: Box<[Option<Entry>]>,
    /// `[len, dense, version low, version high, layout]`, then the open-addressing table of indices
    /// into `entries` (EMPTY / DUMMY sentinels). Empty (all counts 0) until the first
    /// change.
    meta: Box<[u32]>,
}

/// The most entries a dense array may hold for an index table of `size` slots: fewer than
/// two thirds of it (CPython's `USABLE_FRACTION`).
fn usable(size: usize) -> usize {
    (2 * size).saturating_sub(1) / 3
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
        if n == 0 {
            return DictData::default();
        }
        // What `rebuild` makes of an empty dict, without its moving of entries (a new
        // instance's namespace is made this way).
        let size = (n * 3 / 2).next_power_of_two().max(MIN_SIZE);
        let cap = n.min(usable(size));
        let mut entries = Vec::with_capacity(cap);
        entries.resize_with(cap, || None);
        let mut meta = vec![EMPTY; HEADER + size];
        meta[..HEADER].fill(0);
        meta[LAYOUT] = 1;
        DictData {
            entries: entries.into_boxed_slice(),
            meta: meta.into_boxed_slice(),
        }
    }

    /// Whether the dict has no allocation (a new, never changed dict): dropping it is a
    /// no-op.
    #[inline]
    pub fn owns_nothing(&self) -> bool {
        self.entries.is_empty() && self.meta.is_empty()
    }

    #[inline]
    fn head(&self, i: usize) -> usize {
        self.meta.get(i).map_or(0, |&n| n as usize)
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.head(LEN)
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries in use at the front of the dense array (some deleted).
    #[inline]
    fn dense(&self) -> usize {
        self.head(DENSE)
    }

    /// Moves on every change (insertion, removal, value update), so iterators and
    /// re-entrant lookups detect mutation.
    #[inline]
    pub fn version(&self) -> u64 {
        match self.meta.get(VERSION_LO..=VERSION_HI) {
            Some(&[lo, hi]) => lo as u64 | (hi as u64) << 32,
            _ => 0,
        }
    }

    /// Moves whenever a key is added or removed or the entries move (a rebuild), but not
    /// when a value changes: while it stays, every key is still at the entry index where
    /// it was. Counts per dict (compare it only for the same dict).
    #[inline]
    pub fn layout(&self) -> u32 {
        self.meta.get(LAYOUT).copied().unwrap_or(0)
    }

    fn bump_layout(&mut self) {
        if let Some(n) = self.meta.get_mut(LAYOUT) {
            *n = n.wrapping_add(1);
        }
    }

    /// Sets the counts and version (the header exists once anything was stored).
    fn set_head(&mut self, len: usize, dense: usize, version: u64) {
        if let Some(h) = self.meta.get_mut(..HEADER) {
            // Both counts are below the index table's length, itself a `u32` index.
            h[LEN] = len as u32;
            h[DENSE] = dense as u32;
            h[VERSION_LO] = version as u32;
            h[VERSION_HI] = (version >> 32) as u32;
        }
    }

    /// The index table (empty before the first insertion).
    #[inline]
    fn table(&self) -> &[u32] {
        self.meta.get(HEADER..).unwrap_or_default()
    }

    #[inline]
    fn table_mut(&mut self) -> &mut [u32] {
        self.meta.get_mut(HEADER..).unwrap_or_default()
    }

    /// The dense entries in use.
    #[inline]
    fn used(&self) -> &[Option<Entry>] {
        self.entries.get(..self.dense()).unwrap_or_default()
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
        let table = self.table();
        if table.is_empty() {
            return Probe::Missing;
        }
        let mask = table.len() - 1;
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        let mut seen = 0usize;
        loop {
            let ix = table[i];
            if ix == EMPTY {
                return Probe::Missing;
            }
            if ix != DUMMY {
                if let Some(Some(e)) = self.entries.get(ix as usize) {
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
        self.set_head(self.len(), self.dense(), self.version().wrapping_add(1));
        self.entries.get_mut(idx).and_then(|e| e.as_mut())
    }

    /// Appends a new key (the caller checked it is absent). Returns its entry index.
    pub fn push_new(&mut self, hash: i64, key: Value, value: Value) -> usize {
        if self.dense() == self.entries.len() {
            self.grow();
        }
        let idx = self.dense();
        if let Some(e) = self.entries.get_mut(idx) {
            *e = Some(Entry { hash, key, value });
        }
        self.insert_index(hash, idx as u32);
        self.set_head(self.len() + 1, idx + 1, self.version().wrapping_add(1));
        self.bump_layout();
        idx
    }

    /// Makes room for one more entry: a bigger dense array, or a bigger index table
    /// (dropping deleted entries) once the array would reach two thirds of it.
    fn grow(&mut self) {
        let (len, cap) = (self.len(), self.entries.len());
        let size = self.table().len();
        if (cap + 1) * 3 >= size * 2 {
            let size = ((len + 1) * 3).next_power_of_two().max(MIN_SIZE);
            self.rebuild(size, usable(size).min((2 * len).max(MIN_ENTRIES)));
        } else {
            // Below `usable(size)`, which the test above showed is more than `cap`.
            let want = usable(size).min((2 * cap).max(MIN_ENTRIES));
            let mut v = std::mem::take(&mut self.entries).into_vec();
            v.reserve_exact(want - cap);
            v.resize_with(want, || None);
            self.entries = v.into_boxed_slice();
        }
    }

    /// Removes the entry at `idx`, returning it.
    pub fn remove_at(&mut self, idx: usize) -> Option<Entry> {
        let e = self.entries.get_mut(idx)?.take()?;
        let table = self.table_mut();
        let mask = table.len().wrapping_sub(1);
        let mut perturb = e.hash as u64;
        let mut i = (e.hash as u64 as usize) & mask;
        while let Some(ix) = table.get_mut(i) {
            if *ix == idx as u32 {
                *ix = DUMMY;
                break;
            }
            if *ix == EMPTY {
                break;
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
        let (len, version) = (self.len().saturating_sub(1), self.version().wrapping_add(1));
        if len == 0 {
            // Every dense entry is now `None`: start over at the front.
            self.table_mut().fill(EMPTY);
            self.set_head(0, 0, version);
        } else {
            self.set_head(len, self.dense(), version);
        }
        self.bump_layout();
        Some(e)
    }

    /// Removes and returns the last entry (`dict.popitem()`).
    pub fn pop_last(&mut self) -> Option<Entry> {
        let idx = self.used().iter().rposition(|e| e.is_some())?;
        self.remove_at(idx)
    }

    /// Empties the dict, returning the old dense array (`None` for deleted entries and
    /// spare room).
    pub fn clear(&mut self) -> Vec<Option<Entry>> {
        let (version, layout) = (
            self.version().wrapping_add(1),
            self.layout().wrapping_add(1),
        );
        self.meta = Box::new([0, 0, version as u32, (version >> 32) as u32, layout]);
        std::mem::take(&mut self.entries).into_vec()
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.used().iter().filter_map(|e| e.as_ref())
    }

    /// The entry at or after dense position `pos`, for iterators: `(entry, next_pos)`.
    pub fn next_from(&self, mut pos: usize) -> Option<(&Entry, usize)> {
        let used = self.used();
        while let Some(e) = used.get(pos) {
            pos += 1;
            if let Some(e) = e {
                return Some((e, pos));
            }
        }
        None
    }

    /// One past the last dense position: where a reversed iterator starts.
    pub fn dense_end(&self) -> usize {
        self.dense()
    }

    /// The entry before dense position `pos`, for reversed iterators: `(entry, its_pos)`.
    pub fn prev_from(&self, mut pos: usize) -> Option<(&Entry, usize)> {
        let used = self.used();
        while pos > 0 {
            pos -= 1;
            if let Some(Some(e)) = used.get(pos) {
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
        let table = self.table_mut();
        let mask = table.len().wrapping_sub(1);
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        while let Some(slot) = table.get_mut(i) {
            if *slot == EMPTY || *slot == DUMMY {
                *slot = idx;
                return;
            }
            perturb >>= 5;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    /// A new index table of `size` slots (a power of two) over a new dense array of `cap`
    /// entries (at least `len`), dropping deleted entries; the version is kept.
    fn rebuild(&mut self, size: usize, cap: usize) {
        let (version, layout) = (self.version(), self.layout().wrapping_add(1));
        let mut v = Vec::with_capacity(cap);
        v.extend(
            std::mem::take(&mut self.entries)
                .into_vec()
                .into_iter()
                .flatten()
                .map(Some),
        );
        let n = v.len();
        v.resize_with(cap.max(n), || None);
        self.entries = v.into_boxed_slice();
        let mut meta = vec![EMPTY; HEADER + size];
        meta[..HEADER].fill(0);
        meta[LAYOUT] = layout;
        self.meta = meta.into_boxed_slice();
        self.set_head(n, n, version);
        for i in 0..n {
            if let Some(Some(e)) = self.entries.get(i) {
                let h = e.hash;
                self.insert_index(h, i as u32);
            }
        }
    }

    /// Moves every key and value onto `out`, last entry first, value before key: the
    /// reverse of `drain_values`, for a queue drained from its end (iterative
    /// deallocation), without a vector of its own.
    pub fn drain_reversed_into(&mut self, out: &mut Vec<Value>) {
        self.meta = Box::default();
        let entries = std::mem::take(&mut self.entries).into_vec();
        out.reserve(entries.len() * 2);
        for e in entries.into_iter().rev().flatten() {
            out.push(e.value);
            out.push(e.key);
        }
    }

    /// Moves every key and value out (for iterative deallocation and cycle clearing: the
    /// dict is dying, so its version starts over rather than costing an allocation).
    pub fn drain_values(&mut self) -> Vec<Value> {
        let mut out = Vec::with_capacity(self.len() * 2);
        self.meta = Box::default();
        for e in std::mem::take(&mut self.entries)
            .into_vec()
            .into_iter()
            .flatten()
        {
            out.push(e.key);
            out.push(e.value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(v: &Value) -> i64 {
        match v {
            Value::Int(i) => *i,
            _ => -1,
        }
    }

    fn find(d: &DictData, k: i64) -> Option<usize> {
        let eq =
            |a: &Value, b: &Value| Some(matches!((a, b), (Value::Int(x), Value::Int(y)) if x == y));
        match d.probe(&Value::Int(k), k % 7, 0, eq) {
            Probe::Found(i) => Some(i),
            _ => None,
        }
    }

    /// The layout count moves with keys and positions, not with values.
    #[test]
    fn layout_moves_with_keys_only() {
        let mut d = DictData::new();
        d.push_new(1, Value::Int(1), Value::Int(10));
        let layout = d.layout();
        if let Some(e) = d.entry_mut(0) {
            e.value = Value::Int(11);
        }
        assert_eq!(d.layout(), layout);
        let mut last = layout;
        for k in 2..40 {
            d.push_new(k, Value::Int(k), Value::Int(k));
            assert_ne!(d.layout(), last);
            last = d.layout();
        }
        assert!(d.remove_at(0).is_some());
        assert_ne!(d.layout(), last);
        last = d.layout();
        drop(d.clear());
        assert_ne!(d.layout(), last);
    }

    /// Insertions, updates, deletions and clears (with colliding hashes) against a plain
    /// ordered list: same contents, same order, the version moving on every change.
    #[test]
    fn matches_an_ordered_list() {
        let mut d = DictData::new();
        let mut model: Vec<(i64, i64)> = Vec::new();
        let mut seed = 12345u64;
        let mut last_version = d.version();
        for step in 0..20000 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let k = ((seed >> 33) % 300) as i64;
            let op = (seed >> 20) % 10;
            if step % 5000 == 4999 {
                drop(d.clear());
                model.clear();
            } else if op < 6 {
                match find(&d, k) {
                    Some(i) => {
                        if let Some(e) = d.entry_mut(i) {
                            e.value = Value::Int(step);
                        }
                        if let Some(m) = model.iter_mut().find(|m| m.0 == k) {
                            m.1 = step;
                        }
                    }
                    None => {
                        d.push_new(k % 7, Value::Int(k), Value::Int(step));
                        model.push((k, step));
                    }
                }
            } else if op < 9 {
                if let Some(i) = find(&d, k) {
                    assert!(d.remove_at(i).is_some());
                    model.retain(|m| m.0 != k);
                } else {
                    assert!(!model.iter().any(|m| m.0 == k));
                    continue;
                }
            } else if let Some(e) = d.pop_last() {
                assert_eq!(model.pop().map(|m| m.0), Some(int(&e.key)));
            } else {
                continue;
            }
            assert_ne!(d.version(), last_version);
            last_version = d.version();
            assert_eq!(d.len(), model.len());
            assert!(d.dense_end() * 3 < d.table().len() * 2 || d.is_empty());
        }
        let got: Vec<(i64, i64)> = d.iter().map(|e| (int(&e.key), int(&e.value))).collect();
        assert_eq!(got, model);
        let mut back = Vec::new();
        let mut pos = d.dense_end();
        while let Some((e, p)) = d.prev_from(pos) {
            back.push(int(&e.key));
            pos = p;
        }
        back.reverse();
        assert_eq!(back, model.iter().map(|m| m.0).collect::<Vec<_>>());
    }
}
