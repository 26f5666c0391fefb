//! Assignment and deletion targets: the parser reads them as expressions, then checks them
//! here with CPython's messages ("cannot assign to function call", ...).

use super::ast::*;
use super::error::SyntaxError;

type R<T> = Result<T, SyntaxError>;

/// CPython's `_PyPegen_get_expr_name`.
pub fn expr_name(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        ExprKind::Starred(_) => "starred",
        ExprKind::Name(_) => "name",
        ExprKind::List(_) => "list",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::Call { .. } => "function call",
        ExprKind::BoolOp { .. } | ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } => "expression",
        ExprKind::GeneratorExp { .. } => "generator expression",
        ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        ExprKind::Await(_) => "await expression",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::SetComp { .. } => "set comprehension",
        ExprKind::DictComp { .. } => "dict comprehension",
        ExprKind::Dict { .. } => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::JoinedStr(_) => "f-string expression",
        ExprKind::Constant(c) => match c {
            Constant::None => "None",
            Constant::True => "True",
            Constant::False => "False",
            Constant::Ellipsis => "ellipsis",
            _ => "literal",
        },
        ExprKind::Compare { .. } => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::NamedExpr { .. } => "named expression",
        ExprKind::Slice { .. } => "slice",
    }
}

fn fail<T>(msg: String, span: Span) -> R<T> {
    Err(SyntaxError::syntax(msg, span))
}

/// An error CPython's compiler reports, not its parser: it quotes no line of a string
/// given to `compile()` and counts its columns in bytes.
fn compiler_fail<T>(msg: &str, span: Span) -> R<T> {
    Err(SyntaxError::syntax(msg, span).with_origin(super::error::Origin::Compiler))
}

/// The first sub-expression that cannot be assigned to (CPython's `_PyPegen_get_invalid_target`).
fn invalid_target(e: &Expr, del: bool) -> Option<&Expr> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => None,
        ExprKind::Starred(inner) if !del => invalid_target(inner, del),
        ExprKind::List(v) | ExprKind::Tuple(v) => v.iter().find_map(|x| invalid_target(x, del)),
        _ => Some(e),
    }
}

fn check_stars(e: &Expr) -> R<()> {
    if !super::compiler_checks() {
        return Ok(());
    }
    if let ExprKind::List(v) | ExprKind::Tuple(v) = &e.kind {
        let stars = v
            .iter()
            .filter(|x| matches!(x.kind, ExprKind::Starred(_)))
            .count();
        if stars > 1 {
            return compiler_fail("multiple starred expressions in assignment", e.span);
        }
        for x in v {
            check_stars(x)?;
        }
    }
    Ok(())
}

/// A `for`, `with ... as`, or comprehension target.
pub fn check_store(e: &Expr) -> R<()> {
    if let Some(bad) = invalid_target(e, false) {
        return fail(format!("cannot assign to {}", expr_name(bad)), bad.span);
    }
    if let ExprKind::Starred(_) = e.kind {
        return compiler_fail(
            "starred assignment target must be in a list or tuple",
            e.span,
        );
    }
    check_stars(e)
}

pub fn check_del(e: &Expr) -> R<()> {
    if let Some(bad) = invalid_target(e, true) {
        return fail(format!("cannot delete {}", expr_name(bad)), bad.span);
    }
    Ok(())
}

/// An assignment side: whether it was written in parentheses (its span then lies inside
/// the source it came from) and whether it was an unparenthesized `yield`.
pub struct Side {
    pub e: Expr,
    pub paren: bool,
    pub is_yield: bool,
}

impl Side {
    pub fn new(e: Expr, l: usize, r: usize, is_yield: bool) -> Side {
        let paren = e.span != Span::new(l, r);
        Side { e, paren, is_yield }
    }
    fn parenthesized(&self) -> bool {
        self.paren
    }
}

/// `t1 = t2 = ... = value`: checks every target.
pub fn check_assign(targets: &[Side]) -> R<()> {
    let single = targets.len() == 1;
    for t in targets {
        if t.is_yield {
            return fail(
                "assignment to yield expression not possible".into(),
                t.e.span,
            );
        }
        if let Some(bad) = invalid_target(&t.e, false) {
            let top = std::ptr::eq(bad, &t.e);
            let here = single
                && top
                && (t.parenthesized()
                    || !matches!(
                        bad.kind,
                        ExprKind::BoolOp { .. }
                            | ExprKind::Compare { .. }
                            | ExprKind::IfExp { .. }
                            | ExprKind::Lambda { .. }
                            | ExprKind::NamedExpr { .. }
                            | ExprKind::UnaryOp {
                                op: UnaryOp::Not,
                                ..
                            }
                    ))
                && !matches!(
                    bad.kind,
                    ExprKind::GeneratorExp { .. }
                        | ExprKind::Constant(Constant::None | Constant::True | Constant::False)
                );
            let msg = if here {
                format!(
                    "cannot assign to {} here. Maybe you meant '==' instead of '='?",
                    expr_name(bad)
                )
            } else {
                format!("cannot assign to {}", expr_name(bad))
            };
            return fail(msg, bad.span);
        }
        if let ExprKind::Starred(_) = t.e.kind {
            return compiler_fail(
                "starred assignment target must be in a list or tuple",
                t.e.span,
            );
        }
        check_stars(&t.e)?;
    }
    Ok(())
}

pub fn check_aug(t: &Side) -> R<()> {
    match t.e.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
        _ => fail(
            format!(
                "'{}' is an illegal expression for augmented assignment",
                expr_name(&t.e)
            ),
            t.e.span,
        ),
    }
}

/// Returns `simple` for an annotated assignment target.
pub fn check_ann(t: &Side) -> R<bool> {
    match &t.e.kind {
        ExprKind::Name(_) => Ok(!t.parenthesized()),
        ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(false),
        ExprKind::Tuple(v) | ExprKind::List(v) => {
            let what = if matches!(t.e.kind, ExprKind::List(_)) {
                "list"
            } else {
                "tuple"
            };
            // An unparenthesized tuple starts where its first element does.
            let span = match v.first() {
                Some(first) if first.span.start == t.e.span.start => first.span,
                _ => t.e.span,
            };
            fail(
                format!("only single target (not {what}) can be annotated"),
                span,
            )
        }
        _ => fail("illegal target for annotation".into(), t.e.span),
    }
}

/// A bare `*x` where a value is needed (`x = *a`, `return *a`, `*a` as a statement).
pub fn no_bare_star(e: &Expr) -> R<()> {
    if let ExprKind::Starred(_) = e.kind {
        return fail("can't use starred expression here".into(), e.span);
    }
    Ok(())
}
