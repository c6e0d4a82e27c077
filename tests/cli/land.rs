//! Landing a session's work (`session apply`, `session commit`, `session
//! merge`) against real git repositories; every case on SQLite and on
//! PostgreSQL. A refused landing must leave the checkout byte-for-byte as
//! it was: status, HEAD, the index file, every ref and every file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use boocoder::store::{LeaseAttempt, Migrate, Store};
use serde_json::Value;

use crate::support::{PgSchema, Run, TestEnv, git, git_repo};

pub(crate) struct Db {
    pub(crate) schema: Option<PgSchema>,
}

impl Db {
    pub(crate) fn url(&self, env: &TestEnv) -> String {
        match &self.schema {
            Some(s) => s.url.clone(),
            None => format!("sqlite://{}", env.data_dir().join("boocoder.db").display()),
        }
    }
}

macro_rules! both_backends {
    ($name:ident, |$env:ident, $db:ident| $body:block) => {
        mod $name {
            use super::*;

            fn case($env: &TestEnv, $db: &Db) $body

            #[test]
            fn sqlite() {
                case(&TestEnv::new(), &Db { schema: None });
            }

            #[test]
            fn postgres() {
                case(&TestEnv::new(), &Db { schema: Some(PgSchema::new()) });
            }
        }
    };
}

pub(crate) fn bc(env: &TestEnv, db: &Db, args: &[&str]) -> Run {
    let mut cmd = env.cmd();
    cmd.args(args);
    if let Some(s) = &db.schema {
        cmd.args(["--db", &s.url]);
    }
    env.run_with(&mut cmd)
}

/// A repository with text, binary and to-be-renamed/deleted files, and a
/// session on it; returns (repo, worktree).
pub(crate) fn setup(env: &TestEnv, db: &Db, extra: &[&str]) -> (PathBuf, PathBuf) {
    let repo = git_repo(&env.path().join("repo").canonicalize_or_self());
    std::fs::write(repo.join("a.txt"), A_BASE).unwrap();
    std::fs::write(repo.join("other.txt"), "other\n").unwrap();
    std::fs::write(repo.join("bin.dat"), [0u8, 1, 2, 255, 0, 7]).unwrap();
    std::fs::write(
        repo.join("old-name.txt"),
        "a file long enough to be found as a rename\nline 2\nline 3\n",
    )
    .unwrap();
    std::fs::write(repo.join("gone.txt"), "delete me\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "files"]);
    let mut args = vec!["session", "new", "s1", "--repo", repo.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.push("--json");
    let v = bc(env, db, &args).expect(0).json();
    let wt = PathBuf::from(v["worktree"]["path"].as_str().unwrap());
    (repo, wt)
}

pub(crate) trait CanonOrSelf {
    fn canonicalize_or_self(&self) -> PathBuf;
}

impl CanonOrSelf for PathBuf {
    fn canonicalize_or_self(&self) -> PathBuf {
        std::fs::create_dir_all(self).unwrap();
        self.canonicalize().unwrap()
    }
}

pub(crate) const A_BASE: &str = "1\n2\n3\n4\n5\n6\n7\n8\n";
/// The session's committed change: a line appended.
pub(crate) const A_COMMITTED: &str = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
/// Then its uncommitted change: the first line.
pub(crate) const A_SESSION: &str = "ONE\n2\n3\n4\n5\n6\n7\n8\n9\n";
/// The user's change to another line.
pub(crate) const A_USER: &str = "1\n2\n3\n4\nFIVE\n6\n7\n8\n";
/// The user's change to the session's line.
pub(crate) const A_CLASH: &str = "uno\n2\n3\n4\n5\n6\n7\n8\n";

/// The agent's work: one committed change on the session branch, then
/// uncommitted edits, a binary change, a rename, a deletion, a new file.
pub(crate) fn session_work(wt: &Path) {
    std::fs::write(wt.join("a.txt"), A_COMMITTED).unwrap();
    git(wt, &["commit", "-q", "-am", "agent: nine"]);
    std::fs::write(wt.join("a.txt"), A_SESSION).unwrap();
    std::fs::write(wt.join("bin.dat"), [9u8, 0, 0, 255, 1]).unwrap();
    std::fs::rename(wt.join("old-name.txt"), wt.join("new-name.txt")).unwrap();
    std::fs::remove_file(wt.join("gone.txt")).unwrap();
    std::fs::create_dir_all(wt.join("src/deep")).unwrap();
    std::fs::write(wt.join("src/deep/new.rs"), "fn main() {}\n").unwrap();
}

/// Everything a refused landing must not change.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Snapshot {
    status: String,
    head: String,
    refs: String,
    pub(crate) index: Vec<u8>,
    files: BTreeMap<String, Vec<u8>>,
}

pub(crate) fn snapshot(repo: &Path) -> Snapshot {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().unwrap() == ".git" {
                continue;
            }
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(repo, repo, &mut files);
    Snapshot {
        status: git(repo, &["status", "--porcelain", "--untracked-files=all"]),
        head: git(repo, &["rev-parse", "HEAD"]),
        refs: git(repo, &["for-each-ref"]),
        index: std::fs::read(repo.join(".git/index")).unwrap(),
        files,
    }
}

pub(crate) fn paths(v: &Value) -> Vec<String> {
    let mut p: Vec<String> = v["paths"]
        .as_array()
        .unwrap_or_else(|| panic!("no paths in {v}"))
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    p.sort();
    p
}

pub(crate) fn file_statuses(v: &Value) -> Vec<(String, String)> {
    let mut f: Vec<_> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    f.sort();
    f
}

both_backends!(apply_brings_every_kind_of_change_three_way, |env, db| {
    let (repo, wt) = setup(env, db, &[]);
    session_work(&wt);
    // The user's branch moves on meanwhile: the same file, another line.
    std::fs::write(repo.join("a.txt"), A_USER).unwrap();
    git(&repo, &["commit", "-q", "-am", "user: FIVE"]);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    let index_before = std::fs::read(repo.join(".git/index")).unwrap();

    let v = bc(env, db, &["session", "apply", "s1", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        file_statuses(&v),
        vec![
            ("a.txt".into(), "modified".into()),
            ("bin.dat".into(), "modified".into()),
            ("gone.txt".into(), "deleted".into()),
            ("new-name.txt".into(), "added".into()),
            ("old-name.txt".into(), "deleted".into()),
            ("src/deep/new.rs".into(), "added".into()),
        ],
        "{v}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("a.txt")).unwrap(),
        "ONE\n2\n3\n4\nFIVE\n6\n7\n8\n9\n"
    );
    assert_eq!(
        std::fs::read(repo.join("bin.dat")).unwrap(),
        [9u8, 0, 0, 255, 1]
    );
    assert!(!repo.join("gone.txt").exists());
    assert!(!repo.join("old-name.txt").exists());
    assert_eq!(
        std::fs::read_to_string(repo.join("new-name.txt")).unwrap(),
        "a file long enough to be found as a rename\nline 2\nline 3\n"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("src/deep/new.rs")).unwrap(),
        "fn main() {}\n"
    );
    // Uncommitted: HEAD and the index as they were; the worktree untouched.
    assert_eq!(git(&repo, &["rev-parse", "HEAD"]), head);
    assert_eq!(
        std::fs::read(repo.join(".git/index")).unwrap(),
        index_before
    );
    assert_eq!(
        std::fs::read_to_string(wt.join("a.txt")).unwrap(),
        A_SESSION
    );
    // Applying again finds everything in place.
    let again = bc(env, db, &["session", "apply", "s1", "--json"])
        .expect(0)
        .json();
    assert_eq!(again["files"].as_array().unwrap().len(), 0, "{again}");
});

both_backends!(a_refused_apply_changes_nothing, |env, db| {
    let (repo, wt) = setup(env, db, &[]);
    session_work(&wt);
    // The user edits a file the session changes (uncommitted) and a file
    // it does not; and commits a clashing line in another.
    std::fs::write(repo.join("bin.dat"), [1u8, 2, 3]).unwrap();
    std::fs::write(repo.join("other.txt"), "mine\n").unwrap();
    git(&repo, &["add", "other.txt"]);
    let before = snapshot(&repo);
    let r = bc(env, db, &["session", "apply", "s1", "--json"]).expect(1);
    let v = r.json();
    assert_eq!(v["type"], "conflict");
    assert_eq!(paths(&v), vec!["bin.dat".to_string()]);
    assert!(r.stderr.contains("bin.dat"), "{}", r.stderr);
    assert_eq!(snapshot(&repo), before);

    // A three-way conflict on content: same line on both sides.
    std::fs::write(repo.join("bin.dat"), [0u8, 1, 2, 255, 0, 7]).unwrap();
    std::fs::write(repo.join("a.txt"), A_CLASH).unwrap();
    git(&repo, &["commit", "-q", "-am", "user: uno"]);
    let before = snapshot(&repo);
    let r = bc(env, db, &["session", "apply", "s1"]).expect(1);
    assert_eq!(r.stdout.trim(), "a.txt", "{}", r.stderr);
    assert_eq!(snapshot(&repo), before);

    // An identical edit on the user's side is no conflict.
    git(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    std::fs::write(repo.join("a.txt"), A_SESSION).unwrap();
    bc(env, db, &["session", "apply", "s1"]).expect(0);
    assert!(repo.join("new-name.txt").exists());
});

both_backends!(commit_then_nothing_to_commit, |env, db| {
    let (repo, wt) = setup(env, db, &[]);
    bc(env, db, &["session", "commit", "s1"]).expect(1);
    session_work(&wt);
    let v = bc(
        env,
        db,
        &[
            "session",
            "commit",
            "s1",
            "-m",
            "the agent's work",
            "--json",
        ],
    )
    .expect(0)
    .json();
    assert_eq!(v["branch"], "boocoder/s1");
    // No user.name in the hermetic git config: the documented identity.
    assert_eq!(v["author"], "boocoder <boocoder@localhost>");
    assert_eq!(
        git(&wt, &["log", "-1", "--format=%an <%ae>|%s"]),
        "boocoder <boocoder@localhost>|the agent's work"
    );
    assert_eq!(
        git(&wt, &["rev-parse", "HEAD"]),
        v["commit"].as_str().unwrap()
    );
    assert_eq!(
        git(&wt, &["status", "--porcelain"]),
        "",
        "everything committed"
    );
    assert!(
        file_statuses(&v).contains(&("new-name.txt".into(), "renamed".into())),
        "{v}"
    );
    bc(env, db, &["session", "commit", "s1"]).expect(1);
    // The user's checkout never moved.
    assert_eq!(git(&repo, &["status", "--porcelain"]), "");
});

both_backends!(merge_fast_forwards_a_checked_out_branch, |env, db| {
    let (repo, wt) = setup(env, db, &[]);
    session_work(&wt);
    let v = bc(env, db, &["session", "merge", "s1", "--json"])
        .expect(0)
        .json();
    assert_eq!(v["kind"], "fast-forward", "{v}");
    assert_eq!(v["branch"], "main");
    assert_eq!(v["committed"], true, "pending work committed first: {v}");
    assert!(v["pending_commit"].is_string(), "{v}");
    let tip = git(&wt, &["rev-parse", "HEAD"]);
    assert_eq!(v["commit"], tip.as_str());
    assert_eq!(git(&repo, &["rev-parse", "main"]), tip);
    // The checkout was updated with the branch: clean, with the new files.
    assert_eq!(git(&repo, &["status", "--porcelain"]), "");
    assert_eq!(
        std::fs::read_to_string(repo.join("a.txt")).unwrap(),
        A_SESSION
    );
    assert!(!repo.join("gone.txt").exists());
    assert_eq!(
        std::fs::read(repo.join("bin.dat")).unwrap(),
        [9u8, 0, 0, 255, 1]
    );
    // Again: nothing left to merge.
    let again = bc(env, db, &["session", "merge", "s1", "--json"])
        .expect(0)
        .json();
    assert_eq!(again["kind"], "up-to-date");
});

both_backends!(
    merge_makes_a_merge_commit_when_the_branch_moved,
    |env, db| {
        let (repo, wt) = setup(env, db, &[]);
        session_work(&wt);
        std::fs::write(repo.join("other.txt"), "user change\n").unwrap();
        git(&repo, &["commit", "-q", "-am", "user"]);
        // An unrelated uncommitted edit in the checkout survives the merge.
        std::fs::write(repo.join("README.md"), "edited by the user\n").unwrap();
        let user_tip = git(&repo, &["rev-parse", "HEAD"]);
        let v = bc(env, db, &["session", "merge", "s1", "--json"])
            .expect(0)
            .json();
        assert_eq!(v["kind"], "merge", "{v}");
        let parents = git(&repo, &["log", "-1", "--format=%P", "main"]);
        assert_eq!(
            parents,
            format!("{user_tip} {}", git(&wt, &["rev-parse", "HEAD"]))
        );
        assert_eq!(git(&repo, &["status", "--porcelain"]), "M README.md");
        assert_eq!(
            std::fs::read_to_string(repo.join("other.txt")).unwrap(),
            "user change\n"
        );
        assert!(repo.join("src/deep/new.rs").exists());
    }
);

both_backends!(
    merge_squash_into_a_branch_that_is_not_checked_out,
    |env, db| {
        let (repo, wt) = setup(env, db, &[]);
        git(&repo, &["branch", "release"]);
        session_work(&wt);
        let before = snapshot(&repo);
        let v = bc(
            env,
            db,
            &[
                "session", "merge", "s1", "--into", "release", "--squash", "-m", "squashed",
                "--json",
            ],
        )
        .expect(0)
        .json();
        assert_eq!(v["kind"], "squash", "{v}");
        assert!(v["checkout"].is_null());
        let tip = git(&repo, &["rev-parse", "release"]);
        assert_eq!(v["commit"], tip.as_str());
        assert_eq!(
            git(&repo, &["log", "-1", "--format=%P|%s", "release"]),
            format!("{}|squashed", before.head)
        );
        assert_eq!(git(&repo, &["show", "release:a.txt"]), A_SESSION.trim_end());
        // The checked-out main and its files are untouched; only the ref moved.
        let after = snapshot(&repo);
        assert_eq!(after.files, before.files);
        assert_eq!(after.index, before.index);
        assert_eq!(after.head, before.head);
        // --into a branch that does not exist: exit 2.
        bc(env, db, &["session", "merge", "s1", "--into", "nope"]).expect(2);
    }
);

both_backends!(a_refused_merge_changes_nothing, |env, db| {
    let (repo, wt) = setup(env, db, &[]);
    session_work(&wt);
    // A conflicting commit on main.
    std::fs::write(repo.join("a.txt"), A_CLASH).unwrap();
    git(&repo, &["commit", "-q", "-am", "user: uno"]);
    let before = snapshot(&repo);
    let v = bc(env, db, &["session", "merge", "s1", "--json"])
        .expect(1)
        .json();
    assert_eq!(paths(&v), vec!["a.txt".to_string()], "{v}");
    // Every ref as it was, the session branch too: its pending work is
    // still uncommitted in the worktree.
    assert_eq!(snapshot(&repo), before);
    assert_ne!(git(&wt, &["status", "--porcelain"]), "");

    // No content conflict, but the checkout has uncommitted changes in a
    // file the merge changes: refused, nothing changed.
    git(&repo, &["reset", "-q", "--hard", "HEAD~1"]);
    std::fs::write(repo.join("bin.dat"), [4u8, 4]).unwrap();
    let before = snapshot(&repo);
    let v = bc(env, db, &["session", "merge", "s1", "--json"])
        .expect(1)
        .json();
    assert_eq!(paths(&v), vec!["bin.dat".to_string()], "{v}");
    assert_eq!(snapshot(&repo), before);
});

both_backends!(
    merge_of_a_session_based_on_a_commit_and_remove,
    |env, db| {
        let repo = git_repo(&env.path().join("repo").canonicalize_or_self());
        let first = git(&repo, &["rev-parse", "HEAD"]);
        std::fs::write(repo.join("b.txt"), "b\n").unwrap();
        git(&repo, &["add", "b.txt"]);
        git(&repo, &["commit", "-q", "-m", "b"]);
        git(&repo, &["checkout", "-q", "-b", "feature"]);
        let v = bc(
            env,
            db,
            &[
                "session",
                "new",
                "c1",
                "--repo",
                repo.to_str().unwrap(),
                "--base",
                &first,
                "--json",
            ],
        )
        .expect(0)
        .json();
        let wt = PathBuf::from(v["worktree"]["path"].as_str().unwrap());
        std::fs::write(wt.join("c.txt"), "c\n").unwrap();
        // Base was a commit: the repository's current branch (feature).
        let m = bc(env, db, &["session", "merge", "c1", "--remove", "--json"])
            .expect(0)
            .json();
        assert_eq!(m["branch"], "feature", "{m}");
        assert_eq!(m["kind"], "merge");
        assert_eq!(m["worktree_removed"], true);
        assert!(!wt.exists());
        assert_eq!(std::fs::read_to_string(repo.join("c.txt")).unwrap(), "c\n");
        assert_eq!(git(&repo, &["branch", "--list", "boocoder/c1"]), "");
        assert_eq!(git(&repo, &["status", "--porcelain"]), "");
    }
);

both_backends!(a_busy_session_is_refused, |env, db| {
    let (repo, wt) = setup(env, db, &[]);
    session_work(&wt);
    let url = db.url(env);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open(&url, Migrate::Auto).await.unwrap();
        let got = store
            .acquire_lease("s1", "elsewhere:1", 600_000)
            .await
            .unwrap();
        assert!(matches!(got, LeaseAttempt::Acquired(_)));
    });
    let before = snapshot(&repo);
    for args in [
        &["session", "apply", "s1"][..],
        &["session", "commit", "s1"][..],
        &["session", "merge", "s1"][..],
    ] {
        let r = bc(env, db, args).expect(1);
        assert!(r.stderr.contains("busy"), "{args:?}: {}", r.stderr);
    }
    assert_eq!(snapshot(&repo), before);
    assert_ne!(
        git(&wt, &["status", "--porcelain"]),
        "",
        "nothing committed"
    );
});
