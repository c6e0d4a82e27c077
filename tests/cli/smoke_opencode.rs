//! End-to-end smoke tests of the harness: the real opencode against the
//! scripted model server.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::model_server::{ModelServer, Script};
use crate::opencode::{OpencodeServer, summarize};

const MODEL: &str = "scripted-model";

/// A temp HOME and a temp git repo (one commit) to run sessions in.
struct Fixture {
    _home: tempfile::TempDir,
    home_path: PathBuf,
    _repo: tempfile::TempDir,
    repo: PathBuf,
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Smoke Test",
            "-c",
            "user.email=smoke@example.invalid",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn fixture() -> Fixture {
    let home = tempfile::tempdir().expect("temp home");
    let repo = tempfile::tempdir().expect("temp repo");
    // opencode reports paths canonicalized; compare against the same.
    let repo_path = repo.path().canonicalize().expect("canonical repo path");
    git(&repo_path, &["init", "-q"]);
    std::fs::write(repo_path.join("README.md"), "# smoke\n").expect("write README");
    git(&repo_path, &["add", "README.md"]);
    git(&repo_path, &["commit", "-q", "-m", "initial"]);
    Fixture {
        home_path: home.path().to_path_buf(),
        _home: home,
        _repo: repo,
        repo: repo_path,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn streams_text_and_reasoning() {
    let t0 = Instant::now();
    let models = ModelServer::start(&[MODEL]);
    models.push(
        Script::new()
            .reasoning("Thinking about it.")
            .text("Hello from the scripted model."),
    );
    let fx = fixture();
    let server = OpencodeServer::spawn(&fx.home_path, &models.url(), &[MODEL]);
    let client = server.client();
    let session = client.create_session(&fx.repo).await;
    let mut events = client.subscribe().await;
    let turn = client
        .run_turn(&mut events, &session, &fx.repo, "Say hello.", MODEL)
        .await;
    eprintln!(
        "startup {:?}, turn {:?}, total {:?}",
        server.startup,
        turn.elapsed,
        t0.elapsed()
    );
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
}

#[tokio::test(flavor = "multi_thread")]
async fn write_tool_creates_file() {
    let t0 = Instant::now();
    let models = ModelServer::start(&[MODEL]);
    let fx = fixture();
    let target = fx.repo.join("hello.txt");
    models.push(Script::new().tool_call(
        "write",
        json!({"filePath": target.display().to_string(), "content": "hi\n"}),
    ));
    models.push(Script::new().text("Wrote hello.txt."));
    let server = OpencodeServer::spawn(&fx.home_path, &models.url(), &[MODEL]);
    let client = server.client();
    let session = client.create_session(&fx.repo).await;
    let mut events = client.subscribe().await;
    let turn = client
        .run_turn(&mut events, &session, &fx.repo, "Write hello.txt.", MODEL)
        .await;
    eprintln!(
        "startup {:?}, turn {:?}, total {:?}, permissions asked: {}",
        server.startup,
        turn.elapsed,
        t0.elapsed(),
        turn.permissions.len()
    );
    assert!(turn.errors.is_empty(), "errors: {:?}", turn.errors);
    assert_eq!(
        std::fs::read_to_string(&target).ok().as_deref(),
        Some("hi\n"),
        "events:\n{}",
        summarize(&turn.events)
    );
    assert_eq!(turn.tools.len(), 1, "tools: {:?}", turn.tools);
    assert_eq!(turn.tools[0]["tool"], "write");
    assert_eq!(turn.tools[0]["state"]["status"], "completed");
    assert_eq!(turn.text, "Wrote hello.txt.");
    assert!(models.agent_requests() >= 2);
    assert_eq!(models.pending_scripts(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn model_http_error_ends_the_turn() {
    let t0 = Instant::now();
    let models = ModelServer::start(&[MODEL]);
    models.push(Script::new().http_error(500, "scripted failure"));
    let fx = fixture();
    let server = OpencodeServer::spawn(&fx.home_path, &models.url(), &[MODEL]);
    let client = server.client();
    let session = client.create_session(&fx.repo).await;
    let mut events = client.subscribe().await;
    let turn = client
        .run_turn(&mut events, &session, &fx.repo, "Fail please.", MODEL)
        .await;
    eprintln!(
        "startup {:?}, turn {:?}, total {:?}, agent requests {}",
        server.startup,
        turn.elapsed,
        t0.elapsed(),
        models.agent_requests()
    );
    std::fs::write(
        "/tmp/err_events.json",
        serde_json::to_string_pretty(&turn.events).unwrap(),
    )
    .unwrap();
    std::fs::write(
        "/tmp/err_requests.json",
        serde_json::to_string_pretty(&models.requests()).unwrap(),
    )
    .unwrap();
    assert!(
        !turn.errors.is_empty(),
        "no session.error; events:\n{}",
        summarize(&turn.events)
    );
    let error = turn.errors[0].to_string();
    assert!(error.contains("scripted failure"), "error: {error}");
    assert!(turn.elapsed < Duration::from_secs(30));
}
