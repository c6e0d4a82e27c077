//! What one agent event does to a turn: text, tokens, tools, errors
//! (fatal or not) and permission replies.

use std::path::Path;

use super::TurnRunner;
use super::errors::{Fatal, fatal_cause};
use super::stream::Progress;
use crate::agent::AgentEvent;
use crate::agent::opencode::Client;
use crate::agent::turn::{TurnEvent, TurnRequest};

impl TurnRunner<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn handle(
        &self,
        e: AgentEvent,
        client: &Client,
        dir: &Path,
        p: &mut Progress,
        req: &TurnRequest,
        sink: &(dyn Fn(TurnEvent) + Send + Sync),
    ) {
        match &e {
            AgentEvent::Text { part_id, delta } => {
                p.printed
                    .entry(part_id.clone())
                    .or_default()
                    .push_str(delta);
                p.text.push_str(delta);
            }
            AgentEvent::StepFinish { tokens, .. } => p.tokens.add(tokens),
            AgentEvent::Error { name, message } => {
                let short = self.readable(message);
                if p.fatal.is_none()
                    && let Some(fatal) = fatal_cause(name, message)
                {
                    // The model's server is the likelier cause: say so.
                    let cause = match fatal {
                        Fatal::Model | Fatal::Answer => self.llama_swap_fault(p).await,
                        _ => None,
                    };
                    let cause = cause.unwrap_or_else(|| fatal.to_string());
                    p.fatal = Some(format!("{cause} ({name}: {short})"));
                }
                // The first error says what went wrong; later ones repeat it.
                p.error.get_or_insert(format!("{name}: {short}"));
                p.error_name = Some(name.clone());
                sink(TurnEvent::Agent(AgentEvent::Error {
                    name: name.clone(),
                    message: short,
                }));
                return;
            }
            AgentEvent::Permission { id, .. } => {
                let decision = req.permissions.answer(req.session.as_str(), &e, sink).await;
                if let Err(err) = client.reply_permission(id, dir, decision.reply()).await {
                    sink(TurnEvent::Notice {
                        notice: format!("cannot answer permission {id}: {err}"),
                    });
                }
                return;
            }
            _ => {}
        }
        sink(TurnEvent::Agent(e));
    }
}
