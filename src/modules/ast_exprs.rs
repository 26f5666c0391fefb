//! Expressions, constants, f-strings and patterns for `ast_nodes` (see there).

use super::ast_nodes::{Builder, Ctx};
use crate::syntax::ast::*;
use crate::vm::errors::PyResult;
use crate::vm::value::Value;

impl Builder<'_> {
    pub(super) fn ctx(&mut self, ctx: Ctx) -> PyResult<Value> {
        self.singleton(ctx.name())
    }

    pub(super) fn expr(&mut self, e: &Expr, ctx: Ctx) -> PyResult<Value> {
        let sp = Some(e.span);
        match &e.kind {
            ExprKind::Name(n) => {
                let c = self.ctx(ctx)?;
                self.node("Name", &[("id", Self::ident(n)), ("ctx", c)], sp)
            }
            ExprKind::Constant(c) => self.constant(c, e.span),
            ExprKind::JoinedStr(parts) => self.joined_str(parts, e.span, e.span),
            ExprKind::BoolOp { op, values } => {
                let o = self.singleton(match op {
                    BoolOp::And => "And",
                    BoolOp::Or => "Or",
                })?;
                let v = self.exprs(values, Ctx::Load)?;
                self.node("BoolOp", &[("op", o), ("values", v)], sp)
            }
            ExprKind::BinOp { left, op, right } => {
                let l = self.expr(left, Ctx::Load)?;
                let o = self.singleton(binop_name(*op))?;
                let r = self.expr(right, Ctx::Load)?;
                self.node("BinOp", &[("left", l), ("op", o), ("right", r)], sp)
            }
            ExprKind::UnaryOp { op, operand } => {
                let o = self.singleton(match op {
                    UnaryOp::Invert => "Invert",
                    UnaryOp::Not => "Not",
                    UnaryOp::UAdd => "UAdd",
                    UnaryOp::USub => "USub",
                })?;
                let v = self.expr(operand, Ctx::Load)?;
                self.node("UnaryOp", &[("op", o), ("operand", v)], sp)
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => {
                let l = self.expr(left, Ctx::Load)?;
                let mut os = Vec::with_capacity(ops.len());
                for op in ops {
                    os.push(self.singleton(cmpop_name(*op))?);
                }
                let c = self.exprs(comparators, Ctx::Load)?;
                self.node(
                    "Compare",
                    &[("left", l), ("ops", Value::list(os)), ("comparators", c)],
                    sp,
                )
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                let f = self.expr(func, Ctx::Load)?;
                let a = self.exprs(args, Ctx::Load)?;
                let k = self.keywords(keywords)?;
                self.node("Call", &[("func", f), ("args", a), ("keywords", k)], sp)
            }
            ExprKind::Attribute { value, attr } => {
                let v = self.expr(value, Ctx::Load)?;
                let c = self.ctx(ctx)?;
                self.node(
                    "Attribute",
                    &[("value", v), ("attr", Self::ident(attr)), ("ctx", c)],
                    sp,
                )
            }
            ExprKind::Subscript { value, index } => {
                let v = self.expr(value, Ctx::Load)?;
                let mut i = self.expr(index, Ctx::Load)?;
                if let ExprKind::Starred(_) = index.kind {
                    // `a[*b]` indexes with a one-element tuple.
                    let load = self.ctx(Ctx::Load)?;
                    let elts = Value::list(vec![i]);
                    i = self.node("Tuple", &[("elts", elts), ("ctx", load)], Some(index.span))?;
                }
                let c = self.ctx(ctx)?;
                self.node("Subscript", &[("value", v), ("slice", i), ("ctx", c)], sp)
            }
            ExprKind::Slice { lower, upper, step } => {
                let l = self.opt_expr(lower.as_deref())?;
                let u = self.opt_expr(upper.as_deref())?;
                let s = self.opt_expr(step.as_deref())?;
                self.node("Slice", &[("lower", l), ("upper", u), ("step", s)], sp)
            }
            ExprKind::Starred(v) => {
                let v = self.expr(v, ctx)?;
                let c = self.ctx(ctx)?;
                self.node("Starred", &[("value", v), ("ctx", c)], sp)
            }
            ExprKind::List(elts) | ExprKind::Tuple(elts) => {
                let cls = if matches!(e.kind, ExprKind::List(_)) {
                    "List"
                } else {
                    "Tuple"
                };
                let v = self.exprs(elts, ctx)?;
                let c = self.ctx(ctx)?;
                self.node(cls, &[("elts", v), ("ctx", c)], sp)
            }
            ExprKind::Set(elts) => {
                let v = self.exprs(elts, Ctx::Load)?;
                self.node("Set", &[("elts", v)], sp)
            }
            ExprKind::Dict { keys, values } => {
                let mut ks = Vec::with_capacity(keys.len());
                for k in keys {
                    ks.push(self.opt_expr(k.as_ref())?);
                }
                let v = self.exprs(values, Ctx::Load)?;
                self.node("Dict", &[("keys", Value::list(ks)), ("values", v)], sp)
            }
            ExprKind::IfExp { test, body, orelse } => {
                let t = self.expr(test, Ctx::Load)?;
                let b = self.expr(body, Ctx::Load)?;
                let o = self.expr(orelse, Ctx::Load)?;
                self.node("IfExp", &[("test", t), ("body", b), ("orelse", o)], sp)
            }
            ExprKind::Lambda { params, body } => {
                let a = self.arguments(params)?;
                let b = self.expr(body, Ctx::Load)?;
                self.node("Lambda", &[("args", a), ("body", b)], sp)
            }
            ExprKind::NamedExpr { target, value } => {
                let t = self.expr(target, Ctx::Store)?;
                let v = self.expr(value, Ctx::Load)?;
                self.node("NamedExpr", &[("target", t), ("value", v)], sp)
            }
            ExprKind::ListComp { elt, generators }
            | ExprKind::SetComp { elt, generators }
            | ExprKind::GeneratorExp { elt, generators } => {
                let cls = match e.kind {
                    ExprKind::ListComp { .. } => "ListComp",
                    ExprKind::SetComp { .. } => "SetComp",
                    _ => "GeneratorExp",
                };
                let el = self.expr(elt, Ctx::Load)?;
                let g = self.comprehensions(generators)?;
                self.node(cls, &[("elt", el), ("generators", g)], sp)
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => {
                let k = self.expr(key, Ctx::Load)?;
                let v = self.expr(value, Ctx::Load)?;
                let g = self.comprehensions(generators)?;
                self.node(
                    "DictComp",
                    &[("key", k), ("value", v), ("generators", g)],
                    sp,
                )
            }
            ExprKind::Await(v) => {
                let v = self.expr(v, Ctx::Load)?;
                self.node("Await", &[("value", v)], sp)
            }
            ExprKind::Yield(v) => {
                let v = self.opt_expr(v.as_deref())?;
                self.node("Yield", &[("value", v)], sp)
            }
            ExprKind::YieldFrom(v) => {
                let v = self.expr(v, Ctx::Load)?;
                self.node("YieldFrom", &[("value", v)], sp)
            }
        }
    }

    fn constant_value(&mut self, c: &Constant) -> Value {
        match c {
            Constant::None => Value::None,
            Constant::True => Value::Bool(true),
            Constant::False => Value::Bool(false),
            Constant::Ellipsis => self.vm.t.ellipsis_value.clone(),
            Constant::Int(i) => Value::Int(*i),
            Constant::BigInt(b) => Value::from_bigint(b.clone()),
            Constant::Float(f) => Value::Float(*f),
            Constant::Imag(f) => {
                crate::obj::complex::value(crate::obj::complex::Complex::new(0.0, *f))
            }
            Constant::Str(s) => Value::str(s),
            Constant::Bytes(b) => Value::bytes(b.clone()),
        }
    }

    /// A constant; a number the pattern parser folded with its `-` becomes
    /// `UnaryOp(USub, Constant)` again, as CPython's parser leaves it.
    fn constant(&mut self, c: &Constant, span: Span) -> PyResult<Value> {
        let text = self.text_at(span.start);
        if let Some(rest) = text.strip_prefix('-') {
            let skipped = rest.len() - rest.trim_start().len();
            let inner = Span {
                start: span.start + 1 + skipped as u32,
                end: span.end,
            };
            let positive = match c {
                Constant::Int(i) => match i.checked_neg() {
                    Some(n) => Constant::Int(n),
                    None => Constant::BigInt(-num_bigint::BigInt::from(*i)),
                },
                Constant::BigInt(b) => {
                    let n = -b.clone();
                    match i64::try_from(&n) {
                        Ok(i) => Constant::Int(i),
                        Err(_) => Constant::BigInt(n),
                    }
                }
                Constant::Float(f) => Constant::Float(-f),
                Constant::Imag(f) => Constant::Imag(-f),
                other => other.clone(),
            };
            let operand = self.constant(&positive, inner)?;
            let op = self.singleton("USub")?;
            return self.node("UnaryOp", &[("op", op), ("operand", operand)], Some(span));
        }
        let kind = match c {
            Constant::Str(_) if text.starts_with('u') => Value::str("u"),
            _ => Value::None,
        };
        let v = self.constant_value(c);
        self.node("Constant", &[("value", v), ("kind", kind)], Some(span))
    }

    /// A JoinedStr as CPython 3.11's f-string parser builds it: adjacent literals merged,
    /// empty ones dropped; the parts carry the span of the whole concatenation (`whole`)
    /// except the JoinedStr itself and a literal still pending at its end, which carry
    /// `own` (for a format spec, the one string token holding it).
    fn joined_str(&mut self, parts: &[FStringPart], whole: Span, own: Span) -> PyResult<Value> {
        let mut values = Vec::new();
        let mut literal = String::new();
        for p in parts {
            match p {
                FStringPart::Literal(s) => literal.push_str(s),
                FStringPart::Formatted {
                    value,
                    conversion,
                    spec,
                } => {
                    if !literal.is_empty() {
                        let s = Value::string(std::mem::take(&mut literal));
                        values.push(self.node(
                            "Constant",
                            &[("value", s), ("kind", Value::None)],
                            Some(whole),
                        )?);
                    }
                    let v = match self.braced_span(value) {
                        Some(span) => {
                            let mut braced = (**value).clone();
                            braced.span = span;
                            self.expr(&braced, Ctx::Load)?
                        }
                        None => self.expr(value, Ctx::Load)?,
                    };
                    let conv = Value::Int(conversion.map_or(-1, |c| c as i64));
                    let fs = match spec {
                        Some(parts) => {
                            let token = string_tokens(&self.src.text, whole)
                                .into_iter()
                                .find(|t| t.start <= value.span.start && value.span.end <= t.end)
                                .unwrap_or(whole);
                            self.joined_str(parts, whole, token)?
                        }
                        None => Value::None,
                    };
                    values.push(self.node(
                        "FormattedValue",
                        &[("value", v), ("conversion", conv), ("format_spec", fs)],
                        Some(whole),
                    )?);
                }
            }
        }
        if !literal.is_empty() {
            let s = Value::string(literal);
            values.push(self.node(
                "Constant",
                &[("value", s), ("kind", Value::None)],
                Some(own),
            )?);
        }
        self.node("JoinedStr", &[("values", Value::list(values))], Some(own))
    }

    /// CPython 3.11 parses a replacement field's expression as `(expr)` placed over its
    /// `{` and the character ending it, so an unparenthesized tuple or generator (whose
    /// span would include its parentheses) spans from the `{` through that character.
    fn braced_span(&self, value: &Expr) -> Option<Span> {
        let text = self.src.text.as_bytes();
        let own_parens = text.get(value.span.start as usize) == Some(&b'(');
        let wraps = matches!(
            value.kind,
            ExprKind::Tuple(_) | ExprKind::GeneratorExp { .. }
        );
        if !wraps || own_parens {
            return None;
        }
        let before = text.get(..value.span.start as usize)?;
        let open = before.iter().rposition(|b| !b" \t\r\n\x0c".contains(b))?;
        let after = text.get(value.span.end as usize..)?;
        let close =
            value.span.end as usize + after.iter().position(|b| !b" \t\r\n\x0c".contains(b))?;
        Some(Span::new(open, close + 1))
    }

    fn patterns(&mut self, ps: &[Pattern]) -> PyResult<Value> {
        let mut out = Vec::with_capacity(ps.len());
        for p in ps {
            out.push(self.pattern(p)?);
        }
        Ok(Value::list(out))
    }

    pub(super) fn pattern(&mut self, p: &Pattern) -> PyResult<Value> {
        let sp = Some(p.span);
        match &*p.kind {
            PatternKind::Value(e) => {
                let v = self.expr(e, Ctx::Load)?;
                self.node("MatchValue", &[("value", v)], sp)
            }
            PatternKind::Singleton(c) => {
                let v = self.constant_value(c);
                self.node("MatchSingleton", &[("value", v)], sp)
            }
            PatternKind::Sequence(ps) => {
                let v = self.patterns(ps)?;
                self.node("MatchSequence", &[("patterns", v)], sp)
            }
            PatternKind::Mapping {
                keys,
                patterns,
                rest,
            } => {
                let k = self.exprs(keys, Ctx::Load)?;
                let ps = self.patterns(patterns)?;
                self.node(
                    "MatchMapping",
                    &[
                        ("keys", k),
                        ("patterns", ps),
                        ("rest", Self::opt_name(rest)),
                    ],
                    sp,
                )
            }
            PatternKind::Class {
                cls,
                patterns,
                kwd_attrs,
                kwd_patterns,
            } => {
                let c = self.expr(cls, Ctx::Load)?;
                let ps = self.patterns(patterns)?;
                let kp = self.patterns(kwd_patterns)?;
                self.node(
                    "MatchClass",
                    &[
                        ("cls", c),
                        ("patterns", ps),
                        ("kwd_attrs", Self::names(kwd_attrs)),
                        ("kwd_patterns", kp),
                    ],
                    sp,
                )
            }
            PatternKind::Star(name) => {
                self.node("MatchStar", &[("name", Self::opt_name(name))], sp)
            }
            PatternKind::As { pattern, name } => {
                let inner = match pattern {
                    Some(p) => self.pattern(p)?,
                    None => Value::None,
                };
                self.node(
                    "MatchAs",
                    &[("pattern", inner), ("name", Self::opt_name(name))],
                    sp,
                )
            }
            PatternKind::Or(ps) => {
                let v = self.patterns(ps)?;
                self.node("MatchOr", &[("patterns", v)], sp)
            }
        }
    }
}

/// The spans of the string literals that make up the implicit concatenation at `span`
/// (`f'a{x}' 'b'` is two tokens).
fn string_tokens(text: &str, span: Span) -> Vec<Span> {
    let bytes = text.as_bytes();
    let end = (span.end as usize).min(bytes.len());
    let mut i = span.start as usize;
    let mut out = Vec::new();
    while i < end {
        let c = bytes.get(i).copied().unwrap_or(b' ');
        if c == b'#' {
            while i < end && bytes.get(i) != Some(&b'\n') {
                i += 1;
            }
            continue;
        }
        if !(c == b'\'' || c == b'"' || c.is_ascii_alphabetic()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < end && bytes.get(i).is_some_and(|b| b.is_ascii_alphabetic()) {
            i += 1;
        }
        let Some(&quote) = bytes.get(i) else { break };
        let triple = bytes.get(i..i + 3) == Some(&[quote; 3][..]);
        i += if triple { 3 } else { 1 };
        while i < end {
            match bytes.get(i) {
                Some(b'\\') => i += 2,
                Some(&b) if b == quote => {
                    if !triple {
                        i += 1;
                        break;
                    }
                    if bytes.get(i..i + 3) == Some(&[quote; 3][..]) {
                        i += 3;
                        break;
                    }
                    i += 1;
                }
                _ => i += 1,
            }
        }
        out.push(Span::new(start, i.min(end)));
    }
    out
}

pub(super) fn binop_name(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "Add",
        BinOp::Sub => "Sub",
        BinOp::Mult => "Mult",
        BinOp::MatMult => "MatMult",
        BinOp::Div => "Div",
        BinOp::Mod => "Mod",
        BinOp::Pow => "Pow",
        BinOp::LShift => "LShift",
        BinOp::RShift => "RShift",
        BinOp::BitOr => "BitOr",
        BinOp::BitXor => "BitXor",
        BinOp::BitAnd => "BitAnd",
        BinOp::FloorDiv => "FloorDiv",
    }
}

fn cmpop_name(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "Eq",
        CmpOp::NotEq => "NotEq",
        CmpOp::Lt => "Lt",
        CmpOp::LtE => "LtE",
        CmpOp::Gt => "Gt",
        CmpOp::GtE => "GtE",
        CmpOp::Is => "Is",
        CmpOp::IsNot => "IsNot",
        CmpOp::In => "In",
        CmpOp::NotIn => "NotIn",
    }
}
