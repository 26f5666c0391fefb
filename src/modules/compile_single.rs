//! `compile(..., 'single')` and compile()'s PyCF_ALLOW_INCOMPLETE_INPUT flag, which
//! `codeop` and `code` (the interactive interpreter classes) are built on.
//!
//! 'single' takes one statement (one line of simple statements, or one compound
//! statement) and compiles it as the REPL does: expression statements print their value
//! through `sys.displayhook`. Top-level `await` is refused, as CPython refuses it without
//! PyCF_ALLOW_TOP_LEVEL_AWAIT, by compiling the input as a module first.

use crate::bytecode::{Code, Source};
use crate::compile::Mode;
use crate::syntax::ast::{Module, Span};
use crate::syntax::error::SyntaxError;
use crate::vm::errors::PyResult;
use crate::vm::Vm;
use std::rc::Rc;

/// PyCF_ALLOW_INCOMPLETE_INPUT: input that ends inside an open block, bracket or string
/// is SyntaxError('incomplete input').
pub const ALLOW_INCOMPLETE_INPUT: i64 = 0x4000;

/// What a parse error becomes under `flags`.
pub fn parse_error(e: SyntaxError, flags: i64) -> SyntaxError {
    if e.incomplete && flags & ALLOW_INCOMPLETE_INPUT != 0 {
        SyntaxError::syntax("incomplete input", e.span)
    } else {
        e
    }
}

/// CPython's single_input holds one line of simple statements or one compound
/// statement: the error for a second one.
fn second_statement(module: &Module, text: &str) -> Option<SyntaxError> {
    if module.body.is_empty() {
        return Some(
            SyntaxError::syntax("invalid syntax", Span::default())
                .with_columns(crate::syntax::error::Columns::NoToken),
        );
    }
    for pair in module.body.windows(2) {
        let (first, next) = (&pair[0], &pair[1]);
        let between = text
            .get(first.span.end as usize..next.span.start as usize)
            .unwrap_or("");
        if !first.kind.is_compound() && between.contains(';') {
            continue;
        }
        if first.kind.is_compound() {
            let span = Span {
                start: next.span.start,
                end: next.span.start + 1,
            };
            return Some(SyntaxError::syntax("invalid syntax", span));
        }
        let span = Span {
            start: first.span.end,
            end: first.span.end,
        };
        return Some(SyntaxError::syntax(
            "multiple statements found while compiling a single statement",
            span,
        ));
    }
    None
}

/// At the end of eval or 'single' input with no newline, CPython's tokenizer gives the
/// error token no column.
pub fn no_column_at_unterminated_end(e: SyntaxError, text: &str) -> SyntaxError {
    let only_comments_after = text.get(e.span.start as usize..).is_some_and(|rest| {
        rest.lines()
            .map(str::trim_start)
            .all(|l| l.is_empty() || l.starts_with('#'))
    });
    let end_marker = e.columns == crate::syntax::error::Columns::EndMarker;
    if !text.ends_with('\n') && only_comments_after && !end_marker {
        return e.with_columns(crate::syntax::error::Columns::Unknown);
    }
    e
}

/// Whether eval or 'single' input has no token at all, only blank lines and comments:
/// CPython's parser then fails at its ENDMARKER.
pub fn without_tokens(text: &str) -> bool {
    text.split_inclusive('\n').all(|line| {
        let code = line.trim_start_matches([' ', '\t', '\x0c']);
        // Blanks that end the input without a newline are an INDENT token to CPython.
        let indented_end = !line.ends_with('\n') && code.is_empty() && !line.is_empty();
        !indented_end && (code.trim_end().is_empty() || code.starts_with('#'))
    })
}

/// `compile(text, filename, 'single', flags)`.
pub fn compile(vm: &mut Vm, text: String, filename: &str, flags: i64) -> PyResult<Rc<Code>> {
    let source = Rc::new(Source::without_implied_newline(filename, text));
    let module = match crate::syntax::parse_interactive(&source.text) {
        Ok(module) => module,
        Err(e) => {
            let e = no_column_at_unterminated_end(parse_error(e, flags), &source.text);
            return Err(vm.syntax_error_exc(&e, &source));
        }
    };
    if let Some(e) = second_statement(&module, &source.text) {
        return Err(vm.syntax_error_exc(&e, &source));
    }
    // Without its final newline a compound statement is not finished (CPython's
    // PyCF_DONT_IMPLY_DEDENT: no DEDENT closes it).
    if flags & ALLOW_INCOMPLETE_INPUT != 0
        && module.body.first().is_some_and(|s| s.kind.is_compound())
        && !source.text.ends_with('\n')
    {
        let end = source.text.len() as u32;
        let e = SyntaxError::syntax("incomplete input", Span { start: end, end });
        return Err(vm.syntax_error_exc(&e, &source));
    }
    // As a module first: its errors (a top-level await) are the ones 'single' has too.
    crate::compile::compile_module(&module, source.clone(), Mode::Exec)
        .map_err(|e| vm.syntax_error_exc(&e, &source))?;
    crate::compile::compile_module(&module, source.clone(), Mode::Interactive)
        .map_err(|e| vm.syntax_error_exc(&e, &source))
}
