//! Issue 11, "never lose a user's work": what `worktree remove`, `session
//! rm` and `worktree prune` keep, crafted trees, busy sessions, concurrent
//! removals, a database shared by two hosts, and the smaller leaks. Every
//! case runs the binary on real git (and PostgreSQL where it says so).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use boocoder::store::{LeaseAttempt, Migrate, Store};
use serde_json::Value;

use crate::support::{PgSchema, Run, TestEnv, git, git_repo};

fn run(env: &TestEnv, args: &[&str]) -> Run {
    env.run(args)
}

fn repo(env: &TestEnv) -> PathBuf {
    git_repo(&env.path().join("repo")).canonicalize().unwrap()
}

fn ensure(env: &TestEnv, session: &str, repo: &Path, extra: &[&str]) -> Value {
    let mut a = vec![
        "worktree",
        "ensure",
        session,
        "--repo",
        repo.to_str().unwrap(),
        "--json",
    ];
    a.extend_from_slice(extra);
    run(env, &a).expect(0).json()
}

/// A commit on the worktree's branch; returns its id.
fn commit_in(wt: &Path, file: &str) -> String {
    std::fs::write(wt.join(file), format!("{file}\n")).unwrap();
    git(wt, &["add", file]);
    git(wt, &["commit", "-q", "-m", file]);
    git(wt, &["rev-parse", "HEAD"])
}

fn branch_tip(repo: &Path, branch: &str) -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--verify", "-q"])
        .arg(format!("refs/heads/{branch}"))
        .current_dir(repo)
        .output()
        .unwrap();
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn boocoder_branches(repo: &Path) -> Vec<String> {
    git(
        repo,
        &[
            "branch",
            "--list",
            "boocoder/*",
            "--format=%(refname:short)",
        ],
    )
    .lines()
    .map(String::from)
    .collect()
}

fn path_of(v: &Value) -> PathBuf {
    PathBuf::from(v["path"].as_str().unwrap())
}

#[test]
fn remove_keeps_a_branch_with_commits_no_other_branch_has() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let w = ensure(&env, "work", &repo, &[]);
    let tip = commit_in(&path_of(&w), "feature.txt");

    // Text: the worktree goes, the branch stays, named with its tip.
    let out = run(&env, &["worktree", "remove", "work"]).expect(0);
    assert!(
        out.stderr
            .contains(&format!("kept branch boocoder/work at {}", &tip[..10]))
            && out.stderr.contains(&tip)
            && out.stderr.contains("commits no other branch has"),
        "{}",
        out.stderr
    );
    assert!(!path_of(&w).exists());
    assert_eq!(branch_tip(&repo, "boocoder/work").as_deref(), Some(&*tip));

    // JSON: a boolean and the tip.
    let w = ensure(&env, "json", &repo, &[]);
    let tip = commit_in(&path_of(&w), "json.txt");
    let removed = run(&env, &["worktree", "remove", "json", "--json"])
        .expect(0)
        .json();
    assert_eq!(removed["branch_deleted"], false);
    assert_eq!(removed["branch_tip"], tip.as_str());
    assert_eq!(removed["branch_kept"], "it has commits no other branch has");
    assert_eq!(branch_tip(&repo, "boocoder/json").as_deref(), Some(&*tip));

    // Merged into the base's branch: nothing is lost, the branch goes.
    let w = ensure(&env, "merged", &repo, &[]);
    let tip = commit_in(&path_of(&w), "merged.txt");
    git(&repo, &["merge", "-q", "--ff-only", "boocoder/merged"]);
    let removed = run(&env, &["worktree", "remove", "merged", "--json"])
        .expect(0)
        .json();
    assert_eq!(removed["branch_deleted"], true);
    assert_eq!(removed["branch_tip"], tip.as_str());
    assert_eq!(branch_tip(&repo, "boocoder/merged"), None);

    // Reachable from another branch: deleted too.
    let w = ensure(&env, "other", &repo, &[]);
    let tip = commit_in(&path_of(&w), "other.txt");
    git(&repo, &["branch", "keeper", &tip]);
    let removed = run(&env, &["worktree", "remove", "other", "--json"])
        .expect(0)
        .json();
    assert_eq!(removed["branch_deleted"], true);

    // --delete-branch deletes anyway and prints the tip to recover it.
    let w = ensure(&env, "drop", &repo, &[]);
    let tip = commit_in(&path_of(&w), "drop.txt");
    let out = run(&env, &["worktree", "remove", "drop", "--delete-branch"]).expect(0);
    assert!(
        out.stderr
            .contains(&format!("deleted branch boocoder/drop (was {tip})")),
        "{}",
        out.stderr
    );
    assert_eq!(branch_tip(&repo, "boocoder/drop"), None);
    git(&repo, &["cat-file", "-e", &tip]);
}

#[test]
fn session_rm_and_prune_keep_unmerged_branches_and_say_so() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let new = |name: &str| {
        run(
            &env,
            &[
                "session",
                "new",
                name,
                "--repo",
                repo.to_str().unwrap(),
                "--json",
            ],
        )
        .expect(0)
        .json()
    };
    let s = new("rmme");
    let wt = PathBuf::from(s["worktree"]["path"].as_str().unwrap());
    let tip = commit_in(&wt, "a.txt");
    let out = run(&env, &["session", "rm", "rmme"]).expect(0);
    assert!(
        out.stderr.contains("kept branch boocoder/rmme at") && out.stderr.contains(&tip),
        "{}",
        out.stderr
    );
    assert_eq!(branch_tip(&repo, "boocoder/rmme").as_deref(), Some(&*tip));

    let s = new("rmjson");
    let wt = PathBuf::from(s["worktree"]["path"].as_str().unwrap());
    let tip = commit_in(&wt, "b.txt");
    let v = run(&env, &["session", "rm", "rmjson", "--json"])
        .expect(0)
        .json();
    assert_eq!(v["branch_deleted"], false);
    assert_eq!(v["branch_tip"], tip.as_str());
    assert_eq!(v["branch"], "boocoder/rmjson");
    assert_eq!(v["worktree_removed"], true, "{v}");
    assert_eq!(v["worktree"], wt.to_str().unwrap(), "{v}");

    // A clean session: its branch is the base, it goes.
    new("clean");
    let v = run(&env, &["session", "rm", "clean", "--json"])
        .expect(0)
        .json();
    assert_eq!(v["branch_deleted"], true);
    assert_eq!(branch_tip(&repo, "boocoder/clean"), None);

    // prune: a worktree deleted by hand is forgotten, its commits kept.
    let w = ensure(&env, "vanished", &repo, &[]);
    let tip = commit_in(&path_of(&w), "c.txt");
    std::fs::remove_dir_all(path_of(&w)).unwrap();
    let v = run(&env, &["worktree", "prune", "--json"]).expect(0).json();
    let a = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["session"] == "vanished")
        .unwrap()
        .clone();
    assert_eq!(a["action"], "forget_missing");
    assert_eq!(a["branch_deleted"], false);
    assert_eq!(a["branch_tip"], tip.as_str());
    assert_eq!(
        branch_tip(&repo, "boocoder/vanished").as_deref(),
        Some(&*tip)
    );

    // prune --older-than on a clean worktree with a commit: kept branch.
    let w = ensure(&env, "old", &repo, &[]);
    let tip = commit_in(&path_of(&w), "d.txt");
    let out = run(&env, &["worktree", "prune", "--older-than", "0s"]).expect(0);
    assert!(
        out.stdout.contains(&format!("kept its branch at {tip}")),
        "{}",
        out.stdout
    );
    assert!(!path_of(&w).exists());
    assert_eq!(branch_tip(&repo, "boocoder/old").as_deref(), Some(&*tip));
}

#[test]
fn a_branch_boocoder_did_not_create_is_never_deleted() {
    let env = TestEnv::new();
    let repo = repo(&env);
    git(&repo, &["branch", "mine"]);
    let before = branch_tip(&repo, "mine").unwrap();
    let w = ensure(&env, "s", &repo, &["--branch", "mine"]);
    assert_eq!(w["branch_created"], false);
    let removed = run(
        &env,
        &[
            "worktree",
            "remove",
            "s",
            "--force",
            "--delete-branch",
            "--json",
        ],
    )
    .expect(0)
    .json();
    assert_eq!(removed["branch_deleted"], false);
    assert_eq!(removed["branch_kept"], "boocoder did not create it");
    assert_eq!(branch_tip(&repo, "mine").as_deref(), Some(&*before));

    // The branch it creates is recorded as its own.
    let w = ensure(&env, "t", &repo, &[]);
    assert_eq!(w["branch_created"], true);
}

/// A commit whose root tree holds `name` (a tree with `escaped.txt`, or a
/// blob) next to README.md, built without git's checks.
fn crafted_commit(repo: &Path, name: &[u8], as_tree: bool) -> String {
    let hash = |kind: &str, data: &[u8]| {
        let mut child = Command::new("git")
            .args(["hash-object", "-w", "--literally", "--stdin", "-t", kind])
            .current_dir(repo)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(data).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    let raw = |hex: &str| -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    };
    let blob = hash("blob", b"escaped\n");
    let mut inner = b"100644 escaped.txt\0".to_vec();
    inner.extend(raw(&blob));
    let inner_tree = hash("tree", &inner);
    let readme = git(repo, &["rev-parse", "HEAD:README.md"]);
    let mut entries: Vec<(Vec<u8>, Vec<u8>)> = vec![
        (b"100644 README.md\0".to_vec(), raw(&readme)),
        (
            [
                if as_tree {
                    &b"40000 "[..]
                } else {
                    &b"100644 "[..]
                },
                name,
                b"\0",
            ]
            .concat(),
            raw(if as_tree { &inner_tree } else { &blob }),
        ),
    ];
    entries.sort();
    let tree: Vec<u8> = entries
        .into_iter()
        .flat_map(|(a, b)| [a, b].concat())
        .collect();
    let tree = hash("tree", &tree);
    git(repo, &["commit-tree", &tree, "-m", "crafted"])
}

#[test]
fn a_crafted_tree_is_refused_before_anything_is_written() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let root = env.data_dir().join("worktrees");
    let cases: &[(&[u8], bool)] = &[
        (b"..", true),
        (b".", true),
        (b".git", true),
        (b".GiT", true),
        (b".git ", true),
        (b".git.", true),
        (b"git~1", true),
        (b".git\xe2\x80\x8c", true),
        (b"a\\b", false),
        (b".git", false),
    ];
    for (i, (name, as_tree)) in cases.iter().enumerate() {
        let commit = crafted_commit(&repo, name, *as_tree);
        let session = format!("evil{i}");
        let out = run(
            &env,
            &[
                "worktree",
                "ensure",
                &session,
                "--repo",
                repo.to_str().unwrap(),
                "--base",
                &commit,
            ],
        )
        .expect(3);
        assert!(
            out.stderr
                .contains("refused: the base commit's tree has an entry"),
            "{:?}: {}",
            String::from_utf8_lossy(name),
            out.stderr
        );
        assert_eq!(boocoder_branches(&repo), Vec::<String>::new());
        assert_eq!(
            git(&repo, &["worktree", "list", "--porcelain"])
                .matches("worktree ")
                .count(),
            1
        );
        let repo_dirs: Vec<_> = std::fs::read_dir(&root)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.file_name() != ".locks")
                    .flat_map(|e| std::fs::read_dir(e.path()).into_iter().flatten().flatten())
                    .map(|e| e.path())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            repo_dirs,
            Vec::<PathBuf>::new(),
            "a worktree directory was left"
        );
    }
    // Nothing escaped next to the worktree root or its repo directory.
    let escaped: Vec<_> = walk(env.path())
        .into_iter()
        .filter(|p| p.ends_with("escaped.txt"))
        .collect();
    assert_eq!(escaped, Vec::<PathBuf>::new());
    let list = run(&env, &["worktree", "list", "--json"]).expect(0).json();
    assert_eq!(list["worktrees"], serde_json::json!([]));
    // And a sane base still works afterwards.
    ensure(&env, "fine", &repo, &[]);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir())
                && p.file_name().is_some_and(|n| n != ".git" && n != "objects")
            {
                stack.push(p.clone());
            }
            out.push(p);
        }
    }
    out
}

/// Take the session's lease as another process would, in the env's SQLite
/// database (or `url`).
fn hold_lease(url: &str, session: &str, owner: &str) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open(url, Migrate::Auto).await.unwrap();
        match store.acquire_lease(session, owner, 600_000).await.unwrap() {
            LeaseAttempt::Acquired(_) => {}
            LeaseAttempt::Busy(l) => panic!("lease held by {}", l.owner),
        }
        store.close().await;
    });
}

fn sqlite_url(env: &TestEnv) -> String {
    format!("sqlite://{}", env.data_dir().join("boocoder.db").display())
}

#[test]
fn a_busy_session_is_not_removed_under_a_running_turn() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let s = run(
        &env,
        &[
            "session",
            "new",
            "busy",
            "--repo",
            repo.to_str().unwrap(),
            "--json",
        ],
    )
    .expect(0)
    .json();
    let wt = PathBuf::from(s["worktree"]["path"].as_str().unwrap());
    hold_lease(&sqlite_url(&env), "busy", "builder-7:4242");

    for args in [
        &["session", "rm", "busy"][..],
        &["worktree", "remove", "busy"][..],
    ] {
        let out = run(&env, args).expect(1);
        assert!(
            out.stderr.contains("session `busy` is busy") && out.stderr.contains("builder-7:4242"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(wt.exists());
    }
    let v = run(&env, &["worktree", "prune", "--older-than", "0s", "--json"])
        .expect(0)
        .json();
    assert_eq!(v["actions"][0]["action"], "skip_busy");
    assert!(
        v["actions"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("builder-7:4242")
    );
    assert!(wt.exists());
    run(&env, &["session", "show", "busy"]).expect(0);

    // --force removes it anyway.
    run(&env, &["session", "rm", "busy", "--force"]).expect(0);
    assert!(!wt.exists());
    run(&env, &["session", "show", "busy"]).expect(1);
}

#[test]
fn twenty_concurrent_session_removals_leak_no_branch() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let names: Vec<String> = (0..20).map(|i| format!("c{i}")).collect();
    for n in &names {
        run(
            &env,
            &["session", "new", n, "--repo", repo.to_str().unwrap()],
        )
        .expect(0);
    }
    assert_eq!(boocoder_branches(&repo).len(), 20);
    let children: Vec<_> = names
        .iter()
        .map(|n| {
            env.cmd()
                .args(["session", "rm", n])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("kept branch"), "{err}");
    }
    assert_eq!(boocoder_branches(&repo), Vec::<String>::new());
    assert_eq!(
        git(&repo, &["worktree", "list", "--porcelain"])
            .matches("worktree ")
            .count(),
        1
    );
    let list = run(&env, &["session", "list", "--json"]).expect(0).json();
    assert_eq!(list, serde_json::json!([]), "{list}");
}

/// Run `boocoder ARGS` as another machine would see it: host name
/// `boocoder-host-b`, the worktree root an empty directory.
pub fn on_host_b(env: &TestEnv, cmd: &Command, hide: &Path) -> Command {
    let mut c = Command::new("unshare");
    c.args(["--uts", "--mount", "--", "sh", "-c"])
        .arg("hostname boocoder-host-b && mount -t tmpfs none \"$0\" && exec \"$@\"")
        .arg(hide)
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .env_clear()
        .current_dir(env.path())
        .stdin(Stdio::null());
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    c
}

#[test]
fn a_shared_postgres_database_leaves_another_hosts_worktrees_alone() {
    let env = TestEnv::new();
    let pg = PgSchema::new();
    let repo = repo(&env);
    let root = env.data_dir().join("worktrees");
    let here = git(env.path(), &["--version"]).len(); // git works
    assert!(here > 0);
    let me = String::from_utf8(Command::new("hostname").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    let a = |args: &[&str]| {
        let mut c = env.cmd();
        c.args(args).env("BOOCODER_DATABASE_URL", &pg.url);
        env.run_with(&mut c)
    };
    let b = |args: &[&str]| {
        let mut c = env.cmd();
        c.args(args).env("BOOCODER_DATABASE_URL", &pg.url);
        env.run_with(&mut on_host_b(&env, &c, &root))
    };
    let s = a(&[
        "session",
        "new",
        "shared",
        "--repo",
        repo.to_str().unwrap(),
        "--json",
    ])
    .expect(0)
    .json();
    let wt = PathBuf::from(s["worktree"]["path"].as_str().unwrap());
    assert_eq!(s["worktree"]["host"], me.as_str());
    let w = a(&[
        "worktree",
        "ensure",
        "gone-on-b",
        "--repo",
        repo.to_str().unwrap(),
        "--json",
    ])
    .expect(0)
    .json();
    let tip = commit_in(&path_of(&w), "x.txt");

    // B's view: the root is empty there.
    let list = b(&["worktree", "list", "--json"]).expect(0).json();
    let rows = list["worktrees"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for r in rows {
        assert_eq!(r["host"], me.as_str());
        assert_eq!(r["exists"], Value::Null);
    }
    let text = b(&["worktree", "list"]).expect(0);
    assert!(text.stdout.contains(&format!("on {me}")), "{}", text.stdout);

    let v = b(&["worktree", "prune", "--older-than", "0s", "--json"])
        .expect(0)
        .json();
    let actions = v["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 2, "{v}");
    for act in actions {
        assert_eq!(act["action"], "skip_other_host");
        assert_eq!(act["done"], false);
        assert!(act["detail"].as_str().unwrap().contains(&me));
    }
    let out = b(&["worktree", "remove", "shared"]).expect(1);
    assert!(
        out.stderr.contains(&format!("belongs to host `{me}`"))
            && out.stderr.contains("boocoder-host-b"),
        "{}",
        out.stderr
    );
    b(&["session", "rm", "shared"]).expect(1);
    let out = b(&[
        "worktree",
        "ensure",
        "shared",
        "--repo",
        repo.to_str().unwrap(),
    ])
    .expect(1);
    assert!(
        out.stderr.contains(&format!("belongs to host `{me}`")),
        "{}",
        out.stderr
    );

    // Nothing was touched on A.
    assert!(wt.exists());
    assert_eq!(
        branch_tip(&repo, "boocoder/gone-on-b").as_deref(),
        Some(&*tip)
    );
    let list = a(&["worktree", "list", "--json"]).expect(0).json();
    assert_eq!(list["worktrees"].as_array().unwrap().len(), 2);
    a(&["session", "show", "shared"]).expect(0);

    // An explicit adopt on B recreates it there (in B's root) and owns it.
    let v = b(&[
        "worktree",
        "ensure",
        "gone-on-b",
        "--repo",
        repo.to_str().unwrap(),
        "--adopt",
        "--json",
    ])
    .expect(0)
    .json();
    assert_eq!(v["host"], "boocoder-host-b");
    let out = a(&["worktree", "remove", "gone-on-b"]).expect(1);
    assert!(
        out.stderr.contains("belongs to host `boocoder-host-b`"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_password_query_parameter_is_masked_wherever_the_url_is_shown() {
    let env = TestEnv::new();
    let schema = PgSchema::new();
    let sep = if schema.url.contains('?') { '&' } else { '?' };
    let url = format!("{}{sep}password=s3cret", schema.url);
    for args in [
        &["db", "status"][..],
        &["db", "status", "--json"][..],
        &["config", "show"][..],
        &["config", "show", "--json"][..],
        &["config", "path", "--json"][..],
    ] {
        let out = env
            .run_with(env.cmd().arg("--db").arg(&url).args(args))
            .expect(0);
        let all = format!("{}{}", out.stdout, out.stderr);
        assert!(
            !all.contains("s3cret") && all.contains("password=****"),
            "{args:?}: {all}"
        );
    }
    // And in errors: a server that is not there.
    let out = env.run(&[
        "--db",
        "postgres://nobody@127.0.0.1:1/db?password=s3cret",
        "session",
        "list",
    ]);
    assert_ne!(out.code, 0);
    assert!(
        !out.stderr.contains("s3cret") && out.stderr.contains("password=****"),
        "{}",
        out.stderr
    );
}

/// Whether some process waits for a flock on the file with inode `ino`
/// (`/proc/locks` shows waiters as `-> ...`).
fn flock_waiter_on(ino: u64) -> bool {
    std::fs::read_to_string("/proc/locks")
        .unwrap_or_default()
        .lines()
        .any(|l| {
            l.contains("->")
                && l.contains("FLOCK")
                && l.split_whitespace()
                    .any(|f| f.ends_with(&format!(":{ino}")))
        })
}

#[test]
fn a_failed_first_sqlite_open_keeps_a_database_another_process_created() {
    use std::os::unix::fs::MetadataExt;
    let env = TestEnv::new();
    let db = env.path().join("shared/boo.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    // Hold the open lock, as a first open in another process does.
    let lock_path = env.path().join("shared/boo.db.lock");
    let lock = std::fs::File::create(&lock_path).unwrap();
    lock.lock().unwrap();
    let ino = std::fs::metadata(&lock_path).unwrap().ino();
    let child = env
        .cmd()
        .args([
            "--db",
            &format!("sqlite://{}", db.display()),
            "db",
            "migrate",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while !flock_waiter_on(ino) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "boocoder never waited for the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The other process creates the database meanwhile (one this build
    // cannot open: a failed open).
    std::fs::write(&db, b"written by another process, not SQLite\n").unwrap();
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read(&db).expect("the other process's database was deleted"),
        b"written by another process, not SQLite\n"
    );
}

#[test]
fn a_turn_on_another_host_does_not_recreate_the_worktree_there() {
    use crate::model_server::ModelServer;
    use crate::server::with_opencode;
    let env = TestEnv::new();
    let pg = PgSchema::new();
    let models = ModelServer::start(&["scripted-model"]);
    env.write_config("default_model = \"scripted-model\"\nlease_seconds = 3\n");
    let repo = repo(&env);
    let root = env.data_dir().join("worktrees");
    let me = String::from_utf8(Command::new("hostname").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    let cmd = |args: &[&str]| {
        let mut c = env.cmd();
        with_opencode(&env, &mut c, &models.url());
        c.env("BOOCODER_DATABASE_URL", &pg.url).args(args);
        c
    };
    let s = env
        .run_with(&mut cmd(&[
            "session",
            "new",
            "far",
            "--repo",
            repo.to_str().unwrap(),
            "--json",
        ]))
        .expect(0)
        .json();
    let wt = PathBuf::from(s["worktree"]["path"].as_str().unwrap());
    let out = env
        .run_with(&mut on_host_b(
            &env,
            &cmd(&["session", "prompt", "far", "hello"]),
            &root,
        ))
        .expect(1);
    // Refused before anything starts: no opencode server was spawned (a
    // spawn makes <state>/logs for its log).
    assert!(
        !env.path().join("state/logs").exists(),
        "a server was started for a turn refused on this host"
    );
    assert!(
        out.stderr.contains(&format!("belongs to host `{me}`")) && out.stderr.contains("--adopt"),
        "{}",
        out.stderr
    );
    assert_eq!(models.agent_requests(), 0, "the agent ran on host B");
    assert!(wt.exists());
    let v = env
        .run_with(&mut cmd(&["worktree", "list", "--json"]))
        .expect(0)
        .json();
    assert_eq!(v["worktrees"][0]["host"], me.as_str());
    assert_eq!(v["worktrees"][0]["exists"], true);
}

#[test]
fn a_failed_recording_of_pending_changes_leaves_nothing_looking_current() {
    use crate::model_server::{ModelServer, Script};
    use crate::server::with_opencode;
    use serde_json::json;
    let env = TestEnv::new();
    let models = ModelServer::start(&["scripted-model"]);
    env.write_config("default_model = \"scripted-model\"\nlease_seconds = 3\n");
    let repo = repo(&env);
    let cmd = |args: &[&str]| {
        let mut c = env.cmd();
        with_opencode(&env, &mut c, &models.url());
        c.args(args);
        c
    };
    let s = env
        .run_with(&mut cmd(&[
            "session",
            "new",
            "rec",
            "--repo",
            repo.to_str().unwrap(),
            "--json",
        ]))
        .expect(0)
        .json();
    let wt = PathBuf::from(s["worktree"]["path"].as_str().unwrap());
    models.push(Script::new().tool_call(
        "write",
        json!({"filePath": wt.join("hello.txt").display().to_string(), "content": "hi\n"}),
    ));
    models.push(Script::new().text("Wrote it."));
    let done = env
        .run_with(&mut cmd(&[
            "session",
            "prompt",
            "rec",
            "write",
            "--json",
            "--keep-server",
        ]))
        .expect(0)
        .json();
    assert_eq!(done["changes"]["files"], 1, "{done}");

    // The agent breaks the worktree's link to its repository: no diff.
    let dotgit = wt.join(".git").display().to_string();
    models.push(Script::new().tool_call("read", json!({"filePath": dotgit})));
    models.push(Script::new().tool_call(
        "write",
        json!({"filePath": dotgit, "content": "not a gitdir link\n"}),
    ));
    models.push(Script::new().text("Broke it."));
    let run = env.run_with(&mut cmd(&["session", "prompt", "rec", "break", "--json"]));
    env.run_with(&mut cmd(&["server", "stop"])).expect(0);
    assert_eq!(
        std::fs::read_to_string(wt.join(".git")).unwrap(),
        "not a gitdir link\n",
        "the scripted write did not happen: {}",
        run.stderr
    );
    let done = run.expect(0).json();
    assert_eq!(done["changes"], Value::Null, "{done}");
    assert!(
        done["changes_error"]
            .as_str()
            .is_some_and(|e| e.starts_with("pending changes not recorded")),
        "{done}"
    );
    let changes = env
        .run_with(&mut cmd(&["session", "changes", "rec", "--json"]))
        .expect(0)
        .json();
    assert_eq!(
        changes["files"],
        json!([]),
        "the first turn's changes look current: {changes}"
    );
    let show = env
        .run_with(&mut cmd(&["session", "show", "rec", "--json"]))
        .expect(0)
        .json();
    assert!(
        show["last_turn"]["error"]
            .as_str()
            .is_some_and(|e| e.contains("pending changes not recorded")),
        "{show}"
    );
}
