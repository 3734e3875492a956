//! NFKC normalisation of every identifier in the AST, exactly as CPython does
//! it (PEP 3131: the tokenizer NFKC-normalises each non-ASCII NAME token), so
//! that `ｅｘｅｃ`, `𝐞𝐯𝐚𝐥` and `__𝚋𝚞𝚒𝚕𝚝𝚒𝚗𝚜__` reach the rules as `exec`,
//! `eval` and `__builtins__`, the names the interpreter binds and looks up.
//!
//! Covers names, attributes, keyword arguments, parameters, def/class names,
//! import paths and aliases, `global`/`nonlocal`, except-as, match-pattern
//! captures and class-pattern attributes, type parameters. String literals are
//! *not* normalised (CPython does not either: `getattr(m, "ｏｓ")` looks up
//! the fullwidth spelling). Every non-ASCII identifier is also recorded, with
//! its position, for `SDG701 non-ascii-identifier`.
//!
//! Unicode version: ICU4X's `icu_normalizer` tables (already in the build
//! through `idna`) vs CPython's `unicodedata` (3.11: Unicode 14; 3.15: 16). NFKC of characters that were
//! already assigned is stable across versions (Unicode's normalization
//! stability policy), so the two agree on every identifier both accept.

use icu_normalizer::ComposingNormalizerBorrowed;
use rustpython_parser::ast::{self, fold::Fold, Identifier};
use rustpython_parser::text_size::{TextRange, TextSize};
use std::convert::Infallible;

/// A non-ASCII identifier as written, and what CPython reads.
#[derive(Debug, Clone)]
pub(crate) struct NonAscii {
    /// Byte span of the identifier as written (best effort: the node's start
    /// when the spelling cannot be located inside the node).
    pub range: TextRange,
    pub written: String,
    pub normalised: String,
}

/// Normalise every identifier of `suite`; returns the new suite and the
/// non-ASCII identifiers found (sorted by position, deduplicated).
pub(crate) fn normalise(source: &str, suite: ast::Suite) -> (ast::Suite, Vec<NonAscii>) {
    let mut n = Nfkc {
        source,
        found: Vec::new(),
    };
    let Ok(suite) = n.fold(suite);
    let mut found = n.found;
    found.sort_by_key(|f| (f.range.start(), f.range.end()));
    found.dedup_by_key(|f| (f.range.start(), f.range.end()));
    (suite, found)
}

struct Nfkc<'s> {
    source: &'s str,
    found: Vec<NonAscii>,
}

impl Nfkc<'_> {
    /// Normalise one identifier that appears inside `node` (searched from the
    /// end when `last` is set, e.g. the attribute name of `a.b`).
    fn id(&mut self, id: Identifier, node: TextRange, last: bool) -> Identifier {
        let written = id.as_str();
        if written.is_ascii() {
            return id;
        }
        let normalised = ComposingNormalizerBorrowed::new_nfkc()
            .normalize(written)
            .into_owned();
        let range = self.locate(node, written, last);
        self.found.push(NonAscii {
            range,
            written: written.to_owned(),
            normalised: normalised.clone(),
        });
        Identifier::new(normalised)
    }

    fn locate(&self, node: TextRange, written: &str, last: bool) -> TextRange {
        let start = usize::from(node.start());
        let text = self
            .source
            .get(start..usize::from(node.end()))
            .unwrap_or("");
        let found = if last {
            text.rfind(written)
        } else {
            text.find(written)
        };
        match found.and_then(|i| {
            let a = u32::try_from(start + i).ok()?;
            let b = u32::try_from(start + i + written.len()).ok()?;
            Some(TextRange::new(TextSize::from(a), TextSize::from(b)))
        }) {
            Some(r) => r,
            None => TextRange::empty(node.start()),
        }
    }

    fn ids(&mut self, ids: Vec<Identifier>, node: TextRange) -> Vec<Identifier> {
        ids.into_iter().map(|i| self.id(i, node, false)).collect()
    }

    fn opt(&mut self, id: Option<Identifier>, node: TextRange, last: bool) -> Option<Identifier> {
        id.map(|i| self.id(i, node, last))
    }
}

type R<T> = Result<T, Infallible>;

impl Fold<TextRange> for Nfkc<'_> {
    type TargetU = TextRange;
    type Error = Infallible;
    type UserContext = ();

    fn will_map_user(&mut self, _user: &TextRange) {}

    fn map_user(&mut self, user: TextRange, _context: ()) -> R<TextRange> {
        Ok(user)
    }

    fn fold_expr_name(&mut self, node: ast::ExprName) -> R<ast::ExprName> {
        let mut node = ast::fold::fold_expr_name(self, node)?;
        node.id = self.id(node.id, node.range, false);
        Ok(node)
    }

    fn fold_expr_attribute(&mut self, node: ast::ExprAttribute) -> R<ast::ExprAttribute> {
        let mut node = ast::fold::fold_expr_attribute(self, node)?;
        node.attr = self.id(node.attr, node.range, true);
        Ok(node)
    }

    fn fold_arg(&mut self, node: ast::Arg) -> R<ast::Arg> {
        let mut node = ast::fold::fold_arg(self, node)?;
        node.arg = self.id(node.arg, node.range, false);
        Ok(node)
    }

    fn fold_keyword(&mut self, node: ast::Keyword) -> R<ast::Keyword> {
        let mut node = ast::fold::fold_keyword(self, node)?;
        node.arg = self.opt(node.arg, node.range, false);
        Ok(node)
    }

    fn fold_alias(&mut self, node: ast::Alias) -> R<ast::Alias> {
        let mut node = ast::fold::fold_alias(self, node)?;
        // Dotted names (`import a.b`) are one identifier: normalise the parts.
        node.name = self.dotted(node.name, node.range);
        node.asname = self.opt(node.asname, node.range, true);
        Ok(node)
    }

    fn fold_stmt_import_from(&mut self, node: ast::StmtImportFrom) -> R<ast::StmtImportFrom> {
        let mut node = ast::fold::fold_stmt_import_from(self, node)?;
        let range = node.range;
        node.module = node.module.map(|m| self.dotted(m, range));
        Ok(node)
    }

    fn fold_stmt_function_def(&mut self, node: ast::StmtFunctionDef) -> R<ast::StmtFunctionDef> {
        let mut node = ast::fold::fold_stmt_function_def(self, node)?;
        node.name = self.id(node.name, node.range, false);
        Ok(node)
    }

    fn fold_stmt_async_function_def(
        &mut self,
        node: ast::StmtAsyncFunctionDef,
    ) -> R<ast::StmtAsyncFunctionDef> {
        let mut node = ast::fold::fold_stmt_async_function_def(self, node)?;
        node.name = self.id(node.name, node.range, false);
        Ok(node)
    }

    fn fold_stmt_class_def(&mut self, node: ast::StmtClassDef) -> R<ast::StmtClassDef> {
        let mut node = ast::fold::fold_stmt_class_def(self, node)?;
        node.name = self.id(node.name, node.range, false);
        Ok(node)
    }

    fn fold_stmt_global(&mut self, node: ast::StmtGlobal) -> R<ast::StmtGlobal> {
        let mut node = ast::fold::fold_stmt_global(self, node)?;
        node.names = self.ids(node.names, node.range);
        Ok(node)
    }

    fn fold_stmt_nonlocal(&mut self, node: ast::StmtNonlocal) -> R<ast::StmtNonlocal> {
        let mut node = ast::fold::fold_stmt_nonlocal(self, node)?;
        node.names = self.ids(node.names, node.range);
        Ok(node)
    }

    fn fold_excepthandler_except_handler(
        &mut self,
        node: ast::ExceptHandlerExceptHandler,
    ) -> R<ast::ExceptHandlerExceptHandler> {
        let mut node = ast::fold::fold_excepthandler_except_handler(self, node)?;
        node.name = self.opt(node.name, node.range, false);
        Ok(node)
    }

    fn fold_pattern_match_as(&mut self, node: ast::PatternMatchAs) -> R<ast::PatternMatchAs> {
        let mut node = ast::fold::fold_pattern_match_as(self, node)?;
        node.name = self.opt(node.name, node.range, true);
        Ok(node)
    }

    fn fold_pattern_match_star(&mut self, node: ast::PatternMatchStar) -> R<ast::PatternMatchStar> {
        let mut node = ast::fold::fold_pattern_match_star(self, node)?;
        node.name = self.opt(node.name, node.range, false);
        Ok(node)
    }

    fn fold_pattern_match_mapping(
        &mut self,
        node: ast::PatternMatchMapping,
    ) -> R<ast::PatternMatchMapping> {
        let mut node = ast::fold::fold_pattern_match_mapping(self, node)?;
        node.rest = self.opt(node.rest, node.range, true);
        Ok(node)
    }

    fn fold_pattern_match_class(
        &mut self,
        node: ast::PatternMatchClass,
    ) -> R<ast::PatternMatchClass> {
        let mut node = ast::fold::fold_pattern_match_class(self, node)?;
        node.kwd_attrs = self.ids(node.kwd_attrs, node.range);
        Ok(node)
    }

    fn fold_type_param_type_var(
        &mut self,
        node: ast::TypeParamTypeVar,
    ) -> R<ast::TypeParamTypeVar> {
        let mut node = ast::fold::fold_type_param_type_var(self, node)?;
        node.name = self.id(node.name, node.range, false);
        Ok(node)
    }

    fn fold_type_param_param_spec(
        &mut self,
        node: ast::TypeParamParamSpec,
    ) -> R<ast::TypeParamParamSpec> {
        let mut node = ast::fold::fold_type_param_param_spec(self, node)?;
        node.name = self.id(node.name, node.range, false);
        Ok(node)
    }

    fn fold_type_param_type_var_tuple(
        &mut self,
        node: ast::TypeParamTypeVarTuple,
    ) -> R<ast::TypeParamTypeVarTuple> {
        let mut node = ast::fold::fold_type_param_type_var_tuple(self, node)?;
        node.name = self.id(node.name, node.range, false);
        Ok(node)
    }
}

impl Nfkc<'_> {
    /// Normalise each part of a dotted module path (`ｏｓ.path`).
    fn dotted(&mut self, id: Identifier, node: TextRange) -> Identifier {
        if id.as_str().is_ascii() {
            return id;
        }
        let parts: Vec<String> = id
            .as_str()
            .split('.')
            .map(|p| self.id(Identifier::new(p), node, false).as_str().to_owned())
            .collect();
        Identifier::new(parts.join("."))
    }
}
