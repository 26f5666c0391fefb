//! The code generator's state: one `Unit` per code object being built (a stack of them for
//! nested functions), instruction emission with symbolic labels, constant and name pools,
//! name resolution (`nameop`) and assembly into a `Code`.
//!
//! Exception handling: every emitted instruction records the innermost active handler
//! (`Unit::handler_stack`). A `Setup` pseudo-instruction marks where a handler becomes active
//! so the stack-depth analysis can record the depth its table entry restores. Assembly strips
//! pseudo-instructions, resolves labels and turns runs of instructions sharing a handler into
//! `ExcEntry`s (which therefore never overlap).

use super::stackdepth;
use super::symtable::{mangle, BlockType, Scope, ScopeId, SymbolTable};
use super::Mode;
use crate::bytecode::{Code, CodeFlags, ConstValue, ExcEntry, Op, Source};
use crate::syntax::ast::{Span, Stmt};
use crate::syntax::error::SyntaxError;
use std::collections::HashMap;
use std::rc::Rc;

pub type CResult<T = ()> = Result<T, SyntaxError>;

pub fn error(msg: impl Into<String>, span: Span) -> SyntaxError {
    SyntaxError::syntax(msg, span).with_origin(crate::syntax::error::Origin::Compiler)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(pub u32);

/// An instruction before assembly: jump operands hold label ids.
#[derive(Clone, Copy, Debug)]
pub enum IOp {
    Op(Op),
    /// Handler `h` becomes active here; its table depth is the current depth minus `pop`.
    Setup {
        handler: u32,
        pop: u32,
    },
}

#[derive(Clone, Copy, Debug)]
pub struct Instr {
    pub op: IOp,
    pub span: Span,
    pub handler: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    Module,
    Class,
    Function,
    AsyncFunction,
    Lambda,
    Comprehension,
}

/// Compile-time blocks that `return`/`break`/`continue` must unwind (CPython's fblocks).
#[derive(Clone, Debug)]
pub enum FBlock<'a> {
    WhileLoop { start: Label, exit: Label },
    ForLoop { start: Label, exit: Label },
    TryExcept,
    FinallyTry { body: &'a [Stmt] },
    FinallyEnd,
    With { span: Span, is_async: bool },
    HandlerCleanup { name: Option<String> },
    PopValue,
    ExceptionHandler,
    ExceptionGroupHandler,
    AsyncComprehensionGenerator,
}

#[derive(Hash, PartialEq, Eq)]
enum ConstKey {
    None,
    Bool(bool),
    Ellipsis,
    Int(i64),
    BigInt(String),
    Float(u64),
    Imag(u64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    Tuple(Vec<ConstKey>),
    FrozenSet(Vec<ConstKey>),
    Code(usize),
}

fn const_key(c: &ConstValue, unique: usize) -> ConstKey {
    match c {
        ConstValue::None => ConstKey::None,
        ConstValue::Bool(b) => ConstKey::Bool(*b),
        ConstValue::Ellipsis => ConstKey::Ellipsis,
        ConstValue::Int(i) => ConstKey::Int(*i),
        ConstValue::BigInt(b) => ConstKey::BigInt(b.to_string()),
        ConstValue::Float(f) => ConstKey::Float(f.to_bits()),
        ConstValue::Imag(f) => ConstKey::Imag(f.to_bits()),
        ConstValue::Str(s) => ConstKey::Str(s.clone()),
        ConstValue::Bytes(b) => ConstKey::Bytes(b.clone()),
        ConstValue::Tuple(t) => ConstKey::Tuple(t.iter().map(|c| const_key(c, unique)).collect()),
        ConstValue::FrozenSet(t) => {
            ConstKey::FrozenSet(t.iter().map(|c| const_key(c, unique)).collect())
        }
        ConstValue::Code(_) => ConstKey::Code(unique),
    }
}

pub struct Unit<'a> {
    pub scope: ScopeId,
    pub kind: UnitKind,
    pub name: String,
    pub qualname: String,
    pub private: Option<String>,
    pub instrs: Vec<Instr>,
    /// Label id to the index in `instrs` of the instruction it precedes.
    pub labels: Vec<Option<usize>>,
    /// Handler id to its target label.
    pub handlers: Vec<Label>,
    pub handler_stack: Vec<u32>,
    pub fblocks: Vec<FBlock<'a>>,
    pub consts: Vec<ConstValue>,
    const_map: HashMap<ConstKey, u32>,
    pub names: Vec<Rc<str>>,
    name_map: HashMap<String, u32>,
    pub varnames: Vec<String>,
    varname_map: HashMap<String, u32>,
    pub cellvars: Vec<String>,
    pub freevars: Vec<String>,
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    pub flags: CodeFlags,
    pub span: Span,
    pub def_span: Span,
}

pub struct Compiler<'a> {
    pub source: Rc<Source>,
    pub st: SymbolTable,
    pub units: Vec<Unit<'a>>,
    pub mode: Mode,
    code_counter: usize,
    /// `from __future__ import annotations` was seen: annotations are stored as text.
    pub future_annotations: bool,
    /// Where the module's future-import prelude ends (`future::prelude_end`).
    pub future_prelude_end: u32,
    /// A REPL input awaited at its top level: its code is a coroutine (`async_allowed`).
    pub top_level_await: bool,
    /// Frozenset constants seen so far, by their set of item keys: CPython's compiler
    /// shares one object among equal frozenset constants of a module, so a later set
    /// display with the same elements takes the first one's layout (and print order).
    frozensets: Vec<(Vec<ConstKey>, Rc<[ConstValue]>)>,
    /// The span of the last comparison `jump_if` compiled as a condition: CPython's
    /// compiler leaves its location there, so an `assert` whose test has one raises at
    /// that comparison (and at the whole statement otherwise).
    pub jump_if_compare: Option<Span>,
}

impl<'a> Compiler<'a> {
    pub fn new(source: Rc<Source>, st: SymbolTable, mode: Mode) -> Compiler<'a> {
        Compiler {
            source,
            st,
            units: Vec::new(),
            mode,
            code_counter: 0,
            future_annotations: false,
            future_prelude_end: 0,
            top_level_await: false,
            jump_if_compare: None,
            frozensets: Vec::new(),
        }
    }

    /// Whether `await`, `async for`, `async with` and asynchronous comprehensions may
    /// appear here: in an `async def`, or at the top level of a REPL input (as in
    /// `python -m asyncio`, CPython's PyCF_ALLOW_TOP_LEVEL_AWAIT).
    pub fn async_allowed(&self) -> bool {
        match self.ur().kind {
            UnitKind::AsyncFunction => true,
            UnitKind::Module => self.mode == Mode::Interactive,
            _ => false,
        }
    }

    pub fn u(&mut self) -> &mut Unit<'a> {
        // The unit stack is never empty while compiling: `enter_scope` runs first.
        let n = self.units.len();
        &mut self.units[n.saturating_sub(1)]
    }
    pub fn ur(&self) -> &Unit<'a> {
        let n = self.units.len();
        &self.units[n.saturating_sub(1)]
    }

    pub fn scope_type(&self) -> BlockType {
        self.st.scopes[self.ur().scope].typ
    }

    pub fn enter_scope(&mut self, name: &str, kind: UnitKind, scope: ScopeId, def_span: Span) {
        let private = if kind == UnitKind::Class {
            Some(name.to_string())
        } else {
            self.units.last().and_then(|u| u.private.clone())
        };
        let ste = &self.st.scopes[scope];
        // Captured parameters first (in parameter order), then the other cells sorted, as
        // CPython's localsplus layout orders co_cellvars.
        let sorted_cells = ste.sorted_names(Scope::Cell, 0);
        let mut cellvars: Vec<String> = ste
            .params
            .iter()
            .filter(|p| sorted_cells.contains(p))
            .cloned()
            .collect();
        for c in sorted_cells {
            if !cellvars.contains(&c) {
                cellvars.push(c);
            }
        }
        if ste.needs_class_closure {
            cellvars.push("__class__".to_string());
        }
        let freevars = ste.sorted_names(Scope::Free, super::symtable::DEF_FREE_CLASS);
        let mut unit = Unit {
            scope,
            kind,
            name: name.to_string(),
            qualname: name.to_string(),
            private,
            instrs: Vec::new(),
            labels: Vec::new(),
            handlers: Vec::new(),
            handler_stack: Vec::new(),
            fblocks: Vec::new(),
            consts: Vec::new(),
            const_map: HashMap::new(),
            names: Vec::new(),
            name_map: HashMap::new(),
            varnames: Vec::new(),
            varname_map: HashMap::new(),
            cellvars,
            freevars,
            argcount: 0,
            posonlyargcount: 0,
            kwonlyargcount: 0,
            flags: CodeFlags::default(),
            span: def_span,
            def_span,
        };
        for p in &ste.params {
            let i = unit.varnames.len() as u32;
            unit.varname_map.insert(p.clone(), i);
            unit.varnames.push(p.clone());
        }
        if matches!(kind, UnitKind::Module | UnitKind::Class) {
            unit.flags.uses_locals_mapping = true;
        }
        if ste.typ == BlockType::Function {
            let (g, c) = (ste.is_generator, ste.is_coroutine);
            unit.flags.generator = g && !c;
            unit.flags.coroutine = c && !g;
            unit.flags.async_generator = g && c;
        }
        unit.qualname = self.qualname_for(name, kind);
        self.units.push(unit);
    }

    fn qualname_for(&self, name: &str, kind: UnitKind) -> String {
        let Some(parent) = self.units.last() else {
            return name.to_string();
        };
        if parent.kind == UnitKind::Module {
            return name.to_string();
        }
        if matches!(
            kind,
            UnitKind::Function | UnitKind::AsyncFunction | UnitKind::Class
        ) {
            let mangled = mangle(parent.private.as_deref(), name);
            if self.st.scopes[parent.scope].scope_of(&mangled) == Scope::GlobalExplicit {
                return name.to_string();
            }
        }
        let base = if matches!(
            parent.kind,
            UnitKind::Function | UnitKind::AsyncFunction | UnitKind::Lambda
        ) {
            format!("{}.<locals>", parent.qualname)
        } else {
            parent.qualname.clone()
        };
        format!("{base}.{name}")
    }

    /// Finish the current unit and turn it into a code object.
    pub fn exit_scope(&mut self) -> CResult<Rc<Code>> {
        let Some(unit) = self.units.pop() else {
            return Err(error("internal compiler error: no unit", Span::default()));
        };
        let ste = &self.st.scopes[unit.scope];
        let _ = ste;
        Ok(Rc::new(assemble(unit, self.source.clone())))
    }

    // ------------------------------------------------------------ emission

    pub fn emit(&mut self, op: Op) {
        let u = self.u();
        let handler = u.handler_stack.last().copied();
        let span = u.span;
        u.instrs.push(Instr {
            op: IOp::Op(op),
            span,
            handler,
        });
    }

    pub fn new_label(&mut self) -> Label {
        let u = self.u();
        u.labels.push(None);
        Label(u.labels.len() as u32 - 1)
    }

    pub fn bind(&mut self, l: Label) {
        let u = self.u();
        let pos = u.instrs.len();
        if let Some(slot) = u.labels.get_mut(l.0 as usize) {
            *slot = Some(pos);
        }
    }

    /// Emit a jump-like op whose target is `l` (the op's operand is replaced).
    pub fn jump(&mut self, op: fn(u32) -> Op, l: Label) {
        self.emit(op(l.0));
    }

    /// Make a new handler active (its code starts at `target`), recording the depth
    /// (current depth minus `pop`) that the VM restores when it fires.
    pub fn push_handler(&mut self, target: Label, pop: u32) {
        let u = self.u();
        let h = u.handlers.len() as u32;
        u.handlers.push(target);
        let span = u.span;
        let handler = u.handler_stack.last().copied();
        u.instrs.push(Instr {
            op: IOp::Setup { handler: h, pop },
            span,
            handler,
        });
        u.handler_stack.push(h);
    }

    pub fn pop_handler(&mut self) {
        self.u().handler_stack.pop();
    }

    pub fn set_span(&mut self, span: Span) -> Span {
        std::mem::replace(&mut self.u().span, span)
    }

    pub fn add_const(&mut self, c: ConstValue) -> u32 {
        let c = match c {
            ConstValue::FrozenSet(items) => ConstValue::FrozenSet(self.shared_frozenset(items)),
            c => c,
        };
        self.code_counter += 1;
        let key = const_key(&c, self.code_counter);
        let u = self.u();
        if let Some(&i) = u.const_map.get(&key) {
            return i;
        }
        let i = u.consts.len() as u32;
        u.consts.push(c);
        u.const_map.insert(key, i);
        i
    }

    /// The items of the first frozenset constant equal (as a set) to `items`, else `items`.
    fn shared_frozenset(&mut self, items: Rc<[ConstValue]>) -> Rc<[ConstValue]> {
        let keys: Vec<ConstKey> = items.iter().map(|c| const_key(c, 0)).collect();
        let same = |a: &[ConstKey], b: &[ConstKey]| {
            a.iter().all(|k| b.contains(k)) && b.iter().all(|k| a.contains(k))
        };
        if let Some((_, first)) = self.frozensets.iter().find(|(k, _)| same(k, &keys)) {
            return first.clone();
        }
        self.frozensets.push((keys, items.clone()));
        items
    }

    pub fn load_const(&mut self, c: ConstValue) {
        let i = self.add_const(c);
        self.emit(Op::LoadConst(i));
    }

    pub fn str_const(s: &str) -> ConstValue {
        ConstValue::Str(Rc::from(s))
    }

    /// Index of a (mangled) name in `names`.
    pub fn name_index(&mut self, name: &str) -> u32 {
        let m = mangle(self.ur().private.as_deref(), name);
        self.raw_name_index(&m)
    }

    pub fn raw_name_index(&mut self, name: &str) -> u32 {
        let u = self.u();
        if let Some(&i) = u.name_map.get(name) {
            return i;
        }
        let i = u.names.len() as u32;
        u.names.push(Rc::from(name));
        u.name_map.insert(name.to_string(), i);
        i
    }

    pub fn varname_index(&mut self, name: &str) -> u32 {
        let u = self.u();
        if let Some(&i) = u.varname_map.get(name) {
            return i;
        }
        let i = u.varnames.len() as u32;
        u.varnames.push(name.to_string());
        u.varname_map.insert(name.to_string(), i);
        i
    }

    /// Cell slot of `name` (cells first, then free variables), as `LoadDeref` expects.
    pub fn deref_index(&self, name: &str, scope: Scope) -> Option<u32> {
        let u = self.ur();
        if scope == Scope::Cell {
            u.cellvars.iter().position(|c| c == name).map(|i| i as u32)
        } else {
            u.freevars
                .iter()
                .position(|c| c == name)
                .map(|i| (i + u.cellvars.len()) as u32)
        }
    }

    /// Emit the load/store/delete of a name, choosing the op family like CPython's `compiler_nameop`.
    pub fn nameop(&mut self, name: &str, ctx: Ctx, span: Span) -> CResult {
        if name == "__debug__" {
            match ctx {
                Ctx::Store => return Err(error("cannot assign to __debug__", span)),
                Ctx::Del => return Err(error("cannot delete __debug__", span)),
                Ctx::Load => {
                    self.load_const(ConstValue::Bool(super::expr::debug_flag()));
                    return Ok(());
                }
            }
        }
        let mangled = mangle(self.ur().private.as_deref(), name);
        let ste = &self.st.scopes[self.ur().scope];
        let scope = ste.scope_of(&mangled);
        let is_func = ste.typ == BlockType::Function;
        let is_class = ste.typ == BlockType::Class;
        match scope {
            Scope::Free | Scope::Cell => {
                let Some(i) = self.deref_index(&mangled, scope) else {
                    return Err(error(
                        format!("internal compiler error: no cell for '{mangled}'"),
                        span,
                    ));
                };
                self.emit(match ctx {
                    Ctx::Load if is_class => Op::LoadClassDeref(i),
                    Ctx::Load => Op::LoadDeref(i),
                    Ctx::Store => Op::StoreDeref(i),
                    Ctx::Del => Op::DeleteDeref(i),
                });
            }
            Scope::Local if is_func => {
                let i = self.varname_index(&mangled);
                self.emit(match ctx {
                    Ctx::Load => Op::LoadFast(i),
                    Ctx::Store => Op::StoreFast(i),
                    Ctx::Del => Op::DeleteFast(i),
                });
            }
            Scope::GlobalExplicit | Scope::GlobalImplicit
                if scope == Scope::GlobalExplicit || is_func =>
            {
                let i = self.raw_name_index(&mangled);
                self.emit(match ctx {
                    Ctx::Load => Op::LoadGlobal(i),
                    Ctx::Store => Op::StoreGlobal(i),
                    Ctx::Del => Op::DeleteGlobal(i),
                });
            }
            _ => {
                let i = self.raw_name_index(&mangled);
                self.emit(match ctx {
                    Ctx::Load => Op::LoadName(i),
                    Ctx::Store => Op::StoreName(i),
                    Ctx::Del => Op::DeleteName(i),
                });
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    Load,
    Store,
    Del,
}

/// Jump target of an op, if it has one.
pub fn jump_target(op: &Op) -> Option<u32> {
    match *op {
        Op::Jump(t)
        | Op::PopJumpIfFalse(t)
        | Op::PopJumpIfTrue(t)
        | Op::PopJumpIfNone(t)
        | Op::PopJumpIfNotNone(t)
        | Op::JumpIfFalseOrPop(t)
        | Op::JumpIfTrueOrPop(t)
        | Op::ForIter(t)
        | Op::Send(t) => Some(t),
        _ => None,
    }
}

pub fn retarget(op: Op, t: u32) -> Op {
    match op {
        Op::Jump(_) => Op::Jump(t),
        Op::PopJumpIfFalse(_) => Op::PopJumpIfFalse(t),
        Op::PopJumpIfTrue(_) => Op::PopJumpIfTrue(t),
        Op::PopJumpIfNone(_) => Op::PopJumpIfNone(t),
        Op::PopJumpIfNotNone(_) => Op::PopJumpIfNotNone(t),
        Op::JumpIfFalseOrPop(_) => Op::JumpIfFalseOrPop(t),
        Op::JumpIfTrueOrPop(_) => Op::JumpIfTrueOrPop(t),
        Op::ForIter(_) => Op::ForIter(t),
        Op::Send(_) => Op::Send(t),
        other => other,
    }
}

fn assemble(unit: Unit<'_>, source: Rc<Source>) -> Code {
    // Label positions in the pseudo stream, defaulting to the end.
    let n = unit.instrs.len();
    let label_pos: Vec<usize> = unit.labels.iter().map(|p| p.unwrap_or(n)).collect();
    let analysis = stackdepth::analyze(&unit.instrs, &label_pos, &unit.handlers);
    // Map pseudo indices to real indices.
    let mut real = Vec::with_capacity(n + 1);
    let mut count = 0u32;
    for ins in &unit.instrs {
        real.push(count);
        if matches!(ins.op, IOp::Op(_)) {
            count += 1;
        }
    }
    real.push(count);
    let resolve = |label: u32| -> u32 {
        let pos = label_pos.get(label as usize).copied().unwrap_or(n);
        real.get(pos).copied().unwrap_or(count)
    };
    let mut ops = Vec::with_capacity(count as usize);
    let mut spans = Vec::with_capacity(count as usize);
    let mut handlers_of = Vec::with_capacity(count as usize);
    for ins in &unit.instrs {
        if let IOp::Op(op) = ins.op {
            let op = match jump_target(&op) {
                Some(l) => retarget(op, resolve(l)),
                None => op,
            };
            ops.push(op);
            spans.push(ins.span);
            handlers_of.push(ins.handler);
        }
    }
    // Runs of instructions sharing a handler become table entries.
    let mut exc_table = Vec::new();
    let mut i = 0usize;
    while i < handlers_of.len() {
        let Some(h) = handlers_of[i] else {
            i += 1;
            continue;
        };
        let start = i;
        while i < handlers_of.len() && handlers_of[i] == Some(h) {
            i += 1;
        }
        if let (Some(Some(depth)), Some(target)) = (
            analysis.handler_depth.get(h as usize),
            unit.handlers.get(h as usize),
        ) {
            exc_table.push(ExcEntry {
                start: start as u32,
                end: i as u32,
                target: resolve(target.0),
                depth: *depth,
            });
        }
    }
    let ste_params = unit.argcount
        + unit.kwonlyargcount
        + u32::from(unit.flags.varargs)
        + u32::from(unit.flags.varkeywords);
    let mut cell_params = Vec::new();
    for (ci, c) in unit.cellvars.iter().enumerate() {
        if let Some(pi) = unit.varnames.iter().position(|v| v == c) {
            if (pi as u32) < ste_params {
                cell_params.push((ci as u32, pi as u32));
            }
        }
    }
    let rc = |v: &Vec<String>| {
        v.iter()
            .map(|s| Rc::from(s.as_str()))
            .collect::<Vec<Rc<str>>>()
    };
    Code {
        name: Rc::from(unit.name.as_str()),
        qualname: Rc::from(unit.qualname.as_str()),
        flags: unit.flags,
        argcount: unit.argcount,
        posonlyargcount: unit.posonlyargcount,
        kwonlyargcount: unit.kwonlyargcount,
        varnames: rc(&unit.varnames),
        cellvars: rc(&unit.cellvars),
        freevars: rc(&unit.freevars),
        cell_params,
        names: unit.names,
        consts: unit.consts,
        ops,
        spans,
        exc_table,
        max_stack: analysis.max_depth,
        def_span: unit.def_span,
        source,
    }
}
