//! The kept opencode server and the kept ACP agents.

use super::*;
use crate::agent::opencode::ServerRecord;

pub(super) async fn server(config: &Config) -> Check {
    let rec = match read_state(&config.state_dir) {
        Err(e) => {
            return Check::new(
                "server",
                Level::Warn,
                format!("cannot read the kept server's record: {e}"),
                json!({"running": false}),
            )
            .fix("run `boocoder server stop` to clear it");
        }
        Ok(None) => return no_server(config),
        Ok(Some(r)) => r,
    };
    running(config, rec).await
}

/// The kept server's record: whether it answers, whether it was started
/// with today's settings, and when it stops.
async fn running(config: &Config, rec: ServerRecord) -> Check {
    let alive = pid_alive(rec.pid);
    let health = if alive {
        Client::new(&rec.url, &rec.password)
            .health(NET_TIMEOUT)
            .await
            .ok()
            .filter(|h| h.healthy)
    } else {
        None
    };
    let stops_at = crate::agent::opencode::stops_at(&config.state_dir, &rec);
    let stops = match (rec.idle_timeout_seconds, stops_at) {
        (None, _) => "; kept until `boocoder server stop`".to_string(),
        (Some(idle), None) => {
            format!("; a command is attached: it stops {idle} s after the last one ends")
        }
        (Some(idle), Some(t)) => format!(
            "; stops in {} s (idle timeout {idle} s)",
            (t - crate::timestamp::now_ms()).max(0) / 1000
        ),
    };
    let same = rec.fingerprint
        == crate::agent::opencode::fingerprint(
            &crate::agent::opencode::ServerOptions::from_config(config),
        );
    let details = json!({
        "running": alive,
        "healthy": health.is_some(),
        "url": rec.url,
        "pid": rec.pid,
        "version": rec.version,
        "started_at": crate::timestamp::rfc3339(rec.started_at),
        "same_settings": same,
        "idle_timeout_seconds": rec.idle_timeout_seconds,
        "stops_at": stops_at.map(crate::timestamp::rfc3339),
    });
    match (health, same) {
        (None, _) => Check::new(
            "server",
            Level::Warn,
            format!(
                "the kept server (pid {}, {}) {}",
                rec.pid,
                rec.url,
                if alive { "does not answer" } else { "is gone" }
            ),
            details,
        )
        .fix("run `boocoder server stop`, then `boocoder server start`"),
        (Some(_), false) => Check::new(
            "server",
            Level::Warn,
            format!(
                "running at {} (pid {}), but started with other settings: commands will not reuse it",
                rec.url, rec.pid
            ),
            details,
        )
        .fix("run `boocoder server stop`, then `boocoder server start`"),
        (Some(h), true) => Check::new(
            "server",
            Level::Ok,
            format!(
                "running and healthy at {} (pid {}, opencode {}){stops}",
                rec.url, rec.pid, h.version
            ),
            details,
        ),
    }
}

/// No kept server: what the next command that needs opencode will do,
/// by `[server] keep` (and CI).
fn no_server(config: &Config) -> Check {
    use crate::config::Keep;
    let idle = config.server.idle_timeout.as_secs();
    let (message, auto) = match config.server.keep {
        Keep::Auto if config.ci => (
            "no kept server: under CI (CI=true) each command starts a short-lived one (about 2 s)"
                .to_string(),
            false,
        ),
        Keep::Auto => (
            format!(
                "no kept server: the next command that needs opencode starts one and keeps it \
                 until {idle} s pass with no command attached"
            ),
            true,
        ),
        Keep::Always => (
            "no kept server: the next command that needs opencode starts one and keeps it"
                .to_string(),
            false,
        ),
        Keep::Never => (
            "no kept server: each command starts a short-lived one (about 2 s)".to_string(),
            false,
        ),
    };
    Check::new(
        "server",
        Level::Ok,
        message,
        json!({
            "running": false,
            "healthy": null,
            "idle_timeout_seconds": auto.then_some(idle),
            "stops_at": null,
        }),
    )
}

/// The ACP agents kept between commands (`boocoder acp-host`).
pub(super) async fn kept_agents(config: &Config) -> Check {
    let agents = crate::agent::acp::host::kept_agents(&config.state_dir).await;
    let listed: Vec<String> = agents.iter().map(|a| a.describe()).collect();
    let summary = match listed.is_empty() {
        true => "none running".to_string(),
        false => listed.join("; "),
    };
    Check::new(
        "agents kept",
        Level::Ok,
        summary,
        json!({ "agents": agents }),
    )
}
