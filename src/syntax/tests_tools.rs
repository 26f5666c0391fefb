//! Hand-run diagnostics (all `#[ignore]`): differential dumps against python3, throughput,
//! and symbol sizes. See each test's doc comment for how to run it.

use super::ast::*;
use super::parse_module;
use super::tests::{sx, walk};

/// `AIO_PARSE_DIR=/usr/lib/python3.11 cargo test --lib syntax::tests::parse_dir -- --ignored`
/// parses every `*.py` below a directory and lists failures (a differential check by hand).
#[test]
#[ignore]
fn parse_dir() {
    let Ok(dir) = std::env::var("AIO_PARSE_DIR") else {
        return;
    };
    let mut files = Vec::new();
    walk(std::path::Path::new(&dir), "py", &mut files);
    let mut bytes = 0;
    let t = std::time::Instant::now();
    let mut fails = 0;
    for f in &files {
        let Ok(src) = std::fs::read_to_string(f) else {
            continue;
        };
        bytes += src.len();
        if let Err(e) = parse_module(&src) {
            fails += 1;
            let line = super::lexer::line_of(&src, e.span.start as usize);
            println!("FAIL {}:{}: {}", f.display(), line, e.msg);
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{} files, {} failed, {:.1} MB in {:.2}s ({:.1} MB/s)",
        files.len(),
        fails,
        bytes as f64 / 1e6,
        secs,
        bytes as f64 / 1e6 / secs
    );
}

/// Throughput check by hand: `AIO_PARSE_FILE=big.py cargo test --release --lib syntax::tests::bench_file -- --ignored --nocapture`
#[test]
#[ignore]
fn bench_file() {
    let Ok(path) = std::env::var("AIO_PARSE_FILE") else {
        return;
    };
    let Ok(src) = std::fs::read_to_string(path) else {
        return;
    };
    let t = std::time::Instant::now();
    let n = super::layout::Layout::new(&src, 0, false).count();
    let lex = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let ok = parse_module(&src).is_ok();
    let full = t.elapsed().as_secs_f64();
    let mb = src.len() as f64 / 1e6;
    println!(
        "{n} tokens; lex+layout {:.1} MB/s; full parse {:.1} MB/s (ok={ok})",
        mb / lex,
        mb / full
    );
}

#[test]
#[ignore]
fn sizes() {
    use std::mem::size_of;
    println!("Expr {} E {} Stmt {} Tok {} Constant {} Side {} Param {} ExceptHandler {} Arg {} BraceBody {} Paren {} PItem {}",
        size_of::<Expr>(), size_of::<super::nodes::E>(), size_of::<Stmt>(), size_of::<super::token::Tok>(), size_of::<Constant>(),
        size_of::<super::targets::Side>(), size_of::<Param>(), size_of::<ExceptHandler>(), size_of::<super::nodes::Arg>(),
        size_of::<super::nodes::BraceBody>(), size_of::<super::nodes::Paren>(), size_of::<super::stmts::PItem>());
}

/// `AIO_ERR_CASES=file` (cases separated by U+001E): prints `kind|msg|line|col` per case,
/// with CPython's 1-based column, for comparing with python3 by hand.
#[test]
#[ignore]
fn dump_errors() {
    let Ok(path) = std::env::var("AIO_ERR_CASES") else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    for case in text.split('\u{1e}') {
        match parse_module(case) {
            Ok(_) => println!("OK"),
            Err(e) => {
                let at = (e.span.start as usize).min(case.len());
                let line = super::lexer::line_of(case, at);
                let ls = case[..at].rfind('\n').map_or(0, |i| i + 1);
                let col = case[ls..at].chars().count() + 1;
                println!("{}|{}|{}|{}", e.kind.class_name(), e.msg, line, col);
            }
        }
    }
}

/// Statement kinds and spans (plus expression dumps) in pre-order, one per line.
fn dump_stmts(body: &[Stmt], out: &mut Vec<String>) {
    for s in body {
        let (name, exprs, bodies): (&str, Vec<&Expr>, Vec<&[Stmt]>) = match &s.kind {
            StmtKind::Expr(e) => ("Expr", vec![e], vec![]),
            StmtKind::Assign { targets, value } => {
                let mut v: Vec<&Expr> = targets.iter().collect();
                v.push(value);
                ("Assign", v, vec![])
            }
            StmtKind::AugAssign { target, value, .. } => ("AugAssign", vec![target, value], vec![]),
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                ..
            } => {
                let mut v = vec![target, annotation];
                v.extend(value.iter());
                ("AnnAssign", v, vec![])
            }
            StmtKind::Pass => ("Pass", vec![], vec![]),
            StmtKind::Break => ("Break", vec![], vec![]),
            StmtKind::Continue => ("Continue", vec![], vec![]),
            StmtKind::Return(v) => ("Return", v.iter().collect(), vec![]),
            StmtKind::Delete(v) => ("Delete", v.iter().collect(), vec![]),
            StmtKind::Global(_) => ("Global", vec![], vec![]),
            StmtKind::Nonlocal(_) => ("Nonlocal", vec![], vec![]),
            StmtKind::If { test, body, orelse } => ("If", vec![test], vec![body, orelse]),
            StmtKind::While { test, body, orelse } => ("While", vec![test], vec![body, orelse]),
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
                is_async,
            } => (
                if *is_async { "AsyncFor" } else { "For" },
                vec![target, iter],
                vec![body, orelse],
            ),
            StmtKind::With {
                items,
                body,
                is_async,
            } => {
                let mut v = Vec::new();
                for i in items {
                    v.push(&i.context);
                    v.extend(i.target.iter());
                }
                (if *is_async { "AsyncWith" } else { "With" }, v, vec![body])
            }
            StmtKind::Raise { exc, cause } => {
                ("Raise", exc.iter().chain(cause.iter()).collect(), vec![])
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                is_star,
            } => {
                out.push(format!(
                    "{}@{}..{}",
                    if *is_star { "TryStar" } else { "Try" },
                    s.span.start,
                    s.span.end
                ));
                dump_stmts(body, out);
                for h in handlers {
                    out.push(format!("ExceptHandler@{}..{}", h.span.start, h.span.end));
                    if let Some(t) = &h.typ {
                        out.push(sx(t));
                    }
                    dump_stmts(&h.body, out);
                }
                dump_stmts(orelse, out);
                dump_stmts(finalbody, out);
                continue;
            }
            StmtKind::Match { subject, cases } => (
                "Match",
                std::iter::once(subject)
                    .chain(cases.iter().filter_map(|c| c.guard.as_ref()))
                    .collect(),
                cases.iter().map(|c| &c.body[..]).collect(),
            ),
            StmtKind::Assert { test, msg } => (
                "Assert",
                std::iter::once(test).chain(msg.iter()).collect(),
                vec![],
            ),
            StmtKind::FunctionDef(f) => {
                let mut v: Vec<&Expr> = f.decorators.iter().collect();
                v.extend(f.returns.iter());
                (
                    if f.is_async {
                        "AsyncFunctionDef"
                    } else {
                        "FunctionDef"
                    },
                    v,
                    vec![&f.body],
                )
            }
            StmtKind::ClassDef(c) => {
                let mut v: Vec<&Expr> = c.decorators.iter().collect();
                v.extend(c.bases.iter());
                ("ClassDef", v, vec![&c.body])
            }
            StmtKind::Import(_) => ("Import", vec![], vec![]),
            StmtKind::ImportFrom { .. } => ("ImportFrom", vec![], vec![]),
        };
        out.push(format!("{name}@{}..{}", s.span.start, s.span.end));
        for e in exprs {
            out.push(sx(e));
        }
        for b in bodies {
            dump_stmts(b, out);
        }
    }
}

/// `AIO_DUMP_FILE=f.py`: prints `dump_stmts` for comparison with a python3 dumper by hand.
#[test]
#[ignore]
fn dump_file() {
    let Ok(path) = std::env::var("AIO_DUMP_FILE") else {
        return;
    };
    let src = std::fs::read_to_string(path).unwrap_or_default();
    match parse_module(&src) {
        Ok(m) => {
            let mut out = Vec::new();
            dump_stmts(&m.body, &mut out);
            println!("{}", out.join("\n"));
        }
        Err(e) => println!("ERR {} {:?}", e.msg, e.span),
    }
}
