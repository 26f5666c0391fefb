//! String literals: prefixes, escapes, bytes, implicit concatenation, and f-strings
//! (Python 3.11 rules: each replacement field's expression is parsed again at its own
//! byte offset, so its spans are absolute offsets into the whole source).

use super::ast::*;
use super::error::SyntaxError;
use super::nodes::{self, err, sp, E, R};

/// Format specs may nest fields only this deep (`f'{x:{y}}'` is fine, one more is not).
const MAX_FSTRING_NEST: u32 = 2;

struct Lit<'a> {
    raw: bool,
    bytes: bool,
    fstr: bool,
    body: &'a str,
    /// Absolute offset of `body`.
    at: usize,
    start: usize,
    end: usize,
}

fn split(pos: usize, text: &str) -> Lit<'_> {
    let p = text.find(['\'', '"']).unwrap_or(0);
    let prefix = text[..p].to_ascii_lowercase();
    let q = text.as_bytes().get(p).copied().unwrap_or(b'"');
    let rest = &text[p..];
    let triple = rest.len() >= 6 && rest.as_bytes()[..3] == [q, q, q];
    let ql = if triple { 3 } else { 1 };
    let end = text.len().saturating_sub(ql).max(p + ql);
    Lit {
        raw: prefix.contains('r'),
        bytes: prefix.contains('b'),
        fstr: prefix.contains('f'),
        body: text.get(p + ql..end).unwrap_or(""),
        at: pos + p + ql,
        start: pos,
        end: pos + text.len(),
    }
}

/// A run of adjacent string tokens (`v` holds each token's start and text).
pub fn literal(v: Vec<(usize, &str)>, l: usize, r: usize) -> R<E> {
    decode_literal(v, l, r).map_err(|mut e| {
        if e.at_next_token {
            e.span = sp(r, r);
        }
        e
    })
}

fn decode_literal(v: Vec<(usize, &str)>, l: usize, r: usize) -> R<E> {
    let lits: Vec<Lit> = v.iter().map(|&(pos, t)| split(pos, t)).collect();
    let any_bytes = lits.iter().any(|x| x.bytes);
    if any_bytes {
        if lits.iter().any(|x| !x.bytes) {
            return Err(SyntaxError::at_next_token(
                "cannot mix bytes and nonbytes literals",
            ));
        }
        let mut out = Vec::new();
        for x in &lits {
            decode_bytes(x, &mut out)?;
        }
        return Ok(nodes::constant(Constant::Bytes(out), l, r));
    }
    if !lits.iter().any(|x| x.fstr) {
        let mut out = String::new();
        for x in &lits {
            decode_into(x.body, x.raw, &mut out)?;
        }
        return Ok(nodes::constant(Constant::Str(out), l, r));
    }
    let mut parts = Parts::default();
    for x in &lits {
        if x.fstr {
            fstring(x, 0, &mut parts)?;
        } else {
            let mut s = String::new();
            decode_into(x.body, x.raw, &mut s)?;
            parts.lit(&s);
        }
    }
    let d = parts.depth;
    nodes::mk(ExprKind::JoinedStr(parts.v), l, r, d)
}

/// f-string parts being collected; adjacent literals merge.
#[derive(Default)]
struct Parts {
    v: Vec<FStringPart>,
    depth: u32,
}

impl Parts {
    fn lit(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(FStringPart::Literal(prev)) = self.v.last_mut() {
            prev.push_str(s);
        } else {
            self.v.push(FStringPart::Literal(s.to_string()));
        }
    }
}

fn normalize_newlines(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains('\r') {
        s.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        s.into()
    }
}

/// Decoding errors are reported at the token after the literal, as CPython does.
fn next_token_err<T>(msg: impl Into<String>) -> R<T> {
    Err(SyntaxError::at_next_token(msg))
}

/// The position CPython's codec reports for byte `i` of a literal's body: it decodes a copy
/// in which every non-ASCII character was rewritten as a 10-byte `\UXXXXXXXX` escape.
fn codec_pos(body: &str, i: usize) -> usize {
    body[..i]
        .chars()
        .map(|c| if c.is_ascii() { 1 } else { 10 })
        .sum()
}

/// Decodes `\N{NAME}` at the start of `s`: the character and the escape's length in bytes,
/// or CPython's reason and the byte offset where its codec stopped.
fn named_escape(s: &str) -> Result<(char, usize), (&'static str, usize)> {
    const MALFORMED: &str = "malformed \\N character escape";
    let Some(rest) = s.get(2..) else {
        return Err((MALFORMED, s.len()));
    };
    if !rest.starts_with('{') {
        return Err((MALFORMED, if rest.is_empty() { s.len() } else { 2 }));
    }
    let Some(close) = rest.find('}') else {
        return Err((MALFORMED, s.len()));
    };
    let name = &rest[1..close];
    if name.is_empty() {
        return Err((MALFORMED, 2 + close));
    }
    let len = 2 + close + 1;
    char_named(name)
        .map(|c| (c, len))
        .ok_or(("unknown Unicode character name", len))
}

/// The character called `name` (or one of its Unicode name aliases) as CPython 3.11
/// accepts it in `\N{...}`: the unicodedata module's Unicode 14.0 names.
pub(crate) fn char_named(name: &str) -> Option<char> {
    crate::modules::unicodedata::char_named(name)
}

/// Decodes a (non-bytes) literal chunk, appending to `out`.
fn decode_into(body: &str, raw: bool, out: &mut String) -> R<()> {
    let body = normalize_newlines(body);
    if raw || !body.contains('\\') {
        out.push_str(&body);
        return Ok(());
    }
    let mut it = body.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = it.next() else {
            out.push('\\');
            break;
        };
        match e {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e as u32 - '0' as u32;
                for _ in 0..2 {
                    match it.peek() {
                        Some(&(_, d @ '0'..='7')) => {
                            v = v * 8 + (d as u32 - '0' as u32);
                            it.next();
                        }
                        _ => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{FFFD}'));
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut v = 0u32;
                for k in 0..n {
                    match it.peek().and_then(|&(_, d)| d.to_digit(16)) {
                        Some(d) => {
                            v = v.wrapping_mul(16) + d;
                            it.next();
                        }
                        None => {
                            let what = match e {
                                'x' => "truncated \\xXX escape",
                                'u' => "truncated \\uXXXX escape",
                                _ => "truncated \\UXXXXXXXX escape",
                            };
                            return next_token_err(
                                format!(
                                    "(unicode error) 'unicodeescape' codec can't decode bytes in position {}-{}: {what}",
                                    codec_pos(&body, i),
                                    codec_pos(&body, i) + 1 + k
                                ));
                        }
                    }
                }
                match char::from_u32(v) {
                    Some(ch) => out.push(ch),
                    // Rust strings cannot hold lone surrogates; CPython's can.
                    None if (0xD800..0xE000).contains(&v) => {
                        return next_token_err(
                            format!(
                                "aio does not support lone surrogates in string literals ('\\{e}{v:0w$x}')",
                                w = n
                            ))
                    }
                    None => {
                        return next_token_err(
                            format!(
                                "(unicode error) 'unicodeescape' codec can't decode bytes in position {}-{}: illegal Unicode character",
                                codec_pos(&body, i),
                                codec_pos(&body, i) + 1 + n
                            ))
                    }
                }
            }
            'N' => match named_escape(&body[i..]) {
                Ok((ch, len)) => {
                    out.push(ch);
                    while it.peek().is_some_and(|&(j, _)| j < i + len) {
                        it.next();
                    }
                }
                Err((what, end)) => {
                    return next_token_err(format!(
                        "(unicode error) 'unicodeescape' codec can't decode bytes in position {}-{}: {what}",
                        codec_pos(&body, i),
                        codec_pos(&body, i + end) - 1
                    ))
                }
            },
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Ok(())
}

fn decode_bytes(x: &Lit, out: &mut Vec<u8>) -> R<()> {
    if !x.body.is_ascii() {
        return err(
            "bytes can only contain ASCII literal characters",
            sp(x.start, x.end),
        );
    }
    let body = normalize_newlines(x.body);
    let b = body.as_bytes();
    if x.raw {
        out.extend_from_slice(b);
        return Ok(());
    }
    decode_bytes_escapes(b, out, |bad, out| match bad {
        BadEscape::Trailing => {
            out.push(b'\\');
            Ok(())
        }
        BadEscape::Hex { at } => {
            next_token_err(format!("(value error) invalid \\x escape at position {at}"))
        }
    })
}

/// The value of ASCII hex digit `d`.
fn hex_value(d: u8) -> u8 {
    match d {
        b'0'..=b'9' => d - b'0',
        _ => (d | 0x20) - b'a' + 10,
    }
}

/// An escape `decode_bytes_escapes` cannot resolve.
pub(crate) enum BadEscape {
    /// A backslash ends the data.
    Trailing,
    /// `\x` not followed by two hex digits; `at` is the backslash's index.
    Hex { at: usize },
}

/// The escapes of a bytes literal resolved into `out` (CPython's `_PyBytes_DecodeEscape`,
/// shared by the lexer and `codecs.escape_decode`); an unknown escape stays as written.
/// `bad` decides what an unresolvable one does: it may push a replacement and go on
/// (past the `\x` and one hex digit that follows, as CPython) or fail.
pub(crate) fn decode_bytes_escapes<E>(
    b: &[u8],
    out: &mut Vec<u8>,
    mut bad: impl FnMut(BadEscape, &mut Vec<u8>) -> Result<(), E>,
) -> Result<(), E> {
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c != b'\\' {
            out.push(c);
            continue;
        }
        let Some(&e) = b.get(i) else {
            return bad(BadEscape::Trailing, out);
        };
        i += 1;
        match e {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(e),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = u32::from(e - b'0');
                for _ in 0..2 {
                    match b.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xFF) as u8);
            }
            b'x' => match b.get(i..i + 2) {
                // Two hex digits exactly (`u8::from_str_radix` would take a sign too).
                Some(&[h, l]) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                    out.push((hex_value(h) << 4) | hex_value(l));
                    i += 2;
                }
                _ => {
                    bad(BadEscape::Hex { at: i - 2 }, out)?;
                    // Going on past it: CPython skips one hex digit that follows.
                    if b.get(i).is_some_and(u8::is_ascii_hexdigit) {
                        i += 1;
                    }
                }
            },
            other => {
                out.push(b'\\');
                out.push(other);
            }
        }
    }
    Ok(())
}

fn fstring(x: &Lit, nest: u32, parts: &mut Parts) -> R<()> {
    let end = scan(x, 0, nest, parts, false)?;
    debug_assert_eq!(end, x.body.len());
    Ok(())
}

/// An f-string error. CPython 3.11 finds these while decoding the literal, after the parser
/// has looked past the string, so it reports them at that next token.
fn fstring_error(msg: &str) -> SyntaxError {
    SyntaxError::at_next_token(msg)
}

/// Scans literal text and fields from `i`; in a format spec (`spec`), stops at a lone `}`.
/// Returns the index where scanning stopped.
fn scan(x: &Lit, mut i: usize, nest: u32, parts: &mut Parts, spec: bool) -> R<usize> {
    let b = x.body.as_bytes();
    let mut lit_start = i;
    let flush = |from: usize, to: usize, parts: &mut Parts| -> R<()> {
        let mut s = String::new();
        decode_into(&x.body[from..to], x.raw, &mut s)?;
        parts.lit(&s);
        Ok(())
    };
    while i < b.len() {
        match b[i] {
            b'{' if !spec && b.get(i + 1) == Some(&b'{') => {
                flush(lit_start, i + 1, parts)?;
                i += 2;
                lit_start = i;
            }
            b'{' => {
                flush(lit_start, i, parts)?;
                i = field(x, i, nest, parts)?;
                lit_start = i;
            }
            b'}' if spec => {
                flush(lit_start, i, parts)?;
                return Ok(i);
            }
            b'}' if b.get(i + 1) == Some(&b'}') => {
                flush(lit_start, i + 1, parts)?;
                i += 2;
                lit_start = i;
            }
            b'}' => return Err(fstring_error("f-string: single '}' is not allowed")),
            // `\N{NAME}` braces are not a field: skip to the closing brace, as CPython does.
            b'\\' if !x.raw && b.get(i + 1) == Some(&b'N') && b.get(i + 2) == Some(&b'{') => {
                i = x.body[i..].find('}').map_or(b.len(), |c| i + c + 1);
            }
            // An escaped backslash: a following `N{` is literal text and a field.
            b'\\' if !x.raw && b.get(i + 1) == Some(&b'\\') => i += 2,
            _ => i += 1,
        }
    }
    if spec {
        return Err(fstring_error("f-string: expecting '}'"));
    }
    flush(lit_start, i, parts)?;
    Ok(i)
}

/// One replacement field starting at the `{` at `open`; returns the index after its `}`.
fn field(x: &Lit, open: usize, nest: u32, parts: &mut Parts) -> R<usize> {
    if nest >= MAX_FSTRING_NEST {
        return Err(fstring_error("f-string: expressions nested too deeply"));
    }
    let b = x.body.as_bytes();
    let mut j = open + 1;
    let mut depth = 0usize;
    let mut quote: Option<(u8, bool)> = None;
    let expect = || fstring_error("f-string: expecting '}'");
    // Find where the expression ends.
    loop {
        let Some(&c) = b.get(j) else {
            return Err(expect());
        };
        if c == b'\\' {
            return Err(fstring_error(
                "f-string expression part cannot include a backslash",
            ));
        }
        if let Some((q, triple)) = quote {
            if c == q {
                if !triple {
                    quote = None;
                } else if b.get(j + 1) == Some(&q) && b.get(j + 2) == Some(&q) {
                    quote = None;
                    j += 2;
                }
            }
            j += 1;
            continue;
        }
        let next = b.get(j + 1).copied();
        match c {
            b'\'' | b'"' => {
                let triple = next == Some(c) && b.get(j + 2) == Some(&c);
                quote = Some((c, triple));
                j += if triple { 3 } else { 1 };
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' => {
                if depth == 0 {
                    return Err(fstring_error(&format!(
                        "f-string: unmatched '{}'",
                        c as char
                    )));
                }
                depth -= 1;
            }
            b'}' if depth == 0 => break,
            b'}' => depth -= 1,
            b'#' => return Err(fstring_error("f-string expression part cannot include '#'")),
            b'=' | b'!' | b'<' | b'>' if next == Some(b'=') => {
                j += 2;
                continue;
            }
            b'!' | b':' | b'=' if depth == 0 => break,
            _ => {}
        }
        j += 1;
    }
    let expr_text = &x.body[open + 1..j];
    if expr_text.trim().is_empty() {
        // CPython names what came too early: `=`, a conversion or a format spec.
        return Err(match b.get(j) {
            Some(&c @ (b'=' | b'!' | b':')) => fstring_error(&format!(
                "f-string: expression required before '{}'",
                c as char
            )),
            _ => fstring_error("f-string: empty expression not allowed"),
        });
    }
    let expr_at = x.at + open + 1;
    let mut debug: Option<&str> = None;
    if b[j] == b'=' {
        j += 1;
        while b.get(j).is_some_and(|c| c.is_ascii_whitespace()) {
            j += 1;
        }
        debug = Some(&x.body[open + 1..j]);
    }
    let mut conversion = None;
    if b.get(j) == Some(&b'!') {
        match b.get(j + 1) {
            Some(&c @ (b's' | b'r' | b'a')) => conversion = Some(c as char),
            _ => {
                return Err(fstring_error(
                    "f-string: invalid conversion character: expected 's', 'r', or 'a'",
                ))
            }
        }
        j += 2;
    }
    let mut spec = None;
    if b.get(j) == Some(&b':') {
        let mut sp_parts = Parts::default();
        j = scan(x, j + 1, nest + 1, &mut sp_parts, true)?;
        parts.depth = parts.depth.max(sp_parts.depth);
        spec = Some(sp_parts.v);
    }
    if b.get(j) != Some(&b'}') {
        return Err(expect());
    }
    let value = super::parse::parse_fexpr(expr_text, expr_at)?;
    parts.depth = parts.depth.max(value.d);
    if let Some(text) = debug {
        parts.lit(text);
        if conversion.is_none() && spec.is_none() {
            conversion = Some('r');
        }
    }
    parts.v.push(FStringPart::Formatted {
        value: Box::new(value.e),
        conversion,
        spec,
    });
    Ok(j + 1)
}
