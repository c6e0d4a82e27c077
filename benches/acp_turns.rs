//! ACP turn latency: a cold one-shot `boocoder prompt --agent opencode`
//! with `[providers.opencode] turns = "acp"` against a minimal raw ACP
//! client doing the same turn (spawn `opencode acp`, initialize,
//! session/new, session/prompt), measured in the same run on the same
//! scripted model server.
//!
//!     cargo bench --bench acp_turns        (needs scripts/install-opencode)
//!     BENCH_RUNS=20 cargo bench --bench acp_turns
//!
//! Prints the medians and the ratio (target: boocoder within 1.1x).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::time::Instant;

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
}
