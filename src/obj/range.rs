//! `range` objects and their iterators' start states.
//!
//! Bounds are arbitrary-precision as in CPython. Nearly every range fits in i64, so that
//! form is kept unboxed; its arithmetic is done in i128, which cannot overflow for i64
//! bounds. Big bounds use BigInt. The arithmetic is written once, generic over both.

use crate::obj::iter::IterState;
use crate::obj::number::{as_int, IntRef};
use crate::vm::value::Value;
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

/// `start`, `stop`, `step` of a range; `step` is never zero.
#[derive(Clone)]
pub struct Span<T> {
    pub start: T,
    pub stop: T,
    pub step: T,
}

/// The integer types range arithmetic runs on: i128 (for i64 bounds) and BigInt.
pub trait RangeInt: Integer + Signed + Clone + From<i64> + std::fmt::Display {
    fn to_value(&self) -> Value;
    /// The value of an int object, or None when it does not fit `Self`.
    fn from_int(v: IntRef<'_>) -> Option<Self>;
}

impl RangeInt for i128 {
    fn to_value(&self) -> Value {
        Value::from_i128(*self)
    }
    fn from_int(v: IntRef<'_>) -> Option<Self> {
        match v {
            IntRef::Small(i) => Some(i as i128),
            IntRef::Big(b) => b.to_i128(),
        }
    }
}

impl RangeInt for BigInt {
    fn to_value(&self) -> Value {
        Value::from_bigint(self.clone())
    }
    fn from_int(v: IntRef<'_>) -> Option<Self> {
        Some(v.big().into_owned())
    }
}

impl<T: RangeInt> Span<T> {
    /// Number of items (CPython's `compute_range_length`).
    pub fn len(&self) -> T {
        let (lo, hi, step) = if self.step.is_positive() {
            (&self.start, &self.stop, self.step.clone())
        } else {
            (&self.stop, &self.start, -self.step.clone())
        };
        if lo >= hi {
            return T::zero();
        }
        (hi.clone() - lo.clone() - T::one()) / step + T::one()
    }

    /// The item at position `i` (not bounds-checked).
    pub fn at(&self, i: &T) -> T {
        self.start.clone() + i.clone() * self.step.clone()
    }

    /// The position of `x`, if the range contains it.
    pub fn position(&self, x: &T) -> Option<T> {
        let (k, rem) = (x.clone() - self.start.clone()).div_rem(&self.step);
        (rem.is_zero() && !k.is_negative() && k < self.len()).then_some(k)
    }

    /// Normalised index: negative counts from the end; None when out of range.
    pub fn index(&self, i: T) -> Option<T> {
        let len = self.len();
        let i = if i.is_negative() { i + len.clone() } else { i };
        (!i.is_negative() && i < len).then_some(i)
    }

    /// The `(len, first, step)` key that defines equality and hashing: an empty range
    /// has neither first item nor step, a one-item range no step.
    pub fn key(&self) -> (T, Option<T>, Option<T>) {
        let n = self.len();
        if n.is_zero() {
            (n, None, None)
        } else if n.is_one() {
            (n, Some(self.start.clone()), None)
        } else {
            (n, Some(self.start.clone()), Some(self.step.clone()))
        }
    }
}

pub enum RangeObj {
    Small(Span<i64>),
    Big(Box<Span<BigInt>>),
}

impl RangeObj {
    /// A range from arbitrary bounds, kept small when all three fit in i64.
    pub fn new(start: BigInt, stop: BigInt, step: BigInt) -> RangeObj {
        match (start.to_i64(), stop.to_i64(), step.to_i64()) {
            (Some(start), Some(stop), Some(step)) => RangeObj::Small(Span { start, stop, step }),
            _ => RangeObj::Big(Box::new(Span { start, stop, step })),
        }
    }

    /// The bounds widened to i128, when they are small.
    pub fn wide(&self) -> Option<Span<i128>> {
        match self {
            RangeObj::Small(s) => Some(Span {
                start: s.start as i128,
                stop: s.stop as i128,
                step: s.step as i128,
            }),
            RangeObj::Big(_) => None,
        }
    }

    /// The bounds as BigInts.
    pub fn big(&self) -> Span<BigInt> {
        match self {
            RangeObj::Small(s) => Span {
                start: s.start.into(),
                stop: s.stop.into(),
                step: s.step.into(),
            },
            RangeObj::Big(b) => (**b).clone(),
        }
    }

    pub fn start(&self) -> Value {
        match self {
            RangeObj::Small(s) => Value::Int(s.start),
            RangeObj::Big(b) => Value::from_bigint(b.start.clone()),
        }
    }
    pub fn stop(&self) -> Value {
        match self {
            RangeObj::Small(s) => Value::Int(s.stop),
            RangeObj::Big(b) => Value::from_bigint(b.stop.clone()),
        }
    }
    pub fn step(&self) -> Value {
        match self {
            RangeObj::Small(s) => Value::Int(s.step),
            RangeObj::Big(b) => Value::from_bigint(b.step.clone()),
        }
    }

    pub fn len(&self) -> BigInt {
        match self.wide() {
            Some(w) => w.len().into(),
            None => self.big().len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self.wide() {
            Some(w) => w.len() == 0,
            None => self.big().len().is_zero(),
        }
    }

    /// `iter(range)`: a `range_iterator` when CPython's `range_iter` would make one
    /// (everything fits a C long), else a `longrange_iterator`.
    pub fn iter_state(&self) -> IterState {
        if let RangeObj::Small(s) = self {
            let n = self.wide().map_or(0, |w| w.len());
            let next_fits = n == 0
                || if s.step > 0 {
                    s.stop <= i64::MAX - (s.step - 1)
                } else {
                    s.stop >= i64::MIN + (-1 - s.step)
                };
            if n <= i64::MAX as i128 && next_fits {
                return IterState::Range {
                    next: s.start,
                    stop: s.stop,
                    step: s.step,
                };
            }
        }
        let b = self.big();
        IterState::LongRange {
            left: Box::new(b.len()),
            next: Box::new(b.start),
            step: Box::new(b.step),
        }
    }

    /// `reversed(range)`, with CPython's `range_reverse` choice of iterator type.
    pub fn reversed_state(&self) -> IterState {
        if let Some(w) = self.wide() {
            let n = w.len();
            let new_stop = w.start - w.step;
            let fits = |x: i128| i64::try_from(x).is_ok();
            if n <= i64::MAX as i128 && fits(-w.step) && fits(new_stop) {
                let last = new_stop + n * w.step;
                if let (Ok(next), Ok(stop)) = (i64::try_from(last), i64::try_from(new_stop)) {
                    return IterState::Range {
                        next,
                        stop,
                        step: -(w.step as i64),
                    };
                }
            }
        }
        let b = self.big();
        let n = b.len();
        IterState::LongRange {
            next: Box::new(if n.is_zero() {
                b.start.clone()
            } else {
                b.at(&(n.clone() - 1))
            }),
            step: Box::new(-b.step),
            left: Box::new(n),
        }
    }
}

/// An int value as `T`: Some(None) when it is an int too large for `T`.
pub fn int_as<T: RangeInt>(v: &Value) -> Option<Option<T>> {
    as_int(v).map(T::from_int)
}
