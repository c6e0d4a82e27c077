//! `boocoder snapshot peek NAME [--cwd DIR]`

use std::path::PathBuf;

use anyhow::Result;
use boocoder::Exit;
use clap::Args;

use crate::cmd::output::CliError;
use crate::cmd::{Context, Format};

#[derive(Debug, Args)]
#[command(
    after_help = "Reads the stored snapshot of --cwd, however old; when no \
snapshot of that directory has the provider yet, what `boocoder probe` stored of it. \
Never starts an agent. Exit 1 when neither has the provider."
)]
pub struct PeekArgs {
    /// The provider
    pub name: String,
    /// The directory the snapshot is for [default: current directory]
    #[arg(long, value_name = "DIR")]
    pub cwd: Option<PathBuf>,
}

pub async fn run(ctx: &Context, args: &PeekArgs) -> Result<Exit> {
    let cwd = match &args.cwd {
        Some(c) => c.clone(),
        None => std::env::current_dir()?,
    };
    let store = ctx.existing_store().await?;
    let req = crate::cmd::provider_table::request(ctx, Some(&cwd), false)?;
    let Some((entry, built_at)) = boocoder::providers::peek(store, &req, &args.name).await? else {
        return Err(CliError {
            exit: Exit::No,
            message: format!(
                "no cached snapshot entry for `{}` in {}",
                args.name,
                cwd.display()
            ),
            hint: Some("`boocoder snapshot` builds one".into()),
        }
        .into());
    };
    match ctx.out.format {
        Format::Text => {
            let mut s = format!(
                "{} ({}): {}, transport {}\n",
                entry.name,
                entry.label,
                entry.status,
                serde_json::to_value(entry.transport)?
                    .as_str()
                    .unwrap_or_default()
            );
            if let Some(e) = &entry.error {
                s.push_str(&format!("error: {}: {}\n", e.kind, e.message));
            }
            for m in &entry.models {
                s.push_str(&format!("model: {}\n", m.id));
            }
            for m in &entry.modes {
                let d = if Some(&m.id) == entry.default_mode_id.as_ref() {
                    " (default)"
                } else {
                    ""
                };
                s.push_str(&format!("mode: {}{d}\n", m.id));
            }
            for c in &entry.commands {
                s.push_str(&format!("command: /{}\n", c.name));
            }
            s.push_str(&match built_at {
                Some(at) => format!("snapshot built at: {}\n", boocoder::timestamp::rfc3339(at)),
                None => "from the stored probe (no snapshot of this directory has it yet: `boocoder snapshot` builds one)\n".into(),
            });
            ctx.out.stdout(&s)?;
        }
        _ => ctx.out.record("provider", &entry)?,
    }
    Ok(Exit::Ok)
}
