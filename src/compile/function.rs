//! Function, lambda and class definitions: defaults, annotations, closures, decorators,
//! and the bodies of functions, classes and modules.

use super::codegen::{error, CResult, Compiler, Ctx, UnitKind};
use super::symtable::{mangle, node_key, BlockType, Scope};
use crate::bytecode::{Code, ConstValue, Op};
use crate::syntax::ast::*;
use std::rc::Rc;

/// The docstring of a body: its first statement when that is a plain string constant;
/// none under `-OO`, which drops docstrings.
pub fn docstring(body: &[Stmt]) -> Option<&str> {
    if crate::options::get().optimize >= 2 {
        return None;
    }
    match body.first().map(|s| &s.kind) {
        Some(StmtKind::Expr(Expr {
            kind: ExprKind::Constant(Constant::Str(s)),
            ..
        })) => Some(s),
        _ => None,
    }
}

/// Does the body contain an annotated assignment (outside nested functions and classes)?
pub fn find_ann(body: &[Stmt]) -> bool {
    body.iter().any(|s| match &s.kind {
        StmtKind::AnnAssign { .. } => true,
        StmtKind::For { body, orelse, .. }
        | StmtKind::While { body, orelse, .. }
        | StmtKind::If { body, orelse, .. } => find_ann(body) || find_ann(orelse),
        StmtKind::With { body, .. } => find_ann(body),
        StmtKind::Match { cases, .. } => cases.iter().any(|c| find_ann(&c.body)),
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
            ..
        } => {
            find_ann(body)
                || handlers.iter().any(|h| find_ann(&h.body))
                || find_ann(orelse)
                || find_ann(finalbody)
        }
        _ => false,
    })
}

impl<'a> Compiler<'a> {
    /// Module and class bodies: `SetupAnnotations`, `__doc__`, then the statements.
    pub fn body(&mut self, body: &'a [Stmt], with_docstring: bool) -> CResult {
        if find_ann(body) {
            self.emit(Op::SetupAnnotations);
        }
        let mut rest = body;
        if with_docstring {
            if let (Some(doc), Some(first)) = (docstring(body), body.first()) {
                let saved = self.set_span(first.span);
                self.load_const(Compiler::str_const(doc));
                self.nameop("__doc__", Ctx::Store, first.span)?;
                self.set_span(saved);
                rest = &body[1..];
            }
        }
        self.stmts(rest)
    }

    /// `LoadConst None; Return` with the span of the last statement.
    pub fn implicit_return(&mut self, body: &[Stmt]) {
        if let Some(last) = body.last() {
            self.set_span(last.span);
        }
        self.load_const(ConstValue::None);
        self.emit(Op::Return);
    }

    fn check_debug_params(&self, p: &Parameters) -> CResult {
        for prm in super::symtable::all_params(p) {
            if prm.name == "__debug__" {
                return Err(error("cannot assign to __debug__", prm.span));
            }
        }
        Ok(())
    }

    /// Push the defaults tuple and kw-only defaults dict; returns the MakeFunction flags.
    fn default_arguments(&mut self, p: &'a Parameters) -> CResult<u32> {
        let mut flags = 0;
        let mut n = 0;
        for prm in p.posonly.iter().chain(&p.args) {
            if let Some(d) = &prm.default {
                self.expr(d)?;
                n += 1;
            }
        }
        if n > 0 {
            self.emit(Op::BuildTuple(n));
            flags |= 1;
        }
        let mut k = 0;
        for prm in &p.kwonly {
            if let Some(d) = &prm.default {
                let m = mangle(self.ur().private.as_deref(), &prm.name);
                self.load_const(Compiler::str_const(&m));
                self.expr(d)?;
                k += 1;
            }
        }
        if k > 0 {
            self.emit(Op::BuildMap(k));
            flags |= 2;
        }
        Ok(flags)
    }

    /// Push the annotations dict if there are any; returns whether one was pushed.
    fn annotations(&mut self, p: &'a Parameters, returns: Option<&'a Expr>) -> CResult<bool> {
        let mut n = 0;
        for prm in super::symtable::all_params(p) {
            if let Some(a) = &prm.annotation {
                let m = mangle(self.ur().private.as_deref(), &prm.name);
                self.load_const(Compiler::str_const(&m));
                if self.future_annotations {
                    self.annotation(a)?;
                } else if let ExprKind::Starred(v) = &a.kind {
                    // `*args: *Ts` stores the single item unpacked from `Ts`.
                    self.expr(v)?;
                    self.emit(Op::UnpackSequence(1));
                } else {
                    self.expr(a)?;
                }
                n += 1;
            }
        }
        if let Some(r) = returns {
            self.load_const(Compiler::str_const("return"));
            self.annotation(r)?;
            n += 1;
        }
        if n > 0 {
            self.emit(Op::BuildMap(n));
        }
        Ok(n > 0)
    }

    /// Pushes the value an annotation stores: the evaluated expression, or its text under
    /// `from __future__ import annotations`.
    pub(super) fn annotation(&mut self, a: &'a Expr) -> CResult {
        if !self.future_annotations {
            return self.expr(a);
        }
        match super::unparse::annotation(a) {
            Some(text) => {
                self.load_const(Compiler::str_const(&text));
                Ok(())
            }
            None => Err(error(
                "aio cannot store this annotation as text yet (from __future__ import annotations); write it as a string",
                a.span,
            )),
        }
    }

    fn set_arg_counts(&mut self, p: &Parameters) {
        let u = self.u();
        u.argcount = (p.posonly.len() + p.args.len()) as u32;
        u.posonlyargcount = p.posonly.len() as u32;
        u.kwonlyargcount = p.kwonly.len() as u32;
        u.flags.varargs = p.vararg.is_some();
        u.flags.varkeywords = p.kwarg.is_some();
    }

    fn scope_for(&self, key: usize, span: Span) -> CResult<usize> {
        self.st
            .by_node
            .get(&key)
            .copied()
            .ok_or_else(|| error("internal compiler error: missing scope", span))
    }

    pub fn function_def(&mut self, s: &'a Stmt, fd: &'a FunctionDef) -> CResult {
        self.check_debug_params(&fd.params)?;
        for d in &fd.decorators {
            let saved = self.set_span(d.span);
            self.emit(Op::PushNull);
            self.set_span(saved);
            self.expr(d)?;
        }
        let mut flags = self.default_arguments(&fd.params)?;
        if self.annotations(&fd.params, fd.returns.as_ref())? {
            flags |= 4;
        }
        let scope = self.scope_for(node_key(fd), s.span)?;
        let kind = if fd.is_async {
            UnitKind::AsyncFunction
        } else {
            UnitKind::Function
        };
        let mut def_span = s.span;
        if let Some(d) = fd.decorators.first() {
            def_span.start = def_span.start.min(d.span.start);
        }
        self.enter_scope(&fd.name, kind, scope, def_span);
        self.set_span(s.span);
        let doc = docstring(&fd.body);
        self.add_const(match doc {
            Some(d) => Compiler::str_const(d),
            None => ConstValue::None,
        });
        self.set_arg_counts(&fd.params);
        let rest = if doc.is_some() {
            &fd.body[1..]
        } else {
            &fd.body[..]
        };
        self.stmts(rest)?;
        self.implicit_return(&fd.body);
        let code = self.exit_scope()?;
        self.set_span(s.span);
        self.make_closure(code, flags, s.span)?;
        for d in fd.decorators.iter().rev() {
            let saved = self.set_span(d.span);
            self.emit(Op::Call(1));
            self.set_span(saved);
        }
        self.nameop(&fd.name, Ctx::Store, s.span)
    }

    pub fn lambda(&mut self, e: &'a Expr, params: &'a Parameters, body: &'a Expr) -> CResult {
        self.check_debug_params(params)?;
        let flags = self.default_arguments(params)?;
        let scope = self.scope_for(node_key(e), e.span)?;
        self.enter_scope("<lambda>", UnitKind::Lambda, scope, e.span);
        self.add_const(ConstValue::None);
        self.set_arg_counts(params);
        self.expr(body)?;
        self.set_span(body.span);
        self.emit(Op::Return);
        let code = self.exit_scope()?;
        self.make_closure(code, flags, e.span)
    }

    pub fn class_def(&mut self, s: &'a Stmt, cd: &'a ClassDef) -> CResult {
        for d in &cd.decorators {
            let saved = self.set_span(d.span);
            self.emit(Op::PushNull);
            self.set_span(saved);
            self.expr(d)?;
        }
        let scope = self.scope_for(node_key(cd), s.span)?;
        let mut def_span = s.span;
        if let Some(d) = cd.decorators.first() {
            def_span.start = def_span.start.min(d.span.start);
        }
        self.enter_scope(&cd.name, UnitKind::Class, scope, def_span);
        self.set_span(s.span);
        self.nameop("__name__", Ctx::Load, s.span)?;
        self.nameop("__module__", Ctx::Store, s.span)?;
        let qn = self.ur().qualname.clone();
        self.load_const(Compiler::str_const(&qn));
        self.nameop("__qualname__", Ctx::Store, s.span)?;
        self.body(&cd.body, true)?;
        if let Some(last) = cd.body.last() {
            self.set_span(last.span);
        }
        if self.st.scopes[scope].needs_class_closure {
            let Some(i) = self.deref_index("__class__", Scope::Cell) else {
                return Err(error("internal compiler error: no __class__ cell", s.span));
            };
            self.emit(Op::LoadClosure(i));
            self.emit(Op::Copy(1));
            let n = self.raw_name_index("__classcell__");
            self.emit(Op::StoreName(n));
        } else {
            self.load_const(ConstValue::None);
        }
        self.emit(Op::Return);
        let code = self.exit_scope()?;
        self.set_span(s.span);
        self.emit(Op::PushNull);
        self.emit(Op::LoadBuildClass);
        self.make_closure(code, 0, s.span)?;
        self.load_const(Compiler::str_const(&cd.name));
        self.call_helper(2, &cd.bases, &cd.keywords)?;
        for d in cd.decorators.iter().rev() {
            let saved = self.set_span(d.span);
            self.emit(Op::Call(1));
            self.set_span(saved);
        }
        self.nameop(&cd.name, Ctx::Store, s.span)
    }

    /// Push the closure tuple (if the code has free variables) and the code, then MakeFunction.
    pub fn make_closure(&mut self, code: Rc<Code>, mut flags: u32, span: Span) -> CResult {
        if !code.freevars.is_empty() {
            for name in code.freevars.iter() {
                let ste = &self.st.scopes[self.ur().scope];
                let class_cell = ste.typ == BlockType::Class && ste.needs_class_closure;
                let is_cell =
                    (&**name == "__class__" && class_cell) || ste.scope_of(name) == Scope::Cell;
                let idx = if is_cell {
                    self.deref_index(name, Scope::Cell)
                } else {
                    self.deref_index(name, Scope::Free)
                };
                let Some(idx) = idx else {
                    return Err(error(
                        format!("internal compiler error: no closure cell for '{name}'"),
                        span,
                    ));
                };
                self.emit(Op::LoadClosure(idx));
            }
            self.emit(Op::BuildTuple(code.freevars.len() as u32));
            flags |= 8;
        }
        self.load_const(ConstValue::Code(code));
        self.emit(Op::MakeFunction(flags));
        Ok(())
    }
}
