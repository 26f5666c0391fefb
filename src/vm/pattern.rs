//! Structural pattern matching (PEP 634): what CPython 3.11's MATCH_MAPPING, MATCH_SEQUENCE,
//! MATCH_KEYS and MATCH_CLASS compute, with CPython's error messages.

use super::class::{class_name, is_subclass};
use super::errors::{exc, type_error, PyResult};
use super::types::ExcKind;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::Obj;

impl Vm {
    /// Sequences for patterns: list, tuple, range, deque and their subclasses (aio has no
    /// collections.abc to register others); never str, bytes or bytearray.
    pub(super) fn match_sequence(&self, v: &Value) -> bool {
        let t = &self.t;
        [&t.list, &t.tuple, &t.range, &t.deque]
            .into_iter()
            .any(|c| self.isinstance(v, c))
    }

    pub(super) fn match_mapping(&self, v: &Value) -> bool {
        self.isinstance(v, &self.t.dict)
    }

    /// The values of `keys` in `subject` through `subject.get(key, <dummy>)`, or None when
    /// one is missing. ValueError for a key that appears twice.
    pub(super) fn match_keys(&mut self, subject: &Value, keys: &Value) -> PyResult<Value> {
        let keys: Vec<Value> = match keys.as_obj().map(|o| &**o) {
            Some(Obj::Tuple(items)) => items.to_vec(),
            _ => return Err(type_error("match keys must be a tuple")),
        };
        if keys.is_empty() {
            return Ok(Value::tuple(Vec::new()));
        }
        let get = self.get_attr_str(subject, "get")?;
        let dummy = Value::list(Vec::new());
        let mut seen: Vec<Value> = Vec::with_capacity(keys.len());
        let mut values = Vec::with_capacity(keys.len());
        for k in keys {
            self.hash(&k)?;
            for s in &seen {
                if self.eq(s, &k)? {
                    let r = self.repr(&k)?;
                    return Err(exc(
                        ExcKind::ValueError,
                        format!("mapping pattern checks duplicate key ({r})"),
                    ));
                }
            }
            let v = self.call(&get, &[k.clone(), dummy.clone()])?;
            if v.is(&dummy) {
                return Ok(Value::None);
            }
            seen.push(k);
            values.push(v);
        }
        Ok(Value::tuple(values))
    }

    /// `cls(p1.., name=p..)`: the attributes to match sub-patterns against, or None when
    /// `subject` is not an instance of `cls` or lacks one of them.
    pub(super) fn match_class(
        &mut self,
        subject: &Value,
        cls: &Value,
        names: &Value,
        npos: usize,
    ) -> PyResult<Value> {
        let cls_ref: ObjRef = match cls {
            Value::Obj(o) if matches!(&**o, Obj::Class(_)) => o.clone(),
            _ => return Err(type_error("called match pattern must be a type")),
        };
        if !crate::modules::builtins::isinstance_spec(self, subject, cls, 0)? {
            return Ok(Value::None);
        }
        let cname = class_name(&cls_ref);
        let mut seen: Vec<Value> = Vec::new();
        let mut attrs = Vec::new();
        if npos > 0 {
            let key = self.intern("__match_args__");
            let match_args = self.get_attr_opt(cls, &key)?;
            let (args, match_self) = match match_args {
                Some(v) => match v.as_obj().map(|o| &**o) {
                    Some(Obj::Tuple(items)) => (items.to_vec(), false),
                    _ => {
                        let got = self.type_name(&v);
                        return Err(type_error(format!(
                            "{cname}.__match_args__ must be a tuple (got {got})"
                        )));
                    }
                },
                None => (Vec::new(), self.matches_self(&cls_ref)),
            };
            let allowed = if match_self { 1 } else { args.len() };
            if allowed < npos {
                let s = if allowed == 1 { "" } else { "s" };
                return Err(type_error(format!(
                    "{cname}() accepts {allowed} positional sub-pattern{s} ({npos} given)"
                )));
            }
            if match_self {
                attrs.push(subject.clone());
            } else {
                for name in &args[..npos] {
                    let is_str = matches!(name.as_obj().map(|o| &**o), Some(Obj::Str(_)));
                    if !is_str {
                        let got = self.type_name(name);
                        return Err(type_error(format!(
                            "__match_args__ elements must be strings (got {got})"
                        )));
                    }
                    match self.match_class_attr(subject, &cname, name, &mut seen)? {
                        Some(v) => attrs.push(v),
                        None => return Ok(Value::None),
                    }
                }
            }
        }
        let names: Vec<Value> = match names.as_obj().map(|o| &**o) {
            Some(Obj::Tuple(items)) => items.to_vec(),
            _ => Vec::new(),
        };
        for name in &names {
            match self.match_class_attr(subject, &cname, name, &mut seen)? {
                Some(v) => attrs.push(v),
                None => return Ok(Value::None),
            }
        }
        Ok(Value::tuple(attrs))
    }

    fn match_class_attr(
        &mut self,
        subject: &Value,
        cname: &str,
        name: &Value,
        seen: &mut Vec<Value>,
    ) -> PyResult<Option<Value>> {
        for s in seen.iter() {
            if self.eq(s, name)? {
                let r = self.repr(name)?;
                return Err(type_error(format!(
                    "{cname}() got multiple sub-patterns for attribute {r}"
                )));
            }
        }
        seen.push(name.clone());
        self.get_attr_opt(subject, name)
    }

    /// The builtin classes whose single positional sub-pattern matches the subject itself
    /// (CPython's `Py_TPFLAGS_MATCH_SELF`, inherited by subclasses).
    fn matches_self(&self, cls: &ObjRef) -> bool {
        let t = &self.t;
        [
            &t.bool_,
            &t.bytearray,
            &t.bytes,
            &t.dict,
            &t.float,
            &t.frozenset,
            &t.int,
            &t.list,
            &t.set,
            &t.str_,
            &t.tuple,
        ]
        .into_iter()
        .any(|c| is_subclass(cls, c))
    }
}
