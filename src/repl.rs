//! The interactive prompt: `aio` with no script on a terminal, `aio -i`, as CPython's
//! (the command line, `cli.rs`, decides when it runs).
//!
//! Input is read with rustyline (line editing, history in `~/.aio_history`, coloured
//! prompts unless NO_COLOR is set). A statement is run once it is complete: a simple
//! statement at once, a compound one (`if`, `def`, `async with`, ...) after a blank line,
//! as in CPython; the parser's `incomplete` errors (an open block, bracket or string) ask
//! for another line. Expression values are printed with `repr` and kept in `_`.
//!
//! Top-level `await`, `async for` and `async with` work as in `python -m asyncio`: every
//! input runs as a coroutine on one event loop that lives as long as the prompt, so
//! `asyncio.create_task()` works at the prompt and the tasks it starts go on running
//! while later inputs run (not while the prompt waits for a line, unlike CPython's, whose
//! loop runs in another thread). As there, `asyncio.run()` is refused at the prompt.

use crate::bytecode::Source;
use crate::interpreter::Interpreter;
use crate::syntax::ast::Module;
use crate::vm::errors::ExcRef;
use crate::vm::types::ExcKind;
use crate::vm::value::{ObjRef, Value};
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{Config, Editor, Helper};
use std::borrow::Cow;
use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::rc::Rc;

/// Runs the prompt on `interp` until it leaves; returns the exit status. `banner`: print
/// the version line first (not after a script, `aio -i FILE`, as CPython).
pub fn prompt(interp: Interpreter, banner: bool) -> i32 {
    let mut repl = Repl::new(interp);
    repl.banner = banner;
    repl.run()
}

/// Prompt colours (ANSI), used when stdout is a terminal and NO_COLOR is unset.
const PROMPT_COLOR: &str = "\x1b[1;32m";
const RESET: &str = "\x1b[0m";

/// Reserved words offered by Tab completion besides the names in scope.
const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

/// The interpreter, shared by the prompt and Tab completion (which runs inside
/// rustyline's `readline`, while the prompt waits for the line).
type Shared = Rc<RefCell<Interpreter>>;

/// rustyline's hooks: coloured prompts and Tab completion of names (globals of
/// `__main__`, builtins, keywords) and of attributes after a dotted name, as CPython's
/// rlcompleter does it.
struct ReplHelper {
    color: bool,
    interp: Shared,
    globals: ObjRef,
}

impl Completer for ReplHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let before = &line[..pos];
        // The dotted name the cursor ends: `asyncio.sl` -> (["asyncio"], "sl").
        let start = before
            .char_indices()
            .rev()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let dotted = &before[start..];
        let (path, word) = match dotted.rsplit_once('.') {
            Some((path, word)) => (Some(path), word),
            None => (None, dotted),
        };
        let word_start = pos - word.len();
        let Ok(mut interp) = self.interp.try_borrow_mut() else {
            return Ok((word_start, Vec::new()));
        };
        let vm = &mut interp.vm;
        let mut found: Vec<String> = match path {
            None if word.is_empty() => Vec::new(),
            None => {
                let mut names = dict_names(&self.globals);
                names.extend(dict_names(&vm.builtins));
                names.extend(KEYWORDS.iter().map(|k| k.to_string()));
                names
            }
            Some(path) => attribute_names(vm, &self.globals, path),
        };
        // As rlcompleter: private names only when asked for.
        found.retain(|n| n.starts_with(word) && (word.starts_with('_') || !n.starts_with('_')));
        found.sort();
        found.dedup();
        Ok((word_start, found))
    }
}

/// The str keys of a namespace dict.
fn dict_names(dict: &ObjRef) -> Vec<String> {
    match &**dict {
        crate::obj::Obj::Dict(d) => d
            .borrow()
            .keys()
            .into_iter()
            .filter_map(|k| k.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// `dir()` of the object a dotted name (`a.b.c`, identifiers only) names in `globals`
/// or the builtins; nothing when a part is missing or raises. Looking the attributes up
/// runs their code (properties), as CPython's completion does.
fn attribute_names(vm: &mut crate::vm::Vm, globals: &ObjRef, path: &str) -> Vec<String> {
    let mut parts = path.split('.');
    let Some(first) = parts.next() else {
        return Vec::new();
    };
    let valid = |p: &str| {
        p.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && p.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    if !path.split('.').all(valid) {
        return Vec::new();
    }
    let Some(mut obj) = dict_get(globals, first).or_else(|| dict_get(&vm.builtins, first)) else {
        return Vec::new();
    };
    for part in parts {
        match vm.get_attr_str(&obj, part) {
            Ok(v) => obj = v,
            Err(_) => return Vec::new(),
        }
    }
    let Some(dir) = dict_get(&vm.builtins, "dir") else {
        return Vec::new();
    };
    match vm.call(&dir, &[obj]).and_then(|names| vm.collect(&names)) {
        Ok(names) => names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// `dict[name]` of a namespace dict.
fn dict_get(dict: &ObjRef, name: &str) -> Option<Value> {
    match &**dict {
        crate::obj::Obj::Dict(d) => crate::vm::dictops::get_str(&d.borrow(), &Value::str(name)),
        _ => None,
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Highlighter for ReplHelper {
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        match self.color {
            true => Cow::Owned(format!("{PROMPT_COLOR}{prompt}{RESET}")),
            false => Cow::Borrowed(prompt),
        }
    }
}

impl Validator for ReplHelper {}

impl Helper for ReplHelper {}

/// Where input lines come from: rustyline on a terminal; on anything else (`aio -i <
/// file`) plain lines, with the prompts on stderr as CPython writes them. Plain lines
/// come from the same buffered stdin as `sys.stdin`, locked only while one is read, so
/// `input()` in an input reads the lines after it, as in CPython.
enum Lines {
    Editor(Box<Editor<ReplHelper, FileHistory>>),
    Plain,
}

impl Lines {
    /// One line; the interpreter is not borrowed while rustyline waits, so that Tab
    /// completion can use it.
    fn read(&mut self, prompt: &str, interp: &Shared) -> Result<String, ReadlineError> {
        match self {
            Lines::Editor(e) => e.readline(prompt),
            Lines::Plain => {
                interp.borrow_mut().vm.write_stderr(prompt);
                let mut line = String::new();
                match std::io::stdin().read_line(&mut line) {
                    Ok(0) => Err(ReadlineError::Eof),
                    Ok(_) => {
                        if line.ends_with('\n') {
                            line.pop();
                        }
                        Ok(line)
                    }
                    Err(e) => Err(ReadlineError::Io(e)),
                }
            }
        }
    }
}

/// What the lines typed so far amount to.
enum Input {
    /// Run it.
    Complete(Module),
    /// Read another line.
    More,
    /// A syntax error, already reported.
    Invalid,
}

struct Repl {
    interp: Shared,
    globals: ObjRef,
    /// The event loop awaiting inputs run on, made by the first one.
    event_loop: Option<Value>,
    history: Option<PathBuf>,
    /// Print the version line first (not after a script, `aio -i FILE`).
    banner: bool,
}

impl Repl {
    fn new(mut interp: Interpreter) -> Repl {
        let vm = &mut interp.vm;
        // After `aio -i FILE` the script's `__main__` goes on.
        let module = match vm.sys_module("__main__") {
            Some(Value::Obj(m)) if matches!(&*m, crate::obj::Obj::Module(_)) => m,
            _ => {
                let m = vm.new_module("__main__", None);
                vm.register_module("__main__", Value::Obj(m.clone()));
                m
            }
        };
        let globals = match &*module {
            crate::obj::Obj::Module(m) => m.dict.clone(),
            _ => unreachable!("new_module makes a module"),
        };
        for (name, prompt) in [("ps1", ">>> "), ("ps2", "... ")] {
            crate::modules::sys::set(vm, name, Value::str(prompt));
        }
        let history = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".aio_history"));
        Repl {
            interp: Rc::new(RefCell::new(interp)),
            globals,
            event_loop: None,
            history,
            banner: true,
        }
    }

    /// The read-eval-print loop; returns the exit status (`exit()`, `sys.exit(n)`,
    /// Ctrl-D).
    fn run(mut self) -> i32 {
        let mut lines = if std::io::stdin().is_terminal() {
            match self.editor() {
                Ok(e) => Lines::Editor(Box::new(e)),
                Err(e) => {
                    eprintln!("aio: cannot start the prompt: {e}");
                    return 1;
                }
            }
        } else {
            Lines::Plain
        };
        if self.banner {
            eprintln!(
                "aio {} (Python 3.11 compatible) on {}\nTop-level await works here. Ctrl-D or exit() leaves.",
                env!("CARGO_PKG_VERSION"),
                std::env::consts::OS
            );
        }
        let mut buffer = String::new();
        let status = loop {
            let prompt = self.prompt(if buffer.is_empty() { "ps1" } else { "ps2" });
            let read = lines.read(&prompt, &self.interp);
            let line = match read {
                Ok(line) => line,
                Err(ReadlineError::Interrupted) => {
                    self.interp
                        .borrow_mut()
                        .vm
                        .write_stderr("\nKeyboardInterrupt\n");
                    buffer.clear();
                    continue;
                }
                Err(ReadlineError::Eof) => {
                    // Leaving on Ctrl-D ends the prompt's line, as CPython's does.
                    self.interp.borrow_mut().vm.write_stderr("\n");
                    break 0;
                }
                Err(e) => {
                    eprintln!("aio: cannot read the input: {e}");
                    break 1;
                }
            };
            buffer.push_str(&line);
            buffer.push('\n');
            match self.classify(&buffer, line.trim().is_empty()) {
                Input::More => continue,
                Input::Invalid => {}
                Input::Complete(module) => {
                    let entry = buffer.trim_end_matches('\n');
                    if let Lines::Editor(editor) = &mut lines {
                        if !entry.trim().is_empty() {
                            // History is a convenience: failing to keep it is not an error.
                            let _ = editor.add_history_entry(entry);
                        }
                    }
                    if let Some(status) = self.execute(&buffer, &module) {
                        buffer.clear();
                        break status;
                    }
                }
            }
            buffer.clear();
        };
        if let (Lines::Editor(editor), Some(h)) = (&mut lines, &self.history) {
            // History is a convenience: a read-only home must not stop the exit.
            let _ = editor.save_history(h);
        }
        self.close_loop();
        self.interp.borrow_mut().shutdown();
        status
    }

    /// The line editor: coloured prompts unless NO_COLOR, history from `~/.aio_history`.
    fn editor(&self) -> rustyline::Result<Editor<ReplHelper, FileHistory>> {
        let color = std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal();
        let config = Config::builder().auto_add_history(false).build();
        let mut editor = Editor::with_config(config)?;
        editor.set_helper(Some(ReplHelper {
            color,
            interp: self.interp.clone(),
            globals: self.globals.clone(),
        }));
        if let Some(h) = &self.history {
            // A missing history file is a first session, nothing to report.
            let _ = editor.load_history(h);
        }
        Ok(editor)
    }

    /// `sys.ps1` or `sys.ps2` as text (`str()` of whatever the program set).
    fn prompt(&mut self, which: &str) -> String {
        let mut interp = self.interp.borrow_mut();
        let vm = &mut interp.vm;
        match crate::modules::sys::get(vm, which) {
            Some(v) => vm.to_str(&v).unwrap_or_default(),
            None => String::new(),
        }
    }

    /// Whether `buffer` is a whole input (`blank`: its last line was empty). A compound
    /// statement is only complete after a blank line, as in CPython's prompt.
    fn classify(&mut self, buffer: &str, blank: bool) -> Input {
        if buffer.trim().is_empty() {
            return Input::Invalid;
        }
        match crate::syntax::parse_interactive(buffer) {
            Ok(module) => {
                let compound = module.body.iter().any(|s| s.kind.is_compound());
                if compound && !blank {
                    Input::More
                } else {
                    Input::Complete(module)
                }
            }
            Err(e) if e.incomplete && !blank => Input::More,
            // Inside a block, an error where the input ends may be the part not typed yet
            // (`try:` waiting for its `except`): CPython's prompt waits for the blank line.
            Err(e)
                if !blank
                    && buffer.trim_end().contains('\n')
                    && e.span.start as usize >= buffer.trim_end().len() =>
            {
                Input::More
            }
            Err(e) => {
                let source = Source::new("<stdin>", buffer);
                let mut interp = self.interp.borrow_mut();
                let color = interp.color;
                let vm = &mut interp.vm;
                if !e.as_memory_error && crate::diagnostics::use_rich(color) {
                    let report = crate::diagnostics::render_rich(&e, &source);
                    vm.write_stderr(&report);
                } else {
                    let exc = vm.syntax_error_exc(&e, &source);
                    vm.print_exception(&exc.value());
                }
                Input::Invalid
            }
        }
    }

    /// Runs one input; Some(status) when it asked to leave (SystemExit).
    fn execute(&mut self, text: &str, module: &Module) -> Option<i32> {
        let source = Rc::new(Source::new("<stdin>", text));
        let compiled = crate::compile::compile_module(
            module,
            source.clone(),
            crate::compile::Mode::Interactive,
        );
        crate::vm::warnings::report_compile_warnings(&mut self.interp.borrow_mut().vm);
        let result = match compiled {
            Err(e) => Err(self.interp.borrow_mut().vm.syntax_error_exc(&e, &source)),
            // Every input runs on the loop, as in `python -m asyncio`, so that
            // `asyncio.create_task()` and `get_running_loop()` work at the prompt too.
            Ok(code) => {
                let coro = {
                    let mut interp = self.interp.borrow_mut();
                    interp.vm.module_coroutine(code, self.globals.clone())
                };
                self.run_on_loop(coro)
            }
        };
        let mut interp = self.interp.borrow_mut();
        crate::gc::finalize::run_pending(&mut interp.vm);
        interp.vm.flush_std_streams();
        drop(interp);
        match result {
            Ok(_) => None,
            Err(e) => self.report(e),
        }
    }

    /// Runs an input's coroutine to its end as a task on the prompt's event loop. Ctrl-C
    /// while the task waits (the KeyboardInterrupt comes from the loop, not from the
    /// input's code) cancels the task, lets its `finally` blocks run, and is reported
    /// as a bare KeyboardInterrupt, as by `python -m asyncio`.
    fn run_on_loop(&mut self, coro: Value) -> Result<Value, ExcRef> {
        let mut interp = self.interp.borrow_mut();
        let vm = &mut interp.vm;
        let lp = match &self.event_loop {
            Some(lp) => lp.clone(),
            None => {
                let asyncio = vm.import_module("asyncio")?;
                let new_loop = vm.get_attr_str(&asyncio, "new_event_loop")?;
                let lp = vm.call(&new_loop, &[])?;
                let set_loop = vm.get_attr_str(&asyncio, "set_event_loop")?;
                vm.call(&set_loop, std::slice::from_ref(&lp))?;
                self.event_loop = Some(lp.clone());
                lp
            }
        };
        let task = vm.call_method(&lp, "create_task", &[coro])?;
        let e = match vm.call_method(&lp, "run_until_complete", std::slice::from_ref(&task)) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let done = vm.call_method(&task, "done", &[])?;
        if !e.is(ExcKind::KeyboardInterrupt) || vm.truthy(&done)? {
            return Err(e);
        }
        vm.call_method(&task, "cancel", &[])?;
        match vm.call_method(&lp, "run_until_complete", &[task]) {
            Err(e) if !vm.is_cancelled_error(&e) => Err(e),
            _ => {
                // The loop's frames are not the input's: a bare KeyboardInterrupt.
                vm.write_stderr("\n");
                Err(crate::vm::errors::exc_empty(ExcKind::KeyboardInterrupt))
            }
        }
    }

    /// Prints an exception that ended an input; Some(status) for SystemExit.
    fn report(&mut self, e: ExcRef) -> Option<i32> {
        let mut interp = self.interp.borrow_mut();
        if e.is(ExcKind::SystemExit) {
            return Some(interp.report_uncaught(e));
        }
        let vm = &mut interp.vm;
        for (name, value) in [
            ("last_type", Value::Obj(vm.type_of(&e.value()))),
            ("last_value", e.value()),
        ] {
            crate::modules::sys::set(vm, name, value);
        }
        let shown = without_prompt_frames(vm, e.value());
        vm.print_exception(&shown);
        None
    }

    /// Closes the prompt's event loop, if an input made one.
    fn close_loop(&mut self) {
        if let Some(lp) = self.event_loop.take() {
            let mut interp = self.interp.borrow_mut();
            let vm = &mut interp.vm;
            if let Err(e) = vm.call_method(&lp, "close", &[]) {
                vm.print_exception(&e.value());
            }
        }
    }
}

/// `exc` with the traceback entries before the input's own (`<stdin>`) frames dropped:
/// the event loop's, through which the input ran (CPython's console drops its own frames
/// the same way).
fn without_prompt_frames(vm: &mut crate::vm::Vm, exc: Value) -> Value {
    let Ok(mut tb) = vm.get_attr_str(&exc, "__traceback__") else {
        return exc;
    };
    let start = tb.clone();
    while !tb.is_none() {
        let file = vm
            .get_attr_str(&tb, "tb_frame")
            .and_then(|f| vm.get_attr_str(&f, "f_code"))
            .and_then(|c| vm.get_attr_str(&c, "co_filename"));
        match file {
            Ok(f) if f.as_str() == Some("<stdin>") => break,
            Ok(_) => {}
            Err(_) => return exc,
        }
        tb = match vm.get_attr_str(&tb, "tb_next") {
            Ok(next) => next,
            Err(_) => return exc,
        };
    }
    // An exception raised before the input's code ran keeps its whole traceback.
    let keep = if tb.is_none() { start } else { tb };
    match vm.call_method(&exc, "with_traceback", &[keep]) {
        Ok(e) => e,
        Err(_) => exc,
    }
}
