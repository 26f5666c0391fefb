//! List/set/dict comprehensions and generator expressions: each is its own function whose
//! single argument `.0` is the outermost iterable's iterator (evaluated by the caller).

use super::codegen::{error, CResult, Compiler, FBlock, UnitKind};
use super::symtable::{node_key, CompKind};
use crate::bytecode::{ConstValue, Op};
use crate::syntax::ast::*;

impl<'a> Compiler<'a> {
    pub fn comprehension(
        &mut self,
        e: &'a Expr,
        gens: &'a [Comprehension],
        elt: &'a Expr,
        val: Option<&'a Expr>,
    ) -> CResult {
        let Some(scope) = self.st.by_node.get(&node_key(e)).copied() else {
            return Err(error("internal compiler error: missing scope", e.span));
        };
        let Some(outermost) = gens.first() else {
            return Err(error("comprehension without generators", e.span));
        };
        let kind = self.st.scopes[scope].comprehension.unwrap_or(CompKind::Gen);
        let outer_kind = self.ur().kind;
        let is_async = self.st.scopes[scope].is_coroutine;
        if is_async
            && kind != CompKind::Gen
            && !matches!(
                outer_kind,
                UnitKind::AsyncFunction | UnitKind::Comprehension
            )
            && !self.async_allowed()
        {
            return Err(error(
                "asynchronous comprehension outside of an asynchronous function",
                e.span,
            ));
        }
        if kind != CompKind::Dict && matches!(elt.kind, ExprKind::Starred(_)) {
            return Err(error(
                "iterable unpacking cannot be used in comprehension",
                elt.span,
            ));
        }
        self.enter_scope(kind.code_name(), UnitKind::Comprehension, scope, e.span);
        self.u().argcount = 1;
        match kind {
            CompKind::List => self.emit(Op::BuildList(0)),
            CompKind::Set => self.emit(Op::BuildSet(0)),
            CompKind::Dict => self.emit(Op::BuildMap(0)),
            CompKind::Gen => {}
        }
        self.comp_generator(gens, 0, 0, elt, val, kind)?;
        self.set_span(e.span);
        if kind == CompKind::Gen {
            self.load_const(ConstValue::None);
        }
        self.emit(Op::Return);
        let code = self.exit_scope()?;
        self.emit(Op::PushNull);
        self.make_closure(code, 0, e.span)?;
        self.iterable(&outermost.iter)?;
        let saved = self.set_span(e.span);
        self.emit(if outermost.is_async {
            Op::GetAIter
        } else {
            Op::GetIter
        });
        self.emit(Op::Call(1));
        if is_async && kind != CompKind::Gen {
            self.emit(Op::GetAwaitable(0));
            self.load_const(ConstValue::None);
            self.yield_from_loop();
        }
        self.set_span(saved);
        Ok(())
    }

    fn comp_generator(
        &mut self,
        gens: &'a [Comprehension],
        idx: usize,
        depth: u32,
        elt: &'a Expr,
        val: Option<&'a Expr>,
        kind: CompKind,
    ) -> CResult {
        let Some(g) = gens.get(idx) else {
            return Ok(());
        };
        let start = self.new_label();
        let if_cleanup = self.new_label();
        let anchor = self.new_label();
        if idx == 0 {
            self.emit(Op::LoadFast(0));
        } else {
            self.iterable(&g.iter)?;
            self.emit(if g.is_async {
                Op::GetAIter
            } else {
                Op::GetIter
            });
        }
        self.bind(start);
        if g.is_async {
            self.u().fblocks.push(FBlock::AsyncComprehensionGenerator);
            self.push_handler(anchor, 0);
            self.emit(Op::GetANext);
            self.load_const(ConstValue::None);
            self.yield_from_loop();
            self.pop_handler();
        } else {
            self.jump(Op::ForIter, anchor);
        }
        self.store(&g.target)?;
        for cond in &g.ifs {
            self.jump_if(cond, if_cleanup, false)?;
        }
        let depth = depth + 1;
        if idx + 1 < gens.len() {
            self.comp_generator(gens, idx + 1, depth, elt, val, kind)?;
        } else {
            match kind {
                CompKind::Gen => {
                    self.expr(elt)?;
                    self.emit_yield();
                    self.emit(Op::PopTop);
                }
                CompKind::List => {
                    self.expr(elt)?;
                    self.emit(Op::ListAppend(depth + 1));
                }
                CompKind::Set => {
                    self.expr(elt)?;
                    self.emit(Op::SetAdd(depth + 1));
                }
                CompKind::Dict => {
                    self.expr(elt)?;
                    if let Some(v) = val {
                        self.expr(v)?;
                    }
                    self.emit(Op::MapAdd(depth + 1));
                }
            }
        }
        self.bind(if_cleanup);
        self.jump(Op::Jump, start);
        self.bind(anchor);
        if g.is_async {
            self.u().fblocks.pop();
            self.set_span(g.iter.span);
            self.emit(Op::EndAsyncFor);
        }
        Ok(())
    }
}
