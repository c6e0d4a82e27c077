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

#[path = "../tests/cli/model_server.rs"]
#[allow(dead_code)]
mod model_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use model_server::{ModelServer, Script};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};

const MODEL: &str = "bench-model";

fn opencode_bin() -> PathBuf {
    if let Some(b) = std::env::var_os("BOOCODER_OPENCODE_BIN") {
        return b.into();
    }
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/opencode/node_modules");
    let native = modules.join("opencode-linux-x64/bin/opencode");
    if native.exists() {
        native
    } else {
        modules.join(".bin/opencode")
    }
}

struct World {
    root: tempfile::TempDir,
    models: ModelServer,
    repo: PathBuf,
}

impl World {
    fn env(&self, cmd: &mut Command) {
        let r = self.root.path();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", r.join("home"))
            .env("XDG_CONFIG_HOME", r.join("home/.config"))
            .env("XDG_DATA_HOME", r.join("home/.local/share"))
            .env("XDG_STATE_HOME", r.join("home/.local/state"))
            .env("XDG_CACHE_HOME", r.join("home/.cache"))
            .env("TMPDIR", r.join("home/tmp"))
            .env("npm_config_offline", "true")
            .env("npm_config_registry", "http://127.0.0.1:9/")
            .env("OPENCODE_DISABLE_MODELS_FETCH", "1")
            .env("OPENCODE_DISABLE_AUTOUPDATE", "1")
            .env("OPENCODE_DISABLE_LSP_DOWNLOAD", "1")
            .env("OPENCODE_DISABLE_DEFAULT_PLUGINS", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("BOOCODER_CONFIG_DIR", r.join("config"))
            .env("BOOCODER_DATA_DIR", r.join("data"))
            .env("BOOCODER_STATE_DIR", r.join("state"))
            .env("BOOCODER_OPENCODE_BIN", opencode_bin())
            .env("LLAMA_SWAP_URL", self.models.url())
            .current_dir(&self.repo)
            .stdin(Stdio::null());
    }

    fn boocoder(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_boocoder"));
        self.env(&mut c);
        c.env("CI", "true");
        c.args(args);
        c
    }

    fn opencode(&self, args: &[&str]) -> Command {
        let mut c = Command::new(opencode_bin());
        self.env(&mut c);
        c.args(args);
        c
    }
}

fn run(mut cmd: Command) -> String {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// A new opencode session in `dir`, over raw HTTP.
/// The opencode config boocoder injects (the llama-swap provider, offline).
fn opencode_config(url: &str) -> String {
    json!({
        "provider": {"llama-swap": {
            "npm": "@ai-sdk/openai-compatible",
            "name": "llama-swap",
            "options": {"baseURL": format!("{url}/v1")},
            "models": {MODEL: {"name": MODEL}},
        }},
        "autoupdate": false,
        "share": "disabled",
        "snapshot": false,
        "model": format!("llama-swap/{MODEL}"),
    })
    .to_string()
}

/// One turn with a minimal raw ACP client: spawn, initialize, session/new,
/// session/prompt, read until the prompt's answer; kill.
fn raw_acp_turn(world: &World) {
    let mut cmd = world.opencode(&["acp"]);
    cmd.env(
        "OPENCODE_CONFIG_CONTENT",
        opencode_config(&world.models.url()),
    )
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
    if std::env::args().any(|a| a == "--list" || a == "--test") {
        return;
    }
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let root = tempfile::tempdir().unwrap();
    for d in ["home/tmp", "config", "repo"] {
        std::fs::create_dir_all(root.path().join(d)).unwrap();
    }
    std::fs::write(
        root.path().join("config/config.toml"),
        format!("default_model = \"{MODEL}\"\n[providers.opencode]\nturns = \"acp\"\n"),
    )
    .unwrap();
    let repo = root.path().join("repo").canonicalize().unwrap();
    for args in [
        &["init", "-q"][..],
        &[
            "-c",
            "user.name=b",
            "-c",
            "user.email=b@b",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "i",
        ],
    ] {
        assert!(
            Command::new("git")
                .args(args)
                .current_dir(&repo)
                .status()
                .unwrap()
                .success()
        );
    }
    let world = World {
        root,
        models: ModelServer::start(&[MODEL]),
        repo,
    };
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
