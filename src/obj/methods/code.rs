//! Methods of code objects: `co_positions()`, which traceback.aio reads to place the
//! carets under a frame's source line as CPython's traceback module does.

use crate::obj::function::Args;
use crate::obj::Obj;
use crate::vm::errors::{type_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

/// `code.co_positions()`: an iterator of `(lineno, end_lineno, col_offset, end_col_offset)`
/// per instruction, columns in UTF-8 bytes from the line's start, as CPython's. aio's
/// instructions are not CPython's: entry `i` belongs to the instruction at `f_lasti` (and
/// `tb_lasti`) `2 * i`, which is how the traceback module indexes it.
fn co_positions(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("co_positions", 1, 1)?;
    let code = match &args.pos[0] {
        Value::Obj(o) if matches!(&**o, Obj::Code(_)) => o.clone(),
        _ => {
            return Err(type_error(
                "descriptor 'co_positions' requires a 'code' object",
            ))
        }
    };
    let Obj::Code(code) = &*code else {
        unreachable!("checked above")
    };
    let code = &code.code;
    let src = &code.source;
    let positions: Vec<Value> = code
        .spans
        .iter()
        .map(|span| {
            let line = src.line_of(span.start);
            let end_line = src.line_of(span.end.max(span.start));
            let col = span.start as usize - src.line_start(line).min(span.start as usize);
            let end_col = span.end as usize - src.line_start(end_line).min(span.end as usize);
            Value::tuple(vec![
                Value::Int(line.into()),
                Value::Int(end_line.into()),
                Value::Int(col as i64),
                Value::Int(end_col as i64),
            ])
        })
        .collect();
    vm.iter(&Value::list(positions))
}

pub fn register(vm: &mut Vm) {
    let code = vm.t.code.clone();
    vm.add_methods(&code, "code", &[("co_positions", co_positions)]);
}
