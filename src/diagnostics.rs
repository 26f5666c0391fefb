//! Syntax errors for people: on a terminal, a miette report with the source snippet, the
//! span underlined and a hint; otherwise (pipes, files, golden tests) CPython's exact text.
//! `NO_COLOR` and `--color` follow the usual conventions (DESIGN.md section 6).

use crate::bytecode::Source;
use crate::syntax::error::SyntaxError;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};
use std::io::IsTerminal;

/// When to use the rich report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug)]
struct Report {
    title: String,
    label: String,
    help: Option<String>,
    src: NamedSource<String>,
    span: SourceSpan,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_with_span(Some(self.label.clone()), self.span),
        )))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.clone()) as Box<dyn std::fmt::Display>)
    }
}

/// A short hint for common mistakes.
fn hint_for(msg: &str) -> Option<String> {
    let h = if msg.contains("was never closed") {
        "add the matching closing bracket"
    } else if msg.starts_with("expected ':'") {
        "compound statements (if, for, def, class, ...) end their first line with ':'"
    } else if msg.contains("unterminated string") {
        "close the string with the same quote it starts with"
    } else if msg.contains("indent") {
        "indent blocks consistently (4 spaces per level is the convention)"
    } else if msg.contains("inconsistent use of tabs") {
        "use spaces only (or tabs only) for indentation"
    } else {
        return None;
    };
    Some(h.to_string())
}

/// Whether the rich report should be used for stderr.
pub fn use_rich(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
        }
    }
}

/// Renders a syntax error as a miette report.
pub fn render_rich(e: &SyntaxError, source: &Source) -> String {
    let line = source.line_of(e.span.start);
    let col = source.char_col(e.span.start) + 1;
    let len = (e.span.end.saturating_sub(e.span.start) as usize).max(1);
    let report = Report {
        title: format!("{}: {}", e.kind.class_name(), e.msg),
        label: format!("line {line}, column {col}"),
        help: hint_for(&e.msg),
        src: NamedSource::new(source.name.clone(), source.text.clone()),
        span: SourceSpan::new(
            (e.span.start as usize).into(),
            len.min(source.text.len().saturating_sub(e.span.start as usize)),
        ),
    };
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode());
    if handler.render_report(&mut out, &report).is_err() {
        return format!("{}: {}\n", e.kind.class_name(), e.msg);
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
