//! The printer: the one owner of this process's stdout and stderr. stdout
//! is data (text / json / ndjson), stderr is talk (notices, progress,
//! errors, the permission question). Format, --quiet, colour (--color,
//! NO_COLOR) and which streams are terminals are decided once, here, when
//! the command starts; every command and renderer writes through it.

mod progress;
mod report;

use std::io::{IsTerminal, Write};

use boocoder::Exit;
use serde::Serialize;

use super::GlobalArgs;
use super::output::{ColorChoice, ErrorRecord, Format, classify, error_message, render};

pub use progress::{Waiting, stderr_writer};
pub use report::{Reporting, TurnView};

#[derive(Debug, Clone)]
pub struct Printer {
    pub format: Format,
    pub quiet: bool,
    pub color_stdout: bool,
    pub color_stderr: bool,
    /// How many `-v`: agent errors are shown in full from 1.
    pub verbose: u8,
    terminals: Terminals,
}

/// Which of the process's streams are terminals, read once.
#[derive(Debug, Clone, Copy)]
struct Terminals {
    stdin: bool,
    stdout: bool,
    stderr: bool,
    /// stdout and stderr are the same file or pipe (`2>&1`).
    stdout_is_stderr: bool,
}

impl Terminals {
    fn of_process() -> Terminals {
        Terminals {
            stdin: std::io::stdin().is_terminal(),
            stdout: std::io::stdout().is_terminal(),
            stderr: std::io::stderr().is_terminal(),
            stdout_is_stderr: stdout_is_stderr(),
        }
    }
}

/// Whether stdout and stderr are the same file or pipe (`2>&1`): a reader
/// sees them interleaved, as on a terminal.
fn stdout_is_stderr() -> bool {
    let id = |fd: i32| {
        // SAFETY: fstat fills the zeroed struct or fails.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        (unsafe { libc::fstat(fd, &mut st) } == 0).then_some((st.st_dev, st.st_ino))
    };
    matches!((id(1), id(2)), (Some(a), Some(b)) if a == b)
}

impl Printer {
    pub fn new(g: &GlobalArgs) -> Printer {
        let format = if g.json { Format::Json } else { g.format };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let terminals = Terminals::of_process();
        let color = |tty: bool| match g.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Printer {
            format,
            quiet: g.quiet,
            color_stdout: color(terminals.stdout),
            color_stderr: color(terminals.stderr),
            verbose: g.verbose,
            terminals,
        }
    }

    pub fn is_text(&self) -> bool {
        self.format == Format::Text
    }

    /// Print a result document: pretty JSON, or one ndjson line tagged with
    /// `type` (added when the value is an object without one) and `ts`, the
    /// time it was written (RFC 3339 UTC), so every ndjson line carries both.
    pub fn record<T: Serialize>(&self, kind: &str, value: &T) -> anyhow::Result<()> {
        self.stdout(&render(self.format, kind, value)?)
    }

    /// Write to stdout. A failed write (a closed pipe, a full disk) is an
    /// error: what the caller asked for did not arrive, so the exit is not 0.
    pub fn stdout(&self, s: &str) -> anyhow::Result<()> {
        write_stdout(s).map_err(|e| super::output::stdout_error(&e).into())
    }

    /// Write to stdout, the failure left to the caller (a renderer that
    /// keeps the first one and goes on).
    pub fn write(&self, s: &str) -> std::io::Result<()> {
        write_stdout(s)
    }

    /// A script on stdout (completions): a closed pipe (`| head`) is not an
    /// error.
    pub fn script(&self, bytes: &[u8]) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        match out.write_all(bytes).and_then(|_| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// A message for people on stderr, unless --quiet.
    pub fn info(&self, s: &str) {
        if !self.quiet {
            eprintln!("{s}");
        }
    }

    /// A line on stderr, --quiet or not (the caller has decided).
    pub fn talk(&self, s: &str) {
        eprintln!("{s}");
    }

    /// Text on stderr as it comes, without a line end added.
    pub fn talk_partial(&self, s: &str) {
        eprint!("{s}");
    }

    pub fn style(&self, s: &str, code: &str) -> String {
        if self.color_stdout {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// stdout is a terminal, or the same file as stderr: a reader sees the
    /// two interleaved, so a line of text is ended before a stderr line.
    pub fn streams_interleave(&self) -> bool {
        self.terminals.stdout || self.terminals.stdout_is_stderr
    }

    /// Whether a question can be asked: stdin and stderr are terminals (and
    /// stdin is not the prompt's text).
    pub fn can_ask(&self, stdin_is_text: bool) -> bool {
        !stdin_is_text && self.terminals.stdin && self.terminals.stderr
    }

    /// Ask on the terminal: `question` on stderr, the answer a line of
    /// stdin (None when it cannot be read).
    pub fn ask(&self, question: &str) -> Option<String> {
        eprint!("{question}");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).ok()?;
        Some(line)
    }

    /// Print `error: ...` (and `hint: ...`) on stderr, plus a JSON error
    /// record on stdout in json/ndjson mode; returns the exit code.
    pub fn error(&self, err: &anyhow::Error) -> Exit {
        self.error_in(None, err)
    }

    /// [`Printer::error`] for a command about `session` (named in the record).
    pub fn error_in(&self, session: Option<&str>, err: &anyhow::Error) -> Exit {
        let (exit, hint) = classify(err);
        let message = error_message(err);
        let (red, yellow, reset) = if self.color_stderr {
            ("\x1b[1;31m", "\x1b[1;33m", "\x1b[0m")
        } else {
            ("", "", "")
        };
        eprintln!("{red}error:{reset} {message}");
        if let Some(h) = &hint {
            eprintln!("{yellow}hint:{reset} {h}");
        }
        if !self.is_text() {
            let record = ErrorRecord::new(session.map(str::to_string), exit, message, hint);
            if let Ok(line) = render(self.format, "error", &record) {
                let _ = self.stdout(&line);
            }
        }
        exit
    }

    /// `error: ...` and `hint: ...` on stderr, uncoloured, for a refusal
    /// whose record the command prints itself (a conflicting apply).
    pub fn refusal(&self, message: &str, hint: Option<&str>) {
        eprintln!("error: {message}");
        if let Some(h) = hint {
            eprintln!("hint: {h}");
        }
    }

    /// A spinner with the elapsed time on a terminal's stderr while a turn
    /// waits for the agent (text only, not with --quiet); else inert.
    pub fn waiting(&self, message: &str) -> Waiting {
        let show = self.is_text() && !self.quiet && self.terminals.stderr;
        Waiting::start(show, message)
    }

    /// The command's reporter, to hand to the library: one spinner line
    /// per provider on a terminal's stderr while probes run (not with
    /// --quiet); the output lines of a worktree's post-create command on
    /// stderr (not with --quiet), and of the repository's git hooks (as git
    /// shows them: with --quiet too).
    pub fn reporter(&self) -> std::sync::Arc<dyn boocoder::Reporter> {
        self.reporting().shared()
    }

    /// [`Printer::reporter`], to be told more first (a prompt's).
    pub fn reporting(&self) -> Reporting {
        Reporting::new(self)
    }
}

/// Write all of `s` to stdout and flush it.
fn write_stdout(s: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes()).and_then(|_| out.flush())
}

/// A parse failure before any printer exists: clap's own message (help and
/// version on stdout, errors on stderr) or `message` in its place, and the
/// JSON error `record` on stdout when one was asked for.
pub fn parse_failure(e: &clap::Error, message: Option<&str>, record: Option<&str>) {
    match message {
        Some(m) => eprint!("{m}"),
        None => {
            let _ = e.print();
        }
    }
    if let Some(line) = record {
        let _ = write_stdout(line);
    }
}
