//! Command-line entry point: `aio FILE [ARGS]`, `aio -c CODE`, `aio test`, `--version`,
//! `--help`. Exit statuses follow CPython (2 for usage errors).

use crate::interpreter::{read_script, with_big_stack, Interpreter};
use crate::options::{self, Command};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

const USAGE: &str = "usage: aio [option] ... [-c cmd | -m mod | file | - | test] [arg] ...
Options (as CPython's):
  -B     sys.flags.dont_write_bytecode (aio writes no bytecode files)
  -c cmd program passed in as string (terminates option list)
  -d     sys.flags.debug (no effect, as in a release build of CPython)
  -E     ignore the PYTHON* environment variables (and AIOPATH)
  -h     print this help message and exit (also --help)
  -i     inspect interactively after running the script or -c code (or without one:
         the prompt even if stdin is not a terminal)
  -I     isolate from the environment: implies -E, -P and -s
  -m mod run library module as a script (terminates option list)
  -O     remove assert statements and make __debug__ False; -OO also drops docstrings
  -P     don't put the script's folder (or the current one) at the front of sys.path
  -q     no banner at the interactive prompt
  -s, -S sys.flags.no_user_site, sys.flags.no_site
  -u     unbuffered stdout
  -V     print the aio version and exit (also --version)
  -W arg warning control: action:message:category:module:lineno
  -x     skip the first line of the script
  -X opt -X dev: development mode (asyncio debug mode, every warning shown);
         -X int_max_str_digits=N; any other goes to sys._xoptions
  test [PATH...]  run golden-output tests (see `aio test --help`)
  file   program read from script file (.aio)
  -      program read from stdin (default; interactive mode if a tty)
  arg ...  arguments passed to program in sys.argv[1:]
Environment: PYTHONASYNCIODEBUG, PYTHONDEVMODE, PYTHONWARNINGS, PYTHONOPTIMIZE,
PYTHONUNBUFFERED, PYTHONSAFEPATH, PYTHONINTMAXSTRDIGITS, PYTHONPATH (or AIOPATH).
";

/// Runs the command line and returns the process exit status.
pub fn main() -> i32 {
    // Arguments that are not valid UTF-8 are decoded lossily rather than panicking.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if args.first().map(String::as_str) == Some("test") {
        return crate::golden::main(&args[1..]);
    }
    let line = match options::parse(&args, &|name| std::env::var(name).ok()) {
        Ok(line) => line,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return 2;
        }
    };
    let inspect = line.options.inspect;
    // Before anything reads them: sys, the compiler and the event loop do.
    options::install(line.options);
    let rest = line.rest;
    match line.command {
        Command::Help => {
            print!("{USAGE}");
            0
        }
        Command::Version => {
            println!("aio {} (Python 3.11 compatible)", env!("CARGO_PKG_VERSION"));
            0
        }
        Command::Code(code) => {
            let mut argv = vec!["-c".to_string()];
            argv.extend(rest);
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            run("<string>".into(), code, argv, cwd, inspect)
        }
        // asyncio's module entry point is its prompt, which is aio's own.
        Command::Module(name) if name == "asyncio" => run_stdin(Vec::new(), inspect),
        Command::Module(name) => run_module(&name, &rest),
        Command::Stdin { dash: true } => {
            let mut argv = vec!["-".to_string()];
            argv.extend(rest);
            run_stdin(argv, inspect)
        }
        // The prompt, or a program read from standard input.
        Command::Stdin { dash: false } => run_stdin(Vec::new(), inspect),
        Command::File(file) => {
            let mut argv = vec![file.clone()];
            argv.extend(rest);
            run_file(&file, argv, inspect)
        }
    }
}

/// `aio -m NAME [ARGS]`: the module (a package's `__main__`) run as `__main__`, as
/// CPython's runpy does; `sys.path[0]` is the current folder and `sys.argv[0]` the
/// module's file.
fn run_module(name: &str, rest: &[String]) -> i32 {
    let (name, rest) = (name.to_string(), rest.to_vec());
    with_big_stack(move || {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let mut interp = main_interpreter(Vec::new(), cwd);
        let (file, text, package) = match interp.vm.find_main_module(&name) {
            Ok(found) => found,
            Err(message) => {
                let exe = std::env::current_exe()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_else(|_| "aio".into());
                eprintln!("{exe}: {message}");
                return 1;
            }
        };
        let mut argv = vec![file.clone()];
        argv.extend(rest);
        interp.vm.argv = argv;
        crate::modules::sys::sync_from_vm(&mut interp.vm);
        interp.run_main_in(&file, text, &package)
    })
}

/// The main script's `__file__` (and traceback name), as CPython 3.11 makes it: the
/// command-line path joined to the current directory, not normalised (`./x.py` stays
/// `/cwd/./x.py`); `sys.argv[0]` keeps the path as typed.
fn absolute_script_name(file: &str) -> String {
    if file.starts_with('/') {
        return file.to_string();
    }
    match std::env::current_dir() {
        Ok(cwd) => format!("{}/{file}", cwd.display()),
        Err(_) => file.to_string(),
    }
}

/// `sys.path[0]`: the folder of the script with symlinks resolved, as CPython's.
fn script_dir(path: &std::path::Path) -> PathBuf {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The interpreter of a program: `sys.argv` is `argv`, `sys.path` starts with `first`
/// (the script's folder, the current one, or "" for it; nothing with `-P`/`-I`) then
/// AIOPATH or PYTHONPATH (unless `-E`/`-I`).
fn main_interpreter(argv: Vec<String>, first: PathBuf) -> Interpreter {
    let mut interp = Interpreter::for_main();
    interp.vm.argv = argv;
    let opts = options::get();
    let mut path = Vec::new();
    if !opts.safe_path {
        path.push(first);
    }
    if !opts.ignore_environment {
        for var in ["AIOPATH", "PYTHONPATH"] {
            if let Ok(p) = std::env::var(var) {
                path.extend(p.split(':').filter(|s| !s.is_empty()).map(PathBuf::from));
                break;
            }
        }
    }
    interp.vm.path = path;
    crate::modules::sys::sync_from_vm(&mut interp.vm);
    if !opts.warnoptions.is_empty() {
        // As CPython at start-up: `warnings` applies `sys.warnoptions` (and reports a bad
        // option) before the program runs.
        if let Err(e) = interp.vm.import_module("warnings") {
            interp.vm.print_exception(&e.value());
        }
    }
    interp
}

/// Runs `text` as `__main__`; with `inspect` (`-i`), the prompt follows in its namespace,
/// without a banner (CPython's inspect mode).
fn run(name: String, text: String, argv: Vec<String>, first: PathBuf, inspect: bool) -> i32 {
    with_big_stack(move || {
        let mut interp = main_interpreter(argv, first);
        if !inspect {
            return interp.run_main(&name, text);
        }
        interp.run_main_then_inspect(&name, text);
        crate::repl::prompt(interp, false)
    })
}

/// `aio FILE [ARGS]`, or with `inspect` (`aio -i FILE [ARGS]`) the prompt after it.
fn run_file(file: &str, argv: Vec<String>, inspect: bool) -> i32 {
    let path = PathBuf::from(file);
    let main_file = absolute_script_name(file);
    let mut text = match read_script(&path) {
        Ok(text) => text,
        Err(e) => {
            let errno = e.raw_os_error().unwrap_or(2);
            let msg = crate::modules::os_error_text(errno);
            eprintln!("aio: can't open file '{main_file}': [Errno {errno}] {msg}");
            return 2;
        }
    };
    if options::get().skip_first_line {
        // `-x`: the first line goes, its line break stays, so line numbers are the file's.
        let end = text.find('\n').unwrap_or(text.len());
        text.replace_range(..end, "");
    }
    run(main_file, text, argv, script_dir(&path), inspect)
}

/// `aio` without a script: the prompt when standard input is a terminal (and `argv` is
/// empty) or `force_prompt` (`aio -i`), else standard input read as the program
/// (`argv[0]` is `-`, or "" for `aio < file`). `sys.path[0]` is "", the current folder.
fn run_stdin(argv: Vec<String>, force_prompt: bool) -> i32 {
    let interactive = force_prompt || (argv.is_empty() && std::io::stdin().is_terminal());
    let argv = if argv.is_empty() {
        vec![String::new()]
    } else {
        argv
    };
    with_big_stack(move || {
        let interp = main_interpreter(argv, PathBuf::from(""));
        if interactive {
            return crate::repl::prompt(interp, !options::get().quiet);
        }
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("aio: can't read standard input: {e}");
            return 2;
        }
        let mut interp = interp;
        interp.run_main("<stdin>", text)
    })
}
