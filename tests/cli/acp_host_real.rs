//! Kept ACP agents on real agents: the pinned `opencode acp` and Qwen Code
//! (scripts/install-qwen), offline on the scripted model server. Outside
//! CI the agent is kept between commands and turn 2 reuses its loaded
//! session; `server stop` leaves nothing running; under CI nothing stays.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::acp_host::wait_until;
use crate::acp_qwen::Qwen;
use crate::fake_acp::process_gone;
use crate::model_server::{ModelServer, Script};
use crate::server::with_opencode;
use crate::support::{Run, TestEnv, git_repo};

const MODEL: &str = "scripted-model";

/// Every kept host's record.
fn hosts(env: &TestEnv) -> Vec<Value> {
    let Ok(dirs) = std::fs::read_dir(env.path().join("state/acp")) else {
        return Vec::new();
    };
    dirs.flatten()
        .filter_map(|d| std::fs::read(d.path().join("host.json")).ok())
        .map(|b| serde_json::from_slice(&b).unwrap())
        .collect()
}

/// Kill what a failed assertion left running.
struct Cleanup<'a>(&'a TestEnv);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        for rec in hosts(self.0) {
            for key in ["pid", "agent_pid"] {
                if let Some(pid) = rec[key].as_i64() {
                    // SAFETY: signalling process groups this test started.
                    unsafe { libc::kill(-(pid as i32), libc::SIGKILL) };
                }
            }
        }
    }
}

/// Two turns outside CI on one kept agent, then `server stop`.
fn kept_twice(env: &TestEnv, cmd: &dyn Fn(bool) -> Command, agent: &str) {
    let run = |args: &[&str]| env.run_with(cmd(false).args(args));
    let prompt = |text: &str| -> Value {
        run(&["session", "prompt", "k", text, "--json", "--timeout", "5m"])
            .expect(0)
            .json()
    };
    let first = prompt("hello");
    let rec = hosts(env).pop().expect("a kept host after turn 1");
    assert_eq!(rec["agent"], agent);
    let agent_pid = rec["agent_pid"].as_i64().expect("the agent runs") as i32;
    assert!(
        !process_gone(agent_pid),
        "the agent stays after the command"
    );
    let second = prompt("again");
    assert_eq!(second["agent_session_id"], first["agent_session_id"]);
    assert_eq!(second["text"], first["text"]);
    let now = hosts(env).pop().expect("the same host");
    assert_eq!(now["pid"], rec["pid"]);
    assert_eq!(
        now["agent_pid"], rec["agent_pid"],
        "turn 2 on the same agent"
    );
    let status = run(&["server", "status", "--json"]).json();
    assert_eq!(status["agents"][0]["sessions_loaded"], 1, "{status}");
    run(&["server", "stop"]).expect(0);
    wait_until("the agent's end", 10, || process_gone(agent_pid));
    assert!(hosts(env).is_empty());
}

/// Under CI: a turn, and nothing kept.
fn short_lived_under_ci(env: &TestEnv, cmd: &dyn Fn(bool) -> Command) {
    let run: Run =
        env.run_with(cmd(true).args(["session", "prompt", "k", "ci", "--json", "--timeout", "5m"]));
    run.expect(0);
    assert!(hosts(env).is_empty(), "nothing kept under CI");
    assert!(
        !env.path().join("state/acp").exists()
            || std::fs::read_dir(env.path().join("state/acp"))
                .unwrap()
                .flatten()
                .all(|d| !d.path().join("host.sock").exists())
    );
}

#[test]
fn opencode_acp_is_kept_between_commands_outside_ci_and_not_under_ci() {
    let env = TestEnv::new();
    let _cleanup = Cleanup(&env);
    let models = ModelServer::start(&[MODEL]);
    models.set_default(Script::new().text("Kept reply."));
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config(&format!(
        "default_model = \"{MODEL}\"\nlease_seconds = 5\n[providers.opencode]\nturns = \"acp\"\n"
    ));
    let cmd = |ci: bool| {
        let mut c = env.cmd();
        with_opencode(&env, &mut c, &models.url());
        if !ci {
            c.env_remove("CI");
        }
        c
    };
    let repo = repo.to_str().unwrap();
    env.run_with(cmd(true).args(["session", "new", "k", "--repo", repo]))
        .expect(0);
    short_lived_under_ci(&env, &cmd);
    kept_twice(&env, &cmd, "opencode");
}

#[test]
fn opencode_acp_kept_runs_two_sessions_at_once_and_survives_its_agent_killed_mid_turn() {
    let env = TestEnv::new();
    let _cleanup = Cleanup(&env);
    let models = ModelServer::start(&[MODEL]);
    models.set_default(Script::new().text("Kept reply."));
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config(&format!(
        "default_model = \"{MODEL}\"\nlease_seconds = 5\n[providers.opencode]\nturns = \"acp\"\n"
    ));
    let cmd = || {
        let mut c = env.cmd();
        with_opencode(&env, &mut c, &models.url());
        c.env_remove("CI");
        c
    };
    let run = |args: &[&str]| env.run_with(cmd().args(args));
    let repo = repo.to_str().unwrap();
    for s in ["k1", "k2"] {
        run(&["session", "new", s, "--repo", repo]).expect(0);
    }
    run(&["session", "prompt", "k1", "warm", "--timeout", "5m"]).expect(0);
    let agent = hosts(&env)[0]["agent_pid"].as_i64().unwrap() as i32;
    let both = run(&[
        "session",
        "prompt",
        "k1",
        "k2",
        "--timeout",
        "5m",
        "--",
        "both",
    ])
    .expect(0);
    let mut lines: Vec<&str> = both.stdout.lines().collect();
    lines.sort();
    assert_eq!(lines, ["[k1] Kept reply.", "[k2] Kept reply."]);
    assert_eq!(hosts(&env)[0]["agent_pid"], agent, "both on the kept agent");

    // The agent killed mid-turn: that turn ends at once, exit 3.
    models.push(Script::new().text("waiting").stall());
    let mut child = cmd()
        .args([
            "session",
            "prompt",
            "k1",
            "go",
            "--format",
            "ndjson",
            "--timeout",
            "5m",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !line.contains("waiting") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "stdout ended early");
        assert!(Instant::now() < deadline);
    }
    // SAFETY: signalling the agent's process group this test's command started.
    unsafe { libc::kill(-agent, libc::SIGKILL) };
    let mut status = None;
    wait_until("the turn's end", 30, || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    assert_eq!(status.unwrap().code(), Some(3));
    // The host starts a new agent for the next turn, on session k2's own
    // agent session (loaded again).
    let before = run(&["session", "show", "k2", "--json"]).json();
    let next = run(&[
        "session",
        "prompt",
        "k2",
        "again",
        "--json",
        "--timeout",
        "5m",
    ])
    .expect(0)
    .json();
    assert_eq!(next["text"], "Kept reply.");
    assert_eq!(
        next["agent_session_id"], before["agent_session_id"],
        "{before}"
    );
    let now = hosts(&env)[0]["agent_pid"].as_i64().unwrap() as i32;
    assert_ne!(now, agent);
    run(&["server", "stop"]).expect(0);
}

#[test]
fn qwen_is_kept_between_commands_outside_ci_and_not_under_ci() {
    let env = TestEnv::new();
    let _cleanup = Cleanup(&env);
    let models = ModelServer::start(&[MODEL]);
    models.set_default(Script::new().text("Qwen says hi."));
    let qwen = Qwen::set_up(&env);
    let repo = &qwen.repo;
    let cmd = |ci: bool| {
        let mut c = qwen.cmd(&env, &models);
        if !ci {
            c.env_remove("CI");
        }
        c
    };
    let repo = repo.to_str().unwrap();
    env.run_with(cmd(true).args(["session", "new", "k", "--agent", "qwen", "--repo", repo]))
        .expect(0);
    short_lived_under_ci(&env, &cmd);
    kept_twice(&env, &cmd, "qwen");
}
