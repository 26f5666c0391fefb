//! `_codecs`: the codec registry (search functions, the lookup cache, error handlers) and
//! the built-in codecs' functions that stdlib/codecs.aio and the `encodings` package use,
//! as CPython 3.11's Modules/_codecsmodule.c and Python/codecs.c. The transcoding itself
//! is obj/methods/text_codec.rs, shared with `str.encode` and `bytes.decode`.
//!
//! Error handlers other than the built-in ones cannot be registered: aio's codecs apply
//! the built-in handlers by name, so `register_error` of a new handler is a
//! NotImplementedError.

use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::obj::methods::text_codec::{
    self as tc, decode_with, encode_with, escape_char, name_escape, unknown_encoding, Codec,
};
use crate::obj::methods::wide_codec::{self, Width};
use crate::obj::Obj;
use crate::syntax::strings::{decode_bytes_escapes, BadEscape};
use crate::vm::errors::{exc, not_implemented, type_error, value_error, ExcRef, PyResult};
use crate::vm::native::native;
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use crate::vm::Vm;
use std::collections::HashMap;

#[derive(Default)]
pub struct CodecsState {
    search: Vec<Value>,
    /// The built-in error handlers, made once so lookup_error returns the same object.
    handlers: HashMap<&'static str, Value>,
    cache: HashMap<String, Value>,
    imported_encodings: bool,
}

/// Python/codecs.c's normalizestring: lower case, spaces become hyphens... as 3.11's
/// `_Py_normalize_encoding`: lower case, and runs of other than alphanumerics and '.'
/// become one '_'.
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut punct = false;
    for c in name.chars() {
        if c.is_alphanumeric() || c == '.' {
            if punct && !out.is_empty() {
                out.push('_');
            }
            out.extend(c.to_lowercase());
            punct = false;
        } else {
            punct = true;
        }
    }
    out
}

fn str_arg<'a>(vm: &Vm, v: &'a Value, func: &str, n: usize) -> PyResult<&'a str> {
    v.as_str().ok_or_else(|| {
        type_error(format!(
            "{func}() argument {n} must be str, not {}",
            vm.type_name(v)
        ))
    })
}

fn data_arg(vm: &Vm, v: &Value, func: &str, n: usize) -> PyResult<Vec<u8>> {
    let _ = (func, n);
    bytes_data(v).ok_or_else(|| {
        type_error(format!(
            "a bytes-like object is required, not '{}'",
            vm.type_name(v)
        ))
    })
}

/// The `errors` argument: None means 'strict'.
fn errors_arg(vm: &Vm, args: &Args, i: usize, func: &str) -> PyResult<String> {
    match args.arg(i, "errors") {
        None | Some(Value::None) => Ok("strict".into()),
        Some(v) => Ok(str_arg(vm, v, func, i + 1)?.to_string()),
    }
}

fn pair(a: Value, n: usize) -> Value {
    Value::tuple(vec![a, Value::Int(n as i64)])
}

fn register(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("register", 1, 1)?;
    let f = args.pos[0].clone();
    if !crate::modules::builtins::is_callable(vm, &f) {
        return Err(type_error("argument must be callable"));
    }
    vm.codecs.search.push(f);
    Ok(Value::None)
}

fn unregister(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("unregister", 1, 1)?;
    let f = &args.pos[0];
    if let Some(i) = vm.codecs.search.iter().position(|g| g.is(f)) {
        vm.codecs.search.remove(i);
        vm.codecs.cache.clear();
    }
    Ok(Value::None)
}

/// `_PyCodec_Lookup`: the CodecInfo of `encoding` from the cache or the search functions
/// (the `encodings` package registers the first one, imported on the first lookup).
pub fn lookup_codec(vm: &mut Vm, encoding: &str) -> PyResult<Value> {
    if !vm.codecs.imported_encodings {
        vm.codecs.imported_encodings = true;
        vm.import_module("encodings")?;
    }
    let key = normalize(encoding);
    if let Some(v) = vm.codecs.cache.get(&key) {
        return Ok(v.clone());
    }
    let search = vm.codecs.search.clone();
    for f in search {
        let r = vm.call(&f, &[Value::str(&key)])?;
        if matches!(r, Value::None) {
            continue;
        }
        let ok = match &r {
            Value::Obj(o) => match &**o {
                Obj::Tuple(t) => t.len() == 4,
                _ => {
                    let t = vm.type_of(&r);
                    crate::vm::class::is_subclass(&t, &vm.t.tuple)
                }
            },
            _ => false,
        };
        if !ok || vm.len(&r)? != 4 {
            return Err(type_error("codec search functions must return 4-tuples"));
        }
        vm.codecs.cache.insert(key, r.clone());
        return Ok(r);
    }
    Err(unknown_encoding(encoding))
}

fn lookup(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("lookup", 1, 1)?;
    let enc = str_arg(vm, &args.pos[0], "lookup", 1)?.to_string();
    lookup_codec(vm, &enc)
}

/// `codecs.encode(obj, encoding, errors)` / `codecs.decode(...)`: the codec's function
/// at `index` (0 encoder, 1 decoder), whose result must be an (object, length) pair.
fn transcode(vm: &mut Vm, args: &Args, func: &'static str, index: i64) -> PyResult<Value> {
    args.only_kwargs(func, &["obj", "encoding", "errors"])?;
    args.check_pos(func, 0, 3)?;
    let Some(obj) = args.arg(0, "obj").cloned() else {
        return Err(type_error(format!(
            "{func}() missing required argument 'obj' (pos 1)"
        )));
    };
    let enc = match args.arg(1, "encoding") {
        Some(v) => str_arg(vm, v, func, 2)?.to_string(),
        None => "utf-8".into(),
    };
    let errors = match args.arg(2, "errors") {
        Some(v) => str_arg(vm, v, func, 3)?.to_string(),
        None => "strict".into(),
    };
    let info = lookup_codec(vm, &enc)?;
    let f = vm.getitem(&info, &Value::Int(index))?;
    let r = vm
        .call(&f, &[obj, Value::str(&errors)])
        .map_err(|e| wrap_codec_error(vm, e, index, &enc))?;
    let items = match &r {
        Value::Obj(o) => match &**o {
            Obj::Tuple(t) if t.len() == 2 => Some(t.to_vec()),
            _ => None,
        },
        _ => None,
    };
    match items {
        Some(v) => Ok(v.into_iter().next().unwrap_or(Value::None)),
        None if index == 0 => Err(type_error("encoder must return a tuple (object, integer)")),
        None => Err(type_error("decoder must return a tuple (object, integer)")),
    }
}

/// CPython's `_PyErr_TrySetFromCause`: an exception of a plain type (no state beyond
/// one str argument) raised by a codec is re-raised as "encoding with 'x' codec failed
/// (TypeError: ...)", the original as its cause.
fn wrap_codec_error(vm: &mut Vm, e: ExcRef, index: i64, enc: &str) -> ExcRef {
    const PLAIN: [ExcKind; 9] = [
        ExcKind::TypeError,
        ExcKind::ValueError,
        ExcKind::LookupError,
        ExcKind::KeyError,
        ExcKind::IndexError,
        ExcKind::RuntimeError,
        ExcKind::NotImplementedError,
        ExcKind::ZeroDivisionError,
        ExcKind::OverflowError,
    ];
    let x = e.exc();
    let plain = PLAIN
        .iter()
        .any(|&k| x.class.is(&crate::vm::types::exc_class(k)));
    let args = x.args.borrow().clone();
    let simple_args = match &args {
        Value::Obj(o) => match &**o {
            Obj::Tuple(t) => {
                t.is_empty() || (t.len() == 1 && t.first().is_some_and(|a| a.as_str().is_some()))
            }
            _ => false,
        },
        _ => false,
    };
    if !plain || !simple_args || !x.read_dict(|d| d.is_empty()) {
        return e;
    }
    let text = match vm.to_str(&e.value()) {
        Ok(t) => t,
        Err(_) => return e,
    };
    let what = if index == 0 { "encoding" } else { "decoding" };
    let msg = format!(
        "{what} with '{enc}' codec failed ({}: {text})",
        crate::vm::class::class_name(&x.class)
    );
    let wrapped =
        crate::vm::errors::new_exception(x.class.clone(), Value::tuple(vec![Value::string(msg)]));
    *wrapped.exc().cause.borrow_mut() = e.value();
    wrapped.exc().suppress_context.set(true);
    wrapped
}

fn encode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    transcode(vm, args, "encode", 0)
}

fn decode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    transcode(vm, args, "decode", 1)
}

fn encode_fn(vm: &mut Vm, args: &Args, func: &'static str, c: Codec) -> PyResult<Value> {
    args.no_kwargs_for("_codecs", func)?;
    args.check_pos(func, 1, 2)?;
    let s = str_arg(vm, &args.pos[0], func, 1)?;
    let errors = errors_arg(vm, args, 1, func)?;
    let out = encode_with(s, c, &errors)?;
    Ok(pair(Value::bytes(out), s.chars().count()))
}

fn decode_fn(vm: &mut Vm, args: &Args, func: &'static str, c: Codec) -> PyResult<Value> {
    args.no_kwargs_for("_codecs", func)?;
    args.check_pos(func, 1, 3)?;
    let data = data_arg(vm, &args.pos[0], func, 1)?;
    let errors = errors_arg(vm, args, 1, func)?;
    // Only the UTF-8 decoder defaults to leaving a cut-off sequence for the next call.
    let final_ = match args.pos.get(2) {
        Some(v) => vm.truthy(v)?,
        None => c != Codec::Utf8,
    };
    let (s, n) = decode_with(&data, c, &errors, final_)?;
    Ok(pair(Value::string(s), n))
}

fn utf_8_encode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    encode_fn(vm, args, "utf_8_encode", Codec::Utf8)
}
fn utf_8_decode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    decode_fn(vm, args, "utf_8_decode", Codec::Utf8)
}
/// `utf_16_encode(str, errors=None, byteorder=0)` and its fixed-order and UTF-32
/// siblings (`order` None reads the byteorder argument).
fn wide_encode(
    vm: &mut Vm,
    args: &Args,
    func: &'static str,
    width: Width,
    order: Option<i64>,
) -> PyResult<Value> {
    args.no_kwargs_for("_codecs", func)?;
    args.check_pos(func, 1, if order.is_some() { 2 } else { 3 })?;
    let s = str_arg(vm, &args.pos[0], func, 1)?;
    errors_arg(vm, args, 1, func)?;
    let order = match (order, args.pos.get(2)) {
        (Some(o), _) => o,
        (None, Some(v)) => vm.index_value(v)?,
        (None, None) => 0,
    };
    let out = wide_codec::encode(s, width, order);
    Ok(pair(Value::bytes(out), s.chars().count()))
}

/// `utf_16_decode(data, errors=None, final=False)` and siblings: (str, consumed); with
/// `ex`, `utf_16_ex_decode(data, errors=None, byteorder=0, final=False)`: (str,
/// consumed, byteorder).
fn wide_decode(
    vm: &mut Vm,
    args: &Args,
    func: &'static str,
    width: Width,
    order: Option<i64>,
) -> PyResult<Value> {
    args.no_kwargs_for("_codecs", func)?;
    let ex = order.is_none();
    args.check_pos(func, 1, if ex { 4 } else { 3 })?;
    let data = data_arg(vm, &args.pos[0], func, 1)?;
    let errors = errors_arg(vm, args, 1, func)?;
    let (order, final_at) = match order {
        Some(o) => (o, 2),
        None => match args.pos.get(2) {
            Some(v) => (vm.index_value(v)?, 3),
            None => (0, 3),
        },
    };
    let final_ = match args.pos.get(final_at) {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let (s, n, found) = wide_codec::decode(&data, width, &errors, order, final_)?;
    let mut items = vec![Value::string(s), Value::Int(n as i64)];
    if ex {
        items.push(Value::Int(found));
    }
    Ok(Value::tuple(items))
}

macro_rules! wide_codec_fns {
    ($($name:ident: $kind:ident $width:ident $order:expr;)*) => {
        $(fn $name(vm: &mut Vm, args: &Args) -> PyResult<Value> {
            $kind(vm, args, stringify!($name), Width::$width, $order)
        })*
    };
}

wide_codec_fns! {
    utf_16_encode: wide_encode Utf16 None;
    utf_16_le_encode: wide_encode Utf16 Some(-1);
    utf_16_be_encode: wide_encode Utf16 Some(1);
    utf_16_decode: wide_decode Utf16 Some(0);
    utf_16_le_decode: wide_decode Utf16 Some(-1);
    utf_16_be_decode: wide_decode Utf16 Some(1);
    utf_16_ex_decode: wide_decode Utf16 None;
    utf_32_encode: wide_encode Utf32 None;
    utf_32_le_encode: wide_encode Utf32 Some(-1);
    utf_32_be_encode: wide_encode Utf32 Some(1);
    utf_32_decode: wide_decode Utf32 Some(0);
    utf_32_le_decode: wide_decode Utf32 Some(-1);
    utf_32_be_decode: wide_decode Utf32 Some(1);
    utf_32_ex_decode: wide_decode Utf32 None;
}

fn latin_1_encode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    encode_fn(vm, args, "latin_1_encode", Codec::Latin1)
}
fn latin_1_decode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    decode_fn(vm, args, "latin_1_decode", Codec::Latin1)
}
fn unicode_escape_encode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    encode_fn(vm, args, "unicode_escape_encode", Codec::UnicodeEscape)
}
fn unicode_escape_decode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    decode_fn(vm, args, "unicode_escape_decode", Codec::UnicodeEscape)
}
fn raw_unicode_escape_encode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    encode_fn(
        vm,
        args,
        "raw_unicode_escape_encode",
        Codec::RawUnicodeEscape,
    )
}
fn raw_unicode_escape_decode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    decode_fn(
        vm,
        args,
        "raw_unicode_escape_decode",
        Codec::RawUnicodeEscape,
    )
}
fn ascii_encode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    encode_fn(vm, args, "ascii_encode", Codec::Ascii)
}
fn ascii_decode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    decode_fn(vm, args, "ascii_decode", Codec::Ascii)
}

/// `escape_encode(bytes)`: the bytes as a bytes literal's body writes them.
fn escape_encode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("escape_encode", 1, 2)?;
    let Some(Obj::Bytes(data)) = args.pos[0].as_obj().map(|o| &**o) else {
        return Err(type_error(format!(
            "escape_encode() argument 1 must be bytes, not {}",
            vm.type_name(&args.pos[0])
        )));
    };
    let mut out = Vec::with_capacity(data.len());
    for &b in data.iter() {
        match b {
            b'\\' | b'\'' => out.extend([b'\\', b]),
            b'\t' => out.extend(b"\\t"),
            b'\n' => out.extend(b"\\n"),
            b'\r' => out.extend(b"\\r"),
            0x20..=0x7e => out.push(b),
            _ => out.extend(format!("\\x{b:02x}").bytes()),
        }
    }
    Ok(pair(Value::bytes(out), data.len()))
}

/// `escape_decode(data)`: a bytes literal's escapes resolved (CPython's
/// `_PyBytes_DecodeEscape`); an unknown escape stays as written.
fn escape_decode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("escape_decode", 1, 2)?;
    let data = match args.pos[0].as_str() {
        Some(s) => s.as_bytes().to_vec(),
        None => data_arg(vm, &args.pos[0], "escape_decode", 1)?,
    };
    let errors = errors_arg(vm, args, 1, "escape_decode")?;
    let mut out = Vec::with_capacity(data.len());
    decode_bytes_escapes(&data, &mut out, |bad, out| match (bad, errors.as_str()) {
        (BadEscape::Trailing, _) => Err(value_error("Trailing \\ in string")),
        (BadEscape::Hex { .. }, "ignore") => Ok(()),
        (BadEscape::Hex { .. }, "replace") => {
            out.push(b'?');
            Ok(())
        }
        (BadEscape::Hex { at }, "strict") => {
            Err(value_error(format!("invalid \\x escape at position {at}")))
        }
        (BadEscape::Hex { .. }, other) => Err(value_error(format!(
            "decoding error; unknown error handling code: {other}"
        ))),
    })?;
    Ok(pair(Value::bytes(out), data.len()))
}

fn register_error(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("register_error", 2, 2)?;
    str_arg(vm, &args.pos[0], "register_error", 1)?;
    if !crate::modules::builtins::is_callable(vm, &args.pos[1]) {
        return Err(type_error("handler must be callable"));
    }
    Err(not_implemented(
        "codecs.register_error (aio's codecs apply only the built-in error handlers)",
    ))
}

const HANDLERS: [(&str, &str); 8] = [
    ("strict", "strict_errors"),
    ("ignore", "ignore_errors"),
    ("replace", "replace_errors"),
    ("xmlcharrefreplace", "xmlcharrefreplace_errors"),
    ("backslashreplace", "backslashreplace_errors"),
    ("namereplace", "namereplace_errors"),
    ("surrogateescape", "surrogateescape"),
    ("surrogatepass", "surrogatepass"),
];

fn lookup_error(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("lookup_error", 1, 1)?;
    let name = str_arg(vm, &args.pos[0], "lookup_error", 1)?;
    let Some(&(key, func)) = HANDLERS.iter().find(|(n, _)| *n == name) else {
        return Err(exc(
            ExcKind::LookupError,
            format!("unknown error handler name '{name}'"),
        ));
    };
    let f: NativeFn = match func {
        "strict_errors" => strict_errors,
        "ignore_errors" => ignore_errors,
        "replace_errors" => replace_errors,
        "xmlcharrefreplace_errors" => xmlcharrefreplace_errors,
        "backslashreplace_errors" => backslashreplace_errors,
        "namereplace_errors" => namereplace_errors,
        "surrogateescape" => surrogateescape,
        _ => surrogatepass,
    };
    let handler = vm
        .codecs
        .handlers
        .entry(key)
        .or_insert_with(|| native("_codecs", func, f));
    Ok(handler.clone())
}

/// What an error handler is given: a UnicodeEncodeError or UnicodeDecodeError (aio has
/// no UnicodeTranslateError).
enum Fault {
    Encode(Vec<char>, usize, usize),
    Decode(Vec<u8>, usize, usize),
}

fn fault(vm: &mut Vm, args: &Args, func: &str) -> PyResult<(Fault, ExcRef)> {
    args.check(func, 1, 1)?;
    let e = &args.pos[0];
    let ex = match e {
        Value::Obj(o) if matches!(&**o, Obj::Exception(_)) => Some(ExcRef(o.clone())),
        _ => None,
    };
    let Some(ex) = ex else {
        return Err(type_error(format!(
            "don't know how to handle {} in error callback",
            vm.type_name(e)
        )));
    };
    let start = vm.get_attr_str(e, "start")?;
    let end = vm.get_attr_str(e, "end")?;
    let (start, end) = (vm.index_value(&start)?, vm.index_value(&end)?);
    let (start, end) = (start.max(0) as usize, end.max(0) as usize);
    let object = vm.get_attr_str(e, "object")?;
    let f = if ex.is(ExcKind::UnicodeEncodeError) {
        let s = object.as_str().unwrap_or("").chars().collect();
        Fault::Encode(s, start, end)
    } else if ex.is(ExcKind::UnicodeDecodeError) {
        Fault::Decode(bytes_data(&object).unwrap_or_default(), start, end)
    } else {
        return Err(type_error(format!(
            "don't know how to handle {} in error callback",
            vm.type_name(e)
        )));
    };
    Ok((f, ex))
}

fn unhandled(vm: &Vm, args: &Args) -> ExcRef {
    type_error(format!(
        "don't know how to handle {} in error callback",
        vm.type_name(&args.pos[0])
    ))
}

fn strict_errors(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("strict_errors", 1, 1)?;
    let _ = vm;
    match &args.pos[0] {
        Value::Obj(o) if matches!(&**o, Obj::Exception(_)) => Err(ExcRef(o.clone())),
        _ => Err(type_error("codec must pass exception instance")),
    }
}

fn ignore_errors(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (f, _) = fault(vm, args, "ignore_errors")?;
    let end = match f {
        Fault::Encode(_, _, e) | Fault::Decode(_, _, e) => e,
    };
    Ok(pair(Value::str(""), end))
}

fn replace_errors(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (f, _) = fault(vm, args, "replace_errors")?;
    Ok(match f {
        Fault::Encode(_, s, e) => pair(Value::string("?".repeat(e.saturating_sub(s))), e),
        Fault::Decode(_, _, e) => pair(Value::str("\u{fffd}"), e),
    })
}

fn chars_in(s: &[char], start: usize, end: usize) -> &[char] {
    s.get(start..end.min(s.len())).unwrap_or_default()
}

fn xmlcharrefreplace_errors(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (f, _) = fault(vm, args, "xmlcharrefreplace_errors")?;
    match f {
        Fault::Encode(s, start, end) => {
            let r: String = chars_in(&s, start, end)
                .iter()
                .map(|&c| format!("&#{};", c as u32))
                .collect();
            Ok(pair(Value::string(r), end))
        }
        _ => Err(unhandled(vm, args)),
    }
}

fn backslashreplace_errors(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (f, _) = fault(vm, args, "backslashreplace_errors")?;
    let (r, end): (String, usize) = match f {
        Fault::Encode(s, start, end) => (
            chars_in(&s, start, end)
                .iter()
                .map(|&c| escape_char(c))
                .collect(),
            end,
        ),
        Fault::Decode(d, start, end) => (
            d.get(start..end.min(d.len()))
                .unwrap_or_default()
                .iter()
                .map(|b| format!("\\x{b:02x}"))
                .collect(),
            end,
        ),
    };
    Ok(pair(Value::string(r), end))
}

fn namereplace_errors(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (f, _) = fault(vm, args, "namereplace_errors")?;
    match f {
        Fault::Encode(s, start, end) => {
            let r: String = chars_in(&s, start, end)
                .iter()
                .map(|&c| name_escape(c))
                .collect();
            Ok(pair(Value::string(r), end))
        }
        _ => Err(unhandled(vm, args)),
    }
}

/// aio strings hold no surrogates: encoding has none to pass back, and decoding would
/// make them.
fn surrogate_handler(vm: &mut Vm, args: &Args, func: &str) -> PyResult<Value> {
    let (f, ex) = fault(vm, args, func)?;
    match f {
        Fault::Encode(..) => Err(ex),
        Fault::Decode(..) => Err(not_implemented(format!(
            "decoding with the '{func}' error handler (aio strings cannot hold lone surrogates)"
        ))),
    }
}

fn surrogateescape(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    surrogate_handler(vm, args, "surrogateescape")
}

fn surrogatepass(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    surrogate_handler(vm, args, "surrogatepass")
}

/// `charmap_decode(data, errors, mapping)`: each byte through a str (indexed by byte) or
/// a mapping of byte to str/int/None; None means Latin-1.
fn charmap_decode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("charmap_decode", 1, 3)?;
    let data = data_arg(vm, &args.pos[0], "charmap_decode", 1)?;
    let errors = errors_arg(vm, args, 1, "charmap_decode")?;
    let mapping = args.pos.get(2).cloned().unwrap_or(Value::None);
    if matches!(mapping, Value::None) {
        let (s, n) = decode_with(&data, Codec::Latin1, &errors, true)?;
        return Ok(pair(Value::string(s), n));
    }
    let table: Option<Vec<char>> = mapping.as_str().map(|s| s.chars().collect());
    let mut out = String::with_capacity(data.len());
    for (i, &b) in data.iter().enumerate() {
        let ch: Option<String> = match &table {
            Some(t) => t
                .get(b as usize)
                .filter(|&&c| c != '\u{fffe}')
                .map(|c| c.to_string()),
            None => match vm.getitem(&mapping, &Value::Int(b as i64)) {
                Ok(Value::None) => None,
                Ok(v) => match v.as_str() {
                    Some(s) if s != "\u{fffe}" => Some(s.to_string()),
                    Some(_) => None,
                    None => {
                        let n = vm.index_value(&v).map_err(|_| {
                            type_error("character mapping must return integer, None or str")
                        })?;
                        match u32::try_from(n).ok().and_then(char::from_u32) {
                            Some(c) => Some(c.to_string()),
                            None => {
                                return Err(type_error(
                                    "character mapping must be in range(0x110000)",
                                ))
                            }
                        }
                    }
                },
                Err(e) if e.is(ExcKind::LookupError) => None,
                Err(e) => return Err(e),
            },
        };
        match ch {
            Some(s) => out.push_str(&s),
            None => {
                let reason = "character maps to <undefined>";
                if errors == "strict" {
                    return Err(tc::decode_error("charmap", &data, i, i + 1, reason));
                }
                // The other handlers do not depend on the codec's name.
                out.push_str(&tc::decode_replacement(
                    Codec::Latin1,
                    &data,
                    i,
                    i + 1,
                    reason,
                    &errors,
                )?);
            }
        }
    }
    Ok(pair(Value::string(out), data.len()))
}

/// `charmap_encode(str, errors, mapping)`: each character through a mapping of ordinal
/// to int/bytes/None (charmap_build's result is such a dict); None means Latin-1.
fn charmap_encode(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("charmap_encode", 1, 3)?;
    let s = str_arg(vm, &args.pos[0], "charmap_encode", 1)?.to_string();
    let errors = errors_arg(vm, args, 1, "charmap_encode")?;
    let mapping = args.pos.get(2).cloned().unwrap_or(Value::None);
    if matches!(mapping, Value::None) {
        let out = encode_with(&s, Codec::Latin1, &errors)?;
        return Ok(pair(Value::bytes(out), s.chars().count()));
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if let Some(b) = charmap_lookup(vm, &mapping, c)? {
            out.extend(b);
            i += 1;
            continue;
        }
        // As CPython's charmap_encoding_error: the whole run of unmappable characters
        // goes to the error handler, and its replacement through the mapping again.
        let mut end = i + 1;
        while let Some(&c) = chars.get(end) {
            if charmap_lookup(vm, &mapping, c)?.is_some() {
                break;
            }
            end += 1;
        }
        let undefined = || tc::encode_error("charmap", &s, i, end, "character maps to <undefined>");
        let run = chars.get(i..end).unwrap_or_default();
        let replacement: String = match errors.as_str() {
            "ignore" => String::new(),
            "replace" => "?".repeat(run.len()),
            "xmlcharrefreplace" => run.iter().map(|&c| format!("&#{};", c as u32)).collect(),
            "backslashreplace" => run.iter().map(|&c| escape_char(c)).collect(),
            "namereplace" => run.iter().map(|&c| name_escape(c)).collect(),
            // aio strings hold no surrogates, which is all these two handle.
            "strict" | "surrogateescape" | "surrogatepass" => return Err(undefined()),
            other => {
                return Err(exc(
                    ExcKind::LookupError,
                    format!("unknown error handler name '{other}'"),
                ))
            }
        };
        for r in replacement.chars() {
            match charmap_lookup(vm, &mapping, r)? {
                Some(b) => out.extend(b),
                None => return Err(undefined()),
            }
        }
        i = end;
    }
    Ok(pair(Value::bytes(out), chars.len()))
}

/// The bytes `mapping` gives the character `c` (an int, bytes, or None / missing for an
/// unmappable character), as CPython's charmapencode_lookup.
fn charmap_lookup(vm: &mut Vm, mapping: &Value, c: char) -> PyResult<Option<Vec<u8>>> {
    match vm.getitem(mapping, &Value::Int(c as i64)) {
        Ok(Value::None) => Ok(None),
        Ok(v) => match bytes_data(&v) {
            Some(b) => Ok(Some(b)),
            None => {
                let n = vm.index_value(&v).map_err(|_| {
                    type_error("character mapping must return integer, bytes or None, not str")
                })?;
                match u8::try_from(n) {
                    Ok(b) => Ok(Some(vec![b])),
                    Err(_) => Err(type_error("character mapping must be in range(256)")),
                }
            }
        },
        Err(e) if e.is(ExcKind::LookupError) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `charmap_build(decoding_table)`: the inverse mapping, ordinal to byte.
fn charmap_build(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("charmap_build", 1, 1)?;
    let table = str_arg(vm, &args.pos[0], "charmap_build", 1)?;
    let d = Value::dict(Default::default());
    for (i, c) in table.chars().enumerate().take(256) {
        vm.setitem(&d, &Value::Int(c as i64), Value::Int(i as i64))?;
    }
    Ok(d)
}

/// `str.encode(encoding, errors)`: aio's built-in codecs directly, any other through
/// the registry (`_PyCodec_EncodeText`), which must give bytes.
pub fn encode_text(vm: &mut Vm, s: &str, encoding: &str, errors: &str) -> PyResult<Value> {
    if let Some(c) = tc::find_codec(encoding) {
        return encode_with(s, c, errors).map(Value::bytes);
    }
    let r = registry_text_codec(vm, Value::str(s), encoding, errors, 0)?;
    if bytes_data(&r).is_some()
        && !matches!(&r, Value::Obj(o) if matches!(&**o, Obj::MemoryView(_)))
    {
        return Ok(r);
    }
    Err(type_error(format!(
        "'{encoding}' encoder returned '{}' instead of 'bytes'; use codecs.encode() to encode to arbitrary types",
        vm.type_name(&r)
    )))
}

/// `bytes.decode(encoding, errors)`, as `encode_text`: the decoder must give a str.
pub fn decode_text(vm: &mut Vm, data: &[u8], encoding: &str, errors: &str) -> PyResult<Value> {
    if let Some(c) = tc::find_codec(encoding) {
        return decode_with(data, c, errors, true).map(|(s, _)| Value::string(s));
    }
    let r = registry_text_codec(vm, Value::bytes(data.to_vec()), encoding, errors, 1)?;
    if r.as_str().is_some() {
        return Ok(r);
    }
    Err(type_error(format!(
        "'{encoding}' decoder returned '{}' instead of 'str'; use codecs.decode() to decode to arbitrary types",
        vm.type_name(&r)
    )))
}

/// The registry's codec for `encoding` applied to `obj`, refused when the codec is not
/// a text encoding (`_is_text_encoding` false), as `_PyCodec_LookupTextEncoding`.
fn registry_text_codec(
    vm: &mut Vm,
    obj: Value,
    encoding: &str,
    errors: &str,
    index: i64,
) -> PyResult<Value> {
    let info = lookup_codec(vm, encoding)?;
    let is_text = vm.get_attr_opt(&info, &Value::str("_is_text_encoding"))?;
    if let Some(flag) = is_text {
        if !vm.truthy(&flag)? {
            let what = if index == 0 { "encode" } else { "decode" };
            return Err(exc(
                ExcKind::LookupError,
                format!(
                    "'{encoding}' is not a text encoding; use codecs.{what}() to handle arbitrary codecs"
                ),
            ));
        }
    }
    let f = vm.getitem(&info, &Value::Int(index))?;
    let r = vm
        .call(&f, &[obj, Value::str(errors)])
        .map_err(|e| wrap_codec_error(vm, e, index, encoding))?;
    match &r {
        Value::Obj(o) => match &**o {
            Obj::Tuple(t) if t.len() == 2 => Ok(t.first().cloned().unwrap_or(Value::None)),
            _ if index == 0 => Err(type_error("encoder must return a tuple (object, integer)")),
            _ => Err(type_error("decoder must return a tuple (object, integer)")),
        },
        _ if index == 0 => Err(type_error("encoder must return a tuple (object, integer)")),
        _ => Err(type_error("decoder must return a tuple (object, integer)")),
    }
}

pub fn register_module(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("register", register),
        ("unregister", unregister),
        ("lookup", lookup),
        ("encode", encode),
        ("decode", decode),
        ("utf_8_encode", utf_8_encode),
        ("utf_8_decode", utf_8_decode),
        ("utf_16_encode", utf_16_encode),
        ("utf_16_le_encode", utf_16_le_encode),
        ("utf_16_be_encode", utf_16_be_encode),
        ("utf_16_decode", utf_16_decode),
        ("utf_16_le_decode", utf_16_le_decode),
        ("utf_16_be_decode", utf_16_be_decode),
        ("utf_16_ex_decode", utf_16_ex_decode),
        ("utf_32_encode", utf_32_encode),
        ("utf_32_le_encode", utf_32_le_encode),
        ("utf_32_be_encode", utf_32_be_encode),
        ("utf_32_decode", utf_32_decode),
        ("utf_32_le_decode", utf_32_le_decode),
        ("utf_32_be_decode", utf_32_be_decode),
        ("utf_32_ex_decode", utf_32_ex_decode),
        ("latin_1_encode", latin_1_encode),
        ("latin_1_decode", latin_1_decode),
        ("ascii_encode", ascii_encode),
        ("ascii_decode", ascii_decode),
        ("unicode_escape_encode", unicode_escape_encode),
        ("unicode_escape_decode", unicode_escape_decode),
        ("raw_unicode_escape_encode", raw_unicode_escape_encode),
        ("raw_unicode_escape_decode", raw_unicode_escape_decode),
        ("escape_encode", escape_encode),
        ("escape_decode", escape_decode),
        ("charmap_encode", charmap_encode),
        ("charmap_decode", charmap_decode),
        ("charmap_build", charmap_build),
        ("register_error", register_error),
        ("lookup_error", lookup_error),
    ];
    super::sys::new_module(vm, "_codecs", funcs);
}
