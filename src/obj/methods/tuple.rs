//! Methods of `tuple`.

use super::int::not_impl;
use super::list::{index_in, repr_items, seq_cmp, slice_items, ReprGuard};
use super::slice::{in_range, seq_index, Index};
use super::str::{check_repeat, repeat_count};
use crate::obj::function::Args;
use crate::syntax::ast::CmpOp;
use crate::vm::errors::{index_error, type_error, PyResult};
use crate::vm::value::Value;
use crate::vm::Vm;

fn this<'a>(vm: &Vm, a: &'a Args, name: &str) -> PyResult<&'a [Value]> {
    let receiver = match a.pos.first() {
        Some(v) => v
            .as_tuple()
            .ok_or_else(|| super::wrong_receiver(name, "tuple", &vm.type_name(v))),
        None => Err(super::receiver_missing(name, "tuple")),
    }?;
    super::unary_slot_arity(a, name)?;
    Ok(receiver)
}

fn tuple_new(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    super::new_needs_class(a, "tuple")?;
    a.no_kwargs("tuple")?;
    match a.pos.len() {
        1 => Ok(Value::tuple(vec![])),
        2 => {
            if a.pos[1].as_tuple().is_some() {
                return Ok(a.pos[1].clone());
            }
            Ok(Value::tuple(vm.collect(&a.pos[1])?))
        }
        n => Err(type_error(format!(
            "tuple expected at most 1 argument, got {}",
            n - 1
        ))),
    }
}

/// `repr(tuple)`
pub fn tuple_repr(vm: &mut Vm, v: &Value) -> PyResult<String> {
    let Some(items) = v.as_tuple() else {
        return Ok("()".into());
    };
    if items.is_empty() {
        return Ok("()".into());
    }
    let Some(o) = v.as_obj() else {
        return Ok("()".into());
    };
    let Some(_g) = ReprGuard::enter(o) else {
        return Ok("(...)".into());
    };
    let inner = repr_items(vm, items)?;
    if items.len() == 1 {
        Ok(format!("({inner},)"))
    } else {
        Ok(format!("({inner})"))
    }
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__repr__")?;
    tuple_repr(vm, &a.pos[0]).map(Value::string)
}

fn hash(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let t = this(vm, a, "__hash__")?;
    let mut hs = Vec::with_capacity(t.len());
    for v in t {
        hs.push(vm.hash(v)?);
    }
    Ok(Value::Int(crate::obj::number::hash_tuple(&hs)))
}

fn len(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    Ok(Value::Int(this(vm, a, "__len__")?.len() as i64))
}

pub(crate) fn getitem(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let t = this(vm, a, "__getitem__")?;
    a.check_slot("__getitem__", 1)?;
    match seq_index(vm, &a.pos[1], t.len(), "tuple")? {
        Index::At(i) => match in_range(i, t.len()) {
            Some(i) => Ok(t[i].clone()),
            None => Err(index_error("tuple index out of range")),
        },
        Index::Slice(sl) => {
            if sl.len == t.len() && sl.step == 1 {
                return Ok(a.pos[0].clone());
            }
            Ok(Value::tuple(slice_items(t, &sl)))
        }
    }
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let t = this(vm, a, "__contains__")?;
    a.check_slot("__contains__", 1)?;
    for x in t {
        if vm.eq(x, &a.pos[1])? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    this(vm, a, "__iter__")?;
    vm.iter(&a.pos[0])
}

fn add(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let t = this(vm, a, "__add__")?;
    a.check_slot("__add__", 1)?;
    let Some(u) = crate::vm::payload::builtin_view(&a.pos[1]).as_tuple() else {
        return Err(type_error(format!(
            "can only concatenate tuple (not \"{}\") to tuple",
            vm.type_name(&a.pos[1])
        )));
    };
    if u.is_empty() {
        return Ok(a.pos[0].clone());
    }
    let mut out = Vec::with_capacity(t.len() + u.len());
    out.extend_from_slice(t);
    out.extend_from_slice(u);
    Ok(Value::tuple(out))
}

fn mul(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let t = this(vm, a, "__mul__")?;
    a.check_slot_unpacked("__mul__", 1, 1)?;
    let Some(n) = repeat_count(vm, &a.pos[1])? else {
        return Ok(not_impl(vm));
    };
    if n == 1 {
        return Ok(a.pos[0].clone());
    }
    if t.is_empty() || n == 0 {
        return Ok(Value::tuple(vec![]));
    }
    check_repeat(t.len() * 16, n)?;
    let mut out = Vec::with_capacity(t.len() * n);
    for _ in 0..n {
        out.extend_from_slice(t);
    }
    Ok(Value::tuple(out))
}

fn cmp(vm: &mut Vm, a: &Args, op: CmpOp, name: &str) -> PyResult<Value> {
    let t = this(vm, a, name)?;
    a.check(name, 2, 2)?;
    let Some(u) = crate::vm::payload::builtin_view(&a.pos[1]).as_tuple() else {
        return Ok(not_impl(vm));
    };
    Ok(Value::Bool(seq_cmp(vm, t, u, op)?))
}
rich_comparisons!(cmp);

fn count(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let t = this(vm, a, "count")?;
    a.check_method("tuple", "count", 2, 2)?;
    let mut n = 0;
    for x in t {
        if vm.eq(x, &a.pos[1])? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn index(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let t = this(vm, a, "index")?;
    a.check_method("tuple", "index", 2, 4)?;
    index_in(vm, t, a, "tuple")
}

fn getnewargs(vm: &mut Vm, a: &Args) -> PyResult<Value> {
    let t = this(vm, a, "__getnewargs__")?;
    Ok(Value::tuple(vec![Value::tuple(t.to_vec())]))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.tuple.clone();
    vm.add_methods(
        &t,
        "tuple",
        &[
            ("__new__", tuple_new),
            ("__repr__", repr),
            ("__hash__", hash),
            ("__len__", len),
            ("__getitem__", getitem),
            ("__contains__", contains),
            ("__iter__", iter),
            ("__add__", add),
            ("__mul__", mul),
            ("__rmul__", mul),
            ("__eq__", eq),
            ("__ne__", ne),
            ("__lt__", lt),
            ("__le__", le),
            ("__gt__", gt),
            ("__ge__", ge),
            ("count", count),
            ("index", index),
            ("__getnewargs__", getnewargs),
        ],
    );
}

#[cfg(test)]
mod tests {
    use crate::obj::number::testutil::{cm, i, s, show};
    use crate::vm::value::Value;
    use crate::vm::Vm;

    #[test]
    fn tuples() {
        let mut vm = Vm::new();
        let vm = &mut vm;
        let t = Value::tuple(vec![i(1), s("a")]);
        assert_eq!(show(vm, Ok(t.clone())), "(1, 'a')");
        assert_eq!(show(vm, Ok(Value::tuple(vec![i(1)]))), "(1,)");
        assert_eq!(show(vm, Ok(Value::tuple(vec![]))), "()");
        assert_eq!(
            cm(vm, &t, "__getitem__", &[i(2)]),
            "!IndexError: tuple index out of range"
        );
        assert_eq!(
            cm(vm, &t, "index", &[i(5)]),
            "!ValueError: tuple.index(x): x not in tuple"
        );
        assert_eq!(cm(vm, &t, "count", &[i(1)]), "1");
        assert_eq!(
            cm(vm, &t, "__add__", &[Value::list(vec![])]),
            "!TypeError: can only concatenate tuple (not \"list\") to tuple"
        );
        assert_eq!(cm(vm, &t, "__mul__", &[i(2)]), "(1, 'a', 1, 'a')");
        assert_eq!(
            cm(vm, &t, "__lt__", &[Value::tuple(vec![i(1), s("b")])]),
            "True"
        );
        let h = vm.hash(&t).unwrap_or(0);
        assert_eq!(cm(vm, &t, "__hash__", &[]), h.to_string());
        let tt = Value::Obj(vm.t.tuple.clone());
        let r = vm.call(&tt, &[s("ab")]);
        assert_eq!(show(vm, r), "('a', 'b')");
        let l = Value::list(vec![]);
        let r = vm.hash(&Value::tuple(vec![l]));
        assert_eq!(
            show(vm, r.map(Value::Int)),
            "!TypeError: unhashable type: 'list'"
        );
    }
}
