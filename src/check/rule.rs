//! The [`Rule`] catalogue: stable ids (`SDG101`) and kebab names.
//!
//! Ids are grouped: 1xx imports, 2xx module shape, 3xx side effects,
//! 4xx sandbox escape hatches (always on), 5xx randomness, 6xx behaviour,
//! 7xx source text (what the reviewer reads is what the interpreter runs; always on).
//! Never renumber a rule: ids are part of the CLI's output contract.

use serde::{Serialize, Serializer};

/// A named check. Serializes as its id (`"SDG101"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    ForbiddenImport,
    UnlistedImport,
    StarImport,
    RelativeImport,
    DynamicImport,
    MissingFunction,
    WrongSignature,
    TopLevelStatement,
    ClassDefinition,
    FileIo,
    Printing,
    Plotting,
    NetworkCall,
    GlobalState,
    Recursion,
    DynamicCode,
    Reflection,
    DunderAccess,
    InteractiveBuiltin,
    PrivateAttribute,
    ForbiddenAttribute,
    IntrospectionAttribute,
    UnseededRng,
    LegacyGlobalRng,
    EntropySource,
    ValidationInGenerator,
    HugeConstant,
    NonAsciiIdentifier,
    ByteOrderMark,
    BidiControl,
    InvisibleCharacter,
    ControlCharacter,
    AmbiguousLineBreak,
    CodingCookie,
}

impl Rule {
    /// Every rule, in id order.
    pub const ALL: &'static [Rule] = &[
        Rule::ForbiddenImport,
        Rule::UnlistedImport,
        Rule::StarImport,
        Rule::RelativeImport,
        Rule::DynamicImport,
        Rule::MissingFunction,
        Rule::WrongSignature,
        Rule::TopLevelStatement,
        Rule::ClassDefinition,
        Rule::FileIo,
        Rule::Printing,
        Rule::Plotting,
        Rule::NetworkCall,
        Rule::GlobalState,
        Rule::Recursion,
        Rule::DynamicCode,
        Rule::Reflection,
        Rule::DunderAccess,
        Rule::InteractiveBuiltin,
        Rule::PrivateAttribute,
        Rule::ForbiddenAttribute,
        Rule::IntrospectionAttribute,
        Rule::UnseededRng,
        Rule::LegacyGlobalRng,
        Rule::EntropySource,
        Rule::ValidationInGenerator,
        Rule::HugeConstant,
        Rule::NonAsciiIdentifier,
        Rule::ByteOrderMark,
        Rule::BidiControl,
        Rule::InvisibleCharacter,
        Rule::ControlCharacter,
        Rule::AmbiguousLineBreak,
        Rule::CodingCookie,
    ];

    /// Stable id, e.g. `"SDG101"`.
    pub fn id(self) -> &'static str {
        self.meta().0
    }

    /// Kebab-case name, e.g. `"forbidden-import"`.
    pub fn name(self) -> &'static str {
        self.meta().1
    }

    /// Look a rule up by id or name.
    pub fn from_code(code: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.id() == code || r.name() == code)
    }

    fn meta(self) -> (&'static str, &'static str) {
        match self {
            Rule::ForbiddenImport => ("SDG101", "forbidden-import"),
            Rule::UnlistedImport => ("SDG102", "unlisted-import"),
            Rule::StarImport => ("SDG103", "star-import"),
            Rule::RelativeImport => ("SDG104", "relative-import"),
            Rule::DynamicImport => ("SDG105", "dynamic-import"),
            Rule::MissingFunction => ("SDG201", "missing-function"),
            Rule::WrongSignature => ("SDG202", "wrong-signature"),
            Rule::TopLevelStatement => ("SDG203", "top-level-statement"),
            Rule::ClassDefinition => ("SDG204", "class-definition"),
            Rule::FileIo => ("SDG301", "file-io"),
            Rule::Printing => ("SDG302", "printing"),
            Rule::Plotting => ("SDG303", "plotting"),
            Rule::NetworkCall => ("SDG304", "network-call"),
            Rule::GlobalState => ("SDG305", "global-state"),
            Rule::Recursion => ("SDG306", "recursion"),
            Rule::DynamicCode => ("SDG401", "dynamic-code"),
            Rule::Reflection => ("SDG402", "reflection"),
            Rule::DunderAccess => ("SDG403", "dunder-access"),
            Rule::InteractiveBuiltin => ("SDG404", "interactive-builtin"),
            Rule::PrivateAttribute => ("SDG405", "private-attribute"),
            Rule::ForbiddenAttribute => ("SDG406", "forbidden-attribute"),
            Rule::IntrospectionAttribute => ("SDG407", "introspection-attribute"),
            Rule::UnseededRng => ("SDG501", "unseeded-rng"),
            Rule::LegacyGlobalRng => ("SDG502", "legacy-global-rng"),
            Rule::EntropySource => ("SDG503", "entropy-source"),
            Rule::ValidationInGenerator => ("SDG601", "validation-in-generator"),
            Rule::HugeConstant => ("SDG602", "huge-constant"),
            Rule::NonAsciiIdentifier => ("SDG701", "non-ascii-identifier"),
            Rule::ByteOrderMark => ("SDG702", "byte-order-mark"),
            Rule::BidiControl => ("SDG703", "bidi-control"),
            Rule::InvisibleCharacter => ("SDG704", "invisible-character"),
            Rule::ControlCharacter => ("SDG705", "control-character"),
            Rule::AmbiguousLineBreak => ("SDG706", "ambiguous-line-break"),
            Rule::CodingCookie => ("SDG707", "coding-cookie"),
        }
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.id(), self.name())
    }
}
