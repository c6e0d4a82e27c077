//! Fault figures for a kept opencode server shared by several processes:
//! does a takeover stop the agent turn a SIGKILLed CLI left running, and
//! does a process with other settings break a turn streaming on the kept
//! server? Real opencode, the scripted model server, real signals.
//!
//!     cargo bench --bench fault_kept          (needs scripts/install-opencode)
//!     BENCH_RUNS=5 cargo bench --bench fault_kept   (or scripts/fault --runs 5)
//!
//! Prints one table; "turns broken" must be 0 and "aborted" must be yes.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::model_server::{ModelServer, Script};
use serde_json::Value;

const MODEL: &str = "bench-model";

/// The benches' private world (common::World) with this bench's config:
/// a 3 s lease, so that a takeover comes quickly.
struct World(common::World);

impl std::ops::Deref for World {
    type Target = common::World;
    fn deref(&self) -> &common::World {
        &self.0
    }
}

impl World {
    fn new() -> World {
        World(common::World::new(
            &[MODEL],
            &format!("default_model = \"{MODEL}\"\nlease_seconds = 3\n"),
        ))
    }

    fn boocoder_with(&self, llama_swap: &str, args: &[&str]) -> Command {
        let mut c = self.0.boocoder(args);
        c.env("LLAMA_SWAP_URL", llama_swap);
        c
    }

    fn boocoder(&self, args: &[&str]) -> Command {
        self.0.boocoder(args)
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.boocoder(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn ok_json(&self, args: &[&str]) -> Value {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "boocoder {args:?}: {err}");
        serde_json::from_str(&out).unwrap()
    }

    /// A background turn, returned once its first text arrived (the caller
    /// waits for it).
    #[allow(clippy::zombie_processes)]
    fn streaming_turn(&self, cmd: &mut Command) -> (Child, std::sync::mpsc::Receiver<String>) {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        loop {
            let line = rx
                .recv_timeout(Duration::from_secs(120))
                .expect("the turn streams");
            if line.contains("\"text\"") {
                return (child, rx);
            }
        }
    }

    /// The busy agent sessions of `dir` on the kept server.
    fn busy(&self, dir: &str) -> Vec<String> {
        let state: Value = serde_json::from_slice(
            &std::fs::read(self.root.path().join("state/server.json")).unwrap(),
        )
        .unwrap();
        let client = boocoder::agent::opencode::Client::new(
            state["url"].as_str().unwrap(),
            state["password"].as_str().unwrap(),
        );
        let busy = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(client.session_status(std::path::Path::new(dir)))
            .unwrap();
        busy.into_keys().collect()
    }
}

/// SIGKILL a CLI mid-turn on a kept server, take over with --wait: is the
/// old agent turn aborted (not busy on the server any more)? And how long
/// from the kill to the takeover's turn done.
fn sigkill_takeover() -> (bool, Duration) {
    let w = World::new();
    w.ok_json(&["session", "new", "s", "--json"]);
    w.ok_json(&["server", "start", "--json"]);
    w.models.push(Script::new().text("Editing").stall());
    let (mut child, _lines) =
        w.streaming_turn(&mut w.boocoder(&["session", "prompt", "s", "go", "--format", "ndjson"]));
    let show = w.ok_json(&["session", "show", "s", "--json"]);
    let dir = show["worktree"]["path"].as_str().unwrap().to_string();
    let old = show["agent_session_id"].as_str().unwrap().to_string();
    child.kill().unwrap();
    child.wait().unwrap();
    let killed = Instant::now();
    w.models.push(Script::new().text("Taken over."));
    w.ok_json(&["session", "prompt", "s", "resume", "--wait", "--json"]);
    let took = killed.elapsed();
    let aborted = !w.busy(&dir).contains(&old);
    let _ = w.run(&["server", "stop", "--force"]);
    (aborted, took)
}

/// A turn streams on the kept server while a process with another
/// llama-swap URL (its own short-lived server) and one with another model
/// (per request: the kept server) run turns: is the first turn broken?
fn two_settings() -> bool {
    let w = World::new();
    for s in ["a", "b", "c"] {
        w.ok_json(&["session", "new", s, "--json"]);
    }
    w.ok_json(&["server", "start", "--json"]);
    w.models.push(
        Script::new()
            .text("First")
            .delay(Duration::from_secs(10))
            .text(" and last."),
    );
    let (mut child, _lines) =
        w.streaming_turn(&mut w.boocoder(&["session", "prompt", "a", "go", "--format", "ndjson"]));
    let other = ModelServer::start(&[MODEL, "other-model"]);
    other.push(Script::new().text("Elsewhere."));
    let b = w
        .boocoder_with(&other.url(), &["session", "prompt", "b", "hi", "--json"])
        .output()
        .unwrap();
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    w.models.push(Script::new().text("Same server."));
    let c = w
        .boocoder(&["session", "prompt", "c", "hi", "--json"])
        .env("BOOCODER_DEFAULT_MODEL", MODEL)
        .output()
        .unwrap();
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    let status = child.wait().unwrap();
    let _ = w.run(&["server", "stop", "--force"]);
    !status.success()
}

fn main() {
    // `cargo test --all-targets` and nextest list benches: there are no tests here.
    if common::listing() {
        return;
    }
    let runs = common::runs(3);
    let mut aborted = 0;
    let mut took = Vec::new();
    for _ in 0..runs {
        let (a, t) = sigkill_takeover();
        aborted += a as usize;
        took.push(t);
    }
    took.sort();
    let mut broken = 0;
    for _ in 0..runs {
        broken += two_settings() as usize;
    }
    let median = took[took.len() / 2];
    println!("{:<66} | result", "case");
    println!("{:-<66}-+-{:-<32}", "", "");
    println!(
        "{:<66} | {} ({aborted}/{runs} runs; kill to takeover done: median {:.1} s)",
        "CLI SIGKILL mid-turn on a kept server: old agent turn aborted",
        if aborted == runs { "yes" } else { "no" },
        median.as_secs_f64()
    );
    println!(
        "{:<66} | {broken} of {runs}",
        "two settings sharing a kept server: turns broken (must be 0)"
    );
}
