//! ACP agents running turns, end to end: the `boocoder` binary, the fake
//! ACP agent (scripted turns) installed as `qwen` and `gemini`, real git
//! worktrees, the store, real processes and signals.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::fake_acp::{FakeAgents, process_gone};
use crate::support::{Run, TestEnv, git_repo};

struct Rig {
    env: TestEnv,
    fake: FakeAgents,
    repo: PathBuf,
}

fn rig(script: Value) -> Rig {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("qwen");
    fake.install("gemini");
    fake.script(script);
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config("lease_seconds = 3\n");
    Rig { env, fake, repo }
}

impl Rig {
    fn run(&self, args: &[&str]) -> Run {
        self.fake.run(&self.env, args)
    }

    fn new_session(&self, name: &str, agent: &str) -> Value {
        self.run(&[
            "session",
            "new",
            name,
            "--repo",
            self.repo.to_str().unwrap(),
            "--agent",
            agent,
            "--json",
        ])
        .expect(0)
        .json()
    }

    fn show(&self, name: &str) -> Value {
        self.run(&["session", "show", name, "--json"])
            .expect(0)
            .json()
    }

    /// Lines of the fake agents' log with `event` as second word.
    fn log(&self, event: &str) -> Vec<String> {
        std::fs::read_to_string(&self.fake.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some(event))
            .map(String::from)
            .collect()
    }

    /// Pids of every fake agent started so far.
    fn agent_pids(&self) -> Vec<i32> {
        self.log("start")
            .iter()
            .filter_map(|l| l.split_whitespace().nth(2)?.parse().ok())
            .collect()
    }
}

fn records(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad ndjson line {l:?}: {e}")))
        .collect()
}

fn joined(records: &[Value], ty: &str) -> String {
    records
        .iter()
        .filter(|r| r["type"] == ty)
        .filter_map(|r| r["delta"].as_str())
        .collect()
}

#[test]
fn a_turn_streams_chunks_tools_and_plans_writes_in_the_worktree_and_resumes() {
    let rig = rig(json!({"qwen": {
    "load_session": true,
    "usage": {"inputTokens": 11, "outputTokens": 7, "totalTokens": 18},
    "turn": [
        {"thought": "thinking"},
        {"plan": [{"content": "write notes", "status": "in_progress", "priority": "high"}]},
        {"tool": "c1", "title": "Write notes.txt", "kind": "edit", "status": "pending"},
        {"tool": "c1", "new": false, "status": "in_progress"},
        {"write": "notes.txt", "content": "from the agent\n"},
        {"tool": "c1", "new": false, "status": "completed"},
        {"text": "Hello "},
        {"text": "world.\n"}
    ]}}));
    let created = rig.new_session("q", "qwen");
    assert_eq!(created["agent"], "qwen");
    let wt = PathBuf::from(created["worktree"]["path"].as_str().unwrap());

    let run = rig
        .run(&[
            "session",
            "prompt",
            "q",
            "write the notes",
            "--format",
            "ndjson",
        ])
        .expect(0);
    let recs = records(&run);
    // The first record says what runs where (no model: the agent's own),
    // stamped like every ndjson line.
    let mut start = recs[0].clone();
    let ts = start.as_object_mut().unwrap().remove("ts").expect("a ts");
    assert!(
        boocoder::timestamp::parse_rfc3339(ts.as_str().unwrap()).is_some(),
        "{ts}"
    );
    assert_eq!(
        start,
        json!({"type": "start", "session": "q", "agent": "qwen", "model": null,
               "worktree": wt.canonicalize().unwrap().to_str().unwrap()}),
    );
    assert_eq!(joined(&recs, "text"), "write:ok\nHello world.\n");
    assert_eq!(joined(&recs, "reasoning"), "thinking");
    let tool: Vec<&str> = recs
        .iter()
        .filter(|r| r["type"] == "tool")
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(tool, ["pending", "running", "completed"]);
    assert!(recs.iter().all(|r| r["session"] == "q"), "{recs:?}");
    let plan = recs
        .iter()
        .find(|r| r["type"] == "plan")
        .expect("a plan record");
    assert_eq!(plan["entries"][0]["content"], "write notes");
    let done = recs.last().unwrap();
    assert_eq!(done["type"], "done", "{done}");
    assert_eq!(done["stop_reason"], "end_turn");
    assert_eq!(done["tokens"]["input"], 11);
    assert_eq!(done["tokens"]["output"], 7);
    assert_eq!(done["changes"]["files"], 1);
    assert_eq!(
        std::fs::read_to_string(wt.join("notes.txt")).unwrap(),
        "from the agent\n"
    );
    let first_id = done["agent_session_id"].as_str().unwrap().to_string();
    let show = rig.show("q");
    assert_eq!(show["last_turn"]["status"], "done");
    assert_eq!(show["agent_session_id"], first_id.as_str());

    // The second turn loads the stored agent session; its replayed history is not printed.
    let second = rig
        .run(&["session", "prompt", "q", "again", "--json"])
        .expect(0)
        .json();
    assert_eq!(second["agent_session_id"], first_id.as_str());
    assert_eq!(second["text"], "write:ok\nHello world.\n");
    let loads = rig.log("load");
    assert_eq!(loads.len(), 1, "{loads:?}");
    assert!(loads[0].contains(&first_id));
    let prompts = rig.log("prompt");
    assert!(
        prompts[1].contains(&format!("{first_id} again ")),
        "{prompts:?}"
    );
    // No agent process survives a turn.
    for pid in rig.agent_pids() {
        assert!(process_gone(pid), "agent {pid} still running");
    }
    // Text mode prints the reply once, on stdout.
    let text = rig.run(&["session", "prompt", "q", "third"]).expect(0);
    assert_eq!(text.stdout, "write:ok\nHello world.\n");
}

#[test]
fn writes_outside_the_worktree_are_refused_and_permissions_follow_the_policy() {
    let rig = rig(json!({"qwen": {"turn": [
        {"write": "../escape.txt", "content": "no"},
        {"write": "/tmp/boocoder-acp-escape.txt", "content": "no"},
        {"read": "README.md"},
        {"permission": "p1"},
        {"text": "end\n"}
    ]}}));
    rig.new_session("fs", "qwen");
    let run = rig
        .run(&[
            "session",
            "prompt",
            "fs",
            "go",
            "--permissions",
            "read-only",
            "--format",
            "ndjson",
        ])
        .expect(0);
    let recs = records(&run);
    assert_eq!(
        joined(&recs, "text"),
        "write:refused -32602\nwrite:refused -32602\nread:hello\n\npermission:no\nend\n"
    );
    assert!(!rig.env.path().join("repo/../escape.txt").exists());
    assert!(!PathBuf::from("/tmp/boocoder-acp-escape.txt").exists());
    let perm = recs
        .iter()
        .find(|r| r["type"] == "permission" && r["id"] == "p1")
        .expect("the permission is reported");
    assert_eq!(perm["permission"], "edit");
    assert!(
        recs.iter().any(|r| r["type"] == "notice"
            && r["notice"].as_str().unwrap().starts_with(
                "permission edit (notes.txt) denied by rule \"*\" = deny (preset read-only)"
            )),
        "{recs:?}"
    );
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
            .contains("permission:yes\n")
    );
}

#[test]
fn crashes_stalls_and_auth_errors_have_their_exit_codes() {
    let rig = rig(json!({
        "qwen": {"turn": [{"text": "partial "}, {"crash": true}]},
        "gemini": {"turn": [{"text": "waiting"}, {"stall": true}]}
    }));
    rig.new_session("c", "qwen");
    let crashed = rig
        .run(&["session", "prompt", "c", "go", "--json"])
        .expect(3);
    let doc = crashed.json();
    assert_eq!(doc["kind"], "crashed", "{doc}");
    assert!(
        doc["message"]
            .as_str()
            .unwrap()
            .contains("qwen: fatal: scripted crash mid-turn"),
        "{doc}"
    );
    assert_eq!(doc["text"], "partial ");
    assert_eq!(rig.show("c")["last_turn"]["status"], "crashed");

    rig.new_session("s", "gemini");
    let stalled = rig
        .run(&["session", "prompt", "s", "go", "--timeout", "1s", "--json"])
        .expect(3);
    assert_eq!(stalled.json()["kind"], "stalled");
    assert_eq!(rig.log("cancel").len(), 1, "session/cancel was sent");
    assert_eq!(rig.show("s")["last_turn"]["status"], "stalled");

    rig.fake.script(json!({"qwen": {"auth_error": true}}));
    rig.new_session("a", "qwen");
    let auth = rig.run(&["session", "prompt", "a", "go"]).expect(4);
    assert!(
        auth.stderr.contains("hint: qwen needs a sign-in"),
        "{}",
        auth.stderr
    );

    for pid in rig.agent_pids() {
        assert!(process_gone(pid), "agent {pid} still running");
    }
}

#[test]
fn without_load_session_a_new_agent_session_says_why() {
    let rig = rig(json!({"qwen": {"turn": [{"text": "ok"}]}}));
    rig.new_session("n", "qwen");
    let first = rig
        .run(&["session", "prompt", "n", "one", "--json"])
        .expect(0)
        .json();
    let second = rig
        .run(&["session", "prompt", "n", "two", "--json"])
        .expect(0);
    assert!(
        second.stderr.contains("the agent cannot resume sessions"),
        "{}",
        second.stderr
    );
    assert_ne!(second.json()["agent_session_id"], first["agent_session_id"]);
    assert!(rig.log("load").is_empty());
    let show = rig.show("n");
    assert!(
        show["agent_session_reason"]
            .as_str()
            .unwrap()
            .contains("cannot resume")
    );
}

#[test]
fn unknown_disabled_and_missing_agents_are_refused() {
    let rig = rig(json!({}));
    let unknown = rig.run(&[
        "session",
        "new",
        "x",
        "--repo",
        rig.repo.to_str().unwrap(),
        "--agent",
        "nope",
    ]);
    let unknown = unknown.expect(2);
    assert!(unknown.stderr.contains("qwen"), "{}", unknown.stderr);
    assert!(unknown.stderr.contains("opencode"), "{}", unknown.stderr);
    let missing = rig
        .run(&[
            "session",
            "new",
            "x",
            "--repo",
            rig.repo.to_str().unwrap(),
            "--agent",
            "codex",
        ])
        .expect(3);
    assert!(missing.stderr.contains("codex-acp"), "{}", missing.stderr);
    rig.env
        .write_config("lease_seconds = 3\n[providers.gemini]\nenabled = false\n");
    let disabled = rig
        .run(&[
            "session",
            "new",
            "x",
            "--repo",
            rig.repo.to_str().unwrap(),
            "--agent",
            "gemini",
        ])
        .expect(2);
    assert!(disabled.stderr.contains("disabled"), "{}", disabled.stderr);
    let none = rig.run(&["session", "list", "--json"]).expect(0).json();
    assert_eq!(none.as_array().unwrap().len(), 0);
}

#[test]
fn mixed_agents_in_one_prompt_and_a_one_shot() {
    let rig = rig(json!({
        "qwen": {"turn": [{"write": "q.txt", "content": "q\n"}, {"text": "from qwen\n"}]},
        "gemini": {"turn": [{"write": "g.txt", "content": "g\n"}, {"text": "from gemini\n"}]}
    }));
    rig.new_session("a", "qwen");
    rig.new_session("b", "gemini");
    let run = rig
        .run(&["session", "prompt", "a", "b", "--", "same", "task"])
        .expect(0);
    let mut lines: Vec<&str> = run.stdout.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            "[a] write:ok",
            "[a] from qwen",
            "[b] write:ok",
            "[b] from gemini"
        ]
        .iter()
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
    );
    let changes = rig.run(&["session", "changes", "a", "--json"]).expect(0);
    assert!(changes.stdout.contains("q.txt"), "{}", changes.stdout);
    let changes = rig.run(&["session", "changes", "b", "--json"]).expect(0);
    assert!(changes.stdout.contains("g.txt"), "{}", changes.stdout);

    let one = rig
        .run(&[
            "prompt",
            "hi",
            "--agent",
            "gemini",
            "--repo",
            rig.repo.to_str().unwrap(),
            "--worktree",
        ])
        .expect(0);
    assert_eq!(one.stdout, "write:ok\nfrom gemini\n");
}

#[test]
fn ctrl_c_cancels_the_turn_and_kills_the_agent() {
    let rig = rig(json!({"qwen": {"turn": [{"text": "waiting\n"}, {"stall": true}]}}));
    rig.new_session("i", "qwen");
    let mut child = rig
        .fake
        .cmd(&rig.env)
        .args(["session", "prompt", "i", "go", "--format", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !line.contains("waiting") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "stdout ended early");
        assert!(Instant::now() < deadline);
    }
    // SAFETY: signalling a child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(rig.log("cancel").len(), 1, "session/cancel was sent");
    assert_eq!(rig.show("i")["last_turn"]["status"], "interrupted");
    for pid in rig.agent_pids() {
        assert!(process_gone(pid), "agent {pid} still running");
    }
}

#[test]
fn an_acp_turn_reports_its_changes_and_appears_in_the_session_log() {
    let rig = rig(json!({"qwen": {
    "load_session": true,
    "turn": [
        {"tool": "c1", "title": "Write notes.txt", "kind": "edit", "status": "pending"},
        {"write": "notes.txt", "content": "one\ntwo\n"},
        {"tool": "c1", "new": false, "status": "completed"},
        {"text": "Wrote the notes."}
    ]}}));
    rig.new_session("q", "qwen");
    let done = rig
        .run(&["session", "prompt", "q", "write the notes", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        done["turn_changes"],
        json!({"files": 1, "insertions": 2, "deletions": 0}),
        "{done}"
    );
    assert_eq!(done["changes"]["files"], 1, "{done}");
    assert_eq!(done["changes_error"], Value::Null, "{done}");
    // The second turn writes nothing new: no turn changes, the pending ones stay.
    let second = rig
        .run(&["session", "prompt", "q", "nothing more", "--json"])
        .expect(0)
        .json();
    assert_eq!(second["turn_changes"]["files"], 0, "{second}");
    assert_eq!(second["changes"]["files"], 1, "{second}");

    let log = rig.run(&["session", "log", "q", "--json"]).expect(0).json();
    let turns = log["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 2, "{log}");
    let a = &turns[0];
    assert_eq!(a["prompt"], "write the notes");
    assert_eq!(a["agent"], "qwen");
    assert_eq!(a["status"], "done");
    assert_eq!(a["stop_reason"], "end_turn");
    assert_eq!(a["reply"], "write:ok\nWrote the notes.");
    assert_eq!(
        a["tools"],
        json!([{"name": "edit", "title": "Write notes.txt", "status": "completed"}]),
        "{a}"
    );
    assert_eq!(a["turn_changes"]["files"], 1, "{a}");
    assert_eq!(turns[1]["prompt"], "nothing more");
    assert_eq!(turns[1]["turn_changes"]["files"], 0);
}

#[test]
fn a_worktree_remade_for_a_turn_reports_its_post_create_output_through_the_turn() {
    let rig = rig(json!({"qwen": {"load_session": true, "turn": [{"text": "ok"}]}}));
    rig.env.write_config(
        "lease_seconds = 3\n[worktree]\npost_create = \"echo setting up; echo on stderr >&2\"\n",
    );
    let created = rig.new_session("q", "qwen");
    let wt = PathBuf::from(created["worktree"]["path"].as_str().unwrap());

    // The directory is gone: the turn makes the worktree again, and the
    // post-create output comes as notices in the turn's own records.
    std::fs::remove_dir_all(&wt).unwrap();
    let run = rig
        .run(&["session", "prompt", "q", "hi", "--format", "ndjson"])
        .expect(0);
    let recs = records(&run);
    let notices: Vec<&str> = recs
        .iter()
        .filter(|r| r["type"] == "notice")
        .filter_map(|r| r["notice"].as_str())
        .collect();
    assert!(
        notices.contains(&"post_create: setting up") && notices.contains(&"post_create: on stderr"),
        "{}",
        run.stdout
    );
    assert!(recs.iter().all(|r| r["session"] == "q"), "{}", run.stdout);
    assert!(wt.is_dir());

    // In text, they are notes on stderr; stdout has the reply only.
    std::fs::remove_dir_all(&wt).unwrap();
    let run = rig.run(&["session", "prompt", "q", "hi"]).expect(0);
    assert!(
        run.stderr.contains("post_create: setting up"),
        "{}",
        run.stderr
    );
    assert!(!run.stdout.contains("setting up"), "{}", run.stdout);
}

#[test]
fn a_sign_in_asked_for_during_the_prompt_is_exit_4_with_the_way_to_sign_in() {
    let rig = rig(json!({"qwen": {"turn": [
        {"text": "partial "},
        {"error": -32000, "message": "Authentication required: token expired"}
    ]}}));
    rig.new_session("a", "qwen");
    let run = rig.run(&["session", "prompt", "a", "go"]).expect(4);
    assert!(run.stderr.contains("token expired"), "{}", run.stderr);
    assert!(
        run.stderr.contains("hint: qwen needs a sign-in"),
        "{}",
        run.stderr
    );
    let json = rig
        .run(&["session", "prompt", "a", "go", "--json"])
        .expect(4)
        .json();
    assert_eq!(json["type"], "error", "{json}");
    assert_eq!(json["kind"], "failed", "{json}");
    assert_eq!(json["exit_code"], 4, "{json}");
    assert!(
        json["hint"]
            .as_str()
            .is_some_and(|h| h.contains("qwen needs a sign-in")),
        "{json}"
    );
    assert_eq!(rig.show("a")["last_turn"]["status"], "failed");
}

#[test]
fn why_an_acp_agent_stopped_is_kept_in_the_session_log() {
    let rig = rig(json!({"qwen": {"stop_reason": "max_tokens", "turn": [{"text": "cut sh"}]}}));
    rig.new_session("m", "qwen");
    let done = rig
        .run(&["session", "prompt", "m", "a long answer", "--json"])
        .expect(1)
        .json();
    assert_eq!(done["stop_reason"], "max_tokens", "{done}");
    let log = rig.run(&["session", "log", "m", "--json"]).expect(0).json();
    assert_eq!(log["turns"][0]["stop_reason"], "max_tokens", "{log}");
    assert_eq!(log["turns"][0]["status"], "failed", "{log}");
    let text = rig.run(&["session", "log", "m"]).expect(0);
    assert!(
        text.stdout.contains("failed (max_tokens)"),
        "{}",
        text.stdout
    );
}

/// Every way a command ends (a turn done, refused at `session/new`, a probe)
/// waits for its agent to be gone: an agent whose exit takes a moment (it
/// holds memory to give back) is not still there when `boocoder` returns.
#[test]
fn no_agent_outlives_the_command_that_started_it() {
    let rig = rig(json!({
        "qwen": {"ballast": 768, "turn": [{"text": "done"}]},
        "gemini": {"ballast": 768, "auth_error": true}
    }));
    let check = |what: &str| {
        let pids = rig.agent_pids();
        let pid = *pids.last().expect("an agent was started");
        assert!(process_gone(pid), "{what}: agent {pid} still running");
    };

    rig.new_session("ok", "qwen");
    rig.run(&["session", "prompt", "ok", "go"]).expect(0);
    check("a finished turn");

    rig.new_session("refused", "gemini");
    rig.run(&["session", "prompt", "refused", "go"]).expect(4);
    check("a turn refused at session/new");

    rig.run(&["probe", "qwen", "--force"]).expect(0);
    check("a probe");
}
