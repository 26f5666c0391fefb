//! Warnings aio prints on stderr in CPython's format.

use super::Vm;
use crate::obj::CodeObj;

/// Writes the SyntaxWarnings the compiler just found (`compile::warnings`) to stderr.
pub fn report_compile_warnings(vm: &mut Vm) {
    for text in crate::compile::warnings::take() {
        vm.write_stderr(&text);
    }
}

/// "RuntimeWarning: coroutine 'f' was never awaited", printed when an un-awaited coroutine
/// object dies. Like CPython's warnings, it names the line executing at that moment; with
/// no aio frame running (collection at exit) CPython says `sys:1` and shows no source.
pub fn never_awaited(vm: &mut Vm, qualname: &str, _code: &CodeObj) {
    let message = format!("RuntimeWarning: coroutine '{qualname}' was never awaited");
    let text = match vm.frames.last() {
        Some(frame) => {
            let c = &frame.code.code;
            let line = c.line_of(frame.pc.saturating_sub(1));
            let source = c.source.line_text(line).trim();
            format!(
                "{}:{line}: {message}\n  {source}\nRuntimeWarning: Enable tracemalloc to get the object allocation traceback\n",
                c.source.name
            )
        }
        // Collected at exit before the modules are torn down, warnings still imports
        // tracemalloc to suggest it.
        None if !crate::gc::module_teardown::is_finalizing() => format!(
            "sys:1: {message}\nRuntimeWarning: Enable tracemalloc to get the object allocation traceback\n"
        ),
        None => format!("sys:1: {message}\n"),
    };
    vm.write_stderr(&text);
}
