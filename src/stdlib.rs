//! Library modules written in aio itself (`stdlib/`), embedded in the binary and compiled
//! when first imported.

/// `(module name, source, is_package)`
const MODULES: &[(&str, &str, bool)] = &[
    (
        "__future__",
        include_str!("../stdlib/__future__.aio"),
        false,
    ),
    ("functools", include_str!("../stdlib/functools.aio"), false),
    ("traceback", include_str!("../stdlib/traceback.aio"), false),
    ("inspect", include_str!("../stdlib/inspect.aio"), false),
    ("os", include_str!("../stdlib/os.aio"), false),
    ("_io", include_str!("../stdlib/_io.aio"), false),
    ("posixpath", include_str!("../stdlib/posixpath.aio"), false),
    (
        "contextvars",
        include_str!("../stdlib/contextvars.aio"),
        false,
    ),
    (
        "contextlib",
        include_str!("../stdlib/contextlib.aio"),
        false,
    ),
    ("random", include_str!("../stdlib/random.aio"), false),
    ("numbers", include_str!("../stdlib/numbers.aio"), false),
    ("keyword", include_str!("../stdlib/keyword.aio"), false),
    ("token", include_str!("../stdlib/token.aio"), false),
    ("tokenize", include_str!("../stdlib/tokenize.aio"), false),
    ("filecmp", include_str!("../stdlib/filecmp.aio"), false),
    ("this", include_str!("../stdlib/this.aio"), false),
    ("reprlib", include_str!("../stdlib/reprlib.aio"), false),
    ("getopt", include_str!("../stdlib/getopt.aio"), false),
    ("gettext", include_str!("../stdlib/gettext.aio"), false),
    (
        "_gettext_locale",
        include_str!("../stdlib/_gettext_locale.aio"),
        false,
    ),
    ("argparse", include_str!("../stdlib/argparse.aio"), false),
    ("stat", include_str!("../stdlib/stat.aio"), false),
    ("colorsys", include_str!("../stdlib/colorsys.aio"), false),
    ("errno", include_str!("../stdlib/errno.aio"), false),
    ("atexit", include_str!("../stdlib/atexit.aio"), false),
    (
        "unittest.__main__",
        include_str!("../stdlib/unittest/__main__.aio"),
        false,
    ),
    (
        "_sitebuiltins",
        include_str!("../stdlib/_sitebuiltins.aio"),
        false,
    ),
    (
        "_sitelicense",
        include_str!("../stdlib/_sitelicense.aio"),
        false,
    ),
    ("fractions", include_str!("../stdlib/fractions.aio"), false),
    ("decimal", include_str!("../stdlib/decimal.aio"), false),
    (
        "_pydecimal",
        include_str!("../stdlib/_pydecimal.aio"),
        false,
    ),
    ("ipaddress", include_str!("../stdlib/ipaddress.aio"), false),
    (
        "configparser",
        include_str!("../stdlib/configparser.aio"),
        false,
    ),
    ("sched", include_str!("../stdlib/sched.aio"), false),
    (
        "importlib",
        include_str!("../stdlib/importlib/__init__.aio"),
        true,
    ),
    (
        "importlib._bootstrap",
        include_str!("../stdlib/importlib/_bootstrap.aio"),
        false,
    ),
    (
        "importlib.machinery",
        include_str!("../stdlib/importlib/machinery.aio"),
        false,
    ),
    (
        "importlib.util",
        include_str!("../stdlib/importlib/util.aio"),
        false,
    ),
    (
        "tomllib",
        include_str!("../stdlib/tomllib/__init__.aio"),
        true,
    ),
    (
        "tomllib._parser",
        include_str!("../stdlib/tomllib/_parser.aio"),
        false,
    ),
    (
        "tomllib._re",
        include_str!("../stdlib/tomllib/_re.aio"),
        false,
    ),
    (
        "tomllib._types",
        include_str!("../stdlib/tomllib/_types.aio"),
        false,
    ),
    (
        "statistics",
        include_str!("../stdlib/statistics.aio"),
        false,
    ),
    ("threading", include_str!("../stdlib/threading.aio"), false),
    ("queue", include_str!("../stdlib/queue.aio"), false),
    (
        "concurrent",
        include_str!("../stdlib/concurrent/__init__.aio"),
        true,
    ),
    (
        "concurrent.futures",
        include_str!("../stdlib/concurrent/futures/__init__.aio"),
        true,
    ),
    (
        "concurrent.futures._base",
        include_str!("../stdlib/concurrent/futures/_base.aio"),
        false,
    ),
    (
        "concurrent.futures.thread",
        include_str!("../stdlib/concurrent/futures/thread.aio"),
        false,
    ),
    ("graphlib", include_str!("../stdlib/graphlib.aio"), false),
    ("calendar", include_str!("../stdlib/calendar.aio"), false),
    ("cmd", include_str!("../stdlib/cmd.aio"), false),
    ("difflib", include_str!("../stdlib/difflib.aio"), false),
    ("doctest", include_str!("../stdlib/doctest.aio"), false),
    (
        "_stdio_buffer",
        include_str!("../stdlib/_stdio_buffer.aio"),
        false,
    ),
    ("fileinput", include_str!("../stdlib/fileinput.aio"), false),
    ("pprint", include_str!("../stdlib/pprint.aio"), false),
    ("shlex", include_str!("../stdlib/shlex.aio"), false),
    ("textwrap", include_str!("../stdlib/textwrap.aio"), false),
    ("optparse", include_str!("../stdlib/optparse.aio"), false),
    ("fnmatch", include_str!("../stdlib/fnmatch.aio"), false),
    ("html", include_str!("../stdlib/html/__init__.aio"), true),
    (
        "html.entities",
        include_str!("../stdlib/html/entities.aio"),
        false,
    ),
    (
        "html.parser",
        include_str!("../stdlib/html/parser.aio"),
        false,
    ),
    (
        "_markupbase",
        include_str!("../stdlib/_markupbase.aio"),
        false,
    ),
    (
        "collections",
        include_str!("../stdlib/collections/__init__.aio"),
        true,
    ),
    (
        "collections.abc",
        include_str!("../stdlib/collections/abc.aio"),
        false,
    ),
    (
        "collections._chainmap",
        include_str!("../stdlib/collections/_chainmap.aio"),
        false,
    ),
    (
        "collections._user",
        include_str!("../stdlib/collections/_user.aio"),
        false,
    ),
    (
        "_collections_abc",
        include_str!("../stdlib/_collections_abc.aio"),
        false,
    ),
    ("io", include_str!("../stdlib/io.aio"), false),
    ("_fileio", include_str!("../stdlib/_fileio.aio"), false),
    ("types", include_str!("../stdlib/types.aio"), false),
    ("itertools", include_str!("../stdlib/itertools.aio"), false),
    ("heapq", include_str!("../stdlib/heapq.aio"), false),
    ("bisect", include_str!("../stdlib/bisect.aio"), false),
    ("operator", include_str!("../stdlib/operator.aio"), false),
    ("string", include_str!("../stdlib/string.aio"), false),
    ("socket", include_str!("../stdlib/socket.aio"), false),
    ("_socketio", include_str!("../stdlib/_socketio.aio"), false),
    (
        "socketserver",
        include_str!("../stdlib/socketserver.aio"),
        false,
    ),
    ("signal", include_str!("../stdlib/signal.aio"), false),
    ("_thread", include_str!("../stdlib/_thread.aio"), false),
    ("weakref", include_str!("../stdlib/weakref.aio"), false),
    ("pathlib", include_str!("../stdlib/pathlib.aio"), false),
    ("csv", include_str!("../stdlib/csv.aio"), false),
    ("http", include_str!("../stdlib/http/__init__.aio"), true),
    ("_strptime", include_str!("../stdlib/_strptime.aio"), false),
    ("shutil", include_str!("../stdlib/shutil.aio"), false),
    ("tempfile", include_str!("../stdlib/tempfile.aio"), false),
    (
        "urllib",
        include_str!("../stdlib/urllib/__init__.aio"),
        true,
    ),
    (
        "urllib.parse",
        include_str!("../stdlib/urllib/parse.aio"),
        false,
    ),
    ("struct", include_str!("../stdlib/struct.aio"), false),
    ("binascii", include_str!("../stdlib/binascii.aio"), false),
    ("base64", include_str!("../stdlib/base64.aio"), false),
    ("hashlib", include_str!("../stdlib/hashlib.aio"), false),
    ("zlib", include_str!("../stdlib/zlib.aio"), false),
    ("locale", include_str!("../stdlib/locale.aio"), false),
    ("_locale", include_str!("../stdlib/_locale.aio"), false),
    ("termios", include_str!("../stdlib/termios.aio"), false),
    ("tty", include_str!("../stdlib/tty.aio"), false),
    ("pwd", include_str!("../stdlib/pwd.aio"), false),
    ("grp", include_str!("../stdlib/grp.aio"), false),
    ("fcntl", include_str!("../stdlib/fcntl.aio"), false),
    ("resource", include_str!("../stdlib/resource.aio"), false),
    ("getpass", include_str!("../stdlib/getpass.aio"), false),
    ("mimetypes", include_str!("../stdlib/mimetypes.aio"), false),
    (
        "faulthandler",
        include_str!("../stdlib/faulthandler.aio"),
        false,
    ),
    ("quopri", include_str!("../stdlib/quopri.aio"), false),
    ("codeop", include_str!("../stdlib/codeop.aio"), false),
    ("code", include_str!("../stdlib/code.aio"), false),
    ("array", include_str!("../stdlib/array.aio"), false),
    ("select", include_str!("../stdlib/select.aio"), false),
    ("selectors", include_str!("../stdlib/selectors.aio"), false),
    ("_iobase", include_str!("../stdlib/_iobase.aio"), false),
    (
        "_compression",
        include_str!("../stdlib/_compression.aio"),
        false,
    ),
    ("gzip", include_str!("../stdlib/gzip.aio"), false),
    ("hmac", include_str!("../stdlib/hmac.aio"), false),
    ("secrets", include_str!("../stdlib/secrets.aio"), false),
    ("uuid", include_str!("../stdlib/uuid.aio"), false),
    ("timeit", include_str!("../stdlib/timeit.aio"), false),
    ("platform", include_str!("../stdlib/platform.aio"), false),
    ("glob", include_str!("../stdlib/glob.aio"), false),
    (
        "subprocess",
        include_str!("../stdlib/subprocess.aio"),
        false,
    ),
    ("typing", include_str!("../stdlib/typing.aio"), false),
    ("copy", include_str!("../stdlib/copy.aio"), false),
    ("copyreg", include_str!("../stdlib/copyreg.aio"), false),
    (
        "_objreduce",
        include_str!("../stdlib/_objreduce.aio"),
        false,
    ),
    (
        "_compat_pickle",
        include_str!("../stdlib/_compat_pickle.aio"),
        false,
    ),
    ("pickle", include_str!("../stdlib/pickle.aio"), false),
    ("codecs", include_str!("../stdlib/codecs.aio"), false),
    (
        "encodings",
        include_str!("../stdlib/encodings/__init__.aio"),
        true,
    ),
    (
        "encodings.aliases",
        include_str!("../stdlib/encodings/aliases.aio"),
        false,
    ),
    (
        "encodings.utf_8",
        include_str!("../stdlib/encodings/utf_8.aio"),
        false,
    ),
    (
        "encodings.ascii",
        include_str!("../stdlib/encodings/ascii.aio"),
        false,
    ),
    (
        "encodings.latin_1",
        include_str!("../stdlib/encodings/latin_1.aio"),
        false,
    ),
    (
        "encodings.utf_16",
        include_str!("../stdlib/encodings/utf_16.aio"),
        false,
    ),
    (
        "encodings.utf_16_le",
        include_str!("../stdlib/encodings/utf_16_le.aio"),
        false,
    ),
    (
        "encodings.utf_16_be",
        include_str!("../stdlib/encodings/utf_16_be.aio"),
        false,
    ),
    (
        "encodings.utf_32",
        include_str!("../stdlib/encodings/utf_32.aio"),
        false,
    ),
    (
        "encodings.utf_32_le",
        include_str!("../stdlib/encodings/utf_32_le.aio"),
        false,
    ),
    (
        "encodings.utf_32_be",
        include_str!("../stdlib/encodings/utf_32_be.aio"),
        false,
    ),
    (
        "encodings.utf_8_sig",
        include_str!("../stdlib/encodings/utf_8_sig.aio"),
        false,
    ),
    (
        "encodings.charmap",
        include_str!("../stdlib/encodings/charmap.aio"),
        false,
    ),
    (
        "encodings.cp1250",
        include_str!("../stdlib/encodings/cp1250.aio"),
        false,
    ),
    (
        "encodings.cp1251",
        include_str!("../stdlib/encodings/cp1251.aio"),
        false,
    ),
    (
        "encodings.cp1252",
        include_str!("../stdlib/encodings/cp1252.aio"),
        false,
    ),
    (
        "encodings.cp1253",
        include_str!("../stdlib/encodings/cp1253.aio"),
        false,
    ),
    (
        "encodings.cp1254",
        include_str!("../stdlib/encodings/cp1254.aio"),
        false,
    ),
    (
        "encodings.cp1255",
        include_str!("../stdlib/encodings/cp1255.aio"),
        false,
    ),
    (
        "encodings.cp1256",
        include_str!("../stdlib/encodings/cp1256.aio"),
        false,
    ),
    (
        "encodings.cp1257",
        include_str!("../stdlib/encodings/cp1257.aio"),
        false,
    ),
    (
        "encodings.cp437",
        include_str!("../stdlib/encodings/cp437.aio"),
        false,
    ),
    (
        "encodings.cp850",
        include_str!("../stdlib/encodings/cp850.aio"),
        false,
    ),
    (
        "encodings.cp852",
        include_str!("../stdlib/encodings/cp852.aio"),
        false,
    ),
    (
        "encodings.cp866",
        include_str!("../stdlib/encodings/cp866.aio"),
        false,
    ),
    (
        "encodings.iso8859_2",
        include_str!("../stdlib/encodings/iso8859_2.aio"),
        false,
    ),
    (
        "encodings.iso8859_5",
        include_str!("../stdlib/encodings/iso8859_5.aio"),
        false,
    ),
    (
        "encodings.iso8859_7",
        include_str!("../stdlib/encodings/iso8859_7.aio"),
        false,
    ),
    (
        "encodings.iso8859_9",
        include_str!("../stdlib/encodings/iso8859_9.aio"),
        false,
    ),
    (
        "encodings.iso8859_15",
        include_str!("../stdlib/encodings/iso8859_15.aio"),
        false,
    ),
    (
        "encodings.koi8_r",
        include_str!("../stdlib/encodings/koi8_r.aio"),
        false,
    ),
    (
        "encodings.koi8_u",
        include_str!("../stdlib/encodings/koi8_u.aio"),
        false,
    ),
    (
        "encodings.mac_roman",
        include_str!("../stdlib/encodings/mac_roman.aio"),
        false,
    ),
    (
        "encodings.hex_codec",
        include_str!("../stdlib/encodings/hex_codec.aio"),
        false,
    ),
    (
        "encodings.base64_codec",
        include_str!("../stdlib/encodings/base64_codec.aio"),
        false,
    ),
    (
        "encodings.rot_13",
        include_str!("../stdlib/encodings/rot_13.aio"),
        false,
    ),
    (
        "encodings.zlib_codec",
        include_str!("../stdlib/encodings/zlib_codec.aio"),
        false,
    ),
    (
        "encodings.unicode_escape",
        include_str!("../stdlib/encodings/unicode_escape.aio"),
        false,
    ),
    (
        "encodings.raw_unicode_escape",
        include_str!("../stdlib/encodings/raw_unicode_escape.aio"),
        false,
    ),
    ("abc", include_str!("../stdlib/abc.aio"), false),
    ("_ast", include_str!("../stdlib/_ast.aio"), false),
    ("ast", include_str!("../stdlib/ast.aio"), false),
    ("enum", include_str!("../stdlib/enum.aio"), false),
    (
        "dataclasses",
        include_str!("../stdlib/dataclasses.aio"),
        false,
    ),
    (
        "logging",
        include_str!("../stdlib/logging/__init__.aio"),
        true,
    ),
    (
        "logging.handlers",
        include_str!("../stdlib/logging/handlers.aio"),
        false,
    ),
    (
        "logging.config",
        include_str!("../stdlib/logging/config.aio"),
        false,
    ),
    ("warnings", include_str!("../stdlib/warnings.aio"), false),
    ("linecache", include_str!("../stdlib/linecache.aio"), false),
    ("pkgutil", include_str!("../stdlib/pkgutil.aio"), false),
    ("datetime", include_str!("../stdlib/datetime.aio"), false),
    (
        "unittest",
        include_str!("../stdlib/unittest/__init__.aio"),
        true,
    ),
    (
        "unittest._log",
        include_str!("../stdlib/unittest/_log.aio"),
        false,
    ),
    (
        "unittest.async_case",
        include_str!("../stdlib/unittest/async_case.aio"),
        false,
    ),
    (
        "unittest.case",
        include_str!("../stdlib/unittest/case.aio"),
        false,
    ),
    (
        "unittest.loader",
        include_str!("../stdlib/unittest/loader.aio"),
        false,
    ),
    (
        "unittest.main",
        include_str!("../stdlib/unittest/main.aio"),
        false,
    ),
    (
        "unittest.mock",
        include_str!("../stdlib/unittest/mock.aio"),
        false,
    ),
    (
        "unittest.result",
        include_str!("../stdlib/unittest/result.aio"),
        false,
    ),
    (
        "unittest.runner",
        include_str!("../stdlib/unittest/runner.aio"),
        false,
    ),
    (
        "unittest.signals",
        include_str!("../stdlib/unittest/signals.aio"),
        false,
    ),
    (
        "unittest.suite",
        include_str!("../stdlib/unittest/suite.aio"),
        false,
    ),
    (
        "unittest.util",
        include_str!("../stdlib/unittest/util.aio"),
        false,
    ),
    ("json", include_str!("../stdlib/json/__init__.aio"), true),
    ("re", include_str!("../stdlib/re/__init__.aio"), true),
    (
        "re._parser",
        include_str!("../stdlib/re/_parser.aio"),
        false,
    ),
    (
        "re._compiler",
        include_str!("../stdlib/re/_compiler.aio"),
        false,
    ),
    (
        "re._constants",
        include_str!("../stdlib/re/_constants.aio"),
        false,
    ),
    (
        "re._casefix",
        include_str!("../stdlib/re/_casefix.aio"),
        false,
    ),
    ("_sre", include_str!("../stdlib/_sre.aio"), false),
    (
        "json.decoder",
        include_str!("../stdlib/json/decoder.aio"),
        false,
    ),
    (
        "json.encoder",
        include_str!("../stdlib/json/encoder.aio"),
        false,
    ),
    (
        "json.scanner",
        include_str!("../stdlib/json/scanner.aio"),
        false,
    ),
    ("json.tool", include_str!("../stdlib/json/tool.aio"), false),
    (
        "asyncio",
        include_str!("../stdlib/asyncio/__init__.aio"),
        true,
    ),
    (
        "asyncio.exceptions",
        include_str!("../stdlib/asyncio/exceptions.aio"),
        false,
    ),
    (
        "asyncio.coroutines",
        include_str!("../stdlib/asyncio/coroutines.aio"),
        false,
    ),
    (
        "asyncio.events",
        include_str!("../stdlib/asyncio/events.aio"),
        false,
    ),
    (
        "asyncio.base_events",
        include_str!("../stdlib/asyncio/base_events.aio"),
        false,
    ),
    (
        "asyncio.selector_events",
        include_str!("../stdlib/asyncio/selector_events.aio"),
        false,
    ),
    (
        "asyncio.unix_events",
        include_str!("../stdlib/asyncio/unix_events.aio"),
        false,
    ),
    (
        "asyncio.base_subprocess",
        include_str!("../stdlib/asyncio/base_subprocess.aio"),
        false,
    ),
    (
        "asyncio.subprocess",
        include_str!("../stdlib/asyncio/subprocess.aio"),
        false,
    ),
    (
        "asyncio.protocols",
        include_str!("../stdlib/asyncio/protocols.aio"),
        false,
    ),
    (
        "asyncio.transports",
        include_str!("../stdlib/asyncio/transports.aio"),
        false,
    ),
    (
        "asyncio.constants",
        include_str!("../stdlib/asyncio/constants.aio"),
        false,
    ),
    (
        "asyncio.trsock",
        include_str!("../stdlib/asyncio/trsock.aio"),
        false,
    ),
    (
        "asyncio.futures",
        include_str!("../stdlib/asyncio/futures.aio"),
        false,
    ),
    (
        "asyncio.tasks",
        include_str!("../stdlib/asyncio/tasks.aio"),
        false,
    ),
    (
        "asyncio.timeouts",
        include_str!("../stdlib/asyncio/timeouts.aio"),
        false,
    ),
    (
        "asyncio.taskgroups",
        include_str!("../stdlib/asyncio/taskgroups.aio"),
        false,
    ),
    (
        "asyncio.child_watchers",
        include_str!("../stdlib/asyncio/child_watchers.aio"),
        false,
    ),
    (
        "asyncio.runners",
        include_str!("../stdlib/asyncio/runners.aio"),
        false,
    ),
    (
        "asyncio.mixins",
        include_str!("../stdlib/asyncio/mixins.aio"),
        false,
    ),
    (
        "asyncio.locks",
        include_str!("../stdlib/asyncio/locks.aio"),
        false,
    ),
    (
        "asyncio.queues",
        include_str!("../stdlib/asyncio/queues.aio"),
        false,
    ),
    (
        "asyncio.log",
        include_str!("../stdlib/asyncio/log.aio"),
        false,
    ),
    (
        "asyncio.format_helpers",
        include_str!("../stdlib/asyncio/format_helpers.aio"),
        false,
    ),
    (
        "asyncio.base_futures",
        include_str!("../stdlib/asyncio/base_futures.aio"),
        false,
    ),
    (
        "asyncio.staggered",
        include_str!("../stdlib/asyncio/staggered.aio"),
        false,
    ),
    (
        "asyncio.threads",
        include_str!("../stdlib/asyncio/threads.aio"),
        false,
    ),
    (
        "asyncio.streams",
        include_str!("../stdlib/asyncio/streams.aio"),
        false,
    ),
];

/// The embedded source of module `name`, and whether it is a package.
pub fn find(name: &str) -> Option<(&'static str, bool)> {
    MODULES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, src, pkg)| (*src, *pkg))
}

/// The builtins CPython's `site` adds (`site.setcopyright` included), which `_sitebuiltins` binds the first time a
/// program looks one up (`Vm::site_builtin`).
pub const SITE_BUILTINS: &[&str] = &["exit", "quit", "help", "copyright", "credits", "license"];

/// Attributes that an embedded module binds on first use where CPython's module has them
/// from the start, so that `import asyncio` does not compile what most programs never
/// use: (module, attributes, the module that defines them). Each is that module's
/// attribute of the same name, or the module itself when it is `module.attribute`. Done
/// by the VM's module lookup (`Vm::lazy_module_attr`) rather than a module `__getattr__`,
/// which CPython's modules lack: a missing name is then the usual AttributeError, with
/// its suggestion and no extra traceback frame, and `dir()` lists them.
const LAZY_ATTRS: &[(&str, &[&str], &str)] = &[
    (
        "asyncio",
        &[
            "StreamReader",
            "StreamWriter",
            "StreamReaderProtocol",
            "open_connection",
            "start_server",
            "open_unix_connection",
            "start_unix_server",
        ],
        "asyncio.streams",
    ),
    (
        "asyncio",
        &[
            "BaseProtocol",
            "Protocol",
            "BufferedProtocol",
            "DatagramProtocol",
            "SubprocessProtocol",
        ],
        "asyncio.protocols",
    ),
    (
        "asyncio",
        &[
            "BaseTransport",
            "ReadTransport",
            "WriteTransport",
            "Transport",
            "DatagramTransport",
            "SubprocessTransport",
        ],
        "asyncio.transports",
    ),
    ("asyncio", &["Server"], "asyncio.base_events"),
    (
        "asyncio",
        &["create_subprocess_exec", "create_subprocess_shell"],
        "asyncio.subprocess",
    ),
    ("asyncio", &["subprocess"], "asyncio.subprocess"),
    (
        "asyncio",
        &[
            "get_child_watcher",
            "set_child_watcher",
            "AbstractChildWatcher",
            "ThreadedChildWatcher",
            "PidfdChildWatcher",
            "SafeChildWatcher",
            "FastChildWatcher",
            "MultiLoopChildWatcher",
        ],
        "asyncio.child_watchers",
    ),
    ("collections", &["abc"], "collections.abc"),
    ("collections", &["ChainMap"], "collections._chainmap"),
    (
        "collections",
        &["UserDict", "UserList", "UserString"],
        "collections._user",
    ),
];

/// The module that defines lazily bound attribute `attr` of embedded module `module`.
pub fn lazy_attr_source(module: &str, attr: &str) -> Option<&'static str> {
    LAZY_ATTRS
        .iter()
        .find(|(m, names, _)| *m == module && names.contains(&attr))
        .map(|(_, _, source)| *source)
}

/// The lazily bound attributes of embedded module `module` (for `dir()`).
pub fn lazy_attr_names(module: &str) -> impl Iterator<Item = &'static str> + '_ {
    LAZY_ATTRS
        .iter()
        .filter(move |(m, _, _)| *m == module)
        .flat_map(|(_, names, _)| names.iter().copied())
}
