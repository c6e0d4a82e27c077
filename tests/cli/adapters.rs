//! The current ACP adapters: Claude's is `claude-agent-acp`
//! (@agentclientprotocol/claude-agent-acp) and Codex's `codex-acp`
//! (@agentclientprotocol/codex-acp); the older `claude-code-acp` still runs
//! when it is the only one installed. The fake ACP agent stands in for both.

use serde_json::{Value, json};

use crate::fake_acp::FakeAgents;
use crate::support::{TestEnv, git_repo};

fn check<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {doc}"))
}

#[test]
fn claude_runs_the_new_adapter_and_the_old_one_when_only_it_is_installed() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.script(json!({"default": {"turn": [{"text": "hello from claude\n"}]}}));
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    let repo = repo.to_str().unwrap();

    // Nothing installed: the hints name the packages to install.
    let missing = fake
        .run(
            &env,
            &["session", "new", "c", "--repo", repo, "--agent", "claude"],
        )
        .expect(3);
    assert!(
        missing.stderr.contains("`claude-agent-acp` is not on PATH")
            && missing
                .stderr
                .contains("npm install -g @agentclientprotocol/claude-agent-acp"),
        "{}",
        missing.stderr
    );
    let missing = fake
        .run(
            &env,
            &["session", "new", "x", "--repo", repo, "--agent", "codex"],
        )
        .expect(3);
    assert!(
        missing
            .stderr
            .contains("npm install -g @agentclientprotocol/codex-acp"),
        "{}",
        missing.stderr
    );
    let doc = fake.run(&env, &["doctor", "--json"]).json();
    let claude = check(&doc, "agent:claude");
    assert_eq!(claude["details"]["launch"], "claude-agent-acp", "{claude}");
    assert!(
        claude["summary"]
            .as_str()
            .unwrap()
            .contains("@agentclientprotocol/claude-agent-acp"),
        "{claude}"
    );

    // Only the old adapter: accepted everywhere.
    let old = fake.install("claude-code-acp");
    fake.run(
        &env,
        &["session", "new", "c", "--repo", repo, "--agent", "claude"],
    )
    .expect(0);
    let turn = fake.run(&env, &["session", "prompt", "c", "hi"]).expect(0);
    assert_eq!(turn.stdout, "hello from claude\n");
    assert_eq!(fake.starts("claude-code-acp"), 1);
    let doc = fake.run(&env, &["doctor", "--json"]).json();
    assert_eq!(
        check(&doc, "agent:claude")["details"]["path"],
        old.display().to_string()
    );
    let snap = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    let entry = snap["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "claude")
        .unwrap();
    assert_eq!(entry["status"], "ready", "{entry}");

    // The new adapter installed beside it: the new one runs.
    let new = fake.install("claude-agent-acp");
    let turn = fake
        .run(&env, &["session", "prompt", "c", "again"])
        .expect(0);
    assert_eq!(turn.stdout, "hello from claude\n");
    assert_eq!(fake.starts("claude-agent-acp"), 1);
    assert_eq!(fake.starts("claude-code-acp"), 1, "the old one not again");
    let doc = fake.run(&env, &["doctor", "--json"]).json();
    assert_eq!(
        check(&doc, "agent:claude")["details"]["path"],
        new.display().to_string()
    );
}
