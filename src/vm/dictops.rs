//! Dict and set operations that may run aio code (`__hash__`, `__eq__`), done without
//! holding a borrow of the table while that code runs.

use super::errors::{key_error, PyResult};
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::dict::Probe;
use crate::obj::{DictData, Obj, SetData};

/// Equality that needs no aio code: `Some(result)` for str/int/float/bool/None pairs,
/// `None` when `__eq__` of a user type may be involved.
pub fn fast_eq(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x == y),
        (Value::Float(x), Value::Float(y)) => Some(x == y),
        (Value::Int(_) | Value::Bool(_), Value::Float(_))
        | (Value::Float(_), Value::Int(_) | Value::Bool(_)) => {
            crate::obj::number::compare(a, b, crate::syntax::ast::CmpOp::Eq)
        }
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Bool(x), Value::Int(y)) | (Value::Int(y), Value::Bool(x)) => Some(*x as i64 == *y),
        (Value::None, Value::None) => Some(true),
        (Value::Obj(x), Value::Obj(y)) => match (&**x, &**y) {
            (Obj::Str(s), Obj::Str(t)) => Some(s.as_str() == t.as_str()),
            (Obj::Str(_), Obj::BigInt(_)) | (Obj::BigInt(_), Obj::Str(_)) => Some(false),
            (Obj::BigInt(p), Obj::BigInt(q)) => Some(p == q),
            (Obj::Bytes(p), Obj::Bytes(q)) => Some(p == q),
            (Obj::Tuple(p), Obj::Tuple(q)) => {
                if p.len() != q.len() {
                    return Some(false);
                }
                for (u, v) in p.iter().zip(q.iter()) {
                    if u.is(v) {
                        continue;
                    }
                    match fast_eq(u, v) {
                        Some(true) => {}
                        other => return other,
                    }
                }
                Some(true)
            }
            _ => None,
        },
        (Value::Obj(x), _) | (_, Value::Obj(x)) => match &**x {
            Obj::Str(_) | Obj::Bytes(_) | Obj::Tuple(_) => Some(false),
            _ => None,
        },
        _ => Some(false),
    }
}

/// Looks up a str key without running aio code (namespaces: globals, class dicts).
pub fn get_str(d: &DictData, key: &Value) -> Option<Value> {
    let hash = match key.as_strobj() {
        Some(s) => s.hash(),
        None => return None,
    };
    match d.probe(key, hash, 0, fast_eq) {
        Probe::Found(i) => d.entry(i).map(|e| e.value.clone()),
        _ => None,
    }
}

/// The entry index of a str key, without running aio code.
pub fn index_str(d: &DictData, key: &Value) -> Option<usize> {
    let hash = key.as_strobj()?.hash();
    match d.probe(key, hash, 0, fast_eq) {
        Probe::Found(i) => Some(i),
        _ => None,
    }
}

/// Sets a str key without running aio code.
pub fn set_str(d: &mut DictData, key: Value, value: Value) {
    drop(replace_str(d, key, value));
}

/// `set_str` giving back the value it replaced (None when the key was new), for the caller
/// to drop once the dict is no longer borrowed.
pub fn replace_str(d: &mut DictData, key: Value, value: Value) -> Option<Value> {
    store_str(d, key, value).and_then(|(_, old)| old)
}

/// `replace_str` that also tells where the key's entry is: (entry index, replaced value).
/// None for a key that is not a str (nothing stored).
pub fn store_str(d: &mut DictData, key: Value, value: Value) -> Option<(usize, Option<Value>)> {
    let hash = key.as_strobj()?.hash();
    match d.probe(&key, hash, 0, fast_eq) {
        Probe::Found(i) => {
            let old = d
                .entry_mut(i)
                .map(|e| std::mem::replace(&mut e.value, value));
            Some((i, old))
        }
        _ => Some((d.push_new(hash, key, value), None)),
    }
}

/// Removes a str key without running aio code; returns the old value.
pub fn del_str(d: &mut DictData, key: &Value) -> Option<Value> {
    let hash = key.as_strobj()?.hash();
    match d.probe(key, hash, 0, fast_eq) {
        Probe::Found(i) => d.remove_at(i).map(|e| e.value),
        _ => None,
    }
}

fn dict_cell(d: &ObjRef) -> &std::cell::RefCell<DictData> {
    match &**d {
        Obj::Dict(c) => c,
        _ => unreachable!("dictops on a non-dict"),
    }
}

impl Vm {
    /// Finds the entry index of `key` in the dict object `d`, running `__eq__` if needed.
    fn dict_find(&mut self, d: &ObjRef, key: &Value, hash: i64) -> PyResult<Option<usize>> {
        let cell = dict_cell(d);
        let mut skip = 0;
        loop {
            let (probe, version) = {
                let data = cell.borrow();
                (data.probe(key, hash, skip, fast_eq), data.version())
            };
            match probe {
                Probe::Found(i) => return Ok(Some(i)),
                Probe::Missing => return Ok(None),
                Probe::Candidate { entry, key: cand } => {
                    let eq = self.eq(&cand, key)?;
                    // As CPython's lookdict: an `__eq__` that changed the dict only
                    // matters when the candidate's entry no longer holds that key (it was
                    // removed or the entries moved); then the lookup starts over.
                    let data = cell.borrow();
                    let unchanged = data.version() == version
                        || data.entry(entry).is_some_and(|e| e.key.is(&cand));
                    drop(data);
                    if !unchanged {
                        skip = 0;
                        continue;
                    }
                    if eq {
                        return Ok(Some(entry));
                    }
                    skip += 1;
                }
            }
        }
    }

    /// `d.get(key)` on a dict object.
    pub fn dict_get(&mut self, d: &ObjRef, key: &Value) -> PyResult<Option<Value>> {
        let hash = self.hash(key)?;
        Ok(self
            .dict_find(d, key, hash)?
            .and_then(|i| dict_cell(d).borrow().entry(i).map(|e| e.value.clone())))
    }

    /// `d[key] = value` on a dict object.
    pub fn dict_set(&mut self, d: &ObjRef, key: Value, value: Value) -> PyResult<()> {
        let hash = self.hash(&key)?;
        match self.dict_find(d, &key, hash)? {
            Some(i) => {
                if let Some(e) = dict_cell(d).borrow_mut().entry_mut(i) {
                    e.value = value;
                }
            }
            None => {
                dict_cell(d).borrow_mut().push_new(hash, key, value);
            }
        }
        Ok(())
    }

    /// `del d[key]` / `d.pop(key)`: removes and returns the value, or None if absent.
    pub fn dict_remove(&mut self, d: &ObjRef, key: &Value) -> PyResult<Option<Value>> {
        let hash = self.hash(key)?;
        Ok(match self.dict_find(d, key, hash)? {
            Some(i) => dict_cell(d).borrow_mut().remove_at(i).map(|e| e.value),
            None => None,
        })
    }

    /// `del d[key]` raising KeyError when absent.
    pub fn dict_del(&mut self, d: &ObjRef, key: &Value) -> PyResult<()> {
        match self.dict_remove(d, key)? {
            Some(_) => Ok(()),
            None => Err(key_error(key.clone())),
        }
    }

    /// Whether a set (or frozenset) object contains `key`.
    pub fn set_contains(&mut self, s: &ObjRef, key: &Value) -> PyResult<bool> {
        let hash = self.hash(key)?;
        Ok(self.set_find(s, key, hash)?.is_some())
    }

    fn set_find(&mut self, s: &ObjRef, key: &Value, hash: i64) -> PyResult<Option<usize>> {
        let mut skip = 0;
        loop {
            let probe = with_set(s, |d| d.probe(key, hash, skip, fast_eq));
            match probe {
                Probe::Found(i) => return Ok(Some(i)),
                Probe::Missing => return Ok(None),
                Probe::Candidate { entry, key: cand } => {
                    if self.eq(&cand, key)? {
                        return Ok(Some(entry));
                    }
                    skip += 1;
                }
            }
        }
    }

    /// Adds `key` to a mutable set object.
    pub fn set_add(&mut self, s: &ObjRef, key: Value) -> PyResult<()> {
        let hash = self.hash(&key)?;
        if self.set_find(s, &key, hash)?.is_none() {
            if let Obj::Set(c) = &**s {
                c.borrow_mut().insert_new(hash, key);
            }
        }
        Ok(())
    }

    /// Adds `key` to a set being built (before it is shared; also for frozensets).
    pub fn setdata_add(&mut self, d: &mut SetData, key: Value) -> PyResult<()> {
        let hash = self.hash(&key)?;
        let mut skip = 0;
        loop {
            match d.probe(&key, hash, skip, fast_eq) {
                Probe::Found(_) => return Ok(()),
                Probe::Missing => {
                    d.insert_new(hash, key);
                    return Ok(());
                }
                Probe::Candidate { key: cand, .. } => {
                    if self.eq(&cand, &key)? {
                        return Ok(());
                    }
                    skip += 1;
                }
            }
        }
    }

    /// Removes `key` from a mutable set object; returns whether it was present.
    pub fn set_discard(&mut self, s: &ObjRef, key: &Value) -> PyResult<bool> {
        let hash = self.hash(key)?;
        match self.set_find(s, key, hash)? {
            Some(i) => {
                if let Obj::Set(c) = &**s {
                    c.borrow_mut().remove_at(i);
                }
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

/// Runs `f` on the table of a set or frozenset object.
pub fn with_set<R>(s: &ObjRef, f: impl FnOnce(&SetData) -> R) -> R {
    match &**s {
        Obj::Set(c) => f(&c.borrow()),
        Obj::FrozenSet(d) => f(d),
        _ => f(&SetData::new()),
    }
}

/// The hash of a key whose hash and equality need no aio code (str, int), else None.
#[inline]
fn plain_hash(key: &Value) -> Option<i64> {
    match key {
        Value::Int(i) => Some(crate::obj::number::hash_int(*i)),
        Value::Obj(o) => match &**o {
            Obj::Str(s) => Some(s.hash()),
            _ => None,
        },
        _ => None,
    }
}

/// `d[key]` for a dict that holds `key` (a str or int): the value. None when the key is
/// absent or of another kind, for the general path to raise or to run aio code.
pub fn plain_getitem(d: &ObjRef, key: &Value) -> Option<Value> {
    plain_lookup(d, key)?
}

/// The value of a str or int `key` in dict `d`, or None when it is absent (`dict.get`);
/// None (outside) when the lookup could run aio code: another kind of key, or a stored
/// key of the same hash that compares with `__eq__`.
pub fn plain_lookup(d: &ObjRef, key: &Value) -> Option<Option<Value>> {
    let Obj::Dict(cell) = &**d else { return None };
    let hash = plain_hash(key)?;
    let data = cell.try_borrow().ok()?;
    match data.probe(key, hash, 0, fast_eq) {
        Probe::Found(i) => Some(data.entry(i).map(|e| e.value.clone())),
        Probe::Missing => Some(None),
        Probe::Candidate { .. } => None,
    }
}

/// `d[key] = value` for a str or int key, as `Vm::dict_set` does: the value replaced
/// (None when the key is new). `Err(value)` back when the key is of another kind or a key
/// compares with aio code.
pub fn plain_setitem(d: &ObjRef, key: &Value, value: Value) -> Result<Option<Value>, Value> {
    let Obj::Dict(cell) = &**d else {
        return Err(value);
    };
    let Some(hash) = plain_hash(key) else {
        return Err(value);
    };
    let Ok(mut data) = cell.try_borrow_mut() else {
        return Err(value);
    };
    match data.probe(key, hash, 0, fast_eq) {
        Probe::Found(i) => match data.entry_mut(i) {
            Some(e) => Ok(Some(std::mem::replace(&mut e.value, value))),
            None => Err(value),
        },
        Probe::Missing => {
            data.push_new(hash, key.clone(), value);
            Ok(None)
        }
        Probe::Candidate { .. } => Err(value),
    }
}
