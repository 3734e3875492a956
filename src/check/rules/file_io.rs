//! `SDG301 file-io`: reading or writing files.
//!
//! Why: the generator returns data; the host owns persistence. Matched by
//! qualified name through any alias (`np.save`, `n.save`, `s = np.save`,
//! `from numpy import save as s`, `getattr(np, "save")`) and by method name
//! on *any* object (`arr.tofile`, `df.to_csv`, `x.dump`, `m.save`): we cannot know the
//! receiver's type, and these names have no pure use worth the risk
//! (documented false-positive policy: `df.to_json()` returning a string is
//! refused too), and any `read_*` (pandas' readers). `open` is refused
//! whatever `no_file_io` says.
//!
//! ```python
//! np.save("x.npy", x)     # SDG301
//! df.to_csv("out.csv")    # SDG301
//! ```

use super::super::context::{Context, Ref};
use super::super::rule::Rule;
use super::super::violation::Violation;

const QUALS: &[&str] = &[
    "open",
    "numpy.load",
    "numpy.save",
    "numpy.savez",
    "numpy.savez_compressed",
    "numpy.savetxt",
    "numpy.loadtxt",
    "numpy.genfromtxt",
    "numpy.fromfile",
    "numpy.fromregex",
    "numpy.memmap",
    "numpy.DataSource",
    "numpy.recfromcsv",
    "numpy.recfromtxt",
    "numpy.lib.format",
    "numpy.lib.npyio",
    "pandas.to_pickle",
    "pandas.HDFStore",
    "pandas.ExcelWriter",
    "pandas.ExcelFile",
    "pandas.io",
    "scipy.io",
    "json.dump",
    "json.load",
    "pickle",
    "os",
    "shutil",
    "pathlib",
    "io",
    "tempfile",
    "glob",
];

const METHODS: &[&str] = &[
    // numpy's file functions as methods of anything: catches modules passed
    // through parameters or containers (`def g(m): m.save(...)`; `d["np"].save`).
    "save",
    "savez",
    "savez_compressed",
    "savetxt",
    "load",
    "loadtxt",
    "genfromtxt",
    "fromfile",
    "memmap",
    "tofile",
    "dump",
    "to_csv",
    "to_parquet",
    "to_pickle",
    "to_excel",
    "to_json",
    "to_hdf",
    "to_feather",
    "to_sql",
    "to_stata",
    "to_orc",
    "to_clipboard",
    "to_xml",
    "to_html",
    "to_latex",
    "to_markdown",
    "savefig",
    "write_text",
    "write_bytes",
    "read_text",
    "read_bytes",
    "fromregex",
    "fromtextfile",
    "recfromtxt",
    "recfromcsv",
    "open_memmap",
    "DataSource",
    "save_npz",
    "load_npz",
    "loadmat",
    "savemat",
    "whosmat",
    "mmread",
    "mmwrite",
    "HDFStore",
    "ExcelWriter",
    "ExcelFile",
];

/// Why `r` is file I/O, if it is (`all`: whole list, else only `open`).
pub(crate) fn file_io_reason(r: &Ref<'_>, all: bool) -> Option<String> {
    if !all {
        return super::ref_exact(r, &["open"]).map(|q| format!("`{q}` opens a file"));
    }
    if r.import {
        return None; // imports are judged by the import rules
    }
    if let Some(q) = super::ref_under(r, QUALS) {
        return Some(format!("`{q}` reads or writes files"));
    }
    if let Some(q) = r.quals.iter().find(|q| q.starts_with("pandas.read_")) {
        return Some(format!("`{q}` reads files"));
    }
    if let Some(a) = super::chain_attr(r, METHODS) {
        return Some(format!("`.{a}(...)` writes or reads files"));
    }
    // pandas' readers (`read_csv`, `read_pickle`, `read_parquet`, ...) on any receiver.
    super::chain_attr_where(r, |a| a.starts_with("read_"))
        .map(|a| format!("`.{a}(...)` reads files"))
}

pub(crate) fn run(cx: &Context<'_>, out: &mut Vec<Violation>) {
    for r in &cx.refs {
        if let Some(msg) = file_io_reason(r, cx.policy.no_file_io) {
            out.push(cx.violation(
                Rule::FileIo,
                r.range,
                msg,
                "return the data from the generator; the host saves it",
            ));
        }
    }
}
