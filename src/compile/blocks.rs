//! try/except/else/finally, except*, with/async with, and the unwinding that `return`,
//! `break` and `continue` do through them (CPython 3.11's `compiler_unwind_fblock`).
//!
//! Handler stacks are managed explicitly per region: `hs_outer` is the stack outside the
//! statement; each region (body, handler matching, handler body, cleanup) sets the stack it
//! runs under, so instructions emitted later in source order get the handler that control
//! flow would give them.

use super::codegen::{error, CResult, Compiler, Ctx, FBlock, Label};
use super::symtable::BlockType;
use crate::bytecode::{ConstValue, Op};
use crate::syntax::ast::*;

impl<'a> Compiler<'a> {
    fn set_handlers(&mut self, hs: &[u32]) {
        let u = self.u();
        u.handler_stack.clear();
        u.handler_stack.extend_from_slice(hs);
    }

    fn handlers_now(&self) -> Vec<u32> {
        self.ur().handler_stack.clone()
    }

    /// `name = None; del name` after an `except ... as name` body.
    fn clear_exc_name(&mut self, name: &str) -> CResult {
        let span = self.ur().span;
        self.load_const(ConstValue::None);
        self.nameop(name, Ctx::Store, span)?;
        self.nameop(name, Ctx::Del, span)
    }

    /// `[exit] -> [exit(None, None, None)]`
    fn call_exit_with_nones(&mut self) {
        self.emit(Op::PushNull);
        self.emit(Op::Swap(2));
        self.load_const(ConstValue::None);
        self.load_const(ConstValue::None);
        self.load_const(ConstValue::None);
        self.emit(Op::Call(3));
    }

    /// `[prev, exc] ->` restore the previous handled exception and re-raise.
    fn pop_except_and_reraise(&mut self) {
        self.emit(Op::Copy(2));
        self.emit(Op::PopExcept);
        self.emit(Op::Reraise);
    }

    pub fn try_except(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
    ) -> CResult {
        let except = self.new_label();
        let end = self.new_label();
        let cleanup = self.new_label();
        let hs_outer = self.handlers_now();
        self.push_handler(except, 0);
        self.u().fblocks.push(FBlock::TryExcept);
        self.stmts(body)?;
        self.u().fblocks.pop();
        self.pop_handler();
        self.stmts(orelse)?;
        self.jump(Op::Jump, end);

        self.bind(except);
        self.push_handler(cleanup, 0);
        let hs_cleanup = self.handlers_now();
        self.emit(Op::PushExcInfo);
        self.u().fblocks.push(FBlock::ExceptionHandler);
        let n = handlers.len();
        for (i, h) in handlers.iter().enumerate() {
            self.set_span(h.span);
            if h.typ.is_none() && i + 1 < n {
                return Err(error("default 'except:' must be last", h.span));
            }
            let next = self.new_label();
            if let Some(t) = &h.typ {
                self.expr(t)?;
                self.emit(Op::CheckExcMatch);
                self.jump(Op::PopJumpIfFalse, next);
            }
            match &h.name {
                Some(name) => {
                    let cleanup_end = self.new_label();
                    self.nameop(name, Ctx::Store, h.span)?;
                    self.push_handler(cleanup_end, 0);
                    self.u().fblocks.push(FBlock::HandlerCleanup {
                        name: Some(name.clone()),
                    });
                    self.stmts(&h.body)?;
                    self.u().fblocks.pop();
                    // The cleanup is artificial: like CPython's, it keeps the line of the
                    // body's last statement (what a warning raised by `del name` shows).
                    self.set_span(h.body.last().map_or(h.span, |s| s.span));
                    self.set_handlers(&hs_outer);
                    self.emit(Op::PopExcept);
                    self.clear_exc_name(name)?;
                    self.jump(Op::Jump, end);

                    self.bind(cleanup_end);
                    self.set_handlers(&hs_cleanup);
                    self.clear_exc_name(name)?;
                    self.emit(Op::Reraise);
                }
                None => {
                    self.emit(Op::PopTop);
                    self.u().fblocks.push(FBlock::HandlerCleanup { name: None });
                    self.stmts(&h.body)?;
                    self.u().fblocks.pop();
                    // The cleanup is artificial: like CPython's, it keeps the line of the
                    // body's last statement (what a warning raised by `del name` shows).
                    self.set_span(h.body.last().map_or(h.span, |s| s.span));
                    self.set_handlers(&hs_outer);
                    self.emit(Op::PopExcept);
                    self.jump(Op::Jump, end);
                }
            }
            self.bind(next);
            self.set_handlers(&hs_cleanup);
        }
        self.u().fblocks.pop();
        self.emit(Op::Reraise);
        self.bind(cleanup);
        self.set_handlers(&hs_outer);
        self.pop_except_and_reraise();
        self.bind(end);
        Ok(())
    }

    pub fn try_finally(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
        is_star: bool,
    ) -> CResult {
        let handler = self.new_label();
        let exit = self.new_label();
        let cleanup = self.new_label();
        let span = self.ur().span;
        let hs_outer = self.handlers_now();
        self.push_handler(handler, 0);
        self.u()
            .fblocks
            .push(FBlock::FinallyTry { body: finalbody });
        if handlers.is_empty() {
            self.stmts(body)?;
        } else if is_star {
            self.try_star_except(body, handlers, orelse)?;
        } else {
            self.try_except(body, handlers, orelse)?;
        }
        self.u().fblocks.pop();
        self.set_handlers(&hs_outer);
        self.stmts(finalbody)?;
        self.set_span(span);
        self.jump(Op::Jump, exit);

        self.bind(handler);
        self.push_handler(cleanup, 0);
        self.emit(Op::PushExcInfo);
        self.u().fblocks.push(FBlock::FinallyEnd);
        self.stmts(finalbody)?;
        self.u().fblocks.pop();
        self.set_span(span);
        self.emit(Op::Reraise);
        self.bind(cleanup);
        self.set_handlers(&hs_outer);
        self.pop_except_and_reraise();
        self.bind(exit);
        Ok(())
    }

    pub fn try_star_except(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
    ) -> CResult {
        let except = self.new_label();
        let end = self.new_label();
        let cleanup = self.new_label();
        let orelse_l = self.new_label();
        let reraise_star = self.new_label();
        let hs_outer = self.handlers_now();
        self.push_handler(except, 0);
        self.u().fblocks.push(FBlock::TryExcept);
        self.stmts(body)?;
        self.u().fblocks.pop();
        self.pop_handler();
        self.jump(Op::Jump, orelse_l);

        self.bind(except);
        self.push_handler(cleanup, 0);
        let hs_cleanup = self.handlers_now();
        self.emit(Op::PushExcInfo);
        self.u().fblocks.push(FBlock::ExceptionGroupHandler);
        let n = handlers.len();
        if n == 0 {
            self.emit(Op::Reraise);
        }
        for (i, h) in handlers.iter().enumerate() {
            self.set_span(h.span);
            let next_except = self.new_label();
            let except_with_error = self.new_label();
            let no_match = self.new_label();
            if i == 0 {
                // [prev, exc] -> [prev, orig, [], exc]
                self.emit(Op::Copy(1));
                self.emit(Op::BuildList(0));
                self.emit(Op::Swap(2));
            }
            let Some(t) = &h.typ else {
                return Err(error("expected 'except' type for except*", h.span));
            };
            self.expr(t)?;
            self.emit(Op::CheckEgMatch);
            self.emit(Op::Copy(1));
            self.jump(Op::PopJumpIfNone, no_match);
            let cleanup_end = self.new_label();
            match &h.name {
                Some(name) => self.nameop(name, Ctx::Store, h.span)?,
                None => self.emit(Op::PopTop),
            }
            self.push_handler(cleanup_end, 0);
            self.u().fblocks.push(FBlock::HandlerCleanup {
                name: h.name.clone(),
            });
            self.stmts(&h.body)?;
            self.u().fblocks.pop();
            self.set_span(h.span);
            self.set_handlers(&hs_cleanup);
            if let Some(name) = &h.name {
                self.clear_exc_name(name)?;
            }
            self.jump(Op::Jump, next_except);

            self.bind(cleanup_end);
            if let Some(name) = &h.name {
                self.clear_exc_name(name)?;
            }
            // [prev, orig, list, rest, raised] -> [prev, orig, list, rest]
            self.emit(Op::ListAppend(2));
            self.jump(Op::Jump, except_with_error);
            self.bind(next_except);
            self.emit(Op::Nop);
            self.jump(Op::Jump, except_with_error);
            self.bind(no_match);
            self.emit(Op::PopTop);
            self.bind(except_with_error);
            if i + 1 == n {
                self.emit(Op::ListAppend(1));
                self.jump(Op::Jump, reraise_star);
            }
        }
        self.u().fblocks.pop();
        let reraise = self.new_label();
        self.bind(reraise_star);
        self.emit(Op::PrepReraiseStar);
        self.emit(Op::Copy(1));
        self.jump(Op::PopJumpIfNotNone, reraise);
        self.emit(Op::PopTop);
        self.set_handlers(&hs_outer);
        self.emit(Op::PopExcept);
        self.jump(Op::Jump, end);
        self.bind(reraise);
        self.emit(Op::Swap(2));
        self.emit(Op::PopExcept);
        self.emit(Op::Reraise);
        self.bind(cleanup);
        self.pop_except_and_reraise();
        self.bind(orelse_l);
        self.stmts(orelse)?;
        self.bind(end);
        Ok(())
    }

    pub fn with_stmt(
        &mut self,
        s: &'a Stmt,
        items: &'a [WithItem],
        pos: usize,
        body: &'a [Stmt],
        is_async: bool,
    ) -> CResult {
        let Some(item) = items.get(pos) else {
            return self.stmts(body);
        };
        let final_l = self.new_label();
        let exit = self.new_label();
        let cleanup = self.new_label();
        self.expr(&item.context)?;
        self.set_span(s.span);
        if is_async {
            self.emit(Op::BeforeAsyncWith);
            self.emit(Op::GetAwaitable(1));
            self.load_const(ConstValue::None);
            self.yield_from_loop();
        } else {
            self.emit(Op::BeforeWith);
        }
        let hs_outer = self.handlers_now();
        self.push_handler(final_l, 1);
        self.u().fblocks.push(FBlock::With {
            span: s.span,
            is_async,
        });
        match &item.target {
            Some(t) => self.store(t)?,
            None => self.emit(Op::PopTop),
        }
        if pos + 1 == items.len() {
            self.stmts(body)?;
        } else {
            self.with_stmt(s, items, pos + 1, body, is_async)?;
        }
        self.u().fblocks.pop();
        self.set_handlers(&hs_outer);
        self.set_span(s.span);
        self.call_exit_with_nones();
        if is_async {
            self.emit(Op::GetAwaitable(2));
            self.load_const(ConstValue::None);
            self.yield_from_loop();
        }
        self.emit(Op::PopTop);
        self.jump(Op::Jump, exit);

        // Exceptional exit: [exit, exc]
        self.bind(final_l);
        self.push_handler(cleanup, 0);
        let hs_cleanup = self.handlers_now();
        self.emit(Op::PushExcInfo);
        self.emit(Op::WithExceptStart);
        if is_async {
            self.emit(Op::GetAwaitable(2));
            self.load_const(ConstValue::None);
            self.yield_from_loop();
        }
        let suppress = self.new_label();
        self.jump(Op::PopJumpIfTrue, suppress);
        self.emit(Op::Reraise);
        self.bind(cleanup);
        self.set_handlers(&hs_outer);
        self.pop_except_and_reraise();
        self.bind(suppress);
        self.set_handlers(&hs_cleanup);
        self.emit(Op::PopTop);
        self.set_handlers(&hs_outer);
        self.emit(Op::PopExcept);
        self.emit(Op::PopTop);
        self.bind(exit);
        Ok(())
    }

    // ------------------------------------------------------------ unwinding

    fn unwind_fblock(&mut self, fb: &FBlock<'a>, preserve_tos: bool) -> CResult {
        match fb {
            FBlock::WhileLoop { .. }
            | FBlock::ExceptionHandler
            | FBlock::ExceptionGroupHandler
            | FBlock::AsyncComprehensionGenerator => {}
            FBlock::ForLoop { .. } | FBlock::PopValue => {
                if preserve_tos {
                    self.emit(Op::Swap(2));
                }
                self.emit(Op::PopTop);
            }
            FBlock::TryExcept => self.pop_handler(),
            FBlock::FinallyTry { body } => {
                self.pop_handler();
                let span = self.ur().span;
                if preserve_tos {
                    self.u().fblocks.push(FBlock::PopValue);
                }
                self.stmts(body)?;
                if preserve_tos {
                    self.u().fblocks.pop();
                }
                self.set_span(span);
            }
            FBlock::FinallyEnd => {
                if preserve_tos {
                    self.emit(Op::Swap(2));
                }
                self.emit(Op::PopTop);
                if preserve_tos {
                    self.emit(Op::Swap(2));
                }
                self.pop_handler();
                self.emit(Op::PopExcept);
            }
            FBlock::With { span, is_async } => {
                self.pop_handler();
                if preserve_tos {
                    self.emit(Op::Swap(2));
                }
                let saved = self.set_span(*span);
                self.call_exit_with_nones();
                if *is_async {
                    self.emit(Op::GetAwaitable(2));
                    self.load_const(ConstValue::None);
                    self.yield_from_loop();
                }
                self.emit(Op::PopTop);
                self.set_span(saved);
            }
            FBlock::HandlerCleanup { name } => {
                if name.is_some() {
                    self.pop_handler();
                }
                if preserve_tos {
                    self.emit(Op::Swap(2));
                }
                self.pop_handler();
                self.emit(Op::PopExcept);
                if let Some(name) = name {
                    self.clear_exc_name(name)?;
                }
            }
        }
        Ok(())
    }

    /// Unwind fblocks from the top; stops at (and returns) the innermost loop if `want_loop`.
    fn unwind_fblock_stack(
        &mut self,
        preserve_tos: bool,
        want_loop: bool,
        span: Span,
    ) -> CResult<Option<FBlock<'a>>> {
        loop {
            let Some(top) = self.ur().fblocks.last().cloned() else {
                return Ok(None);
            };
            if matches!(top, FBlock::ExceptionGroupHandler) {
                return Err(error(
                    "'break', 'continue' and 'return' cannot appear in an except* block",
                    span,
                ));
            }
            if want_loop && matches!(top, FBlock::WhileLoop { .. } | FBlock::ForLoop { .. }) {
                return Ok(Some(top));
            }
            self.u().fblocks.pop();
            self.unwind_fblock(&top, preserve_tos)?;
        }
    }

    fn save_blocks(&self) -> (Vec<FBlock<'a>>, Vec<u32>) {
        (self.ur().fblocks.clone(), self.ur().handler_stack.clone())
    }

    fn restore_blocks(&mut self, saved: (Vec<FBlock<'a>>, Vec<u32>)) {
        let u = self.u();
        u.fblocks = saved.0;
        u.handler_stack = saved.1;
    }

    pub fn return_stmt(&mut self, s: &'a Stmt, value: Option<&'a Expr>) -> CResult {
        if self.scope_type() != BlockType::Function {
            return Err(error("'return' outside function", s.span));
        }
        if value.is_some() && self.ur().flags.async_generator {
            return Err(error("'return' with value in async generator", s.span));
        }
        let preserve_tos = value.is_some_and(|v| !matches!(v.kind, ExprKind::Constant(_)));
        if let (true, Some(v)) = (preserve_tos, value) {
            self.expr(v)?;
        }
        let saved = self.save_blocks();
        let r = self.unwind_fblock_stack(preserve_tos, false, s.span);
        if let Err(e) = r {
            self.restore_blocks(saved);
            return Err(e);
        }
        self.set_span(s.span);
        match value {
            None => self.load_const(ConstValue::None),
            Some(v) if !preserve_tos => {
                if let ExprKind::Constant(c) = &v.kind {
                    self.load_const(super::expr::constant_value(c));
                }
            }
            _ => {}
        }
        self.emit(Op::Return);
        self.restore_blocks(saved);
        Ok(())
    }

    pub fn break_stmt(&mut self, span: Span) -> CResult {
        self.loop_exit(span, true)
    }

    pub fn continue_stmt(&mut self, span: Span) -> CResult {
        self.loop_exit(span, false)
    }

    fn loop_exit(&mut self, span: Span, is_break: bool) -> CResult {
        let saved = self.save_blocks();
        let r = self.unwind_fblock_stack(false, true, span);
        let lp = match r {
            Ok(Some(lp)) => lp,
            Ok(None) => {
                self.restore_blocks(saved);
                return Err(error(
                    if is_break {
                        "'break' outside loop"
                    } else {
                        "'continue' not properly in loop"
                    },
                    span,
                ));
            }
            Err(e) => {
                self.restore_blocks(saved);
                return Err(e);
            }
        };
        self.set_span(span);
        let target: Label = match lp {
            FBlock::WhileLoop { start, exit } | FBlock::ForLoop { start, exit } => {
                if is_break {
                    self.unwind_fblock(&lp, false)?;
                    exit
                } else {
                    start
                }
            }
            _ => return Err(error("internal compiler error: not a loop", span)),
        };
        self.jump(Op::Jump, target);
        self.restore_blocks(saved);
        Ok(())
    }
}
