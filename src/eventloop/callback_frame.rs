//! The `Handle._run` frame CPython's tracebacks of failed loop callbacks start with. aio
//! calls callbacks natively, with no such frame; `asyncio.events._HandleRun._run` has the
//! code that frame would run, so the traceback gets an entry for it, outermost.

use crate::obj::exception::TbEntry;
use crate::obj::frame::FrameObj;
use crate::obj::Obj;
use crate::vm::errors::ExcRef;
use crate::vm::value::{ObjRef, Value};
use crate::vm::Vm;

/// Adds the `_run` frame as the outermost entry of `e`'s traceback (when asyncio.events
/// is loaded, as it is whenever a loop runs).
pub fn add_handle_run_frame(vm: &mut Vm, e: &ExcRef) {
    if let Some(entry) = handle_run_entry(vm) {
        e.exc().traceback.borrow_mut().pending.push(entry);
    }
}

fn handle_run_entry(vm: &mut Vm) -> Option<TbEntry> {
    let modules = vm.modules.clone();
    let key = vm.intern("asyncio.events");
    let events = crate::vm::dictops::plain_getitem(&modules, &key)?;
    let class = vm.get_attr_str(&events, "_HandleRun").ok()?;
    let run = vm.get_attr_str(&class, "_run").ok()?;
    let Value::Obj(o) = &run else { return None };
    let Obj::Function(f) = &**o else { return None };
    let code = f.code.clone();
    // The call in its body: the first instruction past the `def` line.
    let first = code.code.first_line();
    let pc = (0..code.code.ops.len()).find(|&i| code.code.line_of(i) > first)?;
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
