//! `from __future__ import ...`: where such a statement may stand. CPython accepts one only
//! in a module's prelude (its docstring and the future imports right after it).

use crate::syntax::ast::{Constant, Expr, ExprKind, Stmt, StmtKind};

/// Where a module's prelude ends (a byte offset): a future import ending after it is
/// misplaced.
pub fn prelude_end(body: &[Stmt]) -> u32 {
    let mut end = 0;
    for (i, s) in body.iter().enumerate() {
        let docstring = i == 0
            && matches!(
                &s.kind,
                StmtKind::Expr(Expr {
                    kind: ExprKind::Constant(Constant::Str(_)),
                    ..
                })
            );
        if !docstring && !is_future_import(s) {
            break;
        }
        end = s.span.end;
    }
    end
}

fn is_future_import(s: &Stmt) -> bool {
    matches!(
        &s.kind,
        StmtKind::ImportFrom { module: Some(m), level: 0, .. } if m == "__future__"
    )
}
