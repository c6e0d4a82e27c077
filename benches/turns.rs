//! Turn latency benchmark: boocoder against the raw HTTP work it does and
//! against opencode's own CLI, all measured in the same run on the same
//! scripted model server.
//!
//!     cargo bench --bench turns            (needs scripts/install-opencode)
//!     BENCH_RUNS=20 cargo bench --bench turns
//!
//! Prints medians and the ratios the issue sets targets for.

mod common;

use std::time::Duration;

use common::model_server::Script;
use common::{World, ms, run, time, time_pair};
use serde_json::{Value, json};

const MODEL: &str = "bench-model";

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

/// opencode's `/global/event` stream, read one event payload at a time.
struct RawEvents {
    resp: reqwest::Response,
    pending: String,
}

impl RawEvents {
    /// Subscribe, and wait for the stream's first event (`server.connected`).
    async fn open(http: &reqwest::Client, url: &str, password: &str) -> RawEvents {
        let resp = http
            .get(format!("{url}/global/event"))
            .basic_auth("opencode", Some(password))
            .send()
            .await
            .unwrap();
        let mut events = RawEvents {
            resp,
            pending: String::new(),
        };
        while events.next().await["type"] != "server.connected" {}
        events
    }

    /// The next event's payload (`{"type", "properties"}`).
    async fn next(&mut self) -> Value {
        loop {
            if let Some(end) = self.pending.find("\n\n") {
                let event: String = self.pending.drain(..end + 2).collect();
                let data = event.lines().find_map(|l| l.strip_prefix("data:"));
                if let Some(v) = data.and_then(|d| serde_json::from_str::<Value>(d.trim()).ok()) {
                    return v["payload"].clone();
                }
                continue;
            }
            let chunk = self.resp.chunk().await.unwrap().expect("event stream open");
            self.pending.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Read until every one of `sessions` has gone idle.
    async fn until_idle(&mut self, sessions: &[&str]) {
        let mut busy: Vec<&str> = sessions.to_vec();
        while !busy.is_empty() {
            let e = self.next().await;
            if e["type"] == "session.idle" {
                busy.retain(|s| e["properties"]["sessionID"] != *s);
            }
        }
    }
}

/// `prompt_async` "hi" on an existing opencode session.
async fn raw_prompt(http: &reqwest::Client, url: &str, password: &str, session: &str, dir: &str) {
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
}

/// One turn over raw HTTP on an existing opencode session: subscribe,
/// prompt_async, read events until the session is idle.
async fn raw_turn(http: &reqwest::Client, url: &str, password: &str, session: &str, dir: &str) {
    let mut events = RawEvents::open(http, url, password).await;
    raw_prompt(http, url, password, session, dir).await;
    events.until_idle(&[session]).await;
}

fn main() {
    // `cargo test --all-targets` and nextest list benches: there are no tests here.
    if common::listing() {
        return;
    }
    let runs = common::runs(8);
    let world = World::new(&[MODEL], &format!("default_model = \"{MODEL}\"\n"));
    let repo = world.repo.clone();
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
    let rt = tokio::runtime::Runtime::new().unwrap();
    let http = reqwest::Client::new();
    let raw_session = rt.block_on(create_raw_session(&http, &url, &password, repo_s));
    // In turns: opencode slows down as its sessions grow, for both alike.
    let (session_prompt, raw) = time_pair(
        runs,
        || {
            world.models.push(reply());
            run(world.boocoder(&["session", "prompt", "b1", "hi"]));
        },
        || {
            world.models.push(reply());
            rt.block_on(raw_turn(&http, &url, &password, &raw_session, repo_s));
        },
    );

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
    // The same 8 turns over raw HTTP: what opencode itself needs for them.
    let raw_sessions: Vec<String> = rt.block_on(async {
        let mut ids = Vec::new();
        for _ in 0..8 {
            ids.push(create_raw_session(&http, &url, &password, repo_s).await);
        }
        ids
    });
    let (eight, raw_eight) = time_pair(
        runs,
        || {
            for _ in 0..8 {
                world.models.push(reply());
            }
            let mut args = vec!["session", "prompt"];
            args.extend(names.iter().map(String::as_str));
            args.extend(["--", "hi"]);
            run(world.boocoder(&args));
        },
        || {
            for _ in 0..8 {
                world.models.push(reply());
            }
            // One event stream for the eight, as boocoder has.
            rt.block_on(async {
                let mut events = RawEvents::open(&http, &url, &password).await;
                let prompts = raw_sessions
                    .iter()
                    .map(|id| raw_prompt(&http, &url, &password, id, repo_s));
                futures_util::future::join_all(prompts).await;
                let ids: Vec<&str> = raw_sessions.iter().map(String::as_str).collect();
                events.until_idle(&ids).await;
            });
        },
    );
    run(world.boocoder(&["server", "stop"]));

    // --- one-shot with a short-lived server vs cold opencode run ---
    let oneshot = time(runs.min(5), || {
        world.models.push(reply());
        run(world.boocoder(&["prompt", "hi", "--repo", repo_s]));
    });
    let provider = world.opencode_config(MODEL).to_string();
    let cold = time(runs.min(5), || {
        world.models.push(reply());
        let mut c = world.opencode(&["run", "--dir", repo_s, "hi"]);
        c.env("OPENCODE_CONFIG_CONTENT", &provider);
        run(c);
    });

    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!("turn benchmark ({runs} runs each, medians; pairs timed in turns)");
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
    println!(
        "  8 sessions / raw HTTP 8 turns    {:.2}x  (what opencode itself needs for them)",
        ratio(eight, raw_eight)
    );
}
