//! Exception unwinding through frames.
