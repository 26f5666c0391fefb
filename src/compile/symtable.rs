//! The symbol table: which names are local, global, free or cell in each scope, decided
//! exactly as CPython 3.11's `symtable.c` decides them (two passes: collect flags per scope,
//! then analyse from the top down with the sets of names bound by enclosing functions).

use crate::syntax::ast::*;
use crate::syntax::error::SyntaxError;
use std::collections::{HashMap, HashSet};

pub const DEF_GLOBAL: u32 = 1;
pub const DEF_LOCAL: u32 = 2;
pub const DEF_PARAM: u32 = 4;
pub const DEF_NONLOCAL: u32 = 8;
pub const USE: u32 = 16;
pub const DEF_FREE_CLASS: u32 = 64;
pub const DEF_IMPORT: u32 = 128;
pub const DEF_ANNOT: u32 = 256;
pub const DEF_COMP_ITER: u32 = 512;
pub const DEF_BOUND: u32 = DEF_LOCAL | DEF_PARAM | DEF_IMPORT;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Not decided (names the compiler invents, such as `__module__`).
    Unknown,
    Local,
    GlobalExplicit,
    GlobalImplicit,
    Free,
    Cell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockType {
    Module,
    Class,
    Function,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompKind {
    List,
    Set,
    Dict,
    Gen,
}

impl CompKind {
    pub fn code_name(self) -> &'static str {
        match self {
            CompKind::List => "<listcomp>",
            CompKind::Set => "<setcomp>",
            CompKind::Dict => "<dictcomp>",
            CompKind::Gen => "<genexpr>",
        }
    }
    fn yield_error(self) -> &'static str {
        match self {
            CompKind::List => "'yield' inside list comprehension",
            CompKind::Set => "'yield' inside set comprehension",
            CompKind::Dict => "'yield' inside dict comprehension",
            CompKind::Gen => "'yield' inside generator expression",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Symbol {
    pub name: String,
    pub flags: u32,
    pub scope: Scope,
}

pub type ScopeId = usize;

#[derive(Debug)]
pub struct ScopeInfo {
    pub typ: BlockType,
    pub name: String,
    pub symbols: Vec<Symbol>,
    pub(super) index: HashMap<String, usize>,
    pub children: Vec<ScopeId>,
    /// Parameter names (mangled) in slot order.
    pub params: Vec<String>,
    pub is_generator: bool,
    pub is_coroutine: bool,
    pub comprehension: Option<CompKind>,
    pub needs_class_closure: bool,
    /// Where each `global`/`nonlocal` directive (or walrus in a comprehension) named a symbol.
    pub directives: HashMap<String, Span>,
    comp_iter_target: bool,
    comp_iter_expr: u32,
}

impl ScopeInfo {
    fn new(typ: BlockType, name: &str) -> ScopeInfo {
        ScopeInfo {
            typ,
            name: name.to_string(),
            symbols: Vec::new(),
            index: HashMap::new(),
            children: Vec::new(),
            params: Vec::new(),
            is_generator: false,
            is_coroutine: false,
            comprehension: None,
            needs_class_closure: false,
            directives: HashMap::new(),
            comp_iter_target: false,
            comp_iter_expr: 0,
        }
    }
    pub fn flags(&self, name: &str) -> u32 {
        self.index.get(name).map_or(0, |&i| self.symbols[i].flags)
    }
    pub fn scope_of(&self, name: &str) -> Scope {
        self.index
            .get(name)
            .map_or(Scope::Unknown, |&i| self.symbols[i].scope)
    }
    pub(super) fn set_flags(&mut self, name: &str, flags: u32) {
        match self.index.get(name) {
            Some(&i) => self.symbols[i].flags = flags,
            None => {
                self.index.insert(name.to_string(), self.symbols.len());
                self.symbols.push(Symbol {
                    name: name.to_string(),
                    flags,
                    scope: Scope::Unknown,
                });
            }
        }
    }
    /// Names of the given scope (or carrying `extra_flag`), sorted as CPython's `dictbytype`.
    pub fn sorted_names(&self, scope: Scope, extra_flag: u32) -> Vec<String> {
        let mut v: Vec<String> = self
            .symbols
            .iter()
            .filter(|s| s.scope == scope || s.flags & extra_flag != 0)
            .map(|s| s.name.clone())
            .collect();
        v.sort();
        v
    }
}

#[derive(Debug, Default)]
pub struct SymbolTable {
    pub scopes: Vec<ScopeInfo>,
    /// AST node address (FunctionDef, ClassDef, lambda or comprehension Expr) to its scope.
    pub by_node: HashMap<usize, ScopeId>,
}

pub fn node_key<T>(node: &T) -> usize {
    node as *const T as usize
}

/// CPython's `_Py_Mangle`: `__x` inside class `C` becomes `_C__x`.
pub fn mangle(private: Option<&str>, name: &str) -> String {
    let Some(p) = private else {
        return name.to_string();
    };
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') {
        return name.to_string();
    }
    let stripped = p.trim_start_matches('_');
    if stripped.is_empty() {
        return name.to_string();
    }
    format!("_{stripped}{name}")
}

type R<T = ()> = Result<T, SyntaxError>;

pub(super) fn err(msg: impl Into<String>, span: Span) -> SyntaxError {
    SyntaxError::syntax(msg, span).with_origin(crate::syntax::error::Origin::Symtable)
}

struct Builder {
    st: SymbolTable,
    stack: Vec<ScopeId>,
    private: Option<String>,
}

pub fn build(module: &Module) -> R<SymbolTable> {
    let mut b = Builder::new();
    for s in &module.body {
        b.stmt(s)?;
    }
    b.finish()
}

pub fn build_expression(expr: &Expr) -> R<SymbolTable> {
    let mut b = Builder::new();
    b.expr(expr)?;
    b.finish()
}

impl Builder {
    fn new() -> Builder {
        let mut st = SymbolTable::default();
        st.scopes.push(ScopeInfo::new(BlockType::Module, "top"));
        Builder {
            st,
            stack: vec![0],
            private: None,
        }
    }

    fn finish(mut self) -> R<SymbolTable> {
        let mut free = HashSet::new();
        super::analyze::analyze_block(&mut self.st.scopes, 0, None, &mut free)?;
        Ok(self.st)
    }

    fn cur_id(&self) -> ScopeId {
        self.stack.last().copied().unwrap_or(0)
    }
    fn cur_flags(&self, name: &str) -> u32 {
        let m = mangle(self.private.as_deref(), name);
        self.st.scopes[self.cur_id()].flags(&m)
    }
    fn cur(&mut self) -> &mut ScopeInfo {
        let id = self.cur_id();
        &mut self.st.scopes[id]
    }

    fn enter(&mut self, typ: BlockType, name: &str, key: usize) {
        let id = self.st.scopes.len();
        self.st.scopes.push(ScopeInfo::new(typ, name));
        let parent = self.cur_id();
        self.st.scopes[parent].children.push(id);
        self.st.by_node.insert(key, id);
        self.stack.push(id);
    }
    fn exit(&mut self) {
        self.stack.pop();
    }

    fn add_def(&mut self, name: &str, flag: u32, span: Span) -> R {
        let id = self.cur_id();
        self.add_def_in(id, name, flag, span)
    }

    fn add_def_in(&mut self, id: ScopeId, name: &str, flag: u32, span: Span) -> R {
        let mangled = mangle(self.private.as_deref(), name);
        let ste = &mut self.st.scopes[id];
        let mut val = ste.flags(&mangled);
        if flag & DEF_PARAM != 0 && val & DEF_PARAM != 0 {
            return Err(err(
                format!("duplicate argument '{name}' in function definition"),
                span,
            ));
        }
        val |= flag;
        if ste.comp_iter_target {
            if val & (DEF_GLOBAL | DEF_NONLOCAL) != 0 {
                return Err(err(
                    format!(
                        "comprehension inner loop cannot rebind assignment expression target '{name}'"
                    ),
                    span,
                ));
            }
            val |= DEF_COMP_ITER;
        }
        ste.set_flags(&mangled, val);
        if flag & DEF_PARAM != 0 {
            ste.params.push(mangled.clone());
        } else if flag & DEF_GLOBAL != 0 {
            let top = &mut self.st.scopes[0];
            let g = top.flags(&mangled) | flag;
            top.set_flags(&mangled, g);
        }
        Ok(())
    }

    fn stmts(&mut self, body: &[Stmt]) -> R {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> R {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e)?,
            StmtKind::Assign { targets, value } => {
                for t in targets {
                    self.store(t)?;
                }
                self.expr(value)?;
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.store(target)?;
                self.expr(value)?;
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                simple,
            } => {
                if let ExprKind::Name(n) = &target.kind {
                    let cur = self.cur_flags(n);
                    if cur & (DEF_GLOBAL | DEF_NONLOCAL) != 0 && self.cur_id() != 0 && *simple {
                        let msg = if cur & DEF_GLOBAL != 0 {
                            format!("annotated name '{n}' can't be global")
                        } else {
                            format!("annotated name '{n}' can't be nonlocal")
                        };
                        return Err(err(msg, s.span));
                    }
                    if *simple {
                        self.add_def(n, DEF_ANNOT | DEF_LOCAL, target.span)?;
                    } else if value.is_some() {
                        self.add_def(n, DEF_LOCAL, target.span)?;
                    }
                } else {
                    self.expr(target)?;
                }
                self.expr(annotation)?;
                if let Some(v) = value {
                    self.expr(v)?;
                }
            }
            StmtKind::Pass | StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Return(v) => {
                if let Some(v) = v {
                    self.expr(v)?;
                }
            }
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.store(t)?;
                }
            }
            StmtKind::Global(names) => {
                for n in names {
                    let cur = self.cur_flags(n);
                    if cur & (DEF_PARAM | DEF_LOCAL | USE | DEF_ANNOT) != 0 {
                        let msg = if cur & DEF_PARAM != 0 {
                            format!("name '{n}' is parameter and global")
                        } else if cur & USE != 0 {
                            format!("name '{n}' is used prior to global declaration")
                        } else if cur & DEF_ANNOT != 0 {
                            format!("annotated name '{n}' can't be global")
                        } else {
                            format!("name '{n}' is assigned to before global declaration")
                        };
                        return Err(err(msg, s.span));
                    }
                    self.add_def(n, DEF_GLOBAL, s.span)?;
                    let m = mangle(self.private.as_deref(), n);
                    self.cur().directives.entry(m).or_insert(s.span);
                }
            }
            StmtKind::Nonlocal(names) => {
                for n in names {
                    let cur = self.cur_flags(n);
                    if cur & (DEF_PARAM | DEF_LOCAL | USE | DEF_ANNOT) != 0 {
                        let msg = if cur & DEF_PARAM != 0 {
                            format!("name '{n}' is parameter and nonlocal")
                        } else if cur & USE != 0 {
                            format!("name '{n}' is used prior to nonlocal declaration")
                        } else if cur & DEF_ANNOT != 0 {
                            format!("annotated name '{n}' can't be nonlocal")
                        } else {
                            format!("name '{n}' is assigned to before nonlocal declaration")
                        };
                        return Err(err(msg, s.span));
                    }
                    if self.cur().typ == BlockType::Module {
                        return Err(err(
                            "nonlocal declaration not allowed at module level",
                            s.span,
                        ));
                    }
                    self.add_def(n, DEF_NONLOCAL, s.span)?;
                    let m = mangle(self.private.as_deref(), n);
                    self.cur().directives.entry(m).or_insert(s.span);
                }
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test)?;
                self.stmts(body)?;
                self.stmts(orelse)?;
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                ..
            } => {
                self.store(target)?;
                self.expr(iter)?;
                self.stmts(body)?;
                self.stmts(orelse)?;
            }
            StmtKind::Match { subject, cases } => {
                self.expr(subject)?;
                for c in cases {
                    self.pattern(&c.pattern)?;
                    if let Some(g) = &c.guard {
                        self.expr(g)?;
                    }
                    self.stmts(&c.body)?;
                }
            }
            StmtKind::With { items, body, .. } => {
                for it in items {
                    self.expr(&it.context)?;
                    if let Some(t) = &it.target {
                        self.store(t)?;
                    }
                }
                self.stmts(body)?;
            }
            StmtKind::Raise { exc, cause } => {
                if let Some(e) = exc {
                    self.expr(e)?;
                }
                if let Some(c) = cause {
                    self.expr(c)?;
                }
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                ..
            } => {
                self.stmts(body)?;
                self.stmts(orelse)?;
                for h in handlers {
                    if let Some(t) = &h.typ {
                        self.expr(t)?;
                    }
                    if let Some(n) = &h.name {
                        self.add_def(n, DEF_LOCAL, h.span)?;
                    }
                    self.stmts(&h.body)?;
                }
                self.stmts(finalbody)?;
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test)?;
                if let Some(m) = msg {
                    self.expr(m)?;
                }
            }
            StmtKind::FunctionDef(fd) => {
                self.add_def(&fd.name, DEF_LOCAL, s.span)?;
                self.param_defaults(&fd.params)?;
                self.annotations(&fd.params)?;
                if let Some(r) = &fd.returns {
                    self.expr(r)?;
                }
                for d in &fd.decorators {
                    self.expr(d)?;
                }
                self.enter(BlockType::Function, &fd.name, node_key(&**fd));
                if fd.is_async {
                    self.cur().is_coroutine = true;
                }
                self.params(&fd.params)?;
                self.stmts(&fd.body)?;
                self.exit();
            }
            StmtKind::ClassDef(cd) => {
                self.add_def(&cd.name, DEF_LOCAL, s.span)?;
                for b in &cd.bases {
                    self.expr(b)?;
                }
                for k in &cd.keywords {
                    self.expr(&k.value)?;
                }
                for d in &cd.decorators {
                    self.expr(d)?;
                }
                self.enter(BlockType::Class, &cd.name, node_key(&**cd));
                let saved = self.private.replace(cd.name.clone());
                self.stmts(&cd.body)?;
                self.private = saved;
                self.exit();
            }
            StmtKind::Import(names) | StmtKind::ImportFrom { names, .. } => {
                for a in names {
                    if a.name == "*" {
                        if self.cur().typ != BlockType::Module {
                            return Err(err("import * only allowed at module level", a.span));
                        }
                        continue;
                    }
                    let bound = match &a.asname {
                        Some(n) => n.as_str(),
                        None => a.name.split('.').next().unwrap_or(&a.name),
                    };
                    self.add_def(bound, DEF_IMPORT, a.span)?;
                }
            }
        }
        Ok(())
    }

    fn param_defaults(&mut self, p: &Parameters) -> R {
        for prm in p.posonly.iter().chain(&p.args).chain(&p.kwonly) {
            if let Some(d) = &prm.default {
                self.expr(d)?;
            }
        }
        Ok(())
    }

    fn annotations(&mut self, p: &Parameters) -> R {
        for prm in all_params(p) {
            if let Some(a) = &prm.annotation {
                self.expr(a)?;
            }
        }
        Ok(())
    }

    fn params(&mut self, p: &Parameters) -> R {
        for prm in p.posonly.iter().chain(&p.args).chain(&p.kwonly) {
            self.add_def(&prm.name, DEF_PARAM, prm.span)?;
        }
        if let Some(v) = &p.vararg {
            self.add_def(&v.name, DEF_PARAM, v.span)?;
        }
        if let Some(k) = &p.kwarg {
            self.add_def(&k.name, DEF_PARAM, k.span)?;
        }
        Ok(())
    }

    fn exprs(&mut self, es: &[Expr]) -> R {
        for e in es {
            self.expr(e)?;
        }
        Ok(())
    }

    fn expr(&mut self, e: &Expr) -> R {
        match &e.kind {
            ExprKind::Name(n) => {
                // The context is not in the AST; the compiler's visitors below call
                // `store` for targets, so a bare visit is a load.
                self.add_def(n, USE, e.span)?;
                if n == "super" && self.cur().typ == BlockType::Function {
                    self.add_def("__class__", USE, e.span)?;
                }
            }
            ExprKind::Constant(_) => {}
            ExprKind::JoinedStr(parts) => self.fparts(parts)?,
            ExprKind::BoolOp { values, .. } => self.exprs(values)?,
            ExprKind::BinOp { left, right, .. } => {
                self.expr(left)?;
                self.expr(right)?;
            }
            ExprKind::UnaryOp { operand, .. } => self.expr(operand)?,
            ExprKind::Compare {
                left, comparators, ..
            } => {
                self.expr(left)?;
                self.exprs(comparators)?;
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.expr(func)?;
                self.exprs(args)?;
                for k in keywords {
                    self.expr(&k.value)?;
                }
            }
            ExprKind::Attribute { value, .. } => self.expr(value)?,
            ExprKind::Subscript { value, index } => {
                self.expr(value)?;
                self.expr(index)?;
            }
            ExprKind::Slice { lower, upper, step } => {
                for x in [lower, upper, step].into_iter().flatten() {
                    self.expr(x)?;
                }
            }
            ExprKind::Starred(v) => self.expr(v)?,
            ExprKind::List(es) | ExprKind::Tuple(es) | ExprKind::Set(es) => self.exprs(es)?,
            ExprKind::Dict { keys, values } => {
                for (k, v) in keys.iter().zip(values) {
                    if let Some(k) = k {
                        self.expr(k)?;
                    }
                    self.expr(v)?;
                }
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test)?;
                self.expr(body)?;
                self.expr(orelse)?;
            }
            ExprKind::Lambda { params, body } => {
                self.param_defaults(params)?;
                self.enter(BlockType::Function, "lambda", node_key(e));
                self.params(params)?;
                self.expr(body)?;
                self.exit();
            }
            ExprKind::NamedExpr { target, value } => {
                if self.cur().comp_iter_expr > 0 {
                    return Err(err(
                        "assignment expression cannot be used in a comprehension iterable expression",
                        e.span,
                    ));
                }
                if self.cur().comprehension.is_some() {
                    self.extend_namedexpr_scope(target)?;
                }
                self.expr(value)?;
                self.store(target)?;
            }
            ExprKind::ListComp { elt, generators } => {
                self.comprehension(e, CompKind::List, generators, elt, None)?
            }
            ExprKind::SetComp { elt, generators } => {
                self.comprehension(e, CompKind::Set, generators, elt, None)?
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => self.comprehension(e, CompKind::Dict, generators, key, Some(value))?,
            ExprKind::GeneratorExp { elt, generators } => {
                self.comprehension(e, CompKind::Gen, generators, elt, None)?
            }
            ExprKind::Await(v) => {
                self.expr(v)?;
                self.cur().is_coroutine = true;
            }
            ExprKind::Yield(v) => {
                if let Some(v) = v {
                    self.expr(v)?;
                }
                self.yield_seen(e.span)?;
            }
            ExprKind::YieldFrom(v) => {
                self.expr(v)?;
                self.yield_seen(e.span)?;
            }
        }
        Ok(())
    }

    fn yield_seen(&mut self, span: Span) -> R {
        let cur = self.cur();
        cur.is_generator = true;
        if let Some(k) = cur.comprehension {
            return Err(err(k.yield_error(), span));
        }
        Ok(())
    }

    fn fparts(&mut self, parts: &[FStringPart]) -> R {
        for p in parts {
            if let FStringPart::Formatted { value, spec, .. } = p {
                self.expr(value)?;
                if let Some(spec) = spec {
                    self.fparts(spec)?;
                }
            }
        }
        Ok(())
    }

    /// Visit an assignment target.
    /// A match pattern: its captures are local bindings, its values and classes are loads.
    fn pattern(&mut self, p: &Pattern) -> R {
        match &*p.kind {
            PatternKind::Value(e) => self.expr(e),
            PatternKind::Singleton(_) => Ok(()),
            PatternKind::Sequence(v) | PatternKind::Or(v) => {
                v.iter().try_for_each(|x| self.pattern(x))
            }
            PatternKind::Mapping {
                keys,
                patterns,
                rest,
            } => {
                keys.iter().try_for_each(|k| self.expr(k))?;
                patterns.iter().try_for_each(|x| self.pattern(x))?;
                rest.iter()
                    .try_for_each(|n| self.add_def(n, DEF_LOCAL, p.span))
            }
            PatternKind::Class {
                cls,
                patterns,
                kwd_patterns,
                ..
            } => {
                self.expr(cls)?;
                patterns
                    .iter()
                    .chain(kwd_patterns)
                    .try_for_each(|x| self.pattern(x))
            }
            PatternKind::Star(n) => n
                .iter()
                .try_for_each(|n| self.add_def(n, DEF_LOCAL, p.span)),
            PatternKind::As { pattern, name } => {
                if let Some(x) = pattern {
                    self.pattern(x)?;
                }
                name.iter()
                    .try_for_each(|n| self.add_def(n, DEF_LOCAL, p.span))
            }
        }
    }

    fn store(&mut self, t: &Expr) -> R {
        match &t.kind {
            ExprKind::Name(n) => self.add_def(n, DEF_LOCAL, t.span),
            ExprKind::Tuple(es) | ExprKind::List(es) => {
                for x in es {
                    self.store(x)?;
                }
                Ok(())
            }
            ExprKind::Starred(v) => self.store(v),
            _ => self.expr(t),
        }
    }

    fn extend_namedexpr_scope(&mut self, target: &Expr) -> R {
        let ExprKind::Name(name) = &target.kind else {
            return Ok(());
        };
        let mangled = mangle(self.private.as_deref(), name);
        for &id in self.stack.clone().iter().rev() {
            let ste = &self.st.scopes[id];
            if ste.comprehension.is_some() {
                if ste.flags(&mangled) & DEF_COMP_ITER != 0 {
                    return Err(err(
                        format!(
                            "assignment expression cannot rebind comprehension iteration variable '{name}'"
                        ),
                        target.span,
                    ));
                }
                continue;
            }
            match ste.typ {
                BlockType::Function => {
                    let flag = if ste.flags(&mangled) & DEF_GLOBAL != 0 {
                        DEF_GLOBAL
                    } else {
                        DEF_NONLOCAL
                    };
                    self.add_def(name, flag, target.span)?;
                    self.cur().directives.entry(mangled).or_insert(target.span);
                    return self.add_def_in(id, name, DEF_LOCAL, target.span);
                }
                BlockType::Module => {
                    self.add_def(name, DEF_GLOBAL, target.span)?;
                    self.cur().directives.entry(mangled).or_insert(target.span);
                    return self.add_def_in(id, name, DEF_GLOBAL, target.span);
                }
                BlockType::Class => {
                    return Err(err(
                        "assignment expression within a comprehension cannot be used in a class body",
                        target.span,
                    ));
                }
            }
        }
        Ok(())
    }

    fn comprehension(
        &mut self,
        e: &Expr,
        kind: CompKind,
        gens: &[Comprehension],
        elt: &Expr,
        value: Option<&Expr>,
    ) -> R {
        let Some(outermost) = gens.first() else {
            return Ok(());
        };
        self.cur().comp_iter_expr += 1;
        let r = self.expr(&outermost.iter);
        self.cur().comp_iter_expr -= 1;
        r?;
        self.enter(BlockType::Function, kind.code_name(), node_key(e));
        self.cur().comprehension = Some(kind);
        if outermost.is_async {
            self.cur().is_coroutine = true;
        }
        self.add_def(".0", DEF_PARAM, e.span)?;
        self.cur().comp_iter_target = true;
        let r = self.store(&outermost.target);
        self.cur().comp_iter_target = false;
        r?;
        self.exprs(&outermost.ifs)?;
        for g in &gens[1..] {
            self.cur().comp_iter_target = true;
            let r = self.store(&g.target);
            self.cur().comp_iter_target = false;
            r?;
            self.cur().comp_iter_expr += 1;
            let r = self.expr(&g.iter);
            self.cur().comp_iter_expr -= 1;
            r?;
            self.exprs(&g.ifs)?;
            if g.is_async {
                self.cur().is_coroutine = true;
            }
        }
        if let Some(v) = value {
            self.expr(v)?;
        }
        self.expr(elt)?;
        let is_gen = kind == CompKind::Gen;
        self.cur().is_generator = is_gen;
        let is_async = self.cur().is_coroutine && !is_gen;
        self.exit();
        if is_async {
            self.cur().is_coroutine = true;
        }
        Ok(())
    }
}

pub fn all_params(p: &Parameters) -> impl Iterator<Item = &Param> {
    p.posonly
        .iter()
        .chain(&p.args)
        .chain(p.vararg.as_ref())
        .chain(&p.kwonly)
        .chain(p.kwarg.as_ref())
}
