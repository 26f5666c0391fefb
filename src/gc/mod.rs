//! Memory management (DESIGN.md section 3): reference counts come from `Rc`; this module
//! adds what plain reference counting lacks: a cycle collector, finalizers that run aio
//! code, and iterative deallocation.
pub mod collector;
pub mod finalize;
pub mod trash;
pub mod traverse;
