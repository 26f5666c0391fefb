//! Command-line entry point: `aio FILE [ARGS]`, `aio -c CODE`, `aio test`, `--version`,
//! `--help`. Exit statuses follow CPython (2 for usage errors).

use crate::interpreter::{read_script, with_big_stack, Interpreter};
use std::path::PathBuf;

const USAGE: &str = "usage: aio [option] ... [-c cmd | file | - | test] [arg] ...
Options:
  -c cmd     program passed in as string (terminates option list)
  -h, --help print this help message and exit
  -m mod     run library module as a script (terminates option list)
  -i         inspect interactively after running script (or without one: the
             prompt even if stdin is not a terminal)
  -V, --version print the aio version and exit
  test [PATH...]  run golden-output tests (see `aio test --help`)
  file       program read from script file (.aio)
  -          program read from stdin (default; interactive mode if a tty)
  arg ...    arguments passed to program in sys.argv[1:]
";

/// Runs the command line and returns the process exit status.
pub fn main() -> i32 {
    // Arguments that are not valid UTF-8 are decoded lossily rather than panicking.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
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
                run(
                    "<string>".into(),
                    code.clone(),
                    argv,
                    std::env::current_dir().ok(),
                )
            }
            None => {
                eprintln!("Argument expected for the -c option\n{USAGE}");
                2
            }
        },
        Some("-") => crate::repl::main(args.clone(), false),
        Some("-m") => match args.get(1) {
            // asyncio's module entry point is its prompt, which is aio's own.
            Some(name) if name == "asyncio" => crate::repl::main(Vec::new(), false),
            Some(name) => run_module(name, &args[2..]),
            None => {
                eprintln!("Argument expected for the -m option\n{USAGE}");
                2
            }
        },
        Some("-i") => crate::repl::main(args[1..].to_vec(), true),
        Some(opt) if opt.starts_with('-') && opt.len() > 1 => {
            eprintln!("Unknown option: {opt}\n{USAGE}");
            2
        }
        Some(file) => {
            let path = PathBuf::from(file);
            let main_file = absolute_script_name(file);
            match read_script(&path) {
                Ok(text) => run(main_file, text, args.clone(), Some(script_dir(&path))),
                Err(e) => {
                    let errno = e.raw_os_error().unwrap_or(2);
                    let msg = crate::modules::os_error_text(errno);
                    eprintln!("aio: can't open file '{main_file}': [Errno {errno}] {msg}");
                    2
                }
            }
        }
        // The prompt, or a program read from standard input.
        None => crate::repl::main(Vec::new(), false),
    }
}

/// `aio -m NAME [ARGS]`: the module (a package's `__main__`) run as `__main__`, as
/// CPython's runpy does; `sys.path[0]` is the current folder and `sys.argv[0]` the
/// module's file.
fn run_module(name: &str, rest: &[String]) -> i32 {
    let (name, rest) = (name.to_string(), rest.to_vec());
    with_big_stack(move || {
        let mut interp = Interpreter::for_main();
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        interp.vm.path = vec![cwd];
        crate::modules::sys::sync_from_vm(&mut interp.vm);
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

fn run(name: String, text: String, argv: Vec<String>, script_dir: Option<PathBuf>) -> i32 {
    with_big_stack(move || {
        let mut interp = Interpreter::for_main();
        interp.vm.argv = argv;
        let mut path = Vec::new();
        if let Some(d) = script_dir {
            path.push(d);
        }
        for var in ["AIOPATH", "PYTHONPATH"] {
            if let Ok(p) = std::env::var(var) {
                path.extend(p.split(':').filter(|s| !s.is_empty()).map(PathBuf::from));
                break;
            }
        }
        interp.vm.path = path;
        crate::modules::sys::sync_from_vm(&mut interp.vm);
        interp.run_main(&name, text)
    })
}
