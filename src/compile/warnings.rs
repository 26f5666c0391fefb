//! The SyntaxWarnings CPython's compiler issues for code that is valid but almost surely
//! wrong (`x is 5`, `assert (cond, "msg")`): found while compiling, then written to stderr
//! by whoever compiled, before the code runs, in the format of CPython's warnings.

use super::codegen::Compiler;
use crate::bytecode::ConstValue;
use crate::syntax::ast::{CmpOp, Expr, ExprKind};
use std::cell::RefCell;

thread_local! {
    static FOUND: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The warnings found since the last call, as the text to write to stderr.
pub fn take() -> Vec<String> {
    FOUND.with(|f| std::mem::take(&mut *f.borrow_mut()))
}

/// Whether CPython treats `e` as a literal for the `is` check: a constant (after folding)
/// other than None, True, False and Ellipsis.
fn is_literal(e: &Expr) -> bool {
    !matches!(
        super::expr::fold_const(e),
        None | Some(ConstValue::None | ConstValue::Bool(_) | ConstValue::Ellipsis)
    )
}

impl<'a> Compiler<'a> {
    /// CPython's compiler_warn: "FILE:LINE: SyntaxWarning: MESSAGE" and the source line.
    fn syntax_warning(&mut self, e: &Expr, message: &str) {
        let line = self.source.line_of(e.span.start);
        let name = &self.source.name;
        // As linecache: no source line for code compiled from a string (`<string>`).
        let text = if name.starts_with('<') {
            format!("{name}:{line}: SyntaxWarning: {message}\n")
        } else {
            let code = self.source.line_text(line).trim();
            format!("{name}:{line}: SyntaxWarning: {message}\n  {code}\n")
        };
        FOUND.with(|f| {
            let mut f = f.borrow_mut();
            if !f.contains(&text) {
                f.push(text);
            }
        });
    }

    /// CPython's check_compare: `is` / `is not` with a literal on either side.
    pub(super) fn check_compare(&mut self, e: &Expr) {
        let ExprKind::Compare {
            left,
            ops,
            comparators,
        } = &e.kind
        else {
            return;
        };
        let mut prev = &**left;
        for (op, right) in ops.iter().zip(comparators.iter()) {
            if matches!(op, CmpOp::Is | CmpOp::IsNot) && (is_literal(prev) || is_literal(right)) {
                let message = if *op == CmpOp::Is {
                    "\"is\" with a literal. Did you mean \"==\"?"
                } else {
                    "\"is not\" with a literal. Did you mean \"!=\"?"
                };
                self.syntax_warning(e, message);
                return;
            }
            prev = right;
        }
    }

    /// `assert (test, "message")`: a non-empty tuple is always true.
    pub(super) fn check_assert(&mut self, test: &Expr) {
        if matches!(&test.kind, ExprKind::Tuple(es) if !es.is_empty()) {
            self.syntax_warning(
                test,
                "assertion is always true, perhaps remove parentheses?",
            );
        }
    }
}
