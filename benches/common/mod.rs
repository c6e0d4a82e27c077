//! What the benches share: a hermetic world (temp HOME, config, a git
//! repository, the scripted model server as llama-swap), the commands run in
//! it, and timing helpers.

#![allow(dead_code)]

#[path = "../../tests/cli/model_server.rs"]
pub mod model_server;
pub mod sandbox;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use model_server::ModelServer;

/// `cargo test --all-targets` and nextest list benches: there are no tests
/// in them. True when this run is such a listing (the bench should return).
pub fn listing() -> bool {
    std::env::args().any(|a| a == "--list" || a == "--test")
}

/// How many runs (or rounds) a bench makes: `--runs N` (what `scripts/fault
/// --runs N` passes on), else `BENCH_RUNS`, else `default`.
pub fn runs(default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2)
        .find(|w| w[0] == "--runs")
        .and_then(|w| w[1].parse().ok())
        .or_else(|| std::env::var("BENCH_RUNS").ok()?.parse().ok())
        .unwrap_or(default)
}

pub fn opencode_bin() -> PathBuf {
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

/// A temp HOME with boocoder's dirs, a one-commit repository, and the
/// scripted model server serving `models` as llama-swap.
pub struct World {
    pub root: tempfile::TempDir,
    pub models: ModelServer,
    pub repo: PathBuf,
    /// What LLAMA_SWAP_URL says (the model server's URL unless changed).
    pub llama_swap: String,
}

impl World {
    /// `config` is the config file's text.
    pub fn new(models: &[&str], config: &str) -> World {
        let root = tempfile::tempdir().unwrap();
        for d in ["home/tmp", "config", "repo"] {
            std::fs::create_dir_all(root.path().join(d)).unwrap();
        }
        std::fs::write(root.path().join("config/config.toml"), config).unwrap();
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
        let models = ModelServer::start(models);
        World {
            root,
            llama_swap: models.url(),
            models,
            repo,
        }
    }

    pub fn env(&self, cmd: &mut Command) {
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
            .env("LLAMA_SWAP_URL", &self.llama_swap)
            .current_dir(&self.repo)
            .stdin(Stdio::null());
    }

    /// The boocoder this bench built, or `BENCH_BOOCODER` (another build to
    /// compare, e.g. an earlier commit's `target/release/boocoder`).
    pub fn boocoder(&self, args: &[&str]) -> Command {
        let bin = std::env::var_os("BENCH_BOOCODER")
            .map(PathBuf::from)
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_boocoder").into());
        let mut c = Command::new(bin);
        self.env(&mut c);
        // Today's short-lived servers unless a bench removes it (keep = "auto").
        c.env("CI", "true");
        c.args(args);
        c
    }

    /// opencode's own config for a bare opencode (no boocoder in front):
    /// the scripted model server as its llama-swap provider, serving
    /// `model`, which is the default. A JSON object, for a bench to add to.
    pub fn opencode_config(&self, model: &str) -> serde_json::Value {
        serde_json::json!({
            "provider": {"llama-swap": {
                "npm": "@ai-sdk/openai-compatible",
                "name": "llama-swap",
                "options": {"baseURL": format!("{}/v1", self.models.url())},
                "models": {model: {"name": model}},
            }},
            "model": format!("llama-swap/{model}"),
        })
    }

    pub fn opencode(&self, args: &[&str]) -> Command {
        let mut c = Command::new(opencode_bin());
        self.env(&mut c);
        c.args(args);
        c
    }

    pub fn state_dir(&self) -> PathBuf {
        self.root.path().join("state")
    }
}

/// Run to completion; panics unless it succeeds. Returns stdout.
pub fn run(mut cmd: Command) -> String {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// The median of `runs` timed calls, after one warm-up call.
pub fn time(runs: usize, mut f: impl FnMut()) -> Duration {
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

/// The medians of `a` and `b`, timed in turns (after one warm-up call of
/// each, alternating which goes first): whatever drifts during the run
/// (a server slowing down as sessions pile up) weighs on both alike.
pub fn time_pair(runs: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration) {
    a();
    b();
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    let timed = |f: &mut dyn FnMut(), into: &mut Vec<Duration>| {
        let t = Instant::now();
        f();
        into.push(t.elapsed());
    };
    for i in 0..runs {
        if i % 2 == 0 {
            timed(&mut a, &mut ta);
            timed(&mut b, &mut tb);
        } else {
            timed(&mut b, &mut tb);
            timed(&mut a, &mut ta);
        }
    }
    (median(ta), median(tb))
}

pub fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}
