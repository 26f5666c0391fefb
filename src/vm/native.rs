//! Helpers for writing native functions: argument checking with CPython's messages and
//! registering functions in namespaces.

use super::errors::{type_error, PyResult};
use super::value::{ObjRef, Value};
use super::Vm;
use crate::obj::function::{Args, NativeFn};
use crate::obj::{NativeFunction, Obj};

impl<'a> Args<'a> {
    /// Positional argument `i`, if given.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&Value> {
        self.pos.get(i)
    }

    /// Keyword argument `name`, if given.
    pub fn kw(&self, name: &str) -> Option<&Value> {
        self.kwnames
            .iter()
            .position(|k| k.as_str() == Some(name))
            .map(|i| &self.kwvalues[i])
    }

    /// Positional argument `i`, or keyword `name` (for parameters accepting both).
    pub fn arg(&self, i: usize, name: &str) -> Option<&Value> {
        self.pos.get(i).or_else(|| self.kw(name))
    }

    /// `check` for a method of builtin type `owner` called with its receiver first (`min`
    /// and `max` count the receiver), with CPython's messages for it: `list.append()
    /// takes exactly one argument (0 given)` (METH_O), `str.upper() takes no arguments
    /// (1 given)` (METH_NOARGS), `insert expected 2 arguments, got 1` (Argument Clinic),
    /// `list.pop() takes no keyword arguments`.
    pub fn check_method(&self, owner: &str, name: &str, min: usize, max: usize) -> PyResult<()> {
        self.no_kwargs_for(owner, name)?;
        self.check_method_count(owner, name, min, max)
    }

    /// `check` for a function of module `module` (`sys.intern`), with CPython's messages
    /// for it: `sys.intern() takes exactly one argument (0 given)`, `sys.exc_info() takes
    /// no arguments (1 given)`, `sys.exit() takes no keyword arguments`.
    pub fn check_function(&self, module: &str, name: &str, min: usize, max: usize) -> PyResult<()> {
        self.no_kwargs_for(module, name)?;
        let n = self.pos.len();
        if n >= min && n <= max {
            return Ok(());
        }
        let qual = format!("{module}.{name}");
        Err(type_error(count_message(&qual, name, n, min, max)))
    }

    /// The count part of `check_method`, for methods whose keywords are checked apart.
    pub fn check_method_count(
        &self,
        owner: &str,
        name: &str,
        min: usize,
        max: usize,
    ) -> PyResult<()> {
        let Some((n, min, max)) = self.counts_without_receiver(min, max) else {
            return Ok(());
        };
        let qual = format!("{owner}.{name}");
        Err(type_error(count_message(&qual, name, n, min, max)))
    }

    /// The arity check of a slot wrapper (`list.__len__`, `str.__getitem__`, `int.__add__`)
    /// taking `extra` arguments after its receiver, as CPython's `check_num_args`:
    /// "expected 1 argument, got 0", "wrapper __len__() takes no keyword arguments".
    pub fn check_slot(&self, name: &str, extra: usize) -> PyResult<()> {
        self.no_slot_kwargs(name)?;
        let n = self.pos.len().saturating_sub(1);
        if n == extra {
            return Ok(());
        }
        Err(type_error(format!(
            "expected {extra} argument{}, got {n}",
            if extra == 1 { "" } else { "s" }
        )))
    }

    /// The arity check of the slot wrappers CPython parses with `PyArg_UnpackTuple(args,
    /// "", min, max)` (`__setitem__`, `__setattr__`, `list.__mul__`, `__pow__`): the same
    /// words after an empty name, hence the leading space (" expected 2 arguments, got 1").
    /// `min` and `max` count the arguments after the receiver.
    pub fn check_slot_unpacked(&self, name: &str, min: usize, max: usize) -> PyResult<()> {
        self.no_slot_kwargs(name)?;
        let n = self.pos.len().saturating_sub(1);
        let (bound, k) = if n < min {
            (if min == max { "" } else { "at least " }, min)
        } else if n > max {
            (if min == max { "" } else { "at most " }, max)
        } else {
            return Ok(());
        };
        Err(type_error(format!(
            " expected {bound}{k} argument{}, got {n}",
            if k == 1 { "" } else { "s" }
        )))
    }

    fn no_slot_kwargs(&self, name: &str) -> PyResult<()> {
        if self.kwnames.is_empty() {
            return Ok(());
        }
        Err(type_error(format!(
            "wrapper {name}() takes no keyword arguments"
        )))
    }

    /// None when a method's positional count (receiver included) is in `min..=max`; else
    /// the count, `min` and `max` without the receiver, as CPython's messages give them.
    fn counts_without_receiver(&self, min: usize, max: usize) -> Option<(usize, usize, usize)> {
        let n = self.pos.len();
        if n >= min && n <= max {
            return None;
        }
        Some((
            n.saturating_sub(1),
            min.saturating_sub(1),
            max.saturating_sub(1),
        ))
    }

    /// The positional count of a method parsed the `PyArg_ParseTuple` way (`str.find`,
    /// `str.split`), receiver counted in `min`/`max`: `find() takes at least 1 argument
    /// (0 given)`. Keywords are the caller's to check.
    pub fn check_method_pos_tuple(&self, name: &str, min: usize, max: usize) -> PyResult<()> {
        let Some((n, min, max)) = self.counts_without_receiver(min, max) else {
            return Ok(());
        };
        let (bound, k) = if n < min {
            ("least", min)
        } else {
            ("most", max)
        };
        Err(type_error(format!(
            "{name}() takes at {bound} {k} argument{} ({n} given)",
            if k == 1 { "" } else { "s" }
        )))
    }

    /// Checks the positional count is in `min..=max` and that there are no keywords:
    /// CPython's "f() takes exactly one argument (2 given)" style messages.
    pub fn check(&self, name: &str, min: usize, max: usize) -> PyResult<()> {
        self.no_kwargs(name)?;
        self.check_pos(name, min, max)
    }

    /// Like `check` but allows keywords (checked by the caller with `only_kwargs`).
    pub fn check_pos(&self, name: &str, min: usize, max: usize) -> PyResult<()> {
        let n = self.pos.len();
        if n >= min && n <= max {
            return Ok(());
        }
        Err(type_error(count_message(name, name, n, min, max)))
    }

    /// Rejects keyword arguments: "f() takes no keyword arguments".
    pub fn no_kwargs(&self, name: &str) -> PyResult<()> {
        self.no_kwargs_for("", name)
    }

    /// `no_kwargs` for `owner.name` (`str.find`), the name formatted only for the error.
    pub fn no_kwargs_for(&self, owner: &str, name: &str) -> PyResult<()> {
        if self.kwnames.is_empty() {
            return Ok(());
        }
        let dot = if owner.is_empty() { "" } else { "." };
        Err(type_error(format!(
            "{owner}{dot}{name}() takes no keyword arguments"
        )))
    }

    /// Rejects keywords other than `allowed` as CPython 3.11's C functions (Argument Clinic
    /// and `PyArg_ParseTupleAndKeywords`) do: "'x' is an invalid keyword argument for f()".
    /// (Python functions say "f() got an unexpected keyword argument 'x'" instead.)
    pub fn only_kwargs(&self, name: &str, allowed: &[&str]) -> PyResult<()> {
        for k in self.kwnames {
            let k = k.as_str().unwrap_or("?");
            if !allowed.contains(&k) {
                return Err(type_error(format!(
                    "'{k}' is an invalid keyword argument for {name}()"
                )));
            }
        }
        Ok(())
    }

    /// Argument Clinic's count check for a function whose parameters are all keyword-only
    /// (`list.sort`, and `sorted` which passes its keywords on to it).
    pub fn clinic_max_kwargs(&self, name: &str, max: usize) -> PyResult<()> {
        let n = self.kwnames.len();
        if n <= max {
            return Ok(());
        }
        Err(type_error(format!(
            "{name}() takes at most {max} keyword argument{} ({n} given)",
            if max == 1 { "" } else { "s" }
        )))
    }

    /// Argument Clinic's checks of a function whose `params` may each be passed by
    /// position or by name, the first `required` of them required: too many arguments,
    /// an unknown keyword, one given both ways, a required one missing.
    pub fn clinic_params(&self, name: &str, params: &[&str], required: usize) -> PyResult<()> {
        self.clinic_max_args(name, params.len())?;
        self.only_kwargs(name, params)?;
        for (i, param) in params.iter().enumerate() {
            let by_name = self.kw(param).is_some();
            if by_name && i < self.pos.len() {
                return Err(type_error(format!(
                    "argument for {name}() given by name ('{param}') and position ({})",
                    i + 1
                )));
            }
            if i < required && !by_name && i >= self.pos.len() {
                return Err(type_error(format!(
                    "{name}() missing required argument '{param}' (pos {})",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    /// Argument Clinic's first check, made before any keyword is looked at: positional
    /// and keyword arguments together are at most `max`.
    pub fn clinic_max_args(&self, name: &str, max: usize) -> PyResult<()> {
        let n = self.pos.len() + self.kwnames.len();
        if n <= max {
            return Ok(());
        }
        Err(type_error(format!(
            "{name}() takes at most {max} {}argument{} ({n} given)",
            if self.pos.is_empty() { "keyword " } else { "" },
            if max == 1 { "" } else { "s" }
        )))
    }
}

/// A native function value.
pub fn native(owner: &'static str, name: &'static str, func: NativeFn) -> Value {
    Value::obj(Obj::Native(NativeFunction {
        name,
        owner,
        func,
        self_: None,
    }))
}

impl Vm {
    /// Adds native methods to a class's namespace: `(name, function)` pairs.
    pub fn add_methods(
        &mut self,
        cls: &ObjRef,
        owner: &'static str,
        methods: &[(&'static str, NativeFn)],
    ) {
        if let Obj::Class(c) = &**cls {
            for &(name, f) in methods {
                let key = self.intern(name);
                super::dictops::set_str(&mut c.dict.borrow_mut(), key, native(owner, name, f));
                super::lookup_cache::invalidate();
            }
        }
    }

    /// Sets `cls.name = value` in a class namespace (properties, constants, classmethods).
    pub fn add_class_attr(&mut self, cls: &ObjRef, name: &str, value: Value) {
        let key = self.intern(name);
        if let Obj::Class(c) = &**cls {
            super::dictops::set_str(&mut c.dict.borrow_mut(), key, value);
            super::lookup_cache::invalidate();
        }
        // Only special names bear on the flags (as for `setattr` on a class).
        if name.starts_with("__") {
            super::class::refresh_flags(cls, self);
        }
    }

    /// A readable and writable property backed by a native getter and setter.
    pub fn native_rw_property(
        owner: &'static str,
        name: &'static str,
        getter: NativeFn,
        setter: NativeFn,
    ) -> Value {
        Value::obj(Obj::Property(Box::new(crate::obj::PropertyObj::new(
            native(owner, name, getter),
            native(owner, name, setter),
            Value::None,
            Value::None,
        ))))
    }

    /// A read-only property backed by a native getter (CPython's getset descriptors:
    /// `int.real`, `slice.start`, `OSError.errno`, ...).
    pub fn native_property(
        &mut self,
        owner: &'static str,
        name: &'static str,
        getter: NativeFn,
    ) -> Value {
        Value::obj(Obj::Property(Box::new(crate::obj::PropertyObj::new(
            native(owner, name, getter),
            Value::None,
            Value::None,
            Value::None,
        ))))
    }

    /// Sets `name` in the builtins namespace.
    pub fn set_builtin(&mut self, name: &str, value: Value) {
        let key = self.intern(name);
        if let Obj::Dict(d) = &*self.builtins {
            super::dictops::set_str(&mut d.borrow_mut(), key, value);
        }
    }
}

/// CPython's message for `n` positional arguments where `min..=max` were expected: the
/// METH_NOARGS and METH_O forms name `qual()` (`list.append()`), Argument Clinic's name the
/// bare `name` (`insert expected 2 arguments, got 1`).
fn count_message(qual: &str, name: &str, n: usize, min: usize, max: usize) -> String {
    let plural = |k: usize| if k == 1 { "" } else { "s" };
    if min == max {
        match min {
            0 => format!("{qual}() takes no arguments ({n} given)"),
            1 => format!("{qual}() takes exactly one argument ({n} given)"),
            _ => format!("{name} expected {min} arguments, got {n}"),
        }
    } else if n < min {
        format!(
            "{name} expected at least {min} argument{}, got {n}",
            plural(min)
        )
    } else {
        format!(
            "{name} expected at most {max} argument{}, got {n}",
            plural(max)
        )
    }
}
