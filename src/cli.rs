//! Command-line entry point: `aio FILE`, `aio -c CODE`, `aio test`, `--version`, `--help`.

/// Runs the command line and returns the process exit status.
pub fn main() -> i32 {
    0
}
