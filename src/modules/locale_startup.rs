//! `_locale_startup`: the LC_CTYPE locale CPython 3.11 starts with. CPython sets LC_CTYPE
//! from the environment when it starts and, when that gives the legacy "C" locale,
//! coerces it to C.UTF-8 by setting the LC_CTYPE environment variable (PEP 538), which
//! `os.environ` and child processes then see. stdlib/_locale.aio keeps the categories'
//! locales and starts LC_CTYPE from `ctype()`.

use crate::obj::function::{Args, NativeFn};
use crate::vm::errors::PyResult;
use crate::vm::value::Value;
use crate::vm::Vm;
use std::sync::OnceLock;

/// The locale PEP 538 coerces to (the first of CPython's targets installed here).
const COERCION_TARGET: &str = "C.UTF-8";

static STARTING_CTYPE: OnceLock<String> = OnceLock::new();

/// The first of the variables that is set and not empty, as glibc's setlocale(_, "").
fn environment_name(variables: &[&str]) -> Option<String> {
    variables
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
}

/// Whether glibc takes `codeset` for C.utf8's UTF-8 (stdlib/_locale.aio's _utf8_codeset).
fn utf8_codeset(codeset: &str) -> bool {
    let folder: String = codeset
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let charset: String = codeset
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "_-.,:".contains(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    folder == "utf8" && (charset == "UTF-8" || charset == "UTF8")
}

/// The name LC_CTYPE takes for locale `name`, or None where glibc fails (the locale is not
/// installed); stdlib/_locale.aio's _installed.
fn installed(name: &str) -> Option<String> {
    if name == "C" || name == "POSIX" {
        return Some("C".to_string());
    }
    if name.len() > 255 || name.contains('/') || name.contains('\0') {
        return None;
    }
    let rest = name.split('@').next().unwrap_or("");
    let (language_territory, codeset) = rest.split_once('.')?;
    let language = language_territory.split('_').next().unwrap_or("");
    (language == "C" && !codeset.is_empty() && utf8_codeset(codeset)).then(|| name.to_string())
}

/// LC_CTYPE after CPython's start-up; sets LC_CTYPE in the environment when it coerces.
fn starting_ctype() -> String {
    let name = environment_name(&["LC_ALL", "LC_CTYPE", "LANG"]).unwrap_or_else(|| "C".into());
    let ctype = installed(&name).unwrap_or_else(|| "C".to_string());
    let lc_all_set = environment_name(&["LC_ALL"]).is_some();
    let disabled = std::env::var("PYTHONCOERCECLOCALE").is_ok_and(|v| v == "0");
    if ctype != "C" || lc_all_set || disabled {
        return ctype;
    }
    std::env::set_var("LC_CTYPE", COERCION_TARGET);
    COERCION_TARGET.to_string()
}

/// `ctype()`: the name of the LC_CTYPE locale the process started with.
fn ctype(_vm: &mut Vm, args: &Args) -> PyResult<Value> {
    args.check("ctype", 0, 0)?;
    Ok(Value::str(STARTING_CTYPE.get_or_init(starting_ctype)))
}

pub fn register(vm: &mut Vm) {
    // At start-up, before a program can change the environment.
    STARTING_CTYPE.get_or_init(starting_ctype);
    let funcs: &[(&'static str, NativeFn)] = &[("ctype", ctype)];
    super::sys::new_module(vm, "_locale_startup", funcs);
}
