//! Fault figures for turns: how long boocoder takes to notice a failure and
//! end the turn, on the real opencode and the scripted model server.
//!
//!     cargo bench --bench fault_turns      (needs scripts/install-opencode)
//!     BENCH_RUNS=5 cargo bench --bench fault_turns
//!
//! Cases: the opencode server SIGKILLed mid-turn (kept and short-lived):
//! seconds from the kill to the turn's end (`server_lost`); llama-swap down
//! (after `server start`, and before a short-lived server starts): seconds
//! from the prompt to the turn's end (`failed`, exit 3). Prints a table of
//! medians with the exit code and status each run ended with.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::model_server::Script;
use common::{World, run};
use serde_json::Value;

const MODEL: &str = "bench-model";

/// One measured run: seconds, exit code, the turn's recorded status.
struct Sample {
    seconds: f64,
    code: Option<i32>,
    status: String,
}

fn last_status(world: &World, session: &str) -> String {
    let v: Value =
        serde_json::from_str(&run(world.boocoder(&["session", "show", session, "--json"])))
            .unwrap();
    v["last_turn"]["status"].as_str().unwrap_or("-").to_string()
}

/// Wait for the child's exit, at most `limit`; returns its code.
fn wait(child: &mut Child, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The opencode server running in the world's state dir.
fn server_pid(world: &World) -> i32 {
    let dir = world.state_dir().canonicalize().unwrap();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .find(|pid| {
            std::fs::read_link(format!("/proc/{pid}/cwd"))
                .ok()
                .as_deref()
                == Some(&dir)
                && std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| c.contains("serve"))
        })
        .expect("the opencode server's pid")
}

/// Start a turn that streams, then stalls; SIGKILL the server once text
/// arrived; time until the turn ends.
fn server_kill(world: &World, session: &str, kept: bool) -> Sample {
    if kept {
        run(world.boocoder(&["server", "start"]));
    }
    world
        .models
        .push(Script::new().text("Before the crash").stall());
    let mut child = world
        .boocoder(&["session", "prompt", session, "go", "--format", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    for line in lines.by_ref() {
        if line.unwrap().contains("Before") {
            break;
        }
    }
    let pid = server_pid(world);
    let killed = Instant::now();
    // SAFETY: the process group of the server this bench's command started.
    unsafe { libc::kill(-pid, libc::SIGKILL) };
    std::thread::spawn(move || lines.for_each(drop));
    let code = wait(&mut child, Duration::from_secs(120));
    Sample {
        seconds: killed.elapsed().as_secs_f64(),
        code,
        status: last_status(world, session),
    }
}

/// A turn while llama-swap is down: time from the prompt to its end.
fn llama_swap_down(world: &World, session: &str) -> Sample {
    let started = Instant::now();
    let mut child = world
        .boocoder(&["session", "prompt", session, "go"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let code = wait(&mut child, Duration::from_secs(300));
    Sample {
        seconds: started.elapsed().as_secs_f64(),
        code,
        status: last_status(world, session),
    }
}

fn row(name: &str, samples: &[Sample]) {
    let mut secs: Vec<f64> = samples.iter().map(|s| s.seconds).collect();
    secs.sort_by(f64::total_cmp);
    let median = secs[secs.len() / 2];
    let codes: Vec<String> = samples
        .iter()
        .map(|s| s.code.map_or("timeout".into(), |c| c.to_string()))
        .collect();
    let statuses: Vec<&str> = samples.iter().map(|s| s.status.as_str()).collect();
    println!(
        "  {name:<50} {median:>8.2}  {:>5.2}-{:<5.2}  exit {:<8} {}",
        secs[0],
        secs[secs.len() - 1],
        codes.join(","),
        statuses.join(",")
    );
}

fn main() {
    if common::listing() {
        return;
    }
    let runs = common::runs(3);
    // The stream timeout is the default (30 s): what detection used to take.
    let world = World::new(&[MODEL], &format!("default_model = \"{MODEL}\"\n"));
    let repo = world.repo.to_str().unwrap().to_string();
    run(world.boocoder(&["session", "new", "f", "--repo", &repo, "--no-worktree"]));

    let kept: Vec<Sample> = (0..runs).map(|_| server_kill(&world, "f", true)).collect();
    let short: Vec<Sample> = (0..runs).map(|_| server_kill(&world, "f", false)).collect();

    // llama-swap goes down after `server start`: the kept server has its model.
    let mut down = World::new(&[MODEL], &format!("default_model = \"{MODEL}\"\n"));
    let repo = down.repo.to_str().unwrap().to_string();
    run(down.boocoder(&["session", "new", "d", "--repo", &repo, "--no-worktree"]));
    run(down.boocoder(&["server", "start"]));
    let alive = std::mem::replace(
        &mut down.models,
        common::model_server::ModelServer::start(&[]),
    );
    let url = down.llama_swap.clone();
    drop(alive);
    // The replacement listens elsewhere: LLAMA_SWAP_URL still names the dead port.
    assert_ne!(down.models.url(), url);
    let after_start: Vec<Sample> = (0..runs).map(|_| llama_swap_down(&down, "d")).collect();
    run(down.boocoder(&["server", "stop"]));
    // Down before a short-lived server starts.
    let before_start: Vec<Sample> = (0..runs).map(|_| llama_swap_down(&down, "d")).collect();

    println!("fault turns ({runs} runs each; stream timeout 30 s, watchdog 180 s)");
    println!(
        "  {:<50} {:>8}  {:<11}  {:<13} status",
        "case", "median s", "min-max", "exit"
    );
    row("server SIGKILL mid-turn (kept): s to detect", &kept);
    row("server SIGKILL mid-turn (short-lived): s to detect", &short);
    row("llama-swap down (kept server): s to fail", &after_start);
    row(
        "llama-swap down (short-lived server): s to fail",
        &before_start,
    );
}
