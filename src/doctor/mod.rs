//! `boocoder doctor`: what a first run needs, checked one by one (the
//! opencode binary, llama-swap, the database, git, the kept server, the
//! worktrees, the ACP agents), each `ok`, `warn` or `fail` with a one-line
//! fix. Nothing is created, migrated, probed or started.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use crate::agent::opencode::{Client, read_state};
use crate::config::{Config, Source, Transport, mask_url_password};
use crate::probe::{ProbeEnv, availability, llama_swap};
use crate::providers::{Entry, registry};
use crate::store::{DatabaseUrl, Migrate, Store};
use crate::util::plural;
use crate::util::process::pid_alive;

mod server;
use server::{kept_agents, server};

/// The opencode version boocoder is tested against (`scripts/install-opencode`).
pub const TESTED_OPENCODE: &str = "1.18.33";

/// How long one network check may take.
const NET_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "fail",
        }
    }
}

/// One check's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// `opencode`, `llama-swap`, `database`, `git`, `server`, `worktrees`,
    /// or `agent:<name>`.
    pub name: String,
    pub status: Level,
    /// One line: what was found.
    pub summary: String,
    /// One line: what to do (warn and fail only).
    pub fix: Option<String>,
    /// What was measured, for scripts.
    pub details: Value,
}

impl Check {
    fn new(name: &str, status: Level, summary: impl Into<String>, details: Value) -> Check {
        Check {
            name: name.into(),
            status,
            summary: summary.into(),
            fix: None,
            details,
        }
    }

    fn fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }
}

/// Every check, in a fixed order.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub checks: Vec<Check>,
}

impl Report {
    /// Whether any check failed.
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == Level::Fail)
    }

    pub fn count(&self, level: Level) -> usize {
        self.checks.iter().filter(|c| c.status == level).count()
    }
}

/// What the checks look at.
#[derive(Debug, Clone)]
pub struct DoctorRequest {
    pub config: Config,
    pub env: ProbeEnv,
    /// The directory whose cached provider snapshot is read.
    pub cwd: PathBuf,
}

/// Run every check (at the same time); never fails as a whole.
pub async fn run(req: &DoctorRequest) -> Report {
    let store = open_store(&req.config.database_url).await;
    let (opencode, llama, git, server, kept) = tokio::join!(
        opencode(req),
        llama_swap_check(&req.config),
        git(),
        server(&req.config),
        kept_agents(&req.config),
    );
    let (database, store) = match store {
        Ok(s) => (database(&req.config, s.as_ref()).await, s),
        Err(c) => (*c, None),
    };
    let worktrees = worktrees(store.as_ref()).await;
    let agents = agents(req, store.as_ref()).await;
    if let Some(s) = &store {
        s.close().await;
    }
    let mut checks = vec![opencode, llama, database, git, server, worktrees, kept];
    checks.extend(agents);
    Report { checks }
}

async fn opencode(req: &DoctorRequest) -> Check {
    let configured = req.config.opencode_bin.clone();
    let wanted = configured
        .clone()
        .unwrap_or_else(|| PathBuf::from("opencode"));
    let from = match (&configured, req.config.source("opencode_bin")) {
        (None, _) => "PATH".to_string(),
        (Some(_), Source::Env(name)) => name.to_string(),
        (Some(_), Source::File) => "opencode_bin in the config file".to_string(),
        (Some(_), _) => "opencode_bin".to_string(),
    };
    let install = "run scripts/install-opencode (the tested version) and export BOOCODER_OPENCODE_BIN=<the path it prints>, or npm install -g opencode-ai@1.18.33";
    let Some(bin) = availability::resolve(&wanted.to_string_lossy(), &req.env, &req.cwd) else {
        let summary = match &configured {
            Some(p) => format!("{} (from {from}) is not an executable", p.display()),
            None => "not found on PATH".into(),
        };
        return Check::new(
            "opencode",
            Level::Fail,
            summary,
            json!({"path": null, "from": from, "version": null, "tested": TESTED_OPENCODE}),
        )
        .fix(install);
    };
    // A first run in a fresh HOME can take several seconds.
    let version = availability::version(&bin, Duration::from_secs(30)).await;
    let asked = req.config.providers.get("opencode").and_then(|c| c.turns);
    let transport = crate::agent::opencode::transport(version.as_deref(), asked);
    let details = json!({"path": bin.display().to_string(), "from": from, "version": version,
        "tested": TESTED_OPENCODE, "transport": transport});
    let turns = match transport {
        "server" => "turns run on its HTTP server",
        _ => "turns run over `opencode acp`",
    };
    let v1 = version
        .as_deref()
        .is_none_or(crate::agent::opencode::serves_v1);
    match version.as_deref() {
        Some(v) if !v1 => {
            let bin = bin.display();
            match asked {
                Some(crate::config::TurnsVia::Server) => Check::new("opencode", Level::Fail,
                    format!("{bin} {v} (from {from}) has no server boocoder can drive, but [providers.opencode] turns = \"server\""), details)
                    .fix("drop `turns = \"server\"` (opencode 2's turns run over `opencode acp`), or install opencode-ai@1.18.33"),
                _ => Check::new("opencode", Level::Ok, format!("{bin} {v} (from {from}); opencode 2: {turns}"), details),
            }
        }
        None => Check::new(
            "opencode",
            Level::Warn,
            format!(
                "{} (from {from}) did not answer --version within 30 s",
                bin.display()
            ),
            details,
        )
        .fix(install),
        Some(v) if v.trim_start_matches('v') == TESTED_OPENCODE => Check::new(
            "opencode",
            Level::Ok,
            format!(
                "{} {v} (from {from}; the tested version); {turns}",
                bin.display()
            ),
            details,
        ),
        Some(v) => Check::new(
            "opencode",
            Level::Warn,
            format!(
                "{} {v} (from {from}); boocoder is tested with {TESTED_OPENCODE}; {turns}",
                bin.display()
            ),
            details,
        )
        .fix(install),
    }
}

async fn llama_swap_check(config: &Config) -> Check {
    let Some(url) = &config.llama_swap_url else {
        return Check::new(
            "llama-swap",
            Level::Warn,
            "not configured: opencode uses its own providers",
            json!({"url": null, "reachable": null, "models": [], "default_model": config.default_model}),
        )
        .fix("set LLAMA_SWAP_URL (or llama_swap_url in the config file) to your llama-swap, e.g. http://127.0.0.1:8080");
    };
    let client = reqwest::Client::new();
    let (models, warning) = llama_swap::models(&client, url, NET_TIMEOUT).await;
    let default = config.default_model.clone();
    // A default that names another provider (`openai/...`) is not llama-swap's to check.
    let bare = default.as_deref().and_then(|m| match m.split_once('/') {
        Some((p, rest)) if format!("{p}/") == llama_swap::PREFIX => Some(rest.to_string()),
        Some(_) => None,
        None => Some(m.to_string()),
    });
    let listed = bare.as_ref().map(|m| models.contains(m));
    let details = json!({
        "url": url,
        "reachable": warning.is_none(),
        "models": models,
        "default_model": default,
        "default_model_listed": listed,
    });
    if let Some(w) = warning {
        return Check::new("llama-swap", Level::Fail, w, details).fix(format!(
            "start llama-swap at {url}, or point LLAMA_SWAP_URL at where it runs"
        ));
    }
    let n = plural(models.len(), "model");
    match (&default, listed) {
        (_, Some(false)) => Check::new(
            "llama-swap",
            Level::Fail,
            format!(
                "{url}: {n}, but default_model {} is not among them",
                default.as_deref().unwrap_or_default()
            ),
            details,
        )
        .fix(format!(
            "set default_model to one of: {}",
            models.join(", ")
        )),
        (None, _) => Check::new(
            "llama-swap",
            Level::Warn,
            format!("{url}: {n}; no default_model set"),
            details,
        )
        .fix("set default_model in the config file, or pass --model to each session or turn"),
        (Some(m), _) => Check::new(
            "llama-swap",
            Level::Ok,
            format!("{url}: {n}, default_model {m} among them"),
            details,
        ),
    }
}

/// The store when the database exists (a SQLite file not yet created is
/// Ok(None)); a database that cannot be opened is the failed check.
async fn open_store(url: &str) -> Result<Option<Store>, Box<Check>> {
    let fail = |summary: String, fix: String| {
        Err(Box::new(
            Check::new(
                "database",
                Level::Fail,
                summary,
                json!({"url": mask_url_password(url), "reachable": false}),
            )
            .fix(fix),
        ))
    };
    match DatabaseUrl::parse(url) {
        Err(e) => fail(
            e.to_string(),
            e.hint()
                .unwrap_or_else(|| "fix --db / BOOCODER_DATABASE_URL".into()),
        ),
        Ok(DatabaseUrl::Sqlite(path)) if !path.exists() => Ok(None),
        Ok(_) => match Store::open(url, Migrate::Skip).await {
            Ok(s) => Ok(Some(s)),
            Err(e) => fail(
                format!("{e}"),
                e.hint().unwrap_or_else(|| {
                    "check that the database server runs and the URL is right".into()
                }),
            ),
        },
    }
}

async fn database(config: &Config, store: Option<&Store>) -> Check {
    let url = mask_url_password(&config.database_url);
    let Some(store) = store else {
        return Check::new(
            "database",
            Level::Ok,
            format!("{url}: not created yet (created on first use)"),
            json!({"url": url, "reachable": true, "exists": false, "applied": 0, "pending": null}),
        );
    };
    let url = mask_url_password(&store.display_url());
    match store.migration_status().await {
        Err(e) => Check::new(
            "database",
            Level::Fail,
            format!("{url}: cannot read its migrations: {e}"),
            json!({"url": url, "reachable": true, "exists": true}),
        )
        .fix("check the database user's rights, then run `boocoder db migrate`"),
        Ok(list) => {
            let applied = list.iter().filter(|m| m.applied).count();
            let pending = list.len() - applied;
            let mismatch = list.iter().filter(|m| m.checksum_mismatch).count();
            let details = json!({
                "url": url,
                "backend": store.backend(),
                "reachable": true,
                "exists": true,
                "applied": applied,
                "pending": pending,
                "checksum_mismatch": mismatch,
            });
            let base = format!(
                "{url}: {} applied, {pending} pending",
                plural(applied, "migration")
            );
            if mismatch > 0 {
                Check::new(
                    "database",
                    Level::Warn,
                    format!("{base}; {mismatch} changed since applied"),
                    details,
                )
                .fix("the database was migrated by another boocoder build: use that build, or a fresh database")
            } else if pending > 0 {
                Check::new("database", Level::Warn, base, details)
                    .fix("run `boocoder db migrate` (every command also applies them on first use)")
            } else {
                Check::new("database", Level::Ok, base, details)
            }
        }
    }
}

async fn git() -> Check {
    let out = tokio::time::timeout(
        NET_TIMEOUT,
        tokio::process::Command::new("git")
            .arg("--version")
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await;
    match out {
        Ok(Ok(o)) if o.status.success() => {
            let v = String::from_utf8_lossy(&o.stdout).trim().to_string();
            let version = v.trim_start_matches("git version ").to_string();
            Check::new(
                "git",
                Level::Ok,
                v,
                json!({"found": true, "version": version}),
            )
        }
        _ => Check::new(
            "git",
            Level::Warn,
            "git not found: worktrees work without it (libgit2), but applying a session's diff needs it",
            json!({"found": false, "version": null}),
        )
        .fix("install git (e.g. apt install git)"),
    }
}

async fn worktrees(store: Option<&Store>) -> Check {
    let Some(store) = store else {
        return Check::new(
            "worktrees",
            Level::Ok,
            "none",
            json!({"count": 0, "bytes": 0, "missing": []}),
        );
    };
    let rows = match store.list_worktrees(None).await {
        Ok(r) => r,
        Err(e) => {
            return Check::new(
                "worktrees",
                Level::Warn,
                format!("cannot list them: {e}"),
                json!({"count": null}),
            )
            .fix("run `boocoder db migrate`");
        }
    };
    let paths: Vec<(String, PathBuf)> = rows
        .iter()
        .map(|r| (r.session.clone(), PathBuf::from(&r.path)))
        .collect();
    let (bytes, missing) = crate::util::blocking(move || {
        let mut bytes = 0u64;
        let mut missing = Vec::new();
        for (session, path) in &paths {
            if path.is_dir() {
                bytes += disk_used(path);
            } else {
                missing.push(session.clone());
            }
        }
        (bytes, missing)
    })
    .await
    .unwrap_or_default();
    let summary = format!(
        "{}, {} on disk",
        plural(rows.len(), "worktree"),
        human_bytes(bytes)
    );
    let details = json!({"count": rows.len(), "bytes": bytes, "missing": missing});
    if missing.is_empty() {
        Check::new("worktrees", Level::Ok, summary, details)
    } else {
        Check::new(
            "worktrees",
            Level::Warn,
            format!(
                "{summary}; {} gone from disk: {}",
                missing.len(),
                missing.join(", ")
            ),
            details,
        )
        .fix("run `boocoder worktree prune` to forget them")
    }
}

/// Bytes used by the files under `dir` (symlinks not followed).
fn disk_used(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(m) = e.metadata() else { continue };
            if m.is_dir() {
                stack.push(e.path());
            } else {
                total += m.len();
            }
        }
    }
    total
}

/// One check per ACP agent: its entry in the cached snapshot of the
/// directory when there is one, else whether its launch binary is found.
async fn agents(req: &DoctorRequest, store: Option<&Store>) -> Vec<Check> {
    let (providers, _) = registry::configured(&req.config);
    let cached: Vec<Entry> = match (store, req.cwd.canonicalize()) {
        (Some(s), Ok(cwd)) => s
            .get_snapshot(&cwd.display().to_string())
            .await
            .ok()
            .flatten()
            .and_then(|row| serde_json::from_value(row.entries).ok())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for p in providers
        .iter()
        .filter(|p| p.transport != Transport::Native)
    {
        let name = format!("agent:{}", p.name);
        let launch = p.launch.join(" ");
        let path = p.program(&req.env, &req.cwd);
        let entry = cached.iter().find(|e| e.name == p.name);
        let details = json!({
            "enabled": p.enabled,
            "launch": launch,
            "path": path.as_ref().map(|p| p.display().to_string()),
            "snapshot": entry.map(|e| json!({"status": e.status, "installed": e.installed, "models": e.models.len()})),
        });
        let check = if !p.enabled {
            Check::new(&name, Level::Ok, "disabled in the config", details)
        } else if let Some(err) = entry.and_then(|e| e.error.as_ref()) {
            Check::new(
                &name,
                Level::Warn,
                format!("{launch}: {} ({})", err.kind, err.message),
                details,
            )
            .fix(format!(
                "run `boocoder probe {} --force` to see it again",
                p.name
            ))
        } else if let Some(path) = &path {
            let models = entry
                .map(|e| format!(", {} in the snapshot", plural(e.models.len(), "model")))
                .unwrap_or_default();
            Check::new(
                &name,
                Level::Ok,
                format!("installed at {}{models}", path.display()),
                details,
            )
        } else if p.name == "opencode" {
            // The default agent is not optional: the `opencode` check fails
            // for the same cause, so this one warns (one cause, one failure).
            Check::new(
                &name,
                Level::Warn,
                format!(
                    "not installed: `{launch}` is not found, and opencode is the default agent"
                ),
                details,
            )
            .fix("see the opencode check")
        } else {
            let how = p
                .install
                .as_ref()
                .map(|i| format!("; {i}"))
                .unwrap_or_default();
            Check::new(
                &name,
                Level::Ok,
                format!("not installed (optional; `{launch}` is not on PATH{how})"),
                details,
            )
        };
        out.push(check);
    }
    out
}

fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if b < 1024 {
        return plural(b as usize, "byte");
    }
    let mut v = b as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_and_sizes() {
        assert_eq!(plural(1, "file"), "1 file");
        assert_eq!(plural(0, "file"), "0 files");
        assert_eq!(plural(2, "file"), "2 files");
        assert_eq!(human_bytes(1), "1 byte");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024), "3.0 MiB");
    }
}
