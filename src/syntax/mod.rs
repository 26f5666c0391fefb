//! The front end: source text to AST (DESIGN.md section 2).
pub mod ast;
pub mod error;
