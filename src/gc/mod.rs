//! Memory management: the cycle collector, finalization, iterative deallocation
//! (DESIGN.md section 3).
pub mod collector;
pub mod finalize;
