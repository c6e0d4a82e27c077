//! `boocoder snapshot [--force] [--cwd DIR]` and `boocoder snapshot peek`.

mod peek;

use std::path::PathBuf;

use anyhow::Result;
use boocoder::Exit;
use clap::{Args, Subcommand};

use super::{Context, provider_table};

#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "\
A snapshot younger than snapshot_ttl_seconds (default 300) is read from the \
database without probing anything, so a second process gets it at once. \
--force rebuilds it: every installed ACP agent is probed (one probe per agent \
at a time across processes), llama-swap is asked for its models, and the \
result is stored.

For cron: `boocoder snapshot --force -q` exits 0 when the snapshot was rebuilt \
and stored, even if some providers are unavailable; non-zero only when it \
could not be built or stored."
)]
pub struct SnapshotArgs {
    #[command(subcommand)]
    pub command: Option<SnapshotCommand>,
    /// Rebuild it: probe the agents, ignoring the cache and the probe TTL
    #[arg(long)]
    pub force: bool,
    /// The directory the snapshot is for [default: current directory]
    #[arg(long, value_name = "DIR")]
    pub cwd: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum SnapshotCommand {
    /// One provider's cached entry; never probes (exit 1 when there is none)
    Peek(peek::PeekArgs),
}

pub async fn run(ctx: &Context, args: &SnapshotArgs) -> Result<Exit> {
    if let Some(SnapshotCommand::Peek(a)) = &args.command {
        return peek::run(ctx, a).await;
    }
    let req = provider_table::request(ctx, args.cwd.as_deref(), args.force)?;
    let store = ctx.store().await?;
    let snap = boocoder::providers::snapshot(store, &req, ctx.out.reporter()).await?;
    for w in &snap.warnings {
        tracing::warn!("{w}");
    }
    match ctx.out.format {
        super::Format::Json => ctx.out.record("snapshot", &snap)?,
        super::Format::Ndjson => {
            for e in &snap.entries {
                ctx.out.record("provider", e)?;
            }
            ctx.out.record(
                "snapshot",
                &SnapshotSummary {
                    cwd: &snap.cwd,
                    built_at: boocoder::timestamp::rfc3339(snap.built_at),
                    from_cache: snap.from_cache,
                    providers: snap.entries.len(),
                    warnings: &snap.warnings,
                },
            )?;
        }
        super::Format::Text => {
            let rows: Vec<_> = snap
                .entries
                .iter()
                .map(|e| {
                    let ids: Vec<&str> = e.models.iter().take(3).map(|m| m.id.as_str()).collect();
                    let more = e.models.len().saturating_sub(3);
                    let mut note = ids.join(", ");
                    if more > 0 {
                        note.push_str(&format!(" (+{more})"));
                    }
                    (e, note)
                })
                .collect();
            ctx.out.stdout(&provider_table::table(ctx, &rows))?;
            if snap.from_cache {
                ctx.out
                    .info("(cached snapshot; `boocoder snapshot --force` rebuilds it)");
            }
        }
    }
    Ok(Exit::Ok)
}

/// The last ndjson line of `snapshot`: the snapshot without its entries.
#[derive(serde::Serialize)]
struct SnapshotSummary<'a> {
    cwd: &'a str,
    built_at: String,
    from_cache: bool,
    providers: usize,
    warnings: &'a [String],
}
