//! Frames of CPython's Python code that aio does natively, added to tracebacks so they
//! show what CPython's show: `Handle._run` heads the traceback of a failed loop callback,
//! and `_WorkItem.run` that of a failed default-executor job. Each is a method whose code
//! is that frame's (it never runs); the traceback gets an entry for it, outermost.

use crate::obj::exception::TbEntry;
use crate::obj::frame::FrameObj;
use crate::obj::Obj;
use crate::vm::errors::ExcRef;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// Where a stand-in method is: module, class, method, and how many lines below its `def`
/// the call that raised is.
type Site = (&'static str, &'static str, &'static str, u32);

/// `asyncio.events._HandleRun._run`, for CPython's `Handle._run`:
/// `self._context.run(self._callback, *self._args)`.
const HANDLE_RUN: Site = ("asyncio.events", "_HandleRun", "_run", 1);
/// The `_WorkItem.run` that the default executor's workers do natively:
/// `result = self.fn(*self.args, **self.kwargs)`.
const WORK_ITEM_RUN: Site = ("concurrent.futures.thread", "_WorkItem", "run", 4);

/// A loop callback raised `e`.
pub fn add_handle_run_frame(vm: &mut Vm, e: &ExcRef) {
    add_outermost(vm, HANDLE_RUN, e);
}

/// A default-executor job raised `e`.
pub fn add_work_item_run_frame(vm: &mut Vm, e: &ExcRef) {
    add_outermost(vm, WORK_ITEM_RUN, e);
}

fn add_outermost(vm: &mut Vm, site: Site, e: &ExcRef) {
    if let Some(entry) = entry_for(vm, site) {
        e.exc().traceback.borrow_mut().pending.push(entry);
    }
}

fn entry_for(vm: &mut Vm, (module, class, method, below): Site) -> Option<TbEntry> {
    let module = vm.import_module(module).ok()?;
    let class = vm.get_attr_str(&module, class).ok()?;
    let func = vm.get_attr_str(&class, method).ok()?;
    let Value::Obj(o) = &func else { return None };
    let Obj::Function(f) = &**o else { return None };
    let code = f.code.clone();
    let line = code.code.first_line() + below;
    let pc = (0..code.code.ops.len()).find(|&i| code.code.line_of(i) == line)?;
    let frame = ObjRef::new(Obj::Frame(Box::new(FrameObj::new(
        code.clone(),
        f.globals.clone(),
        None,
    ))));
    Some(TbEntry {
        code,
        pc: u32::try_from(pc).ok()?,
        frame,
    })
}
