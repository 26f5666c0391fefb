//! Compiler tests: disassembly of key shapes, scoping, SyntaxErrors, conformance sources,
//! and an independent stack-depth check over the assembled code.

#[allow(unused_imports)]
use super::symtable::{self, Scope};
use super::{compile_module, Mode};
use crate::bytecode::dis::disassemble;
use crate::bytecode::{Code, ConstValue, Source};
use crate::syntax::parse_module;
use std::rc::Rc;

fn compile(src: &str) -> Result<Rc<Code>, String> {
    let m = parse_module(src).map_err(|e| format!("parse: {}", e.msg))?;
    compile_module(&m, Rc::new(Source::new("<test>", src)), Mode::Exec).map_err(|e| e.msg)
}

fn dis(src: &str) -> String {
    match compile(src) {
        Ok(c) => {
            check_stack(&c);
            disassemble(&c)
        }
        Err(e) => panic!("compile failed: {e}\n{src}"),
    }
}

fn err_of(src: &str) -> String {
    match compile(src) {
        Ok(_) => panic!("expected an error for:\n{src}"),
        Err(e) => e,
    }
}

/// Independent abstract interpretation of `code` using the exception table: every reachable
/// instruction must be reached with one depth, never negative, never above `max_stack`.
fn check_stack(code: &Code) {
    use super::codegen::jump_target;
    use super::stackdepth::{falls_through, stack_effect};
    let n = code.ops.len();
    let mut depth: Vec<Option<i64>> = vec![None; n];
    let mut work = vec![(0usize, 0i64)];
    while let Some((pc, d)) = work.pop() {
        if pc >= n {
            continue;
        }
        assert!(
            d >= 0,
            "negative depth at {pc} in {}\n{}",
            code.qualname,
            disassemble(code)
        );
        assert!(
            d <= i64::from(code.max_stack),
            "depth {d} above max_stack {} at {pc} in {}\n{}",
            code.max_stack,
            code.qualname,
            disassemble(code)
        );
        if let Some(seen) = depth[pc] {
            assert_eq!(
                seen,
                d,
                "inconsistent depth at {pc} in {}\n{}",
                code.qualname,
                disassemble(code)
            );
            continue;
        }
        depth[pc] = Some(d);
        for e in &code.exc_table {
            if (e.start as usize) <= pc && pc < e.end as usize {
                assert!(i64::from(e.depth) <= d, "handler depth above stack at {pc}");
                work.push((e.target as usize, i64::from(e.depth) + 1));
                break;
            }
        }
        let op = &code.ops[pc];
        if let Some(t) = jump_target(op) {
            work.push((t as usize, d + stack_effect(op, true)));
        }
        if falls_through(op) {
            work.push((pc + 1, d + stack_effect(op, false)));
        }
    }
    for c in &code.consts {
        if let ConstValue::Code(inner) = c {
            check_stack(inner);
        }
    }
}

#[test]
fn simple_module() {
    let d = dis("x = 1\nprint(x + 2)\n");
    assert!(d.contains("StoreName x"), "{d}");
    assert!(d.contains("PushNull"), "{d}");
    assert!(d.contains("Call 1") || d.contains("Call(1)"), "{d}");
}

#[test]
fn print_samples() {
    for src in [
        "def f(a, *b, c=1, **d):\n    x = a\n    def g():\n        return x + c\n    return g\n",
        "class C(B):\n    def m(self):\n        return super().m()\n",
        "try:\n    f()\nexcept E as e:\n    g(e)\nfinally:\n    h()\n",
        "for i in x:\n    try:\n        break\n    finally:\n        f()\n",
        "with a as b, c:\n    f()\n",
        "def f():\n    return [x for x in y if x]\n",
        "async def f():\n    async with a as b:\n        await c\n    async for x in y:\n        pass\n",
    ] {
        println!("{src}\n{}", dis(src));
    }
}

fn conformance_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in rd.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "aio") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn conformance_sources_compile() {
    let mut failures = Vec::new();
    for p in conformance_files() {
        let Ok(src) = std::fs::read_to_string(&p) else {
            continue;
        };
        let Ok(m) = parse_module(&src) else { continue };
        match compile_module(&m, Rc::new(Source::new("t", src.as_str())), Mode::Exec) {
            Ok(c) => check_stack(&c),
            Err(e) => failures.push(format!("{}: {}", p.display(), e.msg)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(super::stackdepth::INCONSISTENT.with(|c| c.get()), 0);
}

#[test]
fn conformance_parse_count() {
    let files = conformance_files();
    let parsed = files
        .iter()
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|s| parse_module(&s).is_ok()))
        .count();
    println!("parsed {parsed} of {}", files.len());
}

fn summary(code: &Code, out: &mut String) {
    let j = |v: &[Rc<str>]| {
        v.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    let f = code.flags;
    out.push_str(&format!(
        "{}|{}|{}|{}|{}|{}|{}|{}{}{}{}{}\n",
        code.qualname,
        code.argcount,
        code.posonlyargcount,
        code.kwonlyargcount,
        j(&code.varnames),
        j(&code.cellvars),
        j(&code.freevars),
        u8::from(f.generator),
        u8::from(f.coroutine),
        u8::from(f.async_generator),
        u8::from(f.varargs),
        u8::from(f.varkeywords),
    ));
    for c in &code.consts {
        if let ConstValue::Code(inner) = c {
            summary(inner, out);
        }
    }
}

/// `AIO_DUMP=file1:file2 cargo test --lib dump_summaries -- --ignored --nocapture` prints
/// code-object summaries to compare with `tests/cpython_summary.py`.
#[test]
#[ignore]
fn dump_summaries() {
    let Ok(files) = std::env::var("AIO_DUMP") else {
        return;
    };
    for f in files.split(':') {
        let Ok(src) = std::fs::read_to_string(f) else {
            continue;
        };
        let mut out = String::new();
        match compile(&src) {
            Ok(c) => summary(&c, &mut out),
            Err(e) => out.push_str(&format!("ERROR {e}\n")),
        }
        print!("=== {f}\n{out}");
    }
}

/// `AIO_ERRS=snippets.txt` (snippets separated by `#----` lines): prints each one's
/// SyntaxError message and line, in the format of the CPython script used to compare.
#[test]
#[ignore]
fn dump_errors() {
    let Ok(path) = std::env::var("AIO_ERRS") else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    for (i, snip) in text.split("#----\n").enumerate() {
        let src = Source::new("<s>", snip);
        let r = parse_module(snip)
            .and_then(|m| compile_module(&m, Rc::new(Source::new("<s>", snip)), Mode::Exec));
        match r {
            Ok(_) => println!("{i} OK"),
            Err(e) => println!("{i} {} @ {}", e.msg, src.line_of(e.span.start)),
        }
    }
}

/// Every snippet in `testdata/errors.txt` gives CPython's message and line
/// (`errors.expected` was produced by `python3` compiling each snippet).
#[test]
fn syntax_errors_match_cpython() {
    let text = include_str!("testdata/errors.txt");
    let expected = include_str!("testdata/errors.expected");
    let mut mismatches = Vec::new();
    for ((i, snip), want) in text.split("#----\n").enumerate().zip(expected.lines()) {
        let src = Source::new("<s>", snip);
        let got = match parse_module(snip) {
            // A parser that rejects the snippet first is checked by the parser's tests.
            Err(_) => continue,
            Ok(m) => match compile_module(&m, Rc::new(Source::new("<s>", snip)), Mode::Exec) {
                Ok(_) => format!("{i} OK"),
                Err(e) => format!("{i} {} @ {}", e.msg, src.line_of(e.span.start)),
            },
        };
        if got != want {
            mismatches.push(format!("got {got:?}, want {want:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn error_spans_point_at_the_statement() {
    assert_eq!(
        err_of("def f():\n    pass\nreturn 5\n"),
        "'return' outside function"
    );
}

fn cpython_name(op: &crate::bytecode::Op) -> Option<&'static str> {
    use crate::bytecode::Op::*;
    use crate::syntax::ast::CmpOp;
    Some(match op {
        Call(_) => "CALL",
        CallEx(_) => "CALL_FUNCTION_EX",
        Binary(_) | InplaceBinary(_) => "BINARY_OP",
        BinarySubscr => "BINARY_SUBSCR",
        LoadAttr(_) => "LOAD_ATTR",
        LoadMethod(_) => "LOAD_METHOD",
        StoreAttr(_) => "STORE_ATTR",
        StoreSubscr => "STORE_SUBSCR",
        RaiseVarargs(_) => "RAISE_VARARGS",
        Compare(CmpOp::Is | CmpOp::IsNot) => "IS_OP",
        Compare(CmpOp::In | CmpOp::NotIn) => "CONTAINS_OP",
        Compare(_) => "COMPARE_OP",
        GetIter => "GET_ITER",
        ForIter(_) => "FOR_ITER",
        ImportName(_) => "IMPORT_NAME",
        UnpackSequence(_) => "UNPACK_SEQUENCE",
        StoreName(_) => "STORE_NAME",
        StoreFast(_) => "STORE_FAST",
        StoreGlobal(_) => "STORE_GLOBAL",
        LoadGlobal(_) => "LOAD_GLOBAL",
        LoadName(_) => "LOAD_NAME",
        LoadFast(_) => "LOAD_FAST",
        BuildList(_) => "BUILD_LIST",
        BuildTuple(_) => "BUILD_TUPLE",
        BuildMap(_) => "BUILD_MAP",
        FormatValue(_) => "FORMAT_VALUE",
        BuildString(_) => "BUILD_STRING",
        MakeFunction(_) => "MAKE_FUNCTION",
        _ => return None,
    })
}

fn positions(code: &Code, out: &mut String) {
    let src = &code.source;
    let mut lines = Vec::new();
    for (op, span) in code.ops.iter().zip(&code.spans) {
        let Some(name) = cpython_name(op) else {
            continue;
        };
        let (l1, l2) = (src.line_of(span.start), src.line_of(span.end));
        let c1 = span.start as usize - src.line_start(l1);
        let c2 = span.end as usize - src.line_start(l2);
        lines.push(format!("{name} {l1}:{c1}-{l2}:{c2}"));
    }
    lines.sort();
    out.push_str(&format!("## {}\n", code.qualname));
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    for c in &code.consts {
        if let ConstValue::Code(inner) = c {
            positions(inner, out);
        }
    }
}

/// `AIO_POS=file` prints positions of key instructions to compare with CPython's.
#[test]
#[ignore]
fn dump_positions() {
    let Ok(f) = std::env::var("AIO_POS") else {
        return;
    };
    let Ok(src) = std::fs::read_to_string(f) else {
        return;
    };
    let mut out = String::new();
    match compile(&src) {
        Ok(c) => positions(&c, &mut out),
        Err(e) => out.push_str(&format!("ERROR {e}\n")),
    }
    print!("{out}");
}

const TRICKY: &str = r#"
def f1(x):
    for i in x:
        try:
            if i: break
            if x: continue
            return i + 1
        except E as e:
            if e: continue
            return e
        except:
            break
        else:
            return 2
        finally:
            try:
                pass
            finally:
                if i: return 3
    while x:
        with a as b, c as d:
            if b: break
            if d: continue
            return b.x + 1
    return 0

async def f2(x):
    async with a as b:
        async for i in b:
            if i: break
            if x: continue
            return await i
    try:
        await x
    except* ValueError as eg:
        print(eg)
    except* TypeError:
        pass
    finally:
        return [await z async for z in x if await z]

async def f3():
    yield 1
    yield [i async for i in g()]
    return

def f4():
    x = yield from g()
    y = (yield)
    return x, y, (lambda: (yield))

def f5(a, b):
    try:
        try:
            return a / b
        finally:
            del a
    except ZeroDivisionError as e:
        try:
            raise
        finally:
            e = 1

class C:
    x: int = 1
    def m(self): return __class__
    [q for q in range(3)]

def f6(*args, **kw):
    return f(*args, **kw), f(*args), f(1, *args, 2, x=1, **kw, y=2), {**kw}, {*args}, (*args,)

def f7():
    a, *b, (c, d) = x
    [e, f] = y
    a.b.c, d[e:f] = 1, 2
    del a.b, d[e:f]
    x = a if b else c if d else e
    return a < b < c < d or not (a and b)
"#;

#[test]
fn tricky_shapes_have_consistent_stacks() {
    let c = compile(TRICKY).unwrap_or_else(|e| panic!("{e}"));
    check_stack(&c);
    assert_eq!(super::stackdepth::INCONSISTENT.with(|c| c.get()), 0);
}
