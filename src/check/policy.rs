//! The [`Policy`]: what the trusted contract allows, as the checker needs it.

use crate::contract::Contract;

/// Built from the trusted contract ([`Policy::from`]); tests build their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Name of the generator function, e.g. `generate_data`.
    pub function: String,
    /// Exact parameter names, in order, e.g. `["num_samples", "seed"]`.
    pub inputs: Vec<String>,
    /// Allowed modules; their submodules are allowed too (`numpy` allows `numpy.random`).
    pub allowed_imports: Vec<String>,
    /// Extra forbidden modules (on top of [`crate::check::ALWAYS_FORBIDDEN`]);
    /// an entry also forbids its submodules and, for from-imports, `module.name`.
    pub forbidden_imports: Vec<String>,
    pub no_file_io: bool,
    pub no_printing: bool,
    pub no_plotting: bool,
    pub no_network_calls: bool,
    pub no_global_state: bool,
    pub no_recursion: bool,
    /// RNG must be `numpy.random.default_rng(seed)` from the `seed` parameter.
    pub seeded_rng: bool,
    /// No statistical tests / asserts / logging / saving inside the generator.
    pub no_validation: bool,
}

impl Policy {
    /// Every rule on, `numpy` allowed, inputs `num_samples, seed`.
    pub fn seed_default(function: &str) -> Policy {
        Policy {
            function: function.to_owned(),
            inputs: vec!["num_samples".into(), "seed".into()],
            allowed_imports: vec!["numpy".into()],
            forbidden_imports: Vec::new(),
            no_file_io: true,
            no_printing: true,
            no_plotting: true,
            no_network_calls: true,
            no_global_state: true,
            no_recursion: true,
            seeded_rng: true,
            no_validation: true,
        }
    }
}

impl From<&Contract> for Policy {
    /// What the static code check enforces for this contract.
    fn from(contract: &Contract) -> Policy {
        let c = contract.constraints();
        Policy {
            function: contract.function().to_owned(),
            inputs: vec!["num_samples".into(), "seed".into()],
            allowed_imports: contract.allowed_imports().to_vec(),
            forbidden_imports: contract.forbidden_imports().to_vec(),
            no_file_io: c.no_file_io,
            no_printing: c.no_printing,
            no_plotting: c.no_plotting,
            no_network_calls: c.no_network_calls,
            no_global_state: c.no_global_state,
            no_recursion: c.no_recursion,
            seeded_rng: contract.seeded_rng(),
            // Validation belongs to sdg's validation stage, never to the generator.
            no_validation: true,
        }
    }
}
