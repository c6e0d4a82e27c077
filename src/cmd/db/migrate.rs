//! `boocoder db migrate`

use anyhow::Result;
use boocoder::Exit;
use boocoder::store::{Migrate, Store};
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Creates the SQLite database on first use. Safe to run concurrently: \
PostgreSQL migrations take an advisory lock, SQLite ones a file lock."
)]
pub struct MigrateArgs {}

pub async fn run(ctx: &Context, _args: &MigrateArgs) -> Result<Exit> {
    let store = Store::open(&ctx.config.database_url, Migrate::Skip).await?;
    let applied = store.migrate().await;
    store.close().await;
    let applied = applied?;
    if ctx.out.is_text() {
        if applied.is_empty() {
            ctx.out
                .info(&format!("{}: up to date", store.display_url()));
        }
        for v in &applied {
            ctx.out.stdout(&format!("applied {v:04}\n"))?;
        }
    } else {
        ctx.out.record(
            "migrate",
            &MigrateRecord {
                backend: store.backend(),
                url: store.display_url(),
                applied: &applied,
            },
        )?;
    }
    Ok(Exit::Ok)
}

/// The `migrate` record.
#[derive(serde::Serialize)]
struct MigrateRecord<'a> {
    backend: boocoder::store::Backend,
    url: String,
    /// The versions this run applied.
    applied: &'a [i64],
}
