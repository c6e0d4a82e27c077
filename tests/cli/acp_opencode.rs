//! The real `opencode acp` (the pinned opencode) running turns, with the
//! scripted model server as its llama-swap provider: `[providers.opencode]
//! turns = "acp"`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::model_server::{ModelServer, Script};
use crate::server::with_opencode;
use crate::support::{Run, TestEnv, git_repo};

const MODEL: &str = "scripted-model";

struct Rig {
    env: TestEnv,
    models: ModelServer,
    repo: PathBuf,
}

fn rig() -> Rig {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config(&format!(
        "default_model = \"{MODEL}\"\nlease_seconds = 3\n[providers.opencode]\nturns = \"acp\"\n"
    ));
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

    fn new_session(&self, name: &str) -> Value {
        self.run(&[
            "session",
            "new",
            name,
            "--repo",
            self.repo.to_str().unwrap(),
            "--json",
        ])
        .expect(0)
        .json()
    }
}

/// Live processes whose working directory is `dir` (their command lines).
fn processes_in(dir: &Path) -> Vec<String> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z "))
        })
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/cwd"))
                .ok()
                .as_deref()
                == Some(&dir)
        })
        .map(|pid| {
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            format!(
                "{pid} {} [{stat}]",
                String::from_utf8_lossy(&cmd).replace('\0', " ")
            )
        })
        .collect()
}

#[test]
fn opencode_acp_runs_two_turns_on_one_agent_session_and_writes_in_the_worktree() {
    let rig = rig();
    let created = rig.new_session("oa");
    let wt = PathBuf::from(created["worktree"]["path"].as_str().unwrap());

    rig.models.push(Script::new().text("First answer."));
    let first = rig
        .run(&["session", "prompt", "oa", "hello", "--json"])
        .expect(0)
        .json();
    assert_eq!(first["text"], "First answer.", "{first}");
    assert_eq!(first["stop_reason"], "end_turn");
    assert_eq!(first["server_url"], "acp:opencode");

    let target = wt.join("hello.txt");
    rig.models.push(Script::new().text("Writing.").tool_call(
        "write",
        json!({"filePath": target.display().to_string(), "content": "hi\n"}),
    ));
    rig.models.push(Script::new().text("Wrote it."));
    let second = rig
        .run(&[
            "session",
            "prompt",
            "oa",
            "write a file",
            "--permissions",
            "allow",
            "--json",
        ])
        .expect(0)
        .json();
    assert_eq!(
        second["agent_session_id"], first["agent_session_id"],
        "the agent session is resumed: {second}"
    );
    assert!(
        second["text"].as_str().unwrap().ends_with("Wrote it."),
        "{second}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "hi\n");
    assert_eq!(second["changes"]["files"], 1);
    assert!(!rig.repo.join("hello.txt").exists());
    // The second turn's model request carries the first turn's history.
    let last = rig.models.requests().last().cloned().unwrap();
    assert!(last.to_string().contains("First answer."), "{last}");
    assert_eq!(
        processes_in(&wt),
        Vec::<String>::new(),
        "no opencode acp left running"
    );
}

#[test]
fn opencode_acp_stall_and_ctrl_c() {
    let rig = rig();
    let created = rig.new_session("os");
    let wt = PathBuf::from(created["worktree"]["path"].as_str().unwrap());
    rig.models.push(Script::new().text("Going").stall());
    let stalled = rig
        .run(&["session", "prompt", "os", "go", "--timeout", "3s", "--json"])
        .expect(3);
    assert_eq!(stalled.json()["kind"], "stalled");
    assert_eq!(
        processes_in(&wt),
        Vec::<String>::new(),
        "no opencode acp left running"
    );

    rig.models.push(Script::new().text("Waiting").stall());
    let asked = rig.models.agent_requests();
    let mut child = rig
        .cmd()
        .args(["session", "prompt", "os", "go", "--format", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // opencode sends a text part when it ends: wait for the model request.
    let deadline = Instant::now() + Duration::from_secs(60);
    while rig.models.agent_requests() == asked {
        assert!(Instant::now() < deadline, "no model request");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: signalling a child this test started.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_eq!(
        processes_in(&wt),
        Vec::<String>::new(),
        "no opencode acp left running"
    );
    let show = rig
        .run(&["session", "show", "os", "--json"])
        .expect(0)
        .json();
    assert_eq!(show["last_turn"]["status"], "interrupted");
}
