//! The loops of searches behind findall, split, sub and finditer, run natively (sre's
//! `pattern_findall`, `pattern_split`, `pattern_subx` and scanner): after an empty match
//! the next one must advance (`must_advance`), and each search starts where the last
//! match ended.

use super::state::{State, Stop, Unit};
use crate::vm::errors::PyResult;
use crate::vm::value::Value;
use crate::vm::Vm;
use std::sync::atomic::AtomicBool;

/// A subject's units made into values and output text.
pub trait Piece: Unit {
    /// The str (exact) or bytes value of `s`.
    fn value(s: &[Self], is_str: bool) -> Value;
    fn push(out: &mut Out, s: &[Self]);
}

impl Piece for u8 {
    fn value(s: &[u8], is_str: bool) -> Value {
        if is_str {
            // An ASCII str's bytes.
            let text: String = s.iter().map(|&b| b as char).collect();
            crate::obj::str::from_string(text, true)
        } else {
            Value::bytes(s.to_vec())
        }
    }
    fn push(out: &mut Out, s: &[u8]) {
        match out {
            Out::Str(t) => t.extend(s.iter().map(|&b| b as char)),
            Out::Bytes(b) => b.extend_from_slice(s),
        }
    }
}

impl Piece for u32 {
    fn value(s: &[u32], _is_str: bool) -> Value {
        let text: String = s.iter().filter_map(|&c| char::from_u32(c)).collect();
        Value::string(text)
    }
    fn push(out: &mut Out, s: &[u32]) {
        if let Out::Str(t) = out {
            t.extend(s.iter().filter_map(|&c| char::from_u32(c)));
        }
    }
}

/// The text `sub` builds.
pub enum Out {
    Str(String),
    Bytes(Vec<u8>),
}

impl Out {
    /// Appends a literal of the template; false when it is not of the subject's type.
    fn push_value(&mut self, v: &Value) -> bool {
        let view = crate::vm::payload::builtin_view(v);
        match self {
            Out::Str(t) => match view.as_str() {
                Some(s) => {
                    t.push_str(s);
                    true
                }
                None => false,
            },
            Out::Bytes(b) => match crate::obj::methods::bytes::bytes_data(view) {
                Some(d) => {
                    b.extend_from_slice(&d);
                    true
                }
                None => false,
            },
        }
    }
}

/// What one loop does with each match.
pub enum Kind<'a> {
    /// findall's items.
    FindAll,
    /// `(start, end, lastindex, g1start, g1end, ...)` for each match.
    Spans,
    /// split's pieces.
    Split,
    /// sub with a template: literal pieces, and group numbers (None in `literals`).
    Sub {
        literals: &'a [Value],
        groups: &'a [(usize, usize)],
    },
}

pub struct Loop<'a> {
    pub code: &'a [u32],
    pub groups: usize,
    pub is_str: bool,
    pub pos: usize,
    pub endpos: usize,
    /// At most this many matches (0: no limit).
    pub limit: usize,
}

/// What a loop gives back: a list, or sub's text and count (None when a template
/// literal is not of the subject's type: the caller then takes the general path).
pub enum Outcome {
    List(Vec<Value>),
    Text(Option<Value>, usize),
}

/// A flag that is never set: what a match checks once an interrupt was left pending.
static NEVER: AtomicBool = AtomicBool::new(false);

/// A match stopped: for Ctrl-C, raises what the signal handling raises (KeyboardInterrupt),
/// else lets the caller run the search again (the SIGINT went to an event loop's handler,
/// or stays pending for the main thread: then this match no longer checks it).
pub fn interrupted<T: Unit>(vm: &mut Vm, st: &mut State<T>, e: Stop) -> PyResult<()> {
    match e {
        Stop::Interrupted => {
            vm.check_signals()?;
            if vm.interrupt_pending() {
                st.interrupt = &NEVER;
            }
            Ok(())
        }
        Stop::Illegal => Err(crate::vm::errors::runtime_error(
            "internal error in regular expression engine",
        )),
    }
}

pub fn span_tuple<T: Unit>(st: &State<T>, groups: usize) -> Value {
    let mut out = Vec::with_capacity(3 + 2 * groups);
    out.push(Value::Int(st.start as i64));
    out.push(Value::Int(st.ptr as i64));
    out.push(Value::Int(st.lastindex as i64));
    for g in 1..=groups {
        let (a, b) = match st.group_span(g) {
            Some((a, b)) => (a as i64, b as i64),
            None => (-1, -1),
        };
        out.push(Value::Int(a));
        out.push(Value::Int(b));
    }
    Value::tuple(out)
}

pub fn run_loop<T: Piece>(vm: &mut Vm, lp: &Loop, s: &[T], kind: Kind) -> PyResult<Outcome> {
    let interrupt = vm.interrupt.clone();
    let mut st = State::new(lp.code, s, lp.pos, lp.endpos, lp.groups, &interrupt);
    let slice = |a: usize, b: usize| -> Value { T::value(s.get(a..b).unwrap_or(&[]), lp.is_str) };
    let group_slice = |st: &State<T>, g: usize| -> Option<(usize, usize)> { st.group_span(g) };
    let mut items = Vec::new();
    let mut out = if lp.is_str {
        Out::Str(String::new())
    } else {
        Out::Bytes(Vec::new())
    };
    let mut last = lp.pos;
    let mut start = lp.pos;
    let mut n = 0usize;
    let mut literal_ok = true;
    if matches!(kind, Kind::Split | Kind::Sub { .. }) {
        last = 0;
    }
    while start <= lp.endpos && (lp.limit == 0 || n < lp.limit) {
        st.reset(start);
        let found = loop {
            match st.search() {
                Ok(found) => break found,
                Err(e) => {
                    interrupted(vm, &mut st, e)?;
                    st.reset(start);
                }
            }
        };
        if !found {
            break;
        }
        match &kind {
            Kind::FindAll => items.push(match lp.groups {
                0 => slice(st.start, st.ptr),
                1 => match group_slice(&st, 1) {
                    Some((a, b)) => slice(a, b),
                    None => slice(0, 0),
                },
                g => Value::tuple(
                    (1..=g)
                        .map(|i| match group_slice(&st, i) {
                            Some((a, b)) => slice(a, b),
                            None => slice(0, 0),
                        })
                        .collect(),
                ),
            }),
            Kind::Spans => items.push(span_tuple(&st, lp.groups)),
            Kind::Split => {
                items.push(slice(last, st.start));
                for g in 1..=lp.groups {
                    items.push(match group_slice(&st, g) {
                        Some((a, b)) => slice(a, b),
                        None => Value::None,
                    });
                }
                last = st.ptr;
            }
            Kind::Sub { literals, groups } => {
                if last < st.start {
                    T::push(&mut out, s.get(last..st.start).unwrap_or(&[]));
                }
                let mut gi = groups.iter().peekable();
                for (i, lit) in literals.iter().enumerate() {
                    match gi.peek() {
                        Some(&&(at, g)) if at == i => {
                            gi.next();
                            let span = if g == 0 {
                                Some((st.start, st.ptr))
                            } else {
                                group_slice(&st, g)
                            };
                            if let Some((a, b)) = span {
                                T::push(&mut out, s.get(a..b).unwrap_or(&[]));
                            }
                        }
                        _ => {
                            if !lit.is_none() {
                                literal_ok &= out.push_value(lit);
                            }
                        }
                    }
                }
                last = st.ptr;
            }
        }
        n += 1;
        st.must_advance = st.ptr == st.start;
        start = st.ptr;
    }
    match kind {
        Kind::Split => {
            items.push(slice(last, s.len()));
            Ok(Outcome::List(items))
        }
        Kind::Sub { .. } => {
            if !literal_ok {
                return Ok(Outcome::Text(None, n));
            }
            if last < s.len() {
                T::push(&mut out, s.get(last..).unwrap_or(&[]));
            }
            let v = match out {
                Out::Str(t) => Value::string(t),
                Out::Bytes(b) => Value::bytes(b),
            };
            Ok(Outcome::Text(Some(v), n))
        }
        _ => Ok(Outcome::List(items)),
    }
}
