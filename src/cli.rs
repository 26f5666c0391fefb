//! Command-line entry point: `aio FILE [ARGS]`, `aio -c CODE`, `aio test`, `--version`,
//! `--help`. Exit statuses follow CPython (2 for usage errors).

use crate::interpreter::{read_script, with_big_stack, Interpreter};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

const USAGE: &str = "usage: aio [option] ... [-c cmd | file | - | test] [arg] ...
Options:
  -c cmd     program passed in as string (terminates option list)
  -h, --help print this help message and exit
  -m mod     run library module as a script (terminates option list)
  -i         inspect interactively after running script (or without one: the
             prompt even if stdin is not a terminal)
  -u         unbuffered stdout (as PYTHONUNBUFFERED=1)
  -B         accepted for CPython compatibility (aio writes no bytecode files)
  -V, --version print the aio version and exit
  test [PATH...]  run golden-output tests (see `aio test --help`)
  file       program read from script file (.aio)
  -          program read from stdin (default; interactive mode if a tty)
  arg ...    arguments passed to program in sys.argv[1:]
";

/// Runs the command line and returns the process exit status.
pub fn main() -> i32 {
    // Arguments that are not valid UTF-8 are decoded lossily rather than panicking.
    let mut args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // Flags before the program, as `sys.executable -u -c ...` passes them to a child.
    while let Some(flag) = args.first() {
        match flag.as_str() {
            "-u" => crate::obj::methods::stream::set_unbuffered_option(),
            "-B" => {}
            _ => break,
        }
        args.remove(0);
    }
    match args.first().map(String::as_str) {
        Some("test") => crate::golden::main(&args[1..]),
        Some("-h") | Some("--help") => {
            print!("{USAGE}");
            0
        }
        Some("-V") | Some("--version") => {
            println!("aio {} (Python 3.11 compatible)", env!("CARGO_PKG_VERSION"));
            0
        }
        Some("-c") => match args.get(1) {
            Some(code) => {
                let mut argv = vec!["-c".to_string()];
                argv.extend(args[2..].iter().cloned());
                let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                run("<string>".into(), code.clone(), argv, cwd)
            }
            None => {
                eprintln!("Argument expected for the -c option\n{USAGE}");
                2
            }
        },
        Some("-") => run_stdin(args.clone(), false),
        Some("-m") => match args.get(1) {
            // asyncio's module entry point is its prompt, which is aio's own.
            Some(name) if name == "asyncio" => run_stdin(Vec::new(), false),
            Some(name) => run_module(name, &args[2..]),
            None => {
                eprintln!("Argument expected for the -m option\n{USAGE}");
                2
            }
        },
        Some("-i") => match args.get(1) {
            Some(file) => run_file(file, args[1..].to_vec(), true),
            None => run_stdin(Vec::new(), true),
        },
        Some(opt) if opt.starts_with('-') && opt.len() > 1 => {
            eprintln!("Unknown option: {opt}\n{USAGE}");
            2
        }
        Some(file) => run_file(file, args.clone(), false),
        // The prompt, or a program read from standard input.
        None => run_stdin(Vec::new(), false),
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
/// (the script's folder, the current one, or "" for it) then AIOPATH or PYTHONPATH.
fn main_interpreter(argv: Vec<String>, first: PathBuf) -> Interpreter {
    let mut interp = Interpreter::for_main();
    interp.vm.argv = argv;
    let mut path = vec![first];
    for var in ["AIOPATH", "PYTHONPATH"] {
        if let Ok(p) = std::env::var(var) {
            path.extend(p.split(':').filter(|s| !s.is_empty()).map(PathBuf::from));
            break;
        }
    }
    interp.vm.path = path;
    crate::modules::sys::sync_from_vm(&mut interp.vm);
    interp
}

fn run(name: String, text: String, argv: Vec<String>, first: PathBuf) -> i32 {
    with_big_stack(move || main_interpreter(argv, first).run_main(&name, text))
}

/// `aio FILE [ARGS]`, or with `inspect` (`aio -i FILE [ARGS]`) the prompt after it in
/// the script's namespace, without a banner (CPython's inspect mode).
fn run_file(file: &str, argv: Vec<String>, inspect: bool) -> i32 {
    let path = PathBuf::from(file);
    let main_file = absolute_script_name(file);
    let text = match read_script(&path) {
        Ok(text) => text,
        Err(e) => {
            let errno = e.raw_os_error().unwrap_or(2);
            let msg = crate::modules::os_error_text(errno);
            eprintln!("aio: can't open file '{main_file}': [Errno {errno}] {msg}");
            return 2;
        }
    };
    let dir = script_dir(&path);
    if !inspect {
        return run(main_file, text, argv, dir);
    }
    with_big_stack(move || {
        let mut interp = main_interpreter(argv, dir);
        interp.run_main_then_inspect(&main_file, text);
        crate::repl::prompt(interp, false)
    })
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
            return crate::repl::prompt(interp, true);
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
