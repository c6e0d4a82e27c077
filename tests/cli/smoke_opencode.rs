//! End-to-end smoke tests of the harness: the real opencode (pinned 1.18.33)
//! against the scripted model server. They also pin down the opencode
//! behaviour boocoder relies on.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::model_server::{ModelServer, Script, TITLE_REPLY};
use crate::opencode::{EventStream, OpencodeClient, OpencodeServer, summarize};
use crate::support::{git, git_repo};

const MODEL: &str = "scripted-model";

/// A temp HOME and a temp git repo (one commit) to run sessions in.
struct Fixture {
    home: tempfile::TempDir,
    _repo: tempfile::TempDir,
    /// The repo's canonical path (opencode reports canonical paths).
    repo: PathBuf,
}

fn fixture() -> Fixture {
    let home = tempfile::tempdir().expect("temp home");
    let repo = tempfile::tempdir().expect("temp repo");
    let repo_path = git_repo(&repo.path().canonicalize().expect("canonical repo path"));
    Fixture {
        home,
        _repo: repo,
        repo: repo_path,
    }
}

/// Everything a test needs: opencode on `models`, a session in a fresh repo,
/// and a subscription to the event stream. Fields drop in order: the stream,
/// then the server, then the directories it used.
struct Run {
    events: EventStream,
    client: OpencodeClient,
    server: OpencodeServer,
    session: String,
    started: Instant,
    fx: Fixture,
}

async fn start(models: &ModelServer) -> Run {
    let started = Instant::now();
    let fx = fixture();
    let server = OpencodeServer::spawn(fx.home.path(), &models.url(), &[MODEL]);
    let client = server.client();
    let session = client.create_session(&fx.repo).await;
    let events = client.subscribe().await;
    Run {
        started,
        fx,
        server,
        client,
        session,
        events,
    }
}

impl Run {
    async fn turn(&mut self, prompt: &str) -> crate::opencode::Turn {
        let turn = self
            .client
            .run_turn(
                &mut self.events,
                &self.session,
                &self.fx.repo,
                prompt,
                MODEL,
            )
            .await;
        eprintln!(
            "opencode startup {:?}, turn {:?}, since test start {:?}",
            self.server.startup,
            turn.elapsed,
            self.started.elapsed()
        );
        turn
    }
}

fn event_types(events: &[Value]) -> Vec<&str> {
    events.iter().filter_map(|e| e["type"].as_str()).collect()
}

/// Pids of live processes whose process group is `pgid`.
fn group_members(pgid: u32) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid pgrp ...; comm may contain spaces.
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(2).and_then(|g| g.parse::<u32>().ok()) == Some(pgid) && fields[0] != "Z" {
            pids.push(pid);
        }
    }
    pids
}

#[tokio::test(flavor = "multi_thread")]
async fn streams_text_and_reasoning() {
    let models = ModelServer::start(&[MODEL]);
    models.push(
        Script::new()
            .reasoning("Thinking about it.")
            .text("Hello from the scripted model."),
    );
    let mut run = start(&models).await;
    assert_eq!(
        run.events
            .first
            .first()
            .map(|e| e["payload"]["type"].clone()),
        Some(json!("server.connected")),
        "first event: {:?}",
        run.events.first
    );
    let turn = run.turn("Say hello.").await;
    assert!(turn.errors.is_empty(), "errors: {:?}", turn.errors);
    assert_eq!(
        turn.text,
        "Hello from the scripted model.",
        "events:\n{}",
        summarize(&turn.events)
    );
    assert_eq!(turn.reasoning, "Thinking about it.");
    assert!(
        models.agent_requests() >= 1,
        "requests: {:?}",
        models.requests()
    );
    assert_eq!(models.pending_scripts(), 0);
    // The agent request names our model, streams, and offers opencode's tools;
    // the title request (no tools) got the title reply.
    let requests = models.requests();
    let agent = requests
        .iter()
        .find(|r| r["tools"].as_array().is_some_and(|t| !t.is_empty()))
        .expect("an agent request");
    assert_eq!(agent["model"], MODEL);
    assert_eq!(agent["stream"], true);
    let session_info: Vec<&Value> = turn
        .events
        .iter()
        .filter(|e| e["type"] == "session.updated")
        .collect();
    if requests.len() > models.agent_requests() {
        assert!(
            session_info
                .iter()
                .any(|e| e["properties"]["info"]["title"] == TITLE_REPLY),
            "title not set from the title request"
        );
    }

    // Dropping the server takes its whole process group down.
    let pgid = run.server.pid();
    assert!(run.server.health_once(Duration::from_secs(1)));
    drop(run);
    assert_eq!(group_members(pgid), Vec::<u32>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn write_tool_creates_file() {
    let models = ModelServer::start(&[MODEL]);
    let mut run = start(&models).await;
    let target = run.fx.repo.join("hello.txt");
    // One script per agent request: the tool call, then the reply after it.
    models.push(Script::new().tool_call(
        "write",
        json!({"filePath": target.display().to_string(), "content": "hi\n"}),
    ));
    models.push(Script::new().text("Wrote hello.txt."));
    let turn = run.turn("Write hello.txt.").await;
    assert!(turn.errors.is_empty(), "errors: {:?}", turn.errors);
    assert_eq!(
        std::fs::read_to_string(&target).ok().as_deref(),
        Some("hi\n"),
        "events:\n{}",
        summarize(&turn.events)
    );
    // 1.18.33 writes inside the session directory without asking.
    assert!(turn.permissions.is_empty(), "asked: {:?}", turn.permissions);
    assert_eq!(turn.tools.len(), 1, "tools: {:?}", turn.tools);
    assert_eq!(turn.tools[0]["tool"], "write");
    assert_eq!(turn.tools[0]["state"]["status"], "completed");
    assert_eq!(turn.text, "Wrote hello.txt.");
    // opencode leaves the new file uncommitted; the only other trace it
    // leaves in the repo is its project-id cache, .git/opencode.
    assert_eq!(
        git(&run.fx.repo, &["status", "--porcelain"]),
        "?? hello.txt"
    );
    assert!(run.fx.repo.join(".git/opencode").is_file());
    assert_eq!(models.agent_requests(), 2);
    assert_eq!(models.pending_scripts(), 0);
    // The follow-up request carries the tool result.
    let last = models
        .requests()
        .into_iter()
        .rev()
        .find(|r| r["tools"].is_array());
    let messages = last.expect("follow-up request")["messages"].clone();
    assert!(
        messages
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m["role"] == "tool")),
        "no tool message in {messages}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn write_outside_the_directory_asks_permission() {
    let models = ModelServer::start(&[MODEL]);
    let mut run = start(&models).await;
    let outside = run.fx.home.path().join("outside.txt");
    models.push(Script::new().tool_call(
        "write",
        json!({"filePath": outside.display().to_string(), "content": "out\n"}),
    ));
    models.push(Script::new().text("Done."));
    let turn = run.turn("Write outside.").await;
    assert!(turn.errors.is_empty(), "errors: {:?}", turn.errors);
    assert_eq!(
        turn.permissions.len(),
        1,
        "events:\n{}",
        summarize(&turn.events)
    );
    assert_eq!(turn.permissions[0]["permission"], "external_directory");
    assert_eq!(
        turn.permissions[0]["metadata"]["filepath"],
        outside.display().to_string()
    );
    // The client answered "once", so the write went ahead.
    assert_eq!(
        std::fs::read_to_string(&outside).ok().as_deref(),
        Some("out\n")
    );
    assert_eq!(turn.text, "Done.");
}

#[tokio::test(flavor = "multi_thread")]
async fn model_http_500_retries_then_fails() {
    let models = ModelServer::start(&[MODEL]);
    // opencode retries a 5xx 5 times (2 s, 4 s, ... apart unless the response
    // says when): retry-after-ms keeps this fast.
    for _ in 0..6 {
        models.push(Script::new().http_error_retry_after(
            500,
            "scripted failure",
            Duration::from_millis(50),
        ));
    }
    let mut run = start(&models).await;
    let turn = run.turn("Fail please.").await;
    assert_eq!(turn.errors.len(), 1, "events:\n{}", summarize(&turn.events));
    let error = turn.errors[0].to_string();
    assert!(error.contains("scripted failure"), "error: {error}");
    assert_eq!(models.agent_requests(), 6);
    let retries = turn
        .events
        .iter()
        .filter(|e| e["type"] == "session.status" && e["properties"]["status"]["type"] == "retry")
        .count();
    assert_eq!(retries, 5);
    let types = event_types(&turn.events);
    let error_at = types.iter().position(|t| *t == "session.error");
    let idle_at = types.iter().position(|t| *t == "session.idle");
    assert!(error_at < idle_at, "order: {types:?}");
    assert!(turn.elapsed < Duration::from_secs(30));
}

#[tokio::test(flavor = "multi_thread")]
async fn model_http_400_fails_at_once() {
    let models = ModelServer::start(&[MODEL]);
    models.push(Script::new().http_error(400, "scripted bad request"));
    let mut run = start(&models).await;
    let turn = run.turn("Fail please.").await;
    assert_eq!(turn.errors.len(), 1, "events:\n{}", summarize(&turn.events));
    let error = &turn.errors[0]["error"];
    assert_eq!(error["name"], "APIError");
    assert_eq!(error["data"]["statusCode"], 400);
    assert_eq!(error["data"]["message"], "scripted bad request");
    assert_eq!(models.agent_requests(), 1);
}
