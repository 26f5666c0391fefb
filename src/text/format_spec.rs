//! The format-spec mini-language of `format()` / `str.format()` / f-strings,
//! ported from CPython 3.11's `Python/formatter_unicode.c`.

use super::float_ops::bigint_to_f64;
use super::float_repr::{double_to_string, DtoaFlags};
use super::number_parse::{int_to_base, int_to_str};
use super::{decimal_value, FormatError};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

/// Which thousands separator a spec asked for (CPython's `LocaleType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    /// No separator.
    None,
    /// `,` every three digits.
    Comma,
    /// `_` every three digits.
    Underscore,
    /// `_` every four digits (with `b`, `o`, `x`, `X`).
    UnderscoreFour,
}

/// A parsed `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    /// Fill character (default space).
    pub fill: char,
    /// One of `<` `>` `^` `=`; the default depends on the formatted type.
    pub align: char,
    /// `#` alternate form.
    pub alternate: bool,
    /// `z`: coerce negative zero to positive.
    pub no_neg_0: bool,
    /// `+`, `-`, ` ` or `None`.
    pub sign: Option<char>,
    /// Minimum width, if given.
    pub width: Option<usize>,
    /// Thousands separator.
    pub grouping: Grouping,
    /// Precision, if given.
    pub precision: Option<usize>,
    /// Presentation type; `None` when omitted and the default is "none" (floats).
    pub ty: Option<char>,
}

fn is_align(c: char) -> bool {
    matches!(c, '<' | '>' | '=' | '^')
}

/// Read a run of decimal digits (any Unicode `Nd`), like CPython's `get_integer`.
fn get_integer(chars: &[char], pos: &mut usize) -> Result<Option<usize>, FormatError> {
    let mut acc: usize = 0;
    let mut consumed = false;
    while let Some(d) = chars.get(*pos).and_then(|&c| decimal_value(c)) {
        let d = d as usize;
        if acc > (isize::MAX as usize - d) / 10 {
            return Err(FormatError::value(
                "Too many decimal digits in format string",
            ));
        }
        acc = acc * 10 + d;
        consumed = true;
        *pos += 1;
    }
    Ok(consumed.then_some(acc))
}

fn char_for_msg(c: char) -> String {
    let cp = c as u32;
    if cp > 32 && cp < 128 {
        format!("'{}'", c)
    } else {
        format!("'\\x{:x}'", cp)
    }
}

impl FormatSpec {
    /// Parse a spec like CPython's `parse_internal_render_format_spec`, for an
    /// object of Python type `type_name` whose default type/alignment are given.
    pub fn parse(
        spec: &str,
        type_name: &str,
        default_type: Option<char>,
        default_align: char,
    ) -> Result<FormatSpec, FormatError> {
        let chars: Vec<char> = spec.chars().collect();
        let end = chars.len();
        let at = |i: usize| chars.get(i).copied();
        let mut f = FormatSpec {
            fill: ' ',
            align: default_align,
            alternate: false,
            no_neg_0: false,
            sign: None,
            width: None,
            grouping: Grouping::None,
            precision: None,
            ty: default_type,
        };
        let mut pos = 0;
        let mut fill_specified = false;
        let mut align_specified = false;
        if let (Some(c0), Some(c1)) = (at(0), at(1)) {
            if is_align(c1) {
                f.align = c1;
                f.fill = c0;
                fill_specified = true;
                align_specified = true;
                pos = 2;
            }
        }
        if !align_specified {
            if let Some(c0) = at(0).filter(|&c| is_align(c)) {
                f.align = c0;
                align_specified = true;
                pos = 1;
            }
        }
        if let Some(c) = at(pos).filter(|&c| matches!(c, '+' | '-' | ' ')) {
            f.sign = Some(c);
            pos += 1;
        }
        if at(pos) == Some('z') {
            f.no_neg_0 = true;
            pos += 1;
        }
        if at(pos) == Some('#') {
            f.alternate = true;
            pos += 1;
        }
        if !fill_specified && at(pos) == Some('0') {
            f.fill = '0';
            if !align_specified && default_align == '>' {
                f.align = '=';
            }
            pos += 1;
        }
        f.width = get_integer(&chars, &mut pos)?;
        let both = || FormatError::value("Cannot specify both ',' and '_'.");
        if at(pos) == Some(',') {
            f.grouping = Grouping::Comma;
            pos += 1;
        }
        if at(pos) == Some('_') {
            if f.grouping != Grouping::None {
                return Err(both());
            }
            f.grouping = Grouping::Underscore;
            pos += 1;
        }
        if at(pos) == Some(',') && f.grouping == Grouping::Underscore {
            return Err(both());
        }
        if at(pos) == Some('.') {
            pos += 1;
            f.precision = get_integer(&chars, &mut pos)?;
            if f.precision.is_none() {
                return Err(FormatError::value("Format specifier missing precision"));
            }
        }
        if end > pos + 1 {
            return Err(FormatError::value(format!(
                "Invalid format specifier '{}' for object of type '{}'",
                spec, type_name
            )));
        }
        if let Some(c) = at(pos) {
            f.ty = Some(c);
        }

        if f.grouping != Grouping::None {
            match f.ty {
                None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => {}
                Some('b' | 'o' | 'x' | 'X') if f.grouping == Grouping::Underscore => {
                    f.grouping = Grouping::UnderscoreFour;
                }
                Some(t) => {
                    let sep = if f.grouping == Grouping::Underscore {
                        '_'
                    } else {
                        ','
                    };
                    return Err(FormatError::value(format!(
                        "Cannot specify '{}' with {}.",
                        sep,
                        char_for_msg(t)
                    )));
                }
            }
        }
        Ok(f)
    }
}

fn unknown_code(ty: char, type_name: &str) -> FormatError {
    FormatError::value(format!(
        "Unknown format code {} for object of type '{}'",
        char_for_msg(ty),
        type_name
    ))
}

/// `_PyUnicode_InsertThousandsGrouping`: group `digits`, left-padding with
/// zeros up to `min_width` characters (separators included).
fn group_digits(digits: &str, min_width: isize, sep: Option<(char, isize)>) -> String {
    let digits: Vec<char> = digits.chars().collect();
    let mut remaining = digits.len() as isize;
    let mut min_width = min_width.max(0);
    let mut pieces: Vec<String> = Vec::new();
    let take = |remaining: isize, l: isize| -> String {
        let n_zeros = (l - remaining).max(0);
        let n_chars = remaining.min(l).max(0);
        let start = (remaining - n_chars) as usize;
        let mut s = "0".repeat(n_zeros as usize);
        s.extend(digits[start..remaining as usize].iter());
        s
    };
    let mut broken = false;
    if let Some((_, size)) = sep {
        loop {
            let l = size.min(remaining.max(min_width).max(1));
            pieces.push(take(remaining, l));
            remaining -= remaining.min(l).max(0);
            min_width -= l;
            if remaining <= 0 && min_width <= 0 {
                broken = true;
                break;
            }
            min_width -= 1;
        }
    }
    if !broken {
        let l = remaining.max(min_width).max(1);
        pieces.push(take(remaining, l));
    }
    pieces.reverse();
    match sep {
        Some((c, _)) => pieces.join(&c.to_string()),
        None => pieces.concat(),
    }
}

/// The pieces of a formatted number before padding (CPython's `NumberFieldWidths` inputs).
struct NumberParts<'a> {
    negative: bool,
    prefix: &'a str,
    digits: &'a str,
    /// Decimal point (if any) plus everything after the integer digits.
    remainder: &'a str,
    upper: bool,
}

/// `calc_number_widths` + `fill_number`: sign, prefix, grouping, padding.
fn fill_number(
    parts: &NumberParts<'_>,
    f: &FormatSpec,
    grouping: Grouping,
) -> Result<String, FormatError> {
    super::check_width(f.width.unwrap_or(0))?;
    let sign = match (f.sign, parts.negative) {
        (_, true) => Some('-'),
        (Some('+'), false) => Some('+'),
        (Some(' '), false) => Some(' '),
        _ => None,
    };
    let n_sign = sign.is_some() as isize;
    let n_prefix = parts.prefix.chars().count() as isize;
    let n_rest = parts.remainder.chars().count() as isize;
    let n_non_digit = n_sign + n_prefix + n_rest;
    let width = f.width.map(|w| w as isize).unwrap_or(-1);
    let min_width = if f.fill == '0' && f.align == '=' {
        width - n_non_digit
    } else {
        0
    };
    let sep = match grouping {
        Grouping::None => None,
        Grouping::Comma => Some((',', 3)),
        Grouping::Underscore => Some(('_', 3)),
        Grouping::UnderscoreFour => Some(('_', 4)),
    };
    let grouped = if parts.digits.is_empty() {
        String::new()
    } else {
        group_digits(parts.digits, min_width, sep)
    };
    let n_grouped = grouped.chars().count() as isize;
    let n_padding = (width - (n_non_digit + n_grouped)).max(0) as usize;
    let (lpad, spad, rpad) = match f.align {
        '<' => (0, 0, n_padding),
        '^' => (n_padding / 2, 0, n_padding - n_padding / 2),
        '=' => (0, n_padding, 0),
        _ => (n_padding, 0, 0),
    };
    let fill = f.fill.to_string();
    let mut out = String::new();
    out.push_str(&fill.repeat(lpad));
    if let Some(s) = sign {
        out.push(s);
    }
    if parts.upper {
        out.push_str(&parts.prefix.to_ascii_uppercase());
    } else {
        out.push_str(parts.prefix);
    }
    out.push_str(&fill.repeat(spad));
    if parts.upper {
        out.push_str(&grouped.to_ascii_uppercase());
    } else {
        out.push_str(&grouped);
    }
    out.push_str(parts.remainder);
    out.push_str(&fill.repeat(rpad));
    Ok(out)
}

/// `format(int, spec)` — CPython's `int.__format__` (types `b c d o x X n`, none, and the float types).
pub fn format_int(v: &BigInt, spec: &str) -> Result<String, FormatError> {
    format_int_typed(v, spec, "int")
}

/// [`format_int`] for an int subclass such as `bool`, naming `type_name` in error messages
/// (the caller handles the empty spec, which is `str(obj)`).
pub fn format_int_typed(v: &BigInt, spec: &str, type_name: &str) -> Result<String, FormatError> {
    if spec.is_empty() {
        return int_to_str(v);
    }
    let f = FormatSpec::parse(spec, type_name, Some('d'), '>')?;
    let ty = f.ty.unwrap_or('d');
    match ty {
        'b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n' => {}
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => {
            let x = bigint_to_f64(v)?;
            return format_float_spec(x, &f);
        }
        t => return Err(unknown_code(t, type_name)),
    }
    if f.precision.is_some() {
        return Err(FormatError::value(
            "Precision not allowed in integer format specifier",
        ));
    }
    if f.no_neg_0 {
        return Err(FormatError::value(
            "Negative zero coercion (z) not allowed in integer format specifier",
        ));
    }
    if ty == 'c' {
        if f.sign.is_some() {
            return Err(FormatError::value(
                "Sign not allowed with integer format specifier 'c'",
            ));
        }
        if f.alternate {
            return Err(FormatError::value(
                "Alternate form (#) not allowed with integer format specifier 'c'",
            ));
        }
        let x = v
            .to_i64()
            .ok_or_else(|| FormatError::overflow("Python int too large to convert to C long"))?;
        if !(0..=0x10ffff).contains(&x) {
            return Err(FormatError::overflow("%c arg not in range(0x110000)"));
        }
        let c = char::from_u32(x as u32).ok_or_else(|| {
            FormatError::value("%c arg is a lone surrogate, which aio strings cannot hold")
        })?;
        let s = c.to_string();
        let parts = NumberParts {
            negative: false,
            prefix: "",
            digits: "",
            remainder: &s,
            upper: false,
        };
        return fill_number(&parts, &f, Grouping::None);
    }
    let (body, prefix) = match ty {
        'b' => (int_to_base(&v.abs(), 2, false)?, "0b"),
        'o' => (int_to_base(&v.abs(), 8, false)?, "0o"),
        'x' | 'X' => (int_to_base(&v.abs(), 16, false)?, "0x"),
        _ => (int_to_str(&v.abs())?, ""),
    };
    let prefix = if f.alternate { prefix } else { "" };
    let grouping = if ty == 'n' {
        Grouping::None
    } else {
        f.grouping
    };
    let parts = NumberParts {
        negative: v.is_negative(),
        prefix,
        digits: &body,
        remainder: "",
        upper: ty == 'X',
    };
    fill_number(&parts, &f, grouping)
}

/// `format(float, spec)` — CPython's `float.__format__` (types `e E f F g G n %` and none).
pub fn format_float(v: f64, spec: &str) -> Result<String, FormatError> {
    format_float_typed(v, spec, "float")
}

/// [`format_float`] naming `type_name` in error messages.
pub fn format_float_typed(v: f64, spec: &str, type_name: &str) -> Result<String, FormatError> {
    let f = FormatSpec::parse(spec, type_name, None, '>')?;
    match f.ty {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => format_float_spec(v, &f),
        Some(t) => Err(unknown_code(t, type_name)),
    }
}

/// `format_float_internal` for an already validated spec.
fn format_float_spec(v: f64, f: &FormatSpec) -> Result<String, FormatError> {
    let mut flags = DtoaFlags {
        alt: f.alternate,
        no_neg_0: f.no_neg_0,
        add_dot_0: false,
    };
    let mut default_precision = 6;
    let mut ty = f.ty.unwrap_or('r');
    if f.ty.is_none() {
        flags.add_dot_0 = true;
        default_precision = 0;
    }
    if ty == 'n' {
        ty = 'g';
    }
    let mut val = v;
    let mut add_pct = false;
    if ty == '%' {
        ty = 'f';
        val *= 100.0;
        add_pct = true;
    }
    let precision = match f.precision {
        None => default_precision,
        Some(p) => {
            if ty == 'r' {
                ty = 'g';
            }
            if p > i32::MAX as usize {
                return Err(FormatError::value("precision too big"));
            }
            p
        }
    };
    let mut buf = double_to_string(val, ty, precision, flags);
    if add_pct {
        buf.push('%');
    }
    let (negative, body) = match buf.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, buf.as_str()),
    };
    let n_int = body.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, remainder) = body.split_at(n_int);
    let grouping = if f.ty == Some('n') {
        Grouping::None
    } else {
        f.grouping
    };
    let parts = NumberParts {
        negative,
        prefix: "",
        digits,
        remainder,
        upper: false,
    };
    fill_number(&parts, f, grouping)
}

/// `format(complex, spec)` — CPython's `format_complex_internal`: each part formatted like a
/// float (the imaginary one always signed, unless the real part is left out), then the
/// whole `(re+imj)` padded to the width.
pub fn format_complex(re: f64, im: f64, spec: &str) -> Result<String, FormatError> {
    let f = FormatSpec::parse(spec, "complex", None, '>')?;
    match f.ty {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n') => {}
        Some(t) => return Err(unknown_code(t, "complex")),
    }
    if f.precision.is_some_and(|p| p > i32::MAX as usize) {
        return Err(FormatError::value("precision too big"));
    }
    if f.fill == '0' {
        return Err(FormatError::value(
            "Zero padding is not allowed in complex format specifier",
        ));
    }
    if f.align == '=' {
        return Err(FormatError::value(
            "'=' alignment flag is not allowed in complex format specifier",
        ));
    }
    let flags = DtoaFlags {
        alt: f.alternate,
        no_neg_0: f.no_neg_0,
        add_dot_0: false,
    };
    let mut ty = f.ty.unwrap_or('r');
    let mut default_precision = 6;
    // No type: like str(self), parentheses unless the real part is +0 and left out.
    let (skip_re, parens) = match f.ty {
        None => {
            default_precision = 0;
            let skip = re == 0.0 && re.is_sign_positive();
            (skip, !skip)
        }
        Some(_) => (false, false),
    };
    if ty == 'n' {
        ty = 'g';
    }
    let precision = match f.precision {
        None => default_precision,
        Some(p) => {
            if ty == 'r' {
                ty = 'g';
            }
            p
        }
    };
    let grouping = if f.ty == Some('n') {
        Grouping::None
    } else {
        f.grouping
    };
    let part = |x: f64, sign: Option<char>| -> Result<String, FormatError> {
        let buf = double_to_string(x, ty, precision, flags);
        let (negative, body) = match buf.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, buf.as_str()),
        };
        let n_int = body.bytes().take_while(u8::is_ascii_digit).count();
        let (digits, remainder) = body.split_at(n_int);
        let unpadded = FormatSpec {
            sign,
            width: None,
            align: '<',
            ..f.clone()
        };
        let parts = NumberParts {
            negative,
            prefix: "",
            digits,
            remainder,
            upper: false,
        };
        fill_number(&parts, &unpadded, grouping)
    };
    let re_text = if skip_re {
        String::new()
    } else {
        part(re, f.sign)?
    };
    let im_text = part(im, if skip_re { f.sign } else { Some('+') })?;
    let (open, close) = if parens { ("(", ")") } else { ("", "") };
    let body = format!("{open}{re_text}{im_text}j{close}");
    super::check_width(f.width.unwrap_or(0))?;
    let len = body.chars().count();
    let pad = f.width.unwrap_or(0).saturating_sub(len);
    let (lpad, rpad) = match f.align {
        '<' => (0, pad),
        '^' => (pad / 2, pad - pad / 2),
        _ => (pad, 0),
    };
    let fill = f.fill.to_string();
    Ok(format!("{}{body}{}", fill.repeat(lpad), fill.repeat(rpad)))
}

/// `format(str, spec)` — CPython's `str.__format__` (type `s` or none; width counts characters).
pub fn format_str(v: &str, spec: &str) -> Result<String, FormatError> {
    if spec.is_empty() {
        return Ok(v.to_string());
    }
    let f = FormatSpec::parse(spec, "str", Some('s'), '<')?;
    match f.ty {
        Some('s') => {}
        Some(t) => return Err(unknown_code(t, "str")),
        None => {}
    }
    if let Some(sign) = f.sign {
        return Err(FormatError::value(if sign == ' ' {
            "Space not allowed in string format specifier"
        } else {
            "Sign not allowed in string format specifier"
        }));
    }
    if f.no_neg_0 {
        return Err(FormatError::value(
            "Negative zero coercion (z) not allowed in string format specifier",
        ));
    }
    if f.alternate {
        return Err(FormatError::value(
            "Alternate form (#) not allowed in string format specifier",
        ));
    }
    if f.align == '=' {
        return Err(FormatError::value(
            "'=' alignment not allowed in string format specifier",
        ));
    }
    let mut len = v.chars().count();
    let mut text = v;
    if let Some(p) = f.precision {
        if len > p {
            text = super::truncate_chars(v, p);
            len = p;
        }
    }
    super::check_width(f.width.unwrap_or(0))?;
    let total = f.width.map_or(len, |w| w.max(len));
    let pad = total - len;
    let lpad = match f.align {
        '>' => pad,
        '^' => pad / 2,
        _ => 0,
    };
    let fill = f.fill.to_string();
    let mut out = String::with_capacity(text.len() + pad);
    out.push_str(&fill.repeat(lpad));
    out.push_str(text);
    out.push_str(&fill.repeat(pad - lpad));
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::text::ErrorKind;

    /// Generated by `testdata/gen_format_spec.py` with python3 3.11.
    const TABLE: &str = include_str!("testdata/format_spec.tsv");

    pub(crate) fn unescape(s: &str) -> String {
        let mut out = String::new();
        let mut it = s.chars();
        while let Some(c) = it.next() {
            if c == '\\' {
                match it.next() {
                    Some('t') => out.push('\t'),
                    Some('n') => out.push('\n'),
                    Some(o) => out.push(o),
                    None => out.push('\\'),
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    pub(crate) fn render(r: Result<String, FormatError>) -> String {
        match r {
            Ok(s) => s,
            Err(e) => {
                let name = match e.kind {
                    ErrorKind::ValueError => "ValueError",
                    ErrorKind::TypeError => "TypeError",
                    ErrorKind::OverflowError => "OverflowError",
                    ErrorKind::ZeroDivisionError => "ZeroDivisionError",
                    ErrorKind::MemoryError => "MemoryError",
                    ErrorKind::Unsupported => "NotImplementedError",
                };
                format!("!{}: {}", name, e.msg)
            }
        }
    }

    #[test]
    fn format_table() {
        let mut failures = Vec::new();
        let mut n = 0;
        for line in TABLE.lines() {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 4, "bad line {:?}", line);
            let spec = unescape(cols[2]);
            let want = unescape(cols[3]);
            let got = match cols[0] {
                "i" => {
                    let (neg, hex) = match cols[1].strip_prefix('-') {
                        Some(h) => (true, h),
                        None => (false, cols[1]),
                    };
                    let hex = hex.trim_start_matches("0x");
                    let mag = BigInt::parse_bytes(hex.as_bytes(), 16).expect("hex int");
                    let v = if neg { -mag } else { mag };
                    render(format_int(&v, &spec))
                }
                "f" => {
                    let bits = u64::from_str_radix(cols[1], 16).expect("bits");
                    render(format_float(f64::from_bits(bits), &spec))
                }
                _ => render(format_str(&unescape(cols[1]), &spec)),
            };
            n += 1;
            if got != want {
                failures.push(format!(
                    "{} {} {:?}: got {:?} want {:?}",
                    cols[0], cols[1], spec, got, want
                ));
            }
        }
        assert!(n > 20000);
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures[..failures.len().min(40)].join("\n")
        );
    }

    #[test]
    fn named_examples() {
        assert_eq!(format_float(1.0, "").as_deref(), Ok("1.0"));
        assert_eq!(format_float(1e16, "").as_deref(), Ok("1e+16"));
        assert_eq!(format_float(1.23456, ".3").as_deref(), Ok("1.23"));
        assert_eq!(format_float(2.675, ".2f").as_deref(), Ok("2.67"));
        assert_eq!(
            format_int(&BigInt::from(1234), "010,").as_deref(),
            Ok("00,001,234")
        );
        assert_eq!(format_int(&BigInt::from(-31), "#x").as_deref(), Ok("-0x1f"));
        assert_eq!(format_str("日本", "*^6").as_deref(), Ok("**日本**"));
        assert_eq!(
            format_str("a", "d").map_err(|e| e.msg),
            Err("Unknown format code 'd' for object of type 'str'".to_string())
        );
    }
}
