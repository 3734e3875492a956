//! `behavioral_rules` written as named flags (the design document's shape:
//! `must_generate_data_only: true`): which flags sdg knows, and which code-check rules each turns
//! on.
//!
//! A known flag set to `true` turns its rules on whatever `execution_constraints` says (the
//! stricter statement wins). A flag set to `false` turns nothing off: sdg's own defaults stay.
//! An unknown flag is kept: it is shown to the reviewer (`sdg review`) and, with the spec, to
//! the code's author, but nothing enforces it. `must_not_perform_validation`'s rule is always on
//! (validation is sdg's job, never the generator's), so that flag only makes it explicit.

/// A code-check rule a flag can turn on (the names of `execution_constraints` and the check's
/// policy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    NoFileIo,
    NoNetworkCalls,
    NoPrinting,
    NoPlotting,
    NoGlobalState,
    NoRecursion,
    /// No statistical tests, asserts or validation calls in the generator (always on).
    NoValidation,
    /// The RNG is `numpy.random.default_rng(seed)`.
    SeededRng,
}

impl Rule {
    /// The `execution_constraints` key (or rule name) it stands for.
    pub fn name(self) -> &'static str {
        match self {
            Rule::NoFileIo => "no_file_io",
            Rule::NoNetworkCalls => "no_network_calls",
            Rule::NoPrinting => "no_printing",
            Rule::NoPlotting => "no_plotting",
            Rule::NoGlobalState => "no_global_state",
            Rule::NoRecursion => "no_recursion",
            Rule::NoValidation => "no_validation",
            Rule::SeededRng => "seeded_rng",
        }
    }
}

/// Every flag sdg knows, with the rules it turns on.
pub const KNOWN: &[(&str, &[Rule])] = &[
    (
        "must_generate_data_only",
        &[
            Rule::NoFileIo,
            Rule::NoNetworkCalls,
            Rule::NoPrinting,
            Rule::NoPlotting,
            Rule::NoValidation,
        ],
    ),
    ("must_not_perform_validation", &[Rule::NoValidation]),
    (
        "must_not_log_or_save_results",
        &[Rule::NoFileIo, Rule::NoPrinting],
    ),
    ("must_not_print", &[Rule::NoPrinting]),
    ("must_not_plot", &[Rule::NoPlotting]),
    ("must_not_access_files", &[Rule::NoFileIo]),
    ("must_not_access_network", &[Rule::NoNetworkCalls]),
    ("must_not_use_global_state", &[Rule::NoGlobalState]),
    ("must_not_recurse", &[Rule::NoRecursion]),
    ("must_be_deterministic", &[Rule::SeededRng]),
];

/// The rules a known flag turns on; `None` for a flag sdg does not know.
pub fn rules(flag: &str) -> Option<&'static [Rule]> {
    KNOWN.iter().find(|(n, _)| *n == flag).map(|(_, r)| *r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_design_documents_flags_are_known() {
        for f in [
            "must_generate_data_only",
            "must_not_perform_validation",
            "must_not_log_or_save_results",
        ] {
            assert!(rules(f).is_some_and(|r| !r.is_empty()), "{f}");
        }
        assert_eq!(rules("must_be_polite"), None);
        assert!(rules("must_not_perform_validation")
            .unwrap()
            .contains(&Rule::NoValidation));
    }
}
