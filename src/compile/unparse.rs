//! Annotations as text, for `from __future__ import annotations` (PEP 563): the compiler
//! stores each annotation as the string CPython's unparser makes of it instead of
//! evaluating it. Written after `ast.unparse`: same spacing, same quotes, parentheses only
//! where precedence needs them.
//!
//! The forms annotations use (names, attributes, subscripts, `|`, constants, calls,
//! tuples, lists, ...) are covered; the rest (lambdas, comprehensions, f-strings, ...)
//! answer None and the compiler reports them as not supported.

use crate::syntax::ast::{BinOp, BoolOp, CmpOp, Constant, Expr, ExprKind, UnaryOp};

/// CPython's `_Precedence`, lowest first.
#[derive(Clone, Copy, PartialEq, PartialOrd)]
enum Prec {
    Tuple = 2,
    Test = 4,
    Or = 5,
    And = 6,
    Not = 7,
    Cmp = 8,
    Expr = 9,
    BXor = 10,
    BAnd = 11,
    Shift = 12,
    Arith = 13,
    Term = 14,
    Factor = 15,
    Power = 16,
    Atom = 18,
}

impl Prec {
    /// The next tighter level (`_Precedence.next()`).
    fn next(self) -> Prec {
        use Prec::*;
        match self {
            Tuple => Test,
            Test => Or,
            Or => And,
            And => Not,
            Not => Cmp,
            Cmp => Expr,
            Expr => BXor,
            BXor => BAnd,
            BAnd => Shift,
            Shift => Arith,
            Arith => Term,
            Term => Factor,
            Factor => Power,
            Power | Atom => Atom,
        }
    }
}

fn binop_prec(op: BinOp) -> Prec {
    match op {
        BinOp::Add | BinOp::Sub => Prec::Arith,
        BinOp::Mult | BinOp::MatMult | BinOp::Div | BinOp::Mod | BinOp::FloorDiv => Prec::Term,
        BinOp::LShift | BinOp::RShift => Prec::Shift,
        BinOp::BitOr => Prec::Expr,
        BinOp::BitXor => Prec::BXor,
        BinOp::BitAnd => Prec::BAnd,
        BinOp::Pow => Prec::Power,
    }
}

fn cmp_symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::NotEq => "!=",
        CmpOp::Lt => "<",
        CmpOp::LtE => "<=",
        CmpOp::Gt => ">",
        CmpOp::GtE => ">=",
        CmpOp::Is => "is",
        CmpOp::IsNot => "is not",
        CmpOp::In => "in",
        CmpOp::NotIn => "not in",
    }
}

/// The text of annotation `e`, or None for a form this unparser does not know.
pub fn annotation(e: &Expr) -> Option<String> {
    let mut out = String::new();
    write(&mut out, e, Prec::Test)?;
    Some(out)
}

/// Writes `e` where the surrounding context binds at `ctx`: parenthesized when `e`
/// binds more loosely.
fn write(out: &mut String, e: &Expr, ctx: Prec) -> Option<()> {
    let paren = |out: &mut String, own: Prec, body: &dyn Fn(&mut String) -> Option<()>| {
        let wrap = ctx > own;
        if wrap {
            out.push('(');
        }
        body(out)?;
        if wrap {
            out.push(')');
        }
        Some(())
    };
    match &e.kind {
        ExprKind::Name(n) => out.push_str(n),
        ExprKind::Constant(c) => constant(out, c)?,
        ExprKind::Attribute { value, attr } => {
            write(out, value, Prec::Atom)?;
            // `1 .real`: a dot right after an int literal would read as a float.
            if matches!(
                value.kind,
                ExprKind::Constant(Constant::Int(_) | Constant::BigInt(_))
            ) {
                out.push(' ');
            }
            out.push('.');
            out.push_str(attr);
        }
        ExprKind::Subscript { value, index } => {
            write(out, value, Prec::Atom)?;
            out.push('[');
            match &index.kind {
                ExprKind::Tuple(items) if !items.is_empty() => items_view(out, items)?,
                _ => write(out, index, Prec::Tuple)?,
            }
            out.push(']');
        }
        ExprKind::BinOp { left, op, right } => {
            let own = binop_prec(*op);
            let (l, r) = if *op == BinOp::Pow {
                (own.next(), own)
            } else {
                (own, own.next())
            };
            paren(out, own, &|out| {
                write(out, left, l)?;
                out.push(' ');
                out.push_str(op.symbol());
                out.push(' ');
                write(out, right, r)
            })?;
        }
        ExprKind::UnaryOp { op, operand } => {
            let (own, sym) = match op {
                UnaryOp::Not => (Prec::Not, "not "),
                UnaryOp::Invert => (Prec::Factor, "~"),
                UnaryOp::UAdd => (Prec::Factor, "+"),
                UnaryOp::USub => (Prec::Factor, "-"),
            };
            paren(out, own, &|out| {
                out.push_str(sym);
                write(out, operand, own)
            })?;
        }
        ExprKind::BoolOp { op, values } => {
            let (own, sym) = match op {
                BoolOp::And => (Prec::And, " and "),
                BoolOp::Or => (Prec::Or, " or "),
            };
            paren(out, own, &|out| {
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        out.push_str(sym);
                    }
                    write(out, v, own.next())?;
                }
                Some(())
            })?;
        }
        ExprKind::Compare {
            left,
            ops,
            comparators,
        } => {
            paren(out, Prec::Cmp, &|out| {
                write(out, left, Prec::Cmp.next())?;
                for (op, c) in ops.iter().zip(comparators) {
                    out.push(' ');
                    out.push_str(cmp_symbol(*op));
                    out.push(' ');
                    write(out, c, Prec::Cmp.next())?;
                }
                Some(())
            })?;
        }
        ExprKind::IfExp { test, body, orelse } => {
            paren(out, Prec::Test, &|out| {
                write(out, body, Prec::Test.next())?;
                out.push_str(" if ");
                write(out, test, Prec::Test.next())?;
                out.push_str(" else ");
                write(out, orelse, Prec::Test)
            })?;
        }
        ExprKind::Call {
            func,
            args,
            keywords,
        } => {
            write(out, func, Prec::Atom)?;
            out.push('(');
            let mut first = true;
            for a in args {
                sep(out, &mut first);
                write(out, a, Prec::Test)?;
            }
            for k in keywords {
                sep(out, &mut first);
                match &k.arg {
                    Some(name) => {
                        out.push_str(name);
                        out.push('=');
                    }
                    None => out.push_str("**"),
                }
                write(out, &k.value, Prec::Test)?;
            }
            out.push(')');
        }
        ExprKind::Starred(v) => {
            out.push('*');
            write(out, v, Prec::Expr)?;
        }
        ExprKind::Tuple(items) if items.is_empty() => out.push_str("()"),
        ExprKind::Tuple(items) => paren(out, Prec::Tuple, &|out| items_view(out, items))?,
        ExprKind::List(items) => {
            out.push('[');
            let mut first = true;
            for i in items {
                sep(out, &mut first);
                write(out, i, Prec::Test)?;
            }
            out.push(']');
        }
        ExprKind::Slice { lower, upper, step } => {
            if let Some(l) = lower {
                write(out, l, Prec::Test)?;
            }
            out.push(':');
            if let Some(u) = upper {
                write(out, u, Prec::Test)?;
            }
            if let Some(s) = step {
                out.push(':');
                write(out, s, Prec::Test)?;
            }
        }
        _ => return None,
    }
    Some(())
}

fn sep(out: &mut String, first: &mut bool) {
    if !*first {
        out.push_str(", ");
    }
    *first = false;
}

/// `a, b` (and `a,` for one item) of a non-empty tuple, as in a subscript or parentheses.
fn items_view(out: &mut String, items: &[Expr]) -> Option<()> {
    let mut first = true;
    for i in items {
        sep(out, &mut first);
        write(out, i, Prec::Test)?;
    }
    if items.len() == 1 {
        out.push(',');
    }
    Some(())
}

fn constant(out: &mut String, c: &Constant) -> Option<()> {
    match c {
        Constant::None => out.push_str("None"),
        Constant::True => out.push_str("True"),
        Constant::False => out.push_str("False"),
        Constant::Ellipsis => out.push_str("..."),
        Constant::Int(i) => out.push_str(&i.to_string()),
        Constant::BigInt(b) => out.push_str(&b.to_string()),
        Constant::Float(f) => out.push_str(&float_text(*f)),
        Constant::Imag(_) => return None,
        Constant::Str(s) => out.push_str(&crate::text::str_repr(s)),
        Constant::Bytes(b) => out.push_str(&crate::obj::methods::bytes::bytes_repr(b)),
    }
    Some(())
}

/// A float literal: its repr, with infinity written as the literal that overflows to it.
fn float_text(f: f64) -> String {
    if f.is_infinite() {
        "1e309".to_string()
    } else {
        crate::text::float_repr(f)
    }
}

/// `repr()` of a literal constant as CPython prints it in messages (None for imaginaries).
pub fn constant_repr(c: &Constant) -> Option<String> {
    let mut out = String::new();
    match c {
        Constant::Float(f) => out.push_str(&crate::text::float_repr(*f)),
        _ => constant(&mut out, c)?,
    }
    Some(out)
}
