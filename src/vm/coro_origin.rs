//! `cr_origin`: where a coroutine was made, recorded while
//! `sys.set_coroutine_origin_tracking_depth(n)` is on (asyncio's debug mode turns it on, so
//! that "coroutine ... was never awaited" says where the coroutine came from). Off (0, the
//! default) nothing is recorded: the makers of coroutines test the depth and nothing else.

use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::function::CodeObj;
use crate::obj::Obj;

impl Vm {
    /// The `cr_origin` of a coroutine of `code` made now, as CPython's `compute_cr_origin`:
    /// `(filename, lineno, name)` of the innermost `depth` running frames (the maker's
    /// first). None when tracking is off or `code` makes no coroutine.
    pub(crate) fn coroutine_origin(&self, code: &CodeObj) -> Option<ObjRef> {
        if self.coro_origin_depth == 0 {
            return None;
        }
        let flags = &code.code.flags;
        if !flags.coroutine || flags.async_generator {
            return None;
        }
        Some(self.origin_of_frames(self.frames.len()))
    }

    /// The origin tuple of the frames below `top` (an index into the frame stack).
    pub(crate) fn origin_of_frames(&self, top: usize) -> ObjRef {
        let below = self.frames.get(..top).unwrap_or_default();
        let entries = below
            .iter()
            .rev()
            .take(self.coro_origin_depth as usize)
            .map(|f| {
                let c = &f.code.code;
                // A frame that has not started is at its `def` line, as in CPython.
                let line = if f.pc > 0 {
                    c.line_of(f.lasti())
                } else {
                    c.first_line()
                };
                Value::tuple(vec![
                    Value::str(&c.source.name),
                    Value::Int(line as i64),
                    Value::str(&c.name),
                ])
            })
            .collect::<Vec<_>>();
        ObjRef::new(Obj::Tuple(entries.into_boxed_slice()))
    }
}
