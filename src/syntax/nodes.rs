//! Expression builders called from the grammar's actions. Every expression travels with its
//! depth (`E`) so absurdly deep trees are refused while they are built: the parser itself
//! never recurses, but `Drop`, `Clone` and the compiler do (design-notes 1.5).
// Items are boxed while they sit on the LALR stack (keeps its symbols small); the
// Vecs that collect them keep the boxes rather than copy every item out.
#![allow(clippy::vec_box)]

use lalrpop_util::ParseError;

use super::ast::*;
use super::error::SyntaxError;
use super::token::Tok;

/// Deepest expression tree accepted; deeper ones raise MemoryError as CPython's parser does.
pub const MAX_DEPTH: u32 = 1000;

/// An expression plus the height of its tree.
#[derive(Debug)]
pub struct E {
    pub e: Expr,
    pub d: u32,
}

pub type R<T> = Result<T, SyntaxError>;

pub fn user<'s>(error: SyntaxError) -> ParseError<usize, Tok<'s>, SyntaxError> {
    ParseError::User { error }
}

pub fn sp(l: usize, r: usize) -> Span {
    Span::new(l, r)
}

pub fn err<T>(msg: impl Into<String>, span: Span) -> R<T> {
    Err(SyntaxError::syntax(msg, span))
}

pub fn too_deep(span: Span) -> SyntaxError {
    let mut e = SyntaxError::syntax("too many nested expressions", span);
    e.as_memory_error = true;
    e
}

/// Builds a node whose children have heights `d`.
pub fn mk(kind: ExprKind, l: usize, r: usize, d: u32) -> R<E> {
    let d = d + 1;
    if d > MAX_DEPTH {
        // The children are dropped by the caller; they are at most MAX_DEPTH deep.
        return Err(too_deep(sp(l, r)));
    }
    Ok(E {
        e: Expr {
            kind,
            span: sp(l, r),
        },
        d,
    })
}

pub fn leaf(kind: ExprKind, l: usize, r: usize) -> E {
    E {
        e: Expr {
            kind,
            span: sp(l, r),
        },
        d: 1,
    }
}

pub fn unzip(v: Vec<E>) -> (Vec<Expr>, u32) {
    let d = v.iter().map(|x| x.d).max().unwrap_or(0);
    (v.into_iter().map(|x| x.e).collect(), d)
}

pub fn name(n: &str, l: usize, r: usize) -> E {
    leaf(ExprKind::Name(n.to_string()), l, r)
}

pub fn constant(c: Constant, l: usize, r: usize) -> E {
    leaf(ExprKind::Constant(c), l, r)
}

pub fn binop(a: E, op: BinOp, b: E, l: usize, r: usize) -> R<E> {
    let d = a.d.max(b.d);
    mk(
        ExprKind::BinOp {
            left: Box::new(a.e),
            op,
            right: Box::new(b.e),
        },
        l,
        r,
        d,
    )
}

fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::BitOr => 1,
        BinOp::BitXor => 2,
        BinOp::BitAnd => 3,
        BinOp::LShift | BinOp::RShift => 4,
        BinOp::Add | BinOp::Sub => 5,
        BinOp::Pow => 7,
        _ => 6,
    }
}

/// Groups `first op e op e ...` (all left-associative) by precedence. Each operand comes
/// with its source extent, which includes any parentheses around it.
pub fn bin_chain(first: E, l: usize, r: usize, rest: Vec<(BinOp, usize, E, usize)>) -> R<E> {
    if rest.is_empty() {
        return Ok(first);
    }
    let mut vals: Vec<(E, usize, usize)> = vec![(first, l, r)];
    let mut ops: Vec<BinOp> = Vec::new();
    fn fold(vals: &mut Vec<(E, usize, usize)>, ops: &mut Vec<BinOp>) -> R<()> {
        if let (Some(op), Some(b), Some(a)) = (ops.pop(), vals.pop(), vals.pop()) {
            let (al, br) = (a.1, b.2);
            vals.push((binop(a.0, op, b.0, al, br)?, al, br));
        }
        Ok(())
    }
    for (op, l, e, r) in rest {
        while ops
            .last()
            .is_some_and(|&top| precedence(top) >= precedence(op))
        {
            fold(&mut vals, &mut ops)?;
        }
        ops.push(op);
        vals.push((e, l, r));
    }
    while !ops.is_empty() {
        fold(&mut vals, &mut ops)?;
    }
    match vals.pop() {
        Some((e, _, _)) => Ok(e),
        None => err("invalid syntax", sp(l, r)),
    }
}

pub fn unary(op: UnaryOp, a: E, l: usize, r: usize) -> R<E> {
    let d = a.d;
    mk(
        ExprKind::UnaryOp {
            op,
            operand: Box::new(a.e),
        },
        l,
        r,
        d,
    )
}

pub fn boolop(op: BoolOp, first: E, rest: Vec<E>, l: usize, r: usize) -> R<E> {
    let mut all = Vec::with_capacity(rest.len() + 1);
    all.push(first);
    all.extend(rest);
    let (values, d) = unzip(all);
    mk(ExprKind::BoolOp { op, values }, l, r, d)
}

pub fn compare(first: E, rest: Vec<(CmpOp, E)>, l: usize, r: usize) -> R<E> {
    let mut d = first.d;
    let mut ops = Vec::with_capacity(rest.len());
    let mut comparators = Vec::with_capacity(rest.len());
    for (op, e) in rest {
        d = d.max(e.d);
        ops.push(op);
        comparators.push(e.e);
    }
    mk(
        ExprKind::Compare {
            left: Box::new(first.e),
            ops,
            comparators,
        },
        l,
        r,
        d,
    )
}

pub fn ifexp(body: E, test: E, orelse: E, l: usize, r: usize) -> R<E> {
    let d = body.d.max(test.d).max(orelse.d);
    mk(
        ExprKind::IfExp {
            test: Box::new(test.e),
            body: Box::new(body.e),
            orelse: Box::new(orelse.e),
        },
        l,
        r,
        d,
    )
}

pub fn starred(a: E, l: usize, r: usize) -> R<E> {
    let d = a.d;
    mk(ExprKind::Starred(Box::new(a.e)), l, r, d)
}

pub fn await_(a: E, l: usize, r: usize) -> R<E> {
    let d = a.d;
    mk(ExprKind::Await(Box::new(a.e)), l, r, d)
}

pub fn yield_(a: Option<E>, l: usize, r: usize) -> R<E> {
    let d = a.as_ref().map_or(0, |a| a.d);
    mk(ExprKind::Yield(a.map(|a| Box::new(a.e))), l, r, d)
}

pub fn yield_from(a: E, l: usize, r: usize) -> R<E> {
    let d = a.d;
    mk(ExprKind::YieldFrom(Box::new(a.e)), l, r, d)
}

pub fn attribute(v: E, attr: &str, l: usize, r: usize) -> R<E> {
    let d = v.d;
    mk(
        ExprKind::Attribute {
            value: Box::new(v.e),
            attr: attr.to_string(),
        },
        l,
        r,
        d,
    )
}

pub fn subscript(v: E, index: E, l: usize, r: usize) -> R<E> {
    let d = v.d.max(index.d);
    mk(
        ExprKind::Subscript {
            value: Box::new(v.e),
            index: Box::new(index.e),
        },
        l,
        r,
        d,
    )
}

pub fn slice(lo: Option<E>, hi: Option<E>, st: Option<Option<E>>, l: usize, r: usize) -> R<E> {
    let st = st.flatten();
    let d = [&lo, &hi, &st]
        .iter()
        .map(|x| x.as_ref().map_or(0, |x| x.d))
        .max()
        .unwrap_or(0);
    let b = |x: Option<E>| x.map(|x| Box::new(x.e));
    mk(
        ExprKind::Slice {
            lower: b(lo),
            upper: b(hi),
            step: b(st),
        },
        l,
        r,
        d,
    )
}

pub fn named(target: E, value: E, l: usize, r: usize) -> R<E> {
    if !matches!(target.e.kind, ExprKind::Name(_)) {
        return err(
            format!(
                "cannot use assignment expressions with {}",
                super::targets::expr_name(&target.e)
            ),
            target.e.span,
        );
    }
    let d = target.d.max(value.d);
    mk(
        ExprKind::NamedExpr {
            target: Box::new(target.e),
            value: Box::new(value.e),
        },
        l,
        r,
        d,
    )
}

/// `a, b` (with a comma) is a tuple; a single item without comma is itself.
pub fn tuple_or_single(mut v: Vec<E>, comma: bool, l: usize, r: usize) -> R<E> {
    if v.len() == 1 && !comma {
        if let Some(e) = v.pop() {
            return Ok(e);
        }
    }
    let (elts, d) = unzip(v);
    mk(ExprKind::Tuple(elts), l, r, d)
}

pub fn lambda(params: Option<Box<(Parameters, u32)>>, body: E, l: usize, r: usize) -> R<E> {
    let (params, pd) = params.map(|b| *b).unwrap_or_default();
    let d = pd.max(body.d);
    mk(
        ExprKind::Lambda {
            params: Box::new(params),
            body: Box::new(body.e),
        },
        l,
        r,
        d,
    )
}

/// One `for ... in ... if ...` clause of a comprehension, with its depth.
pub fn comp_for(is_async: bool, target: E, iter: E, ifs: Vec<E>) -> R<Box<(Comprehension, u32)>> {
    super::targets::check_store(&target.e)?;
    let (ifs, di) = unzip(ifs);
    let d = target.d.max(iter.d).max(di);
    Ok(Box::new((
        Comprehension {
            target: target.e,
            iter: iter.e,
            ifs,
            is_async,
        },
        d,
    )))
}

/// Comprehension clauses, boxed while on the parser's stack.
pub type Gens = Vec<Box<(Comprehension, u32)>>;

pub fn comps(v: Gens) -> (Vec<Comprehension>, u32) {
    let d = v.iter().map(|x| x.1).max().unwrap_or(0);
    (v.into_iter().map(|x| x.0).collect(), d)
}

/// What a parenthesized atom held.
pub enum Paren {
    Items(Vec<E>, bool),
    Gen(E, Gens),
    Yield(E),
}

pub fn paren(b: Option<Box<Paren>>, l: usize, r: usize) -> R<E> {
    match b.map(|b| *b) {
        None => Ok(leaf(ExprKind::Tuple(Vec::new()), l, r)),
        Some(Paren::Items(mut v, comma)) => {
            if v.len() == 1 && !comma {
                if let Some(e) = v.pop() {
                    if let ExprKind::Starred(_) = e.e.kind {
                        return err("cannot use starred expression here", e.e.span);
                    }
                    return Ok(e);
                }
            }
            let (elts, d) = unzip(v);
            mk(ExprKind::Tuple(elts), l, r, d)
        }
        Some(Paren::Gen(elt, gens)) => genexp(elt, gens, l, r),
        Some(Paren::Yield(y)) => Ok(y),
    }
}

pub fn genexp(elt: E, gens: Gens, l: usize, r: usize) -> R<E> {
    let (generators, dg) = comps(gens);
    let d = elt.d.max(dg);
    mk(
        ExprKind::GeneratorExp {
            elt: Box::new(elt.e),
            generators,
        },
        l,
        r,
        d,
    )
}

pub enum ListBody {
    Items(Vec<E>),
    Comp(E, Gens),
}

pub fn list(b: Option<Box<ListBody>>, l: usize, r: usize) -> R<E> {
    match b.map(|b| *b) {
        None => Ok(leaf(ExprKind::List(Vec::new()), l, r)),
        Some(ListBody::Items(v)) => {
            let (elts, d) = unzip(v);
            mk(ExprKind::List(elts), l, r, d)
        }
        Some(ListBody::Comp(elt, gens)) => {
            let (generators, dg) = comps(gens);
            let d = elt.d.max(dg);
            mk(
                ExprKind::ListComp {
                    elt: Box::new(elt.e),
                    generators,
                },
                l,
                r,
                d,
            )
        }
    }
}

pub enum BraceBody {
    Dict(Vec<Box<(Option<E>, E)>>),
    Set(Vec<E>),
    DictComp(E, E, Gens),
    SetComp(E, Gens),
}

pub fn braces(b: Option<Box<BraceBody>>, l: usize, r: usize) -> R<E> {
    match b.map(|b| *b) {
        None => Ok(leaf(
            ExprKind::Dict {
                keys: Vec::new(),
                values: Vec::new(),
            },
            l,
            r,
        )),
        Some(BraceBody::Dict(items)) => {
            let mut d = 0;
            let mut keys = Vec::with_capacity(items.len());
            let mut values = Vec::with_capacity(items.len());
            for item in items {
                let (k, v) = *item;
                d = d.max(v.d).max(k.as_ref().map_or(0, |k| k.d));
                keys.push(k.map(|k| k.e));
                values.push(v.e);
            }
            mk(ExprKind::Dict { keys, values }, l, r, d)
        }
        Some(BraceBody::Set(v)) => {
            let (elts, d) = unzip(v);
            mk(ExprKind::Set(elts), l, r, d)
        }
        Some(BraceBody::DictComp(k, v, gens)) => {
            let (generators, dg) = comps(gens);
            let d = k.d.max(v.d).max(dg);
            mk(
                ExprKind::DictComp {
                    key: Box::new(k.e),
                    value: Box::new(v.e),
                    generators,
                },
                l,
                r,
                d,
            )
        }
        Some(BraceBody::SetComp(elt, gens)) => {
            let (generators, dg) = comps(gens);
            let d = elt.d.max(dg);
            mk(
                ExprKind::SetComp {
                    elt: Box::new(elt.e),
                    generators,
                },
                l,
                r,
                d,
            )
        }
    }
}

/// One item of a call's argument list, before ordering checks.
pub enum Arg {
    Pos(E),
    Gen(E, Gens, usize, usize),
    Star(E),
    Kw(String, E, usize, usize),
    KwStar(E, usize, usize),
}

/// Checks CPython's argument order rules; the call's parentheses span `pl..pr`, and
/// `trailing_comma` says whether a comma follows the last argument.
pub fn args(
    items: Vec<Box<Arg>>,
    trailing_comma: bool,
    pl: usize,
    pr: usize,
) -> R<(Vec<Expr>, Vec<Keyword>, u32)> {
    let n = items.len();
    let mut args = Vec::new();
    let mut kws: Vec<Keyword> = Vec::new();
    let mut d = 0;
    let mut seen_kwstar = false;
    for item in items {
        match *item {
            Arg::Pos(e) | Arg::Star(e) => {
                let star = matches!(e.e.kind, ExprKind::Starred(_));
                // CPython points at the `*` of a misplaced unpacking, and at the token after
                // the arguments (the closing parenthesis) for a misplaced positional one.
                let star_at = e.e.span.start as usize;
                let close = pr.saturating_sub(1);
                if seen_kwstar && star {
                    return err(
                        "iterable argument unpacking follows keyword argument unpacking",
                        sp(star_at, star_at + 1),
                    );
                }
                if seen_kwstar {
                    return err(
                        "positional argument follows keyword argument unpacking",
                        sp(close, pr),
                    );
                }
                if !star && !kws.is_empty() {
                    return err(
                        "positional argument follows keyword argument",
                        sp(close, pr),
                    );
                }
                d = d.max(e.d);
                args.push(e.e);
            }
            Arg::Gen(elt, gens, l, r) => {
                // A sole generator argument may not have a comma after it either.
                if n != 1 || trailing_comma {
                    return err("Generator expression must be parenthesized", sp(l, r));
                }
                // A sole generator argument spans the call's parentheses, as in CPython.
                let g = genexp(elt, gens, pl, pr)?;
                d = d.max(g.d);
                args.push(g.e);
            }
            Arg::Kw(name, e, l, r) => {
                if super::compiler_checks() && kws.iter().any(|k| k.arg.as_deref() == Some(&name)) {
                    return err(format!("keyword argument repeated: {name}"), sp(l, r));
                }
                d = d.max(e.d);
                kws.push(Keyword {
                    arg: Some(name),
                    value: e.e,
                    span: sp(l, r),
                });
            }
            Arg::KwStar(e, l, r) => {
                seen_kwstar = true;
                d = d.max(e.d);
                kws.push(Keyword {
                    arg: None,
                    value: e.e,
                    span: sp(l, r),
                });
            }
        }
    }
    Ok((args, kws, d))
}

pub fn call(f: E, a: (Vec<Expr>, Vec<Keyword>, u32), l: usize, r: usize) -> R<E> {
    let d = f.d.max(a.2);
    mk(
        ExprKind::Call {
            func: Box::new(f.e),
            args: a.0,
            keywords: a.1,
        },
        l,
        r,
        d,
    )
}
