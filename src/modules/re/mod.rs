//! `_sre_engine`: the native half of `re`. CPython's own `re` package (its parser and
//! compiler, in stdlib/re/) turns a pattern into sre code; stdlib/_sre.aio gives the
//! Pattern and Match objects; this module keeps compiled code by handle and runs it
//! (matcher.rs, a port of sre's matching loop).
//!
//! A non-ASCII str is matched as a vector of code points, made once per call, or once per
//! *subject* handle that a loop (findall, sub, split, finditer) makes and frees itself.

mod chars;
mod loops;
mod matcher;
mod opcodes;
mod state;
#[cfg(test)]
mod tests;
mod word_table;

use crate::obj::function::{Args, NativeFn};
use crate::obj::number::{as_int, IntRef};
use crate::obj::Obj;
use crate::vm::errors::{type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use state::{State, Unit};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

struct Program {
    code: Vec<u32>,
    groups: usize,
    /// None for a pattern compiled from a parsed tree (re.Scanner): any subject.
    is_bytes: Option<bool>,
}

/// A subject prepared for repeated matching.
enum Text {
    Bytes(Vec<u8>),
    Wide(Vec<u32>),
}

#[derive(Default)]
struct Store {
    programs: HashMap<i64, Rc<Program>>,
    subjects: HashMap<i64, Rc<Text>>,
    next: i64,
}

thread_local! {
    static STORE: RefCell<Store> = RefCell::new(Store::default());
}

fn int_arg(v: &Value, what: &str) -> PyResult<i64> {
    match as_int(crate::vm::payload::builtin_view(v)) {
        Some(IntRef::Small(i)) => Ok(i),
        Some(_) => Ok(i64::MAX),
        None => Err(type_error(format!("{what} must be an integer"))),
    }
}

/// An index argument (pos, endpos) as a C `Py_ssize_t`: `__index__`, OverflowError for
/// an int beyond 64 bits.
fn index_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    if let Some(IntRef::Big(_)) = as_int(crate::vm::payload::builtin_view(v)) {
        return Err(crate::vm::errors::overflow_error(
            "Python int too large to convert to C ssize_t",
        ));
    }
    vm.index_value(v)
}

fn handle_arg(args: &Args, i: usize) -> PyResult<i64> {
    match args.pos.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        _ => Err(type_error("a handle is required")),
    }
}

/// `new(code, groups, is_bytes)`: keeps compiled code, returns its handle.
fn new(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("new", 3, 3)?;
    let items: Vec<Value> = match &args.pos[0] {
        Value::Obj(o) => match &**o {
            Obj::List(l) => l.borrow().clone(),
            Obj::Tuple(t) => t.to_vec(),
            _ => return Err(type_error("code must be a list")),
        },
        _ => return Err(type_error("code must be a list")),
    };
    let mut code = Vec::with_capacity(items.len());
    for v in &items {
        let n = int_arg(v, "code")?;
        let n = u32::try_from(n).map_err(|_| value_error("code out of range"))?;
        code.push(n);
    }
    let groups = int_arg(&args.pos[1], "groups")?.max(0) as usize;
    let is_bytes = match args.pos[2] {
        Value::Bool(b) => Some(b),
        _ => None,
    };
    let h = STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.next += 1;
        let h = s.next;
        s.programs.insert(
            h,
            Rc::new(Program {
                code,
                groups,
                is_bytes,
            }),
        );
        h
    });
    Ok(Value::Int(h))
}

/// `free(handle)`: forgets a program or a subject.
fn free(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("free", 1, 1)?;
    let h = handle_arg(args, 0)?;
    STORE.with(|s| {
        let mut s = s.borrow_mut();
        s.programs.remove(&h);
        s.subjects.remove(&h);
    });
    Ok(Value::None)
}

enum Subject<'a> {
    Bytes(&'a [u8]),
    Owned(Vec<u8>),
    Wide(Vec<u32>),
    Kept(Rc<Text>),
}

impl Subject<'_> {
    fn len(&self) -> usize {
        match self {
            Subject::Bytes(b) => b.len(),
            Subject::Owned(b) => b.len(),
            Subject::Wide(w) => w.len(),
            Subject::Kept(t) => match &**t {
                Text::Bytes(b) => b.len(),
                Text::Wide(w) => w.len(),
            },
        }
    }
}

/// The subject of a match as sre sees it, and whether it is bytes-like.
fn subject<'a>(vm: &Vm, v: &'a Value) -> PyResult<(Subject<'a>, bool)> {
    let view = crate::vm::payload::builtin_view(v);
    if let Value::Obj(o) = view {
        match &**o {
            Obj::Str(s) => {
                return Ok(if s.ascii {
                    (Subject::Bytes(s.as_str().as_bytes()), false)
                } else {
                    (
                        Subject::Wide(s.as_str().chars().map(|c| c as u32).collect()),
                        false,
                    )
                })
            }
            Obj::Bytes(b) => return Ok((Subject::Bytes(b), true)),
            Obj::ByteArray(b) => return Ok((Subject::Owned(b.borrow().clone()), true)),
            _ => {}
        }
    }
    Err(type_error(format!(
        "expected string or bytes-like object, got '{}'",
        vm.type_name(v)
    )))
}

/// `subject(string)`: a handle to the string prepared for many matches.
fn make_subject(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("subject", 1, 1)?;
    let (s, _) = subject(vm, &args.pos[0])?;
    let text = match s {
        Subject::Bytes(b) => Text::Bytes(b.to_vec()),
        Subject::Owned(b) => Text::Bytes(b),
        Subject::Wide(w) => Text::Wide(w),
        Subject::Kept(_) => return Err(value_error("already a subject")),
    };
    let h = STORE.with(|st| {
        let mut st = st.borrow_mut();
        st.next += 1;
        let h = st.next;
        st.subjects.insert(h, Rc::new(text));
        h
    });
    Ok(Value::Int(h))
}

/// Adjusts `pos`/`endpos` as sre's `state_init` does.
fn clamp(v: i64, len: usize) -> usize {
    if v < 0 {
        0
    } else {
        (v as u64).min(len as u64) as usize
    }
}

/// The program, the subject's units and the clipped pos/endpos of a `run` or `scan`
/// call, after sre's type checks.
struct Call {
    prog: Rc<Program>,
    pos: usize,
    endpos: usize,
}

fn prepare<'a>(
    vm: &mut Vm,
    args: &'a Args,
    kept: &'a Option<Rc<Text>>,
) -> PyResult<(Call, Subject<'a>, bool)> {
    let h = handle_arg(args, 0)?;
    let prog = STORE
        .with(|s| s.borrow().programs.get(&h).cloned())
        .ok_or_else(|| value_error("unknown pattern handle"))?;
    let string = &args.pos[1];
    let (subj, is_bytes) = match kept {
        Some(t) => {
            let is_str = crate::vm::payload::builtin_view(string)
                .as_strobj()
                .is_some();
            (Subject::Kept(t.clone()), !is_str)
        }
        None => subject(vm, string)?,
    };
    if prog.is_bytes == Some(true) && !is_bytes {
        return Err(type_error(
            "cannot use a bytes pattern on a string-like object",
        ));
    }
    if prog.is_bytes == Some(false) && is_bytes {
        return Err(type_error(
            "cannot use a string pattern on a bytes-like object",
        ));
    }
    let len = subj.len();
    let pos = clamp(index_arg(vm, &args.pos[2])?, len);
    let endpos = clamp(index_arg(vm, &args.pos[3])?, len);
    Ok((Call { prog, pos, endpos }, subj, !is_bytes))
}

fn kept_subject(v: Option<&Value>) -> Option<Rc<Text>> {
    match v {
        Some(Value::Int(k)) => STORE.with(|s| s.borrow().subjects.get(k).cloned()),
        _ => None,
    }
}

/// Runs `$body` with `$s` bound to the subject's units (`&[u8]` or `&[u32]`).
macro_rules! with_units {
    ($subj:expr, $s:ident => $body:expr) => {
        match $subj {
            Subject::Bytes($s) => $body,
            Subject::Owned(b) => {
                let $s: &[u8] = b;
                $body
            }
            Subject::Wide(w) => {
                let $s: &[u32] = w;
                $body
            }
            Subject::Kept(t) => match &**t {
                Text::Bytes(b) => {
                    let $s: &[u8] = b;
                    $body
                }
                Text::Wide(w) => {
                    let $s: &[u32] = w;
                    $body
                }
            },
        }
    };
}

fn run_on<T: Unit>(
    vm: &mut Vm,
    call: &Call,
    s: &[T],
    mode: i64,
    must_advance: bool,
) -> PyResult<Value> {
    let prog = &call.prog;
    let interrupt = vm.interrupt.clone();
    let mut st = State::new(
        &prog.code,
        s,
        call.pos,
        call.endpos,
        prog.groups,
        &interrupt,
    );
    st.must_advance = must_advance;
    st.match_all = mode == 1;
    loop {
        let found = match mode {
            0 | 1 => st.run(0, true),
            _ => st.search(),
        };
        match found {
            Ok(true) => return Ok(loops::span_tuple(&st, prog.groups)),
            Ok(false) => return Ok(Value::None),
            Err(e) => {
                loops::interrupted(vm, &mut st, e)?;
                st.reset(call.pos);
            }
        }
    }
}

/// `run(program, string, pos, endpos, mode, must_advance, subject)`: mode 0 is match,
/// 1 fullmatch, 2 search. Returns None or `(start, end, lastindex, g1start, g1end, ...)`,
/// -1 for what did not match. `subject` is None or a handle from `subject(string)`.
fn run(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("run", 7, 7)?;
    let kept = kept_subject(args.pos.get(6));
    let (call, subj, _) = prepare(vm, args, &kept)?;
    let mode = int_arg(&args.pos[4], "mode")?;
    let must_advance = matches!(args.pos[5], Value::Bool(true));
    with_units!(&subj, s => run_on(vm, &call, s, mode, must_advance))
}

/// `scan(program, string, pos, endpos, limit, kind, literals, groups)`: the loop of
/// searches of findall (kind 0), finditer's spans (1), split (2) or sub with a template
/// (3: `literals` with None where group `groups[k] = (index, group)` goes). Returns the
/// list, or for sub `(text, count)`, text None when a literal is not of the subject's type.
fn scan(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("scan", 8, 8)?;
    let kept: Option<Rc<Text>> = None;
    let (call, subj, is_str) = prepare(vm, args, &kept)?;
    let limit = int_arg(&args.pos[4], "limit")?.max(0) as usize;
    let kind_no = int_arg(&args.pos[5], "kind")?;
    let literals: Vec<Value> = seq_items(&args.pos[6]);
    let mut groups = Vec::new();
    for pair in seq_items(&args.pos[7]) {
        let items = seq_items(&pair);
        if let [i, g] = items.as_slice() {
            groups.push((
                int_arg(i, "index")?.max(0) as usize,
                int_arg(g, "group")?.max(0) as usize,
            ));
        }
    }
    let kind = match kind_no {
        0 => loops::Kind::FindAll,
        1 => loops::Kind::Spans,
        2 => loops::Kind::Split,
        _ => loops::Kind::Sub {
            literals: &literals,
            groups: &groups,
        },
    };
    let lp = loops::Loop {
        code: &call.prog.code,
        groups: call.prog.groups,
        is_str,
        pos: call.pos,
        endpos: call.endpos,
        limit,
    };
    let outcome = with_units!(&subj, s => loops::run_loop(vm, &lp, s, kind))?;
    Ok(match outcome {
        loops::Outcome::List(items) => Value::list(items),
        loops::Outcome::Text(text, n) => {
            Value::tuple(vec![text.unwrap_or(Value::None), Value::Int(n as i64)])
        }
    })
}

fn seq_items(v: &Value) -> Vec<Value> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::List(l) => l.borrow().clone(),
            Obj::Tuple(t) => t.to_vec(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn char_arg(args: &Args, name: &str) -> PyResult<u32> {
    args.check(name, 1, 1)?;
    let n = int_arg(&args.pos[0], "character")?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

fn ascii_iscased(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let ch = char_arg(args, "ascii_iscased")?;
    Ok(Value::Bool(ch < 128 && (ch as u8).is_ascii_alphabetic()))
}

fn unicode_iscased(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let ch = char_arg(args, "unicode_iscased")?;
    Ok(Value::Bool(
        ch != chars::lower_uni(ch) || ch != chars::upper_uni(ch),
    ))
}

fn ascii_tolower(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let ch = char_arg(args, "ascii_tolower")?;
    Ok(Value::Int(chars::lower_ascii(ch) as i64))
}

fn unicode_tolower(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let ch = char_arg(args, "unicode_tolower")?;
    Ok(Value::Int(chars::lower_uni(ch) as i64))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("new", new),
        ("free", free),
        ("subject", make_subject),
        ("run", run),
        ("scan", scan),
        ("ascii_iscased", ascii_iscased),
        ("unicode_iscased", unicode_iscased),
        ("ascii_tolower", ascii_tolower),
        ("unicode_tolower", unicode_tolower),
    ];
    super::sys::new_module(vm, "_sre_engine", funcs);
}
