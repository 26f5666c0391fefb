//! Warnings aio prints on stderr in CPython's format.

use super::Vm;
use crate::obj::CodeObj;

/// "RuntimeWarning: coroutine 'f' was never awaited", printed when an un-awaited coroutine
/// object dies. CPython names the line that created it; aio names the coroutine's
/// definition line until creation sites are recorded.
pub fn never_awaited(vm: &mut Vm, qualname: &str, code: &CodeObj) {
    let c = &code.code;
    let line = c.first_line();
    let text = c.source.line_text(line).trim().to_string();
    vm.write_stderr(&format!(
        "{}:{}: RuntimeWarning: coroutine '{}' was never awaited\n  {}\nRuntimeWarning: Enable tracemalloc to get the object allocation traceback\n",
        c.source.name, line, qualname, text
    ));
}
