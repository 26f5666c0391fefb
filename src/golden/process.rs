//! Running one test process: its own process group, stdin from /dev/null, stdout and stderr
//! read concurrently (so large outputs cannot deadlock), and a timeout that kills the whole
//! group, so no child of a test outlives it.

use std::ffi::OsString;
use std::io::{self, Read};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Bytes kept per stream; a test printing more is failing anyway, and the rest is drained.
const CAPTURE_LIMIT: usize = 64 << 20;

/// How long to wait for the pipes to close once the test process is gone. Something that
/// escaped the process group (a daemon that called setsid) may keep them open.
const PIPE_GRACE: Duration = Duration::from_secs(2);

/// What a finished (or killed) test process did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The exit status; a process killed by signal N reads 128 + N, as in a shell.
    pub status: i32,
    pub timed_out: bool,
    /// A stream was cut at `CAPTURE_LIMIT` bytes, or its pipe never closed.
    pub truncated: bool,
}

/// How to run a test: `program args... NAME.aio` in `dir`, with `env` added.
pub struct Invocation<'a> {
    pub command: &'a [OsString],
    pub dir: &'a Path,
    pub script: &'a OsString,
    pub env: &'a [(String, String)],
    pub timeout: Option<Duration>,
}

#[derive(Default)]
struct Capture {
    bytes: Vec<u8>,
    truncated: bool,
}

/// Reads `stream` to its end on a new thread into a shared buffer; `done` gets a message at
/// the end. The buffer is shared rather than returned so a pipe that never closes cannot block
/// the caller.
fn drain(mut stream: impl Read + Send + 'static, done: mpsc::Sender<()>) -> Arc<Mutex<Capture>> {
    let capture = Arc::new(Mutex::new(Capture::default()));
    let shared = Arc::clone(&capture);
    thread::spawn(move || {
        let mut chunk = vec![0u8; 64 << 10];
        loop {
            match stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    let mut c = shared.lock().unwrap_or_else(|e| e.into_inner());
                    let room = CAPTURE_LIMIT.saturating_sub(c.bytes.len());
                    if n > room {
                        c.truncated = true;
                    }
                    c.bytes.extend_from_slice(&chunk[..n.min(room)]);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        let _ = done.send(());
    });
    capture
}

fn take(capture: &Mutex<Capture>) -> Capture {
    std::mem::take(&mut *capture.lock().unwrap_or_else(|e| e.into_inner()))
}

/// Blocks until process `pid` has exited, without reaping it: while it is a zombie its pid,
/// and so its process group id, cannot be reused, which makes `kill_group` safe afterwards.
fn wait_exited_unreaped(pid: u32) {
    let Ok(raw) = i32::try_from(pid) else { return };
    loop {
        let flags = nix::sys::wait::WaitPidFlag::WEXITED | nix::sys::wait::WaitPidFlag::WNOWAIT;
        match nix::sys::wait::waitid(
            nix::sys::wait::Id::Pid(nix::unistd::Pid::from_raw(raw)),
            flags,
        ) {
            Err(nix::errno::Errno::EINTR) => continue,
            _ => return,
        }
    }
}

/// Sends SIGKILL to every process in the group led by `pid`.
fn kill_group(pid: u32) {
    if let Ok(pgid) = i32::try_from(pid) {
        // ESRCH when the group is already empty is fine.
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(pgid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
}

fn spawn(inv: &Invocation) -> io::Result<Child> {
    let (program, args) = inv
        .command
        .split_first()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "empty interpreter command"))?;
    let mut cmd = Command::new(program);
    cmd.args(args)
        .arg(inv.script)
        .current_dir(inv.dir)
        .env("PWD", inv.dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    for (k, v) in inv.env {
        cmd.env(k, v);
    }
    cmd.spawn()
}

/// Runs one test process to completion or timeout. `dir` should be absolute.
pub fn run(inv: &Invocation) -> io::Result<Outcome> {
    let mut child = spawn(inv)?;
    let pid = child.id();
    let (done_tx, done_rx) = mpsc::channel();
    let stdout = child.stdout.take().map(|s| drain(s, done_tx.clone()));
    let stderr = child.stderr.take().map(|s| drain(s, done_tx.clone()));
    drop(done_tx);

    let (exit_tx, exit_rx) = mpsc::channel();
    thread::spawn(move || {
        wait_exited_unreaped(pid);
        let _ = exit_tx.send(());
    });
    let timed_out = match inv.timeout {
        Some(limit) => matches!(
            exit_rx.recv_timeout(limit),
            Err(mpsc::RecvTimeoutError::Timeout)
        ),
        None => {
            let _ = exit_rx.recv();
            false
        }
    };
    // Also on a normal exit: background children of the test must not outlive it.
    kill_group(pid);
    let status = child.wait()?;

    let deadline = Instant::now() + PIPE_GRACE;
    let streams = usize::from(stdout.is_some()) + usize::from(stderr.is_some());
    let mut closed = 0;
    while closed < streams {
        let left = deadline.saturating_duration_since(Instant::now());
        if done_rx.recv_timeout(left).is_err() {
            break;
        }
        closed += 1;
    }
    let out = stdout.map(|c| take(&c)).unwrap_or_default();
    let err = stderr.map(|c| take(&c)).unwrap_or_default();
    let status = status
        .code()
        .or_else(|| status.signal().map(|s| 128 + s))
        .unwrap_or(-1);
    Ok(Outcome {
        stdout: out.bytes,
        stderr: err.bytes,
        status,
        timed_out,
        truncated: out.truncated || err.truncated || closed < streams,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Option<Duration>) -> io::Result<Outcome> {
        let dir = std::env::temp_dir();
        let command = vec![
            OsString::from("sh"),
            OsString::from("-c"),
            OsString::from(script),
        ];
        run(&Invocation {
            command: &command,
            dir: &dir,
            script: &OsString::from("sh"),
            env: &[("AIO_PROBE".to_owned(), "yes".to_owned())],
            timeout,
        })
    }

    #[test]
    fn captures_both_streams_status_and_env() -> io::Result<()> {
        let o = sh("echo out; echo err >&2; echo $AIO_PROBE; exit 3", None)?;
        assert_eq!(o.stdout, b"out\nyes\n");
        assert_eq!(o.stderr, b"err\n");
        assert_eq!(o.status, 3);
        assert!(!o.timed_out);
        Ok(())
    }

    #[test]
    fn large_outputs_on_both_streams_do_not_deadlock() -> io::Result<()> {
        let o = sh(
            "head -c 3000000 /dev/zero; head -c 3000000 /dev/zero >&2; head -c 10 /dev/zero",
            Some(Duration::from_secs(20)),
        )?;
        assert_eq!(o.stdout.len(), 3_000_010);
        assert_eq!(o.stderr.len(), 3_000_000);
        Ok(())
    }

    #[test]
    fn timeout_kills_the_whole_group() -> io::Result<()> {
        // The background sleep keeps stdout open: it must be killed too, or this would hang.
        let start = Instant::now();
        let o = sh("sleep 30 & sleep 30", Some(Duration::from_millis(300)))?;
        assert!(o.timed_out);
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
        assert_eq!(o.status, 128 + nix::sys::signal::Signal::SIGKILL as i32);
        Ok(())
    }

    #[test]
    fn stdin_is_empty() -> io::Result<()> {
        let o = sh("cat; echo done", Some(Duration::from_secs(5)))?;
        assert_eq!(o.stdout, b"done\n");
        Ok(())
    }
}
