//! `list[int]` and `int | None` (PEP 585, PEP 604): the builtin classes'
//! `__class_getitem__` and `type.__or__`/`__ror__`. The objects they build,
//! `types.GenericAlias` and `types.UnionType`, are written in aio (stdlib/types.aio) and
//! imported on first use: annotations are evaluated once, so speed does not matter here.

use crate::obj::function::Args;
use crate::obj::Obj;
use crate::vm::errors::PyResult;
use crate::vm::native::native;
use crate::vm::value::Value;
use crate::vm::Vm;

/// `types.<name>`
fn types_attr(vm: &mut Vm, name: &str) -> PyResult<Value> {
    let module = vm.import_module("types")?;
    let key = vm.intern(name);
    vm.get_attr(&module, &key)
}

/// `cls[item]` of a builtin generic class: `types.GenericAlias(cls, item)`.
fn class_getitem(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("__class_getitem__", 2, 2)?;
    let alias = types_attr(vm, "GenericAlias")?;
    vm.call(&alias, args.pos)
}

/// `type.__or__(self, other)`: the union, or NotImplemented when `other` is not a type.
fn type_or(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("__or__", 2, 2)?;
    let union = types_attr(vm, "_union")?;
    vm.call(&union, args.pos)
}

/// `type.__ror__(self, other)`: `other | self`.
fn type_ror(vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("__ror__", 2, 2)?;
    let union = types_attr(vm, "_union")?;
    vm.call(&union, &[args.pos[1].clone(), args.pos[0].clone()])
}

/// A fresh `__class_getitem__` that makes the class it is found on generic.
pub fn class_getitem_method() -> Value {
    Value::obj(Obj::class_method(native(
        "type",
        "__class_getitem__",
        class_getitem,
    )))
}

pub fn register(vm: &mut Vm) {
    let t = vm.t.type_.clone();
    vm.add_methods(&t, "type", &[("__or__", type_or), ("__ror__", type_ror)]);
    let generic = [
        vm.t.list.clone(),
        vm.t.dict.clone(),
        vm.t.tuple.clone(),
        vm.t.set.clone(),
        vm.t.frozenset.clone(),
        vm.t.type_.clone(),
        vm.t.deque.clone(),
    ];
    for cls in generic {
        vm.add_class_attr(&cls, "__class_getitem__", class_getitem_method());
    }
}
