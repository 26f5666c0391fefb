//! The `gc` module: a thin front for the cycle collector (`crate::gc::collector`), which
//! owns the enabled flag, the generation counts and the thresholds.

use crate::gc::collector;
use crate::obj::function::{Args, NativeFn};
use crate::obj::Obj;
use crate::vm::errors::{not_implemented, type_error, value_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

fn g_collect(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.clinic_max_args("collect", 1)?;
    args.only_kwargs("collect", &["generation"])?;
    let generation = match args.arg(0, "generation") {
        Some(v) => vm.index_value(v)?,
        None => 2,
    };
    if !(0..=2).contains(&generation) {
        return Err(value_error("invalid generation"));
    }
    Ok(Value::Int(
        collector::collect(vm, generation as usize) as i64
    ))
}

fn g_enable(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("gc.enable", 0, 0)?;
    collector::enable(true);
    Ok(Value::None)
}

fn g_disable(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("gc.disable", 0, 0)?;
    collector::enable(false);
    Ok(Value::None)
}

fn g_isenabled(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("gc.isenabled", 0, 0)?;
    Ok(Value::Bool(collector::is_enabled()))
}

fn int_triple(t: [i64; 3]) -> Value {
    Value::tuple(t.iter().map(|&n| Value::Int(n)).collect())
}

fn g_get_count(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("gc.get_count", 0, 0)?;
    Ok(int_triple(collector::get_count().map(|n| n as i64)))
}

fn g_get_threshold(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("gc.get_threshold", 0, 0)?;
    Ok(int_triple(collector::get_threshold()))
}

fn g_set_threshold(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("set_threshold")?;
    let n = args.pos.len();
    if n == 0 {
        return Err(type_error(
            "set_threshold() takes at least 1 argument (0 given)",
        ));
    }
    if n > 3 {
        return Err(type_error(format!(
            "set_threshold() takes at most 3 arguments ({n} given)"
        )));
    }
    let mut t = collector::get_threshold();
    for (slot, v) in t.iter_mut().zip(args.pos.iter()) {
        *slot = vm.index_value(v)?;
    }
    collector::set_threshold(t);
    Ok(Value::None)
}

/// `gc.get_stats()`: one dict per generation, as CPython's.
fn g_get_stats(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("gc.get_stats", 0, 0)?;
    let generations = collector::get_stats()
        .iter()
        .map(|s| {
            let mut d = crate::obj::DictData::new();
            for (name, n) in [
                ("collections", s.collections),
                ("collected", s.collected),
                ("uncollectable", s.uncollectable),
            ] {
                let key = vm.intern(name);
                crate::vm::dictops::set_str(&mut d, key, Value::Int(n as i64));
            }
            Value::dict(d)
        })
        .collect();
    Ok(Value::list(generations))
}

/// `gc.get_objects(generation=None)`: the objects the collector tracks.
fn g_get_objects(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.clinic_max_args("get_objects", 1)?;
    args.only_kwargs("get_objects", &["generation"])?;
    let generation = match args.arg(0, "generation") {
        None | Some(Value::None) | Some(Value::Int(-1)) => None,
        Some(Value::Int(g)) if (0..3).contains(g) => Some(*g as usize),
        Some(Value::Int(g)) if *g >= 3 => {
            return Err(value_error(
                "generation parameter must be less than the number of available generations (3)",
            ))
        }
        Some(Value::Int(_)) => return Err(value_error("generation parameter cannot be negative")),
        Some(other) => {
            return Err(type_error(format!(
                "argument should be integer or None, not '{}'",
                vm.type_name(other)
            )))
        }
    };
    let objs = collector::objects(generation);
    Ok(Value::list(objs.into_iter().map(Value::Obj).collect()))
}

fn g_get_referrers(_vm: &mut Vm, _args: &Args) -> PyResult<Value> {
    Err(not_implemented(
        "gc.get_referrers() is not supported by aio",
    ))
}

/// `gc.callbacks` when the program imported `gc` and put something in it: the list
/// object, which the collector calls around each collection.
pub fn installed_callbacks(vm: &mut Vm) -> Option<Value> {
    let module = vm.sys_module("gc")?;
    let Value::Obj(m) = &module else { return None };
    let Obj::Module(m) = &**m else { return None };
    let Obj::Dict(d) = &*m.dict else { return None };
    let list = crate::vm::dictops::get_str(&d.borrow(), &Value::str("callbacks"))?;
    match &list {
        Value::Obj(o) if matches!(&**o, Obj::List(l) if !l.borrow().is_empty()) => Some(list),
        _ => None,
    }
}

/// CPython's invoke_gc_callback: each callback in `list` (read live, as callbacks may
/// change it) gets `phase` and one info dict; an exception is reported as unraisable.
pub fn invoke_callbacks(
    vm: &mut Vm,
    list: &Value,
    phase: &str,
    generation: usize,
    collected: usize,
) {
    let Value::Obj(l) = list else { return };
    let Obj::List(items) = &**l else { return };
    let mut info = crate::obj::DictData::new();
    let set = crate::vm::dictops::set_str;
    set(
        &mut info,
        Value::str("generation"),
        Value::Int(generation as i64),
    );
    set(
        &mut info,
        Value::str("collected"),
        Value::Int(collected as i64),
    );
    set(&mut info, Value::str("uncollectable"), Value::Int(0));
    let info = Value::dict(info);
    let mut i = 0;
    loop {
        let Some(cb) = items.borrow().get(i).cloned() else {
            break;
        };
        if let Err(e) = vm.call(&cb, &[Value::str(phase), info.clone()]) {
            super::sys_unraisable::report(vm, &cb, &e.value());
        }
        i += 1;
    }
}

pub fn register(vm: &mut Vm) {
    let funcs: &[(&'static str, NativeFn)] = &[
        ("collect", g_collect),
        ("enable", g_enable),
        ("disable", g_disable),
        ("isenabled", g_isenabled),
        ("get_count", g_get_count),
        ("get_threshold", g_get_threshold),
        ("set_threshold", g_set_threshold),
        ("get_objects", g_get_objects),
        ("get_stats", g_get_stats),
        ("get_referrers", g_get_referrers),
    ];
    let (_, dict) = super::sys::new_module(vm, "gc", funcs);
    // Uncollectable objects: always empty, as in CPython since PEP 442 (finalizers run).
    if let Obj::Dict(d) = &*dict {
        let garbage = Value::list(Vec::new());
        crate::vm::dictops::set_str(&mut d.borrow_mut(), Value::str("garbage"), garbage);
        // Functions the collector calls before and after each collection.
        let callbacks = Value::list(Vec::new());
        crate::vm::dictops::set_str(&mut d.borrow_mut(), Value::str("callbacks"), callbacks);
    }
}
