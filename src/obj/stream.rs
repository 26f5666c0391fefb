//! Text streams for `sys.stdin`, `sys.stdout` and `sys.stderr`.

use std::cell::{Cell, RefCell};

pub struct StreamObj {
    /// 0, 1 or 2.
    pub fd: i32,
    /// `<stdout>` etc.
    pub name: &'static str,
    /// Pending output (stdout is block-buffered when not a terminal, as in CPython).
    pub buffer: RefCell<Vec<u8>>,
    /// `close()` was called: the descriptor stays open (CPython's std streams do not own
    /// theirs), the stream refuses I/O.
    pub closed: Cell<bool>,
}
