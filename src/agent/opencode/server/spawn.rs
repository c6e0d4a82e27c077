//! Starting `opencode serve`: a free loopback port, a fresh password, its
//! log file, and the wait until it answers healthy.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::fingerprint::{fingerprint, settings};
use super::state::{ServerRecord, create_private_dir};
use super::{Origin, Server, ServerOptions};
use crate::agent::opencode::{Client, OpencodeError, client};
use crate::timestamp::now_ms;
use crate::util::process::stop_with_parent;

fn free_port() -> Result<u16, std::io::Error> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn random_password() -> String {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).expect("the OS random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn log_tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Start `opencode serve` on a free loopback port with a fresh password and
/// wait until it is healthy.
pub(super) async fn spawn(
    opts: &ServerOptions,
    origin: Origin,
    models: &[String],
) -> Result<Server, OpencodeError> {
    // opencode 2 would never answer the health check (a V1 route): its
    // version (cached, else asked for while the server starts) says so
    // instead of the health timeout.
    let detect = crate::agent::opencode::detect_version(&opts.bin, &opts.state_dir);
    let start = start(opts, origin, models);
    tokio::pin!(start);
    tokio::select! {
        v = detect => match v {
            Some(v) if !v.serves_v1() => Err(OpencodeError::NoV1Server {
                version: v.version,
                path: v.path,
            }),
            _ => start.await,
        },
        started = &mut start => started,
    }
}

async fn start(
    opts: &ServerOptions,
    origin: Origin,
    models: &[String],
) -> Result<Server, OpencodeError> {
    let logs = opts.state_dir.join("logs");
    create_private_dir(&logs)?;
    let mut last_err = None;
    // A port picked free can be taken before opencode binds it: retry.
    for _ in 0..3 {
        let port = free_port().map_err(|source| OpencodeError::Spawn {
            bin: opts.bin.clone(),
            source,
        })?;
        match spawn_on(opts, origin, port, &logs, models).await {
            Err(OpencodeError::Exited { status, log_tail })
                if log_tail.contains("EADDRINUSE") || log_tail.contains("in use") =>
            {
                last_err = Some(OpencodeError::Exited { status, log_tail });
            }
            other => return other,
        }
    }
    Err(last_err.expect("a failed attempt"))
}

async fn spawn_on(
    opts: &ServerOptions,
    origin: Origin,
    port: u16,
    logs: &Path,
    llama_swap_models: &[String],
) -> Result<Server, OpencodeError> {
    let password = random_password();
    let log = logs.join(format!("opencode-{port}.log"));
    let mut cmd = serve_command(opts, origin, port, &password, &log)?;
    cmd.env(
        "OPENCODE_CONFIG_CONTENT",
        opts.config_content(llama_swap_models),
    );
    let child = cmd.spawn().map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            OpencodeError::NotInstalled {
                bin: opts.bin.clone(),
            }
        } else {
            OpencodeError::Spawn {
                bin: opts.bin.clone(),
                source,
            }
        }
    })?;
    let record = ServerRecord {
        pid: child.id(),
        url: format!("http://127.0.0.1:{port}"),
        port,
        password,
        version: String::new(),
        fingerprint: fingerprint(opts),
        started_at: now_ms(),
        log: log.clone(),
        settings: settings(opts),
        models: llama_swap_models.to_vec(),
        idle_timeout_seconds: None,
        supervisor_pid: None,
    };
    // Guarded from here: an error, or this future dropped (Ctrl-C), stops
    // the half-started server with its process group.
    let server = Server {
        record,
        origin,
        notice: None,
        child: Some(child),
        attach: None,
    };
    until_healthy(server, &log, opts.health_timeout).await
}

/// `opencode serve` on `port` with its password and settings, its output
/// to a fresh `log` (owner-only), in its own process group.
fn serve_command(
    opts: &ServerOptions,
    origin: Origin,
    port: u16,
    password: &str,
    log: &Path,
) -> Result<Command, OpencodeError> {
    let state = |source| OpencodeError::State {
        path: log.to_path_buf(),
        source,
    };
    let log_file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(log)
        .map_err(state)?;
    let mut cmd = Command::new(&opts.bin);
    cmd.args([
        "serve",
        "--hostname",
        "127.0.0.1",
        "--port",
        &port.to_string(),
    ])
    .current_dir(&opts.state_dir)
    .env("OPENCODE_SERVER_PASSWORD", password)
    .env("OPENCODE_SERVER_USERNAME", client::USERNAME)
    .env("OPENCODE_DISABLE_AUTOUPDATE", "1")
    .stdin(Stdio::null())
    .stdout(log_file.try_clone().map_err(state)?)
    .stderr(log_file)
    // Its own process group: stopping it takes its children too, and a
    // Ctrl-C at the terminal does not reach a kept server.
    .process_group(0);
    if opts.disable_models_fetch {
        cmd.env("OPENCODE_DISABLE_MODELS_FETCH", "1");
    }
    if origin == Origin::ShortLived {
        stop_with_parent(&mut cmd);
    }
    cmd.envs(opts.env.iter().map(|(k, v)| (k, v)));
    Ok(cmd)
}

/// Wait for a starting server to answer its health check (with its
/// version) within `timeout`; stopped, with its log's tail in the error,
/// when it exits or the time is up.
async fn until_healthy(
    mut server: Server,
    log: &Path,
    timeout: Duration,
) -> Result<Server, OpencodeError> {
    let client = Client::new(&server.record.url, &server.record.password);
    let deadline = Instant::now() + timeout;
    loop {
        let exited = server
            .child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten());
        if let Some(status) = exited {
            let tail = log_tail(log, 20);
            drop(server);
            let _ = std::fs::remove_file(log);
            return Err(OpencodeError::Exited {
                status: status.to_string(),
                log_tail: tail,
            });
        }
        // Each attempt has its own short timeout: a request sent while the
        // server starts can be accepted and never answered.
        if let Ok(h) = client.health(Duration::from_secs(1)).await
            && h.healthy
        {
            server.record.version = h.version;
            return Ok(server);
        }
        if Instant::now() >= deadline {
            let tail = log_tail(log, 20);
            drop(server);
            return Err(OpencodeError::Unhealthy {
                seconds: timeout.as_secs(),
                log_tail: tail,
            });
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
}
