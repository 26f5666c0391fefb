//! The recursion limit. As in CPython 3.11, Python frames and the native operations that
//! can recurse through user code or nested data share `sys.getrecursionlimit()`: repr,
//! str, rich comparison, and builtin calls made from aio code (CPython's
//! `Py_EnterRecursiveCall`) each count one level while they run, and the error names the
//! operation that hit the limit ("... while getting the repr of an object").
//!
//! Those operations recurse on the native stack, so whatever the limit is raised to they
//! also stop at `MAX_NATIVE_RECURSION` levels.

use super::errors::{exc, PyResult};
use super::types::ExcKind;
use super::Vm;

/// Native recursion levels allowed whatever `sys.setrecursionlimit` says; a level of a
/// deep `repr` takes a few KB of the interpreter thread's stack (more in debug builds).
pub const MAX_NATIVE_RECURSION: usize = 20_000;

/// Suffixes of CPython's RecursionError messages, naming what hit the limit.
pub const IN_REPR: &str = " while getting the repr of an object";
pub const IN_STR: &str = " while getting the str of an object";
pub const IN_COMPARISON: &str = " in comparison";
pub const IN_BUILTIN_CALL: &str = " while calling a Python object";

impl Vm {
    /// Levels in use: frames plus the counted native operations in progress.
    pub fn recursion_depth(&self) -> usize {
        self.frames.len() + self.native_recursion
    }

    /// Runs `f` as one counted level, or raises RecursionError naming `what`.
    pub fn recursive<T>(
        &mut self,
        what: &str,
        f: impl FnOnce(&mut Vm) -> PyResult<T>,
    ) -> PyResult<T> {
        if self.recursion_depth() >= self.recursion_limit
            || self.native_recursion >= MAX_NATIVE_RECURSION
        {
            return Err(exc(
                ExcKind::RecursionError,
                format!("maximum recursion depth exceeded{what}"),
            ));
        }
        self.native_recursion += 1;
        let r = f(self);
        self.native_recursion -= 1;
        r
    }
}
