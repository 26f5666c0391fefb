//! `_struct`: packing values into bytes and back by format strings (CPython's
//! Modules/_struct.c behaviour on x86-64 Linux: native sizes and alignment for `@`,
//! standard sizes for `=<>!`, and its error messages). stdlib/struct.aio adds `Struct`
//! and `iter_unpack` on top, and gives `struct.error`.

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::obj::number::{as_int, IntRef};
use crate::vm::errors::{new_exception, type_error, ExcRef, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// `struct.error`, registered by struct.aio.
#[derive(Default)]
pub struct StructState {
    error: Option<ObjRef>,
}

fn error(vm: &Vm, msg: impl Into<String>) -> ExcRef {
    let msg: String = msg.into();
    match &vm.struct_state.error {
        Some(cls) => new_exception(cls.clone(), Value::tuple(vec![Value::string(msg)])),
        None => crate::vm::errors::value_error(msg),
    }
}

fn overflow(msg: &str) -> ExcRef {
    crate::vm::errors::overflow_error(msg)
}

#[derive(Clone, Copy, PartialEq)]
enum Order {
    Native,
    Little,
    Big,
}

/// One format code with its repeat count, laid out.
struct Item {
    code: u8,
    /// For `s` and `p` the byte length; for others how many values.
    count: usize,
    size: usize,
    offset: usize,
}

struct Layout {
    order: Order,
    native: bool,
    items: Vec<Item>,
    size: usize,
    /// How many values pack takes and unpack gives.
    values: usize,
}

/// The size of one `code`, native (`@`: C sizes) or standard.
fn code_size(code: u8, native: bool) -> Option<usize> {
    Some(match code {
        b'x' | b'c' | b'b' | b'B' | b'?' | b's' | b'p' => 1,
        b'h' | b'H' | b'e' => 2,
        b'i' | b'I' | b'f' => 4,
        b'l' | b'L' => {
            if native {
                8
            } else {
                4
            }
        }
        b'q' | b'Q' | b'd' => 8,
        b'n' | b'N' | b'P' if native => 8,
        _ => return None,
    })
}

fn parse(vm: &Vm, fmt: &str) -> PyResult<Layout> {
    let bytes = fmt.as_bytes();
    let (order, native, mut i) = match bytes.first() {
        Some(b'@') => (Order::Little, true, 1),
        Some(b'=') => (Order::Native, false, 1),
        Some(b'<') => (Order::Little, false, 1),
        Some(b'>') | Some(b'!') => (Order::Big, false, 1),
        _ => (Order::Little, true, 0),
    };
    let mut items = Vec::new();
    let (mut size, mut values) = (0usize, 0usize);
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let mut count: Option<usize> = None;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            let d = (bytes[i] - b'0') as usize;
            count = Some(
                count
                    .unwrap_or(0)
                    .checked_mul(10)
                    .and_then(|n| n.checked_add(d))
                    .ok_or_else(|| error(vm, "total struct size too long"))?,
            );
            i += 1;
        }
        let Some(&code) = bytes.get(i) else {
            return Err(error(vm, "repeat count given without format specifier"));
        };
        i += 1;
        let unit = code_size(code, native).ok_or_else(|| error(vm, "bad char in struct format"))?;
        let count = count.unwrap_or(1);
        if native && unit > 1 && !matches!(code, b's' | b'p') {
            size = size.div_ceil(unit) * unit;
        }
        let bytes_used = match code {
            b's' | b'p' => count,
            _ => unit
                .checked_mul(count)
                .ok_or_else(|| error(vm, "total struct size too long"))?,
        };
        items.push(Item {
            code,
            count,
            size: unit,
            offset: size,
        });
        size = size
            .checked_add(bytes_used)
            .ok_or_else(|| error(vm, "total struct size too long"))?;
        values += match code {
            b'x' => 0,
            b's' | b'p' => 1,
            _ => count,
        };
    }
    let order = if order == Order::Native {
        Order::Little
    } else {
        order
    };
    Ok(Layout {
        order,
        native,
        items,
        size,
        values,
    })
}

fn fmt_arg(vm: &Vm, v: &Value) -> PyResult<String> {
    if let Some(s) = v.as_str() {
        return Ok(s.to_string());
    }
    if let Some(b) = bytes_data(v) {
        return Ok(String::from_utf8_lossy(&b).into_owned());
    }
    Err(type_error(format!(
        "Struct() argument 1 must be a str or bytes object, not {}",
        vm.type_name(v)
    )))
}

/// An integer argument as an i128 (ints beyond it are out of every range).
fn int_value(vm: &mut Vm, v: &Value) -> PyResult<Option<i128>> {
    let v = match v {
        Value::Obj(_) if as_int(crate::vm::payload::builtin_view(v)).is_none() => {
            match vm.lookup_special(v, "__index__") {
                Some(f) => vm.call(&f, std::slice::from_ref(v))?,
                None => return Err(error(vm, "required argument is not an integer")),
            }
        }
        Value::Float(_) => return Err(error(vm, "required argument is not an integer")),
        _ => v.clone(),
    };
    let v = crate::vm::payload::builtin_view(&v).clone();
    match as_int(&v) {
        Some(IntRef::Small(n)) => Ok(Some(i128::from(n))),
        Some(IntRef::Big(b)) => Ok(i128::try_from(b.clone()).ok()),
        None => Err(error(vm, "required argument is not an integer")),
    }
}

fn pack_int(vm: &mut Vm, layout: &Layout, code: u8, size: usize, v: &Value) -> PyResult<Vec<u8>> {
    let n = int_value(vm, v)?;
    let signed = code.is_ascii_lowercase() && code != b'p';
    let (lo, hi): (i128, i128) = match (signed, size) {
        (true, s) => (-(1i128 << (s * 8 - 1)), (1i128 << (s * 8 - 1)) - 1),
        (false, s) => (0, (1i128 << (s * 8)) - 1),
    };
    let in_range = n.is_some_and(|n| (lo..=hi).contains(&n));
    if code == b'P' {
        // A pointer takes any int that fits 64 bits, negative ones as two's complement.
        return match n {
            Some(n) if (i128::from(i64::MIN)..=i128::from(u64::MAX)).contains(&n) => {
                Ok((n as u64).to_le_bytes().to_vec())
            }
            _ => Err(error(vm, "int too large to convert")),
        };
    }
    if !in_range {
        let name = match code {
            b'b' => Some("byte"),
            b'B' => Some("ubyte"),
            b'h' => Some("short"),
            b'H' => Some("ushort"),
            _ => None,
        };
        let msg = match (name, size, n) {
            (Some(name), _, _) => format!("{name} format requires {lo} <= number <= {hi}"),
            // CPython's big-endian 8-byte packers report the conversion's own words.
            (None, 8, _) if layout.order == Order::Big && !layout.native => {
                "int too large to convert".to_string()
            }
            (None, 8, _) => "argument out of range".to_string(),
            (None, _, Some(n)) if !signed && n < 0 => "argument out of range".to_string(),
            (None, _, _) => {
                format!("'{}' format requires {lo} <= number <= {hi}", code as char)
            }
        };
        return Err(error(vm, msg));
    }
    let n = n.unwrap_or(0);
    let all = n.to_le_bytes();
    let mut out = all[..size].to_vec();
    if layout.order == Order::Big {
        out.reverse();
    }
    Ok(out)
}

fn float_value(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(n) => Ok(*n as f64),
        Value::Bool(b) => Ok(f64::from(u8::from(*b))),
        _ => match vm.lookup_special(v, "__float__") {
            Some(f) => match vm.call(&f, std::slice::from_ref(v))? {
                Value::Float(x) => Ok(x),
                _ => Err(error(vm, "required argument is not a float")),
            },
            None => match vm.lookup_special(v, "__index__") {
                Some(_) => Ok(int_value(vm, v)?.unwrap_or(0) as f64),
                None => Err(error(vm, "required argument is not a float")),
            },
        },
    }
}

/// IEEE 754 half precision of `x`, rounded to nearest even (CPython's PyFloat_Pack2).
fn to_half(x: f64) -> Option<u16> {
    if x.is_nan() {
        return Some(if x.is_sign_negative() { 0xfe00 } else { 0x7e00 });
    }
    let sign: u16 = if x.is_sign_negative() { 0x8000 } else { 0 };
    let a = x.abs();
    if a.is_infinite() {
        return Some(sign | 0x7c00);
    }
    if a == 0.0 {
        return Some(sign);
    }
    // Scale to the 10-bit mantissa of the normal or subnormal range, then round.
    let e = a.log2().floor() as i32;
    let (exp, mant) = if e < -14 {
        (0, a * 2f64.powi(24))
    } else {
        (e + 15, (a / 2f64.powi(e) - 1.0) * 1024.0)
    };
    let mut m = mant.round_ties_even() as u32;
    let mut exp = exp as u32;
    if exp == 0 && m >= 1024 {
        exp = 1;
        m -= 1024;
    } else if m >= 1024 {
        exp += 1;
        m = 0;
    }
    if exp >= 31 {
        return None;
    }
    Some(sign | ((exp as u16) << 10) | m as u16)
}

fn from_half(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let m = f64::from(h & 0x3ff);
    sign * match exp {
        0 => m * 2f64.powi(-24),
        31 if m == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (1.0 + m / 1024.0) * 2f64.powi(e - 15),
    }
}

fn ordered(layout: &Layout, mut b: Vec<u8>) -> Vec<u8> {
    if layout.order == Order::Big {
        b.reverse();
    }
    b
}

fn pack_values(vm: &mut Vm, layout: &Layout, values: &[Value], out: &mut [u8]) -> PyResult<()> {
    if values.len() != layout.values {
        return Err(error(
            vm,
            format!(
                "pack expected {} items for packing (got {})",
                layout.values,
                values.len()
            ),
        ));
    }
    let mut next = values.iter();
    for item in &layout.items {
        let reps = if matches!(item.code, b's' | b'p' | b'x') {
            1
        } else {
            item.count
        };
        for k in 0..reps {
            let at = item.offset + k * item.size;
            let bytes: Vec<u8> = match item.code {
                b'x' => vec![0; item.count],
                b's' | b'p' => {
                    let v = next.next().cloned().unwrap_or(Value::None);
                    let Some(data) = bytes_data(&v) else {
                        return Err(error(
                            vm,
                            format!(
                                "argument for '{}' must be a bytes object",
                                item.code as char
                            ),
                        ));
                    };
                    let mut b = vec![0u8; item.count];
                    if item.code == b's' {
                        let n = data.len().min(item.count);
                        b[..n].copy_from_slice(&data[..n]);
                    } else if item.count > 0 {
                        let n = data.len().min(item.count - 1).min(255);
                        b[0] = n as u8;
                        b[1..=n].copy_from_slice(&data[..n]);
                    }
                    b
                }
                b'c' => {
                    let v = next.next().cloned().unwrap_or(Value::None);
                    match bytes_data(&v) {
                        Some(d) if d.len() == 1 && v.as_str().is_none() => d,
                        _ => {
                            return Err(error(
                                vm,
                                "char format requires a bytes object of length 1",
                            ))
                        }
                    }
                }
                b'?' => {
                    let v = next.next().cloned().unwrap_or(Value::None);
                    vec![u8::from(vm.truthy(&v)?)]
                }
                b'e' | b'f' | b'd' => {
                    let v = next.next().cloned().unwrap_or(Value::None);
                    let x = float_value(vm, &v)?;
                    match item.code {
                        b'd' => ordered(layout, x.to_le_bytes().to_vec()),
                        b'f' => {
                            let f = x as f32;
                            if f.is_infinite() && x.is_finite() && !layout.native {
                                return Err(overflow("float too large to pack with f format"));
                            }
                            ordered(layout, f.to_le_bytes().to_vec())
                        }
                        _ => match to_half(x) {
                            Some(h) => ordered(layout, h.to_le_bytes().to_vec()),
                            None => return Err(overflow("float too large to pack with e format")),
                        },
                    }
                }
                code => {
                    let v = next.next().cloned().unwrap_or(Value::None);
                    pack_int(vm, layout, code, item.size, &v)?
                }
            };
            if let Some(slot) = out.get_mut(at..at + bytes.len()) {
                slot.copy_from_slice(&bytes);
            }
        }
    }
    Ok(())
}

fn unpack_values(layout: &Layout, data: &[u8]) -> Vec<Value> {
    let mut out = Vec::with_capacity(layout.values);
    for item in &layout.items {
        let field = |k: usize, n: usize| -> Vec<u8> {
            let at = item.offset + k * item.size;
            let mut b = data.get(at..at + n).map(<[u8]>::to_vec).unwrap_or_default();
            if layout.order == Order::Big {
                b.reverse();
            }
            b
        };
        match item.code {
            b'x' => {}
            b's' => out.push(Value::bytes(
                data.get(item.offset..item.offset + item.count)
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default(),
            )),
            b'p' => {
                let raw = data
                    .get(item.offset..item.offset + item.count)
                    .unwrap_or(&[]);
                let n = raw
                    .first()
                    .map_or(0, |&n| usize::from(n))
                    .min(item.count.saturating_sub(1));
                out.push(Value::bytes(
                    raw.get(1..=n).map(<[u8]>::to_vec).unwrap_or_default(),
                ));
            }
            code => {
                for k in 0..item.count {
                    let b = field(k, item.size);
                    let v = match code {
                        b'c' => Value::bytes(b),
                        b'?' => Value::Bool(b.iter().any(|&x| x != 0)),
                        b'e' => Value::Float(from_half(u16::from_le_bytes([b[0], b[1]]))),
                        b'f' => {
                            Value::Float(f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])))
                        }
                        b'd' => {
                            let mut a = [0u8; 8];
                            a.copy_from_slice(&b);
                            Value::Float(f64::from_le_bytes(a))
                        }
                        _ => {
                            let signed = code.is_ascii_lowercase();
                            let mut a = [0u8; 16];
                            a[..b.len()].copy_from_slice(&b);
                            if signed && b.last().is_some_and(|&x| x & 0x80 != 0) {
                                for x in a.iter_mut().skip(b.len()) {
                                    *x = 0xff;
                                }
                            }
                            Value::from_i128(i128::from_le_bytes(a))
                        }
                    };
                    out.push(v);
                }
            }
        }
    }
    out
}

/// `size` zero bytes, or MemoryError when they cannot be had (a format such as
/// '99999999999x').
fn zeroed(size: usize) -> PyResult<Vec<u8>> {
    let mut out = Vec::new();
    out.try_reserve_exact(size)
        .map_err(|_| crate::vm::errors::memory_error())?;
    out.resize(size, 0);
    Ok(out)
}

fn buffer_arg(vm: &Vm, v: &Value) -> PyResult<Vec<u8>> {
    bytes_data(v).ok_or_else(|| {
        crate::obj::methods::bytes::buffer_error(v).unwrap_or_else(|| {
            type_error(format!(
                "a bytes-like object is required, not '{}'",
                vm.type_name(v)
            ))
        })
    })
}

/// `calcsize(fmt)`
fn calcsize(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("calcsize", 1, 1)?;
    let fmt = fmt_arg(vm, &args.pos[0])?;
    Ok(Value::Int(parse(vm, &fmt)?.size as i64))
}

/// `pack(fmt, *values)`
fn pack(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let Some(f) = args.pos.first() else {
        return Err(type_error("pack expected at least 1 argument, got 0"));
    };
    let fmt = fmt_arg(vm, f)?;
    let layout = parse(vm, &fmt)?;
    let mut out = zeroed(layout.size)?;
    pack_values(vm, &layout, &args.pos[1..], &mut out)?;
    Ok(Value::bytes(out))
}

/// `pack_into(fmt, buffer, offset, *values)`: into a bytearray.
fn pack_into(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if args.pos.len() < 3 {
        return Err(type_error("pack_into expected buffer argument"));
    }
    let fmt = fmt_arg(vm, &args.pos[0])?;
    let layout = parse(vm, &fmt)?;
    let Value::Obj(o) = crate::vm::payload::builtin_view(&args.pos[1]) else {
        return Err(type_error("argument must be read-write bytes-like object"));
    };
    let crate::obj::Obj::ByteArray(buf) = &**o else {
        return Err(type_error(format!(
            "argument must be read-write bytes-like object, not {}",
            vm.type_name(&args.pos[1])
        )));
    };
    let Value::Int(offset) = args.pos[2] else {
        return Err(type_error("'offset' must be an int"));
    };
    let len = buf.borrow().len() as i64;
    let start = if offset < 0 { offset + len } else { offset };
    if offset < 0 && start < 0 {
        return Err(error(
            vm,
            format!("offset {offset} out of range for {len}-byte buffer"),
        ));
    }
    if start < 0 || start + layout.size as i64 > len {
        return Err(error(
            vm,
            format!(
                "pack_into requires a buffer of at least {} bytes for packing {} bytes at offset {} (actual buffer size is {})",
                start + layout.size as i64, layout.size, start, len
            ),
        ));
    }
    let mut out = zeroed(layout.size)?;
    pack_values(vm, &layout, &args.pos[3..], &mut out)?;
    let start = start as usize;
    buf.borrow_mut()[start..start + layout.size].copy_from_slice(&out);
    Ok(Value::None)
}

/// `unpack(fmt, buffer)`
fn unpack(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("unpack", 2, 2)?;
    let fmt = fmt_arg(vm, &args.pos[0])?;
    let layout = parse(vm, &fmt)?;
    let data = buffer_arg(vm, &args.pos[1])?;
    if data.len() != layout.size {
        return Err(error(
            vm,
            format!("unpack requires a buffer of {} bytes", layout.size),
        ));
    }
    Ok(Value::tuple(unpack_values(&layout, &data)))
}

/// `unpack_from(fmt, buffer, offset=0)`
fn unpack_from(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.only_kwargs("unpack_from", &["buffer", "offset"])?;
    let fmt = fmt_arg(vm, args.pos.first().unwrap_or(&Value::None))?;
    let layout = parse(vm, &fmt)?;
    let Some(buffer) = args.arg(1, "buffer") else {
        return Err(type_error(
            "unpack_from() missing required argument 'buffer' (pos 2)",
        ));
    };
    let data = buffer_arg(vm, buffer)?;
    let offset = match args.arg(2, "offset") {
        Some(Value::Int(n)) => *n,
        None => 0,
        Some(_) => return Err(type_error("'offset' must be an int")),
    };
    let len = data.len() as i64;
    let start = if offset < 0 { offset + len } else { offset };
    if offset < 0 && start < 0 {
        return Err(error(
            vm,
            format!("offset {offset} out of range for {len}-byte buffer"),
        ));
    }
    if start + layout.size as i64 > len {
        return Err(error(
            vm,
            format!(
                "unpack_from requires a buffer of at least {} bytes for unpacking {} bytes at offset {} (actual buffer size is {})",
                start + layout.size as i64, layout.size, start, len
            ),
        ));
    }
    let start = start as usize;
    Ok(Value::tuple(unpack_values(
        &layout,
        &data[start..start + layout.size],
    )))
}

/// `_register_error(cls)`: `struct.error`.
fn register_error(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("_register_error", 1, 1)?;
    if let Value::Obj(o) = &args.pos[0] {
        vm.struct_state.error = Some(o.clone());
    }
    Ok(Value::None)
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("calcsize", calcsize),
        ("pack", pack),
        ("pack_into", pack_into),
        ("unpack", unpack),
        ("unpack_from", unpack_from),
        ("_register_error", register_error),
    ];
    super::sys::new_module(vm, "_struct", funcs);
}
