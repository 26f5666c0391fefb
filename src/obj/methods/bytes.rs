//! Methods of `bytes` and `bytearray`.

use crate::obj::Obj;
use crate::vm::errors::{type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

/// The bytes of a bytes or bytearray value (a copy).
pub fn bytes_data(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Bytes(b) => Some(b.to_vec()),
            Obj::ByteArray(b) => Some(b.borrow().clone()),
            _ => None,
        },
        _ => None,
    }
}

/// An int in range(256), for building bytes.
pub fn byte_value(vm: &mut Vm, v: &Value) -> PyResult<u8> {
    match crate::obj::number::as_int(v) {
        Some(crate::obj::number::IntRef::Small(i)) if (0..256).contains(&i) => Ok(i as u8),
        Some(_) => Err(value_error("byte must be in range(0, 256)")),
        None => Err(type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Codec {
    Utf8,
    Ascii,
    Latin1,
}

fn codec(name: &str) -> PyResult<(Codec, &'static str)> {
    let n = name.to_ascii_lowercase().replace('_', "-");
    match n.as_str() {
        "utf-8" | "utf8" | "u8" | "utf" | "cp65001" => Ok((Codec::Utf8, "utf-8")),
        "ascii" | "us-ascii" | "646" => Ok((Codec::Ascii, "ascii")),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "8859" | "l1" | "latin" | "cp819" => {
            Ok((Codec::Latin1, "latin-1"))
        }
        _ => Err(crate::vm::errors::exc(
            crate::vm::types::ExcKind::LookupError,
            format!("unknown encoding: {name}"),
        )),
    }
}

fn check_errors(errors: &str) -> PyResult<()> {
    match errors {
        "strict" | "ignore" | "replace" | "backslashreplace" | "xmlcharrefreplace"
        | "surrogateescape" => Ok(()),
        _ => Err(crate::vm::errors::exc(
            crate::vm::types::ExcKind::LookupError,
            format!("unknown error handler name '{errors}'"),
        )),
    }
}

fn escape_char(c: char) -> String {
    let n = c as u32;
    if n <= 0xff {
        format!("\\x{n:02x}")
    } else if n <= 0xffff {
        format!("\\u{n:04x}")
    } else {
        format!("\\U{n:08x}")
    }
}

/// `s.encode(encoding, errors)`
pub fn encode(s: &str, encoding: &str, errors: &str) -> PyResult<Vec<u8>> {
    let (c, cname) = codec(encoding)?;
    if c == Codec::Utf8 {
        return Ok(s.as_bytes().to_vec());
    }
    let limit: u32 = if c == Codec::Ascii { 128 } else { 256 };
    if s.chars().all(|ch| (ch as u32) < limit) {
        return Ok(s.chars().map(|ch| ch as u32 as u8).collect());
    }
    check_errors(errors)?;
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if (ch as u32) < limit {
            out.push(ch as u32 as u8);
            i += 1;
            continue;
        }
        match errors {
            "ignore" => {}
            "replace" => out.push(b'?'),
            "backslashreplace" => out.extend(escape_char(ch).bytes()),
            "xmlcharrefreplace" => out.extend(format!("&#{};", ch as u32).bytes()),
            _ => {
                let mut j = i;
                while j < chars.len() && (chars[j] as u32) >= limit {
                    j += 1;
                }
                let msg = if j - i == 1 {
                    format!(
                        "'{cname}' codec can't encode character '{}' in position {i}: ordinal not in range({limit})",
                        escape_char(ch)
                    )
                } else {
                    format!(
                        "'{cname}' codec can't encode characters in position {i}-{}: ordinal not in range({limit})",
                        j - 1
                    )
                };
                return Err(crate::vm::errors::exc(
                    crate::vm::types::ExcKind::UnicodeEncodeError,
                    msg,
                ));
            }
        }
        i += 1;
    }
    Ok(out)
}

/// `data.decode(encoding, errors)`
pub fn decode(data: &[u8], encoding: &str, errors: &str) -> PyResult<String> {
    let (c, cname) = codec(encoding)?;
    match c {
        Codec::Latin1 => Ok(data.iter().map(|&b| b as char).collect()),
        Codec::Ascii => {
            if data.is_ascii() {
                return Ok(data.iter().map(|&b| b as char).collect());
            }
            check_errors(errors)?;
            let mut out = String::with_capacity(data.len());
            for (i, &b) in data.iter().enumerate() {
                if b < 128 {
                    out.push(b as char);
                    continue;
                }
                match errors {
                    "ignore" => {}
                    "replace" => out.push('\u{fffd}'),
                    "backslashreplace" => out.push_str(&format!("\\x{b:02x}")),
                    _ => {
                        return Err(crate::vm::errors::exc(
                            crate::vm::types::ExcKind::UnicodeDecodeError,
                            format!(
                                "'{cname}' codec can't decode byte 0x{b:02x} in position {i}: ordinal not in range(128)"
                            ),
                        ))
                    }
                }
            }
            Ok(out)
        }
        Codec::Utf8 => {
            let mut out = String::with_capacity(data.len());
            let mut pos = 0;
            loop {
                match std::str::from_utf8(&data[pos..]) {
                    Ok(s) => {
                        out.push_str(s);
                        return Ok(out);
                    }
                    Err(e) => {
                        let good = e.valid_up_to();
                        out.push_str(std::str::from_utf8(&data[pos..pos + good]).unwrap_or(""));
                        let at = pos + good;
                        let bad = e.error_len().unwrap_or(data.len() - at);
                        check_errors(errors)?;
                        match errors {
                            "ignore" => {}
                            "replace" => out.push('\u{fffd}'),
                            "backslashreplace" => {
                                for b in &data[at..at + bad] {
                                    out.push_str(&format!("\\x{b:02x}"));
                                }
                            }
                            _ => {
                                let b0 = data[at];
                                let msg = match e.error_len() {
                                    None if bad > 1 => format!(
                                        "'utf-8' codec can't decode bytes in position {at}-{}: unexpected end of data",
                                        at + bad - 1
                                    ),
                                    None => format!(
                                        "'utf-8' codec can't decode byte 0x{b0:02x} in position {at}: unexpected end of data"
                                    ),
                                    Some(_) => {
                                        let reason = if (0xc2..=0xf4).contains(&b0) {
                                            "invalid continuation byte"
                                        } else {
                                            "invalid start byte"
                                        };
                                        format!(
                                            "'utf-8' codec can't decode byte 0x{b0:02x} in position {at}: {reason}"
                                        )
                                    }
                                };
                                return Err(crate::vm::errors::exc(
                                    crate::vm::types::ExcKind::UnicodeDecodeError,
                                    msg,
                                ));
                            }
                        }
                        pos = at + bad;
                    }
                }
            }
        }
    }
}

pub fn register(_vm: &mut Vm) {}
