//! The import system: `sys.modules`, native modules, the stdlib embedded in the binary,
//! and `name.aio` / `name.py` / package folders on the search path (DESIGN.md section 1).

use super::errors::{exc, PyResult};
use super::types::ExcKind;
use super::value::{ObjRef, Value};
use super::Vm;
use crate::bytecode::Source;
use crate::obj::{DictData, ModuleObj, Obj};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Where a module's source was found.
enum Found {
    File {
        path: PathBuf,
        package_dir: Option<PathBuf>,
    },
    Embedded {
        text: &'static str,
        is_package: bool,
    },
}

/// Where a module's source is, as `Vm::locate_module` reports it.
pub(crate) enum ModuleLocation {
    File {
        path: PathBuf,
        package_dir: Option<PathBuf>,
    },
    Embedded {
        is_package: bool,
    },
}

impl Vm {
    /// A new module object with the usual dunder names set.
    pub fn new_module(&mut self, name: &str, file: Option<&str>) -> ObjRef {
        let mut d = DictData::new();
        super::dictops::set_str(&mut d, self.intern("__name__"), Value::str(name));
        super::dictops::set_str(&mut d, self.intern("__doc__"), Value::None);
        super::dictops::set_str(&mut d, self.intern("__package__"), Value::None);
        if let Some(f) = file {
            super::dictops::set_str(&mut d, self.intern("__file__"), Value::str(f));
        }
        super::dictops::set_str(
            &mut d,
            self.intern("__builtins__"),
            Value::Obj(self.builtins.clone()),
        );
        let dict = ObjRef::new(Obj::Dict(RefCell::new(d)));
        ObjRef::new(Obj::Module(ModuleObj {
            name: Rc::from(name),
            dict,
            initializing: std::cell::Cell::new(false),
            native: false,
        }))
    }

    /// Attribute `name` of embedded module `m` that it binds on first use
    /// (`stdlib::lazy_attr_source`): imported from the module that defines it and bound in
    /// `m`'s namespace. None for any other name, and for a module of the same name that is
    /// not the embedded one.
    pub(crate) fn lazy_module_attr(
        &mut self,
        m: &ModuleObj,
        name: &Value,
    ) -> PyResult<Option<Value>> {
        let Some(attr) = name.as_str() else {
            return Ok(None);
        };
        if &*m.name == "builtins" {
            return self.site_builtin(name);
        }
        let Some(source) = crate::stdlib::lazy_attr_source(&m.name, attr) else {
            return Ok(None);
        };
        if !is_embedded(m) {
            return Ok(None);
        }
        let defining = self.import_module(source)?;
        let is_submodule = source
            .strip_prefix(&*m.name)
            .and_then(|rest| rest.strip_prefix('.'))
            == Some(attr);
        let v = if is_submodule {
            defining
        } else {
            self.get_attr(&defining, name)?
        };
        if let Obj::Dict(d) = &*m.dict {
            super::dictops::set_str(&mut d.borrow_mut(), name.clone(), v.clone());
        }
        Ok(Some(v))
    }

    pub(crate) fn sys_module(&mut self, name: &str) -> Option<Value> {
        let key = Value::str(name);
        match &*self.modules {
            Obj::Dict(d) => super::dictops::get_str(&d.borrow(), &key),
            _ => None,
        }
    }

    /// At exit: `module.func()` if the program imported `module` (`threading._shutdown`,
    /// `atexit._run_exitfuncs`); an exception it raises is reported, as CPython does.
    pub fn run_exit_hook(&mut self, module: &str, func: &str) {
        let Some(m) = self.sys_module(module) else {
            return;
        };
        if let Err(e) = self.call_method(&m, func, &[]) {
            let what = format!("<function {func}>");
            crate::gc::finalize::report_ignored(self, &what, &e.value());
        }
    }

    /// Registers a module in `sys.modules`.
    pub fn register_module(&mut self, name: &str, m: Value) {
        if let Obj::Dict(d) = &*self.modules {
            super::dictops::set_str(&mut d.borrow_mut(), Value::str(name), m);
        }
    }

    fn unregister_module(&mut self, name: &str) {
        if let Obj::Dict(d) = &*self.modules {
            super::dictops::del_str(&mut d.borrow_mut(), &Value::str(name));
        }
    }

    /// `ImportName`: imports a dotted name; returns the top package (no fromlist) or the
    /// module itself.
    pub(crate) fn import_name(
        &mut self,
        name: &Value,
        fromlist: &Value,
        level: &Value,
    ) -> PyResult<Value> {
        let name = name.as_str().unwrap_or("").to_string();
        let level = match level {
            Value::Int(i) => *i as usize,
            _ => 0,
        };
        let full = if level > 0 {
            self.resolve_relative(&name, level)?
        } else {
            name.clone()
        };
        let module = self.import_module(&full)?;
        let has_fromlist = match fromlist {
            Value::None => false,
            v => v.as_tuple().is_some_and(|t| !t.is_empty()),
        };
        if has_fromlist || level > 0 && name.is_empty() {
            return Ok(module);
        }
        if level > 0 {
            return Ok(module);
        }
        let top = full.split('.').next().unwrap_or(&full).to_string();
        self.sys_module(&top).ok_or_else(|| not_found(&top))
    }

    fn resolve_relative(&mut self, name: &str, level: usize) -> PyResult<String> {
        let globals = self.top().globals.clone();
        let (pkg, modname) = match &*globals {
            Obj::Dict(d) => {
                let d = d.borrow();
                (
                    super::dictops::get_str(&d, &Value::str("__package__")),
                    super::dictops::get_str(&d, &Value::str("__name__")),
                )
            }
            _ => (None, None),
        };
        let package = match pkg.as_ref().and_then(|p| p.as_str()) {
            Some(p) if !p.is_empty() => p.to_string(),
            _ => {
                return Err(exc(
                    ExcKind::ImportError,
                    "attempted relative import with no known parent package",
                ))
            }
        };
        let _ = modname;
        let mut parts: Vec<&str> = package.split('.').collect();
        if level - 1 > parts.len() {
            return Err(exc(
                ExcKind::ImportError,
                "attempted relative import beyond top-level package",
            ));
        }
        parts.truncate(parts.len() - (level - 1));
        let base = parts.join(".");
        Ok(if name.is_empty() {
            base
        } else {
            format!("{base}.{name}")
        })
    }

    /// Imports `full` (dotted), importing parents first; returns the leaf module.
    pub fn import_module(&mut self, full: &str) -> PyResult<Value> {
        if let Some(m) = self.sys_module(full) {
            return Ok(m);
        }
        let mut search: Vec<PathBuf> = match crate::modules::sys::sys_path(self) {
            Some(p) => p,
            None => self.path.clone(),
        };
        let mut parent: Option<Value> = None;
        if let Some((pkg, _)) = full.rsplit_once('.') {
            let p = self.import_module(pkg)?;
            if let Some(m) = self.sys_module(full) {
                return Ok(m);
            }
            let pkg_path = self.get_attr_opt(&p, &Value::str("__path__"))?;
            search = match pkg_path {
                Some(v) => self
                    .collect(&v)?
                    .iter()
                    .filter_map(|s| s.as_str().map(PathBuf::from))
                    .collect(),
                None => return Err(not_a_package(full, pkg)),
            };
            parent = Some(p);
        }
        let leaf = full.rsplit('.').next().unwrap_or(full);
        let found = self
            .find_module(full, leaf, &search)
            .ok_or_else(|| not_found(full))?;
        let module = self.exec_module(full, found)?;
        if let Some(p) = parent {
            self.set_attr(&p, &Value::str(leaf), module.clone())?;
        }
        Ok(module)
    }

    /// `aio -m NAME`: the module runpy would run as `__main__` (a package's `__main__`
    /// submodule), its parent packages imported first: its file name (`<frozen NAME>` for
    /// an embedded one), source text and package. Err(message) when there is none, with
    /// CPython's words.
    pub fn find_main_module(&mut self, name: &str) -> Result<(String, String, String), String> {
        let (package, search) = match name.rsplit_once('.') {
            Some((pkg, _)) => {
                let p = match self.import_module(pkg) {
                    Ok(p) => p,
                    Err(e) => {
                        let v = e.value();
                        let kind = self.type_name(&v);
                        let text = self.to_str(&v).unwrap_or_default();
                        return Err(format!(
                            "Error while finding module specification for '{name}' ({kind}: {text})"
                        ));
                    }
                };
                let path = match self.get_attr_opt(&p, &Value::str("__path__")) {
                    Ok(Some(v)) => self.collect(&v).unwrap_or_default(),
                    _ => return Err(format!("No module named {name}")),
                };
                let dirs = path
                    .iter()
                    .filter_map(|s| s.as_str().map(PathBuf::from))
                    .collect();
                (pkg.to_string(), dirs)
            }
            None => {
                let dirs = crate::modules::sys::sys_path(self).unwrap_or_else(|| self.path.clone());
                (String::new(), dirs)
            }
        };
        let leaf = name.rsplit('.').next().unwrap_or(name);
        let Some(found) = self.find_module(name, leaf, &search) else {
            return Err(format!("No module named {name}"));
        };
        let is_package = match &found {
            Found::File { package_dir, .. } => package_dir.is_some(),
            Found::Embedded { is_package, .. } => *is_package,
        };
        if is_package {
            if name.ends_with(".__main__") || name == "__main__" {
                return Err("Cannot use package as __main__ module".to_string());
            }
            return self
                .find_main_module(&format!("{name}.__main__"))
                .map_err(|e| {
                    if e == format!("No module named {name}.__main__") {
                        format!("{e}; '{name}' is a package and cannot be directly executed")
                    } else {
                        e
                    }
                });
        }
        Ok(match found {
            Found::File { path, .. } => {
                let text = crate::interpreter::read_script(&path).map_err(|e| e.to_string())?;
                (path.to_string_lossy().into_owned(), text, package)
            }
            Found::Embedded { text, .. } => (format!("<frozen {name}>"), text.to_string(), package),
        })
    }

    /// Where `import full` would find its source, without running it (importlib's
    /// find_spec): `search` is the parent package's `__path__`, or None for sys.path.
    /// A file module gives its path and its package folder; an embedded one gives neither.
    pub(crate) fn locate_module(
        &mut self,
        full: &str,
        search: Option<Vec<PathBuf>>,
    ) -> Option<ModuleLocation> {
        let search = search.unwrap_or_else(|| {
            crate::modules::sys::sys_path(self).unwrap_or_else(|| self.path.clone())
        });
        let leaf = full.rsplit('.').next().unwrap_or(full);
        Some(match self.find_module(full, leaf, &search)? {
            Found::File { path, package_dir } => ModuleLocation::File { path, package_dir },
            Found::Embedded { is_package, .. } => ModuleLocation::Embedded { is_package },
        })
    }

    /// Runs the file at `path` as the body of `module` (a loader's exec_module, reload):
    /// compiled as `import` compiles it, so its tracebacks and errors are the same.
    pub(crate) fn exec_file_in(&mut self, path: &Path, module: &ObjRef) -> PyResult<Value> {
        let name = path.to_string_lossy().into_owned();
        let text = crate::interpreter::read_script(path).map_err(|e| {
            crate::obj::methods::exception::os_error_from_io(self, &e, Some(Value::str(&name)))
        })?;
        let source = Source::from_file(name, text);
        self.exec_source_in(Rc::new(source), module)
    }

    /// Runs embedded module `full`'s source as the body of `module` (reload). False when
    /// aio embeds no module of that name.
    pub(crate) fn exec_embedded_in(&mut self, full: &str, module: &ObjRef) -> PyResult<bool> {
        let Some((text, _)) = crate::stdlib::find(full) else {
            return Ok(false);
        };
        let source = Source::from_file(format!("<frozen {full}>"), text.to_string());
        self.exec_source_in(Rc::new(source), module)?;
        Ok(true)
    }

    fn find_module(&self, full: &str, leaf: &str, search: &[PathBuf]) -> Option<Found> {
        for dir in search {
            for ext in ["aio", "py"] {
                let f = dir.join(format!("{leaf}.{ext}"));
                if f.is_file() {
                    return Some(Found::File {
                        path: f,
                        package_dir: None,
                    });
                }
            }
            let pkg = dir.join(leaf);
            for ext in ["aio", "py"] {
                let init = pkg.join(format!("__init__.{ext}"));
                if init.is_file() {
                    return Some(Found::File {
                        path: init,
                        package_dir: Some(pkg),
                    });
                }
            }
        }
        crate::stdlib::find(full).map(|(text, is_package)| Found::Embedded { text, is_package })
    }

    fn exec_module(&mut self, full: &str, found: Found) -> PyResult<Value> {
        let (file, text, pkg_dir, is_pkg) = match found {
            Found::File { path, package_dir } => {
                let text = crate::interpreter::read_script(&path)
                    .map_err(|e| super::errors::exc(ExcKind::OSError, e.to_string()))?;
                let is_pkg = package_dir.is_some();
                (
                    path.to_string_lossy().into_owned(),
                    text,
                    package_dir,
                    is_pkg,
                )
            }
            Found::Embedded { text, is_package } => (
                format!("<frozen {full}>"),
                text.to_string(),
                None,
                is_package,
            ),
        };
        let module = self.new_module(full, Some(&file));
        let mv = Value::Obj(module.clone());
        let package = if is_pkg {
            full.to_string()
        } else {
            full.rsplit_once('.')
                .map(|(p, _)| p.to_string())
                .unwrap_or_default()
        };
        if let Obj::Module(m) = &*module {
            if let Obj::Dict(d) = &*m.dict {
                let mut d = d.borrow_mut();
                super::dictops::set_str(&mut d, Value::str("__package__"), Value::str(&package));
                if is_pkg {
                    let path = pkg_dir
                        .as_deref()
                        .map(|p: &Path| Value::str(&p.to_string_lossy()))
                        .unwrap_or_else(|| Value::str(&format!("<frozen {full}>")));
                    super::dictops::set_str(
                        &mut d,
                        Value::str("__path__"),
                        Value::list(vec![path]),
                    );
                }
            }
        }
        self.register_module(full, mv.clone());
        let source = Rc::new(Source::from_file(file, text));
        set_initializing(&module, true);
        let result = self.exec_source_in(source, &module);
        set_initializing(&module, false);
        if let Err(e) = result {
            self.unregister_module(full);
            return Err(e);
        }
        Ok(self.sys_module(full).unwrap_or(mv))
    }

    /// Compiles and runs `source` as the body of `module`.
    pub fn exec_source_in(&mut self, source: Rc<Source>, module: &ObjRef) -> PyResult<Value> {
        let code = self.compile_source(source, crate::compile::Mode::Exec)?;
        let globals = match &**module {
            Obj::Module(m) => m.dict.clone(),
            _ => return Err(super::errors::type_error("not a module")),
        };
        self.run_code(code, globals)
    }

    /// Parses and compiles; syntax errors become SyntaxError exceptions.
    pub fn compile_source(
        &mut self,
        source: Rc<Source>,
        mode: crate::compile::Mode,
    ) -> PyResult<Rc<crate::bytecode::Code>> {
        let parsed = match mode {
            crate::compile::Mode::Interactive => crate::syntax::parse_interactive(&source.text),
            _ => crate::syntax::parse_module(&source.text),
        };
        let module = parsed.map_err(|e| self.syntax_error_exc(&e, &source))?;
        let compiled = crate::compile::compile_module(&module, source.clone(), mode);
        super::warnings::report_compile_warnings(self);
        compiled.map_err(|e| self.syntax_error_exc(&e, &source))
    }

    /// A module-level code object that awaits at its top level (a REPL input, see
    /// `compile::Mode::Interactive`) as a coroutine whose frame has `globals` as both
    /// globals and locals.
    pub fn module_coroutine(&mut self, code: Rc<crate::bytecode::Code>, globals: ObjRef) -> Value {
        let co = self.code_object(code);
        let mut frame = super::frame::Frame::new(co.clone(), globals.clone());
        frame.extra_mut().locals_map = Some(globals);
        Value::Obj(crate::obj::GeneratorObj::for_module_frame(co, frame))
    }

    /// Runs a module-level code object with `globals` as both globals and locals.
    pub fn run_code(
        &mut self,
        code: Rc<crate::bytecode::Code>,
        globals: ObjRef,
    ) -> PyResult<Value> {
        let co = self.code_object(code);
        let mut frame = super::frame::Frame::new(co, globals.clone());
        frame.extra_mut().locals_map = Some(globals);
        self.run_frame(frame)
    }

    /// Converts a compiled code object (and nested ones) into its runtime form.
    pub fn code_object(&mut self, code: Rc<crate::bytecode::Code>) -> Rc<crate::obj::CodeObj> {
        let consts = code.consts.iter().map(|c| self.const_value(c)).collect();
        let names: Box<[Value]> = code.names.iter().map(|n| self.intern(n)).collect();
        let varnames: Box<[Value]> = code.varnames.iter().map(|n| self.intern(n)).collect();
        Self::code_object_of(code, consts, names, varnames, false)
    }

    /// `code`'s copy marked `CO_ITERABLE_COROUTINE` (what `types.coroutine` gives a
    /// generator function): the same instructions and constants, caches of its own.
    pub fn iterable_coroutine_copy(code: &crate::obj::CodeObj) -> Rc<crate::obj::CodeObj> {
        Self::code_object_of(
            code.code.clone(),
            code.consts.clone(),
            code.names.clone(),
            code.varnames.clone(),
            true,
        )
    }

    /// The runtime form of `code`, given its constants and names as values.
    fn code_object_of(
        code: Rc<crate::bytecode::Code>,
        consts: Box<[Value]>,
        names: Box<[Value]>,
        varnames: Box<[Value]>,
        iterable_coroutine: bool,
    ) -> Rc<crate::obj::CodeObj> {
        let global_cache = names.iter().map(|_| Default::default()).collect();
        let method_cache = names.iter().map(|_| Default::default()).collect();
        let attr_hints = names.iter().map(|_| Default::default()).collect();
        let quick = super::quicken::quicken(&code.ops, &code.consts);
        let plain_call = code.kwonlyargcount == 0
            && !code.flags.varargs
            && !code.flags.varkeywords
            && !code.flags.async_generator
            && code.cellvars.is_empty()
            && code.freevars.is_empty();
        let exact_args = match plain_call && !code.is_generator_like() {
            true => code.argcount,
            false => u32::MAX,
        };
        let exact_await_args = match plain_call && code.flags.coroutine && !code.flags.generator {
            true => code.argcount,
            false => u32::MAX,
        };
        let nlocals = code.varnames.len() as u32;
        let stack_room = code.max_stack;
        Rc::new(crate::obj::CodeObj {
            code,
            consts,
            names,
            varnames,
            global_cache,
            method_cache,
            attr_hints,
            quick,
            plain_call,
            exact_args,
            exact_await_args,
            nlocals,
            stack_room,
            shortcut: Default::default(),
            hidden_from_tracebacks: Default::default(),
            iterable_coroutine,
        })
    }

    fn const_value(&mut self, c: &crate::bytecode::ConstValue) -> Value {
        use crate::bytecode::ConstValue as C;
        match c {
            C::None => Value::None,
            C::Bool(b) => Value::Bool(*b),
            C::Ellipsis => self.t.ellipsis_value.clone(),
            C::Int(i) => Value::Int(*i),
            C::BigInt(b) => Value::from_bigint((**b).clone()),
            C::Float(x) => Value::Float(*x),
            C::Imag(x) => crate::obj::complex::value(crate::obj::complex::Complex::new(0.0, *x)),
            C::Str(s) => self.intern(s),
            C::Bytes(b) => Value::bytes(b.to_vec()),
            C::Tuple(items) => Value::tuple(items.iter().map(|i| self.const_value(i)).collect()),
            C::FrozenSet(items) => self.frozenset_const(items),
            C::Code(code) => Value::obj(Obj::Code(self.code_object(code.clone()))),
        }
    }

    /// A frozenset constant laid out as CPython's compiler leaves it: built from the items,
    /// then rebuilt from that set's iteration order (merge_consts_recursive).
    fn frozenset_const(&mut self, items: &[crate::bytecode::ConstValue]) -> Value {
        let mut first = crate::obj::SetData::new();
        for c in items {
            let v = self.const_value(c);
            // Constants (numbers, strings, bytes, tuples of them) always hash.
            let _ = self.setdata_add(&mut first, v);
        }
        let mut second = crate::obj::SetData::new();
        for v in first.keys() {
            let _ = self.setdata_add(&mut second, v);
        }
        Value::frozenset(second)
    }

    /// `from module import name`
    pub(crate) fn import_from(&mut self, module: &Value, name: &Value) -> PyResult<Value> {
        if let Some(v) = self.get_attr_opt(module, name)? {
            return Ok(v);
        }
        let modname = self
            .get_attr_opt(module, &Value::str("__name__"))?
            .and_then(|v| v.as_str().map(|s| s.to_string()))
            .unwrap_or_else(|| "<unknown module name>".into());
        let n = name.as_str().unwrap_or("?");
        // A submodule of a package.
        if self
            .get_attr_opt(module, &Value::str("__path__"))?
            .is_some()
        {
            let full = format!("{modname}.{n}");
            match self.import_module(&full) {
                Ok(m) => return Ok(m),
                // Only the submodule itself missing: one it imports is the error.
                Err(e) if e.is(ExcKind::ModuleNotFoundError) && missing_name(&e) == full => {}
                Err(e) => return Err(e),
            }
        }
        let file = self
            .get_attr_opt(module, &Value::str("__file__"))?
            .and_then(|v| v.as_str().map(|s| s.to_string()));
        let loc = file.as_deref().unwrap_or("unknown location");
        let partially = match module {
            Value::Obj(o) => matches!(&**o, Obj::Module(m) if m.initializing.get()),
            _ => false,
        };
        let msg = if partially {
            format!(
                "cannot import name '{n}' from partially initialized module '{modname}' \
                 (most likely due to a circular import) ({loc})"
            )
        } else {
            format!("cannot import name '{n}' from '{modname}' ({loc})")
        };
        let e = exc(ExcKind::ImportError, msg);
        let mut d = e.exc().dict().borrow_mut();
        super::dictops::set_str(&mut d, Value::str("name"), Value::str(&modname));
        if let Some(f) = &file {
            super::dictops::set_str(&mut d, Value::str("path"), Value::str(f));
        }
        drop(d);
        Err(e)
    }

    /// `from module import *`
    pub(crate) fn import_star(&mut self, module: &Value) -> PyResult<()> {
        let names: Vec<Value> = match self.get_attr_opt(module, &Value::str("__all__"))? {
            Some(all) => self.collect(&all)?,
            None => match module {
                Value::Obj(o) => match &**o {
                    Obj::Module(m) => match &*m.dict {
                        Obj::Dict(d) => {
                            let mut names: Vec<Value> = d
                                .borrow()
                                .keys()
                                .into_iter()
                                .filter(|k| k.as_str().is_some_and(|s| !s.starts_with('_')))
                                .collect();
                            // What CPython's module would have bound by now.
                            if is_embedded(m) {
                                let bound: std::collections::HashSet<String> = names
                                    .iter()
                                    .filter_map(|n| n.as_str().map(str::to_string))
                                    .collect();
                                names.extend(
                                    crate::stdlib::lazy_attr_names(&m.name)
                                        .filter(|n| !bound.contains(*n))
                                        .map(Value::str),
                                );
                            }
                            names
                        }
                        _ => Vec::new(),
                    },
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            },
        };
        let target = self
            .top()
            .locals_map()
            .cloned()
            .unwrap_or_else(|| self.top().globals.clone());
        for n in names {
            let v = self.get_attr(module, &n)?;
            if let Obj::Dict(d) = &*target {
                super::dictops::set_str(&mut d.borrow_mut(), n, v);
            }
        }
        Ok(())
    }
}

fn set_initializing(module: &ObjRef, on: bool) {
    if let Obj::Module(m) = &**module {
        m.initializing.set(on);
    }
}

/// `import a.b` where `a` is a module without `__path__`.
fn not_a_package(name: &str, parent: &str) -> super::errors::ExcRef {
    let e = exc(
        ExcKind::ModuleNotFoundError,
        format!("No module named '{name}'; '{parent}' is not a package"),
    );
    super::dictops::set_str(
        &mut e.exc().dict().borrow_mut(),
        Value::str("name"),
        Value::str(name),
    );
    e
}

/// The `name` attribute of a ModuleNotFoundError ("" when it has none).
fn missing_name(e: &super::errors::ExcRef) -> String {
    let d = e.exc().dict().borrow();
    super::dictops::get_str(&d, &Value::str("name"))
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn not_found(name: &str) -> super::errors::ExcRef {
    let e = exc(
        ExcKind::ModuleNotFoundError,
        format!("No module named '{name}'"),
    );
    super::dictops::set_str(
        &mut e.exc().dict().borrow_mut(),
        Value::str("name"),
        Value::str(name),
    );
    e
}

/// Whether `m` is the module aio embeds under its name (its `__file__` is `<frozen NAME>`),
/// not a module of the program's with the same name.
pub(crate) fn is_embedded(m: &ModuleObj) -> bool {
    let Obj::Dict(d) = &*m.dict else {
        return false;
    };
    let file = super::dictops::get_str(&d.borrow(), &Value::str("__file__"));
    file.as_ref().and_then(Value::as_str) == Some(&format!("<frozen {}>", m.name))
}
