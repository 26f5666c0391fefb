//! Comparing what a test did with what its expected files say.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::discover::Test;
use super::process::Outcome;

/// The absolute forms of a test folder that may appear in its stderr (CPython prints the
/// script's absolute path in tracebacks): the physical path, and the logical one when the
/// folder was reached through a symlink.
#[derive(Clone, Debug)]
pub struct FolderNames {
    pub physical: PathBuf,
    pub logical: PathBuf,
}

impl FolderNames {
    /// `dir` relative to the current directory (or absolute).
    pub fn of(dir: &Path) -> io::Result<FolderNames> {
        let physical = fs::canonicalize(dir)?;
        let logical = normalize(&logical_cwd().join(dir));
        Ok(FolderNames { physical, logical })
    }

    /// Removes `<folder>/` from `stderr`, as the conformance scripts do: `File
    /// "/abs/dir/NAME.aio"` reads `File "NAME.aio"`.
    pub fn strip(&self, stderr: &[u8]) -> Vec<u8> {
        let mut prefixes = vec![with_slash(&self.physical), with_slash(&self.logical)];
        // The longer first, in case one contains the other.
        prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
        prefixes.dedup();
        let mut text = stderr.to_vec();
        for prefix in prefixes {
            text = replace_all(&text, &prefix);
        }
        text
    }
}

fn with_slash(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    let mut bytes = path.as_os_str().as_bytes().to_vec();
    bytes.push(b'/');
    bytes
}

fn replace_all(haystack: &[u8], needle: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(needle) {
            i += needle.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

/// The current directory as the shell that started us names it ($PWD), when that still is
/// the current directory; else the physical one.
fn logical_cwd() -> PathBuf {
    let physical = std::env::current_dir().unwrap_or_default();
    match std::env::var_os("PWD").map(PathBuf::from) {
        Some(pwd)
            if pwd.is_absolute()
                && fs::canonicalize(&pwd).ok() == fs::canonicalize(&physical).ok() =>
        {
            pwd
        }
        _ => physical,
    }
}

/// Lexically removes `.` and `name/..` (no symlink resolution: that is the point).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// What a test expects, read from its `.out`, `.err` and `.code` files.
#[derive(Debug, Default)]
pub struct Expected {
    /// `None` when `NAME.out` is missing.
    pub stdout: Option<Vec<u8>>,
    /// `None` when `NAME.err` is missing: stderr is then not compared.
    pub stderr: Option<Vec<u8>>,
    pub status: i32,
}

fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, String> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

impl Expected {
    pub fn read(test: &Test) -> Result<Expected, String> {
        let status = match read_optional(&test.sibling("code"))? {
            None => 0,
            Some(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                text.trim().parse().map_err(|_| {
                    format!(
                        "{}: not an exit status: {:?}",
                        test.sibling("code").display(),
                        text.trim()
                    )
                })?
            }
        };
        Ok(Expected {
            stdout: read_optional(&test.sibling("out"))?,
            stderr: read_optional(&test.sibling("err"))?,
            status,
        })
    }
}

/// One way in which a test's behaviour differs from its expectations.
#[derive(Debug, PartialEq, Eq)]
pub enum Mismatch {
    MissingOut,
    Stdout { expected: Vec<u8>, actual: Vec<u8> },
    Stderr { expected: Vec<u8>, actual: Vec<u8> },
    Status { expected: i32, actual: i32 },
}

/// Compares; an empty result means the test passed. `stderr` is already path-stripped.
pub fn compare(expected: &Expected, outcome: &Outcome, stderr: &[u8]) -> Vec<Mismatch> {
    let mut found = Vec::new();
    match &expected.stdout {
        None => found.push(Mismatch::MissingOut),
        Some(out) if *out != outcome.stdout => found.push(Mismatch::Stdout {
            expected: out.clone(),
            actual: outcome.stdout.clone(),
        }),
        Some(_) => {}
    }
    if let Some(err) = &expected.stderr {
        if err.as_slice() != stderr {
            found.push(Mismatch::Stderr {
                expected: err.clone(),
                actual: stderr.to_vec(),
            });
        }
    }
    if expected.status != outcome.status {
        found.push(Mismatch::Status {
            expected: expected.status,
            actual: outcome.status,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_both_folder_names() {
        let names = FolderNames {
            physical: PathBuf::from("/real/t"),
            logical: PathBuf::from("/link/t"),
        };
        let err = b"File \"/real/t/x.aio\", line 1\nFile \"/link/t/x.aio\"\n/real/tx\n";
        assert_eq!(
            names.strip(err),
            b"File \"x.aio\", line 1\nFile \"x.aio\"\n/real/tx\n".to_vec()
        );
    }

    #[test]
    fn lexical_normalization() {
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }

    #[test]
    fn comparison() {
        let expected = Expected {
            stdout: Some(b"a\n".to_vec()),
            stderr: None,
            status: 0,
        };
        let outcome = Outcome {
            stdout: b"a\n".to_vec(),
            stderr: b"anything".to_vec(),
            ..Outcome::default()
        };
        assert!(compare(&expected, &outcome, &outcome.stderr).is_empty());
        let outcome = Outcome {
            stdout: b"b\n".to_vec(),
            status: 1,
            ..Outcome::default()
        };
        let found = compare(&expected, &outcome, b"");
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[1],
            Mismatch::Status {
                expected: 0,
                actual: 1
            }
        );
    }
}
