//! Stack effects of every op and the flow analysis that computes `max_stack` and the depth
//! each exception handler restores.

use super::codegen::{jump_target, IOp, Instr, Label};
use crate::bytecode::Op;

/// Net stack effect of `op`; `jump` selects the effect when the jump is taken.
pub fn stack_effect(op: &Op, jump: bool) -> i64 {
    use Op::*;
    match *op {
        Nop | Swap(_) | Jump(_) | LoadAttr(_) | Unary(_) | KwNames(_) | ListToTuple
        | DeleteFast(_) | DeleteDeref(_) | DeleteGlobal(_) | DeleteName(_) | CheckExcMatch
        | CheckEgMatch | YieldValue | GetYieldFromIter | GetAwaitable(_) | GetAIter | GetIter
        | SetupAnnotations | AsyncGenWrap => 0,
        GetLen | MatchMapping | MatchSequence | MatchKeys => 1,
        MatchClass(_) => -2,
        StoreUnder(_) => -1,
        PopTop => -1,
        Copy(_) | PushNull | LoadConst(_) | LoadFast(_) | LoadDeref(_) | LoadClosure(_)
        | LoadClassDeref(_) | LoadGlobal(_) | LoadName(_) | LoadMethod(_) | LoadBuildClass
        | PushExcInfo | LoadAssertionError | BeforeWith | WithExceptStart | GetANext
        | BeforeAsyncWith | ImportFrom(_) => 1,
        StoreFast(_) | StoreDeref(_) | StoreGlobal(_) | StoreName(_) | DeleteAttr(_) => -1,
        StoreAttr(_) | DeleteSubscr => -2,
        StoreSubscr => -3,
        BinarySubscr | Binary(_) | InplaceBinary(_) | Compare(_) => -1,
        PopJumpIfFalse(_) | PopJumpIfTrue(_) | PopJumpIfNone(_) | PopJumpIfNotNone(_) => -1,
        JumpIfFalseOrPop(_) | JumpIfTrueOrPop(_) => {
            if jump {
                0
            } else {
                -1
            }
        }
        ForIter(_) => {
            if jump {
                -1
            } else {
                1
            }
        }
        Send(_) => {
            if jump {
                -1
            } else {
                0
            }
        }
        Return => -1,
        Call(n) => -(n as i64) - 1,
        CallEx(f) => -2 - i64::from(f & 1),
        MakeFunction(f) => -(i64::from((f & 0xf).count_ones())),
        BuildTuple(n) | BuildList(n) | BuildSet(n) | BuildString(n) | BuildSlice(n) => 1 - n as i64,
        BuildMap(n) => 1 - 2 * n as i64,
        ListAppend(_) | SetAdd(_) | ListExtend(_) | SetUpdate(_) | DictUpdate(_) | DictMerge(_) => {
            -1
        }
        MapAdd(_) => -2,
        FormatValue(f) => {
            if f & 4 != 0 {
                -1
            } else {
                0
            }
        }
        UnpackSequence(n) => n as i64 - 1,
        UnpackEx(a) => i64::from(a & 0xff) + i64::from(a >> 8),
        RaiseVarargs(n) => -(n as i64),
        PopExcept | Reraise | PrepReraiseStar => -1,
        EndAsyncFor => -2,
        ImportName(_) => -1,
        ImportStar | PrintExpr => -1,
    }
}

/// Does control continue to the next instruction?
pub fn falls_through(op: &Op) -> bool {
    !matches!(
        op,
        Op::Jump(_) | Op::Return | Op::RaiseVarargs(_) | Op::Reraise
    )
}

#[cfg(test)]
thread_local! {
    /// Number of code objects whose flow analysis found disagreeing depths (tests check 0).
    pub static INCONSISTENT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

pub struct Analysis {
    pub max_depth: u32,
    /// Per handler id: the depth its table entry restores (None if never set up).
    pub handler_depth: Vec<Option<u32>>,
}

// `inconsistent` is only reported in test builds.
#[cfg_attr(not(test), allow(unused_assignments, unused_variables))]
pub fn analyze(instrs: &[Instr], label_pos: &[usize], handlers: &[Label]) -> Analysis {
    let n = instrs.len();
    let mut depth_at: Vec<Option<i64>> = vec![None; n + 1];
    let mut handler_depth: Vec<Option<u32>> = vec![None; handlers.len()];
    let mut max = 0i64;
    let mut inconsistent = false;
    let mut work: Vec<(usize, i64)> = vec![(0, 0)];
    let label = |l: u32| label_pos.get(l as usize).copied().unwrap_or(n);
    while let Some((start, d0)) = work.pop() {
        let mut pc = start;
        let mut d = d0;
        loop {
            if pc >= n {
                break;
            }
            if let Some(seen) = depth_at[pc] {
                if seen != d {
                    inconsistent = true;
                }
                if seen >= d {
                    break;
                }
            }
            depth_at[pc] = Some(d);
            max = max.max(d);
            match instrs[pc].op {
                IOp::Setup { handler, pop } => {
                    let hd = (d - i64::from(pop)).max(0);
                    if let Some(slot) = handler_depth.get_mut(handler as usize) {
                        *slot = Some(hd as u32);
                    }
                    if let Some(t) = handlers.get(handler as usize) {
                        work.push((label(t.0), hd + 1));
                        max = max.max(hd + 1);
                    }
                    pc += 1;
                }
                IOp::Op(op) => {
                    if let Some(t) = jump_target(&op) {
                        let jd = d + stack_effect(&op, true);
                        max = max.max(jd);
                        work.push((label(t), jd));
                    }
                    if !falls_through(&op) {
                        break;
                    }
                    d += stack_effect(&op, false);
                    if d < 0 {
                        inconsistent = true;
                        d = 0;
                    }
                    max = max.max(d);
                    pc += 1;
                }
            }
        }
    }
    #[cfg(test)]
    if inconsistent {
        INCONSISTENT.with(|c| c.set(c.get() + 1));
    }
    Analysis {
        max_depth: max.max(0) as u32,
        handler_depth,
    }
}
