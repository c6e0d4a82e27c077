//! The tier rules, run concurrently per provider, with persistence and the
//! per-directory snapshot cache.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, Semaphore};

use super::registry::{self, ModelSource, Provider};
use super::{Entry, EntryError, Progress, ProviderError, Status};
use crate::config::{Config, Transport};
use crate::probe::acp::{self, AcpError, AcpProbe};
use crate::probe::{
    Model, ProbeEnv, SlashCommand, availability, claude, llama_swap, merge_models, qwen,
};
use crate::store::{AvailableAgentRow, SnapshotCacheRow, Store};
use crate::timestamp::now_ms;

/// What to build a snapshot (or probe) for.
#[derive(Debug, Clone)]
pub struct SnapshotRequest {
    pub config: Config,
    pub env: ProbeEnv,
    /// The directory ACP sessions are created in (and the cache key).
    pub cwd: PathBuf,
    /// Probe every installed ACP agent, ignoring the TTLs and the cache.
    pub force: bool,
    /// Cancelled on Ctrl-C: a held probe lock is given back before the run
    /// ends.
    pub cancel: tokio_util::sync::CancellationToken,
}

impl SnapshotRequest {
    /// What the snapshot's entries depend on besides the directory: the
    /// providers' configuration, llama-swap's URL, PATH and HOME. Part of
    /// the cache key, so a changed config or another user sharing the
    /// database never reads a foreign snapshot.
    pub fn fingerprint(&self) -> String {
        let parts = [
            serde_json::to_string(&self.config.providers).unwrap_or_default(),
            self.config.llama_swap_url.clone().unwrap_or_default(),
            self.env
                .path
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default(),
            self.env
                .home
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ];
        crate::util::fnv1a_hex(&parts.join("\u{1f}"))
    }

    /// The snapshot cache's key for `cwd` under this request.
    fn cache_key(&self, cwd: &Path) -> String {
        format!("{}\u{1f}{}", cwd.display(), self.fingerprint())
    }
}

/// A provider snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub cwd: String,
    /// When it was built (ms since the Unix epoch).
    #[serde(with = "crate::timestamp::ms")]
    pub built_at: i64,
    /// Read from the cache: nothing was probed.
    pub from_cache: bool,
    pub entries: Vec<Entry>,
    /// Things that did not fail the snapshot but deserve a look (llama-swap
    /// down, an unusable config entry).
    pub warnings: Vec<String>,
}

/// One provider after `boocoder probe`: its entry plus what tier 1 found and
/// whether tier 2 spawned the agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeReport {
    #[serde(flatten)]
    pub entry: Entry,
    pub install_path: Option<String>,
    pub version: Option<String>,
    /// Tier 2 ran: the agent was started by this run.
    pub probed: bool,
}

impl ProbeReport {
    /// A provider's entry before anything is known: not installed, not
    /// probed, with its manifest's modes and commands.
    fn unprobed(p: &Provider) -> ProbeReport {
        ProbeReport {
            entry: Entry {
                name: p.name.clone(),
                label: p.label.clone(),
                description: p.description.clone(),
                transport: p.transport,
                status: Status::Unavailable,
                enabled: p.enabled,
                installed: false,
                models: Vec::new(),
                modes: p.modes.clone(),
                default_mode_id: p.default_mode.clone(),
                commands: p.commands.clone(),
                error: None,
                fetched_at: None,
            },
            install_path: None,
            version: None,
            probed: false,
        }
    }
}

/// The snapshot for `req.cwd`: the cached one while it is younger than the
/// snapshot TTL (unless `force`), else built, stored and returned.
pub async fn snapshot(
    store: &Store,
    req: &SnapshotRequest,
    progress: Arc<dyn Progress>,
) -> crate::Result<Snapshot> {
    let cwd = canonical_cwd(&req.cwd)?;
    let shown = cwd.display().to_string();
    let key = req.cache_key(&cwd);
    if !req.force
        && let Some(row) = store.get_snapshot(&key).await?
        && now_ms() - row.built_at < ttl_ms(req.config.snapshot_ttl)
        && let Ok(entries) = serde_json::from_value::<Vec<Entry>>(row.entries)
    {
        return Ok(Snapshot {
            cwd: shown,
            built_at: row.built_at,
            from_cache: true,
            entries,
            warnings: Vec::new(),
        });
    }
    let (providers, warnings) = registry::configured(&req.config);
    let (reports, mut more) = build(store, req, &cwd, providers, progress).await?;
    let mut all_warnings = warnings;
    all_warnings.append(&mut more);
    let entries: Vec<Entry> = reports.into_iter().map(|r| r.entry).collect();
    let built_at = now_ms();
    store
        .put_snapshot(&SnapshotCacheRow {
            cwd: key.clone(),
            built_at,
            entries: serde_json::to_value(&entries).expect("entries serialize"),
        })
        .await?;
    Ok(Snapshot {
        cwd: shown,
        built_at,
        from_cache: false,
        entries,
        warnings: all_warnings,
    })
}

/// Tier 1 and (by the gating rules) tier 2 for `names` (every provider when
/// empty), persisting what was learned. Returns the reports and warnings.
pub async fn probe(
    store: &Store,
    req: &SnapshotRequest,
    names: &[String],
    progress: Arc<dyn Progress>,
) -> crate::Result<(Vec<ProbeReport>, Vec<String>)> {
    let cwd = canonical_cwd(&req.cwd)?;
    let (mut providers, mut warnings) = registry::configured(&req.config);
    if !names.is_empty() {
        let known: Vec<String> = providers.iter().map(|p| p.name.clone()).collect();
        if let Some(bad) = names.iter().find(|n| !known.contains(n)) {
            return Err(ProviderError::Unknown {
                name: bad.clone(),
                known,
            }
            .into());
        }
        providers.retain(|p| names.contains(&p.name));
    }
    let (reports, mut more) = build(store, req, &cwd, providers, progress).await?;
    warnings.append(&mut more);
    Ok((reports, warnings))
}

/// The cached entry of provider `name` for `req.cwd` (under the request's
/// configuration, PATH and HOME), however old; without one, the entry
/// built from what `probe` stored of the agent (so a `probe` is seen at
/// once). Never starts an agent. Returns the entry and when its snapshot
/// was built (None: from the stored probe).
pub async fn peek(
    store: &Store,
    req: &SnapshotRequest,
    name: &str,
) -> crate::Result<Option<(Entry, Option<i64>)>> {
    let cwd = canonical_cwd(&req.cwd)?;
    if let Some(row) = store.get_snapshot(&req.cache_key(&cwd)).await?
        && let Some(e) = serde_json::from_value::<Vec<Entry>>(row.entries)
            .unwrap_or_default()
            .into_iter()
            .find(|e| e.name == name)
    {
        return Ok(Some((e, Some(row.built_at))));
    }
    let (mut providers, _) = registry::configured(&req.config);
    providers.retain(|p| p.name == name);
    if providers.is_empty() || store.get_available_agent(name).await?.is_none() {
        return Ok(None);
    }
    let stored_only = SnapshotRequest {
        force: false,
        ..req.clone()
    };
    let (reports, _) = build_with(
        store,
        &stored_only,
        &cwd,
        providers,
        Arc::new(Unwatched),
        false,
    )
    .await?;
    Ok(reports.into_iter().next().map(|r| (r.entry, None)))
}

/// Progress nobody watches (a peek starts no agent).
struct Unwatched;

impl Progress for Unwatched {}

fn canonical_cwd(cwd: &Path) -> Result<PathBuf, ProviderError> {
    let bad = |source| ProviderError::BadCwd {
        path: cwd.to_path_buf(),
        source,
    };
    let c = std::fs::canonicalize(cwd).map_err(bad)?;
    if !c.is_dir() {
        return Err(bad(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            "not a directory",
        )));
    }
    Ok(c)
}

fn ttl_ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// State shared by the concurrent per-provider tasks.
struct Shared {
    store: Store,
    config: Config,
    env: ProbeEnv,
    cwd: PathBuf,
    force: bool,
    http: reqwest::Client,
    llama: OnceCell<Vec<String>>,
    warnings: Mutex<Vec<String>>,
    /// This run's name in `probe_locks`.
    owner: String,
    /// Tier 2 may run (false: stored probes only).
    may_probe: bool,
    cancel: tokio_util::sync::CancellationToken,
}

async fn build(
    store: &Store,
    req: &SnapshotRequest,
    cwd: &Path,
    providers: Vec<Provider>,
    progress: Arc<dyn Progress>,
) -> crate::Result<(Vec<ProbeReport>, Vec<String>)> {
    build_with(store, req, cwd, providers, progress, true).await
}

/// [`build`], with tier 2 allowed or not (`may_probe`: false never starts
/// an agent, whatever the TTL says).
async fn build_with(
    store: &Store,
    req: &SnapshotRequest,
    cwd: &Path,
    providers: Vec<Provider>,
    progress: Arc<dyn Progress>,
    may_probe: bool,
) -> crate::Result<(Vec<ProbeReport>, Vec<String>)> {
    let shared = Arc::new(Shared {
        may_probe,
        store: store.clone(),
        config: req.config.clone(),
        env: req.env.clone(),
        cwd: cwd.to_path_buf(),
        force: req.force,
        http: reqwest::Client::new(),
        llama: OnceCell::new(),
        warnings: Mutex::new(Vec::new()),
        owner: format!("{}:{}", std::process::id(), now_ms()),
        cancel: req.cancel.clone(),
    });
    let limit = Arc::new(Semaphore::new(req.config.probe_concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, p) in providers.into_iter().enumerate() {
        let (shared, limit, progress) = (shared.clone(), limit.clone(), progress.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("semaphore open");
            progress.provider_started(&p.name);
            let r = shared.provider(&p).await;
            if let Ok(r) = &r {
                progress.provider_finished(&r.entry);
            }
            (i, r)
        });
    }
    let mut reports = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (i, r) = done.expect("provider task panicked");
        reports.push((i, r?));
    }
    reports.sort_by_key(|(i, _)| *i);
    let warnings = std::mem::take(&mut *shared.warnings.lock().expect("warnings lock"));
    Ok((reports.into_iter().map(|(_, r)| r).collect(), warnings))
}

/// How a tier-2 attempt went.
enum Tier2 {
    /// Another process probed while this one waited for the lock.
    ProbedElsewhere(Option<AvailableAgentRow>),
    /// Probed here; with the row as it was once the lock was held (what
    /// this run falls back on: never the older one read before waiting).
    Probed(
        Result<AcpProbe, AcpError>,
        Option<String>,
        Option<AvailableAgentRow>,
    ),
}

fn stored_list<T: serde::de::DeserializeOwned>(v: Option<&serde_json::Value>) -> Vec<T> {
    v.and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

impl Shared {
    fn warn(&self, w: String) {
        self.warnings.lock().expect("warnings lock").push(w);
    }

    /// The llama-swap models, fetched once per run.
    async fn llama_swap(&self) -> &[String] {
        self.llama
            .get_or_init(|| async {
                let Some(url) = &self.config.llama_swap_url else {
                    return Vec::new();
                };
                let (ids, warning) = llama_swap::models(&self.http, url, llama_swap::TIMEOUT).await;
                if let Some(w) = warning {
                    self.warn(w);
                }
                ids
            })
            .await
    }

    /// Discovered models -> qwen settings, llama-swap, config REPLACE, MERGE.
    async fn finish_models(&self, p: &Provider, mut models: Vec<Model>) -> Vec<Model> {
        if p.model_source == ModelSource::AcpAndQwenSettings
            && let Some(home) = &self.env.home
        {
            merge_models(&mut models, qwen::settings_models(home));
        }
        if p.merge_llama_swap {
            // The local models a llama-swap user came for come first, in
            // llama-swap's order (the agent's entry when it lists one); the
            // agent's own (cloud) models after them.
            let ids = self.llama_swap().await;
            let mut local: Vec<Model> = ids
                .iter()
                .map(|id| {
                    let id = llama_swap::prefixed(id);
                    match models.iter().position(|m| m.id == id) {
                        Some(i) => models.remove(i),
                        None => Model::plain(id),
                    }
                })
                .collect();
            local.append(&mut models);
            models = local;
        }
        if let Some(replace) = &p.models {
            models = replace.clone();
        }
        merge_models(&mut models, p.additional_models.iter().cloned());
        models
    }

    async fn provider(&self, p: &Provider) -> crate::Result<ProbeReport> {
        let mut report = ProbeReport::unprobed(p);
        if !p.enabled {
            return Ok(report);
        }
        let now = now_ms();
        if p.transport == Transport::Native {
            let ids = self.llama_swap().await.to_vec();
            let e = &mut report.entry;
            e.models = self
                .finish_models(p, ids.into_iter().map(Model::plain).collect())
                .await;
            e.installed = true;
            e.status = Status::Ready;
            e.fetched_at = Some(now);
            return Ok(report);
        }

        // Tier 1: a stored install path that still exists, or the binary on PATH.
        let stored = self.store.get_available_agent(&p.name).await?;
        let Some(install_path) = self.install_path(p, stored.as_ref()) else {
            return Ok(report);
        };
        report.entry.installed = true;
        report.install_path = Some(install_path.display().to_string());
        report.version = stored.as_ref().and_then(|s| s.version.clone());

        let stored_models: Vec<Model> = stored_list(stored.as_ref().map(|s| &s.models));
        let last = stored.as_ref().and_then(|s| s.last_probed_at);
        let stale = last.is_none_or(|t| now - t > ttl_ms(self.config.probe_ttl));
        let fell_back = stored.as_ref().and_then(|s| s.transport.as_deref()) == Some("pty");
        // A binary found not to speak ACP has no models to probe for: only
        // --force or the TTL send it another probe.
        let refresh =
            self.may_probe && (self.force || stale || (stored_models.is_empty() && !fell_back));

        if p.model_source == ModelSource::Claude {
            let stored = stored.as_ref();
            return self
                .claude(p, report, stored, &install_path, refresh, now)
                .await;
        }
        if p.transport != Transport::Acp || !refresh {
            // No spawn: stored models, manifest modes, stored commands.
            self.fill_from_store(p, &mut report, stored.as_ref()).await;
            return Ok(report);
        }
        match self.tier2(p, &install_path, last).await? {
            Tier2::ProbedElsewhere(row) => self.fill_from_store(p, &mut report, row.as_ref()).await,
            Tier2::Probed(result, version, fresh) => {
                report.probed = true;
                self.record_probe(p, &mut report, result, version, fresh, now)
                    .await?;
            }
        }
        Ok(report)
    }

    /// The program a provider runs: the stored install path, while it still
    /// exists and is still the configured program (or an older name of it
    /// and the configured one has not been installed since); else the
    /// program found on PATH.
    fn install_path(&self, p: &Provider, stored: Option<&AvailableAgentRow>) -> Option<PathBuf> {
        stored
            .and_then(|s| s.install_path.as_deref())
            .map(PathBuf::from)
            .filter(|stored| {
                let name = stored.file_name();
                let launch = p.launch.first().and_then(|b| Path::new(b).file_name());
                let older = p
                    .alternates
                    .iter()
                    .any(|a| Some(Path::new(a).as_os_str()) == name);
                (name == launch
                    || older
                        && p.launch
                            .first()
                            .and_then(|b| availability::resolve(b, &self.env, &self.cwd))
                            .is_none())
                    && availability::is_executable(stored)
            })
            .or_else(|| p.program(&self.env, &self.cwd))
    }

    /// The entry from a stored row without starting the agent: its models,
    /// commands and version, on a terminal when it was found not to speak
    /// ACP.
    async fn fill_from_store(
        &self,
        p: &Provider,
        report: &mut ProbeReport,
        row: Option<&AvailableAgentRow>,
    ) {
        let e = &mut report.entry;
        if row.and_then(|r| r.transport.as_deref()) == Some("pty") {
            e.transport = Transport::Pty;
        }
        merge_commands(&mut e.commands, stored_list(row.map(|r| &r.commands)));
        e.models = self
            .finish_models(p, stored_list(row.map(|r| &r.models)))
            .await;
        e.status = Status::Ready;
        e.fetched_at = row.and_then(|r| r.last_probed_at);
        report.version = row.and_then(|r| r.version.clone());
    }

    /// Claude Code: its models are known and its commands read from its
    /// home, so it is never started; a refresh asks its version and stores
    /// the lists.
    async fn claude(
        &self,
        p: &Provider,
        mut report: ProbeReport,
        stored: Option<&AvailableAgentRow>,
        install_path: &Path,
        refresh: bool,
        now: i64,
    ) -> crate::Result<ProbeReport> {
        let home = self.env.home.as_deref();
        let commands = home.map(claude::commands).unwrap_or_default();
        let models = claude::models();
        if refresh {
            let version = availability::version(install_path, availability::VERSION_TIMEOUT)
                .await
                .or(report.version.clone());
            report.version = version.clone();
            self.store
                .upsert_available_agent(&AvailableAgentRow {
                    name: p.name.clone(),
                    install_path: report.install_path.clone(),
                    supports_acp: stored.and_then(|s| s.supports_acp),
                    models: serde_json::to_value(&models).expect("models serialize"),
                    commands: serde_json::to_value(&commands).expect("commands serialize"),
                    label: Some(p.label.clone()),
                    transport: Some("acp".into()),
                    version,
                    last_probed_at: Some(now),
                    updated_at: now,
                })
                .await?;
        }
        let last = stored.and_then(|s| s.last_probed_at);
        let e = &mut report.entry;
        merge_commands(&mut e.commands, commands);
        e.models = self.finish_models(p, models).await;
        e.status = Status::Ready;
        e.fetched_at = Some(if refresh { now } else { last.unwrap_or(now) });
        Ok(report)
    }

    /// Store what a probe found and fill the entry from it: the agent's
    /// lists (never an empty list over a stored one), on a terminal when it
    /// does not speak ACP, or the error beside the stored lists (`stored`,
    /// the row as it was once the probe lock was held).
    async fn record_probe(
        &self,
        p: &Provider,
        report: &mut ProbeReport,
        result: Result<AcpProbe, AcpError>,
        version: Option<String>,
        stored: Option<AvailableAgentRow>,
        now: i64,
    ) -> crate::Result<()> {
        let stored_models: Vec<Model> = stored_list(stored.as_ref().map(|s| &s.models));
        let stored_commands: Vec<SlashCommand> = stored_list(stored.as_ref().map(|s| &s.commands));
        let last = stored.as_ref().and_then(|s| s.last_probed_at);
        let version = version.or(report.version.clone());
        report.version = version.clone();
        let mut row = AvailableAgentRow {
            name: p.name.clone(),
            install_path: report.install_path.clone(),
            supports_acp: stored.as_ref().and_then(|s| s.supports_acp),
            models: serde_json::to_value(&stored_models).expect("models serialize"),
            commands: serde_json::to_value(&stored_commands).expect("commands serialize"),
            label: Some(p.label.clone()),
            transport: stored.as_ref().and_then(|s| s.transport.clone()),
            version,
            last_probed_at: last,
            updated_at: now,
        };
        let e = &mut report.entry;
        let (models, commands) = match result {
            Ok(found) => {
                // Never clobber a stored list with an empty one.
                let models = if found.models.is_empty() {
                    stored_models
                } else {
                    found.models
                };
                let commands = if found.commands.is_empty() {
                    stored_commands
                } else {
                    found.commands
                };
                row.models = serde_json::to_value(&models).expect("models serialize");
                row.commands = serde_json::to_value(&commands).expect("commands serialize");
                row.supports_acp = Some(true);
                row.transport = Some("acp".into());
                row.last_probed_at = Some(now);
                if !found.modes.is_empty() {
                    e.modes = found.modes;
                }
                if found.current_mode.is_some() {
                    e.default_mode_id = found.current_mode;
                }
                e.status = Status::Ready;
                e.fetched_at = Some(now);
                (models, commands)
            }
            Err(AcpError::NotAcp { .. }) => {
                row.supports_acp = Some(false);
                row.transport = Some("pty".into());
                row.last_probed_at = Some(now);
                e.transport = Transport::Pty;
                e.status = Status::Ready;
                e.fetched_at = Some(now);
                (stored_models, stored_commands)
            }
            Err(err) => {
                e.status = Status::Error;
                e.error = Some(EntryError {
                    kind: err.kind().into(),
                    message: err.to_string(),
                });
                e.fetched_at = last;
                (stored_models, stored_commands)
            }
        };
        self.store.upsert_available_agent(&row).await?;
        merge_commands(&mut e.commands, commands);
        e.models = self.finish_models(p, models).await;
        Ok(())
    }

    /// Run the ACP probe under the provider's store lock, so concurrent
    /// runs (other processes, other machines) probe one at a time. Once the
    /// lock is held the row is read again: when another run probed since
    /// this one read it (`seen`, its time then), that probe's result is
    /// used instead of starting the agent again. Ctrl-C gives the lock back.
    async fn tier2(&self, p: &Provider, program: &Path, seen: Option<i64>) -> crate::Result<Tier2> {
        let lease = ttl_ms(self.config.probe_timeout * 3 + Duration::from_secs(15));
        loop {
            if self
                .store
                .try_lock_probe(&p.name, &self.owner, lease)
                .await?
                .is_some()
            {
                break;
            }
            tokio::select! {
                _ = self.cancel.cancelled() => return Err(crate::Error::Interrupted),
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
        let row = match self.store.get_available_agent(&p.name).await {
            Ok(r) => r,
            Err(e) => {
                let _ = self.store.unlock_probe(&p.name, &self.owner).await;
                return Err(e.into());
            }
        };
        let probed_since = row
            .as_ref()
            .and_then(|r| r.last_probed_at)
            .is_some_and(|t| seen.is_none_or(|s| t > s));
        if probed_since {
            self.store.unlock_probe(&p.name, &self.owner).await?;
            return Ok(Tier2::ProbedElsewhere(row));
        }
        let args = p.launch.get(1..).unwrap_or_default();
        let probing = async {
            tokio::join!(
                acp::probe(program, args, &self.cwd, self.config.probe_timeout),
                availability::version(program, availability::VERSION_TIMEOUT),
            )
        };
        let (result, version) = tokio::select! {
            r = probing => r,
            _ = self.cancel.cancelled() => {
                let _ = self.store.unlock_probe(&p.name, &self.owner).await;
                return Err(crate::Error::Interrupted);
            }
        };
        self.store.unlock_probe(&p.name, &self.owner).await?;
        Ok(Tier2::Probed(result, version, row))
    }
}

fn merge_commands(commands: &mut Vec<SlashCommand>, more: Vec<SlashCommand>) {
    for c in more {
        if !commands.iter().any(|have| have.name == c.name) {
            commands.push(c);
        }
    }
}
