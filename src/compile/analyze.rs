//! The second pass of the symbol table (CPython's `analyze_block`): decide each name's scope
//! from the flags collected per scope and the names bound by enclosing functions, turn
//! captured locals into cells and propagate free variables outwards.

use super::symtable::{
    err, BlockType, Scope, ScopeId, ScopeInfo, DEF_BOUND, DEF_FREE_CLASS, DEF_GLOBAL, DEF_NONLOCAL,
};
use crate::syntax::error::SyntaxError;
use std::collections::HashSet;

pub(super) fn analyze_block(
    scopes: &mut [ScopeInfo],
    id: ScopeId,
    bound: Option<&HashSet<String>>,
    free: &mut HashSet<String>,
) -> Result<(), SyntaxError> {
    let mut local: HashSet<String> = HashSet::new();
    let mut bound_copy: Option<HashSet<String>> = bound.cloned();
    let typ = scopes[id].typ;
    let mut new_bound: HashSet<String> = HashSet::new();
    let mut decided: Vec<Scope> = Vec::with_capacity(scopes[id].symbols.len());
    if typ == BlockType::Class {
        if let Some(b) = bound {
            new_bound.extend(b.iter().cloned());
        }
    }
    for sym in &scopes[id].symbols {
        let name = &sym.name;
        let flags = sym.flags;
        let sc = if flags & DEF_GLOBAL != 0 {
            if flags & DEF_NONLOCAL != 0 {
                let span = scopes[id].directives.get(name).copied().unwrap_or_default();
                return Err(err(format!("name '{name}' is nonlocal and global"), span));
            }
            if let Some(b) = bound_copy.as_mut() {
                b.remove(name);
            }
            Scope::GlobalExplicit
        } else if flags & DEF_NONLOCAL != 0 {
            if !bound_copy.as_ref().is_some_and(|b| b.contains(name)) {
                let span = scopes[id].directives.get(name).copied().unwrap_or_default();
                return Err(err(format!("no binding for nonlocal '{name}' found"), span));
            }
            free.insert(name.clone());
            Scope::Free
        } else if flags & DEF_BOUND != 0 {
            local.insert(name.clone());
            Scope::Local
        } else if bound_copy.as_ref().is_some_and(|b| b.contains(name)) {
            free.insert(name.clone());
            Scope::Free
        } else {
            Scope::GlobalImplicit
        };
        decided.push(sc);
    }
    for (sym, sc) in scopes[id].symbols.iter_mut().zip(&decided) {
        sym.scope = *sc;
    }
    if typ != BlockType::Class {
        if typ == BlockType::Function {
            new_bound.extend(local.iter().cloned());
        }
        if let Some(b) = &bound_copy {
            new_bound.extend(b.iter().cloned());
        }
    } else {
        new_bound.insert("__class__".to_string());
    }
    let mut new_free: HashSet<String> = HashSet::new();
    let children = scopes[id].children.clone();
    for child in children {
        let mut child_free = new_free.clone();
        analyze_block(scopes, child, Some(&new_bound), &mut child_free)?;
        new_free.extend(child_free);
    }
    let ste = &mut scopes[id];
    match typ {
        BlockType::Function => {
            for sym in ste.symbols.iter_mut() {
                if sym.scope == Scope::Local && new_free.remove(&sym.name) {
                    sym.scope = Scope::Cell;
                }
            }
        }
        BlockType::Class => {
            if new_free.remove("__class__") {
                ste.needs_class_closure = true;
            }
        }
        BlockType::Module => {}
    }
    // update_symbols: record free variables passing through this scope.
    let mut names: Vec<&String> = new_free.iter().collect();
    names.sort();
    for name in names {
        if let Some(&i) = ste.index.get(name.as_str()) {
            if typ == BlockType::Class && ste.symbols[i].flags & (DEF_BOUND | DEF_GLOBAL) != 0 {
                ste.symbols[i].flags |= DEF_FREE_CLASS;
            }
            continue;
        }
        if bound_copy
            .as_ref()
            .is_some_and(|b| !b.contains(name.as_str()))
        {
            continue;
        }
        ste.set_flags(name, 0);
        if let Some(&i) = ste.index.get(name.as_str()) {
            ste.symbols[i].scope = Scope::Free;
        }
    }
    free.extend(new_free);
    Ok(())
}
