//! The spec validator on a corpus of malformed specs: each is refused with the right code and YAML
//! path (asserted here), and its rendered diagnostics are snapshot-tested (`tests/it/snapshots/`).
//! The published JSON Schema, checked by an independent validator (the `jsonschema` crate), accepts
//! every example in `specs/` and rejects the malformed specs whose problem is one of shape.

use std::path::Path;

use crate::support::repo;

use sdg::contract::{Contract, ContractError};

fn seed() -> String {
    std::fs::read_to_string(repo("specs/seed_linear.yaml")).unwrap()
}

/// The seed with one substitution that must match exactly once.
fn edit(from: &str, to: &str) -> String {
    let s = seed();
    assert_eq!(
        s.matches(from).count(),
        1,
        "`{from}` must occur once in the seed"
    );
    s.replacen(from, to, 1)
}

/// `specs/relationship_generation.json`: the design document's contract and validation blocks as
/// written there (document shape, JSON).
fn doc() -> String {
    std::fs::read_to_string(repo("specs/relationship_generation.json")).unwrap()
}

/// The document-shape JSON spec with one substitution that must match exactly once.
fn edit_doc(from: &str, to: &str) -> String {
    let s = doc();
    assert_eq!(
        s.matches(from).count(),
        1,
        "`{from}` must occur once in relationship_generation.json"
    );
    s.replacen(from, to, 1)
}

/// `specs/wait_times.yaml` (document shape, YAML) with one substitution that must match once.
fn edit_doc_yaml(from: &str, to: &str) -> String {
    let s = std::fs::read_to_string(repo("specs/wait_times.yaml")).unwrap();
    assert_eq!(
        s.matches(from).count(),
        1,
        "`{from}` must occur once in wait_times.yaml"
    );
    s.replacen(from, to, 1)
}

/// `specs/customer_table.yaml` (a category, a datetime64 and a `categorical_frequency`) with one
/// substitution that must match exactly once.
fn edit_customers(from: &str, to: &str) -> String {
    let s = std::fs::read_to_string(repo("specs/customer_table.yaml")).unwrap();
    assert_eq!(
        s.matches(from).count(),
        1,
        "`{from}` must occur once in customer_table.yaml"
    );
    s.replacen(from, to, 1)
}

/// Codes that are shape problems (the JSON Schema alone must refuse them).
const SHAPE: &[&str] = &[
    "unknown-key",
    "missing-key",
    "type",
    "enum",
    "range",
    "length",
    "pattern",
    "shape",
];

struct Case {
    name: &'static str,
    /// The file name the text is read as (`.json` is strict JSON).
    file: &'static str,
    text: String,
    /// (code, path) pairs that must all be reported.
    want: Vec<(&'static str, &'static str)>,
}

fn case(name: &'static str, text: String, want: &[(&'static str, &'static str)]) -> Case {
    Case {
        name,
        file: "bad.yaml",
        text,
        want: want.to_vec(),
    }
}

/// A case read from a `.json` file.
fn json_case(name: &'static str, text: String, want: &[(&'static str, &'static str)]) -> Case {
    Case {
        file: "bad.json",
        ..case(name, text, want)
    }
}

fn cases() -> Vec<Case> {
    let cc = "code_contract";
    let _ = cc;
    vec![
        case("unknown_top_key", edit("intent:", "intnet:"), &[("unknown-key", "intnet")]),
        case("language_typo", edit("language: python", "language: pyhton"), &[("pattern", "code_contract.language")]),
        case("language_key_typo", edit("  language: python", "  langauge: python"), &[("unknown-key", "code_contract.langauge"), ("missing-key", "code_contract")]),
        case("no_code_contract", "name: x\nversion: 1\n".into(), &[("missing-key", "")]),
        case("function_name_missing", edit("    name: generate_data\n", ""), &[("missing-key", "code_contract.function")]),
        case("function_name_not_identifier", edit("name: generate_data", "name: generate-data"), &[("pattern", "code_contract.function.name")]),
        case("seed_input_missing", edit("      seed:\n        type: int\n", ""), &[("missing-key", "code_contract.function.inputs")]),
        case("extra_input", edit("      seed:\n        type: int\n", "      seed:\n        type: int\n      temperature:\n        type: float\n"), &[("unknown-key", "code_contract.function.inputs.temperature")]),
        case("rows_type_float", edit("        type: int\n        min: 1", "        type: float\n        min: 1"), &[("enum", "code_contract.function.inputs.num_samples.type")]),
        case("rows_min_negative", edit("min: 1\n", "min: -1\n"), &[("range", "code_contract.function.inputs.num_samples.min")]),
        case("rows_max_word", edit("max: 10000000", "max: ten"), &[("type", "code_contract.function.inputs.num_samples.max")]),
        case("rows_max_fraction", edit("max: 10000000", "max: 1.5"), &[("type", "code_contract.function.inputs.num_samples.max")]),
        case("rows_max_beyond_u64", edit("max: 10000000", "max: 100000000000000000000000"), &[("range", "code_contract.function.inputs.num_samples.max")]),
        case("rows_default_null", edit("default: 100000\n", "default: ~\n"), &[]),
        case("no_outputs", edit("    outputs:\n      x:", "    outputs: {}\n    outputz:\n      x:"), &[("length", "code_contract.function.outputs"), ("unknown-key", "code_contract.function.outputz")]),
        case("dtype_unknown", edit("      x:\n        type: array\n        dtype: float64", "      x:\n        type: array\n        dtype: float32"), &[("enum", "code_contract.function.outputs.x.dtype")]),
        case("nullable_word", edit("      x:\n        type: array\n", "      x:\n        nullable: maybe\n        type: array\n"), &[("type", "code_contract.function.outputs.x.nullable")]),
        case("length_other", edit("      y:\n        type: array\n        dtype: float64\n        length: num_samples", "      y:\n        type: array\n        dtype: float64\n        length: rows"), &[("enum", "code_contract.function.outputs.y.length")]),
        case("output_type_list", edit("      y:\n        type: array", "      y:\n        type: list"), &[("enum", "code_contract.function.outputs.y.type")]),
        case("output_not_mapping", edit("      y:\n        type: array\n        dtype: float64\n        length: num_samples\n", "      y: float64\n"), &[("type", "code_contract.function.outputs.y")]),
        case("imports_not_list", edit("allowed_imports: [numpy]", "allowed_imports: numpy"), &[("type", "code_contract.environment.allowed_imports")]),
        case("import_name_injection", edit("allowed_imports: [numpy]", "allowed_imports: [\"numpy; import os\"]"), &[("pattern", "code_contract.environment.allowed_imports[0]")]),
        case("rng_pattern_legacy", edit("rng_pattern: \"numpy.random.default_rng(seed)\"", "rng_pattern: \"np.random.seed(seed)\""), &[("enum", "code_contract.randomness.rng_pattern")]),
        case("rng_library_other", edit("rng_library: numpy", "rng_library: torch"), &[("enum", "code_contract.randomness.rng_library")]),
        case("constraint_not_bool", edit("no_file_io: true", "no_file_io: 1"), &[("type", "code_contract.execution_constraints.no_file_io")]),
        case("constraint_unknown", edit("no_file_io: true", "no_file_io: true\n    no_gpu: true"), &[("unknown-key", "code_contract.execution_constraints.no_gpu")]),
        case("time_limit_zero", edit("time_limit_seconds: 2", "time_limit_seconds: 0"), &[("range", "code_contract.execution_constraints.time_limit_seconds")]),
        case("time_limit_huge", edit("time_limit_seconds: 2", "time_limit_seconds: 100000"), &[("range", "code_contract.execution_constraints.time_limit_seconds")]),
        case("time_limit_quoted", edit("time_limit_seconds: 2", "time_limit_seconds: \"2\""), &[("type", "code_contract.execution_constraints.time_limit_seconds")]),
        case("time_limit_nan", edit("time_limit_seconds: 2", "time_limit_seconds: .nan"), &[("type", "code_contract.execution_constraints.time_limit_seconds")]),
        case("rules_not_list", edit("  behavioral_rules:\n    - \"Use only the rng created from seed for all randomness.\"\n    - \"Return arrays in the order of outputs.\"\n    - \"Do not validate the data inside the generator.\"", "  behavioral_rules: \"be nice\""), &[("type", "code_contract.behavioral_rules")]),
        case("version_zero", edit("version: 1", "version: 0"), &[("range", "version")]),
        case("name_path", edit("name: seed_linear", "name: ../evil"), &[("pattern", "name")]),
        case("top_level_list", "- a\n- b\n".into(), &[("type", "")]),
        case("requirements_not_list", seed().replace(&seed()[seed().find("validation_requirements:").unwrap()..], "validation_requirements: {schema_check: {}}\n"), &[("type", "validation_requirements")]),
        case("three_at_once", edit("language: python", "language: r").replace("max: 10000000", "max: -5").replace("no_printing: true", "no_printing: sometimes"), &[("pattern", "code_contract.language"), ("range", "code_contract.function.inputs.num_samples.max"), ("type", "code_contract.execution_constraints.no_printing")]),
        // Validation requirements.
        case("requirement_key_typo", edit("      distribution: uniform", "      distibution: uniform"), &[("unknown-key", "validation_requirements[1].distribution_test.distibution"), ("missing-key", "validation_requirements[1].distribution_test")]),
        case("requirement_kind_typo", edit("  - schema_check:", "  - schema_chek:"), &[("unknown-key", "validation_requirements[0].schema_chek")]),
        case("requirement_alpha_above_one", edit("      alpha: 0.05", "      alpha: 1.5"), &[("validation", "validation_requirements[1].distribution_test.alpha")]),
        case("requirement_unknown_column", edit("      column: x\n", "      column: z\n"), &[("validation", "validation_requirements[1].distribution_test.column")]),
        case("requirement_min_above_max", edit("      params: {min: 0, max: 1}", "      params: {min: 1, max: 0}"), &[("validation", "validation_requirements[1].distribution_test.params.max")]),
        case("requirement_anderson_without_params", edit("      distribution: uniform\n      params: {min: 0, max: 1}\n      test: ks", "      distribution: normal\n      test: anderson"), &[]),
        case("requirement_anderson_bad_params", edit("      distribution: uniform\n      params: {min: 0, max: 1}\n      test: ks", "      distribution: normal\n      params: {mean: 0.5, sd: 0.3}\n      test: anderson"), &[("validation", "validation_requirements[1].distribution_test.params.sd"), ("validation", "validation_requirements[1].distribution_test.params.std")]),
        case("requirement_allowed_values_on_float", format!("{}  - allowed_values:\n      column: x\n      values: [\"0\", \"1\"]\n", seed()), &[("validation", "validation_requirements[4].allowed_values.column")]),
        case("requirement_frequency_on_datetime", edit_customers("      column: plan\n      expected: {free: 0.6, pro: 0.3, enterprise: 0.1}", "      column: signup\n      expected: {\"2024\": 0.5, \"2025\": 0.5}"), &[("validation", "validation_requirements[3].categorical_frequency.column")]),
        case("requirement_frequency_share_zero", edit_customers("expected: {free: 0.6, pro: 0.3, enterprise: 0.1}", "expected: {free: 0.6, pro: 0.4, enterprise: 0}"), &[("validation", "validation_requirements[3].categorical_frequency.expected.enterprise")]),
        case("requirement_frequency_single_category", edit_customers("expected: {free: 0.6, pro: 0.3, enterprise: 0.1}", "expected: {free: 1.0}"), &[("validation", "validation_requirements[3].categorical_frequency.expected")]),
        // Hostile YAML.
        case("yaml_tag", edit("name: seed_linear", "name: !!python/object:os.system seed_linear"), &[("yaml", "")]),
        case("yaml_alias_bomb", format!("a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a]\nc: &c [*b,*b,*b]\n{}", seed()), &[("yaml", "")]),
        case("yaml_duplicate_key", edit("version: 1", "version: 1\nversion: 2"), &[("yaml", "")]),
        case("yaml_two_documents", format!("{}---\nname: second\n", seed()), &[("yaml", "")]),
        case("yaml_deep_nesting", format!("name: {}{}\n", "[".repeat(200), "]".repeat(200)), &[("yaml", "")]),
        case("yaml_huge_scalar", format!("intent: {}\n", "x".repeat(100_000)), &[("yaml", "")]),
        case("yaml_bad_indent", edit("  language: python", "   language: python"), &[("yaml", "")]),
        case("yaml_unclosed_flow", edit("allowed_imports: [numpy]", "allowed_imports: [numpy"), &[("yaml", "")]),
        case("yaml_empty", String::new(), &[("yaml", "")]),
        // Semantic problems (the shape is fine).
        case("rows_min_above_max", edit("min: 1\n", "min: 20000000\n"), &[("bounds", "code_contract.function.inputs.num_samples.min")]),
        case("rows_max_above_cap", edit("max: 10000000", "max: 1000000000"), &[("bounds", "code_contract.function.inputs.num_samples.max")]),
        case("rows_default_outside", edit("default: 100000\n", "default: 20000000\n"), &[("bounds", "code_contract.function.inputs.num_samples.default")]),
        case("allow_os", edit("allowed_imports: [numpy]", "allowed_imports: [numpy, os]"), &[("imports", "code_contract.environment.allowed_imports[1]")]),
        case("allowed_and_forbidden", edit("allowed_imports: [numpy]", "allowed_imports: [numpy, matplotlib]"), &[("imports", "code_contract.environment.allowed_imports[1]")]),
        case("category_without_categories", edit("      y:\n        type: array\n        dtype: float64", "      y:\n        type: array\n        dtype: category"), &[("categories", "code_contract.function.outputs.y")]),
        case("categories_on_float", edit("      y:\n        type: array\n        dtype: float64", "      y:\n        type: array\n        categories: [a, b]\n        dtype: float64"), &[("categories", "code_contract.function.outputs.y.categories")]),
        case("repeated_category", edit("      y:\n        type: array\n        dtype: float64", "      y:\n        type: array\n        categories: [a, b, a]\n        dtype: category"), &[("categories", "code_contract.function.outputs.y.categories[2]")]),
        case("unit_on_float", edit("      y:\n        type: array\n        dtype: float64", "      y:\n        type: array\n        unit: ms\n        dtype: float64"), &[("unit", "code_contract.function.outputs.y.unit")]),
        case("code_path_escape", edit("code: seed_linear.py", "code: ../../etc/passwd"), &[("code-path", "code")]),
        case("code_path_absolute", edit("code: seed_linear.py", "code: /etc/passwd"), &[("code-path", "code")]),
        case("default_alpha_above_one", format!("{}validation_settings:\n  default_alpha: 2\n", seed()), &[("bounds", "validation_settings.default_alpha")]),
        case("residuals_without_relationship", edit("  - relationship_check:\n      independent: x\n      dependent: y\n      expected_slope: 2.0\n      tolerance: 0.1\n", ""), &[("validation", "validation_requirements[2].noise_mean_check")]),
        case("residuals_relationship_out_of_range", edit("      expected_mean: 0.0\n", "      expected_mean: 0.0\n      relationship: 1\n"), &[("validation", "validation_requirements[3].noise_mean_check.relationship")]),
        case("output_name_digit", edit("      y:\n        type: array", "      2y:\n        type: array"), &[("name", "code_contract.function.outputs.2y")]),
        // The design document's shape, as JSON: the same quality of diagnostics.
        json_case("doc_valid", doc(), &[]),
        json_case("doc_check_typo", edit_doc("\"check\": \"relationship_check\"", "\"check\": \"relationship_chek\""), &[("enum", "validation_requirements[2].check")]),
        json_case("doc_check_missing", edit_doc("\"check\": \"distribution_test\",", ""), &[("shape", "validation_requirements[1]")]),
        json_case("doc_check_not_text", edit_doc("\"check\": \"noise_mean_check\"", "\"check\": 3"), &[("type", "validation_requirements[3].check")]),
        json_case("doc_field_typo", edit_doc("\"tolerance\": 0.2\n        },\n        {\n            \"check\": \"noise_mean_check\"", "\"tolerence\": 0.2\n        },\n        {\n            \"check\": \"noise_mean_check\""), &[("unknown-key", "validation_requirements[2].tolerence"), ("missing-key", "validation_requirements[2]")]),
        json_case("doc_regression_type", edit_doc("\"linear_regression\"", "\"logistic_regression\""), &[("enum", "validation_requirements[2].type")]),
        json_case("doc_unknown_column", edit_doc("\"column\": \"x\"", "\"column\": \"z\""), &[("validation", "validation_requirements[1].column")]),
        json_case("doc_alpha_above_one", edit_doc("\"alpha\": 0.05", "\"alpha\": 5"), &[("validation", "validation_requirements[1].alpha")]),
        json_case("doc_types_disagree", edit_doc("\"x\": \"float\",\n                \"y\"", "\"x\": \"int\",\n                \"y\""), &[("validation", "validation_requirements[0].types.x")]),
        json_case("doc_types_unknown_column", edit_doc("\"y\": \"float\"\n            }", "\"y\": \"float\",\n                \"w\": \"float\"\n            }"), &[("validation", "validation_requirements[0].types.w")]),
        json_case("doc_dtype_typo", edit_doc("\"dtype\": \"float\",\n                    \"length\": \"num_samples\"\n                },\n                \"y\"", "\"dtype\": \"flaot\",\n                    \"length\": \"num_samples\"\n                },\n                \"y\""), &[("enum", "code_contract.function.outputs.x.dtype")]),
        json_case("doc_language_python2", edit_doc("\"python3.10\"", "\"python2.7\""), &[("pattern", "code_contract.language")]),
        json_case("doc_rng_library", edit_doc("\"numpy.random\"", "\"random\""), &[("enum", "code_contract.randomness.rng_library")]),
        json_case("doc_flag_not_bool", edit_doc("\"must_generate_data_only\": true", "\"must_generate_data_only\": \"yes\""), &[("type", "code_contract.behavioral_rules.must_generate_data_only")]),
        json_case("doc_constraints_min_above_max", edit_doc("\"min\": 1,\n                        \"max\": 1000000", "\"min\": 5000000,\n                        \"max\": 1000000"), &[("bounds", "code_contract.function.inputs.num_samples.constraints.min")]),
        json_case("doc_constraints_unknown_key", edit_doc("\"min\": 1,\n                        \"max\": 1000000", "\"minimum\": 1,\n                        \"max\": 1000000"), &[("unknown-key", "code_contract.function.inputs.num_samples.constraints.minimum")]),
        json_case("doc_min_given_twice", edit_doc("\"required\": true,\n                    \"constraints\"", "\"required\": true,\n                    \"min\": 10,\n                    \"constraints\""), &[("bounds", "code_contract.function.inputs.num_samples.constraints.min")]),
        json_case("doc_required_not_bool", edit_doc("\"required\": true,\n                    \"description\"", "\"required\": \"always\",\n                    \"description\""), &[("type", "code_contract.function.inputs.seed.required")]),
        json_case("doc_json_trailing_comma", edit_doc("\"seaborn\"\n", "\"seaborn\",\n"), &[("json", "")]),
        json_case("doc_json_yaml_syntax", "code_contract:\n  language: python\n".into(), &[("json", "")]),
        json_case("doc_json_duplicate_key", edit_doc("\"tolerance\": 0.2\n        },\n        {\n            \"check\": \"noise_mean_check\"", "\"tolerance\": 0.2,\n            \"tolerance\": 0.3\n        },\n        {\n            \"check\": \"noise_mean_check\""), &[("yaml", "")]),
        json_case("doc_residuals_without_relationship", edit_doc("\"relationship_check\"", "\"correlation_check\"").replace("\"type\": \"linear_regression\",\n            \"dependent\": \"y\",\n            \"independent\": \"x\",\n            \"expected_slope\": 2.0,", "\"columns\": [\"x\", \"y\"],\n            \"expected\": 0.5,"), &[("validation", "validation_requirements[3]")]),
        // The design document's shape, as YAML.
        case("doc_yaml_valid", std::fs::read_to_string(repo("specs/wait_times.yaml")).unwrap(), &[]),
        case("doc_yaml_check_typo", edit_doc_yaml("check: distribution_test", "check: distributon_test"), &[("enum", "validation_requirements[2].check")]),
        case("doc_yaml_missing_check", edit_doc_yaml("  - check: distribution_test\n    column", "  - column"), &[("shape", "validation_requirements[2]")]),
        case("doc_yaml_mixed_shapes_in_one_item", edit_doc_yaml("  - check: distribution_test\n", "  - check: distribution_test\n    distribution_test: {}\n"), &[("shape", "validation_requirements[2].distribution_test")]),
    ]
}

#[test]
fn every_malformed_spec_is_refused_with_its_path() {
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots");
    for c in &cases {
        let result = Contract::from_text(&c.text, Path::new(c.file));
        if c.want.is_empty() {
            assert!(result.is_ok(), "{}: {:?}", c.name, result.err());
            continue;
        }
        let err = result.expect_err(c.name);
        let ContractError::Invalid { diagnostics, .. } = &err else {
            panic!("{}: {err:?}", c.name)
        };
        let got: Vec<(&str, &str)> = diagnostics
            .iter()
            .map(|d| (d.code, d.path.as_str()))
            .collect();
        for w in &c.want {
            assert!(got.contains(w), "{}: want {w:?}, got {got:?}", c.name);
        }
        for d in diagnostics {
            assert!(d.line >= 1 && d.column >= 1, "{}: {d:?}", c.name);
        }
        let rendered = err.rendered().unwrap();
        settings.bind(|| insta::assert_snapshot!(format!("spec_{}", c.name), rendered));
    }
}

fn yaml_to_json(text: &str) -> Option<serde_json::Value> {
    let parsed = sdg::spec::yaml::parse(text).ok()?;
    fn conv(n: &sdg::spec::Node) -> Option<serde_json::Value> {
        use sdg::spec::yaml::Value as V;
        Some(match &n.value {
            V::Null => serde_json::Value::Null,
            V::Bool(b) => (*b).into(),
            // JSON cannot carry it exactly; the validator refuses it with `range`.
            V::Int(i) => i64::try_from(*i).ok()?.into(),
            V::Float(f) => serde_json::Number::from_f64(*f).map(serde_json::Value::Number)?,
            V::Str(s) => s.clone().into(),
            V::Seq(items) => items.iter().map(conv).collect::<Option<Vec<_>>>()?.into(),
            V::Map(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| Some((k.text.clone(), conv(v)?)))
                    .collect::<Option<_>>()?,
            ),
        })
    }
    conv(&parsed)
}

#[test]
fn the_json_schema_agrees_with_the_validator() {
    let schema = sdg::spec::schema();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid JSON Schema");
    let examples: Vec<_> = std::fs::read_dir(repo("specs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    assert!(!examples.is_empty());
    for p in &examples {
        let json = yaml_to_json(&std::fs::read_to_string(p).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", p.display());
    }
    let mut shape_cases = 0;
    for c in cases() {
        let Some(json) = yaml_to_json(&c.text) else {
            continue; // refused before any schema applies (hostile YAML)
        };
        if c.want.iter().any(|(code, _)| *code == "json") {
            continue; // not strict JSON: refused before any schema applies
        }
        let shape = c.want.iter().any(|(code, _)| SHAPE.contains(code));
        let valid = validator.is_valid(&json);
        if c.want.is_empty() {
            assert!(valid, "{}: the schema refuses a valid spec", c.name);
        } else if shape {
            shape_cases += 1;
            assert!(!valid, "{}: the schema accepts a shape error", c.name);
        } else {
            assert!(
                valid,
                "{}: semantic-only case refused by the schema",
                c.name
            );
        }
    }
    assert!(shape_cases >= 25, "{shape_cases}");
}

#[test]
fn files_that_are_not_specs_are_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.yaml");
    std::fs::write(&latin1, b"name: caf\xe9\n").unwrap();
    match Contract::load(&latin1) {
        Err(ContractError::NotUtf8 {
            line: 1,
            column: 10,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    let huge = dir.path().join("huge.yaml");
    let f = std::fs::File::create(&huge).unwrap();
    f.set_len(100 << 20).unwrap();
    match Contract::load(&huge) {
        Err(ContractError::TooLarge { bytes, .. }) => assert_eq!(bytes, 100 << 20),
        other => panic!("{other:?}"),
    }
}
