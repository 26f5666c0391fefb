//! A match in progress (sre's SRE_STATE): the subject, the marks and their data stack,
//! and the primitives the matching loop uses (positions, sets, counting repeats) and
//! sre's `search`.

use super::chars;
use super::matcher::{Ctx, Repeat};
use super::opcodes::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// A null position (sre's NULL pointer).
pub(super) const NONE: usize = usize::MAX;

/// Why a match stopped without an answer.
#[derive(Debug)]
pub enum Stop {
    /// Ctrl-C: the caller raises KeyboardInterrupt.
    Interrupted,
    /// The code is not what the compiler emits.
    Illegal,
}

pub(super) type Res<T> = Result<T, Stop>;

/// What the subject is made of: bytes, or a str's code points.
pub trait Unit: Copy {
    fn code(self) -> u32;
}
impl Unit for u8 {
    #[inline]
    fn code(self) -> u32 {
        self as u32
    }
}
impl Unit for u32 {
    #[inline]
    fn code(self) -> u32 {
        self
    }
}

/// A match in progress over one subject (sre's SRE_STATE).
pub struct State<'a, T: Unit> {
    pub(super) code: &'a [u32],
    pub(super) s: &'a [T],
    pub start: usize,
    pub end: usize,
    pub ptr: usize,
    pub mark: Vec<usize>,
    pub lastmark: isize,
    pub lastindex: isize,
    pub(super) repeat: Option<usize>,
    pub(super) repeats: Vec<Repeat>,
    pub(super) data: Vec<usize>,
    pub match_all: bool,
    pub must_advance: bool,
    pub(super) interrupt: &'a AtomicBool,
    pub(super) sigcount: u32,
    pub(super) pool: Vec<Ctx>,
}

impl<'a, T: Unit> State<'a, T> {
    pub fn new(
        code: &'a [u32],
        s: &'a [T],
        start: usize,
        end: usize,
        groups: usize,
        interrupt: &'a AtomicBool,
    ) -> Self {
        State {
            code,
            s,
            start,
            end,
            ptr: start,
            mark: vec![NONE; groups * 2],
            lastmark: -1,
            lastindex: -1,
            repeat: None,
            repeats: Vec::new(),
            data: Vec::new(),
            match_all: false,
            must_advance: false,
            interrupt,
            sigcount: 0,
            pool: Vec::new(),
        }
    }

    /// The span of group `g` (1-based), if it matched.
    pub fn group_span(&self, g: usize) -> Option<(usize, usize)> {
        let j = (g - 1) * 2;
        if (j + 1) as isize <= self.lastmark {
            let (a, b) = (self.mark[j], self.mark[j + 1]);
            if a != NONE && b != NONE {
                return Some((a, b));
            }
        }
        None
    }

    #[inline]
    pub(super) fn op(&self, i: usize) -> u32 {
        // Out of range reads as FAILURE: malformed code fails instead of panicking.
        self.code.get(i).copied().unwrap_or(FAILURE)
    }

    #[inline]
    pub(super) fn ch(&self, i: usize) -> u32 {
        self.s.get(i).map(|c| c.code()).unwrap_or(0)
    }

    /// sre's `state_reset` before a new search from `start` (`must_advance` is kept).
    pub fn reset(&mut self, start: usize) {
        self.start = start;
        self.ptr = start;
        self.lastmark = -1;
        self.lastindex = -1;
        self.repeat = None;
        self.repeats.clear();
        self.data.clear();
    }

    pub(super) fn reset_capture(&mut self) {
        self.lastmark = -1;
        self.lastindex = -1;
    }

    pub(super) fn set_mark(&mut self, i: usize, v: usize) {
        if i >= self.mark.len() {
            self.mark.resize(i + 1, NONE);
        }
        self.mark[i] = v;
    }

    pub(super) fn get_mark(&self, i: usize) -> usize {
        self.mark.get(i).copied().unwrap_or(NONE)
    }

    pub(super) fn mark_push(&mut self, lastmark: isize) {
        if lastmark >= 0 {
            let n = lastmark as usize + 1;
            for i in 0..n {
                let v = self.get_mark(i);
                self.data.push(v);
            }
        }
    }

    pub(super) fn mark_pop_keep(&mut self, lastmark: isize) {
        if lastmark >= 0 {
            let n = lastmark as usize + 1;
            let base = self.data.len().saturating_sub(n);
            for i in 0..n {
                let v = self.data.get(base + i).copied().unwrap_or(NONE);
                self.set_mark(i, v);
            }
        }
    }

    pub(super) fn mark_pop_discard(&mut self, lastmark: isize) {
        if lastmark >= 0 {
            let n = lastmark as usize + 1;
            let len = self.data.len().saturating_sub(n);
            self.data.truncate(len);
        }
    }

    pub(super) fn mark_pop(&mut self, lastmark: isize) {
        self.mark_pop_keep(lastmark);
        self.mark_pop_discard(lastmark);
    }

    pub(super) fn at(&self, ptr: usize, at: u32) -> bool {
        let end = self.end;
        let word = |f: fn(u32) -> bool| -> (bool, bool) {
            let that = ptr > 0 && f(self.ch(ptr - 1));
            let this = ptr < end && f(self.ch(ptr));
            (that, this)
        };
        match at {
            AT_BEGINNING | AT_BEGINNING_STRING => ptr == 0,
            AT_BEGINNING_LINE => ptr == 0 || self.ch(ptr - 1) == b'\n' as u32,
            AT_END => (ptr + 1 == end && self.ch(ptr) == b'\n' as u32) || ptr == end,
            AT_END_LINE => ptr == end || self.ch(ptr) == b'\n' as u32,
            AT_END_STRING => ptr == end,
            AT_BOUNDARY | AT_LOC_BOUNDARY => {
                if end == 0 {
                    return false;
                }
                let (a, b) = word(chars::is_word_ascii);
                a != b
            }
            AT_NON_BOUNDARY | AT_LOC_NON_BOUNDARY => {
                if end == 0 {
                    return false;
                }
                let (a, b) = word(chars::is_word_ascii);
                a == b
            }
            AT_UNI_BOUNDARY => {
                if end == 0 {
                    return false;
                }
                let (a, b) = word(chars::is_word_uni);
                a != b
            }
            AT_UNI_NON_BOUNDARY => {
                if end == 0 {
                    return false;
                }
                let (a, b) = word(chars::is_word_uni);
                a == b
            }
            _ => false,
        }
    }

    /// Whether `ch` is in the set whose items start at `i` (sre's `charset`).
    pub(super) fn charset(&self, mut i: usize, ch: u32) -> bool {
        let mut ok = true;
        loop {
            let op = self.op(i);
            i += 1;
            match op {
                FAILURE => return !ok,
                LITERAL => {
                    if ch == self.op(i) {
                        return ok;
                    }
                    i += 1;
                }
                CATEGORY => {
                    if chars::category(self.op(i), ch) {
                        return ok;
                    }
                    i += 1;
                }
                CHARSET => {
                    if ch < 256 && self.op(i + (ch / 32) as usize) & (1u32 << (ch & 31)) != 0 {
                        return ok;
                    }
                    i += 8;
                }
                RANGE => {
                    if self.op(i) <= ch && ch <= self.op(i + 1) {
                        return ok;
                    }
                    i += 2;
                }
                RANGE_UNI_IGNORE => {
                    if self.op(i) <= ch && ch <= self.op(i + 1) {
                        return ok;
                    }
                    let up = chars::upper_uni(ch);
                    if self.op(i) <= up && up <= self.op(i + 1) {
                        return ok;
                    }
                    i += 2;
                }
                NEGATE => ok = !ok,
                BIGCHARSET => {
                    let count = self.op(i) as usize;
                    i += 1;
                    if ch < 0x10000 {
                        let b = (ch >> 8) as usize;
                        let block = (self.op(i + b / 4) >> (8 * (b % 4))) & 0xff;
                        let bit = block * 256 + (ch & 255);
                        if self.op(i + 64 + (bit / 32) as usize) & (1u32 << (ch & 31)) != 0 {
                            return ok;
                        }
                    }
                    i += 64 + count * 8;
                }
                _ => return false,
            }
        }
    }

    pub(super) fn charset_loc_ignore(&self, i: usize, ch: u32) -> bool {
        let lo = chars::lower_ascii(ch);
        if self.charset(i, lo) {
            return true;
        }
        let up = chars::upper_ascii(ch);
        up != lo && self.charset(i, up)
    }

    /// How many times the one-character item at `pc` matches from `self.ptr`, at most
    /// `maxcount` (sre's `count`).
    pub(super) fn count(&mut self, pc: usize, maxcount: u32) -> Res<usize> {
        let start = self.ptr;
        let mut end = self.end;
        if start > end {
            return Ok(0);
        }
        if maxcount != MAXREPEAT && (maxcount as usize) < end - start {
            end = start + maxcount as usize;
        }
        let mut p = start;
        let chr = self.op(pc + 1);
        macro_rules! scan {
            ($cond:expr) => {{
                while p < end && $cond(self.ch(p)) {
                    p += 1;
                }
            }};
        }
        match self.op(pc) {
            IN => scan!(|c| self.charset(pc + 2, c)),
            ANY => scan!(|c| c != b'\n' as u32),
            ANY_ALL => p = end,
            LITERAL => scan!(|c| c == chr),
            LITERAL_IGNORE => scan!(|c| chars::lower_ascii(c) == chr),
            LITERAL_UNI_IGNORE => scan!(|c| chars::lower_uni(c) == chr),
            LITERAL_LOC_IGNORE => scan!(|c| chars::char_loc_ignore(chr, c)),
            NOT_LITERAL => scan!(|c| c != chr),
            NOT_LITERAL_IGNORE => scan!(|c| chars::lower_ascii(c) != chr),
            NOT_LITERAL_UNI_IGNORE => scan!(|c| chars::lower_uni(c) != chr),
            NOT_LITERAL_LOC_IGNORE => scan!(|c| !chars::char_loc_ignore(chr, c)),
            _ => {
                // Any other one-character item: run it once per character.
                while self.ptr < end {
                    let before = self.ptr;
                    if !self.run(pc, false)? || self.ptr == before {
                        break;
                    }
                }
                let n = self.ptr - start;
                return Ok(n);
            }
        }
        Ok(p - start)
    }

    pub(super) fn check_signals(&mut self) -> Res<()> {
        self.sigcount = self.sigcount.wrapping_add(1);
        if self.sigcount & 0xfff == 0 && self.interrupt.load(Ordering::Relaxed) {
            return Err(Stop::Interrupted);
        }
        Ok(())
    }
}

impl<'a, T: Unit> State<'a, T> {
    /// sre's `search`: the first match at or after `self.start`.
    pub fn search(&mut self) -> Res<bool> {
        let mut ptr = self.start;
        let end = self.end;
        if ptr > end {
            return Ok(false);
        }
        let mut pc = 0;
        let mut first: Option<u32> = None;
        let mut charset: Option<usize> = None;
        if self.op(0) == INFO {
            let flags = self.op(2);
            let min = self.op(3) as usize;
            if min != 0 && end - ptr < min {
                return Ok(false);
            }
            if flags & INFO_PREFIX != 0 {
                first = Some(self.op(7));
            } else if flags & INFO_CHARSET != 0 {
                charset = Some(5);
            }
            pc = 1 + self.op(1) as usize;
        }
        // Positions where the pattern's first character cannot match are skipped (the
        // pattern then consumes at least one character, so `must_advance` cannot matter).
        let can_start = |st: &Self, p: usize| -> bool {
            if p >= end {
                return first.is_none() && charset.is_none();
            }
            match (first, charset) {
                (Some(c), _) => st.ch(p) == c,
                (None, Some(cs)) => st.charset(cs, st.ch(p)),
                _ => true,
            }
        };
        let mut status = false;
        if can_start(self, ptr) {
            self.start = ptr;
            self.ptr = ptr;
            status = self.run(pc, true)?;
        }
        self.must_advance = false;
        if !status
            && self.op(pc) == AT
            && (self.op(pc + 1) == AT_BEGINNING || self.op(pc + 1) == AT_BEGINNING_STRING)
        {
            return Ok(false);
        }
        while !status && ptr < end {
            ptr += 1;
            if !can_start(self, ptr) {
                continue;
            }
            self.reset_capture();
            self.start = ptr;
            self.ptr = ptr;
            status = self.run(pc, false)?;
        }
        Ok(status)
    }
}
