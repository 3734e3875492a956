//! `LlmConfig`: where the server is, which model, how to sample, and how long to wait.
//!
//! Layers, lowest first: [`LlmConfig::default`] < a TOML config file (its `[llm]` table,
//! [`LlmFileConfig`]) < environment ([`LlmEnv`]: `SDG_LLM_URL`, `SDG_LLM_MODEL`,
//! `SDG_LLM_API_KEY`) < explicit overrides the CLI fills from flags ([`LlmOverrides`]). All three
//! are one partial config, [`LlmLayer`], with every field optional; [`LlmLayer::merge`] lays one
//! over another and [`LlmConfig::resolve`] merges them and checks every value once; a resolved
//! config is valid.
//!
//! The API key is a [`Secret`]: `Debug` prints `Some("<redacted>")`, and nothing in this module
//! serialises it.
//!
//! Size (~660 lines): about 430 of code (one partial config, its layers and their one
//! validation), the rest its unit tests of every precedence and message.

use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::error::LlmError;

/// Default base URL: a local Ollama.
pub const DEFAULT_BASE_URL: &str = "http://127.0.0.1:11434";
/// Default model (an Ollama tag).
pub const DEFAULT_MODEL: &str = "codestral:22b";
/// Default upper bound on an answer body, in bytes (8 MiB); the server is not trusted.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;
/// Upper bound on one backoff sleep, whatever `backoff` and the attempt number say.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Accepted sampling temperatures (the OpenAI API's range).
pub const TEMPERATURE_RANGE: std::ops::RangeInclusive<f64> = 0.0..=2.0;
/// Most tokens one answer may ask for (2^20): more than any served context window, so a larger
/// value is a typo, not a wish.
pub const MAX_TOKENS_LIMIT: u32 = 1 << 20;
/// Longest accepted request or connect timeout: one day. Longer is a typo (and a deadline
/// that far out overflows some clocks).
pub const MAX_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);
/// Most retries after a transient failure.
pub const MAX_RETRIES: u32 = 10;
/// Largest accepted `max_response_bytes`: 1 GiB.
pub const MAX_RESPONSE_BYTES_LIMIT: usize = 1 << 30;

/// Environment variable naming the server's base URL.
pub const ENV_URL: &str = "SDG_LLM_URL";
/// Environment variable naming the model.
pub const ENV_MODEL: &str = "SDG_LLM_MODEL";
/// Environment variable holding the API key (sent as `Authorization: Bearer ...`).
pub const ENV_API_KEY: &str = "SDG_LLM_API_KEY";

/// A secret string (the API key). `Debug` prints `"<redacted>"`; [`Secret::expose`] is the one
/// way to the text, for the `Authorization` header.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret text itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_string())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt("<redacted>", f)
    }
}

/// A checked client configuration. Build it with [`LlmConfig::resolve`] or start from
/// `LlmConfig::default()` and check it with [`LlmConfig::validate`].
#[derive(Clone, Debug, PartialEq)]
pub struct LlmConfig {
    /// Base URL of the server, without `/v1` (a trailing `/v1` is accepted and dropped).
    pub base_url: String,
    /// Model name sent in every request.
    pub model: String,
    /// Bearer token, if the server wants one. Never printed.
    pub api_key: Option<Secret>,
    /// Sampling temperature, 0.0..=2.0 (default 0.2).
    pub temperature: f64,
    /// Nucleus sampling mass, (0.0, 1.0] (default 0.95).
    pub top_p: f64,
    /// Sampling seed; `None` leaves the field out of the request (default `Some(0)`).
    pub seed: Option<u64>,
    /// Upper bound on generated tokens (default 4096). Hitting it is [`LlmError::Truncated`].
    pub max_tokens: u32,
    /// Whole-request deadline, connect to last byte (default 600 s: big models on CPUs are slow).
    pub timeout: Duration,
    /// Deadline for the TCP connect alone (default 5 s).
    pub connect_timeout: Duration,
    /// Extra attempts after a transient failure (default 2, so at most 3 attempts).
    pub retries: u32,
    /// First backoff sleep; doubles each retry, capped at [`MAX_BACKOFF`] (default 500 ms).
    pub backoff: Duration,
    /// Upper bound on an answer body in bytes (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub max_response_bytes: usize,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            model: DEFAULT_MODEL.to_string(),
            api_key: None,
            temperature: 0.2,
            top_p: 0.95,
            seed: Some(0),
            max_tokens: 4096,
            timeout: Duration::from_secs(600),
            connect_timeout: Duration::from_secs(5),
            retries: 2,
            backoff: Duration::from_millis(500),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

/// One layer of settings, every field optional: the `[llm]` table of the TOML config file (unknown
/// keys are errors: a typo should not silently fall back to a default), the environment, or the
/// flags. Times are in the file's units (`timeout_secs`, `backoff_ms`) and are checked when the
/// layers are resolved.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmLayer {
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub api_key: Option<Secret>,
    pub temperature: Option<f64>,
    pub top_p: Option<f64>,
    pub seed: Option<u64>,
    pub max_tokens: Option<u32>,
    pub timeout_secs: Option<f64>,
    pub connect_timeout_secs: Option<f64>,
    pub retries: Option<u32>,
    pub backoff_ms: Option<u64>,
    pub max_response_bytes: Option<usize>,
}

/// The config file's layer.
pub type LlmFileConfig = LlmLayer;
/// The environment's layer (only `base_url`, `model` and `api_key`); empty variables count as
/// unset.
pub type LlmEnv = LlmLayer;
/// Explicit values from the command line; each `Some` wins over every other layer.
pub type LlmOverrides = LlmLayer;

impl LlmLayer {
    /// `over` laid on `self`: each field `over` sets wins.
    pub fn merge(self, over: LlmLayer) -> LlmLayer {
        LlmLayer {
            base_url: over.base_url.or(self.base_url),
            model: over.model.or(self.model),
            api_key: over.api_key.or(self.api_key),
            temperature: over.temperature.or(self.temperature),
            top_p: over.top_p.or(self.top_p),
            seed: over.seed.or(self.seed),
            max_tokens: over.max_tokens.or(self.max_tokens),
            timeout_secs: over.timeout_secs.or(self.timeout_secs),
            connect_timeout_secs: over.connect_timeout_secs.or(self.connect_timeout_secs),
            retries: over.retries.or(self.retries),
            backoff_ms: over.backoff_ms.or(self.backoff_ms),
            max_response_bytes: over.max_response_bytes.or(self.max_response_bytes),
        }
    }

    /// Checks this layer's times (a bad one is an error even when a higher layer replaces it).
    fn check_times(&self) -> Result<(), LlmError> {
        if let Some(t) = self.timeout_secs {
            secs("timeout_secs", t)?;
        }
        if let Some(t) = self.connect_timeout_secs {
            secs("connect_timeout_secs", t)?;
        }
        Ok(())
    }

    /// Sets every field this layer has on `c`.
    fn apply(self, c: &mut LlmConfig) -> Result<(), LlmError> {
        set(&mut c.base_url, self.base_url);
        set(&mut c.model, self.model);
        if self.api_key.is_some() {
            c.api_key = self.api_key;
        }
        set(&mut c.temperature, self.temperature);
        set(&mut c.top_p, self.top_p);
        if self.seed.is_some() {
            c.seed = self.seed;
        }
        set(&mut c.max_tokens, self.max_tokens);
        if let Some(t) = self.timeout_secs {
            c.timeout = secs("timeout_secs", t)?;
        }
        if let Some(t) = self.connect_timeout_secs {
            c.connect_timeout = secs("connect_timeout_secs", t)?;
        }
        set(&mut c.retries, self.retries);
        set(&mut c.backoff, self.backoff_ms.map(Duration::from_millis));
        set(&mut c.max_response_bytes, self.max_response_bytes);
        Ok(())
    }

    /// Parse the `[llm]` table out of a whole TOML file; other tables are ignored (they belong
    /// to other parts of sdg). A file without `[llm]` gives an empty layer.
    pub fn from_toml_str(text: &str) -> Result<Self, LlmError> {
        let doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| LlmError::Config {
                reason: format!("the config file is not valid TOML: {}", e.message()),
                hint: "check the file's syntax".to_string(),
            })?;
        match doc.get("llm") {
            None => Ok(LlmFileConfig::default()),
            Some(v) => v
                .clone()
                .try_into()
                .map_err(|e: toml::de::Error| LlmError::Config {
                    reason: format!(
                        "bad `[llm]` table in the config file: {}{}",
                        culprit(v).map(|k| format!("`{k}`: ")).unwrap_or_default(),
                        e.message()
                    ),
                    hint: "known keys: base_url, model, api_key, temperature, top_p, seed, \
                           max_tokens, timeout_secs, connect_timeout_secs, retries, backoff_ms, \
                           max_response_bytes"
                        .to_string(),
                }),
        }
    }

    /// Read and parse a TOML config file.
    pub fn from_path(path: &Path) -> Result<Self, LlmError> {
        let text = std::fs::read_to_string(path).map_err(|e| LlmError::Config {
            reason: format!("cannot read the config file `{}`: {e}", path.display()),
            hint: "check the path given to --config".to_string(),
        })?;
        Self::from_toml_str(&text)
    }
}

/// The first key of an `[llm]` table that does not fit its field alone (`seed = -1`,
/// `max_tokens = 1.5`), so the error can name it: toml's message names the type, not the key.
fn culprit(table: &toml::Value) -> Option<String> {
    let toml::Value::Table(t) = table else {
        return None;
    };
    t.iter()
        .find(|(k, v)| {
            let mut one = toml::Table::new();
            one.insert((*k).clone(), (*v).clone());
            toml::Value::Table(one).try_into::<LlmFileConfig>().is_err()
        })
        .map(|(k, _)| k.clone())
}

impl LlmLayer {
    /// Read `SDG_LLM_URL`, `SDG_LLM_MODEL` and `SDG_LLM_API_KEY` from the process environment.
    pub fn from_process() -> Self {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Read the same variables through `get` (tests pass a map instead of the real environment).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        LlmLayer {
            base_url: get(ENV_URL),
            model: get(ENV_MODEL),
            api_key: get(ENV_API_KEY).map(Secret),
            ..LlmLayer::default()
        }
    }
}

/// A timeout given in seconds, checked: finite, positive, at most [`MAX_TIMEOUT`] (NaN,
/// infinities, negatives, zero and 1e30 are errors, never a panic).
pub fn timeout_from_secs(v: f64) -> Result<Duration, String> {
    let max = MAX_TIMEOUT.as_secs();
    match Duration::try_from_secs_f64(v) {
        Ok(d) if !d.is_zero() && d <= MAX_TIMEOUT => Ok(d),
        _ => Err(format!(
            "{v:?} is not a number of seconds in 0 < SECS <= {max}"
        )),
    }
}

fn secs(field: &str, v: f64) -> Result<Duration, LlmError> {
    timeout_from_secs(v).map_err(|why| LlmError::Config {
        reason: format!("`{field}` = {why}"),
        hint: format!("set `{field}` to e.g. 600"),
    })
}

impl LlmConfig {
    /// Merge the layers (defaults < file < env < overrides) and validate the result.
    pub fn resolve(
        file: Option<&LlmFileConfig>,
        env: &LlmEnv,
        overrides: &LlmOverrides,
    ) -> Result<Self, LlmError> {
        let file = file.cloned().unwrap_or_default();
        for layer in [&file, env, overrides] {
            layer.check_times()?;
        }
        let mut c = LlmConfig::default();
        file.merge(env.clone())
            .merge(overrides.clone())
            .apply(&mut c)?;
        c.validate()?;
        Ok(c)
    }

    /// Resolve with the real environment and an optional config file path.
    pub fn load(file: Option<&Path>, overrides: &LlmOverrides) -> Result<Self, LlmError> {
        let file = file.map(LlmFileConfig::from_path).transpose()?;
        Self::resolve(file.as_ref(), &LlmEnv::from_process(), overrides)
    }

    /// Check every value; also normalises `base_url` (no trailing `/`, no trailing `/v1`).
    pub fn validate(&mut self) -> Result<(), LlmError> {
        let bad = |reason: String, hint: &str| LlmError::Config {
            reason,
            hint: hint.to_string(),
        };
        let mut url = self.base_url.trim().trim_end_matches('/').to_string();
        if let Some(stripped) = url.strip_suffix("/v1") {
            url = stripped.to_string();
        }
        let parsed = reqwest::Url::parse(&url).map_err(|e| {
            bad(
                format!("base URL `{url}` is not a URL: {e}"),
                "set SDG_LLM_URL to e.g. `http://127.0.0.1:11434`",
            )
        })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(bad(
                format!("base URL `{url}` must be http:// or https:// with a host"),
                "set SDG_LLM_URL to e.g. `http://127.0.0.1:11434`",
            ));
        }
        self.base_url = url;
        if self.model.trim().is_empty() {
            return Err(bad(
                "the model name is empty".into(),
                "set SDG_LLM_MODEL, e.g. `codestral:22b`",
            ));
        }
        let max_secs = MAX_TIMEOUT.as_secs();
        in_range(
            TEMPERATURE_RANGE.contains(&self.temperature),
            ("temperature", self.temperature, "0.0..=2.0"),
            "use 0.0 for the most repeatable output",
        )?;
        in_range(
            self.top_p > 0.0 && self.top_p <= 1.0,
            ("top_p", self.top_p, "(0.0, 1.0]"),
            "use 0.95, or 1.0 to disable nucleus sampling",
        )?;
        in_range(
            (1..=MAX_TOKENS_LIMIT).contains(&self.max_tokens),
            (
                "max_tokens",
                self.max_tokens,
                &format!("1..={MAX_TOKENS_LIMIT}"),
            ),
            "use e.g. 4096",
        )?;
        for (field, t) in [
            ("timeout_secs", self.timeout),
            ("connect_timeout_secs", self.connect_timeout),
        ] {
            in_range(
                !(t.is_zero() || t > MAX_TIMEOUT),
                (field, t.as_secs_f64(), &format!("0 < SECS <= {max_secs}")),
                "use e.g. 600 s",
            )?;
        }
        in_range(
            self.retries <= MAX_RETRIES,
            ("retries", self.retries, &format!("0..={MAX_RETRIES}")),
            "use e.g. 2",
        )?;
        in_range(
            self.backoff <= MAX_BACKOFF,
            (
                "backoff_ms",
                self.backoff.as_millis(),
                &format!("0..={}", MAX_BACKOFF.as_millis()),
            ),
            "use e.g. 500",
        )?;
        in_range(
            (1..=MAX_RESPONSE_BYTES_LIMIT).contains(&self.max_response_bytes),
            (
                "max_response_bytes",
                self.max_response_bytes,
                &format!("1..={MAX_RESPONSE_BYTES_LIMIT}"),
            ),
            "use e.g. 8388608",
        )?;
        Ok(())
    }
}

/// `Ok` if `ok`, else the error "`field` = value is outside range" with `hint`.
fn in_range(
    ok: bool,
    (field, value, range): (&str, impl fmt::Display, &str),
    hint: &str,
) -> Result<(), LlmError> {
    if ok {
        return Ok(());
    }
    Err(LlmError::Config {
        reason: format!("`{field}` = {value} is outside {range}"),
        hint: hint.to_string(),
    })
}

fn set<T>(slot: &mut T, v: Option<T>) {
    if let Some(v) = v {
        *slot = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order() {
        let file = LlmFileConfig::from_toml_str(
            "[other]\nx = 1\n[llm]\nbase_url = \"http://file:1\"\nmodel = \"file-model\"\n\
             temperature = 0.5\nseed = 7\ntimeout_secs = 30\n",
        )
        .unwrap();
        let env = LlmEnv::from_lookup(|k| match k {
            ENV_MODEL => Some("env-model".into()),
            ENV_URL => Some("  ".into()),
            _ => None,
        });
        let o = LlmOverrides {
            temperature: Some(0.0),
            ..Default::default()
        };
        let c = LlmConfig::resolve(Some(&file), &env, &o).unwrap();
        assert_eq!(c.base_url, "http://file:1"); // blank env var ignored
        assert_eq!(c.model, "env-model");
        assert_eq!(c.temperature, 0.0);
        assert_eq!(c.seed, Some(7));
        assert_eq!(c.timeout, Duration::from_secs(30));
        assert_eq!(c.top_p, 0.95);
    }

    #[test]
    fn trailing_v1_is_dropped_and_bad_values_rejected() {
        let o = LlmOverrides {
            base_url: Some("http://h:8080/v1/".into()),
            ..Default::default()
        };
        let c = LlmConfig::resolve(None, &LlmEnv::default(), &o).unwrap();
        assert_eq!(c.base_url, "http://h:8080");
        for o in [
            LlmOverrides {
                base_url: Some("ftp://h".into()),
                ..Default::default()
            },
            LlmOverrides {
                temperature: Some(3.0),
                ..Default::default()
            },
            LlmOverrides {
                top_p: Some(0.0),
                ..Default::default()
            },
            LlmOverrides {
                max_tokens: Some(0),
                ..Default::default()
            },
        ] {
            let e = LlmConfig::resolve(None, &LlmEnv::default(), &o).unwrap_err();
            assert!(matches!(e, LlmError::Config { .. }), "{e}");
        }
    }

    use rand::{rngs::StdRng, Rng, SeedableRng};

    /// Any float, in any spelling TOML has (`nan`, `inf`, exponents).
    fn toml_float(v: f64) -> String {
        if v.is_nan() {
            "nan".into()
        } else if v.is_infinite() {
            if v > 0.0 { "inf" } else { "-inf" }.into()
        } else {
            format!("{v:e}")
        }
    }

    /// Half the time any bit pattern, else a value near the ranges' bounds.
    fn float(r: &mut StdRng) -> f64 {
        const NEAR: [f64; 10] = [
            f64::NAN,
            f64::INFINITY,
            0.0,
            -0.0,
            1.0,
            2.0,
            1e30,
            -1.0,
            86_400.0,
            86_401.0,
        ];
        match r.next_u64() % 3 {
            0 => f64::from_bits(r.next_u64()),
            1 => NEAR[(r.next_u64() % 10) as usize],
            _ => (r.next_u64() % 4_000_000) as f64 / 1_000_000.0 - 0.5,
        }
    }

    /// Half the time anything below `max`, else something near `near`.
    fn int(r: &mut StdRng, max: u64, near: u64) -> u64 {
        if r.next_u64().is_multiple_of(2) {
            r.next_u64() % max
        } else {
            near.saturating_add(r.next_u64() % 4).saturating_sub(2)
        }
    }

    /// Within a nanosecond of a bound, `Duration`'s rounding decides: both verdicts are right.
    fn rounding_edge(v: f64) -> bool {
        (v > 0.0 && v < 1e-9) || (v > 86_400.0 && v < 86_400.000_001)
    }

    /// Every numeric `[llm]` value, many seeded random numbers: the config resolves iff each
    /// value is in its documented range, and never panics. The reference ranges are restated
    /// here from the field docs, not computed by `validate`.
    #[test]
    fn file_numbers_resolve_iff_in_range() {
        let mut r = StdRng::seed_from_u64(0x11_0c0f);
        let mut accepted = 0;
        for _ in 0..20_000 {
            let (temperature, top_p, timeout, connect) =
                (float(&mut r), float(&mut r), float(&mut r), float(&mut r));
            if rounding_edge(timeout) || rounding_edge(connect) {
                continue;
            }
            let max_tokens = int(&mut r, u64::from(u32::MAX), 1 << 20);
            let retries = int(&mut r, u64::from(u32::MAX), 10);
            // TOML integers are i64.
            let backoff_ms = int(&mut r, i64::MAX as u64, 30_000);
            let max_response_bytes = int(&mut r, i64::MAX as u64, 1 << 30);
            let text = format!(
                "[llm]\ntemperature = {}\ntop_p = {}\ntimeout_secs = {}\n\
                 connect_timeout_secs = {}\nmax_tokens = {max_tokens}\nretries = {retries}\n\
                 backoff_ms = {backoff_ms}\nmax_response_bytes = {max_response_bytes}\n",
                toml_float(temperature),
                toml_float(top_p),
                toml_float(timeout),
                toml_float(connect),
            );
            let file = LlmFileConfig::from_toml_str(&text).unwrap();
            let secs_ok = |v: f64| (1e-9..=86_400.0).contains(&v);
            let want = (0.0..=2.0).contains(&temperature)
                && top_p > 0.0
                && top_p <= 1.0
                && secs_ok(timeout)
                && secs_ok(connect)
                && (1..=1 << 20).contains(&max_tokens)
                && retries <= 10
                && backoff_ms <= 30_000
                && (1..=1 << 30).contains(&max_response_bytes);
            match LlmConfig::resolve(Some(&file), &LlmEnv::default(), &LlmOverrides::default()) {
                Ok(c) => {
                    assert!(want, "accepted {text}: {c:?}");
                    accepted += 1;
                }
                Err(e) => {
                    assert!(!want, "refused {text}: {e}");
                    assert!(matches!(e, LlmError::Config { .. }));
                }
            }
        }
        // The sweep reaches both verdicts (else it would prove little).
        assert!(accepted > 0);
    }

    #[test]
    fn a_key_of_the_wrong_type_is_named() {
        for (text, key) in [("seed = -1", "seed"), ("max_tokens = 1.5", "max_tokens")] {
            let e = LlmFileConfig::from_toml_str(&format!("[llm]\nmodel = \"m\"\n{text}\n"))
                .unwrap_err();
            assert!(
                matches!(&e, LlmError::Config { reason, .. } if reason.contains(&format!("`{key}`"))),
                "{e}"
            );
        }
    }

    #[test]
    fn unknown_file_key_is_an_error() {
        let e = LlmFileConfig::from_toml_str("[llm]\ntemprature = 0.1\n").unwrap_err();
        assert!(e.to_string().contains("temprature"), "{e}");
    }

    #[test]
    fn the_api_key_follows_the_layers_and_stays_redacted() {
        let key = |c: &LlmConfig| c.api_key.as_ref().map(|k| k.expose().to_string());
        let file = LlmFileConfig::from_toml_str("[llm]\napi_key = \"sk-file\"\n").unwrap();
        let env = LlmEnv::from_lookup(|k| (k == ENV_API_KEY).then(|| "sk-env".to_string()));
        let none = LlmOverrides::default();
        let c = LlmConfig::resolve(Some(&file), &LlmEnv::default(), &none).unwrap();
        assert_eq!(key(&c).as_deref(), Some("sk-file"));
        let c = LlmConfig::resolve(Some(&file), &env, &none).unwrap();
        assert_eq!(key(&c).as_deref(), Some("sk-env"));
        let o = LlmOverrides {
            api_key: Some("sk-flag".into()),
            ..Default::default()
        };
        let c = LlmConfig::resolve(Some(&file), &env, &o).unwrap();
        assert_eq!(key(&c).as_deref(), Some("sk-flag"));
        assert_eq!(format!("{:?}", c.api_key), "Some(\"<redacted>\")");
        assert!(!format!("{c:?}{file:?}{env:?}{o:?}").contains("sk-"));
    }

    #[test]
    fn a_bad_file_timeout_is_an_error_even_under_a_flag() {
        let file = LlmFileConfig::from_toml_str("[llm]\ntimeout_secs = -1\n").unwrap();
        let o = LlmOverrides {
            timeout_secs: Some(10.0),
            ..Default::default()
        };
        let e = LlmConfig::resolve(Some(&file), &LlmEnv::default(), &o).unwrap_err();
        assert!(e.to_string().contains("timeout_secs"), "{e}");
    }

    #[test]
    fn debug_redacts_api_key() {
        let c = LlmConfig {
            api_key: Some("sk-very-secret".into()),
            ..Default::default()
        };
        let env = LlmEnv {
            api_key: Some("sk-very-secret".into()),
            ..Default::default()
        };
        for s in [format!("{c:?}"), format!("{env:?}")] {
            assert!(
                !s.contains("sk-very-secret") && s.contains("<redacted>"),
                "{s}"
            );
        }
    }
}
