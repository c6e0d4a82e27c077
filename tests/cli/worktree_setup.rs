//! New worktrees get the git-ignored set-up files (`.worktreeinclude`,
//! `[worktree] include`) and run `[worktree] post_create`; real git repos.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::{Run, TestEnv, git, git_repo};

fn ensure(env: &TestEnv, repo: &Path, session: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "worktree",
        "ensure",
        session,
        "--repo",
        repo.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    env.run(&args)
}

fn setup_repo(env: &TestEnv) -> PathBuf {
    let repo = git_repo(&env.path().join("repo"));
    std::fs::write(
        repo.join(".gitignore"),
        ".env\n*.local\nnode_modules/\nbuild/\nlink-*\nsecret-out\n",
    )
    .unwrap();
    std::fs::write(
        repo.join(".worktreeinclude"),
        "# set-up files\n.env\nconfig/**/*.local\nlink-*\n",
    )
    .unwrap();
    git(&repo, &["add", ".gitignore", ".worktreeinclude"]);
    git(&repo, &["commit", "-q", "-m", "ignore"]);
    std::fs::write(repo.join(".env"), "TOKEN=1\n").unwrap();
    std::fs::create_dir_all(repo.join("config/dev/nested")).unwrap();
    std::fs::write(repo.join("config/dev/nested/app.local"), "deep\n").unwrap();
    std::fs::write(repo.join("top.local"), "not listed\n").unwrap();
    std::fs::create_dir_all(repo.join("node_modules/pkg")).unwrap();
    std::fs::write(repo.join("node_modules/pkg/index.js"), "x\n").unwrap();
    std::fs::create_dir_all(repo.join("build")).unwrap();
    std::fs::write(repo.join("build/out.bin"), "b\n").unwrap();
    // A tracked-looking but not ignored file that matches: never copied.
    std::fs::create_dir_all(repo.join("config/prod")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", repo.join("link-out")).unwrap();
    std::os::unix::fs::symlink(".env", repo.join("link-in")).unwrap();
    repo
}

#[test]
fn worktreeinclude_and_config_globs_copy_only_ignored_set_up_files() {
    let env = TestEnv::new();
    let repo = setup_repo(&env);
    env.write_config("[worktree]\ninclude = [\"build/\"]\n");
    std::fs::write(repo.join("untracked.local"), "u\n").unwrap();
    std::fs::write(repo.join("not-ignored.env"), "n\n").unwrap();
    let r = ensure(&env, &repo, "inc", &["--json", "-v"]).expect(0);
    let v = r.json();
    let wt = PathBuf::from(v["path"].as_str().unwrap());
    let mut copied: Vec<String> = v["copied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    copied.sort();
    assert_eq!(
        copied,
        vec![
            ".env",
            "build/out.bin",
            "config/dev/nested/app.local",
            "link-in"
        ],
        "{v}"
    );
    assert_eq!(
        std::fs::read_to_string(wt.join(".env")).unwrap(),
        "TOKEN=1\n"
    );
    assert_eq!(
        std::fs::read_to_string(wt.join("config/dev/nested/app.local")).unwrap(),
        "deep\n"
    );
    assert_eq!(
        std::fs::read_link(wt.join("link-in")).unwrap(),
        PathBuf::from(".env")
    );
    // A symlink out of the repository is not followed nor copied.
    assert!(std::fs::symlink_metadata(wt.join("link-out")).is_err());
    assert!(r.stderr.contains("link-out"), "{}", r.stderr);
    for absent in [
        "top.local",
        "untracked.local",
        "node_modules",
        "not-ignored.env",
    ] {
        assert!(!wt.join(absent).exists(), "{absent} copied");
    }
    // -v says what was copied.
    assert!(
        r.stderr.contains("copied .env into the worktree"),
        "{}",
        r.stderr
    );
    // The copies are ignored in the worktree too: it is clean.
    assert_eq!(git(&wt, &["status", "--porcelain"]), "");
}

#[test]
fn post_create_runs_in_the_new_worktree_and_a_failure_keeps_it() {
    let env = TestEnv::new();
    let repo = setup_repo(&env);
    env.write_config("[worktree]\npost_create = \"echo setting up; pwd > made-by-hook.txt\"\n");
    let r = ensure(&env, &repo, "ok", &["--json"]).expect(0);
    let wt = PathBuf::from(r.json()["path"].as_str().unwrap());
    assert!(r.stderr.contains("setting up"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(wt.join("made-by-hook.txt"))
            .unwrap()
            .trim(),
        wt.canonicalize().unwrap().to_str().unwrap()
    );

    env.write_config(
        "[worktree]\npost_create = \"for i in 1 2 3 4 5; do echo line $i; done; echo broken >&2; exit 7\"\n",
    );
    let r = ensure(&env, &repo, "bad", &[]).expect(3);
    assert!(
        r.stderr.contains("failed with exit code 7")
            && r.stderr.contains("line 5")
            && r.stderr.contains("broken")
            && r.stderr.contains("the worktree is kept"),
        "{}",
        r.stderr
    );
    // Kept for inspection, with the .env already copied.
    let list = env.run(&["worktree", "list", "--json"]).expect(0).json();
    let kept = list
        .as_array()
        .or_else(|| list["worktrees"].as_array())
        .unwrap()
        .iter()
        .find(|w| w["session"] == "bad")
        .unwrap_or_else(|| panic!("bad not listed: {list}"))
        .clone();
    let path = PathBuf::from(kept["path"].as_str().unwrap());
    assert!(path.join(".env").exists());

    env.write_config("[worktree]\npost_create = \"sleep 30\"\npost_create_timeout_seconds = 1\n");
    let r = ensure(&env, &repo, "slow", &[]).expect(3);
    assert!(r.stderr.contains("timed out after 1 s"), "{}", r.stderr);
}

#[test]
fn worktreeinclude_never_copies_through_a_symlink_of_the_new_worktree() {
    let env = TestEnv::new();
    let repo = git_repo(&env.path().join("repo"));
    let outside = env.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(repo.join(".gitignore"), "*.local\n").unwrap();
    std::fs::write(repo.join(".worktreeinclude"), "config/*.local\n*.local\n").unwrap();
    git(&repo, &["add", ".gitignore", ".worktreeinclude"]);
    git(&repo, &["commit", "-q", "-m", "ignore"]);
    // A branch whose tree has `config -> <outside>` (and a deeper one).
    git(&repo, &["checkout", "-q", "-b", "evil"]);
    std::os::unix::fs::symlink(&outside, repo.join("config")).unwrap();
    std::fs::create_dir(repo.join("deep")).unwrap();
    std::os::unix::fs::symlink("../../outside", repo.join("deep/er")).unwrap();
    git(&repo, &["add", "config", "deep/er"]);
    git(&repo, &["commit", "-q", "-m", "links"]);
    git(&repo, &["checkout", "-q", "main"]);
    // The main checkout's ignored set-up files, under real directories.
    std::fs::create_dir_all(repo.join("config")).unwrap();
    std::fs::write(repo.join("config/app.local"), "secret\n").unwrap();
    std::fs::create_dir_all(repo.join("deep/er")).unwrap();
    std::fs::write(repo.join("deep/er/db.local"), "secret\n").unwrap();
    std::fs::write(repo.join("top.local"), "fine\n").unwrap();
    let r = ensure(&env, &repo, "s", &["--base", "evil", "--json"]).expect(0);
    let v = r.json();
    assert_eq!(v["copied"], serde_json::json!(["top.local"]), "{v}");
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "written outside the worktree"
    );
    for skipped in ["config/app.local", "deep/er/db.local"] {
        assert!(
            r.stderr.contains(skipped) && r.stderr.contains("symlink"),
            "no warning for {skipped}: {}",
            r.stderr
        );
    }
    let wt = PathBuf::from(v["path"].as_str().unwrap());
    assert_eq!(
        std::fs::read_to_string(wt.join("top.local")).unwrap(),
        "fine\n"
    );
}

#[test]
fn post_create_timeout_bounds_background_children_and_held_pipes() {
    let env = TestEnv::new();
    let repo = setup_repo(&env);
    // A background child holding the output pipes, one that would write
    // later, and one in a session of its own (out of the group's reach).
    env.write_config(
        "[worktree]\npost_create = \"echo starting; (sleep 4; touch late.txt) & sleep 30 & \
         setsid sleep 8 & echo started\"\npost_create_timeout_seconds = 2\n",
    );
    let started = Instant::now();
    let r = ensure(&env, &repo, "bg", &["--json"]).expect(0);
    let took = started.elapsed();
    assert!(r.stderr.contains("started"), "{}", r.stderr);
    assert!(
        took < Duration::from_secs(8),
        "ensure took {took:?} with a 2 s post_create timeout"
    );
    let wt = PathBuf::from(r.json()["path"].as_str().unwrap());
    // The group was killed when sh exited: the late writer never wrote.
    std::thread::sleep(Duration::from_secs(5));
    assert!(
        !wt.join("late.txt").exists(),
        "a post_create child outlived it"
    );
}

#[test]
fn a_failed_post_create_runs_again_on_the_next_ensure() {
    let env = TestEnv::new();
    let repo = setup_repo(&env);
    let switch = env.path().join("switch");
    env.write_config(&format!(
        "[worktree]\npost_create = \"echo ran >> ran.txt; test -f {} || exit 9\"\n",
        switch.display()
    ));
    let repo_s = repo.to_str().unwrap();
    // session new, then worktree ensure: each fails, then runs it again.
    let r = env
        .run(&["session", "new", "s", "--repo", repo_s])
        .expect(3);
    assert!(r.stderr.contains("exit code 9"), "{}", r.stderr);
    let r = ensure(&env, &repo, "w", &["--json"]).expect(3);
    assert!(r.stderr.contains("exit code 9"), "{}", r.stderr);
    let list = env.run(&["worktree", "list", "--json"]).expect(0).json();
    let path = |name: &str| {
        let rows = list.as_array().or_else(|| list["worktrees"].as_array());
        PathBuf::from(
            rows.unwrap()
                .iter()
                .find(|w| w["session"] == name)
                .unwrap_or_else(|| panic!("{name} not listed: {list}"))["path"]
                .as_str()
                .unwrap(),
        )
    };
    let (s, w) = (path("s"), path("w"));
    // Still failing: it runs (a second line) and fails again.
    ensure(&env, &repo, "w", &[]).expect(3);
    assert_eq!(
        std::fs::read_to_string(w.join("ran.txt")).unwrap(),
        "ran\nran\n"
    );
    std::fs::write(&switch, "").unwrap();
    env.run(&["session", "new", "s", "--repo", repo_s])
        .expect(0);
    ensure(&env, &repo, "w", &[]).expect(0);
    assert_eq!(
        std::fs::read_to_string(s.join("ran.txt")).unwrap(),
        "ran\nran\n"
    );
    assert_eq!(
        std::fs::read_to_string(w.join("ran.txt")).unwrap(),
        "ran\nran\nran\n"
    );
    // Once it succeeded, it is not run again.
    ensure(&env, &repo, "w", &[]).expect(0);
    ensure(&env, &repo, "s", &[]).expect(0);
    assert_eq!(
        std::fs::read_to_string(s.join("ran.txt")).unwrap(),
        "ran\nran\n"
    );
    assert_eq!(
        std::fs::read_to_string(w.join("ran.txt")).unwrap(),
        "ran\nran\nran\n"
    );
}
