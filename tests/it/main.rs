//! sdg's one integration-test binary (wasmtime links once). Every test runs the real runtime:
//! CPython-on-WASI under wasmtime, no mocks. The runtime is installed under `$SDG_HOME` (or the
//! default home) on first use; `.ci/run` installs and compiles it before the tests.

mod support;

mod author;
mod canned;
mod check;
mod cli;
mod determinism;
mod examples;
mod experiments;
mod hostile;
mod layouts;
mod llm;
mod real_llm;
mod seed;
mod spec;
mod tamper;
mod validate;
mod workflow;
