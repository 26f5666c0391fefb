//! Library modules written in aio itself (`stdlib/`), embedded in the binary and compiled
//! when first imported.

/// `(module name, source, is_package)`
const MODULES: &[(&str, &str, bool)] = &[];

/// The embedded source of module `name`, and whether it is a package.
pub fn find(name: &str) -> Option<(&'static str, bool)> {
    MODULES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, src, pkg)| (*src, *pkg))
}
