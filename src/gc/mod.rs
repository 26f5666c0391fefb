//! Memory management (DESIGN.md section 3): the counted object box (`heap`, where all of
//! aio's `unsafe` code is), and what plain reference counting lacks: a cycle collector,
//! finalizers that run aio code, and iterative deallocation.
pub mod collector;
pub mod finalize;
pub mod heap;
pub mod trash;
pub mod traverse;
