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

#[test]
fn a_database_url_that_does_not_parse_never_shows_its_password() {
    let env = TestEnv::new();
    for (url, secret) in [
        ("postgres://bob:s3cret@host:99999/db", "s3cret"),
        ("postgres://bob:pa/ss@host:5432/db", "pa/ss"),
        ("postgres://bob:12/zz9@host/db", "12/zz9"),
        ("postgresql://bob:h#sh@host/db", "h#sh"),
        ("postgres://bob:wh?t@host/db", "wh?t"),
        ("postgres://bob:a@b@host/db", "a@b"),
        (
            "postgres://bob@host:99999/db?sslmode=x&password=qu3ry",
            "qu3ry",
        ),
    ] {
        let leaked = |what: &str, out: &str| {
            assert!(
                !out.contains(secret),
                "{what} shows {secret:?} of {url}:\n{out}"
            );
        };
        let status = env.run(&["db", "status", "--db", url]);
        // 2 when it does not parse; one that parses (`bob:12/zz9@host` is
        // user bob at port 12) fails to connect instead.
        assert!(matches!(status.code, 2 | 3), "{url}: {}", status.stderr);
        assert!(status.stderr.contains("****"), "{url}: {}", status.stderr);
        leaked("db status", &status.stderr);
        leaked("db status", &status.stdout);
        let json = env.run(&["db", "status", "--db", url, "--json"]);
        leaked("db status --json", &json.stdout);
        let mut show = env.cmd();
        show.env("BOOCODER_DATABASE_URL", url)
            .args(["config", "show", "--json"]);
        let show = env.run_with(&mut show);
        assert!(
            show.stdout.contains("****") || show.stderr.contains("****"),
            "config show {url}: {} {}",
            show.stdout,
            show.stderr
        );
        leaked("config show", &(show.stdout + &show.stderr));
        let mut doctor = env.cmd();
        doctor
            .env("BOOCODER_DATABASE_URL", url)
            .args(["doctor", "--json"]);
        let doctor = env.run_with(&mut doctor);
        assert!(
            doctor.stdout.contains("****"),
            "doctor {url}: {}",
            doctor.stdout
        );
        leaked("doctor", &(doctor.stdout + &doctor.stderr));
    }
}

#[test]
fn out_of_range_durations_are_a_config_error_naming_the_key_and_the_range() {
    let env = TestEnv::new();
    let repo = git_repo(&env.path().join("repo"));
    for (line, key, range) in [
        (
            "lease_seconds = 9223372036854775",
            "lease_seconds",
            "1 to 31536000",
        ),
        (
            "watchdog_seconds = 9223372036854775807",
            "watchdog_seconds",
            "1 to 31536000",
        ),
        (
            "snapshot_ttl_seconds = 31536001",
            "snapshot_ttl_seconds",
            "0 to 31536000",
        ),
        (
            "probe_ttl_seconds = 99999999999",
            "probe_ttl_seconds",
            "0 to 31536000",
        ),
        (
            "[server]\nidle_timeout_seconds = 18446744073709",
            "server.idle_timeout_seconds",
            "1 to 31536000",
        ),
        (
            "[worktree]\npost_create_timeout_seconds = 40000000",
            "worktree.post_create_timeout_seconds",
            "1 to 31536000",
        ),
    ] {
        env.write_config(line);
        let run = env
            .run(&[
                "session",
                "new",
                "s",
                "--repo",
                repo.to_str().unwrap(),
                "--json",
            ])
            .expect(2);
        assert!(
            run.stderr.contains(key) && run.stderr.contains(range),
            "{line}: {}",
            run.stderr
        );
        assert_eq!(run.json()["kind"], "usage");
        env.run(&["config", "show"]).expect(2);
    }
    assert!(!env.data_dir().join("boocoder.db").exists());
    // The largest allowed value is a working configuration.
    env.write_config("lease_seconds = 31536000\nwatchdog_seconds = 31536000\n");
    env.run(&["session", "new", "s", "--repo", repo.to_str().unwrap()])
        .expect(0);
    let too_long = env.run(&["session", "prompt", "s", "hi", "--timeout", "400d"]);
    assert_eq!(too_long.code, 2, "{}", too_long.stderr);
    assert!(
        too_long.stderr.contains("at most 365 days"),
        "{}",
        too_long.stderr
    );
}
