//! `boocoder worktree ...` against real git repositories in temp dirs; the
//! cases that touch the store run on SQLite and on PostgreSQL.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use boocoder::SessionKey;
use boocoder::store::{Migrate, Store};
use boocoder::worktree::{EnsureOptions, Worktrees};
use serde_json::Value;

use crate::support::{PgSchema, Run, TestEnv, git, git_repo};

/// The database a case runs on: the default SQLite file, or a private
/// PostgreSQL schema passed with `--db`.
pub struct Db {
    schema: Option<PgSchema>,
}

impl Db {
    fn sqlite() -> Db {
        Db { schema: None }
    }

    fn postgres() -> Db {
        Db {
            schema: Some(PgSchema::new()),
        }
    }

    fn args(&self) -> Vec<String> {
        match &self.schema {
            Some(s) => vec!["--db".into(), s.url.clone()],
            None => Vec::new(),
        }
    }
}

/// `boocoder_test!(name, |env, db| body)`: one test per backend.
macro_rules! both_backends {
    ($name:ident, |$env:ident, $db:ident| $body:block) => {
        mod $name {
            use super::*;

            fn case($env: &TestEnv, $db: &Db) $body

            #[test]
            fn sqlite() {
                case(&TestEnv::new(), &Db::sqlite());
            }

            #[test]
            fn postgres() {
                case(&TestEnv::new(), &Db::postgres());
            }
        }
    };
}

fn bc(env: &TestEnv, db: &Db, args: &[&str]) -> Run {
    let mut cmd = env.cmd();
    cmd.args(args).args(db.args());
    env.run_with(&mut cmd)
}

fn repo(env: &TestEnv) -> PathBuf {
    git_repo(&env.path().join("repo"))
}

fn ensure(env: &TestEnv, db: &Db, session: &str, repo: &Path) -> Value {
    bc(
        env,
        db,
        &[
            "worktree",
            "ensure",
            session,
            "--repo",
            repo.to_str().unwrap(),
            "--json",
        ],
    )
    .expect(0)
    .json()
}

fn diff_json(env: &TestEnv, db: &Db, args: &[&str]) -> Value {
    let mut a = vec!["worktree", "diff"];
    a.extend_from_slice(args);
    a.push("--json");
    bc(env, db, &a).expect(0).json()
}

/// `{path: status}` of a diff document's files.
fn statuses(diff: &Value) -> Vec<(String, String)> {
    diff["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn file<'a>(diff: &'a Value, path: &str) -> &'a Value {
    diff["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in diff: {diff:#}"))
}

fn registered_worktrees(repo: &Path) -> Vec<String> {
    git(repo, &["worktree", "list", "--porcelain"])
        .lines()
        .filter_map(|l| l.strip_prefix("worktree "))
        .map(String::from)
        .collect()
}

both_backends!(ensure_is_idempotent_and_records_the_base, |env, db| {
    let repo = repo(env);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    let first = ensure(env, db, "fix-1", &repo);
    assert_eq!(first["created"], true);
    assert_eq!(first["session"], "fix-1");
    assert_eq!(first["branch"], "boocoder/fix-1");
    assert_eq!(first["base_commit"], head.as_str());
    assert_eq!(first["base_ref"], "refs/heads/main");
    assert_eq!(
        first["repo"],
        repo.canonicalize().unwrap().to_str().unwrap()
    );
    let path = PathBuf::from(first["path"].as_str().unwrap());
    let root = env.data_dir().join("worktrees").canonicalize().unwrap();
    assert!(path.starts_with(&root), "{path:?} not under {root:?}");
    assert!(path.ends_with("fix-1"));
    assert!(!path.starts_with(&repo));
    assert_eq!(
        std::fs::read_to_string(path.join("README.md")).unwrap(),
        "hello\n"
    );
    assert_eq!(
        git(&path, &["rev-parse", "--abbrev-ref", "HEAD"]),
        "boocoder/fix-1"
    );

    // Work in progress survives a second ensure, which returns the same row.
    std::fs::write(path.join("wip.txt"), "wip\n").unwrap();
    std::fs::write(path.join("README.md"), "changed\n").unwrap();
    let second = ensure(env, db, "fix-1", &repo);
    assert_eq!(second["created"], false);
    for k in [
        "session",
        "repo",
        "path",
        "branch",
        "base_commit",
        "base_ref",
        "created_at",
    ] {
        assert_eq!(first[k], second[k], "{k}");
    }
    assert_eq!(
        std::fs::read_to_string(path.join("wip.txt")).unwrap(),
        "wip\n"
    );
    assert_eq!(
        std::fs::read_to_string(path.join("README.md")).unwrap(),
        "changed\n"
    );
    assert_eq!(registered_worktrees(&repo).len(), 2);

    // Text mode prints the path on stdout; a subdirectory of the repo works as --repo.
    std::fs::create_dir_all(repo.join("src")).unwrap();
    let run = bc(
        env,
        db,
        &[
            "worktree",
            "ensure",
            "fix-1",
            "--repo",
            repo.join("src").to_str().unwrap(),
        ],
    )
    .expect(0);
    assert_eq!(run.stdout.trim(), path.to_str().unwrap());
    assert!(run.stderr.contains("existing worktree"), "{}", run.stderr);

    // The same key for another repository is refused.
    let other = git_repo(&env.path().join("other"));
    let run = bc(
        env,
        db,
        &[
            "worktree",
            "ensure",
            "fix-1",
            "--repo",
            other.to_str().unwrap(),
        ],
    )
    .expect(2);
    assert!(
        run.stderr.contains("already has a worktree"),
        "{}",
        run.stderr
    );
});

#[test]
fn ensure_from_a_detached_head_and_with_an_explicit_base_and_branch() {
    let env = TestEnv::new();
    let db = Db::sqlite();
    let repo = repo(&env);
    let first = git(&repo, &["rev-parse", "HEAD"]);
    std::fs::write(repo.join("two.txt"), "2\n").unwrap();
    git(&repo, &["add", "two.txt"]);
    git(&repo, &["commit", "-q", "-m", "two"]);
    git(&repo, &["checkout", "-q", "--detach", "HEAD"]);
    let detached = ensure(&env, &db, "detached", &repo);
    assert_eq!(
        detached["base_commit"],
        git(&repo, &["rev-parse", "HEAD"]).as_str()
    );
    assert_eq!(detached["base_ref"], Value::Null);

    let run = bc(
        &env,
        &db,
        &[
            "worktree",
            "ensure",
            "old",
            "--repo",
            repo.to_str().unwrap(),
            "--base",
            &first,
            "--branch",
            "topic/old",
            "--json",
        ],
    )
    .expect(0)
    .json();
    assert_eq!(run["base_commit"], first.as_str());
    assert_eq!(run["branch"], "topic/old");
    let path = PathBuf::from(run["path"].as_str().unwrap());
    assert!(!path.join("two.txt").exists());

    let run = bc(
        &env,
        &db,
        &[
            "worktree",
            "ensure",
            "bad",
            "--repo",
            repo.to_str().unwrap(),
            "--base",
            "no-such-ref",
        ],
    )
    .expect(2);
    assert!(run.stderr.contains("no-such-ref"), "{}", run.stderr);
    assert!(
        !env.data_dir()
            .join("worktrees")
            .join(path.parent().unwrap().file_name().unwrap())
            .join("bad")
            .exists()
    );
}

/// The checkout is what git would write: modes, symlinks, nested paths, and
/// a clean status (with and without .gitattributes, which takes libgit2's
/// filtering checkout).
#[test]
fn ensure_checks_out_exactly_the_tree() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let db = Db::sqlite();
    let repo = repo(&env);
    std::fs::create_dir_all(repo.join("a/b/c")).unwrap();
    std::fs::write(repo.join("a/b/c/deep.txt"), "deep\n").unwrap();
    std::fs::write(repo.join("a.b"), "dot\n").unwrap();
    std::fs::write(repo.join("run.sh"), "#!/bin/sh\n").unwrap();
    std::fs::set_permissions(repo.join("run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::symlink("a/b/c/deep.txt", repo.join("link")).unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "tree"]);
    let w = ensure(&env, &db, "plain", &repo);
    let wt = PathBuf::from(w["path"].as_str().unwrap());
    assert_eq!(
        git(&wt, &["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
    assert_eq!(
        std::fs::read_to_string(wt.join("a/b/c/deep.txt")).unwrap(),
        "deep\n"
    );
    let mode = |p: &str| std::fs::metadata(wt.join(p)).unwrap().permissions().mode();
    assert_ne!(mode("run.sh") & 0o100, 0, "executable bit kept");
    assert_eq!(mode("a.b") & 0o100, 0);
    assert_eq!(
        std::fs::read_link(wt.join("link")).unwrap(),
        Path::new("a/b/c/deep.txt")
    );
    assert_eq!(
        git(&wt, &["ls-files"]).lines().count(),
        git(&repo, &["ls-files"]).lines().count()
    );
    let diff = diff_json(&env, &db, &["plain"]);
    assert_eq!(diff["files"], serde_json::json!([]));

    std::fs::write(repo.join(".gitattributes"), "*.txt text eol=crlf\n").unwrap();
    git(&repo, &["add", ".gitattributes"]);
    git(&repo, &["commit", "-q", "-m", "attributes"]);
    let w = ensure(&env, &db, "filtered", &repo);
    let wt = PathBuf::from(w["path"].as_str().unwrap());
    assert_eq!(
        std::fs::read(wt.join("a/b/c/deep.txt")).unwrap(),
        b"deep\r\n"
    );
    assert_eq!(
        git(&wt, &["status", "--porcelain", "--untracked-files=all"]),
        ""
    );
}

#[test]
fn ensure_honours_the_users_global_attributes() {
    let env = TestEnv::new();
    let db = Db::sqlite();
    let repo = repo(&env);
    let xdg_git = env.path().join("xdg/config/git");
    std::fs::create_dir_all(&xdg_git).unwrap();
    std::fs::write(xdg_git.join("attributes"), "*.md text eol=crlf\n").unwrap();
    let w = ensure(&env, &db, "crlf", &repo);
    let wt = PathBuf::from(w["path"].as_str().unwrap());
    assert_eq!(std::fs::read(wt.join("README.md")).unwrap(), b"hello\r\n");
}

#[test]
fn ensure_recreates_a_worktree_whose_directory_was_deleted() {
    let env = TestEnv::new();
    let db = Db::sqlite();
    let repo = repo(&env);
    let w = ensure(&env, &db, "again", &repo);
    let wt = PathBuf::from(w["path"].as_str().unwrap());
    std::fs::write(wt.join("kept.txt"), "k\n").unwrap();
    git(&wt, &["add", "kept.txt"]);
    git(&wt, &["commit", "-q", "-m", "work on the branch"]);
    std::fs::remove_dir_all(&wt).unwrap();
    let again = ensure(&env, &db, "again", &repo);
    assert_eq!(again["created"], true);
    for k in ["path", "branch", "base_commit", "base_ref", "created_at"] {
        assert_eq!(w[k], again[k], "{k}");
    }
    assert_eq!(
        std::fs::read_to_string(wt.join("kept.txt")).unwrap(),
        "k\n",
        "the branch's work is back"
    );
    let diff = diff_json(&env, &db, &["again"]);
    assert_eq!(
        statuses(&diff),
        vec![("kept.txt".to_string(), "added".to_string())]
    );
    assert_eq!(registered_worktrees(&repo).len(), 2);
}

#[test]
fn ensure_in_a_repo_with_submodules_says_they_are_not_initialised() {
    let env = TestEnv::new();
    let db = Db::sqlite();
    let lib = git_repo(&env.path().join("lib"));
    let repo = repo(&env);
    git(
        &repo,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            lib.to_str().unwrap(),
            "vendor/lib",
        ],
    );
    git(&repo, &["commit", "-q", "-m", "add submodule"]);
    let run = bc(
        &env,
        &db,
        &["worktree", "ensure", "s", "--repo", repo.to_str().unwrap()],
    )
    .expect(0);
    assert!(
        run.stderr.contains("submodules not initialised"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("vendor/lib"), "{}", run.stderr);
    let json = ensure(&env, &db, "s", &repo);
    assert_eq!(
        json["uninitialised_submodules"],
        serde_json::json!(["vendor/lib"])
    );
    // An uninitialised submodule is not a change.
    let diff = diff_json(&env, &db, &["s"]);
    assert_eq!(diff["files"], serde_json::json!([]));
}

#[test]
fn diff_reports_every_kind_of_change() {
    let env = TestEnv::new();
    let db = Db::sqlite();
    let repo = repo(&env);
    let lines: String = (1..=40).map(|i| format!("line {i}\n")).collect();
    std::fs::write(repo.join("moved.txt"), &lines).unwrap();
    std::fs::write(repo.join("gone.txt"), "bye\n").unwrap();
    std::fs::write(repo.join(".gitignore"), "*.log\nbuild/\n").unwrap();
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "files"]);
    let w = ensure(&env, &db, "s", &repo);
    let wt = PathBuf::from(w["path"].as_str().unwrap());

    // No changes: an empty diff, exit 0.
    let diff = diff_json(&env, &db, &["s"]);
    assert_eq!(diff["files"], serde_json::json!([]));
    assert_eq!(diff["insertions"], 0);
    assert_eq!(
        bc(&env, &db, &["worktree", "diff", "s"]).expect(0).stdout,
        ""
    );

    std::fs::write(wt.join("README.md"), "hello\nworld\n").unwrap(); // modified, unstaged
    std::fs::write(wt.join("new.txt"), "a\nb\n").unwrap(); // untracked
    std::fs::create_dir_all(wt.join("dir/deep")).unwrap();
    std::fs::write(wt.join("dir/deep/x.rs"), "fn x() {}\n").unwrap(); // untracked, nested
    std::fs::remove_file(wt.join("gone.txt")).unwrap(); // deleted
    std::fs::rename(wt.join("moved.txt"), wt.join("renamed.txt")).unwrap(); // renamed, unstaged
    std::fs::write(wt.join("image.bin"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap(); // binary
    std::fs::write(wt.join("debug.log"), "ignored\n").unwrap(); // gitignored
    std::fs::create_dir_all(wt.join("build")).unwrap();
    std::fs::write(wt.join("build/out.o"), "ignored\n").unwrap();
    std::fs::write(wt.join("staged.txt"), "s\n").unwrap(); // staged
    git(&wt, &["add", "staged.txt"]);
    std::fs::write(wt.join("committed.txt"), "c\n").unwrap(); // committed on the branch
    git(&wt, &["add", "committed.txt"]);
    git(&wt, &["commit", "-q", "-m", "in the worktree"]);

    let diff = diff_json(&env, &db, &["s"]);
    assert_eq!(diff["session"], "s");
    assert_eq!(diff["base"], w["base_commit"]);
    assert_eq!(diff["base_drift"], 0);
    let expected: Vec<(String, String)> = [
        ("README.md", "modified"),
        ("committed.txt", "added"),
        ("dir/deep/x.rs", "added"),
        ("gone.txt", "deleted"),
        ("image.bin", "added"),
        ("new.txt", "added"),
        ("renamed.txt", "renamed"),
        ("staged.txt", "added"),
    ]
    .iter()
    .map(|(p, s)| (p.to_string(), s.to_string()))
    .collect();
    let mut got = statuses(&diff);
    got.sort();
    assert_eq!(got, expected, "{diff:#}");
    assert_eq!(file(&diff, "renamed.txt")["old_path"], "moved.txt");
    assert_eq!(file(&diff, "image.bin")["binary"], true);
    assert_eq!(file(&diff, "README.md")["insertions"], 1);
    assert_eq!(file(&diff, "README.md")["deletions"], 0);
    assert_eq!(file(&diff, "gone.txt")["deletions"], 1);
    assert_eq!(file(&diff, "new.txt")["insertions"], 2);
    assert_eq!(file(&diff, "new.txt")["old_path"], Value::Null);
    let keys: BTreeSet<&str> = file(&diff, "new.txt")
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "path",
            "old_path",
            "status",
            "insertions",
            "deletions",
            "binary"
        ])
    );
    assert_eq!(diff["insertions"], 1 + 1 + 1 + 2 + 1);
    assert_eq!(diff["deletions"], 1);

    let stat = bc(&env, &db, &["worktree", "diff", "s", "--stat"])
        .expect(0)
        .stdout;
    assert!(stat.contains("moved.txt => renamed.txt"), "{stat}");
    assert!(stat.contains("image.bin") && stat.contains("Bin"), "{stat}");
    assert!(
        stat.contains("8 files changed, 6 insertions(+), 1 deletion(-)"),
        "{stat}"
    );
    let names = bc(&env, &db, &["worktree", "diff", "s", "--name-only"])
        .expect(0)
        .stdout;
    assert_eq!(names.lines().count(), 8);
    assert!(!names.contains("debug.log") && !names.contains("build/"));
    let patch = bc(&env, &db, &["worktree", "diff", "s"]).expect(0).stdout;
    assert!(patch.contains("+world"), "{patch}");
    assert!(patch.contains("rename from moved.txt"), "{patch}");
    assert!(patch.contains("Binary files"), "{patch}");
    assert!(!patch.contains('\x1b'), "no color when not a terminal");
    let colored = bc(&env, &db, &["worktree", "diff", "s", "--color", "always"])
        .expect(0)
        .stdout;
    assert!(colored.contains("\x1b[32m+world"), "{colored}");

    let nd = bc(&env, &db, &["worktree", "diff", "s", "--format", "ndjson"])
        .expect(0)
        .stdout;
    let lines: Vec<Value> = nd
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 9);
    assert!(lines[..8].iter().all(|l| l["type"] == "file"));
    assert_eq!(lines[8]["type"], "diff");
    assert_eq!(lines[8]["files"], 8);
}

#[test]
fn diff_base_override_and_base_drift() {
    let env = TestEnv::new();
    let db = Db::sqlite();
    let repo = repo(&env);
    let w = ensure(&env, &db, "s", &repo);
    let wt = PathBuf::from(w["path"].as_str().unwrap());
    std::fs::write(wt.join("mine.txt"), "mine\n").unwrap();
    // The original branch moves on by two commits.
    for f in ["main1.txt", "main2.txt"] {
        std::fs::write(repo.join(f), "m\n").unwrap();
        git(&repo, &["add", f]);
        git(&repo, &["commit", "-q", "-m", f]);
    }
    let main = git(&repo, &["rev-parse", "main"]);
    let diff = diff_json(&env, &db, &["s"]);
    assert_eq!(diff["base_drift"], 2);
    assert_eq!(
        statuses(&diff),
        vec![("mine.txt".to_string(), "added".to_string())]
    );

    let diff = diff_json(&env, &db, &["s", "--base", "main"]);
    assert_eq!(diff["base"], main.as_str());
    let mut got = statuses(&diff);
    got.sort();
    assert_eq!(
        got,
        vec![
            ("main1.txt".to_string(), "deleted".to_string()),
            ("main2.txt".to_string(), "deleted".to_string()),
            ("mine.txt".to_string(), "added".to_string()),
        ]
    );

    let list = bc(&env, &db, &["worktree", "list", "--json"])
        .expect(0)
        .json();
    assert_eq!(list["worktrees"][0]["base_drift"], 2);
    assert_eq!(list["worktrees"][0]["dirty"], true);
    let text = bc(&env, &db, &["worktree", "list"]).expect(0).stdout;
    assert!(text.starts_with("SESSION"), "{text}");
    assert!(text.contains("boocoder/s"), "{text}");

    let run = bc(&env, &db, &["worktree", "diff", "s", "--base", "nope"]).expect(2);
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
    bc(&env, &db, &["worktree", "diff", "unknown"]).expect(1);
}

#[test]
fn remove_refuses_dirty_work_without_force_and_keeps_every_file() {
    let env = TestEnv::new();
    let db = Db::sqlite();
    let repo = repo(&env);
    let w = ensure(&env, &db, "s", &repo);
    let wt = PathBuf::from(w["path"].as_str().unwrap());
    std::fs::write(wt.join("README.md"), "edited\n").unwrap();
    std::fs::write(wt.join("untracked.txt"), "u\n").unwrap();

    let run = bc(&env, &db, &["worktree", "remove", "s"]).expect(1);
    assert!(run.stderr.contains("README.md"), "{}", run.stderr);
    assert!(run.stderr.contains("untracked.txt"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(wt.join("README.md")).unwrap(),
        "edited\n"
    );
    assert_eq!(
        std::fs::read_to_string(wt.join("untracked.txt")).unwrap(),
        "u\n"
    );
    let json = bc(&env, &db, &["worktree", "remove", "s", "--json"])
        .expect(1)
        .json();
    assert_eq!(json["type"], "error");
    assert_eq!(json["exit_code"], 1);
    assert_eq!(
        bc(&env, &db, &["worktree", "list", "--json"])
            .expect(0)
            .json()["worktrees"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let removed = bc(&env, &db, &["worktree", "remove", "s", "--force", "--json"])
        .expect(0)
        .json();
    assert_eq!(removed["directory_removed"], true);
    assert_eq!(removed["registration_pruned"], true);
    assert_eq!(removed["branch_deleted"], true);
    assert_eq!(removed["branch_tip"], w["base_commit"]);
    assert!(!wt.exists());
    assert_eq!(registered_worktrees(&repo).len(), 1);
    assert_eq!(git(&repo, &["branch", "--list", "boocoder/s"]), "");
    assert_eq!(
        bc(&env, &db, &["worktree", "list", "--json"])
            .expect(0)
            .json()["worktrees"],
        serde_json::json!([])
    );
    bc(&env, &db, &["worktree", "remove", "s"]).expect(1);

    // A clean worktree goes without --force; --keep-branch keeps its branch,
    // and a later ensure continues on it.
    let w = ensure(&env, &db, "k", &repo);
    let wt = PathBuf::from(w["path"].as_str().unwrap());
    std::fs::write(wt.join("debug.log"), "x\n").unwrap();
    std::fs::write(wt.join(".gitignore"), "debug.log\n").unwrap();
    git(&wt, &["add", ".gitignore"]);
    git(&wt, &["commit", "-q", "-m", "ignore logs"]);
    let run = bc(&env, &db, &["worktree", "remove", "k", "--keep-branch"]).expect(0);
    assert!(
        run.stderr.contains("removed worktree of session k"),
        "{}",
        run.stderr
    );
    assert!(!wt.exists());
    assert_eq!(
        git(&repo, &["branch", "--list", "boocoder/k"]),
        "boocoder/k"
    );
    let again = ensure(&env, &db, "k", &repo);
    assert_eq!(again["base_commit"], w["base_commit"]);
    let wt = PathBuf::from(again["path"].as_str().unwrap());
    assert!(
        wt.join(".gitignore").exists(),
        "the kept branch is checked out"
    );
}

both_backends!(prune_forgets_a_worktree_deleted_by_hand, |env, db| {
    let repo = repo(env);
    let gone = ensure(env, db, "gone", &repo);
    let kept = ensure(env, db, "kept", &repo);
    let dirty = ensure(env, db, "dirty", &repo);
    let gone_path = PathBuf::from(gone["path"].as_str().unwrap());
    let dirty_path = PathBuf::from(dirty["path"].as_str().unwrap());
    std::fs::remove_dir_all(&gone_path).unwrap();
    std::fs::write(dirty_path.join("wip.txt"), "wip\n").unwrap();
    assert_eq!(registered_worktrees(&repo).len(), 4);

    let list = bc(env, db, &["worktree", "list", "--json"])
        .expect(0)
        .json();
    let by_session = |l: &Value, s: &str| {
        l["worktrees"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["session"] == s)
            .cloned()
    };
    assert_eq!(by_session(&list, "gone").unwrap()["exists"], false);
    assert_eq!(by_session(&list, "gone").unwrap()["dirty"], Value::Null);
    assert_eq!(by_session(&list, "kept").unwrap()["dirty"], false);

    // A dry run lists without touching.
    let dry = bc(env, db, &["worktree", "prune", "--dry-run", "--json"])
        .expect(0)
        .json();
    let actions = dry["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{dry:#}");
    assert_eq!(actions[0]["action"], "forget_missing");
    assert_eq!(actions[0]["session"], "gone");
    assert_eq!(actions[0]["done"], false);
    assert!(
        by_session(
            &bc(env, db, &["worktree", "list", "--json"])
                .expect(0)
                .json(),
            "gone"
        )
        .is_some()
    );
    assert_eq!(registered_worktrees(&repo).len(), 4);

    let run = bc(env, db, &["worktree", "prune"]).expect(0);
    assert!(
        run.stdout.contains("forgot (directory gone): gone"),
        "{}",
        run.stdout
    );
    let list = bc(env, db, &["worktree", "list", "--json"])
        .expect(0)
        .json();
    assert!(by_session(&list, "gone").is_none());
    assert!(by_session(&list, "kept").is_some());
    assert_eq!(registered_worktrees(&repo).len(), 3);
    assert_eq!(
        git(&repo, &["branch", "--list", "boocoder/gone"]),
        "",
        "an unchanged branch goes"
    );

    // --older-than: clean old worktrees go, dirty ones stay without --force.
    let run = bc(
        env,
        db,
        &["worktree", "prune", "--older-than", "0s", "--json"],
    )
    .expect(0)
    .json();
    let actions = run["actions"].as_array().unwrap();
    let action = |s: &str| actions.iter().find(|a| a["session"] == s).unwrap()["action"].clone();
    assert_eq!(action("kept"), "remove_old");
    assert_eq!(action("dirty"), "skip_dirty");
    assert_eq!(
        std::fs::read_to_string(dirty_path.join("wip.txt")).unwrap(),
        "wip\n"
    );
    assert!(!PathBuf::from(kept["path"].as_str().unwrap()).exists());
    let run = bc(
        env,
        db,
        &[
            "worktree",
            "prune",
            "--older-than",
            "0s",
            "--force",
            "--json",
        ],
    )
    .expect(0)
    .json();
    assert_eq!(run["actions"][0]["action"], "remove_old");
    assert!(!dirty_path.exists());
    assert_eq!(registered_worktrees(&repo).len(), 1);
    bc(env, db, &["worktree", "prune", "--older-than", "soon"]).expect(2);
});

#[test]
fn stale_git_registrations_under_the_root_are_pruned() {
    let env = TestEnv::new();
    let db = Db::sqlite();
    let repo = repo(&env);
    let a = ensure(&env, &db, "a", &repo);
    // A registration under the root that boocoder has no row for, and the
    // user's own worktree elsewhere, both with their directory gone.
    let a_path = PathBuf::from(a["path"].as_str().unwrap());
    let orphan = a_path.parent().unwrap().join("orphan");
    git(&repo, &["worktree", "add", "-q", orphan.to_str().unwrap()]);
    let mine = env.path().join("mine");
    git(&repo, &["worktree", "add", "-q", mine.to_str().unwrap()]);
    std::fs::remove_dir_all(&mine).unwrap();
    std::fs::remove_dir_all(&orphan).unwrap();
    let dry = bc(&env, &db, &["worktree", "prune", "--dry-run", "--json"])
        .expect(0)
        .json();
    assert_eq!(dry["actions"][0]["action"], "prune_registration", "{dry:#}");
    assert_eq!(dry["actions"].as_array().unwrap().len(), 1, "{dry:#}");
    assert_eq!(registered_worktrees(&repo).len(), 4);
    bc(&env, &db, &["worktree", "prune"]).expect(0);
    let registered = registered_worktrees(&repo);
    assert_eq!(registered.len(), 3, "{registered:?}");
    assert!(!registered.iter().any(|p| Path::new(p) == orphan));
    assert!(registered.iter().any(|p| p == a["path"].as_str().unwrap()));
    assert!(
        registered.iter().any(|p| Path::new(p) == mine),
        "the user's own registration stays"
    );
}

#[test]
fn bad_repositories_are_clear_errors() {
    let env = TestEnv::new();
    let db = Db::sqlite();
    let plain = env.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    let run = bc(
        &env,
        &db,
        &["worktree", "ensure", "s", "--repo", plain.to_str().unwrap()],
    )
    .expect(3);
    assert!(
        run.stderr.contains("is not a git repository"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
    let run = bc(
        &env,
        &db,
        &[
            "worktree",
            "ensure",
            "s",
            "--repo",
            env.path().join("nope").to_str().unwrap(),
        ],
    )
    .expect(2);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    let json = bc(
        &env,
        &db,
        &[
            "worktree",
            "ensure",
            "s",
            "--repo",
            plain.to_str().unwrap(),
            "--json",
        ],
    )
    .expect(3)
    .json();
    assert_eq!(json["kind"], "runtime");
    assert!(!env.data_dir().join("worktrees").exists());
}

#[test]
fn invalid_session_keys_are_exit_2_and_create_nothing() {
    let env = TestEnv::new();
    let db = Db::sqlite();
    let repo = repo(&env);
    let long = "x".repeat(65);
    for key in ["../x", "a/b", "", "a b", ".hidden", long.as_str(), "ä"] {
        for sub in ["ensure", "diff", "remove"] {
            let mut args = vec!["worktree", sub, key];
            if sub == "ensure" {
                args.extend(["--repo", repo.to_str().unwrap()]);
            }
            let run = bc(&env, &db, &args).expect(2);
            assert!(
                run.stderr.contains("only letters, digits"),
                "{key:?}: {}",
                run.stderr
            );
        }
    }
    let run = bc(
        &env,
        &db,
        &[
            "worktree",
            "ensure",
            "../x",
            "--repo",
            repo.to_str().unwrap(),
            "--json",
        ],
    )
    .expect(2);
    assert_eq!(run.json()["kind"], "usage");
    assert!(!env.data_dir().join("worktrees").exists());
    assert!(!env.data_dir().join("boocoder.db").exists());
    assert_eq!(registered_worktrees(&repo).len(), 1);
}

both_backends!(
    concurrent_ensure_of_one_key_makes_one_worktree,
    |env, db| {
        let repo = repo(env);
        // Migrate first so the race is about the worktree, not the schema.
        bc(env, db, &["db", "migrate"]).expect(0);
        let children: Vec<_> = (0..4)
            .map(|_| {
                let mut cmd = env.cmd();
                cmd.args([
                    "worktree",
                    "ensure",
                    "race",
                    "--repo",
                    repo.to_str().unwrap(),
                    "--json",
                ])
                .args(db.args())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
                cmd.spawn().unwrap()
            })
            .collect();
        let docs: Vec<Value> = children
            .into_iter()
            .map(|c| {
                let out = c.wait_with_output().unwrap();
                let run = Run {
                    code: out.status.code().unwrap_or(-1),
                    stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                };
                run.expect(0).json()
            })
            .collect();
        assert_eq!(
            docs.iter().filter(|d| d["created"] == true).count(),
            1,
            "{docs:#?}"
        );
        let paths: BTreeSet<&str> = docs.iter().map(|d| d["path"].as_str().unwrap()).collect();
        assert_eq!(paths.len(), 1);
        assert_eq!(registered_worktrees(&repo).len(), 2);
    }
);

/// Pending changes written through the worktree-diff path: a reader running
/// alongside sees the old set or the new one, never a mix.
async fn pending_changes_case(url: String, env: TestEnv) {
    let repo = repo(&env);
    let store = Arc::new(Store::open(&url, Migrate::Auto).await.unwrap());
    let key = SessionKey::parse("pc").unwrap();
    let root = env.data_dir().join("worktrees");
    let wts = Worktrees::new(&store, &root);
    let ensured = wts
        .ensure(
            &key,
            &EnsureOptions {
                repo: repo.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let wt = PathBuf::from(&ensured.worktree.path);

    let set_a: BTreeSet<String> = (0..3).map(|i| format!("a{i}.txt")).collect();
    let set_b: BTreeSet<String> = (0..5).map(|i| format!("b{i}.txt")).collect();
    let write_set = |keep: &BTreeSet<String>, drop: &BTreeSet<String>| {
        for f in drop {
            let _ = std::fs::remove_file(wt.join(f));
        }
        for f in keep {
            std::fs::write(wt.join(f), format!("{f}\n")).unwrap();
        }
    };
    write_set(&set_a, &set_b);
    let changes = wts.record_pending_changes(&key, "opencode").await.unwrap();
    assert_eq!(
        changes
            .iter()
            .map(|c| c.path.clone())
            .collect::<BTreeSet<_>>(),
        set_a
    );
    let rows = store.list_pending_changes("pc").await.unwrap();
    assert_eq!(rows.len(), 3);
    let a0 = &rows[0];
    assert_eq!(
        (
            a0.agent.as_str(),
            a0.change.status.as_str(),
            a0.change.insertions
        ),
        ("opencode", "added", 1)
    );
    let patch = a0.change.patch.as_deref().unwrap();
    assert!(
        patch.contains("+++ b/a0.txt") && patch.contains("+a0.txt"),
        "{patch}"
    );

    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (store, stop, a, b) = (store.clone(), stop.clone(), set_a.clone(), set_b.clone());
        tokio::spawn(async move {
            let mut reads = 0;
            while !stop.load(Ordering::Relaxed) {
                let rows = store.list_pending_changes("pc").await.unwrap();
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
    for i in 0..16 {
        let (keep, drop, agent) = if i % 2 == 0 {
            (&set_b, &set_a, "qwen")
        } else {
            (&set_a, &set_b, "opencode")
        };
        write_set(keep, drop);
        let changes = wts.record_pending_changes(&key, agent).await.unwrap();
        assert_eq!(changes.len(), keep.len());
    }
    stop.store(true, Ordering::Relaxed);
    assert!(reader.await.unwrap() > 0);
    let rows = store.list_pending_changes("pc").await.unwrap();
    assert!(rows.iter().all(|r| r.agent == "opencode") && rows.len() == 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_changes_from_a_worktree_diff_replace_atomically_sqlite() {
    let env = TestEnv::new();
    let url = format!("sqlite://{}", env.data_dir().join("boocoder.db").display());
    pending_changes_case(url, env).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_changes_from_a_worktree_diff_replace_atomically_postgres() {
    let schema = PgSchema::new();
    pending_changes_case(schema.url.clone(), TestEnv::new()).await;
}
