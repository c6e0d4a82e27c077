//! Configuration: the config file, environment and command-line flags, merged
//! once into one typed [`Config`] (precedence: flag > env > file > default).
//!
//! Nothing below the command layer reads environment variables: the caller
//! captures them in an [`Env`] and passes it here.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Environment variables boocoder reads, captured once by the caller.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
}

impl Env {
    /// The variables this module understands.
    pub const NAMES: [&'static str; 14] = [
        "BOOCODER_DATABASE_URL",
        "BOOCODER_DEFAULT_MODEL",
        "BOOCODER_CONFIG",
        "BOOCODER_DATA_DIR",
        "BOOCODER_STATE_DIR",
        "BOOCODER_CONFIG_DIR",
        "BOOCODER_OPENCODE_BIN",
        "LLAMA_SWAP_URL",
        "CI",
        "HOME",
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "OPENCODE_CONFIG",
        "OPENCODE_CONFIG_DIR",
    ];

    /// Capture the relevant variables of this process.
    pub fn from_process() -> Env {
        Env::from_pairs(
            Self::NAMES
                .iter()
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

/// How boocoder talks to an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// boocoder itself (the llama-swap models).
    Native,
    /// Agent Client Protocol over stdio.
    Acp,
    /// A terminal program without ACP.
    Pty,
}

/// How a provider's turns run (`[providers.<name>] turns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TurnsVia {
    /// opencode's HTTP server (opencode's default).
    Server,
    /// The provider's ACP launch command over stdio.
    Acp,
}

/// A model named in the config: either `"id"` or `{ id = "...", label = "..." }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ModelSpecRepr")]
pub struct ModelSpec {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ModelSpecRepr {
    Id(String),
    Full {
        id: String,
        #[serde(default)]
        label: Option<String>,
    },
}

impl From<ModelSpecRepr> for ModelSpec {
    fn from(r: ModelSpecRepr) -> Self {
        match r {
            ModelSpecRepr::Id(id) => ModelSpec { id, label: None },
            ModelSpecRepr::Full { id, label } => ModelSpec { id, label },
        }
    }
}

/// A command line: `"goose acp"` (split on whitespace) or `["goose", "acp"]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "CommandRepr", into = "Vec<String>")]
pub struct CommandLine(pub Vec<String>);

#[derive(Deserialize)]
#[serde(untagged)]
enum CommandRepr {
    Line(String),
    Argv(Vec<String>),
}

impl From<CommandRepr> for CommandLine {
    fn from(r: CommandRepr) -> Self {
        match r {
            CommandRepr::Line(s) => CommandLine(s.split_whitespace().map(String::from).collect()),
            CommandRepr::Argv(v) => CommandLine(v),
        }
    }
}

impl From<CommandLine> for Vec<String> {
    fn from(c: CommandLine) -> Self {
        c.0
    }
}

/// `[providers.<name>]`: overrides of a built-in provider, or a custom ACP
/// provider when the name is not built in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub launch_command: Option<CommandLine>,
    /// Replaces the discovered model list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub models: Option<Vec<ModelSpec>>,
    /// Merged on top of the discovered model list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_models: Option<Vec<ModelSpec>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
    /// How turns run: `acp` runs opencode over `opencode acp` instead of its server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turns: Option<TurnsVia>,
}

/// `[server]`: the opencode server boocoder starts or reattaches to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerConfig {
    /// Whether a server a command starts stays running as the recorded one.
    pub keep: Keep,
    /// With `keep = "auto"`: a self-kept server stops after this long with
    /// no command attached.
    #[serde(rename = "idle_timeout_seconds", with = "secs")]
    pub idle_timeout: Duration,
    /// How long to wait for a new server to become healthy.
    #[serde(with = "secs")]
    pub health_timeout: Duration,
    /// A stream silent this long is dead (heartbeats come every 10 s).
    #[serde(with = "secs")]
    pub stream_timeout: Duration,
    /// Keep opencode offline (`OPENCODE_DISABLE_MODELS_FETCH=1`).
    pub disable_models_fetch: bool,
}

/// `[worktree]`: what a new worktree gets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WorktreeConfig {
    /// Globs (gitignore syntax) of git-ignored files copied from the checkout.
    pub include: Vec<String>,
    /// A shell command run in each new worktree.
    pub post_create: Option<String>,
    #[serde(rename = "post_create_timeout_seconds", with = "secs")]
    pub post_create_timeout: Duration,
}

pub const DEFAULT_POST_CREATE_TIMEOUT: Duration = Duration::from_secs(600);

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorktreeFile {
    #[serde(default)]
    include: Vec<String>,
    post_create: Option<String>,
    post_create_timeout_seconds: Option<u64>,
}

/// `[server] keep`: `true` (a started server stays until `server stop`),
/// `false` (every command's server is short-lived), or `"auto"` (the
/// default: outside CI a started server stays, and stops itself after
/// `idle_timeout_seconds` with no command attached).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    #[default]
    Auto,
    Always,
    Never,
}

impl Serialize for Keep {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Keep::Auto => s.serialize_str("auto"),
            Keep::Always => s.serialize_bool(true),
            Keep::Never => s.serialize_bool(false),
        }
    }
}

impl<'de> Deserialize<'de> for Keep {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keep, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Keep;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a boolean or \"auto\"")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Keep, E> {
                Ok(if v { Keep::Always } else { Keep::Never })
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Keep, E> {
                match v {
                    "auto" => Ok(Keep::Auto),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Whether `CI` says this runs under CI: set to anything but empty, `0`
/// or `false` (GitHub Actions, GitLab and most runners set `CI=true`).
fn ci_from(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        let v = v.trim();
        !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false"))
    })
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

/// The default of `server.idle_timeout_seconds`.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(600);

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerFile {
    keep: Option<Keep>,
    idle_timeout_seconds: Option<u64>,
    health_timeout_seconds: Option<u64>,
    stream_timeout_seconds: Option<u64>,
    disable_models_fetch: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    default_model: Option<String>,
    llama_swap_url: Option<String>,
    opencode_bin: Option<String>,
    watchdog_seconds: Option<u64>,
    lease_seconds: Option<u64>,
    snapshot_ttl_seconds: Option<u64>,
    probe_ttl_seconds: Option<u64>,
    probe_timeout_seconds: Option<u64>,
    probe_concurrency: Option<usize>,
    worktree_root: Option<String>,
    #[serde(default)]
    server: ServerFile,
    #[serde(default)]
    worktree: WorktreeFile,
    #[serde(default)]
    providers: BTreeMap<String, ProviderConfig>,
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
    pub worktree_root: PathBuf,
    pub server: ServerConfig,
    pub worktree: WorktreeConfig,
    pub providers: BTreeMap<String, ProviderConfig>,
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

pub const DEFAULT_WATCHDOG: Duration = Duration::from_secs(180);
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(30);
pub const DEFAULT_SNAPSHOT_TTL: Duration = Duration::from_secs(300);
pub const DEFAULT_PROBE_TTL: Duration = Duration::from_secs(3600);
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(20);
pub const DEFAULT_PROBE_CONCURRENCY: usize = 4;
pub const DEFAULT_HEALTH_TIMEOUT: Duration = Duration::from_secs(60);
pub const DEFAULT_STREAM_TIMEOUT: Duration = Duration::from_secs(30);

/// A config problem; always exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {source}", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file {} does not exist", file.display())]
    Missing { file: PathBuf, from: Source },
    #[error("invalid config file {}: line {line}, column {column}{}: {message}", file.display(), key.as_deref().map(|k| format!(", key `{k}`")).unwrap_or_default())]
    Parse {
        file: PathBuf,
        line: usize,
        column: usize,
        key: Option<String>,
        message: String,
    },
    #[error("invalid value for `{key}` ({from}): {message}")]
    Invalid {
        key: String,
        from: Source,
        message: String,
        hint: Option<String>,
    },
    #[error("cannot determine the {what} directory: no home directory")]
    NoHome { what: &'static str },
}

impl ConfigError {
    pub fn hint(&self) -> Option<String> {
        match self {
            ConfigError::Missing { from, .. } => Some(format!(
                "the file was named by {from}; create it or point to an existing file"
            )),
            ConfigError::Parse { .. } => {
                Some("see the README's Configuration section for the keys and their types".into())
            }
            ConfigError::Invalid { hint, .. } => hint.clone(),
            ConfigError::NoHome { .. } => Some(
                "set BOOCODER_DATA_DIR, BOOCODER_STATE_DIR and BOOCODER_CONFIG_DIR, or HOME".into(),
            ),
            ConfigError::Read { .. } => None,
        }
    }
}

mod secs {
    use serde::Serializer;
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }
}

struct Dirs {
    config: PathBuf,
    data: PathBuf,
    state: PathBuf,
}

fn resolve_dirs(env: &Env) -> Result<Dirs, ConfigError> {
    let project = directories::ProjectDirs::from("", "", "boocoder");
    let pick = |var: &str, what: &'static str, dflt: Option<PathBuf>| {
        env.get(var)
            .map(PathBuf::from)
            .or(dflt)
            .ok_or(ConfigError::NoHome { what })
    };
    let config = pick(
        "BOOCODER_CONFIG_DIR",
        "config",
        project.as_ref().map(|p| p.config_dir().to_path_buf()),
    )?;
    let data = pick(
        "BOOCODER_DATA_DIR",
        "data",
        project.as_ref().map(|p| p.data_dir().to_path_buf()),
    )?;
    let state_default = project
        .as_ref()
        .map(|p| p.state_dir().unwrap_or(p.data_local_dir()).to_path_buf());
    let state = pick("BOOCODER_STATE_DIR", "state", state_default)?;
    Ok(Dirs {
        config: absolute(&config),
        data: absolute(&data),
        state: absolute(&state),
    })
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

fn home_dir() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf())
}

/// `~/x` -> `<home>/x`; a relative path -> relative to `base`.
fn expand_path(raw: &str, base: &Path) -> PathBuf {
    let p = match raw.strip_prefix("~/") {
        Some(rest) => match home_dir() {
            Some(h) => h.join(rest),
            None => PathBuf::from(raw),
        },
        None => PathBuf::from(raw),
    };
    if p.is_absolute() { p } else { base.join(p) }
}

impl Config {
    /// Merge defaults, the config file, the environment and the flags.
    pub fn load(flags: &Overrides, env: &Env) -> Result<Config, ConfigError> {
        let dirs = resolve_dirs(env)?;
        let mut sources = BTreeMap::new();

        let (config_file, file_from) = match (&flags.config_file, env.get("BOOCODER_CONFIG")) {
            (Some(f), _) => (absolute(f), Source::Flag),
            (None, Some(f)) => (absolute(Path::new(f)), Source::Env("BOOCODER_CONFIG")),
            (None, None) => (dirs.config.join("config.toml"), Source::Default),
        };
        let (file, loaded) = match std::fs::read_to_string(&config_file) {
            Ok(text) => (parse_file(&config_file, &text)?, true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if file_from != Source::Default {
                    return Err(ConfigError::Missing {
                        file: config_file,
                        from: file_from,
                    });
                }
                (FileConfig::default(), false)
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    file: config_file,
                    source,
                });
            }
        };
        sources.insert("config_file", file_from);
        let file_base = config_file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dirs.config.clone());

        // flag > env > file > default, recording where each value came from.
        let mut layered = |key: &'static str,
                           flag: Option<String>,
                           env_name: Option<&'static str>,
                           file: Option<String>|
         -> Option<String> {
            let (v, s) = if let Some(v) = flag {
                (Some(v), Source::Flag)
            } else if let Some(v) = env_name.and_then(|n| env.get(n).map(|v| (v, n))) {
                (Some(v.0.to_string()), Source::Env(v.1))
            } else if let Some(v) = file {
                (Some(v), Source::File)
            } else {
                (None, Source::Default)
            };
            sources.insert(key, s);
            v
        };

        let database_url = layered(
            "database_url",
            flags.database_url.clone(),
            Some("BOOCODER_DATABASE_URL"),
            file.database_url,
        )
        .unwrap_or_else(|| format!("sqlite://{}", dirs.data.join("boocoder.db").display()));
        let default_model = layered(
            "default_model",
            None,
            Some("BOOCODER_DEFAULT_MODEL"),
            file.default_model,
        )
        .filter(|m| !m.trim().is_empty());
        let llama_swap_url = layered(
            "llama_swap_url",
            None,
            Some("LLAMA_SWAP_URL"),
            file.llama_swap_url,
        )
        .map(|u| u.trim_end_matches('/').to_string());
        let opencode_bin = layered(
            "opencode_bin",
            None,
            Some("BOOCODER_OPENCODE_BIN"),
            file.opencode_bin,
        )
        .map(|b| {
            // A bare name is looked up on PATH later; a path is made absolute.
            if b.contains('/') || b.starts_with('~') {
                expand_path(&b, &file_base)
            } else {
                PathBuf::from(b)
            }
        });
        let worktree_root = layered("worktree_root", None, None, file.worktree_root)
            .map(|w| expand_path(&w, &file_base))
            .unwrap_or_else(|| dirs.data.join("worktrees"));

        let mut seconds = |key: &'static str, v: Option<u64>, d: Duration| match v {
            Some(s) => {
                sources.insert(key, Source::File);
                Duration::from_secs(s)
            }
            None => {
                sources.insert(key, Source::Default);
                d
            }
        };
        let watchdog = seconds("watchdog_seconds", file.watchdog_seconds, DEFAULT_WATCHDOG);
        let lease_ttl = seconds("lease_seconds", file.lease_seconds, DEFAULT_LEASE_TTL);
        let snapshot_ttl = seconds(
            "snapshot_ttl_seconds",
            file.snapshot_ttl_seconds,
            DEFAULT_SNAPSHOT_TTL,
        );
        let probe_ttl = seconds(
            "probe_ttl_seconds",
            file.probe_ttl_seconds,
            DEFAULT_PROBE_TTL,
        );
        let probe_timeout = seconds(
            "probe_timeout_seconds",
            file.probe_timeout_seconds,
            DEFAULT_PROBE_TIMEOUT,
        );
        let health_timeout = seconds(
            "server.health_timeout_seconds",
            file.server.health_timeout_seconds,
            DEFAULT_HEALTH_TIMEOUT,
        );
        let idle_timeout = seconds(
            "server.idle_timeout_seconds",
            file.server.idle_timeout_seconds,
            DEFAULT_IDLE_TIMEOUT,
        );
        let stream_timeout = seconds(
            "server.stream_timeout_seconds",
            file.server.stream_timeout_seconds,
            DEFAULT_STREAM_TIMEOUT,
        );

        let post_create_timeout = seconds(
            "worktree.post_create_timeout_seconds",
            file.worktree.post_create_timeout_seconds,
            DEFAULT_POST_CREATE_TIMEOUT,
        );
        let opencode_env = OPENCODE_CONFIG_ENV
            .iter()
            .filter_map(|k| env.get(k).map(|v| (k.to_string(), v.to_string())))
            .collect();
        let config = Config {
            ci: ci_from(env.get("CI")),
            opencode_env,
            config_file,
            config_file_loaded: loaded,
            config_dir: dirs.config,
            data_dir: dirs.data,
            state_dir: dirs.state,
            database_url,
            default_model,
            llama_swap_url,
            opencode_bin,
            watchdog,
            lease_ttl,
            snapshot_ttl,
            probe_ttl,
            probe_timeout,
            probe_concurrency: file.probe_concurrency.unwrap_or(DEFAULT_PROBE_CONCURRENCY),
            worktree_root,
            server: ServerConfig {
                keep: file.server.keep.unwrap_or_default(),
                idle_timeout,
                health_timeout,
                stream_timeout,
                disable_models_fetch: file.server.disable_models_fetch.unwrap_or(true),
            },
            worktree: WorktreeConfig {
                include: file.worktree.include,
                post_create: file.worktree.post_create.filter(|c| !c.trim().is_empty()),
                post_create_timeout,
            },
            providers: file.providers,
            sources,
        };
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            key: key.to_string(),
            from: self.source(key),
            message,
            hint: None,
        };
        for (key, d) in [
            ("watchdog_seconds", self.watchdog),
            ("lease_seconds", self.lease_ttl),
            ("probe_timeout_seconds", self.probe_timeout),
            ("server.health_timeout_seconds", self.server.health_timeout),
            ("server.stream_timeout_seconds", self.server.stream_timeout),
            ("server.idle_timeout_seconds", self.server.idle_timeout),
            (
                "worktree.post_create_timeout_seconds",
                self.worktree.post_create_timeout,
            ),
        ] {
            if d.is_zero() {
                return Err(invalid(key, "must be at least 1 second".into()));
            }
        }
        if self.probe_concurrency == 0 {
            return Err(invalid("probe_concurrency", "must be at least 1".into()));
        }
        if let Some(url) = &self.llama_swap_url {
            match reqwest::Url::parse(url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {}
                Ok(_) => {
                    return Err(invalid(
                        "llama_swap_url",
                        format!("`{url}` is not an http(s) URL"),
                    ));
                }
                Err(e) => {
                    return Err(invalid(
                        "llama_swap_url",
                        format!("`{url}` is not a URL: {e}"),
                    ));
                }
            }
        }
        crate::store::DatabaseUrl::parse(&self.database_url).map_err(|e| ConfigError::Invalid {
            key: "database_url".into(),
            from: self.source("database_url"),
            message: e.to_string(),
            hint: e.hint(),
        })?;
        for (name, p) in &self.providers {
            if let Some(cmd) = &p.launch_command
                && cmd.0.is_empty()
            {
                return Err(invalid(
                    &format!("providers.{name}.launch_command"),
                    "must name a program".into(),
                ));
            }
        }
        Ok(())
    }

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
        }
        v
    }
}

/// Replace the password of a URL with `****`: the one of its user info
/// (`scheme://user:secret@host`) and a `password=` query parameter
/// (`postgres://user@host/db?password=secret`, as libpq takes it).
pub fn mask_url_password(url: &str) -> String {
    let Ok(mut u) = reqwest::Url::parse(url) else {
        return url.to_string();
    };
    let mut changed = false;
    if u.password().is_some() {
        let _ = u.set_password(Some("****"));
        changed = true;
    }
    if let Some(query) = u.query().map(str::to_string) {
        let masked: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => {
                    changed = true;
                    format!("{k}=****")
                }
                _ => pair.to_string(),
            })
            .collect();
        u.set_query(Some(&masked.join("&")));
    }
    if changed {
        u.to_string()
    } else {
        url.to_string()
    }
}

fn parse_file(file: &Path, text: &str) -> Result<FileConfig, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let offset = e.span().map(|s| s.start).unwrap_or(0).min(text.len());
        let line = text[..offset].matches('\n').count() + 1;
        let line_start = text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = text[line_start..offset].chars().count() + 1;
        ConfigError::Parse {
            file: file.to_path_buf(),
            line,
            column,
            key: key_at_line(text, line),
            message: e.message().trim().to_string(),
        }
    })
}

/// The dotted key defined on line `line` (1-based): the table header above it
/// plus the key left of `=`, when the line has that shape.
fn key_at_line(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let this = lines.get(line.checked_sub(1)?)?.trim();
    let header = |l: &str| {
        let l = l.trim();
        (l.starts_with('[') && !l.contains('='))
            .then(|| l.trim_matches(|c| c == '[' || c == ']').trim().to_string())
    };
    if let Some(h) = header(this) {
        return Some(h);
    }
    let key = this.split_once('=')?.0.trim().trim_matches('"').to_string();
    if key.is_empty() || key.starts_with('#') {
        return None;
    }
    let table = lines[..line - 1].iter().rev().find_map(|l| header(l));
    Some(match table {
        Some(t) if !t.is_empty() => format!("{t}.{key}"),
        _ => key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_at_line_names_table_and_key() {
        let text = "a = 1\n[server]\nkeep = \"yes\"\n";
        assert_eq!(key_at_line(text, 3).as_deref(), Some("server.keep"));
        assert_eq!(key_at_line(text, 1).as_deref(), Some("a"));
        assert_eq!(key_at_line(text, 2).as_deref(), Some("server"));
    }

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
    }

    #[test]
    fn launch_command_accepts_line_or_argv() {
        let p: ProviderConfig = toml::from_str("launch_command = \"goose acp\"").unwrap();
        assert_eq!(p.launch_command.unwrap().0, vec!["goose", "acp"]);
        let p: ProviderConfig = toml::from_str("launch_command = [\"a b\", \"c\"]").unwrap();
        assert_eq!(p.launch_command.unwrap().0, vec!["a b", "c"]);
    }
}
