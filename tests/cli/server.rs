//! The opencode server layer against the real opencode (pinned npm package)
//! and the scripted model server: `boocoder server start|status|stop`, the
//! state file, reattach, short-lived servers, and the one event stream.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use boocoder::agent::AgentEvent;
use boocoder::agent::opencode::{
    Client, EventHub, Origin, ServerOptions, StreamItem, Subscription, ensure_server,
};
use serde_json::{Value, json};

use crate::model_server::{ModelServer, Script};
use crate::opencode::{hermetic_env, opencode_bin};
use crate::support::{TestEnv, git_repo};

const MODEL: &str = "scripted-model";

/// `boocoder` with the real opencode and llama-swap (the model server) set,
/// offline like the harness's own opencode.
pub fn with_opencode(env: &TestEnv, cmd: &mut Command, llama_swap: &str) {
    for (k, v) in hermetic_env(&env.home()) {
        if k != "HOME" && !k.starts_with("XDG_") && k != "PATH" {
            cmd.env(k, v);
        }
    }
    std::fs::create_dir_all(env.home().join("tmp")).unwrap();
    cmd.env("BOOCODER_OPENCODE_BIN", opencode_bin())
        .env("LLAMA_SWAP_URL", llama_swap);
}

fn boocoder(env: &TestEnv, models: &ModelServer, args: &[&str]) -> crate::support::Run {
    let mut cmd = env.cmd();
    with_opencode(env, &mut cmd, &models.url());
    env.run_with(cmd.args(args))
}

fn state_dir(env: &TestEnv) -> PathBuf {
    env.path().join("state")
}

fn alive(pid: u64) -> bool {
    // A zombie has exited: count it as gone.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| !s.contains(") Z "))
        .unwrap_or(false)
}

/// Processes whose working directory is `dir` (a server boocoder starts
/// runs in the state dir).
fn processes_in(dir: &Path) -> Vec<u32> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| alive(u64::from(*pid)))
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/cwd"))
                .ok()
                .as_deref()
                == Some(&dir)
        })
        .collect()
}

fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The local address opencode listens on for `port` (from /proc/net/tcp).
fn listen_addresses(port: u16) -> Vec<String> {
    let mut out = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        for line in std::fs::read_to_string(table)
            .unwrap_or_default()
            .lines()
            .skip(1)
        {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(state)) = (cols.get(1), cols.get(3)) else {
                continue;
            };
            if *state == "0A" && local.ends_with(&format!(":{port:04X}")) {
                out.push(local.to_string());
            }
        }
    }
    out
}

#[test]
fn start_status_stop_and_the_state_file() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    boocoder(&env, &models, &["server", "status"]).expect(1);

    let started = boocoder(&env, &models, &["server", "start", "--json"])
        .expect(0)
        .json();
    assert_eq!(started["reused"], false);
    assert_eq!(started["version"], "1.18.33");
    let pid = started["pid"].as_u64().unwrap();
    let port = started["port"].as_u64().unwrap() as u16;
    assert!(alive(pid));

    // Idempotent: a second start (another process) reattaches to the same server.
    let again = boocoder(&env, &models, &["server", "start", "--json"])
        .expect(0)
        .json();
    assert_eq!(
        (
            again["reused"].clone(),
            again["pid"].as_u64(),
            again["port"].as_u64()
        ),
        (json!(true), Some(pid), Some(u64::from(port)))
    );

    let status = boocoder(&env, &models, &["server", "status", "--json"])
        .expect(0)
        .json();
    assert_eq!(status["running"], true);
    assert_eq!(status["pid"].as_u64(), Some(pid));
    assert_eq!(status["sessions_active"], 0);

    // The state file is private and holds the password; the server listens on loopback only.
    let state = state_dir(&env).join("server.json");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&state).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let rec: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    let password = rec["password"].as_str().unwrap();
    assert!(password.len() >= 32, "at least 128 bits of password");
    assert_eq!(listen_addresses(port), vec![format!("0100007F:{port:04X}")]);
    let run = boocoder(&env, &models, &["server", "status"]).expect(0);
    assert!(!run.stdout.contains(password) && !run.stderr.contains(password));

    // Without the password: 401.
    let url = format!("http://127.0.0.1:{port}/global/health");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let code = rt.block_on(async { reqwest::get(&url).await.unwrap().status().as_u16() });
    assert_eq!(code, 401);

    let stop = boocoder(&env, &models, &["server", "stop", "--json"])
        .expect(0)
        .json();
    assert_eq!(stop["stopped"], true);
    wait_until("the server is gone", Duration::from_secs(5), || !alive(pid));
    assert!(!state.exists());
    boocoder(&env, &models, &["server", "status"]).expect(1);
    let stop = boocoder(&env, &models, &["server", "stop", "--json"])
        .expect(0)
        .json();
    assert_eq!(stop["stopped"], false);
}

#[test]
fn concurrent_starts_make_one_server() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    let spawn = || {
        let mut cmd = env.cmd();
        with_opencode(&env, &mut cmd, &models.url());
        cmd.args(["server", "start", "--json"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let pids: Vec<u64> = [a, b]
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success());
            serde_json::from_slice::<Value>(&out.stdout).unwrap()["pid"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(pids[0], pids[1]);
    assert_eq!(
        processes_in(&state_dir(&env)).len(),
        1,
        "exactly one opencode process"
    );
    boocoder(&env, &models, &["server", "stop"]).expect(0);
}

#[test]
fn stale_records_are_detected_and_replaced() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    let state = state_dir(&env);
    std::fs::create_dir_all(&state).unwrap();
    let record = |pid: u32| {
        json!({"pid": pid, "url": "http://127.0.0.1:9", "port": 9, "password": "x", "version": "1",
               "fingerprint": "f", "started_at": 0, "log": "/dev/null"})
        .to_string()
    };

    // A dead pid.
    let mut done = Command::new("true").spawn().unwrap();
    let dead = done.id();
    done.wait().unwrap();
    std::fs::write(state.join("server.json"), record(dead)).unwrap();
    let v = boocoder(&env, &models, &["server", "status", "--json"])
        .expect(1)
        .json();
    assert_eq!(v["stale_record_cleared"], true);
    assert!(!state.join("server.json").exists());

    // A pid that now belongs to another program: not ours, so not killed.
    let mut other = Command::new("sleep").arg("30").spawn().unwrap();
    std::fs::write(state.join("server.json"), record(other.id())).unwrap();
    let started = boocoder(&env, &models, &["server", "start", "--json"])
        .expect(0)
        .json();
    assert_eq!(started["reused"], false);
    assert_ne!(started["pid"].as_u64(), Some(u64::from(other.id())));
    assert!(
        other.try_wait().unwrap().is_none(),
        "the unrelated program was left alone"
    );
    other.kill().unwrap();
    other.wait().unwrap();
    boocoder(&env, &models, &["server", "stop"]).expect(0);
}

#[test]
fn missing_opencode_is_exit_3_with_a_hint() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    let mut cmd = env.cmd();
    with_opencode(&env, &mut cmd, &models.url());
    cmd.env("BOOCODER_OPENCODE_BIN", env.path().join("no-such-opencode"));
    let run = env.run_with(cmd.args(["server", "start"])).expect(3);
    assert!(run.stderr.contains("opencode not found"), "{}", run.stderr);
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
}

/// Library-level options for a hermetic server in `home`.
fn options(home: &Path, state: &Path, models: &ModelServer) -> ServerOptions {
    std::fs::create_dir_all(home.join("tmp")).unwrap();
    ServerOptions {
        bin: opencode_bin(),
        state_dir: state.to_path_buf(),
        llama_swap_url: Some(models.url()),
        llama_swap_models: Some(vec![MODEL.to_string()]),
        default_model: None,
        disable_models_fetch: true,
        health_timeout: Duration::from_secs(60),
        env: hermetic_env(home),
        opencode_env: Default::default(),
        idle_timeout: None,
        max_rss_mb: 0,
        max_directories: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_lived_server_leaves_nothing_behind_and_reattach_reuses() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    let state = state_dir(&env);
    let opts = options(&env.home(), &state, &models);

    let server = ensure_server(&opts, false).await.unwrap();
    assert_eq!(server.origin, Origin::ShortLived);
    let pid = u64::from(server.record.pid);
    assert!(alive(pid));
    assert!(
        !state.join("server.json").exists(),
        "a short-lived server is not recorded"
    );
    drop(server);
    assert!(!alive(pid));
    assert!(processes_in(&state).is_empty());

    // A server that never gets healthy in time is stopped too, with its output in the error.
    let impatient = ServerOptions {
        health_timeout: Duration::from_millis(10),
        ..opts.clone()
    };
    let err = ensure_server(&impatient, false).await.unwrap_err();
    assert!(err.to_string().contains("did not become healthy"), "{err}");
    assert!(
        processes_in(&state).is_empty(),
        "no process left after a failed start"
    );

    // Kept: recorded; the next command reattaches to the same pid and port.
    let kept = ensure_server(&opts, true).await.unwrap();
    assert_eq!(kept.origin, Origin::Started);
    let again = ensure_server(&opts, false).await.unwrap();
    assert_eq!(again.origin, Origin::Reattached);
    assert_eq!(
        (again.record.pid, again.record.port),
        (kept.record.pid, kept.record.port)
    );
    drop(again);
    assert!(
        alive(u64::from(kept.record.pid)),
        "dropping a reattached server keeps it"
    );

    // The model is per request: another default model reuses the kept server.
    let other_model = ServerOptions {
        default_model: Some(MODEL.into()),
        ..opts.clone()
    };
    let same = ensure_server(&other_model, false).await.unwrap();
    assert_eq!(same.origin, Origin::Reattached);
    drop(same);

    // Other settings: a short-lived server of its own, saying why; the kept
    // server is left running (another process may be using it).
    let other = ServerOptions {
        disable_models_fetch: false,
        ..opts.clone()
    };
    let own = ensure_server(&other, true).await.unwrap();
    assert_eq!(own.origin, Origin::ShortLived);
    let notice = own.notice.clone().unwrap_or_default();
    assert!(
        notice.contains("disable_models_fetch") && notice.contains("short-lived"),
        "{notice}"
    );
    assert_ne!(own.record.pid, kept.record.pid);
    drop(own);
    assert!(
        alive(u64::from(kept.record.pid)),
        "the kept server was left alone"
    );
    // A changed llama-swap model list also gets a server of its own.
    let more = ServerOptions {
        llama_swap_models: Some(vec![MODEL.to_string(), "added-later".to_string()]),
        ..opts.clone()
    };
    let own = ensure_server(&more, false).await.unwrap();
    assert_eq!(own.origin, Origin::ShortLived);
    assert!(
        own.notice
            .as_deref()
            .unwrap_or_default()
            .contains("new: added-later"),
        "{:?}",
        own.notice
    );
    drop(own);
    assert!(alive(u64::from(kept.record.pid)));
    boocoder::agent::opencode::stop_server(&state)
        .await
        .unwrap();
    assert!(processes_in(&state).is_empty());
}

/// Collect a subscription's items until Idle (plus a settle), or the deadline.
async fn collect(sub: &mut Subscription, timeout: Duration) -> Vec<StreamItem> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut items = Vec::new();
    let mut idle_at = None;
    loop {
        let until = idle_at
            .map(|t: tokio::time::Instant| t + Duration::from_millis(300))
            .unwrap_or(deadline);
        match tokio::time::timeout_at(until, sub.next()).await {
            Ok(Some(item)) => {
                if item == StreamItem::Event(AgentEvent::Idle) {
                    idle_at.get_or_insert_with(tokio::time::Instant::now);
                }
                items.push(item);
            }
            Ok(None) => break,
            Err(_) => {
                assert!(idle_at.is_some(), "no idle within {timeout:?}: {items:?}");
                break;
            }
        }
    }
    items
}

fn joined(items: &[StreamItem], reasoning: bool) -> String {
    items
        .iter()
        .filter_map(|i| match i {
            StreamItem::Event(AgentEvent::Text { delta, .. }) if !reasoning => Some(delta.as_str()),
            StreamItem::Event(AgentEvent::Reasoning { delta, .. }) if reasoning => {
                Some(delta.as_str())
            }
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_stream_serves_two_directories_with_deduplicated_deltas() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    let opts = options(&env.home(), &state_dir(&env), &models);
    let server = ensure_server(&opts, false).await.unwrap();
    let client = server.client();
    let hub = EventHub::connect(client.clone(), Duration::from_secs(30))
        .await
        .unwrap();

    let dir_a = git_repo(&env.path().join("a").canonicalize().unwrap_or_else(|_| {
        std::fs::create_dir_all(env.path().join("a")).unwrap();
        env.path().join("a").canonicalize().unwrap()
    }));
    std::fs::create_dir_all(env.path().join("b")).unwrap();
    let dir_b = git_repo(&env.path().join("b").canonicalize().unwrap());
    let sa = client.create_session(&dir_a).await.unwrap();
    let sb = client.create_session(&dir_b).await.unwrap();
    let mut sub_a = hub.subscribe(&dir_a.to_string_lossy(), &sa);
    let mut sub_b = hub.subscribe(&dir_b.to_string_lossy(), &sb);

    // Agent requests are served in arrival order; each script names its session.
    models.push(Script::new().reasoning("Thinking once.").text("Reply one."));
    models.push(Script::new().reasoning("Thinking once.").text("Reply two."));
    let model = Some(("llama-swap", MODEL));
    client
        .prompt_async(&sa, &dir_a, "first", model, None)
        .await
        .unwrap();
    client
        .prompt_async(&sb, &dir_b, "second", model, None)
        .await
        .unwrap();
    let (ia, ib) = tokio::join!(
        collect(&mut sub_a, Duration::from_secs(60)),
        collect(&mut sub_b, Duration::from_secs(60))
    );
    let texts = [joined(&ia, false), joined(&ib, false)];
    let mut sorted = texts.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        ["Reply one.", "Reply two."],
        "each session gets exactly its own reply"
    );
    assert_eq!(
        joined(&ia, true),
        "Thinking once.",
        "reasoning printed once: {ia:?}"
    );
    assert_eq!(joined(&ib, true), "Thinking once.");
    assert!(
        !texts[0].contains("first") && !texts[1].contains("second"),
        "the prompt is not echoed"
    );
    for items in [&ia, &ib] {
        assert!(items.iter().any(|i| matches!(i, StreamItem::Event(AgentEvent::StepFinish { tokens, .. }) if tokens.output > 0)));
    }
    drop(hub);
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_is_noticed_mid_stream() {
    let env = TestEnv::new();
    let models = ModelServer::start(&[MODEL]);
    let opts = options(&env.home(), &state_dir(&env), &models);
    let server = ensure_server(&opts, false).await.unwrap();
    let client: Client = server.client();
    // A short read timeout: silence is not what we wait for here, the
    // killed connection is.
    let hub = EventHub::connect(client.clone(), Duration::from_secs(30))
        .await
        .unwrap();
    std::fs::create_dir_all(env.path().join("r")).unwrap();
    let dir = git_repo(&env.path().join("r").canonicalize().unwrap());
    let sid = client.create_session(&dir).await.unwrap();
    let mut sub = hub.subscribe(&dir.to_string_lossy(), &sid);
    models.push(Script::new().text("Start of a reply").stall());
    client
        .prompt_async(&sid, &dir, "hello", Some(("llama-swap", MODEL)), None)
        .await
        .unwrap();
    // Wait for the turn to be under way.
    loop {
        match tokio::time::timeout(Duration::from_secs(30), sub.next())
            .await
            .expect("turn starts")
        {
            Some(StreamItem::Event(AgentEvent::Text { .. })) => break,
            Some(_) => {}
            None => panic!("hub gone"),
        }
    }
    let pid = server.record.pid;
    let killed = Instant::now();
    // SAFETY: signalling the process group of the server this test started.
    unsafe { libc::kill(-(pid as i32), libc::SIGKILL) };
    loop {
        match tokio::time::timeout(Duration::from_secs(35), sub.next())
            .await
            .expect("loss reported")
        {
            Some(StreamItem::Lost { error }) => {
                eprintln!("stream loss noticed after {:?}: {error}", killed.elapsed());
                break;
            }
            Some(_) => {}
            None => panic!("hub gone"),
        }
    }
    drop(sub);
    drop(hub);
    drop(server);
}
