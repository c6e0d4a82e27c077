//! Sessions and turns end to end: the real opencode, the scripted model
//! server, real git worktrees, the store, real processes and signals.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::model_server::{ModelServer, Script};
use crate::server::with_opencode;
use crate::support::{PgSchema, Run, TestEnv, git_repo};

const MODEL: &str = "scripted-model";
const OTHER_MODEL: &str = "other-model";

struct Rig {
    env: TestEnv,
    models: ModelServer,
    repo: PathBuf,
    db: Option<PgSchema>,
}

fn rig() -> Rig {
    rig_with("")
}

fn rig_with(extra_config: &str) -> Rig {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL, OTHER_MODEL]);
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config(&format!(
        "default_model = \"{MODEL}\"\nlease_seconds = 3\n[server]\nstream_timeout_seconds = 3\n{extra_config}"
    ));
    Rig {
        env,
        models,
        repo,
        db: None,
    }
}

impl Rig {
    fn cmd(&self) -> Command {
        let mut c = self.env.cmd();
        with_opencode(&self.env, &mut c, &self.models.url());
        if let Some(db) = &self.db {
            c.env("BOOCODER_DATABASE_URL", &db.url);
        }
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        self.env.run_with(self.cmd().args(args))
    }

    fn new_session(&self, name: &str) -> Value {
        self.run(&[
            "session",
            "new",
            name,
            "--repo",
            self.repo.to_str().unwrap(),
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

    /// Start `boocoder ARGS` in the background, its stdout read line by line.
    fn spawn(&self, args: &[&str]) -> Background {
        let mut child = self
            .cmd()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Background { child, lines: rx }
    }

    fn state_dir(&self) -> PathBuf {
        self.env.path().join("state")
    }
}

struct Background {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Background {
    /// Wait for a stdout line containing `needle`.
    fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line with {needle:?} within {timeout:?}"),
            }
        }
    }

    fn signal(&self, sig: i32) {
        // SAFETY: signalling a child this test started.
        unsafe { libc::kill(self.child.id() as i32, sig) };
    }

    /// Wait for exit (bounded); returns the code and stderr.
    fn finish(mut self, timeout: Duration) -> (Option<i32>, String) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut err = String::new();
                use std::io::Read;
                let _ = self.child.stderr.take().unwrap().read_to_string(&mut err);
                return (status.code(), err);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("process did not end within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// ndjson lines of one run.
fn records(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad ndjson line {l:?}: {e}")))
        .collect()
}

fn joined(records: &[Value], ty: &str, session: &str) -> String {
    records
        .iter()
        .filter(|r| r["type"] == ty && r["session"] == session)
        .filter_map(|r| r["delta"].as_str())
        .collect()
}

fn processes_in(dir: &Path) -> usize {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z "))
        })
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/cwd"))
                .ok()
                .as_deref()
                == Some(&dir)
        })
        .count()
}

#[test]
fn two_turns_reuse_the_agent_session_and_the_kept_server() {
    let rig = rig();
    let created = rig.new_session("s1");
    let wt = created["worktree"]["path"].as_str().unwrap().to_string();
    assert!(wt.contains("s1") && !wt.starts_with(rig.repo.to_str().unwrap()));
    assert_eq!(created["agent"], "opencode");

    rig.models.push(
        Script::new()
            .reasoning("Let me think.")
            .text("First answer, in order."),
    );
    let t1 = Instant::now();
    let run = rig
        .run(&[
            "session",
            "prompt",
            "s1",
            "hello",
            "--format",
            "ndjson",
            "--keep-server",
        ])
        .expect(0);
    let t1 = t1.elapsed();
    let recs = records(&run);
    // The first record says what runs where.
    let start = &recs[0];
    assert_eq!(start["type"], "start", "{start}");
    assert_eq!(start["session"], "s1");
    assert_eq!(start["agent"], "opencode");
    assert_eq!(start["model"], recs.last().unwrap()["model"], "{start}");
    assert!(start["model"].as_str().unwrap().ends_with(MODEL), "{start}");
    assert_eq!(
        std::path::Path::new(start["worktree"].as_str().unwrap()),
        std::path::Path::new(&wt).canonicalize().unwrap()
    );
    assert_eq!(recs.iter().filter(|r| r["type"] == "start").count(), 1);
    // Every line says what it is and when, first: type, then ts (RFC 3339 UTC).
    for r in &recs {
        let keys: Vec<&String> = r.as_object().unwrap().keys().take(2).collect();
        assert_eq!(keys, ["type", "ts"], "{r}");
        assert!(
            boocoder::timestamp::parse_rfc3339(r["ts"].as_str().unwrap()).is_some(),
            "{r}"
        );
    }
    assert_eq!(joined(&recs, "text", "s1"), "First answer, in order.");
    assert_eq!(
        joined(&recs, "reasoning", "s1"),
        "Let me think.",
        "reasoning once"
    );
    let done1 = recs.last().unwrap();
    assert_eq!(done1["type"], "done");
    assert_eq!(recs.iter().filter(|r| r["type"] == "done").count(), 1);
    assert!(done1["tokens"]["output"].as_i64().unwrap() > 0);

    rig.models.push(Script::new().text("Second answer."));
    let t2 = Instant::now();
    let run = rig
        .run(&["session", "prompt", "s1", "again", "--json"])
        .expect(0);
    let t2 = t2.elapsed();
    let done2 = run.json();
    eprintln!("turn 1 (starts the server): {t1:?}; turn 2 (reattached): {t2:?}");
    assert_eq!(done2["text"], "Second answer.");
    assert_eq!(
        done2["agent_session_id"], done1["agent_session_id"],
        "same agent session"
    );
    assert_eq!(
        done2["server_url"], done1["server_url"],
        "same (reattached) server"
    );
    assert!(
        t2 < t1,
        "turn 2 on a kept server is faster: {t2:?} vs {t1:?}"
    );

    let show = rig.show("s1");
    assert_eq!(show["agent_session_id"], done1["agent_session_id"]);
    assert_eq!(show["last_turn"]["status"], "done");
    assert!(show["last_turn"]["duration_ms"].as_i64().unwrap() > 0);

    // Text mode: the reply on stdout, a summary on stderr.
    rig.models.push(Script::new().text("Plain text."));
    let run = rig.run(&["session", "prompt", "s1", "third"]).expect(0);
    assert_eq!(run.stdout, "Plain text.\n");
    assert!(run.stderr.contains("done in"), "{}", run.stderr);
    rig.run(&["server", "stop"]).expect(0);
}

#[test]
fn a_write_tool_call_shows_in_the_pending_changes() {
    let rig = rig();
    let created = rig.new_session("w1");
    let wt = PathBuf::from(created["worktree"]["path"].as_str().unwrap());
    let target = wt.join("hello.txt");
    rig.models.push(Script::new().text("Writing.").tool_call(
        "write",
        json!({"filePath": target.display().to_string(), "content": "hi\n"}),
    ));
    rig.models.push(Script::new().text("Wrote it."));
    let done = rig
        .run(&["session", "prompt", "w1", "write a file", "--json"])
        .expect(0)
        .json();
    assert_eq!(done["changes"]["files"], 1, "{done}");
    assert_eq!(done["changes"]["insertions"], 1);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "hi\n");
    assert!(
        !rig.repo.join("hello.txt").exists(),
        "the user's checkout is untouched"
    );

    let changes = rig
        .run(&["session", "changes", "w1", "--json"])
        .expect(0)
        .json();
    let files = changes["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{changes}");
    assert_eq!(files[0]["path"], "hello.txt");
    assert_eq!(files[0]["status"], "added");
    assert_eq!(files[0]["agent"], "opencode");
    let text = rig.run(&["session", "changes", "w1", "--patch"]).expect(0);
    assert!(text.stdout.contains("+hi"), "{}", text.stdout);

    // rm refuses the dirty worktree, keeping every file; --force removes it.
    rig.run(&["session", "rm", "w1"]).expect(1);
    assert!(target.exists());
    rig.run(&["session", "rm", "w1", "--force"]).expect(0);
    assert!(!wt.exists());
    rig.run(&["session", "show", "w1"]).expect(1);
}

#[test]
fn two_sessions_in_two_worktrees_run_at_once_on_one_server() {
    let rig = rig();
    let alpha = rig.new_session("alpha");
    let beta = rig.new_session("beta");
    // opencode names the working directory in its system prompt: key each
    // session's reply to its worktree.
    for (info, reply) in [(&alpha, "Reply for alpha."), (&beta, "Reply for beta.")] {
        let path = info["worktree"]["path"].as_str().unwrap();
        rig.models.push_for(
            path,
            Script::new().delay(Duration::from_millis(300)).text(reply),
        );
    }

    let run = rig
        .run(&[
            "session", "prompt", "alpha", "beta", "--format", "ndjson", "--", "do", "the", "task",
        ])
        .expect(0);
    let recs = records(&run);
    assert_eq!(joined(&recs, "text", "alpha"), "Reply for alpha.");
    assert_eq!(joined(&recs, "text", "beta"), "Reply for beta.");
    let done: Vec<&Value> = recs.iter().filter(|r| r["type"] == "done").collect();
    assert_eq!(done.len(), 2);
    assert_eq!(done[0]["server_url"], done[1]["server_url"], "one server");
    assert_ne!(done[0]["agent_session_id"], done[1]["agent_session_id"]);

    // Text mode prefixes lines with the session.
    for (info, reply) in [(&alpha, "Alpha again."), (&beta, "Beta again.")] {
        rig.models.push_for(
            info["worktree"]["path"].as_str().unwrap(),
            Script::new().text(reply),
        );
    }
    let run = rig
        .run(&["session", "prompt", "-s", "alpha", "-s", "beta", "again"])
        .expect(0);
    let mut lines: Vec<&str> = run.stdout.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        ["[alpha] Alpha again.", "[beta] Beta again."],
        "{}",
        run.stdout
    );
}

#[test]
fn a_busy_session_fails_fast_and_a_killed_owner_is_taken_over() {
    let rig = rig();
    rig.new_session("busy");
    rig.models.push(Script::new().text("Working on it").stall());
    let first = rig.spawn(&[
        "session",
        "prompt",
        "busy",
        "long task",
        "--format",
        "ndjson",
    ]);
    first.wait_for("Working", Duration::from_secs(60));

    let second = rig.run(&["session", "prompt", "busy", "another"]).expect(1);
    assert!(
        second.stderr.contains("session busy is busy (turn started"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains(&format!(":{})", first.child.id())),
        "{}",
        second.stderr
    );

    // SIGKILL the owner: its lease expires (3 s here) and --wait takes over.
    first.signal(libc::SIGKILL);
    let _ = first.finish(Duration::from_secs(10));
    rig.models.push(Script::new().text("Taken over."));
    let done = rig
        .run(&["session", "prompt", "busy", "resume", "--wait", "--json"])
        .expect(0)
        .json();
    assert_eq!(done["text"], "Taken over.");
    let show = rig.show("busy");
    assert_eq!(
        show["agent_session_reason"], "the last turn crashed",
        "{show}"
    );
    // The killed owner's short-lived server did not outlive it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while processes_in(&rig.state_dir()) > 0 {
        assert!(
            Instant::now() < deadline,
            "an opencode server outlived its killed owner"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_changed_model_or_a_deleted_agent_session_makes_a_new_one() {
    let rig = rig();
    rig.new_session("fp");
    rig.run(&["server", "start"]).expect(0);
    let first = rig
        .run(&["session", "prompt", "fp", "one", "--json"])
        .expect(0)
        .json();
    let id1 = first["agent_session_id"].as_str().unwrap().to_string();

    // Another model: another configuration fingerprint.
    let run = rig
        .run(&[
            "session",
            "prompt",
            "fp",
            "two",
            "--model",
            OTHER_MODEL,
            "--json",
        ])
        .expect(0);
    let id2 = run.json()["agent_session_id"].as_str().unwrap().to_string();
    assert_ne!(id1, id2);
    assert!(
        run.stderr.contains("configuration changed"),
        "{}",
        run.stderr
    );
    assert_eq!(
        rig.show("fp")["agent_session_reason"],
        "the configuration changed (agent, model or provider settings)"
    );

    // The agent session deleted on the server: a new one, and why.
    let state: Value =
        serde_json::from_slice(&std::fs::read(rig.state_dir().join("server.json")).unwrap())
            .unwrap();
    let dir = rig.show("fp")["worktree"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .delete(format!("{}/session/{id2}", state["url"].as_str().unwrap()))
            .query(&[("directory", &dir)])
            .basic_auth("opencode", state["password"].as_str())
            .send()
            .await
            .unwrap()
            .status()
    });
    assert!(status.is_success(), "delete: {status}");
    let third = rig
        .run(&[
            "session",
            "prompt",
            "fp",
            "three",
            "--model",
            OTHER_MODEL,
            "--json",
        ])
        .expect(0)
        .json();
    assert_ne!(third["agent_session_id"].as_str().unwrap(), id2);
    assert_eq!(
        rig.show("fp")["agent_session_reason"],
        "the agent session is gone from the server"
    );
    rig.run(&["server", "stop"]).expect(0);
}

#[test]
fn a_stalled_model_is_aborted_by_the_watchdog() {
    let rig = rig();
    rig.new_session("stall");
    rig.models.push(Script::new().text("Partial").stall());
    let run = rig
        .run(&[
            "session",
            "prompt",
            "stall",
            "go",
            "--timeout",
            "3s",
            "--format",
            "ndjson",
        ])
        .expect(3);
    let recs = records(&run);
    // What streamed before the stall (under load the watchdog may fire first).
    assert!("Partial".starts_with(&joined(&recs, "text", "stall")));
    let last = recs.last().unwrap();
    assert_eq!(
        (last["type"].as_str(), last["kind"].as_str()),
        (Some("error"), Some("stalled")),
        "{last}"
    );
    assert_eq!(rig.show("stall")["last_turn"]["status"], "stalled");
    assert_eq!(
        processes_in(&rig.state_dir()),
        0,
        "the short-lived server is gone"
    );
}

#[test]
fn a_killed_server_is_reported_and_the_next_turn_resumes_the_agent_session() {
    let rig = rig();
    rig.new_session("crash");
    rig.run(&["server", "start"]).expect(0);
    let state: Value =
        serde_json::from_slice(&std::fs::read(rig.state_dir().join("server.json")).unwrap())
            .unwrap();
    rig.models
        .push(Script::new().text("Before the crash").stall());
    let turn = rig.spawn(&["session", "prompt", "crash", "go", "--format", "ndjson"]);
    turn.wait_for("Before", Duration::from_secs(60));
    let agent_session = rig.show("crash")["agent_session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let killed = Instant::now();
    // SAFETY: the server's process group, started by this test's `server start`.
    unsafe { libc::kill(-(state["pid"].as_i64().unwrap() as i32), libc::SIGKILL) };
    let (code, stderr) = turn.finish(Duration::from_secs(30));
    eprintln!("server loss reported after {:?}", killed.elapsed());
    assert_eq!(code, Some(3), "{stderr}");
    assert_eq!(rig.show("crash")["last_turn"]["status"], "server_lost");

    rig.models.push(Script::new().text("Resumed."));
    let done = rig
        .run(&["session", "prompt", "crash", "continue", "--json"])
        .expect(0)
        .json();
    assert_eq!(done["text"], "Resumed.");
    assert_eq!(
        done["agent_session_id"], agent_session,
        "the same agent session resumes"
    );
    assert_ne!(done["server_url"], state["url"], "on a new server");
}

#[test]
fn ctrl_c_aborts_releases_the_lease_and_leaves_no_server() {
    let rig = rig();
    rig.new_session("intr");
    rig.models.push(Script::new().text("Going").stall());
    let turn = rig.spawn(&["session", "prompt", "intr", "go", "--format", "ndjson"]);
    turn.wait_for("Going", Duration::from_secs(60));
    turn.signal(libc::SIGINT);
    let (code, stderr) = turn.finish(Duration::from_secs(15));
    assert_eq!(code, Some(130), "{stderr}");
    assert_eq!(rig.show("intr")["last_turn"]["status"], "interrupted");
    assert_eq!(processes_in(&rig.state_dir()), 0, "no server left behind");
    // The lease was released: the next turn starts at once, without --wait.
    rig.models.push(Script::new().text("Next."));
    let done = rig
        .run(&["session", "prompt", "intr", "next", "--json"])
        .expect(0)
        .json();
    assert_eq!(done["text"], "Next.");
}

#[test]
fn bad_input_is_refused_before_anything_starts() {
    let rig = rig();
    rig.run(&["session", "prompt", "ghost", "hi"]).expect(1);
    rig.run(&[
        "session",
        "new",
        "../x",
        "--repo",
        rig.repo.to_str().unwrap(),
    ])
    .expect(2);
    rig.run(&["session", "new", "x", "--repo", "/nonexistent/repo"])
        .expect(2);
    rig.run(&[
        "session",
        "new",
        "x",
        "--repo",
        rig.repo.to_str().unwrap(),
        "--agent",
        "nope",
    ])
    .expect(2);
    rig.new_session("ok");
    rig.run(&["session", "new", "ok", "--repo", rig.repo.to_str().unwrap()])
        .expect(1);
    rig.run(&["session", "prompt", "ok", "   "]).expect(2);
    rig.run(&["session", "prompt", "ok"]).expect(2);
    rig.run(&["session", "prompt", "ok", "x", "--timeout", "soon"])
        .expect(2);
    assert_eq!(processes_in(&rig.state_dir()), 0);
    assert_eq!(rig.models.agent_requests(), 0);
    let list = rig.run(&["session", "list", "--json"]).expect(0).json();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn prompt_text_from_stdin_and_one_shot_prompt() {
    let rig = rig();
    rig.new_session("in");
    rig.models.push(Script::new().text("From stdin."));
    let mut cmd = rig.cmd();
    cmd.args(["session", "prompt", "in", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"the prompt on stdin")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "From stdin.\n");
    let prompts: Vec<String> = rig
        .models
        .requests()
        .iter()
        .map(|r| r["messages"].to_string())
        .collect();
    assert!(prompts.iter().any(|p| p.contains("the prompt on stdin")));

    // One-shot in the repository: the reply, and no session left.
    rig.models.push(Script::new().text("One shot."));
    let run = rig
        .run(&[
            "prompt",
            "quick question",
            "--repo",
            rig.repo.to_str().unwrap(),
        ])
        .expect(0);
    assert_eq!(run.stdout, "One shot.\n");
    let list = rig.run(&["session", "list", "--json"]).expect(0).json();
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "only `in` remains: {list}"
    );

    // One-shot in a worktree that ends up holding changes: kept, path printed.
    let marker = "write-in-worktree";
    rig.models.push_for(
        marker,
        Script::new().tool_call("write", json!({"filePath": "made.txt", "content": "x\n"})),
    );
    rig.models.push_for(marker, Script::new().text("Made it."));
    let run = rig
        .run(&[
            "prompt",
            marker,
            "--worktree",
            "--repo",
            rig.repo.to_str().unwrap(),
        ])
        .expect(0);
    assert!(run.stderr.contains("changes kept in"), "{}", run.stderr);
    let list = rig.run(&["session", "list", "--json"]).expect(0).json();
    assert_eq!(
        list.as_array().unwrap().len(),
        2,
        "the session holding changes is kept"
    );
}

#[test]
fn sessions_on_postgres() {
    let mut rig = rig();
    rig.db = Some(PgSchema::new());
    rig.new_session("pg");
    rig.models.push(Script::new().text("On PostgreSQL."));
    let done = rig
        .run(&["session", "prompt", "pg", "hi", "--json"])
        .expect(0)
        .json();
    assert_eq!(done["text"], "On PostgreSQL.");
    let show = rig.show("pg");
    assert_eq!(show["last_turn"]["status"], "done");
    assert_eq!(show["agent_session_id"], done["agent_session_id"]);
}

#[test]
fn permissions_are_denied_by_default_off_a_terminal_and_allowed_on_request() {
    let rig = rig();
    rig.new_session("perm");
    // A write outside the worktree makes opencode ask (`external_directory`).
    let outside = rig.env.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let target = outside.join("denied.txt");
    let write = |path: &Path| {
        Script::new().tool_call(
            "write",
            json!({"filePath": path.display().to_string(), "content": "x\n"}),
        )
    };
    // A rejected permission ends opencode's turn: no follow-up request.
    rig.models.push(write(&target));
    let run = rig.run(&[
        "session",
        "prompt",
        "perm",
        "write outside",
        "--format",
        "ndjson",
    ]);
    let recs = records(&run);
    assert!(
        recs.iter().any(|r| r["type"] == "permission"),
        "{}",
        run.stdout
    );
    assert!(
        recs.iter().any(|r| r["type"] == "notice" && r["notice"].as_str().unwrap_or("").contains("denied")),
        "{}",
        run.stdout
    );
    assert!(!target.exists(), "a denied write must not happen");

    let allowed = outside.join("allowed.txt");
    rig.models.push(write(&allowed));
    rig.models.push(Script::new().text("Wrote it."));
    let run = rig.run(&[
        "session",
        "prompt",
        "perm",
        "write outside",
        "--permissions",
        "allow",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // external_directory, then edit.
    assert_eq!(
        run.json()["permissions"],
        json!({"allowed": 2, "denied": 0}),
        "stderr: {}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&allowed).unwrap(), "x\n");
}

#[test]
fn on_a_terminal_permissions_are_asked() {
    let rig = rig();
    rig.new_session("ask");
    let outside = rig.env.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let target = outside.join("asked.txt");
    rig.models.push(Script::new().tool_call(
        "write",
        json!({"filePath": target.display().to_string(), "content": "y\n"}),
    ));
    rig.models.push(Script::new().text("Wrote it."));
    // `script` gives the command a terminal; the answer typed ahead waits in it.
    let mut child = in_terminal(&rig.cmd(), &["session", "prompt", "ask", "'write outside'"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"y\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("allow? [y]es once"), "{shown}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "y\n");
}

/// `cmd` (a boocoder command, args appended as shell words) run inside
/// `script`, so that its stdin, stdout and stderr are a terminal.
fn in_terminal(cmd: &Command, args: &[&str]) -> Command {
    let line = format!("{} {}", cmd.get_program().to_string_lossy(), args.join(" "));
    let mut c = Command::new("script");
    c.env_clear().args(["-qec", &line, "/dev/null"]);
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    if let Some(dir) = cmd.get_current_dir() {
        c.current_dir(dir);
    }
    c
}
