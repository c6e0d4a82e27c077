//! The merge: defaults, the config file, the environment and the flags
//! into one [`Config`], each value's source recorded, then validated.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::dirs::{absolute, expand_path, resolve_dirs};
use super::file::{FileConfig, parse_file};
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
            max_stored_bytes: file.max_stored_bytes.unwrap_or(DEFAULT_MAX_STORED_BYTES),
            worktree_root,
            server: ServerConfig {
                keep: file.server.keep.unwrap_or_default(),
                idle_timeout,
                health_timeout,
                stream_timeout,
                disable_models_fetch: file.server.disable_models_fetch.unwrap_or(true),
                max_rss_mb: file.server.max_rss_mb.unwrap_or(DEFAULT_MAX_RSS_MB),
                max_directories: file.server.max_directories.filter(|n| *n > 0),
            },
            worktree: WorktreeConfig {
                include: file.worktree.include,
                post_create: file.worktree.post_create.filter(|c| !c.trim().is_empty()),
                post_create_timeout,
            },
            providers: file.providers,
            permissions: file.permissions,
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
