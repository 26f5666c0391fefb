//! How many arguments each bytes and bytearray method takes, checked before anything else
//! with the words CPython's argument parsing uses for that method: METH_NOARGS and METH_O
//! methods name the receiver's type (`bytes.upper() takes no arguments (1 given)`),
//! Argument Clinic's positional-only methods do not (`center expected at most 2
//! arguments, got 3`), the `PyArg_ParseTuple` style counts in parentheses (`find() takes
//! at most 3 arguments (5 given)`), and slot wrappers say `expected 1 argument, got 0`.

use crate::obj::function::Args;
use crate::vm::errors::PyResult;

/// A method's argument count, not counting the receiver.
#[derive(Clone, Copy)]
enum Arity {
    /// METH_NOARGS.
    NoArgs,
    /// METH_O.
    One,
    /// Argument Clinic, positional only: between the two counts.
    Clinic(usize, usize),
    /// `PyArg_ParseTuple` style (and Clinic with keywords): between the two counts.
    Tuple(usize, usize),
    /// A slot wrapper taking this many arguments.
    Slot(usize),
    /// A slot wrapper parsed with `PyArg_UnpackTuple` (`__mul__`, `__setitem__`).
    SlotUnpacked(usize),
}

fn arity(name: &str) -> Option<Arity> {
    use Arity::*;
    Some(match name {
        "capitalize" | "isalnum" | "isalpha" | "isascii" | "isdigit" | "islower" | "isspace"
        | "istitle" | "isupper" | "lower" | "swapcase" | "title" | "upper" | "clear" | "copy"
        | "reverse" => NoArgs,
        "join" | "partition" | "rpartition" | "removeprefix" | "removesuffix" | "zfill"
        | "append" | "remove" | "extend" => One,
        "center" | "ljust" | "rjust" => Clinic(1, 2),
        "strip" | "lstrip" | "rstrip" | "pop" => Clinic(0, 1),
        "replace" => Clinic(2, 3),
        "insert" => Clinic(2, 2),
        "count" | "find" | "index" | "rfind" | "rindex" | "startswith" | "endswith" => Tuple(1, 3),
        "split" | "rsplit" | "decode" | "hex" => Tuple(0, 2),
        "expandtabs" | "splitlines" => Tuple(0, 1),
        // Its "at least 1 positional argument" is the method's own to say.
        "translate" => Tuple(0, 2),
        "__hash__" | "__iter__" | "__len__" | "__repr__" => Slot(0),
        "__add__" | "__contains__" | "__eq__" | "__ne__" | "__lt__" | "__le__" | "__gt__"
        | "__ge__" | "__getitem__" | "__delitem__" | "__mod__" | "__rmod__" | "__iadd__" => Slot(1),
        "__mul__" | "__rmul__" | "__imul__" => SlotUnpacked(1),
        "__setitem__" => SlotUnpacked(2),
        _ => return None,
    })
}

/// Checks the argument count of `owner.name` (`owner` is "bytes" or "bytearray", the
/// receiver's type) called with its receiver first.
pub fn check(a: &Args, owner: &str, name: &str) -> PyResult<()> {
    match arity(name) {
        None => Ok(()),
        Some(Arity::NoArgs) => a.check_method_count(owner, name, 1, 1),
        Some(Arity::One) => a.check_method_count(owner, name, 2, 2),
        Some(Arity::Clinic(min, max)) => a.check_method_count(owner, name, min + 1, max + 1),
        Some(Arity::Tuple(min, max)) => a.check_method_pos_tuple(name, min + 1, max + 1),
        Some(Arity::Slot(n)) => a.check_slot(name, n),
        Some(Arity::SlotUnpacked(n)) => a.check_slot_unpacked(name, n, n),
    }
}
