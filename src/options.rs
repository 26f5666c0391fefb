//! Interpreter options from the command line and the environment, as CPython's start-up
//! configuration makes them: `-O`, `-u`, `-X dev`, `-W`, `-E`, `-I` and the rest, and the
//! `PYTHON*` variables they stand for. `sys.flags`, `sys._xoptions`, `sys.warnoptions`,
//! the compiler (`-O`), stdout's buffering (`-u`) and new event loops' debug mode read
//! them; they are fixed for the life of the process, so they live in one global.

use std::sync::OnceLock;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// `-d`
    pub debug: bool,
    /// `-i`
    pub inspect: bool,
    /// `-O` (1) or `-OO` (2): `assert` compiled away and `__debug__` False; `-OO` also
    /// drops docstrings. Or `PYTHONOPTIMIZE`.
    pub optimize: u8,
    /// `-B` or `PYTHONDONTWRITEBYTECODE` (aio writes no bytecode files either way).
    pub dont_write_bytecode: bool,
    /// `-s`
    pub no_user_site: bool,
    /// `-S`
    pub no_site: bool,
    /// `-E`, `-I`: the `PYTHON*` variables (and `AIOPATH`) are ignored.
    pub ignore_environment: bool,
    /// `-q`
    pub quiet: bool,
    /// `-I`
    pub isolated: bool,
    /// `-P`, `-I` or `PYTHONSAFEPATH`: no script or current folder at the front of `sys.path`.
    pub safe_path: bool,
    /// `-u` or `PYTHONUNBUFFERED`: stdout is written at every write.
    pub unbuffered: bool,
    /// `-x`: the script's first line is skipped (its line numbers stay those of the file).
    pub skip_first_line: bool,
    /// `-X dev` or `PYTHONDEVMODE`.
    pub dev_mode: bool,
    /// New event loops start in debug mode: dev mode, or `PYTHONASYNCIODEBUG`.
    pub asyncio_debug: bool,
    /// `-X int_max_str_digits=N` or `PYTHONINTMAXSTRDIGITS`; None for the default.
    pub int_max_str_digits: Option<usize>,
    /// `sys._xoptions`: `-X name` (None) or `-X name=value`, in order.
    pub xoptions: Vec<(String, Option<String>)>,
    /// `sys.warnoptions`: "default" in dev mode, then `PYTHONWARNINGS`, then `-W` options.
    pub warnoptions: Vec<String>,
}

static OPTIONS: OnceLock<Options> = OnceLock::new();

/// The process's options (all defaults until `install` ran, e.g. in unit tests).
pub fn get() -> &'static Options {
    OPTIONS.get_or_init(Options::default)
}

/// Makes `options` the process's options; the first call wins.
pub fn install(options: Options) {
    let _ = OPTIONS.set(options);
}

/// What the command line asks for once its options are read.
#[derive(Debug, PartialEq)]
pub enum Command {
    Help,
    Version,
    /// `-c CODE`
    Code(String),
    /// `-m NAME`
    Module(String),
    /// `-` (`dash`) or nothing: standard input (the prompt on a terminal).
    Stdin {
        dash: bool,
    },
    File(String),
}

/// A command line read up to its command: the options, the command, and the arguments
/// after it (`sys.argv[1:]`).
#[derive(Debug)]
pub struct CommandLine {
    pub options: Options,
    pub command: Command,
    pub rest: Vec<String>,
}

/// Reads the options before the command as CPython does: single letters may be grouped
/// (`-uB`), and `-c`, `-m`, `-W`, `-X` take the rest of their word or the next one.
/// `env` looks up an environment variable. Err is the message for a usage error.
pub fn parse(args: &[String], env: &dyn Fn(&str) -> Option<String>) -> Result<CommandLine, String> {
    let mut o = Options::default();
    let mut warn_args = Vec::new();
    let mut i = 0;
    let command = loop {
        let Some(arg) = args.get(i) else {
            break Command::Stdin { dash: false };
        };
        i += 1;
        match arg.as_str() {
            "--help" | "-h" | "-?" => break Command::Help,
            "--version" | "-V" => break Command::Version,
            "-" => break Command::Stdin { dash: true },
            "--" => match args.get(i) {
                Some(file) => {
                    i += 1;
                    break Command::File(file.clone());
                }
                None => break Command::Stdin { dash: false },
            },
            a if a.starts_with("--") => return Err(format!("unknown option {a}")),
            a if a.starts_with('-') => {
                let letters: Vec<char> = a.chars().skip(1).collect();
                let mut k = 0;
                let mut found = None;
                while let Some(&c) = letters.get(k) {
                    k += 1;
                    if matches!(c, 'c' | 'm' | 'W' | 'X') {
                        // The argument: the rest of this word, else the next word.
                        let value = if k < letters.len() {
                            letters[k..].iter().collect::<String>()
                        } else {
                            let Some(next) = args.get(i) else {
                                return Err(format!("Argument expected for the -{c} option"));
                            };
                            i += 1;
                            next.clone()
                        };
                        match c {
                            'c' => found = Some(Command::Code(value)),
                            'm' => found = Some(Command::Module(value)),
                            'W' => warn_args.push(value),
                            _ => o.xoptions.push(match value.split_once('=') {
                                Some((name, v)) => (name.to_string(), Some(v.to_string())),
                                None => (value, None),
                            }),
                        }
                        break;
                    }
                    set_flag(&mut o, c)?;
                }
                if let Some(command) = found {
                    break command;
                }
                if letters.contains(&'h') || letters.contains(&'?') {
                    break Command::Help;
                }
                if letters.contains(&'V') {
                    break Command::Version;
                }
            }
            file => break Command::File(file.to_string()),
        }
    };
    let rest = args.get(i..).unwrap_or_default().to_vec();
    apply_environment(&mut o, env);
    apply_xoptions(&mut o)?;
    if o.dev_mode {
        o.warnoptions.push("default".into());
    }
    if !o.ignore_environment {
        if let Some(w) = env("PYTHONWARNINGS") {
            let parts = w.split(',').map(str::trim).filter(|s| !s.is_empty());
            o.warnoptions.extend(parts.map(String::from));
        }
    }
    o.warnoptions.extend(warn_args);
    o.asyncio_debug = o.dev_mode || (!o.ignore_environment && env("PYTHONASYNCIODEBUG").is_some());
    Ok(CommandLine {
        options: o,
        command,
        rest,
    })
}

/// One single-letter option without an argument.
fn set_flag(o: &mut Options, c: char) -> Result<(), String> {
    match c {
        'd' => o.debug = true,
        'i' => o.inspect = true,
        'O' => o.optimize = o.optimize.saturating_add(1).min(2),
        'B' => o.dont_write_bytecode = true,
        's' => o.no_user_site = true,
        'S' => o.no_site = true,
        'E' => o.ignore_environment = true,
        'q' => o.quiet = true,
        'I' => {
            o.isolated = true;
            o.ignore_environment = true;
            o.no_user_site = true;
            o.safe_path = true;
        }
        'P' => o.safe_path = true,
        'u' => o.unbuffered = true,
        'x' => o.skip_first_line = true,
        // Hash randomization is always on, as with CPython's default.
        'R' => {}
        'h' | '?' | 'V' => {}
        'b' => {
            return Err("option -b (BytesWarning for str(bytes)) is not supported by aio".into())
        }
        'v' => return Err("option -v (tracing imports) is not supported by aio".into()),
        other => return Err(format!("Unknown option: -{other}")),
    }
    Ok(())
}

/// The `PYTHON*` variables that set options the command line did not, unless `-E`/`-I`.
fn apply_environment(o: &mut Options, env: &dyn Fn(&str) -> Option<String>) {
    if o.ignore_environment {
        return;
    }
    // A variable counts when set to a non-empty string, as CPython's `config_get_env`.
    let set = |name: &str| env(name).filter(|v| !v.is_empty());
    if set("PYTHONUNBUFFERED").is_some() {
        o.unbuffered = true;
    }
    if set("PYTHONDONTWRITEBYTECODE").is_some() {
        o.dont_write_bytecode = true;
    }
    if set("PYTHONSAFEPATH").is_some() {
        o.safe_path = true;
    }
    if set("PYTHONDEVMODE").is_some() {
        o.dev_mode = true;
    }
    if let Some(v) = set("PYTHONOPTIMIZE") {
        // A number is the level; any other text means 1.
        let level = v.trim().parse::<u64>().unwrap_or(1);
        o.optimize = o.optimize.max(level.min(2) as u8);
    }
    if let Some(v) = set("PYTHONINTMAXSTRDIGITS") {
        o.int_max_str_digits = v.trim().parse().ok();
    }
}

/// The `-X` options aio acts on; the others are only listed in `sys._xoptions`, as
/// CPython keeps options it does not know.
fn apply_xoptions(o: &mut Options) -> Result<(), String> {
    for (name, value) in &o.xoptions {
        match (name.as_str(), value.as_deref()) {
            ("dev", _) => o.dev_mode = true,
            ("int_max_str_digits", v) => {
                let limit = v
                    .and_then(|v| v.parse::<usize>().ok())
                    .filter(|n| *n == 0 || *n >= crate::modules::sys::INT_MAX_STR_DIGITS_THRESHOLD);
                match limit {
                    Some(n) => o.int_max_str_digits = Some(n),
                    None => {
                        return Err(format!(
                        "-X int_max_str_digits: invalid limit; must be >= {} or 0 for unlimited.",
                        crate::modules::sys::INT_MAX_STR_DIGITS_THRESHOLD
                    ))
                    }
                }
            }
            ("importtime" | "tracemalloc" | "showrefcount" | "pycache_prefix", _) => {
                return Err(format!("-X {name} is not supported by aio"));
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn parse_with(args: &[&str], vars: &[(&str, &str)]) -> Result<CommandLine, String> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse(&args, &|name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn grouped_flags_and_attached_arguments() {
        let cl = parse_with(&["-uOO", "-Wignore", "-X", "dev", "-c", "pass", "a"], &[]).unwrap();
        assert!(cl.options.unbuffered && cl.options.dev_mode && cl.options.asyncio_debug);
        assert_eq!(cl.options.optimize, 2);
        assert_eq!(cl.options.warnoptions, ["default", "ignore"]);
        assert_eq!(cl.command, Command::Code("pass".into()));
        assert_eq!(cl.rest, ["a"]);
        let cl = parse_with(&["-Bc", "print(1)"], &[]).unwrap();
        assert_eq!(cl.command, Command::Code("print(1)".into()));
        let cl = parse_with(&["-q", "script.aio", "-u"], &[]).unwrap();
        assert_eq!(cl.command, Command::File("script.aio".into()));
        assert_eq!(cl.rest, ["-u"]);
        assert!(!cl.options.unbuffered);
    }

    #[test]
    fn environment_unless_ignored() {
        let env = [
            ("PYTHONASYNCIODEBUG", "1"),
            ("PYTHONWARNINGS", "error,ignore::DeprecationWarning"),
        ];
        let cl = parse_with(&["-W", "always", "x.aio"], &env).unwrap();
        assert!(cl.options.asyncio_debug && !cl.options.dev_mode);
        assert_eq!(
            cl.options.warnoptions,
            ["error", "ignore::DeprecationWarning", "always"]
        );
        let cl = parse_with(&["-I", "x.aio"], &env).unwrap();
        assert!(!cl.options.asyncio_debug && cl.options.safe_path);
        assert!(cl.options.warnoptions.is_empty());
    }

    #[test]
    fn usage_errors() {
        assert!(parse_with(&["-c"], &[]).is_err());
        assert!(parse_with(&["-z"], &[]).is_err());
        assert!(parse_with(&["-X", "int_max_str_digits=5"], &[]).is_err());
        assert!(parse_with(&["--bogus"], &[]).is_err());
        let cl = parse_with(&["-X", "int_max_str_digits=0", "-Xfoo=bar"], &[]).unwrap();
        assert_eq!(cl.options.int_max_str_digits, Some(0));
        assert_eq!(cl.options.xoptions[1], ("foo".into(), Some("bar".into())));
        assert_eq!(cl.command, Command::Stdin { dash: false });
    }
}
