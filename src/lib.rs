//! aio: a small, fast interpreter for a Python-like language with asyncio in the VM.
#![deny(clippy::unwrap_used)]

pub mod bytecode;
pub mod cli;
pub mod compile;
pub mod diagnostics;
pub mod eventloop;
pub mod gc;
pub mod golden;
pub mod interpreter;
pub mod modules;
pub mod obj;
pub mod options;
pub mod repl;
pub mod stdlib;
pub mod syntax;
pub mod text;
pub mod vm;
