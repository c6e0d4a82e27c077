//! What each turn changed (`turn_changes`) and the session's history
//! (`session log`), over real opencode turns driven by the scripted model
//! server; on SQLite and on PostgreSQL.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

use crate::model_server::{ModelServer, Script};
use crate::server::with_opencode;
use crate::support::{PgSchema, Run, TestEnv, git_repo};

const MODEL: &str = "scripted-model";

struct Rig {
    env: TestEnv,
    models: ModelServer,
    repo: PathBuf,
    db: Option<PgSchema>,
}

impl Rig {
    fn new(db: Option<PgSchema>) -> Rig {
        let env = TestEnv::new();
        let models = ModelServer::start(&[MODEL]);
        std::fs::create_dir_all(env.path().join("repo")).unwrap();
        let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
        env.write_config(&format!("default_model = \"{MODEL}\"\nlease_seconds = 3\n"));
        Rig {
            env,
            models,
            repo,
            db,
        }
    }

    fn cmd(&self) -> Command {
        let mut c = self.env.cmd();
        with_opencode(&self.env, &mut c, &self.models.url());
        if let Some(db) = &self.db {
            c.env("BOOCODER_DATABASE_URL", &db.url);
        }
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        self.env.run_with(self.cmd().args(args))
    }
}

fn write_turn_then_chat_turn(rig: Rig) {
    let created = rig
        .run(&[
            "session",
            "new",
            "t1",
            "--repo",
            rig.repo.to_str().unwrap(),
            "--json",
        ])
        .expect(0)
        .json();
    let wt = PathBuf::from(created["worktree"]["path"].as_str().unwrap());
    // Pending work from before the turns: counted in changes, not in
    // what a turn changed.
    std::fs::write(wt.join("before.txt"), "x\ny\n").unwrap();
    let target = wt.join("hello.txt");
    rig.models.push(Script::new().text("Writing.").tool_call(
        "write",
        json!({"filePath": target.display().to_string(), "content": "hi\nthere\n"}),
    ));
    rig.models.push(Script::new().text("Wrote it."));
    let first = rig
        .run(&["session", "prompt", "t1", "write hello.txt", "--json"])
        .expect(0)
        .json();
    assert_eq!(first["changes"]["files"], 2, "{first}");
    assert_eq!(
        first["turn_changes"],
        json!({"files": 1, "insertions": 2, "deletions": 0}),
        "{first}"
    );

    rig.models.push(Script::new().text("Just talking."));
    let second = rig
        .run(&["session", "prompt", "t1", "say something\nsecond line"])
        .expect(0);
    assert!(
        second
            .stderr
            .contains("2 files changed (+4 -0), this turn 0 files (+0 -0)"),
        "{}",
        second.stderr
    );

    let log = rig
        .run(&["session", "log", "t1", "--json"])
        .expect(0)
        .json();
    assert_eq!(log["session"], "t1");
    let turns = log["turns"].as_array().unwrap();
    assert_eq!(turns.len(), 2, "{log}");
    let (a, b) = (&turns[0], &turns[1]);
    assert_eq!(a["prompt"], "write hello.txt");
    assert_eq!(a["status"], "done");
    assert_eq!(a["agent"], "opencode");
    assert_eq!(a["model"], MODEL);
    assert!(a["reply"].as_str().unwrap().contains("Wrote it."), "{a}");
    let tools = a["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 1, "{a}");
    assert_eq!(tools[0]["name"], "write");
    assert_eq!(tools[0]["status"], "completed");
    assert_eq!(a["turn_changes"]["files"], 1);
    assert!(a["tokens"]["output"].as_i64().unwrap() > 0, "{a}");
    assert!(a["duration_ms"].as_i64().is_some());
    assert_eq!(b["prompt"], "say something\nsecond line");
    assert_eq!(b["reply"], "Just talking.");
    assert_eq!(b["tools"], json!([]));
    assert_eq!(b["turn_changes"]["files"], 0);

    let last = rig
        .run(&["session", "log", "t1", "--last", "1", "--json"])
        .expect(0)
        .json();
    assert_eq!(last["turns"].as_array().unwrap().len(), 1);
    assert_eq!(last["turns"][0]["reply"], "Just talking.");

    let nd = rig
        .run(&["session", "log", "t1", "--format", "ndjson"])
        .expect(0);
    let lines: Vec<Value> = nd
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{}", nd.stdout);
    assert!(
        lines
            .iter()
            .all(|l| l["type"] == "turn" && l["session"] == "t1")
    );

    let text = rig.run(&["session", "log", "t1"]).expect(0).stdout;
    for needle in [
        "  prompt: write hello.txt\n",
        "  tool:   write",
        "  changed: 1 file, +2 -0\n",
        "  prompt: say something\n          second line\n",
        "  reply:  Just talking.\n",
        "  changed: 0 files, +0 -0\n",
    ] {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }

    // The last prompt is the default commit message.
    let c = rig
        .run(&["session", "commit", "t1", "--json"])
        .expect(0)
        .json();
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .starts_with("say something\n\n"),
        "{c}"
    );
    rig.run(&["session", "log", "nope"]).expect(1);
}

#[test]
fn turn_changes_and_session_log_on_sqlite() {
    write_turn_then_chat_turn(Rig::new(None));
}

#[test]
fn turn_changes_and_session_log_on_postgres() {
    write_turn_then_chat_turn(Rig::new(Some(PgSchema::new())));
}
