//! keep = "auto": the first one-shot `boocoder prompt` in a repository
//! starts the server it keeps; later ones reattach. In one run: the 2nd and
//! later one-shot prompts against a cold `opencode run` with the same
//! scripted model (target <= 0.15x), and the first one against today's
//! one-shot with a short-lived server (keep = false; target <= 1.05x).
//! Run: `cargo bench --bench keep_auto` (BENCH_RUNS, default 5).

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::model_server::Script;
use common::{World, median, ms, run};

const MODEL: &str = "scripted-model";

fn timed(cmd: Command) -> Duration {
    let t = Instant::now();
    run(cmd);
    t.elapsed()
}

fn main() {
    // `cargo test --all-targets` and nextest list benches: there are no tests here.
    if common::listing() {
        return;
    }
    let runs = common::runs(5);
    let world = World::new(
        &[MODEL],
        &format!("default_model = \"{MODEL}\"\n[server]\nidle_timeout_seconds = 600\n"),
    );
    let repo_s = world.repo.to_str().unwrap().to_string();
    let reply = || Script::new().text("Short reply.");
    // Today's short-lived path: keep = false.
    let short = world.root.path().join("config/short-lived.toml");
    std::fs::write(
        &short,
        format!("default_model = \"{MODEL}\"\n[server]\nkeep = false\n"),
    )
    .unwrap();
    // Outside CI: keep = "auto" (the default), or keep = false.
    let prompt = |auto: bool| {
        let mut c = world.boocoder(&["prompt", "hi", "--repo", &repo_s]);
        c.env_remove("CI");
        if !auto {
            c.env("BOOCODER_CONFIG", &short);
        }
        world.models.push(reply());
        c
    };
    let stop = || {
        let mut c = world.boocoder(&["server", "stop", "--force"]);
        c.env_remove("CI");
        run(c);
    };
    // Warm-up: opencode's first run in a fresh HOME installs its bits.
    run(prompt(false));

    let mut first = Vec::new();
    let mut short_lived = Vec::new();
    let mut later = Vec::new();
    for _ in 0..runs {
        // Alternate the two first-command paths so load drifts hit both.
        short_lived.push(timed(prompt(false)));
        first.push(timed(prompt(true)));
        for _ in 0..3 {
            later.push(timed(prompt(true)));
        }
        stop();
    }

    let provider = world.opencode_config(MODEL).to_string();
    let cold: Vec<Duration> = (0..runs)
        .map(|_| {
            world.models.push(reply());
            let mut c = world.opencode(&["run", "--dir", &repo_s, "hi"]);
            c.env("OPENCODE_CONFIG_CONTENT", &provider);
            timed(c)
        })
        .collect();

    let (first, short_lived, later, cold) = (
        median(first),
        median(short_lived),
        median(later),
        median(cold),
    );
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!("keep = \"auto\" benchmark ({runs} rounds, medians)");
    println!("  boocoder prompt, 1st (starts + keeps)   {:>8}", ms(first));
    println!("  boocoder prompt, 2nd+ (reattached)      {:>8}", ms(later));
    println!(
        "  boocoder prompt, keep = false           {:>8}",
        ms(short_lived)
    );
    println!("  opencode run (cold)                     {:>8}", ms(cold));
    println!("ratios (target)");
    println!(
        "  2nd+ prompt / cold opencode run   {:.2}x  (<= 0.15)",
        ratio(later, cold)
    );
    println!(
        "  1st prompt / short-lived prompt   {:.2}x  (<= 1.05)",
        ratio(first, short_lived)
    );
}
