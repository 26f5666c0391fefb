//! The hash table behind `set` and `frozenset`, laid out like CPython's setobject.c
//! (open addressing with linear probes, iteration in table order), so that iterating a set
//! of ints prints in the same order as CPython.

use super::dict::Probe;
use crate::vm::value::Value;

const MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

#[derive(Clone)]
enum Slot {
    Unused,
    Dummy,
    Active { hash: i64, key: Value },
}

#[derive(Clone)]
pub struct SetData {
    /// Boxed rather than a `Vec` (its length never changes between resizes): 8 bytes less
    /// in every set, and so in every object, since sets are the largest inline kind.
    table: Box<[Slot]>,
    /// Active + dummy slots. (u32 counts keep the struct at its size with `finger`; a
    /// table of 2^32 slots would need over 100 GB.)
    fill: u32,
    /// Active slots.
    used: u32,
    /// Where `pop()` starts its scan: one past the slot it last emptied, as CPython's
    /// `so->finger` (so pops interleaved with adds take elements in CPython's order).
    finger: u32,
    pub version: u64,
}

impl Default for SetData {
    fn default() -> SetData {
        SetData::new()
    }
}

impl SetData {
    pub fn new() -> SetData {
        SetData {
            table: vec![Slot::Unused; MIN_SIZE].into_boxed_slice(),
            fill: 0,
            used: 0,
            finger: 0,
            version: 0,
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.used as usize
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }
    fn mask(&self) -> usize {
        self.table.len() - 1
    }

    /// Same contract as `DictData::probe`: `Found(slot)`, a `Candidate` needing a full
    /// equality test, or `Missing`.
    pub fn probe(
        &self,
        key: &Value,
        hash: i64,
        skip: usize,
        fast_eq: impl Fn(&Value, &Value) -> Option<bool>,
    ) -> Probe {
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        let mut seen = 0;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in i..=i + probes {
                match &self.table[j] {
                    Slot::Unused => return Probe::Missing,
                    Slot::Dummy => {}
                    Slot::Active { hash: h, key: k } => {
                        if *h == hash {
                            if k.is(key) {
                                return Probe::Found(j);
                            }
                            match fast_eq(k, key) {
                                Some(true) => return Probe::Found(j),
                                Some(false) => {}
                                None => {
                                    if seen >= skip {
                                        return Probe::Candidate {
                                            entry: j,
                                            key: k.clone(),
                                        };
                                    }
                                    seen += 1;
                                }
                            }
                        }
                    }
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    /// Inserts a key known to be absent, as CPython's set_add_entry does: into the last
    /// dummy slot on the key's probe path if there is one, else into the unused slot that
    /// ends the path (which may trigger a resize).
    pub fn insert_new(&mut self, hash: i64, key: Value) {
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        let mut freeslot = None;
        'outer: loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in i..=i + probes {
                match self.table[j] {
                    Slot::Unused => {
                        i = j;
                        break 'outer;
                    }
                    // CPython 3.11 keeps the last dummy it passes, not the first.
                    Slot::Dummy => freeslot = Some(j),
                    _ => {}
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
        self.version = self.version.wrapping_add(1);
        self.used += 1;
        if let Some(j) = freeslot {
            self.table[j] = Slot::Active { hash, key };
            return;
        }
        self.table[i] = Slot::Active { hash, key };
        self.fill += 1;
        if self.fill as usize * 5 >= mask * 3 {
            self.resize(self.growth_target());
        }
    }

    /// The `minused` CPython resizes to after an insertion fills the table.
    fn growth_target(&self) -> usize {
        let used = self.used as usize;
        if used > 50000 {
            used * 2
        } else {
            used * 4
        }
    }

    /// CPython's pre-sizing before merging `incoming` keys (set_merge, and updating from
    /// a dict): one big resize up front rather than several while inserting.
    pub fn reserve_for(&mut self, incoming: usize) {
        if (self.fill as usize + incoming) * 5 >= self.mask() * 3 {
            self.resize((self.used as usize + incoming) * 2);
        }
    }

    /// The start of CPython's set_merge of `other` into this table: pre-sizes, then, when
    /// this table is empty, copies `other`'s layout (same size, no dummies) or re-inserts
    /// its keys in its table order. Returns false when this table was not empty: the
    /// caller then adds `other`'s keys one by one (in `other`'s table order), since that
    /// needs equality tests.
    pub fn merge_prepare(&mut self, other: &SetData) -> bool {
        if other.used == 0 {
            return true;
        }
        self.reserve_for(other.used as usize);
        if self.fill != 0 {
            return false;
        }
        self.version = self.version.wrapping_add(1);
        if self.table.len() == other.table.len() && other.fill == other.used {
            self.table = other.table.clone();
            self.fill = other.fill;
            self.used = other.used;
            return true;
        }
        for (hash, key) in other.iter() {
            self.insert_clean(hash, key.clone());
        }
        true
    }

    /// After removals (difference_update): CPython rebuilds the table when more than a
    /// quarter of it is dummies.
    pub fn purge_dummies_if_many(&mut self) {
        if (self.fill - self.used) as usize > self.mask() / 4 {
            self.resize(self.growth_target());
        }
    }

    /// Takes `other`'s table and counts, keeping this set's pop finger (CPython's
    /// set_swap_bodies, used by intersection_update).
    pub fn replace_body(&mut self, other: SetData) {
        let finger = self.finger;
        let version = self.version.wrapping_add(1);
        *self = other;
        self.finger = finger;
        self.version = version;
    }

    fn resize(&mut self, minused: usize) {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
        }
        // As CPython: a minimum-size table without dummies is left as it is.
        if size == MIN_SIZE && self.table.len() == MIN_SIZE && self.fill == self.used {
            return;
        }
        let old = std::mem::replace(&mut self.table, vec![Slot::Unused; size].into_boxed_slice());
        self.fill = 0;
        self.used = 0;
        for slot in old.into_vec() {
            if let Slot::Active { hash, key } = slot {
                self.insert_clean(hash, key);
            }
        }
    }

    fn insert_clean(&mut self, hash: i64, key: Value) {
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in i..=i + probes {
                if let Slot::Unused = self.table[j] {
                    self.table[j] = Slot::Active { hash, key };
                    self.fill += 1;
                    self.used += 1;
                    return;
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    pub fn remove_at(&mut self, slot: usize) -> Option<Value> {
        if let Some(s) = self.table.get_mut(slot) {
            if let Slot::Active { key, .. } = std::mem::replace(s, Slot::Dummy) {
                self.used -= 1;
                self.version = self.version.wrapping_add(1);
                return Some(key);
            }
        }
        None
    }

    /// Removes and returns some element (`set.pop()`): the first active slot at or after
    /// the finger, wrapping around, as CPython's set_pop.
    pub fn pop_any(&mut self) -> Option<Value> {
        if self.used == 0 {
            return None;
        }
        let n = self.table.len();
        let start = self.finger as usize & self.mask();
        let idx = (0..n)
            .map(|k| (start + k) % n)
            .find(|&j| matches!(self.table[j], Slot::Active { .. }))?;
        self.finger = (idx + 1) as u32;
        self.remove_at(idx)
    }

    pub fn clear(&mut self) -> Vec<Value> {
        let old = std::mem::replace(
            &mut self.table,
            vec![Slot::Unused; MIN_SIZE].into_boxed_slice(),
        );
        self.fill = 0;
        self.used = 0;
        self.version = self.version.wrapping_add(1);
        old.into_vec()
            .into_iter()
            .filter_map(|s| match s {
                Slot::Active { key, .. } => Some(key),
                _ => None,
            })
            .collect()
    }

    /// `(hash, key)` pairs in table order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &Value)> {
        self.table.iter().filter_map(|s| match s {
            Slot::Active { hash, key } => Some((*hash, key)),
            _ => None,
        })
    }

    /// The element at or after slot `pos`, for iterators: `(key, next_pos)`.
    pub fn next_from(&self, mut pos: usize) -> Option<(&Value, usize)> {
        while pos < self.table.len() {
            if let Slot::Active { key, .. } = &self.table[pos] {
                return Some((key, pos + 1));
            }
            pos += 1;
        }
        None
    }

    pub fn keys(&self) -> Vec<Value> {
        self.iter().map(|(_, k)| k.clone()).collect()
    }
}
