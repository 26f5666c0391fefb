//! A source text with its file name and a line index, shared by every code object compiled
//! from it (tracebacks print its lines; SyntaxError reports point into it).

#[derive(Debug)]
pub struct Source {
    /// As shown in tracebacks: the path given on the command line, `<string>`, `<stdin>` ...
    pub name: String,
    pub text: String,
    /// Byte offset where each line starts.
    line_starts: Vec<u32>,
    /// Read from a file (a script, a module), not given as a string (`-c`, `compile()`):
    /// CPython's parser then reports SyntaxError columns in bytes.
    pub from_file: bool,
    /// Read as file input, whose tokenizer ends an unterminated last line with a newline
    /// (CPython quotes such a line in a SyntaxError with one); eval and 'single' input is
    /// quoted as it is.
    pub newline_implied: bool,
    /// The main script, which CPython's tokenizer reads from a FILE stream rather than a
    /// string: an error at the end of the input gets column 0 there.
    pub script_stream: bool,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        let text = text.into();
        let mut line_starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        Source {
            name: name.into(),
            text,
            line_starts,
            from_file: false,
            newline_implied: true,
            script_stream: false,
        }
    }

    /// A source compiled in eval or 'single' mode (see `newline_implied`).
    pub fn without_implied_newline(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            newline_implied: false,
            ..Source::new(name, text)
        }
    }

    /// Whether 1-based line `line` is followed by a line terminator in the text.
    pub fn line_terminated(&self, line: u32) -> bool {
        self.text
            .get(self.line_start(line)..)
            .is_some_and(|rest| rest.contains('\n'))
    }

    /// Whether anything (even an empty line) follows 1-based line `line`'s terminator.
    pub fn has_line_after(&self, line: u32) -> bool {
        self.line_starts
            .get(line as usize)
            .is_some_and(|&next| (next as usize) < self.text.len())
    }

    /// A source read from a file.
    pub fn from_file(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            from_file: true,
            ..Source::new(name, text)
        }
    }

    /// The main script (see `script_stream`).
    pub fn script(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source {
            script_stream: true,
            ..Source::from_file(name, text)
        }
    }

    /// 1-based line number containing byte `offset`.
    pub fn line_of(&self, offset: u32) -> u32 {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// Byte offset where 1-based line `line` starts.
    pub fn line_start(&self, line: u32) -> usize {
        let idx = (line.max(1) - 1) as usize;
        self.line_starts
            .get(idx)
            .map(|&s| s as usize)
            .unwrap_or(self.text.len())
    }

    /// The text of 1-based line `line`, without its line terminator.
    pub fn line_text(&self, line: u32) -> &str {
        let start = self.line_start(line).min(self.text.len());
        let rest = &self.text[start..];
        let end = rest.find('\n').unwrap_or(rest.len());
        rest[..end].trim_end_matches('\r')
    }

    /// 0-based column of `offset` in characters (CPython counts UTF-8 bytes for `col_offset`
    /// but characters when printing carets; callers pick what they need).
    pub fn char_col(&self, offset: u32) -> usize {
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let end = (offset as usize).min(self.text.len());
        self.text.get(start..end).map_or(0, |s| s.chars().count())
    }

    /// 0-based column of `offset` in UTF-8 bytes.
    pub fn byte_col(&self, offset: u32) -> usize {
        let start = self.line_start(self.line_of(offset));
        (offset as usize).min(self.text.len()).saturating_sub(start)
    }

    pub fn line_count(&self) -> u32 {
        self.line_starts.len() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let s = Source::new("x", "ab\ncdé\n\nz");
        assert_eq!(s.line_of(0), 1);
        assert_eq!(s.line_of(2), 1);
        assert_eq!(s.line_of(3), 2);
        assert_eq!(s.line_text(2), "cdé");
        assert_eq!(s.line_text(3), "");
        assert_eq!(s.line_text(4), "z");
        assert_eq!(s.char_col(7), 3);
    }
}
