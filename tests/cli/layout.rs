//! The library's shape, as anyone can check it with grep: nothing below
//! the command layer reads the process environment except the one place
//! that captures it (`config`), nothing below it prints, no source file is
//! over 700 lines, the prompt command is arguments and a plan, and blocking
//! work goes through one helper.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `src/` file as (path relative to `src/`, text).
fn library() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The command layer: it reads the environment once and renders.
fn is_cmd(rel: &str) -> bool {
    rel.starts_with("cmd/") || rel == "main.rs"
}

/// Lines of files (outside `allowed`) containing any of `needles`.
fn offenders(needles: &[&str], allowed: impl Fn(&str) -> bool) -> Vec<String> {
    library()
        .iter()
        .filter(|(rel, _)| !allowed(rel))
        .flat_map(|(rel, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| needles.iter().any(|n| l.contains(n)))
                .map(move |(i, l)| format!("src/{rel}:{}: {}", i + 1, l.trim()))
        })
        .collect()
}

#[test]
fn only_config_and_the_command_layer_read_the_environment() {
    let found = offenders(
        &["env::var(", "env::var_os(", "env::vars(", "env::vars_os("],
        |rel| is_cmd(rel) || rel == "config/mod.rs",
    );
    assert!(
        found.is_empty(),
        "environment read below cmd:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_library_prints_nothing() {
    let found = offenders(
        &[
            "println!(",
            "print!(",
            "eprintln!(",
            "eprint!(",
            "dbg!(",
            "io::stdout()",
        ],
        is_cmd,
    );
    assert!(
        found.is_empty(),
        "printing below cmd:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_source_file_is_over_700_lines_and_prompt_is_arguments_and_a_plan() {
    let long: Vec<String> = library()
        .iter()
        .filter(|(_, text)| text.lines().count() > 700)
        .map(|(rel, text)| format!("src/{rel}: {} lines", text.lines().count()))
        .collect();
    assert!(
        long.is_empty(),
        "files over 700 lines:\n{}",
        long.join("\n")
    );
    let prompt = library()
        .into_iter()
        .find(|(rel, _)| rel == "cmd/session/prompt.rs")
        .expect("cmd/session/prompt.rs");
    let n = prompt.1.lines().count();
    assert!(n <= 250, "cmd/session/prompt.rs has {n} lines");
    assert!(
        !prompt.1.contains("ensure_server") && !prompt.1.contains("EventHub"),
        "cmd/session/prompt.rs assembles a server or event stream"
    );
}

#[test]
fn agent_events_and_statuses_live_outside_any_backend() {
    let files = library();
    let defines = |what: &str| -> Vec<String> {
        files
            .iter()
            .filter(|(_, t)| t.contains(what))
            .map(|(rel, _)| rel.clone())
            .collect()
    };
    assert_eq!(defines("pub enum AgentEvent"), ["agent/mod.rs"]);
    assert_eq!(defines("pub enum TurnStatus"), ["store/kinds.rs"]);
    assert_eq!(defines("pub enum ToolStatus"), ["store/kinds.rs"]);
    assert_eq!(defines("pub enum ChangeStatus"), ["store/kinds.rs"]);
}

#[test]
fn statuses_are_compared_as_enums_not_strings() {
    let found = offenders(&["status == \"", "status != \""], |_| false);
    assert!(
        found.is_empty(),
        "statuses compared as strings:\n{}",
        found.join("\n")
    );
}

#[test]
fn blocking_work_goes_through_one_helper() {
    // `util::blocking` resumes a panic in the caller and turns a cancelled
    // task into `Interrupted`: a bare `spawn_blocking` handles neither alike.
    let found = offenders(&["spawn_blocking("], |rel| rel == "util/blocking.rs");
    assert!(
        found.is_empty(),
        "blocking work outside util::blocking:\n{}",
        found.join("\n")
    );
}
