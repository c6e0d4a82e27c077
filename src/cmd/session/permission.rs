//! What to answer when the agent asks for a permission: the policy the
//! flag names (else the session's), and the question on a terminal.

use std::sync::Arc;

use boocoder::agent::{AgentEvent, PermissionReply};
use boocoder::session::{AskPermission, PermissionChoice};

use super::turn_flags::TurnOptions;
use crate::cmd::Printer;
use crate::cmd::printer::Waiting;

pub(super) fn permission_policy(
    out: &Printer,
    opts: &TurnOptions,
    waiting: Arc<Waiting>,
) -> PermissionChoice {
    let interactive = out.can_ask(opts.text_from_stdin);
    let out = out.clone();
    let ask: AskPermission = Arc::new(move |session: &str, e: &AgentEvent| {
        waiting.stop();
        ask(&out, session, e)
    });
    PermissionChoice {
        spec: opts.flags.permissions.clone(),
        ask: interactive.then_some(ask),
    }
}

/// Ask on the terminal (stderr + stdin).
fn ask(out: &Printer, session: &str, e: &AgentEvent) -> PermissionReply {
    let AgentEvent::Permission {
        permission,
        patterns,
        ..
    } = e
    else {
        return PermissionReply::Reject;
    };
    let Some(line) = out.ask(&format!(
        "[{session}] the agent asks for `{permission}` on {}: allow? [y]es once / [a]lways / [N]o: ",
        patterns.join(", ")
    )) else {
        return PermissionReply::Reject;
    };
    match line.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => PermissionReply::Once,
        "a" | "always" => PermissionReply::Always,
        _ => PermissionReply::Reject,
    }
}
