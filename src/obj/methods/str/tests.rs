//! Unit tests of the str methods; expected values come from CPython 3.11.

use crate::obj::number::testutil::{cm, cmk, i, s, show};
use crate::vm::value::Value;
use crate::vm::Vm;

fn l(items: &[&str]) -> Value {
    Value::list(items.iter().map(|x| s(x)).collect())
}

#[test]
fn indexing_and_slicing() {
    let mut vm = Vm::new();
    let vm = &mut vm;
    assert_eq!(
        cm(vm, &s("abc"), "__getitem__", &[i(5)]),
        "!IndexError: string index out of range"
    );
    assert_eq!(cm(vm, &s("abc"), "__getitem__", &[i(-1)]), "'c'");
    assert_eq!(
        cm(vm, &s("abc"), "__getitem__", &[s("x")]),
        "!TypeError: string indices must be integers, not 'str'"
    );
    let st = Value::Obj(vm.t.slice.clone());
    let sl = vm
        .call(&st, &[Value::None, Value::None, i(-1)])
        .expect("slice");
    assert_eq!(
        cm(vm, &s("héllo"), "__getitem__", std::slice::from_ref(&sl)),
        "'olléh'"
    );
    assert_eq!(cm(vm, &s("hello"), "__getitem__", &[sl]), "'olleh'");
    let big = Value::from_bigint("100000000000000000000".parse().expect("int"));
    let sl = vm.call(&st, &[i(1), big.clone()]).expect("slice");
    assert_eq!(cm(vm, &s("héllo"), "__getitem__", &[sl]), "'éllo'");
    let sl = vm.call(&st, &[i(-100), i(2)]).expect("slice");
    assert_eq!(cm(vm, &s("abc"), "__getitem__", &[sl]), "'ab'");
    assert_eq!(cm(vm, &s("a"), "__mul__", &[i(-1)]), "''");
    assert_eq!(cm(vm, &s("ab"), "__mul__", &[i(3)]), "'ababab'");
    assert_eq!(
        cm(vm, &s("a"), "__mul__", &[i(10_000_000_000_000)]),
        "!MemoryError: "
    );
    assert_eq!(
        cm(vm, &s("a"), "__mul__", &[big]),
        "!OverflowError: cannot fit 'int' into an index-sized integer"
    );
    assert_eq!(cm(vm, &s("a"), "__mul__", &[s("x")]), "NotImplemented");
    assert_eq!(
        cm(vm, &s("a"), "__add__", &[i(1)]),
        "!TypeError: can only concatenate str (not \"int\") to str"
    );
    assert_eq!(cm(vm, &s("abc"), "__lt__", &[s("abd")]), "True");
    assert_eq!(cm(vm, &s("héllo"), "__len__", &[]), "5");
    assert_eq!(cm(vm, &s("abc"), "__contains__", &[s("bc")]), "True");
}

#[test]
fn repr_escapes() {
    let mut vm = Vm::new();
    let vm = &mut vm;
    let x = s("\x00\x7f\u{80}\u{a0}\u{ad}\u{2028} é 日本 \u{1f600}");
    assert_eq!(
        vm.repr(&x).expect("repr"),
        "'\\x00\\x7f\\x80\\xa0\\xad\\u2028 é 日本 😀'"
    );
    assert_eq!(vm.repr(&s("it's")).expect("repr"), "\"it's\"");
    assert_eq!(vm.repr(&s("'\"")).expect("repr"), "'\\'\"'");
}

#[test]
fn case_and_padding() {
    let mut vm = Vm::new();
    let vm = &mut vm;
    assert_eq!(cm(vm, &s("ab"), "center", &[i(7), s("*")]), "'***ab**'");
    assert_eq!(cm(vm, &s("ab"), "center", &[i(6), s("*")]), "'**ab**'");
    assert_eq!(cm(vm, &s("abc"), "center", &[i(6)]), "' abc  '");
    assert_eq!(
        cm(vm, &s("a"), "center", &[i(4), s("xy")]),
        "!TypeError: The fill character must be exactly one character long"
    );
    assert_eq!(cm(vm, &s("abc"), "ljust", &[i(2)]), "'abc'");
    assert_eq!(cm(vm, &s("ab"), "rjust", &[i(4), s("é")]), "'ééab'");
    assert_eq!(cm(vm, &s("hello world"), "title", &[]), "'Hello World'");
    assert_eq!(
        cm(vm, &s("they're bill's"), "title", &[]),
        "\"They'Re Bill'S\""
    );
    assert_eq!(cm(vm, &s("ß"), "upper", &[]), "'SS'");
    assert_eq!(cm(vm, &s("ß"), "casefold", &[]), "'ss'");
    assert_eq!(cm(vm, &s("ǅ"), "lower", &[]), "'ǆ'");
    assert_eq!(
        cm(vm, &s("hELLO wORLD"), "capitalize", &[]),
        "'Hello world'"
    );
    assert_eq!(cm(vm, &s("Hello"), "swapcase", &[]), "'hELLO'");
    assert_eq!(cm(vm, &s("12"), "zfill", &[i(5)]), "'00012'");
    assert_eq!(cm(vm, &s("-12"), "zfill", &[i(5)]), "'-0012'");
    assert_eq!(cm(vm, &s("a\tbc\td"), "expandtabs", &[i(4)]), "'a   bc  d'");
    assert_eq!(cm(vm, &s("a\tb"), "expandtabs", &[]), "'a       b'");
    assert_eq!(cm(vm, &s("abc"), "removeprefix", &[s("ab")]), "'c'");
    assert_eq!(cm(vm, &s("abc"), "removesuffix", &[s("bc")]), "'a'");
}

#[test]
fn predicates() {
    let mut vm = Vm::new();
    let vm = &mut vm;
    assert_eq!(cm(vm, &s("aBc"), "istitle", &[]), "False");
    assert_eq!(cm(vm, &s("Ab Cd"), "istitle", &[]), "True");
    assert_eq!(cm(vm, &s("abc"), "isidentifier", &[]), "True");
    assert_eq!(cm(vm, &s("1abc"), "isidentifier", &[]), "False");
    assert_eq!(cm(vm, &s("²"), "isdigit", &[]), "True");
    assert_eq!(cm(vm, &s("²"), "isdecimal", &[]), "False");
    assert_eq!(cm(vm, &s("½"), "isnumeric", &[]), "True");
    assert_eq!(cm(vm, &s(""), "isascii", &[]), "True");
    assert_eq!(cm(vm, &s("a\x00"), "isprintable", &[]), "False");
    assert_eq!(cm(vm, &s(""), "isprintable", &[]), "True");
    assert_eq!(cm(vm, &s(" \t\n"), "isspace", &[]), "True");
    assert_eq!(cm(vm, &s(""), "isspace", &[]), "False");
    assert_eq!(cm(vm, &s("abc1"), "isalnum", &[]), "True");
    assert_eq!(cm(vm, &s("abc1"), "isalpha", &[]), "False");
    assert_eq!(cm(vm, &s("abc1"), "islower", &[]), "True");
    assert_eq!(cm(vm, &s("ABC1"), "isupper", &[]), "True");
    assert_eq!(cm(vm, &s("123"), "isupper", &[]), "False");
}

#[test]
fn split_join_find() {
    let mut vm = Vm::new();
    let vm = &mut vm;
    assert_eq!(cm(vm, &s("  a b  "), "split", &[]), "['a', 'b']");
    assert_eq!(
        cm(vm, &s("a,b,,c"), "split", &[s(","), i(1)]),
        "['a', 'b,,c']"
    );
    assert_eq!(
        cm(vm, &s("a,b,,c"), "split", &[s(",")]),
        "['a', 'b', '', 'c']"
    );
    assert_eq!(
        cm(vm, &s("a b c"), "rsplit", &[Value::None, i(1)]),
        "['a b', 'c']"
    );
    assert_eq!(
        cm(vm, &s("a,b,c"), "rsplit", &[s(","), i(1)]),
        "['a,b', 'c']"
    );
    assert_eq!(
        cm(vm, &s("  a  b c "), "split", &[Value::None, i(1)]),
        "['a', 'b c ']"
    );
    assert_eq!(
        cm(vm, &s("a"), "split", &[s("")]),
        "!ValueError: empty separator"
    );
    assert_eq!(
        cmk(
            vm,
            &s("abc"),
            "split",
            &[],
            &[("maxsplit", i(1)), ("sep", s("b"))]
        ),
        "['a', 'c']"
    );
    assert_eq!(
        cm(vm, &s("a\r\nb\nc\x1c"), "splitlines", &[Value::Bool(true)]),
        "['a\\r\\n', 'b\\n', 'c\\x1c']"
    );
    assert_eq!(
        cm(vm, &s("a\r\nb\n\nc"), "splitlines", &[]),
        "['a', 'b', '', 'c']"
    );
    assert_eq!(
        cm(vm, &s("abc"), "partition", &[s("")]),
        "!ValueError: empty separator"
    );
    assert_eq!(
        cm(vm, &s("abcabc"), "rpartition", &[s("b")]),
        "('abca', 'b', 'c')"
    );
    assert_eq!(cm(vm, &s("abc"), "partition", &[s("x")]), "('abc', '', '')");
    assert_eq!(
        cm(vm, &s("abc"), "rpartition", &[s("x")]),
        "('', '', 'abc')"
    );
    assert_eq!(cm(vm, &s(", "), "join", &[l(&["a", "b"])]), "'a, b'");
    assert_eq!(
        cm(vm, &s(", "), "join", &[Value::list(vec![s("a"), i(2)])]),
        "!TypeError: sequence item 1: expected str instance, int found"
    );
    assert_eq!(cm(vm, &s("-"), "join", &[s("abc")]), "'a-b-c'");
    assert_eq!(cm(vm, &s("abc"), "find", &[s(""), i(5)]), "-1");
    assert_eq!(cm(vm, &s("abc"), "find", &[s(""), i(3)]), "3");
    assert_eq!(cm(vm, &s("héllo"), "find", &[s("l")]), "2");
    assert_eq!(cm(vm, &s("héllo"), "rfind", &[s("l")]), "3");
    assert_eq!(cm(vm, &s("abc"), "rfind", &[s("c"), i(-1)]), "2");
    assert_eq!(cm(vm, &s("aaa"), "count", &[s("")]), "4");
    assert_eq!(cm(vm, &s("aaa"), "count", &[s("a"), i(1)]), "2");
    assert_eq!(
        cm(vm, &s("abc"), "index", &[s("z")]),
        "!ValueError: substring not found"
    );
    assert_eq!(cm(vm, &s("abc"), "rindex", &[s("b")]), "1");
    assert_eq!(
        cm(
            vm,
            &s("abc"),
            "startswith",
            &[Value::tuple(vec![s("x"), s("a")])]
        ),
        "True"
    );
    assert_eq!(
        cm(vm, &s("abc"), "startswith", &[i(1)]),
        "!TypeError: startswith first arg must be str or a tuple of str, not int"
    );
    assert_eq!(
        cm(vm, &s("abc"), "endswith", &[s("bc"), i(0), i(2)]),
        "False"
    );
    assert_eq!(cm(vm, &s("ab"), "replace", &[s(""), s("-")]), "'-a-b-'");
    assert_eq!(
        cm(vm, &s("aaaa"), "replace", &[s("a"), s("b"), i(2)]),
        "'bbaa'"
    );
    assert_eq!(cm(vm, &s("ab"), "strip", &[s("b")]), "'a'");
    assert_eq!(cm(vm, &s("  x "), "rstrip", &[]), "'  x'");
    assert_eq!(cm(vm, &s("  x "), "lstrip", &[]), "'x '");
}

#[test]
fn formatting() {
    let mut vm = Vm::new();
    let vm = &mut vm;
    assert_eq!(
        cm(vm, &s("{} {}"), "format", &[i(1)]),
        "!IndexError: Replacement index 1 out of range for positional args tuple"
    );
    assert_eq!(
        cm(vm, &s("{0} {}"), "format", &[i(1), i(2)]),
        "!ValueError: cannot switch from manual field specification to automatic field numbering"
    );
    assert_eq!(
        cm(vm, &s("{} {0}"), "format", &[i(1), i(2)]),
        "!ValueError: cannot switch from automatic field numbering to manual field specification"
    );
    assert_eq!(
        cmk(vm, &s("{a}"), "format", &[], &[("b", i(1))]),
        "!KeyError: 'a'"
    );
    assert_eq!(
        cm(vm, &s("{"), "format", &[]),
        "!ValueError: Single '{' encountered in format string"
    );
    assert_eq!(
        cm(vm, &s("}"), "format", &[]),
        "!ValueError: Single '}' encountered in format string"
    );
    assert_eq!(
        cm(vm, &s("{0!x}"), "format", &[i(1)]),
        "!ValueError: Unknown conversion specifier x"
    );
    assert_eq!(
        cmk(vm, &s("{:>{w}}|"), "format", &[s("a")], &[("w", i(4))]),
        "'   a|'"
    );
    assert_eq!(cm(vm, &s("{0.real}"), "format", &[i(3)]), "'3'");
    assert_eq!(
        cm(vm, &s("{:d}"), "format", &[s("a")]),
        "!ValueError: Unknown format code 'd' for object of type 'str'"
    );
    assert_eq!(cm(vm, &s("{0:{1}}"), "format", &[i(3), s(">4")]), "'   3'");
    assert_eq!(cm(vm, &s("{!r:>5}"), "format", &[s("a")]), "\"  'a'\"");
    assert_eq!(cm(vm, &s("{:{}}"), "format", &[s("a"), i(3)]), "'a  '");
    assert_eq!(cm(vm, &s("a{{b}}c"), "format", &[]), "'a{b}c'");
    assert_eq!(
        cm(vm, &s("{:,}"), "format", &[Value::Float(1234.5)]),
        "'1,234.5'"
    );
    assert_eq!(
        cm(vm, &s("{:%}"), "format", &[Value::Float(0.25)]),
        "'25.000000%'"
    );
    assert_eq!(cm(vm, &s("{:*^9}"), "format", &[s("mid")]), "'***mid***'");
    assert_eq!(cm(vm, &s("{0[0]}{0[1]}"), "format", &[s("xy")]), "'xy'");
    assert_eq!(
        cm(
            vm,
            &s("{x.y}"),
            "format_map",
            &[Value::dict(crate::obj::DictData::new())]
        ),
        "!KeyError: 'x'"
    );
    // printf
    let t = |v: Vec<Value>| Value::tuple(v);
    assert_eq!(
        cm(vm, &s("%s=%d"), "__mod__", &[t(vec![s("a"), i(3)])]),
        "'a=3'"
    );
    assert_eq!(
        cm(vm, &s("%d"), "__mod__", &[s("a")]),
        "!TypeError: %d format: a real number is required, not str"
    );
    assert_eq!(
        cm(vm, &s("%s %s"), "__mod__", &[t(vec![i(1)])]),
        "!TypeError: not enough arguments for format string"
    );
    assert_eq!(
        cm(vm, &s("%s"), "__mod__", &[t(vec![i(1), i(2)])]),
        "!TypeError: not all arguments converted during string formatting"
    );
    assert_eq!(
        cm(
            vm,
            &s("%5.2f|%-4d|%x"),
            "__mod__",
            &[t(vec![Value::Float(1.23456), i(7), i(255)])]
        ),
        "' 1.23|7   |ff'"
    );
    assert_eq!(cm(vm, &s("%c"), "__mod__", &[i(65)]), "'A'");
    assert_eq!(cm(vm, &s("%r"), "__mod__", &[s("x")]), "\"'x'\"");
    assert_eq!(
        cm(vm, &s("%"), "__mod__", &[t(vec![])]),
        "!ValueError: incomplete format"
    );
    let mut d = crate::obj::DictData::new();
    crate::vm::dictops::set_str(&mut d, s("a"), i(1));
    crate::vm::dictops::set_str(&mut d, s("b"), s("x"));
    assert_eq!(
        cm(vm, &s("%(a)s %(b)r"), "__mod__", &[Value::dict(d)]),
        "\"1 'x'\""
    );
}

#[test]
fn codecs_and_translate() {
    let mut vm = Vm::new();
    let vm = &mut vm;
    assert_eq!(cm(vm, &s("abc"), "encode", &[]), "b'abc'");
    assert_eq!(
        cm(vm, &s("é"), "encode", &[s("ascii")]),
        "!UnicodeEncodeError: ('ascii', 'é', 0, 1, 'ordinal not in range(128)')"
    );
    assert_eq!(cm(vm, &s("é"), "encode", &[s("latin-1")]), "b'\\xe9'");
    assert_eq!(
        cm(vm, &s("a"), "encode", &[s("foo")]),
        "!LookupError: unknown encoding: foo"
    );
    let str_t = Value::Obj(vm.t.str_.clone());
    let r = vm.call(&str_t, &[Value::bytes(vec![0xff]), s("utf-8")]);
    assert_eq!(
        show(vm, r),
        "!UnicodeDecodeError: ('utf-8', b'\\xff', 0, 1, 'invalid start byte')"
    );
    let r = vm.call(&str_t, &[i(1), s("utf-8")]);
    assert_eq!(
        show(vm, r),
        "!TypeError: decoding to str: need a bytes-like object, int found"
    );
    let r = vm.call(&str_t, &[Value::bytes(b"ab".to_vec()), s("ascii")]);
    assert_eq!(show(vm, r), "'ab'");
    let r = vm.call(&str_t, &[i(12)]);
    assert_eq!(show(vm, r), "'12'");
    let tbl = cm(vm, &str_t, "maketrans", &[s("ab"), s("xy")]);
    assert_eq!(tbl, "{97: 120, 98: 121}");
    assert_eq!(
        cm(vm, &str_t, "maketrans", &[s("ab"), s("x")]),
        "!ValueError: the first two maketrans arguments must have equal length"
    );
    // 'ab' -> a maps to X, b deleted
    let t2 = vm
        .call_method(&str_t, "maketrans", &[s("a"), s("X"), s("b")])
        .expect("table");
    assert_eq!(cm(vm, &s("abc"), "translate", &[t2]), "'Xc'");
}
