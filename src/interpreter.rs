//! The embedding API: an interpreter that runs files and source text, and the exit
//! status rules of the command line (CPython's: 0, 1 for an uncaught exception, 130 for
//! KeyboardInterrupt, `sys.exit(n)`).

use crate::bytecode::Source;
use crate::vm::errors::ExcRef;
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use crate::vm::Vm;
use nix::sys::signal::{SigSet, Signal};
use std::path::Path;
use std::rc::Rc;

/// Native stack for the interpreter thread: deep enough that no program can exhaust it
/// before aio's own limits (recursion limit, native call depth, parser depth) trigger.
pub const INTERPRETER_STACK_BYTES: usize = 1 << 30;

/// Why the main module did not run to its end.
enum MainError {
    /// It did not compile: the error is reported, with this exit status.
    Compile(i32),
    /// Its code raised this.
    Raised(ExcRef),
}

pub struct Interpreter {
    pub vm: Vm,
    /// Whether syntax errors get the rich terminal report.
    pub color: crate::diagnostics::ColorChoice,
}

impl Default for Interpreter {
    fn default() -> Self {
        Self::new()
    }
}

impl Interpreter {
    pub fn new() -> Interpreter {
        Interpreter {
            vm: Vm::new(),
            color: crate::diagnostics::ColorChoice::Auto,
        }
    }

    /// An interpreter for a process's main program: Ctrl-C raises KeyboardInterrupt.
    pub fn for_main() -> Interpreter {
        let mut i = Interpreter::new();
        crate::vm::signals::install_sigint(&i.vm.interrupt, &mut i.vm.py_signals);
        i
    }

    /// Runs `text` as the `__main__` module named `name` (a path or `<string>`).
    /// Returns the process exit status; uncaught exceptions are printed to stderr.
    pub fn run_main(&mut self, name: &str, text: String) -> i32 {
        self.run_main_as(name, text, "", MainKind::Script)
    }

    /// `run_main` for `aio -m`: the module's `__package__` is `package`, so its relative
    /// imports work.
    pub fn run_main_in(&mut self, name: &str, text: String, package: &str) -> i32 {
        self.run_main_as(name, text, package, MainKind::Module)
    }

    fn run_main_as(&mut self, name: &str, text: String, package: &str, kind: MainKind) -> i32 {
        let status = match self.exec_main(name, text, package, kind) {
            Ok(()) => 0,
            // A syntax error: reported, and nothing ran that needs shutting down.
            Err(MainError::Compile(status)) => return status,
            Err(MainError::Raised(e)) => self.report_uncaught(e),
        };
        self.shutdown();
        status
    }

    /// `aio -i FILE`: runs the script as `run_main` does but leaves the interpreter up for
    /// the prompt that follows; an uncaught exception, SystemExit included, is printed
    /// (as CPython's inspect mode does) rather than ending the process.
    pub fn run_main_then_inspect(&mut self, name: &str, text: String) {
        if let Err(MainError::Raised(e)) = self.exec_main(name, text, "", MainKind::Script) {
            self.vm.flush_std_streams();
            self.vm.print_exception(&e.value());
        }
    }

    /// Compiles and runs the `__main__` module.
    fn exec_main(
        &mut self,
        name: &str,
        text: String,
        package: &str,
        kind: MainKind,
    ) -> Result<(), MainError> {
        // `-c` code is a string to CPython's tokenizer; anything else was read from a file.
        let source = Rc::new(if name == "<string>" {
            Source::new(name, text)
        } else {
            Source::script(name, text)
        });
        let module = self.vm.new_module("__main__", Some(name));
        // In `__main__`, CPython binds `__builtins__` to the builtins module (elsewhere, to
        // its namespace dict), so `dir(__builtins__)` lists the builtins.
        let builtins_key = self.vm.intern("builtins");
        let builtins_module = match &*self.vm.modules {
            crate::obj::Obj::Dict(m) => crate::vm::dictops::get_str(&m.borrow(), &builtins_key),
            _ => None,
        };
        if let Some(b) = builtins_module {
            self.vm
                .set_attr(&Value::Obj(module.clone()), &Value::str("__builtins__"), b)
                .ok();
        }
        if !package.is_empty() {
            self.vm
                .set_attr(
                    &Value::Obj(module.clone()),
                    &Value::str("__package__"),
                    Value::str(package),
                )
                .ok();
        }
        if let crate::obj::Obj::Module(m) = &*module {
            if let crate::obj::Obj::Dict(d) = &*m.dict {
                main_dunders(&mut d.borrow_mut(), name, kind);
            }
        }
        self.vm
            .register_module("__main__", Value::Obj(module.clone()));
        let compiled = crate::syntax::parse_module(&source.text).and_then(|m| {
            crate::compile::compile_module(&m, source.clone(), crate::compile::Mode::Exec)
        });
        crate::vm::warnings::report_compile_warnings(&mut self.vm);
        let code = match compiled {
            Ok(code) => code,
            Err(e) => {
                if !e.as_memory_error && crate::diagnostics::use_rich(self.color) {
                    let report = crate::diagnostics::render_rich(&e, &source);
                    self.vm.write_stderr(&report);
                    return Err(MainError::Compile(1));
                }
                let exc = self.vm.syntax_error_exc(&e, &source);
                return Err(MainError::Compile(self.report_uncaught(exc)));
            }
        };
        let globals = match &*module {
            crate::obj::Obj::Module(m) => m.dict.clone(),
            _ => return Err(MainError::Compile(1)),
        };
        self.vm
            .run_code(code, globals)
            .map(drop)
            .map_err(MainError::Raised)
    }

    /// Prints an uncaught exception (or handles SystemExit) and returns the exit status.
    pub fn report_uncaught(&mut self, e: ExcRef) -> i32 {
        self.vm.flush_std_streams();
        if e.is(ExcKind::SystemExit) {
            return self.system_exit_status(&e);
        }
        self.keep_as_last_exception(&e);
        self.vm.display_uncaught(&e.value());
        if e.is(ExcKind::KeyboardInterrupt) {
            130
        } else {
            1
        }
    }

    /// `sys.last_type`, `sys.last_value`, `sys.last_traceback`, as CPython's PyErr_Print
    /// sets them: the exception (and the frames its traceback holds) lives until the
    /// modules are torn down, so what dies with it dies then, as in CPython.
    fn keep_as_last_exception(&mut self, e: &ExcRef) {
        let value = e.value();
        let tb = self
            .vm
            .get_attr_str(&value, "__traceback__")
            .unwrap_or(Value::None);
        let vm = &mut self.vm;
        let cls = Value::Obj(vm.type_of(&value));
        for (name, v) in [
            ("last_type", cls),
            ("last_value", value),
            ("last_traceback", tb),
        ] {
            crate::modules::sys::set(vm, name, v);
        }
    }

    /// The teardown's first step (CPython's finalize_modules_delete_special): the
    /// uncaught exception kept in `sys.last_*` goes.
    /// Whether there was one.
    fn release_last_exception(&mut self) -> bool {
        let mut released = false;
        for name in ["last_type", "last_value", "last_traceback"] {
            if self
                .vm
                .sys_module("sys")
                .and_then(|sys| self.vm.get_attr_opt(&sys, &Value::str(name)).ok().flatten())
                .is_some()
            {
                crate::modules::sys::set(&mut self.vm, name, Value::None);
                released = true;
            }
        }
        crate::gc::finalize::run_pending(&mut self.vm);
        released
    }

    fn system_exit_status(&mut self, e: &ExcRef) -> i32 {
        let args = e.exc().args.borrow().clone();
        let code = args.as_tuple().and_then(|t| match t.len() {
            0 => None,
            1 => Some(t[0].clone()),
            _ => Some(args.clone()),
        });
        // As CPython's _Py_HandleSystemExit: any int (an IntEnum member too) is the
        // status, `(int)PyLong_AsLong(code)`: -1 when it does not fit in a C long.
        let int_value = code.as_ref().and_then(|c| {
            let c = match c {
                Value::Obj(o) => match &**o {
                    crate::obj::Obj::Instance(i) => i.payload().clone(),
                    _ => c.clone(),
                },
                _ => c.clone(),
            };
            match crate::obj::number::as_int(&c)? {
                crate::obj::number::IntRef::Small(i) => Some(i),
                crate::obj::number::IntRef::Big(_) => Some(-1),
            }
        });
        match code {
            None | Some(Value::None) => 0,
            Some(_) if int_value.is_some() => int_value.unwrap_or(1) as i32,
            Some(other) => {
                let s = self.vm.to_str(&other).unwrap_or_default();
                self.vm.write_stderr(&format!("{s}\n"));
                1
            }
        }
    }

    /// End of the program: pending finalizers, a full collection (CPython collects at
    /// exit too, which is when cyclic garbage reports itself), then flush output.
    pub fn shutdown(&mut self) {
        // CPython waits for the threads that are not daemons first (`threading._shutdown`,
        // the executors' workers among them), then runs the `atexit` callbacks.
        self.vm.run_exit_hook("threading", "_shutdown");
        self.vm.vthreads_join_at_exit();
        self.vm.run_exit_hook("atexit", "_run_exitfuncs");
        crate::gc::finalize::run_pending(&mut self.vm);
        // Cyclic garbage reports itself before what the globals hold. CPython collects
        // once before it destroys the modules, while they still work (a "never awaited"
        // warning still suggests tracemalloc); with the collector disabled, its first
        // collection comes once the teardown has begun. (aio's `sys.is_finalizing()`
        // turns True with the teardown.)
        if !crate::gc::collector::is_enabled() {
            crate::gc::module_teardown::mark_finalizing();
        }
        crate::gc::collector::collect(&mut self.vm, 2);
        crate::gc::finalize::run_pending(&mut self.vm);
        crate::gc::module_teardown::mark_finalizing();
        let released = self.release_last_exception();
        let kept = self.vm.release_unclosed_loops();
        crate::gc::module_teardown::finalize_program_modules(&mut self.vm, released, &kept);
        crate::gc::collector::collect_no_fail(&mut self.vm);
        self.vm.flush_std_streams();
    }
}

/// Reads a script file as CPython does (UTF-8; undecodable bytes are a SyntaxError there,
/// here they are replaced so the parser reports a clear error instead of crashing).
pub fn read_script(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Runs `f` on a thread with a large native stack and returns its result.
pub fn with_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let handle = std::thread::Builder::new()
        .name("aio".into())
        .stack_size(INTERPRETER_STACK_BYTES)
        .spawn(f);
    match handle {
        Ok(h) => {
            // Signals go to a thread that does not block them: leave only the interpreter
            // thread, so a Ctrl-C also interrupts its poll() and wakes the event loop.
            // The others too: a signal with a handler must interrupt the interpreter's
            // waits (poll() returns EINTR) wherever the kernel would deliver it.
            let mut outer = SigSet::all();
            for sync in [
                Signal::SIGSEGV,
                Signal::SIGBUS,
                Signal::SIGFPE,
                Signal::SIGILL,
                Signal::SIGTRAP,
                Signal::SIGSYS,
            ] {
                outer.remove(sync);
            }
            let _ = outer.thread_block();
            join_interpreter(h)
        }
        Err(e) => {
            eprintln!("aio: cannot start the interpreter thread: {e}");
            std::process::exit(1)
        }
    }
}

fn join_interpreter<T>(h: std::thread::JoinHandle<T>) -> T {
    match h.join() {
        Ok(v) => v,
        Err(p) => std::panic::resume_unwind(p),
    }
}

/// How `__main__` was given: a script (a file, `-c`, stdin) or a module (`-m`).
#[derive(Clone, Copy, PartialEq)]
enum MainKind {
    Script,
    Module,
}

/// The names CPython's `__main__` starts with, in its order: `__annotations__` always;
/// for a script `__spec__` None, and `__cached__` None beside `__file__`, which `-c`
/// code has not. (`__loader__`, an importlib loader object, is not there.)
fn main_dunders(d: &mut crate::obj::DictData, name: &str, kind: MainKind) {
    use crate::vm::dictops::{del_str, set_str};
    let builtins = del_str(d, &Value::str("__builtins__"));
    let file = del_str(d, &Value::str("__file__"));
    if kind == MainKind::Script {
        set_str(d, Value::str("__spec__"), Value::None);
    }
    set_str(
        d,
        Value::str("__annotations__"),
        Value::dict(crate::obj::DictData::new()),
    );
    if let Some(b) = builtins {
        set_str(d, Value::str("__builtins__"), b);
    }
    if let Some(f) = file.filter(|_| name != "<string>") {
        set_str(d, Value::str("__file__"), f);
        if kind == MainKind::Script {
            set_str(d, Value::str("__cached__"), Value::None);
        }
    }
}
