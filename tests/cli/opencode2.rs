//! opencode 2 (which serves only its V2 API, always behind Basic auth): its
//! turns run over `opencode acp` without being told. The stand-in
//! `tests/fake-opencode2/opencode` says 2.0.12, serves only `/api/health`,
//! and hands `acp` (and the rest) to the real opencode 1.18.33.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::model_server::{ModelServer, Script};
use crate::opencode::opencode_bin;
use crate::server::with_opencode;
use crate::support::{Run, TestEnv, git_repo};

const MODEL: &str = "scripted-model";
const NOTE: &str = "note: opencode 2.0.12: turns run over opencode acp";

struct Rig {
    env: TestEnv,
    models: ModelServer,
    repo: PathBuf,
    /// The stand-in, copied into the test's dir.
    bin: PathBuf,
}

fn rig(config: &str) -> Rig {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config(&format!(
        "default_model = \"{MODEL}\"\nlease_seconds = 3\n{config}"
    ));
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake-opencode2/opencode"),
    )
    .unwrap();
    let source = source.split_once('\n').unwrap().1;
    let dir = env.path().join("opencode2");
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("opencode");
    std::fs::write(&bin, format!("#!{}\n{source}", crate::fake_acp::python())).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    Rig {
        env,
        models,
        repo,
        bin,
    }
}

impl Rig {
    fn cmd(&self) -> Command {
        let mut c = self.env.cmd();
        with_opencode(&self.env, &mut c, &self.models.url());
        c.env("BOOCODER_OPENCODE_BIN", &self.bin)
            .env("OPENCODE2_REAL_BIN", opencode_bin())
            .env("OPENCODE2_LOG", self.env.path().join("opencode2.log"));
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        self.env.run_with(self.cmd().args(args))
    }

    /// How many times the stand-in was asked for its version.
    fn version_calls(&self) -> usize {
        std::fs::read_to_string(self.env.path().join("opencode2.log"))
            .unwrap_or_default()
            .lines()
            .count()
    }

    fn check(&self, doc: &Value, name: &str) -> Value {
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} check in {doc}"))
    }
}

#[test]
fn opencode_2_turns_run_over_opencode_acp_and_resume() {
    let rig = rig("");
    let repo = rig.repo.to_str().unwrap();
    rig.run(&["session", "new", "o2", "--repo", repo]).expect(0);

    rig.models.push(Script::new().text("First answer."));
    let first = rig
        .run(&["session", "prompt", "o2", "hello", "--json"])
        .expect(0);
    assert_eq!(
        first.stderr.matches(NOTE).count(),
        1,
        "said once: {}",
        first.stderr
    );
    let first = first.json();
    assert_eq!(first["text"], "First answer.", "{first}");
    assert_eq!(first["server_url"], "acp:opencode");
    assert_eq!(first["stop_reason"], "end_turn");

    rig.models.push(Script::new().text("Second answer."));
    let second = rig
        .run(&["session", "prompt", "o2", "again", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        second["agent_session_id"], first["agent_session_id"],
        "turn 2 resumes the agent session: {second}"
    );
    let last = rig.models.requests().last().cloned().unwrap();
    assert!(last.to_string().contains("First answer."), "{last}");

    // The agent record says how its turns run.
    let show = rig
        .run(&["session", "show", "o2", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        show["server_url"], "opencode 2.0.12: turns run over opencode acp",
        "{show}"
    );
    // The version is asked for once, then cached by path, size and mtime.
    assert_eq!(rig.version_calls(), 1);

    // A one-shot prompt too.
    rig.models.push(Script::new().text("One shot."));
    let one = rig.run(&["prompt", "hi", "--repo", repo]).expect(0);
    assert_eq!(one.stdout.trim(), "One shot.");
    assert!(one.stderr.contains(NOTE), "{}", one.stderr);
    assert_eq!(rig.version_calls(), 1);

    // The binary replaced (as `opencode upgrade` does): asked again.
    let f = std::fs::File::options()
        .append(true)
        .open(&rig.bin)
        .unwrap();
    f.set_modified(std::time::SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    drop(f);
    let doc = rig.run(&["doctor", "--json"]).json();
    let check = rig.check(&doc, "opencode");
    assert_eq!(check["status"], "ok", "{check}");
    assert_eq!(check["details"]["version"], "2.0.12");
    assert_eq!(check["details"]["transport"], "acp");
    assert!(
        check["summary"]
            .as_str()
            .unwrap()
            .contains("opencode 2: turns run over `opencode acp`"),
        "{check}"
    );
    rig.models.push(Script::new().text("Third."));
    rig.run(&["session", "prompt", "o2", "more"]).expect(0);
    assert_eq!(
        rig.version_calls(),
        3,
        "doctor asks; the changed binary is asked again"
    );
}

#[test]
fn opencode_2_with_turns_server_is_a_clear_error_and_snapshot_lists_its_models() {
    let rig = rig("[providers.opencode]\nturns = \"server\"\n");
    let repo = rig.repo.to_str().unwrap();
    let refused = rig.run(&["session", "new", "s", "--repo", repo]).expect(2);
    assert!(
        refused.stderr.contains("opencode 2.0.12") && refused.stderr.contains("turns = \"server\""),
        "{}",
        refused.stderr
    );
    let doc = rig.run(&["doctor", "--json"]).json();
    let check = rig.check(&doc, "opencode");
    assert_eq!(check["status"], "fail", "{check}");

    // `server start` says so at once instead of waiting for a V1 health check.
    let started = Instant::now();
    let start = rig.run(&["server", "start"]).expect(2);
    assert!(start.stderr.contains("opencode 2.0.12"), "{}", start.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );

    // Probe and snapshot still list opencode's models (over `opencode acp`).
    // (a loaded machine may take a while to start opencode)
    rig.env.write_config(&format!(
        "default_model = \"{MODEL}\"\nprobe_timeout_seconds = 120\n"
    ));
    let snap = rig.run(&["snapshot", "--force", "--json"]).expect(0).json();
    let entry = snap["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "opencode")
        .cloned()
        .unwrap();
    assert_eq!(entry["status"], "ready", "{entry}");
    let ids: Vec<&str> = entry["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(ids.contains(&"llama-swap/scripted-model"), "{ids:?}");
}
