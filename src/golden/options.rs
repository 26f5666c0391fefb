//! Command-line options of `aio test`, and its `--help` text.

use std::path::PathBuf;
use std::time::Duration;

pub const USAGE: &str = "\
usage: aio test [OPTIONS] [PATH...]

Runs golden tests: every NAME.aio under PATH (files or folders, searched recursively;
default tests/) is run as `<interpreter> NAME.aio` from its own folder, with stdin from
/dev/null and LC_ALL=C. Its stdout must equal NAME.out byte for byte, its exit status
NAME.code (0 when absent), and its stderr NAME.err when that file exists (the test
folder's absolute path + \"/\" is removed from stderr first).

A first line `# aio-test: skip REASON` skips the test; `# aio-test: aio-only` marks a
test whose expectations come from aio itself (it is not valid Python, or differs from
CPython on purpose).

Options:
  -j, --jobs N        run N tests at a time (default: one per core)
      --timeout SECS  kill a test (and its children) after SECS seconds, float allowed;
                      0 disables (default 10)
      --interp CMD    run tests with CMD (word-split) instead of this aio,
                      e.g. --interp python3 to check a corpus against CPython
  -k PATTERN          only tests whose path contains PATTERN (repeatable: any matches)
      --list          print the selected test paths and exit
  -q, --quiet         print only failures and the summary line
  -v, --verbose       also print `ok PATH` per passing test and `skip PATH: REASON`
      --color WHEN    colour the diffs: auto (default: when stdout is a terminal and
                      NO_COLOR is unset or empty), always, never
      --virtual-time  set AIO_VIRTUAL_TIME=1 for each test: the event loop then advances
                      its clock to the next timer instead of sleeping
      --bless         rewrite expected files from the interpreter's output (.out always;
                      .err and .code when the exit status is non-zero, removed when it is
                      zero). Only aio-only tests are rewritten; other tests whose output
                      differs are refused, since their expectations come from CPython
      --force         with --bless, also rewrite tests that are not aio-only
      --python CMD    regenerate expected files by running CPython 3.11 (CMD, e.g.
                      python3) instead; aio-only tests are skipped
  -h, --help          print this help

Ends with `N passed, N failed` (`, N skipped` when any were skipped). Exit status: 0 when
nothing failed, 1 when something failed, 2 for usage errors.
";

/// When to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How much to print per test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// What `aio test` was asked to do with the selected tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Run and compare (the default).
    Check,
    /// `--list`
    List,
    /// `--bless` (`force`: `--force` was given too)
    Bless { force: bool },
    /// `--python CMD`: the words of CMD
    Python(Vec<String>),
}

#[derive(Clone, Debug)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub jobs: usize,
    /// `None` when `--timeout 0`.
    pub timeout: Option<Duration>,
    /// Words of `--interp CMD`; `None` means the running executable.
    pub interp: Option<Vec<String>>,
    pub patterns: Vec<String>,
    pub verbosity: Verbosity,
    pub color: ColorChoice,
    pub virtual_time: bool,
    pub mode: Mode,
}

/// The result of parsing the command line.
#[derive(Debug)]
pub enum Parsed {
    Run(Options),
    Help,
}

const DEFAULT_TIMEOUT_SECS: f64 = 10.0;

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Splits an interpreter command into words (on whitespace, like bash's `read -a`).
fn words(cmd: &str, option: &str) -> Result<Vec<String>, String> {
    let words: Vec<String> = cmd.split_whitespace().map(str::to_owned).collect();
    if words.is_empty() {
        return Err(format!("{option} needs a command"));
    }
    Ok(words)
}

fn parse_timeout(text: &str) -> Result<Option<Duration>, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("--timeout: not a number of seconds: {text:?}"))?;
    if !secs.is_finite() || secs < 0.0 {
        return Err(format!("--timeout: must be 0 or more seconds: {text:?}"));
    }
    if secs == 0.0 {
        return Ok(None);
    }
    Duration::try_from_secs_f64(secs)
        .map(Some)
        .map_err(|_| format!("--timeout: out of range: {text:?}"))
}

fn parse_jobs(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!(
            "-j: expected a positive number of jobs, got {text:?}"
        )),
    }
}

/// Parses `args` (everything after `aio test`). Errors are usage errors (exit status 2).
pub fn parse(args: &[String]) -> Result<Parsed, String> {
    let mut paths = Vec::new();
    let mut jobs = default_jobs();
    let mut timeout = parse_timeout(&DEFAULT_TIMEOUT_SECS.to_string())?;
    let mut interp = None;
    let mut patterns = Vec::new();
    let mut verbosity = Verbosity::Normal;
    let mut color = ColorChoice::Auto;
    let mut virtual_time = false;
    let mut list = false;
    let mut bless = false;
    let mut force = false;
    let mut python = None;

    let mut iter = args.iter();
    let mut only_paths = false;
    while let Some(arg) = iter.next() {
        if only_paths || arg == "-" || !arg.starts_with('-') {
            paths.push(PathBuf::from(arg));
            continue;
        }
        // `--name=value` and `-jN` / `-kPAT` forms carry their value inline.
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if arg.starts_with("--") => (name, Some(value.to_owned())),
            _ if (arg.starts_with("-j") || arg.starts_with("-k")) && arg.len() > 2 => {
                (&arg[..2], Some(arg[2..].to_owned()))
            }
            _ => (arg.as_str(), None),
        };
        let takes_value = matches!(
            name,
            "-j" | "--jobs" | "--timeout" | "--interp" | "-k" | "--color" | "--python"
        );
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => iter
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("option {name} needs a value"))?,
            }
        } else {
            if inline.is_some() {
                return Err(format!("option {name} takes no value"));
            }
            String::new()
        };
        match name {
            "--" => only_paths = true,
            "-h" | "--help" => return Ok(Parsed::Help),
            "-j" | "--jobs" => jobs = parse_jobs(&value)?,
            "--timeout" => timeout = parse_timeout(&value)?,
            "--interp" => interp = Some(words(&value, "--interp")?),
            "-k" => patterns.push(value),
            "--list" => list = true,
            "-q" | "--quiet" => verbosity = Verbosity::Quiet,
            "-v" | "--verbose" => verbosity = Verbosity::Verbose,
            "--color" | "--colour" => {
                color = match value.as_str() {
                    "auto" => ColorChoice::Auto,
                    "always" => ColorChoice::Always,
                    "never" => ColorChoice::Never,
                    _ => {
                        return Err(format!(
                            "--color: expected auto, always or never, got {value:?}"
                        ))
                    }
                }
            }
            "--virtual-time" => virtual_time = true,
            "--bless" => bless = true,
            "--force" => force = true,
            "--python" => python = Some(words(&value, "--python")?),
            _ => return Err(format!("unknown option {arg}")),
        }
    }

    let mode = match (list, bless, python) {
        (true, false, None) => Mode::List,
        (false, true, None) => Mode::Bless { force },
        (false, false, Some(cmd)) => {
            if interp.is_some() {
                return Err("--python and --interp cannot be combined".to_owned());
            }
            Mode::Python(cmd)
        }
        (false, false, None) => Mode::Check,
        _ => return Err("--list, --bless and --python cannot be combined".to_owned()),
    };
    if force && !matches!(mode, Mode::Bless { .. }) {
        return Err("--force only applies to --bless".to_owned());
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("tests"));
    }
    Ok(Parsed::Run(Options {
        paths,
        jobs,
        timeout,
        interp,
        patterns,
        verbosity,
        color,
        virtual_time,
        mode,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Result<Options, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        match parse(&args)? {
            Parsed::Run(o) => Ok(o),
            Parsed::Help => Err("help".to_owned()),
        }
    }

    #[test]
    fn defaults() -> Result<(), String> {
        let o = run(&[])?;
        assert_eq!(o.paths, vec![PathBuf::from("tests")]);
        assert_eq!(o.timeout, Some(Duration::from_secs(10)));
        assert_eq!(o.mode, Mode::Check);
        assert!(o.jobs >= 1);
        Ok(())
    }

    #[test]
    fn values_inline_and_separate() -> Result<(), String> {
        let o = run(&[
            "-j3",
            "--timeout=0.5",
            "-k",
            "x",
            "-ky",
            "--interp",
            "python3 -X dev",
            "a",
        ])?;
        assert_eq!(o.jobs, 3);
        assert_eq!(o.timeout, Some(Duration::from_millis(500)));
        assert_eq!(o.patterns, vec!["x", "y"]);
        assert_eq!(
            o.interp,
            Some(vec!["python3".into(), "-X".into(), "dev".into()])
        );
        assert_eq!(o.paths, vec![PathBuf::from("a")]);
        Ok(())
    }

    #[test]
    fn usage_errors() {
        for bad in [
            &["--nope"][..],
            &["-j", "0"],
            &["--timeout", "-1"],
            &["--timeout", "soon"],
            &["--color", "pink"],
            &["--bless", "--python", "python3"],
            &["--force"],
            &["--interp", " "],
            &["-k"],
            &["--list=yes"],
        ] {
            assert!(run(bad).is_err(), "{bad:?} should be a usage error");
        }
    }

    #[test]
    fn zero_timeout_disables_and_double_dash_ends_options() -> Result<(), String> {
        let o = run(&["--timeout", "0", "--", "-v"])?;
        assert_eq!(o.timeout, None);
        assert_eq!(o.paths, vec![PathBuf::from("-v")]);
        assert_eq!(o.verbosity, Verbosity::Normal);
        Ok(())
    }
}
