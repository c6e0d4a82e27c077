//! An agent's file requests (`fs/read_text_file`, `fs/write_text_file`)
//! stay in its worktree whatever the agent or the repository holds:
//! symlinks out of it, git's own files, FIFOs and sockets. The `boocoder`
//! binary, the fake ACP agent doing the hostile things, real git.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::fake_acp::FakeAgents;
use crate::support::{Run, TestEnv, git, git_repo};

struct Rig {
    env: TestEnv,
    fake: FakeAgents,
    repo: PathBuf,
    /// A directory beside the repository: nothing may appear in it.
    outside: PathBuf,
}

fn rig(script: Value) -> Rig {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("qwen");
    fake.script(json!({ "qwen": script }));
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    std::fs::create_dir(env.path().join("outside")).unwrap();
    let outside = env.path().join("outside").canonicalize().unwrap();
    std::fs::write(outside.join("secret.txt"), "top secret\n").unwrap();
    Rig {
        env,
        fake,
        repo,
        outside,
    }
}

impl Rig {
    fn run(&self, args: &[&str]) -> Run {
        self.fake.run(&self.env, args)
    }

    /// `session new NAME --agent qwen` (plus `extra`); the worktree's path
    /// (the repository itself with `--no-worktree`).
    fn new_session(&self, name: &str, extra: &[&str]) -> PathBuf {
        let mut args = vec![
            "session",
            "new",
            name,
            "--repo",
            self.repo.to_str().unwrap(),
            "--agent",
            "qwen",
            "--json",
        ];
        args.extend_from_slice(extra);
        let v = self.run(&args).expect(0).json();
        match v["worktree"]["path"].as_str() {
            Some(w) => PathBuf::from(w),
            None => self.repo.clone(),
        }
    }

    /// `session prompt NAME go --json` bounded by `limit`: None when it was
    /// still running then (it is killed).
    fn prompt_within(&self, name: &str, extra: &[&str], limit: Duration) -> Option<Run> {
        let mut cmd = self.fake.cmd(&self.env);
        cmd.args(["session", "prompt", name, "go", "--json"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start boocoder");
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                let mut stdout = String::new();
                let mut stderr = String::new();
                child
                    .stdout
                    .take()
                    .unwrap()
                    .read_to_string(&mut stdout)
                    .unwrap();
                child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut stderr)
                    .unwrap();
                return Some(Run {
                    code: status.code().unwrap_or(-1),
                    stdout,
                    stderr,
                });
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Every file under the outside directory but the planted secret.
    fn written_outside(&self) -> Vec<String> {
        let mut found = Vec::new();
        walk(&self.outside, &mut found);
        found.retain(|p| !p.ends_with("secret.txt"));
        found
    }
}

fn walk(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        }
        out.push(p.to_string_lossy().into_owned());
    }
}

#[test]
fn symlinks_never_carry_a_file_request_out_of_the_worktree() {
    let rig = rig(json!({"turn": [
        {"write": "notes.md", "content": "planted"},
        {"write": "docs/new.txt", "content": "planted"},
        {"read": "docs/secret.txt"},
        {"read": "up/outside/secret.txt"},
        {"symlink": "esc", "to": "../../../outside"},
        {"write": "esc/made-by-agent.txt", "content": "planted"},
        {"write": "dangling-rel/x.txt", "content": "planted"},
        {"read": "alias.md"},
        {"write": "inner/ok.txt", "content": "inside\n"},
        {"text": "end\n"}
    ]}));
    // Committed symlinks: a dangling one to a file outside, one to the
    // outside directory, one climbing out with `..`, one inside.
    let o = rig.outside.to_str().unwrap();
    std::os::unix::fs::symlink(format!("{o}/planted.txt"), rig.repo.join("notes.md")).unwrap();
    std::os::unix::fs::symlink(o, rig.repo.join("docs")).unwrap();
    std::os::unix::fs::symlink("../..", rig.repo.join("up")).unwrap();
    std::os::unix::fs::symlink("../outside/deeper", rig.repo.join("dangling-rel")).unwrap();
    std::os::unix::fs::symlink("README.md", rig.repo.join("alias.md")).unwrap();
    git(&rig.repo, &["add", "-A"]);
    git(&rig.repo, &["commit", "-q", "-m", "links"]);
    let wt = rig.new_session("s", &[]);
    let run = rig
        .prompt_within("s", &[], Duration::from_secs(60))
        .expect("the turn ends")
        .expect(0);
    let text = run.json()["text"].as_str().unwrap().to_string();
    assert_eq!(
        text,
        "write:refused -32602\nwrite:refused -32602\nread:refused\nread:refused\n\
         write:refused -32602\nwrite:refused -32602\nread:hello\n\nwrite:ok\nend\n",
        "{}",
        run.stderr
    );
    assert_eq!(rig.written_outside(), Vec::<String>::new());
    assert_eq!(
        std::fs::read_to_string(wt.join("inner/ok.txt")).unwrap(),
        "inside\n"
    );
    // The links are as they were: nothing was written through them.
    assert!(wt.join("notes.md").symlink_metadata().unwrap().is_symlink());
    assert!(!wt.join("notes.md").exists());
}

#[test]
fn git_files_are_never_written_with_or_without_a_worktree() {
    let rig = rig(json!({"turn": [
        {"write": ".git", "content": "gitdir: /elsewhere\n"},
        {"write": ".git/config", "content": "[core]\n\tfsmonitor = touch /tmp/pwned\n"},
        {"write": ".git/hooks/pre-commit", "content": "#!/bin/sh\n"},
        {"write": "sub/.GIT/config", "content": "x"},
        {"write": "./.git./info/exclude", "content": "x"},
        {"symlink": "g", "to": ".git"},
        {"write": "g/config", "content": "x"},
        {"write": "fine.txt", "content": "fine\n"},
        {"text": "end\n"}
    ]}));
    let expected = "write:refused -32602\n".repeat(6) + "write:ok\nend\n";
    let wt = rig.new_session("w", &[]);
    let dot_git = std::fs::read_to_string(wt.join(".git")).unwrap();
    let run = rig
        .prompt_within("w", &[], Duration::from_secs(60))
        .expect("the turn ends")
        .expect(0);
    assert_eq!(run.json()["text"], expected.as_str(), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(wt.join(".git")).unwrap(), dot_git);
    assert_eq!(
        std::fs::read_to_string(wt.join("fine.txt")).unwrap(),
        "fine\n"
    );
    assert!(!wt.join("sub").exists());

    // In the repository itself: its .git/config and hooks stay untouched.
    let config = std::fs::read_to_string(rig.repo.join(".git/config")).unwrap();
    rig.new_session("n", &["--no-worktree"]);
    let run = rig
        .prompt_within("n", &[], Duration::from_secs(60))
        .expect("the turn ends")
        .expect(0);
    assert_eq!(run.json()["text"], expected.as_str(), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(rig.repo.join(".git/config")).unwrap(),
        config
    );
    assert!(!rig.repo.join(".git/hooks/pre-commit").exists());
    assert_eq!(
        std::fs::read_to_string(rig.repo.join("fine.txt")).unwrap(),
        "fine\n"
    );
}

#[test]
fn fifos_and_sockets_are_refused_and_the_turn_ends_in_time() {
    let rig = rig(json!({"turn": [
        {"mkfifo": "pipe"},
        {"read": "pipe"},
        {"write": "pipe", "content": "x"},
        {"read": "sock"},
        {"write": "sock", "content": "x"},
        {"text": "end\n"}
    ]}));
    let wt = rig.new_session("f", &[]);
    let _listener = std::os::unix::net::UnixListener::bind(wt.join("sock")).unwrap();
    // Today a FIFO read blocks the turn for good, past --timeout.
    let run = rig
        .prompt_within("f", &["--timeout", "20"], Duration::from_secs(60))
        .expect("the turn ends within its deadline")
        .expect(0);
    assert_eq!(
        run.json()["text"],
        "read:refused\nwrite:refused -32602\nread:refused\nwrite:refused -32602\nend\n",
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("not a regular file"),
        "the notice says why: {}",
        run.stderr
    );
}
