//! Code objects: the compiler's output for one function, class body, module or comprehension.

use super::ops::Op;
use super::source::Source;
use crate::syntax::ast::Span;
use num_bigint::BigInt;
use std::rc::Rc;

/// A compile-time constant. The VM turns these into runtime values once per code object.
#[derive(Clone, Debug)]
pub enum ConstValue {
    None,
    Bool(bool),
    Ellipsis,
    Int(i64),
    BigInt(Rc<BigInt>),
    Float(f64),
    /// Imaginary literal: `complex(0.0, x)`.
    Imag(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    /// Tuples of constants (keyword-name tuples for `KwNames`, constant folding).
    Tuple(Rc<[ConstValue]>),
    /// A set display of three or more constants, which CPython compiles to a frozenset
    /// constant merged into an empty set: the items in source order.
    FrozenSet(Rc<[ConstValue]>),
    Code(Rc<Code>),
}

/// An exception-table entry: an exception raised at an instruction in `start..end` truncates
/// the value stack to `depth`, pushes the exception and jumps to `target`. Entries may nest;
/// the VM uses the FIRST entry that contains the instruction, so inner entries come first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExcEntry {
    pub start: u32,
    pub end: u32,
    pub target: u32,
    pub depth: u32,
}

/// What kind of code this is (CPython's `co_flags`, the ones aio needs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CodeFlags {
    /// Has `*args`.
    pub varargs: bool,
    /// Has `**kwargs`.
    pub varkeywords: bool,
    /// Contains `yield`: calling it returns a generator.
    pub generator: bool,
    /// `async def` without yield: calling it returns a coroutine.
    pub coroutine: bool,
    /// `async def` with yield: calling it returns an async generator.
    pub async_generator: bool,
    /// Module or class body: names live in a locals mapping (`LoadName`/`StoreName`).
    pub uses_locals_mapping: bool,
}

#[derive(Debug)]
pub struct Code {
    /// `co_name`: function name, `<module>`, `<lambda>`, `<listcomp>`, class name ...
    pub name: Rc<str>,
    /// `co_qualname`: `Outer.method.<locals>.inner`.
    pub qualname: Rc<str>,
    pub flags: CodeFlags,
    /// Positional parameters, including positional-only ones.
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    /// Local slots: parameters first (positional, keyword-only, `*args`, `**kwargs`), then
    /// the other locals.
    pub varnames: Vec<Rc<str>>,
    /// Cells this frame creates (captured by inner functions).
    pub cellvars: Vec<Rc<str>>,
    /// Variables captured from enclosing functions; the closure tuple supplies them in order.
    pub freevars: Vec<Rc<str>>,
    /// For each cellvar that is also a parameter: `(cell index, parameter slot)`, so the
    /// argument is moved into its cell when the frame starts.
    pub cell_params: Vec<(u32, u32)>,
    /// Names used by attribute, global and name instructions.
    pub names: Vec<Rc<str>>,
    pub consts: Vec<ConstValue>,
    pub ops: Vec<Op>,
    /// Source span of each instruction (same length as `ops`), for line numbers and carets.
    pub spans: Vec<Span>,
    pub exc_table: Vec<ExcEntry>,
    /// Upper bound of the value stack depth.
    pub max_stack: u32,
    /// Span of the definition (`def` line) for "defined at" in reprs; module: 0..0.
    pub def_span: Span,
    pub source: Rc<Source>,
}

impl Code {
    /// The line number (1-based) of instruction `pc`.
    pub fn line_of(&self, pc: usize) -> u32 {
        let span = self.spans.get(pc).copied().unwrap_or(self.def_span);
        self.source.line_of(span.start)
    }
    pub fn first_line(&self) -> u32 {
        self.source.line_of(self.def_span.start)
    }
    pub fn n_cells(&self) -> usize {
        self.cellvars.len() + self.freevars.len()
    }
    pub fn is_generator_like(&self) -> bool {
        self.flags.generator || self.flags.coroutine || self.flags.async_generator
    }

    /// A plain function whose only parameters are positional ones: a call with exactly
    /// `argcount` positional arguments binds them in order, with nothing else to check.
    #[inline]
    pub fn takes_exactly_positional(&self, nargs: usize) -> bool {
        self.argcount as usize == nargs
            && self.kwonlyargcount == 0
            && !self.flags.varargs
            && !self.flags.varkeywords
            && !self.is_generator_like()
    }
}
