//! opencode's server as a registered backend: started once per run (the
//! recorded server reattached, else a new one, kept or short-lived by the
//! `[server] keep` rules), with its event stream.

use std::sync::Arc;

use futures_util::future::BoxFuture;

use super::TurnRunner;
use crate::agent::opencode::{
    Client, EventHub, Origin, Server, ServerOptions, ensure_server, read_state,
};
use crate::agent::transport::{Entry, RunSetup, Started};
use crate::config::{Keep, TurnsVia};

/// opencode's HTTP server (`turns = "server"`, opencode's default).
pub const BACKEND: Entry = Entry {
    turns: TurnsVia::Server,
    needs_model: true,
    start,
};

fn start<'a>(run: &'a RunSetup<'a>) -> BoxFuture<'a, crate::Result<Started<'a>>> {
    Box::pin(async move {
        let (server, hub) = start_server(run).await?;
        let server = Arc::new(server);
        Ok(Started {
            transport: Box::new(TurnRunner {
                store: run.store,
                config: run.config,
                server: server.clone(),
                hub,
                llama_swap_models: tokio::sync::OnceCell::new(),
                verbose: run.verbose,
            }),
            keep_alive: Some(Box::new(server)),
        })
    })
}

/// The opencode server (recorded, else short-lived) and its event stream.
async fn start_server(run: &RunSetup<'_>) -> crate::Result<(Server, EventHub)> {
    let config = run.config;
    let mut server_opts = ServerOptions::from_config(config);
    let keep = match config.server.keep {
        _ if run.keep_server => {
            // Asked for by name: kept until `server stop`.
            server_opts.idle_timeout = None;
            true
        }
        Keep::Always => true,
        Keep::Never => false,
        Keep::Auto => !config.ci,
    };
    let stream_timeout = config.server.stream_timeout;
    // Connect the event stream of the recorded server while its health is
    // checked: when it is reused, the stream is ready.
    let recorded = read_state(&config.state_dir).ok().flatten();
    let early_hub = async {
        match &recorded {
            Some(r) => EventHub::connect(Client::new(&r.url, &r.password), stream_timeout)
                .await
                .ok(),
            None => None,
        }
    };
    let (server, early_hub) = tokio::join!(ensure_server(&server_opts, keep), early_hub);
    let server = server?;
    tracing::info!(url = %server.record.url, origin = ?server.origin, "opencode server");
    if let Some(n) = &server.notice {
        (run.note)(n.clone());
    }
    let hub = match early_hub {
        Some(hub)
            if server.origin == Origin::Reattached
                && recorded
                    .as_ref()
                    .is_some_and(|r| r.url == server.record.url) =>
        {
            hub
        }
        _ => EventHub::connect(server.client(), stream_timeout).await?,
    };
    Ok((server, hub))
}
