//! The fake ACP agent (`tests/fake-acp-agent/fake_acp_agent.py`) installed
//! under agent names (`gemini`, `qwen`, ...) in a test's private bin
//! directory, scripted through a JSON file, with a log of every start.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::support::{Run, TestEnv};

/// The real interpreter behind `python3` (not a version-manager shim, which
/// would need the caller's PATH and costs a shell start per agent).
pub fn python() -> &'static str {
    static PY: OnceLock<String> = OnceLock::new();
    PY.get_or_init(|| {
        let out = Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .expect("python3 is needed by the fake ACP agent");
        String::from_utf8(out.stdout)
            .expect("utf-8 path")
            .trim()
            .to_string()
    })
}

pub struct FakeAgents {
    pub bin: PathBuf,
    pub script: PathBuf,
    pub log: PathBuf,
}

impl FakeAgents {
    pub fn new(env: &TestEnv) -> FakeAgents {
        let bin = env.path().join("fakebin");
        std::fs::create_dir_all(&bin).expect("create fake bin dir");
        FakeAgents {
            bin,
            script: env.path().join("fake-acp.json"),
            log: env.path().join("fake-acp.log"),
        }
    }

    /// Put the fake agent on the private PATH as `name`.
    pub fn install(&self, name: &str) -> PathBuf {
        let source = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fake-acp-agent/fake_acp_agent.py"),
        )
        .expect("read fake agent");
        let path = self.bin.join(name);
        std::fs::write(&path, format!("#!{}\n{source}", python())).expect("write fake agent");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("chmod fake agent");
        path
    }

    /// The script: `{"<agent name>": {...}, "default": {...}}`.
    pub fn script(&self, v: Value) {
        std::fs::write(&self.script, v.to_string()).expect("write fake script");
    }

    fn events(&self, name: &str, event: &str) -> Vec<f64> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                (f.len() == 4 && f[0] == name && f[1] == event).then(|| f[3].parse().unwrap())
            })
            .collect()
    }

    /// How many times `name` was started (not counting `--version`).
    pub fn starts(&self, name: &str) -> usize {
        self.events(name, "start").len()
    }

    /// (start, end) of every completed probe of `name`, in start order.
    pub fn intervals(&self, name: &str) -> Vec<(f64, f64)> {
        let mut starts = self.events(name, "start");
        let mut ends = self.events(name, "end");
        starts.sort_by(f64::total_cmp);
        ends.sort_by(f64::total_cmp);
        starts.into_iter().zip(ends).collect()
    }

    /// Pids of children spawned by hanging agents.
    pub fn child_pids(&self) -> Vec<i32> {
        let mut p = self.log.clone().into_os_string();
        p.push(".child");
        std::fs::read_to_string(PathBuf::from(p))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }

    /// `boocoder` with the private bin dir (and only system dirs) on PATH.
    pub fn cmd(&self, env: &TestEnv) -> Command {
        let mut c = env.cmd();
        c.env("PATH", format!("{}:/usr/bin:/bin", self.bin.display()))
            .env("FAKE_ACP_SCRIPT", &self.script)
            .env("FAKE_ACP_LOG", &self.log);
        c
    }

    pub fn run(&self, env: &TestEnv, args: &[&str]) -> Run {
        env.run_with(self.cmd(env).args(args))
    }
}

/// Whether process `pid` is gone (or a zombie nobody reaped yet).
pub fn process_gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

/// The entry named `name` of a snapshot / probe document's array `key`.
pub fn entry<'a>(doc: &'a Value, key: &str, name: &str) -> &'a Value {
    doc[key]
        .as_array()
        .unwrap_or_else(|| panic!("no `{key}` array in {doc}"))
        .iter()
        .find(|e| e["name"] == name)
        .unwrap_or_else(|| panic!("no entry `{name}` in {doc}"))
}

/// The ids of an entry's models.
pub fn model_ids(entry: &Value) -> Vec<String> {
    entry["models"]
        .as_array()
        .expect("models array")
        .iter()
        .map(|m| m["id"].as_str().expect("model id").to_string())
        .collect()
}
