//! "Did you mean: 'x'?" after a NameError or AttributeError in a printed traceback, as
//! CPython 3.11 computes it (Python/suggestions.c): the closest name by a Levenshtein
//! distance where a case flip costs half a change, among the frame's local variable
//! names, then its globals, then its builtins (NameError), or `dir(obj)` (AttributeError).

use super::types::{exc_class, ExcKind};
use super::value::Value;
use super::Vm;
use crate::obj::Obj;

/// Candidate lists this long or longer are not searched (CPython's limit).
const MAX_CANDIDATE_ITEMS: usize = 750;
/// Names longer than this (after trimming common affixes) never match.
const MAX_STRING_SIZE: usize = 40;
const MOVE_COST: usize = 2;
const CASE_COST: usize = 1;

impl Vm {
    /// The name to suggest for exception `e`, if it is a NameError or AttributeError with a
    /// close enough candidate. Errors while looking are ignored, as CPython ignores them.
    pub(crate) fn suggestion(&mut self, e: &Value) -> Option<String> {
        let cls = self.type_of(e);
        let is = |kind| super::class::is_subclass(&cls, &exc_class(kind));
        let name = self.get_attr_str(e, "name").ok()?;
        let name = name.as_str()?.to_string();
        let lists = if is(ExcKind::NameError) {
            self.name_error_candidates(e)?
        } else if is(ExcKind::AttributeError) {
            let obj = self.get_attr_str(e, "obj").ok()?;
            if obj.is_none() {
                return None;
            }
            // From builtins directly: an uncaught exception is printed with no frame left.
            let dir = match &*self.builtins {
                Obj::Dict(d) => super::dictops::get_str(&d.borrow(), &Value::str("dir"))?,
                _ => return None,
            };
            let names = self.call(&dir, &[obj]).ok()?;
            vec![self.str_items(&names)?]
        } else {
            return None;
        };
        lists.iter().find_map(|l| closest(l, &name))
    }

    /// For a NameError: the local variable names of the frame that raised it, then its
    /// globals' keys, then its builtins' keys.
    fn name_error_candidates(&mut self, e: &Value) -> Option<Vec<Vec<String>>> {
        let mut tb = self.get_attr_str(e, "__traceback__").ok()?;
        loop {
            let next = self.get_attr_str(&tb, "tb_next").ok()?;
            if next.is_none() {
                break;
            }
            tb = next;
        }
        let frame = self.get_attr_str(&tb, "tb_frame").ok()?;
        let code = self.get_attr_str(&frame, "f_code").ok()?;
        let varnames = self.get_attr_str(&code, "co_varnames").ok()?;
        let globals = self.get_attr_str(&frame, "f_globals").ok()?;
        let builtins = self.get_attr_str(&frame, "f_builtins").ok()?;
        Some(vec![
            self.str_items(&varnames)?,
            self.str_items(&globals)?,
            self.str_items(&builtins)?,
        ])
    }

    /// The str items of a tuple or list, or the str keys of a dict, in order.
    fn str_items(&mut self, v: &Value) -> Option<Vec<String>> {
        let items = match v {
            Value::Obj(o) if matches!(&**o, Obj::Dict(_)) => {
                let keys = self.call_method(v, "keys", &[]).ok()?;
                self.collect(&keys).ok()?
            }
            _ => self.collect(v).ok()?,
        };
        Some(
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
        )
    }
}

/// CPython's `calculate_suggestions`: the first candidate at the smallest distance, if
/// no more than about a third of the characters involved need changing.
fn closest(candidates: &[String], name: &str) -> Option<String> {
    if candidates.len() >= MAX_CANDIDATE_ITEMS {
        return None;
    }
    let mut best: Option<(&String, usize)> = None;
    for item in candidates {
        if item == name {
            continue;
        }
        let mut max = (name.len() + item.len() + 3) * MOVE_COST / 6;
        if let Some((_, d)) = best {
            max = max.min(d.saturating_sub(1));
        }
        let d = levenshtein(name.as_bytes(), item.as_bytes(), max);
        if d <= max && best.is_none_or(|(_, bd)| d < bd) {
            best = Some((item, d));
        }
    }
    best.map(|(s, _)| s.clone())
}

/// A change costs `MOVE_COST`, a case flip of an ASCII letter `CASE_COST`.
fn substitution_cost(a: u8, b: u8) -> usize {
    if a & 31 != b & 31 {
        return MOVE_COST;
    }
    if a == b {
        0
    } else if a.eq_ignore_ascii_case(&b) {
        CASE_COST
    } else {
        MOVE_COST
    }
}

/// CPython's `levenshtein_distance` over UTF-8 bytes: `max_cost + 1` as soon as the
/// distance must exceed `max_cost`.
fn levenshtein(a: &[u8], b: &[u8], max_cost: usize) -> usize {
    let mut a = a;
    let mut b = b;
    while let (Some(x), Some(y)) = (a.first(), b.first()) {
        if x != y {
            break;
        }
        a = &a[1..];
        b = &b[1..];
    }
    while let (Some(x), Some(y)) = (a.last(), b.last()) {
        if x != y {
            break;
        }
        a = &a[..a.len() - 1];
        b = &b[..b.len() - 1];
    }
    if a.is_empty() || b.is_empty() {
        return (a.len() + b.len()) * MOVE_COST;
    }
    if a.len() > MAX_STRING_SIZE || b.len() > MAX_STRING_SIZE {
        return max_cost + 1;
    }
    if b.len() < a.len() {
        std::mem::swap(&mut a, &mut b);
    }
    if (b.len() - a.len()) * MOVE_COST > max_cost {
        return max_cost + 1;
    }
    // One row of the distance matrix, updated in place.
    let mut row: Vec<usize> = (1..=a.len()).map(|i| i * MOVE_COST).collect();
    let mut result = 0;
    for (bi, &code) in b.iter().enumerate() {
        let mut distance = bi * MOVE_COST;
        result = distance;
        let mut minimum = usize::MAX;
        for (ai, &ac) in a.iter().enumerate() {
            let substitute = distance + substitution_cost(code, ac);
            distance = row[ai];
            let insert_delete = result.min(distance) + MOVE_COST;
            result = insert_delete.min(substitute);
            row[ai] = result;
            minimum = minimum.min(result);
        }
        if minimum > max_cost {
            return max_cost + 1;
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn closest_follows_cpython() {
        assert_eq!(
            closest(&names(&["int", "inf", "print"]), "inf"),
            Some("int".into())
        );
        assert_eq!(
            closest(&names(&["counter", "x"]), "countr"),
            Some("counter".into())
        );
        assert_eq!(
            closest(&names(&["Counter"]), "counter"),
            Some("Counter".into())
        );
        assert_eq!(closest(&names(&["abc"]), "xyz"), None);
        assert_eq!(levenshtein(b"kitten", b"sitting", 100), 6);
    }
}
