//! The merge: defaults, the config file, the environment and the flags
//! into one [`Config`], each value's source recorded, then validated.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::dirs::{absolute, expand_path, resolve_dirs};
use super::file::{FileConfig, ServerFile, WorktreeFile, parse_file};
use super::{
    Config, ConfigError, DEFAULT_HEALTH_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_LEASE_TTL,
    DEFAULT_MAX_RSS_MB, DEFAULT_MAX_STORED_BYTES, DEFAULT_POST_CREATE_TIMEOUT,
    DEFAULT_PROBE_CONCURRENCY, DEFAULT_PROBE_TIMEOUT, DEFAULT_PROBE_TTL, DEFAULT_SNAPSHOT_TTL,
    DEFAULT_STREAM_TIMEOUT, DEFAULT_WATCHDOG, Env, OPENCODE_CONFIG_ENV, Overrides, ServerConfig,
    Source, WorktreeConfig,
};
use crate::util::duration::MAX_SECONDS;

/// Whether `CI` says this runs under CI: set to anything but empty, `0`
/// or `false` (GitHub Actions, GitLab and most runners set `CI=true`).
fn ci_from(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        let v = v.trim();
        !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false"))
    })
}

/// The config file in use (`--config`, `BOOCODER_CONFIG`, or the default
/// in the config directory), where that choice came from, and its contents:
/// a missing default file is empty, a missing chosen one an error.
struct ConfigFile {
    path: PathBuf,
    from: Source,
    contents: FileConfig,
    loaded: bool,
}

impl ConfigFile {
    fn read(flags: &Overrides, env: &Env, config_dir: &Path) -> Result<ConfigFile, ConfigError> {
        let (path, from) = match (&flags.config_file, env.get("BOOCODER_CONFIG")) {
            (Some(f), _) => (absolute(f), Source::Flag),
            (None, Some(f)) => (absolute(Path::new(f)), Source::Env("BOOCODER_CONFIG")),
            (None, None) => (config_dir.join("config.toml"), Source::Default),
        };
        let (contents, loaded) = match std::fs::read_to_string(&path) {
            Ok(text) => (parse_file(&path, &text)?, true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if from != Source::Default {
                    return Err(ConfigError::Missing { file: path, from });
                }
                (FileConfig::default(), false)
            }
            Err(source) => return Err(ConfigError::Read { file: path, source }),
        };
        Ok(ConfigFile {
            path,
            from,
            contents,
            loaded,
        })
    }
}

/// The layers a value comes from, recording for each key the one it came
/// from.
struct Layers<'a> {
    env: &'a Env,
    sources: BTreeMap<&'static str, Source>,
}

impl Layers<'_> {
    /// flag > env > file > default.
    fn pick(
        &mut self,
        key: &'static str,
        flag: Option<String>,
        env_name: Option<&'static str>,
        file: Option<String>,
    ) -> Option<String> {
        let (v, s) = if let Some(v) = flag {
            (Some(v), Source::Flag)
        } else if let Some(v) = env_name.and_then(|n| self.env.get(n).map(|v| (v, n))) {
            (Some(v.0.to_string()), Source::Env(v.1))
        } else if let Some(v) = file {
            (Some(v), Source::File)
        } else {
            (None, Source::Default)
        };
        self.sources.insert(key, s);
        v
    }

    /// A number of seconds from the file, else the default.
    fn seconds(&mut self, key: &'static str, v: Option<u64>, default: Duration) -> Duration {
        self.sources.insert(
            key,
            if v.is_some() {
                Source::File
            } else {
                Source::Default
            },
        );
        v.map_or(default, Duration::from_secs)
    }

    /// opencode's binary: a bare name is looked up on PATH later; a path
    /// is made absolute against the config file's directory.
    fn opencode_bin(&mut self, file: Option<String>, file_base: &Path) -> Option<PathBuf> {
        self.pick("opencode_bin", None, Some("BOOCODER_OPENCODE_BIN"), file)
            .map(|b| {
                if b.contains('/') || b.starts_with('~') {
                    expand_path(&b, file_base)
                } else {
                    PathBuf::from(b)
                }
            })
    }

    /// The `[server]` table.
    fn server(&mut self, file: ServerFile) -> ServerConfig {
        ServerConfig {
            keep: file.keep.unwrap_or_default(),
            idle_timeout: self.seconds(
                "server.idle_timeout_seconds",
                file.idle_timeout_seconds,
                DEFAULT_IDLE_TIMEOUT,
            ),
            health_timeout: self.seconds(
                "server.health_timeout_seconds",
                file.health_timeout_seconds,
                DEFAULT_HEALTH_TIMEOUT,
            ),
            stream_timeout: self.seconds(
                "server.stream_timeout_seconds",
                file.stream_timeout_seconds,
                DEFAULT_STREAM_TIMEOUT,
            ),
            disable_models_fetch: file.disable_models_fetch.unwrap_or(true),
            max_rss_mb: file.max_rss_mb.unwrap_or(DEFAULT_MAX_RSS_MB),
            max_directories: file.max_directories.filter(|n| *n > 0),
        }
    }

    /// The `[worktree]` table.
    fn worktree(&mut self, file: WorktreeFile) -> WorktreeConfig {
        WorktreeConfig {
            include: file.include,
            post_create: file.post_create.filter(|c| !c.trim().is_empty()),
            post_create_timeout: self.seconds(
                "worktree.post_create_timeout_seconds",
                file.post_create_timeout_seconds,
                DEFAULT_POST_CREATE_TIMEOUT,
            ),
        }
    }
}

impl Config {
    /// Merge defaults, the config file, the environment and the flags.
    pub fn load(flags: &Overrides, env: &Env) -> Result<Config, ConfigError> {
        let dirs = resolve_dirs(env)?;
        let ConfigFile {
            path: config_file,
            from: file_from,
            contents: file,
            loaded,
        } = ConfigFile::read(flags, env, &dirs.config)?;
        let mut layers = Layers {
            env,
            sources: BTreeMap::from([("config_file", file_from)]),
        };
        let file_base = config_file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dirs.config.clone());

        let database_url = layers
            .pick(
                "database_url",
                flags.database_url.clone(),
                Some("BOOCODER_DATABASE_URL"),
                file.database_url,
            )
            .unwrap_or_else(|| format!("sqlite://{}", dirs.data.join("boocoder.db").display()));
        let default_model = layers
            .pick(
                "default_model",
                None,
                Some("BOOCODER_DEFAULT_MODEL"),
                file.default_model,
            )
            .filter(|m| !m.trim().is_empty());
        let llama_swap_url = layers
            .pick(
                "llama_swap_url",
                None,
                Some("LLAMA_SWAP_URL"),
                file.llama_swap_url,
            )
            .map(|u| u.trim_end_matches('/').to_string());
        let opencode_bin = layers.opencode_bin(file.opencode_bin, &file_base);
        let worktree_root = layers
            .pick("worktree_root", None, None, file.worktree_root)
            .map(|w| expand_path(&w, &file_base))
            .unwrap_or_else(|| dirs.data.join("worktrees"));

        let config = Config {
            ci: ci_from(env.get("CI")),
            opencode_env: OPENCODE_CONFIG_ENV
                .iter()
                .filter_map(|k| env.get(k).map(|v| (k.to_string(), v.to_string())))
                .collect(),
            config_file,
            config_file_loaded: loaded,
            config_dir: dirs.config,
            data_dir: dirs.data,
            state_dir: dirs.state,
            database_url,
            default_model,
            llama_swap_url,
            opencode_bin,
            watchdog: layers.seconds("watchdog_seconds", file.watchdog_seconds, DEFAULT_WATCHDOG),
            lease_ttl: layers.seconds("lease_seconds", file.lease_seconds, DEFAULT_LEASE_TTL),
            snapshot_ttl: layers.seconds(
                "snapshot_ttl_seconds",
                file.snapshot_ttl_seconds,
                DEFAULT_SNAPSHOT_TTL,
            ),
            probe_ttl: layers.seconds(
                "probe_ttl_seconds",
                file.probe_ttl_seconds,
                DEFAULT_PROBE_TTL,
            ),
            probe_timeout: layers.seconds(
                "probe_timeout_seconds",
                file.probe_timeout_seconds,
                DEFAULT_PROBE_TIMEOUT,
            ),
            probe_concurrency: file.probe_concurrency.unwrap_or(DEFAULT_PROBE_CONCURRENCY),
            max_stored_bytes: file.max_stored_bytes.unwrap_or(DEFAULT_MAX_STORED_BYTES),
            worktree_root,
            server: layers.server(file.server),
            worktree: layers.worktree(file.worktree),
            providers: file.providers,
            permissions: file.permissions,
            sources: layers.sources,
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
            if d.is_zero() || d.as_secs() > MAX_SECONDS {
                return Err(invalid(
                    key,
                    format!("must be 1 to {MAX_SECONDS} seconds (365 days)"),
                ));
            }
        }
        for (key, d) in [
            ("snapshot_ttl_seconds", self.snapshot_ttl),
            ("probe_ttl_seconds", self.probe_ttl),
        ] {
            if d.as_secs() > MAX_SECONDS {
                return Err(invalid(
                    key,
                    format!("must be 0 to {MAX_SECONDS} seconds (365 days)"),
                ));
            }
        }
        if self.max_stored_bytes < 1024 {
            return Err(invalid("max_stored_bytes", "must be at least 1024".into()));
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
}
