//! `compile(source, filename, mode, PyCF_ONLY_AST)` (what `ast.parse` calls): aio's own
//! syntax tree (`crate::syntax::ast`) turned into the node objects of the `_ast` module
//! (`stdlib/_ast.aio`), with CPython 3.11's shapes and positions.
//!
//! aio's tree differs from CPython's in a few places that are undone here: parameter
//! defaults live on each parameter, negative numbers in patterns are folded, `except*`
//! is a flag, and f-string parts are not merged. Positions: aio spans are byte offsets,
//! and CPython's `col_offset` counts UTF-8 bytes too, so a column is `offset - line start`.
//! Statements are here; expressions, constants, f-strings and patterns are in `ast_exprs`.

use crate::bytecode::Source;
use crate::obj::{DictData, InstanceObj, Obj};
use crate::syntax::ast::*;
use crate::vm::dictops::{get_str, set_str};
use crate::vm::errors::{not_implemented, type_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::collections::HashMap;
use std::rc::Rc;

/// `ast.PyCF_ONLY_AST`.
pub const PYCF_ONLY_AST: i64 = 0x400;

/// `ast.PyCF_TYPE_COMMENTS`.
const PYCF_TYPE_COMMENTS: i64 = 0x1000;

/// Parses `text` in `mode` ('exec', 'eval', 'single') into an `_ast` tree; `flags` and
/// `feature_version` (the minor version, -1 for the current one) as compile() got them.
pub fn parse(
    vm: &mut Vm,
    text: String,
    filename: &str,
    mode: &str,
    flags: i64,
    feature_version: Option<Value>,
) -> PyResult<Value> {
    if !matches!(feature_version, None | Some(Value::Int(-1 | 11..))) {
        return Err(not_implemented(
            "ast.parse() with a feature_version other than (3, 11) is not supported by aio yet",
        ));
    }
    // Without type comments in the source the tree is the same either way.
    if flags & PYCF_TYPE_COMMENTS != 0 && has_type_comment(&text) {
        return Err(not_implemented(
            "ast.parse() with type_comments=True on source holding '# type:' comments \
             is not supported by aio yet",
        ));
    }
    let module = vm.import_module("_ast")?;
    let ns = match module.as_obj().map(|o| &**o) {
        Some(Obj::Module(m)) => m.dict.clone(),
        _ => return Err(type_error("_ast is not a module")),
    };
    let source = Rc::new(Source::new(filename, text));
    let mut b = Builder {
        vm,
        ns,
        src: source.clone(),
        classes: HashMap::new(),
        singletons: HashMap::new(),
        line_starts: line_starts(&source.text),
    };
    match mode {
        "exec" => {
            let m = crate::syntax::without_compiler_checks(|| {
                crate::syntax::parse_module(&source.text)
            })
            .map_err(|e| b.vm.syntax_error_exc(&e, &source))?;
            let body = b.stmts(&m.body)?;
            b.node(
                "Module",
                &[("body", body), ("type_ignores", Value::list(vec![]))],
                None,
            )
        }
        "single" => {
            let m = crate::syntax::without_compiler_checks(|| {
                crate::syntax::parse_interactive(&source.text)
            })
            .map_err(|e| b.vm.syntax_error_exc(&e, &source))?;
            let body = b.stmts(&m.body)?;
            b.node("Interactive", &[("body", body)], None)
        }
        "eval" => {
            // An indented first line is an IndentationError in CPython's eval mode too;
            // aio's expression parser skips indentation, so ask the file parser for it.
            if first_line_indented(&source.text) {
                if let Err(e) = crate::syntax::parse_module(&source.text) {
                    return Err(b.vm.syntax_error_exc(&e, &source));
                }
            }
            let e =
                crate::syntax::without_compiler_checks(|| crate::syntax::parse_expr(&source.text))
                    .map_err(|e| b.vm.syntax_error_exc(&e, &source))?;
            let body = b.expr(&e, Ctx::Load)?;
            b.node("Expression", &[("body", body)], None)
        }
        "func_type" => Err(not_implemented(
            "ast.parse() mode 'func_type' is not supported by aio yet",
        )),
        _ => Err(crate::vm::errors::value_error(
            "compile() mode must be 'exec', 'eval', 'single' or 'func_type'",
        )),
    }
}

/// Whether `text` may hold a `# type: ...` comment (a `#`, blanks, then `type:`);
/// cautious: such text inside a string literal counts too.
fn has_type_comment(text: &str) -> bool {
    text.match_indices('#').any(|(i, _)| {
        text.get(i + 1..)
            .is_some_and(|rest| rest.trim_start_matches([' ', '\t']).starts_with("type:"))
    })
}

fn line_starts(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i as u32 + 1);
        }
    }
    starts
}

/// Whether the first line holding code (not blank, not only a comment) is indented.
fn first_line_indented(text: &str) -> bool {
    for line in text.lines() {
        let code = line.trim_start_matches([' ', '\t', '\x0c']);
        if code.is_empty() || code.starts_with('#') {
            continue;
        }
        return code.len() != line.len();
    }
    false
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Ctx {
    Load,
    Store,
    Del,
}

impl Ctx {
    pub(super) fn name(self) -> &'static str {
        match self {
            Ctx::Load => "Load",
            Ctx::Store => "Store",
            Ctx::Del => "Del",
        }
    }
}

type Fields<'f> = &'f [(&'static str, Value)];

pub(super) struct Builder<'v> {
    pub(super) vm: &'v mut Vm,
    /// The `_ast` module's namespace, where the node classes live.
    ns: ObjRef,
    pub(super) src: Rc<Source>,
    classes: HashMap<&'static str, ObjRef>,
    singletons: HashMap<&'static str, Value>,
    /// Where each line starts; `\r\n`, `\r` and `\n` all end a line, as in CPython.
    line_starts: Vec<u32>,
}

impl Builder<'_> {
    pub(super) fn lookup(&mut self, name: &str) -> PyResult<Value> {
        let key = self.vm.intern(name);
        let found = match &*self.ns {
            Obj::Dict(d) => get_str(&d.borrow(), &key),
            _ => None,
        };
        found.ok_or_else(|| type_error(format!("_ast has no {name}")))
    }

    pub(super) fn class(&mut self, name: &'static str) -> PyResult<ObjRef> {
        if let Some(c) = self.classes.get(name) {
            return Ok(c.clone());
        }
        let c = match self.lookup(name)? {
            Value::Obj(o) if matches!(&*o, Obj::Class(_)) => o,
            _ => return Err(type_error(format!("_ast.{name} is not a class"))),
        };
        self.classes.insert(name, c.clone());
        Ok(c)
    }

    /// The shared instance of a field-less node (`Load()`, `Add()`, ...), as CPython
    /// shares them.
    pub(super) fn singleton(&mut self, name: &'static str) -> PyResult<Value> {
        if let Some(v) = self.singletons.get(name) {
            return Ok(v.clone());
        }
        let table = self.lookup("_singletons")?;
        let key = self.vm.intern(name);
        let found = match table.as_obj().map(|o| &**o) {
            Some(Obj::Dict(d)) => get_str(&d.borrow(), &key),
            _ => None,
        };
        let v = found.ok_or_else(|| type_error(format!("_ast has no {name} singleton")))?;
        self.singletons.insert(name, v.clone());
        Ok(v)
    }

    /// A node of class `cls` with `fields`, then the four position attributes of `span`.
    pub(super) fn node(
        &mut self,
        cls: &'static str,
        fields: Fields,
        span: Option<Span>,
    ) -> PyResult<Value> {
        let class = self.class(cls)?;
        let mut d = DictData::new();
        for (k, v) in fields {
            set_str(&mut d, self.vm.intern(k), v.clone());
        }
        if let Some(span) = span {
            let (l, c, el, ec) = self.position(span);
            for (k, v) in [
                ("lineno", l),
                ("col_offset", c),
                ("end_lineno", el),
                ("end_col_offset", ec),
            ] {
                set_str(&mut d, self.vm.intern(k), Value::Int(v));
            }
        }
        Ok(Value::obj(Obj::Instance(InstanceObj::with_attrs(
            class,
            d,
            Value::Undef,
        ))))
    }

    pub(super) fn position(&self, span: Span) -> (i64, i64, i64, i64) {
        let (l, c) = self.line_col(span.start);
        let (el, ec) = self.line_col(span.end);
        (l, c, el, ec)
    }

    /// 1-based line and byte column of `offset`.
    pub(super) fn line_col(&self, offset: u32) -> (i64, i64) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        };
        let start = self
            .line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(0);
        (line as i64, i64::from(offset.saturating_sub(start)))
    }

    pub(super) fn text_at(&self, offset: u32) -> &str {
        self.src.text.get(offset as usize..).unwrap_or("")
    }

    /// A block ends at its last token, which CPython counts as the `;` that may follow
    /// the last statement (`if x: pass;`).
    pub(super) fn through_semicolon(&self, span: Span) -> Span {
        let rest = self.text_at(span.end);
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t', '\x0c']).len();
        match rest.get(blanks..) {
            Some(r) if r.starts_with(';') => Span {
                start: span.start,
                end: span.end + blanks as u32 + 1,
            },
            _ => span,
        }
    }

    pub(super) fn opt_expr(&mut self, e: Option<&Expr>) -> PyResult<Value> {
        match e {
            Some(e) => self.expr(e, Ctx::Load),
            None => Ok(Value::None),
        }
    }

    pub(super) fn exprs(&mut self, es: &[Expr], ctx: Ctx) -> PyResult<Value> {
        let mut out = Vec::with_capacity(es.len());
        for e in es {
            out.push(self.expr(e, ctx)?);
        }
        Ok(Value::list(out))
    }

    pub(super) fn names(names: &[Name]) -> Value {
        Value::list(names.iter().map(|n| Self::ident(n)).collect())
    }

    pub(super) fn opt_name(name: &Option<Name>) -> Value {
        name.as_deref().map_or(Value::None, Self::ident)
    }

    /// An identifier as CPython's parser keeps it: NFKC-normalized (`ｘ` is `x`).
    pub(super) fn ident(name: &str) -> Value {
        if name.is_ascii() {
            return Value::str(name);
        }
        let form = super::unicodedata_normalize::Form::Nfkc;
        Value::string(super::unicodedata_normalize::normalize(name, form))
    }

    pub(super) fn stmts(&mut self, body: &[Stmt]) -> PyResult<Value> {
        let mut out = Vec::with_capacity(body.len());
        for s in body {
            out.push(self.stmt(s)?);
        }
        Ok(Value::list(out))
    }

    fn stmt(&mut self, s: &Stmt) -> PyResult<Value> {
        let sp = Some(if s.kind.is_compound() {
            self.through_semicolon(s.span)
        } else {
            s.span
        });
        match &s.kind {
            StmtKind::Expr(e) => {
                let v = self.expr(e, Ctx::Load)?;
                self.node("Expr", &[("value", v)], sp)
            }
            StmtKind::Assign { targets, value } => {
                let t = self.exprs(targets, Ctx::Store)?;
                let v = self.expr(value, Ctx::Load)?;
                self.node(
                    "Assign",
                    &[("targets", t), ("value", v), ("type_comment", Value::None)],
                    sp,
                )
            }
            StmtKind::AugAssign { target, op, value } => {
                let t = self.expr(target, Ctx::Store)?;
                let o = self.singleton(super::ast_exprs::binop_name(*op))?;
                let v = self.expr(value, Ctx::Load)?;
                self.node("AugAssign", &[("target", t), ("op", o), ("value", v)], sp)
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                simple,
            } => {
                let t = self.expr(target, Ctx::Store)?;
                let a = self.expr(annotation, Ctx::Load)?;
                let v = self.opt_expr(value.as_ref())?;
                let simple = Value::Int(i64::from(*simple));
                self.node(
                    "AnnAssign",
                    &[
                        ("target", t),
                        ("annotation", a),
                        ("value", v),
                        ("simple", simple),
                    ],
                    sp,
                )
            }
            StmtKind::Pass => self.node("Pass", &[], sp),
            StmtKind::Break => self.node("Break", &[], sp),
            StmtKind::Continue => self.node("Continue", &[], sp),
            StmtKind::Return(v) => {
                let v = self.opt_expr(v.as_ref())?;
                self.node("Return", &[("value", v)], sp)
            }
            StmtKind::Delete(ts) => {
                let t = self.exprs(ts, Ctx::Del)?;
                self.node("Delete", &[("targets", t)], sp)
            }
            StmtKind::Global(n) => self.node("Global", &[("names", Self::names(n))], sp),
            StmtKind::Nonlocal(n) => self.node("Nonlocal", &[("names", Self::names(n))], sp),
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                let cls = if matches!(s.kind, StmtKind::If { .. }) {
                    "If"
                } else {
                    "While"
                };
                let t = self.expr(test, Ctx::Load)?;
                let b = self.stmts(body)?;
                let o = self.stmts(orelse)?;
                self.node(cls, &[("test", t), ("body", b), ("orelse", o)], sp)
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            } => {
                let t = self.expr(target, Ctx::Store)?;
                let i = self.expr(iter, Ctx::Load)?;
                let b = self.stmts(body)?;
                let o = self.stmts(orelse)?;
                let cls = if *is_async { "AsyncFor" } else { "For" };
                self.node(
                    cls,
                    &[
                        ("target", t),
                        ("iter", i),
                        ("body", b),
                        ("orelse", o),
                        ("type_comment", Value::None),
                    ],
                    sp,
                )
            }
            StmtKind::With {
                items,
                body,
                is_async,
            } => {
                let mut its = Vec::with_capacity(items.len());
                for it in items {
                    let c = self.expr(&it.context, Ctx::Load)?;
                    let v = match &it.target {
                        Some(t) => self.expr(t, Ctx::Store)?,
                        None => Value::None,
                    };
                    its.push(self.node(
                        "withitem",
                        &[("context_expr", c), ("optional_vars", v)],
                        None,
                    )?);
                }
                let b = self.stmts(body)?;
                let cls = if *is_async { "AsyncWith" } else { "With" };
                self.node(
                    cls,
                    &[
                        ("items", Value::list(its)),
                        ("body", b),
                        ("type_comment", Value::None),
                    ],
                    sp,
                )
            }
            StmtKind::Raise { exc, cause } => {
                let e = self.opt_expr(exc.as_ref())?;
                let c = self.opt_expr(cause.as_ref())?;
                self.node("Raise", &[("exc", e), ("cause", c)], sp)
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                is_star,
            } => {
                let b = self.stmts(body)?;
                let mut hs = Vec::with_capacity(handlers.len());
                for h in handlers {
                    let t = self.opt_expr(h.typ.as_ref())?;
                    let hb = self.stmts(&h.body)?;
                    hs.push(self.node(
                        "ExceptHandler",
                        &[("type", t), ("name", Self::opt_name(&h.name)), ("body", hb)],
                        Some(self.through_semicolon(h.span)),
                    )?);
                }
                let o = self.stmts(orelse)?;
                let f = self.stmts(finalbody)?;
                let cls = if *is_star { "TryStar" } else { "Try" };
                self.node(
                    cls,
                    &[
                        ("body", b),
                        ("handlers", Value::list(hs)),
                        ("orelse", o),
                        ("finalbody", f),
                    ],
                    sp,
                )
            }
            StmtKind::Assert { test, msg } => {
                let t = self.expr(test, Ctx::Load)?;
                let m = self.opt_expr(msg.as_ref())?;
                self.node("Assert", &[("test", t), ("msg", m)], sp)
            }
            StmtKind::FunctionDef(f) => {
                let a = self.arguments(&f.params)?;
                let b = self.stmts(&f.body)?;
                let d = self.exprs(&f.decorators, Ctx::Load)?;
                let r = self.opt_expr(f.returns.as_ref())?;
                let cls = if f.is_async {
                    "AsyncFunctionDef"
                } else {
                    "FunctionDef"
                };
                self.node(
                    cls,
                    &[
                        ("name", Self::ident(&f.name)),
                        ("args", a),
                        ("body", b),
                        ("decorator_list", d),
                        ("returns", r),
                        ("type_comment", Value::None),
                    ],
                    sp,
                )
            }
            StmtKind::ClassDef(c) => {
                let bases = self.exprs(&c.bases, Ctx::Load)?;
                let kws = self.keywords(&c.keywords)?;
                let b = self.stmts(&c.body)?;
                let d = self.exprs(&c.decorators, Ctx::Load)?;
                self.node(
                    "ClassDef",
                    &[
                        ("name", Self::ident(&c.name)),
                        ("bases", bases),
                        ("keywords", kws),
                        ("body", b),
                        ("decorator_list", d),
                    ],
                    sp,
                )
            }
            StmtKind::Match { subject, cases } => {
                let subj = self.expr(subject, Ctx::Load)?;
                let mut cs = Vec::with_capacity(cases.len());
                for c in cases {
                    let p = self.pattern(&c.pattern)?;
                    let g = self.opt_expr(c.guard.as_ref())?;
                    let b = self.stmts(&c.body)?;
                    cs.push(self.node(
                        "match_case",
                        &[("pattern", p), ("guard", g), ("body", b)],
                        None,
                    )?);
                }
                self.node(
                    "Match",
                    &[("subject", subj), ("cases", Value::list(cs))],
                    sp,
                )
            }
            StmtKind::Import(names) => {
                let n = self.aliases(names)?;
                self.node("Import", &[("names", n)], sp)
            }
            StmtKind::ImportFrom {
                module,
                names,
                level,
            } => {
                let n = self.aliases(names)?;
                self.node(
                    "ImportFrom",
                    &[
                        ("module", Self::opt_name(module)),
                        ("names", n),
                        ("level", Value::Int(i64::from(*level))),
                    ],
                    sp,
                )
            }
        }
    }

    fn aliases(&mut self, names: &[Alias]) -> PyResult<Value> {
        let mut out = Vec::with_capacity(names.len());
        for a in names {
            out.push(self.node(
                "alias",
                &[
                    ("name", Self::ident(&a.name)),
                    ("asname", Self::opt_name(&a.asname)),
                ],
                Some(a.span),
            )?);
        }
        Ok(Value::list(out))
    }

    pub(super) fn keywords(&mut self, kws: &[Keyword]) -> PyResult<Value> {
        let mut out = Vec::with_capacity(kws.len());
        for k in kws {
            let v = self.expr(&k.value, Ctx::Load)?;
            out.push(self.node(
                "keyword",
                &[("arg", Self::opt_name(&k.arg)), ("value", v)],
                Some(k.span),
            )?);
        }
        Ok(Value::list(out))
    }

    fn arg(&mut self, p: &Param) -> PyResult<Value> {
        let a = self.opt_expr(p.annotation.as_ref())?;
        self.node(
            "arg",
            &[
                ("arg", Self::ident(&p.name)),
                ("annotation", a),
                ("type_comment", Value::None),
            ],
            Some(p.span),
        )
    }

    fn opt_arg(&mut self, p: Option<&Param>) -> PyResult<Value> {
        match p {
            Some(p) => self.arg(p),
            None => Ok(Value::None),
        }
    }

    /// CPython's `arguments`: positional defaults right-aligned in one list, keyword-only
    /// defaults padded with None.
    pub(super) fn arguments(&mut self, ps: &Parameters) -> PyResult<Value> {
        let mut posonly = Vec::new();
        let mut args = Vec::new();
        let mut defaults = Vec::new();
        for p in &ps.posonly {
            posonly.push(self.arg(p)?);
            if let Some(d) = &p.default {
                defaults.push(self.expr(d, Ctx::Load)?);
            }
        }
        for p in &ps.args {
            args.push(self.arg(p)?);
            if let Some(d) = &p.default {
                defaults.push(self.expr(d, Ctx::Load)?);
            }
        }
        let vararg = self.opt_arg(ps.vararg.as_ref())?;
        let mut kwonly = Vec::new();
        let mut kw_defaults = Vec::new();
        for p in &ps.kwonly {
            kwonly.push(self.arg(p)?);
            kw_defaults.push(self.opt_expr(p.default.as_ref())?);
        }
        let kwarg = self.opt_arg(ps.kwarg.as_ref())?;
        self.node(
            "arguments",
            &[
                ("posonlyargs", Value::list(posonly)),
                ("args", Value::list(args)),
                ("vararg", vararg),
                ("kwonlyargs", Value::list(kwonly)),
                ("kw_defaults", Value::list(kw_defaults)),
                ("kwarg", kwarg),
                ("defaults", Value::list(defaults)),
            ],
            None,
        )
    }

    pub(super) fn comprehensions(&mut self, gens: &[Comprehension]) -> PyResult<Value> {
        let mut out = Vec::with_capacity(gens.len());
        for g in gens {
            let t = self.expr(&g.target, Ctx::Store)?;
            let i = self.expr(&g.iter, Ctx::Load)?;
            let ifs = self.exprs(&g.ifs, Ctx::Load)?;
            out.push(self.node(
                "comprehension",
                &[
                    ("target", t),
                    ("iter", i),
                    ("ifs", ifs),
                    ("is_async", Value::Int(i64::from(g.is_async))),
                ],
                None,
            )?);
        }
        Ok(Value::list(out))
    }
}
