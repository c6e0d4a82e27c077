//! `boocoder probe [NAME...] [--force]`

use std::path::PathBuf;

use anyhow::Result;
use boocoder::Exit;
use clap::Args;

use super::{Context, provider_table};

#[derive(Debug, Args)]
#[command(after_help = "\
Tier 1 finds the launch binary (a stored install path, else PATH) and its \
--version; tier 2 starts an ACP agent, opens a session in --cwd and reads its \
models, modes and slash commands. Tier 2 runs with --force, when the stored \
probe is older than probe_ttl_seconds, or when no models are stored; \
otherwise the stored models are used and nothing is started. What is learned \
is stored (an empty list never replaces a stored one). The cached snapshot \
is left as it is: `boocoder snapshot --force` rebuilds it.

Exit 0 when the probe ran, even if some agents are missing or failed \
(see each entry's status); 2 for an unknown NAME.")]
pub struct ProbeArgs {
    /// Providers to probe (default: all)
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Start every installed ACP agent, whatever the TTL says
    #[arg(long)]
    pub force: bool,
    /// Directory the probe sessions are opened in [default: current directory]
    #[arg(long, value_name = "DIR")]
    pub cwd: Option<PathBuf>,
}

pub async fn run(ctx: &Context, args: &ProbeArgs) -> Result<Exit> {
    let req = provider_table::request(ctx, args.cwd.as_deref(), args.force)?;
    let store = ctx.store().await?;
    let (reports, warnings) =
        boocoder::providers::probe(store, &req, &args.names, ctx.out.reporter()).await?;
    for w in &warnings {
        tracing::warn!("{w}");
    }
    match ctx.out.format {
        super::Format::Json => ctx.out.record(
            "probe",
            &ProbeRecord {
                providers: &reports,
                warnings: &warnings,
            },
        )?,
        super::Format::Ndjson => {
            for r in &reports {
                ctx.out.record("provider", r)?;
            }
            ctx.out.record(
                "summary",
                &ProbeSummary {
                    providers: reports.len(),
                    warnings: &warnings,
                },
            )?;
        }
        super::Format::Text => {
            let rows: Vec<_> = reports
                .iter()
                .map(|r| {
                    let mut note = Vec::new();
                    if r.probed {
                        note.push("probed now".to_string());
                    }
                    if let Some(v) = &r.version {
                        note.push(v.clone());
                    }
                    (&r.entry, note.join(", "))
                })
                .collect();
            ctx.out.stdout(&provider_table::table(ctx, &rows))?;
        }
    }
    Ok(Exit::Ok)
}

/// The `probe` document (json).
#[derive(serde::Serialize)]
struct ProbeRecord<'a> {
    providers: &'a [boocoder::providers::ProbeReport],
    warnings: &'a [String],
}

/// The last ndjson line of `probe`.
#[derive(serde::Serialize)]
struct ProbeSummary<'a> {
    providers: usize,
    warnings: &'a [String],
}
