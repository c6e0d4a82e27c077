//! `boocoder snapshot`: the tier rules end to end, the cache, llama-swap,
//! concurrent forced runs, and the real `opencode acp`.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use serde_json::json;

use crate::fake_acp::{FakeAgents, entry, model_ids};
use crate::model_server::ModelServer;
use crate::support::TestEnv;

fn one_model(id: &str) -> serde_json::Value {
    json!({"models": [{"id": id}], "commands": [{"name": "c", "description": "d"}]})
}

#[test]
fn a_second_process_reads_the_cache_without_probing() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(json!({"gemini": one_model("g1")}));
    let first = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    assert_eq!(first["from_cache"], false);
    assert_eq!(model_ids(entry(&first, "entries", "gemini")), ["g1"]);
    assert_eq!(fake.starts("gemini"), 1);
    let names: Vec<&str> = first["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "boocode", "opencode", "qwen", "gemini", "claude", "codex", "goose"
        ]
    );
    for e in first["entries"].as_array().unwrap() {
        for key in [
            "name",
            "label",
            "description",
            "transport",
            "status",
            "enabled",
            "installed",
            "models",
            "modes",
            "default_mode_id",
            "commands",
        ] {
            assert!(e.get(key).is_some(), "entry lacks `{key}`: {e}");
        }
    }

    // Even with the agent changed, the next process gets the cached snapshot.
    fake.script(json!({"gemini": one_model("g2")}));
    let second = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    assert_eq!(second["from_cache"], true);
    assert_eq!(second["entries"], first["entries"]);
    assert_eq!(second["built_at"], first["built_at"]);
    assert_eq!(fake.starts("gemini"), 1, "nothing was probed");

    // --force rebuilds it.
    let third = fake
        .run(&env, &["snapshot", "--force", "--json"])
        .expect(0)
        .json();
    assert_eq!(third["from_cache"], false);
    assert_eq!(model_ids(entry(&third, "entries", "gemini")), ["g2"]);
    assert_eq!(fake.starts("gemini"), 2);
}

#[test]
fn within_the_probe_ttl_a_rebuilt_snapshot_starts_no_agent() {
    let env = TestEnv::new();
    env.write_config("snapshot_ttl_seconds = 0\n");
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(json!({"gemini": one_model("g1")}));
    fake.run(&env, &["snapshot"]).expect(0);
    let v = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    assert_eq!(v["from_cache"], false, "the cache expired");
    let g = entry(&v, "entries", "gemini");
    assert_eq!(model_ids(g), ["g1"]);
    assert_eq!(g["commands"][0]["name"], "c");
    assert_eq!(fake.starts("gemini"), 1, "stored models, no spawn");
}

#[test]
fn peek_reads_one_cached_entry_and_never_probes() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(json!({"gemini": one_model("g1")}));
    let run = fake
        .run(&env, &["snapshot", "peek", "gemini", "--json"])
        .expect(1);
    assert_eq!(run.json()["kind"], "negative");
    assert_eq!(fake.starts("gemini"), 0);

    fake.run(&env, &["snapshot"]).expect(0);
    let v = fake
        .run(&env, &["snapshot", "peek", "gemini", "--json"])
        .expect(0)
        .json();
    assert_eq!(v["name"], "gemini");
    assert_eq!(model_ids(&v), ["g1"]);
    let run = fake.run(&env, &["snapshot", "peek", "gemini"]).expect(0);
    assert!(run.stdout.contains("model: g1"), "{}", run.stdout);
    fake.run(&env, &["snapshot", "peek", "nope"]).expect(1);
    // Another directory has no snapshot yet: what the probe stored.
    let other = env.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let stored = fake
        .run(
            &env,
            &[
                "snapshot",
                "peek",
                "gemini",
                "--cwd",
                other.to_str().unwrap(),
            ],
        )
        .expect(0);
    assert!(
        stored.stdout.contains("model: g1\n") && stored.stdout.contains("from the stored probe"),
        "{}",
        stored.stdout
    );
    assert_eq!(fake.starts("gemini"), 1);
}

#[test]
fn llama_swap_models_native_and_merged_with_one_prefix() {
    let env = TestEnv::new();
    let server = ModelServer::start(&["qwen3", "llama-swap/already"]);
    let fake = FakeAgents::new(&env);
    fake.install("opencode");
    fake.script(json!({"opencode": {"models": [{"id": "anthropic/x"}]}}));
    let v = env
        .run_with(
            fake.cmd(&env)
                .env("LLAMA_SWAP_URL", server.url())
                .args(["snapshot", "--json"]),
        )
        .expect(0)
        .json();
    let native = entry(&v, "entries", "boocode");
    assert_eq!(native["status"], "ready");
    assert_eq!(native["transport"], "native");
    assert_eq!(model_ids(native), ["qwen3", "llama-swap/already"]);
    // llama-swap's models first (in its order), the agent's own after.
    assert_eq!(
        model_ids(entry(&v, "entries", "opencode")),
        ["llama-swap/qwen3", "llama-swap/already", "anthropic/x"]
    );
    assert_eq!(v["warnings"], json!([]));
}

/// A one-connection-at-a-time HTTP server answering every request with
/// `response` after `delay`.
fn canned_server(response: &'static str, delay: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = conn.read(&mut buf);
                std::thread::sleep(delay);
                let _ = conn.write_all(response.as_bytes());
            });
        }
    });
    url
}

#[test]
fn llama_swap_down_malformed_non_200_or_slow_is_a_warning() {
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let malformed = canned_server(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 9\r\nconnection: close\r\n\r\nnot json!",
        Duration::ZERO,
    );
    let failing = canned_server(
        "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        Duration::ZERO,
    );
    let slow = canned_server(
        "HTTP/1.1 200 OK\r\ncontent-length: 11\r\nconnection: close\r\n\r\n{\"data\":[]}",
        Duration::from_secs(10),
    );
    for (url, why) in [
        (closed, "unreachable"),
        (malformed, "malformed"),
        (failing, "HTTP 500"),
        (slow, "no answer within 3 s"),
    ] {
        let env = TestEnv::new();
        let run = env.run_with(
            env.cmd()
                .env("LLAMA_SWAP_URL", &url)
                .args(["snapshot", "--json"]),
        );
        let v = run.expect(0).json();
        let native = entry(&v, "entries", "boocode");
        assert_eq!(native["status"], "ready");
        assert_eq!(native["models"], json!([]));
        let warnings = v["warnings"].as_array().unwrap();
        assert!(
            warnings.len() == 1 && warnings[0].as_str().unwrap().contains(why),
            "{why}: {v}"
        );
    }
}

#[test]
fn concurrent_forced_snapshots_start_each_agent_once() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(json!({"gemini": {"models": [{"id": "g"}], "delay": 0.3}}));
    // Create the database first so the racers do not also race to migrate.
    env.run(&["db", "migrate"]).expect(0);
    let children: Vec<_> = (0..3)
        .map(|_| {
            fake.cmd(&env)
                .args(["snapshot", "--force", "--json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(model_ids(entry(&v, "entries", "gemini")), ["g"]);
    }
    // The waiters use the probe that ran while they waited.
    assert_eq!(fake.starts("gemini"), 1, "{:?}", fake.intervals("gemini"));
}

#[test]
fn cron_force_quiet_exits_zero_with_unavailable_providers() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    let run = fake.run(&env, &["snapshot", "--force", "-q"]).expect(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert!(run.stdout.contains("unavailable"), "{}", run.stdout);

    // A snapshot that cannot be stored is a failure.
    let run = env.run(&[
        "--db",
        "postgres://nobody@127.0.0.1:9/x",
        "snapshot",
        "--force",
        "-q",
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let run = env.run(&["snapshot", "--cwd", "/does/not/exist"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn claude_static_models_and_commands_from_disk() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("claude-code-acp");
    fake.script(json!({}));
    let claude = env.home().join(".claude");
    std::fs::create_dir_all(claude.join("commands")).unwrap();
    std::fs::write(claude.join("commands/review.md"), "# Review the diff\n").unwrap();
    let skill = claude.join("plugins/cache/acme/tools/skills/deploy");
    std::fs::create_dir_all(&skill).unwrap();
    std::fs::write(
        skill.join("SKILL.md"),
        "---\nname: deploy\ndescription: Ship it\n---\nbody\n",
    )
    .unwrap();
    let v = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    let c = entry(&v, "entries", "claude");
    assert_eq!(c["status"], "ready", "{v}");
    assert_eq!(model_ids(c), ["default", "opus", "sonnet", "haiku"]);
    for m in c["models"].as_array().unwrap() {
        assert_eq!(m["default_thinking_option_id"], "medium");
        let ids: Vec<&str> = m["thinking_options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["low", "medium", "high"]);
    }
    assert_eq!(
        c["commands"],
        json!([
            {"name": "deploy", "description": "Ship it"},
            {"name": "review", "description": "Review the diff"}
        ])
    );
    assert_eq!(
        fake.starts("claude-code-acp"),
        0,
        "claude is never ACP-probed"
    );
}

#[test]
fn qwen_merges_the_models_of_its_settings_file() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("qwen");
    fake.script(json!({"qwen": {"models": [{"id": "qwen3-coder-plus"}]}}));
    std::fs::create_dir_all(env.home().join(".qwen")).unwrap();
    std::fs::write(
        env.home().join(".qwen/settings.json"),
        r#"{"model": {"name": "local-coder"}, "models": ["qwen3-coder-plus", {"id": "m2", "label": "Model 2"}]}"#,
    )
    .unwrap();
    let v = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    assert_eq!(
        model_ids(entry(&v, "entries", "qwen")),
        ["qwen3-coder-plus", "local-coder", "m2"]
    );
}

/// The real `opencode acp` (pinned npm package) against the scripted model
/// server: models come from its llama-swap provider config.
#[test]
fn real_opencode_acp_snapshot() {
    use crate::opencode::{config_content, hermetic_env, opencode_bin};
    let env = TestEnv::new();
    let server = ModelServer::start(&["qwen3-coder"]);
    let bin = opencode_bin();
    let oc_home = env.path().join("oc-home");
    std::fs::create_dir_all(oc_home.join("tmp")).unwrap();
    env.write_config(&format!(
        "[providers.opencode]\nlaunch_command = [{:?}, \"acp\"]\n",
        bin.display().to_string()
    ));
    let mut cmd = env.cmd();
    for (k, v) in hermetic_env(&oc_home) {
        cmd.env(k, v);
    }
    // boocoder's own directories stay in the test env.
    cmd.env("BOOCODER_CONFIG_DIR", env.config_dir())
        .env("BOOCODER_DATA_DIR", env.data_dir())
        .env("LLAMA_SWAP_URL", server.url())
        .env(
            "OPENCODE_CONFIG_CONTENT",
            config_content(&server.url(), &["qwen3-coder"]),
        );
    let repo = crate::support::git_repo(&env.path().join("repo"));
    cmd.args([
        "snapshot",
        "--force",
        "--json",
        "--cwd",
        repo.to_str().unwrap(),
    ]);
    let v = env.run_with(&mut cmd).expect(0).json();
    let oc = entry(&v, "entries", "opencode");
    assert_eq!(oc["status"], "ready", "{v}");
    assert_eq!(oc["transport"], "acp");
    let ids = model_ids(oc);
    assert!(
        ids.contains(&"llama-swap/qwen3-coder".to_string()),
        "{ids:?}"
    );
    assert_eq!(
        ids.iter()
            .filter(|i| i.as_str() == "llama-swap/qwen3-coder")
            .count(),
        1,
        "{ids:?}"
    );
    assert!(
        ids.len() > 1,
        "opencode's own models came through the probe: {ids:?}"
    );
    assert!(!oc["modes"].as_array().unwrap().is_empty(), "{oc}");
    assert!(
        !oc["commands"].as_array().unwrap().is_empty(),
        "available_commands_update was read: {oc}"
    );
}

#[test]
fn snapshot_and_probe_on_postgres() {
    let env = TestEnv::new();
    let schema = crate::support::PgSchema::new();
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(json!({"gemini": one_model("g1")}));
    let db = ["--db", schema.url.as_str()];
    let run = |args: &[&str]| fake.run(&env, &[&db[..], args].concat());
    let v = run(&["snapshot", "--json"]).expect(0).json();
    assert_eq!(v["from_cache"], false);
    assert_eq!(model_ids(entry(&v, "entries", "gemini")), ["g1"]);
    let v = run(&["snapshot", "--json"]).expect(0).json();
    assert_eq!(v["from_cache"], true);
    let v = run(&["probe", "gemini", "--json"]).expect(0).json();
    assert_eq!(entry(&v, "providers", "gemini")["probed"], false);
    let v = run(&["snapshot", "peek", "gemini", "--json"])
        .expect(0)
        .json();
    assert_eq!(model_ids(&v), ["g1"]);
    assert_eq!(fake.starts("gemini"), 1);
}
