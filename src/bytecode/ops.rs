//! The instruction set: what the compiler emits and the VM executes.
//!
//! A stack machine modelled on CPython 3.11's, so its `dis` documentation mostly applies.
//! Stack effects are written `[before] -> [after]` with the top of stack on the right.
//! Jump targets are absolute instruction indices. `Undef` is the VM's internal "no value"
//! (CPython's NULL): it marks an absent `self` in calls and an unbound local.
//!
//! Exception handling is zero-cost: `Code::exc_table` maps instruction ranges to handlers.
//! When an exception is raised at an instruction inside a range, the VM truncates the value
//! stack to the entry's `depth`, pushes the exception and jumps to the handler.

use crate::syntax::ast::{BinOp, CmpOp, UnaryOp};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Op {
    Nop,

    // ---- stack shuffling ----
    /// `[a] -> []`
    PopTop,
    /// `Copy(n)`: push a copy of the n-th item from the top (`Copy(1)` duplicates the top).
    Copy(u32),
    /// `Swap(n)`: swap the top with the n-th item from the top (n >= 2).
    Swap(u32),
    /// `[] -> [Undef]`: the "no self" marker that precedes a plain call's callable.
    PushNull,

    // ---- names ----
    /// `[] -> [consts[i]]`
    LoadConst(u32),
    /// Locals by slot (`Code::varnames[i]`). Loading an unbound slot raises UnboundLocalError.
    LoadFast(u32),
    StoreFast(u32),
    DeleteFast(u32),
    /// Cells by slot: `i < cellvars.len()` are this frame's cells, the rest are free vars
    /// (`freevars[i - cellvars.len()]`). Loading an empty cell raises NameError/UnboundLocalError
    /// as CPython does ("cannot access free variable 'x' ...").
    LoadDeref(u32),
    StoreDeref(u32),
    DeleteDeref(u32),
    /// `[] -> [cell]`: the cell object itself, for building a closure tuple.
    LoadClosure(u32),
    /// In a class body: `locals()[name]` if present, else the cell's value (a free variable).
    LoadClassDeref(u32),
    /// `names[i]` in globals, then builtins. NameError "name 'x' is not defined".
    LoadGlobal(u32),
    StoreGlobal(u32),
    DeleteGlobal(u32),
    /// Module and class bodies: `names[i]` in the frame's locals mapping, then globals, then builtins.
    LoadName(u32),
    StoreName(u32),
    DeleteName(u32),

    // ---- attributes and items ----
    /// `[obj] -> [obj.names[i]]`
    LoadAttr(u32),
    /// `[value, obj] -> []` (obj.names[i] = value)
    StoreAttr(u32),
    /// `[obj] -> []`
    DeleteAttr(u32),
    /// `[obj] -> [method, obj]` when `names[i]` resolves to a plain function on the type and
    /// is not shadowed by the instance; otherwise `[Undef, getattr(obj, name)]`.
    /// Either way the result feeds `Call`.
    LoadMethod(u32),
    /// `[obj, key] -> [obj[key]]`
    BinarySubscr,
    /// `[value, obj, key] -> []`
    StoreSubscr,
    /// `[obj, key] -> []`
    DeleteSubscr,

    // ---- operators ----
    /// `[a, b] -> [a op b]`
    Binary(BinOp),
    /// `[a, b] -> [a op= b]` (tries `__iadd__` etc. first)
    InplaceBinary(BinOp),
    /// `[a] -> [op a]` (`Not` gives a bool)
    Unary(UnaryOp),
    /// `[a, b] -> [a op b]` for all ten comparison operators (`in`: `b.__contains__(a)`).
    Compare(CmpOp),

    // ---- control flow ----
    Jump(u32),
    /// `[cond] -> []`
    PopJumpIfFalse(u32),
    PopJumpIfTrue(u32),
    /// `[v] -> []`, jump when `v is None` / `v is not None`
    PopJumpIfNone(u32),
    PopJumpIfNotNone(u32),
    /// `[v] -> [v]` and jump if falsy, else `[v] -> []` (for `and`)
    JumpIfFalseOrPop(u32),
    /// `[v] -> [v]` and jump if truthy, else `[v] -> []` (for `or`)
    JumpIfTrueOrPop(u32),
    /// `[obj] -> [iter(obj)]`
    GetIter,
    /// `[iter] -> [iter, next(iter)]`, or when exhausted `[iter] -> []` and jump to the target.
    ForIter(u32),
    /// `[value] ->` return from the frame.
    Return,

    // ---- calls and definitions ----
    /// Keyword names for the next `Call`: `consts[i]` is a tuple of str; the last `len` call
    /// arguments are passed by those keywords.
    KwNames(u32),
    /// `[Undef|callable, callable|self, arg1..argN] -> [result]`. When the first slot is Undef
    /// the second is the callable; otherwise the first is the callable and the second is
    /// passed as the first positional argument (a method call).
    Call(u32),
    /// `[Undef, callable, args_tuple, (kwargs_dict if flag 1)] -> [result]` for `f(*a, **k)`.
    /// As CPython's CALL_FUNCTION_EX, `args_tuple` may be any iterable when the call is
    /// `f(*a)` alone (the compiler then pushes `a` itself): the VM converts it to a tuple and
    /// raises CPython's TypeError "f() argument after * must be an iterable, not int".
    CallEx(u32),
    /// `[defaults_tuple if flag 1, kwdefaults_dict if flag 2, annotations_dict if flag 4,
    ///   closure_tuple if flag 8, code] -> [function]` (code on top).
    MakeFunction(u32),
    /// `[] -> [builtins.__build_class__]`; then called as
    /// `__build_class__(body_function, name, *bases, **keywords)`.
    LoadBuildClass,

    // ---- building containers and strings ----
    /// `[a1..aN] -> [(a1, ..., aN)]`
    BuildTuple(u32),
    BuildList(u32),
    BuildSet(u32),
    /// `[k1, v1, ..., kN, vN] -> [{k1: v1, ...}]`
    BuildMap(u32),
    /// `[s1..sN] -> [s1 + ... + sN]` (all str, from f-strings)
    BuildString(u32),
    /// `[start, stop] -> [slice]` or `[start, stop, step] -> [slice]` (`BuildSlice(2|3)`)
    BuildSlice(u32),
    /// `[.., list, .., v] -> [.., list, ..]` with `list` at depth `i` after popping `v`
    /// (`stack[len - i]`), as CPython's LIST_APPEND. Used by comprehensions.
    ListAppend(u32),
    SetAdd(u32),
    /// `[.., dict, .., key, value] -> [.., dict, ..]`, dict at depth `i` after popping both.
    MapAdd(u32),
    /// `[.., list, .., iterable] -> [.., list, ..]` extend (for `[*a, *b]`).
    ListExtend(u32),
    SetUpdate(u32),
    /// `[.., dict, .., mapping] -> [.., dict, ..]` update (for `{**a}`).
    DictUpdate(u32),
    /// Like `DictUpdate` but raises TypeError on a duplicate key (for `f(**a, **b)`):
    /// "f() got multiple values for keyword argument 'k'".
    DictMerge(u32),
    /// `[list] -> [tuple(list)]`
    ListToTuple,
    /// `[value] -> [str]` or with flag 4 `[value, spec] -> [str]`; `flags & 3`: 0 = format()
    /// only, 1 = str() first, 2 = repr() first, 3 = ascii() first.
    FormatValue(u32),
    /// `[seq] -> [vN, ..., v1]` (v1 on top); ValueError on a length mismatch with CPython's text.
    UnpackSequence(u32),
    /// `UnpackEx(before | after << 8)`: `[seq] -> [a_last.., list_of_middle, b_N .. b_1]`
    /// like CPython's UNPACK_EX.
    UnpackEx(u32),

    // ---- exceptions ----
    /// `RaiseVarargs(0)`: re-raise the exception being handled ("RuntimeError: No active
    /// exception to reraise"); `(1)`: `[exc] ->` raise; `(2)`: `[exc, cause] ->` raise from.
    /// A class is instantiated with no arguments.
    RaiseVarargs(u32),
    /// `[exc] -> [previous_handled, exc]`; makes `exc` the exception being handled
    /// (`sys.exc_info()`, implicit `__context__` chaining).
    PushExcInfo,
    /// `[previous_handled] -> []`: restores the exception being handled.
    PopExcept,
    /// `[exc] ->` raise `exc` again without adding a traceback entry for this frame
    /// (ends `finally` blocks and unmatched handlers).
    Reraise,
    /// `[exc, type] -> [exc, bool]`; `type` may be a tuple. TypeError "catching classes that
    /// do not inherit from BaseException is not allowed".
    CheckExcMatch,
    /// `except*`: `[exc_or_group, type] -> [rest, match]`; `match` is None when nothing matched.
    CheckEgMatch,
    /// `except*` epilogue: `[original, list_of_raised] -> [exc_to_reraise_or_None]`.
    PrepReraiseStar,
    /// `[] -> [AssertionError]` (the class, independent of any shadowing name).
    LoadAssertionError,
    /// `[manager] -> [bound __exit__, result of __enter__()]`
    BeforeWith,
    /// `[exit, prev_exc, exc] -> [exit, prev_exc, exc, exit(type(exc), exc, exc.__traceback__)]`
    WithExceptStart,

    // ---- generators and coroutines ----
    /// `[value] ->` suspend the frame, yielding `value`; on resume `-> [sent_value]`.
    YieldValue,
    /// `[value] -> [wrapped]`: marks a value produced by `yield` in an async generator, so the
    /// VM can tell it from a value yielded by an `await` inside it (CPython 3.11's
    /// ASYNC_GEN_WRAP). Emitted just before `YieldValue`, only in async generators.
    AsyncGenWrap,
    /// `[obj] -> [iterator]` for `yield from` (a generator or coroutine is used as is).
    GetYieldFromIter,
    /// `[obj] -> [awaitable_iterator]` for `await`: a coroutine, or `obj.__await__()`.
    /// The operand says where (0: await, 1: `__aenter__`, 2: `__aexit__`) for error messages.
    GetAwaitable(u32),
    /// `[receiver, value] -> [receiver, yielded]` and fall through when the receiver yields;
    /// `[receiver, value] -> [return_value]` and jump to the target when it returns.
    /// Used as: `L: Send(exit); YieldValue; Jump(L); exit:`.
    Send(u32),
    /// `[obj] -> [obj.__aiter__()]`
    GetAIter,
    /// `[aiter] -> [aiter, awaitable of aiter.__anext__()]`
    GetANext,
    /// Handler of an `async for`: `[aiter, exc] -> []` when exc is StopAsyncIteration,
    /// else re-raise exc.
    EndAsyncFor,
    /// `[manager] -> [bound __aexit__, awaitable of __aenter__()]`
    BeforeAsyncWith,

    // ---- imports and module-level ----
    /// `[level, fromlist] -> [module]` importing `names[i]` (dotted).
    ImportName(u32),
    /// `[module] -> [module, module.names[i]]` (ImportError "cannot import name ...").
    ImportFrom(u32),
    /// `[module] -> []` binds every public name in the frame's locals mapping.
    ImportStar,
    /// Creates `__annotations__` in the locals mapping if missing (module/class bodies).
    SetupAnnotations,
    // ---- structural pattern matching (CPython 3.11's, plus StoreUnder) ----
    /// `[obj] -> [obj, len(obj)]`
    GetLen,
    /// `[subject] -> [subject, bool]`: is it a mapping (dict, or a `collections.abc.Mapping`)?
    MatchMapping,
    /// `[subject] -> [subject, bool]`: is it a sequence for patterns (list, tuple, range, a
    /// `collections.abc.Sequence`; never str, bytes or bytearray)?
    MatchSequence,
    /// `[subject, keys] -> [subject, keys, values_tuple_or_None]` via `subject.get`.
    MatchKeys,
    /// `MatchClass(npos)`: `[subject, cls, kw_names] -> [attrs_tuple_or_None]`.
    MatchClass(u32),
    /// `StoreUnder(i)`: `[.., slot, .., v] -> [.., v, ..]`: pops `v` into `stack[len - i]`
    /// (a capture slot reserved below the values a pattern is working on).
    StoreUnder(u32),
    /// REPL: `[value] -> []` prints repr(value) unless None and stores it in `builtins._`.
    PrintExpr,
}
