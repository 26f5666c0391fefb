//! Statement and parameter-list builders called from the grammar's actions.
// Items are boxed while they sit on the LALR stack (keeps its symbols small); the
// Vecs that collect them keep the boxes rather than copy every item out.
#![allow(clippy::vec_box)]

use super::ast::*;
use super::nodes::{err, sp, E, R};
use super::targets::{self, Side};

/// Statements travel boxed through the parser so its symbol stack stays small.
pub fn stmt(kind: StmtKind, l: usize, r: usize) -> Box<Stmt> {
    Box::new(Stmt {
        kind,
        span: sp(l, r),
    })
}

/// End offset of a suite (the end of its last statement).
pub fn end_of(body: &[Stmt], fallback: usize) -> usize {
    body.last().map_or(fallback, |s| s.span.end as usize)
}

/// `first [= more]*`: an expression statement or an assignment.
pub fn assign(first: Side, rest: Vec<Side>, l: usize, r: usize) -> R<Box<Stmt>> {
    if rest.is_empty() {
        targets::no_bare_star(&first.e)?;
        return Ok(stmt(StmtKind::Expr(first.e), l, r));
    }
    let mut all = Vec::with_capacity(rest.len() + 1);
    all.push(first);
    all.extend(rest);
    let value = match all.pop() {
        Some(v) => v.e,
        None => return err("invalid syntax", sp(l, r)),
    };
    targets::check_assign(&all)?;
    targets::no_bare_star(&value)?;
    Ok(stmt(
        StmtKind::Assign {
            targets: all.into_iter().map(|s| s.e).collect(),
            value,
        },
        l,
        r,
    ))
}

pub fn aug_assign(t: Side, op: BinOp, v: Side, l: usize, r: usize) -> R<Box<Stmt>> {
    targets::check_aug(&t)?;
    Ok(stmt(
        StmtKind::AugAssign {
            target: t.e,
            op,
            value: v.e,
        },
        l,
        r,
    ))
}

pub fn ann_assign(t: Side, ann: E, v: Option<Side>, l: usize, r: usize) -> R<Box<Stmt>> {
    let simple = targets::check_ann(&t)?;
    Ok(stmt(
        StmtKind::AnnAssign {
            target: t.e,
            annotation: ann.e,
            value: v.map(|v| v.e),
            simple,
        },
        l,
        r,
    ))
}

pub fn delete(v: Vec<E>, l: usize, r: usize) -> R<Box<Stmt>> {
    for t in &v {
        targets::check_del(&t.e)?;
    }
    Ok(stmt(
        StmtKind::Delete(v.into_iter().map(|x| x.e).collect()),
        l,
        r,
    ))
}

pub fn if_stmt(
    l: usize,
    test: E,
    body: Vec<Stmt>,
    elifs: Vec<Box<(usize, E, Vec<Stmt>)>>,
    orelse: Option<Vec<Stmt>>,
) -> Box<Stmt> {
    // Build the elif chain from the inside out: each elif is an If inside the previous orelse.
    let mut tail = orelse.unwrap_or_default();
    for elif in elifs.into_iter().rev() {
        let (el, t, b) = *elif;
        let end = end_of(&tail, end_of(&b, el));
        let end = end.max(end_of(&b, el));
        tail = vec![*stmt(
            StmtKind::If {
                test: t.e,
                body: b,
                orelse: tail,
            },
            el,
            end,
        )];
    }
    let end = end_of(&tail, end_of(&body, l)).max(end_of(&body, l));
    stmt(
        StmtKind::If {
            test: test.e,
            body,
            orelse: tail,
        },
        l,
        end,
    )
}

pub fn max_end(parts: &[&[Stmt]], l: usize) -> usize {
    parts.iter().map(|b| end_of(b, l)).max().unwrap_or(l)
}

pub struct Handler {
    pub h: ExceptHandler,
    pub star: bool,
}

#[allow(clippy::boxed_local)]
pub fn handler(
    l: usize,
    star: bool,
    typ: Option<Box<(E, Option<String>)>>,
    body: Vec<Stmt>,
    colon: usize,
) -> R<Box<Handler>> {
    if star && typ.is_none() {
        return err("expected one or more exception types", sp(colon, colon + 1));
    }
    let (typ, name) = match typ.map(|b| *b) {
        Some((t, n)) => (Some(t.e), n),
        None => (None, None),
    };
    let end = end_of(&body, l);
    Ok(Box::new(Handler {
        h: ExceptHandler {
            typ,
            name,
            body,
            span: sp(l, end),
        },
        star,
    }))
}

pub fn try_stmt(
    l: usize,
    body: Vec<Stmt>,
    hs: Vec<Box<Handler>>,
    orelse: Option<Vec<Stmt>>,
    finalbody: Option<Vec<Stmt>>,
) -> R<Box<Stmt>> {
    let is_star = hs.first().is_some_and(|h| h.star);
    if let Some(h) = hs.iter().find(|h| h.star != is_star) {
        return err(
            "cannot have both 'except' and 'except*' on the same 'try'",
            h.h.span,
        );
    }
    let handlers: Vec<ExceptHandler> = hs.into_iter().map(|h| h.h).collect();
    let orelse = orelse.unwrap_or_default();
    let finalbody = finalbody.unwrap_or_default();
    let mut end = max_end(&[&body, &orelse, &finalbody], l);
    if let Some(h) = handlers.last() {
        end = end.max(h.span.end as usize);
    }
    Ok(stmt(
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
            is_star,
        },
        l,
        end,
    ))
}

pub fn with_item(context: E, target: Option<E>) -> R<Box<WithItem>> {
    if let Some(t) = &target {
        targets::check_store(&t.e)?;
    }
    Ok(Box::new(WithItem {
        context: context.e,
        target: target.map(|t| t.e),
    }))
}

/// One entry of a parameter list, before grouping.
pub enum PItem {
    Plain(Param, Option<E>),
    Slash(usize),
    /// The parameter, where its `*` is, and where the `=` of a default is (an error).
    Star(Option<Param>, usize, Option<usize>),
    /// The parameter, where its `**` is, and where the `=` of a default is (an error).
    DStar(Param, usize, Option<usize>),
}

pub fn param(name: &str, annotation: Option<E>, l: usize, r: usize) -> Box<(Param, u32)> {
    let d = annotation.as_ref().map_or(0, |a| a.d);
    Box::new((
        Param {
            name: name.to_string(),
            annotation: annotation.map(|a| a.e),
            default: None,
            span: sp(l, r),
        },
        d,
    ))
}

/// Groups parameters as CPython does and checks its ordering rules.
pub fn params(items: Vec<Box<(PItem, u32)>>) -> R<Box<(Parameters, u32)>> {
    let mut p = Parameters::default();
    let mut d = 0;
    let mut seen_star: Option<(bool, usize)> = None;
    let mut seen_slash = false;
    let mut seen_default = false;
    let mut kwarg_span: Option<Span> = None;
    for b in items {
        let (item, di) = *b;
        d = d.max(di);
        if kwarg_span.is_some() {
            // CPython points at what follows: a parameter's name (and annotation), or
            // the `/`, `*` or `**` token.
            let span = match &item {
                PItem::Plain(prm, _) => prm.span,
                PItem::Slash(at) | PItem::Star(_, at, _) => sp(*at, at + 1),
                PItem::DStar(_, at, _) => sp(*at, at + 2),
            };
            return err("arguments cannot follow var-keyword argument", span);
        }
        match item {
            PItem::Plain(mut prm, default) => {
                if let Some(dflt) = &default {
                    d = d.max(dflt.d);
                }
                if seen_star.is_some() {
                    prm.default = default.map(|x| x.e);
                    p.kwonly.push(prm);
                    continue;
                }
                match default {
                    Some(x) => {
                        seen_default = true;
                        prm.default = Some(x.e);
                    }
                    None if seen_default => {
                        return err("non-default argument follows default argument", prm.span)
                    }
                    None => {}
                }
                p.args.push(prm);
            }
            PItem::Slash(at) => {
                let span = sp(at, at + 1);
                if seen_slash {
                    return err("/ may appear only once", span);
                }
                if seen_star.is_some() {
                    return err("/ must be ahead of *", span);
                }
                if p.args.is_empty() {
                    return err("at least one argument must precede /", span);
                }
                seen_slash = true;
                p.posonly = std::mem::take(&mut p.args);
            }
            PItem::Star(prm, at, default) => {
                let span = sp(at, at + 1);
                if seen_star.is_some() {
                    return err("* argument may appear only once", span);
                }
                if let Some(eq) = default {
                    return err(
                        "var-positional argument cannot have default value",
                        sp(eq, eq + 1),
                    );
                }
                seen_star = Some((prm.is_none(), at));
                p.vararg = prm;
            }
            PItem::DStar(prm, _, default) => {
                if let Some(eq) = default {
                    return err(
                        "var-keyword argument cannot have default value",
                        sp(eq, eq + 1),
                    );
                }
                kwarg_span = Some(prm.span);
                p.kwarg = Some(prm);
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    let all = p.posonly.iter().chain(&p.args).chain(&p.vararg);
    for prm in all.chain(&p.kwonly).chain(&p.kwarg) {
        if !seen.insert(prm.name.as_str()) && super::compiler_checks() {
            return err(
                format!("duplicate argument '{}' in function definition", prm.name),
                prm.span,
            );
        }
    }
    if let Some((true, at)) = seen_star {
        if p.kwonly.is_empty() {
            return err("named arguments must follow bare *", sp(at, at + 1));
        }
    }
    Ok(Box::new((p, d)))
}

pub struct FuncHead {
    pub l: usize,
    pub is_async: bool,
    pub name: String,
    pub name_span: Span,
}

pub fn funcdef(
    h: FuncHead,
    params: Option<Box<(Parameters, u32)>>,
    returns: Option<E>,
    body: Vec<Stmt>,
) -> Box<Stmt> {
    let end = end_of(&body, h.l);
    stmt(
        StmtKind::FunctionDef(Box::new(FunctionDef {
            name: h.name,
            params: params.map(|p| p.0).unwrap_or_default(),
            body,
            decorators: Vec::new(),
            returns: returns.map(|r| r.e),
            is_async: h.is_async,
            name_span: h.name_span,
        })),
        h.l,
        end,
    )
}

pub fn classdef(
    l: usize,
    name: &str,
    args: Option<(Vec<Expr>, Vec<Keyword>, u32)>,
    body: Vec<Stmt>,
) -> Box<Stmt> {
    let end = end_of(&body, l);
    let (bases, keywords) = args.map(|a| (a.0, a.1)).unwrap_or_default();
    stmt(
        StmtKind::ClassDef(Box::new(ClassDef {
            name: name.to_string(),
            bases,
            keywords,
            body,
            decorators: Vec::new(),
        })),
        l,
        end,
    )
}

pub fn decorate(decs: Vec<E>, mut s: Box<Stmt>) -> Box<Stmt> {
    let decs: Vec<Expr> = decs.into_iter().map(|d| d.e).collect();
    match &mut s.kind {
        StmtKind::FunctionDef(f) => f.decorators = decs,
        StmtKind::ClassDef(c) => c.decorators = decs,
        _ => {}
    }
    s
}

pub fn alias(name: String, asname: Option<String>, l: usize, r: usize) -> Alias {
    Alias {
        name,
        asname,
        span: sp(l, r),
    }
}
