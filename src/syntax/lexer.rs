//! logos callbacks for the tokens a regular expression alone cannot finish: identifiers
//! (Unicode validation), numbers (values and CPython's literal checks) and strings
//! (scanning to the closing quote, which logos cannot do for triple quotes).

use logos::Lexer;
use num_bigint::BigInt;

use super::ast::{Constant, Span};
use super::error::{Columns, Origin, SyntaxError};
use super::token::Tok;

/// A lexer error. `None` means "no token matched here"; the layout pass turns it into
/// CPython's message by looking at the offending character.
#[derive(Clone, Debug, Default)]
pub struct LexError(pub Option<Box<SyntaxError>>);

impl PartialEq for LexError {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_ref().map(|e| &e.msg) == other.0.as_ref().map(|e| &e.msg)
    }
}

/// One of CPython's tokenizer errors: located at a point (its `end_offset` is its `offset`).
fn err(msg: impl Into<String>, start: usize, end: usize) -> LexError {
    err_range(msg, start, end).map_columns(Columns::Point)
}

/// A tokenizer error spanning `start..end`.
fn err_range(msg: impl Into<String>, start: usize, end: usize) -> LexError {
    let e = SyntaxError::syntax(msg, Span::new(start, end)).with_origin(Origin::Tokenizer);
    LexError(Some(Box::new(e)))
}

impl LexError {
    fn map_columns(mut self, columns: Columns) -> LexError {
        if let Some(e) = self.0.as_mut() {
            e.columns = columns;
        }
        self
    }
}

/// 1-based line number of byte offset `pos`.
pub fn line_of(src: &str, pos: usize) -> usize {
    let pos = pos.min(src.len());
    src.as_bytes()[..pos]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// CPython's message for a character that cannot start a token.
pub fn invalid_char_msg(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("invalid non-printable character U+{:04X}", c as u32)
    } else {
        format!("invalid character '{}' (U+{:04X})", c, c as u32)
    }
}

pub fn name<'s>(lex: &mut Lexer<'s, Tok<'s>>) -> Result<&'s str, LexError> {
    let s = lex.slice();
    let start = lex.span().start;
    for (i, c) in s.char_indices() {
        let ok = c.is_ascii()
            || if i == 0 {
                c.is_alphabetic()
            } else {
                c.is_alphanumeric() || is_combining(c)
            };
        if !ok {
            return Err(err(
                invalid_char_msg(c),
                start + i,
                start + i + c.len_utf8(),
            ));
        }
    }
    Ok(s)
}

/// Marks that may continue (not start) an identifier: the common combining and
/// variation-selector blocks plus Other_ID_Continue (an approximation of XID_Continue,
/// which std does not expose).
fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF
        | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0xE0100..=0xE01EF
        | 0x00B7 | 0x0387 | 0x1369..=0x1371 | 0x19DA | 0x203F | 0x2040)
}

/// Keywords CPython 3.11 still accepts glued to a number (`1if x else y`).
fn keyword_follows(rest: &str) -> bool {
    ["and", "else", "for", "if", "in", "is", "or", "not"]
        .iter()
        .any(|k| rest.starts_with(k))
}

pub fn number<'s>(lex: &mut Lexer<'s, Tok<'s>>) -> Result<Constant, LexError> {
    let text = lex.slice();
    let span = lex.span();
    let lower = text.to_ascii_lowercase();
    let (kind, radix) = if lower.starts_with("0x") {
        ("hexadecimal", 16)
    } else if lower.starts_with("0o") {
        ("octal", 8)
    } else if lower.starts_with("0b") {
        ("binary", 2)
    } else {
        ("decimal", 10)
    };
    // CPython's verify_end_of_number: an identifier character glued to a number.
    let rest = lex.remainder();
    if let Some(c) = rest.chars().next() {
        if radix == 2 && c.is_ascii_digit() || radix == 8 && c.is_ascii_digit() {
            return Err(err(
                format!("invalid digit '{c}' in {kind} literal"),
                span.end,
                span.end,
            ));
        }
        // `0o8`, `0b`, `0xg`: a prefix whose first digit is missing or out of range.
        if text == "0" && matches!(c, 'o' | 'O' | 'b' | 'B' | 'x' | 'X') {
            let kind = match c {
                'o' | 'O' => "octal",
                'b' | 'B' => "binary",
                _ => "hexadecimal",
            };
            let at = span.end + 1;
            return Err(match rest[1..].chars().next() {
                Some(d) if d.is_ascii_digit() => {
                    err(format!("invalid digit '{d}' in {kind} literal"), at, at)
                }
                _ => err(format!("invalid {kind} literal"), span.end, span.end),
            });
        }
        if (c.is_alphanumeric() || c == '_') && !keyword_follows(rest) {
            let imaginary = lower.ends_with('j');
            let at = if (c == '_' || c.is_ascii_digit()) && !imaginary {
                span.end
            } else {
                span.end - 1
            };
            let kind = if imaginary { "imaginary" } else { kind };
            return Err(err(format!("invalid {kind} literal"), at, at));
        }
    }
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    if radix != 10 {
        let body = &digits[2..];
        return Ok(match i64::from_str_radix(body, radix) {
            Ok(v) => Constant::Int(v),
            Err(_) => match BigInt::parse_bytes(body.as_bytes(), radix) {
                Some(b) => Constant::BigInt(b),
                None => return Err(err(format!("invalid {kind} literal"), span.start, span.end)),
            },
        });
    }
    if let Some(imag) = digits.strip_suffix(['j', 'J']) {
        let v: f64 = imag
            .parse()
            .map_err(|_| err("invalid imaginary literal", span.start, span.end))?;
        return Ok(Constant::Imag(v));
    }
    if digits.contains(['.', 'e', 'E']) {
        let v: f64 = digits
            .parse()
            .map_err(|_| err("invalid decimal literal", span.start, span.end))?;
        return Ok(Constant::Float(v));
    }
    if digits.len() > 1 && digits.starts_with('0') {
        if digits.bytes().all(|b| b == b'0') {
            return Ok(Constant::Int(0));
        }
        // CPython underlines the zeros (and underscores) before the first other digit.
        let zeros = text.bytes().take_while(|&b| b == b'0' || b == b'_').count();
        return Err(err_range(
            "leading zeros in decimal integer literals are not permitted; \
             use an 0o prefix for octal integers",
            span.start,
            span.start + zeros,
        ));
    }
    Ok(match digits.parse::<i64>() {
        Ok(v) => Constant::Int(v),
        Err(_) => match BigInt::parse_bytes(digits.as_bytes(), 10) {
            Some(b) => Constant::BigInt(b),
            None => return Err(err("invalid decimal literal", span.start, span.end)),
        },
    })
}

/// `<>`: CPython's tokenizer reads it as `!=` and its parser refuses it (outside the
/// `barry_as_FLUFL` joke), pointing at both characters.
pub fn barry_not_equal<'s>(lex: &mut Lexer<'s, Tok<'s>>) -> Result<(), LexError> {
    let span = lex.span();
    Err(LexError(Some(Box::new(SyntaxError::syntax(
        "invalid syntax",
        Span::new(span.start, span.end),
    )))))
}

const PREFIXES: [&str; 9] = ["", "r", "u", "b", "br", "rb", "f", "fr", "rf"];

/// Scans a string literal to its closing quote. The token text keeps prefix and quotes.
pub fn string<'s>(lex: &mut Lexer<'s, Tok<'s>>) -> Result<&'s str, LexError> {
    let head = lex.slice();
    let start = lex.span().start;
    let quote = head.as_bytes()[head.len() - 1];
    let prefix = head[..head.len() - 1].to_ascii_lowercase();
    let known_prefix = PREFIXES.contains(&prefix.as_str());
    // With a prefix CPython does not know, its string starts at the quote (the letters
    // before are a name).
    let literal_start = if known_prefix {
        start
    } else {
        start + head.len() - 1
    };
    let rest = lex.remainder().as_bytes();
    let triple = rest.len() >= 2 && rest[0] == quote && rest[1] == quote;
    let src_full = lex.source();
    let mut i = if triple { 2 } else { 0 };
    loop {
        let Some(&b) = rest.get(i) else {
            // EOF inside the literal.
            let body_end = start + head.len() + i;
            let last = if src_full.ends_with('\n') {
                src_full.len().saturating_sub(1)
            } else {
                src_full.len()
            };
            let line = line_of(src_full, last.max(body_end.min(last)));
            let msg = if triple {
                format!("unterminated triple-quoted string literal (detected at line {line})")
            } else {
                format!("unterminated string literal (detected at line {line})")
            };
            let mut e = err(msg, literal_start, literal_start);
            if triple {
                if let Some(e) = e.0.as_mut() {
                    e.incomplete = true;
                }
            }
            return Err(e);
        };
        match b {
            b'\\' => {
                i += 2;
                // A backslash before \r\n escapes both.
                if rest.get(i - 1) == Some(&b'\r') && rest.get(i) == Some(&b'\n') {
                    i += 1;
                }
                if i > rest.len() {
                    i = rest.len();
                }
            }
            b'\n' | b'\r' if !triple => {
                let line = line_of(src_full, start + head.len() + i);
                return Err(err(
                    format!("unterminated string literal (detected at line {line})"),
                    literal_start,
                    literal_start,
                ));
            }
            _ if b == quote => {
                if !triple {
                    i += 1;
                    break;
                }
                if rest.get(i + 1) == Some(&quote) && rest.get(i + 2) == Some(&quote) {
                    i += 3;
                    break;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    if !known_prefix {
        // Not a tokenizer error in CPython: a name followed by a string, which the parser
        // refuses at the string.
        return Err(LexError(Some(Box::new(SyntaxError::syntax(
            "invalid syntax",
            Span::new(literal_start, start + head.len() + i),
        )))));
    }
    lex.bump(i);
    Ok(lex.slice())
}
