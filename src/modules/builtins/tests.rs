//! Builtins and exception behaviour through the VM API; expected values from CPython 3.11.
#![allow(clippy::unwrap_used)]

use crate::obj::Obj;
use crate::vm::dictops::get_str;
use crate::vm::value::Value;
use crate::vm::{ExcRef, PyResult, Vm};

pub fn builtin(vm: &Vm, name: &str) -> Value {
    match &*vm.builtins {
        Obj::Dict(d) => {
            get_str(&d.borrow(), &Value::str(name)).unwrap_or_else(|| panic!("no builtin {name}"))
        }
        _ => panic!("builtins is not a dict"),
    }
}

pub fn call(vm: &mut Vm, name: &str, args: &[Value]) -> PyResult<Value> {
    let f = builtin(vm, name);
    vm.call(&f, args)
}

pub fn call_kw(vm: &mut Vm, name: &str, args: &[Value], kw: &[(&str, Value)]) -> PyResult<Value> {
    let f = builtin(vm, name);
    let mut all = args.to_vec();
    let names: Vec<Value> = kw.iter().map(|(k, _)| Value::str(k)).collect();
    all.extend(kw.iter().map(|(_, v)| v.clone()));
    vm.call_kw(&f, &all, &names)
}

/// `repr(v)`, formatting lists, tuples and big ints here so these tests do not depend on
/// those types' own methods.
pub fn repr(vm: &mut Vm, v: &Value) -> String {
    let seq = |vm: &mut Vm, items: &[Value], open: &str, close: &str| {
        let parts: Vec<String> = items.iter().map(|i| repr(vm, i)).collect();
        let comma = if open == "(" && items.len() == 1 {
            ","
        } else {
            ""
        };
        format!("{open}{}{comma}{close}", parts.join(", "))
    };
    if let Value::Obj(o) = v {
        match &**o {
            Obj::List(l) => {
                let items = l.borrow().clone();
                return seq(vm, &items, "[", "]");
            }
            Obj::Tuple(t) => {
                let items = t.to_vec();
                return seq(vm, &items, "(", ")");
            }
            Obj::BigInt(b) => return b.to_string(),
            _ => {}
        }
    }
    vm.repr(v).unwrap()
}

/// "TypeError: message" for a failed call.
pub fn err(vm: &mut Vm, r: PyResult<Value>) -> String {
    match r {
        Ok(v) => format!("ok {}", repr(vm, &v)),
        Err(e) => fmt_exc(vm, &e),
    }
}

pub fn fmt_exc(vm: &mut Vm, e: &ExcRef) -> String {
    let name = crate::vm::class::class_name(e.class());
    let s = vm.to_str(&e.value()).unwrap();
    if s.is_empty() {
        name.to_string()
    } else {
        format!("{name}: {s}")
    }
}

fn s(x: &str) -> Value {
    Value::str(x)
}

fn list(items: Vec<Value>) -> Value {
    Value::list(items)
}

fn tuple(items: Vec<Value>) -> Value {
    Value::tuple(items)
}

#[test]
fn exception_str_and_repr() {
    let mut vm = Vm::new();
    let ve = builtin(&vm, "ValueError");
    let e = vm.call(&ve, &[s("x")]).unwrap();
    assert_eq!(repr(&mut vm, &e), "ValueError('x')");
    assert_eq!(vm.to_str(&e).unwrap(), "x");
    let e = vm.call(&ve, &[Value::Int(1), Value::Int(2)]).unwrap();
    assert_eq!(repr(&mut vm, &e), "ValueError(1, 2)");
    assert_eq!(vm.to_str(&e).unwrap(), "(1, 2)");
    let e = vm.call(&ve, &[]).unwrap();
    assert_eq!(repr(&mut vm, &e), "ValueError()");
    assert_eq!(vm.to_str(&e).unwrap(), "");
    let ke = builtin(&vm, "KeyError");
    let e = vm.call(&ke, &[s("k")]).unwrap();
    assert_eq!(vm.to_str(&e).unwrap(), "'k'");
    assert_eq!(repr(&mut vm, &e), "KeyError('k')");
    let r = vm.call_kw(&ve, &[Value::Int(1)], &[s("x")]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: ValueError() takes no keyword arguments"
    );
}

#[test]
fn os_error_mapping() {
    let mut vm = Vm::new();
    let ose = builtin(&vm, "OSError");
    let e = vm
        .call(
            &ose,
            &[Value::Int(2), s("No such file or directory"), s("x")],
        )
        .unwrap();
    assert_eq!(vm.type_name(&e).as_ref(), "FileNotFoundError");
    assert_eq!(
        vm.to_str(&e).unwrap(),
        "[Errno 2] No such file or directory: 'x'"
    );
    assert_eq!(
        repr(&mut vm, &e),
        "FileNotFoundError(2, 'No such file or directory')"
    );
    let errno = vm.get_attr_str(&e, "errno").unwrap();
    assert_eq!(repr(&mut vm, &errno), "2");
    let e = vm.call(&ose, &[s("a")]).unwrap();
    let errno = vm.get_attr_str(&e, "errno").unwrap();
    assert!(errno.is_none());
    assert_eq!(vm.to_str(&e).unwrap(), "a");
    let e = vm.call(&ose, &[Value::None, s("x")]).unwrap();
    assert_eq!(vm.to_str(&e).unwrap(), "[Errno None] x");
    let e = vm.call(&ose, &[Value::Int(32), s("x")]).unwrap();
    assert_eq!(vm.type_name(&e).as_ref(), "BrokenPipeError");
}

#[test]
fn special_exception_attributes() {
    let mut vm = Vm::new();
    let si = builtin(&vm, "StopIteration");
    let e = vm.call(&si, &[Value::Int(1), Value::Int(2)]).unwrap();
    let v = vm.get_attr_str(&e, "value").unwrap();
    assert_eq!(repr(&mut vm, &v), "1");
    let se = builtin(&vm, "SystemExit");
    let e = vm.call(&se, &[Value::Int(1), Value::Int(2)]).unwrap();
    let v = vm.get_attr_str(&e, "code").unwrap();
    assert_eq!(repr(&mut vm, &v), "(1, 2)");
    let ie = builtin(&vm, "ImportError");
    let e = vm.call_kw(&ie, &[s("x"), s("n")], &[s("name")]).unwrap();
    let v = vm.get_attr_str(&e, "name").unwrap();
    assert_eq!(repr(&mut vm, &v), "'n'");
    let r = vm.call_kw(&ie, &[s("x"), Value::Int(1)], &[s("foo")]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: 'foo' is an invalid keyword argument for ImportError()"
    );
    let sx = builtin(&vm, "SyntaxError");
    let info = tuple(vec![s("/a/f.py"), Value::Int(3), Value::Int(4), s("txt")]);
    let e = vm.call(&sx, &[s("invalid syntax"), info]).unwrap();
    assert_eq!(vm.to_str(&e).unwrap(), "invalid syntax (f.py, line 3)");
    let v = vm.get_attr_str(&e, "offset").unwrap();
    assert_eq!(repr(&mut vm, &v), "4");
    let r = vm.call(&sx, &[s("m"), tuple(vec![s("f"), Value::Int(3)])]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: function takes at least 4 arguments (2 given)"
    );
    let ude = builtin(&vm, "UnicodeDecodeError");
    let e = vm
        .call(
            &ude,
            &[
                s("utf-8"),
                Value::bytes(vec![0xff]),
                Value::Int(0),
                Value::Int(1),
                s("invalid start byte"),
            ],
        )
        .unwrap();
    assert_eq!(
        vm.to_str(&e).unwrap(),
        "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"
    );
}

#[test]
fn exception_groups() {
    let mut vm = Vm::new();
    let eg = builtin(&vm, "ExceptionGroup");
    let beg = builtin(&vm, "BaseExceptionGroup");
    let ve = builtin(&vm, "ValueError");
    let te = builtin(&vm, "TypeError");
    let ki = builtin(&vm, "KeyboardInterrupt");
    let v1 = vm.call(&ve, &[Value::Int(1)]).unwrap();
    let t2 = vm.call(&te, &[Value::Int(2)]).unwrap();
    let g = vm
        .call(&eg, &[s("m"), list(vec![v1.clone(), t2.clone()])])
        .unwrap();
    assert_eq!(vm.to_str(&g).unwrap(), "m (2 sub-exceptions)");
    let ex = vm.get_attr_str(&g, "exceptions").unwrap();
    assert_eq!(repr(&mut vm, &ex), "(ValueError(1), TypeError(2))");
    let split = vm
        .call_method(&g, "split", std::slice::from_ref(&ve))
        .unwrap();
    let parts = vm.collect(&split).unwrap();
    assert_eq!(parts.len(), 2);
    let ex = vm.get_attr_str(&parts[0], "exceptions").unwrap();
    assert_eq!(repr(&mut vm, &ex), "(ValueError(1),)");
    let ex = vm.get_attr_str(&parts[1], "exceptions").unwrap();
    assert_eq!(repr(&mut vm, &ex), "(TypeError(2),)");
    let msg = vm.get_attr_str(&parts[1], "message").unwrap();
    assert_eq!(repr(&mut vm, &msg), "'m'");
    let sub = vm
        .call_method(&g, "subgroup", std::slice::from_ref(&te))
        .unwrap();
    let ex = vm.get_attr_str(&sub, "exceptions").unwrap();
    assert_eq!(repr(&mut vm, &ex), "(TypeError(2),)");
    let none = vm
        .call_method(&g, "subgroup", &[builtin(&vm, "KeyError")])
        .unwrap();
    assert!(none.is_none());
    let b = vm.call(&beg, &[s("m"), list(vec![v1.clone()])]).unwrap();
    assert_eq!(vm.type_name(&b).as_ref(), "ExceptionGroup");
    let k = vm.call(&ki, &[]).unwrap();
    let r = vm.call(&eg, &[s("m"), list(vec![k])]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: Cannot nest BaseExceptions in an ExceptionGroup"
    );
    let r = vm.call(&eg, &[s("m"), list(vec![])]);
    assert_eq!(
        err(&mut vm, r),
        "ValueError: second argument (exceptions) must be a non-empty sequence"
    );
    let r = vm.call(&eg, &[s("m"), list(vec![Value::Int(1)])]);
    assert_eq!(
        err(&mut vm, r),
        "ValueError: Item 0 of second argument (exceptions) is not an exception"
    );
    let r = vm.call_method(&g, "split", &[Value::Int(3)]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: expected a function, exception type or tuple of exception types"
    );
    let r = vm.call_method(&v1, "add_note", &[Value::Int(3)]);
    assert_eq!(err(&mut vm, r), "TypeError: note must be a str, not 'int'");
    vm.call_method(&v1, "add_note", &[s("n")]).unwrap();
    let notes = vm.get_attr_str(&v1, "__notes__").unwrap();
    assert_eq!(repr(&mut vm, &notes), "['n']");
}

#[test]
fn isinstance_and_attrs() {
    let mut vm = Vm::new();
    let int = builtin(&vm, "int");
    let strc = builtin(&vm, "str");
    let r = call(
        &mut vm,
        "isinstance",
        &[
            Value::Int(1),
            tuple(vec![strc.clone(), tuple(vec![int.clone()])]),
        ],
    );
    assert_eq!(err(&mut vm, r), "ok True");
    let r = call(&mut vm, "isinstance", &[Value::Int(1), Value::Int(2)]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: isinstance() arg 2 must be a type, a tuple of types, or a union"
    );
    let b = builtin(&vm, "bool");
    let r = call(&mut vm, "issubclass", &[b, int.clone()]);
    assert_eq!(err(&mut vm, r), "ok True");
    let r = call(&mut vm, "getattr", &[Value::Int(1), s("x"), Value::Int(5)]);
    assert_eq!(err(&mut vm, r), "ok 5");
    let r = call(&mut vm, "getattr", &[Value::Int(1), Value::Int(2)]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: attribute name must be string, not 'int'"
    );
    let r = call(&mut vm, "hasattr", &[Value::Int(1), s("x")]);
    assert_eq!(err(&mut vm, r), "ok False");
    let r = call(&mut vm, "len", &[]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: len() takes exactly one argument (0 given)"
    );
    let r = call(&mut vm, "callable", &[int]);
    assert_eq!(err(&mut vm, r), "ok True");
    let r = call(&mut vm, "ascii", &[s("é\n\u{1f600}")]);
    assert_eq!(err(&mut vm, r), r#"ok "'\\xe9\\n\\U0001f600'""#);
}

#[test]
fn iteration_builtins() {
    let mut vm = Vm::new();
    let l = list(vec![Value::Int(3), Value::Int(1), Value::Int(2)]);
    let r = call(&mut vm, "sorted", std::slice::from_ref(&l));
    assert_eq!(err(&mut vm, r), "ok [1, 2, 3]");
    let r = call_kw(
        &mut vm,
        "sorted",
        std::slice::from_ref(&l),
        &[("reverse", Value::Bool(true))],
    );
    assert_eq!(err(&mut vm, r), "ok [3, 2, 1]");
    let mixed = list(vec![Value::Int(1), s("a")]);
    let r = call(&mut vm, "sorted", &[mixed]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: '<' not supported between instances of 'str' and 'int'"
    );
    let big: Vec<Value> = (0..100).map(|i| Value::Int((i * 37) % 101)).collect();
    let r = call(&mut vm, "sorted", &[list(big.clone())]).unwrap();
    let mut expect: Vec<i64> = (0..100).map(|i| (i * 37) % 101).collect();
    expect.sort();
    let got = vm.collect(&r).unwrap();
    let got: Vec<i64> = got
        .iter()
        .map(|v| if let Value::Int(i) = v { *i } else { -1 })
        .collect();
    assert_eq!(got, expect);
    let r = call(&mut vm, "max", std::slice::from_ref(&l));
    assert_eq!(err(&mut vm, r), "ok 3");
    let r = call(
        &mut vm,
        "min",
        &[Value::Int(4), Value::Int(2), Value::Int(8)],
    );
    assert_eq!(err(&mut vm, r), "ok 2");
    let r = call(&mut vm, "max", &[list(vec![])]);
    assert_eq!(
        err(&mut vm, r),
        "ValueError: max() arg is an empty sequence"
    );
    let r = call_kw(
        &mut vm,
        "max",
        &[list(vec![])],
        &[("default", Value::Int(3))],
    );
    assert_eq!(err(&mut vm, r), "ok 3");
    let r = call_kw(
        &mut vm,
        "max",
        &[Value::Int(1), Value::Int(2)],
        &[("default", Value::Int(3))],
    );
    assert_eq!(
        err(&mut vm, r),
        "TypeError: Cannot specify a default for max() with multiple positional arguments"
    );
    let r = call(&mut vm, "sum", &[l.clone(), Value::Float(0.5)]);
    assert_eq!(err(&mut vm, r), "ok 6.5");
    let r = call(&mut vm, "sum", &[list(vec![s("a")]), s("b")]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: sum() can't sum strings [use ''.join(seq) instead]"
    );
    let r = call(&mut vm, "any", std::slice::from_ref(&l));
    assert_eq!(err(&mut vm, r), "ok True");
    let r = call(&mut vm, "all", &[list(vec![])]);
    assert_eq!(err(&mut vm, r), "ok True");
    let e = call(&mut vm, "enumerate", std::slice::from_ref(&l)).unwrap();
    let items = vm.collect(&e).unwrap();
    assert_eq!(repr(&mut vm, &list(items)), "[(0, 3), (1, 1), (2, 2)]");
    let z = call(&mut vm, "zip", &[l.clone(), s("ab")]).unwrap();
    let items = vm.collect(&z).unwrap();
    assert_eq!(repr(&mut vm, &list(items)), "[(3, 'a'), (1, 'b')]");
    let rv = call(&mut vm, "reversed", std::slice::from_ref(&l)).unwrap();
    let items = vm.collect(&rv).unwrap();
    assert_eq!(repr(&mut vm, &list(items)), "[2, 1, 3]");
    let range = vm.call(&Value::Obj(vm.t.range.clone()), &[Value::Int(5)]);
    if let Ok(range) = range {
        let rv = call(&mut vm, "reversed", &[range]).unwrap();
        let items = vm.collect(&rv).unwrap();
        assert_eq!(repr(&mut vm, &list(items)), "[4, 3, 2, 1, 0]");
    }
    let r = call(&mut vm, "reversed", &[Value::Int(1)]);
    assert_eq!(err(&mut vm, r), "TypeError: 'int' object is not reversible");
    let it = call(&mut vm, "iter", &[list(vec![])]).unwrap();
    let r = call(&mut vm, "next", std::slice::from_ref(&it));
    assert_eq!(err(&mut vm, r), "StopIteration");
    let r = call(&mut vm, "next", &[it, Value::Int(5)]);
    assert_eq!(err(&mut vm, r), "ok 5");
    let r = call(&mut vm, "next", &[Value::Int(1)]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: 'int' object is not an iterator"
    );
    let r = call(&mut vm, "map", &[Value::None]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: map() must have at least two arguments."
    );
}

#[test]
fn numeric_builtins() {
    let mut vm = Vm::new();
    let cases: Vec<(&str, Vec<Value>, &str)> = vec![
        ("round", vec![Value::Float(2.675), Value::Int(2)], "ok 2.67"),
        ("round", vec![Value::Int(1250), Value::Int(-2)], "ok 1200"),
        ("round", vec![Value::Int(1350), Value::Int(-2)], "ok 1400"),
        (
            "round",
            vec![Value::Float(1234.5678), Value::Int(-2)],
            "ok 1200.0",
        ),
        ("round", vec![Value::Float(0.5)], "ok 0"),
        ("round", vec![Value::Float(1.5)], "ok 2"),
        ("round", vec![Value::Float(-0.5)], "ok 0"),
        (
            "round",
            vec![Value::Float(1.23), Value::Int(-400)],
            "ok 0.0",
        ),
        (
            "round",
            vec![Value::Float(f64::INFINITY)],
            "OverflowError: cannot convert float infinity to integer",
        ),
        (
            "round",
            vec![Value::Float(f64::NAN)],
            "ValueError: cannot convert float NaN to integer",
        ),
        (
            "round",
            vec![s("a")],
            "TypeError: type str doesn't define __round__ method",
        ),
        (
            "pow",
            vec![Value::Int(2), Value::Int(-1), Value::Int(5)],
            "ok 3",
        ),
        (
            "pow",
            vec![Value::Int(3), Value::Int(4), Value::Int(-5)],
            "ok -4",
        ),
        (
            "pow",
            vec![Value::Int(2), Value::Int(-1), Value::Int(4)],
            "ValueError: base is not invertible for the given modulus",
        ),
        (
            "pow",
            vec![Value::Int(2), Value::Int(3), Value::Int(0)],
            "ValueError: pow() 3rd argument cannot be 0",
        ),
        (
            "pow",
            vec![Value::Int(2), Value::Float(3.0), Value::Int(5)],
            "TypeError: pow() 3rd argument not allowed unless all arguments are integers",
        ),
        (
            "chr",
            vec![Value::Int(-1)],
            "ValueError: chr() arg not in range(0x110000)",
        ),
        ("chr", vec![Value::Int(97)], "ok 'a'"),
        (
            "ord",
            vec![s("ab")],
            "TypeError: ord() expected a character, but string of length 2 found",
        ),
        (
            "ord",
            vec![Value::Int(1)],
            "TypeError: ord() expected string of length 1, but int found",
        ),
        ("ord", vec![s("é")], "ok 233"),
        ("hex", vec![Value::Int(-255)], "ok '-0xff'"),
        ("oct", vec![Value::Int(8)], "ok '0o10'"),
        ("bin", vec![Value::Int(-5)], "ok '-0b101'"),
        (
            "hex",
            vec![Value::Float(1.5)],
            "TypeError: 'float' object cannot be interpreted as an integer",
        ),
        ("abs", vec![Value::Int(i64::MIN)], "ok 9223372036854775808"),
        (
            "abs",
            vec![s("a")],
            "TypeError: bad operand type for abs(): 'str'",
        ),
        (
            "divmod",
            vec![Value::Int(1), s("a")],
            "TypeError: unsupported operand type(s) for divmod(): 'int' and 'str'",
        ),
    ];
    for (f, args, expect) in cases {
        let r = call(&mut vm, f, &args);
        assert_eq!(err(&mut vm, r), expect, "{f}");
    }
}

#[test]
fn object_and_type() {
    let mut vm = Vm::new();
    let object = builtin(&vm, "object");
    let r = vm.call(&object, &[Value::Int(1)]);
    assert_eq!(err(&mut vm, r), "TypeError: object() takes no arguments");
    let o = vm.call(&object, &[]).unwrap();
    let r = call(&mut vm, "format", &[o.clone(), s("x")]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: unsupported format string passed to object.__format__"
    );
    let typ = builtin(&vm, "type");
    let r = vm.call(&typ, &[Value::Int(1)]);
    assert_eq!(err(&mut vm, r), "ok <class 'int'>");
    let r = vm.call(&typ, &[]);
    assert_eq!(err(&mut vm, r), "TypeError: type() takes 1 or 3 arguments");
    let mut ns = crate::obj::DictData::new();
    crate::vm::dictops::set_str(&mut ns, s("a"), Value::Int(1));
    crate::vm::dictops::set_str(&mut ns, s("__module__"), s("__main__"));
    let cls = vm
        .call(&typ, &[s("X"), tuple(vec![]), Value::dict(ns)])
        .unwrap();
    assert_eq!(repr(&mut vm, &cls), "<class '__main__.X'>");
    let a = vm.get_attr_str(&cls, "a").unwrap();
    assert_eq!(repr(&mut vm, &a), "1");
    let mro = vm.call_method(&cls, "mro", &[]).unwrap();
    assert_eq!(
        repr(&mut vm, &mro),
        "[<class '__main__.X'>, <class 'object'>]"
    );
    let inst = vm.call(&cls, &[]).unwrap();
    let setattr = vm.get_attr_str(&object, "__setattr__").unwrap();
    vm.call(&setattr, &[inst.clone(), s("y"), Value::Int(7)])
        .unwrap();
    let y = vm.get_attr_str(&inst, "y").unwrap();
    assert_eq!(repr(&mut vm, &y), "7");
    let r = vm.call(&cls, &[Value::Int(1)]);
    assert_eq!(err(&mut vm, r), "TypeError: X() takes no arguments");
    let d = call(&mut vm, "dir", std::slice::from_ref(&inst)).unwrap();
    let names = vm.collect(&d).unwrap();
    let names: Vec<String> = names
        .iter()
        .map(|n| n.as_str().unwrap_or("").to_string())
        .collect();
    assert!(names.contains(&"y".to_string()) && names.contains(&"a".to_string()));
    assert!(names.contains(&"__class__".to_string()));
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
}

#[test]
fn descriptors() {
    let mut vm = Vm::new();
    let property = builtin(&vm, "property");
    let len = builtin(&vm, "len");
    let p = vm.call(&property, std::slice::from_ref(&len)).unwrap();
    let fget = vm.get_attr_str(&p, "fget").unwrap();
    assert!(fget.is(&len));
    let p2 = vm
        .call_method(&p, "setter", std::slice::from_ref(&len))
        .unwrap();
    let fset = vm.get_attr_str(&p2, "fset").unwrap();
    assert!(fset.is(&len));
    let got = vm.call_method(&p, "__get__", &[s("abc")]).unwrap();
    assert_eq!(repr(&mut vm, &got), "3");
    let r = vm.call_kw(&property, &[Value::Int(1)], &[s("x")]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: 'x' is an invalid keyword argument for property()"
    );
    let sm = builtin(&vm, "staticmethod");
    let st = vm.call(&sm, std::slice::from_ref(&len)).unwrap();
    assert_eq!(
        repr(&mut vm, &st),
        "<staticmethod(<built-in function len>)>"
    );
    let sup = builtin(&vm, "super");
    let int = builtin(&vm, "int");
    let r = vm.call(&sup, &[Value::Int(1), Value::Int(2)]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: super() argument 1 must be a type, not int"
    );
    let r = vm.call(&sup, &[int.clone(), s("a")]);
    assert_eq!(
        err(&mut vm, r),
        "TypeError: super(type, obj): obj must be an instance or subtype of type"
    );
    let r = vm.call(&sup, &[]);
    assert_eq!(err(&mut vm, r), "RuntimeError: super(): no arguments");
}
