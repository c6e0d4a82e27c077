//! One JSON dialect across commands: snake_case keys, every time field
//! (`*_at`, `ts`) an RFC 3339 UTC string, every ndjson line with `type` and
//! `ts`, and one error record shape.

use serde_json::Value;

use crate::fake_acp::FakeAgents;
use crate::support::{Run, TestEnv, git, git_repo};

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn is_rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    b.len() == 24
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
        && b[19] == b'.'
        && digits(20..23)
        && b[23] == b'Z'
}

/// Every key snake_case, every `*_at` / `ts` a time string (or null);
/// returns how many time fields it saw. `what` names the command.
fn check(what: &str, v: &Value, path: &str, times: &mut usize) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let here = format!("{path}.{k}");
                assert!(
                    k.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                    "{what}: key `{here}` is not snake_case"
                );
                if k.ends_with("_at") || k == "ts" {
                    match x {
                        Value::Null => {}
                        Value::String(s) if is_rfc3339_utc(s) => *times += 1,
                        other => panic!("{what}: `{here}` is not an RFC 3339 UTC time: {other}"),
                    }
                }
                check(what, x, &here, times);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                check(what, x, &format!("{path}[{i}]"), times);
            }
        }
        _ => {}
    }
}

/// Assert `v` speaks the dialect; returns how many time fields it has.
pub fn assert_dialect(what: &str, v: &Value) -> usize {
    let mut times = 0;
    check(what, v, "", &mut times);
    times
}

/// The JSON document of a `--json` run; returns how many time fields it has.
fn json_doc(what: &str, run: Run) -> usize {
    let v = run.json();
    let mut times = 0;
    check(what, &v, "", &mut times);
    times
}

/// The lines of an `--format ndjson` run: each an object with `type` and a
/// `ts` first; returns them.
fn ndjson(what: &str, run: &Run) -> Vec<Value> {
    let lines: Vec<Value> = run
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{what}: {e}: {l}")))
        .collect();
    assert!(!lines.is_empty(), "{what}: no ndjson lines\n{}", run.stderr);
    for l in &lines {
        let keys: Vec<&String> = l.as_object().expect("an object").keys().collect();
        assert_eq!(keys[..2], ["type", "ts"], "{what}: {l}");
        let mut times = 0;
        check(what, l, "", &mut times);
        assert!(times >= 1, "{what}: no ts in {l}");
    }
    lines
}

#[test]
fn every_command_speaks_snake_case_and_rfc3339() {
    let env = TestEnv::new();
    let fake = FakeAgents::new(&env);
    fake.install("gemini");
    fake.script(serde_json::json!({"gemini": {"models": [{"id": "g1"}], "commands": []}}));
    let repo = git_repo(&env.path().join("repo"));
    std::fs::write(repo.join("a.txt"), "a\n").unwrap();
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "a"]);
    let repo_s = repo.to_str().unwrap();

    // The snapshot and the probe: built_at and fetched_at are times.
    let snap = fake.run(&env, &["snapshot", "--json"]).expect(0);
    assert!(json_doc("snapshot", snap) >= 2);
    let cached = fake
        .run(&env, &["snapshot", "--format", "ndjson"])
        .expect(0);
    let lines = ndjson("snapshot ndjson", &cached);
    let last = lines.last().unwrap();
    assert_eq!(last["type"], "snapshot");
    assert_eq!(last["from_cache"], true);
    assert!(is_rfc3339_utc(last["built_at"].as_str().unwrap()));
    json_doc(
        "probe",
        fake.run(&env, &["probe", "gemini", "--json"]).expect(0),
    );

    // A session with a worktree: created_at everywhere is a time.
    let new = env
        .run(&["session", "new", "s1", "--repo", repo_s, "--json"])
        .expect(0);
    assert_eq!(json_doc("session new", new), 1);
    json_doc(
        "session show",
        env.run(&["session", "show", "s1", "--json"]).expect(0),
    );
    json_doc(
        "session list",
        env.run(&["session", "list", "--json"]).expect(0),
    );
    ndjson(
        "session list ndjson",
        &env.run(&["session", "list", "--format", "ndjson"])
            .expect(0),
    );
    json_doc(
        "session changes",
        env.run(&["session", "changes", "s1", "--json"]).expect(0),
    );
    json_doc(
        "session log",
        env.run(&["session", "log", "s1", "--json"]).expect(0),
    );
    let wl = env.run(&["worktree", "list", "--json"]).expect(0);
    let v = wl.json();
    let created = v["worktrees"][0]["created_at"]
        .as_str()
        .expect("created_at");
    assert!(is_rfc3339_utc(created), "{created}");
    assert!(json_doc("worktree list", wl) >= 1);
    ndjson(
        "worktree list ndjson",
        &env.run(&["worktree", "list", "--format", "ndjson"])
            .expect(0),
    );
    json_doc(
        "worktree diff",
        env.run(&["worktree", "diff", "s1", "--json"]).expect(0),
    );
    json_doc(
        "config path",
        env.run(&["config", "path", "--json"]).expect(0),
    );
    json_doc("db status", env.run(&["db", "status", "--json"]).expect(0));
    json_doc(
        "server status",
        env.run(&["server", "status", "--json"]).expect(1),
    );
    json_doc(
        "session rm",
        env.run(&["session", "rm", "s1", "--json"]).expect(0),
    );
}

#[test]
fn errors_are_one_record_with_a_timestamp_in_ndjson() {
    let env = TestEnv::new();
    // A command's error.
    let run = env
        .run(&["session", "show", "nope", "--format", "ndjson"])
        .expect(1);
    let lines = ndjson("session show error", &run);
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    let e = &lines[0];
    assert_eq!(e["type"], "error");
    assert_eq!(e["kind"], "negative");
    assert_eq!(e["session"], "nope", "the error names its session: {e}");
    assert_eq!(e["exit_code"], 1);
    assert!(e["message"].as_str().unwrap().contains("nope"), "{e}");
    let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "type",
            "ts",
            "session",
            "kind",
            "message",
            "hint",
            "exit_code"
        ],
        "{e}"
    );
    // The JSON form is the same record without ts.
    let run = env.run(&["session", "show", "nope", "--json"]).expect(1);
    let v = run.json();
    assert_eq!(v["type"], "error");
    assert_eq!(v["exit_code"], 1);
    assert!(v.get("ts").is_none(), "{v}");
    // A usage error caught before the command ran, in ndjson.
    let run = env
        .run(&["session", "show", "--format", "ndjson", "--bogus"])
        .expect(2);
    let lines = ndjson("usage error", &run);
    assert_eq!(lines[0]["kind"], "usage");
    assert_eq!(lines[0]["exit_code"], 2);
    assert_eq!(lines[0]["hint"], "run `boocoder --help`");
    assert!(lines[0].get("session").is_none(), "{}", lines[0]);
    // An error of no one session has no `session` key.
    let run = env.run(&["db", "status", "--db", "bogus://x", "--json"]);
    assert_ne!(run.code, 0);
    let v = run.json();
    assert_eq!(v["type"], "error");
    assert!(v.get("session").is_none(), "{v}");
}
