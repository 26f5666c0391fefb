//! Classes that aio's stdlib writes in aio but CPython implements in C. CPython's messages
//! name a C type by its `tp_name`, which includes the module (`'<' not supported between
//! instances of 'datetime.date' and 'NoneType'`); a class written in Python is named by
//! `__name__` alone. Classes of the Rust-side builtin modules get this from their `builtin`
//! flag; these need the list.

/// `module.qualname` of each such class, sorted for binary search.
const C_TYPE_NAMES: &[&str] = &[
    "_asyncio.Future",
    "_asyncio.Task",
    "_contextvars.Context",
    "_contextvars.ContextVar",
    "_contextvars.Token",
    "_io.BufferedRWPair",
    "_io.BufferedRandom",
    "_io.BufferedReader",
    "_io.BufferedWriter",
    "_io.BytesIO",
    "_io.FileIO",
    "_io.StringIO",
    "_io.TextIOWrapper",
    "_queue.SimpleQueue",
    "_struct.Struct",
    "_thread.RLock",
    "_thread._local",
    "_thread.lock",
    "array.array",
    "collections.OrderedDict",
    "collections.defaultdict",
    "collections.deque",
    "datetime.date",
    "datetime.datetime",
    "datetime.time",
    "datetime.timedelta",
    "datetime.timezone",
    "datetime.tzinfo",
    "decimal.Context",
    "decimal.Decimal",
    "functools._lru_cache_wrapper",
    "functools.partial",
    "itertools._grouper",
    "itertools._tee",
    "itertools._tee_dataobject",
    "itertools.accumulate",
    "itertools.chain",
    "itertools.combinations",
    "itertools.combinations_with_replacement",
    "itertools.compress",
    "itertools.count",
    "itertools.cycle",
    "itertools.dropwhile",
    "itertools.filterfalse",
    "itertools.groupby",
    "itertools.islice",
    "itertools.pairwise",
    "itertools.permutations",
    "itertools.product",
    "itertools.repeat",
    "itertools.starmap",
    "itertools.takewhile",
    "itertools.zip_longest",
    "operator.attrgetter",
    "operator.itemgetter",
    "operator.methodcaller",
    "re.Match",
    "re.Pattern",
    "types.GenericAlias",
    "types.SimpleNamespace",
    "types.UnionType",
    "weakref.CallableProxyType",
    "weakref.ProxyType",
    "weakref.ReferenceType",
];

/// Whether a stdlib class with this `module.qualname` is a C type in CPython.
pub fn is_c_type_name(dotted: &str) -> bool {
    C_TYPE_NAMES.binary_search(&dotted).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_for_binary_search() {
        assert!(C_TYPE_NAMES.windows(2).all(|w| w[0] < w[1]));
        assert!(is_c_type_name("datetime.date"));
        assert!(!is_c_type_name("collections.Counter"));
    }
}
