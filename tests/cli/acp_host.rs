//! Kept ACP agents (`[server] keep`): outside CI the first turn on an ACP
//! agent starts a host (`boocoder acp-host`) that keeps the agent between
//! commands; later turns attach over its socket and send the agent only
//! `session/prompt`. Under CI each turn's agent is gone when it ends.
//! Faults: the agent or the host killed, Ctrl-C, settings that changed.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::fake_acp::{FakeAgents, process_gone};
use crate::support::{Run, TestEnv, git_repo};

pub struct Rig {
    pub env: TestEnv,
    pub fake: FakeAgents,
    pub repo: PathBuf,
}

pub fn rig(script: Value, server: &str) -> Rig {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("qwen");
    fake.install("gemini");
    fake.script(script);
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config(&format!("lease_seconds = 3\n[server]\n{server}\n"));
    Rig { env, fake, repo }
}

impl Rig {
    /// `boocoder` outside CI (`ci` None) or with CI set.
    pub fn cmd(&self, ci: Option<&str>) -> std::process::Command {
        let mut c = self.fake.cmd(&self.env);
        match ci {
            Some(v) => c.env("CI", v),
            None => c.env_remove("CI"),
        };
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.env.run_with(self.cmd(None).args(args))
    }

    pub fn run_ci(&self, args: &[&str]) -> Run {
        self.env.run_with(self.cmd(Some("true")).args(args))
    }

    pub fn new_session(&self, name: &str, agent: &str) {
        let repo = self.repo.to_str().unwrap();
        self.run(&["session", "new", name, "--repo", repo, "--agent", agent])
            .expect(0);
    }

    /// Lines of the fake agents' log with `event` as second word.
    pub fn log(&self, event: &str) -> Vec<String> {
        std::fs::read_to_string(&self.fake.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some(event))
            .map(String::from)
            .collect()
    }

    pub fn agent_pids(&self) -> Vec<i32> {
        self.log("start")
            .iter()
            .filter_map(|l| l.split_whitespace().nth(2)?.parse().ok())
            .collect()
    }

    /// Every kept host's directory with its record.
    pub fn hosts(&self) -> Vec<(PathBuf, Value)> {
        let Ok(dirs) = std::fs::read_dir(self.env.path().join("state/acp")) else {
            return Vec::new();
        };
        dirs.flatten()
            .filter_map(|d| {
                let bytes = std::fs::read(d.path().join("host.json")).ok()?;
                Some((d.path(), serde_json::from_slice(&bytes).unwrap()))
            })
            .collect()
    }

    pub fn host_pid(&self) -> i32 {
        let hosts = self.hosts();
        assert_eq!(hosts.len(), 1, "one kept host: {hosts:?}");
        hosts[0].1["pid"].as_i64().unwrap() as i32
    }

    /// Start a turn in the background; returns once the agent said `marker`.
    pub fn start_turn(&self, session: &str, marker: &str) -> Child {
        let mut child = self
            .cmd(None)
            .args(["session", "prompt", session, "go", "--format", "ndjson"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while !line.contains(marker) {
            line.clear();
            assert!(out.read_line(&mut line).unwrap() > 0, "stdout ended early");
            assert!(Instant::now() < deadline, "no {marker} within 60 s");
        }
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        child
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        // Nothing left running whatever an assertion did.
        for (_, rec) in self.hosts() {
            for key in ["pid", "agent_pid"] {
                if let Some(pid) = rec[key].as_i64() {
                    // SAFETY: signalling process groups this test started.
                    unsafe { libc::kill(-(pid as i32), libc::SIGKILL) };
                }
            }
        }
    }
}

/// Wait (bounded: a hang guard, not a timing claim) until `done`.
pub fn wait_until(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {secs} s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_exit(child: &mut Child, secs: u64) -> Option<i32> {
    let mut status = None;
    wait_until("the command's exit", secs, || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    status.unwrap().code()
}

const LOADING: &str = r#""load_session": true"#;

fn loading(turn: Value) -> Value {
    let mut s: Value = serde_json::from_str(&format!("{{{LOADING}}}")).unwrap();
    s["turn"] = turn;
    json!({ "qwen": s, "gemini": s })
}

#[test]
fn outside_ci_the_agent_is_kept_and_turn_two_sends_only_the_prompt() {
    let rig = rig(loading(json!([{"text": "ok\n"}])), "");
    rig.new_session("a", "qwen");
    for n in 1..=3 {
        let out = rig
            .run(&["session", "prompt", "a", &format!("turn {n}"), "--json"])
            .expect(0)
            .json();
        assert_eq!(out["text"], "ok\n");
    }
    assert_eq!(rig.agent_pids().len(), 1, "one agent for three turns");
    let prompts = rig.log("prompt");
    assert_eq!(prompts.len(), 3, "{prompts:?}");
    // Turn 1 made the agent session; turns 2 and 3 found it loaded.
    assert!(rig.log("load").is_empty(), "{:?}", rig.log("load"));
    let sid = prompts[0].split_whitespace().nth(2).unwrap().to_string();
    assert!(prompts.iter().all(|p| p.contains(&sid)), "{prompts:?}");
    // The record and the socket are private; the agent and host still run.
    let (dir, rec) = &rig.hosts()[0];
    for f in ["host.json", "host.sock"] {
        let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
    assert_eq!(rec["agent"], "qwen");
    assert_eq!(rec["idle_timeout_seconds"], 600);
    assert!(!process_gone(rec["pid"].as_i64().unwrap() as i32));
    assert!(!process_gone(rig.agent_pids()[0]));
}

#[test]
fn under_ci_and_with_keep_false_nothing_is_left_running() {
    for (ci, server) in [(true, ""), (false, "keep = false")] {
        let rig = rig(loading(json!([{"text": "ok\n"}])), server);
        rig.new_session("a", "qwen");
        for _ in 0..2 {
            let run = if ci {
                rig.run_ci(&["session", "prompt", "a", "go", "--json"])
            } else {
                rig.run(&["session", "prompt", "a", "go", "--json"])
            };
            assert_eq!(run.expect(0).json()["text"], "ok\n");
        }
        assert_eq!(rig.agent_pids().len(), 2, "one agent per turn ({server})");
        assert_eq!(rig.log("load").len(), 1, "turn 2 loads the session again");
        assert!(rig.hosts().is_empty(), "no kept host ({server})");
        for pid in rig.agent_pids() {
            assert!(process_gone(pid), "agent {pid} still running");
        }
    }
}

#[test]
fn an_idle_host_stops_with_its_agent_and_record() {
    let rig = rig(
        loading(json!([{"text": "ok\n"}])),
        "idle_timeout_seconds = 1",
    );
    rig.new_session("a", "gemini");
    rig.run(&["session", "prompt", "a", "go"]).expect(0);
    let (dir, rec) = rig.hosts().pop().expect("a kept host");
    let host = rec["pid"].as_i64().unwrap() as i32;
    assert!(!process_gone(host), "the host runs after the command");
    let agent = rig.agent_pids()[0];
    wait_until("the idle host's stop", 30, || process_gone(host));
    wait_until("the agent's end", 10, || process_gone(agent));
    assert!(!dir.join("host.json").exists());
    assert!(!dir.join("host.sock").exists());
    // The next turn starts a new host and agent.
    rig.run(&["session", "prompt", "a", "again"]).expect(0);
    assert_eq!(rig.agent_pids().len(), 2);
    assert_ne!(rig.host_pid(), host);
}

#[test]
fn two_sessions_run_at_once_on_one_kept_agent() {
    let rig = rig(
        loading(json!([{"text": "start\n"}, {"sleep": 0.5}, {"text": "done\n"}])),
        "",
    );
    rig.new_session("a", "qwen");
    rig.new_session("b", "qwen");
    // A first turn starts the host, then two commands and one command with
    // two sessions share it.
    rig.run(&["session", "prompt", "a", "warm"]).expect(0);
    let mut c1 = rig.start_turn("a", "start");
    let mut c2 = rig.start_turn("b", "start");
    assert_eq!(wait_exit(&mut c1, 60), Some(0));
    assert_eq!(wait_exit(&mut c2, 60), Some(0));
    let both = rig
        .run(&["session", "prompt", "a", "b", "--", "both"])
        .expect(0);
    let mut lines: Vec<&str> = both.stdout.lines().collect();
    lines.sort();
    assert_eq!(lines, ["[a] done", "[a] start", "[b] done", "[b] start"]);
    assert_eq!(rig.agent_pids().len(), 1, "one agent for every turn");
    let sessions: std::collections::HashSet<String> = rig
        .log("prompt")
        .iter()
        .map(|p| p.split_whitespace().nth(2).unwrap().to_string())
        .collect();
    assert_eq!(sessions.len(), 2, "two agent sessions: {sessions:?}");
}

#[test]
fn an_agent_killed_mid_turn_ends_that_turn_and_the_next_gets_a_new_agent() {
    let rig = rig(loading(json!([{"text": "ok\n"}])), "");
    rig.new_session("a", "qwen");
    rig.new_session("b", "qwen");
    rig.run(&["session", "prompt", "a", "one"]).expect(0);
    rig.run(&["session", "prompt", "b", "one"]).expect(0);
    let host = rig.host_pid();
    rig.fake
        .script(loading(json!([{"text": "dying\n"}, {"crash": true}])));
    let run = rig
        .run(&["session", "prompt", "a", "two", "--json"])
        .expect(3);
    let err = run.json();
    assert_eq!(err["kind"], "crashed", "{err}");
    let msg = err["message"].as_str().unwrap();
    assert!(msg.contains("exited mid-turn"), "{msg}");
    assert!(msg.contains("scripted crash mid-turn"), "its stderr: {msg}");
    assert!(process_gone(rig.agent_pids()[0]));
    // The host stays and starts a new agent; session b is loaded again.
    rig.fake.script(loading(json!([{"text": "back\n"}])));
    let out = rig
        .run(&["session", "prompt", "b", "three", "--json"])
        .expect(0)
        .json();
    assert_eq!(out["text"], "back\n");
    assert_eq!(rig.host_pid(), host);
    assert_eq!(rig.agent_pids().len(), 2);
    assert_eq!(
        rig.log("load").len(),
        1,
        "b reloaded: {:?}",
        rig.log("load")
    );
}

#[test]
fn a_killed_host_ends_the_turn_at_once_and_leaves_no_agent() {
    let rig = rig(loading(json!([{"text": "ok\n"}])), "");
    rig.new_session("a", "qwen");
    rig.run(&["session", "prompt", "a", "one"]).expect(0);
    let host = rig.host_pid();
    rig.fake
        .script(loading(json!([{"text": "waiting\n"}, {"stall": true}])));
    let mut child = rig.start_turn("a", "waiting");
    // SAFETY: signalling a process the test's command started.
    unsafe { libc::kill(host, libc::SIGKILL) };
    assert_eq!(wait_exit(&mut child, 20), Some(3));
    let agent = rig.agent_pids()[0];
    wait_until("the orphaned agent's end", 10, || process_gone(agent));
    // The next command starts a new host.
    rig.fake.script(loading(json!([{"text": "ok\n"}])));
    rig.run(&["session", "prompt", "a", "again"]).expect(0);
    assert_ne!(rig.host_pid(), host);
    assert_eq!(rig.agent_pids().len(), 2);
}

#[test]
fn ctrl_c_cancels_only_its_own_turn_and_the_agent_stays() {
    let rig = rig(loading(json!([{"text": "ok\n"}])), "");
    rig.new_session("a", "qwen");
    rig.run(&["session", "prompt", "a", "one"]).expect(0);
    rig.fake
        .script(loading(json!([{"text": "waiting\n"}, {"stall": true}])));
    let mut child = rig.start_turn("a", "waiting");
    // SAFETY: signalling a child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    assert_eq!(wait_exit(&mut child, 20), Some(130));
    assert_eq!(rig.log("cancel").len(), 1, "session/cancel was sent");
    let agent = rig.agent_pids()[0];
    assert!(!process_gone(agent), "the kept agent stays");
    rig.fake.script(loading(json!([{"text": "ok\n"}])));
    rig.run(&["session", "prompt", "a", "again"]).expect(0);
    assert_eq!(rig.agent_pids(), vec![agent]);
}

#[test]
fn a_host_with_other_settings_is_not_used_and_an_idle_one_is_replaced() {
    let rig = rig(loading(json!([{"text": "ok\n"}])), "");
    rig.new_session("a", "qwen");
    rig.run(&["session", "prompt", "a", "one"]).expect(0);
    let old = rig.host_pid();
    // Another launch command for the same agent: another fingerprint.
    let cfg = std::fs::read_to_string(rig.env.config_dir().join("config.toml")).unwrap();
    rig.env.write_config(&format!(
        "{cfg}\n[providers.qwen]\nlaunch_command = \"qwen --acp --yolo\"\n"
    ));
    rig.run(&["session", "prompt", "a", "two"]).expect(0);
    assert_eq!(
        rig.agent_pids().len(),
        2,
        "a new agent for the new settings"
    );
    wait_until("the stale host's stop", 10, || process_gone(old));
    let second = rig.host_pid();
    assert_ne!(second, old);
    // Another endpoint in the environment the agent reads: another host.
    let run = rig.env.run_with(
        rig.cmd(None)
            .env("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
            .args(["session", "prompt", "a", "three"]),
    );
    run.expect(0);
    assert_eq!(
        rig.agent_pids().len(),
        3,
        "a new agent for the new endpoint"
    );
    wait_until("the stale host's stop", 10, || process_gone(second));
}

#[test]
fn confinement_and_permissions_are_decided_by_the_command_through_the_host() {
    let rig = rig(
        loading(json!([
            {"write": "../escape.txt", "content": "no"},
            {"write": "notes.txt", "content": "yes\n"},
            // A command: the default policy asks, and off a terminal denies.
            {"permission": "p1", "call": {
                "kind": "execute", "title": "Run a command", "rawInput": {"command": "make"}
            }},
            {"text": "end\n"}
        ])),
        "",
    );
    rig.new_session("fs", "qwen");
    let denied = rig
        .run(&["session", "prompt", "fs", "go", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        denied["text"],
        "write:refused -32602\nwrite:ok\npermission:no\nend\n"
    );
    assert!(!rig.env.path().join("repo/../escape.txt").exists());
    let allowed = rig
        .run(&[
            "session",
            "prompt",
            "fs",
            "go",
            "--permissions",
            "allow",
            "--json",
        ])
        .expect(0)
        .json();
    assert!(
        allowed["text"]
            .as_str()
            .unwrap()
            .contains("permission:yes\n"),
        "{allowed}"
    );
    assert_eq!(rig.agent_pids().len(), 1, "both turns on the kept agent");
}
#[test]
fn server_status_lists_kept_agents_and_server_stop_stops_them() {
    let rig = rig(loading(json!([{"text": "ok\n"}])), "");
    rig.new_session("a", "qwen");
    rig.run(&["session", "prompt", "a", "one"]).expect(0);
    let host = rig.host_pid();
    let agent = rig.agent_pids()[0];
    let status = rig.run(&["server", "status", "--json"]).json();
    let kept = status["agents"].as_array().expect("agents listed");
    assert_eq!(kept.len(), 1, "{status}");
    assert_eq!(kept[0]["agent"], "qwen");
    assert_eq!(kept[0]["pid"], host);
    assert_eq!(kept[0]["agent_pid"], agent);
    assert_eq!(kept[0]["sessions_loaded"], 1);
    assert_eq!(kept[0]["idle_timeout_seconds"], 600);
    assert!(kept[0]["stops_at"].as_str().is_some(), "{status}");
    let text = rig.run(&["server", "status"]).stdout;
    assert!(text.contains("kept agent qwen"), "{text}");
    let doctor = rig.run(&["doctor", "--json"]).json();
    let check = doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "agents kept")
        .unwrap_or_else(|| panic!("no kept-agents check: {doctor}"))
        .clone();
    assert!(
        check["summary"].as_str().unwrap().contains("qwen"),
        "{check}"
    );
    rig.run(&["server", "stop"]).expect(0);
    assert!(process_gone(host));
    wait_until("the agent's end", 10, || process_gone(agent));
    assert!(rig.hosts().is_empty());
}

#[test]
fn the_model_is_set_only_when_it_changes() {
    let mut script = loading(json!([{"text": "ok\n"}]));
    script["qwen"]["models"] = json!([{"id": "m1"}, {"id": "m2"}]);
    let rig = rig(script, "");
    let repo = rig.repo.to_str().unwrap();
    rig.run(&[
        "session", "new", "m", "--repo", repo, "--agent", "qwen", "--model", "m2",
    ])
    .expect(0);
    rig.run(&["session", "prompt", "m", "one"]).expect(0);
    rig.run(&["session", "prompt", "m", "two"]).expect(0);
    let set: Vec<String> = rig.log("set_model");
    assert_eq!(set.len(), 1, "set once for two turns: {set:?}");
    rig.run(&["session", "prompt", "m", "three", "--model", "m1"])
        .expect(0);
    rig.run(&["session", "prompt", "m", "four", "--model", "m1"])
        .expect(0);
    let set = rig.log("set_model");
    assert_eq!(set.len(), 2, "set again only on the change: {set:?}");
    assert!(set[1].contains("set_model m1"), "{set:?}");
    assert_eq!(rig.agent_pids().len(), 1);
}

#[test]
fn a_command_terminated_mid_turn_has_only_its_turn_cancelled() {
    let rig = rig(loading(json!([{"text": "ok\n"}])), "");
    rig.new_session("a", "qwen");
    rig.new_session("b", "qwen");
    rig.run(&["session", "prompt", "a", "one"]).expect(0);
    rig.fake
        .script(loading(json!([{"text": "waiting\n"}, {"stall": true}])));
    let mut child = rig.start_turn("a", "waiting");
    // SAFETY: signalling a child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    child.wait().unwrap();
    wait_until("the turn's cancel", 10, || rig.log("cancel").len() == 1);
    let agent = rig.agent_pids()[0];
    assert!(!process_gone(agent), "the kept agent stays");
    // Another session runs on the same agent at once.
    rig.fake.script(loading(json!([{"text": "ok\n"}])));
    let out = rig
        .run(&["session", "prompt", "b", "next", "--json"])
        .expect(0)
        .json();
    assert_eq!(out["text"], "ok\n");
    assert_eq!(rig.agent_pids(), vec![agent]);
}
