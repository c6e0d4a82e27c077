//! New worktrees get the git-ignored set-up files (`.worktreeinclude`,
//! `[worktree] include`) and run `[worktree] post_create`; real git repos.

use std::path::{Path, PathBuf};

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
