//! printf-style `str % args` formatting, ported from CPython 3.11's
//! `PyUnicode_Format` (`Objects/unicodeobject.c`).
//!
//! The interpreter supplies arguments through [`PrintfArg`]. Conversion methods
//! signal "wrong type" with a `TypeError` (any message): `printf_format` then
//! raises CPython's own message for the conversion (`%d format: a real number is
//! required, not str`, `%c requires int or char`, `* wants int`, ...). Any other
//! error kind (e.g. `OverflowError` from `int(inf)`) is propagated unchanged.

use super::float_repr::{double_to_string, DtoaFlags};
use super::number_parse::{int_to_base, int_to_str};
use super::{ascii_escape, ErrorKind, FormatError};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

/// One right-hand-side value of `fmt % args`, as the interpreter sees it.
pub trait PrintfArg {
    /// `str(x)` (for `%s`).
    fn as_str(&self) -> Result<String, FormatError>;
    /// `repr(x)` (for `%r`; `%a` escapes its non-ASCII characters).
    fn as_repr(&self) -> Result<String, FormatError>;
    /// `int(x)` via `__index__`/`__int__` for `%d %i %u` (floats truncate);
    /// `TypeError` if `x` is not a number.
    fn as_int(&self) -> Result<BigInt, FormatError>;
    /// `float(x)` for `%e %f %g`; `TypeError` if `x` is not a real number.
    fn as_float(&self) -> Result<f64, FormatError>;
    /// `type(x).__name__`, used in CPython's error messages.
    fn type_name(&self) -> String;
    /// `operator.index(x)` for `%o %x %X %c` and `*`: `TypeError` for floats.
    /// The default delegates to [`PrintfArg::as_int`]; override it for floats.
    fn as_index(&self) -> Result<BigInt, FormatError> {
        self.as_int()
    }
    /// `Some(c)` when `x` is a `str` of exactly one character (for `%c`).
    fn as_single_char(&self) -> Option<char> {
        None
    }
}

/// Looks a `%(key)` name up in the right-hand mapping (`mapping[key]`).
pub type MappingLookup<'a> = dyn Fn(&str) -> Result<Box<dyn PrintfArg>, FormatError> + 'a;

const F_LJUST: u8 = 1;
const F_SIGN: u8 = 2;
const F_BLANK: u8 = 4;
const F_ALT: u8 = 8;
const F_ZERO: u8 = 16;

/// Where positional conversions take their values from (CPython's `args`/`argidx`).
enum Source<'a> {
    /// The caller's arguments (a tuple's items, or a single non-tuple value).
    Args(&'a [&'a dyn PrintfArg], usize),
    /// The value of the last `%(key)` lookup; `bool` = already consumed.
    Keyed(Box<dyn PrintfArg>, bool),
}

struct Ctx<'a> {
    src: Source<'a>,
}

impl<'a> Ctx<'a> {
    /// `unicode_format_getnextarg`; calls `f` with the next argument.
    fn with_next<T>(
        &mut self,
        f: impl FnOnce(&dyn PrintfArg) -> Result<T, FormatError>,
    ) -> Result<T, FormatError> {
        let not_enough = || FormatError::type_error("not enough arguments for format string");
        match &mut self.src {
            Source::Args(args, idx) => {
                let a = args.get(*idx).ok_or_else(not_enough)?;
                *idx += 1;
                f(*a)
            }
            Source::Keyed(v, used) => {
                if *used {
                    return Err(not_enough());
                }
                *used = true;
                f(v.as_ref())
            }
        }
    }
}

fn wrap_type_error(
    r: Result<BigInt, FormatError>,
    msg: impl FnOnce() -> String,
) -> Result<BigInt, FormatError> {
    r.map_err(|e| {
        if e.kind == ErrorKind::TypeError {
            FormatError::type_error(msg())
        } else {
            e
        }
    })
}

/// A `*` width or precision argument (must be an int).
fn star_arg(a: &dyn PrintfArg, c_type: &str) -> Result<i64, FormatError> {
    let v = wrap_type_error(a.as_index(), || "* wants int".to_string())?;
    let too_large =
        || FormatError::overflow(format!("Python int too large to convert to C {}", c_type));
    let limit = if c_type == "int" {
        i32::MAX as i64
    } else {
        i64::MAX
    };
    match v.to_i64() {
        Some(x) if x.abs() <= limit || (x < 0 && x >= -limit - 1) => Ok(x),
        _ => Err(too_large()),
    }
}

/// `_PyUnicode_FormatLong`: digits of an int for `%d %i %u %o %x %X` with precision and `#`.
fn format_long(v: &BigInt, alt: bool, prec: i64, ty: char) -> Result<String, FormatError> {
    let neg = v.is_negative();
    let (digits, prefix) = match ty {
        'o' => (int_to_base(&v.abs(), 8, false)?, "0o"),
        'x' | 'X' => (int_to_base(&v.abs(), 16, false)?, "0x"),
        _ => (int_to_str(&v.abs())?, ""),
    };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if alt {
        out.push_str(prefix);
    }
    let nd = digits.len() as i64;
    if prec > nd {
        out.push_str(&"0".repeat((prec - nd) as usize));
    }
    out.push_str(&digits);
    if ty == 'X' {
        out = out.to_ascii_uppercase();
    }
    Ok(out)
}

/// The parsed `%[(key)][flags][width][.prec][hlL]type` of one conversion.
struct Arg {
    ch: char,
    flags: u8,
    width: i64,
    prec: i64,
    sign: bool,
}

/// `unicode_format_arg_output`: padding, sign and `0x` placement.
fn output(out: &mut String, arg: &mut Arg, s: &str) -> Result<(), FormatError> {
    let fill = if arg.sign && arg.flags & F_ZERO != 0 {
        '0'
    } else {
        ' '
    };
    let chars: Vec<char> = s.chars().collect();
    let mut len = chars.len() as i64;
    if (arg.width == -1 || arg.width <= len)
        && (arg.prec == -1 || arg.prec >= len)
        && arg.flags & (F_SIGN | F_BLANK) == 0
    {
        out.push_str(s);
        return Ok(());
    }
    super::check_width(arg.width.max(0) as usize)?;
    if matches!(arg.ch, 's' | 'r' | 'a') && arg.prec >= 0 && len > arg.prec {
        len = arg.prec;
    }
    let mut pindex = 0usize;
    let mut signchar = None;
    if arg.sign {
        match chars.first() {
            Some(&c @ ('-' | '+')) => {
                signchar = Some(c);
                len -= 1;
                pindex += 1;
            }
            _ if arg.flags & F_SIGN != 0 => signchar = Some('+'),
            _ if arg.flags & F_BLANK != 0 => signchar = Some(' '),
            _ => arg.sign = false,
        }
    }
    if arg.width < len {
        arg.width = len;
    }
    if let Some(sc) = signchar {
        if fill != ' ' {
            out.push(sc);
        }
        if arg.width > len {
            arg.width -= 1;
        }
    }
    let has_prefix = arg.flags & F_ALT != 0 && matches!(arg.ch, 'x' | 'X' | 'o');
    if has_prefix {
        if fill != ' ' {
            out.push('0');
            out.push(arg.ch);
            pindex += 2;
        }
        arg.width = (arg.width - 2).max(0);
        len -= 2;
    }
    if arg.width > len && arg.flags & F_LJUST == 0 {
        out.extend(std::iter::repeat_n(fill, (arg.width - len) as usize));
        arg.width = len;
    }
    if fill == ' ' {
        if let Some(sc) = signchar {
            out.push(sc);
        }
        if has_prefix {
            out.push('0');
            out.push(arg.ch);
            pindex += 2;
        }
    }
    if len > 0 {
        out.extend(chars.iter().skip(pindex).take(len as usize));
    }
    if arg.width > len {
        out.extend(std::iter::repeat_n(' ', (arg.width - len) as usize));
    }
    Ok(())
}

/// `fmt % args` — CPython's printf-style string formatting. `args` are the tuple's
/// items (or the single non-tuple value); `mapping` is `Some` when the right-hand
/// side is a mapping (then `args` should hold that mapping as the single value).
pub fn printf_format(
    fmt: &str,
    args: &[&dyn PrintfArg],
    mapping: Option<&MappingLookup<'_>>,
) -> Result<String, FormatError> {
    let f: Vec<char> = fmt.chars().collect();
    let n = f.len();
    let mut ctx = Ctx {
        src: Source::Args(args, 0),
    };
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut pos = 0;
    let incomplete = || FormatError::value("incomplete format");
    while pos < n {
        let c = f[pos];
        if c != '%' {
            out.push(c);
            pos += 1;
            continue;
        }
        pos += 1;
        if f.get(pos) == Some(&'%') {
            out.push('%');
            pos += 1;
            continue;
        }
        // Mapping key.
        if f.get(pos) == Some(&'(') {
            let Some(map) = mapping else {
                return Err(FormatError::type_error("format requires a mapping"));
            };
            pos += 1;
            let keystart = pos;
            let mut depth = 1;
            while depth > 0 && pos < n {
                match f[pos] {
                    ')' => depth -= 1,
                    '(' => depth += 1,
                    _ => {}
                }
                pos += 1;
            }
            if depth > 0 {
                return Err(FormatError::value("incomplete format key"));
            }
            let key: String = f[keystart..pos - 1].iter().collect();
            ctx.src = Source::Keyed(map(&key)?, false);
        }
        let mut arg = Arg {
            ch: '\0',
            flags: 0,
            width: -1,
            prec: -1,
            sign: false,
        };
        // Flags.
        while let Some(&c) = f.get(pos) {
            let flag = match c {
                '-' => F_LJUST,
                '+' => F_SIGN,
                ' ' => F_BLANK,
                '#' => F_ALT,
                '0' => F_ZERO,
                _ => break,
            };
            arg.flags |= flag;
            pos += 1;
        }
        // Width.
        if f.get(pos) == Some(&'*') {
            let w = ctx.with_next(|a| star_arg(a, "ssize_t"))?;
            if w < 0 {
                arg.flags |= F_LJUST;
                arg.width = w.saturating_neg();
            } else {
                arg.width = w;
            }
            pos += 1;
        } else if f.get(pos).is_some_and(char::is_ascii_digit) {
            let mut w: i64 = 0;
            while let Some(d) = f.get(pos).and_then(|c| c.to_digit(10)) {
                if w > (i64::MAX - d as i64) / 10 {
                    return Err(FormatError::value("width too big"));
                }
                w = w * 10 + d as i64;
                pos += 1;
            }
            arg.width = w;
        }
        // Precision.
        if f.get(pos) == Some(&'.') {
            arg.prec = 0;
            pos += 1;
            if f.get(pos) == Some(&'*') {
                arg.prec = ctx.with_next(|a| star_arg(a, "int"))?.max(0);
                pos += 1;
            } else {
                let mut p: i64 = 0;
                while let Some(d) = f.get(pos).and_then(|c| c.to_digit(10)) {
                    if p > (i32::MAX as i64 - d as i64) / 10 {
                        return Err(FormatError::value("precision too big"));
                    }
                    p = p * 10 + d as i64;
                    pos += 1;
                }
                arg.prec = p;
            }
        }
        if matches!(f.get(pos), Some('h' | 'l' | 'L')) {
            pos += 1;
        }
        let Some(&ch) = f.get(pos) else {
            return Err(incomplete());
        };
        pos += 1;
        arg.ch = ch;
        let s = ctx.with_next(|v| convert(v, &mut arg, pos - 1))?;
        output(&mut out, &mut arg, &s)?;
    }
    if let Source::Args(a, idx) = &ctx.src {
        if *idx < a.len() && mapping.is_none() {
            return Err(FormatError::type_error(
                "not all arguments converted during string formatting",
            ));
        }
    }
    Ok(out)
}

/// `unicode_format_arg_format`: the text of one conversion before padding.
fn convert(v: &dyn PrintfArg, arg: &mut Arg, index: usize) -> Result<String, FormatError> {
    match arg.ch {
        's' => v.as_str(),
        'r' => v.as_repr(),
        'a' => Ok(ascii_escape(&v.as_repr()?)),
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
            let ch = arg.ch;
            let n = if matches!(ch, 'o' | 'x' | 'X') {
                wrap_type_error(v.as_index(), || {
                    format!(
                        "%{} format: an integer is required, not {}",
                        ch,
                        v.type_name()
                    )
                })?
            } else {
                wrap_type_error(v.as_int(), || {
                    format!(
                        "%{} format: a real number is required, not {}",
                        ch,
                        v.type_name()
                    )
                })?
            };
            arg.sign = true;
            format_long(&n, arg.flags & F_ALT != 0, arg.prec, ch)
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let x = v.as_float().map_err(|e| {
                if e.kind == ErrorKind::TypeError {
                    FormatError::type_error(format!("must be real number, not {}", v.type_name()))
                } else {
                    e
                }
            })?;
            arg.sign = true;
            let prec = if arg.prec < 0 { 6 } else { arg.prec as usize };
            let flags = DtoaFlags {
                alt: arg.flags & F_ALT != 0,
                ..DtoaFlags::default()
            };
            Ok(double_to_string(x, arg.ch, prec, flags))
        }
        'c' => {
            let bad = || FormatError::type_error("%c requires int or char");
            if let Some(c) = v.as_single_char() {
                return Ok(c.to_string());
            }
            let n = v.as_index().map_err(|e| {
                if e.kind == ErrorKind::TypeError {
                    bad()
                } else {
                    e
                }
            })?;
            let x = n
                .to_u32()
                .filter(|&x| x <= 0x10ffff)
                .ok_or_else(|| FormatError::overflow("%c arg not in range(0x110000)"))?;
            char::from_u32(x).map(String::from).ok_or_else(|| {
                FormatError::value("%c arg is a lone surrogate, which aio strings cannot hold")
            })
        }
        c => {
            let shown = if (31..=126).contains(&(c as u32)) {
                c
            } else {
                '?'
            };
            Err(FormatError::value(format!(
                "unsupported format character '{}' (0x{:x}) at index {}",
                shown, c as u32, index
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::format_spec::tests::{render, unescape};
    use crate::text::{float_ops, float_repr, str_repr};

    /// A stand-in for interpreter values with CPython's conversion rules.
    #[derive(Clone, Debug)]
    enum Val {
        Int(BigInt),
        Float(f64),
        Str(String),
        None,
        Dict(Vec<(String, Val)>),
    }

    fn type_err() -> FormatError {
        FormatError::type_error("wrong type")
    }

    impl PrintfArg for Val {
        fn as_str(&self) -> Result<String, FormatError> {
            match self {
                Val::Str(s) => Ok(s.clone()),
                _ => self.as_repr(),
            }
        }
        fn as_repr(&self) -> Result<String, FormatError> {
            Ok(match self {
                Val::Int(v) => int_to_str(v)?,
                Val::Float(x) => float_repr(*x),
                Val::Str(s) => str_repr(s),
                Val::None => "None".to_string(),
                Val::Dict(items) => {
                    let parts: Result<Vec<String>, FormatError> = items
                        .iter()
                        .map(|(k, v)| Ok(format!("{}: {}", str_repr(k), v.as_repr()?)))
                        .collect();
                    format!("{{{}}}", parts?.join(", "))
                }
            })
        }
        fn as_int(&self) -> Result<BigInt, FormatError> {
            match self {
                Val::Int(v) => Ok(v.clone()),
                Val::Float(x) => float_ops::float_to_bigint(*x),
                _ => Err(type_err()),
            }
        }
        fn as_float(&self) -> Result<f64, FormatError> {
            match self {
                Val::Int(v) => float_ops::bigint_to_f64(v),
                Val::Float(x) => Ok(*x),
                _ => Err(type_err()),
            }
        }
        fn type_name(&self) -> String {
            match self {
                Val::Int(_) => "int",
                Val::Float(_) => "float",
                Val::Str(_) => "str",
                Val::None => "NoneType",
                Val::Dict(_) => "dict",
            }
            .to_string()
        }
        fn as_index(&self) -> Result<BigInt, FormatError> {
            match self {
                Val::Int(v) => Ok(v.clone()),
                _ => Err(type_err()),
            }
        }
        fn as_single_char(&self) -> Option<char> {
            match self {
                Val::Str(s) if s.chars().count() == 1 => s.chars().next(),
                _ => None,
            }
        }
    }

    fn parse_val(s: &str) -> Val {
        let (tag, body) = s.split_at(2);
        match tag {
            "i:" => {
                let (neg, h) = match body.strip_prefix('-') {
                    Some(h) => (true, h),
                    None => (false, body),
                };
                let mag =
                    BigInt::parse_bytes(h.trim_start_matches("0x").as_bytes(), 16).expect("hex");
                Val::Int(if neg { -mag } else { mag })
            }
            "f:" => Val::Float(f64::from_bits(u64::from_str_radix(body, 16).expect("bits"))),
            "s:" => Val::Str(unescape(body)),
            _ => Val::None,
        }
    }

    fn run(fmt: &str, args: &str) -> Result<String, FormatError> {
        let (kind, body) = args.split_at(1);
        match kind {
            "T" => {
                let vals: Vec<Val> = if body.is_empty() {
                    Vec::new()
                } else {
                    body.split('\x1e').map(parse_val).collect()
                };
                let refs: Vec<&dyn PrintfArg> = vals.iter().map(|v| v as &dyn PrintfArg).collect();
                printf_format(fmt, &refs, None)
            }
            "S" => {
                let v = parse_val(body);
                printf_format(fmt, &[&v], None)
            }
            _ => {
                let items: Vec<(String, Val)> = if body.is_empty() {
                    Vec::new()
                } else {
                    body.split('\x1e')
                        .map(|kv| {
                            let (k, v) = kv.split_once('\x1d').expect("pair");
                            (k.to_string(), parse_val(v))
                        })
                        .collect()
                };
                let dict = Val::Dict(items.clone());
                let lookup = move |k: &str| -> Result<Box<dyn PrintfArg>, FormatError> {
                    items
                        .iter()
                        .find(|(key, _)| key == k)
                        .map(|(_, v)| Box::new(v.clone()) as Box<dyn PrintfArg>)
                        .ok_or_else(|| FormatError::value(format!("KeyError {}", k)))
                };
                printf_format(fmt, &[&dict], Some(&lookup))
            }
        }
    }

    /// Generated by `testdata/gen_printf.py` with python3 3.11.
    const TABLE: &str = include_str!("testdata/printf.tsv");

    #[test]
    fn printf_table() {
        let mut failures = Vec::new();
        let mut n = 0;
        for line in TABLE.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 3, "bad line {:?}", line);
            let fmt = unescape(cols[0]);
            let want = unescape(cols[2]);
            let got = render(run(&fmt, cols[1]));
            n += 1;
            if got != want {
                failures.push(format!(
                    "{:?} % {:?}: got {:?} want {:?}",
                    fmt, cols[1], got, want
                ));
            }
        }
        assert!(n > 6000);
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures[..failures.len().min(40)].join("\n")
        );
    }

    #[test]
    fn named_examples() {
        let a = Val::Str("x".into());
        let b = Val::Int(BigInt::from(255));
        let c = Val::Float(1.23456);
        let got = printf_format("%s %d %5.2f %x %r %%", &[&a, &b, &c, &b, &a], None);
        assert_eq!(got.as_deref(), Ok("x 255  1.23 ff 'x' %"));
        let e = printf_format("%d", &[&a], None).map_err(|e| e.msg);
        assert_eq!(
            e,
            Err("%d format: a real number is required, not str".to_string())
        );
        let e = printf_format("%s %s", &[&a], None).map_err(|e| e.msg);
        assert_eq!(e, Err("not enough arguments for format string".to_string()));
        let e = printf_format("%s", &[&a, &a], None).map_err(|e| e.msg);
        assert_eq!(
            e,
            Err("not all arguments converted during string formatting".to_string())
        );
    }
}
