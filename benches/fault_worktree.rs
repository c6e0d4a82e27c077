//! Fault suite for issue 11 ("never lose a user's work"): concurrent
//! removals and removals under a running turn, repeated, on real git and
//! the release binary. Prints one table row per case and exits 1 when a
//! must-be-zero column is not zero.
//!
//!     scripts/fault                  (every benches/fault_*.rs, release)
//!     scripts/fault --runs 20        (BENCH_RUNS=20 works too; rounds per case)
//!
//! Columns: removals attempted (commands run), failed exits (a removal that
//! did not exit 0 when it should have), branches leaked (`boocoder/*`
//! branches left with nothing on them that no other branch has: must be 0),
//! commits made unreachable (committed work no ref reaches any more: must
//! be 0), removed while busy (a worktree or session gone while a turn held
//! its lease: must be 0).

mod common;

use common::sandbox::{Sandbox as World, git};

use std::path::Path;

use boocoder::store::{LeaseAttempt, Migrate, Store};

/// How many sessions the concurrent case removes at once.
const CONCURRENT: usize = 20;

/// A commit on the worktree's branch (work no other branch has).
fn commit_in(wt: &Path, file: &str) -> String {
    std::fs::write(wt.join(file), "work\n").unwrap();
    git(wt, &["add", file]);
    git(wt, &["commit", "-q", "-m", file]);
    git(wt, &["rev-parse", "HEAD"])
}

fn branch_exists(repo: &Path, branch: &str) -> bool {
    !git(repo, &["branch", "--list", branch]).is_empty()
}

/// Whether some ref still reaches `commit`.
fn reachable(repo: &Path, commit: &str) -> bool {
    !git(
        repo,
        &["for-each-ref", "--contains", commit, "--format=%(refname)"],
    )
    .is_empty()
}

#[derive(Default)]
struct Tally {
    rounds: usize,
    attempted: usize,
    failed: usize,
    leaked: usize,
    unreachable: usize,
    busy_removed: usize,
}

/// 20 sessions, every other one with a commit of its own; all removed at
/// once by `session rm` (or `worktree remove`) in separate processes.
fn concurrent(rounds: usize, command: &[&str]) -> Tally {
    let mut t = Tally::default();
    for _ in 0..rounds {
        let w = World::new();
        let mut work = Vec::new();
        for i in 0..CONCURRENT {
            let name = format!("c{i}");
            let wt = w.new_session(&name);
            if i % 2 == 1 {
                work.push((name.clone(), commit_in(&wt, &format!("{name}.txt"))));
            }
        }
        let children: Vec<_> = (0..CONCURRENT)
            .map(|i| {
                let name = format!("c{i}");
                let mut args = command.to_vec();
                args.push(&name);
                w.cmd(&args).spawn().unwrap()
            })
            .collect();
        t.attempted += children.len();
        for c in children {
            if !c.wait_with_output().unwrap().status.success() {
                t.failed += 1;
            }
        }
        for i in (0..CONCURRENT).step_by(2) {
            if branch_exists(&w.repo, &format!("boocoder/c{i}")) {
                t.leaked += 1;
            }
        }
        for (_, tip) in &work {
            if !reachable(&w.repo, tip) {
                t.unreachable += 1;
            }
        }
        t.rounds += 1;
    }
    t
}

/// A session with committed work whose lease a turn holds: `session rm`,
/// `worktree remove` and `worktree prune --older-than 0s` at once must all
/// leave it; after the turn, `session rm` removes it and keeps the branch.
fn busy(rounds: usize) -> Tally {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut t = Tally::default();
    for _ in 0..rounds {
        let w = World::new();
        let wt = w.new_session("busy");
        let tip = commit_in(&wt, "busy.txt");
        let store = rt
            .block_on(Store::open(&w.db_url(), Migrate::Auto))
            .unwrap();
        let owner = "fault-turn:1";
        match rt
            .block_on(store.acquire_lease("busy", owner, 600_000))
            .unwrap()
        {
            LeaseAttempt::Acquired(_) => {}
            LeaseAttempt::Busy(l) => panic!("lease held by {}", l.owner),
        }
        let children: Vec<_> = [
            &["session", "rm", "busy"][..],
            &["worktree", "remove", "busy"][..],
            &["worktree", "prune", "--older-than", "0s"][..],
        ]
        .iter()
        .map(|a| w.cmd(a).spawn().unwrap())
        .collect();
        t.attempted += children.len();
        for c in children {
            c.wait_with_output().unwrap();
        }
        if !wt.exists() || !w.session_exists("busy") {
            t.busy_removed += 1;
        }
        rt.block_on(store.release_lease("busy", owner)).unwrap();
        rt.block_on(store.close());
        t.attempted += 1;
        if !w.run(&["session", "rm", "busy"]).status.success() {
            t.failed += 1;
        }
        if !reachable(&w.repo, &tip) {
            t.unreachable += 1;
        }
        t.rounds += 1;
    }
    t
}

fn main() {
    // `cargo test --all-targets` and nextest list benches: there are no tests here.
    if common::listing() {
        return;
    }
    let rounds = common::runs(5);
    println!("fault_worktree: {rounds} rounds per case, {CONCURRENT} concurrent removals");
    println!(
        "{:<34} {:>6} {:>9} {:>6} {:>7} {:>11} {:>12}",
        "case", "rounds", "removals", "failed", "leaked", "unreachable", "busy-removed"
    );
    let mut bad = false;
    type Case = Box<dyn Fn() -> Tally>;
    let cases: [(&str, Case); 3] = [
        (
            "20 concurrent session rm",
            Box::new(move || concurrent(rounds, &["session", "rm"])),
        ),
        (
            "20 concurrent worktree remove",
            Box::new(move || concurrent(rounds, &["worktree", "remove"])),
        ),
        (
            "rm/remove/prune of a busy session",
            Box::new(move || busy(rounds)),
        ),
    ];
    for (name, case) in cases {
        let t = case();
        println!(
            "{:<34} {:>6} {:>9} {:>6} {:>7} {:>11} {:>12}",
            name, t.rounds, t.attempted, t.failed, t.leaked, t.unreachable, t.busy_removed
        );
        bad |= t.failed + t.leaked + t.unreachable + t.busy_removed > 0;
    }
    if bad {
        println!("FAIL: a must-be-zero column is not zero");
        std::process::exit(1);
    }
    println!("ok: 0 failed, 0 branches leaked, 0 commits made unreachable, 0 removed while busy");
}
