//! Small guards at the edges: session keys git would refuse as a branch,
//! the SQLite database's modes, database URLs that do not parse, and
//! durations out of range. The `boocoder` binary, real git.

use crate::support::{TestEnv, git, git_repo};

#[test]
fn keys_git_would_refuse_as_a_branch_are_exit_2_and_create_nothing() {
    let env = TestEnv::new();
    let repo = git_repo(&env.path().join("repo"));
    let repo_s = repo.to_str().unwrap();
    for key in ["a..b", "x.lock", "X.LOCK", "end.", "a.b..", "..."] {
        for args in [
            vec!["session", "new", key, "--repo", repo_s],
            vec!["worktree", "ensure", key, "--repo", repo_s],
            vec!["session", "new", key, "--repo", repo_s, "--no-worktree"],
        ] {
            let run = env.run(&args).expect(2);
            assert!(
                run.stderr.contains(&format!("invalid session key `{key}`"))
                    && run
                        .stderr
                        .contains("does not end with `.` or `.lock`, has no `..`"),
                "{args:?}: {}",
                run.stderr
            );
        }
    }
    let json = env
        .run(&["session", "new", "a..b", "--repo", repo_s, "--json"])
        .expect(2)
        .json();
    assert_eq!(json["kind"], "usage");
    assert!(!env.data_dir().join("worktrees").exists());
    assert!(!env.data_dir().join("boocoder.db").exists());
    assert_eq!(
        git(&repo, &["branch", "--format=%(refname)"]),
        "refs/heads/main"
    );
    // Keys that are fine branch names still are.
    env.run(&["session", "new", "a.b-c_1", "--repo", repo_s])
        .expect(0);
    assert_eq!(
        git(
            &repo,
            &["branch", "--list", "boocoder/*", "--format=%(refname)"]
        ),
        "refs/heads/boocoder/a.b-c_1"
    );
}

#[test]
fn the_sqlite_database_is_private_to_its_user() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    // SQLite gives its -wal and -shm files the database file's mode.
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let db = env.path().join("private/state/boocoder.db");
    let url = format!("sqlite://{}", db.display());
    env.run(&["db", "migrate", "--db", &url]).expect(0);
    assert_eq!(mode(&env.path().join("private")), 0o700);
    assert_eq!(mode(&env.path().join("private/state")), 0o700);
    assert_eq!(mode(&db), 0o600);
    // The default location: the data directory made on first use.
    std::fs::remove_dir(env.data_dir()).unwrap();
    env.run(&["db", "migrate"]).expect(0);
    assert_eq!(mode(&env.data_dir()), 0o700);
    assert_eq!(mode(&env.data_dir().join("boocoder.db")), 0o600);
}
