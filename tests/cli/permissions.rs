//! The permission policy, end to end: the real opencode (which boocoder
//! makes ask for every tool call) and ACP agents, answered by presets,
//! config rules, policy files and `non_interactive`.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use crate::acp_qwen::Qwen;
use crate::model_server::{ModelServer, Script};
use crate::server::with_opencode;
use crate::support::{Run, TestEnv, git_repo};

const MODEL: &str = "scripted-model";

struct Rig {
    env: TestEnv,
    models: ModelServer,
    repo: PathBuf,
}

fn rig(extra_config: &str) -> Rig {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config(&format!(
        "default_model = \"{MODEL}\"\nlease_seconds = 3\n[server]\nkeep = false\n{extra_config}"
    ));
    Rig { env, models, repo }
}

impl Rig {
    fn cmd(&self) -> Command {
        let mut c = self.env.cmd();
        with_opencode(&self.env, &mut c, &self.models.url());
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        self.env.run_with(self.cmd().args(args))
    }

    /// A new session (with `extra` flags); its worktree.
    fn new_session(&self, name: &str, extra: &[&str]) -> PathBuf {
        let mut args = vec![
            "session",
            "new",
            name,
            "--repo",
            self.repo.to_str().unwrap(),
            "--json",
        ];
        args.extend_from_slice(extra);
        let created = self.run(&args).expect(0).json();
        PathBuf::from(created["worktree"]["path"].as_str().unwrap())
    }

    /// `session prompt NAME go --format ndjson EXTRA...`: its records.
    fn prompt(&self, name: &str, extra: &[&str]) -> (Run, Vec<Value>) {
        let mut args = vec!["session", "prompt", name, "go", "--format", "ndjson"];
        args.extend_from_slice(extra);
        let run = self.run(&args);
        let recs = records(&run);
        (run, recs)
    }
}

fn records(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad ndjson line {l:?}: {e}")))
        .collect()
}

/// The `permission` records.
fn decisions(recs: &[Value]) -> Vec<&Value> {
    recs.iter().filter(|r| r["type"] == "permission").collect()
}

fn last(recs: &[Value]) -> &Value {
    recs.last().expect("a final record")
}

#[test]
fn the_default_policy_without_a_terminal_runs_no_bash() {
    let rig = rig("");
    rig.new_session("p", &[]);
    // The command names no path opencode could see: opencode itself would
    // run it without asking.
    let outside = rig.env.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let command = "python3 -c \"import os; open(os.path.expanduser('~') + '/../outside/p1', 'w')\"";
    rig.models.push(Script::new().bash(command));
    let (run, recs) = rig.prompt("p", &[]);
    assert!(!outside.join("p1").exists(), "bash ran: {}", run.stdout);
    let asked = decisions(&recs);
    assert_eq!(asked.len(), 1, "{}", run.stdout);
    assert_eq!(asked[0]["permission"], "bash");
    assert_eq!(asked[0]["patterns"], json!([command]));
    assert_eq!(asked[0]["decision"], "deny");
    assert_eq!(asked[0]["by"], "non_interactive");
    assert_eq!(asked[0]["rule"]["source"], "preset workspace");
    assert_eq!(asked[0]["rule"]["action"], "ask");
    assert_eq!(
        last(&recs)["permissions"],
        json!({"allowed": 0, "denied": 1})
    );
    assert!(
        recs.iter().any(|r| r["type"] == "notice"
            && r["notice"]
                .as_str()
                .unwrap()
                .contains("there is no terminal (non_interactive = deny")),
        "{}",
        run.stdout
    );
    // Stored with the turn.
    let log = rig.run(&["session", "log", "p", "--json"]).expect(0).json();
    let turn = &log["turns"][0];
    assert_eq!(turn["permissions"]["denied"], 1, "{log}");
    assert_eq!(turn["permissions"]["decisions"][0]["tool"], "bash");
    assert_eq!(turn["permissions"]["decisions"][0]["decision"], "deny");
}

#[test]
fn full_runs_bash_and_read_only_blocks_the_write_tool() {
    let rig = rig("");
    let wt = rig.new_session("p", &[]);
    rig.models.push(Script::new().bash("touch by-bash"));
    rig.models.push(Script::new().text("Ran it."));
    let (run, recs) = rig.prompt("p", &["--permissions", "full"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(wt.join("by-bash").exists(), "{}", run.stdout);
    let asked = decisions(&recs);
    assert_eq!(asked.len(), 1, "{}", run.stdout);
    assert_eq!(asked[0]["decision"], "allow");
    assert_eq!(asked[0]["by"], "rule");
    assert_eq!(asked[0]["rule"]["source"], "preset full");
    assert_eq!(
        last(&recs)["permissions"],
        json!({"allowed": 1, "denied": 0})
    );

    rig.models
        .push(Script::new().tool_call("write", json!({"filePath": "w.txt", "content": "w\n"})));
    let (run, recs) = rig.prompt("p", &["--permissions", "read-only"]);
    assert!(!wt.join("w.txt").exists(), "{}", run.stdout);
    let asked = decisions(&recs);
    assert_eq!(asked.len(), 1, "{}", run.stdout);
    assert_eq!(asked[0]["permission"], "edit");
    assert_eq!(asked[0]["patterns"], json!(["w.txt"]));
    assert_eq!(asked[0]["decision"], "deny");
    assert_eq!(asked[0]["rule"]["source"], "preset read-only");
}

#[test]
fn pattern_rules_apply_the_last_matching_rule() {
    let rig = rig(
        "[permissions]\nbash = { \"*\" = \"deny\", \"touch ok-*\" = \"allow\", \"touch ok-bad\" = \"deny\" }\n",
    );
    let wt = rig.new_session("p", &[]);
    rig.models.push(Script::new().bash("touch ok-1"));
    // A denied request ends opencode's turn: no follow-up request.
    rig.models.push(Script::new().bash("touch other"));
    let (run, recs) = rig.prompt("p", &[]);
    assert!(wt.join("ok-1").exists(), "{}", run.stdout);
    assert!(!wt.join("other").exists(), "{}", run.stdout);
    let asked = decisions(&recs);
    assert_eq!(asked.len(), 2, "{}", run.stdout);
    assert_eq!(asked[0]["decision"], "allow");
    assert_eq!(asked[0]["rule"]["pattern"], "touch ok-*");
    assert_eq!(asked[1]["decision"], "deny");
    assert_eq!(asked[1]["by"], "rule");
    assert_eq!(asked[1]["rule"]["pattern"], "*");
    assert!(
        asked[1]["rule"]["source"]
            .as_str()
            .unwrap()
            .starts_with("config file "),
        "{}",
        asked[1]
    );

    rig.models.push(Script::new().bash("touch ok-bad"));
    let (run, recs) = rig.prompt("p", &[]);
    assert!(!wt.join("ok-bad").exists(), "{}", run.stdout);
    let asked = decisions(&recs);
    assert_eq!(asked[0]["decision"], "deny", "{}", run.stdout);
    assert_eq!(asked[0]["rule"]["pattern"], "touch ok-bad");
}

/// A local HTTP server counting the requests it gets.
fn counting_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/page", listener.local_addr().unwrap());
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().map_while(Result::ok) {
            counted.fetch_add(1, Ordering::SeqCst);
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let _ = conn.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello",
            );
        }
    });
    (url, hits)
}

#[test]
fn webfetch_denied_by_the_config_is_never_fetched_and_a_policy_file_on_top_allows_it() {
    let rig = rig("[permissions]\nwebfetch = \"deny\"\n");
    rig.new_session("p", &[]);
    let (url, hits) = counting_server();
    rig.models.push(Script::new().webfetch(&url));
    // The config's rule applies on top of the flag's preset.
    let (run, recs) = rig.prompt("p", &["--permissions", "full"]);
    let asked = decisions(&recs);
    assert_eq!(asked.len(), 1, "{}", run.stdout);
    assert_eq!(asked[0]["permission"], "webfetch");
    assert_eq!(asked[0]["patterns"], json!([url]));
    assert_eq!(asked[0]["decision"], "deny");
    assert_eq!(hits.load(Ordering::SeqCst), 0, "the URL was fetched");

    // A policy file's rules apply on top of the config's.
    let file = rig.env.path().join("policy.toml");
    std::fs::write(&file, "webfetch = { \"http://127.0.0.1:*\" = \"allow\" }\n").unwrap();
    rig.models.push(Script::new().webfetch(&url));
    rig.models.push(Script::new().text("Fetched."));
    let (run, recs) = rig.prompt("p", &["--permissions", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let asked = decisions(&recs);
    assert_eq!(asked[0]["decision"], "allow", "{}", run.stdout);
    assert_eq!(
        asked[0]["rule"]["source"],
        format!("--permissions {}", file.display())
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[test]
fn non_interactive_fail_ends_the_turn_with_exit_5_and_nothing_run() {
    let rig = rig("[permissions]\nnon_interactive = \"fail\"\n");
    let wt = rig.new_session("p", &[]);
    rig.models.push(Script::new().bash("touch never"));
    rig.models.push(Script::new().text("Ran it."));
    let (run, recs) = rig.prompt("p", &[]);
    assert_eq!(run.code, 5, "{}\n{}", run.stdout, run.stderr);
    assert!(!wt.join("never").exists());
    let asked = decisions(&recs);
    assert_eq!(asked.len(), 1, "{}", run.stdout);
    assert_eq!(asked[0]["decision"], "deny");
    let end = last(&recs);
    assert_eq!(end["type"], "error");
    assert_eq!(end["kind"], "failed");
    assert_eq!(end["exit_code"], 5);
    let message = end["message"].as_str().unwrap();
    assert!(
        message.contains("non_interactive = \"fail\"") && message.contains("bash touch never"),
        "{message}"
    );
    // The model was not asked again after the request: the turn ended there.
    assert_eq!(rig.models.pending_scripts(), 1);
    let show = rig
        .run(&["session", "show", "p", "--json"])
        .expect(0)
        .json();
    assert_eq!(show["last_turn"]["status"], "failed");
}

#[test]
fn a_session_keeps_its_policy_and_a_turn_flag_overrides_it() {
    let rig = rig("");
    let wt = rig.new_session("p", &["--permissions", "full"]);
    let show = rig
        .run(&["session", "show", "p", "--json"])
        .expect(0)
        .json();
    assert_eq!(show["permissions"], "full");
    rig.models.push(Script::new().bash("touch first"));
    rig.models.push(Script::new().text("Done."));
    let (run, _) = rig.prompt("p", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(wt.join("first").exists(), "{}", run.stdout);

    rig.models.push(Script::new().bash("touch second"));
    let (run, recs) = rig.prompt("p", &["--permissions", "workspace"]);
    assert!(!wt.join("second").exists(), "{}", run.stdout);
    assert_eq!(decisions(&recs)[0]["decision"], "deny");

    let bad = rig.run(&[
        "session",
        "new",
        "q",
        "--repo",
        rig.repo.to_str().unwrap(),
        "--permissions",
        "no-such-policy",
    ]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("neither a preset"), "{}", bad.stderr);
    assert_eq!(rig.run(&["session", "show", "q"]).code, 1);
    let file = rig.env.path().join("bad.toml");
    std::fs::write(&file, "read = \"allow\"\nbash = 3\n").unwrap();
    let bad = rig.run(&[
        "session",
        "new",
        "q",
        "--repo",
        rig.repo.to_str().unwrap(),
        "--permissions",
        file.to_str().unwrap(),
    ]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains(&format!("{}: line 2", file.display()))
            && bad.stderr.contains("key `bash`"),
        "{}",
        bad.stderr
    );
    assert_eq!(rig.run(&["session", "show", "q"]).code, 1);
}

#[test]
fn config_show_lists_the_rules_with_their_sources_and_a_bad_rule_names_its_line() {
    let env = TestEnv::new();
    let file = env.write_config(
        "[permissions]\nbash = { \"git status*\" = \"allow\" }\nnon_interactive = \"fail\"\n",
    );
    let text = env.run(&["config", "show"]).expect(0).stdout;
    assert!(
        text.contains("\"*\" = \"ask\"  # preset workspace"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "bash = {{ \"git status*\" = \"allow\" }}  # config file {}",
            file.display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "non_interactive = \"fail\"  # config file {}",
            file.display()
        )),
        "{text}"
    );
    let json = env.run(&["config", "show", "--json"]).expect(0).json();
    let rules = json["permissions"]["rules"].as_array().unwrap();
    assert_eq!(rules.last().unwrap()["pattern"], "git status*");

    env.write_config(
        "watchdog_seconds = 60\n[permissions]\nread = \"allow\"\nbash = { \"rm *\" = \"nope\" }\n",
    );
    let bad = env.run(&["config", "show"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains(&format!("{}: line 4", file.display()))
            && bad.stderr.contains("key `permissions.bash`")
            && bad.stderr.contains("nope"),
        "{}",
        bad.stderr
    );
}

/// The fake ACP agent as `qwen` with `turn` steps, `config`, and session
/// `a` on it; its worktree.
fn acp_rig(turn: Value, config: &str) -> (TestEnv, crate::fake_acp::FakeAgents, PathBuf) {
    let env = TestEnv::new();
    let fake = crate::fake_acp::FakeAgents::new(&env);
    fake.install("qwen");
    fake.script(json!({"qwen": {"turn": turn}}));
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config(&format!("lease_seconds = 3\n{config}"));
    let run = fake.run(
        &env,
        &[
            "session",
            "new",
            "a",
            "--repo",
            repo.to_str().unwrap(),
            "--agent",
            "qwen",
            "--json",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let wt = PathBuf::from(run.json()["worktree"]["path"].as_str().unwrap());
    (env, fake, wt)
}

fn execute(id: &str, command: Value) -> Value {
    json!({"permission": id, "call": {
        "kind": "execute", "title": "Run a command", "rawInput": {"command": command}
    }})
}

#[test]
fn acp_requests_follow_the_policy_by_kind() {
    let (env, fake, _) = acp_rig(
        json!([
            execute("p1", json!("touch ok-1")),
            execute("p2", json!(["rm", "-rf", "x"])),
            {"permission": "p3", "call": {"kind": "edit", "title": "edit", "locations": [{"path": "/etc/hosts"}]}},
            {"permission": "p4", "call": {"kind": "fetch", "title": "fetch", "rawInput": {"url": "https://example.com/"}}},
            {"permission": "p5", "call": {"kind": "read", "title": "read", "locations": [{"path": "src/a.rs"}]}},
            {"permission": "p6", "call": {"kind": "search", "title": "*.md", "rawInput": {"pattern": "*.md"}, "locations": []}},
            {"text": "end\n"}
        ]),
        "[permissions]\nbash = { \"*\" = \"deny\", \"touch ok-*\" = \"allow\" }\n",
    );
    let run = fake.run(
        &env,
        &["session", "prompt", "a", "go", "--format", "ndjson"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let recs = records(&run);
    let text: String = recs
        .iter()
        .filter(|r| r["type"] == "text")
        .filter_map(|r| r["delta"].as_str())
        .collect();
    assert_eq!(
        text,
        "permission:yes\npermission:no\npermission:no\npermission:no\npermission:yes\npermission:yes\nend\n"
    );
    let asked: Vec<(String, Value, String)> = decisions(&recs)
        .iter()
        .map(|r| {
            (
                r["permission"].as_str().unwrap().to_string(),
                r["patterns"].clone(),
                r["decision"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        asked,
        [
            ("bash".into(), json!(["touch ok-1"]), "allow".into()),
            ("bash".into(), json!(["rm -rf x"]), "deny".into()),
            (
                "external_directory".into(),
                json!(["/etc/hosts"]),
                "deny".into()
            ),
            (
                "webfetch".into(),
                json!(["https://example.com/"]),
                "deny".into()
            ),
            ("read".into(), json!(["src/a.rs"]), "allow".into()),
            ("read".into(), json!(["*.md"]), "allow".into()),
        ]
    );
    assert_eq!(
        last(&recs)["permissions"],
        json!({"allowed": 3, "denied": 3})
    );

    // `full` allows what the default denied, but the config's rules apply
    // on top of a preset: `rm` stays denied.
    let run = fake.run(
        &env,
        &[
            "session",
            "prompt",
            "a",
            "go",
            "--permissions",
            "full",
            "--json",
        ],
    );
    let done = run.json();
    assert_eq!(
        done["text"],
        "permission:yes\npermission:no\npermission:yes\npermission:yes\npermission:yes\npermission:yes\nend\n"
    );
    assert_eq!(
        done["permissions"],
        json!({"allowed": 6, "denied": 1}),
        "{done}"
    );
}

#[test]
fn acp_file_requests_follow_read_and_edit_and_fail_exits_5() {
    let (env, fake, wt) = acp_rig(
        json!([
            {"read": "README.md"},
            {"write": "notes.txt", "content": "x"},
            {"text": "end\n"}
        ]),
        "",
    );
    let run = fake.run(
        &env,
        &[
            "session",
            "prompt",
            "a",
            "go",
            "--permissions",
            "read-only",
            "--format",
            "ndjson",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let recs = records(&run);
    let text: String = recs
        .iter()
        .filter(|r| r["type"] == "text")
        .filter_map(|r| r["delta"].as_str())
        .collect();
    assert!(
        text.starts_with("read:") && text.contains("write:refused -32602\n"),
        "{text}"
    );
    let asked = decisions(&recs);
    assert_eq!(asked.len(), 2, "{}", run.stdout);
    assert_eq!(asked[1]["permission"], "edit");
    assert_eq!(asked[1]["patterns"], json!(["notes.txt"]));
    assert_eq!(asked[1]["decision"], "deny");
    assert!(wt.join("README.md").exists() && !wt.join("notes.txt").exists());

    // `non_interactive = "fail"`: the first request that would ask ends the turn.
    let policy = env.path().join("fail.toml");
    std::fs::write(
        &policy,
        "[permissions]\n\"*\" = \"ask\"\nnon_interactive = \"fail\"\n",
    )
    .unwrap();
    let run = fake.run(
        &env,
        &[
            "session",
            "prompt",
            "a",
            "go",
            "--permissions",
            policy.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(run.code, 5, "{}\n{}", run.stdout, run.stderr);
    let end = run.json();
    assert_eq!(end["exit_code"], 5);
    assert!(
        end["message"].as_str().unwrap().contains("read README.md"),
        "{end}"
    );
}

#[test]
fn opencode_acp_asks_for_bash_and_the_policy_answers() {
    let rig = rig("[providers.opencode]\nturns = \"acp\"\n");
    let wt = rig.new_session("p", &[]);
    // A denied request ends opencode's turn: no follow-up request.
    rig.models.push(Script::new().bash("touch by-acp"));
    let (run, recs) = rig.prompt("p", &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!wt.join("by-acp").exists(), "{}", run.stdout);
    let asked = decisions(&recs);
    assert_eq!(asked.len(), 1, "{}", run.stdout);
    assert_eq!(asked[0]["permission"], "bash", "{}", asked[0]);
    assert_eq!(asked[0]["patterns"], json!(["touch by-acp"]));
    assert_eq!(asked[0]["decision"], "deny");

    rig.models.push(Script::new().bash("touch by-acp"));
    rig.models.push(Script::new().text("Ran it."));
    let (run, recs) = rig.prompt("p", &["--permissions", "full"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(wt.join("by-acp").exists(), "{}", run.stdout);
    assert_eq!(decisions(&recs)[0]["decision"], "allow");
}

#[test]
fn qwen_code_asks_for_its_shell_command_and_the_policy_answers() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    let qwen = Qwen::set_up(&env);
    let repo = &qwen.repo;
    let cmd = || qwen.cmd(&env, &models);
    let created = env
        .run_with(
            cmd()
                .args([
                    "session", "new", "qw", "--agent", "qwen", "--json", "--repo",
                ])
                .arg(repo),
        )
        .expect(0)
        .json();
    let wt = PathBuf::from(created["worktree"]["path"].as_str().unwrap());
    models.set_default(Script::new().text("Done."));
    let shell = || {
        Script::new().tool_call(
            "run_shell_command",
            json!({"command": "touch by-qwen", "description": "touch a file"}),
        )
    };
    let turn = |extra: &[&str]| {
        let run = env.run_with(
            cmd()
                .args([
                    "session",
                    "prompt",
                    "qw",
                    "go",
                    "--format",
                    "ndjson",
                    "--timeout",
                    "5m",
                ])
                .args(extra),
        );
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        records(&run)
    };
    models.push(shell());
    let recs = turn(&[]);
    assert!(!wt.join("by-qwen").exists(), "{recs:?}");
    let asked = decisions(&recs);
    assert_eq!(asked.len(), 1, "{recs:?}");
    assert_eq!(asked[0]["permission"], "bash");
    assert_eq!(asked[0]["patterns"], json!(["touch by-qwen"]));
    assert_eq!(asked[0]["decision"], "deny");

    models.push(shell());
    let recs = turn(&["--permissions", "full"]);
    assert!(wt.join("by-qwen").exists(), "{recs:?}");
    assert_eq!(decisions(&recs)[0]["decision"], "allow");
}

#[test]
fn a_kept_server_asks_again_for_a_turn_with_another_policy() {
    let rig = rig("");
    let wt = rig.new_session("p", &[]);
    rig.models.push(Script::new().bash("touch kept"));
    rig.models.push(Script::new().text("Done."));
    let (run, recs) = rig.prompt("p", &["--permissions", "full", "--keep-server"]);
    let _stop = StopServer(&rig);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(wt.join("kept").exists(), "{}", run.stdout);
    let url = last(&recs)["server_url"].clone();
    std::fs::remove_file(wt.join("kept")).unwrap();

    // The same command on the same server: asked again, and denied now.
    rig.models.push(Script::new().bash("touch kept"));
    let (run, recs) = rig.prompt("p", &[]);
    assert_eq!(last(&recs)["server_url"], url, "{}", run.stdout);
    assert!(!wt.join("kept").exists(), "{}", run.stdout);
    let asked = decisions(&recs);
    assert_eq!(asked.len(), 1, "{}", run.stdout);
    assert_eq!(asked[0]["decision"], "deny");
}

/// Stops the kept server when the test ends, however it ends.
struct StopServer<'a>(&'a Rig);

impl Drop for StopServer<'_> {
    fn drop(&mut self) {
        self.0.run(&["server", "stop"]);
    }
}

#[test]
fn a_repository_opencode_config_cannot_allow_what_the_policy_denies() {
    let rig = rig("");
    std::fs::write(
        rig.repo.join("opencode.json"),
        r#"{"permission": {"*": "allow", "bash": "allow"}, "agent": {"build": {"permission": {"bash": "allow"}}}}"#,
    )
    .unwrap();
    crate::support::git(&rig.repo, &["add", "opencode.json"]);
    crate::support::git(&rig.repo, &["commit", "-qm", "opencode config"]);
    let wt = rig.new_session("p", &[]);
    assert!(wt.join("opencode.json").exists());
    rig.models.push(Script::new().bash("touch by-repo-rule"));
    let (run, recs) = rig.prompt("p", &[]);
    assert!(!wt.join("by-repo-rule").exists(), "{}", run.stdout);
    let asked = decisions(&recs);
    assert_eq!(asked.len(), 1, "{}", run.stdout);
    assert_eq!(asked[0]["permission"], "bash");
    assert_eq!(asked[0]["decision"], "deny");
}
