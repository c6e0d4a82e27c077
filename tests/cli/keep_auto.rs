//! `[server] keep = "auto"` (the default): outside CI the first command that
//! needs opencode starts a server and keeps it; later commands reattach; a
//! supervisor stops it (its whole process group, itself included) once no
//! command has been attached for `idle_timeout_seconds`. Under CI, and with
//! `keep = false`, every command's server is short-lived.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::model_server::{ModelServer, Script};
use crate::server::with_opencode;
use crate::support::{Run, TestEnv, git_repo};

const MODEL: &str = "scripted-model";

struct Rig {
    env: TestEnv,
    models: ModelServer,
    repo: PathBuf,
}

fn rig(server_config: &str) -> Rig {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    std::fs::create_dir_all(env.path().join("repo")).unwrap();
    let repo = git_repo(&env.path().join("repo").canonicalize().unwrap());
    env.write_config(&format!(
        "default_model = \"{MODEL}\"\n[server]\n{server_config}"
    ));
    Rig { env, models, repo }
}

impl Rig {
    /// `ci`: the value of CI, or None for a run outside CI (no CI variable).
    fn cmd(&self, ci: Option<&str>) -> Command {
        let mut c = self.env.cmd();
        with_opencode(&self.env, &mut c, &self.models.url());
        match ci {
            Some(v) => c.env("CI", v),
            None => c.env_remove("CI"),
        };
        c
    }

    fn run(&self, ci: Option<&str>, args: &[&str]) -> Run {
        self.env.run_with(self.cmd(ci).args(args))
    }

    fn prompt(&self, ci: Option<&str>, text: &str) -> Run {
        self.models.push(Script::new().text("Short reply."));
        let repo = self.repo.to_str().unwrap();
        self.run(ci, &["prompt", text, "--repo", repo])
    }

    fn state(&self) -> PathBuf {
        self.env.path().join("state")
    }

    fn record(&self) -> Option<Value> {
        let bytes = std::fs::read(self.state().join("server.json")).ok()?;
        Some(serde_json::from_slice(&bytes).unwrap())
    }
}

impl Drop for Rig {
    fn drop(&mut self) {
        // Nothing left running whatever an assertion did.
        if let Some(rec) = self.record() {
            let pid = rec["pid"].as_i64().unwrap() as i32;
            // SAFETY: signalling a process group we started.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
    }
}

/// Live (non-zombie) processes in process group `pgid`.
fn group_members(pgid: u32) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            let Some((_, rest)) = stat.rsplit_once(')') else {
                return false;
            };
            let f: Vec<&str> = rest.split_whitespace().collect();
            f.len() > 2 && f[0] != "Z" && f[0] != "X" && f[2] == pgid.to_string()
        })
        .collect()
}

fn alive(pid: u64) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            s.rsplit_once(')')
                .is_some_and(|(_, r)| !r.trim_start().starts_with(['Z', 'X']))
        })
        .unwrap_or(false)
}

fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn server_check(doc: &Value) -> Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "server")
        .cloned()
        .unwrap_or_else(|| panic!("no server check in {doc}"))
}

#[test]
fn outside_ci_the_first_prompt_keeps_its_server_and_it_stops_itself_when_idle() {
    let rig = rig("idle_timeout_seconds = 4\n");
    let first = rig.prompt(None, "hi").expect(0);
    assert_eq!(first.stdout.trim(), "Short reply.");
    let rec = rig.record().expect("the first prompt records its server");
    let pid = rec["pid"].as_u64().unwrap();
    let supervisor = rec["supervisor_pid"].as_u64().expect("a supervisor");
    assert_eq!(rec["idle_timeout_seconds"], 4);
    assert!(alive(pid) && alive(supervisor));
    let mut members = group_members(pid as u32);
    members.sort();
    assert!(
        members.contains(&(pid as u32)) && members.contains(&(supervisor as u32)),
        "server and supervisor share the group: {members:?}"
    );

    // The second prompt reattaches to the same server.
    rig.prompt(None, "again").expect(0);
    let again = rig.record().expect("still recorded");
    assert_eq!(again["pid"].as_u64(), Some(pid));

    // status shows the idle timeout and when it stops.
    let status = rig
        .run(None, &["server", "status", "--json"])
        .expect(0)
        .json();
    assert_eq!(status["pid"].as_u64(), Some(pid));
    assert_eq!(status["idle_timeout_seconds"], 4);
    assert_eq!(status["attached"], false);
    let stops_in = status["stops_in_seconds"].as_i64().unwrap();
    assert!((0..=4).contains(&stops_in), "{status}");
    let stops_at = boocoder::timestamp::parse_rfc3339(status["stops_at"].as_str().unwrap())
        .expect("stops_at is RFC 3339");
    assert!(stops_at > rec["started_at"].as_i64().unwrap(), "{status}");
    let text = rig.run(None, &["server", "status"]).expect(0);
    assert!(text.stdout.contains("idle timeout: 4 s"), "{}", text.stdout);

    // Idle: the server, its children and the supervisor all go; the record too.
    wait_until("the idle server stops", Duration::from_secs(30), || {
        group_members(pid as u32).is_empty()
    });
    assert!(!alive(supervisor));
    assert!(rig.record().is_none(), "its record is cleared");
    rig.run(None, &["server", "status"]).expect(1);
}

#[test]
fn an_attached_command_holds_the_server_past_its_idle_timeout() {
    let rig = rig("idle_timeout_seconds = 1\n");
    rig.prompt(None, "hi").expect(0);
    let pid = rig.record().unwrap()["pid"].as_u64().unwrap();
    // A turn that takes 4 s: four idle timeouts.
    rig.models.push(
        Script::new()
            .delay(Duration::from_secs(4))
            .text("Slow reply."),
    );
    let repo = rig.repo.to_str().unwrap().to_string();
    let mut slow = rig.cmd(None);
    slow.args(["prompt", "slow", "--repo", &repo]);
    let slow = std::thread::spawn(move || slow.output().unwrap());
    std::thread::sleep(Duration::from_millis(2500));
    let status = rig
        .run(None, &["server", "status", "--json"])
        .expect(0)
        .json();
    assert_eq!(status["pid"].as_u64(), Some(pid), "{status}");
    assert_eq!(status["attached"], true);
    assert_eq!(status["stops_at"], Value::Null);
    let out = slow.join().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Slow reply.");
    wait_until(
        "the server stops after the turn",
        Duration::from_secs(30),
        || group_members(pid as u32).is_empty(),
    );
}

#[test]
fn server_stop_takes_the_supervisor_too_and_doctor_shows_the_idle_timeout() {
    let rig = rig("");
    rig.prompt(None, "hi").expect(0);
    let rec = rig.record().unwrap();
    let pid = rec["pid"].as_u64().unwrap();
    let supervisor = rec["supervisor_pid"].as_u64().unwrap();
    assert_eq!(rec["idle_timeout_seconds"], 600, "the default");

    let doc = rig.run(None, &["doctor", "--json"]).json();
    let check = server_check(&doc);
    assert_eq!(check["status"], "ok", "{check}");
    assert_eq!(check["details"]["idle_timeout_seconds"], 600);
    assert!(
        check["details"]["stops_at"]
            .as_str()
            .and_then(boocoder::timestamp::parse_rfc3339)
            .is_some(),
        "{check}"
    );
    assert!(
        check["summary"]
            .as_str()
            .unwrap()
            .contains("idle timeout 600 s"),
        "{check}"
    );

    rig.run(None, &["server", "stop"]).expect(0);
    wait_until(
        "server and supervisor are gone",
        Duration::from_secs(10),
        || group_members(pid as u32).is_empty(),
    );
    assert!(!alive(supervisor));
    assert!(rig.record().is_none());
}

#[test]
fn under_ci_or_with_keep_false_every_command_has_a_short_lived_server() {
    // CI=true (as runners set it) with the default keep = "auto".
    let rig = rig("");
    rig.prompt(Some("true"), "hi").expect(0);
    assert!(rig.record().is_none(), "nothing kept under CI");
    let doc = rig.run(Some("true"), &["doctor", "--json"]).json();
    let check = server_check(&doc);
    assert!(
        check["summary"].as_str().unwrap().contains("under CI"),
        "{check}"
    );
    // CI=false is not CI: the server is kept.
    rig.prompt(Some("false"), "hi").expect(0);
    let pid = rig.record().expect("kept outside CI")["pid"]
        .as_u64()
        .unwrap();
    rig.run(Some("false"), &["server", "stop"]).expect(0);
    wait_until("the server is gone", Duration::from_secs(10), || {
        group_members(pid as u32).is_empty()
    });

    // keep = false outside CI: short-lived as well.
    let off = self::rig("keep = false\n");
    off.prompt(None, "hi").expect(0);
    assert!(off.record().is_none(), "nothing kept with keep = false");
    let leftovers: Vec<u32> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|p| alive(u64::from(*p)))
        .filter(|p| {
            std::fs::read_link(format!("/proc/{p}/cwd")).ok().as_deref()
                == Some(off.state().canonicalize().unwrap().as_path())
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn keep_is_auto_by_default_and_takes_booleans_or_auto() {
    let env = TestEnv::new();
    let show = |expect: i32| env.run(&["config", "show", "--json"]).expect(expect);
    let cfg = show(0).json();
    assert_eq!(cfg["server"]["keep"], "auto");
    assert_eq!(cfg["server"]["idle_timeout_seconds"], 600);
    for (text, want) in [
        (
            "keep = true\nidle_timeout_seconds = 30\n",
            Value::Bool(true),
        ),
        (
            "keep = false\nidle_timeout_seconds = 30\n",
            Value::Bool(false),
        ),
        (
            "keep = \"auto\"\nidle_timeout_seconds = 30\n",
            Value::from("auto"),
        ),
    ] {
        env.write_config(&format!("[server]\n{text}"));
        let cfg = show(0).json();
        assert_eq!(cfg["server"]["keep"], want, "{text}");
        assert_eq!(cfg["server"]["idle_timeout_seconds"], 30);
    }
    env.write_config("[server]\nkeep = \"sometimes\"\n");
    let err = show(2);
    assert!(
        err.stderr.contains("`server.keep`") && err.stderr.contains("a boolean or \"auto\""),
        "{}",
        err.stderr
    );
    env.write_config("[server]\nidle_timeout_seconds = 0\n");
    let err = show(2);
    assert!(
        err.stderr.contains("server.idle_timeout_seconds"),
        "{}",
        err.stderr
    );
}

impl Rig {
    /// A prompt whose llama-swap is `models` (another URL: other settings).
    fn prompt_on(&self, models: &ModelServer, text: &str) -> Run {
        models.push(Script::new().text("Short reply."));
        let repo = self.repo.to_str().unwrap();
        let mut c = self.cmd(None);
        c.env("LLAMA_SWAP_URL", models.url());
        self.env.run_with(c.args(["prompt", text, "--repo", repo]))
    }

    fn pid(&self) -> u64 {
        self.record().expect("a kept server")["pid"]
            .as_u64()
            .unwrap()
    }
}

#[test]
fn a_stale_self_kept_server_is_replaced_when_unused_and_bypassed_while_used() {
    let rig = rig("");
    let other = ModelServer::start(&[MODEL]);
    rig.prompt(None, "hi").expect(0);
    let first = rig.pid();

    // Other settings, no command attached: the stale server is replaced.
    let run = rig.prompt_on(&other, "elsewhere").expect(0);
    assert_eq!(run.stdout.trim(), "Short reply.");
    assert!(
        run.stderr
            .contains("runs with another llama_swap_url: replacing it"),
        "{}",
        run.stderr
    );
    let second = rig.pid();
    assert_ne!(second, first);
    wait_until("the stale server is gone", Duration::from_secs(15), || {
        group_members(first as u32).is_empty()
    });
    let rec = rig.record().unwrap();
    assert_eq!(rec["idle_timeout_seconds"], 600);
    assert!(alive(rec["supervisor_pid"].as_u64().unwrap()));
    assert_eq!(rec["settings"]["llama_swap_url"], other.url());

    // The next turn with those settings reuses it, silently.
    let run = rig.prompt_on(&other, "again").expect(0);
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    assert_eq!(rig.pid(), second);

    // While a command is attached, another with other settings bypasses it.
    other.push(
        Script::new()
            .delay(Duration::from_secs(5))
            .text("Slow reply."),
    );
    let repo = rig.repo.to_str().unwrap().to_string();
    let mut slow = rig.cmd(None);
    slow.env("LLAMA_SWAP_URL", other.url())
        .args(["prompt", "slow", "--repo", &repo]);
    let slow = std::thread::spawn(move || slow.output().unwrap());
    wait_until("the slow turn is attached", Duration::from_secs(60), || {
        rig.run(None, &["server", "status", "--json"]).json()["attached"] == true
    });
    let run = rig.prompt(None, "meanwhile").expect(0);
    assert!(
        run.stderr
            .contains("this command uses a short-lived server of its own"),
        "{}",
        run.stderr
    );
    let out = slow.join().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(rig.pid(), second, "the used server is kept");
}

#[test]
fn server_start_takes_over_a_self_kept_server_or_restarts_a_stale_one() {
    let rig = rig("");
    let other = ModelServer::start(&[MODEL]);
    rig.prompt(None, "hi").expect(0);
    let rec = rig.record().unwrap();
    let (pid, supervisor) = (
        rec["pid"].as_u64().unwrap(),
        rec["supervisor_pid"].as_u64().unwrap(),
    );
    let start = rig.run(None, &["server", "start", "--json"]).expect(0);
    assert!(
        start.stderr.contains("now kept until `server stop`"),
        "{}",
        start.stderr
    );
    let start = start.json();
    assert_eq!(
        (start["reused"].as_bool(), start["pid"].as_u64()),
        (Some(true), Some(pid))
    );
    wait_until("its supervisor is gone", Duration::from_secs(10), || {
        !alive(supervisor)
    });
    let rec = rig.record().unwrap();
    assert!(rec.get("idle_timeout_seconds").is_none(), "{rec}");
    let status = rig
        .run(None, &["server", "status", "--json"])
        .expect(0)
        .json();
    assert_eq!(status["stops_at"], Value::Null, "{status}");
    // Kept by `server start` now: never replaced by a command.
    let run = rig.prompt_on(&other, "elsewhere").expect(0);
    assert!(run.stderr.contains("short-lived"), "{}", run.stderr);
    assert_eq!(rig.pid(), pid);
    rig.run(None, &["server", "stop"]).expect(0);

    // A self-kept server with other settings: restarted with these.
    rig.prompt(None, "hi").expect(0);
    let stale = rig.pid();
    let mut c = rig.cmd(None);
    c.env("LLAMA_SWAP_URL", other.url())
        .args(["server", "start", "--json"]);
    let start = rig.env.run_with(&mut c).expect(0);
    assert!(start.stderr.contains("restarting it"), "{}", start.stderr);
    let start = start.json();
    assert_eq!(start["reused"], false);
    let rec = rig.record().unwrap();
    assert_ne!(rec["pid"].as_u64(), Some(stale));
    assert_eq!(rec["settings"]["llama_swap_url"], other.url());
    assert!(rec.get("idle_timeout_seconds").is_none(), "{rec}");
    wait_until("the stale server is gone", Duration::from_secs(15), || {
        group_members(stale as u32).is_empty()
    });
}

#[test]
fn a_command_reattaching_after_its_supervisor_was_killed_starts_a_new_one() {
    let rig = rig("idle_timeout_seconds = 3\n");
    rig.prompt(None, "hi").expect(0);
    let rec = rig.record().unwrap();
    let pid = rec["pid"].as_u64().unwrap();
    let supervisor = rec["supervisor_pid"].as_u64().unwrap();
    // SAFETY: killing the supervisor this test's command started.
    unsafe { libc::kill(supervisor as i32, libc::SIGKILL) };
    wait_until("the supervisor is gone", Duration::from_secs(10), || {
        !alive(supervisor)
    });
    // status does not promise an idle stop that nothing will do.
    let status = rig
        .run(None, &["server", "status", "--json"])
        .expect(0)
        .json();
    assert_eq!(status["supervisor_running"], false, "{status}");
    assert_eq!(status["stops_at"], Value::Null, "{status}");
    let text = rig.run(None, &["server", "status"]).expect(0);
    assert!(
        text.stdout
            .contains("stops: not by itself: its idle supervisor is gone"),
        "{}",
        text.stdout
    );

    rig.prompt(None, "again").expect(0);
    let rec = rig.record().unwrap();
    assert_eq!(rec["pid"].as_u64(), Some(pid), "reattached");
    let new = rec["supervisor_pid"].as_u64().unwrap();
    assert_ne!(new, supervisor);
    assert!(alive(new));
    let status = rig
        .run(None, &["server", "status", "--json"])
        .expect(0)
        .json();
    assert_eq!(status["supervisor_running"], true, "{status}");
    // It does its job: the idle server stops.
    wait_until("the idle server stops", Duration::from_secs(30), || {
        group_members(pid as u32).is_empty()
    });
    assert!(!alive(new));
    assert!(rig.record().is_none());
}

#[test]
fn an_idle_self_kept_server_is_recycled_past_max_rss_mb_or_max_directories() {
    // Any opencode is over 1 MiB: the next command starts a fresh server.
    let rig = rig("max_rss_mb = 1\n");
    rig.prompt(None, "hi").expect(0);
    let first = rig.pid();
    let run = rig.prompt(None, "again").expect(0);
    assert!(
        run.stderr
            .contains("MiB (max_rss_mb 1): starting a fresh one"),
        "{}",
        run.stderr
    );
    assert_ne!(rig.pid(), first);
    wait_until("the big server is gone", Duration::from_secs(15), || {
        group_members(first as u32).is_empty()
    });

    // Directories served: two worktrees, then a fresh server.
    let rig = self::rig("max_rss_mb = 0\nmax_directories = 2\n");
    let repo = rig.repo.to_str().unwrap().to_string();
    let one_shot = |text: &str| {
        rig.models.push(Script::new().text("Short reply."));
        rig.run(None, &["prompt", text, "--repo", &repo, "--worktree"])
    };
    one_shot("one").expect(0);
    let first = rig.pid();
    let run = one_shot("two").expect(0);
    assert!(!run.stderr.contains("note:"), "{}", run.stderr);
    assert_eq!(rig.pid(), first, "one directory served: reused");
    let run = one_shot("three").expect(0);
    assert!(
        run.stderr
            .contains("has served 2 directories (max_directories 2): starting a fresh one"),
        "{}",
        run.stderr
    );
    assert_ne!(rig.pid(), first);
}

#[test]
fn removing_a_worktree_disposes_of_its_opencode_instance_on_the_kept_server() {
    let rig = rig("");
    let repo = rig.repo.to_str().unwrap().to_string();
    let log = rig.env.path().join("xdg/data/opencode/log/opencode.log");
    let disposed = |dir: &str| {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .any(|l| l.contains("disposing instance") && l.contains(&format!("directory={dir}")))
    };
    let mut worktrees = Vec::new();
    for name in ["a", "b"] {
        let made = rig
            .run(None, &["session", "new", name, "--repo", &repo, "--json"])
            .expect(0)
            .json();
        worktrees.push(made["worktree"]["path"].as_str().unwrap().to_string());
        rig.models.push(Script::new().text("Short reply."));
        rig.run(None, &["session", "prompt", name, "hi"]).expect(0);
    }
    let pid = rig.pid();
    assert!(!disposed(&worktrees[0]) && !disposed(&worktrees[1]));

    rig.run(None, &["session", "rm", "a"]).expect(0);
    wait_until(
        "a's instance is disposed of",
        Duration::from_secs(10),
        || disposed(&worktrees[0]),
    );
    assert!(!disposed(&worktrees[1]), "only the removed one");
    rig.run(None, &["worktree", "remove", "b"]).expect(0);
    wait_until(
        "b's instance is disposed of",
        Duration::from_secs(10),
        || disposed(&worktrees[1]),
    );
    assert_eq!(rig.pid(), pid, "on the same kept server");
    assert!(alive(pid));
}
