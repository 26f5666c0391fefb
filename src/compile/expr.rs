//! Expressions: loads, operators, calls, containers, f-strings, `await`/`yield`, and
//! conditional jumps (`jump_if`) that test a condition's truth exactly once.

use super::codegen::{error, CResult, Compiler, Ctx, Label, UnitKind};
use super::symtable::BlockType;
use crate::bytecode::{ConstValue, Op};
use crate::syntax::ast::*;
use std::rc::Rc;

/// CPython's STACK_USE_GUIDELINE: beyond this many items, build containers incrementally.
pub const STACK_USE_GUIDELINE: usize = 30;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SeqKind {
    List,
    Tuple,
    Set,
}

pub fn constant_value(c: &Constant) -> ConstValue {
    match c {
        Constant::None => ConstValue::None,
        Constant::True => ConstValue::Bool(true),
        Constant::False => ConstValue::Bool(false),
        Constant::Ellipsis => ConstValue::Ellipsis,
        Constant::Int(i) => ConstValue::Int(*i),
        Constant::BigInt(b) => ConstValue::BigInt(Rc::new(b.clone())),
        Constant::Float(f) => ConstValue::Float(*f),
        Constant::Imag(f) => ConstValue::Imag(*f),
        Constant::Str(s) => ConstValue::Str(Rc::from(s.as_str())),
        Constant::Bytes(b) => ConstValue::Bytes(Rc::from(b.as_slice())),
    }
}

/// `__debug__`: True unless `-O` compiles assertions away.
pub fn debug_flag() -> bool {
    crate::options::get().optimize == 0
}

/// The constant an expression folds to (constants and tuples of constants, as CPython's
/// AST optimizer folds them).
pub fn fold_const(e: &Expr) -> Option<ConstValue> {
    match &e.kind {
        ExprKind::Constant(c) => Some(constant_value(c)),
        ExprKind::Name(n) if n == "__debug__" => Some(ConstValue::Bool(debug_flag())),
        ExprKind::Tuple(es) => {
            let v: Option<Vec<ConstValue>> = es.iter().map(fold_const).collect();
            v.map(|v| ConstValue::Tuple(Rc::from(v)))
        }
        ExprKind::UnaryOp {
            op: UnaryOp::USub,
            operand,
        } => negate_const(fold_const(operand)?),
        _ => None,
    }
}

/// `-c` for a folded int or float constant (CPython folds `-1` to a constant).
fn negate_const(c: ConstValue) -> Option<ConstValue> {
    match c {
        ConstValue::Int(i) => Some(match i.checked_neg() {
            Some(n) => ConstValue::Int(n),
            None => ConstValue::BigInt(Rc::new(-num_bigint::BigInt::from(i))),
        }),
        ConstValue::BigInt(b) => {
            let n = -(*b).clone();
            Some(match i64::try_from(&n) {
                Ok(i) => ConstValue::Int(i),
                Err(_) => ConstValue::BigInt(Rc::new(n)),
            })
        }
        ConstValue::Float(f) => Some(ConstValue::Float(-f)),
        _ => None,
    }
}

impl<'a> Compiler<'a> {
    /// The iterable of a `for` statement or of a comprehension (async ones included), as
    /// CPython's AST optimizer leaves it
    /// (`fold_iter`): a list display without `*` is built as a tuple, a set display of
    /// constants is a frozenset constant. Visible in messages naming the type
    /// (`'async for' requires an object with __aiter__ method, got tuple`).
    pub fn iterable(&mut self, e: &'a Expr) -> CResult {
        let consts = |es: &[Expr]| es.iter().map(fold_const).collect::<Option<Vec<_>>>();
        match &e.kind {
            ExprKind::List(es) if !es.iter().any(|x| matches!(x.kind, ExprKind::Starred(_))) => {
                let saved = self.set_span(e.span);
                match consts(es) {
                    Some(c) => self.load_const(ConstValue::Tuple(Rc::from(c))),
                    None => self.starunpack(es, 0, SeqKind::Tuple)?,
                }
                self.set_span(saved);
                Ok(())
            }
            ExprKind::Set(es) => match consts(es) {
                Some(c) => {
                    let saved = self.set_span(e.span);
                    self.load_const(ConstValue::FrozenSet(Rc::from(c)));
                    self.set_span(saved);
                    Ok(())
                }
                None => self.expr(e),
            },
            _ => self.expr(e),
        }
    }

    pub fn expr(&mut self, e: &'a Expr) -> CResult {
        let saved = self.set_span(e.span);
        // As CPython's location, a comparison inside the expression (a comprehension's
        // or conditional expression's condition) does not leak out of it.
        let saved_compare = self.jump_if_compare;
        let r = self.expr_inner(e);
        self.jump_if_compare = saved_compare;
        self.set_span(saved);
        r
    }

    fn expr_inner(&mut self, e: &'a Expr) -> CResult {
        match &e.kind {
            ExprKind::Name(n) => self.nameop(n, Ctx::Load, e.span)?,
            ExprKind::Constant(c) => self.load_const(constant_value(c)),
            ExprKind::JoinedStr(parts) => self.joined_str(parts)?,
            ExprKind::BoolOp { op, values } => {
                let end = self.new_label();
                let n = values.len();
                for (i, v) in values.iter().enumerate() {
                    self.expr(v)?;
                    if i + 1 < n {
                        match op {
                            BoolOp::And => self.jump(Op::JumpIfFalseOrPop, end),
                            BoolOp::Or => self.jump(Op::JumpIfTrueOrPop, end),
                        }
                    }
                }
                self.bind(end);
            }
            ExprKind::BinOp { left, op, right } => {
                self.expr(left)?;
                self.expr(right)?;
                self.emit(Op::Binary(*op));
            }
            ExprKind::UnaryOp { op, operand } => {
                self.expr(operand)?;
                self.emit(Op::Unary(*op));
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => {
                self.check_compare(e);
                self.compare(left, ops, comparators)?
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.check_caller(e, func);
                self.call(func, args, keywords)?
            }
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let i = self.name_index(attr);
                let saved = self.set_span(self.attr_span(e, attr));
                self.emit(Op::LoadAttr(i));
                self.set_span(saved);
            }
            ExprKind::Subscript { value, index } => {
                self.check_subscript(e, value, index);
                self.expr(value)?;
                self.expr(index)?;
                self.emit(Op::BinarySubscr);
            }
            ExprKind::Slice { lower, upper, step } => self.slice(lower, upper, step)?,
            ExprKind::Starred(_) => {
                return Err(error("can't use starred expression here", e.span));
            }
            ExprKind::List(es) => self.starunpack(es, 0, SeqKind::List)?,
            ExprKind::Tuple(es) => match fold_const(e) {
                Some(c) => self.load_const(c),
                None => self.starunpack(es, 0, SeqKind::Tuple)?,
            },
            ExprKind::Set(es) => self.starunpack(es, 0, SeqKind::Set)?,
            ExprKind::Dict { keys, values } => self.dict(keys, values)?,
            ExprKind::IfExp { test, body, orelse } => {
                let end = self.new_label();
                let next = self.new_label();
                self.jump_if(test, next, false)?;
                self.expr(body)?;
                self.jump(Op::Jump, end);
                self.bind(next);
                self.expr(orelse)?;
                self.bind(end);
            }
            ExprKind::Lambda { params, body } => self.lambda(e, params, body)?,
            ExprKind::NamedExpr { target, value } => {
                self.expr(value)?;
                self.emit(Op::Copy(1));
                self.store(target)?;
            }
            ExprKind::ListComp { elt, generators }
            | ExprKind::SetComp { elt, generators }
            | ExprKind::GeneratorExp { elt, generators } => {
                self.comprehension(e, generators, elt, None)?
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => self.comprehension(e, generators, key, Some(value))?,
            ExprKind::Await(v) => {
                let top_level = self.ur().kind == UnitKind::Module && self.async_allowed();
                if self.scope_type() != BlockType::Function && !top_level {
                    return Err(error("'await' outside function", e.span));
                }
                if !top_level
                    && !matches!(
                        self.ur().kind,
                        UnitKind::AsyncFunction | UnitKind::Comprehension
                    )
                {
                    return Err(error("'await' outside async function", e.span));
                }
                self.expr(v)?;
                self.emit(Op::GetAwaitable(0));
                self.load_const(ConstValue::None);
                self.yield_from_loop();
            }
            ExprKind::Yield(v) => {
                if self.scope_type() != BlockType::Function {
                    return Err(error("'yield' outside function", e.span));
                }
                match v {
                    Some(v) => self.expr(v)?,
                    None => self.load_const(ConstValue::None),
                }
                self.emit_yield();
            }
            ExprKind::YieldFrom(v) => {
                if self.scope_type() != BlockType::Function {
                    return Err(error("'yield' outside function", e.span));
                }
                if self.ur().kind == UnitKind::AsyncFunction {
                    return Err(error("'yield from' inside async function", e.span));
                }
                self.expr(v)?;
                self.emit(Op::GetYieldFromIter);
                self.load_const(ConstValue::None);
                self.yield_from_loop();
            }
        }
        Ok(())
    }

    /// `YieldValue`, wrapped first in an async generator.
    pub fn emit_yield(&mut self) {
        if self.ur().flags.async_generator {
            self.emit(Op::AsyncGenWrap);
        }
        self.emit(Op::YieldValue);
    }

    /// `L: Send(exit); YieldValue; Jump(L); exit:` with `[receiver, value]` on the stack.
    pub fn yield_from_loop(&mut self) {
        if self.ur().kind == UnitKind::Module {
            self.top_level_await = true;
        }
        let start = self.new_label();
        let exit = self.new_label();
        self.bind(start);
        self.jump(Op::Send, exit);
        self.emit(Op::YieldValue);
        self.jump(Op::Jump, start);
        self.bind(exit);
    }

    /// CPython moves the start of a multi-line attribute access to the attribute name.
    pub fn attr_span(&self, e: &Expr, attr: &str) -> Span {
        let src = &self.source;
        if src.line_of(e.span.start) != src.line_of(e.span.end) {
            let len = attr.len() as u32;
            if len <= e.span.end {
                return Span {
                    start: e.span.end - len,
                    end: e.span.end,
                };
            }
        }
        e.span
    }

    fn slice(
        &mut self,
        lower: &'a Option<Box<Expr>>,
        upper: &'a Option<Box<Expr>>,
        step: &'a Option<Box<Expr>>,
    ) -> CResult {
        for part in [lower, upper] {
            match part {
                Some(x) => self.expr(x)?,
                None => self.load_const(ConstValue::None),
            }
        }
        match step {
            Some(s) => {
                self.expr(s)?;
                self.emit(Op::BuildSlice(3));
            }
            None => self.emit(Op::BuildSlice(2)),
        }
        Ok(())
    }

    fn compare(&mut self, left: &'a Expr, ops: &[CmpOp], comps: &'a [Expr]) -> CResult {
        self.expr(left)?;
        let n = ops.len().min(comps.len());
        if n == 0 {
            return Ok(());
        }
        if n == 1 {
            self.expr(&comps[0])?;
            self.emit(Op::Compare(ops[0]));
            return Ok(());
        }
        let cleanup = self.new_label();
        for i in 0..n - 1 {
            self.expr(&comps[i])?;
            self.emit(Op::Swap(2));
            self.emit(Op::Copy(2));
            self.emit(Op::Compare(ops[i]));
            self.jump(Op::JumpIfFalseOrPop, cleanup);
        }
        self.expr(&comps[n - 1])?;
        self.emit(Op::Compare(ops[n - 1]));
        let end = self.new_label();
        self.jump(Op::Jump, end);
        self.bind(cleanup);
        self.emit(Op::Swap(2));
        self.emit(Op::PopTop);
        self.bind(end);
        Ok(())
    }

    /// Jump to `target` when the truth of `e` equals `cond`, testing each value once.
    pub fn jump_if(&mut self, e: &'a Expr, target: Label, cond: bool) -> CResult {
        match &e.kind {
            ExprKind::UnaryOp {
                op: UnaryOp::Not,
                operand,
            } => return self.jump_if(operand, target, !cond),
            ExprKind::BoolOp { op, values } if !values.is_empty() => {
                let cond2 = *op == BoolOp::Or;
                let next2 = if cond == cond2 {
                    target
                } else {
                    self.new_label()
                };
                let n = values.len();
                for v in &values[..n - 1] {
                    self.jump_if(v, next2, cond2)?;
                }
                self.jump_if(&values[n - 1], target, cond)?;
                if next2 != target {
                    self.bind(next2);
                }
                return Ok(());
            }
            ExprKind::IfExp { test, body, orelse } => {
                let end = self.new_label();
                let next2 = self.new_label();
                self.jump_if(test, next2, false)?;
                self.jump_if(body, target, cond)?;
                self.jump(Op::Jump, end);
                self.bind(next2);
                self.jump_if(orelse, target, cond)?;
                self.bind(end);
                return Ok(());
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } if ops.len() > 1 && comparators.len() == ops.len() => {
                self.check_compare(e);
                self.jump_if_compare = Some(e.span);
                let saved = self.set_span(e.span);
                self.expr(left)?;
                let n = ops.len() - 1;
                let cleanup = self.new_label();
                for i in 0..n {
                    self.expr(&comparators[i])?;
                    self.emit(Op::Swap(2));
                    self.emit(Op::Copy(2));
                    self.emit(Op::Compare(ops[i]));
                    self.jump(Op::PopJumpIfFalse, cleanup);
                }
                self.expr(&comparators[n])?;
                self.emit(Op::Compare(ops[n]));
                self.jump(
                    if cond {
                        Op::PopJumpIfTrue
                    } else {
                        Op::PopJumpIfFalse
                    },
                    target,
                );
                let end = self.new_label();
                self.jump(Op::Jump, end);
                self.bind(cleanup);
                self.emit(Op::PopTop);
                if !cond {
                    self.jump(Op::Jump, target);
                }
                self.bind(end);
                self.set_span(saved);
                return Ok(());
            }
            _ => {}
        }
        if matches!(e.kind, ExprKind::Compare { .. }) {
            self.jump_if_compare = Some(e.span);
        }
        self.expr(e)?;
        let saved = self.set_span(e.span);
        self.jump(
            if cond {
                Op::PopJumpIfTrue
            } else {
                Op::PopJumpIfFalse
            },
            target,
        );
        self.set_span(saved);
        Ok(())
    }

    /// Build a list/tuple/set from `elts` (some possibly starred) on top of `pushed` items.
    pub fn starunpack(&mut self, elts: &'a [Expr], pushed: u32, kind: SeqKind) -> CResult {
        let n = elts.len();
        type MkOp = fn(u32) -> Op;
        let (build, add, extend): (MkOp, MkOp, MkOp) = match kind {
            SeqKind::Set => (Op::BuildSet, Op::SetAdd, Op::SetUpdate),
            _ => (Op::BuildList, Op::ListAppend, Op::ListExtend),
        };
        if n > 2 && kind != SeqKind::Tuple {
            let consts: Option<Vec<ConstValue>> = elts.iter().map(fold_const).collect();
            if let Some(c) = consts {
                // As CPython: an empty list or set extended by one constant (for a set, a
                // frozenset, whose layout decides the order the set prints in).
                self.emit(build(pushed));
                self.load_const(if kind == SeqKind::Set {
                    ConstValue::FrozenSet(Rc::from(c))
                } else {
                    ConstValue::Tuple(Rc::from(c))
                });
                self.emit(extend(1));
                return Ok(());
            }
        }
        let seen_star = elts.iter().any(|e| matches!(e.kind, ExprKind::Starred(_)));
        let big = n + pushed as usize > STACK_USE_GUIDELINE;
        if !seen_star && !big {
            for e in elts {
                self.expr(e)?;
            }
            let total = n as u32 + pushed;
            self.emit(if kind == SeqKind::Tuple {
                Op::BuildTuple(total)
            } else {
                build(total)
            });
            return Ok(());
        }
        let mut built = false;
        if big {
            self.emit(build(pushed));
            built = true;
        }
        for (i, e) in elts.iter().enumerate() {
            if let ExprKind::Starred(v) = &e.kind {
                if !built {
                    self.emit(build(i as u32 + pushed));
                    built = true;
                }
                self.expr(v)?;
                // CPython's LIST_EXTEND/SET_UPDATE carry the whole display's (or call's)
                // position, so a traceback marks `[*n]`, not `*n`.
                self.emit(extend(1));
            } else {
                self.expr(e)?;
                if built {
                    self.emit(add(1));
                }
            }
        }
        if !built {
            self.emit(build(pushed));
        }
        if kind == SeqKind::Tuple {
            self.emit(Op::ListToTuple);
        }
        Ok(())
    }

    fn subdict(
        &mut self,
        keys: &'a [Option<Expr>],
        values: &'a [Expr],
        begin: usize,
        end: usize,
    ) -> CResult {
        for i in begin..end {
            if let Some(Some(k)) = keys.get(i) {
                self.expr(k)?;
            }
            if let Some(v) = values.get(i) {
                self.expr(v)?;
            }
        }
        self.emit(Op::BuildMap((end - begin) as u32));
        Ok(())
    }

    fn dict(&mut self, keys: &'a [Option<Expr>], values: &'a [Expr]) -> CResult {
        let n = keys.len().min(values.len());
        let mut elements = 0usize;
        let mut have_dict = false;
        for i in 0..n {
            if keys[i].is_none() {
                if elements > 0 {
                    self.subdict(keys, values, i - elements, i)?;
                    if have_dict {
                        self.emit(Op::DictUpdate(1));
                    }
                    have_dict = true;
                    elements = 0;
                }
                if !have_dict {
                    self.emit(Op::BuildMap(0));
                    have_dict = true;
                }
                self.expr(&values[i])?;
                self.emit(Op::DictUpdate(1));
            } else if elements * 2 > STACK_USE_GUIDELINE {
                self.subdict(keys, values, i - elements, i + 1)?;
                if have_dict {
                    self.emit(Op::DictUpdate(1));
                }
                have_dict = true;
                elements = 0;
            } else {
                elements += 1;
            }
        }
        if elements > 0 {
            self.subdict(keys, values, n - elements, n)?;
            if have_dict {
                self.emit(Op::DictUpdate(1));
            }
            have_dict = true;
        }
        if !have_dict {
            self.emit(Op::BuildMap(0));
        }
        Ok(())
    }

    fn fstring_parts(&mut self, parts: &'a [FStringPart]) -> CResult {
        for p in parts {
            match p {
                FStringPart::Literal(s) => self.load_const(Compiler::str_const(s)),
                FStringPart::Formatted {
                    value,
                    conversion,
                    spec,
                } => {
                    self.expr(value)?;
                    let mut flags = match conversion {
                        Some('s') => 1,
                        Some('r') => 2,
                        Some('a') => 3,
                        _ => 0,
                    };
                    if let Some(spec) = spec {
                        self.joined_str(spec)?;
                        flags |= 4;
                    }
                    self.emit(Op::FormatValue(flags));
                }
            }
        }
        Ok(())
    }

    fn joined_str(&mut self, parts: &'a [FStringPart]) -> CResult {
        self.fstring_parts(parts)?;
        if parts.len() != 1 {
            self.emit(Op::BuildString(parts.len() as u32));
        }
        Ok(())
    }

    fn call(&mut self, func: &'a Expr, args: &'a [Expr], keywords: &'a [Keyword]) -> CResult {
        self.validate_keywords(keywords)?;
        if let ExprKind::Attribute { value, attr } = &func.kind {
            let imported = matches!(&value.kind, ExprKind::Name(n)
                if self.st.scopes[0].flags(n) & super::symtable::DEF_IMPORT != 0);
            let simple = !imported
                && args.len() + keywords.len() + usize::from(!keywords.is_empty())
                    < STACK_USE_GUIDELINE
                && !args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)))
                && keywords.iter().all(|k| k.arg.is_some());
            if simple {
                self.expr(value)?;
                let i = self.name_index(attr);
                let saved = self.set_span(self.attr_span(func, attr));
                self.emit(Op::LoadMethod(i));
                self.set_span(saved);
                for a in args {
                    self.expr(a)?;
                }
                self.kw_args(keywords)?;
                self.emit(Op::Call((args.len() + keywords.len()) as u32));
                return Ok(());
            }
        }
        let saved = self.set_span(func.span);
        self.emit(Op::PushNull);
        self.set_span(saved);
        self.expr(func)?;
        self.call_helper(0, args, keywords)
    }

    fn validate_keywords(&self, keywords: &[Keyword]) -> CResult {
        for (i, k) in keywords.iter().enumerate() {
            let Some(name) = &k.arg else { continue };
            if name == "__debug__" {
                return Err(error("cannot assign to __debug__", k.span));
            }
            if keywords[i + 1..]
                .iter()
                .any(|o| o.arg.as_deref() == Some(name.as_str()))
            {
                let dup = keywords[i + 1..]
                    .iter()
                    .find(|o| o.arg.as_deref() == Some(name.as_str()))
                    .map_or(k.span, |o| o.span);
                return Err(error(format!("keyword argument repeated: {name}"), dup));
            }
        }
        Ok(())
    }

    fn kw_args(&mut self, keywords: &'a [Keyword]) -> CResult {
        if keywords.is_empty() {
            return Ok(());
        }
        let mut names = Vec::new();
        for k in keywords {
            self.expr(&k.value)?;
            names.push(Compiler::str_const(k.arg.as_deref().unwrap_or("")));
        }
        let i = self.add_const(ConstValue::Tuple(Rc::from(names)));
        self.emit(Op::KwNames(i));
        Ok(())
    }

    /// Arguments of a call whose callable (and `pushed` extra positional arguments, e.g. the
    /// class body function and name for `__build_class__`) are already on the stack.
    pub fn call_helper(
        &mut self,
        pushed: u32,
        args: &'a [Expr],
        keywords: &'a [Keyword],
    ) -> CResult {
        self.validate_keywords(keywords)?;
        let nelts = args.len();
        let nkw = keywords.len();
        let ex = nelts + nkw * 2 > STACK_USE_GUIDELINE
            || args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)))
            || keywords.iter().any(|k| k.arg.is_none());
        if !ex {
            for a in args {
                self.expr(a)?;
            }
            self.kw_args(keywords)?;
            self.emit(Op::Call(pushed + (nelts + nkw) as u32));
            return Ok(());
        }
        match args {
            [Expr {
                kind: ExprKind::Starred(v),
                ..
            }] if pushed == 0 => self.expr(v)?,
            _ => self.starunpack(args, pushed, SeqKind::Tuple)?,
        }
        if nkw > 0 {
            let mut have_dict = false;
            let mut nseen = 0usize;
            for (i, k) in keywords.iter().enumerate() {
                if k.arg.is_none() {
                    if nseen > 0 {
                        self.subkwargs(&keywords[i - nseen..i])?;
                        if have_dict {
                            self.emit(Op::DictMerge(1));
                        }
                        have_dict = true;
                        nseen = 0;
                    }
                    if !have_dict {
                        self.emit(Op::BuildMap(0));
                        have_dict = true;
                    }
                    self.expr(&k.value)?;
                    self.emit(Op::DictMerge(1));
                } else {
                    nseen += 1;
                }
            }
            if nseen > 0 {
                self.subkwargs(&keywords[nkw - nseen..])?;
                if have_dict {
                    self.emit(Op::DictMerge(1));
                }
            }
        }
        self.emit(Op::CallEx(u32::from(nkw > 0)));
        Ok(())
    }

    fn subkwargs(&mut self, kws: &'a [Keyword]) -> CResult {
        for k in kws {
            self.load_const(Compiler::str_const(k.arg.as_deref().unwrap_or("")));
            self.expr(&k.value)?;
        }
        self.emit(Op::BuildMap(kws.len() as u32));
        Ok(())
    }
}
