//! Methods of `str`, `str.format` and `str % args`.

use super::int::not_impl;
use super::slice::{in_range, opt_bound, seq_index, Index};
use super::text_common::{expand_tabs, is_titlecased, Case, Tabs};
use crate::obj::function::Args;
use crate::obj::number::{as_int, fmt_err, IntRef};
use crate::obj::{DictData, Obj, StrObj};
use crate::syntax::ast::CmpOp;
use crate::text::{self, search, FormatError, PrintfArg};
use crate::vm::errors::{
    exc, index_error, memory_error, type_error, value_error, ExcRef, PyResult,
};
use crate::vm::payload::builtin_view;
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use crate::vm::Vm;
use num_bigint::BigInt;
use std::cell::RefCell;

/// Largest string (in bytes) a repeat or padding may build before MemoryError.
pub const MAX_STR_BYTES: usize = 1 << 32;

fn this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a StrObj> {
    let receiver = match a.pos.first() {
        Some(v) => v
            .as_strobj()
            .ok_or_else(|| super::wrong_receiver(name, "str", &vm.type_name(v))),
        None => Err(super::receiver_missing(name, "str")),
    }?;
    super::unary_slot_arity(a, name)?;
    Ok(receiver)
}

/// A required str argument with CPython's "must be str, not int" message.
fn str_arg<'a>(vm: &Vm, v: &'a Value, what: &str) -> PyResult<&'a str> {
    builtin_view(v)
        .as_str()
        .ok_or_else(|| type_error(format!("{what} must be str, not {}", vm.type_name(v))))
}

/// Byte offset of character index `ci` in `s` (clamped to the end).
#[inline]
fn byte_at(so: &StrObj, ci: usize) -> usize {
    if so.ascii {
        return ci.min(so.s.len());
    }
    so.s.char_indices()
        .nth(ci)
        .map(|(b, _)| b)
        .unwrap_or(so.s.len())
}

/// Character index of byte offset `b`.
#[inline]
fn char_at(so: &StrObj, b: usize) -> usize {
    if so.ascii {
        return b;
    }
    so.s[..b].chars().count()
}

/// `(start, end)` optional args of find/count/startswith resolved to byte offsets, or
/// None when start is past the end (nothing can match, not even the empty string).
fn sub_range(vm: &mut Vm, so: &StrObj, a: &Args, first: usize) -> PyResult<Option<(usize, usize)>> {
    if a.pos.len() <= first {
        return Ok(Some((0, so.s.len())));
    }
    let start = opt_bound(vm, a.pos.get(first))?;
    let end = opt_bound(vm, a.pos.get(first + 1))?;
    let len = so.char_len() as i64;
    let fix = |v: i64| if v < 0 { (v + len).max(0) } else { v.min(len) };
    let s = start.map(fix).unwrap_or(0);
    let e = end.map(fix).unwrap_or(len);
    if start.is_some_and(|st| st > len) || s > e {
        return Ok(None);
    }
    Ok(Some((byte_at(so, s as usize), byte_at(so, e as usize))))
}

fn new_str(s: String) -> Value {
    Value::string(s)
}

// ---- construction and protocol methods ----

fn str_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "str")?;
    a.only_kwargs("str", &["object", "encoding", "errors"])?;
    let args = a.pos.get(1..).unwrap_or(&[]);
    if args.len() > 3 {
        return Err(type_error(format!(
            "str() takes at most 3 arguments ({} given)",
            args.len()
        )));
    }
    let obj = args.first().or_else(|| a.kw("object"));
    let encoding = args.get(1).or_else(|| a.kw("encoding"));
    let errors = args.get(2).or_else(|| a.kw("errors"));
    let Some(obj) = obj else {
        return Ok(Value::str(""));
    };
    if encoding.is_none() && errors.is_none() {
        return vm.to_str_value(obj);
    }
    let enc = match encoding {
        Some(e) => str_arg(vm, e, "str() argument 'encoding'")?.to_string(),
        None => "utf-8".into(),
    };
    let errs = match errors {
        Some(e) => str_arg(vm, e, "str() argument 'errors'")?.to_string(),
        None => "strict".into(),
    };
    match super::bytes::bytes_data(obj) {
        Some(data) => crate::modules::codecs::decode_text(vm, &data, &enc, &errs),
        None => {
            if obj.as_str().is_some() {
                return Err(type_error("decoding str is not supported"));
            }
            Err(type_error(format!(
                "decoding to str: need a bytes-like object, {} found",
                vm.type_name(obj)
            )))
        }
    }
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "__repr__")?;
    Ok(new_str(text::str_repr(s.as_str())))
}
fn str_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__str__")?;
    Ok(a.pos[0].clone())
}
fn hash(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "__hash__")?.hash()))
}
fn len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "__len__")?.char_len() as i64))
}

/// `s[key]` for a str.
pub fn str_getitem(vm: &mut Vm, s: &Value, key: &Value) -> PyResult<Value> {
    let Some(so) = s.as_strobj() else {
        return Err(type_error("expected str"));
    };
    let n = so.char_len();
    let idx = match seq_index(vm, key, n, "string") {
        Ok(i) => i,
        Err(e) if e.is(ExcKind::TypeError) && as_int(key).is_none() && !is_slice(key) => {
            return Err(type_error(format!(
                "string indices must be integers, not '{}'",
                vm.type_name(key)
            )))
        }
        Err(e) => return Err(e),
    };
    match idx {
        Index::At(i) => {
            let Some(i) = in_range(i, n) else {
                return Err(index_error("string index out of range"));
            };
            if so.ascii {
                let b = so.s.as_bytes()[i];
                return Ok(vm.char_str(char::from(b)));
            }
            Ok(match so.s.chars().nth(i) {
                Some(c) => vm.char_str(c),
                None => Value::str(""),
            })
        }
        Index::Slice(sl) => {
            if sl.len == n && sl.step == 1 {
                return Ok(s.clone());
            }
            if sl.len == 0 {
                return Ok(Value::str(""));
            }
            if sl.step == 1 {
                let (b0, b1) = (
                    byte_at(so, sl.start as usize),
                    byte_at(so, sl.start as usize + sl.len),
                );
                return Ok(crate::obj::str::from_piece(&so.s[b0..b1], so.ascii));
            }
            let mut out = String::with_capacity(sl.len);
            if so.ascii {
                let bytes = so.s.as_bytes();
                for p in sl.positions() {
                    out.push(bytes[p] as char);
                }
            } else {
                let chars: Vec<char> = so.s.chars().collect();
                for p in sl.positions() {
                    out.push(chars[p]);
                }
            }
            Ok(new_str(out))
        }
    }
}

fn is_slice(v: &Value) -> bool {
    matches!(v, Value::Obj(o) if matches!(&**o, Obj::Slice(_)))
}

fn getitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__getitem__")?;
    a.check_slot("__getitem__", 1)?;
    str_getitem(vm, &a.pos[0], &a.pos[1])
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "__contains__")?;
    a.check_slot("__contains__", 1)?;
    match builtin_view(&a.pos[1]).as_str() {
        Some(sub) => Ok(Value::Bool(search::find(s.as_str(), sub).is_some())),
        None => Err(type_error(format!(
            "'in <string>' requires string as left operand, not {}",
            vm.type_name(&a.pos[1])
        ))),
    }
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__iter__")?;
    vm.iter(&a.pos[0])
}

fn add(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "__add__")?;
    a.check_slot("__add__", 1)?;
    match builtin_view(&a.pos[1]).as_str() {
        Some(t) => {
            let mut out = String::with_capacity(s.s.len() + t.len());
            out.push_str(s.as_str());
            out.push_str(t);
            Ok(new_str(out))
        }
        None => Err(type_error(format!(
            "can only concatenate str (not \"{}\") to str",
            vm.type_name(&a.pos[1])
        ))),
    }
}

/// The repeat count of `seq * n`: None when `n` is not an int (NotImplemented).
pub fn repeat_count(vm: &mut Vm, n: &Value) -> PyResult<Option<usize>> {
    match as_int(n) {
        Some(IntRef::Small(i)) => Ok(Some(i.max(0) as usize)),
        Some(IntRef::Big(b)) => {
            if num_traits::Signed::is_negative(b) {
                Ok(Some(0))
            } else {
                Err(exc(
                    ExcKind::OverflowError,
                    "cannot fit 'int' into an index-sized integer",
                ))
            }
        }
        None => {
            if matches!(n, Value::Obj(_)) && vm.lookup_special(n, "__index__").is_some() {
                let i = vm.index_value(n)?;
                return Ok(Some(i.max(0) as usize));
            }
            Ok(None)
        }
    }
}

/// Checks that `unit * count` bytes/items stay within `MAX_STR_BYTES`.
pub fn check_repeat(unit: usize, count: usize) -> PyResult<()> {
    match unit.checked_mul(count) {
        Some(t) if t <= MAX_STR_BYTES => Ok(()),
        _ => Err(memory_error()),
    }
}

fn mul(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "__mul__")?;
    a.check_slot_unpacked("__mul__", 1, 1)?;
    let Some(n) = repeat_count(vm, &a.pos[1])? else {
        return Ok(not_impl(vm));
    };
    if n == 1 {
        return Ok(a.pos[0].clone());
    }
    if s.s.is_empty() || n == 0 {
        return Ok(Value::str(""));
    }
    check_repeat(s.s.len(), n)?;
    Ok(new_str(s.as_str().repeat(n)))
}

fn cmp(vm: &mut Vm, a: &Args, op: CmpOp, name: &str) -> PyResult<Value> {
    let s = this(vm, a, name)?;
    a.check(name, 2, 2)?;
    let Some(t) = builtin_view(&a.pos[1]).as_str() else {
        return Ok(not_impl(vm));
    };
    let x = s.as_str();
    Ok(Value::Bool(op.ordered(x, t).unwrap_or(false)))
}
rich_comparisons!(cmp);

/// `format(v, spec)`: fast paths for the builtin kinds, else `type(v).__format__`.
pub fn format_value(vm: &mut Vm, v: &Value, spec: &str) -> PyResult<String> {
    match v {
        Value::Int(i) if spec.is_empty() => return Ok(i.to_string()),
        Value::Int(i) => {
            return text::format_int(&BigInt::from(*i), spec).map_err(fmt_err);
        }
        Value::Float(x) => {
            if spec.is_empty() {
                return Ok(text::float_repr(*x));
            }
            return text::format_float(*x, spec).map_err(fmt_err);
        }
        Value::Obj(o) => {
            if let Obj::Str(s) = &**o {
                return text::format_str(s.as_str(), spec).map_err(fmt_err);
            }
        }
        _ => {}
    }
    match vm.lookup_special(v, "__format__") {
        Some(f) => {
            let r = vm.call(&f, &[v.clone(), Value::str(spec)])?;
            match r.as_str() {
                Some(s) => Ok(s.to_string()),
                None => Err(type_error(format!(
                    "__format__ must return a str, not {}",
                    vm.type_name(&r)
                ))),
            }
        }
        None => {
            if spec.is_empty() {
                vm.to_str(v)
            } else {
                Err(type_error(format!(
                    "unsupported format string passed to {}.__format__",
                    vm.type_name(v)
                )))
            }
        }
    }
}

fn format_dunder(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "__format__")?;
    a.check_method("str", "__format__", 2, 2)?;
    let spec = str_arg(vm, &a.pos[1], "__format__() argument")?;
    text::format_str(s.as_str(), spec)
        .map(new_str)
        .map_err(fmt_err)
}

// ---- printf-style formatting ----

/// Lets `text::printf_format` call back into the VM for one argument.
struct VmArg<'a, 'v> {
    vm: &'a RefCell<&'v mut Vm>,
    v: Value,
    err: &'a RefCell<Option<ExcRef>>,
}

const STASHED: &str = "\u{0}aio-stashed-exception";

fn stash(err: &RefCell<Option<ExcRef>>, e: ExcRef) -> FormatError {
    *err.borrow_mut() = Some(e);
    FormatError::value(STASHED)
}

impl PrintfArg for VmArg<'_, '_> {
    fn as_str(&self) -> Result<String, FormatError> {
        let r = self.vm.borrow_mut().to_str(&self.v);
        r.map_err(|e| stash(self.err, e))
    }
    fn as_repr(&self) -> Result<String, FormatError> {
        let r = self.vm.borrow_mut().repr(&self.v);
        r.map_err(|e| stash(self.err, e))
    }
    fn as_int(&self) -> Result<BigInt, FormatError> {
        if let Some(i) = as_int(&self.v) {
            return Ok(i.big().into_owned());
        }
        if let Value::Float(x) = self.v {
            return text::float_ops::float_to_bigint(x);
        }
        let mut vm = self.vm.borrow_mut();
        for name in ["__index__", "__int__"] {
            if vm.lookup_special(&self.v, name).is_some() {
                let r = vm
                    .call_method(&self.v, name, &[])
                    .map_err(|e| stash(self.err, e))?;
                if let Some(i) = as_int(&r) {
                    return Ok(i.big().into_owned());
                }
            }
        }
        Err(FormatError::type_error("not a number"))
    }
    fn as_float(&self) -> Result<f64, FormatError> {
        match &self.v {
            Value::Float(x) => Ok(*x),
            v if as_int(v).is_some() => match as_int(v) {
                Some(i) => i.to_f64().map_err(|e| stash(self.err, e)),
                None => Err(FormatError::type_error("not a number")),
            },
            v => {
                let mut vm = self.vm.borrow_mut();
                if vm.lookup_special(v, "__float__").is_some()
                    || vm.lookup_special(v, "__index__").is_some()
                {
                    return super::float::float_from(&mut vm, v).map_err(|e| stash(self.err, e));
                }
                Err(FormatError::type_error("not a number"))
            }
        }
    }
    fn type_name(&self) -> String {
        self.vm.borrow().type_name(&self.v).to_string()
    }
    fn as_index(&self) -> Result<BigInt, FormatError> {
        if let Value::Float(_) = self.v {
            return Err(FormatError::type_error("not an integer"));
        }
        if let Some(i) = as_int(&self.v) {
            return Ok(i.big().into_owned());
        }
        let mut vm = self.vm.borrow_mut();
        if vm.lookup_special(&self.v, "__index__").is_some() {
            let r = vm
                .call_method(&self.v, "__index__", &[])
                .map_err(|e| stash(self.err, e))?;
            if let Some(i) = as_int(&r) {
                return Ok(i.big().into_owned());
            }
        }
        Err(FormatError::type_error("not an integer"))
    }
    fn as_single_char(&self) -> Option<char> {
        let s = self.v.as_str()?;
        let mut it = s.chars();
        let c = it.next()?;
        if it.next().is_none() {
            Some(c)
        } else {
            None
        }
    }
}

/// A mapping value whose conversions were computed before formatting (the mapping
/// callback must return owned arguments).
struct PreArg {
    s: Option<Result<String, FormatError>>,
    r: Option<Result<String, FormatError>>,
    i: Option<Result<BigInt, FormatError>>,
    ix: Option<Result<BigInt, FormatError>>,
    f: Option<Result<f64, FormatError>>,
    tname: String,
    ch: Option<char>,
}

fn missing() -> FormatError {
    FormatError::type_error("not available")
}

impl PrintfArg for PreArg {
    fn as_str(&self) -> Result<String, FormatError> {
        self.s.clone().unwrap_or_else(|| Err(missing()))
    }
    fn as_repr(&self) -> Result<String, FormatError> {
        self.r.clone().unwrap_or_else(|| Err(missing()))
    }
    fn as_int(&self) -> Result<BigInt, FormatError> {
        self.i.clone().unwrap_or_else(|| Err(missing()))
    }
    fn as_float(&self) -> Result<f64, FormatError> {
        self.f.clone().unwrap_or_else(|| Err(missing()))
    }
    fn type_name(&self) -> String {
        self.tname.clone()
    }
    fn as_index(&self) -> Result<BigInt, FormatError> {
        self.ix.clone().unwrap_or_else(|| Err(missing()))
    }
    fn as_single_char(&self) -> Option<char> {
        self.ch
    }
}

/// `(key, conversion char)` for each `%(key)X` in a printf format.
fn mapping_keys(fmt: &str) -> Vec<(String, char)> {
    let c: Vec<char> = fmt.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] != '%' {
            i += 1;
            continue;
        }
        i += 1;
        if c.get(i) == Some(&'%') {
            i += 1;
            continue;
        }
        if c.get(i) != Some(&'(') {
            continue;
        }
        let mut depth = 1;
        let start = i + 1;
        i += 1;
        while i < c.len() && depth > 0 {
            if c[i] == '(' {
                depth += 1;
            } else if c[i] == ')' {
                depth -= 1;
            }
            i += 1;
        }
        let key: String = c[start..i.saturating_sub(1).max(start)].iter().collect();
        while i < c.len() && "-+ #0123456789.*hlL".contains(c[i]) {
            i += 1;
        }
        out.push((key, c.get(i).copied().unwrap_or('s')));
    }
    out
}

/// `fmt % args` for str.
pub fn str_mod(vm: &mut Vm, fmt: &str, args: &Value) -> PyResult<String> {
    let is_tuple = builtin_view(args).as_tuple().is_some();
    let is_mapping = !is_tuple
        && args.as_str().is_none()
        && matches!(args, Value::Obj(o) if !matches!(&**o, Obj::Str(_)))
        && (matches!(args, Value::Obj(o) if matches!(&**o, Obj::Dict(_)))
            || vm.lookup_special(args, "__getitem__").is_some());
    let mut pre: Vec<(String, PreArg)> = Vec::new();
    if is_mapping {
        for (key, conv) in mapping_keys(fmt) {
            if pre.iter().any(|(k, _)| *k == key) {
                continue;
            }
            let v = vm.getitem(args, &Value::string(key.clone()))?;
            let err = RefCell::new(None);
            let tname = vm.type_name(&v).to_string();
            let p = {
                let cell = RefCell::new(&mut *vm);
                let va = VmArg {
                    vm: &cell,
                    v: v.clone(),
                    err: &err,
                };
                let mut p = PreArg {
                    s: None,
                    r: None,
                    i: None,
                    ix: None,
                    f: None,
                    tname,
                    ch: va.as_single_char(),
                };
                match conv {
                    's' => p.s = Some(va.as_str()),
                    'r' | 'a' => p.r = Some(va.as_repr()),
                    'd' | 'i' | 'u' => p.i = Some(va.as_int()),
                    'o' | 'x' | 'X' | 'c' => p.ix = Some(va.as_index()),
                    'e' | 'E' | 'f' | 'F' | 'g' | 'G' => p.f = Some(va.as_float()),
                    _ => {}
                }
                p
            };
            if let Some(e) = err.into_inner() {
                return Err(e);
            }
            pre.push((key, p));
        }
    }
    let err = RefCell::new(None);
    let items: Vec<Value> = match builtin_view(args).as_tuple() {
        Some(t) => t.to_vec(),
        None => vec![args.clone()],
    };
    let r = {
        let cell = RefCell::new(&mut *vm);
        let wrapped: Vec<VmArg> = items
            .iter()
            .map(|v| VmArg {
                vm: &cell,
                v: v.clone(),
                err: &err,
            })
            .collect();
        let refs: Vec<&dyn PrintfArg> = wrapped.iter().map(|w| w as &dyn PrintfArg).collect();
        let lookup = |k: &str| -> Result<Box<dyn PrintfArg>, FormatError> {
            match pre.iter().position(|(key, _)| key == k) {
                Some(i) => {
                    let p = &pre[i].1;
                    Ok(Box::new(PreArg {
                        s: p.s.clone(),
                        r: p.r.clone(),
                        i: p.i.clone(),
                        ix: p.ix.clone(),
                        f: p.f.clone(),
                        tname: p.tname.clone(),
                        ch: p.ch,
                    }))
                }
                None => Err(FormatError::value("missing key")),
            }
        };
        if is_mapping {
            text::printf_format(fmt, &refs, Some(&lookup))
        } else {
            text::printf_format(fmt, &refs, None)
        }
    };
    match r {
        Ok(s) => Ok(s),
        Err(e) => match err.into_inner() {
            Some(x) if e.msg == STASHED => Err(x),
            _ => Err(fmt_err(e)),
        },
    }
}

fn mod_(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "__mod__")?;
    a.check_slot("__mod__", 1)?;
    let fmt = s.as_str().to_string();
    str_mod(vm, &fmt, &a.pos[1]).map(new_str)
}

/// `str.__rmod__(self, other)`: `other % self` when `other` is a str, else NotImplemented.
fn rmod(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__rmod__")?;
    a.check_slot("__rmod__", 1)?;
    match a.pos[1].as_strobj() {
        Some(fmt) => {
            let fmt = fmt.as_str().to_string();
            str_mod(vm, &fmt, &a.pos[0]).map(new_str)
        }
        None => Ok(super::int::not_impl(vm)),
    }
}

// ---- str.format ----

enum Numbering {
    Unknown,
    Automatic(usize),
    Manual,
}

struct Fmt<'a> {
    args: &'a [Value],
    kwargs: Option<&'a Value>,
    auto: Numbering,
}

fn fmt_value_error(msg: &str) -> ExcRef {
    value_error(msg)
}

/// Where the replacement field whose name starts at `start` ends (its closing `}`), or
/// `b.len()` when the string ends first. As CPython reads it: in the name, an index in
/// brackets is taken whole (braces in it are text) and the character after `!` is the
/// conversion whatever it is; in the spec, braces nest.
fn field_end(b: &[u8], start: usize) -> usize {
    let mut nest = 1;
    let mut in_name = true;
    let mut j = start;
    while j < b.len() {
        match b[j] {
            b'[' if in_name => match b[j..].iter().position(|&c| c == b']') {
                Some(k) => j += k,
                None => return b.len(),
            },
            b'!' if in_name => {
                in_name = false;
                j += 1;
            }
            b':' if in_name => in_name = false,
            b'{' => nest += 1,
            b'}' => {
                nest -= 1;
                if nest == 0 {
                    return j;
                }
            }
            _ => {}
        }
        j += 1;
    }
    b.len()
}

impl Fmt<'_> {
    fn render(&mut self, vm: &mut Vm, f: &str, depth: usize) -> PyResult<String> {
        // CPython expands a spec's fields, but not those of a spec within a spec.
        if depth >= 2 {
            return Err(fmt_value_error("Max string recursion exceeded"));
        }
        let mut out = String::with_capacity(f.len() + 16);
        let b = f.as_bytes();
        let mut i = 0;
        let mut lit_start = 0;
        while i < b.len() {
            match b[i] {
                b'{' => {
                    out.push_str(&f[lit_start..i]);
                    if b.get(i + 1) == Some(&b'{') {
                        out.push('{');
                        i += 2;
                        lit_start = i;
                        continue;
                    }
                    let j = field_end(b, i + 1);
                    if j >= b.len() {
                        let rest = &f[i + 1..];
                        return Err(fmt_value_error(crate::text::unclosed_field::message(rest)));
                    }
                    let field = &f[i + 1..j];
                    let s = self.field(vm, field, depth)?;
                    out.push_str(&s);
                    i = j + 1;
                    lit_start = i;
                }
                b'}' => {
                    out.push_str(&f[lit_start..i]);
                    if b.get(i + 1) == Some(&b'}') {
                        out.push('}');
                        i += 2;
                        lit_start = i;
                        continue;
                    }
                    return Err(fmt_value_error("Single '}' encountered in format string"));
                }
                _ => i += 1,
            }
        }
        out.push_str(&f[lit_start..]);
        Ok(out)
    }

    fn field(&mut self, vm: &mut Vm, field: &str, depth: usize) -> PyResult<String> {
        // Split name [!conv] [:spec]; brackets in the name may contain ':' or '!'.
        let b = field.as_bytes();
        let mut k = 0;
        let mut in_bracket = false;
        while k < b.len() {
            match b[k] {
                b'[' => in_bracket = true,
                b']' => in_bracket = false,
                b'!' | b':' if !in_bracket => break,
                _ => {}
            }
            k += 1;
        }
        let name = &field[..k];
        let mut conv = None;
        let mut spec = "";
        let mut rest = &field[k..];
        if let Some(r) = rest.strip_prefix('!') {
            let mut it = r.chars();
            let c = it.next();
            let after = it.as_str();
            match c {
                None => {
                    return Err(fmt_value_error(
                        "end of string while looking for conversion specifier",
                    ))
                }
                Some(c) => conv = Some(c),
            }
            if !after.is_empty() && !after.starts_with(':') {
                return Err(fmt_value_error("expected ':' after conversion specifier"));
            }
            rest = after;
        }
        if let Some(r) = rest.strip_prefix(':') {
            spec = r;
        }
        let mut v = self.lookup(vm, name)?;
        if let Some(c) = conv {
            v = match c {
                'r' => new_str(vm.repr(&v)?),
                's' => vm.to_str_value(&v)?,
                'a' => new_str(text::ascii_escape(&vm.repr(&v)?)),
                c => {
                    return Err(fmt_value_error(&format!(
                        "Unknown conversion specifier {c}"
                    )));
                }
            };
        }
        let spec = if spec.contains('{') {
            self.render(vm, spec, depth + 1)?
        } else {
            spec.to_string()
        };
        format_value(vm, &v, &spec)
    }

    fn lookup(&mut self, vm: &mut Vm, name: &str) -> PyResult<Value> {
        let end = name.find(['.', '[']).unwrap_or(name.len());
        let first = &name[..end];
        let mut v = if first.is_empty() {
            let n = match self.auto {
                Numbering::Manual => return Err(fmt_value_error(
                    "cannot switch from manual field specification to automatic field numbering",
                )),
                Numbering::Unknown => 0,
                Numbering::Automatic(n) => n,
            };
            self.auto = Numbering::Automatic(n + 1);
            self.positional(n)?
        } else if let Ok(n) = first.parse::<usize>() {
            if let Numbering::Automatic(_) = self.auto {
                return Err(fmt_value_error(
                    "cannot switch from automatic field numbering to manual field specification",
                ));
            }
            self.auto = Numbering::Manual;
            self.positional(n)?
        } else {
            match self.kwargs {
                Some(m) => {
                    let key = Value::str(first);
                    vm.getitem(m, &key)?
                }
                None => return Err(crate::vm::errors::key_error(Value::str(first))),
            }
        };
        let mut rest = &name[end..];
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('.') {
                let e = r.find(['.', '[']).unwrap_or(r.len());
                let attr = &r[..e];
                if attr.is_empty() {
                    return Err(fmt_value_error("Empty attribute in format string"));
                }
                v = vm.get_attr_str(&v, attr)?;
                rest = &r[e..];
            } else if let Some(r) = rest.strip_prefix('[') {
                let Some(e) = r.find(']') else {
                    return Err(fmt_value_error("Missing ']' in format string"));
                };
                let key = &r[..e];
                if key.is_empty() {
                    return Err(fmt_value_error("Empty attribute in format string"));
                }
                let k = match key.parse::<i64>() {
                    Ok(n) if key.bytes().all(|c| c.is_ascii_digit()) => Value::Int(n),
                    _ => Value::str(key),
                };
                v = vm.getitem(&v, &k)?;
                rest = &r[e + 1..];
                if !rest.is_empty() && !rest.starts_with(['.', '[']) {
                    return Err(fmt_value_error(
                        "Only '.' or '[' may follow ']' in format field specifier",
                    ));
                }
            } else {
                break;
            }
        }
        Ok(v)
    }

    fn positional(&self, n: usize) -> PyResult<Value> {
        self.args.get(n).cloned().ok_or_else(|| {
            index_error(format!(
                "Replacement index {n} out of range for positional args tuple"
            ))
        })
    }
}

/// `fmt.format(*args, **kwargs)`; `kwargs` is a mapping value (or None).
pub fn str_format(
    vm: &mut Vm,
    fmt: &str,
    args: &[Value],
    kwargs: Option<&Value>,
) -> PyResult<String> {
    let mut f = Fmt {
        args,
        kwargs,
        auto: Numbering::Unknown,
    };
    f.render(vm, fmt, 0)
}

fn format(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "format")?;
    let fmt = s.as_str().to_string();
    let kw = if a.kwnames.is_empty() {
        None
    } else {
        let mut d = DictData::new();
        for (k, v) in a.kwnames.iter().zip(a.kwvalues.iter()) {
            crate::vm::dictops::set_str(&mut d, k.clone(), v.clone());
        }
        Some(Value::dict(d))
    };
    str_format(vm, &fmt, &a.pos[1..], kw.as_ref()).map(new_str)
}

fn format_map(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "format_map")?;
    a.check_method("str", "format_map", 2, 2)?;
    let fmt = s.as_str().to_string();
    str_format(vm, &fmt, &[], Some(&a.pos[1])).map(new_str)
}

// ---- searching ----

fn find_impl(vm: &mut Vm, a: &Args, name: &str, rev: bool) -> PyResult<Option<usize>> {
    let s = this(vm, a, name)?;
    a.no_kwargs_for("str", name)?;
    a.check_method_pos_tuple(name, 2, 4)?;
    let sub = builtin_view(&a.pos[1])
        .as_str()
        .ok_or_else(|| type_error(format!("must be str, not {}", vm.type_name(&a.pos[1]))))?;
    let Some((b0, b1)) = sub_range(vm, s, a, 2)? else {
        return Ok(None);
    };
    let hay = &s.as_str()[b0..b1];
    let found = if rev {
        search::rfind(hay, sub)
    } else {
        search::find(hay, sub)
    };
    Ok(found.map(|p| char_at(s, b0 + p)))
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
    match find_impl(vm, a, "index", false)? {
        Some(p) => Ok(Value::Int(p as i64)),
        None => Err(value_error("substring not found")),
    }
}
fn rindex(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    match find_impl(vm, a, "rindex", true)? {
        Some(p) => Ok(Value::Int(p as i64)),
        None => Err(value_error("substring not found")),
    }
}

fn count(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "count")?;
    a.no_kwargs("str.count")?;
    a.check_method_pos_tuple("count", 2, 4)?;
    let sub = a.pos[1]
        .as_str()
        .ok_or_else(|| type_error(format!("must be str, not {}", vm.type_name(&a.pos[1]))))?;
    let Some((b0, b1)) = sub_range(vm, s, a, 2)? else {
        return Ok(Value::Int(0));
    };
    let hay = &s.as_str()[b0..b1];
    let n = if sub.is_empty() {
        if s.ascii {
            hay.len() + 1
        } else {
            hay.chars().count() + 1
        }
    } else {
        search::matches(hay, sub).count()
    };
    Ok(Value::Int(n as i64))
}

fn starts_ends(vm: &mut Vm, a: &Args, name: &str, ends: bool) -> PyResult<Value> {
    let s = this(vm, a, name)?;
    a.no_kwargs_for("str", name)?;
    a.check_method_pos_tuple(name, 2, 4)?;
    let Some((b0, b1)) = sub_range(vm, s, a, 2)? else {
        return Ok(Value::Bool(false));
    };
    let hay = &s.as_str()[b0..b1];
    let test = |p: &str| {
        if ends {
            hay.ends_with(p)
        } else {
            hay.starts_with(p)
        }
    };
    if let Some(p) = builtin_view(&a.pos[1]).as_str() {
        return Ok(Value::Bool(test(p)));
    }
    if let Some(t) = builtin_view(&a.pos[1]).as_tuple() {
        for item in t {
            match builtin_view(item).as_str() {
                Some(p) => {
                    if test(p) {
                        return Ok(Value::Bool(true));
                    }
                }
                None => {
                    return Err(type_error(format!(
                        "tuple for {name} must only contain str, not {}",
                        vm.type_name(item)
                    )))
                }
            }
        }
        return Ok(Value::Bool(false));
    }
    Err(type_error(format!(
        "{name} first arg must be str or a tuple of str, not {}",
        vm.type_name(&a.pos[1])
    )))
}
fn startswith(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    starts_ends(vm, a, "startswith", false)
}
fn endswith(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    starts_ends(vm, a, "endswith", true)
}

// ---- splitting and joining ----

fn is_ws(c: char) -> bool {
    if c.is_ascii() {
        matches!(
            c,
            ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' | '\x1c'..='\x1f'
        )
    } else {
        text::is_space(c)
    }
}

fn maxsplit_arg(vm: &mut Vm, a: &Args, idx: usize) -> PyResult<i64> {
    match a.arg(idx, "maxsplit") {
        Some(v) => vm.ssize_value(v),
        None => Ok(-1),
    }
}

fn sep_arg<'a>(vm: &Vm, a: &'a Args) -> PyResult<Option<&'a str>> {
    match a.arg(1, "sep") {
        None | Some(Value::None) => Ok(None),
        Some(v) => match builtin_view(v).as_str() {
            Some("") => Err(value_error("empty separator")),
            Some(s) => Ok(Some(s)),
            None => Err(type_error(format!(
                "must be str or None, not {}",
                vm.type_name(v)
            ))),
        },
    }
}

/// Whitespace split (`sep=None`), left to right.
/// Pieces `split` makes room for before it knows how many there are (CPython's
/// `MAX_PREALLOC`): most lines split into fewer, and growing from nothing reallocates.
const SPLIT_PREALLOC: usize = 12;

pub fn split_whitespace(s: &str, maxsplit: i64) -> Vec<Value> {
    if s.is_ascii() && maxsplit < 0 {
        let b = s.as_bytes();
        let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x1c..=0x1f);
        // Room for every word a short line can hold, as CPython preallocates 12.
        let mut out = Vec::with_capacity((b.len() / 2 + 1).min(SPLIT_PREALLOC));
        let mut i = 0;
        while i < b.len() {
            while i < b.len() && ws(b[i]) {
                i += 1;
            }
            let st = i;
            while i < b.len() && !ws(b[i]) {
                i += 1;
            }
            if st < i {
                out.push(crate::obj::str::from_piece(&s[st..i], true));
            }
        }
        return out;
    }
    let mut out = Vec::new();
    let mut rest = s.trim_start_matches(is_ws);
    let mut n = 0;
    while !rest.is_empty() {
        if maxsplit >= 0 && n >= maxsplit {
            out.push(Value::str(rest));
            return out;
        }
        match rest.find(is_ws) {
            Some(e) => {
                out.push(Value::str(&rest[..e]));
                rest = rest[e..].trim_start_matches(is_ws);
                n += 1;
            }
            None => {
                out.push(Value::str(rest));
                break;
            }
        }
    }
    out
}

fn split(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "split")?;
    a.only_kwargs("split", &["sep", "maxsplit"])?;
    a.check_method_pos_tuple("split", 1, 3)?;
    let maxsplit = maxsplit_arg(vm, a, 2)?;
    let st = s.as_str();
    let out = match sep_arg(vm, a)? {
        None => split_whitespace(st, maxsplit),
        Some(sep) => {
            let limit = usize::try_from(maxsplit).unwrap_or(usize::MAX);
            let piece = |p: &str| crate::obj::str::from_piece(p, s.ascii);
            if let (&[b], usize::MAX) = (sep.as_bytes(), limit) {
                // A one-byte separator (ASCII, as a str's UTF-8 byte can only be then):
                // found by memchr's vectorised scan, the pieces pushed as it goes.
                let pieces = memchr::memchr_iter(b, st.as_bytes()).count() + 1;
                let mut out = Vec::with_capacity(pieces);
                let mut last = 0;
                for at in memchr::memchr_iter(b, st.as_bytes()) {
                    out.push(piece(&st[last..at]));
                    last = at + 1;
                }
                out.push(piece(&st[last..]));
                out
            } else {
                let mut out = Vec::with_capacity(SPLIT_PREALLOC);
                let mut last = 0;
                for at in search::matches(st, sep).take(limit) {
                    out.push(piece(&st[last..at]));
                    last = at + sep.len();
                }
                out.push(piece(&st[last..]));
                out
            }
        }
    };
    Ok(Value::list(out))
}

fn rsplit(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "rsplit")?;
    a.only_kwargs("rsplit", &["sep", "maxsplit"])?;
    a.check_method_pos_tuple("rsplit", 1, 3)?;
    let maxsplit = maxsplit_arg(vm, a, 2)?;
    let st = s.as_str();
    let mut out: Vec<Value> = match sep_arg(vm, a)? {
        None => {
            let mut out = Vec::new();
            let mut rest = st.trim_end_matches(is_ws);
            let mut n = 0;
            while !rest.is_empty() {
                if maxsplit >= 0 && n >= maxsplit {
                    out.push(Value::str(rest));
                    break;
                }
                match rest.rfind(is_ws) {
                    Some(e) => {
                        let w = rest[e..].chars().next().map(|c| c.len_utf8()).unwrap_or(1);
                        out.push(Value::str(&rest[e + w..]));
                        rest = rest[..e].trim_end_matches(is_ws);
                        n += 1;
                    }
                    None => {
                        out.push(Value::str(rest));
                        break;
                    }
                }
            }
            out
        }
        Some(sep) => {
            if maxsplit < 0 {
                st.rsplit(sep).map(Value::str).collect()
            } else {
                st.rsplitn(maxsplit.saturating_add(1) as usize, sep)
                    .map(Value::str)
                    .collect()
            }
        }
    };
    out.reverse();
    Ok(Value::list(out))
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

fn splitlines(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "splitlines")?;
    a.only_kwargs("splitlines", &["keepends"])?;
    a.check_method_pos_tuple("splitlines", 1, 2)?;
    let keep = match a.arg(1, "keepends") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let st = s.as_str();
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = st.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if is_line_break(c) {
            let mut end = i + c.len_utf8();
            if c == '\r' {
                if let Some(&(_, '\n')) = it.peek() {
                    it.next();
                    end += 1;
                }
            }
            out.push(Value::str(if keep {
                &st[start..end]
            } else {
                &st[start..i]
            }));
            start = end;
        }
    }
    if start < st.len() {
        out.push(Value::str(&st[start..]));
    }
    Ok(Value::list(out))
}

fn partition_impl(vm: &mut Vm, a: &Args, name: &str, rev: bool) -> PyResult<Value> {
    let s = this(vm, a, name)?;
    a.check_method("str", name, 2, 2)?;
    let sep = a.pos[1]
        .as_str()
        .ok_or_else(|| type_error(format!("must be str, not {}", vm.type_name(&a.pos[1]))))?;
    if sep.is_empty() {
        return Err(value_error("empty separator"));
    }
    let st = s.as_str();
    let found = if rev {
        search::rfind(st, sep)
    } else {
        search::find(st, sep)
    };
    Ok(Value::tuple(match found {
        Some(p) => vec![
            Value::str(&st[..p]),
            a.pos[1].clone(),
            Value::str(&st[p + sep.len()..]),
        ],
        None if rev => vec![Value::str(""), Value::str(""), a.pos[0].clone()],
        None => vec![a.pos[0].clone(), Value::str(""), Value::str("")],
    }))
}
fn partition(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    partition_impl(vm, a, "partition", false)
}
fn rpartition(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    partition_impl(vm, a, "rpartition", true)
}

fn join(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "join")?;
    a.check_method("str", "join", 2, 2)?;
    let sep = s.as_str();
    let it = &a.pos[1];
    // A list is read in place: nothing below runs aio code that could mutate it.
    let (listed, collected);
    let items: &[Value] = match it {
        Value::Obj(o) => match &**o {
            Obj::Tuple(t) => t,
            Obj::List(l) => {
                listed = l.borrow();
                &listed
            }
            _ => {
                collected = vm.collect(it).map_err(|e| {
                    if e.is(ExcKind::TypeError) && vm.lookup_special(it, "__iter__").is_none() {
                        type_error("can only join an iterable")
                    } else {
                        e
                    }
                })?;
                &collected
            }
        },
        _ => return Err(type_error("can only join an iterable")),
    };
    let mut total = sep.len() * items.len().saturating_sub(1);
    // The separator only counts when it is used.
    let mut ascii = s.ascii || items.len() < 2;
    for (i, v) in items.iter().enumerate() {
        match builtin_view(v).as_strobj() {
            Some(x) => {
                total += x.s.len();
                ascii &= x.ascii;
            }
            None => {
                return Err(type_error(format!(
                    "sequence item {i}: expected str instance, {} found",
                    vm.type_name(v)
                )))
            }
        }
    }
    if items.len() == 1 {
        return Ok(builtin_view(&items[0]).clone());
    }
    let mut out = String::with_capacity(total);
    if let [b] = sep.as_bytes() {
        // A one-byte separator (" ", ",", "\n") is pushed as a char, not copied.
        let c = char::from(*b);
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                out.push(c);
            }
            out.push_str(builtin_view(v).as_str().unwrap_or(""));
        }
    } else {
        for (i, v) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(sep);
            }
            out.push_str(builtin_view(v).as_str().unwrap_or(""));
        }
    }
    Ok(crate::obj::str::from_string(out, ascii))
}

// ---- transforming ----

fn replace(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "replace")?;
    a.check_method("str", "replace", 3, 4)?;
    let old = builtin_view(&a.pos[1]).as_str().ok_or_else(|| {
        type_error(format!(
            "replace() argument 1 must be str, not {}",
            vm.type_name(&a.pos[1])
        ))
    })?;
    let new_obj = builtin_view(&a.pos[2]).as_strobj().ok_or_else(|| {
        type_error(format!(
            "replace() argument 2 must be str, not {}",
            vm.type_name(&a.pos[2])
        ))
    })?;
    let new = new_obj.as_str();
    let count = match a.pos.get(3) {
        Some(c) => vm.ssize_value(c)?,
        None => -1,
    };
    let st = s.as_str();
    if count == 0 {
        return Ok(a.pos[0].clone());
    }
    // Known ASCII when both are; otherwise the result is scanned (replacing may remove
    // every non-ASCII character).
    let known_ascii = s.ascii && new_obj.ascii;
    let made = |r: String| {
        let ascii = known_ascii || r.is_ascii();
        crate::obj::str::from_string(r, ascii)
    };
    if !old.is_empty() {
        // One scan: the first match decides whether anything changes, and the rest of
        // the replacement goes on from there.
        let Some(first) = search::find(st, old) else {
            return Ok(a.pos[0].clone());
        };
        let limit = usize::try_from(count).ok();
        let capacity = if new.len() > old.len() {
            let n = search::matches(st, old)
                .take(limit.unwrap_or(usize::MAX))
                .count();
            check_repeat(new.len() - old.len(), n)?;
            st.len() + n * (new.len() - old.len())
        } else if new.len() == old.len() {
            st.len()
        } else {
            st.len() - (old.len() - new.len())
        };
        return Ok(made(search::replace_from(
            st, first, old, new, limit, capacity,
        )));
    }
    if !new.is_empty() {
        let n = s.char_len() + 1;
        let n = if count >= 0 { n.min(count as usize) } else { n };
        check_repeat(new.len(), n)?;
    }
    let r = match usize::try_from(count).ok() {
        None => st.replace(old, new),
        Some(n) => st.replacen(old, new, n),
    };
    Ok(made(r))
}

fn strip_chars<'a>(a: &'a Args, name: &str) -> PyResult<Option<&'a str>> {
    match a.pos.get(1) {
        None | Some(Value::None) => Ok(None),
        Some(v) => match builtin_view(v).as_str() {
            Some(s) => Ok(Some(s)),
            None => Err(type_error(format!("{name} arg must be None or str"))),
        },
    }
}

fn strip_impl(vm: &mut Vm, a: &Args, name: &str, left: bool, right: bool) -> PyResult<Value> {
    let s = this(vm, a, name)?;
    a.check_method("str", name, 1, 2)?;
    let chars = strip_chars(a, name)?;
    let st = s.as_str();
    let r = match chars {
        None => {
            let mut r = st;
            if left {
                r = r.trim_start_matches(is_ws);
            }
            if right {
                r = r.trim_end_matches(is_ws);
            }
            r
        }
        Some(cs) => {
            let f = |c: char| cs.contains(c);
            let mut r = st;
            if left {
                r = r.trim_start_matches(f);
            }
            if right {
                r = r.trim_end_matches(f);
            }
            r
        }
    };
    if r.len() == st.len() {
        return Ok(a.pos[0].clone());
    }
    Ok(Value::str(r))
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

fn upper(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "upper")?;
    a.check_method("str", "upper", 1, 1)?;
    if s.ascii {
        return Ok(crate::obj::str::from_string(
            s.as_str().to_ascii_uppercase(),
            true,
        ));
    }
    Ok(new_str(s.as_str().to_uppercase()))
}
fn lower(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "lower")?;
    a.check_method("str", "lower", 1, 1)?;
    if s.ascii {
        return Ok(crate::obj::str::from_string(
            s.as_str().to_ascii_lowercase(),
            true,
        ));
    }
    Ok(new_str(s.as_str().to_lowercase()))
}
fn casefold(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "casefold")?;
    a.check_method("str", "casefold", 1, 1)?;
    Ok(new_str(crate::text::casefold(s.as_str())))
}
fn swapcase(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "swapcase")?;
    a.check_method("str", "swapcase", 1, 1)?;
    let mut out = String::with_capacity(s.s.len());
    let text = s.as_str();
    for (i, c) in text.char_indices() {
        if c.is_uppercase() {
            crate::text::push_lowercase_in(&mut out, text, i, c);
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    Ok(new_str(out))
}

fn is_cased(c: char) -> bool {
    c.is_uppercase() || c.is_lowercase() || matches!(c, 'ǅ' | 'ǈ' | 'ǋ' | 'ǲ')
}

fn capitalize(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "capitalize")?;
    a.check_method("str", "capitalize", 1, 1)?;
    let mut out = String::with_capacity(s.s.len());
    let text = s.as_str();
    for (i, c) in text.char_indices() {
        if i == 0 {
            crate::text::push_titlecase(&mut out, c);
        } else {
            crate::text::push_lowercase_in(&mut out, text, i, c);
        }
    }
    Ok(new_str(out))
}

fn title(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "title")?;
    a.check_method("str", "title", 1, 1)?;
    let mut out = String::with_capacity(s.s.len());
    let mut prev_cased = false;
    let text = s.as_str();
    for (i, c) in text.char_indices() {
        if prev_cased {
            crate::text::push_lowercase_in(&mut out, text, i, c);
        } else {
            crate::text::push_titlecase(&mut out, c);
        }
        prev_cased = is_cased(c);
    }
    Ok(new_str(out))
}

fn fill_char(vm: &Vm, a: &Args, i: usize) -> PyResult<char> {
    match a.pos.get(i) {
        None => Ok(' '),
        Some(v) => {
            let s = builtin_view(v).as_str().ok_or_else(|| {
                type_error(format!(
                    "The fill character must be a unicode character, not {}",
                    vm.type_name(v)
                ))
            })?;
            let mut it = s.chars();
            match (it.next(), it.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(type_error(
                    "The fill character must be exactly one character long",
                )),
            }
        }
    }
}

fn pad(vm: &mut Vm, a: &Args, name: &str, kind: u8) -> PyResult<Value> {
    let s = this(vm, a, name)?;
    a.check_method("str", name, 2, 3)?;
    let width = vm.ssize_value(&a.pos[1])?;
    let fill = fill_char(vm, a, 2)?;
    let n = s.char_len() as i64;
    if width <= n {
        return Ok(a.pos[0].clone());
    }
    let total = (width - n) as usize;
    check_repeat(fill.len_utf8(), total)?;
    let (left, right) = match kind {
        b'l' => (0, total),
        b'r' => (total, 0),
        _ => {
            let left = total / 2 + (total & (width as usize) & 1);
            (left, total - left)
        }
    };
    let mut out = String::with_capacity(s.s.len() + total * fill.len_utf8());
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(s.as_str());
    out.extend(std::iter::repeat_n(fill, right));
    Ok(new_str(out))
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

fn zfill(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "zfill")?;
    a.check_method("str", "zfill", 2, 2)?;
    let width = vm.ssize_value(&a.pos[1])?;
    let n = s.char_len() as i64;
    if width <= n {
        return Ok(a.pos[0].clone());
    }
    let fill = (width - n) as usize;
    check_repeat(1, fill)?;
    let st = s.as_str();
    let (sign, rest) = match st.as_bytes().first() {
        Some(b'+') | Some(b'-') => st.split_at(1),
        _ => ("", st),
    };
    let mut out = String::with_capacity(st.len() + fill);
    out.push_str(sign);
    out.extend(std::iter::repeat_n('0', fill));
    out.push_str(rest);
    Ok(new_str(out))
}

fn expandtabs(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "expandtabs")?;
    a.only_kwargs("expandtabs", &["tabsize"])?;
    a.check_method_pos_tuple("expandtabs", 1, 2)?;
    let ts = match a.arg(1, "tabsize") {
        Some(v) => vm.c_int_value(v)?,
        None => 8,
    };
    let mut out = String::with_capacity(s.s.len());
    let kind = Tabs {
        tab: '\t',
        line_ends: ['\n', '\r'],
        space: ' ',
        bytes: char::len_utf8,
    };
    expand_tabs(s.as_str().chars(), ts, &kind, &mut out)?;
    Ok(new_str(out))
}

fn removeprefix(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "removeprefix")?;
    a.check_method("str", "removeprefix", 2, 2)?;
    let p = str_arg(vm, &a.pos[1], "removeprefix() argument")?;
    match s.as_str().strip_prefix(p) {
        Some(r) if !p.is_empty() => Ok(Value::str(r)),
        _ => Ok(a.pos[0].clone()),
    }
}
fn removesuffix(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "removesuffix")?;
    a.check_method("str", "removesuffix", 2, 2)?;
    let p = str_arg(vm, &a.pos[1], "removesuffix() argument")?;
    match s.as_str().strip_suffix(p) {
        Some(r) if !p.is_empty() => Ok(Value::str(r)),
        _ => Ok(a.pos[0].clone()),
    }
}

fn encode(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "encode")?;
    a.only_kwargs("encode", &["encoding", "errors"])?;
    a.check_method_pos_tuple("encode", 1, 3)?;
    let enc = match a.arg(1, "encoding") {
        Some(v) => str_arg(vm, v, "encode() argument 'encoding'")?.to_string(),
        None => "utf-8".into(),
    };
    let errs = match a.arg(2, "errors") {
        Some(v) => str_arg(vm, v, "encode() argument 'errors'")?.to_string(),
        None => "strict".into(),
    };
    crate::modules::codecs::encode_text(vm, s.as_str(), &enc, &errs)
}

fn maketrans(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    a.no_kwargs("maketrans")?;
    // Static method: no receiver.
    a.check_pos("maketrans", 1, 3)?;
    let args = a.pos;
    let mut d = DictData::new();
    let out = Value::dict(std::mem::take(&mut d));
    let Value::Obj(od) = &out else { return Ok(out) };
    match args.len() {
        1 => {
            let src = &args[0];
            let Value::Obj(o) = src else {
                return Err(type_error(
                    "if you give only one argument to maketrans it must be a dict",
                ));
            };
            let Obj::Dict(dd) = &**o else {
                return Err(type_error(
                    "if you give only one argument to maketrans it must be a dict",
                ));
            };
            let entries: Vec<(Value, Value)> = crate::obj::methods::dict::dict_items(dd);
            for (k, v) in entries {
                let key = if let Some(ks) = k.as_str() {
                    let mut it = ks.chars();
                    match (it.next(), it.next()) {
                        (Some(c), None) => Value::Int(c as i64),
                        _ => {
                            return Err(value_error(
                                "string keys in translate table must be of length 1",
                            ))
                        }
                    }
                } else if as_int(&k).is_some() {
                    k
                } else {
                    return Err(type_error(
                        "keys in translate table must be strings or integers",
                    ));
                };
                vm.dict_set(od, key, v)?;
            }
        }
        2 | 3 => {
            let x = str_arg(vm, &args[0], "maketrans() argument 1")?;
            let y = str_arg(vm, &args[1], "maketrans() argument 2")?;
            if x.chars().count() != y.chars().count() {
                return Err(value_error(
                    "the first two maketrans arguments must have equal length",
                ));
            }
            for (c, t) in x.chars().zip(y.chars()) {
                vm.dict_set(od, Value::Int(c as i64), Value::Int(t as i64))?;
            }
            if let Some(z) = args.get(2) {
                let z = str_arg(vm, z, "maketrans() argument 3")?;
                for c in z.chars() {
                    vm.dict_set(od, Value::Int(c as i64), Value::None)?;
                }
            }
        }
        n => {
            return Err(type_error(format!(
                "maketrans() takes at most 3 arguments ({n} given)"
            )))
        }
    }
    Ok(out)
}

fn translate(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "translate")?;
    a.check_method("str", "translate", 2, 2)?;
    let table = a.pos[1].clone();
    let mut out = String::with_capacity(s.s.len());
    for c in s.as_str().chars() {
        match vm.getitem(&table, &Value::Int(c as i64)) {
            Ok(Value::None) => {}
            Ok(v) => {
                if let Some(t) = v.as_str() {
                    out.push_str(t);
                } else if let Some(i) = as_int(&v) {
                    match i {
                        IntRef::Small(n) if (0..=0x10ffff).contains(&n) => {
                            out.push(char::from_u32(n as u32).unwrap_or('\u{fffd}'))
                        }
                        _ => {
                            return Err(value_error("character mapping must be in range(0x110000)"))
                        }
                    }
                } else {
                    return Err(type_error(
                        "character mapping must return integer, None or str",
                    ));
                }
            }
            Err(e) if e.is(ExcKind::LookupError) => out.push(c),
            Err(e) => return Err(e),
        }
    }
    Ok(new_str(out))
}

// ---- predicates ----

fn pred(
    vm: &mut Vm,
    a: &Args,
    name: &str,
    empty: bool,
    f: impl Fn(char) -> bool,
) -> PyResult<Value> {
    let s = this(vm, a, name)?;
    a.check_method("str", name, 1, 1)?;
    let st = s.as_str();
    if st.is_empty() {
        return Ok(Value::Bool(empty));
    }
    Ok(Value::Bool(st.chars().all(f)))
}

/// CPython's `Py_UNICODE_ISDIGIT`: the character has a digit value ("²", "①").
fn is_digit_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    crate::modules::unicodedata::record(c).6 >= 0
}

/// CPython's `Py_UNICODE_ISALPHA`: a letter by general category (Lu, Ll, Lt, Lm, Lo),
/// from the same Unicode 14.0 data as `unicodedata`. Rust's `is_alphabetic` also counts
/// combining vowel signs and letter numbers, so "हिंदी".isalpha() would differ.
fn is_alpha_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    matches!(
        crate::modules::unicodedata::category(c),
        "Lu" | "Ll" | "Lt" | "Lm" | "Lo"
    )
}

/// CPython's `Py_UNICODE_ISNUMERIC`: the character has a numeric value ("一", "½", "Ⅻ").
fn is_numeric_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    crate::modules::unicodedata::record(c).7 != 0
}

fn isalpha(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pred(vm, a, "isalpha", false, is_alpha_char)
}
fn isalnum(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    // CPython's: alpha, decimal, digit or numeric (the last covers the other two).
    pred(vm, a, "isalnum", false, |c| {
        is_alpha_char(c) || is_numeric_char(c)
    })
}
fn isdecimal(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pred(vm, a, "isdecimal", false, |c| {
        text::decimal_value(c).is_some()
    })
}
fn isdigit(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pred(vm, a, "isdigit", false, is_digit_char)
}
fn isnumeric(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pred(vm, a, "isnumeric", false, is_numeric_char)
}
fn isspace(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pred(vm, a, "isspace", false, is_ws)
}
fn isascii(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "isascii")?;
    a.check_method("str", "isascii", 1, 1)?;
    Ok(Value::Bool(s.ascii))
}
fn isprintable(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    pred(vm, a, "isprintable", true, |c| {
        if c.is_ascii() {
            (' '..='~').contains(&c)
        } else {
            text::is_printable(c)
        }
    })
}
/// A character's case as CPython's Py_UNICODE_ISUPPER / ISLOWER / ISTITLE see it, from
/// Unicode 14.0 (CPython 3.11's): titlecase letters (Lt) count on their own, and
/// characters Rust's newer Unicode knows but 14.0 left unassigned are uncased.
#[derive(Clone, Copy)]
enum CharCase {
    Upper,
    Lower,
    Title,
    Uncased,
}

fn char_case(c: char) -> CharCase {
    if c.is_ascii() {
        return if c.is_ascii_uppercase() {
            CharCase::Upper
        } else if c.is_ascii_lowercase() {
            CharCase::Lower
        } else {
            CharCase::Uncased
        };
    }
    match crate::modules::unicodedata::category(c) {
        "Cn" => CharCase::Uncased,
        "Lt" => CharCase::Title,
        // Lowercase is Ll and Other_Lowercase; Rust's tables are of a later Unicode,
        // whose Other_Lowercase gained these modifier letters.
        "Ll" => CharCase::Lower,
        _ if matches!(c, '\u{10fc}' | '\u{a7f2}'..='\u{a7f4}' | '\u{ab69}') => CharCase::Uncased,
        _ if c.is_uppercase() => CharCase::Upper,
        _ if c.is_lowercase() => CharCase::Lower,
        _ => CharCase::Uncased,
    }
}

fn islower(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "islower")?;
    a.check_method("str", "islower", 1, 1)?;
    let mut cased = false;
    for c in s.as_str().chars() {
        match char_case(c) {
            CharCase::Upper | CharCase::Title => return Ok(Value::Bool(false)),
            CharCase::Lower => cased = true,
            CharCase::Uncased => {}
        }
    }
    Ok(Value::Bool(cased))
}
fn isupper(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "isupper")?;
    a.check_method("str", "isupper", 1, 1)?;
    let mut cased = false;
    for c in s.as_str().chars() {
        match char_case(c) {
            CharCase::Lower | CharCase::Title => return Ok(Value::Bool(false)),
            CharCase::Upper => cased = true,
            CharCase::Uncased => {}
        }
    }
    Ok(Value::Bool(cased))
}
fn istitle(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "istitle")?;
    a.check_method("str", "istitle", 1, 1)?;
    // Titlecase letters start a word as uppercase ones do.
    let cases = s.as_str().chars().map(|c| match char_case(c) {
        CharCase::Upper | CharCase::Title => Case::Upper,
        CharCase::Lower => Case::Lower,
        CharCase::Uncased => Case::Uncased,
    });
    Ok(Value::Bool(is_titlecased(cases)))
}

/// Characters whose NFKC form is not an identifier, which XID_Continue (and so
/// XID_Start) leaves out although their category would put them in.
fn xid_excluded(c: char) -> bool {
    matches!(
        c,
        '\u{37a}' | '\u{2e2f}' | '\u{309b}' | '\u{309c}' | '\u{fc5e}'
            ..='\u{fc63}' | '\u{fdfa}' | '\u{fdfb}'
    ) || (('\u{fe70}'..='\u{fe7e}').contains(&c) && (c as u32).is_multiple_of(2))
}

/// Unicode's XID_Start (with '_'), from the Unicode 14.0 categories, as CPython 3.11's.
fn is_xid_start(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic() || c == '_';
    }
    let by_category = matches!(
        crate::modules::unicodedata::category(c),
        "Lu" | "Ll" | "Lt" | "Lm" | "Lo" | "Nl"
    );
    // Other_ID_Start, and the starts that are only continuations under NFKC.
    (by_category || matches!(c, '\u{1885}' | '\u{1886}' | '\u{2118}' | '\u{212e}'))
        && !xid_excluded(c)
        && !matches!(c, '\u{e33}' | '\u{eb3}' | '\u{ff9e}' | '\u{ff9f}')
}

/// Unicode's XID_Continue.
fn is_xid_continue(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    if matches!(c, '\u{e33}' | '\u{eb3}' | '\u{ff9e}' | '\u{ff9f}') {
        return true;
    }
    let by_category = matches!(
        crate::modules::unicodedata::category(c),
        "Lu" | "Ll" | "Lt" | "Lm" | "Lo" | "Nl" | "Mn" | "Mc" | "Nd" | "Pc"
    );
    // Other_ID_Start and Other_ID_Continue.
    let other = matches!(
        c,
        '\u{1885}' | '\u{1886}' | '\u{2118}' | '\u{212e}' | '\u{b7}' | '\u{387}' | '\u{1369}'
            ..='\u{1371}' | '\u{19da}'
    );
    (by_category || other) && !xid_excluded(c)
}

/// `str.isidentifier()`: XID_Start then XID_Continue characters, as CPython's.
pub fn is_identifier(s: &str) -> bool {
    let mut it = s.chars();
    match it.next() {
        Some(c) if is_xid_start(c) => {}
        _ => return false,
    }
    it.all(is_xid_continue)
}

fn isidentifier(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let s = this(vm, a, "isidentifier")?;
    a.check_method("str", "isidentifier", 1, 1)?;
    Ok(Value::Bool(is_identifier(s.as_str())))
}

fn getnewargs(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__getnewargs__")?;
    a.check_method("str", "__getnewargs__", 1, 1)?;
    Ok(Value::tuple(vec![a.pos[0].clone()]))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.str_.clone();
    vm.add_methods(
        &t,
        "str",
        &[
            ("__new__", str_new),
            ("__repr__", repr),
            ("__str__", str_),
            ("__hash__", hash),
            ("__len__", len),
            ("__getitem__", getitem),
            ("__contains__", contains),
            ("__iter__", iter),
            ("__add__", add),
            ("__mul__", mul),
            ("__rmul__", mul),
            ("__mod__", mod_),
            ("__rmod__", rmod),
            ("__eq__", eq),
            ("__ne__", ne),
            ("__lt__", lt),
            ("__le__", le),
            ("__gt__", gt),
            ("__ge__", ge),
            ("__format__", format_dunder),
            ("__getnewargs__", getnewargs),
            ("format", format),
            ("format_map", format_map),
            ("find", find),
            ("rfind", rfind),
            ("index", index),
            ("rindex", rindex),
            ("count", count),
            ("startswith", startswith),
            ("endswith", endswith),
            ("split", split),
            ("rsplit", rsplit),
            ("splitlines", splitlines),
            ("partition", partition),
            ("rpartition", rpartition),
            ("join", join),
            ("replace", replace),
            ("strip", strip),
            ("lstrip", lstrip),
            ("rstrip", rstrip),
            ("upper", upper),
            ("lower", lower),
            ("casefold", casefold),
            ("swapcase", swapcase),
            ("capitalize", capitalize),
            ("title", title),
            ("center", center),
            ("ljust", ljust),
            ("rjust", rjust),
            ("zfill", zfill),
            ("expandtabs", expandtabs),
            ("removeprefix", removeprefix),
            ("removesuffix", removesuffix),
            ("encode", encode),
            ("translate", translate),
            ("isalpha", isalpha),
            ("isalnum", isalnum),
            ("isdecimal", isdecimal),
            ("isdigit", isdigit),
            ("isnumeric", isnumeric),
            ("isspace", isspace),
            ("isascii", isascii),
            ("isprintable", isprintable),
            ("islower", islower),
            ("isupper", isupper),
            ("istitle", istitle),
            ("isidentifier", isidentifier),
        ],
    );
    let mt = Value::obj(Obj::static_method(crate::vm::native::native(
        "str",
        "maketrans",
        maketrans,
    )));
    vm.add_class_attr(&t, "maketrans", mt);
}

#[cfg(test)]
mod tests;
