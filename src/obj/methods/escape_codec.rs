//! The 'unicode_escape' and 'raw_unicode_escape' codecs (CPython's
//! Objects/unicodeobject.c): text as Python string-literal escapes over Latin-1 bytes.
//! The raw codec only knows `\uXXXX` and `\UXXXXXXXX` (pickle's protocol 0 uses it).

use super::text_codec::{decode_replacement, Codec};
use crate::syntax::strings::char_named;
use crate::vm::errors::{not_implemented, PyResult};

/// `s.encode('unicode_escape')` (`raw` false) or `s.encode('raw_unicode_escape')`.
pub fn encode(s: &str, raw: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let n = c as u32;
        match c {
            _ if raw && n < 0x100 => out.push(n as u8),
            '\\' => out.extend(b"\\\\"),
            '\t' => out.extend(b"\\t"),
            '\n' => out.extend(b"\\n"),
            '\r' => out.extend(b"\\r"),
            ' '..='~' => out.push(n as u8),
            _ if n < 0x100 => out.extend(format!("\\x{n:02x}").bytes()),
            _ if n < 0x10000 => out.extend(format!("\\u{n:04x}").bytes()),
            _ => out.extend(format!("\\U{n:08x}").bytes()),
        }
    }
    out
}

/// How a decode step ended: a character, an escape to report, or an escape cut off by
/// the end of the data.
enum Step {
    Text(char),
    Nothing,
    Fault(usize, &'static str),
    Truncated,
}

/// The value of up to `n` hex digits at `data[i..]`, and how many there were.
fn hex_digits(data: &[u8], i: usize, n: usize) -> (u32, usize) {
    let mut v = 0u32;
    let mut k = 0;
    while k < n {
        match data.get(i + k).and_then(|&b| (b as char).to_digit(16)) {
            Some(d) => v = v * 16 + d,
            None => break,
        }
        k += 1;
    }
    (v, k)
}

/// The escape whose letter is `e` (after a backslash); `*i` is just past the
/// letter and moves past what the escape consumes.
fn escape(data: &[u8], e: u8, i: &mut usize, raw: bool) -> PyResult<Step> {
    let simple = |c: char| Ok(Step::Text(c));
    match e {
        b'u' | b'U' | b'x' => {
            let (n, what) = match e {
                b'x' => (2, "truncated \\xXX escape"),
                b'u' => (4, "truncated \\uXXXX escape"),
                _ => (8, "truncated \\UXXXXXXXX escape"),
            };
            let (v, got) = hex_digits(data, *i, n);
            *i += got;
            if got < n {
                if *i >= data.len() {
                    return Ok(Step::Truncated);
                }
                return Ok(Step::Fault(*i, what));
            }
            match char::from_u32(v) {
                Some(c) => Ok(Step::Text(c)),
                None if (0xd800..0xe000).contains(&v) => Err(not_implemented(
                    "decoding a lone surrogate escape (aio strings cannot hold lone surrogates)",
                )),
                None if raw => Ok(Step::Fault(*i, "\\Uxxxxxxxx out of range")),
                None => Ok(Step::Fault(*i, "illegal Unicode character")),
            }
        }
        _ if raw => Ok(Step::Nothing),
        b'\n' => Ok(Step::Nothing),
        b'\\' => simple('\\'),
        b'\'' => simple('\''),
        b'"' => simple('"'),
        b'b' => simple('\u{8}'),
        b'f' => simple('\u{c}'),
        b't' => simple('\t'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b'v' => simple('\u{b}'),
        b'a' => simple('\u{7}'),
        b'0'..=b'7' => {
            let mut v = u32::from(e - b'0');
            for _ in 0..2 {
                match data.get(*i) {
                    Some(&d @ b'0'..=b'7') => {
                        v = v * 8 + u32::from(d - b'0');
                        *i += 1;
                    }
                    _ => break,
                }
            }
            Ok(Step::Text(char::from_u32(v).unwrap_or('\u{fffd}')))
        }
        b'N' => {
            const MALFORMED: &str = "malformed \\N character escape";
            if data.get(*i) != Some(&b'{') {
                return Ok(if *i >= data.len() {
                    Step::Truncated
                } else {
                    Step::Fault(*i, MALFORMED)
                });
            }
            let Some(close) = data
                .get(*i..)
                .and_then(|r| r.iter().position(|&b| b == b'}'))
            else {
                *i = data.len();
                return Ok(Step::Truncated);
            };
            let name = data.get(*i + 1..*i + close).unwrap_or_default();
            let found = if name.is_empty() {
                None
            } else {
                std::str::from_utf8(name).ok().and_then(char_named)
            };
            let empty = name.is_empty();
            *i += close + 1;
            match found {
                Some(c) => Ok(Step::Text(c)),
                None if empty => Ok(Step::Fault(*i, MALFORMED)),
                None => Ok(Step::Fault(*i, "unknown Unicode character name")),
            }
        }
        _ => {
            // An unknown escape stays as written (CPython also warns).
            *i -= 1;
            Ok(Step::Text('\\'))
        }
    }
}

/// Decodes `data`: the text and the bytes consumed (an escape cut off at the end of the
/// data is left for the next call unless `final_`).
pub fn decode(data: &[u8], c: Codec, errors: &str, final_: bool) -> PyResult<(String, usize)> {
    let raw = c == Codec::RawUnicodeEscape;
    let mut out = String::with_capacity(data.len());
    let mut i = 0;
    while let Some(&b) = data.get(i) {
        if b != b'\\' {
            out.push(b as char);
            i += 1;
            continue;
        }
        let start = i;
        let Some(&e) = data.get(i + 1) else {
            if raw {
                out.push('\\');
                break;
            }
            if !final_ {
                return Ok((out, start));
            }
            let end = start + 1;
            out.push_str(&decode_replacement(
                c,
                data,
                start,
                end,
                "\\ at end of string",
                errors,
            )?);
            break;
        };
        i += 2;
        if raw && e != b'u' && e != b'U' {
            out.push('\\');
            out.push(e as char);
            continue;
        }
        match escape(data, e, &mut i, raw)? {
            Step::Text(ch) => out.push(ch),
            Step::Nothing => {}
            Step::Truncated if !final_ => return Ok((out, start)),
            Step::Truncated => {
                let reason = match e {
                    b'x' => "truncated \\xXX escape",
                    b'u' => "truncated \\uXXXX escape",
                    b'U' => "truncated \\UXXXXXXXX escape",
                    _ => "malformed \\N character escape",
                };
                let end = data.len();
                out.push_str(&decode_replacement(c, data, start, end, reason, errors)?);
                i = end;
            }
            Step::Fault(end, reason) => {
                out.push_str(&decode_replacement(c, data, start, end, reason, errors)?);
                i = end;
            }
        }
    }
    Ok((out, data.len()))
}
