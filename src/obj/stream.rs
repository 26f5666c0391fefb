//! Text streams for `sys.stdin`, `sys.stdout` and `sys.stderr`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

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
    /// Pending bytes written to the binary layer (`sys.stdout.buffer`), which CPython
    /// keeps apart from the text layer's pending text: flushing the text stream writes
    /// these first, then the text.
    pub binary: RefCell<Vec<u8>>,
    /// What `reconfigure()` set: the encoding and errors names as given (the encoding is
    /// always UTF-8), and line buffering.
    pub encoding: RefCell<Option<Rc<str>>>,
    pub errors: RefCell<Option<Rc<str>>>,
    pub line_buffering: Cell<Option<bool>>,
}
