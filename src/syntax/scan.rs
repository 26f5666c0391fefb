//! Token scans the error mapper runs after the parser has stopped: CPython's error rules see
//! the input beyond the failing token, and their spans reach into it.

use logos::{Logos, SpannedIter};

use super::token::Tok;

/// Where the `bitwise_or` expression at the start of `rest` ends (a byte offset into `rest`),
/// with the token that follows it (None at the end of the input). None when `rest` does not
/// start with such an expression (for example `not x`, `lambda: x`, `*x`).
pub fn bitwise_or_end(rest: &str) -> Option<(usize, Option<Tok<'_>>)> {
    let mut lex = Tok::lexer(rest).spanned();
    let mut expect_operand = true;
    let mut end = 0;
    while let Some((tok, span)) = lex.next() {
        let tok = tok.ok()?;
        if expect_operand {
            match tok {
                Tok::Plus | Tok::Minus | Tok::Tilde | Tok::Await => {}
                Tok::LPar | Tok::LSqb | Tok::LBrace => {
                    end = closing_bracket_end(&mut lex)?;
                    expect_operand = false;
                }
                _ if is_operand(&tok) => {
                    end = span.end;
                    expect_operand = false;
                }
                _ => return None,
            }
            continue;
        }
        match tok {
            Tok::Dot => match lex.next() {
                Some((Ok(Tok::Name(_)), name)) => end = name.end,
                _ => return None,
            },
            Tok::LPar | Tok::LSqb => end = closing_bracket_end(&mut lex)?,
            // Adjacent string literals are one atom.
            Tok::Str(_) => end = span.end,
            Tok::Pipe
            | Tok::Caret
            | Tok::Amp
            | Tok::LShift
            | Tok::RShift
            | Tok::Plus
            | Tok::Minus
            | Tok::Star
            | Tok::Slash
            | Tok::DSlash
            | Tok::Percent
            | Tok::At
            | Tok::DStar => expect_operand = true,
            other => return Some((end, Some(other))),
        }
    }
    (!expect_operand).then_some((end, None))
}

/// Skips to the bracket closing one just opened; returns the end of that closing bracket.
fn closing_bracket_end<'s>(lex: &mut SpannedIter<'s, Tok<'s>>) -> Option<usize> {
    let mut depth = 1usize;
    for (tok, span) in lex.by_ref() {
        let tok = tok.ok()?;
        if tok.open_bracket().is_some() {
            depth += 1;
        } else if tok.close_bracket().is_some() {
            depth -= 1;
            if depth == 0 {
                return Some(span.end);
            }
        }
    }
    None
}

/// Span of the first token of `rest` (offsets into `rest`), if it lexes.
pub fn first_token(rest: &str) -> Option<(usize, usize)> {
    let (tok, span) = Tok::lexer(rest).spanned().next()?;
    tok.ok()?;
    Some((span.start, span.end))
}

/// What the error mapper needs to know of the innermost open bracket at the end of a
/// logical line's text: where the operand being read started, and where the operand
/// before its last `if` started.
#[derive(Default)]
struct Context {
    operand_at: Option<usize>,
    if_operand_at: Option<usize>,
}

fn innermost_context(line: &str) -> Option<Context> {
    let mut stack = vec![Context::default()];
    for (tok, span) in Tok::lexer(line).spanned() {
        let tok = tok.ok()?;
        if matches!(tok, Tok::Newline) {
            continue;
        }
        let top = stack.last_mut()?;
        if tok.open_bracket().is_some() {
            top.operand_at.get_or_insert(span.start);
            stack.push(Context::default());
        } else if tok.close_bracket().is_some() {
            stack.pop();
        } else if matches!(tok, Tok::If) {
            top.if_operand_at = top.operand_at.take();
        } else if continues_disjunction(&tok) {
            top.operand_at.get_or_insert(span.start);
        } else {
            top.operand_at = None;
        }
    }
    stack.pop()
}

/// End of the last token of `line` (its length when there is none).
fn last_token_end(line: &str) -> usize {
    Tok::lexer(line)
        .spanned()
        .filter(|(t, _)| !matches!(t, Ok(Tok::Newline)))
        .last()
        .map_or(line.len(), |(_, span)| span.end)
}

/// For "expected 'else' after 'if' expression": CPython underlines from the start of the
/// operand before the last `if` of the innermost open bracket to the end of `line` (the
/// logical line up to the token that should have been `else`). Offsets are into `line`;
/// None when no such `if` follows an operand.
pub fn if_expression_range(line: &str) -> Option<(usize, usize)> {
    Some((
        innermost_context(line)?.if_operand_at?,
        last_token_end(line),
    ))
}

/// For "Perhaps you forgot a comma?": where the disjunction that ends `line` (the logical
/// line up to the unexpected token) starts, as an offset into `line`.
pub fn operand_start(line: &str) -> Option<usize> {
    innermost_context(line)?.operand_at
}

/// Where the expression at the start of `rest` ends (CPython's `expression`: a
/// disjunction, a conditional expression or a lambda), as an offset into `rest`.
pub fn expression_end(rest: &str) -> Option<usize> {
    let mut lex = Tok::lexer(rest).spanned();
    let (end, next) = disjunction_end(&mut lex)?;
    let end = end?;
    if !matches!(next, Some(Tok::If)) {
        return Some(end);
    }
    // A conditional expression: its condition, `else`, and the rest.
    match disjunction_end(&mut lex)? {
        (Some(_), Some(Tok::Else)) => {}
        _ => return Some(end),
    }
    let rest_at = lex.span().end;
    let tail = expression_end(rest.get(rest_at..)?)?;
    Some(rest_at + tail)
}

/// Reads one disjunction (or lambda) from `lex`: the end of its last token (None when it
/// has none) and the token after it.
fn disjunction_end<'s>(
    lex: &mut SpannedIter<'s, Tok<'s>>,
) -> Option<(Option<usize>, Option<Tok<'s>>)> {
    let mut expect_operand = true;
    let mut end = None;
    while let Some((tok, span)) = lex.next() {
        let tok = tok.ok()?;
        if expect_operand {
            match tok {
                Tok::Plus | Tok::Minus | Tok::Tilde | Tok::Not | Tok::Await => {}
                Tok::Lambda => {
                    // Its parameters up to the `:`, then its body.
                    for (t, _) in lex.by_ref() {
                        if matches!(t, Ok(Tok::Colon)) {
                            break;
                        }
                    }
                    let body_at = lex.span().end;
                    let body = expression_end(lex.source().get(body_at..)?)?;
                    return Some((Some(body_at + body), None));
                }
                _ if tok.open_bracket().is_some() => {
                    end = Some(closing_bracket_end(lex)?);
                    expect_operand = false;
                }
                _ if is_operand(&tok) => {
                    end = Some(span.end);
                    expect_operand = false;
                }
                other => return Some((end, Some(other))),
            }
            continue;
        }
        match tok {
            Tok::Dot => match lex.next() {
                Some((Ok(Tok::Name(_)), name)) => end = Some(name.end),
                _ => return None,
            },
            Tok::LPar | Tok::LSqb => end = Some(closing_bracket_end(lex)?),
            // Adjacent string literals are one atom.
            Tok::Str(_) => end = Some(span.end),
            // `not in` and `is not` are one operator each.
            Tok::Not | Tok::Is => {
                expect_operand = true;
                if matches!(tok, Tok::Not) && !matches!(lex.next(), Some((Ok(Tok::In), _))) {
                    return None;
                }
            }
            Tok::Await | Tok::Tilde => return Some((end, Some(tok))),
            _ if continues_disjunction(&tok) && !is_operand(&tok) => expect_operand = true,
            other => return Some((end, Some(other))),
        }
    }
    Some((end, None))
}

/// Tokens that are a whole operand.
fn is_operand(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Name(_)
            | Tok::Num(_)
            | Tok::Str(_)
            | Tok::None
            | Tok::True
            | Tok::False
            | Tok::Ellipsis
    )
}

/// Tokens that can sit inside a `disjunction` (outside brackets).
fn continues_disjunction(tok: &Tok) -> bool {
    is_operand(tok)
        || matches!(
            tok,
            Tok::Await
                | Tok::Not
                | Tok::And
                | Tok::Or
                | Tok::In
                | Tok::Is
                | Tok::Dot
                | Tok::Plus
                | Tok::Minus
                | Tok::Star
                | Tok::DStar
                | Tok::Slash
                | Tok::DSlash
                | Tok::Percent
                | Tok::At
                | Tok::LShift
                | Tok::RShift
                | Tok::Amp
                | Tok::Pipe
                | Tok::Caret
                | Tok::Tilde
                | Tok::Lt
                | Tok::Gt
                | Tok::Le
                | Tok::Ge
                | Tok::EqEq
                | Tok::NotEq
        )
}

/// For "multiple exception types must be parenthesized": in `header` (an `except` line and
/// what follows), the span from the first exception type to the end of the token before the
/// header's `:`. None unless the types are followed by a `:` on the same logical line.
pub fn except_types_range(header: &str) -> Option<(usize, usize)> {
    let (start, first_comma, end) = except_types_tokens(header)?;
    // CPython starts at the first type's AST node, inside any redundant parentheses.
    let first = super::parse_expr(header.get(start..first_comma)?).ok()?;
    Some((start + first.span.start as usize, end))
}

/// Where the exception types of an `except A, B:` header start, where their first top-level
/// comma is, and where the last token before the `:` ends.
fn except_types_tokens(header: &str) -> Option<(usize, usize, usize)> {
    let mut lex = Tok::lexer(header).spanned();
    if !matches!(lex.next(), Some((Ok(Tok::Except), _))) {
        return None;
    }
    let mut start = None;
    let mut comma = None;
    let mut end = 0;
    let mut depth = 0usize;
    for (tok, span) in lex {
        let tok = tok.ok()?;
        match tok {
            Tok::Star if start.is_none() => continue,
            Tok::Colon if depth == 0 => return Some((start?, comma?, end)),
            Tok::Comma if depth == 0 => {
                comma.get_or_insert(span.start);
            }
            Tok::Newline if depth == 0 => return None,
            Tok::Newline => continue,
            _ if tok.open_bracket().is_some() => depth += 1,
            _ if tok.close_bracket().is_some() => depth = depth.checked_sub(1)?,
            _ => {}
        }
        start.get_or_insert(span.start);
        end = span.end;
    }
    None
}

/// Whether the `:` that ends `line` (a logical line up to and including it) closes a
/// lambda's parameters rather than separating a dict key from its value.
pub fn colon_ends_lambda(line: &str) -> bool {
    // Per open bracket: whether a `lambda` awaits its `:`.
    let mut pending = vec![false];
    let mut last = false;
    for (tok, _) in Tok::lexer(line).spanned() {
        let Ok(tok) = tok else { return false };
        last = false;
        if tok.open_bracket().is_some() {
            pending.push(false);
        } else if tok.close_bracket().is_some() {
            pending.pop();
        } else if let Some(top) = pending.last_mut() {
            match tok {
                Tok::Lambda => *top = true,
                Tok::Colon if *top => {
                    *top = false;
                    last = true;
                }
                Tok::Comma => *top = false,
                _ => {}
            }
        }
    }
    last
}

/// Whether `text` starts as CPython's comma hint refuses to: a name followed by a string
/// (`print "x"`-like), or a soft keyword.
pub fn name_then_string(text: &str) -> bool {
    let mut lex = Tok::lexer(text);
    match lex.next() {
        Some(Ok(Tok::Name("match" | "case" | "_") | Tok::Match | Tok::Case)) => true,
        Some(Ok(Tok::Name(_))) => matches!(lex.next(), Some(Ok(Tok::Str(_)))),
        _ => false,
    }
}

/// Where the element being read inside a bracket starts: `text` runs from just after the
/// opening bracket to the token the parser stopped at. An offset into `text`; None when
/// no element has started since the last top-level comma.
pub fn element_start(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut start = None;
    for (tok, span) in Tok::lexer(text).spanned() {
        let tok = tok.ok()?;
        if matches!(tok, Tok::Newline) {
            continue;
        }
        if depth == 0 && start.is_none() {
            start = Some(span.start);
        }
        if tok.open_bracket().is_some() {
            depth += 1;
        } else if tok.close_bracket().is_some() {
            depth = depth.checked_sub(1)?;
        } else if depth == 0 && matches!(tok, Tok::Comma) {
            start = None;
        }
    }
    start
}

/// Whether the last token of `text` ends an operand (so a `(` after it opens a call).
pub fn ends_with_operand(text: &str) -> bool {
    Tok::lexer(text)
        .filter_map(Result::ok)
        .filter(|t| !matches!(t, Tok::Newline))
        .last()
        .is_some_and(|t| t.ends_expr())
}
