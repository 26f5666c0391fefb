//! Runs the project's own golden tests through `aio test` (DESIGN.md section 8), so
//! `cargo test` fails when any of them does.

use std::path::Path;
use std::process::Command;

/// Folders of golden tests, relative to the crate root. A folder that does not exist yet
/// (git keeps no empty folders) is left out rather than being a usage error.
const FOLDERS: &[&str] = &["tests/golden", "examples"];

#[test]
fn golden_tests_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let folders: Vec<&str> = FOLDERS
        .iter()
        .copied()
        .filter(|f| root.join(f).is_dir())
        .collect();
    assert!(!folders.is_empty(), "none of {FOLDERS:?} exists");
    let out = Command::new(env!("CARGO_BIN_EXE_aio"))
        .arg("test")
        .args(&folders)
        .current_dir(root)
        .output()
        .expect("run aio test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "aio test {} failed ({}):\n{stdout}{stderr}",
        folders.join(" "),
        out.status
    );
    println!("{stdout}");
}
