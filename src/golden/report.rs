//! Printing verdicts as they arrive, and the final summary line.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::bless::file_name;
use super::check::Mismatch;
use super::diff::{self, Style};
use super::discover::Test;
use super::options::Verbosity;
use super::runner::Verdict;

/// Lines of unchecked stderr shown under a failure, for context (usually the traceback).
const STDERR_CONTEXT_LINES: usize = 15;

/// Counts, for the summary line.
#[derive(Debug, Default)]
pub struct Tally {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub written: usize,
    pub removed: usize,
}

impl Tally {
    /// `N passed, N failed[, N skipped]` after a check.
    pub fn check_summary(&self) -> String {
        let mut line = format!("{} passed, {} failed", self.passed, self.failed);
        if self.skipped > 0 {
            let _ = write!(line, ", {} skipped", self.skipped);
        }
        line
    }

    /// `N files written[, N removed], N failed[, N skipped]` after `--bless` / `--python`.
    pub fn rewrite_summary(&self) -> String {
        let plural = if self.written == 1 { "" } else { "s" };
        let mut line = format!("{} file{plural} written", self.written);
        if self.removed > 0 {
            let _ = write!(line, ", {} removed", self.removed);
        }
        let _ = write!(line, ", {} failed", self.failed);
        if self.skipped > 0 {
            let _ = write!(line, ", {} skipped", self.skipped);
        }
        line
    }
}

pub struct Reporter {
    pub style: Style,
    pub verbosity: Verbosity,
    pub tally: Tally,
}

fn tail(bytes: &[u8], lines: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let all: Vec<&str> = text.lines().collect();
    let skip = all.len().saturating_sub(lines);
    let mut out = String::new();
    if skip > 0 {
        let _ = writeln!(out, "  ... ({skip} earlier lines)");
    }
    for line in &all[skip..] {
        let _ = writeln!(out, "  {line}");
    }
    out
}

impl Reporter {
    fn mismatches(&self, out: &mut String, test: &Test, mismatches: &[Mismatch]) {
        let s = self.style;
        for m in mismatches {
            match m {
                Mismatch::MissingOut => {
                    let _ = writeln!(
                        out,
                        "missing expected output {} (write it with `aio test --python python3 {}`, \
                         or `--bless` for an aio-only test)",
                        file_name(&test.sibling("out")),
                        test.display()
                    );
                }
                Mismatch::Stdout { expected, actual } => {
                    let _ = writeln!(out, "{}", s.bold("stdout differs:"));
                    out.push_str(&diff::unified(expected, actual, s));
                }
                Mismatch::Stderr { expected, actual } => {
                    let _ = writeln!(out, "{}", s.bold("stderr differs:"));
                    out.push_str(&diff::unified(expected, actual, s));
                }
                Mismatch::Status { expected, actual } => {
                    let _ = writeln!(
                        out,
                        "{} expected {expected}, got {actual}",
                        s.bold("exit status differs:")
                    );
                }
            }
        }
    }

    /// Prints what `verdict` calls for and counts it.
    pub fn verdict(&mut self, test: &Test, verdict: Verdict) {
        let s = self.style;
        let path = test.display();
        let verbose = self.verbosity == Verbosity::Verbose;
        let mut out = String::new();
        match verdict {
            Verdict::Pass => {
                self.tally.passed += 1;
                if verbose {
                    let _ = writeln!(out, "{} {path}", s.green("ok"));
                }
            }
            Verdict::Skip(reason) => {
                self.tally.skipped += 1;
                if verbose {
                    let _ = writeln!(out, "{} {path}: {reason}", s.yellow("skip"));
                }
            }
            Verdict::Fail {
                mismatches,
                stderr,
                stderr_compared,
                truncated,
            } => {
                self.tally.failed += 1;
                let _ = writeln!(out, "{} {path}", s.bold_red("FAIL"));
                self.mismatches(&mut out, test, &mismatches);
                if truncated {
                    let _ = writeln!(
                        out,
                        "(output was cut: more than 64 MiB, or a pipe stayed open)"
                    );
                }
                if !stderr_compared && !stderr.is_empty() {
                    let _ = writeln!(out, "{}", s.bold("stderr (not compared: no .err file):"));
                    out.push_str(&tail(&stderr, STDERR_CONTEXT_LINES));
                }
                out.push('\n');
            }
            Verdict::Timeout {
                limit,
                stdout,
                expected_stdout,
                stderr,
            } => {
                self.tally.failed += 1;
                let _ = writeln!(
                    out,
                    "{} {path} (killed after {}s)",
                    s.bold_red("TIMEOUT"),
                    limit.as_secs_f64()
                );
                if let Some(expected) = expected_stdout.filter(|e| *e != stdout) {
                    let _ = writeln!(out, "{}", s.bold("stdout so far:"));
                    out.push_str(&diff::unified(&expected, &stdout, s));
                }
                if !stderr.is_empty() {
                    let _ = writeln!(out, "{}", s.bold("stderr so far:"));
                    out.push_str(&tail(&stderr, STDERR_CONTEXT_LINES));
                }
                out.push('\n');
            }
            Verdict::Error(message) => {
                self.tally.failed += 1;
                let _ = writeln!(out, "{} {path}: {message}", s.bold_red("ERROR"));
            }
            Verdict::Rewrote(changes) => {
                self.tally.passed += 1;
                self.tally.written += changes.written.len();
                self.tally.removed += changes.removed.len();
                let touched = !changes.written.is_empty() || !changes.removed.is_empty();
                if touched && self.verbosity >= Verbosity::Normal {
                    let mut parts = Vec::new();
                    if !changes.written.is_empty() {
                        let names: Vec<String> =
                            changes.written.iter().map(|p| file_name(p)).collect();
                        parts.push(format!("wrote {}", names.join(", ")));
                    }
                    if !changes.removed.is_empty() {
                        let names: Vec<String> =
                            changes.removed.iter().map(|p| file_name(p)).collect();
                        parts.push(format!("removed {}", names.join(", ")));
                    }
                    let _ = writeln!(out, "{} {path}: {}", s.green("updated"), parts.join("; "));
                } else if verbose {
                    let _ = writeln!(out, "{} {path}: up to date", s.green("ok"));
                }
            }
            Verdict::Refused(mismatches) => {
                self.tally.failed += 1;
                let _ = writeln!(
                    out,
                    "{} {path}: its expectations come from CPython, not aio; regenerate them with \
                     `aio test --python python3 {path}`, mark the test `# aio-test: aio-only` if it \
                     is not valid Python, or use --bless --force",
                    s.bold_red("REFUSED"),
                );
                self.mismatches(&mut out, test, &mismatches);
                out.push('\n');
            }
        }
        print_now(&out);
    }
}

/// Writes to stdout and flushes, so progress shows while later tests run. A closed stdout
/// (e.g. `| head`) is not worth a panic.
pub fn print_now(text: &str) {
    if text.is_empty() {
        return;
    }
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries() {
        let mut t = Tally {
            passed: 3,
            ..Tally::default()
        };
        assert_eq!(t.check_summary(), "3 passed, 0 failed");
        t.skipped = 1;
        t.failed = 2;
        assert_eq!(t.check_summary(), "3 passed, 2 failed, 1 skipped");
        t.written = 1;
        assert_eq!(t.rewrite_summary(), "1 file written, 2 failed, 1 skipped");
    }

    #[test]
    fn stderr_tail() {
        let text: String = (0..20).map(|i| format!("{i}\n")).collect();
        let shown = tail(text.as_bytes(), 3);
        assert_eq!(shown, "  ... (17 earlier lines)\n  17\n  18\n  19\n");
    }
}
