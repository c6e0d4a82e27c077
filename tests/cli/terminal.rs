//! A turn on a terminal (under `script`): the spinner while waiting for the
//! first event, text and tool lines on lines of their own, counts
//! pluralised; and no spinner in pipes or JSON.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::model_server::{ModelServer, Script};
use crate::server::with_opencode;
use crate::support::{TestEnv, git_repo};

const MODEL: &str = "scripted-model";
const SPINNER: &str = "waiting for the agent";

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
    env.write_config(&format!("default_model = \"{MODEL}\"\n"));
    Rig { env, models, repo }
}

impl Rig {
    fn cmd(&self) -> Command {
        let mut c = self.env.cmd();
        with_opencode(&self.env, &mut c, &self.models.url());
        c
    }

    /// A session whose worktree path is returned.
    fn new_session(&self, name: &str) -> PathBuf {
        let v = self
            .env
            .run_with(self.cmd().args([
                "session",
                "new",
                name,
                "--repo",
                self.repo.to_str().unwrap(),
                "--json",
            ]))
            .expect(0)
            .json();
        PathBuf::from(v["worktree"]["path"].as_str().unwrap())
    }

    /// A turn that says something, writes one file, then says more; the
    /// model waits a moment before its first word.
    fn queue_write_turn(&self, worktree: &std::path::Path) {
        self.models.push(
            Script::new()
                .delay(Duration::from_millis(1500))
                .text("Writing.")
                .tool_call(
                    "write",
                    json!({"filePath": worktree.join("hello.txt").display().to_string(), "content": "hi\n"}),
                ),
        );
        self.models.push(Script::new().text("Wrote it."));
    }
}

/// `cmd` (a boocoder command, args appended as shell words) run inside
/// `script`, so that its stdin, stdout and stderr are a terminal.
fn in_terminal(cmd: &Command, args: &[&str]) -> Command {
    let line = format!("{} {}", cmd.get_program().to_string_lossy(), args.join(" "));
    let mut c = Command::new("script");
    // A terminal that can show a spinner (TERM unset or `dumb` gets none).
    c.env_clear()
        .args(["-qec", &line, "/dev/null"])
        .env("TERM", "xterm");
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    if let Some(dir) = cmd.get_current_dir() {
        c.current_dir(dir);
    }
    c
}

/// The lines as a terminal shows them: what a carriage return overwrote is
/// gone, escape sequences are dropped.
fn screen_lines(raw: &str) -> Vec<String> {
    raw.split('\n')
        .map(|l| {
            let l = l.trim_end_matches('\r');
            let last = l.rsplit('\r').next().unwrap_or("");
            strip_ansi(last)
        })
        .collect()
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ params final-byte
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `raw` shows the spinner with an elapsed time (`... 1.2s`).
fn shows_spinner_with_time(raw: &str) -> bool {
    raw.match_indices(SPINNER).any(|(i, _)| {
        let rest = &raw[i + SPINNER.len()..];
        let rest = rest.strip_prefix(' ').unwrap_or("");
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        digits > 0
            && rest[digits..].starts_with('.')
            && rest[digits + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
            && rest[digits + 2..].starts_with('s')
    })
}

#[test]
fn on_a_terminal_a_turn_spins_then_keeps_text_and_tool_lines_apart() {
    let rig = rig();
    let wt = rig.new_session("tty");
    rig.queue_write_turn(&wt);
    let out = in_terminal(&rig.cmd(), &["session", "prompt", "tty", "'write a file'"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let raw = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{raw}");
    assert!(
        shows_spinner_with_time(&raw),
        "the spinner with its elapsed time: {raw:?}"
    );
    let lines = screen_lines(&raw);
    assert!(
        lines.iter().any(|l| l == "Writing."),
        "the text ends its line before the tool line: {lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("· write ") && l.ends_with("[completed]")),
        "{lines:#?}"
    );
    assert!(lines.iter().any(|l| l == "Wrote it."), "{lines:#?}");
    let summary = lines
        .iter()
        .find(|l| l.starts_with("done in "))
        .unwrap_or_else(|| panic!("a summary line: {lines:#?}"));
    assert!(
        summary.ends_with(", 1 file changed (+1 -0), this turn 1 file (+1 -0)"),
        "counted in the singular: {summary}"
    );
    assert!(
        !lines.iter().any(|l| l.contains(SPINNER)),
        "the spinner is cleared: {lines:#?}"
    );
}

#[test]
fn pipes_and_json_get_no_spinner_and_unchanged_text() {
    let rig = rig();
    let wt = rig.new_session("pipe");
    rig.queue_write_turn(&wt);
    let run = rig
        .env
        .run_with(
            rig.cmd()
                .args(["session", "prompt", "pipe", "write a file"]),
        )
        .expect(0);
    assert!(!run.stderr.contains(SPINNER), "{}", run.stderr);
    assert_eq!(
        run.stdout, "Writing.Wrote it.\n",
        "stdout is the reply, as sent"
    );
    assert!(
        run.stderr.contains(", 1 file changed (+1 -0)"),
        "{}",
        run.stderr
    );

    std::fs::remove_file(wt.join("hello.txt")).unwrap();
    rig.queue_write_turn(&wt);
    let run = rig
        .env
        .run_with(
            rig.cmd()
                .args(["session", "prompt", "pipe", "again", "--json"]),
        )
        .expect(0);
    assert!(!run.stderr.contains(SPINNER), "{}", run.stderr);
    assert!(!run.stdout.contains(SPINNER), "{}", run.stdout);
    assert_eq!(run.json()["changes"]["files"], 1, "{}", run.stdout);
}

#[test]
fn json_on_a_terminal_gets_no_spinner() {
    let rig = rig();
    let wt = rig.new_session("ttyjson");
    rig.queue_write_turn(&wt);
    let out = in_terminal(
        &rig.cmd(),
        &[
            "session",
            "prompt",
            "ttyjson",
            "'write a file'",
            "--format",
            "ndjson",
        ],
    )
    .stdin(Stdio::null())
    .output()
    .unwrap();
    let raw = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{raw}");
    assert!(!raw.contains(SPINNER), "{raw}");
    assert!(raw.contains("\"type\":\"done\""), "{raw}");
}
