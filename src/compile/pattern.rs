//! The `match` statement (PEP 634).
//!
//! The subject stays on the stack while cases are tried. For each case the compiler first
//! pushes one placeholder per name the pattern captures, then a copy of the subject. A
//! capture stores its value into its placeholder (`StoreUnder`), so names are bound only
//! once the whole pattern has matched, as in CPython. A failing test jumps into a chain of
//! `PopTop`s (CPython's `fail_pop`) that empties what the pattern had pushed.
//!
//! The checks CPython's compiler makes (irrefutable patterns, repeated names, alternatives
//! binding different names, duplicate mapping keys) run first, in CPython's order, and
//! report at the position CPython reports.

use super::codegen::{error, CResult, Compiler, Ctx, Label};
use crate::bytecode::{ConstValue, Op};
use crate::syntax::ast::*;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// Compile-time state of one case's pattern.
struct PatCtx {
    /// Captured names; `names[i]`'s placeholder sits `names.len() - i` above the subject.
    names: Vec<String>,
    slots: HashMap<String, usize>,
    /// Items on the stack above the original subject.
    height: usize,
    /// Fail chains, innermost last: the height they pop down to, and one label per count.
    chains: Vec<(usize, Vec<Option<Label>>)>,
}

/// Checks of CPython's compiler; collects the names a pattern binds.
struct Checker {
    /// The last pattern visited (where CPython reports most of these errors).
    last: Span,
}

/// Names in binding order, with a set for the membership tests (patterns may be long).
#[derive(Default)]
struct Names {
    order: Vec<String>,
    set: HashSet<String>,
}

impl Names {
    fn push(&mut self, n: &str) {
        self.set.insert(n.to_string());
        self.order.push(n.to_string());
    }
}

impl Checker {
    fn store(&self, name: &str, names: &mut Names) -> CResult {
        if name == "__debug__" {
            return Err(error("cannot assign to __debug__", self.last));
        }
        if names.set.contains(name) {
            return Err(error(
                format!("multiple assignments to name '{name}' in pattern"),
                self.last,
            ));
        }
        names.push(name);
        Ok(())
    }

    fn check(&mut self, p: &Pattern, irrefutable_ok: bool, names: &mut Names) -> CResult {
        self.last = p.span;
        match &*p.kind {
            PatternKind::Value(_) | PatternKind::Singleton(_) => Ok(()),
            PatternKind::As {
                pattern: None,
                name,
            } => {
                if !irrefutable_ok {
                    let msg = match name {
                        Some(n) => {
                            format!("name capture '{n}' makes remaining patterns unreachable")
                        }
                        None => "wildcard makes remaining patterns unreachable".to_string(),
                    };
                    return Err(error(msg, p.span));
                }
                name.iter().try_for_each(|n| self.store(n, names))
            }
            PatternKind::As {
                pattern: Some(q),
                name,
            } => {
                self.check(q, irrefutable_ok, names)?;
                name.iter().try_for_each(|n| self.store(n, names))
            }
            PatternKind::Star(name) => name.iter().try_for_each(|n| self.store(n, names)),
            PatternKind::Sequence(v) => v.iter().try_for_each(|q| self.check(q, true, names)),
            PatternKind::Mapping {
                keys,
                patterns,
                rest,
            } => {
                let mut seen: Vec<LitKey> = Vec::new();
                for k in keys {
                    if let Some(key) = lit_key(k) {
                        if seen.iter().any(|s| key_eq(s, &key)) {
                            return Err(error(
                                format!(
                                    "mapping pattern checks duplicate key ({})",
                                    key_repr(&key)
                                ),
                                p.span,
                            ));
                        }
                        seen.push(key);
                    }
                }
                patterns
                    .iter()
                    .try_for_each(|q| self.check(q, true, names))?;
                rest.iter().try_for_each(|n| self.store(n, names))
            }
            PatternKind::Class {
                patterns,
                kwd_attrs,
                kwd_patterns,
                ..
            } => {
                for (i, a) in kwd_attrs.iter().enumerate() {
                    if kwd_attrs[..i].contains(a) {
                        let at = kwd_patterns.get(i).map_or(p.span, |q| q.span);
                        return Err(error(
                            format!("attribute name repeated in class pattern: {a}"),
                            at,
                        ));
                    }
                }
                patterns
                    .iter()
                    .chain(kwd_patterns)
                    .try_for_each(|q| self.check(q, true, names))
            }
            PatternKind::Or(alts) => {
                let mut control: Option<Names> = None;
                for (i, alt) in alts.iter().enumerate() {
                    let mut alt_names = Names::default();
                    self.check(alt, irrefutable_ok && i + 1 == alts.len(), &mut alt_names)?;
                    match &control {
                        None => control = Some(alt_names),
                        Some(c) => {
                            let same = c.set == alt_names.set;
                            if !same {
                                return Err(error(
                                    "alternative patterns bind different names",
                                    self.last,
                                ));
                            }
                        }
                    }
                }
                control
                    .unwrap_or_default()
                    .order
                    .iter()
                    .try_for_each(|n| self.store(n, names))
            }
        }
    }
}

/// A literal mapping key as CPython's constant folding sees it (`1+2j` is one constant).
enum LitKey<'e> {
    Const(&'e Constant),
    Complex(f64, f64),
}

fn num(c: &Constant) -> Option<f64> {
    match c {
        Constant::True => Some(1.0),
        Constant::False => Some(0.0),
        Constant::Int(i) => Some(*i as f64),
        Constant::Float(f) => Some(*f),
        _ => None,
    }
}

fn lit_key(e: &Expr) -> Option<LitKey<'_>> {
    match &e.kind {
        ExprKind::Constant(Constant::Imag(im)) => Some(LitKey::Complex(0.0, *im)),
        ExprKind::Constant(c) => Some(LitKey::Const(c)),
        ExprKind::BinOp { left, op, right } => match (&left.kind, &right.kind) {
            (ExprKind::Constant(re), ExprKind::Constant(Constant::Imag(im))) => {
                let im = if *op == BinOp::Sub { -im } else { *im };
                Some(LitKey::Complex(num(re)?, im))
            }
            _ => None,
        },
        _ => None,
    }
}

fn key_eq(a: &LitKey, b: &LitKey) -> bool {
    match (a, b) {
        (LitKey::Const(x), LitKey::Const(y)) => const_eq(x, y),
        (LitKey::Complex(r1, i1), LitKey::Complex(r2, i2)) => r1 == r2 && i1 == i2,
        (LitKey::Complex(r, i), LitKey::Const(c)) | (LitKey::Const(c), LitKey::Complex(r, i)) => {
            *i == 0.0 && num(c) == Some(*r)
        }
    }
}

fn key_repr(k: &LitKey) -> String {
    match k {
        LitKey::Const(c) => super::unparse::constant_repr(c).unwrap_or_default(),
        LitKey::Complex(re, im) => {
            crate::obj::complex::repr(crate::obj::complex::Complex::new(*re, *im))
        }
    }
}

/// Equal as Python values (so `{1: a, 1.0: b}` repeats a key, as in CPython).
fn const_eq(a: &Constant, b: &Constant) -> bool {
    use Constant::*;
    match (a, b) {
        (Str(x), Str(y)) => x == y,
        (Bytes(x), Bytes(y)) => x == y,
        (None, None) | (Ellipsis, Ellipsis) => true,
        (BigInt(x), BigInt(y)) => x == y,
        (Imag(x), Imag(y)) => x == y,
        (Int(x), Int(y)) => x == y,
        _ => matches!((num(a), num(b)), (Some(x), Some(y)) if x == y),
    }
}

fn is_wildcard(p: &Pattern) -> bool {
    matches!(
        *p.kind,
        PatternKind::As {
            pattern: None,
            name: None
        } | PatternKind::Star(None)
    )
}

impl<'a> Compiler<'a> {
    pub fn match_stmt(&mut self, subject: &'a Expr, cases: &'a [MatchCase]) -> CResult {
        self.expr(subject)?;
        let end = self.new_label();
        for (i, case) in cases.iter().enumerate() {
            let last = i + 1 == cases.len();
            let mut names = Names::default();
            let mut checker = Checker {
                last: case.pattern.span,
            };
            checker.check(&case.pattern, case.guard.is_some() || last, &mut names)?;
            let saved = self.set_span(case.pattern.span);
            let names = names.order;
            let k = names.len();
            for _ in 0..k {
                self.load_const(ConstValue::None);
            }
            self.emit(Op::Copy(k as u32 + 1));
            let mut pc = PatCtx {
                slots: names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| (n.clone(), i))
                    .collect(),
                names,
                height: k + 1,
                chains: vec![(0, Vec::new())],
            };
            self.pattern(&case.pattern, &mut pc)?;
            for n in &pc.names {
                self.nameop(n, Ctx::Store, case.pattern.span)?;
            }
            pc.height = 0;
            if let Some(g) = &case.guard {
                let fail = self.fail_label(&mut pc, 0);
                self.set_span(g.span);
                self.jump_if(g, fail, false)?;
            }
            self.set_span(case.pattern.span);
            self.emit(Op::PopTop);
            self.set_span(saved);
            self.stmts(&case.body)?;
            self.jump(Op::Jump, end);
            if let Some(chain) = pc.chains.pop() {
                self.set_span(case.pattern.span);
                self.emit_chain(chain.1);
                self.set_span(saved);
            }
        }
        self.emit(Op::PopTop);
        self.bind(end);
        Ok(())
    }

    /// The label that pops the stack down to the innermost chain's base from `height`.
    fn fail_label(&mut self, pc: &mut PatCtx, height: usize) -> Label {
        let Some((base, labels)) = pc.chains.last_mut() else {
            unreachable!("a pattern is compiled inside a fail chain")
        };
        let n = height - *base;
        if labels.len() <= n {
            labels.resize(n + 1, None);
        }
        if let Some(l) = labels[n] {
            return l;
        }
        let l = self.new_label();
        if let Some((_, labels)) = pc.chains.last_mut() {
            labels[n] = Some(l);
        }
        l
    }

    /// `op` jumps to the fail chain; the stack has `height` items when it jumps.
    fn jump_fail(&mut self, pc: &mut PatCtx, op: fn(u32) -> Op, height: usize) {
        let l = self.fail_label(pc, height);
        self.jump(op, l);
    }

    fn emit_chain(&mut self, labels: Vec<Option<Label>>) {
        let Some(top) = labels.iter().rposition(Option::is_some) else {
            return;
        };
        for j in (1..=top).rev() {
            if let Some(l) = labels[j] {
                self.bind(l);
            }
            self.emit(Op::PopTop);
        }
        if let Some(l) = labels[0] {
            self.bind(l);
        }
    }

    /// Pops the top into `name`'s placeholder.
    fn store_capture(&mut self, pc: &mut PatCtx, name: &Option<String>) {
        let slot = name.as_ref().and_then(|n| pc.slots.get(n).copied());
        match slot {
            Some(i) => {
                let s = pc.names.len() - i;
                self.emit(Op::StoreUnder((pc.height - s) as u32));
            }
            None => self.emit(Op::PopTop),
        }
        pc.height -= 1;
    }

    /// Matches the subject on top of the stack against `p`, consuming it on success.
    fn pattern(&mut self, p: &'a Pattern, pc: &mut PatCtx) -> CResult {
        let saved = self.set_span(p.span);
        let r = self.pattern_inner(p, pc);
        self.set_span(saved);
        r
    }

    fn pattern_inner(&mut self, p: &'a Pattern, pc: &mut PatCtx) -> CResult {
        let h = pc.height;
        match &*p.kind {
            PatternKind::Value(e) => {
                self.expr(e)?;
                self.set_span(p.span);
                self.emit(Op::Compare(CmpOp::Eq));
                self.jump_fail(pc, Op::PopJumpIfFalse, h - 1);
                pc.height = h - 1;
            }
            PatternKind::Singleton(c) => {
                let v = match c {
                    Constant::True => ConstValue::Bool(true),
                    Constant::False => ConstValue::Bool(false),
                    _ => ConstValue::None,
                };
                self.load_const(v);
                self.emit(Op::Compare(CmpOp::Is));
                self.jump_fail(pc, Op::PopJumpIfFalse, h - 1);
                pc.height = h - 1;
            }
            PatternKind::As {
                pattern: None,
                name,
            }
            | PatternKind::Star(name @ None) => {
                self.store_capture(pc, name);
            }
            PatternKind::Star(name) => self.store_capture(pc, name),
            PatternKind::As {
                pattern: Some(q),
                name,
            } => {
                self.emit(Op::Copy(1));
                pc.height += 1;
                self.pattern(q, pc)?;
                self.store_capture(pc, name);
            }
            PatternKind::Sequence(v) => self.sequence_pattern(v, pc)?,
            PatternKind::Mapping {
                keys,
                patterns,
                rest,
            } => self.mapping_pattern(keys, patterns, rest, pc)?,
            PatternKind::Class {
                cls,
                patterns,
                kwd_attrs,
                kwd_patterns,
            } => {
                self.expr(cls)?;
                let names: Vec<ConstValue> = kwd_attrs.iter().map(|a| Self::str_const(a)).collect();
                self.load_const(ConstValue::Tuple(Rc::from(names)));
                self.set_span(p.span);
                self.emit(Op::MatchClass(patterns.len() as u32));
                self.emit(Op::Copy(1));
                self.jump_fail(pc, Op::PopJumpIfNone, h);
                let n = patterns.len() + kwd_patterns.len();
                if n == 0 {
                    self.emit(Op::PopTop);
                    pc.height = h - 1;
                } else {
                    self.emit(Op::UnpackSequence(n as u32));
                    pc.height = h - 1 + n;
                    for q in patterns.iter().chain(kwd_patterns) {
                        self.pattern(q, pc)?;
                    }
                }
            }
            PatternKind::Or(alts) => {
                let end = self.new_label();
                for alt in alts {
                    self.emit(Op::Copy(1));
                    pc.height = h + 1;
                    pc.chains.push((h, Vec::new()));
                    self.pattern(alt, pc)?;
                    self.jump(Op::Jump, end);
                    if let Some((_, labels)) = pc.chains.pop() {
                        self.emit_chain(labels);
                    }
                }
                pc.height = h;
                self.jump_fail(pc, Op::Jump, h);
                self.bind(end);
                self.emit(Op::PopTop);
                pc.height = h - 1;
            }
        }
        Ok(())
    }

    fn sequence_pattern(&mut self, v: &'a [Pattern], pc: &mut PatCtx) -> CResult {
        let h = pc.height;
        let n = v.len();
        let star = v
            .iter()
            .position(|q| matches!(*q.kind, PatternKind::Star(_)));
        self.emit(Op::MatchSequence);
        self.jump_fail(pc, Op::PopJumpIfFalse, h);
        match star {
            None => {
                self.emit(Op::GetLen);
                self.load_const(ConstValue::Int(n as i64));
                self.emit(Op::Compare(CmpOp::Eq));
                self.jump_fail(pc, Op::PopJumpIfFalse, h);
            }
            Some(_) if n > 1 => {
                self.emit(Op::GetLen);
                self.load_const(ConstValue::Int(n as i64 - 1));
                self.emit(Op::Compare(CmpOp::GtE));
                self.jump_fail(pc, Op::PopJumpIfFalse, h);
            }
            Some(_) => {}
        }
        if v.iter().all(is_wildcard) {
            self.emit(Op::PopTop);
            pc.height = h - 1;
            return Ok(());
        }
        if let Some(i) = star.filter(|&i| is_wildcard(&v[i])) {
            // `*_`: index the items around it instead of unpacking (as CPython 3.11), so
            // `[first, *_, last]` does not copy a long sequence.
            for (j, q) in v.iter().enumerate() {
                if is_wildcard(q) {
                    continue;
                }
                self.emit(Op::Copy(1));
                if j < i {
                    self.load_const(ConstValue::Int(j as i64));
                } else {
                    // A nonnegative index: the subject may not support negative ones.
                    self.emit(Op::GetLen);
                    self.load_const(ConstValue::Int((n - j) as i64));
                    self.emit(Op::Binary(BinOp::Sub));
                }
                self.emit(Op::BinarySubscr);
                pc.height = h + 1;
                self.pattern(q, pc)?;
            }
            self.emit(Op::PopTop);
            pc.height = h - 1;
            return Ok(());
        }
        match star {
            Some(i) => self.emit(Op::UnpackEx(i as u32 | ((n - i - 1) as u32) << 8)),
            None => self.emit(Op::UnpackSequence(n as u32)),
        }
        pc.height = h - 1 + n;
        for q in v {
            self.pattern(q, pc)?;
        }
        Ok(())
    }

    fn mapping_pattern(
        &mut self,
        keys: &'a [Expr],
        patterns: &'a [Pattern],
        rest: &Option<String>,
        pc: &mut PatCtx,
    ) -> CResult {
        let h = pc.height;
        let span = self.set_span(Span::default());
        self.set_span(span);
        self.emit(Op::MatchMapping);
        self.jump_fail(pc, Op::PopJumpIfFalse, h);
        if keys.is_empty() && rest.is_none() {
            self.emit(Op::PopTop);
            pc.height = h - 1;
            return Ok(());
        }
        if !keys.is_empty() {
            self.emit(Op::GetLen);
            self.load_const(ConstValue::Int(keys.len() as i64));
            self.emit(Op::Compare(CmpOp::GtE));
            self.jump_fail(pc, Op::PopJumpIfFalse, h);
        }
        for k in keys {
            self.expr(k)?;
        }
        self.set_span(span);
        self.emit(Op::BuildTuple(keys.len() as u32));
        self.emit(Op::MatchKeys);
        self.emit(Op::Copy(1));
        self.jump_fail(pc, Op::PopJumpIfNone, h + 2);
        self.emit(Op::UnpackSequence(keys.len() as u32));
        pc.height = h + 1 + keys.len();
        for q in patterns {
            self.pattern(q, pc)?;
        }
        self.set_span(span);
        // Now [subject, keys]. The rest is dict(subject) without the keys.
        if rest.is_some() {
            self.emit(Op::BuildMap(0));
            self.emit(Op::Swap(3));
            self.emit(Op::DictUpdate(2));
            let n = keys.len() as u32;
            self.emit(Op::UnpackSequence(n));
            for size in (1..=n).rev() {
                self.emit(Op::Copy(1 + size));
                self.emit(Op::Swap(2));
                self.emit(Op::DeleteSubscr);
            }
            pc.height = h;
            self.store_capture(pc, rest);
        } else {
            self.emit(Op::PopTop);
            self.emit(Op::PopTop);
            pc.height = h - 1;
        }
        Ok(())
    }
}
