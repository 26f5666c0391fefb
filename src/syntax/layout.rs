//! The layout pass: turns logos tokens into the parser's stream with NEWLINE / INDENT /
//! DEDENT, implicit line joining inside brackets, and CPython's tokenizer errors and limits.
//! It also remembers what the error mapper in parse.rs needs (open brackets at EOF, the
//! header line of the last block, `match` lines).

use std::collections::VecDeque;

use logos::{Logos, SpannedIter};

use super::ast::Span;
use super::error::{Columns, Origin, SyntaxError, SyntaxErrorKind};
use super::lexer::{invalid_char_msg, line_of, LexError};
use super::token::Tok;

pub type Spanned<'s> = Result<(usize, Tok<'s>, usize), SyntaxError>;

const MAX_PARENS: usize = 200;
const MAX_INDENT: usize = 100;

/// What kind of block header a logical line starts with (for "expected an indented block").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineHead {
    pub pos: usize,
    pub first: HeadKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadKind {
    Other,
    If,
    Elif,
    Else,
    For,
    While,
    With,
    Try,
    Except,
    ExceptStar,
    Finally,
    Def,
    Class,
    Async,
    Match,
    Case,
}

pub struct Layout<'s> {
    src: &'s str,
    base: usize,
    lexer: SpannedIter<'s, Tok<'s>>,
    /// Expression mode (eval, f-string fields): newlines and indentation are insignificant.
    expr_mode: bool,
    indents: Vec<(usize, usize)>,
    brackets: Vec<(char, usize)>,
    line_start: usize,
    line_has_tokens: bool,
    pending: VecDeque<Spanned<'s>>,
    /// Laid-out tokens read ahead by the `with (` check.
    ahead: VecDeque<Spanned<'s>>,
    done: bool,
    prev_was_with: bool,
    /// Where the last token logos produced ends (relative to `src`).
    raw_end: usize,
    // --- facts for error messages ---
    /// Innermost bracket still open at EOF.
    pub eof_open: Option<(char, usize)>,
    /// Head of the current logical line and of the last completed one.
    pub cur_head: LineHead,
    pub last_head: LineHead,
    /// Start of the last token handed out and of the one before it.
    pub last_tok: Option<(usize, usize)>,
    /// Span of the last token handed out (the parser's lookahead when an action fails).
    pub last_tok_span: Option<(usize, usize)>,
    pub prev_tok_ends_expr: bool,
    pub last_tok_ends_expr: bool,
    /// The token before the last was a `not` right after an operand (`a not b`: the
    /// parser fails at `b`, but the missing comma is before the `not`).
    pub prev_not_after_operand: bool,
    last_not_after_operand: bool,
    /// Set when a lexer error was produced (errors are final).
    pub lex_error: Option<SyntaxError>,
    /// Tokens handed out on the current logical line (for the `match` heuristic).
    pub line_tokens: usize,
    pub last_was_colon: bool,
    pub prev_was_colon: bool,
    /// The previous token if it was a name (for "Missing parentheses in call to 'print'").
    pub prev_name: Option<&'s str>,
    last_name: Option<&'s str>,
    /// `prev_name` came right after a unary `*` or `**` or a `.` (`f(*a=1)`, `a.b = 1`):
    /// it is no whole operand, so CPython suggests no '==' at a `=` after it.
    pub prev_name_in_operand: bool,
    last_name_in_operand: bool,
    /// The last token was a unary `*` or `**`, or a `.`.
    last_joins_name: bool,
    /// An f-string field: CPython parses it as if in parentheses.
    pub implicit_paren: bool,
    // --- soft keywords ---
    /// Indentation level as the parser sees it (INDENTs minus DEDENTs handed out).
    soft_depth: usize,
    /// The next token handed out starts a statement.
    at_stmt_start: bool,
    /// Indentation levels that hold the case blocks of an enclosing `match`.
    case_levels: Vec<usize>,
    /// A `match` header was handed out: its INDENT opens a case level.
    expect_case_block: bool,
    /// Span of the last `match` that started a statement as a plain name.
    pub match_name_at: Option<(usize, usize)>,
}

impl<'s> Layout<'s> {
    pub fn new(src: &'s str, base: usize, expr_mode: bool) -> Layout<'s> {
        let head = LineHead {
            pos: base,
            first: HeadKind::Other,
        };
        Layout {
            src,
            base,
            lexer: {
                let mut lex = Tok::lexer(src);
                // A UTF-8 byte order mark at the start is not part of the program.
                if src.starts_with('\u{FEFF}') {
                    lex.bump(3);
                }
                lex.spanned()
            },
            expr_mode,
            indents: vec![(0, 0)],
            brackets: Vec::new(),
            line_start: if src.starts_with('\u{FEFF}') { 3 } else { 0 },
            line_has_tokens: false,
            pending: VecDeque::new(),
            ahead: VecDeque::new(),
            done: false,
            prev_was_with: false,
            raw_end: 0,
            eof_open: None,
            cur_head: head,
            last_head: head,
            last_tok: None,
            last_tok_span: None,
            prev_tok_ends_expr: false,
            last_tok_ends_expr: false,
            prev_not_after_operand: false,
            last_not_after_operand: false,
            lex_error: None,
            line_tokens: 0,
            last_was_colon: false,
            prev_was_colon: false,
            prev_name: None,
            prev_name_in_operand: false,
            last_name_in_operand: false,
            last_joins_name: false,
            last_name: None,
            implicit_paren: false,
            soft_depth: 0,
            at_stmt_start: !expr_mode,
            case_levels: Vec::new(),
            expect_case_block: false,
            match_name_at: None,
        }
    }

    /// Offset added to every position (nonzero for f-string fields).
    pub fn base(&self) -> usize {
        self.base
    }

    /// The innermost open bracket, if any.
    pub fn innermost(&self) -> Option<char> {
        self.brackets.last().map(|b| b.0)
    }

    /// The innermost open bracket and its absolute position.
    pub fn innermost_open(&self) -> Option<(char, usize)> {
        self.brackets.last().copied()
    }

    /// Laying out an expression (eval input, an f-string field), not statements.
    pub fn expr_mode(&self) -> bool {
        self.expr_mode
    }

    /// Bracket nesting depth right now.
    pub fn depth(&self) -> usize {
        self.brackets.len()
    }

    fn err(
        &self,
        kind: SyntaxErrorKind,
        msg: impl Into<String>,
        start: usize,
        end: usize,
    ) -> SyntaxError {
        SyntaxError::new(kind, msg, Span::new(start + self.base, end + self.base))
    }

    /// Turns a logos error into CPython's message.
    fn lex_error(&self, e: LexError, span: std::ops::Range<usize>) -> SyntaxError {
        if let Some(mut e) = e.0 {
            e.span = Span::new(
                e.span.start as usize + self.base,
                e.span.end as usize + self.base,
            );
            return *e;
        }
        let rest = &self.src[span.start..];
        let Some(c) = rest.chars().next() else {
            return self.err(
                SyntaxErrorKind::SyntaxError,
                "invalid syntax",
                span.start,
                span.end,
            );
        };
        let k = SyntaxErrorKind::SyntaxError;
        match c {
            '\\' => {
                if rest[1..].trim_start_matches([' ', '\t', '\x0c']).is_empty() {
                    let at = span.start + 1;
                    let mut e = self
                        .err(k, "unexpected EOF while parsing", at, at)
                        .with_columns(Columns::NoEnd(-1));
                    e.incomplete = true;
                    e
                } else {
                    self.err(
                        k,
                        "unexpected character after line continuation character",
                        span.start + 1,
                        span.start + 1,
                    )
                    .with_columns(Columns::NoEnd(0))
                }
            }
            '\0' => self
                .err(
                    k,
                    "source code cannot contain null bytes",
                    span.start,
                    span.start,
                )
                .with_columns(Columns::Unknown),
            c if c.is_ascii() => self.err(k, "invalid syntax", span.start, span.start + 1),
            c => self
                .err(
                    k,
                    invalid_char_msg(c),
                    span.start,
                    span.start + c.len_utf8(),
                )
                .with_origin(Origin::Tokenizer)
                .with_columns(Columns::Point),
        }
    }

    fn tab_error(&self) -> SyntaxError {
        self.err(
            SyntaxErrorKind::TabError,
            "inconsistent use of tabs and spaces in indentation",
            self.line_start,
            self.line_start,
        )
        .with_columns(Columns::NoEnd(0))
    }

    /// Computes indentation of the first token of a line and queues INDENT/DEDENTs.
    fn indent(&mut self, tok_start: usize) -> Result<(), SyntaxError> {
        let (mut col, mut alt) = (0usize, 0usize);
        for b in self.src[self.line_start..tok_start].bytes() {
            match b {
                b' ' => {
                    col += 1;
                    alt += 1;
                }
                b'\t' => {
                    col = (col / 8 + 1) * 8;
                    alt += 1;
                }
                b'\x0c' => {
                    col = 0;
                    alt = 0;
                }
                // A continuation line (after a backslash) is not an indentation.
                _ => return Ok(()),
            }
        }
        let (top, top_alt) = self.indents.last().copied().unwrap_or((0, 0));

        let at = self.base + tok_start;
        if col == top {
            if alt != top_alt {
                return Err(self.tab_error());
            }
        } else if col > top {
            if alt <= top_alt {
                return Err(self.tab_error());
            }
            // CPython's stack holds level 0 too, and refuses to fill its last slot.
            if self.indents.len() >= MAX_INDENT {
                let at = self.line_start;
                return Err(self
                    .err(
                        SyntaxErrorKind::IndentationError,
                        "too many levels of indentation",
                        at,
                        at,
                    )
                    .with_columns(Columns::NoEnd(0)));
            }
            self.indents.push((col, alt));
            self.pending.push_back(Ok((at, Tok::Indent, at)));
        } else {
            while let Some(&(c, _)) = self.indents.last() {
                if col >= c {
                    break;
                }
                self.indents.pop();
                self.pending.push_back(Ok((at, Tok::Dedent, at)));
            }
            let (top, top_alt) = self.indents.last().copied().unwrap_or((0, 0));
            if col != top {
                let eol = self.src[tok_start..]
                    .find('\n')
                    .map_or(self.src.len(), |i| tok_start + i);
                return Err(self
                    .err(
                        SyntaxErrorKind::IndentationError,
                        "unindent does not match any outer indentation level",
                        eol,
                        eol,
                    )
                    .with_columns(Columns::NoEnd(-1)));
            }
            if alt != top_alt {
                return Err(self.tab_error());
            }
        }
        Ok(())
    }

    fn head_kind(&self, tok: &Tok<'s>) -> HeadKind {
        match tok {
            Tok::If => HeadKind::If,
            Tok::Elif => HeadKind::Elif,
            Tok::Else => HeadKind::Else,
            Tok::For => HeadKind::For,
            Tok::While => HeadKind::While,
            Tok::With => HeadKind::With,
            Tok::Try => HeadKind::Try,
            Tok::Except => HeadKind::Except,
            Tok::Finally => HeadKind::Finally,
            Tok::Def => HeadKind::Def,
            Tok::Class => HeadKind::Class,
            Tok::Async => HeadKind::Async,
            Tok::Match => HeadKind::Match,
            _ => HeadKind::Other,
        }
    }

    /// Where a comment ending the current line starts (`newline` is where the line
    /// ends): CPython's NEWLINE token then spans the comment, and errors located at that
    /// token underline it.
    fn trailing_comment(&self, newline: usize) -> Option<usize> {
        let from = self.last_tok_span.map_or(self.base, |t| t.1);
        let gap = self
            .src
            .get(from.checked_sub(self.base)?..newline.checked_sub(self.base)?)?;
        gap.find('#').map(|i| from + i)
    }

    /// The core layout step: the next laid-out token, before the `with (` rewrite.
    fn next_inner(&mut self) -> Option<Spanned<'s>> {
        loop {
            if let Some(t) = self.pending.pop_front() {
                return Some(t);
            }
            if self.done {
                return None;
            }
            let Some((res, span)) = self.lexer.next() else {
                if let Some(e) = self.continuation_at_end() {
                    self.done = true;
                    self.lex_error = Some(e.clone());
                    return Some(Err(e));
                }
                self.finish();
                continue;
            };
            self.raw_end = span.end;
            let tok = match res {
                Ok(t) => t,
                Err(e) => {
                    self.done = true;
                    let e = self.lex_error(e, span);
                    self.lex_error = Some(e.clone());
                    return Some(Err(e));
                }
            };
            let (start, end) = (span.start + self.base, span.end + self.base);
            if let Tok::Newline = tok {
                if self.expr_mode || !self.brackets.is_empty() {
                    continue;
                }
                self.line_start = span.end;
                if self.line_has_tokens {
                    self.line_has_tokens = false;
                    self.last_head = self.cur_head;
                    return Some(Ok(match self.trailing_comment(start) {
                        Some(hash) => (hash, Tok::Newline, start),
                        None => (start, Tok::Newline, end),
                    }));
                }
                continue;
            }
            if !self.line_has_tokens && !self.expr_mode {
                self.line_has_tokens = true;
                self.cur_head = LineHead {
                    pos: start,
                    first: self.head_kind(&tok),
                };
                self.line_tokens = 0;
                if let Err(e) = self.indent(span.start) {
                    return Some(Err(self.fail(e)));
                }
            } else if self.line_tokens == 1 && self.cur_head.first == HeadKind::Except {
                if let Tok::Star = tok {
                    self.cur_head.first = HeadKind::ExceptStar;
                }
            } else if self.line_tokens == 1 && self.cur_head.first == HeadKind::Async {
                self.cur_head.first = match tok {
                    Tok::Def => HeadKind::Def,
                    Tok::For => HeadKind::For,
                    Tok::With => HeadKind::With,
                    _ => HeadKind::Async,
                };
            }
            self.line_tokens += 1;
            if let Some(open) = tok.open_bracket() {
                if self.brackets.len() >= MAX_PARENS {
                    let e = self.err(
                        SyntaxErrorKind::SyntaxError,
                        "too many nested parentheses",
                        span.start,
                        span.end,
                    );
                    return Some(Err(self.fail(e)));
                }
                self.brackets.push((open, start));
            } else if let Some(close) = tok.close_bracket() {
                match self.brackets.pop() {
                    None => {
                        let e = self
                            .err(
                                SyntaxErrorKind::SyntaxError,
                                format!("unmatched '{close}'"),
                                span.start,
                                span.end,
                            )
                            .with_origin(Origin::Tokenizer)
                            .with_columns(Columns::Point);
                        return Some(Err(self.fail(e)));
                    }
                    Some((open, pos))
                        if !matches!((open, close), ('(', ')') | ('[', ']') | ('{', '}')) =>
                    {
                        let full = self.src_line_of(pos);
                        let here = self.src_line_of(start);
                        let msg = if full == here {
                            format!("closing parenthesis '{close}' does not match opening parenthesis '{open}'")
                        } else {
                            format!(
                                "closing parenthesis '{close}' does not match opening parenthesis '{open}' on line {full}"
                            )
                        };
                        let e = self
                            .err(SyntaxErrorKind::SyntaxError, msg, span.start, span.end)
                            .with_origin(Origin::Tokenizer)
                            .with_columns(Columns::Point);
                        return Some(Err(self.fail(e)));
                    }
                    Some(_) => {}
                }
            }
            // Most tokens need no INDENT/DEDENT before them: skip the queue.
            if self.pending.is_empty() {
                return Some(Ok((start, tok, end)));
            }
            self.pending.push_back(Ok((start, tok, end)));
        }
    }

    fn src_line_of(&self, abs: usize) -> usize {
        line_of(self.src, abs.saturating_sub(self.base))
    }

    fn fail(&mut self, e: SyntaxError) -> SyntaxError {
        self.done = true;
        self.pending.clear();
        self.lex_error = Some(e.clone());
        e
    }

    /// End of input: final NEWLINE and DEDENTs (none if a bracket is still open).
    /// A line continuation that ends the input (`x = 1 +\\` and a newline): CPython's
    /// tokenizer meets the end of the input where the next line should start.
    fn continuation_at_end(&self) -> Option<SyntaxError> {
        let body = self.src.strip_suffix('\n')?;
        let body = body.strip_suffix('\r').unwrap_or(body);
        let backslash = body.len().checked_sub(1)?;
        if !body.ends_with('\\') || backslash < self.raw_end || !self.brackets.is_empty() {
            return None;
        }
        let at = backslash + 1;
        let mut e = self
            .err(
                SyntaxErrorKind::SyntaxError,
                "unexpected EOF while parsing",
                at,
                at,
            )
            .with_columns(Columns::NoEnd(-1));
        e.incomplete = true;
        Some(e)
    }

    fn finish(&mut self) {
        self.done = true;
        let end = self.base + self.src.len();
        if let Some(&b) = self.brackets.last() {
            self.eof_open = Some(b);
            return;
        }
        if self.expr_mode {
            return;
        }
        if self.line_has_tokens {
            self.line_has_tokens = false;
            self.last_head = self.cur_head;
            let newline = match self.trailing_comment(end) {
                Some(hash) => (hash, Tok::Newline, end),
                None => (end, Tok::Newline, end),
            };
            self.pending.push_back(Ok(newline));
        }
        while self.indents.len() > 1 {
            self.indents.pop();
            self.pending.push_back(Ok((end, Tok::Dedent, end)));
        }
    }

    fn pull(&mut self) -> Option<Spanned<'s>> {
        self.ahead.pop_front().or_else(|| self.next_inner())
    }

    /// Reads tokens ahead until `ahead[i]` exists; false at the end of the input.
    fn look_ahead_to(&mut self, i: usize) -> bool {
        while self.ahead.len() <= i {
            match self.next_inner() {
                Some(t) => self.ahead.push_back(t),
                None => return false,
            }
        }
        true
    }

    /// `with (` ... `)` `:` is the parenthesized with-items form (CPython tries it first).
    fn rewrite_with_paren(&mut self) -> bool {
        let mut depth = 0usize;
        let mut i = 0;
        loop {
            if !self.look_ahead_to(i) {
                return false;
            }
            match &self.ahead[i] {
                Ok((_, t, _)) => {
                    if t.open_bracket().is_some() {
                        depth += 1;
                    } else if t.close_bracket().is_some() {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    } else if let Tok::Newline = t {
                        return false;
                    }
                }
                Err(_) => return false,
            }
            i += 1;
        }
        if !self.look_ahead_to(i + 1) {
            return false;
        }
        matches!(self.ahead.get(i + 1), Some(Ok((_, Tok::Colon, _))))
    }

    /// Is the `match` just pulled (pushed back as `ahead[0]`) the head of a match statement?
    /// As CPython's grammar: `match` subject `:` NEWLINE, the subject starting an expression.
    fn is_match_head(&mut self) -> bool {
        let mut i = 1;
        let mut prev_colon = false;
        loop {
            if !self.look_ahead_to(i) {
                return false;
            }
            match &self.ahead[i] {
                Ok((_, t, _)) => {
                    if i == 1
                        && !(t.starts_expr() || matches!(t, Tok::Minus | Tok::Plus | Tok::Star))
                    {
                        return false;
                    }
                    if let Tok::Newline = t {
                        return prev_colon && i > 2;
                    }
                    prev_colon = matches!(t, Tok::Colon);
                }
                Err(_) => return false,
            }
            i += 1;
        }
    }

    /// Turns the soft keywords `match` and `case` into keywords where they start a match
    /// statement or one of its case blocks, and tracks the indentation they depend on.
    fn soft_keywords(&mut self, item: Spanned<'s>) -> Spanned<'s> {
        let Ok((l, tok, r)) = item else {
            return item;
        };
        match tok {
            Tok::Newline => self.at_stmt_start = true,
            Tok::Indent => {
                self.soft_depth += 1;
                if std::mem::take(&mut self.expect_case_block) {
                    self.case_levels.push(self.soft_depth);
                }
            }
            Tok::Dedent => {
                self.soft_depth = self.soft_depth.saturating_sub(1);
                while self
                    .case_levels
                    .last()
                    .is_some_and(|&c| c > self.soft_depth)
                {
                    self.case_levels.pop();
                }
            }
            _ if self.at_stmt_start => {
                self.at_stmt_start = false;
                self.expect_case_block = false;
                match tok {
                    Tok::Name("match") => {
                        self.ahead.push_front(Ok((l, Tok::Name("match"), r)));
                        let yes = self.is_match_head();
                        self.ahead.pop_front();
                        if yes {
                            self.expect_case_block = true;
                            self.cur_head.first = HeadKind::Match;
                            if self.last_head.pos == l {
                                self.last_head.first = HeadKind::Match;
                            }
                            return Ok((l, Tok::Match, r));
                        }
                        self.match_name_at = Some((l, r));
                    }
                    Tok::Name("case") if self.case_levels.last() == Some(&self.soft_depth) => {
                        self.cur_head.first = HeadKind::Case;
                        return Ok((l, Tok::Case, r));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        Ok((l, tok, r))
    }
}

impl<'s> Iterator for Layout<'s> {
    type Item = Spanned<'s>;

    fn next(&mut self) -> Option<Spanned<'s>> {
        let mut item = self.pull()?;
        if let Ok((l, tok, r)) = &mut item {
            if self.prev_was_with && matches!(tok, Tok::LPar) {
                let (l, r) = (*l, *r);
                self.ahead.push_front(Ok((l, Tok::LPar, r)));
                let yes = self.rewrite_with_paren();
                let first = self.ahead.pop_front();
                item = match first {
                    Some(Ok((l, _, r))) if yes => Ok((l, Tok::WithLPar, r)),
                    Some(x) => x,
                    None => return None,
                };
            }
        }
        if !self.expr_mode {
            item = self.soft_keywords(item);
        }
        if let Ok((l, tok, r)) = &item {
            self.last_tok_span = Some((*l, *r));
            self.prev_was_with = matches!(tok, Tok::With);
            self.prev_not_after_operand = self.last_not_after_operand;
            self.last_not_after_operand = matches!(tok, Tok::Not) && self.last_tok_ends_expr;
            self.prev_tok_ends_expr = self.last_tok_ends_expr;
            let joins_name = matches!(tok, Tok::Dot)
                || (matches!(tok, Tok::Star | Tok::DStar) && !self.last_tok_ends_expr);
            self.last_tok_ends_expr = tok.ends_expr();
            self.last_tok = Some((*l, self.last_tok.map_or(*l, |t| t.0)));
            self.prev_was_colon = self.last_was_colon;
            self.prev_name = self.last_name;
            self.prev_name_in_operand = self.last_name_in_operand;
            self.last_name = match tok {
                Tok::Name(n) => Some(n),
                _ => None,
            };
            self.last_name_in_operand = self.last_name.is_some() && self.last_joins_name;
            self.last_joins_name = joins_name;
            self.last_was_colon = matches!(tok, Tok::Colon);
        }
        Some(item)
    }
}
