//! Iteration builtins: iter, next, enumerate, zip, map, filter, reversed, sorted, min, max,
//! sum, any, all.

use crate::obj::function::Args;
use crate::obj::iter::IterState;
use crate::obj::Obj;
use crate::syntax::ast::{BinOp, CmpOp};
use crate::vm::errors::{exc_args, exc_empty, type_error, value_error, PyResult};
use crate::vm::generator::GenOutcome;
use crate::vm::native::native;
use crate::vm::types::ExcKind;
use crate::vm::value::Value;
use crate::vm::Vm;
use std::cell::RefCell;

fn new_iter(st: IterState) -> Value {
    Value::obj(Obj::Iter(RefCell::new(st)))
}

fn b_iter(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("iter", 1, 2)?;
    match args.pos.get(1) {
        None => vm.iter(&args.pos[0]),
        Some(sentinel) => {
            if !super::is_callable(vm, &args.pos[0]) {
                return Err(type_error("iter(v, w): v must be callable"));
            }
            Ok(new_iter(IterState::Callable {
                func: args.pos[0].clone(),
                sentinel: sentinel.clone(),
            }))
        }
    }
}

/// `aiter(obj)`: `obj.__aiter__()`, which must be an async iterator.
fn b_aiter(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("aiter", 1, 1)?;
    let obj = &args.pos[0];
    let Some(f) = vm.lookup_special(obj, "__aiter__") else {
        return Err(type_error(format!(
            "'{}' object is not an async iterable",
            vm.type_name(obj)
        )));
    };
    let it = vm.call(&f, std::slice::from_ref(obj))?;
    if vm.lookup_special(&it, "__anext__").is_none() {
        return Err(type_error(format!(
            "aiter() returned not an async iterator of type '{}'",
            vm.type_name(&it)
        )));
    }
    Ok(it)
}

/// `anext(it[, default])`: the awaitable `it.__anext__()`, wrapped so that the end of the
/// iteration gives `default` when there is one.
fn b_anext(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("anext", 1, 2)?;
    let it = &args.pos[0];
    let Some(f) = vm.lookup_special(it, "__anext__") else {
        return Err(type_error(format!(
            "'{}' object is not an async iterator",
            vm.type_name(it)
        )));
    };
    let awaitable = vm.call(&f, std::slice::from_ref(it))?;
    match args.pos.get(1) {
        None => Ok(awaitable),
        Some(default) => Ok(vm.anext_awaitable(awaitable, default.clone())),
    }
}

fn b_next(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("next", 1, 2)?;
    let it = &args.pos[0];
    let default = args.pos.get(1);
    if let Value::Obj(o) = it {
        match &**o {
            Obj::Generator(g) if g.kind == crate::obj::generator::GenKind::Generator => {
                // The generator's return value travels in the StopIteration.
                return match vm.gen_send(o, Value::None)? {
                    GenOutcome::Yielded(v) => Ok(v),
                    GenOutcome::Returned(v) => match default {
                        Some(d) => Ok(d.clone()),
                        None if v.is_none() => Err(exc_empty(ExcKind::StopIteration)),
                        None => Err(exc_args(ExcKind::StopIteration, vec![v])),
                    },
                };
            }
            Obj::Iter(_) => {
                return match vm.next(it)? {
                    Some(v) => Ok(v),
                    None => match default {
                        Some(d) => Ok(d.clone()),
                        None => Err(exc_empty(ExcKind::StopIteration)),
                    },
                };
            }
            _ => {}
        }
    }
    let Some(f) = vm.lookup_special(it, "__next__") else {
        return Err(type_error(format!(
            "'{}' object is not an iterator",
            vm.type_name(it)
        )));
    };
    match vm.call(&f, std::slice::from_ref(it)) {
        Err(e) if e.is(ExcKind::StopIteration) && default.is_some() => {
            Ok(default.cloned().unwrap_or(Value::None))
        }
        r => r,
    }
}

/// Rejects keywords not in `allowed` with CPython's "'x' is an invalid keyword argument
/// for f()".
fn check_kw(args: &Args, fname: &str, allowed: &[&str]) -> PyResult<()> {
    for k in args.kwnames {
        let k = k.as_str().unwrap_or("?");
        if !allowed.contains(&k) {
            return Err(type_error(format!(
                "'{k}' is an invalid keyword argument for {fname}()"
            )));
        }
    }
    Ok(())
}

/// `enumerate.__new__(cls, iterable, start=0)`
fn enumerate_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    check_kw(args, "enumerate", &["iterable", "start"])?;
    let pos = &args.pos[1..];
    if pos.len() > 2 {
        return Err(type_error(format!(
            "enumerate() takes at most 2 arguments ({} given)",
            pos.len()
        )));
    }
    let Some(iterable) = pos.first().or_else(|| args.kw("iterable")) else {
        return Err(type_error(
            "enumerate() missing required argument 'iterable'",
        ));
    };
    let start = match pos.get(1).or_else(|| args.kw("start")) {
        Some(s) => Value::from_bigint(vm.index_bigint(s)?),
        None => Value::Int(0),
    };
    let iter = vm.iter(iterable)?;
    Ok(new_iter(IterState::Enumerate { iter, count: start }))
}

/// `zip.__new__(cls, *iterables, strict=False)`
fn zip_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    check_kw(args, "zip", &["strict"])?;
    let strict = match args.kw("strict") {
        Some(s) => vm.truthy(s)?,
        None => false,
    };
    let mut iters = Vec::with_capacity(args.pos.len());
    for a in &args.pos[1..] {
        iters.push(vm.iter(a)?);
    }
    Ok(new_iter(IterState::Zip { iters, strict }))
}

/// `map.__new__(cls, func, *iterables)`
fn map_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("map")?;
    if args.pos.len() < 3 {
        return Err(type_error("map() must have at least two arguments."));
    }
    let mut iters = Vec::with_capacity(args.pos.len() - 2);
    for a in &args.pos[2..] {
        iters.push(vm.iter(a)?);
    }
    Ok(new_iter(IterState::Map {
        func: args.pos[1].clone(),
        iters,
    }))
}

/// `filter.__new__(cls, func, iterable)`
fn filter_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("filter")?;
    if args.pos.len() != 3 {
        return Err(type_error(format!(
            "filter expected 2 arguments, got {}",
            args.pos.len() - 1
        )));
    }
    let iter = vm.iter(&args.pos[2])?;
    Ok(new_iter(IterState::Filter {
        func: args.pos[1].clone(),
        iter,
    }))
}

/// `reversed.__new__(cls, seq)`
fn reversed_new(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.no_kwargs("reversed")?;
    if args.pos.len() != 2 {
        return Err(type_error(format!(
            "reversed expected 1 argument, got {}",
            args.pos.len() - 1
        )));
    }
    let seq = &args.pos[1];
    if let Value::Obj(o) = seq {
        match &**o {
            Obj::Range(r) => return Ok(new_iter(r.reversed_state())),
            Obj::List(_) | Obj::Tuple(_) | Obj::Bytes(_) | Obj::ByteArray(_) => {
                let n = vm.len(seq)?;
                return Ok(new_iter(IterState::Reversed {
                    seq: seq.clone(),
                    index: n.checked_sub(1),
                }));
            }
            Obj::Str(s) => {
                // Walks a snapshot of the characters: indexing a non-ASCII str is O(n).
                let chars: Vec<Value> = s
                    .as_str()
                    .chars()
                    .map(|c| Value::string(c.to_string()))
                    .collect();
                return Ok(new_iter(IterState::Reversed {
                    index: chars.len().checked_sub(1),
                    seq: Value::tuple(chars),
                }));
            }
            Obj::Dict(_) => return vm.call_method(seq, "__reversed__", &[]),
            _ => {}
        }
    }
    if let Some(f) = vm.lookup_special(seq, "__reversed__") {
        if !f.is_none() {
            return vm.call(&f, std::slice::from_ref(seq));
        }
    } else if vm.lookup_special(seq, "__getitem__").is_some()
        && vm.lookup_special(seq, "__len__").is_some()
    {
        if matches!(seq, Value::Obj(o) if matches!(&**o, Obj::Dict(_) | Obj::DictView(_))) {
            // dicts are handled above; views have no order protocol here
        } else {
            let n = vm.len(seq)?;
            return Ok(new_iter(IterState::Reversed {
                seq: seq.clone(),
                index: n.checked_sub(1),
            }));
        }
    }
    Err(type_error(format!(
        "'{}' object is not reversible",
        vm.type_name(seq)
    )))
}

/// Sorts `items` in place, stably, comparing with `<` only, exactly as `list.sort` does
/// (the same code, with its fast paths for all-int and all-str lists).
pub fn sort_values(
    vm: &mut Vm,
    items: &mut Vec<Value>,
    key: Option<&Value>,
    reverse: bool,
) -> PyResult<()> {
    let key = key.cloned().unwrap_or(Value::None);
    crate::obj::methods::list::sort_values(vm, items, &key, reverse)
}

fn b_sorted(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    if args.pos.len() != 1 {
        return Err(type_error(format!(
            "sorted expected 1 argument, got {}",
            args.pos.len()
        )));
    }
    args.clinic_max_kwargs("sort", 2)?;
    check_kw(args, "sort", &["key", "reverse"])?;
    let mut items = vm.collect(&args.pos[0])?;
    let reverse = match args.kw("reverse") {
        // An int, as CPython's Argument Clinic `int` takes it (None is a TypeError).
        Some(r) => vm.c_int_value(r)? != 0,
        None => false,
    };
    sort_values(vm, &mut items, args.kw("key"), reverse)?;
    Ok(Value::list(items))
}

fn min_max(vm: &mut Vm, args: &Args, name: &str, op: CmpOp) -> PyResult<Value> {
    if args.pos.is_empty() {
        return Err(type_error(format!(
            "{name} expected at least 1 argument, got 0"
        )));
    }
    check_kw(args, name, &["key", "default"])?;
    let key = args.kw("key").filter(|k| !k.is_none()).cloned();
    let default = args.kw("default").cloned();
    if args.pos.len() > 1 && default.is_some() {
        return Err(type_error(format!(
            "Cannot specify a default for {name}() with multiple positional arguments"
        )));
    }
    let it = if args.pos.len() == 1 {
        vm.iter(&args.pos[0])?
    } else {
        vm.iter(&Value::tuple(args.pos.to_vec()))?
    };
    let mut best: Option<(Value, Value)> = None;
    while let Some(item) = vm.next(&it)? {
        let k = match &key {
            Some(f) => vm.call(f, std::slice::from_ref(&item))?,
            None => item.clone(),
        };
        best = match best {
            None => Some((k, item)),
            Some((bk, bv)) => {
                let r = vm.compare(&k, &bk, op)?;
                if vm.truthy(&r)? {
                    Some((k, item))
                } else {
                    Some((bk, bv))
                }
            }
        };
    }
    match best {
        Some((_, v)) => Ok(v),
        None => match default {
            Some(d) => Ok(d),
            None => Err(value_error(format!("{name}() arg is an empty sequence"))),
        },
    }
}

fn b_min(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    min_max(vm, args, "min", CmpOp::Lt)
}

fn b_max(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    min_max(vm, args, "max", CmpOp::Gt)
}

fn b_sum(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    check_kw(args, "sum", &["start"])?;
    if args.pos.is_empty() {
        return Err(type_error(
            "sum() takes at least 1 positional argument (0 given)",
        ));
    }
    if args.pos.len() > 2 {
        return Err(type_error(format!(
            "sum() takes at most 2 arguments ({} given)",
            args.pos.len()
        )));
    }
    let start = args
        .pos
        .get(1)
        .or_else(|| args.kw("start"))
        .cloned()
        .unwrap_or(Value::Int(0));
    if let Value::Obj(o) = &start {
        match &**o {
            Obj::Str(_) => {
                return Err(type_error(
                    "sum() can't sum strings [use ''.join(seq) instead]",
                ))
            }
            Obj::Bytes(_) => {
                return Err(type_error(
                    "sum() can't sum bytes [use b''.join(seq) instead]",
                ))
            }
            Obj::ByteArray(_) => {
                return Err(type_error(
                    "sum() can't sum bytearray [use b''.join(seq) instead]",
                ))
            }
            _ => {}
        }
    }
    let it = vm.iter(&args.pos[0])?;
    let mut acc = start;
    while let Some(x) = vm.next(&it)? {
        acc = vm.binary_op(&acc, &x, BinOp::Add, false)?;
    }
    Ok(acc)
}

fn b_any(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("any", 1, 1)?;
    let it = vm.iter(&args.pos[0])?;
    while let Some(x) = vm.next(&it)? {
        if vm.truthy(&x)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn b_all(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("all", 1, 1)?;
    let it = vm.iter(&args.pos[0])?;
    while let Some(x) = vm.next(&it)? {
        if !vm.truthy(&x)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.clone();
    vm.add_methods(&t.enumerate, "enumerate", &[("__new__", enumerate_new)]);
    vm.add_methods(&t.zip, "zip", &[("__new__", zip_new)]);
    vm.add_methods(&t.map, "map", &[("__new__", map_new)]);
    vm.add_methods(&t.filter, "filter", &[("__new__", filter_new)]);
    vm.add_methods(&t.reversed, "reversed", &[("__new__", reversed_new)]);
    let funcs: &[(&'static str, crate::obj::function::NativeFn)] = &[
        ("iter", b_iter),
        ("next", b_next),
        ("aiter", b_aiter),
        ("anext", b_anext),
        ("sorted", b_sorted),
        ("min", b_min),
        ("max", b_max),
        ("sum", b_sum),
        ("any", b_any),
        ("all", b_all),
    ];
    for &(name, f) in funcs {
        vm.set_builtin(name, native("", name, f));
    }
}
