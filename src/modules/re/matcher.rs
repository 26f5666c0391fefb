//! The matching engine: runs the code that CPython's `re._compiler` emits, with the
//! semantics of CPython 3.11's `sre` (Modules/_sre/sre_lib.h): the same opcodes, the same
//! rules for marks (`lastmark`/`lastindex` saved and restored where sre does), the same
//! zero-width protection in repeats and the same `must_advance` rule for empty matches.
//!
//! sre's nested calls are contexts on a heap stack (`Vec<Ctx>`), and its data stack of
//! saved marks is a `Vec` too, so no input or pattern can grow the native stack.

use super::chars;
use super::opcodes::*;
use super::state::{Res, State, Stop, Unit, NONE};

#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Jump {
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
pub(super) struct Ctx {
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
pub(super) struct Repeat {
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

impl<'a, T: Unit> State<'a, T> {
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
