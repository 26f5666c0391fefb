//! Interpreter options on the command line and in the environment (`-O`, `-X dev`, `-W`,
//! `-u`, `-x`, `-E`, `-I`, `PYTHONASYNCIODEBUG`, ...): each expected output is what
//! `python3` prints for the same command.

use std::process::{Command, Output, Stdio};

/// Runs aio with `args` and the environment `vars` added (the `PYTHON*` variables of the
/// test's own environment removed, so they cannot change the outcome).
fn aio(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_aio"));
    cmd.args(args).stdin(Stdio::null());
    for (k, _) in std::env::vars() {
        if k.starts_with("PYTHON") || k == "AIOPATH" {
            cmd.env_remove(k);
        }
    }
    cmd.envs(vars.iter().copied());
    cmd.output().expect("run aio")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const LOOP_DEBUG: &str = "import asyncio\n\
    async def main(): print(asyncio.get_running_loop().get_debug())\n\
    asyncio.run(main())";

#[test]
fn dev_mode_sets_flags_warnings_and_asyncio_debug() {
    let o = aio(
        &[
            "-X",
            "dev",
            "-c",
            "import sys; print(sys.flags.dev_mode, sys._xoptions, sys.warnoptions)",
        ],
        &[],
    );
    assert_eq!(stdout(&o), "True {'dev': True} ['default']\n");
    assert_eq!(
        stdout(&aio(&["-X", "dev", "-c", LOOP_DEBUG], &[])),
        "True\n"
    );
    assert_eq!(
        stdout(&aio(&["-c", LOOP_DEBUG], &[("PYTHONDEVMODE", "1")])),
        "True\n"
    );
    // Dev mode shows the warnings the default filters hide.
    let o = aio(
        &[
            "-Xdev",
            "-c",
            "import warnings; warnings.warn('x', DeprecationWarning)",
        ],
        &[],
    );
    assert_eq!(stderr(&o), "<string>:1: DeprecationWarning: x\n");
}

#[test]
fn asyncio_debug_from_the_environment_unless_ignored() {
    let on = [("PYTHONASYNCIODEBUG", "1")];
    assert_eq!(stdout(&aio(&["-c", LOOP_DEBUG], &on)), "True\n");
    assert_eq!(stdout(&aio(&["-E", "-c", LOOP_DEBUG], &on)), "False\n");
    assert_eq!(stdout(&aio(&["-c", LOOP_DEBUG], &[])), "False\n");
}

#[test]
fn optimize_removes_asserts_and_docstrings() {
    let o = aio(
        &[
            "-O",
            "-c",
            "import sys; print(__debug__, sys.flags.optimize); assert False; print('ok')",
        ],
        &[],
    );
    assert_eq!(stdout(&o), "False 1\nok\n");
    assert!(o.status.success());
    let code = "def f():\n    'doc'\nclass C:\n    'cdoc'\nprint(f.__doc__, C.__doc__)";
    assert_eq!(stdout(&aio(&["-O", "-c", code], &[])), "doc cdoc\n");
    assert_eq!(stdout(&aio(&["-OO", "-c", code], &[])), "None None\n");
    let o = aio(&["-c", "assert 1 == 2, 'no'"], &[("PYTHONOPTIMIZE", "1")]);
    assert!(o.status.success());
}

#[test]
fn warning_options_in_order() {
    let o = aio(
        &[
            "-W",
            "error::DeprecationWarning",
            "-Wignore",
            "-c",
            "import warnings, sys; print(warnings.filters[:2]); print(sys.warnoptions)",
        ],
        &[("PYTHONWARNINGS", "always")],
    );
    assert_eq!(
        stdout(&o),
        "[('ignore', None, <class 'Warning'>, None, 0), ('error', None, <class 'DeprecationWarning'>, None, 0)]\n\
         ['always', 'error::DeprecationWarning', 'ignore']\n"
    );
    let o = aio(&["-W", "bogus", "-c", "print(1)"], &[]);
    assert_eq!(stdout(&o), "1\n");
    assert_eq!(
        stderr(&o),
        "Invalid -W option ignored: invalid action: 'bogus'\n"
    );
    let o = aio(
        &[
            "-W",
            "error",
            "-c",
            "import warnings; warnings.warn('boom')",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).ends_with("UserWarning: boom\n"));
}

#[test]
fn grouped_flags_xoptions_and_isolation() {
    let o = aio(
        &["-uBq", "-X", "foo=bar", "-Xbaz", "-c", "import sys; print(sys._xoptions, sys.flags.dont_write_bytecode, sys.flags.quiet, sys.argv)", "a"],
        &[],
    );
    assert_eq!(stdout(&o), "{'foo': 'bar', 'baz': True} 1 1 ['-c', 'a']\n");
    let o = aio(
        &["-I", "-c", "import sys; print(sys.path, sys.flags.isolated, sys.flags.safe_path, sys.flags.ignore_environment)"],
        &[("PYTHONPATH", "/nowhere")],
    );
    assert_eq!(stdout(&o), "[] 1 True 1\n");
    let o = aio(
        &[
            "-X",
            "int_max_str_digits=5000",
            "-c",
            "import sys; print(sys.get_int_max_str_digits(), sys.flags.int_max_str_digits)",
        ],
        &[],
    );
    assert_eq!(stdout(&o), "5000 5000\n");
}

#[test]
fn unbuffered_stdout_interleaves_with_stderr() {
    // With `-u`, each write reaches the pipe at once; both streams go to one pipe here.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' -u -c \"import sys; print('out'); print('err', file=sys.stderr); print('out2')\" 2>&1",
            env!("CARGO_BIN_EXE_aio")
        ))
        .output()
        .expect("run sh");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "out\nerr\nout2\n");
}

#[test]
fn skip_first_line_keeps_line_numbers() {
    let dir = std::env::temp_dir().join(format!("aio-cmdline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create folder");
    let script = dir.join("x.aio");
    std::fs::write(&script, "garbage line !!\nprint(1)\nraise ValueError(3)\n").expect("write");
    let path = script.to_string_lossy().into_owned();
    let o = aio(&["-x", &path], &[]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(stdout(&o), "1\n");
    assert!(stderr(&o).contains("line 3, in <module>"));
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn unsupported_and_bad_options_are_usage_errors() {
    for args in [
        &["-b", "-c", "pass"][..],
        &["-v", "-c", "pass"],
        &["-z"],
        &["-X", "importtime", "-c", "pass"],
        &["-W"],
    ] {
        let o = aio(args, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains("usage: aio"), "{args:?}");
    }
    assert!(stderr(&aio(&["-b", "-c", "pass"], &[])).starts_with("option -b (BytesWarning"));
}
