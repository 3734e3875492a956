//! Deny-lists shared by several rules, and qualified-name matching helpers.
//!
//! Qualified names are dotted paths as resolved by [`super::scope`]
//! (`numpy.save`, `open`, `scipy.stats.kstest`). A list entry matches a name
//! equal to it or below it (`numpy.save` matches `numpy.save.__call__`).

/// Modules refused whatever the contract says: the contract's own list (a spec may never allow
/// them), which the rules enforce on the code.
pub use crate::contract::ALWAYS_FORBIDDEN;

/// Submodules of commonly allowed packages that are refused all the same
/// (native code loading, compilers, file formats).
pub const FORBIDDEN_SUBMODULES: &[&str] = &[
    "numpy.ctypeslib",
    "numpy.f2py",
    "numpy.distutils",
    "numpy.lib.format",
    "numpy.lib.npyio",
    "numpy.lib.utils",
    "numpy.testing",
    "numpy.compat",
    "numpy.conftest",
    "numpy.doc",
    "numpy.tests",
    "pandas.io",
    "pandas.testing",
    "scipy.io",
    "scipy.datasets",
    "scipy.misc",
    "scipy.LowLevelCallable",
];

/// Builtins that run, import or reach code, files, the terminal or the
/// interpreter. Refused as an attribute name on *any* object (`SDG406`):
/// a builtins module or dict reached through a library (`m.exec`,
/// `helper().eval`) is then as dead as the bare name.
pub const FORBIDDEN_BUILTINS: &[&str] = &[
    "exec",
    "eval",
    "compile",
    "open",
    "print",
    "input",
    "breakpoint",
    "globals",
    "locals",
    "vars",
    "dir",
    "getattr",
    "setattr",
    "delattr",
    "exit",
    "quit",
    "help",
    "copyright",
    "credits",
    "license",
];

/// Reflective accessors and code-object constructors: refused as attribute
/// names on any object (`SDG406`), e.g. `np.ma.core.operator.attrgetter`.
pub const REFLECTIVE_ATTRS: &[&str] = &[
    "attrgetter",
    "methodcaller",
    "vformat",
    "CodeType",
    "FunctionType",
    "LambdaType",
    "runctx",
    "runeval",
    "runcall",
    "run_path",
    "run_module",
    "run_docstring_examples",
    "pipepager",
    "tempfilepager",
];

/// Serialisation entry points that execute code on load (pickle, marshal,
/// `numpy.ma.loads`, ...): refused as attribute names on any object (`SDG406`).
pub const PICKLE_ATTRS: &[&str] = &["loads", "dumps", "read_pickle"];

/// Last components of [`FORBIDDEN_SUBMODULES`] that are refused as attribute
/// names on any object (`m.testing`, `m.ctypeslib`, ...), whatever the receiver.
pub const FORBIDDEN_SUBMODULE_ATTRS: &[&str] = &[
    "testing",
    "ctypeslib",
    "f2py",
    "distutils",
    "npyio",
    "datasets",
    "LowLevelCallable",
];

/// Public API of allowed packages whose *name* collides with a forbidden
/// module (`select`, `signal`): allowed when the attribute (or from-import)
/// resolves to exactly this qualified name and nothing else.
pub const PUBLIC_API_EXCEPTIONS: &[&str] = &["numpy.select", "scipy.signal"];

/// Frame, code, traceback, generator/coroutine and closure-cell attributes:
/// the road from any function or generator to `f_globals` / `f_builtins`.
pub const INTROSPECTION_ATTRS: &[&str] = &[
    "f_back",
    "f_builtins",
    "f_code",
    "f_generator",
    "f_globals",
    "f_lasti",
    "f_lineno",
    "f_locals",
    "f_trace",
    "f_trace_lines",
    "f_trace_opcodes",
    "cell_contents",
    "func_closure",
    "func_code",
    "func_globals",
    "im_class",
    "im_func",
    "im_self",
    "mro",
];

/// Prefixes of generator (`gi_`), coroutine (`cr_`), async generator
/// (`ag_`), traceback (`tb_`) and code object (`co_`) attributes.
pub const INTROSPECTION_PREFIXES: &[&str] = &["gi_", "cr_", "ag_", "tb_", "co_"];

/// Network-capable modules, whose *use* is a `network-call`.
pub const NETWORK: &[&str] = &[
    "socket",
    "ssl",
    "requests",
    "urllib",
    "urllib3",
    "http",
    "httpx",
    "aiohttp",
    "ftplib",
    "smtplib",
    "poplib",
    "imaplib",
    "telnetlib",
    "xmlrpc",
    "socketserver",
    "webbrowser",
    "websocket",
    "websockets",
    "asyncio.open_connection",
    "pandas.read_html",
];

/// Does `qual` equal `entry` or sit below it (`entry.`…)?
pub(crate) fn under(qual: &str, entry: &str) -> bool {
    qual == entry
        || (qual.len() > entry.len()
            && qual.starts_with(entry)
            && qual.as_bytes().get(entry.len()) == Some(&b'.'))
}

/// First entry of `list` that `qual` is under.
pub(crate) fn first_under<'l, S: AsRef<str>>(qual: &str, list: &'l [S]) -> Option<&'l str> {
    list.iter().map(AsRef::as_ref).find(|e| under(qual, e))
}

/// `_x`, `_`, `__x` (but not a dunder `__x__`).
pub(crate) fn is_private(name: &str) -> bool {
    name.starts_with('_') && !is_dunder(name)
}

/// Frame/code/traceback/generator introspection attribute?
pub(crate) fn is_introspection(name: &str) -> bool {
    INTROSPECTION_ATTRS.contains(&name)
        || INTROSPECTION_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// `__x__` (at least one char between the double underscores).
pub(crate) fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}
