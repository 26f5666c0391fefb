//! The object protocols native code and the dispatch loop share: repr/str, truth, hashing,
//! comparison, arithmetic, length and item access. Each has fast paths for the builtin
//! kinds and falls back to the type's special methods (`__add__`, `__eq__`, ...), which for
//! builtin types are native functions registered in their namespaces.

use super::class::{as_class, is_subclass, lookup};
use super::errors::{type_error, ExcRef, PyResult};
use super::types::ExcKind;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::Obj;
use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};
use num_bigint::BigInt;

/// Names of the special methods for each binary operator: (normal, reflected, in-place).
pub fn binop_names(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mult => ("__mul__", "__rmul__", "__imul__"),
        BinOp::MatMult => ("__matmul__", "__rmatmul__", "__imatmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
        BinOp::BitOr => ("__or__", "__ror__", "__ior__"),
        BinOp::BitXor => ("__xor__", "__rxor__", "__ixor__"),
        BinOp::BitAnd => ("__and__", "__rand__", "__iand__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
    }
}

/// (method, reflected method, operator text) for rich comparisons.
fn cmp_names(op: CmpOp) -> (&'static str, &'static str, &'static str) {
    match op {
        CmpOp::Eq => ("__eq__", "__eq__", "=="),
        CmpOp::NotEq => ("__ne__", "__ne__", "!="),
        CmpOp::Lt => ("__lt__", "__gt__", "<"),
        CmpOp::LtE => ("__le__", "__ge__", "<="),
        CmpOp::Gt => ("__gt__", "__lt__", ">"),
        CmpOp::GtE => ("__ge__", "__le__", ">="),
        _ => ("", "", ""),
    }
}

impl Vm {
    fn is_not_implemented(&self, v: &Value) -> bool {
        matches!(v, Value::Obj(o) if matches!(&**o, Obj::NotImplemented))
    }

    /// Calls `type(a).<name>(a, *args)` if the type defines it.
    fn call_special(&mut self, a: &Value, name: &str, args: &[Value]) -> PyResult<Option<Value>> {
        match self.lookup_special(a, name) {
            Some(f) => {
                let mut v = Vec::with_capacity(args.len() + 1);
                v.push(a.clone());
                v.extend_from_slice(args);
                self.call(&f, &v).map(Some)
            }
            None => Ok(None),
        }
    }

    /// `repr(v)`
    pub fn repr(&mut self, v: &Value) -> PyResult<String> {
        match v {
            Value::None | Value::Undef => return Ok("None".into()),
            Value::Bool(b) => return Ok(if *b { "True" } else { "False" }.into()),
            Value::Int(i) => return Ok(i.to_string()),
            Value::Float(x) => return Ok(crate::obj::number::float_repr(*x)),
            Value::Obj(o) => {
                if let Obj::Str(s) = &**o {
                    return Ok(crate::obj::number::str_repr(s.as_str()));
                }
            }
        }
        self.recursive(super::recursion::IN_REPR, |vm| vm.repr_slot(v))
    }

    /// The `__repr__` slot of a non-trivial object (uncounted: `object.__str__` uses it).
    pub(crate) fn repr_slot(&mut self, v: &Value) -> PyResult<String> {
        match self.call_special(v, "__repr__", &[])? {
            Some(r) => match r.as_str() {
                Some(s) => Ok(s.to_string()),
                None => Err(type_error(format!(
                    "__repr__ returned non-string (type {})",
                    self.type_name(&r)
                ))),
            },
            None => Ok(self.default_repr(v)),
        }
    }

    /// `object.__repr__` and the reprs of the VM's own kinds.
    pub fn default_repr(&mut self, v: &Value) -> String {
        let Value::Obj(o) = v else {
            return format!("<{} object>", self.type_name(v));
        };
        match &**o {
            Obj::Function(f) => format!("<function {} at {:#x}>", f.qualname.borrow(), o.addr()),
            Obj::Class(c) => {
                let m = c.module.borrow().clone();
                let m = match super::dictops::get_str(&c.dict.borrow(), &Value::str("__module__")) {
                    Some(v) => v.as_str().map(|s| s.to_string()).unwrap_or(m.to_string()),
                    None => m.to_string(),
                };
                if m == "builtins" {
                    format!("<class '{}'>", c.qualname.borrow())
                } else {
                    format!("<class '{}.{}'>", m, c.qualname.borrow())
                }
            }
            // A module read from a file names it, as CPython's does. Native (Rust) modules
            // say `(built-in)`, as CPython's built-in ones. aio's embedded stdlib modules
            // have no file CPython's path could match (CPython prints
            // `from '/usr/lib/python3.11/json/__init__.py'`); they say `(frozen)`, which is
            // what CPython prints for the stdlib modules it embeds (`os`, `zipimport`) and
            // agrees with their `__file__` of `<frozen NAME>`.
            Obj::Module(m) if m.native => format!("<module '{}' (built-in)>", m.name),
            Obj::Module(m) if super::import::is_embedded(m) => {
                format!("<module '{}' (frozen)>", m.name)
            }
            Obj::Module(m) => {
                let file = match &*m.dict {
                    Obj::Dict(d) => super::dictops::get_str(&d.borrow(), &Value::str("__file__")),
                    _ => None,
                };
                match file.as_ref().and_then(Value::as_str) {
                    Some(f) => format!("<module '{}' from '{f}'>", m.name),
                    None => format!("<module '{}'>", m.name),
                }
            }
            Obj::Native(n) => match n.self_.as_deref() {
                Some(s) if !matches!(s, Value::Obj(o) if matches!(&**o, Obj::Module(_))) => {
                    format!(
                        "<built-in method {} of {} object at {:#x}>",
                        n.name,
                        self.type_name(s),
                        s.id()
                    )
                }
                // An unbound method of a builtin type: `<method 'upper' of 'str' objects>`.
                None if n.binds() && n.name != "__new__" => {
                    let kind = if crate::obj::methods::is_slot_wrapper(n.name, n.owner) {
                        "slot wrapper"
                    } else {
                        "method"
                    };
                    format!("<{kind} '{}' of '{}' objects>", n.name, n.owner)
                }
                _ => format!("<built-in function {}>", n.name),
            },
            // A type's native method bound by hand (the `Task.task_wakeup` a Future
            // subclass's callbacks hold) is a built-in method, as CPython shows it.
            Obj::BoundMethod(m) if matches!(&m.func, Value::Obj(f) if matches!(&**f, Obj::Native(n) if n.self_.is_none())) =>
            {
                let name = match &m.func {
                    Value::Obj(f) => match &**f {
                        Obj::Native(n) => n.name,
                        _ => "?",
                    },
                    _ => "?",
                };
                format!(
                    "<built-in method {name} of {} object at {:#x}>",
                    self.type_name(&m.self_),
                    m.self_.id()
                )
            }
            Obj::BoundMethod(m) => {
                let fname = match &m.func {
                    Value::Obj(f) => match &**f {
                        Obj::Function(f) => f.qualname.borrow().to_string(),
                        _ => "?".into(),
                    },
                    _ => "?".into(),
                };
                let s = self.repr(&m.self_.clone()).unwrap_or_else(|_| "?".into());
                format!("<bound method {fname} of {s}>")
            }
            Obj::Generator(g) => {
                let kind = match g.kind {
                    crate::obj::generator::GenKind::Generator => "generator",
                    crate::obj::generator::GenKind::Coroutine => "coroutine",
                    crate::obj::generator::GenKind::AsyncGenerator => "async_generator",
                };
                format!("<{kind} object {} at {:#x}>", g.qualname(), o.addr())
            }
            Obj::Cell(c) => {
                let content = c.borrow().clone();
                match &content {
                    Value::Undef => format!("<cell at {:#x}: empty>", o.addr()),
                    _ => {
                        let addr = match &content {
                            Value::Obj(x) => x.addr(),
                            _ => 0,
                        };
                        format!(
                            "<cell at {:#x}: {} object at {:#x}>",
                            o.addr(),
                            self.type_name(&content),
                            addr
                        )
                    }
                }
            }
            Obj::Frame(f) => format!(
                "<frame at {:#x}, file '{}', line {}, code {}>",
                o.addr(),
                f.code.code.source.name,
                match self.get_attr_str(v, "f_lineno") {
                    Ok(Value::Int(l)) => l,
                    _ => 0,
                },
                f.code.code.name
            ),
            Obj::Traceback(_) => format!("<traceback object at {:#x}>", o.addr()),
            Obj::Code(c) => format!(
                "<code object {} at {:#x}, file \"{}\", line {}>",
                c.code.name,
                o.addr(),
                c.code.source.name,
                c.code.first_line()
            ),
            Obj::Ellipsis => "Ellipsis".into(),
            Obj::NotImplemented => "NotImplemented".into(),
            Obj::Complex(c) => crate::obj::complex::repr(*c),
            _ => {
                let cls = self.type_of(v);
                let (m, q) = match as_class(&cls) {
                    Some(c) => (
                        c.module.borrow().to_string(),
                        c.qualname.borrow().to_string(),
                    ),
                    None => ("?".into(), "?".into()),
                };
                let m = super::dictops::get_str(
                    &as_class(&cls)
                        .map(|c| c.dict.borrow().clone())
                        .unwrap_or_default(),
                    &Value::str("__module__"),
                )
                .and_then(|v| v.as_str().map(|s| s.to_string()))
                .unwrap_or(m);
                if m == "builtins" {
                    format!("<{} object at {:#x}>", q, o.addr())
                } else {
                    format!("<{}.{} object at {:#x}>", m, q, o.addr())
                }
            }
        }
    }

    /// `str(v)`
    pub fn to_str(&mut self, v: &Value) -> PyResult<String> {
        if let Some(s) = v.as_str() {
            return Ok(s.to_string());
        }
        match v {
            Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::None => return self.repr(v),
            _ => {}
        }
        self.recursive(super::recursion::IN_STR, |vm| vm.str_slot(v))
    }

    fn str_slot(&mut self, v: &Value) -> PyResult<String> {
        match self.call_special(v, "__str__", &[])? {
            Some(r) => match r.as_str() {
                Some(s) => Ok(s.to_string()),
                None => Err(type_error(format!(
                    "__str__ returned non-string (type {})",
                    self.type_name(&r)
                ))),
            },
            None => self.repr_slot(v),
        }
    }

    /// `str(v)` as a value (no copy when `v` is already a str).
    pub fn to_str_value(&mut self, v: &Value) -> PyResult<Value> {
        match v {
            Value::Int(i) => return Ok(crate::obj::str::int_str(*i)),
            _ if v.as_str().is_some() => return Ok(v.clone()),
            _ => {}
        }
        Ok(Value::string(self.to_str(v)?))
    }

    /// `bool(v)`
    pub fn truthy(&mut self, v: &Value) -> PyResult<bool> {
        match v {
            Value::Bool(b) => Ok(*b),
            Value::None | Value::Undef => Ok(false),
            Value::Int(i) => Ok(*i != 0),
            Value::Float(x) => Ok(*x != 0.0),
            Value::Obj(o) => match &**o {
                Obj::Str(s) => Ok(!s.s.is_empty()),
                Obj::List(l) => Ok(!l.borrow().is_empty()),
                Obj::Deque(d) => Ok(!d.is_empty()),
                Obj::Tuple(t) => Ok(!t.is_empty()),
                Obj::Dict(d) => Ok(!d.borrow().is_empty()),
                Obj::Set(s) => Ok(!s.borrow().is_empty()),
                Obj::FrozenSet(s) => Ok(!s.is_empty()),
                Obj::Bytes(b) => Ok(!b.is_empty()),
                Obj::ByteArray(b) => Ok(!b.borrow().is_empty()),
                Obj::BigInt(_) => Ok(true),
                Obj::Complex(c) => Ok(c.re != 0.0 || c.im != 0.0),
                Obj::Range(r) => Ok(!r.is_empty()),
                Obj::MemoryView(m) if m.released() => Err(crate::vm::errors::value_error(
                    "operation forbidden on released memoryview object",
                )),
                Obj::MemoryView(m) => Ok(m.len != 0),
                Obj::Instance(_) | Obj::Exception(_) | Obj::DictView(_) => {
                    if let Some(r) = self.call_special(v, "__bool__", &[])? {
                        return match r {
                            Value::Bool(b) => Ok(b),
                            _ => Err(type_error(format!(
                                "__bool__ should return bool, returned {}",
                                self.type_name(&r)
                            ))),
                        };
                    }
                    if let Some(r) = self.call_special(v, "__len__", &[])? {
                        return Ok(self.len_result(&r)? != 0);
                    }
                    Ok(true)
                }
                _ => Ok(true),
            },
        }
    }

    /// An int from an object supporting `__index__` (as i64).
    pub fn index_value(&mut self, v: &Value) -> PyResult<i64> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            Value::Obj(o) if matches!(&**o, Obj::BigInt(_)) => Err(super::errors::exc(
                ExcKind::IndexError,
                "cannot fit 'int' into an index-sized integer",
            )),
            _ => match self.call_special(v, "__index__", &[])? {
                Some(r @ (Value::Int(_) | Value::Bool(_))) => self.index_value(&r),
                // Too big: CPython names the object whose __index__ gave it.
                Some(Value::Obj(o)) if matches!(&*o, Obj::BigInt(_)) => Err(super::errors::exc(
                    ExcKind::IndexError,
                    format!(
                        "cannot fit '{}' into an index-sized integer",
                        self.type_name(v)
                    ),
                )),
                // An int subclass's value (CPython also warns that this is deprecated).
                Some(Value::Obj(o)) if matches!(&*o, Obj::Instance(i) if crate::obj::number::as_int(i.payload()).is_some()) =>
                {
                    let Obj::Instance(i) = &*o else {
                        return Err(type_error("__index__ returned non-int"));
                    };
                    let payload = i.payload().clone();
                    self.index_value(&payload)
                }
                Some(r) => Err(type_error(format!(
                    "__index__ returned non-int (type {})",
                    self.type_name(&r)
                ))),
                None => Err(type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    self.type_name(v)
                ))),
            },
        }
    }

    /// A `Py_ssize_t` argument as CPython's "n" converter takes it: `__index__`, and
    /// OverflowError for an int beyond 64 bits (where subscripts say IndexError).
    pub fn ssize_value(&mut self, v: &Value) -> PyResult<i64> {
        let b = self.index_bigint(v)?;
        i64::try_from(b).map_err(|_| {
            super::errors::exc(
                ExcKind::OverflowError,
                "Python int too large to convert to C ssize_t",
            )
        })
    }

    /// A C `int` argument as CPython's "i" converter takes it (`expandtabs(tabsize)`).
    pub fn c_int_value(&mut self, v: &Value) -> PyResult<i64> {
        let b = self.index_bigint(v)?;
        i32::try_from(&b).map(i64::from).map_err(|_| {
            super::errors::exc(
                ExcKind::OverflowError,
                "Python int too large to convert to C int",
            )
        })
    }

    /// The int value of `v` via `__index__`, as a BigInt.
    pub fn index_bigint(&mut self, v: &Value) -> PyResult<BigInt> {
        if let Some(b) = v.to_bigint() {
            return Ok(b);
        }
        match self.lookup_special(v, "__index__") {
            Some(f) => {
                let r = self.call(&f, std::slice::from_ref(v))?;
                r.to_bigint().ok_or_else(|| {
                    type_error(format!(
                        "__index__ returned non-int (type {})",
                        self.type_name(&r)
                    ))
                })
            }
            None => Err(type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                self.type_name(v)
            ))),
        }
    }

    /// `hash(v)`
    pub fn hash(&mut self, v: &Value) -> PyResult<i64> {
        match v {
            Value::Int(i) => Ok(crate::obj::number::hash_int(*i)),
            Value::Bool(b) => Ok(*b as i64),
            Value::Float(x) => Ok(crate::obj::number::hash_float(*x)),
            Value::None | Value::Undef => Ok(0x0fcb_12d0),
            Value::Obj(o) => match &**o {
                Obj::Str(s) => Ok(s.hash()),
                Obj::Complex(c) => Ok(crate::obj::complex::hash(*c)),
                Obj::Tuple(items) => {
                    let mut hashes = Vec::with_capacity(items.len());
                    for it in items.iter() {
                        hashes.push(self.hash(it)?);
                    }
                    Ok(crate::obj::number::hash_tuple(&hashes))
                }
                Obj::Instance(_)
                | Obj::Exception(_)
                | Obj::Class(_)
                | Obj::BigInt(_)
                | Obj::Bytes(_)
                | Obj::Range(_)
                | Obj::FrozenSet(_)
                | Obj::WeakRef(_)
                | Obj::Handle(_)
                | Obj::MemoryView(_) => match self.lookup_special(v, "__hash__") {
                    Some(Value::None) => Err(self.unhashable(v)),
                    Some(f) => {
                        let is_default = matches!(&f, Value::Obj(fo) if matches!(&**fo, Obj::Native(n) if n.owner == "object"));
                        if is_default {
                            return Ok(default_hash(o));
                        }
                        let r = self.call(&f, std::slice::from_ref(v))?;
                        match r {
                            Value::Int(i) => Ok(if i == -1 { -2 } else { i }),
                            Value::Bool(b) => Ok(b as i64),
                            _ => match r.to_bigint() {
                                Some(b) => Ok(crate::obj::number::hash_bigint(&b)),
                                None => Err(type_error("__hash__ method should return an integer")),
                            },
                        }
                    }
                    None => Ok(default_hash(o)),
                },
                // A bound method hashes by its receiver's identity and its function.
                Obj::BoundMethod(m) => {
                    let f = self.hash(&m.func)?;
                    Ok(identity_hash(&m.self_) ^ f)
                }
                Obj::Native(n) if n.self_.is_some() => {
                    let recv = n.self_.as_deref().map_or(0, identity_hash);
                    Ok(recv ^ (n.func as usize >> 4) as i64)
                }
                Obj::DictView(d) if d.kind == crate::obj::iter::DictIterKind::Values => {
                    Ok(default_hash(o))
                }
                Obj::List(_)
                | Obj::Deque(_)
                | Obj::Dict(_)
                | Obj::Set(_)
                | Obj::ByteArray(_)
                | Obj::DictView(_)
                | Obj::Slice(_) => Err(self.unhashable(v)),
                _ => Ok(default_hash(o)),
            },
        }
    }

    fn unhashable(&self, v: &Value) -> ExcRef {
        // CPython names C types by their `tp_name`, which for deque includes the module.
        let name = match v {
            Value::Obj(o) if matches!(&**o, Obj::Deque(_)) => "collections.deque".into(),
            _ => self.type_name(v),
        };
        type_error(format!("unhashable type: '{name}'"))
    }

    /// `a == b` as a bool.
    pub fn eq(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        // Identity implies equality, even for a NaN (CPython compares identity first in
        // containers, which is what callers of `eq` want); distinct NaN objects differ in
        // bits (`number_parse::fresh_nan`).
        if a.is(b) {
            return Ok(true);
        }
        if let Some(r) = super::dictops::fast_eq(a, b) {
            return Ok(r);
        }
        if self.distinct_plain_futures(a, b) {
            return Ok(false);
        }
        let r = self.compare(a, b, CmpOp::Eq)?;
        self.truthy(&r)
    }

    /// Whether `a` and `b` are (distinct) futures or tasks of the `_asyncio` types
    /// themselves, which compare by identity (`waiters.remove(fut)` scans many of them).
    fn distinct_plain_futures(&self, a: &Value, b: &Value) -> bool {
        let (Value::Obj(x), Value::Obj(y)) = (a, b) else {
            return false;
        };
        let (Obj::Future(f), Obj::Future(g)) = (&**x, &**y) else {
            return false;
        };
        let Some(c) = &self.aio.classes else {
            return false;
        };
        let plain = |k: &ObjRef| k.is(&c.future) || k.is(&c.task);
        plain(&f.class) && plain(&g.class)
    }

    /// Rich comparison `a op b` for the six comparison operators; `is`/`in` handled too.
    pub fn compare(&mut self, a: &Value, b: &Value, op: CmpOp) -> PyResult<Value> {
        match op {
            CmpOp::Is => return Ok(Value::Bool(a.is(b))),
            CmpOp::IsNot => return Ok(Value::Bool(!a.is(b))),
            CmpOp::In => return Ok(Value::Bool(self.contains(b, a)?)),
            CmpOp::NotIn => return Ok(Value::Bool(!self.contains(b, a)?)),
            _ => {}
        }
        if let Some(r) = crate::obj::number::compare(a, b, op) {
            return Ok(Value::Bool(r));
        }
        if let (CmpOp::Eq | CmpOp::NotEq, Some(same)) = (op, self.same_method(a, b)?) {
            return Ok(Value::Bool(same == (op == CmpOp::Eq)));
        }
        if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
            return Ok(Value::Bool(op.ordered(x, y).unwrap_or(false)));
        }
        if let (Some(x), Some(y)) = (exact_bytes(a), exact_bytes(b)) {
            return Ok(Value::Bool(op.ordered(x, y).unwrap_or(false)));
        }
        if let (CmpOp::Eq | CmpOp::NotEq, Some(eq)) = (op, builtin_eq(a, b)) {
            return Ok(Value::Bool(eq == (op == CmpOp::Eq)));
        }
        if let (Some(x), Some(y)) = (Vm::int_compared(a), Vm::int_compared(b)) {
            if let Some(r) = crate::obj::number::compare(x, y, op) {
                return Ok(Value::Bool(r));
            }
        }
        self.recursive(super::recursion::IN_COMPARISON, |vm| {
            vm.compare_slots(a, b, op)
        })
    }

    /// `v` as the int a comparison compares: an int or bool, or an instance of an int
    /// subclass that keeps int's comparisons (IntEnum, IntFlag; `ClassFlags`), whose
    /// payload int they compare. None for anything else.
    fn int_compared(v: &Value) -> Option<&Value> {
        match v {
            Value::Int(_) | Value::Bool(_) => Some(v),
            Value::Obj(o) => match &**o {
                Obj::Instance(i) if matches!(i.payload(), Value::Int(_)) => {
                    let cls = i.class();
                    as_class(&cls)
                        .is_some_and(|c| c.flags.get().builtin_compare)
                        .then(|| i.payload())
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Rich comparison through `__eq__`/`__lt__`/... and their reflections.
    fn compare_slots(&mut self, a: &Value, b: &Value, op: CmpOp) -> PyResult<Value> {
        let (name, rname, sym) = cmp_names(op);
        let ta = self.type_of(a);
        let tb = self.type_of(b);
        // A subclass's reflected method takes priority.
        let reflected_first = !ta.is(&tb) && is_subclass(&tb, &ta);
        if reflected_first {
            if let Some(r) = self.call_special(b, rname, std::slice::from_ref(a))? {
                if !self.is_not_implemented(&r) {
                    return Ok(r);
                }
            }
        }
        if let Some(r) = self.call_special(a, name, std::slice::from_ref(b))? {
            if !self.is_not_implemented(&r) {
                return Ok(r);
            }
        }
        if !reflected_first {
            if let Some(r) = self.call_special(b, rname, std::slice::from_ref(a))? {
                if !self.is_not_implemented(&r) {
                    return Ok(r);
                }
            }
        }
        match op {
            CmpOp::Eq => Ok(Value::Bool(a.is(b))),
            CmpOp::NotEq => Ok(Value::Bool(!a.is(b))),
            _ => Err(type_error(format!(
                "'{sym}' not supported between instances of '{}' and '{}'",
                self.type_name(a),
                self.type_name(b)
            ))),
        }
    }

    /// Whether two bound methods are the same method (the same receiver, by identity, and
    /// equal functions); None when `a` and `b` are not both bound methods of one kind.
    fn same_method(&mut self, a: &Value, b: &Value) -> PyResult<Option<bool>> {
        let (Value::Obj(x), Value::Obj(y)) = (a, b) else {
            return Ok(None);
        };
        match (&**x, &**y) {
            (Obj::BoundMethod(m), Obj::BoundMethod(n)) => {
                if !m.self_.is(&n.self_) {
                    return Ok(Some(false));
                }
                let (f, g) = (m.func.clone(), n.func.clone());
                self.eq(&f, &g).map(Some)
            }
            (Obj::Native(m), Obj::Native(n)) if m.self_.is_some() && n.self_.is_some() => {
                let same_self = match (&m.self_, &n.self_) {
                    (Some(s), Some(t)) => s.is(t),
                    _ => false,
                };
                Ok(Some(
                    same_self && m.func as usize == n.func as usize && m.name == n.name,
                ))
            }
            _ => Ok(None),
        }
    }

    /// `a < b` as a bool (sorting, min/max).
    pub fn lt(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        let r = self.compare(a, b, CmpOp::Lt)?;
        self.truthy(&r)
    }

    /// `a op b` for binary operators (`inplace` for augmented assignment).
    pub fn binary_op(&mut self, a: &Value, b: &Value, op: BinOp, inplace: bool) -> PyResult<Value> {
        // str + str first: the numeric tower would only reject it after several checks.
        if let (BinOp::Add, Some(x), Some(y)) = (op, a.as_strobj(), b.as_strobj()) {
            return Ok(crate::obj::str::concat2(a, x, b, y));
        }
        if let Some(r) = crate::obj::number::binop(a, b, op) {
            return r;
        }
        let (name, rname, iname) = binop_names(op);
        if inplace {
            if let Some(r) = self.call_special(a, iname, std::slice::from_ref(b))? {
                if !self.is_not_implemented(&r) {
                    return Ok(r);
                }
            }
        }
        let ta = self.type_of(a);
        let tb = self.type_of(b);
        let different = !ta.is(&tb);
        // The right operand's reflected method comes first when its class derives from the
        // left's, and when the left is a builtin sequence whose `+`/`*` is concatenation or
        // repetition (CPython tries number slots, which user classes have, before those).
        let reflected_first = different
            && (is_subclass(&tb, &ta)
                || (matches!(op, BinOp::Add | BinOp::Mult)
                    && builtin_sequence(a)
                    && is_instance_obj(b)))
            && lookup(&tb, &self.intern(rname)).is_some();
        if reflected_first {
            if let Some(r) = self.call_special(b, rname, std::slice::from_ref(a))? {
                if !self.is_not_implemented(&r) {
                    return Ok(r);
                }
            }
        }
        if let Some(r) = self.call_special(a, name, std::slice::from_ref(b))? {
            if !self.is_not_implemented(&r) {
                return Ok(r);
            }
        }
        if different && !reflected_first {
            if let Some(r) = self.call_special(b, rname, std::slice::from_ref(a))? {
                if !self.is_not_implemented(&r) {
                    return Ok(r);
                }
            }
        }
        let sym = op.symbol();
        let sym = if inplace {
            format!("{sym}=")
        } else {
            sym.to_string()
        };
        if op == BinOp::Pow && !inplace {
            return Err(type_error(format!(
                "unsupported operand type(s) for ** or pow(): '{}' and '{}'",
                self.type_name(a),
                self.type_name(b)
            )));
        }
        if op == BinOp::Add && a.as_str().is_some() && !inplace {
            return Err(type_error(format!(
                "can only concatenate str (not \"{}\") to str",
                self.type_name(b)
            )));
        }
        if op == BinOp::Add {
            if let Value::Obj(o) = a {
                if let Obj::List(_) | Obj::Tuple(_) | Obj::ByteArray(_) = &**o {
                    let t = self.type_name(a);
                    return Err(type_error(format!(
                        "can only concatenate {t} (not \"{}\") to {t}",
                        self.type_name(b)
                    )));
                }
            }
        }
        if op == BinOp::Mult {
            let other = if builtin_sequence(a) {
                Some(b)
            } else if builtin_sequence(b) {
                Some(a)
            } else {
                None
            };
            if let Some(o) = other {
                if crate::obj::number::as_int(o).is_none() {
                    return Err(type_error(format!(
                        "can't multiply sequence by non-int of type '{}'",
                        self.type_name(o)
                    )));
                }
            }
        }
        Err(type_error(format!(
            "unsupported operand type(s) for {sym}: '{}' and '{}'",
            self.type_name(a),
            self.type_name(b)
        )))
    }

    /// Unary `-a`, `+a`, `~a`, `not a`.
    pub fn unary_op(&mut self, a: &Value, op: UnaryOp) -> PyResult<Value> {
        if op == UnaryOp::Not {
            return Ok(Value::Bool(!self.truthy(a)?));
        }
        if let Some(r) = crate::obj::number::unary(a, op) {
            return r;
        }
        let (name, sym) = match op {
            UnaryOp::USub => ("__neg__", "-"),
            UnaryOp::UAdd => ("__pos__", "+"),
            _ => ("__invert__", "~"),
        };
        match self.call_special(a, name, &[])? {
            Some(r) => Ok(r),
            None => Err(type_error(format!(
                "bad operand type for unary {sym}: '{}'",
                self.type_name(a)
            ))),
        }
    }

    /// `len(v)`
    /// What `__len__` returned, checked as CPython's slot_sq_length: an integer (via
    /// `__index__`), not negative (ValueError, however large), then one that fits.
    fn len_result(&mut self, r: &Value) -> PyResult<usize> {
        if let Value::Int(n) = r {
            if *n < 0 {
                return Err(super::errors::value_error("__len__() should return >= 0"));
            }
            return Ok(*n as usize);
        }
        let n = self.index_bigint(r)?;
        if num_traits::Signed::is_negative(&n) {
            return Err(super::errors::value_error("__len__() should return >= 0"));
        }
        i64::try_from(n).map(|n| n as usize).map_err(|_| {
            super::errors::exc(
                ExcKind::OverflowError,
                "cannot fit 'int' into an index-sized integer",
            )
        })
    }

    pub fn len(&mut self, v: &Value) -> PyResult<usize> {
        if let Some(n) = v.as_obj().and_then(super::quick_calls::builtin_len) {
            return Ok(n);
        }
        match self.call_special(v, "__len__", &[])? {
            Some(r) => self.len_result(&r),
            None => Err(type_error(format!(
                "object of type '{}' has no len()",
                self.type_name(v)
            ))),
        }
    }

    /// `obj[key]`
    pub fn getitem(&mut self, obj: &Value, key: &Value) -> PyResult<Value> {
        if let (Value::Obj(o), Value::Int(i)) = (obj, key) {
            match &**o {
                Obj::List(l) => {
                    let l = l.borrow();
                    let n = l.len() as i64;
                    let j = if *i < 0 { i + n } else { *i };
                    if j < 0 || j >= n {
                        return Err(super::errors::index_error("list index out of range"));
                    }
                    return Ok(l[j as usize].clone());
                }
                Obj::Tuple(t) => {
                    let n = t.len() as i64;
                    let j = if *i < 0 { i + n } else { *i };
                    if j < 0 || j >= n {
                        return Err(super::errors::index_error("tuple index out of range"));
                    }
                    return Ok(t[j as usize].clone());
                }
                Obj::Bytes(b) => {
                    let n = b.len() as i64;
                    let j = if *i < 0 { i + n } else { *i };
                    if j < 0 || j >= n {
                        return Err(super::errors::index_error("index out of range"));
                    }
                    return Ok(Value::Int(i64::from(b[j as usize])));
                }
                _ => {}
            }
        }
        if let Value::Obj(o) = obj {
            if let Obj::Dict(_) = &**o {
                return match self.dict_get(o, key)? {
                    Some(v) => Ok(v),
                    None => Err(super::errors::key_error(key.clone())),
                };
            }
            // Slices (and str indexing) of the exact builtin sequences, whose `__getitem__`
            // cannot be overridden: their method bodies directly, without the special
            // method lookup and argument vector.
            let sliced = matches!(key, Value::Obj(k) if matches!(&**k, Obj::Slice(_)));
            match &**o {
                Obj::Str(_) => return crate::obj::methods::str::str_getitem(self, obj, key),
                Obj::List(_) if sliced => {
                    return native_getitem(self, crate::obj::methods::list::getitem, obj, key)
                }
                Obj::Tuple(_) if sliced => {
                    return native_getitem(self, crate::obj::methods::tuple::getitem, obj, key)
                }
                // Any key: their errors for other keys are the method's too.
                Obj::Bytes(_) | Obj::ByteArray(_) => {
                    return native_getitem(self, crate::obj::methods::bytes::getitem, obj, key)
                }
                _ => {}
            }
            if let Obj::Class(c) = &**o {
                if let Some(r) = self.call_special_on_class(o, "__class_getitem__", key)? {
                    return Ok(r);
                }
                if self.type_of(obj).is(&self.t.type_) {
                    return Err(type_error(format!(
                        "type '{}' is not subscriptable",
                        c.name.borrow()
                    )));
                }
            }
        }
        match self.call_special(obj, "__getitem__", std::slice::from_ref(key))? {
            Some(r) => Ok(r),
            None => Err(type_error(format!(
                "'{}' object is not subscriptable",
                self.type_name(obj)
            ))),
        }
    }

    fn call_special_on_class(
        &mut self,
        cls: &ObjRef,
        name: &str,
        arg: &Value,
    ) -> PyResult<Option<Value>> {
        let key = self.intern(name);
        match lookup(cls, &key) {
            Some(f) => {
                let f = match &f {
                    Value::Obj(o) => match &**o {
                        Obj::ClassMethod(w) => w.func.borrow().clone(),
                        _ => f.clone(),
                    },
                    _ => f.clone(),
                };
                self.call(&f, &[Value::Obj(cls.clone()), arg.clone()])
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    /// `obj[key] = value`
    pub fn setitem(&mut self, obj: &Value, key: &Value, value: Value) -> PyResult<()> {
        if let Value::Obj(o) = obj {
            match (&**o, key) {
                (Obj::List(l), Value::Int(i)) => {
                    let mut l = l.borrow_mut();
                    let n = l.len() as i64;
                    let j = if *i < 0 { i + n } else { *i };
                    if j < 0 || j >= n {
                        return Err(super::errors::index_error(
                            "list assignment index out of range",
                        ));
                    }
                    l[j as usize] = value;
                    return Ok(());
                }
                (Obj::Dict(_), _) => return self.dict_set(o, key.clone(), value),
                _ => {}
            }
        }
        match self.call_special(obj, "__setitem__", &[key.clone(), value])? {
            Some(_) => Ok(()),
            None => Err(type_error(format!(
                "'{}' object does not support item assignment",
                self.type_name(obj)
            ))),
        }
    }

    /// `del obj[key]`
    pub fn delitem(&mut self, obj: &Value, key: &Value) -> PyResult<()> {
        if let Value::Obj(o) = obj {
            if let Obj::Dict(_) = &**o {
                return self.dict_del(o, key);
            }
        }
        match self.call_special(obj, "__delitem__", std::slice::from_ref(key))? {
            Some(_) => Ok(()),
            None => {
                // CPython's PyObject_DelItem: a type with sequence slots given an index
                // says "doesn't"; anything else "does not".
                let index_key = matches!(key, Value::Int(_) | Value::Bool(_))
                    || matches!(key, Value::Obj(k) if matches!(&**k, Obj::BigInt(_)))
                    || self.lookup_special(key, "__index__").is_some();
                let word = if index_key && self.has_sequence_slots(obj) {
                    "doesn't"
                } else {
                    "does not"
                };
                Err(type_error(format!(
                    "'{}' object {word} support item deletion",
                    self.type_name(obj)
                )))
            }
        }
    }

    /// Whether CPython's type for `obj` has sequence slots (tp_as_sequence): containers,
    /// strings and every class defined in Python do; numbers, None, functions, modules,
    /// types and a bare `object()` do not.
    fn has_sequence_slots(&self, obj: &Value) -> bool {
        match obj {
            Value::Obj(o) => match &**o {
                Obj::BigInt(_)
                | Obj::Complex(_)
                | Obj::Function(_)
                | Obj::Native(_)
                | Obj::BoundMethod(_)
                | Obj::Module(_)
                | Obj::Code(_)
                | Obj::Class(_) => false,
                Obj::Instance(_) => !self.type_of(obj).is(&self.t.object),
                _ => true,
            },
            _ => false,
        }
    }

    /// `item in container`
    pub fn contains(&mut self, container: &Value, item: &Value) -> PyResult<bool> {
        if let Value::Obj(o) = container {
            match &**o {
                Obj::Dict(_) => return Ok(self.dict_get(o, item)?.is_some()),
                Obj::Set(_) | Obj::FrozenSet(_) => return self.set_contains(o, item),
                Obj::Str(s) => {
                    return match item.as_str() {
                        Some(sub) => Ok(crate::text::search::find(s.as_str(), sub).is_some()),
                        None => Err(type_error(format!(
                            "'in <string>' requires string as left operand, not {}",
                            self.type_name(item)
                        ))),
                    }
                }
                Obj::List(l) => {
                    let items = l.borrow().clone();
                    for x in &items {
                        if self.eq(x, item)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                Obj::Tuple(t) => {
                    for x in t.iter() {
                        if self.eq(x, item)? {
                            return Ok(true);
                        }
                    }
                    return Ok(false);
                }
                _ => {}
            }
        }
        if let Some(r) = self.call_special(container, "__contains__", std::slice::from_ref(item))? {
            return self.truthy(&r);
        }
        let it = match self.iter(container) {
            Ok(it) => it,
            Err(e) if e.is(ExcKind::TypeError) => {
                return Err(type_error(format!(
                    "argument of type '{}' is not iterable",
                    self.type_name(container)
                )))
            }
            Err(e) => return Err(e),
        };
        while let Some(x) = self.next(&it)? {
            if self.eq(&x, item)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// `object.__hash__`: derived from the address, like CPython (address >> 4).
/// `_Py_HashPointer` of any value: its identity.
fn identity_hash(v: &Value) -> i64 {
    let h = v.id() >> 4;
    if h == -1 {
        -2
    } else {
        h
    }
}

pub fn default_hash(o: &ObjRef) -> i64 {
    let h = (o.addr() >> 4) as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// A builtin sequence, whose `+` and `*` CPython implements as concatenation and repetition
/// slots, tried after both operands' number slots.
fn builtin_sequence(v: &Value) -> bool {
    matches!(v, Value::Obj(o) if matches!(&**o,
        Obj::Str(_) | Obj::List(_) | Obj::Tuple(_) | Obj::Bytes(_) | Obj::ByteArray(_) | Obj::Deque(_)))
}

/// An instance of a user class.
fn is_instance_obj(v: &Value) -> bool {
    matches!(v, Value::Obj(o) if matches!(&**o, Obj::Instance(_)))
}

/// `obj[key]` by the native `__getitem__` of `obj`'s exact builtin type.
fn native_getitem(
    vm: &mut Vm,
    f: crate::obj::function::NativeFn,
    obj: &Value,
    key: &Value,
) -> PyResult<Value> {
    let pos = [obj.clone(), key.clone()];
    let a = crate::obj::function::Args {
        pos: &pos,
        kwnames: &[],
        kwvalues: &[],
    };
    f(vm, &a)
}

/// The data of an exact `bytes` object (whose comparisons cannot be overridden).
/// `a == b` between two values of builtin kinds whose equality runs no aio code: None,
/// numbers (bool, int, float), exact str and exact bytes. Values of two different kinds
/// are unequal (each kind's `__eq__` answers NotImplemented for the other, and identity
/// decides); None for anything else (containers, instances, complex numbers).
pub(crate) fn builtin_eq(a: &Value, b: &Value) -> Option<bool> {
    #[derive(PartialEq)]
    enum Kind {
        None,
        Number,
        Str,
        Bytes,
    }
    fn kind(v: &Value) -> Option<Kind> {
        match v {
            Value::None => Some(Kind::None),
            Value::Bool(_) | Value::Int(_) | Value::Float(_) => Some(Kind::Number),
            Value::Obj(o) => match &**o {
                Obj::BigInt(_) => Some(Kind::Number),
                Obj::Str(_) => Some(Kind::Str),
                Obj::Bytes(_) => Some(Kind::Bytes),
                _ => None,
            },
            _ => None,
        }
    }
    let kind_a = kind(a)?;
    if kind_a != kind(b)? {
        return Some(false);
    }
    match kind_a {
        Kind::None => Some(true),
        Kind::Number => crate::obj::number::compare(a, b, CmpOp::Eq),
        Kind::Str => Some(a.as_str()? == b.as_str()?),
        Kind::Bytes => Some(exact_bytes(a)? == exact_bytes(b)?),
    }
}

fn exact_bytes(v: &Value) -> Option<&[u8]> {
    match v {
        Value::Obj(o) => match &**o {
            Obj::Bytes(b) => Some(b),
            _ => None,
        },
        _ => None,
    }
}
