//! The guard rails of landing (`session apply`, `commit`, `merge`) at the
//! edges: symlinks in the checkout, staged work, two merges at once, every
//! kind of entry, git hooks, other sessions and hosts, what `--remove`
//! keeps, interruptions by signals and a landing killed with its lease.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use boocoder::store::{LeaseAttempt, Migrate, Store};

use crate::land::{A_BASE, A_USER, CanonOrSelf, Db, bc, paths, session_work, setup, snapshot};
use crate::support::{PgSchema, TestEnv, git, git_repo};

fn sqlite() -> Db {
    Db { schema: None }
}

fn new_session(env: &TestEnv, db: &Db, name: &str, repo: &Path) -> PathBuf {
    let v = bc(
        env,
        db,
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
    .json();
    PathBuf::from(v["worktree"]["path"].as_str().unwrap())
}

fn hook(dir: &Path, name: &str, body: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Hold `session`'s lease as another process would.
fn hold_lease(env: &TestEnv, db: &Db, session: &str) {
    let url = db.url(env);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open(&url, Migrate::Auto).await.unwrap();
        let got = store
            .acquire_lease(session, "elsewhere:1", 600_000)
            .await
            .unwrap();
        assert!(matches!(got, LeaseAttempt::Acquired(_)));
    });
}

fn spawn(env: &TestEnv, db: &Db, args: &[&str]) -> Child {
    let mut cmd = env.cmd();
    cmd.args(args);
    if let Some(s) = &db.schema {
        cmd.args(["--db", &s.url]);
    }
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.spawn().unwrap()
}

#[test]
fn apply_never_writes_through_a_symlinked_directory() {
    let (env, db) = (TestEnv::new(), sqlite());
    let (repo, wt) = setup(&env, &db, &[]);
    let outside = env.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    // The user's own untracked link in the checkout.
    std::os::unix::fs::symlink("../outside", repo.join("lib")).unwrap();
    std::fs::create_dir_all(wt.join("lib")).unwrap();
    std::fs::write(wt.join("lib/evil.sh"), "echo pwned\n").unwrap();
    std::fs::write(wt.join("other.txt"), "changed too\n").unwrap();
    let before = snapshot(&repo);
    let v = bc(&env, &db, &["session", "apply", "s1", "--json"])
        .expect(1)
        .json();
    assert_eq!(paths(&v), vec!["lib/evil.sh".to_string()], "{v}");
    assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    assert_eq!(
        snapshot(&repo),
        before,
        "nothing written, other.txt neither"
    );
}

#[test]
fn merge_refuses_a_staged_change_on_a_path_it_changes() {
    let (env, db) = (TestEnv::new(), sqlite());
    let (repo, wt) = setup(&env, &db, &[]);
    session_work(&wt);
    // Staged, with the working file back as HEAD has it.
    std::fs::write(repo.join("a.txt"), A_USER).unwrap();
    git(&repo, &["add", "a.txt"]);
    std::fs::write(repo.join("a.txt"), A_BASE).unwrap();
    let before = snapshot(&repo);
    let r = bc(&env, &db, &["session", "merge", "s1", "--json"]).expect(1);
    assert_eq!(paths(&r.json()), vec!["a.txt".to_string()]);
    assert!(r.stderr.contains("git merge boocoder/s1"), "{}", r.stderr);
    assert_eq!(snapshot(&repo), before);
    assert!(git(&repo, &["diff", "--cached"]).contains("+FIVE"));
}

#[test]
fn two_merges_into_one_branch_at_once_both_land_whole() {
    let (env, db) = (TestEnv::new(), sqlite());
    let repo = git_repo(&env.path().join("repo").canonicalize_or_self());
    for round in 0..3 {
        let names = [format!("r{round}a"), format!("r{round}b")];
        for n in &names {
            let wt = new_session(&env, &db, n, &repo);
            std::fs::write(wt.join(format!("{n}.txt")), format!("{n}\n")).unwrap();
        }
        let children: Vec<Child> = names
            .iter()
            .map(|n| spawn(&env, &db, &["session", "merge", n]))
            .collect();
        for (n, c) in names.iter().zip(children) {
            let out = c.wait_with_output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{n}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(git(&repo, &["status", "--porcelain"]), "", "round {round}");
        for n in &names {
            assert_eq!(
                git(&repo, &["show", &format!("main:{n}.txt")]),
                n.as_str(),
                "round {round}"
            );
            assert!(repo.join(format!("{n}.txt")).exists());
        }
    }
}

#[test]
fn apply_refuses_an_embedded_repository_before_writing_anything() {
    let (env, db) = (TestEnv::new(), sqlite());
    let (repo, wt) = setup(&env, &db, &[]);
    std::fs::write(wt.join("other.txt"), "edited\n").unwrap();
    git_repo(&wt.join("vendor/lib"));
    let before = snapshot(&repo);
    let r = bc(&env, &db, &["session", "apply", "s1"]).expect(1);
    assert!(r.stderr.contains("vendor/lib"), "{}", r.stderr);
    assert!(r.stderr.contains("embedded"), "{}", r.stderr);
    assert_eq!(snapshot(&repo), before);
}

#[test]
fn apply_carries_modes_and_a_file_replaced_by_a_directory() {
    let (env, db) = (TestEnv::new(), sqlite());
    let (repo, wt) = setup(&env, &db, &[]);
    std::fs::set_permissions(wt.join("a.txt"), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_file(wt.join("other.txt")).unwrap();
    std::fs::create_dir_all(wt.join("other.txt")).unwrap();
    std::fs::write(wt.join("other.txt/inside.txt"), "inside\n").unwrap();
    bc(&env, &db, &["session", "apply", "s1"]).expect(0);
    let mode = std::fs::metadata(repo.join("a.txt"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0o111, "executable bit carried: {mode:o}");
    assert_eq!(
        std::fs::read_to_string(repo.join("other.txt/inside.txt")).unwrap(),
        "inside\n"
    );
    // And the reverse: a directory replaced by a file.
    let (env, db) = (TestEnv::new(), sqlite());
    let repo = git_repo(&env.path().join("repo").canonicalize_or_self());
    std::fs::create_dir_all(repo.join("docs")).unwrap();
    std::fs::write(repo.join("docs/x.txt"), "x\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "docs"]);
    let wt = new_session(&env, &db, "d1", &repo);
    std::fs::remove_dir_all(wt.join("docs")).unwrap();
    std::fs::write(wt.join("docs"), "a file now\n").unwrap();
    bc(&env, &db, &["session", "apply", "d1"]).expect(0);
    assert_eq!(
        std::fs::read_to_string(repo.join("docs")).unwrap(),
        "a file now\n"
    );
}

#[test]
fn commit_and_merge_run_the_repositorys_hooks() {
    let (env, db) = (TestEnv::new(), sqlite());
    let (repo, wt) = setup(&env, &db, &[]);
    session_work(&wt);
    let hooks = repo.join(".git/hooks");
    hook(
        &hooks,
        "pre-commit",
        "echo 'secret scanner: a key in a.txt'; echo 'scanner: see a.txt' >&2; exit 1",
    );
    let tip = git(&repo, &["rev-parse", "boocoder/s1"]);
    let r = bc(&env, &db, &["session", "commit", "s1"]).expect(1);
    assert!(r.stderr.contains("secret scanner: a key"), "{}", r.stderr);
    assert!(r.stderr.contains("pre-commit"), "{}", r.stderr);
    // A hook's output is talk: both its streams on stderr, in the order
    // written, before the error; with --quiet too (as git shows it).
    let r = bc(&env, &db, &["session", "commit", "s1", "--quiet", "--json"]).expect(1);
    assert!(
        r.stderr
            .starts_with("secret scanner: a key in a.txt\nscanner: see a.txt\nerror: "),
        "{}",
        r.stderr
    );
    assert!(!r.stdout.contains("scanner"), "{}", r.stdout);
    assert_eq!(git(&repo, &["rev-parse", "boocoder/s1"]), tip);
    // The merge's pending-work commit runs it too: nothing changes.
    let before = snapshot(&repo);
    bc(&env, &db, &["session", "merge", "s1"]).expect(1);
    assert_eq!(snapshot(&repo), before);
    assert_eq!(git(&repo, &["rev-parse", "boocoder/s1"]), tip);

    // core.hooksPath: pre-commit sees what is committed in its index,
    // commit-msg edits the message, post-commit runs after.
    let elsewhere = env.path().join("hooks");
    let seen = env.path().join("seen");
    git(
        &repo,
        &["config", "core.hooksPath", elsewhere.to_str().unwrap()],
    );
    hook(
        &elsewhere,
        "pre-commit",
        &format!("git diff --cached --name-only > {}/staged", seen.display()),
    );
    hook(
        &elsewhere,
        "commit-msg",
        "echo 'Signed-off-by: hook' >> \"$1\"",
    );
    hook(
        &elsewhere,
        "post-commit",
        &format!("git rev-parse HEAD > {}/post-commit", seen.display()),
    );
    hook(
        &elsewhere,
        "post-merge",
        &format!("echo \"$1\" > {}/post-merge", seen.display()),
    );
    std::fs::create_dir_all(&seen).unwrap();
    let v = bc(&env, &db, &["session", "commit", "s1", "--json"])
        .expect(0)
        .json();
    let staged = std::fs::read_to_string(seen.join("staged")).unwrap();
    assert!(staged.lines().any(|l| l == "src/deep/new.rs"), "{staged}");
    assert!(staged.lines().any(|l| l == "a.txt"), "{staged}");
    assert!(
        git(&wt, &["log", "-1", "--format=%B"]).contains("Signed-off-by: hook"),
        "{v}"
    );
    assert_eq!(
        std::fs::read_to_string(seen.join("post-commit"))
            .unwrap()
            .trim(),
        v["commit"].as_str().unwrap()
    );
    // --no-verify skips a failing pre-commit; post-merge runs.
    hook(&elsewhere, "pre-commit", "exit 1");
    std::fs::write(wt.join("more.txt"), "more\n").unwrap();
    bc(&env, &db, &["session", "merge", "s1", "--no-verify"]).expect(0);
    assert_eq!(
        std::fs::read_to_string(seen.join("post-merge"))
            .unwrap()
            .trim(),
        "0"
    );
    assert_eq!(git(&repo, &["show", "main:more.txt"]), "more");
}

#[test]
fn landing_into_another_running_session_is_busy() {
    let (env, db) = (TestEnv::new(), sqlite());
    let (repo, wt) = setup(&env, &db, &[]);
    session_work(&wt);
    let other = new_session(&env, &db, "s2", &repo);
    hold_lease(&env, &db, "s2");
    let state = |d: &Path| {
        (
            git(d, &["status", "--porcelain", "--untracked-files=all"]),
            git(d, &["rev-parse", "HEAD"]),
            std::fs::read_to_string(d.join("a.txt")).unwrap(),
        )
    };
    let before = state(&other);
    let r = bc(
        &env,
        &db,
        &["session", "apply", "s1", "--to", other.to_str().unwrap()],
    )
    .expect(1);
    assert!(r.stderr.contains("busy"), "{}", r.stderr);
    let r = bc(
        &env,
        &db,
        &["session", "merge", "s1", "--into", "boocoder/s2"],
    )
    .expect(1);
    assert!(r.stderr.contains("busy"), "{}", r.stderr);
    assert_eq!(state(&other), before);
    // A boocoder/ branch no session owns is an ordinary target.
    git(&repo, &["branch", "boocoder/nobody"]);
    bc(
        &env,
        &db,
        &["session", "merge", "s1", "--into", "boocoder/nobody"],
    )
    .expect(0);
    // Both sessions' leases are free again afterwards (s2's is the other
    // process's): s1 lands.
    bc(&env, &db, &["session", "apply", "s1"]).expect(0);
}

#[test]
fn landing_a_worktree_another_host_owns_names_the_host() {
    let env = TestEnv::new();
    let db = Db {
        schema: Some(PgSchema::new()),
    };
    let (_repo, wt) = setup(&env, &db, &[]);
    session_work(&wt);
    let me = String::from_utf8(Command::new("hostname").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string();
    let root = env.data_dir().join("worktrees");
    for args in [
        &["session", "apply", "s1"][..],
        &["session", "commit", "s1"][..],
        &["session", "merge", "s1"][..],
    ] {
        let mut c = env.cmd();
        c.args(args)
            .args(["--db", &db.schema.as_ref().unwrap().url]);
        let r = env
            .run_with(&mut crate::safety::on_host_b(&env, &c, &root))
            .expect(1);
        assert!(
            r.stderr.contains(&format!("host `{me}`")),
            "{args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn merge_squash_remove_says_the_branch_was_kept() {
    let (env, db) = (TestEnv::new(), sqlite());
    let (repo, wt) = setup(&env, &db, &[]);
    session_work(&wt);
    let v = bc(
        &env,
        &db,
        &["session", "merge", "s1", "--squash", "--remove", "--json"],
    )
    .expect(0)
    .json();
    assert_eq!(v["worktree_removed"], true, "{v}");
    assert_eq!(v["branch_deleted"], false, "{v}");
    assert!(v["branch_kept"].is_string(), "{v}");
    assert_eq!(
        v["branch_tip"].as_str().unwrap(),
        git(&repo, &["rev-parse", "boocoder/s1"]),
        "{v}"
    );
    // Text says it too.
    let (env, db) = (TestEnv::new(), sqlite());
    let (_repo, wt) = setup(&env, &db, &[]);
    session_work(&wt);
    let r = bc(
        &env,
        &db,
        &["session", "merge", "s1", "--squash", "--remove"],
    )
    .expect(0);
    assert!(r.stderr.contains("kept branch boocoder/s1"), "{}", r.stderr);
}

#[test]
fn apply_then_merge_is_no_conflict() {
    let (env, db) = (TestEnv::new(), sqlite());
    let (repo, wt) = setup(&env, &db, &[]);
    std::fs::write(wt.join("NOTES.md"), "notes\n").unwrap();
    bc(&env, &db, &["session", "apply", "s1"]).expect(0);
    // One more turn's work, then the merge brings NOTES.md as it is.
    std::fs::write(wt.join("b.txt"), "b\n").unwrap();
    let v = bc(&env, &db, &["session", "merge", "s1", "--json"])
        .expect(0)
        .json();
    assert_eq!(v["kind"], "fast-forward", "{v}");
    assert_eq!(git(&repo, &["status", "--porcelain"]), "");
    assert_eq!(git(&repo, &["show", "main:NOTES.md"]), "notes");
}

/// A repository whose session adds `n` files.
fn big_change(env: &TestEnv, db: &Db, n: usize) -> (PathBuf, PathBuf) {
    let (repo, wt) = setup(env, db, &[]);
    for i in 0..n {
        let d = wt.join(format!("gen/{:02}", i % 50));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(format!("f{i}.txt")), format!("file {i}\n")).unwrap();
    }
    (repo, wt)
}

/// [`snapshot`] with the index as its entries (`git ls-files -s`), not its
/// bytes: git's own status refreshes the stat data of entries written in
/// the same second as the index.
fn entries_snapshot(repo: &Path) -> crate::land::Snapshot {
    let mut s = snapshot(repo);
    s.index = git(repo, &["ls-files", "-s"]).into_bytes();
    s
}

/// Signal a landing at several delays: it either stops with nothing
/// written (exit 128 + signal) or finishes whole (exit 0); the lease is
/// released either way.
fn interrupt_landings(what: &str, signal: i32) {
    let n = 1500;
    for delay_ms in [100u64, 400, 900, 1600] {
        let (env, db) = (TestEnv::new(), sqlite());
        let (repo, _wt) = big_change(&env, &db, n);
        let before = entries_snapshot(&repo);
        let mut child = spawn(&env, &db, &["session", what, "s1"]);
        std::thread::sleep(Duration::from_millis(delay_ms));
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as i32, signal) };
        let started = Instant::now();
        let status = child.wait().unwrap();
        // A signal before boocoder has set anything up ends it as the
        // signal does (the shell's $? is 128 + signal too): nothing written.
        let code = status
            .code()
            .or_else(|| (status.signal() == Some(signal)).then_some(128 + signal));
        let files = git(&repo, &["ls-files", "--others", "--exclude-standard"])
            .lines()
            .count()
            + git(&repo, &["ls-tree", "-r", "--name-only", "HEAD"])
                .lines()
                .filter(|l| l.starts_with("gen/"))
                .count();
        match code {
            Some(0) => assert_eq!(files, n, "{what} at {delay_ms} ms: finished whole"),
            Some(c) if c == 128 + signal => {
                assert_eq!(
                    entries_snapshot(&repo),
                    before,
                    "{what} at {delay_ms} ms: nothing written"
                )
            }
            other => panic!("{what} at {delay_ms} ms: exit {other:?} ({status:?})"),
        }
        assert!(started.elapsed() < Duration::from_secs(60));
        // The lease was released: the session lands (again) at once.
        bc(&env, &db, &["session", what, "s1"]).expect(0);
        let files = git(&repo, &["ls-files", "--others", "--exclude-standard"])
            .lines()
            .count()
            + git(&repo, &["ls-tree", "-r", "--name-only", "HEAD"])
                .lines()
                .filter(|l| l.starts_with("gen/"))
                .count();
        assert_eq!(files, n, "{what} at {delay_ms} ms: the retry lands it all");
    }
}

#[test]
fn sigterm_during_apply_leaves_the_checkout_whole() {
    interrupt_landings("apply", libc::SIGTERM);
}

#[test]
fn sigint_during_merge_leaves_the_checkout_whole() {
    interrupt_landings("merge", libc::SIGINT);
}

mod killed_landing {
    use super::*;

    /// A landing killed after its lease was renewed leaves a lease that
    /// names a dead owner on this host: the next landing takes it over at
    /// once (the private landing lease renewed with an absolute time as
    /// its TTL held the session for decades).
    fn case(env: &TestEnv, db: &Db) {
        env.write_config("lease_seconds = 3\n");
        let (repo, wt) = setup(env, db, &[]);
        session_work(&wt);
        hook(&repo.join(".git/hooks"), "pre-commit", "sleep 30");
        let mut child = spawn(env, db, &["session", "commit", "s1"]);
        // Renewed every second: two renewals happen.
        std::thread::sleep(Duration::from_millis(2500));
        assert!(child.try_wait().unwrap().is_none(), "the commit is running");
        child.kill().unwrap();
        child.wait().unwrap();
        let r = bc(env, db, &["session", "commit", "s1", "--no-verify"]);
        assert_eq!(
            r.code, 0,
            "the dead owner's lease is taken over: {}",
            r.stderr
        );
    }

    #[test]
    fn sqlite() {
        case(&TestEnv::new(), &super::sqlite());
    }

    #[test]
    fn postgres() {
        case(
            &TestEnv::new(),
            &Db {
                schema: Some(PgSchema::new()),
            },
        );
    }
}

#[test]
fn after_merge_remove_show_and_list_say_the_next_turn_makes_a_worktree() {
    let (env, db) = (TestEnv::new(), sqlite());
    let (repo, wt) = setup(&env, &db, &[]);
    session_work(&wt);
    bc(&env, &db, &["session", "merge", "s1", "--remove"]).expect(0);
    let current = git(&repo, &["branch", "--show-current"]);
    let show = bc(&env, &db, &["session", "show", "s1"]).expect(0);
    assert!(
        show.stdout.contains(&format!(
            "worktree: none now (the next turn makes one on branch boocoder/s1 from \
branch {current}, which it was merged into)"
        )),
        "{}",
        show.stdout
    );
    // The branch merged into is gone: the next worktree comes from HEAD.
    git(&repo, &["checkout", "-q", "-b", "other"]);
    git(&repo, &["branch", "-D", &current]);
    let show = bc(&env, &db, &["session", "show", "s1"]).expect(0);
    assert!(
        show.stdout.contains(
            "worktree: none now (the next turn makes one on branch boocoder/s1 from the \
repository's HEAD)"
        ),
        "{}",
        show.stdout
    );
    let list = bc(&env, &db, &["session", "list"]).expect(0);
    let row = list.stdout.lines().find(|l| l.starts_with("s1 ")).unwrap();
    assert!(
        row.ends_with("(a new worktree on its next turn)"),
        "{}",
        list.stdout
    );
    assert!(!row.contains(repo.to_str().unwrap()), "{row}");
}

#[test]
fn apply_honours_gitattributes_line_endings() {
    let (env, db) = (TestEnv::new(), sqlite());
    let repo = git_repo(&env.path().join("repo").canonicalize_or_self());
    std::fs::write(repo.join(".gitattributes"), "*.txt eol=crlf\n").unwrap();
    std::fs::write(repo.join("a.txt"), "one\ntwo\n").unwrap();
    std::fs::write(repo.join("gone.txt"), "bye\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "crlf"]);
    // A clean checkout, as git writes it: CRLF in the working files.
    std::fs::remove_file(repo.join("a.txt")).unwrap();
    git(&repo, &["checkout", "--", "a.txt"]);
    assert_eq!(
        std::fs::read(repo.join("a.txt")).unwrap(),
        b"one\r\ntwo\r\n"
    );
    assert_eq!(git(&repo, &["status", "--porcelain"]), "");
    let wt = new_session(&env, &db, "e1", &repo);
    std::fs::write(wt.join("a.txt"), "one\r\ntwo\r\nthree\r\n").unwrap();
    std::fs::write(wt.join("new.txt"), "new\r\n").unwrap();
    std::fs::remove_file(wt.join("gone.txt")).unwrap();
    bc(&env, &db, &["session", "apply", "e1"]).expect(0);
    assert_eq!(
        std::fs::read(repo.join("a.txt")).unwrap(),
        b"one\r\ntwo\r\nthree\r\n"
    );
    assert_eq!(std::fs::read(repo.join("new.txt")).unwrap(), b"new\r\n");
    assert!(!repo.join("gone.txt").exists());
    // Uncommitted, the index untouched: git sees exactly the session's edit.
    let mut status: Vec<String> = git(&repo, &["status", "--porcelain"])
        .lines()
        .map(|l| l.trim().to_string())
        .collect();
    status.sort();
    assert_eq!(status, ["?? new.txt", "D gone.txt", "M a.txt"]);
    assert_eq!(git(&repo, &["diff", "--cached"]), "");
}

#[test]
fn a_kept_session_branch_is_still_boocoders_in_the_next_worktree() {
    let (env, db) = (TestEnv::new(), sqlite());
    let (repo, wt) = setup(&env, &db, &[]);
    session_work(&wt);
    bc(
        &env,
        &db,
        &["session", "merge", "s1", "--squash", "--remove"],
    )
    .expect(0);
    // The next turn's worktree continues the kept branch.
    bc(
        &env,
        &db,
        &["worktree", "ensure", "s1", "--repo", repo.to_str().unwrap()],
    )
    .expect(0);
    let r = bc(&env, &db, &["session", "rm", "s1"]).expect(0);
    assert!(!r.stderr.contains("did not create"), "{}", r.stderr);
    assert!(
        r.stderr.contains("it has commits no other branch has"),
        "{}",
        r.stderr
    );
}

/// A landing whose lease another process takes over stops before it
/// writes: its pre-commit hook is killed, nothing is committed.
#[test]
fn a_landing_that_loses_its_lease_stops_before_writing() {
    let (env, db) = (TestEnv::new(), sqlite());
    env.write_config("lease_seconds = 3\n");
    let (repo, wt) = setup(&env, &db, &[]);
    session_work(&wt);
    hook(&repo.join(".git/hooks"), "pre-commit", "sleep 30");
    let tip = git(&repo, &["rev-parse", "boocoder/s1"]);
    let child = spawn(&env, &db, &["session", "commit", "s1"]);
    std::thread::sleep(Duration::from_millis(700));
    let url = db.url(&env);
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let taken = sqlx::query("UPDATE session_leases SET owner = 'thief:1' WHERE session = 's1'")
            .execute(&mut conn)
            .await
            .unwrap();
        assert_eq!(taken.rows_affected(), 1, "the commit held the lease");
    });
    let started = Instant::now();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("thief:1"), "{stderr}");
    assert!(stderr.contains("stopped before writing"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the hook was stopped"
    );
    assert_eq!(
        git(&repo, &["rev-parse", "boocoder/s1"]),
        tip,
        "nothing committed"
    );
    assert_ne!(git(&wt, &["status", "--porcelain"]), "");
}
