//! The prompt and programs read from standard input, run as child processes.
//!
//! `tests/repl/NAME.in` is fed to `aio -i` (the prompt, reading plain lines because stdin
//! is not a terminal; prompts and errors go to stderr, as with `python3 -i`); its stdout
//! must equal `NAME.out` and its stderr, after the two banner lines, `NAME.err`.
//! `session` and `inspect` expectations come from `python3 -i`; `await` (top-level await, which
//! CPython's plain prompt lacks) is aio's own, checked by hand against
//! `python3 -m asyncio`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn dir() -> &'static str {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/repl")
}

/// Runs `aio ARGS` with `input` on stdin.
fn run(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aio"))
        .args(args)
        .current_dir(dir())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start aio");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("wait for aio")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{}/{name}", dir())).expect("read expectation")
}

fn check_session(name: &str, status: i32) {
    let out = run(&["-i"], read(&format!("{name}.in")).as_bytes());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let after_banner: String = stderr.lines().skip(2).map(|l| format!("{l}\n")).collect();
    assert_eq!(stdout, read(&format!("{name}.out")), "{name}: stdout");
    // The expectation has no newline after the last prompt, as the prompt writes none.
    assert_eq!(
        after_banner.trim_end(),
        read(&format!("{name}.err")).trim_end(),
        "{name}: stderr"
    );
    assert_eq!(out.status.code(), Some(status), "{name}: status");
}

#[test]
fn prompt_prints_values_and_errors_as_python3_dash_i() {
    check_session("session", 7);
}

#[test]
fn prompt_awaits_at_top_level_on_one_event_loop() {
    check_session("await", 0);
}

#[test]
fn dash_i_runs_the_script_then_the_prompt_in_its_namespace() {
    // Expectations from `python3 -i inspect_script.aio a b < inspect.in`; the script's
    // absolute path in the traceback is made relative.
    let out = run(
        &["-i", "inspect_script.aio", "a", "b"],
        read("inspect.in").as_bytes(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&format!("{}/", dir()), "");
    assert_eq!(String::from_utf8_lossy(&out.stdout), read("inspect.out"));
    assert_eq!(stderr, read("inspect.err"));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn program_from_stdin_with_dash_and_without_arguments() {
    let program = b"import sys\nprint(sys.argv)\n1/0\n";
    for (args, argv) in [(&["-", "a"][..], "['-', 'a']"), (&[][..], "['']")] {
        let out = run(args, program);
        assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{argv}\n"));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "Traceback (most recent call last):\n  File \"<stdin>\", line 3, in <module>\nZeroDivisionError: division by zero\n"
        );
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn input_at_the_prompt_reads_the_next_line() {
    // The prompt shares sys.stdin's buffer (CPython's `-i` lets input() swallow the rest of
    // a pipe; aio reads line by line, and must not deadlock on the shared stdin).
    let out = run(&["-i"], b"x = input()\nhello\nx\n");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "'hello'\n");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn prompt_leaves_on_end_of_input_and_on_sys_exit() {
    let out = run(&["-i"], b"x = 2\n");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let out = run(&["-i"], b"import sys\nsys.exit(3)\nprint('not reached')\n");
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
}
