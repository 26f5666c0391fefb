//! Front-end tests. Expected values come from `python3 -c "import ast; ..."` (CPython 3.11),
//! written in by hand; nothing calls python at test time.

use super::ast::*;
use super::error::SyntaxErrorKind;
use super::{parse_expr, parse_interactive, parse_module};

/// A compact dump: `Kind(children)@start..end`.
pub(super) fn sx(e: &Expr) -> String {
    let s = |x: &Expr| sx(x);
    let list = |v: &[Expr]| v.iter().map(sx).collect::<Vec<_>>().join(",");
    let body = match &e.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Constant(c) => match c {
            Constant::Int(i) => i.to_string(),
            Constant::BigInt(b) => b.to_string(),
            Constant::Float(f) => format!("{f:?}"),
            Constant::Imag(f) => format!("{f:?}j"),
            Constant::Str(t) => format!("{t:?}"),
            Constant::Bytes(b) => format!("b{:?}", String::from_utf8_lossy(b)),
            other => format!("{other:?}"),
        },
        ExprKind::BinOp { left, op, right } => format!("BinOp({},{:?},{})", s(left), op, s(right)),
        ExprKind::UnaryOp { op, operand } => format!("Unary({op:?},{})", s(operand)),
        ExprKind::BoolOp { op, values } => format!("BoolOp({op:?},{})", list(values)),
        ExprKind::Compare {
            left,
            ops,
            comparators,
        } => format!("Compare({},{:?},{})", s(left), ops, list(comparators)),
        ExprKind::Call {
            func,
            args,
            keywords,
        } => {
            let kws: Vec<String> = keywords
                .iter()
                .map(|k| format!("{:?}={}", k.arg, sx(&k.value)))
                .collect();
            format!("Call({},[{}],[{}])", s(func), list(args), kws.join(","))
        }
        ExprKind::Attribute { value, attr } => format!("Attr({},{attr})", s(value)),
        ExprKind::Subscript { value, index } => format!("Sub({},{})", s(value), s(index)),
        ExprKind::Slice { lower, upper, step } => {
            let o = |x: &Option<Box<Expr>>| x.as_ref().map_or("_".to_string(), |x| sx(x));
            format!("Slice({},{},{})", o(lower), o(upper), o(step))
        }
        ExprKind::Starred(x) => format!("Star({})", s(x)),
        ExprKind::List(v) => format!("List({})", list(v)),
        ExprKind::Tuple(v) => format!("Tuple({})", list(v)),
        ExprKind::Set(v) => format!("Set({})", list(v)),
        ExprKind::Dict { keys, values } => {
            let items: Vec<String> = keys
                .iter()
                .zip(values)
                .map(|(k, v)| format!("{}:{}", k.as_ref().map_or("**".into(), sx), sx(v)))
                .collect();
            format!("Dict({})", items.join(","))
        }
        ExprKind::IfExp { test, body, orelse } => {
            format!("IfExp({},{},{})", s(test), s(body), s(orelse))
        }
        ExprKind::Lambda { body, .. } => format!("Lambda({})", s(body)),
        ExprKind::NamedExpr { target, value } => format!("Named({},{})", s(target), s(value)),
        ExprKind::ListComp { elt, generators } => {
            format!("ListComp({},{})", s(elt), generators.len())
        }
        ExprKind::SetComp { elt, generators } => {
            format!("SetComp({},{})", s(elt), generators.len())
        }
        ExprKind::DictComp {
            key,
            value,
            generators,
        } => format!("DictComp({},{},{})", s(key), s(value), generators.len()),
        ExprKind::GeneratorExp { elt, generators } => {
            format!("Gen({},{})", s(elt), generators.len())
        }
        ExprKind::Await(x) => format!("Await({})", s(x)),
        ExprKind::Yield(x) => format!("Yield({})", x.as_ref().map_or("_".into(), |x| sx(x))),
        ExprKind::YieldFrom(x) => format!("YieldFrom({})", s(x)),
        ExprKind::JoinedStr(parts) => {
            let ps: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    FStringPart::Literal(t) => format!("{t:?}"),
                    FStringPart::Formatted {
                        value,
                        conversion,
                        spec,
                    } => format!(
                        "F({},{:?},{})",
                        sx(value),
                        conversion,
                        spec.as_ref().map_or(0, |s| s.len())
                    ),
                })
                .collect();
            format!("JoinedStr({})", ps.join(","))
        }
    };
    format!("{}@{}..{}", body, e.span.start, e.span.end)
}

fn ex(src: &str) -> String {
    match parse_expr(src) {
        Ok(e) => sx(&e),
        Err(e) => panic!("{src:?}: {} at {:?}", e.msg, e.span),
    }
}

fn err(src: &str) -> super::error::SyntaxError {
    match parse_module(src) {
        Ok(m) => panic!("{src:?} parsed: {:?}", m.body.first().map(|s| &s.kind)),
        Err(e) => e,
    }
}

fn msg(src: &str) -> String {
    err(src).msg
}

/// Every `*.aio`/`*.py` file under `dir` (recursively).
pub(super) fn walk(dir: &std::path::Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let p = entry.path();
        if p.is_dir() {
            walk(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

#[test]
fn corpus_parses() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let mut files = Vec::new();
    walk(&shared.join("conformance"), "aio", &mut files);
    walk(&shared.join("bench"), "py", &mut files);
    let mut failures = Vec::new();
    if shared.exists() {
        assert!(files.len() > 50, "found only {} corpus files", files.len());
    }
    for f in &files {
        let Ok(src) = std::fs::read_to_string(f) else {
            continue;
        };
        if let Err(e) = parse_module(&src) {
            // Files that are meant to fail (golden SyntaxError tests) say so in an expected output.
            let expected = f.with_extension("out");
            let stderr = f.with_extension("err");
            let mentions = |p: &std::path::Path| {
                std::fs::read_to_string(p).is_ok_and(|t| t.contains("SyntaxError"))
            };
            if !(mentions(&expected) || mentions(&stderr)) {
                failures.push(format!("{}: {} at {:?}", f.display(), e.msg, e.span));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn precedence() {
    assert_eq!(
        ex("-2**2"),
        "Unary(USub,BinOp(2@1..2,Pow,2@4..5)@1..5)@0..5"
    );
    assert_eq!(
        ex("2**-1"),
        "BinOp(2@0..1,Pow,Unary(USub,1@4..5)@3..5)@0..5"
    );
    assert_eq!(
        ex("a**b**c"),
        "BinOp(a@0..1,Pow,BinOp(b@3..4,Pow,c@6..7)@3..7)@0..7"
    );
    assert_eq!(
        ex("a-b-c"),
        "BinOp(BinOp(a@0..1,Sub,b@2..3)@0..3,Sub,c@4..5)@0..5"
    );
    assert_eq!(
        ex("a or b and not c"),
        "BoolOp(Or,a@0..1,BoolOp(And,b@5..6,Unary(Not,c@15..16)@11..16)@5..16)@0..16"
    );
    assert_eq!(
        ex("a < b <= c is not d not in e"),
        "Compare(a@0..1,[Lt, LtE, IsNot, NotIn],b@4..5,c@9..10,d@18..19,e@27..28)@0..28"
    );
    assert_eq!(ex("a if b else c"), "IfExp(b@5..6,a@0..1,c@12..13)@0..13");
    assert_eq!(ex("a | b ^ c & d << e + f * g"), "BinOp(a@0..1,BitOr,BinOp(b@4..5,BitXor,BinOp(c@8..9,BitAnd,BinOp(d@12..13,LShift,BinOp(e@17..18,Add,BinOp(f@21..22,Mult,g@25..26)@21..26)@17..26)@12..26)@8..26)@4..26)@0..26");
    assert_eq!(
        ex("await x ** 2"),
        "BinOp(Await(x@6..7)@0..7,Pow,2@11..12)@0..12"
    );
    assert_eq!(
        ex("not a == b"),
        "Unary(Not,Compare(a@4..5,[Eq],b@9..10)@4..10)@0..10"
    );
    assert_eq!(
        ex("~a.b(c)[d]"),
        "Unary(Invert,Sub(Call(Attr(a@1..2,b)@1..4,[c@5..6],[])@1..7,d@8..9)@1..10)@0..10"
    );
}

#[test]
fn spans_match_cpython() {
    let mut bad = Vec::new();
    for line in include_str!("testdata_spans.txt").lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let Some((src, want)) = line.split_once('\t') else {
            continue;
        };
        let got = ex(src);
        if got != want {
            bad.push(format!("{src}\n  got  {got}\n  want {want}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn spans_and_shapes() {
    assert_eq!(
        ex("f(x for x in y)"),
        "Call(f@0..1,[Gen(x@2..3,1)@1..15],[])@0..15"
    );
    assert_eq!(
        ex("a[1:2, ::3]"),
        "Sub(a@0..1,Tuple(Slice(1@2..3,2@4..5,_)@2..5,Slice(_,_,3@9..10)@7..10)@2..10)@0..11"
    );
    assert_eq!(ex("a[:]"), "Sub(a@0..1,Slice(_,_,_)@2..3)@0..4");
    assert_eq!(ex("(yield)"), "Yield(_)@1..6");
    assert_eq!(
        ex("f(*a, **k, b=1)"),
        "Call(f@0..1,[Star(a@3..4)@2..4],[None=k@8..9,Some(\"b\")=1@13..14])@0..15"
    );
    assert_eq!(
        ex("[*a, *b]"),
        "List(Star(a@2..3)@1..3,Star(b@6..7)@5..7)@0..8"
    );
    assert_eq!(
        ex("{**a, 'k': 1}"),
        "Dict(**:a@3..4,\"k\"@6..9:1@11..12)@0..13"
    );
    assert_eq!(ex("1, 2,"), "Tuple(1@0..1,2@3..4)@0..5");
    assert_eq!(ex(" \n 1 \n"), "1@3..4");
    assert_eq!(ex("(x := 1)"), "Named(x@1..2,1@6..7)@1..7");
    assert_eq!(
        ex("0xff + 1_000 + 0o17 + 0b11"),
        "BinOp(BinOp(BinOp(255@0..4,Add,1000@7..12)@0..12,Add,15@15..19)@0..19,Add,3@22..26)@0..26"
    );
    assert_eq!(ex("1. + .5 + 1e-3 + 2j"), "BinOp(BinOp(BinOp(1.0@0..2,Add,0.5@5..7)@0..7,Add,0.001@10..14)@0..14,Add,2.0j@17..19)@0..19");
    assert_eq!(ex("99999999999999999999"), "99999999999999999999@0..20");
    assert_eq!(ex("'a' \"b\" '''c'''"), "\"abc\"@0..15");
    assert_eq!(
        ex(r"'\n\t\x41\u00e9\101\q'"),
        "\"\\n\\tAé A\\\\q\"@0..22".replace(" A", "A")
    );
    assert_eq!(ex(r"rb'\n' b'\x00'"), "b\"\\\\n\\0\"@0..14");
    assert_eq!(ex("ñame"), "ñame@0..5");
}

#[test]
fn fstrings() {
    assert_eq!(
        ex("f'a{x!r:>{w}}b'"),
        "JoinedStr(\"a\",F(x@4..5,Some('r'),2),\"b\")@0..15"
    );
    assert_eq!(
        ex("f'{x * 2 = }'"),
        "JoinedStr(\"x * 2 = \",F(BinOp(x@3..4,Mult,2@7..8)@3..8,Some('r'),0))@0..13"
    );
    assert_eq!(ex("f'{x=:>3}'"), "JoinedStr(\"x=\",F(x@3..4,None,1))@0..10");
    assert_eq!(
        ex("f'{x=!s}'"),
        "JoinedStr(\"x=\",F(x@3..4,Some('s'),0))@0..9"
    );
    assert_eq!(ex("'a' f'{{b}}' 'c'"), "JoinedStr(\"a{b}c\")@0..16");
    assert_eq!(
        ex("f'{a!=b}'"),
        "JoinedStr(F(Compare(a@3..4,[NotEq],b@6..7)@3..7,None,0))@0..9"
    );
    assert_eq!(
        ex("f\"{d['k']}\""),
        "JoinedStr(F(Sub(d@3..4,\"k\"@5..8)@3..9,None,0))@0..11"
    );
    assert_eq!(msg("f'{}'"), "f-string: empty expression not allowed");
    assert_eq!(msg("f'{x'"), "f-string: expecting '}'");
    assert_eq!(msg("f'}'"), "f-string: single '}' is not allowed");
    assert_eq!(
        msg(r"f'{a\n}'"),
        "f-string expression part cannot include a backslash"
    );
    assert_eq!(
        msg("f'{x:{y:{z}}}'"),
        "f-string: expressions nested too deeply"
    );
    assert_eq!(
        msg("f'{x!z}'"),
        "f-string: invalid conversion character: expected 's', 'r', or 'a'"
    );
    assert_eq!(msg("b'a' 'b'"), "cannot mix bytes and nonbytes literals");
}

#[test]
fn statements() {
    let m = parse_module("@d\nasync def f(a, /, b=1, *c, d, e=2, **g) -> int:\n    pass\n")
        .map_err(|e| e.msg);
    let Ok(m) = m else { panic!("{m:?}") };
    let StmtKind::FunctionDef(f) = &m.body[0].kind else {
        panic!()
    };
    assert_eq!((m.body[0].span.start, m.body[0].span.end), (3, 59));
    assert_eq!((f.name_span.start, f.name_span.end), (13, 14));
    assert!(f.is_async);
    assert_eq!(f.decorators.len(), 1);
    assert_eq!(f.params.posonly.len(), 1);
    assert_eq!(f.params.args.len(), 1);
    assert!(f.params.args[0].default.is_some());
    assert_eq!(f.params.vararg.as_ref().map(|p| p.name.as_str()), Some("c"));
    assert_eq!(f.params.kwonly.len(), 2);
    assert_eq!(f.params.kwarg.as_ref().map(|p| p.name.as_str()), Some("g"));
    let m = parse_module("if a:\n pass\nelif b:\n pass\nelse:\n x = 1\n").map_err(|e| e.msg);
    let Ok(m) = m else { panic!("{m:?}") };
    let StmtKind::If { orelse, .. } = &m.body[0].kind else {
        panic!()
    };
    assert_eq!((orelse[0].span.start, orelse[0].span.end), (12, 38));
    assert_eq!(m.body[0].span.end, 38);
    let m = parse_module("with (a as b, c): pass\nwith (a, b) as c: pass\nwith (a): pass\n");
    let Ok(m) = m else { panic!() };
    let n = |i: usize| match &m.body[i].kind {
        StmtKind::With { items, .. } => items.len(),
        _ => 0,
    };
    assert_eq!((n(0), n(1), n(2)), (2, 1, 1));
    let m = parse_module(
        "from ..a import (b, c,)\nfrom . import x\nimport a.b as c\nfrom x import *\n",
    );
    let Ok(m) = m else { panic!() };
    let StmtKind::ImportFrom {
        module,
        names,
        level,
    } = &m.body[0].kind
    else {
        panic!()
    };
    assert_eq!((module.as_deref(), names.len(), *level), (Some("a"), 2, 2));
    let m = parse_module("match = 1\ncase = match\n_ = case\nx = yield y\n");
    assert!(m.is_ok());
    for op in [
        "+=", "-=", "*=", "@=", "/=", "%=", "**=", "<<=", ">>=", "|=", "^=", "&=", "//=",
    ] {
        assert!(parse_module(&format!("x {op} 1\n")).is_ok(), "{op}");
    }
}

#[test]
fn error_messages() {
    assert_eq!(msg("x = (1,\ny = 2\n"), "'(' was never closed");
    assert_eq!(
        msg("x = (]"),
        "closing parenthesis ']' does not match opening parenthesis '('"
    );
    assert_eq!(msg("x = )"), "unmatched ')'");
    assert_eq!(
        msg("x = 'abc\n"),
        "unterminated string literal (detected at line 1)"
    );
    assert_eq!(
        msg("x = '''abc\n\n"),
        "unterminated triple-quoted string literal (detected at line 2)"
    );
    assert_eq!(msg("if x\n"), "expected ':'");
    assert_eq!(msg("def f()\n  pass\n"), "expected ':'");
    assert_eq!(msg("x = €"), "invalid character '€' (U+20AC)");
    assert_eq!(msg("1abc"), "invalid decimal literal");
    assert_eq!(msg("0x1g"), "invalid hexadecimal literal");
    assert_eq!(msg("0b12"), "invalid digit '2' in binary literal");
    assert_eq!(
        msg("012"),
        "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
    );
    assert_eq!(msg("a\0"), "source code cannot contain null bytes");
    assert_eq!(msg("a $ b"), "invalid syntax");
    assert_eq!(msg("f(1 2)"), "invalid syntax. Perhaps you forgot a comma?");
    assert_eq!(
        msg("x = 1 \\ 2"),
        "unexpected character after line continuation character"
    );
    assert_eq!(msg("x = 1 +\\"), "unexpected EOF while parsing");
    assert_eq!(
        msg("match x:\n  case 1+2: pass\n"),
        "imaginary number required in complex literal"
    );
    assert_eq!(
        msg("match (x):\n  case P(a=1, 2): pass\n"),
        "positional patterns follow keyword patterns"
    );
    assert_eq!(msg("x = 1 +\n"), "invalid syntax");
    assert_eq!(
        msg("'\\N{DASH}'"),
        "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-7: unknown Unicode character name"
    );
}

#[test]
fn target_errors() {
    let cases = [
        (
            "f() = 1",
            "cannot assign to function call here. Maybe you meant '==' instead of '='?",
        ),
        (
            "1 = x",
            "cannot assign to literal here. Maybe you meant '==' instead of '='?",
        ),
        ("(a, 1) = x", "cannot assign to literal"),
        ("[a, f()] = 1", "cannot assign to function call"),
        (
            "f() += 1",
            "'function call' is an illegal expression for augmented assignment",
        ),
        (
            "a + 1 = 2",
            "cannot assign to expression here. Maybe you meant '==' instead of '='?",
        ),
        ("x = f() = 1", "cannot assign to function call"),
        ("del 1", "cannot delete literal"),
        ("del f()", "cannot delete function call"),
        ("del (a, 1)", "cannot delete literal"),
        ("for 1 in x: pass", "cannot assign to literal"),
        ("with a as 1: pass", "cannot assign to literal"),
        ("[x for 1 in y]", "cannot assign to literal"),
        (
            "(f() := 1)",
            "cannot use assignment expressions with function call",
        ),
        ("f(): int = 1", "illegal target for annotation"),
        (
            "(a, b): int",
            "only single target (not tuple) can be annotated",
        ),
        (
            "x = yield = 1",
            "assignment to yield expression not possible",
        ),
        ("None = 1", "cannot assign to None"),
        (
            "... = 1",
            "cannot assign to ellipsis here. Maybe you meant '==' instead of '='?",
        ),
        (
            "a if b else c = 1",
            "cannot assign to conditional expression",
        ),
        (
            "(yield) = 1",
            "cannot assign to yield expression here. Maybe you meant '==' instead of '='?",
        ),
        ("lambda: 1 = 1", "cannot assign to lambda"),
        (
            "*a = 1",
            "starred assignment target must be in a list or tuple",
        ),
        ("*a, *b = 1", "multiple starred expressions in assignment"),
        ("del *a", "cannot delete starred"),
        (
            "[a, b] += 1",
            "'list' is an illegal expression for augmented assignment",
        ),
        (
            "def f(a=1, b): pass",
            "non-default argument follows default argument",
        ),
        ("def f(*): pass", "named arguments must follow bare *"),
        ("f(a=1, b)", "positional argument follows keyword argument"),
        (
            "f(**a, *b)",
            "iterable argument unpacking follows keyword argument unpacking",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(msg(src), want, "{src}");
    }
}

#[test]
fn indentation_errors() {
    let e = err("if x:\npass\n");
    assert_eq!(e.kind, SyntaxErrorKind::IndentationError);
    assert_eq!(
        e.msg,
        "expected an indented block after 'if' statement on line 1"
    );
    assert_eq!(e.span.start, 6);
    let cases = [
        (
            "def f():\n  if x:\n  y\n",
            "expected an indented block after 'if' statement on line 2",
        ),
        (
            "async def f():\n",
            "expected an indented block after function definition on line 1",
        ),
        (
            "for x in y:\n",
            "expected an indented block after 'for' statement on line 1",
        ),
        (
            "try:\n  pass\nexcept* E:\n",
            "expected an indented block after 'except*' statement on line 3",
        ),
        (
            "while x:\n",
            "expected an indented block after 'while' statement on line 1",
        ),
        (
            "with a:\n",
            "expected an indented block after 'with' statement on line 1",
        ),
        (
            "class A:\n",
            "expected an indented block after class definition on line 1",
        ),
        (
            "if x:\n  pass\nelse:\n",
            "expected an indented block after 'else' statement on line 3",
        ),
        (
            "if x:\n  pass\nelif y:\n",
            "expected an indented block after 'elif' statement on line 3",
        ),
        (
            "try:\n  pass\nfinally:\n",
            "expected an indented block after 'finally' statement on line 3",
        ),
        (
            "try:\n  pass\nexcept E:\n",
            "expected an indented block after 'except' statement on line 3",
        ),
        (
            "async def f():\n  async for x in y:\n",
            "expected an indented block after 'for' statement on line 2",
        ),
        ("x = 1\n  y = 2\n", "unexpected indent"),
        (
            "if x:\n    y = 1\n  z = 2\n",
            "unindent does not match any outer indentation level",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(msg(src), want, "{src:?}");
    }
    let e = err("if x:\n\ty = 1\n        z = 2\n");
    assert_eq!(
        (e.kind, e.msg.as_str()),
        (
            SyntaxErrorKind::TabError,
            "inconsistent use of tabs and spaces in indentation"
        )
    );
}

#[test]
fn limits() {
    let src = format!("x = {}1{}", "(".repeat(201), ")".repeat(201));
    assert_eq!(msg(&src), "too many nested parentheses");
    let ok = format!("x = {}1{}", "(".repeat(199), ")".repeat(199));
    assert!(parse_module(&ok).is_ok());
    let mut src = String::new();
    for i in 0..101 {
        src.push_str(&" ".repeat(i));
        src.push_str("if 1:\n");
    }
    src.push_str(&" ".repeat(101));
    src.push_str("pass\n");
    let e = err(&src);
    assert_eq!(
        (e.kind, e.msg.as_str()),
        (
            SyntaxErrorKind::IndentationError,
            "too many levels of indentation"
        )
    );
    assert_eq!(msg(&"[".repeat(100_000)), "too many nested parentheses");
    let e = err(&format!("{}1", "-".repeat(100_000)));
    assert!(e.as_memory_error);
    let e = err(&format!("x = {}1 )", "not ".repeat(100_000)));
    assert!(e.as_memory_error || e.msg == "unmatched ')'");
    // CPython 3.11 accepts these; aio bounds tree depth instead (MemoryError).
    let e = err(&format!("{}1", "1+".repeat(100_000)));
    assert!(e.as_memory_error);
    let e = err(&format!("a{}", ".a".repeat(100_000)));
    assert!(e.as_memory_error);
    assert!(parse_expr(&format!("{}1", "-".repeat(500))).is_ok());
    // Garbage never panics.
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let text = String::from_utf8_lossy(&bytes);
    assert!(parse_module(&text).is_err());
    let _ = parse_expr(&text);
    let _ = parse_interactive(&text);
}

#[test]
fn interactive_incomplete() {
    for src in [
        "if x:\n",
        "(1,\n",
        "\"\"\"abc\n",
        "def f():\n",
        "x = [1,\n 2\n",
        "x = 1 + \\",
        "async def f():\n    try:\n",
    ] {
        let e = parse_interactive(src).err();
        assert!(e.as_ref().is_some_and(|e| e.incomplete), "{src:?}: {e:?}");
    }
    for src in ["1 +\n", "x = )\n", "'abc\n"] {
        let e = parse_interactive(src).err();
        assert!(e.as_ref().is_some_and(|e| !e.incomplete), "{src:?}: {e:?}");
    }
    assert_eq!(
        parse_interactive("(1,\n").err().map(|e| e.msg),
        Some("'(' was never closed".into())
    );
    assert!(parse_interactive("x = 1\n").is_ok());
}

#[test]
fn unicode_and_legacy() {
    assert!(parse_module("\u{FEFF}x = 1\n").is_ok());
    assert!(parse_module("a\u{E0100} = 1\n").is_ok());
    assert_eq!(
        msg("print 'x'"),
        "Missing parentheses in call to 'print'. Did you mean print(...)?"
    );
    assert_eq!(
        msg("x = '\\ud800'"),
        "aio does not support lone surrogates in string literals ('\\ud800')"
    );
    assert!(parse_module("def f(*args: *Ts): pass\nx: tuple[*Ts]\n").is_ok());
}

/// Error kind, message, line and 1-based column as `compile()` in CPython 3.11 reports them
/// (records `source U+001F expected`, separated by U+001E; generated with python3).
#[test]
fn errors_match_cpython() {
    let mut bad = Vec::new();
    for rec in include_str!("testdata_errors.txt").split('\u{1e}') {
        let Some((case, want)) = rec.split_once('\u{1f}') else {
            continue;
        };
        let got = match parse_module(case) {
            Ok(_) => "OK".to_string(),
            Err(e) => {
                let at = (e.span.start as usize).min(case.len());
                let line = super::lexer::line_of(case, at);
                let ls = case[..at].rfind('\n').map_or(0, |i| i + 1);
                let col = case[ls..at].chars().count() + 1;
                format!("{}|{}|{}|{}", e.kind.class_name(), e.msg, line, col)
            }
        };
        if got != want {
            bad.push(format!("{case:?}\n  got  {got}\n  want {want}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn edge_inputs() {
    for src in [
        "",
        "\n\n",
        "# only a comment",
        "   # indented comment\n\n",
        "x = 1",
        "x = 1\r\ny = 2\r\n",
        "if x:\n  y = 1 + \\\n      2\n",
        "\x0cx = 1\n",
        "x = (\n  1,\n    2)\ny = 3\n",
    ] {
        assert!(parse_module(src).is_ok(), "{src:?}");
    }
    assert!(parse_expr("x := 1").is_err());
    assert!(parse_expr("1\n2").is_err());
    assert!(parse_expr("").is_err());
    assert!(parse_module("f'''{\nx\n}'''\n").is_ok());
    // Trees just under the depth bound build and drop fine even in debug builds; just over
    // it they are refused (MemoryError) and the partial tree is dropped safely.
    assert!(parse_expr(&format!("{}1", "-".repeat(990))).is_ok());
    assert!(parse_expr(&format!("a{}", ".b".repeat(990))).is_ok());
    assert!(parse_expr(&format!("{}1", "1+".repeat(990))).is_ok());
    assert!(parse_expr(&format!("{}1", "not ".repeat(1500))).is_err_and(|e| e.as_memory_error));
    assert!(parse_expr(&format!("{}x{}", "f(".repeat(150), ")".repeat(150))).is_ok());
    assert!(parse_expr(&format!("{}1", "lambda: ".repeat(1500))).is_err_and(|e| e.as_memory_error));
    assert!(parse_expr(&format!("{}1", "2**".repeat(1500))).is_err_and(|e| e.as_memory_error));
}

/// Random soups of Python fragments never panic (and errors carry in-bounds spans).
#[test]
fn fuzz_no_panic() {
    const FRAGS: [&str; 48] = [
        "x",
        "1",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "=",
        "+",
        "-",
        "*",
        "**",
        "if ",
        "else ",
        "for ",
        " in ",
        "lambda ",
        "yield ",
        "await ",
        "\n",
        "    ",
        "\t",
        "'s'",
        "f'{",
        "}'",
        "f'{x!r:{y}}'",
        "'''",
        "\"",
        "\\\n",
        "\\",
        "#c\n",
        "def f",
        "class C",
        "with ",
        " as ",
        "try:",
        "except* ",
        "finally:",
        "@d\n",
        ";",
        ".",
        "...",
        "not ",
        "€",
        "0x",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..3000 {
        let mut src = String::new();
        let n = (seed >> 60) as usize + 1;
        for _ in 0..n * 3 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            src.push_str(FRAGS[(seed % FRAGS.len() as u64) as usize]);
        }
        let errs = [
            parse_module(&src).err(),
            parse_interactive(&src).err(),
            parse_expr(&src).err(),
        ];
        for e in errs.into_iter().flatten() {
            assert!(e.span.start as usize <= src.len() + 1, "{src:?}: {e:?}");
        }
    }
}

#[test]
fn long_skip_runs() {
    // Runs of skipped input (continuations, blanks, comments) must not grow the native stack.
    let src = format!("x = 1 + {}2\n", "\\\n ".repeat(100_000));
    assert!(parse_module(&src).is_ok());
    let src = format!("{}x = 1\n", "# c\n\n   \n".repeat(50_000));
    assert!(parse_module(&src).is_ok());
}
