//! Compiler tests: disassembly of key shapes, scoping, SyntaxErrors, conformance sources,
//! and an independent stack-depth check over the assembled code.

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
            Ok(c) => {
                check_stack(&c);
                summary(&c, &mut out)
            }
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

fn find_code(code: &Rc<Code>, qualname: &str) -> Option<Rc<Code>> {
    if &*code.qualname == qualname {
        return Some(code.clone());
    }
    code.consts.iter().find_map(|c| match c {
        ConstValue::Code(inner) => find_code(inner, qualname),
        _ => None,
    })
}

/// The ops of code object `qualname` in `src`, formatted and joined by "; ".
fn ops_of(src: &str, qualname: &str) -> String {
    let code = compile(src).unwrap_or_else(|e| panic!("{e}"));
    check_stack(&code);
    let c = find_code(&code, qualname).unwrap_or_else(|| panic!("no code {qualname}"));
    let v: Vec<String> = c
        .ops
        .iter()
        .map(|op| crate::bytecode::dis::format_op(&c, op))
        .collect();
    v.join("; ")
}

#[test]
fn shape_augmented_subscript() {
    assert_eq!(
        ops_of("a[i] += 1\n", "<module>"),
        "LoadName a; LoadName i; Copy(2); Copy(2); BinarySubscr; LoadConst 1; \
         InplaceBinary(Add); Swap(3); Swap(2); StoreSubscr; LoadConst None; Return"
    );
    assert_eq!(
        ops_of("a.b -= 1\n", "<module>"),
        "LoadName a; Copy(1); LoadAttr b; LoadConst 1; InplaceBinary(Sub); Swap(2); \
         StoreAttr b; LoadConst None; Return"
    );
}

#[test]
fn shape_chained_comparison() {
    assert_eq!(
        ops_of("x = a < b < c\n", "<module>"),
        "LoadName a; LoadName b; Swap(2); Copy(2); Compare(Lt); JumpIfFalseOrPop ->9; \
         LoadName c; Compare(Lt); Jump ->11; Swap(2); PopTop; StoreName x; \
         LoadConst None; Return"
    );
}

#[test]
fn shape_calls() {
    assert_eq!(
        ops_of("f(1, k=2)\n", "<module>"),
        "PushNull; LoadName f; LoadConst 1; LoadConst 2; KwNames ('k',); Call(2); PopTop; \
         LoadConst None; Return"
    );
    assert_eq!(
        ops_of("o.m(1)\n", "<module>"),
        "LoadName o; LoadMethod m; LoadConst 1; Call(1); PopTop; LoadConst None; Return"
    );
    assert_eq!(
        ops_of("f(*a, **k)\n", "<module>"),
        "PushNull; LoadName f; LoadName a; BuildMap(0); LoadName k; DictMerge(1); \
         CallEx(1); PopTop; LoadConst None; Return"
    );
    assert_eq!(
        ops_of("f(1, *a)\n", "<module>"),
        "PushNull; LoadName f; LoadConst 1; BuildList(1); LoadName a; ListExtend(1); \
         ListToTuple; CallEx(0); PopTop; LoadConst None; Return"
    );
}

#[test]
fn shape_assert_and_raise() {
    assert_eq!(
        ops_of("assert x, 'm'\n", "<module>"),
        "LoadName x; PopJumpIfTrue ->7; PushNull; LoadAssertionError; LoadConst 'm'; \
         Call(1); RaiseVarargs(1); LoadConst None; Return"
    );
}

#[test]
fn shape_closures_and_classes() {
    let src = "def f(a):\n    def g():\n        return a\n    return g\n";
    assert_eq!(
        ops_of(src, "f"),
        "LoadClosure a; BuildTuple(1); LoadConst <code f.<locals>.g>; MakeFunction(8); \
         StoreFast g; LoadFast g; Return; LoadConst None; Return"
    );
    let code = compile(src).unwrap_or_else(|e| panic!("{e}"));
    let f = find_code(&code, "f").unwrap_or_else(|| panic!("no f"));
    assert_eq!(f.cell_params, vec![(0, 0)]);
    let src = "class C(B):\n    x = 1\n    def m(self):\n        return super().m()\n";
    assert_eq!(
        ops_of(src, "C"),
        "LoadName __name__; StoreName __module__; LoadConst 'C'; StoreName __qualname__; \
         LoadConst 1; StoreName x; LoadClosure __class__; BuildTuple(1); LoadConst <code C.m>; \
         MakeFunction(8); StoreName m; LoadClosure __class__; Copy(1); StoreName __classcell__; \
         Return"
    );
    assert_eq!(
        ops_of("class C:\n    y: int\n", "C"),
        "LoadName __name__; StoreName __module__; LoadConst 'C'; StoreName __qualname__; \
         SetupAnnotations; LoadName int; LoadName __annotations__; LoadConst 'y'; StoreSubscr; \
         LoadConst None; Return"
    );
}

#[test]
fn shape_try_except_table() {
    let code =
        compile("try:\n    f()\nexcept E as e:\n    g()\n").unwrap_or_else(|e| panic!("{e}"));
    check_stack(&code);
    let d = disassemble(&code);
    // Body -> handler at depth 0; handler matching -> cleanup at depth 1; named body ->
    // its own cleanup at depth 1.
    assert!(d.contains("0 to 4 -> 5 [0]"), "{d}");
    assert!(d.contains("PushExcInfo"), "{d}");
    assert!(d.contains("CheckExcMatch"), "{d}");
    assert!(d.contains("StoreName e"), "{d}");
    assert!(d.contains("DeleteName e"), "{d}");
    assert!(
        d.ends_with("LoadConst None\n         Return\n") || d.contains("Reraise"),
        "{d}"
    );
}

#[test]
fn shape_break_through_finally_runs_finally_inline() {
    let ops = ops_of(
        "for i in x:\n    try:\n        break\n    finally:\n        f()\n",
        "<module>",
    );
    assert!(
        ops.starts_with(
            "LoadName x; GetIter; ForIter ->25; StoreName i; PushNull; LoadName f; Call(0); \
             PopTop; PopTop; Jump ->25"
        ),
        "{ops}"
    );
}

#[test]
fn shape_comprehension_and_genexpr() {
    assert_eq!(
        ops_of("[x for x in y if x]\n", "<listcomp>"),
        "BuildList(0); LoadFast .0; ForIter ->9; StoreFast x; LoadFast x; PopJumpIfFalse ->8; \
         LoadFast x; ListAppend(2); Jump ->2; Return"
    );
    assert_eq!(
        ops_of("(x for x in y)\n", "<genexpr>"),
        "LoadFast .0; ForIter ->7; StoreFast x; LoadFast x; YieldValue; PopTop; Jump ->1; \
         LoadConst None; Return"
    );
    assert_eq!(
        ops_of("[x for x in y]\n", "<module>"),
        "PushNull; LoadConst <code <listcomp>>; MakeFunction(0); LoadName y; GetIter; Call(1); \
         PopTop; LoadConst None; Return"
    );
}

#[test]
fn shape_fstring_and_await() {
    assert_eq!(
        ops_of("f'a{b!r:>{c}}'\n", "<module>"),
        "LoadConst 'a'; LoadName b; LoadConst '>'; LoadName c; FormatValue(0); BuildString(2); \
         FormatValue(6); BuildString(2); PopTop; LoadConst None; Return"
    );
    assert_eq!(
        ops_of("async def f():\n    await x\n", "f"),
        "LoadGlobal x; GetAwaitable(0); LoadConst None; Send ->6; YieldValue; Jump ->3; \
         PopTop; LoadConst None; Return"
    );
    assert_eq!(
        ops_of("async def f():\n    yield 1\n", "f"),
        "LoadConst 1; AsyncGenWrap; YieldValue; PopTop; LoadConst None; Return"
    );
}

#[test]
fn shape_imports() {
    assert_eq!(
        ops_of("import a.b.c as d\n", "<module>"),
        "LoadConst 0; LoadConst None; ImportName a.b.c; ImportFrom b; Swap(2); PopTop; \
         ImportFrom c; StoreName d; PopTop; LoadConst None; Return"
    );
    assert_eq!(
        ops_of("from ..m import x, y as z\n", "<module>"),
        "LoadConst 2; LoadConst ('x', 'y'); ImportName m; ImportFrom x; StoreName x; \
         ImportFrom y; StoreName z; PopTop; LoadConst None; Return"
    );
    assert_eq!(
        ops_of("from m import *\n", "<module>"),
        "LoadConst 0; LoadConst ('*',); ImportName m; ImportStar; LoadConst None; Return"
    );
}

/// Scoping of tricky cases: every code object's varnames, cellvars, freevars, counts and
/// flags equal CPython's (`scopes.expected` is the output of a CPython script over
/// `scopes.py`: qualname|argcount|posonly|kwonly|varnames|cellvars|freevars|flags).
#[test]
fn scopes_match_cpython() {
    let code = compile(include_str!("testdata/scopes.py")).unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    summary(&code, &mut out);
    assert_eq!(out, include_str!("testdata/scopes.expected"));
}

#[test]
fn symtable_classifies_like_cpython() {
    let m = parse_module(
        "def f():\n    x = 1\n    class C:\n        x = 2\n        def m(self):\n            return x\n",
    )
    .unwrap_or_else(|e| panic!("{}", e.msg));
    let st = symtable::build(&m).unwrap_or_else(|e| panic!("{}", e.msg));
    let by_name = |n: &str| {
        st.scopes
            .iter()
            .find(|s| s.name == n)
            .unwrap_or_else(|| panic!("no scope {n}"))
    };
    assert_eq!(by_name("f").scope_of("x"), Scope::Cell);
    assert_eq!(by_name("C").scope_of("x"), Scope::Local);
    assert!(by_name("C").flags("x") & symtable::DEF_FREE_CLASS != 0);
    assert_eq!(by_name("m").scope_of("x"), Scope::Free);
}

#[test]
fn interactive_mode_prints_expressions() {
    let src = "1 + 2\nx = 3\nx\n";
    let m = parse_module(src).unwrap_or_else(|e| panic!("{}", e.msg));
    let code = compile_module(&m, Rc::new(Source::new("<stdin>", src)), Mode::Interactive)
        .unwrap_or_else(|e| panic!("{}", e.msg));
    let d = disassemble(&code);
    assert_eq!(d.matches("PrintExpr").count(), 2, "{d}");
}

#[test]
fn eval_expression_returns_value() {
    let src = "a + (lambda q: q)(1)";
    let e = crate::syntax::parse_expr(src).unwrap_or_else(|e| panic!("{}", e.msg));
    let code = super::compile_expression(&e, Rc::new(Source::new("<string>", src)))
        .unwrap_or_else(|e| panic!("{}", e.msg));
    check_stack(&code);
    assert_eq!(&*code.name, "<module>");
    assert!(matches!(code.ops.last(), Some(crate::bytecode::Op::Return)));
    assert!(find_code(&code, "<lambda>").is_some());
}

#[test]
fn module_docstring_and_function_docstring() {
    let code = compile("'''mod doc'''\ndef f():\n    'fdoc'\n    return 1\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(disassemble(&code).contains("StoreName __doc__"));
    let f = find_code(&code, "f").unwrap_or_else(|| panic!("no f"));
    assert!(matches!(&f.consts[0], ConstValue::Str(s) if &**s == "fdoc"));
}

#[test]
fn qualnames() {
    let code = compile(
        "class A:\n    def m(self):\n        def inner():\n            return lambda: [x for x in ()]\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    for q in [
        "A",
        "A.m",
        "A.m.<locals>.inner",
        "A.m.<locals>.inner.<locals>.<lambda>",
        "A.m.<locals>.inner.<locals>.<lambda>.<locals>.<listcomp>",
    ] {
        assert!(find_code(&code, q).is_some(), "missing {q}");
    }
}

#[test]
fn constants_are_not_conflated() {
    let code = compile("a = (1, 1.0, True, 0.0, -0.0, 1)\nb = 1\nc = 1.0\nd = True\ne = 0.0\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let ints = code
        .consts
        .iter()
        .filter(|c| matches!(c, ConstValue::Int(1)))
        .count();
    let floats = code
        .consts
        .iter()
        .filter(|c| matches!(c, ConstValue::Float(_)))
        .count();
    let bools = code
        .consts
        .iter()
        .filter(|c| matches!(c, ConstValue::Bool(true)))
        .count();
    assert_eq!((ints, floats, bools), (1, 2, 1));
}

#[test]
fn too_many_before_star() {
    let names: Vec<String> = (0..256).map(|i| format!("a{i}")).collect();
    let src = format!("{}, *b = c\n", names.join(", "));
    assert_eq!(
        err_of(&src),
        "too many expressions in star-unpacking assignment"
    );
    let names: Vec<String> = (0..255).map(|i| format!("a{i}")).collect();
    assert!(compile(&format!("{}, *b = c\n", names.join(", "))).is_ok());
}

/// Every match statement in the golden tests reaches each instruction with one stack
/// depth (captures live in placeholders below the subject; fail chains pop to the case).
#[test]
fn match_statements_keep_stack_depths() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/syntax");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("golden directory") {
        let path = entry.expect("directory entry").path();
        let name = path.file_name().and_then(|s| s.to_str()).unwrap_or("");
        if !(name.starts_with("match_") && name.ends_with(".aio")) {
            continue;
        }
        let src = std::fs::read_to_string(&path).expect("golden source");
        if let Ok(code) = compile(&src) {
            check_stack(&code);
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} match tests compiled");
    assert_eq!(
        err_of("match x:\n case [a, a]: pass\n"),
        "multiple assignments to name 'a' in pattern"
    );
    assert_eq!(
        err_of("match x:\n case _: pass\n case 1: pass\n"),
        "wildcard makes remaining patterns unreachable"
    );
    assert_eq!(
        err_of("match x:\n case [a] | [b]: pass\n"),
        "alternative patterns bind different names"
    );
}
