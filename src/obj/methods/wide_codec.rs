//! The UTF-16 and UTF-32 codecs, as CPython 3.11's PyUnicode_DecodeUTF16Stateful,
//! PyUnicode_DecodeUTF32Stateful and their encoders: byte order marks, the byte order
//! they select, partial input left for the next call of an incremental decoder, and
//! CPython's error positions and reasons. The `_codecs` functions (modules/codecs.rs)
//! wrap these; the `encodings.utf_16*` / `utf_32*` modules are CPython's.
//!
//! Byte order is CPython's convention: 0 means "native, with a BOM when encoding, and
//! detect a BOM when decoding", -1 little-endian, 1 big-endian. aio runs on
//! little-endian machines only, as the native order below assumes.

use super::text_codec::{decode_error, decode_replacement, surrogates_unsupported, Codec};
use crate::vm::errors::PyResult;

/// The code unit width: 2 bytes (UTF-16) or 4 (UTF-32).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Width {
    Utf16,
    Utf32,
}

/// `s` encoded with `byteorder` (a BOM first when it is 0). aio strings hold no lone
/// surrogates, so encoding cannot fail.
pub fn encode(s: &str, width: Width, byteorder: i64) -> Vec<u8> {
    let big = byteorder > 0;
    let mut out = Vec::with_capacity(s.len() * 2 + 4);
    let unit = |n: u32, out: &mut Vec<u8>| match (width, big) {
        (Width::Utf16, false) => out.extend_from_slice(&(n as u16).to_le_bytes()),
        (Width::Utf16, true) => out.extend_from_slice(&(n as u16).to_be_bytes()),
        (Width::Utf32, false) => out.extend_from_slice(&n.to_le_bytes()),
        (Width::Utf32, true) => out.extend_from_slice(&n.to_be_bytes()),
    };
    if byteorder == 0 {
        unit(0xfeff, &mut out);
    }
    for c in s.chars() {
        match width {
            Width::Utf32 => unit(c as u32, &mut out),
            Width::Utf16 => {
                let mut buf = [0u16; 2];
                for u in c.encode_utf16(&mut buf) {
                    unit(*u as u32, &mut out);
                }
            }
        }
    }
    out
}

/// The codec name CPython's decode errors carry for the byte order in use.
fn error_name(width: Width, big: bool) -> &'static str {
    match (width, big) {
        (Width::Utf16, false) => "utf-16-le",
        (Width::Utf16, true) => "utf-16-be",
        (Width::Utf32, false) => "utf-32-le",
        (Width::Utf32, true) => "utf-32-be",
    }
}

/// What the error handler `errors` puts in place of `data[start..end]`; `surrogate` says
/// the bad bytes are a lone surrogate, which 'surrogatepass' would decode (aio strings
/// cannot hold one).
fn replacement(
    name: &str,
    data: &[u8],
    (start, end): (usize, usize),
    reason: &str,
    errors: &str,
    surrogate: bool,
) -> PyResult<String> {
    match errors {
        "strict" => Err(decode_error(name, data, start, end, reason)),
        "surrogatepass" if surrogate => Err(surrogates_unsupported(errors)),
        "surrogatepass" => Err(decode_error(name, data, start, end, reason)),
        // The remaining handlers do not depend on the codec.
        _ => decode_replacement(Codec::Latin1, data, start, end, reason, errors),
    }
}

/// Decodes `data`: the text, the bytes consumed and the byte order found (a BOM at the
/// start is read and dropped when `byteorder` is 0). When `final_` is false, an
/// incomplete code unit or surrogate pair at the end is left for the next call.
pub fn decode(
    data: &[u8],
    width: Width,
    errors: &str,
    byteorder: i64,
    final_: bool,
) -> PyResult<(String, usize, i64)> {
    let mut order = byteorder;
    let mut pos = 0;
    let size = match width {
        Width::Utf16 => 2,
        Width::Utf32 => 4,
    };
    if order == 0 && data.len() >= size {
        let head = data.get(..size).unwrap_or_default();
        let (le_bom, be_bom): (&[u8], &[u8]) = match width {
            Width::Utf16 => (&[0xff, 0xfe], &[0xfe, 0xff]),
            Width::Utf32 => (&[0xff, 0xfe, 0, 0], &[0, 0, 0xfe, 0xff]),
        };
        if head == le_bom {
            order = -1;
            pos = size;
        } else if head == be_bom {
            order = 1;
            pos = size;
        }
    }
    let big = order > 0;
    let name = error_name(width, big);
    let read = |at: usize| -> Option<u32> {
        let b = data.get(at..at + size)?;
        Some(match (width, big) {
            (Width::Utf16, false) => u16::from_le_bytes([b[0], b[1]]) as u32,
            (Width::Utf16, true) => u16::from_be_bytes([b[0], b[1]]) as u32,
            (Width::Utf32, false) => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            (Width::Utf32, true) => u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        })
    };
    let mut out = String::with_capacity(data.len() / size);
    let end = data.len();
    while pos < end {
        let Some(unit) = read(pos) else {
            // Fewer bytes than one code unit remain.
            if !final_ {
                break;
            }
            out.push_str(&replacement(
                name,
                data,
                (pos, end),
                "truncated data",
                errors,
                false,
            )?);
            pos = end;
            continue;
        };
        let (bad, reason, surrogate) = match width {
            Width::Utf32 => match char::from_u32(unit) {
                Some(c) => {
                    out.push(c);
                    pos += 4;
                    continue;
                }
                None if (0xd800..0xe000).contains(&unit) => (
                    (pos, pos + 4),
                    "code point in surrogate code point range(0xd800, 0xe000)",
                    true,
                ),
                None => ((pos, pos + 4), "code point not in range(0x110000)", false),
            },
            Width::Utf16 => {
                if let Some(c) = char::from_u32(unit) {
                    out.push(c);
                    pos += 2;
                    continue;
                }
                if unit >= 0xdc00 {
                    ((pos, pos + 2), "illegal encoding", true)
                } else {
                    match read(pos + 2) {
                        None if !final_ => break,
                        None => ((pos, end), "unexpected end of data", true),
                        Some(low) if (0xdc00..0xe000).contains(&low) => {
                            let c = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
                            out.extend(char::from_u32(c));
                            pos += 4;
                            continue;
                        }
                        Some(_) => ((pos, pos + 2), "illegal UTF-16 surrogate", true),
                    }
                }
            }
        };
        out.push_str(&replacement(name, data, bad, reason, errors, surrogate)?);
        pos = bad.1;
    }
    Ok((out, pos, order))
}
