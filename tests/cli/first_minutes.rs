//! The first five minutes: `boocoder doctor`, `boocoder completions SHELL`,
//! and `probe` / `snapshot` finding opencode where turns find it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::model_server::ModelServer;
use crate::opencode::opencode_bin;
use crate::server::with_opencode;
use crate::support::{TestEnv, git_repo};

const MODEL: &str = "scripted-model";

/// A PATH holding git and nothing else: opencode is not on it.
fn path_without_opencode(env: &TestEnv) -> PathBuf {
    let bin = env.path().join("only-git");
    std::fs::create_dir_all(&bin).unwrap();
    let git = which("git");
    std::os::unix::fs::symlink(git, bin.join("git")).unwrap();
    bin
}

fn which(name: &str) -> PathBuf {
    let out = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .unwrap();
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn check<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {doc:#}"))
}

#[test]
fn doctor_on_a_bare_machine_fails_on_opencode_and_says_how_to_fix_it() {
    let env = TestEnv::new();
    let path = path_without_opencode(&env);
    let run = env.run_with(env.cmd().env("PATH", &path).args(["doctor", "--json"]));
    assert_eq!(run.code, 1, "a failed check is exit 1: {}", run.stdout);
    let doc = run.json();
    let names: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        &names[..6],
        [
            "opencode",
            "llama-swap",
            "database",
            "git",
            "server",
            "worktrees"
        ]
    );
    assert!(
        names.contains(&"agent:opencode") && names.contains(&"agent:qwen"),
        "{names:?}"
    );

    let oc = check(&doc, "opencode");
    assert_eq!(oc["status"], "fail");
    assert_eq!(oc["summary"], "not found on PATH");
    assert!(
        oc["fix"]
            .as_str()
            .unwrap()
            .contains("scripts/install-opencode"),
        "{oc}"
    );
    assert_eq!(oc["details"]["tested"], "1.18.33");
    let ls = check(&doc, "llama-swap");
    assert_eq!(ls["status"], "warn");
    assert!(
        ls["fix"].as_str().unwrap().contains("LLAMA_SWAP_URL"),
        "{ls}"
    );
    let db = check(&doc, "database");
    assert_eq!(db["status"], "ok");
    assert_eq!(db["details"]["exists"], false);
    assert!(
        !env.data_dir().join("boocoder.db").exists(),
        "doctor creates nothing"
    );
    assert_eq!(check(&doc, "git")["status"], "ok");
    assert_eq!(check(&doc, "server")["details"]["running"], false);
    assert_eq!(check(&doc, "worktrees")["details"]["count"], 0);
    // The default agent is not "optional" while opencode is missing: it
    // warns, pointing at the failed check (one cause, one failure).
    let agent = check(&doc, "agent:opencode");
    assert_eq!(agent["status"], "warn", "{agent}");
    assert!(
        agent["summary"]
            .as_str()
            .unwrap()
            .starts_with("not installed: `opencode acp` is not found"),
        "{agent}"
    );
    assert_eq!(agent["fix"], "see the opencode check");
    assert_eq!(doc["fail"], 1);
    assert_eq!(doc["warn"], 2);

    // Text: one line per check with its status, the fix under it.
    let text = env.run_with(env.cmd().env("PATH", &path).arg("doctor"));
    assert_eq!(text.code, 1);
    let lines: Vec<&str> = text.stdout.lines().collect();
    assert!(lines[0].starts_with("fail  opencode "), "{}", text.stdout);
    assert!(
        lines[1]
            .trim_start()
            .starts_with("fix: run scripts/install-opencode"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.ends_with("1 failed\n"), "{}", text.stdout);
}

#[test]
fn doctor_passes_with_opencode_llama_swap_and_a_kept_server_and_reports_worktrees() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL, "other-model"]);
    env.write_config(&format!("default_model = \"{MODEL}\"\n"));
    let doctor = |expect: i32| {
        let mut c = env.cmd();
        with_opencode(&env, &mut c, &models.url());
        env.run_with(c.args(["doctor", "--json"]))
            .expect(expect)
            .json()
    };
    let doc = doctor(0);
    let oc = check(&doc, "opencode");
    assert_eq!(oc["status"], "ok", "{oc}");
    assert_eq!(oc["details"]["version"], "1.18.33");
    assert_eq!(oc["details"]["from"], "BOOCODER_OPENCODE_BIN");
    assert_eq!(
        oc["details"]["path"].as_str().unwrap(),
        opencode_bin().to_str().unwrap()
    );
    let ls = check(&doc, "llama-swap");
    assert_eq!(ls["status"], "ok", "{ls}");
    assert_eq!(
        ls["details"]["models"],
        serde_json::json!([MODEL, "other-model"])
    );
    assert_eq!(ls["details"]["default_model_listed"], true);
    assert_eq!(doc["fail"], 0);

    // A kept server: running and healthy.
    let mut start = env.cmd();
    with_opencode(&env, &mut start, &models.url());
    let started = env
        .run_with(start.args(["server", "start", "--json"]))
        .expect(0)
        .json();
    assert_eq!(
        crate::json_dialect::assert_dialect("server start", &started),
        1
    );
    let mut status = env.cmd();
    with_opencode(&env, &mut status, &models.url());
    let status = env
        .run_with(status.args(["server", "status", "--json"]))
        .expect(0)
        .json();
    assert_eq!(status["started_at"], started["started_at"], "{status}");
    assert_eq!(
        crate::json_dialect::assert_dialect("server status", &status),
        1
    );
    let doc = doctor(0);
    crate::json_dialect::assert_dialect("doctor", &doc);
    let server = check(&doc, "server");
    let stop = || {
        let mut c = env.cmd();
        with_opencode(&env, &mut c, &models.url());
        env.run_with(c.args(["server", "stop"])).expect(0);
    };
    if server["status"] != "ok" {
        stop();
        panic!("{server}");
    }
    assert_eq!(server["details"]["healthy"], true);
    assert_eq!(server["details"]["same_settings"], true);
    let at = server["details"]["started_at"].as_str().unwrap_or_default();
    assert!(crate::json_dialect::is_rfc3339_utc(at), "{server}");
    stop();
    assert_eq!(check(&doctor(0), "server")["details"]["running"], false);

    // Two worktrees, one whose directory is gone: a warning naming it.
    let repo = git_repo(&env.path().join("repo"));
    for s in ["kept", "lost"] {
        env.run(&["worktree", "ensure", s, "--repo", repo.to_str().unwrap()])
            .expect(0);
    }
    let lost = env
        .run(&[
            "worktree",
            "ensure",
            "lost",
            "--repo",
            repo.to_str().unwrap(),
        ])
        .expect(0)
        .stdout;
    std::fs::remove_dir_all(Path::new(lost.trim())).unwrap();
    let doc = doctor(0);
    let wt = check(&doc, "worktrees");
    assert_eq!(wt["status"], "warn", "{wt}");
    assert_eq!(wt["details"]["count"], 2);
    assert_eq!(wt["details"]["missing"], serde_json::json!(["lost"]));
    assert!(wt["details"]["bytes"].as_u64().unwrap() > 0, "{wt}");
    assert!(
        wt["fix"].as_str().unwrap().contains("worktree prune"),
        "{wt}"
    );
    let db = check(&doc, "database");
    assert_eq!(db["status"], "ok", "{db}");
    assert_eq!(db["details"]["pending"], 0);
}

#[test]
fn doctor_fails_when_default_model_is_not_served_or_llama_swap_is_down() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    env.write_config("default_model = \"missing-model\"\n");
    let mut c = env.cmd();
    with_opencode(&env, &mut c, &models.url());
    let doc = env.run_with(c.args(["doctor", "--json"])).expect(1).json();
    let ls = check(&doc, "llama-swap");
    assert_eq!(ls["status"], "fail");
    assert_eq!(ls["details"]["default_model_listed"], false);
    assert_eq!(ls["fix"], format!("set default_model to one of: {MODEL}"));

    let url = models.url();
    drop(models);
    let mut c = env.cmd();
    with_opencode(&env, &mut c, &url);
    let doc = env.run_with(c.args(["doctor", "--json"])).expect(1).json();
    let ls = check(&doc, "llama-swap");
    assert_eq!(ls["status"], "fail");
    assert_eq!(ls["details"]["reachable"], false);
    assert!(
        ls["fix"]
            .as_str()
            .unwrap()
            .starts_with("start llama-swap at "),
        "{ls}"
    );
}

#[test]
fn completions_print_the_committed_script_for_each_shell() {
    let env = TestEnv::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "boocoder.bash"),
        ("zsh", "_boocoder"),
        ("fish", "boocoder.fish"),
        ("powershell", "_boocoder.ps1"),
        ("elvish", "boocoder.elv"),
    ] {
        let run = env.run(&["completions", shell]).expect(0);
        assert_eq!(
            run.stdout,
            std::fs::read_to_string(root.join(file)).unwrap(),
            "{shell}: the printed script is the committed one"
        );
        assert_eq!(run.stderr, "");
    }
    let bad = env.run(&["completions", "tcsh"]).expect(2);
    assert!(
        bad.stderr.contains("bash"),
        "the valid shells are listed: {}",
        bad.stderr
    );
}

#[test]
fn probe_and_snapshot_find_opencode_where_turns_do() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    let path = path_without_opencode(&env);
    let cmd = |args: &[&str]| {
        let mut c = env.cmd();
        with_opencode(&env, &mut c, &models.url());
        c.env("PATH", &path).args(args);
        c
    };
    let probe = env
        .run_with(&mut cmd(&["probe", "opencode", "--json"]))
        .expect(0)
        .json();
    let entry = &probe["providers"][0];
    assert_eq!(entry["name"], "opencode");
    assert_eq!(entry["installed"], true, "{probe:#}");
    assert_eq!(
        entry["install_path"].as_str().unwrap(),
        opencode_bin().to_str().unwrap()
    );
    let snap = env
        .run_with(&mut cmd(&["snapshot", "--force", "--json"]))
        .expect(0)
        .json();
    let oc = snap["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "opencode")
        .unwrap();
    assert_eq!(oc["installed"], true, "{oc}");
    assert_ne!(oc["status"], "unavailable", "{oc}");
}
