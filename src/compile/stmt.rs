//! Simple statements, loops, assignment targets (store/delete/unpack) and imports.

use super::codegen::{error, CResult, Compiler, Ctx, FBlock, UnitKind};
use super::Mode;
use crate::bytecode::{ConstValue, Op};
use crate::syntax::ast::*;
use std::rc::Rc;

impl<'a> Compiler<'a> {
    pub fn stmts(&mut self, body: &'a [Stmt]) -> CResult {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    pub fn stmt(&mut self, s: &'a Stmt) -> CResult {
        let saved = self.set_span(s.span);
        let r = self.stmt_inner(s);
        self.set_span(saved);
        r
    }

    fn stmt_inner(&mut self, s: &'a Stmt) -> CResult {
        match &s.kind {
            StmtKind::Expr(e) => {
                if self.mode == Mode::Interactive && self.ur().kind == UnitKind::Module {
                    self.expr(e)?;
                    self.emit(Op::PrintExpr);
                } else if matches!(e.kind, ExprKind::Constant(_)) {
                    self.emit(Op::Nop);
                } else {
                    self.expr(e)?;
                    self.emit(Op::PopTop);
                }
            }
            StmtKind::Assign { targets, value } => {
                if let Some((stores, values)) = parallel_assign(targets, value) {
                    // `a, b = x, y` builds no tuple: the values are swapped into the order
                    // unpacking would leave them in (CPython's peephole optimizer does the
                    // same with BUILD_TUPLE + UNPACK_SEQUENCE).
                    for v in values {
                        self.expr(v)?;
                    }
                    self.emit(Op::Swap(values.len() as u32));
                    for t in stores {
                        self.store(t)?;
                    }
                    return Ok(());
                }
                self.expr(value)?;
                let n = targets.len();
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < n {
                        self.emit(Op::Copy(1));
                    }
                    self.store(t)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(s, target, *op, value)?,
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                simple,
            } => self.ann_assign(target, annotation, value.as_ref(), *simple)?,
            StmtKind::Pass => self.emit(Op::Nop),
            StmtKind::Break => self.break_stmt(s.span)?,
            StmtKind::Continue => self.continue_stmt(s.span)?,
            StmtKind::Return(v) => self.return_stmt(s, v.as_ref())?,
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.delete(t)?;
                }
            }
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
            StmtKind::If { test, body, orelse } => {
                let end = self.new_label();
                let next = if orelse.is_empty() {
                    end
                } else {
                    self.new_label()
                };
                self.jump_if(test, next, false)?;
                self.stmts(body)?;
                if !orelse.is_empty() {
                    self.jump(Op::Jump, end);
                    self.bind(next);
                    self.stmts(orelse)?;
                }
                self.bind(end);
            }
            StmtKind::While { test, body, orelse } => {
                let start = self.new_label();
                let anchor = self.new_label();
                let end = self.new_label();
                self.bind(start);
                self.u()
                    .fblocks
                    .push(FBlock::WhileLoop { start, exit: end });
                let always = matches!(super::expr::fold_const(test), Some(ConstValue::Bool(true)))
                    || matches!(&test.kind, ExprKind::Constant(Constant::Int(i)) if *i != 0);
                if !always {
                    self.jump_if(test, anchor, false)?;
                }
                self.stmts(body)?;
                self.set_span(s.span);
                self.jump(Op::Jump, start);
                self.u().fblocks.pop();
                self.bind(anchor);
                self.stmts(orelse)?;
                self.bind(end);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            } => {
                if *is_async {
                    self.async_for(s, target, iter, body, orelse)?;
                } else {
                    self.for_stmt(s, target, iter, body, orelse)?;
                }
            }
            StmtKind::With {
                items,
                body,
                is_async,
            } => {
                if *is_async && !self.async_allowed() {
                    return Err(error("'async with' outside async function", s.span));
                }
                self.with_stmt(s, items, 0, body, *is_async)?;
            }
            StmtKind::Raise { exc, cause } => {
                let mut n = 0;
                if let Some(e) = exc {
                    self.expr(e)?;
                    n += 1;
                    if let Some(c) = cause {
                        self.expr(c)?;
                        n += 1;
                    }
                }
                self.emit(Op::RaiseVarargs(n));
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                is_star,
            } => {
                if !finalbody.is_empty() {
                    self.try_finally(body, handlers, orelse, finalbody, *is_star)?;
                } else if *is_star {
                    self.try_star_except(body, handlers, orelse)?;
                } else {
                    self.try_except(body, handlers, orelse)?;
                }
            }
            // `-O` compiles assertions away (the symbol table still saw their names).
            StmtKind::Assert { .. } if !super::expr::debug_flag() => {}
            StmtKind::Assert { test, msg } => {
                self.check_assert(test);
                let end = self.new_label();
                self.jump_if_compare = None;
                self.jump_if(test, end, true)?;
                // CPython locates the raise where compiling the test left its location:
                // on the test's last comparison (so the traceback underlines `x == 1`),
                // else on the whole statement.
                let at = self.jump_if_compare.take().unwrap_or(s.span);
                let saved = self.set_span(at);
                match msg {
                    Some(m) => {
                        self.emit(Op::PushNull);
                        self.emit(Op::LoadAssertionError);
                        self.expr(m)?;
                        self.emit(Op::Call(1));
                    }
                    None => self.emit(Op::LoadAssertionError),
                }
                self.emit(Op::RaiseVarargs(1));
                self.set_span(saved);
                self.bind(end);
            }
            StmtKind::Match { subject, cases } => self.match_stmt(subject, cases)?,
            StmtKind::FunctionDef(fd) => self.function_def(s, fd)?,
            StmtKind::ClassDef(cd) => self.class_def(s, cd)?,
            StmtKind::Import(names) => {
                for a in names {
                    self.load_const(ConstValue::Int(0));
                    self.load_const(ConstValue::None);
                    let i = self.name_index(&a.name);
                    self.emit(Op::ImportName(i));
                    match &a.asname {
                        Some(asname) => {
                            let parts: Vec<&str> = a.name.split('.').collect();
                            if parts.len() > 1 {
                                for (k, attr) in parts[1..].iter().enumerate() {
                                    let i = self.raw_name_index(attr);
                                    self.emit(Op::ImportFrom(i));
                                    if k + 2 < parts.len() {
                                        self.emit(Op::Swap(2));
                                        self.emit(Op::PopTop);
                                    }
                                }
                                self.store_name(asname, a.span)?;
                                self.emit(Op::PopTop);
                            } else {
                                self.store_name(asname, a.span)?;
                            }
                        }
                        None => {
                            let first = a.name.split('.').next().unwrap_or(&a.name);
                            self.store_name(first, a.span)?;
                        }
                    }
                }
            }
            StmtKind::ImportFrom {
                module,
                names,
                level,
            } => self.import_from(s, module.as_deref(), names, *level)?,
        }
        Ok(())
    }

    fn store_name(&mut self, name: &str, span: Span) -> CResult {
        self.nameop(name, Ctx::Store, span)
    }

    fn import_from(
        &mut self,
        s: &'a Stmt,
        module: Option<&str>,
        names: &'a [Alias],
        level: u32,
    ) -> CResult {
        if module == Some("__future__") && level == 0 {
            if s.span.end > self.future_prelude_end {
                return Err(error(
                    "from __future__ imports must occur at the beginning of the file",
                    s.span,
                ));
            }
            // CPython points at the statement, with no end column.
            let statement_start = Span::new(s.span.start as usize, s.span.start as usize + 1);
            for a in names {
                match a.name.as_str() {
                    "nested_scopes" | "generators" | "division" | "absolute_import"
                    | "with_statement" | "print_function" | "unicode_literals"
                    | "generator_stop" => {}
                    "annotations" => self.future_annotations = true,
                    "braces" => return Err(error("not a chance", statement_start)),
                    "barry_as_FLUFL" => {
                        return Err(error(
                            "future feature barry_as_FLUFL is not supported by aio",
                            a.span,
                        ))
                    }
                    other => {
                        return Err(error(
                            format!("future feature {other} is not defined"),
                            statement_start,
                        ))
                    }
                }
            }
        }
        self.load_const(ConstValue::Int(i64::from(level)));
        let tuple: Vec<ConstValue> = names.iter().map(|a| Compiler::str_const(&a.name)).collect();
        self.load_const(ConstValue::Tuple(Rc::from(tuple)));
        let i = self.name_index(module.unwrap_or(""));
        self.emit(Op::ImportName(i));
        for (k, a) in names.iter().enumerate() {
            if k == 0 && a.name.starts_with('*') {
                self.emit(Op::ImportStar);
                return Ok(());
            }
            let i = self.name_index(&a.name);
            self.emit(Op::ImportFrom(i));
            let store = a.asname.as_deref().unwrap_or(&a.name);
            self.store_name(store, a.span)?;
        }
        let _ = s;
        self.emit(Op::PopTop);
        Ok(())
    }

    fn for_stmt(
        &mut self,
        s: &'a Stmt,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
    ) -> CResult {
        let start = self.new_label();
        let cleanup = self.new_label();
        let end = self.new_label();
        self.iterable(iter)?;
        self.emit(Op::GetIter);
        self.bind(start);
        self.u().fblocks.push(FBlock::ForLoop { start, exit: end });
        self.jump(Op::ForIter, cleanup);
        self.store(target)?;
        self.stmts(body)?;
        self.set_span(s.span);
        self.jump(Op::Jump, start);
        self.bind(cleanup);
        self.u().fblocks.pop();
        self.stmts(orelse)?;
        self.bind(end);
        Ok(())
    }

    fn async_for(
        &mut self,
        s: &'a Stmt,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: &'a [Stmt],
    ) -> CResult {
        if !self.async_allowed() {
            return Err(error("'async for' outside async function", s.span));
        }
        let start = self.new_label();
        let except = self.new_label();
        let end = self.new_label();
        // Not `iterable`: CPython's optimizer leaves an `async for` statement's displays alone.
        self.expr(iter)?;
        self.emit(Op::GetAIter);
        self.bind(start);
        self.u().fblocks.push(FBlock::ForLoop { start, exit: end });
        self.push_handler(except, 0);
        self.emit(Op::GetANext);
        self.load_const(ConstValue::None);
        self.yield_from_loop();
        self.pop_handler();
        self.store(target)?;
        self.stmts(body)?;
        self.set_span(s.span);
        self.jump(Op::Jump, start);
        self.u().fblocks.pop();
        self.bind(except);
        self.set_span(iter.span);
        self.emit(Op::EndAsyncFor);
        self.set_span(s.span);
        self.stmts(orelse)?;
        self.bind(end);
        Ok(())
    }

    fn aug_assign(&mut self, s: &'a Stmt, target: &'a Expr, op: BinOp, value: &'a Expr) -> CResult {
        let saved = self.set_span(target.span);
        match &target.kind {
            ExprKind::Attribute { value: obj, attr } => {
                self.expr(obj)?;
                self.emit(Op::Copy(1));
                let i = self.name_index(attr);
                self.set_span(self.attr_span(target, attr));
                self.emit(Op::LoadAttr(i));
            }
            ExprKind::Subscript { value: obj, index } => {
                self.expr(obj)?;
                self.expr(index)?;
                self.emit(Op::Copy(2));
                self.emit(Op::Copy(2));
                self.emit(Op::BinarySubscr);
            }
            ExprKind::Name(n) => self.nameop(n, Ctx::Load, target.span)?,
            _ => {
                return Err(error(
                    "illegal expression for augmented assignment",
                    target.span,
                ))
            }
        }
        self.expr(value)?;
        self.set_span(s.span);
        self.emit(Op::InplaceBinary(op));
        self.set_span(target.span);
        match &target.kind {
            ExprKind::Attribute { attr, .. } => {
                self.set_span(self.attr_span(target, attr));
                self.emit(Op::Swap(2));
                let i = self.name_index(attr);
                self.emit(Op::StoreAttr(i));
            }
            ExprKind::Subscript { .. } => {
                self.emit(Op::Swap(3));
                self.emit(Op::Swap(2));
                self.emit(Op::StoreSubscr);
            }
            ExprKind::Name(n) => self.nameop(n, Ctx::Store, target.span)?,
            _ => {}
        }
        self.set_span(saved);
        Ok(())
    }

    fn ann_assign(
        &mut self,
        target: &'a Expr,
        annotation: &'a Expr,
        value: Option<&'a Expr>,
        simple: bool,
    ) -> CResult {
        if let Some(v) = value {
            self.expr(v)?;
            self.store(target)?;
        }
        let module_or_class = matches!(self.ur().kind, UnitKind::Module | UnitKind::Class);
        match &target.kind {
            ExprKind::Name(n) => {
                if n == "__debug__" {
                    return Err(error("cannot assign to __debug__", target.span));
                }
                if simple && module_or_class {
                    self.annotation(annotation)?;
                    let i = self.raw_name_index("__annotations__");
                    self.emit(Op::LoadName(i));
                    let mangled = super::symtable::mangle(self.ur().private.as_deref(), n);
                    self.load_const(Compiler::str_const(&mangled));
                    self.emit(Op::StoreSubscr);
                }
            }
            ExprKind::Attribute { value: obj, attr } => {
                if attr == "__debug__" {
                    return Err(error("cannot assign to __debug__", target.span));
                }
                if value.is_none() {
                    self.expr(obj)?;
                    self.emit(Op::PopTop);
                }
            }
            ExprKind::Subscript { value: obj, index } => {
                if value.is_none() {
                    self.expr(obj)?;
                    self.emit(Op::PopTop);
                    self.ann_subscr(index)?;
                }
            }
            _ => {
                return Err(error(
                    "invalid node type for annotated assignment",
                    target.span,
                ))
            }
        }
        if !simple && module_or_class && !self.future_annotations {
            self.expr(annotation)?;
            self.emit(Op::PopTop);
        }
        Ok(())
    }

    fn ann_subscr(&mut self, e: &'a Expr) -> CResult {
        match &e.kind {
            ExprKind::Slice { lower, upper, step } => {
                for x in [lower, upper, step].into_iter().flatten() {
                    self.expr(x)?;
                    self.emit(Op::PopTop);
                }
            }
            ExprKind::Tuple(es) => {
                for x in es {
                    self.ann_subscr(x)?;
                }
            }
            _ => {
                self.expr(e)?;
                self.emit(Op::PopTop);
            }
        }
        Ok(())
    }

    /// Store the value on top of the stack into an assignment target.
    pub fn store(&mut self, t: &'a Expr) -> CResult {
        let saved = self.set_span(t.span);
        let r = self.store_inner(t);
        self.set_span(saved);
        r
    }

    fn store_inner(&mut self, t: &'a Expr) -> CResult {
        match &t.kind {
            ExprKind::Name(n) => self.nameop(n, Ctx::Store, t.span)?,
            ExprKind::Attribute { value, attr } => {
                if attr == "__debug__" {
                    return Err(error("cannot assign to __debug__", t.span));
                }
                self.expr(value)?;
                self.set_span(self.attr_span(t, attr));
                let i = self.name_index(attr);
                self.emit(Op::StoreAttr(i));
            }
            ExprKind::Subscript { value, index } => {
                self.expr(value)?;
                self.expr(index)?;
                self.emit(Op::StoreSubscr);
            }
            ExprKind::Tuple(elts) | ExprKind::List(elts) => self.unpack_store(elts)?,
            ExprKind::Starred(_) => {
                return Err(error(
                    "starred assignment target must be in a list or tuple",
                    t.span,
                ))
            }
            _ => return Err(error("cannot assign to expression", t.span)),
        }
        Ok(())
    }

    fn unpack_store(&mut self, elts: &'a [Expr]) -> CResult {
        let n = elts.len();
        let mut seen_star = false;
        for (i, e) in elts.iter().enumerate() {
            if matches!(e.kind, ExprKind::Starred(_)) {
                if seen_star {
                    return Err(error("multiple starred expressions in assignment", e.span));
                }
                if i >= (1 << 8) || n - i > (i32::MAX as usize >> 8) {
                    return Err(error(
                        "too many expressions in star-unpacking assignment",
                        e.span,
                    ));
                }
                self.emit(Op::UnpackEx((i + ((n - i - 1) << 8)) as u32));
                seen_star = true;
            }
        }
        if !seen_star {
            self.emit(Op::UnpackSequence(n as u32));
        }
        for e in elts {
            match &e.kind {
                ExprKind::Starred(v) => self.store(v)?,
                _ => self.store(e)?,
            }
        }
        Ok(())
    }

    pub fn delete(&mut self, t: &'a Expr) -> CResult {
        let saved = self.set_span(t.span);
        let r = self.delete_inner(t);
        self.set_span(saved);
        r
    }

    fn delete_inner(&mut self, t: &'a Expr) -> CResult {
        match &t.kind {
            ExprKind::Name(n) => self.nameop(n, Ctx::Del, t.span)?,
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                self.set_span(self.attr_span(t, attr));
                let i = self.name_index(attr);
                self.emit(Op::DeleteAttr(i));
            }
            ExprKind::Subscript { value, index } => {
                self.expr(value)?;
                self.expr(index)?;
                self.emit(Op::DeleteSubscr);
            }
            ExprKind::Tuple(elts) | ExprKind::List(elts) => {
                for e in elts {
                    self.delete(e)?;
                }
            }
            _ => return Err(error("cannot delete expression", t.span)),
        }
        Ok(())
    }
}

/// For `a, b = x, y` (or three of each, no starred item on either side and not only
/// constants, which fold into one tuple constant): the targets and the values.
fn parallel_assign<'a>(targets: &'a [Expr], value: &'a Expr) -> Option<(&'a [Expr], &'a [Expr])> {
    let [target] = targets else { return None };
    let (ExprKind::Tuple(stores) | ExprKind::List(stores)) = &target.kind else {
        return None;
    };
    let ExprKind::Tuple(values) = &value.kind else {
        return None;
    };
    let plain = |e: &Expr| !matches!(e.kind, ExprKind::Starred(_));
    let all_constant = values
        .iter()
        .all(|e| matches!(e.kind, ExprKind::Constant(_)));
    (matches!(values.len(), 2 | 3)
        && stores.len() == values.len()
        && stores.iter().all(plain)
        && values.iter().all(plain)
        && !all_constant)
        .then_some((stores.as_slice(), values.as_slice()))
}
