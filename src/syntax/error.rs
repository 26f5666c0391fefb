//! SyntaxError as the front end and compiler report it: CPython's kind and message, plus
//! the span the diagnostic points at. Rendering (CPython text or miette) lives in
//! `crate::diagnostics`.

use super::ast::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    SyntaxError,
    IndentationError,
    TabError,
}

impl SyntaxErrorKind {
    pub fn class_name(self) -> &'static str {
        match self {
            SyntaxErrorKind::SyntaxError => "SyntaxError",
            SyntaxErrorKind::IndentationError => "IndentationError",
            SyntaxErrorKind::TabError => "TabError",
        }
    }
}

/// A syntax error with CPython's message text (`"invalid syntax"`, `"'(' was never closed"`,
/// `"expected ':'"`, ...).
#[derive(Clone, Debug)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub msg: String,
    /// Where the caret goes: `start` is the offending byte offset; `end` may equal `start`.
    pub span: Span,
    /// True when the input ended while a statement, bracket or string was still open:
    /// the REPL reads another line instead of reporting the error.
    pub incomplete: bool,
    /// Some errors are raised "too late" (CPython's MemoryError for absurd nesting):
    /// when set, the error is reported as this exception type instead of SyntaxError.
    pub as_memory_error: bool,
}

impl SyntaxError {
    pub fn new(kind: SyntaxErrorKind, msg: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            kind,
            msg: msg.into(),
            span,
            incomplete: false,
            as_memory_error: false,
        }
    }
    pub fn syntax(msg: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError::new(SyntaxErrorKind::SyntaxError, msg, span)
    }
}
