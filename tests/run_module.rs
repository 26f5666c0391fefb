//! `aio -m NAME`: a module or a package's `__main__` run as `__main__`, as CPython's
//! runpy does, with CPython's messages when there is none (expected outputs checked
//! against `python3 -m` on the same trees).

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// A temporary folder, removed on drop.
struct Tree(PathBuf);

impl Tree {
    fn new(name: &str) -> Tree {
        let root = std::env::temp_dir().join(format!("aio-m-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).expect("create temporary folder");
        Tree(root)
    }

    fn file(&self, rel: &str, content: &str) {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create folder");
        }
        fs::write(path, content).expect("write file");
    }

    fn aio(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_aio"))
            .args(args)
            .current_dir(&self.0)
            .stdin(Stdio::null())
            .output()
            .expect("run aio")
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn module_and_package_main_run_as_main() {
    let t = Tree::new("run");
    t.file(
        "mymod.py",
        "import sys\nprint(__name__, __package__ or None, sys.argv[1:], sys.argv[0].endswith('mymod.py'))\n",
    );
    t.file("tpk/__init__.py", "");
    t.file(
        "tpk/__main__.py",
        "print('pkg main', __name__, __package__)\nfrom . import helper\n",
    );
    t.file("tpk/helper.py", "print('helper', __name__)\n");
    let out = t.aio(&["-m", "mymod", "x", "y"]);
    assert_eq!(text(&out.stdout), "__main__ None ['x', 'y'] True\n");
    assert_eq!(out.status.code(), Some(0));
    let out = t.aio(&["-m", "tpk"]);
    assert_eq!(
        text(&out.stdout),
        "pkg main __main__ tpk\nhelper tpk.helper\n"
    );
}

#[test]
fn missing_modules_are_reported_as_cpython_does() {
    let t = Tree::new("missing");
    t.file("pp/__init__.py", "print('init')\n");
    for (args, message, stdout) in [
        (&["-m", "nonexist"][..], "No module named nonexist", ""),
        (
            &["-m", "nonexist.sub"][..],
            "Error while finding module specification for 'nonexist.sub' (ModuleNotFoundError: No module named 'nonexist')",
            "",
        ),
        (
            &["-m", "json"][..],
            "No module named json.__main__; 'json' is a package and cannot be directly executed",
            "",
        ),
        (
            &["-m", "pp"][..],
            "No module named pp.__main__; 'pp' is a package and cannot be directly executed",
            "init\n",
        ),
    ] {
        let out = t.aio(args);
        let err = text(&out.stderr);
        assert!(err.ends_with(&format!(": {message}\n")), "{args:?}: {err}");
        assert_eq!(text(&out.stdout), stdout, "{args:?}");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
}

#[test]
fn unittest_discovers_and_runs_tests() {
    let t = Tree::new("unittest");
    t.file(
        "test_x.py",
        "import unittest\nclass T(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(1, 1)\n    def test_b(self):\n        self.assertEqual(1, 2)\n",
    );
    let out = t.aio(&["-m", "unittest"]);
    let err = text(&out.stderr);
    assert!(err.starts_with(".F\n"), "{err}");
    assert!(err.contains("FAIL: test_b (test_x.T.test_b)"), "{err}");
    assert!(err.ends_with("FAILED (failures=1)\n"), "{err}");
    assert_eq!(out.status.code(), Some(1));
    let out = t.aio(&["-m", "unittest", "-h"]);
    assert!(text(&out.stdout).starts_with("usage: aio -m unittest [-h]"));
    assert_eq!(out.status.code(), Some(0));
}
