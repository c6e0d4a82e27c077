//! Every interruption leaves things whole (issue 23): SIGTERM and SIGHUP
//! end a turn as Ctrl-C does (the agent's turn aborted, the turn recorded
//! `interrupted`, the lease released, a short-lived server stopped, exit
//! 128 + the signal), a killed owner's session is taken over at once on its
//! host, a full disk fails the turn naming the path, stored replies are
//! capped, read-only commands create nothing, and the one-shot checks its
//! model first. Real opencode, the fake ACP agent, the scripted model
//! server, real signals and a real (small) file system.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use boocoder::store::{Migrate, Store, TurnLogRow};
use serde_json::{Value, json};

use crate::fake_acp::{FakeAgents, process_gone};
use crate::model_server::{ModelServer, Script};
use crate::server::with_opencode;
use crate::support::{Background, Run, TestEnv, git_repo};

const MODEL: &str = "scripted-model";

struct Rig {
    env: TestEnv,
    models: ModelServer,
    fake: FakeAgents,
    repo: PathBuf,
    db_url: Option<String>,
}

impl Rig {
    /// A world with opencode, the model server and the fake ACP agent as
    /// `qwen`; `config` is appended to the config file.
    fn new(config: &str) -> Rig {
        let env = TestEnv::new();
        let models = ModelServer::start(&[MODEL]);
        let fake = FakeAgents::new(&env);
        fake.install("qwen");
        std::fs::create_dir_all(env.path().join("repo")).unwrap();
        let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
        env.write_config(&format!("default_model = \"{MODEL}\"\n{config}"));
        Rig {
            env,
            models,
            fake,
            repo,
            db_url: None,
        }
    }

    fn cmd(&self) -> Command {
        let mut c = self.fake.cmd(&self.env);
        with_opencode(&self.env, &mut c, &self.models.url());
        // The fake agents' directory first, then what opencode needs.
        c.env(
            "PATH",
            format!(
                "{}:{}",
                self.fake.bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        );
        if let Some(url) = &self.db_url {
            c.env("BOOCODER_DATABASE_URL", url);
        }
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        self.env.run_with(self.cmd().args(args))
    }

    fn new_session(&self, name: &str, agent: &str) {
        self.run(&[
            "session",
            "new",
            name,
            "--repo",
            self.repo.to_str().unwrap(),
            "--agent",
            agent,
        ])
        .expect(0);
    }

    fn spawn(&self, args: &[&str]) -> Background {
        Background::spawn(self.cmd().args(args))
    }

    fn state_dir(&self) -> PathBuf {
        self.env.path().join("state")
    }

    fn db_url(&self) -> String {
        self.db_url.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                self.env.data_dir().join("boocoder.db").display()
            )
        })
    }

    /// Every turn of `session` with its history, oldest first.
    fn turns(&self, session: &str) -> Vec<TurnLogRow> {
        let (url, session) = (self.db_url(), session.to_string());
        with_store(url, move |store| async move {
            store.turn_log(&session).await.unwrap()
        })
    }

    fn lease_owner(&self, session: &str) -> Option<String> {
        let (url, session) = (self.db_url(), session.to_string());
        with_store(url, move |store| async move {
            store.get_lease(&session).await.unwrap().map(|l| l.owner)
        })
    }

    /// The busy agent sessions of `dir` on the kept server.
    fn busy_on_kept_server(&self, dir: &str) -> Vec<String> {
        let state: Value =
            serde_json::from_slice(&std::fs::read(self.state_dir().join("server.json")).unwrap())
                .unwrap();
        crate::fault::busy_sessions(&state, dir)
    }

    fn worktree_of(&self, session: &str) -> String {
        self.run(&["session", "show", session, "--json"])
            .expect(0)
            .json()["worktree"]["path"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Pids of every fake agent started so far.
    fn agent_pids(&self) -> Vec<i32> {
        std::fs::read_to_string(&self.fake.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some("start"))
            .filter_map(|l| l.split_whitespace().nth(2)?.parse().ok())
            .collect()
    }

    fn cancels(&self) -> usize {
        std::fs::read_to_string(&self.fake.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some("cancel"))
            .count()
    }
}

/// Run `f` on a store opened on `url` (on a thread of its own: tests are
/// synchronous).
fn with_store<T, F, Fut>(url: String, f: F) -> T
where
    T: Send + 'static,
    F: FnOnce(Store) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T>,
{
    std::thread::spawn(move || {
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let store = Store::open(&url, Migrate::Skip).await.unwrap();
            let out = f(store.clone()).await;
            store.close().await;
            out
        })
    })
    .join()
    .unwrap()
}

/// Live (not zombie) processes whose working directory is `dir` (a server
/// boocoder starts runs in the state dir).
fn processes_in(dir: &Path) -> Vec<u32> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| !process_gone(*pid as i32))
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

/// Signal an opencode turn mid-stream and check it ended whole: the exit
/// code, the turn `interrupted` with what was streamed, the lease free.
fn interrupt_an_opencode_turn(rig: &Rig, session: &str, signal: i32, code: i32) {
    rig.models.push(Script::new().text("Going").stall());
    let mut turn = rig.spawn(&["session", "prompt", session, "go", "--format", "ndjson"]);
    turn.wait_for("Going", Duration::from_secs(90));
    turn.signal(signal);
    let (exit, rest, stderr) = turn.finish(Duration::from_secs(20));
    assert_eq!(exit, Some(code), "{stderr}\n{rest:?}");
    assert!(stderr.contains("error: interrupted"), "{stderr}");
    assert_interrupted_record(&rest, code);
    let last = rig.turns(session).pop().unwrap();
    assert_eq!(last.turn.status.as_str(), "interrupted", "{last:?}");
    assert_eq!(
        last.reply.as_deref(),
        Some("Going"),
        "what was streamed is kept"
    );
    assert_eq!(rig.lease_owner(session), None, "the lease was released");
}

/// The last ndjson line is the error record of an interrupted command.
fn assert_interrupted_record(lines: &[String], code: i32) {
    let last: Value = serde_json::from_str(lines.last().expect("an error record")).unwrap();
    assert_eq!(
        (&last["type"], &last["kind"], &last["exit_code"]),
        (&json!("error"), &json!("interrupted"), &json!(code)),
        "{lines:?}"
    );
}

#[test]
fn sigterm_ends_an_opencode_turn_as_ctrl_c_does_and_stops_the_short_lived_server() {
    let rig = Rig::new("lease_seconds = 60\n");
    rig.new_session("term", "opencode");
    interrupt_an_opencode_turn(&rig, "term", libc::SIGTERM, 143);
    assert!(
        processes_in(&rig.state_dir()).is_empty(),
        "no server left behind"
    );
    // The next turn starts at once, without --wait.
    rig.models.push(Script::new().text("Next."));
    let next = rig
        .run(&["session", "prompt", "term", "next", "--json"])
        .expect(0);
    assert_eq!(next.json()["text"], "Next.");
}

#[test]
fn sighup_ends_a_turn_on_the_kept_server_and_aborts_its_agent_turn() {
    let rig = Rig::new("lease_seconds = 60\n");
    rig.new_session("hup", "opencode");
    rig.run(&["server", "start"]).expect(0);
    let dir = rig.worktree_of("hup");
    interrupt_an_opencode_turn(&rig, "hup", libc::SIGHUP, 129);
    wait_until(
        "the kept server's agent turn is aborted",
        Duration::from_secs(10),
        || rig.busy_on_kept_server(&dir).is_empty(),
    );
    rig.run(&["server", "stop"]).expect(0);
}

#[test]
fn sigterm_cancels_an_acp_turn_and_reaps_the_agent() {
    let rig = Rig::new("lease_seconds = 60\n");
    rig.fake
        .script(json!({"qwen": {"turn": [{"text": "waiting\n"}, {"stall": true}]}}));
    rig.new_session("acp", "qwen");
    let mut turn = rig.spawn(&["session", "prompt", "acp", "go", "--format", "ndjson"]);
    turn.wait_for("waiting", Duration::from_secs(30));
    turn.signal(libc::SIGTERM);
    let (code, rest, stderr) = turn.finish(Duration::from_secs(20));
    assert_eq!(code, Some(143), "{stderr}\n{rest:?}");
    assert!(stderr.contains("error: interrupted by SIGTERM"), "{stderr}");
    assert_interrupted_record(&rest, 143);
    assert_eq!(rig.cancels(), 1, "session/cancel was sent");
    let last = rig.turns("acp").pop().unwrap();
    assert_eq!(last.turn.status.as_str(), "interrupted", "{last:?}");
    assert_eq!(last.reply.as_deref(), Some("waiting\n"));
    assert_eq!(rig.lease_owner("acp"), None, "the lease was released");
    let pids = rig.agent_pids();
    assert!(!pids.is_empty());
    for pid in pids {
        assert!(process_gone(pid), "agent {pid} still running");
    }
}

#[test]
fn sigterm_ends_the_one_shot_with_its_server_and_session() {
    let rig = Rig::new("");
    rig.models.push(Script::new().text("Going").stall());
    let mut one = rig.spawn(&[
        "prompt",
        "go",
        "--repo",
        rig.repo.to_str().unwrap(),
        "--format",
        "ndjson",
    ]);
    one.wait_for("Going", Duration::from_secs(90));
    one.signal(libc::SIGTERM);
    let (code, rest, stderr) = one.finish(Duration::from_secs(20));
    assert_eq!(code, Some(143), "{stderr}\n{rest:?}");
    assert!(processes_in(&rig.state_dir()).is_empty(), "no server left");
    let list = rig.run(&["session", "list", "--json"]).expect(0).json();
    assert_eq!(list, json!([]), "the ephemeral session is gone");
}

#[test]
fn a_killed_owner_is_taken_over_at_once_on_its_host() {
    // A lease far longer than the test: only the dead owner's pid can free it.
    let rig = Rig::new("lease_seconds = 600\n");
    rig.new_session("crash", "opencode");
    rig.run(&["server", "start"]).expect(0);
    rig.models.push(Script::new().text("Editing away").stall());
    let mut a = rig.spawn(&["session", "prompt", "crash", "long", "--format", "ndjson"]);
    a.wait_for("Editing", Duration::from_secs(90));
    let dir = rig.worktree_of("crash");
    let old = rig.turns("crash")[0].turn.agent_session_id.clone().unwrap();
    a.signal(libc::SIGKILL);
    let _ = a.finish(Duration::from_secs(10));
    assert_eq!(rig.busy_on_kept_server(&dir), vec![old.clone()]);

    rig.models.push(Script::new().text("Taken over."));
    let run = rig
        .run(&["session", "prompt", "crash", "resume", "--json"])
        .expect(0);
    assert_eq!(run.json()["text"], "Taken over.");
    assert!(
        run.stderr
            .contains(&format!("aborted the crashed turn's agent session {old}")),
        "{}",
        run.stderr
    );
    let statuses: Vec<String> = rig
        .turns("crash")
        .iter()
        .map(|t| t.turn.status.as_str().to_string())
        .collect();
    assert_eq!(statuses, ["crashed", "done"]);
    rig.run(&["server", "stop"]).expect(0);
}

/// When process `pid` started (`/proc/<pid>/stat` field 22).
fn start_time(pid: u32) -> i64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let rest = stat.rsplit_once(')').unwrap().1;
    rest.split_whitespace().nth(19).unwrap().parse().unwrap()
}

/// Hold `session`'s lease for `owner` (started at `start`) for ten minutes.
fn hold_lease(rig: &Rig, session: &str, owner: String, start: Option<i64>) {
    let session = session.to_string();
    with_store(rig.db_url(), move |store| async move {
        store
            .release_lease(
                &session,
                &store
                    .get_lease(&session)
                    .await
                    .unwrap()
                    .map_or(String::new(), |l| l.owner),
            )
            .await
            .unwrap();
        let got = store
            .acquire_lease_started(&session, &owner, start, 600_000)
            .await
            .unwrap();
        assert!(matches!(got, boocoder::store::LeaseAttempt::Acquired(_)));
    });
}

#[test]
fn a_live_owner_and_other_hosts_keep_their_lease_a_reused_pid_does_not() {
    let rig = Rig::new("lease_seconds = 600\n");
    rig.fake
        .script(json!({"qwen": {"turn": [{"text": "ran"}]}}));
    rig.new_session("s", "qwen");
    let host = boocoder::util::hostname();
    let mut sleeper = Command::new("sleep").arg("600").spawn().unwrap();
    let pid = sleeper.id();

    // A live owner on this host: busy.
    hold_lease(&rig, "s", format!("{host}:{pid}"), Some(start_time(pid)));
    let busy = rig.run(&["session", "prompt", "s", "go"]).expect(1);
    assert!(
        busy.stderr.contains(&format!("{host}:{pid}")),
        "{}",
        busy.stderr
    );
    rig.run(&["session", "rm", "s"]).expect(1);
    // Another host's owner: busy until it expires, whatever its pid.
    hold_lease(&rig, "s", "elsewhere.example:1".into(), None);
    rig.run(&["session", "prompt", "s", "go"]).expect(1);
    // The pid now belongs to a process started at another time: taken over.
    hold_lease(
        &rig,
        "s",
        format!("{host}:{pid}"),
        Some(start_time(pid) - 1),
    );
    rig.run(&["session", "prompt", "s", "go"]).expect(0);
    // The pid is gone: taken over.
    sleeper.kill().unwrap();
    sleeper.wait().unwrap();
    hold_lease(
        &rig,
        "s",
        format!("{host}:{pid}"),
        Some(start_time(std::process::id())),
    );
    rig.run(&["session", "prompt", "s", "go"]).expect(0);
    assert_eq!(rig.lease_owner("s"), None);
    // Nor does a gone owner's lease keep the session from being removed.
    hold_lease(&rig, "s", format!("{host}:{pid}"), None);
    rig.run(&["session", "rm", "s"]).expect(0);
}

#[test]
fn read_only_commands_create_no_database_nor_its_directory() {
    let env = TestEnv::new();
    let dir = env.path().join("nonexistent/dir");
    let db = format!("sqlite://{}/x.db", dir.display());
    let run = |args: &[&str]| env.run_with(env.cmd().args(args).env("BOOCODER_DATABASE_URL", &db));
    let list = run(&["session", "list", "--json"]).expect(0);
    assert_eq!(list.json(), json!([]));
    for args in [
        &["session", "show", "x"][..],
        &["session", "log", "x"],
        &["snapshot", "peek", "qwen"],
    ] {
        let r = run(args).expect(1);
        assert!(
            r.stderr
                .contains(&format!("no database at {}/x.db", dir.display())),
            "{args:?}: {}",
            r.stderr
        );
    }
    run(&["db", "status"]).expect(0);
    run(&["doctor"]);
    assert!(
        !env.path().join("nonexistent").exists(),
        "a read-only command created the database's directory"
    );
    // A command that writes creates it.
    run(&["db", "migrate"]).expect(0);
    assert!(dir.join("x.db").exists());
}

#[test]
fn the_one_shot_refuses_an_unknown_model_before_starting_anything() {
    let rig = Rig::new("");
    let started = Instant::now();
    let run = rig
        .run(&[
            "prompt",
            "hi",
            "--model",
            "nosuch",
            "--repo",
            rig.repo.to_str().unwrap(),
        ])
        .expect(2);
    eprintln!("refused after {:?}", started.elapsed());
    assert!(
        run.stderr
            .contains("`nosuch` is not one of llama-swap's models")
            && run.stderr.contains(&format!("it serves: {MODEL}")),
        "{}",
        run.stderr
    );
    assert_eq!(rig.models.agent_requests(), 0);
    assert!(processes_in(&rig.state_dir()).is_empty());
    assert!(
        !rig.env.data_dir().join("boocoder.db").exists(),
        "nothing was recorded"
    );
    // The same refusal as `session new`.
    rig.run(&[
        "session",
        "new",
        "x",
        "--repo",
        rig.repo.to_str().unwrap(),
        "--model",
        "nosuch",
    ])
    .expect(2);
    rig.run(&[
        "prompt",
        "hi",
        "--agent",
        "nope",
        "--repo",
        rig.repo.to_str().unwrap(),
    ])
    .expect(2);
}

#[test]
fn a_50_mb_acp_flood_stores_at_most_the_cap_and_streams_everything() {
    let rig = Rig::new("");
    const MIB: usize = 1 << 20;
    let chunks: Vec<Value> = (0..50)
        .map(|i| json!({"text": format!("{i:04}{}", "x".repeat(MIB - 4))}))
        .collect();
    rig.fake.script(json!({"qwen": {"turn": chunks}}));
    rig.new_session("flood", "qwen");
    let db = rig.env.data_dir().join("boocoder.db");
    let size = || {
        ["", "-wal"]
            .iter()
            .map(|s| std::fs::metadata(format!("{}{s}", db.display())).map_or(0, |m| m.len()))
            .sum::<u64>()
    };
    let before = size();
    let out = rig
        .cmd()
        .args(["session", "prompt", "flood", "go"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The live stream shows everything.
    assert_eq!(out.stdout.len(), 50 * MIB + 1, "the reply and a newline");
    assert!(
        out.stdout.starts_with(b"0000x") && String::from_utf8_lossy(&out.stdout).contains("0049x")
    );
    let grown = size() - before;
    eprintln!("the database grew by {grown} bytes");
    assert!(grown < 3 * MIB as u64, "grew by {grown}");
    let reply = rig.turns("flood").pop().unwrap().reply.unwrap();
    assert!(reply.starts_with("0000x"));
    assert!(
        reply.ends_with(&format!(
            "\n[boocoder: reply truncated: {MIB} of {} bytes stored (max_stored_bytes)]",
            50 * MIB
        )),
        "{}",
        &reply[reply.len() - 200..]
    );
    let log = rig.run(&["session", "log", "flood"]).expect(0);
    assert!(
        log.stdout.len() < 2 * MIB,
        "session log prints {}",
        log.stdout.len()
    );

    // The cap is configurable.
    rig.env.write_config(&format!(
        "default_model = \"{MODEL}\"\nmax_stored_bytes = 4096\n"
    ));
    rig.run(&["session", "prompt", "flood", "again"]).expect(0);
    let reply = rig.turns("flood").pop().unwrap().reply.unwrap();
    assert!(
        reply.ends_with(&format!(
            "[boocoder: reply truncated: 4096 of {} bytes stored (max_stored_bytes)]",
            50 * MIB
        )),
        "{}",
        &reply[reply.len() - 100..]
    );
    assert!(reply.len() < 4096 + 100);
}

/// A small tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Needs root (CI runs the tests as root): a mount that fails fails the
    /// test, it is never skipped.
    fn mount(at: PathBuf, size: &str) -> Tmpfs {
        std::fs::create_dir_all(&at).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&at)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cannot mount a tmpfs (the test needs root): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs(at)
    }

    /// Write a file until the file system is full.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.0.join("filler");
        let mut f = std::fs::File::create(&path).unwrap();
        let block = vec![0u8; 64 * 1024];
        loop {
            if f.write_all(&block).and_then(|_| f.flush()).is_err() {
                break;
            }
        }
        // And the last bytes.
        while f.write_all(&[0u8; 512]).is_ok() {}
        path
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_mid_turn_fails_the_turn_naming_the_path_and_frees_the_session() {
    let mut rig = Rig::new("lease_seconds = 600\n");
    let fs = Tmpfs::mount(rig.env.path().join("small"), "8m");
    let db = fs.0.join("boocoder.db");
    rig.db_url = Some(format!("sqlite://{}", db.display()));
    rig.fake.script(json!({"qwen": {"turn": [
        {"text": "before\n"},
        {"sleep": 2},
        {"text": "y".repeat(2 << 20)}
    ]}}));
    rig.new_session("full", "qwen");
    let mut turn = rig.spawn(&["session", "prompt", "full", "go", "--format", "ndjson"]);
    turn.wait_for("before", Duration::from_secs(30));
    let filler = fs.fill();
    let (code, rest, stderr) = turn.finish(Duration::from_secs(60));
    assert_eq!(code, Some(3), "{stderr}\n{rest:?}");
    assert!(
        stderr.contains(&format!(
            "cannot write to the database: the disk holding {} is full",
            db.display()
        )) && stderr.contains(&format!("hint: free space in {}", fs.0.display())),
        "{stderr}"
    );
    for pid in rig.agent_pids() {
        assert!(process_gone(pid), "agent {pid} still running");
    }
    // Space again: the session is not left busy, the turn not `running`.
    std::fs::remove_file(filler).unwrap();
    rig.fake
        .script(json!({"qwen": {"turn": [{"text": "after"}]}}));
    let next = rig
        .run(&["session", "prompt", "full", "next", "--json"])
        .expect(0);
    assert_eq!(next.json()["text"], "after");
    let turns = rig.turns("full");
    let first = &turns[0].turn;
    assert!(
        matches!(first.status.as_str(), "failed" | "crashed"),
        "{first:?}"
    );
    assert_eq!(turns[1].turn.status.as_str(), "done");
    drop(rig);
    drop(fs);
}

/// The store's side of a takeover, on both backends: the owner's start
/// time is kept, and a takeover succeeds only while the lease is still the
/// one judged gone (a lease that changed hands meanwhile stays).
#[test]
fn a_takeover_replaces_only_the_lease_judged_gone() {
    let env = TestEnv::new();
    let pg = crate::support::PgSchema::new();
    let sqlite = format!("sqlite://{}", env.path().join("t.db").display());
    for url in [sqlite, pg.url.clone()] {
        with_store(url, move |store| async move {
            store.migrate().await.unwrap();
            store
                .insert_session(&boocoder::store::SessionRow {
                    name: "s".into(),
                    repo: "/repo".into(),
                    agent: "opencode".into(),
                    model: None,
                    use_worktree: false,
                    created_at: 1,
                    updated_at: 1,
                })
                .await
                .unwrap();
            use boocoder::store::LeaseAttempt;
            let LeaseAttempt::Acquired(dead) = store
                .acquire_lease_started("s", "h:1", Some(42), 600_000)
                .await
                .unwrap()
            else {
                panic!("free lease not taken");
            };
            assert_eq!(dead.owner_start, Some(42));
            // Taken over by h:2, unexpired as it is.
            let new = store
                .take_over_lease(&dead, "h:2", Some(7), 600_000)
                .await
                .unwrap()
                .expect("taken over");
            assert_eq!((new.owner.as_str(), new.owner_start), ("h:2", Some(7)));
            // A second judge of the same dead lease finds it changed hands.
            assert_eq!(
                store
                    .take_over_lease(&dead, "h:3", None, 600_000)
                    .await
                    .unwrap(),
                None
            );
            assert_eq!(store.get_lease("s").await.unwrap().unwrap().owner, "h:2");
        });
    }
}
