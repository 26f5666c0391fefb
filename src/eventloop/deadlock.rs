//! The deadlock report (DESIGN.md section 1, deliberate difference 1): when nothing can
//! ever wake any task (no ready callbacks, no timers, no I/O, no threads), aio prints each
//! task with its await stack on stderr and exits with status 1 instead of hanging.

use super::futures::as_future;
use crate::bytecode::Op;
use crate::obj::generator::GenState;
use crate::obj::Obj;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// Exit status of a deadlocked program.
pub const DEADLOCK_EXIT_STATUS: i32 = 1;

/// `File "...", line N, in name` for each frame of a suspended coroutine's await chain,
/// outermost first.
pub fn await_stack(coro: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = coro.clone();
    for _ in 0..crate::vm::DEFAULT_RECURSION_LIMIT {
        let Value::Obj(o) = &cur else { break };
        // `await agen.asend()`/`async for`: go on into the async generator.
        if let Some(gen) = crate::vm::async_gen::awaited_generator(o) {
            cur = Value::Obj(gen);
            continue;
        }
        let Obj::Generator(g) = &**o else { break };
        if g.state.get() != GenState::Suspended {
            break;
        }
        let next = {
            let fr = g.frame.borrow();
            let Some(f) = fr.as_ref() else { break };
            let c = &f.code.code;
            out.push(format!(
                "  File \"{}\", line {}, in {}",
                c.source.name,
                c.line_of(f.lasti()),
                g.qualname()
            ));
            let i = f.lasti();
            let at_send = i
                .checked_sub(1)
                .and_then(|j| c.ops.get(j))
                .is_some_and(|op| matches!(op, Op::Send(_)));
            if at_send {
                f.stack.last().cloned()
            } else {
                None
            }
        };
        match next {
            Some(v) => cur = v,
            None => break,
        }
    }
    out
}

/// Prints the report and ends the process.
pub fn report_and_exit(vm: &mut Vm, lp: &ObjRef) -> ! {
    let tasks: Vec<ObjRef> = vm
        .aio
        .state(lp)
        .map(|s| s.tasks.clone())
        .unwrap_or_default();
    let mut text =
        String::from("aio: deadlock: every task waits for something that nothing can complete\n");
    for t in &tasks {
        let r = vm
            .repr(&Value::Obj(t.clone()))
            .unwrap_or_else(|_| "<Task>".into());
        text.push_str(&r);
        text.push('\n');
        if let Some(ts) = as_future(t).and_then(|f| f.task.as_ref()) {
            let coro = ts.coro.borrow().clone();
            for line in await_stack(&coro) {
                text.push_str(&line);
                text.push('\n');
            }
        }
    }
    vm.flush_std_streams();
    vm.write_stderr(&text);
    vm.flush_std_streams();
    std::process::exit(DEADLOCK_EXIT_STATUS)
}
