//! The library's shape, as anyone can check it with grep: nothing below
//! the command layer reads the process environment except the one place
//! that captures it (`config`), nothing below it prints, one printer owns
//! stdout and stderr, the library reports through one reporter trait and
//! no callbacks, no source file is over 700 lines and no function over
//! 100, the prompt command is arguments and a plan, blocking work goes
//! through one helper, and imports point down (the store and the probe
//! below `agent`, nothing below `session` importing it, nothing below the
//! reporter naming it).

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

/// What writes to stdout or stderr.
const PRINT_SITES: &[&str] = &[
    "println!(",
    "print!(",
    "eprintln!(",
    "eprint!(",
    "dbg!(",
    ".print()",
    "stdout()",
    "stderr()",
    "io::stdout",
    "io::stderr",
];

#[test]
fn the_library_prints_nothing() {
    let found = offenders(PRINT_SITES, is_cmd);
    assert!(
        found.is_empty(),
        "printing below cmd:\n{}",
        found.join("\n")
    );
}

/// The command layer's printer (`cmd/printer/`) owns stdout and stderr:
/// every command, renderer, prompt and progress line writes through it, so
/// --quiet, colour and terminals are decided in one place.
fn is_printer(rel: &str) -> bool {
    rel.starts_with("cmd/printer/")
}

#[test]
fn one_printer() {
    let found = offenders(PRINT_SITES, is_printer);
    assert!(
        found.is_empty(),
        "stdout or stderr outside the printer (src/cmd/printer/):\n{}",
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

/// Lines of `src/` files under any of `dirs` (outside `allowed`) that name
/// the module `crate::{module}`, in a path or a `use crate::{..}` list;
/// comments do not count.
fn imports_of(module: &str, dirs: &[&str], allowed: &[&str]) -> Vec<String> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let names = |line: &str| {
        let path = format!("crate::{module}");
        let by_path = line
            .match_indices(&path)
            .any(|(at, _)| !line[at + path.len()..].starts_with(ident));
        let by_list = line
            .split_once("crate::{")
            .is_some_and(|(_, list)| list.split(|c: char| !ident(c)).any(|w| w == module));
        by_path || by_list
    };
    library()
        .iter()
        .filter(|(rel, _)| dirs.iter().any(|d| rel.starts_with(d)))
        .filter(|(rel, _)| !allowed.contains(&rel.as_str()))
        .flat_map(|(rel, text)| {
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim_start().starts_with("//") && names(l))
                .map(move |(i, l)| format!("src/{rel}:{}: {}", i + 1, l.trim()))
        })
        .collect()
}

#[test]
fn the_store_and_the_probe_import_nothing_from_agent() {
    let found = imports_of("agent", &["store/", "probe/"], &[]);
    assert!(
        found.is_empty(),
        "store or probe importing agent:\n{}",
        found.join("\n")
    );
}

/// The layers below the reporter (and so below the session layer too).
const BELOW_REPORT: &[&str] = &[
    "agent/",
    "worktree/",
    "store/",
    "providers/",
    "probe/",
    "config/",
    "util/",
    "acp_wire.rs",
    "lease.rs",
];

#[test]
fn nothing_below_the_session_layer_imports_it() {
    // The session layer owns a turn (the engine) and drives the backends
    // through `agent::Transport`; the backends, the worktree service, the
    // store, the providers, the probes, the config, the utilities and the
    // lease sit below it.
    let mut below = BELOW_REPORT.to_vec();
    below.push("report.rs");
    let found = imports_of("session", &below, &[]);
    assert!(
        found.is_empty(),
        "importing the session layer from below it:\n{}",
        found.join("\n")
    );
}

/// `text` with comments, string literals and character literals blanked
/// out (newlines kept), so braces in them do not count. Lifetimes (`'a`)
/// are kept: a quote is a character literal only when it closes one or
/// two characters later, or starts an escape.
fn code_only(text: &str) -> Vec<char> {
    let s: Vec<char> = text.chars().collect();
    let mut out = s.clone();
    let blank = |out: &mut Vec<char>, from: usize, to: usize| {
        for c in &mut out[from..to.min(s.len())] {
            if *c != '\n' {
                *c = ' ';
            }
        }
    };
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < s.len() {
        let at = |k: usize| s.get(i + k).copied().unwrap_or('\0');
        if at(0) == '/' && at(1) == '/' {
            let end = (i..s.len()).find(|&k| s[k] == '\n').unwrap_or(s.len());
            blank(&mut out, i, end);
            i = end;
        } else if at(0) == '/' && at(1) == '*' {
            let (mut k, mut depth) = (i + 2, 1);
            while k < s.len() && depth > 0 {
                if s[k] == '/' && s.get(k + 1) == Some(&'*') {
                    depth += 1;
                    k += 1;
                } else if s[k] == '*' && s.get(k + 1) == Some(&'/') {
                    depth -= 1;
                    k += 1;
                }
                k += 1;
            }
            blank(&mut out, i, k);
            i = k;
        } else if (at(0) == 'r' || (at(0) == 'b' && at(1) == 'r'))
            && (i == 0 || !ident(s[i - 1]))
            && {
                let r = if at(0) == 'b' { 1 } else { 0 };
                let hashes = (i + r + 1..s.len()).take_while(|&k| s[k] == '#').count();
                s.get(i + r + 1 + hashes) == Some(&'"')
            }
        {
            // A raw string: r"..", r#".."#, br"..".
            let r = if at(0) == 'b' { 1 } else { 0 };
            let hashes = (i + r + 1..s.len()).take_while(|&k| s[k] == '#').count();
            let body = i + r + 2 + hashes;
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let close: Vec<char> = close.chars().collect();
            let end = (body..s.len())
                .find(|&k| s[k..].starts_with(&close))
                .map_or(s.len(), |k| k + close.len());
            blank(&mut out, i, end);
            i = end;
        } else if at(0) == '"' {
            let mut k = i + 1;
            while k < s.len() && s[k] != '"' {
                k += if s[k] == '\\' { 2 } else { 1 };
            }
            blank(&mut out, i, k + 1);
            i = k + 1;
        } else if at(0) == '\'' && (at(1) == '\\' || (at(1) != '\'' && at(2) == '\'')) {
            let mut k = i + 1;
            while k < s.len() && s[k] != '\'' {
                k += if s[k] == '\\' { 2 } else { 1 };
            }
            blank(&mut out, i, k + 1);
            i = k + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// Every `fn` item with a body in `text`: (name, first line, line count),
/// counted from the line of `fn` to the line of its closing brace.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let s = code_only(text);
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let line_of = |k: usize| s[..k].iter().filter(|&&c| c == '\n').count() + 1;
    let mut found = Vec::new();
    for i in 0..s.len().saturating_sub(3) {
        let is_fn = s[i] == 'f'
            && s[i + 1] == 'n'
            && s[i + 2].is_whitespace()
            && (i == 0 || !ident(s[i - 1]));
        if !is_fn {
            continue;
        }
        let start = (i + 2..s.len()).find(|&k| !s[k].is_whitespace()).unwrap();
        let name: String = s[start..].iter().take_while(|&&c| ident(c)).collect();
        if name.is_empty() {
            continue; // a function pointer type: `fn(..)`
        }
        // The body opens at the first `{` outside the signature's (), []
        // and <>; a `;` there first is a declaration without a body.
        let (mut depth, mut k, mut open) = (0i32, start, None);
        while k < s.len() {
            match s[k] {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                '{' if depth == 0 => {
                    open = Some(k);
                    break;
                }
                ';' if depth == 0 => break,
                _ => {}
            }
            k += 1;
        }
        let Some(open) = open else { continue };
        let mut braces = 0;
        let close = (open..s.len())
            .find(|&k| {
                match s[k] {
                    '{' => braces += 1,
                    '}' => braces -= 1,
                    _ => {}
                }
                braces == 0
            })
            .unwrap_or_else(|| panic!("unbalanced braces after fn {name}"));
        let first = line_of(i);
        found.push((name, first, line_of(close) - first + 1));
    }
    found
}

#[test]
fn functions_are_measured_from_fn_to_its_closing_brace() {
    let text = r##"
fn short(x: [u8; 2]) -> &'static str {
    let _ = '{';
    let _ = "}}}";
    // }
    /* { */
    let _ = r#"{"#;
    "a"
}
trait T { fn declared(&self); }
fn generic<'a, F: Fn(&'a str) -> u8>(f: F) -> u8 where F: Copy {
    let p: fn(u8) -> u8 = |x| { x };
    f("{") + p(1)
}
"##;
    assert_eq!(
        functions(text),
        [("short".to_string(), 2, 8), ("generic".to_string(), 11, 4)]
    );
}

#[test]
fn no_function_is_over_100_lines() {
    let long: Vec<String> = library()
        .iter()
        .flat_map(|(rel, text)| {
            functions(text)
                .into_iter()
                .filter(|(_, _, n)| *n > 100)
                .map(|(name, line, n)| format!("src/{rel}:{line}: fn {name}: {n} lines"))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        long.is_empty(),
        "functions over 100 lines:\n{}",
        long.join("\n")
    );
}

/// A closure type at `k` in `s` (`Fn(` or `FnMut(`, not part of a longer
/// name) that returns nothing: no `->` after its parameters. A closure
/// that returns nothing is called for its effect: a reporting channel.
fn reporting_closure_at(s: &[char], k: usize) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    if k > 0 && ident(s[k - 1]) {
        return false;
    }
    let open = if s[k..].starts_with(&['F', 'n', '(']) {
        k + 2
    } else if s[k..].starts_with(&['F', 'n', 'M', 'u', 't', '(']) {
        k + 5
    } else {
        return false;
    };
    let mut depth = 0;
    let Some(close) = (open..s.len()).find(|&i| {
        match s[i] {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        depth == 0
    }) else {
        return false;
    };
    let after: String = s[close + 1..]
        .iter()
        .skip_while(|c| c.is_whitespace())
        .take(2)
        .collect();
    after != "->"
}

/// Where `text` keeps a closure as a callback or takes one to report
/// through: lines (1-based) of every `Arc<dyn ..Fn..>`, `Box<dyn ..>` or
/// `Rc<dyn ..>` closure type, and of every public function (`pub fn`, also
/// `pub async fn`, ...; not `pub(crate)`) whose signature takes a closure
/// returning nothing (`impl Fn(&str)`, `&dyn Fn(Event)`, `F: FnMut(u8)`).
/// Comments and string literals do not count.
fn reporting_callbacks(text: &str) -> Vec<usize> {
    let s = code_only(text);
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let line_of = |k: usize| s[..k].iter().filter(|&&c| c == '\n').count() + 1;
    let word_at = |k: usize, w: &str| {
        let w: Vec<char> = w.chars().collect();
        s[k..].starts_with(&w)
            && (k == 0 || !ident(s[k - 1]))
            && s.get(k + w.len()).is_none_or(|&c| !ident(c))
    };
    let skip_space = |mut k: usize| {
        while k < s.len() && s[k].is_whitespace() {
            k += 1;
        }
        k
    };
    let mut found = Vec::new();
    for k in 0..s.len() {
        // A kept closure: Arc<dyn Fn..>, Box<dyn for<'a> FnMut..>, ...
        if ["Arc", "Box", "Rc"].iter().any(|w| word_at(k, w)) {
            let mut i = k + if s[k] == 'R' { 2 } else { 3 };
            if s.get(i) != Some(&'<') {
                continue;
            }
            i = skip_space(i + 1);
            if !word_at(i, "dyn") {
                continue;
            }
            i = skip_space(i + 3);
            if word_at(i, "for") {
                i = (i..s.len())
                    .find(|&j| s[j] == '>')
                    .map_or(s.len(), |j| j + 1);
                i = skip_space(i);
            }
            if s[i..].starts_with(&['F', 'n']) {
                found.push(line_of(k));
            }
        }
        // A public function taking a reporting closure.
        if word_at(k, "pub") && s.get(k + 3).is_some_and(|c| c.is_whitespace()) {
            let mut i = skip_space(k + 3);
            while ["async", "const", "unsafe"].iter().any(|w| word_at(i, w)) {
                i = skip_space((i..s.len()).find(|&j| !ident(s[j])).unwrap_or(s.len()));
            }
            if !word_at(i, "fn") {
                continue;
            }
            let mut depth = 0i32;
            let mut j = i;
            while j < s.len() {
                match s[j] {
                    '(' | '[' => depth += 1,
                    ')' | ']' => depth -= 1,
                    '{' | ';' if depth == 0 => break,
                    _ => {}
                }
                j += 1;
            }
            if (i..j).any(|c| reporting_closure_at(&s, c)) {
                found.push(line_of(k));
            }
        }
    }
    found
}

#[test]
fn reporting_callbacks_are_found_in_what_a_library_declares() {
    let text = r##"
pub type Lines = Arc<dyn Fn(&str) + Send + Sync>;
pub type Ask = Arc<dyn Fn(&str, &Event) -> Reply + Send + Sync>;
struct Kept { f: Box<dyn for<'a> FnMut(&'a str)> }
pub fn on_output(mut self, f: impl Fn(&str) + Send + Sync + 'static) -> Self { self }
pub async fn run(
    plan: &Plan,
    sink: &(dyn for<'e> Fn(Event<'e>) + Send + Sync),
) -> Result<()> {
    Ok(())
}
pub fn each<F>(f: F) where F: FnMut(u8) { }
pub fn ok(status: impl Fn(u16) -> bool) -> bool { true }
pub fn blocking<T>(f: impl FnOnce() -> T + Send) -> T { f() }
pub(crate) fn answer(sink: &(dyn Fn(Event) + Send + Sync)) {}
fn private(f: impl Fn(&str)) {}
pub fn reporting_to(self, output: Arc<dyn Output>) -> Self { self }
pub struct Arcade; pub fn unboxed(b: Box<dyn Error>, r: Rc<dyn Output>) {}
// pub type Commented = Arc<dyn Fn(&str)>;
pub fn quoted() -> &'static str { "pub fn x(f: impl Fn(&str)) {}" }
"##;
    assert_eq!(reporting_callbacks(text), [2, 3, 4, 5, 6, 12]);
}

#[test]
fn the_library_reports_through_one_reporter_not_callbacks() {
    // The library reports to its caller through one trait,
    // `report::Reporter`, which the command layer implements once: the
    // lower layers name only their view of it (`providers::Progress`,
    // `worktree::Output`, `agent::turn::AskPerson`), its supertraits. No
    // closure is kept as a callback, and no public function takes one to
    // report through.
    let found: Vec<String> = library()
        .iter()
        .filter(|(rel, _)| !is_cmd(rel))
        .flat_map(|(rel, text)| {
            let lines: Vec<&str> = text.lines().collect();
            reporting_callbacks(text)
                .into_iter()
                .map(|n| format!("src/{rel}:{n}: {}", lines[n - 1].trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        found.is_empty(),
        "callbacks in the library's API (report through report::Reporter):\n{}",
        found.join("\n")
    );
    let defines = |what: &str| -> Vec<String> {
        library()
            .into_iter()
            .filter(|(_, t)| t.contains(what))
            .map(|(rel, _)| rel)
            .collect()
    };
    assert_eq!(defines("pub trait Reporter"), ["report.rs"]);
    // The layers below name only their view, never the reporter itself.
    let found = imports_of("report", BELOW_REPORT, &[]);
    assert!(
        found.is_empty(),
        "importing the reporter from below it:\n{}",
        found.join("\n")
    );
}
