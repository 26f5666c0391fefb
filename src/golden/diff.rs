//! Unified diffs of expected vs actual output, optionally coloured.
//!
//! The line diff itself comes from the `similar` crate (Myers' algorithm with a deadline, so a
//! pathological pair of outputs cannot stall the runner); this file only renders it.

use std::fmt::Write as _;
use std::time::Duration;

use similar::udiff::UnifiedHunkHeader;
use similar::{ChangeTag, TextDiff};

/// Lines of unchanged context around each change.
const CONTEXT: usize = 3;
/// Diff lines shown per stream before the rest is summarized.
const MAX_LINES: usize = 200;
/// Time given to the diff algorithm before it settles for a coarser (still correct) diff.
const DIFF_DEADLINE: Duration = Duration::from_millis(500);

/// ANSI styling, or none.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    pub fn red(self, text: &str) -> String {
        self.paint("31", text)
    }
    pub fn green(self, text: &str) -> String {
        self.paint("32", text)
    }
    pub fn cyan(self, text: &str) -> String {
        self.paint("36", text)
    }
    pub fn yellow(self, text: &str) -> String {
        self.paint("33", text)
    }
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
    pub fn bold_red(self, text: &str) -> String {
        self.paint("1;31", text)
    }
}

/// Renders `--- expected` / `+++ actual` and the hunks, every line ending in a newline.
pub fn unified(expected: &[u8], actual: &[u8], style: Style) -> String {
    let old = String::from_utf8_lossy(expected);
    let new = String::from_utf8_lossy(actual);
    let mut out = String::new();
    out.push_str(&style.red("--- expected"));
    out.push('\n');
    out.push_str(&style.green("+++ actual"));
    out.push('\n');
    if old == new {
        // Equal after lossy decoding, so they differ in invalid UTF-8 bytes.
        let _ = writeln!(
            out,
            "(the outputs differ only in bytes that are not valid UTF-8: {} vs {} bytes)",
            expected.len(),
            actual.len()
        );
        return out;
    }
    let diff = TextDiff::configure()
        .timeout(DIFF_DEADLINE)
        .diff_lines(old.as_ref(), new.as_ref());
    let mut shown = 0;
    let mut hidden = 0;
    for group in diff.grouped_ops(CONTEXT) {
        if group.is_empty() {
            continue;
        }
        if shown < MAX_LINES {
            out.push_str(&style.cyan(&UnifiedHunkHeader::new(&group).to_string()));
            out.push('\n');
        }
        for op in &group {
            for change in diff.iter_changes(op) {
                if shown >= MAX_LINES {
                    hidden += 1;
                    continue;
                }
                shown += 1;
                let line = change.value();
                let text = line.strip_suffix('\n').unwrap_or(line);
                let text = text
                    .strip_suffix('\r')
                    .map_or(text.to_owned(), |t| format!("{t}\\r"));
                let painted = match change.tag() {
                    ChangeTag::Delete => style.red(&format!("-{text}")),
                    ChangeTag::Insert => style.green(&format!("+{text}")),
                    ChangeTag::Equal => format!(" {text}"),
                };
                out.push_str(&painted);
                out.push('\n');
                if change.missing_newline() {
                    out.push_str("\\ No newline at end of file\n");
                }
            }
        }
    }
    if hidden > 0 {
        let _ = writeln!(out, "... {hidden} more diff lines not shown");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Style = Style { color: false };

    #[test]
    fn shows_changed_lines_with_context() {
        let d = unified(b"1\n2\n3\nb\n5\n", b"1\n2\n3\na\n5\n", PLAIN);
        assert_eq!(
            d,
            "--- expected\n+++ actual\n@@ -1,5 +1,5 @@\n 1\n 2\n 3\n-b\n+a\n 5\n"
        );
    }

    #[test]
    fn missing_trailing_newline_is_visible() {
        let d = unified(b"a\n", b"a", PLAIN);
        assert!(d.contains("-a\n+a\n\\ No newline at end of file\n"), "{d}");
    }

    #[test]
    fn colour_only_when_asked() {
        let d = unified(b"b\n", b"a\n", Style { color: true });
        assert!(d.contains("\x1b[31m-b\x1b[0m"), "{d:?}");
        assert!(d.contains("\x1b[32m+a\x1b[0m"), "{d:?}");
        assert!(!unified(b"b\n", b"a\n", PLAIN).contains('\x1b'));
    }

    #[test]
    fn long_diffs_are_cut() {
        let many: String = (0..1000).map(|i| format!("{i}\n")).collect();
        let d = unified(many.as_bytes(), b"", PLAIN);
        assert!(
            d.contains("800 more diff lines not shown"),
            "{}",
            &d[d.len() - 100..]
        );
    }

    #[test]
    fn invalid_utf8_difference_is_explained() {
        let d = unified(b"\xff\n", b"\xfe\n", PLAIN);
        assert!(d.contains("not valid UTF-8"));
    }
}
