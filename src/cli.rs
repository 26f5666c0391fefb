//! Command-line entry point: `aio FILE`, `aio -c CODE`, `aio test`, `--version`, `--help`.

/// Runs the command line and returns the process exit status.
pub fn main() -> i32 {
    // Arguments that are not valid UTF-8 are decoded lossily rather than panicking.
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match args.split_first() {
        Some((word, rest)) if word == "test" => crate::golden::main(rest),
        _ => 0,
    }
}
