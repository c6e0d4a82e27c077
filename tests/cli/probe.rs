//! `boocoder probe`: tier 1 and tier 2 against the fake ACP agent.

use serde_json::json;

use crate::fake_acp::{FakeAgents, entry, model_ids, process_gone};
use crate::support::TestEnv;

fn gemini_script() -> serde_json::Value {
    json!({"gemini": {
        "models": [{"id": "g-pro", "name": "Gemini Pro"}, {"id": "g-flash"}],
        "config_models": [{"id": "g-pro", "name": "Gemini Pro"}, {"id": "g-ultra"}],
        "modes": [{"id": "default", "name": "Default"}, {"id": "yolo", "name": "YOLO"}],
        "current_mode": "yolo",
        "commands": [{"name": "review", "description": "Review the diff"}],
        "commands_delay": 0.05,
        "version": "gemini 9.9.9"
    }})
}

#[test]
fn probe_reads_models_modes_commands_and_persists() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    let path = fake.install("gemini");
    fake.script(gemini_script());

    let v = fake
        .run(&env, &["probe", "gemini", "--json"])
        .expect(0)
        .json();
    let g = entry(&v, "providers", "gemini");
    assert_eq!(g["status"], "ready", "{v}");
    assert_eq!(g["installed"], true);
    assert_eq!(g["transport"], "acp");
    assert_eq!(g["probed"], true);
    assert_eq!(g["version"], "gemini 9.9.9");
    assert_eq!(g["install_path"], path.display().to_string());
    // The typed selector first, then what only the legacy field lists.
    assert_eq!(model_ids(g), ["g-pro", "g-ultra", "g-flash"]);
    assert_eq!(g["models"][0]["label"], "Gemini Pro");
    assert_eq!(g["default_mode_id"], "yolo");
    assert_eq!(g["modes"][1]["id"], "yolo");
    assert_eq!(
        g["commands"],
        json!([{"name": "review", "description": "Review the diff"}])
    );
    let fetched = g["fetched_at"]
        .as_str()
        .expect("fetched_at is a time string");
    assert!(
        fetched.len() == 24 && fetched.ends_with('Z') && fetched.as_bytes()[10] == b'T',
        "RFC 3339 UTC: {fetched}"
    );
    assert_eq!(
        v["providers"].as_array().unwrap().len(),
        1,
        "only the named one"
    );
    assert_eq!(fake.starts("gemini"), 1);

    // Within the probe TTL: stored models and commands, manifest modes, no spawn.
    let v = fake
        .run(&env, &["probe", "gemini", "--json"])
        .expect(0)
        .json();
    let g = entry(&v, "providers", "gemini");
    assert_eq!(g["probed"], false);
    assert_eq!(model_ids(g), ["g-pro", "g-ultra", "g-flash"]);
    assert_eq!(g["commands"][0]["name"], "review");
    assert_eq!(g["default_mode_id"], "default", "manifest default mode");
    assert_eq!(g["version"], "gemini 9.9.9", "stored version");
    assert_eq!(fake.starts("gemini"), 1, "the agent was not started again");

    // --force probes again.
    let v = fake
        .run(&env, &["probe", "gemini", "--force", "--json"])
        .expect(0)
        .json();
    assert_eq!(entry(&v, "providers", "gemini")["probed"], true);
    assert_eq!(fake.starts("gemini"), 2);
}

#[test]
fn probe_text_table_and_ndjson() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(gemini_script());
    let run = fake.run(&env, &["probe"]).expect(0);
    assert!(run.stdout.starts_with("NAME"), "{}", run.stdout);
    let gemini = run
        .stdout
        .lines()
        .find(|l| l.starts_with("gemini"))
        .unwrap();
    assert!(
        gemini.contains("ready") && gemini.contains("probed now"),
        "{gemini}"
    );
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("goose") && l.contains("not installed")),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.is_empty(),
        "no progress on a pipe: {}",
        run.stderr
    );

    let run = fake.run(&env, &["probe", "--format", "ndjson"]).expect(0);
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 8, "7 built-ins and a summary: {}", run.stdout);
    assert!(lines[..7].iter().all(|l| l["type"] == "provider"));
    assert_eq!(lines[7]["type"], "summary");
}

#[test]
fn unknown_provider_is_a_usage_error() {
    let env = TestEnv::new();
    let run = env.run(&["probe", "nope", "--json"]).expect(2);
    assert!(
        run.stderr.contains("unknown provider `nope`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    assert_eq!(run.json()["kind"], "usage");
}

#[test]
fn stale_probe_is_repeated() {
    let env = TestEnv::new();
    env.write_config("probe_ttl_seconds = 0\n");
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(gemini_script());
    fake.run(&env, &["probe", "gemini"]).expect(0);
    std::thread::sleep(std::time::Duration::from_millis(5));
    fake.run(&env, &["probe", "gemini"]).expect(0);
    assert_eq!(
        fake.starts("gemini"),
        2,
        "a probe older than the TTL is repeated"
    );
}

#[test]
fn empty_stored_models_are_probed_again() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("goose");
    fake.script(json!({"goose": {"modes": [{"id": "auto", "name": "Auto"}]}}));
    for _ in 0..2 {
        let v = fake
            .run(&env, &["probe", "goose", "--json"])
            .expect(0)
            .json();
        assert_eq!(entry(&v, "providers", "goose")["probed"], true);
    }
    assert_eq!(fake.starts("goose"), 2);
}

#[test]
fn an_empty_probe_never_clobbers_stored_lists() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(gemini_script());
    fake.run(&env, &["probe", "gemini"]).expect(0);
    // The agent now reports nothing: the stored models and commands stay.
    fake.script(json!({"gemini": {}}));
    let v = fake
        .run(&env, &["probe", "gemini", "--force", "--json"])
        .expect(0)
        .json();
    let g = entry(&v, "providers", "gemini");
    assert_eq!(g["probed"], true);
    assert_eq!(model_ids(g), ["g-pro", "g-ultra", "g-flash"]);
    assert_eq!(g["commands"][0]["name"], "review");
    let v = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    assert_eq!(
        model_ids(entry(&v, "entries", "gemini")),
        ["g-pro", "g-ultra", "g-flash"]
    );
    assert_eq!(
        fake.starts("gemini"),
        2,
        "the snapshot used the stored lists"
    );
}

#[test]
fn auth_error_is_reported_as_auth_required() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("qwen");
    fake.script(json!({"qwen": {"auth_error": true}}));
    let v = fake
        .run(&env, &["probe", "qwen", "--json"])
        .expect(0)
        .json();
    let q = entry(&v, "providers", "qwen");
    assert_eq!(q["status"], "error", "{v}");
    assert_eq!(q["error"]["kind"], "auth_required");
    assert!(
        q["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Authentication required")
    );
    assert_eq!(q["installed"], true);
}

#[test]
fn a_crashing_agent_is_an_error_not_a_failed_run() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("codex-acp");
    fake.script(json!({"codex-acp": {"crash": "session/new"}}));
    let v = fake
        .run(&env, &["probe", "codex", "--json"])
        .expect(0)
        .json();
    let c = entry(&v, "providers", "codex");
    assert_eq!(c["status"], "error", "{v}");
    assert_eq!(c["error"]["kind"], "crashed");
    let message = c["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("session/new") && message.contains("fatal: scripted crash"),
        "the agent's last stderr line is in the message: {message}"
    );
}

#[test]
fn a_binary_without_acp_falls_back_to_pty() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("goose");
    fake.script(json!({"goose": {"not_acp": true}}));
    let v = fake
        .run(&env, &["probe", "goose", "--json"])
        .expect(0)
        .json();
    let g = entry(&v, "providers", "goose");
    assert_eq!(g["transport"], "pty", "{v}");
    assert_eq!(g["status"], "ready");
    // Remembered: no new probe within the TTL, still pty.
    let v = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    assert_eq!(entry(&v, "entries", "goose")["transport"], "pty");
    assert_eq!(fake.starts("goose"), 1);
}

#[test]
fn a_hanging_agent_is_killed_with_its_children_at_the_timeout() {
    let env = TestEnv::new();
    env.write_config("probe_timeout_seconds = 1\n");
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(json!({"gemini": {"hang": "session/new"}}));
    let v = fake
        .run(&env, &["probe", "gemini", "--json"])
        .expect(0)
        .json();
    let g = entry(&v, "providers", "gemini");
    assert_eq!(g["status"], "error", "{v}");
    assert_eq!(g["error"]["kind"], "timeout");
    assert!(
        g["error"]["message"]
            .as_str()
            .unwrap()
            .contains("session/new")
    );
    let children = fake.child_pids();
    assert_eq!(children.len(), 1, "the hanging agent started its child");
    // The kill is sent before boocoder exits; give the kernel a moment to reap.
    let gone = (0..50).any(|_| {
        if process_gone(children[0]) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        false
    });
    assert!(gone, "the agent's child {} survived", children[0]);
}

#[test]
fn probes_of_different_providers_run_concurrently() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    let slow = json!({"models": [{"id": "m"}], "delay": 1.0});
    for name in ["gemini", "qwen", "goose"] {
        fake.install(name);
    }
    fake.script(json!({"default": slow}));
    fake.run(&env, &["probe", "--force"]).expect(0);
    let spans: Vec<(f64, f64)> = ["gemini", "qwen", "goose"]
        .iter()
        .map(|n| fake.intervals(n)[0])
        .collect();
    let last_start = spans.iter().map(|s| s.0).fold(f64::MIN, f64::max);
    let first_end = spans.iter().map(|s| s.1).fold(f64::MAX, f64::min);
    assert!(
        last_start < first_end,
        "all three were in session/new at once: {spans:?}"
    );

    // probe_concurrency = 1: one after the other.
    let env = TestEnv::new();
    env.write_config("probe_concurrency = 1\n");
    let fake = FakeAgents::new(&env);
    for name in ["gemini", "qwen", "goose"] {
        fake.install(name);
    }
    fake.script(json!({"default": {"models": [{"id": "m"}], "delay": 0.1}}));
    fake.run(&env, &["probe", "--force"]).expect(0);
    let mut spans: Vec<(f64, f64)> = ["gemini", "qwen", "goose"]
        .iter()
        .map(|n| fake.intervals(n)[0])
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(
        spans.windows(2).all(|w| w[0].1 <= w[1].0),
        "overlapping probes with probe_concurrency = 1: {spans:?}"
    );
}

#[test]
fn config_replace_merge_disable_and_custom_provider() {
    let env = TestEnv::new();
    env.write_config(
        r#"
[providers.gemini]
models = [{ id = "only", label = "The only one" }]
label = "Gemini (work)"

[providers.goose]
additional_models = ["extra", "m"]

[providers.qwen]
enabled = false

[providers.mine]
transport = "acp"
launch_command = "my-agent --acp"
description = "my own agent"
"#,
    );
    let fake = FakeAgents::new(&env);
    for name in ["gemini", "goose", "qwen", "my-agent"] {
        fake.install(name);
    }
    fake.script(json!({
        "default": {"models": [{"id": "m"}, {"id": "n"}]},
        "my-agent": {"models": [{"id": "mine-1"}], "commands": [{"name": "hello", "description": "hi"}]}
    }));
    let v = fake.run(&env, &["probe", "--json"]).expect(0).json();
    let g = entry(&v, "providers", "gemini");
    assert_eq!(model_ids(g), ["only"], "models REPLACE");
    assert_eq!(g["models"][0]["label"], "The only one");
    assert_eq!(g["label"], "Gemini (work)");
    assert_eq!(
        model_ids(entry(&v, "providers", "goose")),
        ["m", "n", "extra"],
        "MERGE"
    );
    let q = entry(&v, "providers", "qwen");
    assert_eq!(
        (q["status"].clone(), q["enabled"].clone()),
        (json!("unavailable"), json!(false))
    );
    assert_eq!(fake.starts("qwen"), 0, "a disabled provider is not started");
    let mine = entry(&v, "providers", "mine");
    assert_eq!(mine["status"], "ready", "{v}");
    assert_eq!(mine["transport"], "acp");
    assert_eq!(mine["description"], "my own agent");
    assert_eq!(model_ids(mine), ["mine-1"]);
    assert_eq!(mine["commands"][0]["name"], "hello");
}

#[test]
fn ctrl_c_kills_the_agent_group() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(json!({"gemini": {"hang": "session/new"}}));
    let child = fake
        .cmd(&env)
        .args(["probe", "gemini"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait (bounded) until the hanging agent has started its own child.
    let mut children = Vec::new();
    for _ in 0..500 {
        children = fake.child_pids();
        if !children.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(children.len(), 1, "the agent never got to session/new");
    std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let gone = (0..50).any(|_| {
        if process_gone(children[0]) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        false
    });
    assert!(gone, "the agent's child {} survived Ctrl-C", children[0]);
}

#[test]
fn a_stored_install_path_counts_as_installed_while_it_exists() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    let path = fake.install("gemini");
    fake.script(gemini_script());
    fake.run(&env, &["probe", "gemini"]).expect(0);

    // Off PATH, but the stored path still exists: installed, stored models.
    let off_path =
        |args: &[&str]| env.run_with(fake.cmd(&env).env("PATH", "/usr/bin:/bin").args(args));
    let v = off_path(&["probe", "gemini", "--json"]).expect(0).json();
    let g = entry(&v, "providers", "gemini");
    assert_eq!(g["installed"], true, "{v}");
    assert_eq!(g["install_path"], path.display().to_string());
    assert_eq!(model_ids(g), ["g-pro", "g-ultra", "g-flash"]);

    // Gone from disk too: not installed.
    std::fs::remove_file(&path).unwrap();
    let v = off_path(&["probe", "gemini", "--json"]).expect(0).json();
    let g = entry(&v, "providers", "gemini");
    assert_eq!(
        (g["installed"].clone(), g["status"].clone()),
        (json!(false), json!("unavailable"))
    );
    assert_eq!(fake.starts("gemini"), 1);
}
