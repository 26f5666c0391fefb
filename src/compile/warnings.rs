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

/// The type name of the value `e` evaluates to when the compiler can tell from its form
/// alone (CPython's infer_type); None for anything else.
fn infer_type(e: &Expr) -> Option<&'static str> {
    Some(match &e.kind {
        ExprKind::Tuple(_) => "tuple",
        ExprKind::List(_) | ExprKind::ListComp { .. } => "list",
        ExprKind::Dict { .. } | ExprKind::DictComp { .. } => "dict",
        ExprKind::Set(_) | ExprKind::SetComp { .. } => "set",
        ExprKind::GeneratorExp { .. } => "generator",
        ExprKind::Lambda { .. } => "function",
        ExprKind::JoinedStr(_) => "str",
        _ => const_type_name(&super::expr::fold_const(e)?),
    })
}

/// `type(c).__name__` for a folded constant.
fn const_type_name(c: &ConstValue) -> &'static str {
    match c {
        ConstValue::None => "NoneType",
        ConstValue::Bool(_) => "bool",
        ConstValue::Ellipsis => "ellipsis",
        ConstValue::Int(_) | ConstValue::BigInt(_) => "int",
        ConstValue::Float(_) => "float",
        ConstValue::Imag(_) => "complex",
        ConstValue::Str(_) => "str",
        ConstValue::Bytes(_) => "bytes",
        ConstValue::Tuple(_) => "tuple",
        ConstValue::FrozenSet(_) => "frozenset",
        ConstValue::Code(_) => "code",
    }
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

    /// CPython's check_caller: calling a display or literal, as in `[(1, 2) (3, 4)]`
    /// where a comma was forgotten.
    pub(super) fn check_caller(&mut self, call: &Expr, func: &Expr) {
        let literal = match &func.kind {
            ExprKind::Constant(_)
            | ExprKind::Tuple(_)
            | ExprKind::List(_)
            | ExprKind::ListComp { .. }
            | ExprKind::Dict { .. }
            | ExprKind::DictComp { .. }
            | ExprKind::Set(_)
            | ExprKind::SetComp { .. }
            | ExprKind::GeneratorExp { .. }
            | ExprKind::JoinedStr(_) => true,
            ExprKind::UnaryOp { .. } | ExprKind::Name(_) => super::expr::fold_const(func).is_some(),
            _ => false,
        };
        if let (true, Some(name)) = (literal, infer_type(func)) {
            let message = format!("'{name}' object is not callable; perhaps you missed a comma?");
            self.syntax_warning(call, &message);
        }
    }

    /// CPython's check_subscripter and check_index, for a subscript that is read:
    /// subscripting a value that never supports it, or a sequence literal with an index
    /// that is not an int or slice.
    pub(super) fn check_subscript(&mut self, sub: &Expr, value: &Expr, index: &Expr) {
        let folded = super::expr::fold_const(value);
        let unsubscriptable = match &value.kind {
            ExprKind::Set(_)
            | ExprKind::SetComp { .. }
            | ExprKind::GeneratorExp { .. }
            | ExprKind::Lambda { .. } => true,
            _ => matches!(
                folded,
                Some(
                    ConstValue::None
                        | ConstValue::Ellipsis
                        | ConstValue::Bool(_)
                        | ConstValue::Int(_)
                        | ConstValue::BigInt(_)
                        | ConstValue::Float(_)
                        | ConstValue::Imag(_)
                        | ConstValue::FrozenSet(_)
                )
            ),
        };
        if unsubscriptable {
            if let Some(name) = infer_type(value) {
                let message =
                    format!("'{name}' object is not subscriptable; perhaps you missed a comma?");
                self.syntax_warning(sub, &message);
            }
            return;
        }
        let Some(index_type) = infer_type(index) else {
            return;
        };
        if matches!(index_type, "int" | "bool") {
            return;
        }
        let sequence = match &value.kind {
            ExprKind::Tuple(_)
            | ExprKind::List(_)
            | ExprKind::ListComp { .. }
            | ExprKind::JoinedStr(_) => true,
            _ => matches!(
                folded,
                Some(ConstValue::Str(_) | ConstValue::Bytes(_) | ConstValue::Tuple(_))
            ),
        };
        if let (true, Some(name)) = (sequence, infer_type(value)) {
            let message = format!(
                "{name} indices must be integers or slices, not {index_type}; perhaps you missed a comma?"
            );
            self.syntax_warning(sub, &message);
        }
    }
}
