//! A sandbox for the fault benches that drive the binary on real git
//! without opencode: a temp HOME and boocoder's dirs, a one-commit
//! repository on `main`, and the commands run in it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use boocoder::store::{Migrate, Store};

pub struct Sandbox {
    pub root: tempfile::TempDir,
    pub repo: PathBuf,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let root = tempfile::tempdir().unwrap();
        for d in ["home", "config", "data", "state", "repo"] {
            std::fs::create_dir_all(root.path().join(d)).unwrap();
        }
        let repo = root.path().join("repo").canonicalize().unwrap();
        git(&repo, &["init", "-q"]);
        std::fs::write(repo.join("README.md"), "hello\n").unwrap();
        git(&repo, &["add", "README.md"]);
        git(&repo, &["commit", "-q", "-m", "initial"]);
        Sandbox { root, repo }
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let r = self.root.path();
        let mut c = Command::new(env!("CARGO_BIN_EXE_boocoder"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", r.join("home"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("BOOCODER_CONFIG_DIR", r.join("config"))
            .env("BOOCODER_DATA_DIR", r.join("data"))
            .env("BOOCODER_STATE_DIR", r.join("state"))
            .current_dir(r)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .args(args);
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    pub fn new_session(&self, name: &str) -> PathBuf {
        let out = self.run(&[
            "session",
            "new",
            name,
            "--repo",
            self.repo.to_str().unwrap(),
            "--json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        PathBuf::from(v["worktree"]["path"].as_str().unwrap())
    }

    pub fn db_url(&self) -> String {
        format!(
            "sqlite://{}",
            self.root.path().join("data/boocoder.db").display()
        )
    }

    pub fn session_exists(&self, name: &str) -> bool {
        self.run(&["session", "show", name]).status.success()
    }

    /// Whether `session`'s lease is still held by anyone.
    pub fn lease_held(&self, session: &str) -> bool {
        let url = format!(
            "sqlite://{}",
            self.root.path().join("data/boocoder.db").display()
        );
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let store = Store::open(&url, Migrate::Auto).await.unwrap();
            let held = store.get_lease(session).await.unwrap().is_some();
            store.close().await;
            held
        })
    }
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=fault",
            "-c",
            "user.email=fault@example.com",
        ])
        .args(["-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
