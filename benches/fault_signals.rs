//! Fault figures for signals on turns: signal x operation -> exit code,
//! seconds from the (first) signal to the exit, the turn's recorded status,
//! whether the lease was released, what was left running, and whether the
//! next prompt (without --wait) started at once.
//!
//!     cargo bench --bench fault_signals      (needs scripts/install-opencode)
//!     scripts/fault --runs 3
//!
//! Operations: an opencode turn on a short-lived server, one on the kept
//! server, an ACP turn (the fake ACP agent); each streams, then stalls until
//! aborted. Signals: SIGINT, SIGTERM, SIGHUP, SIGTERM twice 100 ms apart,
//! SIGKILL (nothing can be cleaned up: the next prompt takes the lease over
//! at once, the owner's pid being gone on this host). Exits non-zero when
//! one catchable signal left the lease held, a turn `running` or a process
//! behind, or when a next prompt was refused (a second signal ends the
//! process at once, whatever its clean-up reached: then only the next
//! prompt counts). Also: the kept server hung (SIGSTOP, its abort
//! unanswered), SIGTERM alone (exits after the 5 s clean-up grace) vs a
//! second SIGTERM 1 s later (exits at once).

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use boocoder::store::{Migrate, Store};
use common::model_server::Script;
use common::{World, run};

const MODEL: &str = "bench-model";

#[derive(Clone, Copy, PartialEq)]
enum Op {
    ShortLived,
    Kept,
    Acp,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::ShortLived => "opencode turn, short-lived server",
            Op::Kept => "opencode turn, kept server",
            Op::Acp => "ACP turn",
        }
    }
}

/// One operation's world: its session and, for ACP, the fake agent.
struct Rig {
    world: World,
    op: Op,
    fake: Option<(PathBuf, PathBuf, PathBuf)>,
}

fn python() -> String {
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .expect("python3 runs the fake ACP agent");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

impl Rig {
    fn new(op: Op) -> Rig {
        let world = World::new(
            &[MODEL],
            &format!("default_model = \"{MODEL}\"\nlease_seconds = 600\n"),
        );
        let fake = (op == Op::Acp).then(|| {
            let bin = world.root.path().join("fakebin");
            std::fs::create_dir_all(&bin).unwrap();
            let source = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/fake-acp-agent/fake_acp_agent.py"),
            )
            .unwrap();
            let agent = bin.join("qwen");
            std::fs::write(&agent, format!("#!{}\n{source}", python())).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755)).unwrap();
            let script = world.root.path().join("fake-acp.json");
            std::fs::write(
                &script,
                r#"{"qwen": {"turn": [{"text": "Going\n"}, {"stall": true}]}}"#,
            )
            .unwrap();
            (bin, script, world.root.path().join("fake-acp.log"))
        });
        let rig = Rig { world, op, fake };
        let repo = rig.world.repo.to_str().unwrap().to_string();
        let agent = if op == Op::Acp { "qwen" } else { "opencode" };
        run(rig.cmd(&["session", "new", "s", "--repo", &repo, "--agent", agent]));
        if op == Op::Kept {
            run(rig.cmd(&["server", "start"]));
        }
        rig
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.world.boocoder(args);
        if let Some((bin, script, log)) = &self.fake {
            c.env(
                "PATH",
                format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
            )
            .env("FAKE_ACP_SCRIPT", script)
            .env("FAKE_ACP_LOG", log);
        }
        c
    }

    fn store<T>(&self, f: impl AsyncFnOnce(&Store) -> T) -> T {
        let url = format!(
            "sqlite://{}",
            self.world.root.path().join("data/boocoder.db").display()
        );
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let store = Store::open(&url, Migrate::Skip).await.unwrap();
            let out = f(&store).await;
            store.close().await;
            out
        })
    }

    /// Processes this operation may leave behind: a short-lived server (in
    /// the state dir, not the kept one), or fake agents.
    fn left_running(&self, kept_pid: Option<u32>) -> usize {
        match self.op {
            Op::Acp => {
                let log = &self.fake.as_ref().unwrap().2;
                std::fs::read_to_string(log)
                    .unwrap_or_default()
                    .lines()
                    .filter(|l| l.split_whitespace().nth(1) == Some("start"))
                    .filter_map(|l| l.split_whitespace().nth(2)?.parse::<u32>().ok())
                    .filter(|p| alive(*p))
                    .count()
            }
            _ => processes_in(&self.world.state_dir())
                .into_iter()
                .filter(|p| Some(*p) != kept_pid)
                .filter(|p| {
                    std::fs::read_to_string(format!("/proc/{p}/cmdline"))
                        .is_ok_and(|c| c.contains("serve"))
                })
                .count(),
        }
    }
}

fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rsplit_once(')')
            .is_some_and(|(_, r)| !r.trim_start().starts_with(['Z', 'X']))
    })
}

fn processes_in(dir: &Path) -> Vec<u32> {
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|p| alive(*p))
        .filter(|p| std::fs::read_link(format!("/proc/{p}/cwd")).ok().as_deref() == Some(&dir))
        .collect()
}

fn kept_pid(rig: &Rig) -> Option<u32> {
    let state = std::fs::read(rig.world.state_dir().join("server.json")).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&state).ok()?;
    v["pid"].as_u64().map(|p| p as u32)
}

fn wait(child: &mut Child, limit: Duration) -> Option<i32> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Some(-1);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

struct Sample {
    code: Option<i32>,
    seconds: f64,
    status: String,
    released: bool,
    left: usize,
    next_code: i32,
    next_seconds: f64,
}

fn one(rig: &Rig, signals: &[i32]) -> Sample {
    if rig.op != Op::Acp {
        rig.world.models.push(Script::new().text("Going").stall());
    }
    let mut child = rig
        .cmd(&["session", "prompt", "s", "go", "--format", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("the turn streams");
        if line.contains("Going") {
            break;
        }
    }
    let signalled = Instant::now();
    for (i, s) in signals.iter().enumerate() {
        if i > 0 {
            std::thread::sleep(Duration::from_millis(100));
        }
        // SAFETY: signalling a child this bench started.
        unsafe { libc::kill(child.id() as i32, *s) };
    }
    let code = wait(&mut child, Duration::from_secs(60));
    let seconds = signalled.elapsed().as_secs_f64();
    // What the process left, before anything else touches the session.
    std::thread::sleep(Duration::from_millis(300));
    let (status, released) = rig.store(async |store| {
        let status = store
            .last_turn("s")
            .await
            .unwrap()
            .map_or("-".to_string(), |t| t.status.as_str().to_string());
        (status, store.get_lease("s").await.unwrap().is_none())
    });
    let left = rig.left_running(kept_pid(rig));
    if rig.op != Op::Acp {
        rig.world.models.push(Script::new().text("Next."));
    } else {
        let script = &rig.fake.as_ref().unwrap().1;
        std::fs::write(script, r#"{"qwen": {"turn": [{"text": "Next."}]}}"#).unwrap();
    }
    let started = Instant::now();
    let next = rig
        .cmd(&["session", "prompt", "s", "next"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let next_seconds = started.elapsed().as_secs_f64();
    if rig.op == Op::Acp {
        let script = &rig.fake.as_ref().unwrap().1;
        std::fs::write(
            script,
            r#"{"qwen": {"turn": [{"text": "Going\n"}, {"stall": true}]}}"#,
        )
        .unwrap();
    }
    Sample {
        code,
        seconds,
        status,
        released,
        left,
        next_code: next.code().unwrap_or(-1),
        next_seconds,
    }
}

/// A turn on the kept server, the server then stopped (SIGSTOP: the
/// abort gets no answer), SIGTERM (and, with `twice`, another 1 s later):
/// the exit code and seconds from the last signal to the exit.
fn hung_server(rig: &Rig, server: u32, twice: bool) -> (Option<i32>, f64) {
    rig.world.models.push(Script::new().text("Going").stall());
    let mut child = rig
        .cmd(&["session", "prompt", "s", "go", "--format", "ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        if line.unwrap().contains("Going") {
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    // SAFETY: the kept server's process group, started by this bench.
    unsafe { libc::kill(-(server as i32), libc::SIGSTOP) };
    // SAFETY: signalling a child this bench started.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    if twice {
        std::thread::sleep(Duration::from_secs(1));
        // SAFETY: as above.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    }
    let last = Instant::now();
    let code = wait(&mut child, Duration::from_secs(60));
    let seconds = last.elapsed().as_secs_f64();
    // SAFETY: as above.
    unsafe { libc::kill(-(server as i32), libc::SIGCONT) };
    (code, seconds)
}

fn main() {
    if common::listing() {
        return;
    }
    let runs = common::runs(1);
    let signals: [(&str, &[i32]); 5] = [
        ("SIGINT", &[libc::SIGINT]),
        ("SIGTERM", &[libc::SIGTERM]),
        ("SIGHUP", &[libc::SIGHUP]),
        ("SIGTERM x2", &[libc::SIGTERM, libc::SIGTERM]),
        ("SIGKILL", &[libc::SIGKILL]),
    ];
    println!("fault signals ({runs} run(s) per cell; lease_seconds 600)");
    println!(
        "  {:<34} {:<11} {:>5} {:>7}  {:<12} {:<8} {:>4}  {:>4} {:>7}",
        "operation", "signal", "exit", "s", "status", "lease", "left", "next", "next s"
    );
    let mut bad = 0;
    for op in [Op::ShortLived, Op::Kept, Op::Acp] {
        let rig = Rig::new(op);
        for (name, sigs) in signals {
            for _ in 0..runs {
                let s = one(&rig, sigs);
                // A second signal ends the process at once, whatever its
                // clean-up had reached: only one catchable signal must
                // leave everything whole. Every case must leave the
                // session free for the next prompt.
                let whole = sigs.len() == 1 && sigs[0] != libc::SIGKILL;
                if (whole && (!s.released || s.status != "interrupted" || s.left > 0))
                    || s.next_code != 0
                {
                    bad += 1;
                }
                println!(
                    "  {:<34} {:<11} {:>5} {:>7.2}  {:<12} {:<8} {:>4}  {:>4} {:>7.2}",
                    op.name(),
                    name,
                    s.code.map_or("killed".into(), |c| c.to_string()),
                    s.seconds,
                    s.status,
                    if s.released { "released" } else { "held" },
                    s.left,
                    s.next_code,
                    s.next_seconds,
                );
            }
        }
        if op == Op::Kept {
            let pid = kept_pid(&rig).expect("the kept server");
            let (code, one) = hung_server(&rig, pid, false);
            println!(
                "  kept server hung (abort unanswered), SIGTERM: exit {} after {one:.2} s (the clean-up grace is 5 s)",
                code.map_or("killed".into(), |c| c.to_string())
            );
            let (code, two) = hung_server(&rig, pid, true);
            println!(
                "  the same, a second SIGTERM 1 s later: exit {} {two:.2} s after it ({:.0}x sooner than the grace left)",
                code.map_or("killed".into(), |c| c.to_string()),
                4.0 / two.max(0.001)
            );
            run(rig.cmd(&["server", "stop", "--force"]));
        }
    }
    println!(
        "  cells where a catchable signal left something behind or the next prompt was refused: {bad}"
    );
    if bad > 0 {
        std::process::exit(1);
    }
}
