//! Fault figures for confinement: a scripted hostile ACP agent (the fake
//! agent of the tests) and hostile repository states try to read or write
//! outside the session's worktree; every attempt is counted, and every one
//! that got through (a file written outside, a secret read, one of git's
//! files changed, a turn hung past --timeout) is an escape.
//!
//!     cargo bench --bench fault_hostile_agent
//!     scripts/fault --runs 5
//!
//! Cases: writes through committed and agent-made symlinks (dangling or
//! not), reads through them, writes to `.git` paths (in a worktree and with
//! `--no-worktree`), a FIFO and a socket read or written (the turn must end
//! within its --timeout), `.worktreeinclude` copies into a branch whose
//! tree has `config -> <outside>`. Prints per case: attempts, escapes (must
//! be 0); exits 1 when any escape happened.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{World, run};
use serde_json::{Value, json};

const FAKE_AGENT: &str = include_str!("../tests/fake-acp-agent/fake_acp_agent.py");

struct Hostile {
    world: World,
    bin: PathBuf,
    script: PathBuf,
    outside: PathBuf,
}

impl Hostile {
    fn new() -> Hostile {
        let world = World::new(&["m"], "lease_seconds = 5\n");
        let bin = world.root.path().join("fakebin");
        std::fs::create_dir_all(&bin).unwrap();
        let agent = bin.join("qwen");
        std::fs::write(&agent, format!("#!/usr/bin/env python3\n{FAKE_AGENT}")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755)).unwrap();
        let outside = world.root.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        let outside = outside.canonicalize().unwrap();
        let script = world.root.path().join("fake-acp.json");
        Hostile {
            world,
            bin,
            script,
            outside,
        }
    }

    fn boocoder(&self, args: &[&str]) -> Command {
        let mut c = self.world.boocoder(args);
        let path = std::env::var("PATH").unwrap_or_default();
        c.env("PATH", format!("{}:{path}", self.bin.display()))
            .env("FAKE_ACP_SCRIPT", &self.script);
        c
    }

    fn git(&self, args: &[&str]) {
        let ok = Command::new("git")
            .args(["-c", "user.name=b", "-c", "user.email=b@b"])
            .args(args)
            .current_dir(&self.world.repo)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .success();
        assert!(ok, "git {args:?}");
    }

    /// A new session on the fake agent; its working directory.
    fn session(&self, name: &str, worktree: bool) -> PathBuf {
        let repo = self.world.repo.to_str().unwrap();
        let mut args = vec![
            "session", "new", name, "--repo", repo, "--agent", "qwen", "--json",
        ];
        if !worktree {
            args.push("--no-worktree");
        }
        let v: Value = serde_json::from_str(&run(self.boocoder(&args))).unwrap();
        v["worktree"]["path"]
            .as_str()
            .map(PathBuf::from)
            .unwrap_or_else(|| self.world.repo.clone())
    }

    /// One turn of `steps`, bounded by `limit`: its reply (None: it hung).
    fn turn(&self, name: &str, steps: Value, limit: Duration) -> Option<String> {
        std::fs::write(&self.script, json!({"qwen": {"turn": steps}}).to_string()).unwrap();
        let mut child = self
            .boocoder(&["session", "prompt", name, "go", "--json", "--timeout", "10"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        loop {
            if child.try_wait().unwrap().is_some() {
                let out = child.wait_with_output().unwrap();
                let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
                return Some(v["text"].as_str().unwrap_or_default().to_string());
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Files written under the outside directory (the planted secret
    /// aside), removed so the next case starts clean.
    fn take_outside(&self) -> usize {
        let mut n = 0;
        for e in std::fs::read_dir(&self.outside).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().is_some_and(|f| f == "secret.txt") {
                continue;
            }
            n += 1;
            if p.is_dir() {
                std::fs::remove_dir_all(&p).unwrap();
            } else {
                std::fs::remove_file(&p).unwrap();
            }
        }
        n
    }
}

#[derive(Default)]
struct Tally {
    attempts: usize,
    escapes: usize,
}

fn contents(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|_| "<none>".into())
}

fn main() {
    if common::listing() {
        return;
    }
    let runs = common::runs(3);
    let h = Hostile::new();
    let o = h.outside.to_str().unwrap().to_string();
    std::fs::write(h.outside.join("secret.txt"), "top secret\n").unwrap();
    // Hostile repository states, committed on the base branch.
    let repo = &h.world.repo;
    std::os::unix::fs::symlink(format!("{o}/planted.txt"), repo.join("notes.md")).unwrap();
    std::os::unix::fs::symlink(&o, repo.join("docs")).unwrap();
    std::os::unix::fs::symlink("../..", repo.join("up")).unwrap();
    h.git(&["add", "-A"]);
    h.git(&["commit", "-q", "-m", "links"]);
    // A branch whose tree has `config -> <outside>`, for .worktreeinclude.
    std::fs::write(repo.join(".gitignore"), "*.local\n").unwrap();
    std::fs::write(repo.join(".worktreeinclude"), "config/*.local\n").unwrap();
    h.git(&["add", ".gitignore", ".worktreeinclude"]);
    h.git(&["commit", "-q", "-m", "include"]);
    h.git(&["checkout", "-q", "-b", "evil"]);
    std::os::unix::fs::symlink(&o, repo.join("config")).unwrap();
    h.git(&["add", "config"]);
    h.git(&["commit", "-q", "-m", "config link"]);
    h.git(&["checkout", "-q", "-"]);
    std::fs::create_dir_all(repo.join("config")).unwrap();
    std::fs::write(repo.join("config/app.local"), "local secret\n").unwrap();

    let limit = Duration::from_secs(60);
    let mut writes = Tally::default();
    let mut reads = Tally::default();
    let mut git_files = Tally::default();
    let mut specials = Tally::default();
    let mut include = Tally::default();
    for i in 0..runs {
        // Symlink writes: committed links (dangling file, directory, `..`)
        // and one the agent makes itself.
        let s = format!("w{i}");
        h.session(&s, true);
        let steps = json!([
            {"write": "notes.md", "content": "x"},
            {"write": "docs/planted.txt", "content": "x"},
            {"write": "up/outside/planted2.txt", "content": "x"},
            {"symlink": "esc", "to": "../../../../../../../../../../../../../../../"},
            {"write": format!("esc{o}/planted3.txt"), "content": "x"},
            {"symlink": "abs", "to": o},
            {"write": "abs/planted4.txt", "content": "x"},
        ]);
        writes.attempts += 5;
        let reply = h.turn(&s, steps, limit);
        writes.escapes += h.take_outside() + usize::from(reply.is_none());

        // Symlink reads of the planted secret.
        let s = format!("r{i}");
        h.session(&s, true);
        let steps = json!([
            {"read": "docs/secret.txt"},
            {"read": "up/outside/secret.txt"},
            {"symlink": "abs", "to": format!("{o}/secret.txt")},
            {"read": "abs"},
        ]);
        reads.attempts += 3;
        let reply = h.turn(&s, steps, limit).unwrap_or_default();
        reads.escapes += reply.matches("top secret").count();

        // git's own files, in a worktree and in the repository itself.
        for worktree in [true, false] {
            let s = format!("g{i}{}", if worktree { "w" } else { "n" });
            let dir = h.session(&s, worktree);
            let before = [
                contents(&dir.join(".git")),
                contents(&repo.join(".git/config")),
            ];
            let steps = json!([
                {"write": ".git", "content": "gitdir: /elsewhere\n"},
                {"write": ".git/config", "content": "[core]\n\tfsmonitor = touch pwned\n"},
                {"write": ".git/hooks/pre-commit", "content": "#!/bin/sh\n"},
                {"symlink": format!("g{i}"), "to": ".git"},
                {"write": format!("g{i}/config"), "content": "x"},
            ]);
            git_files.attempts += 4;
            h.turn(&s, steps, limit);
            let after = [
                contents(&dir.join(".git")),
                contents(&repo.join(".git/config")),
            ];
            git_files.escapes += before.iter().zip(&after).filter(|(a, b)| a != b).count()
                + usize::from(repo.join(".git/hooks/pre-commit").exists());
            let _ = std::fs::remove_file(dir.join(format!("g{i}")));
        }

        // A FIFO and a socket: refused, and the turn ends in time.
        let s = format!("f{i}");
        let dir = h.session(&s, true);
        let _sock = std::os::unix::net::UnixListener::bind(dir.join("sock")).unwrap();
        let steps = json!([
            {"mkfifo": "pipe"},
            {"read": "pipe"},
            {"write": "pipe", "content": "x"},
            {"read": "sock"},
            {"write": "sock", "content": "x"},
        ]);
        specials.attempts += 4;
        let reply = h.turn(&s, steps, limit);
        specials.escapes += match reply {
            None => 4,
            Some(r) => 4 - r.matches("refused").count().min(4),
        };

        // .worktreeinclude into a branch whose `config` links outside.
        include.attempts += 1;
        let out = h
            .boocoder(&[
                "worktree",
                "ensure",
                &format!("i{i}"),
                "--repo",
                repo.to_str().unwrap(),
                "--base",
                "evil",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        include.escapes += h.take_outside();
    }
    println!("Hostile agent and repository states, {runs} runs:");
    println!("  {:<52} {:>8} {:>8}", "case", "attempts", "escapes");
    let mut failed = false;
    for (name, t) in [
        ("symlink writes (committed, agent-made, dangling)", &writes),
        ("symlink reads of a secret outside", &reads),
        (".git writes (worktree and --no-worktree)", &git_files),
        ("FIFO / socket reads and writes (hang = escape)", &specials),
        (".worktreeinclude through a symlinked directory", &include),
    ] {
        println!("  {name:<52} {:>8} {:>8}", t.attempts, t.escapes);
        failed |= t.escapes > 0;
    }
    println!("  escapes must be 0");
    if failed {
        std::process::exit(1);
    }
}
