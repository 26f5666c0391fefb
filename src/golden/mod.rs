//! `aio test`: the golden-output test runner (DESIGN.md section 8).
//!
//! A test is `NAME.aio` + `NAME.out` (exact stdout), optionally `NAME.err` (exact stderr,
//! compared only when present, after the test folder's absolute path + "/" is removed) and
//! `NAME.code` (exit status, default 0): the conventions of `../shared/conformance`.
//!
//! - `options`: the command line and `--help`
//! - `discover`: finding tests and reading first-line directives
//! - `process`: running one test process (process group, timeout, concurrent pipes)
//! - `check`: reading expectations and comparing
//! - `diff`: unified diffs
//! - `bless`: rewriting expectations (`--bless`, `--python`)
//! - `runner`: the worker pool and per-test verdicts
//! - `report`: output and the summary line

mod bless;
mod check;
mod diff;
mod discover;
mod options;
mod process;
mod report;
mod runner;

use std::env;
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use options::{ColorChoice, Mode, Options, Parsed};
use report::{print_now, Reporter};
use runner::{Action, Plan};

/// Exit status for usage errors.
const USAGE_ERROR: i32 = 2;

fn usage_error(message: &str) -> i32 {
    eprintln!("aio test: {message}");
    eprintln!("(see `aio test --help`)");
    USAGE_ERROR
}

/// `aio test [OPTIONS] [PATH...]`; `args` excludes the program name and the word `test`.
/// Returns the exit status: 0 when nothing failed, 1 when something failed, 2 for usage errors.
pub fn main(args: &[String]) -> i32 {
    let options = match options::parse(args) {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Help) => {
            print_now(options::USAGE);
            return 0;
        }
        Err(message) => return usage_error(&message),
    };
    let tests = match discover::discover(&options.paths) {
        Ok(tests) => discover::select(tests, &options.patterns),
        Err(message) => return usage_error(&message),
    };
    if options.mode == Mode::List {
        let listing: String = tests.iter().map(|t| t.display() + "\n").collect();
        print_now(&listing);
        return 0;
    }
    let plan = match plan(&options) {
        Ok(plan) => plan,
        Err(message) => return usage_error(&message),
    };
    let mut reporter = Reporter {
        style: diff::Style {
            color: use_color(options.color),
        },
        verbosity: options.verbosity,
        tally: report::Tally::default(),
    };
    runner::run_all(&plan, &tests, |test, verdict| {
        reporter.verdict(test, verdict)
    });
    let tally = &reporter.tally;
    let summary = match plan.action {
        Action::Check => tally.check_summary(),
        Action::Bless { .. } | Action::Regenerate => tally.rewrite_summary(),
    };
    print_now(&format!("{summary}\n"));
    i32::from(tally.failed > 0)
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn plan(options: &Options) -> Result<Plan, String> {
    let (command, action) = match &options.mode {
        Mode::Python(words) => {
            let command = resolve(words)?;
            check_python(&command)?;
            (command, Action::Regenerate)
        }
        mode => {
            let command = match &options.interp {
                Some(words) => resolve(words)?,
                None => vec![env::current_exe()
                    .map_err(|e| format!("cannot find the aio executable: {e}"))?
                    .into_os_string()],
            };
            let action = match mode {
                Mode::Bless { force } => Action::Bless { force: *force },
                _ => Action::Check,
            };
            (command, action)
        }
    };
    let mut env = vec![
        // As the conformance scripts do; CPython then runs in UTF-8 mode.
        ("LC_ALL".to_owned(), "C".to_owned()),
        // Keep __pycache__ folders out of test trees when the interpreter is CPython.
        ("PYTHONDONTWRITEBYTECODE".to_owned(), "1".to_owned()),
    ];
    if options.virtual_time {
        env.push(("AIO_VIRTUAL_TIME".to_owned(), "1".to_owned()));
    }
    Ok(Plan {
        command,
        env,
        timeout: options.timeout,
        action,
        jobs: options.jobs,
    })
}

/// Resolves the first word of an interpreter command: a relative path with a `/` is taken
/// from the current directory (tests run from their own folders), a bare name must be on PATH.
fn resolve(words: &[String]) -> Result<Vec<OsString>, String> {
    let (program, args) = words
        .split_first()
        .ok_or_else(|| "empty interpreter command".to_owned())?;
    let program_path = Path::new(program);
    let resolved: PathBuf = if program.contains('/') {
        let absolute = if program_path.is_absolute() {
            program_path.to_owned()
        } else {
            env::current_dir()
                .map_err(|e| format!("cannot read the current folder: {e}"))?
                .join(program_path)
        };
        if !absolute.is_file() {
            return Err(format!("interpreter not found: {program}"));
        }
        absolute
    } else {
        env::var_os("PATH")
            .iter()
            .flat_map(env::split_paths)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
            .ok_or_else(|| format!("interpreter not found on PATH: {program}"))?
    };
    let mut command = vec![resolved.into_os_string()];
    command.extend(args.iter().map(OsString::from));
    Ok(command)
}

/// Expected files come from CPython 3.11 (the oracle): refuse any other version.
fn check_python(command: &[OsString]) -> Result<(), String> {
    let (program, args) = command
        .split_first()
        .ok_or_else(|| "empty --python command".to_owned())?;
    let output = Command::new(program)
        .args(args)
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", program.to_string_lossy()))?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if version != "3.11" {
        return Err(format!(
            "--python {} is not CPython 3.11 (version {version:?}); expected files come from 3.11",
            program.to_string_lossy()
        ));
    }
    Ok(())
}
