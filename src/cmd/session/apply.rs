//! `boocoder session apply`

use std::path::PathBuf;

use anyhow::Result;
use boocoder::worktree::land::{LandError, LandedFile, Landing};
use boocoder::{Exit, SessionKey};
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "Writes the session's changes against its base (committed and uncommitted \
work of its worktree, untracked files included; binary files, renames and deletions too) into \
the checkout as uncommitted changes (the index is not touched), merged three-way where the \
checkout has moved on since the base. The session's worktree and branch are left as they were. \
Any conflict (the same lines changed on both sides, or a file the session changes that has \
uncommitted changes in the checkout, unless they are identical) changes nothing at all: exit 1 \
and the conflicting paths are listed (json: {\"type\":\"conflict\",\"session\",\"dir\",\"paths\"}). \
json on success: {\"session\",\"dir\",\"files\":[{\"path\",\"old_path\",\"status\"}]}. \
Nothing is written through a symlink: a leading directory of a path that is a symlink in the \
checkout is a conflict. File modes (the executable bit) are carried; embedded repositories \
(gitlinks) are refused (exit 1, nothing written). A signal before writing begins stops it \
(exit 128+signal, nothing written); once writing began it finishes and reports its result. \
Exit 1 also when the session is busy (a turn is running, also the turn of a session whose \
worktree DIR is) or has no worktree, or its worktree is on another host."
)]
pub struct ApplyArgs {
    #[arg(value_parser = SessionKey::parse)]
    pub name: SessionKey,
    /// The checkout to write to (default: the session's repository); a
    /// checkout or linked worktree of the same repository
    #[arg(long, value_name = "DIR")]
    pub to: Option<PathBuf>,
}

pub async fn run(ctx: &Context, args: &ApplyArgs) -> Result<Exit> {
    let store = ctx.store().await?;
    let applied = match Landing::new(store, &ctx.config)
        .cancelled_by(ctx.cancel.clone())
        .apply(&args.name, args.to.as_deref())
        .await
    {
        Ok(a) => a,
        Err(e) => return conflict_or(ctx, args.name.as_str(), e),
    };
    if !ctx.out.is_text() {
        ctx.out.record("applied", &applied)?;
        return Ok(Exit::Ok);
    }
    if applied.files.is_empty() {
        ctx.out.info(&format!(
            "nothing to apply: {} already has the session's changes",
            applied.dir
        ));
        return Ok(Exit::Ok);
    }
    ctx.out.stdout(&files_text(&applied.files))?;
    ctx.out.info(&format!(
        "applied {} to {} (uncommitted)",
        boocoder::util::plural(applied.files.len(), "file"),
        applied.dir
    ));
    Ok(Exit::Ok)
}

/// One line per file: status and path.
pub(super) fn files_text(files: &[LandedFile]) -> String {
    files
        .iter()
        .map(|f| match &f.old_path {
            Some(old) => format!("{:<10} {old} -> {}\n", f.status, f.path),
            None => format!("{:<10} {}\n", f.status, f.path),
        })
        .collect()
}

/// A conflict: the paths on stdout (json) and the error on stderr, exit 1;
/// any other error goes up.
pub(super) fn conflict_or(ctx: &Context, session: &str, e: boocoder::Error) -> Result<Exit> {
    if let boocoder::Error::Land(l @ LandError::Conflict { dir, paths, .. }) = &e {
        if !ctx.out.is_text() {
            ctx.out.record(
                "conflict",
                &ConflictRecord {
                    kind_tag: "conflict",
                    session,
                    dir,
                    paths,
                    message: l.to_string(),
                    exit_code: Exit::No.code(),
                },
            )?;
        } else {
            ctx.out
                .stdout(&paths.iter().map(|p| format!("{p}\n")).collect::<String>())?;
        }
        ctx.out.refusal(&l.to_string(), l.hint().as_deref());
        return Ok(Exit::No);
    }
    Err(e.into())
}

/// The `conflict` record of a refused apply.
#[derive(serde::Serialize)]
struct ConflictRecord<'a, D: serde::Serialize, P: serde::Serialize> {
    #[serde(rename = "type")]
    kind_tag: &'static str,
    session: &'a str,
    dir: &'a D,
    paths: &'a P,
    message: String,
    exit_code: u8,
}
