//! The `unicodedata` module as CPython 3.11 has it (Unicode 14.0.0). Character properties,
//! decompositions, NFC compositions, named sequences, aliases and which code points have a
//! name come from tables generated out of CPython 3.11 itself
//! (tools/gen_unicodedata_tables.py → unicodedata_tables.rs), so no crate's newer Unicode
//! version leaks in. The name strings come from unicode_names2 (already used for `\N{...}`;
//! names never change once assigned, and the generated NAMED ranges keep out the characters
//! Unicode 14.0 did not name). Normalization is in unicodedata_normalize.rs.

use super::unicodedata_normalize::{normalize, Form};
use super::unicodedata_tables as t;
use crate::obj::function::{Args, NativeFn};
use crate::obj::methods::bytes::bytes_data;
use crate::vm::errors::{key_error, type_error, value_error, PyResult};
use crate::vm::payload::builtin_view;
use crate::vm::value::Value;
use crate::vm::Vm;

/// CPython's NAME_MAXLEN: longer names are refused before any lookup.
const NAME_MAXLEN: usize = 256;

pub fn record(c: char) -> &'static t::Record {
    let cp = c as u32;
    let i = t::RUNS.partition_point(|&(start, _)| start <= cp);
    let rec = t::RUNS.get(i.wrapping_sub(1)).map_or(0, |r| r.1 as usize);
    &t::RECORDS[rec.min(t::RECORDS.len() - 1)]
}

/// The general category's name (`unicodedata.category(c)`).
pub fn category(c: char) -> &'static str {
    t::CATEGORIES
        .get(record(c).0 as usize)
        .copied()
        .unwrap_or("Cn")
}

pub fn combining(c: char) -> u8 {
    record(c).2
}

/// The decomposition() text and full canonical / compatibility decompositions of `c`.
pub fn decomposition_of(
    c: char,
) -> Option<&'static (u32, &'static str, &'static str, &'static str)> {
    let cp = c as u32;
    t::DECOMPOSITIONS
        .binary_search_by_key(&cp, |d| d.0)
        .ok()
        .and_then(|i| t::DECOMPOSITIONS.get(i))
}

pub fn compose_pair(a: char, b: char) -> Option<char> {
    let key = (a as u32, b as u32);
    let i = t::COMPOSITIONS
        .binary_search_by_key(&key, |&(x, y, _)| (x, y))
        .ok()?;
    char::from_u32(t::COMPOSITIONS.get(i)?.2)
}

fn has_name(c: char) -> bool {
    let cp = c as u32;
    let i = t::NAMED.partition_point(|&(start, _)| start <= cp);
    i > 0 && t::NAMED.get(i - 1).is_some_and(|&(_, end)| cp <= end)
}

/// Argument Clinic's name for a wrongly typed argument: `None` for None, else the type.
fn clinic_type_name(vm: &Vm, v: &Value) -> String {
    match v {
        Value::None => "None".to_string(),
        _ => vm.type_name(v).to_string(),
    }
}

/// The one character of a `name()`-style argument, with CPython's messages.
fn one_char(vm: &Vm, v: &Value, func: &str, numbered: bool) -> PyResult<char> {
    let mut chars = builtin_view(v).as_str().map(|s| s.chars());
    if let Some(it) = &mut chars {
        if let (Some(c), None) = (it.next(), it.next()) {
            return Ok(c);
        }
    }
    let argument = if numbered { "argument 1" } else { "argument" };
    Err(type_error(format!(
        "{func}() {argument} must be a unicode character, not {}",
        clinic_type_name(vm, v)
    )))
}

fn single(vm: &mut Vm, args: &Args, func: &str) -> PyResult<char> {
    args.check(&format!("unicodedata.{func}"), 1, 1)?;
    one_char(vm, &args.pos[0], func, false)
}

/// The character and the optional default of `name`, `decimal`, `digit` and `numeric`.
fn with_default<'a>(
    vm: &mut Vm,
    args: &'a Args,
    func: &str,
) -> PyResult<(char, Option<&'a Value>)> {
    args.check(func, 1, 2)?;
    Ok((one_char(vm, &args.pos[0], func, true)?, args.pos.get(1)))
}

fn or_default(default: Option<&Value>, msg: &str) -> PyResult<Value> {
    default.cloned().ok_or_else(|| value_error(msg))
}

fn u_category(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let c = single(vm, args, "category")?;
    Ok(Value::str(
        t::CATEGORIES.get(record(c).0 as usize).unwrap_or(&"Cn"),
    ))
}

fn u_bidirectional(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let c = single(vm, args, "bidirectional")?;
    Ok(Value::str(t::BIDI.get(record(c).1 as usize).unwrap_or(&"")))
}

fn u_combining(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let c = single(vm, args, "combining")?;
    Ok(Value::Int(combining(c) as i64))
}

fn u_east_asian_width(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let c = single(vm, args, "east_asian_width")?;
    Ok(Value::str(
        t::WIDTHS.get(record(c).3 as usize).unwrap_or(&"N"),
    ))
}

fn u_mirrored(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let c = single(vm, args, "mirrored")?;
    Ok(Value::Int(record(c).4 as i64))
}

fn u_decomposition(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let c = single(vm, args, "decomposition")?;
    // Hangul syllables decompose by rule in normalize(), but CPython reports no text.
    Ok(Value::str(decomposition_of(c).map_or("", |d| d.1)))
}

fn u_decimal(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (c, default) = with_default(vm, args, "decimal")?;
    match record(c).5 {
        d if d >= 0 => Ok(Value::Int(d as i64)),
        _ => or_default(default, "not a decimal"),
    }
}

fn u_digit(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (c, default) = with_default(vm, args, "digit")?;
    match record(c).6 {
        d if d >= 0 => Ok(Value::Int(d as i64)),
        _ => or_default(default, "not a digit"),
    }
}

fn u_numeric(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (c, default) = with_default(vm, args, "numeric")?;
    match record(c).7 {
        0 => or_default(default, "not a numeric character"),
        i => Ok(Value::Float(
            t::NUMERICS.get(i as usize).copied().unwrap_or(0.0),
        )),
    }
}

fn u_name(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (c, default) = with_default(vm, args, "name")?;
    if has_name(c) {
        if let Some(name) = unicode_names2::name(c) {
            return Ok(Value::str(&name.to_string()));
        }
    }
    or_default(default, "no such name")
}

/// The character (or named sequence) called `name`, as CPython's `_getcode` finds it
/// for `unicodedata.lookup`.
fn look_up(name: &str) -> Option<String> {
    let upper = name.to_ascii_uppercase();
    if let Ok(i) = t::NAMED_SEQUENCES.binary_search_by(|(n, _)| (*n).cmp(upper.as_str())) {
        return t::NAMED_SEQUENCES.get(i).map(|s| s.1.to_string());
    }
    char_named(name).map(String::from)
}

/// The character called `name` or one of its aliases, as CPython's `_getcode` finds it
/// without named sequences (what `\N{...}` in literals and the unicode_escape codec use):
/// ASCII case is ignored except in the names computed from the code point, and only the
/// names Unicode 14.0 assigned count.
pub fn char_named(name: &str) -> Option<char> {
    if name.len() > NAME_MAXLEN {
        return None;
    }
    let upper = name.to_ascii_uppercase();
    if let Ok(i) = t::ALIASES.binary_search_by(|(n, _)| (*n).cmp(upper.as_str())) {
        return t::ALIASES.get(i).and_then(|a| char::from_u32(a.1));
    }
    let computed = ["CJK UNIFIED IDEOGRAPH-", "HANGUL SYLLABLE "]
        .iter()
        .any(|p| upper.starts_with(p));
    if computed && name != upper {
        return None;
    }
    // unicode_names2 also ignores spaces, `_` and medial `-` (UAX44-LM2), which CPython
    // does not: the name must be spelled exactly.
    let c = unicode_names2::character(name)?;
    let exact = unicode_names2::name(c).is_some_and(|n| n.to_string() == upper);
    (exact && has_name(c)).then_some(c)
}

fn u_lookup(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("unicodedata.lookup", 1, 1)?;
    let v = &args.pos[0];
    let name = match builtin_view(v).as_str() {
        Some(s) => s.to_string(),
        None if matches!(v, Value::Obj(o) if matches!(&**o, crate::obj::Obj::Bytes(_))) => {
            String::from_utf8_lossy(&bytes_data(v).unwrap_or_default()).into_owned()
        }
        None if bytes_data(v).is_some() => {
            return Err(type_error(format!(
                "lookup() argument must be read-only bytes-like object, not {}",
                vm.type_name(v)
            )))
        }
        None => {
            return Err(type_error(format!(
                "a bytes-like object is required, not '{}'",
                vm.type_name(v)
            )))
        }
    };
    if name.len() > NAME_MAXLEN {
        return Err(key_error(Value::str("name too long")));
    }
    match look_up(&name) {
        Some(s) => Ok(Value::str(&s)),
        None => Err(key_error(Value::str(&format!(
            "undefined character name '{name}'"
        )))),
    }
}

/// The form and text of `normalize` / `is_normalized`.
fn form_and_text(vm: &mut Vm, args: &Args, func: &str) -> PyResult<(Form, String)> {
    args.check(func, 2, 2)?;
    let mut parts = Vec::with_capacity(2);
    for (i, v) in args.pos.iter().enumerate() {
        match builtin_view(v).as_str() {
            Some(s) => parts.push(s.to_string()),
            None => {
                return Err(type_error(format!(
                    "{func}() argument {} must be str, not {}",
                    i + 1,
                    clinic_type_name(vm, v)
                )))
            }
        }
    }
    let form = match parts[0].as_str() {
        "NFC" => Form::Nfc,
        "NFKC" => Form::Nfkc,
        "NFD" => Form::Nfd,
        "NFKD" => Form::Nfkd,
        _ => return Err(value_error("invalid normalization form")),
    };
    Ok((form, parts.pop().unwrap_or_default()))
}

fn u_normalize(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (form, text) = form_and_text(vm, args, "normalize")?;
    if text.is_ascii() {
        return Ok(args.pos[1].clone());
    }
    Ok(Value::str(&normalize(&text, form)))
}

fn u_is_normalized(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    let (form, text) = form_and_text(vm, args, "is_normalized")?;
    Ok(Value::Bool(
        text.is_ascii() || normalize(&text, form) == text,
    ))
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("bidirectional", u_bidirectional),
        ("category", u_category),
        ("combining", u_combining),
        ("decimal", u_decimal),
        ("decomposition", u_decomposition),
        ("digit", u_digit),
        ("east_asian_width", u_east_asian_width),
        ("is_normalized", u_is_normalized),
        ("lookup", u_lookup),
        ("mirrored", u_mirrored),
        ("name", u_name),
        ("normalize", u_normalize),
        ("numeric", u_numeric),
    ];
    let (_, d) = super::sys::new_module(vm, "unicodedata", funcs);
    super::sys::set_attr(vm, &d, "unidata_version", Value::str("14.0.0"));
}
