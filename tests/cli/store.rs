//! The store suite: every test runs on SQLite (a file in a temp dir) and on
//! the real PostgreSQL (a private schema).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use boocoder::agent::TurnStatus;
use boocoder::store::*;
use serde_json::json;

use crate::support::{PgSchema, TestEnv};

/// Keeps a backend's resources alive for the test's duration.
pub enum Backing {
    Sqlite(TestEnv),
    Postgres(PgSchema),
}

impl Backing {
    pub fn url(&self) -> String {
        match self {
            Backing::Sqlite(env) => {
                format!("sqlite://{}", env.data_dir().join("boocoder.db").display())
            }
            Backing::Postgres(schema) => schema.url.clone(),
        }
    }
}

pub fn backing(backend: Backend) -> Backing {
    match backend {
        Backend::Sqlite => Backing::Sqlite(TestEnv::new()),
        Backend::Postgres => Backing::Postgres(PgSchema::new()),
    }
}

async fn open(b: &Backing) -> Store {
    Store::open(&b.url(), Migrate::Auto)
        .await
        .expect("open store")
}

/// `store_test!(name, |store, backing| body)`: one test per backend.
macro_rules! store_test {
    ($name:ident, |$store:ident, $backing:ident| $body:block) => {
        mod $name {
            use super::*;

            async fn case($store: Store, $backing: &Backing) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let b = backing(Backend::Sqlite);
                case(open(&b).await, &b).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let b = backing(Backend::Postgres);
                case(open(&b).await, &b).await;
            }
        }
    };
}

fn session(name: &str) -> SessionRow {
    SessionRow {
        name: name.into(),
        repo: "/repo".into(),
        agent: "opencode".into(),
        model: None,
        use_worktree: true,
        created_at: 1_000,
        updated_at: 1_000,
    }
}

fn change(path: &str, insertions: i64) -> PendingChange {
    PendingChange {
        path: path.into(),
        old_path: None,
        status: boocoder::worktree::ChangeStatus::Modified,
        insertions,
        deletions: 1,
        binary: false,
        patch: Some(format!("@@ {path} @@\n")),
    }
}

store_test!(migrations_are_idempotent, |store, b| {
    let status = store.migration_status().await.unwrap();
    assert!(!status.is_empty());
    assert!(
        status.iter().all(|m| m.applied && !m.checksum_mismatch),
        "{status:?}"
    );
    assert_eq!(store.migrate().await.unwrap(), Vec::<i64>::new());
    // A second open of the same database applies nothing and loses nothing.
    store.insert_session(&session("keep")).await.unwrap();
    let again = Store::open(&b.url(), Migrate::Auto).await.unwrap();
    assert_eq!(again.migrate().await.unwrap(), Vec::<i64>::new());
    assert!(again.get_session("keep").await.unwrap().is_some());
});

store_test!(sessions_insert_read_update_delete, |store, _b| {
    let mut s = session("alpha");
    assert!(store.insert_session(&s).await.unwrap());
    assert!(
        !store.insert_session(&s).await.unwrap(),
        "duplicate name is refused"
    );
    assert_eq!(store.get_session("alpha").await.unwrap(), Some(s.clone()));
    assert!(
        store
            .set_session_model("alpha", Some("qwen"), 2_000)
            .await
            .unwrap()
    );
    s.model = Some("qwen".into());
    s.updated_at = 2_000;
    assert_eq!(store.get_session("alpha").await.unwrap(), Some(s.clone()));
    store.insert_session(&session("beta")).await.unwrap();
    let names: Vec<_> = store
        .list_sessions()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["alpha", "beta"]);
    assert!(!store.set_session_model("nope", None, 1).await.unwrap());

    // Deleting a session takes its agent sessions, turns and lease with it.
    store.start_turn("alpha", None, None, 5).await.unwrap();
    store.acquire_lease("alpha", "me", 10_000).await.unwrap();
    store
        .upsert_agent_session(&AgentSessionRow {
            session: "alpha".into(),
            agent: "opencode".into(),
            agent_session_id: "ses_1".into(),
            server_url: None,
            directory: None,
            config_hash: "h".into(),
            status: AgentSessionStatus::Active,
            reason: None,
            created_at: 1,
            updated_at: 1,
        })
        .await
        .unwrap();
    assert!(store.delete_session("alpha").await.unwrap());
    assert!(!store.delete_session("alpha").await.unwrap());
    assert!(store.get_session("alpha").await.unwrap().is_none());
    assert!(store.list_turns("alpha").await.unwrap().is_empty());
    assert!(store.get_lease("alpha").await.unwrap().is_none());
    assert!(
        store
            .get_agent_session("alpha", "opencode")
            .await
            .unwrap()
            .is_none()
    );
});

store_test!(a_sessions_next_base_is_set_read_and_cleared, |store, _b| {
    store.insert_session(&session("alpha")).await.unwrap();
    assert_eq!(store.session_next_base("alpha").await.unwrap(), None);
    assert!(
        store
            .set_session_next_base("alpha", Some("feature"))
            .await
            .unwrap()
    );
    assert_eq!(
        store.session_next_base("alpha").await.unwrap().as_deref(),
        Some("feature")
    );
    assert!(store.set_session_next_base("alpha", None).await.unwrap());
    assert_eq!(store.session_next_base("alpha").await.unwrap(), None);
    assert!(
        !store
            .set_session_next_base("nope", Some("x"))
            .await
            .unwrap()
    );
    assert_eq!(store.session_next_base("nope").await.unwrap(), None);
});

store_test!(foreign_keys_are_enforced, |store, _b| {
    let err = store.start_turn("ghost", None, None, 1).await;
    assert!(
        err.is_err(),
        "a turn for an unknown session must be refused"
    );
});

store_test!(worktrees_first_writer_wins, |store, _b| {
    let w = WorktreeRow {
        session: "s1".into(),
        repo: "/r".into(),
        path: "/wt/s1".into(),
        branch: "boocoder/s1".into(),
        base_commit: "abc".into(),
        base_ref: Some("refs/heads/main".into()),
        created_at: 7,
        branch_created: true,
        host: "host-a".into(),
    };
    assert_eq!(store.insert_worktree(&w).await.unwrap(), w);
    let other = WorktreeRow {
        path: "/wt/other".into(),
        base_commit: "def".into(),
        ..w.clone()
    };
    assert_eq!(
        store.insert_worktree(&other).await.unwrap(),
        w,
        "existing row is kept"
    );
    let w2 = WorktreeRow {
        session: "s2".into(),
        repo: "/r2".into(),
        path: "/wt/s2".into(),
        ..w.clone()
    };
    store.insert_worktree(&w2).await.unwrap();
    assert_eq!(store.list_worktrees(None).await.unwrap().len(), 2);
    assert_eq!(store.list_worktrees(Some("/r2")).await.unwrap(), vec![w2]);
    assert!(store.delete_worktree("s1").await.unwrap());
    assert!(store.get_worktree("s1").await.unwrap().is_none());
});

store_test!(agent_sessions_upsert_and_status, |store, _b| {
    store.insert_session(&session("s")).await.unwrap();
    let mut a = AgentSessionRow {
        session: "s".into(),
        agent: "opencode".into(),
        agent_session_id: "ses_a".into(),
        server_url: Some("http://127.0.0.1:4096".into()),
        directory: Some("/wt/s".into()),
        config_hash: "h1".into(),
        status: AgentSessionStatus::Active,
        reason: None,
        created_at: 1,
        updated_at: 1,
    };
    store.upsert_agent_session(&a).await.unwrap();
    assert_eq!(
        store.get_agent_session("s", "opencode").await.unwrap(),
        Some(a.clone())
    );
    assert!(
        store
            .set_agent_session_status("s", "opencode", AgentSessionStatus::Crashed, 2)
            .await
            .unwrap()
    );
    a.agent_session_id = "ses_b".into();
    a.config_hash = "h2".into();
    a.reason = Some("config changed".into());
    a.status = AgentSessionStatus::Active;
    a.updated_at = 3;
    store.upsert_agent_session(&a).await.unwrap();
    assert_eq!(
        store.get_agent_session("s", "opencode").await.unwrap(),
        Some(a)
    );
    assert!(
        store
            .get_agent_session("s", "qwen")
            .await
            .unwrap()
            .is_none()
    );
});

store_test!(turns_start_finish_last, |store, _b| {
    store.insert_session(&session("s")).await.unwrap();
    let t1 = store
        .start_turn("s", Some("ses_1"), Some("m"), 100)
        .await
        .unwrap();
    let tokens = Tokens {
        input: Some(10),
        output: Some(20),
        reasoning: Some(3),
        cache_read: None,
        cache_write: Some(0),
    };
    assert!(
        store
            .finish_turn(t1, TurnStatus::Done, 150, &tokens, None)
            .await
            .unwrap()
    );
    let t2 = store
        .start_turn("s", Some("ses_1"), None, 200)
        .await
        .unwrap();
    assert_ne!(t1, t2);
    let last = store.last_turn("s").await.unwrap().unwrap();
    assert_eq!(
        (last.id, last.status.as_str(), last.ended_at),
        (t2, "running", None)
    );
    store
        .finish_turn(
            t2,
            TurnStatus::Failed,
            260,
            &Tokens::default(),
            Some("model error"),
        )
        .await
        .unwrap();
    let turns = store.list_turns("s").await.unwrap();
    assert_eq!(turns.len(), 2);
    assert_eq!(turns[0].tokens, tokens);
    assert_eq!(turns[0].model.as_deref(), Some("m"));
    assert_eq!(turns[1].error.as_deref(), Some("model error"));
    assert!(
        !store
            .finish_turn(9999, TurnStatus::Done, 1, &Tokens::default(), None)
            .await
            .unwrap()
    );
});

store_test!(available_agents_roundtrip_json, |store, _b| {
    let mut a = AvailableAgentRow {
        name: "opencode".into(),
        install_path: Some("/usr/bin/opencode".into()),
        supports_acp: Some(true),
        models: json!([{"id": "llama-swap/qwen", "label": "Qwen"}]),
        commands: json!([{"name": "init"}]),
        label: Some("opencode".into()),
        transport: Some("acp".into()),
        version: Some("1.18.33".into()),
        last_probed_at: Some(5),
        updated_at: 5,
    };
    store.upsert_available_agent(&a).await.unwrap();
    assert_eq!(
        store.get_available_agent("opencode").await.unwrap(),
        Some(a.clone())
    );
    a.version = Some("1.19.0".into());
    a.models = json!([]);
    store.upsert_available_agent(&a).await.unwrap();
    assert_eq!(store.list_available_agents().await.unwrap(), vec![a]);
    assert!(store.get_available_agent("nope").await.unwrap().is_none());
});

store_test!(snapshot_cache_replaces, |store, _b| {
    let s = SnapshotCacheRow {
        cwd: "/work".into(),
        built_at: 1,
        entries: json!([{"name": "opencode", "status": "ready"}]),
    };
    store.put_snapshot(&s).await.unwrap();
    assert_eq!(store.get_snapshot("/work").await.unwrap(), Some(s.clone()));
    let newer = SnapshotCacheRow {
        built_at: 2,
        entries: json!([]),
        ..s
    };
    store.put_snapshot(&newer).await.unwrap();
    assert_eq!(store.get_snapshot("/work").await.unwrap(), Some(newer));
    assert!(store.get_snapshot("/elsewhere").await.unwrap().is_none());
});

store_test!(leases_busy_expire_renew_release, |store, _b| {
    store.insert_session(&session("s")).await.unwrap();
    let before = store.db_now_ms().await.unwrap();
    let LeaseAttempt::Acquired(l) = store.acquire_lease("s", "host:1", 60_000).await.unwrap()
    else {
        panic!("free lease not acquired");
    };
    assert_eq!(l.owner, "host:1");
    // Times are the database's clock.
    assert!(
        l.acquired_at >= before && l.expires_at == l.acquired_at + 60_000,
        "{l:?}"
    );
    match store.acquire_lease("s", "host:2", 60_000).await.unwrap() {
        LeaseAttempt::Busy(held) => assert_eq!(held.owner, "host:1"),
        other => panic!("expected busy, got {other:?}"),
    }
    // The owner may take it again (and extend it).
    assert!(matches!(
        store.acquire_lease("s", "host:1", 60_000).await.unwrap(),
        LeaseAttempt::Acquired(_)
    ));
    assert!(store.renew_lease("s", "host:1", 60_000).await.unwrap());
    assert!(!store.renew_lease("s", "host:2", 60_000).await.unwrap());
    // Expired (renewed for no time at all): someone else takes it over.
    assert!(store.renew_lease("s", "host:1", 0).await.unwrap());
    match store.acquire_lease("s", "host:2", 60_000).await.unwrap() {
        LeaseAttempt::Acquired(l) => assert_eq!(l.owner, "host:2"),
        other => panic!("expired lease not taken over: {other:?}"),
    }
    assert!(!store.renew_lease("s", "host:1", 60_000).await.unwrap());
    assert!(!store.release_lease("s", "host:1").await.unwrap());
    assert!(store.release_lease("s", "host:2").await.unwrap());
    assert!(store.get_lease("s").await.unwrap().is_none());
});

store_test!(a_lease_is_taken_at_one_instant, |store, _b| {
    // One statement reads the clock once: a lease taken or taken over for
    // `ttl` ends exactly `ttl` after it was taken, however often it is done
    // (two reads of a running clock differ by a millisecond now and then).
    store.insert_session(&session("s")).await.unwrap();
    let ttl = 60_000;
    let mut held = None;
    for i in 0..300 {
        let LeaseAttempt::Acquired(l) = store.acquire_lease("s", "host:1", ttl).await.unwrap()
        else {
            panic!("the owner's own lease not taken again");
        };
        assert_eq!(l.expires_at - l.acquired_at, ttl, "attempt {i}: {l:?}");
        held = Some(l);
    }
    let mut held = held.unwrap();
    for i in 0..300 {
        let owner = format!("host:{}", i % 2 + 2);
        let l = store
            .take_over_lease(&held, &owner, None, ttl)
            .await
            .unwrap()
            .expect("an unchanged lease is taken over");
        assert_eq!(l.expires_at - l.acquired_at, ttl, "take-over {i}: {l:?}");
        held = l;
    }
});

store_test!(lease_contention_has_one_winner, |store, b| {
    store.insert_session(&session("s")).await.unwrap();
    // Separate stores (separate pools) race like separate processes would.
    let mut tasks = Vec::new();
    for i in 0..8 {
        let url = b.url();
        tasks.push(tokio::spawn(async move {
            let s = Store::open(&url, Migrate::Auto).await.unwrap();
            let r = s
                .acquire_lease("s", &format!("owner{i}"), 60_000)
                .await
                .unwrap();
            s.close().await;
            matches!(r, LeaseAttempt::Acquired(_))
        }));
    }
    let mut winners = 0;
    for t in tasks {
        winners += t.await.unwrap() as usize;
    }
    assert_eq!(winners, 1);
});

store_test!(probe_locks_busy_expire_release, |store, _b| {
    let l = store
        .try_lock_probe("gemini", "host:1", 60_000)
        .await
        .unwrap()
        .expect("a free lock is taken");
    assert_eq!((l.name.as_str(), l.owner.as_str()), ("gemini", "host:1"));
    // Held and unexpired: another owner is refused; the holder may extend.
    assert!(
        store
            .try_lock_probe("gemini", "host:2", 60_000)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .try_lock_probe("gemini", "host:1", 0)
            .await
            .unwrap()
            .is_some()
    );
    // Another provider's lock is independent.
    assert!(
        store
            .try_lock_probe("qwen", "host:2", 60_000)
            .await
            .unwrap()
            .is_some()
    );
    // Expired (host:1 took it for no time): taken over.
    let l = store
        .try_lock_probe("gemini", "host:2", 60_000)
        .await
        .unwrap();
    assert_eq!(l.map(|l| l.owner), Some("host:2".to_string()));
    assert!(!store.unlock_probe("gemini", "host:1").await.unwrap());
    assert!(store.unlock_probe("gemini", "host:2").await.unwrap());
    assert!(store.get_probe_lock("gemini").await.unwrap().is_none());
    assert!(
        store
            .try_lock_probe("gemini", "host:3", 60_000)
            .await
            .unwrap()
            .is_some()
    );
});

store_test!(probe_lock_contention_has_one_winner, |store, b| {
    drop(store);
    let mut tasks = Vec::new();
    for i in 0..8 {
        let url = b.url();
        tasks.push(tokio::spawn(async move {
            let s = Store::open(&url, Migrate::Auto).await.unwrap();
            let r = s
                .try_lock_probe("opencode", &format!("owner{i}"), 60_000)
                .await
                .unwrap();
            s.close().await;
            r.is_some()
        }));
    }
    let mut winners = 0;
    for t in tasks {
        winners += t.await.unwrap() as usize;
    }
    assert_eq!(winners, 1);
});

store_test!(a_settled_turn_is_never_overwritten, |store, _b| {
    store.insert_session(&session("s")).await.unwrap();
    let id = store.start_turn("s", None, None, 1).await.unwrap();
    assert!(
        store
            .finish_turn(id, TurnStatus::Crashed, 2, &Tokens::default(), None)
            .await
            .unwrap()
    );
    // The old owner coming back late writes nothing.
    assert!(
        !store
            .finish_turn(id, TurnStatus::Done, 3, &Tokens::default(), None)
            .await
            .unwrap()
    );
    assert_eq!(
        store.last_turn("s").await.unwrap().unwrap().status,
        TurnStatus::Crashed
    );
});

store_test!(pending_changes_replace_is_atomic, |store, _b| {
    let set_a: Vec<_> = (0..3).map(|i| change(&format!("a{i}.rs"), 1)).collect();
    let set_b: Vec<_> = (0..5).map(|i| change(&format!("b{i}.rs"), 2)).collect();
    store
        .replace_pending_changes("s", "opencode", &set_a, 1)
        .await
        .unwrap();
    let rows = store.list_pending_changes("s").await.unwrap();
    assert_eq!(
        rows.iter().map(|r| r.change.clone()).collect::<Vec<_>>(),
        set_a
    );
    assert!(
        rows.iter()
            .all(|r| r.agent == "opencode" && r.session == "s")
    );

    // A reader running alongside many replacements sees set A or set B, never a mix.
    let store = Arc::new(store);
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (store, stop) = (store.clone(), stop.clone());
        tokio::spawn(async move {
            let a: BTreeSet<String> = (0..3).map(|i| format!("a{i}.rs")).collect();
            let b: BTreeSet<String> = (0..5).map(|i| format!("b{i}.rs")).collect();
            let mut reads = 0;
            while !stop.load(Ordering::Relaxed) {
                let rows = store.list_pending_changes("s").await.unwrap();
                let paths: BTreeSet<String> = rows.iter().map(|r| r.change.path.clone()).collect();
                assert!(
                    paths == a || paths == b,
                    "reader saw a mixed set: {paths:?}"
                );
                let agents: BTreeSet<&str> = rows.iter().map(|r| r.agent.as_str()).collect();
                assert_eq!(agents.len(), 1, "one agent stamps the whole set");
                reads += 1;
            }
            reads
        })
    };
    for i in 0..40 {
        let (set, agent) = if i % 2 == 0 {
            (&set_b, "qwen")
        } else {
            (&set_a, "opencode")
        };
        store
            .replace_pending_changes("s", agent, set, i)
            .await
            .unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    assert!(reader.await.unwrap() > 0);
    store
        .replace_pending_changes("s", "opencode", &[], 99)
        .await
        .unwrap();
    assert!(store.list_pending_changes("s").await.unwrap().is_empty());
});

store_test!(concurrent_writers_lose_nothing, |store, b| {
    store.insert_session(&session("s")).await.unwrap();
    let mut tasks = Vec::new();
    for w in 0..4 {
        let url = b.url();
        tasks.push(tokio::spawn(async move {
            let s = Store::open(&url, Migrate::Auto).await.unwrap();
            for i in 0..25 {
                let id = s.start_turn("s", None, None, w * 1_000 + i).await.unwrap();
                s.finish_turn(
                    id,
                    TurnStatus::Done,
                    w * 1_000 + i + 1,
                    &Tokens::default(),
                    None,
                )
                .await
                .unwrap();
            }
            s.close().await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let turns = store.list_turns("s").await.unwrap();
    assert_eq!(turns.len(), 100);
    assert!(turns.iter().all(|t| t.status == TurnStatus::Done));
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_first_open_migrates_once_under_contention() {
    let b = backing(Backend::Sqlite);
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let url = b.url();
        tasks.push(tokio::spawn(async move {
            let s = Store::open(&url, Migrate::Auto).await?;
            s.close().await;
            Ok::<_, StoreError>(())
        }));
    }
    for t in tasks {
        t.await
            .unwrap()
            .expect("every concurrent first open succeeds");
    }
}
