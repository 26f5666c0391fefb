//! The text codecs built into aio (UTF-8, ASCII, Latin-1, and the escape codecs) and their
//! error handlers: the one implementation behind `str.encode`, `bytes.decode` and the
//! `_codecs` module (modules/codecs.rs, which also goes to the codec registry for
//! other encodings). Errors are CPython's five-argument UnicodeEncodeError and
//! UnicodeDecodeError (encoding, object, start, end, reason), so `str(e)` and
//! `e.start`/`e.end` match.
//!
//! aio strings cannot hold lone surrogates, so a decode that CPython would finish with
//! surrogates ('surrogateescape', 'surrogatepass') is a NotImplementedError; when encoding,
//! those handlers see no surrogates and fail as 'strict' does, as in CPython.

use crate::vm::errors::{exc, exc_args, not_implemented, type_error, ExcRef, PyResult};
use crate::vm::types::ExcKind;
use crate::vm::value::Value;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Codec {
    Utf8,
    Ascii,
    Latin1,
    UnicodeEscape,
    RawUnicodeEscape,
}

impl Codec {
    /// The name CPython's messages use.
    pub fn name(self) -> &'static str {
        match self {
            Codec::Utf8 => "utf-8",
            Codec::Ascii => "ascii",
            Codec::Latin1 => "latin-1",
            Codec::UnicodeEscape => "unicodeescape",
            Codec::RawUnicodeEscape => "rawunicodeescape",
        }
    }
}

/// The built-in codec an encoding name stands for (the aliases CPython's `encodings`
/// package maps to utf_8, ascii and latin_1), or None.
pub fn find_codec(name: &str) -> Option<Codec> {
    let n: String = name
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    match n.as_str() {
        "utf_8" | "utf8" | "u8" | "utf" | "cp65001" | "utf8_ucs2" | "utf8_ucs4" => {
            Some(Codec::Utf8)
        }
        "ascii" | "us_ascii" | "646" | "ansi_x3.4_1968" | "ansi_x3_4_1968" | "ansi_x3.4_1986"
        | "cp367" | "csascii" | "ibm367" | "iso646_us" | "iso_646.irv_1991" | "iso_ir_6" | "us" => {
            Some(Codec::Ascii)
        }
        "latin_1" | "latin1" | "iso_8859_1" | "iso8859_1" | "8859" | "l1" | "latin" | "cp819"
        | "csisolatin1" | "ibm819" | "iso_8859_1_1987" | "iso_ir_100" => Some(Codec::Latin1),
        "unicode_escape" => Some(Codec::UnicodeEscape),
        "raw_unicode_escape" => Some(Codec::RawUnicodeEscape),
        _ => None,
    }
}

pub fn unknown_encoding(name: &str) -> ExcRef {
    exc(ExcKind::LookupError, format!("unknown encoding: {name}"))
}

fn unknown_handler(errors: &str) -> ExcRef {
    exc(
        ExcKind::LookupError,
        format!("unknown error handler name '{errors}'"),
    )
}

/// `\xNN`, `\uNNNN` or `\UNNNNNNNN`, as backslashreplace writes a character.
pub fn escape_char(c: char) -> String {
    let n = c as u32;
    if n <= 0xff {
        format!("\\x{n:02x}")
    } else if n <= 0xffff {
        format!("\\u{n:04x}")
    } else {
        format!("\\U{n:08x}")
    }
}

/// `\N{NAME}` when the character has a name, else its backslash escape.
pub fn name_escape(c: char) -> String {
    match unicode_names2::name(c) {
        Some(name) => format!("\\N{{{name}}}"),
        None => escape_char(c),
    }
}

pub fn encode_error(codec: &str, s: &str, start: usize, end: usize, reason: &str) -> ExcRef {
    exc_args(
        ExcKind::UnicodeEncodeError,
        vec![
            Value::str(codec),
            Value::str(s),
            Value::Int(start as i64),
            Value::Int(end as i64),
            Value::str(reason),
        ],
    )
}

pub fn decode_error(codec: &str, data: &[u8], start: usize, end: usize, reason: &str) -> ExcRef {
    exc_args(
        ExcKind::UnicodeDecodeError,
        vec![
            Value::str(codec),
            Value::bytes(data.to_vec()),
            Value::Int(start as i64),
            Value::Int(end as i64),
            Value::str(reason),
        ],
    )
}

pub fn surrogates_unsupported(errors: &str) -> ExcRef {
    not_implemented(format!(
        "decoding with the '{errors}' error handler (aio strings cannot hold lone surrogates)"
    ))
}

/// Encodes all of `s` with `c`; unencodable runs go to the error handler `errors`.
pub fn encode_with(s: &str, c: Codec, errors: &str) -> PyResult<Vec<u8>> {
    let limit: u32 = match c {
        Codec::Utf8 => return Ok(s.as_bytes().to_vec()),
        Codec::UnicodeEscape | Codec::RawUnicodeEscape => {
            return Ok(super::escape_codec::encode(s, c == Codec::RawUnicodeEscape))
        }
        Codec::Ascii => 128,
        Codec::Latin1 => 256,
    };
    if s.chars().all(|ch| (ch as u32) < limit) {
        return Ok(s.chars().map(|ch| ch as u32 as u8).collect());
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while let Some(&ch) = chars.get(i) {
        if (ch as u32) < limit {
            out.push(ch as u32 as u8);
            i += 1;
            continue;
        }
        let mut end = i;
        while chars.get(end).is_some_and(|&c| (c as u32) >= limit) {
            end += 1;
        }
        let bad = chars.get(i..end).unwrap_or_default();
        match errors {
            "ignore" => {}
            "replace" => out.extend(std::iter::repeat_n(b'?', bad.len())),
            "backslashreplace" => bad.iter().for_each(|&c| out.extend(escape_char(c).bytes())),
            "xmlcharrefreplace" => bad
                .iter()
                .for_each(|&c| out.extend(format!("&#{};", c as u32).bytes())),
            "namereplace" => bad.iter().for_each(|&c| out.extend(name_escape(c).bytes())),
            "strict" | "surrogateescape" | "surrogatepass" => {
                let reason = format!("ordinal not in range({limit})");
                return Err(encode_error(c.name(), s, i, end, &reason));
            }
            _ => return Err(unknown_handler(errors)),
        }
        i = end;
    }
    Ok(out)
}

/// What a decode error handler puts in place of the bytes `data[start..end]`.
pub fn decode_replacement(
    c: Codec,
    data: &[u8],
    start: usize,
    end: usize,
    reason: &str,
    errors: &str,
) -> PyResult<String> {
    let bad = data.get(start..end).unwrap_or_default();
    match errors {
        "ignore" => Ok(String::new()),
        "replace" => Ok("\u{fffd}".into()),
        "backslashreplace" => Ok(bad.iter().map(|b| format!("\\x{b:02x}")).collect()),
        "strict" => Err(decode_error(c.name(), data, start, end, reason)),
        "surrogateescape" => Err(surrogates_unsupported(errors)),
        // A UTF-8 surrogate (ED A0..BF ..) would be decoded; anything else fails.
        "surrogatepass"
            if c == Codec::Utf8
                && bad.first() == Some(&0xed)
                && data
                    .get(start + 1)
                    .is_some_and(|b| (0xa0..=0xbf).contains(b)) =>
        {
            Err(surrogates_unsupported(errors))
        }
        "surrogatepass" => Err(decode_error(c.name(), data, start, end, reason)),
        "xmlcharrefreplace" | "namereplace" => Err(type_error(
            "don't know how to handle UnicodeDecodeError in error callback",
        )),
        _ => Err(unknown_handler(errors)),
    }
}

/// Decodes `data` with `c`: the text and the number of bytes consumed. When `final_` is
/// false, an incomplete UTF-8 sequence at the end is left for the next call.
pub fn decode_with(data: &[u8], c: Codec, errors: &str, final_: bool) -> PyResult<(String, usize)> {
    match c {
        Codec::Latin1 => Ok((data.iter().map(|&b| b as char).collect(), data.len())),
        Codec::Ascii => {
            if data.is_ascii() {
                return Ok((data.iter().map(|&b| b as char).collect(), data.len()));
            }
            let mut out = String::with_capacity(data.len());
            for (i, &b) in data.iter().enumerate() {
                if b < 128 {
                    out.push(b as char);
                } else {
                    let reason = "ordinal not in range(128)";
                    out.push_str(&decode_replacement(c, data, i, i + 1, reason, errors)?);
                }
            }
            Ok((out, data.len()))
        }
        Codec::Utf8 => decode_utf8(data, errors, final_),
        Codec::UnicodeEscape | Codec::RawUnicodeEscape => {
            super::escape_codec::decode(data, c, errors, final_)
        }
    }
}

fn decode_utf8(data: &[u8], errors: &str, final_: bool) -> PyResult<(String, usize)> {
    let mut out = String::with_capacity(data.len());
    let mut pos = 0;
    while let Some(rest) = data.get(pos..) {
        let e = match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return Ok((out, data.len()));
            }
            Err(e) => e,
        };
        let at = pos + e.valid_up_to();
        out.push_str(std::str::from_utf8(data.get(pos..at).unwrap_or_default()).unwrap_or(""));
        let first = data.get(at).copied().unwrap_or(0);
        let (end, reason) = match e.error_len() {
            None if !final_ => return Ok((out, at)),
            None => (data.len(), "unexpected end of data"),
            Some(n) if (0xc2..=0xf4).contains(&first) => (at + n, "invalid continuation byte"),
            Some(n) => (at + n, "invalid start byte"),
        };
        out.push_str(&decode_replacement(
            Codec::Utf8,
            data,
            at,
            end,
            reason,
            errors,
        )?);
        pos = end;
    }
    Ok((out, data.len()))
}
