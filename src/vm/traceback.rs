//! Tracebacks: CPython 3.11's printed format (`File "...", line N, in f`, the source line,
//! `^^^^`/`~~^^~~` carets, chained exceptions), and `__traceback__`.

use super::class::as_class;
use super::errors::PyResult;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::exception::{TbEntry, Traceback};
use crate::obj::Obj;
use crate::obj::TracebackObj;
use crate::syntax::ast::{ExprKind, StmtKind};

/// CPython prints at most this many identical consecutive frames before summarizing.
const RECURSIVE_CUTOFF: usize = 3;

/// `exc.__traceback__`: None when the exception was never raised. Raising records native
/// entries only; the `traceback` objects are built here, once per entry, and linked in
/// front of the ones built before, so repeated reads return the same objects.
pub fn traceback_value(exc: &ObjRef) -> Value {
    let Obj::Exception(e) = &**exc else {
        return Value::None;
    };
    let mut tb = e.traceback.borrow_mut();
    for entry in std::mem::take(&mut tb.pending) {
        let next = std::mem::replace(&mut tb.head, Value::None);
        tb.head = Value::obj(Obj::Traceback(TracebackObj {
            frame: entry.frame,
            lasti: entry.pc,
            next: std::cell::RefCell::new(next),
        }));
    }
    tb.head.clone()
}

fn is_traceback(v: &Value) -> bool {
    matches!(v, Value::Obj(o) if matches!(&**o, Obj::Traceback(_)))
}

/// `exc.__traceback__ = tb` / `exc.with_traceback(tb)`.
pub fn set_traceback(exc: &ObjRef, tb: &Value) -> PyResult<()> {
    if let Obj::Exception(e) = &**exc {
        if tb.is_none() || is_traceback(tb) {
            let mut t = e.traceback.borrow_mut();
            let old = std::mem::replace(
                &mut *t,
                Traceback {
                    head: tb.clone(),
                    pending: Vec::new(),
                },
            );
            drop(t);
            drop(old);
            return Ok(());
        }
    }
    Err(super::errors::type_error(
        "__traceback__ must be a traceback or None",
    ))
}

/// Attributes of traceback objects.
pub fn traceback_attr(tb: &TracebackObj, name: &str) -> Option<Value> {
    let code = match &*tb.frame {
        Obj::Frame(f) => f.code.clone(),
        _ => return None,
    };
    Some(match name {
        "tb_frame" => Value::Obj(tb.frame.clone()),
        "tb_next" => tb.next.borrow().clone(),
        "tb_lineno" => Value::Int(code.code.line_of(tb.lasti as usize) as i64),
        // Instruction indices, not CPython's byte offsets: aio's bytecode differs.
        "tb_lasti" => Value::Int(tb.lasti as i64 * 2),
        _ => return None,
    })
}

/// `tb.tb_next = value`: a traceback or None, without making a loop.
pub fn set_tb_next(vm: &Vm, tb: &ObjRef, value: &Value) -> PyResult<()> {
    let Obj::Traceback(t) = &**tb else {
        return Ok(());
    };
    if !value.is_none() && !is_traceback(value) {
        return Err(super::errors::type_error(format!(
            "expected traceback object, got '{}'",
            vm.type_name(value)
        )));
    }
    let mut cur = value.clone();
    while let Value::Obj(o) = &cur {
        if o.is(tb) {
            return Err(super::errors::exc(
                super::types::ExcKind::ValueError,
                "traceback loop detected",
            ));
        }
        let next = match &**o {
            Obj::Traceback(n) => n.next.borrow().clone(),
            _ => Value::None,
        };
        cur = next;
    }
    let old = std::mem::replace(&mut *t.next.borrow_mut(), value.clone());
    drop(old);
    Ok(())
}

fn byte_to_char(line: &str, byte: usize) -> usize {
    let b = byte.min(line.len());
    String::from_utf8_lossy(&line.as_bytes()[..b])
        .chars()
        .count()
}

/// The source lines of pseudo-files (`<timeit-src>`) that the `traceback` module finds
/// in `linecache.cache`, by file name; empty for an uncaught exception, whose printer
/// (CPython's C one) reads only real files.
pub type PseudoFileLines = std::collections::HashMap<String, Vec<String>>;

/// Formats one frame's lines.
fn format_frame(out: &mut String, entry: &TbEntry, pseudo_lines: &PseudoFileLines) {
    let code = &entry.code.code;
    let pc = entry.pc as usize;
    // Past the instructions means "before the first one" (thrown into an unstarted
    // generator): CPython shows the `def` line, without markers.
    let before_first = code.spans.get(pc).is_none();
    let span = code.spans.get(pc).copied().unwrap_or(code.def_span);
    let src = &code.source;
    let lineno = src.line_of(span.start);
    out.push_str(&format!(
        "  File \"{}\", line {}, in {}\n",
        src.name, lineno, code.name
    ));
    // CPython reads source lines from the file (linecache): code compiled from a string
    // (`-c`, `exec`, `<stdin>`) names a pseudo-file and shows none, unless the traceback
    // module finds its lines in linecache's cache.
    let from_linecache = src.name.starts_with('<') && src.name.ends_with('>');
    let line = if from_linecache {
        let cached = pseudo_lines
            .get(&*src.name)
            .and_then(|lines| lines.get((lineno as usize).checked_sub(1)?));
        match cached {
            Some(line) => line.as_str(),
            None => return,
        }
    } else {
        src.line_text(lineno)
    };
    let stripped = line.trim();
    if stripped.is_empty() {
        return;
    }
    out.push_str(&format!("    {stripped}\n"));
    if before_first {
        return;
    }
    let end_lineno = src.line_of(span.end.max(span.start));
    let line_start = src.line_start(lineno);
    let colno = (span.start as usize).saturating_sub(line_start);
    let end_col = (span.end as usize).saturating_sub(src.line_start(end_lineno));
    let stripped_chars = line.chars().count() - line.trim_start().chars().count();
    let start_offset = byte_to_char(line, colno);
    let mut end_offset = byte_to_char(line, end_col);
    let mut anchors = None;
    if lineno == end_lineno {
        let seg: String = line
            .chars()
            .skip(start_offset)
            .take(end_offset.saturating_sub(start_offset))
            .collect();
        anchors = caret_anchors(&seg);
    } else {
        end_offset = line.trim_end().chars().count();
    }
    // CPython's traceback module (StackSummary.format_frame_summary) indents the markers
    // by the column plus one, less the whitespace stripped from both ends of linecache's
    // line, its newline included; a line stored without its newline (timeit's) thus gets
    // its markers one column to the right.
    let indent = if from_linecache {
        (start_offset + 1).saturating_sub(line.chars().count() - stripped.chars().count())
    } else {
        start_offset.saturating_sub(stripped_chars)
    };
    let show = end_offset.saturating_sub(start_offset) < stripped.chars().count()
        || anchors.is_some_and(|(l, r)| r > l);
    if !show || end_offset <= start_offset {
        return;
    }
    out.push_str("    ");
    out.push_str(&" ".repeat(indent));
    match anchors {
        Some((l, r)) => {
            out.push_str(&"~".repeat(l));
            out.push_str(&"^".repeat(r.saturating_sub(l)));
            out.push_str(&"~".repeat((end_offset - start_offset).saturating_sub(r)));
        }
        None => out.push_str(&"^".repeat(end_offset - start_offset)),
    }
    out.push('\n');
}

/// CPython's `_extract_caret_anchors_from_line_segment`: for a binary operation the
/// operator, for a subscript the `[...]` part (character offsets into `seg`).
pub(crate) fn caret_anchors(seg: &str) -> Option<(usize, usize)> {
    let module = crate::syntax::parse_module(seg).ok()?;
    if module.body.len() != 1 {
        return None;
    }
    let StmtKind::Expr(expr) = &module.body[0].kind else {
        return None;
    };
    let bytes = seg.as_bytes();
    match &expr.kind {
        ExprKind::BinOp { left, right, .. } => {
            // CPython's C version (traceback.c): the first operator character after the
            // left operand, past spaces and its closing parentheses; two characters for a
            // two-character operator. Byte offsets, as there.
            let (mut left_anchor, mut right_anchor) = (0, 0);
            let (from, to) = (left.span.end as usize, right.span.start as usize);
            for i in from..to.min(bytes.len()) {
                if bytes[i].is_ascii_whitespace() {
                    continue;
                }
                left_anchor = i;
                right_anchor = i + 1;
                if i + 1 < to && bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace()) {
                    right_anchor += 1;
                }
                if !matches!(bytes[i], b')' | b'#') {
                    break;
                }
            }
            Some((
                byte_to_char(seg, left_anchor),
                byte_to_char(seg, right_anchor),
            ))
        }
        ExprKind::Subscript { value, index } => {
            // From the `[` to just past the `]`, whatever parentheses or spaces surround the
            // value and the index.
            let mut left_anchor = value.span.end as usize;
            let mut right_anchor = index.span.end as usize + 1;
            while bytes.get(left_anchor).is_some_and(|&b| b != b'[') {
                left_anchor += 1;
            }
            while bytes.get(right_anchor).is_some_and(|&b| b != b']') {
                right_anchor += 1;
            }
            if right_anchor < bytes.len() {
                right_anchor += 1;
            }
            Some((
                byte_to_char(seg, left_anchor),
                byte_to_char(seg, right_anchor),
            ))
        }
        _ => None,
    }
}

/// How `format_chain` formats an exception and its chain (`traceback.format_exception`).
#[derive(Clone, Copy)]
struct ChainOptions {
    chain: bool,
    limit: Option<i64>,
    style: SyntaxTextStyle,
}

/// Who shows a SyntaxError's source line: the interpreter (CPython's C printer) or the
/// traceback module, whose caret rules differ for spans over several lines, leading tabs
/// and IndentationError.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SyntaxTextStyle {
    #[default]
    Interpreter,
    TracebackModule,
}

/// CPython's limits for printing exception groups (`TracebackException`).
const MAX_GROUP_WIDTH: usize = 15;
const MAX_GROUP_DEPTH: usize = 10;

/// The pieces of a traceback being printed, and where an exception group's box is
/// (CPython's `_ExceptionPrintContext`).
struct Printer {
    out: Vec<String>,
    seen: Vec<Value>,
    opts: ChainOptions,
    /// Nesting inside exception groups: each level indents by two and adds a margin.
    depth: usize,
    need_close: bool,
    pseudo_lines: PseudoFileLines,
}

impl Printer {
    fn indent(&self) -> String {
        " ".repeat(2 * self.depth)
    }

    /// Adds `text` with every line indented for the current group depth, behind
    /// `margin` (`|`, or `+` on a top-level group's first line).
    fn emit(&mut self, text: &str, margin: char) {
        if self.depth == 0 {
            self.out.push(text.to_string());
            return;
        }
        let prefix = format!("{}{margin} ", self.indent());
        let mut s = String::with_capacity(text.len() + 8);
        for line in text.split_inclusive('\n') {
            s.push_str(&prefix);
            s.push_str(line);
        }
        self.out.push(s);
    }
}

impl Vm {
    /// The full text CPython prints for an uncaught exception, chained exceptions included.
    pub fn format_exception(&mut self, e: &Value) -> String {
        self.format_exception_with(e, true, None)
    }

    /// `traceback.format_exception(e, limit=, chain=)` joined: without the causes and
    /// contexts when `chain` is false, and with at most `limit` frames per exception
    /// (the oldest ones; the newest `-limit` when negative).
    pub fn format_exception_with(&mut self, e: &Value, chain: bool, limit: Option<i64>) -> String {
        self.format_exception_chunks(
            e,
            chain,
            limit,
            None,
            PseudoFileLines::new(),
            SyntaxTextStyle::Interpreter,
        )
        .concat()
    }

    /// The same text in the pieces `traceback.format_exception` lists: the header, one
    /// per frame, the chaining messages, the exception's own line(s). With `tb`, `e`'s
    /// frames are those of that traceback chain (none for None: `format_exception(type,
    /// value, tb)`) instead of `e.__traceback__`; its cause's and context's stay their own.
    /// Frames in pseudo-files show their line from `pseudo_lines`.
    pub fn format_exception_chunks(
        &mut self,
        e: &Value,
        chain: bool,
        limit: Option<i64>,
        tb: Option<&Value>,
        pseudo_lines: PseudoFileLines,
        style: SyntaxTextStyle,
    ) -> Vec<String> {
        let mut p = Printer {
            out: Vec::new(),
            seen: Vec::new(),
            opts: ChainOptions {
                chain,
                limit,
                style,
            },
            depth: 0,
            need_close: false,
            pseudo_lines,
        };
        self.format_chain(e, &mut p, tb);
        p.out
    }

    /// `traceback.format_exception_only(e)`: a SyntaxError's source lines one by one,
    /// then the message.
    pub fn format_exception_only_chunks(
        &mut self,
        e: &Value,
        style: SyntaxTextStyle,
    ) -> Vec<String> {
        let block = self.syntax_error_block(e, style).unwrap_or_default();
        let text = self.exception_line_with(e, Some(&block));
        let mut out: Vec<String> = block.split_inclusive('\n').map(str::to_string).collect();
        out.push(text.get(block.len()..).unwrap_or_default().to_string());
        // Each line of each note is a chunk of its own, as CPython yields them.
        out.extend(self.note_lines(e));
        out
    }

    /// Formats `e` after its cause or context (when chained), as CPython's
    /// `TracebackException.format`: an exception group as a boxed, indented tree of its
    /// sub-exceptions. `given_tb` stands for `e.__traceback__` (see
    /// `format_exception_chunks`).
    fn format_chain(&mut self, e: &Value, p: &mut Printer, given_tb: Option<&Value>) {
        p.seen.push(e.clone());
        let Value::Obj(o) = e else { return };
        let Obj::Exception(x) = &**o else {
            p.emit(&format!("{}\n", self.repr(e).unwrap_or_default()), '|');
            return;
        };
        let (cause, context) = if p.opts.chain {
            (x.cause.borrow().clone(), x.context.borrow().clone())
        } else {
            (Value::None, Value::None)
        };
        if !cause.is_none() && !p.seen.iter().any(|s| s.is(&cause)) {
            self.format_chain(&cause, p, None);
            p.emit(
                "\nThe above exception was the direct cause of the following exception:\n\n",
                '|',
            );
        } else if !context.is_none()
            && !x.suppress_context.get()
            && !p.seen.iter().any(|s| s.is(&context))
        {
            self.format_chain(&context, p, None);
            p.emit(
                "\nDuring handling of the above exception, another exception occurred:\n\n",
                '|',
            );
        }
        let mut tb = match given_tb {
            None => x.traceback.borrow().entries(),
            Some(head) => Traceback {
                head: head.clone(),
                pending: Vec::new(),
            }
            .entries(),
        };
        if let Some(n) = p.opts.limit {
            // `tb` is newest first; the limit counts from the oldest.
            let keep = n.unsigned_abs().min(tb.len() as u64) as usize;
            if n >= 0 {
                tb.drain(..tb.len() - keep);
            } else {
                tb.truncate(keep);
            }
        }
        let group = self.group_members(e);
        let Some(members) = group else {
            self.emit_traceback_and_message(e, p, &tb, "Traceback", '|');
            return;
        };
        if p.depth > MAX_GROUP_DEPTH {
            p.emit(
                &format!("... (max_group_depth is {MAX_GROUP_DEPTH})\n"),
                '|',
            );
            return;
        }
        let toplevel = p.depth == 0;
        if toplevel {
            p.depth += 1;
        }
        let margin = if toplevel { '+' } else { '|' };
        self.emit_traceback_and_message(e, p, &tb, "Exception Group Traceback", margin);
        let n = members.len().min(MAX_GROUP_WIDTH + 1);
        p.need_close = false;
        for (i, member) in members.iter().take(n).enumerate() {
            let last = i == n - 1;
            if last {
                // The closing line may come from a nested group's own last member.
                p.need_close = true;
            }
            let truncated = i >= MAX_GROUP_WIDTH;
            let title = if truncated {
                "...".to_string()
            } else {
                (i + 1).to_string()
            };
            let corner = if i == 0 { "+-" } else { "  " };
            p.out.push(format!(
                "{}{corner}+---------------- {title} ----------------\n",
                p.indent()
            ));
            p.depth += 1;
            if truncated {
                let remaining = members.len() - MAX_GROUP_WIDTH;
                let plural = if remaining > 1 { "s" } else { "" };
                p.emit(&format!("and {remaining} more exception{plural}\n"), '|');
            } else {
                self.format_chain(member, p, None);
            }
            if last && p.need_close {
                p.out.push(format!(
                    "{}+------------------------------------\n",
                    p.indent()
                ));
                p.need_close = false;
            }
            p.depth -= 1;
        }
        if toplevel {
            p.depth = 0;
        }
    }

    /// `<title> (most recent call last):` and the frames of `tb` (when there are any),
    /// then `e`'s own line(s); `margin` marks the title line inside a group's box.
    fn emit_traceback_and_message(
        &mut self,
        e: &Value,
        p: &mut Printer,
        tb: &[TbEntry],
        title: &str,
        margin: char,
    ) {
        if !tb.is_empty() {
            p.emit(&format!("{title} (most recent call last):\n"), margin);
            let mut frames = Vec::new();
            format_entries(&mut frames, tb, &p.pseudo_lines);
            for f in frames {
                p.emit(&f, '|');
            }
        }
        for chunk in self.format_exception_only_chunks(e, p.opts.style) {
            p.emit(&chunk, '|');
        }
    }

    /// The names of the pseudo-files (`<doctest x[0]>`, `<timeit-src>`) that frames of `e`
    /// (its traceback, or `given_tb`), its causes, contexts and group members run in: the
    /// files whose lines the `traceback` module asks `linecache` for.
    pub fn pseudo_file_names(&mut self, e: &Value, given_tb: Option<&Value>) -> Vec<String> {
        let mut names = Vec::new();
        let mut seen: Vec<Value> = Vec::new();
        let mut todo = vec![(e.clone(), given_tb.cloned())];
        while let Some((e, tb)) = todo.pop() {
            if seen.iter().any(|s| s.is(&e)) {
                continue;
            }
            seen.push(e.clone());
            let Value::Obj(o) = &e else { continue };
            let Obj::Exception(x) = &**o else { continue };
            let entries = match tb {
                None => x.traceback.borrow().entries(),
                Some(head) => Traceback {
                    head,
                    pending: Vec::new(),
                }
                .entries(),
            };
            for entry in entries {
                let name = &entry.code.code.source.name;
                if name.starts_with('<')
                    && name.ends_with('>')
                    && !names.iter().any(|n| n == &**name)
                {
                    names.push(name.to_string());
                }
            }
            for linked in [x.cause.borrow().clone(), x.context.borrow().clone()] {
                if !linked.is_none() {
                    todo.push((linked, None));
                }
            }
            for member in self.group_members(&e).unwrap_or_default() {
                todo.push((member, None));
            }
        }
        names
    }

    /// The sub-exceptions of an exception group (`e.exceptions`); None for any other
    /// exception.
    fn group_members(&mut self, e: &Value) -> Option<Vec<Value>> {
        let group = super::types::exc_class(super::types::ExcKind::BaseExceptionGroup);
        if !self.isinstance(e, &group) {
            return None;
        }
        let members = self.get_attr_str(e, "exceptions").ok()?;
        Some(members.as_tuple()?.to_vec())
    }

    /// The last line(s): `ValueError: message` (SyntaxErrors get their source block).
    pub fn format_exception_only(&mut self, e: &Value) -> String {
        self.format_exception_only_with(e, None)
    }

    /// `format_exception_only` with the SyntaxError block already made (`block`), else
    /// made as the interpreter shows it.
    fn format_exception_only_with(&mut self, e: &Value, block: Option<&str>) -> String {
        let mut out = self.exception_line_with(e, block);
        out.extend(self.note_lines(e));
        out
    }

    /// The lines of `e.__notes__`, each ending in a newline.
    fn note_lines(&mut self, e: &Value) -> Vec<String> {
        let mut lines = Vec::new();
        if let Ok(Some(notes)) = self.get_attr_opt(e, &Value::str("__notes__")) {
            if let Ok(items) = self.collect(&notes) {
                for n in items {
                    let s = self.to_str(&n).unwrap_or_default();
                    lines.extend(s.split('\n').map(|l| format!("{l}\n")));
                }
            }
        }
        lines
    }

    /// `format_exception_only_with` without the notes.
    fn exception_line_with(&mut self, e: &Value, block: Option<&str>) -> String {
        let cls = self.type_of(e);
        let (module, qual) = match as_class(&cls) {
            Some(c) => {
                let m = super::dictops::get_str(&c.dict.borrow(), &Value::str("__module__"))
                    .and_then(|v| v.as_str().map(|s| s.to_string()))
                    .unwrap_or_else(|| c.module.borrow().to_string());
                (m, c.qualname.borrow().to_string())
            }
            None => ("builtins".into(), "?".into()),
        };
        let name = if module == "builtins" || module == "__main__" {
            qual
        } else {
            format!("{module}.{qual}")
        };
        let mut out = String::new();
        let block = match block {
            Some(b) => Some(b.to_string()).filter(|b| !b.is_empty()),
            None => self.syntax_error_block(e, SyntaxTextStyle::Interpreter),
        };
        if let Some(block) = block {
            out.push_str(&block);
        }
        let msg = match self.to_str(e) {
            Ok(s) => s,
            Err(_) => "<exception str() failed>".into(),
        };
        let msg = if out.is_empty() {
            msg
        } else {
            self.get_attr_str(e, "msg")
                .ok()
                .and_then(|m| m.as_str().map(|s| s.to_string()))
                .unwrap_or(msg)
        };
        let hint = match self.suggestion(e) {
            Some(s) => format!(". Did you mean: '{s}'?"),
            None => String::new(),
        };
        if msg.is_empty() {
            out.push_str(&format!("{name}{hint}\n"));
        } else {
            out.push_str(&format!("{name}: {msg}{hint}\n"));
        }
        out
    }

    /// For SyntaxError instances with location info: the `File ..., line N` block with the
    /// source line and a caret, as CPython prints before the message.
    fn syntax_error_block(&mut self, e: &Value, style: SyntaxTextStyle) -> Option<String> {
        let cls = self.type_of(e);
        let se = super::types::exc_class(super::types::ExcKind::SyntaxError);
        if !super::class::is_subclass(&cls, &se) {
            return None;
        }
        let filename = self.get_attr_str(e, "filename").ok()?;
        let lineno = self.get_attr_str(e, "lineno").ok()?;
        let mut out = String::new();
        let fname = filename
            .as_str()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "<string>".into());
        let Value::Int(lineno) = lineno else {
            return None;
        };
        out.push_str(&format!("  File \"{fname}\", line {lineno}\n"));
        if let Ok(text) = self.get_attr_str(e, "text") {
            if let Some(t) = text.as_str() {
                let int_attr = |vm: &mut Self, name: &str| match vm.get_attr_str(e, name) {
                    Ok(Value::Int(x)) => Some(x),
                    _ => None,
                };
                if style == SyntaxTextStyle::TracebackModule {
                    let offset = int_attr(self, "offset");
                    let end_offset = int_attr(self, "end_offset");
                    push_module_error_text(&mut out, t, offset, end_offset);
                    return Some(out);
                }
                let offset = int_attr(self, "offset").unwrap_or(-1);
                let mut end_offset = int_attr(self, "end_offset").unwrap_or(-1);
                // A multi-line location is shown on its first line, up to the line's end.
                // CPython measures the line in UTF-8 bytes, whatever unit the offsets are in.
                let line_size = t.len() as i64;
                if int_attr(self, "end_lineno").is_some_and(|end| end > lineno) {
                    end_offset = line_size;
                }
                end_offset = end_offset.min(line_size + 1);
                // CPython underlines an IndentationError with a single caret.
                let ie = super::types::exc_class(super::types::ExcKind::IndentationError);
                if super::class::is_subclass(&cls, &ie) {
                    end_offset = -1;
                }
                push_error_text(&mut out, t, offset, end_offset);
            }
        }
        Some(out)
    }

    /// Shows an uncaught exception: through `sys.excepthook` when the program replaced it
    /// (a hook that raises is reported with the original exception after it, as CPython
    /// does), else printed in CPython's format.
    pub fn display_uncaught(&mut self, e: &Value) {
        let Some(sys) = self.sys_module("sys") else {
            return self.print_exception(e);
        };
        let hook = self
            .get_attr_opt(&sys, &Value::str("excepthook"))
            .ok()
            .flatten();
        let original = self
            .get_attr_opt(&sys, &Value::str("__excepthook__"))
            .ok()
            .flatten();
        let hook = match (hook, original) {
            (None, _) => {
                self.write_stderr("sys.excepthook is missing\n");
                return self.print_exception(e);
            }
            (Some(h), Some(o)) if h.is(&o) => return self.print_exception(e),
            (Some(h), _) => h,
        };
        let tb = match e {
            Value::Obj(o) => traceback_value(o),
            _ => Value::None,
        };
        let ty = Value::Obj(self.type_of(e));
        if let Err(failed) = self.call(&hook, &[ty, e.clone(), tb]) {
            self.flush_std_streams();
            self.write_stderr("Error in sys.excepthook:\n");
            self.print_exception(&failed.value());
            self.write_stderr("\nOriginal exception was:\n");
            self.print_exception(e);
        }
    }

    /// Prints an uncaught exception to stderr in CPython's format.
    pub fn print_exception(&mut self, e: &Value) {
        let text = self.format_exception(e);
        self.write_stderr(&text);
    }
}

/// CPython's `print_error_text`: the source line without its indentation, then a caret line
/// unless the offset points into that indentation (as for IndentationError and TabError).
/// Offsets are 1-based columns, applied to the UTF-8 bytes of the text as CPython does;
/// the text stops at a NUL as CPython's C string does.
fn push_error_text(out: &mut String, text: &str, offset: i64, end_offset: i64) {
    let carets = if end_offset > 0 && end_offset > offset {
        end_offset - offset
    } else {
        1
    };
    let mut text = text.split('\0').next().unwrap_or_default();
    let mut offset = offset - 1;
    let stripped = text.trim_start_matches([' ', '\t', '\x0c']);
    offset -= (text.len() - stripped.len()) as i64;
    text = stripped;
    let len = text.len() as i64 - i64::from(text.ends_with('\n'));
    offset = offset.min(len);
    // Skip lines before the one the offset points into.
    while let Some(nl) = text.find('\n') {
        let inl = nl as i64;
        if inl >= offset {
            break;
        }
        text = &text[nl + 1..];
        offset -= inl + 1;
    }
    out.push_str("    ");
    out.push_str(text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
    if offset < 0 {
        return;
    }
    out.push_str("    ");
    out.push_str(&" ".repeat(offset as usize));
    out.push_str(&"^".repeat(carets as usize));
    out.push('\n');
}

/// The frames of a traceback, outermost first, with CPython's repeated-frame summary.
fn format_entries(out: &mut Vec<String>, tb: &[TbEntry], pseudo_lines: &PseudoFileLines) {
    let mut last: Option<(usize, u32, String)> = None;
    let mut count = 0usize;
    for entry in tb.iter().rev() {
        let code = &entry.code.code;
        let line = code.line_of(entry.pc as usize);
        let key = (
            std::rc::Rc::as_ptr(&code.source) as usize,
            line,
            code.name.to_string(),
        );
        if last.as_ref() == Some(&key) {
            count += 1;
        } else {
            flush_repeats(out, count);
            last = Some(key);
            count = 1;
        }
        if count <= RECURSIVE_CUTOFF {
            let mut frame = String::new();
            format_frame(&mut frame, entry, pseudo_lines);
            out.push(frame);
        }
    }
    flush_repeats(out, count);
}

fn flush_repeats(out: &mut Vec<String>, count: usize) {
    if count > RECURSIVE_CUTOFF {
        let n = count - RECURSIVE_CUTOFF;
        out.push(format!(
            "  [Previous line repeated {} more time{}]\n",
            n,
            if n > 1 { "s" } else { "" }
        ));
    }
}

/// The traceback module's `_format_syntax_error`: the line without its newline and leading
/// spaces (a tab stays), then carets from `offset` to `end_offset`, counted in characters,
/// which may be none at all when the span ends on a later line.
fn push_module_error_text(
    out: &mut String,
    text: &str,
    offset: Option<i64>,
    end_offset: Option<i64>,
) {
    let rtext = text.trim_end_matches('\n');
    let ltext = rtext.trim_start_matches([' ', '\n', '\x0c']);
    let spaces = (rtext.chars().count() - ltext.chars().count()) as i64;
    out.push_str(&format!("    {ltext}\n"));
    let Some(offset) = offset else { return };
    let mut end = match end_offset {
        None | Some(0) => offset,
        Some(end) => end,
    };
    if end == offset || end == -1 {
        end = offset + 1;
    }
    let colno = offset - 1 - spaces;
    let end_colno = end - 1 - spaces;
    if colno < 0 {
        return;
    }
    let caret_space: String = ltext
        .chars()
        .take(colno as usize)
        .map(|c| if c.is_whitespace() { c } else { ' ' })
        .collect();
    let carets = "^".repeat(end_colno.saturating_sub(colno).max(0) as usize);
    out.push_str(&format!("    {caret_space}{carets}\n"));
}
