//! The arrows between stages point downstream only: a stage may import an earlier stage (its
//! types flow down the pipeline), never a later one, and a few rooms are walled (they import
//! only leaf utilities, or a short list). This test reads every `src/**/*.rs`, collects each
//! `crate::X` path (`use` lines, `pub use`, paths inside functions, multi-line `use crate::{..}`
//! groups; comments skipped), and fails naming `file:line` for every arrow against the flow.
//!
//! [`LAYERS`] is the layer table; `src/lib.rs`'s module doc shows the same table. A new
//! top-level module must be added here, or the test fails naming it.

use std::path::{Path, PathBuf};

/// What a module may import from the rest of the crate.
#[derive(Debug, Clone, Copy)]
enum MayImport {
    /// Any module earlier in [`LAYERS`].
    Earlier,
    /// Only these (each also earlier in [`LAYERS`]).
    Only(&'static [&'static str]),
}

use MayImport::{Earlier, Only};

/// The layer table, in pipeline order: spec → contract → check → sandbox → columns → validate →
/// report → experiments → (llm, author: side stages pipeline drives) → pipeline → cli.
const LAYERS: &[(&str, MayImport)] = &[
    // Leaf utility: makes hostile text inert; anyone may use it, it uses no one.
    ("untrusted", Only(&[])),
    // Leaf utilities too: hashes and durable writes; the one Python-name check.
    ("fsutil", Only(&[])),
    ("ident", Only(&[])),
    // UNTRUSTED spec: YAML within budgets, RawSpec, diagnostics.
    ("spec", Earlier),
    // TRUSTED contract, built only from a spec; holds its own plain types.
    ("contract", Earlier),
    // Static code check: builds its Policy from the contract.
    ("check", Earlier),
    // The walled room: imports nothing else from the crate (leaf utilities excepted).
    ("sandbox", Only(&["untrusted", "fsutil"])),
    // Guest buffers → Arrow (reads the sandbox's output types).
    ("columns", Earlier),
    // Statistical validation; owns the check results it produces.
    ("validate", Earlier),
    // Renders validate's results (JSON, terminal).
    ("report", Earlier),
    // Experiment records, approvals, audit.
    ("experiments", Earlier),
    // Side stages, driven by pipeline: the LLM client is a leaf, the author talks to it only.
    ("llm", Only(&["untrusted", "fsutil"])),
    ("author", Only(&["llm", "untrusted", "fsutil", "ident"])),
    // The one module that knows every stage.
    ("pipeline", Earlier),
    // The CLI talks to pipeline (which re-exports what commands name) and renders reports.
    (
        "cli",
        Only(&["pipeline", "report", "untrusted", "fsutil", "ident"]),
    ),
];

/// Arrows against the flow that are known and named, each with why it is still there. Every
/// entry must go; none may be added without a reason.
const EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "spec",
    "validate",
    "the requirement param types (`validate::requirement`, used by `spec::raw` and \
     `spec::forms`) are the spec's language but still live in validate; they move with the \
     one-file-per-check-kind work (issue 12, part 1), and then this exception must go",
)];

/// Why `from` may not import `to`, or `None` when the arrow is allowed.
fn verdict(from: &str, to: &str) -> Option<String> {
    if from == to || EXCEPTIONS.iter().any(|&(f, t, _)| f == from && t == to) {
        return None;
    }
    let rank = |m: &str| LAYERS.iter().position(|&(name, _)| name == m);
    let Some(from_rank) = rank(from) else {
        return Some(format!(
            "`{from}` is not in the layer table (tests/it/architecture.rs)"
        ));
    };
    let Some(to_rank) = rank(to) else {
        return Some(format!(
            "`{to}` is not in the layer table (tests/it/architecture.rs)"
        ));
    };
    match LAYERS[from_rank].1 {
        Only(list) if !list.contains(&to) => Some(format!(
            "`{from}` may import only {list:?} from the crate, not `{to}`"
        )),
        _ if to_rank > from_rank => Some(format!(
            "`{from}` comes before `{to}` in the pipeline: the arrow points upstream"
        )),
        _ => None,
    }
}

/// The top-level module a file under `src/` belongs to (`src/cli/run.rs` → `cli`), or `None`
/// for the crate roots.
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().nth(1)?.as_os_str().to_str()?;
    let m = first.strip_suffix(".rs").unwrap_or(first);
    (m != "lib" && m != "main").then(|| m.to_string())
}

/// Every `crate::X` a source text names, as (1-based line, X).
fn crate_paths(source: &str) -> Vec<(usize, String)> {
    // Comments out, line structure kept (positions map back to lines).
    let text: String = source
        .lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n");
    let line_at = |i: usize| text[..i].matches('\n').count() + 1;
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::b, c, d::{e, f}}`: the first segment of each top-level item.
            let start = at + "crate::{".len();
            let (mut depth, mut item_start) = (0usize, 0usize);
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        push_item(&mut out, group, item_start, start, &line_at, &ident);
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        push_item(&mut out, group, item_start, start, &line_at, &ident);
                        item_start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.push((line_at(at), name));
            }
        }
    }
    out
}

fn push_item(
    out: &mut Vec<(usize, String)>,
    group: &str,
    from: usize,
    offset: usize,
    line_at: &impl Fn(usize) -> usize,
    ident: &impl Fn(&str) -> String,
) {
    let item = &group[from..];
    let skipped = item.len() - item.trim_start().len();
    let name = ident(item.trim_start());
    if !name.is_empty() && name != "self" {
        out.push((line_at(offset + from + skipped), name));
    }
}

/// Every arrow against the flow in one file, as `file:line: why`.
fn violations_in(rel: &Path, source: &str) -> Vec<String> {
    let Some(from) = module_of(rel) else {
        return Vec::new();
    };
    crate_paths(source)
        .into_iter()
        .filter_map(|(line, to)| {
            verdict(&from, &to).map(|why| format!("{}:{line}: crate::{to}: {why}", rel.display()))
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn imports_point_downstream_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    files.sort();
    assert!(files.len() > 50, "src/ was not found: {files:?}");
    let mut bad = Vec::new();
    let mut modules = std::collections::BTreeSet::new();
    for file in &files {
        let rel = file.strip_prefix(root).unwrap();
        modules.extend(module_of(rel));
        bad.extend(violations_in(rel, &std::fs::read_to_string(file).unwrap()));
    }
    assert!(
        bad.is_empty(),
        "{} import(s) against the flow:\n{}",
        bad.len(),
        bad.join("\n")
    );
    let unlisted: Vec<_> = modules
        .iter()
        .filter(|m| !LAYERS.iter().any(|(name, _)| name == m))
        .collect();
    assert!(unlisted.is_empty(), "not in the layer table: {unlisted:?}");
}

#[test]
fn an_upstream_import_is_refused_with_its_place() {
    let bad = violations_in(
        Path::new("src/spec/raw.rs"),
        "//! doc naming crate::pipeline is fine\nfn f() {\n    let p = crate::check::Policy::default(); // crate::cli\n}\n",
    );
    assert_eq!(
        bad,
        ["src/spec/raw.rs:3: crate::check: `spec` comes before `check` in the pipeline: the arrow points upstream"]
    );
}

#[test]
fn groups_spanning_lines_are_read_item_by_item() {
    let source =
        "use crate::{\n    spec::Diagnostic,\n    report::{Status, render},\n    self,\n};\n";
    assert_eq!(
        crate_paths(source),
        [(2, "spec".to_string()), (3, "report".to_string())]
    );
    let bad = violations_in(Path::new("src/columns/mod.rs"), source);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(
        bad[0].starts_with("src/columns/mod.rs:3: crate::report"),
        "{bad:?}"
    );
}

#[test]
fn walled_rooms_import_only_their_list() {
    assert!(verdict("sandbox", "spec").is_some_and(|why| why.contains("may import only")));
    assert!(verdict("sandbox", "untrusted").is_none());
    assert!(verdict("cli", "validate").is_some());
    assert!(verdict("cli", "pipeline").is_none());
    assert!(verdict("pipeline", "cli").is_some());
    assert!(verdict("validate", "spec").is_none());
    assert!(verdict("brand_new", "spec").is_some_and(|why| why.contains("layer table")));
}
