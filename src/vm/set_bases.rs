//! `cls.__bases__ = (...)`: CPython's type_set_bases. The new bases must keep the instance
//! layout the class was made with; the class's MRO and those of all its subclasses are
//! recomputed, and nothing changes when one of them has no consistent order.

use super::class::{as_class, c3_mro, class_name, is_subclass, refresh_flags};
use super::errors::{type_error, PyResult};
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::class::Layout;
use crate::obj::Obj;

impl Vm {
    /// Replaces the bases of the user class `cls` with the tuple `value`.
    pub(crate) fn set_class_bases(&mut self, cls: &ObjRef, value: &Value) -> PyResult<()> {
        let name = class_name(cls);
        let bases = self.checked_new_bases(cls, &name, value)?;
        let Some(c) = as_class(cls) else {
            return Ok(());
        };
        let old_best = self.best_base(&c.bases.borrow().clone());
        let new_best = self.best_base(&bases);
        if !self.layout_root(&new_best).is(&self.layout_root(&old_best)) {
            return Err(type_error(format!(
                "__bases__ assignment: '{}' object layout differs from '{}'",
                class_name(&new_best),
                class_name(&old_best)
            )));
        }
        let old_bases = c.bases.replace(bases.clone());
        if let Err(e) = self.recompute_mros(cls) {
            *c.bases.borrow_mut() = old_bases;
            // Put back the orders computed so far from the old bases.
            let _ = self.recompute_mros(cls);
            return Err(e);
        }
        for b in &bases {
            crate::obj::methods::type_::register_subclass(b, cls);
        }
        super::lookup_cache::invalidate();
        refresh_flags(cls, self);
        Ok(())
    }

    /// The tuple assigned to `__bases__`, checked as CPython checks it.
    fn checked_new_bases(
        &mut self,
        cls: &ObjRef,
        name: &str,
        value: &Value,
    ) -> PyResult<Vec<ObjRef>> {
        let items = match value {
            Value::Obj(o) => match &**o {
                Obj::Tuple(t) => t.to_vec(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let is_tuple = matches!(value, Value::Obj(o) if matches!(&**o, Obj::Tuple(_)));
        if !is_tuple {
            return Err(type_error(format!(
                "can only assign tuple to {name}.__bases__, not {}",
                self.type_name(value)
            )));
        }
        if items.is_empty() {
            return Err(type_error(format!(
                "can only assign non-empty tuple to {name}.__bases__, not ()"
            )));
        }
        let mut bases = Vec::with_capacity(items.len());
        for item in &items {
            let base = match item {
                Value::Obj(o) if as_class(o).is_some() => o.clone(),
                _ => {
                    return Err(type_error(format!(
                        "{name}.__bases__ must be tuple of classes, not '{}'",
                        self.type_name(item)
                    )))
                }
            };
            if is_subclass(&base, cls) {
                return Err(type_error("a __bases__ item causes an inheritance cycle"));
            }
            bases.push(base);
        }
        Ok(bases)
    }

    /// CPython's best_base: the base whose layout extends all the others' (the first such).
    fn best_base(&self, bases: &[ObjRef]) -> ObjRef {
        let mut best = bases
            .first()
            .cloned()
            .unwrap_or_else(|| self.t.object.clone());
        let mut winner = self.layout_root(&best);
        for b in bases.iter().skip(1) {
            let root = self.layout_root(b);
            if is_subclass(&root, &winner) && !root.is(&winner) {
                winner = root;
                best = b.clone();
            }
        }
        best
    }

    /// The class whose instance layout instances of `cls` have: a builtin type extended
    /// with a payload (tuple, list...), BaseException, a native root, or object.
    fn layout_root(&self, cls: &ObjRef) -> ObjRef {
        match as_class(cls) {
            Some(c) if c.layout == Layout::Builtin => {
                if cls.is(&self.t.object) || cls.is(&self.t.type_) {
                    self.t.object.clone()
                } else {
                    cls.clone()
                }
            }
            _ => self.solid_base(cls),
        }
    }

    /// Recomputes the MRO of `cls` from its bases, then of every class below it, each
    /// after all of its bases that changed (a diamond's bottom after both sides).
    fn recompute_mros(&mut self, cls: &ObjRef) -> PyResult<()> {
        let mut all = vec![cls.clone()];
        let mut i = 0;
        while let Some(k) = all.get(i).cloned() {
            for sub in crate::obj::methods::type_::direct_subclasses(&k) {
                if !all.iter().any(|a| a.is(&sub)) {
                    all.push(sub);
                }
            }
            i += 1;
        }
        let mut done: Vec<ObjRef> = Vec::new();
        while done.len() < all.len() {
            let ready = all.iter().find(|k| {
                !done.iter().any(|d| d.is(k))
                    && as_class(k).is_some_and(|kc| {
                        kc.bases
                            .borrow()
                            .iter()
                            .all(|b| !all.iter().any(|a| a.is(b)) || done.iter().any(|d| d.is(b)))
                    })
            });
            let Some(k) = ready.cloned() else { break };
            if let Some(kc) = as_class(&k) {
                let bases = kc.bases.borrow().clone();
                let mro = c3_mro(&kc.name(), &bases)?;
                *kc.mro.borrow_mut() = mro;
            }
            done.push(k);
        }
        Ok(())
    }
}
