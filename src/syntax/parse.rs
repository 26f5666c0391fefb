//! Glue between the layout pass and the generated parser, and the mapping of LALRPOP's
//! errors onto CPython's messages.

use lalrpop_util::ParseError;

use super::ast::{Span, Stmt};
use super::element_errors;
use super::error::{Columns, SyntaxError, SyntaxErrorKind};
use super::layout::{HeadKind, Layout};
use super::lexer::line_of;
use super::nodes::E;
use super::scan;
use super::token::Tok;

/// What the single parser entry point returns.
pub enum Top {
    Module(Vec<Stmt>),
    Expr(E),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Module,
    Interactive,
    Expr,
}

pub fn run(src: &str, mode: Mode) -> Result<Top, SyntaxError> {
    if let Some(i) = src.find('\0') {
        return Err(
            SyntaxError::syntax("source code cannot contain null bytes", Span::new(i, i))
                .with_columns(Columns::Unknown),
        );
    }
    let mut layout = Layout::new(src, 0, mode == Mode::Expr);
    let start = if mode == Mode::Expr {
        Tok::StartExpr
    } else {
        Tok::StartModule
    };
    let result = {
        let tokens = std::iter::once(Ok((0, start, 0))).chain(&mut layout);
        super::aio::TopParser::new().parse(tokens)
    };
    result.map_err(|e| map_error(e, &mut layout, src, mode))
}

/// Parses one f-string replacement field's expression, found at absolute offset `base`.
pub fn parse_fexpr(text: &str, base: usize) -> Result<E, SyntaxError> {
    let mut layout = Layout::new(text, base, true);
    layout.implicit_paren = true;
    let result = {
        let tokens = std::iter::once(Ok((base, Tok::StartFExpr, base))).chain(&mut layout);
        super::aio::TopParser::new().parse(tokens)
    };
    let in_field = |mut e: SyntaxError| {
        if !e.msg.starts_with("f-string") {
            e.msg = format!("f-string: {}", e.msg);
        }
        e.fstring_expr = Some((base, text.to_string()));
        e
    };
    match result {
        // CPython parses the field as `(*a)`, a group its parser refuses.
        Ok(Top::Expr(e)) if matches!(e.e.kind, super::ast::ExprKind::Starred(_)) => {
            let msg = "cannot use starred expression here";
            Err(in_field(SyntaxError::syntax(msg, e.e.span)))
        }
        Ok(Top::Expr(e)) => Ok(e),
        Ok(Top::Module(_)) => Err(SyntaxError::syntax(
            "f-string: invalid syntax",
            Span::new(base, base),
        )),
        Err(e) => {
            let e = map_error(e, &mut layout, text, Mode::Expr);
            Err(in_field(double_starred_group(text, base).unwrap_or(e)))
        }
    }
}

/// `f"{**a}"`: CPython's `(**a)` group error, pointing at the `**`.
fn double_starred_group(text: &str, base: usize) -> Option<SyntaxError> {
    let body = text.trim_start();
    let rest = body.strip_prefix("**")?;
    let at = base + (text.len() - body.len());
    parse_fexpr(rest, at + 2).ok()?;
    Some(SyntaxError::syntax(
        "cannot use double starred expression here",
        Span::new(at, at + 2),
    ))
}

fn syntax(msg: impl Into<String>, start: usize, end: usize) -> SyntaxError {
    SyntaxError::syntax(msg, Span::new(start, end))
}

fn head_name(h: HeadKind) -> &'static str {
    match h {
        HeadKind::If => "'if' statement",
        HeadKind::Elif => "'elif' statement",
        HeadKind::Else => "'else' statement",
        HeadKind::For => "'for' statement",
        HeadKind::While => "'while' statement",
        HeadKind::With => "'with' statement",
        HeadKind::Try => "'try' statement",
        HeadKind::Except => "'except' statement",
        HeadKind::ExceptStar => "'except*' statement",
        HeadKind::Finally => "'finally' statement",
        HeadKind::Def => "function definition",
        HeadKind::Class => "class definition",
        HeadKind::Match => "'match' statement",
        HeadKind::Case => "'case' statement",
        _ => "statement",
    }
}

fn never_closed(ch: char, pos: usize) -> SyntaxError {
    let mut e =
        syntax(format!("'{ch}' was never closed"), pos, pos + 1).with_columns(Columns::NoEnd(0));
    e.incomplete = true;
    e.raised_at_eof = true;
    e
}

fn map_error(
    e: ParseError<usize, Tok<'_>, SyntaxError>,
    lay: &mut Layout<'_>,
    src: &str,
    mode: Mode,
) -> SyntaxError {
    // Tokenizer errors are final: they are what CPython reports too.
    if let Some(lex) = &lay.lex_error {
        return lex.clone();
    }
    let err = parser_error(e, lay, src);
    if err.incomplete {
        return err;
    }
    // CPython tokenizes the rest of the input after a parser error: a later tokenizer
    // error wins, and so does a bracket left open on an earlier line. Not after an
    // unexpected INDENT token, which _Pypegen_set_syntax_error reports at once.
    let unexpected_indent =
        err.kind == SyntaxErrorKind::IndentationError && err.msg == "unexpected indent";
    if mode != Mode::Interactive && !unexpected_indent {
        // CPython compares the line of the token the parser stopped at.
        let tok_at = lay.last_tok.map_or(err.span.start as usize, |t| t.0);
        for t in lay.by_ref() {
            if let Err(lex) = t {
                return lex;
            }
        }
        if let Some((ch, pos)) = lay.eof_open {
            let base = lay.base();
            let rel = |p: usize| p.saturating_sub(base);
            if line_of(src, rel(tok_at)) > line_of(src, rel(pos)) {
                return never_closed(ch, pos);
            }
        }
    }
    err
}

/// CPython's `&&':'` (a forced colon): right after a block's `try`, `else` or `finally`,
/// and after a function's parameters and return annotation.
fn forced_colon(lay: &Layout<'_>, src: &str, tok: &Tok, l: usize) -> bool {
    if matches!(tok, Tok::Colon) {
        return false;
    }
    let head = lay.cur_head;
    let after_head = l > head.pos && lay.last_tok.is_some_and(|t| t.1 == head.pos);
    match head.first {
        HeadKind::Try | HeadKind::Else | HeadKind::Finally => after_head,
        HeadKind::Def | HeadKind::Async => {
            let header = src.get(head.pos.saturating_sub(lay.base())..l.saturating_sub(lay.base()));
            lay.depth() == 0
                && lay.prev_tok_ends_expr
                && header.is_some_and(|h| h.contains('(') && h.contains("def"))
        }
        _ => false,
    }
}

fn expects_except(expected: &[String]) -> bool {
    let has = |t: &str| expected.iter().any(|x| x == t);
    has("\"except\"") && has("\"finally\"")
}

fn only_indent(expected: &[String]) -> bool {
    !expected.is_empty() && expected.iter().all(|x| x == "\"INDENT\"")
}

fn parser_error(
    e: ParseError<usize, Tok<'_>, SyntaxError>,
    lay: &Layout<'_>,
    src: &str,
) -> SyntaxError {
    let base = lay.base();
    let line = |p: usize| line_of(src, p.saturating_sub(base));
    let indented_block = |at: usize, end: usize| {
        let head = lay.last_head;
        SyntaxError::new(
            SyntaxErrorKind::IndentationError,
            format!(
                "expected an indented block after {} on line {}",
                head_name(head.first),
                line(head.pos)
            ),
            Span::new(at, end),
        )
    };
    // A NEWLINE token is a point to CPython (its end column is its start).
    let at_newline = |p: usize| {
        matches!(
            src.as_bytes().get(p.saturating_sub(base)),
            Some(b'\n' | b'\r')
        )
    };
    match e {
        ParseError::User { mut error } => {
            if error.at_next_token {
                // `error.span` ends where the construct ends; the lookahead comes after it,
                // unless the input ended (CPython then points at the last character).
                match lay.last_tok_span {
                    Some((l, r)) if l >= error.span.end as usize => {
                        error.span = Span::new(l, r);
                        // A NEWLINE, or the one implied at the end of the input.
                        if at_newline(l) || l >= base + src.len() {
                            error.columns = Columns::Point;
                        }
                    }
                    _ => {
                        let last = (base + src.len()).saturating_sub(1);
                        error.span = Span::new(last, last);
                        error.columns = Columns::NoEnd(-1);
                    }
                }
            }
            error
        }
        ParseError::InvalidToken { location } => syntax("invalid syntax", location, location),
        ParseError::ExtraToken { token: (l, _, r) } => syntax("invalid syntax", l, r),
        ParseError::UnrecognizedEof { location, expected } => {
            let mut err = if let Some((ch, pos)) = lay.eof_open {
                never_closed(ch, pos)
            } else if only_indent(&expected) {
                let at = lay.last_tok.map_or(location, |t| t.0);
                indented_block(at, at).with_columns(Columns::EndMarker)
            } else if expects_except(&expected) {
                syntax("expected 'except' or 'finally' block", location, location)
                    .with_columns(Columns::EndMarker)
            } else if !lay.expr_mode() {
                // Statements ended (`@decorator` last): CPython stops at its ENDMARKER,
                // which has no column.
                syntax("invalid syntax", location, location).with_columns(Columns::NoToken)
            } else {
                // CPython 3.11 words an input that ends too early as any other error (its
                // "unexpected EOF while parsing" is left to a backslash at the end). Its
                // NEWLINE or ENDMARKER token is a point.
                syntax("invalid syntax", location, location).with_columns(Columns::Point)
            };
            err.incomplete = true;
            err
        }
        ParseError::UnrecognizedToken {
            token: (l, tok, r),
            expected,
        } => {
            if let Some((_, mr)) = lay.match_name_at {
                // CPython's `"match" subject_expr NEWLINE` rule: a match header without its colon.
                let gap = src.get(mr.saturating_sub(base)..l.saturating_sub(base));
                if l > mr
                    && gap.is_some_and(|g| g.trim_start_matches([' ', '\t', '\x0c']).is_empty())
                {
                    let rest = src
                        .get(l.saturating_sub(base)..)
                        .and_then(scan::bitwise_or_end);
                    match rest {
                        Some((end, None | Some(Tok::Newline))) => {
                            let at = l + end;
                            return syntax("expected ':'", at, at).with_columns(Columns::Point);
                        }
                        // `match x: stmt`: the case blocks must start on a new line.
                        Some((end, Some(Tok::Colon))) => {
                            let after = l + end;
                            let colon = src
                                .get(after.saturating_sub(base)..)
                                .and_then(scan::first_token);
                            if let Some((_, ce)) = colon {
                                let next = src
                                    .get((after + ce).saturating_sub(base)..)
                                    .and_then(scan::first_token);
                                if let Some((ns, ne)) = next {
                                    let (a, b) = (after + ce + ns, after + ce + ne);
                                    return syntax("invalid syntax", a, b);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            if let Tok::Indent = tok {
                // CPython's caret sits one column before the indented token.
                let at = if l > base && src.as_bytes().get(l - base - 1) != Some(&b'\n') {
                    l - 1
                } else {
                    l
                };
                return SyntaxError::new(
                    SyntaxErrorKind::IndentationError,
                    "unexpected indent",
                    Span::new(at, r),
                )
                .with_columns(Columns::NoEnd(-1));
            }
            if expects_except(&expected) {
                let e = syntax("expected 'except' or 'finally' block", l, r);
                return match l >= base + src.len() {
                    true => e.with_columns(Columns::EndMarker),
                    false => e,
                };
            }
            let has = |t: &str| expected.iter().any(|x| x == t);
            // CPython's rule does not fire when a `:` follows (`if a if b:`).
            if has("\"else\"")
                && !has("\"elif\"")
                && !matches!(tok, Tok::Colon)
                && (lay.line_tokens > 1 || matches!(tok, Tok::Newline))
            {
                let head = lay.cur_head.pos;
                let range = src
                    .get(head.saturating_sub(base)..l.saturating_sub(base))
                    .and_then(scan::if_expression_range);
                return match range {
                    Some((a, b)) => {
                        syntax("expected 'else' after 'if' expression", head + a, head + b)
                    }
                    None => syntax("expected 'else' after 'if' expression", l, r),
                };
            }
            let prev = lay.last_tok.map_or(l, |t| t.1);
            if matches!(tok, Tok::Assign) {
                if let Some(e) = element_errors::invalid_kwarg(lay, src, l, r) {
                    return e;
                }
                if let Some(e) = element_errors::assignment_in_named_expression(lay, src, l, r) {
                    return e;
                }
            }
            if let Some(e) = element_errors::unpacking_in_comprehension(lay, src, &tok, l) {
                return e;
            }
            // eval input is `expressions`, which never reaches CPython's named-expression
            // rule that suggests '==': outside brackets a `=` there is just invalid.
            let eval_top_level = lay.expr_mode() && !lay.implicit_paren && lay.depth() == 0;
            let named = lay.prev_name.is_some() && !lay.prev_name_in_operand;
            if matches!(tok, Tok::Assign) && named && !eval_top_level {
                // CPython's rule needs `name = bitwise_or` not followed by another `=`/`:=`,
                // and underlines both sides.
                let rhs = src
                    .get(r.saturating_sub(base)..)
                    .and_then(scan::bitwise_or_end);
                return match rhs {
                    Some((end, next)) if !matches!(next, Some(Tok::Assign | Tok::ColonEq)) => {
                        syntax(
                            "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
                            prev,
                            r + end,
                        )
                    }
                    _ => syntax("invalid syntax", l, r),
                };
            }
            if only_indent(&expected) {
                if let Tok::Dedent = tok {
                    // CPython's DEDENT has no column, and at the end of the input it sits on
                    // the last line (after its NEWLINE).
                    let at_end = l >= base + src.len();
                    let at = if at_end {
                        lay.last_tok.map_or(l, |t| t.1)
                    } else {
                        l
                    };
                    let columns = match at_end {
                        true => Columns::EndMarker,
                        false => Columns::Unknown,
                    };
                    let mut e = indented_block(at, at).with_columns(columns);
                    // A block header on the last line of a nested block: the REPL reads
                    // the block next.
                    e.incomplete = at_end;
                    return e;
                }
                return indented_block(l, r);
            }
            let head = lay.cur_head;
            if matches!(head.first, HeadKind::Def | HeadKind::Async)
                && expected.len() == 1
                && has("\"(\"")
            {
                // The `&&'('` after a function's name: CPython names the missing token.
                return syntax("expected '('", l, r);
            }
            if forced_colon(lay, src, &tok, l) {
                return syntax("expected ':'", l, r);
            }
            let after = |text: &str| {
                src.get(prev.saturating_sub(base)..)
                    .is_some_and(|s| s.starts_with(text))
            };
            let in_def = matches!(head.first, HeadKind::Def | HeadKind::Async);
            // Inside the parameter list (its `)` has already closed the bracket).
            let in_params = lay.depth() + usize::from(matches!(tok, Tok::RPar)) == 1;
            if in_def && in_params && after("=") && !tok.starts_expr() {
                return syntax("expected default value expression", prev, prev + 1);
            }
            let from_import = src
                .get(head.pos.saturating_sub(base)..)
                .is_some_and(|s| s.starts_with("from") && !s.starts_with("from_"));
            if from_import && lay.depth() == 0 && after(",") && matches!(tok, Tok::Newline) {
                return syntax(
                    "trailing comma not allowed without surrounding parentheses",
                    l,
                    l,
                )
                .with_columns(Columns::Point);
            }
            let after_arrow = src
                .get(prev.saturating_sub(base)..)
                .is_some_and(|s| s.starts_with("->"));
            if matches!(head.first, HeadKind::Def | HeadKind::Async)
                && after_arrow
                && lay.depth() == 0
                && !tok.starts_expr()
            {
                // `def f() -> :`: no annotation, so the colon was due at the `->`.
                return syntax("expected ':'", prev, prev + 2);
            }
            if let Tok::Dedent = tok {
                // CPython's parser stopped at a DEDENT (`@decorator` ending a block).
                let e = SyntaxError::new(
                    SyntaxErrorKind::IndentationError,
                    "unexpected unindent",
                    Span::new(l, l),
                );
                return match l >= base + src.len() {
                    true => e.with_columns(Columns::EndMarker),
                    false => e.with_columns(Columns::Unknown),
                };
            }
            if matches!(head.first, HeadKind::Except | HeadKind::ExceptStar)
                && matches!(tok, Tok::Comma)
            {
                // Python 2's `except A, B:`.
                let range = src
                    .get(head.pos.saturating_sub(base)..)
                    .and_then(scan::except_types_range);
                if let Some((a, b)) = range {
                    return syntax(
                        "multiple exception types must be parenthesized",
                        head.pos + a,
                        head.pos + b,
                    );
                }
            }
            let compound = !matches!(head.first, HeadKind::Other);
            if compound && matches!(tok, Tok::Newline) && has("\":\"") {
                // A NEWLINE after a comment spans the comment, which CPython underlines.
                let after_comment = src.as_bytes().get(l.saturating_sub(base)) == Some(&b'#');
                return if after_comment {
                    syntax("expected ':'", l, r)
                } else {
                    syntax("expected ':'", l, l).with_columns(Columns::Point)
                };
            }
            if let (Some(name @ ("print" | "exec")), true) = (lay.prev_name, tok.starts_expr()) {
                let at = lay.last_tok.map_or(l, |t| t.1);
                return syntax(
                    format!("Missing parentheses in call to '{name}'. Did you mean {name}(...)?"),
                    at,
                    r,
                );
            }
            let in_braces = matches!(tok, Tok::RBrace) || lay.innermost() == Some('{');
            let lambda_colon = || {
                src.get(lay.cur_head.pos.saturating_sub(base)..(prev + 1).saturating_sub(base))
                    .is_some_and(scan::colon_ends_lambda)
            };
            if in_braces
                && matches!(tok, Tok::RBrace | Tok::Comma)
                && lay.prev_was_colon
                && !lambda_colon()
            {
                return syntax(
                    "expression expected after dictionary key and ':'",
                    prev,
                    prev + 1,
                );
            }
            // A key after a dict's first pair that no ':' follows: CPython points at the
            // key's last character (only a dict could continue here, not a set).
            let dict_only = has("\":\"") && !has("\"}\"") && !has("\",\"");
            if in_braces && dict_only && lay.prev_tok_ends_expr {
                let key_end = src
                    .get(prev.saturating_sub(base)..)
                    .and_then(scan::first_token)
                    .map_or(l, |(_, end)| prev + end);
                let last_char = src
                    .get(..key_end.saturating_sub(base))
                    .and_then(|s| s.chars().next_back())
                    .map_or(1, char::len_utf8);
                let at = key_end.saturating_sub(last_char);
                return syntax("':' expected after dictionary key", at, at)
                    .with_columns(Columns::NoEnd(0));
            }
            // Parameter lists are not expressions: CPython suggests no comma there.
            let in_expr =
                (lay.depth() > 0 && lay.cur_head.first != HeadKind::Def) || lay.implicit_paren;
            // `a not b`: the gap is before the `not`, which starts the second expression.
            let unary = matches!(tok, Tok::Minus | Tok::Plus | Tok::Tilde | Tok::Not);
            let gap = if lay.prev_tok_ends_expr {
                Some(l)
            } else if lay.prev_not_after_operand && (tok.starts_expr() || unary) {
                lay.last_tok.map(|t| t.1)
            } else {
                None
            };
            let starts = tok.starts_expr() || (unary && gap != Some(l));
            if let (true, true, Some(gap)) = (in_expr, starts, gap) {
                // CPython's range: the whole expression before the gap to the whole
                // expression after it. A name followed by a string is left alone.
                let head = lay.cur_head.pos;
                let start = src
                    .get(head.saturating_sub(base)..gap.saturating_sub(base))
                    .and_then(scan::operand_start)
                    .map_or(prev, |a| head + a);
                let end = src
                    .get(gap.saturating_sub(base)..)
                    .and_then(scan::expression_end)
                    .map_or(r, |b| gap + b);
                let refused = src
                    .get(start.saturating_sub(base)..)
                    .is_some_and(scan::name_then_string);
                if !refused {
                    return syntax("invalid syntax. Perhaps you forgot a comma?", start, end);
                }
            }
            let e = syntax("invalid syntax", l, r);
            // A NEWLINE is a point, unless it spans a comment (the implied one at the end
            // of the input included).
            let comment = src.as_bytes().get(l.saturating_sub(base)) == Some(&b'#');
            if at_newline(l) || (matches!(tok, Tok::Newline) && !comment) {
                e.with_columns(Columns::Point)
            } else {
                e
            }
        }
    }
}
