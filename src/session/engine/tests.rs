//! The turn engine's own logic, on the scripted backend with a real SQLite
//! store and real git: what is slow or flaky to provoke with real agents
//! (a lease lost mid-turn, a crashed owner taken over, cancellation while
//! queued or mid-turn, permission decisions, a turn that cannot be
//! recorded).

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::Engine;
use crate::agent::scripted::{Scripted, Step};
use crate::agent::transport::Route;
use crate::agent::turn::{PermissionPolicy, TurnEvent, TurnRequest};
use crate::agent::{AgentEvent, PermissionReply, TurnStatus};
use crate::config::{Config, Env, Overrides, Policy, TurnsVia};
use crate::lease::LeaseError;
use crate::report::{AskPerson, NoReporter, Output, Progress, Reporter};
use crate::session_key::SessionKey;
use crate::store::{LeaseAttempt, Migrate, SessionRow, Store};

struct Fixture {
    _tmp: tempfile::TempDir,
    store: Store,
    config: Config,
    repo: PathBuf,
}

fn git(repo: &std::path::Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

/// A store, a config (leases of `lease_seconds`) and a repository with
/// one commit, in a temp dir; session `s` works in the repository.
async fn fixture(lease_seconds: u64) -> Fixture {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let env = Env::from_pairs([
        ("HOME".to_string(), home.to_string_lossy().into_owned()),
        (
            "BOOCODER_DATABASE_URL".to_string(),
            format!("sqlite://{}", tmp.path().join("db.sqlite").display()),
        ),
    ]);
    let mut config = Config::load(&Overrides::default(), &env).unwrap();
    config.lease_ttl = Duration::from_secs(lease_seconds);
    let store = Store::open(&config.database_url, Migrate::Auto)
        .await
        .unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    std::fs::write(repo.join("README"), "hello\n").unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "first"]);
    let repo = repo.canonicalize().unwrap();
    let row = SessionRow {
        name: "s".into(),
        repo: repo.to_string_lossy().into_owned(),
        agent: "scripted".into(),
        model: Some("m1".into()),
        use_worktree: false,
        created_at: 1,
        updated_at: 1,
    };
    assert!(store.insert_session(&row).await.unwrap());
    Fixture {
        _tmp: tmp,
        store,
        config,
        repo,
    }
}

fn route() -> Route {
    Route {
        agent: "scripted".into(),
        turns: TurnsVia::Acp,
        note: None,
    }
}

fn request(f: &Fixture, policy: &str) -> TurnRequest {
    let policy = Policy::resolve(&f.config, Some(policy), "test").unwrap();
    TurnRequest {
        session: SessionKey::parse("s").unwrap(),
        text: "do it".into(),
        model: None,
        agent_mode: None,
        watchdog: Duration::from_secs(60),
        permissions: PermissionPolicy::new(policy, Arc::new(NoReporter)),
        wait: false,
    }
}

fn engine<'a>(f: &'a Fixture, cancel: &CancellationToken) -> Engine<'a> {
    Engine {
        store: &f.store,
        config: &f.config,
        cancel: cancel.clone(),
    }
}

/// A reporter that records the events of a turn.
#[derive(Default, Clone)]
struct Seen(Arc<std::sync::Mutex<Vec<TurnEvent>>>);

impl Progress for Seen {}

impl Output for Seen {}

impl AskPerson for Seen {}

impl Reporter for Seen {
    fn turn_event(&self, session: &str, event: TurnEvent) {
        assert_eq!(session, "s");
        self.0.lock().unwrap().push(event);
    }
}

impl Seen {
    fn notices(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                TurnEvent::Notice { notice } => Some(notice.clone()),
                _ => None,
            })
            .collect()
    }
}

#[tokio::test]
async fn a_turn_is_leased_recorded_and_released() {
    let f = fixture(30).await;
    let agent = Scripted::new(vec![
        Step::Event(AgentEvent::Text {
            part_id: "p".into(),
            delta: "done".into(),
        }),
        Step::Event(AgentEvent::Tool {
            call_id: "c1".into(),
            tool: "edit".into(),
            status: crate::agent::ToolStatus::Completed,
            title: Some("NOTES".into()),
            input: None,
            error: None,
        }),
        Step::Write {
            path: "NOTES".into(),
            text: "new\n".into(),
        },
    ]);
    let seen = Seen::default();
    let cancel = CancellationToken::new();
    let out = engine(&f, &cancel)
        .run(&agent, &route(), &request(&f, "workspace"), &seen)
        .await
        .unwrap();
    assert_eq!(out.status, TurnStatus::Done);
    assert_eq!(out.text, "done");
    assert_eq!(out.model.as_deref(), Some("m1"), "the session's model");
    assert_eq!(out.server_url.to_string(), "acp:scripted");
    assert_eq!(out.turn_paths.as_deref(), Some(&["NOTES".to_string()][..]));
    assert!(out.in_checkout);
    let turns = f.store.list_turns("s").await.unwrap();
    assert_eq!(turns.len(), 1);
    assert_eq!(turns[0].status, TurnStatus::Done);
    assert_eq!(turns[0].agent_session_id.as_deref(), Some("scripted-1"));
    assert_eq!(turns[0].tokens.input, Some(10));
    let history = f.store.turn_log("s").await.unwrap().pop().unwrap();
    assert_eq!(history.tools.len(), 1, "the engine keeps the tool log");
    assert_eq!(history.tools[0].name, "edit");
    assert!(f.store.get_lease("s").await.unwrap().is_none(), "released");
    let first = seen.0.lock().unwrap()[0].clone();
    assert!(
        matches!(first, TurnEvent::Start { ref agent, ref model, worktree: None } if agent == "scripted" && model.as_deref() == Some("m1")),
        "{first:?}"
    );
    assert!(f.repo.join("NOTES").exists());
}

#[tokio::test]
async fn a_lease_taken_over_mid_turn_stops_the_agent_and_records_nothing_more() {
    let f = fixture(3).await;
    let agent = Scripted::new(vec![
        Step::Work(Duration::from_secs(30)),
        Step::Write {
            path: "LATE".into(),
            text: "written after the lease was lost\n".into(),
        },
    ]);
    let cancel = CancellationToken::new();
    let req = request(&f, "workspace");
    let seen = Seen::default();
    let (e, r) = (engine(&f, &cancel), route());
    let turn = e.run(&agent, &r, &req, &seen);
    let thief = async {
        // Once the turn runs, another process takes the lease over.
        loop {
            if let Some(t) = f.store.last_turn("s").await.unwrap()
                && t.status == TurnStatus::Running
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let held = f.store.get_lease("s").await.unwrap().unwrap();
        f.store
            .take_over_lease(&held, "elsewhere:1", None, 30_000)
            .await
            .unwrap()
            .expect("taken over");
    };
    let started = std::time::Instant::now();
    let (result, ()) = tokio::join!(turn, thief);
    let err = result.expect_err("the turn lost its lease");
    assert!(
        matches!(err, crate::Error::Lease(LeaseError::Lost { .. })),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(20), "stopped early");
    assert!(!f.repo.join("LATE").exists(), "the agent was stopped");
    let t = f.store.last_turn("s").await.unwrap().unwrap();
    assert_eq!(t.status, TurnStatus::LeaseLost);
    let lease = f.store.get_lease("s").await.unwrap().unwrap();
    assert_eq!(lease.owner, "elsewhere:1", "the new owner's lease stays");
}

/// A turn left `running` by an owner whose lease expired.
async fn crashed_owner(f: &Fixture) -> i64 {
    match f
        .store
        .acquire_lease_started("s", "gonehost:1", None, 1)
        .await
        .unwrap()
    {
        LeaseAttempt::Acquired(_) => {}
        LeaseAttempt::Busy(l) => panic!("busy: {l:?}"),
    }
    let id = f
        .store
        .start_turn("s", Some("old-agent-session"), Some("m1"), 1)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    id
}

#[tokio::test]
async fn a_crashed_owner_is_taken_over_its_agent_stopped_first() {
    let f = fixture(30).await;
    let old = crashed_owner(&f).await;
    let agent = Scripted::replying("ok");
    let cancel = CancellationToken::new();
    let out = engine(&f, &cancel)
        .run(&agent, &route(), &request(&f, "workspace"), &NoReporter)
        .await
        .unwrap();
    assert_eq!(out.status, TurnStatus::Done);
    assert_eq!(*agent.aborted.lock().unwrap(), vec![old]);
    let turns = f.store.list_turns("s").await.unwrap();
    assert_eq!(turns[0].id, old);
    assert_eq!(turns[0].status, TurnStatus::Crashed);
    assert_eq!(turns[1].status, TurnStatus::Done);
}

#[tokio::test]
async fn a_crashed_owner_whose_agent_cannot_be_stopped_blocks_the_turn() {
    let f = fixture(30).await;
    let old = crashed_owner(&f).await;
    let mut agent = Scripted::replying("never");
    agent.refuse_abort = true;
    let cancel = CancellationToken::new();
    let err = engine(&f, &cancel)
        .run(&agent, &route(), &request(&f, "workspace"), &NoReporter)
        .await
        .expect_err("two agents must not edit one worktree");
    assert!(err.to_string().contains("old-agent-session"), "{err}");
    assert_eq!(*agent.prompted.lock().unwrap(), 0, "never prompted");
    let turns = f.store.list_turns("s").await.unwrap();
    assert_eq!(turns.len(), 1);
    assert_eq!((turns[0].id, turns[0].status), (old, TurnStatus::Running));
    assert!(f.store.get_lease("s").await.unwrap().is_none(), "released");
}

#[tokio::test]
async fn a_signal_while_queued_behind_a_busy_session_ends_the_wait() {
    let f = fixture(30).await;
    f.store
        .acquire_lease_started("s", "otherhost:7", None, 30_000)
        .await
        .unwrap();
    let agent = Scripted::replying("never");
    let cancel = CancellationToken::new();
    let mut req = request(&f, "workspace");
    req.wait = true;
    let stop = async {
        tokio::time::sleep(Duration::from_millis(600)).await;
        cancel.cancel();
    };
    let (e, r) = (engine(&f, &cancel), route());
    let (result, ()) = tokio::join!(e.run(&agent, &r, &req, &NoReporter), stop);
    assert!(
        matches!(result, Err(crate::Error::Interrupted)),
        "{result:?}"
    );
    assert_eq!(*agent.prompted.lock().unwrap(), 0);
    let lease = f.store.get_lease("s").await.unwrap().unwrap();
    assert_eq!(lease.owner, "otherhost:7", "the other owner's lease stays");
    // Without --wait, the same busy session is refused at once.
    req.wait = false;
    let err = engine(&f, &CancellationToken::new())
        .run(&agent, &route(), &req, &NoReporter)
        .await
        .expect_err("busy");
    assert!(
        matches!(err, crate::Error::Lease(LeaseError::Busy { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_signal_mid_turn_records_it_interrupted_and_frees_the_session() {
    let f = fixture(30).await;
    let agent = Scripted::new(vec![Step::Work(Duration::from_secs(30))]);
    let cancel = CancellationToken::new();
    let req = request(&f, "workspace");
    let stop = async {
        loop {
            if let Some(t) = f.store.last_turn("s").await.unwrap()
                && t.status == TurnStatus::Running
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        cancel.cancel();
    };
    let (e, r) = (engine(&f, &cancel), route());
    let (result, ()) = tokio::join!(e.run(&agent, &r, &req, &NoReporter), stop);
    let out = result.unwrap();
    assert_eq!(out.status, TurnStatus::Interrupted);
    let t = f.store.last_turn("s").await.unwrap().unwrap();
    assert_eq!(t.status, TurnStatus::Interrupted);
    assert!(f.store.get_lease("s").await.unwrap().is_none(), "released");
}

#[tokio::test]
async fn the_watchdog_stalls_a_silent_agent_but_not_a_busy_one() {
    let f = fixture(30).await;
    let cancel = CancellationToken::new();
    let mut req = request(&f, "workspace");
    req.watchdog = Duration::from_millis(400);
    // Busy for three watchdogs, a sign of life every 50 ms: it finishes.
    let busy = Scripted::new(vec![Step::Busy(Duration::from_millis(1200))]);
    let out = engine(&f, &cancel)
        .run(&busy, &route(), &req, &NoReporter)
        .await
        .unwrap();
    assert_eq!(out.status, TurnStatus::Done);
    // Silent: stalled after one watchdog, not after its 30 s of work.
    let silent = Scripted::new(vec![Step::Work(Duration::from_secs(30))]);
    let started = std::time::Instant::now();
    let out = engine(&f, &cancel)
        .run(&silent, &route(), &req, &NoReporter)
        .await
        .unwrap();
    assert_eq!(out.status, TurnStatus::Stalled);
    assert!(started.elapsed() < Duration::from_secs(10), "stalled early");
    let t = f.store.last_turn("s").await.unwrap().unwrap();
    assert_eq!(t.status, TurnStatus::Stalled);
    assert!(f.store.get_lease("s").await.unwrap().is_none(), "released");
}

/// A person who takes a second to allow once, counting the questions.
#[derive(Default)]
struct SlowPerson {
    asked: std::sync::atomic::AtomicUsize,
}

impl AskPerson for SlowPerson {
    fn can_ask(&self) -> bool {
        true
    }

    fn ask_permission(&self, _session: &str, _event: &AgentEvent) -> PermissionReply {
        self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(1000));
        PermissionReply::Once
    }
}

#[tokio::test]
async fn a_person_slower_than_the_watchdog_does_not_stall_the_turn() {
    let f = fixture(30).await;
    let cancel = CancellationToken::new();
    let mut req = request(&f, "ask");
    req.watchdog = Duration::from_millis(300);
    let person = Arc::new(SlowPerson::default());
    req.permissions = PermissionPolicy::new(
        Policy::resolve(&f.config, Some("ask"), "test").unwrap(),
        person.clone(),
    );
    let agent = Scripted::new(vec![
        Step::Ask {
            tool: "bash".into(),
            patterns: vec!["make".into()],
        },
        Step::Work(Duration::from_millis(100)),
    ]);
    let out = engine(&f, &cancel)
        .run(&agent, &route(), &req, &NoReporter)
        .await
        .unwrap();
    assert_eq!(person.asked.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(out.status, TurnStatus::Done);
    assert_eq!(*agent.replies.lock().unwrap(), vec![PermissionReply::Once]);
}

/// Someone who cannot be asked (no terminal): never asked.
struct Nobody;

impl AskPerson for Nobody {
    fn ask_permission(&self, _session: &str, _event: &AgentEvent) -> PermissionReply {
        panic!("asked someone who cannot be asked")
    }
}

#[tokio::test]
async fn without_a_person_to_ask_the_non_interactive_rule_decides() {
    let f = fixture(30).await;
    let mut req = request(&f, "ask");
    req.permissions = PermissionPolicy::new(
        Policy::resolve(&f.config, Some("ask"), "test").unwrap(),
        Arc::new(Nobody),
    );
    let agent = Scripted::new(vec![Step::Ask {
        tool: "bash".into(),
        patterns: vec!["make".into()],
    }]);
    let seen = Seen::default();
    let out = engine(&f, &CancellationToken::new())
        .run(&agent, &route(), &req, &seen)
        .await
        .unwrap();
    assert_eq!(
        *agent.replies.lock().unwrap(),
        vec![PermissionReply::Reject]
    );
    assert_eq!(out.permissions.denied, 1);
    assert!(
        seen.notices().iter().any(|n| n.contains("non_interactive")),
        "{:?}",
        seen.notices()
    );
}

#[tokio::test]
async fn permissions_are_decided_by_the_turns_policy_and_counted() {
    let f = fixture(30).await;
    let agent = Scripted::new(vec![
        Step::Ask {
            tool: "read".into(),
            patterns: vec!["README".into()],
        },
        Step::Ask {
            tool: "bash".into(),
            patterns: vec!["curl example.com".into()],
        },
    ]);
    let seen = Seen::default();
    let cancel = CancellationToken::new();
    let out = engine(&f, &cancel)
        .run(&agent, &route(), &request(&f, "read-only"), &seen)
        .await
        .unwrap();
    assert_eq!(
        *agent.replies.lock().unwrap(),
        vec![PermissionReply::Once, PermissionReply::Reject]
    );
    assert_eq!((out.permissions.allowed, out.permissions.denied), (1, 1));
    assert!(
        seen.notices()
            .iter()
            .any(|n| n.starts_with("permission bash")),
        "{:?}",
        seen.notices()
    );
    let history = f.store.turn_log("s").await.unwrap().pop().unwrap();
    let stored = history.permissions.expect("stored with the turn");
    assert_eq!(stored.denied, 1);
    assert_eq!(stored.decisions[1].tool, "bash");
}

#[tokio::test]
async fn a_turn_that_cannot_be_recorded_never_prompts_and_frees_the_session() {
    let f = fixture(30).await;
    // Another writer broke the turns table: the turn cannot begin.
    let pool = sqlx::SqlitePool::connect(&f.config.database_url)
        .await
        .unwrap();
    sqlx::query("ALTER TABLE turns RENAME TO turns_gone")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let agent = Scripted::replying("never");
    let cancel = CancellationToken::new();
    let err = engine(&f, &cancel)
        .run(&agent, &route(), &request(&f, "workspace"), &NoReporter)
        .await
        .expect_err("the turn cannot be recorded");
    assert!(err.to_string().contains("turns"), "{err}");
    assert_eq!(*agent.prompted.lock().unwrap(), 0, "never prompted");
    assert!(f.store.get_lease("s").await.unwrap().is_none(), "released");
}

#[tokio::test]
async fn a_backend_that_fails_to_open_leaves_no_turn_and_frees_the_session() {
    let f = fixture(30).await;
    let mut agent = Scripted::replying("never");
    agent.refuse_open = Some("the agent is not installed".into());
    let cancel = CancellationToken::new();
    let err = engine(&f, &cancel)
        .run(&agent, &route(), &request(&f, "workspace"), &NoReporter)
        .await
        .expect_err("not opened");
    assert!(err.to_string().contains("not installed"), "{err}");
    assert!(f.store.list_turns("s").await.unwrap().is_empty());
    assert!(f.store.get_lease("s").await.unwrap().is_none(), "released");
}

#[tokio::test]
async fn an_empty_prompt_or_unknown_session_is_refused_before_the_lease() {
    let f = fixture(30).await;
    let agent = Scripted::replying("never");
    let cancel = CancellationToken::new();
    let mut req = request(&f, "workspace");
    req.text = "  \n".into();
    let err = engine(&f, &cancel)
        .run(&agent, &route(), &req, &NoReporter)
        .await
        .expect_err("empty");
    assert_eq!(err.exit(), crate::Exit::Usage);
    req.text = "hi".into();
    req.session = SessionKey::parse("nobody").unwrap();
    let err = engine(&f, &cancel)
        .run(&agent, &route(), &req, &NoReporter)
        .await
        .expect_err("unknown");
    assert_eq!(err.exit(), crate::Exit::No);
    assert!(f.store.get_lease("nobody").await.unwrap().is_none());
}
