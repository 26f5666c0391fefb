//! Ctrl-C delivered to a running script: a real SIGINT sent to a child `aio` process once
//! the script prints "ready". The expected behaviour is CPython's: `finally` blocks run,
//! KeyboardInterrupt is printed last on stderr, and the status is 130.

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `tests/sigint/NAME.aio`, interrupts it after its "ready" line, and returns
/// (exit status, stdout after "ready", stderr, seconds from SIGINT to exit).
fn interrupt(name: &str) -> (Option<i32>, String, String, f64) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sigint");
    let mut child = Command::new(env!("CARGO_BIN_EXE_aio"))
        .arg(format!("{name}.aio"))
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start aio");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("read ready");
    assert_eq!(first, "ready\n", "{name}: no ready line");
    // Let the script reach its blocking point (poll, sleep or loop).
    std::thread::sleep(Duration::from_millis(200));
    let sent = Instant::now();
    let (code, rest, err) = send_sigint(child, stdout);
    (code, rest, err, sent.elapsed().as_secs_f64())
}

/// Sends SIGINT to `child` and waits for it: (exit status, the rest of its stdout, its
/// stderr).
fn send_sigint(
    mut child: Child,
    mut stdout: BufReader<ChildStdout>,
) -> (Option<i32>, String, String) {
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).expect("send SIGINT");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("read stdout");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read stderr");
    let status = child.wait().expect("wait");
    (status.code(), rest, err)
}

fn check(name: &str, expected_stdout: &str) {
    let (code, out, err, secs) = interrupt(name);
    assert_eq!(code, Some(130), "{name}: status; stderr:\n{err}");
    assert_eq!(out, expected_stdout, "{name}: stdout");
    assert!(
        err.starts_with("Traceback (most recent call last):\n"),
        "{name}: {err}"
    );
    assert!(err.ends_with("\nKeyboardInterrupt\n"), "{name}: {err}");
    assert!(secs < 5.0, "{name}: took {secs:.1}s to stop after SIGINT");
}

#[test]
fn ctrl_c_cancels_every_task_and_runs_finally_blocks() {
    check(
        "asyncio_tasks",
        "worker 0 finally\nworker 1 finally\nmain finally\n",
    );
}

#[test]
fn ctrl_c_interrupts_time_sleep() {
    check("blocking_sleep", "finally\n");
}

#[test]
fn ctrl_c_interrupts_a_busy_loop() {
    check("busy_loop", "finally\n");
}

#[test]
fn ctrl_c_cancels_a_task_awaiting_a_sleeping_executor_job() {
    // As in CPython: the job runs on, and asyncio.run waits for it before raising.
    check("to_thread", "main finally\njob done\n");
}

#[test]
fn sigint_ignored_at_start_stays_ignored() {
    // A background job of a non-interactive shell starts with SIGINT ignored; CPython
    // keeps it so. `exec` leaves aio with the shell's pid.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sigint");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' INT; exec '{}' ignored_at_start.aio",
            env!("CARGO_BIN_EXE_aio")
        ))
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sh");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("read getsignal");
    assert_eq!(first, "True\n", "getsignal(SIGINT) is not SIG_IGN");
    let mut ready = String::new();
    stdout.read_line(&mut ready).expect("read ready");
    assert_eq!(ready, "ready\n");
    std::thread::sleep(Duration::from_millis(100));
    let (code, rest, err) = send_sigint(child, stdout);
    assert_eq!(code, Some(0), "stderr:\n{err}");
    assert_eq!(rest, "still running\nhandler 2\n");
    assert_eq!(err, "");
}
