//! Configuration: the config file, environment and command-line flags, merged
//! once into one typed [`Config`] (precedence: flag > env > file > default).
//!
//! Nothing below the command layer reads environment variables: the caller
//! captures them in an [`Env`] and passes it here.
//!
//! The parts: the setting types (`settings`), the config file's format and
//! its parse errors (`file`), the directories (`dirs`), the merge itself
//! (`load`) and the errors (`error`).

mod dirs;
mod error;
mod file;
mod load;
mod permissions;
mod settings;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

pub use error::ConfigError;
pub use permissions::{
    Action, NonInteractive, PRESETS, Policy, READING_TOOLS, Rule, RulesFile, Verdict, preset,
    wildcard,
};
pub use settings::{
    CommandLine, Keep, ModelSpec, ProviderConfig, ServerConfig, Transport, TurnsVia, WorktreeConfig,
};

/// Environment variables boocoder reads, captured once by the caller.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// The variables this module understands (besides those opencode reads
    /// its own configuration from, [`OPENCODE_CONFIG_ENV`]).
    pub const NAMES: [&'static str; 9] = [
        "BOOCODER_DATABASE_URL",
        "BOOCODER_DEFAULT_MODEL",
        "BOOCODER_CONFIG",
        "BOOCODER_DATA_DIR",
        "BOOCODER_STATE_DIR",
        "BOOCODER_CONFIG_DIR",
        "BOOCODER_OPENCODE_BIN",
        "LLAMA_SWAP_URL",
        "CI",
    ];

    /// Capture the relevant variables of this process.
    pub fn from_process() -> Env {
        Env::from_pairs(
            Self::NAMES
                .iter()
                .chain(&OPENCODE_CONFIG_ENV)
                .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v))),
        )
    }

    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Env {
        Env {
            vars: pairs.into_iter().collect(),
        }
    }

    /// The value of `name`, ignoring empty values (an empty variable means unset).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }
}

/// Where opencode finds its own configuration besides what boocoder
/// injects: a kept server is reused only by commands that agree on these.
pub const OPENCODE_CONFIG_ENV: [&str; 5] = [
    "HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "OPENCODE_CONFIG",
    "OPENCODE_CONFIG_DIR",
];

/// Values given on the command line, which win over everything else.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub database_url: Option<String>,
    pub config_file: Option<PathBuf>,
}

/// Where a setting's effective value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "from", content = "name")]
pub enum Source {
    Flag,
    Env(&'static str),
    File,
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::File => f.write_str("config file"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// The effective configuration.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    /// The config file consulted (it may not exist).
    pub config_file: PathBuf,
    /// Whether that file existed and was read.
    pub config_file_loaded: bool,
    pub config_dir: PathBuf,
    pub data_dir: PathBuf,
    pub state_dir: PathBuf,
    pub database_url: String,
    pub default_model: Option<String>,
    pub llama_swap_url: Option<String>,
    pub opencode_bin: Option<PathBuf>,
    #[serde(rename = "watchdog_seconds", with = "secs")]
    pub watchdog: Duration,
    /// How long a session's turn lease lasts without renewal (renewed every
    /// third of it while the turn runs): how soon a killed owner's session
    /// can be taken over.
    #[serde(rename = "lease_seconds", with = "secs")]
    pub lease_ttl: Duration,
    #[serde(rename = "snapshot_ttl_seconds", with = "secs")]
    pub snapshot_ttl: Duration,
    #[serde(rename = "probe_ttl_seconds", with = "secs")]
    pub probe_ttl: Duration,
    #[serde(rename = "probe_timeout_seconds", with = "secs")]
    pub probe_timeout: Duration,
    pub probe_concurrency: usize,
    /// The most of a turn's reply, and of its tool calls, the database
    /// keeps (each); the rest is cut with a marker. The live stream shows
    /// everything.
    pub max_stored_bytes: usize,
    pub worktree_root: PathBuf,
    pub server: ServerConfig,
    pub worktree: WorktreeConfig,
    pub providers: BTreeMap<String, ProviderConfig>,
    /// `[permissions]`: rules on top of the turn's preset.
    #[serde(skip)]
    pub permissions: RulesFile,
    /// This process runs under CI (`CI`): `keep = "auto"` then keeps no server.
    #[serde(skip)]
    pub ci: bool,
    /// The environment opencode reads its own configuration from
    /// ([`OPENCODE_CONFIG_ENV`]), as captured with the config.
    #[serde(skip)]
    pub opencode_env: BTreeMap<String, String>,
    #[serde(skip)]
    sources: BTreeMap<&'static str, Source>,
}

/// The default of `max_stored_bytes`: 1 MiB.
pub const DEFAULT_MAX_STORED_BYTES: usize = 1 << 20;

pub const DEFAULT_POST_CREATE_TIMEOUT: Duration = Duration::from_secs(600);

/// The default of `server.max_rss_mb`.
pub const DEFAULT_MAX_RSS_MB: u64 = 1024;
/// The default of `server.idle_timeout_seconds`.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(600);

pub const DEFAULT_WATCHDOG: Duration = Duration::from_secs(180);
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(30);
pub const DEFAULT_SNAPSHOT_TTL: Duration = Duration::from_secs(300);
pub const DEFAULT_PROBE_TTL: Duration = Duration::from_secs(3600);
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(20);
pub const DEFAULT_PROBE_CONCURRENCY: usize = 4;
pub const DEFAULT_HEALTH_TIMEOUT: Duration = Duration::from_secs(60);
pub const DEFAULT_STREAM_TIMEOUT: Duration = Duration::from_secs(30);

mod secs {
    use serde::Serializer;
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }
}

impl Config {
    /// Where the effective value of `key` came from.
    pub fn source(&self, key: &str) -> Source {
        self.sources.get(key).cloned().unwrap_or(Source::Default)
    }

    /// The effective configuration as a JSON value, with secrets masked, and
    /// the source of every top-level setting.
    pub fn masked_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).expect("config serializes");
        if let Some(obj) = v.as_object_mut() {
            obj.insert(
                "database_url".into(),
                mask_url_password(&self.database_url).into(),
            );
            if let Some(u) = &self.llama_swap_url {
                obj.insert("llama_swap_url".into(), mask_url_password(u).into());
            }
            let sources: serde_json::Map<String, serde_json::Value> = self
                .sources
                .iter()
                .map(|(k, s)| (k.to_string(), s.to_string().into()))
                .collect();
            obj.insert("sources".into(), sources.into());
            if let Ok(policy) = Policy::resolve(self, None, "--permissions") {
                obj.insert(
                    "permissions".into(),
                    serde_json::to_value(policy).expect("a policy serializes"),
                );
            }
        }
        v
    }
}

/// Replace the password of a URL with `****`: the one of its user info
/// (`scheme://user:secret@host`) and a `password=` query parameter
/// (`postgres://user@host/db?password=secret`, as libpq takes it). The
/// string is scanned, not parsed, so a URL that does not parse (a bad port,
/// a password holding `/`, `#`, `?` or `@`) never shows its password either:
/// the user info runs from `://` to the last `@`, its password from the
/// first `:` in it.
pub fn mask_url_password(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(range) = url_password(url) {
        out.replace_range(range, "****");
    }
    mask_query_password(&out)
}

/// Where the password of `scheme://USER:PASS@HOST...` is in `url`.
pub fn url_password(url: &str) -> Option<std::ops::Range<usize>> {
    let start = url.find("://")? + 3;
    let at = start + url[start..].rfind('@')?;
    let colon = start + url[start..at].find(':')?;
    Some(colon + 1..at)
}

/// `password=VALUE` query parameters (any case) with VALUE as `****`.
fn mask_query_password(url: &str) -> String {
    let Some(q) = url.find('?') else {
        return url.to_string();
    };
    let (head, query) = url.split_at(q + 1);
    let masked: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=****"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{head}{}", masked.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_hides_only_the_password() {
        assert_eq!(
            mask_url_password("postgres://u:secret@h:5432/db"),
            "postgres://u:****@h:5432/db"
        );
        assert_eq!(mask_url_password("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            mask_url_password("postgres://u@h/db?sslmode=disable&password=s3cret"),
            "postgres://u@h/db?sslmode=disable&password=****"
        );
        for (url, masked) in [
            (
                "postgres://bob:s3cret@host:99999/db",
                "postgres://bob:****@host:99999/db",
            ),
            ("postgres://bob:pa/ss@h/db", "postgres://bob:****@h/db"),
            ("postgres://bob:h#sh@h/db", "postgres://bob:****@h/db"),
            ("postgres://bob:wh?t@h/db", "postgres://bob:****@h/db"),
            ("postgres://bob:a@b@h/db", "postgres://bob:****@h/db"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("sqlite:///x/y.db", "sqlite:///x/y.db"),
        ] {
            assert_eq!(mask_url_password(url), masked);
        }
    }
}
