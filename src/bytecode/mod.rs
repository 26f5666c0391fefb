//! Bytecode: the instruction set, code objects and their source map (DESIGN.md section 2).
pub mod code;
pub mod dis;
pub mod ops;
pub mod source;

pub use code::{Code, CodeFlags, ConstValue, ExcEntry};
pub use ops::Op;
pub use source::Source;
