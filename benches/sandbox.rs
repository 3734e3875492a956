//! Sandbox bench: what the walled room costs, as ratios to native CPython + numpy in the same run.
//!
//! Run it with `bash benches/run.sh` (makes a venv with native numpy, then
//! `cargo bench --bench sandbox -- --python target/bench-venv/bin/python`). Flags:
//! `--python PATH` native interpreter with numpy (default `python3`), `--runs N` (default 7),
//! `--compile` also time a cold build of the start-up snapshot + compile into an empty cache.
//!
//! Measured, each as median and min over `--runs`:
//! - per-run overhead: a fresh sandbox run of a trivial generator (1 row) against a fresh native
//!   `python -c "import numpy"` process (what an isolated native run would pay);
//! - generation: the seed generator at 1M and 10M rows, guest time of the call + hand-over, against
//!   the same call in native CPython (`benches/native_baseline.py`);
//! - transfer: host copy of the column buffers out of guest memory, in GB/s;
//! - module load: mapping the cached `.cwasm`, and with `--compile` the cold compile.
//!
//! It is a plain `harness = false` program rather than criterion: each sample is a whole sandbox
//! run of 0.3 to 3 s, and the comparison needs the native side measured in the same process run.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use sdg::sandbox::{
    self, cwasm_path, engine, load_or_compile, runtime, ColumnSpec, ColumnType, RunLimits,
    RunRequest, Sandbox,
};

const SEED_CODE: &str = "specs/seed_linear.py";
const TRIVIAL: &str =
    "import numpy as np\n\ndef generate_data(num_samples, seed):\n    return np.zeros(num_samples)\n";

struct Args {
    python: String,
    runs: usize,
    compile: bool,
}

fn args() -> Args {
    let mut a = Args {
        python: "python3".into(),
        runs: 7,
        compile: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--python" => a.python = it.next().expect("--python PATH"),
            "--runs" => a.runs = it.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--compile" => a.compile = true,
            _ => {} // `cargo bench` passes `--bench`
        }
    }
    a
}

/// Median and min of a sample, in seconds.
fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0])
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn float_outputs(names: &[&str]) -> Vec<ColumnSpec> {
    names
        .iter()
        .map(|n| ColumnSpec {
            name: (*n).to_string(),
            dtype: ColumnType::Float64,
            nullable: false,
            categories: Vec::new(),
            unit: None,
        })
        .collect()
}

fn request(code: &str, outputs: Vec<ColumnSpec>, rows: u64) -> RunRequest {
    RunRequest {
        code: code.to_string(),
        function: "generate_data".into(),
        rows,
        seed: 42,
        outputs,
        limits: RunLimits {
            time_limit: Duration::from_secs(60),
            ..RunLimits::default()
        },
    }
}

/// One row of the results table.
struct Line {
    what: String,
    sdg: (f64, f64),
    native: Option<(f64, f64)>,
    note: String,
}

fn native_calls(python: &str, rows: u64, runs: usize) -> (Vec<f64>, String) {
    let out = Command::new(python)
        .args([
            "benches/native_baseline.py",
            SEED_CODE,
            "generate_data",
            &rows.to_string(),
            &runs.to_string(),
        ])
        .output()
        .expect("run the native baseline");
    assert!(
        out.status.success(),
        "native baseline failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("baseline JSON");
    let calls = v["call_s"]
        .as_array()
        .expect("call_s")
        .iter()
        .map(|x| x.as_f64().expect("float"))
        .collect();
    (calls, v["numpy"].as_str().unwrap_or("?").to_string())
}

fn run_many(sb: &Sandbox, req: &RunRequest, runs: usize) -> Vec<sdg::sandbox::RunOutput> {
    (0..runs)
        .map(|_| {
            sb.run(req)
                .unwrap_or_else(|e| panic!("sandbox run failed: {e}"))
        })
        .collect()
}

fn main() {
    let a = args();
    let home = runtime::default_home();
    let mut quiet = |_: &str| {};
    let (sb, _) = sandbox::open(&home, &runtime::InstallSource::default(), &mut quiet)
        .expect("open the sandbox (run `sdg runtime install` first on an offline machine)");
    let engine = engine().expect("engine");
    let mut lines = Vec::new();

    // Module load from the cache (mmap), and optionally a cold compile.
    let cache = home.join("cwasm");
    let loads: Vec<f64> = (0..a.runs)
        .map(|_| {
            let t = Instant::now();
            let (_m, outcome, _) = load_or_compile(engine, sb.runtime(), &cache, &mut quiet)
                .expect("load cached module");
            assert!(matches!(outcome, sandbox::CacheOutcome::Loaded));
            secs(t.elapsed())
        })
        .collect();
    lines.push(Line {
        what: "load cached .cwasm".into(),
        sdg: stats(loads),
        native: None,
        note: format!("{}", cwasm_path(engine, sb.runtime(), &cache).display()),
    });
    if a.compile {
        let tmp = tempfile::tempdir().expect("tempdir");
        let t = Instant::now();
        load_or_compile(engine, sb.runtime(), tmp.path(), &mut quiet).expect("cold compile");
        let c = secs(t.elapsed());
        lines.push(Line {
            what: "cold snapshot build + compile".into(),
            sdg: (c, c),
            native: None,
            note: "one sample; includes writing the .cwasm".into(),
        });
    }

    // Per-run overhead: trivial generator, 1 row, against a fresh native interpreter + numpy.
    let trivial = run_many(&sb, &request(TRIVIAL, float_outputs(&["x"]), 1), a.runs);
    let natives: Vec<f64> = (0..a.runs)
        .map(|_| {
            let t = Instant::now();
            let st = Command::new(&a.python)
                .args(["-c", "import numpy"])
                .status()
                .expect("native python");
            assert!(st.success());
            secs(t.elapsed())
        })
        .collect();
    lines.push(Line {
        what: "per-run overhead (fresh run, 1 row)".into(),
        sdg: stats(trivial.iter().map(|o| secs(o.timings.total)).collect()),
        native: Some(stats(natives)),
        note: format!(
            "sdg: instantiate {:.2} ms, start-up from the snapshot (handshake, code load) {:.1} ms; native: new `python -c \"import numpy\"` process",
            1e3 * stats(trivial.iter().map(|o| secs(o.timings.instantiate)).collect()).0,
            1e3 * stats(trivial.iter().map(|o| secs(o.timings.startup)).collect()).0,
        ),
    });

    // Generation and transfer at 1M and 10M rows.
    let code = std::fs::read_to_string(SEED_CODE).expect("seed code");
    let mut numpy = String::new();
    for rows in [1_000_000u64, 10_000_000] {
        let outs = run_many(
            &sb,
            &request(&code, float_outputs(&["x", "y"]), rows),
            a.runs,
        );
        let (native, v) = native_calls(&a.python, rows, a.runs);
        numpy = v;
        lines.push(Line {
            what: format!("generation, seed_linear, {rows} rows"),
            sdg: stats(outs.iter().map(|o| secs(o.timings.generation)).collect()),
            native: Some(stats(native)),
            note: format!("fuel {} (same every run)", outs[0].fuel_generation),
        });
        let bytes = (rows * 2 * 8) as f64;
        let transfer = stats(outs.iter().map(|o| secs(o.timings.transfer)).collect());
        lines.push(Line {
            what: format!("transfer, {rows} rows x 2 float64"),
            sdg: transfer,
            native: None,
            note: format!(
                "{:.1} GB/s median, {:.1} GB/s best",
                bytes / transfer.0 / 1e9,
                bytes / transfer.1 / 1e9
            ),
        });
        lines.push(Line {
            what: format!("whole sandbox run, {rows} rows"),
            sdg: stats(outs.iter().map(|o| secs(o.timings.total)).collect()),
            native: None,
            note: String::new(),
        });
    }

    let python = Command::new(&a.python)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!(
        "\nsdg {} | wasmtime {} | native {} + numpy {} | {} runs each | {}",
        env!("CARGO_PKG_VERSION"),
        sandbox::WASMTIME_VERSION,
        python,
        numpy,
        a.runs,
        PathBuf::from(&a.python).display()
    );
    println!("\n| measurement | sdg median (min) | native median (min) | ratio sdg/native (median) | note |");
    println!("|---|---|---|---|---|");
    for l in lines {
        let ms = |(m, n): (f64, f64)| format!("{:.2} ms ({:.2})", 1e3 * m, 1e3 * n);
        let (native, ratio) = match l.native {
            Some(n) => (ms(n), format!("{:.2}x", l.sdg.0 / n.0)),
            None => ("".into(), "".into()),
        };
        println!(
            "| {} | {} | {} | {} | {} |",
            l.what,
            ms(l.sdg),
            native,
            ratio,
            l.note
        );
    }
}
