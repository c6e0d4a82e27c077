//! The kept server's memory: one self-kept opencode server, 30 sessions
//! created (each in its own worktree), prompted once and removed; the
//! server's process-group RSS after the 30th against after the first
//! (target: below 1.5x), with recycling as by default (`max_rss_mb` 1024,
//! no `max_directories`) and off (`max_rss_mb = 0`, the reference: a server
//! that only grows), in the same run. The RSS after sessions 1, 2, 5, 10,
//! ... goes to stderr: with removed worktrees disposed of, it levels off
//! after about five sessions (warm-up, not a per-directory leak).
//! `BENCH_BEFORE=<boocoder binary>` makes the reference another build with
//! its default config instead (e.g. one from before removed worktrees'
//! instances were disposed of and servers recycled).
//! Run: `cargo bench --bench kept_rss` (BENCH_SESSIONS, default 30).

mod common;

use common::model_server::Script;
use common::{World, run};

const MODEL: &str = "scripted-model";

/// (RSS after the first session, after the last) in MiB; prints the RSS
/// after sessions 1, 2, 5, 10, 15, ... as it goes.
fn cycle(
    world: &World,
    bin: Option<&std::ffi::OsStr>,
    config: &std::path::Path,
    sessions: usize,
) -> (u64, u64) {
    let repo = world.repo.to_str().unwrap().to_string();
    let cmd = |args: &[&str]| {
        let mut c = world.boocoder(args);
        if let Some(bin) = bin {
            let mut other = std::process::Command::new(bin);
            world.env(&mut other);
            other.args(args);
            c = other;
        }
        c.env_remove("CI").env("BOOCODER_CONFIG", config);
        c
    };
    run(cmd(&["server", "stop", "--force"]));
    let rss = || {
        let rec = boocoder::agent::opencode::read_state(&world.state_dir())
            .unwrap()
            .expect("a kept server");
        boocoder::agent::opencode::group_rss_mb(rec.pid)
    };
    let mut first = 0;
    for i in 0..sessions {
        let name = format!("s{i}");
        run(cmd(&["session", "new", &name, "--repo", &repo]));
        world.models.push(Script::new().text("Short reply."));
        run(cmd(&["session", "prompt", &name, "hi"]));
        run(cmd(&["session", "rm", &name, "--force"]));
        let n = i + 1;
        if n == 1 || n == 2 || n % 5 == 0 || n == sessions {
            let now = rss();
            eprintln!("  after {n}: {now} MiB");
            if n == 1 {
                first = now;
            }
        }
    }
    let last = rss();
    run(cmd(&["server", "stop", "--force"]));
    (first, last)
}

fn main() {
    if common::listing() {
        return;
    }
    let sessions: usize = std::env::var("BENCH_SESSIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let world = World::new(&[MODEL], &format!("default_model = \"{MODEL}\"\n"));
    let dir = world.root.path().join("config");
    let lean = dir.join("lean.toml");
    let grow = dir.join("grow.toml");
    std::fs::write(&lean, format!("default_model = \"{MODEL}\"\n")).unwrap();
    std::fs::write(
        &grow,
        format!("default_model = \"{MODEL}\"\n[server]\nmax_rss_mb = 0\n"),
    )
    .unwrap();
    let before = std::env::var_os("BENCH_BEFORE");
    let (g1, gn) = match &before {
        Some(bin) => cycle(&world, Some(bin), &lean, sessions),
        None => cycle(&world, None, &grow, sessions),
    };
    let (l1, ln) = cycle(&world, None, &lean, sessions);
    let reference = if before.is_some() {
        "BENCH_BEFORE's build"
    } else {
        "never recycled (max_rss_mb = 0)"
    };
    let ratio = |a: u64, b: u64| a as f64 / b.max(1) as f64;
    println!("kept server RSS (MiB), {sessions} sessions created, prompted, removed:");
    println!(
        "  {reference}: after 1: {g1}, after {sessions}: {gn} ({:.2}x)",
        ratio(gn, g1)
    );
    println!(
        "  this build (default max_rss_mb = 1024): after 1: {l1}, after {sessions}: {ln} ({:.2}x; target < 1.5x)",
        ratio(ln, l1)
    );
    println!(
        "  this build / the reference at the end: {:.2}x",
        ratio(ln, gn)
    );
}
