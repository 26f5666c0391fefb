//! A disassembler for debugging and tests: one line per instruction with its source line,
//! index, op and a readable argument, then the exception table, then nested code objects.

use super::code::{Code, ConstValue};
use super::ops::Op;
use std::fmt::Write;

/// Render a constant roughly as Python's `repr` would.
pub fn const_repr(c: &ConstValue) -> String {
    match c {
        ConstValue::None => "None".into(),
        ConstValue::Bool(true) => "True".into(),
        ConstValue::Bool(false) => "False".into(),
        ConstValue::Ellipsis => "Ellipsis".into(),
        ConstValue::Int(i) => i.to_string(),
        ConstValue::BigInt(b) => b.to_string(),
        ConstValue::Float(f) => {
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e16 {
                format!("{f:.1}")
            } else {
                format!("{f}")
            }
        }
        ConstValue::Imag(f) => format!("{f}j"),
        ConstValue::Str(s) => format!("{:?}", &**s).replace('"', "'"),
        ConstValue::Bytes(b) => format!("b{:?}", String::from_utf8_lossy(b)),
        ConstValue::Tuple(t) => {
            let items: Vec<String> = t.iter().map(const_repr).collect();
            if items.len() == 1 {
                format!("({},)", items[0])
            } else {
                format!("({})", items.join(", "))
            }
        }
        ConstValue::FrozenSet(t) => {
            let items: Vec<String> = t.iter().map(const_repr).collect();
            format!("frozenset({{{}}})", items.join(", "))
        }
        ConstValue::Code(c) => format!("<code {}>", c.qualname),
    }
}

fn name_at(v: &[std::rc::Rc<str>], i: u32) -> String {
    v.get(i as usize)
        .map_or_else(|| format!("?{i}"), |s| s.to_string())
}

fn deref_name(code: &Code, i: u32) -> String {
    let i = i as usize;
    match code.cellvars.get(i) {
        Some(n) => n.to_string(),
        None => code
            .freevars
            .get(i - code.cellvars.len())
            .map_or_else(|| format!("?{i}"), |s| s.to_string()),
    }
}

/// The op's name and argument, e.g. `LoadName x` or `Jump ->12`.
pub fn format_op(code: &Code, op: &Op) -> String {
    let arg = match *op {
        Op::LoadConst(i) => Some(
            code.consts
                .get(i as usize)
                .map_or_else(|| format!("?{i}"), const_repr),
        ),
        Op::KwNames(i) => Some(
            code.consts
                .get(i as usize)
                .map_or_else(|| format!("?{i}"), const_repr),
        ),
        Op::LoadFast(i) | Op::StoreFast(i) | Op::DeleteFast(i) => Some(name_at(&code.varnames, i)),
        Op::LoadDeref(i)
        | Op::StoreDeref(i)
        | Op::DeleteDeref(i)
        | Op::LoadClosure(i)
        | Op::LoadClassDeref(i) => Some(deref_name(code, i)),
        Op::LoadGlobal(i)
        | Op::StoreGlobal(i)
        | Op::DeleteGlobal(i)
        | Op::LoadName(i)
        | Op::StoreName(i)
        | Op::DeleteName(i)
        | Op::LoadAttr(i)
        | Op::StoreAttr(i)
        | Op::DeleteAttr(i)
        | Op::LoadMethod(i)
        | Op::ImportName(i)
        | Op::ImportFrom(i) => Some(name_at(&code.names, i)),
        Op::Jump(t)
        | Op::PopJumpIfFalse(t)
        | Op::PopJumpIfTrue(t)
        | Op::PopJumpIfNone(t)
        | Op::PopJumpIfNotNone(t)
        | Op::JumpIfFalseOrPop(t)
        | Op::JumpIfTrueOrPop(t)
        | Op::ForIter(t)
        | Op::Send(t) => Some(format!("->{t}")),
        _ => None,
    };
    let dbg = format!("{op:?}");
    let base = dbg.split('(').next().unwrap_or(&dbg).to_string();
    match arg {
        Some(a) => format!("{base} {a}"),
        None => dbg,
    }
}

/// Disassemble `code` and, recursively, every code object among its constants.
pub fn disassemble(code: &Code) -> String {
    let mut out = String::new();
    write_code(code, &mut out);
    out
}

fn write_code(code: &Code, out: &mut String) {
    let _ = writeln!(
        out,
        "Disassembly of <{}> (args {}, posonly {}, kwonly {}, stack {}){}",
        code.qualname,
        code.argcount,
        code.posonlyargcount,
        code.kwonlyargcount,
        code.max_stack,
        flags_text(code)
    );
    if !code.varnames.is_empty() {
        let v: Vec<&str> = code.varnames.iter().map(|s| &**s).collect();
        let _ = writeln!(out, "  varnames: {}", v.join(", "));
    }
    if !code.cellvars.is_empty() {
        let v: Vec<&str> = code.cellvars.iter().map(|s| &**s).collect();
        let _ = writeln!(out, "  cellvars: {}", v.join(", "));
    }
    if !code.freevars.is_empty() {
        let v: Vec<&str> = code.freevars.iter().map(|s| &**s).collect();
        let _ = writeln!(out, "  freevars: {}", v.join(", "));
    }
    let mut last_line = 0;
    for (i, op) in code.ops.iter().enumerate() {
        let line = code.line_of(i);
        let line_col = if line != last_line {
            last_line = line;
            format!("{line:>4}")
        } else {
            "    ".to_string()
        };
        let _ = writeln!(out, "{line_col} {i:>5} {}", format_op(code, op));
    }
    if !code.exc_table.is_empty() {
        let _ = writeln!(out, "  ExceptionTable:");
        for e in &code.exc_table {
            let _ = writeln!(
                out,
                "    {} to {} -> {} [{}]",
                e.start, e.end, e.target, e.depth
            );
        }
    }
    for c in &code.consts {
        if let ConstValue::Code(inner) = c {
            out.push('\n');
            write_code(inner, out);
        }
    }
}

fn flags_text(code: &Code) -> String {
    let f = code.flags;
    let mut v = Vec::new();
    for (on, name) in [
        (f.varargs, "varargs"),
        (f.varkeywords, "varkeywords"),
        (f.generator, "generator"),
        (f.coroutine, "coroutine"),
        (f.async_generator, "async_generator"),
        (f.uses_locals_mapping, "locals_mapping"),
    ] {
        if on {
            v.push(name);
        }
    }
    if v.is_empty() {
        String::new()
    } else {
        format!(" [{}]", v.join(", "))
    }
}
