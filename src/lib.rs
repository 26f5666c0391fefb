//! aio: a small, fast interpreter for a Python-like language with asyncio in the VM.
#![deny(clippy::unwrap_used)]

pub mod bytecode;
pub mod cli;
pub mod gc;
pub mod modules;
pub mod obj;
pub mod syntax;
pub mod text;
pub mod vm;
