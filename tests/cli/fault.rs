//! Failing fast without breaking another process's work: a kept server
//! belongs to everyone using it, leases mean exclusive (on the database's
//! clock), probes race once, and failed output is not success. Real
//! opencode, the scripted model server, PostgreSQL, real processes and
//! signals.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use boocoder::agent::TurnStatus;
use boocoder::store::{Migrate, Store, TurnRow};
use serde_json::{Value, json};

use crate::fake_acp::{FakeAgents, entry, model_ids};
use crate::model_server::{ModelServer, Script};
use crate::server::with_opencode;
use crate::support::{Background, PgSchema, Run, TestEnv, git_repo};

const MODEL: &str = "scripted-model";

struct Rig {
    env: TestEnv,
    models: ModelServer,
    repo: PathBuf,
    db: Option<PgSchema>,
}

impl Rig {
    fn new(pg: bool) -> Rig {
        let env = TestEnv::new();
        let models = ModelServer::start(&[MODEL]);
        std::fs::create_dir_all(env.path().join("repo")).unwrap();
        let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
        env.write_config(&format!("default_model = \"{MODEL}\"\nlease_seconds = 3\n"));
        Rig {
            env,
            models,
            repo,
            db: pg.then(PgSchema::new),
        }
    }

    fn cmd_with(&self, llama_swap: &str) -> Command {
        let mut c = self.env.cmd();
        with_opencode(&self.env, &mut c, llama_swap);
        if let Some(db) = &self.db {
            c.env("BOOCODER_DATABASE_URL", &db.url);
        }
        c
    }

    fn cmd(&self) -> Command {
        self.cmd_with(&self.models.url())
    }

    fn run(&self, args: &[&str]) -> Run {
        self.env.run_with(self.cmd().args(args))
    }

    fn new_session(&self, name: &str) {
        self.run(&[
            "session",
            "new",
            name,
            "--repo",
            self.repo.to_str().unwrap(),
        ])
        .expect(0);
    }

    fn spawn(&self, cmd: &mut Command) -> Background {
        Background::spawn(cmd)
    }

    fn state(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.env.path().join("state/server.json")).unwrap())
            .unwrap()
    }

    /// Every turn of `session`, oldest first, from the database.
    fn turns(&self, session: &str) -> Vec<TurnRow> {
        let url = match &self.db {
            Some(db) => db.url.clone(),
            None => format!(
                "sqlite://{}",
                self.env.data_dir().join("boocoder.db").display()
            ),
        };
        let session = session.to_string();
        std::thread::spawn(move || {
            tokio::runtime::Runtime::new().unwrap().block_on(async {
                let store = Store::open(&url, Migrate::Skip).await.unwrap();
                let t = store.list_turns(&session).await.unwrap();
                store.close().await;
                t
            })
        })
        .join()
        .unwrap()
    }

    /// The busy agent sessions of `dir` on the kept server.
    fn busy_on_kept_server(&self, dir: &str) -> Vec<String> {
        busy_sessions(&self.state(), dir)
    }
}

/// The busy agent sessions of `dir` on the server `state` (its record,
/// `server.json`) describes, as its `/session/status` says (asked with the
/// library's own client).
pub(crate) fn busy_sessions(state: &Value, dir: &str) -> Vec<String> {
    let client = boocoder::agent::opencode::Client::new(
        state["url"].as_str().unwrap(),
        state["password"].as_str().unwrap(),
    );
    let dir = std::path::PathBuf::from(dir);
    let busy = std::thread::spawn(move || {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(client.session_status(&dir))
            .unwrap()
    })
    .join()
    .unwrap();
    busy.into_keys().collect()
}

fn alive(pid: u64) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.contains(") Z "))
        .unwrap_or(false)
}

fn opencode_processes(dir: &Path) -> Vec<u32> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| alive(u64::from(*pid)))
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/cwd"))
                .ok()
                .as_deref()
                == Some(&dir)
        })
        .collect()
}

fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn worktree_of(rig: &Rig, session: &str) -> String {
    rig.run(&["session", "show", session, "--json"])
        .expect(0)
        .json()["worktree"]["path"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn status_reports_an_unresponsive_server_and_never_signals_it() {
    let rig = Rig::new(false);
    let started = rig.run(&["server", "start", "--json"]).expect(0).json();
    let pid = started["pid"].as_u64().unwrap();
    // SAFETY: stopping the opencode server this test started.
    unsafe { libc::kill(pid as i32, libc::SIGSTOP) };
    let v = rig.run(&["server", "status", "--json"]).expect(1).json();
    assert_eq!(
        (
            v["running"].clone(),
            v["responding"].clone(),
            v["pid"].as_u64()
        ),
        (json!(true), json!(false), Some(pid)),
        "{v}"
    );
    assert!(v["silent_seconds"].as_i64().is_some(), "{v}");
    let text = rig.run(&["server", "status"]).expect(1);
    assert!(
        text.stdout.contains(&format!("pid: {pid}")) && text.stdout.contains("not answered for"),
        "{}",
        text.stdout
    );
    // Still there, still stopped (a TERM would be pending, a KILL fatal).
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    assert!(stat.contains(") T "), "the server was signalled: {stat}");
    assert!(rig.env.path().join("state/server.json").exists());
    // Stopping it cannot check for turns: refused without --force.
    let refused = rig.run(&["server", "stop"]).expect(1);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert!(alive(pid));
    rig.run(&["server", "stop", "--force"]).expect(0);
    wait_until("the server is gone", Duration::from_secs(10), || {
        !alive(pid)
    });
}

#[test]
fn other_settings_run_beside_the_kept_server_and_break_no_turn() {
    let rig = Rig::new(false);
    rig.new_session("one");
    rig.new_session("two");
    let kept = rig.run(&["server", "start", "--json"]).expect(0).json();
    let pid = kept["pid"].as_u64().unwrap();
    rig.models.push(
        Script::new()
            .text("First half")
            .delay(Duration::from_secs(20))
            .text(", second half."),
    );
    let mut a = rig.spawn(
        rig.cmd()
            .args(["session", "prompt", "one", "long", "--format", "ndjson"]),
    );
    a.wait_for("First", Duration::from_secs(90));

    // Stopping or restarting it would break the running turn: refused.
    let stop = rig.run(&["server", "stop"]).expect(1);
    assert!(
        stop.stderr.contains("1 agent turn is running"),
        "{}",
        stop.stderr
    );
    rig.run(&["server", "start", "--restart"]).expect(1);
    assert!(alive(pid));

    // Another llama-swap: a short-lived server of its own, said once.
    let other = ModelServer::start(&[MODEL]);
    other.push(Script::new().text("Elsewhere."));
    let b = rig.env.run_with(
        rig.cmd_with(&other.url())
            .args(["session", "prompt", "two", "hi", "--json"]),
    );
    let b = b.expect(0);
    assert_eq!(b.json()["text"], "Elsewhere.");
    assert_eq!(
        b.stderr.matches("short-lived server of its own").count(),
        1,
        "{}",
        b.stderr
    );
    assert!(b.stderr.contains("llama_swap_url"), "{}", b.stderr);
    assert!(alive(pid), "the kept server was stopped");

    let (code, rest, stderr) = a.finish(Duration::from_secs(90));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(rest.iter().any(|l| l.contains("second")), "{rest:?}");
    let turns = rig.turns("one");
    assert_eq!(turns.last().unwrap().status, TurnStatus::Done, "{turns:?}");
    rig.run(&["server", "stop"]).expect(0);
    wait_until("the server is gone", Duration::from_secs(10), || {
        !alive(pid)
    });
}

#[test]
fn models_added_to_llama_swap_reach_the_next_turn() {
    let rig = Rig::new(false);
    rig.new_session("late");
    let kept = rig.run(&["server", "start", "--json"]).expect(0).json();
    rig.models.add_model("late-model");
    rig.models.push(Script::new().text("Late but here."));
    let run = rig
        .run(&[
            "session",
            "prompt",
            "late",
            "hi",
            "--model",
            "late-model",
            "--json",
        ])
        .expect(0);
    assert_eq!(run.json()["text"], "Late but here.", "{}", run.stderr);
    assert!(run.stderr.contains("new: late-model"), "{}", run.stderr);
    assert!(alive(kept["pid"].as_u64().unwrap()));
    assert_eq!(kept["models"], json!([MODEL]));
    // --restart (nothing runs on it) brings the list up to date.
    let restarted = rig
        .run(&["server", "start", "--restart", "--json"])
        .expect(0)
        .json();
    assert_eq!(restarted["models"], json!([MODEL, "late-model"]));
    assert_ne!(restarted["pid"], kept["pid"]);
    rig.run(&["server", "stop"]).expect(0);
}

#[test]
fn ctrl_c_during_server_start_stops_the_half_started_server() {
    let rig = Rig::new(false);
    let state = rig.env.path().join("state");
    let start = rig.spawn(rig.cmd().args(["server", "start"]));
    wait_until("opencode is starting", Duration::from_secs(30), || {
        !opencode_processes(&state).is_empty()
    });
    let pids = opencode_processes(&state);
    start.signal(libc::SIGINT);
    let (code, _, stderr) = start.finish(Duration::from_secs(15));
    assert_eq!(code, Some(130), "{stderr}");
    wait_until(
        "the half-started server is gone",
        Duration::from_secs(10),
        || pids.iter().all(|p| !alive(u64::from(*p))),
    );
    assert!(!state.join("server.json").exists());
}

#[test]
fn a_takeover_aborts_the_crashed_owners_agent_turn() {
    let rig = Rig::new(true);
    rig.new_session("crash");
    rig.run(&["server", "start"]).expect(0);
    rig.models.push(Script::new().text("Editing away").stall());
    let mut a = rig.spawn(
        rig.cmd()
            .args(["session", "prompt", "crash", "long", "--format", "ndjson"]),
    );
    a.wait_for("Editing", Duration::from_secs(90));
    let dir = worktree_of(&rig, "crash");
    let old = rig
        .turns("crash")
        .last()
        .unwrap()
        .agent_session_id
        .clone()
        .unwrap();
    assert_eq!(rig.busy_on_kept_server(&dir), vec![old.clone()]);

    a.signal(libc::SIGKILL);
    let _ = a.finish(Duration::from_secs(10));
    // The kept server still runs the killed owner's agent turn.
    assert_eq!(rig.busy_on_kept_server(&dir), vec![old.clone()]);
    rig.models.push(Script::new().text("Taken over."));
    let run = rig
        .run(&["session", "prompt", "crash", "resume", "--wait", "--json"])
        .expect(0);
    assert_eq!(run.json()["text"], "Taken over.");
    assert!(
        run.stderr
            .contains(&format!("aborted the crashed turn's agent session {old}")),
        "{}",
        run.stderr
    );
    assert!(rig.busy_on_kept_server(&dir).is_empty());
    let turns = rig.turns("crash");
    assert_eq!(
        turns.iter().map(|t| t.status.as_str()).collect::<Vec<_>>(),
        ["crashed", "done"]
    );
    rig.run(&["server", "stop"]).expect(0);
}

#[test]
fn a_turn_that_lost_its_lease_stops_and_writes_nothing_more() {
    let rig = Rig::new(true);
    rig.new_session("lost");
    rig.run(&["server", "start"]).expect(0);
    rig.models.push(
        Script::new()
            .text("Slow start")
            .delay(Duration::from_secs(8))
            .text(", slow end."),
    );
    let mut a = rig.spawn(
        rig.cmd()
            .args(["session", "prompt", "lost", "long", "--format", "ndjson"]),
    );
    a.wait_for("Slow", Duration::from_secs(90));
    // The owner stalls past its lease; another process takes over.
    a.signal(libc::SIGSTOP);
    rig.models.push(Script::new().text("New owner."));
    let b = rig
        .run(&["session", "prompt", "lost", "next", "--wait", "--json"])
        .expect(0);
    assert_eq!(b.json()["text"], "New owner.");
    a.signal(libc::SIGCONT);
    let (code, rest, stderr) = a.finish(Duration::from_secs(30));
    assert_eq!(code, Some(3), "{stderr}\n{rest:?}");
    assert!(stderr.contains("session lost lost its lease"), "{stderr}");
    assert!(
        !rest.iter().any(|l| l.contains("slow end")),
        "the old owner kept streaming: {rest:?}"
    );
    // The new owner's record stands: the old turn crashed, the new one done.
    let turns = rig.turns("lost");
    assert_eq!(
        turns.iter().map(|t| t.status.as_str()).collect::<Vec<_>>(),
        ["crashed", "done"],
        "{turns:?}"
    );
    rig.run(&["server", "stop"]).expect(0);
}

/// A renewal the database answers slowly (the lease row locked by another
/// transaction for longer than a renewal step, less than the lease) keeps
/// the lease: the turn ends `done`, not `lease_lost`.
#[test]
fn a_slow_lease_renewal_keeps_the_lease_while_it_is_valid() {
    let rig = Rig::new(true);
    rig.new_session("slow");
    rig.run(&["server", "start"]).expect(0);
    rig.models.push(
        Script::new()
            .text("Slow start")
            .delay(Duration::from_secs(6))
            .text(", slow end."),
    );
    let mut a = rig.spawn(
        rig.cmd()
            .args(["session", "prompt", "slow", "long", "--format", "ndjson"]),
    );
    a.wait_for("Slow", Duration::from_secs(90));
    let url = rig.db.as_ref().unwrap().url.clone();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
        // Just after a renewal (lease_seconds = 3: one a second), lock the
        // row for 2.4 s: the next renewal waits about 1.4 s for it.
        let first = lease_expiry(&mut conn).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while lease_expiry(&mut conn).await == first {
            assert!(Instant::now() < deadline, "the lease is never renewed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let mut tx = conn.begin().await.unwrap();
        sqlx::query("SELECT owner FROM session_leases WHERE session = 'slow' FOR UPDATE")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(2400)).await;
        tx.commit().await.unwrap();
    });
    let (code, rest, stderr) = a.finish(Duration::from_secs(60));
    assert_eq!(code, Some(0), "{stderr}\n{rest:?}");
    assert!(
        rest.iter().any(|l| l.contains("\"type\":\"done\"")),
        "{rest:?}"
    );
    let turns = rig.turns("slow");
    assert_eq!(
        turns.iter().map(|t| t.status.as_str()).collect::<Vec<_>>(),
        ["done"],
        "{turns:?}"
    );
    rig.run(&["server", "stop"]).expect(0);
}

async fn lease_expiry(conn: &mut sqlx::PgConnection) -> i64 {
    sqlx::query_scalar("SELECT expires_at FROM session_leases WHERE session = 'slow'")
        .fetch_one(conn)
        .await
        .unwrap()
}

/// A preload library that puts CLOCK_REALTIME an hour ahead: a machine
/// whose clock is wrong.
fn clock_ahead_lib(dir: &Path) -> PathBuf {
    let src = dir.join("skew.c");
    std::fs::write(
        &src,
        r#"#define _GNU_SOURCE
#include <dlfcn.h>
#include <time.h>
int clock_gettime(clockid_t id, struct timespec *ts) {
    static int (*real)(clockid_t, struct timespec *);
    if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int r = real(id, ts);
    if (r == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) ts->tv_sec += 3600;
    return r;
}
"#,
    )
    .unwrap();
    let lib = dir.join("libskew.so");
    let out = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&lib)
        .arg(&src)
        .arg("-ldl")
        .output()
        .expect("run cc");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    lib
}

#[test]
fn a_clock_an_hour_ahead_does_not_take_a_live_lease() {
    let rig = Rig::new(true);
    rig.new_session("skew");
    rig.run(&["server", "start"]).expect(0);
    let lib = clock_ahead_lib(rig.env.path());
    // The preload works: this process's idea of now is an hour ahead.
    let date = Command::new("date")
        .arg("+%s")
        .env("LD_PRELOAD", &lib)
        .output()
        .unwrap();
    let skewed: i64 = String::from_utf8_lossy(&date.stdout)
        .trim()
        .parse()
        .unwrap();
    let real = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(skewed - real > 3000, "{skewed} vs {real}");

    rig.models.push(Script::new().text("Holding").stall());
    let mut a = rig.spawn(
        rig.cmd()
            .args(["session", "prompt", "skew", "hold", "--format", "ndjson"]),
    );
    a.wait_for("Holding", Duration::from_secs(90));
    let b = rig.env.run_with(
        rig.cmd()
            .env("LD_PRELOAD", &lib)
            .args(["session", "prompt", "skew", "steal"]),
    );
    let b = b.expect(1);
    assert!(b.stderr.contains("session skew is busy"), "{}", b.stderr);
    a.signal(libc::SIGINT);
    let (code, _, stderr) = a.finish(Duration::from_secs(20));
    assert_eq!(code, Some(130), "{stderr}");
    rig.run(&["server", "stop"]).expect(0);
}

#[test]
fn the_snapshot_cache_key_covers_config_path_and_home() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(json!({"gemini": {"models": [{"id": "g1"}]}}));
    let first = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    assert_eq!(first["from_cache"], false);
    assert_eq!(
        first["cwd"],
        env.path().canonicalize().unwrap().display().to_string()
    );
    let again = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    assert_eq!(again["from_cache"], true);

    // Another HOME (another user sharing the database): not their snapshot.
    let other_home = env.path().join("other-home");
    std::fs::create_dir_all(&other_home).unwrap();
    let v = env
        .run_with(
            fake.cmd(&env)
                .env("HOME", &other_home)
                .args(["snapshot", "--json"]),
        )
        .expect(0)
        .json();
    assert_eq!(v["from_cache"], false, "{v}");
    // Another PATH.
    let v = env
        .run_with(
            fake.cmd(&env)
                .env(
                    "PATH",
                    format!("{}:/usr/bin:/bin:/sbin", fake.bin.display()),
                )
                .args(["snapshot", "--json"]),
        )
        .expect(0)
        .json();
    assert_eq!(v["from_cache"], false, "{v}");
    // A changed provider config: gemini disabled shows at once.
    env.write_config("[providers.gemini]\nenabled = false\n");
    let v = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    assert_eq!(v["from_cache"], false, "{v}");
    assert_eq!(entry(&v, "entries", "gemini")["enabled"], false);
    // Back to the first setup: its snapshot is still there.
    env.write_config("");
    let v = fake.run(&env, &["snapshot", "--json"]).expect(0).json();
    assert_eq!(v["from_cache"], true, "{v}");
    assert_eq!(model_ids(entry(&v, "entries", "gemini")), ["g1"]);
}

#[test]
fn ctrl_c_gives_the_probe_lock_back() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(json!({"gemini": {"models": [{"id": "g"}], "delay": 30}}));
    env.run(&["db", "migrate"]).expect(0);
    let mut child = fake
        .cmd(&env)
        .args(["probe", "gemini", "--force", "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the agent is started", Duration::from_secs(30), || {
        fake.starts("gemini") == 1
    });
    let db = format!("sqlite://{}", env.data_dir().join("boocoder.db").display());
    let lock = |db: String| {
        std::thread::spawn(move || {
            tokio::runtime::Runtime::new().unwrap().block_on(async {
                let s = Store::open(&db, Migrate::Skip).await.unwrap();
                let l = s.get_probe_lock("gemini").await.unwrap();
                s.close().await;
                l
            })
        })
        .join()
        .unwrap()
    };
    assert!(lock(db.clone()).is_some(), "the probe holds the lock");
    // SAFETY: interrupting the child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(lock(db).is_none(), "the lock was left behind");
}

#[test]
fn a_failed_write_to_stdout_is_not_success() {
    let env = TestEnv::new();
    // A full disk.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let run = env.run_with(env.cmd().args(["config", "show"]).stdout(full));
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot write to stdout"),
        "{}",
        run.stderr
    );
    // A pipe whose reader is gone.
    let mut fds = [0; 2];
    // SAFETY: a fresh pipe; the read end is closed before the child writes.
    unsafe {
        assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
        libc::close(fds[0]);
    }
    use std::os::fd::FromRawFd;
    // SAFETY: fds[1] is a valid, owned file descriptor.
    let write_end = unsafe { std::fs::File::from_raw_fd(fds[1]) };
    let run = env.run_with(
        env.cmd()
            .args(["config", "show", "--json"])
            .stdout(write_end),
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
}
