//! A newcomer's first hour: what the one-shot does to the checkout, a
//! session keeping the model its turn was given, and the errors and output
//! a new user meets first (the real binary, real opencode, real git).

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

use crate::model_server::{ModelServer, Script};
use crate::server::with_opencode;
use crate::support::{Run, TestEnv, git, git_repo};

const MODEL: &str = "scripted-model";
const OTHER_MODEL: &str = "other-model";

struct Rig {
    env: TestEnv,
    models: ModelServer,
    repo: PathBuf,
}

/// Two llama-swap models and no `default_model`: a turn must name one.
fn rig() -> Rig {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL, OTHER_MODEL]);
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config("lease_seconds = 3\n[server]\nstream_timeout_seconds = 3\n");
    Rig { env, models, repo }
}

impl Rig {
    fn cmd(&self) -> Command {
        let mut c = self.env.cmd();
        with_opencode(&self.env, &mut c, &self.models.url());
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        self.env.run_with(self.cmd().args(args))
    }

    /// The model named by the last chat request the model server got.
    fn last_model(&self) -> String {
        let reqs = self.models.requests();
        reqs.last().expect("a chat request")["model"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}

fn records(run: &Run) -> Vec<Value> {
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad ndjson line {l:?}: {e}")))
        .collect()
}

#[test]
fn the_one_shot_says_it_edits_the_checkout_and_lists_what_it_changed() {
    let rig = rig();
    let help = rig.run(&["prompt", "--help"]).expect(0);
    assert!(
        help.stdout.contains("edits the checkout"),
        "--help says where the agent works: {}",
        help.stdout
    );

    let notes = rig.repo.join("NOTES.md");
    rig.models.push(Script::new().text("Writing.").tool_call(
        "write",
        json!({"filePath": notes.display().to_string(), "content": "# Notes\none\n"}),
    ));
    rig.models.push(Script::new().text("Wrote it."));
    let run = rig
        .run(&[
            "prompt",
            "add notes",
            "--model",
            MODEL,
            "--repo",
            rig.repo.to_str().unwrap(),
        ])
        .expect(0);
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "# Notes\none\n");
    assert_eq!(git(&rig.repo, &["status", "--short"]), "?? NOTES.md");
    let summary = run
        .stderr
        .lines()
        .find(|l| l.starts_with("done in"))
        .unwrap_or_else(|| panic!("no summary: {}", run.stderr));
    assert!(
        summary.ends_with(", changed in the checkout: NOTES.md (+2 -0)"),
        "the summary names the file changed in the checkout: {summary}"
    );

    // JSON: the turn's changes, with their paths.
    rig.models.push(Script::new().tool_call(
        "write",
        json!({"filePath": notes.display().to_string(), "content": "# Notes\ntwo\n"}),
    ));
    rig.models.push(Script::new().text("Changed it."));
    let done = rig
        .run(&[
            "prompt",
            "change notes",
            "--model",
            MODEL,
            "--repo",
            rig.repo.to_str().unwrap(),
            "--json",
        ])
        .expect(0)
        .json();
    assert_eq!(
        done["turn_changes"],
        json!({"files": 1, "insertions": 1, "deletions": 1}),
        "{done}"
    );
    assert_eq!(done["turn_paths"], json!(["NOTES.md"]), "{done}");
    assert_eq!(done["changes"], Value::Null, "no worktree: {done}");

    // A chat-only one-shot changes nothing and says so.
    rig.models.push(Script::new().text("Just talk."));
    let run = rig
        .run(&[
            "prompt",
            "hi",
            "--model",
            MODEL,
            "--repo",
            rig.repo.to_str().unwrap(),
        ])
        .expect(0);
    assert!(
        run.stderr.contains(", nothing changed in the checkout"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_turn_model_becomes_the_session_model() {
    let rig = rig();
    rig.run(&["session", "new", "s", "--repo", rig.repo.to_str().unwrap()])
        .expect(0);
    // No default_model and two models: the first turn must name one.
    let refused = rig.run(&["session", "prompt", "s", "hello"]).expect(2);
    assert!(
        refused.stderr.contains("no model configured"),
        "{}",
        refused.stderr
    );
    rig.models.push(Script::new().text("On the other model."));
    rig.run(&["session", "prompt", "s", "hello", "--model", OTHER_MODEL])
        .expect(0);
    assert_eq!(rig.last_model(), OTHER_MODEL);
    let show = rig
        .run(&["session", "show", "s", "--json"])
        .expect(0)
        .json();
    assert_eq!(show["model"], OTHER_MODEL, "{show}");
    let text = rig.run(&["session", "show", "s"]).expect(0);
    assert!(
        text.stdout.contains(&format!("model: {OTHER_MODEL}\n")),
        "{}",
        text.stdout
    );

    // The next turn names no model: the session's is used.
    rig.models
        .push(Script::new().text("Still the other model."));
    let done = rig
        .run(&["session", "prompt", "s", "again", "--json"])
        .expect(0)
        .json();
    assert_eq!(rig.last_model(), OTHER_MODEL, "{done}");
    assert_eq!(done["text"], "Still the other model.");
}

#[test]
fn tool_paths_are_relative_while_the_tool_runs_as_when_it_completes() {
    let rig = rig();
    rig.run(&["session", "new", "t", "--repo", rig.repo.to_str().unwrap()])
        .expect(0);
    let wt = rig
        .run(&["session", "show", "t", "--json"])
        .expect(0)
        .json()["worktree"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let target = PathBuf::from(&wt).canonicalize().unwrap().join("a.txt");
    rig.models.push(Script::new().tool_call(
        "write",
        json!({"filePath": target.display().to_string(), "content": "a\n"}),
    ));
    rig.models.push(Script::new().text("Done."));
    let run = rig
        .run(&["session", "prompt", "t", "write a", "--model", MODEL])
        .expect(0);
    let tools: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("· write"))
        .collect();
    assert!(
        tools.contains(&"· write a.txt [running]") && tools.contains(&"· write a.txt [completed]"),
        "the same relative path in every state: {tools:?}\n{}",
        run.stderr
    );
    let ndjson = {
        rig.models.push(Script::new().tool_call(
            "write",
            json!({"filePath": target.display().to_string(), "content": "b\n"}),
        ));
        rig.models.push(Script::new().text("Done."));
        rig.run(&["session", "prompt", "t", "write b", "--format", "ndjson"])
            .expect(0)
    };
    for r in records(&ndjson).iter().filter(|r| r["type"] == "tool") {
        if let Some(input) = r["input"].as_str() {
            assert_eq!(input, "a.txt", "{r}");
        }
    }
}

#[test]
fn a_directory_that_is_not_a_repository_is_said_plainly() {
    let env = TestEnv::new();
    let plain = env.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    for args in [
        vec!["session", "new", "x", "--repo", plain.to_str().unwrap()],
        vec!["worktree", "ensure", "x", "--repo", plain.to_str().unwrap()],
    ] {
        let run = env.run(&args).expect(3);
        assert_eq!(
            run.stderr,
            format!(
                "error: {} is not a git repository (nor inside one)\n\
                 hint: point --repo at a git checkout (or run `git init` there)\n",
                plain.display()
            ),
            "{args:?}"
        );
        let json = env
            .run(&[args.as_slice(), &["--json"]].concat())
            .expect(3)
            .json();
        assert!(
            !json["message"].as_str().unwrap().contains("class="),
            "{json}"
        );
    }
}

#[test]
fn a_bad_boocoder_format_names_the_variable() {
    let env = TestEnv::new();
    let run = env.run_with(
        env.cmd()
            .env("BOOCODER_FORMAT", "xml")
            .args(["session", "list"]),
    );
    let run = run.expect(2);
    assert!(
        run.stderr.starts_with(
            "error: invalid value 'xml' in BOOCODER_FORMAT (the value of --format when the flag is not given)\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("[possible values: text, json, ndjson]"),
        "{}",
        run.stderr
    );
    // The flag itself keeps clap's own words, naming the flag.
    let flag = env.run(&["session", "list", "--format", "xml"]).expect(2);
    assert!(
        flag.stderr
            .starts_with("error: invalid value 'xml' for '--format <FORMAT>'"),
        "{}",
        flag.stderr
    );
    // A valid variable with a bad flag: the flag is what is wrong.
    let both = env.run_with(
        env.cmd()
            .env("BOOCODER_FORMAT", "json")
            .args(["session", "list", "--format", "xml"]),
    );
    assert!(
        both.expect(2)
            .stderr
            .starts_with("error: invalid value 'xml' for '--format <FORMAT>'")
    );
}

#[test]
fn apply_and_commit_count_one_file_as_one_file() {
    let env = TestEnv::new();
    let repo = git_repo(&env.path().join("repo"));
    env.run(&["session", "new", "s", "--repo", repo.to_str().unwrap()])
        .expect(0);
    let wt = env
        .run(&["session", "show", "s", "--json"])
        .expect(0)
        .json()["worktree"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(PathBuf::from(&wt).join("NOTES.md"), "one\n").unwrap();
    let applied = env.run(&["session", "apply", "s"]).expect(0);
    assert!(
        applied.stderr.contains(&format!(
            "applied 1 file to {}",
            repo.canonicalize().unwrap().display()
        )),
        "{}",
        applied.stderr
    );
    let committed = env
        .run(&["session", "commit", "s", "-m", "notes"])
        .expect(0);
    assert!(
        committed.stdout.ends_with(" (1 file)\n"),
        "{}",
        committed.stdout
    );
}

#[test]
fn snapshot_peek_right_after_probe_shows_what_the_probe_stored() {
    let env = TestEnv::new();
    let fake = crate::fake_acp::FakeAgents::new(&env);
    fake.install("qwen");
    fake.script(json!({"qwen": {"models": [{"id": "q-local", "name": "Q local"}]}}));
    let dir = env.path().to_str().unwrap().to_string();
    let none = fake
        .run(&env, &["snapshot", "peek", "qwen", "--cwd", &dir])
        .expect(1);
    assert!(
        none.stderr.contains("no cached snapshot entry for `qwen`"),
        "never probed: {}",
        none.stderr
    );
    let probe = fake
        .run(&env, &["probe", "qwen", "--cwd", &dir, "--json"])
        .expect(0)
        .json();
    assert_eq!(probe["providers"][0]["probed"], true, "{probe}");
    let starts = fake.starts("qwen");
    let peek = fake
        .run(&env, &["snapshot", "peek", "qwen", "--cwd", &dir, "--json"])
        .expect(0)
        .json();
    assert_eq!(crate::fake_acp::model_ids(&peek), ["q-local"], "{peek}");
    assert_eq!(peek["installed"], true);
    let text = fake
        .run(&env, &["snapshot", "peek", "qwen", "--cwd", &dir])
        .expect(0);
    assert!(text.stdout.contains("model: q-local\n"), "{}", text.stdout);
    assert!(
        text.stdout.contains("from the stored probe"),
        "{}",
        text.stdout
    );
    assert_eq!(fake.starts("qwen"), starts, "peek never starts the agent");
}

#[test]
fn session_log_names_the_model_an_acp_agent_used() {
    let env = TestEnv::new();
    let fake = crate::fake_acp::FakeAgents::new(&env);
    fake.install("qwen");
    fake.script(json!({"qwen": {
        "models": [{"id": "qwen3-coder-local", "name": "local"}],
        "turn": [{"text": "hi"}]
    }}));
    let repo = git_repo(&env.path().join("repo"));
    env.write_config("lease_seconds = 3\n");
    fake.run(
        &env,
        &[
            "session",
            "new",
            "q",
            "--agent",
            "qwen",
            "--repo",
            repo.to_str().unwrap(),
        ],
    )
    .expect(0);
    let done = fake
        .run(&env, &["session", "prompt", "q", "hello", "--json"])
        .expect(0)
        .json();
    assert_eq!(done["model"], "qwen3-coder-local", "{done}");
    let log = fake
        .run(&env, &["session", "log", "q", "--json"])
        .expect(0)
        .json();
    assert_eq!(log["turns"][0]["model"], "qwen3-coder-local", "{log}");
    let text = fake.run(&env, &["session", "log", "q"]).expect(0);
    assert!(
        text.stdout.contains(" qwen qwen3-coder-local done "),
        "{}",
        text.stdout
    );
}

#[test]
fn the_opencode_snapshot_lists_the_llama_swap_models_first() {
    let rig = rig();
    let mut c = rig.cmd();
    c.args(["snapshot", "--force", "--json", "--cwd"])
        .arg(&rig.repo);
    let snap = rig.env.run_with(&mut c).expect(0).json();
    let oc = crate::fake_acp::entry(&snap, "entries", "opencode");
    let ids = crate::fake_acp::model_ids(oc);
    assert!(ids.len() > 2, "{oc}");
    assert_eq!(
        ids[..2],
        [
            format!("llama-swap/{MODEL}"),
            format!("llama-swap/{OTHER_MODEL}")
        ],
        "{ids:?}"
    );
}

#[test]
fn boocoder_log_and_verbose_choose_the_messages() {
    let env = TestEnv::new();
    let repo = git_repo(&env.path().join("repo"));
    std::fs::write(repo.join(".gitignore"), ".env\n").unwrap();
    std::fs::write(repo.join(".worktreeinclude"), ".env\n").unwrap();
    git(&repo, &["add", ".gitignore", ".worktreeinclude"]);
    git(&repo, &["commit", "-q", "-m", "include"]);
    std::fs::write(repo.join(".env"), "A=1\n").unwrap();
    let copied = "copied .env into the worktree";
    let ensure = |name: &str, log: Option<&str>, flag: Option<&str>| {
        let mut c = env.cmd();
        if let Some(l) = log {
            c.env("BOOCODER_LOG", l);
        }
        c.args(["worktree", "ensure", name, "--repo", repo.to_str().unwrap()]);
        if let Some(f) = flag {
            c.arg(f);
        }
        env.run_with(&mut c).expect(0).stderr
    };
    assert!(!ensure("a", None, None).contains(copied));
    assert!(ensure("b", None, Some("-v")).contains(copied));
    assert!(ensure("c", Some("boocoder=info"), None).contains(copied));
    assert!(!ensure("d", Some("boocoder=warn"), Some("-v")).contains(copied));
}
