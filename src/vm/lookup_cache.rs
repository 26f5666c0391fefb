//! A cache in front of `class::lookup` (CPython's type attribute cache): for a (class,
//! attribute name) pair it remembers where along the MRO the name was found, or that no
//! class had it. Reading `self.x` then skips the walk over the class and its bases before
//! the instance dict is consulted.
//!
//! Entries remember the value found too, so a hit costs no dictionary lookup: immediates as
//! they are, objects through a `WeakRef` (an entry never keeps an attribute value alive, so
//! deleting a class attribute still finalizes it at once). Any change to a class namespace
//! and the death of any class bump a global epoch, which invalidates every entry at once: a
//! class address can be reused only after a death.

use crate::gc::heap::WeakRef;
use crate::vm::value::{ObjRef, Value};
use std::cell::{Cell, RefCell};

/// Number of entries (a power of two).
const SIZE: usize = 1024;

/// Where `lookup` found a name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Found {
    /// In no class of the MRO.
    Missing,
    /// In the class itself (0) or in `mro[i - 1]`.
    At(u32),
}

/// The value found, as an entry keeps it.
enum Kept {
    None,
    Immediate(Value),
    Object(WeakRef),
}

/// What a valid entry knows.
pub enum Hit {
    Missing,
    /// The value itself.
    Value(Value),
    /// Only where it was (its object is gone: look it up there again).
    At(u32),
}

struct Entry {
    class_addr: usize,
    name: Option<ObjRef>,
    epoch: u64,
    found: Found,
    value: Kept,
}

impl Entry {
    /// Whether this entry is the valid answer for `name` on the class at `class_addr`.
    #[inline]
    fn holds(&self, class_addr: usize, name: &ObjRef, epoch: u64) -> bool {
        self.epoch == epoch
            && self.class_addr == class_addr
            && self.name.as_ref().is_some_and(|n| n.is(name))
    }
}

thread_local! {
    static EPOCH: Cell<u64> = const { Cell::new(1) };
    static ENTRIES: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// Forgets every entry: a class namespace changed or a class died.
#[inline]
pub fn invalidate() {
    EPOCH.with(|e| e.set(e.get().wrapping_add(1)));
}

/// Fibonacci hashing of both addresses, taking the product's top bits: object addresses
/// share their low bits (boxes come in one size class), so the low bits of a plain mix
/// would use a fraction of the entries.
#[inline]
fn slot(class_addr: usize, name: &ObjRef) -> usize {
    let h = (class_addr as u64 ^ (name.addr() as u64).rotate_left(29))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> (64 - SIZE.trailing_zeros())) as usize
}

/// The remembered answer for `name` on the class at `class_addr`, if still valid.
#[inline]
pub fn get(class_addr: usize, name: &ObjRef) -> Option<Hit> {
    let epoch = EPOCH.with(|e| e.get());
    ENTRIES.with(|entries| {
        let entries = entries.borrow();
        let s = slot(class_addr, name);
        let holds = |e: &&Entry| e.holds(class_addr, name, epoch);
        let e = (entries.get(s).filter(holds)).or_else(|| entries.get(s ^ 1).filter(holds))?;
        Some(match (&e.found, &e.value) {
            (Found::Missing, _) => Hit::Missing,
            (_, Kept::Immediate(v)) => Hit::Value(v.clone()),
            (Found::At(i), Kept::Object(w)) => match w.upgrade() {
                Some(o) => Hit::Value(Value::Obj(o)),
                None => Hit::At(*i),
            },
            (Found::At(i), Kept::None) => Hit::At(*i),
        })
    })
}

/// Remembers the answer of a full MRO walk (`value`: what it found).
pub fn put(class_addr: usize, name: &ObjRef, found: Found, value: Option<&Value>) {
    let epoch = EPOCH.with(|e| e.get());
    ENTRIES.with(|entries| {
        let mut entries = entries.borrow_mut();
        if entries.is_empty() {
            entries.resize_with(SIZE, || Entry {
                class_addr: 0,
                name: None,
                epoch: 0,
                found: Found::Missing,
                value: Kept::None,
            });
        }
        // Two entries per slot pair: a name goes to its own slot unless another live name
        // holds it, then to the other one, so that two hot names that hash alike both stay.
        let home = slot(class_addr, name);
        let at = match entries.get(home) {
            Some(e) if e.epoch == epoch && !e.holds(class_addr, name, epoch) => home ^ 1,
            _ => home,
        };
        let Some(target) = entries.get_mut(at) else {
            return;
        };
        let old = std::mem::replace(
            target,
            Entry {
                class_addr,
                name: Some(name.clone()),
                epoch,
                found,
                value: match value {
                    Some(Value::Obj(o)) => Kept::Object(o.downgrade()),
                    Some(v) => Kept::Immediate(v.clone()),
                    None => Kept::None,
                },
            },
        );
        drop(entries);
        // The replaced name string may die here; strings run no code when they do.
        drop(old);
    });
}

/// The current epoch: a result derived from class lookups stays valid while it is unchanged.
#[inline]
pub fn epoch() -> u64 {
    EPOCH.with(|e| e.get())
}
