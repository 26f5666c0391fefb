//! `eval`, `exec` and `compile`: aio code compiled and run at run time.

use crate::bytecode::Source;
use crate::obj::function::Args;
use crate::obj::{DictData, Obj};
use crate::vm::errors::{not_implemented, type_error, value_error, PyResult};
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Exec,
    Eval,
}

/// The namespaces code runs in: explicit ones, else the calling frame's (a function's
/// locals are a snapshot dict, as in CPython).
fn namespaces(
    vm: &mut Vm,
    globals: Option<&Value>,
    locals: Option<&Value>,
) -> PyResult<(ObjRef, ObjRef)> {
    let as_dict = |v: &Value, what: &str| -> PyResult<Option<ObjRef>> {
        match v {
            Value::None => Ok(None),
            Value::Obj(o) if matches!(&**o, Obj::Dict(_)) => Ok(Some(o.clone())),
            _ => Err(type_error(format!(
                "{what} must be a dict, not {}",
                "other"
            ))),
        }
    };
    let g = match globals {
        Some(v) => as_dict(v, "globals")?,
        None => None,
    };
    let l = match locals {
        Some(v) => as_dict(v, "locals")?,
        None => None,
    };
    match (g, l) {
        (Some(g), Some(l)) => Ok((g, l)),
        (Some(g), None) => Ok((g.clone(), g)),
        (None, l) => {
            let Some(f) = vm.frames.last() else {
                let m = vm.new_module("__main__", None);
                let d = match &*m {
                    Obj::Module(m) => m.dict.clone(),
                    _ => return Err(type_error("no namespace")),
                };
                return Ok((d.clone(), l.unwrap_or(d)));
            };
            let globals = f.globals.clone();
            // Explicit locals with the caller's globals (`eval(src, None, ns)`).
            if let Some(l) = l {
                return Ok((globals, l));
            }
            let locals = match f.locals_map() {
                Some(m) => m.clone(),
                None => {
                    let mut d = DictData::new();
                    let code = f.code.clone();
                    for (i, name) in code.code.varnames.iter().enumerate() {
                        if let Some(v) = f.locals.get(i) {
                            if !v.is_undef() {
                                crate::vm::dictops::set_str(&mut d, Value::str(name), v.clone());
                            }
                        }
                    }
                    ObjRef::new(Obj::Dict(RefCell::new(d)))
                }
            };
            Ok((globals, locals))
        }
    }
}

fn source_text(vm: &mut Vm, v: &Value, func: &str) -> PyResult<String> {
    let text = match v {
        Value::Obj(o) => match &**o {
            Obj::Str(s) => s.as_str().to_string(),
            Obj::Bytes(b) => decode_source(vm, b)?,
            _ => return Err(not_source(func)),
        },
        _ => return Err(not_source(func)),
    };
    if text.contains('\0') {
        return Err(crate::vm::errors::exc(
            crate::vm::types::ExcKind::SyntaxError,
            "source code string cannot contain null bytes",
        ));
    }
    Ok(text)
}

fn not_source(func: &str) -> crate::vm::errors::ExcRef {
    type_error(format!(
        "{func}() arg 1 must be a string, bytes or code object"
    ))
}

/// Source bytes decoded as CPython's tokenizer does: a UTF-8 BOM, else the PEP 263
/// `coding:` declaration in the first two lines, else UTF-8.
fn decode_source(vm: &mut Vm, b: &[u8]) -> PyResult<String> {
    if let Some(rest) = b.strip_prefix(b"\xef\xbb\xbf") {
        return utf8_source(rest);
    }
    let encoding = b
        .split(|&c| c == b'\n')
        .take(2)
        .find_map(coding_declaration)
        .unwrap_or_else(|| "utf-8".to_string());
    let normalized = encoding.to_ascii_lowercase().replace('_', "-");
    if normalized == "utf-8" || normalized == "utf8" || normalized.starts_with("utf-8-") {
        return utf8_source(b);
    }
    let decoded = crate::modules::codecs::decode_text(vm, b, &encoding, "strict")?;
    Ok(decoded.as_str().unwrap_or_default().to_string())
}

fn utf8_source(b: &[u8]) -> PyResult<String> {
    String::from_utf8(b.to_vec()).map_err(|_| {
        not_implemented("compiling source bytes that are not valid UTF-8 (CPython's unicode error)")
    })
}

/// The encoding a `# -*- coding: NAME -*-` comment line declares.
fn coding_declaration(line: &[u8]) -> Option<String> {
    let line = std::str::from_utf8(line).ok()?;
    let comment = line.trim_start_matches([' ', '\t', '\x0c']);
    if !comment.starts_with('#') {
        return None;
    }
    let at = comment.find("coding")?;
    let rest = comment.get(at + 6..)?;
    let rest = rest.strip_prefix([':', '='])?;
    let name: String = rest
        .trim_start_matches([' ', '\t'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    (!name.is_empty()).then_some(name)
}

fn compile_text(
    vm: &mut Vm,
    text: String,
    filename: &str,
    kind: Kind,
) -> PyResult<Rc<crate::bytecode::Code>> {
    match kind {
        Kind::Exec => vm.compile_source(
            Rc::new(Source::new(filename, text)),
            crate::compile::Mode::Exec,
        ),
        Kind::Eval => {
            let source = Rc::new(Source::without_implied_newline(filename, text));
            let expr = crate::syntax::parse_expr(&source.text).map_err(|e| {
                let e = if super::compile_single::without_tokens(&source.text) {
                    e.with_columns(crate::syntax::error::Columns::NoToken)
                } else {
                    super::compile_single::no_column_at_unterminated_end(e, &source.text)
                };
                vm.syntax_error_exc(&e, &source)
            })?;
            let compiled = crate::compile::compile_expression(&expr, source.clone());
            crate::vm::warnings::report_compile_warnings(vm);
            compiled.map_err(|e| vm.syntax_error_exc(&e, &source))
        }
    }
}

fn run(vm: &mut Vm, args: &Args, kind: Kind, name: &str) -> PyResult<Value> {
    // CPython 3.11: eval(source, globals, locals, /); exec(..., /, *, closure=None).
    if kind == Kind::Eval {
        args.no_kwargs(name)?;
    } else {
        args.only_kwargs(name, &["closure"])?;
        if args.kw("closure").is_some_and(|c| !c.is_none()) {
            return Err(not_implemented("exec() with a closure argument"));
        }
    }
    let Some(src) = args.get(0) else {
        return Err(type_error(format!(
            "{name} expected at least 1 argument, got 0"
        )));
    };
    let code = match src {
        Value::Obj(o) if matches!(&**o, Obj::Code(_)) => match &**o {
            Obj::Code(c) => c.code.clone(),
            _ => return Err(type_error("bad code object")),
        },
        _ => {
            let mut text = source_text(vm, src, name)?;
            if kind == Kind::Eval {
                // eval() (not compile()) drops the string's leading spaces and tabs.
                text = text.trim_start_matches([' ', '\t']).to_string();
            }
            compile_text(vm, text, "<string>", kind)?
        }
    };
    let (globals, locals) = namespaces(vm, args.arg(1, "globals"), args.arg(2, "locals"))?;
    if let Obj::Dict(d) = &*globals {
        let key = vm.intern("__builtins__");
        if crate::vm::dictops::get_str(&d.borrow(), &key).is_none() {
            crate::vm::dictops::set_str(&mut d.borrow_mut(), key, Value::Obj(vm.builtins.clone()));
        }
    }
    let co = vm.code_object(code);
    let mut frame = crate::vm::frame::Frame::new(co, globals);
    frame.extra_mut().locals_map = Some(locals);
    let r = vm.run_frame(frame)?;
    Ok(if kind == Kind::Eval { r } else { Value::None })
}

fn eval(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    run(vm, args, Kind::Eval, "eval")
}

fn exec(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    run(vm, args, Kind::Exec, "exec")
}

/// `compile(source, filename, mode)` for modes 'exec' and 'eval'.
fn compile(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.only_kwargs(
        "compile",
        &[
            "source",
            "filename",
            "mode",
            "flags",
            "dont_inherit",
            "optimize",
            "_feature_version",
        ],
    )?;
    let src = args.arg(0, "source").cloned().unwrap_or(Value::None);
    if is_ast_node(vm, &src) {
        return Err(not_implemented(
            "compiling an AST object is not supported by aio yet",
        ));
    }
    if !matches!(
        src.as_obj().map(|o| &**o),
        Some(Obj::Str(_) | Obj::Bytes(_))
    ) {
        return Err(type_error(
            "compile() arg 1 must be a string, bytes or AST object",
        ));
    }
    let filename = match args.arg(1, "filename") {
        Some(v) => filename_text(vm, v)?,
        None => "<string>".into(),
    };
    let mode = args
        .arg(2, "mode")
        .and_then(|v| v.as_str().map(|s| s.to_string()))
        .unwrap_or_default();
    let flags = match args.arg(3, "flags") {
        Some(Value::Int(f)) => *f,
        Some(Value::Bool(b)) => i64::from(*b),
        _ => 0,
    };
    if flags & super::ast_nodes::PYCF_ONLY_AST != 0 {
        let version = args.arg(6, "_feature_version").cloned();
        let text = source_text(vm, &src, "compile")?;
        return super::ast_nodes::parse(vm, text, &filename, &mode, flags, version);
    }
    let kind = match mode.as_str() {
        "exec" => Kind::Exec,
        "eval" => Kind::Eval,
        "single" => Kind::Exec,
        _ => {
            return Err(value_error(
                "compile() mode must be 'exec', 'eval' or 'single'",
            ))
        }
    };
    let text = source_text(vm, &src, "compile")?;
    let code = if mode == "single" {
        super::compile_single::compile(vm, text, &filename, flags)?
    } else {
        if flags & super::compile_single::ALLOW_INCOMPLETE_INPUT != 0 {
            // Eval input is incomplete only inside an open bracket or string, which both
            // parsers call incomplete (CPython's eval input also ends in a NEWLINE token).
            let parsed = crate::syntax::parse_module(&text);
            let parsed = match (kind, parsed) {
                // No token at all: eval input still wants its expression.
                (Kind::Eval, Ok(m)) if m.body.is_empty() => {
                    let end = text.len() as u32;
                    let span = crate::syntax::ast::Span { start: end, end };
                    let mut e = crate::syntax::error::SyntaxError::syntax("invalid syntax", span);
                    e.incomplete = true;
                    Err(e)
                }
                (Kind::Eval, Err(e)) if e.incomplete => {
                    match crate::syntax::parse_expr(text.trim_start_matches([' ', '\t'])) {
                        Err(expr_error) if !expr_error.incomplete => Ok(()),
                        _ => Err(e),
                    }
                }
                (_, parsed) => parsed.map(|_| ()),
            };
            if let Err(e) = parsed.map_err(|e| super::compile_single::parse_error(e, flags)) {
                if e.msg == "incomplete input" {
                    return Err(vm.syntax_error_exc(&e, &Source::new(&filename, text)));
                }
            }
        }
        compile_text(vm, text, &filename, kind)?
    };
    let co = vm.code_object(code);
    Ok(Value::obj(Obj::Code(co)))
}

/// compile()'s filename: a str, bytes, or an `os.PathLike` giving either.
fn filename_text(vm: &mut Vm, v: &Value) -> PyResult<String> {
    let path = match v.as_obj().map(|o| &**o) {
        Some(Obj::Str(_) | Obj::Bytes(_)) => v.clone(),
        _ => match crate::vm::class::lookup(&vm.type_of(v), &vm.intern("__fspath__")) {
            Some(_) => {
                let f = vm.get_attr_str(v, "__fspath__")?;
                vm.call(&f, &[])?
            }
            None => {
                return Err(type_error(format!(
                    "expected str, bytes or os.PathLike object, not {}",
                    vm.type_name(v)
                )))
            }
        },
    };
    match path.as_obj().map(|o| &**o) {
        Some(Obj::Str(s)) => Ok(s.as_str().to_string()),
        Some(Obj::Bytes(b)) => Ok(String::from_utf8_lossy(b).into_owned()),
        _ => Err(type_error(format!(
            "expected {}.__fspath__() to return str or bytes, not {}",
            vm.type_name(v),
            vm.type_name(&path)
        ))),
    }
}

/// An `ast.AST` instance, which CPython's compile() accepts in place of source text.
fn is_ast_node(vm: &mut Vm, v: &Value) -> bool {
    let Some(module) = vm.sys_module("_ast") else {
        return false;
    };
    match vm.get_attr_str(&module, "AST") {
        Ok(Value::Obj(cls)) => vm.isinstance(v, &cls),
        _ => false,
    }
}

pub fn register(vm: &mut Vm) {
    for (name, f) in [
        ("eval", eval as crate::obj::function::NativeFn),
        ("exec", exec),
        ("compile", compile),
    ] {
        let v = crate::vm::native::native("", name, f);
        vm.set_builtin(name, v);
    }
}
