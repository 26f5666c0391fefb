//! Finding tests: `NAME.aio` files under the given paths, and their first-line directives.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// One golden test: `dir/NAME.aio` with expectations in `dir/NAME.{out,err,code}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Test {
    /// The path shown to the user: the given path joined with the path found under it.
    pub path: PathBuf,
    /// The folder holding the test, as reachable from the current directory.
    pub dir: PathBuf,
    /// `NAME.aio`
    pub file_name: OsString,
}

impl Test {
    /// `dir/NAME.<ext>`, e.g. `sibling("out")` for the expected stdout.
    pub fn sibling(&self, ext: &str) -> PathBuf {
        self.path.with_extension(ext)
    }

    pub fn display(&self) -> String {
        self.path.display().to_string()
    }
}

/// What the first line of a test says about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Directive {
    None,
    /// `# aio-test: skip REASON`
    Skip(String),
    /// `# aio-test: aio-only`: expectations come from aio, not CPython.
    AioOnly,
}

const DIRECTIVE_PREFIX: &str = "# aio-test:";

/// Reads the directive on the first line of `source`. An unknown directive is an error, so a
/// typo cannot silently turn a skip into a run (or the reverse).
pub fn directive(source: &[u8]) -> Result<Directive, String> {
    let first = source.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    let Some(rest) = first.trim_end().strip_prefix(DIRECTIVE_PREFIX) else {
        return Ok(Directive::None);
    };
    let rest = rest.trim();
    let (word, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    match word {
        "skip" => Ok(Directive::Skip(reason.trim().to_owned())),
        "aio-only" if reason.trim().is_empty() => Ok(Directive::AioOnly),
        _ => Err(format!(
            "unknown directive {:?} (expected `{DIRECTIVE_PREFIX} skip REASON` or `{DIRECTIVE_PREFIX} aio-only`)",
            first.trim_end()
        )),
    }
}

fn is_test_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "aio")
}

/// `./a/b` → `a/b`; other paths unchanged (lexically, without touching the filesystem).
fn tidy(path: &Path) -> PathBuf {
    let mut parts = path.components().peekable();
    if parts.peek() == Some(&Component::CurDir) {
        parts.next();
        if parts.peek().is_some() {
            return parts.collect();
        }
        return PathBuf::from(".");
    }
    path.components().collect()
}

fn test_at(path: PathBuf) -> Option<Test> {
    let file_name = path.file_name()?.to_owned();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    Some(Test {
        path,
        dir,
        file_name,
    })
}

/// Collects `*.aio` files under `dir` recursively. Symlinked folders are not followed (as
/// `find` does not), so a link loop cannot hang discovery; symlinked files are tests.
fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if is_test_file(&path) && fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            found.push(path);
        }
    }
    Ok(())
}

/// Finds the tests under `paths` (files or folders), sorted by path, each file once.
/// An error (a path that does not exist, a file that is not `.aio`) is a usage error.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Test>, String> {
    let mut found = Vec::new();
    for given in paths {
        let meta =
            fs::metadata(given).map_err(|e| format!("{}: {}", given.display(), reason(&e)))?;
        if meta.is_dir() {
            walk(given, &mut found)?;
        } else if is_test_file(given) {
            found.push(given.clone());
        } else {
            return Err(format!("{}: not a .aio file or a folder", given.display()));
        }
    }
    let mut tests: Vec<Test> = found.iter().map(|p| tidy(p)).filter_map(test_at).collect();
    tests.sort_by(|a, b| a.path.cmp(&b.path));
    // The same file reached through two given paths runs once.
    let mut seen = HashSet::new();
    tests.retain(|t| seen.insert(fs::canonicalize(&t.path).unwrap_or_else(|_| t.path.clone())));
    Ok(tests)
}

fn reason(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        "no such file or folder".to_owned()
    } else {
        e.to_string()
    }
}

/// Keeps the tests whose path contains any of `patterns` (all tests when there are none).
pub fn select(tests: Vec<Test>, patterns: &[String]) -> Vec<Test> {
    if patterns.is_empty() {
        return tests;
    }
    tests
        .into_iter()
        .filter(|t| {
            let shown = t.display();
            patterns.iter().any(|p| shown.contains(p.as_str()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives() {
        assert_eq!(directive(b"print(1)\n"), Ok(Directive::None));
        assert_eq!(directive(b""), Ok(Directive::None));
        assert_eq!(
            directive(b"# aio-test: skip needs sockets\nprint(1)"),
            Ok(Directive::Skip("needs sockets".into()))
        );
        assert_eq!(
            directive(b"# aio-test: skip"),
            Ok(Directive::Skip(String::new()))
        );
        assert_eq!(
            directive(b"# aio-test: aio-only\r\n"),
            Ok(Directive::AioOnly)
        );
        assert!(directive(b"# aio-test: skpi typo").is_err());
        assert!(directive(b"# aio-test: aio-only and more").is_err());
        // Only the first line counts.
        assert_eq!(directive(b"\n# aio-test: skip x"), Ok(Directive::None));
    }

    #[test]
    fn tidy_drops_leading_dot() {
        assert_eq!(tidy(Path::new("./a/b.aio")), PathBuf::from("a/b.aio"));
        assert_eq!(tidy(Path::new("a/./b.aio")), PathBuf::from("a/b.aio"));
        assert_eq!(tidy(Path::new("tests/")), PathBuf::from("tests"));
    }

    #[test]
    fn selection_by_substring() {
        let tests: Vec<Test> = ["a/x.aio", "b/y.aio"]
            .iter()
            .filter_map(|p| test_at(PathBuf::from(p)))
            .collect();
        assert_eq!(select(tests.clone(), &[]).len(), 2);
        let picked = select(tests, &["b/".to_owned()]);
        assert_eq!(picked.len(), 1);
        assert_eq!(picked[0].dir, PathBuf::from("b"));
        assert_eq!(picked[0].file_name, OsString::from("y.aio"));
    }
}
