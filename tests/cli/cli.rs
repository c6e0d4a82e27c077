//! The binary's surface: help, global flags, config handling, exit codes and
//! error records, `db` commands on both backends, generated files in sync.

use std::path::Path;

use crate::support::{PgSchema, TestEnv};

#[test]
fn help_lists_commands_and_exit_codes() {
    let env = TestEnv::new();
    let run = env.run(&["--help"]).expect(0);
    // Every subcommand, each with its one-line description.
    for command in [
        "prompt", "session", "worktree", "server", "probe", "snapshot", "config", "db",
    ] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("{command} "))
                    && l.split_whitespace().count() > 2),
            "--help lacks a line for {command}:\n{}",
            run.stdout
        );
    }
    for needle in [
        "Exit codes:",
        "130",
        "--format",
        "--db",
        "BOOCODER_DATABASE_URL",
    ] {
        assert!(
            run.stdout.contains(needle),
            "--help lacks {needle:?}:\n{}",
            run.stdout
        );
    }
    assert!(!run.stdout.contains("generate"), "generate is hidden");
    let run = env.run(&["db", "--help"]).expect(0);
    assert!(run.stdout.contains("migrate") && run.stdout.contains("status"));
}

#[test]
fn unknown_format_is_a_usage_error() {
    let env = TestEnv::new();
    let run = env.run(&["--format", "yaml", "config", "show"]).expect(2);
    assert!(
        run.stderr.contains("invalid value 'yaml'"),
        "{}",
        run.stderr
    );
    // An invalid BOOCODER_FORMAT is refused the same way.
    let run = env
        .run_with(
            env.cmd()
                .env("BOOCODER_FORMAT", "xml")
                .args(["config", "show"]),
        )
        .expect(2);
    assert!(run.stderr.contains("xml"), "{}", run.stderr);
}

#[test]
fn unknown_subcommand_with_json_prints_an_error_record() {
    let env = TestEnv::new();
    let run = env.run(&["--json", "frobnicate"]).expect(2);
    let rec = run.json();
    assert_eq!(rec["type"], "error");
    assert_eq!(rec["kind"], "usage");
    assert_eq!(rec["exit_code"], 2);
}

#[test]
fn config_show_defaults_and_sources() {
    let env = TestEnv::new();
    let run = env.run(&["config", "show", "--json"]).expect(0);
    let v = run.json();
    let db = env.data_dir().join("boocoder.db");
    assert_eq!(v["database_url"], format!("sqlite://{}", db.display()));
    assert_eq!(v["watchdog_seconds"], 180);
    assert_eq!(v["snapshot_ttl_seconds"], 300);
    assert_eq!(v["server"]["keep"], "auto");
    assert_eq!(v["server"]["idle_timeout_seconds"], 600);
    assert_eq!(v["config_file_loaded"], false);
    assert_eq!(v["sources"]["database_url"], "default");
    assert_eq!(
        v["worktree_root"],
        env.data_dir().join("worktrees").display().to_string()
    );
    // Text output names each value's source.
    let run = env.run(&["config", "show"]).expect(0);
    assert!(
        run.stdout.contains("watchdog_seconds = 180  # default"),
        "{}",
        run.stdout
    );
    // Reading the config creates no database.
    assert!(!db.exists());
}

#[test]
fn precedence_is_flag_env_file_default() {
    let env = TestEnv::new();
    env.write_config(
        "database_url = \"sqlite:///from/file.db\"\nllama_swap_url = \"http://file:1\"\nwatchdog_seconds = 7\n\
         default_model = \"qwen\"\n[server]\nkeep = true\n[providers.mine]\ntransport = \"acp\"\nlaunch_command = \"my-agent --acp\"\n",
    );
    let show = |cmd: &mut std::process::Command| {
        env.run_with(cmd.args(["config", "show", "--json"]))
            .expect(0)
            .json()
    };

    let v = show(&mut env.cmd());
    assert_eq!(v["database_url"], "sqlite:///from/file.db");
    assert_eq!(v["sources"]["database_url"], "config file");
    assert_eq!(v["llama_swap_url"], "http://file:1");
    assert_eq!(v["watchdog_seconds"], 7);
    assert_eq!(v["default_model"], "qwen");
    assert_eq!(v["server"]["keep"], true);
    assert_eq!(
        v["providers"]["mine"]["launch_command"],
        serde_json::json!(["my-agent", "--acp"])
    );

    let v = show(
        env.cmd()
            .env("BOOCODER_DATABASE_URL", "postgres://u:hunter2@db:5432/x")
            .env("LLAMA_SWAP_URL", "http://env:2/"),
    );
    assert_eq!(
        v["database_url"], "postgres://u:****@db:5432/x",
        "password masked"
    );
    assert_eq!(v["sources"]["database_url"], "env BOOCODER_DATABASE_URL");
    assert_eq!(
        v["llama_swap_url"], "http://env:2",
        "trailing slash trimmed"
    );

    let v = show(
        env.cmd()
            .env("BOOCODER_DATABASE_URL", "postgres://u@db/x")
            .args(["--db", "sqlite:///from/flag.db"]),
    );
    assert_eq!(v["database_url"], "sqlite:///from/flag.db");
    assert_eq!(v["sources"]["database_url"], "flag");
    assert!(!env.run(&["config", "show"]).stdout.contains("hunter2"));
}

#[test]
fn config_path_and_explicit_config_file() {
    let env = TestEnv::new();
    let run = env.run(&["config", "path"]).expect(0);
    assert_eq!(
        run.stdout.trim(),
        env.config_dir().join("config.toml").display().to_string()
    );

    let other = env.path().join("other.toml");
    std::fs::write(&other, "watchdog_seconds = 9\n").unwrap();
    let v = env
        .run_with(
            env.cmd()
                .env("BOOCODER_CONFIG", &other)
                .args(["config", "show", "--json"]),
        )
        .expect(0)
        .json();
    assert_eq!(v["watchdog_seconds"], 9);
    assert_eq!(v["config_file_loaded"], true);
    let v = env
        .run(&[
            "--config",
            other.to_str().unwrap(),
            "config",
            "path",
            "--json",
        ])
        .expect(0)
        .json();
    assert_eq!(v["config_file"], other.display().to_string());
    assert_eq!(v["exists"], true);
}

#[test]
fn invalid_config_names_file_key_and_line() {
    let env = TestEnv::new();
    let file = env.write_config("watchdog_seconds = 10\n\n[server]\nkeep = \"yes\"\n");
    let run = env.run(&["config", "show"]).expect(2);
    let first = run.stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: "), "{}", run.stderr);
    for needle in [
        file.display().to_string().as_str(),
        "line 4",
        "`server.keep`",
        "boolean",
    ] {
        assert!(first.contains(needle), "missing {needle:?} in {first}");
    }
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);

    env.write_config("watchdog_seconds = 10\nwatchdog_secs = 5\n");
    let run = env.run(&["--json", "config", "show"]).expect(2);
    let rec = run.json();
    let msg = rec["message"].as_str().unwrap();
    assert!(
        msg.contains("line 2") && msg.contains("`watchdog_secs`") && msg.contains("unknown field"),
        "{msg}"
    );
    assert_eq!(rec["kind"], "usage");

    env.write_config("[providers.x]\nmodels = 3\n");
    let run = env.run(&["config", "show"]).expect(2);
    assert!(
        run.stderr.contains("`providers.x.models`"),
        "{}",
        run.stderr
    );

    env.write_config("this is not toml\n");
    env.run(&["config", "show"]).expect(2);

    env.write_config("watchdog_seconds = 0\n");
    let run = env.run(&["config", "show"]).expect(2);
    assert!(run.stderr.contains("watchdog_seconds"), "{}", run.stderr);

    env.write_config("llama_swap_url = \"not a url\"\n");
    let run = env.run(&["config", "show"]).expect(2);
    assert!(run.stderr.contains("llama_swap_url"), "{}", run.stderr);
}

#[test]
fn unreadable_or_missing_config_is_exit_2() {
    let env = TestEnv::new();
    // A directory where the file should be cannot be read (root ignores modes).
    std::fs::create_dir_all(env.config_dir().join("config.toml")).unwrap();
    let run = env.run(&["config", "show"]).expect(2);
    assert!(
        run.stderr.contains("cannot read config file"),
        "{}",
        run.stderr
    );

    let run = env
        .run(&["--config", "/nonexistent/boocoder.toml", "config", "show"])
        .expect(2);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
}

#[test]
fn bad_database_url_is_exit_2_with_json_record() {
    let env = TestEnv::new();
    for url in [
        "mysql://root@localhost/x",
        "nonsense",
        "sqlite::memory:",
        "postgres://u@h:notaport/db",
    ] {
        let run = env.run(&["--db", url, "--json", "db", "status"]).expect(2);
        let rec = run.json();
        assert_eq!(rec["type"], "error", "{url}");
        assert!(
            rec["message"].as_str().unwrap().contains("database"),
            "{url}: {rec}"
        );
        assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    }
}

#[test]
fn unreachable_postgres_is_exit_3_with_hint() {
    let env = TestEnv::new();
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    let run = env
        .run(&[
            "--db",
            "postgres://postgres@127.0.0.1:9/test",
            "db",
            "migrate",
        ])
        .expect(3);
    assert!(run.stderr.contains("Connection refused"), "{}", run.stderr);
    assert!(
        run.stderr.contains("hint: is PostgreSQL running"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_postgres_role_is_exit_4() {
    let env = TestEnv::new();
    let url = crate::support::pg_base_url().replacen(
        "postgres://postgres@",
        "postgres://no_such_role_boocoder@",
        1,
    );
    let run = env.run(&["--db", &url, "db", "status"]).expect(4);
    assert!(
        run.stderr.contains("no_such_role_boocoder"),
        "{}",
        run.stderr
    );
}

#[test]
fn failed_first_sqlite_open_leaves_nothing_behind() {
    let env = TestEnv::new();
    let dir = env.path().join("fresh/nested");
    // A directory where SQLite wants its write-ahead log makes the open fail
    // after the database file was created.
    std::fs::create_dir_all(dir.join("x.db-wal")).unwrap();
    let db = dir.join("x.db");
    let run = env
        .run(&[
            "--db",
            &format!("sqlite://{}", db.display()),
            "db",
            "migrate",
        ])
        .expect(3);
    assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
    assert!(!db.exists(), "partial database file left behind");

    // A data directory that cannot be created: nothing is created anywhere.
    let blocker = env.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let run = env
        .run(&[
            "--db",
            &format!("sqlite://{}/sub/x.db", blocker.display()),
            "db",
            "migrate",
        ])
        .expect(3);
    assert!(run.stderr.contains("cannot create"), "{}", run.stderr);
}

#[test]
fn sqlite_db_created_on_first_use_with_status_and_migrate() {
    let env = TestEnv::new();
    let db = env.data_dir().join("boocoder.db");
    let v = env.run(&["db", "status", "--json"]).expect(0).json();
    assert_eq!(v["backend"], "sqlite");
    assert_eq!(v["exists"], false);
    assert!(v["pending"].as_u64().unwrap() >= 1);
    assert!(!db.exists(), "status creates nothing");

    let v = env.run(&["db", "migrate", "--json"]).expect(0).json();
    assert_eq!(v["applied"], serde_json::json!([1, 2, 3, 5, 6, 7, 8, 9]));
    assert!(db.exists());
    let v = env.run(&["db", "migrate", "--json"]).expect(0).json();
    assert_eq!(v["applied"], serde_json::json!([]));

    let v = env
        .run(&["db", "status", "--format", "json"])
        .expect(0)
        .json();
    assert_eq!(v["pending"], 0);
    assert!(
        v["migrations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["applied"] == true)
    );
    let run = env.run(&["db", "status"]).expect(0);
    assert!(
        run.stdout.contains("backend: sqlite") && run.stdout.contains("applied"),
        "{}",
        run.stdout
    );

    let run = env.run(&["db", "status", "--format", "ndjson"]).expect(0);
    assert_eq!(run.stdout.lines().count(), 1);
    let line: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(line["type"], "db_status");
}

#[test]
fn postgres_status_migrate_and_masked_url() {
    let env = TestEnv::new();
    let schema = PgSchema::new();
    let v = env
        .run(&["--db", &schema.url, "db", "status", "--json"])
        .expect(0)
        .json();
    assert_eq!(v["backend"], "postgres");
    assert!(v["pending"].as_u64().unwrap() >= 1);
    let v = env
        .run_with(
            env.cmd()
                .env("BOOCODER_DATABASE_URL", &schema.url)
                .args(["db", "migrate", "--json"]),
        )
        .expect(0)
        .json();
    assert_eq!(v["applied"], serde_json::json!([1, 2, 3, 5, 6, 7, 8, 9]));
    let v = env
        .run(&["--db", &schema.url, "db", "status", "--json"])
        .expect(0)
        .json();
    assert_eq!(v["pending"], 0);

    // A password in the URL never reaches the output.
    let with_password =
        schema
            .url
            .replacen("postgres://postgres@", "postgres://postgres:s3cret@", 1);
    let run = env.run(&["--db", &with_password, "db", "status"]).expect(0);
    assert!(
        !run.stdout.contains("s3cret") && run.stdout.contains("****"),
        "{}",
        run.stdout
    );
}

#[test]
fn generated_completions_and_man_pages_are_in_sync() {
    let env = TestEnv::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let comp = env.path().join("completions");
    let man = env.path().join("man");
    env.run(&[
        "generate",
        "completions",
        "all",
        "--dir",
        comp.to_str().unwrap(),
    ])
    .expect(0);
    env.run(&["generate", "man", man.to_str().unwrap()])
        .expect(0);
    let hint = "run: cargo run -- generate completions all --dir completions && cargo run -- generate man man";
    for (fresh, committed) in [(comp, root.join("completions")), (man, root.join("man"))] {
        let list = |d: &Path| {
            let mut v: Vec<String> = std::fs::read_dir(d)
                .map(|r| {
                    r.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            v.sort();
            v
        };
        assert_eq!(
            list(&fresh),
            list(&committed),
            "{} is out of date; {hint}",
            committed.display()
        );
        for name in list(&fresh) {
            let a = std::fs::read(fresh.join(&name)).unwrap();
            let b = std::fs::read(committed.join(&name)).unwrap();
            assert!(
                a == b,
                "{}/{name} is out of date; {hint}",
                committed.display()
            );
        }
    }
    // One man page per command, the hidden generator excluded.
    let pages = std::fs::read_dir(root.join("man")).unwrap().count();
    assert!(pages >= 7, "expected a page per command, found {pages}");
    assert!(!root.join("man/boocoder-generate.1").exists());

    let run = env.run(&["generate", "completions", "all"]).expect(2);
    assert!(run.stderr.contains("--dir"), "{}", run.stderr);
    let run = env.run(&["generate", "completions", "bash"]).expect(0);
    assert!(run.stdout.contains("boocoder"));
}
