//! Memory management (DESIGN.md section 3): the counted object box (`heap`, where nearly all
//! of aio's `unsafe` code is; the global allocator wrapper `alloc` has the rest), and what plain reference counting lacks: a cycle collector,
//! finalizers that run aio code, and iterative deallocation.
pub mod alloc;
pub mod collector;
pub mod finalize;
pub mod heap;
pub mod module_teardown;
pub mod trash;
pub mod traverse;
pub mod weak_watch;
