//! The bytecode compiler: AST to `Code` (DESIGN.md section 2).
//!
//! `symtable` decides every name's scope as CPython 3.11 does; `codegen` holds the per-code-object
//! state and assembly; `expr`, `stmt`, `blocks` (try/with/finally and unwinding), `function`
//! (defs, lambdas, classes, closures) and `comprehension` emit code; `stackdepth` computes
//! `max_stack` and handler depths.

mod analyze;
mod blocks;
mod codegen;
mod comprehension;
mod expr;
mod function;
mod future;
mod pattern;
mod stackdepth;
mod stmt;
pub mod symtable;
#[cfg(test)]
mod tests;
mod unparse;
pub mod warnings;

use crate::bytecode::{Code, Op, Source};
use crate::syntax::ast;
use crate::syntax::error::SyntaxError;
use codegen::{Compiler, UnitKind};
use std::rc::Rc;

pub use stackdepth::stack_effect;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A module or script.
    Exec,
    /// One REPL input: expression statements print their value with `PrintExpr`, and
    /// the top level may await (the code is then a coroutine).
    Interactive,
}

/// Compile a module (a script, an imported module, or one REPL input).
pub fn compile_module(
    module: &ast::Module,
    source: Rc<Source>,
    mode: Mode,
) -> Result<Rc<Code>, SyntaxError> {
    let st = symtable::build(module)?;
    let mut c = Compiler::new(source, st, mode);
    c.future_prelude_end = future::prelude_end(&module.body);
    c.enter_scope("<module>", UnitKind::Module, 0, ast::Span::default());
    c.body(&module.body, mode == Mode::Exec)?;
    c.implicit_return(&module.body);
    if c.top_level_await {
        // Run as a coroutine on the REPL's event loop.
        c.u().flags.coroutine = true;
    }
    c.exit_scope()
}

/// Compile an expression for `eval()`: the code returns its value.
pub fn compile_expression(expr: &ast::Expr, source: Rc<Source>) -> Result<Rc<Code>, SyntaxError> {
    let st = symtable::build_expression(expr)?;
    let mut c = Compiler::new(source, st, Mode::Exec);
    c.enter_scope("<module>", UnitKind::Module, 0, ast::Span::default());
    c.expr(expr)?;
    c.set_span(expr.span);
    c.emit(Op::Return);
    c.exit_scope()
}
