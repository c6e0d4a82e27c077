//! `boocoder db status`

use anyhow::Result;
use boocoder::Exit;
use boocoder::config::mask_url_password;
use boocoder::store::{Backend, DatabaseUrl, Migrate, MigrationStatus, Store};
use clap::Args;
use serde::Serialize;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Never creates or migrates anything. Exit 0 when the database is \
reachable (pending migrations included: every command applies them on first use)."
)]
pub struct StatusArgs {}

#[derive(Serialize)]
struct Status {
    backend: Backend,
    url: String,
    exists: bool,
    migrations: Vec<MigrationStatus>,
    pending: usize,
}

pub async fn run(ctx: &Context, _args: &StatusArgs) -> Result<Exit> {
    let url = &ctx.config.database_url;
    let status = match DatabaseUrl::parse(url)? {
        // Do not create the file just to say it is empty.
        DatabaseUrl::Sqlite(path) if !path.exists() => Status {
            backend: Backend::Sqlite,
            url: format!("sqlite://{}", path.display()),
            exists: false,
            migrations: Store::known_migrations(Backend::Sqlite),
            pending: 0,
        },
        _ => {
            let store = Store::open(url, Migrate::Skip).await?;
            let migrations = store.migration_status().await;
            store.close().await;
            Status {
                backend: store.backend(),
                url: mask_url_password(&store.display_url()),
                exists: true,
                migrations: migrations?,
                pending: 0,
            }
        }
    };
    let status = Status {
        pending: status.migrations.iter().filter(|m| !m.applied).count(),
        ..status
    };
    if !ctx.out.is_text() {
        ctx.out.record("db_status", &status)?;
        return Ok(Exit::Ok);
    }
    let mut text = format!("backend: {}\nurl: {}\n", status.backend, status.url);
    if !status.exists {
        text.push_str("database: not created yet (created on first use)\n");
    }
    text.push_str("migrations:\n");
    for m in &status.migrations {
        let state = match (m.applied, m.checksum_mismatch) {
            (true, false) => ctx.out.style("applied", "32"),
            (true, true) => ctx
                .out
                .style("applied, checksum differs from this build", "33"),
            (false, _) => ctx.out.style("pending", "33"),
        };
        text.push_str(&format!(
            "  {:04} {:<20} {state}\n",
            m.version, m.description
        ));
    }
    ctx.out.stdout(&text)?;
    Ok(Exit::Ok)
}
