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

/// Which columns CPython reports for an error (`offset`, `end_offset`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Columns {
    /// Both come from `span` (most errors).
    #[default]
    Span,
    /// `offset` comes from `span.start`, but CPython knows no end column and reports this
    /// `end_offset` instead (0 for tokenizer errors, -1 for "unexpected indent").
    NoEnd(i64),
    /// CPython reports no column at all: `offset` and `end_offset` are 0 (null bytes).
    Unknown,
    /// A point: `end_offset` equals `offset` (most tokenizer errors, errors at a NEWLINE).
    Point,
    /// CPython's ENDMARKER of eval or 'single' input without a token: on the input's
    /// last line (line 0 when it is empty), with no columns.
    NoToken,
    /// CPython's ENDMARKER, where an error at the end of the input points: the input's
    /// last line, one column past its end (column 0 in a script read from a file), with
    /// no end column.
    EndMarker,
}

/// Which part of CPython reports an error, which decides the unit of its columns: the
/// parser counts UTF-8 bytes when it reads a file (characters for a string), the tokenizer's
/// own messages count characters, and the compiler and symbol table always count bytes.
/// Symbol-table errors also keep their location out of `args`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Origin {
    #[default]
    Parser,
    Tokenizer,
    Compiler,
    Symtable,
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
    pub columns: Columns,
    /// CPython raises this from a grammar action after looking one token ahead (string
    /// literal decoding): the location is that next token, filled in by the error mapper.
    pub at_next_token: bool,
    pub origin: Origin,
    /// An error inside an f-string replacement field: where its expression starts and its
    /// text. CPython 3.11 parses the field as `(expression)` on its own and quotes that.
    pub fstring_expr: Option<(usize, String)>,
    /// Raised once the tokenizer has reached the end of the input: for string input,
    /// CPython then quotes an earlier line from its buffer, without the newline.
    pub raised_at_eof: bool,
}

impl SyntaxError {
    pub fn new(kind: SyntaxErrorKind, msg: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            kind,
            msg: msg.into(),
            span,
            incomplete: false,
            as_memory_error: false,
            columns: Columns::Span,
            at_next_token: false,
            origin: Origin::Parser,
            fstring_expr: None,
            raised_at_eof: false,
        }
    }
    pub fn with_columns(mut self, columns: Columns) -> SyntaxError {
        self.columns = columns;
        self
    }
    /// An error located at the token after the current construct (see `at_next_token`).
    pub fn at_next_token(msg: impl Into<String>) -> SyntaxError {
        let mut e = SyntaxError::syntax(msg, Span::new(0, 0));
        e.at_next_token = true;
        e
    }
    pub fn with_origin(mut self, origin: Origin) -> SyntaxError {
        self.origin = origin;
        self
    }
    pub fn syntax(msg: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError::new(SyntaxErrorKind::SyntaxError, msg, span)
    }
}
