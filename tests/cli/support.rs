//! The hermetic test environment: a temp HOME with its own XDG and boocoder
//! directories, the `boocoder` binary run with a cleared environment, real
//! git repositories, and a private PostgreSQL schema per test.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// One test's private world.
pub struct TestEnv {
    pub dir: TempDir,
}

/// The outcome of one `boocoder` run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout parsed as one JSON document.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Assert the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl TestEnv {
    pub fn new() -> TestEnv {
        let dir = tempfile::Builder::new()
            .prefix("boocoder-test-")
            .tempdir()
            .expect("temp dir");
        for d in [
            "home",
            "config",
            "data",
            "state",
            "xdg/config",
            "xdg/data",
            "xdg/state",
            "xdg/cache",
        ] {
            std::fs::create_dir_all(dir.path().join(d)).expect("create test dirs");
        }
        TestEnv { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    pub fn config_dir(&self) -> PathBuf {
        self.path().join("config")
    }

    pub fn data_dir(&self) -> PathBuf {
        self.path().join("data")
    }

    /// Write `<config dir>/config.toml`.
    pub fn write_config(&self, toml: &str) -> PathBuf {
        let f = self.config_dir().join("config.toml");
        std::fs::write(&f, toml).expect("write config");
        f
    }

    /// The `boocoder` binary with a cleared, hermetic environment.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_boocoder"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.path().join("xdg/config"))
            .env("XDG_DATA_HOME", self.path().join("xdg/data"))
            .env("XDG_STATE_HOME", self.path().join("xdg/state"))
            .env("XDG_CACHE_HOME", self.path().join("xdg/cache"))
            .env("BOOCODER_CONFIG_DIR", self.config_dir())
            .env("BOOCODER_DATA_DIR", self.data_dir())
            .env("BOOCODER_STATE_DIR", self.path().join("state"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            // Under CI a command's opencode server is short-lived whatever
            // the outer run says; the tests of keep = "auto" outside CI
            // remove it.
            .env("CI", "true")
            .current_dir(self.path())
            .stdin(Stdio::null());
        c
    }

    /// Run `boocoder ARGS...` to completion.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(self.cmd().args(args))
    }

    pub fn run_with(&self, cmd: &mut Command) -> Run {
        let out = cmd.output().expect("run boocoder");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

/// Run git with a hermetic config; panics on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A real git repository at `dir` with one commit holding README.md.
pub fn git_repo(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).expect("create repo dir");
    git(dir, &["init", "-q"]);
    std::fs::write(dir.join("README.md"), "hello\n").expect("write README");
    git(dir, &["add", "README.md"]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    dir.to_path_buf()
}

/// The PostgreSQL server tests use.
pub fn pg_base_url() -> String {
    std::env::var("BOOCODER_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A private schema on the test PostgreSQL, dropped when this goes away.
/// `url` puts the schema first on the search path, so everything boocoder
/// creates (its migrations table included) lands in it.
pub struct PgSchema {
    pub name: String,
    pub url: String,
}

impl PgSchema {
    pub fn new() -> PgSchema {
        let name = format!(
            "t_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ) + &format!("_{:x}", rand_suffix());
        psql_exec(&format!("CREATE SCHEMA {name}"));
        let base = pg_base_url();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{name}");
        PgSchema { name, url }
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        psql_exec(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
    }
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.finish() & 0xffff_ffff
}

/// Run one statement on the test server from a throwaway runtime (usable
/// from sync code and from Drop inside async tests).
fn psql_exec(sql: &str) {
    let sql = sql.to_string();
    let url = pg_base_url();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("cannot reach test PostgreSQL at {url}: {e}"));
            sqlx::query(&sql)
                .execute(&mut conn)
                .await
                .expect("psql statement");
        })
    })
    .join()
    .expect("pg helper thread");
}

/// A command running in the background whose stdout lines arrive on a
/// channel: wait for a line, signal it, wait for its exit.
pub struct Background {
    pub child: Child,
    lines: mpsc::Receiver<String>,
}

impl Background {
    /// Start `cmd` with stdout read line by line on a thread.
    pub fn spawn(cmd: &mut Command) -> Background {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Background { child, lines: rx }
    }

    pub fn wait_for(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(line) => seen.push(line),
                Err(e) => {
                    let mut err = String::new();
                    if e == mpsc::RecvTimeoutError::Disconnected {
                        let _ = self.child.stderr.take().unwrap().read_to_string(&mut err);
                    }
                    panic!("no line with {needle:?} within {timeout:?}: {seen:?}\n{err}")
                }
            }
        }
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: signalling a child this test started.
        unsafe { libc::kill(self.child.id() as i32, sig) };
    }

    /// Wait for exit (bounded): the code, the rest of stdout, stderr.
    pub fn finish(mut self, timeout: Duration) -> (Option<i32>, Vec<String>, String) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut err = String::new();
                let _ = self.child.stderr.take().unwrap().read_to_string(&mut err);
                let rest: Vec<String> = self.lines.try_iter().collect();
                return (status.code(), rest, err);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("process did not end within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}
