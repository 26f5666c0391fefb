//! The SyntaxError exception object made from a front-end error: CPython's message,
//! location attributes and `args`, with its column units and quoted line.

use super::errors::new_exception;
use super::types::{exc_class, ExcKind};
use super::value::Value;
use super::Vm;
use crate::bytecode::Source;

impl Vm {
    /// A SyntaxError exception from a front-end error, with CPython's attributes.
    pub fn syntax_error_exc(
        &mut self,
        e: &crate::syntax::error::SyntaxError,
        source: &Source,
    ) -> super::errors::ExcRef {
        use crate::syntax::error::{Columns, Origin};
        if e.as_memory_error {
            return super::errors::memory_error();
        }
        let kind = match e.kind {
            crate::syntax::error::SyntaxErrorKind::SyntaxError => ExcKind::SyntaxError,
            crate::syntax::error::SyntaxErrorKind::IndentationError => ExcKind::IndentationError,
            crate::syntax::error::SyntaxErrorKind::TabError => ExcKind::TabError,
        };
        match e.columns {
            Columns::NoToken => return no_token_error(e, source),
            Columns::EndMarker => return end_marker_error(kind, e, source),
            _ => {}
        }
        let lineno = source.line_of(e.span.start);
        // CPython's text is a C string: it stops at a NUL, and then has no newline.
        let line = source.line_text(lineno);
        let text = match line.split_once('\0') {
            Some((before, _)) => Value::str(before),
            // The compiler reads the line back from the file; a string has none.
            None if matches!(e.origin, Origin::Compiler | Origin::Symtable)
                && !source.from_file =>
            {
                Value::None
            }
            // The tokenizer's own messages quote the line without its newline.
            None if e.origin == Origin::Tokenizer => Value::str(line),
            // An error found at the end of a string input, on an earlier line: CPython
            // quotes that line from its string buffer, where it has no newline.
            None if e.raised_at_eof && !source.from_file && source.has_line_after(lineno) => {
                Value::str(line)
            }
            None if source.newline_implied || source.line_terminated(lineno) => {
                Value::string(format!("{line}\n"))
            }
            None => Value::str(line),
        };
        let byte_columns = match e.origin {
            Origin::Compiler | Origin::Symtable => true,
            Origin::Parser => source.from_file,
            Origin::Tokenizer => false,
        };
        let column = |at: u32| {
            let col = if byte_columns {
                source.byte_col(at)
            } else {
                source.char_col(at)
            };
            col as i64 + 1
        };
        let mut offset = column(e.span.start);
        let end_lineno = match e.columns {
            Columns::Point => lineno,
            _ => source.line_of(e.span.end.max(e.span.start)),
        };
        let mut end_offset = match e.columns {
            Columns::Span if e.span.end > e.span.start => column(e.span.end),
            Columns::Span => offset + 1,
            Columns::NoEnd(end) => end,
            Columns::Point => offset,
            Columns::Unknown | Columns::NoToken | Columns::EndMarker => {
                offset = 0;
                0
            }
        };
        let (mut end_lineno, mut text) = (end_lineno, text);
        if let Some((start, expr)) = &e.fstring_expr {
            // Columns into the quoted `(expression)`, one past its opening parenthesis; the
            // end of the expression is its closing parenthesis.
            let col = |at: u32| {
                let rel = (at as usize).saturating_sub(*start).min(expr.len());
                expr.get(..rel).map_or(0, |s| s.chars().count()) as i64 + 2
            };
            offset = col(e.span.start);
            end_offset = match e.columns {
                Columns::Span if e.span.end > e.span.start => col(e.span.end),
                _ => offset + 1,
            };
            end_lineno = lineno;
            text = Value::string(format!("({expr})\n"));
        }
        let location = SyntaxLocation {
            lineno,
            offset,
            text,
            end_lineno,
            end_offset,
        };
        syntax_exception(kind, e, source, location)
    }
}

/// Where a SyntaxError points, as CPython's attributes give it.
struct SyntaxLocation {
    lineno: u32,
    offset: i64,
    text: Value,
    end_lineno: u32,
    end_offset: i64,
}

/// The exception object of a front-end error at `at`: CPython's args and attributes.
fn syntax_exception(
    kind: ExcKind,
    e: &crate::syntax::error::SyntaxError,
    source: &Source,
    at: SyntaxLocation,
) -> super::errors::ExcRef {
    use crate::syntax::error::Origin;
    let details = Value::tuple(vec![
        Value::str(&source.name),
        Value::Int(at.lineno as i64),
        Value::Int(at.offset),
        at.text.clone(),
        Value::Int(at.end_lineno as i64),
        Value::Int(at.end_offset),
    ]);
    let args = match e.origin {
        Origin::Symtable => vec![Value::str(&e.msg)],
        _ => vec![Value::str(&e.msg), details],
    };
    let ex = new_exception(exc_class(kind), Value::tuple(args));
    let attrs = [
        ("msg", Value::str(&e.msg)),
        ("filename", Value::str(&source.name)),
        ("lineno", Value::Int(at.lineno as i64)),
        ("offset", Value::Int(at.offset)),
        ("text", at.text),
        ("end_lineno", Value::Int(at.end_lineno as i64)),
        ("end_offset", Value::Int(at.end_offset)),
    ];
    {
        let mut d = ex.exc().dict().borrow_mut();
        for (k, v) in attrs {
            super::dictops::set_str(&mut d, Value::str(k), v);
        }
    }
    ex
}

/// The error at CPython's ENDMARKER of input without a token (`Columns::NoToken`):
/// its line is the input's last (0 when empty), quoted with its newline.
fn no_token_error(e: &crate::syntax::error::SyntaxError, source: &Source) -> super::errors::ExcRef {
    let lines: Vec<&str> = source.text.split_inclusive('\n').collect();
    let location = SyntaxLocation {
        lineno: lines.len() as u32,
        offset: 0,
        text: Value::str(lines.last().copied().unwrap_or("")),
        end_lineno: lines.len() as u32,
        end_offset: 0,
    };
    syntax_exception(ExcKind::SyntaxError, e, source, location)
}

/// An error at CPython's ENDMARKER (`Columns::EndMarker`): on the last line, quoted with
/// its newline (one is implied in file input); its column counts that line's characters
/// and newline, except in a script CPython reads from a file stream, whose buffer is empty
/// by then.
fn end_marker_error(
    kind: ExcKind,
    e: &crate::syntax::error::SyntaxError,
    source: &Source,
) -> super::errors::ExcRef {
    let lineno = source.text.split_inclusive('\n').count().max(1) as u32;
    let line = source.line_text(lineno);
    let newline = source.newline_implied || source.line_terminated(lineno);
    let offset = match source.script_stream {
        true => 0,
        false => line.chars().count() as i64 + i64::from(newline),
    };
    let location = SyntaxLocation {
        lineno,
        offset,
        text: match newline {
            true => Value::string(format!("{line}\n")),
            false => Value::str(line),
        },
        end_lineno: lineno,
        end_offset: -1,
    };
    syntax_exception(kind, e, source, location)
}
