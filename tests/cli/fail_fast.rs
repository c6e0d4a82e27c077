//! Failing fast (issue 12): the model is decided before prompting, unknown
//! models and a dead llama-swap end a turn in seconds with exit 3, agent
//! errors are one line, and a server that dies mid-turn is seen at once.
//! The real opencode, the scripted model server, the real binary.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::model_server::{ModelServer, Script};
use crate::server::with_opencode;
use crate::support::{Run, TestEnv, git_repo};

struct Rig {
    env: TestEnv,
    llama_swap: String,
    repo: PathBuf,
}

/// A world whose llama-swap is at `llama_swap`, with `config` as its file.
fn rig(llama_swap: &str, config: &str) -> Rig {
    let env = TestEnv::new();
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config(config);
    Rig {
        env,
        llama_swap: llama_swap.to_string(),
        repo,
    }
}

impl Rig {
    fn cmd(&self) -> Command {
        let mut c = self.env.cmd();
        with_opencode(&self.env, &mut c, &self.llama_swap);
        c
    }

    fn run(&self, args: &[&str]) -> Run {
        self.env.run_with(self.cmd().args(args))
    }

    fn new_session(&self, name: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            "session",
            "new",
            name,
            "--repo",
            self.repo.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn show(&self, name: &str) -> Value {
        self.run(&["session", "show", name, "--json"])
            .expect(0)
            .json()
    }

    fn state_dir(&self) -> PathBuf {
        self.env.path().join("state")
    }

    fn spawn(&self, args: &[&str]) -> Background {
        let mut child = self
            .cmd()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Background { child, lines: rx }
    }
}

struct Background {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Background {
    fn wait_for(&self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return,
                Ok(_) => {}
                Err(_) => panic!("no line with {needle:?} within {timeout:?}"),
            }
        }
    }

    /// Wait for exit, at most `timeout` (then kill it and fail).
    fn finish(mut self, timeout: Duration) -> (Option<i32>, String) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let mut err = String::new();
                use std::io::Read;
                let _ = self.child.stderr.take().unwrap().read_to_string(&mut err);
                return (status.code(), err);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the turn did not end within {timeout:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A port nothing listens on (bound, then released).
fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}")
}

/// The opencode server a short-lived turn started: the process whose
/// working directory is the state dir.
fn server_pid_in(dir: &std::path::Path) -> Option<i32> {
    let dir = dir.canonicalize().ok()?;
    std::fs::read_dir("/proc")
        .ok()?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .find(|pid| {
            std::fs::read_link(format!("/proc/{pid}/cwd"))
                .ok()
                .as_deref()
                == Some(&dir)
                && std::fs::read_to_string(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|c| c.contains("serve"))
        })
}

#[test]
fn without_a_configured_model_llama_swaps_only_model_is_used_and_shown() {
    let models = ModelServer::start(&["solo"]);
    let rig = rig(&models.url(), "");
    rig.new_session("one", &[]).expect(0);
    models.push(Script::new().text("Solo here."));
    let run = rig
        .run(&["session", "prompt", "one", "hi", "--json"])
        .expect(0);
    assert_eq!(run.json()["text"], "Solo here.");
    assert_eq!(run.json()["model"], "solo");
    assert!(
        run.stderr.contains("using solo, the only model llama-swap"),
        "{}",
        run.stderr
    );
    assert_eq!(rig.show("one")["last_turn"]["model"], "solo");
    let text = rig.run(&["session", "show", "one"]).expect(0).stdout;
    assert!(text.contains("last turn: done at "), "{text}");
    assert!(text.contains(", model solo"), "{text}");
}

#[test]
fn several_llama_swap_models_and_none_chosen_stops_before_prompting() {
    let models = ModelServer::start(&["alpha", "beta"]);
    let rig = rig(&models.url(), "");
    rig.new_session("two", &[]).expect(0);
    let run = rig.run(&["session", "prompt", "two", "hi"]).expect(2);
    for needle in ["default_model", "--model", "alpha, beta"] {
        assert!(run.stderr.contains(needle), "{needle}: {}", run.stderr);
    }
    assert_eq!(models.agent_requests(), 0);
    assert!(rig.show("two")["last_turn"].is_null(), "no turn recorded");
    assert!(
        server_pid_in(&rig.state_dir()).is_none(),
        "no server started"
    );

    // BOOCODER_DEFAULT_MODEL decides it (over the file, under --model).
    let env_model = |c: &mut Command| {
        c.env("BOOCODER_DEFAULT_MODEL", "beta");
    };
    let mut c = rig.cmd();
    env_model(&mut c);
    models.push(Script::new().text("Beta here."));
    let done = rig
        .env
        .run_with(c.args(["session", "prompt", "two", "hi", "--json"]))
        .expect(0)
        .json();
    assert_eq!(
        (done["model"].as_str(), done["text"].as_str()),
        (Some("beta"), Some("Beta here."))
    );
    assert_eq!(rig.show("two")["last_turn"]["model"], "beta");
}

#[test]
fn boocoder_default_model_sets_default_model_and_config_show_says_so() {
    let rig = rig(&dead_url(), "default_model = \"from-file\"\n");
    let show = |env: Option<&str>| {
        let mut c = rig.cmd();
        if let Some(v) = env {
            c.env("BOOCODER_DEFAULT_MODEL", v);
        }
        rig.env
            .run_with(c.args(["config", "show", "--json"]))
            .expect(0)
            .json()
    };
    let file = show(None);
    assert_eq!(
        (
            file["default_model"].as_str(),
            file["sources"]["default_model"].as_str()
        ),
        (Some("from-file"), Some("config file"))
    );
    let env = show(Some("from-env"));
    assert_eq!(
        (
            env["default_model"].as_str(),
            env["sources"]["default_model"].as_str()
        ),
        (Some("from-env"), Some("env BOOCODER_DEFAULT_MODEL"))
    );
    let mut c = rig.cmd();
    c.env("BOOCODER_DEFAULT_MODEL", "from-env");
    let text = rig
        .env
        .run_with(c.args(["config", "show"]))
        .expect(0)
        .stdout;
    assert!(
        text.contains("default_model = \"from-env\"  # env BOOCODER_DEFAULT_MODEL"),
        "{text}"
    );
}

#[test]
fn an_unknown_model_is_refused_by_session_new_and_fails_a_turn_with_exit_3() {
    let models = ModelServer::start(&["known"]);
    let rig = rig(&models.url(), "default_model = \"known\"\n");
    let refused = rig.new_session("bad", &["--model", "nosuch"]).expect(2);
    assert!(
        refused
            .stderr
            .contains("`nosuch` is not one of llama-swap's models")
            && refused.stderr.contains("it serves: known"),
        "{}",
        refused.stderr
    );
    let list = rig.run(&["session", "list", "--json"]).expect(0).json();
    assert_eq!(list.as_array().unwrap().len(), 0, "nothing created");
    assert!(
        !rig.env.data_dir().join("worktrees").exists()
            || std::fs::read_dir(rig.env.data_dir().join("worktrees"))
                .unwrap()
                .next()
                .is_none(),
        "no worktree made"
    );
    rig.new_session("good", &["--model", "known"]).expect(0);
    rig.new_session("pref", &["--model", "llama-swap/known"])
        .expect(0);

    // A turn asked for an unknown model fails at once, exit 3.
    let started = Instant::now();
    let run = rig
        .run(&[
            "session", "prompt", "good", "hi", "--model", "nosuch", "--json",
        ])
        .expect(3);
    eprintln!("unknown model failed after {:?}", started.elapsed());
    let v = run.json();
    assert_eq!(v["kind"], "failed", "{v}");
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("model nosuch not found: llama-swap at"),
        "{v}"
    );
    assert_eq!(rig.show("good")["last_turn"]["status"], "failed");
    assert_eq!(models.agent_requests(), 0);
}

#[test]
fn session_new_accepts_a_model_with_a_warning_when_llama_swap_is_down() {
    let rig = rig(&dead_url(), "");
    let run = rig.new_session("later", &["--model", "whatever"]).expect(0);
    assert!(
        run.stderr
            .contains("warning: model whatever not checked: llama-swap at")
            && run.stderr.contains("accepted"),
        "{}",
        run.stderr
    );
    assert_eq!(rig.show("later")["model"], "whatever");
}

#[test]
fn llama_swap_going_down_fails_the_turn_at_once_with_exit_3() {
    let models = ModelServer::start(&["m"]);
    let url = models.url();
    let rig = rig(&url, "default_model = \"m\"\n");
    rig.new_session("down", &[]).expect(0);
    rig.run(&["server", "start"]).expect(0);
    drop(models);
    let started = Instant::now();
    let turn = rig.spawn(&["session", "prompt", "down", "hi", "--json"]);
    let (code, stderr) = turn.finish(Duration::from_secs(90));
    eprintln!("llama-swap down: failed after {:?}", started.elapsed());
    assert_eq!(code, Some(3), "{stderr}");
    let last = &rig.show("down")["last_turn"];
    assert_eq!(last["status"], "failed", "{last}");
    let error = last["error"].as_str().unwrap();
    assert!(
        error.contains(&format!("llama-swap at {url}/v1/models: unreachable")),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
    rig.run(&["server", "stop"]).expect(0);

    // Down before the (short-lived) server starts: the same cause.
    let run = rig
        .run(&["session", "prompt", "down", "hi", "--json"])
        .expect(3);
    let message = run.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains(&format!("llama-swap at {url}/v1/models: unreachable")),
        "{message}"
    );
}

#[test]
fn retryable_model_errors_still_retry() {
    let models = ModelServer::start(&["m"]);
    let rig = rig(&models.url(), "default_model = \"m\"\n");
    rig.new_session("retry", &[]).expect(0);
    models.push(Script::new().http_error_retry_after(
        503,
        "server overloaded",
        Duration::from_millis(200),
    ));
    models.push(Script::new().text("Recovered."));
    let done = rig
        .run(&["session", "prompt", "retry", "hi", "--json"])
        .expect(0)
        .json();
    assert_eq!(done["text"], "Recovered.");
    assert_eq!(models.agent_requests(), 2);
}

/// Kill the server mid-turn; the turn must end `server_lost` saying the
/// process died, long before the (60 s) stream timeout.
fn killed_server_is_seen_at_once(kept: bool) {
    let models = ModelServer::start(&["m"]);
    let rig = rig(
        &models.url(),
        "default_model = \"m\"\n[server]\nstream_timeout_seconds = 60\n",
    );
    rig.new_session("dies", &[]).expect(0);
    if kept {
        rig.run(&["server", "start"]).expect(0);
    }
    models.push(Script::new().text("Before the crash").stall());
    let turn = rig.spawn(&["session", "prompt", "dies", "go", "--format", "ndjson"]);
    turn.wait_for("Before", Duration::from_secs(60));
    let pid = server_pid_in(&rig.state_dir()).expect("the server's pid");
    let killed = Instant::now();
    // SAFETY: the server's process group, started by this test's command.
    unsafe { libc::kill(-pid, libc::SIGKILL) };
    let (code, stderr) = turn.finish(Duration::from_secs(20));
    eprintln!("server death seen after {:?}", killed.elapsed());
    assert_eq!(code, Some(3), "{stderr}");
    let last = &rig.show("dies")["last_turn"];
    assert_eq!(last["status"], "server_lost", "{last}");
    assert!(
        last["error"]
            .as_str()
            .unwrap()
            .contains(&format!("the server process (pid {pid}) died")),
        "{last}"
    );
}

#[test]
fn a_short_lived_server_killed_mid_turn_is_seen_at_once() {
    killed_server_is_seen_at_once(false);
}

#[test]
fn a_kept_server_killed_mid_turn_is_seen_at_once() {
    killed_server_is_seen_at_once(true);
}

#[test]
fn agent_errors_are_one_line_and_whole_with_verbose() {
    let models = ModelServer::start(&["m"]);
    let rig = rig(&models.url(), "default_model = \"m\"\n");
    rig.new_session("err", &[]).expect(0);

    // A missing agent mode: opencode's failed prompt_async carries a
    // JavaScript stack trace; the turn ends at once, one line each.
    let run = rig
        .run(&["session", "prompt", "err", "hi", "--agent-mode", "nosuch"])
        .expect(3);
    assert!(
        run.stderr
            .contains("agent error: UnknownError: Agent not found: \"nosuch\""),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("$bunfs") && !run.stderr.contains("    at "),
        "no stack trace: {}",
        run.stderr
    );
    let last = &rig.show("err")["last_turn"];
    assert_eq!(last["status"], "failed", "{last}");
    let error = last["error"].as_str().unwrap();
    assert!(
        error.starts_with("agent mode not found (--agent-mode)"),
        "{error}"
    );
    assert!(
        !error.contains('\n') && !error.contains("$bunfs"),
        "{error}"
    );

    // A multi-line message: its first line by default, all of it with -v.
    models.push(Script::new().malformed());
    let short = rig.run(&["session", "prompt", "err", "hi"]).expect(3);
    assert!(
        short
            .stderr
            .contains("agent error: UnknownError: JSON parsing failed"),
        "{}",
        short.stderr
    );
    assert!(!short.stderr.contains("Error message:"), "{}", short.stderr);
    let error = rig.show("err")["last_turn"]["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.starts_with(
            "the model server's answer is not valid (UnknownError: JSON parsing failed"
        ) && !error.contains('\n'),
        "{error}"
    );
    models.push(Script::new().malformed());
    let whole = rig.run(&["session", "prompt", "err", "hi", "-v"]).expect(3);
    assert!(
        whole.stderr.contains("\nError message: JSON Parse error"),
        "{}",
        whole.stderr
    );
}
