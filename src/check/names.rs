//! Deny-lists shared by several rules, and qualified-name matching helpers.
//!
//! Qualified names are dotted paths as resolved by [`super::scope`]
//! (`numpy.save`, `open`, `scipy.stats.kstest`). A list entry matches a name
//! equal to it or below it (`numpy.save` matches `numpy.save.__call__`).

/// Modules refused whatever the contract says (they and all their submodules).
///
/// Decision: `logging`, `warnings`, `random`, `time`, `datetime`, `uuid` and
/// `secrets` are *not* here; they are not in a normal contract's allow-list so
/// importing them is already `unlisted-import`, and their *uses* get the more
/// precise rules (`printing`, `validation-in-generator`, `entropy-source`).
pub const ALWAYS_FORBIDDEN: &[&str] = &[
    // process, interpreter, OS
    "os",
    "sys",
    "subprocess",
    "ctypes",
    "cffi",
    "importlib",
    "imp",
    "builtins",
    "__builtin__",
    "shutil",
    "pathlib",
    "io",
    "_io",
    "posix",
    "nt",
    "posixpath",
    "ntpath",
    "pty",
    "tty",
    "termios",
    "fcntl",
    "resource",
    "signal",
    "mmap",
    "gc",
    "inspect",
    "code",
    "codeop",
    "runpy",
    "zipimport",
    "pkgutil",
    "site",
    "sysconfig",
    "faulthandler",
    "tracemalloc",
    "atexit",
    "_thread",
    "threading",
    "multiprocessing",
    "concurrent",
    "asyncio",
    "select",
    "selectors",
    "platform",
    "getpass",
    "pwd",
    "grp",
    // files and persistence
    "tempfile",
    "glob",
    "fnmatch",
    "fileinput",
    "filecmp",
    "linecache",
    "pickle",
    "cPickle",
    "_pickle",
    "copyreg",
    "marshal",
    "shelve",
    "dbm",
    "sqlite3",
    "zipfile",
    "tarfile",
    "gzip",
    "bz2",
    "lzma",
    "csv",
    "h5py",
    "joblib",
    "dill",
    "cloudpickle",
    // network
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
    "email",
    // plotting / display
    "matplotlib",
    "pylab",
    "seaborn",
    "plotly",
    "bokeh",
    "altair",
    "IPython",
    "tkinter",
    "turtle",
];

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
    "pandas.io",
];

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

/// `__x__` (at least one char between the double underscores).
pub(crate) fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}
