//! `boocoder session changes`

use anyhow::Result;
use boocoder::session::SessionError;
use boocoder::{Exit, SessionKey};
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "The files the last turn left changed in the session's worktree against \
its base (recorded after every turn, in one transaction, stamped with the agent). \
json: {\"session\",\"files\":[{\"path\",\"old_path\",\"status\",\"insertions\",\"deletions\",\
\"binary\",\"agent\"}],\"insertions\",\"deletions\"}. Exit 1 when there is no such session; \
exit 0 with or without changes."
)]
pub struct ChangesArgs {
    #[arg(value_parser = SessionKey::parse)]
    pub name: SessionKey,
    /// Also print each file's patch (text mode)
    #[arg(long)]
    pub patch: bool,
}

pub async fn run(ctx: &Context, args: &ChangesArgs) -> Result<Exit> {
    let store = ctx.store().await?;
    if store.get_session(args.name.as_str()).await?.is_none()
        && store.get_worktree(args.name.as_str()).await?.is_none()
    {
        return Err(boocoder::Error::from(SessionError::NotFound(args.name.to_string())).into());
    }
    let rows = store.list_pending_changes(args.name.as_str()).await?;
    let (ins, del) = rows.iter().fold((0, 0), |(i, d), r| {
        (i + r.change.insertions, d + r.change.deletions)
    });
    if !ctx.out.is_text() {
        let files: Vec<_> = rows
            .iter()
            .map(|r| ChangeRecord {
                path: &r.change.path,
                old_path: r.change.old_path.as_deref(),
                status: r.change.status.as_str(),
                insertions: r.change.insertions,
                deletions: r.change.deletions,
                binary: r.change.binary,
                agent: &r.agent,
            })
            .collect();
        ctx.out.record(
            "changes",
            &ChangesRecord {
                session: args.name.as_str(),
                files,
                insertions: ins,
                deletions: del,
            },
        )?;
        return Ok(Exit::Ok);
    }
    if rows.is_empty() {
        ctx.out.info("no pending changes");
        return Ok(Exit::Ok);
    }
    let mut text = String::new();
    for r in &rows {
        let c = &r.change;
        let counts = if c.binary {
            "binary".to_string()
        } else {
            format!("+{} -{}", c.insertions, c.deletions)
        };
        let path = match &c.old_path {
            Some(old) if old != &c.path => format!("{old} -> {}", c.path),
            _ => c.path.clone(),
        };
        text.push_str(&format!(
            "{:<9} {:<12} {path}  ({})\n",
            c.status, counts, r.agent
        ));
    }
    text.push_str(&format!(
        "{}, +{ins} -{del}\n",
        boocoder::util::plural(rows.len(), "file")
    ));
    if args.patch {
        for r in &rows {
            if let Some(p) = &r.change.patch {
                text.push_str(p);
            }
        }
    }
    ctx.out.stdout(&text)?;
    Ok(Exit::Ok)
}

/// The `changes` record.
#[derive(serde::Serialize)]
struct ChangesRecord<'a> {
    session: &'a str,
    files: Vec<ChangeRecord<'a>>,
    insertions: i64,
    deletions: i64,
}

/// One pending file of `session changes`.
#[derive(serde::Serialize)]
struct ChangeRecord<'a> {
    path: &'a str,
    old_path: Option<&'a str>,
    status: &'a str,
    insertions: i64,
    deletions: i64,
    binary: bool,
    agent: &'a str,
}
