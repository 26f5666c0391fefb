//! The builtin types and the builtin exception hierarchy, created once per thread.
//!
//! Native code anywhere can reach them (`types()`), so raising `TypeError` from a method of
//! `str` needs no interpreter handle. Their namespaces are filled by `crate::modules` and
//! the `obj` method tables when the interpreter starts.

use crate::obj::class::{ClassFlags, Layout};
use crate::obj::{ClassObj, DictData, Obj};
use crate::vm::value::{ObjRef, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Builtin exception classes, in definition order: each row is (name, parent row index).
pub const EXCEPTIONS: &[(&str, Option<usize>)] = &[
    ("BaseException", None),                 // 0
    ("BaseExceptionGroup", Some(0)),         // 1
    ("GeneratorExit", Some(0)),              // 2
    ("KeyboardInterrupt", Some(0)),          // 3
    ("SystemExit", Some(0)),                 // 4
    ("Exception", Some(0)),                  // 5
    ("ArithmeticError", Some(5)),            // 6
    ("FloatingPointError", Some(6)),         // 7
    ("OverflowError", Some(6)),              // 8
    ("ZeroDivisionError", Some(6)),          // 9
    ("AssertionError", Some(5)),             // 10
    ("AttributeError", Some(5)),             // 11
    ("BufferError", Some(5)),                // 12
    ("EOFError", Some(5)),                   // 13
    ("ExceptionGroup", Some(1)),             // 14 (also derives from Exception)
    ("ImportError", Some(5)),                // 15
    ("ModuleNotFoundError", Some(15)),       // 16
    ("LookupError", Some(5)),                // 17
    ("IndexError", Some(17)),                // 18
    ("KeyError", Some(17)),                  // 19
    ("MemoryError", Some(5)),                // 20
    ("NameError", Some(5)),                  // 21
    ("UnboundLocalError", Some(21)),         // 22
    ("OSError", Some(5)),                    // 23
    ("BlockingIOError", Some(23)),           // 24
    ("ChildProcessError", Some(23)),         // 25
    ("ConnectionError", Some(23)),           // 26
    ("BrokenPipeError", Some(26)),           // 27
    ("ConnectionAbortedError", Some(26)),    // 28
    ("ConnectionRefusedError", Some(26)),    // 29
    ("ConnectionResetError", Some(26)),      // 30
    ("FileExistsError", Some(23)),           // 31
    ("FileNotFoundError", Some(23)),         // 32
    ("InterruptedError", Some(23)),          // 33
    ("IsADirectoryError", Some(23)),         // 34
    ("NotADirectoryError", Some(23)),        // 35
    ("PermissionError", Some(23)),           // 36
    ("ProcessLookupError", Some(23)),        // 37
    ("TimeoutError", Some(23)),              // 38
    ("ReferenceError", Some(5)),             // 39
    ("RuntimeError", Some(5)),               // 40
    ("NotImplementedError", Some(40)),       // 41
    ("RecursionError", Some(40)),            // 42
    ("StopAsyncIteration", Some(5)),         // 43
    ("StopIteration", Some(5)),              // 44
    ("SyntaxError", Some(5)),                // 45
    ("IndentationError", Some(45)),          // 46
    ("TabError", Some(46)),                  // 47
    ("SystemError", Some(5)),                // 48
    ("TypeError", Some(5)),                  // 49
    ("ValueError", Some(5)),                 // 50
    ("UnicodeError", Some(50)),              // 51
    ("UnicodeDecodeError", Some(51)),        // 52
    ("UnicodeEncodeError", Some(51)),        // 53
    ("UnicodeTranslateError", Some(51)),     // 54
    ("Warning", Some(5)),                    // 55
    ("BytesWarning", Some(55)),              // 56
    ("DeprecationWarning", Some(55)),        // 57
    ("EncodingWarning", Some(55)),           // 58
    ("FutureWarning", Some(55)),             // 59
    ("ImportWarning", Some(55)),             // 60
    ("PendingDeprecationWarning", Some(55)), // 61
    ("ResourceWarning", Some(55)),           // 62
    ("RuntimeWarning", Some(55)),            // 63
    ("SyntaxWarning", Some(55)),             // 64
    ("UnicodeWarning", Some(55)),            // 65
    ("UserWarning", Some(55)),               // 66
];

/// Index of each builtin exception class in `EXCEPTIONS` / `Types::exc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum ExcKind {
    BaseException = 0,
    BaseExceptionGroup = 1,
    GeneratorExit = 2,
    KeyboardInterrupt = 3,
    SystemExit = 4,
    Exception = 5,
    ArithmeticError = 6,
    OverflowError = 8,
    ZeroDivisionError = 9,
    AssertionError = 10,
    AttributeError = 11,
    BufferError = 12,
    EOFError = 13,
    ExceptionGroup = 14,
    ImportError = 15,
    ModuleNotFoundError = 16,
    LookupError = 17,
    IndexError = 18,
    KeyError = 19,
    MemoryError = 20,
    NameError = 21,
    UnboundLocalError = 22,
    OSError = 23,
    BlockingIOError = 24,
    BrokenPipeError = 27,
    ConnectionRefusedError = 29,
    ConnectionResetError = 30,
    FileExistsError = 31,
    FileNotFoundError = 32,
    InterruptedError = 33,
    IsADirectoryError = 34,
    NotADirectoryError = 35,
    PermissionError = 36,
    ProcessLookupError = 37,
    TimeoutError = 38,
    RuntimeError = 40,
    NotImplementedError = 41,
    RecursionError = 42,
    StopAsyncIteration = 43,
    StopIteration = 44,
    SyntaxError = 45,
    IndentationError = 46,
    TabError = 47,
    SystemError = 48,
    TypeError = 49,
    ValueError = 50,
    UnicodeError = 51,
    UnicodeDecodeError = 52,
    UnicodeEncodeError = 53,
    UnicodeTranslateError = 54,
    Warning = 55,
    DeprecationWarning = 57,
    RuntimeWarning = 63,
    UserWarning = 66,
}

/// Every builtin type. Field names follow the Python names.
pub struct Types {
    pub object: ObjRef,
    pub type_: ObjRef,
    pub none: ObjRef,
    pub bool_: ObjRef,
    pub int: ObjRef,
    pub float: ObjRef,
    pub complex: ObjRef,
    pub str_: ObjRef,
    pub bytes: ObjRef,
    pub bytearray: ObjRef,
    pub list: ObjRef,
    pub deque: ObjRef,
    pub weakref: ObjRef,
    pub tuple: ObjRef,
    pub dict: ObjRef,
    pub set: ObjRef,
    pub frozenset: ObjRef,
    pub range: ObjRef,
    pub memoryview: ObjRef,
    pub memory_iterator: ObjRef,
    pub slice: ObjRef,
    pub function: ObjRef,
    pub builtin_function: ObjRef,
    pub method: ObjRef,
    pub cell: ObjRef,
    pub module: ObjRef,
    pub code: ObjRef,
    pub frame: ObjRef,
    pub traceback: ObjRef,
    pub generator: ObjRef,
    pub coroutine: ObjRef,
    pub async_generator: ObjRef,
    pub async_generator_asend: ObjRef,
    pub async_generator_athrow: ObjRef,
    pub anext_awaitable: ObjRef,
    /// `_asyncio.FutureIter`, what `Future.__await__()` returns.
    pub future_iter: ObjRef,
    /// What `coroutine.__await__()` returns.
    pub coroutine_wrapper: ObjRef,
    pub property: ObjRef,
    pub staticmethod: ObjRef,
    pub classmethod: ObjRef,
    pub super_: ObjRef,
    pub ellipsis: ObjRef,
    pub not_implemented: ObjRef,
    pub dict_keys: ObjRef,
    pub dict_values: ObjRef,
    pub dict_items: ObjRef,
    pub list_iterator: ObjRef,
    pub tuple_iterator: ObjRef,
    pub str_ascii_iterator: ObjRef,
    pub str_iterator: ObjRef,
    pub range_iterator: ObjRef,
    pub longrange_iterator: ObjRef,
    pub dict_keyiterator: ObjRef,
    pub dict_valueiterator: ObjRef,
    pub dict_itemiterator: ObjRef,
    pub set_iterator: ObjRef,
    pub iterator: ObjRef,
    pub enumerate: ObjRef,
    pub zip: ObjRef,
    pub map: ObjRef,
    pub filter: ObjRef,
    pub reversed: ObjRef,
    pub callable_iterator: ObjRef,
    pub bytes_iterator: ObjRef,
    pub bytearray_iterator: ObjRef,
    pub list_reverseiterator: ObjRef,
    pub deque_iterator: ObjRef,
    pub deque_reverse_iterator: ObjRef,
    pub dict_reversekeyiterator: ObjRef,
    pub dict_reversevalueiterator: ObjRef,
    pub dict_reverseitemiterator: ObjRef,
    pub text_io: ObjRef,
    /// Builtin exception classes, indexed by `ExcKind as usize`.
    pub exc: Vec<ObjRef>,
    /// Singletons.
    pub ellipsis_value: Value,
    pub not_implemented_value: Value,
}

/// Creates a class object. `bases` empty means a root (`object`).
pub fn new_class(name: &str, bases: Vec<ObjRef>, layout: Layout, builtin: bool) -> ObjRef {
    let mro = compute_simple_mro(&bases);
    ObjRef::new(Obj::Class(Box::new(ClassObj {
        name: RefCell::new(Rc::from(name)),
        qualname: RefCell::new(Rc::from(name)),
        module: RefCell::new(Rc::from("builtins")),
        bases: RefCell::new(bases),
        mro: RefCell::new(mro),
        dict: RefCell::new(DictData::new()),
        layout,
        builtin,
        flags: Cell::new(ClassFlags::default()),
        metaclass: RefCell::new(None),
        attrs_hint: Cell::new(0),
        created_len: 0,
        made_descriptors: RefCell::new(DictData::new()),
        instance_names: Default::default(),
    })))
}

/// MRO for single-inheritance builtin classes: the base, then the base's MRO.
fn compute_simple_mro(bases: &[ObjRef]) -> Vec<ObjRef> {
    let mut out = Vec::new();
    if let Some(b) = bases.first() {
        out.push(b.clone());
        if let Obj::Class(c) = &**b {
            out.extend(c.mro.borrow().iter().cloned());
        }
    }
    out
}

fn build() -> Types {
    let object = new_class("object", vec![], Layout::Object, true);
    let t = |name: &str| new_class(name, vec![object.clone()], Layout::Builtin, true);
    let int = t("int");
    let bool_ = new_class("bool", vec![int.clone()], Layout::Builtin, true);
    let mut exc: Vec<ObjRef> = Vec::with_capacity(EXCEPTIONS.len());
    for (name, parent) in EXCEPTIONS {
        let base = match parent {
            Some(p) => exc[*p].clone(),
            None => object.clone(),
        };
        exc.push(new_class(name, vec![base], Layout::Exception, true));
    }
    // ExceptionGroup(BaseExceptionGroup, Exception)
    if let Obj::Class(c) = &*exc[ExcKind::ExceptionGroup as usize] {
        let eg_bases = vec![
            exc[ExcKind::BaseExceptionGroup as usize].clone(),
            exc[ExcKind::Exception as usize].clone(),
        ];
        *c.mro.borrow_mut() = vec![
            exc[ExcKind::BaseExceptionGroup as usize].clone(),
            exc[ExcKind::Exception as usize].clone(),
            exc[ExcKind::BaseException as usize].clone(),
            object.clone(),
        ];
        *c.bases.borrow_mut() = eg_bases;
    }
    Types {
        type_: t("type"),
        none: t("NoneType"),
        bool_,
        int,
        float: t("float"),
        complex: t("complex"),
        str_: t("str"),
        bytes: t("bytes"),
        bytearray: t("bytearray"),
        list: t("list"),
        deque: t("deque"),
        weakref: t("ReferenceType"),
        tuple: t("tuple"),
        dict: t("dict"),
        set: t("set"),
        frozenset: t("frozenset"),
        range: t("range"),
        memoryview: t("memoryview"),
        memory_iterator: t("memory_iterator"),
        slice: t("slice"),
        function: t("function"),
        builtin_function: t("builtin_function_or_method"),
        method: t("method"),
        cell: t("cell"),
        module: t("module"),
        code: t("code"),
        frame: t("frame"),
        traceback: t("traceback"),
        generator: t("generator"),
        coroutine: t("coroutine"),
        async_generator: t("async_generator"),
        async_generator_asend: t("async_generator_asend"),
        async_generator_athrow: t("async_generator_athrow"),
        anext_awaitable: t("anext_awaitable"),
        coroutine_wrapper: t("coroutine_wrapper"),
        future_iter: {
            let c = t("FutureIter");
            if let Obj::Class(k) = &*c {
                *k.module.borrow_mut() = Rc::from("_asyncio");
            }
            c
        },
        property: t("property"),
        staticmethod: t("staticmethod"),
        classmethod: t("classmethod"),
        super_: t("super"),
        ellipsis: t("ellipsis"),
        not_implemented: t("NotImplementedType"),
        dict_keys: t("dict_keys"),
        dict_values: t("dict_values"),
        dict_items: t("dict_items"),
        list_iterator: t("list_iterator"),
        tuple_iterator: t("tuple_iterator"),
        str_ascii_iterator: t("str_ascii_iterator"),
        str_iterator: t("str_iterator"),
        range_iterator: t("range_iterator"),
        longrange_iterator: t("longrange_iterator"),
        dict_keyiterator: t("dict_keyiterator"),
        dict_valueiterator: t("dict_valueiterator"),
        dict_itemiterator: t("dict_itemiterator"),
        set_iterator: t("set_iterator"),
        iterator: t("iterator"),
        enumerate: t("enumerate"),
        zip: t("zip"),
        map: t("map"),
        filter: t("filter"),
        reversed: t("reversed"),
        callable_iterator: t("callable_iterator"),
        bytes_iterator: t("bytes_iterator"),
        bytearray_iterator: t("bytearray_iterator"),
        list_reverseiterator: t("list_reverseiterator"),
        deque_iterator: t("_deque_iterator"),
        deque_reverse_iterator: t("_deque_reverse_iterator"),
        dict_reversekeyiterator: t("dict_reversekeyiterator"),
        dict_reversevalueiterator: t("dict_reversevalueiterator"),
        dict_reverseitemiterator: t("dict_reverseitemiterator"),
        text_io: t("TextIOWrapper"),
        exc,
        ellipsis_value: Value::Obj(ObjRef::new(Obj::Ellipsis)),
        not_implemented_value: Value::Obj(ObjRef::new(Obj::NotImplemented)),
        object,
    }
}

thread_local! {
    static TYPES: Rc<Types> = Rc::new(build());
}

/// The builtin types of this thread's interpreter.
pub fn types() -> Rc<Types> {
    TYPES.with(|t| t.clone())
}

/// The builtin exception class for `kind`.
pub fn exc_class(kind: ExcKind) -> ObjRef {
    TYPES.with(|t| t.exc[kind as usize].clone())
}
