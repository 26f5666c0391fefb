//! Methods of `memoryview` (1-D views of bytes and bytearray; see `crate::obj::memoryview`).

use super::bytes::{bytes_data, hex_string};
use super::slice::{in_range, seq_index, Index};
use crate::obj::function::Args;
use crate::obj::iter::IterState;
use crate::obj::memoryview::{Format, MemoryViewObj};
use crate::obj::number::{as_int, IntRef};
use crate::obj::Obj;
use crate::vm::errors::{exc, not_implemented, type_error, value_error, PyResult};
use crate::vm::payload::builtin_view;
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use crate::vm::Vm;
use num_traits::ToPrimitive;
use std::cell::RefCell;

fn released_error() -> crate::vm::errors::ExcRef {
    value_error("operation forbidden on released memoryview object")
}

/// The memoryview a value is, if it is one (released or not).
pub fn as_memoryview(v: &Value) -> Option<&MemoryViewObj> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::MemoryView(m) => Some(m),
            _ => None,
        },
        _ => None,
    }
}

/// The receiver, refused once released (CPython's CHECK_RELEASED).
fn this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a MemoryViewObj> {
    let m = this_any(vm, a, name)?;
    if m.released() {
        return Err(released_error());
    }
    Ok(m)
}

/// The receiver, released or not.
fn this_any<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a MemoryViewObj> {
    match a.pos.first() {
        Some(v) => as_memoryview(v).ok_or_else(|| {
            type_error(format!(
                "descriptor '{name}' for 'memoryview' objects doesn't apply to a '{}' object",
                vm.type_name(v)
            ))
        }),
        None => Err(type_error(format!("descriptor '{name}' needs an argument"))),
    }
}

/// `memoryview(obj)`: a new view of a bytes, bytearray or memoryview.
pub fn view_of(vm: &Vm, src: &Value) -> PyResult<Value> {
    if let Some(m) = as_memoryview(src) {
        if m.released() {
            return Err(released_error());
        }
        return Ok(Value::obj(Obj::MemoryView(Box::new(MemoryViewObj::new(
            m.source.clone(),
            m.start,
            m.len,
            m.stride,
            m.format,
            m.readonly,
        )))));
    }
    let readonly = match builtin_view(src).as_obj().map(|o| &**o) {
        Some(Obj::Bytes(_)) => true,
        Some(Obj::ByteArray(_)) => false,
        _ => {
            return Err(type_error(format!(
                "memoryview: a bytes-like object is required, not '{}'",
                vm.type_name(src)
            )))
        }
    };
    let len = bytes_data(src).map(|d| d.len()).unwrap_or(0);
    Ok(Value::obj(Obj::MemoryView(Box::new(MemoryViewObj::new(
        src.clone(),
        0,
        len,
        1,
        Format::BYTE,
        readonly,
    )))))
}

fn mv_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let args = a.pos.get(1..).unwrap_or(&[]);
    if args.len() + a.kwnames.len() > 1 {
        return Err(type_error(format!(
            "memoryview() takes at most 1 argument ({} given)",
            args.len() + a.kwnames.len()
        )));
    }
    // Argument Clinic reports a missing argument before an unknown keyword.
    match args.first().or_else(|| a.kw("object")) {
        Some(src) => {
            a.only_kwargs("memoryview", &["object"])?;
            view_of(vm, src)
        }
        None => Err(type_error(
            "memoryview() missing required argument 'object' (pos 1)",
        )),
    }
}

/// Item `i`'s value, unpacked by the view's format (little-endian native sizes).
fn unpack(m: &MemoryViewObj, i: usize) -> Value {
    let b = m.item_bytes(i);
    let mut w = [0u8; 8];
    if let Some(d) = w.get_mut(..b.len()) {
        d.copy_from_slice(&b);
    }
    let u = u64::from_le_bytes(w);
    match m.format.code {
        'c' => Value::bytes(b),
        'b' => Value::Int(u as u8 as i8 as i64),
        'h' => Value::Int(u as u16 as i16 as i64),
        'i' => Value::Int(u as u32 as i32 as i64),
        'l' | 'q' => Value::Int(u as i64),
        'f' => Value::Float(f32::from_bits(u as u32) as f64),
        'd' => Value::Float(f64::from_bits(u)),
        _ => Value::from_i128(u as i128),
    }
}

/// The bytes of `v` as one item of `fmt`, with CPython's struct-style errors.
fn pack(vm: &mut Vm, fmt: Format, v: &Value) -> PyResult<Vec<u8>> {
    let code = fmt.code;
    let bad_type = || type_error(format!("memoryview: invalid type for format '{code}'"));
    let bad_value = || value_error(format!("memoryview: invalid value for format '{code}'"));
    if code == 'c' {
        return match v.as_obj().map(|o| &**o) {
            Some(Obj::Bytes(b)) if b.len() == 1 => Ok(b.to_vec()),
            Some(Obj::Bytes(_)) => Err(bad_value()),
            _ => Err(bad_type()),
        };
    }
    if matches!(code, 'f' | 'd') {
        let x = match v {
            Value::Float(x) => *x,
            _ => match as_int(v) {
                Some(IntRef::Small(i)) => i as f64,
                // An int too big for a double is CPython's "invalid value".
                Some(IntRef::Big(b)) => {
                    b.to_f64().filter(|x| x.is_finite()).ok_or_else(bad_value)?
                }
                None => return Err(bad_type()),
            },
        };
        return Ok(if code == 'f' {
            (x as f32).to_le_bytes().to_vec()
        } else {
            x.to_le_bytes().to_vec()
        });
    }
    let n: i128 = match as_int(v) {
        Some(IntRef::Small(i)) => i as i128,
        Some(IntRef::Big(b)) => b.to_i128().ok_or_else(bad_value)?,
        None if matches!(v, Value::Obj(_)) && vm.lookup_special(v, "__index__").is_some() => {
            vm.index_value(v)? as i128
        }
        None => return Err(bad_type()),
    };
    let bits = fmt.size as u32 * 8;
    let (lo, hi) = if code.is_ascii_lowercase() {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    if n < lo || n > hi {
        return Err(bad_value());
    }
    Ok((n as u64).to_le_bytes()[..fmt.size].to_vec())
}

fn is_index(vm: &mut Vm, key: &Value) -> bool {
    match key {
        Value::Int(_) | Value::Bool(_) => true,
        Value::Obj(o) => {
            matches!(&**o, Obj::BigInt(_)) || vm.lookup_special(key, "__index__").is_some()
        }
        _ => false,
    }
}

/// An int-like subscript or a slice, or a tuple of them as CPython takes it for a 1-D
/// view; anything else is CPython's "invalid slice key".
fn key_index(vm: &mut Vm, key: &Value, len: usize) -> PyResult<Index> {
    let is_slice = |k: &Value| matches!(k, Value::Obj(o) if matches!(&**o, Obj::Slice(_)));
    if let Some(Obj::Tuple(items)) = key.as_obj().map(|o| &**o) {
        if items.iter().all(|k| is_index(vm, k)) {
            return match &items[..] {
                [] => Err(not_implemented("sub-views are not implemented")),
                [k] => key_index(vm, k, len),
                _ => Err(type_error(format!(
                    "cannot index 1-dimension view with {}-element tuple",
                    items.len()
                ))),
            };
        }
        if items.iter().all(is_slice) {
            return Err(not_implemented(
                "multi-dimensional slicing is not implemented",
            ));
        }
    }
    if !is_slice(key) && !is_index(vm, key) {
        return Err(type_error("memoryview: invalid slice key"));
    }
    seq_index(vm, key, len, "memoryview")
}

fn out_of_bounds() -> crate::vm::errors::ExcRef {
    exc(ExcKind::IndexError, "index out of bounds on dimension 1")
}

fn getitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check("__getitem__", 2, 2)?;
    let m = this(vm, a, "__getitem__")?;
    match key_index(vm, &a.pos[1], m.len)? {
        Index::At(i) => match in_range(i, m.len) {
            Some(i) => Ok(unpack(m, i)),
            None => Err(out_of_bounds()),
        },
        Index::Slice(sl) => {
            let start = if sl.len == 0 {
                m.start
            } else {
                m.offset(sl.start.max(0) as usize)
            };
            Ok(Value::obj(Obj::MemoryView(Box::new(MemoryViewObj::new(
                m.source.clone(),
                start,
                sl.len,
                m.stride * sl.step as isize,
                m.format,
                m.readonly,
            )))))
        }
    }
}

fn setitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check("__setitem__", 3, 3)?;
    let m = this(vm, a, "__setitem__")?;
    if m.readonly {
        return Err(type_error("cannot modify read-only memory"));
    }
    let value = &a.pos[2];
    match key_index(vm, &a.pos[1], m.len)? {
        Index::At(i) => {
            let b = pack(vm, m.format, value)?;
            match in_range(i, m.len) {
                Some(i) => {
                    m.write_item(i, &b);
                    Ok(Value::None)
                }
                None => Err(out_of_bounds()),
            }
        }
        Index::Slice(sl) => {
            // The rvalue must export a buffer of the same format and length.
            let (src, src_fmt, src_len) = match as_memoryview(value) {
                Some(r) if r.released() => return Err(released_error()),
                Some(r) => (r.to_bytes(), r.format, r.len),
                None => match bytes_data(value) {
                    Some(d) => {
                        let n = d.len();
                        (d, Format::BYTE, n)
                    }
                    None => {
                        return Err(type_error(format!(
                            "a bytes-like object is required, not '{}'",
                            vm.type_name(value)
                        )))
                    }
                },
            };
            if src_fmt.code != m.format.code || src_len != sl.len {
                return Err(value_error(
                    "memoryview assignment: lvalue and rvalue have different structures",
                ));
            }
            let size = m.format.size;
            for (k, p) in sl.positions().enumerate() {
                if let Some(b) = src.get(k * size..(k + 1) * size) {
                    m.write_item(p, b);
                }
            }
            Ok(Value::None)
        }
    }
}

fn delitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let m = this(vm, a, "__delitem__")?;
    if m.readonly {
        return Err(type_error("cannot modify read-only memory"));
    }
    Err(type_error("cannot delete memory"))
}

fn len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "__len__")?.len as i64))
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let m = this_any(vm, a, "__repr__")?;
    let addr = a.pos[0].as_obj().map(|o| o.addr()).unwrap_or(0);
    let pre = if m.released() { "released " } else { "" };
    Ok(Value::string(format!("<{pre}memory at {addr:#x}>")))
}

fn tobytes(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.only_kwargs("tobytes", &["order"])?;
    a.check_pos("tobytes", 1, 2)?;
    let m = this(vm, a, "tobytes")?;
    if let Some(o) = a.arg(1, "order") {
        match o.as_str() {
            Some("C" | "F" | "A") => {}
            _ if o.is_none() => {}
            _ => return Err(value_error("order must be 'C', 'F' or 'A'")),
        }
    }
    Ok(Value::bytes(m.to_bytes()))
}

fn tolist(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check("tolist", 1, 1)?;
    let m = this(vm, a, "tolist")?;
    Ok(Value::list((0..m.len).map(|i| unpack(m, i)).collect()))
}

fn hex(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.only_kwargs("hex", &["sep", "bytes_per_sep"])?;
    a.check_pos("hex", 1, 3)?;
    let m = this(vm, a, "hex")?;
    let data = m.to_bytes();
    hex_string(vm, &data, a.arg(1, "sep"), a.arg(2, "bytes_per_sep"))
}

fn toreadonly(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check("toreadonly", 1, 1)?;
    let m = this(vm, a, "toreadonly")?;
    Ok(Value::obj(Obj::MemoryView(Box::new(MemoryViewObj::new(
        m.source.clone(),
        m.start,
        m.len,
        m.stride,
        m.format,
        true,
    )))))
}

fn release(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check("release", 1, 1)?;
    this_any(vm, a, "release")?.release();
    Ok(Value::None)
}

fn enter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__enter__")?;
    Ok(a.pos[0].clone())
}

fn exit(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this_any(vm, a, "__exit__")?.release();
    Ok(Value::None)
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__iter__")?;
    Ok(Value::obj(Obj::Iter(RefCell::new(IterState::Seq {
        seq: a.pos[0].clone(),
        index: 0,
    }))))
}

/// The items of a memoryview, bytes or bytearray for `==`; None for other types.
fn items_of(v: &Value) -> Option<Vec<Value>> {
    if let Some(m) = as_memoryview(v) {
        return Some((0..m.len).map(|i| unpack(m, i)).collect());
    }
    bytes_data(v).map(|d| d.into_iter().map(|b| Value::Int(b as i64)).collect())
}

fn item_eq(x: &Value, y: &Value) -> bool {
    match (x, y) {
        (Value::Int(p), Value::Int(q)) => p == q,
        (Value::Float(p), Value::Float(q)) => p == q,
        (Value::Float(p), Value::Int(q)) | (Value::Int(q), Value::Float(p)) => *p == *q as f64,
        _ => match (x.as_obj().map(|o| &**o), y.as_obj().map(|o| &**o)) {
            (Some(Obj::Bytes(p)), Some(Obj::Bytes(q))) => p == q,
            (Some(Obj::BigInt(p)), Some(Obj::BigInt(q))) => p == q,
            _ => false,
        },
    }
}

fn eq_impl(vm: &mut Vm, a: &Args, neg: bool) -> PyResult<Value> {
    a.check("__eq__", 2, 2)?;
    let m = this_any(vm, a, "__eq__")?;
    let other = &a.pos[1];
    let equal = if a.pos[0].is(other) {
        true
    } else if m.released() || as_memoryview(other).is_some_and(|o| o.released()) {
        false
    } else {
        match items_of(other) {
            None => return Ok(super::int::not_impl(vm)),
            Some(theirs) => {
                let mine = items_of(&a.pos[0]).unwrap_or_default();
                mine.len() == theirs.len() && mine.iter().zip(&theirs).all(|(x, y)| item_eq(x, y))
            }
        }
    };
    Ok(Value::Bool(equal != neg))
}

fn eq(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    eq_impl(vm, a, false)
}
fn ne(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    eq_impl(vm, a, true)
}

fn hash(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let m = this(vm, a, "__hash__")?;
    if !m.readonly {
        return Err(value_error("cannot hash writable memoryview object"));
    }
    if !matches!(m.format.code, 'B' | 'b' | 'c') {
        return Err(value_error(
            "memoryview: hashing is restricted to formats 'B', 'b' or 'c'",
        ));
    }
    // CPython hashes the exporter first, keeping its error (a bytearray is unhashable).
    vm.hash(&m.source)?;
    let h = vm.hash(&Value::bytes(m.to_bytes()))?;
    Ok(Value::Int(h))
}

/// `cast(format, shape=None)`, checked in CPython's order: contiguity, the shape's type,
/// the format, then the shape's items. Only 1-D results exist in aio.
fn cast(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.check_pos("cast", 1, 3)?;
    let m = this(vm, a, "cast")?;
    let Some(fv) = a.arg(1, "format") else {
        return Err(type_error(
            "cast() missing required argument 'format' (pos 1)",
        ));
    };
    // Argument Clinic reports a missing argument before an unknown keyword.
    a.only_kwargs("cast", &["format", "shape"])?;
    let Some(fs) = fv.as_str() else {
        return Err(type_error(format!(
            "cast() argument 'format' must be str, not {}",
            vm.type_name(fv)
        )));
    };
    if !m.contiguous() {
        return Err(type_error(
            "memoryview: casts are restricted to C-contiguous views",
        ));
    }
    let shape = match a.arg(2, "shape") {
        None => None,
        Some(v) => match v.as_obj().map(|o| &**o) {
            Some(Obj::List(l)) => Some(l.borrow().clone()),
            Some(Obj::Tuple(t)) => Some(t.to_vec()),
            _ => return Err(type_error("shape must be a list or a tuple")),
        },
    };
    let code = fs.strip_prefix('@').unwrap_or(fs);
    let mut chars = code.chars();
    let fmt = match (chars.next(), chars.next()) {
        (Some(c), None) => match Format::from_code(c) {
            Some(f) => Format {
                at: code.len() < fs.len(),
                ..f
            },
            None if "?eNnP".contains(c) => {
                return Err(not_implemented(format!(
                    "aio's memoryview.cast() does not support format '{c}'"
                )))
            }
            None => return Err(bad_cast_format()),
        },
        _ => return Err(bad_cast_format()),
    };
    let byte_fmt = |f: Format| matches!(f.code, 'B' | 'b' | 'c');
    if !byte_fmt(m.format) && !byte_fmt(fmt) {
        return Err(type_error(
            "memoryview: cannot cast between two non-byte formats",
        ));
    }
    let nbytes = m.nbytes();
    if !nbytes.is_multiple_of(fmt.size) {
        return Err(type_error(
            "memoryview: length is not a multiple of itemsize",
        ));
    }
    if let Some(dims) = shape {
        let mut product: u128 = 1;
        for d in &dims {
            match as_int(d) {
                Some(IntRef::Small(n)) if n > 0 => product = product.saturating_mul(n as u128),
                Some(_) => {
                    return Err(value_error(
                        "memoryview.cast(): elements of shape must be integers > 0",
                    ))
                }
                None => {
                    return Err(type_error(
                        "memoryview.cast(): elements of shape must be integers",
                    ))
                }
            }
        }
        if product.saturating_mul(fmt.size as u128) != nbytes as u128 {
            return Err(type_error(
                "memoryview: product(shape) * itemsize != buffer size",
            ));
        }
        if dims.len() != 1 {
            return Err(not_implemented(format!(
                "aio's memoryview.cast() does not support {}-dimensional shapes",
                dims.len()
            )));
        }
    }
    Ok(Value::obj(Obj::MemoryView(Box::new(MemoryViewObj::new(
        m.source.clone(),
        m.start,
        nbytes / fmt.size,
        fmt.size as isize,
        fmt,
        m.readonly,
    )))))
}

fn bad_cast_format() -> crate::vm::errors::ExcRef {
    value_error(
        "memoryview: destination format must be a native single character format prefixed with an optional '@'",
    )
}

fn get_obj(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(this(vm, a, "obj")?.source.clone())
}
fn get_nbytes(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "nbytes")?.nbytes() as i64))
}
fn get_readonly(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Bool(this(vm, a, "readonly")?.readonly))
}
fn get_itemsize(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "itemsize")?.format.size as i64))
}
fn get_format(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let f = this(vm, a, "format")?.format;
    let at = if f.at { "@" } else { "" };
    Ok(Value::string(format!("{at}{}", f.code)))
}
fn get_ndim(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "ndim")?;
    Ok(Value::Int(1))
}
fn get_shape(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let m = this(vm, a, "shape")?;
    Ok(Value::tuple(vec![Value::Int(m.len as i64)]))
}
fn get_strides(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let m = this(vm, a, "strides")?;
    Ok(Value::tuple(vec![Value::Int(m.stride as i64)]))
}
fn get_suboffsets(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "suboffsets")?;
    Ok(Value::tuple(vec![]))
}
fn get_contiguous(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Bool(this(vm, a, "contiguous")?.contiguous()))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.memoryview.clone();
    vm.add_methods(
        &t,
        "memoryview",
        &[
            ("__new__", mv_new),
            ("__repr__", repr),
            ("__len__", len),
            ("__getitem__", getitem),
            ("__setitem__", setitem),
            ("__delitem__", delitem),
            ("__iter__", iter),
            ("__eq__", eq),
            ("__ne__", ne),
            ("__hash__", hash),
            ("__enter__", enter),
            ("__exit__", exit),
            ("tobytes", tobytes),
            ("tolist", tolist),
            ("hex", hex),
            ("toreadonly", toreadonly),
            ("release", release),
            ("cast", cast),
        ],
    );
    for (name, f) in [
        ("obj", get_obj as crate::obj::function::NativeFn),
        ("nbytes", get_nbytes),
        ("readonly", get_readonly),
        ("itemsize", get_itemsize),
        ("format", get_format),
        ("ndim", get_ndim),
        ("shape", get_shape),
        ("strides", get_strides),
        ("suboffsets", get_suboffsets),
        ("c_contiguous", get_contiguous),
        ("f_contiguous", get_contiguous),
        ("contiguous", get_contiguous),
    ] {
        let p = vm.native_property("memoryview", name, f);
        vm.add_class_attr(&t, name, p);
    }
}
