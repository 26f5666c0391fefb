//! The front end: source text to AST (DESIGN.md section 2).
//!
//! `lexer`/`token` (logos) → `layout` (NEWLINE/INDENT/DEDENT, limits) → the LALRPOP grammar
//! in `grammar/aio.lalrpop` (actions in `nodes`, `stmts`, `targets`, `strings`) → `ast`.
pub mod ast;
pub mod error;

mod element_errors;
mod layout;
mod lexer;
mod nodes;
mod parse;
mod patterns;
mod scan;
mod stmts;
pub(crate) mod strings;
mod targets;
mod token;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_tools;

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, clippy::unwrap_used, unused)]
    aio,
    "/aio.rs"
);

/// Expression trees deeper than this are refused with `as_memory_error` set.
pub use nodes::MAX_DEPTH as MAX_EXPR_DEPTH;

use error::SyntaxError;
use parse::{Mode, Top};
use std::cell::Cell;

thread_local! {
    static COMPILER_CHECKS: Cell<bool> = const { Cell::new(true) };
}

/// Whether the parser also makes the checks that CPython's compiler, not its parser,
/// makes (duplicate parameters, a repeated keyword argument, several starred targets).
pub(crate) fn compiler_checks() -> bool {
    COMPILER_CHECKS.with(|c| c.get())
}

/// Runs `parse` without the compiler's checks, as `ast.parse` needs: CPython's parser
/// accepts `def f(a, a): pass`, which only compiling refuses.
pub fn without_compiler_checks<T>(parse: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            COMPILER_CHECKS.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(COMPILER_CHECKS.with(|c| c.replace(false)));
    parse()
}

/// Parses a whole file.
pub fn parse_module(src: &str) -> Result<ast::Module, SyntaxError> {
    match parse::run(src, Mode::Module)? {
        Top::Module(body) => Ok(ast::Module { body }),
        Top::Expr(e) => Ok(ast::Module {
            body: vec![ast::Stmt {
                span: e.e.span,
                kind: ast::StmtKind::Expr(e.e),
            }],
        }),
    }
}

/// Parses one expression (`eval()`); surrounding whitespace and newlines are allowed.
pub fn parse_expr(src: &str) -> Result<ast::Expr, SyntaxError> {
    match parse::run(src, Mode::Expr)? {
        Top::Expr(e) => Ok(e.e),
        Top::Module(_) => Err(SyntaxError::syntax("invalid syntax", ast::Span::default())),
    }
}

/// Parses REPL input like `parse_module`; an error has `incomplete = true` when the input
/// ended inside an open block, bracket or triple-quoted string.
pub fn parse_interactive(src: &str) -> Result<ast::Module, SyntaxError> {
    match parse::run(src, Mode::Interactive)? {
        Top::Module(body) => Ok(ast::Module { body }),
        Top::Expr(_) => Err(SyntaxError::syntax("invalid syntax", ast::Span::default())),
    }
}
