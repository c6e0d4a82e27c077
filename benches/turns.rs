//! Turn latency benchmark: boocoder against the raw HTTP work it does and
//! against opencode's own CLI, all measured in the same run on the same
//! scripted model server.
//!
//!     cargo bench --bench turns            (needs scripts/install-opencode)
//!     BENCH_RUNS=20 cargo bench --bench turns
//!
//! Prints medians and the ratios the issue sets targets for.

#[path = "../tests/cli/model_server.rs"]
#[allow(dead_code)]
mod model_server;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use model_server::{ModelServer, Script};
use serde_json::{Value, json};

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

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm-up
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// A new opencode session in `dir`, over raw HTTP.
async fn create_raw_session(
    http: &reqwest::Client,
    url: &str,
    password: &str,
    dir: &str,
) -> String {
    let v: Value = http
        .post(format!("{url}/session"))
        .query(&[("directory", dir)])
        .basic_auth("opencode", Some(password))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["id"].as_str().unwrap().to_string()
}

/// One turn over raw HTTP on an existing opencode session: subscribe,
/// prompt_async, read events until the session is idle.
async fn raw_turn(http: &reqwest::Client, url: &str, password: &str, session: &str, dir: &str) {
    let mut events = http
        .get(format!("{url}/global/event"))
        .basic_auth("opencode", Some(password))
        .send()
        .await
        .unwrap();
    let status = http
        .post(format!("{url}/session/{session}/prompt_async"))
        .query(&[("directory", dir)])
        .basic_auth("opencode", Some(password))
        .json(&json!({"parts": [{"type": "text", "text": "hi"}],
                      "model": {"providerID": "llama-swap", "modelID": MODEL}}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status.as_u16(), 204);
    let mut buf = String::new();
    while let Some(chunk) = events.chunk().await.unwrap() {
        buf.push_str(&String::from_utf8_lossy(&chunk));
        if buf.contains("\"session.idle\"") && buf.contains(session) {
            return;
        }
    }
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
        format!("default_model = \"{MODEL}\"\n"),
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
        repo: repo.clone(),
    };
    let reply = || Script::new().text("Short reply.");
    let repo_s = repo.to_str().unwrap();

    // --- reattached session prompt vs raw HTTP vs opencode run --attach ---
    run(world.boocoder(&["server", "start"]));
    let state: Value = serde_json::from_slice(
        &std::fs::read(world.root.path().join("state/server.json")).unwrap(),
    )
    .unwrap();
    let (url, password) = (
        state["url"].as_str().unwrap().to_string(),
        state["password"].as_str().unwrap().to_string(),
    );
    run(world.boocoder(&["session", "new", "b1", "--repo", repo_s, "--no-worktree"]));
    let session_prompt = time(runs, || {
        world.models.push(reply());
        run(world.boocoder(&["session", "prompt", "b1", "hi"]));
    });

    let rt = tokio::runtime::Runtime::new().unwrap();
    let http = reqwest::Client::new();
    let raw_session = rt.block_on(create_raw_session(&http, &url, &password, repo_s));
    let raw = time(runs, || {
        world.models.push(reply());
        rt.block_on(raw_turn(&http, &url, &password, &raw_session, repo_s));
    });

    let attach = time(runs, || {
        world.models.push(reply());
        run(world.opencode(&[
            "run",
            "--attach",
            &url,
            "-p",
            &password,
            "--dir",
            repo_s,
            "-m",
            &format!("llama-swap/{MODEL}"),
            "hi",
        ]));
    });

    // --- 8 sessions at once vs one (same kept server) ---
    let names: Vec<String> = (1..=8).map(|i| format!("c{i}")).collect();
    for n in &names {
        run(world.boocoder(&["session", "new", n, "--repo", repo_s, "--no-worktree"]));
    }
    let one = time(runs, || {
        world.models.push(reply());
        run(world.boocoder(&["session", "prompt", "c1", "hi"]));
    });
    let eight = time(runs, || {
        for _ in 0..8 {
            world.models.push(reply());
        }
        let mut args = vec!["session", "prompt"];
        args.extend(names.iter().map(String::as_str));
        args.extend(["--", "hi"]);
        run(world.boocoder(&args));
    });
    // The same 8 turns over raw HTTP: what opencode itself needs for them.
    let raw_sessions: Vec<String> = rt.block_on(async {
        let mut ids = Vec::new();
        for _ in 0..8 {
            ids.push(create_raw_session(&http, &url, &password, repo_s).await);
        }
        ids
    });
    let raw_eight = time(runs, || {
        for _ in 0..8 {
            world.models.push(reply());
        }
        rt.block_on(async {
            let turns = raw_sessions
                .iter()
                .map(|id| raw_turn(&http, &url, &password, id, repo_s));
            futures_util::future::join_all(turns).await;
        });
    });
    run(world.boocoder(&["server", "stop"]));

    // --- one-shot with a short-lived server vs cold opencode run ---
    let oneshot = time(runs.min(5), || {
        world.models.push(reply());
        run(world.boocoder(&["prompt", "hi", "--repo", repo_s]));
    });
    let provider = json!({
        "provider": {"llama-swap": {"npm": "@ai-sdk/openai-compatible", "name": "llama-swap",
            "options": {"baseURL": format!("{}/v1", world.models.url())},
            "models": {MODEL: {"name": MODEL}}}},
        "model": format!("llama-swap/{MODEL}"),
    })
    .to_string();
    let cold = time(runs.min(5), || {
        world.models.push(reply());
        let mut c = world.opencode(&["run", "--dir", repo_s, "hi"]);
        c.env("OPENCODE_CONFIG_CONTENT", &provider);
        run(c);
    });

    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!("turn benchmark ({runs} runs each, medians)");
    println!(
        "  boocoder session prompt (reattached)  {:>8}",
        ms(session_prompt)
    );
    println!("  raw HTTP prompt_async + events        {:>8}", ms(raw));
    println!("  opencode run --attach                 {:>8}", ms(attach));
    println!("  boocoder prompt (short-lived server)  {:>8}", ms(oneshot));
    println!("  opencode run (cold)                   {:>8}", ms(cold));
    println!("  1 session prompt                      {:>8}", ms(one));
    println!("  8 sessions prompted at once           {:>8}", ms(eight));
    println!(
        "  raw HTTP: 8 turns at once             {:>8}",
        ms(raw_eight)
    );
    println!("ratios (target)");
    println!(
        "  session prompt / raw HTTP        {:.2}x  (<= 1.15)",
        ratio(session_prompt, raw)
    );
    println!(
        "  session prompt / run --attach    {:.2}x  (<= 0.35)",
        ratio(session_prompt, attach)
    );
    println!(
        "  one-shot prompt / cold run       {:.2}x  (<= 0.85)",
        ratio(oneshot, cold)
    );
    println!(
        "  8 sessions / 1 session           {:.2}x  (<= 1.5)",
        ratio(eight, one)
    );
}
