//! Running the selected tests on a pool of worker threads, one process per test, and turning
//! each run into a `Verdict` for the reporter. Verdicts are delivered in path order.

use std::ffi::OsString;
use std::fs;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::bless::{self, Changes};
use super::check::{self, Expected, FolderNames, Mismatch};
use super::discover::{self, Directive, Test};
use super::process::{self, Invocation, Outcome};

/// What to do with each test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Run and compare with the expected files.
    Check,
    /// Rewrite aio-only tests' expected files from the interpreter; refuse others whose
    /// output differs unless `force`.
    Bless { force: bool },
    /// Rewrite expected files from CPython; skip aio-only tests.
    Regenerate,
}

/// Everything a worker needs, shared by all of them.
pub struct Plan {
    pub command: Vec<OsString>,
    pub env: Vec<(String, String)>,
    pub timeout: Option<Duration>,
    pub action: Action,
    pub jobs: usize,
}

/// How one test went.
#[derive(Debug)]
pub enum Verdict {
    Pass,
    Skip(String),
    Fail {
        mismatches: Vec<Mismatch>,
        /// The (path-stripped) stderr, shown for context when it was not compared.
        stderr: Vec<u8>,
        stderr_compared: bool,
        truncated: bool,
    },
    Timeout {
        limit: Duration,
        stdout: Vec<u8>,
        expected_stdout: Option<Vec<u8>>,
        stderr: Vec<u8>,
    },
    /// The test could not be run or its files could not be read or written.
    Error(String),
    /// `--bless` / `--python` rewrote (or found up to date) the expected files.
    Rewrote(Changes),
    /// `--bless` left a CPython-derived test alone although its output differs.
    Refused(Vec<Mismatch>),
}

fn run_process(
    plan: &Plan,
    test: &Test,
    names: &FolderNames,
) -> Result<(Outcome, Vec<u8>), String> {
    let outcome = process::run(&Invocation {
        command: &plan.command,
        dir: &names.physical,
        script: &test.file_name,
        env: &plan.env,
        timeout: plan.timeout,
    })
    .map_err(|e| {
        let program = plan
            .command
            .first()
            .map(|p| p.to_string_lossy().into_owned());
        format!("cannot run {}: {e}", program.unwrap_or_default())
    })?;
    let stderr = names.strip(&outcome.stderr);
    Ok((outcome, stderr))
}

fn timeout_verdict(plan: &Plan, outcome: Outcome, stderr: Vec<u8>, test: &Test) -> Verdict {
    Verdict::Timeout {
        limit: plan.timeout.unwrap_or_default(),
        stdout: outcome.stdout,
        expected_stdout: fs::read(test.sibling("out")).ok(),
        stderr,
    }
}

fn judge(plan: &Plan, test: &Test) -> Result<Verdict, String> {
    let source =
        fs::read(&test.path).map_err(|e| format!("cannot read {}: {e}", test.display()))?;
    let directive = discover::directive(&source)?;
    if let Directive::Skip(reason) = directive {
        return Ok(Verdict::Skip(reason));
    }
    let aio_only = directive == Directive::AioOnly;
    if plan.action == Action::Regenerate && aio_only {
        return Ok(Verdict::Skip(
            "aio-only: expectations come from aio".to_owned(),
        ));
    }
    let names = FolderNames::of(&test.dir)
        .map_err(|e| format!("cannot resolve {}: {e}", test.dir.display()))?;
    let (outcome, stderr) = run_process(plan, test, &names)?;
    if outcome.timed_out {
        return Ok(timeout_verdict(plan, outcome, stderr, test));
    }
    let rewrite = |outcome: &Outcome, stderr: &[u8]| {
        bless::rewrite(test, &outcome.stdout, stderr, outcome.status)
            .map(Verdict::Rewrote)
            .map_err(|e| format!("cannot write expectations of {}: {e}", test.display()))
    };
    match plan.action {
        Action::Regenerate => rewrite(&outcome, &stderr),
        Action::Bless { force } if force || aio_only => rewrite(&outcome, &stderr),
        Action::Bless { .. } | Action::Check => {
            let expected = Expected::read(test)?;
            let mismatches = check::compare(&expected, &outcome, &stderr);
            Ok(if mismatches.is_empty() {
                match plan.action {
                    Action::Check => Verdict::Pass,
                    _ => Verdict::Rewrote(Changes::default()),
                }
            } else if plan.action == Action::Check {
                Verdict::Fail {
                    mismatches,
                    stderr,
                    stderr_compared: expected.stderr.is_some(),
                    truncated: outcome.truncated,
                }
            } else {
                Verdict::Refused(mismatches)
            })
        }
    }
}

/// Runs `tests` on `plan.jobs` threads and calls `report(test, verdict)` in the order of
/// `tests`, as soon as each verdict and all those before it are known.
pub fn run_all(plan: &Plan, tests: &[Test], mut report: impl FnMut(&Test, Verdict)) {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Verdict)>();
    thread::scope(|scope| {
        for _ in 0..plan.jobs.clamp(1, tests.len().max(1)) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(test) = tests.get(i) else { break };
                let verdict = judge(plan, test).unwrap_or_else(Verdict::Error);
                if tx.send((i, verdict)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut pending: Vec<Option<Verdict>> = tests.iter().map(|_| None).collect();
        let mut shown = 0;
        for (i, verdict) in rx {
            pending[i] = Some(verdict);
            while let Some(verdict) = pending.get_mut(shown).and_then(Option::take) {
                report(&tests[shown], verdict);
                shown += 1;
            }
        }
        // Only reached early if a worker died; say so rather than dropping tests silently.
        for (test, verdict) in tests.iter().zip(pending).skip(shown) {
            let verdict =
                verdict.unwrap_or_else(|| Verdict::Error("internal error: test not run".into()));
            report(test, verdict);
        }
    });
}
