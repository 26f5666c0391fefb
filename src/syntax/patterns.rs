//! Grammar actions for the `match` statement (PEP 634): pattern nodes and the checks
//! CPython's parser makes on them. The compiler (compile/pattern.rs) makes the rest
//! (irrefutable cases, repeated names, alternatives binding different names).

use num_bigint::BigInt;

use super::ast::*;
use super::error::SyntaxError;
use super::nodes::{self, sp, E, R};

pub fn pat(kind: PatternKind, l: usize, r: usize) -> Pattern {
    Pattern {
        kind: Box::new(kind),
        span: sp(l, r),
    }
}

fn invalid<T>(l: usize, r: usize) -> R<T> {
    Err(SyntaxError::syntax("invalid syntax", sp(l, r)))
}

pub fn match_stmt(l: usize, subject: E, cases: Vec<MatchCase>) -> Box<Stmt> {
    let end = cases
        .last()
        .and_then(|c| c.body.last())
        .map_or(l, |s| s.span.end as usize);
    super::stmts::stmt(
        StmtKind::Match {
            subject: subject.e,
            cases,
        },
        l,
        end,
    )
}

pub fn case(pattern: Pattern, guard: Option<E>, body: Vec<Stmt>) -> MatchCase {
    MatchCase {
        pattern,
        guard: guard.map(|g| g.e),
        body,
    }
}

/// `case a, *b:` (an open sequence) or a single pattern.
pub fn open_sequence(mut v: Vec<Pattern>, comma: bool, l: usize, r: usize) -> R<Pattern> {
    if v.len() == 1 && !comma {
        if let Some(p) = v.pop() {
            if let PatternKind::Star(_) = *p.kind {
                // CPython fails at the token after it.
                return Err(SyntaxError::at_next_token("invalid syntax"));
            }
            return Ok(p);
        }
    }
    sequence(v, l, r)
}

/// `( ... )`: a group when it holds one pattern and no comma, else a sequence.
pub fn paren(v: Option<Vec<Pattern>>, comma: bool, l: usize, r: usize) -> R<Pattern> {
    match v {
        None => sequence(Vec::new(), l, r),
        Some(v) => {
            if v.len() == 1 && !comma {
                if let PatternKind::Star(_) = *v[0].kind {
                    return invalid(r - 1, r);
                }
            }
            open_sequence(v, comma, l, r)
        }
    }
}

pub fn sequence(v: Vec<Pattern>, l: usize, r: usize) -> R<Pattern> {
    let stars = v
        .iter()
        .filter(|p| matches!(*p.kind, PatternKind::Star(_)))
        .count();
    if stars > 1 {
        return Err(SyntaxError::syntax(
            "multiple starred names in sequence pattern",
            sp(l, r),
        ));
    }
    Ok(pat(PatternKind::Sequence(v), l, r))
}

pub fn star(name: &str, l: usize, r: usize) -> Pattern {
    let n = (name != "_").then(|| name.to_string());
    pat(PatternKind::Star(n), l, r)
}

pub fn as_pattern(p: Pattern, name: &str, l: usize, nl: usize, r: usize) -> R<Pattern> {
    if name == "_" {
        return Err(SyntaxError::syntax("cannot use '_' as a target", sp(nl, r)));
    }
    Ok(pat(
        PatternKind::As {
            pattern: Some(Box::new(p)),
            name: Some(name.to_string()),
        },
        l,
        r,
    ))
}

pub fn or(first: Pattern, rest: Vec<Pattern>, l: usize, r: usize) -> Pattern {
    if rest.is_empty() {
        return first;
    }
    let mut v = vec![first];
    v.extend(rest);
    pat(PatternKind::Or(v), l, r)
}

/// A dotted name used as a pattern: a capture, the wildcard or a value pattern.
pub fn name_pattern(parts: Vec<(usize, String, usize)>, l: usize, r: usize) -> R<Pattern> {
    if parts.len() == 1 {
        let name = &parts[0].1;
        let name = (name != "_").then(|| name.clone());
        return Ok(pat(
            PatternKind::As {
                pattern: None,
                name,
            },
            l,
            r,
        ));
    }
    Ok(pat(PatternKind::Value(dotted(parts)?.e), l, r))
}

/// The expression `a.b.c` for a value pattern, class pattern or mapping key.
pub fn dotted(parts: Vec<(usize, String, usize)>) -> R<E> {
    let mut it = parts.into_iter();
    let Some((l, first, r)) = it.next() else {
        return invalid(0, 0);
    };
    let mut e = nodes::name(&first, l, r);
    for (_, attr, r) in it {
        e = nodes::attribute(e, &attr, l, r)?;
    }
    Ok(e)
}

/// `-number`, folded as CPython's AST optimizer does (so keys compare as constants).
pub fn negate(c: Constant, l: usize, r: usize) -> R<E> {
    let folded = match c {
        Constant::Int(i) => match i.checked_neg() {
            Some(n) => Constant::Int(n),
            None => Constant::BigInt(-BigInt::from(i)),
        },
        Constant::BigInt(b) => {
            let n = -b;
            match i64::try_from(&n) {
                Ok(i) => Constant::Int(i),
                Err(_) => Constant::BigInt(n),
            }
        }
        Constant::Float(f) => Constant::Float(-f),
        Constant::Imag(f) => Constant::Imag(-f),
        other => other,
    };
    Ok(nodes::constant(folded, l, r))
}

/// `real + imag` / `real - imag` in a literal pattern.
pub fn complex(re: E, minus: bool, im: E, l: usize, r: usize) -> R<E> {
    if matches!(re.e.kind, ExprKind::Constant(Constant::Imag(_))) {
        let s = re.e.span;
        return Err(SyntaxError::syntax(
            "real number required in complex literal",
            s,
        ));
    }
    if !matches!(im.e.kind, ExprKind::Constant(Constant::Imag(_))) {
        let s = im.e.span;
        return Err(SyntaxError::syntax(
            "imaginary number required in complex literal",
            s,
        ));
    }
    let op = if minus { BinOp::Sub } else { BinOp::Add };
    nodes::binop(re, op, im, l, r)
}

/// A string literal pattern: f-strings are not literals.
pub fn string(e: E) -> R<E> {
    if let ExprKind::JoinedStr(_) = e.e.kind {
        return Err(SyntaxError::syntax(
            "patterns may only match literals and attribute lookups",
            e.e.span,
        ));
    }
    Ok(e)
}

pub fn value(e: E) -> Pattern {
    let span = e.e.span;
    Pattern {
        kind: Box::new(PatternKind::Value(e.e)),
        span,
    }
}

pub fn singleton(c: Constant, l: usize, r: usize) -> Pattern {
    pat(PatternKind::Singleton(c), l, r)
}

pub enum MapItem {
    Key(E, Pattern),
    /// `**name`: the name, the span of `**`, the name's span.
    Rest(String, (usize, usize), usize, usize),
}

pub fn mapping(items: Vec<MapItem>, l: usize, r: usize) -> R<Pattern> {
    let mut keys = Vec::new();
    let mut patterns = Vec::new();
    let mut rest = None;
    for it in items {
        match it {
            MapItem::Key(k, p) => {
                if rest.is_some() {
                    // `**rest` must come last: CPython fails at the next key.
                    let s = k.e.span;
                    return invalid(s.start as usize, s.end as usize);
                }
                keys.push(k.e);
                patterns.push(p);
            }
            MapItem::Rest(name, (sl, sr), nl, nr) => {
                if rest.is_some() {
                    return invalid(sl, sr);
                }
                if name == "_" {
                    return invalid(nl, nr);
                }
                rest = Some(name);
            }
        }
    }
    Ok(pat(
        PatternKind::Mapping {
            keys,
            patterns,
            rest,
        },
        l,
        r,
    ))
}

pub enum ClassArg {
    Pos(Pattern),
    Kw(String, Pattern),
}

pub fn class(cls: E, args: Vec<ClassArg>, l: usize, r: usize) -> R<Pattern> {
    let mut patterns = Vec::new();
    let mut kwd_attrs = Vec::new();
    let mut kwd_patterns = Vec::new();
    for a in args {
        match a {
            ClassArg::Pos(p) => {
                if !kwd_attrs.is_empty() {
                    return Err(SyntaxError::syntax(
                        "positional patterns follow keyword patterns",
                        p.span,
                    ));
                }
                patterns.push(p);
            }
            ClassArg::Kw(k, p) => {
                kwd_attrs.push(k);
                kwd_patterns.push(p);
            }
        }
    }
    Ok(pat(
        PatternKind::Class {
            cls: cls.e,
            patterns,
            kwd_attrs,
            kwd_patterns,
        },
        l,
        r,
    ))
}
