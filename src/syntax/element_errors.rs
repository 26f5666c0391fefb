//! CPython's error rules about the expression being read where LALRPOP only sees an
//! unexpected token: `f(a.b=1)` (invalid_kwarg), `if x.y = 1:` (invalid_named_expression)
//! and `[*a for a in b]` (invalid_comprehension).

use super::ast::{ExprKind, Span, UnaryOp};
use super::error::SyntaxError;
use super::layout::{HeadKind, Layout};
use super::scan;
use super::token::Tok;

/// The element of the innermost open bracket that the parser stopped in: its opening
/// bracket, where the element starts (absolute), and its text up to the failing token.
fn current_element<'s>(
    lay: &Layout<'_>,
    src: &'s str,
    at: usize,
) -> Option<(char, usize, &'s str)> {
    let base = lay.base();
    let (open, pos) = lay.innermost_open()?;
    let inside = pos + 1;
    let text = src.get(inside.checked_sub(base)?..at.checked_sub(base)?)?;
    let start = inside + scan::element_start(text)?;
    let element = src.get(start - base..at - base)?.trim_end();
    Some((open, start, element))
}

/// `f(expression=value)` with an expression that is not a name: "expression cannot
/// contain assignment", or "cannot assign to True" for a constant. `l..r` is the `=`.
pub fn invalid_kwarg(lay: &Layout<'_>, src: &str, l: usize, r: usize) -> Option<SyntaxError> {
    let base = lay.base();
    let (open, pos) = lay.innermost_open()?;
    let before = src.get(..pos.checked_sub(base)?)?;
    if open != '(' || !scan::ends_with_operand(before) {
        return None;
    }
    let (_, start, element) = current_element(lay, src, l)?;
    let constant = matches!(element, "True" | "False" | "None");
    // `f(x=1=2)`: a keyword argument already, which the rule leaves alone.
    let keyword = element
        .split_once('=')
        .is_some_and(|(name, rest)| is_name(name.trim()) && !rest.starts_with('='));
    if element.starts_with('*') || keyword || (is_name(element) && !constant) {
        return None;
    }
    let msg = match constant {
        true => format!("cannot assign to {element}"),
        false => "expression cannot contain assignment, perhaps you meant \"==\"?".to_string(),
    };
    Some(SyntaxError::syntax(msg, super::ast::Span::new(start, r)))
}

/// Where the named expression being read starts, in the contexts CPython parses one: a
/// bracket's element (not a call's argument) or an `if`/`elif`/`while` condition.
fn named_expression_start(lay: &Layout<'_>, src: &str, at: usize) -> Option<usize> {
    let base = lay.base();
    if let Some((open, pos)) = lay.innermost_open() {
        let before = src.get(..pos.checked_sub(base)?)?;
        if open == '(' && scan::ends_with_operand(before) {
            return None;
        }
        return current_element(lay, src, at).map(|(_, start, _)| start);
    }
    let head = lay.cur_head;
    if !matches!(head.first, HeadKind::If | HeadKind::Elif | HeadKind::While) {
        return None;
    }
    let rel = head.pos.checked_sub(base)?;
    let (_, keyword_end) = scan::first_token(src.get(rel..)?)?;
    let (condition, _) = scan::first_token(src.get(rel + keyword_end..)?)?;
    Some(head.pos + keyword_end + condition)
}

/// `if x.y = 1:`, `[a[0] = 1]`: a `=` after an operand that is no name, where a named
/// expression is read. CPython names the operand ("cannot assign to attribute here") when
/// it is a whole `bitwise_or` and a `bitwise_or` follows the `=`; else the `=` is just
/// invalid. None where the caller's rules apply (a name before the `=`, other contexts).
pub fn assignment_in_named_expression(
    lay: &Layout<'_>,
    src: &str,
    l: usize,
    r: usize,
) -> Option<SyntaxError> {
    let base = lay.base();
    let start = named_expression_start(lay, src, l)?;
    let operand = src
        .get(start.checked_sub(base)?..l.checked_sub(base)?)?
        .trim_end();
    if is_name(operand) || operand.starts_with('*') {
        return None;
    }
    let plain = || Some(SyntaxError::syntax("invalid syntax", Span::new(l, r)));
    let rhs = src
        .get(r.checked_sub(base)?..)
        .and_then(scan::bitwise_or_end);
    if !matches!(rhs, Some((_, next)) if !matches!(next, Some(Tok::Assign | Tok::ColonEq))) {
        return plain();
    }
    // CPython's rule does not start at a list, tuple, generator or True/None/False.
    let constant = matches!(operand, "True" | "False" | "None");
    if operand.starts_with(['[', '(']) || constant {
        return plain();
    }
    let Ok(e) = super::parse_expr(operand) else {
        return None;
    };
    let bitwise_or = !matches!(
        e.kind,
        ExprKind::Compare { .. }
            | ExprKind::BoolOp { .. }
            | ExprKind::IfExp { .. }
            | ExprKind::Lambda { .. }
            | ExprKind::NamedExpr { .. }
            | ExprKind::UnaryOp {
                op: UnaryOp::Not,
                ..
            }
    );
    if !bitwise_or {
        return plain();
    }
    let msg = format!(
        "cannot assign to {} here. Maybe you meant '==' instead of '='?",
        super::targets::expr_name(&e)
    );
    Some(SyntaxError::syntax(
        msg,
        Span::new(start, start + operand.len()),
    ))
}

/// `[*a for a in b]`, `{**a for a in b}`: unpacking as a comprehension's element, and
/// `[a, b for a in c]`, several of them, at the `for` that follows.
pub fn unpacking_in_comprehension(
    lay: &Layout<'_>,
    src: &str,
    tok: &Tok,
    l: usize,
) -> Option<SyntaxError> {
    if !matches!(tok, Tok::For | Tok::Async) {
        return None;
    }
    let (open, start, element) = current_element(lay, src, l)?;
    let span = |end: usize| super::ast::Span::new(start, end);
    let (_, pos) = lay.innermost_open()?;
    let inside = src.get(pos + 1 - lay.base()..start - lay.base())?;
    let first = start - inside.trim_start().len();
    if matches!(open, '[' | '{') && first < start {
        let msg = "did you forget parentheses around the comprehension target?";
        return Some(SyntaxError::syntax(
            msg,
            Span::new(first, start + element.len()),
        ));
    }
    if let Some(rest) = element.strip_prefix("**") {
        if open == '{' && !rest.trim().is_empty() {
            let msg = "dict unpacking cannot be used in dict comprehension";
            return Some(SyntaxError::syntax(msg, span(start + 2)));
        }
        return None;
    }
    if element.starts_with('*') && element.len() > 1 {
        let msg = "iterable unpacking cannot be used in comprehension";
        return Some(SyntaxError::syntax(msg, span(start + element.len())));
    }
    None
}

/// A plain identifier (a keyword argument's name).
fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}
