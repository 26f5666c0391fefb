//! Native modules and the builtin namespace.

mod ast_exprs;
pub mod ast_nodes;
pub(crate) mod asyncio_arity;
pub mod asyncio_core;
pub mod asyncio_io;
pub mod asyncio_sync;
pub mod asyncio_timer_order;
pub mod builtins;
pub mod cmath;
pub mod codecs;
pub mod compile_single;
pub mod exec;
pub mod faulthandler;
pub mod fcntl;
pub mod file;
pub mod gc_module;
pub mod hashlib;
pub mod importer;
pub mod iterable_coroutine;
pub mod linecache_io;
pub mod locale_startup;
pub mod math;
mod math_erf;
mod math_hyperbolic;
mod math_special;
pub mod os;
pub mod os_perms;
pub mod partial;
pub mod platform_probe;
pub mod process;
pub mod re;
pub mod resource;
pub mod select;
pub mod signal;
pub mod socket;
mod socket_options;
mod strftime;
pub mod struct_;
pub mod sys;
pub mod sys_interval;
pub mod sys_origin;
pub mod sys_tracing;
pub mod sys_unraisable;
pub mod termios;
pub mod thread;
pub mod time;
mod time_calendar;
mod time_clocks;
pub mod traceback;
pub mod unicodedata;
mod unicodedata_normalize;
pub mod userids;
#[rustfmt::skip]
mod unicodedata_tables;
pub mod zlib;

use crate::vm::Vm;

/// Fills the builtin types' namespaces, the `builtins` namespace and the native modules.
pub fn init(vm: &mut Vm) {
    crate::obj::methods::register_all(vm);
    builtins::register(vm);
    exec::register(vm);
    sys::register(vm);
    math::register(vm);
    cmath::register(vm);
    time::register(vm);
    gc_module::register(vm);
    traceback::register(vm);
    os::register(vm);
    socket::register(vm);
    process::register(vm);
    signal::register(vm);
    thread::register(vm);
    file::register(vm);
    struct_::register(vm);
    re::register(vm);
    hashlib::register(vm);
    zlib::register(vm);
    resource::register(vm);
    termios::register(vm);
    fcntl::register(vm);
    userids::register(vm);
    faulthandler::register(vm);
    iterable_coroutine::register(vm);
    unicodedata::register(vm);
    select::register(vm);
    importer::register(vm);
    codecs::register_module(vm);
    linecache_io::register(vm);
    locale_startup::register(vm);
    platform_probe::register(vm);
    asyncio_core::register(vm);
    crate::eventloop::context::register_module(vm);
}

/// The C library's text for an errno value (`strerror`), as CPython shows it.
pub fn os_error_text(errno: i32) -> String {
    let s = std::io::Error::from_raw_os_error(errno).to_string();
    // Rust appends " (os error N)".
    match s.rfind(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}
