//! sdg's one integration-test binary (wasmtime links once). Every test runs the real runtime:
//! CPython-on-WASI under wasmtime, no mocks. The runtime is installed under `$SDG_HOME` (or the
//! default home) on first use; `.ci/run` installs and compiles it before the tests.

mod support;

mod architecture;
mod author;
mod boundary_props;
mod canned;
mod check;
mod check_kinds;
mod cli;
mod determinism;
mod document_shape;
mod escape;
mod examples;
mod experiments;
mod hostile;
mod layouts;
mod limits;
mod llm;
mod numbers;
mod project;
mod races;
mod real_llm;
mod report_shape;
mod runtime_install;
mod seed;
mod signing;
mod spec;
mod tamper;
mod validate;
mod workflow;
mod write_failures;
