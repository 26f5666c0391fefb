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
    /// Active + dummy slots.
    fill: usize,
    /// Active slots.
    used: usize,
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
            version: 0,
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.used
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

    /// Inserts a key known to be absent.
    pub fn insert_new(&mut self, hash: i64, key: Value) {
        let mask = self.mask();
        let mut perturb = hash as u64;
        let mut i = (hash as u64 as usize) & mask;
        'outer: loop {
            let probes = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in i..=i + probes {
                if let Slot::Unused = self.table[j] {
                    i = j;
                    break 'outer;
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
        self.table[i] = Slot::Active { hash, key };
        self.fill += 1;
        self.used += 1;
        self.version = self.version.wrapping_add(1);
        if self.fill * 5 >= mask * 3 {
            let minused = if self.used > 50000 {
                self.used * 2
            } else {
                self.used * 4
            };
            self.resize(minused);
        }
    }

    fn resize(&mut self, minused: usize) {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
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

    /// Removes and returns some element (`set.pop()`), scanning like CPython.
    pub fn pop_any(&mut self) -> Option<Value> {
        let idx = self
            .table
            .iter()
            .position(|s| matches!(s, Slot::Active { .. }))?;
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
