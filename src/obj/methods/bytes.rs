//! Methods of `bytes` and `bytearray` (their codecs are in text_codec.rs).

use super::int::not_impl;
use super::slice::{in_range, seq_index, Index};
use super::str::{check_repeat, repeat_count};
use super::text_common::{expand_tabs, is_titlecased, Case, Tabs};
use crate::obj::bytearray::ByteArrayObj;
use crate::obj::function::Args;
use crate::obj::number::{as_int, IntRef};
use crate::obj::Obj;
use crate::syntax::ast::CmpOp;
use crate::vm::errors::{index_error, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;
use std::borrow::Cow;

/// The bytes of a bytes-like value (a copy): bytes, bytearray, or a C-contiguous live
/// memoryview, which is what CPython's simple-buffer consumers (`y*`) accept. Callers
/// that refuse other values can ask `buffer_error` for CPython's error about a view.
pub fn bytes_data(v: &Value) -> Option<Vec<u8>> {
    match crate::vm::payload::builtin_view(v) {
        Value::Obj(o) => match &**o {
            Obj::Bytes(b) => Some(b.to_vec()),
            Obj::ByteArray(b) => Some(b.borrow().clone()),
            Obj::MemoryView(m) if !m.released() && m.contiguous() => Some(m.to_bytes()),
            _ => None,
        },
        _ => None,
    }
}

/// `bytes_data` without the copy for an immutable bytes object, whose data can be lent
/// for as long as the value is (a bytearray's or memoryview's is still copied: code that
/// runs while the data is in use may change them).
pub fn bytes_view(v: &Value) -> Option<Cow<'_, [u8]>> {
    match crate::vm::payload::builtin_view(v) {
        Value::Obj(o) => match &**o {
            Obj::Bytes(b) => Some(Cow::Borrowed(b)),
            _ => bytes_data(v).map(Cow::Owned),
        },
        _ => None,
    }
}

/// Like `bytes_data`, but also copies a strided memoryview's items, as `bytes(x)` and
/// `bytearray(x)` do.
pub fn buffer_copy(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::MemoryView(m) if !m.released() => Some(m.to_bytes()),
            _ => bytes_data(v),
        },
        _ => None,
    }
}

/// Why a memoryview is refused as a simple buffer (released, or strided), as CPython
/// says it; None for anything else.
pub fn buffer_error(v: &Value) -> Option<crate::vm::errors::ExcRef> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::MemoryView(m) if m.released() => Some(value_error(
                "operation forbidden on released memoryview object",
            )),
            Obj::MemoryView(m) if !m.contiguous() => Some(crate::vm::errors::exc(
                crate::vm::types::ExcKind::BufferError,
                "memoryview: underlying buffer is not C-contiguous",
            )),
            _ => None,
        },
        _ => None,
    }
}

/// An int in range(256), for building bytes.
pub fn byte_value(vm: &mut Vm, v: &Value) -> PyResult<u8> {
    match crate::obj::number::as_int(v) {
        Some(crate::obj::number::IntRef::Small(i)) if (0..256).contains(&i) => Ok(i as u8),
        Some(_) => Err(value_error("byte must be in range(0, 256)")),
        None => Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))),
    }
}

/// Byte check with bytearray's message ("byte must be in range(0, 256)").
fn byte_or_err(vm: &mut Vm, v: &Value, plural: bool) -> PyResult<u8> {
    byte_value(vm, v).map_err(|e| {
        if plural && e.is(crate::vm::types::ExcKind::ValueError) {
            value_error("bytes must be in range(0, 256)")
        } else {
            e
        }
    })
}

/// `repr(bytes)` body: `b'...'` with CPython's quote choice and escapes.
pub fn bytes_repr(data: &[u8]) -> String {
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(data.len() + 3);
    out.push('b');
    out.push(quote as char);
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b if b == quote => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            b => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote as char);
    out
}

fn is_bytearray(v: &Value) -> bool {
    matches!(v, Value::Obj(o) if matches!(&**o, Obj::ByteArray(_)))
}

fn ba_cell(v: &Value) -> Option<&ByteArrayObj> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::ByteArray(b) => Some(b),
            _ => None,
        },
        _ => None,
    }
}

/// The receiver's bytes and whether it is a bytearray, once the method's argument count
/// is checked.
fn this<'a>(vm: &Vm, a: &Args<'a>, name: &str) -> PyResult<(Cow<'a, [u8]>, bool)> {
    match a.pos.first() {
        Some(v) => match bytes_view(v) {
            Some(d) => {
                let ba = is_bytearray(v);
                let owner = if ba { "bytearray" } else { "bytes" };
                super::bytes_arity::check(a, owner, name)?;
                Ok((d, ba))
            }
            None => Err(super::wrong_receiver(name, "bytes", &vm.type_name(v))),
        },
        None => Err(type_error(format!("descriptor '{name}' needs an argument"))),
    }
}

fn make(data: Vec<u8>, bytearray: bool) -> Value {
    if bytearray {
        Value::obj(Obj::ByteArray(crate::obj::bytearray::ByteArrayObj::new(
            data,
        )))
    } else {
        Value::bytes(data)
    }
}

/// A bytes-like argument, with CPython's "a bytes-like object is required" message.
fn arg_bytes(vm: &Vm, v: &Value) -> PyResult<Vec<u8>> {
    bytes_data(v).ok_or_else(|| {
        buffer_error(v).unwrap_or_else(|| {
            type_error(format!(
                "a bytes-like object is required, not '{}'",
                vm.type_name(v)
            ))
        })
    })
}

/// The bytes for `bytes(x)` / `bytearray(x)`.
fn construct(vm: &mut Vm, a: &Args, name: &str) -> PyResult<Vec<u8>> {
    a.only_kwargs(name, &["source", "encoding", "errors"])?;
    let args = a.pos.get(1..).unwrap_or(&[]);
    let src = args.first().or_else(|| a.kw("source"));
    let enc = args.get(1).or_else(|| a.kw("encoding"));
    let errs = args.get(2).or_else(|| a.kw("errors"));
    let Some(src) = src else {
        if enc.is_some() || errs.is_some() {
            return Err(type_error(if enc.is_some() {
                "encoding without a string argument"
            } else {
                "errors without a string argument"
            }));
        }
        return Ok(vec![]);
    };
    if let Some(s) = src.as_str() {
        let Some(e) = enc else {
            return Err(type_error("string argument without an encoding"));
        };
        let e = e.as_str().ok_or_else(|| {
            type_error(format!(
                "{name}() argument 'encoding' must be str, not {}",
                vm.type_name(e)
            ))
        })?;
        let er = errs.and_then(|x| x.as_str()).unwrap_or("strict");
        let (s, e, er) = (s.to_string(), e.to_string(), er.to_string());
        let encoded = crate::modules::codecs::encode_text(vm, &s, &e, &er)?;
        return Ok(bytes_data(&encoded).unwrap_or_default());
    }
    if enc.is_some() {
        return Err(type_error("encoding without a string argument"));
    }
    if errs.is_some() {
        return Err(type_error("errors without a string argument"));
    }
    if let Some(d) = buffer_copy(src) {
        return Ok(d);
    }
    if let Some(e) = buffer_error(src) {
        return Err(e);
    }
    match as_int(src) {
        Some(IntRef::Small(n)) => {
            if n < 0 {
                return Err(value_error("negative count"));
            }
            check_repeat(1, n as usize)?;
            return Ok(vec![0; n as usize]);
        }
        Some(IntRef::Big(_)) => {
            return Err(crate::vm::errors::overflow_error(
                "cannot fit 'int' into an index-sized integer",
            ))
        }
        None => {}
    }
    if let Some(f) = vm.lookup_special(src, "__bytes__") {
        let r = vm.call(&f, std::slice::from_ref(src))?;
        return match &r {
            Value::Obj(o) if matches!(&**o, Obj::Bytes(_)) => {
                Ok(bytes_data(&r).unwrap_or_default())
            }
            _ => Err(type_error(format!(
                "__bytes__ returned non-bytes (type {})",
                vm.type_name(&r)
            ))),
        };
    }
    if matches!(src, Value::Float(_)) || vm.iter(src).is_err() {
        return Err(type_error(format!(
            "cannot convert '{}' object to bytes",
            vm.type_name(src)
        )));
    }
    let items = vm.collect(src)?;
    let mut out = Vec::with_capacity(items.len());
    for it in &items {
        out.push(byte_or_err(vm, it, name == "bytes")?);
    }
    Ok(out)
}

fn bytes_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "bytes")?;
    if a.pos.len() == 2 && a.kwnames.is_empty() {
        if let Value::Obj(o) = &a.pos[1] {
            if matches!(&**o, Obj::Bytes(_)) {
                return Ok(a.pos[1].clone());
            }
        }
    }
    Ok(Value::bytes(construct(vm, a, "bytes")?))
}
fn bytearray_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(make(construct(vm, a, "bytearray")?, true))
}

/// `bytearray.__init__(self, source=b"", ...)`: replaces the contents.
fn bytearray_init(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let target = match a.pos.first() {
        Some(Value::Obj(o)) => match &**o {
            Obj::ByteArray(_) => o.clone(),
            _ => {
                return Err(type_error(
                    "descriptor '__init__' requires a 'bytearray' object",
                ))
            }
        },
        _ => {
            return Err(type_error(
                "descriptor '__init__' requires a 'bytearray' object",
            ))
        }
    };
    let data = construct(vm, a, "bytearray")?;
    if let Obj::ByteArray(b) = &*target {
        b.check_resize(data.len())?;
        *b.borrow_mut() = data;
    }
    Ok(Value::None)
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "__repr__")?;
    let r = bytes_repr(&d);
    Ok(Value::string(if ba {
        format!("bytearray({r})")
    } else {
        r
    }))
}

fn hash(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "__hash__")?;
    if ba {
        return Err(type_error("unhashable type: 'bytearray'"));
    }
    // Same function as str's hash, so that b'a' and 'a' hash alike as in CPython.
    if d.is_empty() {
        return Ok(Value::Int(0));
    }
    let mut x: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in d.iter() {
        x ^= b as u64;
        x = x.wrapping_mul(0x0100_0000_01b3);
    }
    x ^= x >> 29;
    let h = x as i64;
    Ok(Value::Int(if h == -1 { -2 } else { h }))
}

fn len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check_slot("__len__", 0)?;
    if let Some(Value::Obj(o)) = a.pos.first() {
        match &**o {
            Obj::Bytes(b) => return Ok(Value::Int(b.len() as i64)),
            Obj::ByteArray(b) => return Ok(Value::Int(b.borrow().len() as i64)),
            _ => {}
        }
    }
    this(vm, a, "__len__").map(|(d, _)| Value::Int(d.len() as i64))
}

pub fn getitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "__getitem__")?;
    a.check("__getitem__", 2, 2)?;
    let what = if ba { "bytearray" } else { "byte" };
    match seq_index(vm, &a.pos[1], d.len(), what)? {
        Index::At(i) => match in_range(i, d.len()) {
            Some(i) => Ok(Value::Int(d[i] as i64)),
            None => Err(index_error(if ba {
                "bytearray index out of range"
            } else {
                "index out of range"
            })),
        },
        Index::Slice(sl) => {
            let out: Vec<u8> = if sl.step == 1 {
                d[sl.start as usize..sl.start as usize + sl.len].to_vec()
            } else {
                sl.positions().map(|p| d[p]).collect()
            };
            Ok(make(out, ba))
        }
    }
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, _) = this(vm, a, "__contains__")?;
    a.check("__contains__", 2, 2)?;
    let x = &a.pos[1];
    if let Some(sub) = bytes_view(x) {
        return Ok(Value::Bool(find_sub(&d, &sub, 0).is_some()));
    }
    let b = byte_value(vm, x)?;
    Ok(Value::Bool(d.contains(&b)))
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__iter__")?;
    vm.iter(&a.pos[0])
}

fn add(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "__add__")?;
    a.check("__add__", 2, 2)?;
    let Some(o) = bytes_view(&a.pos[1]) else {
        return Err(type_error(format!(
            "can't concat {} to {}",
            vm.type_name(&a.pos[1]),
            vm.type_name(&a.pos[0])
        )));
    };
    let mut d = d.into_owned();
    d.extend_from_slice(&o);
    Ok(make(d, ba))
}

fn mul(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "__mul__")?;
    a.check("__mul__", 2, 2)?;
    let Some(n) = repeat_count(vm, &a.pos[1])? else {
        return Ok(not_impl(vm));
    };
    check_repeat(d.len(), n)?;
    Ok(make(d.repeat(n), ba))
}

fn cmp(vm: &mut Vm, a: &Args, op: CmpOp) -> PyResult<Value> {
    let (d, _) = this(vm, a, "__eq__")?;
    a.check("__eq__", 2, 2)?;
    let Some(o) = bytes_view(&a.pos[1]) else {
        return Ok(not_impl(vm));
    };
    Ok(Value::Bool(op.ordered(&d[..], &o[..]).unwrap_or(false)))
}
fn eq(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, CmpOp::Eq)
}
fn ne(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, CmpOp::NotEq)
}
fn lt(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, CmpOp::Lt)
}
fn le(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, CmpOp::LtE)
}
fn gt(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, CmpOp::Gt)
}
fn ge(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    cmp(vm, a, CmpOp::GtE)
}

fn find_sub(h: &[u8], n: &[u8], from: usize) -> Option<usize> {
    if n.is_empty() {
        return if from <= h.len() { Some(from) } else { None };
    }
    if n.len() > h.len() {
        return None;
    }
    (from..=h.len() - n.len()).find(|&i| &h[i..i + n.len()] == n)
}

fn rfind_sub(h: &[u8], n: &[u8]) -> Option<usize> {
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len())
        .rev()
        .find(|&i| &h[i..i + n.len()] == n)
}

/// The needle of find/count/index: bytes-like or an int byte.
fn needle(vm: &mut Vm, v: &Value) -> PyResult<Vec<u8>> {
    if let Some(d) = bytes_data(v) {
        return Ok(d);
    }
    if as_int(v).is_some() {
        return Ok(vec![byte_value(vm, v)?]);
    }
    if let Some(e) = buffer_error(v) {
        return Err(e);
    }
    Err(type_error(format!(
        "argument should be integer or bytes-like object, not '{}'",
        vm.type_name(v)
    )))
}

fn range_args(vm: &mut Vm, a: &Args, len: usize) -> PyResult<Option<(usize, usize)>> {
    let start = super::slice::opt_bound(vm, a.pos.get(2))?;
    let end = super::slice::opt_bound(vm, a.pos.get(3))?;
    let n = len as i64;
    let fix = |v: i64| if v < 0 { (v + n).max(0) } else { v.min(n) };
    let s = start.map(fix).unwrap_or(0);
    let e = end.map(fix).unwrap_or(n);
    if start.is_some_and(|x| x > n) || s > e {
        return Ok(None);
    }
    Ok(Some((s as usize, e as usize)))
}

fn find_impl(vm: &mut Vm, a: &Args, name: &str, rev: bool) -> PyResult<Option<usize>> {
    let (d, _) = this(vm, a, name)?;
    a.check(name, 2, 4)?;
    let n = needle(vm, &a.pos[1])?;
    let Some((s, e)) = range_args(vm, a, d.len())? else {
        return Ok(None);
    };
    let h = &d[s..e];
    Ok(if rev {
        rfind_sub(h, &n)
    } else {
        find_sub(h, &n, 0)
    }
    .map(|p| p + s))
}
fn find(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(
        find_impl(vm, a, "find", false)?
            .map(|p| p as i64)
            .unwrap_or(-1),
    ))
}
fn rfind(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(
        find_impl(vm, a, "rfind", true)?
            .map(|p| p as i64)
            .unwrap_or(-1),
    ))
}
fn index(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    find_impl(vm, a, "index", false)?
        .map(|p| Value::Int(p as i64))
        .ok_or_else(|| value_error("subsection not found"))
}
fn rindex(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    find_impl(vm, a, "rindex", true)?
        .map(|p| Value::Int(p as i64))
        .ok_or_else(|| value_error("subsection not found"))
}

fn count(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, _) = this(vm, a, "count")?;
    a.check("count", 2, 4)?;
    let n = needle(vm, &a.pos[1])?;
    let Some((s, e)) = range_args(vm, a, d.len())? else {
        return Ok(Value::Int(0));
    };
    let h = &d[s..e];
    if n.is_empty() {
        return Ok(Value::Int(h.len() as i64 + 1));
    }
    let mut c = 0;
    let mut i = 0;
    while let Some(p) = find_sub(h, &n, i) {
        c += 1;
        i = p + n.len();
    }
    Ok(Value::Int(c))
}

fn starts_ends(vm: &mut Vm, a: &Args, name: &str, ends: bool) -> PyResult<Value> {
    let (d, _) = this(vm, a, name)?;
    a.check(name, 2, 4)?;
    let prefix = &a.pos[1];
    let is_tuple = crate::vm::payload::builtin_view(prefix)
        .as_tuple()
        .is_some();
    if bytes_view(prefix).is_none() && !is_tuple {
        return Err(type_error(format!(
            "{name} first arg must be bytes or a tuple of bytes, not {}",
            vm.type_name(prefix)
        )));
    }
    let Some((s, e)) = range_args(vm, a, d.len())? else {
        return Ok(Value::Bool(false));
    };
    let h = &d[s..e];
    let test = |p: &[u8]| {
        if ends {
            h.ends_with(p)
        } else {
            h.starts_with(p)
        }
    };
    if let Some(p) = bytes_view(&a.pos[1]) {
        return Ok(Value::Bool(test(&p)));
    }
    if let Some(t) = crate::vm::payload::builtin_view(&a.pos[1]).as_tuple() {
        for x in t {
            let p = arg_bytes(vm, x)?;
            if test(&p) {
                return Ok(Value::Bool(true));
            }
        }
        return Ok(Value::Bool(false));
    }
    Err(type_error(format!(
        "{name} first arg must be bytes or a tuple of bytes, not {}",
        vm.type_name(&a.pos[1])
    )))
}
fn startswith(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    starts_ends(vm, a, "startswith", false)
}
fn endswith(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    starts_ends(vm, a, "endswith", true)
}

fn decode_m(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, _) = this(vm, a, "decode")?;
    a.only_kwargs("decode", &["encoding", "errors"])?;
    a.check_method_pos_tuple("decode", 1, 3)?;
    let text_arg = |i: usize, name: &str, default: &str| -> PyResult<String> {
        match a.arg(i, name) {
            None => Ok(default.to_string()),
            Some(v) => v.as_str().map(str::to_string).ok_or_else(|| {
                type_error(format!(
                    "decode() argument '{name}' must be str, not {}",
                    vm.type_name(v)
                ))
            }),
        }
    };
    let enc = text_arg(1, "encoding", "utf-8")?;
    let errs = text_arg(2, "errors", "strict")?;
    crate::modules::codecs::decode_text(vm, &d, &enc, &errs)
}

fn hex(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, _) = this(vm, a, "hex")?;
    hex_string(vm, &d, a.arg(1, "sep"), a.arg(2, "bytes_per_sep"))
}

/// `hex(sep, bytes_per_sep)` of bytes, bytearray and memoryview: a separator every
/// `|bytes_per_sep|` bytes, counted from the right when positive, from the left when not.
pub fn hex_string(
    vm: &mut Vm,
    d: &[u8],
    sep: Option<&Value>,
    per: Option<&Value>,
) -> PyResult<Value> {
    let sep = match sep {
        Some(v) => {
            let s: String = match v.as_str() {
                Some(s) => s.to_string(),
                None => match bytes_data(v) {
                    Some(b) => b.iter().map(|&c| c as char).collect(),
                    None => {
                        return Err(type_error(format!(
                            "sep must be str or bytes., not {}",
                            vm.type_name(v)
                        )))
                    }
                },
            };
            if s.chars().count() != 1 {
                return Err(value_error("sep must be length 1."));
            }
            if !s.is_ascii() {
                return Err(value_error("sep must be ASCII."));
            }
            Some(s)
        }
        None => None,
    };
    let per = match per {
        Some(v) => vm.index_value(v)?,
        None => 1,
    };
    let group = per.unsigned_abs() as usize;
    let mut out = String::with_capacity(d.len() * 3);
    for (i, b) in d.iter().enumerate() {
        if let (Some(s), true) = (&sep, i > 0 && group > 0) {
            // Positions that start a group, measured from the chosen end.
            let boundary = if per > 0 {
                (d.len() - i).is_multiple_of(group)
            } else {
                i.is_multiple_of(group)
            };
            if boundary {
                out.push_str(s);
            }
        }
        out.push_str(&format!("{b:02x}"));
    }
    Ok(Value::string(out))
}

fn fromhex_impl(vm: &mut Vm, a: &Args, ba: bool) -> PyResult<Value> {
    a.check_method(if ba { "bytearray" } else { "bytes" }, "fromhex", 2, 2)?;
    let s = a.pos[1].as_str().ok_or_else(|| {
        type_error(format!(
            "fromhex() argument must be str, not {}",
            vm.type_name(&a.pos[1])
        ))
    })?;
    let cs: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if cs[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let hi = cs[i].to_digit(16);
        let lo = cs.get(i + 1).and_then(|c| c.to_digit(16));
        match (hi, lo) {
            (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
            (None, _) => {
                return Err(value_error(format!(
                    "non-hexadecimal number found in fromhex() arg at position {i}"
                )))
            }
            (Some(_), None) => {
                return Err(value_error(format!(
                    "non-hexadecimal number found in fromhex() arg at position {}",
                    i + 1
                )))
            }
        }
        i += 2;
    }
    Ok(make(out, ba))
}
fn fromhex_bytes(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    fromhex_impl(vm, a, false)
}
fn fromhex_bytearray(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    fromhex_impl(vm, a, true)
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn split_impl(vm: &mut Vm, a: &Args, name: &str, rev: bool) -> PyResult<Value> {
    let (d, ba) = this(vm, a, name)?;
    a.only_kwargs(name, &["sep", "maxsplit"])?;
    let maxsplit = match a.arg(2, "maxsplit") {
        Some(v) => vm.ssize_value(v)?,
        None => -1,
    };
    let sep = match a.arg(1, "sep") {
        None | Some(Value::None) => None,
        Some(v) => {
            let s = arg_bytes(vm, v)?;
            if s.is_empty() {
                return Err(value_error("empty separator"));
            }
            Some(s)
        }
    };
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let limit = if maxsplit < 0 {
        usize::MAX
    } else {
        maxsplit as usize
    };
    match sep {
        None => {
            let mut words: Vec<(usize, usize)> = Vec::new();
            let mut i = 0;
            while i < d.len() {
                while i < d.len() && is_ws(d[i]) {
                    i += 1;
                }
                let st = i;
                while i < d.len() && !is_ws(d[i]) {
                    i += 1;
                }
                if st < i {
                    words.push((st, i));
                }
            }
            if words.len() > limit.saturating_add(1) {
                if rev {
                    let keep = words.len() - limit;
                    let first_end = words[keep - 1].1;
                    let lead = d.iter().position(|b| !is_ws(*b)).unwrap_or(0);
                    parts.push(d[lead..first_end].to_vec());
                    parts.extend(words[keep..].iter().map(|&(s, e)| d[s..e].to_vec()));
                } else {
                    parts.extend(words[..limit].iter().map(|&(s, e)| d[s..e].to_vec()));
                    let st = words[limit].0;
                    let end = d
                        .iter()
                        .rposition(|b| !is_ws(*b))
                        .map(|p| p + 1)
                        .unwrap_or(d.len());
                    parts.push(d[st..end].to_vec());
                }
            } else {
                parts.extend(words.iter().map(|&(s, e)| d[s..e].to_vec()));
            }
        }
        Some(sep) => {
            let mut cuts = Vec::new();
            let mut i = 0;
            while let Some(p) = find_sub(&d, &sep, i) {
                cuts.push(p);
                i = p + sep.len();
            }
            if cuts.len() > limit {
                if rev {
                    cuts.drain(..cuts.len() - limit);
                } else {
                    cuts.truncate(limit);
                }
            }
            let mut start = 0;
            for c in cuts {
                parts.push(d[start..c].to_vec());
                start = c + sep.len();
            }
            parts.push(d[start..].to_vec());
        }
    }
    Ok(Value::list(
        parts.into_iter().map(|p| make(p, ba)).collect(),
    ))
}
fn split(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    split_impl(vm, a, "split", false)
}
fn rsplit(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    split_impl(vm, a, "rsplit", true)
}

fn join(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (sep, ba) = this(vm, a, "join")?;
    a.check("join", 2, 2)?;
    let items = vm.collect(&a.pos[1])?;
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let Some(d) = bytes_view(it) else {
            return Err(type_error(format!(
                "sequence item {i}: expected a bytes-like object, {} found",
                vm.type_name(it)
            )));
        };
        if i > 0 {
            out.extend_from_slice(&sep);
        }
        out.extend_from_slice(&d);
    }
    Ok(make(out, ba))
}

fn strip_impl(vm: &mut Vm, a: &Args, name: &str, left: bool, right: bool) -> PyResult<Value> {
    let (d, ba) = this(vm, a, name)?;
    a.check(name, 1, 2)?;
    let chars = match a.pos.get(1) {
        None | Some(Value::None) => None,
        Some(v) => Some(arg_bytes(vm, v)?),
    };
    let keep = |b: &u8| match &chars {
        None => !is_ws(*b),
        Some(cs) => !cs.contains(b),
    };
    let s = if left {
        d.iter().position(keep).unwrap_or(d.len())
    } else {
        0
    };
    let e = if right {
        d.iter().rposition(keep).map(|p| p + 1).unwrap_or(s)
    } else {
        d.len()
    };
    Ok(make(d[s..e.max(s)].to_vec(), ba))
}
fn strip(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    strip_impl(vm, a, "strip", true, true)
}
fn lstrip(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    strip_impl(vm, a, "lstrip", true, false)
}
fn rstrip(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    strip_impl(vm, a, "rstrip", false, true)
}

fn replace(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "replace")?;
    a.check("replace", 3, 4)?;
    let old = arg_bytes(vm, &a.pos[1])?;
    let new = arg_bytes(vm, &a.pos[2])?;
    let count = match a.pos.get(3) {
        Some(c) => vm.ssize_value(c)?,
        None => -1,
    };
    let mut out = Vec::with_capacity(d.len());
    let mut n = 0i64;
    let mut i = 0;
    if old.is_empty() {
        for (k, b) in d.iter().enumerate() {
            if count < 0 || n < count {
                out.extend_from_slice(&new);
                n += 1;
            }
            out.push(*b);
            let _ = k;
        }
        if count < 0 || n < count {
            out.extend_from_slice(&new);
        }
        return Ok(make(out, ba));
    }
    while let Some(p) = find_sub(&d, &old, i) {
        if count >= 0 && n >= count {
            break;
        }
        out.extend_from_slice(&d[i..p]);
        out.extend_from_slice(&new);
        i = p + old.len();
        n += 1;
    }
    out.extend_from_slice(&d[i..]);
    Ok(make(out, ba))
}

fn partition_impl(vm: &mut Vm, a: &Args, name: &str, rev: bool) -> PyResult<Value> {
    let (d, ba) = this(vm, a, name)?;
    a.check(name, 2, 2)?;
    let sep = arg_bytes(vm, &a.pos[1])?;
    if sep.is_empty() {
        return Err(value_error("empty separator"));
    }
    let found = if rev {
        rfind_sub(&d, &sep)
    } else {
        find_sub(&d, &sep, 0)
    };
    Ok(Value::tuple(match found {
        Some(p) => vec![
            make(d[..p].to_vec(), ba),
            make(sep.clone(), ba),
            make(d[p + sep.len()..].to_vec(), ba),
        ],
        None if rev => vec![make(vec![], ba), make(vec![], ba), make(d.into_owned(), ba)],
        None => vec![make(d.into_owned(), ba), make(vec![], ba), make(vec![], ba)],
    }))
}
fn partition(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    partition_impl(vm, a, "partition", false)
}
fn rpartition(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    partition_impl(vm, a, "rpartition", true)
}

fn map_bytes(vm: &mut Vm, a: &Args, name: &str, f: fn(u8) -> u8) -> PyResult<Value> {
    let (d, ba) = this(vm, a, name)?;
    Ok(make(d.iter().copied().map(f).collect(), ba))
}
fn upper(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    map_bytes(vm, a, "upper", |b| b.to_ascii_uppercase())
}
fn lower(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    map_bytes(vm, a, "lower", |b| b.to_ascii_lowercase())
}
fn swapcase(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    map_bytes(vm, a, "swapcase", |b| {
        if b.is_ascii_uppercase() {
            b.to_ascii_lowercase()
        } else {
            b.to_ascii_uppercase()
        }
    })
}

fn title(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "title")?;
    let mut prev = false;
    let out = d
        .iter()
        .map(|b| {
            let r = if prev {
                b.to_ascii_lowercase()
            } else {
                b.to_ascii_uppercase()
            };
            prev = b.is_ascii_alphabetic();
            r
        })
        .collect();
    Ok(make(out, ba))
}

fn istitle(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, _) = this(vm, a, "istitle")?;
    let cases = d.iter().map(|b| {
        if b.is_ascii_uppercase() {
            Case::Upper
        } else if b.is_ascii_lowercase() {
            Case::Lower
        } else {
            Case::Uncased
        }
    });
    Ok(Value::Bool(is_titlecased(cases)))
}

fn expandtabs(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "expandtabs")?;
    a.only_kwargs("expandtabs", &["tabsize"])?;
    let size = match a.arg(1, "tabsize") {
        Some(v) => vm.c_int_value(v)?,
        None => 8,
    };
    let mut out = Vec::with_capacity(d.len());
    let kind = Tabs {
        tab: b'\t',
        line_ends: [b'\n', b'\r'],
        space: b' ',
        bytes: |_| 1,
    };
    expand_tabs(d.iter().copied(), size, &kind, &mut out)?;
    Ok(make(out, ba))
}

/// `translate(table, /, delete=b'')`: each byte mapped through the 256-byte `table` (None
/// keeps it), after dropping those in `delete`.
fn translate(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "translate")?;
    a.only_kwargs("translate", &["delete"])?;
    let table = match a.pos.get(1) {
        Some(Value::None) => None,
        Some(t) => {
            let t = arg_bytes(vm, t)?;
            if t.len() != 256 {
                return Err(crate::vm::errors::value_error(
                    "translation table must be 256 characters long",
                ));
            }
            Some(t)
        }
        None => {
            return Err(type_error(
                "translate() takes at least 1 positional argument (0 given)",
            ))
        }
    };
    let delete = match a.arg(2, "delete") {
        Some(v) => arg_bytes(vm, v)?,
        None => Vec::new(),
    };
    let out = d
        .iter()
        .copied()
        .filter(|b| !delete.contains(b))
        .map(|b| table.as_ref().map_or(b, |t| t[usize::from(b)]))
        .collect();
    Ok(make(out, ba))
}

/// `bytes.maketrans(frm, to)`: the table `translate` takes, mapping `frm` onto `to`.
fn maketrans(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check("maketrans", 2, 2)?;
    let (frm, to) = (arg_bytes(vm, &a.pos[0])?, arg_bytes(vm, &a.pos[1])?);
    if frm.len() != to.len() {
        return Err(crate::vm::errors::value_error(
            "maketrans arguments must have same length",
        ));
    }
    let mut table: Vec<u8> = (0..=255).collect();
    for (f, t) in frm.into_iter().zip(to) {
        table[usize::from(f)] = t;
    }
    Ok(Value::bytes(table))
}

fn capitalize(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "capitalize")?;
    let out = d
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if i == 0 {
                b.to_ascii_uppercase()
            } else {
                b.to_ascii_lowercase()
            }
        })
        .collect();
    Ok(make(out, ba))
}

fn zfill(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "zfill")?;
    a.check("zfill", 2, 2)?;
    let width = vm.ssize_value(&a.pos[1])?;
    if width <= d.len() as i64 {
        return Ok(make(d.into_owned(), ba));
    }
    let fill = width as usize - d.len();
    check_repeat(1, fill)?;
    let (sign, rest) = match d.first() {
        Some(b'+') | Some(b'-') => d.split_at(1),
        _ => d.split_at(0),
    };
    let mut out = sign.to_vec();
    out.extend(std::iter::repeat_n(b'0', fill));
    out.extend_from_slice(rest);
    Ok(make(out, ba))
}

fn splitlines(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "splitlines")?;
    a.only_kwargs("splitlines", &["keepends"])?;
    let keep = match a.arg(1, "keepends") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < d.len() {
        if d[i] == b'\n' || d[i] == b'\r' {
            let mut end = i + 1;
            if d[i] == b'\r' && d.get(i + 1) == Some(&b'\n') {
                end += 1;
            }
            out.push(make(d[start..if keep { end } else { i }].to_vec(), ba));
            start = end;
            i = end;
        } else {
            i += 1;
        }
    }
    if start < d.len() {
        out.push(make(d[start..].to_vec(), ba));
    }
    Ok(Value::list(out))
}

fn remove_affix(vm: &mut Vm, a: &Args, name: &str, prefix: bool) -> PyResult<Value> {
    let (d, ba) = this(vm, a, name)?;
    a.check(name, 2, 2)?;
    let p = arg_bytes(vm, &a.pos[1])?;
    let r = if prefix {
        d.strip_prefix(&p[..])
    } else {
        d.strip_suffix(&p[..])
    };
    Ok(make(r.unwrap_or(&d).to_vec(), ba))
}
fn removeprefix(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    remove_affix(vm, a, "removeprefix", true)
}
fn removesuffix(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    remove_affix(vm, a, "removesuffix", false)
}

fn pred(vm: &mut Vm, a: &Args, name: &str, f: fn(&u8) -> bool) -> PyResult<Value> {
    let (d, _) = this(vm, a, name)?;
    Ok(Value::Bool(!d.is_empty() && d.iter().all(f)))
}
fn isdigit(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pred(vm, a, "isdigit", u8::is_ascii_digit)
}
fn isalpha(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pred(vm, a, "isalpha", u8::is_ascii_alphabetic)
}
fn isalnum(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pred(vm, a, "isalnum", u8::is_ascii_alphanumeric)
}
fn isspace(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pred(vm, a, "isspace", |b| is_ws(*b))
}
fn islower(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, _) = this(vm, a, "islower")?;
    Ok(Value::Bool(
        d.iter().any(u8::is_ascii_lowercase) && !d.iter().any(u8::is_ascii_uppercase),
    ))
}
fn isupper(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, _) = this(vm, a, "isupper")?;
    Ok(Value::Bool(
        d.iter().any(u8::is_ascii_uppercase) && !d.iter().any(u8::is_ascii_lowercase),
    ))
}
fn isascii(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, _) = this(vm, a, "isascii")?;
    Ok(Value::Bool(d.is_ascii()))
}

fn pad(vm: &mut Vm, a: &Args, name: &str, kind: u8) -> PyResult<Value> {
    let (d, ba) = this(vm, a, name)?;
    a.check(name, 2, 3)?;
    let width = vm.ssize_value(&a.pos[1])?;
    let fill = match a.pos.get(2) {
        Some(v) => match bytes_view(v) {
            Some(f) if f.len() == 1 => f[0],
            _ => {
                return Err(type_error(format!(
                    "{name}() argument 2 must be a byte string of length 1, not {}",
                    vm.type_name(v)
                )))
            }
        },
        None => b' ',
    };
    let n = d.len() as i64;
    if width <= n {
        return Ok(make(d.into_owned(), ba));
    }
    let total = (width - n) as usize;
    check_repeat(1, total)?;
    let (l, r) = match kind {
        b'l' => (0, total),
        b'r' => (total, 0),
        _ => {
            let l = total / 2 + (total & (width as usize) & 1);
            (l, total - l)
        }
    };
    let mut out = vec![fill; l];
    out.extend_from_slice(&d);
    out.extend(std::iter::repeat_n(fill, r));
    Ok(make(out, ba))
}
fn center(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pad(vm, a, "center", b'c')
}
fn ljust(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pad(vm, a, "ljust", b'l')
}
fn rjust(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pad(vm, a, "rjust", b'r')
}

fn mod_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let (d, ba) = this(vm, a, "__mod__")?;
    a.check("__mod__", 2, 2)?;
    let fmt: String = d.iter().map(|&b| b as char).collect();
    // Bytes arguments format as their latin-1 text; others must provide __bytes__.
    let conv = |_vm: &mut Vm, v: &Value| -> PyResult<Value> {
        match bytes_data(v) {
            Some(b) => Ok(Value::string(b.iter().map(|&c| c as char).collect())),
            None => Ok(v.clone()),
        }
    };
    let args = match crate::vm::payload::builtin_view(&a.pos[1]).as_tuple() {
        Some(t) => {
            let mut out = Vec::with_capacity(t.len());
            for v in t {
                out.push(conv(vm, v)?);
            }
            Value::tuple(out)
        }
        None => conv(vm, &a.pos[1])?,
    };
    let items: Vec<Value> = match args.as_tuple() {
        Some(t) => t.to_vec(),
        None => vec![args.clone()],
    };
    // %s on a non-bytes object is an error for bytes formatting.
    let specs: Vec<char> = {
        let mut v = Vec::new();
        let c: Vec<char> = fmt.chars().collect();
        let mut i = 0;
        while i < c.len() {
            if c[i] == '%' {
                i += 1;
                while i < c.len() && "-+ #0123456789.*".contains(c[i]) {
                    i += 1;
                }
                if let Some(&ch) = c.get(i) {
                    if ch != '%' {
                        v.push(ch);
                    }
                }
            }
            i += 1;
        }
        v
    };
    for (k, ch) in specs.iter().enumerate() {
        if matches!(ch, 's' | 'b') {
            if let Some(v) = items.get(k) {
                if v.as_str().is_none() {
                    return Err(type_error(format!(
                        "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
                        vm.type_name(v)
                    )));
                }
            }
        }
    }
    let fmt = fmt.replace("%b", "%s");
    let s = super::str::str_mod(vm, &fmt, &args).map_err(in_bytes_words)?;
    Ok(make(s.chars().map(|c| c as u32 as u8).collect(), ba))
}

/// The str formatter's errors in the words CPython's bytes formatter uses.
fn in_bytes_words(e: crate::vm::errors::ExcRef) -> crate::vm::errors::ExcRef {
    const STR_WORDS: &str = "not all arguments converted during string formatting";
    let args = e.exc().args.borrow().clone();
    let about_str = args
        .as_tuple()
        .is_some_and(|t| t.len() == 1 && t[0].as_str() == Some(STR_WORDS));
    if e.is(crate::vm::types::ExcKind::TypeError) && about_str {
        return type_error("not all arguments converted during bytes formatting");
    }
    e
}

// ---- bytearray mutation ----

fn ba_this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a ByteArrayObj> {
    match a.pos.first() {
        Some(v) => {
            let cell = ba_cell(v)
                .ok_or_else(|| super::wrong_receiver(name, "bytearray", &vm.type_name(v)))?;
            super::bytes_arity::check(a, "bytearray", name)?;
            Ok(cell)
        }
        None => Err(super::receiver_missing(name, "bytearray")),
    }
}

fn ba_append(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "append")?;
    a.check("append", 2, 2)?;
    let b = byte_value(vm, &a.pos[1])?;
    c.check_resize(c.borrow().len() + 1)?;
    c.borrow_mut().push(b);
    Ok(Value::None)
}

fn iter_bytes(vm: &mut Vm, v: &Value) -> PyResult<Vec<u8>> {
    if let Some(d) = bytes_data(v) {
        return Ok(d);
    }
    if buffer_error(v).is_some() {
        // CPython replaces the buffer's own error here.
        return Err(type_error(format!(
            "can't set bytearray slice from {}",
            vm.type_name(v)
        )));
    }
    if v.as_str().is_some() {
        return Err(type_error("expected iterable of integers; got: 'str'"));
    }
    let items = vm.collect(v)?;
    let mut out = Vec::with_capacity(items.len());
    for it in &items {
        out.push(byte_value(vm, it)?);
    }
    Ok(out)
}

fn ba_extend(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "extend")?;
    a.check("extend", 2, 2)?;
    let d = iter_bytes(vm, &a.pos[1])?;
    c.check_resize(c.borrow().len() + d.len())?;
    c.borrow_mut().extend(d);
    Ok(Value::None)
}

fn ba_iadd(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "__iadd__")?;
    a.check("__iadd__", 2, 2)?;
    let Some(d) = bytes_data(&a.pos[1]) else {
        return Err(type_error(format!(
            "can't concat {} to bytearray",
            vm.type_name(&a.pos[1])
        )));
    };
    c.check_resize(c.borrow().len() + d.len())?;
    c.borrow_mut().extend(d);
    Ok(a.pos[0].clone())
}

fn ba_imul(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "__imul__")?;
    a.check("__imul__", 2, 2)?;
    let Some(n) = repeat_count(vm, &a.pos[1])? else {
        return Ok(not_impl(vm));
    };
    check_repeat(c.borrow().len(), n)?;
    c.check_resize(c.borrow().len() * n)?;
    let mut v = c.borrow_mut();
    *v = v.repeat(n);
    Ok(a.pos[0].clone())
}

fn ba_pop(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "pop")?;
    a.check("pop", 1, 2)?;
    let i = match a.pos.get(1) {
        Some(v) => vm.ssize_value(v)?,
        None => -1,
    };
    let mut v = c.borrow_mut();
    if v.is_empty() {
        return Err(index_error("pop from empty bytearray"));
    }
    if in_range(if i < 0 { i + v.len() as i64 } else { i }, v.len()).is_some() {
        drop(v);
        c.check_resize(c.borrow().len() - 1)?;
        v = c.borrow_mut();
    }
    let n = v.len() as i64;
    let j = if i < 0 { i + n } else { i };
    match in_range(j, v.len()) {
        Some(j) => Ok(Value::Int(v.remove(j) as i64)),
        None => Err(index_error("pop index out of range")),
    }
}

fn ba_insert(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "insert")?;
    a.check("insert", 3, 3)?;
    let i = vm.ssize_value(&a.pos[1])?;
    let b = byte_value(vm, &a.pos[2])?;
    c.check_resize(c.borrow().len() + 1)?;
    let mut v = c.borrow_mut();
    let n = v.len() as i64;
    let p = if i < 0 { (i + n).max(0) } else { i.min(n) };
    v.insert(p as usize, b);
    Ok(Value::None)
}

fn ba_remove(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "remove")?;
    a.check("remove", 2, 2)?;
    let b = byte_value(vm, &a.pos[1])?;
    let found = c.borrow().iter().position(|x| *x == b);
    match found {
        Some(p) => {
            c.check_resize(c.borrow().len() - 1)?;
            c.borrow_mut().remove(p);
            Ok(Value::None)
        }
        None => Err(value_error("value not found in bytearray")),
    }
}

fn ba_clear(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "clear")?;
    a.check_method("bytearray", "clear", 1, 1)?;
    c.check_resize(0)?;
    c.borrow_mut().clear();
    Ok(Value::None)
}
fn ba_reverse(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "reverse")?;
    a.check_method("bytearray", "reverse", 1, 1)?;
    c.borrow_mut().reverse();
    Ok(Value::None)
}
fn ba_copy(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "copy")?;
    a.check_method("bytearray", "copy", 1, 1)?;
    let d = c.borrow().clone();
    Ok(make(d, true))
}

fn ba_setitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "__setitem__")?;
    a.check("__setitem__", 3, 3)?;
    let n = c.borrow().len();
    match seq_index(vm, &a.pos[1], n, "bytearray")? {
        Index::At(i) => {
            let b = byte_value(vm, &a.pos[2])?;
            let mut v = c.borrow_mut();
            match in_range(i, v.len()) {
                Some(i) => {
                    v[i] = b;
                    Ok(Value::None)
                }
                None => Err(index_error("bytearray index out of range")),
            }
        }
        Index::Slice(sl) => {
            if as_int(&a.pos[2]).is_some() {
                return Err(type_error(
                    "can assign only bytes, buffers, or iterables of ints in range(0, 256)",
                ));
            }
            let d = iter_bytes(vm, &a.pos[2])?;
            if sl.step == 1 {
                c.check_resize(c.borrow().len() - sl.len.min(c.borrow().len()) + d.len())?;
            }
            let mut v = c.borrow_mut();
            if sl.step == 1 {
                let s = (sl.start.max(0) as usize).min(v.len());
                let e = (s + sl.len).min(v.len());
                v.splice(s..e, d);
                return Ok(Value::None);
            }
            if d.len() != sl.len {
                return Err(value_error(format!(
                    "attempt to assign bytes of size {} to extended slice of size {}",
                    d.len(),
                    sl.len
                )));
            }
            for (p, b) in sl.positions().zip(d) {
                if p < v.len() {
                    v[p] = b;
                }
            }
            Ok(Value::None)
        }
    }
}

fn ba_delitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let c = ba_this(vm, a, "__delitem__")?;
    a.check("__delitem__", 2, 2)?;
    let n = c.borrow().len();
    match seq_index(vm, &a.pos[1], n, "bytearray")? {
        Index::At(i) => {
            if in_range(i, n).is_some() {
                c.check_resize(n - 1)?;
            }
            let mut v = c.borrow_mut();
            match in_range(i, v.len()) {
                Some(i) => {
                    v.remove(i);
                    Ok(Value::None)
                }
                None => Err(index_error("bytearray index out of range")),
            }
        }
        Index::Slice(sl) => {
            c.check_resize(n - sl.len.min(n))?;
            super::list::delete_slice(&mut c.borrow_mut(), &sl);
            Ok(Value::None)
        }
    }
}

pub fn register(vm: &mut Vm) {
    let common: &[(&'static str, crate::obj::function::NativeFn)] = &[
        ("__repr__", repr),
        ("__len__", len),
        ("__getitem__", getitem),
        ("__contains__", contains),
        ("__iter__", iter),
        ("__add__", add),
        ("__mul__", mul),
        ("__rmul__", mul),
        ("__mod__", mod_),
        ("__eq__", eq),
        ("__ne__", ne),
        ("__lt__", lt),
        ("__le__", le),
        ("__gt__", gt),
        ("__ge__", ge),
        ("decode", decode_m),
        ("hex", hex),
        ("find", find),
        ("rfind", rfind),
        ("index", index),
        ("rindex", rindex),
        ("count", count),
        ("startswith", startswith),
        ("endswith", endswith),
        ("split", split),
        ("rsplit", rsplit),
        ("join", join),
        ("strip", strip),
        ("lstrip", lstrip),
        ("rstrip", rstrip),
        ("replace", replace),
        ("partition", partition),
        ("rpartition", rpartition),
        ("upper", upper),
        ("lower", lower),
        ("swapcase", swapcase),
        ("title", title),
        ("capitalize", capitalize),
        ("zfill", zfill),
        ("splitlines", splitlines),
        ("removeprefix", removeprefix),
        ("removesuffix", removesuffix),
        ("isdigit", isdigit),
        ("isalpha", isalpha),
        ("isalnum", isalnum),
        ("isspace", isspace),
        ("islower", islower),
        ("isupper", isupper),
        ("isascii", isascii),
        ("istitle", istitle),
        ("expandtabs", expandtabs),
        ("translate", translate),
        ("center", center),
        ("ljust", ljust),
        ("rjust", rjust),
    ];
    let b = vm.t.bytes.clone();
    vm.add_methods(&b, "bytes", common);
    vm.add_methods(&b, "bytes", &[("__new__", bytes_new), ("__hash__", hash)]);
    let fh = Value::obj(Obj::class_method(crate::vm::native::native(
        "bytes",
        "fromhex",
        fromhex_bytes,
    )));
    vm.add_class_attr(&b, "fromhex", fh);
    for (owner, class) in [("bytes", &b), ("bytearray", &vm.t.bytearray.clone())] {
        let mt = Value::obj(Obj::static_method(crate::vm::native::native(
            owner,
            "maketrans",
            maketrans,
        )));
        vm.add_class_attr(class, "maketrans", mt);
    }
    let ba = vm.t.bytearray.clone();
    vm.add_methods(&ba, "bytearray", common);
    vm.add_methods(
        &ba,
        "bytearray",
        &[
            ("__new__", bytearray_new),
            ("__init__", bytearray_init),
            ("__setitem__", ba_setitem),
            ("__delitem__", ba_delitem),
            ("__iadd__", ba_iadd),
            ("__imul__", ba_imul),
            ("append", ba_append),
            ("extend", ba_extend),
            ("pop", ba_pop),
            ("insert", ba_insert),
            ("remove", ba_remove),
            ("clear", ba_clear),
            ("reverse", ba_reverse),
            ("copy", ba_copy),
        ],
    );
    vm.add_class_attr(&ba, "__hash__", Value::None);
    let fh = Value::obj(Obj::class_method(crate::vm::native::native(
        "bytearray",
        "fromhex",
        fromhex_bytearray,
    )));
    vm.add_class_attr(&ba, "fromhex", fh);
}

#[cfg(test)]
mod tests {
    use crate::obj::number::testutil::{cm, i, s, show};
    use crate::vm::value::Value;
    use crate::vm::Vm;

    fn b(x: &[u8]) -> Value {
        Value::bytes(x.to_vec())
    }

    #[test]
    fn bytes_methods() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let bt = Value::Obj(vm.t.bytes.clone());
        let bat = Value::Obj(vm.t.bytearray.clone());
        let call = |vm: &mut Vm, t: &Value, args: &[Value]| {
            let r = vm.call(t, args);
            show(vm, r)
        };
        assert_eq!(
            call(vm, &bt, &[Value::list(vec![i(256)])]),
            "!ValueError: bytes must be in range(0, 256)"
        );
        assert_eq!(
            call(vm, &bat, &[Value::list(vec![i(256)])]),
            "!ValueError: byte must be in range(0, 256)"
        );
        assert_eq!(
            call(vm, &bt, &[s("a")]),
            "!TypeError: string argument without an encoding"
        );
        assert_eq!(call(vm, &bt, &[i(-1)]), "!ValueError: negative count");
        assert_eq!(
            call(vm, &bt, &[Value::Float(1.5)]),
            "!TypeError: cannot convert 'float' object to bytes"
        );
        assert_eq!(call(vm, &bt, &[i(3)]), "b'\\x00\\x00\\x00'");
        assert_eq!(call(vm, &bt, &[s("é"), s("utf-8")]), "b'\\xc3\\xa9'");
        assert_eq!(call(vm, &bat, &[b(b"a\x00")]), "bytearray(b'a\\x00')");
        assert_eq!(
            cm(vm, &b(b"ab"), "__getitem__", &[i(5)]),
            "!IndexError: index out of range"
        );
        assert_eq!(cm(vm, &b(b"ab"), "__getitem__", &[i(0)]), "97");
        assert_eq!(
            cm(vm, &b(b"a"), "__add__", &[s("b")]),
            "!TypeError: can't concat str to bytes"
        );
        assert_eq!(cm(vm, &b(b"abc"), "hex", &[s(":")]), "'61:62:63'");
        assert_eq!(
            cm(vm, &bt, "fromhex", &[s("zz")]),
            "!ValueError: non-hexadecimal number found in fromhex() arg at position 0"
        );
        assert_eq!(cm(vm, &bt, "fromhex", &[s("61 62")]), "b'ab'");
        assert_eq!(
            cm(vm, &b(b"abc"), "index", &[b(b"z")]),
            "!ValueError: subsection not found"
        );
        assert_eq!(
            cm(
                vm,
                &b(b"a%sb%d"),
                "__mod__",
                &[Value::tuple(vec![b(b"x"), i(3)])]
            ),
            "b'axb3'"
        );
        assert_eq!(
            cm(vm, &b(b"%s"), "__mod__", &[i(1)]),
            "!TypeError: %b requires a bytes-like object, or an object that implements __bytes__, not 'int'"
        );
        assert_eq!(cm(vm, &b(b" a b "), "split", &[]), "[b'a', b'b']");
        assert_eq!(
            cm(vm, &b(b"a,b,c"), "rsplit", &[b(b","), i(1)]),
            "[b'a,b', b'c']"
        );
        assert_eq!(
            cm(vm, &b(b"-"), "join", &[Value::list(vec![b(b"a"), b(b"b")])]),
            "b'a-b'"
        );
        assert_eq!(
            cm(vm, &b(b"-"), "join", &[Value::list(vec![s("a")])]),
            "!TypeError: sequence item 0: expected a bytes-like object, str found"
        );
        assert_eq!(cm(vm, &b(b"\x01"), "__contains__", &[i(1)]), "True");
        assert_eq!(
            cm(vm, &b(b"a"), "__contains__", &[i(300)]),
            "!ValueError: byte must be in range(0, 256)"
        );
        assert_eq!(cm(vm, &b(b"abc"), "decode", &[]), "'abc'");
        assert_eq!(cm(vm, &b(b"  ab "), "strip", &[]), "b'ab'");
        assert_eq!(
            cm(vm, &b(b"aXbX"), "replace", &[b(b"X"), b(b"yy")]),
            "b'ayybyy'"
        );
        assert_eq!(cm(vm, &b(b"abc"), "upper", &[]), "b'ABC'");
        let h1 = vm.hash(&b(b"a")).unwrap_or(0);
        let h2 = vm.hash(&s("a")).unwrap_or(1);
        assert_eq!(h1, h2);
        let ba = call(vm, &bat, &[b(b"abc")]);
        assert_eq!(ba, "bytearray(b'abc')");
        let ba = vm.call(&bat, &[b(b"abc")]).expect("bytearray");
        assert_eq!(
            cm(vm, &ba, "__setitem__", &[i(0), i(300)]),
            "!ValueError: byte must be in range(0, 256)"
        );
        cm(vm, &ba, "append", &[i(100)]);
        cm(vm, &ba, "extend", &[b(b"ef")]);
        assert_eq!(cm(vm, &ba, "pop", &[]), "102");
        cm(vm, &ba, "insert", &[i(0), i(65)]);
        cm(vm, &ba, "remove", &[i(98)]);
        assert_eq!(show(vm, Ok(ba.clone())), "bytearray(b'Aacde')");
        assert_eq!(cm(vm, &ba, "remove", &[i(99)]), "None");
        assert_eq!(
            cm(vm, &ba, "remove", &[i(99)]),
            "!ValueError: value not found in bytearray"
        );
        assert_eq!(
            cm(vm, &ba, "pop", &[i(9)]),
            "!IndexError: pop index out of range"
        );
        cm(vm, &ba, "__iadd__", &[b(b"!")]);
        assert_eq!(show(vm, Ok(ba.clone())), "bytearray(b'Aade!')");
        let e = vm.call(&bat, &[]).expect("bytearray");
        assert_eq!(
            cm(vm, &e, "pop", &[]),
            "!IndexError: pop from empty bytearray"
        );
        let r = vm.hash(&ba);
        assert_eq!(
            show(vm, r.map(Value::Int)),
            "!TypeError: unhashable type: 'bytearray'"
        );
    }
}
