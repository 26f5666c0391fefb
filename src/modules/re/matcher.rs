//! The matching engine: runs the code that CPython's `re._compiler` emits, with the
//! semantics of CPython 3.11's `sre` (Modules/_sre/sre_lib.h): the same opcodes, the same
//! rules for marks (`lastmark`/`lastindex` saved and restored where sre does), the same
//! zero-width protection in repeats and the same `must_advance` rule for empty matches.
//!
//! sre's nested calls are contexts on a heap stack (`Vec<Ctx>`), and its data stack of
//! saved marks is a `Vec` too, so no input or pattern can grow the native stack.

use super::chars;
use std::sync::atomic::{AtomicBool, Ordering};

// Opcodes (re._constants.OPCODES, in order).
const FAILURE: u32 = 0;
const SUCCESS: u32 = 1;
const ANY: u32 = 2;
const ANY_ALL: u32 = 3;
const ASSERT: u32 = 4;
const ASSERT_NOT: u32 = 5;
const AT: u32 = 6;
const BRANCH: u32 = 7;
const CATEGORY: u32 = 8;
const CHARSET: u32 = 9;
const BIGCHARSET: u32 = 10;
const GROUPREF: u32 = 11;
const GROUPREF_EXISTS: u32 = 12;
const IN: u32 = 13;
const INFO: u32 = 14;
const JUMP: u32 = 15;
const LITERAL: u32 = 16;
const MARK: u32 = 17;
const MAX_UNTIL: u32 = 18;
const MIN_UNTIL: u32 = 19;
const NOT_LITERAL: u32 = 20;
const NEGATE: u32 = 21;
const RANGE: u32 = 22;
const REPEAT: u32 = 23;
const REPEAT_ONE: u32 = 24;
const MIN_REPEAT_ONE: u32 = 26;
const ATOMIC_GROUP: u32 = 27;
const POSSESSIVE_REPEAT: u32 = 28;
const POSSESSIVE_REPEAT_ONE: u32 = 29;
const GROUPREF_IGNORE: u32 = 30;
const IN_IGNORE: u32 = 31;
const LITERAL_IGNORE: u32 = 32;
const NOT_LITERAL_IGNORE: u32 = 33;
const GROUPREF_LOC_IGNORE: u32 = 34;
const IN_LOC_IGNORE: u32 = 35;
const LITERAL_LOC_IGNORE: u32 = 36;
const NOT_LITERAL_LOC_IGNORE: u32 = 37;
const GROUPREF_UNI_IGNORE: u32 = 38;
const IN_UNI_IGNORE: u32 = 39;
const LITERAL_UNI_IGNORE: u32 = 40;
const NOT_LITERAL_UNI_IGNORE: u32 = 41;
const RANGE_UNI_IGNORE: u32 = 42;

// AT codes.
const AT_BEGINNING: u32 = 0;
const AT_BEGINNING_LINE: u32 = 1;
const AT_BEGINNING_STRING: u32 = 2;
const AT_BOUNDARY: u32 = 3;
const AT_NON_BOUNDARY: u32 = 4;
const AT_END: u32 = 5;
const AT_END_LINE: u32 = 6;
const AT_END_STRING: u32 = 7;
const AT_LOC_BOUNDARY: u32 = 8;
const AT_LOC_NON_BOUNDARY: u32 = 9;
const AT_UNI_BOUNDARY: u32 = 10;
const AT_UNI_NON_BOUNDARY: u32 = 11;

const INFO_PREFIX: u32 = 1;
const INFO_CHARSET: u32 = 4;

pub const MAXREPEAT: u32 = u32::MAX;

/// A null position (sre's NULL pointer).
const NONE: usize = usize::MAX;

/// Why a match stopped without an answer.
#[derive(Debug)]
pub enum Stop {
    /// Ctrl-C: the caller raises KeyboardInterrupt.
    Interrupted,
    /// The code is not what the compiler emits.
    Illegal,
}

type Res<T> = Result<T, Stop>;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Jump {
    None,
    MaxUntil1,
    MaxUntil2,
    MaxUntil3,
    MinUntil1,
    MinUntil2,
    MinUntil3,
    Repeat,
    RepeatOne1,
    RepeatOne2,
    MinRepeatOne,
    Branch,
    Assert,
    AssertNot,
    PossRepeat1,
    PossRepeat2,
    AtomicGroup,
}

/// One of sre's match contexts.
#[derive(Clone, Copy)]
struct Ctx {
    count: isize,
    chr: u32,
    rep: usize,
    lastmark: isize,
    lastindex: isize,
    pc: usize,
    ptr: usize,
    toplevel: bool,
    jump: Jump,
}

impl Ctx {
    fn new(pc: usize, toplevel: bool, jump: Jump) -> Ctx {
        Ctx {
            count: 0,
            chr: 0,
            rep: 0,
            lastmark: -1,
            lastindex: -1,
            pc,
            ptr: 0,
            toplevel,
            jump,
        }
    }
}

/// A repeat context (sre's SRE_REPEAT).
struct Repeat {
    count: isize,
    pc: usize,
    last_ptr: usize,
    prev: Option<usize>,
}

/// Where the main loop goes next (sre's labels).
enum Next {
    Enter,
    Dispatch,
    Exit(bool),
    Resume(Jump, bool),
    BranchLoop,
    RepeatOne1Loop,
    RepeatOne2Loop,
    MinRepeatOneLoop,
    PossLoop1,
    PossLoop2,
    PossTail,
    MaxUntilTail,
}

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
    code: &'a [u32],
    s: &'a [T],
    pub start: usize,
    pub end: usize,
    pub ptr: usize,
    pub mark: Vec<usize>,
    pub lastmark: isize,
    pub lastindex: isize,
    repeat: Option<usize>,
    repeats: Vec<Repeat>,
    data: Vec<usize>,
    pub match_all: bool,
    pub must_advance: bool,
    interrupt: &'a AtomicBool,
    sigcount: u32,
    pool: Vec<Ctx>,
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
    fn op(&self, i: usize) -> u32 {
        // Out of range reads as FAILURE: malformed code fails instead of panicking.
        self.code.get(i).copied().unwrap_or(FAILURE)
    }

    #[inline]
    fn ch(&self, i: usize) -> u32 {
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

    fn reset_capture(&mut self) {
        self.lastmark = -1;
        self.lastindex = -1;
    }

    fn set_mark(&mut self, i: usize, v: usize) {
        if i >= self.mark.len() {
            self.mark.resize(i + 1, NONE);
        }
        self.mark[i] = v;
    }

    fn get_mark(&self, i: usize) -> usize {
        self.mark.get(i).copied().unwrap_or(NONE)
    }

    fn mark_push(&mut self, lastmark: isize) {
        if lastmark >= 0 {
            let n = lastmark as usize + 1;
            for i in 0..n {
                let v = self.get_mark(i);
                self.data.push(v);
            }
        }
    }

    fn mark_pop_keep(&mut self, lastmark: isize) {
        if lastmark >= 0 {
            let n = lastmark as usize + 1;
            let base = self.data.len().saturating_sub(n);
            for i in 0..n {
                let v = self.data.get(base + i).copied().unwrap_or(NONE);
                self.set_mark(i, v);
            }
        }
    }

    fn mark_pop_discard(&mut self, lastmark: isize) {
        if lastmark >= 0 {
            let n = lastmark as usize + 1;
            let len = self.data.len().saturating_sub(n);
            self.data.truncate(len);
        }
    }

    fn mark_pop(&mut self, lastmark: isize) {
        self.mark_pop_keep(lastmark);
        self.mark_pop_discard(lastmark);
    }

    fn at(&self, ptr: usize, at: u32) -> bool {
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
    fn charset(&self, mut i: usize, ch: u32) -> bool {
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

    fn charset_loc_ignore(&self, i: usize, ch: u32) -> bool {
        let lo = chars::lower_ascii(ch);
        if self.charset(i, lo) {
            return true;
        }
        let up = chars::upper_ascii(ch);
        up != lo && self.charset(i, up)
    }

    /// How many times the one-character item at `pc` matches from `self.ptr`, at most
    /// `maxcount` (sre's `count`).
    fn count(&mut self, pc: usize, maxcount: u32) -> Res<usize> {
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

    fn check_signals(&mut self) -> Res<()> {
        self.sigcount = self.sigcount.wrapping_add(1);
        if self.sigcount & 0xfff == 0 && self.interrupt.load(Ordering::Relaxed) {
            return Err(Stop::Interrupted);
        }
        Ok(())
    }

    /// sre's `match`: does the code at `pc0` match at `self.ptr`? On success `self.ptr`
    /// is the end of the match.
    pub fn run(&mut self, pc0: usize, toplevel: bool) -> Res<bool> {
        // The context stack's allocation is kept between runs (a search runs once per
        // position); a nested run (`count`) takes a fresh one.
        let mut ctxs = std::mem::take(&mut self.pool);
        ctxs.clear();
        ctxs.push(Ctx::new(pc0, toplevel, Jump::None));
        let r = self.run_in(&mut ctxs, pc0);
        self.pool = ctxs;
        r
    }

    fn run_in(&mut self, ctxs: &mut Vec<Ctx>, pc0: usize) -> Res<bool> {
        let mut pc = pc0;
        let mut ptr = self.ptr;
        let end = self.end;
        let mut next = Next::Enter;

        macro_rules! top {
            () => {
                (*{
                    let i = top_index(ctxs);
                    &mut ctxs[i]
                })
            };
        }
        macro_rules! do_jump {
            ($jump:expr, $target:expr, $toplevel:expr) => {{
                let target = $target;
                let tl = $toplevel;
                let c = &mut top!();
                c.pc = pc;
                c.ptr = ptr;
                ctxs.push(Ctx::new(target, tl, $jump));
                pc = target;
                Next::Enter
            }};
        }
        macro_rules! lastmark_save {
            () => {{
                let (lm, li) = (self.lastmark, self.lastindex);
                let c = &mut top!();
                c.lastmark = lm;
                c.lastindex = li;
            }};
        }
        macro_rules! lastmark_restore {
            () => {{
                let c = top!();
                self.lastmark = c.lastmark;
                self.lastindex = c.lastindex;
            }};
        }

        loop {
            next = match next {
                Next::Enter => {
                    ptr = self.ptr;
                    if self.op(pc) == INFO {
                        let min = self.op(pc + 3) as usize;
                        if min != 0 && ptr <= end && end - ptr < min {
                            Next::Exit(false)
                        } else {
                            pc += self.op(pc + 1) as usize + 1;
                            Next::Dispatch
                        }
                    } else {
                        Next::Dispatch
                    }
                }
                Next::Exit(ret) => {
                    let jump = ctxs.pop().map(|c| c.jump).unwrap_or(Jump::None);
                    match ctxs.last() {
                        None => return Ok(ret),
                        Some(c) => {
                            pc = c.pc;
                            ptr = c.ptr;
                        }
                    }
                    Next::Resume(jump, ret)
                }
                Next::Dispatch => {
                    self.check_signals()?;
                    let op = self.op(pc);
                    pc += 1;
                    match op {
                        MARK => {
                            let i = self.op(pc) as isize;
                            // Valid code marks only its groups' slots.
                            if i as usize >= self.mark.len() {
                                return Err(Stop::Illegal);
                            }
                            if i & 1 == 1 {
                                self.lastindex = i / 2 + 1;
                            }
                            if i > self.lastmark {
                                let mut j = self.lastmark + 1;
                                while j < i {
                                    self.set_mark(j as usize, NONE);
                                    j += 1;
                                }
                                self.lastmark = i;
                            }
                            self.set_mark(i as usize, ptr);
                            pc += 1;
                            Next::Dispatch
                        }
                        LITERAL
                        | NOT_LITERAL
                        | LITERAL_IGNORE
                        | LITERAL_UNI_IGNORE
                        | LITERAL_LOC_IGNORE
                        | NOT_LITERAL_IGNORE
                        | NOT_LITERAL_UNI_IGNORE
                        | NOT_LITERAL_LOC_IGNORE => {
                            if ptr >= end {
                                Next::Exit(false)
                            } else {
                                let c = self.ch(ptr);
                                let p = self.op(pc);
                                let ok = match op {
                                    LITERAL => c == p,
                                    NOT_LITERAL => c != p,
                                    LITERAL_IGNORE => chars::lower_ascii(c) == p,
                                    LITERAL_UNI_IGNORE => chars::lower_uni(c) == p,
                                    LITERAL_LOC_IGNORE => chars::char_loc_ignore(p, c),
                                    NOT_LITERAL_IGNORE => chars::lower_ascii(c) != p,
                                    NOT_LITERAL_UNI_IGNORE => chars::lower_uni(c) != p,
                                    _ => !chars::char_loc_ignore(p, c),
                                };
                                if ok {
                                    pc += 1;
                                    ptr += 1;
                                    Next::Dispatch
                                } else {
                                    Next::Exit(false)
                                }
                            }
                        }
                        SUCCESS => {
                            let c = top!();
                            if c.toplevel
                                && ((self.match_all && ptr != self.end)
                                    || (self.must_advance && ptr == self.start))
                            {
                                Next::Exit(false)
                            } else {
                                self.ptr = ptr;
                                Next::Exit(true)
                            }
                        }
                        AT => {
                            if !self.at(ptr, self.op(pc)) {
                                Next::Exit(false)
                            } else {
                                pc += 1;
                                Next::Dispatch
                            }
                        }
                        CATEGORY => {
                            if ptr >= end || !chars::category(self.op(pc), self.ch(ptr)) {
                                Next::Exit(false)
                            } else {
                                pc += 1;
                                ptr += 1;
                                Next::Dispatch
                            }
                        }
                        ANY => {
                            if ptr >= end || self.ch(ptr) == b'\n' as u32 {
                                Next::Exit(false)
                            } else {
                                ptr += 1;
                                Next::Dispatch
                            }
                        }
                        ANY_ALL => {
                            if ptr >= end {
                                Next::Exit(false)
                            } else {
                                ptr += 1;
                                Next::Dispatch
                            }
                        }
                        IN | IN_IGNORE | IN_UNI_IGNORE | IN_LOC_IGNORE => {
                            if ptr >= end {
                                Next::Exit(false)
                            } else {
                                let c = self.ch(ptr);
                                let ok = match op {
                                    IN => self.charset(pc + 1, c),
                                    IN_IGNORE => self.charset(pc + 1, chars::lower_ascii(c)),
                                    IN_UNI_IGNORE => self.charset(pc + 1, chars::lower_uni(c)),
                                    _ => self.charset_loc_ignore(pc + 1, c),
                                };
                                if ok {
                                    pc += self.op(pc) as usize;
                                    ptr += 1;
                                    Next::Dispatch
                                } else {
                                    Next::Exit(false)
                                }
                            }
                        }
                        JUMP | INFO => {
                            pc += self.op(pc) as usize;
                            Next::Dispatch
                        }
                        BRANCH => {
                            lastmark_save!();
                            if self.repeat.is_some() {
                                self.mark_push(top!().lastmark);
                            }
                            Next::BranchLoop
                        }
                        REPEAT_ONE => {
                            let min = self.op(pc + 1) as usize;
                            if ptr > end || min > end - ptr {
                                Next::Exit(false)
                            } else {
                                self.ptr = ptr;
                                let n = self.count(pc + 3, self.op(pc + 2))?;
                                ptr += n;
                                top!().count = n as isize;
                                let tail = pc + self.op(pc) as usize;
                                let c = top!();
                                if n < min {
                                    Next::Exit(false)
                                } else if self.op(tail) == SUCCESS
                                    && ptr == self.end
                                    && !(c.toplevel && self.must_advance && ptr == self.start)
                                {
                                    self.ptr = ptr;
                                    Next::Exit(true)
                                } else {
                                    lastmark_save!();
                                    if self.repeat.is_some() {
                                        self.mark_push(top!().lastmark);
                                    }
                                    if self.op(tail) == LITERAL {
                                        top!().chr = self.op(tail + 1);
                                        Next::RepeatOne1Loop
                                    } else {
                                        Next::RepeatOne2Loop
                                    }
                                }
                            }
                        }
                        MIN_REPEAT_ONE => {
                            let min = self.op(pc + 1) as usize;
                            if ptr > end || min > end - ptr {
                                Next::Exit(false)
                            } else {
                                self.ptr = ptr;
                                let mut fail = false;
                                if min == 0 {
                                    top!().count = 0;
                                } else {
                                    let n = self.count(pc + 3, min as u32)?;
                                    if n < min {
                                        fail = true;
                                    } else {
                                        top!().count = n as isize;
                                        ptr += n;
                                    }
                                }
                                let tail = pc + self.op(pc) as usize;
                                let c = top!();
                                if fail {
                                    Next::Exit(false)
                                } else if self.op(tail) == SUCCESS
                                    && !(c.toplevel
                                        && ((self.match_all && ptr != self.end)
                                            || (self.must_advance && ptr == self.start)))
                                {
                                    self.ptr = ptr;
                                    Next::Exit(true)
                                } else {
                                    lastmark_save!();
                                    if self.repeat.is_some() {
                                        self.mark_push(top!().lastmark);
                                    }
                                    Next::MinRepeatOneLoop
                                }
                            }
                        }
                        POSSESSIVE_REPEAT_ONE => {
                            let min = self.op(pc + 1) as usize;
                            if ptr > end || min > end - ptr {
                                Next::Exit(false)
                            } else {
                                self.ptr = ptr;
                                let n = self.count(pc + 3, self.op(pc + 2))?;
                                ptr += n;
                                top!().count = n as isize;
                                if n < min {
                                    Next::Exit(false)
                                } else {
                                    pc += self.op(pc) as usize;
                                    let c = top!();
                                    if self.op(pc) == SUCCESS
                                        && ptr == self.end
                                        && !(c.toplevel && self.must_advance && ptr == self.start)
                                    {
                                        self.ptr = ptr;
                                        Next::Exit(true)
                                    } else {
                                        Next::Dispatch
                                    }
                                }
                            }
                        }
                        REPEAT => {
                            let idx = self.repeats.len();
                            self.repeats.push(Repeat {
                                count: -1,
                                pc,
                                last_ptr: NONE,
                                prev: self.repeat,
                            });
                            top!().rep = idx;
                            self.repeat = Some(idx);
                            self.ptr = ptr;
                            let tl = top!().toplevel;
                            do_jump!(Jump::Repeat, pc + self.op(pc) as usize, tl)
                        }
                        MAX_UNTIL | MIN_UNTIL => {
                            let Some(r) = self.repeat.filter(|&r| r < self.repeats.len()) else {
                                return Err(Stop::Illegal);
                            };
                            top!().rep = r;
                            self.ptr = ptr;
                            let count = self.repeats[r].count + 1;
                            top!().count = count;
                            let rpc = self.repeats[r].pc;
                            let min = self.op(rpc + 1) as isize;
                            let max = self.op(rpc + 2);
                            let tl = top!().toplevel;
                            if count < min {
                                self.repeats[r].count = count;
                                let j = if op == MAX_UNTIL {
                                    Jump::MaxUntil1
                                } else {
                                    Jump::MinUntil1
                                };
                                do_jump!(j, rpc + 3, tl)
                            } else if op == MAX_UNTIL {
                                if (max == MAXREPEAT || count < max as isize)
                                    && self.ptr != self.repeats[r].last_ptr
                                {
                                    self.repeats[r].count = count;
                                    lastmark_save!();
                                    self.mark_push(top!().lastmark);
                                    self.data.push(self.repeats[r].last_ptr);
                                    self.repeats[r].last_ptr = self.ptr;
                                    do_jump!(Jump::MaxUntil2, rpc + 3, tl)
                                } else {
                                    Next::MaxUntilTail
                                }
                            } else {
                                self.repeat = self.repeats[r].prev;
                                lastmark_save!();
                                if self.repeat.is_some() {
                                    self.mark_push(top!().lastmark);
                                }
                                do_jump!(Jump::MinUntil2, pc, tl)
                            }
                        }
                        POSSESSIVE_REPEAT => {
                            self.ptr = ptr;
                            top!().count = 0;
                            Next::PossLoop1
                        }
                        ATOMIC_GROUP => {
                            self.ptr = ptr;
                            do_jump!(Jump::AtomicGroup, pc + 1, false)
                        }
                        GROUPREF | GROUPREF_IGNORE | GROUPREF_UNI_IGNORE | GROUPREF_LOC_IGNORE => {
                            let g = self.op(pc) as isize * 2;
                            if g >= self.lastmark {
                                Next::Exit(false)
                            } else {
                                let p = self.get_mark(g as usize);
                                let e = self.get_mark(g as usize + 1);
                                if p == NONE || e == NONE || e < p {
                                    Next::Exit(false)
                                } else {
                                    let mut ok = true;
                                    for k in p..e {
                                        if ptr >= end {
                                            ok = false;
                                            break;
                                        }
                                        let (a, b) = (self.ch(ptr), self.ch(k));
                                        let same = match op {
                                            GROUPREF => a == b,
                                            GROUPREF_IGNORE | GROUPREF_LOC_IGNORE => {
                                                chars::lower_ascii(a) == chars::lower_ascii(b)
                                            }
                                            _ => chars::lower_uni(a) == chars::lower_uni(b),
                                        };
                                        if !same {
                                            ok = false;
                                            break;
                                        }
                                        ptr += 1;
                                    }
                                    if ok {
                                        pc += 1;
                                        Next::Dispatch
                                    } else {
                                        Next::Exit(false)
                                    }
                                }
                            }
                        }
                        GROUPREF_EXISTS => {
                            let g = self.op(pc) as isize * 2;
                            let set = g < self.lastmark && {
                                let p = self.get_mark(g as usize);
                                let e = self.get_mark(g as usize + 1);
                                !(p == NONE || e == NONE || e < p)
                            };
                            if set {
                                pc += 2;
                            } else {
                                pc += self.op(pc + 1) as usize;
                            }
                            Next::Dispatch
                        }
                        ASSERT => {
                            let back = self.op(pc + 1) as usize;
                            if ptr < back {
                                Next::Exit(false)
                            } else {
                                self.ptr = ptr - back;
                                do_jump!(Jump::Assert, pc + 2, false)
                            }
                        }
                        ASSERT_NOT => {
                            let back = self.op(pc + 1) as usize;
                            if ptr >= back {
                                self.ptr = ptr - back;
                                lastmark_save!();
                                if self.repeat.is_some() {
                                    self.mark_push(top!().lastmark);
                                }
                                do_jump!(Jump::AssertNot, pc + 2, false)
                            } else {
                                pc += self.op(pc) as usize;
                                Next::Dispatch
                            }
                        }
                        FAILURE => Next::Exit(false),
                        _ => return Err(Stop::Illegal),
                    }
                }
                Next::BranchLoop => {
                    if self.op(pc) == 0 {
                        if self.repeat.is_some() {
                            self.mark_pop_discard(top!().lastmark);
                        }
                        Next::Exit(false)
                    } else {
                        // An alternative starting with a literal or a set that the next
                        // character cannot match is skipped without a context.
                        let first = self.op(pc + 1);
                        let skip = (first == LITERAL
                            && (ptr >= end || self.ch(ptr) != self.op(pc + 2)))
                            || (first == IN && (ptr >= end || !self.charset(pc + 3, self.ch(ptr))));
                        if skip {
                            pc += self.op(pc) as usize;
                            Next::BranchLoop
                        } else {
                            self.ptr = ptr;
                            let tl = top!().toplevel;
                            do_jump!(Jump::Branch, pc + 1, tl)
                        }
                    }
                }
                Next::RepeatOne1Loop => {
                    let min = self.op(pc + 1) as isize;
                    let tail = pc + self.op(pc) as usize;
                    let chr = top!().chr;
                    let mut count = top!().count;
                    while count >= min && (ptr >= end || self.ch(ptr) != chr) {
                        ptr = ptr.wrapping_sub(1);
                        count -= 1;
                    }
                    top!().count = count;
                    if count < min {
                        if self.repeat.is_some() {
                            self.mark_pop_discard(top!().lastmark);
                        }
                        Next::Exit(false)
                    } else {
                        self.ptr = ptr;
                        let tl = top!().toplevel;
                        do_jump!(Jump::RepeatOne1, tail, tl)
                    }
                }
                Next::RepeatOne2Loop => {
                    let min = self.op(pc + 1) as isize;
                    let tail = pc + self.op(pc) as usize;
                    if top!().count >= min {
                        self.ptr = ptr;
                        let tl = top!().toplevel;
                        do_jump!(Jump::RepeatOne2, tail, tl)
                    } else {
                        if self.repeat.is_some() {
                            self.mark_pop_discard(top!().lastmark);
                        }
                        Next::Exit(false)
                    }
                }
                Next::MinRepeatOneLoop => {
                    let max = self.op(pc + 2);
                    let tail = pc + self.op(pc) as usize;
                    if max == MAXREPEAT || top!().count <= max as isize {
                        self.ptr = ptr;
                        let tl = top!().toplevel;
                        do_jump!(Jump::MinRepeatOne, tail, tl)
                    } else {
                        if self.repeat.is_some() {
                            self.mark_pop_discard(top!().lastmark);
                        }
                        Next::Exit(false)
                    }
                }
                Next::PossLoop1 => {
                    let min = self.op(pc + 1) as isize;
                    if top!().count < min {
                        do_jump!(Jump::PossRepeat1, pc + 3, false)
                    } else {
                        ptr = NONE;
                        Next::PossLoop2
                    }
                }
                Next::PossLoop2 => {
                    let max = self.op(pc + 2);
                    if (max == MAXREPEAT || top!().count < max as isize) && self.ptr != ptr {
                        lastmark_save!();
                        self.mark_push(top!().lastmark);
                        ptr = self.ptr;
                        do_jump!(Jump::PossRepeat2, pc + 3, false)
                    } else {
                        Next::PossTail
                    }
                }
                Next::PossTail => {
                    pc += self.op(pc) as usize + 1;
                    ptr = self.ptr;
                    Next::Dispatch
                }
                Next::MaxUntilTail => {
                    let r = top!().rep;
                    self.repeat = self.repeats.get(r).and_then(|x| x.prev);
                    let tl = top!().toplevel;
                    do_jump!(Jump::MaxUntil3, pc, tl)
                }
                Next::Resume(jump, ret) => match jump {
                    Jump::None => return Ok(ret),
                    Jump::Branch => {
                        if ret {
                            if self.repeat.is_some() {
                                self.mark_pop_discard(top!().lastmark);
                            }
                            Next::Exit(true)
                        } else {
                            if self.repeat.is_some() {
                                self.mark_pop_keep(top!().lastmark);
                            }
                            lastmark_restore!();
                            pc += self.op(pc) as usize;
                            Next::BranchLoop
                        }
                    }
                    Jump::RepeatOne1 | Jump::RepeatOne2 => {
                        if ret {
                            if self.repeat.is_some() {
                                self.mark_pop_discard(top!().lastmark);
                            }
                            Next::Exit(true)
                        } else {
                            if self.repeat.is_some() {
                                self.mark_pop_keep(top!().lastmark);
                            }
                            lastmark_restore!();
                            ptr = ptr.wrapping_sub(1);
                            top!().count -= 1;
                            if jump == Jump::RepeatOne1 {
                                Next::RepeatOne1Loop
                            } else {
                                Next::RepeatOne2Loop
                            }
                        }
                    }
                    Jump::MinRepeatOne => {
                        if ret {
                            if self.repeat.is_some() {
                                self.mark_pop_discard(top!().lastmark);
                            }
                            Next::Exit(true)
                        } else {
                            if self.repeat.is_some() {
                                self.mark_pop_keep(top!().lastmark);
                            }
                            lastmark_restore!();
                            self.ptr = ptr;
                            let n = self.count(pc + 3, 1)?;
                            if n == 0 {
                                if self.repeat.is_some() {
                                    self.mark_pop_discard(top!().lastmark);
                                }
                                Next::Exit(false)
                            } else {
                                ptr += 1;
                                top!().count += 1;
                                Next::MinRepeatOneLoop
                            }
                        }
                    }
                    Jump::Repeat => {
                        let r = top!().rep;
                        self.repeat = self.repeats.get(r).and_then(|x| x.prev);
                        self.repeats.truncate(r);
                        Next::Exit(ret)
                    }
                    Jump::MaxUntil1 | Jump::MinUntil1 => {
                        if ret {
                            Next::Exit(true)
                        } else {
                            let c = top!();
                            if let Some(rep) = self.repeats.get_mut(c.rep) {
                                rep.count = c.count - 1;
                            }
                            self.ptr = ptr;
                            Next::Exit(false)
                        }
                    }
                    Jump::MaxUntil2 => {
                        let c = top!();
                        let saved = self.data.pop().unwrap_or(NONE);
                        if let Some(rep) = self.repeats.get_mut(c.rep) {
                            rep.last_ptr = saved;
                        }
                        if ret {
                            self.mark_pop_discard(c.lastmark);
                            Next::Exit(true)
                        } else {
                            self.mark_pop(c.lastmark);
                            lastmark_restore!();
                            if let Some(rep) = self.repeats.get_mut(c.rep) {
                                rep.count = c.count - 1;
                            }
                            self.ptr = ptr;
                            Next::MaxUntilTail
                        }
                    }
                    Jump::MaxUntil3 => {
                        let c = top!();
                        self.repeat = Some(c.rep);
                        if ret {
                            Next::Exit(true)
                        } else {
                            self.ptr = ptr;
                            Next::Exit(false)
                        }
                    }
                    Jump::MinUntil2 => {
                        let c = top!();
                        let repeat_of_tail = self.repeat;
                        self.repeat = Some(c.rep);
                        if ret {
                            if repeat_of_tail.is_some() {
                                self.mark_pop_discard(c.lastmark);
                            }
                            Next::Exit(true)
                        } else {
                            if repeat_of_tail.is_some() {
                                self.mark_pop(c.lastmark);
                            }
                            lastmark_restore!();
                            self.ptr = ptr;
                            let (rpc, last_ptr) = match self.repeats.get(c.rep) {
                                Some(r) => (r.pc, r.last_ptr),
                                None => return Err(Stop::Illegal),
                            };
                            let max = self.op(rpc + 2);
                            if (max != MAXREPEAT && c.count >= max as isize) || self.ptr == last_ptr
                            {
                                Next::Exit(false)
                            } else {
                                let cur = self.ptr;
                                if let Some(rep) = self.repeats.get_mut(c.rep) {
                                    rep.count = c.count;
                                    rep.last_ptr = cur;
                                }
                                self.data.push(last_ptr);
                                do_jump!(Jump::MinUntil3, rpc + 3, c.toplevel)
                            }
                        }
                    }
                    Jump::MinUntil3 => {
                        let c = top!();
                        let saved = self.data.pop().unwrap_or(NONE);
                        if let Some(rep) = self.repeats.get_mut(c.rep) {
                            rep.last_ptr = saved;
                        }
                        if ret {
                            Next::Exit(true)
                        } else {
                            if let Some(rep) = self.repeats.get_mut(c.rep) {
                                rep.count = c.count - 1;
                            }
                            self.ptr = ptr;
                            Next::Exit(false)
                        }
                    }
                    Jump::PossRepeat1 => {
                        if ret {
                            top!().count += 1;
                            Next::PossLoop1
                        } else {
                            self.ptr = ptr;
                            Next::Exit(false)
                        }
                    }
                    Jump::PossRepeat2 => {
                        let c = top!();
                        if ret {
                            self.mark_pop_discard(c.lastmark);
                            top!().count += 1;
                            Next::PossLoop2
                        } else {
                            self.mark_pop(c.lastmark);
                            lastmark_restore!();
                            self.ptr = ptr;
                            Next::PossTail
                        }
                    }
                    Jump::AtomicGroup => {
                        if !ret {
                            self.ptr = ptr;
                            Next::Exit(false)
                        } else {
                            pc += self.op(pc) as usize;
                            ptr = self.ptr;
                            Next::Dispatch
                        }
                    }
                    Jump::Assert => {
                        if !ret {
                            Next::Exit(false)
                        } else {
                            pc += self.op(pc) as usize;
                            Next::Dispatch
                        }
                    }
                    Jump::AssertNot => {
                        let c = top!();
                        if ret {
                            if self.repeat.is_some() {
                                self.mark_pop_discard(c.lastmark);
                            }
                            Next::Exit(false)
                        } else {
                            if self.repeat.is_some() {
                                self.mark_pop(c.lastmark);
                            }
                            lastmark_restore!();
                            pc += self.op(pc) as usize;
                            Next::Dispatch
                        }
                    }
                },
            };
        }
    }
}

/// The index of the innermost context (the stack is never empty while a match runs).
fn top_index(ctxs: &[Ctx]) -> usize {
    ctxs.len().saturating_sub(1)
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
