//! The arrows between stages point downstream only: a stage may import an earlier stage (its
//! types flow down the pipeline), never a later one, and a few rooms are walled (they import
//! only leaf utilities, or a short list). This test reads every `src/**/*.rs`, collects each
//! `crate::a::b` and `super::a` path (`use` lines, `pub use`, paths inside functions,
//! multi-line `use crate::{..}` groups; comments and string literals skipped; `super` resolved
//! against the file's module and the inline `mod x { .. }` blocks around it), places it in the
//! layer table, and fails naming `file:line` for every arrow against the flow.
//!
//! [`LAYERS`] is the layer table; `src/lib.rs`'s module doc shows the same table. A row may name
//! a submodule (`validate::checks`): a file, or an imported path, belongs to the longest row it
//! starts with. A new top-level module must be added here, or the test fails naming it.

use std::path::{Path, PathBuf};

/// What a module may import from the rest of the crate.
#[derive(Debug, Clone, Copy)]
enum MayImport {
    /// Any row earlier in [`LAYERS`].
    Earlier,
    /// Only these rows (each also earlier in [`LAYERS`]).
    Only(&'static [&'static str]),
}

use MayImport::{Earlier, Only};

/// The layer table, in dependency order: leaves → validate's statistics, results and check
/// language (a spec is written in it) → spec → contract → check → sandbox → columns → validate
/// (the runner) → report → experiments → (llm, author: side stages pipeline drives) →
/// pipeline → cli.
const LAYERS: &[(&str, MayImport)] = &[
    // Leaf utility: makes hostile text inert; anyone may use it, it uses no one.
    ("untrusted", Only(&[])),
    // Leaf utilities too: hashes and durable writes; the one Python-name check; the column
    // types a spec declares.
    ("fsutil", Only(&[])),
    ("ident", Only(&[])),
    ("dtype", Only(&[])),
    // The pure statistics: no knowledge of specs, Arrow or reports.
    ("validate::stats", Only(&[])),
    // What a check produces.
    ("validate::result", Earlier),
    // The check language: one file per kind (params, rules, summary, evaluation, figure).
    ("validate::checks", Earlier),
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
    // The validation runner: every check of a spec over the data.
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

/// The row a module path belongs to: the longest row it starts with.
fn row_of(path: &[String]) -> Option<usize> {
    LAYERS
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| {
            let row: Vec<&str> = name.split("::").collect();
            row.len() <= path.len() && row.iter().zip(path).all(|(a, b)| a == b)
        })
        .max_by_key(|(_, (name, _))| name.split("::").count())
        .map(|(i, _)| i)
}

/// Why module `from` may not import path `to`, or `None` when the arrow is allowed.
fn verdict(from: &[String], to: &[String]) -> Option<String> {
    let Some(f) = row_of(from) else {
        return Some(format!(
            "`{}` is not in the layer table (tests/it/architecture.rs)",
            from.join("::")
        ));
    };
    let Some(t) = row_of(to) else {
        return Some(format!(
            "`{}` is not in the layer table (tests/it/architecture.rs)",
            to.join("::")
        ));
    };
    let (from_row, to_row) = (LAYERS[f].0, LAYERS[t].0);
    if f == t {
        return None;
    }
    match LAYERS[f].1 {
        Only(list) if !list.contains(&to_row) => Some(format!(
            "`{from_row}` may import only {list:?} from the crate, not `{to_row}`"
        )),
        _ if t > f => Some(format!(
            "`{from_row}` comes before `{to_row}` in the pipeline: the arrow points upstream"
        )),
        _ => None,
    }
}

fn segs(path: &str) -> Vec<String> {
    path.split("::").map(str::to_string).collect()
}

/// The module path of a file under `src/` (`src/validate/checks/mod.rs` →
/// `validate::checks`), or `None` for the crate roots.
fn module_of(rel: &Path) -> Option<Vec<String>> {
    let parts: Vec<&str> = rel
        .components()
        .skip(1)
        .map(|c| c.as_os_str().to_str().unwrap_or(""))
        .collect();
    let (last, dirs) = parts.split_last()?;
    let stem = last.strip_suffix(".rs").unwrap_or(last);
    let mut path: Vec<String> = dirs.iter().map(|s| s.to_string()).collect();
    if stem != "mod" {
        path.push(stem.to_string());
    }
    let root = path.len() == 1 && (path[0] == "lib" || path[0] == "main");
    (!root && !path.is_empty()).then_some(path)
}

/// The source with comments blanked and string and char literals emptied (quotes kept), line
/// structure kept: positions map back to lines, and a brace or a path inside a literal counts
/// for nothing.
fn code_only(source: &str) -> String {
    let c: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank = |ch: char| if ch == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '/' if c.get(i + 1) == Some(&'/') => {
                while i < c.len() && c[i] != '\n' {
                    out.push(' ');
                    i += 1;
                }
            }
            '/' if c.get(i + 1) == Some(&'*') => {
                let mut depth = 0;
                while i < c.len() {
                    if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                        depth += 1;
                        out.push_str("  ");
                        i += 2;
                    } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                        depth -= 1;
                        out.push_str("  ");
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        out.push(blank(c[i]));
                        i += 1;
                    }
                }
            }
            'r' if (c.get(i + 1) == Some(&'"') || c.get(i + 1) == Some(&'#'))
                && starts_token(&c, i) =>
            {
                // Raw string r"..", r#".."#: ends at a quote followed by as many #.
                let mut j = i + 1;
                let mut hashes = 0;
                while c.get(j) == Some(&'#') {
                    hashes += 1;
                    j += 1;
                }
                if c.get(j) != Some(&'"') {
                    out.push(c[i]);
                    i += 1;
                    continue;
                }
                out.push('"');
                j += 1;
                while j < c.len() {
                    if c[j] == '"' && (0..hashes).all(|k| c.get(j + 1 + k) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    out.push(blank(c[j]));
                    j += 1;
                }
                out.push('"');
                i = j;
            }
            '"' => {
                out.push('"');
                i += 1;
                while i < c.len() && c[i] != '"' {
                    if c[i] == '\\' && i + 1 < c.len() {
                        out.push(' ');
                        i += 1;
                    }
                    out.push(blank(c[i]));
                    i += 1;
                }
                out.push('"');
                i += 1;
            }
            '\'' => {
                // A char literal ('x', '\n', '\u{..}'), or a lifetime ('a) left as it is.
                let end = if c.get(i + 1) == Some(&'\\') {
                    (i + 3..c.len()).find(|&j| c[j] == '\'')
                } else if c.get(i + 2) == Some(&'\'') {
                    Some(i + 2)
                } else {
                    None
                };
                match end {
                    Some(e) => {
                        out.push('\'');
                        out.extend((i + 1..e).map(|_| ' '));
                        out.push('\'');
                        i = e + 1;
                    }
                    None => {
                        out.push('\'');
                        i += 1;
                    }
                }
            }
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    out
}

/// Whether the `r` at `i` starts a raw string token: nothing word-like before it but a
/// `b` or `c` prefix (`br#".."#`, `cr".."`).
fn starts_token(c: &[char], i: usize) -> bool {
    let word = |ch: char| ch.is_alphanumeric() || ch == '_';
    match i.checked_sub(1).map(|j| c[j]) {
        None => true,
        Some('b' | 'c') => i < 2 || !word(c[i - 2]),
        Some(ch) => !word(ch),
    }
}

/// Spans (open, close) of inline `mod name { .. }` blocks, with their names.
fn inline_mods(text: &str) -> Vec<(usize, usize, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (at, _) in text.match_indices("mod ") {
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            continue;
        }
        let rest = &text[at + 4..];
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let after = rest.trim_start()[name.len()..].trim_start();
        if name.is_empty() || !after.starts_with('{') {
            continue;
        }
        let open = text.len() - after.len();
        let mut depth = 0usize;
        for (i, ch) in text[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        out.push((open, open + i, name.clone()));
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// `a::b::c` at the start of `s` (stops before `::{`, `::*` or anything else), and the rest.
fn path_at(s: &str) -> (Vec<String>, &str) {
    let mut segs = Vec::new();
    let mut rest = s;
    loop {
        let name = ident(rest);
        if name.is_empty() {
            break;
        }
        rest = &rest[name.len()..];
        segs.push(name);
        match rest.strip_prefix("::") {
            Some(r) if r.starts_with(|c: char| c.is_alphanumeric() || c == '_') => rest = r,
            Some(r) => {
                rest = r;
                break;
            }
            None => break,
        }
    }
    (segs, rest)
}

/// Every crate path a source text names, as (1-based line, absolute module path). `module` is
/// the file's own module path (for `super`).
fn crate_paths_in(source: &str, module: &[String]) -> Vec<(usize, Vec<String>)> {
    let text = code_only(source);
    let mods = inline_mods(&text);
    let line_at = |i: usize| text[..i].matches('\n').count() + 1;
    let mut out = Vec::new();
    let mut starts: Vec<(usize, bool)> = Vec::new(); // (position, is_super)
    for (at, _) in text.match_indices("crate::") {
        starts.push((at, false));
    }
    for (at, _) in text.match_indices("super::") {
        starts.push((at, true));
    }
    starts.sort();
    for (at, is_super) in starts {
        let before = &text[..at];
        if before.ends_with(|c: char| c.is_alphanumeric() || c == '_') || before.ends_with("::") {
            continue; // part of a longer path (`super::super::`, `$crate::`)
        }
        let mut base: Vec<String> = Vec::new();
        let mut rest = &text[at..];
        if is_super {
            base = module.to_vec();
            let enclosing = mods.iter().filter(|(o, c, _)| *o < at && at < *c);
            base.extend(enclosing.map(|(_, _, n)| n.clone()));
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
        } else {
            rest = &rest["crate::".len()..];
        }
        let (head, after) = path_at(rest);
        let mut prefix = base;
        prefix.extend(head);
        if let Some(group) = after.strip_prefix('{') {
            let start = text.len() - group.len();
            let (mut depth, mut item_start) = (0usize, 0usize);
            for (i, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' | ',' if depth == 0 => {
                        let item = &group[item_start..i];
                        let skipped = item.len() - item.trim_start().len();
                        let (segs, _) = path_at(item.trim_start());
                        if !segs.is_empty() && segs != ["self"] {
                            let mut p = prefix.clone();
                            p.extend(segs);
                            out.push((line_at(start + item_start + skipped), p));
                        }
                        if ch == '}' {
                            break;
                        }
                        item_start = i + 1;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
        } else if !prefix.is_empty() {
            out.push((line_at(at), prefix));
        }
    }
    out
}

/// Every arrow against the flow in one file, as `file:line: why`.
fn violations_in(rel: &Path, source: &str) -> Vec<String> {
    let Some(from) = module_of(rel) else {
        return Vec::new();
    };
    crate_paths_in(source, &from)
        .into_iter()
        .filter_map(|(line, to)| {
            verdict(&from, &to)
                .map(|why| format!("{}:{line}: crate::{}: {why}", rel.display(), to.join("::")))
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
    let mut unlisted = std::collections::BTreeSet::new();
    for file in &files {
        let rel = file.strip_prefix(root).unwrap();
        if let Some(m) = module_of(rel) {
            if row_of(&m).is_none() {
                unlisted.insert(m.join("::"));
            }
        }
        bad.extend(violations_in(rel, &std::fs::read_to_string(file).unwrap()));
    }
    assert!(
        bad.is_empty(),
        "{} import(s) against the flow:\n{}",
        bad.len(),
        bad.join("\n")
    );
    assert!(unlisted.is_empty(), "not in the layer table: {unlisted:?}");
}

#[test]
fn an_upstream_import_is_refused_with_its_place() {
    let bad = violations_in(
        Path::new("src/spec/raw.rs"),
        "//! doc naming crate::pipeline is fine\nfn f() {\n    let p = crate::check::Policy::default(); // crate::cli\n    let s = \"crate::cli\";\n}\n",
    );
    assert_eq!(
        bad,
        ["src/spec/raw.rs:3: crate::check::Policy::default: `spec` comes before `check` in the pipeline: the arrow points upstream"]
    );
}

#[test]
fn groups_spanning_lines_are_read_item_by_item() {
    let source =
        "use crate::{\n    spec::Diagnostic,\n    report::{Status, render},\n    self,\n};\n";
    assert_eq!(
        crate_paths_in(source, &segs("columns")),
        [(2, segs("spec::Diagnostic")), (3, segs("report"))]
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
    let v = |from: &str, to: &str| verdict(&segs(from), &segs(to));
    assert!(v("sandbox", "spec").is_some_and(|why| why.contains("may import only")));
    assert!(v("sandbox", "untrusted").is_none());
    assert!(v("cli", "validate").is_some());
    assert!(v("cli", "pipeline").is_none());
    assert!(v("pipeline", "cli").is_some());
    assert!(v("validate", "spec").is_none());
    assert!(v("brand_new", "spec").is_some_and(|why| why.contains("layer table")));
}

#[test]
fn submodule_rows_place_files_and_paths_by_their_longest_row() {
    let v = |from: &str, to: &str| verdict(&segs(from), &segs(to));
    // The check language is upstream of spec; the runner is downstream of it.
    assert!(v("spec::raw", "validate::checks::Requirement").is_none());
    assert!(v("spec::raw", "validate::evaluate::validate")
        .is_some_and(|why| why.contains("`spec` comes before `validate`")));
    // A re-export at validate's root is placed at the runner's row: name the real path.
    assert!(v("spec::raw", "validate::Requirement").is_some());
    // The statistics know nothing of specs, checks or Arrow-reading code.
    assert!(v("validate::stats::ks", "validate::checks::data")
        .is_some_and(|why| why.contains("may import only")));
    assert!(v("validate::stats::ks", "spec").is_some());
    assert!(v("validate::stats::ks", "validate::stats::sort").is_none());
    assert!(v(
        "validate::checks::moments",
        "validate::stats::regression::mean"
    )
    .is_none());
    assert!(v("validate::checks::moments", "contract").is_some());
}

#[test]
fn super_paths_resolve_against_the_file_and_inline_modules() {
    let m = module_of(Path::new("src/validate/checks/moments.rs")).unwrap();
    assert_eq!(m, segs("validate::checks::moments"));
    assert_eq!(
        module_of(Path::new("src/validate/checks/mod.rs")).unwrap(),
        segs("validate::checks")
    );
    // Climbing out of the check language into the runner is an upstream arrow, however spelt.
    for source in [
        "use super::super::evaluate::validate;\n",
        "use super::super::{evaluate::validate, stats};\n",
        "fn f() { super::super::document::add_document_metrics(); }\n",
    ] {
        let bad = violations_in(Path::new("src/validate/checks/moments.rs"), source);
        assert_eq!(bad.len(), 1, "{source}: {bad:?}");
        assert!(bad[0].contains("crate::validate::"), "{bad:?}");
        assert!(bad[0].contains("the arrow points upstream"), "{bad:?}");
    }
    // `use super::*` in an inline test module means the file's own module, not its parent.
    let source = "fn a() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::summary::Values;\n}\n";
    assert_eq!(
        crate_paths_in(source, &m),
        [
            (4, segs("validate::checks::moments")),
            (5, segs("validate::checks::summary::Values"))
        ]
    );
    assert!(violations_in(Path::new("src/validate/checks/moments.rs"), source).is_empty());
    // A brace in a char or string literal does not end an inline module early.
    let source = "mod inner {\n    const C: char = '}';\n    const S: &str = \"}}\";\n    const Q: char = '\\'';\n    const B: &[u8] = br#\"}\"}\"#;\n    use super::super::super::report::render;\n}\n";
    let bad = violations_in(Path::new("src/validate/checks/moments.rs"), source);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(
        bad[0].starts_with("src/validate/checks/moments.rs:6: crate::validate::report"),
        "{bad:?}"
    );
}
