//! What to answer when the agent asks for a permission: the policy the
//! flag names (else the session's), and the question on a terminal.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use boocoder::agent::{AgentEvent, PermissionReply};
use boocoder::session::{AskPermission, PermissionChoice};

use super::turn_flags::TurnOptions;
use crate::cmd::spinner::Waiting;

pub(super) fn permission_policy(opts: &TurnOptions, waiting: Arc<Waiting>) -> PermissionChoice {
    let ask: AskPermission = Arc::new(move |session: &str, e: &AgentEvent| {
        waiting.stop();
        ask(session, e)
    });
    let interactive =
        !opts.text_from_stdin && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    PermissionChoice {
        spec: opts.flags.permissions.clone(),
        ask: interactive.then_some(ask),
    }
}

/// Ask on the terminal (stderr + stdin).
fn ask(session: &str, e: &AgentEvent) -> PermissionReply {
    let AgentEvent::Permission {
        permission,
        patterns,
        ..
    } = e
    else {
        return PermissionReply::Reject;
    };
    eprint!(
        "[{session}] the agent asks for `{permission}` on {}: allow? [y]es once / [a]lways / [N]o: ",
        patterns.join(", ")
    );
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().read_line(&mut line).is_err() {
        return PermissionReply::Reject;
    }
    match line.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => PermissionReply::Once,
        "a" | "always" => PermissionReply::Always,
        _ => PermissionReply::Reject,
    }
}
