//! Fault suite for landings (issues 20 and 23): merges raced against each
//! other and against a user's `git commit`, and `session apply` / `session
//! merge` of a large change (20,000 files; BENCH_LAND_FILES changes it)
//! interrupted by SIGINT and SIGTERM at several delays, on real git and the
//! release binary. Prints one table row per case and exits 1 when a
//! must-be-zero column is not zero.
//!
//!     scripts/fault                  (every benches/fault_*.rs, release)
//!     scripts/fault --runs 10        (rounds of the race cases)
//!
//! Columns: landings (interrupted or raced), exits (each exit code seen,
//! with its count), seconds to exit after the signal (median, max),
//! partial checkouts (a checkout neither as it was nor wholly landed, or
//! an index that disagrees with HEAD: must be 0), leases held after the
//! command ended (must be 0).

mod common;

use common::sandbox::{Sandbox as World, git};

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

#[derive(Default)]
struct Tally {
    landings: usize,
    exits: BTreeMap<i32, usize>,
    seconds: Vec<Duration>,
    partial: usize,
    leases_held: usize,
}

impl Tally {
    /// The exit code; a death by signal (before boocoder set anything up)
    /// counts as 128 + signal, as a shell reports it.
    fn exit(&mut self, out: &Output) -> i32 {
        use std::os::unix::process::ExitStatusExt;
        let code = out
            .status
            .code()
            .or_else(|| out.status.signal().map(|s| 128 + s))
            .unwrap_or(-1);
        *self.exits.entry(code).or_default() += 1;
        code
    }

    fn exits_text(&self) -> String {
        self.exits
            .iter()
            .map(|(c, n)| format!("{c}:{n}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn seconds_text(&self) -> String {
        if self.seconds.is_empty() {
            return "-".into();
        }
        let max = self.seconds.iter().max().unwrap().as_secs_f64();
        let med = common::median(self.seconds.clone()).as_secs_f64();
        format!("{med:.2}/{max:.2}")
    }
}

/// The checkout is clean: the index agrees with HEAD, the working tree with
/// the index, and nothing untracked lies around.
fn clean(repo: &Path) -> bool {
    git(repo, &["status", "--porcelain", "--untracked-files=all"]).is_empty()
}

/// Two merges into main at once, `rounds` times.
fn raced_merges(rounds: usize) -> Tally {
    let w = World::new();
    let mut t = Tally::default();
    for r in 0..rounds {
        let names = [format!("r{r}a"), format!("r{r}b")];
        for n in &names {
            let wt = w.new_session(n);
            std::fs::write(wt.join(format!("{n}.txt")), n).unwrap();
        }
        let children: Vec<_> = names
            .iter()
            .map(|n| w.cmd(&["session", "merge", n]).spawn().unwrap())
            .collect();
        for (n, c) in names.iter().zip(children) {
            let out = c.wait_with_output().unwrap();
            t.landings += 1;
            let code = t.exit(&out);
            let landed = git(&w.repo, &["ls-tree", "--name-only", "main"])
                .lines()
                .any(|l| l == format!("{n}.txt"));
            if code != 0 || !landed {
                t.partial += 1;
            }
            t.leases_held += usize::from(w.lease_held(n));
        }
        if !clean(&w.repo) {
            t.partial += 1;
        }
    }
    t
}

/// A merge of `files` files while the user commits in the checkout.
fn merge_against_git_commit(rounds: usize, files: usize) -> Tally {
    let w = World::new();
    let mut t = Tally::default();
    for r in 0..rounds {
        let name = format!("c{r}");
        let wt = w.new_session(&name);
        generate(&wt, files, &name);
        let before = git(&w.repo, &["rev-parse", "HEAD"]);
        let child = w.cmd(&["session", "merge", &name]).spawn().unwrap();
        // The user's commits meanwhile, until the merge ends.
        let user = std::thread::spawn({
            let repo = w.repo.clone();
            move || {
                for _ in 0..40 {
                    let _ = Command::new("git")
                        .args(["-c", "user.name=u", "-c", "user.email=u@u"])
                        .args(["commit", "-q", "--allow-empty", "-m", "user"])
                        .current_dir(&repo)
                        .env("GIT_CONFIG_GLOBAL", "/dev/null")
                        .output();
                    std::thread::sleep(Duration::from_millis(25));
                }
            }
        });
        let out = child.wait_with_output().unwrap();
        user.join().unwrap();
        t.landings += 1;
        t.exit(&out);
        t.leases_held += usize::from(w.lease_held(&name));
        // Whatever won, the checkout holds exactly what HEAD says.
        if !clean(&w.repo) {
            t.partial += 1;
        }
        let _ = before;
    }
    t
}

fn generate(wt: &Path, files: usize, tag: &str) {
    for i in 0..files {
        let d = wt.join(format!("{tag}/{:03}", i % 200));
        if i < 200 {
            std::fs::create_dir_all(&d).unwrap();
        }
        std::fs::write(d.join(format!("f{i}.txt")), format!("{tag} {i}\n")).unwrap();
    }
}

/// `what` (apply or merge) of `files` files, `signal` sent at each of
/// `fractions` of the time an uninterrupted one takes (measured first).
fn interrupted(what: &str, signal: i32, files: usize, fractions: &[f64]) -> Tally {
    let w = World::new();
    let mut t = Tally::default();
    let wt = w.new_session("big");
    generate(&wt, files, "gen");
    let base = git(&w.repo, &["rev-parse", "HEAD"]);
    let count = |repo: &Path| match what {
        "apply" => git(repo, &["ls-files", "--others", "--exclude-standard"])
            .lines()
            .count(),
        _ => git(repo, &["ls-tree", "-r", "--name-only", "HEAD"])
            .lines()
            .filter(|l| l.starts_with("gen/"))
            .count(),
    };
    let reset = || {
        git(&w.repo, &["reset", "-q", "--hard", &base]);
        git(&w.repo, &["clean", "-fdq"]);
    };
    // Twice: the first merge also commits the pending work; the runs
    // below are like the second.
    let mut whole = Duration::ZERO;
    for _ in 0..2 {
        reset();
        let started = Instant::now();
        let out = w.run(&["session", what, "big"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        whole = started.elapsed();
    }
    for &f in fractions {
        let delay = whole.mul_f64(f).as_millis() as u64;
        reset();
        let child = w.cmd(&["session", what, "big"]).spawn().unwrap();
        let pid = child.id() as i32;
        std::thread::sleep(Duration::from_millis(delay));
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(pid, signal) };
        let sent = Instant::now();
        let out = child.wait_with_output().unwrap();
        t.seconds.push(sent.elapsed());
        t.landings += 1;
        let code = t.exit(&out);
        let n = count(&w.repo);
        let whole = match code {
            0 => n == files,
            c if c == 128 + signal => n == 0 && git(&w.repo, &["rev-parse", "HEAD"]) == base,
            _ => false,
        };
        let index_ok = git(&w.repo, &["diff", "--cached", "--name-only"]).is_empty();
        if !whole || !index_ok {
            t.partial += 1;
        }
        t.leases_held += usize::from(w.lease_held("big"));
    }
    t
}

fn main() {
    if common::listing() {
        return;
    }
    let rounds = common::runs(5);
    let files: usize = std::env::var("BENCH_LAND_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let delays = [0.05, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95];
    println!(
        "fault_land: {rounds} rounds per race; {files} files interrupted at {delays:?} of an \
uninterrupted landing's time"
    );
    println!(
        "{:<36} {:>8} {:<16} {:>10} {:>7} {:>11}",
        "case", "landings", "exits", "s to exit", "partial", "leases held"
    );
    type Case = Box<dyn Fn() -> Tally>;
    let cases: Vec<(String, Case)> = vec![
        (
            "2 merges into main at once".into(),
            Box::new(move || raced_merges(rounds)),
        ),
        (
            format!("merge of {} vs git commit", files / 4),
            Box::new(move || merge_against_git_commit(rounds.min(3), files / 4)),
        ),
        (
            "SIGINT during apply".into(),
            Box::new(move || interrupted("apply", libc::SIGINT, files, &delays)),
        ),
        (
            "SIGTERM during apply".into(),
            Box::new(move || interrupted("apply", libc::SIGTERM, files, &delays)),
        ),
        (
            "SIGINT during merge".into(),
            Box::new(move || interrupted("merge", libc::SIGINT, files, &delays)),
        ),
        (
            "SIGTERM during merge".into(),
            Box::new(move || interrupted("merge", libc::SIGTERM, files, &delays)),
        ),
    ];
    let mut bad = false;
    for (name, case) in cases {
        let t = case();
        println!(
            "{:<36} {:>8} {:<16} {:>10} {:>7} {:>11}",
            name,
            t.landings,
            t.exits_text(),
            t.seconds_text(),
            t.partial,
            t.leases_held
        );
        bad |= t.partial + t.leases_held > 0;
    }
    if bad {
        println!("FAIL: a must-be-zero column is not zero");
        std::process::exit(1);
    }
    println!("ok: 0 partial checkouts, 0 leases held");
}
