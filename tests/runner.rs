//! Tests of `aio test` itself. The interpreter is CPython (`--interp python3`) acting as "aio",
//! on small temporary trees; every test passes with a note when `python3` is not on PATH.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const AIO: &str = env!("CARGO_BIN_EXE_aio");

/// A temporary folder of test files, removed on drop.
struct Tree {
    root: PathBuf,
}

impl Tree {
    fn new(name: &str) -> Tree {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let root =
            std::env::temp_dir().join(format!("aio-runner-{}-{n}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).expect("create temporary test tree");
        Tree { root }
    }

    /// Writes `rel` (creating folders) and returns its path.
    fn file(&self, rel: &str, content: &str) -> PathBuf {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create folder");
        }
        fs::write(&path, content).expect("write test file");
        path
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root.join(rel)).expect("read test file")
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn last_line(&self) -> &str {
        self.stdout.lines().last().unwrap_or_default()
    }
}

/// Runs `aio test ARGS` from `cwd`.
fn aio_test(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(AIO)
        .arg("test")
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("run aio test");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `aio test --interp python3 ARGS`
fn with_python(cwd: &Path, args: &[&str]) -> Run {
    let mut all = vec!["--interp", "python3"];
    all.extend_from_slice(args);
    aio_test(cwd, &all)
}

fn python_missing() -> bool {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("note: python3 is not on PATH; skipping this runner test");
    }
    !ok
}

#[test]
fn passing_tree_exits_zero() {
    if python_missing() {
        return;
    }
    let t = Tree::new("pass");
    t.file("a.aio", "print('a')\n");
    t.file("a.out", "a\n");
    t.file("b.aio", "for i in range(3):\n    print(i)\n");
    t.file("b.out", "0\n1\n2\n");
    t.file("sub/c.aio", "import sys\nsys.stdout.write('no newline')\n");
    t.file("sub/c.out", "no newline");
    let r = with_python(&t.root, &["."]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "3 passed, 0 failed\n");
    // -v names each passing test, in path order.
    let r = with_python(&t.root, &["-v", "."]);
    assert_eq!(
        r.stdout,
        "ok a.aio\nok b.aio\nok sub/c.aio\n3 passed, 0 failed\n"
    );
}

#[test]
fn wrong_expectation_shows_a_diff_and_exits_one() {
    if python_missing() {
        return;
    }
    let t = Tree::new("wrong");
    t.file("w.aio", "print('x')\nprint('a')\nprint('y')\n");
    t.file("w.out", "x\nb\ny\n");
    let r = with_python(&t.root, &["--color", "never", "."]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("FAIL w.aio\n"), "{}", r.stdout);
    assert!(
        r.stdout.contains("--- expected\n+++ actual\n"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(" x\n-b\n+a\n y\n"), "{}", r.stdout);
    assert_eq!(r.last_line(), "0 passed, 1 failed");
    // Colour on request: red for expected, green for actual, bold FAIL.
    let r = with_python(&t.root, &["--color", "always", "."]);
    assert!(r.stdout.contains("\x1b[31m-b\x1b[0m"), "{:?}", r.stdout);
    assert!(r.stdout.contains("\x1b[32m+a\x1b[0m"), "{:?}", r.stdout);
    assert!(r.stdout.contains("\x1b[1;31mFAIL\x1b[0m"), "{:?}", r.stdout);
    // Auto: stdout is a pipe here, so no colour.
    assert!(!with_python(&t.root, &["."]).stdout.contains('\x1b'));
}

#[test]
fn sub_folder_runs_alone() {
    if python_missing() {
        return;
    }
    let t = Tree::new("subfolder");
    t.file("bad/x.aio", "print(1)\n");
    t.file("bad/x.out", "2\n");
    t.file("good/deeper/y.aio", "print(1)\n");
    t.file("good/deeper/y.out", "1\n");
    let r = with_python(&t.root, &["-v", "good"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.stdout, "ok good/deeper/y.aio\n1 passed, 0 failed\n");
    // A single file too, run from elsewhere: the test still runs from its own folder.
    t.file(
        "good/deeper/cwd.aio",
        "import os\nprint(os.path.basename(os.getcwd()))\n",
    );
    t.file("good/deeper/cwd.out", "deeper\n");
    let r = with_python(&t.root, &["good/deeper/cwd.aio"]);
    assert_eq!(r.stdout, "1 passed, 0 failed\n");
    // Everything: the bad one fails.
    let r = with_python(&t.root, &["."]);
    assert_eq!(r.code, 1);
    assert_eq!(r.last_line(), "2 passed, 1 failed");
}

#[test]
fn bless_fixes_aio_only_tests_and_refuses_others() {
    if python_missing() {
        return;
    }
    let t = Tree::new("bless");
    t.file("mine.aio", "# aio-test: aio-only\nprint('new')\n");
    t.file("mine.out", "old\n");
    t.file("cpy.aio", "print('new')\n");
    t.file("cpy.out", "old\n");
    t.file("boom.aio", "# aio-test: aio-only\nraise SystemExit(3)\n");
    assert_eq!(with_python(&t.root, &["-k", "mine", "."]).code, 1);

    let r = with_python(&t.root, &["--bless", "."]);
    assert_eq!(r.code, 1, "cpy.aio must be refused: {}", r.stdout);
    assert!(r.stdout.contains("REFUSED cpy.aio"), "{}", r.stdout);
    assert!(r.stdout.contains("--python"), "{}", r.stdout);
    assert_eq!(
        t.read("cpy.out"),
        "old\n",
        "a CPython-derived expectation was overwritten"
    );
    assert_eq!(t.read("mine.out"), "new\n");
    assert_eq!(t.read("boom.code"), "3\n");
    assert_eq!(t.read("boom.err"), "");
    assert!(r.stdout.contains("4 files written"), "{}", r.stdout);

    let r = with_python(&t.root, &["-k", "mine", "-k", "boom", "."]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.stdout, "2 passed, 0 failed\n");

    // --force takes the interpreter's output for any test.
    let r = with_python(&t.root, &["--bless", "--force", "cpy.aio"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(t.read("cpy.out"), "new\n");
    // Nothing left to write.
    let r = with_python(&t.root, &["--bless", "."]);
    assert_eq!((r.code, r.last_line()), (0, "0 files written, 0 failed"));
}

#[test]
fn python_regenerates_expectations_and_skips_aio_only_tests() {
    if python_missing() {
        return;
    }
    let t = Tree::new("python");
    t.file("p.aio", "print(6 * 7)\nraise KeyError('k')\n");
    t.file("p.out", "stale\n");
    t.file("mine.aio", "# aio-test: aio-only\nprint(1)\n");
    t.file("mine.out", "kept\n");
    let r = aio_test(&t.root, &["--python", "python3", "."]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.last_line(), "3 files written, 0 failed, 1 skipped");
    assert_eq!(t.read("p.out"), "42\n");
    assert_eq!(t.read("p.code"), "1\n");
    assert_eq!(
        t.read("p.err"),
        "Traceback (most recent call last):\n  File \"p.aio\", line 2, in <module>\n    \
         raise KeyError('k')\nKeyError: 'k'\n"
    );
    assert_eq!(t.read("mine.out"), "kept\n");
    // A zero exit removes .err and .code.
    t.file("p.aio", "print(1)\n");
    let r = aio_test(&t.root, &["--python", "python3", "p.aio"]);
    assert_eq!(r.last_line(), "1 file written, 2 removed, 0 failed");
    assert!(!t.root.join("p.err").exists() && !t.root.join("p.code").exists());
}

#[test]
fn timeout_kills_a_sleeping_test() {
    if python_missing() {
        return;
    }
    let t = Tree::new("timeout");
    t.file(
        "slow.aio",
        "import time\nprint('started', flush=True)\ntime.sleep(30)\n",
    );
    t.file("slow.out", "started\n");
    t.file("quick.aio", "print(1)\n");
    t.file("quick.out", "1\n");
    let start = Instant::now();
    let r = with_python(&t.root, &["--timeout", "2", "."]);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(15), "took {took:?}");
    assert!(took >= Duration::from_secs(2), "took {took:?}");
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("TIMEOUT slow.aio"), "{}", r.stdout);
    assert_eq!(r.last_line(), "1 passed, 1 failed");
}

#[test]
fn stderr_and_exit_status_are_compared_with_the_folder_stripped() {
    if python_missing() {
        return;
    }
    let t = Tree::new("err");
    let traceback =
        "Traceback (most recent call last):\n  File \"e.aio\", line 2, in <module>\n    \
                     raise ValueError('boom')\nValueError: boom\n";
    t.file("e.aio", "print('before')\nraise ValueError('boom')\n");
    t.file("e.out", "before\n");
    t.file("e.err", traceback);
    t.file("e.code", "1\n");
    let r = with_python(&t.root, &["."]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "1 passed, 0 failed\n"),
        "{}",
        r.stdout
    );

    // Through a symlinked folder, the logical path is stripped as well as the physical one.
    let link = std::env::temp_dir().join(format!("aio-runner-link-{}", std::process::id()));
    let _ = fs::remove_file(&link);
    if std::os::unix::fs::symlink(&t.root, &link).is_ok() {
        let r = with_python(&link, &["."]);
        let _ = fs::remove_file(&link);
        assert_eq!(r.stdout, "1 passed, 0 failed\n");
    }

    // Wrong expected stderr: a stderr diff.
    t.file("e.err", &traceback.replace("boom\n", "bang\n"));
    let r = with_python(&t.root, &["--color", "never", "."]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("stderr differs"), "{}", r.stdout);
    assert!(
        r.stdout.contains("-ValueError: bang\n+ValueError: boom\n"),
        "{}",
        r.stdout
    );

    // Wrong exit status.
    t.file("e.err", traceback);
    t.file("e.code", "2\n");
    let r = with_python(&t.root, &["."]);
    assert!(
        r.stdout.contains("exit status differs: expected 2, got 1"),
        "{}",
        r.stdout
    );

    // Without .err, stderr is not compared, but the status still is; stderr is shown.
    fs::remove_file(t.root.join("e.err")).expect("remove e.err");
    fs::remove_file(t.root.join("e.code")).expect("remove e.code");
    let r = with_python(&t.root, &["."]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("expected 0, got 1"), "{}", r.stdout);
    assert!(r.stdout.contains("ValueError: boom"), "{}", r.stdout);
}

#[test]
fn skip_directive_is_counted() {
    if python_missing() {
        return;
    }
    let t = Tree::new("skip");
    t.file(
        "s.aio",
        "# aio-test: skip needs sockets\nraise SystemExit(9)\n",
    );
    t.file("r.aio", "print(1)\n");
    t.file("r.out", "1\n");
    let r = with_python(&t.root, &["."]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "1 passed, 0 failed, 1 skipped\n")
    );
    let r = with_python(&t.root, &["-v", "."]);
    assert!(
        r.stdout.contains("skip s.aio: needs sockets\n"),
        "{}",
        r.stdout
    );
    // A misspelt directive fails rather than silently running or skipping.
    t.file("s.aio", "# aio-test: skpi needs sockets\n");
    let r = with_python(&t.root, &["."]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("unknown directive"), "{}", r.stdout);
}

#[test]
fn k_selects_by_path_substring() {
    if python_missing() {
        return;
    }
    let t = Tree::new("select");
    t.file("alpha/one.aio", "print(1)\n");
    t.file("alpha/one.out", "1\n");
    t.file("beta/two.aio", "print(2)\n");
    t.file("beta/two.out", "wrong\n");
    let r = with_python(&t.root, &["-v", "-k", "alpha", "."]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "ok alpha/one.aio\n1 passed, 0 failed\n")
    );
    let r = with_python(&t.root, &["-k", "nothing-matches", "."]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "0 passed, 0 failed\n"));
}

#[test]
fn list_prints_sorted_paths_without_running() {
    let t = Tree::new("list");
    t.file("z.aio", "raise SystemExit(1)\n");
    t.file("a/b.aio", "raise SystemExit(1)\n");
    t.file("a/notes.txt", "not a test\n");
    t.file("m.aio", "raise SystemExit(1)\n");
    let r = aio_test(&t.root, &["--list", "."]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "a/b.aio\nm.aio\nz.aio\n"));
    let r = aio_test(&t.root, &["--list", "-k", "a/", "."]);
    assert_eq!(r.stdout, "a/b.aio\n");
}

#[test]
fn output_order_is_sorted_whatever_the_parallelism() {
    if python_missing() {
        return;
    }
    let t = Tree::new("order");
    // Earlier paths take longer, so with 4 jobs they finish last.
    for i in 0..6 {
        let delay = 0.05 * f64::from(6 - i);
        t.file(
            &format!("t{i}.aio"),
            &format!("import time\ntime.sleep({delay})\nprint({i})\n"),
        );
        t.file(&format!("t{i}.out"), "wrong\n");
    }
    let r = with_python(&t.root, &["-j", "4", "."]);
    let fails: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    let expected: Vec<String> = (0..6).map(|i| format!("FAIL t{i}.aio")).collect();
    assert_eq!(fails, expected);
    assert_eq!(r.last_line(), "0 passed, 6 failed");
}

#[test]
fn large_outputs_on_both_streams() {
    if python_missing() {
        return;
    }
    let t = Tree::new("large");
    t.file(
        "big.aio",
        "import sys\nfor i in range(50000):\n    print('x' * 40)\n    print('y' * 40, file=sys.stderr)\n",
    );
    t.file("big.out", &format!("{}\n", "x".repeat(40)).repeat(50000));
    let r = with_python(&t.root, &["--timeout", "30", "."]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "1 passed, 0 failed\n"));
}

#[test]
fn virtual_time_sets_the_environment() {
    if python_missing() {
        return;
    }
    let t = Tree::new("vtime");
    t.file(
        "v.aio",
        "import os\nprint(os.environ.get('AIO_VIRTUAL_TIME'))\n",
    );
    t.file("v.out", "1\n");
    assert_eq!(with_python(&t.root, &["--virtual-time", "."]).code, 0);
    assert_eq!(with_python(&t.root, &["."]).code, 1);
}

#[test]
fn usage_errors_exit_two() {
    let t = Tree::new("usage");
    for args in [
        &["--no-such-option"][..],
        &["does-not-exist"],
        &["-j", "zero"],
        &["--color", "sometimes"],
        &["--interp", "no-such-interpreter-anywhere", "."],
    ] {
        let r = aio_test(&t.root, args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stdout);
        assert!(!r.stderr.is_empty(), "{args:?}: no message on stderr");
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
    let r = aio_test(&t.root, &["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("usage: aio test"), "{}", r.stdout);
}

#[test]
fn an_empty_tree_passes() {
    let t = Tree::new("empty");
    let r = aio_test(&t.root, &["."]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "0 passed, 0 failed\n"));
}

/// The example: a 60-second sleep and a 30-second `wait_for` timeout run by aio
/// itself under `--virtual-time` finish in far less than a second of real time, with the
/// output they print in real time (written out here as CPython prints it).
#[test]
fn virtual_time_skips_long_sleeps_with_the_same_output() {
    let t = Tree::new("vsleep");
    t.file(
        "long.aio",
        "import asyncio\n\
         \n\
         async def main():\n\
         \x20   loop = asyncio.get_running_loop()\n\
         \x20   t0 = loop.time()\n\
         \x20   await asyncio.sleep(60)\n\
         \x20   print('slept', round(loop.time() - t0))\n\
         \x20   try:\n\
         \x20       await asyncio.wait_for(asyncio.sleep(3600), timeout=30)\n\
         \x20   except TimeoutError:\n\
         \x20       print('timed out after', round(loop.time() - t0))\n\
         \n\
         asyncio.run(main())\n",
    );
    t.file("long.out", "slept 60\ntimed out after 90\n");
    let start = Instant::now();
    let r = aio_test(&t.root, &["--virtual-time", "."]);
    let took = start.elapsed();
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.last_line(), "1 passed, 0 failed");
    // Generous for a loaded machine; real time would be 90 s.
    assert!(took < Duration::from_secs(10), "took {took:?}");
}
