//! Quickening: the fast tier's own copy of a code object's instructions (CPython 3.11's
//! superinstructions, formed once when the code object is made).
//!
//! Each position of `quicken(ops)` says how the fast tier runs `ops` from there: as one
//! of the instructions it knows, as a fused sequence of two or three of them, or `Slow`
//! (the general loop runs `ops[pc]`). A fused instruction stands at the position of the
//! first instruction it covers; the positions it covers keep their own translation, so a
//! jump into the middle of a sequence, or a fused instruction that stops part-way and
//! hands the rest to the general loop, finds every original instruction where it was.
//! Instruction indices, line numbers and exception ranges are therefore unchanged.

use crate::bytecode::{ConstValue, Op};
use crate::syntax::ast::{BinOp, CmpOp};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Inst {
    /// The general loop runs `ops[pc]`.
    Slow,
    Nop,
    LoadFast(u32),
    LoadConst(u32),
    LoadGlobal(u32),
    /// `LoadName` and `StoreName` in a frame without a locals mapping (module code), where
    /// they are global lookups and stores.
    LoadName(u32),
    StoreName(u32),
    LoadMethod(u32),
    LoadAttr(u32),
    StoreAttr(u32),
    LoadDeref(u32),
    StoreDeref(u32),
    StoreFast(u32),
    PopTop,
    PushNull,
    Copy(u32),
    Swap(u32),
    /// `Binary` and `InplaceBinary` (the same on the types the fast tier handles).
    Binary(BinOp),
    Compare(CmpOp),
    Jump(u32),
    PopJumpIfFalse(u32),
    PopJumpIfTrue(u32),
    BinarySubscr,
    StoreSubscr,
    /// For a tuple or list of exactly that length.
    UnpackSequence(u32),
    ForIter(u32),
    Call(u32),
    GetAwaitable,
    Send,
    YieldValue,
    Return,
    /// `FormatValue(0)`: an f-string's `{v}` without conversion or spec.
    FormatPlain,
    /// `BuildString(n)`: an f-string's pieces joined.
    BuildString(u32),
    /// `LoadFast a; Return`
    ReturnFast(u32),
    /// `Binary(op); Return`
    BinaryReturn(BinOp),
    /// `LoadFast a; LoadFast b`
    LoadFast2(u16, u16),
    /// `LoadFast a; LoadConst c`
    LoadFastConst(u16, u16),
    /// `LoadFast a; LoadConst c; Binary(op)`
    FastConstBinary(u16, u16, BinOp),
    /// `LoadFast a; LoadFast b; BinarySubscr`
    FastFastSubscr(u16, u16),
    /// `Compare(op); PopJumpIfFalse(t)` (false) or `PopJumpIfTrue(t)` (true)
    CompareJump(CmpOp, bool, u32),
    /// `StoreFast a; LoadFast b`
    StoreFastLoadFast(u16, u16),
    /// `LoadFast a; LoadConst c; Compare(op); PopJumpIfFalse/PopJumpIfTrue(t)` for the
    /// ordering and equality operators (see `FastConstCompareJump::jump`).
    FastConstCompareJump(u16, u16, CmpOp, CmpJump),
    /// `PushNull; LoadGlobal i`: the callable of a call of a global.
    NullLoadGlobal(u32),
    /// `Binary(op); StoreFast a`
    BinaryStoreFast(BinOp, u16),
    /// `Call(n); GetAwaitable; LoadConst(None); Send(t)`: `await f(args)`. A plain
    /// coroutine function's frame runs at once, without a coroutine object (`Frame::lazy_coro`).
    CallAwait(u16, u32),
    /// `BeforeAsyncWith; GetAwaitable; LoadConst(None); Send(t)`: entering `async with`,
    /// whose `__aenter__` runs in place as `CallAwait` runs a coroutine function.
    AsyncWithEnter(u32),
}

/// Where a fused compare-and-jump goes: its target below 2**15, and whether it jumps when
/// the comparison is true (`PopJumpIfTrue`) in the top bit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CmpJump(u16);

impl CmpJump {
    const IF_TRUE: u16 = 1 << 15;

    fn new(target: u32, if_true: bool) -> Option<CmpJump> {
        let t = u16::try_from(target)
            .ok()
            .filter(|t| t & Self::IF_TRUE == 0)?;
        Some(CmpJump(t | if if_true { Self::IF_TRUE } else { 0 }))
    }

    /// The jump target.
    #[inline(always)]
    pub fn target(self) -> usize {
        (self.0 & !Self::IF_TRUE) as usize
    }

    /// Whether it jumps when the comparison is true.
    #[inline(always)]
    pub fn if_true(self) -> bool {
        self.0 & Self::IF_TRUE != 0
    }
}

/// The fast tier's instructions for `ops` (whose constants are `consts`).
pub fn quicken(ops: &[Op], consts: &[ConstValue]) -> Box<[Inst]> {
    (0..ops.len())
        .map(|i| fused(&ops[i..], consts).unwrap_or_else(|| single(ops[i])))
        .collect()
}

/// The fused instruction starting at `ops[0]`, if any (longest first).
fn fused(ops: &[Op], consts: &[ConstValue]) -> Option<Inst> {
    use Op::*;
    let small = |i: u32| u16::try_from(i).ok();
    let is_none = |c: u32| matches!(consts.get(c as usize), Some(ConstValue::None));
    Some(match ops {
        [Call(n), GetAwaitable(_), LoadConst(c), Send(t), ..] if is_none(*c) => {
            Inst::CallAwait(small(*n)?, *t)
        }
        [BeforeAsyncWith, GetAwaitable(_), LoadConst(c), Send(t), ..] if is_none(*c) => {
            Inst::AsyncWithEnter(*t)
        }
        [LoadFast(a), LoadConst(c), Binary(op) | InplaceBinary(op), ..] => {
            Inst::FastConstBinary(small(*a)?, small(*c)?, *op)
        }
        [LoadFast(a), LoadFast(b), BinarySubscr, ..] => {
            Inst::FastFastSubscr(small(*a)?, small(*b)?)
        }
        [LoadFast(a), LoadConst(c), Compare(op), jump @ (PopJumpIfFalse(_) | PopJumpIfTrue(_)), ..]
            if ordering(*op) =>
        {
            let j = match jump {
                PopJumpIfTrue(t) => CmpJump::new(*t, true),
                PopJumpIfFalse(t) => CmpJump::new(*t, false),
                _ => None,
            };
            Inst::FastConstCompareJump(small(*a)?, small(*c)?, *op, j?)
        }
        [PushNull, LoadGlobal(i), ..] => Inst::NullLoadGlobal(*i),
        [LoadFast(a), Return, ..] => Inst::ReturnFast(*a),
        [Binary(op) | InplaceBinary(op), Return, ..] => Inst::BinaryReturn(*op),
        [LoadFast(a), LoadFast(b), ..] => Inst::LoadFast2(small(*a)?, small(*b)?),
        [LoadFast(a), LoadConst(c), ..] => Inst::LoadFastConst(small(*a)?, small(*c)?),
        [Compare(op), PopJumpIfFalse(t), ..] => Inst::CompareJump(*op, false, *t),
        [Compare(op), PopJumpIfTrue(t), ..] => Inst::CompareJump(*op, true, *t),
        [StoreFast(a), LoadFast(b), ..] => Inst::StoreFastLoadFast(small(*a)?, small(*b)?),
        [Binary(op) | InplaceBinary(op), StoreFast(a), ..] => {
            Inst::BinaryStoreFast(*op, small(*a)?)
        }
        _ => return None,
    })
}

/// The comparison operators the fast tier computes on numbers.
fn ordering(op: CmpOp) -> bool {
    use CmpOp::*;
    matches!(op, Eq | NotEq | Lt | LtE | Gt | GtE)
}

/// `op` on its own.
fn single(op: Op) -> Inst {
    match op {
        Op::Nop => Inst::Nop,
        Op::LoadFast(i) => Inst::LoadFast(i),
        Op::LoadConst(i) => Inst::LoadConst(i),
        Op::LoadGlobal(i) => Inst::LoadGlobal(i),
        Op::LoadName(i) => Inst::LoadName(i),
        Op::StoreName(i) => Inst::StoreName(i),
        Op::LoadMethod(i) => Inst::LoadMethod(i),
        Op::LoadAttr(i) => Inst::LoadAttr(i),
        Op::LoadDeref(i) => Inst::LoadDeref(i),
        Op::StoreDeref(i) => Inst::StoreDeref(i),
        Op::StoreAttr(i) => Inst::StoreAttr(i),
        Op::StoreFast(i) => Inst::StoreFast(i),
        Op::PopTop => Inst::PopTop,
        Op::PushNull => Inst::PushNull,
        Op::Copy(n) => Inst::Copy(n),
        Op::Swap(n) => Inst::Swap(n),
        Op::Binary(op) | Op::InplaceBinary(op) => Inst::Binary(op),
        Op::Compare(op) => Inst::Compare(op),
        Op::Jump(t) => Inst::Jump(t),
        Op::PopJumpIfFalse(t) => Inst::PopJumpIfFalse(t),
        Op::PopJumpIfTrue(t) => Inst::PopJumpIfTrue(t),
        Op::BinarySubscr => Inst::BinarySubscr,
        Op::StoreSubscr => Inst::StoreSubscr,
        Op::UnpackSequence(n) => Inst::UnpackSequence(n),
        Op::ForIter(t) => Inst::ForIter(t),
        Op::Call(n) => Inst::Call(n),
        Op::GetAwaitable(_) => Inst::GetAwaitable,
        Op::Send(_) => Inst::Send,
        Op::YieldValue => Inst::YieldValue,
        Op::Return => Inst::Return,
        Op::FormatValue(0) => Inst::FormatPlain,
        Op::BuildString(n) => Inst::BuildString(n),
        _ => Inst::Slow,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inst_stays_one_word() {
        assert_eq!(std::mem::size_of::<Inst>(), 8);
    }

    #[test]
    fn fused_sequences_keep_every_position() {
        let ops = [
            Op::LoadFast(0),
            Op::LoadConst(1),
            Op::Binary(BinOp::Add),
            Op::StoreFast(2),
            Op::LoadFast(2),
            Op::Compare(CmpOp::Lt),
            Op::PopJumpIfFalse(0),
            Op::LoadFast(70000),
            Op::LoadFast(1),
            Op::Return,
        ];
        let q = quicken(&ops, &[]);
        assert_eq!(
            &q[..],
            &[
                Inst::FastConstBinary(0, 1, BinOp::Add),
                Inst::LoadConst(1),
                Inst::BinaryStoreFast(BinOp::Add, 2),
                Inst::StoreFastLoadFast(2, 2),
                Inst::LoadFast(2),
                Inst::CompareJump(CmpOp::Lt, false, 0),
                Inst::PopJumpIfFalse(0),
                // An operand beyond u16 is not fused.
                Inst::LoadFast(70000),
                Inst::ReturnFast(1),
                Inst::Return,
            ]
        );
    }

    #[test]
    fn await_of_a_call_is_fused_only_when_it_sends_none() {
        let ops = [
            Op::Call(2),
            Op::GetAwaitable(0),
            Op::LoadConst(0),
            Op::Send(7),
            Op::Call(0),
            Op::GetAwaitable(0),
            Op::LoadConst(1),
            Op::Send(9),
        ];
        let q = quicken(&ops, &[ConstValue::None, ConstValue::Int(1)]);
        assert_eq!(q[0], Inst::CallAwait(2, 7));
        assert_eq!(
            q[1..4],
            [Inst::GetAwaitable, Inst::LoadConst(0), Inst::Send]
        );
        assert_eq!(q[4], Inst::Call(0));
    }
}
