//! `boocoder session show`

use anyhow::Result;
use boocoder::session::Sessions;
use boocoder::{Exit, SessionKey};
use clap::Args;

use crate::cmd::Context;

#[derive(Debug, Args)]
#[command(
    after_help = "json adds agent_session_id, server_url, agent_session_reason (why the \
current agent session was made, when it replaced one) and last_turn {status, started_at, \
duration_ms, model (the model the turn used), error}, and permissions (the policy stored \
by `session new --permissions`; null: the default, workspace), and next_worktree_base (when \
the session has no worktree now, after `session merge --remove`: the branch its next turn's \
worktree is made from, the one it was merged into, or \"HEAD\"; null otherwise). Text shows \
the same on its `last turn:`, `permissions:` and `worktree:` lines. Exit 1 when there is no \
such session."
)]
pub struct ShowArgs {
    #[arg(value_parser = SessionKey::parse)]
    pub name: SessionKey,
}

pub async fn run(ctx: &Context, args: &ShowArgs) -> Result<Exit> {
    let store = super::store_with_session(ctx, args.name.as_str()).await?;
    let sessions = Sessions::new(store, &ctx.config);
    let info = sessions.get(args.name.as_str()).await?;
    let permissions = store.session_permissions(args.name.as_str()).await?;
    // No worktree now (`merge --remove`): what the next turn's is made from.
    let next_base = match &info.worktree {
        None if info.session.use_worktree => Some(
            sessions
                .worktrees()
                .next_base(&args.name, std::path::Path::new(&info.session.repo))
                .await?,
        ),
        _ => None,
    };
    let mut v = serde_json::to_value(super::session_json(&info))?;
    v["permissions"] = permissions.clone().into();
    v["next_worktree_base"] = next_base
        .as_ref()
        .map(|b| b.clone().unwrap_or_else(|| "HEAD".into()))
        .into();
    if !ctx.out.is_text() {
        ctx.out.record("session", &v)?;
        return Ok(Exit::Ok);
    }
    let s = |k: &str| match &v[k] {
        serde_json::Value::Null => "-".to_string(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut text = format!(
        "name: {}\nrepo: {}\nagent: {}\nmodel: {}\n",
        s("name"),
        s("repo"),
        s("agent"),
        if v["model"].is_null() {
            "(default)".into()
        } else {
            s("model")
        }
    );
    match &info.worktree {
        Some(w) if info.session.use_worktree => text.push_str(&format!(
            "worktree: {} (branch {}, base {})\n",
            w.path, w.branch, w.base_commit
        )),
        None if info.session.use_worktree => text.push_str(&format!(
            "worktree: none now (the next turn makes one on branch boocoder/{} from {})\n",
            info.session.name,
            match next_base.flatten() {
                Some(b) => format!("branch {b}, which it was merged into"),
                None => "the repository's HEAD".into(),
            }
        )),
        _ => text.push_str("worktree: none (works in the repository)\n"),
    }
    text.push_str(&format!(
        "permissions: {}\n",
        permissions.as_deref().unwrap_or("workspace (default)")
    ));
    text.push_str(&format!("agent session: {}\n", s("agent_session_id")));
    if !v["agent_session_reason"].is_null() {
        text.push_str(&format!("  made because: {}\n", s("agent_session_reason")));
    }
    text.push_str(&format!("server: {}\n", s("server_url")));
    match &info.last_turn {
        Some(t) => text.push_str(&format!(
            "last turn: {} at {}{}, model {}{}\n",
            t.status,
            boocoder::timestamp::format_utc(t.started_at),
            t.ended_at
                .map(|e| format!(", {} ms", e - t.started_at))
                .unwrap_or_default(),
            t.model.as_deref().unwrap_or("-"),
            t.error
                .as_deref()
                .map(|e| format!(", error: {e}"))
                .unwrap_or_default()
        )),
        None => text.push_str("last turn: none\n"),
    }
    ctx.out.stdout(&text)?;
    Ok(Exit::Ok)
}
