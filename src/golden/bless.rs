//! Rewriting a test's expected files from an interpreter's output, with the rules of
//! `../shared/conformance/regen.sh`: `.out` is stdout, always; when the exit status is non-zero
//! `.code` holds it and `.err` holds stderr (with the folder's path stripped), and when it is
//! zero both are removed. Files whose content would not change are left untouched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::discover::Test;

/// The files one rewrite touched.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub written: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
}

fn write_if_changed(path: PathBuf, bytes: &[u8], changes: &mut Changes) -> io::Result<()> {
    if fs::read(&path).ok().as_deref() != Some(bytes) {
        fs::write(&path, bytes)?;
        changes.written.push(path);
    }
    Ok(())
}

fn remove_if_present(path: PathBuf, changes: &mut Changes) -> io::Result<()> {
    match fs::remove_file(&path) {
        Ok(()) => {
            changes.removed.push(path);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Makes `test`'s expectations say: stdout `stdout`, exit status `status`, stderr `stderr`
/// (already path-stripped).
pub fn rewrite(test: &Test, stdout: &[u8], stderr: &[u8], status: i32) -> io::Result<Changes> {
    let mut changes = Changes::default();
    write_if_changed(test.sibling("out"), stdout, &mut changes)?;
    if status != 0 {
        write_if_changed(
            test.sibling("code"),
            format!("{status}\n").as_bytes(),
            &mut changes,
        )?;
        write_if_changed(test.sibling("err"), stderr, &mut changes)?;
    } else {
        remove_if_present(test.sibling("code"), &mut changes)?;
        remove_if_present(test.sibling("err"), &mut changes)?;
    }
    Ok(changes)
}

/// `a/b/x.out` → `x.out`, for short messages.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    #[test]
    fn follows_regen_rules() -> io::Result<()> {
        let dir = std::env::temp_dir().join(format!("aio-bless-unit-{}", std::process::id()));
        fs::create_dir_all(&dir)?;
        let test = Test {
            path: dir.join("t.aio"),
            dir: dir.clone(),
            file_name: OsString::from("t.aio"),
        };
        let c = rewrite(&test, b"x\n", b"Traceback\n", 1)?;
        assert_eq!(c.written.len(), 3);
        assert_eq!(fs::read(dir.join("t.code"))?, b"1\n");
        assert_eq!(fs::read(dir.join("t.err"))?, b"Traceback\n");
        // Same again: nothing changes.
        assert_eq!(
            rewrite(&test, b"x\n", b"Traceback\n", 1)?,
            Changes::default()
        );
        let c = rewrite(&test, b"y\n", b"ignored", 0)?;
        assert_eq!(c.written, vec![dir.join("t.out")]);
        assert_eq!(c.removed, vec![dir.join("t.code"), dir.join("t.err")]);
        assert!(!dir.join("t.err").exists());
        fs::remove_dir_all(&dir)
    }
}
