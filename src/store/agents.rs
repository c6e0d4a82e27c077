//! `available_agents` and `snapshot_cache`: what probes learned about the
//! agents and the provider snapshots built per working directory.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, with_pool};

/// What a probe learned about an agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AvailableAgentRow {
    pub name: String,
    pub install_path: Option<String>,
    pub supports_acp: Option<bool>,
    pub models: serde_json::Value,
    pub commands: serde_json::Value,
    pub label: Option<String>,
    pub transport: Option<String>,
    pub version: Option<String>,
    #[serde(with = "crate::timestamp::opt_ms")]
    pub last_probed_at: Option<i64>,
    #[serde(with = "crate::timestamp::ms")]
    pub updated_at: i64,
}

struct AvailableAgentRaw {
    name: String,
    install_path: Option<String>,
    supports_acp: Option<bool>,
    models: String,
    commands: String,
    label: Option<String>,
    transport: Option<String>,
    version: Option<String>,
    last_probed_at: Option<i64>,
    updated_at: i64,
}

super::rows::from_row!(AvailableAgentRaw {
    name,
    install_path,
    supports_acp,
    models,
    commands,
    label,
    transport,
    version,
    last_probed_at,
    updated_at,
});

impl TryFrom<AvailableAgentRaw> for AvailableAgentRow {
    type Error = StoreError;
    fn try_from(r: AvailableAgentRaw) -> Result<Self, StoreError> {
        Ok(AvailableAgentRow {
            models: parse_json("available_agents.models", &r.models)?,
            commands: parse_json("available_agents.commands", &r.commands)?,
            name: r.name,
            install_path: r.install_path,
            supports_acp: r.supports_acp,
            label: r.label,
            transport: r.transport,
            version: r.version,
            last_probed_at: r.last_probed_at,
            updated_at: r.updated_at,
        })
    }
}

/// A cached provider snapshot for one working directory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotCacheRow {
    pub cwd: String,
    #[serde(with = "crate::timestamp::ms")]
    pub built_at: i64,
    pub entries: serde_json::Value,
}

fn parse_json(what: &'static str, s: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(s).map_err(|source| StoreError::Json { what, source })
}

impl Store {
    // ---- available_agents --------------------------------------------------

    /// Insert or update what a probe learned about an agent.
    pub async fn upsert_available_agent(&self, a: &AvailableAgentRow) -> Result<(), StoreError> {
        let models = a.models.to_string();
        let commands = a.commands.to_string();
        with_pool!(self, pool => sqlx::query(
            "INSERT INTO available_agents (name, install_path, supports_acp, models, commands,
                                           label, transport, version, last_probed_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (name) DO UPDATE SET
                install_path = excluded.install_path, supports_acp = excluded.supports_acp,
                models = excluded.models, commands = excluded.commands, label = excluded.label,
                transport = excluded.transport, version = excluded.version,
                last_probed_at = excluded.last_probed_at, updated_at = excluded.updated_at",
        )
        .bind(&a.name)
        .bind(&a.install_path)
        .bind(a.supports_acp)
        .bind(&models)
        .bind(&commands)
        .bind(&a.label)
        .bind(&a.transport)
        .bind(&a.version)
        .bind(a.last_probed_at)
        .bind(a.updated_at)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    pub async fn get_available_agent(
        &self,
        name: &str,
    ) -> Result<Option<AvailableAgentRow>, StoreError> {
        let raw: Option<AvailableAgentRaw> = with_pool!(self, pool => sqlx::query_as(
            "SELECT name, install_path, supports_acp, models, commands, label, transport, version,
                    last_probed_at, updated_at
             FROM available_agents WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await?);
        raw.map(TryInto::try_into).transpose()
    }

    pub async fn list_available_agents(&self) -> Result<Vec<AvailableAgentRow>, StoreError> {
        let raw: Vec<AvailableAgentRaw> = with_pool!(self, pool => sqlx::query_as(
            "SELECT name, install_path, supports_acp, models, commands, label, transport, version,
                    last_probed_at, updated_at
             FROM available_agents ORDER BY name",
        )
        .fetch_all(pool)
        .await?);
        raw.into_iter().map(TryInto::try_into).collect()
    }

    // ---- snapshot_cache ----------------------------------------------------

    /// Store the snapshot built for `cwd`, replacing an older one.
    pub async fn put_snapshot(&self, s: &SnapshotCacheRow) -> Result<(), StoreError> {
        let entries = s.entries.to_string();
        with_pool!(self, pool => sqlx::query(
            "INSERT INTO snapshot_cache (cwd, built_at, entries) VALUES ($1, $2, $3)
             ON CONFLICT (cwd) DO UPDATE SET built_at = excluded.built_at, entries = excluded.entries",
        )
        .bind(&s.cwd)
        .bind(s.built_at)
        .bind(&entries)
        .execute(pool)
        .await?
        .rows_affected());
        Ok(())
    }

    pub async fn get_snapshot(&self, cwd: &str) -> Result<Option<SnapshotCacheRow>, StoreError> {
        let raw: Option<(String, i64, String)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT cwd, built_at, entries FROM snapshot_cache WHERE cwd = $1",
        )
        .bind(cwd)
        .fetch_optional(pool)
        .await?);
        raw.map(|(cwd, built_at, entries)| {
            Ok(SnapshotCacheRow {
                cwd,
                built_at,
                entries: parse_json("snapshot_cache.entries", &entries)?,
            })
        })
        .transpose()
    }
}
